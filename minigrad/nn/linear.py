"""Layers on feature vectors: Linear, Embedding, Flatten, Unflatten."""
import math
import numbers

import numpy as np

from .. import functions as F
from . import init
from .module import Module, check_size
from .parameter import new_parameter


class Linear(Module):
    """y = x @ weight.T + bias:  x (..., in_features) -> y (..., out_features).

    weight: (out_features, in_features), bias: (out_features,), as PyTorch
    stores them. Default initialisation: weight He normal (fan_in), suited to
    ReLU nets (PyTorch's own default is kaiming_uniform with a=sqrt(5));
    bias zeros. A constant float input is cast to the weight's dtype
    (`casts_input`).

    Examples
    --------
    >>> import numpy as np
    >>> from minigrad import nn
    >>> layer = nn.Linear(3, 2)
    >>> layer(np.ones((4, 3), dtype=np.float32)).shape
    (4, 2)
    >>> [(name, p.shape) for name, p in layer.named_parameters()]
    [('weight', (2, 3)), ('bias', (2,))]
    """
    casts_input = True

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = check_size("Linear", "in_features", in_features)
        self.out_features = check_size("Linear", "out_features", out_features)
        self.weight = init.he_normal_(new_parameter((out_features, in_features)))
        self.bias = new_parameter((out_features,)) if bias else None

    def forward(self, x):
        shape = x.shape
        if len(shape) == 0 or shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: input of shape {shape} has {shape[-1] if shape else 0} features in its last "
                f"dimension, expected in_features={self.in_features}")
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A lookup table: integer indices (any shape) -> rows of `weight`,
    y.shape = indices.shape + (embedding_dim,).

    weight: (num_embeddings, embedding_dim). Default initialisation: N(0, 1),
    as PyTorch's (there is no ReLU to suit here). The gradient adds up into
    the rows that were looked up. padding_idx (negative counts from the
    end, as PyTorch's): that row starts at zeros and gets no gradient, so
    it stays whatever it is.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = check_size("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_size("Embedding", "embedding_dim", embedding_dim)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx={padding_idx} is out of range for {num_embeddings} "
                                 f"embeddings; expected {-num_embeddings} <= padding_idx < {num_embeddings}")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.weight = init.normal_(new_parameter((num_embeddings, embedding_dim)), std=1.0)
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0

    def forward(self, indices):
        return F.embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self):
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"


class Flatten(Module):
    """Merge the dimensions start_dim..end_dim into one:
    (N, C, H, W) -> (N, C*H*W) with the defaults."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        return F.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension `dim` into `unflattened_size` (a tuple whose product
    is that dimension's size; one entry may be -1):
    Unflatten(1, (C, H, W)): (N, C*H*W) -> (N, C, H, W). The inverse of Flatten."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
            raise TypeError(f"Unflatten: dim must be an integer, got {dim!r}")
        sizes = tuple(unflattened_size) if isinstance(unflattened_size, (tuple, list)) else None
        if not sizes or any(not isinstance(n, numbers.Integral) or isinstance(n, bool) or (n < 0 and n != -1)
                            for n in sizes) or sizes.count(-1) > 1:
            raise ValueError(f"Unflatten: unflattened_size must be a non-empty tuple of sizes (at most one "
                             f"-1), got {unflattened_size!r}")
        self.dim = int(dim)
        self.unflattened_size = tuple(int(n) for n in sizes)

    def forward(self, x):
        shape = tuple(x.shape)
        if not -len(shape) <= self.dim < len(shape):
            raise np.exceptions.AxisError(f"Unflatten: dim {self.dim} is out of range for an input of shape "
                                          f"{shape}")
        dim = self.dim % len(shape)
        known = math.prod(n for n in self.unflattened_size if n != -1)
        fits = shape[dim] == known if -1 not in self.unflattened_size else known and shape[dim] % known == 0
        if not fits:
            raise ValueError(f"Unflatten: dimension {self.dim} of the input (shape {shape}) has size "
                             f"{shape[dim]}, which cannot be split into {self.unflattened_size}")
        return F.reshape(x, shape[:dim] + self.unflattened_size + shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
