"""Convolution on NCL and NCHW inputs, by im2col.

im2col copies every kh x kw patch of the (padded) image into a column, so
a convolution becomes one matrix product:

    x (N, C, H, W) ──im2col──► cols (N, C*kh*kw, oh*ow)
    W (O, C, kh, kw) ─reshape─► (O, C*kh*kw)
    y = W2 @ cols : (N, O, oh*ow) ──reshape──► (N, O, oh, ow)

Row r = (c*kh + i)*kw + j of `cols` holds xpad[c, dh*i + sh*p, dw*j + sw*q]
(xpad: x padded; d: dilation, s: stride) for the output pixel (p, q) in
column p*ow + q (the layout of torch's `unfold`); it is the order of
W.reshape(O, -1), so conv2d needs no transpose.
oh = (H + 2*pad - dilation*(kh - 1) - 1) // stride + 1, likewise ow.

With `groups` G the channels split into G equal groups, each convolved with
its own O/G filters: the rows of cols and of W2 split the same way, and the
G products are one batched matmul over a group axis (no Python loop):

    cols (N, G, C/G*kh*kw, L)   W (G, O/G, C/G*kh*kw)   y (N, G, O/G, L)

col2im is the adjoint of im2col: it adds each column back onto the patch
it came from (overlapping patches add up). Each is the backward of the
other, so every op here, being built from im2col, col2im, matmul, reshape
and reductions, is differentiable to any order.

1-D ops (NCL) run the 2-D ones on (N, C, 1, L). Inside, padding is a pair
(before, after) per axis: pooling's ceil_mode pads more after, and
conv_transpose2d's output_padding pads less.
"""
import itertools
import math

import numpy as np

from ..device import backend
from ..core import Function, is_grad_enabled, as_variable
from ..core.ops import declare
from ..core.variable import constant
from ._window import (as_image, as_image_geometry, check_fits, conv_pads, im2col_array, ints, out_size,
                      padding_and_pad, pair, window_slices)
from .linalg import matmul
from .reduction import sum as reduce_sum
from .reorder import swapaxes
from .shape import reshape, transpose


def _geometry(op, x_shape, kernel_size, stride, pad, dilation=1):
    """Kernel, stride, pads ((before, after) per axis) and dilation as
    tuples with one entry per spatial axis of x_shape ((N, C, L) or
    (N, C, H, W)), and the output size, for a convolution."""
    spatial = len(x_shape) - 2
    kernel = ints(op, "kernel_size", kernel_size, 1, spatial)
    stride = ints(op, "stride", stride, 1, spatial)
    dilation = ints(op, "dilation", dilation, 1, spatial)
    pads = conv_pads(op, pad, kernel, stride, dilation)
    check_fits(op, x_shape, kernel, pads, dilation)
    out = tuple(out_size(n, k, s, p, d) for n, k, s, p, d in zip(x_shape[2:], kernel, stride, pads, dilation))
    return kernel, stride, pads, dilation, out


class Im2col(Function):
    """cols[n, (c, i, j), (p, q)] = xpad[n, c, dh*i + sh*p, dw*j + sw*q]
    (xpad: x padded with `pad_value`).   gx = col2im(gcols): each column's
    gradient goes back to the pixels it was copied from."""
    __slots__ = ("kernel", "stride", "pads", "dilation", "pad_value", "x_shape")

    def __init__(self, kernel, stride, pads, dilation=(1, 1), pad_value=0):
        self.kernel = kernel
        self.stride = stride
        self.pads = pads
        self.dilation = dilation
        self.pad_value = pad_value

    def forward(self, x):
        self.x_shape = x.shape
        return im2col_array(x, self.kernel, self.stride, self.pads, self.dilation, self.pad_value)

    saves_for_backward = ()

    def backward(self, gcols):
        return Col2im(self.x_shape, self.kernel, self.stride, self.pads, self.dilation)(gcols)

    def settings(self):
        return {"kernel_size": self.kernel, "stride": self.stride, "pad": self.pads, "dilation": self.dilation}


