"""The gradient check of the stepper: each leaf's analytic gradient beside
central differences of the traced output, as the CS231n notes on gradient
checking teach.

    analytic   the backward of the recorded ops, replayed in float64
    numeric    D(h) = (J(x + h e_i) - J(x - h e_i)) / (2 h) per element,
               J = sum over the traced passes of <seed, output>, taken at
               h = eps and 2 eps and combined as (4 D(eps) - D(2 eps)) / 3
               (Richardson's extrapolation: the error of D, of order eps**2,
               cancels, leaving one of order eps**4, so a correct tanh
               network agrees to about 1e-9, not 1e-6)
    error      |analytic - numeric| / max(|analytic|, |numeric|, floor)
               elementwise; floor = SCALE_FLOOR times the leaf's largest
               |gradient| (elements a thousand times smaller than it are
               compared with that thousandth: the rounding noise of the
               differences, about 1e-16 |J| / eps, would swamp them)
    kinks      elements where D(eps) and D(2 eps) differ by more than KINK
               (relative): the step crossed a kink (relu, max, abs), where
               differences say nothing about the derivative (or left the
               function's domain: a NaN). They are
               counted and left out of the largest error (CS231n's notes
               warn of kinks); a smooth function's two differences agree to
               about eps**2, whatever its backward says.

The recorded graph is replayed, not the user's code: every recorded
Function is called again, in creation order (a topological order), on
float64 copies of the leaves (their values when the traced backward pass
reached them), under `no_grad`; a recorded Function called again records a
copy (core/function.py), so the traced graph is left as it was. Perturbing
one leaf replays only the ops downstream of it. `core.numerical_grad` does
the differencing.

When the check is skipped (the page says why):
  - the graph is large: with check="auto", more than MAX_EVALUATIONS replays
    (four per leaf element) or MAX_OP_CALLS op calls in all (check=True
    lifts the limit);
  - an op does not give its recorded output again from its recorded inputs
    (dropout draws a new mask; an op with hidden state): differences would
    measure noise;
  - an op's input was changed in place after the op ran (`x[idx] = v`,
    `add_`), so the recorded graph no longer says what was computed;
  - an op computes in lower precision even from float64 inputs.
"""
import numpy as np

from ..core import Variable, grad, no_grad, numerical_grad, using_config
from ..device import backend
from .graph import Graph

MAX_EVALUATIONS = 4000     # check="auto": forward replays, four per leaf element (about a second)
MAX_OP_CALLS = 200_000     # check="auto": op calls over all those replays
EPS = 3e-4                 # the smaller central-difference step, in float64
KINK = 1e-3                # D(eps) and D(2 eps) further apart than this: a kink was crossed
SCALE_FLOOR = 1e-3         # errors relative to at least this times the leaf's largest |gradient|
# (bound, verdict): the first bound the largest error is under gives the verdict (CS231n's scale)
VERDICTS = ((1e-7, "agree to 1e-7"),
            (1e-4, "agree to 1e-4: fine where the graph has kinks (relu, max, abs), suspicious otherwise"),
            (1e-2, "agree only to 1e-2: probably a wrong backward"),
            (np.inf, "disagree: the backward is wrong"))
CHECK_CHOICES = (True, False, "auto")


class LeafCheck:
    """One leaf's check: `analytic`, `numeric`, `error` (elementwise
    relative error) and `kinks` (where the differences crossed a kink) are
    arrays of the leaf's shape; `max_error` the largest error off the
    kinks, `verdict` what it means, `agree` whether it is under 1e-4
    (CS231n: fine at kinks)."""

    __slots__ = ("leaf", "analytic", "numeric", "error", "kinks", "max_error", "verdict", "agree")

    def __init__(self, leaf, analytic, numeric, kinks):
        self.leaf = leaf
        self.analytic = analytic
        self.numeric = numeric
        self.kinks = kinks
        self.error = scaled_error(analytic, numeric)
        self.max_error = float(np.max(self.error[~kinks], initial=0.0))
        self.verdict = verdict(self.max_error)
        count = int(kinks.sum())
        if count:
            self.verdict += (f" ({count} element{'s' * (count > 1)} where the step crosses a kink "
                             "left out)")
        self.agree = self.max_error <= VERDICTS[1][0]


