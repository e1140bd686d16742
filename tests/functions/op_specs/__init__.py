"""The op table: one declaration per public function of minigrad.functions.

An `OpSpec` says how to call the op (`fn`, taking Variables), what NumPy
computes for it (`ref`, taking arrays), and a hypothesis strategy `cases`
drawing `Case(arrays, kwargs)`: the float64 inputs and the op's settings.
tests/functions/test_ops.py turns every spec into forward, gradcheck and
gradgradcheck property tests. Each family module lists its specs in SPECS.
"""
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@dataclass
class Case:
    arrays: tuple
    kwargs: dict = field(default_factory=dict)
    ref_kwargs: dict = None   # the NumPy reference's settings, where they differ from kwargs

    def reference_kwargs(self):
        return self.kwargs if self.ref_kwargs is None else self.ref_kwargs

    def __repr__(self):
        shapes = [a.shape for a in self.arrays]
        return f"Case(shapes={shapes}, kwargs={self.kwargs}, arrays={self.arrays})"


@dataclass
class OpSpec:
    name: str                       # test id
    fn: object                      # minigrad callable: fn(*Variables, **kwargs) -> Variable
    ref: object                     # NumPy reference: ref(*arrays, **kwargs) -> ndarray (None: no forward check)
    cases: object                   # strategy of Case
    covers: tuple = ()              # public names of minigrad.functions this spec tests (default: name)
    grad: bool = True               # differentiable (False for accuracy)
    second_order: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    forward_atol: float = 1e-10
    scalar_inputs: tuple = ()       # inputs 0-d by design (masked_fill's value): not edge cases

    def __post_init__(self):
        if not self.covers:
            self.covers = (self.name,)

    def __repr__(self):
        return f"OpSpec({self.name})"


# -- value strategies ------------------------------------------------------------

def floats(lo=-3.0, hi=3.0, avoid=(), margin=0.05):
    """Finite float64 values in [lo, hi], kept at least `margin` away from
    each point in `avoid` (kinks such as 0 for relu and abs)."""
    values = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if avoid:
        values = values.filter(lambda v: all(abs(v - a) >= margin for a in avoid))
    return values


def array(shape, lo=-3.0, hi=3.0, avoid=(), margin=0.05):
    """A float64 array strategy of `shape` with elements from `floats`."""
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi, avoid, margin))


def distinct_array(shape, lo=-3.0, hi=3.0, gap=0.02):
    """A float64 array whose elements differ pairwise by at least `gap`
    (no ties: for max, min, sorting-like ops)."""
    n = int(np.prod(shape)) if shape else 1

    def build(perm_and_jitter):
        perm, jitter = perm_and_jitter
        grid = np.linspace(lo, hi, max(n, 2))[:n] if n > 1 else np.array([(lo + hi) / 2])
        step = (hi - lo) / max(n - 1, 1)
        values = grid[np.array(perm, dtype=int)] + np.array(jitter) * (step - gap) / 2 if n else grid
        return np.asarray(values, dtype=np.float64).reshape(shape)

    return st.tuples(st.permutations(range(n)),
                     st.lists(st.floats(-1, 1), min_size=n, max_size=n)).map(build)


# About one case in EDGE_ODDS is an edge case (0-d, an empty axis, a size-1 axis);
# the rest have at least 2 along every axis, where the interesting bugs live
# (an axis mixed up with another, a sum over the wrong one, a missing
# broadcast). Hypothesis draws its simplest example first; that is a main
# case here, since the edge branch needs a draw from the middle of the range.
EDGE_ODDS = 20


def is_edge(draw):
    """Whether this case is one of the rare edge cases."""
    return draw(st.integers(0, EDGE_ODDS - 1)) == EDGE_ODDS // 2   # not an end: Hypothesis favours those


