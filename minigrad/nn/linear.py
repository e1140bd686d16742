"""Layers on feature vectors: Linear, Embedding, Flatten."""
import numpy as np

from .. import functions as F
from ..core import Variable
from . import init
from .module import Module
from .parameter import new_parameter


class Linear(Module):
    """y = x @ weight.T + bias:  x (..., in_features) -> y (..., out_features).

    weight: (out_features, in_features), bias: (out_features,), as PyTorch
    stores them. Default initialisation: weight He normal (fan_in), suited to
    ReLU nets (PyTorch's own default is kaiming_uniform with a=sqrt(5));
    bias zeros.
    """

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
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
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx={padding_idx} is out of range for {num_embeddings} "
                                 f"embeddings; expected {-num_embeddings} <= padding_idx < {num_embeddings}")
            padding_idx %= num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.weight = init.normal_(new_parameter((num_embeddings, embedding_dim)), std=1.0)
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0

    def forward(self, indices):
        indices = indices.data if isinstance(indices, Variable) else np.asarray(indices)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"Embedding: indices must be integers, got dtype {indices.dtype}")
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_embeddings):
            bad = indices.min() if indices.min() < 0 else indices.max()
            raise IndexError(f"Embedding: index {bad} is out of range for {self.num_embeddings} "
                             f"embeddings; expected 0 <= index < {self.num_embeddings}")
        rows = F.get_item(self.weight, indices)
        if self.padding_idx is None:
            return rows
        # The padding row's value, as a constant: no gradient reaches it.
        padding = (indices == self.padding_idx)[..., None]
        return F.where(padding, self.weight.data[self.padding_idx], rows)

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
