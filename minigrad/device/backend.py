"""Where arrays live: NumPy on the host ("cpu"), CuPy on a GPU ("cuda").

Ops never name an array module. NumPy hands its ufuncs and most of its
functions to the array's own module (NEP 13/18: `__array_ufunc__`,
`__array_function__`), so `np.exp(x)` on a CuPy array runs on the GPU. What
NumPy cannot dispatch is making an array out of nothing (`np.zeros(shape)`,
`np.arange`, `np.asarray(a_list)`, a random draw): there an op asks
`get_array_module(x)` for the module of its data and calls that.

    xp = get_array_module(x)        # numpy, or cupy for a GPU array
    mask = xp.zeros(x.shape, bool)  # made where x lives

A device is a name ("cpu", "cuda", or one a test registers) with an array
module, the array types it owns and the two transfers. CuPy is imported
only when a CuPy array or the "cuda" device is first met.
"""
import sys

import numpy as np



class Device:
    """One place arrays live: `name`, the array module `xp`, and
    `to_device(ndarray)` / `to_host(array)` copies."""

    def __init__(self, name, xp, owns, to_device, to_host, seed=None, random=None, add_at=None):
        self.name = name
        self.xp = xp
        self.owns = owns            # owns(type) -> bool: arrays of this type live here
        self.to_device = to_device
        self.to_host = to_host
        self.seed = seed            # seed(n): seed the device's own generator (or None)
        self.random = random        # random(shape): uniform draws made on the device (or None)
        self.add_at = add_at        # add_at(a, index, values): np.add.at on the device (or None)

    def __repr__(self):
        return f"device({self.name!r})"


CPU = Device("cpu", np, lambda t: issubclass(t, (np.ndarray, np.generic)),
             lambda a: a, lambda a: a)

_devices = {"cpu": CPU}     # name -> Device
_by_type = {np.ndarray: CPU}  # array type -> Device, filled as types are met


def register_device(device):
    """Make `device` known by its name (tests register a strict CPU backend)."""
    _devices[device.name] = device
    for t in [t for t, d in _by_type.items() if d.name == device.name]:
        del _by_type[t]
    return device


def _cuda():
    """The "cuda" Device: CuPy's arrays, generator and scatter-add."""
    try:
        import cupy
        import cupyx
    except ImportError:
        raise RuntimeError("device 'cuda': CuPy is not installed; pip install -e \".[cuda]\" "
                           "(or any cupy-cuda12x wheel) on a machine with an NVIDIA GPU") from None
    return Device("cuda", cupy, lambda t: t.__module__.split(".")[0] == "cupy",
                  cupy.asarray, cupy.asnumpy, seed=cupy.random.seed, random=cupy.random.random,
                  add_at=cupyx.scatter_add)


def get_device(name):
    """The Device called `name` ("cpu", "cuda", "cuda:0" ...; a Device passes through)."""
    if isinstance(name, Device):
        return name
    if not isinstance(name, str):
        raise TypeError(f"device: expected a name such as 'cpu' or 'cuda', got {name!r}")
    base = name.split(":")[0]
    device = _devices.get(base)
    if device is None and base == "cuda":
        device = register_device(_cuda())
    if device is None:
        raise ValueError(f"device: unknown device {name!r}; expected one of "
                         f"{sorted(set(_devices) | {'cuda'})}")
    return device


def is_device_name(x):
    """Whether `x` names a device (a Device, "cpu", "cuda", "cuda:1" ...),
    not a dtype ("float32")."""
    return isinstance(x, Device) or (isinstance(x, str) and (x.split(":")[0] in _devices or
                                                             x.split(":")[0] == "cuda"))


def to_arguments(who, args, device=None, dtype=None, expected="a dtype such as np.float32"):
    """The (device, dtype) of PyTorch-style `.to(...)` arguments: a device
    name, a dtype, or both, positionally or by keyword."""
    for arg in args:
        if is_device_name(arg):
            device = arg
        elif hasattr(arg, "creator") and hasattr(arg, "data"):  # a Variable: its device and dtype
            device, dtype = device_of(arg.data), arg.data.dtype
        else:
            try:
                dtype = np.dtype(arg)
            except TypeError:
                raise TypeError(f"{who}: {arg!r} is not a dtype; expected {expected}, or a device "
                                f"({', '.join(map(repr, sorted(set(_devices) | {'cuda'})))})") from None
    return (None if device is None else get_device(device)), (None if dtype is None else np.dtype(dtype))


def device_of(a):
    """The Device holding array `a` (Python numbers and NumPy scalars: cpu)."""
    t = type(a)
    device = _by_type.get(t)
    if device is None:
        device = CPU
        if t.__module__.split(".")[0] == "cupy" and "cuda" not in _devices:
            get_device("cuda")
        for d in _devices.values():
            if d.owns(t):
                device = d
                break
        _by_type[t] = device
    return device


def get_array_module(*arrays):
    """The array module (numpy, cupy ...) of the first array not on the host,
    else numpy. For making new arrays where the inputs live."""
    for a in arrays:
        if type(a) is not np.ndarray:
            device = device_of(a)
            if device is not CPU:
                return device.xp
    return np


def asarray(x, dtype=None, like=None):
    """`x` as an array of `dtype`: an array (NumPy or device) keeps its
    device; Python data and NumPy scalars are made on the device of the
    array `like` (the host when None). For op arguments such as masks."""
    if type(x) is np.ndarray:
        return x if dtype is None else x.astype(dtype, copy=False)
    device = device_of(x)
    if device is not CPU:
        return x if dtype is None else x.astype(dtype, copy=False)
    xp = np if like is None else get_array_module(like)
    return xp.asarray(x, dtype=dtype)


def index_like(index, like):
    """An index for array `like` with its integer/boolean arrays and lists
    made on like's device (they are host data when written by users)."""
    if type(like) is np.ndarray:
        return index
    device = device_of(like)
    if device is CPU:
        return index

    def move(p):
        if type(p) is np.ndarray or isinstance(p, list):
            return device.to_device(np.asarray(p))
        return p
    return tuple(move(p) for p in index) if isinstance(index, tuple) else move(index)


def add_at(a, index, values):
    """a[index] += values with repeated indices adding up (np.add.at), on a's device."""
    device = CPU if type(a) is np.ndarray else device_of(a)
    if device.add_at is None:
        np.add.at(a, index, values)
    else:
        device.add_at(a, index, values)


def to_device(a, device):
    """Array `a` (of any device) on `device`; `a` itself when it is already there."""
    target = get_device(device)
    source = device_of(a)
    if source is target:
        return a
    host = source.to_host(a)
    return target.to_device(host)


def to_host(a):
    """Array `a` as a NumPy ndarray (a copy when it lives on another device)."""
    if type(a) is np.ndarray:
        return a
    return np.asarray(device_of(a).to_host(a))


def same_device_error(name, arrays):
    """A TypeError naming the devices when `arrays` live on different
    devices, else None (for messages after an op failed)."""
    names = []
    for a in arrays:
        if hasattr(a, "shape") or isinstance(a, np.generic):
            n = device_of(a).name
            if n not in names:
                names.append(n)
    if len(names) > 1:
        return TypeError(f"{name}: inputs are on different devices ({' and '.join(names)}); "
                         f"expected all on one device: move them with .to({names[-1]!r}) or "
                         f".to({names[0]!r})")
    return None


def seed_devices(seed):
    """Seed the generators of every device in use (CuPy's when it is loaded)."""
    if "cupy" in sys.modules:
        get_device("cuda")
    for device in _devices.values():
        if device.seed is not None:
            device.seed(seed)
