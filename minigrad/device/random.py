"""The random number generators behind every random choice minigrad makes
(initialisers, dropout masks, data shuffling, random splits, augmentation).
`manual_seed(n)` makes them all repeatable. Needs only NumPy.

One generator per thread, so that two threads drawing at once (two models
training side by side, each with its dropout) never interleave their draws
and each gets exactly the numbers it would get alone:

- `manual_seed(n)` gives the calling thread a fresh generator seeded with n,
  and remembers n.
- A thread that has not called `manual_seed` gets, at its first draw, a
  generator seeded with the latest seed given to `manual_seed` in any
  thread (as if it had called `manual_seed` with that seed itself), or fresh
  entropy from the operating system if `manual_seed` was never called.
  Seeding one thread never changes the draws of a thread that already has
  its generator.
- `spawn_seed()` gives a seed for a new, independent stream (a DataLoader
  pass's workers), derived from the calling thread's seed without drawing
  from its generator; `seed_thread(seed)` gives the calling thread (a
  worker) a generator of its own from such a seed.
"""
import numbers
import threading

import numpy as np

from . import backend

_UNSEEDED = object()
_latest_seed = _UNSEEDED   # what threads that have not seeded themselves start from
_local = threading.local()  # .generator: this thread's numpy.random.Generator;
                            # .seed: the numpy SeedSequence it was made from


def manual_seed(seed):
    """Seed minigrad's generator for the calling thread (and for threads that
    start drawing later without seeding themselves): the same seed gives the
    same weights, dropout masks and batch order. `seed` is a non-negative int.
    Seeds CuPy's generator too (dropout on the GPU draws there) when CuPy is in use."""
    global _latest_seed
    seed = check_seed("manual_seed", seed)
    seed_thread(seed)
    _latest_seed = seed
    backend.seed_devices(seed)


def check_seed(who, seed):
    """`seed` as an int, checked to be a non-negative int (`who` names the
    caller in the error)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{who}: seed must be a non-negative int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"{who}: seed must be a non-negative int, got {seed}")
    return int(seed)


def get_rng():
    """The calling thread's `numpy.random.Generator` (see the module docstring)."""
    try:
        return _local.generator
    except AttributeError:
        seed = _latest_seed
        return seed_thread(None if seed is _UNSEEDED else seed)


def seed_thread(seed):
    """Give the calling thread a generator of its own seeded with `seed` (an
    int, a numpy SeedSequence, or None for fresh entropy), and return it.
    Unlike `manual_seed` it leaves the seed that other threads start from
    alone: a DataLoader worker calls it with its seed from `spawn_seed`.
    `np.random.default_rng(n)` and a thread seeded with n draw the same."""
    _local.seed = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    _local.generator = np.random.default_rng(_local.seed)
    return _local.generator


def spawn_seed():
    """A seed (a numpy SeedSequence) for a new stream, independent of the
    calling thread's: the next child of the seed its generator was made from
    (`SeedSequence.spawn`). Nothing is drawn from the generator, so the
    thread's own draws are the same whether it spawns or not; the same
    `manual_seed` gives the same children in the same order."""
    get_rng()
    return _local.seed.spawn(1)[0]


def uniform(like, shape):
    """Uniform [0, 1) float64 draws of `shape` on the device of array `like`,
    from minigrad's generator on the host, the device's own elsewhere."""
    device = backend.device_of(like)
    if device.random is None:
        return backend.to_device(get_rng().random(shape), device)
    return device.random(shape)