class GradientCheck:
    """The check of a trace: `leaves` a list of LeafCheck, or `reason` why
    there is none (then `leaves` is empty). When some leaf disagrees,
    `culprits` lists the ops whose own backward disagrees, each checked
    alone: [(Function, largest relative error)] (None when they could not
    all be checked alone; empty when every leaf agrees)."""

    __slots__ = ("leaves", "reason", "evaluations", "culprits")

    def __init__(self, leaves=(), reason=None, evaluations=0):
        self.leaves = list(leaves)
        self.reason = reason
        self.evaluations = evaluations
        self.culprits = []

    @property
    def agree(self):
        """Whether every leaf agrees (False when the check was skipped)."""
        return self.reason is None and all(c.agree for c in self.leaves)


def relative_error(analytic, numeric, floor=0.0):
    """|a - n| / max(|a|, |n|, floor) elementwise; 0 where both are 0."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    difference = np.abs(a - n)
    scale = np.fmax(np.fmax(np.abs(a), np.abs(n)), floor)   # fmax: a NaN does not hide the other
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.where(difference == 0, 0.0, difference / scale)
    return np.where(np.isnan(error), np.inf, error)   # a NaN anywhere is no agreement


def scaled_error(analytic, numeric):
    """relative_error with the floor SCALE_FLOOR times the largest |gradient|
    of the two arrays."""
    largest = max(np.max(np.abs(analytic), initial=0.0), np.max(np.abs(numeric), initial=0.0))
    return relative_error(analytic, numeric, SCALE_FLOOR * largest)


def verdict(max_error):
    """CS231n's reading of the largest relative error."""
    return next(text for bound, text in VERDICTS if max_error <= bound)


def check_option(check, caller="to_html"):
    """`check` if it is True, False or "auto", else a ValueError."""
    if not any(check is c or (isinstance(c, str) and check == c) for c in CHECK_CHOICES):
        raise ValueError(f"{caller}: check={check!r}; expected True (always), False (never) or "
                         f"\"auto\" (when at most {MAX_EVALUATIONS} replays of the graph)")
    return check


def check_gradients(trace, check="auto", eps=EPS):
    """The GradientCheck of `trace` (a BackwardTrace), or None for
    check=False. "auto" skips large graphs, True checks whatever the size;
    both skip, saying why, graphs that cannot be replayed faithfully (see
    the module docstring)."""
    check_option(check)
    if check is False:
        return None
    graph = Graph(trace.outputs)
    leaves = [x for x in graph.variables if x.creator is None and x.requires_grad]
    if not leaves:
        return GradientCheck(reason="no leaf requires a gradient")
    evaluations = sum(4 * x.size for x in leaves)
    if check == "auto" and evaluations > MAX_EVALUATIONS:
        return GradientCheck(reason=_too_big(f"{evaluations} replays of the forward pass", leaves))
    downstream = {x: _downstream(graph, x) for x in leaves}
    calls = sum(4 * x.size * len(downstream[x]) for x in leaves)
    if check == "auto" and calls > MAX_OP_CALLS:
        return GradientCheck(reason=_too_big(f"{evaluations} replays of the forward pass ({calls} op calls)",
                                             leaves))
    recorded = {x: trace.leaf_values.get(x, x.data) for x in graph.variables if x.creator is None}
    reason = _unfaithful(graph, recorded)   # after the size rule: it replays the whole graph once
    if reason is not None:
        return GradientCheck(reason=reason)
    seeds = {}
    for pass_seeds in trace.seeds:
        for y, seed in pass_seeds:
            seed = np.asarray(seed, dtype=np.float64)
            seeds[y] = seed if y not in seeds else seeds[y] + seed
    with using_config("observers", ()):   # the check's own backward is not part of the trace
        try:
            return _check(graph, leaves, recorded, seeds, downstream, eps, evaluations)
        except Exception as error:   # a user's Function may fail in float64: the page still shows
            return GradientCheck(reason=f"replaying the graph in float64 raised {type(error).__name__}: {error}")


