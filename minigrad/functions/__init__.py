"""Differentiable operations, grouped by family. `import minigrad.functions as F`."""
from ..core.operators import install as _install
from ._torch_names import accept_torch_names as _accept_torch_names
from .arithmetic import add, sub, mul, div, neg, pow
from .math import exp, log, sqrt, sin, cos, tan, tanh, abs, clip, maximum, minimum, where
from .reduction import (sum, mean, max, min, logsumexp, var, std, prod, amax, amin, norm, argmax, argmin,
                        any, all)
from .cumulative import cumsum, cumprod, logcumsumexp, cummax, cummin
from .reorder import flip, roll, tile, repeat, moveaxis, swapaxes, permute, unsqueeze, chunk, unbind
from .indexing import (take_along_axis, gather, scatter_add, index_add, masked_fill, tril, triu, diag,
                       diagonal, trace)
from .sorting import sort, argsort, topk, median
from .linalg import einsum, outer, dot, inner, tensordot, inv, det, slogdet, solve, cholesky
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

# Variable's operators and methods (x + y, x @ W, x[i], x.sum() ...) call these.
_install(add=add, sub=sub, mul=mul, div=div, neg=neg, pow=pow, matmul=matmul,
         reshape=reshape, transpose=transpose, sum=sum, mean=mean, max=max, min=min,
         get_item=get_item, sum_to=sum_to)
