"""Forward hooks and forward pre-hooks on modules: they see the inputs and
the output and can replace them, run in PyTorch's order (the oracle,
skipped without it), and a hooked module records the graph as usual."""
import numpy as np
import pytest

from minigrad import nn


# -- forward hooks ----------------------------------------------------------------------

def test_forward_hooks_see_inputs_and_output_and_can_replace_them():
    layer = nn.Linear(3, 2)
    x = np.ones((4, 3), dtype=np.float32)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, inputs: calls.append(("pre", m, len(inputs))))
    post = layer.register_forward_hook(lambda m, inputs, out: calls.append(("post", inputs[0] is x, out.shape)))
    plain = layer(x)
    assert calls == [("pre", layer, 1), ("post", True, (4, 2))]

    doubled = layer.register_forward_hook(lambda m, inputs, out: out * 2)
    np.testing.assert_allclose(layer(x).data, 2 * plain.data)
    zeroed = layer.register_forward_pre_hook(lambda m, inputs: np.zeros_like(inputs[0]))  # one value: the input
    np.testing.assert_allclose(layer(x).data, 2 * np.broadcast_to(layer.bias.data, (4, 2)))
    for handle in (pre, post, doubled, zeroed):
        handle.remove()
    handle.remove()  # a second remove does nothing
    calls.clear()
    np.testing.assert_array_equal(layer(x).data, plain.data)
    assert calls == []


def test_forward_hooks_match_pytorch_order_and_replacement():
    torch = pytest.importorskip("torch")

    def run(lib, to_array):
        model = lib.Sequential(lib.Linear(2, 3), lib.Tanh(), lib.Linear(3, 1))
        order = []
        for name, module in model.named_modules():
            module.register_forward_pre_hook(lambda m, i, name=name: order.append("pre " + name))
            module.register_forward_hook(lambda m, i, o, name=name: order.append("post " + name))
        model[1].register_forward_hook(lambda m, i, o: o * 0)  # kills the signal
        out = model(to_array(np.ones((1, 2), dtype=np.float32)))
        return order, out.sum().item() - model[2].bias.sum().item()

    ours = run(nn, lambda a: a)
    theirs = run(torch.nn, torch.tensor)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1] == 0.0


def test_a_hooked_module_records_the_graph_as_usual():
    layer = nn.Linear(2, 2)
    activations = {}
    layer.register_forward_hook(lambda m, i, o: activations.setdefault("out", o))
    y = layer(np.ones((3, 2), dtype=np.float32))
    y.sum().backward()
    assert activations["out"] is y and layer.weight.grad is not None
