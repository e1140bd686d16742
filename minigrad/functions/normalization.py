"""Regularisation: dropout (of elements, or of whole channels), batch, layer,
group and instance normalisation.

Every normalisation standardises with one fused op, `Standardize`, whose
backward is written with ops, then scales and shifts with ops, so they are
differentiable to any order. Whether an op is training comes from its
`training` argument, or from `Config.train` when that is None.
"""
import numbers

import numpy as np

from ..device import backend
from ..device.random import uniform
from ..core import Config, Function, Variable, as_variable, is_grad_enabled
from ..core.ops import declare
from .math import clip
from .reduction import mean, norm
from .shape import reshape


class Dropout(Function):
    """y = x * mask / (1 - p), each mask element 1 with probability 1 - p
    (drawn once, in forward).   gx = gy * mask / (1 - p)"""
    __slots__ = ("p", "scaled_mask")

    def __init__(self, p):
        self.p = p

    def forward(self, x):
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
        keep = uniform(x, x.shape) >= self.p
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        self.scaled_mask = keep.astype(dtype) * dtype.type(scale)
        return x * self.scaled_mask

    saves_for_backward = ()

    def backward(self, gy):
        return gy * self.scaled_mask

    def settings(self):
        return {"p": self.p}


def _check_p(op, p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{op}: p must be a number in [0, 1], got {type(p).__name__}")
    if not 0 <= p <= 1:
        raise ValueError(f"{op}: p={p} is not a probability; expected 0 <= p <= 1")


@declare(Dropout)
def dropout(x, p=0.5, training=None):
    """Inverted dropout: while training, zero each element with probability
    p and scale the rest by 1 / (1 - p), so the expected value is x; the
    identity otherwise. training=None follows `Config.train`. The mask comes
    from minigrad's generator (`mg.manual_seed` makes it repeatable)."""
    _check_p("dropout", p)
    training = Config.train if training is None else training
    if not training or p == 0:
        return as_variable(x)
    return Dropout(float(p))(x)


@declare()
def dropout2d(x, p=0.5, training=None):
    """Channel dropout of images x (N, C, H, W): while training, zero each
    whole channel x[n, c] with probability p and scale the others by
    1 / (1 - p); the identity otherwise (training=None follows
    `Config.train`). Built as x * mask (one draw of shape (N, C, 1, 1) from
    minigrad's generator), so it differentiates to any order."""
    _check_p("dropout2d", p)
    x = as_variable(x)
    if x.ndim != 4:
        # PyTorch reads a 3-D input as (N, C, L), not as an unbatched image:
        # refuse rather than guess.
        raise ValueError(f"dropout2d: expected a 4-D input (N, C, H, W), got shape {x.shape}; "
                         "for one unbatched (C, H, W) image pass x[None]")
    training = Config.train if training is None else training
    if not training or p == 0:
        return x
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    keep = uniform(x.data, x.shape[:2] + (1, 1)) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return x * (keep * scale).astype(dtype)


class Standardize(Function):
    """y = (x - mean) * r over `axes`, r = 1 / sqrt(var + eps) (biased
    variance; mean, var and r keep their axes).

        gx = r * (gy - mean(gy) - y * mean(gy * y))

    Fused because layer_norm written as seven ops took 10x PyTorch's time
    (benchmarks/transformer_step.py). The backward reuses the output y; r
    is the stored array, except while the backward pass is itself recorded
    (create_graph): then r is recomputed from x with ops, so that higher
    derivatives see how r depends on x."""
    __slots__ = ("axes", "eps", "mean", "var", "rstd")

    def __init__(self, axes, eps):
        self.axes = axes
        self.eps = eps

    def forward(self, x):
        self.mean = x.mean(axis=self.axes, keepdims=True)
        y = x - self.mean
        self.var = np.mean(np.square(y), axis=self.axes, keepdims=True)
        self.rstd = 1 / np.sqrt(self.var + self.eps)
        y *= self.rstd
        return y

    def backward(self, gy):
        y, axes = self.output_variable(), self.axes
        r = self.rstd
        if is_grad_enabled():
            (x,) = self.inputs
            centered = x - mean(x, axes, keepdims=True)
            r = (mean(centered * centered, axes, keepdims=True) + self.eps) ** -0.5
        # The Variable on the left: a device array (r) cannot take a Variable as right operand.
        return (gy - mean(gy, axes, keepdims=True) - y * mean(gy * y, axes, keepdims=True)) * r

    def settings(self):
        return {"axes": self.axes, "eps": self.eps}


def _standardize(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over `axes` as a Variable, with the mean
    and the biased variance (ndarrays, keepdims) for running statistics."""
    f = Standardize(axes, eps)
    return f(x), f.mean, f.var


def _check_shape(op, name, a, shape):
    if a is None:
        return
    got = tuple(np.shape(a.data if isinstance(a, Variable) else a))
    if got != shape:
        raise ValueError(f"{op}: {name} has shape {got}, expected {shape}")


def _channel_shape(x):
    """(1, C, 1, ...): a per-channel array broadcast against x (N, C, ...)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _scale_shift_channels(y, weight, bias):
    """y * weight + bias with weight and bias of shape (C,) along axis 1."""
    shape = _channel_shape(y)
    return _scale_shift(y, None if weight is None else reshape(weight, shape),
                        None if bias is None else reshape(bias, shape))


def _scale_shift(y, weight, bias):
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def _running_array(name, a, op="batch_norm"):
    """A running statistic as the ndarray to update in place."""
    a = a.data if isinstance(a, Variable) else a
    is_array = isinstance(a, np.ndarray) or backend.device_of(a) is not backend.CPU
    if not is_array or a.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be a float ndarray (updated in place), got "
                        f"{type(a).__name__}{'' if not is_array else ' of ' + str(a.dtype)}")
    return a


@declare(Standardize)
def batch_norm(x, gamma, beta, running_mean=None, running_var=None, training=None, momentum=0.1, eps=1e-5):
    """Batch normalisation over every axis but axis 1 (the channels):
    x (N, C) or (N, C, H, W) ...; gamma, beta (C,) or None.

    Training (training=None follows `Config.train`): normalise with the
    batch mean and biased variance, and update running_mean / running_var
    (ndarrays of shape (C,), in place) as PyTorch does:
    new = (1 - momentum) * old + momentum * batch, the variance unbiased.
    Eval: normalise with running_mean and running_var.
    """
    x = as_variable(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: x must have at least 2 dimensions (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    for name, a in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)):
        _check_shape("batch_norm", name, a, (channels,))
    training = Config.train if training is None else training
    shape = (1, channels) + (1,) * (x.ndim - 2)
    weight = None if gamma is None else reshape(gamma, shape)
    bias = None if beta is None else reshape(beta, shape)
    if not training:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: eval mode needs running_mean and running_var")
        mu = _running_array("running_mean", running_mean).astype(x.dtype, copy=False).reshape(shape)
        var = _running_array("running_var", running_var).astype(x.dtype, copy=False).reshape(shape)
        # Fold everything into y = x * scale + shift: two passes over x.
        # As Variables: a device array cannot take a Variable as right operand.
        scale = _scale_shift(as_variable(1 / np.sqrt(var + eps)), weight, None)
        return x * scale + _scale_shift(-as_variable(mu) * scale, None, bias)

    n = x.size // channels if channels else 0
    if n < 2:
        raise ValueError(f"batch_norm: training needs more than one value per channel, got x of shape {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    y, mu, var = _standardize(x, axes, eps)
    if running_mean is not None:
        rm = _running_array("running_mean", running_mean)
        rm *= 1 - momentum
        rm += momentum * mu.reshape(channels)
    if running_var is not None:
        rv = _running_array("running_var", running_var)
        rv *= 1 - momentum
        rv += (momentum * n / (n - 1)) * var.reshape(channels)
    return _scale_shift(y, weight, bias)


@declare(Standardize, functional=True)
def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation over the trailing `normalized_shape` axes of x
    (an int or a tuple), with the biased variance; weight and bias have
    shape normalized_shape (or are None)."""
    x = as_variable(x)
    if isinstance(normalized_shape, (int, np.integer)):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or k > x.ndim or x.shape[x.ndim - k:] != normalized_shape:
        raise ValueError(f"layer_norm: normalized_shape {normalized_shape} does not match the trailing "
                         f"dimensions of x of shape {x.shape}")
    _check_shape("layer_norm", "weight", weight, normalized_shape)
    _check_shape("layer_norm", "bias", bias, normalized_shape)
    y, _, _ = _standardize(x, tuple(range(x.ndim - k, x.ndim)), eps)
    return _scale_shift(y, weight, bias)


def _check_channels(op, x, weight, bias):
    if x.ndim < 2:
        raise ValueError(f"{op}: x must have at least 2 dimensions (N, C, ...), got shape {x.shape}")
    for name, a in (("weight", weight), ("bias", bias)):
        _check_shape(op, name, a, (x.shape[1],))


@declare(Standardize, functional=True)
def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation, as PyTorch's: the C channels of x (N, C, ...) are
    cut into num_groups groups of C / num_groups consecutive channels; each
    sample's group is normalised over its channels and spatial positions
    (biased variance), then scaled by weight (C,) and shifted by bias (C,)."""
    x = as_variable(x)
    _check_channels("group_norm", x, weight, bias)
    n, channels = x.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral) or num_groups <= 0 \
            or channels % num_groups:
        raise ValueError(f"group_norm: the {channels} channels of x of shape {x.shape} do not split into "
                         f"num_groups={num_groups} groups of equal size; expected num_groups to divide {channels}")
    group_size = x.size // (n * num_groups) if n else 0
    y, _, _ = _standardize(reshape(x, (n, num_groups, group_size)), (2,), eps)
    return _scale_shift_channels(reshape(y, x.shape), weight, bias)


@declare(Standardize, functional=True)
def instance_norm(x, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Instance normalisation, as PyTorch's: each channel of each sample of
    x (N, C, *spatial) is normalised over its spatial positions (biased
    variance), then scaled by weight (C,) and shifted by bias (C,).

    With use_input_stats (the default) and running_mean / running_var given
    (ndarrays (C,), updated in place), these move towards the batch average
    of the instance means and unbiased variances, by `momentum`. With
    use_input_stats=False, x is normalised with running_mean / running_var."""
    x = as_variable(x)
    _check_channels("instance_norm", x, weight, bias)
    channels = x.shape[1]
    for name, a in (("running_mean", running_mean), ("running_var", running_var)):
        _check_shape("instance_norm", name, a, (channels,))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running_mean and running_var")
        return batch_norm(x, weight, bias, running_mean, running_var, training=False, eps=eps)
    count = x.size // (x.shape[0] * channels) if x.shape[0] * channels else 0
    if count < 2:
        raise ValueError(f"instance_norm: needs more than one spatial value per channel, got x of shape {x.shape}")
    y, mu, var = _standardize(x, tuple(range(2, x.ndim)), eps)
    for name, a, stat in (("running_mean", running_mean, mu),
                          ("running_var", running_var, var * (count / (count - 1)))):
        if a is not None:
            a = _running_array(name, a, "instance_norm")
            a *= 1 - momentum
            a += momentum * stat.reshape(x.shape[:2]).mean(axis=0)
    return _scale_shift_channels(y, weight, bias)


@declare(functional=True)
def normalize(x, p=2.0, dim=1, eps=1e-12):
    """x / max(norm_p(x along dim), eps), as PyTorch's F.normalize: each
    vector along `dim` scaled to p-norm 1 (p as `norm`'s ord); a vector
    shorter than eps is divided by eps instead (its gradient through the
    norm is then 0). Built from ops: differentiable to any order."""
    x = as_variable(x)
    return x / clip(norm(x, ord=p, axis=dim, keepdims=True), eps, None)


@declare(functional=True)
def rms_norm(x, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x**2 over the trailing `normalized_shape` axes) + eps),
    times `weight` (of that shape) when given, as PyTorch's F.rms_norm; eps
    None is the machine epsilon of x's dtype. Built from ops."""
    x = as_variable(x)
    shape = (int(normalized_shape),) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
    if len(shape) > x.ndim or tuple(x.shape[x.ndim - len(shape):]) != shape:
        raise ValueError(f"rms_norm: normalized_shape {shape} does not match the trailing dimensions of x of "
                         f"shape {x.shape}")
    _check_shape("rms_norm", "weight", weight, shape)
    if eps is None:
        eps = float(np.finfo(x.dtype if x.dtype.kind == "f" else np.float64).eps)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    y = x * (mean(x * x, axis=axes, keepdims=True) + eps) ** -0.5
    return y if weight is None else y * weight
