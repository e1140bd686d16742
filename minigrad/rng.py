"""The random number generator behind every random choice minigrad makes
(initialisers, dropout masks, data shuffling, random splits, augmentation).
`manual_seed(n)` makes them all repeatable. Needs only NumPy."""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed minigrad's generator: the same seed gives the same weights,
    dropout masks and batch order. Seeds CuPy's generator too (dropout on
    the GPU draws there) when CuPy is in use."""
    global _generator
    _generator = np.random.default_rng(seed)
    from .core import backend  # imported here: core imports this module
    backend.seed_devices(seed)


def get_rng():
    """minigrad's current `numpy.random.Generator`."""
    return _generator
