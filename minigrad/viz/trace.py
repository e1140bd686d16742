"""Recording a backward pass, one function at a time.

    with viz.trace_backward() as trace:
        loss.backward()
    for step in trace.steps:
        step.function, step.grads_in, step.grads_out
    trace.to_html("backward.html")     # a page that replays it
    trace                              # in Jupyter: the same page, inline

The engine (core/backprop.py) tells its observer when a pass begins (the
outputs and their seed gradients) and after each function has sent its
gradients. The trace keeps copies of those arrays, so later passes or
in-place updates cannot change what it shows. It also keeps the graph alive
(the functions and their inputs) for as long as the trace lives.
"""
from typing import NamedTuple

import numpy as np

from ..device import backend
from ..core import Variable, no_grad
from ..core.config import observing
from ..functions import sum_to
from .dot import parameter_names
from .page import notebook_frame, page_html, write_page


class Step(NamedTuple):
    """One function's turn in the backward pass.

    Attributes
    ----------
    function : Function
        The Function whose backward ran.
    grads_in : tuple
        Per output, dL/dy as an ndarray (None when no gradient came).
    grads_out : tuple
        Per input, dL/dx it sent, summed to the input's shape (None where
        it sent none).
    """
    function: object
    grads_in: tuple
    grads_out: tuple


