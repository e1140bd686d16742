"""gelu (exact, with erf) forward + backward against tanh, on a (128, 512)
float32 batch: the median of many runs, and the ratio to tanh.

    python benchmarks/gelu_timing.py [--repeats 200]

To compare two versions of minigrad, run it with PYTHONPATH set to each
checkout. On a loaded machine single runs vary a lot: read the medians.
"""
import argparse
import time

import numpy as np

import minigrad as mg
import minigrad.functions as F

OPS = {
    "tanh": F.tanh,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
}


def median_seconds(fn, x, repeats):
    """Median wall time of y = fn(x) then y.backward(ones)."""
    gy = mg.Variable(np.ones(x.shape, dtype=x.dtype))
    times = []
    for _ in range(repeats):
        v = mg.Variable(x)
        start = time.perf_counter()
        fn(v).backward(gy)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--shape", type=int, nargs=2, default=(128, 512))
    args = parser.parse_args()
    x = np.random.default_rng(0).standard_normal(args.shape).astype(np.float32)
    for fn in OPS.values():  # warm up
        median_seconds(fn, x, 5)
    print(f"minigrad from {mg.__file__}; x {tuple(args.shape)} float32; "
          f"median of {args.repeats} runs of forward + backward")
    results = {name: median_seconds(fn, x, args.repeats) for name, fn in OPS.items()}
    for name, seconds in results.items():
        print(f"  {name:10s} {seconds * 1e3:8.3f} ms   {seconds / results['tanh']:5.1f} x tanh")


if __name__ == "__main__":
    main()
