"""Timing shared by the suite and `overhead.py`: warm up, then alternate
the engines call by call and keep every sample, so a slow moment of the
machine hits every engine alike and the median is taken per engine."""
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


def alternate(steps, repeats, warmup=2, budget=None):
    """Time each callable in `steps` (name -> fn) `repeats` times, one call
    per engine per round, rotating the order every round.

    Up to `warmup` untimed calls come first (a call slower than a second is
    its own warm-up). With `budget` (seconds), an engine whose calls are
    slow stops after about that much time, but never with fewer than 3
    samples, so one slow peer cannot stall the whole run.
    Returns name -> Sample.
    """
    for fn in steps.values():
        for _ in range(warmup):
            if time_call(fn) > 1.0:
                break
    names = list(steps)
    times = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)] if names else []
        for name in order:
            taken = times[name]
            if budget is not None and len(taken) >= 3 and sum(taken) >= budget:
                continue
            taken.append(time_call(steps[name]))
    return {name: Sample(t) for name, t in times.items()}
