"""A TransformerEncoderLayer step, forward and backward, in milliseconds:
d_model 128, 4 heads, sequence 64, batch 16, float32, post-norm, ReLU,
training mode (dropout 0.1 unless --dropout says otherwise).

    python benchmarks/transformer_step.py [--repeats 20] [--ff 2048] [--threads 1] [--seq 64] [--batch 16]

Runs minigrad and, when installed, PyTorch (CPU) in one process with the
same weights, alternating (benchmarks/timing.py), with as many BLAS threads
for NumPy as PyTorch has threads; prints medians and quartiles. Checks first
that both give the same outputs and gradients in eval mode.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import minigrad as mg  # noqa: E402
from minigrad import nn  # noqa: E402
from benchmarks.timing import alternate, set_malloc_thresholds  # noqa: E402

D_MODEL, HEADS, SEQ, BATCH = 128, 4, 64, 16


def minigrad_step(layer, x0):
    def step():
        x = mg.Variable(x0)
        layer.zero_grad()
        layer(x).sum().backward()
        return x.grad.data
    return step


def torch_step(torch, layer, x0):
    def step():
        x = torch.tensor(x0, requires_grad=True)
        layer.zero_grad()
        layer(x).sum().backward()
        return x.grad.numpy()
    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--ff", type=int, default=2048, help="dim_feedforward (PyTorch's default 2048)")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seq", type=int, default=SEQ)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args(argv)
    set_malloc_thresholds(32)
    x0 = np.random.default_rng(0).standard_normal((args.seq, args.batch, D_MODEL)).astype(np.float32)
    mg.manual_seed(0)
    ours = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=args.ff, dropout=args.dropout)
    engines = {"minigrad": minigrad_step(ours, x0)}
    limiter = None
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)
        theirs = torch.nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=args.ff, dropout=args.dropout)
        ours.load_state_dict({name: t.detach().numpy() for name, t in theirs.state_dict().items()})
        ours.eval()
        theirs.eval()
        np.testing.assert_allclose(minigrad_step(ours, x0)(), torch_step(torch, theirs, x0)(), rtol=1e-3, atol=1e-4)
        ours.train()
        theirs.train()
        engines["pytorch"] = torch_step(torch, theirs, x0)
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(limits=args.threads, user_api="blas")
    except ImportError:
        print("threadpoolctl is not installed: NumPy's BLAS threads are not limited")
    samples = alternate(engines, args.repeats, warmup=2)
    if limiter is not None:
        limiter.restore_original_limits()
    print(f"TransformerEncoderLayer step, d_model {D_MODEL}, {HEADS} heads, seq {args.seq}, batch {args.batch}, "
          f"ff {args.ff}, dropout {args.dropout}, float32, {args.threads} thread(s); forward + backward")
    base = samples["minigrad"].median
    for name, sample in samples.items():
        lo, hi = sample.quartiles
        print(f"  {name:10s} {sample.median * 1e3:8.2f} ms/step (quartiles {lo * 1e3:.2f}-{hi * 1e3:.2f})   "
              f"{sample.median / base:.2f}x minigrad's time")


if __name__ == "__main__":
    main()
