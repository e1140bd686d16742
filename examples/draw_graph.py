"""Pictures of a computation graph: the README's figure and a backward stepper.

A two-layer network on a batch of two points with a squared-error loss.
After one backward pass the script draws the graph with every value and
gradient, each parameter under its dotted name and each layer's ops in a
labelled box (out/draw_graph/graph.png, with its DOT source), copies it to
the README's figure (docs/images/graph.png, or --image), and writes a page
that replays the forward and then the backward pass step by step
(out/draw_graph/backward.html; open it in a browser). Runs in a second or two; needs Graphviz's `dot`.
With --screenshots it also writes the stepper of that network and of a small
CNN and photographs each at 1400x1000 in headless Chromium, forward,
backward and the gradient check, into
docs/images/stepper_{mlp,cnn}_{forward,backward,check}.png, and the network
with its modules collapsed (stepper_mlp_collapsed_forward.png; needs
Selenium, Chromium and chromedriver).

    python examples/draw_graph.py [--out FOLDER] [--image PNG] [--screenshots]
"""
import shutil
from pathlib import Path

import numpy as np

import _common
from _common import F, mg, viz
from minigrad import nn

README_IMAGE = _common.ROOT / "docs" / "images" / "graph.png"
SCREENSHOTS = _common.ROOT / "docs" / "images"


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


def build_cnn():
    """A small CNN (a 3x3 convolution with 2 filters, ReLU, a linear layer)
    and its loss on one 8x8 image: kernels and feature maps as heat maps."""
    mg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 6 * 6, 3))
    image = np.random.default_rng(0).standard_normal((1, 1, 8, 8)).astype(np.float32)
    x = mg.Variable(image, name="image")
    with viz.module_scopes(model):
        loss = F.softmax_cross_entropy(model(x), np.array([1]))
    loss.name = "loss"
    return model, loss


def screenshots(pages, folder):
    """Photograph each stepper page ({name: path}) at 1400x1000 in headless
    Chromium, three steps into the forward pass and three steps before the
    end of the backward pass, then its gradient check tab (a page whose
    name ends in "collapsed": three steps in only); returns the PNG paths."""
    import sys
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    sys.path.insert(0, str(_common.ROOT))
    from tests.browser import chromium   # the headless Chromium the browser tests start

    driver_of = chromium("--hide-scrollbars", page_size=(1400, 1000))
    driver = next(driver_of)
    shots = []
    try:
        for name, page in pages.items():
            driver.get(Path(page).resolve().as_uri())
            body = driver.find_element(By.TAG_NAME, "body")
            phases = (("forward", [Keys.ARROW_RIGHT] * 3), ("backward", [Keys.END] + [Keys.ARROW_LEFT] * 3))
            for phase, keys in phases[:1] if name.endswith("collapsed") else phases:
                for key in keys:
                    body.send_keys(key)
                shots.append(folder / f"stepper_{name}_{phase}.png")
                driver.save_screenshot(str(shots[-1]))
            if not name.endswith("collapsed"):   # the gradient check, its first leaf open
                driver.find_element(By.ID, "tab-check").click()
                driver.find_element(By.CSS_SELECTOR, "#check-table button").click()
                shots.append(folder / f"stepper_{name}_check.png")
                driver.save_screenshot(str(shots[-1]))
    finally:
        driver_of.close()
    return shots


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--image", type=Path, default=README_IMAGE,
                            help="where to copy the picture (default: %(default)s)")
        parser.add_argument("--screenshots", action="store_true",
                            help=f"photograph the MLP's and a CNN's stepper into {SCREENSHOTS}")

    args = _common.parse_args("draw_graph", __doc__.splitlines()[0], argv, add_arguments)
    model, loss = build()
    with viz.trace_backward(model) as trace:
        loss.backward(retain_grad=True)   # keep every gradient for the picture
    picture = _common.render_graph(args.out / "graph.png", loss, params=model, cluster_modules=True,
                                   show=("name", "shape", "value", "grad"))
    if picture is not None:
        args.image.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(picture, args.image)
        print(f"copied it to {args.image}")
        page = trace.to_html(args.out / "backward.html", cluster_modules=True)
        print(f"wrote {page} (open it in a browser: Next / Prev / Play or the arrow keys)")
        if args.screenshots:
            cnn_model, cnn_loss = build_cnn()
            with viz.trace_backward(cnn_model) as cnn_trace:
                cnn_loss.backward()
            cnn_page = cnn_trace.to_html(args.out / "cnn.html", cluster_modules=True)
            collapsed = trace.to_html(args.out / "collapsed.html", collapse=True)
            for shot in screenshots({"mlp": page, "cnn": cnn_page, "mlp_collapsed": collapsed}, SCREENSHOTS):
                print(f"wrote {shot}")
    _common.report("loss", loss.item())
    _common.report("backward steps", len(trace.steps))


if __name__ == "__main__":
    main()
