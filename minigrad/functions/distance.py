"""Distances and similarities between vectors along an axis, as PyTorch's
F.cosine_similarity and F.pairwise_distance. Built from ops, so they
differentiate to any order."""
import numpy as np

from ..device import backend
from ..core import as_variable
from ..core.ops import declare
from ._axes import normalize_axis
from .reduction import norm
from .reduction import sum as reduce_sum
from .shape import broadcast_to


def _norm_at_least(x, axis, eps):
    """The 2-norm of x along `axis` (kept), at least eps in value; its
    gradient is the norm's even where eps replaces it, as PyTorch's (which
    clamps the norm in place outside the graph)."""
    n = norm(x, axis=axis, keepdims=True)
    return n + (backend.get_array_module(n.data).maximum(n.data, eps) - n.data)


@declare(functional=True)
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum((x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))) along `dim`, x1
    and x2 broadcast together first, as PyTorch's (|.| the 2-norm; where
    eps replaces a norm, the gradient still flows through the norm, as
    PyTorch's does)."""
    x1, x2 = as_variable(x1), as_variable(x2)
    shape = np.broadcast_shapes(x1.shape, x2.shape)
    axis = normalize_axis("cosine_similarity", dim, len(shape))
    x1, x2 = broadcast_to(x1, shape), broadcast_to(x2, shape)
    return reduce_sum((x1 / _norm_at_least(x1, axis, eps)) * (x2 / _norm_at_least(x2, axis, eps)), axis=axis)


@declare(functional=True)
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last axis, as PyTorch's."""
    x1, x2 = as_variable(x1), as_variable(x2)
    return norm(x1 - x2 + eps, ord=p, axis=-1, keepdims=keepdim)
