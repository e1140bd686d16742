"""Reductions over axes: sum, mean, max, min, logsumexp, var, std, prod,
norm, and the non-differentiable argmax, argmin, any, all."""
import builtins

import numpy as np

from ..device import backend
from ..core import Config, Function, Variable, as_array, as_variable
from ..core.ops import declare
from ._axes import axis_tuple, normalize_axis, shape_of
from .cast import astype
from .math import abs as _abs, exp, sqrt, where
from .linalg import SVD, svd
from .reorder import moveaxis
from .shape import broadcast_to, concat, expand_dims, reshape, squeeze, transpose


def _axes(op, axis, ndim):
    """`axis` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(axis_tuple(op, axis, ndim)))


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

    saves_for_backward = ()

    def backward(self, gy):
        return expand_reduced(gy, self.x_shape, self.axes)


class Mean(Reduction):
    """y = mean of x over axes (n elements each).   gx = gy / n, broadcast."""
    __slots__ = ()

    def forward(self, x):
        return np.mean(x, axis=self.prepare(x), keepdims=self.keepdims)

    saves_for_backward = ()

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
        if x.size == 0 and builtins.any(x.shape[a] == 0 for a in axes):
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
        # ties: divide each by its window's count (on a device always, rather than wait to count them;
        # 0-d arrays compare to a NumPy bool, which has no ties)
        on_host = type(share) is np.ndarray or type(share) is np.bool_
        if not on_host or np.count_nonzero(share) != y.size:
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
    """y = sum((x - mean(x))**2) / (n - ddof) over axes (ddof=0: the
    population variance).   gx = gy * 2 (x - mean(x)) / (n - ddof)."""
    __slots__ = ("ddof",)

    def __init__(self, axis=None, keepdims=False, ddof=0):
        super().__init__(axis, keepdims)
        self.ddof = ddof

    def forward(self, x):
        axes = self.prepare(x)
        if self.count() - self.ddof <= 0:
            raise ValueError(f"{self.name}: ddof={self.ddof} leaves no degrees of freedom for {self.count()} "
                             f"elements per output (shape {x.shape}, axes {axes})")
        return np.var(x, axis=axes, keepdims=self.keepdims, ddof=self.ddof)

    def backward(self, gy):
        (x,) = self.inputs
        centered = x - mean(x, self.axes, keepdims=True)
        return reshape(gy * (2 / (self.count() - self.ddof)), keepdims_shape(self.x_shape, self.axes)) * centered

    def settings(self):
        return dict(super().settings(), ddof=self.ddof)


class Std(Var):
    """y = sqrt(var(x)) over axes.   gx = gy (x - mean(x)) / ((n - ddof) y);
    0 where y = 0 (a constant slice, one element), as PyTorch's, also when
    differentiated again."""
    __slots__ = ()

    def forward(self, x):
        return np.sqrt(super().forward(x))

    def backward(self, gy):
        (x,) = self.inputs
        centered = x - mean(x, self.axes, keepdims=True)
        scale = divide_where_nonzero(gy, self.output_variable()) / (self.count() - self.ddof)
        return reshape(scale, keepdims_shape(self.x_shape, self.axes)) * centered


def divide_where_nonzero(gy, y, power=1):
    """gy / y**power, and 0 where y is 0: the gradient PyTorch gives std and
    norms where the spread or the vector is 0. Built from ops with y
    replaced by 1 there first, so differentiated again it is 0 there too
    (never inf * 0)."""
    zero = y.data == 0
    if backend.device_of(zero) is backend.CPU and not zero.any():  # (on a device: no wait to ask)
        return gy / y if power == 1 else gy / y ** power
    safe = where(zero, np.ones((), y.dtype), y)
    return where(zero, np.zeros((), y.dtype), gy / safe if power == 1 else gy / safe ** power)


class Prod(Reduction):
    """y = product of x over axes.   gx_i = gy * (product of the other
    elements of its slice): gy * y / x_i when no product is 0 (nor
    overflows), else from running products, so zeros in x are exact."""
    __slots__ = ()

    def forward(self, x):
        return np.prod(x, axis=self.prepare(x), keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output_variable()
        if not Config.enable_backprop and y.data.all() and np.isfinite(y.data).all():
            # No zero in x (a zero makes its product 0): gx = gy * y / x. Only
            # when this backward is not recorded: differentiated again, y / x
            # cancels catastrophically near x = 0, the running products do not.
            return reshape(gy * y, keepdims_shape(self.x_shape, self.axes)) / x
        rest = [a for a in range(len(self.x_shape)) if a not in self.axes]
        order = rest + list(self.axes)
        n = int(np.prod([self.x_shape[a] for a in self.axes]))
        moved = reshape(transpose(x, order) if order != sorted(order) else x,
                        tuple(self.x_shape[a] for a in rest) + (n,))
        others = reshape(ProdOthers()(moved), tuple(self.x_shape[a] for a in order))
        if order != sorted(order):
            others = transpose(others, tuple(int(i) for i in np.argsort(order)))
        return reshape(gy, keepdims_shape(self.x_shape, self.axes)) * others  # Mul broadcasts


class ProdOthers(Function):
    """y_i = product of x_k over k != i along the last axis: the whole
    product over x_i where no slice has a zero (nor overflows), else the
    running product from the left times the running product from the right
    (exact with zeros: no division).   gx_j = sum over i != j of gy_i * prod(x_k, k not in {i, j}),
    the same op applied to copies of x with a 1 put at each i in turn."""
    __slots__ = ()

    def forward(self, x):
        whole = np.prod(x, axis=-1, keepdims=True)
        if np.isfinite(whole).all() and whole.all():
            # No zero in any slice (and no overflow): the product over the
            # others is the whole product over x_i, two NumPy passes instead
            # of two running products.
            return whole / x
        left = np.ones_like(x)
        right = np.ones_like(x)
        if x.shape[-1] > 1:
            np.cumprod(x[..., :-1], axis=-1, out=left[..., 1:])
            right[..., :-1] = np.cumprod(x[..., :0:-1], axis=-1)[..., ::-1]
        return left * right

    def backward(self, gy):
        (x,) = self.inputs
        n = x.shape[-1]
        eye = np.eye(n, dtype=bool)
        one = np.ones((), dtype=x.dtype)
        pairs = ProdOthers()(where(eye, one, expand_dims(x, -2)))  # [..., i, j]: prod over k not in {i, j}
        return (expand_dims(gy, -1) * where(eye, np.zeros((), x.dtype), pairs)).sum(axis=-2)


class PNorm(Reduction):
    """y = (sum |x|**p)**(1/p) over axes (p = 2: the Euclidean norm).
    gx = gy * sign(x) |x|**(p-1) / y**(p-1); 0 where y = 0, and for p < 1
    where x = 0 (as PyTorch); differentiated again, 0 there too (and for
    p < 2 where x = 0) rather than PyTorch's NaN."""
    __slots__ = ("p",)

    def __init__(self, p, axis=None, keepdims=False):
        super().__init__(axis, keepdims)
        self.p = p

    def forward(self, x):
        axes = self.prepare(x)
        if self.p == 2 and axes == (x.ndim - 1,) and x.dtype.kind == "f":
            y = np.sqrt(np.einsum("...i,...i->...", x, x))  # no temporary x * x
            return y[..., None] if self.keepdims else y
        if self.p == 2:
            return np.sqrt(np.sum(x * x, axis=axes, keepdims=self.keepdims))
        return np.sum(np.abs(x) ** self.p, axis=axes, keepdims=self.keepdims) ** (1 / self.p)

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output_variable()
        # Scale on the reduced shape first, then one full-size product that
        # broadcasts it back (Mul's backward sums over the broadcast axes).
        reduced = keepdims_shape(self.x_shape, self.axes)
        if self.p == 2:
            return reshape(divide_where_nonzero(gy, y), reduced) * x
        scale = reshape(divide_where_nonzero(gy, y, self.p - 1), reduced)
        sign = as_variable(np.sign(x.data))   # a Variable: an array's operators would not reach a device's
        if self.p < 2:  # |x|**(p-1) is infinite at x = 0 for p < 1, its derivative for p < 2
            return scale * divide_where_nonzero(sign, _abs(x), 1 - self.p)
        return scale * (sign * _abs(x) ** (self.p - 1))

    def settings(self):
        return dict(super().settings(), ord=self.p)


