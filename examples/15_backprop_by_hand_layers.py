# %% [markdown]
# # Lesson 15: backprop written by hand, checked against the engine
#
# Before automatic differentiation, each layer of a network was written
# twice: a `forward` that computes and remembers what it needs, and a
# `backward` that takes the gradient of the loss with respect to its output
# and returns the gradient with respect to its input (and stores those of its
# weights). Three layers are enough for a classifier:
#
#     Affine           y = x W + b       dx = dy Wᵀ     dW = xᵀ dy     db = Σ_rows dy
#     ReLU             y = max(x, 0)     dx = dy · [x > 0]
#     SoftmaxWithLoss  L = -mean log softmax(s)[t]      ds = (softmax(s) - onehot(t)) / N
#
# The network below is Affine → ReLU → Affine → SoftmaxWithLoss in plain
# NumPy, layer by layer. The same network is then written with minigrad
# ops, which never see a hand-written backward: `loss.backward()` derives
# every gradient from the graph. In float64 the two agree to rounding, about
# 1e-16 (the lesson asks for 1e-10), and they stay together for a whole training
# run on the digits.

# %%
"""Lesson 15: backprop written by hand (Affine, ReLU and SoftmaxWithLoss
layers in NumPy with forward and backward) checked against minigrad.

    python examples/15_backprop_by_hand_layers.py [--quick] [--out DIR]
"""
import numpy as np

import _common
from _common import F, mg, plt, report

TOLERANCE = 1e-10


# %% [markdown]
# ## The layers, by hand
#
# Each layer keeps, in `forward`, exactly what its `backward` needs: the
# input for Affine, the mask of positive inputs for ReLU, the softmax
# probabilities and the labels for the loss.

