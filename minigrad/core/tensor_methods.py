"""Variable's methods that are just ops, as one table, and the few that are not.

`x.exp()`, `x.clamp(0, 1)`, `x.view(2, -1)`, `x.sum(dim=1)` ... each is the
function of `minigrad.functions` named in `_METHODS`, looked up by name when
called (ops arrive through `core/operators.py`, so an op added to
`minigrad.functions` later needs no edit here; a method whose op is missing
says so). The `F` functions accept PyTorch's `dim=`/`keepdim=`, so the
methods do too. Methods whose arguments differ from their op's (`view(*shape)`,
`permute(*axes)`, `expand(*shape)`, `flatten()` starting at axis 0, `clamp`
with PyTorch's `min=`/`max=`) are written out below, then the ones that are
not ops: `numel dim astype float double requires_grad_ retain_grad
register_hook`, the properties `grad_fn` (creator) and `is_leaf`, and the
in-place `zero_ fill_ copy_` (core/inplace.py).
"""
import numpy as np

from . import backend
from .function import Function
from .operators import ops
from .creation import as_dtype
from .variable import Variable, shape_args

# method name -> name of the op in minigrad.functions that computes x.method(*args, **kwargs)
_METHODS = {
    "exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "abs", "sin": "sin", "cos": "cos",
    "tanh": "tanh", "sigmoid": "sigmoid", "relu": "relu", "softmax": "softmax",
    "log_softmax": "log_softmax", "pow": "pow",
    "sum": "sum", "mean": "mean", "max": "max", "min": "min", "var": "var", "std": "std",
    "norm": "norm", "argmax": "argmax", "argmin": "argmin", "cumsum": "cumsum", "prod": "prod",
    "logsumexp": "logsumexp",
    "squeeze": "squeeze", "expand_dims": "expand_dims", "unsqueeze": "expand_dims",
    "swapaxes": "swapaxes", "masked_fill": "masked_fill", "gather": "gather",
    "broadcast_to": "broadcast_to",
}


def op(name):
    """The op `name` of minigrad.functions, or a clear error if it has none."""
    fn = getattr(ops, name, None)
    if fn is None:
        raise NotImplementedError(f"minigrad.functions has no op {name!r} (is it merged yet?)")
    return fn


def _forward_to(method, op_name):
    def method_fn(self, *args, **kwargs):
        return op(op_name)(self, *args, **kwargs)

    method_fn.__name__ = method
    method_fn.__qualname__ = f"Variable.{method}"
    method_fn.__doc__ = f"x.{method}(...) is minigrad.functions.{op_name}(x, ...)."
    return method_fn


for _method, _op_name in _METHODS.items():
    setattr(Variable, _method, _forward_to(_method, _op_name))


def view(self, *shape):
    """x reshaped (PyTorch's name for reshape): x.view(2, -1) or x.view((2, -1))."""
    return op("reshape")(self, shape_args(shape))


def permute(self, *axes):
    """x with its axes in the order `axes`: x.permute(2, 0, 1) or x.permute((2, 0, 1))."""
    return op("permute")(self, shape_args(axes))


def expand(self, *shape):
    """x broadcast to `shape` (PyTorch's expand; -1 keeps that axis's size)."""
    shape = shape_args(shape)
    lead = len(shape) - self.ndim
    if lead < 0:
        raise ValueError(f"expand: shape {shape} has fewer axes than the Variable's {self.shape}")
    shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    return op("broadcast_to")(self, shape)


def flatten(self, start_dim=0, end_dim=-1):
    """x with axes start_dim..end_dim merged; from axis 0 by default, as
    ndarray.flatten and Tensor.flatten (F.flatten starts at axis 1)."""
    return op("flatten")(self, start_dim, end_dim)


def clip(self, min=None, max=None):
    """x limited to [min, max] (either may be None): NumPy's clip and
    PyTorch's clamp (also with min=/max= keywords)."""
    return op("clip")(self, min, max)


def reshape_as(self, other):
    """x reshaped to other's shape."""
    return op("reshape")(self, other.shape)


def expand_as(self, other):
    """x broadcast to other's shape."""
    return op("broadcast_to")(self, other.shape)


def numel(self):
    """The number of elements (PyTorch's name for `size`)."""
    return self.data.size


def dim(self):
    """The number of axes (PyTorch's name for `ndim`)."""
    return self.data.ndim


@property
def grad_fn(self):
    """The Function that made this Variable, None for a leaf (PyTorch's
    name for `creator`)."""
    return self.creator


@property
def is_leaf(self):
    """Whether no recorded op made this Variable (PyTorch's habit: constants
    and Variables made by the user or under no_grad() are leaves)."""
    return self.creator is None


class AsType(Function):
    """y = x cast to `dtype`.   dy/dx = 1 (the gradient is cast back to x's dtype)"""

    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        return AsType(self.inputs[0].dtype)(gy)

    def settings(self):
        return {"dtype": str(self.dtype)}