@declare(Sum, numpy=np.sum, methods="sum", math=(r"y = \sum_i x_i",
                r"\frac{\partial y}{\partial x_i} = 1"))
def sum(x, axis=None, keepdims=False, dtype=None):
    """Sum over `axis` (None: all axes). dtype: x is cast to it first (as
    torch.sum(x, dtype=...); differentiable between float dtypes)."""
    if dtype is not None:
        x = astype(x, dtype)
    return Sum(axis, keepdims)(x)


@declare(Mean, numpy=np.mean, methods="mean", math=(r"y = \frac{1}{N}\sum_i x_i",
                r"\frac{\partial y}{\partial x_i} = \frac{1}{N}"))
def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (None: all axes)."""
    return Mean(axis, keepdims)(x)


@declare(Max, numpy=(np.max, np.amax), methods="max", math=(r"y = \max_i x_i",
                r"\frac{\partial y}{\partial x_i} = \frac{[x_i = y]}{\#\{j : x_j = y\}}"))
def max(x, axis=None, keepdims=False):
    """Maximum over `axis` (None: all axes)."""
    return Max(axis, keepdims)(x)


@declare(Min, numpy=(np.min, np.amin), methods="min", math=(r"y = \min_i x_i",
                r"\frac{\partial y}{\partial x_i} = \frac{[x_i = y]}{\#\{j : x_j = y\}}"))
def min(x, axis=None, keepdims=False):
    """Minimum over `axis` (None: all axes)."""
    return Min(axis, keepdims)(x)


@declare(LogSumExp, methods="logsumexp", math=(r"y = \log \sum_i e^{x_i}",
                r"\frac{\partial y}{\partial x_i} = \frac{e^{x_i}}{\sum_j e^{x_j}} = e^{x_i - y}"))
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis` (None: all axes), without overflow."""
    return LogSumExp(axis, keepdims)(x)


