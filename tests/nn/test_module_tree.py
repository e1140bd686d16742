"""Walking the module tree as in PyTorch (the oracle, skipped without it):
named modules, children and state_dict names, PyTorch's weights loaded into
the containers, shared modules, load_state_dict given a whole checkpoint,
apply, requires_grad_ freezing a part of a model, zero_grad."""
import numpy as np
import pytest

from minigrad import nn


# -- walking the tree, freezing --------------------------------------------------------

def Net(lib, zeros=lambda n: np.zeros(n, dtype=np.float32)):
    """The same model built with minigrad's nn or torch.nn."""
    net = lib.Module()
    net.body = lib.Sequential(lib.Linear(3, 4), lib.ReLU(), lib.Linear(4, 2))
    net.heads = lib.ModuleDict({"cls": lib.Linear(2, 5), "reg": lib.Sequential(lib.Linear(2, 1))})
    net.extra = lib.ParameterList([lib.Parameter(zeros(2)), lib.Parameter(zeros(3))])
    net.unflatten = lib.Unflatten(1, (2, 1))
    net.identity = lib.Identity()
    return net


def _torch_net(torch):
    return Net(torch.nn, torch.zeros)


def test_module_tree_and_state_dict_names_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = Net(nn), _torch_net(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]
    assert [n for n, _ in ours.named_modules(prefix="net")] == \
        [n for n, _ in theirs.named_modules(prefix="net")]


def test_weights_exported_from_pytorch_load_into_the_containers():
    torch = pytest.importorskip("torch")
    ours, theirs = Net(nn), _torch_net(torch)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    hidden = ours.body(x)
    expected = theirs.body(torch.tensor(x))
    np.testing.assert_allclose(hidden.data, expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.heads["cls"](hidden).data,
                               theirs.heads["cls"](expected).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.unflatten(hidden).shape == tuple(theirs.unflatten(expected).shape) == (5, 2, 1)


def test_shared_modules_are_named_once_unless_asked_as_pytorch():
    torch = pytest.importorskip("torch")

    def names(lib, **kwargs):
        shared = lib.Linear(2, 2)
        model = lib.Sequential(shared, lib.ReLU(), shared)
        return [n for n, _ in model.named_modules(**kwargs)]

    assert names(nn) == names(torch.nn) == ["", "0", "1"]
    assert names(nn, remove_duplicate=False) == names(torch.nn, remove_duplicate=False)


def test_loading_a_whole_checkpoint_into_a_model_points_at_the_right_entry():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"entry 'model' is a dict.*checkpoint\['model'\]"):
        model.load_state_dict({"model": model.state_dict(), "epoch": 3})


def test_apply_visits_children_first_and_returns_self():
    model = Net(nn)
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited[-1] == "Module" and visited[:4] == ["Linear", "ReLU", "Linear", "Sequential"]
    model.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert all(not m.weight.data.any() for m in model.modules() if isinstance(m, nn.Linear))


def test_requires_grad_false_freezes_a_part_of_the_model():
    model = Net(nn)
    assert model.body.requires_grad_(False) is model.body
    out = model.heads["cls"](model.body(np.ones((2, 3), dtype=np.float32)))
    out.sum().backward()
    assert all(p.grad is None for p in model.body.parameters())
    assert all(p.grad is not None for p in model.heads["cls"].parameters())
    model.requires_grad_()
    assert all(p.requires_grad for p in model.parameters())


def test_zero_grad_sets_none_or_zeros_as_pytorch():
    layer = nn.Linear(2, 2)
    layer(np.ones((1, 2), dtype=np.float32)).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert all(p.grad.dtype == np.float32 and not p.grad.data.any() for p in layer.parameters())
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())
