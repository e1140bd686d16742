"""DataLoader: iterate over a dataset in (optionally shuffled) batches,
optionally prepared ahead by background threads."""
import collections
import concurrent.futures
import contextlib
import itertools
import math
import numbers

import numpy as np

from ..device.random import check_seed, get_rng, seed_thread, spawn_seed
from .dataset import TensorDataset, as_variables, stack_samples


class DataLoader:
    """Yields batches `(x, t)` from `dataset`, `batch_size` samples at a
    time (the last batch may be smaller unless `drop_last`). Each array of
    a batch (at any depth of tuples, lists and dicts, collate_fn's output
    too) comes as a Variable that needs no gradient, as PyTorch's batches
    are tensors: `x.to(device)`, `x.view(...)` work on it.

    With `shuffle=True` the order is drawn anew at each pass from minigrad's
    generator (`mg.manual_seed` makes it repeatable), or from this loader's
    own generator when `seed` is given (so its order depends on nothing
    else). `sampler`, an iterable of indices (iterated once per pass), sets
    the order instead; it excludes `shuffle`. `batch_sampler`, an iterable
    of lists of indices (a `BatchSampler`), sets the batches themselves;
    it excludes `shuffle`, `sampler` and `drop_last`, and `batch_size` does
    not apply. `collate_fn(list_of_samples)`
    builds each batch from the samples `dataset[i]`; by default a dataset's
    `get_batch` (or stacking) does. `dataset` is a `Dataset` (anything with
    `__len__` and `__getitem__`) or a tuple `(x, t)` of arrays, which is
    wrapped in a `TensorDataset`.

    `num_workers > 0` prepares up to 2 * num_workers batches ahead in that
    many background threads, batch i by worker i % num_workers, as
    PyTorch deals them; the batches and their order are those of
    `num_workers=0`. Threads end with the pass, or when the loop is left
    early. `pin_memory` and `persistent_workers` are accepted for PyTorch's
    signature and have no effect.

    Random draws in workers (augmentation, `get_rng()` in the dataset), as
    PyTorch seeds its workers: each pass takes a new seed from the loader's
    `seed`, or else from the calling thread's generator (`mg.manual_seed`),
    and worker w draws from a generator of its own seeded with that pass's
    seed and w. No draw repeats across workers or passes, and the same seed
    gives the same draws again. The draws differ between `num_workers`
    settings (with 0 they come from the calling thread's generator). Taking
    a pass's seed draws nothing (`SeedSequence.spawn`, where PyTorch draws
    its base seed), so the calling thread's draws are those of
    `num_workers=0`; but with 0 the dataset draws from that generator too,
    which moves later passes' shuffling: give the loader a `seed` to make
    its order depend on nothing else.

        for x, t in DataLoader(TensorDataset(x, t), batch_size=64, shuffle=True):
            ...

    Examples
    --------
    >>> import numpy as np
    >>> from minigrad.data import DataLoader, TensorDataset
    >>> data = TensorDataset(np.arange(10.0).reshape(5, 2), np.arange(5))
    >>> [(x.shape, t.shape) for x, t in DataLoader(data, batch_size=2)]
    [((2, 2), (2,)), ((2, 2), (2,)), ((1, 2), (1,))]
    >>> x, t = next(iter(DataLoader(data, batch_size=2)))
    >>> x
    Variable([[0., 1.],
              [2., 3.]], dtype=float64)
    """

    def __init__(self, dataset, batch_size=32, shuffle=False, drop_last=False, sampler=None,
                 collate_fn=None, num_workers=0, seed=None, pin_memory=False, persistent_workers=False,
                 batch_sampler=None):
        if isinstance(dataset, tuple):
            if len(dataset) != 2:
                raise ValueError(f"DataLoader: a tuple dataset must be (x, t), got {len(dataset)} items")
            dataset = TensorDataset(*dataset)
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if sampler is not None:
            if shuffle:
                raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle; "
                                 "shuffle inside the sampler instead")
            if not hasattr(sampler, "__iter__"):
                raise TypeError(f"DataLoader: sampler must be an iterable of indices, got {type(sampler).__name__}")
        if batch_sampler is not None:
            if shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            if not hasattr(batch_sampler, "__iter__"):
                raise TypeError(f"DataLoader: batch_sampler must be an iterable of lists of indices, got "
                                f"{type(batch_sampler).__name__}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if not isinstance(num_workers, numbers.Integral) or isinstance(num_workers, bool) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be an integer >= 0, got {num_workers!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.seed = seed
        self.pin_memory = pin_memory
        self.persistent_workers = persistent_workers
        self._seeds = None if seed is None else np.random.SeedSequence(check_seed("DataLoader", seed))
        self._rng = None if seed is None else np.random.default_rng(self._seeds)

    def __len__(self):
        """The number of batches in one pass."""
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        if self.sampler is not None and not hasattr(self.sampler, "__len__"):
            raise TypeError(f"DataLoader: its sampler ({type(self.sampler).__name__}) has no len(), so the "
                            "number of batches is unknown until a pass ends")
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _index_batches(self):
        """The indices of each batch of one pass, in order."""
        if self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield np.asarray(indices, dtype=np.int64)
            return
        if self.sampler is None:
            n = len(self.dataset)
            order = (self._rng or get_rng()).permutation(n) if self.shuffle else np.arange(n)
            for start in range(0, len(self) * self.batch_size, self.batch_size):
                yield order[start:start + self.batch_size]
            return
        order = iter(self.sampler)
        while True:
            indices = list(itertools.islice(order, self.batch_size))
            if not indices or (self.drop_last and len(indices) < self.batch_size):
                return
            yield np.asarray(indices, dtype=np.int64)

    def _make_batch(self, indices):
        if self.collate_fn is not None:
            return self.collate_fn([self.dataset[int(i)] for i in indices])
        get_batch = getattr(self.dataset, "get_batch", None)
        return get_batch(indices) if get_batch is not None else stack_samples(self.dataset, indices)

    def __iter__(self):
        if self.num_workers == 0:
            for indices in self._index_batches():
                yield as_variables(self._make_batch(indices))
            return
        yield from map(as_variables, self._prefetched())

    def _prefetched(self):
        """Batches made by worker threads, handed out in order; at most
        2 * num_workers are prepared ahead. Worker w is a thread of its own,
        seeded with child w of the pass's seed (see the class docstring)."""
        pass_seed = spawn_seed() if self._seeds is None else self._seeds.spawn(1)[0]
        pending = collections.deque()
        index_batches = enumerate(self._index_batches())
        with contextlib.ExitStack() as stack:
            workers = [stack.enter_context(concurrent.futures.ThreadPoolExecutor(
                           1, thread_name_prefix=f"DataLoader-{w}", initializer=seed_thread, initargs=(seed,)))
                       for w, seed in enumerate(pass_seed.spawn(self.num_workers))]

            def submit(i, indices):
                pending.append(workers[i % self.num_workers].submit(self._make_batch, indices))

            try:
                for i, indices in itertools.islice(index_batches, 2 * self.num_workers):
                    submit(i, indices)
                while pending:
                    batch = pending.popleft().result()
                    for i, indices in itertools.islice(index_batches, 1):
                        submit(i, indices)
                    yield batch
            finally:
                # Left early (break, error): drop the batches not started;
                # leaving the `with` waits for the running ones, so no thread
                # outlives the pass.
                for future in pending:
                    future.cancel()

    def __repr__(self):
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size="
                f"{self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last}"
                f"{', num_workers=%d' % self.num_workers if self.num_workers else ''})")
