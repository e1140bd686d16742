"""PyTorch's "Learning PyTorch with Examples": tensors and autograd.

A third-order polynomial fitted to sin(x) on [-pi, pi] by gradient descent:
autograd computes the gradients, the update is written by hand under
`torch.no_grad()`, and the gradients are cleared by setting them to None.
"""
import math

import minigrad as torch


def initial_weights(seed=0):
    torch.manual_seed(seed)
    return {name: torch.randn((), dtype=torch.float).numpy() for name in "abcd"}


def run(init=None, steps=2000, verbose=False):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    init = initial_weights() if init is None else init
    a, b, c, d = (torch.tensor(init[name], dtype=dtype, requires_grad=True) for name in "abcd")

    learning_rate = 1e-6
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if verbose and t % 100 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    if verbose:
        print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
