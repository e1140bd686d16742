"""The reductions, running ops, indexing, reordering, sorting, linear
algebra and pad modes against PyTorch in float64:
values, first derivatives and second derivatives (torch is only an
oracle). Non-differentiable ones (argmax, argsort, ...) compare values."""
import numpy as np
import pytest

import minigrad.functions as F

torch = pytest.importorskip("torch")
tF = torch.nn.functional

from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)

RNG = np.random.default_rng(11)


def randn(*shape):
    return RNG.standard_normal(shape)


def with_zeros(a, *positions):
    a = a.copy()
    for p in positions:
        a[p] = 0.0
    return a


def spd(n, batch=()):
    a = RNG.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + np.eye(n)


def well_conditioned(*shape):
    return RNG.standard_normal(shape) * 0.3 + 2 * np.eye(shape[-1])


def torch_abs(x):
    return torch.where(x >= 0, x, -x)


def tensor(a):
    return torch.tensor(a)


def joined(pieces, cat, reshape):
    """The pieces flattened, scaled by 1, 2, 3, ... and joined into one output."""
    def fn(x):
        return cat([reshape(p, (-1,)) * (i + 1) for i, p in enumerate(pieces(x))])
    return fn


INDEX = RNG.integers(0, 3, (4, 3, 5))       # gather along 0 from (3, 4, 5), repeated indices
SCATTER = RNG.integers(0, 4, (3, 3, 4))     # scatter_add along 1 into (3, 4, 5)
UNIQUE_SCATTER = np.argsort(RNG.random((3, 4, 4)), axis=1)[:, :3]   # no position written twice (torch keeps one)
SELECT_MASK = RNG.random((3, 4)) > 0.5
INDEX_ADD = np.array([0, 2, 2, 1, 0, 3])    # index_add along 1 into (3, 4, 5)
MASK = RNG.standard_normal((4, 5)) > 0
REPEATS = np.array([1, 0, 3, 2])
EVEN = randn(3, 6)

