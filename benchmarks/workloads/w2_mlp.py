"""W2, MLP training step: batch 128, 784-512-512-10, ReLU, softmax cross
entropy, SGD (lr 0.01), float32. Milliseconds per step.

Every engine starts from the same weights and batch; the step returns the
loss, so the first steps of all engines are checked to agree.
W6 reuses these builders for its memory measures.
"""
import numpy as np

from . import Case
from .nets import (autograd_cross_entropy, autograd_linear, autograd_relu, autograd_trainer, batch,
                   copies, he_normal, mlp_forward, sgd_in_place, sgd_on_tensors, sgd_on_variables,
                   softmax_cross_entropy)
from ..engines import load

ID = "W2"
TITLE = "MLP training step, batch 128, 784-512-512-10, float32"
RTOL = 1e-3
FULL = dict(batch_size=128, sizes=(784, 512, 512, 10))
QUICK = dict(batch_size=16, sizes=(64, 32, 32, 10))


def cases(quick):
    p = QUICK if quick else FULL
    label = f"batch {p['batch_size']}, " + "-".join(map(str, p["sizes"]))
    return [Case(label, p, "ms/step", 1e3)]


def setup(batch_size, sizes, seed=0):
    """The weights [W1, b1, W2, b2, ...] (W of shape (out, in), as PyTorch
    stores it) and the batch (x, t), identical for every engine."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [he_normal(rng, (n_out, n_in), n_in), np.zeros(n_out, np.float32)]
    x, t = batch(rng, (batch_size, sizes[0]), sizes[-1])
    return params, x, t


def mlp_gradients(params, x, t):
    """By hand: the loss and d loss / d params of the MLP. Keep each
    layer's input and pre-activation, then walk back through the layers:
    gW = g^T a, gb = sum g, ga = g W, through ReLU by the mask h > 0."""
    n_layers = len(params) // 2
    inputs, pre = [], []
    a = x
    for i in range(n_layers):
        inputs.append(a)
        h = a @ params[2 * i].T + params[2 * i + 1]
        pre.append(h)
        a = np.maximum(h, 0) if i < n_layers - 1 else h
    loss, g = softmax_cross_entropy(a, t)
    grads = []
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            g = g * (pre[i] > 0)
        grads[:0] = [g.T @ inputs[i], g.sum(axis=0)]
        if i > 0:
            g = g @ params[2 * i]
    return loss, grads


def numpy_mlp(batch_size, sizes):
    params, x, t = setup(batch_size, sizes)

    def step():
        loss, grads = mlp_gradients(params, x, t)
        sgd_in_place(params, grads)
        return loss
    return step


def minigrad_mlp(batch_size, sizes):
    mg = load("minigrad")
    F = mg.functions
    arrays, x, t = setup(batch_size, sizes)
    params = [mg.Variable(p) for p in arrays]

    def step():
        loss = F.softmax_cross_entropy(mlp_forward(x, params, F.linear, F.relu), t)
        loss.backward()
        sgd_on_variables(params)
        return loss.data
    return step


def pytorch_mlp(batch_size, sizes):
    torch = load("pytorch")
    nnf = torch.nn.functional
    arrays, x, t = setup(batch_size, sizes)
    params = [torch.tensor(p, requires_grad=True) for p in arrays]
    x, t = torch.from_numpy(x), torch.from_numpy(t)

    def step():
        loss = nnf.cross_entropy(mlp_forward(x, params, nnf.linear, nnf.relu), t)
        loss.backward()
        sgd_on_tensors(torch, params)
        return loss.detach().numpy()
    return step


def dezero_mlp(batch_size, sizes):
    dezero = load("dezero")
    DF = dezero.functions
    arrays, x, t = setup(batch_size, sizes)
    # DeZero's linear computes x @ W + b: it stores W as (in, out).
    params = [dezero.Variable(p.T.copy() if p.ndim == 2 else p.copy()) for p in arrays]

    def step():
        loss = DF.softmax_cross_entropy(mlp_forward(x, params, DF.linear, DF.relu), t)
        loss.backward()
        sgd_on_variables(params)
        return loss.data
    return step


def autograd_mlp(batch_size, sizes):
    autograd = load("autograd")
    anp = autograd.numpy
    arrays, x, t = setup(batch_size, sizes)
    params = copies(arrays)
    linear, relu = autograd_linear(anp), autograd_relu(anp)
    return autograd_trainer(
        autograd, lambda ps: autograd_cross_entropy(mlp_forward(x, ps, linear, relu), t), params)


BUILDERS = {"numpy": numpy_mlp, "minigrad": minigrad_mlp, "pytorch": pytorch_mlp,
            "dezero": dezero_mlp, "autograd": autograd_mlp}
