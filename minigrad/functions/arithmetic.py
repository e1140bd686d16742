"""+ - * / ** and negation, elementwise with NumPy broadcasting.

A Python scalar operand gets its own one-input op (`AddConstant`, ...):
no gradient is computed for a constant, and the scalar stays weak, so
float32 stays float32. A complex number is not such a scalar: it takes the
path of arrays, which refuses it (complex numbers are not supported).
"""
import numpy as np

from ..device import backend
from ..core import Function, as_variable
from ..core.ops import declare
from .math import log, where

_SCALARS = (int, float, bool)


def _is_scalar(x):
    return type(x) in _SCALARS


class Add(Function):
    """y = a + b.   dy/da = 1, dy/db = 1"""
    __slots__ = ()

    def forward(self, a, b):
        return a + b

    saves_for_backward = ()

    def backward(self, gy):
        return gy, gy


class AddConstant(Function):
    """y = x + c for a Python number c.   dy/dx = 1"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x + self.c

    saves_for_backward = ()

    def backward(self, gy):
        return gy

    def settings(self):
        return {"c": self.c}


class Sub(Function):
    """y = a - b.   dy/da = 1, dy/db = -1"""
    __slots__ = ()

    def forward(self, a, b):
        return a - b

    saves_for_backward = ()

    def backward(self, gy):
        return gy, -gy


class RSubConstant(Function):
    """y = c - x for a Python number c.   dy/dx = -1"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c - x

    saves_for_backward = ()

    def backward(self, gy):
        return -gy

    def settings(self):
        return {"c": self.c}


class Mul(Function):
    """y = a * b.   dy/da = b, dy/db = a"""
    __slots__ = ()

    def forward(self, a, b):
        return a * b

    saves_for_backward = ("each other",)

    def backward(self, gy):
        a, b = self.inputs
        return (gy * b if a.requires_grad else None), (gy * a if b.requires_grad else None)


class MulConstant(Function):
    """y = c * x for a Python number c.   dy/dx = c"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x * self.c

    saves_for_backward = ()

    def backward(self, gy):
        return MulConstant(self.c)(gy)

    def settings(self):
        return {"c": self.c}


class Div(Function):
    """y = a / b.   dy/da = 1/b, dy/db = -a/b**2"""
    __slots__ = ()

    def forward(self, a, b):
        return a / b

    saves_for_backward = ("inputs",)

    def backward(self, gy):
        a, b = self.inputs
        ga = gy / b
        return ga, -ga * a / b


class DivConstant(Function):
    """y = x / c for a Python number c.   dy/dx = 1/c"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x / self.c

    saves_for_backward = ()

    def backward(self, gy):
        return gy / self.c

    def settings(self):
        return {"c": self.c}