# (id, minigrad function, torch function, inputs)
CASES = [
    ("prod", lambda x: F.prod(x, 1), lambda x: torch.prod(x, 1), [randn(3, 4)]),
    ("prod_all", F.prod, torch.prod, [randn(2, 3)]),
    ("prod_zeros", lambda x: F.prod(x, -1, keepdims=True), lambda x: torch.prod(x, -1, keepdim=True),
     [with_zeros(randn(3, 4), (0, 1), (1, 0), (1, 2))]),
    ("std", lambda x: F.std(x, 0), lambda x: torch.std(x, 0, correction=0), [randn(4, 3)]),
    ("std_correction", lambda x: F.std(x, (0, 2), correction=1), lambda x: torch.std(x, (0, 2), correction=1),
     [randn(3, 2, 4)]),
    ("var_ddof", lambda x: F.var(x, 1, ddof=1), lambda x: torch.var(x, 1, correction=1), [randn(3, 5)]),
    ("norm", F.norm, torch.linalg.vector_norm, [randn(3, 4)]),
    ("norm_axis", lambda x: F.norm(x, axis=1), lambda x: torch.linalg.vector_norm(x, dim=1), [randn(3, 4)]),
    # torch.abs's second derivative is a ZeroTensor, which .numpy() refuses: |x| written with where.
    ("norm_1", lambda x: F.norm(x, 1, 0), lambda x: torch_abs(x).sum(0), [randn(3, 4)]),
    ("norm_inf", lambda x: F.norm(x, np.inf, -1), lambda x: torch.amax(torch_abs(x), -1), [randn(3, 4)]),
    ("norm_p3", lambda x: F.norm(x, 3, 1, keepdims=True),
     lambda x: torch.linalg.vector_norm(x, 3, 1, keepdim=True), [randn(3, 4)]),
    ("norm_fro", lambda x: F.norm(x, "fro", (1, 2)), lambda x: torch.linalg.matrix_norm(x, "fro", (1, 2)),
     [randn(2, 3, 4)]),
    ("norm_matrix_1", lambda x: F.norm(x, 1, (0, 1)), lambda x: torch.amax(torch_abs(x).sum(0)), [randn(3, 4)]),
    ("norm_matrix_inf", lambda x: F.norm(x, np.inf), lambda x: torch.amax(torch_abs(x).sum(1)), [randn(3, 4)]),
    ("amax", lambda x: F.amax(x, (0, 2)), lambda x: torch.amax(x, (0, 2)), [randn(2, 3, 4)]),
    ("amin", lambda x: F.amin(x, 1, keepdims=True), lambda x: torch.amin(x, 1, keepdim=True), [randn(3, 4)]),
    ("median_odd", lambda x: F.median(x, 1), lambda x: torch.median(x, 1).values, [randn(4, 5)]),
    ("median_even", lambda x: F.median(x, 1), lambda x: torch.quantile(x, 0.5, 1), [EVEN]),
    ("cumsum", lambda x: F.cumsum(x, 1), lambda x: torch.cumsum(x, 1), [randn(3, 4)]),
    ("cumprod", lambda x: F.cumprod(x, 0), lambda x: torch.cumprod(x, 0), [randn(4, 3)]),
    ("cumprod_zeros", lambda x: F.cumprod(x, 1), lambda x: torch.cumprod(x, 1),
     [with_zeros(randn(3, 5), (0, 1), (1, 3), (2, 1), (2, 2))]),
    ("logcumsumexp", lambda x: F.logcumsumexp(x, -1), lambda x: torch.logcumsumexp(x, -1), [randn(3, 5) * 3]),
    ("logcumsumexp_wide", lambda x: F.logcumsumexp(x, 0), lambda x: torch.logcumsumexp(x, 0),
     [randn(5, 2) * 400]),
    ("cummax", lambda x: F.cummax(x, 1).values, lambda x: torch.cummax(x, 1).values, [randn(3, 5)]),
    ("cummin", lambda x: F.cummin(x, 0).values, lambda x: torch.cummin(x, 0).values, [randn(5, 3)]),
    ("index_put", lambda x, v: F.index_put(x, np.array([2, 0]), v),
     lambda x, v: x.index_put((torch.tensor([2, 0]),), v), [randn(4, 3), randn(2, 3)]),
    ("gather", lambda x: F.gather(x, 0, INDEX), lambda x: torch.gather(x, 0, tensor(INDEX)), [randn(3, 4, 5)]),
    ("take_along_axis", lambda x: F.take_along_axis(x, INDEX, 0),
     lambda x: torch.take_along_dim(x, tensor(INDEX), 0), [randn(3, 3, 5)]),
    ("scatter", lambda x, s: F.scatter(x, 1, UNIQUE_SCATTER, s),
     lambda x, s: torch.scatter(x, 1, tensor(UNIQUE_SCATTER), s), [randn(3, 4, 5), randn(3, 3, 4)]),
    ("scatter_reduce_sum", lambda x, s: F.scatter_reduce(x, 1, SCATTER, s, "sum"),
     lambda x, s: torch.scatter_reduce(x, 1, tensor(SCATTER), s, "sum"), [randn(3, 4, 5), randn(3, 3, 4)]),
    ("scatter_reduce_mean", lambda x, s: F.scatter_reduce(x, 1, SCATTER, s, "mean", include_self=False),
     lambda x, s: torch.scatter_reduce(x, 1, tensor(SCATTER), s, "mean", include_self=False),
     [randn(3, 4, 5), randn(3, 3, 4)]),
    ("masked_select", lambda x: F.masked_select(x, SELECT_MASK),
     lambda x: torch.masked_select(x, tensor(SELECT_MASK)),
     [randn(3, 4)]),
    ("scatter_add", lambda x, s: F.scatter_add(x, 1, SCATTER, s),
     lambda x, s: torch.scatter_add(x, 1, tensor(SCATTER), s), [randn(3, 4, 5), randn(3, 3, 4)]),
    ("index_add", lambda x, s: F.index_add(x, 1, INDEX_ADD, s),
     lambda x, s: torch.index_add(x, 1, tensor(INDEX_ADD), s), [randn(3, 4, 5), randn(3, 6, 5)]),
    ("masked_fill", lambda x: F.masked_fill(x, MASK, -1.5), lambda x: x.masked_fill(tensor(MASK), -1.5),
     [randn(2, 4, 5)]),
    ("flip", lambda x: F.flip(x, (0, 2)), lambda x: torch.flip(x, (0, 2)), [randn(2, 3, 4)]),
    ("roll", lambda x: F.roll(x, (1, -2), (0, 1)), lambda x: torch.roll(x, (1, -2), (0, 1)), [randn(3, 4)]),
    ("roll_flat", lambda x: F.roll(x, 5), lambda x: torch.roll(x, 5), [randn(3, 4)]),
    ("roll_one_tuple", lambda x: F.roll(x, (2,)), lambda x: torch.roll(x, (2,)), [randn(3, 4)]),
    ("tile", lambda x: F.tile(x, (2, 1, 3)), lambda x: torch.tile(x, (2, 1, 3)), [randn(3, 4)]),
    ("repeat", lambda x: F.repeat(x, 3, 1), lambda x: torch.repeat_interleave(x, 3, 1), [randn(3, 4)]),
    ("repeat_counts", lambda x: F.repeat(x, REPEATS, 0),
     lambda x: torch.repeat_interleave(x, tensor(REPEATS), 0), [randn(4, 3)]),
    ("tril", lambda x: F.tril(x, -1), lambda x: torch.tril(x, -1), [randn(2, 4, 4)]),
    ("triu", lambda x: F.triu(x, 1), lambda x: torch.triu(x, 1), [randn(3, 5)]),
    ("diag", lambda x: F.diag(x, 1), lambda x: torch.diag(x, 1), [randn(4)]),
    ("diag_of_matrix", lambda x: F.diag(x, -1), lambda x: torch.diag(x, -1), [randn(4, 3)]),
    ("diagonal", lambda x: F.diagonal(x, 1, 0, 2), lambda x: torch.diagonal(x, 1, 0, 2), [randn(3, 2, 4)]),
    ("trace", F.trace, torch.trace, [randn(4, 3)]),
    ("moveaxis", lambda x: F.moveaxis(x, 0, -1), lambda x: torch.movedim(x, 0, -1), [randn(2, 3, 4)]),
    ("swapaxes", lambda x: F.swapaxes(x, 0, 2), lambda x: torch.swapaxes(x, 0, 2), [randn(2, 3, 4)]),
    ("permute", lambda x: F.permute(x, (1, 2, 0)), lambda x: torch.permute(x, (1, 2, 0)), [randn(2, 3, 4)]),
    ("unsqueeze", lambda x: F.unsqueeze(x, 1), lambda x: torch.unsqueeze(x, 1), [randn(2, 3)]),
    ("chunk", joined(lambda x: F.chunk(x, 3, 1), lambda ps: F.concat(ps, 0), F.reshape),
     joined(lambda x: torch.chunk(x, 3, 1), lambda ps: torch.cat(ps, 0), torch.reshape), [randn(2, 7)]),
    ("unbind", joined(lambda x: F.unbind(x, 1), lambda ps: F.concat(ps, 0), F.reshape),
     joined(lambda x: torch.unbind(x, 1), lambda ps: torch.cat(ps, 0), torch.reshape), [randn(2, 3, 2)]),
    ("sort", lambda x: F.sort(x, 1), lambda x: torch.sort(x, 1).values, [randn(3, 5)]),
    ("sort_descending", lambda x: F.sort(x, 0, descending=True),
     lambda x: torch.sort(x, 0, descending=True).values, [randn(4, 3)]),
    ("topk", lambda x: F.topk(x, 2, 1)[0], lambda x: torch.topk(x, 2, 1).values, [randn(3, 5)]),
    ("topk_smallest", lambda x: F.topk(x, 3, 0, largest=False)[0],
     lambda x: torch.topk(x, 3, 0, largest=False).values, [randn(5, 2)]),
    ("einsum", lambda a, b: F.einsum("bij,bjk->bik", a, b), lambda a, b: torch.einsum("bij,bjk->bik", a, b),
     [randn(2, 3, 4), randn(2, 4, 2)]),
    ("einsum_diagonal", lambda a: F.einsum("ii->i", a), lambda a: torch.einsum("ii->i", a), [randn(3, 3)]),
    ("einsum_ellipsis", lambda a, b: F.einsum("...i,i->...", a, b),
     lambda a, b: torch.einsum("...i,i->...", a, b), [randn(2, 3, 4), randn(4)]),
    # a repeated letter (a diagonal) in an operand whose '...' is broadcast against the other's
    ("einsum_diagonal_broadcast", lambda a, b: F.einsum("...ii,...->...", a, b),
     lambda a, b: torch.einsum("...ii,...->...", a, b), [randn(1, 2, 2), randn(3)]),
    ("einsum_diagonal_broadcast_other", lambda a, b: F.einsum("...ii,...->...i", a, b),
     lambda a, b: torch.einsum("...ii,...->...i", a, b), [randn(3, 2, 2), randn(1)]),
    ("einsum_diagonal_broadcast_inner", lambda a, b: F.einsum("b...ii,b...->b...", a, b),
     lambda a, b: torch.einsum("b...ii,b...->b...", a, b), [randn(2, 1, 3, 3), randn(2, 4)]),
    ("einsum_three", lambda a, b, c: F.einsum("ij,jk,kl->il", a, b, c),
     lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c), [randn(2, 3), randn(3, 4), randn(4, 2)]),
    ("outer", F.outer, torch.outer, [randn(3), randn(4)]),
    ("dot", F.dot, torch.dot, [randn(4), randn(4)]),
    ("inner", F.inner, torch.inner, [randn(2, 4), randn(3, 4)]),
    ("tensordot", lambda a, b: F.tensordot(a, b, 2), lambda a, b: torch.tensordot(a, b, 2),
     [randn(2, 3, 4), randn(3, 4, 5)]),
    ("tensordot_pairs", lambda a, b: F.tensordot(a, b, ([0, 2], [1, 0])),
     lambda a, b: torch.tensordot(a, b, ([0, 2], [1, 0])), [randn(2, 3, 4), randn(4, 2, 5)]),
    ("inv", F.inv, torch.linalg.inv, [well_conditioned(2, 3, 3)]),
    ("det", F.det, torch.linalg.det, [well_conditioned(2, 3, 3)]),
    ("slogdet", lambda x: F.slogdet(x)[1], lambda x: torch.linalg.slogdet(x).logabsdet,
     [-well_conditioned(3, 3)]),
    ("solve", F.solve, torch.linalg.solve, [well_conditioned(2, 3, 3), randn(2, 3, 2)]),
    ("solve_vector", F.solve, torch.linalg.solve, [well_conditioned(3, 3), randn(3)]),
    ("cholesky", F.cholesky, torch.linalg.cholesky, [spd(3, (2,))]),
    ("pad_reflect", lambda x: F.pad(x, ((0, 0), (0, 0), (3, 2)), mode="reflect"),
     lambda x: tF.pad(x, (3, 2), mode="reflect"), [randn(2, 3, 5)]),
    ("pad_edge", lambda x: F.pad(x, ((0, 0), (0, 0), (2, 3), (1, 0)), mode="edge"),
     lambda x: tF.pad(x, (1, 0, 2, 3), mode="replicate"), [randn(2, 2, 3, 4)]),
    ("pad_wrap", lambda x: F.pad(x, ((0, 0), (0, 0), (2, 1)), mode="wrap"),
     lambda x: tF.pad(x, (2, 1), mode="circular"), [randn(2, 3, 4)]),
]

