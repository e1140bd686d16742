"""Training utilities (`nn.utils`, as PyTorch's `torch.nn.utils`): gradient
clipping by joint norm or by value.

Both replace each gradient with a fresh Variable rather than scaling it in
place: one gradient Variable may be shared by several parameters (an add's
backward hands the same gy to both inputs), and scaling it in place would
scale it twice.
"""
import numbers

import numpy as np

from ..core import Variable


def _parameter_list(who, params):
    if isinstance(params, Variable):
        return [params]
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{who}: expected a Variable or an iterable of Variables (model.parameters()), "
                        f"got {type(params).__name__}") from None
    for p in params:
        if not isinstance(p, Variable):
            raise TypeError(f"{who}: expected Variables, got a {type(p).__name__}")
    return params


def _check_real(who, name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")


def clip_grad_norm_(params, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale the gradients of `params` (a Variable or an iterable of them)
    together so that their joint `norm_type`-norm is at most `max_norm`, as
    PyTorch's `torch.nn.utils.clip_grad_norm_`: every grad is multiplied by
    `max_norm / (total_norm + 1e-6)` when that is below 1. The joint norm is
    the norm of the vector of every gradient element; `norm_type=inf` takes
    the largest absolute value. Parameters with no gradient are skipped.
    Returns the total norm before clipping, a float (0.0 with no gradients);
    with `error_if_nonfinite=True` a nan or inf total norm raises RuntimeError.
    """
    who = "clip_grad_norm_"
    params = _parameter_list(who, params)
    _check_real(who, "max_norm", max_norm)
    if not isinstance(norm_type, numbers.Real) or isinstance(norm_type, bool) or not norm_type > 0:
        raise ValueError(f"{who}: norm_type must be a number > 0 (or float('inf')), got {norm_type!r}")
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    if norm_type == np.inf:
        total_norm = max((float(np.max(np.abs(g.data))) for g in grads if g.data.size), default=0.0)
    else:
        # np.stack, not np.array: the norms may be 0-d arrays on a device. The
        # float() of the total is the one wait for a device that the returned number needs.
        norms = np.stack([np.linalg.norm(g.data.ravel(), ord=norm_type).astype(np.float64) for g in grads])
        total_norm = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise RuntimeError(f"{who}: the total norm of the gradients is {total_norm}; "
                           "pass error_if_nonfinite=False to clip anyway")
    coefficient = max_norm / (total_norm + 1e-6)
    if coefficient < 1:
        for p in params:
            if p.grad is not None:
                p.grad = Variable(p.grad.data * p.grad.data.dtype.type(coefficient))
    return total_norm


def clip_grad_value_(params, clip_value=None, *, value=None):
    """Clip every gradient of `params` elementwise into
    [-clip_value, clip_value], as PyTorch's `torch.nn.utils.clip_grad_value_`
    (`value=` is accepted for `clip_value`). Parameters with no gradient are
    skipped. Returns None."""
    who = "clip_grad_value_"
    if (clip_value is None) == (value is None):
        raise TypeError(f"{who}: give the bound once, as clip_value (or value)")
    clip_value = value if clip_value is None else clip_value
    params = _parameter_list(who, params)
    _check_real(who, "clip_value", clip_value)
    for p in params:
        if p.grad is not None:
            p.grad = Variable(np.clip(p.grad.data, -clip_value, clip_value).astype(p.grad.data.dtype, copy=False))
