"""In-place updates: the SGD step under no_grad, +=, -=, *=, /=, **= on a
recorded leaf (refused), on constants (NumPy's rules) and on Variables
computed by an op (recorded, as PyTorch), zero_, fill_ and copy_.
PyTorch is the oracle where it has the same thing (skipped without it)."""
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.arrays import positive, randn


# -- in-place updates -------------------------------------------------------------------------

def test_no_grad_in_place_sgd_step_updates_the_models_parameters():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    model(randn(5, 3).astype(np.float32)).sum().backward()
    lr = 0.1
    with mg.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    for p, q, old in zip(params, model.parameters(), before):
        assert p is q and p.dtype == np.float32 and p.creator is None and p.requires_grad
        np.testing.assert_allclose(p.data, old - lr * p.grad.data, rtol=1e-6)
        assert not np.allclose(p.data, old)


@pytest.mark.parametrize("update", ["+=", "-=", "*=", "/=", "**="])
def test_in_place_operator_on_a_recorded_leaf_is_refused(update):
    x = mg.Variable(positive((2, 3)))
    with pytest.raises(RuntimeError, match=re.escape(update) + ": in-place update of a leaf.*with mg.no_grad"):
        exec(f"x {update} 2.0", {"x": x})


def test_in_place_operators_on_constants_change_data_with_numpys_rules():
    x = mg.zeros(2, 3)
    data, original = x.data, x
    x += np.arange(3.0)           # broadcasts, float64 into float32 stays float32
    x *= 2
    x -= 1
    x /= 2
    x **= 2
    assert x is original and x.data is data and x.dtype == np.float32
    np.testing.assert_allclose(x.data, np.broadcast_to(((np.arange(3.0) * 2 - 1) / 2) ** 2, (2, 3)))
    with pytest.raises(ValueError, match=r"\+=: cannot update a Variable of shape \(2, 3\).*shape \(4,\)"):
        x += np.ones(4)
    n = mg.arange(3)
    with pytest.raises(TypeError, match=r"/=: cannot update a Variable of shape \(3,\) and dtype int64"):
        n /= 2


def test_in_place_operator_on_a_non_leaf_records_and_rebinds():
    torch = pytest.importorskip("torch")
    a = randn(2, 3)
    x = mg.Variable(a)
    y = x * 2
    y += x ** 2
    y *= 3
    y.sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    ty = tx * 2
    ty += tx ** 2
    ty *= 3
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_in_place_on_a_constant_with_a_recorded_operand_records():
    w = mg.Variable(randn(3))
    acc = mg.zeros(3, dtype=np.float64)
    acc += w * 2          # would silently drop w's gradient if done on the data
    acc.sum().backward()
    np.testing.assert_allclose(w.grad.data, 2 * np.ones(3))


def test_zero_fill_copy():
    x = mg.ones(2, 3)
    assert x.zero_() is x and not x.data.any()
    assert x.fill_(2.5) is x and np.all(x.data == 2.5)
    assert x.copy_(np.arange(3.0)) is x and x.data.tolist() == [[0, 1, 2], [0, 1, 2]]
    w = mg.Variable(randn(3))
    (w * w).sum().backward()
    g = w.grad
    assert w.grad.zero_() is g and not w.grad.data.any()
    with pytest.raises(RuntimeError, match="fill_: in-place update of a leaf.*no_grad"):
        w.fill_(1.0)
    with mg.no_grad():
        w.fill_(1.0)
    assert np.all(w.data == 1.0)
    with pytest.raises(RuntimeError, match="zero_: in-place update of a Variable computed by an op"):
        (w * 2).zero_()
