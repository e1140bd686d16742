"""Specs for the losses with PyTorch's names, and reduction= on every loss:
NumPy formulas of PyTorch's definitions, written independently of the
implementation (class axis moved last, one-hot targets)."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functions as F
from . import Case, OpSpec, array, floats, shape
from .activation import ref_log_softmax

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def ref_reduce(losses, reduction, divisor=None):
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.sum(losses)
    if reduction == "batchmean":
        return np.sum(losses) / (losses.shape[0] if losses.ndim else 1)
    return np.sum(losses) / (losses.size if divisor is None else divisor)


def elementwise_shape():
    """Mostly 1-3 axes of 2-3; rarely (the shared edge odds) 0-d or a size-1 axis."""
    return shape(min_dims=0, max_dims=3, min_side=1)


@st.composite
def pair_cases(draw, y_lo=-3.0, y_hi=3.0, t_lo=-3.0, t_hi=3.0, keep=lambda y, t: True, settings=None):
    """A prediction and a target of one shape (both differentiated), and a
    drawn reduction plus any settings drawn by `settings(draw)`."""
    s = draw(elementwise_shape())
    y = draw(array(s, y_lo, y_hi))
    t = draw(array(s, t_lo, t_hi).filter(lambda t: keep(y, t)))
    kwargs = {"reduction": draw(REDUCTIONS)}
    if settings is not None:
        kwargs.update(settings(draw))
    return Case((y, t), kwargs)


def ref_mse(y, t, reduction="mean"):
    return ref_reduce((y - t) ** 2, reduction)


def ref_l1(y, t, reduction="mean"):
    return ref_reduce(np.abs(y - t), reduction)


def ref_smooth_l1(y, t, reduction="mean", beta=1.0):
    d = np.abs(y - t)
    losses = d if beta == 0 else np.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta)
    return ref_reduce(losses, reduction)


def ref_huber(y, t, delta=1.0, reduction="mean"):
    d = np.abs(y - t)
    return ref_reduce(np.where(d < delta, 0.5 * d ** 2, delta * (d - 0.5 * delta)), reduction)


def away_from(points):
    """keep(y, t): |y - t| at least 0.05 from every kink in `points`."""
    return lambda y, t: all(np.all(np.abs(np.abs(y - t) - k) > 0.05) for k in points)


def smooth_l1_settings(draw):
    return {"beta": draw(st.sampled_from([1.0, 0.5, 2.0, 0.0]))}


@st.composite
def smooth_l1_cases(draw):
    settings = smooth_l1_settings(draw)
    case = draw(pair_cases(keep=away_from([0.0, settings["beta"]])))
    return Case(case.arrays, {**case.kwargs, **settings})


@st.composite
def huber_cases(draw):
    delta = draw(st.sampled_from([1.0, 0.5, 2.0]))
    case = draw(pair_cases(keep=away_from([delta])))
    return Case(case.arrays, {**case.kwargs, "delta": delta})


def ref_bce(p, t, weight=None, reduction="mean"):
    losses = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))
    return ref_reduce(losses if weight is None else losses * weight, reduction)


def ref_bce_with_logits(x, t, weight=None, pos_weight=None, reduction="mean"):
    log_p, log_q = -np.logaddexp(0, -x), -np.logaddexp(0, x)   # log sigmoid(x), log(1 - sigmoid(x))
    positive = t * log_p if pos_weight is None else pos_weight * t * log_p
    losses = -(positive + (1 - t) * log_q)
    return ref_reduce(losses if weight is None else losses * weight, reduction)


def trailing_shapes(s):
    """Shapes that broadcast to s without growing it: (), s's last axis, s."""
    return st.sampled_from([(), s[-1:], s]) if s else st.just(())


@st.composite
def binary_cases(draw, x_lo, x_hi, pos_weight):
    """x, targets off 0 and 1 (both differentiated), optional constant
    weight (and pos_weight) broadcasting to x."""
    case = draw(pair_cases(x_lo, x_hi, 0.02, 0.98))
    s = case.arrays[0].shape
    kwargs = dict(case.kwargs)
    if draw(st.booleans()):
        kwargs["weight"] = draw(array(draw(trailing_shapes(s)), 0.1, 2.0))
    if pos_weight and draw(st.booleans()):
        kwargs["pos_weight"] = draw(array(draw(trailing_shapes(s)), 0.1, 3.0))
    return Case(case.arrays, kwargs)


