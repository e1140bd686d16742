"""Specs for the reductions beyond sum/mean/max/min (prod, std, var with
ddof, norm, amax, amin, median, argmax, argmin, any, all) and the running
ops (cumsum, cumprod, logcumsumexp, cummax, cummin). Axes that are reduced
or run along have at least 2 elements; a few cases are 0-d or empty."""
import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from minigrad.device import backend
from . import Case, OpSpec, array, distinct_array, with_axis


def sides(min_dims=1, max_dims=3, lo=2, hi=4):
    """Shapes of min_dims to max_dims axes, each of lo to hi elements (the
    indexing and sorting/linear algebra spec modules share it)."""
    return st.lists(st.integers(lo, hi), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def reduce_cases(draw, distinct=False, lo=-2.0, hi=2.0, tuple_axes=True, allow_none=True):
    """An array (mostly 2 to 4 along each axis), an axis (None, an int,
    a negative int, or a tuple) and keepdims."""
    return draw(with_axis(lo=lo, hi=hi, distinct=distinct, min_side=2, min_dims=1, tuple_axes=tuple_axes,
                          allow_none=allow_none))


@st.composite
def with_zeros(draw, case_strategy):
    """A case whose array has some elements set to exactly zero."""
    case = draw(case_strategy)
    a = case.arrays[0].copy()
    if a.size:
        flat = a.reshape(-1)
        for i in draw(st.lists(st.integers(0, a.size - 1), min_size=1, max_size=3)):
            flat[i] = 0.0
    return Case((a,), case.kwargs)


@st.composite
def ddof_cases(draw, torch_name=False):
    case = draw(reduce_cases(distinct=True))  # no constant slices: std's gradient is infinite there
    ddof = draw(st.sampled_from([0, 1]))
    kwargs = dict(case.kwargs, **({"correction": ddof} if torch_name else {"ddof": ddof}))
    return Case(case.arrays, kwargs)


def ref_var(x, axis=None, keepdims=False, ddof=0, correction=None):
    return np.var(x, axis=axis, keepdims=keepdims, ddof=ddof if correction is None else correction)


def ref_std(x, axis=None, keepdims=False, ddof=0, correction=None):
    return np.std(x, axis=axis, keepdims=keepdims, ddof=ddof if correction is None else correction)


@st.composite
def signed_distinct(draw, shape):
    """Values of distinct magnitude (0.2 to 3) with random signs: |x| has
    no ties and no kink at 0."""
    magnitudes = draw(distinct_array(shape, 0.2, 3.0))
    signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=magnitudes.size,
                                   max_size=magnitudes.size))).reshape(shape)
    return magnitudes * signs


@st.composite
def norm_cases(draw):
    kind = draw(st.sampled_from(["all", "vector", "vector", "matrix", "matrix", "ord_no_axis"]))
    if kind == "all":
        s = draw(sides(1, 3))
        return Case((draw(signed_distinct(s)),), {"keepdims": draw(st.booleans())})
    if kind == "ord_no_axis":
        s = draw(sides(1, 2))
        ords = [None, 1, np.inf] if len(s) == 1 else ["fro", 1, -np.inf]
        return Case((draw(signed_distinct(s)),), {"ord": draw(st.sampled_from(ords))})
    if kind == "vector":
        s = draw(sides(1, 3))
        axis = draw(st.integers(-len(s), len(s) - 1))
        ord_ = draw(st.sampled_from([None, 2, 1, np.inf, -np.inf, 3, 1.5]))
        return Case((draw(signed_distinct(s)),), {"ord": ord_, "axis": axis, "keepdims": draw(st.booleans())})
    s = draw(sides(2, 3))
    axes = tuple(draw(st.permutations(range(len(s))))[:2])
    ord_ = draw(st.sampled_from([None, "fro", 1, -1, np.inf, -np.inf]))
    return Case((draw(signed_distinct(s)),), {"ord": ord_, "axis": axes, "keepdims": draw(st.booleans())})


def ref_norm(x, ord=None, axis=None, keepdims=False):
    return np.linalg.norm(x, ord, axis, keepdims)


@st.composite
def norm_at_zero(draw):
    """Rows of zeros: the gradient of the 2-norm there is 0, as PyTorch's."""
    s = draw(sides(2, 2))
    a = draw(array(s, avoid=(0.0,), margin=0.1))  # other rows far from 0 (central differences)
    a[0] = 0.0
    return Case((a,), {"axis": -1})


