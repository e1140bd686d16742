"""Micro-benchmark of the reductions, running ops, indexing and sorting ops
of issue 11: forward plus backward on a float32 array of shape (128, 512),
minigrad against the same computation written by hand in NumPy.

    python benchmarks/ops_micro.py [--repeats 30] [--only prod,gather]

Prints a table: op, NumPy fwd+bwd by hand (microseconds, median), minigrad
fwd+bwd, their ratio (the goal: at most 2), and the ratio of the fastest
calls of each (steadier when the machine is busy). Timings alternate the two
engines in short blocks (benchmarks/timing.py), so a busy machine slows
both alike; still, on a loaded machine, read the ratios as rough.
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
    ("cummax", lambda x: F.cummax(x, 1), np_cummax, X),
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
]


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
    args = parser.parse_args(argv)
    set_malloc_thresholds(32)  # as benchmarks/run.py: no page faults from mmap'd arrays (see timing.py)
    only = {n for n in args.only.split(",") if n}
    print(f"forward + backward, float32 {SHAPE}, median of {args.repeats} calls (microseconds)")
    print(f"{'op':<14} {'NumPy by hand':>14} {'minigrad':>10} {'ratio':>7} {'best/best':>10}")
    for name, op, by_hand, a in OPS:
        if only and name not in only:
            continue
        gy = RNG.standard_normal(op(mg.Variable(a)).shape).astype(np.float32)
        check(op, by_hand, a, gy)
        times = alternate({"numpy": lambda: by_hand(a, gy), "minigrad": lambda: minigrad_step(op, a, gy)},
                          args.repeats, block=5, settle=0.0)
        t_np, t_mg = times["numpy"].median * 1e6, times["minigrad"].median * 1e6
        best = min(times["minigrad"].times) / min(times["numpy"].times)  # less sensitive to a busy machine
        print(f"{name:<14} {t_np:>14.0f} {t_mg:>10.0f} {t_mg / t_np:>7.2f} {best:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
