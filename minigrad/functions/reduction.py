"""Reductions over axes: sum, mean, max, min (and more, below)."""
import numpy as np

from ..core import Function, backend
from .math import exp
from .shape import broadcast_to, concat, reshape, _axis_tuple


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


def fold_small_axes(ufunc, x, axes, dtype=None):
    """ufunc.reduce of the ndarray x over `axes` (keepdims), as a loop of
    elementwise ufunc calls over the slices along those axes. NumPy's own
    reduce is slow when the reduced axes are short and innermost (2x2
    pooling windows as axes (3, 5) of (N, C, oh, 2, ow, 2): 25x slower)."""
    index = [slice(None)] * x.ndim
    out = None
    for position in np.ndindex(*(x.shape[a] for a in axes)):
        for a, p in zip(axes, position):
            index[a] = slice(p, p + 1)
        part = x[tuple(index)]
        if out is None:
            out = part.astype(dtype or x.dtype)
        else:
            ufunc(out, part, out=out)
    return out


def short_last_axis(x_shape, axes, count):
    """k = the length of the last axis when a reduction over `axes` reduces
    it and it is short (k <= 4, at most 16 elements per output), else 0.
    Then NumPy's loops over x's innermost axis are only k long (slow):
    fold_small_axes reduces instead, and arrays of the reduced shape are
    repeated k times along the last axis (widen_last) before they meet x,
    so elementwise ops run over long contiguous rows."""
    if axes and axes[-1] == len(x_shape) - 1 and x_shape[-1] <= 4 and count <= 16:
        return x_shape[-1]
    return 0


def widen_last(a, k):
    """The ndarray a (last axis of length 1) repeated k times along it."""
    return np.concatenate([a] * k, axis=-1)


class Max(Reduction):
    """y = max of x over axes.   gx = gy where x is the maximum, 0 elsewhere
    (shared equally among ties: gy / (number of maxima) each)."""
    __slots__ = ()
    reduce = staticmethod(np.max)
    pairwise = np.maximum

    def forward(self, x):
        axes = self.prepare(x)
        if x.size == 0 and any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"{self.name}: cannot reduce an empty array of shape {x.shape} over axes {axes}")
        if short_last_axis(x.shape, axes, self.count()):
            y = fold_small_axes(self.pairwise, x, axes)
            return y if self.keepdims else y.reshape([n for i, n in enumerate(y.shape) if i not in axes])
        return self.reduce(x, axis=axes, keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        reduced = keepdims_shape(self.x_shape, self.axes)
        y = self.output_variable().data.reshape(reduced)
        k = short_last_axis(self.x_shape, self.axes, self.count())
        share = x.data == (widen_last(y, k) if k else y)  # bool: float * bool keeps gy's dtype
        if np.count_nonzero(share) != y.size:  # ties: divide each by its window's count
            share = self.tie_shares(share, gy.dtype if gy.dtype.kind in "fc" else np.float64, k)
        gy = reshape(gy, reduced)
        if k:  # broadcast by Mul along the other axes only
            return concat([gy] * k, axis=-1) * share
        return broadcast_to(gy, self.x_shape) * share

    def tie_shares(self, mask, dtype, k):
        """mask / (number of maxima in its window), in dtype."""
        share = mask.astype(dtype)
        if not k:
            return np.divide(share, share.sum(axis=self.axes, keepdims=True), out=share)
        # Count along the short last axis as one matrix product, then over the rest.
        ties = (share.reshape(-1, k) @ backend.get_array_module(share).ones(k, dtype)).reshape(
            self.x_shape[:-1] + (1,))
        if len(self.axes) > 1:
            ties = fold_small_axes(np.add, ties, self.axes[:-1])
        return np.divide(share, widen_last(ties, k), out=share)


class Min(Max):
    """y = min of x over axes.   gx = gy where x is the minimum, 0 elsewhere."""
    __slots__ = ()
    reduce = staticmethod(np.min)
    pairwise = np.minimum


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
