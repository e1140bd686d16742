"""W1, per-op overhead: x of shape (16,), float32; 1,000 times
y = y * 1.0001 + 0.001, with y = tanh(y) after every 10th; then sum and
backward. 2,101 ops (2,000 mul/add, 100 tanh, 1 sum); microseconds per op.

The same chain builders serve W4's deep chain (100,000 ops, no tanh).
"""
import numpy as np

from . import Case
from ..engines import load

ID = "W1"
TITLE = "per-op overhead: chain on float32 (16,), forward + backward"
RTOL = 1e-3
SCALE, SHIFT = 1.0001, 0.001


def chain_ops(n_iter, tanh_every):
    """Ops in the chain: a mul and an add per iteration, the tanh, the sum."""
    return 2 * n_iter + (n_iter // tanh_every if tanh_every else 0) + 1


def cases(quick):
    n_iter = 100 if quick else 1000
    n_ops = chain_ops(n_iter, 10)
    return [Case(f"chain of {n_ops:,} ops", dict(n_iter=n_iter, tanh_every=10), "us/op", 1e6 / n_ops)]


def _start(size=16):
    return np.random.default_rng(0).standard_normal(size).astype(np.float32)


def _is_tanh(i, tanh_every):
    return tanh_every and i % tanh_every == tanh_every - 1


def forward_chain(x, tanh, n_iter, tanh_every):
    """The chain itself, on any engine's arrays: `tanh` is the engine's."""
    y = x
    for i in range(n_iter):
        y = y * SCALE + SHIFT
        if _is_tanh(i, tanh_every):
            y = tanh(y)
    return y


def numpy_chain(n_iter, tanh_every):
    """By hand: the forward keeps only the tanh outputs; the backward walks
    the iterations in reverse, multiplying the gradient by each local
    derivative (an add passes it through unchanged)."""
    x0 = _start()

    def step():
        y = x0
        tanh_outputs = []
        for i in range(n_iter):
            y = y * SCALE + SHIFT
            if _is_tanh(i, tanh_every):
                y = np.tanh(y)
                tanh_outputs.append(y)
        y.sum()
        g = np.ones_like(y)
        for i in reversed(range(n_iter)):
            if _is_tanh(i, tanh_every):
                t = tanh_outputs.pop()
                g = g * (1 - t * t)
            g = g * SCALE
        return g
    return step


def minigrad_chain(n_iter, tanh_every):
    mg = load("minigrad")
    x0 = _start()

    def step():
        x = mg.Variable(x0)
        forward_chain(x, mg.functions.tanh, n_iter, tanh_every).sum().backward()
        return x.grad.data
    return step


def pytorch_chain(n_iter, tanh_every):
    torch = load("pytorch")
    x0 = _start()

    def step():
        x = torch.tensor(x0, requires_grad=True)
        forward_chain(x, torch.tanh, n_iter, tanh_every).sum().backward()
        return x.grad.numpy()
    return step


def dezero_chain(n_iter, tanh_every):
    dezero = load("dezero")
    DF = dezero.functions
    x0 = _start()

    def step():
        x = dezero.Variable(x0)
        DF.sum(forward_chain(x, DF.tanh, n_iter, tanh_every)).backward()
        return x.grad.data
    return step


def autograd_chain(n_iter, tanh_every):
    autograd = load("autograd")
    anp = autograd.numpy
    x0 = _start()
    gradient = autograd.grad(lambda x: anp.sum(forward_chain(x, anp.tanh, n_iter, tanh_every)))
    return lambda: gradient(x0)


BUILDERS = {"numpy": numpy_chain, "minigrad": minigrad_chain, "pytorch": pytorch_chain,
            "dezero": dezero_chain, "autograd": autograd_chain}
