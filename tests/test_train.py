"""minigrad.train: fit, History, EarlyStopping, on real data (the 8x8 digits)."""
import time
from functools import partial

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset, datasets, random_split, transforms
from minigrad.train import Callback, EarlyStopping, History, evaluate, fit


def _digits_loaders(train_fraction=0.75, limit=None):
    """Digits split at random (minigrad's generator) and standardized with
    the training part's mean and spread."""
    pytest.importorskip("sklearn")
    x, t = datasets.digits()
    if limit is not None:
        x, t = x[:limit], t[:limit]
    train_part, test_part = random_split(TensorDataset(x, t), (train_fraction, 1 - train_fraction))
    x_train = x[train_part.indices]
    scale = partial(transforms.standardize, mean=x_train.mean(), std=x_train.std())
    train = TensorDataset(x_train, t[train_part.indices], transform=scale)
    test = TensorDataset(x[test_part.indices], t[test_part.indices], transform=scale)
    return DataLoader(train, batch_size=32, shuffle=True), DataLoader(test, batch_size=256)


def test_mlp_learns_digits_to_97_percent_on_held_out_data():
    mg.manual_seed(0)
    train, test = _digits_loaders()
    model = nn.MLP([64, 128, 10])
    stopper = EarlyStopping(monitor="val_loss", patience=5)
    start = time.perf_counter()
    history = fit(model, optim.Adam(model.parameters(), lr=3e-3), F.softmax_cross_entropy, train, test,
                  epochs=25, callbacks=[stopper], progress=False)
    elapsed = time.perf_counter() - start

    assert isinstance(history, History)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    n_epochs = len(history.epochs)
    assert all(len(values) == n_epochs for values in history.history.values())
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    result = evaluate(model, F.softmax_cross_entropy, test)
    assert result["accuracy"] >= 0.97, result
    # The restored weights are those of the best epoch.
    assert result["loss"] == pytest.approx(min(history.history["val_loss"]), rel=1e-5)
    assert result["accuracy"] == pytest.approx(history.history["val_accuracy"][stopper.best_epoch])
    assert elapsed < 60, f"training took {elapsed:.1f} s"


def test_early_stopping_stops_and_restores_the_best_weights_in_fit():
    mg.manual_seed(0)
    train, test = _digits_loaders(train_fraction=0.3, limit=400)  # 120 training samples: overfits fast
    model = nn.MLP([64, 128, 10])
    stopper = EarlyStopping(monitor="val_loss", patience=3)
    history = fit(model, optim.Adam(model.parameters(), lr=3e-2), F.softmax_cross_entropy, train, test,
                  epochs=60, callbacks=[stopper], progress=False)
    val_loss = history.history["val_loss"]
    assert stopper.stopped_epoch is not None and len(val_loss) == stopper.stopped_epoch + 1 < 60
    assert stopper.best_epoch == int(np.argmin(val_loss)) == len(val_loss) - 1 - stopper.patience
    restored = evaluate(model, F.softmax_cross_entropy, test)["loss"]
    assert restored == pytest.approx(stopper.best, rel=1e-5)
    assert restored < val_loss[-1]


def test_early_stopping_rules_step_by_step():
    layer = nn.Linear(2, 1)
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    stopper.on_train_begin(layer)
    stops = []
    for epoch, value in enumerate([3.0, 2.0, 2.5, 1.9, 2.0, 2.1, 1.0]):
        layer.weight.data[...] = epoch
        stops.append(stopper.on_epoch_end(layer, epoch, {"val_loss": value}))
        if stops[-1]:
            break
    assert stops == [False, False, False, False, False, True]
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (1.9, 3, 5)
    stopper.on_train_end(layer)
    np.testing.assert_array_equal(layer.weight.data, 3.0)

    keep = EarlyStopping(monitor="val_accuracy", patience=1, restore_best=False)
    assert keep.mode == "max"
    keep.on_train_begin(layer)
    assert not keep.on_epoch_end(layer, 0, {"val_accuracy": 0.5})
    assert keep.on_epoch_end(layer, 1, {"val_accuracy": 0.4})
    keep.on_train_end(layer)
    np.testing.assert_array_equal(layer.weight.data, 3.0)  # untouched


