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
"""
import numbers
import threading

import numpy as np

from . import backend

_UNSEEDED = object()
_latest_seed = _UNSEEDED   # what threads that have not seeded themselves start from
_local = threading.local()  # .generator: this thread's numpy.random.Generator


def manual_seed(seed):
    """Seed minigrad's generator for the calling thread (and for threads that
    start drawing later without seeding themselves): the same seed gives the
    same weights, dropout masks and batch order. `seed` is a non-negative int.
    Seeds CuPy's generator too (dropout on the GPU draws there) when CuPy is in use."""
    global _latest_seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"manual_seed: seed must be a non-negative int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative int, got {seed}")
    seed = int(seed)
    _local.generator = np.random.default_rng(seed)
    _latest_seed = seed
    backend.seed_devices(seed)


def get_rng():
    """The calling thread's `numpy.random.Generator` (see the module docstring)."""
    try:
        return _local.generator
    except AttributeError:
        seed = _latest_seed
        _local.generator = np.random.default_rng(None if seed is _UNSEEDED else seed)
        return _local.generator


def uniform(like, shape):
    """Uniform [0, 1) float64 draws of `shape` on the device of array `like`,
    from minigrad's generator on the host, the device's own elsewhere."""
    device = backend.device_of(like)
    if device.random is None:
        return backend.to_device(get_rng().random(shape), device)
    return device.random(shape)