class Col2im(Function):
    """x[n, c, h, w] = sum of cols[n, (c, i, j), (p, q)] over the patches
    with h = dh*i + sh*p - top, w = dw*j + sw*q - left: the adjoint of
    im2col.   gcols = im2col(gx)."""
    __slots__ = ("x_shape", "kernel", "stride", "pads", "dilation")

    def __init__(self, x_shape, kernel, stride, pads, dilation=(1, 1)):
        self.x_shape = x_shape
        self.kernel = kernel
        self.stride = stride
        self.pads = pads
        self.dilation = dilation

    def forward(self, cols):
        n, c, spatial = self.x_shape[0], self.x_shape[1], self.x_shape[2:]
        out = tuple(out_size(size, k, st, p, d)
                    for size, k, st, p, d in zip(spatial, self.kernel, self.stride, self.pads, self.dilation))
        expected = (n, c * math.prod(self.kernel), math.prod(out))
        if cols.shape != expected:
            raise ValueError(f"col2im: cols has shape {cols.shape} but an image of shape {self.x_shape} "
                             f"with kernel {self.kernel}, stride {self.stride}, pad {self.pads}, "
                             f"dilation {self.dilation} gives columns of shape {expected}")
        patches = cols.reshape((n, c) + self.kernel + out)
        x = backend.get_array_module(cols).zeros(
            (n, c) + tuple(size + before + max(after, 0) for size, (before, after) in zip(spatial, self.pads)),
            dtype=cols.dtype)
        # One strided addition per kernel offset; within one offset the target pixels are distinct.
        everything = (slice(None), slice(None))
        for offset in itertools.product(*map(range, self.kernel)):
            x[everything + window_slices(offset, self.dilation, self.stride, out)] += patches[everything + offset]
        return x[everything + tuple(slice(before, before + size) for size, (before, _) in zip(spatial, self.pads))]

    saves_for_backward = ()

    def backward(self, gx):
        return Im2col(self.kernel, self.stride, self.pads, self.dilation)(gx)

    def settings(self):
        return {"x_shape": self.x_shape, "kernel_size": self.kernel, "stride": self.stride, "pad": self.pads,
                "dilation": self.dilation}


def _check_4d(op, name, shape, layout):
    if len(shape) != 4:
        raise ValueError(f"{op}: expected a 4-D {name} {layout}, got shape {tuple(shape)}")


@declare(Im2col)
def im2col(x, kernel_size, stride=1, pad=0, dilation=1):
    """The kh x kw patches of x (N, C, H, W), zero-padded by `pad` and
    spread by `dilation`, as columns: shape (N, C*kh*kw, oh*ow), rows
    ordered (c, i, j), columns ordered (p, q) (torch's `unfold` layout).
    kernel_size, stride, pad and dilation are ints or (h, w) pairs."""
    x = as_variable(x)
    _check_4d("im2col", "x", x.shape, "(N, C, H, W)")
    kernel, stride, pads, dilation, _ = _geometry("im2col", x.shape, kernel_size, stride, pad, dilation)
    return Im2col(kernel, stride, pads, dilation)(x)


@declare(Col2im)
def col2im(cols, x_shape, kernel_size, stride=1, pad=0, dilation=1):
    """The adjoint of im2col: adds each column of cols (N, C*kh*kw, oh*ow)
    back onto its patch of an image of shape x_shape (N, C, H, W) and
    returns that image (overlaps add up; padding is dropped)."""
    x_shape = tuple(int(s) for s in x_shape)
    _check_4d("col2im", "x_shape", x_shape, "(N, C, H, W)")
    kernel, stride, pads, dilation, _ = _geometry("col2im", x_shape, kernel_size, stride, pad, dilation)
    return Col2im(x_shape, kernel, stride, pads, dilation)(cols)