def ref_kl_div(log_q, p, reduction="mean", log_target=False):
    if log_target:
        losses = np.exp(p) * (p - log_q)
    else:
        losses = np.where(p != 0, p * np.log(np.where(p != 0, p, 1)), 0) - p * log_q
    return ref_reduce(losses, reduction)


@st.composite
def kl_div_cases(draw):
    log_target = draw(st.booleans())
    reduction = draw(st.sampled_from(["mean", "sum", "none", "batchmean"]))
    case = draw(pair_cases(-3.0, 0.0, *((-3.0, 0.0) if log_target else (0.05, 1.0))))
    return Case(case.arrays, {"reduction": reduction, "log_target": log_target})


# -- over a class axis ---------------------------------------------------------------

@st.composite
def logits_shape(draw):
    """(C,), (N, C), (N, C, d1) or (N, C, d1, d2), every side at least 2;
    returns the shape and its class axis."""
    n_classes = draw(st.integers(2, 4))
    extra = draw(st.sampled_from([None, 0, 0, 1, 2]))
    if extra is None:
        return (n_classes,), 0
    sides = tuple(draw(st.integers(2, 3)) for _ in range(extra))
    return (draw(st.integers(2, 4)), n_classes) + sides, 1


@st.composite
def labels_for(draw, s, axis, ignore_index):
    """Integer labels for logits of shape s, some equal to ignore_index,
    never all of them (a mean over no labels is nan)."""
    label_shape = s[:axis] + s[axis + 1:]
    labels = draw(hnp.arrays(np.int64, label_shape, elements=st.integers(0, s[axis] - 1)))
    if ignore_index is not None and labels.size > 1 and draw(st.booleans()):
        labels = np.where(draw(hnp.arrays(np.bool_, label_shape)), ignore_index, labels)
    if labels.flat[0] == ignore_index:   # ignore_index is -100 or 1 here
        labels.flat[0] = 0
    return labels


def class_settings(draw, n_classes, smoothing):
    kwargs = {"reduction": draw(REDUCTIONS)}
    if draw(st.booleans()):
        kwargs["weight"] = draw(array((n_classes,), 0.2, 2.0))
    if smoothing and draw(st.booleans()):
        kwargs["label_smoothing"] = draw(st.sampled_from([0.1, 0.3, 1.0]))
    return kwargs


@st.composite
def cross_entropy_label_cases(draw):
    s, axis = draw(logits_shape())
    kwargs = class_settings(draw, s[axis], smoothing=True)
    ignore_index = draw(st.sampled_from([None, -100, 1]))
    if ignore_index is not None and ignore_index != -100:
        kwargs["ignore_index"] = ignore_index
    kwargs["target"] = draw(labels_for(s, axis, -100 if ignore_index is None else ignore_index))
    return Case((draw(array(s, -5, 5)),), kwargs)


@st.composite
def cross_entropy_probability_cases(draw):
    s, axis = draw(logits_shape())
    kwargs = class_settings(draw, s[axis], smoothing=True)
    t = draw(array(s, 0.01, 1.0))
    t = t / t.sum(axis=axis, keepdims=True)
    return Case((draw(array(s, -5, 5)), t), kwargs)


@st.composite
def nll_cases(draw):
    s, axis = draw(logits_shape())
    kwargs = class_settings(draw, s[axis], smoothing=False)
    kwargs["target"] = draw(labels_for(s, axis, -100))
    return Case((draw(array(s, -4, 0)),), kwargs)


