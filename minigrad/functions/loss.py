"""Loss functions and the accuracy metric.

Every loss computes one loss per element (or per position, for the
classification losses) and hands it to `_reduce`, the one place that applies
`reduction="mean" | "sum" | "none"` (PyTorch's names and default; kl_div
also takes "batchmean").

Targets `t` are constants unless given as Variables; a target given as an
ndarray is cast to the prediction's float dtype, so float32 stays float32.
Shapes must match exactly: broadcasting (N, 1) against (N,) would silently
compare every prediction with every target.

Arguments that follow PyTorch's deprecated `size_average` in its signatures
are keyword-only here, so a positional call that would mean something else
in PyTorch raises instead of running.
"""
import math

import numpy as np

from ..device import backend
from ..core import Function, Variable, as_array, as_variable
from ..core.ops import declare
from .activation import log_softmax, softmax, softplus
from .math import abs, exp, log, maximum, where
from .reduction import mean, stable_logsumexp, sum
from .shape import get_item

REDUCTIONS = ("mean", "sum", "none")


def _reduce(op, losses, reduction, divisor=None, extra=()):
    """losses (a Variable) reduced as `reduction` asks: "none" keeps them,
    "sum" adds them, "mean" divides the sum by `divisor` (the number of
    losses when None; the total class weight for cross_entropy and
    nll_loss), "batchmean" (only where `extra` allows it) by the batch size
    losses.shape[0]."""
    if reduction == "none":
        return losses
    if reduction == "sum":
        return sum(losses)
    if reduction == "mean":
        if divisor is None:
            return mean(losses)
        return sum(losses) / backend.asarray(divisor, losses.dtype, like=losses.data)
    if reduction == "batchmean" and reduction in extra:
        return sum(losses) / backend.asarray(losses.shape[0] if losses.ndim else 1, losses.dtype, like=losses.data)
    allowed = ", ".join(repr(r) for r in REDUCTIONS + tuple(extra))
    raise ValueError(f"{op}: reduction must be one of {allowed}, got {reduction!r}")


def _as_target(t, like):
    """t as a Variable of `like`'s float dtype (a Variable t is kept as is)."""
    if isinstance(t, Variable):
        return t
    dtype = like.dtype if like.dtype.kind == "f" else np.float64
    return Variable(backend.asarray(t, dtype, like=like.data), requires_grad=False)


def _check_same_shape(op, y, t, y_name="y"):
    if y.shape != t.shape:
        raise ValueError(
            f"{op}: {y_name} has shape {y.shape} but t has shape {t.shape}; expected the same shape")


def _prediction_and_target(op, y, t, y_name="y"):
    """y as a Variable and t as a target of y's dtype, of the same shape."""
    y = as_variable(y)
    t = _as_target(t, y)
    _check_same_shape(op, y, t, y_name)
    return y, t


def _check_unit_interval(op, name, a):
    data = as_array(a)
    outside = ~((data >= 0) & (data <= 1))  # NaN counts as outside
    if outside.any():
        i = tuple(int(k) for k in np.argwhere(outside)[0])
        raise ValueError(
            f"{op}: {name} must lie in [0, 1], got {data[i].item()!r} at index {i} (shape {data.shape})")


def _weight_like(op, weight, losses, name="weight"):
    """weight (an array or a Variable) as a Variable of the losses' dtype,
    checked to broadcast to the losses' shape (PyTorch's per-element weight
    and pos_weight of the binary losses)."""
    w = _as_target(weight, losses)
    try:
        fits = np.broadcast_shapes(w.shape, losses.shape) == losses.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{op}: {name} of shape {w.shape} does not broadcast to the input's shape "
                         f"{losses.shape}")
    return w


def _weighted(op, losses, weight):
    """losses * weight (broadcast), or losses when weight is None."""
    return losses if weight is None else losses * _weight_like(op, weight, losses)


# -- regression -----------------------------------------------------------------

def _squared_error(op, y, t, reduction):
    y, t = _prediction_and_target(op, y, t)
    d = y - t
    return _reduce(op, d * d, reduction)


