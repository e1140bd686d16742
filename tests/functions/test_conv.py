"""Convolution, pooling and regularisation: behaviour the op table does not
cover (dtypes, modes, randomness, error messages)."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn


def test_conv2d_keeps_float32_end_to_end():
    rng = np.random.default_rng(0)
    x = mg.Variable(rng.standard_normal((2, 1, 6, 6)).astype(np.float32))
    W = mg.Variable(rng.standard_normal((3, 1, 3, 3)).astype(np.float32))
    b = mg.Variable(np.zeros(3, np.float32))
    y = F.max_pool2d(F.conv2d(x, W, b, pad=1), 2)
    y = F.avg_pool2d(F.conv_transpose2d(y, W, stride=2), 2)
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == W.grad.dtype == b.grad.dtype == np.float32


def test_col2im_is_the_adjoint_of_im2col():
    # <im2col(x), c> == <x, col2im(c)> for any x and c.
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 5))
    cols = F.im2col(x, (3, 2), stride=(2, 1), pad=1)
    c = rng.standard_normal(cols.shape)
    back = F.col2im(c, x.shape, (3, 2), stride=(2, 1), pad=1)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(cols.data * c), np.sum(x * back.data), rtol=1e-12)


def test_im2col_layout_makes_conv2d_one_matmul():
    # Row (c, i, j), column (p, q): W.reshape(out, -1) @ cols is the convolution.
    rng = np.random.default_rng(2)
    x, W = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((3, 2, 2, 2))
    cols = F.im2col(x, 2).data
    assert cols.shape == (1, 2 * 2 * 2, 3 * 3)
    assert cols[0, 1 * 4 + 1 * 2 + 0, 2 * 3 + 1] == x[0, 1, 2 + 1, 1 + 0]
    np.testing.assert_allclose((W.reshape(3, -1) @ cols).reshape(1, 3, 3, 3), F.conv2d(x, W).data)


def test_dropout_follows_config_train_and_training_argument():
    x = mg.Variable(np.ones((50, 40)))
    with mg.test_mode():
        assert F.dropout(x, 0.5) is x
        assert F.dropout(x, 0.5, training=True).data.min() == 0.0
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.5).data.min() == 0.0  # Config.train is True by default


def test_dropout_is_inverted_and_repeatable():
    x = mg.Variable(np.ones((200, 100), np.float32))
    mg.manual_seed(3)
    y = F.dropout(x, 0.25)
    mg.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, 0.25).data, y.data)
    assert y.dtype == np.float32
    assert set(np.unique(y.data)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y.data == 0).mean() - 0.25) < 0.02  # 20,000 draws
    y.backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # gradient uses the same mask


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_rejects_a_bad_probability(p):
    with pytest.raises(ValueError, match=r"dropout: p=.* expected 0 <= p <= 1"):
        F.dropout(np.ones(3), p)
    with pytest.raises(TypeError, match="dropout: p must be a number"):
        F.dropout(np.ones(3), "0.5")


def test_batch_norm_running_statistics_follow_pytorch_rule():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((8, 2, 3, 3)) * 3 + 1
    running_mean, running_var = np.zeros(2), np.ones(2)
    F.batch_norm(x, None, None, running_mean, running_var, training=True, momentum=0.1)
    batch = x.transpose(1, 0, 2, 3).reshape(2, -1)
    np.testing.assert_allclose(running_mean, 0.1 * batch.mean(axis=1))
    np.testing.assert_allclose(running_var, 0.9 + 0.1 * batch.var(axis=1, ddof=1))


def test_batch_norm_follows_config_train():
    x = np.arange(12.0).reshape(6, 2)
    running_mean, running_var = np.zeros(2), np.ones(2)
    with mg.test_mode():
        y = F.batch_norm(x, None, None, running_mean, running_var)
    np.testing.assert_allclose(y.data, x / np.sqrt(1 + 1e-5))
    np.testing.assert_array_equal(running_mean, [0.0, 0.0])
    y = F.batch_norm(x, None, None, running_mean, running_var)  # training: batch statistics
    np.testing.assert_allclose(y.data.mean(axis=0), 0.0, atol=1e-12)
    assert running_mean[0] > 0


@pytest.mark.parametrize("call,message", [
    (lambda: F.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((2, 4, 3, 3))),
     r"conv2d: x has 3 channels \(shape \(1, 3, 5, 5\)\) but W expects 4 input channels"),
    (lambda: F.conv_transpose2d(np.zeros((1, 3, 5, 5)), np.zeros((2, 4, 3, 3))),
     r"conv_transpose2d: x has 3 channels .* W expects 2 input channels"),
    (lambda: F.conv2d(np.zeros((3, 5, 5)), np.zeros((2, 3, 3, 3))), r"conv2d: x must be 4-D"),
    (lambda: F.conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 3, 3))),
     r"conv2d: kernel \(3, 3\) is larger than the padded input \(2, 2\)"),
    (lambda: F.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3)), np.zeros(3)),
     r"conv2d: b has shape \(3,\), expected \(2,\)"),
    (lambda: F.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3)), stride=0), r"conv2d: stride must be"),
    (lambda: F.max_pool2d(np.zeros((1, 1, 5, 5)), 2, pad=2), r"max_pool2d: pad \(2, 2\) must be at most half"),
    (lambda: F.col2im(np.zeros((1, 9, 4)), (1, 1, 5, 5), 3),
     r"col2im: cols has shape \(1, 9, 4\) .* gives columns of shape \(1, 9, 9\)"),
    (lambda: F.batch_norm(np.zeros((4, 3)), np.ones(2), np.zeros(3)), r"batch_norm: gamma has shape \(2,\), expected \(3,\)"),
    (lambda: F.batch_norm(np.zeros((1, 3)), None, None, training=True), r"more than one value per channel"),
    (lambda: F.batch_norm(np.zeros((4, 3)), None, None, training=False), r"eval mode needs running_mean"),
    (lambda: F.layer_norm(np.zeros((2, 3)), (4,)), r"layer_norm: normalized_shape \(4,\) does not match"),
])
def test_bad_input_gives_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("pad", [0, 1])
def test_im2col_reads_non_contiguous_inputs(pad):
    # The strided view is built from the input's own strides (flipped, transposed views too).
    rng = np.random.default_rng(5)
    base = rng.standard_normal((2, 5, 3, 6))
    x = base.transpose(0, 2, 3, 1)[:, :, ::-1, :]  # (2, 3, 6, 5), negative and permuted strides
    np.testing.assert_array_equal(F.im2col(x, (2, 3), 1, pad).data, F.im2col(x.copy(), (2, 3), 1, pad).data)


def test_max_pool_shares_the_gradient_among_tied_maxima():
    # After a ReLU many windows are all zeros: each tied maximum gets an equal share.
    x = np.array([[[[0.0, 0.0, 1.0, 2.0],
                    [0.0, 0.0, 2.0, 0.5],
                    [3.0, 3.0, -1.0, -1.0],
                    [3.0, 1.0, -1.0, -1.0]]]], dtype=np.float32)
    v = mg.Variable(x)
    y = F.max_pool2d(v, 2)
    np.testing.assert_array_equal(y.data[0, 0], [[0.0, 2.0], [3.0, -1.0]])
    (y * np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)).sum().backward()
    expected = np.array([[0.25, 0.25, 0.0, 1.0],
                         [0.25, 0.25, 1.0, 0.0],
                         [1.0, 1.0, 1.0, 1.0],
                         [1.0, 0.0, 1.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(v.grad.data[0, 0], expected)
    assert v.grad.dtype == np.float32
    # Double backprop through the tied case runs; max pooling is piecewise
    # linear, so the second derivative is zero.
    a = mg.Variable(x)
    (g,) = mg.grad(F.max_pool2d(a, 2).sum() * 1.0, a, create_graph=True)
    np.testing.assert_allclose(g.data, v.grad.data / np.kron([[1, 2], [3, 4]], np.ones((2, 2))))
    (h,) = mg.grad((g * g).sum(), a)
    assert h is None or not np.any(h.data)


# -- options: errors and behaviour -------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: F.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((6, 2, 3, 3)), groups=3),
     r"conv2d: groups=3 must divide the input channels \(4, x shape \(1, 4, 5, 5\)\) and the output channels \(6"),
    (lambda: F.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((6, 4, 3, 3)), groups=2),
     r"conv2d: x has 4 channels .* W expects 4 input channels per group \(groups=2; expected 2\)"),
    (lambda: F.conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((2, 1, 3, 3)), groups=3),
     r"conv_transpose2d: groups=3 must divide the input channels \(2"),
    (lambda: F.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), dilation=3),
     r"conv2d: kernel \(3, 3\) dilated by \(3, 3\) spans \(7, 7\) and is larger than the padded input \(5, 5\)"),
    (lambda: F.conv1d(np.zeros((1, 1, 5)), np.zeros((1, 1, 3)), pad=1, dilation=4),
     r"conv1d: kernel 3 dilated by 4 spans 9 and is larger than the padded input 7 \(input shape \(1, 1, 5\), pad 1\)"),
    (lambda: F.max_pool2d(np.zeros((1, 1, 2, 2)), 2, dilation=2), r"max_pool2d: kernel \(2, 2\) dilated by"),
    (lambda: F.max_pool2d(np.zeros((1, 1, 4, 4)), 0), r"max_pool2d: kernel_size must be an int >= 1 or 2 of them, got 0"),
    (lambda: F.max_pool2d(np.zeros((1, 1, 4, 4)), 2, stride=(1, 0)), r"max_pool2d: stride must be .* got \(1, 0\)"),
    (lambda: F.avg_pool1d(np.zeros((1, 1, 4)), 2, stride=0), r"avg_pool1d: stride must be an int >= 1, got 0"),
    (lambda: F.max_pool1d(np.zeros((1, 1, 4, 4)), 2), r"max_pool1d: expected a 3-D input \(N, C, L\)"),
    (lambda: F.conv1d(np.zeros((1, 2, 5)), np.zeros((1, 2, 3)), stride=(1, 2)), r"conv1d: stride must be an int >= 1"),
    (lambda: F.conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((2, 1, 3, 3)), stride=2, output_padding=2),
     r"conv_transpose2d: output_padding \(2, 2\) must be smaller than stride \(2, 2\) or dilation \(1, 1\)"),
    (lambda: F.conv_transpose2d(np.zeros((1, 2, 3, 3)), np.zeros((2, 1, 3, 3)), output_padding=(0, 1), dilation=(1, 2)),
     None),  # allowed: below the dilation
    (lambda: F.avg_pool2d(np.zeros((1, 1, 4, 4)), 2, divisor_override=0), r"avg_pool2d: divisor_override must be"),
    (lambda: F.conv2d(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)), stride=2, padding="same"),
     r"conv2d: pad='same' needs stride 1, got stride \(2, 2\)"),
    (lambda: F.conv1d(np.zeros((1, 1, 5)), np.zeros((1, 1, 3)), pad="full"),
     r"conv1d: pad must be an int, one per spatial axis, 'same' or 'valid', got 'full'"),
    (lambda: F.adaptive_avg_pool2d(np.zeros((1, 4, 4)), 2), r"adaptive_avg_pool2d: expected a 4-D input"),
    (lambda: F.adaptive_max_pool2d(np.zeros((1, 1, 4, 4)), (2, 0)), r"adaptive_max_pool2d: output_size must hold"),
    (lambda: F.max_unpool2d(np.zeros((1, 1, 2, 2)), np.array([[[[0, 1], [2, 99]]]]), 2),
     r"max_unpool2d: index 99 is out of range for an output plane of size \(4, 4\)"),
    (lambda: F.max_unpool2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 2)), 2), r"max_unpool2d: indices must be integers"),
    (lambda: F.max_unpool2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 2), int), 2, output_size=(9, 4)),
     r"max_unpool2d: output_size \(9, 4\) must end with two ints, each within stride"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), scale_factor=2, mode="linear"),
     r"interpolate: mode 'linear' needs a 3-D \(N, C, L\) input, got shape \(1, 1, 4, 4\)"),
    (lambda: F.interpolate(np.zeros((1, 1, 4)), size=2, mode="bilinear"), r"interpolate: mode 'bilinear' needs a 4-D"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), mode="bilinear"), r"interpolate: pass exactly one of size and scale"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), size=2, scale_factor=2), r"interpolate: pass exactly one"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), size=2, align_corners=True), r"align_corners can only be set"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), size=2, mode="bicubic"), r"mode 'bicubic' is not supported"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), size=(2, 3, 4)), r"interpolate: size must be .* 2 of them"),
    (lambda: F.interpolate(np.zeros((1, 1, 4, 4)), scale_factor=0.1), r"interpolate: scale_factor 0.1 makes an empty"),
])
def test_bad_options_give_a_clear_error(call, message):
    if message is None:
        call()
        return
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("build,message", [
    (lambda: nn.Conv2d(3, 4, kernel_size=0), r"Conv2d: kernel_size must be an int >= 1 or 2 of them, got 0"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), r"Conv2d: groups=2 must divide in_channels \(3\) and out_channels \(4\)"),
    (lambda: nn.Conv1d(3, 4, 3, stride=0), r"Conv1d: stride must be an int >= 1, got 0"),
    (lambda: nn.Conv2d(3, 4, 3, padding=-1), r"Conv2d: padding must be an int >= 0"),
    (lambda: nn.ConvTranspose2d(2, 4, 3, dilation=(1, 0)), r"ConvTranspose2d: dilation must be"),
    (lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same"), r"Conv2d: padding='same' needs stride 1"),
    (lambda: nn.ConvTranspose2d(3, 4, 3, padding="same"), r"ConvTranspose2d: padding must be an int >= 0"),
    (lambda: nn.Conv2d(3, 4, 3, padding_mode="reflect"), r"Conv2d: padding_mode 'reflect' is not supported"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, output_padding=1)(np.zeros((1, 2, 3, 3))),
     r"conv_transpose2d: output_padding \(1, 1\) must be smaller than stride \(1, 1\)"),
    (lambda: nn.Conv1d(2, 2, 3)(np.zeros((1, 2, 5, 5))), r"Conv1d: expected input \(N, 2, L\)"),
])
def test_bad_layer_settings_give_a_clear_error(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_strided_depthwise_conv_is_one_batched_product(monkeypatch):
    # groups == channels at stride 2: one matmul over a group axis, no Python loop over groups.
    rng = np.random.default_rng(6)
    x, W = mg.Variable(rng.standard_normal((2, 8, 5, 5))), mg.Variable(rng.standard_normal((8, 1, 3, 3)))
    shapes, matmul = [], np.matmul
    monkeypatch.setattr(np, "matmul", lambda a, b, **kwargs: shapes.append((a.shape, b.shape)) or matmul(a, b, **kwargs))
    F.conv2d(x, W, pad=1, stride=2, groups=8)
    assert shapes == [((8, 1, 9), (2, 8, 9, 9))]


def test_depthwise_conv_at_stride_1_is_shifted_multiply_adds(monkeypatch):
    # groups == channels at stride 1: no im2col, no matrix product but gW's matrix-vector product
    # per tap; its gradients are ops of their own, so the second order goes through them too.
    rng = np.random.default_rng(6)
    x, W = mg.Variable(rng.standard_normal((2, 8, 5, 5))), mg.Variable(rng.standard_normal((16, 1, 3, 3)))
    calls, matmul = [], np.matmul
    monkeypatch.setattr(np, "matmul", lambda *args, **kwargs: calls.append(args) or matmul(*args, **kwargs))
    y = F.conv2d(x, W, pad=1, groups=8)
    gx, gW = mg.grad((y * y).sum(), [x, W], create_graph=True)
    assert type(y.creator).__name__ == "DepthwiseConv2d"
    # (a gradient whose array is a view is copied before it is handed out: look through that Copy)
    makers = [g.creator.inputs[0].creator if type(g.creator).__name__ == "Copy" else g.creator for g in (gx, gW)]
    assert [type(f).__name__ for f in makers] == ["DepthwiseConv2dGradX", "DepthwiseConv2dGradW"]
    run = 2 * 7 * 7  # one channel's padded planes
    assert [(a.shape, b.shape) for a, b in calls] == [((8, 2, run), (8, run, 1))] * 9


def test_depthwise_conv_long_runs_call_blas_axpy_in_short_pieces(monkeypatch):
    # Long runs: one BLAS axpy per channel, tap and piece of at most _BLAS_PIECE elements, which
    # OpenBLAS keeps on the calling thread (waking its pool for each of hundreds of calls is slower).
    from scipy.linalg import blas
    from minigrad.functions import conv
    rng = np.random.default_rng(8)
    x, W = rng.standard_normal((3, 2, 40, 40)), rng.standard_normal((4, 1, 3, 3))  # runs of 3*42*42 elements
    expected, get_blas_funcs = None, blas.get_blas_funcs
    for piece in (None, 1000):  # NumPy's passes, then BLAS
        monkeypatch.setattr(conv, "_BLAS_RUN", 10**9 if piece is None else 1500)
        monkeypatch.setattr(conv, "_BLAS_PIECE", piece or 10000)
        sizes = []
        monkeypatch.setattr(blas, "get_blas_funcs", lambda *args, **kwargs: (
            lambda x, y, n, *rest, f=get_blas_funcs(*args, **kwargs): sizes.append(n) or f(x, y, n, *rest)))
        xv, Wv = mg.Variable(x), mg.Variable(W)
        y = F.conv2d(xv, Wv, pad=1, groups=2)
        got = [a.data for a in (y,) + tuple(mg.grad((y * y).sum(), [xv, Wv]))]
        if piece is None:
            assert sizes == []
            expected = got
        else:  # y: 4 filters x 8 more taps; gx: 2 channels x (2*9 - 1) more terms
            assert sizes and max(sizes) <= 1000 and sum(sizes) == (4 * 8 + 2 * 17) * 3 * 42 * 42
            for a, b in zip(got, expected):
                np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_depthwise_conv_blas_kernel_passes_gradcheck_and_gradgradcheck(monkeypatch):
    # The op specs draw small images (NumPy's passes); here BLAS's axpy, forced, in pieces of 13.
    from minigrad.functions import conv
    monkeypatch.setattr(conv, "_BLAS_RUN", 1)
    monkeypatch.setattr(conv, "_BLAS_PIECE", 13)
    rng = np.random.default_rng(9)
    x, W, b = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((6, 1, 3, 2)), rng.standard_normal(6)

    def f(x, W, b):
        return F.conv2d(x, W, b, pad=(1, 2), dilation=(2, 1), groups=3)
    assert mg.gradcheck(f, x, W, b) and mg.gradgradcheck(f, x, W, b)


def test_pool_and_conv_options_keep_float32():
    rng = np.random.default_rng(7)
    x = mg.Variable(rng.standard_normal((2, 4, 7, 7)).astype(np.float32))
    W = mg.Variable(rng.standard_normal((4, 1, 3, 3)).astype(np.float32))
    y = F.conv2d(x, W, pad=2, dilation=2, groups=4)
    y = F.avg_pool2d(y, 3, 2, 1, ceil_mode=True, count_include_pad=False)
    y = F.interpolate(F.adaptive_max_pool2d(y, (3, 2)), scale_factor=2, mode="bilinear")
    y = F.conv_transpose2d(y, W, stride=2, output_padding=1, groups=4)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == W.grad.dtype == np.float32


def test_max_pool_indices_are_a_constant_int64_variable():
    x = mg.Variable(np.arange(16.0).reshape(1, 1, 4, 4))
    y, indices = F.max_pool2d(x, 2, return_indices=True)
    assert isinstance(indices, mg.Variable) and indices.dtype == np.int64 and not indices.requires_grad
    np.testing.assert_array_equal(indices.data[0, 0], [[5, 7], [13, 15]])
    back = F.max_unpool2d(y, indices, 2)
    np.testing.assert_array_equal(back.data[0, 0], np.where(np.isin(np.arange(16), [5, 7, 13, 15]),
                                                            np.arange(16.0), 0).reshape(4, 4))


def test_an_empty_batch_passes_through_the_options():
    x = mg.Variable(np.zeros((0, 4, 6, 6)))
    y = F.conv2d(x, mg.Variable(np.ones((4, 2, 3, 3))), groups=2, dilation=2)
    y = F.max_pool2d(F.conv_transpose2d(y, np.ones((4, 1, 3, 3)), groups=4, stride=2, output_padding=1), 3, 2, 1,
                     ceil_mode=True)
    y = F.interpolate(F.adaptive_avg_pool2d(y, 3), scale_factor=1.5, mode="bilinear")
    assert y.shape == (0, 4, 4, 4)
    y.sum().backward()
    assert x.grad.shape == x.shape
