"""Anomaly mode: `mg.detect_anomaly()` raises at the first op whose output
(forward) or gradient (backward) holds NaN or inf, naming the op, its
inputs' shapes and the user's line that created it."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad.core import anomaly
from tests.core.test_threads import another_thread_inside

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's own NaN warnings


def line_of(marker):
    """The line number in this file of the line ending with `# <marker>`."""
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if line.rstrip().endswith(f"# {marker}"))


def test_forward_names_the_first_op_making_nan_and_the_users_line():
    x = mg.Variable(np.array([[1.0, -1.0, 4.0]]))
    with mg.detect_anomaly():
        y = x * 2
        with pytest.raises(mg.AnomalyError) as info:
            z = F.log(y)  # forward-site
            F.sum(z)
    message = str(info.value)
    assert message.startswith("log: forward produced NaN in output 0 of shape (1, 3)")
    assert "(input shapes: (1, 3)); all its inputs were finite" in message
    assert f"test_anomaly.py:{line_of('forward-site')}" in message and "z = F.log(y)" in message


def test_forward_says_when_the_bad_value_came_in_from_an_input():
    with mg.detect_anomaly(), pytest.raises(mg.AnomalyError, match=r"add: .*; its input 1 already held NaN"):
        mg.Variable(np.array([2.0, 1.0])) + mg.Variable(np.array([np.nan, 1.0]))


def test_inf_is_caught_too():
    with mg.detect_anomaly(), pytest.raises(mg.AnomalyError, match=r"exp: forward produced inf"):
        F.exp(mg.Variable(np.array([1000.0])))


def test_backward_names_the_op_whose_gradient_is_not_finite():
    x = mg.Variable(np.array([0.0, 4.0]))
    with mg.detect_anomaly():
        y = F.sqrt(x)  # backward-site
        loss = F.sum(y * 3)
        with pytest.raises(mg.AnomalyError) as info:
            loss.backward()
    message = str(info.value)
    assert message.startswith("sqrt: backward produced inf in the gradient of input 0 (input shapes: (2,))")
    assert f"test_anomaly.py:{line_of('backward-site')}" in message and "y = F.sqrt(x)" in message
    assert x.grad is None


def test_backward_of_a_graph_made_before_the_block_says_its_line_is_unknown():
    x = mg.Variable(np.array([0.0, 1.0]))
    loss = F.sum(F.sqrt(x))
    with mg.detect_anomaly(), pytest.raises(mg.AnomalyError, match="sqrt: backward produced inf") as info:
        loss.backward()
    assert "created outside detect_anomaly(), so its line was not recorded" in str(info.value)


def test_backward_checks_with_create_graph_and_in_a_custom_function():
    class BadSquare(mg.Function):
        def forward(self, x):
            return x ** 2

        def backward(self, gy):
            return gy * np.nan

    x = mg.Variable(np.array([1.0, 2.0]))
    with mg.detect_anomaly():
        y = BadSquare()(x)  # custom-site
        with pytest.raises(mg.AnomalyError, match="bad_square: backward produced NaN") as info:
            F.sum(y).backward(create_graph=True)
    assert f":{line_of('custom-site')}" in str(info.value)


def test_error_is_both_floating_point_error_and_runtime_error():
    assert issubclass(mg.AnomalyError, FloatingPointError) and issubclass(mg.AnomalyError, RuntimeError)


def test_off_by_default_and_outside_the_block():
    assert not mg.is_anomaly_enabled() and anomaly.active == 0
    y = F.log(mg.Variable(np.array([-1.0])))   # NaN, but nobody asked
    assert np.isnan(y.data).all()
    with mg.detect_anomaly():
        with mg.detect_anomaly():
            assert mg.is_anomaly_enabled()
        assert mg.is_anomaly_enabled()   # nested blocks: still on until the outer one ends
    assert not mg.is_anomaly_enabled() and anomaly.active == 0


def test_finite_training_step_is_unchanged_under_anomaly_mode():
    def step():
        mg.manual_seed(0)
        model = mg.nn.MLP([3, 4, 1])
        loss = F.mean_squared_error(model(np.ones((5, 3), np.float32)), np.zeros((5, 1), np.float32))
        loss.backward()
        return [p.grad.data for p in model.parameters()]

    plain = step()
    with mg.detect_anomaly():
        checked = step()
    for a, b in zip(plain, checked):
        np.testing.assert_array_equal(a, b)


def test_anomaly_mode_is_per_thread():
    with another_thread_inside(mg.detect_anomaly):
        assert not mg.is_anomaly_enabled()
        y = F.log(mg.Variable(np.array([-1.0])))   # this thread did not ask: no error
    assert np.isnan(y.data).all()
