"""Bad input gives an error a learner can act on: the exception type says
what kind of mistake it is, and the message names the op, the shapes or
values involved and what was expected, instead of a bare NumPy traceback.

One table, `CORPUS`, with a family column (ops, losses, layers,
optimisers, data, serialization, onnx, viz, training, gradcheck, engine,
creation, autograd, unsupported): each row is (family, id, call, exception type, message fragments
that must appear in this order). It is written below family by family, one
list each, and assembled at the end. A test checks the table stays a corpus (350 rows or more)
and covers every family. Rows that write files (serialization, ONNX) take a
tmp_path; the ONNX rows skip without the onnx package.
"""
import os
import re

import numpy as np
import pytest
import scipy.special
from numpy.exceptions import AxisError

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim, viz
from minigrad.data import (BatchSampler, DataLoader, RandomSampler, TensorDataset, datasets, random_split,
                           transforms)
from minigrad.utils import data as utils_data
from minigrad.optim import lr_scheduler
from minigrad.train import EarlyStopping, fit


def ones(*shape):
    return mg.Variable(np.ones(shape))


def ones32(*shape):
    return mg.Variable(np.ones(shape, dtype=np.float32))


def raises(error, *fragments):
    """pytest.raises(error) whose message contains every fragment, in order."""
    return pytest.raises(error, match=".*".join(re.escape(f) for f in fragments))


def params(n=3):
    return [nn.Parameter(np.ones(n))]


def sgd(**kwargs):
    return optim.SGD(params(), lr=kwargs.pop("lr", 0.1), **kwargs)


def data(n=3):
    return TensorDataset(np.ones((n, 2)), np.arange(n))


class WrongDerivative(mg.Function):
    """y = x**2 with the derivative 3 gy instead of 2 x gy: gradcheck must catch it."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return gy * 3


class NoBackward(mg.Function):
    def forward(self, x):
        return x * 1


class ComplexForward(mg.Function):
    """A user-defined op whose forward makes complex numbers."""

    def forward(self, x):
        return x * 1j

    def backward(self, gy):
        return gy


def deep_checkpoint(path, depth=50_000):
    """A file in mg.save's format whose structure nests `depth` lists deep."""
    text = '{"list": [' * depth + '{"value": 1}' + "]}" * depth
    np.savez(path, __structure__=np.frombuffer(text.encode(), dtype=np.uint8))
    return path


def nested_list(depth=50_000):
    obj = 1
    for _ in range(depth):
        obj = [obj]
    return obj


def write_in_place(x, value):
    with mg.no_grad():
        x.copy_(value)


class TwoGradients(mg.Function):
    def forward(self, x):
        return x * 1

    def backward(self, gy):
        return gy, gy


def backward_of_cube(y):
    """Backward through y**3 summed: a gradient reaching y, whatever its signs."""
    (y ** 3).sum().backward()


# (id, call, exception type, message fragments in order)
OPS = [
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
    ("sum_axis", lambda: ones(2, 3).sum(axis=2), AxisError,
     ["sum: axis 2 is out of range for an array of 2 dimensions"]),
    ("mean_axis", lambda: F.mean(ones(2, 3), axis=-3), AxisError,
     ["mean: axis -3 is out of range for an array of 2 dimensions"]),
    ("max_repeated_axis", lambda: F.max(ones(2, 3), axis=(1, -1)), ValueError, ["max: repeated axis"]),
    ("softmax_axis", lambda: F.softmax(ones(2, 3), axis=2), AxisError,
     ["softmax: axis 2 is out of range for an array of 2 dimensions"]),
    ("log_softmax_axis", lambda: F.log_softmax(ones(4), axis=1), AxisError,
     ["log_softmax: axis 1 is out of range for an array of 1 dimensions"]),
    ("concat_axis", lambda: F.concat([ones(2, 3), ones(2, 3)], axis=2), AxisError,
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
    ("expand_dims", lambda: F.expand_dims(ones(2, 3), 3), AxisError,
     ["expand_dims: axis 3 is out of range for an array of shape (2, 3)"]),
    ("flatten", lambda: F.flatten(ones(2, 3, 4), 2, 1), ValueError,
     ["flatten: start_dim 2 comes after end_dim 1", "(2, 3, 4)"]),
    ("pad_crops_too_much", lambda: F.pad(ones(2, 3), -2), ValueError,
     ["pad: pad_width (-2, -2) on axis 0 of size 2 (shape (2, 3)) crops 4 cells, more than the axis has"]),
    ("bitwise_float", lambda: ones(2, 3) & 1, TypeError,
     ["bitwise_and (&): only integer and bool Variables", "got dtype float64 (shapes (2, 3), ())", "cast first"]),
    ("bitwise_not_float", lambda: ~ones32(2), TypeError,
     ["bitwise_not (~): only integer and bool Variables", "got dtype float32 (shapes (2,))"]),
    ("shift_float", lambda: mg.Variable(np.arange(3)) << ones(3), TypeError,
     ["left_shift (<<): only integer and bool Variables", "got dtype float64 (shapes (3,), (3,))"]),
    ("div_rounding_mode", lambda: F.div(ones(2), 2.0, rounding_mode="round"), ValueError,
     ["div: rounding_mode must be None, 'trunc' or 'floor', got 'round'"]),
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



OPS += [
    ("add_shapes", lambda: F.add(ones(2, 3), ones(3, 2)), ValueError,
     ["add: shapes (2, 3) and (3, 2) do not broadcast"]),
    ("sub_shapes", lambda: ones(4, 1, 3) - ones(2, 4), ValueError, ["sub: shapes (4, 1, 3) and (2, 4)"]),
    ("div_shapes", lambda: ones(2, 3) / ones(4), ValueError, ["div: shapes (2, 3) and (4,) do not broadcast"]),
    ("pow_shapes", lambda: ones(2, 3) ** ones(2), ValueError, ["pow: shapes (2, 3) and (2,) do not broadcast"]),
    ("transpose_short", lambda: F.transpose(ones(2, 3), (0,)), ValueError,
     ["transpose: axes (0,) are not a permutation of the 2 axes of an array of shape (2, 3)"]),
    ("transpose_repeated", lambda: F.transpose(ones(2, 3), (0, 0)), ValueError,
     ["transpose: axes (0, 0) are not a permutation", "(2, 3)"]),
    ("broadcast_to", lambda: F.broadcast_to(ones(2, 3), (4, 3, 2)), ValueError,
     ["broadcast_to: cannot broadcast shape (2, 3) to (4, 3, 2)"]),
    ("sum_to", lambda: F.sum_to(ones(2, 3), (3, 3)), ValueError,
     ["sum_to: cannot sum shape (2, 3) down to (3, 3)"]),
    ("reshape_two_unknowns", lambda: F.reshape(ones(2, 3), (-1, -1)), ValueError,
     ["reshape: cannot reshape an array of shape (2, 3)", "into shape (-1, -1)"]),
    ("get_item_float", lambda: ones(2, 3)[1.5], IndexError, ["get_item: index 1.5 is invalid for shape (2, 3)"]),
    ("get_item_too_many", lambda: ones(2, 3)[0, 0, 0], IndexError,
     ["get_item: index (0, 0, 0) is invalid for shape (2, 3)", "too many indices"]),
    ("get_item_bool_length", lambda: ones(2, 3)[np.array([True, False, True])], IndexError,
     ["get_item: index", "is invalid for shape (2, 3)", "boolean index did not match"]),
    ("get_item_array_out_of_range", lambda: ones(2, 3)[np.array([0, 5])], IndexError,
     ["get_item: index array([0, 5]) is invalid for shape (2, 3)", "index 5 is out of bounds"]),
    ("min_axis", lambda: F.min(ones(2, 3), axis=3), AxisError,
     ["min: axis 3 is out of range for an array of 2 dimensions"]),
    ("var_axis", lambda: F.var(ones(2, 3), axis=5), AxisError,
     ["var: axis 5 is out of range for an array of 2 dimensions"]),
    ("logsumexp_axis", lambda: F.logsumexp(ones(2, 3), axis=-4), AxisError,
     ["logsumexp: axis -4 is out of range for an array of 2 dimensions"]),
    ("max_of_empty", lambda: F.max(ones(0, 3)), ValueError,
     ["max: cannot reduce an empty array of shape (0, 3) over axes (0, 1)"]),
    ("mean_repeated_axis", lambda: F.mean(ones(2, 3), axis=(0, 0)), ValueError, ["mean: repeated axis in (0, 0)"]),
    ("stack_nothing", lambda: F.stack([]), ValueError, ["stack: expected at least one array, got none"]),
    ("stack_axis", lambda: F.stack([ones(2), ones(2)], axis=3), AxisError,
     ["stack: axis 3 is out of range for an array of 2 dimensions"]),
    ("split_axis", lambda: F.split(ones(4, 2), 2, axis=2), AxisError,
     ["split: axis 2 is out of range for an array of 2 dimensions"]),
    ("split_zero_parts", lambda: F.split(ones(4, 2), 0), ValueError,
     ["split: cannot split axis 0 of size 4 (shape (4, 2)) into 0 equal parts"]),
    ("pad_width_string", lambda: F.pad(ones(2, 3), "a"), ValueError,
     ["pad: pad_width 'a' must hold integers"]),
    ("squeeze_axis", lambda: F.squeeze(ones(2, 1), 4), AxisError,
     ["squeeze: axis 4 is out of range for an array of 2 dimensions"]),
    ("expand_dims_negative", lambda: F.expand_dims(ones(2, 3), -5), AxisError,
     ["expand_dims: axis -5 is out of range for an array of shape (2, 3); expected -3 <= axis < 3"]),
    ("flatten_start", lambda: F.flatten(ones(2, 3), 5), AxisError,
     ["flatten: axis 5 is out of range for an array of 2 dimensions"]),
    ("concat_ranks", lambda: F.concat([ones(2, 3), ones(2)], 0), ValueError,
     ["concat: shapes (2, 3) and (2,) do not match; expected the same shape except along axis 0"]),
    ("matmul_0d", lambda: F.matmul(ones(), ones(3)), ValueError,
     ["matmul: shapes () and (3,): operands must have at least 1 dimension"]),
    ("matmul_vectors", lambda: F.matmul(ones(3), ones(4)), ValueError,
     ["matmul: shapes (3,) and (4,) are not aligned: 3 (dim 0 of a) != 4 (dim 0 of b)"]),
    ("matmul_matrix_vector", lambda: F.matmul(ones(2, 3), ones(4)), ValueError,
     ["matmul: shapes (2, 3) and (4,) are not aligned: 3 (dim 1 of a) != 4 (dim 0 of b)"]),
    ("linear_W_1d", lambda: F.linear(ones(2, 3), ones(3)), ValueError,
     ["linear: W must have shape (out_features, in_features), got (3,)"]),
    ("linear_x_0d", lambda: F.linear(ones(), ones(2, 3)), ValueError,
     ["linear: x of shape () has none (a 0-d array) input features but W of shape (2, 3) expects 3"]),
    ("softmax_0d", lambda: F.softmax(ones(), axis=1), AxisError,
     ["softmax: axis 1 is out of range for a 0-d array; expected 0 or -1 (as PyTorch's dim), or None"]),
    ("dropout_p_type", lambda: F.dropout(ones(2), p="a"), TypeError, ["dropout: p must be a number in [0, 1], got str"]),
    ("dropout_p_range", lambda: F.dropout(ones(2), p=1.5), ValueError,
     ["dropout: p=1.5 is not a probability; expected 0 <= p <= 1"]),
    ("batch_norm_gamma", lambda: F.batch_norm(ones(4, 3), ones(2), ones(2), None, None, training=True), ValueError,
     ["batch_norm: gamma has shape (2,), expected (3,)"]),
    ("batch_norm_1d", lambda: F.batch_norm(ones(4), ones(4), ones(4), None, None, training=True), ValueError,
     ["batch_norm: x must have at least 2 dimensions (N, C, ...), got shape (4,)"]),
    ("layer_norm_shape", lambda: F.layer_norm(ones(4, 3), (4,)), ValueError,
     ["layer_norm: normalized_shape (4,) does not match the trailing dimensions of x of shape (4, 3)"]),
    ("layer_norm_weight", lambda: F.layer_norm(ones(4, 3), (3,), ones(2), ones(3)), ValueError,
     ["layer_norm: weight has shape (2,), expected (3,)"]),
    ("conv2d_channels", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 4, 3, 3)), ValueError,
     ["conv2d: x has 3 channels (shape (1, 3, 5, 5)) but W expects 4 input channels", "(2, 4, 3, 3)"]),
    ("conv2d_3d_input", lambda: F.conv2d(ones(3, 5, 5), ones(2, 3, 3, 3)), ValueError,
     ["conv2d: x must be 4-D (N, C, H, W), got shape (3, 5, 5)"]),
    ("conv2d_kernel_too_large", lambda: F.conv2d(ones(1, 3, 2, 2), ones(2, 3, 3, 3)), ValueError,
     ["conv2d: kernel (3, 3) is larger than the padded input (2, 2) (input shape (1, 3, 2, 2), pad (0, 0))"]),
    ("conv2d_bias", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 3, 3, 3), ones(3)), ValueError,
     ["conv2d: b has shape (3,), expected (2,)"]),
    ("conv2d_stride", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 3, 3, 3), stride=0), ValueError,
     ["conv2d: stride must be an int >= 1 or 2 of them, got 0"]),
    ("conv2d_pad", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 3, 3, 3), pad=-1), ValueError,
     ["conv2d: pad must be an int >= 0 or 2 of them, got -1"]),
    ("conv_transpose2d_channels", lambda: F.conv_transpose2d(ones(1, 3, 5, 5), ones(2, 4, 3, 3)), ValueError,
     ["conv_transpose2d: x has 3 channels (shape (1, 3, 5, 5)) but W expects 2 input channels"]),
    ("avg_pool2d_kernel", lambda: F.avg_pool2d(ones(1, 1, 2, 2), 3), ValueError,
     ["avg_pool2d: kernel (3, 3) is larger than the padded input (2, 2)"]),
    ("max_pool2d_3d", lambda: F.max_pool2d(ones(1, 2, 2), 2), ValueError,
     ["max_pool2d: expected a 4-D input (N, C, H, W), got shape (1, 2, 2)"]),
    ("im2col_3d", lambda: F.im2col(ones(2, 5, 5), 3), ValueError,
     ["im2col: expected a 4-D x (N, C, H, W), got shape (2, 5, 5)"]),
    ("col2im_columns", lambda: F.col2im(ones(1, 9, 4), (1, 1, 5, 5), 3), ValueError,
     ["col2im: cols has shape (1, 9, 4) but an image of shape (1, 1, 5, 5)", "gives columns of shape (1, 9, 9)"]),
]


