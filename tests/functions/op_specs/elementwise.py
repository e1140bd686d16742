"""Specs for minigrad/functions/elementwise.py: one-input functions over
their domains (kinks and jumps kept away from), two- and three-input
functions over broadcasting shapes, rounding (zero gradient) and the value
tests (boolean results, not differentiable).

Shapes are mostly non-trivial (2 to 4 along each axis, 1 to 3 axes); about
1 draw in 20 is 0-d or empty.
"""
import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functions as F
from . import Case, OpSpec, array, broadcast_shapes, floats, is_edge

# The forward uses scipy.special; the references are the standard library's
# (digamma and polygamma: their series, not SciPy).
_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])
_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def _polygamma(n, x, terms=2000):
    """psi^(n)(x) for x > 0: (-1)**(n+1) n! sum_k 1/(x+k)**(n+1) for n >= 1,
    the tail summed as an integral (Euler-Maclaurin); digamma (n = 0) from
    psi(x) = ln(x + K) - sum_k 1/(x + k) - 1/(2 (x + K)) + 1/(12 (x + K)**2)."""
    x = np.asarray(x, dtype=np.float64)[..., None]
    k = np.arange(terms)
    tail = x[..., 0] + terms
    if n == 0:
        return (np.log(tail) - (1 / (x + k)).sum(-1) - 1 / (2 * tail) - 1 / (12 * tail ** 2))
    series = (1 / (x + k) ** (n + 1)).sum(-1) + 1 / (n * tail ** n) + 1 / (2 * tail ** (n + 1))
    return (-1.0) ** (n + 1) * math.factorial(n) * series

INTEGERS = tuple(float(i) for i in range(-6, 7))
HALVES = tuple(i + 0.5 for i in range(-6, 6))


@st.composite
def main_shape(draw):
    """Mostly 1 to 3 axes of 2 to 4; rarely (one draw in EDGE_ODDS) a 0-d or
    empty shape."""
    if is_edge(draw):
        return draw(st.sampled_from([(), (0,), (2, 0)]))
    return draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))


def unary(lo=-3.0, hi=3.0, avoid=(), margin=0.05, **kwargs):
    """One array of a `main_shape`, values in [lo, hi] away from `avoid`."""
    return main_shape().flatmap(lambda s: array(s, lo, hi, avoid, margin)).map(
        lambda a: Case((a,), dict(kwargs)))


@st.composite
def broadcasting(draw, n=2, ranges=((-3.0, 3.0),), avoid=((),), margin=0.05):
    """n arrays whose shapes broadcast to a `main_shape` (some axes 1 or
    missing); input i takes its values from ranges[i] away from avoid[i]
    (the last entry serves the rest)."""
    arrays = []
    for i, s in enumerate(draw(broadcast_shapes(n=n))):
        lo, hi = ranges[min(i, len(ranges) - 1)]
        arrays.append(draw(array(s, lo, hi, avoid[min(i, len(avoid) - 1)], margin)))
    return Case(tuple(arrays))


def away_from_jumps(case, gap=0.01):
    """fmod and remainder jump where a / b is an integer: keep a / b away."""
    q = np.divide(*case.arrays)
    return bool(np.all(np.abs(q - np.round(q)) > gap))


@st.composite
def lerp_cases(draw):
    """a, b and w broadcasting, or w a Python number."""
    if draw(st.booleans()):
        return draw(broadcasting(3))
    case = draw(broadcasting(2))
    return Case(case.arrays, {"w": draw(st.floats(-1.0, 2.0))})


def with_nonfinite(shape):
    return hnp.arrays(np.float64, shape, elements=st.one_of(
        floats(-3, 3), st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1.0])))


def nonfinite_unary():
    return main_shape().flatmap(with_nonfinite).map(lambda a: Case((a,)))


@st.composite
def isclose_cases(draw):
    """Pairs equal, nearly equal or far apart, NaN and inf included."""
    a = draw(main_shape().flatmap(with_nonfinite))
    if draw(st.booleans()):
        b = a * draw(st.sampled_from([1.0, 1 + 1e-9, 1 + 1e-3]))
    else:
        b = draw(with_nonfinite(a.shape[1:] if a.ndim >= 2 else a.shape))  # broadcasts along the first axis
    kwargs = draw(st.sampled_from([{}, {"equal_nan": True}, {"rtol": 1e-2, "atol": 0.0}]))
    return Case((a, b), kwargs)


def logical_cases(n):
    """n arrays of 0s, 1s and other numbers (nonzero is true)."""
    values = st.sampled_from([0.0, 1.0, -2.5, 0.0])
    return main_shape().flatmap(lambda s: st.tuples(*[hnp.arrays(np.float64, s, elements=values)
                                                      for _ in range(n)])).map(lambda arrays: Case(arrays))


def step(fn, ref, avoid):
    """A rounding op: zero gradient, checked away from its jumps."""
    return OpSpec(fn.__name__, fn, ref, unary(-5.0, 5.0, avoid=avoid, margin=0.01))


