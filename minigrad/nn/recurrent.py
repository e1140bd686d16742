"""Recurrent layers: RNN, LSTM, GRU over whole sequences, and the one-step
cells RNNCell, LSTMCell, GRUCell. Parameter names, shapes and gate orders
are PyTorch's, so its weights load unchanged:

    weight_ih (gates*hidden, input)   weight_hh (gates*hidden, hidden)
    bias_ih   (gates*hidden,)         bias_hh   (gates*hidden,)
    gates: RNN 1, LSTM 4 in the order (i, f, g, o), GRU 3 in the order (r, z, n)

Multi-layer modules suffix the names with _l0, _l1, ... and _reverse for the
backward direction of a bidirectional layer.

Each step is written with ops, so backpropagation through time is just
backward() on the unrolled graph. The input projection x @ W_ih.T + b_ih
does not depend on the previous step, so a layer computes it for every time
step in one matrix product before the loop; only h @ W_hh.T stays inside.

Default initialisation: every weight and bias U(-1/sqrt(hidden_size),
1/sqrt(hidden_size)), as PyTorch's (the gates are sigmoids and tanhs, not
ReLUs, so He initialisation does not apply).

A constant float input and initial state are cast to the weights' dtype
(`casts_input`, see `Module`).
"""
import math

import numpy as np

from .. import functions as F
from ..device import backend
from ..core import as_variable
from . import init
from .module import Module, cast_input, check_size
from .parameter import new_parameter


# -- one time step of each kind ---------------------------------------------------
# A step takes gi = x @ W_ih.T + b_ih (batch, gates*hidden), the state (a tuple:
# (h,) or, for the LSTM, (h, c)) and the hidden-to-hidden weights, and returns
# the new state tuple.

def _tanh_step(gi, state, weight_hh, bias_hh):
    """h' = tanh(gi + h @ W_hh.T + b_hh)"""
    (h,) = state
    return (F.tanh(gi + F.linear(h, weight_hh, bias_hh)),)


def _relu_step(gi, state, weight_hh, bias_hh):
    """h' = relu(gi + h @ W_hh.T + b_hh)"""
    (h,) = state
    return (F.relu(gi + F.linear(h, weight_hh, bias_hh)),)


def _lstm_step(gi, state, weight_hh, bias_hh):
    """Gates in PyTorch's order i, f, g, o:

        i, f, o = sigmoid(.)   input, forget and output gates
        g = tanh(.)            candidate cell
        c' = f * c + i * g
        h' = o * tanh(c')
    """
    h, c = state
    i, f, g, o = F.split(gi + F.linear(h, weight_hh, bias_hh), 4, axis=-1)
    c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
    return F.sigmoid(o) * F.tanh(c), c


def _gru_step(gi, state, weight_hh, bias_hh):
    """Gates in PyTorch's order r, z, n (gh = h @ W_hh.T + b_hh):

        r = sigmoid(gi_r + gh_r)       reset gate
        z = sigmoid(gi_z + gh_z)       update gate
        n = tanh(gi_n + r * gh_n)      candidate
        h' = (1 - z) * n + z * h  =  n + z * (h - n)
    """
    (h,) = state
    gi_r, gi_z, gi_n = F.split(gi, 3, axis=-1)
    gh_r, gh_z, gh_n = F.split(F.linear(h, weight_hh, bias_hh), 3, axis=-1)
    r = F.sigmoid(gi_r + gh_r)
    z = F.sigmoid(gi_z + gh_z)
    n = F.tanh(gi_n + r * gh_n)
    return (n + z * (h - n),)


_RNN_STEPS = {"tanh": _tanh_step, "relu": _relu_step}


def _rnn_step(nonlinearity):
    if nonlinearity not in _RNN_STEPS:
        raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return _RNN_STEPS[nonlinearity]


# -- shared construction -------------------------------------------------------------

def _add_weights(module, suffix, input_size, hidden_size, gates, bias):
    """Create weight_ih{suffix}, weight_hh{suffix} (and the biases) on `module`."""
    setattr(module, "weight_ih" + suffix, new_parameter((gates * hidden_size, input_size)))
    setattr(module, "weight_hh" + suffix, new_parameter((gates * hidden_size, hidden_size)))
    if bias:
        setattr(module, "bias_ih" + suffix, new_parameter((gates * hidden_size,)))
        setattr(module, "bias_hh" + suffix, new_parameter((gates * hidden_size,)))


def _weights(module, suffix):
    """(weight_ih, weight_hh, bias_ih, bias_hh) for `suffix`; biases may be None."""
    return tuple(getattr(module, name + suffix, None) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))


