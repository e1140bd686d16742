"""Turn the suite's rows into tables: the machine and versions, one table
per workload with ratios to minigrad, and the targets of issue 6."""
import datetime
import os
import platform
import subprocess
import sys
import time

from .engines import ROOT, blas_threads, torch_threads, version

HOW_MEASURED = """\
- Every engine runs in this one process (W6: a fresh process per engine and
  measure). Per case, each engine's step is built (weights, data), called
  once and checked against NumPy by hand (a mismatch is flagged in the
  table), warmed up, then timed in rounds: each round gives every engine,
  in an order rotated round by round, a block of 5 timed calls, after a
  0.25 s pause and one untimed call. The pause lets the previous engine's
  spinning BLAS/OpenMP worker threads go idle: on 2 cores they otherwise
  steal the core the next engine's threads need (PyTorch's W3 step timed
  right after NumPy's took 9.6 ms instead of 4.8 ms). The table shows the
  median and the interquartile range (IQR) of the timed calls.
- Before each workload the suite waits for a quiet machine, measures the
  CPU other processes take while it runs, and runs it again (keeping the
  quietest run) when they took more than 10%.
- glibc's malloc thresholds are fixed (32 MiB mmap, 64 MiB trim) in every
  process of the run. Left dynamic, they depend on the largest block the
  process freed so far, so NumPy-based engines ran W3 up to 40% slower or
  faster depending only on which other engines ran beside them (page
  faults on freshly mapped arrays); PyTorch was unaffected.
- `gc.collect()` runs before each timed call, outside the timed region, so
  garbage from one engine is not collected on another's clock.
- float32 inputs and weights everywhere. The dtype column is that of the
  engine's result: DeZero turns float32 into float64 when a Python scalar
  enters an op (W1, W4, W5) or in its cross entropy; it is timed as it is.
- "minigrad / this" is minigrad's median over this engine's: below 1 means
  minigrad is faster.
- NumPy by hand is the floor: the same forward and the backward derived on
  paper, with no graph and no per-op bookkeeping.
- DeZero 0.0.13 refers to `np.int`, removed in NumPy 1.24; the suite sets
  `np.int = int` before importing it. Nothing else is patched.
"""


def _git_commit():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "minigrad"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return commit + (" (minigrad/ has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib():
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        return f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


class CpuMeter:
    """How much of the machine's CPU other processes took while the suite
    ran: the busy time of all cores (/proc/stat) less this process's own
    and its children's. Multi-threaded BLAS and PyTorch slow down many
    times over when a core is taken, so a busy machine is reported."""

    def __init__(self):
        self.start = self._snapshot()

    @staticmethod
    def _snapshot():
        try:
            with open("/proc/stat") as f:
                jiffies = [int(v) for v in f.readline().split()[1:9]]
        except (OSError, ValueError):
            return None
        busy = (sum(jiffies) - jiffies[3] - jiffies[4]) / os.sysconf("SC_CLK_TCK")
        own = os.times()
        return time.monotonic(), busy, own.user + own.system + own.children_user + own.children_system

    def others_share(self):
        """The fraction (0..1) of all cores' time that other processes used
        since the meter started, or None where /proc/stat is missing."""
        end = self._snapshot()
        if self.start is None or end is None:
            return None
        elapsed = (end[0] - self.start[0]) * os.cpu_count()
        others = (end[1] - self.start[1]) - (end[2] - self.start[2])
        return min(max(others / elapsed, 0.0), 1.0) if elapsed > 0 else None


def wait_for_quiet(limit, window=2.0, busy=0.10):
    """Wait (at most `limit` seconds) for a `window` in which other
    processes take at most `busy` of the CPU. True if one came."""
    deadline = time.monotonic() + limit
    while True:
        meter = CpuMeter()
        time.sleep(window)
        share = meter.others_share()
        if share is None or share <= busy:
            return True
        if time.monotonic() >= deadline:
            return False


def machine(engines, others_measured, others_overall):
    """Lines describing the machine, the versions and the thread settings.
    `others_measured`: the largest share of the CPU other processes took
    while a kept measurement ran; `others_overall`: over the whole run,
    waits for a quiet machine included."""
    share = lambda x: "unknown" if x is None else f"{x:.0%}"
    lines = [
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"machine: {_cpu_model()}, {os.cpu_count()} cores, {_memory_gib()} RAM, "
        f"{platform.system()} {platform.release()}",
        f"CPU taken by other processes: at most {share(others_measured)} of all cores while a kept "
        f"measurement ran (per workload below), {share(others_overall)} over the whole run"
        + (" (**busy machine: multi-threaded timings are unreliable**)"
           if others_measured is not None and others_measured > 0.1 else ""),
        f"Python {platform.python_version()} ({sys.executable})",
        f"minigrad commit: {_git_commit()}",
    ]
    lines += [f"{e}: {version(e)}" for e in engines]
    threads = torch_threads()
    if threads is not None:
        lines.append(f"PyTorch threads: {threads[0]} intra-op, {threads[1]} inter-op")
    lines += [f"thread pool: {pool}" for pool in blas_threads()]
    return lines


def _fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(headers, body):
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *body)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in body])


def _minigrad_value(rows, row):
    for r in rows:
        if r.workload == row.workload and r.case == row.case and r.engine == "minigrad":
            return r.value
    return None


