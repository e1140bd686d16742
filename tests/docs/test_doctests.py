"""The `>>>` examples in minigrad's docstrings run, and print what they say
(part of the README's `python -m pytest -q`, so CI runs them too).

The modules are found by reading the source for `>>>` (nothing is imported
to collect them); each runs as one test with doctest's NORMALIZE_WHITESPACE
(an example may write `# doctest: +ELLIPSIS` where numbers carry float
noise). A module that needs a package that is not installed (onnx,
graphviz, matplotlib ...) is skipped, naming it. minigrad's random
generator is left as the examples found it."""
import copy
import doctest
import importlib
from pathlib import Path

import pytest

import minigrad as mg

PACKAGE = Path(mg.__file__).resolve().parent
OPTIONAL = ("onnx", "onnxruntime", "graphviz", "matplotlib", "cupy", "safetensors", "optuna", "sklearn")


def modules_with_examples():
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = ("minigrad",) + path.relative_to(PACKAGE).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = modules_with_examples()


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if error.name and error.name.split(".")[0] in OPTIONAL:
            pytest.skip(f"{name} needs {error.name}, which is not installed")
        raise


def test_the_reference_has_examples_to_run():
    assert len(MODULES) >= 10, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_print_what_they_show(name):
    module = _import(name)
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(module, name) if t.examples]
    assert tests, f"{name} has `>>> ` in its source but no docstring example doctest finds"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report = []
    generator = mg.get_rng()
    state = copy.deepcopy(generator.bit_generator.state)
    try:
        failed = sum(runner.run(test, out=report.append).failed for test in tests)
    finally:
        generator.bit_generator.state = state
    assert failed == 0, "".join(report)
