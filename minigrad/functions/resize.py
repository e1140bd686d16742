"""Resizing images and signals: `interpolate`, with PyTorch's coordinate
rules.

Each spatial axis is resized on its own. Output cell `dst` reads the input
at the source coordinate

    align_corners=True:   src = dst * (n_in - 1) / (n_out - 1)
    align_corners=False:  src = (dst + 0.5) * scale - 0.5, at least 0
    nearest:              src = floor(dst * scale), at most n_in - 1
    nearest-exact:        src = floor((dst + 0.5) * scale), at most n_in - 1

with scale = 1 / scale_factor when a scale factor is given, else
n_in / n_out. Linear modes mix the two neighbours floor(src) and
floor(src) + 1 by the fractional part: a constant (n_out, n_in) matrix per
axis, so y = M_h @ x @ M_w^T (and M_d along depth for trilinear); the
nearest modes gather by index, one axis at a time.
"""
import math

import numpy as np

from ..device import backend
from ..core import Function, as_variable
from ..core.ops import declare
from .linalg import matmul
from .shape import get_item, reshape

# mode -> the input's ndim (None: 3, 4 or 5)
MODES = {"nearest": None, "nearest-exact": None, "linear": 3, "bilinear": 4, "trilinear": 5}
LAYOUTS = {3: "(N, C, L)", 4: "(N, C, H, W)", 5: "(N, C, D, H, W)"}


