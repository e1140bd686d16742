"""PyTorch's "Learning PyTorch with Examples": defining new autograd functions.

y = a + b P3(c + d x), with P3 the Legendre polynomial of degree three
written as a custom autograd Function (PyTorch's `ctx` style: static
`forward(ctx, input)` and `backward(ctx, grad_output)`,
`ctx.save_for_backward`), fitted to sin(x) by hand-written gradient descent.
"""
import math

import numpy as np

import minigrad as mg
import minigrad.functions as F


class LegendrePolynomial3(mg.Function):
    """P3(x) = (5 x**3 - 3 x) / 2.   dP3/dx = 1.5 (5 x**2 - 1)"""

    @staticmethod
    def forward(ctx, input):
        """In the forward pass we receive the input and return the output;
        ctx keeps what the backward pass needs."""
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        """Given dL/d(output), return dL/d(input)."""
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def run(seed=0, steps=2000, init=None, verbose=False):
    """Fit the model; returns the final loss (a float). `init` (a dict
    a, b, c, d -> numbers) replaces the tutorial's fixed start."""
    dtype = np.float32

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = F.sin(x)

    # Create Tensors for weights. For this example, we need 4 weights:
    # y = a + b * P3(c + d * x); they start not too far from the answer.
    a = mg.full((), 0.0, dtype=dtype, requires_grad=True)
    b = mg.full((), -1.0, dtype=dtype, requires_grad=True)
    c = mg.full((), 0.0, dtype=dtype, requires_grad=True)
    d = mg.full((), 0.3, dtype=dtype, requires_grad=True)
    if init is not None:
        with mg.no_grad():
            for name, w in zip("abcd", (a, b, c, d)):
                w.copy_(init[name])

    learning_rate = 5e-6
    for t in range(steps):
        # To apply our Function, we use Function.apply method. We alias this as 'P3'.
        P3 = LegendrePolynomial3.apply

        # Forward pass: compute predicted y using operations; we compute
        # P3 using our custom autograd operation.
        y_pred = a + b * P3(c + d * x)

        # Compute and print loss
        loss = (y_pred - y).pow(2).sum()
        if verbose and t % 100 == 99:
            print(t, loss.item())

        # Use autograd to compute the backward pass.
        loss.backward()

        # Update weights using gradient descent
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
        print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
