"""minigrad.nn: Module mechanics, initialisers, layers' shapes and errors,
and small end-to-end trainings on the scikit-learn digits."""
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.nn import init


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.norm = nn.BatchNorm1d(4)
        self.out = nn.Linear(4, 2)
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.note = "not registered"

    def forward(self, x):
        return self.out(F.relu(self.norm(self.hidden(x)))) * self.scale


# -- registration and walking -------------------------------------------------

def test_attributes_register_with_dotted_names_in_definition_order():
    model = TwoLayer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "norm.weight", "norm.bias",
                     "out.weight", "out.bias"]
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "norm", "out"]
    assert list(model.children()) == [model.hidden, model.norm, model.out]
    assert [name for name, _ in model.named_buffers()] == [
        "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"]


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3  # the Sequential, the Linear, the ReLU
    # state_dict, like PyTorch's, lists the shared weights under every name.
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_reassigning_an_attribute_unregisters_it():
    layer = nn.Linear(2, 3)
    layer.bias = None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    model = TwoLayer()
    del model.norm
    assert "norm.weight" not in model.state_dict()


def test_forgetting_super_init_gives_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"Broken.*super\(\).__init__\(\)"):
        Broken()


def test_buffers_must_be_arrays():
    module = nn.Module()
    with pytest.raises(TypeError, match="buffer 'stats'"):
        module.register_buffer("stats", [1, 2])
    module.register_buffer("stats", np.zeros(2))
    with pytest.raises(TypeError, match="buffer 'stats'"):
        module.stats = 3.0


def test_zero_grad_clears_every_parameter():
    model = TwoLayer()
    model(np.ones((4, 3), dtype=np.float32)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_switch_every_submodule_and_return_self():
    model = TwoLayer()
    assert model.training and model.norm.training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())


def test_layers_create_float32_parameters_and_to_casts_parameters_grads_and_float_buffers():
    model = TwoLayer()
    assert all(p.dtype == np.float32 for p in model.parameters())
    model(np.ones((4, 3), dtype=np.float32)).sum().backward()
    assert model.to(np.float64) is model
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in model.parameters())
    assert model.norm.running_mean.dtype == np.float64
    assert model.norm.running_var.dtype == np.float64
    assert model.norm.num_batches_tracked.dtype == np.int64
    y = model(np.ones((4, 3)))
    assert y.dtype == np.float64
    with pytest.raises(TypeError, match="floating dtype"):
        model.to(np.int32)


# -- state_dict / load_state_dict ---------------------------------------------------

def test_state_dict_is_a_snapshot_of_parameters_and_buffers():
    model = TwoLayer()
    state = model.state_dict()
    assert set(state) == {name for name, _ in model.named_parameters()} | {
        "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"}
    assert all(isinstance(a, mg.Variable) and not a.requires_grad for a in state.values())  # torch's tensors
    assert all(isinstance(a.numpy(), np.ndarray) for a in state.values())
    model.hidden.weight.data[...] = 5
    assert not np.any(state["hidden.weight"].numpy() == 5)     # a snapshot: copies


def test_load_state_dict_copies_in_place_cast_to_the_parameter_dtype():
    source, target = TwoLayer().to(np.float64), TwoLayer()
    source.norm.running_mean[...] = 0.5
    source.norm.num_batches_tracked[...] = 3
    weight_array = target.hidden.weight.data
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.hidden.weight.data is weight_array  # the same array, filled in place
    assert target.hidden.weight.dtype == np.float32
    np.testing.assert_allclose(target.hidden.weight.data, source.hidden.weight.data, rtol=1e-6)
    np.testing.assert_array_equal(target.norm.running_mean, 0.5)
    assert target.norm.num_batches_tracked == 3


