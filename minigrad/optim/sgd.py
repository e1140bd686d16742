"""Stochastic gradient descent, with momentum and Nesterov momentum."""
from .optimizer import Optimizer, l2_gradient


class SGD(Optimizer):
    """Gradient descent, the update rule of PyTorch's `torch.optim.SGD`::

        g = grad + weight_decay * p
        b = g                               (first step)
        b = momentum * b + (1 - dampening) * g   (later steps)
        g = g + momentum * b  if nesterov else  b    (when momentum > 0)
        p = p - lr * g

    Every product is elementwise; the arguments and defaults are PyTorch's.

    Parameters
    ----------
    params : iterable
        The Parameters to optimise, or a list of dicts (parameter groups) with their own settings.
    lr : float
        The learning rate.
    momentum : float
        The momentum factor (0: plain gradient descent).
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening 0).
    weight_decay : float
        The L2 penalty added to the gradient (`g` above).
    dampening : float
        The share of the gradient withheld from the momentum buffer.

    Examples
    --------
    One step on the loss p . p (its gradient is 2p):

    >>> import numpy as np
    >>> from minigrad import nn, optim
    >>> p = nn.Parameter(np.array([1.0, -2.0]))
    >>> opt = optim.SGD([p], lr=0.1)
    >>> (p * p).sum().backward()
    >>> opt.step()
    >>> p
    Parameter([ 0.8, -1.6], dtype=float64)
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov,
                                      weight_decay=weight_decay, dampening=dampening))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum="
                f"{group['momentum']} and dampening={group['dampening']}")

    def update(self, param, grad, state, group):
        grad = l2_gradient(grad, param, group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = grad.copy()
            else:
                buffer *= momentum
                buffer += (1 - group["dampening"]) * grad
            grad = grad + momentum * buffer if group["nesterov"] else buffer
        param -= group["lr"] * grad
