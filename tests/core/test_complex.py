"""Complex numbers are refused at every entry (API.md, "Trust: no silent
wrong gradients"): `Variable(...)`, casts, constants mixed into ops
(Python, NumPy scalars and arrays, through operators, `F` and NumPy's
protocols), in-place writes, backward seeds, and user-defined Functions
whose forward makes them. PyTorch supports complex tensors (a documented
difference): libraries differentiate them by different conventions
(PyTorch's conjugate Wirtinger derivative, autograd's), and minigrad's
half support mixed the two, giving wrong gradients with no error. The
creation helpers are checked in tests/core/test_creation.py, real math
that stays real (sqrt of a negative ...) in
tests/functions/test_ops_torch_elementwise.py."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn

pytestmark = pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")   # no silent cast

REFUSED = r"complex numbers are not supported by minigrad \(got dtype complex(64|128)\); split the data"


def x():
    return mg.Variable(np.array([1.0, -2.0]))


@pytest.mark.parametrize("data", [np.array([1 + 2j]), [1j, 2.0], 1j, np.complex64(1j), np.zeros((2, 2), np.complex64)],
                         ids=["array", "list", "number", "numpy_scalar", "complex64"])
def test_variable_and_parameter_refuse_complex_data(data):
    with pytest.raises(TypeError, match="^Variable: " + REFUSED):
        mg.Variable(data)
    with pytest.raises(TypeError, match="^Variable: " + REFUSED):
        nn.Parameter(data)


CONSTANTS = [
    ("add", lambda: x() + 1j), ("add", lambda: 1j + x()), ("sub", lambda: 1j - x()), ("sub", lambda: x() - 1j),
    ("mul", lambda: x() * 1j), ("div", lambda: x() / 1j), ("div", lambda: 1j / x()),
    ("pow", lambda: x() ** 1j), ("pow", lambda: (1 + 1j) ** x()),
    ("mul", lambda: x() * np.complex128(1j)), ("mul", lambda: x() * np.complex64(1j)),
    ("mul", lambda: x() * np.array([1j, 1])), ("mul", lambda: np.array([1j, 1]) * x()),
    ("add", lambda: mg.Variable(np.array([1, 2]), requires_grad=False) + 1j),   # an integer Variable too
    ("mul", lambda: np.multiply(x(), 1j)), ("add", lambda: np.add(x(), np.array([0, 1j]))),
    ("matmul", lambda: x() @ np.array([1j, 1])), ("where", lambda: F.where(np.array([True, False]), x(), 1j)),
    ("maximum", lambda: F.maximum(x(), 1j)), ("exp", lambda: F.exp(np.array([1j]))),
    ("pnorm", lambda: F.norm(np.array([1 + 1j, 2]))),
]


@pytest.mark.parametrize("op,call", CONSTANTS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONSTANTS)])
def test_a_complex_constant_mixed_into_an_op_is_refused_naming_the_op(op, call):
    with pytest.raises(TypeError, match=f"^{op}: " + REFUSED):
        call()


def test_op_settings_that_would_make_complex_values_are_refused():
    with pytest.raises(TypeError, match="pad: value must be a real number, got 1j"):
        F.pad(x(), 1, value=1j)
    for call in (lambda: F.clip(x(), 1j, 2.0), lambda: F.leaky_relu(x(), 1j), lambda: F.elu(x(), 1j),
                 lambda: F.masked_fill(x(), np.array([True, False]), 1j), lambda: F.lerp(x(), x(), 1j)):
        with pytest.raises(TypeError):
            call()


@pytest.mark.parametrize("call,name", [
    (lambda: x().astype(np.complex64), "astype"), (lambda: x().astype("complex128"), "astype"),
    (lambda: x().to(np.complex128), "to"), (lambda: x().to("complex64"), "to"),
    (lambda: F.astype(x(), complex), "astype"),
    (lambda: x().new_tensor(np.array([1j, 2])), "new_tensor"), (lambda: x().new_tensor([1j]), "new_tensor"),
    (lambda: x().new_ones(2, dtype=complex), "Variable"),
])
def test_casts_to_a_complex_dtype_are_refused(call, name):
    with pytest.raises(TypeError, match=f"^{name}: " + REFUSED):
        call()


def test_a_complex_backward_seed_is_refused_and_writes_no_gradient():
    """A complex seed of a real output would make every gradient complex."""
    v = x()
    y = v * 2
    for seed in (np.array([1j, 1.0]), np.array([1j, 1.0], np.complex64)):
        with pytest.raises(TypeError, match=REFUSED):
            y.backward(seed)
        with pytest.raises(TypeError, match=REFUSED):
            mg.grad(y, [v], seed)
    with pytest.raises(TypeError):
        (v.sum() * 2).backward(1j)
    assert v.grad is None


@pytest.mark.parametrize("write", [
    lambda v: v.copy_(np.array([1j, 1.0])), lambda v: v.fill_(1j), lambda v: v.fill_(np.complex64(1j)),
    lambda v: v.__iadd__(1j), lambda v: v.__imul__(np.array([1j, 1.0])),
], ids=["copy_", "fill_", "fill_numpy", "iadd", "imul"])
def test_in_place_writes_of_complex_values_are_refused(write):
    v = x()
    with mg.no_grad():
        with pytest.raises(TypeError, match="cannot write a complex value into a Variable of dtype float64"):
            write(v)
    np.testing.assert_array_equal(v.data, [1.0, -2.0])   # unchanged


class Rotate(mg.Function):
    """A user-defined op whose forward makes complex numbers (x * i)."""

    def forward(self, x):
        return x * 1j

    def backward(self, gy):
        return gy


class RotateTorchStyle(mg.Function):
    @staticmethod
    def forward(ctx, x):
        return mg.Variable(x.data * 1j, requires_grad=False)

    @staticmethod
    def backward(ctx, gy):
        return gy


class TwoOutputs(mg.Function):
    def forward(self, x):
        return x * 2, x.astype(np.complex64)

    def backward(self, gy, gz):
        return gy


@pytest.mark.parametrize("cls,name", [(Rotate, "rotate"), (TwoOutputs, "two_outputs")])
def test_a_user_defined_function_whose_forward_makes_complex_numbers_is_refused(cls, name):
    with pytest.raises(TypeError, match=f"^{name}: {cls.__name__}.forward returned complex values: " + REFUSED):
        cls()(x())


def test_a_pytorch_style_function_making_complex_numbers_is_refused():
    with pytest.raises(TypeError, match=REFUSED):
        RotateTorchStyle.apply(x())


def test_minigrads_own_functions_are_not_wrapped_user_ones_keep_their_names():
    """The check wraps forward only for Functions defined outside minigrad
    (minigrad's ops make no complex numbers from real data): the hot path
    of its own ops is unchanged."""
    assert F.arithmetic.Mul.forward.__qualname__ == "Mul.forward"
    assert Rotate.forward.__name__ == "forward" and Rotate.forward.__doc__ == Rotate.__dict__["forward"].__doc__
    assert Rotate.forward is not F.arithmetic.Mul.forward


def test_a_float_input_never_gets_a_complex_gradient_as_torch_gives_none_either():
    """Every gradient is real for real inputs, also through the ops whose
    complex extension is not real (the values there are NaN, as PyTorch's)."""
    torch = pytest.importorskip("torch")
    a = np.array([-2.0, -0.5, 0.5, 2.0])
    v = mg.Variable(a)
    t = torch.tensor(a, requires_grad=True)
    with np.errstate(all="ignore"):
        y = (F.sqrt(v) + F.log(v) + v ** 0.5 + F.pow(-8.0, v) + F.abs(v) ** 1.5).sum()
        y.backward(create_graph=True)
        (gg,) = mg.grad(v.grad.sum(), [v])
    ty = (torch.sqrt(t) + torch.log(t) + t ** 0.5 + torch.pow(-8.0, t) + torch.abs(t) ** 1.5).sum()
    (tg,) = torch.autograd.grad(ty, [t], create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), [t])
    assert v.grad.dtype == np.float64 and gg.dtype == np.float64
    np.testing.assert_allclose(v.grad.data, tg.detach().numpy(), rtol=1e-7)
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-7)
