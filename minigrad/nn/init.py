"""Initialisers: fill a Parameter's array in place and return the Parameter.

Every draw comes from `minigrad.rng.get_rng()`, so `mg.manual_seed(n)`
makes the weights of a freshly built model repeatable.

fan_in and fan_out are computed as PyTorch computes them: for a weight of
shape (out, in, *kernel), fan_in = in * prod(kernel) and fan_out = out *
prod(kernel). (For ConvTranspose2d, whose weight is (in, out, kh, kw), the
two swap roles, as in PyTorch.)

    normal_(p, mean, std)    N(mean, std^2)
    xavier_normal_(p, gain)  N(0, gain^2 * 2 / (fan_in + fan_out))      Glorot & Bengio 2010
    xavier_uniform_(p, gain) U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))
    he_normal_(p, a, mode)   N(0, 2 / ((1 + a^2) * fan))                He et al. 2015
    he_uniform_(p, a, mode)  U(-b, b), b = sqrt(6 / ((1 + a^2) * fan))
"""
import math

import numpy as np

from ..core import Variable, versions
from ..device.random import get_rng


def _array(p):
    """The array to fill: a Parameter's / Variable's data, or an ndarray."""
    array = p.data if isinstance(p, Variable) else p
    if not isinstance(array, np.ndarray):
        raise TypeError(f"init: expected a Parameter, Variable or ndarray, got {type(p).__name__}")
    return array


def _fill(p, values):
    _array(p)[...] = values
    if isinstance(p, Variable):
        versions.bump(p)  # an op that saved p before sees the change (core/versions.py)
    return p


def fan_in_and_fan_out(shape):
    """(fan_in, fan_out) of a weight of `shape` = (out, in, *kernel)."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(f"init: fan_in and fan_out need a weight with at least 2 dimensions, got shape {shape}")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(shape, mode):
    fan_in, fan_out = fan_in_and_fan_out(shape)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")


def normal_(p, mean=0.0, std=0.01):
    """Fill with draws from N(mean, std^2); default N(0, 0.01^2). Positional
    arguments in PyTorch's order, mean then std: `normal_(w, 0.0, 0.02)`."""
    array = _array(p)
    if not std >= 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(p, get_rng().normal(mean, std, array.shape))


def uniform_(p, low=0.0, high=1.0):
    """Fill with draws from U(low, high)."""
    array = _array(p)
    if not low <= high:
        raise ValueError(f"uniform_: low={low} must not exceed high={high}")
    return _fill(p, get_rng().uniform(low, high, array.shape))


def zeros_(p):
    """Fill with 0."""
    return _fill(p, 0)


def ones_(p):
    """Fill with 1."""
    return _fill(p, 1)


def constant_(p, value):
    """Fill with `value`."""
    return _fill(p, value)


def xavier_normal_(p, gain=1.0):
    """Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).
    Keeps activation variance steady through tanh/sigmoid layers."""
    fan_in, fan_out = fan_in_and_fan_out(_array(p).shape)
    return normal_(p, std=gain * math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_uniform_(p, gain=1.0):
    """Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(_array(p).shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(p, -bound, bound)


def he_normal_(p, a=0.0, mode="fan_in"):
    """He (Kaiming) normal: N(0, std^2), std = sqrt(2 / (1 + a^2)) / sqrt(fan),
    for ReLU (a = 0) or leaky ReLU with slope a. Keeps activation variance
    steady through ReLU layers; `mode="fan_out"` keeps gradients steady."""
    fan = _fan(_array(p).shape, mode)
    return normal_(p, std=math.sqrt(2.0 / (1 + a * a)) / math.sqrt(fan))


def he_uniform_(p, a=0.0, mode="fan_in"):
    """He (Kaiming) uniform: U(-b, b), b = sqrt(6 / ((1 + a^2) * fan))."""
    fan = _fan(_array(p).shape, mode)
    bound = math.sqrt(6.0 / ((1 + a * a) * fan))
    return uniform_(p, -bound, bound)


# PyTorch's names for the He initialisers.
kaiming_normal_ = he_normal_
kaiming_uniform_ = he_uniform_
