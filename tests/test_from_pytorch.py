"""The tutorial programs ported from PyTorch (examples/from_pytorch/) give
PyTorch's answer: each runs here beside the same program written in PyTorch,
on the same data from the same initial weights, and the final losses agree
to float32 rounding (both programs compute in float32).

The PyTorch twins below are the tutorials as PyTorch users write them; the
weights PyTorch draws are copied into the minigrad program (`init=`).
"""
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

PORTS = Path(__file__).resolve().parent.parent / "examples" / "from_pytorch"
# float32 rounding, carried through hundreds of steps that sum 2,000 terms
# in a different order (NumPy's pairwise sum against PyTorch's kernels).
RTOL = 1e-5


def port(name):
    """examples/from_pytorch/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(f"from_pytorch_{name}", PORTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def arrays(state_dict):
    return {k: v.detach().numpy().copy() for k, v in state_dict.items()}


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ---- Learning PyTorch with Examples: the polynomial fits ----------------------

def torch_polynomial_autograd(init, steps):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(init[k], dtype=dtype, requires_grad=True) for k in "abcd")
    learning_rate = 1e-6
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item()


class TorchLegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def torch_polynomial_custom_function(init, steps):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.full((), init[k], dtype=dtype, requires_grad=True) for k in "abcd")
    learning_rate = 5e-6
    for t in range(steps):
        P3 = TorchLegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item()


def torch_polynomial_nn(steps, use_optim):
    """Returns (final loss, the initial weights as arrays)."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    init = arrays(model.state_dict())
    loss_fn = torch.nn.MSELoss(reduction='sum')
    if use_optim:
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if use_optim:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        else:
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= 1e-6 * param.grad
    return loss.item(), init


@pytest.mark.parametrize("name, twin", [("polynomial_autograd", torch_polynomial_autograd),
                                         ("polynomial_custom_function", torch_polynomial_custom_function)])
def test_polynomial_by_hand_matches_pytorch(name, twin):
    g = np.random.default_rng(1)
    if name == "polynomial_autograd":
        init = dict(zip("abcd", g.standard_normal(4).astype(np.float32).tolist()))
    else:   # the tutorial's start, moved a little
        init = dict(zip("abcd", (np.array([0.0, -1.0, 0.0, 0.3]) + 0.05 * g.standard_normal(4))
                        .astype(np.float32).tolist()))
    steps = 300
    expected = twin(init, steps)
    got = port(name).run(steps=steps, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("name", ["polynomial_nn", "polynomial_optim"])
def test_polynomial_nn_matches_pytorch(name):
    torch.manual_seed(2)
    steps = 300
    expected, init = torch_polynomial_nn(steps, use_optim=name == "polynomial_optim")
    got = port(name).run(steps=steps, init=init)
    assert got == pytest.approx(expected, rel=RTOL)


# ---- the 60-minute blitz: LeNet --------------------------------------------------

class TorchNet(torch.nn.Module):
    def __init__(self):
        super(TorchNet, self).__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5)
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1 = torch.nn.Linear(16 * 5 * 5, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        F = torch.nn.functional
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def torch_lenet(data, steps):
    net = TorchNet()
    init = arrays(net.state_dict())
    input = torch.tensor(data["input"])
    out = net(input)
    net.zero_grad()
    out.backward(torch.tensor(data["grad"]))
    output = net(input)
    target = torch.tensor(data["target"]).view(1, -1)
    criterion = torch.nn.MSELoss()
    loss = criterion(output, target)
    net.zero_grad()
    loss.backward()
    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    for step in range(steps):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
    return loss.item(), init


def test_lenet_blitz_matches_pytorch():
    g = np.random.default_rng(3)
    data = {"input": g.standard_normal((1, 1, 32, 32)).astype(np.float32),
            "grad": g.standard_normal((1, 10)).astype(np.float32),
            "target": g.standard_normal(10).astype(np.float32)}
    torch.manual_seed(3)
    steps = 10
    expected, init = torch_lenet(data, steps)
    got = port("lenet_blitz").run(steps=steps, init=init, data=data)
    assert got == pytest.approx(expected, rel=RTOL)
