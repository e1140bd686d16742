"""DataLoader options: num_workers (background threads, same batches, no
leaked threads), collate_fn, sampler, seed, and the accepted no-ops."""
import threading
import time

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, Dataset, TensorDataset


def _dataset(n=23):
    return TensorDataset(np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n))


class SlowSamples(Dataset):
    """Samples one at a time (no get_batch of its own), each taking a while,
    so worker threads really overlap and finish out of order."""

    def __init__(self, n=17):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(0.002 * ((i * 7) % 3))
        return np.full(3, i, dtype=np.float64), i % 4


def _batches(loader):
    return [tuple(np.asarray(part) for part in batch) for batch in loader]


def _assert_same(batches_a, batches_b):
    assert len(batches_a) == len(batches_b)
    for a, b in zip(batches_a, batches_b):
        for part_a, part_b in zip(a, b):
            np.testing.assert_array_equal(part_a, part_b)


@pytest.mark.parametrize("num_workers", [1, 3])
@pytest.mark.parametrize("drop_last", [False, True])
def test_workers_yield_the_same_batches_in_the_same_order_as_the_main_thread(num_workers, drop_last):
    for dataset in (_dataset(), SlowSamples()):
        expected = _batches(DataLoader(dataset, batch_size=4, drop_last=drop_last, shuffle=True, seed=5))
        got = _batches(DataLoader(dataset, batch_size=4, drop_last=drop_last, shuffle=True, seed=5,
                                  num_workers=num_workers))
        _assert_same(got, expected)


def test_breaking_out_of_a_loop_with_workers_leaves_no_thread_behind():
    before = threading.active_count()
    loader = DataLoader(SlowSamples(40), batch_size=2, num_workers=4)
    for i, _ in enumerate(loader):
        assert threading.active_count() > before  # the workers are running
        if i == 2:
            break
    assert threading.active_count() == before
    for _ in loader:  # and a full pass afterwards ends its threads too
        pass
    assert threading.active_count() == before


def test_an_error_in_a_worker_reaches_the_loop_and_the_threads_end():
    class Broken(SlowSamples):
        def __getitem__(self, i):
            if i == 9:
                raise KeyError("sample 9 is missing")
            return super().__getitem__(i)

    before = threading.active_count()
    with pytest.raises(KeyError, match="sample 9"):
        for _ in DataLoader(Broken(), batch_size=2, num_workers=2):
            pass
    assert threading.active_count() == before


def test_collate_fn_receives_the_list_of_samples():
    seen = []

    def collate(samples):
        seen.append(len(samples))
        xs, ts = zip(*samples)
        return {"x": np.stack(xs), "t": np.array(ts)}

    batches = list(DataLoader(_dataset(10), batch_size=4, collate_fn=collate))
    assert seen == [4, 4, 2]
    np.testing.assert_array_equal(batches[1]["t"], [4, 5, 6, 7])
    assert batches[2]["x"].shape == (2, 2)


def test_sampler_sets_the_order_and_the_length():
    sampler = [5, 1, 4, 0, 9, 2, 2]
    loader = DataLoader(_dataset(10), batch_size=3, sampler=sampler)
    assert len(loader) == 3
    assert [list(t) for _, t in loader] == [[5, 1, 4], [0, 9, 2], [2]]
    assert [list(t) for _, t in DataLoader(_dataset(10), batch_size=3, sampler=sampler, drop_last=True)] == \
        [[5, 1, 4], [0, 9, 2]]
    assert [list(t) for _, t in DataLoader(_dataset(10), batch_size=3, sampler=range(8, 3, -2))] == [[8, 6, 4]]


def test_a_sampler_without_len_still_iterates_but_len_says_why_it_cannot_count():
    class Evens:
        def __iter__(self):
            return iter(range(0, 10, 2))

    loader = DataLoader(_dataset(10), batch_size=2, sampler=Evens())
    assert [list(t) for _, t in loader] == [[0, 2], [4, 6], [8]]
    with pytest.raises(TypeError, match=r"sampler \(Evens\) has no len\(\)"):
        len(loader)


def test_sampler_and_shuffle_together_are_refused_as_in_pytorch():
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(_dataset(), sampler=[0, 1], shuffle=True)


def test_sampler_with_workers_keeps_its_order():
    sampler = list(np.random.default_rng(0).permutation(23))
    plain = _batches(DataLoader(_dataset(), batch_size=5, sampler=sampler))
    _assert_same(_batches(DataLoader(_dataset(), batch_size=5, sampler=sampler, num_workers=2)), plain)


def test_seed_fixes_this_loaders_shuffling_alone():
    def orders(loader, passes=2):
        return [np.concatenate([t for _, t in loader]).tolist() for _ in range(passes)]

    mg.manual_seed(0)
    first = orders(DataLoader(_dataset(), batch_size=5, shuffle=True, seed=11))
    mg.manual_seed(123)  # the global generator does not matter
    np.random.default_rng(0).random(5)
    second = orders(DataLoader(_dataset(), batch_size=5, shuffle=True, seed=11))
    assert first == second
    assert first[0] != first[1]  # a new order each pass
    assert sorted(first[0]) == list(range(23))
    # and a seeded loader leaves the global generator alone
    mg.manual_seed(7)
    expected = mg.get_rng().random()
    mg.manual_seed(7)
    list(DataLoader(_dataset(), shuffle=True, seed=1))
    assert mg.get_rng().random() == expected


def test_pin_memory_and_persistent_workers_are_accepted_and_change_nothing():
    plain = _batches(DataLoader(_dataset(), batch_size=6))
    _assert_same(_batches(DataLoader(_dataset(), batch_size=6, pin_memory=True, persistent_workers=True)), plain)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"num_workers": -1}, ValueError, "num_workers must be an integer >= 0"),
    ({"collate_fn": 3}, TypeError, "collate_fn must be callable"),
    ({"sampler": 5}, TypeError, "sampler must be an iterable of indices"),
])
def test_bad_options_are_refused_clearly(kwargs, error, message):
    with pytest.raises(error, match=message):
        DataLoader(_dataset(), **kwargs)
