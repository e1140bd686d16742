"""Attention: softmax(q k^T * scale + mask) v, built from ops (matmul,
softmax, where), so it is differentiable to any order.

    q (..., L, E) ──┐
                    ├─ matmul ─► scores (..., L, S) ─► mask ─► softmax ─► dropout ─┐
    k (..., S, E) ──┘                                                              ├─ matmul ─► (..., L, Ev)
    v (..., S, Ev) ────────────────────────────────────────────────────────────────┘

`attention` is the shared body: it takes the mask already split into a
boolean `keep` (True = this query may look at this key) and an additive
float `bias`, so that `scaled_dot_product_attention` (PyTorch's SDPA
conventions) and `nn.MultiheadAttention` (PyTorch's MHA conventions, where
True means "masked out") both translate their masks to it once.
"""
import math

import numpy as np

from ..device import backend
from ..core import Variable, as_variable
from ..core.ops import declare
from ._axes import shape_of
from .activation import softmax
from .linalg import matmul
from .math import where
from .normalization import dropout
from .reorder import swapaxes
from .shape import reshape


def _check_qkv(op, q_shape, k_shape, v_shape):
    for name, shape in (("query", q_shape), ("key", k_shape), ("value", v_shape)):
        if len(shape) < 2:
            raise ValueError(f"{op}: {name} has shape {shape}; expected at least 2 dimensions (..., length, features)")
    if q_shape[-1] != k_shape[-1]:
        raise ValueError(f"{op}: query of shape {q_shape} and key of shape {k_shape} have different feature "
                         f"sizes {q_shape[-1]} and {k_shape[-1]}; expected query (..., L, E) and key (..., S, E)")
    if k_shape[-2] != v_shape[-2]:
        raise ValueError(f"{op}: key of shape {k_shape} and value of shape {v_shape} have different lengths "
                         f"{k_shape[-2]} and {v_shape[-2]}; expected key (..., S, E) and value (..., S, Ev)")
    try:
        batch = np.broadcast_shapes(q_shape[:-2], k_shape[:-2], v_shape[:-2])
    except ValueError:
        raise ValueError(f"{op}: the batch dimensions of query {q_shape}, key {k_shape} and value {v_shape} "
                         "do not broadcast together") from None
    return batch + (q_shape[-2], k_shape[-2])


def check_mask(op, name, mask_shape, scores_shape):
    """A clear error unless a mask of `mask_shape` broadcasts to the
    attention scores' shape (..., L, S) without enlarging it."""
    try:
        fits = np.broadcast_shapes(mask_shape, scores_shape) == tuple(scores_shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{op}: {name} of shape {tuple(mask_shape)} does not broadcast to the attention "
                         f"scores' shape {tuple(scores_shape)} (..., L, S)")


def causal_keep(L, S):
    """The causal mask as PyTorch builds it: query i may look at keys 0..i
    (aligned at the top left, also when L != S); shape (L, S), True = take part."""
    return np.tri(L, S, dtype=bool)


def attention(q, k, v, keep=None, bias=None, dropout_p=0.0, scale=None, training=None):
    """(output (..., L, Ev), weights (..., L, S)) of softmax(q k^T * scale + bias)
    with the scores where `keep` is False set to -inf; `keep` is a boolean
    ndarray and `bias` a float array or Variable, each broadcasting to
    (..., L, S). A query row with no key left gets zero weights (and a zero
    output), as PyTorch's scaled_dot_product_attention. Dropout (on the
    weights) runs only while training (training=None follows Config.train)."""
    q, k, v = as_variable(q), as_variable(k), as_variable(v)
    E = q.shape[-1]
    scale = 1.0 / math.sqrt(E) if scale is None else scale
    # Scale the smaller of q (L x E) and the scores (L x S).
    if E <= k.shape[-2]:
        scores = matmul(q * scale, swapaxes(k, -2, -1))
    else:
        scores = matmul(q, swapaxes(k, -2, -1)) * scale
    on_host = type(scores.data) is np.ndarray
    if bias is not None:
        if not isinstance(bias, Variable):  # a constant mask follows the scores' dtype (and device)
            bias = backend.to_device(backend.asarray(bias, scores.dtype), scores.device)
        scores = scores + bias
    if keep is not None:
        if not on_host:  # a mask made on the host (causal, padding) goes to the scores' device
            keep = backend.to_device(backend.asarray(keep, bool), scores.device)
        scores = where(keep, scores, -np.inf)
    dead = None
    if bias is not None or keep is not None:
        # A row of only -inf would give 0/0 in softmax: such rows get zero weights instead.
        # (On a device, without asking whether there are any: that would wait for the device.)
        dead = np.all(scores.data == -np.inf, axis=-1, keepdims=True)
        if not on_host or dead.any():
            scores = where(dead, 0.0, scores)
        else:
            dead = None
    weights = softmax(scores)
    if dead is not None:
        weights = weights * (~dead).astype(weights.dtype)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=training)
    return matmul(weights, v), weights