# %%
class Affine:
    """y = x @ W + b for x (N, D), W (D, M), b (M,).
    backward: dx = dy @ W.T, dW = x.T @ dy, db = dy summed over the batch."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dy):
        self.dW = self.x.T @ dy
        self.db = dy.sum(axis=0)
        return dy @ self.W.T


class Relu:
    """y = max(x, 0).   backward: dx = dy where x > 0, else 0."""

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0.0)

    def backward(self, dy):
        return np.where(self.mask, dy, 0.0)


class SoftmaxWithLoss:
    """L = mean over the batch of -log softmax(s)[t], for scores s (N, C)
    and integer labels t (N,).   backward: ds = (softmax(s) - onehot(t)) / N."""

    def forward(self, s, t):
        shifted = s - s.max(axis=1, keepdims=True)   # exp of large scores would overflow
        self.p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        self.t = t
        return -np.log(self.p[np.arange(len(t)), t]).mean()

    def backward(self, dL=1.0):
        ds = self.p.copy()
        ds[np.arange(len(self.t)), self.t] -= 1
        return dL * ds / len(self.t)


class TwoLayerNet:
    """Affine -> ReLU -> Affine -> SoftmaxWithLoss, gradients by hand.
    `params` is a dict of float64 arrays W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""

    def __init__(self, params):
        self.params = params
        self.layers = [Affine(params["W1"], params["b1"]), Relu(), Affine(params["W2"], params["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def gradients(self, x, t):
        """The loss, and d loss / d param for each parameter: forward, then
        the layers' backward in reverse order."""
        loss = self.loss(x, t)
        dy = self.last_layer.backward()
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        first, _, second = self.layers
        return loss, {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}


# %% [markdown]
# ## The same network, by the engine
#
# Only the forward pass is written; `backward()` does the rest.

# %%
def engine_gradients(params, x, t):
    """The loss and its gradients from minigrad's backward pass."""
    variables = {name: mg.Variable(value, name=name) for name, value in params.items()}
    hidden = F.relu(mg.Variable(x) @ variables["W1"] + variables["b1"])
    loss = F.softmax_cross_entropy(hidden @ variables["W2"] + variables["b2"], t)
    loss.backward()
    return loss.item(), {name: v.grad.data for name, v in variables.items()}


def initial_params(sizes, seed=0):
    """He-initialised float64 weights for the sizes (D, H, C)."""
    rng = np.random.default_rng(seed)
    D, H, C = sizes
    return {"W1": rng.normal(size=(D, H)) * np.sqrt(2 / D), "b1": np.zeros(H),
            "W2": rng.normal(size=(H, C)) * np.sqrt(2 / H), "b2": np.zeros(C)}


def numerical_gradient(net, x, t, name, eps=1e-6, entries=20, seed=0):
    """Central differences of the loss along `entries` random entries of
    one parameter: (indices, their numerical gradients)."""
    rng = np.random.default_rng(seed)
    array = net.params[name]
    flat = rng.choice(array.size, size=min(entries, array.size), replace=False)
    values = []
    indices = list(zip(*np.unravel_index(flat, array.shape)))
    for index in indices:
        saved = array[index]
        array[index] = saved + eps
        up = net.loss(x, t)
        array[index] = saved - eps
        down = net.loss(x, t)
        array[index] = saved
        values.append((up - down) / (2 * eps))
    return indices, np.array(values)


# %% [markdown]
# ## Running it
#
# First one batch: the loss and every gradient from both, and a numerical
# check of the hand-written ones. Then both networks are trained from the
# same start with the same batches (plain SGD on their own gradients), to
# see that their losses stay together step after step.

# %%
def main(argv=None):
    args = _common.parse_args("15_backprop_by_hand_layers", __doc__, argv)
    (x_train, t_train), (x_test, t_test) = _common.digits_split((0.8, 0.2), n=500 if args.quick else None)
    x_train, x_test = x_train.astype(np.float64), x_test.astype(np.float64)
    params = initial_params((64, 50, 10))

    net = TwoLayerNet({name: value.copy() for name, value in params.items()})
    x, t = x_train[:100], t_train[:100]
    hand_loss, by_hand = net.gradients(x, t)
    engine_loss, by_engine = engine_gradients(net.params, x, t)
    report("loss by hand", hand_loss, digits=12)
    report("loss by minigrad", engine_loss, digits=12)
    print(f"{'parameter':>9} {'shape':>9} {'max |by hand - minigrad|':>26} {'max |by hand - numerical|':>27}")
    differences = {}
    for name in params:
        differences[name] = np.abs(by_hand[name] - by_engine[name]).max()
        indices, numerical = numerical_gradient(net, x, t, name)
        versus_numerical = np.abs(np.array([by_hand[name][i] for i in indices]) - numerical).max()
        print(f"{name:>9} {str(by_hand[name].shape):>9} {differences[name]:26.2e} {versus_numerical:27.2e}")
    worst = max(differences.values())
    report("max |by hand - minigrad| over all gradients", f"{worst:.2e}")
    report(f"agree to {TOLERANCE:g}", "yes" if worst < TOLERANCE else "no")

    # Train both from the same start on the same batches.
    epochs, lr, batch = (3 if args.quick else 20), 0.3, 50
    hand = {name: value.copy() for name, value in params.items()}
    engine = {name: value.copy() for name, value in params.items()}
    hand_net = TwoLayerNet(hand)
    hand_losses, engine_losses = [], []
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            loss, grads = hand_net.gradients(x_train[rows], t_train[rows])
            hand_losses.append(loss)
            for name in hand:
                hand[name] -= lr * grads[name]   # in place: the layers hold these arrays
            loss, grads = engine_gradients(engine, x_train[rows], t_train[rows])
            engine_losses.append(loss)
            for name in engine:
                engine[name] -= lr * grads[name]
    hand_losses, engine_losses = np.array(hand_losses), np.array(engine_losses)
    drift = max(np.abs(hand[name] - engine[name]).max() for name in hand)
    report("training steps", len(hand_losses))
    report("first step loss", hand_losses[0])
    report("last step loss", hand_losses[-1])
    report("max |loss by hand - loss by minigrad| over training", f"{np.abs(hand_losses - engine_losses).max():.2e}")
    report("max |weights by hand - weights by minigrad| after training", f"{drift:.2e}")
    predictions = TwoLayerNet(hand)
    scores = x_test
    for layer in predictions.layers:
        scores = layer.forward(scores)
    report("test accuracy (weights trained by hand)", (scores.argmax(axis=1) == t_test).mean())

    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4))
    left.bar(list(differences), [max(d, 1e-20) for d in differences.values()], color="tab:green")
    left.axhline(TOLERANCE, color="tab:red", linestyle="--", label=f"{TOLERANCE:g}")
    left.set(yscale="log", ylim=(1e-20, 1e-6), title="one batch: max |by hand - minigrad|",
             xlabel="gradient of", ylabel="largest difference")
    left.legend()
    steps = np.arange(1, len(hand_losses) + 1)
    middle.plot(steps, hand_losses, label="by hand", linewidth=3, alpha=0.6)
    middle.plot(steps, engine_losses, "--", label="minigrad", color="black")
    middle.set(title="training loss, the two side by side", xlabel="step", ylabel="loss")
    middle.legend()
    difference = np.maximum(np.abs(hand_losses - engine_losses), 1e-20)
    right.semilogy(steps, difference, ".", color="tab:purple", markersize=3)
    right.axhline(TOLERANCE, color="tab:red", linestyle="--", label=f"{TOLERANCE:g}")
    right.set(title="|loss by hand - loss by minigrad| (0 drawn at 1e-20)", xlabel="step",
              ylabel="difference", ylim=(1e-20, 1e-6))
    right.legend()
    _common.save_figure(fig, args.out / "backprop_by_hand_layers.png")


# %%
if __name__ == "__main__":
    main()
