"""Layers cast constant inputs to their parameters' dtype (as PyTorch users
expect of a float32 model given float64 data); an input that requires grad
in another dtype is an error naming both; integer inputs are never cast;
casts_input is the switch, and forward hooks see the inputs as given."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


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
