"""Every layer against PyTorch's: build the torch layer, export its
state_dict as NumPy arrays, load it into ours, then compare the outputs and
the gradients of the inputs and of every parameter (by name), in float64
and in float32. Skipped where torch is not installed."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

torch = pytest.importorskip("torch")
tnn = torch.nn

TOLERANCES = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=2e-4, atol=2e-5)}


def _rand(*shape):
    return np.random.default_rng(sum(shape) + len(shape)).standard_normal(shape)


# Each case builds (our layer, torch layer, forward arguments). An argument
# is an ndarray or a tuple of them (the LSTM's (h_0, c_0)).
CASES = {
    "linear": lambda: (nn.Linear(5, 3), tnn.Linear(5, 3), (_rand(4, 5),)),
    "linear_3d_no_bias": lambda: (nn.Linear(5, 3, bias=False), tnn.Linear(5, 3, bias=False), (_rand(2, 4, 5),)),
    "conv2d": lambda: (nn.Conv2d(3, 4, 3, stride=2, padding=1), tnn.Conv2d(3, 4, 3, stride=2, padding=1),
                       (_rand(2, 3, 7, 7),)),
    "conv2d_rect_no_bias": lambda: (nn.Conv2d(2, 3, (2, 3), bias=False), tnn.Conv2d(2, 3, (2, 3), bias=False),
                                    (_rand(2, 2, 5, 6),)),
    "conv_transpose2d": lambda: (nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1),
                                 tnn.ConvTranspose2d(3, 2, 3, stride=2, padding=1), (_rand(2, 3, 4, 4),)),
    "max_pool2d": lambda: (nn.MaxPool2d(2), tnn.MaxPool2d(2), (_rand(2, 3, 6, 6),)),
    "max_pool2d_stride_pad": lambda: (nn.MaxPool2d(3, stride=2, padding=1), tnn.MaxPool2d(3, stride=2, padding=1),
                                      (_rand(1, 2, 7, 7),)),
    "avg_pool2d": lambda: (nn.AvgPool2d(2), tnn.AvgPool2d(2), (_rand(2, 3, 6, 6),)),
    "avg_pool2d_stride_pad": lambda: (nn.AvgPool2d(3, stride=2, padding=1), tnn.AvgPool2d(3, stride=2, padding=1),
                                      (_rand(1, 2, 7, 7),)),
    "batch_norm1d": lambda: (nn.BatchNorm1d(4), tnn.BatchNorm1d(4), (_rand(6, 4) * 3 + 1,)),
    "batch_norm1d_3d": lambda: (nn.BatchNorm1d(4, momentum=0.3), tnn.BatchNorm1d(4, momentum=0.3),
                                (_rand(3, 4, 5),)),
    "batch_norm2d": lambda: (nn.BatchNorm2d(3), tnn.BatchNorm2d(3), (_rand(2, 3, 4, 4) - 2,)),
    "layer_norm": lambda: (nn.LayerNorm(5), tnn.LayerNorm(5), (_rand(3, 5) * 2,)),
    "layer_norm_2d": lambda: (nn.LayerNorm((3, 4)), tnn.LayerNorm((3, 4)), (_rand(2, 3, 4),)),
    "embedding": lambda: (nn.Embedding(10, 4), tnn.Embedding(10, 4), (np.array([[1, 3, 3], [9, 0, 1]]),)),
    "flatten": lambda: (nn.Flatten(), tnn.Flatten(), (_rand(2, 3, 4, 2),)),
    "relu": lambda: (nn.ReLU(), tnn.ReLU(), (_rand(3, 4),)),
    "sigmoid": lambda: (nn.Sigmoid(), tnn.Sigmoid(), (_rand(3, 4),)),
    "tanh": lambda: (nn.Tanh(), tnn.Tanh(), (_rand(3, 4),)),
    "gelu": lambda: (nn.GELU(), tnn.GELU(), (_rand(3, 4),)),
    "gelu_tanh": lambda: (nn.GELU("tanh"), tnn.GELU("tanh"), (_rand(3, 4),)),
    "leaky_relu": lambda: (nn.LeakyReLU(), tnn.LeakyReLU(), (_rand(3, 4),)),
    "elu": lambda: (nn.ELU(0.5), tnn.ELU(0.5), (_rand(3, 4),)),
    "softplus": lambda: (nn.Softplus(), tnn.Softplus(), (_rand(3, 4),)),
    "softmax": lambda: (nn.Softmax(dim=1), tnn.Softmax(dim=1), (_rand(3, 4, 2),)),
    "log_softmax": lambda: (nn.LogSoftmax(dim=-1), tnn.LogSoftmax(dim=-1), (_rand(3, 4),)),
    "rnn": lambda: (nn.RNN(4, 5), tnn.RNN(4, 5), (_rand(6, 3, 4),)),
    "rnn_relu_deep_bidirectional": lambda: (
        nn.RNN(4, 5, num_layers=2, nonlinearity="relu", bidirectional=True),
        tnn.RNN(4, 5, num_layers=2, nonlinearity="relu", bidirectional=True), (_rand(5, 3, 4),)),
    "rnn_initial_state_batch_first": lambda: (
        nn.RNN(4, 5, batch_first=True), tnn.RNN(4, 5, batch_first=True), (_rand(3, 6, 4), _rand(1, 3, 5))),
    "rnn_unbatched": lambda: (nn.RNN(4, 5), tnn.RNN(4, 5), (_rand(6, 4),)),
    "lstm": lambda: (nn.LSTM(4, 5), tnn.LSTM(4, 5), (_rand(6, 3, 4),)),
    "lstm_initial_state": lambda: (nn.LSTM(4, 5), tnn.LSTM(4, 5), (_rand(6, 3, 4), (_rand(1, 3, 5), _rand(1, 3, 5)))),
    "lstm_deep_bidirectional_batch_first_no_bias": lambda: (
        nn.LSTM(4, 3, num_layers=2, bidirectional=True, batch_first=True, bias=False),
        tnn.LSTM(4, 3, num_layers=2, bidirectional=True, batch_first=True, bias=False), (_rand(2, 5, 4),)),
    "lstm_unbatched_initial_state": lambda: (
        nn.LSTM(4, 5), tnn.LSTM(4, 5), (_rand(6, 4), (_rand(1, 5), _rand(1, 5)))),
    "gru": lambda: (nn.GRU(4, 5), tnn.GRU(4, 5), (_rand(6, 3, 4),)),
    "gru_deep_initial_state": lambda: (
        nn.GRU(4, 5, num_layers=2, bidirectional=True), tnn.GRU(4, 5, num_layers=2, bidirectional=True),
        (_rand(5, 2, 4), _rand(4, 2, 5))),
    "rnn_cell": lambda: (nn.RNNCell(4, 5), tnn.RNNCell(4, 5), (_rand(3, 4), _rand(3, 5))),
    "rnn_cell_relu_no_state": lambda: (nn.RNNCell(4, 5, nonlinearity="relu"), tnn.RNNCell(4, 5, nonlinearity="relu"),
                                       (_rand(3, 4),)),
    "lstm_cell": lambda: (nn.LSTMCell(4, 5), tnn.LSTMCell(4, 5), (_rand(3, 4), (_rand(3, 5), _rand(3, 5)))),
    "lstm_cell_unbatched_no_state": lambda: (nn.LSTMCell(4, 5), tnn.LSTMCell(4, 5), (_rand(4),)),
    "gru_cell": lambda: (nn.GRUCell(4, 5), tnn.GRUCell(4, 5), (_rand(3, 4), _rand(3, 5))),
    "gru_cell_no_state": lambda: (nn.GRUCell(4, 5, bias=False), tnn.GRUCell(4, 5, bias=False), (_rand(3, 4),)),
    "sequential_cnn": lambda: (
        nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(4 * 3 * 3, 5), nn.LayerNorm(5)),
        tnn.Sequential(tnn.Conv2d(1, 4, 3, padding=1), tnn.BatchNorm2d(4), tnn.ReLU(), tnn.MaxPool2d(2),
                       tnn.Flatten(), tnn.Linear(4 * 3 * 3, 5), tnn.LayerNorm(5)),
        (_rand(3, 1, 6, 6),)),
}


# -- helpers --------------------------------------------------------------------

def _map(fn, structure):
    if isinstance(structure, tuple):
        return tuple(_map(fn, s) for s in structure)
    return fn(structure)


def _leaves(structure):
    if isinstance(structure, tuple):
        return [leaf for s in structure for leaf in _leaves(s)]
    return [structure]


def _to_ours(a, dtype):
    return mg.Variable(a.astype(dtype)) if a.dtype.kind == "f" else a


def _to_torch(a, dtype):
    if a.dtype.kind != "f":
        return torch.tensor(a)
    return torch.tensor(a.astype(dtype), requires_grad=True)


def _torch_dtype(dtype):
    return {np.float32: torch.float32, np.float64: torch.float64}[dtype]


def load_from_torch(ours, theirs):
    """Copy a torch module's state_dict into ours, as NumPy arrays."""
    ours.load_state_dict({name: t.detach().numpy() for name, t in theirs.state_dict().items()})


