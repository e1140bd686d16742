"""Specs for indexing along an axis (take_along_axis, gather, scatter_add,
index_add, masked_fill), triangles and diagonals (tril, triu, diag,
diagonal, trace), the reordering ops (flip, roll, tile, repeat, moveaxis,
swapaxes, permute, unsqueeze, chunk, unbind) and pad's copying modes.
Indices are drawn with repeats, so gradients must add up."""
import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, is_edge
from .reduction import sides


def ints(draw, shape, lo, hi):
    """An int array of `shape` with values in [lo, hi] (repeats likely)."""
    n = int(np.prod(shape))
    return np.array(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)), dtype=np.int64).reshape(shape)


@st.composite
def take_along_cases(draw):
    s = draw(sides())
    axis = draw(st.integers(-len(s), len(s) - 1))
    index_shape = list(s)
    index_shape[axis] = draw(st.integers(1, 5))
    if len(s) > 1 and draw(st.booleans()):  # indices broadcast along another axis
        other = (axis + 1) % len(s)
        index_shape[other] = 1
    n = s[axis]
    return Case((draw(array(s)),), {"indices": ints(draw, tuple(index_shape), -n, n - 1), "axis": axis})


@st.composite
def gather_cases(draw):
    if is_edge(draw):  # a 0-d x and index, axis 0 or -1 as PyTorch takes them
        return Case((draw(array(())),), {"axis": draw(st.sampled_from([0, -1])), "index": np.array(0)})
    s = draw(sides())
    axis = draw(st.integers(-len(s), len(s) - 1))
    index_shape = tuple(draw(st.integers(1, 5)) if d == axis % len(s) else draw(st.integers(1, n))
                        for d, n in enumerate(s))
    return Case((draw(array(s)),), {"axis": axis, "index": ints(draw, index_shape, 0, s[axis] - 1)})


def ref_gather(x, axis, index):
    if x.ndim == 0:
        return x
    cropped = x[tuple(slice(None) if d == axis % x.ndim else slice(0, n) for d, n in enumerate(index.shape))]
    return np.take_along_axis(cropped, index, axis)


@st.composite
def scatter_add_cases(draw):
    s = draw(sides())
    axis = draw(st.integers(-len(s), len(s) - 1)) % len(s)
    index_shape = tuple(draw(st.integers(1, 5)) if d == axis else draw(st.integers(1, n)) for d, n in enumerate(s))
    src_shape = tuple(i + draw(st.integers(0, 1)) for i in index_shape)
    return Case((draw(array(s)), draw(array(src_shape))),
                {"axis": axis, "index": ints(draw, index_shape, 0, s[axis] - 1)})


def ref_scatter_add(x, src, axis, index):
    y = x.copy()
    for position in np.ndindex(*index.shape):
        target = list(position)
        target[axis] = index[position]
        y[tuple(target)] += src[position]
    return y


def ref_scatter(x, src, axis, index):
    """Written positions take the sum of what is sent there (minigrad's rule
    for repeated indices), the others keep x."""
    sent = ref_scatter_add(np.zeros_like(x), src, axis, index)
    written = ref_scatter_add(np.zeros_like(x), np.ones_like(src), axis, index) > 0
    return np.where(written, sent, x)


def ref_scatter_reduce(x, src, axis, index, reduce, include_self):
    total = ref_scatter_add(x if include_self else np.zeros_like(x), src, axis, index)
    count = ref_scatter_add(np.zeros_like(x), np.ones_like(src), axis, index)
    written = count > 0
    if reduce == "mean":
        total = total / np.where(written, count + include_self, 1)
    return np.where(written, total, x)


@st.composite
def scatter_reduce_cases(draw):
    case = draw(scatter_add_cases())
    return Case(case.arrays, {**case.kwargs, "reduce": draw(st.sampled_from(["sum", "mean"])),
                              "include_self": draw(st.booleans())})


@st.composite
def masked_select_cases(draw):
    s = draw(sides(1, 3))
    mask_shape = s[draw(st.integers(0, len(s) - 1)):]
    return Case((draw(array(s)),), {"mask": ints(draw, mask_shape, 0, 1).astype(bool)})


@st.composite
def index_add_cases(draw):
    s = draw(sides())
    axis = draw(st.integers(-len(s), len(s) - 1))
    k = draw(st.integers(1, 5))
    src_shape = tuple(k if d == axis % len(s) else n for d, n in enumerate(s))
    return Case((draw(array(s)), draw(array(src_shape))),
                {"axis": axis, "index": ints(draw, (k,), 0, s[axis] - 1)})


