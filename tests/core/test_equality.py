"""== and != on Variables are elementwise, as in PyTorch (the oracle,
skipped without it), and Variables stay hashable by identity."""
import numpy as np
import pytest

import minigrad as mg


# -- == and != ----------------------------------------------------------------------------------

def test_equality_is_elementwise_and_variables_stay_hashable():
    x, y = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([1.0, 5.0, 3.0])
    np.testing.assert_array_equal(x == y, [True, False, True])
    np.testing.assert_array_equal(x != y, [False, True, False])
    np.testing.assert_array_equal(x == 2.0, [False, True, False])
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(x == y, (torch.tensor(x.data) == torch.tensor(y.data)).numpy())
    a, b = mg.tensor([1.0]), mg.tensor([1.0])   # equal values, distinct Variables
    assert len({a, b}) == 2 and {a: 1, b: 2}[a] == 1 and hash(a) != hash(b)


def test_backward_over_many_equal_valued_variables():
    leaves = [mg.Variable(np.array([1.0])) for _ in range(20)]   # all == each other
    total = leaves[0]
    for i, v in enumerate(leaves[1:], 1):
        total = total + v * i
    total.backward()
    assert [float(v.grad) for v in leaves] == [1.0] + list(range(1, 20))
