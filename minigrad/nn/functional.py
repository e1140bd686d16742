"""PyTorch's `torch.nn.functional`: `import minigrad.nn.functional as F`.

Two kinds of names, and no third:

  - the ops of minigrad.functions that torch.nn.functional has with the same
    signature and meaning, read from their declarations (`functional=True`
    on `declare`, core/ops.py): `gelu`, `linear`, `conv2d`, `max_pool2d`,
    `cross_entropy`, `layer_norm`, `embedding`, `normalize`, `unfold`,
    `fold`, `pixel_shuffle` ... Each is the very function of
    minigrad.functions.
  - small wrappers, below, where torch's signature or meaning differs from
    minigrad.functions (NumPy's door): `pad` takes flat pairs from the last
    axis, `softmax`/`log_softmax`/`softmin` take `dim` (torch's implicit
    choice when it is left out, with torch's warning) and `dtype`,
    `dropout` trains unless told `training=False`, `batch_norm` takes the
    running statistics before the weights, `leaky_relu`'s slope is 0.01,
    `softplus` takes `beta` and `threshold`, `huber_loss` takes `reduction`
    third, and the activations PyTorch gives `inplace=` take it.

`inplace=True` writes the result into the input when nothing is recorded
(under `no_grad()`, or an input that needs no gradient), as PyTorch does;
while the graph is recorded minigrad cannot rebind a Variable's history,
so it raises and says to write `x = F.relu(x)`.
"""
import warnings

from .. import functions
from ..core import Variable, is_grad_enabled
from ..core.ops import torch_functional

# The ops declared with functional=True, under their names (minigrad.functions'
# very functions): built from the declarations, never listed here.
globals().update(torch_functional)


def _result(name, x, y, inplace):
    """y, or (inplace=True) x overwritten by y, as torch's in-place variants."""
    if not inplace:
        return y
    if not isinstance(x, Variable):
        raise TypeError(f"{name}(x, inplace=True): x must be a Variable to change in place, "
                        f"got {type(x).__name__}; write x = F.{name}(x)")
    if is_grad_enabled() and x.requires_grad:
        raise RuntimeError(f"{name}(x, inplace=True): minigrad cannot change x (shape {x.shape}) in place "
                           f"while the graph is recorded; write x = F.{name}(x) (or use "
                           f"nn.{name}-style modules, whose inplace flag changes nothing)")
    return x.copy_(y)


def relu(input, inplace=False):
    """max(x, 0)."""
    return _result("relu", input, functions.relu(input), inplace)


def relu6(input, inplace=False):
    """min(max(x, 0), 6)."""
    return _result("relu6", input, functions.relu6(input), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x limited to [min_val, max_val]."""
    return _result("hardtanh", input, functions.hardtanh(input, min_val, max_val), inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _result("hardsigmoid", input, functions.hardsigmoid(input), inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _result("hardswish", input, functions.hardswish(input), inplace)


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return _result("silu", input, functions.silu(input), inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _result("mish", input, functions.mish(input), inplace)


def selu(input, inplace=False):
    """scale * elu(x, alpha) with SELU's constants."""
    return _result("selu", input, functions.selu(input), inplace)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere."""
    return _result("elu", input, functions.elu(input, alpha), inplace)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    return _result("celu", input, functions.celu(input, alpha), inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, negative_slope * x elsewhere (torch's default slope 0.01)."""
    return _result("leaky_relu", input, functions.leaky_relu(input, negative_slope), inplace)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, value elsewhere."""
    return _result("threshold", input, functions.threshold(input, threshold, value), inplace)


# torch's in-place variants: the functions above with inplace=True.
def relu_(input):
    """relu(input, inplace=True)."""
    return relu(input, inplace=True)


def elu_(input, alpha=1.0):
    """elu(input, alpha, inplace=True)."""
    return elu(input, alpha, inplace=True)


def celu_(input, alpha=1.0):
    """celu(input, alpha, inplace=True)."""
    return celu(input, alpha, inplace=True)


def selu_(input):
    """selu(input, inplace=True)."""
    return selu(input, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    """leaky_relu(input, negative_slope, inplace=True)."""
    return leaky_relu(input, negative_slope, inplace=True)


def threshold_(input, threshold, value):
    """threshold(input, threshold, value, inplace=True)."""
    return _result("threshold", input, functions.threshold(input, threshold, value), True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """hardtanh(input, min_val, max_val, inplace=True)."""
    return hardtanh(input, min_val, max_val, inplace=True)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    if beta == 1 and threshold == 20:
        scaled = functions.softplus(input)
    else:
        scaled = functions.softplus(input * beta) / beta
    return functions.where(input * beta > threshold, input, scaled)


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout, as torch's: active unless training=False (the
    module nn.Dropout follows train()/eval() instead)."""
    return _result("dropout", input, functions.dropout(input, p, bool(training)), inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout of (N, C, H, W), active unless training=False."""
    return _result("dropout2d", input, functions.dropout2d(input, p, bool(training)), inplace)


def _softmax_dim(name, input, dim):
    """torch's implicit dim, with its warning, when dim is left out."""
    if dim is not None:
        return dim
    ndim = input.ndim if hasattr(input, "ndim") else Variable(input).ndim
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else functions.astype(input, dtype)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) normalised to sum to 1 along dim (cast to dtype first)."""
    return functions.softmax(_cast(input, dtype), _softmax_dim("softmax", input, dim))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x, dim)), computed stably."""
    return functions.log_softmax(_cast(input, dtype), _softmax_dim("log_softmax", input, dim))


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x, dim)."""
    return functions.softmin(_cast(input, dtype), _softmax_dim("softmin", input, dim))


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    """input padded by `pad`, flat (before, after) pairs starting from the
    last axis, as torch's: `(left, right)` pads the last axis,
    `(left, right, top, bottom)` the last two. Modes "constant" (by
    `value`, 0 when None), "reflect", "replicate" and "circular"."""
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; expected one of {tuple(_PAD_MODES)}")
    ndim = input.ndim if hasattr(input, "ndim") else Variable(input).ndim
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ValueError(f"pad: expected an even number of pad sizes, at most 2 per axis of the "
                         f"{ndim}-D input (pairs from the last axis), got {pad}")
    pairs = [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)][::-1]
    widths = [(0, 0)] * (ndim - len(pairs)) + pairs
    if mode != "constant" and value not in (None, 0):
        raise ValueError(f"pad: value={value!r} is only used by mode 'constant', not {mode!r}")
    return functions.pad(input, widths, _PAD_MODES[mode], 0 if value is None else value)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Batch normalisation in torch's argument order: the running statistics
    come first, and training is False unless told (then they are updated
    in place with momentum)."""
    return functions.batch_norm(input, weight, bias, running_mean, running_var, bool(training), momentum, eps)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """The Huber loss, in torch's argument order (reduction third)."""
    if weight is not None:
        raise NotImplementedError("huber_loss: weight= is not supported; multiply the unreduced loss "
                                  "(reduction='none') by the weights instead")
    return functions.huber_loss(input, target, delta, reduction=reduction)


__all__ = sorted(name for name, value in globals().items()
                 if callable(value) and not name.startswith("_") and name not in ("Variable", "is_grad_enabled"))
