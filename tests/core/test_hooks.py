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


# -- hooks of the inputs of mg.grad and backward(inputs=) (core/backprop.py) -----------------------
# PyTorch 2.13 takes an input's gradient after its hooks, except for a
# non-leaf whose creator it runs to reach another input: that one is taken
# before its hooks (torch/csrc/autograd/engine.cpp, evaluate_function).
# backward(inputs=) makes a non-leaf input retain its .grad, after the hooks.
# Each program runs on both engines: `L` makes the Variables and calls grad.

class _Engine:
    def __init__(self, name):
        self.torch = pytest.importorskip("torch") if name == "torch" else None

    def leaf(self):
        if self.torch is not None:
            return self.torch.tensor([0.5], requires_grad=True)
        return mg.Variable(np.array([0.5]))

    def intermediate(self, *hooks, retain=False):
        """A leaf x and h = 3 x, h retained first if asked, then hooked."""
        x = self.leaf()
        h = x * 3
        if retain:
            h.retain_grad()
        for hook in hooks:
            h.register_hook(hook)
        return x, h

    def grad(self, output, inputs):
        return (self.torch.autograd.grad if self.torch is not None else mg.grad)(output, inputs)


def _values(results):
    def value(v):
        if v is None:
            return None
        return (v.detach().numpy() if hasattr(v, "detach") else v.data).tolist()
    return [value(v) for v in results]


def _double(g):
    return g * 2


def _grad_of_hooked_intermediate(L):
    x, h = L.intermediate(_double)
    return L.grad((h * h).sum(), [h])


def _grad_of_hooked_leaf(L):
    x = L.leaf()
    x.register_hook(_double)
    return [*L.grad((x * x).sum(), [x]), x.grad]


def _hook_returning_none(L):
    x, h = L.intermediate(lambda g: None)
    return L.grad((h * h).sum(), [h])


def _retained_then_hooked(L):
    x, h = L.intermediate(_double, retain=True)
    return [*L.grad((h * h).sum(), [h]), h.grad]


def _retained_only(L):
    x, h = L.intermediate(retain=True)
    return [*L.grad((h * h).sum(), [h]), h.grad]


def _two_hooks(L):
    x, h = L.intermediate(_double, lambda g: g + 1)
    return L.grad((h * h).sum(), [h])


def _creator_leads_to_another_input(L):
    x, h = L.intermediate(_double)
    return L.grad((h * h).sum(), [h, x])


def _hook_below_the_output_only(L):
    x, h = L.intermediate(_double)
    return L.grad((h * h).sum(), [x])


def _backward_inputs_intermediate(L):
    x, h = L.intermediate(_double)
    (h * h).sum().backward(inputs=[h])
    return [h.grad, x.grad]


def _backward_inputs_intermediate_and_leaf(L):
    x, h = L.intermediate(_double)
    (h * h).sum().backward(inputs=[h, x])
    return [h.grad, x.grad]


def _backward_inputs_retains_later(L):
    x, h = L.intermediate()
    y = (h * h).sum()
    y.backward(inputs=[h], retain_graph=True)
    y.backward(retain_graph=True)
    return [h.grad, x.grad]


def _backward_inputs_named_twice(L):
    x = L.leaf()
    (x * x).sum().backward(inputs=[x, x])
    return [x.grad]


HOOKED_INPUTS = [_grad_of_hooked_intermediate, _grad_of_hooked_leaf, _hook_returning_none,
                 _retained_then_hooked, _retained_only, _two_hooks, _creator_leads_to_another_input,
                 _hook_below_the_output_only, _backward_inputs_intermediate,
                 _backward_inputs_intermediate_and_leaf, _backward_inputs_retains_later,
                 _backward_inputs_named_twice]


@pytest.mark.parametrize("program", HOOKED_INPUTS, ids=lambda f: f.__name__.strip("_"))
def test_hooks_of_grads_inputs_against_torch(program):
    theirs = _values(program(_Engine("torch")))
    assert _values(program(_Engine("minigrad"))) == theirs


def test_grad_of_a_hooked_intermediate_applies_the_hook():
    # The example: [3.] before; PyTorch 2.13 gives [6.].
    (g,) = _grad_of_hooked_intermediate(_Engine("minigrad"))
    assert g.data.tolist() == [6.0]


def test_hooks_run_once_per_pass_for_a_captured_intermediate():
    x = mg.Variable(np.array([0.5]))
    h = x * 3
    calls = []
    h.register_hook(lambda g: calls.append(1))
    mg.grad((h * h).sum(), [h])
    assert calls == [1]
