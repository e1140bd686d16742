"""`minigrad.autograd`: the door for HIPS autograd's code and PyTorch's
`torch.autograd` names.

    from minigrad.autograd import grad, elementwise_grad, jacobian    # was: from autograd import ...
    import numpy as np                                                # was: import autograd.numpy as np

`grad elementwise_grad value_and_grad jacobian hessian` are autograd's
function transforms (transforms.py); `grad` given Variables is PyTorch's
`torch.autograd.grad`. `misc.flatten`, `misc.optimizers` and
`scipy.special.logsumexp` are autograd's;
`Function` is PyTorch's `torch.autograd.Function` (minigrad's Function takes
static `forward(ctx, ...)`/`backward(ctx, ...)`), `detect_anomaly` PyTorch's
`torch.autograd.detect_anomaly()`.
"""
from ..core import Function, Variable, detect_anomaly
from .transforms import grad, elementwise_grad, value_and_grad, jacobian, hessian
from . import misc, scipy