class BackwardTrace:
    """The record of the backward passes run inside `with trace_backward()`.

    outputs  the Variables each pass started from (each once)
    seeds    per pass, [(output, seed gradient ndarray), ...]
    steps    the Steps of every pass, in the order they ran
    """

    def __init__(self, params=None):
        self.params = params     # a Module or dict name -> Parameter: the names to draw
        self.outputs = []
        self.seeds = []
        self.steps = []
        self.pass_starts = []    # index into steps where each pass begins
        self.summed_from = {}    # (step index, input index) -> shape before sum_to
        self.before_sum = {}     # (step index, input index) -> the gradient before sum_to
        self.leaf_values = {}    # leaf Variable -> copy of its data when backward first reached it

    # -- the context manager ---------------------------------------------------------
    def __enter__(self):
        # Observers are per thread (Config.observers): a backward pass run
        # by another thread meanwhile is not recorded here.
        self._observing = observing(self)
        self._observing.__enter__()
        return self

    def __exit__(self, *exc_info):
        self._observing.__exit__(*exc_info)
        return False

    # -- the observer protocol of core/backprop.py ---------------------------------------
    def begin(self, outputs, grad_outputs):
        """Record the start of a backward pass from `outputs` with their
        seed gradients `grad_outputs` (backprop calls it)."""
        self.pass_starts.append(len(self.steps))
        self.seeds.append([(y, _copy(gy)) for y, gy in zip(outputs, grad_outputs)])
        for y in outputs:
            if not any(y is known for known in self.outputs):
                self.outputs.append(y)

    def step(self, function, gys, gxs):
        """Record one Function's backward: the gradients `gys` it received
        and `gxs` it sent (backprop calls it)."""
        grads_out = []
        for i, (x, gx) in enumerate(zip(function.inputs, gxs)):
            if x.creator is None and x not in self.leaf_values:   # for the gradient check (check.py)
                self.leaf_values[x] = _copy(x)
            g = _copy(gx)
            if g is not None and g.shape != x.shape:
                self.summed_from[len(self.steps), i] = g.shape
                self.before_sum[len(self.steps), i] = g
                with no_grad():
                    g = sum_to(Variable(g), x.shape).data
            grads_out.append(g)
        self.steps.append(Step(function, tuple(_copy(gy) for gy in gys), tuple(grads_out)))

    # -- reading the record -----------------------------------------------------------------
    def leaf_grads(self, upto=None):
        """{leaf Variable: gradient ndarray} delivered by the traced passes
        after their first `upto` steps (all of them when None), seeds of
        outputs that are leaves included. Leaves whose `.grad` was None
        before the trace end with `.grad` equal to this."""
        upto = len(self.steps) if upto is None else upto
        totals = {}

        def add(x, g):
            if g is not None and x.creator is None:
                totals[x] = g if x not in totals else totals[x] + g

        for start, seeds in zip(self.pass_starts, self.seeds):
            if start <= upto:
                for y, g in seeds:
                    add(y, g)
        for step in self.steps[:upto]:
            for x, g in zip(step.function.inputs, step.grads_out):
                add(x, g)
        return totals

    def to_html(self, path, show=("name", "value"), params=None, rankdir="TB",
                cluster_modules=False, title=None, check="auto", collapse=None):
        """Write one self-contained HTML page (no network: the SVG and the
        script are inline) that replays the forward pass and then the
        backward pass on the drawn graph: Prev / Next / Play and the arrow
        keys step through it, the current function is highlighted, each
        value and then each gradient appears on its node (and edge) as it
        is computed, and the formula and chain rule of the step are written
        out. The picture zooms (wheel, + / -) and pans (drag). Needs
        Graphviz's `dot` (else GraphvizNotFoundError). Returns the path.

        Parameters
        ----------
        path : str or Path
            Where to write the page.
        show, params, rankdir, cluster_modules
            As for `to_dot` (the name, value and gradient lines are always
            drawn).
        title : str, optional
            The page's heading.
        check : {"auto", True, False}
            The "Gradient check" tab: every leaf's gradient from backward
            beside central differences of the traced output, with the
            largest relative error and its verdict (viz/check.py). "auto"
            checks graphs of at most 4,000 replays (four per leaf element)
            and says on the page why a bigger one is not checked; True
            checks whatever the size; False leaves the tab out. Graphs with
            random ops (dropout) or in-place updates are never checked, and
            the page says so.
        collapse : True, or list of str, optional
            Modules drawn as one box, named by path and class ("1: Linear"),
            that a click expands (and a click on an open module's label
            collapses again): True for every top-level module, or dotted
            module paths such as ["0", "encoder.layer1"]. Implies
            `cluster_modules=True`.
        """
        params = self.params if params is None else params
        return write_page(self, path, show=show, params=params, rankdir=rankdir,
                          cluster_modules=cluster_modules, title=title, check=check, collapse=collapse)

    def html(self, **to_html_options):
        """The page `to_html` writes, as a string."""
        to_html_options.setdefault("params", self.params)
        return page_html(self, **to_html_options)

    def _repr_html_(self):
        """Jupyter (Lab, Notebook, VS Code) shows the stepper inline: the
        page in an iframe's srcdoc, scripts and all, so it needs no file."""
        return notebook_frame(self, params=self.params)

    def __repr__(self):
        return (f"<BackwardTrace: {len(self.seeds)} backward pass(es), {len(self.steps)} steps; "
                f"to_html(path) writes the stepper>")


def trace_backward(params=None):
    """Context manager recording every backward pass run inside it; gives a
    BackwardTrace (`steps`, `leaf_grads()`, `to_html(path)`).

    params   the model (a Module, or a dict name -> Parameter) whose
             parameters the pictures name and colour as parameters
             ("0.weight"), inline in a notebook too; `to_html(params=...)`
             overrides it.

    Examples
    --------
    >>> import numpy as np
    >>> import minigrad as mg
    >>> import minigrad.functions as F
    >>> from minigrad import viz
    >>> x = mg.Variable(np.array([1.0, 2.0]), name="x")
    >>> with viz.trace_backward() as trace:
    ...     F.tanh(x * x).sum().backward()
    >>> [step.function.name for step in trace.steps]
    ['sum', 'tanh', 'mul']
    >>> trace
    <BackwardTrace: 1 backward pass(es), 3 steps; to_html(path) writes the stepper>
    """
    if params is not None:
        parameter_names(params, "trace_backward")   # a TypeError now, not when it is drawn
    return BackwardTrace(params)


def _copy(g):
    """A private ndarray copy of a gradient (Variable or array), or None."""
    if g is None:
        return None
    return np.array(backend.to_host(g.data if isinstance(g, Variable) else g), copy=True)
