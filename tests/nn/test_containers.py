"""The containers ModuleDict and ParameterList, and the Unflatten and
Identity layers, as in PyTorch (the oracle, skipped without it)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim


# -- containers ----------------------------------------------------------------------------

def test_module_dict_behaves_as_a_dict_of_modules():
    heads = nn.ModuleDict([("a", nn.Linear(2, 2))])
    heads["b"] = nn.ReLU()
    heads.update({"c": nn.Tanh()})
    assert list(heads) == list(heads.keys()) == ["a", "b", "c"] and len(heads) == 3 and "b" in heads
    assert isinstance(heads.pop("b"), nn.ReLU) and list(heads) == ["a", "c"]
    del heads["c"]
    assert list(heads.state_dict()) == ["a.weight", "a.bias"]
    with pytest.raises(KeyError, match="no module 'zz'"):
        heads["zz"]
    with pytest.raises(KeyError, match="contain no '.'"):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(KeyError, match="'update'.*already an attribute"):
        heads["update"] = nn.ReLU()
    with pytest.raises(TypeError, match="expected a Module"):
        heads["d"] = 3
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_parameter_list_registers_and_wraps_its_entries():
    weights = nn.ParameterList([np.zeros(2, dtype=np.float32)])
    weights.append(mg.Variable(np.ones(3, dtype=np.float32)))
    assert all(isinstance(p, nn.Parameter) for p in weights) and len(weights) == 2
    assert list(weights.state_dict()) == ["0", "1"]
    assert weights[-1].shape == (3,) and len(weights[:1]) == 1
    opt = optim.SGD(weights.parameters(), lr=1.0)
    (weights[0].sum() + weights[1].sum()).backward()
    opt.step()
    np.testing.assert_array_equal(weights[1].data, np.zeros(3))
    with pytest.raises(TypeError, match="ParameterList: expected a Parameter, Variable or ndarray"):
        weights.append([1.0])


def test_unflatten_matches_pytorch_and_undoes_flatten():
    torch = pytest.importorskip("torch")
    x = np.arange(2 * 12, dtype=np.float32).reshape(2, 12)
    for dim, sizes in [(1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2))]:
        expected = torch.nn.Unflatten(dim, sizes)(torch.tensor(x)).numpy()
        np.testing.assert_array_equal(nn.Unflatten(dim, sizes)(x).data, expected)
    images = np.zeros((2, 3, 4, 5), dtype=np.float32)
    assert nn.Sequential(nn.Flatten(), nn.Unflatten(1, (3, 4, 5)))(images).shape == images.shape
    with pytest.raises(ValueError, match=r"Unflatten: dimension 1 of the input \(shape \(2, 12\)\) has size 12"):
        nn.Unflatten(1, (5, 2))(x)
    with pytest.raises(ValueError, match="Unflatten: unflattened_size must be"):
        nn.Unflatten(1, (-1, -1))


def test_identity_passes_its_input_through():
    x = mg.Variable(np.ones(3))
    assert nn.Identity()(x) is x
