"""The habits of PyTorch and NumPy users on `minigrad` and `Variable`
(API.md, "Habits of PyTorch and NumPy users"): creation helpers,
conversions, NumPy's protocols, in-place updates, == and !=, tensor methods,
hooks, backward/grad keywords, Function reuse and errors, per-thread modes.
PyTorch is the oracle where it has the same thing (skipped without it)."""
import re
import threading

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.core import numpy_protocol, tensor_methods
from minigrad.core.operators import ops

RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.standard_normal(shape)


def has_op(name):
    return getattr(ops, name, None) is not None


# -- creation helpers ---------------------------------------------------------------------

def test_tensor_dtypes_follow_pytorch():
    assert mg.tensor(1.5).dtype == np.float32
    assert mg.tensor([1.0, 2.0]).dtype == np.float32
    assert mg.tensor([1, 2]).dtype == np.int64
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert mg.tensor(np.zeros(2, np.int32)).dtype == np.int32
    assert mg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    x = mg.tensor([1.0, 2.0])
    assert not x.requires_grad and mg.tensor([1.0], requires_grad=True).requires_grad


def test_tensor_copies_and_from_numpy_shares():
    a = np.zeros(3)
    t, s = mg.tensor(a), mg.from_numpy(a)
    a[0] = 5
    assert t.data[0] == 0 and s.data[0] == 5
    s.data[1] = 7
    assert a[1] == 7 and not s.requires_grad


def test_integer_variables_cannot_require_grad():
    with pytest.raises(RuntimeError, match="tensor: only floating-point.*int64"):
        mg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires_grad_: only floating-point"):
        mg.arange(3).requires_grad_()


CREATORS = [
    ("zeros", lambda **k: mg.zeros(2, 3, **k), np.zeros((2, 3))),
    ("ones", lambda **k: mg.ones((2, 3), **k), np.ones((2, 3))),
    ("full", lambda **k: mg.full((2, 3), 1.5, **k), np.full((2, 3), 1.5)),
    ("empty", lambda **k: mg.empty(2, 3, **k), None),
    ("arange", lambda **k: mg.arange(0.0, 3.0, 0.5, **k), np.arange(0.0, 3.0, 0.5)),
    ("linspace", lambda **k: mg.linspace(0, 1, 5, **k), np.linspace(0, 1, 5)),
    ("eye", lambda **k: mg.eye(3, 4, **k), np.eye(3, 4)),
    ("rand", lambda **k: mg.rand(2, 3, **k), None),
    ("randn", lambda **k: mg.randn((2, 3), **k), None),
    ("zeros_like", lambda **k: mg.zeros_like(np.ones((2, 3), np.float32), **k), np.zeros((2, 3))),
    ("ones_like", lambda **k: mg.ones_like(mg.zeros(2, 3), **k), np.ones((2, 3))),
    ("full_like", lambda **k: mg.full_like(mg.zeros(2, 3), 2.0, **k), np.full((2, 3), 2.0)),
    ("rand_like", lambda **k: mg.rand_like(mg.zeros(2, 3), **k), None),
    ("randn_like", lambda **k: mg.randn_like(mg.zeros(2, 3), **k), None),
]


@pytest.mark.parametrize("name,make,expected", CREATORS, ids=[c[0] for c in CREATORS])
def test_creation_helpers_float32_dtype_and_requires_grad(name, make, expected):
    x = make()
    assert isinstance(x, mg.Variable) and x.dtype == np.float32 and not x.requires_grad
    if expected is not None:
        np.testing.assert_allclose(x.data, expected)
    y = make(dtype=np.float64, requires_grad=True)
    assert y.dtype == np.float64 and y.requires_grad and y.creator is None
    assert y.shape == x.shape


def test_integer_creation_helpers():
    assert mg.arange(5).dtype == np.int64 and mg.arange(5).data.tolist() == [0, 1, 2, 3, 4]
    assert mg.full((2,), 3).dtype == np.int64 and mg.full(2, True).dtype == np.bool_
    r = mg.randint(0, 10, (3, 4))
    assert r.dtype == np.int64 and r.shape == (3, 4) and 0 <= r.data.min() and r.data.max() < 10
    assert mg.randint(5, (6,)).data.max() < 5
    assert mg.randint(0, 3, 4, dtype=np.int32).dtype == np.int32
    with pytest.raises(TypeError, match="zeros: a shape is non-negative ints"):
        mg.zeros(2, -1)


