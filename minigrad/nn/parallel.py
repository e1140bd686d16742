"""`minigrad.nn.parallel`: PyTorch's DistributedDataParallel, so that
programs importing it run; wrapping a model raises (minigrad trains in one
process)."""
from .module import Module


class DistributedDataParallel(Module):
    """PyTorch's DDP: raises NotImplementedError; use the model itself."""

    def __init__(self, module, *args, **kwargs):
        raise NotImplementedError(
            f"DistributedDataParallel({type(module).__name__}): multi-process training is not supported; "
            "minigrad trains in one process. Use the model itself (model, not DDP(model)), and load "
            "batches in parallel with DataLoader(..., num_workers=N)")
