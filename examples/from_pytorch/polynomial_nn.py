"""PyTorch's "Learning PyTorch with Examples": the nn package.

The third-order polynomial as `nn.Sequential(nn.Linear(3, 1),
nn.Flatten(0, 1))` on the features (x, x^2, x^3), an `nn.MSELoss(reduction=
"sum")`, and the update written by hand over `model.parameters()` under
`no_grad()`.
"""
import math

import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn


def run(seed=0, steps=2000, init=None, verbose=False):
    """Fit the model; returns the final loss (a float). `init` (a
    state_dict of arrays) replaces the random start of the Linear layer."""
    mg.manual_seed(seed)

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000)
    y = F.sin(x)

    # For this example, the output y is a linear function of (x, x^2, x^3), so
    # we can consider it as a linear layer neural network. Let's prepare the
    # tensor (x, x^2, x^3).
    p = mg.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # Use the nn package to define our model as a sequence of layers.
    model = nn.Sequential(
        nn.Linear(3, 1),
        nn.Flatten(0, 1)
    )
    if init is not None:
        model.load_state_dict(init)

    # The nn package also contains definitions of popular loss functions.
    loss_fn = nn.MSELoss(reduction='sum')

    learning_rate = 1e-6
    for t in range(steps):
        # Forward pass: compute predicted y by passing x to the model.
        y_pred = model(xx)

        # Compute and print loss.
        loss = loss_fn(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())

        # Zero the gradients before running the backward pass.
        model.zero_grad()

        # Backward pass: compute gradient of the loss with respect to all the
        # learnable parameters of the model.
        loss.backward()

        # Update the weights using gradient descent.
        with mg.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad

    # You can access the first layer of `model` like accessing the first item of a list
    linear_layer = model[0]
    if verbose:
        print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
              f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