# The activations' and clip's settings, accuracy's labels, and the indexing, linear algebra,
# sorting, reordering, convolution, interpolation and attention ops.
def x34():
    return ones(3, 4)


OPS += [
    ("clip_text_bound", lambda: F.clip(ones(3), "a", 1), TypeError,
     ["clip: lo must be a real number or None, got str 'a'"]),
    ("clip_text_upper", lambda: F.clip(ones(3), 0, "b"), TypeError,
     ["clip: hi must be a real number or None, got str 'b'"]),
    ("clip_bound_shape", lambda: F.clip(ones(3), [0, 1], 2), ValueError,
     ["clip: lo of shape (2,) does not broadcast with x of shape (3,)"]),
    ("leaky_relu_slope_text", lambda: F.leaky_relu(ones(3), "a"), TypeError,
     ["leaky_relu: slope must be a real number, got str 'a'"]),
    ("leaky_relu_slope_none", lambda: F.leaky_relu(ones(3), None), TypeError,
     ["leaky_relu: slope must be a real number, got NoneType None"]),
    ("elu_alpha_text", lambda: F.elu(ones(3), "a"), TypeError, ["elu: alpha must be a real number, got str 'a'"]),
    ("elu_alpha_bool", lambda: F.elu(ones(3), True), TypeError, ["elu: alpha must be a real number, got bool True"]),
    ("hardtanh_min_text", lambda: F.hardtanh(ones(3), "a", 1), TypeError,
     ["hardtanh: min_val must be a real number, got str 'a'"]),
    ("hardtanh_min_above_max", lambda: F.hardtanh(ones(3), 2, 1), ValueError,
     ["hardtanh: min_val=2 is greater than max_val=1"]),
    ("celu_alpha_zero", lambda: F.celu(ones(3), 0), ValueError, ["celu: alpha must not be 0"]),
    ("accuracy_one_hot_shape", lambda: F.accuracy(ones(4, 3), np.ones((4, 3, 2))), ValueError,
     ["accuracy: y of shape (4, 3) needs t of shape (4,) (labels) or (4, 3) (one-hot), got (4, 3, 2)"]),
    ("accuracy_vector", lambda: F.accuracy(ones(4), np.ones(5)), ValueError,
     ["accuracy: y of shape (4,) needs t of shape ()", "or (4,) (one-hot), got (5,)"]),
    ("gather_index_range", lambda: F.gather(x34(), 1, np.array([[0, 4]])), IndexError,
     ["gather: index values from 0 to 4 are out of range for axis 1 of size 4 (shape (3, 4))"]),
    ("gather_index_float", lambda: F.gather(x34(), 0, np.zeros((2, 2))), TypeError,
     ["gather: index must hold integers, got dtype float64"]),
    ("gather_index_rank", lambda: F.gather(x34(), 0, np.array([0, 1])), ValueError, ["gather:", "dimensions"]),
    ("scatter_add_src_shape", lambda: F.scatter_add(x34(), 0, np.zeros((2, 4), int), np.ones((1, 4))),
     ValueError, ["scatter_add: index of shape (2, 4) is larger than src of shape (1, 4) along axis 0"]),
    ("scatter_add_index_range", lambda: F.scatter_add(x34(), 0, np.full((2, 4), 5), np.ones((2, 4))),
     IndexError, ["scatter_add: index values from 5 to 5 are out of range for axis 0 of size 3 (shape (3, 4))"]),
    ("take_along_axis_range", lambda: F.take_along_axis(x34(), np.array([[5]]), 1), IndexError,
     ["take_along_axis: index out of range: values from 5 to 5 for axis 1 of size 4 (shape (3, 4))"]),
    ("einsum_output_letter", lambda: F.einsum("ij,jk->il", ones(2, 3), ones(3, 2)), ValueError,
     ["einsum: output letter(s) 'l' of 'ij,jk->il' appear in no input"]),
    ("einsum_output_repeated", lambda: F.einsum("ij->ii", ones(2, 2)), ValueError,
     ["einsum: output letter(s) 'i' of 'ij->ii' appear more than once"]),
    ("einsum_operand_count", lambda: F.einsum("ij,jk->ik", ones(2, 3)), ValueError,
     ["einsum: subscripts 'ij,jk->ik' name 2 operands but 1 were given"]),
    ("einsum_letter_sizes", lambda: F.einsum("ij,jk->ik", ones(2, 3), ones(4, 2)), ValueError,
     ["einsum: letter 'j' has size 3 in operand 0 but 4 in operand 1 (shape (4, 2)) of 'ij,jk->ik'"]),
    ("einsum_bad_characters", lambda: F.einsum("i$,jk->ik", ones(2, 3), ones(4, 2)), ValueError,
     ["einsum: subscripts 'i$,jk->ik' are not valid; expected letters and at most one '...' per operand"]),
    ("einsum_rank", lambda: F.einsum("ijk->i", ones(2, 3)), ValueError,
     ["einsum: operand of shape (2, 3) has 2 dimensions but subscripts 'ijk' name 3"]),
    ("einsum_not_text", lambda: F.einsum(3, ones(2, 3)), TypeError,
     ["einsum: expected subscripts as a string ('ij,jk->ik') or sublists of axis numbers",
      "got Variable where a sublist should be"]),
    ("topk_too_large", lambda: F.topk(ones(2, 3), 5), ValueError,
     ["topk: k=5 is out of range for axis 1 of size 3 (shape (2, 3)); expected 0 <= k <= 3"]),
    ("topk_negative", lambda: F.topk(ones(2, 3), -1), ValueError, ["topk: k=-1 is out of range for axis 1 of size 3"]),
    ("sort_axis", lambda: F.sort(ones(2, 3), axis=2), AxisError,
     ["sort: axis 2 is out of range for an array of 2 dimensions"]),
    ("inv_non_square", lambda: F.inv(ones(2, 3)), ValueError,
     ["inv: expected square matrices (shape (..., n, n)), got shape (2, 3)"]),
    ("inv_singular", lambda: F.inv(mg.Variable(np.zeros((2, 2)))), np.linalg.LinAlgError,
     ["inv: Singular matrix (input shapes: (2, 2))"]),
    ("cholesky_vector", lambda: F.cholesky(ones(3)), ValueError,
     ["cholesky: expected square matrices (shape (..., n, n)), got shape (3,)"]),
    ("cholesky_not_positive_definite", lambda: F.cholesky(mg.Variable(-np.eye(2))), np.linalg.LinAlgError,
     ["cholesky: Matrix is not positive definite (input shapes: (2, 2))"]),
    ("det_non_square", lambda: F.det(ones(2, 3)), ValueError, ["det: expected square matrices", "got shape (2, 3)"]),
    ("slogdet_non_square", lambda: F.slogdet(ones(2, 3)), ValueError,
     ["slogdet: expected square matrices", "got shape (2, 3)"]),
    ("solve_rows", lambda: F.solve(ones(3, 3), ones(2)), ValueError,
     ["solve: a of shape (3, 3) and b of shape (2, 1) do not fit; expected b.shape[-2] (or len(b) for a vector) == 3"]),
    ("tril_vector", lambda: F.tril(ones(3)), ValueError,
     ["tril: expected an array of at least 2 dimensions (a matrix or a batch of them), got shape (3,)"]),
    ("triu_vector", lambda: F.triu(ones(3)), ValueError, ["triu: expected an array of at least 2 dimensions", "(3,)"]),
    ("trace_vector", lambda: F.trace(ones(3)), ValueError, ["trace: expected at least 2 dimensions, got shape (3,)"]),
    ("chunk_zero", lambda: F.chunk(ones(4), 0), ValueError, ["chunk: n must be a positive int, got 0"]),
    ("chunk_axis", lambda: F.chunk(ones(4), 2, axis=1), AxisError,
     ["chunk: axis 1 is out of range for an array of 1 dimensions"]),
    ("repeat_negative", lambda: F.repeat(ones(3), -1), ValueError,
     ["repeat: repeats -1 must be a non-negative int or a 1-D list of them"]),
    ("repeat_counts", lambda: F.repeat(ones(3), [1, 2], axis=0), ValueError,
     ["repeat: 2 repeats for axis 0 of size 3 (shape (3,)); expected one count per element"]),
    ("tile_negative", lambda: F.tile(ones(3), -1), ValueError, ["tile: reps (-1,) must be non-negative integers"]),
    ("roll_shift_axis", lambda: F.roll(ones(3, 3), (1, 2), axis=0), ValueError,
     ["roll: shift (1, 2) does not match axis 0; expected an int or one int per axis"]),
    ("flip_axis", lambda: F.flip(ones(2, 3), axis=2), AxisError,
     ["flip: axis 2 is out of range for an array of 2 dimensions"]),
    ("norm_vector_ord", lambda: F.norm(ones(3), ord="fro2"), ValueError,
     ["norm: ord='fro2' is not a vector norm; expected a number, inf or -inf"]),
    ("norm_matrix_ord", lambda: F.norm(ones(3, 3), ord=3, axis=(0, 1)), ValueError,
     ["norm: matrix norm ord=3 is not supported; expected 'fro', 'nuc', 1, -1, 2, -2, inf or -inf"]),
    ("dot_unaligned", lambda: F.dot(ones(3), ones(4)), ValueError,
     ["dot: shapes (3,) and (4,) are not aligned: 3 (dim 0 of a) != 4 (dim 0 of b)"]),
    ("dot_matrix_unaligned", lambda: F.dot(ones(2, 3, 4), ones(3, 5, 2)), ValueError,
     ["dot: shapes (2, 3, 4) and (3, 5, 2) are not aligned: 4 (dim 2 of a) != 5 (dim 1 of b)"]),
    ("inner_unaligned", lambda: F.inner(ones(2, 3), ones(4)), ValueError,
     ["inner: shapes (2, 3) and (4,) are not aligned: 3 (last dim of a) != 4 (last dim of b)"]),
    ("tensordot_unaligned", lambda: F.tensordot(ones(2, 3), ones(4, 2), axes=1), ValueError,
     ["tensordot: shapes (2, 3) and (4, 2) are not aligned: 3 (axis 1 of a) != 4 (axis 0 of b)"]),
    ("lerp_shapes", lambda: F.lerp(ones(3), ones(4), 0.5), ValueError,
     ["lerp: shapes (3,) (a), (4,) (b) and () (w) do not broadcast together"]),
    ("masked_fill_mask_shape", lambda: F.masked_fill(x34(), np.ones((2, 4), bool), 0.0), ValueError,
     ["masked_fill: mask of shape (2, 4) does not broadcast to x of shape (3, 4)"]),
    ("where_shapes", lambda: F.where(np.ones((2, 2), bool), x34(), 0.0), ValueError,
     ["where: shapes (2, 2) (cond), (3, 4) (a) and () (b) do not broadcast together"]),
    ("one_hot_label_range", lambda: F.one_hot(np.array([0, 5]), 3), ValueError,
     ["one_hot: label 5 at index (1,) is out of range for num_classes=3; expected 0 <= label < 3"]),
    ("glu_odd", lambda: F.glu(ones(2, 3)), ValueError,
     ["glu: axis -1 of the input of shape (2, 3) has size 3; expected an even size to cut in halves"]),
    ("prelu_weight", lambda: F.prelu(ones(2, 3), ones(4)), ValueError,
     ["prelu: weight has 4 elements but the input of shape (2, 3) has 3 channel(s) (axis 1); expected 1 or 3"]),
    ("conv1d_groups", lambda: F.conv1d(ones(1, 3, 5), ones(2, 3, 3), groups=2), ValueError,
     ["conv1d: groups=2 must divide the input channels (3, x shape (1, 3, 5))", "(2, W shape (2, 3, 3))"]),
    ("conv2d_dilation", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 3, 3, 3), dilation=0), ValueError,
     ["conv2d: dilation must be an int >= 1 or 2 of them, got 0"]),
    ("conv2d_pad_mode", lambda: F.conv2d(ones(1, 3, 5, 5), ones(2, 3, 3, 3), pad="valid2"), ValueError,
     ["conv2d: pad must be an int, one per spatial axis, 'same' or 'valid', got 'valid2'"]),
    ("group_norm_groups", lambda: F.group_norm(ones(2, 6, 3), 4), ValueError,
     ["group_norm: the 6 channels of x of shape (2, 6, 3) do not split into num_groups=4 groups"]),
    ("interpolate_size_and_scale", lambda: F.interpolate(ones(1, 1, 4, 4), size=8, scale_factor=2), ValueError,
     ["interpolate: pass exactly one of size and scale_factor, got size=8, scale_factor=2"]),
    ("interpolate_neither", lambda: F.interpolate(ones(1, 1, 4, 4)), ValueError,
     ["interpolate: pass exactly one of size and scale_factor, got size=None, scale_factor=None"]),
    ("interpolate_mode_rank", lambda: F.interpolate(ones(1, 1, 4, 4), size=8, mode="linear"), ValueError,
     ["interpolate: mode 'linear' needs a 3-D (N, C, L) input, got shape (1, 1, 4, 4)"]),
    ("interpolate_trilinear_rank", lambda: F.interpolate(ones(1, 1, 4, 4), size=8, mode="trilinear"), ValueError,
     ["interpolate: mode 'trilinear' needs a 5-D (N, C, D, H, W) input, got shape (1, 1, 4, 4)"]),
    ("interpolate_nearest_rank", lambda: F.interpolate(ones(4, 4), size=8, mode="nearest-exact"), ValueError,
     ["interpolate: mode 'nearest-exact' needs a 3-D (N, C, L) or a 4-D (N, C, H, W) or a 5-D (N, C, D, H, W) "
      "input, got shape (4, 4)"]),
    ("conv3d_rank", lambda: F.conv3d(ones(1, 2, 4, 4), ones(3, 2, 2, 2, 2)), ValueError,
     ["conv3d: x must be 5-D (N, C, D, H, W), got shape (1, 2, 4, 4)"]),
    ("conv3d_weight_rank", lambda: F.conv3d(ones(1, 2, 4, 4, 4), ones(3, 2, 2, 2)), ValueError,
     ["conv3d: W must be 5-D (out, in/groups, kd, kh, kw), got shape (3, 2, 2, 2)"]),
    ("conv3d_kernel_too_large", lambda: F.conv3d(ones(1, 2, 4, 4, 2), ones(3, 2, 2, 2, 3)), ValueError,
     ["conv3d: kernel (2, 2, 3) is larger than the padded input (4, 4, 2)"]),
    ("max_pool3d_rank", lambda: F.max_pool3d(ones(1, 2, 4, 4), 2), ValueError,
     ["max_pool3d: expected a 5-D input (N, C, D, H, W), got shape (1, 2, 4, 4)"]),
    ("avg_pool3d_pad", lambda: F.avg_pool3d(ones(1, 1, 4, 4, 4), 2, pad=(1, 2, 1)), ValueError,
     ["avg_pool3d: pad (1, 2, 1) must be at most half the kernel size (2, 2, 2)"]),
    ("interpolate_size_zero", lambda: F.interpolate(ones(1, 1, 4, 4), size=0), ValueError,
     ["interpolate: size must be an int >= 1 or 2 of them for input shape (1, 1, 4, 4), got 0"]),
    ("attention_features", lambda: F.scaled_dot_product_attention(ones(2, 3, 4), ones(2, 3, 5), ones(2, 3, 5)),
     ValueError, ["scaled_dot_product_attention: query of shape (2, 3, 4) and key of shape (2, 3, 5) have "
                  "different feature sizes 4 and 5"]),
    ("attention_mask_shape", lambda: F.scaled_dot_product_attention(
        ones(2, 3, 4), ones(2, 3, 4), ones(2, 3, 4), attn_mask=np.ones((2, 2), bool)), ValueError,
     ["scaled_dot_product_attention: attn_mask of shape (2, 2) does not broadcast to the attention scores' "
      "shape (2, 3, 3)"]),
    ("clip_bound_requires_grad", lambda: F.clip(ones(2), ones(), 2.0), RuntimeError,
     ["clip: lo is a Variable that requires grad, but clip takes lo as a constant, so its gradient would be "
      "lost; pass lo.detach()", "F.maximum"]),
    ("polygamma_negative_order", lambda: F.polygamma(-1, ones(2)), ValueError,
     ["polygamma: n must be >= 0 (the order of the derivative), got -1"]),
    ("polygamma_float_order", lambda: F.polygamma(1.5, ones(2)), TypeError,
     ["polygamma: n must be an int >= 0 (the order of the derivative), got float 1.5"]),
    ("logit_eps_text", lambda: F.logit(ones(2), eps="a"), TypeError, ["logit: eps must be a real number, got str 'a'"]),
]

