"""Gradient-descent loops over nested parameters, with HIPS autograd's
signatures (`autograd.misc.optimizers`).

Each takes `grad(x, i)`, the gradient at parameters `x` in iteration `i`
(`x` has the structure of `x0`: an array, or lists, tuples and dicts of
arrays), calls `callback(x, i, g)` before each step when given, and returns
the parameters after `num_iters` steps, in `x0`'s structure. The updates
run on one flat vector (`misc.flatten`); plain NumPy, no graph recorded.
"""
import numpy as np

from .flatten import flatten


def _on_flat_vector(step_rule):
    """The loop of every optimiser: flatten x0, call grad and callback with
    the structure, apply `step_rule(state, x, g, i)` to the flat vectors."""
    def optimize(grad, x0, callback=None, num_iters=100, **settings):
        x, unflatten = flatten(x0)
        state = {}
        for i in range(num_iters):
            g = flatten(grad(unflatten(x), i))[0]
            if callback:
                callback(unflatten(x), i, unflatten(g))
            x = step_rule(state, x, g, i, **settings)
        return unflatten(x)
    return optimize


def _momentum_step(state, x, g, i, step_size, mass):
    velocity = mass * state.get("velocity", np.zeros_like(x)) - (1.0 - mass) * g
    state["velocity"] = velocity
    return x + step_size * velocity


def _rmsprop_step(state, x, g, i, step_size, gamma, eps):
    mean_square = gamma * state.get("mean_square", np.ones_like(x)) + (1 - gamma) * g ** 2
    state["mean_square"] = mean_square
    return x - step_size * g / (np.sqrt(mean_square) + eps)


def _adam_step(state, x, g, i, step_size, b1, b2, eps):
    m = b1 * state.get("m", np.zeros_like(x)) + (1 - b1) * g  # first moment
    v = b2 * state.get("v", np.zeros_like(x)) + (1 - b2) * g ** 2  # second moment
    state["m"], state["v"] = m, v
    m_hat = m / (1 - b1 ** (i + 1))  # bias corrections
    v_hat = v / (1 - b2 ** (i + 1))
    return x - step_size * m_hat / (np.sqrt(v_hat) + eps)


def sgd(grad, x0, callback=None, num_iters=200, step_size=0.1, mass=0.9):
    """Stochastic gradient descent with momentum: velocity <- mass * velocity
    - (1 - mass) * g; x <- x + step_size * velocity."""
    return _on_flat_vector(_momentum_step)(grad, x0, callback, num_iters, step_size=step_size, mass=mass)


def rmsprop(grad, x0, callback=None, num_iters=100, step_size=0.1, gamma=0.9, eps=1e-8):
    """RMSprop: a running mean of g**2 (starting at ones) divides the step."""
    return _on_flat_vector(_rmsprop_step)(grad, x0, callback, num_iters, step_size=step_size, gamma=gamma,
                                          eps=eps)


def adam(grad, x0, callback=None, num_iters=100, step_size=0.001, b1=0.9, b2=0.999, eps=1e-8):
    """Adam (Kingma and Ba, 2015): bias-corrected running means of g and g**2."""
    return _on_flat_vector(_adam_step)(grad, x0, callback, num_iters, step_size=step_size, b1=b1, b2=b2,
                                       eps=eps)
