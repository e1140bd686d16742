"""Axis and shape helpers shared by the modules of minigrad.functions.

Plain Python on shapes and axis arguments, no ops: they check and
normalize an op's `axis` the same way everywhere, and read the shape of
a Variable or an array. (The module's leading underscore says it is
internal to minigrad.functions; its functions are public to the modules
there.)
"""
import numpy as np

from ..core import Variable


def check_axis_type(op, axis):
    """A clear TypeError naming the op unless `axis` is an int (bools are
    not axes)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis {axis!r} ({type(axis).__name__}) is not valid; expected an int "
                        "or a tuple of ints")


def normalize_axis(op, axis, ndim):
    """`axis` as a non-negative int, or NumPy's AxisError naming the op (an
    AxisError is both a ValueError, as NumPy's, and an IndexError, as
    PyTorch's)."""
    check_axis_type(op, axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"{op}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def axis_tuple(op, axis, ndim):
    """`axis` (an int or a sequence) as a tuple of distinct non-negative axes.

    A 0-d array takes axis 0 or -1, as PyTorch's ops do (as if it had one
    axis of length 1), and the tuple is then empty: reducing, flipping or
    squeezing over no axis leaves the one element as it is."""
    if isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        check_axis_type(op, axis)
        axes = (axis,)
    if ndim == 0:
        for a in axes:
            check_axis_type(op, a)
            if a not in (0, -1):
                raise np.exceptions.AxisError(f"{op}: axis {a} is out of range for a 0-d array; expected "
                                              "0 or -1 (as PyTorch's dim), or None")
        if len(axes) > 1:
            raise ValueError(f"{op}: repeated axis in {axis} (a 0-d array has one axis, 0 or -1)")
        return ()
    axes = tuple(normalize_axis(op, a, ndim) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return axes


def along_axis(op, axis, ndim):
    """The one `axis` an op works along (softmax ...): a non-negative int,
    or () for a 0-d array, which takes axis 0 or -1 as in PyTorch (NumPy's
    reductions over () leave its one element as it is)."""
    return normalize_axis(op, axis, ndim) if ndim else axis_tuple(op, axis, 0)


def shape_of(x):
    """The shape of a Variable, an array, a number or a nested list, as a
    tuple (without converting x)."""
    return x.data.shape if isinstance(x, Variable) else np.shape(x)
