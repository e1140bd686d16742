"""minigrad: define-by-run automatic differentiation on NumPy."""
from .core import (Variable, Function, Config, using_config, no_grad, enable_grad, set_grad_enabled,
                   is_grad_enabled, test_mode, grad, jacobian, hessian, hvp, numerical_grad, gradcheck,
                   gradgradcheck, GradcheckError,
                   tensor, from_numpy, zeros, ones, full, empty, arange, linspace, eye, rand, randn,
                   normal, randint, zeros_like, ones_like, full_like, empty_like, rand_like, randn_like)
from .core import detect_anomaly, is_anomaly_enabled, AnomalyError
from .core import from_dlpack
from .rng import manual_seed, get_rng
from .serialization import save, load
from . import functions, nn, optim, data, train, viz, onnx, cuda

__version__ = "0.1.0"
