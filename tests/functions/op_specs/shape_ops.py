"""Specs for logsumexp and var, and the shape ops beyond reshape/transpose:
expand_dims, squeeze, flatten, concat, stack, split, pad."""
import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, is_edge, shape, with_axis


def ref_logsumexp(x, axis=None, keepdims=False):
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def shifted(x, c, **kwargs):
    """logsumexp(x + c) = logsumexp(x) + c: a large c would overflow exp."""
    return F.logsumexp(x + c, **kwargs)


def ref_shifted(x, c, **kwargs):
    return ref_logsumexp(x, **kwargs) + c


@st.composite
def expand_dims_cases(draw):
    a = draw(shape(min_side=0).flatmap(array))
    out_ndim = a.ndim + draw(st.integers(1, 2))
    axes = draw(st.lists(st.integers(-out_ndim, out_ndim - 1), min_size=out_ndim - a.ndim,
                         max_size=out_ndim - a.ndim, unique_by=lambda i: i % out_ndim))
    return Case((a,), {"axis": axes[0] if len(axes) == 1 and draw(st.booleans()) else tuple(axes)})


@st.composite
def squeeze_cases(draw):
    """Sides of 2..4 with one or two size-1 axes put in among them (rarely
    an empty axis too), and the axis to squeeze: None, one, or several."""
    s = list(draw(shape(min_dims=0, max_dims=3, min_side=0)))
    for _ in range(draw(st.integers(1, 2))):
        s.insert(draw(st.integers(0, len(s))), 1)
    s = tuple(s)
    a = draw(array(s))
    ones = [i for i, n in enumerate(s) if n == 1]
    axis = draw(st.one_of(st.none(), st.lists(st.sampled_from(ones), unique=True).map(tuple)))
    if axis and len(axis) == 1 and draw(st.booleans()):
        axis = axis[0] - len(s) if draw(st.booleans()) else axis[0]
    return Case((a,), {"axis": axis})


@st.composite
def flatten_cases(draw):
    s = draw(shape(min_dims=0, max_dims=4, min_side=0))
    a = draw(array(s))
    if a.ndim == 0:
        return Case((a,), {})
    start = draw(st.integers(0, a.ndim - 1))
    end = draw(st.integers(start, a.ndim - 1))
    return Case((a,), {"start_dim": start - a.ndim * draw(st.booleans()),
                       "end_dim": end - a.ndim * draw(st.booleans())})


def ref_flatten(x, start_dim=1, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (int(np.prod(x.shape[start:end + 1])),) + x.shape[end + 1:])


@st.composite
def concat_cases(draw):
    s = draw(shape(min_dims=1, min_side=0))
    axis = draw(st.integers(-len(s), len(s) - 1))
    sizes = draw(st.lists(st.integers(2, 3), min_size=2, max_size=3))
    if is_edge(draw):   # a piece empty or of size 1 along the axis, or only one piece
        sizes = [draw(st.sampled_from([0, 1]))] + sizes if draw(st.booleans()) else sizes[:1]
    arrays = []
    for n in sizes:
        piece = list(s)
        piece[axis] = n
        arrays.append(draw(array(tuple(piece))))
    return Case(tuple(arrays), {"axis": axis})


@st.composite
def stack_cases(draw):
    s = draw(shape(min_side=0))
    n = draw(st.integers(2, 3))
    axis = draw(st.integers(-len(s) - 1, len(s)))
    return Case(tuple(draw(array(s)) for _ in range(n)), {"axis": axis})


@st.composite
def split_cases(draw):
    s = draw(shape(min_dims=1, min_side=0, max_side=6))
    a = draw(array(s))
    axis = draw(st.integers(-len(s), len(s) - 1))
    n = s[axis]
    if draw(st.booleans()):
        sections = draw(st.sampled_from([k for k in range(1, 6) if n % k == 0]))
    else:  # cut points, possibly negative or past the end, as np.split allows
        cuts = sorted(draw(st.lists(st.integers(0, n + 1), max_size=3)))
        sections = [c - n if 0 < c < n and draw(st.booleans()) else c for c in cuts]
    return Case((a,), {"sections": sections, "axis": axis})


def split_joined(x, sections, axis):
    """The pieces flattened and joined, so one array shows their contents and order."""
    return F.concat([F.reshape(p, (-1,)) for p in F.split(x, sections, axis)], 0)


def ref_split_joined(x, sections, axis):
    return np.concatenate([p.reshape(-1) for p in np.split(x, sections, axis)])


def every_other_piece(x, sections, axis):
    """Some pieces unused: their gradient never arrives and must count as zero."""
    return F.split(x, sections, axis)[::2]


@st.composite
def pad_cases(draw):
    a = draw(shape(min_side=0).flatmap(array))
    widths = st.integers(0, 2)
    kind = draw(st.sampled_from(["int", "pair", "per_axis"] if a.ndim else ["int", "pair"]))
    if kind == "int":
        pad_width = draw(widths)
    elif kind == "pair":
        pad_width = (draw(widths), draw(widths))
    else:
        pad_width = tuple((draw(widths), draw(widths)) for _ in range(a.ndim))
    kwargs = {"pad_width": pad_width}
    if draw(st.booleans()):
        kwargs["value"] = draw(st.floats(-2, 2))
    return Case((a,), kwargs)


def ref_pad(x, pad_width, value=0):
    return np.pad(x, pad_width, mode="constant", constant_values=value)


SPECS = [
    OpSpec("logsumexp", F.logsumexp, ref_logsumexp, with_axis()),
    OpSpec("logsumexp_large", shifted, ref_shifted, st.tuples(with_axis(), st.sampled_from([-800.0, 800.0])).map(
        lambda t: Case(t[0].arrays, dict(t[0].kwargs, c=t[1]), dict(t[0].reference_kwargs(), c=t[1]))),
        covers=("logsumexp",), forward_atol=1e-9),
    OpSpec("var", F.var, np.var, with_axis(empty_ok=False)),
    OpSpec("expand_dims", F.expand_dims, np.expand_dims, expand_dims_cases()),
    OpSpec("squeeze", F.squeeze, np.squeeze, squeeze_cases()),
    OpSpec("flatten", F.flatten, ref_flatten, flatten_cases()),
    OpSpec("concat", lambda *xs, axis: F.concat(xs, axis), lambda *xs, axis: np.concatenate(xs, axis),
           concat_cases()),
    OpSpec("stack", lambda *xs, axis: F.stack(xs, axis), lambda *xs, axis: np.stack(xs, axis), stack_cases()),
    OpSpec("split", split_joined, ref_split_joined, split_cases()),
    OpSpec("split_unused_pieces", every_other_piece, None, split_cases(), covers=("split",)),
    OpSpec("pad", F.pad, ref_pad, pad_cases()),
]
