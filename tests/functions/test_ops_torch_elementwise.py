"""The elementwise functions and activations against PyTorch, in
float64: values, first and second derivatives on random inputs (one table
row per call, as tests/functions/test_torch_oracle.py), PyTorch's gradients at the
edges and kinks (pow at 0**0, ties of maximum, relu6 at 0 and 6 ...), the
boolean tests of values, and the activation layers in float64 and
float32. Skipped where torch is not installed."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn

torch = pytest.importorskip("torch")
tF = torch.nn.functional
tnn = torch.nn

from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)
from tests.nn import test_nn_torch  # noqa: E402

RNG = np.random.default_rng(11)


def randn(*shape):
    return RNG.standard_normal(shape)


def uniform(lo, hi, *shape):
    return RNG.uniform(lo, hi, shape)


def away_from(points, x, margin=0.1):
    """x with every value within `margin` of one of `points` moved off it."""
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, p + np.copysign(margin, x - p + 1e-12), x)
    return x


INTEGERS = np.arange(-5, 6)
PRELU_WEIGHT = np.array([0.1, -0.3, 0.7])

# (id, minigrad function, torch function, inputs)
CASES = [
    ("asin", F.asin, torch.asin, [uniform(-0.9, 0.9, 3, 4)]),
    ("acos", F.acos, torch.acos, [uniform(-0.9, 0.9, 3, 4)]),
    ("atan", F.atan, torch.atan, [randn(3, 4) * 2]),
    ("atan2", F.atan2, torch.atan2, [randn(3, 4), randn(4)]),
    ("sinh", F.sinh, torch.sinh, [randn(3, 4)]),
    ("cosh", F.cosh, torch.cosh, [randn(3, 4)]),
    ("asinh", F.asinh, torch.asinh, [randn(3, 4) * 2]),
    ("acosh", F.acosh, torch.acosh, [uniform(1.1, 4, 3, 4)]),
    ("atanh", F.atanh, torch.atanh, [uniform(-0.9, 0.9, 3, 4)]),
    ("log2", F.log2, torch.log2, [uniform(0.2, 4, 3, 4)]),
    ("log10", F.log10, torch.log10, [uniform(0.2, 4, 3, 4)]),
    ("log1p", F.log1p, torch.log1p, [uniform(-0.7, 3, 3, 4)]),
    ("expm1", F.expm1, torch.expm1, [randn(3, 4)]),
    ("exp2", F.exp2, torch.exp2, [randn(3, 4)]),
    ("erf", F.erf, torch.erf, [randn(3, 4) * 1.5]),
    ("erfc", F.erfc, torch.erfc, [randn(3, 4) * 1.5]),
    ("logit", F.logit, torch.logit, [uniform(0.05, 0.95, 3, 4)]),
    ("logit_eps", lambda p: F.logit(p, eps=0.2), lambda p: torch.logit(p, eps=0.2),
     [away_from([0.2, 0.8], uniform(0.01, 0.99, 3, 4), 0.02)]),
    ("xlogy", F.xlogy, torch.xlogy, [randn(3, 4), uniform(0.2, 3, 4)]),
    ("xlogy_zero", F.xlogy, torch.xlogy, [np.array([[0.0, 1.5], [0.0, -2.0]]), uniform(0.2, 3, 2, 2)]),
    ("lgamma", F.lgamma, torch.lgamma, [away_from(INTEGERS[INTEGERS <= 0] * 1.0, uniform(-3.5, 5, 3, 4), 0.2)]),
    ("digamma", F.digamma, torch.digamma, [away_from(INTEGERS[INTEGERS <= 0] * 1.0, uniform(-3.5, 5, 3, 4), 0.2)]),
    ("polygamma", lambda x: F.polygamma(1, x), lambda x: torch.polygamma(1, x), [uniform(0.2, 5, 3, 4)]),
    ("polygamma_2", lambda x: F.polygamma(2, x), lambda x: torch.polygamma(2, x), [uniform(0.2, 5, 3, 4)]),
    ("square", F.square, torch.square, [randn(3, 4)]),
    ("reciprocal", F.reciprocal, torch.reciprocal, [away_from([0.0], randn(3, 4), 0.3)]),
    ("rsqrt", F.rsqrt, torch.rsqrt, [uniform(0.3, 3, 3, 4)]),
    # torch has no cbrt: its definition, for x away from 0.
    ("cbrt", F.cbrt, lambda x: torch.sign(x) * x.abs() ** (1 / 3), [away_from([0.0], randn(3, 4), 0.3)]),
    ("hypot", F.hypot, torch.hypot, [randn(3, 4), randn(3, 1)]),
    ("logaddexp", F.logaddexp, torch.logaddexp, [randn(3, 4) * 3, randn(4) * 3]),
    ("lerp", F.lerp, torch.lerp, [randn(3, 4), randn(4), uniform(-0.5, 1.5, 3, 1)]),
    ("lerp_scalar_weight", lambda a, b: F.lerp(a, b, 0.3), lambda a, b: torch.lerp(a, b, 0.3),
     [randn(3, 4), randn(3, 4)]),
    ("fmod", F.fmod, torch.fmod, [randn(3, 4) * 4, np.array([1.3, -0.7, 2.1, -1.9])]),
    ("remainder", F.remainder, torch.remainder, [randn(3, 4) * 4, np.array([1.3, -0.7, 2.1, -1.9])]),
    ("sign", F.sign, torch.sign, [randn(3, 4)]),
    ("floor", F.floor, torch.floor, [randn(3, 4) * 3]),
    ("ceil", F.ceil, torch.ceil, [randn(3, 4) * 3]),
    ("round", F.round, torch.round, [np.array([[0.5, 1.5, 2.5, -0.5], [-1.5, 0.4, -2.6, 3.49]])]),
    ("round_decimals", lambda x: F.round(x, 2), lambda x: torch.round(x, decimals=2), [randn(3, 4)]),
    ("trunc", F.trunc, torch.trunc, [randn(3, 4) * 3]),
    ("relu6", F.relu6, tF.relu6, [randn(3, 4) * 4 + 2]),
    ("hardtanh", F.hardtanh, tF.hardtanh, [randn(3, 4) * 2]),
    ("hardtanh_bounds", lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: tF.hardtanh(x, -0.5, 2.0), [randn(3, 4) * 2]),
    # torch has no second derivative for hardsigmoid: its definition instead
    # (the first derivative at the kinks is compared in test_kinks).
    ("hardsigmoid", F.hardsigmoid, lambda x: tF.relu6(x + 3) / 6, [randn(3, 4) * 3]),
    ("hardswish", F.hardswish, tF.hardswish, [randn(3, 4) * 3]),
    ("silu", F.silu, tF.silu, [randn(3, 4) * 3]),
    ("mish", F.mish, tF.mish, [randn(3, 4) * 3]),
    ("selu", F.selu, tF.selu, [randn(3, 4) * 2]),
    ("celu", F.celu, tF.celu, [randn(3, 4) * 2]),
    ("celu_alpha", lambda x: F.celu(x, 0.5), lambda x: tF.celu(x, 0.5), [randn(3, 4) * 2]),
    ("softsign", F.softsign, tF.softsign, [randn(3, 4) * 2]),
    ("logsigmoid", F.logsigmoid, tF.logsigmoid, [randn(3, 4) * 4]),
    ("glu", F.glu, tF.glu, [randn(3, 4)]),
    ("glu_axis", lambda x: F.glu(x, axis=1), lambda x: tF.glu(x, dim=1), [randn(2, 6, 3)]),
    ("prelu", F.prelu, tF.prelu, [randn(2, 3, 4), PRELU_WEIGHT]),
    ("prelu_shared", F.prelu, tF.prelu, [randn(2, 3), np.array([0.2])]),
]


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, mg_fn, torch_fn, arrays):
    assert_matches_torch(mg_fn, torch_fn, *arrays, atol=1e-9)


def first_derivatives(mg_fn, torch_fn, *arrays, dtype=np.float64):
    """Values and gradients of sum(f) for every input, ours and PyTorch's,
    NaN and inf compared as values."""
    arrays = [np.asarray(a, dtype=dtype) for a in arrays]
    xs = [mg.Variable(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    with np.errstate(all="ignore"):
        y = mg_fn(*xs)
        gs = mg.grad(y, xs, mg.Variable(np.ones(y.shape, dtype=dtype)))
    t = torch_fn(*ts)
    tgs = torch.autograd.grad(t, ts, torch.ones_like(t))
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-6, err_msg="value")
    for i, (g, tg) in enumerate(zip(gs, tgs)):
        assert g.dtype == dtype
        np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-6, err_msg=f"gradient of input {i}")


# Inputs sitting on the kinks, where the derivative is a convention.
KINKS = [
    # 0 log y = 0 for every y; the gradient to x there is log(y), or 0 where y <= 0.
    ("xlogy", F.xlogy, torch.xlogy, [[0.0, 0.0, 0.0, 0.0, 2.0, 2.0], [0.0, 3.0, -1.0, np.nan, 0.0, 3.0]]),
    ("relu", F.relu, tF.relu, [[0.0, -1.0, 2.0]]),
    ("relu6", F.relu6, tF.relu6, [[0.0, 6.0, -1.0, 3.0, 7.0]]),
    ("hardtanh", F.hardtanh, tF.hardtanh, [[-1.0, 1.0, 0.0, 2.0, -2.0]]),
    ("hardsigmoid", F.hardsigmoid, tF.hardsigmoid, [[-3.0, 3.0, 0.0, 4.0, -4.0]]),
    ("hardswish", F.hardswish, tF.hardswish, [[-3.0, 3.0, 0.0, 4.0, -4.0]]),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: tF.leaky_relu(x, 0.1), [[0.0, -1.0, 1.0]]),
    ("elu", F.elu, tF.elu, [[0.0, -1.0, 1.0]]),
    ("selu", F.selu, tF.selu, [[0.0, -1.0, 1.0]]),
    ("celu", lambda x: F.celu(x, 2.0), lambda x: tF.celu(x, 2.0), [[0.0, -1.0, 1.0]]),
    ("softsign", F.softsign, tF.softsign, [[0.0, -1.0, 1.0]]),
    ("abs", F.abs, torch.abs, [[0.0, -1.0, 1.0]]),
    ("prelu", F.prelu, tF.prelu, [[[0.0, -1.0, 2.0], [0.0, -2.0, 1.0]], [0.25, -0.5, 0.1]]),
    ("clip", lambda x: F.clip(x, -1.0, 1.0), lambda x: torch.clamp(x, -1.0, 1.0), [[-1.0, 1.0, 0.0, 2.0]]),
    ("clip_lo_above_hi", lambda x: F.clip(x, 2.0, 1.0), lambda x: torch.clamp(x, 2.0, 1.0),
     [[0.0, 1.0, 1.5, 2.0, 3.0]]),
    ("sign", F.sign, torch.sign, [[0.0, -1.0, 1.0]]),
    ("floor", F.floor, torch.floor, [INTEGERS.astype(float)]),
    ("ceil", F.ceil, torch.ceil, [INTEGERS.astype(float)]),
    ("round", F.round, torch.round, [INTEGERS + 0.5]),
    ("trunc", F.trunc, torch.trunc, [INTEGERS.astype(float)]),
    ("fmod", F.fmod, torch.fmod, [[3.0, -3.0, 2.5, -2.5, 0.0], [1.5, 1.5, -1.0, -1.0, 2.0]]),
    ("remainder", F.remainder, torch.remainder, [[3.0, -3.0, 2.5, -2.5, 0.0], [1.5, 1.5, -1.0, -1.0, 2.0]]),
    # pow with a tensor exponent: 0**0, 0 to a negative power, a negative base.
    ("pow_edges", F.pow, torch.pow,
     [[0.0, 0.0, 0.0, 0.0, -1.0, -1.0, -2.0, 2.0, 0.0], [0.0, -1.0, 2.0, 0.5, 0.5, 2.0, 3.0, 0.0, -2.5]]),
    ("maximum_ties", F.maximum, torch.maximum, [[1.0, 2.0, 3.0, np.nan], [1.0, 3.0, 3.0, 0.0]]),
    ("minimum_ties", F.minimum, torch.minimum, [[1.0, 2.0, 3.0, np.nan], [1.0, 3.0, 3.0, 0.0]]),
    ("maximum_ties_broadcast", F.maximum, torch.maximum, [[[1.0, 2.0, 3.0], [3.0, 2.0, 0.0]], [1.0, 2.0, 3.0]]),
    ("minimum_ties_broadcast", F.minimum, torch.minimum, [[[1.0, 2.0, 3.0], [3.0, 2.0, 0.0]], [1.0, 2.0, 3.0]]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", KINKS, ids=[c[0] for c in KINKS])
def test_first_derivatives_at_kinks_and_edges_are_pytorchs(name, mg_fn, torch_fn, arrays, dtype):
    first_derivatives(mg_fn, torch_fn, *arrays, dtype=dtype)


NEGATIVE = [-2.0, -0.5, 0.0, 0.5, 2.0]

# Real math whose complex extension is not real there: NumPy's real
# functions give NaN, as PyTorch's, never a complex value or gradient
# (minigrad has no complex numbers: API.md, "Trust").
OUTSIDE_THE_REALS = [
    ("sqrt", F.sqrt, torch.sqrt, [NEGATIVE]),
    ("log", F.log, torch.log, [NEGATIVE]),
    ("log1p", F.log1p, torch.log1p, [[-3.0, -1.5, 0.5]]),
    ("rsqrt", F.rsqrt, torch.rsqrt, [NEGATIVE]),
    ("pow_fraction", lambda x: x ** 0.5, lambda x: x ** 0.5, [NEGATIVE]),
    ("pow_third", lambda x: F.pow(x, 1 / 3), lambda x: torch.pow(x, 1 / 3), [NEGATIVE]),
    ("pow_negative_base", lambda x: F.pow(-8.0, x), lambda x: torch.pow(-8.0, x), [[1 / 3, 0.5, 2.0, -1.0]]),
    ("pow_arrays", F.pow, torch.pow, [[-8.0, -2.0, 4.0], [1 / 3, 2.5, 0.5]]),
    ("asin", F.asin, torch.asin, [[-2.0, 0.5, 3.0]]),
    ("acos", F.acos, torch.acos, [[-2.0, 0.5, 3.0]]),
    ("acosh", F.acosh, torch.acosh, [[0.5, -1.0, 2.0]]),
    ("atanh", F.atanh, torch.atanh, [[-2.0, 0.5, 3.0]]),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", OUTSIDE_THE_REALS, ids=[c[0] for c in OUTSIDE_THE_REALS])
def test_real_inputs_never_give_complex_values_or_gradients(name, mg_fn, torch_fn, arrays):
    """Values and gradients real (NaN where PyTorch's are NaN), in float64
    and float32 (first_derivatives checks the gradients' dtype)."""
    for dtype in (np.float64, np.float32):
        first_derivatives(mg_fn, torch_fn, *arrays, dtype=dtype)
        with np.errstate(all="ignore"):
            y = mg_fn(*[mg.Variable(np.asarray(a, dtype)) for a in arrays])
        assert y.dtype == dtype


VALUES = np.array([[0.0, -1.5, np.nan, np.inf], [-np.inf, 2.0, 1e-9, 0.0]])
OTHER = np.array([0.0, -1.5 + 1e-7, np.nan, -np.inf])

# (id, minigrad function, torch function, inputs): boolean results.
BOOLEAN = [
    ("isnan", F.isnan, torch.isnan, [VALUES]),
    ("isinf", F.isinf, torch.isinf, [VALUES]),
    ("isfinite", F.isfinite, torch.isfinite, [VALUES]),
    ("isclose", F.isclose, torch.isclose, [VALUES, OTHER]),
    ("isclose_equal_nan", lambda a, b: F.isclose(a, b, rtol=0.1, atol=0.0, equal_nan=True),
     lambda a, b: torch.isclose(a, b, rtol=0.1, atol=0.0, equal_nan=True), [VALUES, OTHER]),
    ("logical_and", F.logical_and, torch.logical_and, [VALUES, OTHER]),
    ("logical_or", F.logical_or, torch.logical_or, [VALUES, OTHER]),
    ("logical_not", F.logical_not, torch.logical_not, [VALUES]),
]


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", BOOLEAN, ids=[c[0] for c in BOOLEAN])
def test_tests_of_values_match_torch_and_take_variables_or_arrays(name, mg_fn, torch_fn, arrays):
    expected = torch_fn(*[torch.tensor(a) for a in arrays]).numpy()
    for inputs in (arrays, [mg.Variable(a) for a in arrays]):
        result = mg_fn(*inputs)
        assert isinstance(result, np.ndarray) and result.dtype == bool
        np.testing.assert_array_equal(result, expected)


# The ids compared here, for the coverage test in tests/functions/test_torch_oracle.py.
COMPARED = {c[0] for c in CASES + KINKS + BOOLEAN}


def _rand(*shape):
    return np.random.default_rng(sum(shape)).standard_normal(shape) * 3


LAYERS = {
    "relu6": lambda: (nn.ReLU6(), tnn.ReLU6(), (_rand(3, 4),)),
    "hardtanh": lambda: (nn.Hardtanh(-2.0, 1.5), tnn.Hardtanh(-2.0, 1.5), (_rand(3, 4),)),
    "hardsigmoid": lambda: (nn.Hardsigmoid(), tnn.Hardsigmoid(), (_rand(3, 4),)),
    "hardswish": lambda: (nn.Hardswish(), tnn.Hardswish(), (_rand(3, 4),)),
    "silu": lambda: (nn.SiLU(), tnn.SiLU(), (_rand(3, 4),)),
    "mish": lambda: (nn.Mish(), tnn.Mish(), (_rand(3, 4),)),
    "selu": lambda: (nn.SELU(), tnn.SELU(), (_rand(3, 4),)),
    "celu": lambda: (nn.CELU(0.7), tnn.CELU(0.7), (_rand(3, 4),)),
    "celu_half": lambda: (nn.CELU(0.5), tnn.CELU(0.5), (_rand(3, 4),)),
    "softsign": lambda: (nn.Softsign(), tnn.Softsign(), (_rand(3, 4),)),
    "logsigmoid": lambda: (nn.LogSigmoid(), tnn.LogSigmoid(), (_rand(3, 4),)),
    "glu": lambda: (nn.GLU(), tnn.GLU(), (_rand(3, 4),)),
    "glu_dim": lambda: (nn.GLU(dim=1), tnn.GLU(dim=1), (_rand(2, 4, 3),)),
    "prelu": lambda: (nn.PReLU(), tnn.PReLU(), (_rand(3, 4),)),
    "prelu_channels": lambda: (nn.PReLU(3, init=0.1), tnn.PReLU(3, init=0.1), (_rand(2, 3, 4, 2),)),
}


# PyTorch's backward rounds a constant to float32 even in float64: 1/6 in
# hardsigmoid, 1/alpha in celu (exact for alpha = 0.5). Ours are exact, so
# these agree to float32's precision only.
ROUNDED_BY_TORCH = {"hardsigmoid", "celu"}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", sorted(LAYERS))
def test_activation_layer_matches_pytorch(case, dtype, monkeypatch):
    if case in ROUNDED_BY_TORCH:
        monkeypatch.setitem(test_nn_torch.TOLERANCES, np.float64, dict(rtol=1e-7, atol=1e-10))
    ours, theirs, args = LAYERS[case]()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, t in theirs.state_dict().items():
        assert ours.state_dict()[name].shape == tuple(t.shape)
        assert ours.state_dict()[name].dtype == np.float32
        np.testing.assert_array_equal(ours.state_dict()[name], t.numpy())  # same initial slopes
    test_nn_torch._compare(ours, theirs, args, dtype)
