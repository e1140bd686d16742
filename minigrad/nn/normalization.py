"""Normalisation and regularisation layers: BatchNorm1d, BatchNorm2d,
LayerNorm, GroupNorm, InstanceNorm2d, Dropout, Dropout2d. Each passes its module's `training` flag to the
function explicitly, so `model.eval()` alone switches them."""
import numbers

import numpy as np

from .. import functions as F
from . import init
from .module import Module
from .parameter import new_parameter


class _BatchNorm(Module):
    """Shared body of BatchNorm1d / BatchNorm2d: normalise each channel
    (axis 1) over every other axis.

        training: y = (x - batch_mean) / sqrt(batch_var + eps) * weight + bias,
                  running_mean <- (1 - momentum) * running_mean + momentum * batch_mean
                  running_var  <- (1 - momentum) * running_var + momentum * unbiased batch_var
        eval:     the same with running_mean / running_var in place of the batch's.

    momentum=None averages all batches seen so far equally (PyTorch's
    cumulative average). Parameters weight (ones) and bias (zeros), buffers
    running_mean, running_var, num_batches_tracked: names as PyTorch's.
    """
    #: The input ranks (numbers of axes) the layer accepts.
    input_ndims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.weight = init.ones_(new_parameter((num_features,))) if affine else None
        self.bias = new_parameter((num_features,)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=np.float32))
            self.register_buffer("running_var", np.ones(num_features, dtype=np.float32))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, x):
        shape = x.shape
        if len(shape) not in self.input_ndims or shape[1] != self.num_features:
            ranks = " or ".join(f"{n}-D" for n in self.input_ndims)
            raise ValueError(
                f"{type(self).__name__}: expected a {ranks} input with {self.num_features} channels "
                f"in dimension 1, got shape {shape}")
        momentum = self.momentum
        update_running_stats = self.training and self.running_mean is not None
        if update_running_stats:
            self.num_batches_tracked += 1
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked)
        return F.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                            training=self.training or self.running_mean is None,
                            momentum=momentum, eps=self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C.
    See `_BatchNorm` for the formulas; weight starts at ones, bias at zeros."""
    input_ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C.
    See `_BatchNorm` for the formulas; weight starts at ones, bias at zeros."""
    input_ndims = (4,)


class InstanceNorm2d(_BatchNorm):
    """Instance normalisation of (N, C, H, W) images or one (C, H, W) image:
    each channel of each image is normalised over its H x W positions
    (population variance), then scaled by weight and shifted by bias
    (affine=True; ones and zeros). With track_running_stats=True, training
    also moves running_mean / running_var (buffers, PyTorch's names) towards
    the batch average of the instance statistics, and eval mode normalises
    with them. Defaults as PyTorch's: affine=False, track_running_stats=False."""
    input_ndims = (3, 4)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False):
        super().__init__(num_features, eps, momentum, affine, track_running_stats)

    def forward(self, x):
        shape = x.shape
        if len(shape) not in self.input_ndims or shape[-3] != self.num_features:
            raise ValueError(f"InstanceNorm2d: expected a 4-D (N, C, H, W) or 3-D (C, H, W) input with "
                             f"C = num_features = {self.num_features}, got shape {shape}")
        unbatched = len(shape) == 3
        if unbatched:
            x = F.reshape(x, (1,) + tuple(shape))
        y = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            use_input_stats=self.training or self.running_mean is None,
                            momentum=0.0 if self.momentum is None else self.momentum, eps=self.eps)
        return F.reshape(y, shape) if unbatched else y


class GroupNorm(Module):
    """Group normalisation of x (N, C, ...): the C channels are cut into
    num_groups groups; each sample's group is normalised over its channels
    and positions (population variance), then each channel is scaled by
    weight (C,) (ones) and shifted by bias (C,) (zeros) when affine=True."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} is not divisible by num_groups={num_groups}; "
                             "expected groups of equal size")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self.weight = init.ones_(new_parameter((num_channels,))) if affine else None
        self.bias = new_parameter((num_channels,)) if affine else None

    def forward(self, x):
        shape = x.shape
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm: expected an input (N, C, ...) with C = num_channels = "
                             f"{self.num_channels}, got shape {shape}")
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class LayerNorm(Module):
    """Normalise over the trailing `normalized_shape` dimensions of each sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias (population variance).
    weight (ones) and bias (zeros) have shape `normalized_shape`."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.weight = init.ones_(new_parameter(self.normalized_shape)) if elementwise_affine else None
        self.bias = new_parameter(self.normalized_shape) if elementwise_affine and bias else None

    def forward(self, x):
        n = len(self.normalized_shape)
        if len(x.shape) < n or tuple(x.shape[len(x.shape) - n:]) != self.normalized_shape:
            raise ValueError(f"LayerNorm: input of shape {x.shape} does not end with the normalized "
                             f"shape {self.normalized_shape}")
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, eps=self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class Dropout(Module):
    """In training, zero each element with probability p and scale the rest
    by 1 / (1 - p) (inverted dropout, so eval needs no rescaling); in eval,
    the identity. The mask comes from minigrad's generator (`mg.manual_seed`)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.inplace = inplace   # PyTorch's flag: accepted, changes nothing (no op overwrites its input)
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p is the probability of zeroing an element and must be "
                             f"a number in [0, 1], got {p!r}")
        self.p = float(p)

    def forward(self, x):
        return F.dropout(x, self.p, training=self.training)

    def extra_repr(self):
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Channel dropout for (N, C, H, W) images: in training, zero each whole
    channel x[n, c] with probability p and scale the others by 1 / (1 - p);
    in eval, the identity."""

    def forward(self, x):
        return F.dropout2d(x, self.p, training=self.training)
