"""Indexing along an axis: take_along_axis (NumPy's) and gather (PyTorch's),
their adjoints scatter_add and index_add, masked_fill, and the triangle and
diagonal ops (tril, triu, diag, diagonal, trace).

One pair of Functions does the work: `TakeAlongAxis` reads elements at
indices along an axis, `PutAlongAxis` adds values into zeros at indices
along an axis. Each is the other's backward, so both differentiate to any
order. Repeated indices add up (np.add.at), never overwrite.
"""
import numpy as np

from ..device import backend
from ..core import Function, Variable
from ..core.ops import declare
from ._axes import normalize_axis, shape_of
from .math import where
from .shape import GetItem, GetItemGrad, get_item, pad, reshape, transpose


def index_array(op, index, name="index"):
    """`index` (an ndarray, a list or a Variable) as an integer ndarray."""
    index = backend.asarray(index.data if isinstance(index, Variable) else index)
    if index.dtype.kind not in "iu" and index.size:
        raise TypeError(f"{op}: {name} must hold integers, got dtype {index.dtype}")
    return index.astype(np.intp, copy=False)


def _along(index, axis, shape):
    """The full index tuple into an array of `shape` that places `index`
    on `axis` and ranges over every other axis; an axis of length 1 in
    `shape` where index is longer was broadcast, so all its entries go to 0."""
    ndim = index.ndim
    full = []
    for d in range(ndim):
        if d == axis:
            full.append(index)
        else:
            n = index.shape[d] if shape[d] == index.shape[d] else 1
            positions = backend.get_array_module(index).arange(n)
            full.append(positions.reshape([-1 if e == d else 1 for e in range(ndim)]))
    return tuple(full)


class TakeAlongAxis(Function):
    """y = np.take_along_axis(x, indices, axis).
    gx = zeros like x with gy added at the indices (PutAlongAxis)."""
    __slots__ = ("axis", "indices", "unique", "x_shape")

    def __init__(self, axis, indices, unique=False):
        self.axis = axis
        self.indices = indices
        self.unique = unique  # every index along the axis distinct: assign instead of add

    def forward(self, x):
        self.x_shape = x.shape
        if type(x) is not np.ndarray:
            self.indices = backend.index_like(self.indices, x)
        return np.take_along_axis(x, self.indices, self.axis)

    saves_for_backward = ()

    def backward(self, gy):
        return PutAlongAxis(self.axis, self.indices, self.x_shape, self.unique)(gy)

    def settings(self):
        return {"axis": self.axis}


class PutAlongAxis(Function):
    """y = zeros(shape) with v added at `indices` along `axis` (repeated
    indices add up).   gv = take_along_axis(gy, indices, axis)"""
    __slots__ = ("axis", "indices", "shape", "unique")

    def __init__(self, axis, indices, shape, unique=False):
        self.axis = axis
        self.indices = indices
        self.shape = shape
        self.unique = unique

    def forward(self, v):
        if type(v) is not np.ndarray:
            self.indices = backend.index_like(self.indices, v)
        y = backend.get_array_module(v).zeros(self.shape, dtype=v.dtype)
        indices = np.broadcast_to(self.indices, v.shape)
        if self.unique:
            np.put_along_axis(y, indices, v, self.axis)
        else:
            backend.add_at(y, _along(indices, self.axis, self.shape), v)
        return y

    saves_for_backward = ()

    def backward(self, gy):
        return TakeAlongAxis(self.axis, self.indices, self.unique)(gy)

    def settings(self):
        return {"axis": self.axis, "shape": self.shape}


def _check_range(op, index, n, axis, shape):
    if index.size and (index.min() < -n or index.max() >= n):
        raise IndexError(f"{op}: index out of range: values from {index.min()} to {index.max()} "
                         f"for axis {axis} of size {n} (shape {shape}); expected -{n} <= index < {n}")


@declare(TakeAlongAxis, numpy=np.take_along_axis, torch="take_along_dim")
def take_along_axis(x, indices, axis):
    """np.take_along_axis(x, indices, axis): y[..., i, ...] = x[...,
    indices[..., i, ...], ...]; indices has x's number of dimensions and
    broadcasts with x on the other axes. Negative indices count from the end."""
    shape = shape_of(x)
    indices = index_array("take_along_axis", indices, "indices")
    if indices.ndim != len(shape):
        raise ValueError(f"take_along_axis: indices of shape {indices.shape} and x of shape {shape} "
                         "must have the same number of dimensions")
    axis = normalize_axis("take_along_axis", axis, len(shape))
    _check_range("take_along_axis", indices, shape[axis], axis, shape)
    return TakeAlongAxis(axis, indices % max(shape[axis], 1))(x)


