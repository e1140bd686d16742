"""Gradients as values: `grad`, and Jacobians, Hessians and Hessian-vector
products built on it. None of these touch `.grad`."""
import numpy as np

from . import backprop
from .variable import Variable


def _as_list(xs, what=None):
    if isinstance(xs, Variable):
        return [xs]
    if what is not None and (isinstance(xs, (np.ndarray, np.generic, str)) or not hasattr(xs, "__iter__")):
        raise TypeError(f"grad: {what} must be a Variable or a list of Variables, got {type(xs).__name__}")
    return list(xs)


def grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None, allow_unused=True,
         only_inputs=True):
    """d(outputs)/d(inputs) as a list of Variables, one per input.

    `grad_outputs` seeds each output's gradient (ones when None; a list may
    hold None for an output). An input the outputs do not depend on gets
    None, or, with `allow_unused=False`, is an error. With
    `create_graph=True` the returned gradients are part of a graph and can
    be differentiated again. `retain_graph` is accepted for PyTorch's habit
    and changes nothing: the graph is always kept. So is `only_inputs`
    (deprecated in PyTorch, where only True remains): `.grad` is never touched.

    Examples
    --------
    The first and second derivative of x**3 at 3:

    >>> import numpy as np
    >>> import minigrad as mg
    >>> x = mg.Variable(np.array(3.0))
    >>> dx, = mg.grad(x ** 3, x, create_graph=True)
    >>> dx
    Variable(27., dtype=float64, creator=Mul)
    >>> mg.grad(dx, x)
    [Variable(18., dtype=float64)]
    """
    outputs = _as_list(outputs, "outputs")
    inputs = _as_list(inputs, "inputs")
    for what, xs in (("outputs", outputs), ("inputs", inputs)):
        for x in xs:
            if not isinstance(x, Variable):
                raise TypeError(f"grad: {what} must be Variables, got {type(x).__name__}")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = _as_list(grad_outputs) if not isinstance(grad_outputs, np.ndarray) else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    gxs = backprop.run("grad", outputs, grad_outputs, create_graph=create_graph, inputs=inputs)
    if not allow_unused:
        unused = [i for i, g in enumerate(gxs) if g is None]
        if unused:
            raise RuntimeError(
                f"grad: inputs {unused} are not used in computing the outputs; pass "
                "allow_unused=True to get None for them")
    return gxs


def _leaf(x):
    return Variable(np.array(x.data if isinstance(x, Variable) else x, copy=True))


def _jacobian_rows(y, x):
    """d y / d x as an ndarray of shape y.shape + x.shape: one backward pass
    per element of y, seeded with a one-hot gradient (the graph is reused)."""
    out = np.zeros(y.shape + x.shape, dtype=np.result_type(y.dtype, x.dtype))
    flat = out.reshape(y.size, *x.shape)
    seed = np.zeros(y.size, dtype=y.dtype)
    for i in range(y.size):
        seed[:] = 0
        seed[i] = 1
        (g,) = grad([y], [x], [seed.reshape(y.shape)])
        if g is not None:
            flat[i] = g.data
    return out


def _call(name, f, x):
    """f(x), checked to be a Variable: the name of the caller in the error."""
    if not callable(f):
        raise TypeError(f"{name}: f must be a function taking a Variable and returning a Variable, "
                        f"got {type(f).__name__} {f!r}")
    y = f(x)
    if not isinstance(y, Variable):
        raise TypeError(f"{name}: f must return a Variable (built from its argument with minigrad ops), "
                        f"got {type(y).__name__}")
    return y


def jacobian(f, x):
    """The Jacobian of `f` at `x` as an ndarray of shape f(x).shape + x.shape."""
    x = _leaf(x)
    return _jacobian_rows(_call("jacobian", f, x), x)


def _scalar_output(name, f, x):
    y = _call(name, f, x)
    if y.size != 1:
        raise ValueError(f"{name}: f must return a single value, got shape {y.shape}")
    return y


def hessian(f, x):
    """The Hessian of a scalar-valued `f` at `x`, shape x.shape + x.shape:
    the Jacobian of the gradient, by double backprop."""
    x = _leaf(x)
    (g,) = grad([_scalar_output("hessian", f, x)], [x], create_graph=True)
    if g is None:
        return np.zeros(x.shape + x.shape, dtype=x.dtype)
    return _jacobian_rows(g, x)


def hvp(f, x, v):
    """The Hessian of scalar `f` at `x` times `v`, without forming the
    Hessian: d/dx <df/dx, v> by double backprop. Returns an ndarray."""
    x = _leaf(x)
    v = np.asarray(v.data if isinstance(v, Variable) else v)
    if v.shape != x.shape:
        raise ValueError(f"hvp: v has shape {v.shape} but x has shape {x.shape}")
    (g,) = grad([_scalar_output("hvp", f, x)], [x], create_graph=True)
    if g is None:
        return np.zeros_like(x.data)
    (h,) = grad([(g * Variable(v.astype(g.dtype, copy=False))).sum()], [x])
    return np.zeros_like(x.data) if h is None else h.data
