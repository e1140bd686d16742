"""A CPU stand-in for a GPU array library, strict the way CuPy is.

`StrictArray` wraps an ndarray and behaves like a CuPy array: NumPy's ufuncs
and functions dispatch to it (NEP 13/18) and return StrictArrays, but it
refuses to become a plain ndarray implicitly (`np.asarray(a)` is a
TypeError, as for CuPy) and refuses plain ndarrays mixed into its
operations. So any op that makes an array with NumPy out of nothing, or
converts its data to NumPy, fails on it, as it would on a GPU, without one.

Reading a value back to the host (`float(a)`, `bool(a)`, `a.item()`,
`.get()`) works but is counted in `SYNCS`: on a GPU each is a wait for the
device, and the training step's hot path must do none.

`register()` makes it the device "strict": `Variable.to("strict")`.
"""
import numpy as np

from minigrad.device import backend

SYNCS = [0]


def _unwrap(x, what):
    if type(x) is StrictArray:
        return x._a
    if type(x) is np.ndarray:
        raise TypeError(f"strict backend: {what} got a NumPy ndarray of shape {x.shape} mixed "
                        "with device arrays (CuPy refuses them too); make it on the device")
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v, what) for v in x)
    return x


def _wrap(x):
    if type(x) is np.ndarray:
        return StrictArray(x)
    if isinstance(x, np.generic) and not isinstance(x, np.dtype):
        return StrictArray(np.asarray(x))  # reductions give 0-d arrays, as CuPy's do
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a named tuple (slogdet's, eigh's ...)
        return type(x)(*(_wrap(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(_wrap(v) for v in x)
    return x


def _sync(a):
    SYNCS[0] += 1
    return a._a


class StrictArray:
    """An ndarray on the pretend device "strict". See the module docstring."""

    __slots__ = ("_a",)
    device = "strict"

    def __init__(self, a):
        self._a = a

    # NumPy's protocols: everything dispatches here and stays on the device.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        inputs = _unwrap(inputs, name)
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = _unwrap(out, name)
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        name = f"np.{func.__name__}"
        result = func(*_unwrap(args, name), **{k: _unwrap(v, name) for k, v in kwargs.items()})
        if "out" in kwargs and kwargs["out"] is not None:
            return kwargs["out"]
        return _wrap(result)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("strict backend: implicit conversion to a NumPy array is not allowed "
                        "(as for CuPy); copy to the host explicitly (minigrad.device.backend.to_host)")

    # host reads, counted
    def get(self):
        return _sync(self).copy()

    def item(self):
        return _sync(self).item()

    def tolist(self):
        return _sync(self).tolist()

    def __float__(self):
        return float(_sync(self))

    def __int__(self):
        return int(_sync(self))

    def __bool__(self):
        return bool(_sync(self))

    def __index__(self):
        return _sync(self).__index__()

    def __complex__(self):
        return complex(_sync(self))

    # metadata and methods
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    itemsize = property(lambda self: self._a.itemsize)
    T = property(lambda self: StrictArray(self._a.T))
    real = property(lambda self: StrictArray(self._a.real))
    imag = property(lambda self: StrictArray(self._a.imag))
    flags = property(lambda self: self._a.flags)
    base = property(lambda self: None if self._a.base is None else StrictArray(self._a.base))

    def __getattr__(self, name):
        if name.startswith("__"):  # no __array_interface__, __dlpack__ ...: no way to the host data
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args, **kwargs):
            what = f"ndarray.{name}"
            return _wrap(attr(*_unwrap(args, what), **{k: _unwrap(v, what) for k, v in kwargs.items()}))
        return method

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(v) for v in self._a)

    def __repr__(self):
        return f"StrictArray({self._a!r})"

    def __getitem__(self, index):
        return _wrap(self._a[_index(index)])

    def __setitem__(self, index, value):
        self._a[_index(index)] = _unwrap(value, "__setitem__")

    def __copy__(self):
        return StrictArray(self._a.copy())

    def __deepcopy__(self, memo):
        return StrictArray(self._a.copy())

    def __reduce__(self):
        raise TypeError("strict backend: cannot pickle a device array; copy it to the host first")


def _index(index):
    if type(index) is StrictArray:
        return index._a
    if isinstance(index, tuple):
        return tuple(v._a if type(v) is StrictArray else v for v in index)
    return index


def _operator(ufunc, reflected=False):
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


def _inplace(ufunc):
    def method(self, other):
        ufunc(self, other, out=(self,))
        return self
    return method


for _name, _ufunc in {"add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
                      "floordiv": np.floor_divide, "mod": np.remainder, "pow": np.power,
                      "matmul": np.matmul, "and": np.bitwise_and, "or": np.bitwise_or,
                      "xor": np.bitwise_xor, "lshift": np.left_shift, "rshift": np.right_shift}.items():
    setattr(StrictArray, f"__{_name}__", _operator(_ufunc))
    setattr(StrictArray, f"__r{_name}__", _operator(_ufunc, reflected=True))
    setattr(StrictArray, f"__i{_name}__", _inplace(_ufunc))
for _name, _ufunc in {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
                      "eq": np.equal, "ne": np.not_equal}.items():
    setattr(StrictArray, f"__{_name}__", _operator(_ufunc))
for _name, _ufunc in {"neg": np.negative, "pos": np.positive, "abs": np.absolute,
                      "invert": np.invert}.items():
    setattr(StrictArray, f"__{_name}__", lambda self, _u=_ufunc: _u(self))
StrictArray.__hash__ = None


class _StrictModule:
    """The array module of the strict device: numpy's functions, their
    results made on the device (np.zeros -> a StrictArray of zeros)."""

    def __getattr__(self, name):
        attr = getattr(np, name)
        if isinstance(attr, type) or not callable(attr):
            return attr

        def function(*args, **kwargs):
            what = f"np.{name}"
            return _wrap(attr(*_unwrap_any(args, what), **{k: _unwrap_any(v, what) for k, v in kwargs.items()}))
        return function


def _unwrap_any(x, what):
    # The module's own functions take device arrays and host data alike
    # (xp.asarray(a_list) makes a device array from host data).
    if type(x) is StrictArray:
        return x._a
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap_any(v, what) for v in x)
    return x


def _to_device(a):
    return StrictArray(np.array(a, copy=True))


def _to_host(a):
    return a.get()


DEVICE = backend.Device("strict", _StrictModule(), lambda t: issubclass(t, StrictArray),
                        _to_device, _to_host)


def register():
    """Make the strict backend the device "strict"."""
    return backend.register_device(DEVICE)
