"""Micro-benchmark of the reductions, running ops, indexing and sorting ops
of issue 11 and the NumPy functions of issue 21 (stacking, splitting,
diff, kron, cross, fmax, sinc, the decompositions ...): forward plus
backward on a float32 array of shape (128, 512) (square ops on its first
128 columns, cross on 3-vectors of about as many elements), minigrad
against the same computation written by hand in NumPy.

    python benchmarks/ops_micro.py [--repeats 30] [--only prod,gather]

Prints a table: op, NumPy fwd+bwd by hand (microseconds, median), minigrad
fwd+bwd, their ratio (the goal: at most 2), and the ratio of the fastest
calls of each (steadier when the machine is busy); then, when PyTorch is
installed, PyTorch's fwd+bwd of the same op on the same array (one thread,
its gradient checked against NumPy's) and minigrad's ratio to it. Timings
alternate the engines in short blocks (benchmarks/timing.py), so a busy
machine slows them alike; still, on a loaded machine, read the ratios as
rough. A pure view op (ravel: about 1 microsecond in NumPy) cannot come
within 2x: the fixed cost of any autograd engine's step (a leaf, a
recorded op, a backward call, a gradient of its own) is more than that,
and the PyTorch column shows the same.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import minigrad as mg  # noqa: E402
import minigrad.functions as F  # noqa: E402
from benchmarks.timing import alternate, set_malloc_thresholds  # noqa: E402

SHAPE = (128, 512)
RNG = np.random.default_rng(0)
X = RNG.standard_normal(SHAPE).astype(np.float32)
NEAR_ONE = (1 + 0.01 * RNG.standard_normal(SHAPE)).astype(np.float32)  # products stay finite
INDEX = RNG.integers(0, SHAPE[1], SHAPE)
ROWS = RNG.integers(0, SHAPE[0], SHAPE[0])
MASK = RNG.standard_normal(SHAPE) > 0
ROW = np.arange(SHAPE[0])[:, None]
Y = RNG.standard_normal(SHAPE).astype(np.float32)
SQUARE = (np.eye(SHAPE[0]) + 0.05 * RNG.standard_normal((SHAPE[0],) * 2)).astype(np.float32)
SYMMETRIC = (X[:, :SHAPE[0]] + X[:, :SHAPE[0]].T).astype(np.float32)
VECTORS = RNG.standard_normal((SHAPE[0], SHAPE[1] // 3, 3)).astype(np.float32)
OTHER_VECTORS = RNG.standard_normal(VECTORS.shape).astype(np.float32)
KRON_B = RNG.standard_normal((2, 2)).astype(np.float32)
COLUMN = RNG.standard_normal(SHAPE[0]).astype(np.float32)
TRAPEZOID_WEIGHTS = np.full(SHAPE[1], 0.5, np.float32)
TRAPEZOID_WEIGHTS[[0, -1]] = 0.25   # dx = 0.5


def reverse_cumsum(a, axis):
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


def scatter_into_zeros(shape, index, values):
    """Zeros of `shape` with `values` added at (row, index[row, j]) (by hand: np.add.at)."""
    out = np.zeros(shape, values.dtype)
    np.add.at(out, (ROW, index), values)
    return out


# -- NumPy by hand: x, gy -> gx (the forward value computed on the way) --------------

def np_prod(x, gy):
    y = np.prod(x, 1)
    return (gy * y)[:, None] / x


def np_std(x, gy):
    centered = x - x.mean(1, keepdims=True)
    y = np.sqrt((centered * centered).mean(1))
    return (gy / y)[:, None] * centered / x.shape[1]


def np_var(x, gy):
    centered = x - x.mean(1, keepdims=True)
    np.var(x, 1, ddof=1)
    return gy[:, None] * centered * (2 / (x.shape[1] - 1))


def np_norm(x, gy):
    y = np.sqrt(np.sum(x * x, 1))
    return (gy / y)[:, None] * x


def np_amax(x, gy):
    y = np.max(x, 1)
    return (x == y[:, None]) * gy[:, None]


def np_median(x, gy):
    n = x.shape[1]
    middle = [n // 2 - 1, n // 2]
    index = np.argpartition(x, middle, 1)[:, middle]
    np.take_along_axis(x, index, 1).mean(1)
    gx = np.zeros_like(x)
    np.put_along_axis(gx, index, np.repeat(gy[:, None] / 2, 2, 1), 1)
    return gx


def np_cumsum(x, gy):
    np.cumsum(x, 1)
    return reverse_cumsum(gy, 1)


def np_cumprod(x, gy):
    y = np.cumprod(x, 1)
    return reverse_cumsum(gy * y, 1) / x


def np_logcumsumexp(x, gy):
    y = np.logaddexp.accumulate(x, 1)
    s = y[:, -1:]
    return np.exp(x - s) * reverse_cumsum(gy * np.exp(s - y), 1)


def np_cummax(x, gy):
    y = np.maximum.accumulate(x, 1)
    index = np.maximum.accumulate(np.where(x == y, np.arange(x.shape[1]), 0), 1)
    return scatter_into_zeros(x.shape, index, gy)


def np_gather(x, gy):
    np.take_along_axis(x, INDEX, 1)
    return scatter_into_zeros(x.shape, INDEX, gy)


def np_scatter_add(x, gy):
    y = x.copy()
    np.add.at(y, (ROW, INDEX), x)  # src = x
    return gy + np.take_along_axis(gy, INDEX, 1)


def np_index_add(x, gy):
    y = x.copy()
    np.add.at(y, ROWS, x)  # src = x
    return gy + gy[ROWS]


def np_masked_fill(x, gy):
    np.where(MASK, np.float32(0.5), x)
    return np.where(MASK, np.float32(0), gy)


def np_flip(x, gy):
    np.flip(x, 1).copy()
    return np.flip(gy, 1).copy()


def np_roll(x, gy):
    np.roll(x, 7, 1)
    return np.roll(gy, -7, 1)


def np_tile(x, gy):
    np.tile(x, (2, 1))
    return gy.reshape(2, *SHAPE).sum(0)


def np_repeat(x, gy):
    np.repeat(x, 2, 1)
    return gy.reshape(SHAPE[0], SHAPE[1], 2).sum(2)


def np_tril(x, gy):
    np.tril(x)
    return np.tril(gy)


def np_sort(x, gy):
    order = np.argsort(x, 1, kind="stable")
    np.take_along_axis(x, order, 1)
    gx = np.empty_like(gy)
    np.put_along_axis(gx, order, gy, 1)
    return gx


def np_topk(x, gy):
    part = np.argpartition(-x, 9, 1)[:, :10]
    order = np.argsort(np.take_along_axis(-x, part, 1), 1)
    index = np.take_along_axis(part, order, 1)
    np.take_along_axis(x, index, 1)
    gx = np.zeros_like(x)
    np.put_along_axis(gx, index, gy, 1)
    return gx


def np_pad_reflect(x, gy):
    np.pad(x, ((0, 0), (3, 3)), mode="reflect")
    gx = gy[:, 3:-3].copy()
    gx[:, 1:4] += gy[:, 2::-1]
    gx[:, -4:-1] += gy[:, :-4:-1]
    return gx


def np_vstack(x, gy):
    np.vstack([x, x])
    return gy[:SHAPE[0]] + gy[SHAPE[0]:]


def np_hstack(x, gy):
    np.hstack([x, x])
    return gy[:, :SHAPE[1]] + gy[:, SHAPE[1]:]


def np_dstack(x, gy):
    np.dstack([x, x])
    return gy[..., 0] + gy[..., 1]


def np_array_split(x, gy):
    np.concatenate(np.array_split(x, 3, 1), 1)
    return np.concatenate(np.array_split(gy, 3, 1), 1)


def np_diff(x, gy):
    np.diff(x, axis=1)
    gx = np.zeros_like(x)
    gx[:, 1:] += gy
    gx[:, :-1] -= gy
    return gx


def np_trapezoid(x, gy):
    np.trapezoid(x, dx=0.5, axis=1)
    return gy[:, None] * TRAPEZOID_WEIGHTS


def np_kron(x, gy):
    np.kron(x, KRON_B)
    return np.einsum("iajb,ab->ij", gy.reshape(SHAPE[0], 2, SHAPE[1], 2), KRON_B)


def np_cross(a, gy):
    np.cross(a, OTHER_VECTORS)
    return np.cross(OTHER_VECTORS, gy)   # <gy, a x b> = <a, b x gy>


def np_rot90(x, gy):
    np.rot90(x).copy()
    return np.rot90(gy, -1).copy()


def np_meshgrid(v, gy):
    np.meshgrid(v, COLUMN)[0].copy()
    return gy.sum(0)


def np_fmax(x, gy):
    np.fmax(x, Y)
    return gy * ((x >= Y) | np.isnan(Y))


def np_nan_to_num(x, gy):
    np.nan_to_num(x)
    return gy * np.isfinite(x)


def np_sinc(x, gy):
    y = np.sinc(x)
    return gy * (np.cos(np.pi * x) - y) / x


def np_deg2rad(x, gy):
    np.deg2rad(x)
    return gy * np.float32(np.pi / 180)


def np_svd(x, gy):
    """Through U, S and Vh (gy is their gradients, joined)."""
    U, S, Vh = np.linalg.svd(x, full_matrices=False)
    k = S.shape[0]
    gU, gS, gVh = gy[:U.size].reshape(U.shape), gy[U.size:U.size + k], gy[U.size + k:].reshape(Vh.shape)
    F = S[None, :] ** 2 - S[:, None] ** 2
    np.fill_diagonal(F, np.inf)
    F = 1 / F
    UtgU, VhgV = U.T @ gU, Vh @ gVh.T
    middle = (F * (UtgU - UtgU.T)) * S + np.diag(gS) + S[:, None] * (F * (VhgV - VhgV.T))
    outside = gVh - (gVh @ Vh.T) @ Vh
    return U @ middle @ Vh + (U / S) @ outside


def np_eigh(x, gy):
    """Through w and V (gy is their gradients, joined)."""
    w, V = np.linalg.eigh(x)
    n = w.shape[0]
    gw, gV = gy[:n], gy[n:].reshape(V.shape)
    F = w[None, :] - w[:, None]
    np.fill_diagonal(F, np.inf)
    X = V.T @ gV
    return V @ (np.diag(gw) + (1 / F) * (X - X.T) * 0.5) @ V.T


def np_qr(x, gy):
    """Through Q and R of the wide (128, 512) matrix (gy is their gradients, joined)."""
    Q, R = np.linalg.qr(x)
    m = Q.shape[0]
    gQ, gR = gy[:Q.size].reshape(Q.shape), gy[Q.size:].reshape(R.shape)
    Y, gR2 = x[:, m:], gR[:, m:]
    gQ = gQ + Y @ gR2.T
    R1 = R[:, :m]
    M = R1 @ gR[:, :m].T - gQ.T @ Q
    M = np.tril(M, -1) + np.tril(M, -1).T + np.diag(np.diag(M))
    gX = np.linalg.solve(R1, (gQ + Q @ M).T).T
    return np.concatenate([gX, Q @ gR2], 1)


def np_pinv(x, gy):
    P = np.linalg.pinv(x)
    PPt = P @ P.T
    T = gy.T @ PPt
    W = P.T @ P @ gy.T
    return -P.T @ gy @ P.T + T - x @ (P @ T) + W - (W @ P) @ x


def np_matrix_power(x, gy):
    square = x @ x
    square @ x
    return gy @ square.T + x.T @ gy @ x.T + square.T @ gy


def np_norm_nuc(x, gy):
    U, S, Vh = np.linalg.svd(x, full_matrices=False)
    S.sum()
    return gy * (U @ Vh)


def joined_parts(parts):
    """A decomposition's outputs as one Variable, so one backward reaches them all."""
    return F.concat([F.ravel(p) for p in parts], 0)


