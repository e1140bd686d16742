"""minigrad.distributed and nn.parallel.DistributedDataParallel import as
PyTorch's do; using them raises, pointing to what minigrad offers."""
import pytest

import minigrad as mg
from minigrad import nn


def test_the_names_import_as_in_pytorch_programs():
    from minigrad.distributed import destroy_process_group, init_process_group
    from minigrad.nn.parallel import DistributedDataParallel as DDP
    assert callable(init_process_group) and callable(destroy_process_group) and issubclass(DDP, nn.Module)
    assert mg.distributed.is_available() is False
    assert mg.distributed.is_initialized() is False


@pytest.mark.parametrize("call", [
    lambda: mg.distributed.init_process_group(backend="nccl"),
    lambda: mg.distributed.get_rank(), lambda: mg.distributed.all_reduce(None),
], ids=["init_process_group", "get_rank", "all_reduce"])
def test_using_a_process_group_raises_and_points_to_one_process(call):
    with pytest.raises(NotImplementedError, match=r"minigrad.distributed.\w+: multi-process training is not "
                                                  r"supported; .*num_workers"):
        call()


def test_ddp_raises_naming_the_model_and_saying_to_use_it_directly():
    with pytest.raises(NotImplementedError, match=r"DistributedDataParallel\(Linear\): multi-process .*"
                                                  r"Use the model itself"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2), device_ids=[0])
