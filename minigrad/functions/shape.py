"""Ops that move elements around without changing them: reshape, transpose,
broadcasting and its inverse `sum_to`, indexing. Their backward passes move
the gradient back the same way."""
import itertools

import numpy as np

from ..device import backend
from ..core import Function, Variable
from ..core.ops import declare
from ._axes import axis_tuple, normalize_axis, shape_of


class Reshape(Function):
    """y = x viewed with another shape.   gx = gy reshaped back."""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape an array of shape {x.shape} ({x.size} elements) "
                f"into shape {tuple(self.shape)}") from None

    saves_for_backward = ()

    def backward(self, gy):
        return reshape(gy, self.x_shape)

    def settings(self):
        return {"shape": tuple(self.shape)}


class Transpose(Function):
    """y = x with its axes permuted.   gx = gy permuted back."""
    __slots__ = ("axes",)

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        if self.axes is not None:
            axes = tuple(self.axes)
            if sorted(a % x.ndim if x.ndim else a for a in axes) != list(range(x.ndim)):
                raise ValueError(
                    f"transpose: axes {axes} are not a permutation of the {x.ndim} axes "
                    f"of an array of shape {x.shape}")
        return np.transpose(x, self.axes)

    saves_for_backward = ()

    def backward(self, gy):
        if self.axes is None:
            return transpose(gy)
        ndim = len(self.axes)
        inverse = np.argsort([a % ndim for a in self.axes])
        return transpose(gy, tuple(int(a) for a in inverse))

    def settings(self):
        return {"axes": self.axes}


