"""The NumPy functions of issue 21 against their PyTorch twins in float64:
values, first derivatives and second derivatives (torch is only an oracle).
The decompositions are compared through what their sign conventions do not
change (U**2, U diag(w) Vh, ...), on matrices with distinct singular values
and eigenvalues."""
import numpy as np
import pytest

import minigrad.functions as F

torch = pytest.importorskip("torch")

from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)

RNG = np.random.default_rng(21)


def randn(*shape):
    return RNG.standard_normal(shape)


def joined(pieces, cat, reshape):
    """Several outputs as one: each flattened, scaled by 1, 2, 3 ... and joined."""
    def fn(*xs):
        return cat([reshape(p, (-1,)) * (i + 1) for i, p in enumerate(pieces(*xs))])
    return fn


def mg_joined(pieces):
    return joined(pieces, lambda ps: F.concat(ps, 0), F.reshape)


def torch_joined(pieces):
    return joined(pieces, torch.cat, torch.reshape)


def svd_parts(svd, matmul):
    def parts(a):
        U, S, Vh = svd(a)
        return [U * U, S, Vh * Vh, matmul(U * U.new_tensor(WEIGHTS3), Vh)]
    return parts


def eigh_parts(eigh, matmul):
    def parts(a):
        w, V = eigh(a)
        return [w, V * V, matmul(V * V.new_tensor(WEIGHTS3), V.T)]
    return parts


WEIGHTS3 = np.array([1.0, 2.0, 3.0])
SYMMETRIC = randn(3, 3)
SYMMETRIC = SYMMETRIC + SYMMETRIC.T + np.diag([0.0, 4.0, 8.0])
NONFINITE = np.array([[1.0, np.nan, -2.0], [np.inf, 0.5, -np.inf]])
SQUARE = randn(3, 3) * 0.4 + np.eye(3)

