"""The benchmark suite of issue 6, in one command.

    python benchmarks/run.py [--quick] [--only W1,W2] [--engines minigrad,pytorch]
                             [--repeats N] [--threads N] [--out PATH]
    python benchmarks/run.py --device cuda [--quick] [--repeats N] [--out PATH]

Runs the workloads for minigrad, NumPy by hand and each installed peer
(PyTorch, DeZero, HIPS autograd), prints a table per workload with ratios
and the targets, and writes them with the machine and versions to
benchmarks/RESULTS.md (or --out). --quick runs tiny sizes with few repeats
(a smoke test of the suite, not a measurement).

`--device cuda` runs the GPU suite instead (benchmarks/gpu.py: training
steps of minigrad on CuPy, the same by hand in CuPy, PyTorch on CUDA).

A full run takes about 15 minutes, most of it DeZero's quadratic fan-in.
It waits for a quiet machine before each workload and reruns one that
other processes disturbed (--wait-quiet, --retry-busy), and fixes glibc's
malloc thresholds (--malloc-threshold); RESULTS.md says why.
"""
import argparse
import shlex
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import engines as engine_list  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks.timing import set_malloc_thresholds  # noqa: E402
from benchmarks.workloads import run_timed  # noqa: E402
from benchmarks.workloads import (w1_overhead, w2_mlp, w3_cnn, w4_graph_size,  # noqa: E402
                                  w5_double_backprop, w6_memory)

WORKLOADS = {m.ID: m for m in (w1_overhead, w2_mlp, w3_cnn, w4_graph_size, w5_double_backprop, w6_memory)}
DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"
BUSY = 0.10   # share of the CPU taken by other processes above which timings are suspect


def _names(text, known, what):
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"run.py: unknown {what} {', '.join(unknown)}; expected some of {', '.join(known)}")
    return names


def set_threads(n):
    """Use n threads in every pool: PyTorch's and the BLAS under NumPy."""
    torch = engine_list.load("pytorch")
    if torch is not None:
        torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit("run.py: --threads needs threadpoolctl (pip install threadpoolctl)") from None
    return threadpool_limits(n)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--device" or a.startswith("--device=") for a in argv):
        return _gpu_main(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few repeats (smoke test)")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads to run, e.g. W1,W4")
    parser.add_argument("--engines", default=",".join(engine_list.ENGINES),
                        help="engines to run (missing peers are skipped)")
    parser.add_argument("--repeats", type=int, default=None, help="timed calls per engine (default 20, quick 3)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds of timed calls after which a slow engine stops (at least 3 calls)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for PyTorch and BLAS (default: each library's own default)")
    parser.add_argument("--retry-busy", type=int, default=None,
                        help="run a workload again (up to this many times) when other processes took more "
                             f"than {BUSY * 100:.0f}%% of the CPU while it ran; the quietest run is kept "
                             "(default 2, quick 0)")
    parser.add_argument("--wait-quiet", type=float, default=120.0,
                        help="before each workload, wait up to this many seconds for the machine to be "
                             "quiet (not in quick mode)")
    parser.add_argument("--malloc-threshold", type=float, default=32.0,
                        help="fix glibc's mmap threshold at this many MiB in every process of the run "
                             "(0: glibc's dynamic default, which depends on the process's history)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the results")
    args = parser.parse_args(argv)

    only = _names(args.only, WORKLOADS, "workload")
    wanted = _names(args.engines, engine_list.ENGINES, "engine")
    engines = engine_list.available(wanted)
    missing = [e for e in wanted if e not in engines]
    repeats = args.repeats or (3 if args.quick else 20)
    limits = set_threads(args.threads) if args.threads else None
    malloc_fixed = set_malloc_thresholds(args.malloc_threshold)
    if args.threads and "W6" in only:
        print("note: --threads does not reach W6's fresh processes", file=sys.stderr)

    retries = args.retry_busy if args.retry_busy is not None else (0 if args.quick else 2)
    meter = report.CpuMeter()   # the whole run, waits included
    print(f"engines: {', '.join(engines)}" + (f" (not installed: {', '.join(missing)})" if missing else ""))
    rows, busy = [], {}
    for workload in only:
        module = WORKLOADS[workload]
        print(f"\n## {workload}: {module.TITLE}", flush=True)
        for attempt in range(retries + 1):
            if not args.quick:
                report.wait_for_quiet(args.wait_quiet, busy=BUSY)
            workload_meter = report.CpuMeter()
            if hasattr(module, "run"):
                found = module.run(engines, quick=args.quick,
                                   malloc_mib=args.malloc_threshold if malloc_fixed else 0)
            else:
                found = run_timed(module, engines, quick=args.quick, repeats=repeats,
                                  warmup=1 if args.quick else 2, budget=None if args.quick else args.budget,
                                  settle=0 if args.quick else 0.25)
            share = workload_meter.others_share()
            if attempt == 0 or (share is not None and share < busy[workload]):
                kept, busy[workload] = found, share
            if share is None or share <= BUSY:
                break
            print(f"(other processes took {share:.0%} of the CPU: "
                  + ("running it again)" if attempt < retries else "keeping the quietest run)"), flush=True)
        print(report.workload_table(kept), flush=True)
        rows += kept
    if limits is not None:
        limits.unregister()

    command = "python benchmarks/run.py" + "".join(" " + shlex.quote(a) for a in (argv or sys.argv[1:]))
    kept = [share for share in busy.values() if share is not None]
    machine = report.machine(engines, max(kept) if kept else None, meter.others_share())
    if kept and max(kept) > BUSY:
        print(f"warning: other processes took up to {max(kept):.0%} of the CPU while workloads ran; "
              "multi-threaded timings are unreliable", file=sys.stderr)
    if missing:
        machine.append(f"not installed, skipped: {', '.join(missing)}")
    machine.append(f"glibc malloc: mmap threshold fixed at {args.malloc_threshold:g} MiB, trim threshold at "
                   f"{2 * args.malloc_threshold:g} MiB, in every process of the run (--malloc-threshold)"
                   if malloc_fixed else "glibc malloc: dynamic mmap threshold (its default)")
    if args.threads:
        machine.append(f"--threads {args.threads}: PyTorch and BLAS limited to {args.threads} threads")
    titles = {w: WORKLOADS[w].TITLE for w in only}
    print("\n## Targets\n" + report.targets_table(rows))
    args.out.write_text(report.document(rows, titles, machine, command, args.quick, busy) + "\n")
    print(f"\nwrote {args.out}")
    return rows


def _gpu_main(argv):
    """--device: the GPU suite (benchmarks/gpu.py), with its own options."""
    from benchmarks import gpu
    parser = argparse.ArgumentParser(description=gpu.__doc__.splitlines()[0])
    parser.add_argument("--device", required=True, help="cuda (or strict: a CPU smoke test)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--only", default=None, help="GPU workloads, e.g. mlp,cnn")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    forwarded = ["--device", args.device] + (["--quick"] if args.quick else [])
    forwarded += ["--repeats", str(args.repeats)] if args.repeats else []
    forwarded += ["--only", args.only] if args.only else []
    forwarded += ["--out", str(args.out)] if args.out else []
    return gpu.main(forwarded)


if __name__ == "__main__":
    main()
