"""conv2d options: forward + backward (gradients of x, W and b) of a 3x3
convolution, 32 -> 32 channels, on x (32, 32, 28, 28) float32, pad 1, with
groups=1, groups=32 (depthwise) and dilation=2 (pad 2), in milliseconds.

    python benchmarks/conv_options.py [--repeats 10] [--threads N] [--malloc-threshold 32]

Runs minigrad and, when installed, PyTorch (CPU) in one process,
alternating (benchmarks.timing.alternate), checks they agree, and prints
medians, quartiles and the ratio minigrad / pytorch per case. glibc's
malloc thresholds are fixed as in benchmarks/run.py (its docstring and
benchmarks.timing.set_malloc_thresholds say why): without that, every
large NumPy array costs fresh page faults, whatever the engine does.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import minigrad as mg  # noqa: E402
import minigrad.functions as F  # noqa: E402
from benchmarks.timing import alternate, set_malloc_thresholds  # noqa: E402

CASES = {  # name -> conv2d settings
    "groups=1": dict(pad=1, dilation=1, groups=1),
    "groups=32 (depthwise)": dict(pad=1, dilation=1, groups=32),
    "dilation=2": dict(pad=2, dilation=2, groups=1),
}
SHAPE, OUT = (32, 32, 28, 28), 32


def arrays(groups, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(SHAPE).astype(np.float32)
    W = (rng.standard_normal((OUT, SHAPE[1] // groups, 3, 3)) * 0.1).astype(np.float32)
    gy = rng.standard_normal((SHAPE[0], OUT, SHAPE[2], SHAPE[3])).astype(np.float32)
    return x, W, np.zeros(OUT, np.float32), gy


def minigrad_step(x0, W0, b0, gy, pad, dilation, groups):
    x, W, b = mg.Variable(x0), mg.Variable(W0), mg.Variable(b0)
    y = F.conv2d(x, W, b, pad=pad, dilation=dilation, groups=groups)
    y.backward(mg.Variable(gy))
    return x.grad.data, W.grad.data, b.grad.data


def torch_step(torch, x0, W0, b0, gy, pad, dilation, groups):
    x, W, b = (torch.tensor(a, requires_grad=True) for a in (x0, W0, b0))
    y = torch.nn.functional.conv2d(x, W, b, padding=pad, dilation=dilation, groups=groups)
    y.backward(torch.from_numpy(gy))
    return x.grad.numpy(), W.grad.numpy(), b.grad.numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for PyTorch and for the BLAS under NumPy (default: each library's own)")
    parser.add_argument("--malloc-threshold", type=float, default=32.0,
                        help="glibc mmap threshold in MiB, as benchmarks/run.py (0: glibc's default)")
    args = parser.parse_args(argv)
    set_malloc_thresholds(args.malloc_threshold)
    try:
        import torch
    except ImportError:
        torch = None
    if args.threads:
        from benchmarks.run import set_threads
        with set_threads(args.threads):
            return run(torch, args.repeats)
    return run(torch, args.repeats)


def run(torch, repeats):
    """Time every case; returns name -> {engine: Sample}."""
    results = {}
    for name, settings in CASES.items():
        data = arrays(settings["groups"])
        engines = {"minigrad": lambda: minigrad_step(*data, **settings)}
        if torch is not None:
            engines["pytorch"] = lambda: torch_step(torch, *data, **settings)
            for ours, theirs in zip(engines["minigrad"](), engines["pytorch"]()):
                np.testing.assert_allclose(ours, theirs, rtol=2e-3, atol=2e-3)
        samples = alternate(engines, repeats, warmup=1)
        results[name] = samples
        line = f"{name:22s}"
        for engine, sample in samples.items():
            low, high = sample.quartiles
            line += f"  {engine} {sample.median * 1e3:7.2f} ms ({low * 1e3:.2f}-{high * 1e3:.2f})"
        if "pytorch" in samples:
            line += f"  ratio {samples['minigrad'].median / samples['pytorch'].median:5.2f}"
        print(line, flush=True)
    return results


if __name__ == "__main__":
    main()