def ref_index_add(x, src, axis, index):
    y = x.copy()
    np.add.at(y, (slice(None),) * (axis % x.ndim) + (index,), src)
    return y


@st.composite
def masked_fill_cases(draw):
    s = draw(sides(1, 3))
    mask_shape = s[draw(st.integers(0, len(s) - 1)):]
    mask = ints(draw, mask_shape, 0, 1).astype(bool)
    return Case((draw(array(s)), draw(array(()))), {"mask": mask})


def ref_masked_fill(x, value, mask):
    return np.where(mask, value, x)


@st.composite
def triangle_cases(draw):
    s = draw(sides(2, 3))
    return Case((draw(array(s)),), {"k": draw(st.integers(-2, 2))})


@st.composite
def diag_cases(draw):
    s = draw(sides(1, 2))
    return Case((draw(array(s)),), {"k": draw(st.integers(-2, 2))})


@st.composite
def diagonal_cases(draw):
    s = draw(sides(2, 4))
    a1, a2 = draw(st.permutations(range(len(s))))[:2]
    return Case((draw(array(s)),), {"offset": draw(st.integers(-2, 2)),
                                    "axis1": a1 - len(s) * draw(st.booleans()), "axis2": a2})


@st.composite
def axes_cases(draw, allow_none=True):
    s = draw(sides())
    choices = [st.integers(-len(s), len(s) - 1),
               st.lists(st.integers(0, len(s) - 1), min_size=1, max_size=len(s), unique=True).map(tuple)]
    if allow_none:
        choices.append(st.none())
    return Case((draw(array(s)),), {"axis": draw(st.one_of(*choices))})


@st.composite
def roll_cases(draw):
    s = draw(sides())
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return Case((draw(array(s)),), {"shift": draw(st.integers(-7, 7)), "axis": None})
    if kind == "int":
        return Case((draw(array(s)),), {"shift": draw(st.integers(-7, 7)),
                                        "axis": draw(st.integers(-len(s), len(s) - 1))})
    axes = tuple(draw(st.lists(st.integers(0, len(s) - 1), min_size=1, max_size=len(s), unique=True)))
    return Case((draw(array(s)),), {"shift": tuple(draw(st.integers(-5, 5)) for _ in axes), "axis": axes})


@st.composite
def tile_cases(draw):
    s = draw(sides(1, 3))
    reps = draw(st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=4).map(tuple)))
    return Case((draw(array(s)),), {"reps": reps})


