"""Specs for scaled_dot_product_attention, group_norm, instance_norm and
dropout2d.

Attention cases draw batch dimensions (broadcast between query, key and
value now and then), a float mask (a differentiable input), a boolean mask
(a setting, sometimes with a fully masked row), is_causal, scale and
dropout. The normalisation cases add a ramp to every normalised group so
no group is nearly constant (1/std would be huge and finite differences
meaningless).
"""
import numpy as np
from hypothesis import strategies as st

import minigrad as mg
import minigrad.functions as F
from . import Case, OpSpec, array
from .conv import _spread


# -- scaled_dot_product_attention -------------------------------------------------

def sdpa_fn(q, k, v, *float_mask, attn_mask=None, dropout_p=0.0, **kwargs):
    if dropout_p:
        mg.manual_seed(0)  # every forward of gradcheck sees one dropout mask
    mask = float_mask[0] if float_mask else attn_mask
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p, **kwargs)


def ref_sdpa(q, k, v, *float_mask, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """softmax(q k^T * scale + mask) v, with rows that see no key all zero
    (PyTorch's convention), the dropout mask drawn as minigrad documents it;
    grouped-query attention as PyTorch documents it (key and value heads
    repeated)."""
    if enable_gqa:
        k, v = (np.repeat(a, q.shape[-3] // a.shape[-3], axis=-3) for a in (k, v))
    L, S = q.shape[-2], k.shape[-2]
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * scale
    if float_mask:
        scores = scores + float_mask[0]
    if attn_mask is not None:
        scores = np.where(attn_mask, scores, -np.inf)
    if is_causal:
        scores = np.where(np.tril(np.ones((L, S), dtype=bool)), scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    dead = top == -np.inf
    e = np.exp(scores - np.where(dead, 0.0, top))
    weights = e / np.where(dead, 1.0, e.sum(axis=-1, keepdims=True))
    if dropout_p:
        keep = np.random.default_rng(0).random(weights.shape) >= dropout_p
        weights = weights * keep / (1 - dropout_p)
    return weights @ v


@st.composite
def sdpa_cases(draw):
    gqa = draw(st.integers(0, 4)) == 0
    batch = draw(st.sampled_from([(4,), (2, 4)] if gqa else [(), (2,), (2, 2), (1, 2)]))
    L, S, E, Ev = (draw(st.integers(2, 4)) for _ in range(4))

    def batch_of_kv():  # key and value may broadcast over the query's batch, or have fewer heads
        if gqa:
            return batch[:-1] + (draw(st.sampled_from([1, 2, 4])),)
        return tuple(1 if draw(st.integers(0, 3)) == 0 else n for n in batch)

    kv_batch = batch_of_kv()
    arrays = [draw(array(batch + (L, E), -2, 2)), draw(array(kv_batch + (S, E), -2, 2)),
              draw(array(kv_batch + (S, Ev), -2, 2))]
    kwargs = {"enable_gqa": True} if gqa else {}
    mask_kind = draw(st.sampled_from(["none", "float", "bool", "causal"]))
    mask_shape = draw(st.sampled_from([(L, S), batch + (L, S), (1, S)]))
    if mask_kind == "float":
        arrays.append(draw(array(mask_shape, -2, 2)))
    elif mask_kind == "bool":
        mask = draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)), max_size=int(np.prod(mask_shape))))
        kwargs["attn_mask"] = np.array(mask, dtype=bool).reshape(mask_shape)
    elif mask_kind == "causal":
        kwargs["is_causal"] = True
    if draw(st.booleans()):
        kwargs["scale"] = draw(st.sampled_from([0.3, 1.0]))
    if draw(st.integers(0, 3)) == 0:
        kwargs["dropout_p"] = 0.3
    return Case(tuple(arrays), kwargs)


# -- group_norm, instance_norm ---------------------------------------------------

