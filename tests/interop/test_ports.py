"""PyTorch programs that run on minigrad with only their imports changed.

Each program in examples/from_pytorch/pytorch/ is written for PyTorch; its
port, examples/from_pytorch/<name>.py, is the same file with its import
lines changed (`import torch` -> `import minigrad as torch` ...) and
nothing else: the first test diffs the two. Then both run from the same
initial weights (drawn by PyTorch, `initial_weights()`) on the same data,
and give the same final loss (float32, relative 1e-5).

The protocol each program follows: `initial_weights()` returns a dict of
ndarrays; `run(init=...)` trains from them and returns the final loss (or
a tuple of losses).
"""
import difflib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "from_pytorch"
ORIGINALS = sorted(p.stem for p in (EXAMPLES / "pytorch").glob("*.py"))
RTOL = 1e-5
# Settings the test runs with, in both libraries, where the two would draw
# different random numbers (dropout masks): the same data and weights otherwise.
SETTINGS = {"mnist_cnn": {"dropout": (0.0, 0.0)}}


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_import(line):
    text = line.strip()
    return text.startswith("import ") or (text.startswith("from ") and " import " in text)


@pytest.mark.parametrize("name", ORIGINALS)
def test_the_port_differs_from_the_original_only_in_import_lines(name):
    original = (EXAMPLES / "pytorch" / f"{name}.py").read_text().splitlines()
    port = (EXAMPLES / f"{name}.py").read_text().splitlines()
    changed = [line for line in difflib.unified_diff(original, port, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    others = [line for line in changed if not is_import(line[1:])]
    assert not others, f"{name}: lines other than imports differ:\n" + "\n".join(others)
    assert any("minigrad" in line for line in changed), f"{name}: the port does not import minigrad"


@pytest.mark.parametrize("name", ORIGINALS)
def test_the_port_gives_pytorchs_loss(name):
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        original = load(EXAMPLES / "pytorch" / f"{name}.py", f"original_{name}")
        init = original.initial_weights()
        expected = original.run(init={k: v.copy() for k, v in init.items()}, **SETTINGS.get(name, {}))
    finally:
        torch.set_num_threads(threads)
    got = load(EXAMPLES / f"{name}.py", f"port_{name}").run(init={k: v.copy() for k, v in init.items()},
                                                              **SETTINGS.get(name, {}))
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=RTOL)