# (name, minigrad op on a Variable, NumPy by hand, input)
OPS = [
    ("prod", lambda x: F.prod(x, 1), np_prod, NEAR_ONE),
    ("std", lambda x: F.std(x, 1), np_std, X),
    ("var(ddof=1)", lambda x: F.var(x, 1, ddof=1), np_var, X),
    ("norm", lambda x: F.norm(x, axis=1), np_norm, X),
    ("amax", lambda x: F.amax(x, 1), np_amax, X),
    ("median", lambda x: F.median(x, 1), np_median, X),
    ("cumsum", lambda x: F.cumsum(x, 1), np_cumsum, X),
    ("cumprod", lambda x: F.cumprod(x, 1), np_cumprod, NEAR_ONE),
    ("logcumsumexp", lambda x: F.logcumsumexp(x, 1), np_logcumsumexp, X),
    ("cummax", lambda x: F.cummax(x, 1).values, np_cummax, X),
    ("gather", lambda x: F.gather(x, 1, INDEX), np_gather, X),
    ("scatter_add", lambda x: F.scatter_add(x, 1, INDEX, x), np_scatter_add, X),
    ("index_add", lambda x: F.index_add(x, 0, ROWS, x), np_index_add, X),
    ("masked_fill", lambda x: F.masked_fill(x, MASK, 0.5), np_masked_fill, X),
    ("flip", lambda x: F.flip(x, 1), np_flip, X),
    ("roll", lambda x: F.roll(x, 7, 1), np_roll, X),
    ("tile", lambda x: F.tile(x, (2, 1)), np_tile, X),
    ("repeat", lambda x: F.repeat(x, 2, 1), np_repeat, X),
    ("tril", F.tril, np_tril, X),
    ("sort", lambda x: F.sort(x, 1), np_sort, X),
    ("topk", lambda x: F.topk(x, 10, 1)[0], np_topk, X),
    ("pad(reflect)", lambda x: F.pad(x, ((0, 0), (3, 3)), mode="reflect"), np_pad_reflect, X),
    ("ravel", F.ravel, lambda x, gy: (np.ravel(x), gy.reshape(SHAPE))[1], X),
    ("vstack", lambda x: F.vstack([x, x]), np_vstack, X),
    ("hstack", lambda x: F.hstack([x, x]), np_hstack, X),
    ("column_stack", lambda x: F.column_stack([x, x]), np_hstack, X),
    ("append", lambda x: F.append(x, x, axis=1), np_hstack, X),
    ("dstack", lambda x: F.dstack([x, x]), np_dstack, X),
    ("array_split", lambda x: F.concat(F.array_split(x, 3, 1), 1), np_array_split, X),
    ("hsplit", lambda x: F.concat(F.hsplit(x, 4), 1), np_array_split, X),
    ("diff", lambda x: F.diff(x, axis=1), np_diff, X),
    ("trapezoid", lambda x: F.trapezoid(x, dx=0.5, axis=1), np_trapezoid, X),
    ("kron", lambda x: F.kron(x, KRON_B), np_kron, X),
    ("cross", lambda a: F.cross(a, OTHER_VECTORS), np_cross, VECTORS),
    ("flipud", F.flipud, lambda x, gy: (np.flipud(x).copy(), np.flipud(gy).copy())[1], X),
    ("rot90", F.rot90, np_rot90, X),
    ("meshgrid", lambda v: F.meshgrid(v, COLUMN)[0], np_meshgrid, X[0]),
    ("fmax", lambda x: F.fmax(x, Y), np_fmax, X),
    ("nan_to_num", F.nan_to_num, np_nan_to_num, X),
    ("sinc", F.sinc, np_sinc, X),
    ("deg2rad", F.deg2rad, np_deg2rad, X),
    ("svd", lambda x: joined_parts(F.svd(x, full_matrices=False)), np_svd, X),
    ("eigh", lambda x: joined_parts(F.eigh(x)), np_eigh, SYMMETRIC),
    ("qr", lambda x: joined_parts(F.qr(x)), np_qr, X),
    ("pinv", F.pinv, np_pinv, X),
    ("matrix_power", lambda x: F.matrix_power(x, 3), np_matrix_power, SQUARE),
    ("norm(nuc)", lambda x: F.norm(x, "nuc"), np_norm_nuc, X),
]


