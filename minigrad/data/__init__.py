"""Data (`from minigrad.data import DataLoader, datasets`): datasets, batching,
random splits, transforms. Needs only NumPy."""
from .dataset import Dataset, TensorDataset, Subset, random_split
from .loader import DataLoader
from . import datasets, transforms
