"""Hooks on Variables: register_hook and retain_grad as in PyTorch (the
oracle, skipped without it), a leaf's hook sees its whole gradient once per
pass, and a hook returning the wrong shape is an error."""
import numpy as np
import pytest

import minigrad as mg
from tests.arrays import randn


# -- hooks and retain_grad ------------------------------------------------------------------------

def test_register_hook_and_retain_grad_against_torch():
    torch = pytest.importorskip("torch")
    a = randn(3)
    seen, tseen = [], []
    x = mg.Variable(a)
    y = x * 3
    z = (y * y).sum() + y.sum()
    y.retain_grad()
    h1 = y.register_hook(lambda g: seen.append(g.data.copy()))
    y.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: seen.append(g.data.copy()))
    z.backward()
    t = torch.tensor(a, requires_grad=True)
    ty = t * 3
    tz = (ty * ty).sum() + ty.sum()
    ty.retain_grad()
    ty.register_hook(lambda g: tseen.append(g.numpy().copy()))
    ty.register_hook(lambda g: g * 2)
    t.register_hook(lambda g: tseen.append(g.numpy().copy()))
    tz.backward()
    for ours, theirs in zip(seen, tseen):
        np.testing.assert_allclose(ours, theirs)
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy())
    h1.remove()
    seen.clear()
    x.cleargrad()
    z.backward()
    assert len(seen) == 1   # only x's hook is left


def test_leaf_hook_sees_the_whole_gradient_once_per_pass():
    w = mg.Variable(np.array([1.0, 2.0]))
    calls = []
    w.register_hook(lambda g: calls.append(g.data.copy()))
    (w * 2 + w * 3 + w).sum().backward()
    assert len(calls) == 1 and calls[0].tolist() == [6.0, 6.0] and w.grad.data.tolist() == [6.0, 6.0]


def test_hook_returning_a_wrong_shape_is_an_error():
    x = mg.Variable(randn(3))
    y = x * 2
    y.register_hook(lambda g: np.ones(4))
    with pytest.raises(ValueError, match=r"register_hook.*shape \(4,\).*shape \(3,\)"):
        y.sum().backward()
