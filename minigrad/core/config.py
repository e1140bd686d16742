"""Per-thread switches: whether graphs are recorded, whether layers train,
and who watches the backward pass.

They live in ONE object, `Config`, an instance of a `threading.local`
subclass whose class attributes are the defaults (as Chainer's
`chainer.config`): each thread starts from the defaults and its changes are
its own, so two threads can train two models at once, one of them under
`no_grad()` or `test_mode()`, without seeing each other's switches.

The other module-level state of the engine is process-wide by nature, and
none of it is a switch a user sets:
    core/ops.py         the op declarations, written once while
                        minigrad.functions is imported
    core/function.py    the counter of Function creation numbers (`seq`)
    core/anomaly.py     `active`, how many threads are in detect_anomaly()
                        (the per-thread depth is thread-local)
    device/backend.py   the devices met so far (CuPy's, once loaded)
    device/random.py    the latest seed given to manual_seed (threads that
                        never seeded start from it)

    enable_backprop  ops record the graph (`no_grad()` / `enable_grad()`)
    train            ops such as dropout and batch_norm are in training mode
                     (`test_mode()`); modules pass their own `training` flag
    observers        watchers of the backward pass, innermost last
                     (`minigrad.viz.trace_backward` adds one while it records)
"""
import contextlib
import threading


class _ThreadConfig(threading.local):
    """The switches of the current thread; class attributes are the defaults."""

    enable_backprop = True
    train = True
    observers = ()


Config = _ThreadConfig()


@contextlib.contextmanager
def using_config(name, value):
    """Temporarily set `Config.<name>` to `value` in this thread."""
    old = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old)


def no_grad():
    """Context manager (or decorator): ops run but record no graph
    (inference, parameter updates). Per thread.

    Examples
    --------
    >>> import numpy as np
    >>> import minigrad as mg
    >>> w = mg.Variable(np.array([1.0, 2.0]))
    >>> with mg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.creator
    (False, None)
    """
    return using_config("enable_backprop", False)


def enable_grad():
    """Context manager (or decorator): record the graph again, e.g. inside
    `no_grad()`. Per thread."""
    return using_config("enable_backprop", True)


def set_grad_enabled(mode):
    """Context manager setting whether ops record the graph to `mode`, as
    PyTorch's `torch.set_grad_enabled(mode)`."""
    return using_config("enable_backprop", bool(mode))


def is_grad_enabled():
    """True when ops record the graph in this thread."""
    return Config.enable_backprop


def test_mode():
    """Context manager: ops that behave differently in training (dropout,
    batch_norm) use their inference behaviour. Per thread."""
    return using_config("train", False)


def observing(observer):
    """Context manager: `observer` watches the backward passes run in this
    thread (innermost wins). See core/backprop.py for its two methods."""
    return using_config("observers", Config.observers + (observer,))
