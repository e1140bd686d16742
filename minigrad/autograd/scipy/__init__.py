"""HIPS autograd's `autograd.scipy`: SciPy functions that differentiate.
`from autograd.scipy.special import logsumexp` becomes
`from minigrad.autograd.scipy.special import logsumexp`."""
from . import special
