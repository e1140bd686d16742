# %% [markdown]
# # Lesson 7: overfitting and regularisation
#
# A big network (three hidden layers of 256 units) trained on only 100
# digits learns them by heart: training accuracy reaches 1.0 while test
# accuracy stays about ten points lower. That gap is what the remedies are
# for; each is trained here from the same start as the plain network:
#
# - **weight decay**: an L2 penalty on the weights (SGD's `weight_decay`);
# - **dropout**: Dropout(0.5) after each hidden layer, off at evaluation;
# - **early stopping**: stop when the loss on a validation split (never the
#   test set) has not improved for a while, and keep the best weights seen;
# - **more data**: the same plain network on 500 images instead of 100.
#
# Which 100 images the network gets moves the gap by a couple of points,
# as much as a remedy does, so every variant is trained on a few draws of
# the images (`--seeds`, 3 by default) and the lesson prints the mean gap
# and its range, then one sentence per remedy formatted from those numbers.
# What the full run shows (the README's picture is from it; the sentences
# it prints give the figures):
#
# - without a remedy the gap is about ten points;
# - weight decay and dropout narrow it by a point or two on average, less
#   than the spread from one draw of the images to the next: a real but
#   small help;
# - early stopping keeps the weights of an early epoch and stops soon
#   after, with the training accuracy already at 1.0: it saves most of the
#   training time but does not narrow the gap;
# - five times more data narrows it by about two thirds. 100 images are
#   only 100 images: more data is the remedy none of the others replaces.
#
# `--quick` (one draw, 20 epochs, a smaller test set) only checks that the
# lesson runs: the remedies' effects on the gap are smaller than what one
# draw moves it by, and it says so.
#
# The picture shows train and test accuracy per epoch for the first draw
# (both measured in evaluation mode, so dropout is off for the training
# accuracy too), and the gap of every draw.

