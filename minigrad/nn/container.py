"""Containers: Sequential, ModuleList and ParameterList (children named
"0", "1", ... as PyTorch names them), ModuleDict (children named by their
keys), and MLP, a stack of Linear layers."""
from collections import OrderedDict

import numpy as np

from .. import functions as F
from ..core import Variable
from .linear import Linear
from .module import Module
from .parameter import Parameter


class ModuleList(Module):
    """A list of Modules whose parameters the parent sees; children are
    named "0", "1", ... Indexing, len, iteration, append and extend work as
    on a list. It has no forward: the parent decides how to call them."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        """Add `module` at the end; returns the list."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        """Append each module of `modules`; returns the list."""
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        children = list(self._modules.values())
        if isinstance(index, slice):
            return type(self)(children[index])
        if not -len(children) <= index < len(children):
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for {len(children)} "
                             f"modules; expected {-len(children)} <= index < {len(children)}")
        return children[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleDict(Module):
    """A dict of Modules whose parameters the parent sees; each child is
    named by its key ("encoder.weight" for key "encoder"), in insertion
    order. Indexing, `in`, len, iteration (over keys), keys, values, items,
    update, pop and clear work as on a dict. It has no forward."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module {key!r}; it holds {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        self[key]  # a clear KeyError for a missing key
        delattr(self, key)

    def __contains__(self, key):
        return key in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        """The names of the modules, in insertion order."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self):
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules):
        """Add (or replace) the modules of a dict or of (key, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: expected a dict or (key, module) pairs, got {pair!r:.60}")
            self[pair[0]] = pair[1]

    def pop(self, key):
        """Remove the module at `key` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self):
        """Remove every module."""
        for key in list(self._modules):
            del self[key]


class ParameterList(Module):
    """A list of Parameters that the parent sees, named "0", "1", ...
    (state_dict keys "params.0", ... for an attribute `params`). An ndarray
    or a Variable appended is wrapped in a Parameter (sharing its data).
    Indexing, len, iteration, append and extend work as on a list."""

    def __init__(self, values=()):
        super().__init__()
        self.extend(values)

    def append(self, value):
        """Add `value` (a Parameter, or a Variable or ndarray to wrap in one)
        at the end; returns the list."""
        if not isinstance(value, Parameter):
            if isinstance(value, Variable):
                value = Parameter(value.data)
            elif isinstance(value, np.ndarray):
                value = Parameter(value)
            else:
                raise TypeError(f"ParameterList: expected a Parameter, Variable or ndarray, "
                                f"got {type(value).__name__}")
        setattr(self, str(len(self._parameters)), value)
        return self

    def extend(self, values):
        """Append each of `values`; returns the list."""
        for value in values:
            self.append(value)
        return self

    def __getitem__(self, index):
        parameters = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(parameters[index])
        return parameters[index]

    def __setitem__(self, index, value):
        names = list(self._parameters)
        name = names[index]  # IndexError for an index out of range, as a list
        if not isinstance(value, Parameter):
            raise TypeError(f"ParameterList: expected a Parameter, got {type(value).__name__}")
        setattr(self, name, value)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def extra_repr(self):
        return ", ".join(f"({name}): {p.shape} {p.dtype}" for name, p in self._parameters.items())


class Sequential(ModuleList):
    """Modules applied in order: Sequential(a, b, c)(x) = c(b(a(x))).
    Children are named "0", "1", ..., or by the keys of one OrderedDict
    argument, so state_dict keys match PyTorch's ("0.weight", ...).

    Examples
    --------
    >>> from minigrad import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> list(model.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *modules):
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            super().__init__()
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            super().__init__(modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return super().__getitem__(index)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class MLP(Module):
    """A multilayer perceptron: Linear layers of widths
    sizes[0] -> sizes[1] -> ... -> sizes[-1], with `activation` (a function
    such as F.relu, or a Module) after every layer but the last, whose
    output is left raw (logits). The layers are `layers.0`, `layers.1`, ...
    Each Linear is He-initialised, suited to the default ReLU.
    """

    def __init__(self, sizes, activation=F.relu):
        super().__init__()
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes must list at least an input and an output width, got {sizes}")
        self.activation = activation
        self.layers = ModuleList(Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = self.activation(layer(x))
        return last(x)
