"""Specs for PyTorch's everyday functions of issue 21 (API.md "More of NumPy
and PyTorch"): copysign, floor_divide and div's rounding modes, remainder
with a number, softplus's beta and threshold, sum/prod with dtype=,
negative pad widths (cropping), and the bitwise ops on integer and bool
arrays (nd).
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functions as F
from . import Case, OpSpec, array, broadcast_shapes, shape
from .elementwise import away_from_jumps, broadcasting, unary
from .reduction import reduce_cases


def ref_div(a, b, rounding_mode):
    return np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(a / b)


@st.composite
def div_cases(draw):
    case = draw(broadcasting(2, ranges=((-5.0, 5.0), (0.5, 2.0))).filter(away_from_jumps))
    b = case.arrays[1] * draw(st.sampled_from([1.0, -1.0]))
    return Case((case.arrays[0], b), {"rounding_mode": draw(st.sampled_from(["trunc", "floor"]))})


@st.composite
def softplus_cases(draw):
    """beta and threshold PyTorch's defaults or not; x away from the switch
    to the identity at x = threshold / beta (a kink)."""
    beta, threshold = draw(st.sampled_from([(1.0, 20.0), (2.0, 2.0), (0.5, 1.0), (3.0, 30.0)]))
    return draw(unary(-5.0, 5.0, avoid=(threshold / beta,), margin=0.05, beta=beta, threshold=threshold))


def ref_softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


@st.composite
def negative_pad_cases(draw):
    """Widths from -2 to 2 per side, never cropping more than an axis holds."""
    a = draw(shape(min_dims=1, min_side=2).flatmap(array))
    widths = []
    for n in a.shape:
        before = draw(st.integers(-min(2, n), 2))
        widths.append((before, draw(st.integers(-min(2, n + min(before, 0)), 2))))
    return Case((a,), {"pad_width": tuple(widths), "value": draw(st.floats(-2, 2))})


def ref_negative_pad(x, pad_width, value):
    cropped = x[tuple(slice(-min(b, 0), n + min(e, 0)) for (b, e), n in zip(pad_width, x.shape))]
    return np.pad(cropped, [(max(b, 0), max(e, 0)) for b, e in pad_width], constant_values=value)


def with_dtype(dtype):
    return reduce_cases(lo=-1.5, hi=1.5).map(lambda case: Case(case.arrays, dict(case.kwargs, dtype=dtype)))


@st.composite
def integers(draw, lo, hi, kinds=(np.int64, np.int32, np.bool_)):
    """Pairs of integer (or bool) arrays that broadcast, values in [lo, hi]."""
    dtype = draw(st.sampled_from(kinds))
    elements = st.booleans() if dtype is np.bool_ else st.integers(lo, hi)
    return Case(tuple(draw(hnp.arrays(dtype, s, elements=elements)) for s in draw(broadcast_shapes(n=2))))


@st.composite
def shifts(draw):
    """An integer array and shift counts 0..6 (negative counts are undefined in C)."""
    a, b = draw(broadcast_shapes(n=2))
    return Case((draw(hnp.arrays(np.int64, a, elements=st.integers(-100, 100))),
                 draw(hnp.arrays(np.int64, b, elements=st.integers(0, 6)))))


def between_jumps(case):
    """a and b moved so that a / b lies halfway between integers, where
    floor division is flat: b in {0.5, 1, 2} (its sign kept) and a an odd
    multiple of 0.25, so a / b ends in .5, .25, .75 or .125 ... (a filter
    would throw away most larger arrays, leaving trivial cases)."""
    a, b = case.arrays
    a = 0.25 * (2 * np.floor(a * 2) + 1)
    b = np.sign(b) * 2.0 ** np.round(np.log2(np.abs(b)))
    return Case((a, b), case.kwargs)


SPECS = [
    OpSpec("copysign", F.copysign, np.copysign, broadcasting(2, avoid=((0.0,), (0.0,)), margin=0.1)),
    OpSpec("floor_divide", F.floor_divide, np.floor_divide,
           broadcasting(2, ranges=((-5.0, 5.0), (0.5, 2.0))).map(between_jumps)),
    OpSpec("floor_divide_operator", lambda a, b: a // b, np.floor_divide,
           broadcasting(2, ranges=((-5.0, 5.0), (-2.0, -0.5))).map(between_jumps), covers=("floor_divide",)),
    OpSpec("div_rounding_mode", F.div, ref_div, div_cases(), covers=("div",)),
    OpSpec("remainder_operator", lambda a: a % 1.5, lambda a: np.remainder(a, 1.5),
           unary(-5.0, 5.0, avoid=tuple(1.5 * k for k in range(-4, 5)), margin=0.01), covers=("remainder",)),
    OpSpec("softplus_beta_threshold", F.softplus, ref_softplus, softplus_cases(), covers=("softplus",)),
    OpSpec("sum_dtype", F.sum, np.sum, with_dtype(np.float64), covers=("sum",)),
    OpSpec("sum_dtype_int", F.sum, np.sum, with_dtype(np.int64), covers=("sum",), grad=False),
    OpSpec("prod_dtype", F.prod, np.prod, with_dtype(np.float64), covers=("prod",), forward_atol=1e-12),
    OpSpec("pad_negative", F.pad, ref_negative_pad, negative_pad_cases(), covers=("pad",)),
    OpSpec("bitwise_and", F.bitwise_and, np.bitwise_and, integers(-100, 100), grad=False),
    OpSpec("bitwise_or", F.bitwise_or, np.bitwise_or, integers(-100, 100), grad=False),
    OpSpec("bitwise_xor", F.bitwise_xor, np.bitwise_xor, integers(-100, 100), grad=False),
    OpSpec("bitwise_operators", lambda a, b: (a & b) ^ (a | b), lambda a, b: (a & b) ^ (a | b),
           integers(-100, 100), grad=False, covers=("bitwise_and", "bitwise_or", "bitwise_xor")),
    OpSpec("bitwise_not", lambda a, b: ~a, lambda a, b: ~a, integers(-100, 100), grad=False),
    OpSpec("left_shift", F.left_shift, np.left_shift, shifts(), grad=False),
    OpSpec("right_shift", F.right_shift, np.right_shift, shifts(), grad=False),
    OpSpec("shift_operators", lambda a, b: (a << b) >> 1, lambda a, b: (a << b) >> 1, shifts(), grad=False,
           covers=("left_shift", "right_shift")),
]
