"""PyTorch's "Learning PyTorch with Examples": a custom nn Module.

`Polynomial3`, an nn.Module with four scalar nn.Parameters and a `string()`
method of its own, trained by `torch.optim.SGD` with `nn.MSELoss(reduction=
'sum')`.
"""
import math

import minigrad as torch


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {k: v.numpy() for k, v in Polynomial3().state_dict().items()}


def run(init=None, steps=2000, verbose=False):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = Polynomial3()
    model.load_state_dict({k: torch.tensor(v) for k, v in (initial_weights() if init is None else init).items()})
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(steps):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if verbose:
        print(f'Result: {model.string()}')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
