"""Anomaly mode: find the op where a NaN or an infinity first appears.

    with mg.detect_anomaly():
        loss = model(x)          # forward: raises at the first op whose output is not finite
        loss.backward()          # backward: raises at the first op whose gradient is not finite

Inside the block every op notes where the user's code created it (the
innermost file and line outside minigrad itself), and checks its outputs;
the backward pass checks every gradient an op sends to its inputs. Either
raises `AnomalyError`, naming the op, its inputs' shapes and the line that
created it, as PyTorch's `torch.autograd.detect_anomaly` and Chainer's debug
mode do. `AnomalyError` is both a `FloatingPointError` (NumPy's habit) and
a `RuntimeError` (PyTorch's), so either `except` catches it.

Anomaly mode is per thread (entering it in one thread checks nothing in
another) and costs nothing when off but one flag test per op and one per
backward call. When on, it is slow: it inspects the stack at every op.
"""
import contextlib
import linecache
import os
import sys
import threading
import weakref

import numpy as np

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_local = threading.local()          # .depth: how many detect_anomaly blocks this thread is in
_lock = threading.Lock()
_sites = weakref.WeakKeyDictionary()  # Function -> (file, line, code) of the user's call that made it

# The one flag the engine tests (Function.__call__ and backward): the number
# of threads in anomaly mode, so it is 0 (false) whenever no thread is.
active = 0


class AnomalyError(FloatingPointError, RuntimeError):
    """A NaN or an infinity appeared in an op's output or gradient under
    `detect_anomaly()`. The message names the op, its inputs' shapes and
    the line of user code that created the op."""


@contextlib.contextmanager
def detect_anomaly():
    """Context manager: check every op's output (forward) and every
    gradient (backward) for NaN and inf in this thread, and raise
    `AnomalyError` at the first op that makes one, naming the op, its
    inputs' shapes and the line of your code that created it. Slow: for
    debugging."""
    global active
    depth = getattr(_local, "depth", 0)
    if depth == 0:
        with _lock:
            active += 1
    _local.depth = depth + 1
    try:
        yield
    finally:
        _local.depth = depth
        if depth == 0:
            with _lock:
                active -= 1


def is_anomaly_enabled():
    """True inside `detect_anomaly()` in this thread."""
    return getattr(_local, "depth", 0) > 0


def _user_site():
    """(file, line, source) of the innermost frame outside minigrad."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return None
    filename, lineno = frame.f_code.co_filename, frame.f_lineno
    return filename, lineno, linecache.getline(filename, lineno).strip()


_UNRECORDED = object()   # the op was made before anomaly mode was entered


def _describe_site(site):
    if site is _UNRECORDED:
        return "created outside detect_anomaly(), so its line was not recorded"
    if site is None:
        return "created inside minigrad (no user code on the stack)"
    filename, lineno, code = site
    return f'created at {filename}:{lineno}' + (f"\n    {code}" if code else "")


def _bad_values(array):
    """'NaN', 'inf' or 'NaN and inf' when a float array holds them, else None."""
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return None
    has_nan, has_inf = bool(np.isnan(array).any()), bool(np.isinf(array).any())
    return " and ".join(word for word, present in (("NaN", has_nan), ("inf", has_inf)) if present)


def _shapes(variables):
    return ", ".join(str(tuple(x.shape)) for x in variables)


def _inside_backward():
    """Whether this thread's backward pass is running (an op inside some
    backward): then the backward check names the op whose gradient went
    wrong, which says more than the helper op (a div, a mul) that computed it."""
    return getattr(_local, "backward_depth", 0) > 0


def check_forward(function, inputs, outputs):
    """Called by Function.__call__ when `active`: note where the op was made
    and raise if one of its outputs holds NaN or inf."""
    if not getattr(_local, "depth", 0):
        return   # another thread is in anomaly mode, not this one
    site = _user_site()
    _sites[function] = site
    for i, y in enumerate(outputs if isinstance(outputs, (list, tuple)) else (outputs,)):
        bad = _bad_values(y.data)
        if bad is not None and not _inside_backward():
            already = [j for j, x in enumerate(inputs) if _bad_values(x.data) is not None]
            cause = (f"; its input {', '.join(map(str, already))} already held NaN or inf" if already
                     else "; all its inputs were finite")
            raise AnomalyError(
                f"{function.name}: forward produced {bad} in output {i} of shape {tuple(y.shape)} "
                f"(input shapes: {_shapes(inputs)}){cause}; the op was {_describe_site(site)}")


def enter_backward():
    """Called by the backward pass when `active`: the function that checks
    each op's gradients in this thread (and this thread is marked as inside
    backward until `leave_backward()`), or None when anomaly mode is off here."""
    if not getattr(_local, "depth", 0):
        return None
    _local.backward_depth = getattr(_local, "backward_depth", 0) + 1
    return _check_backward


def leave_backward():
    """The end of a backward pass that `enter_backward` checked."""
    _local.backward_depth -= 1


def _check_backward(function, gxs):
    """Raise if a gradient `function.backward` returned holds NaN or inf."""
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        bad = _bad_values(gx.data if hasattr(gx, "creator") else np.asarray(gx))
        if bad is not None:
            raise AnomalyError(
                f"{function.name}: backward produced {bad} in the gradient of input {i} "
                f"(input shapes: {_shapes(function.inputs)}); the op was "
                f"{_describe_site(_sites.get(function, _UNRECORDED))}")