class _Recurrent(Module):
    """What cells and sequence layers share: sizes, the step, initialisation."""

    #: Blocks of hidden_size rows in weight_ih / weight_hh (4 for the LSTM, 3 for the GRU).
    gates = 1
    #: The tensors of the state: 1 for (h,), 2 for the LSTM's (h, c).
    state_count = 1
    casts_input = True

    def __init__(self, input_size, hidden_size, bias, step):
        super().__init__()
        self.input_size = check_size(type(self).__name__, "input_size", input_size)
        self.hidden_size = check_size(type(self).__name__, "hidden_size", hidden_size)
        self.bias = bias
        self.step = step

    def reset_parameters(self):
        """Draw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _with_batch_axis(self, x, hx, batch_axis):
        """Check x; return (x, initial state as a tuple or None, unbatched),
        adding a batch axis of size 1 at `batch_axis` to an unbatched x and
        to its state."""
        shape = x.shape
        ndims = (batch_axis + 1, batch_axis + 2)  # unbatched, batched
        if len(shape) not in ndims or shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: expected a {ndims[0]}-D or {ndims[1]}-D input whose "
                             f"last dimension is input_size={self.input_size}, got shape {shape}")
        state = self._state_tuple(hx)
        unbatched = len(shape) == ndims[0]
        if unbatched:
            x = F.expand_dims(x, batch_axis)
            state = None if state is None else tuple(F.expand_dims(s, batch_axis) for s in state)
        return x, state, unbatched

    def _state_tuple(self, hx):
        """The user's initial state as a tuple: (h,) or the LSTM's (h, c); None stays None."""
        if hx is None:
            return None
        state = tuple(hx) if self.state_count > 1 else (hx,)
        if len(state) != self.state_count:
            raise ValueError(f"{type(self).__name__}: expected the initial state as a tuple (h_0, c_0), "
                             f"got {len(state)} arrays")
        return tuple(cast_input(self, s) for s in state)

    def _initial_state(self, state, shape, dtype):
        """`state` checked against `shape`, or zeros of `shape` when it is None."""
        if state is None:
            xp = backend.get_array_module(next(self.parameters()).data)  # made where the weights live
            # Variables, so that `h - n` works with h on a device too
            return tuple(as_variable(xp.zeros(shape, dtype=dtype)) for _ in range(self.state_count))
        for s in state:
            if tuple(s.shape) != tuple(shape):
                raise ValueError(f"{type(self).__name__}: initial state has shape {tuple(s.shape)}, "
                                 f"expected {tuple(shape)}")
        return state

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


# -- one-step cells -----------------------------------------------------------------

class _Cell(_Recurrent):
    """A single time step: x (batch, input_size) or (input_size,) -> the new state."""

    def __init__(self, input_size, hidden_size, bias, step):
        super().__init__(input_size, hidden_size, bias, step)
        _add_weights(self, "", input_size, hidden_size, self.gates, bias)
        self.reset_parameters()

    def _run(self, x, hx):
        x, state, unbatched = self._with_batch_axis(x, hx, 0)
        state = self._initial_state(state, (x.shape[0], self.hidden_size), self.weight_hh.dtype)
        weight_ih, weight_hh, bias_ih, bias_hh = _weights(self, "")
        state = self.step(F.linear(x, weight_ih, bias_ih), state, weight_hh, bias_hh)
        if unbatched:
            state = tuple(F.squeeze(s, 0) for s in state)
        return state


class RNNCell(_Cell):
    """h' = tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)
    (or relu with nonlinearity="relu"). Call as cell(x, h=None) -> h';
    h defaults to zeros. Weights U(-1/sqrt(hidden), 1/sqrt(hidden))."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        super().__init__(input_size, hidden_size, bias, _rnn_step(nonlinearity))
        self.nonlinearity = nonlinearity

    def forward(self, x, hx=None):
        return self._run(x, hx)[0]


class LSTMCell(_Cell):
    """One LSTM step (gates i, f, g, o; see `_lstm_step`). Call as
    cell(x, (h, c)=None) -> (h', c'); the state defaults to zeros.
    Weights U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    gates = 4
    state_count = 2

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__(input_size, hidden_size, bias, _lstm_step)

    def forward(self, x, hx=None):
        return self._run(x, hx)


class GRUCell(_Cell):
    """One GRU step (gates r, z, n; see `_gru_step`). Call as
    cell(x, h=None) -> h'; h defaults to zeros.
    Weights U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    gates = 3

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__(input_size, hidden_size, bias, _gru_step)

    def forward(self, x, hx=None):
        return self._run(x, hx)[0]


# -- whole sequences ------------------------------------------------------------------

