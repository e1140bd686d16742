"""Activation layers: Modules wrapping the functions of
`minigrad.functions` so they can sit inside a Sequential. No parameters."""
from .. import functions as F
from .module import Module


class Identity(Module):
    """y = x."""

    def forward(self, x):
        return x


class ReLU(Module):
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


class LeakyReLU(Module):
    """y = x if x > 0 else negative_slope * x (PyTorch's default slope 0.01)."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """y = x if x > 0 else alpha * (exp(x) - 1)."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """y = log(1 + exp(x))."""

    def forward(self, x):
        return F.softplus(x)


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