LOSSES = [
    ("mse_transposed", lambda: F.mean_squared_error(ones(2, 3), ones(3, 2)), ValueError,
     ["mean_squared_error: y has shape (2, 3) but t has shape (3, 2); expected the same shape"]),
    ("huber_shape", lambda: F.huber_loss(ones(2, 3), ones(3)), ValueError,
     ["huber_loss: y has shape (2, 3) but t has shape (3,); expected the same shape"]),
    ("huber_negative_delta", lambda: F.huber_loss(ones(2), ones(2), delta=-1), ValueError,
     ["huber_loss: delta must be positive, got -1"]),
    ("cross_entropy_0d", lambda: F.softmax_cross_entropy(ones(), np.array(0)), ValueError,
     ["softmax_cross_entropy: logits must have a class axis, got a 0-d array"]),
    ("cross_entropy_one_hot_width", lambda: F.softmax_cross_entropy(ones(2, 3), np.ones((2, 4))), ValueError,
     ["softmax_cross_entropy: logits of shape (2, 3) need t of shape (2,)", "or (2, 3)", "got (2, 4)"]),
    ("sigmoid_ce_target_3", lambda: F.sigmoid_cross_entropy(ones(3), np.array([0.0, 1.0, 3.0])), ValueError,
     ["sigmoid_cross_entropy: targets t must lie in [0, 1], got 3.0 at index (2,)"]),
]


LOSSES += [
    ("cross_entropy_label_dtype", lambda: F.cross_entropy(ones(2, 3), np.array([0.5, 1.0])), TypeError,
     ["cross_entropy: labels t must be integers, got dtype float64"]),
    ("cross_entropy_label_shape", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1, 1])), ValueError,
     ["cross_entropy: logits of shape (2, 3) need t of shape (2,) (integer labels) or (2, 3)", "got (3,)"]),
    ("cross_entropy_class_range", lambda: F.cross_entropy(ones(2, 3), np.array([0, 3])), ValueError,
     ["cross_entropy: label 3 at index (1,) is out of range for 3 classes; expected 0 <= t < 3"]),
    ("cross_entropy_reduction", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1]), reduction="avg"),
     ValueError, ["cross_entropy: reduction must be one of 'mean', 'sum', 'none', got 'avg'"]),
    ("cross_entropy_weight", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1]), weight=np.ones(4)), ValueError,
     ["cross_entropy: weight must have shape (3,), one per class, got (4,)"]),
    ("cross_entropy_smoothing", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1]), label_smoothing=1.5),
     ValueError, ["cross_entropy: label_smoothing must lie in [0, 1], got 1.5"]),
    ("nll_loss_label_shape", lambda: F.nll_loss(ones(2, 3), np.array([0, 1, 2])), ValueError,
     ["nll_loss: log_probs of shape (2, 3) need t of shape (2,) (integer labels), got (3,)"]),
    ("nll_loss_class_range", lambda: F.nll_loss(ones(2, 3), np.array([0, 3])), ValueError,
     ["nll_loss: label 3 at index (1,) is out of range for 3 classes"]),
    ("kl_div_reduction", lambda: F.kl_div(ones(2, 3), ones(2, 3), reduction="avg"), ValueError,
     ["kl_div: reduction must be one of 'mean', 'sum', 'none', 'batchmean', got 'avg'"]),
    ("kl_div_shapes", lambda: F.kl_div(ones(2, 3), ones(3, 2)), ValueError,
     ["kl_div: log_q has shape (2, 3) but t has shape (3, 2); expected the same shape"]),
    ("l1_loss_shapes", lambda: F.l1_loss(ones(2, 3), ones(3, 2)), ValueError,
     ["l1_loss: y has shape (2, 3) but t has shape (3, 2); expected the same shape"]),
    ("mse_loss_reduction", lambda: F.mse_loss(ones(2), ones(2), reduction="avg"), ValueError,
     ["mse_loss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"]),
    ("smooth_l1_beta", lambda: F.smooth_l1_loss(ones(2), ones(2), beta=-1), ValueError,
     ["smooth_l1_loss: beta must be non-negative, got -1"]),
    ("bce_logits_pos_weight", lambda: F.binary_cross_entropy_with_logits(
        ones(2, 3), np.ones((2, 3)), pos_weight=np.ones(4)), ValueError,
     ["binary_cross_entropy_with_logits: pos_weight of shape (4,) does not broadcast to the input's shape (2, 3)"]),
    ("bce_shapes", lambda: F.binary_cross_entropy(ones(3) * 0.5, np.ones(4)), ValueError,
     ["binary_cross_entropy: p has shape (3,) but t has shape (4,); expected the same shape"]),
    ("nll_loss_module_reduction", lambda: nn.NLLLoss(reduction="avg")(ones(2, 3), np.array([0, 1])), ValueError,
     ["nll_loss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"]),
    ("kl_div_module_reduction", lambda: nn.KLDivLoss(reduction="avg")(ones(2, 3), ones(2, 3)), ValueError,
     ["kl_div: reduction must be one of 'mean', 'sum', 'none', 'batchmean', got 'avg'"]),
]

# torch.nn.functional's names (minigrad.nn.functional and the ops it adds).
OPS += [
    ("functional_pad_odd", lambda: nn.functional.pad(ones(2, 3), (1, 2, 3)), ValueError,
     ["pad: expected an even number of pad sizes, at most 2 per axis of the 2-D input (pairs from the last axis), "
      "got (1, 2, 3)"]),
    ("functional_pad_mode", lambda: nn.functional.pad(ones(3), (1, 1), mode="edge"), ValueError,
     ["pad: mode 'edge' is not supported; expected one of ('constant', 'reflect', 'replicate', 'circular')"]),
    ("functional_inplace_recorded", lambda: nn.functional.relu(ones(2) * 2, inplace=True), RuntimeError,
     ["relu(x, inplace=True): minigrad cannot change x (shape (2,)) in place while the graph is recorded",
      "write x = F.relu(x)"]),
    ("functional_inplace_array", lambda: nn.functional.elu(np.ones(2), inplace=True), TypeError,
     ["elu(x, inplace=True): x must be a Variable to change in place, got ndarray; write x = F.elu(x)"]),
    ("functional_huber_weight", lambda: nn.functional.huber_loss(ones(2), ones(2), weight=ones(2)),
     NotImplementedError, ["huber_loss: weight= is not supported", "reduction='none'"]),
    ("unfold_rank", lambda: F.unfold(ones(2, 3), 2), ValueError,
     ["unfold: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape (2, 3)"]),
    ("fold_channels", lambda: F.fold(ones(1, 6, 4), (3, 3), 2), ValueError,
     ["fold: dimension 1 of the input (shape (1, 6, 4)) must be C*kh*kw, a multiple of the kernel's 2*2 = 4 "
      "elements"]),
    ("fold_patches", lambda: F.fold(ones(1, 8, 5), (3, 3), 2), ValueError,
     ["fold: the input (shape (1, 8, 5)) has 5 patches but output_size (3, 3) with kernel (2, 2), stride 1, "
      "padding 0, dilation 1 has 2 x 2 = 4"]),
    ("pixel_shuffle_channels", lambda: F.pixel_shuffle(ones(1, 6, 2, 2), 2), ValueError,
     ["pixel_shuffle: expected an input (*, C*r*r, H, W) with r = 2, whose channel axis (-3) is divisible by 4; "
      "got shape (1, 6, 2, 2)"]),
    ("pixel_unshuffle_sides", lambda: F.pixel_unshuffle(ones(1, 1, 3, 4), 2), ValueError,
     ["pixel_unshuffle: expected an input (*, C, H*r, W*r) with r = 2, whose last two axes are divisible by 2; "
      "got shape (1, 1, 3, 4)"]),
    ("pixel_shuffle_factor", lambda: F.pixel_shuffle(ones(1, 4, 2, 2), 0), ValueError,
     ["pixel_shuffle: upscale_factor must be a positive int, got 0"]),
    ("embedding_max_norm", lambda: F.embedding(np.array([0]), ones(3, 2), max_norm=1.0), NotImplementedError,
     ["embedding: max_norm= and scale_grad_by_freq= are not supported"]),
    ("embedding_weight_rank", lambda: F.embedding(np.array([0]), ones(3)), ValueError,
     ["embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape (3,)"]),
    ("softshrink_lambd", lambda: F.softshrink(ones(2), -1), ValueError, ["softshrink: lambd must be >= 0, got -1"]),
    ("threshold_value", lambda: F.threshold(ones(2), 0.5, "a"), TypeError,
     ["threshold: value must be a real number"]),
    ("rms_norm_shape", lambda: F.rms_norm(ones(2, 3), (2,)), ValueError,
     ["rms_norm: normalized_shape (2,) does not match the trailing dimensions of x of shape (2, 3)"]),
    ("rms_norm_weight", lambda: F.rms_norm(ones(2, 3), 3, ones(2)), ValueError,
     ["rms_norm: weight has shape (2,), expected (3,)"]),
    ("cosine_similarity_dim", lambda: F.cosine_similarity(ones(2, 3), ones(2, 3), dim=2), ValueError,
     ["cosine_similarity", "axis 2"]),
]


