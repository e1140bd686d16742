"""Convolution, pooling and normalisation against PyTorch (torch is only an
oracle): values, first derivatives and second derivatives (the gradient of
<first derivatives, v> for a random v), in float64."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

torch = pytest.importorskip("torch")
tF = torch.nn.functional


def assert_matches_torch(mg_fn, torch_fn, *arrays, seed=0, atol=1e-10):
    """Same value, same gradients of <y, w>, same gradients of
    <those gradients, v>, for every input."""
    rng = np.random.default_rng(seed)
    xs = [mg.Variable(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, t = mg_fn(*xs), torch_fn(*ts)
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-7, atol=atol, err_msg="forward")

    w = rng.standard_normal(y.shape)
    gs = mg.grad(y, xs, mg.Variable(w), create_graph=True)
    tgs = torch.autograd.grad(t, ts, torch.tensor(w), create_graph=True, allow_unused=True)
    for i, (g, tg) in enumerate(zip(gs, tgs)):
        expected = np.zeros(arrays[i].shape) if tg is None else tg.detach().numpy()
        actual = np.zeros(arrays[i].shape) if g is None else g.data
        np.testing.assert_allclose(actual, expected, rtol=1e-7, atol=atol, err_msg=f"gradient of input {i}")

    vs = [rng.standard_normal(a.shape) for a in arrays]
    s = sum((g * v).sum() for g, v in zip(gs, vs) if g is not None)
    ts_ = sum((tg * torch.tensor(v)).sum() for tg, v in zip(tgs, vs) if tg is not None and tg.requires_grad)
    ggs = mg.grad(s, xs) if isinstance(s, mg.Variable) and s.creator is not None else [None] * len(xs)
    tggs = (torch.autograd.grad(ts_, ts, allow_unused=True) if torch.is_tensor(ts_) and ts_.requires_grad
            else [None] * len(ts))
    for i, (gg, tgg) in enumerate(zip(ggs, tggs)):
        expected = np.zeros(arrays[i].shape) if tgg is None else tgg.numpy()
        actual = np.zeros(arrays[i].shape) if gg is None else gg.data
        np.testing.assert_allclose(actual, expected, rtol=1e-7, atol=atol, err_msg=f"second derivative, input {i}")


def randn(*shape, seed=1):
    return np.random.default_rng(seed + len(shape) + sum(shape)).standard_normal(shape)


GEOMETRIES = [  # (kernel, stride, pad)
    ((3, 3), 1, 0),
    ((3, 3), 1, 1),
    ((3, 2), 2, 1),
    ((2, 3), (2, 1), (0, 1)),
    ((1, 1), 1, 0),
]


@pytest.mark.parametrize("kernel,stride,pad", GEOMETRIES)
@pytest.mark.parametrize("bias", [False, True])
def test_conv2d(kernel, stride, pad, bias):
    x, W, b = randn(2, 3, 6, 5), randn(4, 3, *kernel), randn(4)
    if bias:
        assert_matches_torch(lambda x, W, b: F.conv2d(x, W, b, stride, pad),
                             lambda x, W, b: tF.conv2d(x, W, b, stride, pad), x, W, b)
    else:
        assert_matches_torch(lambda x, W: F.conv2d(x, W, stride=stride, pad=pad),
                             lambda x, W: tF.conv2d(x, W, stride=stride, padding=pad), x, W)


@pytest.mark.parametrize("kernel,stride,pad", GEOMETRIES)
def test_conv_transpose2d(kernel, stride, pad):
    x, W, b = randn(2, 3, 4, 5), randn(3, 2, *kernel), randn(2)
    assert_matches_torch(lambda x, W, b: F.conv_transpose2d(x, W, b, stride, pad),
                         lambda x, W, b: tF.conv_transpose2d(x, W, b, stride, pad), x, W, b)


@pytest.mark.parametrize("kernel,stride,pad", [(2, None, 0), (3, 2, 1), ((3, 2), (1, 2), (1, 0)), (2, 1, 1)])
def test_pools(kernel, stride, pad):
    x = randn(2, 3, 7, 6)  # continuous random values: no ties
    assert_matches_torch(lambda x: F.max_pool2d(x, kernel, stride, pad),
                         lambda x: tF.max_pool2d(x, kernel, stride, pad), x)
    assert_matches_torch(lambda x: F.avg_pool2d(x, kernel, stride, pad),
                         lambda x: tF.avg_pool2d(x, kernel, stride, pad), x)


@pytest.mark.parametrize("kernel,stride,pad", GEOMETRIES)
def test_im2col_is_unfold_and_col2im_is_fold(kernel, stride, pad):
    x = randn(2, 3, 6, 5)
    assert_matches_torch(lambda x: F.im2col(x, kernel, stride, pad),
                         lambda x: tF.unfold(x, kernel, padding=pad, stride=stride), x)
    cols = F.im2col(x, kernel, stride, pad).data
    cols = cols + randn(*cols.shape)
    assert_matches_torch(lambda c: F.col2im(c, x.shape, kernel, stride, pad),
                         lambda c: tF.fold(c, x.shape[2:], kernel, padding=pad, stride=stride), cols)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 3, 2)])
def test_batch_norm_training_and_running_statistics(shape):
    x, gamma, beta = randn(*shape) * 2 + 1, randn(3), randn(3)
    mean0, var0 = randn(3, seed=7), randn(3, seed=8) ** 2 + 0.5
    running_mean, running_var = mean0.copy(), var0.copy()
    torch_mean, torch_var = torch.tensor(mean0), torch.tensor(var0)
    y = F.batch_norm(x, gamma, beta, running_mean, running_var, training=True, momentum=0.3)
    t = tF.batch_norm(torch.tensor(x), torch_mean, torch_var, torch.tensor(gamma), torch.tensor(beta),
                      training=True, momentum=0.3)
    np.testing.assert_allclose(y.data, t.numpy(), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(running_mean, torch_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(running_var, torch_var.numpy(), rtol=1e-12)  # unbiased batch variance
    assert_matches_torch(lambda x, g, b: F.batch_norm(x, g, b, training=True),
                         lambda x, g, b: tF.batch_norm(x, None, None, g, b, training=True), x, gamma, beta)


@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 3, 2)])
def test_batch_norm_eval_uses_running_statistics(shape):
    x, gamma, beta = randn(*shape), randn(3), randn(3)
    running_mean, running_var = randn(3, seed=7), randn(3, seed=8) ** 2 + 0.5
    before = running_mean.copy(), running_var.copy()
    assert_matches_torch(
        lambda x, g, b: F.batch_norm(x, g, b, running_mean, running_var, training=False),
        lambda x, g, b: tF.batch_norm(x, torch.tensor(running_mean), torch.tensor(running_var), g, b,
                                      training=False), x, gamma, beta)
    np.testing.assert_array_equal(running_mean, before[0])
    np.testing.assert_array_equal(running_var, before[1])


@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), 4)])
def test_layer_norm(shape, normalized):
    x = randn(*shape)
    dims = (normalized,) if isinstance(normalized, int) else normalized
    weight, bias = randn(*dims, seed=3), randn(*dims, seed=4)
    assert_matches_torch(lambda x, w, b: F.layer_norm(x, normalized, w, b),
                         lambda x, w, b: tF.layer_norm(x, dims, w, b), x, weight, bias)
    assert_matches_torch(lambda x: F.layer_norm(x, normalized), lambda x: tF.layer_norm(x, dims), x)


def test_dropout_eval_is_identity_and_p_one_gives_zeros():
    x = randn(3, 4)
    assert_matches_torch(lambda x: F.dropout(x, 0.4, training=False),
                         lambda x: tF.dropout(x, 0.4, training=False), x)
    assert_matches_torch(lambda x: F.dropout(x, 1.0, training=True),
                         lambda x: tF.dropout(x, 1.0, training=True), x)
