"""Checkpoints: mg.save / mg.load of nested structures, exact resumption of
training, cleanup of interrupted saves, and clear errors on files that are
not archives of arrays."""
import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim


# -- nested structures round-trip --------------------------------------------------

def test_a_nested_checkpoint_comes_back_with_the_same_structure_and_types(tmp_path):
    weights = np.arange(6, dtype=np.float32).reshape(2, 3)
    checkpoint = {
        "model": {"0.weight": weights, "0.bias": nn.Parameter(np.ones(2))},
        "optimizer": {"state": {0: {"step": 3, "exp_avg": np.full((2, 3), 0.5)}},
                      "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1],
                                        "amsgrad": False, "name": "body", "foreach": None}]},
        "epoch": 3,
        "best": float("inf"),
        "history": [0.5, 0.25, np.float32(0.125)],
        "empty": {"list": [], "dict": {}},
    }
    mg.save(checkpoint, tmp_path / "ckpt.npz")
    loaded = mg.load(tmp_path / "ckpt.npz")

    assert list(loaded) == list(checkpoint)
    np.testing.assert_array_equal(loaded["model"]["0.weight"], weights)
    assert loaded["model"]["0.weight"].dtype == np.float32
    assert isinstance(loaded["model"]["0.bias"], np.ndarray)
    state = loaded["optimizer"]["state"]
    assert list(state) == [0]  # int keys stay ints
    assert type(state[0]["step"]) is int and state[0]["step"] == 3
    group = loaded["optimizer"]["param_groups"][0]
    assert type(loaded["optimizer"]["param_groups"]) is list
    assert group["betas"] == (0.9, 0.999) and type(group["betas"]) is tuple
    assert group["params"] == [0, 1] and group["amsgrad"] is False and group["foreach"] is None
    assert group["name"] == "body" and type(group["lr"]) is float
    assert type(loaded["epoch"]) is int and loaded["epoch"] == 3
    assert loaded["best"] == float("inf")
    assert loaded["history"][:2] == [0.5, 0.25]
    assert loaded["history"][2].dtype == np.float32 and loaded["history"][2] == np.float32(0.125)
    assert loaded["empty"] == {"list": [], "dict": {}}


def test_a_nested_checkpoint_is_still_a_plain_npz_of_arrays(tmp_path):
    mg.save({"model": {"w": np.ones(2)}, "epoch": 1}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["model/w"], np.ones(2))
        assert archive["__structure__"].dtype == np.uint8


