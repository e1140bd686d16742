"""Differences and integrals along an axis, as NumPy's: diff (the n-th
finite difference) and trapezoid (the trapezoidal rule). Both are built
from slices, subtraction and sums, so their gradients come free."""
import numpy as np

from ..device import backend
from ..core import as_array
from ..core.ops import declare
from ._axes import normalize_axis, shape_of
from .reduction import sum
from .shape import broadcast_to, concat, get_item, pad, reshape


def _along(axis, ndim, part):
    """An index taking `part` (a slice) along `axis` and everything elsewhere."""
    return (slice(None),) * axis + (part,) + (slice(None),) * (ndim - axis - 1)


def _edge(value, shape, axis, like):
    """A prepend/append value for diff: a number (or 0-d) spread to `shape`
    with size 1 along axis, as NumPy does, on the device of `like` (a's
    data); an array as it is."""
    if len(shape_of(value)) == 0:
        if not hasattr(value, "creator"):
            value = backend.get_array_module(like).asarray(value)
        return broadcast_to(value, shape[:axis] + (1,) + shape[axis + 1:])
    return value


@declare(numpy=np.diff)
def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The n-th difference along `axis`, as np.diff: out[i] = a[i + 1] - a[i],
    applied n times (the axis gets n shorter); `prepend`/`append` (numbers
    or arrays) are joined to a along the axis first."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"diff: the order n={n!r} must be a non-negative int")
    shape = shape_of(a)
    if len(shape) == 0:
        raise ValueError("diff: a is 0-d; expected at least 1 dimension")
    axis = normalize_axis("diff", axis, len(shape))
    if n == 0:
        return a
    if prepend is not None or append is not None:
        like = as_array(a)
        pieces = [_edge(prepend, shape, axis, like)] if prepend is not None else []
        pieces.append(a)
        if append is not None:
            pieces.append(_edge(append, shape, axis, like))
        a = concat(pieces, axis)
    later, earlier = _along(axis, len(shape), slice(1, None)), _along(axis, len(shape), slice(None, -1))
    for _ in range(n):
        a = get_item(a, later) - get_item(a, earlier)
    return a


@declare(numpy=np.trapezoid)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along `axis` by the trapezoidal rule, as
    np.trapezoid: the sum of (y[i + 1] + y[i]) / 2 * (x[i + 1] - x[i]), with
    the sample points x (1-D along the axis, or y's shape) or a spacing dx.
    Computed as sum(y * w) with each sample's weight w, half the widths of
    the intervals on either side of it: one product and one sum."""
    shape = shape_of(y)
    if len(shape) == 0:
        raise ValueError("trapezoid: y is 0-d; expected at least 1 dimension")
    axis = normalize_axis("trapezoid", axis, len(shape))
    n = shape[axis]
    along = (1,) * axis + (-1,) + (1,) * (len(shape) - axis - 1)
    if x is None:
        data = as_array(y)   # the weights in y's dtype: float32 stays float32
        weights = backend.get_array_module(data).full(n, dx, dtype=np.result_type(data.dtype, float(dx)))
        weights[[0, -1]] = dx / 2 if n > 1 else 0.0
        return sum(y * reshape(weights, along), axis)
    if len(shape_of(x)) == 1:
        if shape_of(x)[0] != n:
            raise ValueError(f"trapezoid: x of shape {shape_of(x)} does not fit y of shape {shape} along axis "
                             f"{axis}; expected {n} sample points")
        x, x_axis = reshape(x, along), axis
    else:
        x_axis = normalize_axis("trapezoid", axis, len(shape_of(x)))
    widths = diff(x, axis=x_axis)
    before = [(0, 0)] * len(widths.shape)
    after = list(before)
    before[x_axis], after[x_axis] = (1, 0), (0, 1)
    return sum(y * ((pad(widths, before) + pad(widths, after)) * 0.5), axis)
