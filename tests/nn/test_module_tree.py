"""PyTorch habits on modules: nn.utils clipping, walking the module tree,
requires_grad_, forward hooks, ModuleDict / ParameterList / Identity /
Unflatten with PyTorch's state_dict names, layers casting constant inputs
to their parameters' dtype, and clear errors on bad layer sizes."""
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim


# -- nn.utils: gradient clipping ---------------------------------------------------

def test_nn_utils_is_importable_every_way_and_shared_with_optim():
    from minigrad.nn import utils
    assert mg.nn.utils is utils
    assert optim.clip_grad_norm_ is utils.clip_grad_norm_  # one implementation serves both


def _grads_and_params(rng, dtype=np.float64):
    grads = [rng.normal(size=(2, 3)).astype(dtype), rng.normal(size=4).astype(dtype) * 3]
    params = [nn.Parameter(np.zeros_like(g)) for g in grads] + [nn.Parameter(np.zeros(2, dtype=dtype))]
    for p, g in zip(params, grads):
        p.grad = mg.Variable(g.copy())
    return grads, params


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_clip_grad_norm_matches_pytorch(max_norm, norm_type):
    torch = pytest.importorskip("torch")
    grads, params = _grads_and_params(np.random.default_rng(0))
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    assert isinstance(total, float) and total == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(params, tensors):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)
    assert params[-1].grad is None


@pytest.mark.parametrize("clip_value", [0.05, 0.5, 10.0])
def test_clip_grad_value_matches_pytorch_and_keeps_dtype(clip_value):
    torch = pytest.importorskip("torch")
    grads, params = _grads_and_params(np.random.default_rng(1), dtype=np.float32)
    tensors = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    assert nn.utils.clip_grad_value_(params, clip_value) is None
    torch.nn.utils.clip_grad_value_(tensors, clip_value)
    for p, t in zip(params, tensors):
        assert p.grad.dtype == np.float32
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())
    assert params[-1].grad is None
    nn.utils.clip_grad_value_(params[0], value=0.01)  # one Variable; value= as API.md names it
    assert np.abs(params[0].grad.data).max() <= np.float32(0.01)


def test_clipping_a_model_whose_parameters_share_one_gradient_clips_once():
    x, y = nn.Parameter(np.array([3.0])), nn.Parameter(np.array([4.0]))
    (x + y).sum().backward()
    nn.utils.clip_grad_value_([x, y], 0.5)
    assert x.grad.item() == 0.5 and y.grad.item() == 0.5


def test_clipping_errors_are_clear():
    p = nn.Parameter(np.zeros(2))
    p.grad = mg.Variable(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm of the gradients is inf"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm must be a number >= 0"):
        nn.utils.clip_grad_norm_([p], -1.0)
    with pytest.raises(ValueError, match="norm_type must be a number > 0"):
        nn.utils.clip_grad_norm_([p], 1.0, norm_type=0)
    with pytest.raises(TypeError, match="clip_grad_value_: expected Variables, got a ndarray"):
        nn.utils.clip_grad_value_([np.zeros(2)], 1.0)
    with pytest.raises(TypeError, match="give the bound once"):
        nn.utils.clip_grad_value_([p])


# -- walking the tree, freezing --------------------------------------------------------

def Net(lib, zeros=lambda n: np.zeros(n, dtype=np.float32)):
    """The same model built with minigrad's nn or torch.nn."""
    net = lib.Module()
    net.body = lib.Sequential(lib.Linear(3, 4), lib.ReLU(), lib.Linear(4, 2))
    net.heads = lib.ModuleDict({"cls": lib.Linear(2, 5), "reg": lib.Sequential(lib.Linear(2, 1))})
    net.extra = lib.ParameterList([lib.Parameter(zeros(2)), lib.Parameter(zeros(3))])
    net.unflatten = lib.Unflatten(1, (2, 1))
    net.identity = lib.Identity()
    return net


def _torch_net(torch):
    return Net(torch.nn, torch.zeros)


def test_module_tree_and_state_dict_names_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = Net(nn), _torch_net(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]
    assert [n for n, _ in ours.named_modules(prefix="net")] == \
        [n for n, _ in theirs.named_modules(prefix="net")]


