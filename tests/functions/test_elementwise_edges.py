"""The edges of the elementwise functions and activations, without
PyTorch: float32 stays float32 (also with NumPy scalar settings), pow's
gradients at 0**0 and at negative bases, maximum/minimum ties, clip with
lo > hi, log_softmax at large float32 logits, and errors that name the op
and every shape involved. (The same edges against PyTorch itself are in
tests/functions/test_ops_torch_elementwise.py.)"""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

UNARY = ["asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh", "log2", "log10", "log1p", "expm1",
         "exp2", "erf", "erfc", "logit", "lgamma", "digamma", "square", "reciprocal", "rsqrt", "cbrt", "sign", "floor", "ceil", "round",
         "trunc", "relu6", "hardtanh", "hardsigmoid", "hardswish", "silu", "mish", "selu", "celu",
         "softsign", "logsigmoid", "glu", "gelu"]
BINARY = ["atan2", "hypot", "logaddexp", "fmod", "remainder", "maximum", "minimum", "pow"]


def gradients(y, *xs):
    return mg.grad(y, list(xs), mg.Variable(np.ones(y.shape, dtype=y.dtype)))


@pytest.mark.parametrize("name", UNARY + ["acosh"])
def test_unary_ops_keep_float32_in_value_and_gradient(name):
    x = mg.Variable(np.linspace(1.1, 1.9, 6, dtype=np.float32) if name == "acosh"
                    else np.linspace(0.1, 0.9, 8, dtype=np.float32).reshape(2, 4))
    y = getattr(F, name)(x)
    (gx,) = gradients(y, x)
    assert y.dtype == np.float32 and gx.dtype == np.float32


@pytest.mark.parametrize("name", BINARY + ["lerp"])
def test_binary_ops_keep_float32_with_arrays_and_python_numbers(name):
    a = mg.Variable(np.linspace(0.5, 2.0, 6, dtype=np.float32).reshape(2, 3))
    b = mg.Variable(np.array([0.7, 1.3, 1.9], dtype=np.float32))
    fn = getattr(F, name)
    args = (a, b, 0.25) if name == "lerp" else (a, b)
    y = fn(*args)
    assert y.dtype == np.float32
    assert all(g.dtype == np.float32 for g in gradients(y, a, b))
    assert fn(a, 1.5, *args[2:]).dtype == np.float32


@pytest.mark.parametrize("call", [
    lambda x: F.clip(x, np.float64(-0.5), 0.5),
    lambda x: F.clip(x, np.array(-0.5), np.float64(0.5)),
    lambda x: F.leaky_relu(x, np.float64(0.1)),
    lambda x: F.elu(x, np.float64(0.5)),
    lambda x: F.hardtanh(x, np.float64(-0.5), np.float64(0.5)),
    lambda x: F.celu(x, np.float64(0.5)),
], ids=["clip", "clip_0d_array", "leaky_relu", "elu", "hardtanh", "celu"])
def test_numpy_scalar_settings_do_not_promote_float32(call):
    x = mg.Variable(np.linspace(-2, 2, 5, dtype=np.float32))
    y = call(x)
    (gx,) = gradients(y, x)
    assert y.dtype == np.float32 and gx.dtype == np.float32


def test_pow_gradients_at_zero_to_the_zero_and_negative_bases_are_pytorchs():
    a = mg.Variable(np.array([0.0, 0.0, 0.0, -1.0, -1.0, 2.0]))
    b = mg.Variable(np.array([0.0, -1.0, 2.0, 0.5, 2.0, 0.0]))
    with np.errstate(all="ignore"):
        ga, gb = gradients(F.pow(a, b), a, b)
    np.testing.assert_array_equal(ga.data, [0.0, -np.inf, 0.0, np.nan, -2.0, 0.0])
    np.testing.assert_array_equal(gb.data, [0.0, -np.inf, 0.0, np.nan, np.nan, np.log(2.0)])


def test_pow_second_derivative_in_the_exponent_at_zero_exponent():
    # d2/(da db) a**b at b = 0 is 1/a, not 0: the mask for 0**0 is only at a == 0.
    a, b = mg.Variable(np.array([2.0, 0.5])), mg.Variable(np.array([0.0, 0.0]))
    (ga,) = mg.grad(F.pow(a, b).sum(), [a], create_graph=True)
    (gab,) = mg.grad(ga.sum(), [b])
    np.testing.assert_allclose(gab.data, [0.5, 2.0])