def test_random_helpers_follow_manual_seed():
    for make in (lambda: mg.rand(3, 2), lambda: mg.randn(4), lambda: mg.randint(0, 100, (5,)),
                 lambda: mg.randn_like(mg.zeros(2, 2)), lambda: mg.rand_like(mg.zeros(3))):
        mg.manual_seed(7)
        a = make().data
        mg.manual_seed(7)
        np.testing.assert_array_equal(a, make().data)
    mg.manual_seed(1)
    assert not np.array_equal(mg.randn(8).data, mg.randn(8).data)


def test_creation_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [(mg.tensor(1.5), torch.tensor(1.5)), (mg.tensor([1, 2]), torch.tensor([1, 2])),
             (mg.full((2,), 3), torch.full((2,), 3)), (mg.full((2,), 3.0), torch.full((2,), 3.0)),
             (mg.arange(4), torch.arange(4)), (mg.arange(0, 2, 0.5), torch.arange(0, 2, 0.5)),
             (mg.zeros(2, 3), torch.zeros(2, 3)), (mg.eye(3), torch.eye(3)),
             (mg.linspace(0, 1, 4), torch.linspace(0, 1, 4))]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(ours.data, theirs.numpy())


# -- conversions ------------------------------------------------------------------------------

def test_conversions_of_one_element_variables():
    x = mg.tensor([[2.5]])
    assert float(x) == 2.5 and int(x) == 2 and bool(x) is True and x.item() == 2.5
    assert format(x, ".3f") == "2.500" and f"{x:.1f}" == "2.5" and f"{x}" == repr(x)
    assert not bool(mg.tensor(0.0))
    assert x.tolist() == [[2.5]] and x.numpy() is x.data
    assert np.asarray(x) is x.data and np.asarray(x, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("convert", [float, int, bool, lambda x: format(x, ".2f"), lambda x: x.item()],
                         ids=["float", "int", "bool", "format", "item"])
def test_conversions_of_many_elements_name_the_shape(convert):
    with pytest.raises(ValueError, match=r"only a Variable with one element.*shape \(2, 3\)"):
        convert(mg.zeros(2, 3))


def test_matplotlib_plots_a_variable(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x = mg.linspace(0, 1, 5)
    y = x * x
    fig, ax = plt.subplots()
    (line,) = ax.plot(x, y)
    np.testing.assert_allclose(line.get_ydata(), y.data)
    fig.savefig(tmp_path / "plot.png")
    plt.close(fig)
    assert (tmp_path / "plot.png").stat().st_size > 0


# -- NumPy's protocols ------------------------------------------------------------------------

def _pos(shape):
    return RNG.uniform(0.5, 1.5, shape)


def _spd():
    a = randn(3, 3)
    return a @ a.T + 3 * np.eye(3)


# NumPy function -> (inputs, call). Every entry of the protocol's tables has one.
SAMPLES = {
    np.add: ([randn(2, 3), randn(3)], lambda f, a, b: f(a, b)),
    np.subtract: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.multiply: ([randn(2, 3), randn(2, 1)], lambda f, a, b: f(a, b)),
    np.divide: ([randn(2, 3), _pos((2, 3))], lambda f, a, b: f(a, b)),
    np.power: ([_pos((2, 3))], lambda f, a: f(a, 3.0)),
    np.negative: ([randn(2, 3)], lambda f, a: f(a)),
    np.matmul: ([randn(2, 3, 4), randn(4, 2)], lambda f, a, b: f(a, b)),
    np.maximum: ([randn(2, 3)], lambda f, a: f(a, 0.1)),
    np.minimum: ([randn(2, 3)], lambda f, a: f(a, 0.1)),
    np.arctan2: ([randn(2, 3), _pos((2, 3))], lambda f, a, b: f(a, b)),
    np.hypot: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.logaddexp: ([randn(2, 3), randn(2, 3)], lambda f, a, b: f(a, b)),
    np.fmod: ([randn(2, 3) * 3, _pos((2, 3))], lambda f, a, b: f(a, b)),
    np.remainder: ([randn(2, 3) * 3, _pos((2, 3))], lambda f, a, b: f(a, b)),
    np.sum: ([randn(2, 3, 4)], lambda f, a: f(a, axis=(0, 2), keepdims=True)),
    np.mean: ([randn(2, 3)], lambda f, a: f(a, axis=0)),
    np.max: ([randn(2, 3)], lambda f, a: f(a, axis=1)),
    np.amax: ([randn(2, 3)], lambda f, a: f(a)),
    np.min: ([randn(2, 3)], lambda f, a: f(a, axis=0, keepdims=True)),
    np.amin: ([randn(2, 3)], lambda f, a: f(a, axis=1)),
    np.var: ([randn(3, 4)], lambda f, a: f(a, axis=1)),
    np.std: ([randn(3, 4)], lambda f, a: f(a, axis=0)),
    np.prod: ([_pos((3, 4))], lambda f, a: f(a, axis=1)),
    np.cumsum: ([randn(3, 4)], lambda f, a: f(a, axis=1)),
    np.cumprod: ([_pos((3, 4))], lambda f, a: f(a, axis=0)),
    np.median: ([randn(3, 5)], lambda f, a: f(a, axis=1)),
    np.linalg.norm: ([randn(3, 4)], lambda f, a: f(a)),
    np.reshape: ([randn(2, 6)], lambda f, a: f(a, (3, 4))),
    np.transpose: ([randn(2, 3, 4)], lambda f, a: f(a, (1, 0, 2))),
    np.squeeze: ([randn(2, 1, 3)], lambda f, a: f(a, axis=1)),
    np.expand_dims: ([randn(2, 3)], lambda f, a: f(a, 1)),
    np.broadcast_to: ([randn(1, 3)], lambda f, a: f(a, (4, 3))),
    np.concatenate: ([randn(2, 3), randn(4, 3)], lambda f, a, b: f([a, b])),
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
}
_UNARY_DOMAINS = {np.log: _pos, np.sqrt: _pos, np.log2: _pos, np.log10: _pos, np.reciprocal: _pos,
                  np.arcsin: lambda s: RNG.uniform(-0.9, 0.9, s), np.arccos: lambda s: RNG.uniform(-0.9, 0.9, s),
                  np.arctanh: lambda s: RNG.uniform(-0.9, 0.9, s), np.arccosh: lambda s: RNG.uniform(1.2, 3, s),
                  np.log1p: _pos}
for _ufunc, _ in numpy_protocol.table():
    if _ufunc not in SAMPLES and isinstance(_ufunc, np.ufunc) and _ufunc.nin == 1:
        SAMPLES[_ufunc] = ([_UNARY_DOMAINS.get(_ufunc, lambda s: randn(*s))((2, 3))], lambda f, a: f(a))


def test_every_table_entry_has_a_sample_call():
    missing = [numpy_protocol._numpy_name(f) for f, _ in numpy_protocol.table() if f not in SAMPLES]
    assert not missing, f"add a sample call for {missing}"


def _first(y):
    return y[0] if isinstance(y, (tuple, list)) else y


@pytest.mark.parametrize("func,op_name", numpy_protocol.table(),
                         ids=[numpy_protocol._numpy_name(f) for f, _ in numpy_protocol.table()])
def test_numpy_function_on_variables_matches_numpy(func, op_name):
    if not has_op(op_name):
        pytest.skip(f"minigrad.functions has no {op_name} in this branch yet")
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
    for call, name in [(lambda: np.cross(x, x), "np.cross"), (lambda: np.fft.fft(x), "np.fft.fft"),
                       (lambda: np.floor_divide(x, 2), "np.floor_divide"),
                       (lambda: np.add.reduce(x), "np.add.reduce")]:
        with pytest.raises(TypeError, match=rf"{name}.*x\.data"):
            call()
    with pytest.raises(TypeError, match="np.sum on a Variable: minigrad's sum cannot take"):
        np.sum(x, dtype=np.float32)


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


# -- in-place updates -------------------------------------------------------------------------

def test_no_grad_in_place_sgd_step_updates_the_models_parameters():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    model(randn(5, 3).astype(np.float32)).sum().backward()
    lr = 0.1
    with mg.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    for p, q, old in zip(params, model.parameters(), before):
        assert p is q and p.dtype == np.float32 and p.creator is None and p.requires_grad
        np.testing.assert_allclose(p.data, old - lr * p.grad.data, rtol=1e-6)
        assert not np.allclose(p.data, old)


@pytest.mark.parametrize("update", ["+=", "-=", "*=", "/=", "**="])
def test_in_place_operator_on_a_recorded_leaf_is_refused(update):
    x = mg.Variable(_pos((2, 3)))
    with pytest.raises(RuntimeError, match=re.escape(update) + ": in-place update of a leaf.*with mg.no_grad"):
        exec(f"x {update} 2.0", {"x": x})


def test_in_place_operators_on_constants_change_data_with_numpys_rules():
    x = mg.zeros(2, 3)
    data, original = x.data, x
    x += np.arange(3.0)           # broadcasts, float64 into float32 stays float32
    x *= 2
    x -= 1
    x /= 2
    x **= 2
    assert x is original and x.data is data and x.dtype == np.float32
    np.testing.assert_allclose(x.data, np.broadcast_to(((np.arange(3.0) * 2 - 1) / 2) ** 2, (2, 3)))
    with pytest.raises(ValueError, match=r"\+=: cannot update a Variable of shape \(2, 3\).*shape \(4,\)"):
        x += np.ones(4)
    n = mg.arange(3)
    with pytest.raises(TypeError, match=r"/=: cannot update a Variable of shape \(3,\) and dtype int64"):
        n /= 2


def test_in_place_operator_on_a_non_leaf_records_and_rebinds():
    torch = pytest.importorskip("torch")
    a = randn(2, 3)
    x = mg.Variable(a)
    y = x * 2
    y += x ** 2
    y *= 3
    y.sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    ty = tx * 2
    ty += tx ** 2
    ty *= 3
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_in_place_on_a_constant_with_a_recorded_operand_records():
    w = mg.Variable(randn(3))
    acc = mg.zeros(3, dtype=np.float64)
    acc += w * 2          # would silently drop w's gradient if done on the data
    acc.sum().backward()
    np.testing.assert_allclose(w.grad.data, 2 * np.ones(3))


def test_zero_fill_copy():
    x = mg.ones(2, 3)
    assert x.zero_() is x and not x.data.any()
    assert x.fill_(2.5) is x and np.all(x.data == 2.5)
    assert x.copy_(np.arange(3.0)) is x and x.data.tolist() == [[0, 1, 2], [0, 1, 2]]
    w = mg.Variable(randn(3))
    (w * w).sum().backward()
    g = w.grad
    assert w.grad.zero_() is g and not w.grad.data.any()
    with pytest.raises(RuntimeError, match="fill_: in-place update of a leaf.*no_grad"):
        w.fill_(1.0)
    with mg.no_grad():
        w.fill_(1.0)
    assert np.all(w.data == 1.0)
    with pytest.raises(RuntimeError, match="zero_: in-place update of a Variable computed by an op"):
        (w * 2).zero_()


# -- == and != ----------------------------------------------------------------------------------

def test_equality_is_elementwise_and_variables_stay_hashable():
    x, y = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([1.0, 5.0, 3.0])
    np.testing.assert_array_equal(x == y, [True, False, True])
    np.testing.assert_array_equal(x != y, [False, True, False])
    np.testing.assert_array_equal(x == 2.0, [False, True, False])
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(x == y, (torch.tensor(x.data) == torch.tensor(y.data)).numpy())
    a, b = mg.tensor([1.0]), mg.tensor([1.0])   # equal values, distinct Variables
    assert len({a, b}) == 2 and {a: 1, b: 2}[a] == 1 and hash(a) != hash(b)


def test_backward_over_many_equal_valued_variables():
    leaves = [mg.Variable(np.array([1.0])) for _ in range(20)]   # all == each other
    total = leaves[0]
    for i, v in enumerate(leaves[1:], 1):
        total = total + v * i
    total.backward()
    assert [float(v.grad) for v in leaves] == [1.0] + list(range(1, 20))


# -- methods --------------------------------------------------------------------------------------

# method -> (args, kwargs) for a (3, 4) float64 input
METHOD_CALLS = {
    "pow": ((2,), {}), "softmax": ((), {"axis": 1}), "log_softmax": ((), {"dim": 0}),
    "sum": ((), {"dim": 1, "keepdim": True}), "mean": ((0,), {}), "max": ((), {"dim": 1}),
    "min": ((), {"axis": 0, "keepdims": True}), "var": ((1,), {}), "std": ((), {"dim": 0}),
    "norm": ((), {}), "argmax": ((), {"dim": 1}), "argmin": ((0,), {}), "cumsum": ((1,), {}),
    "prod": ((), {"dim": 1}), "logsumexp": ((), {"axis": 1}), "squeeze": ((), {}),
    "expand_dims": ((0,), {}), "unsqueeze": ((1,), {}), "swapaxes": ((0, 1), {}),
    "masked_fill": ((np.eye(3, 4, dtype=bool), 0.0), {}),
    "gather": ((1, np.array([[0], [2], [1]])), {}), "broadcast_to": (((2, 3, 4),), {}),
}


@pytest.mark.parametrize("method,op_name", tensor_methods._METHODS.items(), ids=list(tensor_methods._METHODS))
def test_method_is_the_function_of_that_name(method, op_name):
    if not has_op(op_name):
        pytest.skip(f"minigrad.functions has no {op_name} in this branch yet")
    a = _pos((3, 4)) if method in ("log", "sqrt") else randn(3, 4)
    args, kwargs = METHOD_CALLS.get(method, ((), {}))
    x = mg.Variable(a)
    got = getattr(x, method)(*args, **kwargs)
    want = getattr(F, op_name)(mg.Variable(a), *args, **kwargs)
    np.testing.assert_allclose(np.asarray(_first(got).data if isinstance(_first(got), mg.Variable) else got),
                               np.asarray(_first(want).data if isinstance(_first(want), mg.Variable) else want))


def test_methods_against_torch_first_and_second_order():
    torch = pytest.importorskip("torch")
    a = randn(2, 3, 4)
    calls = [
        (lambda x: x.exp().sum(dim=1), lambda t: t.exp().sum(dim=1)),
        (lambda x: x.sigmoid().mean(dim=(0, 2), keepdim=True), lambda t: t.sigmoid().mean(dim=(0, 2), keepdim=True)),
        (lambda x: x.clamp(min=-0.5) * x, lambda t: t.clamp(min=-0.5) * t),
        (lambda x: x.clamp(-0.5, 0.5) * x, lambda t: t.clamp(-0.5, 0.5) * t),
        (lambda x: x.view(6, -1).tanh(), lambda t: t.view(6, -1).tanh()),
        (lambda x: x.flatten() ** 2, lambda t: t.flatten() ** 2),
        (lambda x: x.unsqueeze(1).expand(-1, 3, -1, -1) ** 2, lambda t: t.unsqueeze(1).expand(-1, 3, -1, -1) ** 2),
        (lambda x: x.softmax(2) * x, lambda t: t.softmax(2) * t),
        (lambda x: x.log_softmax(dim=-1) * x, lambda t: t.log_softmax(dim=-1) * t),
        (lambda x: x.pow(3).sum(1), lambda t: t.pow(3).sum(1)),
        (lambda x: x.abs().sqrt(), lambda t: t.abs().sqrt()),
        (lambda x: (x.sin() * x.cos()).max(dim=1), lambda t: (t.sin() * t.cos()).max(dim=1).values),
        (lambda x: x.relu() * x, lambda t: t.relu() * t),
        (lambda x: x.reshape_as(mg.zeros(4, 6)).double() ** 2, lambda t: t.reshape(4, 6).double() ** 2),
    ]
    for ours, theirs in calls:
        x = mg.Variable(a)
        y = ours(x)
        (g,) = mg.grad(y, x, create_graph=True)
        (gg,) = mg.grad((g * g).sum(), x)
        t = torch.tensor(a, requires_grad=True)
        ty = theirs(t)
        (tg,) = torch.autograd.grad(ty.sum(), t, create_graph=True)
        (tgg,) = torch.autograd.grad((tg * tg).sum(), t)
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-9, atol=1e-12)


def test_permute_when_present():
    if not has_op("permute"):
        pytest.skip("F.permute is not in this branch yet")
    x = mg.Variable(randn(2, 3, 4))
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((1, 2, 0)).shape == (3, 4, 2)


def test_small_methods():
    x = mg.Variable(randn(2, 3, 4))
    assert x.numel() == 24 and x.size == 24 and x.dim() == 3
    assert x.float().dtype == np.float32 and x.double().dtype == np.float64
    assert x.astype(np.float32).dtype == np.float32 and x.astype("float16").dtype == np.float16
    n = x.long()
    assert n.dtype == np.int64 and not n.requires_grad
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12) and F.flatten(x).shape == (2, 12)
    c = mg.zeros(3)
    assert c.requires_grad_() is c and c.requires_grad and not c.requires_grad_(False).requires_grad
    with pytest.raises(RuntimeError, match="requires_grad_: this Variable was computed by an op.*detach"):
        (x * 2).requires_grad_(False)


