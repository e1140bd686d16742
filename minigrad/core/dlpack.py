"""DLPack: a Variable's memory shared with other array libraries, no copy.

    t = torch.from_dlpack(x)      # x a Variable: t views x.data's memory
    x = mg.from_dlpack(t)         # t a tensor or array: x.data views its memory

Writing through one view changes what the other reads. Only the data is
shared, never the graph: a Variable made by `from_dlpack` is a leaf that
requires no grad (as `mg.from_numpy`), and a tensor taken from a Variable
carries no gradient history back to it. minigrad computes with NumPy on
the CPU, so only CPU memory can be shared.

Importing this module installs `Variable.__dlpack__` and
`Variable.__dlpack_device__`.
"""
import numpy as np

from .variable import Variable

_DEVICE_NAMES = {1: "cpu", 2: "cuda", 3: "cuda_host", 4: "opencl", 7: "vulkan", 8: "metal", 9: "vpi",
                 10: "rocm", 11: "rocm_host", 13: "cuda_managed", 14: "oneapi"}
_CPU = 1   # DLDeviceType kDLCPU


def from_dlpack(obj):
    """A Variable sharing memory with `obj`, any object with `__dlpack__`
    (a NumPy array, a PyTorch CPU tensor, a JAX/CuPy/TensorFlow CPU array,
    a Variable): the same shape, dtype and strides, no copy. Requires no
    grad (call `.requires_grad_()` to make it a leaf that does)."""
    if not hasattr(obj, "__dlpack__"):
        raise TypeError(f"from_dlpack: expected an object with a __dlpack__ method (a NumPy array, a PyTorch "
                        f"tensor, ...), got {type(obj).__name__}; for lists and numbers use mg.tensor")
    if hasattr(obj, "__dlpack_device__"):
        device_type, device_id = obj.__dlpack_device__()
        if int(device_type) != _CPU:
            device = _DEVICE_NAMES.get(int(device_type), f"device type {int(device_type)}")
            raise BufferError(f"from_dlpack: the {type(obj).__name__} lives on {device}:{device_id}, but minigrad "
                              "computes with NumPy on the CPU; move it there first (e.g. tensor.cpu())")
    try:
        array = np.from_dlpack(obj)
    except (BufferError, RuntimeError, TypeError, ValueError) as e:
        hint = ""
        if "require gradient" in str(e):
            hint = " (a PyTorch tensor that requires grad: pass tensor.detach())"
        elif "dtype" in str(e).lower():
            hint = " (NumPy has no such dtype, e.g. bfloat16: convert it first, e.g. tensor.float())"
        raise type(e)(f"from_dlpack: cannot share the memory of the {type(obj).__name__}: {e}{hint}") from e
    return Variable(array, requires_grad=False)


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """A DLPack capsule viewing this Variable's data (NumPy's own export:
    `torch.from_dlpack(x)` shares x.data's memory, no copy)."""
    return self.data.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)


def _dlpack_device(self):
    """(device type, device id) of the data: (1, 0), DLPack's CPU."""
    return self.data.__dlpack_device__()


Variable.__dlpack__ = _dlpack
Variable.__dlpack_device__ = _dlpack_device