# (id, minigrad function, torch function, input): values only.
VALUE_CASES = [
    ("argmax", lambda x: F.argmax(x, 1), lambda x: torch.argmax(x, 1), randn(3, 5)),
    ("argmax_all", F.argmax, torch.argmax, randn(3, 5)),
    ("argmin", lambda x: F.argmin(x, 0, keepdims=True), lambda x: torch.argmin(x, 0, keepdim=True), randn(3, 5)),
    ("any", lambda x: F.any(x > 1, 1), lambda x: torch.any(x > 1, 1), randn(3, 5)),
    ("all", lambda x: F.all(x > -1), lambda x: torch.all(x > -1), randn(3, 5)),
    ("argsort", lambda x: F.argsort(x, 0), lambda x: torch.argsort(x, 0), randn(4, 3)),
    ("argsort_descending", lambda x: F.argsort(x, descending=True),
     lambda x: torch.argsort(x, descending=True), randn(3, 4)),
    ("topk_indices", lambda x: F.topk(x, 3)[1], lambda x: torch.topk(x, 3).indices, randn(2, 6)),
    ("slogdet_sign", lambda x: F.slogdet(x)[0], lambda x: torch.linalg.slogdet(x).sign, -well_conditioned(2, 3, 3)),
]

# Names of minigrad.functions this module compares with PyTorch (read by
# tests/functions/test_torch_oracle.py's coverage test).
COMPARED = {"prod", "std", "var", "norm", "amax", "amin", "median", "cumsum", "cumprod", "logcumsumexp",
            "cummax", "cummin", "gather", "take_along_axis", "scatter_add", "index_add", "masked_fill", "flip",
            "roll", "tile", "repeat", "tril", "triu", "diag", "diagonal", "trace", "moveaxis", "swapaxes",
            "permute", "unsqueeze", "chunk", "unbind", "sort", "topk", "einsum", "outer", "dot", "inner",
            "tensordot", "inv", "det", "slogdet", "solve", "cholesky", "pad", "argmax", "argmin", "any", "all",
            "argsort"}
