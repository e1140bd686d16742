"""Transforms: functions from an array to an array, for preparing data
(`one_hot`, `standardize`, `normalize`) and for augmenting images at random
(`random_flip`, `random_shift`, `gaussian_noise`). `Compose` chains them.

The augmentations take a *batch*: the first axis indexes samples, and each
sample gets its own random draw. They are meant as a `TensorDataset`
`transform`, which sees a batch at a time:

    augment = Compose([partial(random_flip, axis=-1), partial(gaussian_noise, std=0.05)])
    train = TensorDataset(x, t, transform=augment)

Randomness comes from minigrad's generator (`mg.manual_seed`).
"""
import numpy as np

from ..device.random import get_rng


def one_hot(t, n_classes=None, dtype=np.float32):
    """Integer labels `t` of shape (...) -> one-hot rows of shape
    (..., n_classes). `n_classes` defaults to `t.max() + 1`."""
    t = np.asarray(t)
    if t.dtype.kind not in "iu":
        if t.dtype.kind == "f" and np.all(t == np.round(t)):
            t = t.astype(np.int64)
        else:
            raise TypeError(f"one_hot: labels must be integers, got dtype {t.dtype}")
    if n_classes is None:
        n_classes = int(t.max()) + 1 if t.size else 0
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t.min() if t.min() < 0 else t.max()
        raise ValueError(
            f"one_hot: label {bad} is out of range for {n_classes} classes; "
            f"expected labels in [0, {n_classes - 1}]")
    return np.eye(n_classes, dtype=dtype)[t]


def _float(x):
    """`x` as a float array; float32 stays float32, integers become float32."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float32)


def standardize(x, mean=None, std=None, axis=0):
    """(x - mean) / std, feature by feature: zero mean and unit variance.

    `mean` and `std` default to the statistics of `x` over `axis` (the
    samples); pass the training set's to transform other data the same way.
    Features with zero spread (a pixel that is always 0) are only centred.
    """
    x = _float(x)
    try:
        mean = x.mean(axis=axis, keepdims=True) if mean is None else np.asarray(mean, dtype=x.dtype)
        std = x.std(axis=axis, keepdims=True) if std is None else np.asarray(std, dtype=x.dtype)
    except np.exceptions.AxisError:
        raise np.exceptions.AxisError(f"standardize: axis {axis} is out of range for x of shape "
                                      f"{x.shape}") from None
    return (x - mean) / np.where(std > 0, std, 1).astype(x.dtype)


def normalize(x, low=None, high=None):
    """Rescale values from [low, high] to [0, 1]: (x - low) / (high - low).

    `low` and `high` default to the smallest and largest value of `x`
    (e.g. 0 and 255 for 8-bit images). Constant data maps to 0.
    """
    x = _float(x)
    low = x.min() if low is None else low
    high = x.max() if high is None else high
    span = np.asarray(high - low, dtype=x.dtype)
    return (x - np.asarray(low, dtype=x.dtype)) / np.where(span > 0, span, 1).astype(x.dtype)


class Compose:
    """Apply `transforms` (callables array -> array) in order."""

    def __init__(self, transforms):
        self.transforms = list(transforms)
        for transform in self.transforms:
            if not callable(transform):
                raise TypeError(f"Compose: every transform must be callable, got {transform!r}")

    def __call__(self, x):
        for transform in self.transforms:
            x = transform(x)
        return x

    def __repr__(self):
        return "Compose([" + ", ".join(repr(f) for f in self.transforms) + "])"


def _check_batch(name, x, min_ndim):
    x = np.asarray(x)
    if x.ndim < min_ndim:
        raise ValueError(
            f"{name}: expected a batch with at least {min_ndim} dimensions (samples first), got shape {x.shape}")
    return x


def random_flip(x, p=0.5, axis=-1):
    """Flip each sample of the batch `x` along `axis` with probability `p`
    (axis=-1: left-right for images; -2: up-down). Axis 0 is the batch."""
    x = _check_batch("random_flip", x, 2)
    if not 0 <= p <= 1:
        raise ValueError(f"random_flip: p={p} is not a probability; expected 0 <= p <= 1")
    axis = axis % x.ndim
    if axis == 0:
        raise ValueError("random_flip: axis 0 indexes the samples; choose an axis of the samples")
    flip = get_rng().random(len(x)) < p
    out = x.copy()
    out[flip] = np.flip(x[flip], axis=axis)
    return out


def random_shift(x, max_shift=2, fill=0):
    """Move each image of the batch `x` (shape (N, H, W) or (N, C, H, W)) by
    a random whole number of pixels, from -max_shift to max_shift along
    each of the last two axes; uncovered pixels get `fill`."""
    x = _check_batch("random_shift", x, 3)
    if max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be >= 0, got {max_shift}")
    n, (height, width) = len(x), x.shape[-2:]
    padded = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(max_shift, max_shift)] * 2, constant_values=fill)
    shifts = get_rng().integers(-max_shift, max_shift + 1, size=(n, 2))
    # Output pixel i of a sample shifted by s reads padded pixel i + max_shift - s.
    sample_axes = (1,) * (x.ndim - 3)
    rows = np.arange(height) + max_shift - shifts[:, :1]
    cols = np.arange(width) + max_shift - shifts[:, 1:]
    out = np.take_along_axis(padded, rows.reshape((n,) + sample_axes + (height, 1)), axis=-2)
    return np.take_along_axis(out, cols.reshape((n,) + sample_axes + (1, width)), axis=-1)


def gaussian_noise(x, std=0.1):
    """x plus independent normal noise of standard deviation `std`, in x's dtype."""
    x = _float(x)
    if std < 0:
        raise ValueError(f"gaussian_noise: std must be >= 0, got {std}")
    return x + get_rng().normal(0.0, std, size=x.shape).astype(x.dtype)
