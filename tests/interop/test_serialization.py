"""mg.save / mg.load: state_dicts to and from .npz, atomically, without pickle."""
import os

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

save, load = mg.save, mg.load  # the public names under test


def _state():
    rng = np.random.default_rng(0)
    return {
        "0.weight": rng.standard_normal((4, 3)).astype(np.float32),
        "0.bias": np.zeros(4, dtype=np.float64),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "embedding.weight": rng.standard_normal((5, 2)),
    }


def test_round_trip_keeps_names_values_shapes_and_dtypes(tmp_path):
    state = _state()
    path = tmp_path / "model.npz"
    save(state, path)
    loaded = load(path)
    assert list(loaded) == list(state)
    for name, array in state.items():
        assert loaded[name].dtype == array.dtype
        assert loaded[name].shape == array.shape
        np.testing.assert_array_equal(loaded[name], array)


def test_file_is_a_plain_npz_readable_by_numpy_and_the_reverse(tmp_path):
    state = _state()
    save(state, tmp_path / "a.npz")
    with np.load(tmp_path / "a.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(state)
        np.testing.assert_array_equal(archive["0.weight"], state["0.weight"])
    np.savez(tmp_path / "b.npz", **{"w": np.arange(3.0)})
    np.testing.assert_array_equal(load(tmp_path / "b.npz")["w"], np.arange(3.0))


def test_path_is_used_exactly_without_adding_a_suffix(tmp_path):
    save({"w": np.ones(2)}, tmp_path / "weights.bin")
    assert os.listdir(tmp_path) == ["weights.bin"]
    np.testing.assert_array_equal(load(str(tmp_path / "weights.bin"))["w"], np.ones(2))


def test_parameters_and_numbers_are_saved_as_arrays(tmp_path):
    save({"p": nn.Parameter(np.arange(3.0)), "n": 2.5}, tmp_path / "x.npz")
    loaded = load(tmp_path / "x.npz")
    np.testing.assert_array_equal(loaded["p"], np.arange(3.0))
    assert loaded["n"].shape == () and loaded["n"] == 2.5


def test_module_state_dict_round_trips_through_a_file(tmp_path):
    model = nn.Sequential(nn.Embedding(6, 3), nn.LayerNorm(3))
    model[1].weight.data[...] = np.arange(3)
    save(model.state_dict(), tmp_path / "m.npz")
    fresh = nn.Sequential(nn.Embedding(6, 3), nn.LayerNorm(3))
    fresh.load_state_dict(load(tmp_path / "m.npz"))
    for (name, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_a_failed_save_leaves_the_old_file_intact_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": np.arange(4.0)}, path)
    before = path.read_bytes()

    calls = []

    def failing_write_array(f, array, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write_array(f, array, **kwargs)

    real_write_array = np.lib.format.write_array
    monkeypatch.setattr(np.lib.format, "write_array", failing_write_array)
    with pytest.raises(OSError, match="disk full"):
        save({"a": np.zeros(3), "b": np.ones(3)}, path)
    assert len(calls) == 2
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_unsaveable_input_is_refused_before_touching_the_file(tmp_path):
    path = tmp_path / "m.npz"
    with pytest.raises(TypeError, match="state_dict"):
        save(nn.Linear(2, 2), path)
    with pytest.raises(TypeError, match="'labels'.*dtype"):
        save({"labels": np.array(["a", "b"])}, path)
    with pytest.raises(TypeError, match="keys must be strings"):
        save({0: np.ones(1)}, path)
    assert not path.exists()


def test_save_into_a_missing_directory_names_the_target(tmp_path):
    target = tmp_path / "no" / "such" / "m.npz"
    with pytest.raises(OSError, match="m.npz"):
        save({"w": np.ones(1)}, target)


def test_missing_file_raises_naming_it(tmp_path):
    path = tmp_path / "nothing_here.npz"
    with pytest.raises(FileNotFoundError, match="nothing_here.npz"):
        load(path)


def test_a_directory_is_refused_naming_it_by_load_and_save(tmp_path):
    """Not a bare IsADirectoryError from open(): the error says what is wrong."""
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    for path in (folder, tmp_path / "weights.safetensors"):
        path.mkdir(exist_ok=True)
        with pytest.raises(IsADirectoryError, match=f"load: '{path}' is a directory, not a checkpoint"):
            load(path)
    with pytest.raises(IsADirectoryError, match=f"save: '{folder}' is a directory; expected the path of a file"):
        save({"w": np.ones(1)}, folder)
    assert list(folder.iterdir()) == []   # no temporary file left


def _deep_structure_file(path, depth):
    """A checkpoint in mg.save's format whose structure nests `depth` lists,
    written by hand (mg.save refuses to write one so deep)."""
    text = '{"list": [' * depth + '{"value": 1}' + "]}" * depth
    np.savez(path, __structure__=np.frombuffer(text.encode(), dtype=np.uint8))
    return path


def test_a_structure_nested_too_deep_is_a_value_error_naming_the_file(tmp_path):
    """Not a RecursionError: it names the file, the member and the limit."""
    path = _deep_structure_file(tmp_path / "deep.npz", 50_000)
    with pytest.raises(ValueError, match=r"load: '.*deep.npz': its __structure__ member nests dicts and lists "
                                         r"deeper than Python's recursion limit \(\d+\) lets load read"):
        load(path)
    obj = 1
    for _ in range(50_000):
        obj = [obj]
    with pytest.raises(ValueError, match=r"save: the object for '.*deeper.npz' nests dicts, lists and tuples "
                                         r"deeper than Python's recursion limit"):
        save(obj, tmp_path / "deeper.npz")
    assert not (tmp_path / "deeper.npz").exists()
    looped = []
    looped.append(looped)
    with pytest.raises(ValueError, match="or a container holds itself"):
        save({"a": looped}, tmp_path / "loop.npz")


def test_a_structure_of_moderate_depth_round_trips(tmp_path):
    obj = {"w": np.ones(2)}
    for i in range(100):
        obj = {"level": i, "inner": [obj]}
    save(obj, tmp_path / "nested.npz")
    loaded = load(tmp_path / "nested.npz")
    for i in reversed(range(100)):
        assert loaded["level"] == i
        loaded = loaded["inner"][0]
    np.testing.assert_array_equal(loaded["w"], np.ones(2))


@pytest.mark.parametrize("content", [b"", b"this is not a zip archive", None])
def test_corrupt_file_raises_naming_it(tmp_path, content):
    path = tmp_path / "broken.npz"
    if content is None:  # a real archive cut in half
        save({"w": np.arange(1000.0)}, path)
        content = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(content)
    with pytest.raises(ValueError, match="broken.npz"):
        load(path)


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, w=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="objects.npz"):
        load(path)


def test_a_single_npy_array_is_not_a_state_dict(tmp_path):
    path = tmp_path / "single.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match="single.npy.*not an archive"):
        load(path)


def test_running_statistics_survive_save_and_load(tmp_path):
    rng = np.random.default_rng(0)

    def build():
        return nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(),
                             nn.Linear(12, 4), nn.BatchNorm1d(4))

    model = build()
    for _ in range(3):
        model(rng.standard_normal((5, 2, 4, 4)).astype(np.float32) * 2 + 1)
    assert not np.allclose(model[1].running_mean, 0)
    save(model.state_dict(), tmp_path / "bn.npz")

    fresh = build()
    fresh.load_state_dict(load(tmp_path / "bn.npz"))
    for name in ("1.running_mean", "1.running_var", "5.running_mean", "5.running_var"):
        np.testing.assert_array_equal(fresh.state_dict()[name], model.state_dict()[name])
    assert fresh[1].num_batches_tracked == 3 and fresh[5].num_batches_tracked.dtype == np.int64
    x = rng.standard_normal((2, 2, 4, 4)).astype(np.float32)
    np.testing.assert_array_equal(fresh.eval()(x).data, model.eval()(x).data)
