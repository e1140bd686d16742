"""The engines the suite compares, how each is imported, and its version.

    minigrad   this project (imported from the work tree)
    numpy      the same math written by hand on NumPy: the floor
    pytorch    torch (CPU), when installed
    dezero     DeZero, when installed
    autograd   HIPS autograd, when installed

A peer that is not installed is skipped; a workload that a peer cannot do
raises `Unsupported` from its builder with the reason, shown in the table.
"""
import importlib
import importlib.metadata
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENGINES = ("minigrad", "numpy", "pytorch", "dezero", "autograd")
PEERS = ("pytorch", "dezero", "autograd")
_MODULES = {"minigrad": "minigrad", "numpy": "numpy", "pytorch": "torch", "dezero": "dezero",
            "autograd": "autograd"}
_DISTRIBUTIONS = {"pytorch": "torch", "dezero": "dezero", "autograd": "autograd", "numpy": "numpy"}


class Unsupported(Exception):
    """A peer cannot run a workload; the message says why."""


def _import_dezero():
    # DeZero 0.0.13 refers to `np.int`, an alias NumPy removed in 1.24; put
    # the alias (the builtin int) back so the package imports at all.
    import numpy as np
    if "int" not in np.__dict__:
        np.int = int
    return importlib.import_module("dezero")


def load(engine):
    """The engine's top-level module, or None when it is not installed."""
    try:
        if engine == "dezero":
            return _import_dezero()
        return importlib.import_module(_MODULES[engine])
    except ImportError:
        return None


def available(wanted=ENGINES):
    """The engines among `wanted` that import, in the suite's order."""
    unknown = [e for e in wanted if e not in ENGINES]
    if unknown:
        raise ValueError(f"unknown engine(s) {', '.join(unknown)}; expected some of {', '.join(ENGINES)}")
    return [e for e in ENGINES if e in wanted and load(e) is not None]


def version(engine):
    if engine == "minigrad":
        return load("minigrad").__version__ + " (work tree)"
    try:
        return importlib.metadata.version(_DISTRIBUTIONS[engine])
    except importlib.metadata.PackageNotFoundError:
        return getattr(load(engine), "__version__", "unknown")


def torch_threads():
    """(intra-op threads, inter-op threads) of PyTorch, or None."""
    torch = load("pytorch")
    if torch is None:
        return None
    return torch.get_num_threads(), torch.get_num_interop_threads()


def blas_threads():
    """Descriptions of the BLAS/OpenMP thread pools loaded in this process
    (needs threadpoolctl; empty without it)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [f"{p.get('internal_api')} {p.get('version') or ''} ({p.get('prefix')}): "
            f"{p.get('num_threads')} threads" for p in threadpool_info()]
