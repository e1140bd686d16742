"""PyTorch's "Learning PyTorch with Examples": a new autograd Function.

y = a + b * P3(c + d * x), with the Legendre polynomial P3 written as a
`torch.autograd.Function` whose static forward saves its input with
`ctx.save_for_backward` and whose backward reads it from
`ctx.saved_tensors`; called through `LegendrePolynomial3.apply`.
"""
import math

import minigrad as torch


class LegendrePolynomial3(torch.autograd.Function):

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def initial_weights(seed=0):
    return {"a": torch.full((), 0.0).numpy(), "b": torch.full((), -1.0).numpy(),
            "c": torch.full((), 0.0).numpy(), "d": torch.full((), 0.3).numpy()}


def run(init=None, steps=2000, verbose=False):
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    init = initial_weights() if init is None else init
    a, b, c, d = (torch.tensor(init[name], dtype=dtype, requires_grad=True) for name in "abcd")

    learning_rate = 5e-6
    for t in range(steps):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
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
        print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
