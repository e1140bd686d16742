"""Order statistics: sort, argsort, topk, median. The values are x gathered
at positions NumPy finds (take_along_axis), so the gradient goes back to
the elements that were picked; the positions themselves are not
differentiable."""
import numpy as np

from ..device import backend
from ..core import Variable, as_array
from ..core.ops import declare
from ._axes import axis_tuple, normalize_axis, shape_of
from .indexing import TakeAlongAxis
from .reduction import mean
from .shape import reshape, squeeze, transpose


def _data(x):
    return as_array(x)


def _descending_key(data):
    """An array whose ascending order is data's descending order."""
    if data.dtype.kind == "b":
        return ~data
    if data.dtype.kind == "u":
        return np.iinfo(data.dtype).max - data
    return -data


def _order(data, axis, descending):
    """Stable argsort along axis, largest first when descending."""
    return np.argsort(_descending_key(data) if descending else data, axis=axis, kind="stable")


def _prepare(op, x, axis):
    """(x, axis, shape of the result) with axis None meaning x flattened; a
    0-d x (axis 0 or -1, as PyTorch's) is sorted as one element along axis
    0 and its result shaped back to ()."""
    if axis is None:
        return reshape(x, (-1,)), 0, None
    shape = shape_of(x)
    axis = normalize_axis(op, axis, max(len(shape), 1))
    return (x, axis, None) if shape else (reshape(x, (1,)), axis, ())


def _shaped(y, shape):
    return y if shape is None else reshape(y, shape)


@declare(numpy=np.sort)
def sort(x, axis=-1, descending=False):
    """x sorted along `axis` (None: x flattened), ascending unless
    descending=True; differentiable (the gradient follows each element back
    to where it came from). Ties keep their order (a stable sort)."""
    x, axis, shape = _prepare("sort", x, axis)
    return _shaped(TakeAlongAxis(axis, _order(_data(x), axis, descending), unique=True)(x), shape)


@declare()
def argsort(x, axis=-1, descending=False):
    """The indices that sort x along `axis` (None: x flattened), int64, a
    stable sort; not differentiable."""
    x, axis, shape = _prepare("argsort", x, axis)
    return _shaped(Variable(_order(_data(x), axis, descending).astype(np.int64), requires_grad=False), shape)


@declare()
def topk(x, k, axis=-1, largest=True):
    """The k largest (or smallest, largest=False) elements along `axis`,
    sorted, as torch.topk: a pair (values, indices), values differentiable,
    indices an int64 Variable."""
    x, axis, shape = _prepare("topk", x, axis)
    data = _data(x)
    n = data.shape[axis]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise ValueError(f"topk: k={k!r} is out of range for axis {axis} of size {n} (shape "
                         f"{shape_of(x) if shape is None else shape}); expected 0 <= k <= {n}")
    key = _descending_key(data) if largest else data
    first_k = backend.get_array_module(key).arange(k)
    if 0 < k < n:  # partition first: only the k picked are sorted
        part = np.take(np.argpartition(key, k - 1, axis=axis), first_k, axis=axis)
        order = np.argsort(np.take_along_axis(key, part, axis), axis=axis, kind="stable")
        index = np.take_along_axis(part, order, axis)
    else:
        index = np.take(np.argsort(key, axis=axis, kind="stable"), first_k, axis=axis)
    if shape is not None and k == 0:  # of a 0-d x: no element, as PyTorch's (shape (0,))
        shape = None
    values = TakeAlongAxis(axis, index, unique=True)(x)
    return _shaped(values, shape), _shaped(Variable(index.astype(np.int64), requires_grad=False), shape)


@declare(numpy=np.median)
def median(x, axis=None, keepdims=False):
    """The median along `axis` (None: all elements; a tuple: those axes
    together), as np.median: for an even count it is the mean of the two
    middle values (PyTorch's median takes the lower one instead); each gets
    half the gradient."""
    shape = shape_of(x)
    ndim = len(shape)
    axes = tuple(range(ndim)) if axis is None else axis_tuple("median", axis, ndim)
    rest = [d for d in range(ndim) if d not in axes]
    n = int(np.prod([shape[d] for d in axes]))
    if n == 0:
        raise ValueError(f"median: cannot take the median of no elements (shape {shape}, axis {axis})")
    if len(axes) != 1 or ndim == 0:  # gather the reduced axes into one, last
        moved = transpose(x, rest + list(axes)) if rest + list(axes) != list(range(ndim)) else x
        x, a = reshape(moved, tuple(shape[d] for d in rest) + (n,)), len(rest)
    else:
        a = axes[0]
    middle = sorted({(n - 1) // 2, n // 2})
    index = np.take(np.argpartition(_data(x), middle, axis=a), middle, axis=a)
    picked = TakeAlongAxis(a, index, unique=True)(x)
    y = mean(picked, a) if len(middle) == 2 else squeeze(picked, a)
    if keepdims:
        y = reshape(y, tuple(1 if d in axes else m for d, m in enumerate(shape)))
    return y
