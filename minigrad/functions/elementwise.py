"""More elementwise functions: inverse trigonometric and hyperbolic functions,
logarithms and exponentials in other bases, erf, the special functions of
statistics (logit, xlogy, lgamma, digamma, polygamma), roots, two-argument
functions (atan2, hypot, logaddexp, fmod, ...), rounding (zero gradient),
and tests of values (isnan, logical_and, ...: boolean ndarrays, no gradient).

Each op's `backward(gy)` sits beside its `forward`, as everywhere in
minigrad.functions: a one-input op multiplies gy by its local derivative
f'(x), the one its docstring states, written in terms of its input x
(`self.inputs`) or its output y (`self.output_variable()`) and built from
ops, so it differentiates again. The rounding ops share one backward, that
of `Step`: a zero gradient.
"""
import math

import numpy as np

from ..device import backend
from ..core import Function, Variable, as_array, as_variable
from ..core.ops import declare
from .arithmetic import add, div, mul, pow, sub
from .math import Clip, clip, exp, python_number, special, sqrt, where

_LN2 = math.log(2)
_LN10 = math.log(10)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)



class Asin(Function):
    """y = arcsin(x).   dy/dx = 1 / sqrt(1 - x**2)"""
    __slots__ = ()

    def forward(self, x):
        return np.arcsin(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / sqrt(1 - x * x))


