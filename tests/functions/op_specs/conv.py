"""Specs for convolution, pooling, im2col/col2im, dropout and normalisation.

The NumPy references loop over output pixels (slow, obviously right),
independently of the im2col implementation. Shapes stay small (N <= 2,
C <= 3, H, W <= 5) so gradgradcheck stays fast.
"""
import numpy as np
from hypothesis import strategies as st

import minigrad as mg
import minigrad.functions as F
from . import Case, OpSpec, array, distinct_array


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _padded(x, pad, value=0.0):
    ph, pw = _pair(pad)
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _windows(x, kernel_size, stride, pad, value=0.0):
    """Yield (p, q, window) for every output pixel: window = the padded
    x[:, :, kh x kw patch] that output pixel (p, q) sees."""
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride)
    xp = _padded(x, pad, value)
    for p in range((xp.shape[2] - kh) // sh + 1):
        for q in range((xp.shape[3] - kw) // sw + 1):
            yield p, q, xp[:, :, p * sh:p * sh + kh, q * sw:q * sw + kw]


def _out_size(x_shape, kernel_size, stride, pad):
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel_size), _pair(stride), _pair(pad)
    return (x_shape[2] + 2 * ph - kh) // sh + 1, (x_shape[3] + 2 * pw - kw) // sw + 1


def ref_conv2d(x, W, b=None, stride=1, pad=0):
    oh, ow = _out_size(x.shape, W.shape[2:], stride, pad)
    y = np.zeros((x.shape[0], W.shape[0], oh, ow))
    for p, q, window in _windows(x, W.shape[2:], stride, pad):
        y[:, :, p, q] = np.einsum("nchw,ochw->no", window, W)
    return y if b is None else y + b[None, :, None, None]


def ref_conv_transpose2d(x, W, b=None, stride=1, pad=0):
    (sh, sw), (ph, pw) = _pair(stride), _pair(pad)
    n, _, h, w = x.shape
    kh, kw = W.shape[2:]
    full = np.zeros((n, W.shape[1], (h - 1) * sh + kh, (w - 1) * sw + kw))
    for p in range(h):
        for q in range(w):
            full[:, :, p * sh:p * sh + kh, q * sw:q * sw + kw] += np.einsum("nc,cokl->nokl", x[:, :, p, q], W)
    y = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return y if b is None else y + b[None, :, None, None]


def _ref_pool(reduce, value):
    def ref(x, kernel_size, stride=None, pad=0):
        stride = kernel_size if stride is None else stride
        y = np.zeros(x.shape[:2] + _out_size(x.shape, kernel_size, stride, pad))
        for p, q, window in _windows(x, kernel_size, stride, pad, value):
            y[:, :, p, q] = reduce(window, axis=(2, 3))
        return y
    return ref


def ref_im2col(x, kernel_size, stride=1, pad=0):
    columns = [window.reshape(x.shape[0], -1) for _, _, window in _windows(x, kernel_size, stride, pad)]
    return np.stack(columns, axis=-1)


def ref_col2im(cols, x_shape, kernel_size, stride=1, pad=0):
    """The adjoint of ref_im2col, column by column."""
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel_size), _pair(stride), _pair(pad)
    n, c, h, w = x_shape
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    ow = (w + 2 * pw - kw) // sw + 1
    for col in range(cols.shape[2]):
        p, q = divmod(col, ow)
        out[:, :, p * sh:p * sh + kh, q * sw:q * sw + kw] += cols[:, :, col].reshape(n, c, kh, kw)
    return out[:, :, ph:ph + h, pw:pw + w]


# -- cases ------------------------------------------------------------------------

@st.composite
def int_or_pair(draw, a, b):
    """a and b as an (a, b) pair, or as one int when they are equal."""
    return a if a == b and draw(st.booleans()) else (a, b)


