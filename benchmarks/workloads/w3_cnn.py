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
    """The 3x3 patches of x (N, C, H, W), padded by 1, as columns:
    cols[n, (c, i, j), (p, q)] = xpad[n, c, p + i, q + j], shape
    (N, C*9, H*W); rows ordered as W.reshape(out, -1), so no transposes."""
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * 9, h * w)


def col2im_3x3(cols, x_shape):
    """The adjoint of im2col_3x3: adds each patch's gradient back onto the
    pixels it was copied from (9 shifted adds)."""
    n, c, h, w = x_shape
    cols = cols.reshape(n, c, 3, 3, h, w)
    padded = np.zeros((n, c, h + 2, w + 2), dtype=cols.dtype)
    for i in range(3):
        for j in range(3):
            padded[:, :, i:i + h, j:j + w] += cols[:, :, i, j]
    return padded[:, :, 1:-1, 1:-1]


def conv_forward(x, W, b):
    """y (N, O, H, W) = W * x + b, 3x3, pad 1, as one (batched) matrix
    product of W (O, C*9) with the columns (N, C*9, H*W)."""
    n, _, h, w = x.shape
    cols = im2col_3x3(x)
    y = W.reshape(W.shape[0], -1) @ cols + b[:, None]
    return y.reshape(n, -1, h, w), cols


def conv_backward(gy, cols, W, x_shape, need_gx):
    """gW = sum_n gy_n cols_n^T, gb = sum of gy per channel,
    gx = col2im(W^T gy)."""
    g = gy.reshape(gy.shape[0], gy.shape[1], -1)
    W2 = W.reshape(W.shape[0], -1)
    gW = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    gx = col2im_3x3(W2.T @ g, x_shape) if need_gx else None
    return gx, gW, g.sum(axis=(0, 2))


CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))


def pool_forward(x):
    """2x2 max pool: the maximum of the four corners of every window."""
    a, b, c, d = (x[:, :, i::2, j::2] for i, j in CORNERS)
    return np.maximum(np.maximum(a, b), np.maximum(c, d))


def pool_backward(gy, x, y):
    """Each window's gradient goes to the first cell holding its maximum
    (ties are possible after ReLU: windows of zeros)."""
    gx = np.zeros_like(x)
    taken = np.zeros(y.shape, dtype=bool)
    for i, j in CORNERS:
        hit = (x[:, :, i::2, j::2] == y) & ~taken
        gx[:, :, i::2, j::2] = gy * hit
        taken |= hit
    return gx


def cnn_gradients(params, x, t):
    """By hand: the loss and d loss / d params of the CNN, layer by layer
    back from the loss (the input image needs no gradient)."""
    W1, b1, W2, b2, W3, b3 = params
    h1, cols1 = conv_forward(x, W1, b1)
    a1 = np.maximum(h1, 0)
    p1 = pool_forward(a1)
    h2, cols2 = conv_forward(p1, W2, b2)
    a2 = np.maximum(h2, 0)
    p2 = pool_forward(a2)
    flat = p2.reshape(len(x), -1)
    loss, g = softmax_cross_entropy(flat @ W3.T + b3, t)

    gW3, gb3 = g.T @ flat, g.sum(axis=0)
    g = pool_backward((g @ W3).reshape(p2.shape), a2, p2) * (h2 > 0)
    g, gW2, gb2 = conv_backward(g, cols2, W2, p1.shape, need_gx=True)
    g = pool_backward(g, a1, p1) * (h1 > 0)
    _, gW1, gb1 = conv_backward(g, cols1, W1, x.shape, need_gx=False)
    return loss, [gW1, gb1, gW2, gb2, gW3, gb3]


def numpy_cnn(batch_size, side):
    params, x, t = setup(batch_size, side)

    def step():
        loss, grads = cnn_gradients(params, x, t)
        sgd_in_place(params, grads)
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
        logits = cnn_forward(x, params, conv, F.relu, pool, F.linear)
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
