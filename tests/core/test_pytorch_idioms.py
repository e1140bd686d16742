"""What PyTorch users write, as in PyTorch's tutorials (the ports in
examples/from_pytorch/), working as in PyTorch: custom Functions in
PyTorch's `ctx` style, `mg.normal`, the `inplace` flag of activation and
dropout layers, `grad(only_inputs=)`."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn


class LegendrePolynomial3(mg.Function):
    """P3(x) = (5 x**3 - 3 x) / 2, written as PyTorch's tutorial writes it."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class Exp(mg.Function):
    """Saves its output, as PyTorch's docs' example does."""

    @staticmethod
    def forward(ctx, i):
        result = np.exp(i)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


class ScaleByConstant(mg.Function):
    """Saves an array that is neither input nor output; reads needs_input_grad."""

    @staticmethod
    def forward(ctx, x, y):
        scale = mg.full_like(x, 3.0)
        ctx.save_for_backward(scale)
        return scale * x + y

    @staticmethod
    def backward(ctx, gy):
        scale, = ctx.saved_tensors
        assert isinstance(scale, mg.Variable) and not scale.requires_grad
        needs_x, needs_y = ctx.needs_input_grad
        return (gy * scale if needs_x else None), (gy if needs_y else None)


X = np.array([-0.9, -0.3, 0.2, 0.7, 1.1])