@declare(Var, numpy=np.var, methods="var", math=(r"y = \frac{1}{N - \mathit{ddof}}\sum_i (x_i - \bar x)^2",
                r"\frac{\partial y}{\partial x_i} = \frac{2\,(x_i - \bar x)}{N - \mathit{ddof}}"))
def var(x, axis=None, keepdims=False, ddof=0, correction=None):
    """Variance over `axis` (None: all axes), dividing by n - ddof: ddof=0
    (the default) is the population variance, ddof=1 the unbiased sample
    variance. `correction` is PyTorch's name for ddof."""
    return Var(axis, keepdims, _ddof("var", ddof, correction))(x)


@declare(Std, numpy=np.std, methods="std", math=(r"y = \sqrt{\frac{1}{N - \mathit{ddof}}\sum_i (x_i - \bar x)^2}",
                r"\frac{\partial y}{\partial x_i} = \frac{x_i - \bar x}{(N - \mathit{ddof})\,y}"))
def std(x, axis=None, keepdims=False, ddof=0, correction=None):
    """Standard deviation, sqrt(var(x, axis, keepdims, ddof)); `correction`
    is PyTorch's name for ddof (default 0 here, as NumPy's). Its gradient
    where the spread is 0 is 0, as PyTorch's."""
    return Std(axis, keepdims, _ddof("std", ddof, correction))(x)


def _ddof(op, ddof, correction):
    if correction is not None:
        if ddof not in (0, None):
            raise TypeError(f"{op}: got both ddof={ddof} and correction={correction} (PyTorch's name "
                            "for ddof); pass one")
        ddof = correction
    if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer, float)) or ddof < 0:
        raise ValueError(f"{op}: ddof must be a non-negative number, got {ddof!r}")
    return ddof


