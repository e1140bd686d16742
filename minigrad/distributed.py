"""`minigrad.distributed`: PyTorch's multi-process names, so that programs
importing them run. minigrad trains in one process: `is_available()` and
`is_initialized()` are False (programs branch on them), and starting or
using a process group raises NotImplementedError saying what to use instead.
"""


def is_available():
    """False: minigrad has no multi-process training."""
    return False


def is_initialized():
    """False: there is never a process group."""
    return False


def _single_process(name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(
            f"minigrad.distributed.{name}: multi-process training is not supported; minigrad trains in one "
            "process. Run the program without a process group (world size 1), and load batches in "
            "parallel with DataLoader(..., num_workers=N)")
    refuse.__name__ = name
    refuse.__doc__ = f"PyTorch's `{name}`: raises NotImplementedError (minigrad trains in one process)."
    return refuse


init_process_group = _single_process("init_process_group")
destroy_process_group = _single_process("destroy_process_group")
get_rank = _single_process("get_rank")
get_world_size = _single_process("get_world_size")
barrier = _single_process("barrier")
all_reduce = _single_process("all_reduce")
all_gather = _single_process("all_gather")
broadcast = _single_process("broadcast")
reduce = _single_process("reduce")