COMPARED |= {"index_put", "scatter", "scatter_reduce", "masked_select"}


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, mg_fn, torch_fn, arrays):
    assert_matches_torch(mg_fn, torch_fn, *arrays, atol=1e-9)


@pytest.mark.parametrize("name,mg_fn,torch_fn,array", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_match_torch(name, mg_fn, torch_fn, array):
    import minigrad as mg
    y = mg_fn(mg.Variable(array))
    assert not y.requires_grad
    np.testing.assert_array_equal(y.data, torch_fn(torch.tensor(array)).numpy())


@pytest.mark.parametrize("ord_", [2, 3, 1.5, 0.5])
def test_norm_gradient_at_zero_is_zero_as_torch_and_finite_again(ord_):
    """At the zero vector (and, for p < 1, at a zero element) the gradient
    is PyTorch's 0. Differentiated again it is 0 there too, where PyTorch
    gives NaN (the second derivative is infinite at 0 for p < 2): minigrad
    stays finite, as torch.std does at zero spread; elsewhere they agree."""
    import minigrad as mg
    a = np.concatenate([np.zeros((1, 4)), randn(2, 4), [[0.0, 1.5, 0.0, -2.0]]])
    x, t = mg.Variable(a), torch.tensor(a, requires_grad=True)
    (g,) = mg.grad(F.norm(x, ord_, axis=1).sum(), [x], create_graph=True)
    (tg,) = torch.autograd.grad(torch.linalg.vector_norm(t, ord_, dim=1).sum(), [t], create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-7, atol=1e-12)
    assert not g.data[0].any()
    v = randn(*a.shape)
    (gg,) = mg.grad((g * v).sum(), [x])
    (tgg,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), [t])
    assert np.isfinite(gg.data).all() and not gg.data[0].any()
    finite = np.isfinite(tgg.numpy())
    assert not finite[0].any() or ord_ >= 2   # PyTorch's NaN at the zero vector
    np.testing.assert_allclose(gg.data[finite], tgg.numpy()[finite], rtol=1e-7, atol=1e-10)


