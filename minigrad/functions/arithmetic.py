"""+ - * / ** and negation, elementwise with NumPy broadcasting.

A Python scalar operand gets its own one-input op (`AddConstant`, ...):
no gradient is computed for a constant, and the scalar stays weak, so
float32 stays float32.
"""
import numpy as np

from ..core import Function
from ..core.ops import declare
from .math import log, where

_SCALARS = (int, float, complex, bool)


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


@declare(AddConstant, Add, numpy=np.add)
def add(a, b):
    """a + b, broadcasting as NumPy."""
    if _is_scalar(b):
        return AddConstant(b)(a)
    if _is_scalar(a):
        return AddConstant(a)(b)
    return Add()(a, b)


@declare(AddConstant, RSubConstant, Sub, numpy=np.subtract)
def sub(a, b):
    """a - b, broadcasting as NumPy."""
    if _is_scalar(b):
        return AddConstant(-b)(a)
    if _is_scalar(a):
        return RSubConstant(a)(b)
    return Sub()(a, b)


@declare(MulConstant, Mul, numpy=np.multiply)
def mul(a, b):
    """a * b, elementwise, broadcasting as NumPy."""
    if _is_scalar(b):
        return MulConstant(b)(a)
    if _is_scalar(a):
        return MulConstant(a)(b)
    return Mul()(a, b)


@declare(DivConstant, RDivConstant, Div, numpy=np.divide)
def div(a, b):
    """a / b, elementwise, broadcasting as NumPy."""
    if _is_scalar(b):
        return DivConstant(b)(a)
    if _is_scalar(a):
        return RDivConstant(a)(b)
    return Div()(a, b)


@declare(Neg, numpy=np.negative)
def neg(x):
    """-x."""
    return Neg()(x)


@declare(PowConstant, RPowConstant, Pow, numpy=np.power, methods="pow")
def pow(a, b):
    """a ** b, elementwise. A Python-number exponent is a constant."""
    if _is_scalar(b):
        return PowConstant(b)(a)
    if _is_scalar(a) and not isinstance(a, complex) and a > 0:
        return RPowConstant(a)(b)
    return Pow()(a, b)
