"""Attention, the Transformer and the group and instance normalisation
layers without PyTorch: clear errors for bad input, and behaviours the op
table and the PyTorch comparisons do not reach (dtypes, masks as Variables,
deep copies, dropout switches)."""
import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn


def raises(error, *fragments):
    """pytest.raises(error) whose message contains every fragment, in order."""
    return pytest.raises(error, match=".*".join(re.escape(f) for f in fragments))


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


q, k, v = rand(2, 3, 4), rand(2, 5, 4, seed=1), rand(2, 5, 6, seed=2)

# (id, call, exception type, message fragments in order)
ERRORS = [
    ("sdpa_feature_sizes", lambda: F.scaled_dot_product_attention(q, rand(2, 5, 3), v), ValueError,
     ["scaled_dot_product_attention: query of shape (2, 3, 4) and key of shape (2, 5, 3) have different "
      "feature sizes 4 and 3"]),
    ("sdpa_lengths", lambda: F.scaled_dot_product_attention(q, k, rand(2, 4, 6)), ValueError,
     ["scaled_dot_product_attention: key of shape (2, 5, 4) and value of shape (2, 4, 6) have different lengths"]),
    ("sdpa_batch", lambda: F.scaled_dot_product_attention(q, rand(3, 5, 4), rand(3, 5, 6)), ValueError,
     ["batch dimensions of query (2, 3, 4), key (3, 5, 4) and value (3, 5, 6) do not broadcast"]),
    ("sdpa_1d", lambda: F.scaled_dot_product_attention(rand(4), k, v), ValueError,
     ["scaled_dot_product_attention: query has shape (4,); expected at least 2 dimensions"]),
    ("sdpa_mask_shape", lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 4), bool)), ValueError,
     ["scaled_dot_product_attention: attn_mask of shape (3, 4) does not broadcast to the attention scores' "
      "shape (2, 3, 5)"]),
    ("sdpa_mask_too_big", lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((4, 2, 3, 5))),
     ValueError, ["attn_mask of shape (4, 2, 3, 5) does not broadcast", "(2, 3, 5)"]),
    ("sdpa_mask_dtype", lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=np.ones((3, 5), int)), TypeError,
     ["scaled_dot_product_attention: attn_mask has dtype int64; expected a boolean mask or a float mask"]),
    ("sdpa_causal_and_mask", lambda: F.scaled_dot_product_attention(q, k, v, np.ones((3, 5), bool), is_causal=True),
     ValueError, ["scaled_dot_product_attention: is_causal=True and an attn_mask were both given"]),
    ("sdpa_dropout_p", lambda: F.scaled_dot_product_attention(q, k, v, dropout_p=1.5), ValueError,
     ["scaled_dot_product_attention: dropout_p=1.5 is not a probability"]),
    ("sdpa_gqa_heads", lambda: F.scaled_dot_product_attention(rand(2, 6, 3, 4), rand(2, 4, 5, 4), rand(2, 4, 5, 4),
                                                               enable_gqa=True), ValueError,
     ["scaled_dot_product_attention: enable_gqa=True needs key and value with the same number of heads (axis -3), "
      "dividing the query's; got query (2, 6, 3, 4), key (2, 4, 5, 4)"]),
    ("sdpa_gqa_mask", lambda: F.scaled_dot_product_attention(rand(6, 3, 4), rand(2, 5, 4), rand(2, 5, 4),
                                                              attn_mask=np.ones((2, 3, 5), bool), enable_gqa=True),
     ValueError, ["attn_mask of shape (2, 3, 5) does not broadcast to the attention scores' shape (6, 3, 5)"]),
    ("mha_heads", lambda: nn.MultiheadAttention(10, 3), ValueError,
     ["MultiheadAttention: embed_dim=10 is not divisible by num_heads=3"]),
    ("mha_kdim", lambda: nn.MultiheadAttention(8, 2, kdim=4), NotImplementedError,
     ["MultiheadAttention: kdim=4 differs from embed_dim=8"]),
    ("mha_add_bias_kv", lambda: nn.MultiheadAttention(8, 2, 0.0, True, True), NotImplementedError,
     ["MultiheadAttention: add_bias_kv=True is not supported"]),
    ("mha_features", lambda: nn.MultiheadAttention(8, 2)(rand(4, 2, 6), rand(4, 2, 6), rand(4, 2, 6)), ValueError,
     ["MultiheadAttention: query of shape (4, 2, 6) has 6 features, expected embed_dim=8"]),
    ("mha_ranks", lambda: nn.MultiheadAttention(8, 2)(rand(4, 2, 8), rand(4, 8), rand(4, 8)), ValueError,
     ["MultiheadAttention: query, key and value have shapes (4, 2, 8), (4, 8), (4, 8); expected all 3-D"]),
    ("mha_batch", lambda: nn.MultiheadAttention(8, 2)(rand(4, 2, 8), rand(5, 3, 8), rand(5, 3, 8)), ValueError,
     ["MultiheadAttention: query of shape (4, 2, 8) and key of shape (5, 3, 8) have different batch sizes"]),
    ("mha_key_value", lambda: nn.MultiheadAttention(8, 2)(rand(4, 2, 8), rand(5, 2, 8), rand(6, 2, 8)), ValueError,
     ["MultiheadAttention: key of shape (5, 2, 8) and value of shape (6, 2, 8) differ"]),
    ("mha_attn_mask", lambda: nn.MultiheadAttention(8, 2)(*[rand(4, 3, 8)] * 3, attn_mask=np.zeros((4, 5), bool)),
     ValueError, ["MultiheadAttention: attn_mask of shape (4, 5) does not fit; expected (L, S) = (4, 4) or "
                  "(N * num_heads, L, S) = (6, 4, 4)"]),
    ("mha_key_padding_mask", lambda: nn.MultiheadAttention(8, 2)(*[rand(4, 3, 8)] * 3,
                                                                  key_padding_mask=np.zeros((4, 3), bool)),
     ValueError, ["MultiheadAttention: key_padding_mask of shape (4, 3) does not fit; expected (N, S) = (3, 4)"]),
    ("encoder_activation", lambda: nn.TransformerEncoderLayer(8, 2, activation="swish"), ValueError,
     ["TransformerEncoderLayer: activation='swish' is not supported; expected 'relu' or 'gelu'"]),
    ("encoder_heads", lambda: nn.TransformerEncoderLayer(10, 4), ValueError,
     ["MultiheadAttention: embed_dim=10 is not divisible by num_heads=4"]),
    ("group_norm_groups", lambda: F.group_norm(rand(2, 6, 3), 4), ValueError,
     ["group_norm: the 6 channels of x of shape (2, 6, 3) do not split into num_groups=4 groups"]),
    ("group_norm_weight", lambda: F.group_norm(rand(2, 6, 3), 3, np.ones(4)), ValueError,
     ["group_norm: weight has shape (4,), expected (6,)"]),
    ("GroupNorm_channels", lambda: nn.GroupNorm(4, 6), ValueError,
     ["GroupNorm: num_channels=6 is not divisible by num_groups=4"]),
    ("GroupNorm_input", lambda: nn.GroupNorm(2, 6)(rand(2, 4, 3)), ValueError,
     ["GroupNorm: expected an input (N, C, ...) with C = num_channels = 6, got shape (2, 4, 3)"]),
    ("instance_norm_one_value", lambda: F.instance_norm(rand(2, 3, 1, 1)), ValueError,
     ["instance_norm: needs more than one spatial value per channel, got x of shape (2, 3, 1, 1)"]),
    ("instance_norm_running", lambda: F.instance_norm(rand(2, 3, 4), use_input_stats=False), ValueError,
     ["instance_norm: use_input_stats=False needs running_mean and running_var"]),
    ("InstanceNorm2d_input", lambda: nn.InstanceNorm2d(3)(rand(2, 4, 5, 5)), ValueError,
     ["InstanceNorm2d: expected a 4-D (N, C, H, W) or 3-D (C, H, W) input with C = num_features = 3, "
      "got shape (2, 4, 5, 5)"]),
    ("dropout2d_rank", lambda: F.dropout2d(rand(3, 4, 5)), ValueError,
     ["dropout2d: expected a 4-D input (N, C, H, W), got shape (3, 4, 5)"]),
    ("dropout2d_p", lambda: nn.Dropout2d(2.0), ValueError, ["Dropout2d: p is the probability"]),
    ("embedding_padding_idx", lambda: nn.Embedding(5, 3, padding_idx=5), ValueError,
     ["Embedding: padding_idx=5 is out of range for 5 embeddings; expected -5 <= padding_idx < 5"]),
]


