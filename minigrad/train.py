"""A training loop: `fit` a model, get back a `History` of per-epoch
losses and metrics, stop early with `EarlyStopping`.

    history = fit(model, optim.Adam(model.parameters()), F.softmax_cross_entropy,
                  train_loader, val_loader, epochs=20,
                  callbacks=[EarlyStopping(patience=3)])
    history.history["val_accuracy"]      # one number per epoch
    history.plot("curves.png")

The model is anything with `model(x)` returning a Variable (e.g. logits),
`parameters()`, `train()`, `eval()`, and for EarlyStopping `state_dict()` /
`load_state_dict()`: an `nn.Module`. Loaders yield `(x, t)` batches.
"""
import math
import numbers
import warnings

import numpy as np

from . import functions as F
from . import core as _core
from .device import backend
from .core import as_array, no_grad


class History:
    """What `fit` recorded: `history` maps "loss", "accuracy" (one key per
    metric) and, with a validation loader, "val_loss", "val_accuracy" ... to
    lists with one value per epoch; `epochs` lists the epoch numbers (0, 1, ...)."""

    def __init__(self):
        self.history = {}
        self.epochs = []

    def record(self, epoch, logs):
        """Append `epoch` and each value of `logs` to its list."""
        self.epochs.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)

    def __getitem__(self, name):
        return self.history[name]

    def plot(self, path, dpi=100):
        """Write the curves to the PNG at `path`: one panel per quantity
        (loss, each metric), training and validation together, against the
        epoch counted from 1 (as `fit`'s progress bar counts). Uses
        matplotlib's Agg backend directly: no window, no display needed."""
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError as e:
            raise ImportError(
                "History.plot: needs matplotlib; install it with `pip install matplotlib`") from e
        names = [name for name in self.history if not name.startswith("val_")]
        names += [name[4:] for name in self.history if name.startswith("val_") and name[4:] not in names]
        if not names:
            raise ValueError("History.plot: nothing recorded yet; run fit first")
        epochs = [epoch + 1 for epoch in self.epochs]   # counted from 1, as the progress bar does
        figure = Figure(figsize=(4.5 * len(names), 3.5))
        FigureCanvasAgg(figure)
        for i, name in enumerate(names):
            axes = figure.add_subplot(1, len(names), i + 1)
            for key, label in ((name, "train"), ("val_" + name, "validation")):
                if key in self.history:
                    axes.plot(epochs, self.history[key], marker="o", markersize=3, label=label)
            axes.set_xlabel("epoch")
            axes.set_ylabel(name)
            axes.set_title(name)
            axes.grid(alpha=0.3)
            axes.legend()
        figure.tight_layout()
        figure.savefig(path, format="png", dpi=dpi)
        return path

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items() if v)
        return f"History({len(self.epochs)} epochs; last: {last})"


class Callback:
    """Hooks `fit` calls. Override any of them."""

    def on_train_begin(self, model):
        """Before the first epoch."""

    def on_epoch_end(self, model, epoch, logs):
        """After each epoch, with `logs` the epoch's values (loss, val_loss,
        accuracy ...). Return True to stop training."""

    def on_train_end(self, model):
        """After the last epoch (or the one that stopped training)."""


class EarlyStopping(Callback):
    """Stop when `monitor` (a key of the logs, e.g. "val_loss" or
    "val_accuracy") has not improved for `patience` epochs in a row.

    Improvement means lower for losses and higher for accuracies (`mode`
    "auto" guesses from the name; or say "min" / "max"), by more than
    `min_delta`. With `restore_best`, the model gets back the weights of its
    best epoch when training ends. After fit: `best`, `best_epoch`,
    `stopped_epoch` (None if it ran all epochs).
    """

    def __init__(self, monitor="val_loss", patience=5, restore_best=True, mode="auto", min_delta=0.0):
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        self.monitor, self.patience, self.restore_best = monitor, patience, restore_best
        self.mode, self.min_delta = mode, abs(min_delta)
        self.on_train_begin(None)

    def on_train_begin(self, model):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.best_state = None
        self.stopped_epoch = None
        self.wait = 0

    def improved(self, value):
        """Whether `value` beats the best so far by more than `min_delta`
        (lower for mode "min", higher for "max")."""
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, model, epoch, logs):
        if self.monitor not in logs:
            hint = "; pass fit a val_loader to log validation values" if self.monitor.startswith("val_") else ""
            raise ValueError(
                f"EarlyStopping: monitor {self.monitor!r} is not among the logged values "
                f"{sorted(logs)}{hint}")
        value = logs[self.monitor]
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                # state_dict() copies already (on the model's device)
                self.best_state = model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model):
        if self.restore_best and self.best_state is not None:
            model.load_state_dict(self.best_state)


def metric_name(metric):
    """The log key of a metric function: its __name__ (F.accuracy -> "accuracy")."""
    while hasattr(metric, "func"):  # functools.partial
        metric = metric.func
    return getattr(metric, "__name__", type(metric).__name__)


def _number(value):
    """A Python float from a Variable, an array (of any device) or a number."""
    return float(backend.to_host(as_array(value)))


def _weighted(value, n):
    """value * n for a running total: a Python float on the host; on a
    device an array left there, so the loop never waits for the device."""
    data = value.data if isinstance(value, _core.Variable) else value
    if hasattr(data, "shape") and backend.device_of(data) is not backend.CPU:
        return data.astype(np.float64) * n
    return _number(data) * n