def torch_ops(torch):
    """name -> PyTorch's fwd of the same op (as the minigrad op in OPS), for
    the ops PyTorch has. The constants become tensors once, here."""
    t = torch.from_numpy
    index, rows, mask = t(INDEX), t(ROWS), t(MASK)
    y, kron_b, others, column = t(Y), t(KRON_B), t(OTHER_VECTORS), t(COLUMN)
    joined = lambda parts: torch.cat([p.ravel() for p in parts])  # noqa: E731 (as joined_parts)
    return {
        "prod": lambda x: torch.prod(x, 1), "std": lambda x: torch.std(x, 1, correction=0),
        "var(ddof=1)": lambda x: torch.var(x, 1, correction=1),
        "norm": lambda x: torch.linalg.vector_norm(x, dim=1), "amax": lambda x: torch.amax(x, 1),
        "median": lambda x: torch.quantile(x, 0.5, dim=1),  # NumPy's median (torch.median takes the lower)
        "cumsum": lambda x: torch.cumsum(x, 1), "cumprod": lambda x: torch.cumprod(x, 1),
        "logcumsumexp": lambda x: torch.logcumsumexp(x, 1), "cummax": lambda x: torch.cummax(x, 1).values,
        "gather": lambda x: torch.gather(x, 1, index),
        "scatter_add": lambda x: torch.scatter_add(x, 1, index, x),
        "index_add": lambda x: torch.index_add(x, 0, rows, x),
        "masked_fill": lambda x: torch.masked_fill(x, mask, 0.5),
        "flip": lambda x: torch.flip(x, (1,)), "roll": lambda x: torch.roll(x, 7, 1),
        "tile": lambda x: torch.tile(x, (2, 1)), "repeat": lambda x: torch.repeat_interleave(x, 2, 1),
        "tril": torch.tril, "sort": lambda x: torch.sort(x, dim=1, stable=True).values,
        "topk": lambda x: torch.topk(x, 10, 1).values,
        "pad(reflect)": lambda x: torch.nn.functional.pad(x, (3, 3), mode="reflect"),
        "ravel": torch.ravel, "vstack": lambda x: torch.vstack([x, x]), "hstack": lambda x: torch.hstack([x, x]),
        "column_stack": lambda x: torch.column_stack([x, x]), "append": lambda x: torch.cat([x, x], 1),
        "dstack": lambda x: torch.dstack([x, x]),
        "array_split": lambda x: torch.cat(torch.tensor_split(x, 3, 1), 1),
        "hsplit": lambda x: torch.cat(torch.hsplit(x, 4), 1), "diff": lambda x: torch.diff(x, dim=1),
        "trapezoid": lambda x: torch.trapezoid(x, dx=0.5, dim=1), "kron": lambda x: torch.kron(x, kron_b),
        "cross": lambda a: torch.linalg.cross(a, others), "flipud": torch.flipud, "rot90": torch.rot90,
        "meshgrid": lambda v: torch.meshgrid(v, column, indexing="xy")[0], "fmax": lambda x: torch.fmax(x, y),
        "nan_to_num": torch.nan_to_num, "sinc": torch.sinc, "deg2rad": torch.deg2rad,
        "svd": lambda x: joined(torch.linalg.svd(x, full_matrices=False)),
        "eigh": lambda x: joined(torch.linalg.eigh(x)), "qr": lambda x: joined(torch.linalg.qr(x)),
        "pinv": torch.linalg.pinv, "matrix_power": lambda x: torch.linalg.matrix_power(x, 3),
        "norm(nuc)": lambda x: torch.linalg.matrix_norm(x, "nuc"),
    }


