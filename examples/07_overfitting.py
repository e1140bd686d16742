# %% [markdown]
# # Lesson 7: overfitting and regularisation
#
# A big network (three hidden layers of 256 units) trained on only 100
# digits learns them by heart: training accuracy reaches 1.0 while test
# accuracy stays well below. Three remedies, each trained from the same
# start, each narrowing the gap a little (100 images are still only 100
# images: more data is the remedy none of them replaces):
#
#   weight decay    an L2 penalty on the weights (SGD's `weight_decay`);
#   dropout         Dropout(0.5) after each hidden layer, off at evaluation;
#   early stopping  stop when the loss on a validation split (never the test
#                   set) has not improved for a while, and keep the best
#                   weights seen.
#
# Prints train and test accuracy and their gap for each, and draws the
# curves of train against test accuracy per epoch.

# %%
"""Lesson 7: overfitting and regularisation.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import EarlyStopping, fit

HIDDEN = [256] * 3
LR = 0.05


# %%
def big_network(dropout=0.0):
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
def main(argv=None):
    args = _common.parse_args("07_overfitting", __doc__, argv)
    epochs = 15 if args.quick else 150
    train, validation, test = _common.digits_split((100, 100, 300) if args.quick else (100, 300, 1397))
    train_loader = loader(*train, shuffle=True)

    variants = {
        "no regularisation": (lambda: big_network(), {}, None),
        "weight decay": (lambda: big_network(), {"weight_decay": 0.01}, None),
        "dropout": (lambda: big_network(dropout=0.5), {}, None),
        "early stopping": (lambda: big_network(), {},
                           EarlyStopping(monitor="val_loss", patience=5 if args.quick else 15)),
    }
    fig, axes = plt.subplots(1, len(variants), figsize=(16, 4), sharey=True)
    for ax, (name, (make_model, decay, early_stopping)) in zip(axes, variants.items()):
        mg.manual_seed(0)
        model = make_model()
        optimizer = optim.SGD(model.parameters(), lr=LR, momentum=0.9, **decay)
        if early_stopping is None:
            # The test set only watches here; it decides nothing.
            history = fit(model, optimizer, F.softmax_cross_entropy, train_loader, loader(*test),
                          epochs=epochs, progress=False)
        else:
            history = fit(model, optimizer, F.softmax_cross_entropy, train_loader, loader(*validation),
                          epochs=epochs, callbacks=[early_stopping], progress=False)
            report(f"{name} stopped after epochs", len(history.history["loss"]))
            report(f"{name} best epoch (weights kept)", early_stopping.best_epoch + 1)
        train_accuracy = _common.accuracy_on(model, *train)
        test_accuracy = _common.accuracy_on(model, *test)
        report(f"{name} train accuracy", train_accuracy)
        report(f"{name} test accuracy", test_accuracy)
        report(f"{name} gap", train_accuracy - test_accuracy)

        run = range(1, len(history.history["accuracy"]) + 1)
        ax.plot(run, history.history["accuracy"], label="train")
        if early_stopping is None:
            ax.plot(run, history.history["val_accuracy"], label="test")
        else:
            ax.plot(run, history.history["val_accuracy"], label="validation")
            ax.axvline(early_stopping.best_epoch + 1, color="gray", linestyle="--", label="best epoch")
            ax.axhline(test_accuracy, color="tab:red", linestyle=":", label="test (best weights)")
        ax.set(title=f"{name}\ntrain {train_accuracy:.3f}, test {test_accuracy:.3f}", xlabel="epoch")
        ax.legend(loc="lower right")
    axes[0].set_ylabel("accuracy")
    _common.save_figure(fig, args.out / "overfitting.png")


# %%
if __name__ == "__main__":
    main()