def _torch_index(op, shape, axis, index, other=None):
    """PyTorch's rules for gather/scatter_add: index has x's number of
    dimensions, is no larger than `other` (x, or src) on the other axes,
    and holds values in [0, n) for the axis of length n."""
    index = index_array(op, index)
    ndim = len(shape)
    if index.ndim != ndim:
        raise ValueError(f"{op}: index of shape {index.shape} must have as many dimensions as x "
                         f"of shape {shape}")
    axis = normalize_axis(op, axis, max(ndim, 1))
    for d, (i, n) in enumerate(zip(index.shape, shape)):
        if d != axis and i > n:
            raise ValueError(f"{op}: index of shape {index.shape} is larger than x of shape {shape} "
                             f"along axis {d}; expected index.shape[d] <= x.shape[d] for d != {axis}")
    for d, (i, n) in enumerate(zip(index.shape, other or ())):
        if i > n:
            raise ValueError(f"{op}: index of shape {index.shape} is larger than src of shape {other} "
                             f"along axis {d}")
    n = shape[axis] if ndim else 1  # a 0-d x: one element along axis 0 (or -1), as PyTorch's
    if index.size and (index.min() < 0 or index.max() >= n):
        raise IndexError(f"{op}: index values from {index.min()} to {index.max()} are out of range "
                         f"for axis {axis} of size {n} (shape {shape}); expected 0 <= index < {n}")
    return index, axis


def _crop(x, shape):
    """x[:shape[0], :shape[1], ...] (a no-op when the shapes agree)."""
    if tuple(shape_of(x)) == tuple(shape):
        return x
    return get_item(x, tuple(slice(0, n) for n in shape))


@declare(TakeAlongAxis, methods="gather", torch=True)
def gather(x, axis, index):
    """PyTorch's gather: y[i][j][k] = x[index[i][j][k]][j][k] for axis 0
    (and so on). index has x's number of dimensions and may be smaller than
    x on the other axes; y has index's shape."""
    shape = shape_of(x)
    index, axis = _torch_index("gather", shape, axis, index)
    if not shape:  # 0-d x and index: x itself, gathered as an array of one element
        return reshape(TakeAlongAxis(0, index.reshape(1))(reshape(x, (1,))), ())
    cropped = tuple(n if d == axis else i for d, (i, n) in enumerate(zip(index.shape, shape)))
    return TakeAlongAxis(axis, index)(_crop(x, cropped))


@declare(PutAlongAxis, torch=True)
def scatter_add(x, axis, index, src):
    """PyTorch's scatter_add: a copy of x with src[i][j][k] added at
    [index[i][j][k]][j][k] for axis 0 (and so on); repeated indices add up.
    Only src[:index.shape] is used. y has x's shape."""
    shape = shape_of(x)
    index, axis = _torch_index("scatter_add", shape, axis, index, shape_of(src))
    if not shape:  # 0-d x, index and src: as arrays of one element
        return reshape(scatter_add(reshape(x, (1,)), 0, index.reshape(1), reshape(src, (1,))), ())
    target = tuple(n if d == axis else i for d, (i, n) in enumerate(zip(index.shape, shape)))
    added = PutAlongAxis(axis, index, target)(_crop(src, index.shape))
    if target != tuple(shape):
        added = pad(added, [(0, n - t) for n, t in zip(shape, target)])
    return x + added


@declare(torch=True)
def index_add(x, axis, index, src):
    """PyTorch's index_add: a copy of x with src's slices added along
    `axis` at the positions in the 1-D `index` (y[..., index[i], ...] +=
    src[..., i, ...]); repeated indices add up."""
    shape = shape_of(x)
    src_shape = shape_of(src)
    index = index_array("index_add", index)
    axis = normalize_axis("index_add", axis, max(len(shape), 1))
    expected = shape[:axis] + (len(index),) + shape[axis + 1:] if index.ndim == 1 else None
    if expected is None or tuple(src_shape) != expected:
        raise ValueError(f"index_add: index of shape {index.shape} and src of shape {src_shape} do not fit "
                         f"x of shape {shape} along axis {axis}; expected a 1-D index and src of shape "
                         f"{expected if expected is not None else 'x.shape with len(index) on axis'}")
    _check_range("index_add", index, shape[axis], axis, shape)
    return x + GetItemGrad((slice(None),) * axis + (index,), tuple(shape))(src)


def _written(x, axis, index, counts=False):
    """An array of x's shape on x's device: True where `index` (along `axis`)
    writes, or (counts=True) how many times it writes there."""
    index = backend.to_host(index)
    written = np.zeros(shape_of(x), dtype=np.float64 if counts else bool)
    if counts:
        np.add.at(written, _along_axis_indices(index, axis), 1)
    else:
        written[_along_axis_indices(index, axis)] = True
    return backend.to_device(written, backend.device_of(x.data)) if hasattr(x, "data") else written


