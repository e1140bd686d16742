"""Module: a layer or a whole model, holding Parameters, buffers and
sub-Modules.

    model = Sequential(Linear(2, 8), ReLU(), Linear(8, 1))
    model.state_dict()   ->  {"0.weight": (8, 2) array, "0.bias": (8,),
                              "2.weight": (1, 8), "2.bias": (1,)}

Assigning a Parameter or a Module to an attribute registers it under the
attribute's name. Names nest with dots exactly as PyTorch's do, so a
state_dict exported from PyTorch loads into the same architecture built
here. Buffers are ndarrays that belong to the state without being learned
(BatchNorm's running_mean); `register_buffer` declares them.
"""
import itertools
import numbers
from collections import namedtuple
from types import MappingProxyType

import numpy as np

from ..device import backend
from ..core import RemovableHandle, Variable, versions
from ..core.variable import constant
from .parameter import Parameter, UninitializedParameter

LoadResult = namedtuple("LoadResult", ["missing_keys", "unexpected_keys"])

_hook_ids = itertools.count()


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of layers and models. Subclasses set Parameters and
    sub-Modules as attributes in `__init__` (after `super().__init__()`)
    and define `forward`; calling the module calls `forward`.

    `training` (True after construction) is switched by `train()` / `eval()`
    and changes what Dropout and BatchNorm do.

    A layer class that sets `casts_input = True` (Linear, Conv*, the RNN
    family, attention) has its first positional input passed through
    `cast_input` before `forward`: a constant float input is cast to the
    parameters' dtype, a float input that requires grad in another dtype is
    an error (see `cast_input`).
    """

    #: Whether a constant input is cast to the dtype of the module's weights.
    casts_input = False
    # Class-level empty defaults keep __call__ to one cheap test when no
    # hook is registered; registering gives the instance its own dict.
    _forward_hooks = _forward_pre_hooks = MappingProxyType({})

    def __init__(self):
        # Registries in insertion order; the attributes also live in __dict__
        # so reading `self.weight` is an ordinary, fast attribute lookup.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    # -- registration ---------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: cannot set {name!r} before Module.__init__ ran; "
                "call super().__init__() first in __init__")
        parameters, buffers, modules = self._parameters, self._buffers, self._modules
        if isinstance(value, Parameter):
            buffers.pop(name, None)
            modules.pop(name, None)
            parameters[name] = value
        elif isinstance(value, Module):
            parameters.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
        elif name in buffers:
            _check_buffer(self, name, value)
            buffers[name] = value
        else:
            parameters.pop(name, None)
            modules.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name, array):
        """Declare `array` (an ndarray, a Variable, or None for an absent
        buffer) as part of the module's state: it goes into `state_dict()`
        under `name` (as an array), is moved and cast by `to()` (a Variable
        in place, keeping its identity) and filled by `load_state_dict`, but
        is not a parameter (optimisers leave it alone):
        `self.register_buffer("mask", mg.tril(mg.ones((T, T))))`."""
        if name in self._parameters or name in self._modules:
            raise KeyError(f"{type(self).__name__}: {name!r} is already a parameter or a sub-module")
        _check_buffer(self, name, array)
        self._buffers[name] = array
        object.__setattr__(self, name, array)

    def add_module(self, name, module):
        """Register `module` as a child called `name` (which may be any
        string without a dot, such as Sequential's "0", "1", ...)."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.add_module: {name!r} is a "
                            f"{type(module).__name__}, expected a Module")
        check_child_name(self, name, self._modules)
        setattr(self, name, module)

    # -- running ----------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The module's computation on its inputs, as its class describes it;
        `module(*inputs)` calls it (with the hooks). Every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__}: forward is not defined")

    def __call__(self, *args, **kwargs):
        """`module(x)` runs `forward(x)` (and the forward hooks, if any)."""
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        if self.casts_input and args:
            args = (cast_input(self, args[0]),) + args[1:]
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        forward_args = args
        if self.casts_input and args:
            forward_args = (cast_input(self, args[0]),) + args[1:]
        output = self.forward(*forward_args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def register_forward_pre_hook(self, hook):
        """Call `hook(module, inputs)` before every forward; `inputs` is the
        tuple of positional arguments. A hook that returns something other
        than None replaces the inputs (a tuple, or one value for a single
        input). Returns a handle whose `remove()` unregisters the hook."""
        return self._add_hook("_forward_pre_hooks", hook)

    def register_forward_hook(self, hook):
        """Call `hook(module, inputs, output)` after every forward; a hook
        that returns something other than None replaces the output. Returns
        a handle whose `remove()` unregisters the hook."""
        return self._add_hook("_forward_hooks", hook)

    def _add_hook(self, registry_name, hook):
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}.register{registry_name[:-1]}: expected a callable, "
                            f"got {type(hook).__name__}")
        if registry_name not in self.__dict__:
            object.__setattr__(self, registry_name, {})
        registry = self.__dict__[registry_name]
        key = next(_hook_ids)
        registry[key] = hook
        return RemovableHandle(registry, key)

    def train(self, mode=True):
        """Set training mode on this module and every sub-module; returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Set inference mode (Dropout off, BatchNorm uses running statistics)."""
        return self.train(False)

    # -- walking the tree ---------------------------------------------------------
    def _tree(self, prefix=""):
        """(dotted prefix, module) for this module and every descendant,
        depth first, repeating a module shared under two names."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child._tree(_join(prefix, name))

    def named_modules(self, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module ("") and every descendant,
        each once (under every name with `remove_duplicate=False`)."""
        seen = set()
        for name, module in self._tree(prefix):
            if not remove_duplicate:
                yield name, module
            elif id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def modules(self):
        """This module and every descendant, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """(name, module) for the direct sub-modules."""
        yield from self._modules.items()

    def children(self):
        """The direct sub-modules."""
        yield from self._modules.values()

    def named_parameters(self, prefix=""):
        """(dotted name, Parameter) for every parameter, each once even when shared."""
        seen = set()
        for module_prefix, module in self._tree(prefix):
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield _join(module_prefix, name), p

    def parameters(self):
        """Every Parameter of this module and its descendants, each once."""
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix=""):
        """(dotted name, buffer) for every buffer that is not None (an
        ndarray or a Variable, as registered)."""
        for module_prefix, module in self._tree(prefix):
            for name, b in module._buffers.items():
                if b is not None:
                    yield _join(module_prefix, name), b

    def buffers(self):
        """Every buffer (ndarray or Variable) of this module and its descendants."""
        for _, b in self.named_buffers():
            yield b

    def apply(self, fn):
        """Call `fn(module)` on every sub-module and then on self; returns self."""
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}.apply: expected a function fn(module), got "
                            f"{type(fn).__name__} {fn!r}")
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear the gradient of every parameter: `grad` becomes None, or
        zeros of the parameter's shape with `set_to_none=False`."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.cleargrad()
            else:  # a fresh array: the old gradient may be shared with another parameter
                p.grad = Variable(np.zeros_like(p.grad.data), requires_grad=False)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` on every parameter (False freezes them: no
        gradient reaches them and optimisers skip them); returns self."""
        for p in self.parameters():
            p.requires_grad = bool(requires_grad)
        return self

    # -- dtype and device -------------------------------------------------------------
    def to(self, *args, dtype=None, device=None):
        """Move every parameter (and its gradient) and buffer to `device`
        ("cpu", "cuda") and/or cast the float ones to the float `dtype`, in
        place; returns self: `model.to("cuda")`, `model.to(np.float64)`,
        `model.to("cuda", np.float32)`. Integer buffers (num_batches_tracked)
        keep their dtype, as in PyTorch."""
        device, dtype = backend.to_arguments(f"{type(self).__name__}.to", args, device, dtype,
                                             expected="a floating dtype such as np.float32")
        if dtype is not None and dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: expected a floating dtype, got {dtype}")

        def move(a, cast):
            if device is not None:
                a = backend.to_device(a, device)
            if cast and dtype is not None:
                a = a.astype(dtype, copy=False)
            return a

        for p in self.parameters():
            p.data = move(p.data, True)
            if p.grad is not None:
                p.grad.data = move(p.grad.data, True)
        for module in self.modules():
            for name, b in list(module._buffers.items()):
                if isinstance(b, Variable):
                    b.data = move(b.data, b.dtype.kind == "f")
                elif b is not None:
                    setattr(module, name, move(b, b.dtype.kind == "f"))
        return self

    def cuda(self):
        """`to("cuda")`: parameters and buffers as CuPy arrays on the GPU."""
        return self.to("cuda")

    def cpu(self):
        """`to("cpu")`: parameters and buffers as NumPy arrays on the host."""
        return self.to("cpu")

    def float(self):
        """`to(np.float32)`."""
        return self.to(np.float32)

    def double(self):
        """`to(np.float64)`."""
        return self.to(np.float64)

    # -- state ----------------------------------------------------------------------
    def state_dict(self):
        """A snapshot of the module's state: dotted name -> a Variable holding
        a copy of the array (no gradient; `.numpy()` and NumPy functions read
        it), parameters and buffers (running_mean, running_var,
        num_batches_tracked ...) with PyTorch's names and order. Unlike
        PyTorch's, the values are copies: training on does not change a
        snapshot taken before."""
        state = {}
        for prefix, module in self._tree():
            for name, p in module._parameters.items():
                _check_initialized(module, "state_dict", p)
                state[_join(prefix, name)] = Variable(p.data.copy(), requires_grad=False)
            for name, b in module._buffers.items():
                if b is not None:
                    array = (b.data if isinstance(b, Variable) else b).copy()
                    state[_join(prefix, name)] = Variable(array, requires_grad=False)
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy the arrays of `state_dict` (name -> array-like, e.g. from
        `mg.load` or a PyTorch state_dict converted to NumPy) into the existing
        parameters and buffers, cast to their dtypes.

        Raises ValueError listing every missing, unexpected or wrongly shaped
        key (missing and unexpected keys are allowed when `strict=False`).
        Nothing is copied unless every key checks out. Returns
        `(missing_keys, unexpected_keys)`.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"{type(self).__name__}.load_state_dict: expected a dict of name -> array, "
                            f"got {type(state_dict).__name__}")
        targets = {}
        changed = {}  # key -> the Parameter (or Variable buffer) whose data the key overwrites
        for prefix, module in self._tree():
            for name, p in module._parameters.items():
                _check_initialized(module, "load_state_dict", p)
                targets[_join(prefix, name)] = p.data
                changed[_join(prefix, name)] = p
            for name, b in module._buffers.items():
                if isinstance(b, Variable):
                    targets[_join(prefix, name)] = b.data
                    changed[_join(prefix, name)] = b
                elif b is not None:
                    targets[_join(prefix, name)] = b
        values = {key: _as_array(self, key, value) for key, value in state_dict.items()}
        missing = [key for key in targets if key not in values]
        unexpected = [key for key in values if key not in targets]
        wrong_shapes = [f"{key} (expected {targets[key].shape}, got {values[key].shape})"
                        for key in targets if key in values and values[key].shape != targets[key].shape]
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        if wrong_shapes:
            problems.append("wrongly shaped keys: " + ", ".join(wrong_shapes))
        if problems:
            raise ValueError(f"{type(self).__name__}.load_state_dict: " + "; ".join(problems))
        for key, target in targets.items():
            if key in values:
                if type(target) is np.ndarray:
                    np.copyto(target, values[key], casting="unsafe")
                else:  # on a device: the host values go there first
                    target[...] = backend.to_device(values[key], backend.device_of(target)).astype(
                        target.dtype, copy=False)
                if key in changed:
                    versions.bump(changed[key])  # an op that saved it sees the change
        return LoadResult(missing, unexpected)

    # -- printing -------------------------------------------------------------------
    def extra_repr(self):
        """The settings shown between the parentheses of repr (override it)."""
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _check_initialized(module, what, p):
    if isinstance(p, UninitializedParameter):
        raise ValueError(f"{what}: {type(module).__name__} is not initialized yet (a lazy layer); call the "
                         "model's forward with a first batch (it sizes the parameters) before saving or loading "
                         "its state")