def test_weights_exported_from_pytorch_load_into_the_containers():
    torch = pytest.importorskip("torch")
    ours, theirs = Net(nn), _torch_net(torch)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    hidden = ours.body(x)
    expected = theirs.body(torch.tensor(x))
    np.testing.assert_allclose(hidden.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.heads["cls"](hidden).data,
                               theirs.heads["cls"](expected).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.unflatten(hidden).shape == tuple(theirs.unflatten(expected).shape) == (5, 2, 1)


def test_shared_modules_are_named_once_unless_asked_as_pytorch():
    torch = pytest.importorskip("torch")

    def names(lib, **kwargs):
        shared = lib.Linear(2, 2)
        model = lib.Sequential(shared, lib.ReLU(), shared)
        return [n for n, _ in model.named_modules(**kwargs)]

    assert names(nn) == names(torch.nn) == ["", "0", "1"]
    assert names(nn, remove_duplicate=False) == names(torch.nn, remove_duplicate=False)


def test_loading_a_whole_checkpoint_into_a_model_points_at_the_right_entry():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"entry 'model' is a dict.*checkpoint\['model'\]"):
        model.load_state_dict({"model": model.state_dict(), "epoch": 3})


def test_apply_visits_children_first_and_returns_self():
    model = Net(nn)
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited[-1] == "Module" and visited[:4] == ["Linear", "ReLU", "Linear", "Sequential"]
    model.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert all(not m.weight.data.any() for m in model.modules() if isinstance(m, nn.Linear))


def test_requires_grad_false_freezes_a_part_of_the_model():
    model = Net(nn)
    assert model.body.requires_grad_(False) is model.body
    out = model.heads["cls"](model.body(np.ones((2, 3), dtype=np.float32)))
    out.sum().backward()
    assert all(p.grad is None for p in model.body.parameters())
    assert all(p.grad is not None for p in model.heads["cls"].parameters())
    model.requires_grad_()
    assert all(p.requires_grad for p in model.parameters())


def test_zero_grad_sets_none_or_zeros_as_pytorch():
    layer = nn.Linear(2, 2)
    layer(np.ones((1, 2), dtype=np.float32)).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert all(p.grad.dtype == np.float32 and not p.grad.data.any() for p in layer.parameters())
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())


# -- forward hooks ----------------------------------------------------------------------

def test_forward_hooks_see_inputs_and_output_and_can_replace_them():
    layer = nn.Linear(3, 2)
    x = np.ones((4, 3), dtype=np.float32)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, inputs: calls.append(("pre", m, len(inputs))))
    post = layer.register_forward_hook(lambda m, inputs, out: calls.append(("post", inputs[0] is x, out.shape)))
    plain = layer(x)
    assert calls == [("pre", layer, 1), ("post", True, (4, 2))]

    doubled = layer.register_forward_hook(lambda m, inputs, out: out * 2)
    np.testing.assert_allclose(layer(x).data, 2 * plain.data)
    zeroed = layer.register_forward_pre_hook(lambda m, inputs: np.zeros_like(inputs[0]))  # one value: the input
    np.testing.assert_allclose(layer(x).data, 2 * np.broadcast_to(layer.bias.data, (4, 2)))
    for handle in (pre, post, doubled, zeroed):
        handle.remove()
    handle.remove()  # a second remove does nothing
    calls.clear()
    np.testing.assert_array_equal(layer(x).data, plain.data)
    assert calls == []


def test_forward_hooks_match_pytorch_order_and_replacement():
    torch = pytest.importorskip("torch")

    def run(lib, to_array):
        model = lib.Sequential(lib.Linear(2, 3), lib.Tanh(), lib.Linear(3, 1))
        order = []
        for name, module in model.named_modules():
            module.register_forward_pre_hook(lambda m, i, name=name: order.append("pre " + name))
            module.register_forward_hook(lambda m, i, o, name=name: order.append("post " + name))
        model[1].register_forward_hook(lambda m, i, o: o * 0)  # kills the signal
        out = model(to_array(np.ones((1, 2), dtype=np.float32)))
        return order, out.sum().item() - model[2].bias.sum().item()

    ours = run(nn, lambda a: a)
    theirs = run(torch.nn, torch.tensor)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1] == 0.0


def test_a_hooked_module_records_the_graph_as_usual():
    layer = nn.Linear(2, 2)
    activations = {}
    layer.register_forward_hook(lambda m, i, o: activations.setdefault("out", o))
    y = layer(np.ones((3, 2), dtype=np.float32))
    y.sum().backward()
    assert activations["out"] is y and layer.weight.grad is not None


