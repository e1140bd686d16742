# %% [markdown]
# # Lesson 9: hyperparameter search
#
# The learning rate and the weight decay of SGD for a small network on the
# digits, searched on log scales (a good learning rate may be 0.003 or 0.3:
# only its order of magnitude is known in advance). Each trial trains on the
# training split and is judged by its accuracy on a separate validation
# split; the test set is used once, at the end, for the winner alone, so the
# figure it gives is not flattered by the search.
#
# Two searches with the same budget of trials: random search, and, when
# Optuna is installed, Bayesian search with its TPE sampler, which starts
# with a few random trials and then proposes new ones near the good ones
# seen so far. Which trials a search happens to draw decides a lot, so each
# search runs with a few seeds (`--seeds`, 3 by default) and the lesson
# prints the means, then the comparison as sentences formatted from them.
# What the full run shows (30 trials, 3 seeds; the figures beside the
# picture come from it):
#
# - both searches find a network in the high nineties of validation
#   accuracy; TPE's best is higher on average, but only by an image or two
#   of the validation images, about what one seed differs from the next;
# - TPE's first ten trials are random too (its start-up), so until then
#   which search leads is luck; after them TPE catches up and passes;
# - the clear difference is in the trials themselves: TPE's median trial
#   scores several points higher than random search's, because after its
#   start-up trials it spends the budget near the good learning rates
#   instead of on ones that cannot train.
#
# `--quick` runs 4 trials of one seed on 500 images: all of them inside
# TPE's random start-up, so the two searches differ only by luck there,
# and it says so.
#
# The picture shows every trial of the first seed on the
# (learning rate, weight decay) plane, coloured by validation accuracy, and
# the best accuracy found so far against the number of trials, averaged
# over the seeds.
#
# **Beyond one process.** An Optuna study can live in a storage that
# several processes share: `--workers N` runs the TPE study in N worker
# processes on this machine, all adding trials to one study in a journal
# file (or in the storage `--storage URL` names: a journal file's path, or
# a database URL such as `sqlite:///study.db` or `postgresql://...`). The
# same command run on other machines with the same `--storage` and
# `--study-name` adds their trials to the same study. The best trial is
# reported once, by the command that started the workers.

# %%
"""Lesson 9: hyperparameter search, random against Optuna's TPE, and one
Optuna study shared by several worker processes (--workers, --storage).

The text is in the markdown cell above: this script also opens as a
notebook (Jupytext's percent format).
"""
import argparse
import importlib.util
import os
import socket
import subprocess
import sys

import numpy as np

import _common
from _common import F, mg, plt, report
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import fit

LR_RANGE = (1e-4, 1.0)
WEIGHT_DECAY_RANGE = (1e-6, 1e-1)
SCRIPT = _common.ROOT / "examples" / "09_hyperparameter_search.py"


# %%
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


# %%
def log_uniform(rng, low, high):
    return float(10 ** rng.uniform(np.log10(low), np.log10(high)))


def random_search(objective, n_trials, seed=0):
    """[(lr, weight_decay, validation accuracy)] of n_trials random trials."""
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n_trials):
        lr, weight_decay = log_uniform(rng, *LR_RANGE), log_uniform(rng, *WEIGHT_DECAY_RANGE)
        trials.append((lr, weight_decay, objective(lr, weight_decay)))
    return trials


# %%
def suggest_and_score(objective, trial):
    """One Optuna trial: draw both hyperparameters on log scales, train, score."""
    lr = trial.suggest_float("lr", *LR_RANGE, log=True)
    weight_decay = trial.suggest_float("weight_decay", *WEIGHT_DECAY_RANGE, log=True)
    return objective(lr, weight_decay)


def have_optuna():
    try:
        return importlib.util.find_spec("optuna") is not None
    except ValueError:   # a test's sys.modules["optuna"] = None
        return False


def tpe_search(objective, n_trials, seed=0):
    """The same with Optuna's TPE sampler, in this process."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda trial: suggest_and_score(objective, trial), n_trials=n_trials)
    return [(t.params["lr"], t.params["weight_decay"], t.value) for t in study.trials]


# %% [markdown]
# ## One study, several processes
#
# The storage is what the processes share: each worker loads the study by
# its name, asks the sampler for its next trial (the sampler reads every
# finished trial in the storage, whoever ran it) and writes the result
# back. `constant_liar` makes TPE treat the trials other workers are still
# running as bad, so two workers do not both try the same point.

# %%
def open_storage(url):
    """An Optuna storage: a database URL (`sqlite:///study.db`, ...) as
    Optuna reads it, anything else the path of a journal file (which
    processes on one machine, or on a shared file system, can share)."""
    import optuna
    if "://" in url:
        return optuna.storages.RDBStorage(url)
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(url))


def run_worker(objective, storage, study_name, n_trials, seed):
    """Add n_trials trials to the shared study, each tagged with the worker
    (host:pid) that ran it."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True)
    study = optuna.load_study(study_name=study_name, storage=open_storage(storage), sampler=sampler)
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def tagged(trial):
        trial.set_user_attr("worker", worker)
        accuracy = suggest_and_score(objective, trial)
        print(f"trial {trial.number} by {worker}: validation accuracy {accuracy:.4f}", flush=True)
        return accuracy

    study.optimize(tagged, n_trials=n_trials)


