"""`scipy.special` functions for code differentiated by minigrad.autograd
(HIPS autograd's `autograd.scipy.special`).

Given Variables they are minigrad's ops, recorded in the graph; given plain
arrays they are SciPy's own, returning arrays, as autograd's do.
(`scipy.special`'s ufuncs such as `erf` reach minigrad's ops by themselves;
`logsumexp` is no ufunc and converts its input, so it needs this door.)
"""
from ... import functions as F
from ...core import Variable


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log(sum(exp(a))) over `axis` (None: all axes), without overflow."""
    if not isinstance(a, Variable) and not isinstance(b, Variable):
        import scipy.special   # here, so that `import minigrad` does not import SciPy
        return scipy.special.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    if b is not None or return_sign:
        raise TypeError("logsumexp: b= and return_sign= are not supported on Variables; "
                        "write logsumexp(a + np.log(b)) for positive weights b")
    return F.logsumexp(a, axis=axis, keepdims=keepdims)


def expit(x):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    if isinstance(x, Variable):
        return F.sigmoid(x)
    import scipy.special
    return scipy.special.expit(x)
