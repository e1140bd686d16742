"""Ops that move elements around without changing them: reshape, transpose,
broadcasting and its inverse `sum_to`, indexing. Their backward passes move
the gradient back the same way."""
import numpy as np

from ..core import Function, Variable


def _normalize_axis(op, axis, ndim):
    """`axis` as a non-negative int, or a clear error naming the op."""
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


class Reshape(Function):
    """y = x viewed with another shape.   gx = gy reshaped back."""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape an array of shape {x.shape} ({x.size} elements) "
                f"into shape {tuple(self.shape)}") from None

    def backward(self, gy):
        return reshape(gy, self.x_shape)

    def settings(self):
        return {"shape": tuple(self.shape)}


class Transpose(Function):
    """y = x with its axes permuted.   gx = gy permuted back."""
    __slots__ = ("axes",)

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        if self.axes is not None:
            axes = tuple(self.axes)
            if sorted(a % x.ndim if x.ndim else a for a in axes) != list(range(x.ndim)):
                raise ValueError(
                    f"transpose: axes {axes} are not a permutation of the {x.ndim} axes "
                    f"of an array of shape {x.shape}")
        return np.transpose(x, self.axes)

    def backward(self, gy):
        if self.axes is None:
            return transpose(gy)
        ndim = len(self.axes)
        inverse = np.argsort([a % ndim for a in self.axes])
        return transpose(gy, tuple(int(a) for a in inverse))

    def settings(self):
        return {"axes": self.axes}


class BroadcastTo(Function):
    """y = x repeated along broadcast axes.   gx = sum_to(gy, x.shape)"""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        try:
            return np.broadcast_to(x, self.shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {self.shape}") from None

    def backward(self, gy):
        return sum_to(gy, self.x_shape)

    def settings(self):
        return {"shape": self.shape}


def _sum_to_axes(x_shape, shape):
    """The axes to sum, and whether to keep them, to bring x_shape to shape."""
    lead = len(x_shape) - len(shape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, n in enumerate(shape):
        if n == x_shape[lead + i]:
            continue
        if n != 1:
            return None
        axes.append(lead + i)
    return tuple(axes), lead


class SumTo(Function):
    """y = x summed over the axes that broadcasting to x.shape added:
    the inverse of broadcast_to.   gx = broadcast_to(gy, x.shape)"""
    __slots__ = ("shape", "x_shape")

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        plan = _sum_to_axes(x.shape, self.shape)
        if plan is None:
            raise ValueError(
                f"sum_to: cannot sum shape {x.shape} down to {self.shape}; expected a shape "
                f"that broadcasts to {x.shape}")
        axes, lead = plan
        y = x.sum(axis=axes, keepdims=True) if axes else x
        return y.reshape(self.shape) if lead else y

    def backward(self, gy):
        return broadcast_to(gy, self.x_shape)

    def settings(self):
        return {"shape": self.shape}


def _is_advanced(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, (list, np.ndarray)) for p in parts)


def _plain_index(index):
    """Variables inside an index become their data."""
    if isinstance(index, Variable):
        return index.data
    if isinstance(index, tuple):
        return tuple(p.data if isinstance(p, Variable) else p for p in index)
    return index


class GetItem(Function):
    """y = x[index] (basic, slice or integer-array indexing).
    gx = zeros like x with gy added at `index`."""
    __slots__ = ("index", "x_shape")

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.x_shape = x.shape
        try:
            y = x[self.index]
        except IndexError as e:
            raise IndexError(f"get_item: index {self.index!r} is invalid for shape {x.shape}: {e}") from None
        return np.array(y) if not isinstance(y, np.ndarray) else y

    def backward(self, gy):
        return GetItemGrad(self.index, self.x_shape)(gy)

    def settings(self):
        return {"index": self.index}


class GetItemGrad(Function):
    """y = zeros(x_shape) with gy scattered (added) at `index`: the backward
    of get_item. Its own backward gathers again: ggy = ggx[index]."""
    __slots__ = ("index", "x_shape")

    def __init__(self, index, x_shape):
        self.index = index
        self.x_shape = x_shape

    def forward(self, gy):
        gx = np.zeros(self.x_shape, dtype=gy.dtype)
        if _is_advanced(self.index):
            np.add.at(gx, self.index, gy)  # repeated indices must add up
        else:
            gx[self.index] = gy
        return gx

    def backward(self, ggx):
        return get_item(ggx, self.index)

    def settings(self):
        return {"index": self.index}


def reshape(x, shape):
    """x with a new shape (one entry may be -1)."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return Reshape(shape)(x)


def transpose(x, axes=None):
    """x with axes permuted (reversed when axes is None)."""
    return Transpose(None if axes is None else tuple(axes))(x)


def broadcast_to(x, shape):
    """x broadcast to `shape` as np.broadcast_to (a differentiable copy)."""
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return BroadcastTo(shape)(x)


def sum_to(x, shape):
    """x summed down to `shape` (the inverse of broadcasting to x.shape)."""
    shape = tuple(shape)
    if isinstance(x, Variable) and x.data.shape == shape:
        return x
    return SumTo(shape)(x)


def get_item(x, index):
    """x[index]: integers, slices, None, Ellipsis, integer or boolean arrays."""
    return GetItem(_plain_index(index))(x)
