"""Bitwise operations on integer and bool Variables: & | ^ ~ << >> (nd).

They are PyTorch's and NumPy's bitwise ops: results are Variables that
require no gradient (nothing to differentiate on integers). A floating
operand is a TypeError naming the op and the dtype, as PyTorch's, rather
than NumPy's silent `bitwise_and` on the bits of a float.
"""
import numpy as np

from ..core import Variable, as_array
from ..core.ops import declare

_INTEGER_KINDS = "biu"


def _apply(ufunc, op, symbol, *operands):
    """ufunc of the operands' data as a Variable (no gradient), or a
    TypeError naming the op when an operand is not integer or bool."""
    # Python ints stay Python ints, so an int8 Variable & 3 stays int8.
    arrays = [x if type(x) in (int, bool) else as_array(x) for x in operands]
    for a in arrays:
        if np.result_type(a).kind not in _INTEGER_KINDS:
            raise TypeError(f"{op} ({symbol}): only integer and bool Variables have bits to combine; got dtype "
                            f"{np.result_type(a)} (shapes {', '.join(str(np.shape(b)) for b in arrays)}); cast first, "
                            "e.g. x.astype(np.int64), or use logical_and/logical_or for truth values")
    result = ufunc(*arrays)
    if isinstance(result, np.generic):   # of 0-d host arrays: a NumPy scalar
        result = np.asarray(result)
    return Variable(result, requires_grad=False)


@declare(numpy=np.bitwise_and)
def bitwise_and(a, b):
    """a & b, bit by bit, on integer or bool Variables (nd)."""
    return _apply(np.bitwise_and, "bitwise_and", "&", a, b)


@declare(numpy=np.bitwise_or)
def bitwise_or(a, b):
    """a | b, bit by bit, on integer or bool Variables (nd)."""
    return _apply(np.bitwise_or, "bitwise_or", "|", a, b)


@declare(numpy=np.bitwise_xor)
def bitwise_xor(a, b):
    """a ^ b, bit by bit, on integer or bool Variables (nd)."""
    return _apply(np.bitwise_xor, "bitwise_xor", "^", a, b)


@declare(numpy=np.invert)  # np.bitwise_not is np.invert
def bitwise_not(x):
    """~x: every bit flipped (for bool: not x), on an integer or bool Variable (nd)."""
    return _apply(np.invert, "bitwise_not", "~", x)


@declare(numpy=np.left_shift)
def left_shift(a, b):
    """a << b: the bits of a shifted b places up (a * 2**b), integers or bools (nd)."""
    return _apply(np.left_shift, "left_shift", "<<", a, b)


@declare(numpy=np.right_shift)
def right_shift(a, b):
    """a >> b: the bits of a shifted b places down (floor(a / 2**b)), integers or bools (nd)."""
    return _apply(np.right_shift, "right_shift", ">>", a, b)
