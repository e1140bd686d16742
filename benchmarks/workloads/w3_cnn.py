"""W3, CNN training step: batch 32 of 1x28x28, conv3x3(16, pad 1), ReLU,
maxpool 2, conv3x3(32, pad 1), ReLU, maxpool 2, linear 10, softmax cross
entropy, SGD (lr 0.01), float32. Milliseconds per step.

    x (32,1,28,28) -conv-> (32,16,28,28) -pool-> (32,16,14,14)
                   -conv-> (32,32,14,14) -pool-> (32,32,7,7) -linear-> (32,10)
"""
import numpy as np

from . import Case
from .nets import (autograd_cross_entropy, autograd_linear, autograd_relu, autograd_trainer, batch,
                   cnn_forward, copies, he_normal, sgd_in_place, sgd_on_tensors, sgd_on_variables,
                   softmax_cross_entropy)
from ..engines import load

ID = "W3"
TITLE = "CNN training step, batch 32, 1x28x28, conv16-pool-conv32-pool-linear10, float32"
RTOL = 1e-3
FULL = dict(batch_size=32, side=28)
QUICK = dict(batch_size=4, side=8)
CHANNELS = (1, 16, 32)
CLASSES = 10


def cases(quick):
    p = QUICK if quick else FULL
    return [Case(f"batch {p['batch_size']}, 1x{p['side']}x{p['side']}", p, "ms/step", 1e3)]


