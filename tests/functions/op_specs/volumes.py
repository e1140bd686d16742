"""Specs for the ops on volumes (N, C, D, H, W): conv3d, max_pool3d,
avg_pool3d and interpolate's 5-D modes ("trilinear", "nearest",
"nearest-exact").

The references loop over output cells and follow PyTorch's definitions
(window starts, clipped ends, source coordinates), independently of the
im2col implementation. Volumes stay tiny (sides 2 to 4) so gradgradcheck
stays fast.
"""
import itertools
import math

import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, distinct_array
from .conv_options import pool_out_len, ref_interpolate


def _triple(v):
    return (v,) * 3 if isinstance(v, (int, np.integer)) else tuple(v)


@st.composite
def int_or_triple(draw, values):
    """values as a triple, or as one int when all three are equal."""
    return values[0] if len(set(values)) == 1 and draw(st.booleans()) else tuple(values)


# -- conv3d ---------------------------------------------------------------------------

def ref_conv3d(x, W, b=None, stride=1, pad=0, dilation=1, groups=1):
    stride, dilation = _triple(stride), _triple(dilation)
    kernel = W.shape[2:]
    if pad == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        pads = [(t // 2, t - t // 2) for t in totals]
    else:
        pads = [(p, p) for p in _triple(pad)]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    out = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(xp.shape[2:], kernel, stride, dilation)]
    out_channels, per_group = W.shape[:2]
    out_per_group = out_channels // groups
    y = np.zeros((x.shape[0], out_channels) + tuple(out))
    for cell in itertools.product(*map(range, out)):
        window = xp[(slice(None), slice(None)) + tuple(
            slice(p * s, p * s + d * (k - 1) + 1, d) for p, s, d, k in zip(cell, stride, dilation, kernel))]
        for g in range(groups):
            outs = slice(g * out_per_group, (g + 1) * out_per_group)
            y[(slice(None), outs) + cell] = np.einsum("ncdhw,ocdhw->no", window[:, g * per_group:(g + 1) * per_group],
                                                      W[outs])
    return y if b is None else y + b[None, :, None, None, None]


@st.composite
def conv3d_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    per_group, out_per_group = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = [draw(st.integers(1, 2)) for _ in range(3)]
    dilation = [draw(st.integers(1, 2)) for _ in range(3)]
    pad = [draw(st.integers(0, 1)) for _ in range(3)]
    stride = [draw(st.integers(1, 2)) for _ in range(3)]
    sides = [draw(st.integers(max(2, d * (k - 1) + 1 - 2 * p), 4)) for k, d, p in zip(kernel, dilation, pad)]
    arrays = [draw(array((draw(st.integers(1, 2)), groups * per_group) + tuple(sides))),
              draw(array((groups * out_per_group, per_group) + tuple(kernel)))]
    if draw(st.booleans()):
        arrays.append(draw(array((groups * out_per_group,))))
    settings = {"stride": draw(int_or_triple(stride)), "pad": draw(int_or_triple(pad)),
                "dilation": draw(int_or_triple(dilation)), "groups": groups}
    if all(s == 1 for s in stride) and draw(st.integers(0, 4)) == 0:
        settings["pad"] = "same"
    return Case(tuple(arrays), settings)


# -- pooling --------------------------------------------------------------------------

def _geometry(x, kernel_size, stride, pad, dilation, ceil_mode):
    kernel, pad, dilation = _triple(kernel_size), _triple(pad), _triple(dilation)
    stride = kernel if stride is None else _triple(stride)
    out = [pool_out_len(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(x.shape[2:], kernel, stride, pad, dilation)]
    return kernel, stride, pad, dilation, out


def ref_max_pool3d(x, kernel_size, stride=None, pad=0, dilation=1, ceil_mode=False):
    kernel, stride, pad, dilation, out = _geometry(x, kernel_size, stride, pad, dilation, ceil_mode)
    y = np.zeros(x.shape[:2] + tuple(out))
    for cell in itertools.product(*map(range, out)):
        cells = [[start + i * d for i in range(k) if 0 <= start + i * d < n]
                 for n, start, k, d in zip(x.shape[2:], (c * s - p for c, s, p in zip(cell, stride, pad)), kernel,
                                           dilation)]
        y[(slice(None), slice(None)) + cell] = x[(slice(None), slice(None)) + np.ix_(*cells)].max(axis=(2, 3, 4))
    return y


def ref_avg_pool3d(x, kernel_size, stride=None, pad=0, ceil_mode=False, count_include_pad=True,
                   divisor_override=None):
    """As PyTorch's kernel: a window's end is clipped to the padded input,
    its start and end then to the input; the divisor is the first size
    with count_include_pad, else the second."""
    kernel, stride, pad, _, out = _geometry(x, kernel_size, stride, pad, 1, ceil_mode)
    y = np.zeros(x.shape[:2] + tuple(out))
    for cell in itertools.product(*map(range, out)):
        starts = [c * s - p for c, s, p in zip(cell, stride, pad)]
        ends = [min(a + k, n + p) for a, k, n, p in zip(starts, kernel, x.shape[2:], pad)]
        padded_count = math.prod(e - a for a, e in zip(starts, ends))
        starts = [max(a, 0) for a in starts]
        ends = [min(e, n) for e, n in zip(ends, x.shape[2:])]
        count = padded_count if count_include_pad else math.prod(e - a for a, e in zip(starts, ends))
        window = x[(slice(None), slice(None)) + tuple(slice(a, e) for a, e in zip(starts, ends))]
        y[(slice(None), slice(None)) + cell] = window.sum(axis=(2, 3, 4)) / (divisor_override or count)
    return y


@st.composite
def pool3d_cases(draw, distinct, dilation):
    kernel = [draw(st.integers(1, 2)) for _ in range(3)]
    pad = [draw(st.integers(0, k // 2)) for k in kernel]
    dil = [draw(st.integers(1, 2)) if dilation else 1 for _ in range(3)]
    stride = [draw(st.integers(1, 2)) for _ in range(3)]
    sides = [draw(st.integers(max(2, d * (k - 1) + 1 - 2 * p), 4)) for k, p, d in zip(kernel, pad, dil)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(sides)
    kwargs = {"kernel_size": draw(int_or_triple(kernel)), "stride": draw(st.none() | int_or_triple(stride)),
              "pad": draw(int_or_triple(pad)), "ceil_mode": draw(st.booleans())}
    if dilation:
        kwargs["dilation"] = draw(int_or_triple(dil))
    else:
        kwargs["count_include_pad"] = draw(st.booleans())
    return Case((draw(distinct_array(shape) if distinct else array(shape)),), kwargs)


# -- interpolate ----------------------------------------------------------------------

@st.composite
def interpolate_5d_cases(draw):
    mode = draw(st.sampled_from(["nearest", "nearest-exact", "trilinear"]))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(draw(st.integers(2, 3)) for _ in range(3))
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        kwargs["size"] = tuple(draw(st.integers(1, 5)) for _ in range(3))
    else:
        kwargs["scale_factor"] = tuple(draw(st.sampled_from([0.5, 0.75, 1.5, 2.0])) for _ in range(3))
    if mode == "trilinear":
        kwargs["align_corners"] = draw(st.sampled_from([None, False, True]))
    return Case((draw(array(shape)),), kwargs)


@st.composite
def nearest_exact_cases(draw):
    spatial = draw(st.sampled_from([1, 2]))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(draw(st.integers(2, 5)) for _ in range(spatial))
    kwargs = {"mode": "nearest-exact"}
    if draw(st.booleans()):
        kwargs["size"] = tuple(draw(st.integers(1, 7)) for _ in range(spatial))
    else:
        kwargs["scale_factor"] = tuple(draw(st.sampled_from([0.5, 0.75, 1.5, 2.0, 2.5, 3.0])) for _ in range(spatial))
    return Case((draw(array(shape)),), kwargs)


SPECS = [
    OpSpec("conv3d", F.conv3d, ref_conv3d, conv3d_cases()),
    OpSpec("max_pool3d", F.max_pool3d, ref_max_pool3d, pool3d_cases(distinct=True, dilation=True)),
    OpSpec("avg_pool3d", F.avg_pool3d, ref_avg_pool3d, pool3d_cases(distinct=False, dilation=False)),
    OpSpec("interpolate_5d", F.interpolate, ref_interpolate, interpolate_5d_cases(), covers=("interpolate",)),
    OpSpec("interpolate_nearest_exact", F.interpolate, ref_interpolate, nearest_exact_cases(),
           covers=("interpolate",)),
]
