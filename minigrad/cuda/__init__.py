"""`mg.cuda`: is there a GPU minigrad can use? (CuPy and a CUDA device.)
`mg.cuda.amp` holds PyTorch's older mixed-precision names (see minigrad.amp)."""
from ..device import backend
from . import amp


def is_available():
    """True when CuPy is installed and sees at least one CUDA device."""
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver, no device: all mean "no"
        return False


def device_count():
    """The number of CUDA devices CuPy sees (0 without CuPy or a GPU)."""
    if not is_available():
        return 0
    import cupy
    return cupy.cuda.runtime.getDeviceCount()


def manual_seed(seed):
    """Seed CuPy's generator (what `mg.manual_seed` also does)."""
    backend.get_device("cuda").seed(seed)


def manual_seed_all(seed):
    """Seed every GPU's generator, as PyTorch's: CuPy's when there is a GPU;
    without one there is nothing to seed and, as in PyTorch, it does nothing."""
    if is_available():
        manual_seed(seed)


def is_bf16_supported():
    """False: minigrad's GPU arrays (CuPy's) have no bfloat16."""
    return False


def empty_cache():
    """Hand CuPy's cached GPU memory back to the driver; without a GPU there
    is none, and, as in PyTorch, it does nothing."""
    if is_available():
        import cupy
        cupy.get_default_memory_pool().free_all_blocks()


def synchronize():
    """Wait until the GPU has finished all queued work (for timing)."""
    import cupy
    cupy.cuda.get_current_stream().synchronize()
