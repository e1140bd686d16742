"""Convolution layers: Conv1d (NCL), Conv2d and ConvTranspose2d (NCHW).
Arguments, weights and their layouts are PyTorch's, so its state_dicts
load unchanged."""
from .. import functions as F
from ..functions._window import conv_pads, ints
from . import init
from .module import Module
from .parameter import new_parameter


def _check_input(layer, x, channels, spatial):
    shape = x.shape
    layout = "(N, {}, L)" if spatial == 1 else "(N, {}, H, W)"
    if len(shape) != spatial + 2 or shape[1] != channels:
        got = f"{shape[1]} channels" if len(shape) == spatial + 2 else f"{len(shape)} dimensions"
        raise ValueError(f"{type(layer).__name__}: expected input {layout.format(channels)} with "
                         f"{channels} channels, got shape {shape} ({got})")


class _ConvNd(Module):
    """Shared body of the convolution layers: checks the settings when the
    layer is built (a zero kernel or stride, groups that do not divide the
    channels) and makes the weight. `transposed` layers store their weight
    as (in, out/groups, *kernel), the others as (out, in/groups, *kernel)."""

    casts_input = True   # a constant input is cast to the weights' dtype (see Module)

    def __init__(self, spatial, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, transposed=False, output_padding=0):
        super().__init__()
        name = type(self).__name__
        if padding_mode != "zeros":
            raise ValueError(f"{name}: padding_mode {padding_mode!r} is not supported; only 'zeros' is")
        (in_channels,), (out_channels,), (groups,) = (ints(name, label, value, 1, 1) for label, value in (
            ("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)))
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels ({in_channels}) and "
                             f"out_channels ({out_channels})")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ints(name, "kernel_size", kernel_size, 1, spatial)
        self.stride = ints(name, "stride", stride, 1, spatial)
        if isinstance(padding, str) and not transposed:  # "same" or "valid", checked as F checks them
            conv_pads(name, padding, self.kernel_size, self.stride, (1,) * spatial, "padding")
            self.padding = padding
        else:
            self.padding = ints(name, "padding", padding, 0, spatial)
        self.dilation = ints(name, "dilation", dilation, 1, spatial)
        self.groups = groups
        if transposed:
            self.output_padding = ints(name, "output_padding", output_padding, 0, spatial)
            weight_shape = (in_channels, out_channels // groups)
        else:
            weight_shape = (out_channels, in_channels // groups)
        self.weight = init.he_normal_(new_parameter(weight_shape + self.kernel_size))
        self.bias = new_parameter((out_channels,)) if bias else None

    def settings(self):
        """The F.conv* keyword arguments (1-D settings as ints)."""
        one = len(self.kernel_size) == 1
        names = ["stride", "padding", "dilation"] + (["output_padding"] if hasattr(self, "output_padding") else [])
        settings = {name: getattr(self, name) for name in names}
        if one:  # the 1-D functions take ints
            settings = {name: v if isinstance(v, str) else v[0] for name, v in settings.items()}
        settings["pad"] = settings.pop("padding")
        settings["groups"] = self.groups
        return settings

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")
        if any(d != 1 for d in self.dilation):
            text += f", dilation={self.dilation}"
        if hasattr(self, "output_padding") and any(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + f", bias={self.bias is not None}"


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation, as PyTorch):
    x (N, in_channels, L) -> y (N, out_channels, L'),
    L' = (L + 2*padding - dilation*(k - 1) - 1) // stride + 1.

    weight: (out_channels, in_channels/groups, k), bias: (out_channels,).
    Default initialisation: weight He normal (fan_in = in_channels/groups*k),
    suited to ReLU nets; bias zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros"):
        super().__init__(1, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode)

    def forward(self, x):
        _check_input(self, x, self.in_channels, 1)
        return F.conv1d(x, self.weight, self.bias, **self.settings())


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation, as PyTorch):
    x (N, in_channels, H, W) -> y (N, out_channels, H', W'),
    H' = (H + 2*padding - dilation*(kh - 1) - 1) // stride + 1.
    groups splits the channels into groups convolved separately
    (groups == in_channels: depthwise).

    weight: (out_channels, in_channels/groups, kh, kw), bias: (out_channels,).
    Default initialisation: weight He normal (fan_in = in_channels/groups*kh*kw),
    suited to ReLU nets; bias zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros"):
        super().__init__(2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode)

    def forward(self, x):
        _check_input(self, x, self.in_channels, 2)
        return F.conv2d(x, self.weight, self.bias, **self.settings())


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution (the gradient of Conv2d with respect to its
    input): x (N, in_channels, H, W) -> y (N, out_channels, H', W'),
    H' = (H - 1)*stride - 2*padding + dilation*(kh - 1) + output_padding + 1.

    weight: (in_channels, out_channels/groups, kh, kw), bias: (out_channels,).
    Default initialisation: weight He normal with fan_in computed as
    PyTorch does for this layout (out_channels/groups*kh*kw); bias zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros"):
        super().__init__(2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, transposed=True, output_padding=output_padding)

    def forward(self, x):
        _check_input(self, x, self.in_channels, 2)
        return F.conv_transpose2d(x, self.weight, self.bias, **self.settings())
