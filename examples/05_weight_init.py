# %% [markdown]
# # Lesson 5: weight initialisation
#
# One deep ReLU network (five hidden layers of 100 units) started three ways:
# normal weights of standard deviation 0.01, Xavier (std sqrt(1/fan_in)
# with fan_out, made for tanh and sigmoid) and He (std sqrt(2/fan_in), made
# for ReLU, which zeroes half its inputs). With std 0.01 each layer shrinks
# the signal about tenfold: the last layers see almost nothing, gradients
# vanish and the loss stays at log(10) = 2.30. Xavier shrinks it slowly; He
# keeps the spread of the activations the same in every layer.
#
# Prints the spread of each layer's activations and the training losses;
# draws a histogram of the activations per layer and the loss curves.

# %%
"""Lesson 5: weight initialisation.

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
INITIALISERS = {
    "std 0.01": lambda w: nn.init.normal_(w, std=0.01),
    "Xavier": nn.init.xavier_normal_,
    "He": nn.init.he_normal_,
}


# %%
def network(initialise):
    model = nn.MLP([64] + HIDDEN + [10], activation=F.relu)
    for layer in model.layers:
        initialise(layer.weight)
    return model


# %%
def hidden_activations(model, x):
    """The output of every hidden layer (after its ReLU) on the batch x."""
    activations = []
    with mg.no_grad():
        h = mg.Variable(x)
        for layer in model.layers[:-1]:
            h = model.activation(layer(h))
            activations.append(h.data)
    return activations


# %%
def main(argv=None):
    args = _common.parse_args("05_weight_init", __doc__, argv)
    epochs = 3 if args.quick else 20
    x_train, t_train = _common.digits_split((1.0,), n=500 if args.quick else None)[0]
    loader = DataLoader(TensorDataset(x_train, t_train), batch_size=32, shuffle=True)

    fig = plt.figure(figsize=(15, 7))
    grid = fig.add_gridspec(len(INITIALISERS), len(HIDDEN) + 2)
    ax_loss = fig.add_subplot(grid[:, len(HIDDEN):])
    for row, (name, initialise) in enumerate(INITIALISERS.items()):
        mg.manual_seed(0)
        model = network(initialise)
        activations = hidden_activations(model, x_train)
        bins = np.linspace(0, max(a.max() for a in activations) or 1.0, 30)
        for column, a in enumerate(activations):
            report(f"{name} activation std layer {column + 1}", f"{a.std():.3e}")
            ax = fig.add_subplot(grid[row, column])
            ax.hist(a[a > 0], bins=bins, color=f"C{row}")   # ReLU zeroes about half; leave those out
            ax.set_title(f"layer {column + 1}: std {a.std():.2g}", fontsize=9)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            if column == 0:
                ax.set_ylabel(name)

        history = fit(model, optim.SGD(model.parameters(), lr=0.05), F.softmax_cross_entropy, loader,
                      epochs=epochs, progress=False)
        losses = history.history["loss"]
        report(f"{name} first epoch loss", losses[0])
        report(f"{name} last epoch loss", losses[-1])
        ax_loss.plot(range(1, epochs + 1), losses, color=f"C{row}", label=name)

    ax_loss.set(title="training loss, SGD lr 0.05", xlabel="epoch", ylabel="cross entropy")
    ax_loss.legend()
    fig.suptitle("non-zero activations of each hidden layer (ReLU) at initialisation, and training")
    _common.save_figure(fig, args.out / "weight_init.png")


# %%
if __name__ == "__main__":
    main()
