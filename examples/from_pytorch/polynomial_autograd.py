"""PyTorch's "Learning PyTorch with Examples": Tensors and autograd.

A third-order polynomial fitted to sin(x) on [-pi, pi] by gradient descent,
the gradients from autograd and the update written by hand under
`no_grad()`, line for line as the tutorial writes it.
"""
import math

import numpy as np

import minigrad as mg
import minigrad.functions as F


def run(seed=0, steps=2000, init=None, verbose=False):
    """Fit the polynomial; returns the final loss (a float).

    `init` (a dict a, b, c, d -> numbers) replaces the random start, so that
    the same program in PyTorch can start from the same weights."""
    mg.manual_seed(seed)
    dtype = np.float32

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = F.sin(x)

    # Create random Tensors for weights.
    a = mg.randn((), dtype=dtype, requires_grad=True)
    b = mg.randn((), dtype=dtype, requires_grad=True)
    c = mg.randn((), dtype=dtype, requires_grad=True)
    d = mg.randn((), dtype=dtype, requires_grad=True)
    if init is not None:
        with mg.no_grad():
            for name, w in zip("abcd", (a, b, c, d)):
                w.copy_(init[name])

    learning_rate = 1e-6
    for t in range(steps):
        # Forward pass: compute predicted y using operations on Tensors.
        y_pred = a + b * x + c * x ** 2 + d * x ** 3

        # Compute and print loss using operations on Tensors.
        loss = (y_pred - y).pow(2).sum()
        if verbose and t % 100 == 99:
            print(t, loss.item())

        # Use autograd to compute the backward pass.
        loss.backward()

        # Manually update weights using gradient descent.
        with mg.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    if verbose:
        print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
