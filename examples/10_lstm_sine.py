# %% [markdown]
# # Lesson 10: a recurrent network
#
# An LSTM that predicts a sine wave.
#
# A noisy sine wave of period 50 steps. The LSTM reads windows of 40 values
# and, at every step, predicts the next value; its cell state carries what
# it has seen so far (where on the wave it is) from step to step. Backprop
# runs through every step of the window (backpropagation through time).
#
# Evaluated on the last 30% of the wave, which training never saw: first
# one step ahead (the true values are fed in), then free-running (each
# prediction is fed back in as the next input).

# %%
"""Lesson 10: a recurrent network.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

PERIOD, WINDOW = 50, 40


# %%
class SinePredictor(nn.Module):
    """LSTM(1, hidden) then Linear(hidden, 1) at every step; batch first."""

    def __init__(self, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x, state=None):
        """x (batch, steps, 1) -> predictions (batch, steps, 1); with
        `state` given the run continues from it (see `run`)."""
        return self.run(x, state)[0]

    def run(self, x, state=None):
        h, state = self.lstm(x, state)
        return self.head(h), state


# %%
def wave(n, seed=0):
    steps = np.arange(n)
    noise = np.random.default_rng(seed).normal(0.0, 0.05, n)
    return (np.sin(2 * np.pi * steps / PERIOD) + noise).astype(np.float32)


# %%
def windows(series):
    """Every window of WINDOW inputs and its targets, the next values."""
    starts = np.arange(len(series) - WINDOW)
    x = np.stack([series[s:s + WINDOW] for s in starts])[..., None]
    t = np.stack([series[s + 1:s + WINDOW + 1] for s in starts])[..., None]
    return x, t


# %%
def main(argv=None):
    args = _common.parse_args("10_lstm_sine", __doc__, argv)
    mg.manual_seed(0)
    n, epochs = (400, 3) if args.quick else (1000, 15)
    series = wave(n)
    split = int(0.7 * n)
    train, test = series[:split], series[split:]

    model = SinePredictor()
    loader = DataLoader(TensorDataset(*windows(train)), batch_size=32, shuffle=True)
    history = fit(model, optim.Adam(model.parameters(), lr=0.01), F.mean_squared_error, loader,
                  epochs=epochs, metrics=(), progress=False)
    report("first epoch loss", history.history["loss"][0])
    report("last epoch loss", history.history["loss"][-1])

    with mg.no_grad():
        # One step ahead: read the whole series; the prediction made at step
        # k is for step k + 1.
        predicted = model(mg.Variable(series[None, :-1, None])).data[0, :, 0]
        one_step = predicted[split - 1:]
        # Free-running: read the training part, then feed predictions back.
        y, state = model.run(mg.Variable(train[None, :, None]))
        free = []
        for _ in range(len(test)):
            value = y[:, -1:]
            free.append(value.item())
            y, state = model.run(value, state)
    free = np.array(free)
    truth = np.sin(2 * np.pi * np.arange(split, n) / PERIOD)
    report("test mse one step ahead", float(np.mean((one_step - test) ** 2)))
    report("test mse free-running", float(np.mean((free - test) ** 2)))
    report("free-running mse against the noiseless wave", float(np.mean((free - truth) ** 2)))

    fig, ax = plt.subplots(figsize=(11, 3.5))
    steps = np.arange(n)
    shown = slice(max(0, split - 3 * PERIOD), n)   # the end of training, then the test part
    steps, series = steps[shown], series[shown]
    ax.plot(steps, series, color="0.6", linewidth=1, label="noisy sine wave (truth)")
    ax.plot(steps[-len(test):], one_step, color="tab:blue", label="one step ahead")
    ax.plot(steps[-len(test):], free, color="tab:red", linestyle="--", label="free-running")
    ax.axvline(split, color="black", linestyle=":", linewidth=1)
    ax.text(split, 1.3, " test part \u2192", va="center")
    ax.set(title="LSTM(1, 32) predicting the next value", xlabel="step", ylim=(-1.5, 1.5))
    ax.legend(loc="lower left", fontsize=8)
    _common.save_figure(fig, args.out / "lstm_sine.png")


# %%
if __name__ == "__main__":
    main()
