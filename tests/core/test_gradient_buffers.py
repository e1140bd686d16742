"""Gradient buffers (core/backprop.py, `keep`): after a backward pass each
leaf's `.grad`, each retained `.grad` and each result of `mg.grad` is its
own writable array, never the same Variable or memory as another gradient,
the caller's seed, a hook's result or a read-only broadcast view; changing
one in place changes nothing else. Each scenario runs beside PyTorch's twin
(skipped without torch)."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from tests.arrays import randn


def _leaves(*arrays):
    return [mg.Variable(a.copy()) for a in arrays]


def _twins(*arrays):
    torch = pytest.importorskip("torch")
    return [torch.tensor(a, requires_grad=True) for a in arrays]


def _independent(*grads):
    """No two of the gradients share memory, and each is writable."""
    for i, g in enumerate(grads):
        assert g.data.flags.writeable
        for h in grads[i + 1:]:
            assert g is not h
            assert not np.shares_memory(g.data, h.data)


def test_two_leaves_given_the_same_gradient_get_their_own():
    arrays = randn(3), randn(3), randn(3)
    a, b, c = _leaves(*arrays)
    ((a + b) * c).sum().backward()
    _independent(a.grad, b.grad)
    before = b.grad.data.copy()
    with mg.no_grad():
        a.grad *= 5
    np.testing.assert_array_equal(b.grad.data, before)
    ta, tb, tc = _twins(*arrays)
    ((ta + tb) * tc).sum().backward()
    assert ta.grad is not tb.grad
    with pytest.importorskip("torch").no_grad():
        ta.grad *= 5
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy())
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy())


@pytest.mark.parametrize("as_variable", [False, True])
def test_the_callers_seed_is_never_a_leaf_gradient(as_variable):
    g = randn(3)
    seed = mg.Variable(g.copy(), requires_grad=False) if as_variable else g.copy()
    (a,) = _leaves(randn(3))
    (a + 0.0).backward(seed)
    with mg.no_grad():
        a.grad *= 5
    np.testing.assert_array_equal(seed.data if as_variable else seed, g)
    torch = pytest.importorskip("torch")
    (ta,) = _twins(a.data)
    tg = torch.tensor(g)
    (ta + 0.0).backward(tg)
    with torch.no_grad():
        ta.grad *= 5
    np.testing.assert_array_equal(tg.numpy(), g)
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy())


def test_a_leaf_seeded_directly_does_not_hold_the_seed():
    g = randn(3)
    seed = mg.Variable(g.copy(), requires_grad=False)
    (x,) = _leaves(randn(3))
    x.backward(seed)
    assert x.grad is not seed and not np.shares_memory(x.grad.data, seed.data)
    (tx,) = _twins(x.data)
    tg = pytest.importorskip("torch").tensor(g)
    tx.backward(tg)
    assert tx.grad is not tg and tx.grad.data_ptr() != tg.data_ptr()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_sums_gradient_is_writable_not_a_broadcast_view():
    (x,) = _leaves(randn(2, 3))
    x.sum().backward()
    x.grad.zero_()
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))
    (tx,) = _twins(x.data)
    tx.sum().backward()
    tx.grad.zero_()
    np.testing.assert_array_equal(tx.grad.numpy(), x.grad.data)


def test_views_of_one_gradient_become_separate_gradients():
    arrays = randn(2, 3), randn(3, 2)
    a, b = _leaves(*arrays)
    (a.reshape(6) * 2 + b.T.reshape(6)).sum().backward()
    _independent(a.grad, b.grad)
    ta, tb = _twins(*arrays)
    (ta.reshape(6) * 2 + tb.T.reshape(6)).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy())
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy())


def test_a_retained_gradient_is_its_own_too():
    arrays = randn(3), randn(3)
    x, c = _leaves(*arrays)
    y = x + 0.0
    y.retain_grad()
    (y * c).sum().backward()
    _independent(y.grad, x.grad)
    y.grad.zero_()
    np.testing.assert_allclose(x.grad.data, c.data)
    tx, tc = _twins(*arrays)
    ty = tx + 0.0
    ty.retain_grad()
    (ty * tc).sum().backward()
    ty.grad.zero_()
    np.testing.assert_allclose(tx.grad.numpy(), x.grad.data)
    z = x * 1.0
    z.retain_grad()
    seed = mg.Variable(randn(3), requires_grad=False)
    z.backward(seed)
    assert not np.shares_memory(z.grad.data, seed.data)


def test_a_hooks_result_is_copied_into_grad():
    held = mg.Variable(randn(3), requires_grad=False)
    (x,) = _leaves(randn(3))
    x.register_hook(lambda g: held)
    (x * 2).sum().backward()
    assert not np.shares_memory(x.grad.data, held.data)
    np.testing.assert_array_equal(x.grad.data, held.data)
    torch = pytest.importorskip("torch")
    (tx,) = _twins(x.data)
    theld = torch.tensor(held.data)
    tx.register_hook(lambda g: theld)
    (tx * 2).sum().backward()
    assert tx.grad.data_ptr() != theld.data_ptr()


def test_gradients_accumulated_over_two_passes_stay_separate():
    arrays = randn(3), randn(3), randn(3)
    a, b, c = _leaves(*arrays)
    ta, tb, tc = _twins(*arrays)
    for _ in range(2):
        ((a + b) * c).sum().backward()
        ((ta + tb) * tc).sum().backward()
        _independent(a.grad, b.grad, c.grad)
    with mg.no_grad():
        a.grad *= 5
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy())
    np.testing.assert_allclose(a.grad.data, 5 * ta.grad.numpy())


def test_grad_returns_independent_results_for_inputs_given_the_same_gradient():
    arrays = randn(3), randn(3)
    x, y = _leaves(*arrays)
    gx, gy = mg.grad([(x + y).sum()], [x, y])
    _independent(gx, gy)
    g1, g2 = mg.grad([(x * 3).sum()], [x, x])
    _independent(g1, g2)
    seed = mg.Variable(randn(3), requires_grad=False)
    (g,) = mg.grad([x + 0.0], [x], [seed])
    assert not np.shares_memory(g.data, seed.data)
    # PyTorch's torch.autograd.grad may return one tensor for both (or the
    # seed itself); minigrad's results are independent. The values agree.
    tx, ty = _twins(*arrays)
    torch = pytest.importorskip("torch")
    tgx, tgy = torch.autograd.grad((tx + ty).sum(), [tx, ty])
    np.testing.assert_allclose(gx.data, tgx.numpy())
    np.testing.assert_allclose(gy.data, tgy.numpy())


def test_with_create_graph_the_gradients_are_separate_and_differentiable_again():
    arrays = randn(3), randn(3), randn(3)
    a, b, c = _leaves(*arrays)
    ((a + b) * c).sum().backward(create_graph=True)
    _independent(a.grad, b.grad)
    (a.grad * b.grad * c).sum().backward()
    ta, tb, tc = _twins(*arrays)
    ((ta + tb) * tc).sum().backward(create_graph=True)
    (ta.grad * tb.grad * tc).sum().backward()
    np.testing.assert_allclose(c.grad.data, tc.grad.detach().numpy())
    before = b.grad.data.copy()
    with mg.no_grad():
        a.grad *= 5
    np.testing.assert_array_equal(b.grad.data, before)


def test_grad_with_create_graph_second_order_through_separate_results():
    arrays = randn(3), randn(3)
    x, y = _leaves(*arrays)
    gx, gy = mg.grad([F.sum((x + y) ** 2)], [x, y], create_graph=True)
    _independent(gx, gy)
    (hx,) = mg.grad([(gx * gy).sum()], [x])
    torch = pytest.importorskip("torch")
    tx, ty = _twins(*arrays)
    tgx, tgy = torch.autograd.grad(((tx + ty) ** 2).sum(), [tx, ty], create_graph=True)
    (thx,) = torch.autograd.grad((tgx * tgy).sum(), [tx])
    np.testing.assert_allclose(hx.data, thx.numpy())


def _count_copies(monkeypatch):
    from minigrad.core.ops import ops
    copies = []
    copy = ops.copy
    monkeypatch.setattr(ops, "copy", lambda x: copies.append(x) or copy(x))
    return copies


def test_copies_are_made_only_where_gradients_would_share(monkeypatch):
    copies = _count_copies(monkeypatch)
    # An MLP's step: matmul and bias gradients are new arrays no one else
    # holds, so each becomes its parameter's .grad as is.
    x = mg.Variable(randn(4, 3), requires_grad=False)
    W1, b1, W2, b2 = _leaves(randn(5, 3), randn(5), randn(2, 5), randn(2))
    F.softmax_cross_entropy(F.linear(F.relu(F.linear(x, W1, b1)), W2, b2), np.array([0, 1, 1, 0])).backward()
    assert copies == []
    a, b, c = _leaves(randn(3), randn(3), randn(3))
    ((a + b) * c).sum().backward()
    assert len(copies) == 1   # a and b were given one gradient: one of them gets a copy


def test_an_ndarray_seed_is_used_as_is_and_a_view_of_it_is_copied_once(monkeypatch):
    # backward(g) with an ndarray g does not copy g on entry (PyTorch's
    # backward does not clone its gradient= either); a leaf whose gradient is
    # a view of g (ravel's backward) gets one copy, so g stays the caller's own.
    copies = _count_copies(monkeypatch)
    a, g = randn(2, 3), randn(6)
    (x,) = _leaves(a)
    y = F.ravel(x)
    y.retain_grad()
    y.backward(g)
    assert len(copies) == 2   # x.grad (a view of g) and y.grad (g itself)
    for stored in (x.grad, y.grad):
        assert stored.data.flags.writeable and not np.shares_memory(stored.data, g)
    before = g.copy()
    with mg.no_grad():
        x.grad *= 5
        y.grad *= 5
    np.testing.assert_array_equal(g, before)
    torch = pytest.importorskip("torch")
    (tx,) = _twins(a)
    tg = torch.tensor(g)
    tx.ravel().backward(tg)
    # PyTorch 2.13 stores this view of the seed as tx.grad as is (changing
    # tx.grad changes tg); minigrad's rule is stricter. The values agree.
    np.testing.assert_allclose(x.grad.data, 5 * tx.grad.numpy())


def test_a_leaf_given_two_views_of_one_gradient_stores_their_sum_without_a_copy(monkeypatch):
    # vstack([x, x])'s backward sends x two views of the seed: x.grad is
    # their sum, a new array, with no copy of the first view made on the way.
    copies = _count_copies(monkeypatch)
    a, g = randn(2, 3), randn(4, 3)
    (x,) = _leaves(a)
    F.vstack([x, x]).backward(g)
    assert copies == []
    assert x.grad.data.flags.writeable and not np.shares_memory(x.grad.data, g)
    torch = pytest.importorskip("torch")
    (tx,) = _twins(a)
    torch.vstack([tx, tx]).backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_leaves_given_disjoint_views_of_the_seed_each_get_a_copy(monkeypatch):
    copies = _count_copies(monkeypatch)
    arrays, g = (randn(2, 3), randn(2, 4)), randn(2, 7)
    a, b = _leaves(*arrays)
    F.hstack([a, b]).backward(g)
    assert len(copies) == 2
    _independent(a.grad, b.grad)
    assert not np.shares_memory(a.grad.data, g) and not np.shares_memory(b.grad.data, g)
    torch = pytest.importorskip("torch")
    ta, tb = _twins(*arrays)
    torch.hstack([ta, tb]).backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy())
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy())


def test_an_ndarray_seed_changed_after_backward_with_create_graph_does_not_change_second_order():
    # The gradients' graph of create_graph=True reads the seed again in the
    # second backward: it must read the seed as it was, not the caller's
    # array changed since (PyTorch raises for such a change; minigrad copies).
    a = randn(3)
    x = mg.Variable(a, requires_grad=True)
    g = np.ones(3)
    (x * x * x).backward(g, create_graph=True)
    gx, x.grad = x.grad, None
    g[:] = 100.0
    gx.sum().backward()
    np.testing.assert_allclose(x.grad.data, 6 * a)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(a, requires_grad=True)
    tg = torch.ones(3, dtype=torch.float64)
    (tx * tx * tx).backward(tg, create_graph=True)
    tgx, tx.grad = tx.grad, None
    tgx.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
