"""Creation helpers with PyTorch's habits: `mg.tensor`, `mg.zeros(2, 3)`,
`mg.randn(4, requires_grad=True)` ...

Each returns a Variable that requires no grad unless `requires_grad=True`
(only floating dtypes may), and takes `dtype=`. Complex data, values and
dtypes are a TypeError (see `complex_error`). Floating results are float32
unless `dtype=` says otherwise. Shapes are given as PyTorch and NumPy users
write them: `zeros(2, 3)` and `zeros((2, 3))` alike. Random ones draw from
minigrad's generator (`mg.manual_seed` seeds it).
"""
import numpy as np

from ..device import backend
from ..device import random as rng
from ..device.dlpack import array_from_dlpack
from .variable import Variable, complex_error, shape_args

_DEFAULT_FLOAT = np.dtype(np.float32)


def _variable(what, data, requires_grad, device=None):
    if data.dtype.kind == "c":
        raise complex_error(what, data.dtype)
    if device is not None:  # made on the host, then copied: creation is not a hot path
        data = backend.to_device(data, device)
    if requires_grad and data.dtype.kind not in "fc":
        raise RuntimeError(
            f"{what}: only floating-point Variables can require grad; this one has dtype "
            f"{data.dtype} (pass dtype=np.float32)")
    return Variable(data, requires_grad=bool(requires_grad))


def _shape(what, shape):
    """zeros(2, 3) and zeros((2, 3)) alike: the shape as a tuple of ints."""
    shape = shape_args(shape)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{what}: a shape is non-negative ints, got {tuple(shape)}")
    negative = [n for n in shape if n < 0]
    if negative:  # NumPy's class for a negative dimension
        raise ValueError(f"{what}: a shape is non-negative ints, got {tuple(shape)}: size {negative[0]} is "
                         "negative")
    return tuple(int(n) for n in shape)


def as_dtype(what, dtype):
    """np.dtype(dtype), or a TypeError naming `what` and the bad (or complex) dtype."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{what}: dtype {dtype!r} is not a dtype; expected a NumPy dtype such as "
                        "np.float32 or 'float64'") from None
    if dtype.kind == "c":
        raise complex_error(what, dtype)
    return dtype


def _real(what, *values):
    """A TypeError naming `what` if a value (a number, list or array) is
    complex: a cast to a real dtype would drop its imaginary part silently."""
    for value in values:
        if np.iscomplexobj(value):
            raise complex_error(what, value)


def _float_dtype(what, dtype):
    return _DEFAULT_FLOAT if dtype is None else as_dtype(what, dtype)


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new Variable holding a copy of `data`: Python floats become float32,
    Python ints int64, an ndarray (or NumPy scalar, or Variable) keeps its
    dtype; `dtype=` overrides."""
    if isinstance(data, Variable):
        data = data.data
    _real("tensor", data)
    if hasattr(data, "shape") and backend.device_of(data) is not backend.CPU:  # a copy on its device
        copy = data.astype(data.dtype if dtype is None else dtype, copy=True)
        return _variable("tensor", copy, requires_grad, device)
    if dtype is not None:
        array = np.array(data, dtype=as_dtype("tensor", dtype))
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data)
    else:
        array = np.array(data)
        kind = array.dtype.kind
        if kind == "f":
            array = array.astype(_DEFAULT_FLOAT)
        elif kind in "iu":
            array = array.astype(np.int64)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"tensor: expected numbers, got {type(data).__name__} of dtype {array.dtype}")
    return _variable("tensor", array, requires_grad, device)


