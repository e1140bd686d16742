"""Custom Functions: one instance called twice records two nodes, apply(),
and a backward returning the wrong number, shape or type of gradients is
named in the error."""
import numpy as np
import pytest

import minigrad as mg
from tests.arrays import randn


# -- Function: reuse, apply, errors --------------------------------------------------------------

class Square(mg.Function):
    """y = x**2.   dy/dx = 2x"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        return gy * 2 * self.inputs[0]


class Scale(mg.Function):
    """y = c x.   dy/dx = c"""

    def __init__(self, c=1.0):
        self.c = c

    def forward(self, x):
        return x * self.c

    def backward(self, gy):
        return gy * self.c


def test_a_function_instance_called_twice_records_two_nodes():
    a, b = mg.Variable(randn(3)), mg.Variable(randn(3))
    sq = Square()
    ya, yb = sq(a), sq(b)
    assert ya.creator is not yb.creator and ya.creator.inputs[0] is a and yb.creator.inputs[0] is b
    (ya + yb).sum().backward()
    np.testing.assert_allclose(a.grad.data, 2 * a.data)
    np.testing.assert_allclose(b.grad.data, 2 * b.data)
    s = Scale(3.0)
    (s(a) * s(s(b))).sum().backward()   # three calls of one instance


def test_apply():
    x = mg.Variable(randn(3))
    np.testing.assert_allclose(Scale.apply(x, c=2.5).data, 2.5 * x.data)
    np.testing.assert_allclose(Square.apply(x).data, x.data ** 2)


class WrongCount(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy


class WrongShape(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, np.ones((5, 7))


class WrongType(mg.Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, "oops"


@pytest.mark.parametrize("cls,error,pattern", [
    (WrongCount, RuntimeError, r"wrong_count: backward returned 1 gradients for 2 inputs; WrongCount\.backward"),
    (WrongShape, ValueError, r"WrongShape\.backward: the gradient for input 1 has shape \(5, 7\).*input's shape \(2, 3\)"),
    (WrongType, TypeError, r"WrongType\.backward returned a str as the gradient for input 1 \(shape \(2, 3\)\)"),
])
def test_a_bad_custom_backward_is_named(cls, error, pattern):
    a, b = mg.Variable(randn(2, 3)), mg.Variable(randn(2, 3))
    with pytest.raises(error, match=pattern):
        cls()(a, b).sum().backward()
