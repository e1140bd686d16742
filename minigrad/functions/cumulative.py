"""Running (cumulative) ops along an axis: cumsum, cumprod, logcumsumexp,
cummax, cummin. axis=None runs over x flattened, as NumPy's cumsum."""
import numpy as np

from ..device import backend
from ..core import Function, as_array
from ..core.ops import declare
from ._axes import normalize_axis, shape_of
from .indexing import TakeAlongAxis
from .math import exp, where
from .reduction import sum as _sum
from .reorder import moveaxis
from .shape import expand_dims, reshape


def _running(op, run, x, axis):
    """run(x, axis) for a running op: axis None runs over x flattened; a
    0-d x with axis 0 or -1 runs over its one element and stays 0-d, as
    in PyTorch."""
    if axis is None:
        return run(reshape(x, (-1,)), 0)
    ndim = len(shape_of(x))
    axis = normalize_axis(op, axis, max(ndim, 1))
    if ndim == 0:
        return reshape(run(reshape(x, (1,)), 0), ())
    return run(x, axis)


class Cumsum(Function):
    """y_i = sum of x_k for k <= i along `axis` (k >= i when reverse).
    gx = the same sum run the other way over gy."""
    __slots__ = ("axis", "reverse")

    def __init__(self, axis, reverse=False):
        self.axis = axis
        self.reverse = reverse

    def forward(self, x):
        if self.reverse:
            return np.flip(np.cumsum(np.flip(x, self.axis), self.axis), self.axis)
        return np.cumsum(x, self.axis)

    saves_for_backward = ()

    def backward(self, gy):
        return Cumsum(self.axis, not self.reverse)(gy)

    def settings(self):
        return {"axis": self.axis, "reverse": self.reverse}


class Cumprod(Function):
    """y_i = product of x_k for k <= i along `axis`.
    gx_i = sum over j >= i of gy_j * prod(x_k, k <= j, k != i): where x has
    no zeros, reverse_cumsum(gy * y) / x; with zeros, the products without
    x_i are formed explicitly (n x n per slice), so the result stays exact."""
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.cumprod(x, self.axis)

    def backward(self, gy):
        (x,) = self.inputs
        if np.all(x.data != 0):
            return Cumsum(self.axis, reverse=True)(gy * self.output_variable()) / x
        xt, gyt = moveaxis(x, self.axis, -1), moveaxis(gy, self.axis, -1)
        n = x.shape[self.axis]
        eye = np.eye(n, dtype=bool)
        without = Cumprod(-1)(where(eye, np.ones((), x.dtype), expand_dims(xt, -2)))  # [.., i, j]
        later = np.triu(np.ones((n, n), dtype=bool))  # j >= i
        gxt = _sum(where(later, without, np.zeros((), x.dtype)) * expand_dims(gyt, -2), axis=-1)
        return moveaxis(gxt, -1, self.axis)

    def settings(self):
        return {"axis": self.axis}


class LogCumSumExp(Function):
    """y_i = log(sum of exp(x_k) for k <= i) along `axis`, computed with
    np.logaddexp.accumulate (no overflow).
    gx_i = sum over j >= i of gy_j exp(x_i - y_j), formed as
    exp(x_i - s) * reverse_cumsum(gy_j exp(s - y_j)) with s the largest y,
    or, where y spans too wide a range for that, term by term."""
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.logaddexp.accumulate(x, axis=self.axis)

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output_variable()
        axis = self.axis
        if y.size == 0:
            return gy
        s = np.take(y.data, [-1], axis=axis)  # y is non-decreasing: its last value is its largest
        spread = np.max(s - np.take(y.data, [0], axis=axis))
        if np.isfinite(spread) and spread < np.log(np.finfo(y.dtype).max) / 2:
            # -(y - s), not s - y: a device array cannot take a Variable as right operand
            return exp(x - s) * Cumsum(axis, reverse=True)(gy * exp(-(y - s)))
        xt, yt, gyt = moveaxis(x, axis, -1), moveaxis(y, axis, -1), moveaxis(gy, axis, -1)
        n = x.shape[axis]
        later = np.tril(np.ones((n, n), dtype=bool))  # [.., j, i]: i <= j
        exponent = where(later, expand_dims(xt, -2) - expand_dims(yt, -1), np.asarray(-np.inf, x.dtype))
        gxt = _sum(expand_dims(gyt, -1) * exp(exponent), axis=-2)
        return moveaxis(gxt, -1, axis)

    def settings(self):
        return {"axis": self.axis}


@declare(Cumsum, numpy=np.cumsum, methods="cumsum")
def cumsum(x, axis=None):
    """Running sum along `axis` (None: over x flattened), as np.cumsum."""
    return _running("cumsum", lambda v, a: Cumsum(a)(v), x, axis)


@declare(Cumprod, numpy=np.cumprod)
def cumprod(x, axis=None):
    """Running product along `axis` (None: over x flattened), as np.cumprod.
    Its gradient is exact where x holds zeros."""
    return _running("cumprod", lambda v, a: Cumprod(a)(v), x, axis)


@declare(LogCumSumExp)
def logcumsumexp(x, axis):
    """Running log(sum(exp(x))) along `axis` without overflow, as torch.logcumsumexp
    (axis None: over x flattened)."""
    return _running("logcumsumexp", lambda v, a: LogCumSumExp(a)(v), x, axis)


def _gather_running_extreme(accumulate, x, axis):
    """The running maximum (or minimum) as x gathered at the position of
    the running extreme, so the gradient goes to that element (the latest
    one among ties, as PyTorch's)."""
    data = as_array(x)
    if data.size == 0:
        return TakeAlongAxis(axis, np.zeros(data.shape, dtype=np.intp))(x)
    extreme = accumulate(data, axis=axis)
    xp = backend.get_array_module(data)
    position = xp.arange(data.shape[axis]).reshape([-1 if d == axis else 1 for d in range(data.ndim)])
    index = np.maximum.accumulate(np.where(data == extreme, position, 0), axis=axis)
    return TakeAlongAxis(axis, index)(x)


@declare()
def cummax(x, axis):
    """Running maximum along `axis` (values), as torch.cummax(...).values
    (axis None: over x flattened)."""
    return _running("cummax", lambda v, a: _gather_running_extreme(np.maximum.accumulate, v, a), x, axis)


@declare()
def cummin(x, axis):
    """Running minimum along `axis` (values), as torch.cummin(...).values
    (axis None: over x flattened)."""
    return _running("cummin", lambda v, a: _gather_running_extreme(np.minimum.accumulate, v, a), x, axis)
