"""minigrad.data: datasets, DataLoader, random_split, transforms, and the
dataset functions (spiral, sine, digits, mnist from IDX files)."""
import ast
import gzip
import pathlib
from functools import partial

import numpy as np
import pytest

import minigrad as mg
import minigrad.data
from minigrad.data import DataLoader, Dataset, Subset, TensorDataset, datasets, random_split, transforms


def test_data_imports_only_numpy_the_generator_and_variable():
    allowed = {"numpy", "gzip", "os", "math", "numbers", "sklearn",  # sklearn: inside digits() only
               "collections", "concurrent", "contextlib", "itertools"}  # the standard library behind num_workers
    for path in pathlib.Path(minigrad.data.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert {a.name.split(".")[0] for a in node.names} <= allowed, path
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    assert node.module.split(".")[0] in allowed, path
                elif node.level == 2:  # from the package above: the generator, the backend, Variable
                    assert node.module in ("device", "device.random", "core"), (path, node.module)


# -- TensorDataset and DataLoader ----------------------------------------------

def _arrays(n=10):
    return np.arange(n * 3, dtype=np.float32).reshape(n, 3), np.arange(n, dtype=np.int64)


def test_tensor_dataset_indexing():
    x, t = _arrays()
    dataset = TensorDataset(x, t)
    assert len(dataset) == 10
    xi, ti = dataset[3]
    np.testing.assert_array_equal(xi, x[3])
    assert ti == 3
    xb, tb = dataset[-2:]
    np.testing.assert_array_equal(tb, [8, 9])
    with pytest.raises(IndexError, match="index 10 is out of range for 10 samples"):
        dataset[10]
    assert all(isinstance(v, mg.Variable) and not v.requires_grad for v in (xi, ti, xb, tb))
    with pytest.raises(ValueError, match="array 0 has 10 samples .* but array 1 has 9"):
        TensorDataset(x, t[:9])


def test_loader_batches_in_order_and_the_last_one_is_smaller():
    x, t = _arrays(10)
    loader = DataLoader(TensorDataset(x, t), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [len(tb) for _, tb in batches] == [4, 4, 2]
    for xb, tb in batches:
        assert isinstance(xb, mg.Variable) and xb.dtype == np.float32 and xb.shape[1] == 3
        assert not xb.requires_grad and not tb.requires_grad
        np.testing.assert_array_equal(xb.data, x[tb.data])
    np.testing.assert_array_equal(np.concatenate([tb for _, tb in batches]), t)


def test_drop_last():
    loader = DataLoader(_arrays(10), batch_size=4, drop_last=True)  # a tuple (x, t) works too
    assert len(loader) == 2
    assert [len(tb) for _, tb in loader] == [4, 4]


def test_shuffle_is_a_permutation_new_each_epoch_and_repeatable_with_manual_seed():
    x, t = _arrays(50)
    loader = DataLoader(TensorDataset(x, t), batch_size=8, shuffle=True)
    mg.manual_seed(0)
    first = np.concatenate([tb for _, tb in loader])
    second = np.concatenate([tb for _, tb in loader])
    assert sorted(first) == list(range(50))
    assert not np.array_equal(first, t) and not np.array_equal(first, second)
    mg.manual_seed(0)
    np.testing.assert_array_equal(np.concatenate([tb for _, tb in loader]), first)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_bad_batch_size_is_a_clear_error(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(_arrays(), batch_size=batch_size)


class Squares(Dataset):
    """A dataset written the plain way: one sample per __getitem__."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float64), i % 2


def test_loader_stacks_samples_of_a_plain_dataset():
    (xb, tb), (xc, tc) = list(DataLoader(Squares(), batch_size=3))
    np.testing.assert_array_equal(xb, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(tc, [1, 0])


def test_transform_runs_on_each_batch():
    x, t = _arrays(6)
    dataset = TensorDataset(x, t, transform=lambda xb: xb * 2, target_transform=partial(transforms.one_hot, n_classes=6))
    xb, tb = next(iter(DataLoader(dataset, batch_size=6)))
    np.testing.assert_array_equal(xb, 2 * x)
    np.testing.assert_array_equal(tb, np.eye(6))


# -- random_split -----------------------------------------------------------

def test_random_split_by_fractions_partitions_the_dataset():
    x, t = _arrays(10)
    mg.manual_seed(1)
    train, test = random_split(TensorDataset(x, t), (0.75, 0.25))
    assert (len(train), len(test)) == (8, 2)  # 7.5 + 2.5: the leftover sample goes to the first
    assert isinstance(train, Subset)
    labels = np.concatenate([next(iter(DataLoader(s, batch_size=10)))[1] for s in (train, test)])
    assert sorted(labels) == list(range(10)) and not np.array_equal(labels, np.arange(10))
    mg.manual_seed(1)
    again, _ = random_split(TensorDataset(x, t), (0.75, 0.25))
    np.testing.assert_array_equal(again.indices, train.indices)


def test_random_split_by_lengths_and_bad_splits():
    dataset = TensorDataset(*_arrays(10))
    assert [len(s) for s in random_split(dataset, [3, 3, 4])] == [3, 3, 4]
    with pytest.raises(ValueError, match="sum to 9 but the dataset has 10"):
        random_split(dataset, [3, 6])
    with pytest.raises(ValueError, match="sum to 0.9"):
        random_split(dataset, [0.5, 0.4])


def test_subset_of_a_subset():
    x, t = _arrays(10)
    inner = Subset(TensorDataset(x, t), [9, 7, 5, 3, 1])
    outer = Subset(inner, [4, 0])
    np.testing.assert_array_equal(outer.get_batch([0, 1])[1], [1, 9])
    assert outer[1][1] == 9


# -- transforms --------------------------------------------------------------

def test_one_hot_and_a_label_out_of_range():
    np.testing.assert_array_equal(transforms.one_hot([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert transforms.one_hot(np.array([[1]]), 4).shape == (1, 1, 4)
    with pytest.raises(ValueError, match=r"label 10 is out of range for 10 classes; expected labels in \[0, 9\]"):
        transforms.one_hot([3, 10], n_classes=10)
    with pytest.raises(ValueError, match="label -1 is out of range"):
        transforms.one_hot([-1, 2], n_classes=3)
    with pytest.raises(TypeError, match="labels must be integers"):
        transforms.one_hot([0.5])


def test_standardize_with_own_and_given_statistics():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(200, 4)).astype(np.float32)
    x[:, 3] = 7.0  # a constant feature: only centred, no division by zero
    z = transforms.standardize(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=0), [1, 1, 1, 0], atol=1e-5)
    mean, std = x[:100].mean(axis=0), x[:100].std(axis=0)
    np.testing.assert_allclose(transforms.standardize(x[100:], mean, std)[:, 0], (x[100:, 0] - mean[0]) / std[0],
                               rtol=1e-6)


def test_normalize_maps_to_unit_interval():
    images = np.array([[0, 51, 255]], dtype=np.uint8)
    np.testing.assert_allclose(transforms.normalize(images, 0, 255), [[0, 0.2, 1]])
    np.testing.assert_allclose(transforms.normalize(np.array([2.0, 4.0, 3.0])), [0, 1, 0.5])
    assert transforms.normalize(images).dtype == np.float32
    np.testing.assert_array_equal(transforms.normalize(np.full(3, 5.0)), 0)


def test_compose_applies_in_order():
    pipeline = transforms.Compose([lambda x: x + 1, lambda x: x * 10])
    assert pipeline(np.array(1)) == 20
    with pytest.raises(TypeError, match="must be callable"):
        transforms.Compose([3])


def test_random_flip_flips_whole_samples_with_probability_p():
    mg.manual_seed(0)
    x = np.arange(400 * 2 * 3, dtype=np.float32).reshape(400, 2, 3)
    y = transforms.random_flip(x, p=0.5, axis=-1)
    flipped = np.all(y == x[:, :, ::-1], axis=(1, 2))
    kept = np.all(y == x, axis=(1, 2))
    assert np.all(flipped | kept) and 150 < flipped.sum() < 250
    np.testing.assert_array_equal(transforms.random_flip(x, p=1.0, axis=-2), x[:, ::-1, :])
    np.testing.assert_array_equal(transforms.random_flip(x, p=0.0), x)
    with pytest.raises(ValueError, match="axis 0 indexes the samples"):
        transforms.random_flip(x, axis=0)


def test_random_shift_moves_each_image_and_fills_the_edge():
    mg.manual_seed(0)
    x = np.zeros((300, 1, 7, 7), dtype=np.float32)
    x[:, 0, 3, 3] = 1.0  # one bright pixel in the middle
    y = transforms.random_shift(x, max_shift=2, fill=0.0)
    assert y.shape == x.shape and y.dtype == np.float32
    assert np.all(y.sum(axis=(1, 2, 3)) == 1)  # moved, not lost (|shift| <= 2 keeps it inside)
    rows, cols = np.nonzero(y[:, 0])[1:]
    assert set(rows) == set(cols) == {1, 2, 3, 4, 5}  # every shift from -2 to 2 occurs
    shifted = transforms.random_shift(np.ones((50, 5, 5)), max_shift=1, fill=-1.0)
    assert shifted.min() == -1.0 and np.all(shifted[:, 1:-1, 1:-1] == 1.0)


def test_gaussian_noise_has_the_requested_spread_and_dtype():
    mg.manual_seed(0)
    x = np.zeros((100, 100), dtype=np.float32)
    y = transforms.gaussian_noise(x, std=0.5)
    assert y.dtype == np.float32
    assert abs(y.std() - 0.5) < 0.02 and abs(y.mean()) < 0.02


def test_augmentation_is_repeatable_with_manual_seed():
    augment = transforms.Compose([transforms.random_flip, partial(transforms.random_shift, max_shift=1),
                                  partial(transforms.gaussian_noise, std=0.1)])
    x = np.random.default_rng(0).random((8, 1, 6, 6))
    mg.manual_seed(5)
    a = augment(x)
    mg.manual_seed(5)
    np.testing.assert_array_equal(augment(x), a)


# -- dataset functions ------------------------------------------------------

def test_spiral():
    x, t = datasets.spiral(n_per_class=50, n_classes=4)
    assert x.shape == (200, 2) and x.dtype == np.float32 and t.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(t), [50] * 4)
    assert np.linalg.norm(x, axis=1).max() <= 1.0 + 1e-6
    np.testing.assert_array_equal(datasets.spiral(n_per_class=50, n_classes=4)[0], x)  # seed=0 by default
    assert not np.array_equal(datasets.spiral(n_per_class=50, n_classes=4, seed=1)[0], x)


def test_sine():
    x, t = datasets.sine(n=500)
    assert x.shape == t.shape == (500, 1) and x.dtype == t.dtype == np.float32
    assert 0 <= x.min() and x.max() < 2 * np.pi
    residual = t - np.sin(x)
    assert 0.08 < residual.std() < 0.12
    mg.manual_seed(3)
    a = datasets.sine(n=5, seed=None)
    mg.manual_seed(3)
    np.testing.assert_array_equal(datasets.sine(n=5, seed=None)[0], a[0])


def test_digits():
    pytest.importorskip("sklearn")
    x, t = datasets.digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    assert t.shape == (1797,) and t.dtype == np.int64
    np.testing.assert_array_equal(np.unique(t), np.arange(10))


def test_digits_without_scikit_learn(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    with pytest.raises(ImportError, match="digits: needs scikit-learn"):
        datasets.digits()


# -- mnist from IDX files written here ------------------------------------------

def _idx_bytes(array):
    """An IDX file's bytes for an unsigned-byte array."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def _write_mnist(root, prefix, images, labels, gz):
    for kind, array in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
        path = root / f"{prefix}-{kind}"
        if gz:
            with gzip.open(str(path) + ".gz", "wb") as f:
                f.write(_idx_bytes(array))
        else:
            path.write_bytes(_idx_bytes(array))


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzipped"])
@pytest.mark.parametrize("train, prefix", [(True, "train"), (False, "t10k")])
def test_mnist_reads_idx_files(tmp_path, gz, train, prefix):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=6, dtype=np.uint8)
    _write_mnist(tmp_path, prefix, images, labels, gz)
    x, t = datasets.mnist(str(tmp_path), train=train)
    assert x.shape == (6, 1, 28, 28) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 0] * 255, images, atol=1e-4)
    assert t.dtype == np.int64
    np.testing.assert_array_equal(t, labels)


