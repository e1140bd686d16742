"""minigrad on another device: Variables and modules moved there, ops,
layers, a training step, fit, save and pictures, checked against the same
work on the host.

Without a GPU the device is "strict" (tests/device/strict_backend.py): NumPy
arrays that, like CuPy's, refuse to become plain ndarrays, so any op that
makes or converts its arrays with NumPy fails here as it would on a GPU.
With MINIGRAD_TEST_DEVICE=cuda the same tests run on CuPy.
(MINIGRAD_TEST_DEVICE=strict python -m pytest tests/functions/test_ops.py runs the
whole op table there too.)
"""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim
from minigrad.device import backend
from tests.device import strict_backend
from tests.device.device import DEVICE as TEST_DEVICE

strict_backend.register()
DEVICE = "cuda" if TEST_DEVICE == "cuda" else "strict"
STRICT = DEVICE == "strict"


def host(a):
    return backend.to_host(a.data if isinstance(a, mg.Variable) else a)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# -- the strict backend itself --------------------------------------------------------

def test_strict_arrays_refuse_to_become_ndarrays_as_cupys_do():
    a = strict_backend.StrictArray(np.arange(3.0))
    with pytest.raises(TypeError, match="implicit conversion"):
        np.asarray(a)
    with pytest.raises(TypeError, match="NumPy ndarray"):
        a + np.ones(3)
    assert type(np.exp(a)) is strict_backend.StrictArray        # NumPy dispatches to it
    assert type(np.zeros_like(a)) is strict_backend.StrictArray


# -- Variables --------------------------------------------------------------------------

def test_to_device_and_back_is_differentiable():
    x = mg.Variable(rand(3, 4))
    y = x.to(DEVICE)
    assert y.device == DEVICE and x.device == "cpu"
    assert backend.get_array_module(y.data) is backend.get_device(DEVICE).xp
    z = (y * y).sum()
    z.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.data, 2 * x.data)
    np.testing.assert_allclose(y.cpu().data, x.data)


def test_to_takes_a_device_a_dtype_or_both():
    x = mg.Variable(rand(2, 2))
    assert x.to(np.float32).dtype == np.float32 and x.to(np.float32).device == "cpu"
    y = x.to(DEVICE, np.float32)
    assert (y.device, y.dtype) == (DEVICE, np.float32)
    assert y.to(DEVICE) is y and x.to("cpu") is x
    assert x.to(y).device == DEVICE             # another Variable's device and dtype
    assert x.to("float32").dtype == np.float32  # a dtype name is not a device


def test_mixing_devices_in_one_op_names_both():
    x, y = mg.Variable(rand(3)), mg.Variable(rand(3)).to(DEVICE)
    with pytest.raises(TypeError, match=f"add: inputs are on different devices \\(cpu and {DEVICE}\\)"):
        x + y
    with pytest.raises(TypeError, match=f"matmul: inputs are on different devices \\({DEVICE} and cpu\\)"):
        F.matmul(y.reshape(1, 3), x.reshape(3, 1))


def test_a_device_variable_does_not_turn_into_numpy_silently():
    y = mg.Variable(rand(3)).to(DEVICE)
    with pytest.raises(TypeError, match=f"lives on device '{DEVICE}'.*\\.cpu\\(\\)"):
        y.numpy()
    with pytest.raises(TypeError, match=f"lives on device '{DEVICE}'"):
        np.asarray(y)
    assert f"device='{DEVICE}'" in repr(y)
    assert y.cpu().detach().numpy().shape == (3,)
    with pytest.raises(RuntimeError, match="requires grad"):  # back on the host, it still requires grad
        y.cpu().numpy()


def test_python_numbers_and_lists_go_where_the_op_runs():
    y = mg.Variable(rand(3).astype(np.float32)).to(DEVICE)
    for z in (y * 2, 2 + y, y - [1.0, 2.0, 3.0], F.where(host(y) > 0, y, 0.0)):
        assert z.device == DEVICE
    assert (y * 2).dtype == np.float32