def from_numpy(array):
    """A Variable sharing memory with the ndarray `array` (changing one
    changes the other); requires no grad."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected an ndarray, got {type(array).__name__}")
    return _variable("from_numpy", array, False)


def from_dlpack(obj):
    """A Variable sharing memory with `obj`, any object with `__dlpack__`
    (a NumPy array, a PyTorch CPU tensor, a JAX/CuPy/TensorFlow CPU array,
    a Variable): the same shape, dtype and strides, no copy. Requires no
    grad (call `.requires_grad_()` to make it a leaf that does). See
    minigrad/device/dlpack.py."""
    return _variable("from_dlpack", array_from_dlpack(obj), False)


def zeros(*shape, dtype=None, requires_grad=False, device=None):
    """A Variable of zeros of `shape` (float32 by default)."""
    data = np.zeros(_shape("zeros", shape), _float_dtype("zeros", dtype))
    return _variable("zeros", data, requires_grad, device)


def ones(*shape, dtype=None, requires_grad=False, device=None):
    """A Variable of ones of `shape` (float32 by default)."""
    data = np.ones(_shape("ones", shape), _float_dtype("ones", dtype))
    return _variable("ones", data, requires_grad, device)


def empty(*shape, dtype=None, requires_grad=False, device=None):
    """A Variable of `shape` whose values are whatever memory held (float32 by default)."""
    data = np.empty(_shape("empty", shape), _float_dtype("empty", dtype))
    return _variable("empty", data, requires_grad, device)


def _fill_dtype(value, dtype):
    """PyTorch's dtype for full(): bool and int values keep their kind."""
    if not isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        raise TypeError(f"full: fill_value must be a number, got {type(value).__name__} {value!r}")
    _real("full", value)
    if dtype is not None:
        return as_dtype("full", dtype)
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return _DEFAULT_FLOAT


def full(shape, fill_value, dtype=None, requires_grad=False, device=None):
    """A Variable of `shape` filled with `fill_value` (float32 for a float,
    int64 for an int, bool for a bool, as PyTorch's)."""
    shape = _shape("full", (shape,) if isinstance(shape, (int, np.integer)) else (shape,))
    return _variable("full", np.full(shape, fill_value, _fill_dtype(fill_value, dtype)), requires_grad, device)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """Evenly spaced values in [start, stop), as np.arange: int64 when all
    arguments are ints, else float32."""
    if stop is None:
        start, stop = 0, start
    _real("arange", start, stop, step)
    if step == 0:
        raise ValueError(f"arange: step must not be 0, got arange({start}, {stop}, {step})")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if ints else _DEFAULT_FLOAT
    else:
        dtype = as_dtype("arange", dtype)
    return _variable("arange", np.arange(start, stop, step).astype(dtype), requires_grad, device)


def linspace(start, stop, num=50, dtype=None, requires_grad=False, device=None):
    """`num` evenly spaced values from start to stop inclusive (PyTorch's `steps`)."""
    (num,) = _shape("linspace", (num,))
    _real("linspace", start, stop)
    return _variable("linspace", np.linspace(start, stop, num).astype(_float_dtype("linspace", dtype)),
                     requires_grad, device)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    """The (n, m) identity matrix (m defaults to n)."""
    n, m = _shape("eye", (n, n if m is None else m))
    return _variable("eye", np.eye(n, m, dtype=_float_dtype("eye", dtype)), requires_grad, device)


def _random(what, draw, shape, dtype, requires_grad, device):
    dtype = _float_dtype(what, dtype)
    if dtype.kind != "f":
        raise TypeError(f"{what}: draws floats; dtype {dtype} is not a floating dtype")
    native = dtype if dtype in (np.float32, np.float64) else np.float64
    data = draw(rng.get_rng(), _shape(what, shape), native).astype(dtype, copy=False)
    return _variable(what, data, requires_grad, device)


def rand(*shape, dtype=None, requires_grad=False, device=None):
    """Uniform values in [0, 1) of `shape` (float32 by default)."""
    return _random("rand", lambda g, s, d: g.random(s, dtype=d), shape, dtype, requires_grad, device)


def randn(*shape, dtype=None, requires_grad=False, device=None):
    """Standard normal values of `shape` (float32 by default)."""
    return _random("randn", lambda g, s, d: g.standard_normal(s, dtype=d), shape, dtype, requires_grad,
                   device)


