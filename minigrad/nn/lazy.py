"""Lazy layers, as PyTorch's `nn.Lazy*`: the input size (in_features,
in_channels, num_features) is read from the first input.

Until the first forward the parameters are `UninitializedParameter`s (no
shape). The first forward builds the ordinary layer for the size of its
input (`Linear`, `Conv2d`, `BatchNorm2d`, with their initialisation), then
turns each uninitialized parameter, the same object, into a Parameter
holding the built layer's values, takes its buffers and settings, and
becomes that layer (its class changes, as PyTorch's `cls_to_become`). So,
as in PyTorch, an optimiser built before the first forward holds the very
parameters that the first forward sizes, and steps them afterwards. A
parameter's shape or size, `state_dict()` or `load_state_dict()` before
the first forward raise ValueError (PyTorch advises a first forward with a
dummy batch before any of them).
"""
from .conv import Conv2d
from .linear import Linear
from .module import Module, check_size
from .normalization import BatchNorm2d
from .parameter import UninitializedParameter


class LazyModule(Module):
    """Base of the lazy layers: `build(x)` makes the ordinary layer sized for
    the first input x; forward materialises from it, then runs it."""

    def build(self, x):
        """The ordinary layer this one becomes, sized from the first input x."""
        raise NotImplementedError(f"{type(self).__name__}: build(x) is not defined")

    def forward(self, *args, **kwargs):
        built = self.build(args[0])
        own = dict(self.named_parameters())
        for name in [name for name in vars(self) if not name.startswith("_") and name != "training"]:
            object.__delattr__(self, name)   # the lazy layer's own settings
        for name, value in vars(built).items():
            if name in ("_parameters", "_buffers", "_modules", "training"):
                continue
            if own.get(name) is not None:
                value = own[name].materialize(value.data)
            object.__setattr__(self, name, value)
        self._parameters.clear()
        self._parameters.update({name: getattr(self, name) for name in built._parameters})
        self._buffers.update({name: getattr(self, name) for name in built._buffers})
        self.__class__ = type(built)
        return self.forward(*args, **kwargs)


def _uninitialized(present):
    return UninitializedParameter() if present else None


class LazyLinear(LazyModule):
    """`Linear` whose in_features is the last dimension of the first input."""
    casts_input = True

    def __init__(self, out_features, bias=True):
        super().__init__()
        self.in_features = 0
        self.out_features = check_size("LazyLinear", "out_features", out_features)
        self.weight = UninitializedParameter()
        self.bias = _uninitialized(bias)

    def build(self, x):
        """A Linear whose in_features is x's last axis."""
        return Linear(x.shape[-1] if x.shape else 0, self.out_features, bias=self.bias is not None)

    def extra_repr(self):
        return f"in_features=0, out_features={self.out_features}, bias={self.bias is not None}"


class LazyConv2d(LazyModule):
    """`Conv2d` whose in_channels is dimension 1 of the first (N, C, H, W)
    input (dimension 0 of an unbatched (C, H, W) one)."""
    casts_input = True

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros"):
        super().__init__()
        self.settings = dict(out_channels=out_channels, kernel_size=kernel_size, stride=stride, padding=padding,
                             dilation=dilation, groups=groups, bias=bias, padding_mode=padding_mode)
        Conv2d(groups, **self.settings)   # the settings are checked now, as PyTorch's
        self.weight = UninitializedParameter()
        self.bias = _uninitialized(bias)

    def build(self, x):
        """A Conv2d whose in_channels is x's channel axis."""
        shape = x.shape
        if len(shape) not in (3, 4):
            raise ValueError(f"LazyConv2d: expected a 4-D (N, C, H, W) or 3-D (C, H, W) input, got shape {shape}")
        return Conv2d(shape[-3], **self.settings)

    def extra_repr(self):
        return "0, " + ", ".join(f"{k}={v}" for k, v in self.settings.items())


class LazyBatchNorm2d(LazyModule):
    """`BatchNorm2d` whose num_features is dimension 1 of the first input."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        self.settings = dict(eps=eps, momentum=momentum, affine=affine, track_running_stats=track_running_stats)
        self.weight = _uninitialized(affine)
        self.bias = _uninitialized(affine)

    def build(self, x):
        """A BatchNorm2d whose num_features is x's channel axis."""
        shape = x.shape
        if len(shape) != 4:
            raise ValueError(f"LazyBatchNorm2d: expected a 4-D input (N, C, H, W), got shape {shape}")
        return BatchNorm2d(shape[1], **self.settings)

    def extra_repr(self):
        return "0, " + ", ".join(f"{k}={v}" for k, v in self.settings.items())
