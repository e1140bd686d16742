"""The creation helpers of `minigrad` as PyTorch and NumPy users know them:
mg.tensor and mg.from_numpy, zeros/ones/full/empty/arange/linspace/eye,
the random helpers and the *_like helpers (dtypes, requires_grad,
manual_seed). PyTorch is the oracle where it has the same thing (skipped
without it)."""
import numpy as np
import pytest

import minigrad as mg


# -- creation helpers ---------------------------------------------------------------------

def test_tensor_dtypes_follow_pytorch():
    assert mg.tensor(1.5).dtype == np.float32
    assert mg.tensor([1.0, 2.0]).dtype == np.float32
    assert mg.tensor([1, 2]).dtype == np.int64
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert mg.tensor(np.zeros(2, np.int32)).dtype == np.int32
    assert mg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    x = mg.tensor([1.0, 2.0])
    assert not x.requires_grad and mg.tensor([1.0], requires_grad=True).requires_grad


def test_tensor_copies_and_from_numpy_shares():
    a = np.zeros(3)
    t, s = mg.tensor(a), mg.from_numpy(a)
    a[0] = 5
    assert t.data[0] == 0 and s.data[0] == 5
    s.data[1] = 7
    assert a[1] == 7 and not s.requires_grad


def test_integer_variables_cannot_require_grad():
    with pytest.raises(RuntimeError, match="tensor: only floating-point.*int64"):
        mg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires_grad_: only floating-point"):
        mg.arange(3).requires_grad_()


CREATORS = [
    ("zeros", lambda **k: mg.zeros(2, 3, **k), np.zeros((2, 3))),
    ("ones", lambda **k: mg.ones((2, 3), **k), np.ones((2, 3))),
    ("full", lambda **k: mg.full((2, 3), 1.5, **k), np.full((2, 3), 1.5)),
    ("empty", lambda **k: mg.empty(2, 3, **k), None),
    ("arange", lambda **k: mg.arange(0.0, 3.0, 0.5, **k), np.arange(0.0, 3.0, 0.5)),
    ("linspace", lambda **k: mg.linspace(0, 1, 5, **k), np.linspace(0, 1, 5)),
    ("eye", lambda **k: mg.eye(3, 4, **k), np.eye(3, 4)),
    ("rand", lambda **k: mg.rand(2, 3, **k), None),
    ("randn", lambda **k: mg.randn((2, 3), **k), None),
    ("zeros_like", lambda **k: mg.zeros_like(np.ones((2, 3), np.float32), **k), np.zeros((2, 3))),
    ("ones_like", lambda **k: mg.ones_like(mg.zeros(2, 3), **k), np.ones((2, 3))),
    ("full_like", lambda **k: mg.full_like(mg.zeros(2, 3), 2.0, **k), np.full((2, 3), 2.0)),
    ("rand_like", lambda **k: mg.rand_like(mg.zeros(2, 3), **k), None),
    ("randn_like", lambda **k: mg.randn_like(mg.zeros(2, 3), **k), None),
]


@pytest.mark.parametrize("name,make,expected", CREATORS, ids=[c[0] for c in CREATORS])
def test_creation_helpers_float32_dtype_and_requires_grad(name, make, expected):
    x = make()
    assert isinstance(x, mg.Variable) and x.dtype == np.float32 and not x.requires_grad
    if expected is not None:
        np.testing.assert_allclose(x.data, expected)
    y = make(dtype=np.float64, requires_grad=True)
    assert y.dtype == np.float64 and y.requires_grad and y.creator is None
    assert y.shape == x.shape


def test_integer_creation_helpers():
    assert mg.arange(5).dtype == np.int64 and mg.arange(5).data.tolist() == [0, 1, 2, 3, 4]
    assert mg.full((2,), 3).dtype == np.int64 and mg.full(2, True).dtype == np.bool_
    r = mg.randint(0, 10, (3, 4))
    assert r.dtype == np.int64 and r.shape == (3, 4) and 0 <= r.data.min() and r.data.max() < 10
    assert mg.randint(5, (6,)).data.max() < 5
    assert mg.randint(0, 3, 4, dtype=np.int32).dtype == np.int32
    with pytest.raises(ValueError, match="zeros: a shape is non-negative ints"):
        mg.zeros(2, -1)


def test_random_helpers_follow_manual_seed():
    for make in (lambda: mg.rand(3, 2), lambda: mg.randn(4), lambda: mg.randint(0, 100, (5,)),
                 lambda: mg.randn_like(mg.zeros(2, 2)), lambda: mg.rand_like(mg.zeros(3))):
        mg.manual_seed(7)
        a = make().data
        mg.manual_seed(7)
        np.testing.assert_array_equal(a, make().data)
    mg.manual_seed(1)
    assert not np.array_equal(mg.randn(8).data, mg.randn(8).data)