def astype(self, dtype):
    """x cast to `dtype`, differentiably between float dtypes; a cast to an
    integer or bool dtype gives a Variable that requires no grad."""
    dtype = as_dtype("astype", dtype)
    if dtype.kind not in "fc":
        return Variable(self.data.astype(dtype), requires_grad=False)
    return AsType(dtype)(self)


class ToDevice(Function):
    """y = x copied to `device` ("cpu", "cuda" ...).   dy/dx = 1 (the
    gradient is copied back to x's device)"""

    __slots__ = ("device",)

    def __init__(self, device):
        self.device = device

    def forward(self, x):
        y = backend.to_device(x, self.device)
        return y.copy() if y is x else y

    def backward(self, gy):
        return ToDevice(self.inputs[0].device)(gy)

    def settings(self):
        return {"device": self.device}


def to(self, *args, dtype=None, device=None, copy=False):
    """x on another device and/or of another dtype, as PyTorch's:
    `x.to("cuda")`, `x.to(np.float32)`, `x.to("cuda", np.float32)`,
    `x.to(other)` (other's device and dtype). Differentiable: gradients go
    back to x's device and dtype. Returns x itself when nothing changes
    (unless copy=True)."""
    device, dtype = backend.to_arguments("to", args, device, dtype)
    y = self
    if device is not None:
        if copy or device is not backend.device_of(self.data):
            y = ToDevice(device.name)(y)
    if dtype is not None and dtype != y.dtype:
        y = astype(y, dtype)
    elif copy and y is self:
        y = ToDevice(y.device)(y)
    return y


def cuda(self):
    """`x.to("cuda")`: the data as a CuPy array on the GPU."""
    return to(self, "cuda")


def cpu(self):
    """`x.to("cpu")`: the data as a NumPy array on the host."""
    return to(self, "cpu")


def float_(self):
    """x as float32 (PyTorch's `.float()`)."""
    return astype(self, np.float32)


def double(self):
    """x as float64 (PyTorch's `.double()`)."""
    return astype(self, np.float64)


def long(self):
    """x as int64 (PyTorch's `.long()`, for class labels); requires no grad."""
    return astype(self, np.int64)


def requires_grad_(self, requires_grad=True):
    """Set whether this leaf requires grad (in place); returns x."""
    if not requires_grad and self.creator is not None:
        raise RuntimeError(
            "requires_grad_: this Variable was computed by an op; only a leaf's flag can be turned "
            "off. Use x.detach() for a value cut off from the graph")
    if requires_grad and self.data.dtype.kind not in "fc":
        raise RuntimeError(
            f"requires_grad_: only floating-point Variables can require grad; this one has dtype "
            f"{self.data.dtype} (cast it with x.astype(np.float32) or x.float())")
    self.requires_grad = bool(requires_grad)
    return self


class _Hooks:
    """The hooks of one Variable: functions run on its gradient, in order
    of registration, and whether a non-leaf keeps its `.grad`."""

    __slots__ = ("fns", "retain", "next_key")

    def __init__(self):
        self.fns = {}
        self.retain = False
        self.next_key = 0

    def run(self, y, gy, retain):
        for fn in list(self.fns.values()):
            new = fn(gy)
            if new is not None:
                if not isinstance(new, Variable):
                    new = Variable(np.asarray(new), requires_grad=False)
                if new.shape != gy.shape:
                    raise ValueError(
                        f"register_hook: the hook {getattr(fn, '__name__', fn)!r} returned a gradient "
                        f"of shape {new.shape} for a gradient of shape {gy.shape}; expected the same shape")
                gy = new
        if retain or self.retain:
            y.grad = gy if y.grad is None else y.grad + gy
        return gy


class RemovableHandle:
    """Returned by `register_hook`: `handle.remove()` unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def remove(self):
        self._hooks.fns.pop(self._key, None)


def _hooks_of(x):
    if x._hooks is None:
        x._hooks = _Hooks()
    return x._hooks


def register_hook(self, fn):
    """Run `fn(grad)` whenever this Variable's gradient is computed in a
    backward pass (for a leaf: its whole gradient of the pass, before it is
    added to `.grad`). A non-None return value replaces the gradient.
    Returns a handle whose `remove()` unregisters it."""
    if not self.requires_grad:
        raise RuntimeError("register_hook: this Variable does not require grad, so it never "
                           "receives a gradient")
    if not callable(fn):
        raise TypeError(f"register_hook: expected a function fn(grad), got {type(fn).__name__} {fn!r}")
    hooks = _hooks_of(self)
    key = hooks.next_key
    hooks.next_key += 1
    hooks.fns[key] = fn
    return RemovableHandle(hooks, key)


def retain_grad(self):
    """Keep this non-leaf's `.grad` on later backward calls (a leaf keeps
    it anyway)."""
    if self.creator is not None:
        _hooks_of(self).retain = True


for _fn in (to, cuda, cpu, view, permute, expand, reshape_as, expand_as, flatten, clip, numel, dim,
            astype, double, long, requires_grad_, register_hook, retain_grad):
    setattr(Variable, _fn.__name__, _fn)
Variable.grad_fn = grad_fn
Variable.is_leaf = is_leaf
Variable.clamp = clip
Variable.float = float_
