"""nn.LazyLinear, nn.LazyConv2d, nn.LazyBatchNorm2d beside PyTorch's: the
input size comes from the first forward, the layer then is the ordinary
one, and an optimiser built before the first forward steps the parameters
that forward sized (PyTorch's behaviour)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from tests.arrays import randn

torch = pytest.importorskip("torch")
tnn = torch.nn

LAYERS = {   # id: (ours, PyTorch's, input shape)
    "linear": (lambda: nn.LazyLinear(3), lambda: tnn.LazyLinear(3), (2, 5)),
    "linear_no_bias": (lambda: nn.LazyLinear(3, bias=False), lambda: tnn.LazyLinear(3, bias=False), (4, 2, 5)),
    "conv2d": (lambda: nn.LazyConv2d(4, 3, stride=2, padding=1), lambda: tnn.LazyConv2d(4, 3, stride=2, padding=1),
               (2, 3, 7, 7)),
    "conv2d_groups": (lambda: nn.LazyConv2d(4, (2, 3), groups=2, bias=False),
                      lambda: tnn.LazyConv2d(4, (2, 3), groups=2, bias=False), (2, 6, 5, 5)),
    "batch_norm2d": (lambda: nn.LazyBatchNorm2d(momentum=0.3), lambda: tnn.LazyBatchNorm2d(momentum=0.3),
                     (4, 3, 2, 2)),
}


def _shapes(module):
    return {name: tuple(v.shape) for name, v in module.state_dict().items()}


@pytest.mark.parametrize("make,make_torch,shape", LAYERS.values(), ids=list(LAYERS))
def test_sizes_itself_at_the_first_forward_as_torch(make, make_torch, shape):
    ours, theirs = make(), make_torch()
    x = randn(*shape).astype(np.float32)
    y, t = ours(mg.Variable(x, requires_grad=False)), theirs(torch.tensor(x))
    assert y.shape == tuple(t.shape)
    assert type(ours).__name__ == type(theirs).__name__     # LazyLinear became Linear ...
    assert _shapes(ours) == _shapes(theirs)
    assert all(type(p) is nn.Parameter for p in ours.parameters())
    # Now an ordinary layer: PyTorch's weights give PyTorch's output.
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(mg.Variable(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_an_optimiser_built_before_the_first_forward_steps_the_sized_parameters():
    model = nn.Sequential(nn.LazyConv2d(2, 3), nn.Flatten(), nn.LazyLinear(1))
    tmodel = tnn.Sequential(tnn.LazyConv2d(2, 3), tnn.Flatten(), tnn.LazyLinear(1))
    opt, topt = optim.Adam(model.parameters(), lr=0.1), torch.optim.Adam(tmodel.parameters(), lr=0.1)
    x = randn(2, 1, 5, 5).astype(np.float32)
    model(mg.Variable(x)).sum().backward()
    tmodel(torch.tensor(x)).sum().backward()
    before = [p.data.copy() for p in model.parameters()]
    tbefore = [p.detach().clone() for p in tmodel.parameters()]
    opt.step()
    topt.step()
    assert all(p is q for p, q in zip(model.parameters(), opt.param_groups[0]["params"]))
    assert all(p is q for p, q in zip(tmodel.parameters(), topt.param_groups[0]["params"]))
    assert all(not np.array_equal(b, p.data) for b, p in zip(before, model.parameters()))
    assert all(not torch.equal(b, p) for b, p in zip(tbefore, tmodel.parameters()))


def test_before_the_first_forward_shapes_and_state_are_refused():
    layer, tlayer = nn.LazyLinear(3), tnn.LazyLinear(3)
    with pytest.raises(ValueError, match="not initialized"):
        layer.weight.shape
    with pytest.raises(ValueError, match="uninitialized parameter"):
        tlayer.weight.numel()
    with pytest.raises(ValueError, match="state_dict: LazyLinear is not initialized yet"):
        nn.Sequential(layer).state_dict()    # PyTorch's holds <UninitializedParameter>s: refused here
    assert repr(layer.weight) == repr(tlayer.weight) == "<UninitializedParameter>"


def test_to_dtype_before_the_first_forward_gives_that_dtype():
    layer = nn.LazyLinear(2).to(np.float64)
    layer(mg.Variable(np.ones((1, 4))))
    assert layer.weight.dtype == np.float64 and layer.weight.shape == (2, 4)