@declare(PutAlongAxis, torch=True)
def scatter(x, axis, index, src):
    """PyTorch's scatter: a copy of x with src written at `index` along
    `axis` (src a Variable, an array or a number); the gradient goes to src
    where written and to x elsewhere. Where index repeats a position, PyTorch
    keeps one of the values (which one is not defined); here they add up."""
    shape = shape_of(x)
    index_values, axis = _torch_index("scatter", shape, axis, index, shape_of(src))
    if not isinstance(src, Variable):   # an array or a number: constants of x's dtype at every index
        src = np.broadcast_to(np.asarray(src, dtype=x.dtype), index_values.shape)
    written = _written(x, axis, index_values)
    placed = scatter_add(x * 0, axis, index_values, src)
    return where(written, placed, x)


SCATTER_REDUCTIONS = ("sum", "mean")


@declare(PutAlongAxis, torch=True)
def scatter_reduce(x, axis, index, src, reduce, include_self=True):
    """PyTorch's scatter_reduce with reduce "sum" or "mean": the values of
    src sent to each position of x along `axis` (by `index`) are summed (or
    averaged), together with x's own value unless include_self=False;
    positions no index names keep x. Differentiable in x and src.
    ("prod", "amax" and "amin" raise: write them with scatter_add of logs, or
    loop over the positions.)"""
    if reduce not in SCATTER_REDUCTIONS:
        raise NotImplementedError(
            f"scatter_reduce: reduce={reduce!r} is not supported; expected one of {SCATTER_REDUCTIONS} "
            "(prod, amax and amin are not differentiable here yet)")
    shape = shape_of(x)
    index_values, axis = _torch_index("scatter_reduce", shape, axis, index, shape_of(src))
    written = _written(x, axis, index_values)
    base = x if include_self else where(written, x * 0, x)
    total = scatter_add(base, axis, index_values, src)
    if reduce == "sum":
        return total
    counts = _written(x, axis, index_values, counts=True) + (1 if include_self else 0)
    xp = backend.get_array_module(counts)
    return where(written, total / xp.where(written, counts, 1).astype(x.dtype), x)


def _along_axis_indices(index, axis):
    """The full fancy index that `index` along `axis` means (for np.add.at)."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[axis] = index
    return tuple(grids)


@declare(GetItem, torch=True, methods="masked_select")
def masked_select(x, mask):
    """PyTorch's masked_select: the elements of x where `mask` (broadcast
    to x's shape) is True, as a 1-d Variable; the gradient goes back to them."""
    mask = np.broadcast_to(np.asarray(getattr(mask, "data", mask), dtype=bool), shape_of(x))
    return get_item(x, mask)


@declare()
def nonzero(x):
    """NumPy's nonzero: the indices of x's nonzero elements, a tuple of one
    1-d int64 Variable per axis (no gradient). PyTorch's torch.nonzero(x) /
    x.nonzero(), one row per element, is minigrad.nonzero."""
    return tuple(Variable(i.astype(np.int64), requires_grad=False)
                 for i in np.nonzero(getattr(x, "data", x)))


class MaskedFill(Function):
    """y = value where mask, else x (value a constant).   gx = 0 where mask,
    else gy: the same op with value 0. One op each way, where `where`
    would also form a gradient for the constant."""
    __slots__ = ("mask", "value")

    def __init__(self, mask, value):
        self.mask = mask
        self.value = value

    def forward(self, x):
        if type(x) is not np.ndarray:
            self.mask = backend.to_device(self.mask, backend.device_of(x))
        return np.where(self.mask, backend.get_array_module(x).asarray(self.value, dtype=x.dtype), x)

    saves_for_backward = ()

    def backward(self, gy):
        return MaskedFill(self.mask, 0)(gy)

    def settings(self):
        return {"value": self.value}


@declare(MaskedFill, methods="masked_fill", torch=True)
def masked_fill(x, mask, value):
    """x with `value` where the boolean `mask` (broadcasting to x's shape)
    is true. value may be a number or a 0-d Variable (then it gets the
    gradient summed over the filled places)."""
    shape = shape_of(x)
    mask = backend.asarray(mask.data if isinstance(mask, Variable) else mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: mask must be boolean, got dtype {mask.dtype}")
    try:
        if np.broadcast_shapes(mask.shape, shape) != tuple(shape):
            raise ValueError
    except ValueError:
        raise ValueError(f"masked_fill: mask of shape {mask.shape} does not broadcast to x of shape "
                         f"{shape}") from None
    if shape_of(value) != ():
        raise ValueError(f"masked_fill: value must be a number or 0-d, got shape {shape_of(value)}")
    if isinstance(value, Variable) and value.requires_grad:
        return where(mask, value, x)  # value gets the gradient summed over the filled places
    return MaskedFill(mask, value.data if isinstance(value, Variable) else value)(x)


# -- triangles and diagonals -----------------------------------------------------

def _matrix_shape(op, x, k):
    shape = shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"{op}: expected an array of at least 2 dimensions (a matrix or a batch of "
                         f"them), got shape {shape}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{op}: k (the diagonal offset) must be an int, got {k!r}")
    return shape


