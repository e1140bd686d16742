"""Ops that reorder or repeat elements: flip, roll, tile, repeat, and the
axis-moving and splitting helpers with PyTorch's names (moveaxis, swapaxes,
permute, unsqueeze, chunk, unbind). Most are built from reshape,
transpose, broadcast_to, split and get_item, so their gradients come free."""
import itertools

import numpy as np

from ..core import Function
from ..core.ops import declare
from ._axes import axis_tuple, normalize_axis, shape_of
from .shape import (Concat, Split, broadcast_to, concat, expand_dims, get_item, reshape, split, squeeze, transpose,
                    with_new_axes)


def _axes_or_all(op, axis, ndim):
    return tuple(range(ndim)) if axis is None else axis_tuple(op, axis, ndim)


class Flip(Function):
    """y = x reversed along `axes`.   gx = gy reversed along the same axes."""
    __slots__ = ("axes",)

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return np.flip(x, self.axes)

    saves_for_backward = ()

    def backward(self, gy):
        return Flip(self.axes)(gy)

    def settings(self):
        return {"axis": self.axes}


class Roll(Function):
    """y = x shifted cyclically by `shift` along `axis` (as np.roll).
    gx = gy rolled back by -shift."""
    __slots__ = ("shift", "axis")

    def __init__(self, shift, axis):
        self.shift = shift
        self.axis = axis

    def forward(self, x):
        return np.roll(x, self.shift, self.axis)

    saves_for_backward = ()

    def backward(self, gy):
        back = tuple(-s for s in self.shift) if isinstance(self.shift, tuple) else -self.shift
        return Roll(back, self.axis)(gy)

    def settings(self):
        return {"shift": self.shift, "axis": self.axis}


@declare(Flip, numpy=np.flip, torch=True)
def flip(x, axis=None):
    """x reversed along `axis` (an int, a tuple, or None for every axis), as np.flip."""
    return Flip(_axes_or_all("flip", axis, len(shape_of(x))))(x)


@declare(Roll, numpy=np.roll, torch=True)
def roll(x, shift, axis=None):
    """x shifted cyclically, as np.roll: `shift` (an int or one per axis)
    along `axis` (None: x flattened, rolled, and shaped back)."""
    shape = shape_of(x)
    if axis is None:
        if isinstance(shift, (tuple, list)) and len(shift) == 1:  # (1,): NumPy and PyTorch take it
            (shift,) = shift
        if not isinstance(shift, (int, np.integer)) or isinstance(shift, bool):
            raise TypeError(f"roll: with axis=None, shift must be an int (or a tuple of one int), got "
                            f"{shift!r}; pass one shift per axis with axis=(...)")
        return reshape(Roll(int(shift), 0)(reshape(x, (-1,))), shape)
    axes = axis_tuple("roll", axis, len(shape)) if isinstance(axis, (tuple, list)) else (
        normalize_axis("roll", axis, len(shape)),)
    shifts = (shift,) * len(axes) if isinstance(shift, (int, np.integer)) else tuple(shift)
    if len(shifts) != len(axes) or not all(isinstance(s, (int, np.integer)) for s in shifts):
        raise ValueError(f"roll: shift {shift!r} does not match axis {axis!r}; expected an int or "
                         "one int per axis")
    return Roll(tuple(int(s) for s in shifts), axes)(x)


@declare(numpy=np.tile, torch=True)
def tile(x, reps):
    """x repeated as a block `reps` times along each axis, as np.tile
    (reps an int or a tuple; shapes are padded with leading 1s to match).
    Built as broadcast_to on interleaved axes, then reshape."""
    shape = shape_of(x)
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(not isinstance(r, (int, np.integer)) or r < 0 for r in reps):
        raise ValueError(f"tile: reps {reps!r} must be non-negative integers")
    ndim = max(len(shape), len(reps))
    shape = (1,) * (ndim - len(shape)) + tuple(shape)
    reps = (1,) * (ndim - len(reps)) + reps
    interleaved = tuple(v for pair in zip((1,) * ndim, shape) for v in pair)
    spread = broadcast_to(reshape(x, interleaved), tuple(v for pair in zip(reps, shape) for v in pair))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