def ref_cross_entropy(x, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0,
                      log_probs=False):
    axis = 1 if x.ndim >= 2 else 0
    n_classes = x.shape[axis]
    log_p = np.moveaxis(x if log_probs else ref_log_softmax(x, axis), axis, -1)
    w = np.ones(n_classes) if weight is None else weight
    if target.shape == x.shape:   # class probabilities: mean over positions
        q = np.moveaxis(target, axis, -1) * (1 - label_smoothing) + label_smoothing / n_classes
        return ref_reduce(-np.sum(q * w * log_p, axis=-1), reduction)
    used = target != ignore_index
    labels = np.where(used, target, 0)
    q = np.eye(n_classes)[labels] * (1 - label_smoothing) + label_smoothing / n_classes
    losses = np.where(used, -np.sum(q * w * log_p, axis=-1), 0)
    return ref_reduce(losses, reduction, divisor=np.sum(w[labels] * used))


def ref_nll(x, target, weight=None, ignore_index=-100, reduction="mean"):
    return ref_cross_entropy(x, target, weight, ignore_index, reduction, log_probs=True)


@st.composite
def one_hot_cases(draw):
    s = draw(shape(min_dims=0, max_dims=3, min_side=1))
    n_classes = draw(st.integers(1, 5))
    labels = draw(hnp.arrays(np.int64, s, elements=st.integers(0, n_classes - 1)))
    kwargs = {} if draw(st.booleans()) else {"num_classes": n_classes + draw(st.integers(0, 2))}
    return Case((labels,), kwargs)


def ref_one_hot(labels, num_classes=-1):
    n = labels.max() + 1 if num_classes == -1 else num_classes
    return np.eye(n, dtype=np.int64)[labels]


@st.composite
def with_reduction(draw, cases):
    """An existing loss's cases plus a drawn reduction."""
    case = draw(cases)
    return Case(case.arrays, {**case.kwargs, "reduction": draw(REDUCTIONS)})


def plain_cross_entropy(case):
    """A cross_entropy case as softmax_cross_entropy takes it: labels as t,
    the reduction, no weights or label smoothing."""
    kwargs = {"reduction": case.kwargs["reduction"]}
    if "target" in case.kwargs:
        kwargs["t"] = case.kwargs["target"]
    return Case(case.arrays, kwargs)


def ref_softmax_cross_entropy(x, t, reduction="mean"):
    return ref_cross_entropy(x, t, reduction=reduction)


SPECS = [
    OpSpec("mse_loss", F.mse_loss, ref_mse, pair_cases()),
    OpSpec("mean_squared_error_reduction", F.mean_squared_error, ref_mse, pair_cases(),
           covers=("mean_squared_error",)),
    OpSpec("l1_loss", F.l1_loss, ref_l1, pair_cases(keep=away_from([0.0]))),
    OpSpec("smooth_l1_loss", F.smooth_l1_loss, ref_smooth_l1, smooth_l1_cases()),
    OpSpec("huber_loss_reduction", F.huber_loss, ref_huber, huber_cases(), covers=("huber_loss",)),
    OpSpec("binary_cross_entropy_weighted", F.binary_cross_entropy, ref_bce, binary_cases(0.05, 0.95, False),
           covers=("binary_cross_entropy",)),
    OpSpec("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, ref_bce_with_logits,
           binary_cases(-5, 5, True)),
    OpSpec("sigmoid_cross_entropy_reduction", F.sigmoid_cross_entropy, ref_bce_with_logits,
           pair_cases(-5, 5, 0.02, 0.98), covers=("sigmoid_cross_entropy",)),
    OpSpec("kl_div", F.kl_div, ref_kl_div, kl_div_cases()),
    OpSpec("cross_entropy_labels", F.cross_entropy, ref_cross_entropy, cross_entropy_label_cases(),
           covers=("cross_entropy",)),
    OpSpec("cross_entropy_probabilities", F.cross_entropy, ref_cross_entropy,
           cross_entropy_probability_cases(), covers=("cross_entropy",)),
    OpSpec("softmax_cross_entropy_reduction", F.softmax_cross_entropy, ref_softmax_cross_entropy,
           st.one_of(cross_entropy_probability_cases(), cross_entropy_label_cases()).map(plain_cross_entropy)
           .filter(lambda c: "t" not in c.kwargs or (c.kwargs["t"] >= 0).all()),
           covers=("softmax_cross_entropy",)),
    OpSpec("nll_loss", F.nll_loss, ref_nll, nll_cases()),
    OpSpec("one_hot", F.one_hot, ref_one_hot, one_hot_cases(), grad=False),
]
