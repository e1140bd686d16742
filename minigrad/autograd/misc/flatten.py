"""`flatten(value)`: a nested structure of arrays as one flat vector, and
the function that puts a vector back into that structure (HIPS autograd's
`autograd.misc.flatten`).

Lists, tuples and dicts nest in any way; dicts are read in sorted key
order. Both directions are differentiable when given Variables, so an
objective may take the flat vector: `objective(unflatten(v))`.
"""
import numpy as np

from ... import functions as F
from ...core import Variable
from .. import tree


def flatten(value):
    """(the leaves of `value` raveled and joined in one 1-D vector, unflatten)."""
    leaves = tree.leaves(value, sort_keys=True)
    shapes = [np.shape(leaf) for leaf in leaves]
    if any(isinstance(leaf, Variable) for leaf in leaves):
        vector = F.concat([F.reshape(leaf, (-1,)) for leaf in leaves])
    else:
        vector = np.concatenate([np.ravel(leaf) for leaf in leaves]) if leaves else np.array([])

    def unflatten(vector):
        """`vector`'s pieces, shaped and nested as the flattened value."""
        sizes = [int(np.prod(shape)) for shape in shapes]
        if np.shape(vector) != (sum(sizes),):
            raise ValueError(f"unflatten: expected a vector of shape ({sum(sizes)},), "
                             f"got shape {np.shape(vector)}")
        ends = np.cumsum(sizes)
        pieces = [vector[end - size:end].reshape(shape) for size, end, shape in zip(sizes, ends, shapes)]
        return tree.rebuild(value, pieces, sort_keys=True)

    return vector, unflatten
