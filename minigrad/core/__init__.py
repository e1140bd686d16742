"""The engine: Variable, Function, the backward pass and its switches."""
from .config import Config, using_config, no_grad, enable_grad, is_grad_enabled, test_mode
from .variable import Variable, as_array
from .function import Function, as_variable
from .autodiff import grad, jacobian, hessian, hvp
from .gradcheck import numerical_grad, gradcheck, gradgradcheck, GradcheckError
from .dlpack import from_dlpack   # also installs Variable.__dlpack__ and __dlpack_device__
