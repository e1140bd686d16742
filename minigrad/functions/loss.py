"""Loss functions, each reduced to a scalar by the mean (PyTorch's default
reduction="mean"), and the accuracy metric.

Targets `t` are constants unless given as Variables; a target given as an
ndarray is cast to the prediction's float dtype, so float32 stays float32.
Shapes must match exactly: broadcasting (N, 1) against (N,) would silently
compare every prediction with every target.
"""
import math

import numpy as np

from ..core import Function, Variable, as_array, as_variable
from .activation import log_softmax, softmax, softplus
from .math import abs, clip, log, where
from .reduction import mean, stable_logsumexp


def _as_target(t, like):
    """t as a Variable of `like`'s float dtype (a Variable t is kept as is)."""
    if isinstance(t, Variable):
        return t
    dtype = like.dtype if like.dtype.kind == "f" else np.float64
    return Variable(np.asarray(t, dtype=dtype), requires_grad=False)


def _check_same_shape(op, y, t, y_name="y"):
    if y.shape != t.shape:
        raise ValueError(
            f"{op}: {y_name} has shape {y.shape} but t has shape {t.shape}; expected the same shape")


def _check_unit_interval(op, name, a):
    data = as_array(a)
    outside = ~((data >= 0) & (data <= 1))  # NaN counts as outside
    if outside.any():
        i = tuple(int(k) for k in np.argwhere(outside)[0])
        raise ValueError(
            f"{op}: {name} must lie in [0, 1], got {data[i].item()!r} at index {i} (shape {data.shape})")


def mean_squared_error(y, t):
    """mean((y - t)**2) over all elements; y and t of the same shape."""
    y = as_variable(y)
    t = _as_target(t, y)
    _check_same_shape("mean_squared_error", y, t)
    d = y - t
    return mean(d * d)


def huber_loss(y, t, delta=1.0):
    """mean of 0.5 d**2 where |d| < delta, else delta (|d| - delta/2), with
    d = y - t (PyTorch's HuberLoss): squared near 0, linear far out."""
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    y = as_variable(y)
    t = _as_target(t, y)
    _check_same_shape("huber_loss", y, t)
    d = y - t
    small = np.abs(d.data) < delta
    return mean(where(small, d * d * 0.5, (abs(d) - 0.5 * delta) * delta))


def sigmoid_cross_entropy(logits, t):
    """Binary cross entropy of sigmoid(logits) against targets t in [0, 1],
    mean over all elements: mean(softplus(x) - x t), which equals
    -mean(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) without its
    overflow (PyTorch's BCEWithLogitsLoss)."""
    x = as_variable(logits)
    t = _as_target(t, x)
    _check_same_shape("sigmoid_cross_entropy", x, t, "logits")
    _check_unit_interval("sigmoid_cross_entropy", "targets t", t)
    return mean(softplus(x) - x * t)


# PyTorch's BCELoss clamps each log at -100, so p = 0 or 1 gives a large
# finite loss instead of inf; clipping p at exp(-100) does the same.
_LOG_FLOOR = math.exp(-100)


def binary_cross_entropy(p, t):
    """-mean(t log p + (1 - t) log(1 - p)) for probabilities p and targets t
    in [0, 1], each log clamped at -100 as PyTorch's BCELoss does."""
    p = as_variable(p)
    t = _as_target(t, p)
    _check_same_shape("binary_cross_entropy", p, t, "p")
    _check_unit_interval("binary_cross_entropy", "probabilities p", p)
    _check_unit_interval("binary_cross_entropy", "targets t", t)
    log_p = log(clip(p, _LOG_FLOOR, None))
    log_q = log(clip(1 - p, _LOG_FLOOR, None))
    return -mean(t * log_p + (1 - t) * log_q)


class SoftmaxCrossEntropy(Function):
    """loss = -1/M sum over positions of sum_c t_c log softmax(x)_c, classes
    on axis 1 (axis 0 for 1-D logits), M the number of positions (the batch
    size for (N, C) logits). Integer labels stand for one-hot t.

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
        return np.asarray(-total / self.positions(x.shape), dtype=log_p.dtype)

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
        one_hot = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(one_hot, self.labels, 1, self.axis)
        ggy = (ggx * (p - one_hot)).sum() / self.m
        return gx, ggy


def softmax_cross_entropy(logits, t):
    """Cross entropy of softmax(logits) against t, mean over the batch
    (PyTorch's CrossEntropyLoss). logits: (N, C) (or (N, C, d1, ...), or
    (C,)); t: integer class labels of shape (N,) (or (N, d1, ...), or ()),
    or one-hot / class probabilities of the logits' shape. One fused op,
    computed through log-softmax so large logits do not overflow."""
    x = as_variable(logits)
    if x.ndim == 0:
        raise ValueError("softmax_cross_entropy: logits must have a class axis, got a 0-d array")
    axis = 1 if x.ndim >= 2 else 0
    n_classes = x.shape[axis]
    label_shape = x.shape[:axis] + x.shape[axis + 1:]
    t_data = as_array(t)
    if t_data.shape == x.shape and t_data.shape != label_shape:
        return SoftmaxCrossEntropy(None, axis)(x, _as_target(t, x))
    if t_data.shape != label_shape:
        raise ValueError(
            f"softmax_cross_entropy: logits of shape {x.shape} need t of shape {label_shape} "
            f"(integer labels) or {x.shape} (one-hot or probabilities), got {t_data.shape}")
    if t_data.dtype.kind not in "iub":
        raise TypeError(
            f"softmax_cross_entropy: labels t must be integers, got dtype {t_data.dtype} "
            f"(convert with t.astype(int))")
    bad = (t_data < 0) | (t_data >= n_classes)
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(
            f"softmax_cross_entropy: label {int(t_data[i])} at index {i} is out of range for "
            f"{n_classes} classes; expected 0 <= t < {n_classes}")
    return SoftmaxCrossEntropy(t_data.astype(np.intp, copy=False), axis)(x)


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
    return Variable(np.asarray((y_data.argmax(axis=axis) == t_data).mean(), dtype=dtype))
