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


# -- convolution options ---------------------------------------------------------------

CONV_OPTIONS = [  # (stride, pad, dilation, groups)
    (1, 0, 2, 1),
    (2, 1, (2, 1), 2),
    ((1, 2), (2, 1), 1, 4),     # depthwise: groups == channels
    (1, 2, 2, 4),
]


@pytest.mark.parametrize("stride,pad,dilation,groups", CONV_OPTIONS)
def test_conv2d_dilation_and_groups(stride, pad, dilation, groups):
    x, W, b = randn(2, 4, 7, 6), randn(8, 4 // groups, 3, 2), randn(8)
    assert_matches_torch(lambda x, W, b: F.conv2d(x, W, b, stride, pad, dilation, groups),
                         lambda x, W, b: tF.conv2d(x, W, b, stride, pad, dilation, groups), x, W, b)


DEPTHWISE = [  # (x shape, filters per channel, kernel, pad, dilation); groups == channels, stride 1
    ((2, 3, 7, 6), 1, (3, 3), 1, 1),
    ((2, 3, 7, 6), 2, (3, 2), (2, 1), (2, 1)),
    ((1, 2, 5, 4), 3, (1, 1), 0, 1),
    ((3, 2, 9, 4), 1, (3, 3), "same", 2),
    ((2, 2, 4, 5), 2, (2, 3), (0, 2), (1, 2)),
]


@pytest.mark.parametrize("kernel_path", ["numpy", "blas"])
@pytest.mark.parametrize("shape,multiplier,kernel,pad,dilation", DEPTHWISE)
def test_depthwise_conv2d_on_either_kernel(monkeypatch, kernel_path, shape, multiplier, kernel, pad, dilation):
    # Short runs take NumPy's passes over all channels, long ones BLAS's axpy and dot per channel and
    # tap, in pieces: forced here on small images (pieces of 17 elements, so a run has several).
    from minigrad.functions import conv
    monkeypatch.setattr(conv, "_BLAS_RUN", 10**9 if kernel_path == "numpy" else 1)
    monkeypatch.setattr(conv, "_BLAS_PIECE", 17)
    channels = shape[1]
    x, W, b = randn(*shape), randn(channels * multiplier, 1, *kernel), randn(channels * multiplier)
    assert_matches_torch(lambda x, W, b: F.conv2d(x, W, b, 1, pad, dilation, channels),
                         lambda x, W, b: tF.conv2d(x, W, b, 1, pad, dilation, channels), x, W, b)


@pytest.mark.parametrize("shape,multiplier", [((2, 4, 6, 5), 1), ((3, 4, 40, 40), 2)])  # short runs, long runs
def test_depthwise_conv2d_keeps_float32(shape, multiplier):
    rng = np.random.default_rng(3)
    channels = shape[1]
    x, W, b = (rng.standard_normal(s).astype(np.float32) for s in (shape, (channels * multiplier, 1, 3, 3),
                                                                   (channels * multiplier,)))
    xs = [mg.Variable(a) for a in (x, W, b)]
    y = F.conv2d(*xs, pad=1, groups=channels)
    gy = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(mg.Variable(gy))
    ts = [torch.tensor(a, requires_grad=True) for a in (x, W, b)]
    t = tF.conv2d(*ts, padding=1, groups=channels)
    t.backward(torch.from_numpy(gy))
    for ours, theirs in [(y.data, t)] + [(v.grad.data, u.grad) for v, u in zip(xs, ts)]:
        assert ours.dtype == np.float32 and ours.flags.c_contiguous
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("stride,pad,dilation,groups", [(1, 0, 1, 1), (2, 1, 2, 2), (1, 2, 3, 4), (3, 1, 1, 4)])
def test_conv1d(stride, pad, dilation, groups):
    x, W, b = randn(2, 4, 11), randn(4, 4 // groups, 3), randn(4)
    assert_matches_torch(lambda x, W, b: F.conv1d(x, W, b, stride, pad, dilation, groups),
                         lambda x, W, b: tF.conv1d(x, W, b, stride, pad, dilation, groups), x, W, b)


@pytest.mark.parametrize("stride,pad,output_padding,groups,dilation", [
    (2, 1, 1, 1, 1),
    ((2, 3), (1, 0), (1, 2), 2, 1),
    (1, 1, 1, 2, 2),          # output_padding below the dilation
    (2, 0, 0, 4, (2, 1)),
])
def test_conv_transpose2d_options(stride, pad, output_padding, groups, dilation):
    x, W, b = randn(2, 4, 3, 4), randn(4, 3, 3, 2), randn(3 * groups)  # W (in, out/groups, kh, kw)
    assert_matches_torch(
        lambda x, W, b: F.conv_transpose2d(x, W, b, stride, pad, output_padding, groups, dilation),
        lambda x, W, b: tF.conv_transpose2d(x, W, b, stride, pad, output_padding, groups, dilation), x, W, b)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note about its own copy
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel,dilation", [((3, 4), 1), ((2, 2), (2, 3)), ((4, 1), 2)])
def test_conv_padding_same_and_valid(padding, kernel, dilation):
    # "same" with an even total puts the extra cell after, as PyTorch.
    x, W, x1, W1 = randn(2, 3, 7, 6), randn(4, 3, *kernel), randn(2, 3, 9), randn(2, 3, kernel[0])
    assert_matches_torch(lambda x, W: F.conv2d(x, W, padding=padding, dilation=dilation),
                         lambda x, W: tF.conv2d(x, W, padding=padding, dilation=dilation), x, W)
    d = dilation if isinstance(dilation, int) else dilation[0]
    assert_matches_torch(lambda x, W: F.conv1d(x, W, pad=padding, dilation=d),
                         lambda x, W: tF.conv1d(x, W, padding=padding, dilation=d), x1, W1)


def test_conv_functions_take_padding_as_pytorch_names_it():
    x, W = randn(1, 2, 5, 5), randn(3, 2, 3, 3)
    np.testing.assert_array_equal(F.conv2d(x, W, padding=1).data, F.conv2d(x, W, pad=1).data)
    np.testing.assert_allclose(F.conv2d(x, W, padding=1).data, tF.conv2d(torch.tensor(x), torch.tensor(W), padding=1))
    np.testing.assert_array_equal(F.max_pool2d(x, 3, padding=1).data, F.max_pool2d(x, 3, pad=1).data)
    with pytest.raises(TypeError, match="conv2d: got both pad= and padding="):
        F.conv2d(x, W, pad=1, padding=1)


# -- pooling options -------------------------------------------------------------------

POOL_OPTIONS = [  # (kernel, stride, pad, ceil_mode)
    (2, None, 0, True),
    (3, 2, 1, True),
    ((3, 2), (2, 3), (1, 1), True),
    (2, 3, 0, False),
]


@pytest.mark.parametrize("kernel,stride,pad,ceil_mode", POOL_OPTIONS)
@pytest.mark.parametrize("dilation", [1, 2])
def test_max_pool2d_options_and_indices(kernel, stride, pad, ceil_mode, dilation):
    x = randn(2, 3, 7, 8)
    assert_matches_torch(lambda x: F.max_pool2d(x, kernel, stride, pad, dilation, ceil_mode),
                         lambda x: tF.max_pool2d(x, kernel, stride, pad, dilation, ceil_mode), x)
    y, indices = F.max_pool2d(x, kernel, stride, pad, dilation, ceil_mode, return_indices=True)
    t, t_indices = tF.max_pool2d(torch.tensor(x), kernel, stride, pad, dilation, ceil_mode, return_indices=True)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.data, t_indices.numpy())
    np.testing.assert_array_equal(y.data, t.numpy())


@pytest.mark.parametrize("kernel,stride,pad,ceil_mode", POOL_OPTIONS)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d_options(kernel, stride, pad, ceil_mode, count_include_pad):
    x = randn(2, 3, 7, 8)
    assert_matches_torch(lambda x: F.avg_pool2d(x, kernel, stride, pad, ceil_mode, count_include_pad),
                         lambda x: tF.avg_pool2d(x, kernel, stride, pad, ceil_mode, count_include_pad), x)


def test_avg_pool2d_divisor_override():
    x = randn(2, 3, 6, 6)
    assert_matches_torch(lambda x: F.avg_pool2d(x, 3, 2, 1, divisor_override=5),
                         lambda x: tF.avg_pool2d(x, 3, 2, 1, divisor_override=5), x)


@pytest.mark.parametrize("kernel,stride,pad,dilation,ceil_mode", [(2, None, 0, 1, False), (3, 2, 1, 2, True),
                                                                 (4, 3, 2, 1, True)])
def test_pools_1d(kernel, stride, pad, dilation, ceil_mode):
    x = randn(2, 3, 10)
    assert_matches_torch(lambda x: F.max_pool1d(x, kernel, stride, pad, dilation, ceil_mode),
                         lambda x: tF.max_pool1d(x, kernel, stride, pad, dilation, ceil_mode), x)
    _, indices = F.max_pool1d(x, kernel, stride, pad, dilation, ceil_mode, return_indices=True)
    _, t_indices = tF.max_pool1d(torch.tensor(x), kernel, stride, pad, dilation, ceil_mode, return_indices=True)
    np.testing.assert_array_equal(indices.data, t_indices.numpy())
    for count_include_pad in (True, False):
        assert_matches_torch(lambda x: F.avg_pool1d(x, kernel, stride, pad, ceil_mode, count_include_pad),
                             lambda x: tF.avg_pool1d(x, kernel, stride, pad, ceil_mode, count_include_pad), x)


@pytest.mark.parametrize("output_size", [1, (3, 4), (5, 3), (2, None), 7, (4, 4)])
def test_adaptive_pools(output_size):
    x = randn(2, 3, 7, 8)  # bins of unequal sizes that overlap
    assert_matches_torch(lambda x: F.adaptive_avg_pool2d(x, output_size),
                         lambda x: tF.adaptive_avg_pool2d(x, output_size), x)
    assert_matches_torch(lambda x: F.adaptive_max_pool2d(x, output_size),
                         lambda x: tF.adaptive_max_pool2d(x, output_size), x)
    _, indices = F.adaptive_max_pool2d(x, output_size, return_indices=True)
    _, t_indices = tF.adaptive_max_pool2d(torch.tensor(x), output_size, return_indices=True)
    np.testing.assert_array_equal(indices.data, t_indices.numpy())


@pytest.mark.parametrize("kernel,stride,pad,output_size", [(2, None, 0, None), (3, 2, 1, (7, 8)),
                                                           (2, 2, 0, (2, 3, 7, 9))])
def test_max_unpool2d_inverts_max_pool2d(kernel, stride, pad, output_size):
    x = randn(2, 3, 7, 8)
    size = x.shape if output_size is not None else (2, 3, 6, 8)
    x = x[:, :, :size[2], :size[3]]
    y, indices = F.max_pool2d(x, kernel, stride, pad, return_indices=True)
    t_indices = torch.tensor(indices.data)
    assert_matches_torch(lambda y: F.max_unpool2d(y, indices, kernel, stride, pad, output_size),
                         lambda y: tF.max_unpool2d(y, t_indices, kernel, stride, pad, output_size), y.data)


# -- interpolate -----------------------------------------------------------------------

@pytest.mark.parametrize("shape,mode,align_corners", [
    ((2, 3, 5), "nearest", None), ((2, 3, 5, 4), "nearest", None),
    ((2, 3, 5), "linear", None), ((2, 3, 5), "linear", True),
    ((2, 3, 5, 4), "bilinear", False), ((2, 3, 5, 4), "bilinear", True)])
@pytest.mark.parametrize("resize", [{"size": 9}, {"size": 3}, {"scale_factor": 2.0}, {"scale_factor": 0.75},
                                    {"scale_factor": 1.7}, {"size": 1}])
def test_interpolate(shape, mode, align_corners, resize):
    x = randn(*shape)
    assert_matches_torch(lambda x: F.interpolate(x, mode=mode, align_corners=align_corners, **resize),
                         lambda x: tF.interpolate(x, mode=mode, align_corners=align_corners, **resize), x)


def test_interpolate_with_a_size_or_a_factor_per_axis():
    x = randn(1, 2, 4, 6)
    for resize in ({"size": (7, 3)}, {"scale_factor": (1.5, 0.5)}):
        for mode in ("nearest", "bilinear"):
            assert_matches_torch(lambda x: F.interpolate(x, mode=mode, **resize),
                                 lambda x: tF.interpolate(x, mode=mode, **resize), x)