# %%
"""Lesson 7: overfitting and regularisation.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import Callback, EarlyStopping, fit

HIDDEN = [256] * 3
LR = 0.05
FEW, MANY = 100, 500   # training images: the overfitting case, and "more data"

# name -> how the variant differs from the plain network
VARIANTS = {
    "no regularisation": {},
    "weight decay": {"weight_decay": 0.01},
    "dropout": {"dropout": 0.5},
    "early stopping": {"early_stopping": True},
    "more data": {"images": MANY},
}


# %%
def big_network(dropout=0.0):
    """64 -> 256 -> 256 -> 256 -> 10 with ReLU, and Dropout after each hidden layer if asked."""
    layers = []
    for n_in, n_out in zip([64] + HIDDEN, HIDDEN):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(HIDDEN[-1], 10))
    return nn.Sequential(*layers)


# %%
def loader(x, t, shuffle=False):
    return DataLoader(TensorDataset(x, t), batch_size=50, shuffle=shuffle)


# %%
class TrainAccuracy(Callback):
    """The accuracy on the training images after each epoch, in evaluation
    mode (dropout off), as the gap is measured; `fit`'s own "accuracy" is the
    running accuracy of the training batches, with dropout on."""

    def __init__(self, x, t):
        self.x, self.t, self.accuracy = x, t, []

    def on_epoch_end(self, model, epoch, logs):
        self.accuracy.append(_common.accuracy_on(model, self.x, self.t))


# %%
def train_variant(variant, train, validation, test, epochs, seed, patience, curves):
    """Train one variant from the start that `seed` gives. Returns (train
    accuracy, test accuracy, epochs run, history, early stopping callback);
    with `curves` the history holds the test accuracy per epoch (the test
    set only watches: it decides nothing)."""
    x, t = train
    x, t = x[:variant.get("images", FEW)], t[:variant.get("images", FEW)]
    mg.manual_seed(seed)
    model = big_network(variant.get("dropout", 0.0))
    optimizer = optim.SGD(model.parameters(), lr=LR, momentum=0.9, weight_decay=variant.get("weight_decay", 0.0))
    early_stopping = EarlyStopping(monitor="val_loss", patience=patience) if variant.get("early_stopping") else None
    watched = loader(*validation) if early_stopping else loader(*test) if curves else None
    train_accuracy = TrainAccuracy(x, t) if curves else None
    callbacks = [c for c in (early_stopping, train_accuracy) if c is not None]
    history = fit(model, optimizer, F.softmax_cross_entropy, loader(x, t, shuffle=True), watched,
                  epochs=epochs, callbacks=callbacks, progress=False)
    if train_accuracy is not None:
        history.history["train_accuracy_eval"] = train_accuracy.accuracy
    return (_common.accuracy_on(model, x, t), _common.accuracy_on(model, *test),
            len(history.history["loss"]), history, early_stopping)


# %%
def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--seeds", type=int, default=None,
                            help="how many draws of the training images (default: 3, 1 with --quick)")

    args = _common.parse_args("07_overfitting", __doc__, argv, add_arguments)
    epochs, patience = (20, 5) if args.quick else (80, 10)
    seeds = range(args.seeds or (1 if args.quick else 3))
    results = {name: [] for name in VARIANTS}   # name -> [(train acc, test acc, epochs run), ...]
    fig, axes = plt.subplots(1, len(VARIANTS) + 1, figsize=(22, 4.2))
    for seed in seeds:
        parts = (MANY, 100, 300) if args.quick else (MANY, 300, 997)
        train, validation, test = _common.digits_split(parts, seed=seed)
        for ax, (name, variant) in zip(axes, VARIANTS.items()):
            train_accuracy, test_accuracy, run, history, early_stopping = train_variant(
                variant, train, validation, test, epochs, seed, patience, curves=seed == 0)
            results[name].append((train_accuracy, test_accuracy, run))
            if seed == 0:
                draw_curves(ax, name, history, early_stopping, test_accuracy)

    report("draws of the training images", len(seeds))
    gaps = {}
    for name, runs in results.items():
        train_accuracy, test_accuracy, run = np.mean(runs, axis=0)
        gaps[name] = np.array([a - b for a, b, _ in runs])
        report(f"{name} train accuracy", train_accuracy)
        report(f"{name} test accuracy", test_accuracy)
        report(f"{name} gap", gaps[name].mean())
        report(f"{name} gap smallest", gaps[name].min())
        report(f"{name} gap largest", gaps[name].max())
        if VARIANTS[name].get("early_stopping"):
            report(f"{name} stopped after epochs", run, digits=1)
            report(f"{name} best epoch (weights kept)", run - patience, digits=1)
    plain = gaps["no regularisation"].mean()
    print(f"without a remedy the gap is {100 * plain:.1f} points on average"
          + (f" ({100 * gaps['no regularisation'].min():.1f} to {100 * gaps['no regularisation'].max():.1f})"
             if len(seeds) > 1 else ""))
    for name in VARIANTS:
        if name != "no regularisation":
            change = 100 * (gaps[name].mean() - plain)
            spread = f" (draw to draw it spans {100 * np.ptp(gaps[name]):.1f} points)" if len(seeds) > 1 else ""
            print(f"{name}: the gap {'narrows' if change < 0 else 'widens'} by {abs(change):.1f} points "
                  f"on average, to {100 * gaps[name].mean():.1f}{spread}")
            if VARIANTS[name].get("early_stopping"):
                run = np.mean([r for _, _, r in results[name]])
                print(f"{name}: kept the weights of epoch {run - patience:.0f} or so and stopped after "
                      f"{run:.0f} of {epochs} epochs")
    _common.quick_note(args, "07_overfitting", [
        "the remedies' effects on the gap (a point or two, less than one draw of the images moves it)",
        "when early stopping stops"])

    draw_gaps(axes[-1], gaps)
    axes[0].set_ylabel("accuracy")
    _common.save_figure(fig, args.out / "overfitting.png")


# %%
def draw_curves(ax, name, history, early_stopping, test_accuracy):
    """Train against test (or validation) accuracy per epoch, counted from 1,
    both in evaluation mode."""
    epochs = range(1, len(history.history["accuracy"]) + 1)
    ax.plot(epochs, history.history["train_accuracy_eval"], label="train")
    if early_stopping is None:
        ax.plot(epochs, history.history["val_accuracy"], label="test")
    else:
        ax.plot(epochs, history.history["val_accuracy"], label="validation")
        ax.axvline(early_stopping.best_epoch + 1, color="gray", linestyle="--", label="best epoch")
        ax.axhline(test_accuracy, color="tab:red", linestyle=":", label="test (best weights)")
    ax.set(title=f"{name} (first draw)", xlabel="epoch", ylim=(0, 1.02))
    ax.legend(loc="lower right")


def draw_gaps(ax, gaps):
    """Each variant's gap for every draw of the images, and their mean."""
    for k, (name, gap) in enumerate(gaps.items()):
        ax.bar(k, 100 * gap.mean(), color="tab:blue", alpha=0.4)
        ax.plot([k] * len(gap), 100 * gap, "o", color="black", markersize=4)
    ax.set_xticks(range(len(gaps)), [name.replace(" ", "\n") for name in gaps], fontsize=7, rotation=30)
    ax.set(title="train - test accuracy (points)", ylabel="gap (mean, and each draw)")


# %%
if __name__ == "__main__":
    main()
