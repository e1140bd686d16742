"""PyTorch's 60-minute blitz, "Neural Networks": LeNet.

The network, one forward pass, a backward pass seeded with a random
gradient, an MSE loss against a random target, `loss.grad_fn`, the update
written by hand on `f.data`, then a few
steps of `optim.SGD`.
"""
import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def initial_weights(seed=0):
    """The network's weights, and the blitz's random input, seed gradient
    and target (under "data."), all drawn by this library's generator."""
    torch.manual_seed(seed)
    weights = {k: v.numpy() for k, v in Net().state_dict().items()}
    weights["data.input"] = torch.randn(1, 1, 32, 32).numpy()
    weights["data.grad"] = torch.randn(1, 10).numpy()
    weights["data.target"] = torch.randn(10).numpy()
    return weights


def run(init=None, steps=5, verbose=False):
    init = initial_weights() if init is None else init
    net = Net()
    net.load_state_dict({k: torch.tensor(v) for k, v in init.items() if not k.startswith("data.")})
    if verbose:
        print(net)
    params = list(net.parameters())
    if verbose:
        print(len(params))
        print(params[0].size())

    input = torch.tensor(init["data.input"])
    out = net(input)
    net.zero_grad()
    out.backward(torch.tensor(init["data.grad"]))

    output = net(input)
    target = torch.tensor(init["data.target"])
    target = target.view(1, -1)
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    if verbose:
        print(loss)
        print(loss.grad_fn)

    net.zero_grad()
    loss.backward()
    if verbose:
        print(net.conv1.bias.grad)

    learning_rate = 0.01
    for f in net.parameters():
        f.data -= f.grad.data * learning_rate

    optimizer = optim.SGD(net.parameters(), lr=0.01)
    for step in range(steps):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
