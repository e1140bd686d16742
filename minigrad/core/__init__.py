"""The engine: Variable, Function, the backward pass and its switches.

Variable's whole surface is named in its class body (variable.py); the ops
its operators and methods call are declared in minigrad.functions and found
through core/ops.py.
"""
from .config import (Config, using_config, no_grad, enable_grad, set_grad_enabled, is_grad_enabled,
                     test_mode)
from .variable import Variable, as_array
from .function import Function, as_variable
from .autodiff import grad, jacobian, hessian, hvp
from .gradcheck import numerical_grad, gradcheck, gradgradcheck, GradcheckError
from .hooks import RemovableHandle
from .creation import (get_default_dtype, set_default_dtype, tensor, from_numpy, from_dlpack, zeros, ones,
                       full, empty, arange, linspace, eye, rand,
                       randn, normal, randint, zeros_like, ones_like, full_like, empty_like, rand_like,
                       randn_like)
from .anomaly import detect_anomaly, is_anomaly_enabled, AnomalyError