ZERO_SPREAD = [
    ("constant_rows", np.array([[1.5, 1.5, 1.5], [0.0, 0.0, 0.0], [1.0, 2.0, 4.0]]), {"axis": 1}),
    ("constant_columns", np.array([[1.5, -1.0], [1.5, 2.0], [1.5, 0.5]]), {"axis": 0, "keepdims": True}),
    ("constant_all", np.full((2, 3), -0.5), {}),
    ("one_element_axis", np.array([[2.0], [-1.0]]), {"axis": 1}),
    ("one_element", np.array([3.0]), {}),
    ("0d", np.array(3.0), {}),
    ("0d_axis", np.array(3.0), {"axis": -1}),
]


@pytest.mark.parametrize("op", ["std", "var"])
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("name,a,kwargs", ZERO_SPREAD, ids=[c[0] for c in ZERO_SPREAD])
def test_std_and_var_at_zero_spread_match_torch_in_two_orders(op, ddof, name, a, kwargs):
    """Where the spread is 0 (constant slices, one element, a 0-d x), std's
    gradient is 0 as PyTorch's (central differences agree: std(c + h v) =
    |h| std(v) is even in h), and so is its second derivative; var's are
    the plain formulas."""
    count = a.size if kwargs.get("axis") is None or a.ndim == 0 else a.shape[kwargs["axis"]]
    if count - ddof <= 0:
        return  # the next test
    keepdims = kwargs.get("keepdims", False)
    dim = kwargs.get("axis")
    assert_matches_torch(lambda x: getattr(F, op)(x, ddof=ddof, **kwargs),
                         lambda t: getattr(torch, op)(t, dim=dim, correction=ddof, keepdim=keepdims),
                         a, atol=1e-10)


