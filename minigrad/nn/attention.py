"""MultiheadAttention, as PyTorch's: the same parameters, masks and outputs.

    query ─► linear ─► split into heads ─┐
    key   ─► linear ─► split into heads ─┼─ attention per head ─► join heads ─► out_proj ─► output
    value ─► linear ─► split into heads ─┘         └─► attention weights (averaged over heads)
"""
import math

import numpy as np

from .. import functions as F
from ..core import Variable, as_variable
from ..functions.attention import attention, causal_keep, split_mask
from ..functions._axes import shape_of
from . import init
from .linear import Linear
from .module import Module, cast_input
from .parameter import new_parameter


class MultiheadAttention(Module):
    """Multi-head attention: num_heads heads of embed_dim // num_heads
    features each, attending in parallel; as torch.nn.MultiheadAttention.

    Called as `(output, weights) = mha(query, key, value,
    key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)` with query (L, N, E), key
    and value (S, N, E) ((N, L, E) and (N, S, E) with batch_first=True;
    (L, E) and (S, E) unbatched); output has the query's shape; weights are
    (N, L, S), or (N, num_heads, L, S) with average_attn_weights=False, or
    None with need_weights=False.

    Masks follow PyTorch's MultiheadAttention: a boolean attn_mask, (L, S)
    or (N * num_heads, L, S), and key_padding_mask (N, S) are True where a
    query may NOT look (the opposite of scaled_dot_product_attention's);
    float masks are added to the scores. is_causal=True without attn_mask
    builds the causal mask (PyTorch requires the mask then); with attn_mask
    it is a hint and the mask is used. A query that may look at no key gets
    zero weights (PyTorch gives zeros with need_weights=False, NaN with
    need_weights=True). Dropout on the weights in training mode only.

    Parameters with PyTorch's names and initialisation: in_proj_weight
    (3E, E) Xavier uniform, in_proj_bias (3E,) zeros, out_proj.weight (E, E)
    U(-1/sqrt(E), 1/sqrt(E)), out_proj.bias (E,) zeros.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False):
        super().__init__()
        # PyTorch's signature, positions included; its rarer options are refused, not ignored.
        unsupported = {"add_bias_kv": add_bias_kv, "add_zero_attn": add_zero_attn}
        for name, value in unsupported.items():
            if value:
                raise NotImplementedError(f"MultiheadAttention: {name}=True is not supported")
        for name, dim in (("kdim", kdim), ("vdim", vdim)):
            if dim is not None and dim != embed_dim:
                raise NotImplementedError(f"MultiheadAttention: {name}={dim} differs from embed_dim={embed_dim}; "
                                          "key and value of another width are not supported")
        if num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim={embed_dim} is not divisible by num_heads={num_heads}; "
                             "expected each head to get embed_dim // num_heads features")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout={dropout} is not a probability; expected 0 <= dropout <= 1")
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout = float(dropout)
        self.batch_first = batch_first
        self.in_proj_weight = init.xavier_uniform_(new_parameter((3 * embed_dim, embed_dim)))
        self.in_proj_bias = new_parameter((3 * embed_dim,)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        bound = 1 / math.sqrt(embed_dim)
        init.uniform_(self.out_proj.weight, -bound, bound)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        self_attention = query is key and key is value  # then one matmul projects all three
        # Constant inputs take the parameters' dtype (all three, so this layer
        # casts them itself rather than by casts_input, which sees only query).
        query = as_variable(cast_input(self, query))
        key, value = (query, query) if self_attention else (as_variable(cast_input(self, key)),
                                                            as_variable(cast_input(self, value)))
        unbatched = self._check_inputs(query, key, value)
        if unbatched:  # as a batch of 1
            query, key, value = (F.reshape(x, (1,) + x.shape if self.batch_first else (x.shape[0], 1, x.shape[1]))
                                 for x in (query, key, value))
        if self_attention:
            key = value = query
        lead = query.shape[:2]  # (L, N), or (N, L) with batch_first
        (L, n), S = (lead[::-1] if self.batch_first else lead), key.shape[1 if self.batch_first else 0]
        q, k, v = self._project(query, key, value, self_attention)
        keep, bias = self._masks(attn_mask, key_padding_mask, is_causal, n, L, S, unbatched)
        out, weights = attention(q, k, v, keep, bias, dropout_p=self.dropout, training=self.training)
        # (N, H, L, D) -> the query's layout, rows of E features, for one matmul in out_proj.
        out = F.transpose(out, (0, 2, 1, 3) if self.batch_first else (2, 0, 1, 3))
        out = self.out_proj(F.reshape(out, (L * n, self.embed_dim)))
        out = F.reshape(out, (L, self.embed_dim) if unbatched else lead + (self.embed_dim,))
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = F.mean(weights, axis=1)
        return out, (weights[0] if unbatched else weights)

    # -- the steps of forward -----------------------------------------------------
    def _check_inputs(self, query, key, value):
        """Whether the inputs are unbatched; a clear error for bad shapes."""
        name, E = type(self).__name__, self.embed_dim
        ndim = query.ndim
        if ndim not in (2, 3) or key.ndim != ndim or value.ndim != ndim:
            raise ValueError(f"{name}: query, key and value have shapes {query.shape}, {key.shape}, "
                             f"{value.shape}; expected all 3-D (batched) or all 2-D (unbatched)")
        for label, x in (("query", query), ("key", key), ("value", value)):
            if x.shape[-1] != E:
                raise ValueError(f"{name}: {label} of shape {x.shape} has {x.shape[-1]} features, "
                                 f"expected embed_dim={E}")
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"{name}: key of shape {key.shape} and value of shape {value.shape} "
                             "differ in length or batch size")
        batch_axis = 0 if self.batch_first else 1
        if ndim == 3 and query.shape[batch_axis] != key.shape[batch_axis]:
            raise ValueError(f"{name}: query of shape {query.shape} and key of shape {key.shape} have different "
                             f"batch sizes (axis {batch_axis}, batch_first={self.batch_first})")
        return ndim == 2

    def _project(self, query, key, value, self_attention):
        """The input projections, split into heads: three (N, H, length, D).
        Each projection is one matmul over all (position, sample) rows, and
        the three are one matmul when query, key and value are one array."""
        W, b, E = self.in_proj_weight, self.in_proj_bias, self.embed_dim
        # (A, B, ..., D) in the inputs' layout -> (..., N, H, length, D)
        to_heads = (1, 2, 0, 3) if not self.batch_first else (0, 2, 1, 3)
        if self_attention:
            lead = query.shape[:2]
            qkv = F.reshape(F.linear(F.reshape(query, (-1, E)), W, b), lead + (3, self.num_heads, self.head_dim))
            qkv = F.transpose(qkv, (2,) + tuple(a + (a >= 2) for a in to_heads))
            # Reshaping each (1, N, H, L, D) piece copies it into contiguous memory: faster matmuls.
            return [F.reshape(x, x.shape[1:]) for x in F.split(qkv, 3, axis=0)]
        Ws = F.split(W, 3, axis=0)
        bs = F.split(b, 3, axis=0) if b is not None else (None,) * 3
        projected = []
        for x, Wi, bi in zip((query, key, value), Ws, bs):
            x = F.reshape(F.linear(F.reshape(x, (-1, E)), Wi, bi), x.shape[:2] + (self.num_heads, self.head_dim))
            projected.append(F.transpose(x, to_heads))
        return projected

    def _masks(self, attn_mask, key_padding_mask, is_causal, n, L, S, unbatched):
        """PyTorch's MHA masks as (keep, bias) for `attention`, shaped to
        broadcast against the scores (N, num_heads, L, S)."""
        name, H = type(self).__name__, self.num_heads
        keeps, biases = [], []
        if attn_mask is not None:
            shape = shape_of(attn_mask)
            per_head = (H, L, S) if unbatched else (n * H, L, S)
            if shape == (L, S):
                mask = attn_mask
            elif shape == per_head:
                mask = _reshape(attn_mask, (n, H, L, S))
            else:
                raise ValueError(f"{name}: attn_mask of shape {shape} does not fit; expected (L, S) = {(L, S)} "
                                 f"or ({'num_heads' if unbatched else 'N * num_heads'}, L, S) = {per_head}")
            keep, bias = split_mask(name, "attn_mask", mask, keep_value=False)
            keeps.append(keep)
            biases.append(bias)
        elif is_causal:
            keeps.append(causal_keep(L, S))
        if key_padding_mask is not None:
            shape = shape_of(key_padding_mask)
            expected = (S,) if unbatched else (n, S)
            if shape != expected:
                raise ValueError(f"{name}: key_padding_mask of shape {shape} does not fit; expected "
                                 f"({'' if unbatched else 'N, '}S) = {expected}")
            keep, bias = split_mask(name, "key_padding_mask", _reshape(key_padding_mask, (n, 1, 1, S)),
                                    keep_value=False)
            keeps.append(keep)
            biases.append(bias)
        keeps = [m for m in keeps if m is not None]
        biases = [m for m in biases if m is not None]
        keep = np.logical_and.reduce(np.broadcast_arrays(*keeps)) if len(keeps) > 1 else (keeps or [None])[0]
        bias = sum(biases[1:], biases[0]) if biases else None
        return keep, bias

    def extra_repr(self):
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                f"bias={self.in_proj_bias is not None}, batch_first={self.batch_first}")


def _reshape(mask, shape):
    """A mask reshaped: a Variable through the op (it may carry a gradient)."""
    return F.reshape(mask, shape) if isinstance(mask, Variable) else np.reshape(mask, shape)
