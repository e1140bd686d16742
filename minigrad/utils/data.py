"""PyTorch's `torch.utils.data`: `from minigrad.utils.data import DataLoader,
TensorDataset`. The classes of minigrad.data, with PyTorch's meanings;
only the DataLoader's default batch differs between the two paths:
PyTorch's is 1 sample, minigrad.data's 32.

Batches and TensorDataset items are Variables that need no gradient, so
`x.to(device)` and `x.view(...)` work on them.
"""
from ..data import (Dataset, TensorDataset, Subset, random_split, Sampler, SequentialSampler, RandomSampler,
                    BatchSampler)
from ..data import loader

__all__ = ["Dataset", "TensorDataset", "DataLoader", "random_split", "Subset", "Sampler", "SequentialSampler",
           "RandomSampler", "BatchSampler"]


class DataLoader(loader.DataLoader):
    """minigrad.data.DataLoader with PyTorch's default `batch_size=1`, and
    PyTorch's rule that `batch_sampler` excludes any other `batch_size`.
    Every other argument is minigrad.data.DataLoader's."""

    def __init__(self, dataset, batch_size=1, *args, batch_sampler=None, **kwargs):
        if batch_sampler is not None and batch_size != 1:
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                             "sampler, and drop_last")
        super().__init__(dataset, batch_size, *args, batch_sampler=batch_sampler, **kwargs)