def test_unknown_device_and_missing_cupy_are_clear_errors():
    with pytest.raises(TypeError, match="to: 'tpu' is not a dtype; expected a dtype .*, or a device \\('cpu'"):
        mg.Variable(rand(2)).to("tpu")
    with pytest.raises(ValueError, match="unknown device 'tpu:0'"):
        mg.zeros(2, device="tpu:0")
    if not mg.cuda.is_available():
        assert mg.cuda.device_count() == 0
        try:
            import cupy  # noqa: F401
        except ImportError:
            with pytest.raises(RuntimeError, match="CuPy is not installed"):
                mg.Variable(rand(2)).cuda()


# -- the edges of issue 19: zero spread, 0-d inputs, broadcast diagonals ------------------

EDGES = [
    ("std_zero_spread", lambda x: F.std(x, axis=1), [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]),
    ("norm_zero", lambda x: F.norm(x, axis=1), [[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]),
    ("norm_p3", lambda x: F.norm(x, 3, axis=1), [[0.0, 0.0, 0.0], [1.0, -0.5, 2.0]]),
    ("norm_p1.5", lambda x: F.norm(x, 1.5, axis=1), [[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]),
    ("norm_p0.5", lambda x: F.norm(x, 0.5, axis=1), [[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]),
    ("max_0d", lambda x: F.max(x, 0, keepdims=True), 2.0),
    ("sort_0d", lambda x: F.sort(x, -1), 2.0),
    ("topk_0d", lambda x: F.topk(x, 1, 0)[0], 2.0),
    ("gather_0d", lambda x: F.gather(x, 0, np.array(0)), 2.0),
    ("softmax_0d", lambda x: F.softmax(x, 0) * x, 2.0),
    ("einsum_diagonal_broadcast", lambda x: F.einsum("...ii,...->...", x, x.new_ones(3)), [[[1.0, 2.0], [3.0, 4.0]]]),
]


@pytest.mark.parametrize("name,fn,value", EDGES, ids=[c[0] for c in EDGES])
def test_edge_gradients_are_the_hosts_on_the_device_in_two_orders(name, fn, value):
    results = []
    for device in ("cpu", DEVICE):
        x = mg.Variable(np.array(value)).to(device)
        (g,) = mg.grad(fn(x).sum(), [x], create_graph=True)
        (gg,) = mg.grad((g * g).sum(), [x])
        results.append([host(v) for v in (g, gg) if v is not None])
    for on_device, on_host in zip(*results[::-1]):
        assert np.isfinite(on_host).all()
        np.testing.assert_allclose(on_device, on_host, rtol=1e-10, atol=1e-12)


# -- layers, a training step, fit ------------------------------------------------------

def _layers():
    return {
        "mlp": (lambda: nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3)), (4, 6)),
        "cnn": (lambda: nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.AvgPool2d(2), nn.Flatten()), (2, 2, 8, 8)),
        "lstm": (lambda: nn.LSTM(4, 5, num_layers=2), (3, 2, 4)),
        "gru": (lambda: nn.GRU(4, 3, batch_first=True), (2, 3, 4)),
        "transformer": (lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                                           batch_first=True), (2, 5, 8)),
        "norms": (lambda: nn.Sequential(nn.LayerNorm(6), nn.GroupNorm(2, 4)), (3, 4, 6)),
    }


@pytest.mark.parametrize("name", sorted(_layers()))
def test_layers_give_the_same_values_and_gradients_on_the_device(name):
    make, shape = _layers()[name]
    mg.manual_seed(0)
    on_host = make().to(np.float64)
    mg.manual_seed(0)
    on_device = make().to(DEVICE, np.float64)
    x = rand(*shape)
    results = []
    for model, device in ((on_host, "cpu"), (on_device, DEVICE)):
        y = model(mg.Variable(x, requires_grad=False).to(device))
        y = y[0] if isinstance(y, tuple) else y
        assert y.device == device
        (y * y).sum().backward()
        results.append((host(y), [host(p.grad) for p in model.parameters()]))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10, atol=1e-12)
    for g_device, g_host in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(g_device, g_host, rtol=1e-8, atol=1e-10)


