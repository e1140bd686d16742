"""HIPS autograd's function transforms, over NumPy code.

    grad(f, argnum=0)(*args)          df/dx of a scalar-valued f, shaped as x
    elementwise_grad(f, argnum=0)     the gradient of sum(f(x)): for an f acting
                                      elementwise, its derivative at each entry
    value_and_grad(f, argnum=0)       (f(*args), grad(f)(*args)) from one pass
    jacobian(f, argnum=0)             shape f(x).shape + x.shape
    hessian(f, argnum=0)              jacobian(jacobian(f))

x is args[argnum]. f is written with `import numpy as np`: the transform
calls it with x made of fresh Variables, NumPy hands the np.* calls on them
to minigrad's ops (core/numpy_protocol.py), and one backward pass gives the
gradient. Where f returns something that is not a Variable, the transform
raises (autograd warns and answers zero): a float() or np.asarray inside f
looks the same, and zero would be a wrong answer. x may be a number, an array, or lists, tuples and dicts of them
(the gradient has x's structure); a tuple `argnum` differentiates several
arguments and gives a tuple.

At the top level the results are NumPy values, as autograd's. Called inside
another transform (f of the outer one received Variables), they are
Variables recorded with `create_graph=True`, so the outer transform
differentiates through them: `elementwise_grad(elementwise_grad(np.tanh))`
is tanh''. Each transform differentiates with respect to its own copy of
x, so an inner transform never mistakes its variable for an outer one's.

`grad` is also PyTorch's door: `grad(outputs, inputs, ...)` given Variables
is `torch.autograd.grad`, i.e. `minigrad.grad`.
"""
import threading
from contextlib import contextmanager

import numpy as np

from .. import functions as F
from ..core import Variable, autodiff, enable_grad
from . import tree

_depth = threading.local()  # how many transforms are running f in this thread


@contextmanager
def _running():
    _depth.n = getattr(_depth, "n", 0) + 1
    try:
        with enable_grad():
            yield
    finally:
        _depth.n -= 1


def _start(name, x):
    """A fresh Variable for one leaf of x: the variable this transform differentiates by."""
    data = x.data if isinstance(x, Variable) else np.asarray(x)
    if data.dtype.kind != "f":
        raise TypeError(
            f"{name}: can't differentiate with respect to {_describe(x)} of dtype {data.dtype}; "
            "pass a float (2.0, not 2) or a float array (x.astype(float))")
    if isinstance(x, Variable) and x.requires_grad:
        return x.clone()  # its own node, linked to the outer graph: gradients to it are this transform's only
    return Variable(data)


def _describe(value):
    """`int 2`, `ndarray of shape (3, 4)`, `tuple of 2 items`: a value named
    briefly for a message (never converted: it may hold Variables)."""
    if isinstance(value, (list, tuple, dict)):
        return f"{type(value).__name__} of {len(value)} items"
    if getattr(value, "shape", ()) != ():
        return f"{type(value).__name__} of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"


class _Trace:
    """One call of f, with args[argnum] made of fresh Variables: its output,
    and vector-Jacobian products of that output with respect to them."""

    def __init__(self, name, fun, argnum, args, kwargs):
        if not callable(fun):
            raise TypeError(f"{name}: expected a function to differentiate, got {type(fun).__name__}")
        self.name = name
        nums = argnum if isinstance(argnum, tuple) else (argnum,)
        args = list(args)
        for i in nums:
            if not -len(args) <= i < len(args):
                raise TypeError(f"{name}: argnum {i}, but the function was called with "
                                f"{len(args)} positional argument(s)")
        # Results stay Variables inside another transform, or when given Variables.
        self.nested = getattr(_depth, "n", 0) > 0 or any(
            isinstance(leaf, Variable) for leaf in tree.leaves([args, kwargs]))
        self.x = args[argnum] if not isinstance(argnum, tuple) else tuple(args[i] for i in nums)
        self.starts = [_start(name, leaf) for leaf in tree.leaves(self.x)]
        started = tree.rebuild(self.x, self.starts)
        for i, value in (zip(nums, started) if isinstance(argnum, tuple) else [(argnum, started)]):
            args[i] = value
        with _running():
            self.out = fun(*args, **kwargs)
        if not isinstance(self.out, Variable):
            # HIPS autograd warns and answers zero here; but a float(), .item() or
            # np.asarray inside f gives the same picture, and zero would be wrong.
            raise TypeError(
                f"{name}: f returned {_describe(self.out)}, not a Variable, so no gradient can be followed "
                "back to x. Compute f's result from x with NumPy functions (np.*) and operators; a "
                "conversion inside f (float(), .item(), .data, np.asarray, np.array of a list) drops the "
                "gradient. If f does not depend on x, its gradient is zero: np.zeros_like(x)")

    def value(self):
        """f's output: a Variable when nested, else its array (a 0-d one as a NumPy scalar)."""
        if self.nested:
            return self.out
        return self.out.data[()] if self.out.ndim == 0 else self.out.data

    def vjp(self, seed):
        """The gradient of sum(seed * f) with respect to x, in x's structure (zeros
        where f does not depend on x, as autograd's and torch.func's)."""
        with _running():
            gs = autodiff.grad([self.out], self.starts, [seed], create_graph=self.nested)
        gs = [self._result(g, start) for g, start in zip(gs, self.starts)]
        if not isinstance(self.x, (list, tuple, dict)) and not self.nested and gs[0].ndim == 0:
            return gs[0][()]  # autograd's: a scalar for a scalar
        return tree.rebuild(self.x, gs)

    def _result(self, g, start):
        if g is None:
            g = np.zeros(start.shape, dtype=start.dtype)
            return Variable(g) if self.nested else g
        return g if self.nested else g.data

    def ones(self):
        return np.ones(self.out.shape, dtype=self.seed_dtype())

    def seed_dtype(self):
        return self.out.dtype if self.out.dtype.kind == "f" else np.float64

    def scalar_output(self, hint):
        """Check that f returned one real number (autograd's condition for grad)."""
        if self.out.size != 1:
            raise TypeError(f"{self.name}: f must return a single number, but it returned shape "
                            f"{self.out.shape}; {hint}")