@st.composite
def sliding_geometry(draw, max_pad=1, pool=False):
    """Image shape, kernel, stride and pad such that the kernel fits."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if pool:  # as PyTorch: pad at most half the kernel
        ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    else:
        ph, pw = draw(st.integers(0, max_pad)), draw(st.integers(0, max_pad))
    h = draw(st.integers(max(2, kh - 2 * ph), 5))
    w = draw(st.integers(max(2, kw - 2 * pw), 5))
    n, c = draw(st.sampled_from([2, 1])), draw(st.integers(1, 3))   # batched first
    return ((n, c, h, w), draw(int_or_pair(kh, kw)),
            draw(int_or_pair(draw(st.integers(1, 2)), draw(st.integers(1, 2)))), draw(int_or_pair(ph, pw)))


@st.composite
def conv2d_cases(draw):
    x_shape, kernel, stride, pad = draw(sliding_geometry())
    out_channels = draw(st.integers(1, 3))
    arrays = [draw(array(x_shape)), draw(array((out_channels, x_shape[1]) + _pair(kernel)))]
    if draw(st.booleans()):
        arrays.append(draw(array((out_channels,))))
    return Case(tuple(arrays), {"stride": stride, "pad": pad})


@st.composite
def conv_transpose2d_cases(draw):
    n, c, h, w = draw(st.sampled_from([2, 1])), draw(st.integers(1, 3)), draw(st.integers(2, 4)), draw(st.integers(2, 4))
    kh, kw, out_channels = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    # Keep the output (h-1)*sh - 2*ph + kh at least 1.
    ph = draw(st.integers(0, min(1, ((h - 1) * sh + kh - 1) // 2)))
    pw = draw(st.integers(0, min(1, ((w - 1) * sw + kw - 1) // 2)))
    arrays = [draw(array((n, c, h, w))), draw(array((c, out_channels, kh, kw)))]
    if draw(st.booleans()):
        arrays.append(draw(array((out_channels,))))
    return Case(tuple(arrays), {"stride": draw(int_or_pair(sh, sw)), "pad": draw(int_or_pair(ph, pw))})


@st.composite
def pool_cases(draw, distinct=False):
    x_shape, kernel, stride, pad = draw(sliding_geometry(pool=True))
    x = draw(distinct_array(x_shape) if distinct else array(x_shape))
    return Case((x,), {"kernel_size": kernel, "stride": draw(st.none() | st.just(stride)), "pad": pad})


@st.composite
def im2col_cases(draw):
    x_shape, kernel, stride, pad = draw(sliding_geometry())
    return Case((draw(array(x_shape)),), {"kernel_size": kernel, "stride": stride, "pad": pad})


@st.composite
def col2im_cases(draw):
    x_shape, kernel, stride, pad = draw(sliding_geometry())
    kh, kw = _pair(kernel)
    oh, ow = _out_size(x_shape, kernel, stride, pad)
    cols = draw(array((x_shape[0], x_shape[1] * kh * kw, oh * ow)))
    return Case((cols,), {"x_shape": x_shape, "kernel_size": kernel, "stride": stride, "pad": pad})


def _spread(x, axes):
    """x plus a fixed ramp along `axes`, so every normalised group has a
    variance of at least about 0.5 (a near-constant group makes 1/std huge
    and finite differences meaningless)."""
    group = tuple(x.shape[a] for a in axes)
    ramp = np.linspace(-3, 3, int(np.prod(group))).reshape(group)
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    return x + ramp.reshape(shape)


@st.composite
def batch_norm_cases(draw):
    n, c = draw(st.integers(2, 3)), draw(st.integers(1, 3))
    spatial = draw(st.sampled_from([(), (2, 2), (1, 3)]))
    if n * int(np.prod(spatial)) < 2:
        n = 2
    x_shape = (n, c) + spatial
    x = _spread(draw(array(x_shape, -1, 1)), (0,) + tuple(range(2, len(x_shape))))
    training = draw(st.booleans())
    kwargs = {"training": training}
    if not training:
        kwargs["running_mean"] = draw(array((c,)))
        kwargs["running_var"] = draw(array((c,), 0.3, 2.0))
    return Case((x, draw(array((c,))), draw(array((c,)))), kwargs)


def batch_norm_fn(x, gamma, beta, training, running_mean=None, running_var=None):
    # Fresh copies: training updates the running statistics in place.
    running_mean = None if running_mean is None else running_mean.copy()
    running_var = None if running_var is None else running_var.copy()
    return F.batch_norm(x, gamma, beta, running_mean, running_var, training=training)


def ref_batch_norm(x, gamma, beta, training, running_mean=None, running_var=None, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    else:
        mu, var = running_mean.reshape(shape), running_var.reshape(shape)
    return (x - mu) / np.sqrt(var + eps) * gamma.reshape(shape) + beta.reshape(shape)


@st.composite
def layer_norm_cases(draw):
    lead = draw(st.sampled_from([(), (2,), (1, 2)]))
    normalized_shape = draw(st.sampled_from([(3,), (2, 3), (4,)]))
    x = _spread(draw(array(lead + normalized_shape, -1, 1)), tuple(range(len(lead), len(lead) + len(normalized_shape))))
    arrays = [x]
    affine = draw(st.booleans())
    if affine:
        arrays += [draw(array(normalized_shape)), draw(array(normalized_shape))]
    shape_arg = normalized_shape[0] if len(normalized_shape) == 1 and draw(st.booleans()) else normalized_shape
    return Case(tuple(arrays), {"normalized_shape": shape_arg})


def layer_norm_fn(x, *affine, normalized_shape):
    return F.layer_norm(x, normalized_shape, *affine)


def ref_layer_norm(x, weight=None, bias=None, normalized_shape=None, eps=1e-5):
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight + bias


def dropout_fn(x, p):
    # The same seed on every call: gradcheck's repeated forwards see one mask.
    mg.manual_seed(0)
    return F.dropout(x, p, training=True)


def ref_dropout(x, p):
    """Documented behaviour: keep where a uniform draw from minigrad's
    generator is >= p, scale kept values by 1 / (1 - p)."""
    keep = np.random.default_rng(0).random(x.shape) >= p
    return np.where(keep, x / (1 - p), 0.0) if p < 1 else np.zeros_like(x)


dropout_cases = st.tuples(st.sampled_from([(3,), (2, 4), (2, 3, 2)]), st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0])
                          ).flatmap(lambda t: array(t[0]).map(lambda a: Case((a,), {"p": t[1]})))


SPECS = [
    OpSpec("conv2d", F.conv2d, ref_conv2d, conv2d_cases()),
    OpSpec("conv_transpose2d", F.conv_transpose2d, ref_conv_transpose2d, conv_transpose2d_cases()),
    OpSpec("max_pool2d", F.max_pool2d, _ref_pool(np.max, -np.inf), pool_cases(distinct=True)),
    OpSpec("avg_pool2d", F.avg_pool2d, _ref_pool(np.mean, 0.0), pool_cases()),
    OpSpec("im2col", F.im2col, ref_im2col, im2col_cases()),
    OpSpec("col2im", F.col2im, ref_col2im, col2im_cases()),
    OpSpec("dropout", dropout_fn, ref_dropout, dropout_cases),
    OpSpec("batch_norm", batch_norm_fn, ref_batch_norm, batch_norm_cases()),
    OpSpec("layer_norm", layer_norm_fn, ref_layer_norm, layer_norm_cases()),
]