@pytest.mark.parametrize("call, error, fragments", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_input_gives_a_clear_error(call, error, fragments):
    with raises(error, *fragments):
        call()


# -- scaled_dot_product_attention ------------------------------------------------------

def test_sdpa_keeps_float32_and_casts_a_constant_float_mask():
    q32, k32, v32 = (mg.Variable(a.astype(np.float32)) for a in (q, k, v))
    y = F.scaled_dot_product_attention(q32, k32, v32, attn_mask=np.zeros((3, 5)))
    assert y.dtype == np.float32


def test_sdpa_a_float_mask_variable_receives_a_gradient():
    bias = mg.Variable(rand(3, 5, seed=3))
    F.scaled_dot_product_attention(q, k, v, attn_mask=bias).sum().backward()
    assert bias.grad is not None and bias.grad.shape == (3, 5)
    assert mg.gradcheck(lambda b: F.scaled_dot_product_attention(q, k, v, attn_mask=b), rand(3, 5, seed=3))


def test_sdpa_fully_masked_rows_give_zeros_and_no_nan_gradients():
    mask = np.ones((3, 5), bool)
    mask[1] = False
    qv = mg.Variable(q)
    y = F.scaled_dot_product_attention(qv, k, v, attn_mask=mask)
    assert np.all(y.data[:, 1] == 0)
    y.sum().backward()
    assert np.all(np.isfinite(qv.grad.data)) and np.all(qv.grad.data[:, 1] == 0)


def test_sdpa_dropout_follows_test_mode():
    mg.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    with mg.test_mode():
        b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_allclose(b.data, F.scaled_dot_product_attention(q, k, v).data)
    assert not np.allclose(a.data, b.data)


def test_sdpa_without_keys_gives_zeros():
    y = F.scaled_dot_product_attention(q, np.zeros((2, 0, 4)), np.zeros((2, 0, 6)))
    assert y.shape == (2, 3, 6) and not y.data.any()


# -- MultiheadAttention and the encoder -----------------------------------------------

def test_mha_shapes_batched_unbatched_and_per_head_weights():
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    out, weights = mha(rand(3, 4, 8), rand(3, 5, 8), rand(3, 5, 8), average_attn_weights=False)
    assert out.shape == (3, 4, 8) and weights.shape == (3, 2, 4, 5)
    out, weights = mha(rand(4, 8), rand(5, 8), rand(5, 8))
    assert out.shape == (4, 8) and weights.shape == (4, 5)
    out, weights = mha(rand(4, 8), rand(5, 8), rand(5, 8), need_weights=False)
    assert weights is None


def test_mha_a_float_mask_variable_receives_a_gradient():
    mha = nn.MultiheadAttention(8, 2).double()
    bias = mg.Variable(rand(4, 4, seed=5))
    x = rand(4, 2, 8)
    mha(x, x, x, attn_mask=bias)[0].sum().backward()
    assert bias.grad.shape == (4, 4) and np.abs(bias.grad.data).sum() > 0


def test_mha_float32_parameters_give_float32_outputs():
    mha = nn.MultiheadAttention(8, 2)
    x = rand(4, 2, 8).astype(np.float32)
    out, weights = mha(x, x, x)
    assert out.dtype == np.float32 and weights.dtype == np.float32


def test_encoder_layer_dropout_is_off_in_eval_and_on_in_training():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5).double()
    x = rand(4, 2, 8)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    layer.train()
    mg.manual_seed(0)
    assert not np.allclose(layer(x).data, layer.eval()(x).data)


