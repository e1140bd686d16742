"""Sliding-window helpers shared by convolution (conv.py, nn/conv.py) and
pooling (pooling.py): settings as tuples of ints, one per spatial axis;
padding as (before, after) pairs; the output size and the check that the
kernel fits; im2col on ndarrays; and 1-D inputs seen as images of height 1.

Apart from `as_image`, plain Python and NumPy, no ops. (The module's
leading underscore says it is internal to minigrad.functions; its
functions are public to the modules there.)
"""
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
    """x (N, C, H, W) padded by pads ((top, bottom), (left, right)) with
    `value`; a negative bottom or right pad crops instead."""
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, c, h, w = x.shape
    padded = backend.get_array_module(x).full((n, c, h + top + max(bottom, 0), w + left + max(right, 0)),
                                              value, dtype=x.dtype)
    padded[:, :, top:top + h, left:left + w] = x
    return padded[:, :, :h + top + bottom, :w + left + right]


def im2col_array(x, kernel, stride, pads, dilation=(1, 1), pad_value=0):
    """im2col of the ndarray x (see Im2col in conv.py)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    x = pad_image(x, pads, pad_value)
    n, c, h, w = x.shape
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (w - dw * (kw - 1) - 1) // sw + 1
    if type(x) is not np.ndarray:
        # On a device: kh*kw strided slices, stacked (as_strided is NumPy's).
        patches = np.stack([x[:, :, dh * i:dh * i + sh * (oh - 1) + 1:sh, dw * j:dw * j + sw * (ow - 1) + 1:sw]
                            for i in range(kh) for j in range(kw)], axis=2)
        return patches.reshape(n, c * kh * kw, oh * ow)
    s_n, s_c, s_h, s_w = x.strides
    # A view: patches[n, c, i, j, p, q] = x[n, c, dh*i + sh*p, dw*j + sw*q];
    # the reshape below makes the one copy.
    patches = as_strided(x, (n, c, kh, kw, oh, ow), (s_n, s_c, s_h * dh, s_w * dw, s_h * sh, s_w * sw),
                         writeable=False)
    return patches.reshape(n, c * kh * kw, oh * ow)


def as_image_geometry(geometry):
    """1-D settings (kernel, stride, pads, dilation, out) as the 2-D ones of
    an image of height 1; 2-D settings as they are."""
    if len(geometry[0]) == 2:
        return geometry
    kernel, stride, pads, dilation, out = geometry
    return (1,) + kernel, (1,) + stride, ((0, 0),) + pads, (1,) + dilation, (1,) + out


def as_image(x):
    """(N, C, L) as (N, C, 1, L); (N, C, H, W) as it is."""
    return reshape(x, x.shape[:2] + (1,) + x.shape[2:]) if x.ndim == 3 else x