@declare(numpy=np.tril)
def tril(x, k=0):
    """The lower triangle of the last two axes (elements with j - i <= k),
    zeros above, as np.tril."""
    shape = _matrix_shape("tril", x, k)
    return where(np.tri(shape[-2], shape[-1], k, dtype=bool), x, np.zeros((), _dtype(x)))


@declare(numpy=np.triu)
def triu(x, k=0):
    """The upper triangle of the last two axes (elements with j - i >= k),
    zeros below, as np.triu."""
    shape = _matrix_shape("triu", x, k)
    return where(np.tri(shape[-2], shape[-1], k - 1, dtype=bool), np.zeros((), _dtype(x)), x)


def _dtype(x):
    return x.dtype if isinstance(x, Variable) else backend.asarray(x).dtype


def _diagonal_index(rows, cols, offset):
    """Row and column indices of the diagonal `offset` of a rows x cols matrix."""
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = np.arange(n)
    return i - min(offset, 0), i + max(offset, 0)


@declare(numpy=np.diagonal, torch=True)
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal `offset` of the matrices on axes (axis1, axis2), as
    np.diagonal: those axes removed, the diagonal appended as the last axis."""
    shape = shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"diagonal: expected at least 2 dimensions, got shape {shape}")
    a1 = normalize_axis("diagonal", axis1, len(shape))
    a2 = normalize_axis("diagonal", axis2, len(shape))
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    rest = [d for d in range(len(shape)) if d not in (a1, a2)]
    rows, cols = _diagonal_index(shape[a1], shape[a2], offset)
    moved = transpose(x, rest + [a1, a2]) if rest + [a1, a2] != list(range(len(shape))) else x
    return get_item(moved, (Ellipsis, rows, cols))


@declare(numpy=np.diag, torch=True)
def diag(x, k=0):
    """As np.diag: a 1-D x gives the 2-D matrix with x on its diagonal k;
    a 2-D x gives its diagonal k (1-D)."""
    shape = shape_of(x)
    if len(shape) == 2:
        return diagonal(x, k)
    if len(shape) != 1:
        raise ValueError(f"diag: expected a 1-D or 2-D array, got shape {shape}")
    n = shape[0] + abs(k)
    return GetItemGrad(_diagonal_index(n, n, k), (n, n))(x)


@declare(numpy=np.trace, torch=True)
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum along the diagonal `offset` of axes (axis1, axis2), as np.trace."""
    if len(shape_of(x)) < 2:
        raise ValueError(f"trace: expected at least 2 dimensions, got shape {shape_of(x)}")
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)



@declare(GetItem, functional=True)
def embedding(indices, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """The rows of `weight` (num_embeddings, dim) at integer `indices` (any
    shape): shape indices.shape + (dim,), as PyTorch's F.embedding. The
    gradient adds up into the rows looked up, except the row padding_idx
    (negative counts from the end), which gets none. `sparse` changes only
    how PyTorch stores the gradient, so it is accepted; `max_norm` (which
    renormalises weight in place) and `scale_grad_by_freq` raise."""
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError("embedding: max_norm= and scale_grad_by_freq= are not supported; "
                                  "renormalise weight under `with mg.no_grad():` before the lookup instead")
    index = backend.asarray(indices.data if isinstance(indices, Variable) else indices)
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {index.dtype}")
    n = shape_of(weight)[0] if len(shape_of(weight)) == 2 else None
    if n is None:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape "
                         f"{shape_of(weight)}")
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"embedding: index {bad} is out of range for {n} embeddings; "
                         f"expected 0 <= index < {n}")
    rows = get_item(weight, index)
    if padding_idx is None:
        return rows
    if not -n <= padding_idx < n:
        raise ValueError(f"embedding: padding_idx={padding_idx} is out of range for {n} embeddings; "
                         f"expected {-n} <= padding_idx < {n}")
    # The padding row's value, as a constant: no gradient reaches it.
    row = weight.data[padding_idx % n] if isinstance(weight, Variable) else backend.asarray(weight)[padding_idx]
    return where((index == padding_idx % n)[..., None], row, rows)
