"""The op declarations (minigrad/core/ops.py) are the one source of the tables
built from them: Variable's op methods, NumPy's dispatch, PyTorch's argument
names, the math the pictures and docs show, the ONNX converters' ops. Each
test here fails when an op is missing from a table its declaration names,
or a table holds an entry no declaration names."""
import importlib
import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad.core import Function, ops
from minigrad.core.variable import Variable
from minigrad.viz.opmath import op_math

DECLARATIONS = list(ops.declarations.values())
PUBLIC = {n: f for n, f in vars(F).items() if not n.startswith("_") and inspect.isfunction(f)}


def test_every_public_function_is_declared_once():
    assert sorted(PUBLIC) == sorted(ops.declarations)
    for name, fn in PUBLIC.items():
        assert ops.declarations[name].fn is fn, name
        assert getattr(ops.ops, name) is fn, name


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_the_function_in_its_own_module_is_the_declared_one(decl):
    # so minigrad.functions.reduction.sum(x, dim=1) works as F.sum(x, dim=1) does
    module = importlib.import_module(inspect.unwrap(decl.fn).__module__)
    assert getattr(module, decl.name) is decl.fn


def test_reduction_module_takes_dim_where_it_is_defined():
    import minigrad.functions.reduction as r
    y = r.sum(mg.Variable(np.ones((2, 3))), dim=1, keepdim=True)
    assert y.shape == (2, 1)


@pytest.mark.parametrize("decl", [d for d in DECLARATIONS if ops.takes_axis(inspect.unwrap(d.fn))],
                         ids=lambda d: d.name)
def test_every_op_taking_axis_takes_dim(decl):
    params = inspect.signature(decl.fn).parameters
    assert "axis" in params or "keepdims" in params
    assert decl.fn is not inspect.unwrap(decl.fn), f"{decl.name}: not wrapped for dim=/keepdim="


def _op_method_names():
    return {name for name, value in vars(Variable).items() if ops.method_stubs.get(name) is value}


@pytest.mark.parametrize("method,fn", sorted(ops.by_method.items()), ids=sorted(ops.by_method))
def test_every_declared_method_is_named_in_variables_class_body(method, fn):
    assert method in _op_method_names(), f"add `{method} = op_method({method!r})` to Variable's class body"
    assert ops.method_op(method) is fn
    assert fn.__name__ in Variable.__dict__[method].__doc__


def test_every_op_method_in_variable_is_declared_by_an_op():
    undeclared = sorted(_op_method_names() - set(ops.by_method))
    assert not undeclared, f"no op declares methods {undeclared}"


@pytest.mark.parametrize("decl", [d for d in DECLARATIONS if d.numpy], ids=lambda d: d.name)
def test_every_declared_numpy_function_dispatches_to_its_op(decl):
    for f in decl.numpy:
        assert ops.by_numpy[f] is decl.fn
        # NumPy hands it to Variable: a ufunc, or a function with NEP 18 dispatch
        assert isinstance(f, np.ufunc) or hasattr(f, "_implementation") or hasattr(f, "__wrapped__"), f


@pytest.mark.parametrize("decl", [d for d in DECLARATIONS if d.scipy], ids=lambda d: d.name)
def test_every_declared_scipy_name_is_a_scipy_ufunc_that_dispatches_to_its_op(decl):
    import scipy.special
    for name in decl.scipy:
        ufunc = getattr(scipy.special, name)
        assert isinstance(ufunc, np.ufunc), f"scipy.special.{name} is not a ufunc: NumPy cannot hand it over"
        assert ops.by_scipy[name] is decl.fn
        assert ops.scipy_op(ufunc) is decl.fn, f"declare the ufunc's own name {ufunc.__name__!r} too"


def test_numpy_on_a_variable_calls_the_declared_op():
    x = mg.Variable(np.array([0.5, 1.0]))
    y = np.exp(x)
    assert isinstance(y.creator, F.math.Exp)
    y = np.sum(x, axis=0)
    assert type(y.creator).__name__ == "Sum"


@pytest.mark.parametrize("decl", [d for d in DECLARATIONS if d.functions], ids=lambda d: d.name)
def test_every_named_function_class_states_its_math(decl):
    for cls in decl.functions:
        assert issubclass(cls, Function)
        assert op_math(cls).forward, f"{cls.__name__} has no formula in its docstring"


def test_every_onnx_converter_converts_a_declared_op():
    from minigrad.onnx.registry import CONVERTERS
    named = {cls for d in DECLARATIONS for cls in d.functions}
    orphans = sorted(t.__name__ for t in CONVERTERS if t not in named)
    assert not orphans, f"ONNX converters for Function classes no op declares: {orphans}"


def test_a_second_declaration_of_a_name_numpy_function_or_method_is_refused():
    with pytest.raises(RuntimeError, match="declared twice"):
        ops.declare()(PUBLIC["exp"])

    def fresh(x):
        return x
    with pytest.raises(RuntimeError, match="np.exp|exp already answers"):
        ops.declare(numpy=np.exp)(fresh)
    with pytest.raises(RuntimeError, match="scipy.special.erf already answers to erf"):
        ops.declare(scipy="erf")(fresh)
    with pytest.raises(RuntimeError, match="already calls"):
        ops.declare(methods="exp")(fresh)
    assert "fresh" not in ops.declarations
