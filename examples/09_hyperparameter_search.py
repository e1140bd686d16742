"""Lesson 9: hyperparameter search.

The learning rate and the weight decay of SGD for a small network on the
digits, searched on log scales (a good learning rate may be 0.003 or 0.3:
only its order of magnitude is known in advance). Each trial trains on the
training split and is judged by its accuracy on a separate validation
split; the test set is used once, at the end, for the winner alone, so the
figure it gives is not flattered by the search.

Two searches with the same budget: random search, and, when Optuna is
installed, Bayesian search with its TPE sampler, which proposes new trials
near the good ones seen so far. Draws every trial on the
(learning rate, weight decay) plane, coloured by validation accuracy.
"""
import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

LR_RANGE = (1e-4, 1.0)
WEIGHT_DECAY_RANGE = (1e-6, 1e-1)


class Objective:
    """Validation accuracy of a network trained with given hyperparameters."""

    def __init__(self, train, validation, epochs):
        self.train, self.validation, self.epochs = train, validation, epochs

    def __call__(self, lr, weight_decay):
        return _common.accuracy_on(self.trained_model(lr, weight_decay), *self.validation)

    def trained_model(self, lr, weight_decay):
        """A network trained on the training split, always from the same start."""
        mg.manual_seed(0)
        model = nn.MLP([64, 100, 100, 10])
        loader = DataLoader(TensorDataset(*self.train), batch_size=32, shuffle=True)
        fit(model, optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay),
            F.softmax_cross_entropy, loader, epochs=self.epochs, progress=False)
        return model


def log_uniform(rng, low, high):
    return float(10 ** rng.uniform(np.log10(low), np.log10(high)))


def widened(bounds, factor=1.5):
    """Log-scale axis limits a little wider than the search range."""
    return bounds[0] / factor, bounds[1] * factor


def random_search(objective, n_trials, seed=0):
    """[(lr, weight_decay, validation accuracy)] of n_trials random trials."""
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        lr, weight_decay = log_uniform(rng, *LR_RANGE), log_uniform(rng, *WEIGHT_DECAY_RANGE)
        trials.append((lr, weight_decay, objective(lr, weight_decay)))
    return trials


def tpe_search(objective, n_trials, seed=0):
    """The same with Optuna's TPE sampler; None when Optuna is not installed."""
    try:
        import optuna
    except ImportError:
        return None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda trial: objective(trial.suggest_float("lr", *LR_RANGE, log=True),
                                           trial.suggest_float("weight_decay", *WEIGHT_DECAY_RANGE, log=True)),
                   n_trials=n_trials)
    return [(t.params["lr"], t.params["weight_decay"], t.value) for t in study.trials]


def main(argv=None):
    args = _common.parse_args("09_hyperparameter_search", __doc__, argv)
    n_trials, epochs = (4, 4) if args.quick else (30, 8)
    train, validation, test = _common.digits_split((0.6, 0.2, 0.2), n=500 if args.quick else None)
    objective = Objective(train, validation, epochs)

    searches = {"random search": random_search(objective, n_trials)}
    tpe = tpe_search(objective, n_trials)
    if tpe is None:
        print("note: Optuna is not installed (pip install optuna); skipping the TPE search")
    else:
        searches["TPE (Optuna)"] = tpe

    fig, axes = plt.subplots(1, len(searches), figsize=(5.5 * len(searches), 4.5), squeeze=False,
                             layout="constrained")
    best_overall = None
    for ax, (name, trials) in zip(axes[0], searches.items()):
        lr, weight_decay, accuracy = (np.array(column) for column in zip(*trials))
        best = int(np.argmax(accuracy))
        report(f"{name} trials", len(trials))
        report(f"{name} best validation accuracy", float(accuracy[best]))
        report(f"{name} best lr", f"{lr[best]:.3g}")
        report(f"{name} best weight decay", f"{weight_decay[best]:.3g}")
        if best_overall is None or accuracy[best] > best_overall[2]:
            best_overall = trials[best]
        points = ax.scatter(lr, weight_decay, c=accuracy, cmap="viridis", vmin=0, vmax=1, s=30)
        ax.scatter(lr[best], weight_decay[best], marker="*", s=300, facecolor="none", edgecolor="red")
        ax.set(xscale="log", yscale="log", xlim=widened(LR_RANGE), ylim=widened(WEIGHT_DECAY_RANGE),
               title=f"{name}: best (\u2606) {accuracy[best]:.3f}", xlabel="learning rate",
               ylabel="weight decay")
    fig.colorbar(points, ax=axes[0].tolist(), label="validation accuracy")
    _common.save_figure(fig, args.out / "hyperparameter_search.png")

    # The winner, trained again from the same start, meets the test set once.
    model = objective.trained_model(*best_overall[:2])
    report("test accuracy of the best trial", _common.accuracy_on(model, *test))


if __name__ == "__main__":
    main()
