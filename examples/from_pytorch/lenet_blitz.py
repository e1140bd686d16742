"""PyTorch's 60-minute blitz, "Neural Networks": LeNet.

The blitz's network, one forward pass, a backward pass with a random
gradient, an MSE loss against a random target, the update written by hand
over `net.parameters()`, then a few steps of `optim.SGD`.
"""
import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        # kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # Max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # If the size is a square, you can specify with a single number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.flatten(x, 1)  # flatten all dimensions except the batch dimension
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def run(seed=0, steps=5, init=None, data=None, verbose=False):
    """The blitz, then `steps` SGD steps; returns the final loss (a float).

    `init` (a state_dict of arrays) replaces the random start; `data` (a
    dict with "input" (1, 1, 32, 32), "grad" (1, 10) and "target" (10,))
    replaces the random tensors, so that PyTorch can run on the same."""
    mg.manual_seed(seed)
    net = Net()
    if init is not None:
        net.load_state_dict(init)
    if verbose:
        print(net)

    params = list(net.parameters())
    if verbose:
        print(len(params))
        print(params[0].size())  # conv1's .weight

    input = mg.randn(1, 1, 32, 32)
    if data is not None:
        input = mg.tensor(data["input"])
    out = net(input)
    if verbose:
        print(out)

    # Zero the gradient buffers of all parameters and backprops with random gradients:
    net.zero_grad()
    out.backward(mg.randn(1, 10) if data is None else mg.tensor(data["grad"]))

    output = net(input)
    target = mg.randn(10)  # a dummy target, for example
    if data is not None:
        target = mg.tensor(data["target"])
    target = target.view(1, -1)  # make it the same shape as output
    criterion = nn.MSELoss()

    loss = criterion(output, target)
    if verbose:
        print(loss)
        print(loss.grad_fn)  # MSELoss
        print(loss.grad_fn.inputs[0].creator)  # the op that made its input

    net.zero_grad()     # zeroes the gradient buffers of all parameters
    if verbose:
        print('conv1.bias.grad before backward')
        print(net.conv1.bias.grad)
    loss.backward()
    if verbose:
        print('conv1.bias.grad after backward')
        print(net.conv1.bias.grad)

    # The simplest update rule used in practice is the Stochastic Gradient Descent (SGD):
    learning_rate = 0.01
    for f in net.parameters():
        f.data -= f.grad.data * learning_rate

    # create your optimizer
    optimizer = optim.SGD(net.parameters(), lr=0.01)

    # in your training loop:
    for step in range(steps):
        optimizer.zero_grad()   # zero the gradient buffers
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()    # Does the update
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