def _shift_norm_weights(theirs):
    """Give norm layers non-trivial weights (torch starts them at 1 and 0)."""
    with torch.no_grad():
        for module in theirs.modules():
            if isinstance(module, (tnn.BatchNorm1d, tnn.BatchNorm2d, tnn.LayerNorm)):
                for p in (module.weight, module.bias):
                    p.add_(torch.linspace(-0.5, 0.5, p.numel(), dtype=p.dtype).reshape(p.shape))


@pytest.fixture(autouse=True)
def _seed_torch():
    torch.manual_seed(0)


def _compare(ours, theirs, args, dtype):
    _shift_norm_weights(theirs)
    theirs.to(_torch_dtype(dtype))
    load_from_torch(ours, theirs)
    ours.to(dtype)
    tolerance = TOLERANCES[dtype]

    our_args = _map(lambda a: _to_ours(a, dtype), args)
    torch_args = _map(lambda a: _to_torch(a, dtype), args)
    our_outputs = _leaves(ours(*our_args))
    torch_outputs = _leaves(theirs(*torch_args))
    assert len(our_outputs) == len(torch_outputs)
    for y, t in zip(our_outputs, torch_outputs):
        assert y.dtype == dtype and y.shape == tuple(t.shape)
        np.testing.assert_allclose(y.data, t.detach().numpy(), **tolerance)

    # Backward of a fixed random weighting of every output.
    weights = [_rand(*t.shape) for t in torch_outputs]
    sum(((y * w.astype(dtype)).sum() for y, w in zip(our_outputs, weights))).backward()
    sum((t * torch.tensor(w, dtype=t.dtype)).sum() for t, w in zip(torch_outputs, weights)).backward()
    for x, t in zip(_leaves(our_args), _leaves(torch_args)):
        if isinstance(x, mg.Variable):
            np.testing.assert_allclose(x.grad.data, t.grad.numpy(), **tolerance)
    torch_grads = {name: p.grad for name, p in theirs.named_parameters()}
    our_grads = {name: p.grad for name, p in ours.named_parameters()}
    assert set(our_grads) == set(torch_grads)
    for name, g in our_grads.items():
        np.testing.assert_allclose(g.data, torch_grads[name].numpy(), err_msg=name, **tolerance)

    for name, buffer in theirs.named_buffers():  # running statistics after a training step
        ours_buffer = ours.state_dict()[name]
        np.testing.assert_allclose(ours_buffer, buffer.numpy(), err_msg=name, **tolerance)


