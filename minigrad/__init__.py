"""minigrad: define-by-run automatic differentiation on NumPy."""
from .core import (Variable, Function, Config, using_config, no_grad, enable_grad, is_grad_enabled,
                   test_mode, grad, jacobian, hessian, hvp, numerical_grad, gradcheck, gradgradcheck,
                   GradcheckError)
from .rng import manual_seed, get_rng
from .serialization import save, load
from .core.dlpack import from_dlpack
from . import functions, nn, optim, data, train, viz

__version__ = "0.1.0"
