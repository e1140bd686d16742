"""Samplers, as PyTorch's: iterables of dataset indices that set the order
in which a DataLoader reads samples (`DataLoader(dataset, sampler=...)`),
and BatchSampler, which groups them into batches of indices
(`DataLoader(dataset, batch_sampler=...)`)."""
import numbers

import numpy as np

from ..device.random import get_rng


class Sampler:
    """Base class: `__iter__` yields indices; `__len__` counts them."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__}: __iter__ is not defined")


def _positive_int(who, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{who}: {name} should be a positive integer value, but got {name}={value!r}")
    return int(value)


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """The indices of `data_source` in a random order, drawn anew at each
    pass, as PyTorch's: without replacement, a permutation (when
    `num_samples` exceeds the dataset, whole permutations follow each other
    and the last is cut short); with `replacement=True`, `num_samples`
    independent draws. The draws come from `generator` (a NumPy Generator)
    or else from minigrad's (`mg.manual_seed` makes them repeatable)."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"RandomSampler: generator must be a numpy.random.Generator or None, got "
                            f"{type(generator).__name__}")
        self.data_source = data_source
        self.replacement = replacement
        self.generator = generator
        self._num_samples = num_samples if num_samples is None else _positive_int("RandomSampler", "num_samples",
                                                                                  num_samples)

    @property
    def num_samples(self):
        """How many indices one pass draws: len(data_source) unless given."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, rng = len(self.data_source), self.generator or get_rng()
        if self.replacement:
            yield from (int(i) for i in rng.integers(0, n, self.num_samples))
            return
        for _ in range(self.num_samples // n):
            yield from (int(i) for i in rng.permutation(n))
        yield from (int(i) for i in rng.permutation(n)[:self.num_samples % n])

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """The indices of `sampler` grouped into lists of `batch_size` (the last
    may be shorter unless `drop_last`), as PyTorch's."""

    def __init__(self, sampler, batch_size, drop_last):
        self.batch_size = _positive_int("BatchSampler", "batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
