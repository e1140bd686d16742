"""Gradient clipping."""
import numpy as np

from ..core import Variable


def clip_grad_norm_(params, max_norm, norm_type=2.0):
    """Scale the gradients of `params` (a Variable or an iterable of them)
    together so that their joint norm is at most `max_norm`, as PyTorch's
    `torch.nn.utils.clip_grad_norm_`: every grad is multiplied by
    `max_norm / (total_norm + 1e-6)` when that is below 1. Parameters with no
    gradient are skipped. `norm_type` is p of the p-norm (`float("inf")` for
    the largest absolute value). Returns the total norm before clipping, a float.
    """
    params = [params] if isinstance(params, Variable) else list(params)
    grads = [p.grad for p in params if p.grad is not None]
    if max_norm < 0 or norm_type <= 0:
        raise ValueError(
            f"clip_grad_norm_: expected max_norm >= 0 and norm_type > 0, got "
            f"max_norm={max_norm} and norm_type={norm_type}")
    if not grads:
        return 0.0
    if norm_type == np.inf:
        total_norm = max(float(np.max(np.abs(g.data), initial=0.0)) for g in grads)
    else:
        norms = [np.linalg.norm(g.data.ravel(), ord=norm_type) for g in grads]
        total_norm = float(np.linalg.norm(np.array(norms, dtype=np.float64), ord=norm_type))
    coefficient = max_norm / (total_norm + 1e-6)
    if coefficient < 1:
        # Fresh arrays rather than in-place scaling: a gradient Variable may be
        # shared by several parameters (an add's backward hands gy to both inputs).
        for p in params:
            if p.grad is not None:
                p.grad = Variable(p.grad.data * np.asarray(coefficient, dtype=p.grad.data.dtype))
    return total_norm
