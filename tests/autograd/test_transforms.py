"""minigrad.autograd's function transforms beside their twins: PyTorch's
torch.func / torch.autograd.functional (always) and HIPS autograd (when
installed). f is NumPy code; the transforms return NumPy values."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.autograd as mga

torch = pytest.importorskip("torch")
from torch.autograd import functional as TF  # noqa: E402
from torch.func import grad as tgrad, grad_and_value, vmap  # noqa: E402

rs = np.random.RandomState(0)
X = rs.randn(3, 4)
Y = rs.randn(4)


def close(mine, theirs, rtol=1e-10):
    np.testing.assert_allclose(mine, theirs.detach().numpy() if hasattr(theirs, "detach") else theirs,
                               rtol=rtol, atol=1e-12)


def t(a):
    return torch.tensor(np.asarray(a))


# (name, NumPy f, torch f, x): scalar-valued, for grad and hessian
SCALAR = [
    ("sin_times_square", lambda x: np.sum(np.sin(x) * x ** 2), lambda x: (torch.sin(x) * x ** 2).sum(), X),
    ("logsumexp_rows", lambda x: np.sum(np.log(np.sum(np.exp(x), axis=1))),
     lambda x: torch.logsumexp(x, dim=1).sum(), X),
    ("quadratic_form", lambda x: np.dot(x, np.dot(np.outer(Y, Y) + np.eye(4), x)),
     lambda x: x @ ((t(np.outer(Y, Y)) + torch.eye(4, dtype=x.dtype)) @ x), Y),
    ("tanh_of_a_number", np.tanh, torch.tanh, 0.7),
]


@pytest.mark.parametrize("name, f, tf, x", SCALAR, ids=[row[0] for row in SCALAR])
def test_grad_beside_torch_func(name, f, tf, x):
    mine = mga.grad(f)(x)
    assert isinstance(mine, (np.ndarray, np.floating)) and np.shape(mine) == np.shape(x)
    close(mine, tgrad(tf)(t(x)))


@pytest.mark.parametrize("name, f, tf, x", SCALAR, ids=[row[0] for row in SCALAR])
def test_value_and_grad_beside_torch_func(name, f, tf, x):
    value, g = mga.value_and_grad(f)(x)
    their_g, their_value = grad_and_value(tf)(t(x))
    close(value, their_value)
    close(g, their_g)


@pytest.mark.parametrize("name, f, tf, x", SCALAR, ids=[row[0] for row in SCALAR])
def test_hessian_beside_torch(name, f, tf, x):
    mine = mga.hessian(f)(x)
    assert mine.shape == np.shape(x) * 2
    close(mine, TF.hessian(tf, t(x)), rtol=1e-9)


VECTOR = [
    ("elementwise", lambda x: np.tanh(x) * x, lambda x: torch.tanh(x) * x, Y),
    ("matrix_out", lambda x: np.outer(x, np.sin(x)), lambda x: torch.outer(x, torch.sin(x)), Y),
    ("matrix_in", lambda x: np.dot(x, Y), lambda x: x @ t(Y), X),
]


@pytest.mark.parametrize("name, f, tf, x", VECTOR, ids=[row[0] for row in VECTOR])
def test_jacobian_beside_torch(name, f, tf, x):
    mine = mga.jacobian(f)(x)
    assert mine.shape == np.shape(f(x)) + np.shape(x)
    close(mine, TF.jacobian(tf, t(x)))


def test_elementwise_grad_is_the_gradient_of_the_sum_beside_torch():
    close(mga.elementwise_grad(np.tanh)(X), vmap(vmap(tgrad(torch.tanh)))(t(X)))
    close(mga.elementwise_grad(lambda x: np.dot(x, Y))(X), tgrad(lambda x: (x @ t(Y)).sum())(t(X)))


def test_argnum_picks_the_argument_and_a_tuple_gives_a_tuple():
    f = lambda w, x: np.sum(np.tanh(np.dot(x, w)))  # noqa: E731
    tf = lambda w, x: torch.tanh(x @ w).sum()  # noqa: E731
    close(mga.grad(f, 1)(Y, X), tgrad(tf, argnums=1)(t(Y), t(X)))
    mine = mga.grad(f, argnum=(0, 1))(Y, X)
    theirs = tgrad(tf, argnums=(0, 1))(t(Y), t(X))
    assert isinstance(mine, tuple) and len(mine) == 2
    for a, b in zip(mine, theirs):
        close(a, b)


def test_nested_containers_give_gradients_of_the_same_structure():
    params = {"layers": [(X, Y), (Y[:3], 0.5)], "scale": 2.0}

    def f(p):
        (W, b), (v, c) = p["layers"]
        return p["scale"] * np.sum(np.tanh(np.dot(W, b)) * v) + c ** 2

    def tf(p):
        (W, b), (v, c) = p["layers"]
        return p["scale"] * (torch.tanh(W @ b) * v).sum() + c ** 2

    mine = mga.grad(f)(params)
    theirs = tgrad(tf)({"layers": [(t(X), t(Y)), (t(Y[:3]), t(0.5))], "scale": t(2.0)})
    assert set(mine) == {"layers", "scale"} and isinstance(mine["layers"], list)
    assert isinstance(mine["layers"][0], tuple)
    for a, b in zip(mga.misc.flatten(mine)[0], mga.misc.flatten(
            {"layers": [tuple(x.numpy() for x in pair) for pair in theirs["layers"]],
             "scale": theirs["scale"].numpy()})[0]):
        close(a, b)


def test_transforms_nest_without_confusing_their_variables():
    # d/dx [x * d/dy (x*y)] = d/dx x**2 = 2x: the inner transform's y is not the outer x
    assert mga.grad(lambda x: x * mga.grad(lambda y: x * y)(x))(3.0) == pytest.approx(6.0)
    assert tgrad(lambda x: x * tgrad(lambda y: x * y)(x))(torch.tensor(3.0)).item() == pytest.approx(6.0)
    # a gradient of a gradient, beside torch.func
    close(mga.grad(mga.grad(lambda x: np.sin(x) * x ** 3))(0.3),
          tgrad(tgrad(lambda x: torch.sin(x) * x ** 3))(torch.tensor(0.3, dtype=torch.float64)))


def test_dtype_is_kept():
    g = mga.grad(lambda x: np.sum(x ** 2))(np.ones(3, dtype=np.float32))
    assert g.dtype == np.float32
    assert isinstance(mga.grad(np.tanh)(1.0), np.float64)


def test_an_unused_argument_gets_zeros_beside_torch_func():
    mine = mga.grad(lambda x, y: np.sum(y ** 2), argnum=(0, 1))(X, Y)
    theirs = tgrad(lambda x, y: (y ** 2).sum(), argnums=(0, 1))(t(X), t(Y))
    close(mine[0], theirs[0])
    close(mine[1], theirs[1])
    np.testing.assert_array_equal(mga.grad(lambda x, y: np.sum(np.tanh(y)), 0)(X, mg.Variable(Y)).data,
                                  np.zeros_like(X))


def test_an_output_that_is_not_a_variable_raises_instead_of_autograds_zero():
    """autograd warns and answers 0; a float() inside f looks the same, so
    minigrad raises, as torch.func does."""
    with pytest.raises(TypeError, match=r"grad: f returned float 3.0, not a Variable.*np.zeros_like"):
        mga.grad(lambda x: 3.0)(np.ones(2))
    with pytest.raises(TypeError, match=r"elementwise_grad: f returned float .*float\(\), \.item\(\)"):
        mga.elementwise_grad(lambda x: float(np.sum(x)))(np.ones(2))
    with pytest.raises(TypeError, match=r"grad: f returned tuple of 2 items, not a Variable"):
        mga.grad(lambda x: (np.sum(x), np.sum(x * 2)))(np.ones(2))
    with pytest.raises(RuntimeError, match="Expected f"):
        tgrad(lambda x: 3.0)(torch.ones(2))


def test_given_variables_the_result_is_a_variable_in_the_graph():
    x = mg.Variable(np.array([0.5, -1.0]))
    g = mga.grad(lambda x: np.sum(np.sin(x) ** 2))(x)
    assert isinstance(g, mg.Variable)
    (gg,) = mg.grad(g.sum(), [x])  # differentiate the gradient again, through x
    tx = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad((torch.sin(tx) ** 2).sum(), [tx], create_graph=True)
    close(g.data, tg)
    close(gg.data, torch.autograd.grad(tg.sum(), [tx])[0])


def test_no_asarray_of_a_variable_inside_the_transforms(monkeypatch):
    """The transforms never convert a Variable with np.asarray (which will
    raise for a Variable that requires grad): they read `.data`."""
    real = np.asarray

    def strict(a, *args, **kwargs):
        assert not isinstance(a, mg.Variable), "np.asarray given a Variable"
        return real(a, *args, **kwargs)

    monkeypatch.setattr(np, "asarray", strict)
    mga.hessian(lambda x: np.sum(np.tanh(x) ** 3))(Y)
    mga.grad(lambda p: np.dot(mga.misc.flatten(p)[0], mga.misc.flatten(p)[0]))([X, (Y, 1.0)])


def test_matches_autograd_on_the_same_calls():
    autograd = pytest.importorskip("autograd")
    anp = autograd.numpy
    f = lambda np: lambda w, x: np.sum(np.tanh(np.dot(x, w[0])) * w[1]["v"])  # noqa: E731
    w = [Y, {"v": rs.randn(3)}]
    ours, theirs = mga.grad(f(np))(w, X), autograd.grad(f(anp))(w, X)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1]["v"], theirs[1]["v"], rtol=1e-12)
    h = lambda np: lambda x: np.sum(np.sin(x) * np.outer(x, x))  # noqa: E731
    np.testing.assert_allclose(mga.hessian(h(np))(Y), autograd.hessian(h(anp))(Y), rtol=1e-12)
    np.testing.assert_allclose(mga.jacobian(lambda x: np.tanh(x) * x[0])(Y),
                               autograd.jacobian(lambda x: anp.tanh(x) * x[0])(Y), rtol=1e-12)
    value, g = mga.value_and_grad(np.tanh)(0.3)
    their_value, their_g = autograd.value_and_grad(anp.tanh)(0.3)
    assert (value, g) == pytest.approx((their_value, their_g), rel=1e-14)


# --- errors (rows also in tests/test_errors.py) ---

def test_an_integer_x_is_refused_as_autograd_does():
    with pytest.raises(TypeError, match=r"grad: can't differentiate with respect to int 2 .* pass a float"):
        mga.grad(np.tanh)(2)
    with pytest.raises(TypeError, match="dtype int64"):
        mga.jacobian(np.tanh)(np.arange(3))


def test_grad_of_an_array_valued_f_points_to_elementwise_grad_and_jacobian():
    with pytest.raises(TypeError, match=r"grad: f must return a single number, .*shape \(4,\).*elementwise_grad"):
        mga.grad(np.tanh)(Y)


def test_an_argnum_out_of_range_is_named():
    with pytest.raises(TypeError, match="grad: argnum 2, but the function was called with 1 positional"):
        mga.grad(np.tanh, 2)(1.0)


def test_jacobian_of_a_structure_says_to_flatten():
    with pytest.raises(TypeError, match="jacobian: x must be a number or an array, got list.*flatten"):
        mga.jacobian(lambda p: p[0])([Y])


def test_jacobians_nest_to_third_order_beside_torch_func():
    from torch.func import jacrev
    f = lambda x: np.sin(x) * np.sum(x ** 2)  # noqa: E731
    tf = lambda x: torch.sin(x) * (x ** 2).sum()  # noqa: E731
    mine = mga.jacobian(mga.hessian(lambda x: np.sum(f(x))))(Y)
    assert mine.shape == (4, 4, 4)
    close(mine, jacrev(jacrev(jacrev(lambda x: tf(x).sum())))(t(Y)), rtol=1e-9)
    close(mga.hessian(f)(Y), jacrev(jacrev(tf))(t(Y)), rtol=1e-9)
