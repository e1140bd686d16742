"""Loss modules with PyTorch's names and arguments: `criterion(input,
target)` calls the function of the same name in `minigrad.functions` with
the settings given at construction.

    criterion = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 1.0]), label_smoothing=0.1)
    loss = criterion(model(x), labels)

Class weights (`weight`, `pos_weight`) are buffers, as in PyTorch: they go
into `state_dict()` and are cast by `to(dtype)`. PyTorch's deprecated
`size_average` and `reduce` are accepted and mapped to `reduction` as
PyTorch maps them.
"""
import numpy as np

from .. import functions as F
from ..core import as_array
from .module import Module


def _legacy_reduction(size_average, reduce, reduction):
    """PyTorch's rule for the deprecated flags: either one given overrides
    reduction (both default to True then)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return ("mean" if size_average else "sum") if reduce else "none"


def _buffer(array):
    return None if array is None else as_array(array).copy()  # a device array stays there


class _Loss(Module):
    """Holds `reduction`; subclasses define forward(input, target)."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """A loss with an optional `weight` buffer."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))


class L1Loss(_Loss):
    """|input - target| per element, reduced (F.l1_loss)."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """(input - target)**2 per element, reduced (F.mse_loss)."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """0.5 d**2 / beta where |d| < beta, else |d| - beta/2 (F.smooth_l1_loss)."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self):
        return f"{super().extra_repr()}, beta={self.beta}"


class HuberLoss(_Loss):
    """0.5 d**2 where |d| < delta, else delta (|d| - delta/2) (F.huber_loss)."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, self.delta, reduction=self.reduction)

    def extra_repr(self):
        return f"{super().extra_repr()}, delta={self.delta}"


class KLDivLoss(_Loss):
    """target (log target - input) per element, input holding
    log-probabilities (F.kl_div); reduction="batchmean" for the KL
    divergence per sample."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self):
        return f"{super().extra_repr()}, log_target={self.log_target}"


class BCELoss(_WeightedLoss):
    """-weight (t log p + (1 - t) log(1 - p)) for probabilities p
    (F.binary_cross_entropy)."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross entropy of sigmoid(input), computed from the logits
    (F.binary_cross_entropy_with_logits); pos_weight is a buffer too."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """-weight[t] input[t] over the class axis 1, for log-probabilities
    input (F.nll_loss)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)

    def extra_repr(self):
        return f"{super().extra_repr()}, ignore_index={self.ignore_index}"


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of softmax(input) over the class axis 1 against labels
    or class probabilities (F.cross_entropy)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self):
        return (f"{super().extra_repr()}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}")
