"""Per-op overhead: a chain of 2,100 small elementwise ops on a float32
array of shape (16,), forward and backward, in microseconds per op.

    python benchmarks/overhead.py [--repeats 15]

Runs minigrad and, when installed, PyTorch (CPU) side by side in one
process, alternating, and prints medians and the ratio.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import minigrad as mg  # noqa: E402
import minigrad.functions as F  # noqa: E402
from benchmarks.timing import alternate  # noqa: E402

N_OPS = 2100  # 700 rounds of (mul, add, tanh)


def minigrad_chain(x0):
    x = mg.Variable(x0)
    y = x
    for _ in range(N_OPS // 3):
        y = F.tanh(y * 1.0001 + 0.001)
    y.backward()
    return x.grad.data


def torch_chain(torch, x0):
    x = torch.tensor(x0, requires_grad=True)
    y = x
    for _ in range(N_OPS // 3):
        y = torch.tanh(y * 1.0001 + 0.001)
    y.backward(torch.ones_like(y))
    return x.grad.numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    x0 = np.random.default_rng(0).standard_normal(16).astype(np.float32)
    engines = {"minigrad": lambda: minigrad_chain(x0)}
    try:
        import torch
        torch.set_num_threads(1)
        engines["pytorch"] = lambda: torch_chain(torch, x0)
        np.testing.assert_allclose(minigrad_chain(x0), torch_chain(torch, x0), rtol=1e-4, atol=1e-6)
    except ImportError:
        pass
    samples = alternate(engines, 3 * args.repeats, warmup=1)
    medians = {name: sample.median / N_OPS * 1e6 for name, sample in samples.items()}
    print(f"chain of {N_OPS} ops on float32 (16,), forward + backward")
    for name, us in medians.items():
        ratio = us / medians["minigrad"]
        print(f"  {name:10s} {us:7.2f} us/op   ({ratio:.2f}x minigrad)")
    if "pytorch" in medians:
        print(f"  minigrad / pytorch = {medians['minigrad'] / medians['pytorch']:.2f}")
    return medians


if __name__ == "__main__":
    main()