@declare(functional=True)
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query key^T * scale + mask) value, as PyTorch's
    F.scaled_dot_product_attention: query (..., L, E), key (..., S, E),
    value (..., S, Ev) -> (..., L, Ev); the batch dimensions broadcast.
    enable_gqa=True (grouped-query attention): query (..., Hq, L, E) and
    key, value (..., Hkv, S, E) with Hkv dividing Hq; query head i uses
    key/value head i // (Hq / Hkv), as PyTorch's.

    attn_mask broadcasts to (..., L, S): boolean (True = take part) or float
    (added to the scores; it may be a Variable that requires grad).
    is_causal=True lets query i look at keys 0..i only (not together with
    attn_mask). scale defaults to 1 / sqrt(E). Dropout with probability
    dropout_p on the attention weights runs while training (Config.train;
    off under `mg.test_mode()`). A query row that may look at no key gives
    zeros, as PyTorch's."""
    op = "scaled_dot_product_attention"
    heads = None
    if enable_gqa:
        query, key, value, attn_mask, heads = _group_heads(op, query, key, value, attn_mask)
    scores_shape = _check_qkv(op, shape_of(query), shape_of(key), shape_of(value))
    if not 0 <= dropout_p <= 1:
        raise ValueError(f"{op}: dropout_p={dropout_p} is not a probability; expected 0 <= dropout_p <= 1")
    keep = bias = None
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{op}: is_causal=True and an attn_mask were both given; pass one of them "
                             "(fold the causal mask into attn_mask)")
        keep = causal_keep(*scores_shape[-2:])
    elif attn_mask is not None:
        check_mask(op, "attn_mask", shape_of(attn_mask), scores_shape)
        keep, bias = split_mask(op, "attn_mask", attn_mask, keep_value=True)
    out = attention(query, key, value, keep, bias, dropout_p, scale)[0]
    return out if heads is None else reshape(out, out.shape[:-4] + (heads,) + out.shape[-2:])


def _group_heads(op, query, key, value, attn_mask):
    """Grouped-query attention as broadcasting: query (..., Hq, L, E) ->
    (..., Hkv, Hq/Hkv, L, E), key and value (..., Hkv, S, E) -> (..., Hkv,
    1, S, E), the mask's head axis split the same way. Returns those and Hq."""
    q_shape, k_shape, v_shape = shape_of(query), shape_of(key), shape_of(value)
    if min(len(q_shape), len(k_shape), len(v_shape)) < 3 or k_shape[-3] != v_shape[-3] \
            or k_shape[-3] == 0 or q_shape[-3] % k_shape[-3]:
        raise ValueError(f"{op}: enable_gqa=True needs key and value with the same number of heads (axis -3), "
                         f"dividing the query's; got query {q_shape}, key {k_shape} and value {v_shape}")
    heads, kv_heads = q_shape[-3], k_shape[-3]
    query = reshape(query, q_shape[:-3] + (kv_heads, heads // kv_heads) + q_shape[-2:])
    key, value = (reshape(x, s[:-3] + (kv_heads, 1) + s[-2:]) for x, s in ((key, k_shape), (value, v_shape)))
    if attn_mask is not None:
        m_shape = shape_of(attn_mask)
        check_mask(op, "attn_mask", m_shape, _check_qkv(op, shape_of(query), shape_of(key), shape_of(value))[:-4]
                   + (heads,) + (q_shape[-2], k_shape[-2]))
        if len(m_shape) >= 3 and m_shape[-3] == heads:
            grouped = m_shape[:-3] + (kv_heads, heads // kv_heads) + m_shape[-2:]
        else:  # no head axis, or one of size 1: broadcast over both new axes
            grouped = m_shape[:-2] + (1,) + m_shape[-2:]
        attn_mask = reshape(attn_mask, grouped) if isinstance(attn_mask, Variable) else np.reshape(attn_mask, grouped)
    return query, key, value, attn_mask, heads


def split_mask(op, name, mask, keep_value):
    """(keep, bias) from a boolean or float mask: a boolean mask gives
    `keep` (its elements equal to keep_value take part), a float one `bias`."""
    dtype = mask.data.dtype if isinstance(mask, Variable) else backend.asarray(mask).dtype
    if dtype == bool:
        mask = backend.asarray(mask.data if isinstance(mask, Variable) else mask)
        return (mask if keep_value else ~mask), None
    if dtype.kind == "f":
        return None, mask
    raise TypeError(f"{op}: {name} has dtype {dtype}; expected a boolean mask or a float mask (added to the scores)")