def test_creation_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [(mg.tensor(1.5), torch.tensor(1.5)), (mg.tensor([1, 2]), torch.tensor([1, 2])),
             (mg.full((2,), 3), torch.full((2,), 3)), (mg.full((2,), 3.0), torch.full((2,), 3.0)),
             (mg.arange(4), torch.arange(4)), (mg.arange(0, 2, 0.5), torch.arange(0, 2, 0.5)),
             (mg.zeros(2, 3), torch.zeros(2, 3)), (mg.eye(3), torch.eye(3)),
             (mg.linspace(0, 1, 4), torch.linspace(0, 1, 4))]
    for ours, theirs in pairs:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(ours.data, theirs.numpy())


# -- sizes and complex numbers (API.md, "Trust") --------------------------------------

NEGATIVE_SIZES = [
    ("zeros", lambda: mg.zeros(-3, 2), lambda torch: torch.zeros(-3, 2)),
    ("ones", lambda: mg.ones((2, -1)), lambda torch: torch.ones((2, -1))),
    ("empty", lambda: mg.empty(-1), lambda torch: torch.empty(-1)),
    ("full", lambda: mg.full((-2,), 1.0), lambda torch: torch.full((-2,), 1.0)),
    ("rand", lambda: mg.rand(4, -4), lambda torch: torch.rand(4, -4)),
    ("randn", lambda: mg.randn(-2), lambda torch: torch.randn(-2)),
    ("randint", lambda: mg.randint(0, 5, (-1,)), lambda torch: torch.randint(0, 5, (-1,))),
    ("normal", lambda: mg.normal(0.0, 1.0, (-3,)), lambda torch: torch.normal(0.0, 1.0, (-3,))),
    ("eye", lambda: mg.eye(-2), lambda torch: torch.eye(-2)),
    ("linspace", lambda: mg.linspace(0, 1, -2), lambda torch: torch.linspace(0, 1, -2)),
]


@pytest.mark.parametrize("name,make,torch_make", NEGATIVE_SIZES, ids=[c[0] for c in NEGATIVE_SIZES])
def test_a_negative_size_is_a_value_error_naming_it(name, make, torch_make):
    """NumPy's ValueError (PyTorch raises a RuntimeError: a value, not a type, is wrong)."""
    with pytest.raises(ValueError, match=rf"{name}: a shape is non-negative ints, got .*: size -\d+ is negative"):
        make()
    with pytest.raises(ValueError):
        np.zeros((-3, 2))
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch_make(torch)


def test_a_size_that_is_not_an_int_is_a_type_error():
    for size in (2.5, "3", None, True):
        with pytest.raises(TypeError, match="zeros: a shape is non-negative ints"):
            mg.zeros(size)


COMPLEX_ENTRIES = [
    ("tensor", lambda: mg.tensor([1 + 2j, 3])),
    ("tensor", lambda: mg.tensor(np.array([1 + 2j]), dtype=np.float32)),   # a cast would drop 2j
    ("tensor", lambda: mg.tensor([1.0], dtype=np.complex64)),
    ("zeros", lambda: mg.zeros(2, dtype=np.complex128)),
    ("ones", lambda: mg.ones(2, dtype="complex64")),
    ("empty", lambda: mg.empty(2, dtype=complex)),
    ("full", lambda: mg.full((2,), 1j)),
    ("full", lambda: mg.full((2,), np.complex64(1j))),
    ("full", lambda: mg.full((2,), 1.0, dtype=complex)),
    ("arange", lambda: mg.arange(0, 3j)),
    ("arange", lambda: mg.arange(3, dtype=complex)),
    ("linspace", lambda: mg.linspace(0, 1j, 3)),
    ("eye", lambda: mg.eye(2, dtype=np.complex64)),
    ("rand", lambda: mg.rand(2, dtype=complex)),
    ("randn", lambda: mg.randn(2, dtype=np.complex64)),
    ("normal", lambda: mg.normal(np.array([1j]), 1.0)),
    ("randint", lambda: mg.randint(0, 3, (2,), dtype=complex)),
    ("zeros_like", lambda: mg.zeros_like(np.zeros(2, complex))),
    ("ones_like", lambda: mg.ones_like(mg.zeros(2), dtype=complex)),
    ("full_like", lambda: mg.full_like(mg.zeros(2), 1j)),
    ("empty_like", lambda: mg.empty_like(mg.zeros(2), dtype=np.complex64)),
    ("from_numpy", lambda: mg.from_numpy(np.zeros(2, np.complex64))),
    ("from_dlpack", lambda: mg.from_dlpack(np.zeros(2, np.complex128))),
]


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")   # no silent cast on the way
@pytest.mark.parametrize("name,make", COMPLEX_ENTRIES, ids=[f"{c[0]}-{i}" for i, c in enumerate(COMPLEX_ENTRIES)])
def test_complex_data_values_and_dtypes_are_refused_naming_the_helper(name, make):
    """PyTorch has complex tensors; minigrad refuses them (API.md, "Trust":
    libraries differentiate complex numbers by different conventions, and
    half a support gave wrong gradients silently). The error names the
    helper and the dtype and says what to do instead."""
    with pytest.raises(TypeError, match=rf"^{name}: complex numbers are not supported by minigrad \(got dtype "
                                        r"complex(64|128)\); split the data into its real and imaginary parts"):
        make()
