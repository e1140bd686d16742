"""Hooks on gradients: `x.register_hook(fn)` and `x.retain_grad()`.

A Variable's hooks live in its `_hooks` slot, None for almost every
Variable, so the backward pass pays one `is None` test per function. The
backward pass (core/backprop.py) calls `Hooks.run` with the gradient of a
hooked Variable; each hook may return a replacement.

`RemovableHandle` is the one handle class of minigrad: `register_hook` here
and the Module hooks of minigrad.nn return it.
"""


class Hooks:
    """The hooks of one Variable: functions run on its gradient, in order
    of registration, and whether a non-leaf keeps its `.grad`."""

    __slots__ = ("fns", "retain", "next_key")

    def __init__(self):
        self.fns = {}
        self.retain = False
        self.next_key = 0

    def run(self, gy):
        """gy passed through every hook, in order (the backward pass keeps
        it in y.grad after them when `retain` is set)."""
        for fn in list(self.fns.values()):
            new = fn(gy)
            if new is not None:
                if not hasattr(new, "creator"):   # an ndarray or a number, not a Variable
                    new = gy.new_tensor(new, dtype=getattr(new, "dtype", None))
                if new.shape != gy.shape:
                    raise ValueError(
                        f"register_hook: the hook {getattr(fn, '__name__', fn)!r} returned a gradient "
                        f"of shape {new.shape} for a gradient of shape {gy.shape}; expected the same shape")
                gy = new
        return gy


class RemovableHandle:
    """Returned by the hook registrations: `remove()` unregisters the hook
    (a second call does nothing). Usable as a context manager."""

    def __init__(self, registry, key):
        self._registry = registry
        self._key = key

    def remove(self):
        self._registry.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


def hooks_of(x):
    """x's Hooks, made on first use."""
    if x._hooks is None:
        x._hooks = Hooks()
    return x._hooks


def register_hook(x, fn):
    """x.register_hook(fn): see Variable.register_hook."""
    if not x.requires_grad:
        raise RuntimeError("register_hook: this Variable does not require grad, so it never "
                           "receives a gradient")
    if not callable(fn):
        raise TypeError(f"register_hook: expected a function fn(grad), got {type(fn).__name__} {fn!r}")
    hooks = hooks_of(x)
    key = hooks.next_key
    hooks.next_key += 1
    hooks.fns[key] = fn
    return RemovableHandle(hooks.fns, key)


def retain_grad(x):
    """x.retain_grad(): see Variable.retain_grad."""
    if x.creator is not None:
        hooks_of(x).retain = True