@pytest.mark.parametrize("op", ["std", "var"])
def test_std_and_var_of_one_element_with_ddof_1_raise_where_torch_gives_nan(op):
    """n - ddof = 0: PyTorch returns NaN (value and gradient, with a
    warning); minigrad raises, naming the op and the count (a documented
    difference: no silent NaN)."""
    import minigrad as mg
    t = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    with pytest.warns(UserWarning):
        y = getattr(torch, op)(t, correction=1)
    y.backward()
    assert torch.isnan(y) and torch.isnan(t.grad).all()
    with pytest.raises(ValueError, match=f"{op}: ddof=1 leaves no degrees of freedom for 1 elements"):
        getattr(F, op)(mg.Variable(np.array([2.0])), ddof=1)


def _torch_dims(dim):
    return {} if dim is None else {"dim": dim}


# Every reduction, sort, topk, gather (and the ops along one axis) on a 0-d
# input, as PyTorch: dim None, 0 or -1 (a 0-d tensor has one axis of length
# 1 to PyTorch), with and without keepdim (which keeps 0-d). (id, minigrad
# function of (x, axis, keepdims), torch function of (t, dim, keepdim),
# whether it takes dim=None, whether it takes keepdim)
ZERO_D = [
    ("sum", lambda x, a, k: F.sum(x, a, k), lambda t, d, k: torch.sum(t, dim=d, keepdim=k), True, True),
    ("mean", lambda x, a, k: F.mean(x, a, k), lambda t, d, k: torch.mean(t, dim=d, keepdim=k), True, True),
    ("prod", lambda x, a, k: F.prod(x, a, k),
     lambda t, d, k: torch.prod(t) if d is None else torch.prod(t, d, keepdim=k), True, True),
    ("var", lambda x, a, k: F.var(x, a, k), lambda t, d, k: torch.var(t, dim=d, correction=0, keepdim=k), True, True),
    ("std", lambda x, a, k: F.std(x, a, k), lambda t, d, k: torch.std(t, dim=d, correction=0, keepdim=k), True, True),
    ("norm", lambda x, a, k: F.norm(x, axis=a, keepdims=k),
     lambda t, d, k: torch.linalg.vector_norm(t, dim=d, keepdim=k), True, True),
    ("norm_p3", lambda x, a, k: F.norm(x, 3, axis=a, keepdims=k),
     lambda t, d, k: torch.linalg.vector_norm(t, 3, dim=d, keepdim=k), False, True),
    ("norm_1", lambda x, a, k: F.norm(x, 1, axis=a, keepdims=k),
     lambda t, d, k: torch_abs(t), False, True),
    ("max", lambda x, a, k: F.max(x, a, k), lambda t, d, k: torch.amax(t, dim=() if d is None else d, keepdim=k),
     True, True),
    ("min", lambda x, a, k: F.min(x, a, k), lambda t, d, k: torch.amin(t, dim=() if d is None else d, keepdim=k),
     True, True),
    ("max_method", lambda x, a, k: x.max() if a is None else x.max(a, k).values,
     lambda t, d, k: t.max() if d is None else t.max(d, k).values,
     True, True),
    ("amax", lambda x, a, k: F.amax(x, a, k), lambda t, d, k: torch.amax(t, dim=() if d is None else d, keepdim=k),
     True, True),
    ("amin", lambda x, a, k: F.amin(x, a, k), lambda t, d, k: torch.amin(t, dim=() if d is None else d, keepdim=k),
     True, True),
    ("logsumexp", lambda x, a, k: F.logsumexp(x, a, k),
     lambda t, d, k: torch.logsumexp(t, dim=() if d is None else d, keepdim=k), True, True),
    ("median", lambda x, a, k: F.median(x, a, k),
     lambda t, d, k: torch.median(t) if d is None else torch.median(t, d, k).values, True, True),
    ("cumsum", lambda x, a, k: F.cumsum(x, a), lambda t, d, k: torch.cumsum(t, d), False, False),
    ("cumprod", lambda x, a, k: F.cumprod(x, a), lambda t, d, k: torch.cumprod(t, d), False, False),
    ("logcumsumexp", lambda x, a, k: F.logcumsumexp(x, a), lambda t, d, k: torch.logcumsumexp(t, d), False, False),
    ("cummax", lambda x, a, k: F.cummax(x, a).values, lambda t, d, k: torch.cummax(t, d).values, False, False),
    ("cummin", lambda x, a, k: F.cummin(x, a).values, lambda t, d, k: torch.cummin(t, d).values, False, False),
    ("sort", lambda x, a, k: F.sort(x, a), lambda t, d, k: torch.sort(t, d).values, False, False),
    ("sort_descending", lambda x, a, k: F.sort(x, a, descending=True),
     lambda t, d, k: torch.sort(t, d, descending=True).values, False, False),
    ("topk", lambda x, a, k: F.topk(x, 1, a)[0], lambda t, d, k: torch.topk(t, 1, d).values, False, False),
    ("gather", lambda x, a, k: F.gather(x, a, np.array(0)),
     lambda t, d, k: torch.gather(t, d, torch.tensor(0)), False, False),
    ("gather_method", lambda x, a, k: x.gather(a, np.array(0)),
     lambda t, d, k: t.gather(d, torch.tensor(0)), False, False),
    ("scatter_add", lambda x, a, k: F.scatter_add(x, a, np.array(0), x * 3),
     lambda t, d, k: torch.scatter_add(t, d, torch.tensor(0), t * 3), False, False),
    ("softmax", lambda x, a, k: F.softmax(x, a), lambda t, d, k: torch.softmax(t, d), False, False),
    ("log_softmax", lambda x, a, k: F.log_softmax(x, a), lambda t, d, k: torch.log_softmax(t, d), False, False),
    ("flip", lambda x, a, k: F.flip(x, a), lambda t, d, k: torch.flip(t, (d,)), False, False),
    ("squeeze", lambda x, a, k: F.squeeze(x, a), lambda t, d, k: torch.squeeze(t, d), False, False),
    ("swapaxes", lambda x, a, k: F.swapaxes(x, a, 0), lambda t, d, k: torch.swapaxes(t, d, 0), False, False),
]
ZERO_D_CALLS = [(name, mg_fn, torch_fn, dim, keepdim)
                for name, mg_fn, torch_fn, takes_none, takes_keepdim in ZERO_D
                for dim in ([None] if takes_none else []) + [0, -1]
                for keepdim in ([False, True] if takes_keepdim else [False])]