SPECS = [
    OpSpec("asin", F.asin, np.arcsin, unary(-0.95, 0.95)),
    OpSpec("acos", F.acos, np.arccos, unary(-0.95, 0.95)),
    OpSpec("atan", F.atan, np.arctan, unary()),
    OpSpec("atan2", F.atan2, np.arctan2,  # away from the origin and from the cut along y = 0, x < 0
           broadcasting(2, avoid=((0.0,),), margin=0.2)),
    OpSpec("sinh", F.sinh, np.sinh, unary(-2.5, 2.5)),
    OpSpec("cosh", F.cosh, np.cosh, unary(-2.5, 2.5)),
    OpSpec("asinh", F.asinh, np.arcsinh, unary()),
    OpSpec("acosh", F.acosh, np.arccosh, unary(1.1, 4.0)),
    OpSpec("atanh", F.atanh, np.arctanh, unary(-0.9, 0.9)),
    OpSpec("log2", F.log2, np.log2, unary(0.3, 4.0)),
    OpSpec("log10", F.log10, np.log10, unary(0.3, 4.0)),
    OpSpec("log1p", F.log1p, np.log1p, unary(-0.7, 3.0)),
    OpSpec("expm1", F.expm1, np.expm1, unary(-2.5, 2.5)),
    OpSpec("exp2", F.exp2, np.exp2, unary(-2.5, 2.5)),
    OpSpec("erf", F.erf, _erf, unary(-2.5, 2.5)),
    OpSpec("erfc", F.erfc, _erfc, unary(-2.5, 2.5)),
    OpSpec("logit", F.logit, lambda p: np.log(p / (1 - p)), unary(0.05, 0.95)),
    OpSpec("logit_eps", lambda p: F.logit(p, eps=0.2), lambda p: np.log(np.clip(p, 0.2, 0.8) / np.clip(1 - p, 0.2, 0.8)),
           unary(0.02, 0.98, avoid=(0.2, 0.8)), covers=("logit",)),
    OpSpec("xlogy", F.xlogy, lambda a, b: a * np.log(b), broadcasting(2, ranges=((-3.0, 3.0), (0.3, 4.0)))),
    OpSpec("lgamma", F.lgamma, _lgamma, unary(0.3, 5.0)),
    OpSpec("digamma", F.digamma, lambda x: _polygamma(0, x), unary(0.3, 5.0), forward_atol=1e-8),
    OpSpec("polygamma", lambda x: F.polygamma(1, x), lambda x: _polygamma(1, x), unary(0.3, 5.0),
           forward_atol=1e-8),
    OpSpec("polygamma_3", lambda x: F.polygamma(3, x), lambda x: _polygamma(3, x), unary(0.5, 5.0),
           forward_atol=1e-8, covers=("polygamma",)),
    OpSpec("square", F.square, np.square, unary()),
    OpSpec("reciprocal", F.reciprocal, np.reciprocal, unary(avoid=(0.0,), margin=0.3)),
    OpSpec("rsqrt", F.rsqrt, lambda x: 1 / np.sqrt(x), unary(0.3, 4.0)),
    OpSpec("cbrt", F.cbrt, lambda x: np.sign(x) * np.abs(x) ** (1 / 3), unary(avoid=(0.0,), margin=0.3)),
    OpSpec("hypot", F.hypot, lambda a, b: np.sqrt(a * a + b * b), broadcasting(2, avoid=((0.0,),), margin=0.2)),
    OpSpec("logaddexp", F.logaddexp, lambda a, b: np.log(np.exp(a) + np.exp(b)), broadcasting(2)),
    OpSpec("lerp", F.lerp, lambda a, b, w: a + w * (b - a), lerp_cases()),
    OpSpec("fmod", F.fmod, np.fmod, broadcasting(2, ranges=((-5.0, 5.0), (0.5, 2.0))).filter(away_from_jumps)),
    OpSpec("fmod_negative_divisor", F.fmod, np.fmod,
           broadcasting(2, ranges=((-5.0, 5.0), (-2.0, -0.5))).filter(away_from_jumps), covers=("fmod",)),
    OpSpec("remainder", F.remainder, np.remainder,
           broadcasting(2, ranges=((-5.0, 5.0), (-2.0, 2.0)), avoid=((), (0.0,)), margin=0.5).filter(away_from_jumps)),
    OpSpec("remainder_scalar_divisor", lambda a: F.remainder(a, 1.5), lambda a: np.remainder(a, 1.5),
           unary(-5.0, 5.0, avoid=tuple(1.5 * k for k in range(-4, 5)), margin=0.01), covers=("remainder",)),
    step(F.sign, np.sign, (0.0,)),
    step(F.floor, np.floor, INTEGERS),
    step(F.ceil, np.ceil, INTEGERS),
    step(F.round, np.round, HALVES),
    OpSpec("round_decimals", lambda x: F.round(x, 1), lambda x: np.round(x, 1),
           unary(-2.0, 2.0, avoid=tuple(k / 10 + 0.05 for k in range(-21, 21)), margin=0.005), covers=("round",)),
    step(F.trunc, np.trunc, INTEGERS),
    # clip (in math.py) with lo > hi: hi everywhere, as np.clip and torch.clamp.
    OpSpec("clip_lo_above_hi", lambda x: F.clip(x, 1.0, -0.5), lambda x: np.clip(x, 1.0, -0.5), unary(),
           covers=("clip",)),
    OpSpec("isnan", F.isnan, np.isnan, nonfinite_unary(), grad=False),
    OpSpec("isinf", F.isinf, np.isinf, nonfinite_unary(), grad=False),
    OpSpec("isfinite", F.isfinite, np.isfinite, nonfinite_unary(), grad=False),
    OpSpec("isclose", F.isclose, np.isclose, isclose_cases(), grad=False),
    OpSpec("logical_and", F.logical_and, np.logical_and, logical_cases(2), grad=False),
    OpSpec("logical_or", F.logical_or, np.logical_or, logical_cases(2), grad=False),
    OpSpec("logical_not", F.logical_not, np.logical_not, logical_cases(1), grad=False),
]
