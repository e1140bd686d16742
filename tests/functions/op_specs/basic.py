"""Specs for arithmetic, elementwise math, reductions, shape ops and matmul."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functions as F
from . import Case, OpSpec, array, broadcast_shapes, broadcasting, is_edge, shape, unary, with_axis


@st.composite
def scalar_operand(draw, lo=-3.0, hi=3.0, scalar_lo=-2.0, scalar_hi=2.0, avoid=()):
    """An array and a Python float, in either order (Variable op scalar)."""
    a = draw(shape().flatmap(lambda s: array(s, lo, hi)))
    c = draw(st.floats(scalar_lo, scalar_hi).filter(lambda v: all(abs(v - p) > 0.1 for p in avoid)))
    return Case((a,), {"c": c, "scalar_first": draw(st.booleans())})


def with_scalar(op):
    def fn(x, c, scalar_first):
        return op(c, x) if scalar_first else op(x, c)
    return fn


@st.composite
def pow_cases(draw):
    a_shape, b_shape = draw(broadcast_shapes(2))
    return Case((draw(array(a_shape, 0.5, 2.0)), draw(array(b_shape, -2.0, 2.0))))


@st.composite
def matmul_cases(draw):
    """Matrix by matrix (most often batched, with broadcasting batch axes),
    matrix by vector, vector by matrix, vector by vector; sides 2..4. Rarely
    an edge: an inner size of 0 (an empty sum) or of 1."""
    n, k, m = draw(st.integers(2, 4)), draw(st.integers(2, 4)), draw(st.integers(2, 4))
    if is_edge(draw):
        k = draw(st.sampled_from([0, 1]))
    kind = draw(st.sampled_from(["batched", "mm", "batched", "mv", "vm", "batched", "vv"]))
    if kind == "mm":
        shapes = (n, k), (k, m)
    elif kind == "vm":
        shapes = (k,), (k, m)
    elif kind == "mv":
        shapes = (n, k), (k,)
    elif kind == "vv":
        shapes = (k,), (k,)
    else:
        batch_a, batch_b = draw(broadcast_shapes(2, min_side=2, max_dims=2))
        if draw(st.booleans()):   # one side unbatched: (B, n, k) @ (k, m)
            batch_b = ()
        shapes = batch_a + (n, k), batch_b + (k, m)
    return Case(tuple(draw(array(s)) for s in shapes))


@st.composite
def reshape_cases(draw):
    s = draw(shape(min_side=0))
    a = draw(array(s))
    size = a.size
    if size == 0:
        target = draw(st.sampled_from([(0,), (0, 3), (2, 0)]))
    else:
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        d = draw(st.sampled_from(divisors))
        target = draw(st.sampled_from([(d, size // d), (size,), (-1, d), (size // d, 1, d)]))
    return Case((a,), {"shape": target})


@st.composite
def transpose_cases(draw):
    s = draw(shape(min_side=0))
    a = draw(array(s))
    axes = draw(st.one_of(st.none(), st.permutations(range(len(s))).map(tuple)))
    return Case((a,), {"axes": axes})


@st.composite
def small_and_broadcast(draw):
    """(small, result): small broadcasts to result, keeping at least one of
    its sides (all 1s, one element, is the edge: 0-d)."""
    result, small = draw(broadcast_shapes(2, min_side=2, anchor=0))
    if small and all(side == 1 for side in small):
        small = small[:-1] + result[-1:]
    return small, result


@st.composite
def broadcast_cases(draw):
    small, result = draw(small_and_broadcast())
    return Case((draw(array(small)),), {"shape": result})


@st.composite
def sum_to_cases(draw):
    small, result = draw(small_and_broadcast())
    return Case((draw(array(result)),), {"shape": small})


@st.composite
def get_item_cases(draw):
    s = draw(shape(min_dims=1, min_side=2))
    a = draw(array(s))
    kind = draw(st.sampled_from(["int", "slice", "array", "mixed", "bool"]))
    if kind == "int":
        index = draw(st.integers(-s[0], s[0] - 1))
    elif kind == "slice":
        index = slice(draw(st.integers(0, s[0])), None, draw(st.sampled_from([1, 2, -1])))
    elif kind == "array":  # repeats allowed: their gradients must add up
        index = np.array(draw(st.lists(st.integers(0, s[0] - 1), min_size=1, max_size=5)), dtype=np.intp)
    elif kind == "mixed":
        index = (Ellipsis, None, slice(None, None, -1)) if len(s) >= 1 else Ellipsis
    else:
        index = draw(hnp.arrays(bool, s[:1]))
    return Case((a,), {"index": index})


def apart(case):
    """a on multiples of 0.2 and b halfway between them: never a tie, and
    never closer than 0.1 (no filter, so nothing is thrown away)."""
    a, b = case.arrays
    return Case((np.round(a * 5) / 5, np.round(b * 5) / 5 + 0.1))


def ref_sum_to(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1)
    return np.sum(x, axis=axes, keepdims=True).reshape(shape) if axes else x.reshape(shape)


SPECS = [
    OpSpec("add", F.add, np.add, broadcasting(2)),
    OpSpec("sub", F.sub, np.subtract, broadcasting(2)),
    OpSpec("mul", F.mul, np.multiply, broadcasting(2)),
    OpSpec("div", F.div, np.divide, broadcasting(2, lo=0.5, hi=3.0)),
    OpSpec("neg", F.neg, np.negative, unary()),
    OpSpec("copy", F.copy, np.copy, unary()),
    OpSpec("astype", lambda x: F.astype(x, np.float64), lambda a: a.astype(np.float64), unary()),
    OpSpec("to", lambda x: F.to(x, np.float64, copy=True), np.copy, unary()),
    OpSpec("pow", F.pow, np.power, pow_cases()),
    OpSpec("add_scalar", with_scalar(F.add), lambda x, c, scalar_first: x + c, scalar_operand(), covers=("add",)),
    OpSpec("sub_scalar", with_scalar(F.sub), lambda x, c, scalar_first: c - x if scalar_first else x - c,
           scalar_operand(), covers=("sub",)),
    OpSpec("mul_scalar", with_scalar(F.mul), lambda x, c, scalar_first: x * c, scalar_operand(), covers=("mul",)),
    OpSpec("div_scalar", with_scalar(F.div), lambda x, c, scalar_first: c / x if scalar_first else x / c,
           scalar_operand(lo=0.5, hi=3.0, avoid=(0.0,)), covers=("div",)),
    OpSpec("pow_scalar_exponent", lambda x, c: F.pow(x, c), lambda x, c: x ** c,
           st.tuples(unary(0.5, 2.0), st.sampled_from([0, 1, 2, 3, -1, 0.5, 2.5])).map(
               lambda t: Case(t[0].arrays, {"c": t[1]})), covers=("pow",)),
    OpSpec("pow_scalar_base", lambda x, c: F.pow(c, x), lambda x, c: c ** x,
           st.tuples(unary(-2.0, 2.0), st.floats(0.5, 3.0)).map(lambda t: Case(t[0].arrays, {"c": t[1]})),
           covers=("pow",)),
    OpSpec("exp", F.exp, np.exp, unary(-2, 2)),
    OpSpec("log", F.log, np.log, unary(0.3, 3)),
    OpSpec("sqrt", F.sqrt, np.sqrt, unary(0.3, 3)),
    OpSpec("sin", F.sin, np.sin, unary()),
    OpSpec("cos", F.cos, np.cos, unary()),
    OpSpec("tan", F.tan, np.tan, unary(-1.2, 1.2)),
    OpSpec("tanh", F.tanh, np.tanh, unary()),
    OpSpec("abs", F.abs, np.abs, unary(avoid=(0.0,))),
    OpSpec("clip", lambda x: F.clip(x, -1.0, 1.5), lambda x: np.clip(x, -1.0, 1.5), unary(avoid=(-1.0, 1.5))),
    OpSpec("maximum", F.maximum, np.maximum, broadcasting(2).map(apart)),
    OpSpec("minimum", F.minimum, np.minimum, broadcasting(2).map(apart)),
    OpSpec("where", lambda a, b, cond: F.where(cond, a, b), lambda a, b, cond: np.where(cond, a, b),
           broadcasting(3).map(lambda c: Case(c.arrays[1:], {"cond": c.arrays[0] > 0}))),
    OpSpec("sum", F.sum, np.sum, with_axis()),
    OpSpec("mean", F.mean, np.mean, with_axis(empty_ok=False)),
    OpSpec("max", F.max, np.max, with_axis(distinct=True, empty_ok=False)),
    OpSpec("min", F.min, np.min, with_axis(distinct=True, empty_ok=False)),
    OpSpec("reshape", F.reshape, np.reshape, reshape_cases()),
    OpSpec("transpose", F.transpose, np.transpose, transpose_cases()),
    OpSpec("broadcast_to", F.broadcast_to, np.broadcast_to, broadcast_cases()),
    OpSpec("sum_to", F.sum_to, ref_sum_to, sum_to_cases()),
    OpSpec("get_item", F.get_item, lambda x, index: x[index], get_item_cases()),
    OpSpec("matmul", F.matmul, np.matmul, matmul_cases()),
]
