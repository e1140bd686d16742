"""minigrad.amp and minigrad.cuda.amp: PyTorch's mixed-precision names.
Disabled, they pass through as PyTorch's (a training step gives PyTorch's
losses and the same losses as without them); enabled, they raise."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim

torch = pytest.importorskip("torch")

rs = np.random.RandomState(0)
W, B = rs.randn(3, 4).astype(np.float32), rs.randn(3).astype(np.float32)
XS, YS = rs.randn(5, 8, 4).astype(np.float32), rs.randn(5, 8, 3).astype(np.float32)


def train(lib, use_amp):
    """Five SGD steps of a Linear layer, in PyTorch's AMP idiom or plainly."""
    if lib is torch:
        model = torch.nn.Linear(4, 3)
        model.load_state_dict({"weight": torch.tensor(W), "bias": torch.tensor(B)})
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        scaler = torch.amp.GradScaler("cpu", enabled=False)
        autocast = lambda: torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False)  # noqa: E731
        tensor, mse = torch.tensor, torch.nn.functional.mse_loss
    else:
        model = nn.Linear(4, 3)
        model.load_state_dict({"weight": W, "bias": B})
        opt = optim.SGD(model.parameters(), lr=0.1)
        scaler = lib.GradScaler(enabled=False)
        autocast = lambda: lib.autocast(enabled=False) if lib is mg.cuda.amp else \
            lib.autocast(device_type="cpu", dtype="bfloat16", enabled=False)  # noqa: E731
        tensor, mse = mg.Variable, F.mse_loss
    losses = []
    for x, y in zip(XS, YS):
        opt.zero_grad()
        if use_amp:
            with autocast():
                loss = mse(model(tensor(x)), tensor(y))
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            scaler.step(opt)
            scaler.update()
        else:
            loss = mse(model(tensor(x)), tensor(y))
            loss.backward()
            opt.step()
        losses.append(float(loss.item()))
    return np.array(losses)


@pytest.mark.parametrize("lib", [mg.amp, mg.cuda.amp], ids=["amp", "cuda.amp"])
def test_disabled_amp_passes_through_beside_pytorch(lib):
    ours = train(lib, use_amp=True)
    np.testing.assert_array_equal(ours, train(lib, use_amp=False))
    np.testing.assert_allclose(ours, train(torch, use_amp=True), rtol=1e-5)
    np.testing.assert_allclose(ours, train(torch, use_amp=False), rtol=1e-5)


def test_a_disabled_scaler_reports_as_pytorchs():
    ours, theirs = mg.amp.GradScaler(enabled=False), torch.amp.GradScaler("cpu", enabled=False)
    assert ours.get_scale() == theirs.get_scale() == 1.0
    assert ours.is_enabled() is theirs.is_enabled() is False
    loss = mg.Variable(np.array(2.0))
    assert ours.scale(loss) is loss
    assert ours.state_dict() == {}


def test_a_disabled_autocast_decorates_as_pytorchs():
    @mg.amp.autocast("cpu", enabled=False)
    def double(x):
        return x * 2

    @torch.autocast("cpu", enabled=False)
    def their_double(x):
        return x * 2

    assert double(3) == their_double(3) == 6


@pytest.mark.parametrize("make", [
    lambda: mg.amp.GradScaler(), lambda: mg.amp.GradScaler("cuda", enabled=True),
    lambda: mg.cuda.amp.GradScaler(), lambda: mg.amp.autocast("cuda"),
    lambda: mg.amp.autocast("cpu", dtype="bfloat16"), lambda: mg.cuda.amp.autocast(),
], ids=["GradScaler", "GradScaler_cuda", "cuda_GradScaler", "autocast", "autocast_cpu", "cuda_autocast"])
def test_enabled_amp_raises_naming_mixed_precision_and_the_fix(make):
    with pytest.raises(NotImplementedError, match=r"mixed precision is not supported.*enabled=False"):
        make()