class BroadcastTo(Function):
    """y = x repeated along broadcast axes.   gx = sum_to(gy, x.shape)"""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        try:
            return np.broadcast_to(x, self.shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {self.shape}") from None

    saves_for_backward = ()

    def backward(self, gy):
        return sum_to(gy, self.x_shape)

    def settings(self):
        return {"shape": self.shape}


def sum_to_axes(x_shape, shape):
    """(The axes to sum, how many leading axes of them go) to bring x_shape
    to shape; None where shape does not broadcast to x_shape."""
    lead = len(x_shape) - len(shape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, n in enumerate(shape):
        if n == x_shape[lead + i]:
            continue
        if n != 1:
            return None
        axes.append(lead + i)
    return tuple(axes), lead


class SumTo(Function):
    """y = x summed over the axes that broadcasting to x.shape added:
    the inverse of broadcast_to.   gx = broadcast_to(gy, x.shape)"""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        plan = sum_to_axes(x.shape, self.shape)
        if plan is None:
            raise ValueError(
                f"sum_to: cannot sum shape {x.shape} down to {self.shape}; expected a shape "
                f"that broadcasts to {x.shape}")
        axes, lead = plan
        if not axes:
            return x
        y = x.sum(axis=axes)   # an array of its own; reshaped (a view) only to keep 1-axes
        return y if y.shape == self.shape else y.reshape(self.shape)

    saves_for_backward = ()

    def backward(self, gy):
        return broadcast_to(gy, self.x_shape)

    def settings(self):
        return {"shape": self.shape}


def _is_advanced(index):
    parts = index if isinstance(index, tuple) else (index,)
    # Lists and arrays (NumPy's or a device's); ints, slices, None, Ellipsis are basic.
    return any(isinstance(p, list) or (hasattr(p, "ndim") and not isinstance(p, np.generic))
               for p in parts)


def _plain_index(index):
    """Variables inside an index become their data."""
    if isinstance(index, Variable):
        return index.data
    if isinstance(index, tuple):
        return tuple(p.data if isinstance(p, Variable) else p for p in index)
    return index


class GetItem(Function):
    """y = x[index] (basic, slice or integer-array indexing).
    gx = zeros like x with gy added at `index`."""
    __slots__ = ("index", "x_shape")

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.x_shape = x.shape
        if type(x) is not np.ndarray:
            self.index = backend.index_like(self.index, x)
        try:
            y = x[self.index]
        except IndexError as e:
            raise IndexError(f"get_item: index {self.index!r} is invalid for shape {x.shape}: {e}") from None
        return y

    saves_for_backward = ()

    def backward(self, gy):
        return GetItemGrad(self.index, self.x_shape)(gy)

    def settings(self):
        return {"index": self.index}


def _one_axis_index(index):
    """(axis, positions) when `index` picks along one axis with a 1-D
    integer array, every other entry a full slice (x[:, [2, 0, 2]]), else None."""
    parts = index if isinstance(index, tuple) else (index,)
    found = None
    for axis, part in enumerate(parts):
        if isinstance(part, slice) and part == slice(None):
            continue
        if found is not None or not isinstance(part, (list, np.ndarray)):
            return None
        positions = np.asarray(part)
        if positions.ndim != 1 or positions.dtype.kind not in "iu":
            return None
        found = (axis, positions)
    return found


def add_along_axis(out, axis, positions, values, rounds=8):
    """out[(:,) * axis + (positions,)] += values, where repeated positions
    add up. np.add.at does that but is several times slower than a plain
    fancy-index add, which is right whenever the positions are distinct:
    so add the first occurrence of each position at once, then the
    repeats that remain, round by round (np.add.at after `rounds`)."""
    lead = (slice(None),) * axis
    positions = positions % out.shape[axis]  # -1 and n - 1 are one position
    for _ in range(rounds):
        if positions.size == 0:
            return
        distinct, first = np.unique(positions, return_index=True)
        out[lead + (distinct,)] += np.take(values, first, axis=axis)
        if len(first) == len(positions):
            return
        rest = np.ones(len(positions), dtype=bool)
        rest[first] = False
        positions = positions[rest]
        values = np.compress(rest, values, axis=axis)
    np.add.at(out, lead + (positions,), values)


class GetItemGrad(Function):
    """y = zeros(x_shape) with gy scattered (added) at `index`: the backward
    of get_item. Its own backward gathers again: ggy = ggx[index]."""
    __slots__ = ("index", "x_shape")

    def __init__(self, index, x_shape):
        self.index = index
        self.x_shape = x_shape

    def forward(self, gy):
        if type(gy) is not np.ndarray:  # on a device: its index arrays there, and no host-side tricks
            self.index = backend.index_like(self.index, gy)
        gx = backend.get_array_module(gy).zeros(self.x_shape, dtype=gy.dtype)
        along = _one_axis_index(self.index)
        if along is not None:
            add_along_axis(gx, along[0], along[1], gy)
        elif _is_advanced(self.index):
            backend.add_at(gx, self.index, gy)  # repeated indices must add up
        else:
            gx[self.index] = gy
        return gx

    saves_for_backward = ()

    def backward(self, ggx):
        return get_item(ggx, self.index)

    def settings(self):
        return {"index": self.index}


@declare(Reshape, numpy=np.reshape, torch=True)
def reshape(x, shape):
    """x with a new shape (one entry may be -1)."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return Reshape(shape)(x)


@declare(Transpose, numpy=np.transpose)
def transpose(x, axes=None):
    """x with axes permuted (reversed when axes is None)."""
    return Transpose(None if axes is None else tuple(axes))(x)


@declare(BroadcastTo, numpy=np.broadcast_to, methods="broadcast_to", torch=True)
def broadcast_to(x, shape):
    """x broadcast to `shape` as np.broadcast_to (a differentiable copy)."""
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return BroadcastTo(shape)(x)


@declare(SumTo)
def sum_to(x, shape):
    """x summed down to `shape` (the inverse of broadcasting to x.shape).

    Examples
    --------
    >>> import numpy as np
    >>> import minigrad as mg
    >>> import minigrad.functions as F
    >>> F.sum_to(mg.Variable(np.ones((2, 3))), (1, 3))
    Variable([[2., 2., 2.]], dtype=float64, creator=SumTo)
    """
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return SumTo(shape)(x)


@declare(GetItem)
def get_item(x, index):
    """x[index]: integers, slices, None, Ellipsis, integer or boolean arrays."""
    return GetItem(_plain_index(index))(x)


class IndexPut(Function):
    """y = x with y[index] = v (v broadcast to x[index], cast to x's dtype).
    gx = gy with gy[index] = 0;   gv = gy[index] summed to v's shape."""
    __slots__ = ("index", "v_shape")

    def __init__(self, index):
        self.index = index

    def forward(self, x, v):
        self.v_shape = v.shape
        y = x.copy()
        try:
            y[self.index] = v
        except (IndexError, ValueError) as e:
            raise type(e)(f"index_put: cannot write a value of shape {v.shape} at index {self.index!r} "
                          f"of a Variable of shape {x.shape}: {e}") from None
        return y

    saves_for_backward = ()

    def backward(self, gy):
        x, v = self.inputs
        gx = IndexPut(self.index)(gy, backend.get_array_module(gy.data).zeros((), dtype=gy.dtype)) if self.needs_grad(0) else None
        gv = None
        if self.needs_grad(1):
            gv = sum_to(get_item(gy, self.index), self.v_shape)
            gv = gv if gv.dtype == v.dtype else gv.astype(v.dtype)
        return gx, gv


@declare(IndexPut)
def index_put(x, index, value):
    """x with x[index] replaced by `value`, out of place and differentiable:
    what `x[index] = value` records while the graph is recorded
    (core/inplace.py)."""
    return IndexPut(_plain_index(index))(x, value)


@declare(Reshape, numpy=np.expand_dims, methods=("expand_dims", "unsqueeze"))
def expand_dims(x, axis):
    """x with new axes of size 1 inserted at `axis` (an int or a tuple), as
    np.expand_dims. A reshape."""
    shape = shape_of(x)
    out_ndim = len(shape) + (1 if np.ndim(axis) == 0 else len(axis))
    for a in np.atleast_1d(axis):
        if not -out_ndim <= a < out_ndim:
            raise np.exceptions.AxisError(f"expand_dims: axis {a} is out of range for an array of shape "
                                          f"{shape}; expected -{out_ndim} <= axis < {out_ndim}")
    return reshape(x, with_new_axes(shape, axis_tuple("expand_dims", axis, out_ndim)))


def with_new_axes(shape, axes):
    """`shape` with a 1 inserted at each of `axes` (non-negative axes of the
    result), as np.expand_dims."""
    rest = iter(shape)
    return tuple(1 if i in axes else next(rest) for i in range(len(shape) + len(axes)))


@declare(Reshape, numpy=np.squeeze, methods="squeeze", torch=True)
def squeeze(x, axis=None):
    """x without its axes of size 1 (only those in `axis`, if given), as
    np.squeeze. A reshape."""
    shape = shape_of(x)
    if axis is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axes = axis_tuple("squeeze", axis, len(shape))
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {a} of an array of shape {shape}: "
                    f"its size is {shape[a]}, expected 1")
    return reshape(x, tuple(n for i, n in enumerate(shape) if i not in axes))


@declare(Reshape, numpy=np.ravel, methods="ravel")
def ravel(x, order="C"):
    """x as one axis, as np.ravel (row-major order only). A reshape."""
    if order != "C":
        raise ValueError(f"ravel: order={order!r} is not supported; expected 'C' (row-major), or transpose x first")
    return reshape(x, (-1,))


@declare(Reshape)
def flatten(x, start_dim=1, end_dim=-1):
    """x with axes start_dim..end_dim (inclusive) merged into one, as
    torch.flatten: (N, C, H, W) -> (N, C*H*W) by default. A 0-d x becomes
    shape (1,). A reshape."""
    shape = shape_of(x)
    if len(shape) == 0:
        return reshape(x, (1,))
    start = normalize_axis("flatten", start_dim, len(shape))
    end = normalize_axis("flatten", end_dim, len(shape))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                         f"for an array of shape {shape}")
    merged = int(np.prod(shape[start:end + 1]))
    return reshape(x, shape[:start] + (merged,) + shape[end + 1:])


class Concat(Function):
    """y = the inputs joined along `axis`, each first given new axes of size
    1 at `expand[i]` when `expand` is given (as np.expand_dims: vstack's
    (n,) -> (1, n), stack's new axis).   gx_i = the i-th piece of gy (split),
    reshaped back to x_i's shape"""
    __slots__ = ("axis", "expand", "indices", "x_shapes")

    def __init__(self, axis, expand=None):
        self.axis = axis
        self.expand = expand

    def forward(self, *xs):
        if self.expand is not None:
            self.x_shapes = [x.shape for x in xs]
            xs = [x.reshape(with_new_axes(x.shape, axes)) if axes else x for x, axes in zip(xs, self.expand)]
        first = xs[0].shape
        if len(first) == 0:
            raise ValueError("concat: cannot join 0-d arrays; expected arrays with at least one axis")
        axis = self.axis = normalize_axis("concat", self.axis, len(first))
        others = first[:axis] + first[axis + 1:]   # the sizes every input must share
        for x in xs[1:]:
            if len(x.shape) != len(first) or x.shape[:axis] + x.shape[axis + 1:] != others:
                raise ValueError(
                    f"concat: shapes {first} and {x.shape} do not match; expected the same shape "
                    f"except along axis {axis}")
        self.indices = list(itertools.accumulate(x.shape[axis] for x in xs[:-1]))
        return np.concatenate(xs, axis=axis)

    saves_for_backward = ()

    def backward(self, gy):
        gxs = Split(self.indices, self.axis)(gy)
        if self.expand is not None:
            gxs = [reshape(g, shape) for g, shape in zip(gxs, self.x_shapes)]
        return tuple(gxs)

    def settings(self):
        return {"axis": self.axis} if self.expand is None else {"axis": self.axis, "expand": self.expand}


class Split(Function):
    """ys = x cut along `axis` before each of `indices` (non-decreasing).
    gx = the gys joined again (zeros for a piece that got no gradient)."""
    __slots__ = ("indices", "axis", "shapes")

    def __init__(self, indices, axis):
        self.indices = indices
        self.axis = axis

    def forward(self, x):
        axis = self.axis = normalize_axis("split", self.axis, x.ndim)
        lead = (slice(None),) * axis
        cuts = [0, *self.indices, x.shape[axis]]
        ys = tuple(x[(*lead, slice(a, b))] for a, b in zip(cuts, cuts[1:]))  # views, as np.split's
        self.shapes = [y.shape for y in ys]
        return ys

    def backward(self, *gys):
        if any(g is None for g in gys):
            given = next(g.data for g in gys if g is not None)
            xp = backend.get_array_module(given)
            gys = [Variable(xp.zeros(s, dtype=given.dtype)) if g is None else g for g, s in zip(gys, self.shapes)]
        return Concat(self.axis)(*gys)

    def settings(self):
        return {"indices": self.indices, "axis": self.axis}


@declare(Concat, numpy=np.concatenate, torch=("cat", "concat"))
def concat(xs, axis=0):
    """The arrays in `xs` joined along an existing `axis`, as np.concatenate."""
    xs = list(xs)
    if not xs:
        raise ValueError("concat: expected at least one array, got none")
    return Concat(axis)(*xs)


@declare(Concat, numpy=np.stack, torch=True)
def stack(xs, axis=0):
    """The arrays in `xs` (all of one shape) joined along a new `axis`, as
    np.stack: one Concat that gives each its new axis first."""
    xs = list(xs)
    if not xs:
        raise ValueError("stack: expected at least one array, got none")
    shapes = [shape_of(x) for x in xs]
    for s in shapes[1:]:
        if s != shapes[0]:
            raise ValueError(f"stack: all arrays must have the same shape, got {shapes[0]} and {s}")
    axis = normalize_axis("stack", axis, len(shapes[0]) + 1)
    return Concat(axis, [(axis,)] * len(xs))(*xs)


@declare(Split, numpy=np.split)
def split(x, sections, axis=0):
    """x cut along `axis` into a list of Variables, as np.split: `sections`
    is a number of equal parts, or the (non-decreasing) indices to cut at."""
    shape = shape_of(x)
    a = normalize_axis("split", axis, len(shape))
    n = shape[a]
    if isinstance(sections, (int, np.integer)):
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: cannot split axis {a} of size {n} (shape {shape}) into {sections} equal parts")
        indices = [n // sections * i for i in range(1, sections)]
    else:
        # Python slicing rules for each cut, then cuts must not go backwards,
        # so the pieces tile x and their gradients concat back to its shape.
        indices = [min(max(int(i) + n if i < 0 else int(i), 0), n) for i in sections]
        if indices != sorted(indices):
            raise ValueError(f"split: indices {list(sections)} must be non-decreasing (axis {a} of size {n})")
    ys = Split(indices, a)(x)
    return [ys] if isinstance(ys, Variable) else ys


def _pad_widths(pad_width, ndim):
    if ndim == 0:
        return ()  # nothing to pad, as np.pad
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an array of {ndim} dimensions; "
                         "expected an int, a (before, after) pair, or one pair per axis") from None
    if widths.dtype.kind not in "iu":
        raise ValueError(f"pad: pad_width {pad_width!r} must hold integers")
    return tuple((int(b), int(e)) for b, e in widths)


def _crop(op, x, shape, widths):
    """x without the cells that negative widths remove (torch's negative
    padding), and the widths left to pad (the positive ones)."""
    if all(b >= 0 and e >= 0 for b, e in widths):
        return x, widths
    for axis, ((before, after), n) in enumerate(zip(widths, shape)):
        if n + min(before, 0) + min(after, 0) < 0:
            raise ValueError(f"{op}: pad_width ({before}, {after}) on axis {axis} of size {n} (shape {shape}) "
                             f"crops {-min(before, 0) - min(after, 0)} cells, more than the axis has")
    index = tuple(slice(-min(b, 0), n + min(e, 0)) for (b, e), n in zip(widths, shape))
    return get_item(x, index), tuple((max(b, 0), max(e, 0)) for b, e in widths)


class Pad(Function):
    """y = x surrounded by `value` as np.pad (constant mode); widths holds a
    (before, after) pair per axis.   gx = the middle of gy (a slice)"""
    __slots__ = ("widths", "value")

    def __init__(self, widths, value):
        self.widths = widths
        self.value = value

    def forward(self, x):
        if x.ndim == 0:
            return x.copy()
        return np.pad(x, self.widths, mode="constant", constant_values=self.value)

    saves_for_backward = ()

    def backward(self, gy):
        return get_item(gy, tuple(slice(b, n - e) for (b, e), n in zip(self.widths, gy.shape)))

    def settings(self):
        return {"pad_width": self.widths, "value": self.value}


PAD_MODES = ("constant", "reflect", "edge", "wrap")


def _pad_source(n, before, after, mode):
    """For np.pad's index-moving modes: which element of an axis of length n
    each position of the padded axis copies (np.pad of arange(n))."""
    return np.pad(np.arange(n), (before, after), mode=mode)


class PadCopy(Function):
    """y = np.pad(x, widths, mode) for the modes that copy elements of x
    ("reflect", "edge", "wrap"): along each axis, y = x[source] with
    source = np.pad(arange(n), (before, after), mode).
    gx = PadCopyGrad: the middle of gy plus the padding added back onto
    the elements it copied."""
    __slots__ = ("widths", "mode", "x_shape")

    def __init__(self, widths, mode):
        self.widths = widths
        self.mode = mode

    def forward(self, x):
        self.x_shape = x.shape
        if x.ndim == 0:
            return x.copy()  # nothing to pad, as np.pad
        return np.pad(x, self.widths, mode=self.mode)

    saves_for_backward = ()

    def backward(self, gy):
        return PadCopyGrad(self.widths, self.mode, self.x_shape)(gy)

    def settings(self):
        return {"pad_width": self.widths, "mode": self.mode}


class PadCopyGrad(Function):
    """The adjoint of PadCopy: gx = the middle of gy, with each padded
    element of gy added at the element of x it copies (repeats add up).
    Its own backward pads again: ggy = PadCopy(ggx)."""
    __slots__ = ("widths", "mode", "x_shape")

    def __init__(self, widths, mode, x_shape):
        self.widths = widths
        self.mode = mode
        self.x_shape = x_shape

    def forward(self, gy):
        for axis, ((before, after), n) in enumerate(zip(self.widths, self.x_shape)):
            if before == after == 0:
                continue
            lead = (slice(None),) * axis
            middle = gy[lead + (slice(before, before + n),)].copy()
            edges = np.r_[0:before, before + n:before + n + after]
            source = _pad_source(n, before, after, self.mode)[edges]
            if type(gy) is np.ndarray:
                add_along_axis(middle, axis, source, np.take(gy, edges, axis=axis))
            else:  # positions from the shapes, copied to gy's device
                device = backend.device_of(gy)
                backend.add_at(middle, lead + (backend.to_device(source, device),),
                               np.take(gy, backend.to_device(edges, device), axis=axis))
            gy = middle
        return gy

    saves_for_backward = ()

    def backward(self, ggx):
        return PadCopy(self.widths, self.mode)(ggx)

    def settings(self):
        return {"pad_width": self.widths, "mode": self.mode}


@declare(Pad, PadCopy, numpy=np.pad)
def pad(x, pad_width, mode="constant", value=0):
    """x padded as np.pad(x, pad_width, mode, constant_values=value):
    pad_width is an int, a (before, after) pair, or one pair per axis.
    mode "constant" surrounds x by `value`; "reflect", "edge" and "wrap"
    copy elements of x, and the gradient adds up at the elements that the
    padding repeats. A negative width crops that many cells instead (as
    torch.nn.functional.pad), before the positive widths pad."""
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; expected one of {PAD_MODES}")
    x, widths = _crop("pad", x, shape_of(x), _pad_widths(pad_width, len(shape_of(x))))
    shape = shape_of(x)
    if mode == "constant":
        if np.iscomplexobj(value):  # NumPy would drop its imaginary part
            raise TypeError(f"pad: value must be a real number, got {value!r}")
        return Pad(widths, value)(x)
    for axis, ((before, after), n) in enumerate(zip(widths, shape)):
        if n == 0 and before + after:
            raise ValueError(f"pad: cannot pad axis {axis} of size 0 (shape {shape}) in mode {mode!r}; "
                             "there is nothing to copy")
    return PadCopy(widths, mode)(x)
