"""The backward pass: reverse-mode differentiation over the recorded graph.

A function may run only after every function that used its outputs has sent
its gradient. Generations guarantee it: a function's generation is the
largest of its inputs', and a consumer's is always larger than a producer's,
so running the highest generation first is a valid order. Functions wait in
one bucket per generation and a heap holds the distinct generations, so many
functions of one generation (a wide fan-in) cost O(1) each and nothing is
ever re-sorted. The loop is iterative: a chain of 100,000 ops needs no
Python recursion.

`run` is the one checked entry: `y.backward(...)` and `mg.grad(...)` both
call it; it checks and seeds the output gradients, then calls `backward`.

Gradients of intermediate Variables wait in the `pending` table and are
popped, and so freed, the moment their creator consumes them. When no graph
is recorded (create_graph=False), a gradient that receives a second
contribution is copied once and then summed into in place.

A gradient stored for the caller (a leaf's `.grad`, a retained `.grad`, a
result of `mg.grad`) is its own writable array: a backward often passes one
gradient on to several inputs as is (add) or as a view (reshape, the
read-only broadcast of sum's backward). `keep` copies it only when it is a
view, read-only, the caller's own seed, a hook's result, or already stored
in this pass; a fresh array is stored as is. The caller's seed is used as
is, not copied on entry (`Variable.backward` wraps an ndarray seed): it is
held, so a gradient that is the seed or a view of it is copied when stored.
"""
import heapq

import numpy as np

from . import anomaly as _anomaly
from . import versions
from .config import Config
from .ops import ops

def run(caller, outputs, grad_outputs, retain_grad=False, create_graph=False, inputs=None):
    """Check and seed `grad_outputs` (one per output: None for ones, an
    array or a Variable of the output's shape), then run `backward`.
    `caller` ("backward", "grad") names the entry in errors."""
    seeds = []
    held = {}   # id -> array of the caller's own seeds: never stored as a .grad as is
    for y, gy in zip(outputs, grad_outputs):
        if gy is None:
            gy = y.new_ones(y.shape, requires_grad=True)
        else:
            if not hasattr(gy, "creator"):   # an ndarray, a number or a list: not a Variable
                gy = y.new_tensor(gy, dtype=getattr(gy, "dtype", None), requires_grad=True)
            else:
                held[id(gy.data)] = gy.data
            if gy.shape != y.shape:
                seed = "grad" if caller == "backward" else "grad_output"
                raise ValueError(f"{caller}: {seed} has shape {gy.shape} but the output has shape "
                                 f"{y.shape}; expected the same shape")
        seeds.append(gy)
    return backward(outputs, seeds, retain_grad=retain_grad, create_graph=create_graph, inputs=inputs,
                    held=held)


# Observers of the backward pass live in `Config.observers`, per thread
# (`minigrad.viz.trace_backward` adds one while it records). Read once per
# backward call; empty, it costs one `is None` test per function. An observer
# has `begin(outputs, grad_outputs)`, called before the first step, and
# `step(function, gys, gxs)`, called after each function has sent its gradients.
#
# Hooks (`x.register_hook(fn)`, `x.retain_grad()`) live in the Variable's
# `_hooks` slot, None for almost every Variable: one test per function.
# A leaf's contributions are summed in `leaves` (or `capture`) and stored at
# the end of the pass: its hooks see its whole gradient of the pass, and a
# leaf given two views of one gradient (`vstack([x, x])`) stores their sum, a
# new array, instead of a copy of the first view plus the sum.


