"""Specs for the convolution options (dilation, groups, output_padding, 1-D),
pooling options (dilation, ceil_mode, count_include_pad, 1-D, adaptive,
unpooling) and interpolate.

The NumPy references loop over output cells and follow PyTorch's
definitions literally (window starts, clipped ends, bin edges, source
coordinates), independently of the im2col / matrix implementation. Shapes
stay small (N <= 2, C <= 4, sides <= 7) so gradgradcheck stays fast.
"""
import math

import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, distinct_array
from .conv import int_or_pair


def _pair(v):
    return (v, v) if isinstance(v, (int, np.integer)) else tuple(v)


# -- convolution ----------------------------------------------------------------------

def _ref_pads(pad, kernel, dilation):
    """(before, after) per axis; "same" puts the odd cell after (PyTorch)."""
    if pad == "valid":
        return [(0, 0), (0, 0)]
    if pad == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [(t // 2, t - t // 2) for t in totals]
    return [(p, p) for p in _pair(pad)]


def ref_conv2d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1):
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    out_channels, per_group, kh, kw = W.shape
    xp = np.pad(x, [(0, 0), (0, 0)] + _ref_pads(pad, (kh, kw), (dh, dw)))
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((x.shape[0], out_channels, oh, ow))
    out_per_group = out_channels // groups
    for p in range(oh):
        for q in range(ow):
            window = xp[:, :, p * sh:p * sh + dh * (kh - 1) + 1:dh, q * sw:q * sw + dw * (kw - 1) + 1:dw]
            for g in range(groups):
                outs = slice(g * out_per_group, (g + 1) * out_per_group)
                y[:, outs, p, q] = np.einsum("nchw,ochw->no", window[:, g * per_group:(g + 1) * per_group], W[outs])
    return y if b is None else y + b[None, :, None, None]


def ref_conv1d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1):
    (s,), (d,) = _single(stride), _single(dilation)
    pad = pad if isinstance(pad, str) else (0, _single(pad)[0])
    y = ref_conv2d(x[:, :, None, :], W[:, :, None, :], b, (1, s), pad, (1, d), groups)
    return y[:, :, 0, :]


def _single(v):
    return (v,) if isinstance(v, (int, np.integer)) else tuple(v)


def ref_conv_transpose2d(x, W, b=None, stride=1, pad=0, output_padding=0, groups=1, dilation=1):
    (sh, sw), (ph, pw), (eh, ew), (dh, dw) = (_pair(v) for v in (stride, pad, output_padding, dilation))
    n, channels, h, w = x.shape
    _, out_per_group, kh, kw = W.shape
    per_group = channels // groups
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    full = np.zeros((n, out_per_group * groups, (h - 1) * sh + span_h + eh, (w - 1) * sw + span_w + ew))
    for p in range(h):
        for q in range(w):
            for g in range(groups):
                ins = slice(g * per_group, (g + 1) * per_group)
                outs = slice(g * out_per_group, (g + 1) * out_per_group)
                full[:, outs, p * sh:p * sh + span_h:dh, q * sw:q * sw + span_w:dw] += np.einsum(
                    "nc,cokl->nokl", x[:, ins, p, q], W[ins])
    out_h = (h - 1) * sh - 2 * ph + span_h + eh
    out_w = (w - 1) * sw - 2 * pw + span_w + ew
    y = full[:, :, ph:ph + out_h, pw:pw + out_w]
    return y if b is None else y + b[None, :, None, None]


@st.composite
def conv_settings(draw, spatial):
    """x shape, W shape and the settings of a grouped, dilated convolution
    whose (dilated) kernel fits the padded input."""
    groups = draw(st.sampled_from([1, 1, 2]))
    per_group, out_per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    if draw(st.integers(0, 3)) == 0:  # depthwise: one input channel per group
        groups, per_group = draw(st.integers(2, 3)), 1
    kernel = [draw(st.integers(1, 3)) for _ in range(spatial)]
    dilation = [draw(st.integers(1, 2)) for _ in range(spatial)]
    pad = [draw(st.integers(0, 1)) for _ in range(spatial)]
    stride = [draw(st.integers(1, 2)) for _ in range(spatial)]
    sides = [draw(st.integers(max(2, d * (k - 1) + 1 - 2 * p), 6 if spatial == 2 else 8))
             for k, d, p in zip(kernel, dilation, pad)]
    x_shape = (draw(st.integers(1, 2)), groups * per_group) + tuple(sides)
    W_shape = (groups * out_per_group, per_group) + tuple(kernel)
    if spatial == 1:
        settings = {"stride": stride[0], "pad": pad[0], "dilation": dilation[0], "groups": groups}
    else:
        settings = {"stride": draw(int_or_pair(*stride)), "pad": draw(int_or_pair(*pad)),
                    "dilation": draw(int_or_pair(*dilation)), "groups": groups}
    if draw(st.integers(0, 4)) == 0:  # PyTorch's named paddings
        if all(s == 1 for s in stride) and draw(st.booleans()):
            settings["pad"] = "same"
        elif all(n >= d * (k - 1) + 1 for n, k, d in zip(sides, kernel, dilation)):
            settings["pad"] = "valid"
    return x_shape, W_shape, settings


