"""Data (`from minigrad.data import DataLoader, datasets`): datasets, batching,
random splits, samplers, transforms. Needs only NumPy; batches come as
Variables (no gradient). PyTorch's path `minigrad.utils.data` holds the same."""
from .dataset import Dataset, TensorDataset, Subset, random_split
from .loader import DataLoader
from .samplers import Sampler, SequentialSampler, RandomSampler, BatchSampler
from . import datasets, transforms
