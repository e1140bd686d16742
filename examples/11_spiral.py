# %% [markdown]
# # Lesson 11: classification where no straight line will do
#
# Three interleaved spiral arms in the plane. A linear classifier can only
# cut the plane into three wedges; a network with two hidden layers bends
# its decision boundary around the arms. Prints the accuracy of both on a
# fresh spiral (another seed) and draws the boundary each one learned.

# %%
"""Lesson 11: classification where no straight line will do.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset, datasets
from minigrad.train import fit

MODELS = {"linear": [2, 3], "MLP 2-64-64-3": [2, 64, 64, 3]}


# %%
def main(argv=None):
    args = _common.parse_args("11_spiral", __doc__, argv)
    epochs = 60 if args.quick else 300
    x, t = datasets.spiral(n_per_class=100, seed=0)
    x_test, t_test = datasets.spiral(n_per_class=100, seed=1)
    loader = DataLoader(TensorDataset(x, t), batch_size=30, shuffle=True)

    xs, ys = np.meshgrid(np.linspace(-1.1, 1.1, 300), np.linspace(-1.1, 1.1, 300))
    grid = np.c_[xs.ravel(), ys.ravel()].astype(np.float32)
    fig, axes = plt.subplots(1, len(MODELS), figsize=(10, 4.8))
    for ax, (name, sizes) in zip(axes, MODELS.items()):
        mg.manual_seed(0)
        model = nn.MLP(sizes)
        history = fit(model, optim.Adam(model.parameters(), lr=0.01), F.softmax_cross_entropy, loader,
                      epochs=epochs, progress=False)
        report(f"{name} first epoch loss", history.history["loss"][0])
        report(f"{name} last epoch loss", history.history["loss"][-1])
        report(f"{name} train accuracy", _common.accuracy_on(model, x, t))
        report(f"{name} test accuracy", _common.accuracy_on(model, x_test, t_test))
        with mg.no_grad():
            regions = model(mg.Variable(grid)).data.argmax(axis=1).reshape(xs.shape)
        ax.contourf(xs, ys, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=["#c6dbef", "#fdd0a2", "#c7e9c0"])
        for c, marker in zip(range(3), "o^s"):
            ax.scatter(*x[t == c].T, s=14, marker=marker, color=f"C{c}", edgecolor="black", linewidth=0.3)
        ax.set(title=name, aspect="equal", xticks=[], yticks=[])
    fig.suptitle("spiral: decision regions of a linear classifier and of an MLP")
    _common.save_figure(fig, args.out / "spiral.png")


# %%
if __name__ == "__main__":
    main()
