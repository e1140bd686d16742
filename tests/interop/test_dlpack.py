"""DLPack: mg.from_dlpack and Variable.__dlpack__ share memory with NumPy
and PyTorch, zero-copy (a write through one view is read through the
other); a Variable that requires grad is not exported, as in PyTorch."""
import numpy as np
import pytest

import minigrad as mg


def test_numpy_array_to_variable_shares_memory():
    a = np.arange(6.0).reshape(2, 3)
    x = mg.from_dlpack(a)
    assert isinstance(x, mg.Variable) and x.shape == (2, 3) and x.dtype == np.float64
    assert not x.requires_grad and x.creator is None
    a[0, 1] = 40.0
    assert x.data[0, 1] == 40.0
    x.data[1, 2] = -5.0
    assert a[1, 2] == -5.0


def test_variable_to_numpy_shares_memory():
    x = mg.Variable(np.arange(4, dtype=np.float32), requires_grad=False)
    a = np.from_dlpack(x)
    assert a.dtype == np.float32 and np.shares_memory(a, x.data)
    a[2] = 7.0
    assert x.data[2] == 7.0
    assert x.__dlpack_device__() == (1, 0)


def test_strided_views_keep_their_strides():
    a = np.arange(12.0).reshape(3, 4)[:, ::2].T
    x = mg.from_dlpack(a)
    np.testing.assert_array_equal(x.data, a)
    assert np.shares_memory(x.data, a)


def test_a_variable_round_trips_through_from_dlpack():
    x = mg.Variable(np.ones(3), requires_grad=True)
    y = mg.from_dlpack(x.detach())
    y.data[0] = 3.0
    assert x.data[0] == 3.0 and not y.requires_grad


def test_a_variable_that_requires_grad_is_not_exported_as_pytorch():
    # The view would leave the graph: its gradient would be lost without a sign.
    x = mg.Variable(np.ones((3, 2)), requires_grad=True)
    for importer in (np.from_dlpack, mg.from_dlpack):
        with pytest.raises(BufferError, match=r"__dlpack__: can't export a Variable of shape \(3, 2\) that "
                                              r"requires grad.*x\.detach\(\)"):
            importer(x)
    torch = pytest.importorskip("torch")
    with pytest.raises(BufferError, match="requires grad"):
        torch.from_dlpack(x)
    with pytest.raises(BufferError, match="require gradient"):  # the twin
        np.from_dlpack(torch.ones(2, requires_grad=True))


def test_shared_variable_takes_part_in_a_graph():
    a = np.array([1.0, 2.0, 3.0])
    x = mg.from_dlpack(a)
    x.requires_grad = True
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 2 * a)


def test_objects_without_dlpack_are_a_clear_error():
    with pytest.raises(TypeError, match=r"from_dlpack: expected an object with a __dlpack__ method.*got list"):
        mg.from_dlpack([1.0, 2.0])


def test_memory_off_the_cpu_is_a_clear_error():
    class OnTheGPU:
        def __dlpack__(self, **kwargs):
            raise AssertionError("must not be asked for its memory")

        def __dlpack_device__(self):
            return (2, 1)

    with pytest.raises(BufferError, match=r"from_dlpack: the OnTheGPU lives on cuda:1.*CPU.*\.cpu\(\)"):
        mg.from_dlpack(OnTheGPU())


# -- PyTorch ------------------------------------------------------------------------------

def test_torch_tensor_to_variable_is_zero_copy():
    torch = pytest.importorskip("torch")
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    x = mg.from_dlpack(t)
    assert x.shape == (2, 3) and x.dtype == np.float32
    t[1, 1] = 100.0
    assert x.data[1, 1] == 100.0
    x.data[0, 0] = -1.0
    assert t[0, 0].item() == -1.0


def test_variable_to_torch_tensor_is_zero_copy():
    torch = pytest.importorskip("torch")
    x = mg.Variable(np.arange(6, dtype=np.float64).reshape(3, 2), requires_grad=False)
    t = torch.from_dlpack(x)
    assert t.dtype == torch.float64 and tuple(t.shape) == (3, 2)
    t[2, 1] = 42.0
    assert x.data[2, 1] == 42.0
    x.data[0, 1] = -3.0
    assert t[0, 1].item() == -3.0


def test_torch_transposed_and_integer_tensors():
    torch = pytest.importorskip("torch")
    t = torch.arange(12, dtype=torch.int64).reshape(3, 4).T
    x = mg.from_dlpack(t)
    np.testing.assert_array_equal(x.data, t.numpy())
    assert x.dtype == np.int64
    t[0, 2] = 99
    assert x.data[0, 2] == 99


def test_torch_tensors_numpy_cannot_hold_or_that_require_grad_are_clear_errors():
    torch = pytest.importorskip("torch")
    with pytest.raises(BufferError, match=r"from_dlpack: .*require.*detach\(\)"):
        mg.from_dlpack(torch.ones(2, requires_grad=True))
    with pytest.raises(Exception, match=r"from_dlpack: .*dtype.*bfloat16"):
        mg.from_dlpack(torch.ones(2, dtype=torch.bfloat16))
