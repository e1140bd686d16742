"""minigrad.utils.data beside torch.utils.data: the names, batches and
TensorDataset items as Variables (no gradient), the DataLoader's default
batch of 1, the samplers and random_split's generator."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.data
from minigrad.utils import data as mdata
from minigrad.utils.data import (BatchSampler, DataLoader, Dataset, RandomSampler, SequentialSampler, Subset,
                                 TensorDataset, random_split)

torch = pytest.importorskip("torch")
tdata = torch.utils.data

NAMES = "Dataset TensorDataset DataLoader random_split Subset RandomSampler SequentialSampler BatchSampler".split()


def test_the_names_of_torch_utils_data():
    assert all(hasattr(mdata, n) and hasattr(tdata, n) for n in NAMES)
    for name in NAMES:
        if name != "DataLoader":   # the one class of its own (batch_size=1 by default)
            assert getattr(mdata, name) is getattr(minigrad.data, name)
    assert issubclass(DataLoader, minigrad.data.DataLoader)
    assert mg.utils.data is mdata


def _xy(n=10):
    return np.arange(n * 3, dtype=np.float32).reshape(n, 3), np.arange(n, dtype=np.int64)


def test_items_and_batches_are_variables_without_gradient():
    x, y = _xy()
    ours, theirs = TensorDataset(x, y), tdata.TensorDataset(torch.tensor(x), torch.tensor(y))
    for (a, b), (ta, tb) in ((ours[3], theirs[3]), (ours[2:5], theirs[2:5])):
        for v, t in ((a, ta), (b, tb)):
            assert isinstance(v, mg.Variable) and not v.requires_grad and not t.requires_grad
            assert v.shape == tuple(t.shape) and v.dtype == np.dtype(str(t.dtype).split(".")[1])
            np.testing.assert_array_equal(v.data, t.numpy())
    for (xb, yb), (txb, tyb) in zip(DataLoader(ours, batch_size=4), tdata.DataLoader(theirs, batch_size=4)):
        np.testing.assert_array_equal(xb.to("cpu").view(-1).data, txb.to("cpu").view(-1).numpy())
        np.testing.assert_array_equal(yb.data, tyb.numpy())
        assert isinstance(xb, mg.Variable) and not xb.requires_grad


def test_tensor_dataset_takes_any_number_of_arrays():
    x, y = _xy(4)
    for arrays in ((x,), (x, y, y * 2)):
        ours = TensorDataset(*arrays)
        theirs = tdata.TensorDataset(*[torch.tensor(a) for a in arrays])
        assert len(ours[1]) == len(theirs[1]) == len(arrays)
        assert all(np.array_equal(v.data, t.numpy()) for v, t in zip(ours[1], theirs[1]))
        assert len(ours.tensors) == len(theirs.tensors)


def test_a_variable_that_requires_grad_is_refused_rather_than_silently_detached():
    x, y = _xy(4)
    TensorDataset(mg.tensor(x), y)    # no gradient: fine
    with pytest.raises(TypeError, match="TensorDataset: array 0 is a Variable that requires grad"):
        TensorDataset(mg.Variable(x), y)


def test_default_batch_size_is_torchs():
    x, y = _xy(3)
    ours = list(DataLoader(TensorDataset(x, y)))
    theirs = list(tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y))))
    assert len(ours) == len(theirs) == 3
    assert [b[0].shape for b in ours] == [tuple(b[0].shape) for b in theirs] == [(1, 3)] * 3
    assert minigrad.data.DataLoader(TensorDataset(x, y)).batch_size == 32   # minigrad.data's own default


def test_a_collate_fn_returning_arrays_gives_variables():
    x, y = _xy(4)

    def collate(samples):   # samples are tuples of Variables; return plain arrays and a string
        return np.stack([s[0].data for s in samples]), {"labels": np.array([int(s[1]) for s in samples])}, "tag"

    xb, extra, tag = next(iter(DataLoader(TensorDataset(x, y), batch_size=2, collate_fn=collate)))
    assert isinstance(xb, mg.Variable) and isinstance(extra["labels"], mg.Variable) and tag == "tag"


class Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i % 2


def test_a_dataset_of_numpy_samples_batches_as_torchs_default_collate():
    class TorchSquares(tdata.Dataset):
        __len__, __getitem__ = Squares.__len__, Squares.__getitem__
    for (xb, yb), (txb, tyb) in zip(DataLoader(Squares(), batch_size=3), tdata.DataLoader(TorchSquares(), 3)):
        np.testing.assert_array_equal(xb.data, txb.numpy())
        np.testing.assert_array_equal(yb.data, tyb.numpy())
        assert isinstance(yb, mg.Variable) and yb.shape == tuple(tyb.shape)


def test_sequential_sampler_and_batch_sampler_as_torchs():
    data = list(range(7))
    assert list(SequentialSampler(data)) == list(tdata.SequentialSampler(data))
    for drop_last in (False, True):
        ours = BatchSampler(SequentialSampler(data), 3, drop_last)
        theirs = tdata.BatchSampler(tdata.SequentialSampler(data), 3, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_random_sampler_as_torchs():
    data = list(range(5))
    mg.manual_seed(0)
    for kwargs in ({}, {"num_samples": 12}, {"replacement": True, "num_samples": 8}):
        ours, theirs = list(RandomSampler(data, **kwargs)), list(tdata.RandomSampler(data, **kwargs))
        assert len(ours) == len(theirs) == len(RandomSampler(data, **kwargs))
        assert all(0 <= i < 5 for i in ours)
        if not kwargs.get("replacement"):    # whole permutations, then a cut one
            assert sorted(ours[:5]) == sorted(theirs[:5]) == data
    a = list(RandomSampler(data, generator=np.random.default_rng(3)))
    assert a == list(RandomSampler(data, generator=np.random.default_rng(3)))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(data, num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        tdata.RandomSampler(data, num_samples=0)


def test_batch_sampler_drives_the_loader():
    x, y = _xy(7)
    sampler = BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)
    ours = DataLoader(TensorDataset(x, y), batch_sampler=sampler)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                              batch_sampler=tdata.BatchSampler(tdata.SequentialSampler(range(7)), 3, False))
    assert len(ours) == len(theirs) == 3
    assert [b[1].data.tolist() for b in ours] == [b[1].tolist() for b in theirs]
    message = "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
    for kwargs in ({"batch_size": 2}, {"shuffle": True}, {"drop_last": True}):
        with pytest.raises(ValueError, match=message):
            DataLoader(TensorDataset(x, y), batch_sampler=sampler, **kwargs)
        with pytest.raises(ValueError, match=message):
            tdata.DataLoader(tdata.TensorDataset(torch.tensor(x)), batch_sampler=sampler, **kwargs)


def test_a_random_sampler_in_the_loader():
    x, y = _xy(6)
    mg.manual_seed(1)
    labels = np.concatenate([b[1].data for b in DataLoader(TensorDataset(x, y), batch_size=4,
                                                           sampler=RandomSampler(range(6)))])
    assert sorted(labels) == list(range(6))


def test_random_split_takes_a_generator():
    x, y = _xy(10)
    a = random_split(TensorDataset(x, y), [7, 3], generator=np.random.default_rng(5))
    b = random_split(TensorDataset(x, y), [7, 3], generator=np.random.default_rng(5))
    t = tdata.random_split(tdata.TensorDataset(torch.tensor(x)), [7, 3], generator=torch.Generator().manual_seed(5))
    assert [len(s) for s in a] == [len(s) for s in t] == [7, 3]
    assert isinstance(a[0], Subset) and list(a[0].indices) == list(b[0].indices)
    with pytest.raises(TypeError, match="random_split: generator must be a numpy.random.Generator"):
        random_split(TensorDataset(x, y), [7, 3], generator=5)
