"""`minigrad.backends.cuda`: `matmul.allow_tf32` and friends, settable and
without effect (minigrad's matmuls never use TF32)."""
from types import SimpleNamespace

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built():
    """Whether minigrad can use CUDA at all: CuPy is installed (see minigrad.cuda)."""
    import importlib.util
    return importlib.util.find_spec("cupy") is not None
