"""Random test arrays shared by the core and nn tests (one generator, seeded)."""
import numpy as np

RNG = np.random.default_rng(0)


def randn(*shape):
    """Standard normal float64 values of `shape`."""
    return RNG.standard_normal(shape)


def positive(shape):
    """Uniform values in [0.5, 1.5): inside the domain of log, sqrt ..."""
    return RNG.uniform(0.5, 1.5, shape)


def first(y):
    """y, or its first item when an op returned a tuple or list."""
    return y[0] if isinstance(y, (tuple, list)) else y
