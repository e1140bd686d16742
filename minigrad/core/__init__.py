"""The engine: Variable, Function, the backward pass and its switches."""
from .config import (Config, using_config, no_grad, enable_grad, set_grad_enabled, is_grad_enabled,
                     test_mode)
from .variable import Variable, as_array
from .function import Function, as_variable
from .autodiff import grad, jacobian, hessian, hvp
from .gradcheck import numerical_grad, gradcheck, gradgradcheck, GradcheckError
# These add Variable's methods from their tables (tensor methods, NumPy's
# protocols, in-place updates): importing them is what installs them.
from . import tensor_methods, numpy_protocol, inplace  # noqa: F401
from .tensor_methods import RemovableHandle
from .creation import (tensor, from_numpy, zeros, ones, full, empty, arange, linspace, eye, rand, randn,
                       normal, randint, zeros_like, ones_like, full_like, empty_like, rand_like, randn_like)
from .anomaly import detect_anomaly, is_anomaly_enabled, AnomalyError
from .dlpack import from_dlpack   # also installs Variable.__dlpack__ and __dlpack_device__