class _Sequence(_Recurrent):
    """The step applied along a sequence, stacked num_layers deep, optionally
    in both directions. Input (seq, batch, input_size) ((batch, seq, ...) with
    batch_first=True, or (seq, input_size) unbatched); returns the last
    layer's h at every step, (seq, batch, directions*hidden_size), and the
    final state of every layer and direction, (num_layers*directions,
    batch, hidden_size)."""

    def __init__(self, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, step):
        super().__init__(input_size, hidden_size, bias, step)
        if isinstance(dropout, bool) or not 0.0 <= dropout <= 1.0:
            raise ValueError(f"{type(self).__name__}: dropout must be a probability in [0, 1], got {dropout!r}")
        self.num_layers = check_size(type(self).__name__, "num_layers", num_layers)
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        directions = 2 if bidirectional else 1
        self.suffixes = [[f"_l{layer}" + reverse for reverse in ("", "_reverse")[:directions]]
                         for layer in range(num_layers)]
        for layer, suffixes in enumerate(self.suffixes):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for suffix in suffixes:
                _add_weights(self, suffix, layer_input, hidden_size, self.gates, bias)
        self.reset_parameters()

    def _run(self, x, hx):
        x, state, unbatched = self._with_batch_axis(x, hx, 1)
        if self.batch_first and not unbatched:
            x = F.transpose(x, (1, 0, 2))
        directions = len(self.suffixes[0])
        initial = self._initial_state(state, (self.num_layers * directions, x.shape[1], self.hidden_size),
                                      self.weight_hh_l0.dtype)
        finals = []
        for layer, suffixes in enumerate(self.suffixes):
            outputs = []
            for direction, suffix in enumerate(suffixes):
                k = layer * directions + direction
                state = tuple(s[k] for s in initial)
                output, state = self._scan(x, state, suffix, reverse=direction == 1)
                outputs.append(output)
                finals.append(state)
            x = outputs[0] if directions == 1 else F.concat(outputs, axis=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        final = tuple(F.stack([state[i] for state in finals], axis=0) for i in range(self.state_count))
        if unbatched:
            x = F.squeeze(x, 1)
            final = tuple(F.squeeze(s, 1) for s in final)
        elif self.batch_first:
            x = F.transpose(x, (1, 0, 2))
        return x, final

    def _scan(self, x, state, suffix, reverse):
        """Run one layer in one direction over x (seq, batch, features):
        the stacked h of every step and the final state."""
        weight_ih, weight_hh, bias_ih, bias_hh = _weights(self, suffix)
        seq_len = x.shape[0]
        # One product for the input projection of every step, then split by time.
        gi = F.linear(x, weight_ih, bias_ih)
        gi_steps = [F.squeeze(g, 0) for g in F.split(gi, seq_len, axis=0)]
        hs = [None] * seq_len
        for t in (reversed(range(seq_len)) if reverse else range(seq_len)):
            state = self.step(gi_steps[t], state, weight_hh, bias_hh)
            hs[t] = state[0]
        return F.stack(hs, axis=0), state

    def extra_repr(self):
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}, "
                f"batch_first={self.batch_first}, dropout={self.dropout}, bidirectional={self.bidirectional}")


class RNN(_Sequence):
    """Elman RNN: h_t = tanh(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)
    (relu with nonlinearity="relu"), stacked num_layers deep.

    rnn(x, h_0=None) -> (output, h_n): x (seq, batch, input_size), output
    (seq, batch, directions*hidden_size), h_0 and h_n (num_layers*directions,
    batch, hidden_size); h_0 defaults to zeros. batch_first=True puts batch
    first in x and output (not in h). dropout applies between layers in
    training. Weights U(-1/sqrt(hidden), 1/sqrt(hidden)).
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         _rnn_step(nonlinearity))
        self.nonlinearity = nonlinearity

    def forward(self, x, hx=None):
        output, (h_n,) = self._run(x, hx)
        return output, h_n


class LSTM(_Sequence):
    """Long short-term memory (gates i, f, g, o; see `_lstm_step`), stacked
    num_layers deep.

    lstm(x, (h_0, c_0)=None) -> (output, (h_n, c_n)), shapes as RNN's; the
    state defaults to zeros. Weights U(-1/sqrt(hidden), 1/sqrt(hidden)).
    """
    gates = 4
    state_count = 2

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         _lstm_step)

    def forward(self, x, hx=None):
        output, (h_n, c_n) = self._run(x, hx)
        return output, (h_n, c_n)


class GRU(_Sequence):
    """Gated recurrent unit (gates r, z, n; see `_gru_step`), stacked
    num_layers deep.

    gru(x, h_0=None) -> (output, h_n), shapes as RNN's; h_0 defaults to
    zeros. Weights U(-1/sqrt(hidden), 1/sqrt(hidden)).
    """
    gates = 3

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         _gru_step)

    def forward(self, x, hx=None):
        output, (h_n,) = self._run(x, hx)
        return output, h_n
