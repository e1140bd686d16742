"""PyTorch's names for dtypes, constants, `Size` and `device`:
`import minigrad as torch` then `dtype=torch.long`, `torch.pi`,
`torch.device("cuda", 0)`.

The dtypes are NumPy's (`torch.float32 is np.dtype("float32")`), so they
go wherever NumPy takes a dtype. `bfloat16` comes from the `ml_dtypes`
package (NumPy has none); without it, using it raises naming the package.
"""
import builtins
import math

import numpy as np

float16 = half = np.dtype(np.float16)
float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)
int64 = long = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)
complex64 = cfloat = np.dtype(np.complex64)
complex128 = cdouble = np.dtype(np.complex128)

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan


class MissingDtype:
    """A dtype whose package is not installed: any use raises saying which."""

    def __init__(self, name, package):
        self.name, self.package = name, package

    @property
    def dtype(self):
        raise TypeError(f"{self.name}: NumPy has no {self.name}; it comes from the {self.package!r} "
                        f"package (pip install {self.package}), or use float16 or float32")

    def __repr__(self):
        return f"<{self.name}: needs the {self.package} package>"


try:
    import ml_dtypes
    bfloat16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:
    bfloat16 = MissingDtype("bfloat16", "ml_dtypes")


class Size(tuple):
    """torch.Size: a shape, a tuple of ints."""

    def numel(self):
        """The number of elements of an array of this shape."""
        return math.prod(self)


class device(str):
    """torch.device("cpu"), torch.device("cuda", 0), torch.device("cuda:0"):
    a device name (a str, so it goes wherever minigrad takes one) with
    PyTorch's `.type` and `.index`."""

    def __new__(cls, type, index=None):
        if isinstance(type, device):
            return type
        name = type if index is None else f"{type}:{index}"
        self = str.__new__(cls, name)
        self.type, _, rest = name.partition(":")
        self.index = index if index is not None else (builtins.int(rest) if rest else None)
        return self

    def __repr__(self):
        return f"device(type={self.type!r}" + ("" if self.index is None else f", index={self.index}") + ")"
