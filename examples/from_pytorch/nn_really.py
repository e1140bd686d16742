"""The path of PyTorch's "What is torch.nn really?": logistic regression on
digits first from scratch (weights made with torch.randn and
`requires_grad_()`, log_softmax and the negative log-likelihood written by
hand, accuracy as `(preds == yb).float().mean()`, the update under
`torch.no_grad()` with `weights -= weights.grad * lr` and
`weights.grad.zero_()`), then refactored step by step: F.cross_entropy, an
nn.Module with nn.Parameters, optim.SGD, TensorDataset and DataLoader, and
a `fit` loop with a validation loss. On scikit-learn's 8x8 digits.
"""
import math

import numpy as np
import minigrad as torch
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits

bs = 64
lr = 0.5


def data():
    X, y = load_digits(return_X_y=True)
    x_train, y_train, x_valid, y_valid = map(
        torch.tensor, (X[:1200] / 16.0, y[:1200], X[1200:] / 16.0, y[1200:]))
    return x_train.float(), y_train, x_valid.float(), y_valid


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(64, 10) / math.sqrt(64))
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, xb):
        return xb @ self.weights + self.bias


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in Mnist_Logistic().state_dict().items()}


def from_scratch(init, x_train, y_train, epochs):
    weights = torch.tensor(init["weights"])
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)
    n = x_train.shape[0]
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = log_softmax(xb @ weights + bias)
            loss = nll(pred, yb)
            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    return loss.item(), accuracy(xb @ weights + bias, yb).item()


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl, verbose=False):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        if verbose:
            print(epoch, val_loss)
    return val_loss


def run(init=None, epochs=2, verbose=False):
    init = initial_weights() if init is None else init
    x_train, y_train, x_valid, y_valid = data()
    scratch_loss, scratch_accuracy = from_scratch(init, x_train, y_train, epochs)
    if verbose:
        print("from scratch:", scratch_loss, scratch_accuracy)
    model = Mnist_Logistic()
    model.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
    opt = optim.SGD(model.parameters(), lr=lr)
    train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=bs)
    valid_dl = DataLoader(TensorDataset(x_valid, y_valid), batch_size=bs * 2)
    return scratch_loss, fit(epochs, model, F.cross_entropy, opt, train_dl, valid_dl, verbose)


if __name__ == "__main__":
    print("final losses:", run(verbose=True))