def workload_table(rows):
    body = []
    for r in rows:
        mine = _minigrad_value(rows, r)
        ratio = "-"
        if r.extra.get("compare", True) and mine is not None and r.value and mine > 0 and r.value > 0:
            ratio = f"{mine / r.value:.2f}"
        spread = "-" if r.low is None else f"{_fmt(r.low)} - {_fmt(r.high)}"
        body.append([r.case, r.engine, _fmt(r.value), spread, r.samples or "-", r.dtype or "-", ratio, r.note])
    unit = rows[0].unit if rows else ""
    return markdown_table(["case", "engine", f"median {unit}", "IQR", "n", "dtype", "minigrad / this",
                           "note"], body)


def fan_in_growth(rows):
    """engine -> time of the larger fan-in over time of the smaller one
    (total times, so 2.0 is linear)."""
    fans = {}
    for r in rows:
        if r.workload == "W4" and r.case.startswith("fan-in") and r.value is not None:
            n = int(r.case.split()[2].replace(",", ""))
            fans.setdefault(r.engine, []).append((n, r.value * 2 * n))
    growth = {}
    for engine, sizes in fans.items():
        if len(sizes) == 2:
            (n1, t1), (n2, t2) = sorted(sizes)
            growth[engine] = (n2 / n1, t2 / t1)
    return growth


def _find(rows, workload, engine, case_start="", case_end=""):
    return [r for r in rows if r.workload == workload and r.engine == engine and r.value is not None
            and r.case.startswith(case_start) and r.case.endswith(case_end)]


def _ratio_target(rows, workload, peer, limit, text, strict=False, case_start="", case_end=""):
    """A target 'minigrad <= limit x peer' (or '<' when strict) on every
    matching case."""
    mine = _find(rows, workload, "minigrad", case_start, case_end)
    theirs = {r.case: r.value for r in _find(rows, workload, peer, case_start, case_end)}
    pairs = [(r.case, r.value / theirs[r.case]) for r in mine if r.case in theirs]
    if not pairs:
        return [workload, text, f"n/a (no minigrad and {peer} numbers)", "n/a"]
    ok = all(v < limit if strict else v <= limit for _, v in pairs)
    # Three decimals: a ratio just over its limit must not print as the limit.
    measured = "; ".join(f"{v:.3f}x" + (f" ({case})" if len(pairs) > 1 else "") for case, v in pairs)
    return [workload, text, measured, "pass" if ok else "MISS"]


def targets(rows):
    """The targets of issue 6 as table rows: workload, target, measured, status."""
    out = [
        _ratio_target(rows, "W1", "pytorch", 0.8, "time per op <= 0.8x PyTorch"),
        _ratio_target(rows, "W2", "numpy", 1.05, "step <= 1.05x NumPy by hand"),
        _ratio_target(rows, "W2", "pytorch", 1.0, "step below PyTorch", strict=True),
        _ratio_target(rows, "W3", "pytorch", 1.5, "step <= 1.5x PyTorch"),
    ]
    chain = _find(rows, "W4", "minigrad", "chain")
    out.append(["W4", "the deep chain runs", chain[0].case if chain else "did not run",
                "pass" if chain else "MISS"])
    out.append(_ratio_target(rows, "W4", "pytorch", 1.0, "time per op <= PyTorch (every case)"))
    growth = fan_in_growth(rows).get("minigrad")
    out.append(["W4", "doubling the fan-in at most doubles the time (ratio <= 2.2)",
                "n/a" if growth is None else f"{growth[1]:.3f}",
                "n/a" if growth is None else ("pass" if growth[1] <= 2.2 else "MISS")])
    out.append(_ratio_target(rows, "W5", "pytorch", 1.0, "time <= PyTorch"))
    out.append(_ratio_target(rows, "W6", "numpy", 1.2, "RSS rise of 20 W2 steps <= 1.2x NumPy by hand",
                             case_end="RSS rise"))
    leak = _find(rows, "W6", "minigrad", "growth")
    out.append(["W6", "no RSS " + (leak[0].case if leak else "growth over many small steps"),
                f"{leak[0].value:+.2f} MiB" if leak else "n/a",
                ("pass" if leak[0].extra.get("flat") else "MISS") if leak else "n/a"])
    return out


def targets_table(rows):
    return markdown_table(["workload", "target (minigrad)", "measured", "status"], targets(rows))


def growth_table(rows):
    growth = fan_in_growth(rows)
    if not growth:
        return ""
    body = [[engine, f"{size:.0f}x", f"{ratio:.2f}"] for engine, (size, ratio) in growth.items()]
    return markdown_table(["engine", "fan-in grows", "time grows"], body)


def document(rows, titles, machine_lines, command, quick, busy=None):
    """RESULTS.md as a string. `busy` maps a workload to the share of the
    CPU other processes took while it ran."""
    busy = busy or {}
    parts = ["# Benchmark results (issue 6)", "",
             f"Written by `{command}`. Medians of repeated calls, float32, all engines in one run."]
    if quick:
        parts += ["", "**Quick mode: tiny sizes and few repeats. These numbers check that the suite "
                      "runs; they say nothing about speed.**"]
    parts += ["", "## Machine, versions, threads", ""] + [f"- {line}" for line in machine_lines]
    parts += ["", "## Targets", "", targets_table(rows)]
    for workload, title in titles.items():
        mine = [r for r in rows if r.workload == workload]
        if not mine:
            continue
        parts += ["", f"## {workload}: {title}", ""]
        if busy.get(workload) is not None:
            parts += [f"Other processes took {busy[workload]:.0%} of the CPU while this ran.", ""]
        parts += [workload_table(mine)]
        if workload == "W4":
            table = growth_table(mine)
            if table:
                parts += ["", "Growth of the total time when the fan-in doubles (2.00 is linear):", "",
                          table]
    parts += ["", "## How it is measured", "", HOW_MEASURED]
    return "\n".join(parts)
