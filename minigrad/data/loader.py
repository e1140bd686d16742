"""DataLoader: iterate over a dataset in (optionally shuffled) batches."""
import math
import numbers

import numpy as np

from ..rng import get_rng
from .dataset import TensorDataset, stack_samples


class DataLoader:
    """Yields batches `(x, t)` of ndarrays from `dataset`, `batch_size`
    samples at a time (the last batch may be smaller unless `drop_last`).

    With `shuffle=True` the order is drawn anew at each pass from minigrad's
    generator (`mg.manual_seed` makes it repeatable). `dataset` is a
    `Dataset` (anything with `__len__` and `__getitem__`) or a tuple
    `(x, t)` of arrays, which is wrapped in a `TensorDataset`.

        for x, t in DataLoader(TensorDataset(x, t), batch_size=64, shuffle=True):
            ...
    """

    def __init__(self, dataset, batch_size=32, shuffle=False, drop_last=False):
        if isinstance(dataset, tuple):
            if len(dataset) != 2:
                raise ValueError(f"DataLoader: a tuple dataset must be (x, t), got {len(dataset)} items")
            dataset = TensorDataset(*dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last

    def __len__(self):
        """The number of batches in one pass."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = get_rng().permutation(n) if self.shuffle else np.arange(n)
        get_batch = getattr(self.dataset, "get_batch", None)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            indices = order[start:start + self.batch_size]
            yield get_batch(indices) if get_batch is not None else stack_samples(self.dataset, indices)

    def __repr__(self):
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size="
                f"{self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})")
