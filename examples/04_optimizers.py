# %% [markdown]
# # Lesson 4: optimisers
#
# SGD, Momentum, AdaGrad, RMSProp and Adam.
#
# First on a toy surface, f(x, y) = x**2 / 20 + y**2: a long, flat valley
# along x. Plain SGD zig-zags across the steep y direction and crawls along
# x; momentum builds up speed along the valley; AdaGrad, RMSProp and Adam
# scale each coordinate's step by its own gradient history. Each path starts
# at (-7, 2) and is drawn over the contours of f.
#
# Then on real data: the same small network trained on the scikit-learn
# digits by each optimiser, with its loss curve per epoch.

# %%
"""Lesson 4: optimisers.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

START = (-7.0, 2.0)

# Learning rates that show each method's character on the toy surface.
SURFACE_OPTIMISERS = {
    "SGD": lambda p: optim.SGD(p, lr=0.95),
    "Momentum": lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    "AdaGrad": lambda p: optim.AdaGrad(p, lr=1.5),
    "RMSProp": lambda p: optim.RMSprop(p, lr=0.3, alpha=0.9),
    "Adam": lambda p: optim.Adam(p, lr=0.3),
}

# Usual learning rates for a network.
NETWORK_OPTIMISERS = {
    "SGD": lambda p: optim.SGD(p, lr=0.1),
    "Momentum": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    "AdaGrad": lambda p: optim.AdaGrad(p, lr=0.05),
    "RMSProp": lambda p: optim.RMSprop(p, lr=1e-3),
    "Adam": lambda p: optim.Adam(p, lr=1e-3),
}


# %%
def surface(x, y):
    return x ** 2 / 20 + y ** 2


# %%
def descend(make_optimizer, steps):
    """The points an optimiser visits on `surface`, starting at START."""
    point = mg.Variable(np.array(START))
    optimizer = make_optimizer([point])
    path = [point.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        surface(point[0], point[1]).backward()
        optimizer.step()
        path.append(point.data.copy())
    return np.array(path)


# %%
def train_digits(make_optimizer, train, epochs):
    """Per-epoch training loss of one network trained with one optimiser."""
    mg.manual_seed(0)   # every optimiser starts from the same weights
    model = nn.MLP([64, 100, 100, 10])
    loader = DataLoader(TensorDataset(*train), batch_size=64, shuffle=True)
    history = fit(model, make_optimizer(model.parameters()), F.softmax_cross_entropy, loader,
                  epochs=epochs, progress=False)
    return history.history["loss"]


# %%
def main(argv=None):
    args = _common.parse_args("04_optimizers", __doc__, argv)
    steps, epochs = (30, 3) if args.quick else (30, 20)
    train = _common.digits_split((1.0,), n=400 if args.quick else None)[0]

    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    xs, ys = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
    for ax, (name, make_optimizer) in zip(axes.flat, SURFACE_OPTIMISERS.items()):
        path = descend(make_optimizer, steps)
        report(f"{name} f after {steps} steps", surface(*path[-1]))
        ax.contour(xs, ys, surface(xs, ys), levels=np.geomspace(0.05, 30, 12), colors="0.55", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
        ax.plot(0, 0, "+", color="black", markersize=10)
        ax.set(title=name, xlim=(-10, 10), ylim=(-5, 5), xlabel="x", ylabel="y")

    ax = axes.flat[-1]
    for name, make_optimizer in NETWORK_OPTIMISERS.items():
        losses = train_digits(make_optimizer, train, epochs)
        report(f"{name} digits loss first epoch", losses[0])
        report(f"{name} digits loss last epoch", losses[-1])
        ax.plot(range(1, epochs + 1), losses, label=name)
    ax.set(title="digits: training loss", xlabel="epoch", ylabel="cross entropy", yscale="log")
    ax.legend()
    fig.suptitle("f(x, y) = x\u00b2/20 + y\u00b2 from (-7, 2), then a network on the digits")
    _common.save_figure(fig, args.out / "optimizers.png")


# %%
if __name__ == "__main__":
    main()
