"""The benchmark suite runs end to end, and its programs compute the same
thing on every engine. Nothing here is timed: speed is measured by
`python benchmarks/run.py`, never asserted by the tests."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from benchmarks.engines import available
from benchmarks.workloads import Case, agrees, run_timed
from benchmarks.workloads import nets, w1_overhead, w2_mlp, w3_cnn, w4_graph_size, w5_double_backprop

ROOT = Path(__file__).resolve().parent.parent.parent
TIMED = (w1_overhead, w2_mlp, w3_cnn, w4_graph_size, w5_double_backprop)


def test_quick_run_prints_tables_and_writes_the_results_file(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--engines", "minigrad,numpy",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for heading in ("## W1", "## W2", "## W3", "## W4", "## W5", "## W6", "## Targets"):
        assert heading in done.stdout
    assert "chain of 211 ops" in done.stdout and "| minigrad" in done.stdout
    text = out.read_text()
    assert text.startswith("# Benchmark results")
    assert "Quick mode" in text and "## Machine, versions, threads" in text
    assert "numpy: " in text and "minigrad commit:" in text
    assert "RESULT DIFFERS" not in text


@pytest.mark.parametrize("module", TIMED, ids=lambda m: m.ID)
def test_every_installed_engine_computes_what_numpy_by_hand_computes(module):
    for case in module.cases(quick=True):
        reference = module.BUILDERS["numpy"](**case.params)()
        for engine in available():
            first = module.BUILDERS[engine](**case.params)()
            assert agrees(first, reference, module.RTOL), (module.ID, case.label, engine, first, reference)


class _FakeWorkload:
    """A workload whose minigrad step is wrong and whose DeZero step is missing."""
    ID, TITLE, RTOL = "W0", "fake", 1e-3
    BUILDERS = {"numpy": lambda: lambda: np.ones(3), "minigrad": lambda: lambda: np.ones(3) * 1.1}

    @staticmethod
    def cases(quick):
        return [Case("three ones", {}, "us/call", 1e6)]


def test_a_wrong_result_and_a_missing_engine_show_in_the_rows():
    rows = {r.engine: r for r in run_timed(_FakeWorkload, ["minigrad", "numpy", "dezero"], repeats=3, warmup=0,
                                                   settle=0)}
    assert "DIFFERS" in rows["minigrad"].note and rows["minigrad"].samples == 3
    assert rows["numpy"].note == "" and rows["numpy"].value > 0
    assert rows["dezero"].value is None and rows["dezero"].note.startswith("skipped")


def test_unknown_workload_is_refused_with_the_known_names():
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--only", "W9"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "W9" in done.stderr and "W1" in done.stderr


@pytest.mark.parametrize("module, gradients, forward", [
    (w2_mlp, w2_mlp.mlp_gradients, lambda F, x, ps: nets.mlp_forward(x, ps, F.linear, F.relu)),
    (w3_cnn, w3_cnn.cnn_gradients, lambda F, x, ps: nets.cnn_forward(
        x, ps, lambda h, W, b: F.conv2d(h, W, b, pad=1), F.relu, lambda h: F.max_pool2d(h, 2), F.linear)),
], ids=["W2", "W3"])
def test_numpy_by_hand_gradients_match_minigrad(module, gradients, forward):
    # The training steps are checked by their first loss, which says
    # nothing about the backward; this checks the hand-derived gradients.
    params, x, t = module.setup(**module.QUICK, seed=3)
    params = [p.astype(np.float64) for p in params]
    loss, grads = gradients(params, x.astype(np.float64), t)
    variables = [mg.Variable(p) for p in params]
    expected = mg.grad(F.softmax_cross_entropy(forward(F, mg.Variable(x.astype(np.float64)), variables), t),
                       variables)
    assert len(grads) == len(expected)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e.data, rtol=1e-7, atol=1e-10)
