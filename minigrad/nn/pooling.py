"""Pooling layers (no parameters): MaxPool1d, AvgPool1d, MaxPool2d,
AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxUnpool2d, with
PyTorch's arguments. Each calls the function of the same name in
`minigrad.functions`, which checks the settings and the input."""
from .. import functions as F
from .module import Module


class _Pool(Module):
    """Shared settings of the sliding-window pools; stride defaults to the
    kernel size, as PyTorch stores it."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def extra_repr(self):
        text = f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        for name, default in (("dilation", 1), ("ceil_mode", False), ("count_include_pad", True),
                              ("divisor_override", None), ("return_indices", False)):
            if getattr(self, name, default) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class _MaxPool(_Pool):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__(kernel_size, stride, padding)
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x):
        return self.function(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                             self.return_indices)


class MaxPool1d(_MaxPool):
    """The maximum of each window of kernel_size, moved by stride (the
    kernel size by default): (N, C, L) -> (N, C, L'). With return_indices,
    also the position of each maximum (for MaxUnpool)."""
    function = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPool):
    """The maximum of each kernel_size window, moved by stride (the kernel
    size by default): (N, C, H, W) -> (N, C, H', W'). With return_indices,
    also the flat index h*W + w of each maximum (for MaxUnpool2d)."""
    function = staticmethod(F.max_pool2d)


class AvgPool1d(_Pool):
    """The mean of each window of kernel_size, moved by stride (the kernel
    size by default): (N, C, L) -> (N, C, L')."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, x):
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class AvgPool2d(AvgPool1d):
    """The mean of each kernel_size window, moved by stride (the kernel size
    by default): (N, C, H, W) -> (N, C, H', W'). divisor_override, when
    set, divides every window's sum instead of its size."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)


class AdaptiveAvgPool2d(Module):
    """The mean over PyTorch's adaptive bins: (N, C, H, W) -> (N, C, *output_size)
    (an int, a pair, or None for "keep that size"); AdaptiveAvgPool2d(1) is
    global average pooling."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(AdaptiveAvgPool2d):
    """The maximum over PyTorch's adaptive bins: (N, C, H, W) -> (N, C, *output_size).
    With return_indices, also the flat index of each maximum."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, x):
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class MaxUnpool2d(_Pool):
    """The inverse of MaxPool2d(..., return_indices=True): layer(x, indices,
    output_size=None) puts each value of x (N, C, h, w) back at its index in
    a zero image (N, C, H, W)."""

    def forward(self, x, indices, output_size=None):
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding, output_size)
