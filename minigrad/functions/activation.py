"""Activation functions: elementwise nonlinearities, and softmax along an axis.

Each backward reuses what forward made where it can (the output y for
sigmoid, elu, softmax) and is written with ops, so it differentiates again.
"""
import math

import numpy as np

from ..core import Function, as_array, as_variable
from ..core.ops import declare
from ._axes import along_axis, normalize_axis
from .math import Clip, abs, exp, python_number, special, tanh, where
from .shape import reshape, split



def _normal_cdf_array(x):
    """Phi(x) = P(Z <= x) for a standard normal Z (scipy.special.ndtr:
    accurate in both tails), in x's floating dtype."""
    return special().ndtr(x if x.dtype.kind == "f" else x.astype(np.float64))


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

    saves_for_backward = ("outputs",)

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
        return 0.5 * x * (1 + np.tanh(_GELU_C * (x + _GELU_K * (x * x * x))))  # x*x*x: no slow pow

    def backward(self, gy):
        (x,) = self.inputs
        x2 = x * x
        t = tanh((x + x2 * x * _GELU_K) * _GELU_C)
        return gy * ((t + 1) * 0.5 + x * (1 - t * t) * (x2 * (3 * _GELU_K) + 1) * (0.5 * _GELU_C))


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta (as logaddexp(0, beta x): no
    overflow), and y = x where beta x > threshold (PyTorch's).
    dy/dx = sigmoid(beta x), and 1 where beta x > threshold"""
    __slots__ = ("beta", "threshold")

    def __init__(self, beta=1, threshold=20):
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        bx = x * self.beta if self.beta != 1 else x
        y = np.logaddexp(0, bx)
        if self.beta != 1:
            y /= self.beta
        return np.where(bx > self.threshold, x, y)

    def backward(self, gy):
        (x,) = self.inputs
        bx = x * self.beta if self.beta != 1 else x
        linear = bx.data > self.threshold
        return gy * (where(linear, 1.0, sigmoid(bx)) if linear.any() else sigmoid(bx))

    def settings(self):
        return {"beta": self.beta, "threshold": self.threshold}


class Softmax(Function):
    """y = exp(x) / sum(exp(x)) along `axis` (x shifted by its max first).

        gx = y * (gy - sum(gy * y, axis))
    """
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        axis = self.axis = along_axis(self.name, self.axis, x.ndim)
        if not x.size or not x.ndim:  # no element, or one: 1 (NaN where x is infinite, as PyTorch)
            return np.exp(x - x)
        e = x - np.max(x, axis=axis, keepdims=True)
        np.exp(e, out=e)   # in place: one array for the whole forward
        e /= np.sum(e, axis=axis, keepdims=True)
        return e

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return SoftmaxGrad(self.axis)(self.output_variable(), gy)


class SoftmaxGrad(Function):
    """gx = y * (gy - s), s = sum(gy * y, axis): the backward of softmax as
    one op (it runs on every backward pass through attention and
    classifiers; fused, its arrays are updated in place).

        d gx/d gy: ggy = y * (ggx - sum(ggx * y))   (a softmax backward again)
        d gx/d y:  gy_ = ggx * (gy - s) - gy * sum(ggx * y)
    """
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, y, gy):
        gx = gy * y
        s = np.sum(gx, axis=self.axis, keepdims=True)
        gx -= y * s
        return gx

    def backward(self, ggx):
        y, gy = self.inputs
        axis = self.axis
        t = (ggx * y).sum(axis=axis, keepdims=True)
        s = (gy * y).sum(axis=axis, keepdims=True)
        return ggx * (gy - s) - gy * t, SoftmaxGrad(axis)(y, ggx)

    def settings(self):
        return {"axis": self.axis}


class LogSoftmax(Function):
    """y = x - logsumexp(x) along `axis`.   gx = gy - exp(y) * sum(gy, axis)"""
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        axis = self.axis = along_axis(self.name, self.axis, x.ndim)
        m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
        shifted = x - np.where(np.isfinite(m), m, 0).astype(m.dtype, copy=False)
        # (x - m) - log(s), not x - (m + log s): in float32 at large logits
        # m + log s would round away the small log s.
        with np.errstate(divide="ignore"):
            return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))

    saves_for_backward = ("outputs",)

    def backward(self, gy):
        return gy - exp(self.output_variable()) * gy.sum(axis=self.axis, keepdims=True)

    def settings(self):
        return {"axis": self.axis}


class Hardtanh(Clip):
    """y = min(max(x, lo), hi).   dy/dx = 1 where lo < x < hi, else 0
    (0 at the kinks, as PyTorch's; clip's forward, a stricter mask)"""
    __slots__ = ()

    def backward(self, gy):
        (x,) = self.inputs
        return gy * ((x.data > self.lo) & (x.data < self.hi))


class Hardsigmoid(Function):
    """y = min(max(x/6 + 1/2, 0), 1).   dy/dx = 1/6 where -3 < x < 3, else 0"""
    __slots__ = ()

    def forward(self, x):
        return np.clip(x / 6 + 0.5, 0, 1)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * (((x.data > -3) & (x.data < 3)) / 6).astype(gy.dtype, copy=False)


class Hardswish(Function):
    """y = x min(max(x + 3, 0), 6) / 6.
    dy/dx = x/3 + 1/2 where -3 < x < 3, 0 where x <= -3, 1 where x >= 3
    (PyTorch's values at the kinks)"""
    __slots__ = ()

    def forward(self, x):
        return x * np.clip(x + 3, 0, 6) / 6

    def backward(self, gy):
        (x,) = self.inputs
        inside = (x.data > -3) & (x.data < 3)
        outside = (x.data >= 3).astype(x.dtype)
        return gy * where(inside, x * (1 / 3) + 0.5, outside)


@declare(Sigmoid, scipy="expit", methods="sigmoid", functional=True, math=(r"y = \sigma(x) = \frac{1}{1 + e^{-x}}",
                r"\frac{\partial y}{\partial x} = y\,(1 - y)"))
def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise."""
    return Sigmoid()(x)


@declare(ReLU, methods="relu", math=(r"y = \max(x, 0)",
                r"\frac{\partial y}{\partial x} = [x > 0]"))
def relu(x):
    """max(x, 0) elementwise; its derivative at 0 is taken as 0."""
    return ReLU()(x)


@declare(LeakyReLU, math=(r"y = \begin{cases} x & x > 0 \\ \mathit{slope} x & x \le 0 \end{cases}",
                r"\frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ \mathit{slope} & x \le 0 \end{cases}"))
def leaky_relu(x, slope=0.2):
    """x where x > 0, slope * x elsewhere."""
    return LeakyReLU(python_number(slope, "leaky_relu", "slope"))(x)


@declare(ELU, math=(r"y = \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & x \le 0 \end{cases}",
                r"\frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ \alpha e^x & x \le 0 \end{cases}"))
def elu(x, alpha=1.0):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere."""
    return ELU(python_number(alpha, "elu", "alpha"))(x)


@declare(NormalCdf, GELUTanh, functional=True, math=(r"y = x\,\Phi(x)",
                r"\frac{\partial y}{\partial x} = \Phi(x) + x\,\varphi(x)"))
def gelu(x, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF (exact, with erf, as PyTorch's
    default); approximate="tanh" uses PyTorch's tanh approximation."""
    if approximate == "none":
        # Built from ops: the backward of the product reuses Phi(x), so Phi
        # (the costly part) is computed once per forward and backward, not twice.
        return x * NormalCdf()(x)
    if approximate == "tanh":
        return GELUTanh()(x)
    raise ValueError(f"gelu: approximate={approximate!r} is not supported; expected 'none' or 'tanh'")


@declare(Softplus, math=(r"y = \frac{1}{\beta}\log(1 + e^{\beta x})",
                r"\frac{\partial y}{\partial x} = \sigma(\beta x)"))
def softplus(x, beta=1, threshold=20):
    """log(1 + exp(beta x)) / beta, a smooth relu (computed without
    overflow); x itself where beta x > threshold, as PyTorch's."""
    return Softplus(beta, threshold)(x)


@declare(Softmax, methods="softmax", math=(r"y_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
                r"\frac{\partial y_i}{\partial x_j} = y_i\,([i = j] - y_j)"))
def softmax(x, axis=-1):
    """exp(x) normalised to sum to 1 along `axis`."""
    return Softmax(axis)(x)


@declare(LogSoftmax, methods="log_softmax", math=(r"y_i = x_i - \log \sum_j e^{x_j}",
                r"\frac{\partial y_i}{\partial x_j} = [i = j] - \operatorname{softmax}(x)_j"))
def log_softmax(x, axis=-1):
    """log(softmax(x, axis)), computed stably as x - logsumexp(x, axis)."""
    return LogSoftmax(axis)(x)


@declare(Softmax, math=(r"y_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
                r"\frac{\partial y_i}{\partial x_j} = -y_i\,([i = j] - y_j)"))
def softmin(x, axis=-1):
    """softmax(-x, axis): weights summing to 1 along `axis` that favour the
    smallest entries (PyTorch's name; its nn.functional door takes dim=)."""
    return Softmax(axis)(-as_variable(x))


@declare(math=(r"y = x",
                r"\frac{\partial y}{\partial x} = 1"))
def identity(x):
    """x itself (as a Variable): the "no activation" activation."""
    return as_variable(x)


@declare(Hardtanh, math=(r"y = \min(\max(x, 0), 6)",
                r"\frac{\partial y}{\partial x} = [0 < x < 6]"))
def relu6(x):
    """min(max(x, 0), 6); its derivative at 0 and 6 is taken as 0 (PyTorch's)."""
    return Hardtanh(0.0, 6.0)(x)


@declare(Hardtanh, math=(r"y = \min(\max(x, \mathit{min\_val}), \mathit{max\_val})",
                r"\frac{\partial y}{\partial x} = [\mathit{min\_val} < x < \mathit{max\_val}]"))
def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x limited to [min_val, max_val]; derivative 0 at the kinks (PyTorch's)."""
    min_val, max_val = python_number(min_val, "hardtanh", "min_val"), python_number(max_val, "hardtanh", "max_val")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val={min_val} is greater than max_val={max_val}")
    return Hardtanh(min_val, max_val)(x)


@declare(Hardsigmoid, math=(r"y = \min(\max(x/6 + 1/2, 0), 1)",
                r"\frac{\partial y}{\partial x} = \tfrac{1}{6}\,[-3 < x < 3]"))
def hardsigmoid(x):
    """min(max(x/6 + 1/2, 0), 1), a piecewise-linear sigmoid."""
    return Hardsigmoid()(x)


@declare(Hardswish, math=(r"y = x \cdot \min(\max(x + 3, 0), 6) / 6",
                r"\frac{\partial y}{\partial x} = \begin{cases} 0 & x \le -3 \\ (2x + 3)/6 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}"))
def hardswish(x):
    """x * hardsigmoid(x) (MobileNetV3's)."""
    return Hardswish()(x)


@declare(Sigmoid, math=(r"y = x\,\sigma(x)",
                r"\frac{\partial y}{\partial x} = \sigma(x)\,(1 + x\,(1 - \sigma(x)))"))
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return x * sigmoid(x)


@declare(Softplus, math=(r"y = x \tanh(\operatorname{softplus}(x))",
                r"\frac{\partial y}{\partial x} = \tanh(s) + x\,\sigma(x)\,(1 - \tanh^2(s)),\quad s = \operatorname{softplus}(x)"))
def mish(x):
    """x * tanh(softplus(x))."""
    return x * tanh(softplus(x))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@declare(ELU, math=(r"y = \lambda \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & x \le 0 \end{cases}",
                r"\frac{\partial y}{\partial x} = \lambda \begin{cases} 1 & x > 0 \\ \alpha e^x & x \le 0 \end{cases}"))
def selu(x):
    """scale * elu(x, alpha) with the self-normalising constants
    alpha = 1.6733, scale = 1.0507 (PyTorch's)."""
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


@declare(ELU, math=(r"y = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
                r"\frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}"))
def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha (exp(x/alpha) - 1)) = alpha elu(x/alpha); alpha != 0."""
    alpha = python_number(alpha, "celu", "alpha")
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    return elu(x) if alpha == 1 else elu(x / alpha) * alpha


@declare(functional=True, math=(r"y = \frac{x}{1 + |x|}",
                r"\frac{\partial y}{\partial x} = \frac{1}{(1 + |x|)^2}"))
def softsign(x):
    """x / (1 + |x|)."""
    return x / (abs(x) + 1)


@declare(Softplus, scipy="log_expit", functional=True, math=(r"y = \log \sigma(x) = -\log(1 + e^{-x})",
                r"\frac{\partial y}{\partial x} = 1 - \sigma(x)"))
def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), computed without overflow."""
    return -softplus(-x)


@declare(Sigmoid, functional=True, math=(r"y = a \cdot \sigma(b),\quad [a, b] = \operatorname{split}(x)",
                r"\frac{\partial y}{\partial a} = \sigma(b),\quad \frac{\partial y}{\partial b} = a\,\sigma(b)(1 - \sigma(b))"))
def glu(x, axis=-1):
    """The gated linear unit a * sigmoid(b), where a and b are the first and
    second halves of x along `axis` (its size must be even); the output has
    half that size."""
    shape = np.shape(as_array(x))
    a = normalize_axis("glu", axis, len(shape))
    if shape[a] % 2:
        raise ValueError(f"glu: axis {axis} of the input of shape {shape} has size {shape[a]}; "
                         "expected an even size to cut in halves")
    first, second = split(x, 2, a)
    return first * sigmoid(second)


@declare(functional=True, math=(r"y = \begin{cases} x & x > 0 \\ w x & x \le 0 \end{cases}",
                r"\frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ w & x \le 0 \end{cases},\quad \frac{\partial y}{\partial w} = \min(x, 0)"))
def prelu(x, weight):
    """x where x > 0, weight * x elsewhere, with a learnt slope: `weight`
    holds 1 slope, or one per channel (axis 1 of x, as PyTorch's)."""
    shape = np.shape(as_array(x))
    n = np.size(as_array(weight))
    channels = shape[1] if len(shape) >= 2 else 1
    if n == 1:
        slope = reshape(weight, ())
    elif n == channels:
        slope = reshape(weight, (n,) + (1,) * (len(shape) - 2))
    else:
        raise ValueError(f"prelu: weight has {n} elements but the input of shape {shape} has {channels} "
                         f"channel(s) (axis 1); expected 1 or {channels}")
    return where(as_array(x) > 0, x, slope * x)


# -- PyTorch's shrinking activations (names only PyTorch has) ---------------------

def _lambd(op, lambd):
    lambd = python_number(lambd, op, "lambd")
    if lambd < 0:
        raise ValueError(f"{op}: lambd must be >= 0, got {lambd}")
    return lambd


@declare(functional=True, math=(r"y = x - \tanh x",
                r"\frac{\partial y}{\partial x} = \tanh^2 x"))
def tanhshrink(x):
    """x - tanh(x), as PyTorch's."""
    x = as_variable(x)
    return x - tanh(x)


@declare(functional=True, math=(r"y = \begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda \\ 0 & \text{else} \end{cases}",
                r"\frac{\partial y}{\partial x} = [\,|x| > \lambda\,]"))
def softshrink(x, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, 0 between, as
    PyTorch's."""
    lambd, x = _lambd("softshrink", lambd), as_variable(x)
    return where(x.data > lambd, x - lambd, where(x.data < -lambd, x + lambd, x * 0))


@declare(functional=True, math=(r"y = \begin{cases} x & |x| > \lambda \\ 0 & \text{else} \end{cases}",
                r"\frac{\partial y}{\partial x} = [\,|x| > \lambda\,]"))
def hardshrink(x, lambd=0.5):
    """x where |x| > lambd, 0 elsewhere, as PyTorch's."""
    lambd, x = _lambd("hardshrink", lambd), as_variable(x)
    return where((x.data > lambd) | (x.data < -lambd), x, x * 0)


@declare(math=(r"y = \begin{cases} x & x > t \\ v & \text{else} \end{cases}",
                r"\frac{\partial y}{\partial x} = [x > t]"))
def threshold(x, threshold, value):
    """x where x > threshold, `value` elsewhere, as PyTorch's F.threshold
    (minigrad.nn.functional's takes its inplace= too)."""
    threshold = python_number(threshold, "threshold", "threshold")
    value = python_number(value, "threshold", "value")
    x = as_variable(x)
    return where(x.data > threshold, x, x * 0 + value)
