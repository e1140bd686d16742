"""A convolutional digit classifier trained the way pytorch/examples'
mnist/main.py trains one: two convolutions, max pooling, dropout, two
fully connected layers and log_softmax; Adadelta with a StepLR schedule;
`train` and `test` functions over DataLoaders, the test counting correct
predictions with `output.argmax(dim=1, keepdim=True)` and
`pred.eq(target.view_as(pred)).sum().item()`. On scikit-learn's 8x8 digits
(no download), with smaller layers to match.
"""
import argparse

import numpy as np
import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.optim.lr_scheduler import StepLR
from minigrad.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits


class Net(nn.Module):
    def __init__(self, dropout=(0.25, 0.5)):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(dropout[0])
        self.dropout2 = nn.Dropout(dropout[1])
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if args.verbose and batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))
    return loss.item()


def test(args, model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    if args.verbose:
        print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
            test_loss, correct, len(test_loader.dataset), 100. * correct / len(test_loader.dataset)))
    return test_loss, correct


def digits():
    X, y = load_digits(return_X_y=True)
    images = torch.tensor(X.reshape(-1, 1, 8, 8) / 16.0, dtype=torch.float32)
    return TensorDataset(images[:1200], torch.tensor(y[:1200])), TensorDataset(images[1200:], torch.tensor(y[1200:]))


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in Net().state_dict().items()}


def run(init=None, epochs=2, dropout=(0.25, 0.5), verbose=False):
    args = argparse.Namespace(batch_size=64, test_batch_size=500, epochs=epochs, lr=1.0, gamma=0.7,
                              log_interval=5, verbose=verbose)
    device = torch.device("cpu")
    train_set, test_set = digits()
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=False)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)
    model = Net(dropout).to(device)
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        loss = train(args, model, device, train_loader, optimizer, epoch)
        test_loss, correct = test(args, model, device, test_loader)
        scheduler.step()
    return test_loss


if __name__ == "__main__":
    print(f"final test loss: {run(verbose=True):.4f}")