@pytest.mark.parametrize("op,share_a", [(F.maximum, [0.5, 0.0, 0.5]), (F.minimum, [0.5, 1.0, 0.5])])
def test_maximum_and_minimum_split_the_gradient_at_ties(op, share_a):
    a = mg.Variable(np.array([1.0, 2.0, 3.0]))
    b = mg.Variable(np.array([1.0, 3.0, 3.0]))
    ga, gb = gradients(op(a, b), a, b)
    np.testing.assert_array_equal(ga.data, share_a)
    np.testing.assert_array_equal(ga.data + gb.data, 1.0)


def test_clip_with_lo_above_hi_gives_hi_everywhere_and_no_gradient():
    x = mg.Variable(np.array([0.0, 1.0, 1.5, 2.0, 3.0]))
    y = F.clip(x, 2.0, 1.0)
    np.testing.assert_array_equal(y.data, np.clip(x.data, 2.0, 1.0))
    np.testing.assert_array_equal(y.data, 1.0)
    np.testing.assert_array_equal(gradients(y, x)[0].data, 0.0)


def test_log_softmax_keeps_float32_precision_at_large_logits():
    logits = np.array([[10000.0, 10000.5, 9999.0, 10001.25]], dtype=np.float32)
    y = F.log_softmax(mg.Variable(logits))
    x64 = logits.astype(np.float64)
    expected = x64 - x64.max() - np.log(np.exp(x64 - x64.max()).sum())
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, expected, rtol=1e-6, atol=1e-6)


def test_gelu_matches_the_normal_cdf_in_both_tails_and_keeps_float32():
    x = np.array([-12.0, -6.0, -1.0, 0.0, 1.0, 6.0], dtype=np.float32)
    y = F.gelu(mg.Variable(x))
    assert y.dtype == np.float32
    from math import erfc, sqrt
    expected = [v * 0.5 * erfc(-v / sqrt(2)) for v in x.astype(float)]
    np.testing.assert_allclose(y.data, expected, rtol=1e-6)


def ones(*shape):
    return mg.Variable(np.ones(shape))


@pytest.mark.parametrize("call,kind,parts", [
    (lambda: F.maximum(ones(2, 3), ones(4)), ValueError, ["maximum:", "(2, 3)", "(4,)"]),
    (lambda: F.minimum(ones(2, 3), np.ones((3, 2))), ValueError, ["minimum:", "(2, 3)", "(3, 2)"]),
    (lambda: F.where(np.ones(5) > 0, ones(2, 3), ones(3)), ValueError, ["where:", "(5,) (cond)", "(2, 3) (a)",
                                                                          "(3,) (b)"]),
    (lambda: F.atan2(ones(2, 3), ones(2)), ValueError, ["atan2:", "(2, 3)", "(2,)"]),
    (lambda: F.glu(ones(3, 5)), ValueError, ["glu:", "(3, 5)", "size 5", "even"]),
    (lambda: F.prelu(ones(2, 3, 4), ones(4)), ValueError, ["prelu:", "4 elements", "(2, 3, 4)", "3 channel"]),
    (lambda: F.hardtanh(ones(3), 1.0, -1.0), ValueError, ["hardtanh:", "min_val=1.0", "max_val=-1.0"]),
    (lambda: F.celu(ones(3), 0.0), ValueError, ["celu:", "alpha"]),
    (lambda: mg.nn.Hardtanh(2.0, 1.0), ValueError, ["Hardtanh:", "min_val=2.0"]),
])
def test_bad_input_is_named(call, kind, parts):
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


def test_the_value_tests_are_not_differentiable_and_accept_variables():
    x = mg.Variable(np.array([np.nan, 1.0, np.inf]))
    for result in (F.isnan(x), F.isinf(x), F.isfinite(x), F.isclose(x, 1.0), F.logical_not(x),
                   F.logical_and(x, np.array([0.0, 1.0, 1.0])), F.logical_or(x, x)):
        assert type(result) is np.ndarray and result.dtype == bool
    np.testing.assert_array_equal(F.isfinite(x), [False, True, False])


def test_prelu_gives_every_channel_its_own_slope():
    x = mg.Variable(-np.ones((2, 3, 2)))
    weight = mg.Variable(np.array([0.1, 0.2, 0.3]))
    y = F.prelu(x, weight)
    np.testing.assert_allclose(y.data[0, :, 0], [-0.1, -0.2, -0.3])
    (gw,) = gradients(y, weight)
    np.testing.assert_allclose(gw.data, [-4.0, -4.0, -4.0])


def test_glu_takes_pytorchs_dim():
    x = mg.Variable(np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(F.glu(x, dim=0).data, F.glu(x, axis=0).data)
    assert F.glu(x, dim=0).shape == (2, 3)