@declare(functional=True, math=(r"L = \frac{1}{N}\sum_i (y_i - t_i)^2", r"\frac{\partial L}{\partial y_i} = \frac{2\,(y_i - t_i)}{N}"))
def mse_loss(y, t, *, reduction="mean"):
    """(y - t)**2 per element, reduced (PyTorch's mse_loss); y and t of the
    same shape."""
    return _squared_error("mse_loss", y, t, reduction)


@declare()
def mean_squared_error(y, t, *, reduction="mean"):
    """mse_loss under its longer name: mean((y - t)**2) by default."""
    return _squared_error("mean_squared_error", y, t, reduction)


@declare(functional=True)
def l1_loss(y, t, *, reduction="mean"):
    """|y - t| per element, reduced (PyTorch's l1_loss); the gradient at
    y == t is 0."""
    y, t = _prediction_and_target("l1_loss", y, t)
    return _reduce("l1_loss", abs(y - t), reduction)


def _huber(d, delta):
    """0.5 d**2 where |d| < delta, else delta (|d| - delta/2)."""
    small = np.abs(d.data) < delta
    inside = where(small, d, 0)   # squared only where small: no overflow far out
    return where(small, inside * inside * 0.5, (abs(d) - 0.5 * delta) * delta)


@declare()
def huber_loss(y, t, delta=1.0, *, reduction="mean"):
    """0.5 d**2 where |d| < delta, else delta (|d| - delta/2), with
    d = y - t, per element, reduced (PyTorch's huber_loss and HuberLoss):
    squared near 0, linear far out."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    y, t = _prediction_and_target("huber_loss", y, t)
    return _reduce("huber_loss", _huber(y - t, delta), reduction)


@declare(functional=True)
def smooth_l1_loss(y, t, *, reduction="mean", beta=1.0):
    """0.5 d**2 / beta where |d| < beta, else |d| - beta/2, with d = y - t,
    per element, reduced (PyTorch's smooth_l1_loss): huber_loss / beta, and
    l1_loss when beta = 0."""
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    y, t = _prediction_and_target("smooth_l1_loss", y, t)
    d = y - t
    losses = abs(d) if beta == 0 else _huber(d, beta) / beta
    return _reduce("smooth_l1_loss", losses, reduction)


def _xlogx(p):
    """p log p with 0 log 0 = 0 (and a zero gradient there, as PyTorch's
    xlogy): the inner where keeps log away from 0."""
    nonzero = as_array(p) != 0
    return where(nonzero, p * log(where(nonzero, p, 1)), 0)


@declare(functional=True)
def kl_div(log_q, p, *, reduction="mean", log_target=False):
    """Kullback-Leibler divergence per element, p (log p - log_q), reduced
    (PyTorch's kl_div): log_q holds log-probabilities, p probabilities (or
    log-probabilities with log_target=True); 0 log 0 counts as 0.
    reduction="batchmean" divides the sum by the batch size (the true KL
    divergence per sample); "mean" divides by the number of elements."""
    log_q, p = _prediction_and_target("kl_div", log_q, p, "log_q")
    if log_target:
        losses = exp(p) * (p - log_q)
    else:
        losses = _xlogx(p) - p * log_q
    return _reduce("kl_div", losses, reduction, extra=("batchmean",))


# -- binary classification -------------------------------------------------------

def _binary_cross_entropy_with_logits(op, logits, t, weight, pos_weight, reduction):
    x, t = _prediction_and_target(op, logits, t, "logits")
    _check_unit_interval(op, "targets t", t)
    # (1 - t) x + softplus(-x) = -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))),
    # without overflow, and without the cancellation of softplus(x) - t x at
    # large x (PyTorch's form).
    positive = softplus(-x)
    if pos_weight is not None:
        positive = positive * ((_weight_like(op, pos_weight, x, "pos_weight") - 1) * t + 1)
    losses = (1 - t) * x + positive
    return _reduce(op, _weighted(op, losses, weight), reduction)


@declare(functional=True)
def binary_cross_entropy_with_logits(logits, t, weight=None, *, pos_weight=None, reduction="mean"):
    """Binary cross entropy of sigmoid(logits) against targets t in [0, 1],
    per element, reduced (PyTorch's binary_cross_entropy_with_logits):
    -w (pos_weight t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), computed
    from the logits so large |x| neither overflows nor loses precision.
    weight broadcasts to the logits' shape; pos_weight (the weight of the
    positive term, per class on the last axis) too."""
    return _binary_cross_entropy_with_logits("binary_cross_entropy_with_logits", logits, t,
                                             weight, pos_weight, reduction)


@declare()
def sigmoid_cross_entropy(logits, t, *, reduction="mean"):
    """binary_cross_entropy_with_logits without weights: mean over all
    elements of -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))."""
    return _binary_cross_entropy_with_logits("sigmoid_cross_entropy", logits, t, None, None, reduction)


# PyTorch's BCELoss clamps each log at -100, so p = 0 or 1 gives a loss of at
# most 100 instead of inf, and floors p (1 - p) at 1e-12 in the gradient.
_LOG_FLOOR = -100.0
_GRAD_FLOOR = 1e-12


def _clamped_log_data(x):
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), _LOG_FLOOR)


class ClampedLog(Function):
    """y = max(log x, -100).   dy/dx = 1/x where log x > -100, else 0"""
    __slots__ = ()

    def forward(self, x):
        return _clamped_log_data(x)

    def backward(self, gy):
        (x,) = self.inputs
        kept = self.output_variable().data > _LOG_FLOOR
        # 1/x only where it is finite: at x = 0, inf * 0 would give nan.
        return where(kept, gy / where(kept, x, 1), 0)


class BinaryCrossEntropy(Function):
    """loss = -(t max(log p, -100) + (1 - t) max(log(1 - p), -100)),
    elementwise, as PyTorch's BCELoss:

        dloss/dp = (p - t) / max(p (1 - p), 1e-12)
        dloss/dt = max(log(1 - p), -100) - max(log p, -100)

    The floor keeps dloss/dp finite where p saturates (sigmoid(20) rounds
    to 1 in float32), so sigmoid's p (1 - p) = 0 carries it to 0 rather
    than inf * 0 = nan.
    """
    __slots__ = ()

    def forward(self, p, t):
        with np.errstate(divide="ignore"):
            log_q = np.maximum(np.log1p(-p), _LOG_FLOOR)
        return -(t * _clamped_log_data(p) + (1 - t) * log_q)

    def backward(self, gy):
        p, t = self.inputs
        gp = gt = None
        if self.needs_grad(0):
            gp = gy * (p - t) / maximum(p * (1 - p), _GRAD_FLOOR)
        if self.needs_grad(1):
            gt = gy * (ClampedLog()(1 - p) - ClampedLog()(p))
        return gp, gt


@declare(BinaryCrossEntropy, functional=True)
def binary_cross_entropy(p, t, weight=None, *, reduction="mean"):
    """-w (t log p + (1 - t) log(1 - p)) per element, for probabilities p
    and targets t in [0, 1], reduced (PyTorch's binary_cross_entropy): each
    log is clamped at -100, so saturated p gives finite losses and
    gradients. weight broadcasts to p's shape."""
    p, t = _prediction_and_target("binary_cross_entropy", p, t, "p")
    _check_unit_interval("binary_cross_entropy", "probabilities p", p)
    _check_unit_interval("binary_cross_entropy", "targets t", t)
    losses = BinaryCrossEntropy()(p, t)
    return _reduce("binary_cross_entropy", _weighted("binary_cross_entropy", losses, weight), reduction)


# -- classification over a class axis ------------------------------------------------

class SoftmaxCrossEntropy(Function):
    """loss = -1/M sum over positions of sum_c t_c log softmax(x)_c, classes
    on axis 1 (axis 0 for 1-D logits), M the number of positions (the batch
    size for (N, C) logits). Integer labels stand for one-hot t. The fused
    fast path of cross_entropy's default (reduction="mean", no weights).

        gx = (softmax(x) * sum_c t_c - t) * gy / M      gt = -log_softmax(x) * gy / M
    """
    __slots__ = ("labels", "axis")

    def __init__(self, labels, axis):
        self.labels = labels   # integer labels, or None when t is an input
        self.axis = axis

    def forward(self, x, t=None):
        log_p = x - stable_logsumexp(x, self.axis, keepdims=True)
        if self.labels is not None:
            picked = np.take_along_axis(log_p, np.expand_dims(self.labels, self.axis), self.axis)
            total = picked.sum()
        else:
            total = np.sum(t * log_p)
        return backend.get_array_module(log_p).asarray(-total / self.positions(x.shape), dtype=log_p.dtype)

    def positions(self, shape):
        return math.prod(shape[:self.axis] + shape[self.axis + 1:])

    def backward(self, gy):
        x = self.inputs[0]
        if self.labels is not None:
            return SoftmaxCrossEntropyGrad(self.labels, self.axis, self.positions(x.shape))(x, gy)
        t = self.inputs[1]
        scale = gy / self.positions(x.shape)
        p = softmax(x, axis=self.axis)
        gx = (p * t.sum(axis=self.axis, keepdims=True) - t) * scale
        return gx, -log_softmax(x, axis=self.axis) * scale

    def settings(self):
        return {"axis": self.axis}


class SoftmaxCrossEntropyGrad(Function):
    """gx = (softmax(x) - onehot(labels)) * gy / M: the backward of softmax
    cross entropy with integer labels, as one op (it runs on every training
    step). With p = softmax(x) and s = gy / M:

        d gx/d gy = (p - onehot) / M      d gx/d x . ggx = s p (ggx - sum_c ggx p)
    """
    __slots__ = ("labels", "axis", "m")

    def __init__(self, labels, axis, m):
        self.labels = np.expand_dims(labels, axis)
        self.axis = axis
        self.m = m

    def forward(self, x, gy):
        p = np.exp(x - stable_logsumexp(x, self.axis, keepdims=True))
        picked = np.take_along_axis(p, self.labels, self.axis)
        np.put_along_axis(p, self.labels, picked - 1, self.axis)
        p *= gy / self.m
        return p

    def backward(self, ggx):
        x, gy = self.inputs
        p = softmax(x, axis=self.axis)
        gx = p * (ggx - (ggx * p).sum(axis=self.axis, keepdims=True)) * (gy / self.m)
        one_hot = backend.get_array_module(x.data).zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(one_hot, self.labels, 1, self.axis)
        ggy = (ggx * (p - one_hot)).sum() / self.m
        return gx, ggy


def _class_axis(op, x, name):
    """Axis 1 holds the classes ((N, C), (N, C, d1, ...)); axis 0 of 1-D x."""
    if x.ndim == 0:
        raise ValueError(f"{op}: {name} must have a class axis, got a 0-d array")
    return 1 if x.ndim >= 2 else 0


def _labels(op, x, name, t, axis, ignore_index, probabilities_ok):
    """(labels, any_ignored): t as checked integer class labels and whether
    any equals ignore_index, or (None, False) when t holds class
    probabilities of x's shape (where probabilities_ok). On a device both
    checks cost one read back to the host, together."""
    t_data = as_array(t)
    n_classes = x.shape[axis]
    label_shape = x.shape[:axis] + x.shape[axis + 1:]
    if probabilities_ok and t_data.shape == x.shape and t_data.shape != label_shape:
        return None, False
    if t_data.shape != label_shape:
        alternative = f" or {x.shape} (one-hot or probabilities)" if probabilities_ok else ""
        raise ValueError(f"{op}: {name} of shape {x.shape} need t of shape {label_shape} "
                         f"(integer labels){alternative}, got {t_data.shape}")
    if t_data.dtype.kind not in "iub":
        raise TypeError(f"{op}: labels t must be integers, got dtype {t_data.dtype} "
                        f"(convert with t.astype(int))")
    bad = (t_data < 0) | (t_data >= n_classes)
    ignored = t_data == ignore_index if ignore_index is not None else None
    if ignored is not None:
        bad &= ~ignored
    flags = bad.any() if ignored is None else np.stack([bad.any(), ignored.any()])
    flags = backend.to_host(flags) if hasattr(flags, "shape") else flags
    any_bad, any_ignored = (bool(flags), False) if ignored is None else (bool(flags[0]), bool(flags[1]))
    if any_bad:
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        ignoring = "" if ignore_index is None else f" or t == ignore_index ({ignore_index})"
        raise ValueError(f"{op}: label {int(t_data[i])} at index {i} is out of range for {n_classes} "
                         f"classes; expected 0 <= t < {n_classes}{ignoring}")
    return t_data.astype(np.intp, copy=False), any_ignored


def _class_weight(op, weight, n_classes, dtype, x):
    """The per-class weight as an array (C,) of dtype on x's device, or None."""
    if weight is None:
        return None
    w = backend.to_device(as_array(weight, dtype).astype(dtype, copy=False), x.device)
    if w.shape != (n_classes,):
        raise ValueError(f"{op}: weight must have shape ({n_classes},), one per class, got {w.shape}")
    return w


def _along_class_axis(w, axis, ndim):
    """(C,) weights shaped to broadcast along the class axis of ndim-d x."""
    return w.reshape(w.shape + (1,) * (ndim - axis - 1))


def _negative_log_likelihood(log_p, labels, axis, weight, ignore_index, any_ignored):
    """-weight[t] log_p[t] at each position (0 where t == ignore_index),
    and their total weight (the divisor of PyTorch's mean)."""
    xp = backend.get_array_module(labels)
    ignored = labels == ignore_index if ignore_index is not None else xp.zeros(labels.shape, bool)
    safe = np.where(ignored, 0, labels)
    # np.indices(labels.shape, sparse=True), made where the labels live
    grids = [xp.arange(n).reshape((1,) * k + (n,) + (1,) * (labels.ndim - k - 1))
             for k, n in enumerate(labels.shape)]
    picked = get_item(log_p, tuple(grids[:axis]) + (safe,) + tuple(grids[axis:]))
    w = xp.ones(labels.shape, log_p.dtype) if weight is None else weight[safe]
    w = np.where(ignored, 0, w).astype(log_p.dtype, copy=False)
    losses = -picked if weight is None else -picked * w
    if any_ignored:   # where, not * 0: a picked -inf times 0 would be nan
        losses = where(ignored, 0, losses)
    return losses, w.sum(), ignored


def _cross_entropy(op, logits, t, weight, ignore_index, reduction, label_smoothing):
    x = as_variable(logits)
    axis = _class_axis(op, x, "logits")
    n_classes = x.shape[axis]
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must lie in [0, 1], got {label_smoothing}")
    weight = _class_weight(op, weight, n_classes, x.dtype if x.dtype.kind == "f" else np.float64, x)
    plain = weight is None and label_smoothing == 0 and reduction == "mean"
    labels, any_ignored = _labels(op, x, "logits", t, axis, ignore_index, probabilities_ok=True)
    if labels is None:
        if ignore_index is not None and ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index={ignore_index} is not supported with class-probability "
                             f"targets (t of the logits' shape {x.shape})")
        t = _as_target(t, x)
        if plain:
            return SoftmaxCrossEntropy(None, axis)(x, t)   # the fused fast path
        if label_smoothing:
            t = t * (1 - label_smoothing) + label_smoothing / n_classes
        if weight is not None:
            t = t * _along_class_axis(weight, axis, x.ndim)
        return _reduce(op, -(log_softmax(x, axis) * t).sum(axis=axis), reduction)
    if plain and not any_ignored:
        return SoftmaxCrossEntropy(labels, axis)(x)        # the fused fast path
    log_p = log_softmax(x, axis)
    losses, total_weight, ignored = _negative_log_likelihood(log_p, labels, axis, weight, ignore_index,
                                                             any_ignored)
    if label_smoothing:
        # PyTorch's: the uniform part -sum_c w_c log p_c, divided by the same total weight.
        w = 1 if weight is None else _along_class_axis(weight, axis, x.ndim)
        uniform = where(ignored, 0, -(log_p * w).sum(axis=axis))
        losses = losses * (1 - label_smoothing) + uniform * (label_smoothing / n_classes)
    return _reduce(op, losses, reduction, divisor=total_weight)