def test_embedding_dropout_and_cross_entropy_on_the_device():
    mg.manual_seed(1)
    model = nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Dropout(0.5), nn.Flatten(),
                          nn.Linear(12, 3)).to(DEVICE)
    tokens = mg.Variable(np.array([[1, 2, 0], [3, 9, 9]]), requires_grad=False).to(DEVICE)
    labels = mg.Variable(np.array([2, 0]), requires_grad=False).to(DEVICE)
    loss = F.cross_entropy(model(tokens), labels, label_smoothing=0.1)
    loss.backward()
    assert loss.device == DEVICE and np.isfinite(loss.item())
    assert all(p.grad.device == DEVICE for p in model.parameters())


def _step(device, make_optimizer, loss_of):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16, 3)).to(device, np.float64)
    optimizer = make_optimizer(model.parameters())
    x = mg.Variable(rand(5, 1, 4, 4), requires_grad=False).to(device)
    if STRICT:
        strict_backend.SYNCS[0] = 0
    for _ in range(2):
        loss = loss_of(model(x), device)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    syncs = strict_backend.SYNCS[0]
    return [host(p) for p in model.parameters()], syncs


def _mse(y, device):
    return F.mse_loss(y, mg.Variable(rand(5, 3, seed=1), requires_grad=False).to(device))


def _cross_entropy(y, device):
    return F.cross_entropy(y, mg.Variable(np.array([0, 2, 1, 1, 0]), requires_grad=False).to(device))


@pytest.mark.parametrize("make_optimizer", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: optim.AdamW(ps, lr=0.01),
    lambda ps: optim.RMSprop(ps, lr=0.01, centered=True),
], ids=["sgd", "adam", "adamw", "rmsprop"])
def test_a_training_step_matches_the_host_and_never_waits_for_the_device(make_optimizer):
    expected, _ = _step("cpu", make_optimizer, _mse)
    got, syncs = _step(DEVICE, make_optimizer, _mse)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    if STRICT:  # forward, backward and step: no value read back to the host
        assert syncs == 0


def test_cross_entropy_waits_only_to_check_the_labels():
    expected, _ = _step("cpu", lambda ps: optim.SGD(ps, lr=0.1), _cross_entropy)
    got, syncs = _step(DEVICE, lambda ps: optim.SGD(ps, lr=0.1), _cross_entropy)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    if STRICT:  # one range check of the labels per step (out-of-range labels must raise)
        assert syncs == 2
    with pytest.raises(ValueError, match="label 3 at index \\(1,\\) is out of range for 3 classes"):
        F.cross_entropy(mg.Variable(rand(2, 3)).to(DEVICE),
                        mg.Variable(np.array([0, 3]), requires_grad=False).to(DEVICE))


def test_fit_on_the_device_moves_model_and_batches_and_matches_the_host():
    from minigrad.data import DataLoader, TensorDataset
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((40, 5)), rng.integers(0, 3, 40)
    histories, models = [], []
    for device in ("cpu", DEVICE):
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)).to(np.float64)
        optimizer = optim.Adam(model.parameters(), lr=0.01)
        loader = DataLoader(TensorDataset(x, t), batch_size=8, shuffle=True, seed=0)
        histories.append(mg.train.fit(model, optimizer, F.cross_entropy, loader, val_loader=loader, epochs=2,
                                      progress=False, device=device))
        models.append(model)
    assert models[1][0].weight.device == DEVICE
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(histories[1].history[key], histories[0].history[key], rtol=1e-9)