def test_encoder_layer_takes_a_callable_activation_and_gradients_reach_every_parameter():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation=nn.GELU(), batch_first=True)
    x = mg.Variable(rand(2, 4, 8).astype(np.float32))
    layer(x, is_causal=True).sum().backward()
    assert all(p.grad is not None for p in layer.parameters())
    assert x.grad.shape == x.shape


def test_encoder_stacks_deep_copies_with_pytorchs_names():
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 3, norm=nn.LayerNorm(8))
    names = list(encoder.state_dict())
    assert names[0] == "layers.0.self_attn.in_proj_weight" and names[-1] == "norm.bias"
    assert len(names) == 3 * 12 + 2
    first = encoder.layers[0].self_attn.in_proj_weight
    first.data[...] = 0
    assert encoder.layers[1].self_attn.in_proj_weight.data.any()
    assert encoder(rand(5, 2, 8).astype(np.float32)).shape == (5, 2, 8)


# -- normalisation, dropout, embedding --------------------------------------------------

def test_instance_norm_running_stats_update_only_when_tracking_and_training():
    norm = nn.InstanceNorm2d(3, track_running_stats=True)
    norm(rand(2, 3, 4, 4) + 5)
    assert np.all(norm.running_mean > 0.3)
    before = norm.running_mean.copy()
    norm.eval()(rand(2, 3, 4, 4))
    np.testing.assert_array_equal(norm.running_mean, before)
    assert list(norm.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]


def test_group_norm_of_float32_stays_float32():
    y = nn.GroupNorm(2, 4)(rand(2, 4, 3).astype(np.float32))
    assert y.dtype == np.float32 and y.shape == (2, 4, 3)


def test_dropout2d_identity_in_eval_and_for_p_zero():
    x = rand(2, 3, 4, 4)
    np.testing.assert_array_equal(nn.Dropout2d(0.5).eval()(x).data, x)
    np.testing.assert_array_equal(F.dropout2d(x, 0.0, training=True).data, x)
    assert not F.dropout2d(x, 1.0, training=True).data.any()


def test_embedding_padding_row_gets_no_gradient_and_stays_after_an_update():
    emb = nn.Embedding(5, 3, padding_idx=-2)
    assert emb.padding_idx == 3 and not emb.weight.data[3].any()
    emb(np.array([[3, 1], [3, 3]])).sum().backward()
    assert not emb.weight.grad.data[3].any() and emb.weight.grad.data[1].all()


def test_the_transformer_benchmark_runs(capsys):
    from benchmarks.transformer_step import main
    main(["--repeats", "1", "--ff", "16", "--seq", "4", "--batch", "2", "--dropout", "0"])
    assert "ms/step" in capsys.readouterr().out