def test_astype_is_differentiable_to_second_order():
    # a float32 round trip: central differences need a step float32 resolves
    a = np.random.default_rng(3).standard_normal((3, 2))
    assert mg.gradcheck(lambda v: (v.astype(np.float32).astype(np.float64) * v).sum(), a,
                        eps=1e-2, atol=1e-4, rtol=1e-3)
    assert mg.gradgradcheck(lambda v: (v.double() ** 3).sum(), randn(3, 2))
    x = mg.Variable(randn(3).astype(np.float32))
    y = x.double()
    y.sum().backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float32


# -- hooks and retain_grad ------------------------------------------------------------------------

def test_register_hook_and_retain_grad_against_torch():
    torch = pytest.importorskip("torch")
    a = randn(3)
    seen, tseen = [], []
    x = mg.Variable(a)
    y = x * 3
    z = (y * y).sum() + y.sum()
    y.retain_grad()
    h1 = y.register_hook(lambda g: seen.append(g.data.copy()))
    y.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: seen.append(g.data.copy()))
    z.backward()
    t = torch.tensor(a, requires_grad=True)
    ty = t * 3
    tz = (ty * ty).sum() + ty.sum()
    ty.retain_grad()
    ty.register_hook(lambda g: tseen.append(g.numpy().copy()))
    ty.register_hook(lambda g: g * 2)
    t.register_hook(lambda g: tseen.append(g.numpy().copy()))
    tz.backward()
    for ours, theirs in zip(seen, tseen):
        np.testing.assert_allclose(ours, theirs)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy())
    h1.remove()
    seen.clear()
    x.cleargrad()
    z.backward()
    assert len(seen) == 1   # only x's hook is left


