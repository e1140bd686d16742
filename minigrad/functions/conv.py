"""Convolution and pooling on NCHW images, by im2col.

im2col copies every kh x kw patch of the (padded) image into a column, so
a convolution becomes one matrix product:

    x (N, C, H, W) ──im2col──► cols (N, C*kh*kw, oh*ow)
    W (O, C, kh, kw) ─reshape─► (O, C*kh*kw)
    y = W2 @ cols : (N, O, oh*ow) ──reshape──► (N, O, oh, ow)

Row r = (c*kh + i)*kw + j of `cols` holds xpad[c, i + s*p, j + s*q] (xpad: x padded) for the
output pixel (p, q) in column p*ow + q (the layout of torch's `unfold`);
it is the order of W.reshape(O, -1), so conv2d needs no transpose.
oh = (H + 2*pad - kh) // stride + 1, likewise ow.

col2im is the adjoint of im2col: it adds each column back onto the patch
it came from (overlapping patches add up). Each is the backward of the
other, so every op here, being built from im2col, col2im, matmul, reshape
and reductions, is differentiable to any order.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..core import Function, is_grad_enabled, as_variable
from ..core.variable import constant
from .linalg import matmul
from .reduction import max as reduce_max, mean, sum as reduce_sum
from .shape import reshape, sum_to, transpose


def _pair(op, name, value, minimum):
    """`value` (an int or an (h, w) pair) as a pair of ints >= minimum."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in pair):
        raise ValueError(f"{op}: {name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _geometry(op, x_shape, kernel_size, stride, pad):
    """Kernel, stride and pad as pairs, and the output size (oh, ow), for
    sliding a kernel over an image of shape x_shape (N, C, H, W)."""
    kernel = _pair(op, "kernel_size", kernel_size, 1)
    stride = _pair(op, "stride", stride, 1)
    pad = _pair(op, "pad", pad, 0)
    if len(x_shape) != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {tuple(x_shape)}")
    padded = (x_shape[2] + 2 * pad[0], x_shape[3] + 2 * pad[1])
    if padded[0] < kernel[0] or padded[1] < kernel[1]:
        raise ValueError(f"{op}: kernel {kernel} is larger than the padded input {padded} "
                         f"(input shape {tuple(x_shape)}, pad {pad})")
    out = ((padded[0] - kernel[0]) // stride[0] + 1, (padded[1] - kernel[1]) // stride[1] + 1)
    return kernel, stride, pad, out




def _check_4d(op, name, x, layout):
    if x.ndim != 4:
        raise ValueError(f"{op}: {name} must be 4-D {layout}, got shape {x.shape}")


def _conv_operands(op, x, W, in_axis):
    """x and W as Variables, both 4-D, with x's channels equal to W's
    input channels (axis `in_axis` of W)."""
    layout = "(out, in, kh, kw)" if in_axis == 1 else "(in, out, kh, kw)"
    x, W = as_variable(x), as_variable(W)
    _check_4d(op, "x", x, "(N, C, H, W)")
    _check_4d(op, "W", W, layout)
    if x.shape[1] != W.shape[in_axis]:
        raise ValueError(f"{op}: x has {x.shape[1]} channels (shape {x.shape}) but W expects "
                         f"{W.shape[in_axis]} input channels (W shape {W.shape} is {layout})")
    return x, W


def _im2col_array(x, kernel, stride, pad, pad_value=0):
    """im2col of the ndarray x (see Im2col)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, pad
    n, c, h, w = x.shape
    if ph or pw:
        padded = np.full((n, c, h + 2 * ph, w + 2 * pw), pad_value, dtype=x.dtype)
        padded[:, :, ph:ph + h, pw:pw + w] = x
        x = padded
    oh = (x.shape[2] - kh) // sh + 1
    ow = (x.shape[3] - kw) // sw + 1
    s_n, s_c, s_h, s_w = x.strides
    # A view: patches[n, c, i, j, p, q] = x[n, c, i + sh*p, j + sw*q]; the
    # reshape below makes the one copy.
    patches = as_strided(x, (n, c, kh, kw, oh, ow), (s_n, s_c, s_h, s_w, s_h * sh, s_w * sw),
                         writeable=False)
    return patches.reshape(n, c * kh * kw, oh * ow)


class Im2col(Function):
    """cols[n, (c, i, j), (p, q)] = xpad[n, c, i + sh*p, j + sw*q]
    (xpad: x padded with `pad_value`).   gx = col2im(gcols): each column's
    gradient goes back to the pixels it was copied from."""
    __slots__ = ("kernel", "stride", "pad", "pad_value", "x_shape")

    def __init__(self, kernel, stride, pad, pad_value=0):
        self.kernel = kernel
        self.stride = stride
        self.pad = pad
        self.pad_value = pad_value

    def forward(self, x):
        self.x_shape = x.shape
        return _im2col_array(x, self.kernel, self.stride, self.pad, self.pad_value)

    def backward(self, gcols):
        return Col2im(self.x_shape, self.kernel, self.stride, self.pad)(gcols)

    def settings(self):
        return {"kernel_size": self.kernel, "stride": self.stride, "pad": self.pad}


class Col2im(Function):
    """x[n, c, h, w] = sum of cols[n, (c, i, j), (p, q)] over the patches
    with h = i + sh*p - ph, w = j + sw*q - pw: the adjoint of im2col.
    gcols = im2col(gx)."""
    __slots__ = ("x_shape", "kernel", "stride", "pad")

    def __init__(self, x_shape, kernel, stride, pad):
        self.x_shape = x_shape
        self.kernel = kernel
        self.stride = stride
        self.pad = pad

    def forward(self, cols):
        (kh, kw), (sh, sw), (ph, pw) = self.kernel, self.stride, self.pad
        n, c, h, w = self.x_shape
        oh = (h + 2 * ph - kh) // sh + 1
        ow = (w + 2 * pw - kw) // sw + 1
        expected = (n, c * kh * kw, oh * ow)
        if cols.shape != expected:
            raise ValueError(f"col2im: cols has shape {cols.shape} but an image of shape {self.x_shape} "
                             f"with kernel {self.kernel}, stride {self.stride}, pad {self.pad} "
                             f"gives columns of shape {expected}")
        patches = cols.reshape(n, c, kh, kw, oh, ow)
        x = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
        # kh*kw strided additions; within one (i, j) the target pixels are distinct.
        for i in range(kh):
            for j in range(kw):
                x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw] += patches[:, :, i, j]
        return x[:, :, ph:ph + h, pw:pw + w]

    def backward(self, gx):
        return Im2col(self.kernel, self.stride, self.pad)(gx)

    def settings(self):
        return {"x_shape": self.x_shape, "kernel_size": self.kernel, "stride": self.stride, "pad": self.pad}


def im2col(x, kernel_size, stride=1, pad=0):
    """The kh x kw patches of x (N, C, H, W), zero-padded by `pad`, as
    columns: shape (N, C*kh*kw, oh*ow), rows ordered (c, i, j), columns
    ordered (p, q) (torch's `unfold` layout). kernel_size, stride and pad
    are ints or (h, w) pairs."""
    x = as_variable(x)
    kernel, stride, pad, _ = _geometry("im2col", x.shape, kernel_size, stride, pad)
    return Im2col(kernel, stride, pad)(x)


def col2im(cols, x_shape, kernel_size, stride=1, pad=0):
    """The adjoint of im2col: adds each column of cols (N, C*kh*kw, oh*ow)
    back onto its patch of an image of shape x_shape (N, C, H, W) and
    returns that image (overlaps add up; padding is dropped)."""
    x_shape = tuple(int(s) for s in x_shape)
    kernel, stride, pad, _ = _geometry("col2im", x_shape, kernel_size, stride, pad)
    return Col2im(x_shape, kernel, stride, pad)(cols)


def _check_bias(op, b, channels):
    if b is not None and tuple(np.shape(b)) != (channels,):
        raise ValueError(f"{op}: b has shape {tuple(np.shape(b))}, expected ({channels},), "
                         "one bias per output channel")


def _add_channel_bias(op, y, b, channels):
    if b is None:
        return y
    _check_bias(op, b, channels)
    return y + reshape(b, (1, channels, 1, 1))


class Conv2d(Function):
    """y[n] = W2 @ cols[n] + b[:, None], reshaped to (N, O, oh, ow), with
    cols = im2col(x) (N, K, oh*ow) and W2 = W.reshape(O, K), K = C*kh*kw.

        gx = col2im(W2^T @ gy[n])      gW = sum_n gy[n] @ cols[n]^T
        gb = sum of gy over n, oh, ow     (gy as (N, O, oh*ow))
    """
    __slots__ = ("kernel", "stride", "pad", "cols")

    def __init__(self, kernel, stride, pad):
        self.kernel = kernel
        self.stride = stride
        self.pad = pad

    def forward(self, x, W, b=None):
        self.cols = _im2col_array(x, self.kernel, self.stride, self.pad)
        n, (kh, kw), (sh, sw), (ph, pw) = x.shape[0], self.kernel, self.stride, self.pad
        oh = (x.shape[2] + 2 * ph - kh) // sh + 1
        ow = (x.shape[3] + 2 * pw - kw) // sw + 1
        y = np.matmul(W.reshape(W.shape[0], -1), self.cols)
        if b is not None:
            if np.result_type(y, b) == y.dtype:
                y += b[:, None]  # y is a fresh array: add in place
            else:
                y = y + b[:, None]
        return y.reshape(n, W.shape[0], oh, ow)

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        n, out_channels = gy.shape[:2]
        W2 = reshape(W, (out_channels, W.shape[1] * W.shape[2] * W.shape[3]))
        gy2 = reshape(gy, (n, out_channels, gy.shape[2] * gy.shape[3]))
        gx = gW = None
        if self.needs_grad(0):
            gx = Col2im(x.shape, self.kernel, self.stride, self.pad)(matmul(transpose(W2), gy2))
        if self.needs_grad(1):
            if is_grad_enabled() and x.requires_grad:  # recording: gW must depend on x
                cols = Im2col(self.kernel, self.stride, self.pad)(x)
            else:
                cols = constant(self.cols)
            gW = reshape(sum_to(matmul(gy2, transpose(cols, (0, 2, 1))), W2.shape), W.shape)
        if len(self.inputs) == 2:
            return gx, gW
        return gx, gW, reduce_sum(gy, axis=(0, 2, 3)) if self.needs_grad(2) else None

    def settings(self):
        return {"kernel_size": self.kernel, "stride": self.stride, "pad": self.pad}


def conv2d(x, W, b=None, stride=1, pad=0):
    """2-D convolution (cross-correlation, as PyTorch): x (N, C, H, W),
    W (O, C, kh, kw), b (O,) or None -> y (N, O, oh, ow) with
    oh = (H + 2*pad - kh) // stride + 1. stride and pad: int or (h, w)."""
    x, W = _conv_operands("conv2d", x, W, in_axis=1)
    kernel, stride, pad, _ = _geometry("conv2d", x.shape, W.shape[2:], stride, pad)
    if b is None:
        return Conv2d(kernel, stride, pad)(x, W)
    _check_bias("conv2d", b, W.shape[0])
    return Conv2d(kernel, stride, pad)(x, W, b)


def conv_transpose2d(x, W, b=None, stride=1, pad=0):
    """Transposed convolution (the gradient of conv2d with respect to its
    input, as PyTorch's ConvTranspose2d): x (N, C, H, W), W (C, O, kh, kw),
    b (O,) or None -> y (N, O, (H-1)*stride - 2*pad + kh, ...)."""
    x, W = _conv_operands("conv_transpose2d", x, W, in_axis=0)
    in_channels, out_channels, kh, kw = W.shape
    n, _, h, w = x.shape
    stride = _pair("conv_transpose2d", "stride", stride, 1)
    pad = _pair("conv_transpose2d", "pad", pad, 0)
    out_h = (h - 1) * stride[0] - 2 * pad[0] + kh
    out_w = (w - 1) * stride[1] - 2 * pad[1] + kw
    if out_h < 1 or out_w < 1:
        raise ValueError(f"conv_transpose2d: output size ({out_h}, {out_w}) is not positive for input "
                         f"shape {x.shape}, kernel ({kh}, {kw}), stride {stride}, pad {pad}")
    # cols[n, (o, i, j), (p, q)] = sum_c W[c, o, i, j] x[n, c, p, q], then scatter.
    W2 = transpose(reshape(W, (in_channels, out_channels * kh * kw)), (1, 0))
    cols = matmul(W2, reshape(x, (n, in_channels, h * w)))
    y = Col2im((n, out_channels, out_h, out_w), (kh, kw), stride, pad)(cols)
    return _add_channel_bias("conv_transpose2d", y, b, out_channels)


def _pool_windows(op, x, kernel_size, stride, pad, pad_value):
    """The pooling windows of x as (N, C, kh*kw, oh*ow), and the output shape."""
    stride = kernel_size if stride is None else stride
    kernel, stride, pad, (oh, ow) = _geometry(op, x.shape, kernel_size, stride, pad)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(f"{op}: pad {pad} must be at most half the kernel size {kernel}")
    n, c = x.shape[:2]
    cols = Im2col(kernel, stride, pad, pad_value)(x)
    return reshape(cols, (n, c, kernel[0] * kernel[1], oh * ow)), (n, c, oh, ow)


def _tiled_windows(x, kernel_size, stride, pad):
    """When the windows tile x exactly (stride == kernel, no padding, H and
    W multiples of the kernel): x reshaped, without a copy, to
    (N, C, oh, kh, ow, kw), so window (p, q) is [:, :, p, :, q, :] and
    pooling is a reduction over axes (3, 5) whose backward needs no
    col2im. Otherwise None."""
    kernel = _pair("pool", "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else _pair("pool", "stride", stride, 1)
    if stride != kernel or _pair("pool", "pad", pad, 0) != (0, 0) or x.ndim != 4:
        return None
    n, c, h, w = x.shape
    (kh, kw) = kernel
    if h % kh or w % kw or h == 0 or w == 0:
        return None
    return reshape(x, (n, c, h // kh, kh, w // kw, kw))


def max_pool2d(x, kernel_size, stride=None, pad=0):
    """Maximum over each kh x kw window of x (N, C, H, W) -> (N, C, oh, ow).
    stride defaults to kernel_size; padding counts as -inf (as PyTorch).
    The gradient goes to the window's maximum (shared among ties)."""
    x = as_variable(x)
    tiles = _tiled_windows(x, kernel_size, stride, pad)
    if tiles is not None:
        return reduce_max(tiles, axis=(3, 5))
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    windows, out_shape = _pool_windows("max_pool2d", x, kernel_size, stride, pad, lowest)
    return reshape(reduce_max(windows, axis=2), out_shape)


def avg_pool2d(x, kernel_size, stride=None, pad=0):
    """Mean over each kh x kw window of x (N, C, H, W) -> (N, C, oh, ow).
    stride defaults to kernel_size; zero padding counts in the mean
    (PyTorch's default count_include_pad=True)."""
    windows, out_shape = _pool_windows("avg_pool2d", as_variable(x), kernel_size, stride, pad, 0)
    return reshape(mean(windows, axis=2), out_shape)