@pytest.mark.parametrize("name,mg_fn,torch_fn,dim,keepdim", ZERO_D_CALLS,
                         ids=[f"{c[0]}-dim={c[3]}-keepdim={c[4]}" for c in ZERO_D_CALLS])
def test_0d_inputs_match_torch(name, mg_fn, torch_fn, dim, keepdim):
    """Value (and its shape, ()), gradient and second derivative."""
    import minigrad as mg
    a = np.array(-0.7)
    assert mg_fn(mg.Variable(a), dim, keepdim).shape == ()
    assert_matches_torch(lambda x: mg_fn(x, dim, keepdim), lambda t: torch_fn(t, dim, keepdim), a, atol=1e-12)


ZERO_D_VALUES = [
    ("argmax", lambda x, a, k: F.argmax(x, a, k), lambda t, d, k: torch.argmax(t, d, k)),
    ("argmin", lambda x, a, k: F.argmin(x, a, k), lambda t, d, k: torch.argmin(t, d, k)),
    ("argsort", lambda x, a, k: F.argsort(x, a), lambda t, d, k: torch.argsort(t, dim=d)),
    ("topk_indices", lambda x, a, k: F.topk(x, 1, a)[1], lambda t, d, k: torch.topk(t, 1, d).indices),
    ("any", lambda x, a, k: F.any(x, a, k), lambda t, d, k: torch.any(t, d, k)),
    ("all", lambda x, a, k: F.all(x, a, k), lambda t, d, k: torch.all(t, d, k)),
]


