"""Sliding-window helpers shared by convolution (conv.py, nn/conv.py) and
pooling (pooling.py), for any number of spatial axes (1-D inputs are also
seen as images of height 1): settings as tuples of ints, one per spatial axis;
padding as (before, after) pairs; the output size and the check that the
kernel fits; im2col on ndarrays; and 1-D inputs seen as images of height 1.

Apart from `as_image`, plain Python and NumPy, no ops. (The module's
leading underscore says it is internal to minigrad.functions; its
functions are public to the modules there.)
"""
import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..device import backend
from .shape import reshape


def ints(op, name, value, minimum, count):
    """`value` (an int or a sequence of `count` ints) as a tuple of `count`
    ints >= minimum, or a clear error naming the op."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (value,) * count
    else:
        values = tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(values) != count or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= minimum for v in values):
        what = f"an int >= {minimum}" if count == 1 else f"an int >= {minimum} or {count} of them"
        raise ValueError(f"{op}: {name} must be {what}, got {value!r}")
    return tuple(int(v) for v in values)


def pair(op, name, value, minimum):
    """`value` (an int or an (h, w) pair) as a pair of ints >= minimum."""
    return ints(op, name, value, minimum, 2)


def out_size(size, kernel, stride, pads, dilation):
    """Output length along one axis (the floor rule); pads = (before, after)."""
    return (size + pads[0] + pads[1] - dilation * (kernel - 1) - 1) // stride + 1


def show(values):
    """(3,) as 3 for messages about 1-D ops; pairs as they are."""
    return values[0] if len(values) == 1 else values


def check_fits(op, x_shape, kernel, pads, dilation):
    """The (dilated) kernel must fit inside the padded input (settings as
    tuples, one entry per spatial axis; pads as (before, after) pairs)."""
    padded = tuple(n + before + after for n, (before, after) in zip(x_shape[2:], pads))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(n < s for n, s in zip(padded, span)):
        dilated = f" dilated by {show(dilation)} spans {show(span)} and" if any(d > 1 for d in dilation) else ""
        pad = tuple(before for before, after in pads) if all(b == a for b, a in pads) else pads
        raise ValueError(f"{op}: kernel {show(kernel)}{dilated} is larger than the padded input {show(padded)} "
                         f"(input shape {tuple(x_shape)}, pad {show(pad)})")


def conv_pads(op, pad, kernel, stride, dilation, name="pad"):
    """pad (an int, one per axis, or PyTorch's "valid" or "same") as
    (before, after) pairs. "same" keeps the size at stride 1; an odd total
    puts the extra cell after, as PyTorch."""
    if isinstance(pad, str):
        if pad == "valid":
            return ((0, 0),) * len(kernel)
        if pad == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: {name}='same' needs stride 1, got stride {show(stride)}")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"{op}: {name} must be an int, one per spatial axis, 'same' or 'valid', got {pad!r}")
    return tuple((p, p) for p in ints(op, "pad", pad, 0, len(kernel)))


def padding_and_pad(op, pad, padding):
    """`pad` or PyTorch's `padding` (one of them)."""
    if padding is None:
        return pad
    if not (isinstance(pad, (int, np.integer)) and pad == 0):
        raise TypeError(f"{op}: got both pad= and padding= (PyTorch's name for pad); pass one")
    return padding


def pad_image(x, pads, value):
    """x (N, C, *spatial) padded by pads ((before, after) per spatial axis)
    with `value`; a negative after-pad crops instead."""
    if not any(before or after for before, after in pads):
        return x
    spatial = x.shape[2:]
    padded = backend.get_array_module(x).full(
        x.shape[:2] + tuple(n + before + max(after, 0) for n, (before, after) in zip(spatial, pads)),
        value, dtype=x.dtype)
    padded[(slice(None), slice(None)) + tuple(slice(before, before + n) for n, (before, _) in zip(spatial, pads))] = x
    return padded[(slice(None), slice(None)) + tuple(slice(0, n + before + after)
                                                      for n, (before, after) in zip(spatial, pads))]


def window_slices(offset, dilation, stride, out):
    """The strided slices, one per spatial axis, that pick the cell at kernel
    offset `offset` of every window (windows start stride apart)."""
    return tuple(slice(d * i, d * i + s * (o - 1) + 1, s) for i, d, s, o in zip(offset, dilation, stride, out))


def im2col_array(x, kernel, stride, pads, dilation=None, pad_value=0):
    """im2col of the ndarray x (N, C, *spatial) (see Im2col in conv.py):
    (N, C*prod(kernel), prod(out)), rows ordered (c, kernel offset)."""
    dilation = dilation or (1,) * len(kernel)
    x = pad_image(x, pads, pad_value)
    n, c = x.shape[:2]
    out = tuple((size - d * (k - 1) - 1) // s + 1 for size, k, s, d in zip(x.shape[2:], kernel, stride, dilation))
    rows, cols = c * math.prod(kernel), math.prod(out)
    if type(x) is not np.ndarray:
        # On a device: one strided slice per kernel offset, stacked (as_strided is NumPy's).
        everything = (slice(None), slice(None))
        patches = np.stack([x[everything + window_slices(offset, dilation, stride, out)]
                            for offset in itertools.product(*map(range, kernel))], axis=2)
        return patches.reshape(n, rows, cols)
    strides = x.strides
    # A view: patches[n, c, *offset, *window] = x[n, c, d*offset + s*window];
    # the reshape below makes the one copy.
    patches = as_strided(x, (n, c) + tuple(kernel) + out,
                         strides[:2] + tuple(st * d for st, d in zip(strides[2:], dilation))
                         + tuple(st * s for st, s in zip(strides[2:], stride)), writeable=False)
    return patches.reshape(n, rows, cols)


def as_image_geometry(geometry):
    """1-D settings (kernel, stride, pads, dilation, out) as the 2-D ones of
    an image of height 1; 2-D and 3-D settings as they are."""
    if len(geometry[0]) != 1:
        return geometry
    kernel, stride, pads, dilation, out = geometry
    return (1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, (1,) + out


def as_image(x):
    """(N, C, L) as (N, C, 1, L); (N, C, H, W) as it is."""
    return reshape(x, x.shape[:2] + (1,) + x.shape[2:]) if x.ndim == 3 else x
