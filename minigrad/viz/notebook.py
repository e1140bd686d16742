"""Pictures in a notebook cell: `viz.show(...)`.

    viz.show(loss)                 # a Variable: the graph that computed it
    viz.show(model, x)             # a Module: its graph on an example input,
                                   #   parameters named, one box per layer
    with viz.trace_backward() as trace:
        loss.backward()
    trace                          # the stepper, inline (BackwardTrace._repr_html_)

Graphs come back as `graphviz.Digraph`s, which Jupyter (Lab, Notebook, VS
Code) draws inline as SVG.
"""
from ..core import Variable
from .dot import to_dot
from .modules import module_scopes
from .trace import BackwardTrace


def show(target, *inputs, **to_dot_options):
    """The picture of `target` for a notebook cell.

    Parameters
    ----------
    target : Variable, Module or BackwardTrace
        A Variable: its graph (`to_dot(target, **to_dot_options)`); a
        Module with example `inputs`: runs `target(*inputs)` and draws that
        graph with params=target and one labelled box per sub-module
        (cluster_modules=True); a BackwardTrace: itself (Jupyter shows its
        stepper inline).
    *inputs
        The example inputs a Module is run on.
    **to_dot_options
        Passed to `to_dot`.

    Returns
    -------
    graphviz.Digraph or BackwardTrace
        The picture (or the trace)."""
    if isinstance(target, BackwardTrace):
        return target
    if isinstance(target, Variable):
        if inputs:
            raise TypeError(f"show: a Variable's graph needs no inputs, got {len(inputs)}")
        return to_dot(target, **to_dot_options)
    if hasattr(target, "named_parameters") and callable(target):
        if not inputs:
            raise TypeError(f"show: a {type(target).__name__}'s graph is the graph of one forward pass; "
                            "give an example input, as in viz.show(model, x)")
        with module_scopes(target):
            y = target(*inputs)
        outputs = [v for v in (y if isinstance(y, (tuple, list)) else [y]) if isinstance(v, Variable)]
        to_dot_options.setdefault("params", target)
        to_dot_options.setdefault("cluster_modules", to_dot_options["params"] is target)
        return to_dot(*outputs, **to_dot_options)
    raise TypeError(f"show: expected a Variable, a Module (with an example input) or a BackwardTrace, "
                    f"got {type(target).__name__}")
