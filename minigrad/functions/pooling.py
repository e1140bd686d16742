"""Pooling on NCL and NCHW inputs: max and average over sliding windows
(by im2col, see conv.py), adaptive pooling to a given output size, and
max_unpool2d, which puts max_pool2d's maxima back where they came from.

Window geometry follows PyTorch: stride defaults to the kernel size,
padding is at most half the kernel, and ceil_mode rounds the output size up
(an extra window that starts inside the input or the left padding), which
pads more after the input: -inf for max, not counted for average.
Adaptive pools split an axis of n into `out` bins, bin i covering
[floor(i*n/out), ceil((i+1)*n/out)).
"""
import itertools
import math

import numpy as np

from ..device import backend
from ..core import Function, Variable, as_variable
from ..core.ops import declare
from ..core.variable import constant
from ._window import (as_image, as_image_geometry, check_fits, im2col_array, ints, padding_and_pad, pair,
                      show)
from .conv import Im2col
from .linalg import matmul
from .reduction import max as reduce_max, mean, sum as reduce_sum
from .shape import get_item, reshape


LAYOUTS = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}  # spatial axes -> layout


def _check_images(op, x, layout="(N, C, H, W)"):
    ndim = layout.count(",") + 1
    if x.ndim != ndim:
        raise ValueError(f"{op}: expected a {ndim}-D input {layout}, got shape {x.shape}")


