"""Check analytic gradients against numerical differentiation.

Central differences: df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).
A non-scalar output is reduced to a scalar by a fixed random weighting
L = sum(w * f(x)), so one backward pass gives the whole gradient.
Small inputs are compared element by element; inputs larger than
`max_elements` are compared along one random direction d instead:
<dL/dx, d> ~ (L(x + eps d) - L(x - eps d)) / (2 eps), two forward passes
whatever the size. Use float64: in float32, eps=1e-6 is below the noise.
"""
import warnings

import numpy as np

from .autodiff import grad
from .config import no_grad
from .variable import Variable


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def _arrays(inputs):
    return [np.array(x.data if isinstance(x, Variable) else x, dtype=None, copy=True) for x in inputs]


def _outputs(ys):
    return list(ys) if isinstance(ys, (list, tuple)) else [ys]


def _first_outputs(kind, f, xs):
    """f(*xs) as a list of outputs, with a clear error when f is not a
    function of Variables returning Variables."""
    if not callable(f):
        raise TypeError(f"{kind}: f must be a function taking Variables and returning a Variable, "
                        f"got {type(f).__name__} {f!r:.60}")
    ys = _outputs(f(*xs))
    for k, y in enumerate(ys):
        if y is not None and not isinstance(y, Variable):
            raise TypeError(f"{kind}: f must return a Variable (or a list or tuple of them) computed from its "
                            f"inputs with minigrad ops, got {type(y).__name__} for output {k}")
    return ys


def _weighted_value(f, arrays, weights):
    """L = sum_k sum(w_k * f(x)_k) as a float. (Not under no_grad: for
    gradgradcheck, f itself differentiates.)"""
    ys = _outputs(f(*[Variable(a) for a in arrays]))
    return sum(float(np.sum(w * y.data)) for w, y in zip(weights, ys) if y is not None)


def numerical_grad(f, *inputs, eps=1e-6):
    """Central-difference gradient of f(*inputs).sum() for each input, as a
    list of ndarrays shaped like the inputs."""
    arrays = _arrays(inputs)
    ys = _first_outputs("numerical_grad", f, [Variable(a) for a in arrays])
    weights = [np.ones_like(y.data) for y in ys]
    return [_numerical(f, arrays, weights, i, eps) for i in range(len(arrays))]


def _numerical(f, arrays, weights, i, eps):
    x = arrays[i]
    g = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writes go into arrays[i]
    gflat = g.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        plus = _weighted_value(f, arrays, weights)
        flat[k] = old - eps
        minus = _weighted_value(f, arrays, weights)
        flat[k] = old
        gflat[k] = (plus - minus) / (2 * eps)
    return g


def _check(kind, f, inputs, eps, atol, rtol, max_elements, seed):
    rng = np.random.default_rng(seed)
    arrays = _arrays(inputs)
    for i, a in enumerate(arrays):
        if a.dtype.kind not in "fc":   # a step of eps would round away: a silent pass
            raise TypeError(f"{kind}: input {i} has dtype {a.dtype} (shape {a.shape}); expected float64 "
                            "values to differentiate (pass integer data as a constant inside f)")
        if a.dtype != np.float64:
            warnings.warn(f"{kind}: input {i} is {a.dtype}; numerical gradients need float64", stacklevel=3)
    xs = [Variable(a.copy()) for a in arrays]
    ys = _first_outputs(kind, f, xs)
    weights = [rng.standard_normal(y.shape).astype(y.dtype) for y in ys]
    live = [(y, w) for y, w in zip(ys, weights) if y is not None]
    if live:
        analytic = grad([y for y, _ in live], xs, [Variable(w) for _, w in live])
    else:
        analytic = [None] * len(xs)
    for i, x in enumerate(arrays):
        if x.size == 0:
            continue
        a = np.zeros(x.shape) if analytic[i] is None else np.asarray(analytic[i].data, dtype=np.float64)
        if a.shape != x.shape:
            raise GradcheckError(f"{kind}: input {i}: gradient has shape {a.shape}, expected {x.shape}")
        if x.size <= max_elements:
            n = _numerical(f, arrays, weights, i, eps)
            bad = np.abs(a - n) - (atol + rtol * np.abs(n))
            worst = np.unravel_index(np.argmax(bad), x.shape)
            if not bad[worst] <= 0:  # also catches NaN
                raise GradcheckError(
                    f"{kind}: input {i}, element {tuple(int(k) for k in worst)}: "
                    f"numerical {float(n[worst])!r} vs analytic {float(a[worst])!r} "
                    f"(tolerance atol={atol}, rtol={rtol}; input shape {x.shape})")
        else:
            d = rng.standard_normal(x.shape)
            original = x.copy()
            x[...] = original + eps * d
            plus = _weighted_value(f, arrays, weights)
            x[...] = original - eps * d
            minus = _weighted_value(f, arrays, weights)
            x[...] = original
            n = (plus - minus) / (2 * eps)
            av = float(np.sum(a * d))
            if not abs(av - n) <= atol + rtol * abs(n):
                raise GradcheckError(
                    f"{kind}: input {i}, along a random direction (input shape {x.shape}): "
                    f"numerical {float(n)!r} vs analytic {av!r} (tolerance atol={atol}, rtol={rtol})")
    return True


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, max_elements=256, seed=0):
    """True if the backward of `f` matches numerical differentiation at
    `inputs`; otherwise raise GradcheckError naming the input, the worst
    element and both values. `f` takes Variables and returns a Variable
    (any shape) or a list of them."""
    return _check("gradcheck", f, inputs, eps, atol, rtol, max_elements, seed)


def gradgradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, max_elements=256, seed=0):
    """True if the second derivatives of `f` (the backward of its backward)
    match numerical differentiation of its first derivatives.

    Checks g(x) = d<f(x), w>/dx for a fixed random w with `gradcheck`:
    the analytic side is then double backprop (create_graph=True)."""
    arrays = _arrays(inputs)
    rng = np.random.default_rng(seed + 1)
    with no_grad():
        ys = _first_outputs("gradgradcheck", f, [Variable(a) for a in arrays])
    weights = [Variable(rng.standard_normal(y.shape).astype(y.dtype)) for y in ys]

    def first_derivatives(*xs):
        outs = _outputs(f(*xs))
        live = [(y, w) for y, w in zip(outs, weights) if y is not None]
        if not live:
            return [Variable(np.zeros_like(x.data)) for x in xs]
        gs = grad([y for y, _ in live], list(xs), [w for _, w in live], create_graph=True)
        return [Variable(np.zeros_like(x.data)) if g is None else g for x, g in zip(xs, gs)]

    return _check("gradgradcheck", first_derivatives, arrays, eps, atol, rtol, max_elements, seed)
