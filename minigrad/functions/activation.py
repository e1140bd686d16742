"""Activation functions: elementwise nonlinearities, and softmax along an axis.

Each backward reuses what forward made where it can (the output y for
sigmoid, elu, softmax) and is written with ops, so it differentiates again.
"""
import math

import numpy as np

from ..core import Function, as_variable
from .math import exp, tanh, where
from .reduction import stable_logsumexp
from .shape import _normalize_axis

_erfc = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf_array(x):
    """Phi(x) = P(Z <= x) for a standard normal Z, as 0.5 * erfc(-x / sqrt 2)
    (erfc keeps the left tail accurate). NumPy has no erf, so this takes
    math.erfc element by element: exact to double precision, ~0.1 us each."""
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return np.asarray(0.5 * _erfc(-x * math.sqrt(0.5)), dtype=dtype)


def _normal_pdf(x):
    """phi(x) = exp(-x**2 / 2) / sqrt(2 pi), built from ops."""
    return exp(x * x * -0.5) * (1 / math.sqrt(2 * math.pi))


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)).   dy/dx = y (1 - y)

    Computed as 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with
    e = exp(-|x|), so exp never overflows."""
    __slots__ = ()

    def forward(self, x):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1, e) / (1 + e)

    def backward(self, gy):
        y = self.output_variable()
        return gy * y * (1 - y)


class ReLU(Function):
    """y = max(x, 0).   dy/dx = 1 where x > 0, else 0"""
    __slots__ = ()

    @property
    def name(self):
        return "relu"

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (x.data > 0)  # a boolean mask: float * bool keeps gy's dtype


class LeakyReLU(Function):
    """y = x where x > 0, else slope * x.   dy/dx = 1 or slope"""
    __slots__ = ("slope",)

    @property
    def name(self):
        return "leaky_relu"

    def __init__(self, slope):
        self.slope = slope

    def forward(self, x):
        return np.where(x > 0, x, x * self.slope)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * np.where(x.data > 0, 1, self.slope).astype(gy.dtype)

    def settings(self):
        return {"slope": self.slope}


class ELU(Function):
    """y = x where x > 0, else alpha (exp(x) - 1).
    dy/dx = 1 where x > 0, else alpha exp(x) = y + alpha"""
    __slots__ = ("alpha",)

    @property
    def name(self):
        return "elu"

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        # expm1 of min(x, 0): accurate near 0 and no overflow for large x.
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def backward(self, gy):
        (x,) = self.inputs
        return where(x.data > 0, gy, gy * (self.output_variable() + self.alpha))

    def settings(self):
        return {"alpha": self.alpha}


class NormalCdf(Function):
    """y = Phi(x), the standard normal CDF.   dy/dx = phi(x), the density"""
    __slots__ = ()

    def forward(self, x):
        return _normal_cdf_array(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * _normal_pdf(x)


class GELU(Function):
    """y = x Phi(x) (exact, with erf).   dy/dx = Phi(x) + x phi(x)"""
    __slots__ = ()

    @property
    def name(self):
        return "gelu"

    def forward(self, x):
        return x * _normal_cdf_array(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (NormalCdf()(x) + x * _normal_pdf(x))


_GELU_C = math.sqrt(2 / math.pi)
_GELU_K = 0.044715


class GELUTanh(Function):
    """y = x/2 (1 + tanh(u)), u = c (x + k x**3), c = sqrt(2/pi), k = 0.044715.
    dy/dx = (1 + t)/2 + x/2 (1 - t**2) c (1 + 3 k x**2), t = tanh(u)"""
    __slots__ = ()

    @property
    def name(self):
        return "gelu_tanh"

    def forward(self, x):
        return 0.5 * x * (1 + np.tanh(_GELU_C * (x + _GELU_K * x ** 3)))

    def backward(self, gy):
        (x,) = self.inputs
        x2 = x * x
        t = tanh((x + x2 * x * _GELU_K) * _GELU_C)
        return gy * ((t + 1) * 0.5 + x * (1 - t * t) * (x2 * (3 * _GELU_K) + 1) * (0.5 * _GELU_C))


class Softplus(Function):
    """y = log(1 + exp(x)) (as logaddexp(0, x): no overflow).   dy/dx = sigmoid(x)"""
    __slots__ = ()

    def forward(self, x):
        return np.logaddexp(0, x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * sigmoid(x)


class Softmax(Function):
    """y = exp(x) / sum(exp(x)) along `axis` (x shifted by its max first).

        gx = y * (gy - sum(gy * y, axis))
    """
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        axis = self.axis = _normalize_axis(self.name, self.axis, x.ndim)
        e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)) if x.size else np.exp(x)
        return e / np.sum(e, axis=axis, keepdims=True)

    def backward(self, gy):
        y = self.output_variable()
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True))

    def settings(self):
        return {"axis": self.axis}


class LogSoftmax(Function):
    """y = x - logsumexp(x) along `axis`.   gx = gy - exp(y) * sum(gy, axis)"""
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        axis = self.axis = _normalize_axis(self.name, self.axis, x.ndim)
        return x - stable_logsumexp(x, axis, keepdims=True)

    def backward(self, gy):
        return gy - exp(self.output_variable()) * gy.sum(axis=self.axis, keepdims=True)

    def settings(self):
        return {"axis": self.axis}


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise."""
    return Sigmoid()(x)


def relu(x):
    """max(x, 0) elementwise; its derivative at 0 is taken as 0."""
    return ReLU()(x)


def leaky_relu(x, slope=0.2):
    """x where x > 0, slope * x elsewhere."""
    return LeakyReLU(slope)(x)


def elu(x, alpha=1.0):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere."""
    return ELU(alpha)(x)


def gelu(x, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF (exact, with erf, as PyTorch's
    default); approximate="tanh" uses PyTorch's tanh approximation."""
    if approximate == "none":
        return GELU()(x)
    if approximate == "tanh":
        return GELUTanh()(x)
    raise ValueError(f"gelu: approximate={approximate!r} is not supported; expected 'none' or 'tanh'")


def softplus(x):
    """log(1 + exp(x)), a smooth relu; computed without overflow."""
    return Softplus()(x)


def softmax(x, axis=-1):
    """exp(x) normalised to sum to 1 along `axis`."""
    return Softmax(axis)(x)


def log_softmax(x, axis=-1):
    """log(softmax(x, axis)), computed stably as x - logsumexp(x, axis)."""
    return LogSoftmax(axis)(x)


def identity(x):
    """x itself (as a Variable): the "no activation" activation."""
    return as_variable(x)
