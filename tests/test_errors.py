"""Bad input gives an error a learner can act on: the exception type says
what kind of mistake it is, and the message names the op, the shapes or
values involved and what was expected, instead of a bare NumPy traceback."""
import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F


def ones(*shape):
    return mg.Variable(np.ones(shape))


def raises(error, *fragments):
    """pytest.raises(error) whose message contains every fragment, in order."""
    return pytest.raises(error, match=".*".join(re.escape(f) for f in fragments))


# (id, call, exception type, message fragments in order)
CASES = [
    ("broadcast", lambda: ones(2, 3) + ones(4), ValueError,
     ["add: shapes (2, 3) and (4,) do not broadcast"]),
    ("broadcast_ndarrays", lambda: F.mul(np.ones((2, 3)), np.ones((2, 2))), ValueError,
     ["mul: shapes (2, 3) and (2, 2) do not broadcast"]),
    ("matmul", lambda: ones(3, 4) @ ones(5, 2), ValueError,
     ["matmul: shapes (3, 4) and (5, 2) are not aligned: 4 (dim 1 of a) != 5 (dim 0 of b)"]),
    ("matmul_batch", lambda: F.matmul(ones(2, 3, 4), ones(3, 4, 2)), ValueError,
     ["matmul: batch shapes (2,) and (3,)"]),
    ("linear_width", lambda: F.linear(ones(8, 3), ones(4, 5)), ValueError,
     ["linear: x of shape (8, 3) has 3 input features but W of shape (4, 5) expects 5"]),
    ("linear_bias", lambda: F.linear(ones(8, 3), ones(4, 3), ones(3)), ValueError,
     ["linear: b has shape (3,), expected (4,)"]),
    ("reshape", lambda: ones(2, 3).reshape(4, 2), ValueError,
     ["reshape: cannot reshape an array of shape (2, 3) (6 elements) into shape (4, 2)"]),
    ("sum_axis", lambda: ones(2, 3).sum(axis=2), ValueError,
     ["sum: axis 2 is out of range for an array of 2 dimensions"]),
    ("mean_axis", lambda: F.mean(ones(2, 3), axis=-3), ValueError,
     ["mean: axis -3 is out of range for an array of 2 dimensions"]),
    ("max_repeated_axis", lambda: F.max(ones(2, 3), axis=(1, -1)), ValueError, ["max: repeated axis"]),
    ("softmax_axis", lambda: F.softmax(ones(2, 3), axis=2), ValueError,
     ["softmax: axis 2 is out of range for an array of 2 dimensions"]),
    ("log_softmax_axis", lambda: F.log_softmax(ones(4), axis=1), ValueError,
     ["log_softmax: axis 1 is out of range for an array of 1 dimensions"]),
    ("concat_axis", lambda: F.concat([ones(2, 3), ones(2, 3)], axis=2), ValueError,
     ["concat: axis 2 is out of range for an array of 2 dimensions"]),
    ("concat_shapes", lambda: F.concat([ones(2, 3), ones(3, 3)], axis=1), ValueError,
     ["concat: shapes (2, 3) and (3, 3) do not match", "except along axis 1"]),
    ("concat_nothing", lambda: F.concat([], 0), ValueError, ["concat: expected at least one array"]),
    ("stack_shapes", lambda: F.stack([ones(2, 3), ones(3, 2)]), ValueError,
     ["stack: all arrays must have the same shape, got (2, 3) and (3, 2)"]),
    ("split_unequal", lambda: F.split(ones(5, 2), 2), ValueError,
     ["split: cannot split axis 0 of size 5 (shape (5, 2)) into 2 equal parts"]),
    ("split_backwards", lambda: F.split(ones(5, 2), [3, 1]), ValueError,
     ["split: indices [3, 1] must be non-decreasing"]),
    ("squeeze", lambda: F.squeeze(ones(2, 1), 0), ValueError,
     ["squeeze: cannot squeeze axis 0 of an array of shape (2, 1): its size is 2, expected 1"]),
    ("expand_dims", lambda: F.expand_dims(ones(2, 3), 3), ValueError,
     ["expand_dims: axis 3 is out of range for an array of shape (2, 3)"]),
    ("flatten", lambda: F.flatten(ones(2, 3, 4), 2, 1), ValueError,
     ["flatten: start_dim 2 comes after end_dim 1", "(2, 3, 4)"]),
    ("pad_negative", lambda: F.pad(ones(2, 3), -1), ValueError, ["pad: pad_width -1 must hold non-negative"]),
    ("pad_rank", lambda: F.pad(ones(2, 3), ((1, 1),) * 3), ValueError,
     ["pad: pad_width ((1, 1), (1, 1), (1, 1)) does not fit an array of 2 dimensions"]),
    ("get_item", lambda: ones(2, 3)[5], IndexError, ["get_item: index 5 is invalid for shape (2, 3)"]),
    ("backward_grad_shape", lambda: (ones(2, 3) * 2).backward(np.ones(3)), ValueError,
     ["backward: grad has shape (3,) but the output has shape (2, 3)"]),
    ("string_data", lambda: mg.Variable("abc"), TypeError, ["Variable: data of dtype <U3 is not numeric"]),
    ("object_data", lambda: mg.Variable(np.array([None, 1.0])), TypeError,
     ["Variable: data of dtype object is not numeric"]),
    ("ragged_data", lambda: mg.Variable([[1, 2], [3]]), TypeError, ["Variable: cannot make an array from list"]),
    ("label_too_large", lambda: F.softmax_cross_entropy(ones(4, 3), np.array([0, 2, 3, 1])), ValueError,
     ["softmax_cross_entropy: label 3 at index (2,) is out of range for 3 classes; expected 0 <= t < 3"]),
    ("label_negative", lambda: F.softmax_cross_entropy(ones(2, 5), np.array([-1, 0])), ValueError,
     ["softmax_cross_entropy: label -1 at index (0,) is out of range for 5 classes"]),
    ("label_dtype", lambda: F.softmax_cross_entropy(ones(2, 5), np.array([1.0, 0.0])), TypeError,
     ["softmax_cross_entropy: labels t must be integers, got dtype float64"]),
    ("label_shape", lambda: F.softmax_cross_entropy(ones(2, 5), np.array([1, 0, 1])), ValueError,
     ["softmax_cross_entropy: logits of shape (2, 5) need t of shape (2,)", "or (2, 5)", "got (3,)"]),
    ("sigmoid_ce_target", lambda: F.sigmoid_cross_entropy(ones(2, 3), np.full((2, 3), 2.0)), ValueError,
     ["sigmoid_cross_entropy: targets t must lie in [0, 1], got 2.0 at index (0, 0)"]),
    ("sigmoid_ce_shape", lambda: F.sigmoid_cross_entropy(ones(4, 1), np.ones(4)), ValueError,
     ["sigmoid_cross_entropy: logits has shape (4, 1) but t has shape (4,)"]),
    ("bce_probability", lambda: F.binary_cross_entropy(ones(3) * 1.5, np.ones(3)), ValueError,
     ["binary_cross_entropy: probabilities p must lie in [0, 1], got 1.5 at index (0,)"]),
    ("bce_target", lambda: F.binary_cross_entropy(ones(3) * 0.5, np.array([0.0, 1.0, -1.0])), ValueError,
     ["binary_cross_entropy: targets t must lie in [0, 1], got -1.0 at index (2,)"]),
    ("mse_shape", lambda: F.mean_squared_error(ones(4, 1), np.ones(4)), ValueError,
     ["mean_squared_error: y has shape (4, 1) but t has shape (4,); expected the same shape"]),
    ("huber_delta", lambda: F.huber_loss(ones(2), np.ones(2), delta=0), ValueError,
     ["huber_loss: delta must be positive, got 0"]),
    ("gelu_mode", lambda: F.gelu(ones(2), approximate="fast"), ValueError,
     ["gelu: approximate='fast' is not supported; expected 'none' or 'tanh'"]),
    ("accuracy_shape", lambda: F.accuracy(ones(2, 3), np.array([0, 1, 2])), ValueError,
     ["accuracy: y of shape (2, 3) needs t of shape (2,)", "got (3,)"]),
]


@pytest.mark.parametrize("call,error,fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_message(call, error, fragments):
    with raises(error, *fragments):
        call()


def test_a_rejected_backward_writes_no_gradient():
    x = ones(2, 3)
    y = F.sum(x * 2)
    with raises(ValueError, "backward: grad has shape (2,) but the output has shape ()"):
        y.backward(np.ones(2))
    assert x.grad is None  # nothing was half-written
