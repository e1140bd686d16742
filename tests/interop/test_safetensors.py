"""mg.save / mg.load of `.safetensors` files, through the safetensors
package's NumPy API, and weights saved by PyTorch's own safetensors API
loaded into the matching minigrad layers."""
import builtins
import json
import os

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _state():
    rng = np.random.default_rng(0)
    return {
        "0.weight": rng.standard_normal((4, 3)).astype(np.float32),
        "0.bias": np.zeros(4, dtype=np.float64),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "mask": np.array([True, False]),
        "half": rng.standard_normal((2, 2)).astype(np.float16),
    }


def test_round_trip_keeps_names_order_values_shapes_and_dtypes(tmp_path):
    state = _state()
    path = tmp_path / "model.safetensors"
    mg.save(state, path)
    loaded = mg.load(path)
    assert list(loaded) == list(state)   # the state_dict's order, not the format's sorted one
    for name, array in state.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape
        np.testing.assert_array_equal(loaded[name], array)


def test_file_is_plain_safetensors_both_ways(tmp_path):
    state = _state()
    mg.save(state, tmp_path / "a.safetensors")
    read = safetensors_numpy.load_file(str(tmp_path / "a.safetensors"))
    assert sorted(read) == sorted(state)
    np.testing.assert_array_equal(read["0.weight"], state["0.weight"])
    safetensors_numpy.save_file({"w": np.arange(3.0), "b": np.ones((2, 2), np.float32)},
                                str(tmp_path / "b.safetensors"))
    loaded = mg.load(str(tmp_path / "b.safetensors"))
    assert sorted(loaded) == ["b", "w"]
    np.testing.assert_array_equal(loaded["w"], np.arange(3.0))


def test_views_parameters_numbers_and_byte_order_are_stored_by_value(tmp_path):
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]       # not C-contiguous
    big_endian = np.arange(3, dtype=">f4")
    mg.save({"view": strided, "p": nn.Parameter(np.arange(3.0)), "n": 2.5, "be": big_endian,
             "t": strided.T}, tmp_path / "x.safetensors")
    loaded = mg.load(tmp_path / "x.safetensors")
    np.testing.assert_array_equal(loaded["view"], strided)
    np.testing.assert_array_equal(loaded["t"], strided.T)
    np.testing.assert_array_equal(loaded["p"], np.arange(3.0))
    assert loaded["n"].shape == () and loaded["n"] == 2.5
    np.testing.assert_array_equal(loaded["be"], np.arange(3, dtype=np.float32))


def test_suffix_is_matched_without_case_and_npz_is_unchanged(tmp_path):
    mg.save({"w": np.ones(2)}, tmp_path / "M.SafeTensors")
    np.testing.assert_array_equal(safetensors_numpy.load_file(str(tmp_path / "M.SafeTensors"))["w"], np.ones(2))
    mg.save({"w": np.ones(2)}, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as archive:
        assert archive.files == ["w"]


def test_module_state_dict_round_trips(tmp_path):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    mg.save(model.state_dict(), tmp_path / "m.safetensors")
    mg.manual_seed(1)
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    other.load_state_dict(mg.load(tmp_path / "m.safetensors"))
    model.eval(), other.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_array_equal(other(x).data, model(x).data)


@pytest.mark.parametrize("obj, expected", [
    ({"model": {"w": np.ones(2)}, "epoch": 3}, "entry 'model' is a dict"),
    ({"w": np.ones(2), "names": ["a", "b"]}, "entry 'names' is a list"),
    ({"w": np.ones(2), "note": "text"}, "entry 'note' is a str"),
    ([np.ones(2)], "got list"),
])
def test_nested_checkpoints_are_refused_clearly_and_write_nothing(tmp_path, obj, expected):
    path = tmp_path / "ckpt.safetensors"
    with pytest.raises(TypeError, match="flat dict of name -> array") as info:
        mg.save(obj, path)
    assert expected in str(info.value) and ".npz" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_dtype_the_format_lacks_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match=r"save: cannot write .*ckpt.safetensors.*complex128"):
        mg.save({"z": np.zeros(2, np.complex128)}, tmp_path / "ckpt.safetensors")
    with pytest.raises(TypeError, match="entry 's'.*dtype <U1"):
        mg.save({"s": np.array(["a"])}, tmp_path / "ckpt.safetensors")


