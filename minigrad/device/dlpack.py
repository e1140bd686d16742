"""DLPack: a Variable's memory shared with other array libraries, no copy.

    t = torch.from_dlpack(x)      # x a Variable: t views x.data's memory
    x = mg.from_dlpack(t)         # t a tensor or array: x.data views its memory

Writing through one view changes what the other reads. Only the data is
shared, never the graph: a Variable made by `from_dlpack` is a leaf that
requires no grad (as `mg.from_numpy`), and a tensor taken from a Variable
carries no gradient history back to it. Only host (CPU) memory is imported
this way; a CuPy array moves to minigrad with `mg.tensor(a)` on its device.

This module reads and checks the foreign object (`array_from_dlpack`);
`Variable.__dlpack__` (core/variable.py) exports x.data's own capsule, and
`mg.from_dlpack` (core/creation.py) wraps the array in a Variable.
"""
import numpy as np

_DEVICE_NAMES = {1: "cpu", 2: "cuda", 3: "cuda_host", 4: "opencl", 7: "vulkan", 8: "metal", 9: "vpi",
                 10: "rocm", 11: "rocm_host", 13: "cuda_managed", 14: "oneapi"}
_CPU = 1   # DLDeviceType kDLCPU


def array_from_dlpack(obj):
    """An ndarray sharing memory with `obj`, any object with `__dlpack__`
    (a NumPy array, a PyTorch CPU tensor, a JAX/CuPy/TensorFlow CPU array,
    a Variable): the same shape, dtype and strides, no copy. `mg.from_dlpack`
    wraps it in a Variable that requires no grad."""
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
    return array