# -- containers ----------------------------------------------------------------------------

def test_module_dict_behaves_as_a_dict_of_modules():
    heads = nn.ModuleDict([("a", nn.Linear(2, 2))])
    heads["b"] = nn.ReLU()
    heads.update({"c": nn.Tanh()})
    assert list(heads) == list(heads.keys()) == ["a", "b", "c"] and len(heads) == 3 and "b" in heads
    assert isinstance(heads.pop("b"), nn.ReLU) and list(heads) == ["a", "c"]
    del heads["c"]
    assert list(heads.state_dict()) == ["a.weight", "a.bias"]
    with pytest.raises(KeyError, match="no module 'zz'"):
        heads["zz"]
    with pytest.raises(KeyError, match="contain no '.'"):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(KeyError, match="'update'.*already an attribute"):
        heads["update"] = nn.ReLU()
    with pytest.raises(TypeError, match="expected a Module"):
        heads["d"] = 3
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_parameter_list_registers_and_wraps_its_entries():
    weights = nn.ParameterList([np.zeros(2, dtype=np.float32)])
    weights.append(mg.Variable(np.ones(3, dtype=np.float32)))
    assert all(isinstance(p, nn.Parameter) for p in weights) and len(weights) == 2
    assert list(weights.state_dict()) == ["0", "1"]
    assert weights[-1].shape == (3,) and len(weights[:1]) == 1
    opt = optim.SGD(weights.parameters(), lr=1.0)
    (weights[0].sum() + weights[1].sum()).backward()
    opt.step()
    np.testing.assert_array_equal(weights[1].data, np.zeros(3))
    with pytest.raises(TypeError, match="ParameterList: expected a Parameter, Variable or ndarray"):
        weights.append([1.0])


def test_unflatten_matches_pytorch_and_undoes_flatten():
    torch = pytest.importorskip("torch")
    x = np.arange(2 * 12, dtype=np.float32).reshape(2, 12)
    for dim, sizes in [(1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2))]:
        expected = torch.nn.Unflatten(dim, sizes)(torch.tensor(x)).numpy()
        np.testing.assert_array_equal(nn.Unflatten(dim, sizes)(x).data, expected)
    images = np.zeros((2, 3, 4, 5), dtype=np.float32)
    assert nn.Sequential(nn.Flatten(), nn.Unflatten(1, (3, 4, 5)))(images).shape == images.shape
    with pytest.raises(ValueError, match=r"Unflatten: dimension 1 of the input \(shape \(2, 12\)\) has size 12"):
        nn.Unflatten(1, (5, 2))(x)
    with pytest.raises(ValueError, match="Unflatten: unflattened_size must be"):
        nn.Unflatten(1, (-1, -1))


def test_identity_passes_its_input_through():
    x = mg.Variable(np.ones(3))
    assert nn.Identity()(x) is x


# -- layers cast constant inputs to their parameters' dtype ----------------------------------

_LAYERS = [
    ("Linear", lambda: nn.Linear(3, 2), (4, 3)),
    ("RNN", lambda: nn.RNN(3, 2), (5, 4, 3)),
    ("LSTM", lambda: nn.LSTM(3, 2, num_layers=2), (5, 4, 3)),
    ("GRU", lambda: nn.GRU(3, 2, batch_first=True), (4, 5, 3)),
    ("RNNCell", lambda: nn.RNNCell(3, 2), (4, 3)),
    ("LSTMCell", lambda: nn.LSTMCell(3, 2), (4, 3)),
    ("GRUCell", lambda: nn.GRUCell(3, 2), (4, 3)),
]


def _first_output(out):
    while isinstance(out, tuple):
        out = out[0]
    return out


@pytest.mark.parametrize("name, build, shape", _LAYERS, ids=[n for n, _, _ in _LAYERS])
def test_layers_cast_constant_inputs_to_their_parameters_dtype(name, build, shape):
    layer = build()
    assert type(layer).casts_input is True
    x64 = np.random.default_rng(0).standard_normal(shape)
    reference = _first_output(layer(x64.astype(np.float32)))
    for constant in (x64, x64.tolist(), mg.Variable(x64, requires_grad=False), mg.Variable(x64).detach()):
        out = _first_output(layer(constant))
        assert out.dtype == np.float32, type(constant).__name__
        np.testing.assert_array_equal(out.data, reference.data)
    _first_output(layer(x64)).sum().backward()  # the parameters still learn
    assert all(p.grad is not None and p.grad.dtype == np.float32 for p in layer.parameters())

    layer.to(np.float64)  # and the other way round
    assert _first_output(layer(x64.astype(np.float32))).dtype == np.float64


