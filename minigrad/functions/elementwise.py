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
from ..core import Config, Function, Variable, as_array, as_variable
from ..core.ops import declare
from .arithmetic import add, div, mul, pow, sub
from .math import Clip, clip, cos, exp, python_number, special, sqrt, where

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


class Fmax(Function):
    """y = max(a, b) ignoring NaN (NaN only where both are), as np.fmax.
    dy/da = 1 where a >= b or b is NaN, else 0;   dy/db = 1 - dy/da
    (ties go to a, as PyTorch's)"""
    __slots__ = ()

    def forward(self, a, b):
        return np.fmax(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return _take_first(self, gy, (a.data >= b.data) | np.isnan(b.data))


class Fmin(Function):
    """y = min(a, b) ignoring NaN (NaN only where both are), as np.fmin.
    dy/da = 1 where a <= b or b is NaN, else 0;   dy/db = 1 - dy/da
    (ties go to a, as PyTorch's)"""
    __slots__ = ()

    def forward(self, a, b):
        return np.fmin(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return _take_first(self, gy, (a.data <= b.data) | np.isnan(b.data))


def _take_first(fn, gy, first):
    """The gradients of a two-input selection: gy where `first` (a boolean
    array) picked a, and gy where it picked b."""
    return (gy * first if fn.needs_grad(0) else None,   # a boolean factor keeps gy's dtype
            gy * ~first if fn.needs_grad(1) else None)


class NanToNum(Function):
    """y = x with NaN, +inf and -inf replaced by finite numbers, as np.nan_to_num.
    dy/dx = 1 where x is finite, 0 where it was replaced (as PyTorch's)"""
    __slots__ = ("nan", "posinf", "neginf")

    def __init__(self, nan, posinf, neginf):
        self.nan = nan
        self.posinf = posinf
        self.neginf = neginf

    def forward(self, x):
        return np.nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * np.isfinite(x.data).astype(gy.dtype)

    def settings(self):
        return {"nan": self.nan, "posinf": self.posinf, "neginf": self.neginf}


# sinc'(x) = sum over k >= 1 of SINC_SERIES[k - 1] x**(2k - 1): used for |x| < SINC_NEAR_ZERO, where
# (cos(pi x) - sinc(x)) / x cancels; five terms leave an error below 1e-13 there.
SINC_SERIES = [(-1) ** k * math.pi ** (2 * k) * 2 * k / math.factorial(2 * k + 1) for k in range(1, 6)]
SINC_NEAR_ZERO = 0.1
SINC_AT_NEAR_ZERO = float(np.sinc(SINC_NEAR_ZERO))   # sinc(x) exceeds it exactly where |x| < 0.1


def _sinc_series(x):
    """sinc'(x) near 0 by its Taylor series (Horner's rule in x**2), for
    arrays and Variables alike."""
    square = x * x
    series = SINC_SERIES[-1]
    for c in reversed(SINC_SERIES[:-1]):
        series = square * series + c
    return x * series


class Sinc(Function):
    """y = sin(pi x) / (pi x), and 1 at x = 0, as np.sinc.
    dy/dx = (cos(pi x) - y) / x; near 0 (|x| < 0.1) its Taylor series
    -pi**2 x / 3 + pi**4 x**3 / 30 - ..., so that the derivatives of every
    order are right at 0 too (PyTorch's second derivative there is NaN)."""
    __slots__ = ()

    def forward(self, x):
        return np.sinc(x)

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output_variable()
        near = y.data > SINC_AT_NEAR_ZERO   # |x| < 0.1, read from y in one pass
        if not Config.enable_backprop:   # not differentiated again: the slope as one array
            xp = backend.get_array_module(x.data)
            with np.errstate(divide="ignore", invalid="ignore"):   # at 0: replaced by the series below
                slope = xp.asarray((xp.cos(x.data * math.pi) - y.data) / x.data)
            index = xp.flatnonzero(near)
            xp.put(slope, index, _sinc_series(xp.take(x.data, index)))
            return gy * slope
        far = where(near, 1.0, x)   # each branch sees only the inputs it is accurate for
        return gy * where(near, _sinc_series(where(near, x, 0.0)), (cos(far * math.pi) - y) / far)


class Copysign(Function):
    """y = |a| with the sign of b (b's sign bit: -0.0 counts as negative).
    dy/da = sign(a) * (+1 or -1 by b's sign bit) (0 at a = 0, as PyTorch's),
    dy/db = 0"""
    __slots__ = ()

    def forward(self, a, b):
        return np.copysign(a, b)

    def backward(self, gy):
        a, b = self.inputs
        ga = gy * (np.sign(a.data) * np.copysign(1, b.data)).astype(gy.dtype) if self.needs_grad(0) else None
        gb = as_variable(backend.get_array_module(gy.data).zeros(gy.shape, dtype=gy.dtype)) \
            if self.needs_grad(1) else None
        return ga, gb


# -- public functions ----------------------------------------------------------

@declare(Asin, numpy=np.arcsin, math=(r"y = \arcsin x",
                r"\frac{\partial y}{\partial x} = \frac{1}{\sqrt{1 - x^2}}"))
def asin(x):
    """Inverse sine, in [-pi/2, pi/2]; x in [-1, 1]."""
    return Asin()(x)


@declare(Acos, numpy=np.arccos, math=(r"y = \arccos x",
                r"\frac{\partial y}{\partial x} = -\frac{1}{\sqrt{1 - x^2}}"))
def acos(x):
    """Inverse cosine, in [0, pi]; x in [-1, 1]."""
    return Acos()(x)


@declare(Atan, numpy=np.arctan, math=(r"y = \arctan x",
                r"\frac{\partial y}{\partial x} = \frac{1}{1 + x^2}"))
def atan(x):
    """Inverse tangent, in (-pi/2, pi/2)."""
    return Atan()(x)


@declare(Atan2, numpy=np.arctan2, math=(r"y = \operatorname{atan2}(a, b)",
                r"\frac{\partial y}{\partial a} = \frac{b}{a^2 + b^2},\quad \frac{\partial y}{\partial b} = -\frac{a}{a^2 + b^2}"))
def atan2(y, x):
    """The angle of the point (x, y), in (-pi, pi]; y and x broadcast."""
    return Atan2()(y, x)


@declare(Sinh, numpy=np.sinh, math=(r"y = \sinh x",
                r"\frac{\partial y}{\partial x} = \cosh x"))
def sinh(x):
    """Hyperbolic sine."""
    return Sinh()(x)


@declare(Cosh, numpy=np.cosh, math=(r"y = \cosh x",
                r"\frac{\partial y}{\partial x} = \sinh x"))
def cosh(x):
    """Hyperbolic cosine."""
    return Cosh()(x)


@declare(Asinh, numpy=np.arcsinh, math=(r"y = \operatorname{asinh} x",
                r"\frac{\partial y}{\partial x} = \frac{1}{\sqrt{x^2 + 1}}"))
def asinh(x):
    """Inverse hyperbolic sine."""
    return Asinh()(x)


@declare(Acosh, numpy=np.arccosh, math=(r"y = \operatorname{acosh} x",
                r"\frac{\partial y}{\partial x} = \frac{1}{\sqrt{x^2 - 1}}"))
def acosh(x):
    """Inverse hyperbolic cosine; x >= 1."""
    return Acosh()(x)


@declare(Atanh, numpy=np.arctanh, math=(r"y = \operatorname{atanh} x",
                r"\frac{\partial y}{\partial x} = \frac{1}{1 - x^2}"))
def atanh(x):
    """Inverse hyperbolic tangent; x in (-1, 1)."""
    return Atanh()(x)


@declare(Log2, numpy=np.log2, math=(r"y = \log_2 x",
                r"\frac{\partial y}{\partial x} = \frac{1}{x \ln 2}"))
def log2(x):
    """Base-2 logarithm."""
    return Log2()(x)


@declare(Log10, numpy=np.log10, math=(r"y = \log_{10} x",
                r"\frac{\partial y}{\partial x} = \frac{1}{x \ln 10}"))
def log10(x):
    """Base-10 logarithm."""
    return Log10()(x)


@declare(Log1p, numpy=np.log1p, scipy="log1p", math=(r"y = \ln(1 + x)",
                r"\frac{\partial y}{\partial x} = \frac{1}{1 + x}"))
def log1p(x):
    """log(1 + x), accurate for small x."""
    return Log1p()(x)


@declare(Expm1, numpy=np.expm1, scipy="expm1", math=(r"y = e^x - 1",
                r"\frac{\partial y}{\partial x} = e^x"))
def expm1(x):
    """exp(x) - 1, accurate for small x."""
    return Expm1()(x)


@declare(Exp2, numpy=np.exp2, scipy="exp2", math=(r"y = 2^x",
                r"\frac{\partial y}{\partial x} = 2^x \ln 2"))
def exp2(x):
    """2 ** x."""
    return Exp2()(x)


@declare(Erf, scipy="erf", math=(r"y = \operatorname{erf} x = \frac{2}{\sqrt\pi}\int_0^x e^{-t^2}\,dt",
                r"\frac{\partial y}{\partial x} = \frac{2}{\sqrt\pi} e^{-x^2}"))
def erf(x):
    """The error function (scipy.special.erf)."""
    return Erf()(x)


@declare(Erfc, scipy="erfc", math=(r"y = 1 - \operatorname{erf} x",
                r"\frac{\partial y}{\partial x} = -\frac{2}{\sqrt\pi} e^{-x^2}"))
def erfc(x):
    """The complementary error function 1 - erf(x) (scipy.special.erfc)."""
    return Erfc()(x)


@declare(Logit, Clip, scipy="logit", math=(r"y = \ln\frac{x}{1 - x}",
                r"\frac{\partial y}{\partial x} = \frac{1}{x (1 - x)}"))
def logit(p, eps=None):
    """log(p / (1 - p)), the inverse of sigmoid (scipy.special.logit). With
    `eps`, p is first clipped to [eps, 1 - eps], as PyTorch's `logit`."""
    if eps is not None:
        eps = python_number(eps, "logit", "eps")
        p = clip(p, eps, 1 - eps)
    return Logit()(p)


@declare(Xlogy, scipy="xlogy", math=(r"y = a \ln b",
                r"\frac{\partial y}{\partial a} = \ln b,\quad \frac{\partial y}{\partial b} = \frac{a}{b}"))
def xlogy(x, y):
    """x * log(y), 0 where x is 0 (scipy.special.xlogy, PyTorch's `xlogy`)."""
    return Xlogy()(x, y)


@declare(Lgamma, scipy="gammaln", math=(r"y = \ln|\Gamma(x)|",
                r"\frac{\partial y}{\partial x} = \psi(x)"))
def lgamma(x):
    """ln|Gamma(x)|, the log of the gamma function's magnitude (scipy.special.gammaln)."""
    return Lgamma()(x)


@declare(Digamma, scipy=("digamma", "psi"), math=(r"y = \psi(x) = \frac{d}{dx}\ln\Gamma(x)",
                r"\frac{\partial y}{\partial x} = \psi^{(1)}(x)"))
def digamma(x):
    """The derivative of lgamma (scipy.special.digamma)."""
    return Digamma()(x)


@declare(Polygamma, math=(r"y = \psi^{(n)}(x)",
                r"\frac{\partial y}{\partial x} = \psi^{(n+1)}(x)"))
def polygamma(n, x):
    """The n-th derivative of digamma, for an int n >= 0 (PyTorch's
    `polygamma(n, x)`, scipy.special.polygamma)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma: n must be an int >= 0 (the order of the derivative), "
                        f"got {type(n).__name__} {n!r}")
    if n < 0:
        raise ValueError(f"polygamma: n must be >= 0 (the order of the derivative), got {n}")
    return Digamma()(x) if n == 0 else Polygamma(int(n))(x)


@declare(numpy=np.square, math=(r"y = x^2",
                r"\frac{\partial y}{\partial x} = 2x"))
def square(x):
    """x ** 2."""
    return pow(x, 2)


@declare(numpy=np.reciprocal, math=(r"y = \frac{1}{x}",
                r"\frac{\partial y}{\partial x} = -y^2"))
def reciprocal(x):
    """1 / x."""
    return div(1.0, x)


@declare(Rsqrt, math=(r"y = \frac{1}{\sqrt x}",
                r"\frac{\partial y}{\partial x} = -\tfrac12 y^3"))
def rsqrt(x):
    """1 / sqrt(x)."""
    return Rsqrt()(x)


@declare(Cbrt, numpy=np.cbrt, scipy="cbrt", math=(r"y = \sqrt[3]{x}",
                r"\frac{\partial y}{\partial x} = \frac{1}{3 y^2}"))
def cbrt(x):
    """The real cube root (negative for negative x)."""
    return Cbrt()(x)


@declare(Hypot, numpy=np.hypot, math=(r"y = \sqrt{a^2 + b^2}",
                r"\frac{\partial y}{\partial a} = \frac{a}{y},\quad \frac{\partial y}{\partial b} = \frac{b}{y}"))
def hypot(a, b):
    """sqrt(a**2 + b**2) without overflow; a and b broadcast."""
    return Hypot()(a, b)


@declare(LogAddExp, numpy=np.logaddexp, math=(r"y = \ln(e^a + e^b)",
                r"\frac{\partial y}{\partial a} = e^{a - y},\quad \frac{\partial y}{\partial b} = e^{b - y}"))
def logaddexp(a, b):
    """log(exp(a) + exp(b)) without overflow; a and b broadcast."""
    return LogAddExp()(a, b)


@declare(math=(r"y = a + w\,(b - a)",
                r"\frac{\partial y}{\partial a} = 1 - w,\quad \frac{\partial y}{\partial b} = w,\quad \frac{\partial y}{\partial w} = b - a"))
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


@declare(Copysign, numpy=np.copysign, math=(r"y = |a| \operatorname{sign}(b)",
                r"\frac{\partial y}{\partial a} = \operatorname{sign}(a)\operatorname{sign}(b),\quad \frac{\partial y}{\partial b} = 0"))
def copysign(a, b):
    """|a| with the sign of b, elementwise (NumPy's and PyTorch's copysign;
    -0.0 in b counts as negative)."""
    return Copysign()(a, b)


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


@declare(Fmax, numpy=np.fmax, math=(r"y = \max(a, b)\ \text{(NaN loses)}",
                r"\frac{\partial y}{\partial a} = [a \text{ chosen}],\quad \frac{\partial y}{\partial b} = [b \text{ chosen}]"))
def fmax(a, b):
    """Elementwise maximum ignoring NaN (NaN only where both are), a and b
    broadcast, as np.fmax; at ties the gradient goes to a (PyTorch's)."""
    return Fmax()(a, b)


@declare(Fmin, numpy=np.fmin, math=(r"y = \min(a, b)\ \text{(NaN loses)}",
                r"\frac{\partial y}{\partial a} = [a \text{ chosen}],\quad \frac{\partial y}{\partial b} = [b \text{ chosen}]"))
def fmin(a, b):
    """Elementwise minimum ignoring NaN (NaN only where both are), a and b
    broadcast, as np.fmin; at ties the gradient goes to a (PyTorch's)."""
    return Fmin()(a, b)


@declare(NanToNum, numpy=np.nan_to_num, math=(r"y = x \text{ where finite, else the replacement}",
                r"\frac{\partial y}{\partial x} = [x \text{ finite}]"))
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """x with NaN replaced by `nan`, +inf by `posinf` and -inf by `neginf`
    (None: the largest / most negative finite number of x's dtype), as
    np.nan_to_num. The gradient is 0 at the replaced elements."""
    if not copy:
        raise ValueError("nan_to_num: copy=False (replacing in place) is not supported; "
                         "write x = np.nan_to_num(x)")
    return NanToNum(nan, posinf, neginf)(x)


@declare(Sinc, numpy=np.sinc, math=(r"y = \frac{\sin \pi x}{\pi x},\quad y(0) = 1",
                r"\frac{\partial y}{\partial x} = \frac{\cos \pi x - y}{x},\quad 0 \text{ at } x = 0"))
def sinc(x):
    """The normalized sinc function sin(pi x) / (pi x), 1 at 0, as np.sinc."""
    return Sinc()(x)


@declare(numpy=np.deg2rad, math=(r"y = \frac{\pi}{180}\,x",
                r"\frac{\partial y}{\partial x} = \frac{\pi}{180}"))
def deg2rad(x):
    """Degrees to radians: x * pi / 180, as np.deg2rad."""
    return mul(x, math.pi / 180)


@declare(numpy=np.radians, math=(r"y = \frac{\pi}{180}\,x",
                r"\frac{\partial y}{\partial x} = \frac{\pi}{180}"))
def radians(x):
    """Degrees to radians: x * pi / 180, as np.radians (the same as deg2rad)."""
    return mul(x, math.pi / 180)


@declare(numpy=np.rad2deg, math=(r"y = \frac{180}{\pi}\,x",
                r"\frac{\partial y}{\partial x} = \frac{180}{\pi}"))
def rad2deg(x):
    """Radians to degrees: x * 180 / pi, as np.rad2deg."""
    return mul(x, 180 / math.pi)


@declare(numpy=np.degrees, math=(r"y = \frac{180}{\pi}\,x",
                r"\frac{\partial y}{\partial x} = \frac{180}{\pi}"))
def degrees(x):
    """Radians to degrees: x * 180 / pi, as np.degrees (the same as rad2deg)."""
    return mul(x, 180 / math.pi)


@declare(numpy=np.real, math=(r"y = x \text{ (real input)}",
                r"\frac{\partial y}{\partial x} = 1"))
def real(x):
    """The real part, as np.real: x itself (minigrad's numbers are real;
    complex ones are refused where they would be made)."""
    return x


@declare(numpy=np.imag, math=(r"y = 0 \text{ (real input)}",
                r"\text{no gradient}"))
def imag(x):
    """The imaginary part, as np.imag: zeros of x's shape and dtype
    (minigrad's numbers are real); no gradient (nd)."""
    data = as_array(x)
    return Variable(backend.get_array_module(data).zeros_like(data), requires_grad=False)


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
