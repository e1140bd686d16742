"""minigrad.onnx.export: every exported model passes onnx.checker and gives
minigrad's eval-mode outputs in onnxruntime (float32, 1e-5), on a batch
size other than the traced one; unsupported ops and traces that would
freeze the input's values raise clear errors."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.onnx.trace import flatten_outputs

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TOL = dict(rtol=1e-5, atol=1e-5)


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _run_onnx(path, inputs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: a for i, a in zip(session.get_inputs(), inputs)})


def _reference(model, inputs):
    if isinstance(model, nn.Module):
        model.eval()
    with mg.no_grad(), mg.test_mode():
        return [v.data for v in flatten_outputs(model(*[mg.Variable(a) for a in inputs]))]


def roundtrip(model, example, other, tmp_path, **options):
    """Export with `example`, check the model, run it in onnxruntime on
    `other` (another batch size) and compare with minigrad. Returns the proto."""
    example = example if isinstance(example, tuple) else (example,)
    other = other if isinstance(other, tuple) else (other,)
    path = tmp_path / "model.onnx"
    proto = mg.onnx.export(model, example if len(example) > 1 else example[0], path, **options)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    expected = _reference(model, other)
    got = _run_onnx(path, other)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype
        np.testing.assert_allclose(g, e, **TOL)
    return proto


def _seeded(build):
    def make():
        mg.manual_seed(0)
        return build()
    return make


# -- models: (name, builder, example input shape(s), other input shape(s)) -----------------
MLPS = {
    "mlp_relu_tanh_sigmoid": (lambda: nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(),
                                                    nn.Linear(16, 4), nn.Sigmoid()), (4, 6), (7, 6)),
    "mlp_gelu_softmax": (lambda: nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.Linear(16, 5), nn.Softmax(dim=-1)),
                         (3, 6), (1, 6)),
    "mlp_gelu_tanh_log_softmax": (lambda: nn.Sequential(nn.Linear(6, 16), nn.GELU(approximate="tanh"),
                                                        nn.Linear(16, 5), nn.LogSoftmax(dim=1)), (3, 6), (5, 6)),
    "flatten_linear": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.LeakyReLU(0.1), nn.Linear(8, 2),
                                             nn.ELU()), (2, 3, 4), (5, 3, 4)),
    "linear_on_3d": (lambda: nn.Sequential(nn.Linear(6, 8), nn.Softplus(), nn.LayerNorm(8)), (2, 5, 6), (4, 5, 6)),
    "mlp_module": (lambda: nn.MLP([6, 8, 8, 3]), (3, 6), (2, 6)),
}
RECURRENT = {
    "lstm_two_layers": (lambda: nn.LSTM(5, 6, num_layers=2), (3, 4, 5), (3, 9, 5)),
    "lstm_batch_first_bidirectional": (lambda: nn.LSTM(5, 6, batch_first=True, bidirectional=True),
                                       (4, 3, 5), (2, 3, 5)),
    "gru": (lambda: nn.GRU(5, 6), (4, 2, 5), (4, 5, 5)),
    "gru_batch_first_bidirectional": (lambda: nn.GRU(5, 6, batch_first=True, bidirectional=True),
                                      (2, 3, 5), (6, 3, 5)),
    "rnn_relu": (lambda: nn.RNN(5, 6, nonlinearity="relu"), (3, 2, 5), (3, 4, 5)),
    "lstm_cell": (lambda: nn.LSTMCell(5, 6), (3, 5), (5, 5)),
}
ATTENTION = {
    "layer_norm": (lambda: nn.LayerNorm(8), (3, 4, 8), (5, 4, 8)),
    "transformer_post_norm_relu": (lambda: nn.TransformerEncoderLayer(16, 4, dim_feedforward=32), (5, 2, 16),
                                   (5, 3, 16)),
    "transformer_pre_norm_gelu_batch_first": (
        lambda: nn.TransformerEncoderLayer(16, 2, dim_feedforward=24, activation="gelu", batch_first=True,
                                           norm_first=True), (2, 5, 16), (4, 5, 16)),
    "transformer_encoder_two_layers": (
        lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True), 2),
        (3, 4, 8), (1, 4, 8)),
}


@pytest.mark.parametrize("name", sorted(MLPS))
def test_mlp_exports(name, tmp_path):
    build, shape, other = MLPS[name]
    roundtrip(_seeded(build)(), _data(*shape), _data(*other, seed=1), tmp_path)


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_recurrent_exports_unrolled_with_any_batch(name, tmp_path):
    build, shape, other = RECURRENT[name]
    roundtrip(_seeded(build)(), _data(*shape), _data(*other, seed=1), tmp_path)


@pytest.mark.parametrize("name", sorted(ATTENTION))
def test_attention_exports(name, tmp_path):
    build, shape, other = ATTENTION[name]
    roundtrip(_seeded(build)(), _data(*shape), _data(*other, seed=1), tmp_path)


def test_activations_and_norms(tmp_path):
    model = _seeded(lambda: nn.Sequential(
        nn.Linear(6, 12), nn.SiLU(), nn.Linear(12, 12), nn.Mish(), nn.Linear(12, 12), nn.SELU(), nn.CELU(2.0),
        nn.Softsign(), nn.LogSigmoid(), nn.Linear(12, 12), nn.Hardswish(), nn.Hardsigmoid(), nn.ReLU6(),
        nn.Hardtanh(-0.5, 0.5), nn.GLU(), nn.Unflatten(1, (2, 3, 1)), nn.GroupNorm(2, 2), nn.InstanceNorm2d(2),
        nn.Flatten(), nn.BatchNorm1d(6)))()
    roundtrip(model, _data(4, 6) * 3, _data(7, 6, seed=1) * 3, tmp_path)


def test_elementwise_functions(tmp_path):
    def f(x):
        p = F.exp(x) + 0.5
        return (F.log2(p) + F.log10(p) + F.log1p(p) + F.expm1(x) + F.exp2(x) + F.rsqrt(p) + F.cbrt(x) + F.erf(x)
                + F.erfc(x) + F.atan(x) + F.sinh(x) + F.cosh(x) + F.asinh(x) + F.sqrt(p) + F.sin(x) * F.cos(x)
                + F.abs(x) + F.round(x * 4) + F.round(x, 1) + F.trunc(x * 3) + F.floor(x) - F.ceil(x) + F.sign(x)
                + 2.0 ** x + 1.0 / p - (3.0 - x) + F.minimum(x, p) * F.leaky_relu(x) / F.elu(x + 3.0)
                + F.fmod(x * 5, p) + F.remainder(x * 5, p - 1.2) + F.hypot(x, p) + F.logaddexp(x, p * 2)) ** 2
    roundtrip(f, _data(3, 5), _data(6, 5, seed=1), tmp_path)


def test_outputs_that_are_inputs_weights_or_repeated(tmp_path):
    w = mg.Variable(_data(3, seed=2))
    roundtrip(lambda x: (x, x * w, x * w, w * 2.0), _data(2, 3), _data(5, 3, seed=1), tmp_path)


def test_lstm_with_initial_state(tmp_path):
    lstm = _seeded(lambda: nn.LSTM(4, 5))()
    state = lambda n, seed: (_data(1, n, 5, seed=seed), _data(1, n, 5, seed=seed + 1))  # noqa: E731
    model = lambda x, h, c: lstm(x, (h, c))  # noqa: E731
    roundtrip(model, (_data(3, 2, 4),) + state(2, 5), (_data(3, 6, 4, seed=2),) + state(6, 7), tmp_path,
              dynamic_batch=1)


def test_multihead_attention_self_with_causal_mask(tmp_path):
    mha = _seeded(lambda: nn.MultiheadAttention(16, 4, batch_first=True))()
    model = lambda x: mha(x, x, x, is_causal=True, attn_mask=None)  # noqa: E731
    roundtrip(model, _data(2, 5, 16), _data(3, 5, 16, seed=1), tmp_path)


def test_multihead_attention_cross_with_weights(tmp_path):
    mha = _seeded(lambda: nn.MultiheadAttention(8, 2))()
    mask = np.triu(np.ones((3, 4), dtype=bool), k=1)
    model = lambda q, k, v: mha(q, k, v, attn_mask=mask, average_attn_weights=False)  # noqa: E731
    proto = roundtrip(model, (_data(3, 2, 8), _data(4, 2, 8, seed=1), _data(4, 2, 8, seed=2)),
                      (_data(3, 5, 8, seed=3), _data(4, 5, 8, seed=4), _data(4, 5, 8, seed=5)), tmp_path,
                      dynamic_batch=1, input_names=["query", "key", "value"], output_names=["out", "weights"])
    assert [i.name for i in proto.graph.input] == ["query", "key", "value"]
    assert [o.name for o in proto.graph.output] == ["out", "weights"]


@pytest.mark.parametrize("causal", [False, True])
def test_scaled_dot_product_attention_function(causal, tmp_path):
    bias = _data(4, 4, seed=9)

    def attend(q, k, v):
        if causal:
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    shapes = lambda n: [(n, 2, 4, 8)] * 3  # noqa: E731
    example = tuple(_data(*s, seed=i) for i, s in enumerate(shapes(2)))
    other = tuple(_data(*s, seed=10 + i) for i, s in enumerate(shapes(5)))
    roundtrip(attend, example, other, tmp_path)


def test_cnn_exports(tmp_path):
    cnn = _seeded(lambda: nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=1, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Dropout(0.5),
        nn.Flatten(), nn.Linear(8 * 2 * 2, 5)))()
    bn = cnn[1]
    bn.running_mean[...] = _data(8, seed=3)
    bn.running_var[...] = np.abs(_data(8, seed=4)) + 0.5
    roundtrip(cnn, _data(2, 3, 16, 16), _data(5, 3, 16, 16, seed=1), tmp_path)


def test_cnn_with_dilation_groups_and_adaptive_pooling(tmp_path):
    cnn = _seeded(lambda: nn.Sequential(
        nn.Conv2d(4, 8, 3, padding="same", dilation=2), nn.ReLU(), nn.Conv2d(8, 8, 3, stride=2, groups=4),
        nn.BatchNorm2d(8), nn.Tanh(), nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.MaxPool2d(2, ceil_mode=True),
        nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten(), nn.Linear(8 * 3 * 2, 4)))()
    roundtrip(cnn, _data(2, 4, 13, 13), _data(3, 4, 13, 13, seed=1), tmp_path)


@pytest.mark.parametrize("pool", [
    lambda x: F.max_pool2d(x, 3, stride=2, pad=1) + F.avg_pool2d(x, 3, stride=2, pad=1),
    lambda x: F.max_pool2d(x, 2, stride=1, dilation=2) * 2.0,
    lambda x: F.avg_pool2d(x, 3, stride=2, pad=1, ceil_mode=True, count_include_pad=False),
    lambda x: F.avg_pool2d(x, 2, divisor_override=3),
    lambda x: F.adaptive_avg_pool2d(x, 1) - F.adaptive_max_pool2d(x, 3),
    lambda x: F.adaptive_avg_pool2d(x, (4, 2)) + F.adaptive_max_pool2d(x, (4, 2)),
], ids=["overlapping", "dilated_max", "ceil_no_pad_count", "divisor", "adaptive_divisible", "adaptive_bins"])
def test_pooling(pool, tmp_path):
    roundtrip(pool, _data(2, 3, 9, 9), _data(4, 3, 9, 9, seed=1), tmp_path)


def test_one_dimensional_layers(tmp_path):
    model = _seeded(lambda: nn.Sequential(nn.Conv1d(3, 6, 3, padding=1, dilation=1), nn.ReLU(), nn.MaxPool1d(2),
                                          nn.Conv1d(6, 6, 3, groups=3, stride=2), nn.AvgPool1d(2)))()
    roundtrip(model, _data(2, 3, 20), _data(5, 3, 20, seed=1), tmp_path)


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_upsample(mode, tmp_path):
    def model(x):
        return F.interpolate(x, scale_factor=2, mode=mode) + F.interpolate(x, size=(3, 7), mode=mode)[..., :1, :1]
    roundtrip(model, _data(2, 3, 5, 6), _data(3, 3, 5, 6, seed=1), tmp_path)


def test_ops_of_functions_on_shapes_and_indices(tmp_path):
    def f(x):
        y = F.transpose(x, (0, 2, 1))[:, 1:, ::2]            # transpose, slice with a step
        z = F.concat([y, y * 2.0], axis=1)[..., None, 0]     # concat, Ellipsis, None, an integer
        a, b = F.split(x, [1], axis=1)
        w = F.pad(b, ((0, 0), (1, 0), (0, 0)), value=1.5)
        return z.sum(axis=1) / 3.0, F.maximum(a, 0.0) - F.clip(x, -0.5, 0.5).mean(axis=(1, 2), keepdims=True), \
            F.logsumexp(w, axis=-1) + F.var(x, axis=1).max(axis=-1, keepdims=True), x[:, :, [2, 0]], -x ** 2
    roundtrip(f, _data(3, 4, 5), _data(6, 4, 5, seed=1), tmp_path)


@pytest.mark.parametrize("index", [
    (slice(None), slice(None, None, -1), -1), (Ellipsis, slice(-3, None)),
    (slice(None), np.array([True, False, True, True])),
    (slice(None), 2, slice(1, -1, 2)), (slice(None), None, np.array([[0, 3], [1, 1]]), 0),
    (slice(None), np.array([[0], [3]]), np.array([[4, 0, 1]]))],
    ids=["reversed", "ellipsis", "boolean", "int_and_step", "array_and_none", "outer"])
def test_get_item(index, tmp_path):
    roundtrip(lambda x: x[index] * 1.0, _data(3, 4, 5), _data(5, 4, 5, seed=1), tmp_path)


@pytest.mark.parametrize("index, message", [
    ((0, slice(None), np.array([1, 2])), "not next to it"),
    ((slice(None), np.array([[0, 1]]), np.array([[0], [1]])), r"<int64 array of shape \(1, 2\)>.*outer product"),
])
def test_get_item_that_gather_cannot_write_is_refused(index, message, tmp_path):
    with pytest.raises(mg.onnx.ExportError, match=message):
        mg.onnx.export(lambda x: x[index] * 1.0, _data(3, 4, 5), tmp_path / "m.onnx")


def test_reordering_indexing_cumulative_and_linear_algebra(tmp_path):
    W = _data(4, 3, seed=5)
    order = np.array([[[3, 0, 1, 1], [2, 2, 0, 3], [1, 3, 3, 0], [0, 1, 2, 3]]])

    def f(x):
        y = F.flip(x, 1) + F.roll(x, 1, axis=2) + F.roll(x, (2, -1), axis=(1, 2))
        y = y + F.pad(x, ((0, 0), (1, 2), (2, 1)), mode="reflect")[:, 1:-2, 2:-1]
        y = y + F.pad(x, ((0, 0), (1, 1), (0, 2)), mode="edge")[:, :-2, 2:]
        y = F.masked_fill(y, np.triu(np.ones((4, 4), dtype=bool), k=1), -1.0) + F.tril(x)
        y = y + F.take_along_axis(x, order, axis=2) + F.cumsum(x, axis=1) + F.std(x, axis=2, keepdims=True, ddof=1)
        return (F.einsum("nij,jk->nik", y, W), F.prod(x, axis=-1) + F.norm(x, axis=-1) + F.norm(x, ord=1, axis=1)
                + F.norm(x, ord=3, axis=2), F.det(x + 4 * np.eye(4, dtype=np.float32)))
    roundtrip(f, _data(3, 4, 4), _data(5, 4, 4, seed=1), tmp_path)


def test_pad_wrap_needs_opset_19(tmp_path):
    f = lambda x: F.pad(x, ((0, 0), (2, 1)), mode="wrap") * 1.0  # noqa: E731
    roundtrip(f, _data(2, 5), _data(4, 5, seed=1), tmp_path, opset=19)
    with pytest.raises(mg.onnx.ExportError, match="opset 19"):
        mg.onnx.export(f, _data(2, 5), tmp_path / "m17.onnx")


def test_batch_sized_constants_broadcasts_and_reshapes(tmp_path):
    def f(x):
        n = x.shape[0]
        twice = F.concat([F.reshape(x, (n, 20)), F.reshape(x, (n, 20)) * 2.0], axis=0)    # (2N, 20)
        spread = F.broadcast_to(F.expand_dims(twice, 1), (2 * n, 3, 20))                  # Expand to (2N, 3, 20)
        halves = F.reshape(spread, (n, 2, 3, 20)) + np.ones((n, 2, 3, 20), np.float32)  # ConstantOfShape
        return F.reshape(halves, (2, n * 3, 20)), F.broadcast_to(F.sum(x, axis=0), x.shape) + x[:, :1]
    proto = roundtrip(f, _data(3, 4, 5), _data(6, 4, 5, seed=1), tmp_path)
    ops = {node.op_type for node in proto.graph.node}
    assert {"ConstantOfShape", "Expand", "Shape"} <= ops
    assert proto.graph.output[0].type.tensor_type.shape.dim[1].dim_param == "batch*3"


def test_fixed_batch_and_opset_18(tmp_path):
    model = _seeded(lambda: nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6), nn.Softmax(dim=-1)))()
    x = _data(3, 4)
    proto = roundtrip(model, x, _data(3, 4, seed=1), tmp_path, dynamic_batch=False, opset=18)
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_value == 3
    assert proto.opset_import[0].version == 18


def test_batch_axis_is_symbolic_and_weights_keep_their_names(tmp_path):
    model = _seeded(lambda: nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2)))()
    proto = mg.onnx.export(model, _data(3, 4), tmp_path / "m.onnx")
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    names = {t.name for t in proto.graph.initializer}
    assert {"0.weight", "0.bias", "2.weight", "2.bias"} <= names


def test_export_restores_training_mode(tmp_path):
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    model.train()
    mg.onnx.export(model, _data(2, 4), tmp_path / "m.onnx")
    assert all(m.training for m in model.modules())


# -- errors ----------------------------------------------------------------------------------
def test_unsupported_op_is_named_with_the_supported_list(tmp_path):
    with pytest.raises(mg.onnx.UnsupportedOpError, match=r"'atan2' \(minigrad.functions.elementwise.Atan2\)\. "
                                                         r"Ops that export: .*matmul"):
        mg.onnx.export(lambda x: F.atan2(x, 2.0 + x * x), _data(2, 3), tmp_path / "m.onnx")


@pytest.mark.parametrize("dynamic_batch", [True, False])
def test_mask_computed_from_the_input_values_is_refused(dynamic_batch, tmp_path):
    with pytest.raises(mg.onnx.ExportError, match="built in NumPy, outside the graph"):
        mg.onnx.export(lambda x: F.where(x.data > 0, x, x * 0.1), _data(4, 3), tmp_path / "m.onnx",
                       dynamic_batch=dynamic_batch)


def test_constant_computed_from_the_input_values_is_refused(tmp_path):
    with pytest.raises(mg.onnx.ExportError, match="changes with the input's values"):
        mg.onnx.export(lambda x: x * np.abs(x.data), _data(4, 3), tmp_path / "m.onnx", dynamic_batch=False)


@pytest.mark.parametrize("f", [lambda x: x - float(x.data.mean()), lambda x: F.clip(x, 0, float(x.data.max()))],
                         ids=["add_constant", "clip"])
def test_setting_computed_from_the_input_values_is_refused(f, tmp_path):
    with pytest.raises(mg.onnx.ExportError, match="Python computed it from the input's values"):
        mg.onnx.export(f, _data(4, 3), tmp_path / "m.onnx", dynamic_batch=False)


def test_control_flow_on_values_is_refused(tmp_path):
    def f(x):
        return F.relu(x) if x.data[0, 0] > 0 else F.tanh(F.exp(x))
    x = _data(4, 3)
    x[0, 0], x[1, 0] = 1.0, -1.0   # the second run sees row 1 first
    with pytest.raises(mg.onnx.ExportError, match="different ops"):
        mg.onnx.export(f, x, tmp_path / "m.onnx")


def test_split_along_the_batch_axis_is_refused(tmp_path):
    with pytest.raises(mg.onnx.ExportError, match="split"):
        mg.onnx.export(lambda x: F.split(x, [1], axis=0)[0] * 2.0, _data(4, 3), tmp_path / "m.onnx")


def test_embedding_lookup_reads_the_integer_input(tmp_path):
    model = _seeded(lambda: nn.Sequential(nn.Embedding(10, 8), nn.Linear(8, 3)))()
    tokens = np.array([[1, 2, 9], [3, 4, 0]])
    roundtrip(model, tokens, np.array([[5, 1, 1], [0, 9, 2], [7, 7, 3]]), tmp_path)


def test_input_that_does_not_reach_the_output_is_refused(tmp_path):
    with pytest.raises(mg.onnx.ExportError, match="input 1 .* does not reach the outputs"):
        mg.onnx.export(lambda x, mask: x * 2.0 + float(mask.shape[0]), (_data(2, 3), _data(2, 3)),
                       tmp_path / "m.onnx", dynamic_batch=False)


def test_supported_ops_lists_the_table():
    ops = mg.onnx.supported_ops()
    assert {"linear", "matmul", "conv2d", "softmax", "standardize", "reshape"} <= set(ops)
    assert ops == sorted(ops)


def test_readme_example_runs(tmp_path, monkeypatch):
    """The README's ONNX example (a ```py block: test_readme.py runs only
    ```python blocks, which must not need optional packages)."""
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text()
    (block,) = [b for b in re.findall(r"```py\n(.*?)```", readme, flags=re.S) if "mg.onnx.export" in b]
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md onnx example", "exec"), {"__name__": "readme"})
    assert (tmp_path / "model.onnx").exists()


def test_transposed_convolution_needs_opset_18(tmp_path):
    model = _seeded(lambda: nn.Sequential(nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1), nn.Tanh(),
                                          nn.ConvTranspose2d(4, 4, 3, stride=2, output_padding=1, groups=2,
                                                             dilation=2)))()
    roundtrip(model, _data(2, 3, 5, 5), _data(3, 3, 5, 5, seed=1), tmp_path, opset=18)
    with pytest.raises(mg.onnx.ExportError, match="opset 18"):
        mg.onnx.export(model, _data(2, 3, 5, 5), tmp_path / "m17.onnx")


def test_without_the_onnx_package_export_says_what_to_install(monkeypatch, tmp_path):
    import sys
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    with pytest.raises(ImportError, match="needs the onnx package: pip install onnx"):
        mg.onnx.export(nn.Linear(2, 2), _data(1, 2), tmp_path / "m.onnx")


def test_bad_names_and_opset(tmp_path):
    with pytest.raises(ValueError, match="output_names"):
        mg.onnx.export(nn.Linear(2, 2), _data(1, 2), tmp_path / "m.onnx", output_names=["a", "b"])
    with pytest.raises(ValueError, match="opset 13 is not supported"):
        mg.onnx.export(nn.Linear(2, 2), _data(1, 2), tmp_path / "m.onnx", opset=13)
    with pytest.raises(ValueError, match=r"input 0 of shape \(\) has no batch axis 0"):
        mg.onnx.export(lambda x: x * 2.0, np.float32(3), tmp_path / "m.onnx")


# -- the exported graph against PyTorch's own layers (the same weights) -----------------------------
TORCH_PAIRS = {
    "lstm": (lambda t: t.nn.LSTM(5, 6, num_layers=2), lambda: nn.LSTM(5, 6, num_layers=2), (4, 3, 5), (4, 6, 5)),
    "gru_batch_first": (lambda t: t.nn.GRU(5, 6, batch_first=True, bidirectional=True),
                        lambda: nn.GRU(5, 6, batch_first=True, bidirectional=True), (2, 4, 5), (5, 4, 5)),
    "transformer": (lambda t: t.nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True),
                    lambda: nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True),
                    (2, 5, 16), (3, 5, 16)),
    "cnn": (lambda t: t.nn.Sequential(t.nn.Conv2d(3, 4, 3, padding=1, groups=1), t.nn.BatchNorm2d(4), t.nn.ReLU(),
                                      t.nn.Conv2d(4, 4, 3, dilation=2, groups=2), t.nn.MaxPool2d(2),
                                      t.nn.AdaptiveAvgPool2d(2)),
            lambda: nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, dilation=2, groups=2), nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(2)),
            (2, 3, 12, 12), (4, 3, 12, 12)),
}


@pytest.mark.parametrize("name", sorted(TORCH_PAIRS))
def test_exported_model_matches_pytorch(name, tmp_path):
    torch = pytest.importorskip("torch")
    build_torch, build_ours, shape, other = TORCH_PAIRS[name]
    torch.manual_seed(0)
    theirs, ours = build_torch(torch).eval(), build_ours()
    with torch.no_grad():
        for module in theirs.modules():  # non-trivial running statistics
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    path = tmp_path / "model.onnx"
    mg.onnx.export(ours, _data(*shape), path)
    x = _data(*other, seed=1)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x))
    expected = expected[0] if isinstance(expected, tuple) else expected
    np.testing.assert_allclose(_run_onnx(path, [x])[0], expected.numpy(), rtol=1e-4, atol=2e-5)


def test_stacking_helpers_export_each_inputs_new_axes(tmp_path):
    def f(x):   # x (N, 5): stack and dstack join along new axes, vstack and column_stack give 1-D rows theirs
        return (F.stack([x, x * 2.0], axis=1), F.dstack([x, x + 1.0]),
                F.vstack([x[0], x[1] * 3.0]) + F.column_stack([x[0], x[1]]).T)
    roundtrip(f, _data(2, 5), _data(4, 5, seed=1), tmp_path)