@pytest.mark.parametrize("name, build, shape", _LAYERS, ids=[n for n, _, _ in _LAYERS])
def test_an_input_that_requires_grad_in_another_dtype_is_an_error_naming_both(name, build, shape):
    x = mg.Variable(np.ones(shape))  # float64, requires grad
    with pytest.raises(TypeError, match=rf"{name}: the input has dtype float64 and requires grad, but the "
                                        r"layer's parameters are float32.*x\.astype\(np\.float32\).*"
                                        r"model\.to\(np\.float64\)"):
        build()(x)
    out = _first_output(build().to(np.float64)(x))  # the fix works
    out.sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float64


def test_recurrent_layers_cast_a_constant_initial_state_too():
    lstm = nn.LSTM(3, 2)
    x = np.ones((5, 4, 3), dtype=np.float32)
    out, (h, c) = lstm(x, (np.zeros((1, 4, 2)), np.zeros((1, 4, 2)).tolist()))
    assert out.dtype == h.dtype == c.dtype == np.float32
    with pytest.raises(TypeError, match="GRUCell: the input has dtype float64 and requires grad"):
        nn.GRUCell(3, 2)(x[0], mg.Variable(np.zeros((4, 2))))


def test_integer_inputs_are_never_cast():
    seen = []

    class Indices(nn.Module):
        casts_input = True

        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(np.zeros((4, 2), dtype=np.float32))

        def forward(self, indices):
            seen.append(indices)
            return self.weight[indices]

    layer = Indices()
    idx = np.array([3, 0, 1])
    assert layer(idx).shape == (3, 2) and seen[-1] is idx
    bool_mask = mg.Variable(np.array([True, False, True, False]), requires_grad=False)
    layer(bool_mask)
    assert seen[-1] is bool_mask


def test_casts_input_is_the_switch_and_forward_hooks_see_the_inputs_as_given():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(np.ones(3, dtype=np.float32))

        def forward(self, x):
            return x * self.weight

    x = np.ones(3)  # float64
    assert Scale()(x).dtype == np.float64  # off by default: NumPy's promotion
    Scale.casts_input = True
    layer = Scale()
    seen = []
    layer.register_forward_hook(lambda m, inputs, out: seen.append(inputs[0]))
    assert layer(x).dtype == np.float32
    assert seen[0] is x


# -- bad sizes name the layer and the argument (issue 10) --------------------------------------

@pytest.mark.parametrize("build, message", [
    (lambda: nn.Linear(3, -1), "Linear: out_features must be a positive integer, got -1"),
    (lambda: nn.Linear(0, 2), "Linear: in_features must be a positive integer, got 0"),
    (lambda: nn.Embedding(-2, 3), "Embedding: num_embeddings must be a positive integer, got -2"),
    (lambda: nn.Embedding(5, 0), "Embedding: embedding_dim must be a positive integer, got 0"),
    (lambda: nn.RNN(3, 0), "RNN: hidden_size must be a positive integer, got 0"),
    (lambda: nn.LSTM(-3, 2), "LSTM: input_size must be a positive integer, got -3"),
    (lambda: nn.GRU(3, 2, num_layers=0), "GRU: num_layers must be a positive integer, got 0"),
    (lambda: nn.GRUCell(3, -4), "GRUCell: hidden_size must be a positive integer, got -4"),
    (lambda: nn.MLP([3, 0, 1]), "Linear: out_features must be a positive integer, got 0"),
])
def test_zero_or_negative_sizes_are_refused_naming_the_layer_and_argument(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_non_integer_sizes_are_refused():
    with pytest.raises(TypeError, match=r"Linear: in_features must be an integer, got 2.5"):
        nn.Linear(2.5, 3)
    with pytest.raises(TypeError, match=r"LSTMCell: hidden_size must be an integer, got True"):
        nn.LSTMCell(2, True)
    assert nn.Linear(np.int64(2), 3).in_features == 2
