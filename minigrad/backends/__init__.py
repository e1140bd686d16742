"""`minigrad.backends`: PyTorch's switches for its GPU libraries, so that
programs setting them run. minigrad computes with NumPy (or CuPy) and
neither cuDNN nor Apple's MPS is used: `is_available()` is False, and the
flags (`cudnn.benchmark`, `cudnn.deterministic`, `allow_tf32` ...) may be
set but change nothing; minigrad is deterministic and never uses TF32."""
from . import cuda, cudnn, mps
