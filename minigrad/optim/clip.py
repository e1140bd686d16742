"""Gradient clipping: `optim.clip_grad_norm_` is `nn.utils.clip_grad_norm_`
(one implementation, kept in nn.utils where PyTorch keeps it)."""
from ..nn.utils import clip_grad_norm_, clip_grad_value_  # noqa: F401
