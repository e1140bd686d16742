"""Activation layers: Modules wrapping the functions of
`minigrad.functions` so they can sit inside a Sequential. No parameters,
except PReLU's learnt slopes."""
import numpy as np

from .. import functions as F
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """y = x."""

    def forward(self, x):
        return x


class _AcceptsInplace(Module):
    """Base of the activations PyTorch gives an `inplace` flag
    (`nn.ReLU(inplace=True)`). The flag is accepted and changes nothing:
    minigrad never overwrites an op's input, and the output is the same."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class ReLU(_AcceptsInplace):
    """y = max(x, 0)."""

    def forward(self, x):
        return F.relu(x)


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x))."""

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    """y = tanh(x)."""

    def forward(self, x):
        return F.tanh(x)


class GELU(Module):
    """y = x * Phi(x) (exact, with erf); approximate="tanh" for the tanh
    approximation."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class LeakyReLU(_AcceptsInplace):
    """y = x if x > 0 else negative_slope * x (PyTorch's default slope 0.01)."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(_AcceptsInplace):
    """y = x if x > 0 else alpha * (exp(x) - 1)."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta, and x where beta x > threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """y = exp(x) / sum(exp(x)) along `dim` (the last by default)."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """y = x - logsumexp(x) along `dim` (the last by default)."""

    def forward(self, x):
        return F.log_softmax(x, axis=self.dim)


class ReLU6(_AcceptsInplace):
    """y = min(max(x, 0), 6)."""

    def forward(self, x):
        return F.relu6(x)


class Hardtanh(_AcceptsInplace):
    """y = x limited to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__(inplace)
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val={min_val} is greater than max_val={max_val}")
        self.min_val = min_val
        self.max_val = max_val

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class Hardsigmoid(_AcceptsInplace):
    """y = min(max(x/6 + 1/2, 0), 1)."""

    def forward(self, x):
        return F.hardsigmoid(x)


class Hardswish(_AcceptsInplace):
    """y = x * hardsigmoid(x)."""

    def forward(self, x):
        return F.hardswish(x)


class SiLU(_AcceptsInplace):
    """y = x * sigmoid(x)."""

    def forward(self, x):
        return F.silu(x)


class Mish(_AcceptsInplace):
    """y = x * tanh(softplus(x))."""

    def forward(self, x):
        return F.mish(x)


class SELU(_AcceptsInplace):
    """y = scale * elu(x, alpha), alpha = 1.6733, scale = 1.0507."""

    def forward(self, x):
        return F.selu(x)


class CELU(ELU):
    """y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""

    def forward(self, x):
        return F.celu(x, self.alpha)


class Softsign(Module):
    """y = x / (1 + |x|)."""

    def forward(self, x):
        return F.softsign(x)


class LogSigmoid(Module):
    """y = log(sigmoid(x))."""

    def forward(self, x):
        return F.logsigmoid(x)


class GLU(Module):
    """y = a * sigmoid(b), a and b the halves of x along `dim` (the last by
    default): (..., 2n, ...) -> (..., n, ...)."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return F.glu(x, axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """y = x if x > 0 else weight * x, with learnt slopes.

    weight: (num_parameters,), filled with `init` (0.25), as PyTorch's:
    one slope shared by every channel, or one per channel (axis 1 of x).
    """

    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        self.num_parameters = num_parameters
        self.weight = Parameter(np.full((num_parameters,), init, dtype=np.float32))

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"
