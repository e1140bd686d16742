"""Dive into Deep Learning, softmax regression: "Implementation of Softmax
Regression from Scratch" (`run`) and its "Concise Implementation"
(`run_concise`).

From scratch: softmax, cross-entropy, accuracy, minibatch SGD and the
training loop written by hand as d2l writes them. Concise: `nn.Sequential(
nn.Flatten(), nn.Linear(...))`, `net.apply(init_weights)`,
`nn.CrossEntropyLoss(reduction='none')` and `optim.SGD`, through the same
`train_epoch_ch3`. On the scikit-learn digits (8x8, so 64 inputs) in place
of Fashion-MNIST (no download).
"""
import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset, datasets


def load_data_digits(batch_size, n_train=1500):
    """The digits as d2l's `load_data_fashion_mnist` hands Fashion-MNIST out:
    a training and a test iterator of (X, y) minibatches (ndarrays, pixels
    in [0, 1]). In order, so that PyTorch can read the same batches."""
    X, y = datasets.digits()
    train = TensorDataset(X[:n_train], y[:n_train])
    test = TensorDataset(X[n_train:], y[n_train:])
    return DataLoader(train, batch_size, shuffle=False), DataLoader(test, batch_size, shuffle=False)


def softmax(X):
    X_exp = F.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


class Accumulator:
    """For accumulating sums over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


def cross_entropy(y_hat, y):
    return - F.log(y_hat[range(len(y_hat)), y])


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with mg.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch_ch3(net, train_iter, loss, updater):
    """Train a model for one epoch (d2l's chapter 3)."""
    # Set the model to training mode
    if isinstance(net, nn.Module):
        net.train()
    # Sum of training loss, sum of training accuracy, no. of examples
    metric = Accumulator(3)
    for X, y in train_iter:
        # Compute gradients and update parameters
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, optim.Optimizer):
            # Using PyTorch in-built optimizer & loss criterion
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            # Using custom built optimizer & loss criterion
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.size)
    # Return training loss and training accuracy
    return metric[0] / metric[2], metric[1] / metric[2]


def run(seed=0, num_epochs=10, init=None, verbose=False):
    """Train; returns the last epoch's mean training loss (a float). `init`
    (a dict W, b -> arrays) replaces the random start."""
    mg.manual_seed(seed)
    batch_size = 256
    train_iter, test_iter = load_data_digits(batch_size)

    num_inputs = 64
    num_outputs = 10

    W = mg.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
    b = mg.zeros(num_outputs, requires_grad=True)
    if init is not None:
        with mg.no_grad():
            W.copy_(init["W"])
            b.copy_(init["b"])

    def net(X):
        return softmax(F.matmul(X.reshape((-1, W.shape[0])), W) + b)

    lr = 0.1

    def updater(batch_size):
        return sgd([W, b], lr, batch_size)

    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, cross_entropy, updater)
        if verbose:
            print(f"epoch {epoch + 1}, loss {train_loss:f}, train acc {train_acc:f}")
    return train_loss


def run_concise(seed=0, num_epochs=10, init=None, verbose=False):
    """The concise implementation; returns the last epoch's mean training
    loss (a float). `init` (a state_dict of arrays) replaces the start."""
    mg.manual_seed(seed)
    batch_size = 256
    train_iter, test_iter = load_data_digits(batch_size)

    # PyTorch does not implicitly reshape the inputs. Thus we define the flatten
    # layer to reshape the inputs before the linear layer in our network
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net.apply(init_weights)
    if init is not None:
        net.load_state_dict(init)

    loss = nn.CrossEntropyLoss(reduction='none')
    trainer = optim.SGD(net.parameters(), lr=0.1)

    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, trainer)
        if verbose:
            print(f"epoch {epoch + 1}, loss {train_loss:f}, train acc {train_acc:f}")
    return train_loss


if __name__ == "__main__":
    print(f"final loss, from scratch: {run(verbose=True):.6g}")
    print(f"final loss, concise: {run_concise(verbose=True):.6g}")
