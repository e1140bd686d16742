"""A Hypothesis state machine (as MyGrad's tests have) driving a small model
through random sequences of forward passes, backward calls, `no_grad`
blocks, in-place data updates and optimiser steps, checking after each:

- gradients equal central-difference gradients of the same loss, summed
  over every backward since the last zero_grad (they accumulate);
- no graph outlives its loss: with the garbage collector off, weak
  references to every Function and intermediate Variable of a dropped loss
  are dead (the graph is freed by reference counting alone, no cycles);
- a forward under `no_grad()` records nothing.

Bounded by the Hypothesis profile (tests/conftest.py): `ci` runs a dozen
short programs.
"""
import gc
import weakref

import numpy as np
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
        self.expected = None       # the grads backward should have accumulated (None: no backward yet)
        self.dropped = []          # weak references into graphs whose loss was dropped

    def compute_loss(self, activation, kind):
        h = ACTIVATIONS[activation](self.model(X))
        if kind == "mse":
            return F.mean_squared_error(h, TARGETS)
        return F.softmax_cross_entropy(h * 3, LABELS)

    def numerical_grads(self, recipe, eps=1e-6):
        grads = []
        with mg.no_grad():
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
        return grads

    def drop_loss(self):
        if self.loss is not None:
            functions, variables = graph_of(self.loss)
            self.dropped += [weakref.ref(o) for o in functions + variables + [self.loss]]
            del functions, variables
        self.loss = self.recipe = None

    @rule(activation=st.sampled_from(sorted(ACTIVATIONS)), kind=st.sampled_from(["mse", "cross_entropy"]))
    def forward(self, activation, kind):
        self.drop_loss()
        self.loss = self.compute_loss(activation, kind)
        self.recipe = (activation, kind)
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
        self.loss.backward()
        numerical = self.numerical_grads(self.recipe)
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
