"""Parameter: a Variable that a Module collects as one of its weights."""
import numpy as np

from ..core import Variable


class Parameter(Variable):
    """A learnable array. Assigning one to an attribute of a `Module`
    registers it, so `module.parameters()` and `state_dict()` find it.

    It behaves exactly as a Variable in computations; ops on it return plain
    Variables.
    """

    __slots__ = ()

    def __repr__(self):
        return "Parameter" + super().__repr__()[len("Variable"):]


def new_parameter(shape):
    """A float32 Parameter of zeros of `shape`; layers then fill it with an
    initialiser from `nn.init`."""
    return Parameter(np.zeros(shape, dtype=np.float32))
