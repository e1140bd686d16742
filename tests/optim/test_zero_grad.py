"""Optimizer.zero_grad(set_to_none=True) beside PyTorch's."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

torch = pytest.importorskip("torch")


def _pair(values):
    p = mg.nn.Parameter(np.array(values, dtype=np.float64))
    t = torch.nn.Parameter(torch.tensor(values, dtype=torch.float64))
    return p, t


def _backward(p, t):
    (p * p).sum().backward()
    (t * t).sum().backward()


def test_default_sets_grads_to_none():
    p, t = _pair([1.0, -2.0])
    opt, topt = optim.SGD([p], lr=0.1), torch.optim.SGD([t], lr=0.1)
    _backward(p, t)
    opt.zero_grad()
    topt.zero_grad()
    assert p.grad is None and t.grad is None


def test_set_to_none_false_zeros_the_same_grad():
    p, t = _pair([1.0, -2.0])
    opt, topt = optim.SGD([p], lr=0.1), torch.optim.SGD([t], lr=0.1)
    _backward(p, t)
    g, tg = p.grad, t.grad
    opt.zero_grad(set_to_none=False)
    topt.zero_grad(set_to_none=False)
    assert p.grad is g and t.grad is tg
    np.testing.assert_array_equal(p.grad.data, t.grad.numpy())
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])


def test_a_zeroed_grad_still_steps_weight_decay_and_momentum_a_none_one_does_not():
    for set_to_none in (False, True):
        p, t = _pair([1.0, -2.0])
        opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.5)
        topt = torch.optim.SGD([t], lr=0.1, momentum=0.9, weight_decay=0.5)
        for _ in range(3):
            _backward(p, t)
            opt.step()
            topt.step()
            opt.zero_grad(set_to_none=set_to_none)
            topt.zero_grad(set_to_none=set_to_none)
        opt.step()
        topt.step()
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-12)
