"""PyTorch's "Learning PyTorch with Examples": the optim package.

The same model and loss as the nn version, updated by `torch.optim.RMSprop`
(`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`).
"""
import math

import minigrad as torch


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in make_model().state_dict().items()}


def run(init=None, steps=300, verbose=False):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    model = make_model()
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    loss_fn = torch.nn.MSELoss(reduction='sum')

    learning_rate = 1e-3
    optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
