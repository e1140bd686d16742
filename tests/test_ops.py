"""Every public function of minigrad.functions, checked by property tests
generated from the op table in tests/op_specs: forward against NumPy,
first derivatives (gradcheck) and second derivatives (gradgradcheck)
against central differences, in float64, over drawn shapes and values."""
import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from hypothesis import given

import minigrad as mg
import minigrad.functions as F
from tests import op_specs
from tests.device import on_device


def _all_specs():
    specs = []
    for info in pkgutil.iter_modules(op_specs.__path__):
        module = importlib.import_module(f"tests.op_specs.{info.name}")
        specs.extend(getattr(module, "SPECS", []))
    return specs


SPECS = _all_specs()
GRAD_SPECS = [s for s in SPECS if s.grad]
SECOND_ORDER_SPECS = [s for s in GRAD_SPECS if s.second_order]


def _call(spec, case, variables):
    # On MINIGRAD_TEST_DEVICE (tests/device.py), inputs go there and outputs come back.
    return on_device(spec.fn)(*variables, **case.kwargs)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.ref is not None], ids=lambda s: s.name)
def test_forward_matches_numpy(spec):
    @given(spec.cases)
    def check(case):
        y = _call(spec, case, [mg.Variable(a) for a in case.arrays])
        expected = np.asarray(spec.ref(*case.arrays, **case.kwargs))
        y_data = y.data if isinstance(y, mg.Variable) else np.asarray(y)
        assert y_data.shape == expected.shape, f"{spec.name}: shape {y_data.shape} != {expected.shape}"
        np.testing.assert_allclose(y_data, expected, rtol=1e-7, atol=spec.forward_atol)
    check()


def _check_derivatives(spec, checker):
    @given(spec.cases)
    def check(case):
        assert checker(lambda *xs: _call(spec, case, xs), *case.arrays, atol=spec.atol, rtol=spec.rtol)
    check()


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=lambda s: s.name)
def test_gradcheck(spec):
    _check_derivatives(spec, mg.gradcheck)


@pytest.mark.parametrize("spec", SECOND_ORDER_SPECS, ids=lambda s: s.name)
def test_gradgradcheck(spec):
    _check_derivatives(spec, mg.gradgradcheck)


def public_functions():
    return sorted(name for name, obj in vars(F).items()
                  if not name.startswith("_") and inspect.isfunction(obj))


def test_every_public_function_is_in_the_op_table():
    covered = {name for spec in SPECS for name in spec.covers}
    missing = [name for name in public_functions() if name not in covered]
    assert not missing, f"functions missing from tests/op_specs: {missing}"
