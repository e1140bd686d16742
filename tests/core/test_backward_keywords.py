"""The keywords of backward (gradient=, retain_graph=, inputs=) and of
mg.grad (retain_graph=, allow_unused=), as in PyTorch (the oracle, skipped
without it)."""
import numpy as np
import pytest

import minigrad as mg
from tests.arrays import randn


# -- backward and grad keywords ----------------------------------------------------------------

def test_backward_keywords():
    x, w = mg.Variable(randn(3)), mg.Variable(randn(3))
    y = x * w
    y.backward(gradient=np.ones(3), retain_graph=True)
    np.testing.assert_allclose(x.grad.data, w.data)
    x.cleargrad(), w.cleargrad()
    y.backward(np.ones(3), inputs=[x])
    assert w.grad is None and np.allclose(x.grad.data, w.data)
    y.backward(inputs=x)
    np.testing.assert_allclose(x.grad.data, 2 * w.data)   # accumulates as always
    with pytest.raises(TypeError, match="backward: got both grad= and gradient="):
        y.backward(np.ones(3), gradient=np.ones(3))


def test_backward_inputs_against_torch():
    torch = pytest.importorskip("torch")
    a, b = randn(3), randn(3)
    x, w = mg.Variable(a), mg.Variable(b)
    h = x * w
    (h * h).sum().backward(inputs=[w, h])
    t, tw = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    th = t * tw
    (th * th).sum().backward(inputs=[tw, th])
    assert x.grad is None and t.grad is None
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy())
    np.testing.assert_allclose(h.grad.data, th.grad.numpy())


def test_grad_keywords():
    x, unused = mg.Variable(randn(3)), mg.Variable(randn(3))
    y = (x * x).sum()
    gx, gu = mg.grad(y, [x, unused], retain_graph=True)
    assert gu is None and np.allclose(gx.data, 2 * x.data)
    with pytest.raises(RuntimeError, match=r"grad: inputs \[1\] are not used.*allow_unused=True"):
        mg.grad(y, [x, unused], allow_unused=False)