def ref_median(x, axis=None, keepdims=False):
    return np.median(x, axis=axis, keepdims=keepdims)


@st.composite
def running_cases(draw, distinct=False, lo=-2.0, hi=2.0):
    """An array and an axis (an int, or None: flattened) of length >= 2."""
    s = draw(sides(1, 3))
    a = draw(distinct_array(s, lo, hi) if distinct else array(s, lo, hi))
    axis = draw(st.one_of(st.integers(-len(s), len(s) - 1), st.just(None)))
    return Case((a,), {"axis": axis})


@st.composite
def cumprod_values(draw):
    """Magnitudes 0.5 to 2 (running products stay moderate), random signs."""
    s = draw(sides(1, 3))
    a = draw(array(s, 0.5, 2.0)) * np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=int(np.prod(s)),
                                                          max_size=int(np.prod(s))))).reshape(s)
    return Case((a,), {"axis": draw(st.one_of(st.integers(-len(s), len(s) - 1), st.just(None)))})


def _flat(fn):
    def ref(x, axis):
        return fn(x.reshape(-1), axis=0) if axis is None else fn(x, axis=axis)
    return ref


@st.composite
def wide_logcumsumexp(draw):
    """Values hundreds apart: exp would overflow or underflow."""
    case = draw(running_cases())
    return Case((case.arrays[0] * 300,), case.kwargs)


def nd_cases(tuple_axes):
    return reduce_cases(distinct=True, tuple_axes=tuple_axes)


@st.composite
def bool_cases(draw):
    case = draw(reduce_cases())
    return Case(((case.arrays[0] > 0.5).astype(np.float64),), case.kwargs)


def as_float(fn):
    """fn's boolean result as 0.0 / 1.0, for comparing with assert_allclose."""
    def wrapped(*args, **kwargs):
        y = fn(*args, **kwargs)
        return backend.to_host(getattr(y, "data", y)).astype(np.float64)
    return wrapped


SPECS = [
    OpSpec("prod", F.prod, np.prod, reduce_cases(lo=-1.5, hi=1.5), forward_atol=1e-12),
    OpSpec("prod_with_zeros", F.prod, np.prod, with_zeros(reduce_cases(lo=-1.5, hi=1.5)), covers=("prod",)),
    OpSpec("var_ddof", F.var, ref_var, ddof_cases(), covers=("var",)),
    OpSpec("var_correction", F.var, ref_var, ddof_cases(torch_name=True), covers=("var",)),
    OpSpec("std", F.std, ref_std, ddof_cases()),
    OpSpec("std_correction", F.std, ref_std, ddof_cases(torch_name=True), covers=("std",)),
    OpSpec("norm", F.norm, ref_norm, norm_cases()),
    OpSpec("norm_at_zero", F.norm, ref_norm, norm_at_zero(), covers=("norm",), second_order=False),
    OpSpec("amax", F.amax, np.amax, reduce_cases(distinct=True)),
    OpSpec("amin", F.amin, np.amin, reduce_cases(distinct=True)),
    OpSpec("median", F.median, ref_median, reduce_cases(distinct=True)),
    OpSpec("argmax", F.argmax, np.argmax, nd_cases(tuple_axes=False), grad=False),
    OpSpec("argmin", F.argmin, np.argmin, nd_cases(tuple_axes=False), grad=False),
    OpSpec("any", as_float(F.any), as_float(np.any), bool_cases(), grad=False),
    OpSpec("all", as_float(F.all), as_float(np.all), bool_cases(), grad=False),
    OpSpec("cumsum", F.cumsum, _flat(np.cumsum), running_cases()),
    OpSpec("cumprod", F.cumprod, _flat(np.cumprod), cumprod_values()),
    OpSpec("cumprod_with_zeros", F.cumprod, _flat(np.cumprod), with_zeros(running_cases(lo=-1.5, hi=1.5)),
           covers=("cumprod",)),
    OpSpec("logcumsumexp", F.logcumsumexp, _flat(np.logaddexp.accumulate), running_cases()),
    OpSpec("logcumsumexp_wide", F.logcumsumexp, _flat(np.logaddexp.accumulate), wide_logcumsumexp(),
           covers=("logcumsumexp",), forward_atol=1e-9),
    OpSpec("cummax", lambda x, axis: F.cummax(x, axis).values, _flat(np.maximum.accumulate),
           running_cases(distinct=True)),
    OpSpec("cummin", lambda x, axis: F.cummin(x, axis).values, _flat(np.minimum.accumulate),
           running_cases(distinct=True)),
]
