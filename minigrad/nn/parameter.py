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


class UninitializedParameter(Parameter):
    """The parameter of a lazy module (`nn.LazyLinear` ...) before its first
    forward, as PyTorch's: it has no shape yet, so reading its shape, size
    or values raises. The first forward turns it, the same object, into a
    Parameter of the size the input calls for (`materialize`), so an
    optimiser built before that step updates it afterwards, as PyTorch's."""

    __slots__ = ()

    def __init__(self, dtype=np.float32):
        super().__init__(np.empty(0, dtype=dtype))

    def _refuse(self, what):
        raise ValueError(f"{what}: this parameter of a lazy module (nn.Lazy*) is not initialized yet; call the "
                         "module's forward with a first batch (it sizes the parameter) before using it")

    shape = property(lambda self: self._refuse("shape"), doc="Not known before the first forward: raises.")
    ndim = property(lambda self: self._refuse("ndim"), doc="Not known before the first forward: raises.")
    size = property(lambda self: self._refuse("size"), doc="Not known before the first forward: raises.")

    def numel(self):
        self._refuse("numel")

    def __len__(self):
        self._refuse("len")

    def __repr__(self):
        return "<UninitializedParameter>"

    def materialize(self, data):
        """Become a Parameter holding `data` (cast to this one's dtype, which
        `module.to(dtype)` may have changed before the first forward)."""
        self.data = data.astype(self.data.dtype, copy=False)
        self.__class__ = Parameter
        return self
