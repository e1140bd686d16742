"""PyTorch's "Learning PyTorch with Examples": custom nn Modules, and
control flow with weight sharing.

`Polynomial3`: the polynomial as an `nn.Module` with four scalar
`nn.Parameter`s, trained by `optim.SGD` (`run`). `DynamicNet`: a fifth
parameter shared by the terms x^4 and x^5, which each forward pass uses
a random number of times (plain Python control flow, define-by-run), with
SGD and momentum (`run_dynamic`).
"""
import math
import random

import numpy as np

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim


class Polynomial3(nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate four parameters and assign them as
        member parameters.
        """
        super().__init__()
        self.a = nn.Parameter(mg.randn(()))
        self.b = nn.Parameter(mg.randn(()))
        self.c = nn.Parameter(mg.randn(()))
        self.d = nn.Parameter(mg.randn(()))

    def forward(self, x):
        """
        In the forward function we accept a Tensor of input data and we must return
        a Tensor of output data.
        """
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        """
        Just like any class in Python, you can also define custom method on PyTorch modules
        """
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


class DynamicNet(nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate five parameters and assign them as members.
        """
        super().__init__()
        self.a = nn.Parameter(mg.randn(()))
        self.b = nn.Parameter(mg.randn(()))
        self.c = nn.Parameter(mg.randn(()))
        self.d = nn.Parameter(mg.randn(()))
        self.e = nn.Parameter(mg.randn(()))

    def forward(self, x):
        """
        For the forward pass of the model, we randomly choose either 4, 5
        and reuse the e parameter to compute the contribution of these orders.

        Since each forward pass builds a dynamic computation graph, we can use normal
        Python control-flow operators like loops or conditional statements when
        defining the forward pass of the model.

        Here we also see that it is perfectly safe to reuse the same parameter many
        times when defining a computational graph.
        """
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return (f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + '
                f'{self.e.item()} x^4 ? + {self.e.item()} x^5 ?')


def run(seed=0, steps=2000, init=None, verbose=False):
    """Train Polynomial3; returns the final loss (a float). `init` (a
    state_dict a, b, c, d -> arrays) replaces the random start."""
    mg.manual_seed(seed)

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000)
    y = F.sin(x)

    # Construct our model by instantiating the class defined above
    model = Polynomial3()
    if init is not None:
        model.load_state_dict(init)

    # Construct our loss function and an Optimizer. The call to model.parameters()
    # in the SGD constructor will contain the learnable parameters (defined
    # with nn.Parameter) which are members of the model.
    criterion = nn.MSELoss(reduction='sum')
    optimizer = optim.SGD(model.parameters(), lr=1e-6)
    for t in range(steps):
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        if verbose and t % 100 == 99:
            print(t, loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    if verbose:
        print(f'Result: {model.string()}')
    return loss.item()


def run_dynamic(seed=0, steps=30000, init=None, verbose=False):
    """Train DynamicNet; returns the final loss (a float). `init` (a
    state_dict a ... e -> arrays) replaces the random start; Python's
    `random` (seeded with `seed`) picks the terms of each pass."""
    mg.manual_seed(seed)
    random.seed(seed)

    # Create Tensors to hold input and outputs.
    x = mg.linspace(-math.pi, math.pi, 2000)
    y = F.sin(x)

    # Construct our model by instantiating the class defined above
    model = DynamicNet()
    if init is not None:
        model.load_state_dict(init)

    # Construct our loss function and an Optimizer. Training this strange model with
    # vanilla stochastic gradient descent is tough, so we use momentum
    criterion = nn.MSELoss(reduction='sum')
    optimizer = optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range(steps):
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        if verbose and t % 2000 == 1999:
            print(t, loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    if verbose:
        print(f'Result: {model.string()}')
    return loss.item()


if __name__ == "__main__":
    print(f"final loss, Polynomial3: {run(verbose=True):.6g}")
    print(f"final loss, DynamicNet: {run_dynamic(verbose=True):.6g}")