def backward(outputs, grad_outputs, retain_grad=False, create_graph=False, inputs=None, held=None):
    """Propagate `grad_outputs` (Variables) from `outputs` back through the graph.

    With `inputs=None`, gradients accumulate into `.grad` of the leaves
    (and of intermediates when `retain_grad`). With `inputs` given, nothing
    is written to `.grad`: the gradients reaching those Variables are
    returned as a list (None where none arrives). `held` maps id -> array
    for arrays the caller keeps (its seeds): no stored gradient shares them.
    """
    capture = None if inputs is None else {x: None for x in inputs}
    pending = {}      # Variable -> gradient received so far, not yet consumed
    buckets = {}      # generation -> functions waiting to run
    generations = []  # heap of -generation, one entry per non-empty bucket
    queued = set()    # functions already in a bucket (multi-output ones ask)
    owned = set()     # sums made here and held in one place only: safe to add into
    leaves = {}       # leaf -> its gradient of this pass so far (stored at the end)
    held = {} if held is None else held  # id -> array stored, or kept by someone else
    in_place = not create_graph

    def accumulate(old, gx):
        """old + gx, adding into old's array when this pass owns it."""
        if not in_place:
            return old + gx
        if old in owned:
            np.add(old.data, gx.data, out=old.data, casting="unsafe")
            return old
        new = old + gx
        owned.add(new)
        return new

    def keep(gx):
        """gx to be stored for the caller: itself when its array is its own
        (not a view), writable and held nowhere else, else a copy."""
        data = gx.data
        if (data.base is not None or id(data) in held
                or (type(data) is np.ndarray and not data.flags.writeable)):
            gx = ops.copy(gx)   # recorded when create_graph: differentiable again
            data = gx.data
        held[id(data)] = data
        return gx

    def run_hooks(x, gx):
        """gx through x's hooks. A hook's result may be the hook owner's."""
        new = x._hooks.run(gx)
        if new is not gx:
            held[id(new.data)] = new.data
        return new

    def received(y, gy, retain):
        """What y's creator passes on of y's whole gradient of the pass: gy
        through y's hooks, kept in y.grad when retained."""
        hooks = y._hooks
        if hooks is not None:
            new = run_hooks(y, gy)
            if new is not gy and capture is not None and y in capture and not _leads_to(y.creator, capture):
                capture[y] = new   # see the end of the pass
            gy = new
            if not (retain or hooks.retain):
                return gy
        y.grad = keep(gy) if y.grad is None else y.grad + gy
        return gy

    def send(x, gx):
        if not x.requires_grad and (capture is None or x not in capture):
            return
        if gx.data.shape != x.data.shape:
            gx = _sum_to_input(x, gx)
        if capture is not None and x in capture:
            capture[x] = gx if capture[x] is None else accumulate(capture[x], gx)
        creator = x.creator
        if creator is None:
            if capture is None:
                leaves[x] = accumulate(leaves[x], gx) if x in leaves else gx
            return
        if x in pending:
            pending[x] = accumulate(pending[x], gx)
        elif creator not in queued:
            pending[x] = gx
            queued.add(creator)
            bucket = buckets.get(creator.generation)
            if bucket is None:
                buckets[creator.generation] = [creator]
                heapq.heappush(generations, -creator.generation)
            else:
                bucket.append(creator)
        else:
            pending[x] = gx

    retain = retain_grad and capture is None
    observers = Config.observers
    observer = observers[-1] if observers else None
    check_anomaly = _anomaly.enter_backward() if _anomaly.active else None
    saved = Config.enable_backprop
    Config.enable_backprop = create_graph
    try:
        if observer is not None:
            observer.begin(outputs, grad_outputs)
        for y, gy in zip(outputs, grad_outputs):
            send(y, gy)
        while generations:
            bucket = buckets[-generations[0]]  # the highest generation waiting
            function = bucket.pop()
            if not bucket:
                del buckets[-heapq.heappop(generations)]
            if function.seq < versions.last_write:  # data changed in place since it ran?
                versions.check(function)
            outputs = function.outputs
            if len(outputs) == 1:  # the common case, kept short
                y = outputs[0]()
                gy = pending.pop(y)
                if owned:
                    owned.discard(gy)  # backward may pass it on as is: no more adds into it
                if y._hooks is not None or retain:
                    gy = received(y, gy, retain)
                gxs = function.backward(gy)
            else:
                gys = []
                for ref in outputs:
                    y = ref()
                    gy = None if y is None else pending.pop(y, None)
                    owned.discard(gy)
                    if gy is not None and (y._hooks is not None or retain):
                        gy = received(y, gy, retain)
                    gys.append(gy)
                gxs = function.backward(*gys)
            xs = function.inputs
            if type(gxs) is not tuple:
                gxs = tuple(gxs) if isinstance(gxs, list) else (gxs,)
            if len(gxs) != len(xs):
                raise RuntimeError(
                    f"{function.name}: backward returned {len(gxs)} gradients for {len(xs)} inputs; "
                    f"{type(function).__name__}.backward must return one per input (None for no gradient)")
            if check_anomaly is not None:
                check_anomaly(function, gxs)
            try:
                for x, gx in zip(xs, gxs):
                    if gx is not None:
                        send(x, gx if hasattr(gx, "creator") else _as_gradient(function, gxs, gx))
            except _BadGradientShape as e:
                raise _bad_shape_error(function, e.args[0], e.args[1]) from None
            if observer is not None:
                observer.step(function, (gy,) if len(outputs) == 1 else gys, gxs)
        for x, gx in leaves.items():
            if x._hooks is not None:
                gx = run_hooks(x, gx)
            x.grad = keep(gx) if x.grad is None else accumulate(x.grad, gx)
        if capture is None:
            return None
        # As PyTorch 2.13, an input's gradient is taken after its hooks (a
        # leaf's here, a non-leaf's in `received`), except for a non-leaf whose
        # creator leads to another input: PyTorch takes that one on its way
        # down, before the hooks (torch/csrc/autograd/engine.cpp,
        # evaluate_function).
        for x, gx in capture.items():
            if gx is not None and x.creator is None and x._hooks is not None:
                capture[x] = run_hooks(x, gx)
        return [None if capture[x] is None else keep(capture[x]) for x in inputs]
    finally:
        Config.enable_backprop = saved
        if check_anomaly is not None:
            _anomaly.leave_backward()


