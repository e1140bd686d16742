"""Differentiable operations, grouped by family. `import minigrad.functions as F`.

Each public function is declared where it is defined, with `@declare(...)`
(minigrad/core/ops.py): the Function classes holding its math, the NumPy
functions and Variable methods it answers to. Importing the families below
defines, and so declares, every op; this module only gathers the names.
"""
from .arithmetic import add, sub, mul, div, floor_divide, neg, pow
from .bitwise import bitwise_and, bitwise_or, bitwise_xor, bitwise_not, left_shift, right_shift
from .math import exp, log, sqrt, sin, cos, tan, tanh, abs, clip, maximum, minimum, where
from .reduction import (sum, mean, max, min, logsumexp, var, std, prod, amax, amin, norm, argmax, argmin,
                        any, all)
from .cumulative import cumsum, cumprod, logcumsumexp, cummax, cummin
from .reorder import (flip, roll, tile, repeat, moveaxis, swapaxes, permute, unsqueeze, chunk, unbind,
                      pixel_shuffle, pixel_unshuffle, vstack, row_stack, hstack, dstack, column_stack,
                      array_split, hsplit, vsplit, dsplit, append, flipud, fliplr, rot90, meshgrid)
from .indexing import (take_along_axis, gather, scatter_add, scatter, scatter_reduce, masked_select, nonzero,
                       index_add, masked_fill, tril, triu, diag,
                       diagonal, trace, embedding)
from .sorting import sort, argsort, topk, median
from .linalg import (einsum, outer, dot, inner, tensordot, inv, det, slogdet, solve, cholesky, svd, eigh, qr, pinv,
                     matrix_power, kron, cross)
from .shape import (reshape, transpose, broadcast_to, sum_to, get_item, expand_dims, squeeze, flatten,
                    concat, stack, split, pad, ravel, index_put)
from .linalg import matmul, linear
from .activation import (sigmoid, relu, leaky_relu, elu, gelu, softplus, softmax, log_softmax,
                         identity, relu6, hardtanh, hardsigmoid, hardswish, silu, mish, selu, celu,
                         softsign, logsigmoid, glu, prelu, softmin, tanhshrink, softshrink, hardshrink, threshold)
from .elementwise import (asin, acos, atan, atan2, sinh, cosh, asinh, acosh, atanh, log2, log10, log1p,
                          expm1, exp2, erf, erfc, logit, xlogy, lgamma, digamma, polygamma, square,
                          reciprocal, rsqrt, cbrt, hypot, logaddexp, lerp, fmod, remainder, copysign, sign, floor,
                          ceil, round, trunc, isnan, isinf, isfinite, isclose, logical_and, logical_or,
                          logical_not, fmax, fmin, nan_to_num, sinc, deg2rad, radians, rad2deg, degrees,
                          real, imag)
from .calculus import diff, trapezoid
from .loss import (mean_squared_error, softmax_cross_entropy, sigmoid_cross_entropy,
                   binary_cross_entropy, huber_loss, accuracy, cross_entropy, nll_loss, mse_loss,
                   l1_loss, smooth_l1_loss, binary_cross_entropy_with_logits, kl_div, one_hot)
from .conv import conv1d, conv2d, conv3d, conv_transpose2d, im2col, col2im, unfold, fold
from .pooling import (max_pool1d, avg_pool1d, max_pool2d, avg_pool2d, max_pool3d, avg_pool3d, adaptive_avg_pool2d,
                      adaptive_max_pool2d, max_unpool2d)
from .resize import interpolate
from .normalization import (dropout, dropout2d, batch_norm, layer_norm, group_norm, instance_norm, normalize,
                            rms_norm)
from .attention import scaled_dot_product_attention
from .distance import cosine_similarity, pairwise_distance
from .cast import copy, astype, to

