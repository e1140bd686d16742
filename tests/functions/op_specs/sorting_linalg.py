"""Specs for sorting (sort, argsort, topk) and the linear algebra beyond
matmul and linear (einsum, outer, dot, inner, tensordot, inv, det, slogdet,
solve, cholesky). Values to sort are distinct (no ties); matrices to invert
are kept well conditioned."""
import numpy as np
from hypothesis import strategies as st

import minigrad as mg
import minigrad.functions as F
from . import Case, OpSpec, array, distinct_array, is_edge
from .reduction import sides


# -- sorting ---------------------------------------------------------------------

def zero_d_case(draw, **kwargs):
    """A 0-d array with axis 0 or -1, as PyTorch takes them (a rare edge)."""
    return Case((draw(distinct_array(())),), dict(kwargs, axis=draw(st.sampled_from([0, -1]))))


@st.composite
def sort_cases(draw):
    if is_edge(draw):
        return zero_d_case(draw, descending=draw(st.booleans()))
    s = draw(sides())
    return Case((draw(distinct_array(s)),), {"axis": draw(st.one_of(st.integers(-len(s), len(s) - 1), st.none())),
                                             "descending": draw(st.booleans())})


def ref_sort(x, axis, descending):
    if x.ndim == 0:   # PyTorch's sort of one element (NumPy takes no axis there)
        return x
    y = np.sort(x, axis=axis)
    return np.flip(y, axis=0 if axis is None else axis) if descending else y


def ref_argsort(x, axis, descending):
    if x.ndim == 0:
        return np.array(0)
    return np.argsort(-x if descending else x, axis=axis, kind="stable")


@st.composite
def topk_cases(draw):
    if is_edge(draw):
        return zero_d_case(draw, k=1, largest=draw(st.booleans()))
    s = draw(sides())
    axis = draw(st.integers(-len(s), len(s) - 1))
    return Case((draw(distinct_array(s)),), {"k": draw(st.integers(1, s[axis])), "axis": axis,
                                             "largest": draw(st.booleans())})


def topk_values(x, k, axis, largest):
    return F.topk(x, k, axis, largest)[0]


def topk_indices(x, k, axis, largest):
    return F.topk(x, k, axis, largest)[1]


def ref_topk_indices(x, k, axis, largest):
    if x.ndim == 0:
        return np.array(0)
    return np.take(np.argsort(-x if largest else x, axis=axis), np.arange(k), axis=axis)


def ref_topk_values(x, k, axis, largest):
    if x.ndim == 0:
        return x
    return np.take_along_axis(x, ref_topk_indices(x, k, axis, largest), axis)


# -- products ----------------------------------------------------------------------

LETTERS = "abcdef"


@st.composite
def einsum_cases(draw):
    """Random subscripts over 1 to 3 operands: shared, summed, repeated
    (diagonal) letters, sometimes '...' and sometimes an implicit output."""
    sizes = {c: draw(st.integers(2, 3)) for c in LETTERS}
    n_ops = draw(st.integers(1, 3))
    ops = [draw(st.lists(st.sampled_from(LETTERS[:4]), min_size=1, max_size=3)) for _ in range(n_ops)]
    ellipsis = draw(st.integers(0, 3)) == 0
    batch = (2,) if ellipsis else ()
    used = sorted(set("".join("".join(o) for o in ops)))
    implicit = draw(st.integers(0, 4)) == 0
    out = [c for c in draw(st.permutations(used)) if draw(st.booleans())]
    parts = [("..." if ellipsis else "") + "".join(o) for o in ops]
    spec = ",".join(parts) + ("" if implicit else "->" + ("..." if ellipsis else "") + "".join(out))
    arrays = tuple(draw(array(batch + tuple(sizes[c] for c in o), -2, 2)) for o in ops)
    return Case(arrays, {"subscripts": spec})


def call_einsum(*xs, subscripts):
    return F.einsum(subscripts, *xs)


def ref_einsum(*xs, subscripts):
    return np.einsum(subscripts, *xs)


@st.composite
def tensordot_cases(draw):
    sa = draw(sides(1, 3))
    k = draw(st.integers(0, len(sa)))
    if draw(st.booleans()):  # an int: a's last k axes with b's first k
        sb = sa[len(sa) - k:] + draw(sides(0, 2))
        return Case((draw(array(sa)), draw(array(sb))), {"axes": k})
    axes_a = tuple(draw(st.permutations(range(len(sa))))[:k])
    extra = draw(sides(0, 2))
    order = draw(st.permutations(range(k + len(extra))))
    pool = [sa[i] for i in axes_a] + list(extra)
    sb = tuple(pool[i] for i in order)
    axes_b = tuple(order.index(i) for i in range(k))
    return Case((draw(array(sa)), draw(array(sb))), {"axes": (axes_a, axes_b)})