def setup(batch_size, side, seed=0):
    """[W1, b1, W2, b2, W3, b3] (conv weights (out, in, 3, 3), linear
    weight (10, features)) and the batch, identical for every engine."""
    rng = np.random.default_rng(seed)
    params = []
    for c_in, c_out in zip(CHANNELS[:-1], CHANNELS[1:]):
        params += [he_normal(rng, (c_out, c_in, 3, 3), c_in * 9), np.zeros(c_out, np.float32)]
    features = CHANNELS[-1] * (side // 4) ** 2
    params += [he_normal(rng, (CLASSES, features), features), np.zeros(CLASSES, np.float32)]
    x, t = batch(rng, (batch_size, CHANNELS[0], side, side), CLASSES)
    return params, x, t


# -- NumPy by hand -------------------------------------------------------------
def im2col_3x3(x):
    """Patches of x (N, C, H, W), padded by 1, as rows of (N*H*W, C*9),
    columns ordered (c, i, j) as W.reshape(out, -1)."""
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.empty((n, h, w, c, 3, 3), dtype=x.dtype)
    for i in range(3):
        for j in range(3):
            cols[..., i, j] = padded[:, :, i:i + h, j:j + w].transpose(0, 2, 3, 1)
    return cols.reshape(n * h * w, c * 9)


def col2im_3x3(cols, x_shape):
    """The adjoint of im2col_3x3: adds each patch's gradient back onto the
    pixels it was copied from."""
    n, c, h, w = x_shape
    cols = cols.reshape(n, h, w, c, 3, 3)
    padded = np.zeros((n, c, h + 2, w + 2), dtype=cols.dtype)
    for i in range(3):
        for j in range(3):
            padded[:, :, i:i + h, j:j + w] += cols[..., i, j].transpose(0, 3, 1, 2)
    return padded[:, :, 1:-1, 1:-1]


def conv_forward(x, W, b):
    """y (N, O, H, W) = W * x + b, 3x3, pad 1, as one matrix product."""
    n, _, h, w = x.shape
    cols = im2col_3x3(x)
    y = cols @ W.reshape(W.shape[0], -1).T + b
    return y.reshape(n, h, w, -1).transpose(0, 3, 1, 2), cols


def conv_backward(gy, cols, W, x_shape, need_gx):
    g = gy.transpose(0, 2, 3, 1).reshape(-1, W.shape[0])
    gW = (g.T @ cols).reshape(W.shape)
    gx = col2im_3x3(g @ W.reshape(W.shape[0], -1), x_shape) if need_gx else None
    return gx, gW, g.sum(axis=0)


def pool_forward(x):
    """2x2 max pool: the maximum of each window and which of its 4 cells."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    where = windows.argmax(axis=-1)
    return np.take_along_axis(windows, where[..., None], -1)[..., 0], where


def pool_backward(gy, where, x_shape):
    n, c, h, w = x_shape
    g = np.zeros(gy.shape + (4,), dtype=gy.dtype)
    np.put_along_axis(g, where[..., None], gy[..., None], -1)
    return g.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(x_shape)


def numpy_cnn(batch_size, side):
    params, x, t = setup(batch_size, side)
    W1, b1, W2, b2, W3, b3 = params

    def step():
        h1, cols1 = conv_forward(x, W1, b1)
        a1 = np.maximum(h1, 0)
        p1, where1 = pool_forward(a1)
        h2, cols2 = conv_forward(p1, W2, b2)
        a2 = np.maximum(h2, 0)
        p2, where2 = pool_forward(a2)
        flat = p2.reshape(batch_size, -1)
        loss, g = softmax_cross_entropy(flat @ W3.T + b3, t)

        gW3, gb3 = g.T @ flat, g.sum(axis=0)
        g = pool_backward((g @ W3).reshape(p2.shape), where2, a2.shape) * (h2 > 0)
        g, gW2, gb2 = conv_backward(g, cols2, W2, p1.shape, need_gx=True)
        g = pool_backward(g, where1, a1.shape) * (h1 > 0)
        _, gW1, gb1 = conv_backward(g, cols1, W1, x.shape, need_gx=False)
        sgd_in_place(params, [gW1, gb1, gW2, gb2, gW3, gb3])
        return loss
    return step


# -- the engines ---------------------------------------------------------------
def minigrad_cnn(batch_size, side):
    mg = load("minigrad")
    F = mg.functions
    arrays, x, t = setup(batch_size, side)
    params = [mg.Variable(p) for p in arrays]
    conv = lambda h, W, b: F.conv2d(h, W, b, pad=1)
    pool = lambda h: F.max_pool2d(h, 2)

    def step():
        logits = cnn_forward(mg.Variable(x), params, conv, F.relu, pool, F.linear)
        loss = F.softmax_cross_entropy(logits, t)
        loss.backward()
        sgd_on_variables(params)
        return loss.data
    return step


def pytorch_cnn(batch_size, side):
    torch = load("pytorch")
    nnf = torch.nn.functional
    arrays, x, t = setup(batch_size, side)
    params = [torch.tensor(p, requires_grad=True) for p in arrays]
    x, t = torch.from_numpy(x), torch.from_numpy(t)
    conv = lambda h, W, b: nnf.conv2d(h, W, b, padding=1)
    pool = lambda h: nnf.max_pool2d(h, 2)

    def step():
        loss = nnf.cross_entropy(cnn_forward(x, params, conv, nnf.relu, pool, nnf.linear), t)
        loss.backward()
        sgd_on_tensors(torch, params)
        return loss.detach().numpy()
    return step


def dezero_cnn(batch_size, side):
    dezero = load("dezero")
    DF = dezero.functions
    arrays, x, t = setup(batch_size, side)
    arrays[4] = arrays[4].T.copy()   # DeZero's linear computes x @ W + b: W is (in, out)
    params = [dezero.Variable(p) for p in arrays]
    conv = lambda h, W, b: DF.conv2d(h, W, b, pad=1)
    pool = lambda h: DF.pooling(h, 2, 2)

    def step():
        loss = DF.softmax_cross_entropy(cnn_forward(x, params, conv, DF.relu, pool, DF.linear), t)
        loss.backward()
        sgd_on_variables(params)
        return loss.data
    return step


def autograd_cnn(batch_size, side):
    """HIPS autograd has no conv or pool: they are written with its NumPy,
    the convolution as 9 shifted slices stacked and contracted with W."""
    autograd = load("autograd")
    anp = autograd.numpy
    arrays, x, t = setup(batch_size, side)

    def conv(x, W, b):
        n, c, h, w = x.shape
        padded = anp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="constant")
        patches = anp.stack([padded[:, :, i:i + h, j:j + w] for i in range(3) for j in range(3)], axis=2)
        y = anp.tensordot(patches, anp.reshape(W, (W.shape[0], c, 9)), axes=([1, 2], [1, 2]))
        return anp.transpose(y, (0, 3, 1, 2)) + anp.reshape(b, (1, -1, 1, 1))

    def pool(x):
        n, c, h, w = x.shape
        return anp.max(anp.reshape(x, (n, c, h // 2, 2, w // 2, 2)), axis=(3, 5))

    relu, linear = autograd_relu(anp), autograd_linear(anp)
    return autograd_trainer(
        autograd, lambda ps: autograd_cross_entropy(cnn_forward(x, ps, conv, relu, pool, linear), t),
        copies(arrays))


BUILDERS = {"numpy": numpy_cnn, "minigrad": minigrad_cnn, "pytorch": pytorch_cnn,
            "dezero": dezero_cnn, "autograd": autograd_cnn}
