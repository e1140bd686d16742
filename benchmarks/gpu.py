"""Training steps on a GPU: minigrad on CuPy, the same step written by hand
in CuPy, and PyTorch on CUDA (when installed), side by side.

    python benchmarks/run.py --device cuda [--quick] [--repeats N]
    python benchmarks/gpu.py --device cuda           (the same)

Each step is forward, backward and an SGD update, in float32; a timing is
the median of `repeats` steps, each ended by a device synchronisation
(GPU work is queued: without it we would time the queueing). The first
steps (warm-up) include CuPy's kernel compilation and are not timed.
`--device strict` runs the minigrad side on the CPU test backend
(tests/device/strict_backend.py) and the hand-written side in NumPy: a smoke test
of this script where there is no GPU, not a measurement.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import minigrad as mg  # noqa: E402
import minigrad.functions as F  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.device import backend  # noqa: E402

SIZES = {  # name: (full, quick)
    "mlp": ((1024, 784, 2048, 10), (64, 32, 64, 10)),          # batch, in, hidden, classes
    "cnn": ((128, 3, 32, 32, 32), (8, 3, 8, 8, 4)),             # batch, channels, h, w, filters
    "transformer": ((32, 128, 256, 4), (4, 16, 32, 2)),         # batch, seq, d_model, heads
}


def _device(name):
    if name == "strict":
        from tests.device import strict_backend
        strict_backend.register()
    return backend.get_device(name)


def _synchronize(device):
    if device.name == "cuda":
        device.xp.cuda.get_current_stream().synchronize()


def _time(step, sync, repeats, warmup=3):
    for _ in range(warmup):
        step()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- minigrad --------------------------------------------------------------------------

def _minigrad_model(name, size):
    if name == "mlp":
        n, d, h, c = size
        model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, c))
        return model, (n, d), c
    if name == "cnn":
        n, ch, hh, ww, f = size
        model = nn.Sequential(nn.Conv2d(ch, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(f, 2 * f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(2 * f * (hh // 4) * (ww // 4), 10))
        return model, (n, ch, hh, ww), 10
    n, s, d, heads = size
    layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=4 * d, dropout=0.0, batch_first=True)
    model = nn.Sequential(layer, nn.Flatten(), nn.Linear(s * d, 10))
    return model, (n, s, d), 10


def minigrad_step(name, size, device):
    mg.manual_seed(0)
    model, shape, classes = _minigrad_model(name, size)
    model.to(device.name)
    optimizer = optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    rng = np.random.default_rng(0)
    x = backend.to_device(rng.standard_normal(shape).astype(np.float32), device)
    t = backend.to_device(rng.integers(0, classes, shape[0]), device)

    def step():
        loss = F.cross_entropy(model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step


# -- by hand (the MLP only) -----------------------------------------------------------

def by_hand_step(name, size, device):
    """The MLP's step written out in the array module: the floor minigrad's
    overhead is measured against."""
    if name != "mlp":
        return None
    xp = device.xp
    n, d, h, c = size
    rng = np.random.default_rng(0)
    put = lambda a: backend.to_device(a.astype(np.float32), device)  # noqa: E731
    Ws = [put(rng.standard_normal((i, o)) / np.sqrt(i)) for i, o in ((d, h), (h, h), (h, c))]
    bs = [put(np.zeros(o)) for o in (h, h, c)]
    x = put(rng.standard_normal((n, d)))
    t = backend.to_device(rng.integers(0, c, n), device)
    rows = xp.arange(n)

    def step():
        acts = [x]
        for W, b in zip(Ws[:-1], bs[:-1]):
            acts.append(xp.maximum(acts[-1] @ W + b, 0))
        z = acts[-1] @ Ws[-1] + bs[-1]
        z = z - z.max(axis=1, keepdims=True)
        p = xp.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        p[rows, t] -= 1
        g = p / n
        for k in range(len(Ws) - 1, -1, -1):
            gW, gb = acts[k].T @ g, g.sum(axis=0)
            if k:
                g = (g @ Ws[k].T) * (acts[k] > 0)
            Ws[k] -= 1e-3 * gW
            bs[k] -= 1e-3 * gb
    return step


# -- PyTorch --------------------------------------------------------------------------

def torch_step(name, size):
    try:
        import torch
    except ImportError:
        return None, None
    if not torch.cuda.is_available():
        return None, None
    tnn = torch.nn
    torch.manual_seed(0)
    if name == "mlp":
        n, d, h, c = size
        model = tnn.Sequential(tnn.Linear(d, h), tnn.ReLU(), tnn.Linear(h, h), tnn.ReLU(), tnn.Linear(h, c))
        shape, classes = (n, d), c
    elif name == "cnn":
        n, ch, hh, ww, f = size
        model = tnn.Sequential(tnn.Conv2d(ch, f, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Conv2d(f, 2 * f, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
                               tnn.Linear(2 * f * (hh // 4) * (ww // 4), 10))
        shape, classes = (n, ch, hh, ww), 10
    else:
        n, s, d, heads = size
        model = tnn.Sequential(tnn.TransformerEncoderLayer(d, heads, dim_feedforward=4 * d, dropout=0.0,
                                                           batch_first=True), tnn.Flatten(), tnn.Linear(s * d, 10))
        shape, classes = (n, s, d), 10
    model = model.cuda()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    x = torch.randn(shape, device="cuda")
    t = torch.randint(0, classes, (shape[0],), device="cuda")

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return step, torch.cuda.synchronize


def run(device_name="cuda", quick=False, repeats=None, only=None):
    """Time every workload; returns rows (workload, engine, median seconds)."""
    device = _device(device_name)
    repeats = repeats or (3 if quick else 20)
    sync = lambda: _synchronize(device)  # noqa: E731
    rows = []
    for name in only or SIZES:
        size = SIZES[name][1 if quick else 0]
        engines = [("minigrad", minigrad_step(name, size, device), sync)]
        hand = by_hand_step(name, size, device)
        if hand is not None:
            engines.append(("cupy by hand" if device.name == "cuda" else "numpy by hand", hand, sync))
        if device.name == "cuda":
            step, torch_sync = torch_step(name, size)
            if step is not None:
                engines.append(("pytorch cuda", step, torch_sync))
        for engine, step, engine_sync in engines:
            seconds = _time(step, engine_sync, repeats, warmup=1 if quick else 3)
            rows.append((name, engine, seconds))
            print(f"{name:12s} {engine:14s} {seconds * 1e3:9.3f} ms/step", flush=True)
    return rows


def table(rows):
    """A markdown table with each engine's time and its ratio to minigrad's."""
    ours = {name: s for name, engine, s in rows if engine == "minigrad"}
    lines = ["| workload | engine | ms/step | vs minigrad |", "|---|---|---:|---:|"]
    lines += [f"| {name} | {engine} | {s * 1e3:.3f} | {s / ours[name]:.2f}x |" for name, engine, s in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda (or strict: a CPU smoke test)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few repeats (smoke test)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--only", default=",".join(SIZES), help="workloads, e.g. mlp,cnn")
    parser.add_argument("--out", type=Path, default=None, help="also write the table here (markdown)")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not mg.cuda.is_available():
        raise SystemExit("gpu.py: no CUDA device (mg.cuda.is_available() is False); "
                         "--device strict runs a CPU smoke test")
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    rows = run(args.device, args.quick, args.repeats, only)
    text = table(rows)
    print("\n" + text)
    if args.out is not None:
        args.out.write_text(f"# GPU training steps (`{' '.join(sys.argv)}`)\n\n{text}\n")
    return rows


if __name__ == "__main__":
    main()
