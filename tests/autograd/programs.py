"""Three programs in the spirit of HIPS autograd's examples (tanh.py,
neural_net.py, rnn.py), written for these tests. Each takes the library it
runs on as arguments, so the same text runs under HIPS autograd (`np` =
autograd.numpy) and under minigrad (`np` = numpy, transforms from
minigrad.autograd): the tests compare the two runs."""
import numpy


def tanh_derivatives(np, elementwise_grad):
    """tanh and its first four derivatives on a grid, each transform nested in the last."""
    def tanh(x):
        y = np.exp(-2.0 * x)
        return (1.0 - y) / (1.0 + y)

    x = np.linspace(-7, 7, 200)
    functions = [tanh]
    for _ in range(4):
        functions.append(elementwise_grad(functions[-1]))
    return [f(x) for f in functions]


def logsumexp(np, x):
    top = np.max(x, axis=1, keepdims=True)
    return top + np.log(np.sum(np.exp(x - top), axis=1, keepdims=True))


def blobs(n, rs):
    """Three noisy blobs in 4-D with one-hot labels."""
    labels = rs.randint(0, 3, n)
    centres = rs.randn(3, 4) * 2.0
    inputs = centres[labels] + rs.randn(n, 4)
    return inputs, numpy.eye(3)[labels]


def neural_net(np, grad, flatten, adam, num_iters=60):
    """A tanh MLP classifier, a Gaussian prior through `flatten`, trained
    by `adam` over a list of (W, b) tuples in minibatches. Returns the
    objective seen by the callback at each step and the trained weights."""
    rs = numpy.random.RandomState(0)
    inputs, targets = blobs(120, rs)
    sizes = [4, 8, 8, 3]
    params = [(0.1 * rs.randn(m, n), 0.1 * rs.randn(n)) for m, n in zip(sizes[:-1], sizes[1:])]

    def predict(params, x):
        for W, b in params:
            outputs = np.dot(x, W) + b
            x = np.tanh(outputs)
        return outputs - logsumexp(np, outputs)

    def log_posterior(params, x, t, l2):
        flat, _ = flatten(params)
        return -l2 * np.dot(flat, flat) + np.sum(predict(params, x) * t)

    batches = [slice(i, i + 40) for i in range(0, 120, 40)]

    def objective(params, i):
        batch = batches[i % len(batches)]
        return -log_posterior(params, inputs[batch], targets[batch], 0.01)

    seen = []
    trained = adam(grad(objective), params, step_size=0.05, num_iters=num_iters,
                   callback=lambda p, i, g: seen.append(objective(p, i)))
    return numpy.array(seen), trained


def rnn_inputs():
    """Four strings as one-hot characters, shape (time, batch, characters)."""
    text = ["abcabcab", "bcabcabc", "cabcabca", "aabbccaa"]
    chars = sorted(set("".join(text)))
    onehot = numpy.eye(len(chars))
    return numpy.stack([[onehot[chars.index(c)] for c in s] for s in text], axis=1)


def rnn(np, grad, adam, num_iters=30):
    """A one-layer tanh RNN reading one-hot characters and predicting the
    next, its parameters in a dict. Returns the log-likelihood per step and
    the trained parameters."""
    seqs = rnn_inputs()
    chars = seqs.shape[2]
    rs = numpy.random.RandomState(1)
    state = 6
    params = {"init hiddens": 0.1 * rs.randn(1, state),
              "change": 0.1 * rs.randn(chars + state + 1, state),
              "predict": 0.1 * rs.randn(state + 1, chars)}

    def affine(weights, *parts):
        with_bias = np.concatenate(parts + (numpy.ones((parts[0].shape[0], 1)),), axis=1)
        return np.dot(with_bias, weights)

    def predict(params, inputs):
        hiddens = np.repeat(params["init hiddens"], inputs.shape[1], axis=0)
        outputs = []
        for x in inputs:
            logits = affine(params["predict"], hiddens)
            outputs.append(logits - logsumexp(np, logits))
            hiddens = np.tanh(affine(params["change"], x, hiddens))
        return outputs

    def log_likelihood(params, inputs):
        logprobs = predict(params, inputs[:-1])
        total = 0.0
        for t in range(len(logprobs)):
            total = total + np.sum(logprobs[t] * inputs[t + 1])
        return total / ((inputs.shape[0] - 1) * inputs.shape[1])

    seen = []
    trained = adam(grad(lambda p, i: -log_likelihood(p, seqs)), params, step_size=0.1, num_iters=num_iters,
                   callback=lambda p, i, g: seen.append(log_likelihood(p, seqs)))
    return numpy.array(seen), trained
