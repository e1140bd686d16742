"""PyTorch's `torch.utils` path: `minigrad.utils.data` (datasets and loaders)."""
from . import data
