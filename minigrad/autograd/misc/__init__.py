"""HIPS autograd's `autograd.misc`: `flatten` and `optimizers`."""
from .flatten import flatten
from . import optimizers