def test_mnist_names_the_missing_file(tmp_path):
    rng = np.random.default_rng(0)
    _write_mnist(tmp_path, "train", rng.integers(0, 256, (2, 4, 4)), np.array([1, 2]), gz=True)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"train-labels-idx1-ubyte \(or train-labels-idx1-ubyte.gz\) not found"):
        datasets.mnist(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        datasets.mnist(str(tmp_path), train=False)


def test_mnist_rejects_bad_files(tmp_path):
    _write_mnist(tmp_path, "train", np.zeros((3, 4, 4)), np.zeros(2), gz=False)
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        datasets.mnist(str(tmp_path))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx_bytes(np.zeros(3))[:-1])
    with pytest.raises(ValueError, match="holds 2 bytes of data but its header promises 3"):
        datasets.mnist(str(tmp_path))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"hello world")
    with pytest.raises(ValueError, match="is not an IDX file"):
        datasets.mnist(str(tmp_path))


def test_read_idx_other_types(tmp_path):
    values = np.array([[1.5, -2.0], [3.25, 0.0]])
    path = tmp_path / "floats.idx"
    path.write_bytes(bytes([0, 0, 0x0E, 2]) + np.array([2, 2], ">u4").tobytes() + values.astype(">f8").tobytes())
    out = datasets.read_idx(str(path))
    np.testing.assert_array_equal(out, values)
    assert out.dtype == np.float64 and out.dtype.isnative
