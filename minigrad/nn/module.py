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
from collections import namedtuple

import numpy as np

from ..core import Variable
from .parameter import Parameter

LoadResult = namedtuple("LoadResult", ["missing_keys", "unexpected_keys"])


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of layers and models. Subclasses set Parameters and
    sub-Modules as attributes in `__init__` (after `super().__init__()`)
    and define `forward`; calling the module calls `forward`.

    `training` (True after construction) is switched by `train()` / `eval()`
    and changes what Dropout and BatchNorm do.
    """

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
        """Declare `array` (an ndarray, or None for an absent buffer) as part
        of the module's state: it goes into `state_dict()` under `name`, is
        cast by `to(dtype)` and filled by `load_state_dict`, but is not a
        parameter (no gradient, optimisers leave it alone)."""
        if name in self._parameters or name in self._modules:
            raise KeyError(f"{type(self).__name__}: {name!r} is already a parameter or a sub-module")
        _check_buffer(self, name, array)
        self._buffers[name] = array
        object.__setattr__(self, name, array)

    def add_module(self, name, module):
        """Register `module` as a child called `name` (which may be any
        string, such as Sequential's "0", "1", ...)."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.add_module: {name!r} is a "
                            f"{type(module).__name__}, expected a Module")
        setattr(self, name, module)

    # -- running ----------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__}: forward is not defined")

    def __call__(self, *args, **kwargs):
        """`module(x)` runs `forward(x)`."""
        return self.forward(*args, **kwargs)

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

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module ("") and every descendant, each once."""
        seen = set()
        for name, module in self._tree(prefix):
            if id(module) not in seen:
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
        """(dotted name, ndarray) for every buffer that is not None."""
        for module_prefix, module in self._tree(prefix):
            for name, b in module._buffers.items():
                if b is not None:
                    yield _join(module_prefix, name), b

    def buffers(self):
        """Every buffer (ndarray) of this module and its descendants."""
        for _, b in self.named_buffers():
            yield b

    def apply(self, fn):
        """Call `fn(module)` on every sub-module and then on self; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def zero_grad(self):
        """Clear the gradient of every parameter."""
        for p in self.parameters():
            p.cleargrad()

    # -- dtype --------------------------------------------------------------------
    def to(self, dtype):
        """Cast every parameter (and its gradient) and every floating-point
        buffer to the float `dtype`, in place; returns self. Integer buffers
        (num_batches_tracked) keep their dtype, as in PyTorch."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: expected a floating dtype, got {dtype}")
        for p in self.parameters():
            p.data = p.data.astype(dtype, copy=False)
            if p.grad is not None:
                p.grad.data = p.grad.data.astype(dtype, copy=False)
        for module in self.modules():
            for name, b in list(module._buffers.items()):
                if b is not None and b.dtype.kind == "f":
                    setattr(module, name, b.astype(dtype, copy=False))
        return self

    def float(self):
        """`to(np.float32)`."""
        return self.to(np.float32)

    def double(self):
        """`to(np.float64)`."""
        return self.to(np.float64)

    # -- state ----------------------------------------------------------------------
    def state_dict(self):
        """A snapshot of the module's state: dotted name -> copy of the array,
        parameters and buffers (running_mean, running_var,
        num_batches_tracked ...) with PyTorch's names and order."""
        state = {}
        for prefix, module in self._tree():
            for name, p in module._parameters.items():
                state[_join(prefix, name)] = p.data.copy()
            for name, b in module._buffers.items():
                if b is not None:
                    state[_join(prefix, name)] = b.copy()
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
        for prefix, module in self._tree():
            for name, p in module._parameters.items():
                targets[_join(prefix, name)] = p.data
            for name, b in module._buffers.items():
                if b is not None:
                    targets[_join(prefix, name)] = b
        values = {key: _as_array(value) for key, value in state_dict.items()}
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
                np.copyto(target, values[key], casting="unsafe")
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


def _check_buffer(module, name, value):
    if value is not None and not isinstance(value, np.ndarray):
        raise TypeError(f"{type(module).__name__}: buffer {name!r} must be an ndarray or None, "
                        f"got {type(value).__name__}")


def _as_array(value):
    return value.data if isinstance(value, Variable) else np.asarray(value)
