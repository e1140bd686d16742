"""The tensor methods of Variable: each is the function of minigrad.functions
of the same name, they match PyTorch's to the second derivative, and the
small methods (numel, dim, float, double, astype, long, flatten,
requires_grad_, permute). PyTorch is the oracle (skipped without it)."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad.core.ops import by_method
from tests.arrays import first, positive, randn


# -- methods --------------------------------------------------------------------------------------

# method -> (args, kwargs) for a (3, 4) float64 input
METHOD_CALLS = {
    "pow": ((2,), {}), "softmax": ((), {"axis": 1}), "log_softmax": ((), {"dim": 0}),
    "sum": ((), {"dim": 1, "keepdim": True}), "mean": ((0,), {}), "max": ((), {"dim": 1}),
    "min": ((), {"axis": 0, "keepdims": True}), "var": ((1,), {}), "std": ((), {"dim": 0}),
    "norm": ((), {}), "argmax": ((), {"dim": 1}), "argmin": ((0,), {}), "cumsum": ((1,), {}),
    "prod": ((), {"dim": 1}), "logsumexp": ((), {"axis": 1}), "squeeze": ((), {}),
    "expand_dims": ((0,), {}), "unsqueeze": ((1,), {}), "swapaxes": ((0, 1), {}),
    "masked_fill": ((np.eye(3, 4, dtype=bool), 0.0), {}),
    "gather": ((1, np.array([[0], [2], [1]])), {}), "broadcast_to": (((2, 3, 4),), {}),
    "astype": ((np.float32,), {}), "to": ((np.float32,), {}),
    "add": ((2.0,), {}), "sub": ((2.0,), {}), "mul": ((2.0,), {}), "div": ((2.0,), {}),
    "split": ((2,), {"dim": 1}), "repeat": ((2, 1), {}), "repeat_interleave": ((2,), {"dim": 0}),
    "kthvalue": ((2, 1), {}), "narrow": ((1, 0, 2), {}), "index_select": ((1, np.array([0, 2])), {}),
    "masked_select": ((np.eye(3, 4, dtype=bool),), {}), "cummax": ((1,), {}), "cummin": ((0,), {}),
    "topk": ((2,), {}), "bernoulli": ((), {"p": 0.0}), "clamp": ((-0.5, 0.5), {}), "clip": ((), {"max": 0.1}),
    "median": ((1,), {}), "mode": ((0,), {}), "sort": ((0,), {}),
}


METHOD_OPS = {method: fn.__name__ for method, fn in by_method.items()}


@pytest.mark.parametrize("method,op_name", METHOD_OPS.items(), ids=list(METHOD_OPS))
def test_method_is_the_function_of_that_name(method, op_name):
    a = positive((3, 4)) if method in ("log", "sqrt") else randn(3, 4)
    args, kwargs = METHOD_CALLS.get(method, ((), {}))
    x = mg.Variable(a)
    got = getattr(x, method)(*args, **kwargs)
    want = by_method[method](mg.Variable(a), *args, **kwargs)   # F.<op_name>, or minigrad.pytorch's
    assert by_method[method].__name__ == op_name
    np.testing.assert_allclose(np.asarray(first(got).data if isinstance(first(got), mg.Variable) else got),
                               np.asarray(first(want).data if isinstance(first(want), mg.Variable) else want))


def test_methods_against_torch_first_and_second_order():
    torch = pytest.importorskip("torch")
    a = randn(2, 3, 4)
    calls = [
        (lambda x: x.exp().sum(dim=1), lambda t: t.exp().sum(dim=1)),
        (lambda x: x.sigmoid().mean(dim=(0, 2), keepdim=True), lambda t: t.sigmoid().mean(dim=(0, 2), keepdim=True)),
        (lambda x: x.clamp(min=-0.5) * x, lambda t: t.clamp(min=-0.5) * t),
        (lambda x: x.clamp(-0.5, 0.5) * x, lambda t: t.clamp(-0.5, 0.5) * t),
        (lambda x: x.view(6, -1).tanh(), lambda t: t.view(6, -1).tanh()),
        (lambda x: x.flatten() ** 2, lambda t: t.flatten() ** 2),
        (lambda x: x.unsqueeze(1).expand(-1, 3, -1, -1) ** 2, lambda t: t.unsqueeze(1).expand(-1, 3, -1, -1) ** 2),
        (lambda x: x.softmax(2) * x, lambda t: t.softmax(2) * t),
        (lambda x: x.log_softmax(dim=-1) * x, lambda t: t.log_softmax(dim=-1) * t),
        (lambda x: x.pow(3).sum(1), lambda t: t.pow(3).sum(1)),
        (lambda x: x.abs().sqrt(), lambda t: t.abs().sqrt()),
        (lambda x: (x.sin() * x.cos()).max(dim=1).values, lambda t: (t.sin() * t.cos()).max(dim=1).values),
        (lambda x: x.var(1) * x.std(), lambda t: t.var(1) * t.std()),
        (lambda x: x.relu() * x, lambda t: t.relu() * t),
        (lambda x: x.reshape_as(mg.zeros(4, 6)).double() ** 2, lambda t: t.reshape(4, 6).double() ** 2),
    ]
    for ours, theirs in calls:
        x = mg.Variable(a)
        y = ours(x)
        (g,) = mg.grad(y, x, create_graph=True)
        (gg,) = mg.grad((g * g).sum(), x)
        t = torch.tensor(a, requires_grad=True)
        ty = theirs(t)
        (tg,) = torch.autograd.grad(ty.sum(), t, create_graph=True)
        (tgg,) = torch.autograd.grad((tg * tg).sum(), t)
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-9, atol=1e-12)


def test_permute_when_present():
    x = mg.Variable(randn(2, 3, 4))
    assert x.permute(2, 0, 1).shape == (4, 2, 3) and x.permute((1, 2, 0)).shape == (3, 4, 2)


def test_small_methods():
    x = mg.Variable(randn(2, 3, 4))
    assert x.numel() == 24 and x.size == 24 and x.dim() == 3
    assert x.float().dtype == np.float32 and x.double().dtype == np.float64
    assert x.astype(np.float32).dtype == np.float32 and x.astype("float16").dtype == np.float16
    n = x.long()
    assert n.dtype == np.int64 and not n.requires_grad
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12) and F.flatten(x).shape == (2, 12)
    c = mg.zeros(3)
    assert c.requires_grad_() is c and c.requires_grad and not c.requires_grad_(False).requires_grad
    with pytest.raises(RuntimeError, match="requires_grad_: this Variable was computed by an op.*detach"):
        (x * 2).requires_grad_(False)


def test_astype_is_differentiable_to_second_order():
    # a float32 round trip: central differences need a step float32 resolves
    a = np.random.default_rng(3).standard_normal((3, 2))
    assert mg.gradcheck(lambda v: (v.astype(np.float32).astype(np.float64) * v).sum(), a,
                        eps=1e-2, atol=1e-4, rtol=1e-3)
    assert mg.gradgradcheck(lambda v: (v.double() ** 3).sum(), randn(3, 2))
    x = mg.Variable(randn(3).astype(np.float32))
    y = x.double()
    y.sum().backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float32
