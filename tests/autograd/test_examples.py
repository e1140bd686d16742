"""HIPS autograd's classic examples, in spirit (tests/autograd/programs.py):
the same program run under minigrad.autograd and under the real autograd
package gives the same numbers; tanh's derivatives also beside PyTorch's."""
import numpy as np
import pytest

import minigrad.autograd as mga
from minigrad.autograd.misc import flatten
from minigrad.autograd.misc.optimizers import adam

from . import programs


def test_tanh_derivatives_to_fourth_order_beside_pytorch():
    torch = pytest.importorskip("torch")
    from torch.func import grad, vmap

    ours = programs.tanh_derivatives(np, mga.elementwise_grad)
    f = lambda x: (1.0 - torch.exp(-2.0 * x)) / (1.0 + torch.exp(-2.0 * x))  # noqa: E731
    x = torch.linspace(-7, 7, 200, dtype=torch.float64)
    theirs = [f]
    for _ in range(4):
        theirs.append(grad(theirs[-1]))
    for order, (mine, fn) in enumerate(zip(ours, theirs)):
        assert isinstance(mine, np.ndarray) and mine.dtype == np.float64
        np.testing.assert_allclose(mine, vmap(fn)(x).numpy(), rtol=1e-9, atol=1e-12, err_msg=f"order {order}")


def test_tanh_derivatives_match_autograd():
    autograd = pytest.importorskip("autograd")
    ours = programs.tanh_derivatives(np, mga.elementwise_grad)
    theirs = programs.tanh_derivatives(autograd.numpy, autograd.elementwise_grad)
    for mine, expected in zip(ours, theirs):
        np.testing.assert_allclose(mine, expected, rtol=1e-12, atol=1e-12)


def test_neural_net_with_flatten_and_adam_matches_autograd():
    autograd = pytest.importorskip("autograd")
    from autograd.misc import flatten as their_flatten
    from autograd.misc.optimizers import adam as their_adam

    seen, trained = programs.neural_net(np, mga.grad, flatten, adam)
    their_seen, their_trained = programs.neural_net(autograd.numpy, autograd.grad, their_flatten, their_adam)
    assert seen[-1] < seen[0] / 5  # it learns
    np.testing.assert_allclose(seen, their_seen, rtol=1e-10)
    assert [tuple(np.shape(a) for a in layer) for layer in trained] == \
        [tuple(np.shape(a) for a in layer) for layer in their_trained]
    np.testing.assert_allclose(flatten(trained)[0], their_flatten(their_trained)[0], rtol=1e-9, atol=1e-12)


def test_rnn_over_a_dict_of_parameters_matches_autograd():
    autograd = pytest.importorskip("autograd")
    from autograd.misc.optimizers import adam as their_adam

    seen, trained = programs.rnn(np, mga.grad, adam)
    their_seen, their_trained = programs.rnn(autograd.numpy, autograd.grad, their_adam)
    assert seen[-1] > seen[0] + 0.5  # the log-likelihood rises
    np.testing.assert_allclose(seen, their_seen, rtol=1e-10)
    assert set(trained) == set(their_trained)
    for key in trained:
        np.testing.assert_allclose(trained[key], their_trained[key], rtol=1e-9, atol=1e-12)


def test_neural_net_gradient_beside_pytorch():
    """The neural net's gradient at its first weights, beside torch.func.grad
    of the same objective over the same nested list of (W, b) tuples."""
    torch = pytest.importorskip("torch")
    captured = {}

    def capture(grad_of_objective, params, **settings):
        captured["g"], captured["params"] = grad_of_objective(params, 0), params
        return params

    programs.neural_net(np, mga.grad, flatten, capture)

    def objective(params, x, t):
        for W, b in params:
            outputs = x @ W + b
            x = torch.tanh(outputs)
        logp = outputs - torch.logsumexp(outputs, dim=1, keepdim=True)
        flat = torch.cat([a.reshape(-1) for layer in params for a in layer])
        return -(-0.01 * flat @ flat + (logp * t).sum())

    rs = np.random.RandomState(0)
    inputs, targets = programs.blobs(120, rs)
    params = [tuple(torch.tensor(a) for a in layer) for layer in captured["params"]]
    expected = torch.func.grad(objective)(params, torch.tensor(inputs[:40]), torch.tensor(targets[:40]))
    for mine, theirs in zip(captured["g"], expected):
        for a, b in zip(mine, theirs):
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-10, atol=1e-12)


def test_rnn_gradient_beside_pytorch():
    """The RNN's gradient at its first parameters, beside torch.func.grad of
    the same log-likelihood over the same dict."""
    torch = pytest.importorskip("torch")
    captured = {}

    def capture(grad_of_objective, params, **settings):
        captured["g"], captured["params"] = grad_of_objective(params, 0), params
        return params

    programs.rnn(np, mga.grad, capture)
    seqs = torch.tensor(programs.rnn_inputs())

    def affine(weights, *parts):
        return torch.cat(parts + (torch.ones(parts[0].shape[0], 1, dtype=torch.float64),), dim=1) @ weights

    def negative_log_likelihood(p):
        hiddens = p["init hiddens"].repeat(seqs.shape[1], 1)
        total = 0.0
        for t in range(seqs.shape[0] - 1):
            logits = affine(p["predict"], hiddens)
            total = total + (torch.log_softmax(logits, dim=1) * seqs[t + 1]).sum()
            hiddens = torch.tanh(affine(p["change"], seqs[t], hiddens))
        return -total / ((seqs.shape[0] - 1) * seqs.shape[1])

    expected = torch.func.grad(negative_log_likelihood)({k: torch.tensor(v) for k, v in captured["params"].items()})
    assert set(captured["g"]) == set(expected)
    for key, g in captured["g"].items():
        np.testing.assert_allclose(g, expected[key].numpy(), rtol=1e-10, atol=1e-13)
