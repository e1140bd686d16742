"""Datasets: indexable collections of `(x, t)` samples.

A dataset is anything with `__len__` and `__getitem__`. Subclasses of
`Dataset` may also offer `get_batch(indices)`, which returns a whole batch
of stacked arrays at once; `TensorDataset` does it with one fancy-indexing
operation per array, so a `DataLoader` never loops over samples in Python.
"""
import numbers

import numpy as np

from ..device import backend
from ..device.random import get_rng
from ..core import Variable


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
        return tuple(np.stack([as_array(x) for x in field]) for field in zip(*samples))
    return np.stack([as_array(x) for x in samples])


def as_array(x):
    """An ndarray from an ndarray, a list, or a Variable (its data)."""
    if isinstance(x, Variable):
        return x.data
    return np.asarray(x)


def as_variables(batch):
    """`batch` with every array in it (in tuples, lists and dicts, at any
    depth) as a Variable that needs no gradient, as PyTorch's batches are
    tensors: `x.to(device)`, `x.view(...)` work on them. Variables and
    anything else (strings, None) stay as they are."""
    if isinstance(batch, np.ndarray) or backend.device_of(batch) is not backend.CPU:
        return Variable(batch, requires_grad=False)
    if isinstance(batch, tuple):
        return tuple(as_variables(b) for b in batch)
    if isinstance(batch, list):
        return [as_variables(b) for b in batch]
    if isinstance(batch, dict):
        return {k: as_variables(v) for k, v in batch.items()}
    return batch


class TensorDataset(Dataset):
    """Samples `(a[i], b[i], ...)` from arrays (or Variables that need no
    gradient) with the same first dimension, as PyTorch's `TensorDataset(*tensors)`; most often two,
    `TensorDataset(x, t)`. Each sample, and each batch read by a slice or
    an array of indices, is a tuple of Variables that need no gradient.
    `tensors` holds the whole arrays as such Variables.

    `transform` (applied to a batch of the first array, first axis =
    samples) and `target_transform` (applied to a batch of the second) run
    on arrays each time samples are read, so random augmentation differs
    from epoch to epoch.
    """

    def __init__(self, *tensors, transform=None, target_transform=None):
        for i, a in enumerate(tensors):
            if isinstance(a, Variable) and a.requires_grad:
                raise TypeError(f"TensorDataset: array {i} is a Variable that requires grad (shape {a.shape}); its "
                                "samples would carry no gradient (a dataset's never do), so pass a.detach() or "
                                "the ndarray")
        arrays = [as_array(a) for a in tensors]
        if not arrays:
            raise ValueError("TensorDataset: expected at least one array, e.g. TensorDataset(x, t)")
        for i, a in enumerate(arrays):
            if a.ndim == 0:
                raise ValueError(f"TensorDataset: every array needs a first (sample) axis, but array {i} is "
                                 f"0-d; got shapes {[a.shape for a in arrays]}")
            if len(a) != len(arrays[0]):
                raise ValueError(
                    f"TensorDataset: array 0 has {len(arrays[0])} samples (shape {arrays[0].shape}) but array {i} "
                    f"has {len(a)} (shape {a.shape}); expected the same number")
        if target_transform is not None and len(arrays) < 2:
            raise ValueError("TensorDataset: target_transform applies to the second array, but there is one")
        self.tensors = tuple(Variable(a, requires_grad=False) for a in arrays)
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.tensors[0].data)

    def __getitem__(self, index):
        """One sample (a tuple of Variables) for an integer index; a batch
        for a slice or an array of indices."""
        if isinstance(index, numbers.Integral):
            batch = self.get_batch(np.array([check_index(self, index)]))
            return as_variables(tuple(np.asarray(a)[0, ...] for a in batch))
        if isinstance(index, slice):
            index = np.arange(len(self))[index]
        return as_variables(self.get_batch(as_array(index)))

    def get_batch(self, indices):
        """The samples at `indices`, stacked: a tuple of arrays."""
        indices = np.asarray(indices)
        if indices.size:
            check_index(self, int(indices.min()))
            check_index(self, int(indices.max()))
        batch = [a.data[indices] for a in self.tensors]
        if self.transform is not None:
            batch[0] = self.transform(batch[0])
        if self.target_transform is not None:
            batch[1] = self.target_transform(batch[1])
        return tuple(batch)


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


def random_split(dataset, fractions, generator=None):
    """Split `dataset` at random into non-overlapping `Subset`s.

    `fractions` are either fractions summing to 1 (e.g. `(0.75, 0.25)`; the
    samples left over by rounding down go one each to the first subsets, as
    PyTorch does) or integer lengths summing to `len(dataset)`. The order
    comes from `generator` (a NumPy Generator) or else minigrad's, so
    `mg.manual_seed` makes it repeatable.

    Examples
    --------
    >>> import numpy as np
    >>> from minigrad.data import TensorDataset, random_split
    >>> data = TensorDataset(np.arange(10.0).reshape(5, 2), np.arange(5))
    >>> train, test = random_split(data, (0.8, 0.2), generator=np.random.default_rng(0))
    >>> len(train), len(test)
    (4, 1)
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
    if generator is not None and not isinstance(generator, np.random.Generator):
        raise TypeError(f"random_split: generator must be a numpy.random.Generator or None, got "
                        f"{type(generator).__name__}")
    order = (generator or get_rng()).permutation(n)
    bounds = np.cumsum([0] + lengths)
    return [Subset(dataset, order[start:stop]) for start, stop in zip(bounds[:-1], bounds[1:])]