class RDivConstant(Function):
    """y = c / x for a Python number c.   dy/dx = -c/x**2 = -y/x"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c / x

    def backward(self, gy):
        (x,) = self.inputs
        return -gy * self.output_variable() / x

    def settings(self):
        return {"c": self.c}


class RoundedDiv(Function):
    """y = floor(a / b) or trunc(a / b), div's rounding_mode "floor" or
    "trunc" (integers stay integers).   dy/da = dy/db = 0 (piecewise
    constant, as PyTorch's div with a rounding mode)"""
    __slots__ = ("rounding_mode",)

    def __init__(self, rounding_mode):
        self.rounding_mode = rounding_mode

    def forward(self, a, b):
        if self.rounding_mode == "floor":
            return np.floor_divide(a, b)
        if np.result_type(a, b).kind in "biu":  # integer division rounded towards 0
            return np.sign(a) * np.sign(b) * np.floor_divide(np.abs(a), np.abs(b))
        return np.trunc(np.true_divide(a, b))

    saves_for_backward = ()

    def backward(self, gy):
        zero = as_variable(backend.get_array_module(gy.data).zeros(gy.shape, dtype=gy.dtype))
        return zero, zero

    def settings(self):
        return {"rounding_mode": self.rounding_mode}


class Neg(Function):
    """y = -x.   dy/dx = -1"""
    __slots__ = ()

    def forward(self, x):
        return -x

    saves_for_backward = ()

    def backward(self, gy):
        return -gy


class Pow(Function):
    """y = a ** b.   dy/da = b * a**(b-1), dy/db = y * log(a)

    At the edges the gradients are PyTorch's: dy/da = 0 where b == 0 (also
    at 0**0, not 0 * inf = NaN); dy/db = 0 where a == 0 and b >= 0, -inf where a == 0
    and b < 0, NaN where a < 0 (log of a negative number).
    """
    __slots__ = ()

    def forward(self, a, b):
        return a ** b

    def backward(self, gy):
        a, b = self.inputs
        ga = gb = None
        # Infinities and NaNs at the edges are the intended results (PyTorch's),
        # not accidents to warn about.
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.needs_grad(0):
                # At 0**0, b * a**(b-1) = 0 * inf = NaN: take b = 1 there, then 0.
                zero_zero = (b.data == 0) & (a.data == 0)
                safe_b = where(zero_zero, 1.0, b)
                ga = where(zero_zero, 0.0, gy * safe_b * a ** (safe_b - 1))
            if self.needs_grad(1):
                # 0 ** b for b >= 0 does not move with b: log(0) = -inf must not
                # enter (0 * -inf = NaN), so log(1) stands in for it there.
                flat = (a.data == 0) & (b.data >= 0)
                gb = where(flat, 0.0, gy * self.output_variable() * log(where(flat, 1.0, a)))
        return ga, gb


class PowConstant(Function):
    """y = x ** c for a Python number c.   dy/dx = c * x**(c-1)"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x ** self.c

    saves_for_backward = ("inputs",)

    def backward(self, gy):
        (x,) = self.inputs
        c = self.c
        if c == 0:
            return gy * 0
        if c == 1:
            return gy
        if c == 2:
            return gy * x * 2
        return gy * c * x ** (c - 1)

    def settings(self):
        return {"c": self.c}


class RPowConstant(Function):
    """y = c ** x for a Python number c > 0.   dy/dx = y * log(c)"""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c ** x

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return gy * self.output_variable() * float(np.log(self.c))

    def settings(self):
        return {"c": self.c}


@declare(AddConstant, Add, numpy=np.add, math=(r"y = a + b",
                r"\frac{\partial y}{\partial a} = 1,\quad \frac{\partial y}{\partial b} = 1"))
def add(a, b):
    """a + b, broadcasting as NumPy."""
    if _is_scalar(b):
        return AddConstant(b)(a)
    if _is_scalar(a):
        return AddConstant(a)(b)
    return Add()(a, b)


@declare(AddConstant, RSubConstant, Sub, numpy=np.subtract, math=(r"y = a - b",
                r"\frac{\partial y}{\partial a} = 1,\quad \frac{\partial y}{\partial b} = -1"))
def sub(a, b):
    """a - b, broadcasting as NumPy."""
    if _is_scalar(b):
        return AddConstant(-b)(a)
    if _is_scalar(a):
        return RSubConstant(a)(b)
    return Sub()(a, b)


@declare(MulConstant, Mul, numpy=np.multiply, math=(r"y = a \cdot b",
                r"\frac{\partial y}{\partial a} = b,\quad \frac{\partial y}{\partial b} = a"))
def mul(a, b):
    """a * b, elementwise, broadcasting as NumPy."""
    if _is_scalar(b):
        return MulConstant(b)(a)
    if _is_scalar(a):
        return MulConstant(a)(b)
    return Mul()(a, b)


ROUNDING_MODES = (None, "trunc", "floor")


@declare(DivConstant, RDivConstant, Div, RoundedDiv, numpy=np.divide, math=(r"y = a / b",
                r"\frac{\partial y}{\partial a} = \frac{1}{b},\quad \frac{\partial y}{\partial b} = -\frac{a}{b^2}"))
def div(a, b, rounding_mode=None):
    """a / b, elementwise, broadcasting as NumPy. rounding_mode (PyTorch's)
    "trunc" rounds the quotient towards 0, "floor" down (integers stay
    integers; zero gradient)."""
    if rounding_mode is not None:
        if rounding_mode not in ROUNDING_MODES:
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
        return RoundedDiv(rounding_mode)(a, b)
    if _is_scalar(b):
        return DivConstant(b)(a)
    if _is_scalar(a):
        return RDivConstant(a)(b)
    return Div()(a, b)


@declare(RoundedDiv, numpy=np.floor_divide, math=(r"y = \lfloor a / b \rfloor",
                r"\text{no gradient (a step function)}"))
def floor_divide(a, b):
    """a / b rounded down, elementwise (NumPy's floor_divide, Python's and
    PyTorch's //); integers stay integers; zero gradient."""
    return RoundedDiv("floor")(a, b)


@declare(Neg, numpy=np.negative, math=(r"y = -x",
                r"\frac{\partial y}{\partial x} = -1"))
def neg(x):
    """-x."""
    return Neg()(x)


@declare(PowConstant, RPowConstant, Pow, numpy=np.power, methods="pow", math=(r"y = a^b",
                r"\frac{\partial y}{\partial a} = b\,a^{b-1},\quad \frac{\partial y}{\partial b} = a^b \ln a"))
def pow(a, b):
    """a ** b, elementwise. A Python-number exponent is a constant."""
    if _is_scalar(b):
        return PowConstant(b)(a)
    if _is_scalar(a) and a > 0:
        return RPowConstant(a)(b)
    return Pow()(a, b)
