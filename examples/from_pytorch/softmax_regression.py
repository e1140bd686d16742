"""Dive into Deep Learning, "Implementation of Softmax Regression from
Scratch": softmax, cross-entropy as `- torch.log(y_hat[range(len(y_hat)),
y])`, accuracy, minibatch SGD and d2l's `train_epoch_ch3` written by hand;
then the "Concise Implementation" (`nn.Sequential(nn.Flatten(),
nn.Linear(...))`, `net.apply(init_weights)`, `nn.CrossEntropyLoss(
reduction='none')`, `torch.optim.SGD`) through the same training loop. On
scikit-learn's 8x8 digits in place of Fashion-MNIST (no download).
"""
import minigrad as torch
from minigrad import nn
from minigrad.utils import data
from sklearn.datasets import load_digits

batch_size = 256
num_inputs = 64
num_outputs = 10


def load_data_digits(batch_size, n_train=1500):
    X, y = load_digits(return_X_y=True)
    X = torch.tensor(X / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
    y = torch.tensor(y)
    train = data.TensorDataset(X[:n_train], y[:n_train])
    test = data.TensorDataset(X[n_train:], y[n_train:])
    return data.DataLoader(train, batch_size, shuffle=False), data.DataLoader(test, batch_size, shuffle=False)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def concise_net():
    net = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_outputs))

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net.apply(init_weights)
    return net


def initial_weights(seed=0):
    torch.manual_seed(seed)
    weights = {"W": torch.normal(0, 0.01, size=(num_inputs, num_outputs)).numpy(),
               "b": torch.zeros(num_outputs).numpy()}
    weights.update({"concise." + k: v.numpy() for k, v in concise_net().state_dict().items()})
    return weights


def run(init=None, num_epochs=5, verbose=False):
    init = initial_weights() if init is None else init
    train_iter, test_iter = load_data_digits(batch_size)

    W = torch.tensor(init["W"], requires_grad=True)
    b = torch.tensor(init["b"], requires_grad=True)

    def net(X):
        return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

    lr = 0.1

    def updater(batch_size):
        return sgd([W, b], lr, batch_size)

    for epoch in range(num_epochs):
        scratch_loss, train_acc = train_epoch_ch3(net, train_iter, cross_entropy, updater)
        if verbose:
            print(f"from scratch: epoch {epoch + 1}, loss {scratch_loss:f}, train acc {train_acc:f}")

    net = concise_net()
    net.load_state_dict({k[len("concise."):]: torch.tensor(v) for k, v in init.items() if k.startswith("concise.")})
    loss = nn.CrossEntropyLoss(reduction='none')
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    for epoch in range(num_epochs):
        concise_loss, train_acc = train_epoch_ch3(net, train_iter, loss, trainer)
        if verbose:
            print(f"concise: epoch {epoch + 1}, loss {concise_loss:f}, train acc {train_acc:f}")
    return scratch_loss, concise_loss


if __name__ == "__main__":
    print("final losses:", run(verbose=True))
