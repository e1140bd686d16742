"""Specs for the NumPy functions of issue 21: ravel, the stacking and
splitting helpers (vstack ... dsplit), append, diff, trapezoid, kron,
cross, flipud/fliplr/rot90, meshgrid, fmax/fmin, nan_to_num, sinc, the
angle conversions, real/imag, einsum's sublist form, and the
decompositions svd, eigh, qr, pinv with matrix_power and the singular-value
norms. Decompositions are drawn with well-separated singular values (or
eigenvalues), where their gradients are defined, and checked through
functions their sign conventions do not change (U**2, U diag(w) Vh ...)."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
import minigrad.functions as F
from . import Case, OpSpec, array, is_edge, shape, unary
from .reduction import sides


def joined(split_fn, concat_fn, ravel_fn):
    """A function giving several arrays as one: each raveled, scaled by 1, 2,
    3 ... (so the pieces stay apart) and joined."""
    def fn(*args, **kwargs):
        return concat_fn([ravel_fn(p) * (i + 1) for i, p in enumerate(split_fn(*args, **kwargs))])
    return fn


def both(f):
    """(minigrad's joined call, NumPy's) for f(module, *args, **kwargs) returning several arrays."""
    return (joined(lambda *a, **k: f(F, *a, **k), lambda ps: F.concat(ps, 0), F.ravel),
            joined(lambda *a, **k: f(np, *a, **k), np.concatenate, np.ravel))


# -- stacking ----------------------------------------------------------------------

@st.composite
def stack_pieces(draw, kind):
    """Pieces for vstack/hstack/dstack/column_stack: the same shape except
    along the joined axis, some given with fewer axes where NumPy's
    at-least-n-d reshape restores them."""
    ks = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    if is_edge(draw):
        ks = [draw(st.sampled_from([0, 1]))] + ks[:1]
    if kind == "vstack":
        rest = draw(shape(min_dims=1, max_dims=2, min_side=0))
        shapes = [rest if len(rest) == 1 and k == 1 and draw(st.booleans()) else (k,) + rest for k in ks]
    elif kind == "hstack":
        rest = draw(shape(min_dims=0, max_dims=2, min_side=0))
        if not rest:   # 1-D pieces, a 0-d one counting as (1,)
            shapes = [() if k == 1 and draw(st.booleans()) else (k,) for k in ks]
        else:
            shapes = [rest[:1] + (k,) + rest[1:] for k in ks]
    elif kind == "dstack":
        rest = draw(shape(min_dims=2, max_dims=3, min_side=0))
        lower = len(rest) == 2 and draw(st.booleans())
        shapes = [rest if lower and k == 1 else rest[:2] + (k,) + rest[2:] for k in ks]
        if rest[0] == 1 and len(rest) == 2 and draw(st.booleans()):
            shapes = [s[1:2] if s == rest else s for s in shapes]   # (n,) -> (1, n, 1)
    else:   # column_stack
        n = draw(st.integers(2, 4))
        shapes = [(n,) if k == 1 and draw(st.booleans()) else (n, k) for k in ks]
    return Case(tuple(draw(array(s)) for s in shapes))


def stacked(name):
    return OpSpec(name, lambda *xs: getattr(F, name)(xs), lambda *xs: getattr(np, "vstack" if name == "row_stack"
                  else name)(xs), stack_pieces("vstack" if name == "row_stack" else name))


# -- splitting -----------------------------------------------------------------------

@st.composite
def array_split_cases(draw):
    s = draw(shape(min_dims=1, min_side=0, max_side=6))
    axis = draw(st.integers(-len(s), len(s) - 1))
    if draw(st.booleans()):
        sections = draw(st.integers(1, 5))
    else:
        sections = sorted(draw(st.lists(st.integers(0, s[axis]), max_size=3)))
    return Case((draw(array(s)),), {"indices_or_sections": sections, "axis": axis})


@st.composite
def split_helper_cases(draw, min_dims, axis_of):
    s = draw(shape(min_dims=min_dims, max_dims=max(min_dims, 3), min_side=0, max_side=6))
    n = s[axis_of(len(s))]
    if draw(st.booleans()):
        sections = draw(st.sampled_from([k for k in range(1, 6) if n % k == 0]))
    else:
        sections = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    return Case((draw(array(s)),), {"indices_or_sections": sections})


SPLITS = {"array_split": both(lambda m, x, **k: m.array_split(x, **k)),
          "hsplit": both(lambda m, x, **k: m.hsplit(x, **k)),
          "vsplit": both(lambda m, x, **k: m.vsplit(x, **k)),
          "dsplit": both(lambda m, x, **k: m.dsplit(x, **k))}


# -- append, diff, trapezoid ---------------------------------------------------------------

@st.composite
def append_cases(draw):
    a = draw(shape(min_side=0).flatmap(array))
    if a.ndim == 0 or draw(st.booleans()):
        return Case((a, draw(shape(min_side=0).flatmap(array))), {"axis": None})
    axis = draw(st.integers(-a.ndim, a.ndim - 1))
    s = list(a.shape)
    s[axis] = draw(st.integers(1, 3))
    return Case((a, draw(array(tuple(s)))), {"axis": axis})


@st.composite
def diff_cases(draw):
    s = draw(shape(min_dims=1, min_side=0, max_side=5))
    a = draw(array(s))
    axis = draw(st.integers(-len(s), len(s) - 1))
    kwargs = {"n": draw(st.integers(0, 3)), "axis": axis}
    arrays = [a]
    for edge in ("prepend", "append"):
        choice = draw(st.sampled_from(["none", "none", "number", "array"]))
        if choice == "number":
            kwargs[edge] = draw(st.floats(-2, 2))
        elif choice == "array":
            piece = list(s)
            piece[axis] = draw(st.integers(1, 2))
            arrays.append(draw(array(tuple(piece))))
            kwargs[edge] = len(arrays) - 1   # which input it is
    return Case(tuple(arrays), kwargs)


def call_diff(module):
    def call(a, *edges, **kwargs):
        for edge in ("prepend", "append"):
            if isinstance(kwargs.get(edge), int):
                kwargs[edge] = edges[kwargs[edge] - 1]
        return module.diff(a, **kwargs)
    return call


@st.composite
def trapezoid_cases(draw):
    s = draw(shape(min_dims=1, min_side=1, max_side=5))
    y = draw(array(s))
    axis = draw(st.integers(-len(s), len(s) - 1))
    kind = draw(st.sampled_from(["dx", "x_1d", "x_full", "default"]))
    if kind == "dx":
        return Case((y,), {"dx": draw(st.floats(0.1, 2)), "axis": axis})
    if kind == "default":
        return Case((y,), {"axis": axis})
    x = draw(array((s[axis],) if kind == "x_1d" else s))
    return Case((y, x), {"axis": axis})


def call_trapezoid(module):
    def call(y, x=None, **kwargs):
        return module.trapezoid(y, x, **kwargs) if x is not None else module.trapezoid(y, **kwargs)
    return call


# -- products, flips, grids --------------------------------------------------------------

@st.composite
def kron_cases(draw):
    return Case((draw(shape(min_side=1).flatmap(array)), draw(shape(min_side=1).flatmap(array))))


@st.composite
def cross_cases(draw):
    batch = draw(sides(0, 2, 2, 3))
    a_shape, b_shape = batch + (3,), batch[draw(st.integers(0, len(batch))):] + (3,)
    if draw(st.booleans()):
        a_shape, b_shape = b_shape, a_shape
    kwargs = {}
    if draw(st.booleans()) and len(a_shape) > 1:   # the vectors along another axis
        axisa = draw(st.integers(0, len(a_shape) - 1))
        a_shape = a_shape[:-1][:axisa] + (3,) + a_shape[:-1][axisa:]
        kwargs = {"axisa": axisa, "axisc": draw(st.integers(0, max(len(a_shape), len(b_shape)) - 1))}
    return Case((draw(array(a_shape)), draw(array(b_shape))), kwargs)


@st.composite
def rot90_cases(draw):
    s = draw(shape(min_dims=2, min_side=0))
    axes = draw(st.permutations(range(len(s))))[:2]
    axes = [a - len(s) if draw(st.booleans()) else a for a in axes]
    return Case((draw(array(s)),), {"k": draw(st.integers(-3, 5)), "axes": tuple(axes)})


@st.composite
def meshgrid_cases(draw):
    n = draw(st.integers(1, 3))
    vectors = tuple(draw(array(draw(sides(1, 1, 1, 4)))) for _ in range(n))
    return Case(vectors, {"indexing": draw(st.sampled_from(["xy", "ij"])), "sparse": draw(st.booleans())})


MESHGRID = both(lambda m, *xs, **k: m.meshgrid(*xs, **k))


# -- elementwise --------------------------------------------------------------------------

def offset_grid(offset):
    """Floats on the grid k / 10 + offset: two such grids with offsets apart never tie."""
    return st.integers(-30, 30).map(lambda k: k / 10 + offset)


@st.composite
def no_ties(draw):
    """Two broadcasting arrays whose elements never tie (fmax/fmin's kink)."""
    from . import broadcast_shapes
    sa, sb = draw(broadcast_shapes(2))
    return Case((draw(hnp.arrays(np.float64, sa, elements=offset_grid(0.02))),
                 draw(hnp.arrays(np.float64, sb, elements=offset_grid(0.07)))))


@st.composite
def with_nan(draw):
    """no_ties with some NaN (and for nan_to_num some infinities) put in."""
    case = draw(no_ties())
    specials = [np.nan, np.inf, -np.inf]
    out = []
    for a in case.arrays:
        a = a.copy()
        if a.size:
            flat = a.reshape(-1)
            for i in draw(st.lists(st.integers(0, a.size - 1), max_size=3)):
                flat[i] = draw(st.sampled_from(specials))
        out.append(a)
    return Case(tuple(out))


def ref_sinc(x):
    return np.sinc(x)


# -- decompositions ------------------------------------------------------------------------

@st.composite
def separated(draw, square=False, max_side=4):
    """Matrices (some batched) with singular values 1 apart: a permuted
    rectangular diagonal of k, k - 1, ..., 1 plus entries of at most 0.1,
    which move each singular value by less than 0.45 (Weyl)."""
    m = draw(st.integers(1, max_side))
    n = m if square else draw(st.integers(1, max_side))
    if min(m, n) == 1 and not is_edge(draw):
        m, n = max(m, 2), max(n, 2) if not square else max(m, 2)
    batch = draw(sides(0, 1, 2, 2))
    k = min(m, n)
    base = np.zeros((m, n))
    base[np.arange(k), np.arange(k)] = np.arange(k, 0, -1) + 0.5
    rows, cols = draw(st.permutations(range(m))), draw(st.permutations(range(n)))
    base = base[list(rows)][:, list(cols)]
    # no entry exactly 0: there LAPACK's Householder QR flips signs (the value jumps)
    return draw(array(batch + (m, n), -0.1, 0.1, avoid=(0.0,), margin=0.01)) + base


def constant_like(module, values, like):
    """`values` as NumPy's array, or for minigrad a constant Variable on
    like's device (tests may run on another device: tests/device/device.py)."""
    return values if module is np else mg.Variable(values, requires_grad=False).to(like.device)


def svd_parts(module, a, full_matrices=False):
    """What svd gives that its sign conventions do not change: U**2 and
    Vh**2 (their first k columns / rows), S, and U diag(w) Vh for fixed w."""
    U, S, Vh = module.linalg.svd(a, full_matrices=full_matrices) if module is np else module.svd(a, full_matrices)
    k = S.shape[-1]
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    weights = constant_like(module, np.arange(1.0, k + 1), a)
    return [U * U, S, Vh * Vh, module.matmul(U * weights, Vh)]


@st.composite
def svd_cases(draw):
    return Case((draw(separated()),), {"full_matrices": draw(st.booleans())})


@st.composite
def symmetric_separated(draw):
    """Symmetric matrices with eigenvalues about 2 apart: a permuted diagonal
    0, 2, 4, 6 plus (a + a^T) / 2 of entries of at most 0.1."""
    n = draw(st.integers(2, 4)) if not is_edge(draw) else 1
    batch = draw(sides(0, 1, 2, 2))
    order = list(draw(st.permutations(range(n))))
    return Case((draw(array(batch + (n, n), -0.1, 0.1)),), {"diagonal": tuple(2.0 * i for i in order)})


def eigh_parts(module, a, diagonal):
    """eigh of (a + a^T) / 2 + diag(diagonal): w, V**2 and V diag(c) V^T."""
    sym = (a + module.swapaxes(a, -1, -2)) * 0.5 + constant_like(module, np.diag(diagonal), a)
    w, V = module.linalg.eigh(sym) if module is np else module.eigh(sym)
    weights = constant_like(module, np.arange(1.0, len(diagonal) + 1), a)
    return [w, V * V, module.matmul(V * weights, module.swapaxes(V, -1, -2))]


@st.composite
def qr_cases(draw):
    a = draw(separated())
    m, n = a.shape[-2:]
    modes = ["reduced", "r"] + (["complete"] if m <= n else [])
    return Case((a,), {"mode": draw(st.sampled_from(modes))})


def qr_parts(module, a, mode):
    qr = module.linalg.qr if module is np else module.qr
    out = qr(a, mode=mode)
    return [out] if mode == "r" else list(out)


@st.composite
def matrix_power_cases(draw):
    n = draw(st.integers(2, 3)) if not is_edge(draw) else 1
    batch = draw(sides(0, 1, 2, 2))
    a = draw(array(batch + (n, n), -0.5, 0.5)) + np.eye(n)
    return Case((a,), {"n": draw(st.integers(-3, 4))})


@st.composite
def singular_norm_cases(draw):
    a = draw(separated())
    axes = (-2, -1) if draw(st.booleans()) or a.ndim == 2 else (-1, 0)
    return Case((a,), {"ord": draw(st.sampled_from([2, -2, "nuc"])), "axis": axes,
                       "keepdims": draw(st.booleans())})


# -- einsum's sublist form ------------------------------------------------------------------

@st.composite
def einsum_sublist_cases(draw):
    from .sorting_linalg import einsum_cases
    case = draw(einsum_cases())
    ins, arrow, out = case.kwargs["subscripts"].partition("->")

    def numbers(part):
        head, dots, tail = part.partition("...")
        return [ord(c) - ord("a") for c in head] + ([Ellipsis] if dots else []) + [ord(c) - ord("a") for c in tail]

    sublists = [numbers(p) for p in ins.split(",")]
    return Case(case.arrays, {"sublists": sublists, "output": numbers(out) if arrow else None})


def sublist_call(module):
    def call(*xs, sublists, output):
        args = [v for x, s in zip(xs, sublists) for v in (x, s)] + ([output] if output is not None else [])
        return module.einsum(*args)
    return call


SVD = both(svd_parts)
EIGH = both(eigh_parts)
QR = both(qr_parts)

SPECS = [
    OpSpec("ravel", F.ravel, np.ravel, unary()),
    stacked("vstack"), stacked("row_stack"), stacked("hstack"), stacked("dstack"), stacked("column_stack"),
    OpSpec("array_split", *SPLITS["array_split"], array_split_cases()),
    OpSpec("hsplit", *SPLITS["hsplit"], split_helper_cases(1, lambda nd: 0 if nd == 1 else 1)),
    OpSpec("vsplit", *SPLITS["vsplit"], split_helper_cases(2, lambda nd: 0)),
    OpSpec("dsplit", *SPLITS["dsplit"], split_helper_cases(3, lambda nd: 2)),
    OpSpec("append", F.append, np.append, append_cases()),
    OpSpec("diff", call_diff(F), call_diff(np), diff_cases()),
    OpSpec("trapezoid", call_trapezoid(F), call_trapezoid(np), trapezoid_cases(), forward_atol=1e-9),
    OpSpec("kron", F.kron, np.kron, kron_cases()),
    OpSpec("cross", F.cross, np.cross, cross_cases(), forward_atol=1e-9),
    OpSpec("flipud", F.flipud, np.flipud, unary(max_dims=3).filter(lambda c: c.arrays[0].ndim >= 1)),
    OpSpec("fliplr", F.fliplr, np.fliplr, shape(min_dims=2, min_side=0).flatmap(array).map(lambda a: Case((a,)))),
    OpSpec("rot90", F.rot90, np.rot90, rot90_cases()),
    OpSpec("meshgrid", *MESHGRID, meshgrid_cases()),
    OpSpec("fmax", F.fmax, np.fmax, no_ties()),
    OpSpec("fmin", F.fmin, np.fmin, no_ties()),
    OpSpec("fmax_nan", F.fmax, np.fmax, with_nan(), covers=("fmax",), grad=False),
    OpSpec("fmin_nan", F.fmin, np.fmin, with_nan(), covers=("fmin",), grad=False),
    OpSpec("nan_to_num", F.nan_to_num, np.nan_to_num, unary()),
    OpSpec("nan_to_num_nonfinite", lambda a, b: F.nan_to_num(a) + F.nan_to_num(b, nan=1.5, posinf=2.0, neginf=-3.0),
           lambda a, b: np.nan_to_num(a) + np.nan_to_num(b, nan=1.5, posinf=2.0, neginf=-3.0), with_nan(),
           covers=("nan_to_num",), grad=False),
    OpSpec("sinc", F.sinc, ref_sinc, unary(-3, 3), forward_atol=1e-12),
    OpSpec("sinc_near_zero", F.sinc, ref_sinc, unary(-0.15, 0.15), covers=("sinc",), forward_atol=1e-12),
    OpSpec("deg2rad", F.deg2rad, np.deg2rad, unary(-200, 200)),
    OpSpec("radians", F.radians, np.radians, unary(-200, 200)),
    OpSpec("rad2deg", F.rad2deg, np.rad2deg, unary(), forward_atol=1e-9),
    OpSpec("degrees", F.degrees, np.degrees, unary(), forward_atol=1e-9),
    OpSpec("real", F.real, np.real, unary()),
    OpSpec("imag", F.imag, np.imag, unary(), grad=False),
    OpSpec("einsum_sublists", sublist_call(F), sublist_call(np), einsum_sublist_cases(), covers=("einsum",),
           forward_atol=1e-9),
    OpSpec("svd", *SVD, svd_cases(), forward_atol=1e-9),
    OpSpec("svd_values", lambda a: F.svd(a, compute_uv=False), lambda a: np.linalg.svd(a, compute_uv=False),
           st.builds(lambda a: Case((a,)), separated()), covers=("svd",), forward_atol=1e-9),
    OpSpec("eigh", *EIGH, symmetric_separated(), forward_atol=1e-9),
    OpSpec("qr", *QR, qr_cases(), forward_atol=1e-9),
    OpSpec("pinv", F.pinv, np.linalg.pinv, st.builds(lambda a: Case((a,)), separated()), forward_atol=1e-9),
    OpSpec("matrix_power", F.matrix_power, np.linalg.matrix_power, matrix_power_cases(), forward_atol=1e-9),
    OpSpec("norm_singular_values", F.norm, np.linalg.norm, singular_norm_cases(), covers=("norm",),
           forward_atol=1e-9),
]