def _sizes(x_shape, size, scale_factor):
    """Output sizes and the scale factors given (None where not), per
    spatial axis."""
    op, spatial = "interpolate", len(x_shape) - 2
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: pass exactly one of size and scale_factor, got size={size!r}, "
                         f"scale_factor={scale_factor!r}")
    if size is not None:
        sizes = (size,) * spatial if isinstance(size, (int, np.integer)) else tuple(size)
        if len(sizes) != spatial or not all(isinstance(s, (int, np.integer)) and s >= 1 for s in sizes):
            raise ValueError(f"{op}: size must be an int >= 1 or {spatial} of them for input shape "
                             f"{tuple(x_shape)}, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * spatial
    scales = (scale_factor,) * spatial if isinstance(scale_factor, (int, float, np.number)) else tuple(scale_factor)
    if len(scales) != spatial or not all(isinstance(f, (int, float, np.number)) and f > 0 for f in scales):
        raise ValueError(f"{op}: scale_factor must be a number > 0 or {spatial} of them for input shape "
                         f"{tuple(x_shape)}, got {scale_factor!r}")
    sizes = tuple(int(np.floor(n * f)) for n, f in zip(x_shape[2:], scales))
    if min(sizes) < 1:
        raise ValueError(f"{op}: scale_factor {scale_factor!r} makes an empty output {sizes} from input shape "
                         f"{tuple(x_shape)}")
    return sizes, tuple(float(f) for f in scales)


def _scale(n_in, n_out, factor):
    return 1.0 / factor if factor is not None else n_in / n_out


def _nearest_index(n_in, n_out, factor, exact=False):
    """The source cell of each output cell, as PyTorch's "nearest" (or
    "nearest-exact": the cell under the output cell's centre)."""
    # float32 as PyTorch computes it, so floor() lands on the same cell.
    scale = np.float32(_scale(n_in, n_out, factor))
    dst = np.arange(n_out, dtype=np.float32) + np.float32(0.5 if exact else 0)
    return np.minimum(np.floor(dst * scale).astype(np.intp), n_in - 1)


def _take(x, axis, index):
    """x[..., index, ...] along `axis`, by the cheapest op that does it: a
    strided slice (a downscale by an integer), each cell repeated k times
    (an upscale by an integer: broadcast, whose backward is a sum), or an
    integer-array gather (whose backward scatters with np.add.at, slower)."""
    n, m = x.shape[axis], len(index)
    before = (slice(None),) * axis
    if m == 1 or (np.all(np.diff(index) == index[1] - index[0]) and index[1] > index[0]):
        step = 1 if m == 1 else int(index[1] - index[0])
        return get_item(x, before + (slice(int(index[0]), int(index[-1]) + 1, step),))
    if m % n == 0 and np.array_equal(index, np.arange(m) // (m // n)):
        return RepeatCells(axis, m // n)(x)
    return get_item(x, before + (index,))


class RepeatCells(Function):
    """y = np.repeat(x, k, axis): each cell k times in a row (nearest
    upscaling by an integer factor).   gx = sum over j < k of gy[..., j::k]
    along axis: k strided slices, where a sum over a new axis of length k
    would be NumPy's slow short-axis reduction."""
    __slots__ = ("axis", "k")

    def __init__(self, axis, k):
        self.axis = axis
        self.k = k

    def forward(self, x):
        return np.repeat(x, self.k, axis=self.axis)

    saves_for_backward = ()

    def backward(self, gy):
        before = (slice(None),) * self.axis
        gx = get_item(gy, before + (slice(0, None, self.k),))
        for j in range(1, self.k):
            gx = gx + get_item(gy, before + (slice(j, None, self.k),))
        return gx

    def settings(self):
        return {"axis": self.axis, "repeats": self.k}


def _linear_matrix(n_in, n_out, factor, align_corners, dtype):
    """(n_out, n_in): row dst mixes the neighbours of its source coordinate."""
    dst = np.arange(n_out)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        src = np.maximum((dst + 0.5) * _scale(n_in, n_out, factor) - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.intp), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    matrix = np.zeros((n_out, n_in))
    np.add.at(matrix, (dst, low), 1 - frac)
    np.add.at(matrix, (dst, high), frac)
    return matrix.astype(dtype)


def check_mode(op, mode):
    """A ValueError naming `op` unless `mode` is one interpolate knows."""
    if mode not in MODES:
        raise ValueError(f"{op}: mode {mode!r} is not supported; expected one of {', '.join(map(repr, MODES))}")


def _along(x, axis, matrix):
    """matrix (m, n) applied along `axis` of x (axis of length n -> m): one
    matmul, the axes after `axis` folded into one."""
    if axis == x.ndim - 1:
        return matmul(x, matrix.T)
    rest = x.shape[axis + 1:]
    y = matmul(matrix, reshape(x, x.shape[:axis + 1] + (math.prod(rest),)))
    return reshape(y, y.shape[:axis + 1] + rest)


@declare(RepeatCells, functional=True)
def interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """x (N, C, L), (N, C, H, W) or (N, C, D, H, W) resized to `size` (an
    int or one per spatial axis) or by `scale_factor` (output
    floor(n * factor)), as torch.nn.functional.interpolate. mode:
    "nearest" or "nearest-exact" (any of the three), "linear" (3-D),
    "bilinear" (4-D) or "trilinear" (5-D); align_corners (linear modes
    only, default False) maps the corner cells' centres onto each other."""
    op = "interpolate"
    x = as_variable(x)
    check_mode(op, mode)
    if x.ndim not in LAYOUTS or MODES[mode] not in (None, x.ndim):
        need = " or ".join(f"a {n}-D {LAYOUTS[n]}" for n in (LAYOUTS if MODES[mode] is None else (MODES[mode],)))
        raise ValueError(f"{op}: mode {mode!r} needs {need} input, got shape {x.shape}")
    if mode.startswith("nearest") and align_corners is not None:
        raise ValueError(f"{op}: align_corners can only be set with the linear modes, not mode {mode!r}")
    sizes, factors = _sizes(x.shape, size, scale_factor)
    if mode.startswith("nearest"):
        for axis, (n, m, f) in enumerate(zip(x.shape[2:], sizes, factors), start=2):
            x = _take(x, axis, _nearest_index(n, m, f, exact=mode == "nearest-exact"))
        return x
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    # Made from the shapes on the host, then copied to x's device.
    for axis, (n, m, f) in reversed(list(enumerate(zip(x.shape[2:], sizes, factors), start=2))):
        x = _along(x, axis, backend.to_device(_linear_matrix(n, m, f, bool(align_corners), dtype), x.device))
    return x
