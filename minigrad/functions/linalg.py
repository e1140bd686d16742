"""Matrix products."""
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
        ga = reshape(sum_to(matmul(gy2, _swap_last(b2)), a2.shape), a.shape)
        gb = reshape(sum_to(matmul(_swap_last(a2), gy2), b2.shape), b.shape)
        return ga, gb


def matmul(a, b):
    """a @ b as np.matmul: batched and broadcasting."""
    return MatMul()(a, b)
