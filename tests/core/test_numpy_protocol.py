"""NumPy's protocols on Variables: every NumPy function of the protocol's
tables gives NumPy's values on Variables and records the graph; comparisons
and data functions give ndarrays, an ndarray with a Variable gives a
Variable; unsupported functions and out= into a recorded Variable are clear
errors; NumPy's in-place updates of ndarrays record nothing."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.core import numpy_protocol
from minigrad.core.ops import numpy_name
from tests.arrays import RNG, positive, randn


# -- NumPy's protocols ------------------------------------------------------------------------


def _spd():
    a = randn(3, 3)
    return a @ a.T + 3 * np.eye(3)


# NumPy function -> (inputs, call). Every entry of the protocol's tables has one.
SAMPLES = {
    np.add: ([randn(2, 3), randn(3)], lambda f, a, b: f(a, b)),
    np.subtract: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.multiply: ([randn(2, 3), randn(2, 1)], lambda f, a, b: f(a, b)),
    np.divide: ([randn(2, 3), positive((2, 3))], lambda f, a, b: f(a, b)),
    np.power: ([positive((2, 3))], lambda f, a: f(a, 3.0)),
    np.negative: ([randn(2, 3)], lambda f, a: f(a)),
    np.matmul: ([randn(2, 3, 4), randn(4, 2)], lambda f, a, b: f(a, b)),
    np.maximum: ([randn(2, 3)], lambda f, a: f(a, 0.1)),
    np.minimum: ([randn(2, 3)], lambda f, a: f(a, 0.1)),
    np.arctan2: ([randn(2, 3), positive((2, 3))], lambda f, a, b: f(a, b)),
    np.hypot: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.logaddexp: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.fmod: ([randn(2, 3) * 3, positive((2, 3))], lambda f, a, b: f(a, b)),
    np.remainder: ([randn(2, 3) * 3, positive((2, 3))], lambda f, a, b: f(a, b)),
    np.floor_divide: ([randn(2, 3) * 3, positive((2, 3))], lambda f, a, b: f(a, b)),
    np.copysign: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.sum: ([randn(2, 3, 4)], lambda f, a: f(a, axis=(0, 2), keepdims=True)),
    np.mean: ([randn(2, 3)], lambda f, a: f(a, axis=0)),
    np.max: ([randn(2, 3)], lambda f, a: f(a, axis=1)),
    np.amax: ([randn(2, 3)], lambda f, a: f(a)),
    np.min: ([randn(2, 3)], lambda f, a: f(a, axis=0, keepdims=True)),
    np.amin: ([randn(2, 3)], lambda f, a: f(a, axis=1)),
    np.var: ([randn(3, 4)], lambda f, a: f(a, axis=1)),
    np.std: ([randn(3, 4)], lambda f, a: f(a, axis=0)),
    np.prod: ([positive((3, 4))], lambda f, a: f(a, axis=1)),
    np.cumsum: ([randn(3, 4)], lambda f, a: f(a, axis=1)),
    np.cumprod: ([positive((3, 4))], lambda f, a: f(a, axis=0)),
    np.median: ([randn(3, 5)], lambda f, a: f(a, axis=1)),
    np.linalg.norm: ([randn(3, 4)], lambda f, a: f(a)),
    np.reshape: ([randn(2, 6)], lambda f, a: f(a, (3, 4))),
    np.transpose: ([randn(2, 3, 4)], lambda f, a: f(a, (1, 0, 2))),
    np.squeeze: ([randn(2, 1, 3)], lambda f, a: f(a, axis=1)),
    np.expand_dims: ([randn(2, 3)], lambda f, a: f(a, 1)),
    np.broadcast_to: ([randn(1, 3)], lambda f, a: f(a, (4, 3))),
    np.concatenate: ([randn(2, 3), randn(4, 3)], lambda f, a, b: f([a, b])),
    np.copy: ([randn(2, 3)], lambda f, a: f(a)),
    np.stack: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f((a, b), axis=1)),
    np.split: ([randn(4, 3)], lambda f, a: f(a, 2)[1]),
    np.pad: ([randn(2, 3)], lambda f, a: f(a, ((1, 0), (0, 2)))),
    np.where: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(np.arange(6).reshape(2, 3) % 2 == 0, a, b)),
    np.clip: ([randn(2, 3)], lambda f, a: f(a, -0.5, 0.5)),
    np.flip: ([randn(2, 3)], lambda f, a: f(a, axis=1)),
    np.roll: ([randn(2, 3)], lambda f, a: f(a, 1, axis=1)),
    np.tile: ([randn(2, 3)], lambda f, a: f(a, (2, 1))),
    np.repeat: ([randn(2, 3)], lambda f, a: f(a, 2, axis=0)),
    np.tril: ([randn(3, 3)], lambda f, a: f(a)),
    np.triu: ([randn(3, 3)], lambda f, a: f(a, 1)),
    np.diag: ([randn(3, 3)], lambda f, a: f(a)),
    np.diagonal: ([randn(3, 3)], lambda f, a: f(a)),
    np.trace: ([randn(3, 3)], lambda f, a: f(a)),
    np.moveaxis: ([randn(2, 3, 4)], lambda f, a: f(a, 0, 2)),
    np.swapaxes: ([randn(2, 3, 4)], lambda f, a: f(a, 0, 2)),
    np.take_along_axis: ([randn(3, 4)], lambda f, a: f(a, np.array([[0], [3], [1]]), 1)),
    np.round: ([randn(2, 3)], lambda f, a: f(a)),
    np.sort: ([randn(3, 4)], lambda f, a: f(a, axis=1)),
    np.einsum: ([randn(2, 3), randn(3, 4)], lambda f, a, b: f("ij,jk->ik", a, b)),
    np.outer: ([randn(3), randn(4)], lambda f, a, b: f(a, b)),
    np.dot: ([randn(2, 3), randn(3, 4)], lambda f, a, b: f(a, b)),
    np.inner: ([randn(2, 3), randn(4, 3)], lambda f, a, b: f(a, b)),
    np.tensordot: ([randn(2, 3, 4), randn(3, 4, 2)], lambda f, a, b: f(a, b, axes=2)),
    np.linalg.inv: ([_spd()], lambda f, a: f(a)),
    np.linalg.det: ([_spd()], lambda f, a: f(a)),
    np.linalg.slogdet: ([_spd()], lambda f, a: f(a)[1]),
    np.linalg.solve: ([_spd(), randn(3, 2)], lambda f, a, b: f(a, b)),
    np.linalg.cholesky: ([_spd()], lambda f, a: f(a)),
    np.ravel: ([randn(2, 3)], lambda f, a: f(a)),
    np.vstack: ([randn(3), randn(2, 3)], lambda f, a, b: f([a, b])),
    np.hstack: ([randn(2, 3), randn(2, 1)], lambda f, a, b: f((a, b))),
    np.dstack: ([randn(2, 3), randn(2, 3, 2)], lambda f, a, b: f([a, b])),
    np.column_stack: ([randn(3), randn(3, 2)], lambda f, a, b: f([a, b])),
    np.array_split: ([randn(2, 5)], lambda f, a: f(a, 3, axis=1)[0]),
    np.hsplit: ([randn(2, 4)], lambda f, a: f(a, 2)[1]),
    np.vsplit: ([randn(4, 2)], lambda f, a: f(a, [1])[1]),
    np.dsplit: ([randn(2, 2, 4)], lambda f, a: f(a, 2)[0]),
    np.append: ([randn(2, 3), randn(2, 1)], lambda f, a, b: f(a, b, axis=1)),
    np.diff: ([randn(3, 4)], lambda f, a: f(a, n=2, axis=1, prepend=0.5)),
    np.trapezoid: ([randn(3, 4), np.sort(randn(4))], lambda f, y, x: f(y, x)),
    np.kron: ([randn(2, 3), randn(2, 2)], lambda f, a, b: f(a, b)),
    np.cross: ([randn(4, 3), randn(3)], lambda f, a, b: f(a, b)),
    np.flipud: ([randn(3, 2)], lambda f, a: f(a)),
    np.fliplr: ([randn(3, 2)], lambda f, a: f(a)),
    np.rot90: ([randn(3, 2)], lambda f, a: f(a, 3)),
    np.meshgrid: ([randn(2), randn(3)], lambda f, a, b: f(a, b)[0] * f(a, b)[1]),
    np.fmax: ([randn(2, 3), randn(3)], lambda f, a, b: f(a, b)),
    np.fmin: ([randn(2, 3), randn(3)], lambda f, a, b: f(a, b)),
    np.nan_to_num: ([randn(2, 3)], lambda f, a: f(a, nan=1.0)),
    np.sinc: ([randn(2, 3)], lambda f, a: f(a)),
    np.real: ([randn(2, 3)], lambda f, a: f(a) * 2),
    np.imag: ([randn(2, 3)], lambda f, a: f(a) + a),
    np.linalg.svd: ([randn(4, 3)], lambda f, a: f(a, full_matrices=False)[1]),
    np.linalg.eigh: ([_spd()], lambda f, a: f(a)[0]),
    np.linalg.qr: ([randn(4, 3)], lambda f, a: f(a)[1]),
    np.linalg.pinv: ([randn(4, 3)], lambda f, a: f(a)),
    np.linalg.matrix_power: ([_spd()], lambda f, a: f(a, 3)),
}
_UNARY_DOMAINS = {np.log: positive, np.sqrt: positive, np.log2: positive, np.log10: positive, np.reciprocal: positive,
                  np.arcsin: lambda s: RNG.uniform(-0.9, 0.9, s), np.arccos: lambda s: RNG.uniform(-0.9, 0.9, s),
                  np.arctanh: lambda s: RNG.uniform(-0.9, 0.9, s), np.arccosh: lambda s: RNG.uniform(1.2, 3, s),
                  np.log1p: positive}
for _ufunc, _ in numpy_protocol.table():
    if _ufunc not in SAMPLES and isinstance(_ufunc, np.ufunc) and _ufunc.nin == 1:
        SAMPLES[_ufunc] = ([_UNARY_DOMAINS.get(_ufunc, lambda s: randn(*s))((2, 3))], lambda f, a: f(a))


# NumPy functions whose ops are not differentiable (nd): integer inputs, results without gradient.
_INTEGERS = np.arange(-6, 6).reshape(2, 6)
ND_SAMPLES = {
    f: ([_INTEGERS, _INTEGERS % 5], lambda f, a, b: f(a, b))
    for f in (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.left_shift, np.right_shift)
}
ND_SAMPLES[np.invert] = ([_INTEGERS], lambda f, a: f(a))
for _ufunc in ND_SAMPLES:
    SAMPLES.pop(_ufunc, None)


def test_every_table_entry_has_a_sample_call():
    missing = [numpy_name(f) for f, _ in numpy_protocol.table() if f not in SAMPLES and f not in ND_SAMPLES]
    assert not missing, f"add a sample call for {missing}"


@pytest.mark.parametrize("func", list(ND_SAMPLES), ids=numpy_name)
def test_numpy_nd_function_on_variables_matches_numpy(func):
    arrays, call = ND_SAMPLES[func]
    y = call(func, *[mg.Variable(a) for a in arrays])
    assert isinstance(y, mg.Variable) and not y.requires_grad
    np.testing.assert_array_equal(y.data, call(func, *arrays))


@pytest.mark.parametrize("func,op_name", [(f, name) for f, name in numpy_protocol.table() if f not in ND_SAMPLES],
                         ids=[numpy_name(f) for f, _ in numpy_protocol.table() if f not in ND_SAMPLES])
def test_numpy_function_on_variables_matches_numpy(func, op_name):
    arrays, call = SAMPLES[func]
    variables = [mg.Variable(a) for a in arrays]
    y = call(func, *variables)
    expected = call(func, *arrays)
    assert isinstance(y, mg.Variable), f"{func.__name__} returned {type(y).__name__}"
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    assert y.requires_grad  # recorded in the graph
    y.sum().backward()
    assert all(v.grad is not None and v.grad.shape == v.shape for v in variables)


def test_numpy_ufunc_gradients_equal_minigrad_ops():
    x = mg.Variable(randn(3, 4))
    (np.tanh(x) * np.exp(x) + np.maximum(x, 0.2)).sum().backward()
    g1 = x.grad.data.copy()
    x.cleargrad()
    (F.tanh(x) * F.exp(x) + F.maximum(x, 0.2)).sum().backward()
    np.testing.assert_allclose(g1, x.grad.data)


def test_comparison_ufuncs_and_data_functions_give_ndarrays():
    x, a = mg.Variable(randn(2, 3)), randn(2, 3)
    for result, expected in [(np.less(x, 0), x.data < 0), (a < x, a < x.data), (a == x, a == x.data),
                             (np.isfinite(x), np.isfinite(x.data)), (np.argmax(x, axis=1), x.data.argmax(1)),
                             (np.shape(x), (2, 3)), (np.allclose(x, x.data), True),
                             (np.zeros_like(x), np.zeros((2, 3)))]:
        assert not isinstance(result, mg.Variable)
        np.testing.assert_array_equal(result, expected)


def test_ndarray_with_variable_gives_a_variable():
    a, x = randn(2, 3), mg.Variable(randn(2, 3))
    for y, expected in [(a + x, a + x.data), (a - x, a - x.data), (a * x, a * x.data),
                        (a @ x.T, a @ x.data.T), (np.float64(2.0) * x, 2 * x.data)]:
        assert isinstance(y, mg.Variable) and y.requires_grad
        np.testing.assert_allclose(y.data, expected)


def test_unsupported_numpy_function_is_a_type_error_suggesting_data():
    x = mg.Variable(randn(3, 3))
    for call, name in [(lambda: np.convolve(x[0], x[1]), "np.convolve"), (lambda: np.fft.fft(x), "np.fft.fft"),
                       (lambda: np.ldexp(x, 2), "np.ldexp"),
                       (lambda: np.add.reduce(x), "np.add.reduce")]:
        with pytest.raises(TypeError, match=rf"{name}.*x\.data"):
            call()
    with pytest.raises(TypeError, match="np.sum on a Variable: minigrad's sum cannot take"):
        np.sum(x, out=np.zeros(3))


def test_numpy_in_place_update_of_an_ndarray_records_nothing():
    v = mg.Variable(randn(3))
    y = v * 2
    a = np.ones(3)
    b = a
    a -= 0.1 * y
    assert a is b and isinstance(a, np.ndarray)
    np.testing.assert_allclose(a, 1 - 0.1 * y.data)
    np.add(a, v, out=a)
    np.testing.assert_allclose(a, 1 - 0.1 * y.data + v.data)
    y.sum().backward()
    np.testing.assert_allclose(v.grad.data, 2 * np.ones(3))  # the updates recorded nothing


def test_p_data_minus_lr_grad_updates_the_parameter():
    model = nn.Linear(3, 2)
    w = model.weight
    before = w.data.copy()
    model(randn(4, 3).astype(np.float32)).sum().backward()
    w.data -= 0.1 * w.grad
    assert model.weight is w and isinstance(w.data, np.ndarray) and w.data.dtype == np.float32
    np.testing.assert_allclose(w.data, before - 0.1 * w.grad.data, rtol=1e-6)


def test_ufunc_out_into_a_recorded_variable_is_refused():
    x = mg.Variable(randn(3))
    with pytest.raises(RuntimeError, match="np.add with out= a Variable.*no_grad"):
        np.add(x, 1.0, out=x)
    with mg.no_grad():
        np.add(x, 1.0, out=x)  # allowed: nothing is recorded


def test_numpy_functions_of_issue_21_on_variables():
    """The forms the SAMPLES table does not show: row_stack (NumPy's
    deprecated alias, which calls vstack), einsum's sublist form, x.ravel(),
    svd's three factors, eigh's vectors, qr's mode 'r', the singular-value norms."""
    a, b = randn(2, 3), randn(3, 4)
    x, y = mg.Variable(a), mg.Variable(b)
    with pytest.warns(DeprecationWarning):
        np.testing.assert_array_equal(np.row_stack([x, x]).data, np.vstack([a, a]))
    np.testing.assert_allclose(np.einsum(x, [0, 1], y, [1, 2], [0, 2]).data, a @ b)
    np.testing.assert_allclose(np.einsum(x, [Ellipsis, 1], y, [1, 2]).data, np.einsum(a, [Ellipsis, 1], b, [1, 2]))
    assert x.ravel().shape == (6,) and x.ravel().creator is not None
    U, S, Vh = np.linalg.svd(y)
    for got, expected in zip((U, S, Vh), np.linalg.svd(b)):
        np.testing.assert_allclose(got.data, expected)
    spd = _spd()
    np.testing.assert_allclose(np.linalg.eigh(mg.Variable(spd))[1].data, np.linalg.eigh(spd)[1])
    np.testing.assert_allclose(np.linalg.qr(x.T, mode="r").data, np.linalg.qr(a.T, mode="r"))
    for ord_ in (2, -2, "nuc"):
        np.testing.assert_allclose(np.linalg.norm(y, ord_).data, np.linalg.norm(b, ord_))
