"""The live stepper of the documentation (docs/stepper.md): the backward
stepper of the README's two-layer network (`build` in
examples/draw_graph.py, the network of the README's graph picture), written
into the built site as PAGE by conf.py at each html build (about a second;
needs Graphviz's `dot`), and shown on the page in an iframe."""
import importlib.util
import sys
from pathlib import Path

PAGE = "_stepper/mlp.html"   # relative to the html output folder


def write_stepper(examples, outdir):
    """Trace one backward pass of draw_graph's network and write its stepper
    page to outdir/PAGE; returns the page's path."""
    if str(examples) not in sys.path:
        sys.path.insert(0, str(examples))   # draw_graph imports the examples' _common
    spec = importlib.util.spec_from_file_location("draw_graph", Path(examples) / "draw_graph.py")
    draw_graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_graph)
    from minigrad import viz

    model, loss = draw_graph.build()
    with viz.trace_backward(model) as trace:
        loss.backward()
    return trace.to_html(Path(outdir) / PAGE, cluster_modules=True,
                         title="The backward stepper of a two-layer network")