# (id, minigrad function, torch function, inputs)
CASES = [
    ("ravel", F.ravel, torch.ravel, [randn(2, 3, 2)]),
    ("vstack", lambda a, b: F.vstack([a, b]), lambda a, b: torch.vstack([a, b]), [randn(3), randn(2, 3)]),
    ("row_stack", lambda a, b: F.row_stack([a, b]), lambda a, b: torch.row_stack([a, b]), [randn(2, 3), randn(3)]),
    ("hstack", lambda a, b: F.hstack([a, b]), lambda a, b: torch.hstack([a, b]), [randn(2, 3), randn(2, 1)]),
    ("dstack", lambda a, b: F.dstack([a, b]), lambda a, b: torch.dstack([a, b]), [randn(2, 3), randn(2, 3, 2)]),
    ("column_stack", lambda a, b: F.column_stack([a, b]), lambda a, b: torch.column_stack([a, b]),
     [randn(4), randn(4, 2)]),
    ("array_split", mg_joined(lambda x: F.array_split(x, 3, 1)),
     torch_joined(lambda x: torch.tensor_split(x, 3, 1)), [randn(2, 7)]),
    ("hsplit", mg_joined(lambda x: F.hsplit(x, [1, 3])), torch_joined(lambda x: torch.hsplit(x, [1, 3])),
     [randn(2, 5)]),
    ("vsplit", mg_joined(lambda x: F.vsplit(x, 2)), torch_joined(lambda x: torch.vsplit(x, 2)), [randn(4, 3)]),
    ("dsplit", mg_joined(lambda x: F.dsplit(x, [2])), torch_joined(lambda x: torch.dsplit(x, [2])),
     [randn(2, 2, 3)]),
    ("append", lambda a, b: F.append(a, b, 1), lambda a, b: torch.cat([a, b], 1), [randn(2, 3), randn(2, 2)]),
    ("append_flat", F.append, lambda a, b: torch.cat([a.reshape(-1), b.reshape(-1)]), [randn(2, 3), randn(4)]),
    ("diff", lambda x: F.diff(x, 2, 0), lambda x: torch.diff(x, 2, 0), [randn(5, 3)]),
    ("diff_prepend", lambda x, p: F.diff(x, axis=1, prepend=p, append=0.5),
     lambda x, p: torch.diff(x, 1, 1, p, torch.full((3, 1), 0.5, dtype=torch.float64)), [randn(3, 4), randn(3, 2)]),
    ("trapezoid", lambda y, x: F.trapezoid(y, x, axis=0), lambda y, x: torch.trapezoid(y, x, dim=0),
     [randn(4, 3), np.sort(randn(4))]),
    ("trapezoid_dx", lambda y: F.trapezoid(y, dx=0.3), lambda y: torch.trapezoid(y, dx=0.3), [randn(2, 5)]),
    ("kron", F.kron, torch.kron, [randn(2, 3), randn(3, 1, 2)]),
    ("cross", F.cross, lambda a, b: torch.linalg.cross(a, b), [randn(4, 3), randn(1, 3)]),
    ("cross_axis", lambda a, b: F.cross(a, b, axis=0), lambda a, b: torch.linalg.cross(a, b, dim=0),
     [randn(3, 2), randn(3, 2)]),
    ("flipud", F.flipud, torch.flipud, [randn(3, 2)]),
    ("fliplr", F.fliplr, torch.fliplr, [randn(3, 2, 2)]),
    ("rot90", lambda x: F.rot90(x, 3, (2, 0)), lambda x: torch.rot90(x, 3, (2, 0)), [randn(2, 3, 4)]),
    ("meshgrid", mg_joined(lambda a, b, c: F.meshgrid(a, b, c)),
     torch_joined(lambda a, b, c: torch.meshgrid(a, b, c, indexing="xy")), [randn(2), randn(3), randn(4)]),
    ("meshgrid_ij", mg_joined(lambda a, b: F.meshgrid(a, b, indexing="ij")),
     torch_joined(lambda a, b: torch.meshgrid(a, b, indexing="ij")), [randn(2), randn(3)]),
    ("fmax", F.fmax, torch.fmax, [randn(3, 4), randn(4)]),
    ("fmin", F.fmin, torch.fmin, [randn(3, 1), randn(3, 4)]),
    ("fmax_nan", F.fmax, torch.fmax, [NONFINITE, randn(2, 3)]),
    ("nan_to_num", lambda x: F.nan_to_num(x, nan=0.5, neginf=-7.0),
     lambda x: torch.nan_to_num(x, nan=0.5, neginf=-7.0), [NONFINITE]),
    ("sinc", F.sinc, torch.sinc, [np.array([-2.5, -0.3, -0.05, 0.01, 0.2, 1.7])]),
    ("deg2rad", F.deg2rad, torch.deg2rad, [randn(3) * 90]),
    ("radians", F.radians, torch.deg2rad, [randn(3) * 90]),
    ("rad2deg", F.rad2deg, torch.rad2deg, [randn(3)]),
    ("degrees", F.degrees, torch.rad2deg, [randn(3)]),
    ("real", F.real, torch.real, [randn(2, 3)]),
    ("einsum_sublists", lambda a, b: F.einsum(a, [0, 1], b, [1, 2], [0, 2]), lambda a, b: torch.einsum("ij,jk->ik", a, b),
     [randn(2, 3), randn(3, 4)]),
    ("svd", mg_joined(svd_parts(lambda a: F.svd(a, full_matrices=False), F.matmul)),
     torch_joined(svd_parts(lambda a: torch.linalg.svd(a, full_matrices=False), torch.matmul)), [randn(5, 3)]),
    ("svd_wide_full", mg_joined(lambda a: [F.svd(a)[0] ** 2, F.svd(a)[2][:3] ** 2]),
     torch_joined(lambda a: [torch.linalg.svd(a)[0] ** 2, torch.linalg.svd(a)[2][:3] ** 2]), [randn(3, 5)]),
    ("eigh", mg_joined(eigh_parts(F.eigh, F.matmul)), torch_joined(eigh_parts(torch.linalg.eigh, torch.matmul)),
     [SYMMETRIC]),
    ("qr", mg_joined(F.qr), torch_joined(torch.linalg.qr), [randn(5, 3)]),
    ("qr_wide", mg_joined(F.qr), torch_joined(torch.linalg.qr), [randn(3, 5)]),
    ("pinv", F.pinv, torch.linalg.pinv, [randn(4, 3)]),
    ("pinv_wide", F.pinv, torch.linalg.pinv, [randn(2, 4)]),
    ("matrix_power", lambda a: F.matrix_power(a, 3), lambda a: torch.linalg.matrix_power(a, 3), [SQUARE]),
    ("matrix_power_negative", lambda a: F.matrix_power(a, -2), lambda a: torch.linalg.matrix_power(a, -2), [SQUARE]),
    ("norm_2", lambda a: F.norm(a, 2), lambda a: torch.linalg.matrix_norm(a, 2), [randn(4, 3)]),
    ("norm_nuc", lambda a: F.norm(a, "nuc", axis=(0, 2)), lambda a: torch.linalg.matrix_norm(a, "nuc", dim=(0, 2)),
     [randn(3, 2, 4)]),
    ("norm_minus_2", lambda a: F.norm(a, -2), lambda a: torch.linalg.matrix_norm(a, -2), [randn(3, 4)]),
]

COMPARED = {c[0] for c in CASES}


@pytest.mark.parametrize("name,mg_fn,torch_fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, mg_fn, torch_fn, arrays):
    assert_matches_torch(mg_fn, torch_fn, *arrays, atol=1e-9)
