"""Every function of minigrad.functions that PyTorch also has, against
PyTorch in float64: the value, the first derivatives and the second
derivatives (torch.autograd.grad with create_graph=True), on random inputs.
One table row per call; convolution, pooling and normalisation are checked
the same way in tests/functions/test_conv_torch.py."""
import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

torch = pytest.importorskip("torch")
tF = torch.nn.functional

from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)

RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


LABELS = np.array([2, 0, 3, 3, 1])
LABELS_2D = np.array([[1, 0, 2], [2, 2, 0]])
MASK = randn(3, 4) > 0
SPLIT_AT = [1, 3]
PAD = ((1, 0), (2, 1))


def pieces(split_fn, cat_fn, reshape_fn):
    """The split pieces flattened, scaled by 1, 2, 3 and joined: one output
    that still tells the pieces apart."""
    def fn(x):
        return cat_fn([reshape_fn(p, (-1,)) * (i + 1) for i, p in enumerate(split_fn(x))])
    return fn


# (id, minigrad function, torch function, inputs)
CASES = [
    ("add", F.add, torch.add, [randn(2, 3), randn(3)]),
    ("sub", F.sub, torch.sub, [randn(2, 1), randn(3)]),
    ("mul", F.mul, torch.mul, [randn(2, 3), randn(2, 1)]),
    ("div", F.div, torch.div, [randn(2, 3), positive(3)]),
    ("neg", F.neg, torch.neg, [randn(4)]),
    ("pow", F.pow, torch.pow, [positive(2, 3), randn(3)]),
    ("pow_scalar", lambda x: F.pow(x, 3), lambda x: torch.pow(x, 3), [randn(5)]),
    ("exp", F.exp, torch.exp, [randn(2, 3)]),
    ("log", F.log, torch.log, [positive(2, 3)]),
    ("sqrt", F.sqrt, torch.sqrt, [positive(2, 3)]),
    ("sin", F.sin, torch.sin, [randn(2, 3)]),
    ("cos", F.cos, torch.cos, [randn(2, 3)]),
    ("tan", F.tan, torch.tan, [RNG.uniform(-1, 1, (2, 3))]),
    ("tanh", F.tanh, torch.tanh, [randn(2, 3)]),
    # torch.abs's second derivative is a ZeroTensor, which .numpy() refuses.
    ("abs", F.abs, lambda x: torch.where(x >= 0, x, -x), [randn(2, 3)]),
    ("clip", lambda x: F.clip(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7), [randn(3, 4)]),
    ("maximum", F.maximum, torch.maximum, [randn(3, 4), randn(4)]),
    ("minimum", F.minimum, torch.minimum, [randn(3, 4), randn(3, 1)]),
    ("where", lambda a, b: F.where(MASK, a, b), lambda a, b: torch.where(torch.tensor(MASK), a, b),
     [randn(3, 4), randn(4)]),
    ("sum", lambda x: F.sum(x, axis=1), lambda x: torch.sum(x, 1), [randn(2, 3, 4)]),
    ("mean", lambda x: F.mean(x, (0, 2), keepdims=True), lambda x: torch.mean(x, (0, 2), keepdim=True),
     [randn(2, 3, 4)]),
    ("max", lambda x: F.max(x, 1), lambda x: torch.amax(x, 1), [randn(3, 5)]),
    ("min", F.min, torch.amin, [randn(3, 5)]),
    ("logsumexp", lambda x: F.logsumexp(x, -1), lambda x: torch.logsumexp(x, -1), [randn(3, 5) * 3]),
    ("var", lambda x: F.var(x, 0), lambda x: torch.var(x, 0, correction=0), [randn(4, 3)]),
    ("var_all", F.var, lambda x: torch.var(x, correction=0), [randn(4, 3)]),
    ("reshape", lambda x: F.reshape(x, (3, -1)), lambda x: torch.reshape(x, (3, -1)), [randn(2, 3, 2)]),
    ("transpose", lambda x: F.transpose(x, (2, 0, 1)), lambda x: torch.permute(x, (2, 0, 1)), [randn(2, 3, 4)]),
    ("broadcast_to", lambda x: F.broadcast_to(x, (2, 3, 4)), lambda x: torch.broadcast_to(x, (2, 3, 4)),
     [randn(3, 1)]),
    ("get_item", lambda x: F.get_item(x, (slice(None), [2, 0, 2])), lambda x: x[:, [2, 0, 2]], [randn(2, 3)]),
    ("expand_dims", lambda x: F.expand_dims(x, 1), lambda x: torch.unsqueeze(x, 1), [randn(2, 3)]),
    ("squeeze", lambda x: F.squeeze(x, 1), lambda x: torch.squeeze(x, 1), [randn(2, 1, 3)]),
    ("flatten", F.flatten, lambda x: torch.flatten(x, 1), [randn(2, 3, 2, 2)]),
    ("concat", lambda a, b: F.concat([a, b], 1), lambda a, b: torch.cat([a, b], 1), [randn(2, 3), randn(2, 1)]),
    ("stack", lambda a, b: F.stack([a, b], -1), lambda a, b: torch.stack([a, b], -1), [randn(2, 3), randn(2, 3)]),
    ("split", pieces(lambda x: F.split(x, SPLIT_AT, 1), lambda ps: F.concat(ps, 0), F.reshape),
     pieces(lambda x: torch.tensor_split(x, SPLIT_AT, 1), lambda ps: torch.cat(ps, 0), torch.reshape),
     [randn(2, 5)]),
    ("pad", lambda x: F.pad(x, PAD, value=0.5),
     lambda x: tF.pad(x, [w for pair in reversed(PAD) for w in pair], value=0.5), [randn(2, 3)]),
    ("matmul", F.matmul, torch.matmul, [randn(2, 1, 3, 4), randn(3, 4, 2)]),
    ("linear", F.linear, tF.linear, [randn(2, 5, 3), randn(4, 3), randn(4)]),
    ("linear_no_bias", F.linear, tF.linear, [randn(5, 3), randn(4, 3)]),
    ("sigmoid", F.sigmoid, torch.sigmoid, [randn(3, 4) * 3]),
    ("relu", F.relu, tF.relu, [randn(3, 4)]),
    ("leaky_relu", F.leaky_relu, lambda x: tF.leaky_relu(x, 0.2), [randn(3, 4)]),
    ("elu", lambda x: F.elu(x, 1.5), lambda x: tF.elu(x, 1.5), [randn(3, 4)]),
    ("gelu", F.gelu, tF.gelu, [randn(3, 4) * 2]),
    ("gelu_tanh", lambda x: F.gelu(x, "tanh"), lambda x: tF.gelu(x, approximate="tanh"), [randn(3, 4) * 2]),
    ("softplus", F.softplus, tF.softplus, [randn(3, 4) * 3]),
    ("softplus_beta_threshold", lambda x: F.softplus(x, beta=2.0, threshold=3.0),
     lambda x: tF.softplus(x, beta=2.0, threshold=3.0), [randn(3, 4) * 3]),
    ("copysign", F.copysign, torch.copysign, [randn(2, 3), randn(3)]),
    ("floor_divide", F.floor_divide, lambda a, b: torch.div(a, b, rounding_mode="floor"),
     [randn(2, 3) * 4, positive(3)]),
    ("floor_divide_operator", lambda a, b: a // b, lambda a, b: torch.div(a, b, rounding_mode="floor"),
     [randn(2, 3) * 4, -positive(2, 3)]),
    ("div_trunc", lambda a, b: F.div(a, b, rounding_mode="trunc"),
     lambda a, b: torch.div(a, b, rounding_mode="trunc"), [randn(2, 3) * 4, -positive(3)]),
    ("remainder_operator", lambda x: x % 1.5, lambda x: torch.remainder(x, 1.5), [randn(3, 4) * 4]),
    ("sum_dtype", lambda x: F.sum(x, axis=1, dtype=np.float64), lambda x: torch.sum(x, 1, dtype=torch.float64),
     [randn(3, 4)]),
    ("prod_dtype", lambda x: F.prod(x, axis=0, dtype=np.float64), lambda x: torch.prod(x, 0, dtype=torch.float64),
     [randn(3, 4)]),
    ("pad_negative", lambda x: F.pad(x, ((-1, 2), (1, -2)), value=0.5),
     lambda x: tF.pad(x, (1, -2, -1, 2), value=0.5), [randn(3, 4)]),
    ("softmax", F.softmax, lambda x: tF.softmax(x, -1), [randn(3, 4)]),
    ("softmax_axis0", lambda x: F.softmax(x, 0), lambda x: tF.softmax(x, 0), [randn(3, 4)]),
    ("log_softmax", lambda x: F.log_softmax(x, 1), lambda x: tF.log_softmax(x, 1), [randn(2, 3, 2)]),
    ("identity", F.identity, torch.nn.Identity(), [randn(3)]),
    ("copy", F.copy, lambda x: x.clone(), [randn(3, 4)]),
    ("astype", lambda x: F.astype(x, np.float64), lambda x: x.to(torch.float64), [randn(3, 4)]),
    ("to", lambda x: F.to(x, np.float64, copy=True), lambda x: x.to(torch.float64, copy=True), [randn(3, 4)]),
    ("mean_squared_error", F.mean_squared_error, tF.mse_loss, [randn(3, 4), randn(3, 4)]),
    ("huber_loss", lambda y, t: F.huber_loss(y, t, 0.8), lambda y, t: tF.huber_loss(y, t, delta=0.8),
     [randn(3, 4) * 2, randn(3, 4)]),
    ("sigmoid_cross_entropy", F.sigmoid_cross_entropy, tF.binary_cross_entropy_with_logits,
     [randn(3, 4) * 3, unit(3, 4)]),
    ("binary_cross_entropy", F.binary_cross_entropy, tF.binary_cross_entropy, [unit(3, 4), unit(3, 4)]),
    ("softmax_cross_entropy_labels", lambda x: F.softmax_cross_entropy(x, LABELS),
     lambda x: tF.cross_entropy(x, torch.tensor(LABELS)), [randn(5, 4) * 2]),
    ("softmax_cross_entropy_spatial", lambda x: F.softmax_cross_entropy(x, LABELS_2D),
     lambda x: tF.cross_entropy(x, torch.tensor(LABELS_2D)), [randn(2, 3, 3)]),
    ("softmax_cross_entropy_probabilities", F.softmax_cross_entropy, tF.cross_entropy,
     [randn(5, 4) * 2, unit(5, 4)]),
]



