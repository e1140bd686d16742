"""NumPy functions on Variables: one table from NumPy's functions to ops.

NumPy hands a call to its ufuncs (`np.exp(x)`, `ndarray + x`, `a -= v`) to
`Variable.__array_ufunc__`, and a call to its other functions (`np.sum(x,
axis=0)`, `np.concatenate([x, y])`) to `Variable.__array_function__`. Both
read the tables below:

    _UFUNCS, _FUNCTIONS      NumPy function -> name of the op in
                             minigrad.functions: the call is recorded in the
                             graph and returns a Variable. NumPy's argument
                             names are translated by `_RENAMES`; an argument
                             minigrad's op does not take is a TypeError.
    _DATA_UFUNCS, _DATA_FUNCTIONS
                             no gradient to give (comparisons, indices,
                             shapes, `np.allclose` ...): computed on the data,
                             returning what NumPy returns (ndarrays), as `x < y`.

Ops are looked up by name when called, through core/operators.py, so an op
merged into minigrad.functions later just works; an entry whose op is
missing says so. Any other NumPy function given a Variable is a TypeError
naming the function and suggesting `x.data`. A ufunc with `out=` (`a -= lr *
v`, `np.add(a, v, out=a)`) is an in-place update of an array: it computes on
the data, writes into `out` and records nothing, so `p.data -= lr * p.grad`
works.
"""
import inspect

import numpy as np

from .config import Config
from .operators import ops
from .variable import Variable

_UFUNCS = {
    np.add: "add", np.subtract: "sub", np.multiply: "mul", np.divide: "div", np.power: "pow",
    np.negative: "neg", np.matmul: "matmul", np.maximum: "maximum", np.minimum: "minimum",
    np.exp: "exp", np.log: "log", np.sqrt: "sqrt", np.sin: "sin", np.cos: "cos", np.tan: "tan",
    np.tanh: "tanh", np.absolute: "abs", np.fabs: "abs",
    np.arcsin: "asin", np.arccos: "acos", np.arctan: "atan", np.arctan2: "atan2",
    np.sinh: "sinh", np.cosh: "cosh", np.arcsinh: "asinh", np.arccosh: "acosh", np.arctanh: "atanh",
    np.log2: "log2", np.log10: "log10", np.log1p: "log1p", np.expm1: "expm1", np.exp2: "exp2",
    np.square: "square", np.reciprocal: "reciprocal", np.cbrt: "cbrt", np.hypot: "hypot",
    np.logaddexp: "logaddexp", np.fmod: "fmod", np.remainder: "remainder", np.sign: "sign",
    np.floor: "floor", np.ceil: "ceil", np.rint: "round", np.trunc: "trunc",
}

_DATA_UFUNCS = {
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.isnan, np.isinf, np.isfinite, np.signbit,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
}

_FUNCTIONS = {
    # reductions
    np.sum: "sum", np.mean: "mean", np.max: "max", np.amax: "max", np.min: "min", np.amin: "min",
    np.var: "var", np.std: "std", np.prod: "prod", np.cumsum: "cumsum", np.cumprod: "cumprod",
    np.median: "median", np.linalg.norm: "norm",
    # shape and indexing
    np.reshape: "reshape", np.transpose: "transpose", np.squeeze: "squeeze",
    np.expand_dims: "expand_dims", np.broadcast_to: "broadcast_to", np.concatenate: "concat",
    np.stack: "stack", np.split: "split", np.pad: "pad", np.where: "where", np.clip: "clip",
    np.flip: "flip", np.roll: "roll", np.tile: "tile", np.repeat: "repeat", np.tril: "tril",
    np.triu: "triu", np.diag: "diag", np.diagonal: "diagonal", np.trace: "trace",
    np.moveaxis: "moveaxis", np.swapaxes: "swapaxes", np.take_along_axis: "take_along_axis",
    np.round: "round", np.sort: "sort",
    # linear algebra
    np.einsum: "einsum", np.outer: "outer", np.dot: "dot", np.inner: "inner",
    np.tensordot: "tensordot", np.linalg.inv: "inv", np.linalg.det: "det",
    np.linalg.slogdet: "slogdet", np.linalg.solve: "solve", np.linalg.cholesky: "cholesky",
}