def test_leaf_hook_sees_the_whole_gradient_once_per_pass():
    w = mg.Variable(np.array([1.0, 2.0]))
    calls = []
    w.register_hook(lambda g: calls.append(g.data.copy()))
    (w * 2 + w * 3 + w).sum().backward()
    assert len(calls) == 1 and calls[0].tolist() == [6.0, 6.0] and w.grad.data.tolist() == [6.0, 6.0]


def test_hook_returning_a_wrong_shape_is_an_error():
    x = mg.Variable(randn(3))
    y = x * 2
    y.register_hook(lambda g: np.ones(4))
    with pytest.raises(ValueError, match=r"register_hook.*shape \(4,\).*shape \(3,\)"):
        y.sum().backward()


# -- backward and grad keywords ----------------------------------------------------------------

def test_backward_keywords():
    x, w = mg.Variable(randn(3)), mg.Variable(randn(3))
    y = x * w
    y.backward(gradient=np.ones(3), retain_graph=True)
    np.testing.assert_allclose(x.grad.data, w.data)
    x.cleargrad(), w.cleargrad()
    y.backward(np.ones(3), inputs=[x])
    assert w.grad is None and np.allclose(x.grad.data, w.data)
    y.backward(inputs=x)
    np.testing.assert_allclose(x.grad.data, 2 * w.data)   # accumulates as always
    with pytest.raises(TypeError, match="backward: got both grad= and gradient="):
        y.backward(np.ones(3), gradient=np.ones(3))


