"""The Transformer encoder, as PyTorch's: TransformerEncoderLayer (self-attention
and a feed-forward block, each with a residual connection and LayerNorm)
and TransformerEncoder (a stack of copies of one layer).

    post-norm (norm_first=False):          pre-norm (norm_first=True):
      x = norm1(x + attention(x))            x = x + attention(norm1(x))
      x = norm2(x + feed_forward(x))         x = x + feed_forward(norm2(x))
"""
import copy

from .. import functions as F
from ..core import as_variable
from .attention import MultiheadAttention
from .container import ModuleList
from .linear import Linear
from .module import Module
from .normalization import Dropout, LayerNorm

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


class TransformerEncoderLayer(Module):
    """One encoder layer: multi-head self-attention, then
    feed_forward(x) = linear2(dropout(activation(linear1(x)))), each block
    followed by dropout and added to its input, with LayerNorm after
    (norm_first=False) or before (norm_first=True) each block.

    Called as `layer(src, src_mask=None, src_key_padding_mask=None,
    is_causal=False)` with src (S, N, d_model) ((N, S, d_model) with
    batch_first=True, (S, d_model) unbatched); the masks are
    MultiheadAttention's (True = may not look). activation: "relu", "gelu"
    or a callable. Sub-modules and state_dict names as PyTorch's
    (self_attn.in_proj_weight, linear1.weight, norm1.weight, ...); linear1
    and linear2 are initialised as nn.Linear (He normal).
    """
    casts_input = True

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(f"TransformerEncoderLayer: activation={activation!r} is not supported; expected "
                                 f"{' or '.join(map(repr, _ACTIVATIONS))}, or a callable")
            activation = _ACTIVATIONS[activation]
        elif not callable(activation):
            raise TypeError(f"TransformerEncoderLayer: activation must be 'relu', 'gelu' or a callable, "
                            f"got {type(activation).__name__}")
        self.activation = activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = as_variable(src)
        if self.norm_first:
            x = x + self._self_attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._feed_forward(self.norm2(x))
        x = self.norm1(x + self._self_attention(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._feed_forward(x))

    def _self_attention(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, key_padding_mask=key_padding_mask, need_weights=False, attn_mask=attn_mask,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _feed_forward(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """num_layers deep copies of encoder_layer applied in turn (named
    layers.0, layers.1, ... as PyTorch's), then `norm` if given. Called as
    `encoder(src, mask=None, src_key_padding_mask=None, is_causal=None)`.
    enable_nested_tensor and mask_check are accepted for PyTorch's
    signature and change nothing."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = ModuleList(copy.deepcopy(encoder_layer) for _ in range(num_layers))
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)
