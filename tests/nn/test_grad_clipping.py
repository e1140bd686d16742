"""Gradient clipping in nn.utils: clip_grad_norm_ and clip_grad_value_
against PyTorch's (skipped without torch), nn.utils importable every way
and shared with optim, parameters sharing one gradient clipped once, and
clear errors."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim


# -- nn.utils: gradient clipping ---------------------------------------------------

def test_nn_utils_is_importable_every_way_and_shared_with_optim():
    from minigrad.nn import utils
    assert mg.nn.utils is utils
    assert optim.clip_grad_norm_ is utils.clip_grad_norm_  # one implementation serves both


def _grads_and_params(rng, dtype=np.float64):
    grads = [rng.normal(size=(2, 3)).astype(dtype), rng.normal(size=4).astype(dtype) * 3]
    params = [nn.Parameter(np.zeros_like(g)) for g in grads] + [nn.Parameter(np.zeros(2, dtype=dtype))]
    for p, g in zip(params, grads):
        p.grad = mg.Variable(g.copy())
    return grads, params


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_clip_grad_norm_matches_pytorch(max_norm, norm_type):
    torch = pytest.importorskip("torch")
    grads, params = _grads_and_params(np.random.default_rng(0))
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    assert isinstance(total, float) and total == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(params, tensors):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)
    assert params[-1].grad is None


@pytest.mark.parametrize("clip_value", [0.05, 0.5, 10.0])
def test_clip_grad_value_matches_pytorch_and_keeps_dtype(clip_value):
    torch = pytest.importorskip("torch")
    grads, params = _grads_and_params(np.random.default_rng(1), dtype=np.float32)
    tensors = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    assert nn.utils.clip_grad_value_(params, clip_value) is None
    torch.nn.utils.clip_grad_value_(tensors, clip_value)
    for p, t in zip(params, tensors):
        assert p.grad.dtype == np.float32
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())
    assert params[-1].grad is None
    nn.utils.clip_grad_value_(params[0], value=0.01)  # one Variable; value= as API.md names it
    assert np.abs(params[0].grad.data).max() <= np.float32(0.01)


def test_clipping_a_model_whose_parameters_share_one_gradient_clips_once():
    x, y = nn.Parameter(np.array([3.0])), nn.Parameter(np.array([4.0]))
    (x + y).sum().backward()
    nn.utils.clip_grad_value_([x, y], 0.5)
    assert x.grad.item() == 0.5 and y.grad.item() == 0.5


def test_clipping_errors_are_clear():
    p = nn.Parameter(np.zeros(2))
    p.grad = mg.Variable(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm of the gradients is inf"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm must be a number >= 0"):
        nn.utils.clip_grad_norm_([p], -1.0)
    with pytest.raises(ValueError, match="norm_type must be a number > 0"):
        nn.utils.clip_grad_norm_([p], 1.0, norm_type=0)
    with pytest.raises(TypeError, match="clip_grad_value_: expected Variables, got a ndarray"):
        nn.utils.clip_grad_value_([np.zeros(2)], 1.0)
    with pytest.raises(TypeError, match="give the bound once"):
        nn.utils.clip_grad_value_([p])