def normal(mean=0.0, std=1.0, size=None, dtype=None, requires_grad=False, device=None):
    """Normal values with mean `mean` and standard deviation `std` (numbers,
    or arrays/Variables that broadcast), of shape `size` (the broadcast shape
    of mean and std when None); float32 by default, as `torch.normal`. On
    `device`, or on the device of mean or std."""
    mean, std = _like(mean), _like(std)
    _real("normal", mean, std)
    if np.any(std < 0):
        raise ValueError(f"normal: std must be >= 0, got {std.min()}")
    size = None if size is None else _shape("normal", size)
    try:
        shape = np.broadcast_shapes(mean.shape, std.shape)
        if size is not None:
            if np.broadcast_shapes(shape, size) != size:
                raise ValueError
            shape = size
    except ValueError:
        raise ValueError(f"normal: mean of shape {mean.shape} and std of shape {std.shape} do not broadcast"
                         + ("" if size is None else f" to size {size}")) from None
    if device is None:
        device = next((d for d in map(backend.device_of, (mean, std)) if d is not backend.CPU), None)
    if device is not None:
        mean, std = backend.to_device(mean, device), backend.to_device(std, device)
    noise = _random("normal", lambda g, s, d: g.standard_normal(s, dtype=d), shape, dtype, False, device).data
    return _variable("normal", (mean + std * noise).astype(noise.dtype, copy=False), requires_grad)


def randint(low, high=None, size=None, dtype=None, requires_grad=False, device=None):
    """Random ints in [low, high) of shape `size` (int64): randint(low, high,
    size), or randint(high, size) as PyTorch allows."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint: expected randint(low, high, size) or randint(high, size)")
    size = _shape("randint", (size,) if isinstance(size, (int, np.integer)) else (size,))
    dtype = np.dtype(np.int64) if dtype is None else as_dtype("randint", dtype)
    if not low < high:
        raise ValueError(f"randint: low={low} must be less than high={high} (values are drawn from [low, high))")
    data = rng.get_rng().integers(low, high, size).astype(dtype)
    return _variable("randint", data, requires_grad, device)


def _like(x):
    return x.data if isinstance(x, Variable) else backend.asarray(x)


def zeros_like(x, dtype=None, requires_grad=False, device=None):
    """Zeros of x's shape and (unless `dtype=`) dtype."""
    return _variable("zeros_like", np.zeros_like(_like(x), dtype=dtype), requires_grad, device)


def ones_like(x, dtype=None, requires_grad=False, device=None):
    """Ones of x's shape and (unless `dtype=`) dtype."""
    return _variable("ones_like", np.ones_like(_like(x), dtype=dtype), requires_grad, device)


def empty_like(x, dtype=None, requires_grad=False, device=None):
    """Uninitialised values of x's shape and (unless `dtype=`) dtype."""
    return _variable("empty_like", np.empty_like(_like(x), dtype=dtype), requires_grad, device)


def full_like(x, fill_value, dtype=None, requires_grad=False, device=None):
    """`fill_value` everywhere, of x's shape and (unless `dtype=`) dtype."""
    _real("full_like", fill_value)
    return _variable("full_like", np.full_like(_like(x), fill_value, dtype=dtype), requires_grad, device)


def _like_float(what, x, dtype):
    data = _like(x)
    if dtype is None:
        dtype = data.dtype if data.dtype.kind == "f" else None
        if dtype is None:
            raise TypeError(f"{what}: x has dtype {data.dtype}; pass a floating dtype=")
    return data.shape, dtype


def rand_like(x, dtype=None, requires_grad=False, device=None):
    """Uniform values in [0, 1) of x's shape and (floating) dtype."""
    shape, dtype = _like_float("rand_like", x, dtype)
    device = backend.device_of(_like(x)) if device is None else device  # x's, as PyTorch's
    return rand(shape, dtype=dtype, requires_grad=requires_grad, device=device)


def randn_like(x, dtype=None, requires_grad=False, device=None):
    """Standard normal values of x's shape and (floating) dtype."""
    shape, dtype = _like_float("randn_like", x, dtype)
    device = backend.device_of(_like(x)) if device is None else device
    return randn(shape, dtype=dtype, requires_grad=requires_grad, device=device)