LAYERS = [
    ("linear_features", lambda: nn.Linear(3, 2)(ones32(4, 5)), ValueError,
     ["Linear: input of shape (4, 5) has 5 features in its last dimension, expected in_features=3"]),
    ("conv2d_module_channels", lambda: nn.Conv2d(3, 4, 3)(ones32(1, 2, 5, 5)), ValueError,
     ["Conv2d: expected input (N, 3, H, W) with 3 channels, got shape (1, 2, 5, 5) (2 channels)"]),
    ("batchnorm1d_features", lambda: nn.BatchNorm1d(3)(ones32(4, 5)), ValueError,
     ["BatchNorm1d: expected a 2-D or 3-D input with 3 channels in dimension 1, got shape (4, 5)"]),
    ("batchnorm2d_channels", lambda: nn.BatchNorm2d(3)(ones32(4, 5, 2, 2)), ValueError,
     ["BatchNorm2d: expected a 4-D input with 3 channels in dimension 1, got shape (4, 5, 2, 2)"]),
    ("batchnorm2d_rank", lambda: nn.BatchNorm2d(3)(ones32(4, 3)), ValueError,
     ["BatchNorm2d: expected a 4-D input", "got shape (4, 3)"]),
    ("layernorm_module", lambda: nn.LayerNorm(4)(ones32(2, 3)), ValueError,
     ["LayerNorm: input of shape (2, 3) does not end with the normalized shape (4,)"]),
    ("dropout_module_p", lambda: nn.Dropout(2), ValueError,
     ["Dropout: p is the probability of zeroing an element and must be a number in [0, 1], got 2"]),
    ("embedding_index", lambda: nn.Embedding(5, 2)(np.array([1, 7])), IndexError,
     ["embedding: index 7 is out of range for 5 embeddings; expected 0 <= index < 5"]),
    ("embedding_float_indices", lambda: nn.Embedding(5, 2)(np.array([1.5])), TypeError,
     ["embedding: indices must be integers, got dtype float64"]),
    ("rnn_input_size", lambda: nn.RNN(3, 4)(ones32(5, 2, 6)), ValueError,
     ["RNN: expected a 2-D or 3-D input whose last dimension is input_size=3, got shape (5, 2, 6)"]),
    ("gru_initial_state", lambda: nn.GRU(3, 4)(ones32(5, 2, 3), ones32(1, 3, 4)), ValueError,
     ["GRU: initial state has shape (1, 3, 4), expected (1, 2, 4)"]),
    ("lstm_cell_input", lambda: nn.LSTMCell(3, 4)(ones32(2, 5)), ValueError,
     ["LSTMCell: expected a 1-D or 2-D input whose last dimension is input_size=3, got shape (2, 5)"]),
    ("sequential_not_module", lambda: nn.Sequential(3), TypeError,
     ["Sequential.add_module: '0' is a int, expected a Module"]),
    ("mlp_one_size", lambda: nn.MLP([3]), ValueError,
     ["MLP: sizes must list at least an input and an output width, got [3]"]),
    ("module_without_forward", lambda: nn.Module()(1), NotImplementedError, ["Module: forward is not defined"]),
    ("load_state_missing", lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2))}), ValueError,
     ["Linear.load_state_dict: missing keys: bias"]),
    ("load_state_unexpected", lambda: nn.Linear(2, 2).load_state_dict(
        {"weight": np.ones((2, 2)), "bias": np.ones(2), "x": np.ones(1)}), ValueError,
     ["Linear.load_state_dict: unexpected keys: x"]),
    ("load_state_shape", lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((3, 2)), "bias": np.ones(2)}),
     ValueError, ["Linear.load_state_dict: wrongly shaped keys: weight (expected (2, 2), got (3, 2))"]),
    ("parameter_of_text", lambda: nn.Parameter("abc"), TypeError, ["Variable: data of dtype <U3 is not numeric"]),
    ("init_fan_of_vector", lambda: nn.init.xavier_normal_(nn.Parameter(np.ones(3))), ValueError,
     ["init: fan_in and fan_out need a weight with at least 2 dimensions, got shape (3,)"]),
    ("maxpool_module_2d", lambda: nn.MaxPool2d(2)(ones32(2, 2)), ValueError,
     ["max_pool2d: expected a 4-D input (N, C, H, W), got shape (2, 2)"]),
]


LAYERS += [
    ("module_to_text", lambda: nn.Linear(2, 2).to("abc"), TypeError,
     ["Linear.to: 'abc' is not a dtype; expected a floating dtype such as np.float32"]),
    ("module_to_int", lambda: nn.Linear(2, 2).to(np.int64), TypeError,
     ["Linear.to: expected a floating dtype, got int64"]),
    ("conv2d_no_out_channels", lambda: nn.Conv2d(3, 0, 3), ValueError,
     ["Conv2d: out_channels must be an int >= 1, got 0"]),
    ("conv1d_no_in_channels", lambda: nn.Conv1d(0, 4, 3), ValueError, ["Conv1d: in_channels must be an int >= 1, got 0"]),
    ("conv2d_kernel_zero", lambda: nn.Conv2d(3, 4, 0), ValueError,
     ["Conv2d: kernel_size must be an int >= 1 or 2 of them, got 0"]),
    ("conv2d_module_groups", lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError,
     ["Conv2d: groups=2 must divide in_channels (3) and out_channels (4)"]),
    ("linear_no_features", lambda: nn.Linear(0, 3), ValueError, ["Linear: in_features must be a positive integer, got 0"]),
    ("mha_heads", lambda: nn.MultiheadAttention(10, 3), ValueError,
     ["MultiheadAttention: embed_dim=10 is not divisible by num_heads=3"]),
    ("transformer_layer_heads", lambda: nn.TransformerEncoderLayer(10, 3), ValueError,
     ["MultiheadAttention: embed_dim=10 is not divisible by num_heads=3"]),
    ("mha_float64_input", lambda: nn.MultiheadAttention(4, 2)(ones(2, 3, 4), ones(2, 3, 4), ones(2, 3, 4)),
     TypeError, ["MultiheadAttention: the input has dtype float64 and requires grad, but the layer's parameters "
                 "are float32"]),
    ("groupnorm_divisibility", lambda: nn.GroupNorm(3, 10), ValueError,
     ["GroupNorm: num_channels=10 is not divisible by num_groups=3"]),
    ("groupnorm_channels", lambda: nn.GroupNorm(2, 4)(ones32(2, 6, 3)), ValueError,
     ["GroupNorm: expected an input (N, C, ...) with C = num_channels = 4, got shape (2, 6, 3)"]),
    ("embedding_padding_idx", lambda: nn.Embedding(5, 2, padding_idx=7), ValueError,
     ["Embedding: padding_idx=7 is out of range for 5 embeddings; expected -5 <= padding_idx < 5"]),
    ("upsample_mode", lambda: nn.Upsample(scale_factor=2, mode="cubic"), ValueError,
     ["Upsample: mode 'cubic' is not supported; expected one of 'nearest', 'nearest-exact', 'linear', 'bilinear', "
      "'trilinear'"]),
    ("rnn_nonlinearity", lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError,
     ["RNN: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"]),
    ("rnn_no_layers", lambda: nn.RNN(3, 4, num_layers=0), ValueError, ["RNN: num_layers must be a positive integer, got 0"]),
    ("sequential_index", lambda: nn.Sequential(nn.Linear(2, 2))[5], IndexError,
     ["Sequential: index 5 is out of range for 1 modules; expected -1 <= index < 1"]),
    ("moduledict_not_module", lambda: nn.ModuleDict({"a": 3}), TypeError,
     ["ModuleDict.add_module: 'a' is a int, expected a Module"]),
    ("parameterlist_int", lambda: nn.ParameterList([3]), TypeError,
     ["ParameterList: expected a Parameter, Variable or ndarray, got int"]),
    ("unflatten_dim", lambda: nn.Unflatten(2, (2, 3))(ones32(2, 6)), AxisError,
     ["Unflatten: dim 2 is out of range for an input of shape (2, 6)"]),
    ("unflatten_sizes", lambda: nn.Unflatten(1, (2, 2))(ones32(2, 6)), ValueError,
     ["Unflatten: dimension 1 of the input (shape (2, 6)) has size 6, which cannot be split into (2, 2)"]),
    ("maxpool_kernel_zero", lambda: nn.MaxPool2d(0)(ones32(1, 1, 4, 4)), ValueError,
     ["max_pool2d: kernel_size must be an int >= 1 or 2 of them, got 0"]),
    ("module_apply_not_callable", lambda: nn.Linear(2, 2).apply(3), TypeError,
     ["Linear.apply: expected a function fn(module), got int 3"]),
    ("init_uniform_bounds", lambda: nn.init.uniform_(nn.Parameter(np.ones(2)), 1, 0), ValueError,
     ["uniform_: low=1 must not exceed high=0"]),
    ("init_normal_std", lambda: nn.init.normal_(nn.Parameter(np.ones(2)), std=-1), ValueError,
     ["normal_: std must be >= 0, got -1"]),
]

OPTIMISERS = [
    ("sgd_negative_lr", lambda: sgd(lr=-1), ValueError, ["SGD: invalid lr -1; expected lr >= 0.0"]),
    ("sgd_lr_text", lambda: sgd(lr="a"), TypeError, ["SGD: lr must be a real number, got 'a'"]),
    ("sgd_momentum", lambda: sgd(momentum=-0.5), ValueError, ["SGD: invalid momentum -0.5; expected momentum >= 0.0"]),
    ("sgd_nesterov", lambda: sgd(nesterov=True), ValueError,
     ["SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum=0.0"]),
    ("sgd_weight_decay", lambda: sgd(weight_decay=-1), ValueError,
     ["SGD: invalid weight_decay -1; expected weight_decay >= 0.0"]),
    ("sgd_no_params", lambda: optim.SGD([], lr=0.1), ValueError, ["SGD: got an empty parameter list"]),
    ("sgd_single_variable", lambda: optim.SGD(nn.Parameter(np.ones(2)), lr=0.1), TypeError,
     ["SGD: params must be an iterable of Variables or of dicts, got a single Variable; wrap it in a list"]),
    ("sgd_ndarray_param", lambda: optim.SGD([np.ones(2)], lr=0.1), TypeError,
     ["SGD: can only optimise Variables, got ndarray"]),
    ("sgd_duplicate", lambda: (lambda p: optim.SGD([p, p], lr=0.1))(nn.Parameter(np.ones(2))), ValueError,
     ["SGD: a parameter appears twice in the parameter list"]),
    ("sgd_group_not_dict", lambda: sgd().add_param_group([1]), TypeError,
     ["SGD: a param group must be a dict with a 'params' entry, got [1]"]),
    ("sgd_closure_not_callable", lambda: sgd().step(3), TypeError,
     ["SGD.step: closure must be a function that recomputes the loss, got int 3"]),
    ("adam_beta1", lambda: optim.Adam(params(), betas=(1.5, 0.9)), ValueError,
     ["Adam: invalid beta1 1.5; expected beta1 in [0.0, 1.0)"]),
    ("adam_betas_single", lambda: optim.Adam(params(), betas=(0.9,)), ValueError,
     ["Adam: betas must be a pair (beta1, beta2), got (0.9,)"]),
    ("adam_eps", lambda: optim.Adam(params(), eps=-1), ValueError, ["Adam: invalid eps -1; expected eps >= 0.0"]),
    ("adamw_weight_decay", lambda: optim.AdamW(params(), weight_decay=-1), ValueError,
     ["AdamW: invalid weight_decay -1; expected weight_decay >= 0.0"]),
    ("adagrad_lr", lambda: optim.AdaGrad(params(), lr=-1), ValueError, ["AdaGrad: invalid lr -1; expected lr >= 0.0"]),
    ("adadelta_rho", lambda: optim.AdaDelta(params(), rho=2), ValueError,
     ["AdaDelta: invalid rho 2; expected rho in [0.0, 1.0]"]),
    ("load_state_not_optimizer_state", lambda: sgd().load_state_dict({"x": 1}), ValueError,
     ["SGD.load_state_dict: expected a dict with 'param_groups' and 'state'", "got ['x']"]),
    ("load_state_group_size", lambda: sgd().load_state_dict(optim.SGD(params() + params(), lr=0.1).state_dict()),
     ValueError, ["SGD.load_state_dict: param group 0 has 2 parameter(s) in the state but 1 here"]),
    ("clip_grad_norm_negative", lambda: optim.clip_grad_norm_(params(), -1), ValueError,
     ["clip_grad_norm_: max_norm must be a number >= 0, got -1"]),
    ("steplr_not_optimizer", lambda: lr_scheduler.StepLR("a", 2), TypeError, ["StepLR: expected an Optimizer, got str"]),
    ("steplr_step_size", lambda: lr_scheduler.StepLR(sgd(), 0), ValueError,
     ["StepLR: step_size must be a positive integer, got 0"]),
    ("cosine_t_max", lambda: lr_scheduler.CosineAnnealingLR(sgd(), T_max=0), ValueError,
     ["CosineAnnealingLR: T_max must be a positive integer, got 0"]),
    ("plateau_mode", lambda: lr_scheduler.ReduceLROnPlateau(sgd(), mode="up"), ValueError,
     ["ReduceLROnPlateau: mode must be 'min' or 'max', got 'up'"]),
    ("plateau_factor", lambda: lr_scheduler.ReduceLROnPlateau(sgd(), factor=2), ValueError,
     ["ReduceLROnPlateau: invalid factor 2; expected factor in [0.0, 1.0)"]),
    ("plateau_metric_text", lambda: lr_scheduler.ReduceLROnPlateau(sgd()).step("a"), TypeError,
     ["ReduceLROnPlateau.step: expected the monitored value as a number, got str 'a'"]),
]