def _leads_to(function, targets):
    """Whether a Variable of `targets` that requires grad lies below
    `function` in the graph (PyTorch then runs `function` to reach it)."""
    seen, stack = {function}, [function]
    while stack:
        for x in stack.pop().inputs:
            if x.requires_grad and x in targets:
                return True
            creator = x.creator
            if creator is not None and creator not in seen:
                seen.add(creator)
                stack.append(creator)
    return False


class _BadGradientShape(Exception):
    """A gradient that does not sum to its input's shape: (input, gradient)."""


def _sum_to_input(x, gx):
    """gx summed to x's shape, undoing broadcasting."""
    target, shape = x.data.shape, gx.data.shape
    lead = len(shape) - len(target)
    if lead < 0 or any(t != s and t != 1 for t, s in zip(target, shape[lead:])):
        raise _BadGradientShape(x, gx)
    return ops.sum_to(gx, target)


def _bad_shape_error(function, x, gx):
    index = next(i for i, xi in enumerate(function.inputs) if xi is x)
    return ValueError(
        f"{type(function).__name__}.backward: the gradient for input {index} has shape "
        f"{gx.data.shape}, which does not reduce to the input's shape {x.data.shape}; expected "
        "the input's shape or one it broadcasts to")


def _as_gradient(function, gxs, gx):
    """A gradient a backward returned as an ndarray or number, as a Variable."""
    if isinstance(gx, (np.ndarray, np.generic, int, float)) and np.asarray(gx).dtype.kind in "biufc":
        gx = np.asarray(gx)
        return function.inputs[0].new_tensor(gx, dtype=gx.dtype, requires_grad=True)
    index = next(i for i, g in enumerate(gxs) if g is gx)
    x = function.inputs[index]
    raise TypeError(
        f"{type(function).__name__}.backward returned a {type(gx).__name__} as the gradient for "
        f"input {index} (shape {x.data.shape}); expected a Variable, an ndarray or None")