def to_device(batch, device):
    """A batch (an array, a Variable, or a tuple/list/dict of them) moved to `device`."""
    if isinstance(batch, _core.Variable):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if hasattr(batch, "shape"):
        return backend.to_device(batch, device)
    return batch


def run_epoch(model, loss_fn, loader, metrics=(), optimizer=None, bar=None, device=None):
    """One pass over `loader`: the sample-weighted mean loss and metrics as
    a dict. With an `optimizer`, each batch also takes a gradient step.
    `bar` (a tqdm bar) is advanced per batch. With `device`, each batch is
    moved there first; on a device the running totals stay there until the
    epoch ends (the bar then shows the loss at the end of the epoch only)."""
    totals = {"loss": 0.0}
    names = [metric_name(metric) for metric in metrics]
    count = 0
    for x, t in loader:
        if device is not None:
            x, t = to_device(x, device), to_device(t, device)
        y = model(x)
        loss = loss_fn(y, t)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        n = len(t)
        count += n
        totals["loss"] += _weighted(loss, n)
        with no_grad():
            for name, metric in zip(names, metrics):
                totals[name] = totals.get(name, 0.0) + _weighted(metric(y, t), n)
        if bar is not None:
            bar.update(1)
            if isinstance(totals["loss"], float):
                bar.set_postfix(loss=f"{totals['loss'] / count:.4f}", refresh=False)
    if count == 0:
        raise ValueError("run_epoch: the loader yielded no batches; is the dataset empty?")
    return {name: _number(total) / count for name, total in totals.items()}


def evaluate(model, loss_fn, loader, metrics=(F.accuracy,), device=None):
    """Loss and metrics of `model` over `loader`, in eval mode without
    recording a graph (batches moved to `device` when given). Returns a dict
    such as {"loss": ..., "accuracy": ...}."""
    was_training = getattr(model, "training", True)
    model.eval()
    try:
        with no_grad():
            return run_epoch(model, loss_fn, loader, metrics, device=device)
    finally:
        if was_training:
            model.train()


def _progress_bar(progress, total, description):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn("fit: tqdm is not installed, so no progress bar (pip install tqdm)", stacklevel=3)
        return None
    return tqdm(total=total, desc=description, unit="batch", leave=True, dynamic_ncols=True)


def _describe(value):
    """The type, and the repr when it is short, for an error message."""
    text = repr(value)
    return type(value).__name__ + (f" {text}" if len(text) <= 40 and "\n" not in text else "")


def _check_fit_arguments(model, optimizer, loss_fn, train_loader, val_loader):
    """A TypeError naming fit and the argument, for arguments given in the
    wrong order or of the wrong kind, before any training."""
    for name, value in (("model", model), ("loss_fn", loss_fn)):
        if not callable(value):
            raise TypeError(f"fit: {name} must be callable, got {_describe(value)}")
    if not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
        raise TypeError(f"fit: optimizer must have step() and zero_grad() (an Optimizer), got {_describe(optimizer)}")
    for name, value in (("train_loader", train_loader), ("val_loader", val_loader)):
        if value is not None and not hasattr(value, "__iter__"):
            raise TypeError(f"fit: {name} must be an iterable of (x, t) batches (a DataLoader), "
                            f"got {_describe(value)}")


def fit(model, optimizer, loss_fn, train_loader, val_loader=None, epochs=1, callbacks=(),
        metrics=(F.accuracy,), progress=True, device=None):
    """Train `model` for `epochs` passes over `train_loader`.

    Each batch: `loss = loss_fn(model(x), t)`, backward, `optimizer.step()`.
    After each epoch, with `val_loader`, the model is evaluated in eval mode
    under `no_grad`. The loss and each metric (`metric(y, t)` -> number or
    Variable) are averaged over samples and logged as "loss", "accuracy",
    "val_loss", "val_accuracy" ... `callbacks` (e.g. EarlyStopping) may stop
    training early. `progress` shows a tqdm bar per epoch. `device`
    ("cuda", "cpu") moves the model there first and each batch as it comes
    (the optimizer's state follows its parameters). Returns a `History`.
    """
    if not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
    _check_fit_arguments(model, optimizer, loss_fn, train_loader, val_loader)
    metrics, callbacks = tuple(metrics), tuple(callbacks)
    if device is not None:
        model.to(device)
    history = History()
    for callback in callbacks:
        callback.on_train_begin(model)
    for epoch in range(epochs):
        model.train()
        total = len(train_loader) if hasattr(train_loader, "__len__") else None
        bar = _progress_bar(progress, total, f"epoch {epoch + 1}/{epochs}")
        try:
            logs = run_epoch(model, loss_fn, train_loader, metrics, optimizer, bar, device)
            if val_loader is not None:
                logs.update({"val_" + k: v for k, v in
                             evaluate(model, loss_fn, val_loader, metrics, device).items()})
            if bar is not None:
                bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()})
        finally:
            if bar is not None:
                bar.close()
        history.record(epoch, logs)
        stop = [callback.on_epoch_end(model, epoch, logs) for callback in callbacks]
        if any(stop):
            break
    for callback in callbacks:
        callback.on_train_end(model)
    return history
