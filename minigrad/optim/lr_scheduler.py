"""Learning-rate schedulers: call `step()` once per epoch, after the
optimiser's steps, and they set the optimiser's `lr` (each param group's
`"lr"`) as PyTorch's schedulers of the same names do.

    scheduler = StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        train_one_epoch()
        scheduler.step()

`ReduceLROnPlateau` instead takes the monitored value: `scheduler.step(val_loss)`.
"""
import math

from .optimizer import Optimizer, check_range


class LRScheduler:
    """Base class of the epoch-driven schedulers. Remembers each group's
    starting lr in `base_lrs`, counts epochs in `last_epoch` (0 after
    construction) and sets each group's lr to `get_lr()` on every `step()`."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            if last_epoch == -1:
                group["initial_lr"] = group["lr"]
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs 'initial_lr' "
                    "in every param group (set when a scheduler was first made)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def get_lr(self):
        """The learning rate of each param group at epoch `last_epoch`."""
        raise NotImplementedError(f"{type(self).__name__}: get_lr is not defined")

    def step(self):
        """Advance one epoch and set the optimiser's learning rates."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates set by the last `step()`, one per param group."""
        return list(self._last_lr)

    def state_dict(self):
        """The scheduler's counters and settings (not the optimiser)."""
        return {k: v for k, v in vars(self).items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore the counters and settings that `state_dict` returned."""
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs:
    lr = initial_lr * gamma ** (epoch // step_size)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        _check_positive_int("StepLR", "step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        # Multiplying the current lr (not recomputing from initial_lr) lets
        # schedulers and hand-set learning rates compose, as in PyTorch.
        factor = self.gamma if self.last_epoch > 0 and self.last_epoch % self.step_size == 0 else 1
        return [group["lr"] * factor for group in self.optimizer.param_groups]


class ExponentialLR(LRScheduler):
    """Multiply the lr by `gamma` every epoch: lr = initial_lr * gamma ** epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        factor = self.gamma if self.last_epoch > 0 else 1
        return [group["lr"] * factor for group in self.optimizer.param_groups]


class CosineAnnealingLR(LRScheduler):
    """Anneal the lr along half a cosine from initial_lr down to `eta_min`
    over `T_max` epochs (SGDR without restarts, Loshchilov & Hutter 2017)::

        lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    Computed from the formula each epoch (PyTorch updates it recursively; the
    two agree to rounding). Past T_max it rises again, as PyTorch's does.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        _check_positive_int("CosineAnnealingLR", "T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class ReduceLROnPlateau:
    """Multiply the lr by `factor` when a monitored value (`step(value)`)
    has not improved for more than `patience` epochs, as PyTorch's.

    `mode` "min" (a loss) or "max" (an accuracy). An improvement must beat the
    best value by `threshold`: relatively (beyond `best * (1 -/+ threshold)`
    for min/max, threshold_mode "rel") or absolutely (`best -/+ threshold`,
    "abs"). After a
    reduction, `cooldown` epochs pass before bad epochs count again. The lr
    never drops below `min_lr` (a number, or one per group), and changes
    smaller than `eps` are skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: expected an Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        check_range("ReduceLROnPlateau", "factor", factor, low=0.0, high=1.0, high_open=True)
        n_groups = len(optimizer.param_groups)
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n_groups
        if len(min_lrs) != n_groups:
            raise ValueError(
                f"ReduceLROnPlateau: expected {n_groups} min_lr values (one per param group), got {len(min_lrs)}")
        self.optimizer = optimizer
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lrs, self.eps = cooldown, min_lrs, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, value, best):
        """Whether `value` improves on `best` by more than the threshold."""
        sign = 1 if self.mode == "max" else -1
        if self.threshold_mode == "rel":
            target = best * (1 + sign * self.threshold)
        else:
            target = best + sign * self.threshold
        return value > target if self.mode == "max" else value < target

    def step(self, value):
        """Record this epoch's monitored `value`; reduce the lr if it has
        stalled for more than `patience` epochs."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"ReduceLROnPlateau.step: expected the monitored value as a number, "
                            f"got {type(value).__name__} {value!r:.40}") from None
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    get_last_lr = LRScheduler.get_last_lr
    state_dict = LRScheduler.state_dict
    load_state_dict = LRScheduler.load_state_dict


def _check_positive_int(who, name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
