"""Bad layer sizes (zero, negative, not integers) are refused with an error
naming the layer and the argument."""
import numpy as np
import pytest

from minigrad import nn


# -- bad sizes name the layer and the argument ---------------------------------------------------

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