@st.composite
def repeat_cases(draw):
    s = draw(sides())
    axis = draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1)))
    n = int(np.prod(s)) if axis is None else s[axis]
    repeats = draw(st.one_of(st.integers(1, 3), st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    return Case((draw(array(s)),), {"repeats": repeats, "axis": axis})


@st.composite
def moveaxis_cases(draw):
    s = draw(sides(2, 4))
    k = draw(st.integers(1, len(s)))
    source = tuple(draw(st.permutations(range(len(s))))[:k])
    destination = tuple(draw(st.permutations(range(len(s))))[:k])
    if k == 1 and draw(st.booleans()):
        source, destination = source[0], destination[0] - len(s)
    return Case((draw(array(s)),), {"source": source, "destination": destination})


@st.composite
def swapaxes_cases(draw):
    s = draw(sides(2, 4))
    return Case((draw(array(s)),), {"axis1": draw(st.integers(-len(s), len(s) - 1)),
                                    "axis2": draw(st.integers(0, len(s) - 1))})


@st.composite
def permute_cases(draw):
    s = draw(sides(1, 4))
    return Case((draw(array(s)),), {"axes": tuple(draw(st.permutations(range(len(s)))))})


@st.composite
def unsqueeze_cases(draw):
    s = draw(sides(0, 3))
    return Case((draw(array(s)),), {"axis": draw(st.integers(-len(s) - 1, len(s)))})


@st.composite
def split_like_cases(draw, parts=True):
    s = draw(sides(1, 3, hi=6))
    kwargs = {"axis": draw(st.integers(-len(s), len(s) - 1))}
    if parts:
        kwargs["n"] = draw(st.integers(1, 5))
    return Case((draw(array(s)),), kwargs)


def joined(pieces_fn):
    """The pieces flattened, scaled by 1, 2, 3, ... and joined: one output
    that shows their contents and order."""
    def fn(x, **kwargs):
        return F.concat([F.reshape(p, (-1,)) * (i + 1) for i, p in enumerate(pieces_fn(x, **kwargs))], 0)
    return fn


def ref_chunk(x, n, axis):
    size = -(-x.shape[axis] // n)
    pieces = np.split(x, list(range(size, x.shape[axis], size)), axis)
    return np.concatenate([p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)])


def ref_unbind(x, axis):
    return np.concatenate([np.take(x, i, axis).reshape(-1) * (i + 1) for i in range(x.shape[axis])])


@st.composite
def pad_mode_cases(draw):
    s = draw(sides(1, 3))
    mode = draw(st.sampled_from(["reflect", "edge", "wrap"]))
    widths = st.integers(0, 5)  # wider than the axis too: reflect and wrap repeat
    kind = draw(st.sampled_from(["int", "pair", "per_axis"]))
    if kind == "int":
        pad_width = draw(widths)
    elif kind == "pair":
        pad_width = (draw(widths), draw(widths))
    else:
        pad_width = tuple((draw(widths), draw(widths)) for _ in s)
    return Case((draw(array(s)),), {"pad_width": pad_width, "mode": mode})


def ref_pad_mode(x, pad_width, mode):
    return np.pad(x, pad_width, mode=mode)


SPECS = [
    OpSpec("take_along_axis", F.take_along_axis, np.take_along_axis, take_along_cases()),
    OpSpec("gather", F.gather, ref_gather, gather_cases()),
    OpSpec("scatter", lambda x, src, axis, index: F.scatter(x, axis, index, src),
           lambda x, src, axis, index: ref_scatter(x, src, axis % x.ndim, index), scatter_add_cases()),
    OpSpec("scatter_reduce", lambda x, src, axis, index, reduce, include_self:
           F.scatter_reduce(x, axis, index, src, reduce, include_self=include_self),
           lambda x, src, axis, index, reduce, include_self:
           ref_scatter_reduce(x, src, axis % x.ndim, index, reduce, include_self), scatter_reduce_cases()),
    OpSpec("nonzero", lambda x: F.stack(F.nonzero(x)) if x.ndim else F.nonzero(x)[0],
           lambda x: np.stack(np.nonzero(x)) if x.ndim else np.nonzero(np.atleast_1d(x))[0],
           masked_select_cases().map(lambda case: Case((np.round(case.arrays[0]),))), grad=False),
    OpSpec("masked_select", F.masked_select, lambda x, mask: x[np.broadcast_to(mask, x.shape)],
           masked_select_cases()),
    OpSpec("scatter_add", lambda x, src, axis, index: F.scatter_add(x, axis, index, src),
           lambda x, src, axis, index: ref_scatter_add(x, src, axis % x.ndim, index), scatter_add_cases()),
    OpSpec("index_add", lambda x, src, axis, index: F.index_add(x, axis, index, src), ref_index_add,
           index_add_cases()),
    OpSpec("masked_fill", lambda x, value, mask: F.masked_fill(x, mask, value), ref_masked_fill,
           masked_fill_cases(), scalar_inputs=(1,)),
    OpSpec("tril", F.tril, np.tril, triangle_cases()),
    OpSpec("triu", F.triu, np.triu, triangle_cases()),
    OpSpec("diag", F.diag, np.diag, diag_cases()),
    OpSpec("diagonal", F.diagonal, np.diagonal, diagonal_cases()),
    OpSpec("trace", F.trace, np.trace, diagonal_cases()),
    OpSpec("flip", F.flip, np.flip, axes_cases()),
    OpSpec("roll", F.roll, np.roll, roll_cases()),
    OpSpec("tile", F.tile, np.tile, tile_cases()),
    OpSpec("repeat", F.repeat, np.repeat, repeat_cases()),
    OpSpec("moveaxis", F.moveaxis, np.moveaxis, moveaxis_cases()),
    OpSpec("swapaxes", F.swapaxes, np.swapaxes, swapaxes_cases()),
    OpSpec("permute", F.permute, np.transpose, permute_cases()),
    OpSpec("unsqueeze", F.unsqueeze, np.expand_dims, unsqueeze_cases()),
    OpSpec("chunk", joined(F.chunk), ref_chunk, split_like_cases(), covers=("chunk",)),
    OpSpec("unbind", joined(F.unbind), ref_unbind, split_like_cases(parts=False), covers=("unbind",)),
    OpSpec("pad_modes", F.pad, ref_pad_mode, pad_mode_cases(), covers=("pad",)),
]