_SCALAR_HINT = "for an array-valued f use elementwise_grad (the gradient of its sum) or jacobian"


def _transform_grad(fun, argnum=0):
    """HIPS autograd's grad: see the module docstring."""
    def gradfun(*args, **kwargs):
        trace = _Trace("grad", fun, argnum, args, kwargs)
        trace.scalar_output(_SCALAR_HINT)
        return trace.vjp(trace.ones())
    return gradfun


def grad(*args, **kwargs):
    """Two doors, told apart by the first argument:

    `grad(f, argnum=0)`, f a function: HIPS autograd's transform; returns a
    function giving df/dx for x = args[argnum], shaped as x.
    `grad(outputs, inputs, grad_outputs=None, create_graph=False, ...)`,
    given Variables: PyTorch's `torch.autograd.grad`, i.e. `minigrad.grad`.
    """
    first = args[0] if args else kwargs.get("fun", kwargs.get("outputs"))
    if callable(first) and not isinstance(first, Variable):
        return _transform_grad(*args, **kwargs)
    if isinstance(first, (Variable, list, tuple)):
        return autodiff.grad(*args, **kwargs)
    raise TypeError(
        f"minigrad.autograd.grad: expected a function, as in autograd's grad(f)(x), or Variables, as in "
        f"PyTorch's grad(outputs, inputs); got {type(first).__name__}")


def elementwise_grad(fun, argnum=0):
    """The gradient of sum(f(x)) with respect to x: for an f acting
    elementwise (np.tanh), its derivative at each entry, shaped as x."""
    def gradfun(*args, **kwargs):
        trace = _Trace("elementwise_grad", fun, argnum, args, kwargs)
        return trace.vjp(trace.ones())
    return gradfun


def value_and_grad(fun, argnum=0):
    """A function giving (f(*args), df/dx) from one forward and one backward pass."""
    def gradfun(*args, **kwargs):
        trace = _Trace("value_and_grad", fun, argnum, args, kwargs)
        trace.scalar_output(_SCALAR_HINT)
        return trace.value(), trace.vjp(trace.ones())
    return gradfun


def jacobian(fun, argnum=0):
    """A function giving the Jacobian of f at x, shape f(x).shape + x.shape:
    one backward pass per entry of f(x), seeded with a one-hot array."""
    return _jacobian(fun, argnum, "jacobian")


def hessian(fun, argnum=0):
    """A function giving the Hessian of f at x, shape f(x).shape + x.shape +
    x.shape: the Jacobian of the Jacobian, by double backprop."""
    return _jacobian(_jacobian(fun, argnum, "hessian"), argnum, "hessian")


def _jacobian(fun, argnum, name):
    def jacfun(*args, **kwargs):
        trace = _Trace(name, fun, argnum, args, kwargs)
        if isinstance(trace.x, (list, tuple, dict)):
            raise TypeError(f"{name}: x must be a number or an array, got {type(trace.x).__name__}; "
                            "flatten a structure first (minigrad.autograd.misc.flatten)")
        out_shape, x_shape = trace.out.shape, trace.starts[0].shape
        dtype = trace.seed_dtype()
        rows = []
        for i in range(trace.out.size):
            seed = np.zeros(trace.out.size, dtype=dtype)  # a fresh one: a nested graph may keep it
            seed[i] = 1
            rows.append(trace.vjp(seed.reshape(out_shape)))
        if not rows:
            return np.zeros(out_shape + x_shape, dtype=dtype)
        if trace.nested:
            return F.stack(rows).reshape(out_shape + x_shape)
        return np.stack(rows).reshape(out_shape + x_shape)
    return jacfun