DATA = [
    ("tensor_dataset_lengths", lambda: TensorDataset(np.ones((3, 2)), np.ones(4)), ValueError,
     ["TensorDataset: array 0 has 3 samples (shape (3, 2)) but array 1 has 4 (shape (4,)); expected the same number"]),
    ("tensor_dataset_0d", lambda: TensorDataset(np.ones(()), np.ones(4)), ValueError,
     ["TensorDataset: every array needs a first (sample) axis, but array 0 is 0-d; got shapes [(), (4,)]"]),
    ("tensor_dataset_index", lambda: data()[5], IndexError, ["TensorDataset: index 5 is out of range for 3 samples"]),
    ("loader_batch_zero", lambda: DataLoader(data(), batch_size=0), ValueError,
     ["DataLoader: batch_size must be a positive integer, got 0"]),
    ("loader_batch_float", lambda: DataLoader(data(), batch_size=2.5), ValueError,
     ["DataLoader: batch_size must be a positive integer, got 2.5"]),
    ("loader_tuple", lambda: DataLoader((np.ones(3),)), ValueError,
     ["DataLoader: a tuple dataset must be (x, t), got 1 items"]),
    ("loader_not_dataset", lambda: DataLoader(5), TypeError,
     ["DataLoader: dataset must have __len__ and __getitem__, got int"]),
    ("random_split_fractions", lambda: random_split(data(), (0.5, 0.6)), ValueError,
     ["random_split: fractions [0.5, 0.6] sum to 1.1"]),
    ("random_split_negative", lambda: random_split(data(), (-1, 4)), ValueError,
     ["random_split: expected non-negative fractions or lengths, got [-1, 4]"]),
    ("random_split_lengths", lambda: random_split(data(), (1, 1)), ValueError,
     ["random_split: lengths [1, 1] sum to 2 but the dataset has 3 samples"]),
    ("spiral_no_points", lambda: datasets.spiral(n_per_class=0), ValueError,
     ["spiral: n_per_class must be a positive integer, got 0"]),
    ("spiral_no_classes", lambda: datasets.spiral(n_classes=0), ValueError,
     ["spiral: n_classes must be a positive integer, got 0"]),
    ("spiral_noise", lambda: datasets.spiral(noise=-1), ValueError, ["spiral: noise must be a number >= 0, got -1"]),
    ("sine_negative", lambda: datasets.sine(n=-1), ValueError, ["sine: n must be a positive integer, got -1"]),
    ("sine_float_n", lambda: datasets.sine(n=2.5), ValueError, ["sine: n must be a positive integer, got 2.5"]),
    ("mnist_missing", lambda: datasets.mnist(os.path.dirname(__file__)), FileNotFoundError,
     ["mnist: file train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) not found in"]),
    ("one_hot_negative", lambda: transforms.one_hot(np.array([-1, 2]), 3), ValueError,
     ["one_hot: label -1 is out of range for 3 classes; expected labels in [0, 2]"]),
    ("one_hot_too_large", lambda: transforms.one_hot(np.array([1, 3]), 3), ValueError,
     ["one_hot: label 3 is out of range for 3 classes"]),
    ("one_hot_float", lambda: transforms.one_hot(np.array([1.5]), 3), TypeError,
     ["one_hot: labels must be integers, got dtype float64"]),
    ("standardize_axis", lambda: transforms.standardize(np.ones((2, 3)), axis=3), AxisError,
     ["standardize: axis 3 is out of range for x of shape (2, 3)"]),
    ("compose_not_callable", lambda: transforms.Compose([1]), TypeError,
     ["Compose: every transform must be callable, got 1"]),
    ("random_flip_p", lambda: transforms.random_flip(np.ones((2, 1, 4, 4)), p=2), ValueError,
     ["random_flip: p=2 is not a probability; expected 0 <= p <= 1"]),
    ("random_flip_1d", lambda: transforms.random_flip(np.ones(4)), ValueError,
     ["random_flip: expected a batch with at least 2 dimensions (samples first), got shape (4,)"]),
    ("random_flip_batch_axis", lambda: transforms.random_flip(np.ones((2, 4)), axis=0), ValueError,
     ["random_flip: axis 0 indexes the samples"]),
    ("random_shift_negative", lambda: transforms.random_shift(np.ones((2, 1, 4, 4)), max_shift=-1), ValueError,
     ["random_shift: max_shift must be >= 0, got -1"]),
    ("gaussian_noise_std", lambda: transforms.gaussian_noise(np.ones(3), std=-1), ValueError,
     ["gaussian_noise: std must be >= 0, got -1"]),
    ("manual_seed_text", lambda: mg.manual_seed("abc"), TypeError,
     ["manual_seed: seed must be a non-negative int, got str 'abc'"]),
    ("manual_seed_negative", lambda: mg.manual_seed(-3), ValueError,
     ["manual_seed: seed must be a non-negative int, got -3"]),
    ("manual_seed_float", lambda: mg.manual_seed(0.5), TypeError,
     ["manual_seed: seed must be a non-negative int, got float 0.5"]),
]


DATA += [
    ("loader_sampler_and_shuffle", lambda: DataLoader(data(), sampler=[0, 1, 2], shuffle=True), ValueError,
     ["DataLoader: sampler option is mutually exclusive with shuffle"]),
    ("loader_sampler_int", lambda: list(DataLoader(data(), sampler=5)), TypeError,
     ["DataLoader: sampler must be an iterable of indices, got int"]),
    ("loader_workers_negative", lambda: DataLoader(data(), num_workers=-1), ValueError,
     ["DataLoader: num_workers must be an integer >= 0, got -1"]),
    ("loader_workers_float", lambda: DataLoader(data(), num_workers=1.5), ValueError,
     ["DataLoader: num_workers must be an integer >= 0, got 1.5"]),
    ("loader_collate_not_callable", lambda: list(DataLoader(data(), batch_size=2, collate_fn=3)), TypeError,
     ["DataLoader: collate_fn must be callable, got int"]),
    ("loader_seed_negative", lambda: DataLoader(data(), seed=-1), ValueError,
     ["DataLoader: seed must be a non-negative int, got -1"]),
    ("loader_seed_text", lambda: DataLoader(data(), seed="abc"), TypeError,
     ["DataLoader: seed must be a non-negative int, got str 'abc'"]),
]


# PyTorch's torch.utils.data names (minigrad.utils.data) and lazy layers.
DATA += [
    ("tensor_dataset_requires_grad", lambda: TensorDataset(ones(3, 2), np.ones(3)), TypeError,
     ["TensorDataset: array 0 is a Variable that requires grad (shape (3, 2))", "pass a.detach() or the ndarray"]),
    ("tensor_dataset_empty", lambda: TensorDataset(), ValueError,
     ["TensorDataset: expected at least one array, e.g. TensorDataset(x, t)"]),
    ("tensor_dataset_target_transform_alone", lambda: TensorDataset(np.ones(3), target_transform=abs), ValueError,
     ["TensorDataset: target_transform applies to the second array, but there is one"]),
    ("random_sampler_num_samples", lambda: RandomSampler(range(3), num_samples=0), ValueError,
     ["RandomSampler: num_samples should be a positive integer value, but got num_samples=0"]),
    ("random_sampler_replacement", lambda: RandomSampler(range(3), replacement=1), TypeError,
     ["RandomSampler: replacement should be a boolean value, but got replacement=1"]),
    ("random_sampler_generator", lambda: RandomSampler(range(3), generator=3), TypeError,
     ["RandomSampler: generator must be a numpy.random.Generator or None, got int"]),
    ("batch_sampler_size", lambda: BatchSampler(range(3), 0, False), ValueError,
     ["BatchSampler: batch_size should be a positive integer value, but got batch_size=0"]),
    ("batch_sampler_drop_last", lambda: BatchSampler(range(3), 2, None), TypeError,
     ["BatchSampler: drop_last should be a boolean value, but got drop_last=None"]),
    ("loader_batch_sampler_shuffle", lambda: DataLoader(data(), batch_sampler=[[0, 1]], shuffle=True), ValueError,
     ["DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"]),
    ("utils_loader_batch_sampler_size", lambda: utils_data.DataLoader(data(), 2, batch_sampler=[[0, 1]]),
     ValueError, ["DataLoader: batch_sampler option is mutually exclusive with batch_size"]),
    ("random_split_generator", lambda: random_split(data(), (2, 1), generator=1), TypeError,
     ["random_split: generator must be a numpy.random.Generator or None, got int"]),
]

LAYERS += [
    ("lazy_shape_before_forward", lambda: nn.LazyLinear(3).weight.shape, ValueError,
     ["shape: this parameter of a lazy module (nn.Lazy*) is not initialized yet; call the module's forward"]),
    ("lazy_state_dict_before_forward", lambda: nn.Sequential(nn.LazyLinear(3)).state_dict(), ValueError,
     ["state_dict: LazyLinear is not initialized yet (a lazy layer); call the model's forward with a first batch"]),
    ("lazy_conv_rank", lambda: nn.LazyConv2d(2, 3)(ones32(3, 4)), ValueError,
     ["LazyConv2d: expected a 4-D (N, C, H, W) or 3-D (C, H, W) input, got shape (3, 4)"]),
    ("lazy_batchnorm_rank", lambda: nn.LazyBatchNorm2d()(ones32(3, 4)), ValueError,
     ["LazyBatchNorm2d: expected a 4-D input (N, C, H, W), got shape (3, 4)"]),
    ("lazy_conv_settings", lambda: nn.LazyConv2d(3, 0), ValueError,
     ["Conv2d: kernel_size must be an int >= 1 or 2 of them, got 0"]),
    ("buffer_not_array", lambda: nn.Linear(2, 2).register_buffer("b", [1, 2]), TypeError,
     ["Linear: buffer 'b' must be an ndarray, a Variable or None, got list"]),
]


SERIALIZATION = [
    ("save_object", lambda tmp: mg.save(object(), tmp / "a.npz"), TypeError,
     ["save: expected a dict of name -> array", "got object"]),
    ("save_int_key", lambda tmp: mg.save({1: np.ones(2)}, tmp / "a.npz"), TypeError,
     ["save: keys must be strings", "got 1 (int)"]),
    ("save_missing_folder", lambda tmp: mg.save({"a": np.ones(2)}, tmp / "nodir" / "a.npz"), OSError,
     ["save: cannot write", "nodir", "No such file or directory"]),
    ("save_object_array", lambda tmp: mg.save({"a": np.array([None])}, tmp / "a.npz"), TypeError,
     ["save: entry 'a' has dtype object; expected a numeric array"]),
    ("load_missing", lambda tmp: mg.load(tmp / "missing.npz"), FileNotFoundError, ["load: no such file:", "missing.npz"]),
]


SERIALIZATION += [
    ("save_module", lambda tmp: mg.save(nn.Linear(2, 2), tmp / "a.npz"), TypeError,
     ["save: expected a dict of name -> array (use model.state_dict())", "got Linear"]),
    ("load_not_npz", lambda tmp: (tmp / "a.npz").write_text("hello") and mg.load(tmp / "a.npz"), ValueError,
     ["load:", "a.npz' is not an .npz archive"]),
]


def onnx_export(*args, **kwargs):
    pytest.importorskip("onnx")  # a Skipped is not an Exception: pytest.raises lets it through
    return mg.onnx.export(*args, **kwargs)


ONNX = [
    ("onnx_unsupported_op", lambda tmp: onnx_export(lambda x: F.atan2(x, 2.0 + x * x), np.ones((2, 3)),
                                                    tmp / "m.onnx"), mg.onnx.UnsupportedOpError,
     ["onnx.export: no ONNX mapping for 'atan2' (minigrad.functions.elementwise.Atan2). Ops that export:"]),
    ("onnx_old_opset", lambda tmp: onnx_export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp / "m.onnx",
                                               opset=5), ValueError,
     ["onnx.export: opset 5 is not supported; expected 17 or later"]),
    ("onnx_not_callable", lambda tmp: onnx_export(3, np.ones((2, 3)), tmp / "m.onnx"), TypeError,
     ["onnx.export: model must be a Module or a function of Variables, got int 3"]),
    ("onnx_input_names", lambda tmp: onnx_export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp / "m.onnx",
                                                 input_names=["a", "b"]), ValueError,
     ["onnx.export: input_names ['a', 'b'] do not name the 1 inputs once each"]),
]

