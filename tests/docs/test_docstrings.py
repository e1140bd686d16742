"""The API reference's text, checked without building the site (a second):
every public name the reference documents has docstring text, every
docstring converts to clean reStructuredText (none is shown as one raw
literal block), and every op of the elementwise, arithmetic, reduction and
activation families declares its forward and derivative in LaTeX, which the
reference renders (docs/_docstrings.py)."""
import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("docutils", reason='docutils is not installed (pip install -e ".[docs]")')

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "docs"))
import _docstrings  # noqa: E402

import minigrad.functions as F  # noqa: E402
from minigrad.core.ops import declarations  # noqa: E402
from minigrad.viz.opmath import declared_math  # noqa: E402

_AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)", re.M)
FAMILIES = ("arithmetic", "math", "elementwise", "reduction", "activation")
WITHOUT_MATH = {"argmax", "argmin", "any", "all", "fmod", "remainder", "sign", "floor", "ceil", "round", "trunc",
                "isnan", "isinf", "isfinite", "isclose", "logical_and", "logical_or", "logical_not"}


def documented_modules():
    names = set()
    for rst in (ROOT / "docs" / "api").glob("*.rst"):
        names.update(_AUTOMODULE.findall(rst.read_text()))
    return sorted(names)


def public_objects():
    """(qualified name, object) for each name the reference lists: the public
    names of each documented module and the public methods and properties
    its classes define."""
    seen = set()
    for module_name in documented_modules():
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not (getattr(obj, "__module__", None) or "").startswith("minigrad"):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{module_name}.{name}", obj
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(value, (property, staticmethod, classmethod)) or inspect.isfunction(value):
                        yield f"{module_name}.{name}.{attr}", getattr(obj, attr, value) \
                            if not isinstance(value, property) else value


def _text(name, obj):
    if inspect.isclass(obj):
        return obj.__doc__ or ""
    if isinstance(obj, property):
        return obj.__doc__ or ""
    return inspect.getdoc(obj) or ""   # an override inherits its base method's text, as the site shows it


def test_every_public_name_has_docstring_text():
    missing = [name for name, obj in public_objects() if not _text(name, obj).strip()]
    assert not missing, f"{len(missing)} public names have no docstring text: {missing}"


def test_function_forward_and_backward_are_documented():
    from minigrad import Function
    for method in (Function.forward, Function.backward):
        assert len((method.__doc__ or "").split()) > 10, method.__qualname__


def test_every_docstring_converts_to_clean_restructured_text():
    _docstrings.fallbacks.clear()
    for name, obj in public_objects():
        text = _text(name, obj)
        if text.strip():
            _docstrings.as_restructured_text(None, "function", name, obj, {}, inspect.cleandoc(text).splitlines())
    assert not _docstrings.fallbacks, f"shown as raw literal blocks: {_docstrings.fallbacks}"


@pytest.mark.parametrize("name", ["SGD", "AdaGrad", "RMSprop", "AdaDelta", "Adam"])
def test_optimiser_docstrings_have_parameter_tables(name):
    from minigrad import optim
    cls = getattr(optim, name)
    doc = inspect.getdoc(cls)
    assert "Parameters\n----------" in doc
    assert all(f"\n{p} : " in doc for p in inspect.signature(cls).parameters)


def test_the_ops_of_the_math_families_declare_their_latex():
    missing = []
    for name, declaration in declarations.items():
        family = declaration.fn.__module__.rsplit(".", 1)[-1]
        if family in FAMILIES and name not in WITHOUT_MATH and not declaration.math:
            missing.append(name)
    assert not missing, f"ops without math=(forward, derivative) in their declaration: {missing}"
    forward, derivative = declared_math("tanh")
    assert "tanh" in forward and r"\partial" in derivative


def test_an_op_page_gets_its_math_as_rendered_formulas():
    lines = ["Hyperbolic tangent."]
    _docstrings.as_restructured_text(None, "function", "minigrad.functions.tanh", F.tanh, {}, lines)
    text = "\n".join(lines)
    assert text.count(".. math::") == 2 and r"1 - y^2" in text
    lines = ["Transpose."]   # no LaTeX declared: the math its Function classes' docstrings state
    _docstrings.as_restructured_text(None, "function", "minigrad.functions.transpose", F.transpose, {}, lines)
    assert "Transpose:" in "\n".join(lines)


def test_the_latex_of_each_declaration_is_balanced():
    for name, declaration in declarations.items():
        for formula in declaration.math or ():
            assert formula.count("{") == formula.count("}"), (name, formula)
            assert formula.count(r"\begin") == formula.count(r"\end"), (name, formula)


def test_a_doctest_example_passes_unescaped_and_the_text_after_it_is_converted():
    lines = ["Squares.", "", ">>> y = x ** 2 * w_1", "...     # `code`", "Variable(2.)", "", "After *that*."]
    _docstrings.as_restructured_text(None, "function", "example", None, {}, lines)
    assert lines[2:5] == [">>> y = x ** 2 * w_1", "...     # `code`", "Variable(2.)"]
    assert "After \\*that\\*." in lines