@declare(numpy=np.repeat, methods="repeat_interleave", torch="repeat_interleave")
def repeat(x, repeats, axis=None):
    """Each element of x repeated `repeats` times along `axis`, as np.repeat
    (axis None: x flattened first). repeats is an int, or one count per
    element along the axis."""
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    shape = shape_of(x)
    axis = normalize_axis("repeat", axis, len(shape))
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu" or (counts < 0).any() or counts.ndim > 1:
        raise ValueError(f"repeat: repeats {repeats!r} must be a non-negative int or a 1-D list of them")
    if counts.ndim == 0:  # the same count everywhere: a broadcast on a new axis
        wide = broadcast_to(expand_dims(x, axis + 1), shape[:axis + 1] + (int(counts),) + shape[axis + 1:])
        return reshape(wide, shape[:axis] + (shape[axis] * int(counts),) + shape[axis + 1:])
    if len(counts) != shape[axis]:
        raise ValueError(f"repeat: {len(counts)} repeats for axis {axis} of size {shape[axis]} "
                         f"(shape {shape}); expected one count per element")
    return get_item(x, (slice(None),) * axis + (np.repeat(np.arange(shape[axis]), counts),))


@declare(numpy=np.moveaxis, torch=("movedim", "moveaxis"))
def moveaxis(x, source, destination):
    """x with axes `source` moved to positions `destination` (ints or
    tuples), the others kept in order, as np.moveaxis. A transpose."""
    ndim = len(shape_of(x))
    src = axis_tuple("moveaxis", source, ndim)
    dst = axis_tuple("moveaxis", destination, ndim)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} must have the "
                         "same number of axes")
    order = [a for a in range(ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, order)


@declare(numpy=np.swapaxes, methods="swapaxes", torch=True)
def swapaxes(x, axis1, axis2):
    """x with axes axis1 and axis2 exchanged, as np.swapaxes and torch.transpose."""
    ndim = len(shape_of(x))
    if not ndim:  # a 0-d x takes axes 0 and -1, as in PyTorch: nothing to swap
        for axis in (axis1, axis2):
            axis_tuple("swapaxes", axis, 0)   # (checks it)
        return transpose(x, ())
    a = normalize_axis("swapaxes", axis1, ndim)
    b = normalize_axis("swapaxes", axis2, ndim)
    order = list(range(ndim))
    order[a], order[b] = order[b], order[a]
    return transpose(x, order)


@declare(torch=True)
def permute(x, axes, *more_axes):
    """x with its axes in the order `axes`, as torch.permute (a tuple, or
    the axes as arguments: permute(x, 2, 0, 1)); the same as transpose(x, axes)."""
    if more_axes:
        axes = (axes,) + more_axes
    elif isinstance(axes, (int, np.integer)):
        axes = (axes,)
    return transpose(x, tuple(axes))


@declare(torch=True)
def unsqueeze(x, axis):
    """x with a new axis of size 1 at `axis`: PyTorch's name for expand_dims."""
    return expand_dims(x, axis)


@declare(torch=True)
def chunk(x, n, axis=0):
    """x cut along `axis` into at most n pieces of ceil(size / n) elements
    (the last may be smaller), as torch.chunk: a list of Variables."""
    shape = shape_of(x)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"chunk: n must be a positive int, got {n!r}")
    a = normalize_axis("chunk", axis, len(shape))
    size = -(-shape[a] // n) if shape[a] else 1
    return split(x, list(range(size, shape[a], size)), a)


@declare(torch=True)
def unbind(x, axis=0):
    """The slices of x along `axis`, that axis removed, as torch.unbind: a list of Variables."""
    shape = shape_of(x)
    a = normalize_axis("unbind", axis, len(shape))
    return [squeeze(p, a) for p in split(x, shape[a], a)] if shape[a] else []



def _factor(op, name, r):
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or r < 1:
        raise ValueError(f"{op}: {name} must be a positive int, got {r!r}")
    return int(r)


@declare(functional=True)
def pixel_shuffle(x, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r) with r = upscale_factor, as
    PyTorch's: y[..., c, h*r + i, w*r + j] = x[..., c*r*r + i*r + j, h, w].
    Built from reshape and transpose."""
    shape = shape_of(x)
    r = _factor("pixel_shuffle", "upscale_factor", upscale_factor)
    if len(shape) < 3 or shape[-3] % (r * r):
        raise ValueError(f"pixel_shuffle: expected an input (*, C*r*r, H, W) with r = {r}, whose channel "
                         f"axis (-3) is divisible by {r * r}; got shape {shape}")
    *batch, c, h, w = shape
    b = len(batch)
    y = reshape(x, (*batch, c // (r * r), r, r, h, w))
    y = transpose(y, (*range(b), b, b + 3, b + 1, b + 4, b + 2))
    return reshape(y, (*batch, c // (r * r), h * r, w * r))


@declare(functional=True)
def pixel_unshuffle(x, downscale_factor):
    """The inverse of pixel_shuffle, as PyTorch's: (*, C, H*r, W*r) ->
    (*, C*r*r, H, W) with r = downscale_factor."""
    shape = shape_of(x)
    r = _factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    if len(shape) < 3 or shape[-2] % r or shape[-1] % r:
        raise ValueError(f"pixel_unshuffle: expected an input (*, C, H*r, W*r) with r = {r}, whose last "
                         f"two axes are divisible by {r}; got shape {shape}")
    *batch, c, h, w = shape
    b = len(batch)
    y = reshape(x, (*batch, c, h // r, r, w // r, r))
    y = transpose(y, (*range(b), b, b + 2, b + 4, b + 1, b + 3))
    return reshape(y, (*batch, c * r * r, h // r, w // r))


# -- NumPy's stacking and splitting helpers: concat and split on reshaped arrays -----

def _sequence(op, arrays):
    """The arrays of a stacking call as a list, or a clear error."""
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of arrays, got {type(arrays).__name__}")
    if not arrays:
        raise ValueError(f"{op}: expected at least one array, got none")
    return list(arrays)


def _join(op, xs, axis, expand=None):
    """xs joined along `axis` by one Concat, each x first given the new axes
    of size 1 `expand[i]` (a tuple, empty for none), the shape check naming
    the stacking helper `op`."""
    shapes = [shape_of(x) for x in xs]
    if expand is not None and any(expand):
        shapes = [with_new_axes(s, axes) if axes else s for s, axes in zip(shapes, expand)]
    else:
        expand = None
    for s in shapes[1:]:
        if len(s) != len(shapes[0]) or any(p != q for i, (p, q) in enumerate(zip(s, shapes[0])) if i != axis):
            raise ValueError(f"{op}: shapes {shapes[0]} and {s} (as joined) do not match; expected the same shape "
                             f"except along axis {axis}")
    return Concat(axis, expand)(*xs)


def _at_least(xs, ndim):
    """The new axes np.atleast_1d/2d/3d give each of xs: a 0-d x becomes
    (1,) (1, 1) or (1, 1, 1); (n,) becomes (1, n) or (1, n, 1); (m, n)
    becomes (m, n, 1)."""
    new_axes = {0: tuple(range(ndim)), 1: (0,) if ndim == 2 else (0, 2), 2: (2,)}
    return [() if len(shape_of(x)) >= ndim else new_axes[len(shape_of(x))] for x in xs]


@declare(Concat, numpy=np.vstack)
def vstack(tup):
    """The arrays joined along axis 0 after making each at least 2-D ((n,)
    becomes (1, n)), as np.vstack: rows stacked."""
    xs = _sequence("vstack", tup)
    return _join("vstack", xs, 0, _at_least(xs, 2))


@declare(Concat)
def row_stack(tup):
    """NumPy's older name for vstack (np.row_stack, deprecated there)."""
    xs = _sequence("row_stack", tup)
    return _join("row_stack", xs, 0, _at_least(xs, 2))


@declare(Concat, numpy=np.hstack)
def hstack(tup):
    """The arrays joined along axis 1 (axis 0 for 1-D ones, 0-d ones count
    as (1,)), as np.hstack: columns side by side."""
    xs = _sequence("hstack", tup)
    return _join("hstack", xs, 0 if len(shape_of(xs[0])) <= 1 else 1, _at_least(xs, 1))


@declare(Concat, numpy=np.dstack)
def dstack(tup):
    """The arrays joined along axis 2 after making each at least 3-D ((n,)
    becomes (1, n, 1), (m, n) becomes (m, n, 1)), as np.dstack."""
    xs = _sequence("dstack", tup)
    return _join("dstack", xs, 2, _at_least(xs, 3))


@declare(Concat, numpy=np.column_stack)
def column_stack(tup):
    """1-D arrays as columns ((n,) becomes (n, 1)) and 2-D arrays as they
    are, joined along axis 1, as np.column_stack."""
    xs = _sequence("column_stack", tup)
    return _join("column_stack", xs, 1, [{0: (0, 1), 1: (1,)}.get(len(shape_of(x)), ()) for x in xs])


@declare(Split, numpy=np.array_split)
def array_split(x, indices_or_sections, axis=0):
    """x cut along `axis` as np.array_split: into n parts whose sizes differ
    by at most one (the first size % n parts one longer), or at the given
    indices. A list of Variables."""
    if not isinstance(indices_or_sections, (int, np.integer)):
        return split(x, indices_or_sections, axis)
    shape = shape_of(x)
    a = normalize_axis("array_split", axis, len(shape))
    n = int(indices_or_sections)
    if n <= 0:
        raise ValueError(f"array_split: the number of sections must be positive, got {n} "
                         f"(axis {a} of shape {shape})")
    size, longer = divmod(shape[a], n)
    cuts = itertools.accumulate([size + 1] * longer + [size] * (n - longer - 1))
    return Split(list(cuts), a)(x)   # the cuts are in range and in order: no checks of split's to repeat


def _split_at_least(op, x, indices_or_sections, ndim, axis):
    shape = shape_of(x)
    if len(shape) < ndim:
        raise ValueError(f"{op}: x of shape {shape} has {len(shape)} dimensions; expected at least {ndim}")
    if isinstance(indices_or_sections, (int, np.integer)) and (
            indices_or_sections <= 0 or shape[axis] % indices_or_sections):
        raise ValueError(f"{op}: cannot split axis {axis} of size {shape[axis]} (shape {shape}) into "
                         f"{indices_or_sections} equal parts; np.array_split allows unequal ones")
    return split(x, indices_or_sections, axis)


@declare(numpy=np.hsplit)
def hsplit(x, indices_or_sections):
    """x cut along axis 1 (axis 0 for 1-D x) into equal parts or at the
    given indices, as np.hsplit."""
    axis = 0 if len(shape_of(x)) == 1 else 1
    return _split_at_least("hsplit", x, indices_or_sections, 1, axis)


@declare(numpy=np.vsplit)
def vsplit(x, indices_or_sections):
    """x (at least 2-D) cut along axis 0 into equal parts or at the given
    indices, as np.vsplit."""
    return _split_at_least("vsplit", x, indices_or_sections, 2, 0)


@declare(numpy=np.dsplit)
def dsplit(x, indices_or_sections):
    """x (at least 3-D) cut along axis 2 into equal parts or at the given
    indices, as np.dsplit."""
    return _split_at_least("dsplit", x, indices_or_sections, 3, 2)


@declare(numpy=np.append)
def append(arr, values, axis=None):
    """arr with `values` joined at its end along `axis`, as np.append
    (axis None: both flattened first). values must match arr's shape
    except along axis."""
    if axis is None:
        return concat([reshape(arr, (-1,)), reshape(values, (-1,))], 0)
    return _join("append", [arr, values], normalize_axis("append", axis, len(shape_of(arr))))


@declare(Flip, numpy=np.flipud)
def flipud(x):
    """x reversed along axis 0 (up/down), as np.flipud."""
    if len(shape_of(x)) < 1:
        raise ValueError("flipud: x is 0-d; expected at least 1 dimension")
    return Flip((0,))(x)


@declare(Flip, numpy=np.fliplr)
def fliplr(x):
    """x reversed along axis 1 (left/right), as np.fliplr."""
    shape = shape_of(x)
    if len(shape) < 2:
        raise ValueError(f"fliplr: x of shape {shape} has {len(shape)} dimensions; expected at least 2")
    return Flip((1,))(x)


@declare(Flip, numpy=np.rot90)
def rot90(x, k=1, axes=(0, 1)):
    """x rotated by k quarter turns in the plane of `axes`, from the first
    axis towards the second, as np.rot90: one turn is a flip along the
    second axis and then the two axes exchanged."""
    shape = shape_of(x)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes {axes!r} must be two axes")
    first, second = (normalize_axis("rot90", a, len(shape)) for a in axes)
    if first == second:
        raise ValueError(f"rot90: axes {axes!r} name the same axis of shape {shape}; expected two different axes")
    k = int(k) % 4
    if k == 0:
        return x
    if k == 2:
        return Flip((first, second))(x)
    order = list(range(len(shape)))
    order[first], order[second] = second, first
    if k == 1:
        return transpose(Flip((second,))(x), order)
    return Flip((second,))(transpose(x, order))


@declare(numpy=np.meshgrid)
def meshgrid(*xs, indexing="xy", sparse=False, copy=True):
    """Coordinate arrays from 1-D coordinate vectors, as np.meshgrid (a
    tuple): with indexing "ij" the i-th output varies along axis i; with
    "xy" (the default) the first two axes are exchanged. sparse: each output
    keeps size 1 along the other axes (broadcastable) instead of the full
    grid. The gradient of each output sums back onto its vector."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing={indexing!r}; expected 'xy' or 'ij'")
    n = len(xs)
    shaped = []
    for i, x in enumerate(xs):
        axis = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and n > 1 else i
        shaped.append(reshape(x, (1,) * axis + (-1,) + (1,) * (n - axis - 1)))
    if sparse:
        return tuple(shaped)
    full = np.broadcast_shapes(*[shape_of(x) for x in shaped])
    return tuple(broadcast_to(x, full) for x in shaped)