def _pool_geometry(op, x, spatial, kernel_size, stride, pad, dilation, ceil_mode):
    """Kernel, stride, pads ((before, after) per axis), dilation and the
    output size, one entry per spatial axis of x ((N, C, L) for spatial 1,
    (N, C, H, W) for 2, (N, C, D, H, W) for 3)."""
    _check_images(op, x, LAYOUTS[spatial])
    kernel = ints(op, "kernel_size", kernel_size, 1, spatial)
    stride = kernel if stride is None else ints(op, "stride", stride, 1, spatial)
    pad = ints(op, "pad", pad, 0, spatial)
    dilation = ints(op, "dilation", dilation, 1, spatial)
    if any(p > k // 2 for p, k in zip(pad, kernel)):
        raise ValueError(f"{op}: pad {show(pad)} must be at most half the kernel size {show(kernel)}")
    check_fits(op, x.shape, kernel, tuple((p, p) for p in pad), dilation)
    out, pads = [], []
    for n, k, s, p, d in zip(x.shape[2:], kernel, stride, pad, dilation):
        span = d * (k - 1) + 1
        if ceil_mode:
            o = -(-(n + 2 * p - span) // s) + 1
            if (o - 1) * s >= n + p:  # the last window must start inside the input or the left padding
                o -= 1
        else:
            o = (n + 2 * p - span) // s + 1
        out.append(o)
        pads.append((p, max(p, (o - 1) * s + span - n - p)))
    return kernel, stride, tuple(pads), dilation, tuple(out)


def _window_argmax(windows, x_shape, kernel, stride, pads, dilation, out):
    """PyTorch's max-pool indices: for windows (N, C, prod(kernel),
    prod(out)), the flat index (h*W + w, or (d*H + h)*W + w) into each
    plane (volume) of the first maximum."""
    xp = backend.get_array_module(windows)
    offsets = np.unravel_index(windows.argmax(axis=2), kernel)    # per axis, (N, C, prod(out))
    starts = np.unravel_index(xp.arange(math.prod(out)), out)     # per axis, (prod(out),)
    cells = tuple(start * s - before + offset * d
                  for offset, start, s, (before, _), d in zip(offsets, starts, stride, pads, dilation))
    return np.ravel_multi_index(cells, x_shape[2:]).reshape(x_shape[:2] + out)


def _corners(kernel):
    """The strided slices (one per spatial axis) of each kernel offset of
    windows that tile an image: x[corner] holds that cell of every window."""
    return [(slice(None), slice(None)) + tuple(slice(i, None, k) for i, k in zip(offset, kernel))
            for offset in itertools.product(*map(range, kernel))]


class TiledMaxPool(Function):
    """y = the maximum of each window, for windows that tile x (stride ==
    kernel, no padding, sides divisible by the kernel): a pairwise maximum
    of the kernel's strided corners x[:, :, i::kh, j::kw].
    gx = WindowScatter(share)(gy): gy at each window's maximum (shared
    equally among ties), 0 elsewhere."""
    __slots__ = ("kernel",)

    def __init__(self, kernel):
        self.kernel = kernel

    def forward(self, x):
        corners = _corners(self.kernel)
        y = x[corners[0]].copy()
        for corner in corners[1:]:
            np.maximum(y, x[corner], out=y)
        return y

    def backward(self, gy):
        x, y = self.inputs[0].data, self.output_variable().data
        dtype = gy.dtype if gy.dtype.kind in "fc" else np.float64
        shares = [np.equal(x[corner], y).astype(dtype) for corner in _corners(self.kernel)]
        count = shares[0].copy()
        for share in shares[1:]:
            count += share
        for share in shares:  # ties share equally (no test for ties: it would wait for a device)
            share /= count
        return WindowScatter(self.kernel, shares)(gy)

    def settings(self):
        return {"kernel_size": self.kernel}


class WindowScatter(Function):
    """y[:, :, i::kh, j::kw] = x * share[i, j]: each window's gradient x
    spread over the window's cells by constant shares (TiledMaxPool's
    backward). Linear in x:   gx = sum over (i, j) of gy[:, :, i::kh, j::kw] * share[i, j]"""
    __slots__ = ("kernel", "shares")

    def __init__(self, kernel, shares):
        self.kernel = kernel
        self.shares = shares

    def forward(self, gy):
        gx = backend.get_array_module(gy).empty(
            gy.shape[:2] + tuple(n * k for n, k in zip(gy.shape[2:], self.kernel)),
            dtype=np.result_type(gy, self.shares[0]))
        for corner, share in zip(_corners(self.kernel), self.shares):
            np.multiply(gy, share, out=gx[corner])
        return gx

    saves_for_backward = ()

    def backward(self, ggx):
        g = None
        for corner, share in zip(_corners(self.kernel), self.shares):
            term = get_item(ggx, corner) * constant(share)
            g = term if g is None else g + term
        return g

    def settings(self):
        return {"kernel_size": self.kernel}


def _max_pool(x, geometry, return_indices):
    """Max pooling of x (N, C, L), (N, C, H, W) or (N, C, D, H, W) with
    settings from _pool_geometry; 1-D runs as 2-D on an image of height 1."""
    spatial_out = geometry[4]
    kernel, stride, pads, dilation, out = as_image_geometry(geometry)
    image = as_image(x)
    n, c = image.shape[:2]
    if (not return_indices and stride == kernel and all(p == (0, 0) for p in pads) and set(dilation) == {1}
            and all(size % k == 0 for size, k in zip(image.shape[2:], kernel))):
        # The windows tile x: no im2col, and the backward no col2im.
        return reshape(TiledMaxPool(kernel)(image), (n, c) + spatial_out)
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    cols = Im2col(kernel, stride, pads, dilation, lowest)(image)
    windows = reshape(cols, (n, c, math.prod(kernel), math.prod(out)))
    y = reshape(reduce_max(windows, axis=2), (n, c) + spatial_out)
    if not return_indices:
        return y
    indices = _window_argmax(windows.data, image.shape, kernel, stride, pads, dilation, out)
    return y, constant(indices.reshape((n, c) + spatial_out))


@declare(TiledMaxPool, WindowScatter, functional=True)
def max_pool2d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False, return_indices=False, *,
               padding=None):
    """Maximum over each kh x kw window of x (N, C, H, W) -> (N, C, oh, ow),
    oh = (H + 2*pad - dilation*(kh - 1) - 1) // stride + 1 (rounded up with
    ceil_mode). stride defaults to kernel_size; padding counts as -inf. The
    gradient goes to the window's maximum (shared among ties). With
    return_indices, also returns PyTorch's indices (int64, the flat index
    h*W + w of each maximum in its (H, W) plane), for max_unpool2d."""
    x = as_variable(x)
    pad = padding_and_pad("max_pool2d", pad, padding)
    geometry = _pool_geometry("max_pool2d", x, 2, kernel_size, stride, pad, dilation, ceil_mode)
    return _max_pool(x, geometry, return_indices)


@declare(TiledMaxPool, WindowScatter, functional=True)
def max_pool1d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False, return_indices=False, *,
               padding=None):
    """Maximum over each window of length kernel_size of x (N, C, L) ->
    (N, C, L'), as max_pool2d along one axis (indices index L)."""
    x = as_variable(x)
    pad = padding_and_pad("max_pool1d", pad, padding)
    geometry = _pool_geometry("max_pool1d", x, 1, kernel_size, stride, pad, dilation, ceil_mode)
    return _max_pool(x, geometry, return_indices)