def distinct(*shape):
    """Values without ties (max pooling's gradient picks one cell)."""
    return RNG.permutation(int(np.prod(shape))).reshape(shape) / 10.0


def volume_cases(count=4):
    """conv3d, max_pool3d, avg_pool3d and 5-D interpolate on random volumes
    and random settings (drawn once, seeded), value, gradients and second
    derivatives against torch.nn.functional."""
    rng = np.random.default_rng(21)
    cases = []
    for i in range(count):
        n, groups = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        c_in, c_out = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        kernel = tuple(int(k) for k in rng.integers(1, 4, 3))
        stride = tuple(int(k) for k in rng.integers(1, 3, 3))
        dilation = tuple(int(k) for k in rng.integers(1, 3, 3))
        pad = tuple(int(k) for k in rng.integers(0, 2, 3))
        sides = tuple(d * (k - 1) + 1 + int(rng.integers(0, 3)) for k, d in zip(kernel, dilation))
        conv = dict(stride=stride, dilation=dilation, groups=groups)
        cases.append((f"conv3d_{i}", lambda x, W, b, conv=conv, pad=pad: F.conv3d(x, W, b, pad=pad, **conv),
                      lambda x, W, b, conv=conv, pad=pad: tF.conv3d(x, W, b, padding=pad, **conv),
                      [randn(n, c_in, *sides), randn(c_out, c_in // groups, *kernel), randn(c_out)]))
        pool_pad = tuple(min(p, k // 2) for p, k in zip(pad, kernel))
        pool = dict(kernel_size=kernel, stride=stride, ceil_mode=bool(i % 2))
        cases.append((f"max_pool3d_{i}",
                      lambda x, pool=pool, pad=pool_pad, d=dilation: F.max_pool3d(x, pad=pad, dilation=d, **pool),
                      lambda x, pool=pool, pad=pool_pad, d=dilation: tF.max_pool3d(x, padding=pad, dilation=d, **pool),
                      [distinct(n, c_in, *sides)]))
        cases.append((f"avg_pool3d_{i}",
                      lambda x, pool=pool, pad=pool_pad, i=i: F.avg_pool3d(x, pad=pad, count_include_pad=i < 2, **pool),
                      lambda x, pool=pool, pad=pool_pad, i=i: tF.avg_pool3d(x, padding=pad, count_include_pad=i < 2,
                                                                           **pool), [randn(n, c_in, *sides)]))
        size = tuple(int(k) for k in rng.integers(1, 7, 3))
        for mode in ("trilinear", "nearest", "nearest-exact"):
            extra = {"align_corners": bool(i % 2)} if mode == "trilinear" else {}
            cases.append((f"interpolate_5d_{mode}_{i}",
                          lambda x, size=size, mode=mode, extra=extra: F.interpolate(x, size, mode=mode, **extra),
                          lambda x, size=size, mode=mode, extra=extra: tF.interpolate(x, size, mode=mode, **extra),
                          [randn(n, c_in, *sides)]))
        factors = (2.0, 1.5, 0.5) if i % 2 else 2.0
        cases.append((f"interpolate_5d_trilinear_scale_{i}",
                      lambda x, f=factors: F.interpolate(x, scale_factor=f, mode="trilinear"),
                      lambda x, f=factors: tF.interpolate(x, scale_factor=f, mode="trilinear"), [randn(n, c_in, *sides)]))
    return cases


CASES += volume_cases()


def test_nearest_3d_with_fractional_scales_is_the_adjoint_of_its_forward():
    """PyTorch's upsample_nearest3d backward with fractional scale factors
    disagrees with its own forward (torch 2.13: its gradient is not the
    adjoint of the gather it computes); minigrad's gradient is that of the
    gather, which PyTorch computes right when written as indexing."""
    x = randn(2, 3, 4, 5, 3)
    factors = (1.5, 0.7, 2.3)
    t = torch.tensor(x)
    y = tF.interpolate(t, scale_factor=factors)
    index = [np.minimum(np.floor(np.arange(m, dtype=np.float32) * np.float32(1 / f)).astype(int), n - 1)
             for n, m, f in zip(x.shape[2:], y.shape[2:], factors)]
    gathered = lambda v: v[:, :, index[0]][:, :, :, index[1]][:, :, :, :, index[2]]  # noqa: E731
    assert torch.equal(gathered(t), y)
    assert_matches_torch(lambda v: F.interpolate(v, scale_factor=factors), gathered, x)


# Tested against PyTorch in tests/functions/test_conv_torch.py.
ELSEWHERE = {"conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "im2col", "col2im", "conv1d", "max_pool1d", "avg_pool1d",
             "adaptive_avg_pool2d", "adaptive_max_pool2d", "max_unpool2d", "interpolate",
             "dropout", "batch_norm", "layer_norm"}
# Tested against PyTorch (every reduction, weights, second order) in tests/functions/test_losses.py.
ELSEWHERE |= {"cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss",
              "binary_cross_entropy_with_logits", "kl_div", "one_hot"}
ELSEWHERE |= {"scaled_dot_product_attention", "group_norm", "instance_norm", "dropout2d"}  # test_transformer_torch.py
# Names only PyTorch has, compared through minigrad.nn.functional in tests/nn/test_functional.py.
ELSEWHERE |= {"normalize", "softmin", "pixel_shuffle", "pixel_unshuffle", "unfold", "fold", "embedding",
              "tanhshrink", "softshrink", "hardshrink", "threshold", "rms_norm", "cosine_similarity",
              "pairwise_distance"}
# No PyTorch function to compare with.
# nd, compared with torch.nonzero(as_tuple=True) in test_ops_torch_reductions_indexing_linalg.py.
ELSEWHERE |= {"nonzero"}
NO_COUNTERPART = {"sum_to", "accuracy", "imag"}  # torch.imag refuses real tensors


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, mg_fn, torch_fn, arrays):
    assert_matches_torch(mg_fn, torch_fn, *arrays, atol=1e-9)


INTS = RNG.integers(-100, 100, (3, 4))
SHIFTS = RNG.integers(0, 7, (4,))
BOOLS = RNG.integers(0, 2, (3, 4)).astype(bool)
# Not differentiable (nd): values and dtypes on integer and bool inputs, (id, minigrad, torch, inputs).
ND_CASES = [
    ("bitwise_and", F.bitwise_and, torch.bitwise_and, [INTS, INTS[0]]),
    ("bitwise_and_operator_bool", lambda a, b: a & b, lambda a, b: a & b, [BOOLS, ~BOOLS[1]]),
    ("bitwise_or", F.bitwise_or, torch.bitwise_or, [INTS, INTS.T[:1].T]),
    ("bitwise_or_operator_number", lambda a: 6 | a, lambda a: 6 | a, [INTS]),
    ("bitwise_xor", lambda a, b: a ^ b, lambda a, b: a ^ b, [INTS, INTS[::-1].copy()]),
    ("bitwise_not", F.bitwise_not, torch.bitwise_not, [INTS]),
    ("bitwise_not_bool", lambda a: ~a, lambda a: ~a, [BOOLS]),
    ("left_shift", lambda a, b: a << b, lambda a, b: a << b, [INTS, SHIFTS]),
    ("right_shift", F.right_shift, torch.bitwise_right_shift, [INTS, SHIFTS]),
    ("floor_divide_integers", lambda a: a // 7, lambda a: a // 7, [INTS]),
    ("remainder_integers", lambda a: a % 7, lambda a: a % 7, [INTS]),
    ("div_trunc_integers", lambda a: F.div(a, 7, rounding_mode="trunc"),
     lambda a: torch.div(a, 7, rounding_mode="trunc"), [INTS]),
]


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", ND_CASES, ids=[c[0] for c in ND_CASES])
def test_not_differentiable_matches_torch(name, mg_fn, torch_fn, arrays):
    y = mg_fn(*[mg.Variable(a, requires_grad=False) for a in arrays])
    t = torch_fn(*[torch.tensor(a) for a in arrays])
    assert str(t.dtype).replace("torch.", "") == str(y.dtype)
    np.testing.assert_array_equal(y.data, t.numpy())


@pytest.mark.parametrize("op,call", [("bitwise_and", lambda x: x & 1), ("bitwise_or", lambda x: 1 | x),
                                     ("bitwise_xor", lambda x: x ^ x), ("bitwise_not", lambda x: ~x),
                                     ("left_shift", lambda x: x << 1), ("right_shift", lambda x: x >> 1)])
def test_bitwise_on_floats_is_an_error_as_torch(op, call):
    """PyTorch refuses (NotImplementedError or TypeError); minigrad raises a TypeError naming the op and dtype."""
    with pytest.raises((NotImplementedError, TypeError)):
        call(torch.ones(3))
    with pytest.raises(TypeError, match=rf"{op} .*got dtype float32"):
        call(mg.Variable(np.ones(3, np.float32)))


def _compared_in_other_modules():
    """The ids that each tests/functions/test_ops_torch_*.py module lists in COMPARED."""
    ids = set()
    for path in Path(__file__).parent.glob("test_ops_torch_*.py"):
        ids |= set(importlib.import_module(f"tests.functions.{path.stem}").COMPARED)
    return ids


def test_every_function_with_a_torch_counterpart_is_compared():
    public = {n for n, obj in vars(F).items() if not n.startswith("_") and inspect.isfunction(obj)}
    compared = {c[0] for c in CASES + ND_CASES} | _compared_in_other_modules()
    covered = {n for n in public if any(c == n or c.startswith(n + "_") for c in compared)}
    missing = sorted(public - covered - ELSEWHERE - NO_COUNTERPART)
    assert not missing, f"functions not compared with PyTorch: {missing}"
