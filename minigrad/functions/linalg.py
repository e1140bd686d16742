"""Matrix products."""
import math

import numpy as np

from ..core import Function
from .shape import reshape, sum_to, transpose


def _swap_last(x):
    """x with its last two axes swapped (matrix transpose, batched)."""
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes)


def _check_matmul(a_shape, b_shape):
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise ValueError(f"matmul: shapes {a_shape} and {b_shape}: operands must have at least 1 dimension")
    ka = a_shape[-1]
    kb = b_shape[-2] if len(b_shape) > 1 else b_shape[0]
    if ka != kb:
        dim_b = len(b_shape) - 2 if len(b_shape) > 1 else 0
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} are not aligned: "
            f"{ka} (dim {len(a_shape) - 1} of a) != {kb} (dim {dim_b} of b)")
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: batch shapes {a_shape[:-2]} and {b_shape[:-2]} of {a_shape} and {b_shape} "
            "do not broadcast") from None


class MatMul(Function):
    """y = a @ b (batched, broadcasting over leading axes; 1-D operands are
    promoted to a row / column as in NumPy).

        ga = gy @ b^T      gb = a^T @ gy
    """
    __slots__ = ()

    @property
    def name(self):
        return "matmul"

    def forward(self, a, b):
        _check_matmul(a.shape, b.shape)
        return np.matmul(a, b)

    def backward(self, gy):
        a, b = self.inputs
        a2 = reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
        b2 = reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        gy2 = reshape(gy, batch + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if self.needs_grad(0):
            ga = reshape(sum_to(matmul(gy2, _swap_last(b2)), a2.shape), a.shape)
        if self.needs_grad(1):
            gb = reshape(sum_to(matmul(_swap_last(a2), gy2), b2.shape), b.shape)
        return ga, gb


def matmul(a, b):
    """a @ b as np.matmul: batched and broadcasting."""
    return MatMul()(a, b)


class Linear(Function):
    """y = x @ W.T + b for W of shape (out, in), x of shape (..., in), b of
    shape (out,) or absent; y has shape (..., out).

        gx = gy @ W      gW = gy^T x (over all leading axes)      gb = sum gy
    """
    __slots__ = ()

    def forward(self, x, W, b=None):
        if W.ndim != 2:
            raise ValueError(f"linear: W must have shape (out_features, in_features), got {W.shape}")
        if x.ndim == 0 or x.shape[-1] != W.shape[1]:
            width = x.shape[-1] if x.ndim else "none (a 0-d array)"
            raise ValueError(
                f"linear: x of shape {x.shape} has {width} input features but W of shape "
                f"{W.shape} expects {W.shape[1]} (x.shape[-1] must equal W.shape[1])")
        if b is not None and b.shape != (W.shape[0],):
            raise ValueError(f"linear: b has shape {b.shape}, expected ({W.shape[0]},) to match W of shape {W.shape}")
        y = np.matmul(x, W.T)
        if b is not None:
            y += b  # y is a fresh array: add in place
        return y

    def backward(self, gy):
        x, W = self.inputs[0], self.inputs[1]
        rows = math.prod(x.shape[:-1])
        gx = matmul(gy, W) if self.needs_grad(0) else None
        gW = None
        if self.needs_grad(1):
            gW = matmul(transpose(reshape(gy, (rows, W.shape[0]))), reshape(x, (rows, W.shape[1])))
        if len(self.inputs) == 2:
            return gx, gW
        return gx, gW, sum_to(gy, (W.shape[0],)) if self.needs_grad(2) else None


def linear(x, W, b=None):
    """x @ W.T + b: the affine map of a fully connected layer. W has shape
    (out_features, in_features) as nn.Linear stores it; x has its features
    on the last axis, any leading axes are batch axes."""
    return Linear()(x, W) if b is None else Linear()(x, W, b)