def _window_counts(x_shape, kernel, stride, pads, count_include_pad):
    """How many cells each window averages (prod(out),): those inside the
    input, plus the padding when count_include_pad (never ceil_mode's extra)."""
    spatial = x_shape[2:]
    mask = np.zeros((1, 1) + tuple(size + 2 * before for size, (before, _) in zip(spatial, pads)))
    if count_include_pad:
        mask[:] = 1
    else:
        mask[(0, 0) + tuple(slice(before, before + size) for size, (before, _) in zip(spatial, pads))] = 1
    extra = tuple((0, after - before) for before, after in pads)
    return im2col_array(mask, kernel, stride, extra).sum(axis=1)[0]


def _avg_pool(op, x, spatial, kernel_size, stride, pad, ceil_mode, count_include_pad, divisor_override=None):
    """Average pooling of x (N, C, L), (N, C, H, W) or (N, C, D, H, W);
    1-D runs as 2-D on an image of height 1."""
    geometry = _pool_geometry(op, x, spatial, kernel_size, stride, pad, 1, ceil_mode)
    kernel, stride, pads, _, out = as_image_geometry(geometry)
    image = as_image(x)
    n, c = x.shape[:2]
    cols = Im2col(kernel, stride, pads, (1,) * len(kernel))(image)
    windows = reshape(cols, (n, c, math.prod(kernel), math.prod(out)))
    if divisor_override is not None:
        if not isinstance(divisor_override, (int, np.integer)) or divisor_override < 1:
            raise ValueError(f"{op}: divisor_override must be an int >= 1, got {divisor_override!r}")
        y = reduce_sum(windows, axis=2) / divisor_override
    else:
        counts = _window_counts(image.shape, kernel, stride, pads, count_include_pad)
        if np.all(counts == math.prod(kernel)):
            y = mean(windows, axis=2)
        else:
            dtype = x.dtype if x.dtype.kind == "f" else np.float64
            # counts are worked out on the host from the shapes alone; one small copy to x's device
            y = reduce_sum(windows, axis=2) * backend.to_device((1 / counts).astype(dtype), x.device)
    return reshape(y, (n, c) + geometry[4])


@declare(functional=True)
def avg_pool2d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True, divisor_override=None,
               *, padding=None):
    """Mean over each kh x kw window of x (N, C, H, W) -> (N, C, oh, ow).
    stride defaults to kernel_size. The zero padding counts in the mean
    when count_include_pad (PyTorch's default); ceil_mode's extra cells
    never do. divisor_override, when given, divides every window's sum."""
    pad = padding_and_pad("avg_pool2d", pad, padding)
    return _avg_pool("avg_pool2d", as_variable(x), 2, kernel_size, stride, pad, ceil_mode, count_include_pad,
                     divisor_override)


@declare(functional=True)
def avg_pool1d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True, *, padding=None):
    """Mean over each window of length kernel_size of x (N, C, L) ->
    (N, C, L'), as avg_pool2d along one axis."""
    pad = padding_and_pad("avg_pool1d", pad, padding)
    return _avg_pool("avg_pool1d", as_variable(x), 1, kernel_size, stride, pad, ceil_mode, count_include_pad)


