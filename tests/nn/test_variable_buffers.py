"""A buffer may be a Variable (as PyTorch's buffers are tensors):
register_buffer, state_dict, load_state_dict and to() handle it, beside
PyTorch's."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

torch = pytest.importorskip("torch")


def masked(lib, n):
    """nanoGPT's causal mask as a buffer: a minigrad or a PyTorch module."""
    base = nn.Module if lib is mg else torch.nn.Module

    class Masked(base):
        def __init__(self):
            super().__init__()
            self.register_buffer("mask", lib.tensor(np.tril(np.ones((n, n), dtype=np.float32))))

        def forward(self, x):
            return x * self.mask[:x.shape[0], :x.shape[0]]

    return Masked()


def test_a_variable_buffer_is_state_and_is_used_in_forward():
    ours, theirs = masked(mg, 3), masked(torch, 3)
    assert isinstance(ours.mask, mg.Variable)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["mask"]
    state = ours.state_dict()["mask"]
    assert isinstance(state, mg.Variable) and state.data is not ours.mask.data   # a copy
    np.testing.assert_array_equal(state, theirs.state_dict()["mask"].numpy())
    x = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(ours(mg.Variable(x)).data, theirs(torch.tensor(x)).numpy())
    assert [name for name, _ in ours.named_buffers()] == [name for name, _ in theirs.named_buffers()]


def test_load_state_dict_writes_into_the_variable_buffer():
    ours, theirs = masked(mg, 2), masked(torch, 2)
    mask = ours.mask
    new = {"mask": np.array([[1.0, 2.0], [3.0, 4.0]])}
    ours.load_state_dict(new)
    theirs.load_state_dict({"mask": torch.tensor(new["mask"])})
    assert ours.mask is mask
    np.testing.assert_array_equal(ours.mask.data, theirs.mask.numpy())


def test_to_casts_a_float_variable_buffer_in_place():
    ours, theirs = masked(mg, 2), masked(torch, 2)
    mask = ours.mask
    ours.to(np.float64)
    theirs.to(torch.float64)
    assert ours.mask is mask and ours.mask.dtype == np.float64 and theirs.mask.dtype == torch.float64
    ours.register_buffer("steps", mg.Variable(np.array(3), requires_grad=False))
    ours.to(np.float32)
    assert ours.steps.dtype == np.int64    # integer buffers keep their dtype, as PyTorch's


def test_batch_norm_running_statistics_may_be_variables():
    bn = nn.BatchNorm1d(3)
    bn.running_mean = mg.Variable(np.zeros(3, dtype=np.float32), requires_grad=False)
    mean = bn.running_mean
    bn(mg.Variable(np.arange(12, dtype=np.float32).reshape(4, 3)))
    assert bn.running_mean is mean
    np.testing.assert_allclose(mean.data, 0.1 * np.arange(12).reshape(4, 3).mean(0), rtol=1e-6)
