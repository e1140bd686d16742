"""Elementwise functions of one or more arrays."""
import numpy as np

from ..core import Function, Variable


class Exp(Function):
    """y = exp(x).   dy/dx = y"""
    __slots__ = ()

    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        return gy * self.output_variable()


class Log(Function):
    """y = log(x).   dy/dx = 1/x"""
    __slots__ = ()

    def forward(self, x):
        return np.log(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy / x


class Sqrt(Function):
    """y = sqrt(x).   dy/dx = 1 / (2 y)"""
    __slots__ = ()

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, gy):
        return gy / (2 * self.output_variable())


class Sin(Function):
    """y = sin(x).   dy/dx = cos(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.sin(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * cos(x)


class Cos(Function):
    """y = cos(x).   dy/dx = -sin(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.cos(x)

    def backward(self, gy):
        (x,) = self.inputs
        return -gy * sin(x)


class Tan(Function):
    """y = tan(x).   dy/dx = 1 + y**2"""
    __slots__ = ()

    def forward(self, x):
        return np.tan(x)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (1 + y * y)


class Tanh(Function):
    """y = tanh(x).   dy/dx = 1 - y**2"""
    __slots__ = ()

    def forward(self, x):
        return np.tanh(x)

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
    """y = min(max(x, lo), hi).   dy/dx = 1 where lo <= x <= hi, else 0"""
    __slots__ = ("lo", "hi")

    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def forward(self, x):
        if self.lo is not None and self.hi is not None and self.lo > self.hi:
            raise ValueError(f"clip: lo={self.lo} is greater than hi={self.hi}")
        return np.clip(x, self.lo, self.hi)

    def backward(self, gy):
        (x,) = self.inputs
        inside = np.ones(x.shape, dtype=bool)
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
        return np.where(self.cond, a, b)

    def backward(self, gy):
        zero = Variable(np.zeros((), dtype=gy.dtype))
        return where(self.cond, gy, zero), where(self.cond, zero, gy)


def exp(x):
    """e ** x."""
    return Exp()(x)


def log(x):
    """Natural logarithm."""
    return Log()(x)


def sqrt(x):
    """Square root."""
    return Sqrt()(x)


def sin(x):
    """Sine (radians)."""
    return Sin()(x)


def cos(x):
    """Cosine (radians)."""
    return Cos()(x)


def tan(x):
    """Tangent (radians)."""
    return Tan()(x)


def tanh(x):
    """Hyperbolic tangent."""
    return Tanh()(x)


def abs(x):
    """Absolute value; its derivative at 0 is taken as 0."""
    return Abs()(x)


def clip(x, lo, hi):
    """x limited to [lo, hi] (either may be None)."""
    return Clip(lo, hi)(x)


def where(cond, a, b):
    """a where cond is true, else b; cond is a boolean array (not
    differentiated), a and b broadcast with it."""
    cond = np.asarray(cond.data if isinstance(cond, Variable) else cond, dtype=bool)
    return Where(cond)(a, b)


def maximum(a, b):
    """Elementwise maximum; at ties the gradient goes to a."""
    a_data = a.data if isinstance(a, Variable) else np.asarray(a)
    b_data = b.data if isinstance(b, Variable) else np.asarray(b)
    return where(a_data >= b_data, a, b)


def minimum(a, b):
    """Elementwise minimum; at ties the gradient goes to a."""
    a_data = a.data if isinstance(a, Variable) else np.asarray(a)
    b_data = b.data if isinstance(b, Variable) else np.asarray(b)
    return where(a_data <= b_data, a, b)
