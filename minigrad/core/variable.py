"""Variable: an ndarray that remembers the Function that produced it.

    x ──► [Function] ──► y        y.creator is the Function,
                                  Function.inputs holds x (strongly),
                                  Function.outputs holds y (weakly).

Following `creator` and `inputs` from an output walks the whole graph back
to its leaves; `backward()` does exactly that (see `backprop.py`).
"""
import numpy as np

from .operators import ops
from . import backprop


class Variable:
    """A node of the computation graph holding `data` (an ndarray).

    `grad` is a Variable (or None), so gradients can be differentiated again.
    `creator` is the Function that made this Variable, None for a leaf.
    `generation` is one more than the creator's, so backward can run
    functions from the outputs towards the inputs.
    `requires_grad` says whether gradients flow to it: True for Variables
    you make (leaves whose `.grad` backward fills) and for results of ops
    on them; False for constants (ndarrays and numbers mixed into ops) and
    for results computed under `no_grad()`. Ops whose inputs all have
    requires_grad False record no graph. Set it to False to freeze a leaf.
    """

    __slots__ = ("data", "name", "grad", "creator", "generation", "requires_grad", "__weakref__")
    # NumPy must hand `ndarray + Variable` to Variable.__radd__, not loop.
    __array_ufunc__ = None

    def __init__(self, data, name=None, requires_grad=True):
        if type(data) is not np.ndarray:
            if isinstance(data, Variable):
                data = data.data
            else:
                try:
                    data = np.asarray(data)
                except ValueError as e:  # ragged nested lists
                    raise TypeError(f"Variable: cannot make an array from {type(data).__name__}: {e}") from None
        if data.dtype.kind not in "biufc":
            raise TypeError(
                f"Variable: data of dtype {data.dtype} is not numeric; "
                "expected bool, integer, float or complex values")
        self.data = data
        self.name = name
        self.grad = None
        self.creator = None
        self.generation = 0
        self.requires_grad = requires_grad

    # -- array-like attributes ---------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def T(self):
        return ops.transpose(self)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Variable(", threshold=20)
        extra = f", dtype={self.data.dtype}"
        if self.name is not None:
            extra += f", name={self.name!r}"
        if self.creator is not None:
            extra += f", creator={type(self.creator).__name__}"
        return f"Variable({body}{extra})"

    def item(self):
        """The value of a one-element Variable as a Python number."""
        return self.data.item()

    # -- gradients -----------------------------------------------------------
    def cleargrad(self):
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self):
        """A new Variable sharing this data, cut off from the graph (it
        requires no gradient, as in PyTorch)."""
        return Variable(self.data, name=self.name, requires_grad=False)

    def backward(self, grad=None, retain_grad=False, create_graph=False):
        """Fill `.grad` of every leaf this Variable depends on with d(self)/d(leaf).

        `grad` seeds the output gradient (ones when None, which equals the
        backward of `self.sum()`). Leaf gradients accumulate across calls.
        `retain_grad=True` keeps `.grad` on intermediate Variables too.
        `create_graph=True` records the backward pass, so the gradients are
        differentiable again (second and higher derivatives).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this Variable does not require grad: it was computed from constants "
                "only, or under no_grad()")
        if grad is None:
            grad = Variable(np.ones_like(self.data))
        else:
            if not isinstance(grad, Variable):
                grad = Variable(grad)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward: grad has shape {grad.shape} but the output has shape "
                    f"{self.shape}; expected the same shape")
        backprop.backward([self], [grad], retain_grad=retain_grad, create_graph=create_graph)

    # -- shape and reduction methods (the ops live in minigrad.functions) ----
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return ops.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 0:
            axes = None
        elif len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return ops.transpose(self, axes)

    def sum(self, axis=None, keepdims=False):
        return ops.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return ops.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return ops.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return ops.min(self, axis, keepdims)

    def __getitem__(self, index):
        return ops.get_item(self, index)

    # -- arithmetic ----------------------------------------------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    # Comparisons are not differentiable: they return boolean ndarrays, handy
    # as masks for `where`. `==` keeps identity semantics so Variables can be
    # dictionary keys (the backward pass relies on it).
    def __lt__(self, other):
        return self.data < _data(other)

    def __le__(self, other):
        return self.data <= _data(other)

    def __gt__(self, other):
        return self.data > _data(other)

    def __ge__(self, other):
        return self.data >= _data(other)

    __hash__ = object.__hash__


def _data(x):
    return x.data if isinstance(x, Variable) else x


def as_array(x, dtype=None):
    """`x` as an ndarray (Variables give their data)."""
    if isinstance(x, Variable):
        return x.data
    return np.asarray(x, dtype=dtype)


_new_object = object.__new__


def constant(data):
    """A Variable around an ndarray `data` that requires no gradient,
    skipping the checks of `Variable(...)`: for numbers and arrays mixed
    into ops, and for the results of ops (see Function.__call__)."""
    v = _new_object(Variable)
    v.data = data
    v.name = None
    v.grad = None
    v.creator = None
    v.generation = 0
    v.requires_grad = False
    return v