_DATA_FUNCTIONS = {
    np.shape, np.ndim, np.size, np.copy, np.allclose, np.isclose, np.array_equal,
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero,
    np.count_nonzero, np.any, np.all, np.unique, np.searchsorted,
    np.zeros_like, np.ones_like, np.empty_like, np.full_like,
    np.iscomplexobj, np.isrealobj, np.may_share_memory, np.shares_memory,
}

# NumPy's argument name -> minigrad's, where they differ
_RENAMES = {"a_min": "lo", "a_max": "hi", "min": "lo", "max": "hi", "newshape": "shape",
            "constant_values": "value"}


def _op(numpy_function, name):
    fn = getattr(ops, name, None)
    if fn is None:
        raise TypeError(f"{_numpy_name(numpy_function)} on a Variable needs minigrad's op {name!r}, "
                        "which minigrad.functions does not have; use x.data for a value with no gradient")
    return fn


def _numpy_name(f):
    module = getattr(f, "__module__", None) or "numpy"
    if module.startswith("numpy"):
        module = "np" + module[len("numpy"):]
    return f"{module}.{f.__name__}"


def _data(x):
    """x with every Variable inside (also in lists and tuples) replaced by its data."""
    if isinstance(x, Variable):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_data(item) for item in x)
    return x


def _not_differentiable(f, detail=""):
    return TypeError(
        f"{_numpy_name(f)}{detail} is not differentiable in minigrad and got a Variable; "
        "pass x.data for a value with no gradient, or use minigrad.functions")


def array_ufunc(self, ufunc, method, *inputs, out=None, **kwargs):
    """NumPy's ufunc protocol: see the module docstring."""
    if out is not None:
        return _ufunc_into(ufunc, method, inputs, out, kwargs)
    if method != "__call__":
        raise _not_differentiable(ufunc, f".{method}")
    if ufunc in _DATA_UFUNCS:
        return ufunc(*_data(inputs), **kwargs)
    name = _UFUNCS.get(ufunc)
    if name is None:
        raise _not_differentiable(ufunc)
    if kwargs:
        raise TypeError(f"{_numpy_name(ufunc)} on a Variable: minigrad's {name} does not take "
                        f"{', '.join(k + '=' for k in kwargs)}")
    return _op(ufunc, name)(*inputs)


def _ufunc_into(ufunc, method, inputs, out, kwargs):
    """`ufunc(..., out=out)`: computed on the data, written into out, not recorded."""
    outs = out if isinstance(out, tuple) else (out,)
    records = Config.enable_backprop and any(
        isinstance(x, Variable) and x.requires_grad for x in inputs + outs)
    if records and any(isinstance(o, Variable) for o in outs):
        raise RuntimeError(
            f"{_numpy_name(ufunc)} with out= a Variable that takes part in the graph would lose the "
            "gradient; wrap the update in `with mg.no_grad():` or write y = op(...)")
    getattr(ufunc, method)(*_data(inputs), out=tuple(_data(o) for o in outs), **kwargs)
    return out[0] if isinstance(out, tuple) and len(out) == 1 else out


def array_function(self, func, types, args, kwargs):
    """NumPy's array-function protocol: see the module docstring."""
    if func in _DATA_FUNCTIONS:
        return func(*_data(args), **{k: _data(v) for k, v in kwargs.items()})
    name = _FUNCTIONS.get(func)
    if name is None:
        raise _not_differentiable(func)
    fn = _op(func, name)
    positional, keywords = _translate(func, args, kwargs)
    try:
        inspect.signature(fn).bind(*positional, **keywords)
    except TypeError as e:
        raise TypeError(f"{_numpy_name(func)} on a Variable: minigrad's {name} cannot take these "
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
    """Every (NumPy function, op name) of the differentiable tables, for tests."""
    return list(_UFUNCS.items()) + list(_FUNCTIONS.items())


Variable.__array_ufunc__ = array_ufunc
Variable.__array_function__ = array_function
