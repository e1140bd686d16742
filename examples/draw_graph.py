"""Pictures of a computation graph: the README's figure and a backward stepper.

A two-layer network on a batch of two points with a squared-error loss.
After one backward pass the script draws the graph with every value and
gradient, each parameter under its dotted name and each layer's ops in a
labelled box (out/draw_graph/graph.png, with its DOT source), copies it to
the README's figure (docs/images/graph.png, or --image), and writes a page
that replays the forward and then the backward pass step by step
(out/draw_graph/backward.html; open it in a browser). Runs in a second or two; needs Graphviz's `dot`.

    python examples/draw_graph.py [--out FOLDER] [--image PNG]
"""
import shutil
from pathlib import Path

import numpy as np

import _common
from _common import F, mg, viz
from minigrad import nn

README_IMAGE = _common.ROOT / "docs" / "images" / "graph.png"


def build():
    """The model, and its loss on two points, run inside module_scopes so
    the picture can box each layer's ops."""
    mg.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = mg.Variable(np.array([[0.5, -1.0], [2.0, 0.3]], dtype=np.float32), name="x")
    t = mg.Variable(np.array([[1.0], [-0.5]], dtype=np.float32), name="t", requires_grad=False)
    with viz.module_scopes(model):
        loss = F.mean_squared_error(model(x), t)
    loss.name = "loss"
    return model, loss


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--image", type=Path, default=README_IMAGE,
                            help="where to copy the picture (default: %(default)s)")

    args = _common.parse_args("draw_graph", __doc__.splitlines()[0], argv, add_arguments)
    model, loss = build()
    with viz.trace_backward() as trace:
        loss.backward(retain_grad=True)   # keep every gradient for the picture
    picture = _common.render_graph(args.out / "graph.png", loss, params=model, cluster_modules=True,
                                   show=("name", "shape", "value", "grad"))
    if picture is not None:
        args.image.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(picture, args.image)
        print(f"copied it to {args.image}")
        page = trace.to_html(args.out / "backward.html", params=model, cluster_modules=True)
        print(f"wrote {page} (open it in a browser: Next / Prev / Play or the arrow keys)")
    _common.report("loss", loss.item())
    _common.report("backward steps", len(trace.steps))


if __name__ == "__main__":
    main()