def test_backward_inputs_against_torch():
    torch = pytest.importorskip("torch")
    a, b = randn(3), randn(3)
    x, w = mg.Variable(a), mg.Variable(b)
    h = x * w
    (h * h).sum().backward(inputs=[w, h])
    t, tw = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    th = t * tw
    (th * th).sum().backward(inputs=[tw, th])
    assert x.grad is None and t.grad is None
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy())
    np.testing.assert_allclose(h.grad.data, th.grad.numpy())


def test_grad_keywords():
    x, unused = mg.Variable(randn(3)), mg.Variable(randn(3))
    y = (x * x).sum()
    gx, gu = mg.grad(y, [x, unused], retain_graph=True)
    assert gu is None and np.allclose(gx.data, 2 * x.data)
    with pytest.raises(RuntimeError, match=r"grad: inputs \[1\] are not used.*allow_unused=True"):
        mg.grad(y, [x, unused], allow_unused=False)


# -- Function: reuse, apply, errors --------------------------------------------------------------

class Square(mg.Function):
    """y = x**2.   dy/dx = 2x"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        return gy * 2 * self.inputs[0]


class Scale(mg.Function):
    """y = c x.   dy/dx = c"""

    def __init__(self, c=1.0):
        self.c = c

    def forward(self, x):
        return x * self.c

    def backward(self, gy):
        return gy * self.c


def test_a_function_instance_called_twice_records_two_nodes():
    a, b = mg.Variable(randn(3)), mg.Variable(randn(3))
    sq = Square()
    ya, yb = sq(a), sq(b)
    assert ya.creator is not yb.creator and ya.creator.inputs[0] is a and yb.creator.inputs[0] is b
    (ya + yb).sum().backward()
    np.testing.assert_allclose(a.grad.data, 2 * a.data)
    np.testing.assert_allclose(b.grad.data, 2 * b.data)
    s = Scale(3.0)
    (s(a) * s(s(b))).sum().backward()   # three calls of one instance


def test_apply():
    x = mg.Variable(randn(3))
    np.testing.assert_allclose(Scale.apply(x, c=2.5).data, 2.5 * x.data)
    np.testing.assert_allclose(Square.apply(x).data, x.data ** 2)


class WrongCount(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy


class WrongShape(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, np.ones((5, 7))


class WrongType(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, "oops"


@pytest.mark.parametrize("cls,error,pattern", [
    (WrongCount, RuntimeError, r"wrong_count: backward returned 1 gradients for 2 inputs; WrongCount\.backward"),
    (WrongShape, ValueError, r"WrongShape\.backward: the gradient for input 1 has shape \(5, 7\).*input's shape \(2, 3\)"),
    (WrongType, TypeError, r"WrongType\.backward returned a str as the gradient for input 1 \(shape \(2, 3\)\)"),
])
def test_a_bad_custom_backward_is_named(cls, error, pattern):
    a, b = mg.Variable(randn(2, 3)), mg.Variable(randn(2, 3))
    with pytest.raises(error, match=pattern):
        cls()(a, b).sum().backward()


# -- errors of issue 10 ---------------------------------------------------------------------------

@pytest.mark.parametrize("call,pattern", [
    (lambda v: v + None, r"add: data of dtype object is not numeric: got NoneType None"),
    (lambda v: v + "a", r"add: data of dtype <U1 is not numeric: got str 'a'"),
    (lambda v: F.exp("abc"), r"exp: data of dtype <U3 is not numeric: got str 'abc'"),
    (lambda v: F.relu(None), r"relu: data of dtype object is not numeric: got NoneType"),
    (lambda v: F.sum([[1, 2], [3]]), r"sum: cannot make an array from list \[\[1, 2\], \[3\]\]"),
], ids=["v+None", "v+str", "exp(str)", "relu(None)", "sum(ragged)"])
def test_bad_operands_name_the_op_and_the_type(call, pattern):
    with pytest.raises(TypeError, match=pattern):
        call(mg.Variable(randn(3)))


# -- per-thread modes -------------------------------------------------------------------------------

def _train(seed_weights, steps=30, switch_modes=False, trace_steps=None):
    """A small regression trained by hand with in-place SGD; returns the losses."""
    w1, w2 = (mg.Variable(a.copy()) for a in seed_weights)
    x = np.linspace(-1, 1, 16).reshape(8, 2)
    t = np.sin(x.sum(1, keepdims=True))
    losses = []
    for step in range(steps):
        if switch_modes:
            with mg.no_grad(), mg.test_mode():
                assert not mg.is_grad_enabled() and not mg.Config.train
                F.tanh(mg.Variable(x) @ w1)   # records nothing
        assert mg.is_grad_enabled() and mg.Config.train
        y = F.tanh(mg.Variable(x) @ w1) @ w2
        loss = F.mean_squared_error(y, t)
        w1.cleargrad(), w2.cleargrad()
        if trace_steps is not None:
            with mg.viz.trace_backward() as trace:
                loss.backward()
            trace_steps.append(len(trace.steps))
        else:
            loss.backward()
        with mg.no_grad():
            w1 -= 0.1 * w1.grad
            w2 -= 0.1 * w2.grad
        losses.append(float(loss))
    return losses


def test_two_threads_train_at_once_as_alone():
    weights_a = (randn(2, 5), randn(5, 1))
    weights_b = (randn(2, 5), randn(5, 1))
    alone_a, alone_b = _train(weights_a), _train(weights_b, switch_modes=True)
    traced_alone = []
    _train(weights_a, steps=3, trace_steps=traced_alone)
    results, errors = {}, []

    def run(name, *args, **kwargs):
        try:
            for _ in range(3):
                results.setdefault(name, []).append(_train(*args, **kwargs))
        except Exception as e:  # surfaced below
            errors.append(e)

    traced = []
    threads = [threading.Thread(target=run, args=("a", weights_a)),
               threading.Thread(target=run, args=("b", weights_b), kwargs={"switch_modes": True}),
               threading.Thread(target=run, args=("c", weights_a), kwargs={"steps": 3, "trace_steps": traced})]
    with mg.no_grad():  # the main thread's mode is its own
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert not errors, errors
    assert all(r == alone_a for r in results["a"]) and all(r == alone_b for r in results["b"])
    assert traced == traced_alone * 3   # each trace saw its own passes only
    assert mg.is_grad_enabled() and mg.Config.observers == ()


def test_grad_mode_helpers():
    x = mg.Variable(randn(3))

    @mg.no_grad()
    def infer(v):
        return v * 2

    assert not infer(x).requires_grad
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled() and not (x * 2).requires_grad
        with mg.enable_grad():
            assert (x * 2).requires_grad
    assert mg.is_grad_enabled()


def test_hooks_in_grad_as_pytorch():
    torch = pytest.importorskip("torch")
    a = np.array([1.0, 2.0])
    x = mg.Variable(a)
    x.register_hook(lambda g: g * 10)
    h = x * 3
    h.register_hook(lambda g: g * 100)
    gh, gx = mg.grad((h * h).sum(), [h, x])
    t = torch.tensor(a, requires_grad=True)
    t.register_hook(lambda g: g * 10)
    th = t * 3
    th.register_hook(lambda g: g * 100)
    tgh, tgx = torch.autograd.grad((th * th).sum(), [th, t])
    np.testing.assert_allclose(gh.data, tgh.numpy())   # a non-leaf's gradient before its hooks
    np.testing.assert_allclose(gx.data, tgx.numpy())   # a leaf's after its hooks


def test_a_function_that_keeps_state_from_forward_can_be_called_twice():
    class Masked(mg.Function):
        """y = x * (x > 0), the mask kept from forward.   dy/dx = mask"""

        def forward(self, x):
            self.mask = x > 0
            return x * self.mask

        def backward(self, gy):
            return gy * self.mask

    f = Masked()
    a = mg.Variable(np.array([1.0, -1.0, 2.0]))
    b = mg.Variable(np.array([-3.0, 4.0, -5.0]))
    (f(a) * 2 + f(b) * 3).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 0.0, 2.0])
    np.testing.assert_array_equal(b.grad.data, [0.0, 3.0, 0.0])


def test_transpose_with_two_axes_never_silently_differs_from_pytorch():
    m = mg.Variable(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.transpose(1, 0).data, m.data.T)      # same in NumPy and PyTorch
    np.testing.assert_array_equal(m.transpose().data, m.data.T)
    with pytest.raises(ValueError, match=r"transpose: x.transpose\(0, 1\) on a Variable of shape \(2, 3\).*"
                                         r"identity.*x.swapaxes\(0, 1\)"):
        m.transpose(0, 1)      # NumPy: the identity; PyTorch: swap
    x = mg.Variable(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"x.swapaxes\(0, 2\)"):
        x.transpose(0, 2)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)
    assert x.swapaxes(0, 2).shape == (4, 3, 2)