def traced_square():
    """A trace of one backward pass through x * x."""
    x = ones(2)
    with viz.trace_backward() as trace:
        (x * x).sum().backward()
    return trace


def draw_recorded_mlp(**to_dot_options):
    """to_dot of Linear then Tanh, run inside module_scopes."""
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    with viz.module_scopes(model):
        y = model(ones32(1, 2))
    return viz.to_dot(y, params=model, **to_dot_options)


VIZ = [
    ("to_dot_show", lambda: viz.to_dot(ones(2) * 2, show=("bogus",)), ValueError,
     ["to_dot: show=('bogus',) has unknown entries ['bogus']; expected any of ('name', 'shape'"]),
    ("to_dot_rankdir", lambda: viz.to_dot(ones(2) * 2, rankdir="XY"), ValueError,
     ["to_dot: rankdir='XY'; expected one of ('TB', 'LR', 'BT', 'RL')"]),
    ("to_dot_ndarray", lambda: viz.to_dot(np.ones(2)), TypeError, ["to_dot: expected Variables as outputs, got ndarray"]),
    ("to_dot_nothing", lambda: viz.to_dot(), TypeError, ["to_dot: expected at least one output Variable"]),
    ("to_dot_params_list", lambda: viz.to_dot(ones(2) * 2, params=[1]), TypeError,
     ["to_dot: params must be a Module or a dict of name -> Parameter, got list"]),
    ("to_dot_params_array", lambda: viz.to_dot(ones(2) * 2, params={"w": np.ones(2)}), TypeError,
     ["to_dot: params['w'] is a ndarray, expected a Parameter"]),
    ("trace_backward_params_list", lambda: viz.trace_backward(params=[1]), TypeError,
     ["trace_backward: params must be a Module or a dict of name -> Parameter, got list"]),
    ("render_format", lambda: viz.render(ones(2) * 2, path="graph.xyz"), ValueError,
     ["render: cannot tell the image format from 'graph.xyz' (format='xyz')", ".png, .svg or .pdf"]),
    ("module_scopes_not_module", lambda: viz.module_scopes(3), TypeError, ["module_scopes: expected a Module, got int"]),
    ("cluster_without_scopes", lambda: viz.to_dot(ones(2) * 2, params=nn.Linear(2, 2), cluster_modules=True),
     ValueError, ["to_dot: cluster_modules=True needs params=model", "viz.module_scopes(model)"]),
    ("trace_without_backward", lambda: viz.trace_backward().to_html("t.html"), ValueError,
     ["to_html: the trace recorded no backward pass; run backward() inside"]),
    ("to_html_check", lambda: traced_square().html(check="yes"), ValueError,
     ["to_html: check='yes'; expected True (always), False (never) or \"auto\""]),
    ("to_dot_collapse_unrecorded", lambda: viz.to_dot(ones(2) * 2, params=nn.Linear(2, 2), collapse=True),
     ValueError, ["to_dot: collapse=True needs params=model", "viz.module_scopes(model)"]),
    ("to_dot_collapse_unknown", lambda: draw_recorded_mlp(collapse=["2"]),
     ValueError, ["to_dot: collapse=['2'] names ['2'], which made no op of this graph; expected True or some "
                  "of the modules drawn: ['0', '1']"]),
]

TRAINING = [
    ("fit_negative_epochs", lambda: fit(nn.Linear(2, 2), sgd(), F.mean_squared_error, [], epochs=-1,
                                        progress=False), ValueError, ["fit: epochs must be an integer >= 0, got -1"]),
    ("early_stopping_patience", lambda: EarlyStopping(patience=-1), ValueError,
     ["EarlyStopping: patience must be an integer >= 0, got -1"]),
    ("early_stopping_mode", lambda: EarlyStopping(mode="up"), ValueError,
     ["EarlyStopping: mode must be 'auto', 'min' or 'max', got 'up'"]),
    ("early_stopping_monitor", lambda: EarlyStopping(monitor="val_loss").on_epoch_end(None, 0, {"loss": 1.0}),
     ValueError, ["EarlyStopping: monitor 'val_loss' is not among the logged values ['loss']",
                  "pass fit a val_loader"]),
    ("fit_loss_fn_not_callable", lambda: fit(nn.Linear(2, 2), sgd(), 3, [], progress=False), TypeError,
     ["fit: loss_fn must be callable, got int 3"]),
    ("fit_arguments_swapped", lambda: fit(nn.Linear(2, 2), F.mse_loss, sgd(), [], progress=False), TypeError,
     ["fit: loss_fn must be callable, got SGD"]),
    ("fit_optimizer", lambda: fit(nn.Linear(2, 2), 3, F.mse_loss, [], progress=False), TypeError,
     ["fit: optimizer must have step() and zero_grad() (an Optimizer), got int 3"]),
    ("fit_loader_not_iterable", lambda: fit(nn.Linear(2, 2), sgd(), F.mse_loss, 3, progress=False), TypeError,
     ["fit: train_loader must be an iterable of (x, t) batches (a DataLoader), got int 3"]),
]

GRADCHECK = [
    ("gradcheck_catches_a_wrong_derivative", lambda: mg.gradcheck(lambda x: WrongDerivative()(x), np.ones(2)),
     mg.GradcheckError, ["gradcheck: input 0, element", "numerical", "vs analytic", "input shape (2,)"]),
    ("gradgradcheck_catches_it", lambda: mg.gradgradcheck(lambda x: WrongDerivative()(x) * x, np.ones(2)),
     mg.GradcheckError, ["gradgradcheck: input 0"]),
    ("gradcheck_returns_float", lambda: mg.gradcheck(lambda x: 3.0, np.ones(2)), TypeError,
     ["gradcheck: f must return a Variable", "got float for output 0"]),
    ("gradcheck_returns_ndarray", lambda: mg.gradcheck(lambda x: x.data * 2, np.ones(2)), TypeError,
     ["gradcheck: f must return a Variable", "got ndarray for output 0"]),
    ("gradcheck_integer_input", lambda: mg.gradcheck(lambda x: x * 2, np.ones(2, dtype=int)), TypeError,
     ["gradcheck: input 0 has dtype int64 (shape (2,)); expected float64"]),
    ("gradgradcheck_not_callable", lambda: mg.gradgradcheck(3, np.ones(2)), TypeError,
     ["gradgradcheck: f must be a function taking Variables and returning a Variable, got int 3"]),
    ("numerical_grad_not_callable", lambda: mg.numerical_grad(3, np.ones(2)), TypeError,
     ["numerical_grad: f must be a function taking Variables and returning a Variable, got int 3"]),
    ("hessian_of_vector", lambda: mg.hessian(lambda x: x * 2, np.ones(2)), ValueError,
     ["hessian: f must return a single value, got shape (2,)"]),
    ("hvp_direction_shape", lambda: mg.hvp(lambda x: (x * x).sum(), np.ones(2), np.ones(3)), ValueError,
     ["hvp: v has shape (3,) but x has shape (2,)"]),
    ("grad_outputs_count", lambda: mg.grad([ones(2).sum()], [ones(2)], grad_outputs=[1, 2]), ValueError,
     ["grad: 2 grad_outputs for 1 outputs"]),
]


GRADCHECK += [
    ("grad_output_float", lambda: mg.grad(3.0, [ones(2)]), TypeError,
     ["grad: outputs must be a Variable or a list of Variables, got float"]),
    ("grad_output_in_list", lambda: mg.grad([ones(2).sum(), 3.0], [ones(2)]), TypeError,
     ["grad: outputs must be Variables, got float"]),
    ("grad_inputs_ndarray", lambda: mg.grad(ones(2).sum(), np.ones(2)), TypeError,
     ["grad: inputs must be a Variable or a list of Variables, got ndarray"]),
    ("grad_input_in_list", lambda: mg.grad([ones(2).sum()], [np.ones(2)]), TypeError,
     ["grad: inputs must be Variables, got ndarray"]),
    ("grad_output_shape", lambda: (lambda x: mg.grad(x * 2, x, grad_outputs=np.ones(3)))(ones(2)), ValueError,
     ["grad: grad_output has shape (3,) but the output has shape (2,)"]),
    ("grad_unused", lambda: (lambda x, z: mg.grad((x * 2).sum(), [x, z], allow_unused=False))(ones(2), ones(2)),
     RuntimeError, ["grad: inputs [1] are not used in computing the outputs; pass allow_unused=True"]),
    ("jacobian_not_callable", lambda: mg.jacobian(3, np.ones(2)), TypeError,
     ["jacobian: f must be a function taking a Variable and returning a Variable, got int 3"]),
    ("jacobian_returns_float", lambda: mg.jacobian(lambda x: 3.0, np.ones(2)), TypeError,
     ["jacobian: f must return a Variable", "got float"]),
    ("hessian_not_callable", lambda: mg.hessian(3, np.ones(2)), TypeError,
     ["hessian: f must be a function taking a Variable and returning a Variable, got int 3"]),
    ("hessian_returns_ndarray", lambda: mg.hessian(lambda x: x.data.sum(), np.ones(2)), TypeError,
     ["hessian: f must return a Variable", "got float64"]),
    ("hvp_not_callable", lambda: mg.hvp(3, np.ones(2), np.ones(2)), TypeError,
     ["hvp: f must be a function taking a Variable and returning a Variable, got int 3"]),
]


def nan_forward():
    with mg.detect_anomaly():
        F.log(ones(2, 3) * -1)


def nan_backward():
    with mg.detect_anomaly():
        F.sqrt(mg.Variable(np.zeros((2, 2)))).sum().backward()


ENGINE = [
    ("backward_without_grad", lambda: mg.Variable(np.ones(2), requires_grad=False).backward(), RuntimeError,
     ["backward: this Variable does not require grad"]),
    ("function_without_forward", lambda: mg.Function()(ones(2)), NotImplementedError,
     ["function: forward is not defined"]),
    ("function_without_backward", lambda: NoBackward()(ones(2)).sum().backward(), NotImplementedError,
     ["no_backward: backward is not defined"]),
    ("backward_gradient_count", lambda: TwoGradients()(ones(2)).sum().backward(), RuntimeError,
     ["two_gradients: backward returned 2 gradients for 1 inputs"]),
    ("anomaly_forward", nan_forward, mg.AnomalyError,
     ["log: forward produced NaN in output 0 of shape (2, 3) (input shapes: (2, 3))", "test_errors.py"]),
    ("anomaly_backward", nan_backward, mg.AnomalyError,
     ["sqrt: backward produced inf in the gradient of input 0 (input shapes: (2, 2))", "test_errors.py"]),
]


def leaf(*shape):
    return mg.Variable(np.ones(shape), requires_grad=True)


def update_leaf(symbol):
    x = leaf(3)
    exec(f"x {symbol} 2", {}, {"x": x})


def grow_in_place():
    x = leaf(3)
    with mg.no_grad():
        x += np.ones((2, 3))


def set_item():
    x = leaf(3)
    x[0] = 5


def set_item_of_a_view():
    x = (leaf(2, 3) * 1)[0]
    x[0] = 5


