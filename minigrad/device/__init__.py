"""Where arrays live, and the random streams: the ground floor of minigrad.

    backend.py   devices: NumPy on the host ("cpu"), CuPy on a GPU ("cuda")
    random.py    the per-thread random generators (`manual_seed`, `get_rng`)
    dlpack.py    reading another library's array through DLPack, no copy

Imports nothing of minigrad: the engine (minigrad.core) stands on it.
"""
from . import backend, random, dlpack
from .random import manual_seed, get_rng
