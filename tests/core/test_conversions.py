"""Converting a Variable as PyTorch and NumPy users do (float, int, bool,
format, item, tolist, numpy, np.asarray, a matplotlib plot), and operands
that are not numbers: the error names the op and the type."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from tests.arrays import randn


# -- conversions ------------------------------------------------------------------------------

def test_conversions_of_one_element_variables():
    x = mg.tensor([[2.5]])
    assert float(x) == 2.5 and int(x) == 2 and bool(x) is True and x.item() == 2.5
    assert format(x, ".3f") == "2.500" and f"{x:.1f}" == "2.5" and f"{x}" == repr(x)
    assert not bool(mg.tensor(0.0))
    assert x.tolist() == [[2.5]] and x.numpy() is x.data
    assert np.asarray(x) is x.data and np.asarray(x, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("convert", [float, int, bool, lambda x: format(x, ".2f"), lambda x: x.item()],
                         ids=["float", "int", "bool", "format", "item"])
def test_conversions_of_many_elements_name_the_shape(convert):
    with pytest.raises(ValueError, match=r"only a Variable with one element.*shape \(2, 3\)"):
        convert(mg.zeros(2, 3))


def test_matplotlib_plots_a_variable(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x = mg.linspace(0, 1, 5)
    y = x * x
    fig, ax = plt.subplots()
    (line,) = ax.plot(x, y)
    np.testing.assert_allclose(line.get_ydata(), y.data)
    fig.savefig(tmp_path / "plot.png")
    plt.close(fig)
    assert (tmp_path / "plot.png").stat().st_size > 0


# -- operands that are not numbers: the error names the op and the type ---------------------------

@pytest.mark.parametrize("call,pattern", [
    (lambda v: v + None, r"add: data of dtype object is not numeric: got NoneType None"),
    (lambda v: v + "a", r"add: data of dtype <U1 is not numeric: got str 'a'"),
    (lambda v: F.exp("abc"), r"exp: data of dtype <U3 is not numeric: got str 'abc'"),
    (lambda v: F.relu(None), r"relu: data of dtype object is not numeric: got NoneType"),
    (lambda v: F.sum([[1, 2], [3]]), r"sum: cannot make an array from list \[\[1, 2\], \[3\]\]"),
], ids=["v+None", "v+str", "exp(str)", "relu(None)", "sum(ragged)"])
def test_bad_operands_name_the_op_and_the_type(call, pattern):
    with pytest.raises(TypeError, match=pattern):
        call(mg.Variable(randn(3)))
