"""In-place updates: `x += y` (and `-= *= /= **=`), `x.zero_()`, `x.fill_(v)`,
`x.copy_(y)`.

Where nothing is being recorded (under `no_grad()`, or when neither x nor y
takes part in the graph) they change `x.data` in place, with NumPy's
in-place rules (x keeps its dtype and shape; y broadcasts to it), and return
x itself: so `with mg.no_grad(): p -= lr * p.grad` updates the very
Parameter that the model and the optimiser hold.

While the graph is being recorded, changing data in place would silently
give wrong gradients, so:
  - on a leaf that requires grad it is a RuntimeError saying to wrap the
    update in `with mg.no_grad():`;
  - otherwise `x += y` records the op and rebinds, as `x = x + y` does (the
    methods, which cannot rebind, raise instead).
The cost is one read of the per-thread grad mode per update.

Variable's class body (core/variable.py) names each of these methods; this
module sits below it and knows a Variable by its `creator` slot.
"""
import numpy as np

from . import versions
from .config import Config
from .ops import ops

# symbol -> (op in minigrad.functions, NumPy ufunc)
OPERATORS = {
    "+=": ("add", np.add),
    "-=": ("sub", np.subtract),
    "*=": ("mul", np.multiply),
    "/=": ("div", np.divide),
    "**=": ("pow", np.power),
}


def _is_variable(x):
    return hasattr(x, "creator")


def _recorded(x, other=None):
    """Whether an update of x by other must be recorded in the graph."""
    return Config.enable_backprop and (
        x.requires_grad or (_is_variable(other) and other.requires_grad))


def _refuse_leaf(x, what):
    if x.requires_grad and x.creator is None:
        raise RuntimeError(
            f"{what}: in-place update of a leaf Variable that requires grad (shape {x.shape}) while "
            "the graph is recorded would corrupt its gradient; wrap the update in "
            "`with mg.no_grad():` (as an optimiser step does), or update x.data")


def _write(what, ufunc, x, other):
    if _is_variable(other):
        data = other.data   # never complex: Variables refuse complex data
    else:
        data = other
        if _is_complex(data):  # NumPy would drop its imaginary part (copy_, fill_) or refuse it (+=)
            raise TypeError(f"{what}: cannot write a complex value into a Variable of dtype {x.dtype}: "
                            "complex numbers are not supported by minigrad; write its real part (value.real)")
    try:
        ufunc(x.data, data, out=x.data)
        versions.bump(x)
    except (TypeError, ValueError) as e:
        raise (TypeError if isinstance(e, TypeError) else ValueError)(
            f"{what}: cannot update a Variable of shape {x.shape} and dtype {x.dtype} in place with "
            f"a value of shape {np.shape(data)} and dtype {np.result_type(data)}: {e}") from None


def _is_complex(value):
    """Whether `value` (an array, a number, a list) is complex. An array's
    dtype is read directly: np.iscomplexobj would cost a fifth of an
    optimizer's update of a small parameter."""
    dtype = getattr(value, "dtype", None)
    return dtype.kind == "c" if dtype is not None else np.iscomplexobj(value)


def operator(symbol):
    """The method `x <symbol> y` (`__iadd__` for "+=" ...)."""
    op_name, ufunc = OPERATORS[symbol]

    def method(self, other):
        if _recorded(self, other):
            _refuse_leaf(self, symbol)
            return getattr(ops, op_name)(self, other)
        _write(symbol, ufunc, self, other)
        return self

    method.__doc__ = (f"x {symbol} y: in place on x.data when nothing is recorded, "
                      f"else x = x {symbol[:-1]} y (see core/inplace.py).")
    return method


def _set(what, x, value):
    if _recorded(x, value):
        _refuse_leaf(x, what)
        raise RuntimeError(
            f"{what}: in-place update of a Variable computed by an op while the graph is recorded; "
            "wrap it in `with mg.no_grad():` or build a new Variable")
    _write(what, _assign, x, value)
    return x


def _assign(target, value, out):
    """out[...] = value, with a ufunc's calling convention for `_write`."""
    out[...] = value


def zero_(self):
    """Set every element to 0 in place; returns x (see core/inplace.py)."""
    return _set("zero_", self, 0)


def fill_(self, value):
    """Set every element to `value` in place; returns x."""
    return _set("fill_", self, value)


def copy_(self, src):
    """Copy `src` (broadcast to x's shape, cast to x's dtype) into x in place; returns x."""
    return _set("copy_", self, src)


def no_setitem(self, index, value):
    raise TypeError(
        f"setitem: a Variable does not support item assignment (x[{index!r}] = ...) on shape {self.shape}; "
        "build a new Variable (F.where, F.masked_fill, F.index_add), or change x.data under "
        "`with mg.no_grad():`")
