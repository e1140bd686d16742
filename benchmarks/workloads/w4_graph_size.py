"""W4, graph size: a deep chain of 100,000 ops (y = y * 1.0001 + 0.001,
50,000 times, then sum), and a wide fan-in: n branches y_i = x * c_i off
one x of shape (16,), all added into one running sum, for n = 10,000 and
20,000 (2n ops). Microseconds per op, forward + backward; the growth ratio
(time at 20,000 over time at 10,000) is read off the two fan-in rows.

The fan-in is where a backward pass that re-sorts its pending list on every
insert goes quadratic: all n branch functions wait in the queue at once.
"""
import numpy as np

from . import Case
from .w1_overhead import BUILDERS as CHAIN_BUILDERS, chain_ops
from ..engines import load

ID = "W4"
TITLE = "graph size: deep chain and wide fan-in on float32 (16,), forward + backward"
RTOL = 1e-3


def fan_in_label(n):
    return f"fan-in of {n:,} branches ({2 * n:,} ops)"


def cases(quick):
    deep, fans = (500, (200, 400)) if quick else (50_000, (10_000, 20_000))
    n_ops = chain_ops(deep, None)
    out = [Case(f"chain of {n_ops:,} ops", dict(kind="chain", n=deep), "us/op", 1e6 / n_ops)]
    out += [Case(fan_in_label(n), dict(kind="fan_in", n=n), "us/op", 1e6 / (2 * n)) for n in fans]
    return out


def _start():
    return np.random.default_rng(1).standard_normal(16).astype(np.float32)


def _weights(n):
    return [1.0 + i / n for i in range(n)]


def _either(fan_in):
    """A builder that runs the deep chain of W1's builders or `fan_in`."""
    engine = fan_in.__name__.split("_")[0]

    def build(kind, n):
        if kind == "chain":
            return CHAIN_BUILDERS[engine](n, None)
        return fan_in(n)
    build.__name__ = engine
    return build


def forward_fan_in(x, weights):
    """n branches x * c_i, then added one by one into a single total."""
    branches = [x * c for c in weights]
    total = branches[0]
    for y in branches[1:]:
        total = total + y
    return total


def numpy_fan_in(n):
    """By hand: every add passes the sum's gradient to both sides, so
    dx = sum_i c_i * g, accumulated branch by branch in reverse."""
    x0, cs = _start(), _weights(n)

    def step():
        forward_fan_in(x0, cs).sum()
        g = np.ones_like(x0)
        gx = np.zeros_like(x0)
        for c in reversed(cs):
            gx = gx + g * c
        return gx
    return step


def minigrad_fan_in(n):
    mg = load("minigrad")
    x0, cs = _start(), _weights(n)

    def step():
        x = mg.Variable(x0)
        forward_fan_in(x, cs).sum().backward()
        return x.grad.data
    return step


def pytorch_fan_in(n):
    torch = load("pytorch")
    x0, cs = _start(), _weights(n)

    def step():
        x = torch.tensor(x0, requires_grad=True)
        forward_fan_in(x, cs).sum().backward()
        return x.grad.numpy()
    return step


def dezero_fan_in(n):
    dezero = load("dezero")
    x0, cs = _start(), _weights(n)

    def step():
        x = dezero.Variable(x0)
        dezero.functions.sum(forward_fan_in(x, cs)).backward()
        return x.grad.data
    return step


def autograd_fan_in(n):
    autograd = load("autograd")
    x0, cs = _start(), _weights(n)
    gradient = autograd.grad(lambda x: autograd.numpy.sum(forward_fan_in(x, cs)))
    return lambda: gradient(x0)


BUILDERS = {f.__name__: f for f in map(_either, (numpy_fan_in, minigrad_fan_in, pytorch_fan_in,
                                                 dezero_fan_in, autograd_fan_in))}
