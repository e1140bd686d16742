"""In-place updates: `x += y` (and `-= *= /= **=`), `x.zero_()`, `x.fill_(v)`,
`x.copy_(y)`, `x[idx] = v`, and the in-place form of the op methods
(`x.add_(y)`, `x.exp_()`, `x.masked_fill_(mask, 0)` ...).

Where nothing is being recorded (under `no_grad()`, or when neither x nor y
takes part in the graph) they change `x.data` in place, with NumPy's
in-place rules (x keeps its dtype and shape; y broadcasts to it), and return
x itself: so `with mg.no_grad(): p -= lr * p.grad` updates the very
Parameter that the model and the optimiser hold.

While the graph is being recorded, changing data in place would silently
give wrong gradients, so:
  - on a leaf that requires grad it is a RuntimeError saying to wrap the
    update in `with mg.no_grad():`;
  - otherwise `x += y` records the op and rebinds the name, as `x = x + y`
    does; `zero_ fill_ copy_` raise;
  - `x[idx] = v` and the `op_` methods record the op, as PyTorch's in-place
    ops do: the Variable x itself becomes the op's output (`rebind`), and
    the functions recorded before that took x get x as it was (a copy) when
    backward reaches them (core/versions.py `rebinds`). A view's base would
    need rebinding too, so on a view, or a Variable an op has viewed, it
    raises instead, asking for `x = x.clone()` first.
The cost is one read of the per-thread grad mode per update.

Variable's class body (core/variable.py) names each of these methods; this
module sits below it and knows a Variable by its `creator` slot.
"""
import weakref

import numpy as np

from . import versions
from .config import Config, using_config
from .ops import method_op, ops

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


def _recorded(x, *others):
    """Whether an update of x by others must be recorded in the graph."""
    return Config.enable_backprop and (
        x.requires_grad or any(_is_variable(o) and o.requires_grad for o in others))


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


def setitem(self, index, value):
    """x[index] = value (see the module docstring)."""
    if _recorded(self, value):
        _refuse_leaf(self, "setitem")
        return rebind(f"x[{index!r}] = ...", self, lambda old: ops.index_put(old, index, value))
    data = value.data if _is_variable(value) else value
    index = tuple(i.data if _is_variable(i) else i for i in index) if isinstance(index, tuple) else (
        index.data if _is_variable(index) else index)
    try:
        self.data[index] = data
    except (IndexError, ValueError, TypeError) as e:
        raise type(e)(f"setitem: cannot write a value of shape {np.shape(data)} at x[{index!r}] of a Variable "
                      f"of shape {self.shape}: {e}") from None
    versions.bump(self)


def method(name):
    """The in-place method `name + "_"` of the op method `name`: `x.exp_()`
    is x changed to `x.exp()` (see the module docstring)."""
    def in_place(self, *args, **kwargs):
        op = method_op(name)
        if _recorded(self, *(a for a in (*args, *kwargs.values()) if _is_variable(a))):
            _refuse_leaf(self, f"{name}_")
            return rebind(f"{name}_", self, lambda old: op(old, *args, **kwargs))
        with using_config("enable_backprop", False):
            y = op(self, *args, **kwargs)
        try:
            np.copyto(self.data, y.data, casting="same_kind")
        except TypeError as e:
            raise TypeError(f"{name}_: the result of dtype {y.dtype} cannot be written into a Variable of "
                            f"dtype {self.dtype} in place ({e}); use x = x.{name}(...) instead") from None
        except ValueError:
            raise ValueError(f"{name}_: the result of shape {y.shape} does not fit a Variable of shape "
                             f"{self.shape} in place; use x = x.{name}(...) instead") from None
        versions.bump(self)
        return self

    in_place.__name__ = in_place.__qualname__ = f"{name}_"
    in_place.__doc__ = f"x.{name}_(...): x changed in place to x.{name}(...) (see core/inplace.py)."
    return in_place


def rebind(what, x, compute):
    """Record `compute(old)` and make the Variable x its output: x's data
    is overwritten in place (views and detached copies see the change) and
    its creator becomes the op; `old` stands for x as it was."""
    counter = x.version_counter
    if x.data.base is not None or (counter is not None and counter.viewed):
        raise RuntimeError(
            f"{what}: in-place change, while the graph is recorded, of a Variable (shape {x.shape}) that "
            "is a view of another one or has views made by ops (slicing, reshape, transpose ...): PyTorch "
            "rewrites the views' history, minigrad does not. Write x = x.clone() before changing it, or "
            "wrap the change in `with mg.no_grad():` if no gradient should flow through it")
    old = x.new_tensor(x.data, requires_grad=False)   # a copy: what x was
    old.creator, old.generation, old.requires_grad, old.name = x.creator, x.generation, x.requires_grad, x.name
    old.version_counter = versions.VersionCounter(versions.version_of(x))
    y = compute(old)
    if y.shape != x.shape or not np.can_cast(y.dtype, x.dtype, casting="same_kind"):
        raise TypeError(f"{what}: the result of shape {y.shape} and dtype {y.dtype} cannot be written into a "
                        f"Variable of shape {x.shape} and dtype {x.dtype} in place; write x = ... out of place")
    if x.creator is not None:
        x.creator.outputs = tuple(weakref.ref(old) if ref() is x else ref for ref in x.creator.outputs)
    versions.bump(x)
    x.data[...] = y.data
    function = y.creator
    x.creator, x.generation, x.requires_grad = function, y.generation, True
    function.outputs = tuple(weakref.ref(x) if ref() is y else ref for ref in function.outputs)
    versions.remember(function, function.inputs, [ref() for ref in function.outputs])
    versions.rebound(x, old)
    return x
