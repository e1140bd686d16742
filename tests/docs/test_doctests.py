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
import sys
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


def test_a_module_that_needs_a_missing_optional_package_is_skipped_naming_it(tmp_path, monkeypatch):
    (tmp_path / "needs_onnx_example.py").write_text('"""\n>>> 1\n1\n"""\nimport onnx\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnx", None)   # `import onnx` now raises ImportError
    with pytest.raises(pytest.skip.Exception, match="needs onnx"):
        _import("needs_onnx_example")
    (tmp_path / "broken_example.py").write_text("import not_an_optional_package_at_all\n")
    with pytest.raises(ImportError):   # anything else is an error, not a skip
        _import("broken_example")
