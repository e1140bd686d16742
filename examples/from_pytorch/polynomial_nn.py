"""PyTorch's "Learning PyTorch with Examples": the nn package.

The polynomial as `nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))` on the
features (x, x^2, x^3) made with `unsqueeze(-1).pow(p)`, an
`nn.MSELoss(reduction='sum')`, and the update written by hand over
`model.parameters()` under `torch.no_grad()`.
"""
import math

import minigrad as torch


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in make_model().state_dict().items()}


def run(init=None, steps=2000, verbose=False):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    model = make_model()
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    loss_fn = torch.nn.MSELoss(reduction='sum')

    learning_rate = 1e-6
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad

    linear_layer = model[0]
    if verbose:
        print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
              f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