@st.composite
def conv_cases(draw, spatial):
    x_shape, W_shape, settings = draw(conv_settings(spatial))
    arrays = [draw(array(x_shape)), draw(array(W_shape))]
    if draw(st.booleans()):
        arrays.append(draw(array((W_shape[0],))))
    return Case(tuple(arrays), settings)


@st.composite
def depthwise_cases(draw):
    """groups == channels at stride 1 (the shifted multiply-add path), with
    one or two filters per channel, any pad ("same" too) and dilation."""
    channels, multiplier = draw(st.integers(2, 3)), draw(st.integers(1, 2))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(2, 5)), draw(st.integers(2, 5))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    pad = draw(st.sampled_from(["same", (0, 0), (1, 0), (1, 2)]))
    if pad != "same":  # the dilated kernel must fit the padded image
        fits = all(size + 2 * p >= d * (k - 1) + 1 for size, p, d, k in zip((h, w), pad, dilation, (kh, kw)))
        pad = pad if fits else "same"
    arrays = [draw(array((n, channels, h, w))), draw(array((channels * multiplier, 1, kh, kw)))]
    if draw(st.booleans()):
        arrays.append(draw(array((channels * multiplier,))))
    return Case(tuple(arrays), {"pad": pad, "dilation": draw(int_or_pair(*dilation)), "groups": channels})


@st.composite
def conv_transpose2d_cases(draw):
    groups = draw(st.sampled_from([1, 2, 3]))
    per_group, out_per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(2, 4)), draw(st.integers(2, 4))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    # output_padding below stride or dilation; pad keeps the output at least 1 wide.
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    pad = tuple(draw(st.integers(0, min(1, ((size - 1) * s + d * (k - 1) + e) // 2)))
                for size, s, d, k, e in zip((h, w), stride, dilation, (kh, kw), extra))
    arrays = [draw(array((n, groups * per_group, h, w))), draw(array((groups * per_group, out_per_group, kh, kw)))]
    if draw(st.booleans()):
        arrays.append(draw(array((groups * out_per_group,))))
    return Case(tuple(arrays), {"stride": draw(int_or_pair(*stride)), "pad": draw(int_or_pair(*pad)),
                                "output_padding": draw(int_or_pair(*extra)), "groups": groups,
                                "dilation": draw(int_or_pair(*dilation))})


# -- pooling ---------------------------------------------------------------------------

def pool_out_len(n, k, s, p, d, ceil_mode):
    """PyTorch's pooling output length."""
    span = d * (k - 1) + 1
    if not ceil_mode:
        return (n + 2 * p - span) // s + 1
    o = math.ceil((n + 2 * p - span) / s) + 1
    return o - 1 if (o - 1) * s >= n + p else o


def _window(n, start, k, d):
    """The in-range cells start, start + d, ... (k of them)."""
    return [start + i * d for i in range(k) if 0 <= start + i * d < n]


def ref_max_pool2d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False):
    (kh, kw), (ph, pw), (dh, dw) = _pair(kernel_size), _pair(pad), _pair(dilation)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    oh, ow = pool_out_len(h, kh, sh, ph, dh, ceil_mode), pool_out_len(w, kw, sw, pw, dw, ceil_mode)
    y = np.zeros((n, c, oh, ow))
    for p in range(oh):
        for q in range(ow):
            rows, cols = _window(h, p * sh - ph, kh, dh), _window(w, q * sw - pw, kw, dw)
            y[:, :, p, q] = x[:, :, rows][:, :, :, cols].max(axis=(2, 3))
    return y


def ref_avg_pool2d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """As PyTorch's kernel: a window's end is clipped to the padded input,
    its start and end then to the input; the divisor is the first size
    with count_include_pad, else the second."""
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(pad)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    oh, ow = pool_out_len(h, kh, sh, ph, 1, ceil_mode), pool_out_len(w, kw, sw, pw, 1, ceil_mode)
    y = np.zeros((n, c, oh, ow))
    for p in range(oh):
        for q in range(ow):
            h0, w0 = p * sh - ph, q * sw - pw
            h1, w1 = min(h0 + kh, h + ph), min(w0 + kw, w + pw)
            padded_count = (h1 - h0) * (w1 - w0)
            h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            count = padded_count if count_include_pad else (h1 - h0) * (w1 - w0)
            count = divisor_override or count
            y[:, :, p, q] = x[:, :, h0:h1, w0:w1].sum(axis=(2, 3)) / count
    return y


def ref_max_pool1d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False):
    return ref_max_pool2d(x[:, :, None, :], (1, kernel_size), (1, kernel_size if stride is None else stride),
                          (0, pad), (1, dilation), ceil_mode)[:, :, 0]


def ref_avg_pool1d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True):
    return ref_avg_pool2d(x[:, :, None, :], (1, kernel_size), (1, kernel_size if stride is None else stride),
                          (0, pad), ceil_mode, count_include_pad)[:, :, 0]