@pytest.mark.parametrize("name,mg_fn,torch_fn", ZERO_D_VALUES, ids=[c[0] for c in ZERO_D_VALUES])
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_0d_inputs_match_torch_values(name, mg_fn, torch_fn, dim, keepdim):
    import minigrad as mg
    y = mg_fn(mg.Variable(np.array(-0.7)), dim, keepdim)
    expected = torch_fn(torch.tensor(-0.7, dtype=torch.float64), dim, keepdim).numpy()
    assert y.shape == expected.shape == ()
    np.testing.assert_array_equal(y.data, expected)


def test_0d_axis_out_of_range_is_an_axis_error_as_torch_an_index_error():
    import minigrad as mg
    x = mg.Variable(np.array(1.0))
    with pytest.raises(IndexError):
        torch.sum(torch.tensor(1.0), 1)
    for call in (lambda: F.sum(x, 1), lambda: F.max(x, -2), lambda: F.sort(x, 1), lambda: F.softmax(x, 2)):
        with pytest.raises(np.exceptions.AxisError, match="out of range"):
            call()


def test_every_name_claimed_is_compared():
    tested = {c[0] for c in CASES} | {c[0] for c in VALUE_CASES}
    missing = sorted(n for n in COMPARED if not any(t == n or t.startswith(n + "_") for t in tested))
    assert not missing, f"COMPARED lists names with no case: {missing}"


def test_nonzero_is_numpys_tuple_as_torchs_as_tuple_form():
    """F.nonzero keeps NumPy's meaning (a tuple of index arrays): torch's
    nonzero(as_tuple=True); torch's default (one row per element) is minigrad.nonzero."""
    import minigrad as mg
    x = RNG.random((3, 4)) > 0.5
    ours = F.nonzero(mg.Variable(x))
    theirs = torch.nonzero(tensor(x), as_tuple=True)
    assert len(ours) == len(theirs) == 2
    for o, t in zip(ours, theirs):
        assert o.dtype == np.int64 and not o.requires_grad
        np.testing.assert_array_equal(o.data, t.numpy())
    np.testing.assert_array_equal(mg.nonzero(mg.Variable(x)).data, torch.nonzero(tensor(x)).numpy())
