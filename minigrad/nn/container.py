"""Containers: Sequential and ModuleList (children named "0", "1", ... as
PyTorch names them), and MLP, a stack of Linear layers."""
from collections import OrderedDict

from .. import functions as F
from .linear import Linear
from .module import Module


class ModuleList(Module):
    """A list of Modules whose parameters the parent sees; children are
    named "0", "1", ... Indexing, len, iteration, append and extend work as
    on a list. It has no forward: the parent decides how to call them."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        children = list(self._modules.values())
        if isinstance(index, slice):
            return type(self)(children[index])
        return children[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """Modules applied in order: Sequential(a, b, c)(x) = c(b(a(x))).
    Children are named "0", "1", ..., or by the keys of one OrderedDict
    argument, so state_dict keys match PyTorch's ("0.weight", ...)."""

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