@st.composite
def shape(draw, min_dims=0, max_dims=3, min_side=1, max_side=3):
    """A shape of min_dims..max_dims axes. Mostly every side is 2..max_side;
    about one case in EDGE_ODDS is an edge: 0-d (when min_dims is 0), or one
    side of min_side (0: an empty array; 1: a size-1 axis)."""
    main_dims = max(min_dims, 1) if max_dims >= 1 else 0
    s = draw(hnp.array_shapes(min_dims=main_dims, max_dims=max(max_dims, main_dims),
                              min_side=max(2, min_side), max_side=max(max_side, 2))) if main_dims else ()
    if not is_edge(draw) or min_side >= 2:
        return s
    if min_dims == 0 and draw(st.booleans()):
        return ()
    if not s:
        return s
    axis = draw(st.integers(0, len(s) - 1))
    return s[:axis] + (min_side,) + s[axis + 1:]


# -- case strategies ---------------------------------------------------------------

def unary(lo=-3.0, hi=3.0, avoid=(), margin=0.05, min_side=0, max_dims=3, **kwargs):
    """One array: mostly 1 to max_dims axes of 2..4; rarely 0-d, empty
    (min_side 0) or with a size-1 axis."""
    return shape(max_dims=max_dims, min_side=min_side).flatmap(
        lambda s: array(s, lo, hi, avoid, margin)).map(lambda a: Case((a,), dict(kwargs)))


@st.composite
def broadcast_shapes(draw, n=2, min_side=0, max_dims=3, anchor=None):
    """n shapes that broadcast together to a result of sides 2..4: one input
    has the result's shape, the others drop leading axes or have size-1
    axes (`anchor` says which input has the result's shape; None: any).
    Rarely an edge: an input that is 0-d, or (min_side 0) an empty axis."""
    result = draw(shape(min_dims=1, max_dims=max_dims, min_side=2))
    anchor = draw(st.integers(0, n - 1)) if anchor is None else anchor
    shapes = []
    for i in range(n):
        if i == anchor:
            shapes.append(result)
            continue
        kept = result[draw(st.integers(0, len(result) - 1)):]   # 0-d only as an edge
        shapes.append(tuple(1 if draw(st.booleans()) else side for side in kept))
    if is_edge(draw):
        if min_side == 0 and draw(st.booleans()):   # an empty axis, broadcast against 1s
            back = draw(st.integers(1, len(result)))   # the axis, counted from the end
            shapes = [s[:len(s) - back] + (0,) + s[len(s) - back + 1:] if len(s) >= back and s[-back] != 1
                      else s for s in shapes]
        else:
            shapes[draw(st.sampled_from([i for i in range(n) if i != anchor] or [anchor]))] = ()
    return shapes


def broadcasting(n=2, lo=-3.0, hi=3.0, avoid=(), margin=0.05, min_side=0, max_dims=3):
    """n arrays of mutually broadcastable shapes (see broadcast_shapes)."""
    return broadcast_shapes(n, min_side, max_dims).flatmap(
        lambda shapes: st.tuples(*[array(s, lo, hi, avoid, margin) for s in shapes])
    ).map(lambda arrays: Case(tuple(arrays)))


@st.composite
def with_axis(draw, lo=-3.0, hi=3.0, distinct=False, min_side=0, min_dims=0, keepdims=True,
              tuple_axes=True, allow_none=True, empty_ok=True):
    """One array plus `axis` (None, an int, negative ints, or a tuple) and
    `keepdims`, for reductions and axis-wise ops."""
    s = draw(shape(min_dims=min_dims, min_side=min_side if empty_ok else max(min_side, 1)))
    a = draw(distinct_array(s, lo, hi) if distinct else array(s, lo, hi))
    ndim = len(s)
    choices = []
    if allow_none:
        choices.append(st.none())
    if ndim:
        choices.append(st.integers(-ndim, ndim - 1))
        if tuple_axes:
            choices.append(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1, max_size=ndim).map(tuple))
    else:  # PyTorch's rule: a 0-d array takes axis 0 or -1, its whole (NumPy's axis None)
        choices.append(st.sampled_from([0, -1]))
    axis = draw(st.one_of(*choices)) if choices else None
    kwargs = {"axis": axis}
    if keepdims:
        kwargs["keepdims"] = draw(st.booleans())
    return Case((a,), kwargs, dict(kwargs, axis=None) if not ndim else None)
