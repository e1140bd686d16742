"""Specs for linear and the activation functions."""
import math

import numpy as np
from hypothesis import strategies as st

import minigrad.functions as F
from . import Case, OpSpec, array, is_edge, shape, unary, with_axis
from . import elementwise

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
    """One array and an int axis (softmax-like ops); rarely 0-d, with axis 0
    or -1 as PyTorch allows (NumPy's reference then gets axis None)."""
    return with_axis(min_dims=0, keepdims=False, tuple_axes=False, allow_none=False, **kwargs)


def ref_glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * ref_sigmoid(b)


def ref_prelu(x, weight):
    slope = weight.reshape(()) if weight.size == 1 else weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return np.where(x > 0, x, slope * x)


def ref_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))


def ref_softplus(x):
    return np.logaddexp(0, x)


@st.composite
def hardtanh_cases(draw):
    bounds = draw(st.sampled_from([None, (-2.0, 0.5), (0.0, 6.0), (-0.5, -0.5)]))
    lo, hi = bounds or (-1.0, 1.0)
    case = draw(elementwise.unary(lo - 2, hi + 2, avoid=(lo, hi)))
    return Case(case.arrays, {} if bounds is None else {"min_val": lo, "max_val": hi})


@st.composite
def celu_cases(draw):
    case = draw(elementwise.unary(avoid=(0.0,)))
    alpha = draw(st.sampled_from([None, 0.5, 2.0]))
    return Case(case.arrays, {} if alpha is None else {"alpha": alpha})


@st.composite
def glu_cases(draw):
    """An array with an even size along `axis` (2 or 4), other sides 2 to 4."""
    sides = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    axis = draw(st.integers(-len(sides), len(sides) - 1))
    sides[axis] = draw(st.sampled_from([2, 4]))
    kwargs = {} if axis == -1 and draw(st.booleans()) else {"axis": axis}
    return Case((draw(array(tuple(sides))),), kwargs)


@st.composite
def prelu_cases(draw):
    """x of shape (N, C, ...) with C slopes or 1 slope; 1-d x with 1 slope."""
    if draw(st.integers(0, 4)) == 0:
        x_shape, n = (draw(st.integers(2, 5)),), 1
    else:
        x_shape = tuple(draw(st.lists(st.integers(2, 4), min_size=2, max_size=4)))
        n = draw(st.sampled_from([1, x_shape[1]]))
    return Case((draw(array(x_shape, avoid=(0.0,))), draw(array((n,), -1.0, 1.0))))


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
    OpSpec("relu6", F.relu6, lambda x: np.clip(x, 0, 6), elementwise.unary(-2.0, 8.0, avoid=(0.0, 6.0))),
    OpSpec("hardtanh", F.hardtanh, lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
           hardtanh_cases()),
    OpSpec("hardsigmoid", F.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1),
           elementwise.unary(-5.0, 5.0, avoid=(-3.0, 3.0))),
    OpSpec("hardswish", F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6,
           elementwise.unary(-5.0, 5.0, avoid=(-3.0, 3.0))),
    OpSpec("silu", F.silu, lambda x: x * ref_sigmoid(x), elementwise.unary(-5.0, 5.0)),
    OpSpec("mish", F.mish, lambda x: x * np.tanh(ref_softplus(x)), elementwise.unary(-5.0, 5.0)),
    OpSpec("selu", F.selu, lambda x: 1.0507009873554804934 * ref_elu(x, 1.6732632423543772848),
           elementwise.unary(avoid=(0.0,))),
    OpSpec("celu", F.celu, lambda x, alpha=1.0: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha)),
           celu_cases()),
    OpSpec("softsign", F.softsign, lambda x: x / (1 + np.abs(x)), elementwise.unary(avoid=(0.0,))),
    OpSpec("logsigmoid", F.logsigmoid, lambda x: -ref_softplus(-x), elementwise.unary(-6.0, 6.0)),
    OpSpec("logsigmoid_large", F.logsigmoid, lambda x: -ref_softplus(-x), elementwise.unary(-700.0, 700.0),
           covers=("logsigmoid",), grad=False),
    OpSpec("glu", F.glu, ref_glu, glu_cases()),
    OpSpec("prelu", F.prelu, ref_prelu, prelu_cases()),
]
