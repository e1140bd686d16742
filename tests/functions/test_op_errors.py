"""Bad input to the reductions, running ops, indexing, reordering, sorting,
linear algebra and pad ops gives an error naming the op and what was
wrong, never a bare NumPy traceback or a silent wrong answer; and a few
behaviours that are easy to get silently wrong."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

X = mg.Variable(np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("call,error,words", [
    # every axis argument is checked by type, once, in the shared helper
    (lambda: F.sum(X, axis=1.5), TypeError, ["sum", "1.5", "int"]),
    (lambda: F.mean(X, axis=(0, 1.5)), TypeError, ["mean", "1.5"]),
    (lambda: F.max(X, axis="0"), TypeError, ["max", "'0'"]),
    (lambda: F.softmax(X, axis=1.0), TypeError, ["softmax", "1.0"]),
    (lambda: F.prod(X, axis=2), np.exceptions.AxisError, ["prod", "axis 2", "out of range"]),
    (lambda: F.cumsum(X, axis=0.5), TypeError, ["cumsum", "0.5"]),
    (lambda: F.flip(X, axis=[0.5]), TypeError, ["flip", "0.5"]),
    (lambda: F.argmax(X, axis=3), np.exceptions.AxisError, ["argmax", "axis 3"]),
    (lambda: F.var(X, axis=1, ddof=4), ValueError, ["var", "ddof=4"]),
    (lambda: F.var(X, ddof=1, correction=1), TypeError, ["var", "correction"]),
    (lambda: F.norm(mg.Variable(np.ones((2, 2, 2))), ord=1), ValueError, ["norm", "axis"]),
    (lambda: F.norm(X, ord=3, axis=(0, 1)), ValueError, ["norm", "ord=3", "nuc"]),
    (lambda: F.median(mg.Variable(np.ones((0, 3))), axis=0), ValueError, ["median", "no elements"]),
    (lambda: F.gather(X, 1, np.array([[0, 4]])), IndexError, ["gather", "4", "axis 1 of size 4"]),
    (lambda: F.gather(X, 0, np.array([0, 1])), ValueError, ["gather", "dimensions"]),
    (lambda: F.gather(X, 0, np.zeros((2, 5), int)), ValueError, ["gather", "larger"]),
    (lambda: F.gather(X, 0, np.zeros((2, 2))), TypeError, ["gather", "integers"]),
    (lambda: F.take_along_axis(X, np.array([[5]]), 1), IndexError, ["take_along_axis", "5"]),
    (lambda: F.scatter_add(X, 0, np.zeros((2, 4), int), np.ones((1, 4))), ValueError, ["scatter_add", "src"]),
    (lambda: F.index_add(X, 0, np.array([0, 3]), np.ones((2, 4))), IndexError, ["index_add", "3"]),
    (lambda: F.index_add(X, 0, np.array([0, 1]), np.ones((2, 5))), ValueError, ["index_add", "(2, 5)"]),
    (lambda: F.masked_fill(X, np.ones((2, 4), bool), 0.0), ValueError, ["masked_fill", "(2, 4)", "(3, 4)"]),
    (lambda: F.masked_fill(X, np.ones((3, 4)), 0.0), TypeError, ["masked_fill", "boolean"]),
    (lambda: F.tril(mg.Variable(np.ones(3))), ValueError, ["tril", "2 dimensions"]),
    (lambda: F.diag(mg.Variable(np.ones((2, 2, 2)))), ValueError, ["diag", "1-D or 2-D"]),
    (lambda: F.diagonal(X, 0, 1, 1), ValueError, ["diagonal", "differ"]),
    (lambda: F.repeat(X, [1, 2], axis=0), ValueError, ["repeat", "2 repeats", "size 3"]),
    (lambda: F.roll(X, (1, 2), 0), ValueError, ["roll", "shift"]),
    (lambda: F.tile(X, (-1,)), ValueError, ["tile", "reps"]),
    (lambda: F.moveaxis(X, (0, 1), 0), ValueError, ["moveaxis", "same number"]),
    (lambda: F.permute(X, (0, 0)), ValueError, ["transpose", "permutation"]),
    (lambda: F.chunk(X, 0), ValueError, ["chunk", "positive"]),
    (lambda: F.topk(X, 5), ValueError, ["topk", "k=5", "size 4"]),
    (lambda: F.einsum("ij,jk->ik", X, mg.Variable(np.ones((5, 2)))), ValueError, ["einsum", "letter 'j'", "4", "5"]),
    (lambda: F.einsum("ijk->i", X), ValueError, ["einsum", "2 dimensions", "'ijk'"]),
    (lambda: F.einsum("ij,j", X), ValueError, ["einsum", "2 operands", "1"]),
    (lambda: F.einsum("i$->i", X), ValueError, ["einsum", "not valid"]),
    (lambda: F.tensordot(X, mg.Variable(np.ones((5, 2))), 1), ValueError, ["tensordot", "4", "5"]),
    (lambda: F.inv(X), ValueError, ["inv", "square", "(3, 4)"]),
    (lambda: F.det(mg.Variable(np.ones(3))), ValueError, ["det", "square"]),
    (lambda: F.solve(mg.Variable(np.eye(3)), mg.Variable(np.ones((4, 2)))), ValueError, ["solve", "(4, 2)"]),
    (lambda: F.cholesky(mg.Variable(-np.eye(2))), np.linalg.LinAlgError, ["cholesky"]),
    (lambda: F.pad(X, 1, mode="symmetric"), ValueError, ["pad", "symmetric", "reflect"]),
    (lambda: F.pad(mg.Variable(np.ones((0, 2))), 1, mode="edge"), ValueError, ["pad", "size 0", "edge"]),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_repeated_indices_add_up():
    """gather, index_add and pad(reflect) with repeated positions: every
    contribution reaches the gradient (np.add.at semantics)."""
    x = mg.Variable(np.arange(5.0))
    F.gather(x, 0, np.array([1, 1, 1, 4])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 3, 0, 0, 1])
    x = mg.Variable(np.zeros((3, 2)))
    F.index_add(mg.Variable(np.zeros((3, 2))), 0, np.array([2, 2, 0, 2]), x[[0, 1, 2, 0]]).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[2, 2], [1, 1], [1, 1]])
    x = mg.Variable(np.arange(3.0))
    F.pad(x, (4, 0), mode="reflect").sum().backward()  # reflect wider than the axis repeats twice over
    expected = np.zeros(3)
    np.add.at(expected, np.pad(np.arange(3), (4, 0), mode="reflect"), 1.0)
    np.testing.assert_array_equal(x.grad.data, expected)
    x = mg.Variable(np.arange(4.0))
    F.get_item(x, np.array([3, -1, 0, 3] * 5)).sum().backward()  # -1 and 3 are one position
    np.testing.assert_array_equal(x.grad.data, [5, 0, 0, 15])


def test_prod_gradient_is_exact_with_zeros():
    x = mg.Variable(np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]]))
    F.prod(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 6, 0], [0, 0, 0], [8, 4, 2]])


def test_median_of_an_even_count_averages_the_middle_values_as_numpy():
    x = mg.Variable(np.array([4.0, 1.0, 3.0, 2.0]))
    y = F.median(x)
    y.backward()
    assert y.item() == 2.5 == np.median(x.data)
    np.testing.assert_array_equal(x.grad.data, [0, 0, 0.5, 0.5])


def test_non_differentiable_results_need_no_gradient():
    for y in [F.argmax(X), F.argmin(X, 0), F.any(X, 1), F.all(X), F.argsort(X), F.topk(X, 2)[1],
              F.slogdet(mg.Variable(np.eye(2)))[0]]:
        assert isinstance(y, mg.Variable) and not y.requires_grad


def test_torch_names_reach_the_new_functions():
    x = mg.Variable(np.random.default_rng(0).standard_normal((3, 4)))
    np.testing.assert_allclose(F.std(x, dim=1, keepdim=True, correction=1).data,
                               np.std(x.data, axis=1, keepdims=True, ddof=1))
    np.testing.assert_array_equal(F.cumsum(x, dim=0).data, np.cumsum(x.data, 0))
    np.testing.assert_array_equal(F.sort(x, dim=0, descending=True).data, -np.sort(-x.data, 0))
    np.testing.assert_array_equal(F.gather(x, dim=1, index=np.array([[0], [1], [2]])).data,
                                  x.data[[0, 1, 2], [0, 1, 2]][:, None])


def test_running_ops_on_a_0d_array_stay_0d_as_torch():
    x = mg.Variable(np.array(1.5))
    for fn in (F.cumsum, F.cumprod, F.logcumsumexp, F.cummax, F.cummin):
        y = fn(x, 0)
        assert y.shape == () and y.item() == 1.5


AXIS_OUT_OF_RANGE = [
    ("sum", lambda x: F.sum(x, 2)), ("mean", lambda x: F.mean(x, (0, -3))), ("max", lambda x: F.max(x, 2)),
    ("min", lambda x: x.min(-3)), ("var", lambda x: F.var(x, 2)), ("std", lambda x: F.std(x, 5)),
    ("prod", lambda x: F.prod(x, 2)), ("norm", lambda x: F.norm(x, axis=2)), ("logsumexp", lambda x: F.logsumexp(x, 2)),
    ("amax", lambda x: F.amax(x, 2)), ("median", lambda x: F.median(x, 2)), ("argmax", lambda x: F.argmax(x, 2)),
    ("any", lambda x: F.any(x, 2)), ("cumsum", lambda x: F.cumsum(x, 2)), ("cumprod", lambda x: F.cumprod(x, -3)),
    ("sort", lambda x: F.sort(x, 2)), ("argsort", lambda x: F.argsort(x, 2)), ("topk", lambda x: F.topk(x, 1, 2)),
    ("gather", lambda x: F.gather(x, 2, np.zeros((1, 1), int))), ("softmax", lambda x: F.softmax(x, 2)),
    ("log_softmax", lambda x: F.log_softmax(x, -3)), ("flip", lambda x: F.flip(x, 2)),
    ("roll", lambda x: F.roll(x, 1, 2)), ("squeeze", lambda x: F.squeeze(x, 2)),
    ("expand_dims", lambda x: F.expand_dims(x, 3)), ("unsqueeze", lambda x: F.unsqueeze(x, -4)),
    ("swapaxes", lambda x: F.swapaxes(x, 0, 2)), ("moveaxis", lambda x: F.moveaxis(x, 0, 2)),
    ("concat", lambda x: F.concat([x, x], 2)), ("stack", lambda x: F.stack([x, x], 3)),
    ("split", lambda x: F.split(x, 1, 2)), ("chunk", lambda x: F.chunk(x, 1, 2)), ("unbind", lambda x: F.unbind(x, 2)),
    ("flatten", lambda x: F.flatten(x, 2)), ("repeat", lambda x: F.repeat(x, 2, 2)),
    ("take_along_axis", lambda x: F.take_along_axis(x, np.zeros((1, 1), int), 2)),
    ("index_add", lambda x: F.index_add(x, 2, np.array([0]), x)), ("diagonal", lambda x: F.diagonal(x, 0, 0, 2)),
    ("tensordot", lambda x: F.tensordot(x, x, ([2], [0]))), ("glu", lambda x: F.glu(x, 2)),
]


@pytest.mark.parametrize("name,call", AXIS_OUT_OF_RANGE, ids=[c[0] for c in AXIS_OUT_OF_RANGE])
def test_an_axis_out_of_range_is_numpys_axis_error_everywhere(name, call):
    """NumPy's AxisError, naming the op: a ValueError as NumPy's and an
    IndexError as PyTorch's "Dimension out of range" (so `except
    IndexError` written for PyTorch catches it too)."""
    x = mg.Variable(np.ones((2, 4)))
    name = {"amax": "max", "unsqueeze": "expand_dims"}.get(name, name)   # aliases name the op they are
    with pytest.raises(np.exceptions.AxisError, match=f"^{name}: .*out of range") as info:
        call(x)
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)


def test_an_axis_out_of_range_is_an_index_error_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(IndexError):
        torch.sum(torch.ones(2, 4), 2)
    with pytest.raises(IndexError):
        F.sum(mg.Variable(np.ones((2, 4))), 2)


@pytest.mark.parametrize("call", [
    lambda x: x[5], lambda x: x[:, 7], lambda x: x[np.array([0, 2])], lambda x: F.get_item(x, (0, 0, 0)),
    lambda x: F.gather(x, 1, np.array([[0, 4]])), lambda x: F.take_along_axis(x, np.array([[0, 4]]), 1),
    lambda x: F.scatter_add(x, 0, np.array([[2, 0, 0, 0]]), x), lambda x: F.index_add(x, 0, np.array([3]), x[:1]),
], ids=["int", "column", "array", "too_many", "gather", "take_along_axis", "scatter_add", "index_add"])
def test_an_index_out_of_range_is_an_index_error_as_torch(call):
    x = mg.Variable(np.ones((2, 4)))
    with pytest.raises(IndexError, match="out of range|out of bounds|invalid"):
        call(x)
