"""minigrad.autograd.misc: `flatten` and the optimisers `sgd`, `rmsprop`,
`adam`, beside HIPS autograd's (when installed) and PyTorch's Adam."""
import numpy as np
import pytest

import minigrad.autograd as mga
from minigrad.autograd.misc import flatten
from minigrad.autograd.misc.optimizers import adam, rmsprop, sgd

STRUCTURE = {"b": [np.arange(4.0).reshape(2, 2), 5.0], "a": (np.array([6.0, 7.0]),)}


def test_flatten_reads_dicts_in_sorted_key_order_and_unflatten_rebuilds():
    vector, unflatten = flatten(STRUCTURE)
    np.testing.assert_array_equal(vector, [6, 7, 0, 1, 2, 3, 5])
    back = unflatten(vector * 10)
    assert list(back) == ["b", "a"] and isinstance(back["b"], list) and isinstance(back["a"], tuple)
    np.testing.assert_array_equal(back["b"][0], [[0, 10], [20, 30]])
    assert back["b"][1].shape == () and back["b"][1] == 50


def test_flatten_matches_autograd():
    pytest.importorskip("autograd")
    from autograd.misc import flatten as their_flatten
    vector, unflatten = flatten(STRUCTURE)
    their_vector, their_unflatten = their_flatten(STRUCTURE)
    np.testing.assert_array_equal(vector, their_vector)
    ours, theirs = unflatten(vector + 1), their_unflatten(their_vector + 1)
    np.testing.assert_array_equal(ours["b"][0], theirs["b"][0])
    np.testing.assert_array_equal(ours["a"][0], theirs["a"][0])


def test_flatten_and_unflatten_are_differentiable():
    """A weight-decay term through flatten and an objective over the flat
    vector through unflatten, beside PyTorch."""
    torch = pytest.importorskip("torch")
    params = [np.array([1.0, -2.0]), (np.array([[0.5]]), 3.0)]
    g = mga.grad(lambda p: np.dot(flatten(p)[0], flatten(p)[0]))(params)
    np.testing.assert_allclose(g[0], [2.0, -4.0])
    assert g[1][1] == pytest.approx(6.0)
    vector, unflatten = flatten(params)

    def objective(v):
        (a, (b, c)) = unflatten(v)
        return np.sum(np.sin(a)) * np.sum(b) * c

    tv = torch.tensor(vector, requires_grad=True)
    (torch.sin(tv[:2]).sum() * tv[2] * tv[3]).backward()
    np.testing.assert_allclose(mga.grad(objective)(vector), tv.grad.numpy(), rtol=1e-12)


def test_unflatten_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match=r"unflatten: expected a vector of shape \(7,\), got shape \(6,\)"):
        flatten(STRUCTURE)[1](np.zeros(6))


def quadratic_grad(x, i):
    """The gradient of sum((x - target)**2), nested as x; `i` shifts the target."""
    return {"w": 2 * (x["w"] - 1.0 - 0.01 * i), "b": [2 * (x["b"][0] + 2.0)]}


X0 = {"w": np.array([[0.0, 3.0]]), "b": [np.array(1.0)]}


@pytest.mark.parametrize("name, settings", [
    ("sgd", {}), ("sgd", {"step_size": 0.05, "mass": 0.5, "num_iters": 30}),
    ("rmsprop", {}), ("rmsprop", {"step_size": 0.01, "gamma": 0.5}),
    ("adam", {}), ("adam", {"step_size": 0.1, "b1": 0.8, "b2": 0.9, "eps": 1e-6}),
])
def test_optimisers_match_autograd(name, settings):
    pytest.importorskip("autograd")
    from autograd.misc import optimizers as theirs
    ours_seen, theirs_seen = [], []
    ours = globals()[name](quadratic_grad, X0, lambda x, i, g: ours_seen.append((x, i, g)), **settings)
    expected = getattr(theirs, name)(quadratic_grad, X0, lambda x, i, g: theirs_seen.append((x, i, g)),
                                     **settings)
    np.testing.assert_allclose(ours["w"], expected["w"], rtol=1e-12)
    np.testing.assert_allclose(ours["b"][0], expected["b"][0], rtol=1e-12)
    assert len(ours_seen) == len(theirs_seen) == settings.get("num_iters", 200 if name == "sgd" else 100)
    (x, i, g), (their_x, their_i, their_g) = ours_seen[-1], theirs_seen[-1]
    assert i == their_i and set(x) == {"w", "b"}
    np.testing.assert_allclose(flatten(x)[0], flatten(their_x)[0], rtol=1e-12)
    np.testing.assert_allclose(flatten(g)[0], flatten(their_g)[0], rtol=1e-12)


def test_adam_beside_torch_optim_adam():
    torch = pytest.importorskip("torch")
    target = np.array([1.0, -2.0, 0.5])
    x = adam(lambda x, i: 2 * (x - target), np.zeros(3), num_iters=50, step_size=0.1)
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    for _ in range(50):
        opt.zero_grad()
        ((p - torch.tensor(target)) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-10)


def test_optimisers_reach_the_minimum():
    for optimize, settings in [(sgd, {}), (rmsprop, {"num_iters": 600, "step_size": 0.01}),
                               (adam, {"num_iters": 2000, "step_size": 0.01})]:
        found = optimize(lambda x, i: quadratic_grad(x, 0), X0, **settings)
        np.testing.assert_allclose(found["w"], [[1.0, 1.0]], atol=1e-2)
        np.testing.assert_allclose(found["b"][0], -2.0, atol=1e-2)