# Singular and eigenvectors' signs are the LAPACK build's choice, which
# differs between NumPy's and PyTorch's: a random gradient of them differs
# too. PyTorch's gradient is not compared there (only timed).
SIGNS_DIFFER = {"svd", "eigh"}


def torch_step(torch, op, a, gy):
    x = torch.from_numpy(a).requires_grad_(True)
    op(x).backward(torch.from_numpy(gy))
    return x.grad.numpy()


def minigrad_step(op, a, gy):
    x = mg.Variable(a)
    op(x).backward(gy)
    return x.grad.data


def check(op, by_hand, a, gy):
    """Both engines compute the same gradient (float32 tolerance)."""
    expected = by_hand(a, gy)
    actual = minigrad_step(op, a, gy)
    np.testing.assert_allclose(actual, expected, rtol=2e-3, atol=2e-3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated op names")
    parser.add_argument("--no-pytorch", action="store_true",
                        help="leave PyTorch out (not imported: its many objects make each timed call's "
                             "gc.collect() longer and the caches colder, for NumPy and minigrad too)")
    args = parser.parse_args(argv)
    set_malloc_thresholds(32)  # as benchmarks/run.py: no page faults from mmap'd arrays (see timing.py)
    torch, peer = None, {}
    if not args.no_pytorch:
        try:
            import torch
            torch.set_num_threads(1)   # one core, as NumPy's elementwise work and minigrad's
            peer = torch_ops(torch)
        except ImportError:
            pass
    only = {n for n in args.only.split(",") if n}
    print(f"forward + backward, float32 {SHAPE}, median of {args.repeats} calls (microseconds)")
    print(f"{'op':<14} {'NumPy by hand':>14} {'minigrad':>10} {'ratio':>7} {'best/best':>10}"
          + (f" {'PyTorch':>9} {'mg/PyTorch':>11}" if torch is not None else ""))
    for name, op, by_hand, a in OPS:
        if only and name not in only:
            continue
        gy = RNG.standard_normal(op(mg.Variable(a)).shape).astype(np.float32)
        check(op, by_hand, a, gy)
        steps = {"numpy": lambda: by_hand(a, gy), "minigrad": lambda: minigrad_step(op, a, gy)}
        if name in peer:
            if name not in SIGNS_DIFFER:
                np.testing.assert_allclose(torch_step(torch, peer[name], a, gy), by_hand(a, gy), rtol=2e-3, atol=2e-3)
            steps["pytorch"] = lambda: torch_step(torch, peer[name], a, gy)
        times = alternate(steps, args.repeats, block=5, settle=0.0)
        t_np, t_mg = times["numpy"].median * 1e6, times["minigrad"].median * 1e6
        best = min(times["minigrad"].times) / min(times["numpy"].times)  # less sensitive to a busy machine
        line = f"{name:<14} {t_np:>14.0f} {t_mg:>10.0f} {t_mg / t_np:>7.2f} {best:>10.2f}"
        if "pytorch" in times:
            t_pt = times["pytorch"].median * 1e6
            line += f" {t_pt:>9.0f} {t_mg / t_pt:>11.2f}"
        elif torch is not None:
            line += f" {'-':>9} {'-':>11}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
