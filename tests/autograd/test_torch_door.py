"""minigrad.autograd as PyTorch's torch.autograd: `grad(outputs, inputs,
...)` given Variables, and `Function` in PyTorch's ctx style, each beside
its PyTorch twin. The same `grad` given a function is HIPS autograd's."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.autograd as mga

torch = pytest.importorskip("torch")

X = np.array([-0.9, -0.3, 0.2, 0.7, 1.1])


def pair():
    return mg.Variable(X.copy()), torch.tensor(X, requires_grad=True)


def test_grad_of_variables_is_torch_autograd_grad():
    x, tx = pair()
    (g,) = mga.grad((x ** 3).sum(), [x], create_graph=True)
    (tg,) = torch.autograd.grad((tx ** 3).sum(), [tx], create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy())
    (gg,) = mga.grad(g.sum(), x)  # a single Variable as inputs, as torch takes
    np.testing.assert_allclose(gg.data, torch.autograd.grad(tg.sum(), tx)[0].numpy())


def test_grad_by_keyword_as_torch_code_calls_it():
    x, tx = pair()
    (g,) = mga.grad(outputs=[(x * x).sum()], inputs=[x], grad_outputs=[np.array(2.0)])
    (tg,) = torch.autograd.grad(outputs=[(tx * tx).sum()], inputs=[tx],
                                grad_outputs=[torch.tensor(2.0, dtype=torch.float64)])
    np.testing.assert_allclose(g.data, tg.numpy())


def test_grad_is_minigrad_grad_for_variables_and_autograds_for_functions():
    x, _ = pair()
    y = (x * 2).sum()
    np.testing.assert_array_equal(mga.grad(y, [x])[0].data, mg.grad(y, [x])[0].data)
    np.testing.assert_allclose(mga.grad(lambda v: np.sum(v * 2))(X), np.full(5, 2.0))


def test_grad_of_something_else_names_both_meanings():
    with pytest.raises(TypeError, match=r"minigrad.autograd.grad: expected a function, as in autograd's "
                                        r"grad\(f\)\(x\), or Variables, .* got ndarray"):
        mga.grad(np.ones(3))


def cube_function(base):
    """x**3 written as PyTorch's tutorial writes custom Functions, on `base`:
    the same class text for minigrad.autograd.Function and torch's."""
    class Cube(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return gy * 3 * x ** 2

    return Cube


Cube, TorchCube = cube_function(mga.Function), cube_function(torch.autograd.Function)


def test_function_is_torch_autograd_function():
    assert mga.Function is mg.Function and mga.detect_anomaly is mg.detect_anomaly
    x, tx = pair()
    y, ty = Cube.apply(x), TorchCube.apply(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.data if isinstance(x.grad, mg.Variable) else x.grad, tx.grad.numpy())


def test_a_custom_function_under_autograds_grad_and_hessian():
    """A custom Function inside NumPy code differentiated by the transforms, twice."""
    f = lambda x: np.sum(Cube.apply(x))  # noqa: E731
    np.testing.assert_allclose(mga.grad(f)(X), 3 * X ** 2)
    np.testing.assert_allclose(mga.hessian(f)(X), np.diag(6 * X), atol=1e-12)
    np.testing.assert_allclose(mga.hessian(f)(X),
                               torch.autograd.functional.hessian(lambda t: TorchCube.apply(t).sum(),
                                                                 torch.tensor(X)).numpy(), atol=1e-12)
