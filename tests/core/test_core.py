"""The engine: Variable, Function, backward, higher order, graph lifetime."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigrad as mg
import minigrad.functions as F
from minigrad import Function, Variable


class Square(Function):
    """y = x**2.   dy/dx = 2x"""

    def forward(self, x):
        return x ** 2

    def backward(self, gy):
        (x,) = self.inputs
        return 2 * x * gy


def test_backward_fills_leaf_grads():
    x = Variable(np.array([1.0, 2.0, 3.0]))
    y = (x * x * 3 + 2 / x - x ** 3).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 6 * x.data - 2 / x.data ** 2 - 3 * x.data ** 2)


def test_custom_function_and_repeated_input():
    x = Variable(np.array(3.0))
    y = Square()(x) + Square()(x)
    y.backward()
    assert x.grad.item() == 12.0


def test_gradients_accumulate_until_cleargrad():
    x = Variable(np.array(2.0))
    (x * x).backward()
    (x * x).backward()
    assert x.grad.item() == 8.0
    x.cleargrad()
    assert x.grad is None


def test_non_scalar_backward_seeds_ones():
    x = Variable(np.arange(6.0).reshape(2, 3))
    (x * 2).backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))


def test_intermediate_grads_are_freed_unless_retained():
    x = Variable(np.array(2.0))
    h = x * 3
    y = h * h
    y.backward()
    assert h.grad is None and y.grad is None
    y.backward(retain_grad=True)
    assert h.grad.item() == 12.0


def test_third_derivative_by_create_graph():
    x = Variable(np.array(2.0))
    y = x ** 4
    (g1,) = mg.grad(y, x, create_graph=True)
    (g2,) = mg.grad(g1, x, create_graph=True)
    (g3,) = mg.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)


def test_backward_create_graph_makes_grad_differentiable():
    x = Variable(np.array(0.5))
    F.tanh(x).backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    t = np.tanh(0.5)
    np.testing.assert_allclose(x.grad.item(), -2 * t * (1 - t ** 2))


def test_grad_does_not_touch_dot_grad_and_gives_none_for_unused():
    x, z = Variable(np.array(1.0)), Variable(np.array(5.0))
    y = x * 3
    gx, gz = mg.grad(y, [x, z])
    assert gx.item() == 3.0 and gz is None and x.grad is None


def test_grad_of_intermediate():
    x = Variable(np.array(2.0))
    h = x * x
    y = h * 3
    gh, gx = mg.grad(y, [h, x])
    assert gh.item() == 3.0 and gx.item() == 12.0


def test_jacobian_hessian_hvp():
    x0 = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(mg.jacobian(lambda x: x * x, x0), np.diag(2 * x0))
    f = lambda x: (x ** 3).sum() + (x[0] * x[1])
    expected = np.diag(6 * x0)
    expected[0, 1] = expected[1, 0] = 1.0
    np.testing.assert_allclose(mg.hessian(f, x0), expected)
    v = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(mg.hvp(f, x0, v), expected @ v)


def test_no_grad_records_nothing_and_enable_grad_restores():
    x = Variable(np.ones(3))
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2
        with mg.enable_grad():
            z = x * 2
    assert mg.is_grad_enabled()
    assert y.creator is None and z.creator is not None


def test_deep_chain_of_100000_ops_has_no_recursion():
    x = Variable(np.array(1.0))
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_wide_fan_in_runs_each_backward_once():
    calls = []

    class Counted(Function):
        def forward(self, x):
            return x * 1.0

        def backward(self, gy):
            calls.append(1)
            return gy

    x = Variable(np.ones(4))
    total = Counted()(x)
    for _ in range(9_999):
        total = total + Counted()(x)
    total.sum().backward()
    assert len(calls) == 10_000
    np.testing.assert_array_equal(x.grad.data, np.full(4, 10_000.0))


def test_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = Variable(np.ones(3))
        y = F.tanh(x) * 2
        z = y.sum()
        refs = [weakref.ref(y.creator), weakref.ref(z.creator), weakref.ref(y)]
        z.backward()
        del y, z
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_python_scalars_keep_float32():
    x = Variable(np.ones(3, dtype=np.float32))
    results = [x + 1.5, 1.5 + x, x - 2, 2 - x, x * 0.1, 0.1 * x, x / 3, 3 / x, x ** 2, 2.0 ** x,
               F.maximum(x, 0.5), F.where(x.data > 0, x, 0.0)]
    assert all(r.dtype == np.float32 for r in results)
    (x * 0.1).sum().backward()
    assert x.grad.dtype == np.float32


def test_ndarray_with_variable_gives_variable():
    x = Variable(np.ones(3))
    for y in (np.ones(3) + x, np.ones(3) * x, np.ones(3) - x, np.ones((2, 3)) @ Variable(np.ones(3))):
        assert isinstance(y, Variable)


def test_variable_attributes():
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="x")
    assert (x.shape, x.ndim, x.size, x.dtype, len(x)) == ((2, 3), 2, 6, np.float32, 2)
    assert x.T.shape == (3, 2) and x.transpose(1, 0).shape == (3, 2)
    assert x.reshape(3, 2).shape == (3, 2) and x.reshape((6,)).shape == (6,)
    assert x[1, 2].item() == 5.0 and x[:, [0, 0]].shape == (2, 2)
    assert "name='x'" in repr(x) and "float32" in repr(x)
    assert x.sum(axis=0).shape == (3,) and x.mean().item() == 2.5
    assert x.max().item() == 5.0 and x.min(axis=1, keepdims=True).shape == (2, 1)
    d = (x * 2).detach()
    assert d.creator is None and not d.requires_grad
    assert Variable(3).data.shape == () and Variable([1, 2]).shape == (2,)


def test_non_numeric_data_is_a_type_error():
    with pytest.raises(TypeError, match="not numeric"):
        Variable("abc")
    with pytest.raises(TypeError):
        Variable([[1, 2], [3]])


def test_backward_with_wrong_grad_shape():
    y = Variable(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"backward: grad has shape \(2,\).*\(3,\)"):
        y.backward(np.ones(2))


def _wrong_first_order(x):
    class BadSquare(Function):
        def forward(self, x):
            return x ** 2

        def backward(self, gy):
            (x,) = self.inputs
            return 2.1 * x * gy  # wrong: should be 2x

    return BadSquare()(x)


def _wrong_second_order(x):
    class BadCube(Function):
        """Right first derivative 3x^2, but built from a constant, so its
        own derivative (the second derivative) is lost."""

        def forward(self, x):
            return x ** 3

        def backward(self, gy):
            (x,) = self.inputs
            return gy * Variable(3 * x.data ** 2)

    return BadCube()(x)


def test_gradcheck_catches_a_wrong_first_derivative():
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(mg.GradcheckError, match=r"gradcheck: input 0, element \(\d,\): numerical .* vs analytic"):
        mg.gradcheck(_wrong_first_order, x)
    assert mg.gradcheck(lambda x: Square()(x), x)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = np.array([0.5, -1.0, 2.0])
    assert mg.gradcheck(_wrong_second_order, x)  # first order is right
    with pytest.raises(mg.GradcheckError, match="gradgradcheck: input 0"):
        mg.gradgradcheck(_wrong_second_order, x)
    assert mg.gradgradcheck(lambda x: x ** 3, x)


def test_gradcheck_along_a_direction_for_large_inputs():
    x = np.random.default_rng(0).standard_normal(1000)
    assert mg.gradcheck(F.tanh, x, max_elements=10)
    with pytest.raises(mg.GradcheckError, match="random direction"):
        mg.gradcheck(_wrong_first_order, x, max_elements=10)


def test_numerical_grad():
    (g,) = mg.numerical_grad(lambda x: x ** 2, np.array([1.0, 3.0]))
    np.testing.assert_allclose(g, [2.0, 6.0], atol=1e-6)


def test_split_outputs_partially_used():
    x = Variable(np.arange(4.0))
    a, b = F.split(x, 2, 0)
    (a * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0, 0.0, 0.0])


def test_in_place_accumulation_never_corrupts_shared_gradients():
    # Add's backward hands the same gradient object to both inputs; later
    # contributions to either must not leak into the other.
    x = Variable(np.array([1.0, 2.0]))
    b = x * 2
    s = x + b
    total = (s + x * 3 + b * 5).sum()
    total.backward()
    np.testing.assert_allclose(x.grad.data, [16.0, 16.0])
    first = x.grad
    kept = first.data.copy()
    total.backward()
    np.testing.assert_allclose(x.grad.data, [32.0, 32.0])
    np.testing.assert_array_equal(first.data, kept)  # a grad the user holds is not mutated


@settings(max_examples=30)
@given(st.lists(st.tuples(st.sampled_from(["add", "mul", "tanh", "sub", "sum_to"]),
                          st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=12),
       st.integers(0, 2 ** 16))
def test_random_graphs_with_reuse_match_numerical_gradients(program, seed):
    """Random DAGs over a growing pool of values (each value may be used
    many times) give the same gradients as central differences."""
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-1, 1, (2, 3))
    w0 = rng.uniform(-1, 1, (3,))

    def f(x, w):
        pool = [x, w]
        for op, i, j in program:
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            if op == "add":
                pool.append(a + b)
            elif op == "sub":
                pool.append(a - b * 0.5)
            elif op == "mul":
                pool.append(F.tanh(a) * b)
            elif op == "tanh":
                pool.append(F.tanh(a))
            else:
                pool.append(F.sum_to(a, (3,)) if a.ndim == 2 else a)
        return sum(p.sum() for p in pool[2:])

    assert mg.gradcheck(f, x0, w0)
    x, w = Variable(x0), Variable(w0)
    f(x, w).backward()
    gx, gw = mg.numerical_grad(f, x0, w0)
    for v, expected in ((x, gx), (w, gw)):
        got = np.zeros_like(expected) if v.grad is None else v.grad.data
        np.testing.assert_allclose(got, expected, atol=1e-6)


def test_constants_record_no_graph_and_frozen_leaves_get_no_grad():
    a = np.ones((2, 3))
    y = F.tanh(a) * 2 + 1          # ndarrays only: nothing needs a gradient
    assert y.creator is None and not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    W = Variable(np.ones((4, 3)))
    frozen = Variable(np.ones(4), requires_grad=False)
    F.linear(a, W, frozen).sum().backward()
    assert W.grad.shape == (4, 3) and frozen.grad is None
    with mg.no_grad():
        z = W * 2
    assert not z.requires_grad
