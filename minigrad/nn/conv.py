"""Image layers (NCHW): Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d.
Weights are laid out as PyTorch's, so its state_dicts load unchanged."""
import numbers

from .. import functions as F
from . import init
from .module import Module
from .parameter import new_parameter


def _pair(value):
    return (value, value) if isinstance(value, numbers.Integral) else tuple(value)


def _check_images(layer, x, channels):
    shape = x.shape
    if len(shape) != 4 or shape[1] != channels:
        got = f"{shape[1]} channels" if len(shape) == 4 else f"{len(shape)} dimensions"
        raise ValueError(f"{type(layer).__name__}: expected input (N, {channels}, H, W) with "
                         f"{channels} channels, got shape {shape} ({got})")


class _ConvNd(Module):
    """Shared body of Conv2d and ConvTranspose2d. `weight_shape` puts the
    channel counts in the order each layer stores them."""

    def __init__(self, weight_shape, in_channels, out_channels, kernel_size, stride, padding, bias):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = stride
        self.padding = padding
        self.weight = init.he_normal_(new_parameter(weight_shape + self.kernel_size))
        self.bias = new_parameter((out_channels,)) if bias else None

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}")


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation, as PyTorch):
    x (N, in_channels, H, W) -> y (N, out_channels, H', W'),
    H' = (H + 2*padding - kh) // stride + 1.

    weight: (out_channels, in_channels, kh, kw), bias: (out_channels,).
    Default initialisation: weight He normal (fan_in = in_channels*kh*kw),
    suited to ReLU nets; bias zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__((out_channels, in_channels), in_channels, out_channels,
                         kernel_size, stride, padding, bias)

    def forward(self, x):
        _check_images(self, x, self.in_channels)
        return F.conv2d(x, self.weight, self.bias, stride=self.stride, pad=self.padding)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution (the gradient of Conv2d with respect to its
    input): x (N, in_channels, H, W) -> y (N, out_channels, H', W'),
    H' = (H - 1)*stride - 2*padding + kh.

    weight: (in_channels, out_channels, kh, kw), bias: (out_channels,).
    Default initialisation: weight He normal with fan_in computed as
    PyTorch does for this layout (out_channels*kh*kw); bias zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__((in_channels, out_channels), in_channels, out_channels,
                         kernel_size, stride, padding, bias)

    def forward(self, x):
        _check_images(self, x, self.in_channels)
        return F.conv_transpose2d(x, self.weight, self.bias, stride=self.stride, pad=self.padding)


class _Pool2d(Module):
    """Shared settings of MaxPool2d and AvgPool2d."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each kernel_size window, moved by stride (the kernel
    size by default): (N, C, H, W) -> (N, C, H', W'). No parameters."""

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, stride=self.stride, pad=self.padding)


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window, moved by stride (the kernel size
    by default): (N, C, H, W) -> (N, C, H', W'). No parameters."""

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, stride=self.stride, pad=self.padding)
