"""The device the tests run their ops on: MINIGRAD_TEST_DEVICE=cpu (the
default), strict (tests/device/strict_backend.py: NumPy arrays that refuse to turn
into plain ndarrays, as CuPy's do, so no GPU is needed to find an op that
makes or converts arrays with NumPy) or cuda (CuPy on a GPU).

`on_device(f)` wraps a function of Variables so that its inputs (and the
ndarrays among its keyword arguments) are moved to the device and its
outputs back to the host, differentiably: the gradient checks, written for
NumPy, then exercise every forward and backward on the device.
"""
import os

import numpy as np

from minigrad.device import backend

DEVICE = os.environ.get("MINIGRAD_TEST_DEVICE", "cpu")
if DEVICE == "strict":
    from tests.device import strict_backend
    strict_backend.register()


def to_device(x):
    """A Variable, ndarray, or nest of them, moved to DEVICE (other values as is)."""
    if DEVICE == "cpu":
        return x
    if hasattr(x, "creator"):
        return x.to(DEVICE)
    if type(x) is np.ndarray:
        return backend.to_device(x, DEVICE)
    if isinstance(x, (list, tuple)):
        return type(x)(to_device(v) for v in x)
    if isinstance(x, dict):
        return {k: to_device(v) for k, v in x.items()}
    return x


def to_host(y):
    """Outputs (a Variable, an array, or a tuple/list of them) back on the host."""
    if DEVICE == "cpu" or y is None:
        return y
    if hasattr(y, "creator"):
        return y.to("cpu")
    if isinstance(y, (list, tuple)):
        return type(y)(to_host(v) for v in y)
    if hasattr(y, "shape") and not isinstance(y, np.ndarray):
        return backend.to_host(y)
    return y


def on_device(f):
    """f with its inputs and keyword arrays moved to DEVICE and its outputs back."""
    if DEVICE == "cpu":
        return f

    def f_on_device(*xs, **kwargs):
        return to_host(f(*to_device(list(xs)), **to_device(kwargs)))
    return f_on_device
