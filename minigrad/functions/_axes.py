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
    """`axis` as a non-negative int, or a clear error naming the op."""
    check_axis_type(op, axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def axis_tuple(op, axis, ndim):
    """`axis` (an int or a sequence) as a tuple of distinct non-negative axes."""
    if isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        check_axis_type(op, axis)
        axes = (axis,)
    axes = tuple(normalize_axis(op, a, ndim) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return axes


def shape_of(x):
    """The shape of a Variable, an array, a number or a nested list, as a
    tuple (without converting x)."""
    return x.data.shape if isinstance(x, Variable) else np.shape(x)