def test_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "m.safetensors"
    mg.save({"w": np.ones(2)}, path)
    with pytest.raises(TypeError):
        mg.save({"w": {"nested": np.zeros(2)}}, path)
    np.testing.assert_array_equal(mg.load(path)["w"], np.ones(2))
    assert os.listdir(tmp_path) == ["m.safetensors"]


def test_damaged_or_foreign_file_is_a_clear_error(tmp_path):
    (tmp_path / "bad.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match=r"load: cannot read .*bad.safetensors.* as a .safetensors file"):
        mg.load(tmp_path / "bad.safetensors")
    mg.save({"w": np.ones(2)}, tmp_path / "real.npz")
    os.rename(tmp_path / "real.npz", tmp_path / "renamed.safetensors")
    with pytest.raises(ValueError, match="as a .safetensors file"):
        mg.load(tmp_path / "renamed.safetensors")
    with pytest.raises(FileNotFoundError, match="no such file"):
        mg.load(tmp_path / "missing.safetensors")


def test_missing_package_is_a_clear_error(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def without_safetensors(name, *args, **kwargs):
        if name.startswith("safetensors"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_safetensors)
    with pytest.raises(ImportError, match=r"save: .safetensors files need the safetensors package.*pip install"):
        mg.save({"w": np.ones(2)}, tmp_path / "m.safetensors")
    (tmp_path / "x.safetensors").write_bytes(b"x")
    with pytest.raises(ImportError, match="load: .safetensors files need the safetensors package"):
        mg.load(tmp_path / "x.safetensors")
    mg.save({"w": np.ones(2)}, tmp_path / "m.npz")   # .npz needs only NumPy


def test_order_metadata_is_json_of_the_names(tmp_path):
    mg.save({"b": np.ones(1), "a": np.zeros(1)}, tmp_path / "m.safetensors")
    with safetensors_numpy.safe_open(str(tmp_path / "m.safetensors"), framework="numpy") as archive:
        assert json.loads(archive.metadata()["minigrad.order"]) == ["b", "a"]


# -- weights written by PyTorch's own safetensors API ------------------------------------

def _torch_models(torch):
    torch.manual_seed(0)
    cnn = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 5))
    cnn[1].running_mean.normal_()
    cnn[1].running_var.uniform_(0.5, 2.0)
    mine = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(4 * 3 * 3, 5))
    return [("cnn", cnn, mine, (3, 2, 6, 6)),
            ("lstm", torch.nn.LSTM(3, 5, batch_first=True), nn.LSTM(3, 5, batch_first=True), (2, 4, 3)),
            ("mlp", torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)),
             nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2)), (4, 3))]


def test_pytorch_weights_saved_by_safetensors_torch_give_identical_outputs(tmp_path):
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    for name, theirs, mine, input_shape in _torch_models(torch):
        path = tmp_path / f"{name}.safetensors"
        safetensors_torch.save_file(theirs.state_dict(), str(path))
        mine.load_state_dict(mg.load(path))
        theirs.eval(), mine.eval()
        x = np.random.default_rng(1).standard_normal(input_shape).astype(np.float32)
        with torch.no_grad():
            expected = theirs(torch.from_numpy(x))
        got = mine(x)
        if name == "lstm":
            expected, got = expected[0], got[0]
        np.testing.assert_allclose(got.data, expected.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


def test_minigrad_weights_load_into_pytorch_with_safetensors_torch(tmp_path):
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    mg.manual_seed(0)
    mine = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    mg.save(mine.state_dict(), tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    theirs.load_state_dict(safetensors_torch.load_file(str(tmp_path / "m.safetensors")))
    x = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(mine(x).data, expected, rtol=1e-5, atol=1e-6)
