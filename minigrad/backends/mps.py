"""`minigrad.backends.mps`: Apple's Metal backend, which minigrad does not have."""


def is_available():
    """False: minigrad has no MPS device."""
    return False


def is_built():
    """False: minigrad has no MPS device."""
    return False