# -- state, files, pictures, seeds -----------------------------------------------------

def test_module_to_moves_parameters_buffers_and_keeps_dtype_habits(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    assert model.to(DEVICE) is model
    assert {p.device for p in model.parameters()} == {DEVICE}
    bn = model[1]
    assert backend.device_of(bn.running_mean).name == DEVICE
    assert bn.num_batches_tracked.dtype == np.int64
    model.to(np.float64)                           # dtype alone, as before
    assert model[0].weight.dtype == np.float64 and model[0].weight.device == DEVICE
    mg.save(model.state_dict(), tmp_path / "m.npz")   # copied to the host
    loaded = mg.load(tmp_path / "m.npz")
    assert all(type(a) is np.ndarray for a in loaded.values())
    fresh = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).to(DEVICE, np.float64)
    fresh.load_state_dict(loaded)
    np.testing.assert_array_equal(host(fresh[0].weight), host(model[0].weight))
    assert fresh[0].weight.device == DEVICE
    model.cpu()
    assert {p.device for p in model.parameters()} == {"cpu"}


def test_optimizer_state_saves_to_the_host_and_loads_onto_the_device(tmp_path):
    model = nn.Linear(3, 2).to(DEVICE)
    optimizer = optim.Adam(model.parameters())
    model(mg.Variable(rand(4, 3).astype(np.float32)).to(DEVICE)).sum().backward()
    optimizer.step()
    mg.save(optimizer.state_dict(), tmp_path / "opt.npz")
    again = optim.Adam(model.parameters())
    again.load_state_dict(mg.load(tmp_path / "opt.npz"))
    state = next(iter(again.state.values()))
    assert backend.device_of(state["exp_avg"]).name == DEVICE


def test_pictures_of_a_device_graph_show_host_copies():
    pytest.importorskip("graphviz")
    x = mg.Variable(np.array([1.0, -2.0]), name="x").to(DEVICE)
    y = F.relu(x * 3)
    source = mg.viz.to_dot(y, show=("name", "shape", "value")).source
    assert "3, 0" in source or "3, -0" in source or "[3, 0]" in source


def test_manual_seed_seeds_the_devices_generators():
    seeds = []
    device = backend.Device("seeded", np, lambda t: False, lambda a: a, lambda a: a, seed=seeds.append)
    backend.register_device(device)
    mg.manual_seed(7)
    assert seeds == [7]
    a = F.dropout(mg.Variable(np.ones((4, 4))).to(DEVICE), 0.5, training=True)
    mg.manual_seed(7)
    b = F.dropout(mg.Variable(np.ones((4, 4))).to(DEVICE), 0.5, training=True)
    np.testing.assert_array_equal(host(a), host(b))


def test_the_gpu_benchmark_runs_here_on_the_strict_device():
    from benchmarks import gpu
    rows = gpu.run("strict", quick=True, repeats=1, only=["mlp", "cnn"])
    assert [(name, engine) for name, engine, _ in rows] == [
        ("mlp", "minigrad"), ("mlp", "numpy by hand"), ("cnn", "minigrad")]
    assert "| mlp | numpy by hand |" in gpu.table(rows)


def test_creation_functions_take_a_device_as_pytorchs_do():
    made = [mg.zeros(2, 3, device=DEVICE), mg.ones((2,), device=DEVICE), mg.full((2,), 1.5, device=DEVICE),
            mg.arange(4, device=DEVICE), mg.eye(3, device=DEVICE), mg.randn(3, device=DEVICE),
            mg.randint(0, 5, (3,), device=DEVICE), mg.tensor([1.0, 2.0], device=DEVICE)]
    made.append(mg.rand_like(made[0]))  # x's device
    made.append(mg.zeros_like(made[0]))
    made.append(mg.tensor(made[0]))     # a copy, on its device
    assert [v.device for v in made] == [DEVICE] * len(made)
    assert mg.zeros(2).device == "cpu"