def _too_big(cost, leaves):
    return (f"the graph is too big to check here: {cost} for {sum(x.size for x in leaves)} leaf elements, "
            f"over the limit of {MAX_EVALUATIONS} replays and {MAX_OP_CALLS} op calls; "
            "to_html(check=True) checks it anyway")


def _check(graph, leaves, recorded, seeds, downstream, eps, evaluations):
    values = {x: Variable(_float64(a), requires_grad=x.requires_grad) for x, a in recorded.items()}
    _replay(graph.functions, values)
    low = next(((f, y) for f in graph.functions for y in Graph.function_outputs(f)
                if y is not None and values[y].data.dtype.kind == "f" and values[y].dtype != np.float64), None)
    if low is not None:
        f, y = low
        return GradientCheck(reason=(
            f"{f.name} ({type(f).__name__}) computes in {values[y].dtype} even from float64 inputs, so "
            "central differences would measure its rounding"))
    live = [y for y in seeds if y in values]
    analytic = grad([values[y] for y in live], [values[x] for x in leaves],
                    [Variable(seeds[y], requires_grad=False) for y in live])
    with no_grad():
        base = {x: Variable(v.data, requires_grad=False) for x, v in values.items()}
        checks = []
        for x, a in zip(leaves, analytic):
            (numeric, kinks), = _differences(_replaying(x, base, downstream[x], seeds), [base[x].data], eps)
            a = np.zeros(x.shape) if a is None else np.asarray(backend.to_host(a.data), dtype=np.float64)
            checks.append(LeafCheck(x, a, numeric, kinks))
    result = GradientCheck(checks, evaluations=evaluations)
    if not result.agree:
        result.culprits = _culprits(graph, base, eps)
    return result


def _culprits(graph, values, eps):
    """The ops whose own backward disagrees with central differences, each
    checked alone at its replayed inputs against a random weighting of its
    outputs (as gradcheck does): [(function, largest relative error)]; None
    when that would take more than MAX_OP_CALLS op calls, or when none is
    found but some op could not be run alone."""
    inputs = [[i for i, x in enumerate(f.inputs) if x.requires_grad and values[x].data.dtype.kind == "f"]
              for f in graph.functions]
    if sum(4 * f.inputs[i].size for f, wrt in zip(graph.functions, inputs) for i in wrt) > MAX_OP_CALLS:
        return None
    rng = np.random.default_rng(0)
    culprits, unchecked = [], False
    for f, wrt in zip(graph.functions, inputs):
        if wrt:
            try:
                worst = _alone(f, wrt, [values[x].data for x in f.inputs], rng, eps)
            except Exception:   # an op that cannot be run alone (a user's): not blamed, not cleared
                unchecked = True
                continue
            if worst > VERDICTS[1][0]:
                culprits.append((f, worst))
    return None if unchecked and not culprits else culprits


def _alone(f, wrt, arrays, rng, eps):
    """The largest relative error of f's own backward, for its inputs
    `wrt`, at `arrays`, against a random weighting of its outputs."""
    xs = [Variable(a, requires_grad=k in wrt) for k, a in enumerate(arrays)]
    ys = [y for y in _listed(f(*xs)) if y is not None]
    weights = [rng.standard_normal(y.shape) for y in ys]
    analytic = grad(ys, [xs[i] for i in wrt], [Variable(w, requires_grad=False) for w in weights])

    def objective(*perturbed):
        args = list(arrays)
        for i, v in zip(wrt, perturbed):
            args[i] = v.data
        with no_grad():
            outs = [y for y in _listed(f(*[Variable(a, requires_grad=False) for a in args])) if y is not None]
        return Variable(np.asarray(sum(float(np.sum(w * y.data)) for w, y in zip(weights, outs))),
                        requires_grad=False)

    return max(float(np.max(scaled_error(0.0 if a is None else a.data, n)[~kinks], initial=0.0))
               for a, (n, kinks) in zip(analytic, _differences(objective, [arrays[i] for i in wrt], eps)))