def test_ctx_style_function_first_and_second_order():
    f = lambda x: LegendrePolynomial3.apply(x)
    assert mg.gradcheck(f, X)
    assert mg.gradgradcheck(f, X)
    x = mg.Variable(X)
    (gx,) = mg.grad(f(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(gx.data, 1.5 * (5 * X ** 2 - 1))
    (ggx,) = mg.grad(gx.sum(), x)
    np.testing.assert_allclose(ggx.data, 15 * X)


def test_ctx_style_saved_output_is_the_output_variable():
    assert mg.gradcheck(lambda x: Exp.apply(x), X)
    assert mg.gradgradcheck(lambda x: Exp.apply(x), X)


def test_ctx_style_saved_other_array_is_a_constant_and_needs_input_grad():
    x = mg.Variable(X.copy())
    y = mg.Variable(X.copy(), requires_grad=False)
    ScaleByConstant.apply(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full_like(X, 3.0))
    assert y.grad is None


class MulConstant(mg.Function):
    """PyTorch's docs' example: a number argument, kept on ctx."""

    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


def test_ctx_style_number_argument_kept_on_ctx():
    x = mg.Variable(X)
    y = MulConstant.apply(x, 2.5)
    y.sum().backward()
    np.testing.assert_allclose(y.data, 2.5 * X)
    np.testing.assert_allclose(x.grad.data, np.full_like(X, 2.5))
    assert mg.gradgradcheck(lambda v: MulConstant.apply(v, 2.5) ** 2, X)


class MyReLU(mg.Function):
    """The older "Learning PyTorch with Examples" custom ReLU: forward on
    tensors, with a tensor method."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * (input > 0)


def test_ctx_style_forward_computes_on_variables_without_recording():
    seen = {}

    class Spy(mg.Function):
        @staticmethod
        def forward(ctx, x):
            seen["type"], seen["requires_grad"] = type(x), x.requires_grad
            y = x * 2
            seen["recorded"] = y.creator is not None
            return y

        @staticmethod
        def backward(ctx, gy):
            return 2 * gy

    x = mg.Variable(X)
    y = Spy.apply(x)
    assert seen == {"type": mg.Variable, "requires_grad": False, "recorded": False}
    assert type(y.data) is np.ndarray and y.creator is not None
    r = MyReLU.apply(x)
    np.testing.assert_array_equal(r.data, np.maximum(X, 0))
    r.sum().backward()
    np.testing.assert_array_equal(x.grad.data, (X > 0).astype(float))


def test_ctx_style_saved_tensors_without_save_is_a_clear_error():
    class Forgetful(mg.Function):
        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return 2 * gy

    x = mg.Variable(X)
    y = Forgetful.apply(x).sum()
    with pytest.raises(RuntimeError, match="forgetful: saved_tensors read, but forward called no save_for_backward"):
        y.backward()


def test_ctx_style_function_against_pytorch():
    torch = pytest.importorskip("torch")

    class TorchP3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    xt = torch.tensor(X, requires_grad=True)
    (gt,) = torch.autograd.grad((TorchP3.apply(xt) ** 2).sum(), xt, create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    x = mg.Variable(X)
    (g,) = mg.grad((LegendrePolynomial3.apply(x) ** 2).sum(), x, create_graph=True)
    (gg,) = mg.grad(g.sum(), x)
    np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.data, ggt.numpy(), rtol=1e-12)


def test_normal_as_torch_normal():
    mg.manual_seed(0)
    w = mg.normal(0, 0.01, size=(64, 10), requires_grad=True)
    assert w.shape == (64, 10) and w.dtype == np.float32 and w.requires_grad and w.creator is None
    big = mg.normal(2.0, 3.0, size=(200_000,))
    assert abs(big.data.mean() - 2.0) < 0.05 and abs(big.data.std() - 3.0) < 0.05
    mg.manual_seed(5)
    a = mg.normal(0, 1, (3,))
    mg.manual_seed(5)
    np.testing.assert_array_equal(a.data, mg.normal(0, 1, (3,)).data)
    # tensors of means and stds broadcast, as torch.normal(mean, std)
    drawn = mg.normal(mg.tensor([0.0, 100.0]), np.array([[0.0], [1e-3]]), dtype=np.float64)
    assert drawn.shape == (2, 2) and drawn.dtype == np.float64
    np.testing.assert_array_equal(drawn.data[0], [0.0, 100.0])


def test_normal_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="normal: std must be >= 0, got -1"):
        mg.normal(0.0, -1.0, size=(2,))
    with pytest.raises(ValueError, match=r"normal: mean of shape \(3,\) and std of shape \(\) do not broadcast to size \(2,\)"):
        mg.normal(np.zeros(3), 1.0, size=(2,))
    with pytest.raises(ValueError, match=r"normal: mean of shape \(3,\) and std of shape \(2,\) do not broadcast$"):
        mg.normal(np.zeros(3), np.ones(2))


@pytest.mark.parametrize("layer", [
    nn.ReLU(inplace=True), nn.LeakyReLU(0.2, inplace=True), nn.ELU(1.0, True), nn.CELU(inplace=True),
    nn.Hardtanh(-0.5, 0.5, True), nn.ReLU6(inplace=True), nn.SiLU(inplace=True), nn.Mish(inplace=True),
    nn.SELU(inplace=True), nn.Hardsigmoid(inplace=True), nn.Hardswish(inplace=True),
    nn.Dropout(0.5, inplace=True)], ids=lambda layer: type(layer).__name__)
def test_inplace_flag_is_accepted_and_changes_nothing(layer):
    x = mg.Variable(X.copy())
    layer.eval()
    y = layer(x)
    plain = type(layer)(**{k: v for k, v in vars(layer).items()
                           if k in ("negative_slope", "alpha", "min_val", "max_val", "p")})
    plain.eval()
    np.testing.assert_array_equal(y.data, plain(mg.Variable(X.copy())).data)
    np.testing.assert_array_equal(x.data, X)   # the input is not overwritten
    y.sum().backward()
    assert x.grad is not None
    assert layer.inplace is True and plain.inplace is False


def test_grad_accepts_only_inputs():
    x = mg.Variable(X)
    (g,) = mg.grad((x * x).sum(), x, create_graph=True, retain_graph=True, only_inputs=True)
    np.testing.assert_allclose(g.data, 2 * X)
    assert x.grad is None


def test_size_is_numpys_count_and_pytorchs_call():
    import pickle
    x = mg.Variable(np.zeros((2, 3)))
    assert x.size == 6 and isinstance(x.size, int) and x.size * 2 == 12 and f"{x.size}" == "6"
    assert x.size() == (2, 3) and x.size(0) == 2 and x.size(-1) == 3
    assert mg.Variable(np.float64(1.0)).size() == () and mg.Variable(np.float64(1.0)).size == 1
    assert type(pickle.loads(pickle.dumps(x.size))) is int
    with pytest.raises(IndexError, match=r"size: dim 2 is out of range for shape \(2, 3\) \(expected an int in \[-2, 1\]\)"):
        x.size(2)
    # the gradient penalty's habit, through the graph
    g = x.view(x.size(0), -1)
    assert g.shape == (2, 3)


def test_grad_fn_and_is_leaf():
    x = mg.Variable(X)
    c = mg.tensor(X)
    y = (x * c).sum()
    assert x.is_leaf and c.is_leaf and not y.is_leaf
    assert x.grad_fn is None and y.grad_fn is y.creator
    with mg.no_grad():
        z = x * 2
    assert z.is_leaf and z.grad_fn is None


class SinCos(mg.Function):
    """Two outputs, both saved, as PyTorch users write it."""

    @staticmethod
    def forward(ctx, x):
        s, c = np.sin(x), np.cos(x)
        ctx.save_for_backward(s, c)
        return s, c

    @staticmethod
    def backward(ctx, gs, gc):
        s, c = ctx.saved_tensors
        return gs * c - gc * s


def test_ctx_style_saved_output_gone_is_an_error_only_where_it_would_be_wrong():
    x = mg.Variable(X)
    s = SinCos.apply(x)[0]            # the cos output is dropped at once
    (g,) = mg.grad(s.sum(), x)        # first order: the saved array is right (cos gets zeros)
    np.testing.assert_allclose(g.data, np.cos(X))
    s = SinCos.apply(x)[0]
    with pytest.raises(RuntimeError, match=r"sin_cos: output\(s\) \[1\] are no longer alive"):
        mg.grad(s.sum(), x, create_graph=True)
    s, c = SinCos.apply(x)            # both kept: second order is right
    (g,) = mg.grad(s.sum(), x, create_graph=True)
    (gg,) = mg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, -np.sin(X))


def test_init_normal_takes_mean_then_std_as_pytorch():
    w = nn.Parameter(np.zeros((400, 300), dtype=np.float32))
    mg.manual_seed(0)
    nn.init.normal_(w, 0.0, 0.02)          # DCGAN's habit: mean 0, std 0.02
    assert abs(w.data.mean()) < 1e-3 and abs(w.data.std() - 0.02) < 1e-3
    nn.init.normal_(w, 1.0, std=0.5)
    assert abs(w.data.mean() - 1.0) < 0.01 and abs(w.data.std() - 0.5) < 0.01
    nn.init.normal_(w, std=0.3)
    assert abs(w.data.mean()) < 0.01 and abs(w.data.std() - 0.3) < 0.01


class MyCube(mg.Function):
    """PyTorch 2's style: forward without ctx, then setup_context (from
    PyTorch's docs on extending torch.func)."""

    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x


def test_setup_context_style_function_against_pytorch():
    torch = pytest.importorskip("torch")

    class TorchCube(torch.autograd.Function):
        @staticmethod
        def forward(x):
            result = x ** 3
            dx = 3 * x ** 2
            return result, dx

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            result, dx = output
            ctx.save_for_backward(x, dx)

        @staticmethod
        def backward(ctx, grad_output, grad_dx):
            x, dx = ctx.saved_tensors
            return grad_output * dx + grad_dx * 6 * x

    xt = torch.tensor(X, requires_grad=True)
    yt, dxt = TorchCube.apply(xt)
    (gt,) = torch.autograd.grad((yt * yt).sum(), xt, create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    x = mg.Variable(X)
    y, dx = MyCube.apply(x)
    (g,) = mg.grad((y * y).sum(), x, create_graph=True)
    (gg,) = mg.grad(g.sum(), x)
    np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.data, ggt.numpy(), rtol=1e-12)
    assert mg.gradgradcheck(lambda v: (lambda y, dx: y + dx)(*MyCube.apply(v)), X)