@st.composite
def pool_settings(draw, spatial, dilation=True):
    """Kernel, stride, pad (at most half the kernel), dilation, ceil_mode
    and sides that the dilated kernel fits."""
    kernel = [draw(st.integers(1, 3)) for _ in range(spatial)]
    pad = [draw(st.integers(0, k // 2)) for k in kernel]
    dil = [draw(st.integers(1, 2)) if dilation else 1 for _ in range(spatial)]
    stride = [draw(st.integers(1, 3)) for _ in range(spatial)]
    sides = [draw(st.integers(max(2, d * (k - 1) + 1 - 2 * p), 7)) for k, p, d in zip(kernel, pad, dil)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + tuple(sides)
    pick = (lambda values: values[0]) if spatial == 1 else (lambda values: draw(int_or_pair(*values)))
    kwargs = {"kernel_size": pick(kernel), "stride": draw(st.none() | st.just(pick(stride))), "pad": pick(pad),
              "ceil_mode": draw(st.booleans())}
    if dilation:
        kwargs["dilation"] = pick(dil)
    return shape, kwargs


@st.composite
def max_pool_cases(draw, spatial):
    shape, kwargs = draw(pool_settings(spatial))
    return Case((draw(distinct_array(shape)),), kwargs)


@st.composite
def avg_pool_cases(draw, spatial):
    shape, kwargs = draw(pool_settings(spatial, dilation=False))
    kwargs["count_include_pad"] = draw(st.booleans())
    if spatial == 2 and draw(st.integers(0, 3)) == 0:
        kwargs["divisor_override"] = draw(st.integers(1, 5))
    return Case((draw(array(shape)),), kwargs)


def _bins(n, out):
    return [(i * n // out, math.ceil((i + 1) * n / out)) for i in range(out)]


def _adaptive_size(x, output_size):
    sizes = (output_size, output_size) if isinstance(output_size, int) else output_size
    return tuple(n if s is None else s for s, n in zip(sizes, x.shape[2:]))


def _ref_adaptive(reduce):
    def ref(x, output_size):
        oh, ow = _adaptive_size(x, output_size)
        y = np.zeros(x.shape[:2] + (oh, ow))
        for p, (h0, h1) in enumerate(_bins(x.shape[2], oh)):
            for q, (w0, w1) in enumerate(_bins(x.shape[3], ow)):
                y[:, :, p, q] = reduce(x[:, :, h0:h1, w0:w1], axis=(2, 3))
        return y
    return ref


@st.composite
def adaptive_cases(draw, distinct):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(2, 7)), draw(st.integers(2, 7)))
    oh, ow = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    output_size = draw(st.sampled_from([(oh, ow), (oh, None), (None, ow), oh]))
    x = draw(distinct_array(shape) if distinct else array(shape))
    return Case((x,), {"output_size": output_size})


def ref_max_unpool2d(x, indices, kernel_size, stride=None, pad=0, output_size=None):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(pad)
    sh, sw = _pair(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    size = output_size[-2:] if output_size else ((h - 1) * sh - 2 * ph + kh, (w - 1) * sw - 2 * pw + kw)
    y = np.zeros((n, c, size[0] * size[1]))
    for i in range(n):
        for j in range(c):
            y[i, j, indices[i, j].ravel()] = x[i, j].ravel()
    return y.reshape(n, c, *size)


@st.composite
def max_unpool2d_cases(draw):
    n, c, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(2, 3)), draw(st.integers(2, 3))
    kh, kw = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    stride = draw(st.integers(kh - 1, kh)), draw(st.integers(kw - 1, kw))
    pad = (draw(st.integers(0, 1)) if (h - 1) * stride[0] + kh - 2 >= h else 0), 0  # keep H >= h
    size = ((h - 1) * stride[0] - 2 * pad[0] + kh, (w - 1) * stride[1] + kw)
    kwargs = {"kernel_size": draw(int_or_pair(kh, kw)), "stride": draw(int_or_pair(*stride)),
              "pad": draw(int_or_pair(*pad))}
    if draw(st.booleans()):
        grown = (size[0] + draw(st.integers(0, stride[0] - 1)), size[1])
        kwargs["output_size"] = draw(st.sampled_from([grown, (n, c) + grown]))
        size = grown
    # Distinct positions in each plane: an unpooled cell holds one value.
    planes = [draw(st.permutations(range(size[0] * size[1])))[:h * w] for _ in range(n * c)]
    kwargs["indices"] = np.array(planes, dtype=np.int64).reshape(n, c, h, w)
    return Case((draw(array((n, c, h, w))),), kwargs)


# -- interpolate -----------------------------------------------------------------------

def _source(dst, n_in, n_out, factor, align_corners, mode):
    scale = 1 / factor if factor is not None else n_in / n_out
    if mode == "nearest":
        return min(math.floor(np.float32(dst) * np.float32(scale)), n_in - 1)
    if mode == "nearest-exact":
        return min(math.floor((np.float32(dst) + np.float32(0.5)) * np.float32(scale)), n_in - 1)
    if align_corners:
        return dst * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return max((dst + 0.5) * scale - 0.5, 0.0)


def _resize_axis(x, axis, n_out, factor, align_corners, mode):
    n_in = x.shape[axis]
    parts = []
    for dst in range(n_out):
        src = _source(dst, n_in, n_out, factor, align_corners, mode)
        low = min(int(math.floor(src)), n_in - 1)
        high, frac = min(low + 1, n_in - 1), src - low
        parts.append(np.take(x, low, axis) * (1 - frac) + np.take(x, high, axis) * frac)
    return np.stack(parts, axis=axis)


def ref_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    spatial = x.ndim - 2
    if size is not None:
        sizes, factors = (size,) * spatial if isinstance(size, int) else size, (None,) * spatial
    else:
        factors = (scale_factor,) * spatial if isinstance(scale_factor, float) else scale_factor
        sizes = [int(math.floor(n * f)) for n, f in zip(x.shape[2:], factors)]
    for axis in range(2, x.ndim):
        x = _resize_axis(x, axis, sizes[axis - 2], factors[axis - 2], align_corners, mode)
    return x


@st.composite
def interpolate_cases(draw):
    spatial = draw(st.sampled_from([1, 2]))
    mode = draw(st.sampled_from(["nearest", "linear" if spatial == 1 else "bilinear"]))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(draw(st.integers(2, 5)) for _ in range(spatial))
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        sizes = tuple(draw(st.integers(1, 7)) for _ in range(spatial))
        kwargs["size"] = sizes[0] if spatial == 1 and draw(st.booleans()) else sizes
    else:
        factors = tuple(draw(st.sampled_from([0.5, 0.75, 1.5, 2.0, 2.5, 3.0])) for _ in range(spatial))
        kwargs["scale_factor"] = factors[0] if len(set(factors)) == 1 else factors
    if mode != "nearest":
        kwargs["align_corners"] = draw(st.sampled_from([None, False, True]))
    return Case((draw(array(shape)),), kwargs)


SPECS = [
    OpSpec("conv2d_dilation_groups", F.conv2d, ref_conv2d, conv_cases(2), covers=("conv2d",)),
    OpSpec("conv2d_depthwise", F.conv2d, ref_conv2d, depthwise_cases(), covers=("conv2d",)),
    OpSpec("conv1d", F.conv1d, ref_conv1d, conv_cases(1)),
    OpSpec("conv_transpose2d_options", F.conv_transpose2d, ref_conv_transpose2d, conv_transpose2d_cases(),
           covers=("conv_transpose2d",)),
    OpSpec("max_pool2d_dilation_ceil", F.max_pool2d, ref_max_pool2d, max_pool_cases(2), covers=("max_pool2d",)),
    OpSpec("max_pool1d", F.max_pool1d, ref_max_pool1d, max_pool_cases(1)),
    OpSpec("avg_pool2d_ceil_count", F.avg_pool2d, ref_avg_pool2d, avg_pool_cases(2), covers=("avg_pool2d",)),
    OpSpec("avg_pool1d", F.avg_pool1d, ref_avg_pool1d, avg_pool_cases(1)),
    OpSpec("adaptive_avg_pool2d", F.adaptive_avg_pool2d, _ref_adaptive(np.mean), adaptive_cases(distinct=False)),
    OpSpec("adaptive_max_pool2d", F.adaptive_max_pool2d, _ref_adaptive(np.max), adaptive_cases(distinct=True)),
    OpSpec("max_unpool2d", F.max_unpool2d, ref_max_unpool2d, max_unpool2d_cases()),
    OpSpec("interpolate", F.interpolate, ref_interpolate, interpolate_cases()),
]
