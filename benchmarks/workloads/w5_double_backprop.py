"""W5, double backprop: the second derivative of tanh on x of shape
(1000,), float32, by differentiating the first derivative's graph:
d/dx sum(d tanh(x)/dx) = -2 tanh(x) (1 - tanh(x)^2). Microseconds per call.
"""
import numpy as np

from . import Case
from ..engines import load

ID = "W5"
TITLE = "second derivative of tanh on float32 (1000,) by double backprop"
RTOL = 1e-3


def cases(quick):
    size = 100 if quick else 1000
    return [Case(f"x of shape ({size},)", dict(size=size), "us/call", 1e6)]


def _start(size):
    return np.random.default_rng(2).standard_normal(size).astype(np.float32)


def numpy_second(size):
    """By hand: y = tanh x, y' = 1 - y^2, y'' = -2 y y'."""
    x0 = _start(size)

    def step():
        y = np.tanh(x0)
        return -2 * y * (1 - y * y)
    return step


def minigrad_second(size):
    mg = load("minigrad")
    x0 = _start(size)

    def step():
        x = mg.Variable(x0)
        y = mg.functions.tanh(x)
        (gx,) = mg.grad(y.sum(), x, create_graph=True)
        gx.sum().backward()
        return x.grad.data
    return step


def pytorch_second(size):
    torch = load("pytorch")
    x0 = _start(size)

    def step():
        x = torch.tensor(x0, requires_grad=True)
        y = torch.tanh(x)
        (gx,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        gx.sum().backward()
        return x.grad.numpy()
    return step


def dezero_second(size):
    dezero = load("dezero")
    x0 = _start(size)

    def step():
        x = dezero.Variable(x0)
        y = dezero.functions.tanh(x)
        y.backward(create_graph=True)   # seeds ones, as the backward of sum(y)
        gx = x.grad
        x.cleargrad()
        gx.backward()
        return x.grad.data
    return step


def autograd_second(size):
    autograd = load("autograd")
    x0 = _start(size)
    second = autograd.elementwise_grad(autograd.elementwise_grad(autograd.numpy.tanh))
    return lambda: second(x0)


BUILDERS = {"numpy": numpy_second, "minigrad": minigrad_second, "pytorch": pytorch_second,
            "dezero": dezero_second, "autograd": autograd_second}