def _check_buffer(module, name, value):
    if (value is not None and not isinstance(value, (np.ndarray, Variable))
            and backend.device_of(value) is backend.CPU):
        raise TypeError(f"{type(module).__name__}: buffer {name!r} must be an ndarray, a Variable or None, "
                        f"got {type(value).__name__}")


def _as_array(module, key, value):
    if isinstance(value, dict):
        raise TypeError(f"{type(module).__name__}.load_state_dict: entry {key!r} is a dict, not an array; "
                        f"for a checkpoint holding several state_dicts pass the model's one, "
                        f"e.g. checkpoint[{key!r}]")
    array = backend.to_host(value.data if isinstance(value, Variable) else value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{type(module).__name__}.load_state_dict: entry {key!r} has dtype {array.dtype}; "
                        "expected a numeric array")
    return array


def check_child_name(module, name, registry):
    """Raise unless `name` can name a new child of `module`: a non-empty
    string without a dot that is not already an attribute (other than a
    child in `registry`, which it replaces)."""
    who = type(module).__name__
    if not isinstance(name, str):
        raise TypeError(f"{who}: a child's name must be a string, got {name!r} ({type(name).__name__})")
    if not name or "." in name:
        raise KeyError(f"{who}: a child's name must be non-empty and contain no '.', got {name!r}")
    if name not in registry and hasattr(module, name):
        raise KeyError(f"{who}: cannot name a child {name!r}: that is already an attribute")


