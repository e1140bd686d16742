"""Copies, casts between dtypes and copies between devices, differentiable:
the gradient goes back to the input's dtype and device.

`x.clone()`, `np.copy(x)`, `x.astype(np.float32)`, `x.float()`, `x.to("cuda")`,
`x.cpu()` ... call these.
"""
import numpy as np

from ..core import Function, Variable
from ..core.creation import as_dtype
from ..core.ops import declare
from ..device import backend


class Copy(Function):
    """y = x in new memory.   dy/dx = 1

    Changing y in place leaves x (and every op that saved x) as it was."""

    __slots__ = ()

    def forward(self, x):
        return x.copy()

    saves_for_backward = ()

    def backward(self, gy):
        return gy


class AsType(Function):
    """y = x cast to `dtype`.   dy/dx = 1 (the gradient is cast back to x's dtype)"""

    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    saves_for_backward = ()

    def backward(self, gy):
        return AsType(self.inputs[0].dtype)(gy)

    def settings(self):
        return {"dtype": str(self.dtype)}


class ToDevice(Function):
    """y = x copied to `device` ("cpu", "cuda" ...).   dy/dx = 1 (the
    gradient is copied back to x's device)"""

    __slots__ = ("device",)

    def __init__(self, device):
        self.device = device

    def forward(self, x):
        y = backend.to_device(x, self.device)
        return y.copy() if y is x else y

    saves_for_backward = ()

    def backward(self, gy):
        return ToDevice(self.inputs[0].device)(gy)

    def settings(self):
        return {"device": self.device}


@declare(Copy, numpy=np.copy, methods="clone")
def copy(x):
    """x copied to new memory, differentiably: NumPy's `np.copy(x)`, PyTorch's
    `x.clone()`. Clone before changing data in place that an op has saved
    for backward (see core/versions.py)."""
    return Copy()(x)


@declare(AsType, methods="astype")
def astype(x, dtype):
    """x cast to `dtype`, differentiably between float dtypes; a cast to an
    integer or bool dtype gives a Variable that requires no grad."""
    dtype = as_dtype("astype", dtype)
    if dtype.kind not in "fc":
        return Variable(x.data.astype(dtype), requires_grad=False)
    return AsType(dtype)(x)


@declare(ToDevice, AsType, methods="to")
def to(x, *args, dtype=None, device=None, copy=False):
    """x on another device and/or of another dtype, as PyTorch's:
    `x.to("cuda")`, `x.to(np.float32)`, `x.to("cuda", np.float32)`,
    `x.to(other)` (other's device and dtype). Differentiable: gradients go
    back to x's device and dtype. Returns x itself when nothing changes
    (unless copy=True)."""
    device, dtype = backend.to_arguments("to", args, device, dtype)
    if dtype is not None:
        dtype = as_dtype("to", dtype)  # (no complex dtype)
    y = x
    if device is not None:
        if copy or device is not backend.device_of(x.data):
            y = ToDevice(device.name)(y)
    if dtype is not None and dtype != y.dtype:
        y = astype(y, dtype)
    elif copy and y is x:
        y = ToDevice(y.device)(y)
    return y