# -- tests ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_matches_pytorch_in_training_mode(case, dtype):
    ours, theirs, args = CASES[case]()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for name, t in theirs.state_dict().items():
        assert ours.state_dict()[name].shape == tuple(t.shape), name
    _compare(ours, theirs, args, dtype)


@pytest.mark.parametrize("case", ["batch_norm1d", "batch_norm2d", "sequential_cnn"])
def test_batch_norm_matches_pytorch_in_eval_mode_after_training_steps(case):
    ours, theirs, args = CASES[case]()
    load_from_torch(ours, theirs)
    ours.to(np.float64)
    theirs.double()
    for shift in (0.0, 1.0, -2.0):  # three training steps move the running statistics
        x = args[0] * (1 + abs(shift)) + shift
        ours(x)
        theirs(torch.tensor(x))
    ours.eval()
    theirs.eval()
    _compare(ours, theirs, args, np.float64)


def test_dropout_between_recurrent_layers_is_off_in_eval():
    ours, theirs = nn.GRU(3, 4, num_layers=2, dropout=0.5), tnn.GRU(3, 4, num_layers=2, dropout=0.5)
    ours.eval()
    theirs.eval()
    _compare(ours, theirs, (_rand(5, 2, 3),), np.float64)


def test_dropout_layers_are_the_identity_in_eval_and_for_p_zero():
    x = _rand(4, 5)
    np.testing.assert_array_equal(nn.Dropout(0.7).eval()(x).data, tnn.Dropout(0.7).eval()(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(nn.Dropout(0.0)(x).data, x)


def test_a_pytorch_state_dict_of_tensors_loads_directly():
    theirs = tnn.Sequential(tnn.Linear(3, 4), tnn.BatchNorm1d(4))
    theirs(torch.randn(5, 3))  # move the running statistics
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    ours.load_state_dict(theirs.state_dict())
    for name, t in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[name], t.numpy(), err_msg=name)
