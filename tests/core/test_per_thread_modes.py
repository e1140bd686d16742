"""Modes are per thread: two threads train at once (one switching no_grad
and test_mode, one tracing backward) and each gets what it gets alone, and
the grad-mode helpers. Then hooks under mg.grad as in PyTorch (the oracle,
skipped without it), a Function keeping state from forward called twice,
and transpose with two axes, never silently different from PyTorch's."""
import threading

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from tests.arrays import randn


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


def test_transpose_with_two_axes_is_pytorchs_swap():
    m = mg.Variable(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.transpose(1, 0).data, m.data.T)      # same in NumPy and PyTorch
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)      # PyTorch's swap (NumPy: identity)
    np.testing.assert_array_equal(m.transpose().data, m.data.T)          # NumPy's, unambiguous
    x = mg.Variable(np.zeros((2, 3, 4)))
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)                       # three axes: NumPy's order
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3)
    assert x.swapaxes(0, 2).shape == (4, 3, 2)