@declare(TiledMaxPool, WindowScatter, functional=True)
def max_pool3d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False, return_indices=False, *,
               padding=None):
    """Maximum over each kd x kh x kw window of x (N, C, D, H, W) ->
    (N, C, od, oh, ow), as max_pool2d with three spatial axes (indices: the
    flat index (d*H + h)*W + w of each maximum in its (D, H, W) volume)."""
    x = as_variable(x)
    pad = padding_and_pad("max_pool3d", pad, padding)
    geometry = _pool_geometry("max_pool3d", x, 3, kernel_size, stride, pad, dilation, ceil_mode)
    return _max_pool(x, geometry, return_indices)


@declare(functional=True)
def avg_pool3d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True, divisor_override=None,
               *, padding=None):
    """Mean over each kd x kh x kw window of x (N, C, D, H, W) ->
    (N, C, od, oh, ow), as avg_pool2d with three spatial axes."""
    pad = padding_and_pad("avg_pool3d", pad, padding)
    return _avg_pool("avg_pool3d", as_variable(x), 3, kernel_size, stride, pad, ceil_mode, count_include_pad,
                     divisor_override)


# -- adaptive pooling ----------------------------------------------------------------

def _adaptive_size(op, x, output_size):
    x = as_variable(x)
    _check_images(op, x)
    sizes = (output_size, output_size) if output_size is None or isinstance(output_size, (int, np.integer)) \
        else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or an (h, w) pair, got {output_size!r}")
    sizes = tuple(n if s is None else s for s, n in zip(sizes, x.shape[2:]))
    if not all(isinstance(s, (int, np.integer)) and s >= 1 for s in sizes):
        raise ValueError(f"{op}: output_size must hold ints >= 1 (or None: keep that size), got {output_size!r}")
    return x, (int(sizes[0]), int(sizes[1]))


