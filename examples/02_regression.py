# %% [markdown]
# # Lesson 2: regression
#
# A network with an identity output and the mean squared error.
#
# 1. Simple regression: disease progression one year on against body mass
#    index, on the diabetes data shipped with scikit-learn (442 patients).
#    One Linear(1, 1) trained by gradient descent lands on the least-squares
#    line that the closed-form solution gives.
# 2. Multiple regression: all ten measurements, a Linear(10, 1), judged by
#    R^2 on held-out patients.
# 3. A non-linear curve: noisy samples of sin(x) fitted by a small MLP.
#
# The training loop is written out: forward, loss, zero_grad, backward, step.

# %%
"""Lesson 2: regression.

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import numpy as np
from sklearn.datasets import load_diabetes

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import datasets


# %%
def train(model, optimizer, x, t, steps):
    """Full-batch gradient descent on the mean squared error; returns the
    loss before each step."""
    x, t = mg.Variable(x), mg.Variable(t)
    losses = []
    for _ in range(steps):
        loss = F.mean_squared_error(model(x), t)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


# %%
def predict(model, x):
    with mg.no_grad():
        return model(mg.Variable(x)).data


# %%
def r_squared(y, t):
    """1 - residual sum of squares / total sum of squares."""
    return 1.0 - float(((y - t) ** 2).sum() / ((t - t.mean()) ** 2).sum())


# %%
def standardized(x, mean, std):
    return ((x - mean) / std).astype(np.float32)


# %%
def main(argv=None):
    args = _common.parse_args("02_regression", __doc__, argv)
    mg.manual_seed(0)
    steps, sine_steps = (60, 300) if args.quick else (300, 1000)
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))

    # The diabetes measurements come centred and scaled; scaling the target
    # too lets one learning rate suit every weight.
    x_all, t_all = load_diabetes(return_X_y=True)
    t_mean, t_std = t_all.mean(), t_all.std()
    t_scaled = standardized(t_all[:, None], t_mean, t_std)

    # 1. Simple regression on body mass index (column 2).
    bmi_mean, bmi_std = x_all[:, 2].mean(), x_all[:, 2].std()
    bmi = standardized(x_all[:, 2:3], bmi_mean, bmi_std)
    line = nn.Linear(1, 1)
    losses = train(line, optim.SGD(line.parameters(), lr=0.1), bmi, t_scaled, steps)
    report("simple regression first loss", losses[0])
    report("simple regression last loss", losses[-1])
    slope, intercept = np.polyfit(bmi[:, 0], t_scaled[:, 0], 1)
    report("simple regression slope (gradient descent)", line.weight.data.item())
    report("simple regression slope (least squares)", float(slope))
    report("simple regression R^2", r_squared(predict(line, bmi), t_scaled))
    ax = axes[0]
    ax.scatter(x_all[:, 2], t_all, s=6, alpha=0.5, label="patients")
    grid = np.linspace(bmi.min(), bmi.max(), 50, dtype=np.float32)[:, None]
    ax.plot(grid[:, 0] * bmi_std + bmi_mean, predict(line, grid)[:, 0] * t_std + t_mean,
            color="tab:red", label="Linear(1, 1)")
    ax.set(title="simple regression", xlabel="body mass index (scaled)", ylabel="progression after 1 year")
    ax.legend()

    # 2. Multiple regression on all ten columns, judged on held-out patients.
    order = np.random.default_rng(0).permutation(len(x_all))
    train_rows, test_rows = order[:350], order[350:]
    mean, std = x_all[train_rows].mean(axis=0), x_all[train_rows].std(axis=0)
    x_std = standardized(x_all, mean, std)
    plane = nn.Linear(10, 1)
    losses = train(plane, optim.SGD(plane.parameters(), lr=0.1), x_std[train_rows], t_scaled[train_rows], steps)
    report("multiple regression last loss", losses[-1])
    closed_form = np.linalg.lstsq(np.c_[x_std[train_rows], np.ones(len(train_rows))],
                                  t_scaled[train_rows], rcond=None)[0]
    closed_form_test = np.c_[x_std[test_rows], np.ones(len(test_rows))] @ closed_form
    predicted = predict(plane, x_std[test_rows])
    report("multiple regression test R^2", r_squared(predicted, t_scaled[test_rows]))
    report("multiple regression test R^2 (least squares)", r_squared(closed_form_test, t_scaled[test_rows]))
    ax = axes[1]
    ax.scatter(t_all[test_rows], predicted[:, 0] * t_std + t_mean, s=8)
    low, high = t_all.min(), t_all.max()
    ax.plot([low, high], [low, high], color="gray", linestyle="--", linewidth=1)
    ax.set(title="multiple regression (held-out patients)", xlabel="true progression",
           ylabel="predicted progression")

    # 3. sin(x) with noise, fitted by an MLP.
    x, t = datasets.sine(n=200 if args.quick else 500, seed=0)
    mlp = nn.MLP([1, 64, 64, 1], activation=F.tanh)
    losses = train(mlp, optim.Adam(mlp.parameters(), lr=0.01), x, t, sine_steps)
    report("sine first loss", losses[0])
    report("sine last loss", losses[-1])
    grid = np.linspace(0, 2 * np.pi, 200, dtype=np.float32)[:, None]
    fitted = predict(mlp, grid)
    report("sine max |fit - sin(x)|", float(np.abs(fitted - np.sin(grid)).max()))
    ax = axes[2]
    ax.scatter(x[:, 0], t[:, 0], s=4, alpha=0.4, label="samples")
    ax.plot(grid[:, 0], np.sin(grid[:, 0]), color="gray", linestyle="--", label="sin(x)")
    ax.plot(grid[:, 0], fitted[:, 0], color="tab:red", label="MLP 1-64-64-1")
    ax.set(title="a sine curve fitted by an MLP", xlabel="x", ylabel="t")
    ax.legend()

    _common.save_figure(fig, args.out / "regression.png")


# %%
if __name__ == "__main__":
    main()
