"""Timing shared by the suite and `overhead.py`: warm up, then alternate
the engines in short blocks of calls and keep every sample, so a slow
moment of the machine hits every engine alike; the median is taken per
engine."""
import gc
import statistics
import time
from dataclasses import dataclass


@dataclass
class Sample:
    """Seconds of the timed calls of one engine: their median and quartiles."""
    times: list

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def quartiles(self):
        if len(self.times) < 2:
            return self.median, self.median
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return q[0], q[2]


def time_call(fn):
    """Seconds one call of `fn` takes. Cyclic garbage left by earlier calls
    (of any engine) is collected first, outside the timed region; garbage
    the call itself makes is freed inside it, as in real use."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(steps, repeats, warmup=2, budget=None, block=5, settle=0.25):
    """Time each callable in `steps` (name -> fn) `repeats` times, in
    rounds: in each round every engine, in an order rotated round by
    round, gets a block of `block` timed calls. Returns name -> Sample.

    Up to `warmup` untimed calls per engine come first (a call slower than
    a second is its own warm-up). Before each block the suite pauses
    `settle` seconds and makes one untimed call: BLAS and PyTorch keep
    their worker threads spinning for a while after a call, and on two
    cores one engine's spinning threads would steal the core another
    engine's threads need (PyTorch's CNN step measured twice as slow when
    called right after NumPy's). With `budget` (seconds), an engine whose
    calls are slow stops after about that much time, but never with fewer
    than 3 samples, so one slow peer cannot stall the whole run.
    """
    slow = set()
    for name, fn in steps.items():
        for _ in range(warmup):
            if time_call(fn) > 1.0:
                slow.add(name)
                break
    names = list(steps)
    times = {name: [] for name in names}
    over = lambda taken: budget is not None and len(taken) >= 3 and sum(taken) >= budget
    rounds = -(-repeats // max(block, 1))
    for r in range(rounds):
        shift = r % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            taken, fn = times[name], steps[name]
            if over(taken) or len(taken) >= repeats:
                continue
            if settle:
                time.sleep(settle)
                if name not in slow:
                    fn()
            for _ in range(min(block, repeats - len(taken))):
                taken.append(time_call(fn))
                if over(taken):
                    break
    return {name: Sample(t) for name, t in times.items()}


def set_malloc_thresholds(mib):
    """Fix glibc's mmap and trim thresholds at `mib` MiB (trim: twice
    that) for this process. Returns True if set.

    glibc serves large blocks (NumPy arrays above 128 KiB at first) by mmap
    and gives them back on free, so the next array of that size costs page
    faults; each free of such a block also raises the threshold, up to
    32 MiB. The speed of every NumPy engine thus depends on which large
    arrays the process happened to free before: the W3 step of NumPy by
    hand took 12.6 ms or 9.0 ms depending only on which other engines ran
    beside it. Fixing the thresholds makes runs comparable; 32 MiB is the
    value glibc itself can reach.
    """
    if mib <= 0:
        return False
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    size = int(mib * 1024 * 1024)
    return bool(libc.mallopt(m_mmap_threshold, size)) and bool(libc.mallopt(m_trim_threshold, 2 * size))