@st.composite
def dot_cases(draw):
    kind = draw(st.sampled_from(["11", "22", "21", "12", "31", "32", "33", "0"]))
    n, k, m = draw(st.integers(2, 4)), draw(st.integers(2, 4)), draw(st.integers(2, 4))
    shapes = {"11": ((k,), (k,)), "22": ((n, k), (k, m)), "21": ((n, k), (k,)), "12": ((k,), (k, m)),
              "31": ((2, n, k), (k,)), "32": ((2, n, k), (k, m)), "33": ((2, n, k), (3, k, m)),
              "0": ((), (n, k))}[kind]
    return Case(tuple(draw(array(s)) for s in shapes))


@st.composite
def inner_cases(draw):
    k = draw(st.integers(2, 4))
    sa = draw(sides(0, 2)) + (k,)
    sb = draw(sides(0, 2)) + (k,)
    return Case((draw(array(sa)), draw(array(sb))))


@st.composite
def outer_cases(draw):
    return Case((draw(array(draw(sides(1, 2)))), draw(array(draw(sides(1, 2))))))


@st.composite
def square(draw, batched=True, dominant=True):
    """Square matrices (n = 2 to 4), some batched, with entries in [-1, 1];
    dominant: (n + 1) * identity added, so each diagonal entry exceeds the
    sum of the others in its row (invertible, well conditioned)."""
    n = draw(st.integers(2, 4))
    batch = draw(sides(0, 2, 1, 3)) if batched else ()
    return draw(array(batch + (n, n), -1, 1)) + (n + 1) * np.eye(n) * dominant


@st.composite
def matrix_cases(draw):
    return Case((draw(square()),))


@st.composite
def det_cases(draw):
    """Matrices with determinants of either sign, away from 0."""
    a = draw(square())
    if draw(st.booleans()):
        a = a[..., ::-1, :].copy()  # swap rows: negative determinants too
    return Case((a,))


@st.composite
def solve_cases(draw):
    a = draw(square())
    n = a.shape[-1]
    kind = draw(st.sampled_from(["matrix", "vector", "broadcast"]))
    if kind == "vector":
        b = draw(array((n,)))
    elif kind == "matrix":
        b = draw(array(a.shape[:-1] + (draw(st.integers(1, 3)),)))
    else:
        b = draw(array((2,) + (n, draw(st.integers(1, 3)))))
        a = a.reshape((-1, n, n))[:1]
    return Case((a, b))


def spd(a):
    """a a^T + I: symmetric positive definite, as an op of minigrad."""
    n = a.shape[-1]
    return F.matmul(a, F.swapaxes(a, -1, -2)) + _eye(n, a)


def _eye(n, like):
    """I (n, n) on like's device (tests may run on another device: tests/device/device.py)."""
    return mg.Variable(np.eye(n), requires_grad=False).to(like.device)


def ref_spd(a):
    return a @ np.swapaxes(a, -1, -2) + np.eye(a.shape[-1])


SPECS = [
    OpSpec("sort", F.sort, ref_sort, sort_cases()),
    OpSpec("argsort", F.argsort, ref_argsort, sort_cases(), grad=False),
    OpSpec("topk", topk_values, ref_topk_values, topk_cases()),
    OpSpec("topk_indices", topk_indices, ref_topk_indices, topk_cases(), covers=("topk",), grad=False),
    OpSpec("einsum", call_einsum, ref_einsum, einsum_cases(), forward_atol=1e-9),
    OpSpec("tensordot", F.tensordot, np.tensordot, tensordot_cases(), forward_atol=1e-9),
    OpSpec("dot", F.dot, np.dot, dot_cases(), forward_atol=1e-9),
    OpSpec("inner", F.inner, np.inner, inner_cases(), forward_atol=1e-9),
    OpSpec("outer", F.outer, np.outer, outer_cases()),
    OpSpec("inv", F.inv, np.linalg.inv, matrix_cases(), forward_atol=1e-9),
    OpSpec("det", F.det, np.linalg.det, det_cases(), forward_atol=1e-9),
    OpSpec("slogdet", lambda x: F.slogdet(x)[1], lambda x: np.linalg.slogdet(x)[1], det_cases(),
           forward_atol=1e-9),
    OpSpec("slogdet_sign", lambda x: F.slogdet(x)[0], lambda x: np.linalg.slogdet(x)[0], det_cases(),
           covers=("slogdet",), grad=False),
    OpSpec("solve", F.solve, np.linalg.solve, solve_cases(), forward_atol=1e-9),
    OpSpec("cholesky", lambda a: F.cholesky(spd(a)), lambda a: np.linalg.cholesky(ref_spd(a)),
           st.builds(lambda a: Case((a,)), square(dominant=False)), forward_atol=1e-9),
]
