"""Reductions over axes: sum, mean, max, min (and more, below)."""
import numpy as np

from ..core import Function
from .math import exp
from .shape import broadcast_to, reshape, _axis_tuple


def _axes(op, axis, ndim):
    """`axis` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(_axis_tuple(op, axis, ndim)))


def stable_logsumexp(x, axes, keepdims=False):
    """log(sum(exp(x))) over `axes` of the ndarray x, without overflow:
    shifted by the maximum m, log(sum(exp(x - m))) + m. An all -inf (or
    empty) slice gives -inf."""
    m = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0).astype(m.dtype, copy=False)
    with np.errstate(divide="ignore"):
        y = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return y if keepdims else np.squeeze(y, axis=axes)


def keepdims_shape(x_shape, axes):
    """The shape of a reduction over `axes` of x_shape with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(x_shape))


def expand_reduced(gy, x_shape, axes):
    """Undo a reduction's shape: put the reduced axes back (size 1) and
    broadcast gy to x_shape. The shared backward of every reduction."""
    return broadcast_to(reshape(gy, keepdims_shape(x_shape, axes)), x_shape)


class Reduction(Function):
    """Common part of reductions: resolves `axis` once, in forward."""
    __slots__ = ("axis", "keepdims", "axes", "x_shape")

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def prepare(self, x):
        self.x_shape = x.shape
        self.axes = _axes(self.name, self.axis, x.ndim)
        return self.axes

    def count(self):
        """How many elements each output element reduces (at least 1, so
        dividing by it is safe on empty inputs)."""
        n = 1
        for a in self.axes:
            n *= self.x_shape[a]
        return n or 1

    def settings(self):
        return {"axis": self.axis, "keepdims": self.keepdims}


class Sum(Reduction):
    """y = sum of x over axes.   gx = gy broadcast back over those axes."""
    __slots__ = ()

    def forward(self, x):
        return np.sum(x, axis=self.prepare(x), keepdims=self.keepdims)

    def backward(self, gy):
        return expand_reduced(gy, self.x_shape, self.axes)


class Mean(Reduction):
    """y = mean of x over axes (n elements each).   gx = gy / n, broadcast."""
    __slots__ = ()

    def forward(self, x):
        return np.mean(x, axis=self.prepare(x), keepdims=self.keepdims)

    def backward(self, gy):
        return expand_reduced(gy, self.x_shape, self.axes) / self.count()


class Max(Reduction):
    """y = max of x over axes.   gx = gy where x is the maximum, 0 elsewhere
    (shared equally among ties)."""
    __slots__ = ()
    reduce = staticmethod(np.max)

    def forward(self, x):
        axes = self.prepare(x)
        if x.size == 0 and any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"{self.name}: cannot reduce an empty array of shape {x.shape} over axes {axes}")
        return self.reduce(x, axis=axes, keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output_variable().data.reshape(keepdims_shape(self.x_shape, self.axes))
        mask = x.data == y
        share = mask / mask.sum(axis=self.axes, keepdims=True)
        return expand_reduced(gy, self.x_shape, self.axes) * share.astype(x.dtype, copy=False)


class Min(Max):
    """y = min of x over axes.   gx = gy where x is the minimum, 0 elsewhere."""
    __slots__ = ()
    reduce = staticmethod(np.min)


class LogSumExp(Reduction):
    """y = log(sum(exp(x))) over axes, computed stably.
    gx = gy * exp(x - y) (softmax of x), gy and y broadcast back."""
    __slots__ = ()

    @property
    def name(self):
        return "logsumexp"

    def forward(self, x):
        return stable_logsumexp(x, self.prepare(x), self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        y = expand_reduced(self.output_variable(), self.x_shape, self.axes)
        return expand_reduced(gy, self.x_shape, self.axes) * exp(x - y)


class Var(Reduction):
    """y = mean((x - mean(x))**2) over axes (population variance, ddof=0).
    gx = gy * 2 (x - mean(x)) / n, n the number of elements reduced."""
    __slots__ = ()

    def forward(self, x):
        return np.var(x, axis=self.prepare(x), keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        centered = x - mean(x, self.axes, keepdims=True)
        return expand_reduced(gy, self.x_shape, self.axes) * centered * (2 / self.count())


def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (None: all axes)."""
    return Sum(axis, keepdims)(x)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (None: all axes)."""
    return Mean(axis, keepdims)(x)


def max(x, axis=None, keepdims=False):
    """Maximum over `axis` (None: all axes)."""
    return Max(axis, keepdims)(x)


def min(x, axis=None, keepdims=False):
    """Minimum over `axis` (None: all axes)."""
    return Min(axis, keepdims)(x)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis` (None: all axes), without overflow."""
    return LogSumExp(axis, keepdims)(x)


def var(x, axis=None, keepdims=False):
    """Population variance (ddof=0) over `axis` (None: all axes)."""
    return Var(axis, keepdims)(x)
