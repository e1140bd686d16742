"""minigrad: define-by-run automatic differentiation on NumPy.

The layers, each importing only those below it (ARCHITECTURE.md):

    device      where arrays live, random streams
    core        Variable, Function, the backward pass
    functions   the ops; each declares itself to core (core/ops.py)
    nn, optim, data, train, serialization, onnx, viz, cuda   built on the ops
    autograd, amp, backends, distributed   PyTorch's and HIPS autograd's doors

The one wiring step is importing `functions` below: defining the ops
declares them, and from then on Variable's operators (`x + y`), its op
methods (`x.sum(dim=1)`) and NumPy's functions on Variables find them.

`import minigrad as torch` is PyTorch's door: `torch.cat`, `torch.max` ...
are the functions declared with PyTorch's names (`declare(torch=...)` in
minigrad.functions, `declare_torch` in minigrad/pytorch.py, where PyTorch's
meaning of a name differs from NumPy's); `__getattr__` below reads them from
that table (minigrad/pytorch.py `module_attribute`), so there is no second
list of names to keep.
"""
from .core import (Variable, Function, get_default_dtype, set_default_dtype, Config, using_config, no_grad,
                   enable_grad, set_grad_enabled,
                   is_grad_enabled, test_mode, grad, jacobian, hessian, hvp, numerical_grad, gradcheck,
                   gradgradcheck, GradcheckError,
                   tensor, from_numpy, zeros, ones, full, empty, arange, linspace, eye, rand, randn,
                   normal, randint, zeros_like, ones_like, full_like, empty_like, rand_like, randn_like)
from .core import detect_anomaly, is_anomaly_enabled, AnomalyError
from .core import from_dlpack
from .device import manual_seed, get_rng
from . import functions  # the wiring step: declares every op (see above)
from . import pytorch  # PyTorch's meanings where they differ from NumPy's (declares them too)
from .pytorch import (inference_mode, FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor,
                      is_tensor)
from .functions import return_types
from .dtypes import (float16, half, float32, float, float64, double, int8, int16, short, int32, int, int64,
                     long, uint8, bool, complex64, cfloat, complex128, cdouble, bfloat16, pi, e, inf, nan,
                     Size, device)
from .serialization import save, load
from . import nn, optim, data, train, viz, onnx, cuda, utils
from . import autograd, amp, backends, distributed

__version__ = "0.1.0"
Tensor = Variable


__getattr__ = pytorch.module_attribute   # minigrad.cat, minigrad.max ... from the declarations


def __dir__():
    return pytorch.module_names(globals())
