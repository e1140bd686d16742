"""Small datasets, each a function returning `(x, t)` ndarrays.

`spiral` and `sine` are generated; `digits` is scikit-learn's bundled copy
of the UCI 8x8 handwritten digits (no download); `mnist` reads the IDX
files of MNIST from a folder (no download either).

`seed` makes the generated ones repeatable; `seed=None` draws from
minigrad's generator instead (`mg.manual_seed`).
"""
import gzip
import os

import numpy as np

from ..device.random import get_rng


def _generator(seed):
    return get_rng() if seed is None else np.random.default_rng(seed)


def _check_sizes(dataset, noise, **counts):
    """Each count a positive int and noise a number >= 0, or a clear error."""
    for name, n in counts.items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{dataset}: {name} must be a positive integer, got {n!r}")
    if not isinstance(noise, (int, float, np.number)) or not noise >= 0:
        raise ValueError(f"{dataset}: noise must be a number >= 0, got {noise!r}")


def spiral(n_per_class=100, n_classes=3, seed=0, noise=0.2):
    """Points on `n_classes` interleaved spiral arms in the plane, the
    classic dataset a linear model cannot separate.

    Returns x of shape (n_per_class * n_classes, 2), float32, within the
    unit disc, and t of shape (n_per_class * n_classes,), int64 class
    labels, ordered class by class. `noise` jitters the angles (radians).
    """
    _check_sizes("spiral", noise, n_per_class=n_per_class, n_classes=n_classes)
    rng = _generator(seed)
    radius = np.linspace(0.0, 1.0, n_per_class)
    x = np.empty((n_per_class * n_classes, 2), dtype=np.float32)
    for c in range(n_classes):
        # Each arm turns through 4 radians, starting where the last one ended.
        angle = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class) + rng.normal(0.0, noise, n_per_class)
        x[c * n_per_class:(c + 1) * n_per_class] = np.stack(
            [radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    t = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    return x, t


def sine(n=1000, seed=0, noise=0.1):
    """A 1-D regression problem: x uniform on [0, 2*pi), t = sin(x) plus
    normal noise of standard deviation `noise`. Both of shape (n, 1), float32."""
    _check_sizes("sine", noise, n=n)
    rng = _generator(seed)
    x = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    t = np.sin(x) + rng.normal(0.0, noise, size=(n, 1))
    return x.astype(np.float32), t.astype(np.float32)


def digits():
    """The 1,797 8x8 handwritten digits bundled with scikit-learn.

    Returns x of shape (1797, 64), float32, the pixel intensities (0..16 in
    the source) divided by 16 into [0, 1], and t of shape (1797,), int64
    labels 0..9. Needs scikit-learn (an optional dependency).
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError(
            "digits: needs scikit-learn, which ships the 8x8 digits; install it with "
            "`pip install scikit-learn` (or `pip install minigrad[examples]`)") from e
    bunch = load_digits()
    return (bunch.data / 16.0).astype(np.float32), bunch.target.astype(np.int64)


def mnist(root, train=True):
    """MNIST read from the IDX files in the folder `root`, gzipped or not:
    `train-images-idx3-ubyte`, `train-labels-idx1-ubyte` (train=True) or
    `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` (train=False), each
    possibly with `.gz` added. Nothing is downloaded.

    Returns x of shape (N, 1, rows, cols), float32 in [0, 1] (bytes / 255),
    and t of shape (N,), int64 labels.
    """
    prefix = "train" if train else "t10k"
    images = read_idx(_find(root, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(_find(root, f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1:
        raise ValueError(
            f"mnist: expected images of 3 dimensions and labels of 1, got shapes {images.shape} "
            f"and {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"mnist: {len(images)} images but {len(labels)} labels in {root}")
    x = (images[:, None, :, :] / np.float32(255)).astype(np.float32)
    return x, labels.astype(np.int64)


def _find(root, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(root, candidate)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"mnist: file {name} (or {name}.gz) not found in {root!r}; download the MNIST IDX files "
        "there first (minigrad does not download)")


# IDX type codes -> big-endian NumPy dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """An ndarray from an IDX file (the format of MNIST), gzipped when the
    name ends in `.gz`. Layout: two zero bytes, a type code, the number of
    dimensions, each dimension as a big-endian int32, then the values."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (bad header {raw[:4]!r})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {path} is truncated inside its header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"read_idx: {path} holds {len(raw) - header} bytes of data but its header promises "
            f"{expected} (shape {shape}, dtype {dtype})")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))
