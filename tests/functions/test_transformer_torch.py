"""Attention, the Transformer encoder and the group and instance
normalisation layers against PyTorch's: build the torch layer, load its
state_dict (as arrays) into ours, then compare outputs and the gradients of
inputs and of every parameter, in float64 (1e-9) and float32 (2e-4).
Skipped without torch."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn

torch = pytest.importorskip("torch")
tnn = torch.nn
from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)
TF = torch.nn.functional
# PyTorch's fused CPU attention kernel has no second derivative; its math one does.
def math_attention():
    return torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.MATH)

TOLERANCES = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=2e-4, atol=2e-5)}
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
TORCH_DTYPES = {np.float64: torch.float64, np.float32: torch.float32}


def _rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape) + len(shape)).standard_normal(shape)


@pytest.fixture(autouse=True)
def _seed_torch():
    torch.manual_seed(0)


def _shift_norm_weights(theirs):
    """Give norm layers non-trivial weights (torch starts them at 1 and 0)."""
    with torch.no_grad():
        for module in theirs.modules():
            if isinstance(module, (tnn.LayerNorm, tnn.GroupNorm, tnn.InstanceNorm2d)) and module.weight is not None:
                for p in (module.weight, module.bias):
                    if p is not None:
                        p.add_(torch.linspace(-0.5, 0.5, p.numel(), dtype=p.dtype).reshape(p.shape))


def _load(ours, theirs, dtype):
    _shift_norm_weights(theirs)
    theirs.to(TORCH_DTYPES[dtype])
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({name: t.detach().numpy() for name, t in theirs.state_dict().items()})
    ours.to(dtype)


def _pair(a, dtype, grad=True):
    """(our Variable, torch tensor) of one float array; masks and indices as they are."""
    if a.dtype.kind != "f":
        return a, torch.tensor(a)
    return mg.Variable(a.astype(dtype)), torch.tensor(a.astype(dtype), requires_grad=grad)


def _compare(ours, theirs, our_outputs, torch_outputs, inputs, dtype):
    """Outputs equal, then the gradients of a fixed weighting of them."""
    tolerance = TOLERANCES[dtype]
    our_outputs = [y for y in our_outputs if y is not None]
    torch_outputs = [t for t in torch_outputs if t is not None]
    assert len(our_outputs) == len(torch_outputs)
    for y, t in zip(our_outputs, torch_outputs):
        assert y.dtype == dtype and y.shape == tuple(t.shape)
        np.testing.assert_allclose(y.data, t.detach().numpy(), **tolerance)
    weights = [_rand(*t.shape, seed=7) for t in torch_outputs]
    sum((y * w.astype(dtype)).sum() for y, w in zip(our_outputs, weights)).backward()
    sum((t * torch.tensor(w, dtype=t.dtype)).sum() for t, w in zip(torch_outputs, weights)).backward()
    for x, t in inputs:
        if isinstance(x, mg.Variable):
            np.testing.assert_allclose(x.grad.data, t.grad.numpy(), **tolerance)
    torch_grads = dict(theirs.named_parameters())
    our_grads = dict(ours.named_parameters())
    assert set(our_grads) == set(torch_grads)
    for name, p in our_grads.items():
        np.testing.assert_allclose(p.grad.data, torch_grads[name].grad.numpy(), err_msg=name, **tolerance)


# -- MultiheadAttention ---------------------------------------------------------

E, HEADS, L, S, N = 8, 2, 4, 5, 3


def _bool_mask(shape, seed=1):
    """A boolean mask, True (masked out, PyTorch's MHA convention) at about
    a third of the places, never a whole row."""
    mask = np.random.default_rng(seed).random(shape) < 0.35
    mask[..., 0] = False
    return mask


def _causal_float(L, S):
    return np.triu(np.full((L, S), -np.inf), k=1)


# (mha keyword arguments, query/key/value layout, forward keyword arguments)
MHA_CASES = {
    "self_attention": ({}, "self", {}),
    "cross_attention": ({}, "cross", {}),
    "batch_first": ({"batch_first": True}, "cross", {}),
    "batch_first_self": ({"batch_first": True}, "self", {}),
    "no_bias": ({"bias": False}, "cross", {}),
    "one_head": ({"num_heads": 1}, "cross", {}),
    "attn_mask_bool": ({}, "cross", {"attn_mask": _bool_mask((L, S))}),
    "attn_mask_float": ({}, "cross", {"attn_mask": _rand(L, S, seed=3)}),
    "attn_mask_per_head": ({}, "cross", {"attn_mask": _bool_mask((N * HEADS, L, S))}),
    "key_padding_mask_bool": ({}, "cross", {"key_padding_mask": _bool_mask((N, S), seed=2)}),
    "key_padding_mask_float": ({"batch_first": True}, "cross", {"key_padding_mask": _rand(N, S, seed=4)}),
    "both_masks_bool": ({}, "cross", {"attn_mask": _bool_mask((L, S)), "key_padding_mask": _bool_mask((N, S), 2)}),
    "both_masks_float": ({}, "cross", {"attn_mask": _rand(L, S, seed=3), "key_padding_mask": _rand(N, S, seed=2)}),
    "causal": ({}, "self", {"attn_mask": _causal_float(L, L), "is_causal": True}),
    "per_head_weights": ({}, "cross", {"average_attn_weights": False}),
    "no_weights": ({}, "cross", {"need_weights": False}),
    "unbatched": ({}, "unbatched", {"attn_mask": _bool_mask((L, S))}),
    "unbatched_per_head_weights": ({}, "unbatched", {"average_attn_weights": False}),
    "unbatched_batch_first": ({"batch_first": True}, "unbatched", {"key_padding_mask": _bool_mask((S,), seed=2)}),
    "unbatched_self_attention": ({"batch_first": True}, "unbatched_self", {"attn_mask": _bool_mask((L, L))}),
}


def _mha_inputs(layout, dtype):
    if layout in ("self", "unbatched_self"):
        x = _pair(_rand(L, N, E) if layout == "self" else _rand(L, E), dtype)
        return [x, x, x], [x]
    if layout == "unbatched":
        q, k, v = _pair(_rand(L, E), dtype), _pair(_rand(S, E, seed=1), dtype), _pair(_rand(S, E, seed=2), dtype)
    else:
        q, k, v = (_pair(_rand(L, N, E), dtype), _pair(_rand(S, N, E, seed=1), dtype),
                   _pair(_rand(S, N, E, seed=2), dtype))
    return [q, k, v], [q, k, v]


def _batch_first(pairs):
    return [(mg.Variable(x.data.transpose(1, 0, 2).copy()), t.detach().transpose(0, 1).clone().requires_grad_())
            for x, t in pairs]


@DTYPES
@pytest.mark.parametrize("case", sorted(MHA_CASES))
def test_multihead_attention_matches_pytorch(case, dtype):
    settings, layout, kwargs = MHA_CASES[case]
    settings = {"num_heads": HEADS, **settings}
    ours, theirs = nn.MultiheadAttention(E, **settings), tnn.MultiheadAttention(E, **settings)
    _load(ours, theirs, dtype)
    args, leaves = _mha_inputs(layout, dtype)
    if settings.get("batch_first") and not layout.startswith("unbatched"):
        leaves = _batch_first(leaves)
        args = leaves * 3 if layout == "self" else leaves
    our_kwargs = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in kwargs.items()
                  if isinstance(v, np.ndarray)}
    torch_kwargs = {k: torch.tensor(v) for k, v in our_kwargs.items()}
    flags = {k: v for k, v in kwargs.items() if not isinstance(v, np.ndarray)}
    our_out = ours(*[x for x, _ in args], **our_kwargs, **flags)
    torch_out = theirs(*[t for _, t in args], **torch_kwargs, **flags)
    _compare(ours, theirs, our_out, torch_out, leaves, dtype)


def test_multihead_attention_is_causal_without_a_mask_builds_the_causal_mask():
    ours, theirs = nn.MultiheadAttention(E, HEADS), tnn.MultiheadAttention(E, HEADS)
    _load(ours, theirs, np.float64)
    x = _rand(L, N, E)
    out, weights = ours(x, x, x, is_causal=True)
    expected = theirs(*[torch.tensor(x)] * 3, attn_mask=torch.tensor(_causal_float(L, L)))
    np.testing.assert_allclose(out.data, expected[0].detach().numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(weights.data, expected[1].detach().numpy(), rtol=1e-9, atol=1e-10)


def test_multihead_attention_fully_masked_query_gives_zero_weights_as_pytorch_without_weights():
    ours, theirs = nn.MultiheadAttention(E, HEADS), tnn.MultiheadAttention(E, HEADS)
    _load(ours, theirs, np.float64)
    x = _rand(L, N, E)
    padding = np.zeros((N, L), dtype=bool)
    padding[1] = True  # sample 1 may look at nothing
    out, weights = ours(x, x, x, key_padding_mask=padding)
    expected = theirs(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(padding), need_weights=False)[0]
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-9, atol=1e-10)
    assert np.all(weights.data[1] == 0) and np.all(np.isfinite(weights.data))


def test_multihead_attention_dropout_only_in_training():
    mha = nn.MultiheadAttention(E, HEADS, dropout=0.5).to(np.float64)
    x = _rand(L, N, E)
    mg.manual_seed(0)
    _, train_weights = mha(x, x, x, average_attn_weights=False)
    assert np.any(train_weights.data == 0)
    mha.eval()
    _, eval_weights = mha(x, x, x, average_attn_weights=False)
    np.testing.assert_allclose(eval_weights.data.sum(axis=-1), 1.0)


def test_multihead_attention_initialisation_is_pytorchs():
    mg.manual_seed(0)
    mha = nn.MultiheadAttention(64, 4)
    xavier_bound = np.sqrt(6 / (64 + 3 * 64))
    assert np.abs(mha.in_proj_weight.data).max() <= xavier_bound
    assert np.abs(mha.in_proj_weight.data).max() > 0.9 * xavier_bound
    assert np.abs(mha.out_proj.weight.data).max() <= 1 / 8
    assert not mha.in_proj_bias.data.any() and not mha.out_proj.bias.data.any()
    assert nn.TransformerEncoderLayer.casts_input
    # MultiheadAttention casts all three constant inputs itself (query, key, value).
    q, kv = np.ones((2, 1, mha.embed_dim)), np.ones((3, 1, mha.embed_dim))
    assert mha(q, kv, kv)[0].dtype == np.float32


# -- scaled_dot_product_attention -------------------------------------------------

SDPA_CASES = {
    "plain": {},
    "bool_mask": {"attn_mask": ~_bool_mask((L, S))},
    "bool_mask_fully_masked_row": {"attn_mask": np.tile(np.array([True, False, True, True])[:, None], (1, S))},
    "float_mask_batched": {"attn_mask": _rand(2, 1, L, S, seed=3)},
    "float_mask_with_inf_row": {"attn_mask": np.where(np.arange(L)[:, None] == 2, -np.inf, _rand(L, S, seed=5))},
    "causal": {"is_causal": True},
    "scale": {"scale": 0.3},
}


@DTYPES
@pytest.mark.parametrize("case", sorted(SDPA_CASES))
def test_scaled_dot_product_attention_matches_pytorch_first_and_second_order(case, dtype):
    kwargs = SDPA_CASES[case]
    pairs = [_pair(_rand(2, 3, L, 6), dtype), _pair(_rand(2, 3, S, 6, seed=1), dtype),
             _pair(_rand(2, 3, S, 7, seed=2), dtype)]
    ours = {k: (v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
            for k, v in kwargs.items()}
    theirs = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in ours.items()}
    y = F.scaled_dot_product_attention(*[x for x, _ in pairs], **ours)
    with math_attention():
        t = TF.scaled_dot_product_attention(*[t for _, t in pairs], **theirs)
    tolerance = TOLERANCES[dtype]
    np.testing.assert_allclose(y.data, t.detach().numpy(), **tolerance)
    # Second order: d/dinputs of ||dy.w / dq||^2.
    w = _rand(*y.shape, seed=9).astype(dtype)
    (gq,) = mg.grad((y * w).sum(), [pairs[0][0]], create_graph=True)
    (tq,) = torch.autograd.grad((t * torch.tensor(w)).sum(), [pairs[0][1]], create_graph=True)
    np.testing.assert_allclose(gq.data, tq.detach().numpy(), **tolerance)
    (gq * gq).sum().backward()
    with math_attention():
        (tq * tq).sum().backward()
    for x, t_ in pairs:
        np.testing.assert_allclose(x.grad.data, t_.grad.numpy(), **tolerance)


@pytest.mark.parametrize("mask_shape", [None, (6, L, S), (2, 1, L, S)])
def test_grouped_query_attention_matches_pytorch(mask_shape):
    q, k, v = (_pair(a, np.float64) for a in (_rand(2, 6, L, 5), _rand(2, 2, S, 5, seed=1), _rand(2, 2, S, 3, seed=2)))
    mask = None if mask_shape is None else _rand(*mask_shape, seed=3)
    y = F.scaled_dot_product_attention(q[0], k[0], v[0], attn_mask=mask, enable_gqa=True)
    with math_attention():
        t = TF.scaled_dot_product_attention(q[1], k[1], v[1], attn_mask=None if mask is None else torch.tensor(mask),
                                            enable_gqa=True)
    _compare(nn.Module(), tnn.Module(), [y], [t], [q, k, v], np.float64)


# -- TransformerEncoderLayer, TransformerEncoder ----------------------------------

D, FF = 8, 12


def _encoder_masks(batch_first):
    src_mask = _bool_mask((L, L), seed=5)
    np.fill_diagonal(src_mask, False)
    return {"src_mask": src_mask, "src_key_padding_mask": _bool_mask((N, L), seed=6)}


@DTYPES
@pytest.mark.parametrize("batch_first", [False, True], ids=["seq_first", "batch_first"])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("norm_first", [False, True], ids=["post_norm", "pre_norm"])
@pytest.mark.parametrize("masks", [False, True], ids=["no_mask", "masks"])
def test_transformer_encoder_layer_matches_pytorch_in_eval_mode(norm_first, activation, batch_first, masks, dtype):
    settings = dict(dim_feedforward=FF, activation=activation, batch_first=batch_first, norm_first=norm_first)
    ours, theirs = nn.TransformerEncoderLayer(D, HEADS, **settings), tnn.TransformerEncoderLayer(D, HEADS, **settings)
    _load(ours, theirs, dtype)
    ours.eval()
    theirs.eval()
    x = _pair(_rand(N, L, D) if batch_first else _rand(L, N, D), dtype)
    kwargs = _encoder_masks(batch_first) if masks else {}
    our_out = ours(x[0], **kwargs)
    torch_out = theirs(x[1], **{k: torch.tensor(v) for k, v in kwargs.items()})
    _compare(ours, theirs, [our_out], [torch_out], [x], dtype)


@DTYPES
def test_transformer_encoder_matches_pytorch(dtype):
    layer_settings = dict(dim_feedforward=FF, activation="gelu", norm_first=True)
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS, **layer_settings), 2, norm=nn.LayerNorm(D))
    theirs = tnn.TransformerEncoder(tnn.TransformerEncoderLayer(D, HEADS, **layer_settings), 2,
                                    norm=tnn.LayerNorm(D), enable_nested_tensor=False)
    with torch.no_grad():  # the two copies of the layer should differ
        for p in theirs.layers[1].parameters():
            p.add_(0.1 * torch.randn_like(p))
    _load(ours, theirs, dtype)
    ours.eval()
    theirs.eval()
    x = _pair(_rand(L, N, D), dtype)
    causal = _causal_float(L, L)
    our_out = ours(x[0], mask=causal.astype(dtype), is_causal=True)
    torch_out = theirs(x[1], mask=torch.tensor(causal.astype(dtype)), is_causal=True)
    _compare(ours, theirs, [our_out], [torch_out], [x], dtype)


def test_encoder_layers_are_independent_copies():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS, FF), 2)
    a, b = encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight
    assert a is not b and a.data is not b.data


def test_gradient_penalty_through_a_transformer_encoder_layer_matches_pytorch():
    """d/dparams of ||d out.sum() / d src||^2: second order through attention,
    softmax, layer norm and gelu."""
    settings = dict(dim_feedforward=FF, activation="gelu", norm_first=False)
    ours, theirs = nn.TransformerEncoderLayer(D, HEADS, **settings), tnn.TransformerEncoderLayer(D, HEADS, **settings)
    _load(ours, theirs, np.float64)
    ours.eval()
    theirs.eval()
    x, t = _pair(_rand(L, N, D), np.float64)
    mask = _encoder_masks(False)
    w = _rand(L, N, D, seed=11)
    (gx,) = mg.grad((ours(x, **mask) * w).sum(), [x], create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    with math_attention():
        torch_out = theirs(t, **{k: torch.tensor(v) for k, v in mask.items()})
        (tx,) = torch.autograd.grad((torch_out * torch.tensor(w)).sum(), [t], create_graph=True)
        torch_penalty = (tx * tx).sum()
        torch_penalty.backward()
    np.testing.assert_allclose(penalty.data, torch_penalty.detach().numpy(), rtol=1e-9)
    for name, p in theirs.named_parameters():
        # The penalty does not depend on norm2.bias: no gradient (None) on both sides.
        ours_grad = dict(ours.named_parameters())[name].grad
        assert (ours_grad is None) == (p.grad is None), name
        if p.grad is not None:
            np.testing.assert_allclose(ours_grad.data, p.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)


# -- GroupNorm, InstanceNorm2d, Embedding, Dropout2d --------------------------------

NORM_CASES = {
    "group_norm": lambda: (nn.GroupNorm(2, 6), tnn.GroupNorm(2, 6), (2, 6, 3, 4)),
    "group_norm_1d_no_affine": lambda: (nn.GroupNorm(3, 3, affine=False), tnn.GroupNorm(3, 3, affine=False),
                                        (4, 3, 5)),
    "group_norm_one_group": lambda: (nn.GroupNorm(1, 4, eps=1e-3), tnn.GroupNorm(1, 4, eps=1e-3), (2, 4, 2, 2)),
    "instance_norm": lambda: (nn.InstanceNorm2d(3), tnn.InstanceNorm2d(3), (2, 3, 4, 4)),
    "instance_norm_affine_running": lambda: (
        nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        tnn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 5)),
    "instance_norm_unbatched": lambda: (nn.InstanceNorm2d(3, affine=True), tnn.InstanceNorm2d(3, affine=True),
                                        (3, 4, 4)),
}


@DTYPES
@pytest.mark.parametrize("case", sorted(NORM_CASES))
def test_normalisation_layers_match_pytorch(case, dtype):
    ours, theirs, shape = NORM_CASES[case]()
    _load(ours, theirs, dtype)
    x = _pair(_rand(*shape) * 2 + 1, dtype)
    _compare(ours, theirs, [ours(x[0])], [theirs(x[1])], [x], dtype)
    for name, buffer in theirs.named_buffers():  # running statistics after a training step
        np.testing.assert_allclose(ours.state_dict()[name], buffer.numpy(), err_msg=name, **TOLERANCES[dtype])


@pytest.mark.parametrize("case", ["group_norm", "instance_norm", "dropout2d"])
def test_normalisation_functions_match_pytorch_first_and_second_order(case):
    x = _rand(2, 6, 3, 4) * 2 + 1
    weight, bias = _rand(6, seed=1), _rand(6, seed=2)
    ours, theirs = {
        "group_norm": (lambda x, w, b: F.group_norm(x, 3, w, b, eps=1e-3),
                       lambda x, w, b: TF.group_norm(x, 3, w, b, eps=1e-3)),
        "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                          lambda x, w, b: TF.instance_norm(x, weight=w, bias=b)),
        # p = 1 drops every channel in both; in eval mode both are the identity.
        "dropout2d": (lambda x, w, b: F.dropout2d(x, 1.0, training=True)
                      + F.dropout2d(x * w[:, None, None], 0.3, training=False) + b[:, None, None],
                      lambda x, w, b: TF.dropout2d(x, 1.0, training=True)
                      + TF.dropout2d(x * w[:, None, None], 0.3, training=False) + b[:, None, None]),
    }[case]
    assert_matches_torch(ours, theirs, x, weight, bias)


def test_instance_norm_with_running_stats_matches_pytorch_in_eval_mode():
    ours = nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3)
    theirs = tnn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3)
    _load(ours, theirs, np.float64)
    for shift in (0.0, 1.0, -2.0):
        x = _rand(2, 3, 4, 4) * (1 + abs(shift)) + shift
        ours(x)
        theirs(torch.tensor(x))
    ours.eval()
    theirs.eval()
    x = _pair(_rand(2, 3, 4, 4), np.float64)
    _compare(ours, theirs, [ours(x[0])], [theirs(x[1])], [x], np.float64)


@pytest.mark.parametrize("padding_idx", [2, -1])
@DTYPES
def test_embedding_with_padding_idx_matches_pytorch(padding_idx, dtype):
    ours, theirs = nn.Embedding(6, 4, padding_idx=padding_idx), tnn.Embedding(6, 4, padding_idx=padding_idx)
    assert ours.padding_idx == theirs.padding_idx
    assert not ours.weight.data[padding_idx].any()
    with torch.no_grad():  # a non-zero padding row: returned as is, but never updated
        theirs.weight[padding_idx] = 1.5
    _load(ours, theirs, dtype)
    indices = np.array([[1, 2, 5], [5, 0, 2]])
    _compare(ours, theirs, [ours(indices)], [theirs(torch.tensor(indices))], [], dtype)
    assert not ours.weight.grad.data[padding_idx].any()


def test_dropout2d_zeroes_whole_channels_in_training_and_is_the_identity_in_eval():
    x = np.ones((4, 8, 3, 3))
    mg.manual_seed(0)
    y = nn.Dropout2d(0.5)(x).data
    per_channel = y.reshape(4, 8, -1)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 2).all(axis=2))
    assert 0 < (per_channel[:, :, 0] == 0).sum() < 32
    dropout = nn.Dropout2d(0.5).eval()
    np.testing.assert_array_equal(dropout(x).data, tnn.Dropout2d(0.5).eval()(torch.tensor(x)).numpy())
