"""DataLoader workers' random streams (data/loader.py): each pass takes a
seed from the loader's seed or the calling thread's, worker w draws from a
generator of its own seeded with that pass's seed and w, batch i is made by
worker i % num_workers. No draw repeats across workers or passes, the same
manual_seed repeats them, the batch order does not depend on num_workers,
and nothing leaks into the calling thread's generator. Beside PyTorch's
twin (its workers are processes seeded from base_seed + worker_id)."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, Dataset, transforms


class Draws(Dataset):
    """Sample i is (i, one draw from minigrad's generator)."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        return np.float64(i), mg.get_rng().random()


class Plain(Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        return np.float64(i), np.float64(i)


def _passes(loader, n=3):
    """[(indices of each batch, draws of each batch)] for n passes."""
    out = []
    for _ in range(n):
        batches = [(np.asarray(x).astype(int).tolist(), np.asarray(r).tolist()) for x, r in loader]
        out.append(([b[0] for b in batches], [b[1] for b in batches]))
    return out


def _all_draws(passes):
    return [d for _, draws in passes for batch in draws for d in batch]


@pytest.mark.parametrize("num_workers", [1, 2, 3])
def test_no_draw_repeats_across_workers_or_passes(num_workers):
    mg.manual_seed(0)
    draws = _all_draws(_passes(DataLoader(Draws(), batch_size=2, shuffle=True, num_workers=num_workers)))
    assert len(draws) == 36 and len(set(draws)) == 36


def test_gaussian_noise_in_workers_draws_anew_for_every_batch():
    mg.manual_seed(0)
    loader = DataLoader(Plain(), batch_size=3, num_workers=2,
                        collate_fn=lambda items: transforms.gaussian_noise(np.zeros((len(items), 4))))
    batches = [tuple(np.asarray(b).ravel()) for _ in range(2) for b in loader]
    assert len(batches) == 8 and len(set(batches)) == 8


def test_the_same_seed_gives_the_same_draws_again():
    def run(**options):
        mg.manual_seed(3)
        return _passes(DataLoader(Draws(), batch_size=2, shuffle=True, num_workers=2, **options))

    assert run() == run()
    first = run(seed=9)
    mg.manual_seed(4)   # the loader's own seed: nothing else matters
    assert _passes(DataLoader(Draws(), batch_size=2, shuffle=True, num_workers=2, seed=9)) == first


def test_worker_w_draws_from_the_pass_seeds_child_w():
    # The seeding scheme, spelled out: pass k of the calling thread's seed s
    # is SeedSequence(s).spawn(...)[k]; worker w gets its child w; batch i is
    # made by worker i % num_workers, in order.
    mg.manual_seed(5)
    passes = _passes(DataLoader(Draws(), batch_size=1, num_workers=2), n=2)
    for k, pass_seed in enumerate(np.random.SeedSequence(5).spawn(2)):
        workers = [np.random.default_rng(s) for s in pass_seed.spawn(2)]
        expected = [[workers[i % 2].random()] for i in range(12)]
        assert passes[k][1] == expected


@pytest.mark.parametrize("dataset", [Plain, Draws])
def test_the_batch_order_does_not_depend_on_num_workers(dataset):
    def orders(num_workers, **options):
        mg.manual_seed(1)
        return [order for order, _ in _passes(DataLoader(dataset(), batch_size=2, shuffle=True,
                                                         num_workers=num_workers, **options))]

    for options in ({"seed": 2}, {}):
        if dataset is Draws and not options:
            # With 0 workers the dataset draws from the calling thread's
            # generator, which shuffles too: only the first pass agrees.
            assert orders(0)[0] == orders(2)[0]
            assert orders(2) == orders(1) == orders(3)
            continue
        assert orders(0, **options) == orders(1, **options) == orders(2, **options) == orders(3, **options)


def test_with_no_workers_the_calling_threads_generator_draws_as_before():
    mg.manual_seed(6)
    (_, draws), = _passes(DataLoader(Draws(), batch_size=4, shuffle=True), n=1)
    rng = np.random.default_rng(6)
    rng.permutation(12)
    assert [d for batch in draws for d in batch] == rng.random(12).tolist()


def test_workers_streams_do_not_leak_into_the_calling_thread():
    mg.manual_seed(7)
    _passes(DataLoader(Draws(), batch_size=2, shuffle=True, num_workers=2), n=1)
    after = mg.get_rng().random(3)
    rng = np.random.default_rng(7)
    rng.permutation(12)   # the pass's shuffle is all it drew
    np.testing.assert_array_equal(after, rng.random(3))
    # Threads that start later still start from the latest manual_seed.
    import threading
    drawn = []
    thread = threading.Thread(target=lambda: drawn.append(mg.get_rng().random(3)))
    thread.start()
    thread.join()
    np.testing.assert_array_equal(drawn[0], np.random.default_rng(7).random(3))


def test_a_loader_seed_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match="DataLoader: seed must be a non-negative int, got -1"):
        DataLoader(Plain(), seed=-1)
    with pytest.raises(TypeError, match="DataLoader: seed must be a non-negative int, got float 0.5"):
        DataLoader(Plain(), seed=0.5)


def test_pytorch_workers_draw_distinct_reproducible_streams_in_the_same_order():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import Dataset as TorchDataset

    class TorchDraws(TorchDataset):
        def __len__(self):
            return 12

        def __getitem__(self, i):
            return i, torch.rand(()).item()

    def run(num_workers):
        torch.manual_seed(0)
        loader = TorchLoader(TorchDraws(), batch_size=2, shuffle=True, num_workers=num_workers,
                             generator=torch.Generator().manual_seed(2))
        passes = [[(x.tolist(), r.tolist()) for x, r in loader] for _ in range(2)]
        return [([x for x, _ in batches], [r for _, r in batches]) for batches in passes]

    two = run(2)
    draws = [d for _, pass_draws in two for batch in pass_draws for d in batch]
    assert len(set(draws)) == len(draws)          # distinct across workers and passes
    assert run(2) == two                          # reproducible
    assert [o for o, _ in run(0)] == [o for o, _ in two]   # the order does not depend on num_workers
