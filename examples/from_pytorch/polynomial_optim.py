"""PyTorch's "Learning PyTorch with Examples": the optim package.

The nn polynomial model trained by `optim.RMSprop(model.parameters(),
lr=1e-3)`: zero_grad, backward, step.
"""
import math

import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim


def run(seed=0, steps=2000, init=None, verbose=False):
    """Fit the model; returns the final loss (a float). `init` (a
    state_dict of arrays) replaces the random start of the Linear layer."""
    mg.manual_seed(seed)

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000)
    y = F.sin(x)

    # Prepare the input tensor (x, x^2, x^3).
    p = mg.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # Use the nn package to define our model and loss function.
    model = nn.Sequential(
        nn.Linear(3, 1),
        nn.Flatten(0, 1)
    )
    if init is not None:
        model.load_state_dict(init)
    loss_fn = nn.MSELoss(reduction='sum')

    # Use the optim package to define an Optimizer that will update the weights of
    # the model for us. Here we will use RMSprop.
    learning_rate = 1e-3
    optimizer = optim.RMSprop(model.parameters(), lr=learning_rate)
    for t in range(steps):
        # Forward pass: compute predicted y by passing x to the model.
        y_pred = model(xx)

        # Compute and print loss.
        loss = loss_fn(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())

        # Before the backward pass, zero all of the gradients of the variables
        # the optimizer will update (the learnable weights of the model).
        optimizer.zero_grad()

        # Backward pass: compute gradient of the loss with respect to model parameters
        loss.backward()

        # Calling the step function on an Optimizer makes an update to its parameters
        optimizer.step()

    linear_layer = model[0]
    if verbose:
        print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
              f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss: {run(verbose=True):.6g}")
