"""W6, memory. Each measure runs in a fresh Python process per engine, so
one engine's allocations and imports cannot pollute another's numbers.

    peak   20 W2 steps (batch 128, 784-512-512-10): the rise of the peak
           resident set (VmHWM, reset after setup) over the resident set
           after setup, and the tracemalloc peak of 20 more steps. NumPy
           reports its arrays to tracemalloc; PyTorch's allocator does not,
           so its tracemalloc figure counts Python objects only.
    leak   small training steps (batch 16, 64-32-32-10): resident set
           after 10,000 steps minus after 1,000. Flat means no leak.

    python -m benchmarks.workloads.w6_memory --probe peak --engine minigrad
prints the measure as JSON (this is what `run` does, per engine; `--probe
both` runs the two in one process, as the quick mode does).
"""
import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tracemalloc

from . import Row
from . import w2_mlp
from ..engines import ROOT
from ..timing import set_malloc_thresholds

ID = "W6"
TITLE = "memory: peak of 20 W2 steps, and resident set over many small steps"
MiB = 1024 * 1024
PEAK_STEPS = 20
LEAK_STEPS = (1000, 10_000)
QUICK_LEAK_STEPS = (50, 500)
LEAK_TOLERANCE_MiB = 1.0   # allocator noise; a leak of 120 bytes a step shows over 9,000 steps


def _status_kib(field):
    """A field of /proc/self/status in KiB (Linux), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def resident_bytes():
    """The resident set size of this process now."""
    kib = _status_kib("VmRSS")
    if kib is None:
        raise RuntimeError("W6 needs /proc/self/status (Linux) to read the resident set size")
    return kib * 1024


def reset_peak():
    """Reset the kernel's peak resident set (VmHWM) to the current size.
    Returns False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_bytes():
    kib = _status_kib("VmHWM")
    return kib * 1024 if kib is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def probe_peak(engine, quick):
    step = w2_mlp.BUILDERS[engine](**(w2_mlp.QUICK if quick else w2_mlp.FULL))
    gc.collect()
    base = resident_bytes()
    exact = reset_peak()
    for _ in range(PEAK_STEPS):
        step()
    rise = peak_bytes() - base
    gc.collect()
    tracemalloc.start()
    for _ in range(PEAK_STEPS):
        step()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"rise": rise, "traced_peak": traced_peak, "exact_peak": exact}


def probe_leak(engine, quick):
    step = w2_mlp.BUILDERS[engine](**w2_mlp.QUICK)
    first, last = QUICK_LEAK_STEPS if quick else LEAK_STEPS
    for _ in range(first):
        step()
    at_first = resident_bytes()
    for _ in range(last - first):
        step()
    at_last = resident_bytes()
    return {"first": first, "last": last, "rss_first": at_first, "rss_last": at_last}


def _spawn(probe, engine, quick, malloc_mib):
    command = [sys.executable, "-m", "benchmarks.workloads.w6_memory", "--probe", probe, "--engine", engine,
               "--malloc-threshold", str(malloc_mib)]
    if quick:
        command.append("--quick")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        raise RuntimeError(f"{probe} probe failed: {lines[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(engines, quick=False, repeats=3, malloc_mib=0):
    """Run the probes for each engine (`repeats` fresh processes each, the
    median kept) and return Rows in MiB. `malloc_mib` fixes glibc's
    thresholds in the probes as in the parent (see timing.py)."""
    repeats = 1 if quick else repeats
    peak_case = f"{PEAK_STEPS} W2 steps ({'quick sizes' if quick else 'batch 128, 784-512-512-10'})"
    first, last = QUICK_LEAK_STEPS if quick else LEAK_STEPS
    leak_case = f"growth from {first:,} to {last:,} small steps"
    rows = []
    for engine in engines:
        try:
            if quick:   # one process for both measures: the smoke test stays short
                peaks = leaks = [_spawn("both", engine, quick, malloc_mib)]
            else:
                peaks = [_spawn("peak", engine, quick, malloc_mib) for _ in range(repeats)]
                leaks = [_spawn("leak", engine, quick, malloc_mib) for _ in range(repeats)]
        except (RuntimeError, subprocess.TimeoutExpired) as why:
            for case in (f"{peak_case}: RSS rise", f"{peak_case}: tracemalloc peak", leak_case):
                rows.append(Row(ID, case, engine, "MiB", note=str(why)))
            continue
        rises = sorted(p["rise"] / MiB for p in peaks)
        traced = sorted(p["traced_peak"] / MiB for p in peaks)
        growth = sorted((p["rss_last"] - p["rss_first"]) / MiB for p in leaks)
        note = "" if all(p["exact_peak"] for p in peaks) else "peak since process start (VmHWM reset unavailable)"
        rows.append(Row(ID, f"{peak_case}: RSS rise", engine, "MiB", statistics.median(rises),
                        rises[0], rises[-1], repeats, note=note))
        # PyTorch's allocator does not report to tracemalloc: no ratio for it.
        visible = engine != "pytorch"
        rows.append(Row(ID, f"{peak_case}: tracemalloc peak", engine, "MiB", statistics.median(traced),
                        traced[0], traced[-1], repeats,
                        note="" if visible else "tensors are not visible to tracemalloc",
                        extra={"compare": visible}))
        flat = statistics.median(growth) <= LEAK_TOLERANCE_MiB
        rss = statistics.median(p["rss_last"] for p in leaks) / MiB
        rows.append(Row(ID, leak_case, engine, "MiB", statistics.median(growth), growth[0], growth[-1],
                        repeats, note=("flat" if flat else "GROWS") + f"; RSS {rss:.0f} MiB at the end",
                        extra={"flat": flat, "compare": False}))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="one W6 memory probe, printed as JSON")
    parser.add_argument("--probe", choices=("peak", "leak", "both"), required=True)
    parser.add_argument("--engine", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--malloc-threshold", type=float, default=0.0)
    args = parser.parse_args(argv)
    set_malloc_thresholds(args.malloc_threshold)
    found = {}
    if args.probe in ("peak", "both"):
        found.update(probe_peak(args.engine, args.quick))
    if args.probe in ("leak", "both"):
        found.update(probe_leak(args.engine, args.quick))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
