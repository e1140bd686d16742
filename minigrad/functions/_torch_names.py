"""PyTorch's argument names, accepted in one place.

PyTorch users write `x.sum(dim=1, keepdim=True)`; NumPy users write
`x.sum(axis=1, keepdims=True)`. Every public function of
`minigrad.functions` that takes `axis` (or `keepdims`) is wrapped once, at
import time, by `accept_torch_names`, which renames `dim` to `axis` and
`keepdim` to `keepdims` before the call. Functions are not edited one by one,
and a new op gets the names by having an `axis` parameter.
"""
import functools
import inspect

RENAMES = {"dim": "axis", "keepdim": "keepdims"}


def _translate(name, kwargs):
    for torch_name, numpy_name in RENAMES.items():
        if torch_name in kwargs:
            if numpy_name in kwargs:
                raise TypeError(f"{name}: got both {numpy_name}= and {torch_name}= "
                                f"(PyTorch's name for {numpy_name}); pass one")
            kwargs[numpy_name] = kwargs.pop(torch_name)
    return kwargs


def with_torch_names(fn):
    """fn, also accepting dim= for axis= and keepdim= for keepdims=."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs and ("dim" in kwargs or "keepdim" in kwargs):
            kwargs = _translate(name, kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_torch_names__ = True
    return wrapper


def takes_axis(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return ("axis" in params or "keepdims" in params) and "dim" not in params


def accept_torch_names(namespace):
    """Wrap every public function in `namespace` (a module's dict) that
    takes `axis` or `keepdims`. Returns the names wrapped."""
    wrapped = []
    for name, obj in list(namespace.items()):
        if (not name.startswith("_") and inspect.isfunction(obj)
                and not getattr(obj, "__wrapped_torch_names__", False) and takes_axis(obj)):
            namespace[name] = with_torch_names(obj)
            wrapped.append(name)
    return wrapped
