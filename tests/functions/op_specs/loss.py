"""Specs for the losses and accuracy: NumPy formulas of PyTorch's definitions
(reduction="mean")."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functions as F
from . import Case, OpSpec, array, is_edge, shape
from .activation import ref_log_softmax


def pair(y_lo=-3.0, y_hi=3.0, t_lo=-3.0, t_hi=3.0, keep=lambda y, t: True, min_dims=0):
    """Prediction and target of one (non-empty) shape."""
    @st.composite
    def draw_pair(draw):
        s = draw(shape(min_dims=min_dims, min_side=1))
        y = draw(array(s, y_lo, y_hi))
        t = draw(array(s, t_lo, t_hi))
        return Case((y, t))
    return draw_pair().filter(lambda c: keep(*c.arrays))


def binary_targets(lo, hi):
    """A prediction array and constant targets that are exactly 0 or 1."""
    return pair(lo, hi, 0.0, 1.0).map(lambda c: Case(c.arrays[:1], {"t": np.round(c.arrays[1])}))


def ref_huber(y, t, delta=1.0):
    d = np.abs(y - t)
    return np.mean(np.where(d < delta, 0.5 * d ** 2, delta * (d - 0.5 * delta)))


def ref_sigmoid_cross_entropy(x, t):
    p = 1 / (1 + np.exp(-x))
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


def ref_binary_cross_entropy(p, t):
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


@st.composite
def huber_cases(draw):
    delta = draw(st.sampled_from([None, 0.5, 2.0]))
    kwargs = {} if delta is None else {"delta": delta}
    d = 1.0 if delta is None else delta
    y, t = draw(pair()).arrays
    # Off the kink |y - t| = delta, where the derivative jumps: move y away
    # from t by 0.1 there (no filter, so nothing is thrown away).
    near = np.abs(np.abs(y - t) - d) <= 0.05
    y = np.where(near, y + 0.1 * np.where(y >= t, 1.0, -1.0), y)
    return Case((y, t), kwargs)


def _logit_shape(draw):
    """(C,), (N, C) or (N, C, d): classes on axis 1 (axis 0 when 1-D)."""
    n_classes = 1 if is_edge(draw) else draw(st.integers(2, 4))
    kind = draw(st.sampled_from(["batch", "spatial", "batch", "vector"]))
    if kind == "vector":
        return (n_classes,), 0
    if kind == "batch":
        return (draw(st.integers(2, 4)), n_classes), 1
    return (draw(st.integers(2, 3)), n_classes, draw(st.integers(2, 3))), 1


@st.composite
def label_cases(draw):
    s, axis = _logit_shape(draw)
    x = draw(array(s, -5, 5))
    label_shape = s[:axis] + s[axis + 1:]
    t = draw(hnp.arrays(np.int64, label_shape, elements=st.integers(0, s[axis] - 1)))
    return Case((x,), {"t": t})


@st.composite
def probability_cases(draw):
    s, axis = _logit_shape(draw)
    x = draw(array(s, -5, 5))
    t = draw(array(s, 0.0, 1.0))
    if draw(st.booleans()):  # rows summing to 1, as class probabilities do
        t = t + 0.01
        t = t / t.sum(axis=axis, keepdims=True)
    return Case((x, t))


def ref_ce_labels(x, t):
    axis = 1 if x.ndim >= 2 else 0
    picked = np.take_along_axis(ref_log_softmax(x, axis), np.expand_dims(t, axis), axis)
    return -np.mean(picked)


def ref_ce_probabilities(x, t):
    axis = 1 if x.ndim >= 2 else 0
    return -np.sum(t * ref_log_softmax(x, axis)) / (x.size // x.shape[axis])


@st.composite
def accuracy_cases(draw):
    n, c = draw(st.integers(2, 6)), draw(st.integers(2, 4))
    y = draw(array((n, c)))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    t = np.eye(c)[labels] if draw(st.booleans()) else labels
    return Case((y,), {"t": t})


def ref_accuracy(y, t):
    labels = t.argmax(axis=1) if t.ndim == 2 else t
    return np.mean(y.argmax(axis=1) == labels)


SPECS = [
    OpSpec("mean_squared_error", F.mean_squared_error, lambda y, t: np.mean((y - t) ** 2), pair()),
    OpSpec("huber_loss", F.huber_loss, ref_huber, huber_cases()),
    # Targets off 0 and 1 where they are differentiated (the numerical
    # gradient steps past them); exact 0/1 targets as constants.
    OpSpec("sigmoid_cross_entropy", F.sigmoid_cross_entropy, ref_sigmoid_cross_entropy,
           pair(-5, 5, 0.01, 0.99)),
    OpSpec("sigmoid_cross_entropy_binary_targets", F.sigmoid_cross_entropy, ref_sigmoid_cross_entropy,
           binary_targets(-5, 5), covers=("sigmoid_cross_entropy",)),
    OpSpec("binary_cross_entropy", F.binary_cross_entropy, ref_binary_cross_entropy,
           pair(0.05, 0.95, 0.01, 0.99)),
    OpSpec("binary_cross_entropy_binary_targets", F.binary_cross_entropy, ref_binary_cross_entropy,
           binary_targets(0.05, 0.95), covers=("binary_cross_entropy",)),
    OpSpec("softmax_cross_entropy_labels", F.softmax_cross_entropy, ref_ce_labels, label_cases(),
           covers=("softmax_cross_entropy",)),
    OpSpec("softmax_cross_entropy_probabilities", F.softmax_cross_entropy, ref_ce_probabilities,
           probability_cases(), covers=("softmax_cross_entropy",)),
    OpSpec("accuracy", F.accuracy, ref_accuracy, accuracy_cases(), grad=False),
]
