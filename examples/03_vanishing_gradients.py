# %% [markdown]
# # Lesson 3: activations and vanishing gradients
#
# Two deep networks on the digits, ten Linear layers each, identical but for
# the activation: sigmoid (Xavier initialisation, the one made for it) and
# ReLU (He initialisation). The sigmoid's derivative is at most 1/4, so the
# backward pass multiplies the gradient by a small factor at every layer:
# the first layers receive almost nothing and learn slowly. ReLU passes the
# gradient through unchanged wherever a unit is active.
#
# Prints the gradient norm of every layer's weight on one batch, then
# trains both networks for a few epochs and prints their losses.

# %%
"""Lesson 3: activations and vanishing gradients.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

DEPTH, WIDTH = 10, 64
NETWORKS = {"sigmoid": (F.sigmoid, nn.init.xavier_normal_), "relu": (F.relu, nn.init.he_normal_)}


# %%
def deep_network(activation, initialise):
    model = nn.MLP([64] + [WIDTH] * (DEPTH - 1) + [10], activation=activation)
    for layer in model.layers:
        initialise(layer.weight)
    return model


# %%
def gradient_norms(model, x, t):
    """The norm of d(loss)/d(weight) for each layer, input side first."""
    model.zero_grad()
    F.softmax_cross_entropy(model(mg.Variable(x)), t).backward()
    return np.array([np.linalg.norm(layer.weight.grad.data) for layer in model.layers])


# %%
def main(argv=None):
    args = _common.parse_args("03_vanishing_gradients", __doc__, argv)
    epochs = 3 if args.quick else 15
    (x_train, t_train), (x_test, t_test) = _common.digits_split((0.8, 0.2), n=500 if args.quick else None)
    loader = DataLoader(TensorDataset(x_train, t_train), batch_size=32, shuffle=True)

    fig, (ax_norms, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for name, (activation, initialise) in NETWORKS.items():
        mg.manual_seed(0)
        model = deep_network(activation, initialise)
        norms = gradient_norms(model, x_train[:256], t_train[:256])
        for layer, norm in enumerate(norms, start=1):
            report(f"{name} gradient norm layer {layer}", f"{norm:.3e}")
        report(f"{name} gradient norm ratio first/last layer", f"{norms[0] / norms[-1]:.3e}")
        ax_norms.semilogy(range(1, DEPTH + 1), norms, "o-", label=name)

        history = fit(model, optim.SGD(model.parameters(), lr=0.1), F.softmax_cross_entropy, loader,
                      epochs=epochs, progress=False)
        losses = history.history["loss"]
        report(f"{name} first epoch loss", losses[0])
        report(f"{name} last epoch loss", losses[-1])
        report(f"{name} test accuracy", _common.accuracy_on(model, x_test, t_test))
        ax_loss.plot(range(1, epochs + 1), losses, label=name)

    ax_norms.set(title=f"gradient norm per layer at initialisation ({DEPTH} layers)",
                 xlabel="layer (1 = next to the input)", ylabel="||dL/dW||")
    ax_norms.legend()
    ax_loss.set(title="training loss, SGD lr 0.1", xlabel="epoch", ylabel="cross entropy")
    ax_loss.legend()
    _common.save_figure(fig, args.out / "vanishing_gradients.png")


# %%
if __name__ == "__main__":
    main()
