"""Differentiable operations, grouped by family. `import minigrad.functions as F`."""
from ..core.operators import install as _install
from ._torch_names import accept_torch_names as _accept_torch_names
from .arithmetic import add, sub, mul, div, neg, pow
from .math import exp, log, sqrt, sin, cos, tan, tanh, abs, clip, maximum, minimum, where
from .reduction import sum, mean, max, min, logsumexp, var
from .shape import (reshape, transpose, broadcast_to, sum_to, get_item, expand_dims, squeeze, flatten,
                    concat, stack, split, pad)
from .linalg import matmul, linear
from .activation import (sigmoid, relu, leaky_relu, elu, gelu, softplus, softmax, log_softmax,
                         identity)
from .loss import (mean_squared_error, softmax_cross_entropy, sigmoid_cross_entropy,
                   binary_cross_entropy, huber_loss, accuracy)
from .conv import conv2d, conv_transpose2d, max_pool2d, avg_pool2d, im2col, col2im
from .normalization import dropout, batch_norm, layer_norm

# dim= and keepdim= (PyTorch's names) wherever axis= and keepdims= are taken.
# Keep this after every import of a public function.
_accept_torch_names(globals())

# Variable's operators, methods and NumPy protocols (x + y, x @ W, x[i],
# x.sum(), np.exp(x) ...) call these: every public function, so an op added
# above needs no edit here.
_install(**{_name: _fn for _name, _fn in globals().items()
            if not _name.startswith("_") and callable(_fn) and not isinstance(_fn, type)})
