"""What the training workloads (W2, W3, W6) share: the same starting
weights and batch for every engine, and the pieces of NumPy by hand that
both the MLP and the CNN use (softmax cross entropy and its gradient)."""
import numpy as np

LEARNING_RATE = 0.01


def he_normal(rng, shape, fan_in):
    """Weights drawn from N(0, 2 / fan_in), float32."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def batch(rng, x_shape, classes):
    """A random float32 batch and integer labels."""
    x = rng.standard_normal(x_shape).astype(np.float32)
    t = rng.integers(0, classes, size=x_shape[0])
    return x, t


def softmax_cross_entropy(logits, t):
    """Mean cross entropy of softmax(logits) against labels t, and its
    gradient with respect to the logits: (softmax - one_hot) / N."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(total[:, 0]) - shifted[np.arange(n), t])
    g = e / total
    g[np.arange(n), t] -= 1
    g /= n
    return loss, g


def sgd_in_place(params, grads, lr=LEARNING_RATE):
    for p, g in zip(params, grads):
        p -= lr * g


def copies(arrays):
    return [a.copy() for a in arrays]


def mlp_forward(x, params, linear, relu):
    """The MLP's logits on any engine: params [W1, b1, W2, b2, ...] in the
    layout the engine's `linear(h, W, b)` expects, ReLU between layers."""
    h = x
    for i in range(0, len(params) - 2, 2):
        h = relu(linear(h, params[i], params[i + 1]))
    return linear(h, params[-2], params[-1])


def cnn_forward(x, params, conv, relu, pool, linear):
    """The CNN's logits on any engine: two (conv3x3 pad 1, ReLU, 2x2 max
    pool) blocks, then a linear layer on the flattened features."""
    W1, b1, W2, b2, W3, b3 = params
    h = pool(relu(conv(x, W1, b1)))
    h = pool(relu(conv(h, W2, b2)))
    return linear(h.reshape(h.shape[0], -1), W3, b3)


def sgd_on_variables(params, lr=LEARNING_RATE):
    """SGD on minigrad or DeZero Variables: update the data in place, then
    drop the gradient for the next step."""
    for p in params:
        p.data -= lr * p.grad.data
        p.cleargrad()


def sgd_on_tensors(torch, params, lr=LEARNING_RATE):
    """SGD on PyTorch tensors, as torch.optim.SGD does it: in place, then
    the gradient set to None."""
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=lr)
            p.grad = None


def autograd_linear(anp):
    return lambda h, W, b: anp.dot(h, W.T) + b


def autograd_relu(anp):
    return lambda h: anp.maximum(h, 0)


def autograd_cross_entropy(logits, t):
    from autograd.scipy.special import logsumexp
    return (logsumexp(logits, axis=1) - logits[np.arange(len(t)), t]).mean()


def autograd_trainer(autograd, loss_of, params):
    """A step for HIPS autograd: the loss and gradients of the pure
    function `loss_of(params)`, then SGD on the arrays in place."""
    value_and_grad = autograd.value_and_grad(loss_of)

    def step():
        loss, grads = value_and_grad(params)
        sgd_in_place(params, grads)
        return loss
    return step