@declare(Prod, numpy=np.prod, methods="prod", math=(r"y = \prod_i x_i",
                r"\frac{\partial y}{\partial x_i} = \prod_{j \ne i} x_j"))
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis` (None: all axes). Its gradient is exact where x
    holds zeros. dtype: x is cast to it first (as torch.prod(x, dtype=...))."""
    if dtype is not None:
        x = astype(x, dtype)
    return Prod(axis, keepdims)(x)


@declare(Max, math=(r"y = \max_i x_i",
                r"\frac{\partial y}{\partial x_i} = \frac{[x_i = y]}{\#\{j : x_j = y\}}"))
def amax(x, axis=None, keepdims=False):
    """Maximum over `axis`, the same as max (NumPy's and PyTorch's name for
    the values-only maximum); ties share the gradient equally."""
    return Max(axis, keepdims)(x)


@declare(Min, math=(r"y = \min_i x_i",
                r"\frac{\partial y}{\partial x_i} = \frac{[x_i = y]}{\#\{j : x_j = y\}}"))
def amin(x, axis=None, keepdims=False):
    """Minimum over `axis`, the same as min; ties share the gradient equally."""
    return Min(axis, keepdims)(x)


@declare(PNorm, Sum, Max, Min, SVD, numpy=np.linalg.norm, methods="norm", math=(r"y = \Big(\sum_i |x_i|^p\Big)^{1/p}",
                r"\frac{\partial y}{\partial x_i} = \operatorname{sign}(x_i)\,\frac{|x_i|^{p-1}}{y^{p-1}}"))
def norm(x, ord=None, axis=None, keepdims=False):
    """A vector or matrix norm, as np.linalg.norm. axis None: the 2-norm of
    all elements (ord None), or, with ord, the vector norm of a 1-D x or the
    matrix norm of a 2-D x. An int axis: vector norms, ord None or 2
    (Euclidean), 1, inf (max |x|), -inf (min |x|), 0 (count of nonzeros,
    no gradient) or any other p. A pair of axes: matrix norms "fro" (or
    None), 1, -1, inf, -inf, and from the singular values 2 (the largest),
    -2 (the smallest) and "nuc" (their sum). The gradient of a 2-norm at 0 is 0, as PyTorch's."""
    ndim = len(shape_of(x))
    if axis is None:
        if ord is None:
            return PNorm(2, None, keepdims)(x)
        if ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} with axis=None needs a 1-D or 2-D array, got {ndim} "
                             "dimensions; pass axis")
        axis = tuple(range(ndim))
    axes = axis_tuple("norm", axis, ndim)
    if len(axes) == 1 or ndim == 0:  # a 0-d x: |x| (its axis 0 or -1 is a vector of one)
        return _vector_norm(x, ord, axes[0] if axes else (), keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis {axis!r} must be one axis (a vector norm) or two (a matrix norm)")


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return PNorm(2, axis, keepdims)(x)
    if isinstance(ord, str) or not np.isscalar(ord):
        raise ValueError(f"norm: ord={ord!r} is not a vector norm; expected a number, inf or -inf")
    if ord == np.inf:
        return Max(axis, keepdims)(_abs(x))
    if ord == -np.inf:
        return Min(axis, keepdims)(_abs(x))
    if ord == 0:
        data = as_array(x)
        if data.ndim == 0:  # np.linalg.norm takes no 0-d array: the count is whether x is nonzero
            count = (data != 0).astype(data.dtype if data.dtype.kind == "f" else np.float64)
        else:
            count = np.linalg.norm(data, 0, axis, keepdims)
        return Variable(count, requires_grad=False)
    if ord == 1:
        return sum(_abs(x), axis, keepdims)
    return PNorm(float(ord), axis, keepdims)(x)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    if ord in (None, "fro"):
        return PNorm(2, axes, keepdims)(x)
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer = (row, col) if ord in (1, -1) else (col, row)  # 1: max column sum; inf: max row sum
        pick = Max if ord in (1, np.inf) else Min
        y = pick(outer, True)(sum(_abs(x), inner, True))
        return y if keepdims else squeeze(y, axes)
    if ord in (2, -2, "nuc"):   # from the singular values: the largest, the smallest, their sum
        s = svd(moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        y = amax(s, -1) if ord == 2 else amin(s, -1) if ord == -2 else sum(s, -1)
        return expand_dims(y, tuple(sorted(axes))) if keepdims else y
    raise ValueError(f"norm: matrix norm ord={ord!r} is not supported; expected 'fro', 'nuc', 1, -1, 2, -2, "
                     "inf or -inf")


def _nd(op, fn, x, axis, keepdims, tuple_ok):
    """A non-differentiable reduction as a constant Variable, `axis` checked once."""
    data = as_array(x)
    if axis is not None:
        axis = (axis_tuple(op, axis, data.ndim) if tuple_ok and isinstance(axis, (tuple, list))
                else normalize_axis(op, axis, builtins.max(data.ndim, 1)))
    if op.startswith("arg") and data.size == 0:
        raise ValueError(f"{op}: the array of shape {data.shape} is empty; expected at least one element")
    return Variable(backend.get_array_module(data).asarray(fn(data, axis=axis, keepdims=keepdims)),
                    requires_grad=False)


@declare(methods="argmax")
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis` (None: into x flattened), int64; not differentiable."""
    return _nd("argmax", np.argmax, x, axis, keepdims, False)


@declare(methods="argmin")
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis` (None: into x flattened), int64; not differentiable."""
    return _nd("argmin", np.argmin, x, axis, keepdims, False)


@declare()
def any(x, axis=None, keepdims=False):
    """Whether any element along `axis` is nonzero (boolean); not differentiable."""
    return _nd("any", np.any, x, axis, keepdims, True)


@declare()
def all(x, axis=None, keepdims=False):
    """Whether every element along `axis` is nonzero (boolean); not differentiable."""
    return _nd("all", np.all, x, axis, keepdims, True)
