"""Specs for linear and the activation functions."""
import math

import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, is_edge, shape, unary, with_axis

_erf = np.vectorize(math.erf, otypes=[np.float64])


def ref_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def ref_gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / np.sqrt(2)))


def ref_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True)) if x.size else np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def ref_log_softmax(x, axis=-1):
    return np.log(ref_softmax(x, axis))


def ref_linear(x, W, b=None):
    y = x @ W.T
    return y if b is None else y + b


@st.composite
def linear_cases(draw):
    batch = draw(shape(min_dims=0, max_dims=2, max_side=3))
    n_in, n_out = draw(st.integers(2, 4)), draw(st.integers(2, 3))
    if is_edge(draw):   # no input features (an empty sum), or one output
        n_in, n_out = draw(st.sampled_from([(0, n_out), (n_in, 1)]))
    arrays = [draw(array(batch + (n_in,))), draw(array((n_out, n_in)))]
    if draw(st.booleans()):
        arrays.append(draw(array((n_out,))))
    return Case(tuple(arrays))


def axis_only(**kwargs):
    """One array of at least one dimension and an int axis (softmax-like ops)."""
    return with_axis(min_dims=1, keepdims=False, tuple_axes=False, allow_none=False, **kwargs)


SPECS = [
    OpSpec("linear", F.linear, ref_linear, linear_cases()),
    OpSpec("sigmoid", F.sigmoid, ref_sigmoid, unary(-6, 6)),
    OpSpec("sigmoid_large", F.sigmoid, ref_sigmoid, unary(-700, 700), covers=("sigmoid",), grad=False),
    OpSpec("relu", F.relu, lambda x: np.maximum(x, 0), unary(avoid=(0.0,))),
    OpSpec("leaky_relu", F.leaky_relu, lambda x, slope=0.2: np.where(x > 0, x, slope * x),
           st.tuples(unary(avoid=(0.0,)), st.sampled_from([None, 0.01, 0.2, 1.5])).map(
               lambda t: Case(t[0].arrays, {} if t[1] is None else {"slope": t[1]}))),
    OpSpec("elu", F.elu, lambda x, alpha=1.0: np.where(x > 0, x, alpha * (np.exp(x) - 1)),
           st.tuples(unary(avoid=(0.0,)), st.sampled_from([None, 0.5, 2.0])).map(
               lambda t: Case(t[0].arrays, {} if t[1] is None else {"alpha": t[1]}))),
    OpSpec("gelu", F.gelu, ref_gelu, st.tuples(unary(-4, 4), st.sampled_from(["none", "tanh"])).map(
        lambda t: Case(t[0].arrays, {"approximate": t[1]}))),
    OpSpec("softplus", F.softplus, lambda x: np.log1p(np.exp(x)), unary(-5, 5)),
    OpSpec("softmax", F.softmax, ref_softmax, axis_only()),
    OpSpec("softmax_default_axis", F.softmax, ref_softmax, shape(min_dims=1, min_side=1).flatmap(array).map(
        lambda a: Case((a,))), covers=("softmax",)),
    OpSpec("log_softmax", F.log_softmax, ref_log_softmax, axis_only(empty_ok=False)),
    OpSpec("identity", F.identity, lambda x: x, unary()),
]