ENGINE += [
    ("leaf_iadd", lambda: update_leaf("+="), RuntimeError,
     ["+=: in-place update of a leaf Variable that requires grad (shape (3,)) while the graph is recorded would "
      "corrupt its gradient; wrap the update in `with mg.no_grad():`"]),
    ("leaf_imul", lambda: update_leaf("*="), RuntimeError, ["*=: in-place update of a leaf Variable that requires grad"]),
    ("leaf_zero_", lambda: leaf(3).zero_(), RuntimeError, ["zero_: in-place update of a leaf Variable that requires grad"]),
    ("computed_fill_", lambda: (leaf(3) * 2).fill_(1), RuntimeError,
     ["fill_: in-place update of a Variable computed by an op while the graph is recorded"]),
    ("in_place_shape", grow_in_place, ValueError,
     ["+=: cannot update a Variable of shape (3,) and dtype float64 in place with a value of shape (2, 3)"]),
    ("set_item", set_item, RuntimeError,
     ["setitem: in-place update of a leaf Variable that requires grad (shape (3,))", "mg.no_grad()"]),
    ("set_item_of_a_view", set_item_of_a_view, RuntimeError,
     ["x[0] = ...: in-place change, while the graph is recorded, of a Variable (shape (3,)) that is a view",
      "x = x.clone()"]),
    ("set_item_bad_shape", lambda: mg.zeros(3).__setitem__(slice(0, 2), np.ones(3)), ValueError,
     ["setitem: cannot write a value of shape (3,) at x[slice(0, 2, None)] of a Variable of shape (3,)"]),
    ("in_place_method_shape", lambda: mg.zeros(3).add_(mg.ones(2, 3)), ValueError,
     ["add_: the result of shape (2, 3) does not fit a Variable of shape (3,) in place", "x = x.add(...)"]),
    ("in_place_method_dtype", lambda: mg.arange(3).div_(2), TypeError,
     ["div_: the result of dtype float64 cannot be written into a Variable of dtype int64 in place",
      "x = x.div(...)"]),
    ("item_of_many", lambda: ones(3).item(), ValueError,
     ["item: only a Variable with one element converts to a Python number; this one has shape (3,) (3 elements)"]),
    ("float_of_many", lambda: float(ones(2, 2)), ValueError,
     ["float: only a Variable with one element converts to a Python number; this one has shape (2, 2) (4 elements)"]),
    ("int_of_many", lambda: int(ones(3)), ValueError, ["int: only a Variable with one element", "shape (3,)"]),
    ("bool_of_many", lambda: bool(ones(3)), ValueError, ["bool: only a Variable with one element", "shape (3,)"]),
    ("len_of_0d", lambda: len(ones()), TypeError, ["len: a 0-d Variable (shape ()) has no length; use x.item()"]),
    ("numpy_fft", lambda: np.fft.fft(ones(3)), TypeError,
     ["np.fft.fft is not differentiable in minigrad and got a Variable; pass x.data"]),
    ("numpy_eig", lambda: np.linalg.eig(ones(3, 3)), TypeError,
     ["np.linalg.eig is not differentiable in minigrad and got a Variable"]),
    ("numpy_mean_where", lambda: np.mean(ones(2), where=np.array([True, False])), TypeError,
     ["np.mean on a Variable: minigrad's mean cannot take these arguments", "where"]),
    ("hook_not_callable", lambda: ones(2).register_hook(3), TypeError,
     ["register_hook: expected a function fn(grad), got int 3"]),
    ("hook_without_grad", lambda: mg.Variable(np.ones(2), requires_grad=False).register_hook(print), RuntimeError,
     ["register_hook: this Variable does not require grad"]),
    ("requires_grad_off_computed", lambda: (ones(2) * 2).requires_grad_(False), RuntimeError,
     ["requires_grad_: this Variable was computed by an op; only a leaf's flag can be turned off"]),
    ("astype_text", lambda: ones(2).astype("abc"), TypeError,
     ["astype: dtype 'abc' is not a dtype; expected a NumPy dtype"]),
    ("get_item_text", lambda: ones(2)["a"], IndexError, ["get_item: index 'a' is invalid for shape (2,)"]),
    # The NumPy boundary: converting a Variable that requires grad would drop its gradient.
    ("numpy_requires_grad", lambda: ones(2, 3).numpy(), RuntimeError,
     ["x.numpy(): can't convert a Variable of shape (2, 3) that requires grad to an ndarray: its gradient "
      "would be lost without a sign. Use x.detach().numpy() or x.data"]),
    ("asarray_requires_grad", lambda: np.asarray(ones(3)), RuntimeError,
     ["np.asarray(x) or np.array(x) (x.__array__): can't convert a Variable of shape (3,) that requires grad",
      "x.detach().numpy() or x.data"]),
    ("numpy_array_of_variables", lambda: np.array([ones(), ones() * 2]), RuntimeError,
     ["np.asarray(x)", "a Variable of shape () that requires grad", "F.stack for a list of Variables"]),
    ("numpy_r_of_variables", lambda: np.r_[ones(2), ones(2)], RuntimeError,
     ["np.asarray(x)", "a Variable of shape (2,) that requires grad", "x.detach().numpy()"]),
    ("scipy_logsumexp", lambda: scipy.special.logsumexp(ones(1, 3), axis=1), RuntimeError,
     ["np.asarray(x)", "a Variable of shape (1, 3) that requires grad", "F.logsumexp"]),
    ("scipy_ufunc_not_differentiable", lambda: scipy.special.ndtri(ones(2)), TypeError,
     ["scipy.special.ndtri is not differentiable in minigrad and got a Variable; pass x.data"]),
    ("scipy_ufunc_keyword", lambda: scipy.special.erf(ones(2), dtype=np.float32), TypeError,
     ["scipy.special.erf on a Variable: minigrad's erf does not take dtype="]),
    ("dlpack_requires_grad", lambda: np.from_dlpack(ones(3, 2)), BufferError,
     ["__dlpack__: can't export a Variable of shape (3, 2) that requires grad", "export x.detach()"]),
    ("vstack_nothing", lambda: F.vstack([]), ValueError, ["vstack: expected at least one array, got none"]),
    ("hstack_not_a_list", lambda: F.hstack(ones(2, 3)), TypeError,
     ["hstack: expected a list or tuple of arrays, got Variable"]),
    ("vstack_shapes", lambda: F.vstack([ones(2, 3), ones(2, 4)]), ValueError,
     ["vstack: shapes (2, 3) and (2, 4) (as joined) do not match", "except along axis 0"]),
    ("append_shapes", lambda: F.append(ones(2, 3), ones(3, 1), axis=1), ValueError,
     ["append: shapes (2, 3) and (3, 1) (as joined) do not match", "except along axis 1"]),
    ("array_split_zero", lambda: F.array_split(ones(4), 0), ValueError,
     ["array_split: the number of sections must be positive, got 0 (axis 0 of shape (4,))"]),
    ("hsplit_unequal", lambda: F.hsplit(ones(2, 5), 2), ValueError,
     ["hsplit: cannot split axis 1 of size 5 (shape (2, 5)) into 2 equal parts", "np.array_split"]),
    ("vsplit_1d", lambda: F.vsplit(ones(4), 2), ValueError,
     ["vsplit: x of shape (4,) has 1 dimensions; expected at least 2"]),
    ("dsplit_2d", lambda: F.dsplit(ones(4, 2), 2), ValueError,
     ["dsplit: x of shape (4, 2) has 2 dimensions; expected at least 3"]),
    ("flipud_0d", lambda: F.flipud(ones()), ValueError, ["flipud: x is 0-d; expected at least 1 dimension"]),
    ("fliplr_1d", lambda: F.fliplr(ones(3)), ValueError,
     ["fliplr: x of shape (3,) has 1 dimensions; expected at least 2"]),
    ("rot90_same_axis", lambda: F.rot90(ones(2, 3), axes=(1, -1)), ValueError,
     ["rot90: axes (1, -1) name the same axis of shape (2, 3); expected two different axes"]),
    ("rot90_one_axis", lambda: F.rot90(ones(2, 3), axes=(0,)), ValueError, ["rot90: axes (0,) must be two axes"]),
    ("meshgrid_indexing", lambda: F.meshgrid(ones(2), indexing="yx"), ValueError,
     ["meshgrid: indexing='yx'; expected 'xy' or 'ij'"]),
    ("diff_order", lambda: F.diff(ones(3), -1), ValueError, ["diff: the order n=-1 must be a non-negative int"]),
    ("diff_0d", lambda: F.diff(ones()), ValueError, ["diff: a is 0-d; expected at least 1 dimension"]),
    ("trapezoid_points", lambda: F.trapezoid(ones(2, 4), ones(3)), ValueError,
     ["trapezoid: x of shape (3,) does not fit y of shape (2, 4) along axis 1; expected 4 sample points"]),
    ("cross_2_vectors", lambda: F.cross(ones(4, 2), ones(4, 2)), ValueError,
     ["cross: shapes (4, 2) and (4, 2) have 2 and 2 elements along the vector axes; expected 3",
      "a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]"]),
    ("cross_0d", lambda: F.cross(ones(), ones(3)), ValueError,
     ["cross: shapes () and (3,): expected arrays of 3-vectors"]),
    ("nan_to_num_in_place", lambda: F.nan_to_num(ones(2), copy=False), ValueError,
     ["nan_to_num: copy=False (replacing in place) is not supported; write x = np.nan_to_num(x)"]),
    ("ravel_order", lambda: F.ravel(ones(2, 3), order="F"), ValueError,
     ["ravel: order='F' is not supported; expected 'C'"]),
    ("svd_vector", lambda: F.svd(ones(3)), ValueError, ["svd: expected matrices (shape (..., m, n)), got shape (3,)"]),
    ("svd_repeated_values", lambda: backward_of_cube(F.svd(mg.Variable(np.eye(3)))[0]), ValueError,
     ["svd: the gradient through the singular vectors U and Vh is not defined where singular values repeat",
      "PyTorch gives NaN", "[1.0, 1.0, 1.0]", "a function of the singular values alone"]),
    ("svd_zero_value", lambda: backward_of_cube(F.svd(mg.Variable(np.eye(3, 2) * [1, 0]), False)[0]),
     ValueError, ["svd: the gradient through U and Vh of a matrix of shape (3, 2) is not defined where a singular "
                  "value is 0"]),
    ("eigh_rectangular", lambda: F.eigh(ones(2, 3)), ValueError,
     ["eigh: expected square matrices (shape (..., n, n)), got shape (2, 3)"]),
    ("eigh_uplo", lambda: F.eigh(ones(2, 2), UPLO="X"), ValueError, ["eigh: UPLO='X'; expected 'L' or 'U'"]),
    ("eigh_repeated_values", lambda: backward_of_cube(F.eigh(mg.Variable(np.eye(3)))[1]), ValueError,
     ["eigh: the gradient through the eigenvectors is not defined where eigenvalues repeat", "[1.0, 1.0, 1.0]"]),
    ("qr_mode", lambda: F.qr(ones(2, 3), mode="full"), ValueError,
     ["qr: mode='full' is not supported; expected 'reduced', 'complete' or 'r'"]),
    ("qr_complete_tall", lambda: backward_of_cube(F.qr(mg.Variable(np.eye(3, 2) + 0.5), "complete")[0]), ValueError,
     ["qr: mode='complete' of a matrix of shape (3, 2) (more rows than columns) is not differentiable",
      "use mode='reduced'"]),
    ("pinv_vector", lambda: F.pinv(ones(3)), ValueError, ["pinv: expected matrices (shape (..., m, n)), got shape (3,)"]),
    ("matrix_power_rectangular", lambda: F.matrix_power(ones(2, 3), 2), ValueError,
     ["matrix_power: expected square matrices (shape (..., n, n)), got shape (2, 3)"]),
    ("matrix_power_float", lambda: F.matrix_power(ones(2, 2), 1.5), TypeError,
     ["matrix_power: the exponent n=1.5 must be an int"]),
    ("einsum_sublist_entry", lambda: F.einsum(ones(2, 3), [0, -1]), ValueError,
     ["einsum: sublist entry -1 in [0, -1] is not valid; expected ints 0..51 or Ellipsis"]),
]

PYTORCH_DOOR = [
    ("torch_split_sizes", lambda: mg.split(mg.arange(6), [2, 2]), ValueError,
     ["split: sizes [2, 2] add up to 4, but dim 0 of shape (6,) has 6 elements"]),
    ("torch_max_dims", lambda: ones(2, 3).max(dim=(0, 1)), TypeError,
     ["max: PyTorch's max takes one dim, got (0, 1)", "amax/amin", "axis=(0, 1)"]),
    ("torch_var_mixed", lambda: ones(2, 3).var(ddof=1, unbiased=True), TypeError,
     ["var: NumPy's ddof=/axis=/keepdims= and PyTorch's unbiased=/correction= were mixed"]),
    ("torch_transpose_one", lambda: ones(2, 3).transpose(1), TypeError,
     ["transpose: got one axis 1 for shape (2, 3)", "swaps two axes"]),
    ("torch_repeat_too_few", lambda: ones(2, 3).repeat(2), ValueError,
     ["repeat: 1 repeat counts (2,) for a Variable of shape (2, 3)", "at least one per axis (2)"]),
    ("torch_kthvalue_k", lambda: ones(2, 3).kthvalue(4), ValueError,
     ["kthvalue: k=4 is out of range for dim -1 of size 3 (shape (2, 3))"]),
    ("torch_multinomial_too_many", lambda: mg.multinomial(ones(3), 4), ValueError,
     ["multinomial: cannot draw 4 samples without replacement from 3 categories", "replacement=True"]),
    ("torch_no_such_name", lambda: mg.no_such_function, AttributeError,
     ["module 'minigrad' has no attribute 'no_such_function'"]),
    ("torch_name_only_in_F", lambda: mg.linear, AttributeError,
     ["module 'minigrad' has no attribute 'linear'; minigrad.functions.linear exists", "F.linear(...)"]),
    ("torch_bfloat16_missing", lambda: np.dtype(mg.dtypes.MissingDtype("bfloat16", "ml_dtypes")), TypeError,
     ["bfloat16: NumPy has no bfloat16; it comes from the 'ml_dtypes' package"]),
]