@declare(SoftmaxCrossEntropy, functional=True)
def cross_entropy(logits, target, weight=None, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross entropy of softmax(logits) against target, as PyTorch's
    cross_entropy. logits: (N, C), (N, C, d1, ...) or (C,), classes on
    axis 1 (axis 0 of 1-D logits). target: integer class labels of shape (N,),
    (N, d1, ...) or () (labels equal to ignore_index count for nothing), or
    class probabilities of the logits' shape. weight: (C,) per-class
    weights; the mean over labels is weighted, divided by the total weight
    of the labels used. label_smoothing eps mixes the targets with the
    uniform distribution: (1 - eps) t + eps / C."""
    return _cross_entropy("cross_entropy", logits, target, weight, ignore_index, reduction, label_smoothing)


@declare(SoftmaxCrossEntropy, math=(r"L = -\frac{1}{N}\sum_n \log \operatorname{softmax}(z_n)_{t_n}",
                r"\frac{\partial L}{\partial z_n} = \frac{\operatorname{softmax}(z_n) - \operatorname{onehot}(t_n)}{N}"
                r"\quad(t_n \text{ integer labels, which get no gradient; for probabilities } t_n"
                r"\text{ replaces the one-hot})"))
def softmax_cross_entropy(logits, t, *, reduction="mean"):
    """cross_entropy without weights, ignore_index or label smoothing:
    mean over positions of -log softmax(logits) at the label (or
    -sum_c t_c log softmax(logits)_c for probabilities t of the logits'
    shape). One fused op by default, computed through log-softmax so large
    logits do not overflow."""
    return _cross_entropy("softmax_cross_entropy", logits, t, None, None, reduction, 0.0)


@declare(functional=True)
def nll_loss(log_probs, target, weight=None, *, ignore_index=-100, reduction="mean"):
    """Negative log likelihood -weight[t] log_probs[t] at each position, as
    PyTorch's nll_loss: log_probs (N, C), (N, C, d1, ...) or (C,) (classes
    on axis 1, axis 0 when 1-D), target integer labels of the other axes' shape.
    Labels equal to ignore_index count for nothing; "mean" divides by the
    total weight of the labels used."""
    x = as_variable(log_probs)
    axis = _class_axis("nll_loss", x, "log_probs")
    weight = _class_weight("nll_loss", weight, x.shape[axis], x.dtype if x.dtype.kind == "f" else np.float64, x)
    labels, any_ignored = _labels("nll_loss", x, "log_probs", target, axis, ignore_index, probabilities_ok=False)
    losses, total_weight, _ = _negative_log_likelihood(x, labels, axis, weight, ignore_index, any_ignored)
    return _reduce("nll_loss", losses, reduction, divisor=total_weight)


@declare(functional=True)
def one_hot(labels, num_classes=-1):
    """labels (any shape, integers) as one-hot rows: an int64 Variable of
    shape labels.shape + (num_classes,), 1 at each label. num_classes=-1
    takes max(labels) + 1. Not differentiable."""
    data = as_array(labels)
    if data.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {data.dtype}")
    if (data < 0).any():
        i = tuple(int(k) for k in np.argwhere(data < 0)[0])
        raise ValueError(f"one_hot: labels must be non-negative, got {int(data[i])} at index {i}")
    if num_classes == -1:
        if data.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty labels; pass num_classes")
        num_classes = int(data.max()) + 1
    too_large = data >= num_classes
    if too_large.any():
        i = tuple(int(k) for k in np.argwhere(too_large)[0])
        raise ValueError(f"one_hot: label {int(data[i])} at index {i} is out of range for "
                         f"num_classes={num_classes}; expected 0 <= label < {num_classes}")
    encoded = (data[..., None] == backend.get_array_module(data).arange(num_classes)).astype(np.int64)
    return Variable(encoded, requires_grad=False)


@declare()
def accuracy(y, t):
    """The fraction of rows whose largest score in y is the class in t, as a
    0-d Variable (not differentiable; use float(acc.item()) for a number).
    y: scores (N, C) (classes on axis 1, or axis 0 for 1-D y); t: integer
    labels (N,) or one-hot of y's shape."""
    y_data = as_array(y)
    t_data = as_array(t)
    if y_data.ndim == 0:
        raise ValueError("accuracy: y must have a class axis, got a 0-d array")
    axis = 1 if y_data.ndim >= 2 else 0
    label_shape = y_data.shape[:axis] + y_data.shape[axis + 1:]
    if t_data.shape == y_data.shape and t_data.shape != label_shape:
        t_data = t_data.argmax(axis=axis)
    elif t_data.shape != label_shape:
        raise ValueError(
            f"accuracy: y of shape {y_data.shape} needs t of shape {label_shape} (labels) "
            f"or {y_data.shape} (one-hot), got {t_data.shape}")
    dtype = y_data.dtype if y_data.dtype.kind == "f" else np.float64
    xp = backend.get_array_module(y_data)
    return Variable(xp.asarray((y_data.argmax(axis=axis) == t_data).mean(), dtype=dtype))