def test_load_state_dict_names_every_bad_key_and_copies_nothing():
    model = TwoLayer()
    before = model.state_dict()
    state = model.state_dict()
    del state["out.bias"], state["norm.running_var"]
    state["hidden.weight"] = np.zeros((3, 4))
    state["extra.weight"] = np.zeros(1)
    state["scale"] = np.full(1, 9.0)
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    for expected in ("missing keys: norm.running_var, out.bias", "unexpected keys: extra.weight",
                     "hidden.weight (expected (4, 3), got (3, 4))"):
        assert expected in message
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


def test_load_state_dict_non_strict_reports_missing_and_unexpected():
    model = nn.Linear(2, 2)
    result = model.load_state_dict({"weight": np.eye(2), "other": np.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(model.weight.data, np.eye(2))
    with pytest.raises(ValueError, match="weight"):
        model.load_state_dict({"weight": np.eye(3)}, strict=False)


# -- initialisers -----------------------------------------------------------------

def test_manual_seed_makes_initial_weights_repeatable():
    mg.manual_seed(3)
    a = nn.MLP([5, 7, 2]).state_dict()
    mg.manual_seed(3)
    b = nn.MLP([5, 7, 2]).state_dict()
    mg.manual_seed(4)
    c = nn.MLP([5, 7, 2]).state_dict()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["layers.0.weight"], c["layers.0.weight"])


def test_fan_in_and_fan_out_as_pytorch_computes_them():
    assert init.fan_in_and_fan_out((20, 10)) == (10, 20)
    assert init.fan_in_and_fan_out((8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.fan_in_and_fan_out((5,))


@pytest.mark.parametrize("initialiser, shape, expected_std", [
    (lambda p: init.normal_(p), (400, 300), 0.01),
    (init.he_normal_, (400, 300), np.sqrt(2 / 300)),
    (lambda p: init.he_normal_(p, mode="fan_out"), (400, 30, 3, 3), np.sqrt(2 / (400 * 9))),
    (init.he_uniform_, (400, 300), np.sqrt(2 / 300)),
    (init.xavier_normal_, (400, 300), np.sqrt(2 / 700)),
    (init.xavier_uniform_, (400, 300), np.sqrt(2 / 700)),
])
def test_initialisers_have_the_documented_spread(initialiser, shape, expected_std):
    p = nn.Parameter(np.zeros(shape, dtype=np.float32))
    assert initialiser(p) is p
    assert p.dtype == np.float32
    assert abs(p.data.mean()) < 0.05 * expected_std
    assert p.data.std() == pytest.approx(expected_std, rel=0.03)


def test_uniform_initialisers_stay_within_their_bounds():
    p = nn.Parameter(np.zeros((50, 40)))
    bound = np.sqrt(6 / 90)
    init.xavier_uniform_(p)
    assert p.data.max() <= bound and p.data.min() >= -bound
    assert p.data.max() > 0.9 * bound


def test_constant_initialisers():
    p = nn.Parameter(np.full((2, 3), 7.0))
    np.testing.assert_array_equal(init.zeros_(p).data, 0)
    np.testing.assert_array_equal(init.ones_(p).data, 1)
    np.testing.assert_array_equal(init.constant_(p, 2.5).data, 2.5)


def test_layers_default_to_he_weights_and_zero_biases():
    mg.manual_seed(0)
    layer = nn.Linear(500, 400)
    assert layer.weight.data.std() == pytest.approx(np.sqrt(2 / 500), rel=0.03)
    np.testing.assert_array_equal(layer.bias.data, 0)
    conv = nn.Conv2d(16, 64, 3)
    assert conv.weight.data.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert "He" in nn.Linear.__doc__ and "He" in nn.Conv2d.__doc__


# -- containers -------------------------------------------------------------------

def test_sequential_names_children_by_position_and_indexes_like_a_list():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    assert len(model) == 3 and isinstance(model[1], nn.Tanh) and isinstance(model[-1], nn.Linear)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head.state_dict()) == ["0.weight", "0.bias"]
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    expected = np.tanh(x @ model[0].weight.data.T + model[0].bias.data) @ model[2].weight.data.T
    np.testing.assert_allclose(model(x).data, expected + model[2].bias.data, rtol=1e-5)


def test_sequential_accepts_named_children():
    model = nn.Sequential(OrderedDict([("encoder", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(model.state_dict()) == ["encoder.weight", "encoder.bias"]
    assert model.encoder is model[0]


def test_mlp_applies_the_activation_between_layers_but_not_after_the_last():
    mg.manual_seed(0)
    mlp = nn.MLP([4, 6, 5, 3], activation=F.tanh)
    assert list(mlp.state_dict()) == [f"layers.{i}.{k}" for i in range(3) for k in ("weight", "bias")]
    x = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    h = x
    for i, layer in enumerate(mlp.layers):
        h = h @ layer.weight.data.T + layer.bias.data
        if i < 2:
            h = np.tanh(h)
    np.testing.assert_allclose(mlp(x).data, h, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="MLP"):
        nn.MLP([3])


def test_repr_lists_children_and_settings():
    text = repr(nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2)))
    assert "(0): Conv2d(1, 2, kernel_size=(3, 3)" in text and "(1): MaxPool2d(kernel_size=2" in text


# -- layers: shapes, modes, errors --------------------------------------------------

def test_every_layer_creates_float32_parameters():
    layers = [nn.Linear(3, 2), nn.Conv2d(2, 3, 3), nn.ConvTranspose2d(2, 3, 3), nn.BatchNorm1d(3),
              nn.BatchNorm2d(3), nn.LayerNorm(4), nn.Embedding(5, 2), nn.RNN(3, 4), nn.LSTM(3, 4),
              nn.GRU(3, 4), nn.RNNCell(3, 4), nn.LSTMCell(3, 4), nn.GRUCell(3, 4)]
    for layer in layers:
        params = list(layer.parameters())
        assert params, type(layer).__name__
        assert all(p.dtype == np.float32 for p in params), type(layer).__name__


def test_bad_input_widths_name_both_sizes():
    with pytest.raises(ValueError, match=r"Linear: input of shape \(2, 4\) has 4 features.*in_features=3"):
        nn.Linear(3, 2)(np.ones((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"Conv2d: expected input \(N, 3, H, W\).*\(2, 4, 5, 5\) \(4 channels\)"):
        nn.Conv2d(3, 2, 3)(np.ones((2, 4, 5, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"ConvTranspose2d: expected input \(N, 2, H, W\).*\(1, 3, 5, 5\)"):
        nn.ConvTranspose2d(2, 3, 3)(np.ones((1, 3, 5, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected a 4-D input with 3 channels.*\(2, 5, 4, 4\)"):
        nn.BatchNorm2d(3)(np.ones((2, 5, 4, 4)))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected a 2-D or 3-D input.*\(2, 3, 4, 4\)"):
        nn.BatchNorm1d(3)(np.ones((2, 3, 4, 4)))
    with pytest.raises(ValueError, match=r"LayerNorm.*\(2, 5\).*\(4,\)"):
        nn.LayerNorm(4)(np.ones((2, 5)))
    with pytest.raises(ValueError, match="input_size=3.*shape \\(5, 2, 4\\)"):
        nn.LSTM(3, 2)(np.ones((5, 2, 4)))


def test_recurrent_layers_reject_bad_settings_and_states():
    with pytest.raises(ValueError, match=r"GRU: initial state has shape \(1, 3, 4\), expected \(1, 2, 4\)"):
        nn.GRU(3, 4)(np.ones((5, 2, 3)), np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match=r"LSTM: expected the initial state as a tuple \(h_0, c_0\)"):
        nn.LSTM(3, 4)(np.ones((5, 2, 3)), (np.zeros((1, 2, 4)),))
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout must be a probability"):
        nn.LSTM(3, 4, dropout=2.0)
    with pytest.raises(ValueError, match=r"LSTMCell: expected a 1-D or 2-D input.*input_size=3"):
        nn.LSTMCell(3, 4)(np.ones((2, 5)))


def test_layers_are_differentiable_twice():
    mg.manual_seed(0)
    cell = nn.LSTMCell(3, 2).to(np.float64)
    mlp = nn.MLP([3, 4, 1], activation=F.tanh).to(np.float64)
    x = np.random.default_rng(0).standard_normal((2, 3))
    assert mg.gradgradcheck(lambda v: cell(v)[1], x)
    assert mg.gradgradcheck(mlp, x)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", None, True])
def test_dropout_rejects_a_bad_probability(p):
    with pytest.raises(ValueError, match=r"Dropout: p .* \[0, 1\]"):
        nn.Dropout(p)


def test_dropout_in_training_and_eval():
    mg.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = np.ones((200, 100), dtype=np.float32)
    y = layer(x).data
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert (y == 0).mean() == pytest.approx(0.25, abs=0.02)
    np.testing.assert_array_equal(layer.eval()(x).data, x)


def test_flatten_merges_the_requested_dimensions():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Flatten(0)(x).shape == (120,)


def test_embedding_looks_up_rows_and_accumulates_their_gradients():
    emb = nn.Embedding(5, 3)
    indices = np.array([[1, 4], [1, 0]])
    y = emb(indices)
    assert y.shape == (2, 2, 3)
    np.testing.assert_array_equal(y.data[1, 0], emb.weight.data[1])
    y.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[:, 0], [1, 2, 0, 0, 1])
    with pytest.raises(IndexError, match="embedding: index 5 is out of range for 5 embeddings"):
        emb(np.array([5]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([0.5]))


def test_batch_norm_updates_running_statistics_only_in_training():
    bn = nn.BatchNorm1d(3, momentum=0.5)
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32) * 2 + 1
    y = bn(x).data
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean, 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-5)
    assert bn.num_batches_tracked == 1
    bn.eval()
    before = bn.running_mean.copy()
    y_eval = bn(x).data
    np.testing.assert_array_equal(bn.running_mean, before)
    assert bn.num_batches_tracked == 1
    np.testing.assert_allclose(y_eval, (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5), rtol=1e-5)


def test_batch_norm_cumulative_average_and_without_running_statistics():
    bn = nn.BatchNorm1d(2, momentum=None)
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((8, 2)) + i for i in range(3)]
    for batch in batches:
        bn(batch)
    np.testing.assert_allclose(bn.running_mean, np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-5)
    plain = nn.BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    assert list(plain.state_dict()) == []
    np.testing.assert_allclose(plain(batches[2]).data.mean(0), 0, atol=1e-6)


# -- training end to end on the scikit-learn digits --------------------------------

def _digits():
    datasets = pytest.importorskip("sklearn.datasets")
    x, t = datasets.load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:1437], order[1437:]
    return x[train], t[train], x[test], t[test]


def _train(model, x, t, epochs, lr):
    """Mini-batch SGD with momentum 0.9 and a cosine learning-rate decay."""
    from minigrad import optim
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    rng = np.random.default_rng(1)
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            loss = F.softmax_cross_entropy(model(x[batch]), t[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        schedule.step()
    model.eval()


def _accuracy(model, x, t):
    with mg.no_grad():
        return float((model(x).data.argmax(axis=1) == t).mean())


def test_small_cnn_learns_the_digits():
    x_train, t_train, x_test, t_test = _digits()
    mg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 4 * 4, 10))
    _train(model, x_train.reshape(-1, 1, 8, 8), t_train, epochs=10, lr=0.05)
    assert _accuracy(model, x_test.reshape(-1, 1, 8, 8), t_test) >= 0.97


def test_mlp_with_batch_norm_and_dropout_learns_the_digits():
    x_train, t_train, x_test, t_test = _digits()
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(128, 10))
    _train(model, x_train, t_train, epochs=10, lr=0.05)
    assert _accuracy(model, x_test, t_test) >= 0.96