CREATION = [
    ("zeros_negative", lambda: mg.zeros(-1), ValueError,
     ["zeros: a shape is non-negative ints, got (-1,): size -1 is negative"]),
    ("zeros_negative_first", lambda: mg.zeros(-3, 2), ValueError,
     ["zeros: a shape is non-negative ints, got (-3, 2): size -3 is negative"]),
    ("ones_negative_dim", lambda: mg.ones((2, -3)), ValueError, ["ones: a shape is non-negative ints, got (2, -3)"]),
    ("randn_negative", lambda: mg.randn(-2), ValueError, ["randn: a shape is non-negative ints, got (-2,)"]),
    ("empty_negative", lambda: mg.empty(-1, 2), ValueError, ["empty: a shape is non-negative ints", "size -1"]),
    ("full_negative", lambda: mg.full((-1,), 2.0), ValueError, ["full: a shape is non-negative ints", "size -1"]),
    ("rand_negative", lambda: mg.rand(3, -4), ValueError, ["rand: a shape is non-negative ints", "size -4"]),
    ("randint_negative_size", lambda: mg.randint(0, 3, (-2,)), ValueError,
     ["randint: a shape is non-negative ints", "size -2"]),
    ("eye_negative", lambda: mg.eye(-2), ValueError, ["eye: a shape is non-negative ints, got (-2, -2)"]),
    ("linspace_negative", lambda: mg.linspace(0, 1, -2), ValueError, ["linspace: a shape is non-negative ints"]),
    ("zeros_float_size", lambda: mg.zeros(2.5), TypeError, ["zeros: a shape is non-negative ints, got (2.5,)"]),
    ("zeros_bad_dtype", lambda: mg.zeros(2, dtype="abc"), TypeError,
     ["zeros: dtype 'abc' is not a dtype; expected a NumPy dtype"]),
    ("tensor_text", lambda: mg.tensor("abc"), TypeError, ["tensor: expected numbers, got str of dtype <U3"]),
    ("tensor_bad_dtype", lambda: mg.tensor([1.0], dtype="abc"), TypeError, ["tensor: dtype 'abc' is not a dtype"]),
    ("randint_low_above_high", lambda: mg.randint(5, 2, (3,)), ValueError,
     ["randint: low=5 must be less than high=2"]),
    ("randint_no_size", lambda: mg.randint(5), TypeError,
     ["randint: expected randint(low, high, size) or randint(high, size)"]),
    ("arange_zero_step", lambda: mg.arange(0, 5, 0), ValueError, ["arange: step must not be 0, got arange(0, 5, 0)"]),
    ("full_text", lambda: mg.full((2,), "a"), TypeError, ["full: fill_value must be a number, got str 'a'"]),
    ("rand_int_dtype", lambda: mg.rand(2, dtype=int), TypeError, ["rand: draws floats; dtype int64 is not a floating dtype"]),
    ("zeros_int_requires_grad", lambda: mg.zeros(2, dtype=int, requires_grad=True), RuntimeError,
     ["zeros: only floating-point Variables can require grad; this one has dtype int64"]),
    ("from_numpy_list", lambda: mg.from_numpy([1, 2]), TypeError, ["from_numpy: expected an ndarray, got list"]),
    ("randn_like_int", lambda: mg.randn_like(np.ones(2, int)), TypeError,
     ["randn_like: x has dtype int64; pass a floating dtype="]),
]

# Complex numbers are refused at every entry (API.md, "Trust"); edges of 0-d inputs and of roll.
OPS += [
    ("mul_complex_number", lambda: ones(2) * 1j, TypeError, ["mul: complex numbers are not supported by minigrad"]),
    ("add_complex_array", lambda: ones(2) + np.array([1j, 0]), TypeError,
     ["add: complex numbers are not supported by minigrad (got dtype complex128)", "z.real, z.imag"]),
    ("exp_complex_array", lambda: F.exp(np.array([1j])), TypeError, ["exp: complex numbers are not supported"]),
    ("np_multiply_complex", lambda: np.multiply(ones(2), np.complex64(1j)), TypeError,
     ["mul: complex numbers are not supported by minigrad (got dtype complex64)"]),
    ("pad_complex_value", lambda: F.pad(ones(2), 1, value=1j), TypeError, ["pad: value must be a real number, got 1j"]),
    ("sum_0d_axis", lambda: ones().sum(axis=1), AxisError,
     ["sum: axis 1 is out of range for a 0-d array; expected 0 or -1 (as PyTorch's dim), or None"]),
    ("max_0d_repeated_axis", lambda: F.max(ones(), axis=(0, -1)), ValueError,
     ["max: repeated axis in (0, -1) (a 0-d array has one axis, 0 or -1)"]),
    ("topk_0d_k", lambda: F.topk(ones(), 2), ValueError, ["topk: k=2 is out of range for axis 0 of size 1 (shape ())"]),
    ("roll_shift_pair_no_axis", lambda: F.roll(ones(3, 3), (1, 2)), TypeError,
     ["roll: with axis=None, shift must be an int (or a tuple of one int), got (1, 2)"]),
    ("roll_shift_axes_mismatch", lambda: F.roll(ones(3, 3), (1,), axis=(0, 1)), ValueError,
     ["roll: shift (1,) does not match axis (0, 1); expected an int or one int per axis"]),
]

ENGINE += [
    ("variable_complex", lambda: mg.Variable(np.array([1 + 2j])), TypeError, ["Variable: " + "complex numbers are not supported by minigrad (got dtype complex128)", "real and imaginary parts"]),
    ("parameter_complex", lambda: nn.Parameter(np.array([1j])), TypeError, ["Variable: complex numbers"]),
    ("astype_complex", lambda: ones(2).astype(np.complex64), TypeError,
     ["astype: complex numbers are not supported by minigrad (got dtype complex64)"]),
    ("to_complex", lambda: ones(2).to("complex128"), TypeError, ["to: complex numbers are not supported"]),
    ("new_tensor_complex", lambda: ones(2).new_tensor(np.array([1j])), TypeError,
     ["new_tensor: complex numbers are not supported"]),
    ("backward_complex_seed", lambda: (ones(2) * 2).backward(np.array([1j, 1])), TypeError,
     ["complex numbers are not supported by minigrad"]),
    ("copy_complex", lambda: write_in_place(ones(2), np.array([1j, 1])), TypeError,
     ["copy_: cannot write a complex value into a Variable of dtype float64", "write its real part"]),
    ("function_forward_complex", lambda: ComplexForward()(ones(2)), TypeError,
     ["complex_forward: ComplexForward.forward returned complex values: complex numbers are not supported"]),
]

CREATION += [
    ("tensor_complex", lambda: mg.tensor([1j, 2]), TypeError, ["tensor: " + "complex numbers are not supported by minigrad (got dtype complex128)", "real and imaginary parts"]),
    ("tensor_complex_to_float", lambda: mg.tensor(np.array([1 + 1j]), dtype=np.float32), TypeError,
     ["tensor: complex numbers are not supported"]),
    ("zeros_complex_dtype", lambda: mg.zeros(2, dtype=np.complex64), TypeError,
     ["zeros: complex numbers are not supported by minigrad (got dtype complex64)"]),
    ("full_complex_value", lambda: mg.full((2,), 1j), TypeError, ["full: complex numbers are not supported"]),
    ("linspace_complex", lambda: mg.linspace(0, 1j, 3), TypeError, ["linspace: complex numbers are not supported"]),
    ("from_numpy_complex", lambda: mg.from_numpy(np.zeros(2, np.complex64)), TypeError,
     ["from_numpy: complex numbers are not supported"]),
    ("zeros_like_complex", lambda: mg.zeros_like(np.zeros(2, complex)), TypeError,
     ["zeros_like: complex numbers are not supported"]),
]

SERIALIZATION += [
    ("load_directory", lambda tmp: mg.load(tmp), IsADirectoryError,
     ["load:", "is a directory, not a checkpoint; expected the path of a file written by mg.save"]),
    ("load_too_deep", lambda tmp: mg.load(deep_checkpoint(tmp / "deep.npz")), ValueError,
     ["load:", "deep.npz': its __structure__ member nests dicts and lists deeper than Python's recursion limit"]),
    ("save_too_deep", lambda tmp: mg.save(nested_list(), tmp / "deep.npz"), ValueError,
     ["save: the object for", "deep.npz' nests dicts, lists and tuples deeper than Python's recursion limit"]),
    ("save_directory", lambda tmp: mg.save({"a": np.ones(2)}, tmp), IsADirectoryError,
     ["save:", "is a directory; expected the path of a file to write"]),
]

AUTOGRAD = [  # minigrad.autograd's function transforms (HIPS autograd's door)
    ("transform_int_input", lambda: mg.autograd.grad(np.tanh)(2), TypeError,
     ["grad: can't differentiate with respect to int 2 of dtype int64; pass a float (2.0, not 2)"]),
    ("transform_int_array", lambda: mg.autograd.jacobian(np.tanh)(np.arange(3)), TypeError,
     ["jacobian: can't differentiate with respect to ndarray", "dtype int64", "x.astype(float)"]),
    ("transform_array_output", lambda: mg.autograd.grad(np.tanh)(np.ones(4)), TypeError,
     ["grad: f must return a single number, but it returned shape (4,)", "elementwise_grad", "jacobian"]),
    ("transform_value_and_grad_output", lambda: mg.autograd.value_and_grad(np.sin)(np.ones(2)), TypeError,
     ["value_and_grad: f must return a single number, but it returned shape (2,)"]),
    ("transform_constant_output", lambda: mg.autograd.grad(lambda x: float(np.sum(x)))(np.ones(2)), TypeError,
     ["grad: f returned float 2.0, not a Variable, so no gradient can be followed back to x",
      "a conversion inside f (float(), .item(), .data, np.asarray", "np.zeros_like(x)"]),
    ("transform_argnum", lambda: mg.autograd.grad(np.tanh, 2)(1.0), TypeError,
     ["grad: argnum 2, but the function was called with 1 positional argument(s)"]),
    ("transform_not_callable", lambda: mg.autograd.elementwise_grad(3.0)(1.0), TypeError,
     ["elementwise_grad: expected a function to differentiate, got float"]),
    ("transform_jacobian_structure", lambda: mg.autograd.jacobian(lambda p: p[0])([np.ones(2)]), TypeError,
     ["jacobian: x must be a number or an array, got list", "misc.flatten"]),
    ("transform_grad_neither", lambda: mg.autograd.grad(np.ones(3)), TypeError,
     ["minigrad.autograd.grad: expected a function", "or Variables", "got ndarray"]),
    ("logsumexp_weights", lambda: mg.autograd.scipy.special.logsumexp(ones(2), b=np.ones(2)), TypeError,
     ["logsumexp: b= and return_sign= are not supported on Variables", "logsumexp(a + np.log(b))"]),
    ("unflatten_length", lambda: mg.autograd.misc.flatten([np.ones(2), 1.0])[1](np.ones(2)), ValueError,
     ["unflatten: expected a vector of shape (3,), got shape (2,)"]),
]

UNSUPPORTED = [  # PyTorch's names for what minigrad does not do: they raise saying what to do instead
    ("grad_scaler", lambda: mg.amp.GradScaler(), NotImplementedError,
     ["amp.GradScaler: mixed precision is not supported", "Pass enabled=False"]),
    ("autocast", lambda: mg.amp.autocast("cuda", dtype="float16"), NotImplementedError,
     ["amp.autocast(device_type='cuda', dtype=float16): mixed precision is not supported", "enabled=False"]),
    ("cuda_autocast", lambda: mg.cuda.amp.autocast(), NotImplementedError,
     ["amp.autocast(device_type='cuda', dtype=None): mixed precision is not supported"]),
    ("init_process_group", lambda: mg.distributed.init_process_group("nccl"), NotImplementedError,
     ["minigrad.distributed.init_process_group: multi-process training is not supported",
      "DataLoader(..., num_workers=N)"]),
    ("ddp", lambda: nn.parallel.DistributedDataParallel(nn.Linear(2, 2)), NotImplementedError,
     ["DistributedDataParallel(Linear): multi-process training is not supported", "Use the model itself"]),
]

FAMILIES = {"ops": OPS, "losses": LOSSES, "layers": LAYERS, "optimisers": OPTIMISERS, "data": DATA,
            "serialization": SERIALIZATION, "onnx": ONNX, "viz": VIZ, "training": TRAINING,
            "gradcheck": GRADCHECK, "engine": ENGINE, "creation": CREATION,
            "autograd": AUTOGRAD, "unsupported": UNSUPPORTED, "pytorch door": PYTORCH_DOOR}
# The one table: (family, id, call, exception type, message fragments in order)
CORPUS = [(family, *row) for family, rows in FAMILIES.items() for row in rows]
WRITES_FILES = {"serialization", "onnx"}  # their call takes a tmp_path
CASES = [row for row in CORPUS if row[0] not in WRITES_FILES]
FILE_CASES = [row for row in CORPUS if row[0] in WRITES_FILES]


def _ids(rows):
    return [f"{row[0]}/{row[1]}" for row in rows]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("call,error,fragments", [c[2:] for c in CASES], ids=_ids(CASES))
def test_error_message(call, error, fragments):
    with raises(error, *fragments):
        call()


@pytest.mark.parametrize("call,error,fragments", [c[2:] for c in FILE_CASES], ids=_ids(FILE_CASES))
def test_file_error_message(call, error, fragments, tmp_path):
    with raises(error, *fragments):
        call(tmp_path)


def test_the_corpus_is_large_and_covers_every_family():
    ids = [row[1] for row in CORPUS]
    assert len(ids) == len(set(ids)), "duplicate row ids"
    assert len(ids) >= 350, f"only {len(ids)} rows"
    assert all(len(rows) >= 4 for rows in FAMILIES.values()), {k: len(v) for k, v in FAMILIES.items()}


def test_a_rejected_backward_writes_no_gradient():
    x = ones(2, 3)
    y = F.sum(x * 2)
    with raises(ValueError, "backward: grad has shape (2,) but the output has shape ()"):
        y.backward(np.ones(2))
    assert x.grad is None  # nothing was half-written