@st.composite
def group_norm_cases(draw):
    n = draw(st.integers(1, 2))
    num_groups, per_group = draw(st.sampled_from([(1, 2), (2, 1), (2, 2), (3, 1)]))
    spatial = draw(st.sampled_from([(), (2,), (2, 2)]))
    if per_group * int(np.prod(spatial)) < 2:
        spatial = (2,)
    c = num_groups * per_group
    x = draw(array((n, c) + spatial, -1, 1))
    # A ramp within each group: every group has a variance of about 1 or more.
    group_size = per_group * int(np.prod(spatial))
    x = (x.reshape(n, num_groups, group_size) + np.linspace(-3, 3, group_size)).reshape(x.shape)
    arrays = [x]
    if draw(st.booleans()):
        arrays += [draw(array((c,))), draw(array((c,)))]
    return Case(tuple(arrays), {"num_groups": num_groups})


def group_norm_fn(x, *affine, num_groups):
    return F.group_norm(x, num_groups, *affine)


def ref_group_norm(x, weight=None, bias=None, num_groups=1, eps=1e-5):
    g = x.reshape(x.shape[0], num_groups, -1)
    y = ((g - g.mean(axis=2, keepdims=True)) / np.sqrt(g.var(axis=2, keepdims=True) + eps)).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return y if weight is None else y * weight.reshape(shape) + bias.reshape(shape)


@st.composite
def instance_norm_cases(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    spatial = draw(st.sampled_from([(2,), (3,), (2, 2)]))
    x = _spread(draw(array((n, c) + spatial, -1, 1)), tuple(range(2, 2 + len(spatial))))
    arrays = [x]
    if draw(st.booleans()):
        arrays += [draw(array((c,))), draw(array((c,)))]
    kwargs = {"use_input_stats": draw(st.booleans())}
    if not kwargs["use_input_stats"] or draw(st.booleans()):
        kwargs["running_mean"] = draw(array((c,)))
        kwargs["running_var"] = draw(array((c,), 0.3, 2.0))
    return Case(tuple(arrays), kwargs)


def instance_norm_fn(x, *affine, running_mean=None, running_var=None, use_input_stats=True):
    # Fresh copies: use_input_stats updates the running statistics in place.
    running_mean = None if running_mean is None else running_mean.copy()
    running_var = None if running_var is None else running_var.copy()
    return F.instance_norm(x, running_mean, running_var, *affine, use_input_stats=use_input_stats)


def ref_instance_norm(x, weight=None, bias=None, running_mean=None, running_var=None, use_input_stats=True,
                      eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if use_input_stats:
        axes = tuple(range(2, x.ndim))
        mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    else:
        mu, var = running_mean.reshape(shape), running_var.reshape(shape)
    y = (x - mu) / np.sqrt(var + eps)
    return y if weight is None else y * weight.reshape(shape) + bias.reshape(shape)


# -- dropout2d ----------------------------------------------------------------------

def dropout2d_fn(x, p):
    mg.manual_seed(0)  # the same channel mask on every call of gradcheck
    return F.dropout2d(x, p, training=True)


def ref_dropout2d(x, p):
    """Documented behaviour: keep channel (n, c) where a uniform draw of
    shape (N, C, 1, 1) from minigrad's generator is >= p, scale by 1 / (1 - p)."""
    keep = np.random.default_rng(0).random(x.shape[:2] + (1, 1)) >= p
    return np.where(keep, x / (1 - p), 0.0) if p < 1 else np.zeros_like(x)


dropout2d_cases = st.tuples(st.sampled_from([(2, 3, 2, 2), (3, 4, 1, 2), (1, 2, 3, 2)]),
                            st.sampled_from([0.0, 0.3, 0.5, 1.0])
                            ).flatmap(lambda t: array(t[0]).map(lambda a: Case((a,), {"p": t[1]})))


SPECS = [
    OpSpec("scaled_dot_product_attention", sdpa_fn, ref_sdpa, sdpa_cases()),
    OpSpec("group_norm", group_norm_fn, ref_group_norm, group_norm_cases()),
    OpSpec("instance_norm", instance_norm_fn, ref_instance_norm, instance_norm_cases()),
    OpSpec("dropout2d", dropout2d_fn, ref_dropout2d, dropout2d_cases),
]
