"""What the examples share: the command line, the output folder, figures,
the printed figures, and the digits split. Import it before minigrad: it
puts the checkout the examples live in first on the import path, so they
run the code beside them (installed or not).

The lessons are also notebooks: each script is in Jupytext's "percent"
format (`# %%` code cells, `# %% [markdown]` text cells), so Jupyter (with
jupytext) and VS Code open it as a notebook. There the command line is the
`LESSON_ARGS` environment variable (e.g. `--quick`), and each picture is
shown below the cell as well as written to its file.
"""
import argparse
import os
import shlex
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")   # files only, no window: examples run on servers and in tests
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if (ROOT / "minigrad").is_dir() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # the checkout's own minigrad, not another installed one

import minigrad as mg  # noqa: E402
import minigrad.functions as F  # noqa: E402
from minigrad import train, viz  # noqa: E402
from minigrad.data import DataLoader, TensorDataset, datasets  # noqa: E402

DPI = 80   # small committed pictures


def parse_args(name, description, argv=None, add_arguments=None):
    """The command line every example has, with `description` (the example's
    docstring) as its help text: `--quick` (a small, fast run for
    the tests) and `--out DIR` (default `out/<name>`), plus the example's own
    arguments added by `add_arguments(parser)`. Makes the output folder."""
    parser = argparse.ArgumentParser(prog=f"{name}.py", description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a small, fast run (what the tests use)")
    parser.add_argument("--out", type=Path, default=Path("out") / name,
                        help="folder for the pictures and files (default: %(default)s)")
    if add_arguments is not None:
        add_arguments(parser)
    if argv is None and in_notebook():   # sys.argv is the kernel's, not ours
        argv = shlex.split(os.environ.get("LESSON_ARGS", ""))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def report(label, value, digits=4):
    """Print one figure as `label: value`, the form the tests grep for."""
    if isinstance(value, (float, np.floating)):
        value = f"{value:.{digits}f}"
    print(f"{label}: {value}", flush=True)


def quick_note(args, name, needs_full_run):
    """With --quick, say plainly which of the lesson's effects its small run
    cannot show: `needs_full_run` lists them (each a phrase)."""
    if args.quick:
        print(f"quick mode: a small run, too small to show {'; '.join(needs_full_run)}. "
              f"Run `python examples/{name}.py` (without --quick) for those.", flush=True)


def in_notebook():
    """Whether this runs in a Jupyter kernel (a lesson opened as a notebook)."""
    return "ipykernel" in sys.modules


def show_picture(path):
    """In a notebook, show the PNG at `path` below the cell; elsewhere nothing."""
    if in_notebook():
        from IPython.display import Image, display
        display(Image(filename=str(path)))


def save_figure(fig, path):
    """Lay out a matplotlib figure, write it as a small PNG and say where."""
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {path}")
    show_picture(path)
    return path


def render_graph(path, *outputs, **to_dot_kwargs):
    """Draw the graph behind `outputs` with viz.render. Without Graphviz's
    `dot` program, render still writes the `.dot` source; say so and go on.
    Returns `path`, or None when there is no picture."""
    try:
        viz.render(*outputs, path=path, **to_dot_kwargs)
    except viz.GraphvizNotFoundError as error:
        print(f"note: {error}")
        print(f"wrote {Path(path).with_suffix('.dot')} (the graph's DOT source)")
        return None
    print(f"wrote {path} and its DOT source {Path(path).with_suffix('.dot')}")
    show_picture(path)
    return path


def write_backward_page(trace, path, **to_html_kwargs):
    """Write the page that steps through a traced backward pass
    (`trace.to_html`). The page draws the graph with Graphviz's `dot`;
    without it, write the graph's `.dot` source instead, say so and go on.
    Returns `path`, or None when there is no page."""
    try:
        trace.to_html(path, **to_html_kwargs)
    except viz.GraphvizNotFoundError as error:
        dot_path = Path(path).with_suffix(".dot")
        drawing = {key: value for key, value in to_html_kwargs.items() if key != "title"}
        dot_path.write_text(viz.to_dot(*trace.outputs, **drawing).source)
        print(f"note: {error}")
        print(f"wrote {dot_path} (the graph's DOT source) instead of the page {path}")
        return None
    print(f"wrote {path} (open it in a browser and step through the backward pass)")
    return path


def digits_split(parts=(0.6, 0.2, 0.2), n=None, seed=0):
    """The scikit-learn digits, shuffled with `seed` and cut into `parts`
    (e.g. train, validation, test): fractions summing to 1, or numbers of
    images. `n` keeps only the first n shuffled images (for quick runs).
    Returns a list of (x, t) pairs: x float32 of shape (m, 64) in [0, 1],
    t int64 labels."""
    x, t = datasets.digits()
    order = np.random.default_rng(seed).permutation(len(x))[:n]
    x, t = x[order], t[order]
    sizes = parts if all(isinstance(p, int) for p in parts) else np.asarray(parts) * len(x)
    cuts = np.round(np.cumsum(sizes)[:-1]).astype(int)
    return [(xs, ts) for xs, ts in zip(np.split(x, cuts), np.split(t, cuts))]


def accuracy_on(model, x, t):
    """The accuracy of a classifier on arrays x, t: `minigrad.train.evaluate`
    (evaluation mode, no graph) over batches of 1000."""
    loader = DataLoader(TensorDataset(x, t), batch_size=1000)
    return train.evaluate(model, F.softmax_cross_entropy, loader)["accuracy"]
