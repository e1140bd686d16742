"""Every public function of minigrad.functions, checked by property tests
generated from the op table in tests/functions/op_specs: forward against NumPy,
first derivatives (gradcheck) and second derivatives (gradgradcheck)
against central differences, in float64, over drawn shapes and values."""
import importlib
import inspect
import pkgutil
import zlib

import numpy as np
import pytest
from hypothesis import given, seed, settings

import minigrad as mg
import minigrad.functions as F
from tests.functions import op_specs
from tests.device.device import on_device


def _all_specs():
    specs = []
    for info in pkgutil.iter_modules(op_specs.__path__):
        module = importlib.import_module(f"tests.functions.op_specs.{info.name}")
        specs.extend(getattr(module, "SPECS", []))
    return specs


SPECS = _all_specs()
GRAD_SPECS = [s for s in SPECS if s.grad]
SECOND_ORDER_SPECS = [s for s in GRAD_SPECS if s.second_order]


def _call(spec, case, variables):
    # On MINIGRAD_TEST_DEVICE (tests/device/device.py), inputs go there and outputs come back.
    return on_device(spec.fn)(*variables, **case.kwargs)


def cases_of(spec):
    """`given(spec.cases)`, seeded from the spec's name when the profile is
    derandomised (ci): otherwise every spec sharing a strategy would see the
    very same examples, since Hypothesis derives the seed from the test body."""
    def decorate(test):
        test = given(spec.cases)(test)
        return seed(zlib.crc32(spec.name.encode()))(test) if settings.default.derandomize else test
    return decorate


_DRAWN = {}   # spec name -> the cases its property tests drew (the same on every run: same seed)


def run_cases(spec, check):
    """Run `check(case)` on every case Hypothesis draws for `spec`, and keep
    the cases (once) for the tests at the end of this file to inspect."""
    seen = []

    @cases_of(spec)
    def run(case):
        seen.append(case)
        check(case)
    run()
    _DRAWN.setdefault(spec.name, seen)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.ref is not None], ids=lambda s: s.name)
def test_forward_matches_numpy(spec):
    def check(case):
        y = _call(spec, case, [mg.Variable(a) for a in case.arrays])
        expected = np.asarray(spec.ref(*case.arrays, **case.reference_kwargs()))
        y_data = y.data if isinstance(y, mg.Variable) else np.asarray(y)
        assert y_data.shape == expected.shape, f"{spec.name}: shape {y_data.shape} != {expected.shape}"
        np.testing.assert_allclose(y_data, expected, rtol=1e-7, atol=spec.forward_atol)
    run_cases(spec, check)


def _check_derivatives(spec, checker):
    def check(case):
        assert checker(lambda *xs: _call(spec, case, xs), *case.arrays, atol=spec.atol, rtol=spec.rtol)
    run_cases(spec, check)


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
    assert not missing, f"functions missing from tests/functions/op_specs: {missing}"


# -- the cases themselves must test something --------------------------------------

def drawn_cases(spec):
    """The cases the property tests above draw for `spec` (same profile, same
    seed): those they kept, or drawn now when they did not run."""
    if spec.name not in _DRAWN:
        run_cases(spec, lambda case: None)
    return _DRAWN[spec.name]


def is_edge_case(case, scalar_inputs=()):
    """An input that is 0-d or empty (inputs 0-d by design aside)."""
    return any((np.ndim(a) == 0 and i not in scalar_inputs) or np.size(a) == 0
               for i, a in enumerate(case.arrays))


def is_trivial(case, scalar_inputs=()):
    """An edge case, or one where no input has more than one element."""
    return is_edge_case(case, scalar_inputs) or max(np.size(a) for a in case.arrays) <= 1


# Of one spec's cases: the strategies aim at about 1 in 20, but Hypothesis's
# draws are not exactly repeatable on a loaded machine (it budgets by time),
# so the bound leaves room: a spec above it is mostly trivial by design.
TRIVIAL_AT_MOST = 1 / 3
EDGE_AT_MOST = 0.10      # of the whole table's cases


@pytest.fixture(scope="module")
def all_drawn_cases():
    return {spec.name: drawn_cases(spec) for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_drawn_cases_are_mostly_non_trivial(spec):
    cases = drawn_cases(spec)
    shapes = [tuple(np.shape(a) for a in case.arrays) for case in cases]
    trivial = [s for case, s in zip(cases, shapes) if is_trivial(case, spec.scalar_inputs)]
    assert len(trivial) <= TRIVIAL_AT_MOST * len(cases), (
        f"op spec {spec.name!r}: {len(trivial)} of its {len(cases)} drawn cases are trivial "
        f"(an input 0-d or empty, or no input with 2 or more elements): {trivial}. Draw shapes with "
        "at least 2 along each axis the op works on (tests/functions/op_specs: shape(), unary(), broadcasting() "
        "do), keeping 0-d and empty inputs to about one case in ten")
    assert len(set(shapes)) >= min(3, len(cases)), (
        f"op spec {spec.name!r}: its {len(cases)} drawn cases have only the input shapes {sorted(set(shapes))}")


def test_drawn_cases_differ_between_specs_and_edges_are_rare(all_drawn_cases):
    names = [spec.name for spec in SPECS]
    assert len(set(names)) == len(names), "two op specs share a name, and so a seed"
    by_draws = {}
    for name, cases in all_drawn_cases.items():
        key = tuple(tuple(np.shape(a) for a in case.arrays) + (repr(case.kwargs),) for case in cases)
        by_draws.setdefault(key, []).append(name)
    same = [names for names in by_draws.values() if len(names) > 1]
    assert not same, f"these op specs draw identical cases (the same seed?): {same}"
    everything = [case for cases in all_drawn_cases.values() for case in cases]
    edges = sum(is_edge_case(case) for case in everything)
    assert edges <= EDGE_AT_MOST * len(everything), (
        f"{edges} of the table's {len(everything)} cases have a 0-d or empty input; expected at most "
        f"{EDGE_AT_MOST:.0%}")


@pytest.mark.parametrize("kind,shapes_of", [
    ("matrix by matrix", lambda a, b: min(a.ndim, b.ndim) >= 2 and min(a.shape[-2:] + b.shape[-2:]) >= 2),
    ("batched", lambda a, b: max(a.ndim, b.ndim) >= 3 and min(a.shape[-2:] + b.shape[-2:]) >= 2),
])
def test_matmul_draws_real_matrix_products(kind, shapes_of):
    matmul = next(spec for spec in SPECS if spec.name == "matmul")
    assert any(shapes_of(*case.arrays) for case in drawn_cases(matmul)), f"matmul draws no {kind} product"