def test_early_stopping_needs_the_value_it_monitors():
    x, t = datasets.spiral(n_per_class=10)
    model = nn.MLP([2, 8, 3])
    with pytest.raises(ValueError, match="monitor 'val_loss' is not among the logged values.*val_loader"):
        fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
            DataLoader((x, t), batch_size=10), callbacks=[EarlyStopping()], progress=False)


class Recorder(nn.Module):
    """A linear model that notes, at each call, the mode and whether a graph is recorded."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 3)
        self.calls = []

    def forward(self, x):
        self.calls.append((self.training, mg.is_grad_enabled(), len(x)))
        return self.linear(x)


def test_fit_trains_in_train_mode_and_validates_in_eval_mode_without_a_graph():
    mg.manual_seed(0)
    x, t = datasets.spiral(n_per_class=20)
    model = Recorder()
    calls = []

    class Spy(Callback):
        def on_epoch_end(self, model, epoch, logs):
            calls.append((epoch, sorted(logs)))

    history = fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
                  DataLoader((x, t), batch_size=25, shuffle=True), DataLoader((x, t), batch_size=60),
                  epochs=2, callbacks=[Spy()], progress=False)
    one_epoch = [(True, True, 25), (True, True, 25), (True, True, 10), (False, False, 60)]
    assert model.calls == one_epoch * 2
    assert model.training
    keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert calls == [(0, keys), (1, keys)]
    assert history.epochs == [0, 1]


def test_losses_and_metrics_are_sample_weighted_means():
    x, t = datasets.spiral(n_per_class=5)  # 15 samples: batches of 10 and 5
    model = nn.MLP([2, 4, 3])
    history = fit(model, optim.SGD(model.parameters(), lr=0.0), F.softmax_cross_entropy,
                  DataLoader((x, t), batch_size=10), epochs=1, progress=False)
    with mg.no_grad():
        y = model(x)
        expected_loss = F.softmax_cross_entropy(y, t).item()
        expected_accuracy = F.accuracy(y, t).item()
    assert history.history["loss"] == [pytest.approx(expected_loss, rel=1e-5)]
    assert history.history["accuracy"] == [pytest.approx(expected_accuracy)]
    assert "val_loss" not in history.history


def test_custom_metrics_are_named_after_the_function():
    x, t = datasets.spiral(n_per_class=5)

    def error_rate(y, t):
        return 1.0 - F.accuracy(y, t).item()

    model = nn.MLP([2, 4, 3])
    history = fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
                  DataLoader((x, t), batch_size=15), epochs=2, metrics=(error_rate,), progress=False)
    assert sorted(history.history) == ["error_rate", "loss"]
    history = fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
                  DataLoader((x, t), batch_size=15), epochs=1, metrics=(), progress=False)
    assert list(history.history) == ["loss"]


def test_a_label_out_of_range_is_a_clear_error():
    x, t = datasets.spiral(n_per_class=5)
    t = t.copy()
    t[3] = 7
    model = nn.MLP([2, 4, 3])
    with pytest.raises(ValueError, match="out of range for 3 classes"):
        fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
            DataLoader((x, t), batch_size=15), progress=False)


def test_progress_bar_goes_to_stderr(capsys):
    pytest.importorskip("tqdm")
    x, t = datasets.spiral(n_per_class=5)
    model = nn.MLP([2, 4, 3])
    fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
        DataLoader((x, t), batch_size=5), epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and "epoch 2/2" in err and "3/3" in err and "loss=" in err


def test_history_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    history = History()
    for epoch, (loss, val_loss) in enumerate([(1.0, 1.2), (0.6, 0.9), (0.4, 0.8)]):
        history.record(epoch, {"loss": loss, "accuracy": 1 - loss, "val_loss": val_loss, "val_accuracy": 0.5})
    path = tmp_path / "curves.png"
    assert history.plot(str(path)) == str(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    with pytest.raises(ValueError, match="nothing recorded"):
        History().plot(str(tmp_path / "empty.png"))


def test_bad_arguments():
    x, t = datasets.spiral(n_per_class=5)
    model = nn.MLP([2, 4, 3])
    with pytest.raises(ValueError, match="epochs must be an integer >= 0"):
        fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy, DataLoader((x, t)), epochs=-1)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy,
            DataLoader((x[:0], t[:0])), progress=False)
    with pytest.raises(ValueError, match="patience must be an integer"):
        EarlyStopping(patience=-1)
