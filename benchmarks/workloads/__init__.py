"""Workloads W1-W6 of issue 6, one module each, and the runner they share.

A timed workload module (W1-W5) declares:

    ID, TITLE           "W1", "per-op overhead"
    cases(quick)        the sizes to run, as a list of `Case`
    BUILDERS            engine name -> build(**case.params) -> step
    RTOL                tolerance of the check against NumPy by hand

`build` does the setup (weights, data, imports) and returns `step`, a
callable doing one timed unit of work (one forward + backward, or one
training step) and returning an array or number. The first call of every
engine's step is checked against the NumPy-by-hand step, so every engine
is seen to compute the same thing before it is timed.
"""
from dataclasses import dataclass, field

import numpy as np

from ..engines import Unsupported
from ..timing import alternate


@dataclass
class Case:
    """One size of a workload: `params` go to the builders; a median time
    in seconds times `scale` gives the value in `unit`."""
    label: str
    params: dict
    unit: str
    scale: float


@dataclass
class Row:
    """One cell of the results: an engine's median on one case, or why it
    has none (`value` None)."""
    workload: str
    case: str
    engine: str
    unit: str
    value: float = None
    low: float = None        # first quartile
    high: float = None       # third quartile
    samples: int = 0
    dtype: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def _dtype(value):
    return str(np.asarray(value).dtype)


def agrees(value, reference, rtol):
    """True when an engine's result matches the NumPy-by-hand one."""
    value, reference = np.asarray(value, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return value.shape == reference.shape and np.allclose(value, reference, rtol=rtol, atol=rtol * 1e-2)


def run_timed(module, engines, quick=False, repeats=20, warmup=2, budget=None, settle=0.25):
    """Run every case of a timed workload module for `engines`, alternating
    them, and return a list of `Row`."""
    order = {e: i for i, e in enumerate(engines)}
    rows = []
    for case in module.cases(quick):
        case_rows = []
        reference = module.BUILDERS["numpy"](**case.params)()
        steps, notes, dtypes = {}, {}, {}
        for engine in engines:
            builder = module.BUILDERS.get(engine)
            try:
                if builder is None:
                    raise Unsupported("no implementation")
                step = builder(**case.params)
            except Unsupported as why:
                case_rows.append(Row(module.ID, case.label, engine, case.unit, note=f"skipped: {why}"))
                continue
            first = step()
            dtypes[engine] = _dtype(first)
            if not agrees(first, reference, module.RTOL):
                notes[engine] = "RESULT DIFFERS from NumPy by hand"
            steps[engine] = step
        samples = alternate(steps, repeats, warmup=warmup, budget=budget, settle=settle)
        for engine, sample in samples.items():
            low, high = sample.quartiles
            case_rows.append(Row(module.ID, case.label, engine, case.unit, sample.median * case.scale,
                                 low * case.scale, high * case.scale, len(sample.times),
                                 dtypes[engine], notes.get(engine, "")))
        rows.extend(sorted(case_rows, key=lambda r: order[r.engine]))
    return rows