@declare(Im2col, functional=True)
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """PyTorch's F.unfold: im2col in torch's argument order. x (N, C, H, W)
    -> (N, C*kh*kw, L), L the number of patches; an unbatched (C, H, W)
    gives (C*kh*kw, L)."""
    x = as_variable(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {x.shape}")
    cols = im2col(reshape(x, (1,) + x.shape) if x.ndim == 3 else x, kernel_size, stride, padding, dilation)
    return reshape(cols, cols.shape[1:]) if x.ndim == 3 else cols


@declare(Col2im, functional=True)
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """PyTorch's F.fold, the adjoint of unfold: x (N, C*kh*kw, L) -> an
    image (N, C, *output_size) where each column is added onto its patch
    (overlaps add up); an unbatched (C*kh*kw, L) gives (C, *output_size)."""
    x = as_variable(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"fold: expected a 2-D (C*kh*kw, L) or 3-D (N, C*kh*kw, L) input, got shape {x.shape}")
    cols = reshape(x, (1,) + x.shape) if x.ndim == 2 else x
    kh, kw = pair("fold", "kernel_size", kernel_size, 1)
    size = pair("fold", "output_size", output_size, 1)
    if cols.shape[1] % (kh * kw):
        raise ValueError(f"fold: dimension 1 of the input (shape {x.shape}) must be C*kh*kw, a multiple of "
                         f"the kernel's {kh}*{kw} = {kh * kw} elements")
    x_shape = (cols.shape[0], cols.shape[1] // (kh * kw)) + size
    *_, out = _geometry("fold", x_shape, (kh, kw), stride, padding, dilation)
    if cols.shape[2] != out[0] * out[1]:
        raise ValueError(f"fold: the input (shape {x.shape}) has {cols.shape[2]} patches but output_size "
                         f"{size} with kernel ({kh}, {kw}), stride {stride}, padding {padding}, dilation "
                         f"{dilation} has {out[0]} x {out[1]} = {out[0] * out[1]}")
    image = col2im(cols, x_shape, (kh, kw), stride, padding, dilation)
    return reshape(image, x_shape[1:]) if x.ndim == 2 else image


# -- convolution -----------------------------------------------------------------

def _check_groups(op, groups, x_shape, W_shape, in_axis):
    """groups must divide both channel counts; W holds C/groups input
    channels per filter (axis in_axis of W)."""
    layout = "(out, in/groups, kh, kw)" if in_axis == 1 else "(in, out/groups, kh, kw)"
    (groups,) = ints(op, "groups", groups, 1, 1)
    channels = x_shape[1]
    out_channels = W_shape[0] if in_axis == 1 else W_shape[1] * groups
    if channels % groups or out_channels % groups:
        raise ValueError(f"{op}: groups={groups} must divide the input channels ({channels}, x shape "
                         f"{tuple(x_shape)}) and the output channels ({out_channels}, W shape {tuple(W_shape)})")
    expected = channels // groups if in_axis == 1 else channels
    if W_shape[in_axis] != expected:
        per_group = f" per group (groups={groups}; expected {expected})" if groups > 1 and in_axis == 1 else ""
        raise ValueError(f"{op}: x has {channels} channels (shape {tuple(x_shape)}) but W expects "
                         f"{W_shape[in_axis]} input channels{per_group} (W shape {tuple(W_shape)} is {layout})")
    return groups


def _conv_operands(op, x, W, in_axis, ndim):
    """x and W as Variables of `ndim` dimensions ((N, C, L), (N, C, H, W) or (N, C, D, H, W))."""
    layout = {3: "(N, C, L)", 4: "(N, C, H, W)", 5: "(N, C, D, H, W)"}[ndim]
    w_layout = ("(out, in/groups, " if in_axis == 1 else "(in, out/groups, ") + \
        {3: "k)", 4: "kh, kw)", 5: "kd, kh, kw)"}[ndim]
    x, W = as_variable(x), as_variable(W)
    if x.ndim != ndim:
        raise ValueError(f"{op}: x must be {ndim}-D {layout}, got shape {x.shape}")
    if W.ndim != ndim:
        raise ValueError(f"{op}: W must be {ndim}-D {w_layout}, got shape {W.shape}")
    return x, W


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
    """y[n, g] = W[g] @ cols[n, g] + b, reshaped to (N, O, oh, ow), with
    cols = im2col(x) as (N, G, K, L), W as (G, O/G, K), K = C/G*kh*kw,
    L = oh*ow, G = groups (1 for an ordinary convolution).

        gx = col2im(W[g]^T @ gy[n, g])      gW[g] = sum_n gy[n, g] @ cols[n, g]^T
        gb = sum of gy over n, oh, ow        (gy as (N, G, O/G, L))
    """
    __slots__ = ("kernel", "stride", "pads", "dilation", "groups", "cols")

    def __init__(self, kernel, stride, pads, dilation=(1, 1), groups=1):
        self.kernel = kernel
        self.stride = stride
        self.pads = pads
        self.dilation = dilation
        self.groups = groups

    def forward(self, x, W, b=None):
        cols = self.cols = im2col_array(x, self.kernel, self.stride, self.pads, self.dilation)
        n, groups, out_channels = x.shape[0], self.groups, W.shape[0]
        out = tuple(out_size(s, k, st, p, d) for s, k, st, p, d in
                    zip(x.shape[2:], self.kernel, self.stride, self.pads, self.dilation))
        if groups == 1:
            y = np.matmul(W.reshape(out_channels, -1), cols)
        else:  # one batched product over the group axis
            per_group = cols.shape[1] // groups  # (not -1: N may be 0)
            y = np.matmul(W.reshape(groups, out_channels // groups, per_group),
                          cols.reshape(n, groups, per_group, cols.shape[2]))
        y = y.reshape(n, out_channels, cols.shape[2])
        if b is not None:
            if np.result_type(y, b) == y.dtype:
                y += b[:, None]  # y is a fresh array: add in place
            else:
                y = y + b[:, None]
        return y.reshape((n, out_channels) + out)

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        n, out_channels = gy.shape[:2]
        spatial_axes = tuple(range(2, gy.ndim))
        length = math.prod(gy.shape[2:])
        groups = self.groups
        group = (groups,) if groups > 1 else ()  # no group axis for an ordinary convolution
        per_group = W.size // out_channels
        Wg = reshape(W, group + (out_channels // groups, per_group))
        gyg = reshape(gy, (n,) + group + (out_channels // groups, length))
        gx = gW = None
        if self.needs_grad(0):
            WgT = swapaxes(Wg, -2, -1)
            # One filter per group (depthwise): the product is an outer
            # product, and a broadcast multiply does it 3x faster than matmul.
            gcols = WgT * gyg if Wg.shape[-2] == 1 else matmul(WgT, gyg)
            gcols = reshape(gcols, (n, per_group * groups, length))
            gx = Col2im(x.shape, self.kernel, self.stride, self.pads, self.dilation)(gcols)
        if self.needs_grad(1):
            if is_grad_enabled() and x.requires_grad:  # recording: gW must depend on x
                cols = Im2col(self.kernel, self.stride, self.pads, self.dilation)(x)
            else:
                cols = constant(self.cols)
            cols = reshape(cols, (n,) + group + (per_group, length))
            gW = reshape(reduce_sum(matmul(gyg, swapaxes(cols, -2, -1)), axis=0), W.shape)
        if len(self.inputs) == 2:
            return gx, gW
        return gx, gW, reduce_sum(gy, axis=(0,) + spatial_axes) if self.needs_grad(2) else None

    def settings(self):
        return {"kernel_size": self.kernel, "stride": self.stride, "pad": self.pads, "dilation": self.dilation,
                "groups": self.groups}


class Conv3d(Conv2d):
    """y[n, g] = W[g] @ cols[n, g] + b, reshaped to (N, O, od, oh, ow): as
    Conv2d, with cols = im2col(x) over kd x kh x kw windows of x
    (N, C, D, H, W), K = C/G*kd*kh*kw, L = od*oh*ow.

        gx = col2im(W[g]^T @ gy[n, g])      gW[g] = sum_n gy[n, g] @ cols[n, g]^T
        gb = sum of gy over n, od, oh, ow
    """
    __slots__ = ()


# -- depthwise convolution: one filter (or `multiplier` filters) per channel ----------
#
# With groups == C each output channel sees one input channel, so the K = kh*kw
# products per pixel are too few for a matrix product. Instead the image is
# padded into planes (Hp, Wp), laid out channel by channel: the N planes of
# channel c are one run of length L = N*Hp*Wp in a flat buffer. Tap (i, j) is
# that run shifted by dh*i*Wp + dw*j, so for l = (n, p, q) in the run
#
#     y_run[c*M + m][l] = sum over taps k of W[c, m, k] * buffer[c*L + shift_k + l]
#
# K multiply-adds over contiguous runs. Positions with p >= oh or q >= ow are
# scratch: dropped from y, and zero in the gradients laid out the same way
# (the grid). On long runs each multiply-add is BLAS's axpy: one pass, piece
# by piece of the run while the piece sits in cache. Short runs take NumPy's
# multiply and add over all channels at once: two passes, but far fewer
# calls. gW is K batched matrix-vector products. Stride 1 only (a strided
# depthwise convolution takes the grouped path).

_BLAS_RUN = 1500     # runs at least this long take BLAS's axpy, one call per channel and tap
_BLAS_PIECE = 10000  # ... in pieces of at most this many elements, which OpenBLAS keeps on one thread:
#                      waking its threads for each of hundreds of short calls costs more than the call


def _axpy(dtype, run):
    """BLAS's axpy (y += a*x) for runs of `run` elements of dtype, or None
    where NumPy's calls over all channels at once are faster (short runs)
    or BLAS has no axpy (dtypes other than float32/64)."""
    if run < _BLAS_RUN or dtype not in (np.float32, np.float64):
        return None
    from scipy.linalg import blas  # here, so that `import minigrad` does not import SciPy
    return blas.get_blas_funcs("axpy", dtype=dtype)


def _pieces(run):
    """(start, length) of the even pieces, none over _BLAS_PIECE, that cover a run."""
    count = -(-run // _BLAS_PIECE)
    size = -(-run // count)
    return [(start, min(size, run - start)) for start in range(0, run, size)]


class _Planes:
    """The padded planes of a depthwise convolution laid out channel by
    channel (shape (C, N, Hp, Wp), one run of L = N*Hp*Wp per channel) and
    the taps' shifts."""
    __slots__ = ("shape", "pads", "run", "taps")

    def __init__(self, x_shape, pads, kernel, dilation):
        n, c, h, w = x_shape
        (top, bottom), (left, right) = pads
        self.shape = (c, n, h + top + bottom, w + left + right)
        self.pads = pads
        self.run = n * self.shape[2] * self.shape[3]
        self.taps = [dilation[0] * i * self.shape[3] + dilation[1] * j
                     for i in range(kernel[0]) for j in range(kernel[1])]

    def padded(self, x, dtype):
        """x (N, C, H, W) inside zero padding, as a flat buffer; the largest
        shift's worth of zeros at the end (the last taps of scratch positions
        read past the last run)."""
        c, n, hp, wp = self.shape
        flat = backend.get_array_module(x).zeros(c * self.run + self.taps[-1], dtype=dtype)
        (top, _), (left, _) = self.pads
        planes = flat[:c * self.run].reshape(self.shape)
        planes[:, :, top:top + x.shape[2], left:left + x.shape[3]] = x.transpose(1, 0, 2, 3)
        return flat

    def grid(self, g, dtype):
        """g (N, C*M, oh, ow) laid on the planes ((C*M, N, Hp, Wp), zero
        outside g) as a flat buffer, after the largest shift's worth of zeros
        (the gradient in x reads up to that far before a run)."""
        _, n, hp, wp = self.shape
        flat = backend.get_array_module(g).zeros(self.taps[-1] + g.shape[1] * self.run, dtype=dtype)
        planes = flat[self.taps[-1]:].reshape(g.shape[1], n, hp, wp)
        planes[:, :, :g.shape[2], :g.shape[3]] = g.transpose(1, 0, 2, 3)
        return flat

    def image(self, runs, rows, cols, b=None):
        """The window (rows, cols) of planes laid out as `runs` (A, B, L), as
        a fresh C-ordered (N, A*B, h, w) array, plus b (A*B,) per channel."""
        _, n, hp, wp = self.shape
        planes = runs.reshape(runs.shape[0] * runs.shape[1], n, hp, wp)
        dtype = runs.dtype if b is None else np.result_type(runs, b)
        image = planes[:, :, rows, cols].transpose(1, 0, 2, 3).astype(dtype, order="C")
        if b is not None:
            image += b[:, None, None]  # a fresh array: add in place (a contiguous pass)
        return image


def _shifted_sums(src, shifts, weights, row_strides, run):
    """Shifted multiply-adds: out (A, B, run), (A, B) = weights.shape[:2], with
    out[a, b] = sum over t of weights[a, b, t] * src[a*s0 + b*s1 + shifts[t]:][:run]
    for (s0, s1) = row_strides."""
    xp, step = backend.get_array_module(src), src.itemsize

    def term(t):  # every row's run for term t, as a strided view of src
        return np.ndarray(weights.shape[:2] + (run,), src.dtype, src, shifts[t] * step,
                          (row_strides[0] * step, row_strides[1] * step, step))
    out = np.multiply(term(0), weights[:, :, 0, None], out=xp.empty(weights.shape[:2] + (run,), dtype=src.dtype))
    axpy = _axpy(src.dtype, run)
    if axpy is None:
        tmp = xp.empty_like(out)
        for t in range(1, len(shifts)):
            out += np.multiply(term(t), weights[:, :, t, None], out=tmp)
        return out
    flat, pieces = out.reshape(-1), _pieces(run)
    for a, row_a in enumerate(weights[:, :, 1:].tolist()):
        for b, row_weights in enumerate(row_a):
            start, row = a * row_strides[0] + b * row_strides[1], (a * len(row_a) + b) * run
            for lo, size in pieces:  # all taps on a piece while it is in cache
                for shift, w in zip(shifts[1:], row_weights):
                    axpy(src, flat, size, w, start + lo + shift, 1, row + lo, 1)
    return out


def _depthwise_array(flat, W, layout):
    """y as runs (C, M, L) on the planes, for x laid out as `flat`
    (layout.padded) and W (C, M, K):
    y[c, m] = sum over k of W[c, m, k] * flat[c*L + shift_k:][:L]."""
    return _shifted_sums(flat, layout.taps, W, (layout.run, 0), layout.run)


def _depthwise_grad_x_array(grid, W, layout):
    """gx as runs (C, 1, L) on x's padded planes, for gy laid out as `grid`
    (layout.grid) and W (C, M, K): the correlation with the flipped kernel,
    gx[c] = sum over m, k of W[c, m, k] * grid[T + (c*M + m)*L - shift_k:][:L]
    (T the largest shift; reads before a plane land on the zero scratch of the one before)."""
    channels, multiplier, taps = W.shape
    last, run = layout.taps[-1], layout.run
    shifts = [last + m * run - shift for m in range(multiplier) for shift in layout.taps]
    return _shifted_sums(grid, shifts, W.reshape(channels, 1, multiplier * taps), (multiplier * run, 0), run)


def _depthwise_grad_w_array(flat, grid, layout, multiplier):
    """gW (C, M, K) for x laid out as `flat` and gy as `grid`:
    gW[c, m, k] = sum over l of grid[T + (c*M + m)*L + l] * flat[c*L + shift_k + l],
    per tap one batched matrix-vector product over the channels."""
    channels, run, last = layout.shape[0], layout.run, layout.taps[-1]
    gy = grid[last:].reshape(channels, multiplier, run)
    gW = backend.get_array_module(flat).empty((channels, multiplier, len(layout.taps)), dtype=flat.dtype)
    for k, shift in enumerate(layout.taps):
        gW[:, :, k] = np.matmul(gy, flat[shift:shift + channels * run].reshape(channels, run, 1))[:, :, 0]
    return gW


class _Depthwise(Function):
    """The geometry the three depthwise Functions share (stride 1; C input
    channels), and the inputs already laid out on the planes (`laid_out`:
    input index -> array), which a backward hands on so that x is padded
    and gy spread once per step."""
    __slots__ = ("kernel", "pads", "dilation", "channels", "laid_out")

    def __init__(self, kernel, pads, dilation, channels, laid_out=None):
        self.kernel = kernel
        self.pads = pads
        self.dilation = dilation
        self.channels = channels
        self.laid_out = laid_out or {}

    def geometry(self):
        return self.kernel, self.pads, self.dilation, self.channels

    def layout(self, x_shape):
        return _Planes(x_shape, self.pads, self.kernel, self.dilation)

    def x_shape(self, gy):
        """x's shape for an output gradient gy (stride 1)."""
        (top, bottom), (left, right) = self.pads
        n, _, oh, ow = gy.shape
        return (n, self.channels, oh - top - bottom + self.dilation[0] * (self.kernel[0] - 1),
                ow - left - right + self.dilation[1] * (self.kernel[1] - 1))

    def take_laid_out(self):
        """The inputs laid out before this call, once: a Function called
        again (copied before its forward) lays its new inputs out anew."""
        laid_out, self.laid_out = self.laid_out, {}
        return laid_out

    @staticmethod
    def padded(laid_out, i, x, layout, dtype):
        """Input i (an image x) padded into the flat buffer, or as laid out before."""
        flat = laid_out.get(i)
        return flat if flat is not None and flat.dtype == dtype else layout.padded(x, dtype)

    @staticmethod
    def grid(laid_out, i, gy, layout, dtype):
        """Input i (an output gradient gy) spread on the planes, or as laid out before."""
        grid = laid_out.get(i)
        return grid if grid is not None and grid.dtype == dtype else layout.grid(gy, dtype)

    def weights(self, W, dtype):
        """W (C*M, 1, kh, kw) as (C, M, kh*kw)."""
        return W.astype(dtype, copy=False).reshape(self.channels, W.shape[0] // self.channels, -1)

    def settings(self):
        return {"kernel_size": self.kernel, "pad": self.pads, "dilation": self.dilation, "channels": self.channels}


class DepthwiseConv2d(_Depthwise):
    """y[n, c*M + m, p, q] = sum_{i,j} W[c*M + m, 0, i, j] xpad[n, c, p + dh*i, q + dw*j] + b
    (groups == C channels, M filters each, stride 1): K = kh*kw shifted
    multiply-adds.

        gx = DepthwiseConv2dGradX(gy, W)     gW = DepthwiseConv2dGradW(x, gy)
        gb = sum of gy over n, p, q
    """
    __slots__ = ()

    def forward(self, x, W, b=None):
        dtype = np.result_type(x, W)
        layout = self.layout(x.shape)
        flat = layout.padded(x, dtype)
        self.laid_out = {0: flat}  # kept for gW
        oh = layout.shape[2] - self.dilation[0] * (self.kernel[0] - 1)
        ow = layout.shape[3] - self.dilation[1] * (self.kernel[1] - 1)
        y = _depthwise_array(flat, self.weights(W, dtype), layout)
        # Dropping the scratch positions is the one copy; the bias rides along.
        return layout.image(y, slice(0, oh), slice(0, ow), b)

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        dtype = np.result_type(x.dtype, W.dtype, gy.dtype)
        grid = self.grid({}, None, gy.data, self.layout(x.shape), dtype)
        gx = DepthwiseConv2dGradX(*self.geometry(), {0: grid})(gy, W) if self.needs_grad(0) else None
        gW = DepthwiseConv2dGradW(*self.geometry(), {0: self.laid_out[0], 1: grid})(x, gy) \
            if self.needs_grad(1) else None
        if len(self.inputs) == 2:
            return gx, gW
        return gx, gW, reduce_sum(gy, axis=(0, 2, 3)) if self.needs_grad(2) else None


class DepthwiseConv2dGradX(_Depthwise):
    """gx = the adjoint of the depthwise convolution in x:
    gx[n, c, h, w] = sum over m, i, j of W[c*M + m, 0, i, j] gy[n, c*M + m, h - dh*i + top, w - dw*j + left]
    (gy zero outside its pixels): a correlation of gy with the flipped kernel, the same shifted sums as y.
    Linear in gy and in W:   g_gy = DepthwiseConv2d(ggx, W),  g_W = DepthwiseConv2dGradW(ggx, gy)"""
    __slots__ = ()

    def forward(self, gy, W):
        dtype = np.result_type(gy, W)
        x_shape = self.x_shape(gy)
        layout = self.layout(x_shape)
        gx = _depthwise_grad_x_array(self.grid(self.take_laid_out(), 0, gy, layout, dtype), self.weights(W, dtype),
                                     layout)
        (top, _), (left, _) = self.pads
        return layout.image(gx, slice(top, top + x_shape[2]), slice(left, left + x_shape[3]))

    def backward(self, ggx):
        gy, W = self.inputs
        g_gy = DepthwiseConv2d(*self.geometry())(ggx, W) if self.needs_grad(0) else None
        g_W = DepthwiseConv2dGradW(*self.geometry())(ggx, gy) if self.needs_grad(1) else None
        return g_gy, g_W


class DepthwiseConv2dGradW(_Depthwise):
    """gW = the adjoint of the depthwise convolution in W:
    gW[c*M + m, 0, i, j] = sum over n, p, q of gy[n, c*M + m, p, q] xpad[n, c, p + dh*i, q + dw*j].
    Linear in x and in gy:   g_x = DepthwiseConv2dGradX(gy, ggW),  g_gy = DepthwiseConv2d(x, ggW)"""
    __slots__ = ()

    def forward(self, x, gy):
        dtype = np.result_type(x, gy)
        layout = self.layout(x.shape)
        laid_out = self.take_laid_out()
        gW = _depthwise_grad_w_array(self.padded(laid_out, 0, x, layout, dtype),
                                     self.grid(laid_out, 1, gy, layout, dtype), layout, gy.shape[1] // self.channels)
        return gW.reshape((gy.shape[1], 1) + self.kernel)

    def backward(self, ggW):
        x, gy = self.inputs
        g_x = DepthwiseConv2dGradX(*self.geometry())(gy, ggW) if self.needs_grad(0) else None
        g_gy = DepthwiseConv2d(*self.geometry())(x, ggW) if self.needs_grad(1) else None
        return g_x, g_gy


def _conv(op, x, W, b, stride, pad, dilation, groups):
    """conv1d, conv2d or conv3d of Variables x and W of matching dimensions:
    1-D runs as 2-D on images of height 1."""
    groups = _check_groups(op, groups, x.shape, W.shape, in_axis=1)
    _check_bias(op, b, W.shape[0])
    geometry = _geometry(op, x.shape, W.shape[2:], stride, pad, dilation)
    kernel, stride, pads, dilation, out = as_image_geometry(geometry)
    if len(kernel) == 3:
        conv = Conv3d(kernel, stride, pads, dilation, groups)
    elif groups == x.shape[1] > 1 and stride == (1, 1) and type(x.data) is np.ndarray:
        # depthwise on the host: shifted multiply-adds, no im2col
        conv = DepthwiseConv2d(kernel, pads, dilation, groups)
    else:
        conv = Conv2d(kernel, stride, pads, dilation, groups)
    y = conv(as_image(x), as_image(W)) if b is None else conv(as_image(x), as_image(W), b)
    return reshape(y, y.shape[:2] + geometry[4])


@declare(Conv2d, DepthwiseConv2d, DepthwiseConv2dGradX, DepthwiseConv2dGradW, functional=True, math=(r"y_{n,o,i,j} = b_o + \sum_{c,u,v} W_{o,c,u,v}\,x_{n,c,\,s i + u,\,s j + v}"
                        r"\quad(\text{a correlation; one group, no dilation})",
                r"\bar W = \text{correlation of } x \text{ with } \bar y,\quad "
                r"\bar x = \text{full correlation of } \bar y \text{ with the flipped } W,\quad "
                r"\bar b_o = \textstyle\sum_{n,i,j} \bar y_{n,o,i,j}"))
def conv2d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1, *, padding=None):
    """2-D convolution (cross-correlation, as PyTorch): x (N, C, H, W),
    W (O, C/groups, kh, kw), b (O,) or None -> y (N, O, oh, ow) with
    oh = (H + 2*pad - dilation*(kh - 1) - 1) // stride + 1. stride, pad
    (or `padding`) and dilation: int or (h, w); pad may also be "valid"
    (0) or "same" (output size = input size, stride 1). groups splits the
    channels into groups convolved separately (groups == C: depthwise)."""
    pad = padding_and_pad("conv2d", pad, padding)
    x, W = _conv_operands("conv2d", x, W, in_axis=1, ndim=4)
    return _conv("conv2d", x, W, b, stride, pad, dilation, groups)


@declare(Conv2d, DepthwiseConv2d, DepthwiseConv2dGradX, DepthwiseConv2dGradW, functional=True)
def conv1d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1, *, padding=None):
    """1-D convolution (cross-correlation, as PyTorch): x (N, C, L),
    W (O, C/groups, k), b (O,) or None -> y (N, O, L') with
    L' = (L + 2*pad - dilation*(k - 1) - 1) // stride + 1; pad may also
    be "valid" or "same" (as conv2d)."""
    pad = padding_and_pad("conv1d", pad, padding)
    x, W = _conv_operands("conv1d", x, W, in_axis=1, ndim=3)
    return _conv("conv1d", x, W, b, stride, pad, dilation, groups)


@declare(Conv3d, functional=True)
def conv3d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1, *, padding=None):
    """3-D convolution (cross-correlation, as PyTorch): x (N, C, D, H, W),
    W (O, C/groups, kd, kh, kw), b (O,) or None -> y (N, O, od, oh, ow)
    with od = (D + 2*pad - dilation*(kd - 1) - 1) // stride + 1, likewise
    oh and ow. stride, pad (or `padding`) and dilation: int or (d, h, w);
    pad may also be "valid" or "same" (as conv2d)."""
    pad = padding_and_pad("conv3d", pad, padding)
    x, W = _conv_operands("conv3d", x, W, in_axis=1, ndim=5)
    return _conv("conv3d", x, W, b, stride, pad, dilation, groups)


@declare(Col2im, functional=True)
def conv_transpose2d(x, W, b=None, stride=1, pad=0, output_padding=0, groups=1, dilation=1, *, padding=None):
    """Transposed convolution (the gradient of conv2d with respect to its
    input, as PyTorch's ConvTranspose2d): x (N, C, H, W),
    W (C, O/groups, kh, kw), b (O,) or None -> y (N, O, H', W') with
    H' = (H - 1)*stride - 2*pad + dilation*(kh - 1) + output_padding + 1.
    output_padding (smaller than stride or dilation) picks among the sizes
    a strided conv2d maps to the same H."""
    op = "conv_transpose2d"
    pad = padding_and_pad(op, pad, padding)
    x, W = _conv_operands(op, x, W, in_axis=0, ndim=4)
    groups = _check_groups(op, groups, x.shape, W.shape, in_axis=0)
    in_channels, out_per_group, kh, kw = W.shape
    out_channels = out_per_group * groups
    n, _, h, w = x.shape
    stride = pair(op, "stride", stride, 1)
    pad = pair(op, "pad", pad, 0)
    dilation = pair(op, "dilation", dilation, 1)
    extra = pair(op, "output_padding", output_padding, 0)
    if any(e >= s and e >= d for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"{op}: output_padding {extra} must be smaller than stride {stride} or dilation "
                         f"{dilation} (along each axis)")
    out_h = (h - 1) * stride[0] - 2 * pad[0] + dilation[0] * (kh - 1) + extra[0] + 1
    out_w = (w - 1) * stride[1] - 2 * pad[1] + dilation[1] * (kw - 1) + extra[1] + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"{op}: output size ({out_h}, {out_w}) is not positive for input shape {x.shape}, "
                         f"kernel ({kh}, {kw}), stride {stride}, pad {pad}, dilation {dilation}")
    # cols[n, g, (o, i, j), (p, q)] = sum_c W[g, c, o, i, j] x[n, g, c, p, q], then scatter.
    # output_padding pads less after, so col2im's grid is still h x w.
    per_group = in_channels // groups
    Wg = transpose(reshape(W, (groups, per_group, out_per_group * kh * kw)), (0, 2, 1))
    cols = matmul(Wg, reshape(x, (n, groups, per_group, h * w)))
    pads = ((pad[0], pad[0] - extra[0]), (pad[1], pad[1] - extra[1]))
    y = Col2im((n, out_channels, out_h, out_w), (kh, kw), stride, pads, dilation)(
        reshape(cols, (n, out_channels * kh * kw, h * w)))
    return _add_channel_bias(op, y, b, out_channels)