def start_workers(args, n_trials):
    """Start args.workers processes of this script, each adding its share
    of n_trials trials to the study; wait for all and pass on what they print."""
    shares = [n_trials // args.workers + (i < n_trials % args.workers) for i in range(args.workers)]
    common = [sys.executable, str(SCRIPT), "--storage", args.storage, "--study-name", args.study_name,
              "--out", str(args.out)] + (["--quick"] if args.quick else [])
    workers = []
    for i, share in enumerate(shares):
        if share > 0:   # each writes to its own log file: no pipe to fill up while another is awaited
            log = args.out / f"worker-{i}.log"
            with open(log, "w") as f:
                command = common + ["--worker", "--trials", str(share), "--seed", str(args.seed * 1000 + i)]
                workers.append((subprocess.Popen(command, stdout=f, stderr=subprocess.STDOUT, text=True), log))
    exits = [(worker.wait(), log) for worker, log in workers]
    for code, log in exits:
        text = log.read_text()
        if code != 0:
            raise SystemExit(f"09_hyperparameter_search: a worker failed (exit {code}), see {log}:\n{text[-2000:]}")
        print(text, end="")


def shared_study(args, objective, test, n_trials):
    """The TPE study run by args.workers processes through args.storage;
    the best trial reported once, here, and met with the test set."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.storage is None:
        args.storage = str(args.out / "study.journal")
    optuna.create_study(study_name=args.study_name, storage=open_storage(args.storage), direction="maximize",
                        load_if_exists=True)
    print(f"study {args.study_name!r} in {args.storage}: {args.workers} worker processes, {n_trials} trials")
    if args.workers == 1:
        run_worker(objective, args.storage, args.study_name, n_trials, args.seed)
    else:
        start_workers(args, n_trials)

    study = optuna.load_study(study_name=args.study_name, storage=open_storage(args.storage))
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    report("trials in the study", len(done))
    report("workers that ran trials", len({t.user_attrs.get("worker") for t in done}))
    best = study.best_trial
    report("best trial", best.number)
    report("best trial validation accuracy", best.value)
    report("best trial lr", f"{best.params['lr']:.3g}")
    report("best trial weight decay", f"{best.params['weight_decay']:.3g}")
    draw_study(done, best, args.out / "study.png")
    model = objective.trained_model(best.params["lr"], best.params["weight_decay"])
    report("test accuracy of the best trial", _common.accuracy_on(model, *test))


# %% [markdown]
# ## Pictures

# %%
def widened(bounds, factor=1.5):
    """Log-scale axis limits a little wider than the search range."""
    return bounds[0] / factor, bounds[1] * factor


def draw_trials(ax, name, trials):
    """One search's trials on the (lr, weight decay) plane, the best starred."""
    lr, weight_decay, accuracy = (np.array(column) for column in zip(*trials))
    best = int(np.argmax(accuracy))
    points = ax.scatter(lr, weight_decay, c=accuracy, cmap="viridis", vmin=0, vmax=1, s=30)
    ax.scatter(lr[best], weight_decay[best], marker="*", s=300, facecolor="none", edgecolor="red")
    ax.set(xscale="log", yscale="log", xlim=widened(LR_RANGE), ylim=widened(WEIGHT_DECAY_RANGE),
           title=f"{name}, seed 0: best (\u2606) {accuracy[best]:.3f}", xlabel="learning rate",
           ylabel="weight decay")
    return points


def draw_best_so_far(ax, runs):
    """Best validation accuracy after each trial, the mean over seeds."""
    for name, seeds in runs.items():
        curves = np.array([np.maximum.accumulate([t[2] for t in trials]) for trials in seeds])
        ax.plot(np.arange(1, curves.shape[1] + 1), curves.mean(axis=0), marker=".",
                label=f"{name}: {curves[:, -1].mean():.3f}")
    ax.set(xlabel="trial", ylabel="best validation accuracy so far",
           title=f"mean over {len(seeds)} seed{'s' * (len(seeds) > 1)}")
    ax.legend(loc="lower right")


def draw_study(trials, best, path):
    """The shared study's trials, one marker per worker."""
    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    workers = sorted({t.user_attrs.get("worker", "?") for t in trials})
    for marker, worker in zip("osD^v<>p", workers):
        mine = [t for t in trials if t.user_attrs.get("worker", "?") == worker]
        points = ax.scatter([t.params["lr"] for t in mine], [t.params["weight_decay"] for t in mine],
                            c=[t.value for t in mine], cmap="viridis", vmin=0, vmax=1, s=40, marker=marker,
                            label=f"worker {worker}")
    ax.scatter(best.params["lr"], best.params["weight_decay"], marker="*", s=300, facecolor="none",
               edgecolor="red")
    ax.set(xscale="log", yscale="log", xlim=widened(LR_RANGE), ylim=widened(WEIGHT_DECAY_RANGE),
           title=f"one study, {len(workers)} workers: best (\u2606) {best.value:.3f}", xlabel="learning rate",
           ylabel="weight decay")
    ax.legend(loc="lower left", fontsize="small")
    fig.colorbar(points, ax=ax, label="validation accuracy")
    _common.save_figure(fig, path)


# %% [markdown]
# ## Running it

# %%
def add_arguments(parser):
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per search to average over (default 3, 1 with --quick)")
    parser.add_argument("--seed", type=int, default=0, help="the first seed (default 0)")
    parser.add_argument("--trials", type=int, default=None,
                        help="trials per search (default 30, 4 with --quick)")
    parser.add_argument("--workers", type=int, default=None,
                        help="run the TPE study in this many worker processes sharing one Optuna storage")
    parser.add_argument("--storage", default=None,
                        help="the study's Optuna storage: a journal file's path or a database URL such as "
                             "sqlite:///study.db (default with --workers: OUT/study.journal)")
    parser.add_argument("--study-name", default="lesson09", help="the shared study's name (default lesson09)")
    # How start_workers starts one worker; not for typing.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)


def main(argv=None):
    args = _common.parse_args("09_hyperparameter_search", __doc__, argv, add_arguments)
    n_trials = args.trials or (4 if args.quick else 30)
    epochs = 4 if args.quick else 8
    train, validation, test = _common.digits_split((0.6, 0.2, 0.2), n=500 if args.quick else None)
    objective = Objective(train, validation, epochs)

    if args.worker:
        run_worker(objective, args.storage, args.study_name, n_trials, args.seed)
        return
    if args.workers is not None or args.storage is not None:
        args.workers = args.workers or 1
        if args.workers < 1:
            raise SystemExit(f"09_hyperparameter_search: --workers must be at least 1, got {args.workers}")
        if not have_optuna():
            raise SystemExit("09_hyperparameter_search: --workers and --storage need Optuna (pip install optuna)")
        shared_study(args, objective, test, n_trials)
        return

    seeds = range(args.seed, args.seed + (args.seeds or (1 if args.quick else 3)))
    runs = {"random search": [random_search(objective, n_trials, seed) for seed in seeds]}
    if not have_optuna():
        print("note: Optuna is not installed (pip install optuna); skipping the TPE search")
    else:
        runs["TPE (Optuna)"] = [tpe_search(objective, n_trials, seed) for seed in seeds]

    report("seeds", len(seeds))
    best_overall = None
    for name, seeded in runs.items():
        accuracies = np.array([[t[2] for t in trials] for trials in seeded])
        best = max((t for trials in seeded for t in trials), key=lambda t: t[2])
        report(f"{name} trials", accuracies.shape[1])
        report(f"{name} best validation accuracy", float(accuracies.max(axis=1).mean()))
        report(f"{name} median trial accuracy", float(np.median(accuracies, axis=1).mean()))
        report(f"{name} best lr", f"{best[0]:.3g}")
        report(f"{name} best weight decay", f"{best[1]:.3g}")
        if best_overall is None or best[2] > best_overall[2]:
            best_overall = best

    summarise(runs, len(validation[1]))
    _common.quick_note(args, "09_hyperparameter_search", [
        "TPE against random search (4 trials are all inside TPE's random start-up)",
        "the accuracy a search of 30 trials reaches"])

    fig, axes = plt.subplots(1, len(runs) + 1, figsize=(5.2 * (len(runs) + 1), 4.3), layout="constrained")
    for ax, (name, seeded) in zip(axes, runs.items()):
        points = draw_trials(ax, name, seeded[0])
    fig.colorbar(points, ax=axes[:len(runs)].tolist(), label="validation accuracy")
    draw_best_so_far(axes[-1], runs)
    _common.save_figure(fig, args.out / "hyperparameter_search.png")

    # The winner, trained again from the same start, meets the test set once.
    model = objective.trained_model(*best_overall[:2])
    report("test accuracy of the best trial", _common.accuracy_on(model, *test))


def summarise(runs, n_validation):
    """The comparison of the searches, as sentences formatted from this run's
    numbers: the best validation accuracy of each (mean over seeds), and how
    TPE's best and median trials compare with random search's."""
    best, median = {}, {}
    for name, seeded in runs.items():
        accuracies = np.array([[t[2] for t in trials] for trials in seeded])
        best[name] = accuracies.max(axis=1).mean()
        median[name] = np.median(accuracies, axis=1).mean()
        print(f"{name}: best validation accuracy {100 * best[name]:.1f}% on average over the seeds")
    if len(runs) == 2:
        (random_name, tpe_name) = runs
        images = (best[tpe_name] - best[random_name]) * n_validation
        print(f"TPE's best is {'higher' if images > 0 else 'lower' if images < 0 else 'the same'} "
              f"by {abs(images):.1f} of the {n_validation} validation images; its median trial scores "
              f"{abs(100 * (median[tpe_name] - median[random_name])):.1f} points "
              f"{'above' if median[tpe_name] >= median[random_name] else 'below'} random search's")


if __name__ == "__main__":
    main()
