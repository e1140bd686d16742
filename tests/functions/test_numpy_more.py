"""What the op table does not show for the NumPy functions of issue 21:
float32 stays float32 through forward and backward, sinc's derivatives at 0
(exact, where PyTorch's second derivative is NaN), the decompositions at
repeated singular values (a function of S alone still has its gradient, as
PyTorch's) and with outputs the caller dropped (a backward that builds a
graph recomputes them rather than treating them as constants)."""
import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

RNG = np.random.default_rng(5)


def f32(*shape):
    return mg.Variable(RNG.standard_normal(shape).astype(np.float32))


A, SQ, V3 = f32(4, 3), f32(3, 3), f32(5, 3)
SYM = mg.Variable((SQ.data + SQ.data.T + np.diag([0, 3, 6])).astype(np.float32))

FLOAT32_CALLS = {
    "ravel": lambda: F.ravel(A), "vstack": lambda: F.vstack([A, A[0]]), "row_stack": lambda: F.row_stack([A]),
    "hstack": lambda: F.hstack([A, A]), "dstack": lambda: F.dstack([A, A]), "column_stack": lambda: F.column_stack([A]),
    "array_split": lambda: F.array_split(A, 3)[0], "hsplit": lambda: F.hsplit(A, 3)[1],
    "vsplit": lambda: F.vsplit(A, 2)[0], "dsplit": lambda: F.dsplit(F.reshape(A, (2, 2, 3)), 3)[0],
    "append": lambda: F.append(A, A), "diff": lambda: F.diff(A, 2), "trapezoid": lambda: F.trapezoid(A, dx=0.5),
    "trapezoid_x": lambda: F.trapezoid(A, f32(3)), "kron": lambda: F.kron(A, SQ), "cross": lambda: F.cross(V3, SQ[0]),
    "flipud": lambda: F.flipud(A), "fliplr": lambda: F.fliplr(A), "rot90": lambda: F.rot90(A, 3),
    "meshgrid": lambda: F.meshgrid(A[0], A[1])[1], "fmax": lambda: F.fmax(A, 0.5), "fmin": lambda: F.fmin(A, A * 2),
    "nan_to_num": lambda: F.nan_to_num(A), "sinc": lambda: F.sinc(A), "deg2rad": lambda: F.deg2rad(A),
    "radians": lambda: F.radians(A), "rad2deg": lambda: F.rad2deg(A), "degrees": lambda: F.degrees(A),
    "real": lambda: F.real(A) * 1, "imag": lambda: F.imag(A), "einsum": lambda: F.einsum(A, [0, 1], A, [0, 2]),
    "svd": lambda: F.svd(A)[0] ** 3, "eigh": lambda: F.eigh(SYM)[1] ** 3, "qr": lambda: F.qr(A)[0] ** 3,
    "pinv": lambda: F.pinv(A), "matrix_power": lambda: F.matrix_power(SQ, -2), "norm_2": lambda: F.norm(A, 2),
    "norm_nuc": lambda: F.norm(A, "nuc"),
}


@pytest.mark.parametrize("name", sorted(FLOAT32_CALLS))
def test_float32_stays_float32(name):
    for x in (A, SQ, V3, SYM):
        x.cleargrad()
    y = FLOAT32_CALLS[name]()
    assert y.dtype == np.float32, y.dtype
    if y.requires_grad:
        y.sum().backward()
        assert all(x.grad.dtype == np.float32 for x in (A, SQ, V3, SYM) if x.grad is not None)


def test_sinc_derivatives_at_zero_are_exact():
    """sinc(x) = 1 - (pi x)**2 / 6 + (pi x)**4 / 120 - ...: at 0 the
    derivatives of order 1 to 4 are 0, -pi**2 / 3, 0, pi**4 / 5."""
    x = mg.Variable(np.zeros(1))
    expected = [0.0, -math.pi ** 2 / 3, 0.0, math.pi ** 4 / 5]
    y = F.sinc(x)
    for order, value in enumerate(expected, 1):
        (y,) = mg.grad(y.sum(), [x], create_graph=True)
        np.testing.assert_allclose(y.data, [value], atol=1e-9, err_msg=f"derivative of order {order}")


def test_singular_values_alone_differentiate_at_repeated_values():
    torch = pytest.importorskip("torch")
    a = np.eye(3)
    x = mg.Variable(a)
    F.svd(x)[1].sum().backward()   # the nuclear norm: gradient U @ Vh = I
    t = torch.tensor(a, requires_grad=True)
    torch.linalg.svd(t)[1].sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy())
    w = mg.Variable(a * 2)
    F.eigh(w)[0].sum().backward()   # the trace: gradient I
    np.testing.assert_allclose(w.grad.data, np.eye(3))


def test_dropped_outputs_are_recomputed_for_a_second_derivative():
    """S kept alone, U and Vh dropped: a second derivative still goes
    through them (recomputed as a new node), so it matches the one that
    keeps them."""
    a, w = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    x = mg.Variable(a)
    (g,) = mg.grad(F.svd(x)[1].sum(), [x], create_graph=True)
    (gg,) = mg.grad((g * w).sum(), [x])
    y = mg.Variable(a)
    U, S, Vh = F.svd(y, full_matrices=False)
    (h,) = mg.grad(S.sum(), [y], create_graph=True)
    (hh,) = mg.grad((h * w).sum(), [y])
    np.testing.assert_allclose(gg.data, hh.data, atol=1e-12)
    assert np.abs(gg.data).max() > 1e-3   # not the zero a constant U, Vh would give


def test_row_stack_warns_as_numpy_does_and_stacks():
    x = mg.Variable(np.ones((2, 3)))
    with pytest.warns(DeprecationWarning):
        y = np.row_stack([x, x[0]])
    assert y.shape == (3, 3) and y.requires_grad


STACKINGS = [   # (name, minigrad, PyTorch, shapes): helpers NumPy runs as one concatenate
    ("vstack of a 1-D row", F.vstack, "vstack", [(3,), (2, 3)]),
    ("hstack of a 0-d", F.hstack, "hstack", [(), (2,)]),
    ("dstack", F.dstack, "dstack", [(2, 3), (2, 3)]),
    ("dstack of a 1-D", F.dstack, "dstack", [(3,), (1, 3, 2)]),
    ("column_stack of a 1-D", F.column_stack, "column_stack", [(3,), (3, 2)]),
    ("stack on axis 1", lambda xs: F.stack(xs, 1), lambda torch, ts: torch.stack(ts, 1), [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize("name, ours, theirs, shapes", STACKINGS, ids=[s[0] for s in STACKINGS])
def test_a_stacking_helper_records_one_concat_and_differentiates_as_pytorch(name, ours, theirs, shapes):
    torch = pytest.importorskip("torch")
    arrays = [RNG.standard_normal(s) for s in shapes]
    xs = [mg.Variable(a) for a in arrays]
    y = ours(xs)
    assert type(y.creator).__name__ == "Concat" and all(a is b for a, b in zip(y.creator.inputs, xs))
    g = RNG.standard_normal(y.shape)
    y.backward(g)
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ty = getattr(torch, theirs)(ts) if isinstance(theirs, str) else theirs(torch, ts)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    ty.backward(torch.tensor(g))
    for x, t in zip(xs, ts):
        np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


def test_array_split_records_one_split():
    x = f32(4, 7)
    pieces = F.array_split(x, 3, 1)
    assert [p.shape for p in pieces] == [(4, 3), (4, 2), (4, 2)]
    assert len({id(p.creator) for p in pieces}) == 1 and pieces[0].creator.inputs[0] is x
