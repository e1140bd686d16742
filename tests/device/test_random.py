"""device/random.py: `spawn_seed` gives seeds for new streams without
drawing from the calling thread's generator; `seed_thread` seeds the calling
thread alone (DataLoader workers use both; tests/data/test_worker_streams.py)."""
import threading

import numpy as np

import minigrad as mg
from minigrad.device.random import seed_thread, spawn_seed


def _in_a_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_spawn_seed_draws_nothing_and_gives_the_same_children_after_the_same_seed():
    mg.manual_seed(4)
    children = [spawn_seed(), spawn_seed()]
    np.testing.assert_array_equal(mg.get_rng().random(3), np.random.default_rng(4).random(3))
    assert children[0].spawn_key != children[1].spawn_key
    mg.manual_seed(4)
    assert [spawn_seed().spawn_key, spawn_seed().spawn_key] == [c.spawn_key for c in children]
    expected = np.random.default_rng(np.random.SeedSequence(4).spawn(1)[0]).random(3)
    np.testing.assert_array_equal(np.random.default_rng(children[0]).random(3), expected)


def test_seed_thread_seeds_the_calling_thread_alone():
    mg.manual_seed(8)
    main = mg.get_rng()
    drawn = _in_a_thread(lambda: (seed_thread(np.random.SeedSequence(3)), mg.get_rng().random(2))[1])
    np.testing.assert_array_equal(drawn, np.random.default_rng(3).random(2))
    assert mg.get_rng() is main
    # A thread starting later still starts from manual_seed's seed.
    np.testing.assert_array_equal(_in_a_thread(lambda: mg.get_rng().random(2)),
                                  np.random.default_rng(8).random(2))