def _listed(ys):
    return ys if isinstance(ys, (list, tuple)) else [ys]


def _differences(f, arrays, eps):
    """[(numeric gradient, kinks)] of the scalar f(*arrays), per array:
    central differences at eps and 2 eps, combined (see the module
    docstring)."""
    with np.errstate(all="ignore"):   # a step out of the domain (log of a negative) is a NaN, counted
        near = numerical_grad(f, *arrays, eps=eps)
        far = numerical_grad(f, *arrays, eps=2 * eps)
    return [((4 * n - m) / 3, (scaled_error(n, m) > KINK) | ~np.isfinite(n + m)) for n, m in zip(near, far)]


def _replaying(leaf, base, functions, seeds):
    """J as a function of `leaf` alone: the ops downstream of it replayed on
    the base values."""
    def objective(v):
        values = dict(base)
        values[leaf] = v
        _replay(functions, values)
        return Variable(np.asarray(_objective(values, seeds)), requires_grad=False)
    return objective


def _objective(values, seeds):
    """J = sum of <seed, output> over the traced outputs."""
    return sum(float(np.sum(seed * values[y].data)) for y, seed in seeds.items() if y in values)


def _replay(functions, values):
    """Call each recorded function in turn on `values` ({recorded Variable:
    replayed Variable}), adding the replayed outputs."""
    for f in functions:
        ys = f(*[values[x] for x in f.inputs])
        for y, replayed in zip(Graph.function_outputs(f), _listed(ys)):
            if y is not None:
                values[y] = replayed


def _unfaithful(graph, recorded):
    """Why replaying the recorded functions would not recompute the traced
    forward pass, or None when it does."""
    with no_grad():
        for f in graph.functions:
            for x in f.inputs:
                if x.creator is not None and x.creator.seq > f.seq:
                    return (f"{f.name} read a value that was later changed in place ({x.creator.name} "
                            "rebound it), so replaying the recorded ops would not recompute the forward pass; "
                            "write x = x.op(...) instead of the in-place x.op_(...) to check it")
            arrays = [recorded.get(x, x.data) for x in f.inputs]
            try:
                ys = f(*[Variable(a, requires_grad=False) for a in arrays])
            except Exception as error:   # whatever a user's Function raises: say it and skip
                return f"replaying {f.name} ({type(f).__name__}) raised {type(error).__name__}: {error}"
            for y, again in zip(Graph.function_outputs(f), _listed(ys)):
                if y is None:
                    continue
                if not _same(np.asarray(backend.to_host(y.data)), np.asarray(backend.to_host(again.data))):
                    return (f"{f.name} ({type(f).__name__}) does not give its recorded output again from its "
                            "recorded inputs: it draws random numbers (dropout draws a new mask) or keeps "
                            "state, so central differences would measure that change, not the gradient; "
                            "trace in eval mode (model.eval()) or without the random op to check")
    return None


def _same(old, new):
    """Whether a replayed output is the recorded one: to rounding for
    numbers (BLAS may sum in another order), exactly for the rest."""
    if old.shape != new.shape:
        return False
    if old.dtype.kind not in "fc":
        return np.array_equal(old, new)
    scale = float(np.max(np.abs(old), initial=0.0))
    return np.allclose(new, old, rtol=1e-5, atol=1e-6 * scale, equal_nan=True)


def _downstream(graph, leaf):
    """The functions whose value depends on `leaf`, in creation order."""
    reached = {leaf}
    functions = []
    for f in graph.functions:
        if any(x in reached for x in f.inputs):
            functions.append(f)
            reached.update(y for y in Graph.function_outputs(f) if y is not None)
    return functions


def _float64(a):
    """A float64 host copy of a floating array; others (labels) as they are."""
    a = np.array(backend.to_host(a), copy=True)
    return a.astype(np.float64) if a.dtype.kind == "f" else a
