# %% [markdown]
# # Lesson 6: batch normalisation
#
# The same deep network (five hidden layers of 100 ReLU units) trained with
# and without a BatchNorm1d after each hidden Linear layer. Batch norm
# standardises every unit over the mini-batch, then scales and shifts it by
# learned parameters; training sees well-spread activations in every layer
# whatever the weights, so it learns faster and tolerates a poor
# initialisation. Evaluation uses the running averages instead of batch
# statistics (`model.eval()`).
#
# Runs both networks from three starts: weights of std 0.05 (too small for
# a deep net: the signal fades), He initialisation (right for ReLU) and
# std 0.3 (too large: the signal grows layer by layer and, without batch
# norm, training blows up). Draws the training curves.

# %%
"""Lesson 6: batch normalisation.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

HIDDEN = [100] * 5
STARTS = {
    "std 0.05 init": lambda w: nn.init.normal_(w, std=0.05),
    "He init": nn.init.he_normal_,
    "std 0.3 init": lambda w: nn.init.normal_(w, std=0.3),
}
LR = 0.1


# %%
def network(batch_norm, initialise):
    layers = []
    for n_in, n_out in zip([64] + HIDDEN, HIDDEN):
        layers.append(nn.Linear(n_in, n_out))
        if batch_norm:
            layers.append(nn.BatchNorm1d(n_out))
        layers.append(nn.ReLU())
    layers.append(nn.Linear(HIDDEN[-1], 10))
    for layer in layers:
        if isinstance(layer, nn.Linear):
            initialise(layer.weight)
    return nn.Sequential(*layers)


# %%
def main(argv=None):
    args = _common.parse_args("06_batch_norm", __doc__, argv)
    epochs = 3 if args.quick else 15
    (x_train, t_train), (x_test, t_test) = _common.digits_split((0.8, 0.2), n=500 if args.quick else None)
    loader = DataLoader(TensorDataset(x_train, t_train), batch_size=64, shuffle=True)

    fig, axes = plt.subplots(1, len(STARTS), figsize=(14, 4), sharey=True)
    for ax, (start, initialise) in zip(axes, STARTS.items()):
        for batch_norm, style in ((False, "--"), (True, "-")):
            label = "with batch norm" if batch_norm else "without"
            mg.manual_seed(0)
            model = network(batch_norm, initialise)
            with np.errstate(all="ignore"):   # a run that blows up overflows; its accuracy shows it
                history = fit(model, optim.SGD(model.parameters(), lr=LR), F.softmax_cross_entropy, loader,
                              epochs=epochs, progress=False)
            accuracy = history.history["accuracy"]
            report(f"{start} {label} first epoch accuracy", accuracy[0])
            report(f"{start} {label} last epoch accuracy", accuracy[-1])
            report(f"{start} {label} test accuracy", _common.accuracy_on(model, x_test, t_test))
            ax.plot(range(1, epochs + 1), accuracy, style, label=label)
        ax.set(title=f"{start}, SGD lr {LR}", xlabel="epoch")
        ax.legend()
    axes[0].set_ylabel("training accuracy")
    _common.save_figure(fig, args.out / "batch_norm.png")


# %%
if __name__ == "__main__":
    main()