def test_a_flat_state_dict_keeps_the_np_savez_layout(tmp_path):
    mg.save({"w": np.ones(2), "n": 2}, tmp_path / "flat.npz")
    with np.load(tmp_path / "flat.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["n", "w"]
    loaded = mg.load(tmp_path / "flat.npz")
    assert isinstance(loaded["n"], np.ndarray) and loaded["n"] == 2


@pytest.mark.parametrize("bad, message", [
    ({"a": {"b": object()}}, "object at a/b"),
    ({"a": [np.array(["x", "y"])]}, "'a/0' has dtype <U1"),
    ({"a": {(1, 2): 3}}, "keys must be strings or ints"),
    ("a string", "expected a dict"),
])
def test_unsaveable_nested_values_are_refused_naming_where(tmp_path, bad, message):
    with pytest.raises(TypeError, match=message):
        mg.save(bad, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# -- resuming training exactly -------------------------------------------------------

_OPTIMISERS = {
    "SGD": lambda params: optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "AdaGrad": lambda params: optim.AdaGrad(params, lr=0.05),
    "RMSprop": lambda params: optim.RMSprop(params, lr=0.01, momentum=0.5, centered=True),
    "AdaDelta": lambda params: optim.AdaDelta(params),
    "Adam": lambda params: optim.Adam(params, lr=0.05, weight_decay=0.01, amsgrad=True),
    "AdamW": lambda params: optim.AdamW(params, lr=0.05),
}
_SCHEDULERS = {
    "StepLR": lambda opt: optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "ReduceLROnPlateau": lambda opt: optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5),
}


def _build(seed, optimiser, scheduler):
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = _OPTIMISERS[optimiser](model.parameters())
    return model, opt, _SCHEDULERS[scheduler](opt)


def _train_epoch(model, optimizer, scheduler, x, t):
    optimizer.zero_grad()
    loss = F.mean_squared_error(model(x), t)
    loss.backward()
    optimizer.step()
    if isinstance(scheduler, optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(1.0)  # a plateau: the lr halves whenever patience runs out
    else:
        scheduler.step()
    return [p.data.copy() for p in model.parameters()] + [np.array(optimizer.lr)]


@pytest.mark.parametrize("scheduler", _SCHEDULERS)
@pytest.mark.parametrize("optimiser", _OPTIMISERS)
def test_training_resumed_from_a_checkpoint_follows_the_uninterrupted_trajectory_exactly(
        tmp_path, optimiser, scheduler):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype(np.float32)
    t = rng.standard_normal((16, 2)).astype(np.float32)

    model, opt, sched = _build(1, optimiser, scheduler)
    for _ in range(4):
        _train_epoch(model, opt, sched, x, t)
    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
             "epoch": 4}, tmp_path / "ckpt.npz")
    uninterrupted = [_train_epoch(model, opt, sched, x, t) for _ in range(5)]

    fresh_model, fresh_opt, fresh_sched = _build(2, optimiser, scheduler)  # other weights, empty state
    checkpoint = mg.load(tmp_path / "ckpt.npz")
    fresh_model.load_state_dict(checkpoint["model"])
    fresh_opt.load_state_dict(checkpoint["optimizer"])
    fresh_sched.load_state_dict(checkpoint["scheduler"])
    assert checkpoint["epoch"] == 4
    resumed = [_train_epoch(fresh_model, fresh_opt, fresh_sched, x, t) for _ in range(5)]

    for step, (a, b) in enumerate(zip(uninterrupted, resumed)):
        for p, q in zip(a, b):
            np.testing.assert_array_equal(p, q, err_msg=f"step {step}")
    assert all(p.dtype == np.float32 for p in fresh_model.parameters())


# -- interrupted saves ------------------------------------------------------------------

def _dead_pid():
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_temporary_files_of_an_interrupted_save_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "model.npz"
    leftover = tmp_path / f"model.npz.{_dead_pid()}.0123abcd.tmp"
    leftover.write_bytes(b"half an archive")
    live = tmp_path / f"model.npz.{os.getpid()}.89abcdef.tmp"  # a concurrent save in this process
    live.write_bytes(b"in progress")
    unrelated = tmp_path / "model.npz.notes.tmp"
    unrelated.write_text("mine")
    other_target = tmp_path / f"other.npz.{_dead_pid()}.0123abcd.tmp"
    other_target.write_bytes(b"")

    mg.save({"w": np.ones(2)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["model.npz", live.name, unrelated.name, other_target.name])


# -- clear errors on bad files ------------------------------------------------------------

def test_a_zip_whose_members_are_not_npy_arrays_is_refused_naming_the_member(tmp_path):
    path = tmp_path / "notes.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w.npy", b"")  # not reached: the check comes first
        archive.writestr("readme.txt", b"hello")
    with pytest.raises(ValueError, match=r"notes\.npz.*'readme\.txt' is not a \.npy array"):
        mg.load(path)


def test_a_text_file_is_reported_as_not_an_npz_archive(tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text("1.0,2.0\n3.0,4.0\n")
    with pytest.raises(ValueError, match=r"weights\.csv.* is not an \.npz archive") as info:
        mg.load(path)
    assert "pickle" not in str(info.value)


def test_an_archive_of_pickled_objects_is_refused_plainly(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, w=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"objects\.npz.*pickled Python objects"):
        mg.load(path)


def test_load_state_dict_with_a_string_array_names_the_key():
    model = nn.Linear(2, 1)
    state = model.state_dict()
    state["bias"] = np.array(["0.5"])
    with pytest.raises(TypeError, match=r"Linear\.load_state_dict: entry 'bias' has dtype <U3"):
        model.load_state_dict(state)
