"""Lesson 1: backpropagation by hand.

One neuron with a squared error, small enough to differentiate on paper:

    n = w1*x1 + w2*x2 + b        y = tanh(n)        L = (y - t)**2

The chain rule gives every gradient from two local derivatives,

    dL/dy = 2 (y - t)      dy/dn = 1 - y**2      dL/dn = dL/dy * dy/dn
    dL/dw1 = dL/dn * x1    dL/dx1 = dL/dn * w1   dL/db = dL/dn   (and so on)

The example prints these hand-derived numbers next to minigrad's backward
pass and next to numerical differentiation (central differences), then
draws the graph with each node's value and gradient, and writes a page that
steps through the backward pass one function at a time.
"""
import math

import _common
from _common import F, mg, report, viz

TARGET = 0.5
INPUTS = {"x1": 2.0, "x2": -1.0, "w1": -0.6, "w2": 0.4, "b": 0.9}


def neuron_loss(x1, x2, w1, w2, b):
    """The expression of the lesson, with its intermediate values named so
    that the graph picture can label them."""
    n = w1 * x1 + w2 * x2 + b
    n.name = "n"
    y = F.tanh(n)
    y.name = "y"
    loss = (y - TARGET) ** 2
    loss.name = "L"
    return loss


def gradients_by_hand(x1, x2, w1, w2, b):
    """The chain rule worked out on paper, evaluated with plain floats."""
    y = math.tanh(w1 * x1 + w2 * x2 + b)
    dL_dn = 2 * (y - TARGET) * (1 - y * y)
    return {"x1": dL_dn * w1, "x2": dL_dn * w2, "w1": dL_dn * x1, "w2": dL_dn * x2, "b": dL_dn}


def main(argv=None):
    args = _common.parse_args("01_backprop_by_hand", __doc__, argv)
    leaves = {name: mg.Variable(value, name=name) for name, value in INPUTS.items()}

    loss = neuron_loss(**leaves)
    with viz.trace_backward() as trace:
        loss.backward(retain_grad=True)
    report("loss", loss.item(), digits=6)

    by_hand = gradients_by_hand(**INPUTS)
    numerical = mg.numerical_grad(neuron_loss, *leaves.values())
    print(f"{'input':>6} {'by hand':>12} {'backprop':>12} {'numerical':>12}")
    worst_numerical = worst_hand = 0.0
    for (name, leaf), numeric in zip(leaves.items(), numerical):
        backprop = leaf.grad.item()
        print(f"{name:>6} {by_hand[name]:12.8f} {backprop:12.8f} {float(numeric):12.8f}")
        worst_numerical = max(worst_numerical, abs(backprop - float(numeric)))
        worst_hand = max(worst_hand, abs(backprop - by_hand[name]))
    report("max |backprop - numerical|", f"{worst_numerical:.2e}")
    report("max |backprop - by hand|", f"{worst_hand:.2e}")

    _common.render_graph(args.out / "graph.png", loss, show=("name", "value", "grad"), rankdir="LR")
    page = args.out / "backward_steps.html"
    report("backward steps", len(trace.steps))
    try:
        trace.to_html(page)   # the page's picture is drawn by Graphviz's dot
    except viz.GraphvizNotFoundError as error:
        print(f"note: no step-through page: {error}")
    else:
        print(f"wrote {page} (open it in a browser and step through the backward pass)")


if __name__ == "__main__":
    main()
