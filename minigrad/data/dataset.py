"""Datasets: indexable collections of `(x, t)` samples.

A dataset is anything with `__len__` and `__getitem__`. Subclasses of
`Dataset` may also offer `get_batch(indices)`, which returns a whole batch
of stacked arrays at once; `TensorDataset` does it with one fancy-indexing
operation per array, so a `DataLoader` never loops over samples in Python.
"""
import numbers

import numpy as np

from ..device.random import get_rng


class Dataset:
    """Base class: `__len__`, `__getitem__(i)` returning one sample (usually
    a tuple `(x, t)`), and `get_batch(indices)` returning the samples at
    `indices` stacked along a new first axis."""

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: __len__ is not defined")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: __getitem__ is not defined")

    def get_batch(self, indices):
        """The samples at `indices` stacked along a new first axis (a tuple of
        arrays when samples are tuples)."""
        return stack_samples(self, indices)


def stack_samples(dataset, indices):
    """Fetch `dataset[i]` for each i in `indices` and stack them: a tuple of
    arrays when samples are tuples, else one array."""
    samples = [dataset[int(i)] for i in indices]
    if samples and isinstance(samples[0], tuple):
        return tuple(np.stack(field) for field in zip(*samples))
    return np.stack(samples)


def as_array(x):
    """An ndarray from an ndarray, a list, or anything with an ndarray
    `.data` (a minigrad Variable), without importing minigrad's core."""
    if not isinstance(x, np.ndarray) and isinstance(getattr(x, "data", None), np.ndarray):
        return x.data
    return np.asarray(x)


class TensorDataset(Dataset):
    """Samples `(x[i], t[i])` from two arrays with the same first dimension.

    `transform` (applied to a batch of x, first axis = samples) and
    `target_transform` (applied to a batch of t) run each time samples are
    read, so random augmentation differs from epoch to epoch.
    """

    def __init__(self, x, t, transform=None, target_transform=None):
        x, t = as_array(x), as_array(t)
        if x.ndim == 0 or t.ndim == 0:
            raise ValueError(
                f"TensorDataset: x and t need a first (sample) axis, got shapes {x.shape} and {t.shape}")
        if len(x) != len(t):
            raise ValueError(
                f"TensorDataset: x has {len(x)} samples (shape {x.shape}) but t has {len(t)} "
                f"(shape {t.shape}); expected the same number")
        self.x, self.t = x, t
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        """One sample `(x, t)` for an integer index; a batch for a slice or
        an array of indices."""
        if isinstance(index, numbers.Integral):
            x, t = self.get_batch(np.array([check_index(self, index)]))
            return x[0], t[0]
        if isinstance(index, slice):
            index = np.arange(len(self))[index]
        return self.get_batch(index)

    def get_batch(self, indices):
        indices = np.asarray(indices)
        if indices.size:
            check_index(self, int(indices.min()))
            check_index(self, int(indices.max()))
        x, t = self.x[indices], self.t[indices]
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            t = self.target_transform(t)
        return x, t


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[check_index(self, index)])]

    def get_batch(self, indices):
        indices = self.indices[np.asarray(indices, dtype=np.int64)]
        if hasattr(self.dataset, "get_batch"):
            return self.dataset.get_batch(indices)
        return stack_samples(self.dataset, indices)


def check_index(dataset, index):
    """`index` as a non-negative int, or IndexError naming the dataset's size."""
    n = len(dataset)
    if not -n <= index < n:
        raise IndexError(f"{type(dataset).__name__}: index {index} is out of range for {n} samples")
    return int(index) % n


def random_split(dataset, fractions):
    """Split `dataset` at random into non-overlapping `Subset`s.

    `fractions` are either fractions summing to 1 (e.g. `(0.75, 0.25)`; the
    samples left over by rounding down go one each to the first subsets, as
    PyTorch does) or integer lengths summing to `len(dataset)`. The order
    comes from minigrad's generator, so `mg.manual_seed` makes it repeatable.
    """
    n = len(dataset)
    fractions = list(fractions)
    if not fractions or any(f < 0 for f in fractions):
        raise ValueError(f"random_split: expected non-negative fractions or lengths, got {fractions}")
    if all(isinstance(f, numbers.Integral) for f in fractions):
        lengths = [int(f) for f in fractions]
        if sum(lengths) != n:
            raise ValueError(
                f"random_split: lengths {lengths} sum to {sum(lengths)} but the dataset has {n} samples")
    elif abs(sum(fractions) - 1) < 1e-6:
        lengths = [int(np.floor(n * f)) for f in fractions]
        for i in range(n - sum(lengths)):
            lengths[i % len(lengths)] += 1
    else:
        raise ValueError(
            f"random_split: fractions {fractions} sum to {sum(fractions)}; expected fractions summing "
            f"to 1 or integer lengths summing to {n}")
    order = get_rng().permutation(n)
    bounds = np.cumsum([0] + lengths)
    return [Subset(dataset, order[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]
