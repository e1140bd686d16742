"""NumPy functions on Variables: NumPy's protocols, read from the op declarations.

NumPy hands a call to its ufuncs (`np.exp(x)`, `ndarray + x`, `a -= v`) to
`Variable.__array_ufunc__`, and a call to its other functions (`np.sum(x,
axis=0)`, `np.concatenate([x, y])`) to `Variable.__array_function__`. Both
look the NumPy function up in:

    ops.by_numpy             NumPy function -> the op declaring it
                             (`@declare(Exp, numpy=np.exp)`, core/ops.py): the
                             call is recorded in the graph and returns a
                             Variable. NumPy's argument names are translated
                             by `_RENAMES`; an argument the op does not take
                             is a TypeError. SciPy's ufuncs are NumPy ufuncs
                             too: `scipy.special.expit(x)` finds its op by
                             `ops.scipy_op` (`@declare(..., scipy="expit")`).
    _DATA_UFUNCS, _DATA_FUNCTIONS
                             no gradient to give (comparisons, indices,
                             shapes, `np.allclose` ...): computed on the data,
                             returning what NumPy returns (ndarrays), as `x < y`.

Any other NumPy function given a Variable is a TypeError naming the function
and suggesting `x.data`. A ufunc with `out=` (`a -= lr * v`, `np.add(a, v,
out=a)`) is an in-place update of an array: it computes on the data, writes
into `out` and records nothing, so `p.data -= lr * p.grad` works.

Converting a Variable that requires grad to an ndarray (`np.asarray(x)`,
`np.array([x, y])`, `x.numpy()`, a library that converts its inputs, such as
`scipy.special.logsumexp`) is a RuntimeError while the graph is recorded, as
in PyTorch (`check_conversion`): the array would leave the graph and its
gradient would be lost with no sign.

Variable's class body (core/variable.py) names both protocol methods; this
module sits below it and knows a Variable by its `creator` slot.
"""
import inspect

import numpy as np

from . import versions
from .config import Config
from .ops import by_numpy, numpy_name, scipy_op

_DATA_UFUNCS = {
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.isnan, np.isinf, np.isfinite, np.signbit,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
}

_DATA_FUNCTIONS = {
    np.shape, np.ndim, np.size, np.allclose, np.isclose, np.array_equal,
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero,
    np.count_nonzero, np.any, np.all, np.unique, np.searchsorted,
    np.zeros_like, np.ones_like, np.empty_like, np.full_like,
    np.iscomplexobj, np.isrealobj, np.may_share_memory, np.shares_memory,
}

# NumPy's argument name -> minigrad's, where they differ
_RENAMES = {"a_min": "lo", "a_max": "hi", "min": "lo", "max": "hi", "newshape": "shape",
            "constant_values": "value"}


def _data(x):
    """x with every Variable inside (also in lists and tuples) replaced by its data."""
    if hasattr(x, "creator"):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_data(item) for item in x)
    return x


def _not_differentiable(f, detail=""):
    return TypeError(
        f"{numpy_name(f)}{detail} is not differentiable in minigrad and got a Variable; "
        "pass x.data for a value with no gradient, or use minigrad.functions")


def check_conversion(x, what):
    """`what` (x.numpy(), np.asarray(x)) on x, a Variable that requires grad:
    PyTorch's RuntimeError while the graph is recorded, since the array
    would leave the graph and take no gradient; nothing under `no_grad()`."""
    if Config.enable_backprop:
        raise RuntimeError(
            f"{what}: can't convert a Variable of shape {x.shape} that requires grad to an ndarray: "
            "its gradient would be lost without a sign. Use x.detach().numpy() or x.data for the "
            "values, or ops of minigrad.functions to keep the gradient (F.stack for a list of "
            "Variables, F.logsumexp, F.softmax ...)")


def array_ufunc(self, ufunc, method, *inputs, out=None, **kwargs):
    """NumPy's ufunc protocol: see the module docstring."""
    if out is not None:
        return _ufunc_into(ufunc, method, inputs, out, kwargs)
    if method != "__call__":
        raise _not_differentiable(ufunc, f".{method}")
    if ufunc in _DATA_UFUNCS:
        return ufunc(*_data(inputs), **kwargs)
    fn = by_numpy.get(ufunc) or scipy_op(ufunc)
    if fn is None:
        raise _not_differentiable(ufunc)
    if kwargs:
        raise TypeError(f"{numpy_name(ufunc)} on a Variable: minigrad's {fn.__name__} does not take "
                        f"{', '.join(k + '=' for k in kwargs)}")
    return fn(*inputs)


def _ufunc_into(ufunc, method, inputs, out, kwargs):
    """`ufunc(..., out=out)`: computed on the data, written into out, not recorded."""
    outs = out if isinstance(out, tuple) else (out,)
    records = Config.enable_backprop and any(
        hasattr(x, "creator") and x.requires_grad for x in inputs + outs)
    if records and any(hasattr(o, "creator") for o in outs):
        raise RuntimeError(
            f"{numpy_name(ufunc)} with out= a Variable that takes part in the graph would lose the "
            "gradient; wrap the update in `with mg.no_grad():` or write y = op(...)")
    getattr(ufunc, method)(*_data(inputs), out=tuple(_data(o) for o in outs), **kwargs)
    for o in outs:
        if hasattr(o, "creator"):
            versions.bump(o)
    return out[0] if isinstance(out, tuple) and len(out) == 1 else out


def array_function(self, func, types, args, kwargs):
    """NumPy's array-function protocol: see the module docstring."""
    if func in _DATA_FUNCTIONS:
        return func(*_data(args), **{k: _data(v) for k, v in kwargs.items()})
    fn = by_numpy.get(func)
    if fn is None:
        raise _not_differentiable(func)
    name = fn.__name__
    positional, keywords = _translate(func, args, kwargs)
    try:
        inspect.signature(fn).bind(*positional, **keywords)
    except TypeError as e:
        raise TypeError(f"{numpy_name(func)} on a Variable: minigrad's {name} cannot take these "
                        f"arguments ({e})") from None
    return fn(*positional, **keywords)


def _translate(func, args, kwargs):
    """NumPy's call `func(*args, **kwargs)` as (positional, keywords) for the
    op: required and positional-only arguments stay positional, the others
    are passed by (renamed) keyword when they differ from NumPy's default."""
    signature = inspect.signature(func)
    bound = signature.bind(*args, **kwargs)
    positional, keywords = [], {}
    for name, param in signature.parameters.items():
        if name not in bound.arguments:
            continue
        value = bound.arguments[name]
        if param.kind is param.VAR_POSITIONAL:
            positional.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            keywords.update((_RENAMES.get(k, k), v) for k, v in value.items())
        elif param.kind is param.POSITIONAL_ONLY or param.default is param.empty:
            positional.append(value)
        elif value is not param.default:
            keywords[_RENAMES.get(name, name)] = value
    return positional, keywords


def table():
    """Every (NumPy function, name of the op it calls), for tests."""
    return [(f, fn.__name__) for f, fn in by_numpy.items()]