class Acos(Function):
    """y = arccos(x).   dy/dx = -1 / sqrt(1 - x**2)"""
    __slots__ = ()

    def forward(self, x):
        return np.arccos(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (-1 / sqrt(1 - x * x))


class Atan(Function):
    """y = arctan(x).   dy/dx = 1 / (1 + x**2)"""
    __slots__ = ()

    def forward(self, x):
        return np.arctan(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / (x * x + 1))


class Sinh(Function):
    """y = sinh(x).   dy/dx = cosh(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.sinh(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * cosh(x)


class Cosh(Function):
    """y = cosh(x).   dy/dx = sinh(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.cosh(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * sinh(x)


class Asinh(Function):
    """y = arsinh(x).   dy/dx = 1 / sqrt(x**2 + 1)"""
    __slots__ = ()

    def forward(self, x):
        return np.arcsinh(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / sqrt(x * x + 1))


class Acosh(Function):
    """y = arcosh(x), x >= 1.   dy/dx = 1 / sqrt(x**2 - 1)"""
    __slots__ = ()

    def forward(self, x):
        return np.arccosh(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / sqrt(x * x - 1))


class Atanh(Function):
    """y = artanh(x), |x| < 1.   dy/dx = 1 / (1 - x**2)"""
    __slots__ = ()

    def forward(self, x):
        return np.arctanh(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / (1 - x * x))


class Log2(Function):
    """y = log2(x).   dy/dx = 1 / (x ln 2)"""
    __slots__ = ()

    def forward(self, x):
        return np.log2(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / (x * _LN2))


class Log10(Function):
    """y = log10(x).   dy/dx = 1 / (x ln 10)"""
    __slots__ = ()

    def forward(self, x):
        return np.log10(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / (x * _LN10))


class Log1p(Function):
    """y = log(1 + x) (accurate for small x).   dy/dx = 1 / (1 + x)"""
    __slots__ = ()

    def forward(self, x):
        return np.log1p(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (1 / (x + 1))


class Expm1(Function):
    """y = exp(x) - 1 (accurate for small x).   dy/dx = exp(x) = y + 1"""
    __slots__ = ()

    def forward(self, x):
        return np.expm1(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (y + 1)


class Exp2(Function):
    """y = 2**x.   dy/dx = y ln 2"""
    __slots__ = ()

    def forward(self, x):
        return np.exp2(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (y * _LN2)


class Erf(Function):
    """y = erf(x) = 2/sqrt(pi) integral_0^x exp(-t**2) dt (scipy.special.erf).
    dy/dx = 2/sqrt(pi) exp(-x**2)"""
    __slots__ = ()

    def forward(self, x):
        return special().erf(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (exp(x * x * -1.0) * _TWO_OVER_SQRT_PI)


class Erfc(Function):
    """y = erfc(x) = 1 - erf(x) (scipy.special.erfc: accurate in the right tail).
    dy/dx = -2/sqrt(pi) exp(-x**2)"""
    __slots__ = ()

    def forward(self, x):
        return special().erfc(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (exp(x * x * -1.0) * -_TWO_OVER_SQRT_PI)


class Logit(Function):
    """y = log(p / (1 - p)), the inverse of sigmoid (scipy.special.logit).
    dy/dp = 1 / (p (1 - p))"""
    __slots__ = ()

    def forward(self, p):
        return special().logit(p)

    def backward(self, gy):
        (p,) = self.inputs
        return gy / (p * (1 - p))


class Xlogy(Function):
    """z = x log(y), and 0 where x = 0 (scipy.special.xlogy), so that
    0 log 0 = 0 as in entropies.
    dz/dx = log(y) (0 where x = 0 and y <= 0, as PyTorch's), dz/dy = x / y"""
    __slots__ = ()

    def forward(self, x, y):
        return special().xlogy(x, y)

    def backward(self, gz):
        x, y = self.inputs
        gx = gy = None
        if self.needs_grad(0):
            gx = where((x.data == 0) & (y.data <= 0), 0.0, xlogy(gz, y))
        if self.needs_grad(1):
            gy = gz * x / y
        return gx, gy


class Lgamma(Function):
    """y = ln|Gamma(x)| (scipy.special.gammaln).   dy/dx = digamma(x)"""
    __slots__ = ()

    def forward(self, x):
        return special().gammaln(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * digamma(x)


class Digamma(Function):
    """y = digamma(x) = d/dx ln Gamma(x) (scipy.special.psi).
    dy/dx = polygamma(1, x)"""
    __slots__ = ()

    def forward(self, x):
        return special().psi(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * polygamma(1, x)


class Polygamma(Function):
    """y = polygamma(n, x), the n-th derivative of digamma(x) (scipy.special.polygamma).
    dy/dx = polygamma(n + 1, x)"""
    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n

    def forward(self, x):
        # polygamma(n, x) = (-1)**(n+1) n! zeta(n+1, x), by SciPy's zeta ufunc:
        # scipy.special.polygamma itself makes x an ndarray and float64.
        return special().zeta(self.n + 1.0, x) * ((-1.0) ** (self.n + 1) * math.factorial(self.n))

    def backward(self, gy):
        (x,) = self.inputs
        return gy * polygamma(self.n + 1, x)

    def settings(self):
        return {"n": self.n}


class Rsqrt(Function):
    """y = 1 / sqrt(x).   dy/dx = -1/2 x**(-3/2) = -y**3 / 2"""
    __slots__ = ()

    def forward(self, x):
        return 1 / np.sqrt(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (y * y * y * -0.5)


class Cbrt(Function):
    """y = x**(1/3), real for negative x too.   dy/dx = 1 / (3 y**2)"""
    __slots__ = ()

    def forward(self, x):
        return np.cbrt(x)

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        y = self.output_variable()
        return gy * (1 / (y * y * 3))


class Step(Function):
    """y = a piecewise-constant function of x (sign, floor, ...).
    dy/dx = 0 everywhere (also at the jumps, as PyTorch's)."""
    __slots__ = ()

    def backward(self, gy):
        return as_variable(backend.get_array_module(gy.data).zeros(gy.shape, dtype=gy.dtype))


class Sign(Step):
    """y = -1, 0 or 1 as x < 0, x = 0, x > 0.   dy/dx = 0"""
    __slots__ = ()

    def forward(self, x):
        return np.sign(x)


class Floor(Step):
    """y = the largest integer <= x.   dy/dx = 0"""
    __slots__ = ()

    def forward(self, x):
        return np.floor(x)


class Ceil(Step):
    """y = the smallest integer >= x.   dy/dx = 0"""
    __slots__ = ()

    def forward(self, x):
        return np.ceil(x)


class Round(Step):
    """y = x rounded to `decimals` places, halves to even (NumPy's and PyTorch's).
    dy/dx = 0"""
    __slots__ = ("decimals",)

    def __init__(self, decimals):
        self.decimals = decimals

    def forward(self, x):
        return np.round(x, self.decimals)

    def settings(self):
        return {"decimals": self.decimals}


class Trunc(Step):
    """y = x rounded towards 0.   dy/dx = 0"""
    __slots__ = ()

    def forward(self, x):
        return np.trunc(x)


class Atan2(Function):
    """z = atan2(y, x), the angle of the point (x, y) in (-pi, pi].
    dz/dy = x / (x**2 + y**2),   dz/dx = -y / (x**2 + y**2)"""
    __slots__ = ()

    def forward(self, y, x):
        return np.arctan2(y, x)

    def backward(self, gz):
        y, x = self.inputs
        g = gz / (x * x + y * y)
        return (g * x if self.needs_grad(0) else None), (g * -y if self.needs_grad(1) else None)


class Hypot(Function):
    """h = sqrt(a**2 + b**2) (without overflow).   dh/da = a / h, dh/db = b / h"""
    __slots__ = ()

    def forward(self, a, b):
        return np.hypot(a, b)

    def backward(self, gh):
        a, b = self.inputs
        g = gh / self.output_variable()
        return (g * a if self.needs_grad(0) else None), (g * b if self.needs_grad(1) else None)


class LogAddExp(Function):
    """y = log(exp(a) + exp(b)) (without overflow).
    dy/da = exp(a - y), dy/db = exp(b - y)"""
    __slots__ = ()

    def forward(self, a, b):
        return np.logaddexp(a, b)

    def backward(self, gy):
        a, b = self.inputs
        y = self.output_variable()
        return ((gy * exp(a - y)) if self.needs_grad(0) else None,
                (gy * exp(b - y)) if self.needs_grad(1) else None)


class Fmod(Function):
    """r = a - trunc(a / b) b, the C remainder (sign of a).
    dr/da = 1, dr/db = -trunc(a / b) (piecewise constant)"""
    __slots__ = ()

    def forward(self, a, b):
        return np.fmod(a, b)

    def backward(self, gr):
        a, b = self.inputs
        gb = gr * -np.trunc(a.data / b.data).astype(gr.dtype) if self.needs_grad(1) else None
        return gr, gb


class Remainder(Function):
    """r = a - floor(a / b) b, Python's % (sign of b).
    dr/da = 1, dr/db = -floor(a / b) (piecewise constant)"""
    __slots__ = ()

    def forward(self, a, b):
        return np.remainder(a, b)

    def backward(self, gr):
        a, b = self.inputs
        gb = gr * -np.floor(a.data / b.data).astype(gr.dtype) if self.needs_grad(1) else None
        return gr, gb


# -- public functions ----------------------------------------------------------

@declare(Asin, numpy=np.arcsin)
def asin(x):
    """Inverse sine, in [-pi/2, pi/2]; x in [-1, 1]."""
    return Asin()(x)


@declare(Acos, numpy=np.arccos)
def acos(x):
    """Inverse cosine, in [0, pi]; x in [-1, 1]."""
    return Acos()(x)


@declare(Atan, numpy=np.arctan)
def atan(x):
    """Inverse tangent, in (-pi/2, pi/2)."""
    return Atan()(x)


@declare(Atan2, numpy=np.arctan2)
def atan2(y, x):
    """The angle of the point (x, y), in (-pi, pi]; y and x broadcast."""
    return Atan2()(y, x)


@declare(Sinh, numpy=np.sinh)
def sinh(x):
    """Hyperbolic sine."""
    return Sinh()(x)


@declare(Cosh, numpy=np.cosh)
def cosh(x):
    """Hyperbolic cosine."""
    return Cosh()(x)


@declare(Asinh, numpy=np.arcsinh)
def asinh(x):
    """Inverse hyperbolic sine."""
    return Asinh()(x)


@declare(Acosh, numpy=np.arccosh)
def acosh(x):
    """Inverse hyperbolic cosine; x >= 1."""
    return Acosh()(x)


@declare(Atanh, numpy=np.arctanh)
def atanh(x):
    """Inverse hyperbolic tangent; x in (-1, 1)."""
    return Atanh()(x)


@declare(Log2, numpy=np.log2)
def log2(x):
    """Base-2 logarithm."""
    return Log2()(x)


@declare(Log10, numpy=np.log10)
def log10(x):
    """Base-10 logarithm."""
    return Log10()(x)


@declare(Log1p, numpy=np.log1p, scipy="log1p")
def log1p(x):
    """log(1 + x), accurate for small x."""
    return Log1p()(x)


@declare(Expm1, numpy=np.expm1, scipy="expm1")
def expm1(x):
    """exp(x) - 1, accurate for small x."""
    return Expm1()(x)


@declare(Exp2, numpy=np.exp2, scipy="exp2")
def exp2(x):
    """2 ** x."""
    return Exp2()(x)


@declare(Erf, scipy="erf")
def erf(x):
    """The error function (scipy.special.erf)."""
    return Erf()(x)


@declare(Erfc, scipy="erfc")
def erfc(x):
    """The complementary error function 1 - erf(x) (scipy.special.erfc)."""
    return Erfc()(x)


@declare(Logit, Clip, scipy="logit")
def logit(p, eps=None):
    """log(p / (1 - p)), the inverse of sigmoid (scipy.special.logit). With
    `eps`, p is first clipped to [eps, 1 - eps], as PyTorch's `logit`."""
    if eps is not None:
        eps = python_number(eps, "logit", "eps")
        p = clip(p, eps, 1 - eps)
    return Logit()(p)


@declare(Xlogy, scipy="xlogy")
def xlogy(x, y):
    """x * log(y), 0 where x is 0 (scipy.special.xlogy, PyTorch's `xlogy`)."""
    return Xlogy()(x, y)


@declare(Lgamma, scipy="gammaln")
def lgamma(x):
    """ln|Gamma(x)|, the log of the gamma function's magnitude (scipy.special.gammaln)."""
    return Lgamma()(x)


@declare(Digamma, scipy=("digamma", "psi"))
def digamma(x):
    """The derivative of lgamma (scipy.special.digamma)."""
    return Digamma()(x)


@declare(Polygamma)
def polygamma(n, x):
    """The n-th derivative of digamma, for an int n >= 0 (PyTorch's
    `polygamma(n, x)`, scipy.special.polygamma)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma: n must be an int >= 0 (the order of the derivative), "
                        f"got {type(n).__name__} {n!r}")
    if n < 0:
        raise ValueError(f"polygamma: n must be >= 0 (the order of the derivative), got {n}")
    return Digamma()(x) if n == 0 else Polygamma(int(n))(x)


@declare(numpy=np.square)
def square(x):
    """x ** 2."""
    return pow(x, 2)


@declare(numpy=np.reciprocal)
def reciprocal(x):
    """1 / x."""
    return div(1.0, x)


@declare(Rsqrt)
def rsqrt(x):
    """1 / sqrt(x)."""
    return Rsqrt()(x)


@declare(Cbrt, numpy=np.cbrt, scipy="cbrt")
def cbrt(x):
    """The real cube root (negative for negative x)."""
    return Cbrt()(x)


@declare(Hypot, numpy=np.hypot)
def hypot(a, b):
    """sqrt(a**2 + b**2) without overflow; a and b broadcast."""
    return Hypot()(a, b)


@declare(LogAddExp, numpy=np.logaddexp)
def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow; a and b broadcast."""
    return LogAddExp()(a, b)


@declare()
def lerp(a, b, w):
    """a + w (b - a): linear interpolation from a (w = 0) to b (w = 1); w is
    a number or an array, all three broadcast (PyTorch's torch.lerp)."""
    shapes = [np.shape(v.data if isinstance(v, Variable) else v) for v in (a, b, w)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"lerp: shapes {shapes[0]} (a), {shapes[1]} (b) and {shapes[2]} (w) do not broadcast "
                         "together; expected each trailing dimension to be equal or 1") from None
    return add(a, mul(w, sub(b, a)))


@declare(Fmod, numpy=np.fmod)
def fmod(a, b):
    """The remainder of a / b with the sign of a (C's fmod, torch.fmod)."""
    return Fmod()(a, b)


@declare(Remainder, numpy=np.remainder)
def remainder(a, b):
    """The remainder of a / b with the sign of b (Python's %, torch.remainder)."""
    return Remainder()(a, b)


@declare(Sign, numpy=np.sign)
def sign(x):
    """-1, 0 or 1 by the sign of x; zero gradient."""
    return Sign()(x)


@declare(Floor, numpy=np.floor)
def floor(x):
    """Round down; zero gradient."""
    return Floor()(x)


@declare(Ceil, numpy=np.ceil)
def ceil(x):
    """Round up; zero gradient."""
    return Ceil()(x)


@declare(Round, numpy=(np.rint, np.round), scipy="round")
def round(x, decimals=0):
    """Round to `decimals` places, halves to even; zero gradient."""
    return Round(decimals)(x)


@declare(Trunc, numpy=np.trunc)
def trunc(x):
    """Round towards zero; zero gradient."""
    return Trunc()(x)


# -- tests of values: boolean ndarrays, not differentiable -------------------------

@declare()
def isnan(x):
    """Where x is NaN, as a boolean ndarray (nd)."""
    return np.isnan(as_array(x))


@declare()
def isinf(x):
    """Where x is +inf or -inf, as a boolean ndarray (nd)."""
    return np.isinf(as_array(x))


@declare()
def isfinite(x):
    """Where x is neither NaN nor infinite, as a boolean ndarray (nd)."""
    return np.isfinite(as_array(x))


@declare()
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Where |a - b| <= atol + rtol |b|, as a boolean ndarray (nd)."""
    return np.isclose(as_array(a), as_array(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


@declare()
def logical_and(a, b):
    """a and b (nonzero is true), as a boolean ndarray (nd)."""
    return np.logical_and(as_array(a), as_array(b))


@declare()
def logical_or(a, b):
    """a or b (nonzero is true), as a boolean ndarray (nd)."""
    return np.logical_or(as_array(a), as_array(b))


@declare()
def logical_not(x):
    """not x (nonzero is true), as a boolean ndarray (nd)."""
    return np.logical_not(as_array(x))
