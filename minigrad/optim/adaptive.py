"""Optimisers that scale each parameter's step by a running average of its
squared gradients: AdaGrad, RMSprop, AdaDelta, Adam and AdamW.

Each follows PyTorch's update rule (written in its docstring), state names
and defaults, so trajectories match `torch.optim` to rounding error.
Every product below is elementwise.
"""
import math

import numpy as np

from .optimizer import Optimizer, check_range, l2_gradient


class AdaGrad(Optimizer):
    """Adaptive gradient (Duchi et al., 2011), as `torch.optim.Adagrad`::

        g = grad + weight_decay * p
        t = t + 1;  lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                      (s starts at initial_accumulator_value)
        p = p - lr_t * g / (sqrt(s) + eps)

    Every product is elementwise; the arguments and defaults are PyTorch's.

    Parameters
    ----------
    params : iterable
        The Parameters to optimise, or a list of dicts (parameter groups) with their own settings.
    lr : float
        The learning rate.
    lr_decay : float
        The decay of the learning rate per step (`lr_t` above).
    weight_decay : float
        The L2 penalty added to the gradient (`g` above).
    initial_accumulator_value : float
        The starting value of the sum of squares `s`.
    eps : float
        Added to the denominator for numerical stability.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        check_range("AdaGrad", "lr_decay", group["lr_decay"], low=0.0)
        check_range("AdaGrad", "initial_accumulator_value", group["initial_accumulator_value"], low=0.0)

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        grad = l2_gradient(grad, param, group["weight_decay"])
        lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        param -= lr * grad / (np.sqrt(state["sum"]) + group["eps"])


class RMSprop(Optimizer):
    """Root-mean-square propagation (Hinton's lecture 6e), as `torch.optim.RMSprop`::

        g = grad + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        d = sqrt(v - m * m) + eps,  m = alpha * m + (1 - alpha) * g   (centered)
        d = sqrt(v) + eps                                             (otherwise)
        b = momentum * b + g / d;  p = p - lr * b     (momentum > 0)
        p = p - lr * g / d                            (otherwise)

    Every product is elementwise; the arguments and defaults are PyTorch's.

    Parameters
    ----------
    params : iterable
        The Parameters to optimise, or a list of dicts (parameter groups) with their own settings.
    lr : float
        The learning rate.
    alpha : float
        The smoothing constant of the running averages.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        The L2 penalty added to the gradient (`g` above).
    momentum : float
        The momentum factor (0: none).
    centered : bool
        Divide by the estimated variance (`v - m * m`) rather than the raw second moment.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        check_range("RMSprop", "alpha", group["alpha"], low=0.0)

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        grad = l2_gradient(grad, param, group["weight_decay"])
        alpha = group["alpha"]
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)
            denominator = np.sqrt(square_avg - grad_avg * grad_avg) + group["eps"]
        else:
            denominator = np.sqrt(square_avg) + group["eps"]
        if group["momentum"] > 0:
            buffer = state["momentum_buffer"]
            buffer *= group["momentum"]
            buffer += grad / denominator
            param -= group["lr"] * buffer
        else:
            param -= group["lr"] * grad / denominator


class AdaDelta(Optimizer):
    """AdaDelta (Zeiler, 2012), as `torch.optim.Adadelta`::

        g = grad + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    Every product is elementwise; the arguments and defaults are PyTorch's.

    Parameters
    ----------
    params : iterable
        The Parameters to optimise, or a list of dicts (parameter groups) with their own settings.
    lr : float
        The learning rate.
    rho : float
        The smoothing constant of the running averages `v` and `u`.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        The L2 penalty added to the gradient (`g` above).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        check_range("AdaDelta", "rho", group["rho"], low=0.0, high=1.0)

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            state["acc_delta"] = np.zeros_like(param)
        state["step"] += 1
        grad = l2_gradient(grad, param, group["weight_decay"])
        rho, eps = group["rho"], group["eps"]
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta


class Adam(Optimizer):
    """Adaptive moment estimation (Kingma & Ba, 2015), as `torch.optim.Adam`::

        g = grad + weight_decay * p         (L2: the decay goes through the moments)
        t = t + 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v);  v = v_max   (amsgrad only)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Every product is elementwise; the arguments and defaults are PyTorch's.

    Parameters
    ----------
    params : iterable
        The Parameters to optimise, or a list of dicts (parameter groups) with their own settings.
    lr : float
        The learning rate.
    betas : tuple of float
        (beta1, beta2): the smoothing constants of `m` and `v`.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        The L2 penalty added to the gradient (`g` above).
    amsgrad : bool
        Use the running maximum of `v` (AMSGrad).
    """

    #: AdamW's decay (p = p - lr * weight_decay * p, outside the moments) instead of L2 through g.
    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad))

    def check_hyperparameters(self, group):
        super().check_hyperparameters(group)
        if len(group["betas"]) != 2:
            raise ValueError(f"{self._name}: betas must be a pair (beta1, beta2), got {group['betas']!r}")
        for i, beta in enumerate(group["betas"]):
            check_range(self._name, f"beta{i + 1}", beta, low=0.0, high=1.0, high_open=True)

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        lr, weight_decay = group["lr"], group["weight_decay"]
        if self.decoupled_weight_decay:
            param *= 1 - lr * weight_decay
        else:
            grad = l2_gradient(grad, param, weight_decay)
        beta1, beta2 = group["betas"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            exp_avg_sq = state["max_exp_avg_sq"]
        step_size = lr / (1 - beta1 ** state["step"])
        denominator = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** state["step"]) + group["eps"]
        param -= step_size * exp_avg / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as
    `torch.optim.AdamW`: before the Adam step, `p = p * (1 - lr * weight_decay)`;
    the decay never enters the moments. Default weight_decay is 1e-2."""

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


# PyTorch's spellings.
Adagrad = AdaGrad
Adadelta = AdaDelta
