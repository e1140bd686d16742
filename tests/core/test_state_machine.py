"""A Hypothesis state machine (as MyGrad's tests have) driving a small model
through random sequences of forward passes, backward calls, `no_grad`
blocks, in-place data updates and optimiser steps, checking after each:

- gradients equal central-difference gradients of the same loss, summed
  over every backward since the last zero_grad (they accumulate);
- no graph outlives its loss: with the garbage collector off, weak
  references to every Function and intermediate Variable of a dropped loss
  are dead (the graph is freed by reference counting alone, no cycles);
- a forward under `no_grad()` records nothing;
- a parameter changed in place between forward and backward (under
  `no_grad`, through NumPy's `out=`, `nn.init`, `load_state_dict`, an
  optimiser step) gives PyTorch's error when backward reads it, and
  otherwise the gradient of the loss as it was computed.

Bounded by the Hypothesis profile (tests/conftest.py): `ci` runs a dozen
short programs.
"""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim

ACTIVATIONS = {"tanh": F.tanh, "sigmoid": F.sigmoid, "softplus": F.softplus}   # smooth: no kinks
X = np.random.default_rng(0).normal(size=(5, 3))
LABELS = np.array([0, 1, 1, 0, 1])
TARGETS = np.random.default_rng(1).normal(size=(5, 2))


def graph_of(y):
    """Every Function and every non-leaf Variable behind y."""
    functions, variables, stack = [], [], [y.creator]
    seen = set()
    while stack:
        f = stack.pop()
        if f is None or f in seen:
            continue
        seen.add(f)
        functions.append(f)
        for x in f.inputs:
            if x.creator is not None:
                variables.append(x)
                stack.append(x.creator)
    return functions, variables


class TrainingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        gc.disable()   # only reference counting may free graphs
        mg.manual_seed(0)
        self.model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to(np.float64)
        self.params = list(self.model.parameters())
        self.optimizer = optim.SGD(self.params, lr=0.05, momentum=0.5)
        self.loss = None           # the live loss, and how it was computed
        self.recipe = None
        self.at = None             # the parameters' values when it was computed
        self.stale = False         # whether data its backward reads changed since
        self.expected = None       # the grads backward should have accumulated (None: no backward yet)
        self.dropped = []          # weak references into graphs whose loss was dropped

    def compute_loss(self, activation, kind):
        h = ACTIVATIONS[activation](self.model(X))
        if kind == "mse":
            return F.mean_squared_error(h, TARGETS)
        return F.softmax_cross_entropy(h * 3, LABELS)

    def numerical_grads(self, recipe, at, eps=1e-6):
        grads = []
        now = [p.data.copy() for p in self.params]
        with mg.no_grad():
            for p, values in zip(self.params, at):
                p.data[...] = values        # through .data: unchecked, as a probe should be
            for p in self.params:
                g = np.zeros_like(p.data)
                for i in np.ndindex(p.shape):
                    old = p.data[i]
                    p.data[i] = old + eps
                    plus = self.compute_loss(*recipe).item()
                    p.data[i] = old - eps
                    minus = self.compute_loss(*recipe).item()
                    p.data[i] = old
                    g[i] = (plus - minus) / (2 * eps)
                grads.append(g)
            for p, values in zip(self.params, now):
                p.data[...] = values
        return grads

    def drop_loss(self):
        if self.loss is not None:
            functions, variables = graph_of(self.loss)
            self.dropped += [weakref.ref(o) for o in functions + variables + [self.loss]]
            del functions, variables
        self.loss = self.recipe = self.at = None
        self.stale = False

    @rule(activation=st.sampled_from(sorted(ACTIVATIONS)), kind=st.sampled_from(["mse", "cross_entropy"]))
    def forward(self, activation, kind):
        self.drop_loss()
        self.loss = self.compute_loss(activation, kind)
        self.recipe = (activation, kind)
        self.at = [p.data.copy() for p in self.params]
        assert self.loss.requires_grad and self.loss.creator is not None

    @rule(activation=st.sampled_from(sorted(ACTIVATIONS)))
    def forward_under_no_grad(self, activation):
        with mg.no_grad():
            y = self.compute_loss(activation, "mse")
        assert y.creator is None and not y.requires_grad
        assert mg.is_grad_enabled()

    @precondition(lambda self: self.loss is not None)
    @rule()
    def backward(self):
        if self.stale:
            before = [None if p.grad is None else p.grad.data.copy() for p in self.params]
            with pytest.raises(RuntimeError, match="changed in place"):
                self.loss.backward()
            for p, g in zip(self.params, before):   # nothing was added before the check fired
                assert (p.grad is None) if g is None else np.array_equal(p.grad.data, g)
            self.drop_loss()
            return
        self.loss.backward()
        numerical = self.numerical_grads(self.recipe, self.at)
        self.expected = numerical if self.expected is None else [e + n for e, n in zip(self.expected, numerical)]
        for (name, p), g in zip(self.model.named_parameters(), self.expected):
            np.testing.assert_allclose(p.grad.data, g, rtol=1e-5, atol=1e-7, err_msg=name)

    @rule()
    def zero_grad(self):
        self.model.zero_grad()
        self.expected = None
        assert all(p.grad is None or not p.grad.data.any() for p in self.params)

    @rule(scale=st.sampled_from([0.01, -0.02]))
    def update_data_in_place(self, scale):
        # The live loss saw the old values: drop it, as a user re-runs forward.
        self.drop_loss()
        for p in self.params:
            p.data -= scale * np.sign(p.data)

    # Model: Linear(3, 4) -> Tanh -> Linear(4, 2). Backward reads the second
    # weight (for the hidden layer's gradient); not the first (its input X
    # needs no gradient), nor a bias, as PyTorch saves them.
    READ_BY_BACKWARD = {2}

    @precondition(lambda self: self.loss is not None)
    @rule(index=st.integers(0, 3), how=st.sampled_from(["-=", "np out=", "nn.init", "load_state_dict"]))
    def change_parameter_between_forward_and_backward(self, index, how):
        p = self.params[index]
        if how == "-=":
            with mg.no_grad():
                p -= 0.01
        elif how == "np out=":
            with mg.no_grad():
                np.subtract(p, 0.01, out=p)
        elif how == "nn.init":
            nn.init.constant_(p, 0.3)
        else:
            state = self.model.state_dict()
            state[list(state)[index]] += 0.01
            self.model.load_state_dict(state)   # writes every parameter
        changed = set(range(4)) if how == "load_state_dict" else {index}
        self.stale = self.stale or bool(changed & self.READ_BY_BACKWARD)

    @precondition(lambda self: self.loss is not None and self.expected is not None)
    @rule()
    def optimizer_step_between_forward_and_backward(self):
        self.optimizer.step()
        self.stale = self.stale or self.params[2].grad is not None

    @precondition(lambda self: self.expected is not None)
    @rule()
    def optimizer_step(self):
        self.drop_loss()
        before = [p.data.copy() for p in self.params]
        self.optimizer.step()
        assert any(not np.array_equal(b, p.data) for b, p in zip(before, self.params))

    @rule()
    def drop(self):
        self.drop_loss()

    @invariant()
    def dropped_graphs_are_freed(self):
        alive = [type(r()).__name__ for r in self.dropped if r() is not None]
        assert not alive, f"{len(alive)} objects of dropped graphs are still alive: {alive[:5]}"
        self.dropped.clear()

    @invariant()
    def parameters_stay_leaves_of_float64(self):
        for p in self.params:
            assert p.creator is None and p.data.dtype == np.float64

    def teardown(self):
        gc.enable()


TrainingMachine.TestCase.settings = settings(settings.default, stateful_step_count=15)
TestTraining = TrainingMachine.TestCase


@pytest.mark.parametrize("how", ["-=", "np out=", "nn.init", "load_state_dict"])
def test_each_in_place_change_takes_its_branch(how):
    """The machine's in-place rules, in one fixed order each: a change to the
    weight backward reads is PyTorch's error; a change to one it does not
    read still gives the gradient of the loss as computed."""
    machine = TrainingMachine()
    try:
        for index in (0, 2):
            machine.forward("tanh", "mse")
            machine.change_parameter_between_forward_and_backward(index, how)
            assert machine.stale == (index == 2 or how == "load_state_dict")
            machine.backward()
        machine.forward("sigmoid", "cross_entropy")
        machine.backward()
        machine.forward("softplus", "mse")
        machine.optimizer_step_between_forward_and_backward()
        assert machine.stale
        machine.backward()
    finally:
        machine.teardown()