def check_size(who, name, value, minimum=1):
    """`value` as an int if it is an integer >= minimum (a layer's size
    argument), else a ValueError/TypeError naming the layer and the argument."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{who}: {name} must be {kind}, got {value}")
    return int(value)


def _parameter_dtype(module):
    for p in module._parameters.values():
        return p.data.dtype
    for p in module.parameters():
        return p.data.dtype
    return None


def cast_input(module, x):
    """`x`, an input of `module`, ready for its parameters' dtype.

    A constant float input (an ndarray, a list or number, a Variable that
    requires no grad) is cast to the dtype of the module's parameters, so
    `model(np.array(...))` with float64 data gives float32 results from a
    float32 model, as the parameters decide. A float Variable that requires
    grad in another dtype raises TypeError naming both dtypes and the fix:
    casting it would hide a second copy from its gradient. Integer, boolean
    and complex inputs (indices, masks) are never cast. Returns x itself
    when nothing changes.
    """
    dtype = _parameter_dtype(module)
    if type(x) is np.ndarray:
        if x.dtype == dtype or dtype is None or x.dtype.kind != "f":
            return x
        return x.astype(dtype)
    if isinstance(x, Variable):
        if x.data.dtype == dtype or dtype is None or x.data.dtype.kind != "f":
            return x
        if x.requires_grad:
            raise TypeError(
                f"{type(module).__name__}: the input has dtype {x.data.dtype} and requires grad, but the "
                f"layer's parameters are {dtype}; cast the input with x.astype(np.{dtype}) or the model "
                f"with model.to(np.{x.data.dtype})")
        return constant(x.data.astype(dtype))
    if isinstance(x, (list, tuple, numbers.Number, np.generic)):
        array = np.asarray(x)
        if array.dtype.kind == "f" and dtype is not None:
            return array.astype(dtype, copy=False)
        return array
    return x
