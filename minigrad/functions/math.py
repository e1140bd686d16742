"""Elementwise functions of one or more arrays."""
import numpy as np

from ..device import backend
from ..core import Function, Variable
from ..core.ops import declare


def special():
    """scipy.special, imported on first use: importing SciPy doubles the
    objects Python's garbage collector walks, which every op then pays for
    in its full collections, so programs that use no special function
    (erf, erfc, gelu) never import it."""
    import scipy.special
    return scipy.special


class Exp(Function):
    """y = exp(x).   dy/dx = y"""
    __slots__ = ()

    def forward(self, x):
        return np.exp(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return gy * self.output_variable()


class Log(Function):
    """y = log(x).   dy/dx = 1/x"""
    __slots__ = ()

    def forward(self, x):
        return np.log(x)

    saves_for_backward = ("inputs",)

    def backward(self, gy):
        (x,) = self.inputs
        return gy / x


class Sqrt(Function):
    """y = sqrt(x).   dy/dx = 1 / (2 y)"""
    __slots__ = ()

    def forward(self, x):
        return np.sqrt(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return gy / (2 * self.output_variable())


class Sin(Function):
    """y = sin(x).   dy/dx = cos(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.sin(x)

    saves_for_backward = ("inputs",)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * cos(x)


class Cos(Function):
    """y = cos(x).   dy/dx = -sin(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.cos(x)

    saves_for_backward = ("inputs",)

    def backward(self, gy):
        (x,) = self.inputs
        return -gy * sin(x)


class Tan(Function):
    """y = tan(x).   dy/dx = 1 + y**2"""
    __slots__ = ()

    def forward(self, x):
        return np.tan(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (1 + y * y)


class Tanh(Function):
    """y = tanh(x).   dy/dx = 1 - y**2"""
    __slots__ = ()

    def forward(self, x):
        return np.tanh(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return TanhGrad()(self.output_variable(), gy)


class TanhGrad(Function):
    """gx = gy * (1 - y**2): the backward of tanh as one op (it runs on
    every backward pass, so one op instead of three).
        d gx/d gy = 1 - y**2      d gx/d y = -2 y gy
    """
    __slots__ = ()

    def forward(self, y, gy):
        return gy * (1 - y * y)

    def backward(self, ggx):
        y, gy = self.inputs
        return ggx * gy * y * -2.0, ggx * (1 - y * y)


class Abs(Function):
    """y = |x|.   dy/dx = sign(x) (0 at x = 0)"""
    __slots__ = ()

    def forward(self, x):
        return np.abs(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * np.sign(x.data)


class Clip(Function):
    """y = min(max(x, lo), hi).   dy/dx = 1 where lo <= x <= hi, else 0
    (so 0 everywhere when lo > hi, as PyTorch's)"""
    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def forward(self, x):
        # lo > hi gives hi everywhere, as np.clip and torch.clamp.
        return np.clip(x, self.lo, self.hi)

    def backward(self, gy):
        (x,) = self.inputs
        inside = backend.get_array_module(x.data).ones(x.shape, dtype=bool)
        if self.lo is not None:
            inside &= x.data >= self.lo
        if self.hi is not None:
            inside &= x.data <= self.hi
        return gy * inside  # float * bool keeps gy's dtype

    def settings(self):
        return {"lo": self.lo, "hi": self.hi}


class Where(Function):
    """y = a where cond else b (cond is a constant boolean array).
    ga = gy where cond, gb = gy where not cond."""
    __slots__ = ("cond",)

    def __init__(self, cond):
        self.cond = cond

    def forward(self, a, b):
        try:
            return np.where(self.cond, a, b)
        except ValueError:
            raise ValueError(f"where: shapes {self.cond.shape} (cond), {np.shape(a)} (a) and {np.shape(b)} (b) "
                             "do not broadcast together; expected each trailing dimension to be equal or 1"
                             ) from None

    def backward(self, gy):
        zero = Variable(backend.get_array_module(gy.data).zeros((), dtype=gy.dtype))
        return where(self.cond, gy, zero), where(self.cond, zero, gy)


def _tie_weights(a, b, dtype):
    """The share of the gradient that a gets from maximum(a, b): 1 where
    a > b, 1/2 at ties, 0 where a < b (NaNs: 1, as PyTorch's)."""
    return (np.where(a == b, 0.5, 1.0) * ~(a < b)).astype(dtype, copy=False)


class Maximum(Function):
    """y = max(a, b).   dy/da = 1 where a > b, 1/2 where a = b, 0 where a < b;
    dy/db the same with a and b swapped"""
    __slots__ = ()

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return ((gy * _tie_weights(a.data, b.data, gy.dtype)) if self.needs_grad(0) else None,
                (gy * _tie_weights(b.data, a.data, gy.dtype)) if self.needs_grad(1) else None)


class Minimum(Function):
    """y = min(a, b).   dy/da = 1 where a < b, 1/2 where a = b, 0 where a > b;
    dy/db the same with a and b swapped"""
    __slots__ = ()

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return ((gy * _tie_weights(-a.data, -b.data, gy.dtype)) if self.needs_grad(0) else None,
                (gy * _tie_weights(-b.data, -a.data, gy.dtype)) if self.needs_grad(1) else None)


@declare(Exp, numpy=np.exp, methods="exp", math=(r"y = e^x",
                r"\frac{\partial y}{\partial x} = y"))
def exp(x):
    """e ** x."""
    return Exp()(x)


@declare(Log, numpy=np.log, methods="log", math=(r"y = \ln x",
                r"\frac{\partial y}{\partial x} = \frac{1}{x}"))
def log(x):
    """Natural logarithm."""
    return Log()(x)


@declare(Sqrt, numpy=np.sqrt, methods="sqrt", math=(r"y = \sqrt{x}",
                r"\frac{\partial y}{\partial x} = \frac{1}{2y}"))
def sqrt(x):
    """Square root."""
    return Sqrt()(x)


@declare(Sin, numpy=np.sin, methods="sin", math=(r"y = \sin x",
                r"\frac{\partial y}{\partial x} = \cos x"))
def sin(x):
    """Sine (radians)."""
    return Sin()(x)


@declare(Cos, numpy=np.cos, methods="cos", math=(r"y = \cos x",
                r"\frac{\partial y}{\partial x} = -\sin x"))
def cos(x):
    """Cosine (radians)."""
    return Cos()(x)


@declare(Tan, numpy=np.tan, math=(r"y = \tan x",
                r"\frac{\partial y}{\partial x} = 1 + y^2"))
def tan(x):
    """Tangent (radians)."""
    return Tan()(x)


@declare(Tanh, numpy=np.tanh, methods="tanh", functional=True, math=(r"y = \tanh x",
                r"\frac{\partial y}{\partial x} = 1 - y^2"))
def tanh(x):
    """Hyperbolic tangent."""
    return Tanh()(x)


@declare(Abs, numpy=(np.absolute, np.fabs), methods="abs", math=(r"y = |x|",
                r"\frac{\partial y}{\partial x} = \operatorname{sign}(x)"))
def abs(x):
    """Absolute value; its derivative at 0 is taken as 0."""
    return Abs()(x)


@declare(Clip, numpy=np.clip, math=(r"y = \min(\max(x, lo), hi)",
                r"\frac{\partial y}{\partial x} = [lo \le x \le hi]"))
def clip(x, lo, hi):
    """x limited to [lo, hi] (either may be None); hi wherever lo > hi."""
    lo = python_number(lo, "clip", "lo", none_ok=True)
    hi = python_number(hi, "clip", "hi", none_ok=True)
    for name, bound in (("lo", lo), ("hi", hi)):
        if isinstance(bound, (list, tuple, np.ndarray)):
            try:
                np.broadcast_shapes(np.shape(x), np.shape(bound))
            except ValueError:
                raise ValueError(f"clip: {name} of shape {np.shape(bound)} does not broadcast with x of "
                                 f"shape {np.shape(x)}; expected a number or an array that broadcasts "
                                 "to x") from None
    return Clip(lo, hi)(x)


@declare(Where, numpy=np.where, math=(r"y = \begin{cases} a & c \\ b & \lnot c \end{cases}",
                r"\frac{\partial y}{\partial a} = [c],\quad \frac{\partial y}{\partial b} = [\lnot c]"))
def where(cond, a, b):
    """a where cond is true, else b; cond is a boolean array (not
    differentiated), a and b broadcast with it."""
    like = a.data if isinstance(a, Variable) else b.data if isinstance(b, Variable) else None
    cond = backend.asarray(cond.data if isinstance(cond, Variable) else cond, bool, like)
    if like is not None and type(like) is not np.ndarray:
        # Host constants (masks made from shapes, 0-d fill values) go where the data is.
        device = backend.device_of(like)
        cond = backend.to_device(cond, device)
        a, b = (v[()] if type(v) is np.ndarray and v.ndim == 0 else
                backend.to_device(v, device) if type(v) is np.ndarray else v for v in (a, b))
    return Where(cond)(a, b)


@declare(Maximum, numpy=np.maximum, math=(r"y = \max(a, b)",
                r"\frac{\partial y}{\partial a} = [a > b] + \tfrac12 [a = b],\quad \frac{\partial y}{\partial b} = [b > a] + \tfrac12 [a = b]"))
def maximum(a, b):
    """Elementwise maximum, a and b broadcast; at ties each gets half the
    gradient (as PyTorch's)."""
    return Maximum()(a, b)


@declare(Minimum, numpy=np.minimum, math=(r"y = \min(a, b)",
                r"\frac{\partial y}{\partial a} = [a < b] + \tfrac12 [a = b],\quad \frac{\partial y}{\partial b} = [b < a] + \tfrac12 [a = b]"))
def minimum(a, b):
    """Elementwise minimum, a and b broadcast; at ties each gets half the
    gradient (as PyTorch's)."""
    return Minimum()(a, b)


def python_number(value, op=None, name=None, none_ok=False):
    """A NumPy scalar (or 0-d array) setting as a Python number, so it stays
    weak in NumPy's promotion: np.float64(0.5) must not turn float32 data
    into float64. Anything else is returned as is.

    Given `op` and `name`, the setting is also checked to be a real number
    (or a numeric array; None too when `none_ok`), so that a bad setting is a
    TypeError naming the op and the setting, not NumPy's ufunc text. A
    setting is a constant: a Variable that requires grad is a RuntimeError
    (its gradient would be lost), any other Variable gives its data."""
    if type(value) is float or type(value) is int:
        return value
    if isinstance(value, Variable):
        if value.requires_grad:
            raise RuntimeError(
                f"{op}: {name} is a Variable that requires grad, but {op} takes {name} as a constant, "
                f"so its gradient would be lost; pass {name}.detach(), or build the op from ops that "
                "differentiate it (clip's bounds: F.maximum, F.minimum)")
        value = value.data
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        value = value.item()
    if op is not None and not (value is None and none_ok):
        kind = np.asarray(value).dtype.kind if not isinstance(value, (str, bytes)) else "U"
        if value is None or isinstance(value, bool) or kind not in "iuf":
            expected = "a real number or None" if none_ok else "a real number"
            raise TypeError(f"{op}: {name} must be {expected}, got {type(value).__name__} {value!r}")
    return value