def _bins(n, out):
    """PyTorch's adaptive bins of an axis of n into `out`: (starts, ends)."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def _averaging_matrix(n, out, dtype):
    """A (out, n) matrix whose row i averages bin i."""
    starts, ends = _bins(n, out)
    cells = np.arange(n)
    inside = (cells >= starts[:, None]) & (cells < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


@declare(functional=True)
def adaptive_avg_pool2d(x, output_size):
    """Mean over PyTorch's adaptive bins: x (N, C, H, W) -> (N, C, oh, ow),
    output_size = oh, (oh, ow) or with None for "keep that size". Bins
    may overlap or differ in size; y = A_h @ x @ A_w^T with averaging
    matrices A (constants)."""
    x, (oh, ow) = _adaptive_size("adaptive_avg_pool2d", x, output_size)
    h, w = x.shape[2:]
    if (oh, ow) == (1, 1):
        return mean(x, axis=(2, 3), keepdims=True)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    # The matrices come from the shapes alone: made on the host, copied to x's device.
    rows = x if oh == h else matmul(backend.to_device(_averaging_matrix(h, oh, dtype), x.device), x)
    return rows if ow == w else matmul(rows, backend.to_device(_averaging_matrix(w, ow, dtype).T, x.device))


def _bin_table(n, out):
    """(out, k) indices of each bin's cells, k the widest bin; narrower bins
    repeat their last cell (a repeated cell changes no maximum, and its
    gradient shares add back up)."""
    starts, ends = _bins(n, out)
    k = int((ends - starts).max())
    return np.minimum(starts[:, None] + np.arange(k), ends[:, None] - 1)


@declare(functional=True)
def adaptive_max_pool2d(x, output_size, return_indices=False):
    """Maximum over PyTorch's adaptive bins: x (N, C, H, W) -> (N, C, oh, ow)
    (see adaptive_avg_pool2d). With return_indices, also the flat index
    h*W + w of each maximum (as max_pool2d)."""
    op = "adaptive_max_pool2d"
    x, (oh, ow) = _adaptive_size(op, x, output_size)
    n, c, h, w = x.shape
    if h % oh == 0 and w % ow == 0:  # equal, disjoint bins: an ordinary max pool
        return _max_pool(x, _pool_geometry(op, x, 2, (h // oh, w // ow), None, 0, 1, False), return_indices)
    rows = backend.to_device(_bin_table(h, oh), x.device)
    cols = backend.to_device(_bin_table(w, ow), x.device)
    # windows[n, c, p, i, q, j] = x[n, c, rows[p, i], cols[q, j]]
    windows = get_item(x, (slice(None), slice(None), rows[:, :, None, None], cols[None, None, :, :]))
    y = reduce_max(windows, axis=(3, 5))
    if not return_indices:
        return y
    kh, kw = rows.shape[1], cols.shape[1]
    first = windows.data.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, kh * kw).argmax(axis=-1)
    i, j = np.divmod(first, kw)
    xp = backend.get_array_module(first)
    p, q = xp.arange(oh)[:, None], xp.arange(ow)[None, :]
    return y, constant(rows[p, i] * w + cols[q, j])


# -- unpooling -----------------------------------------------------------------------

class MaxUnpool(Function):
    """y = zeros (N, C, H*W) with y[n, c, indices[n, c, k]] = x[n, c, k]
    (x, indices as (N, C, K)).   gx[n, c, k] = gy[n, c, indices[n, c, k]]
    (as PyTorch: a cell that two windows both chose passes its gradient to
    both)."""
    __slots__ = ("indices", "plane")

    def __init__(self, indices, plane):
        self.indices = indices
        self.plane = plane

    def forward(self, x):
        n, c, k = x.shape
        xp = backend.get_array_module(x)
        y = xp.zeros((n, c, self.plane), dtype=x.dtype)
        np.put_along_axis(y, self.indices, x, axis=2)
        return y

    def backward(self, gy):
        n, c, k = self.indices.shape
        xp = backend.get_array_module(gy.data)
        return get_item(gy, (xp.arange(n)[:, None, None], xp.arange(c)[None, :, None], self.indices))

    def settings(self):
        return {"plane": self.plane}


@declare(MaxUnpool, functional=True)
def max_unpool2d(x, indices, kernel_size, stride=None, pad=0, output_size=None, *, padding=None):
    """The inverse of max_pool2d(..., return_indices=True): x (N, C, h, w)
    placed at `indices` (flat h*W + w positions) of a zero image
    (N, C, H, W), H = (h - 1)*stride - 2*pad + kh unless output_size
    ((H, W), or a shape ending with them) says otherwise."""
    op = "max_unpool2d"
    pad = pair(op, "pad", padding_and_pad(op, pad, padding), 0)
    kernel = pair(op, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else pair(op, "stride", stride, 1)
    x = as_variable(x)
    _check_images(op, x)
    index = backend.asarray(indices.data if isinstance(indices, Variable) else indices, like=x.data)
    if index.shape != x.shape or index.dtype.kind not in "iu":
        raise ValueError(f"{op}: indices must be integers of the input's shape {x.shape}, "
                         f"got shape {index.shape}, dtype {index.dtype}")
    n, c, h, w = x.shape
    default = tuple((n_in - 1) * s - 2 * p + k for n_in, s, p, k in zip((h, w), stride, pad, kernel))
    size = default if output_size is None else tuple(output_size)[-2:]
    # As PyTorch: within a stride of the default (the sizes max_pool2d maps to (h, w)).
    if len(size) != 2 or not all(isinstance(s, (int, np.integer)) and s >= 1 and abs(s - d) <= st
                                 for s, d, st in zip(size, default, stride)):
        raise ValueError(f"{op}: output_size {output_size!r} must end with two ints, each within stride "
                         f"{stride} of the default size {default} (and >= 1)")
    plane = int(size[0] * size[1])
    if index.size and (index.min() < 0 or index.max() >= plane):
        bad = index.min() if index.min() < 0 else index.max()
        raise ValueError(f"{op}: index {bad} is out of range for an output plane of size {tuple(size)} "
                         f"({plane} cells)")
    y = MaxUnpool(index.reshape(n, c, h * w).astype(np.intp), plane)(reshape(x, (n, c, h * w)))
    return reshape(y, (n, c) + tuple(int(s) for s in size))
