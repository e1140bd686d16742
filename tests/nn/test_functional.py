"""minigrad.nn.functional beside torch.nn.functional: every name of API.md's
list exists, every op of minigrad.functions that torch.nn.functional has is
there, and a table compares each call with PyTorch's on random inputs
(value, first and second derivatives, float64)."""
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as MF
import minigrad.nn.functional as F
from minigrad.core import ops
from tests.arrays import RNG, positive, randn

torch = pytest.importorskip("torch")
tF = torch.nn.functional

from tests.functions.test_conv_torch import assert_matches_torch  # noqa: E402  (needs torch)

# API.md, "PyTorch's door": the names of minigrad.nn.functional it lists.
API_NAMES = ("relu gelu silu softmax log_softmax cross_entropy nll_loss mse_loss linear conv1d conv2d max_pool2d "
             "avg_pool2d adaptive_avg_pool2d interpolate pad dropout layer_norm embedding one_hot "
             "scaled_dot_product_attention normalize softmin unfold fold pixel_shuffle pixel_unshuffle").split()


def test_every_name_of_the_api_exists():
    assert [n for n in API_NAMES if not callable(getattr(F, n, None))] == []


def test_every_op_torch_nn_functional_has_is_in_the_door():
    shared = [name for name in ops.declarations if hasattr(tF, name)]
    assert [name for name in shared if not hasattr(F, name)] == []


def test_the_declared_ops_are_minigrad_functions_own():
    """Built from the declarations: no second list, the very functions."""
    assert ops.torch_functional
    for name, fn in ops.torch_functional.items():
        assert getattr(F, name) is fn is getattr(MF, name), name
        assert hasattr(tF, name), f"{name} is declared functional=True but torch.nn.functional has no {name}"


def test_import_paths():
    import minigrad.nn.functional as F2
    from minigrad.nn import functional
    assert F2 is functional is mg.nn.functional


def unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


class Fixed:
    """An input that takes no gradient (labels, indices, running statistics):
    a Variable for minigrad (as a DataLoader batch is), a tensor for torch."""

    def __init__(self, array):
        self.array = array

    def variable(self):
        return mg.Variable(self.array, requires_grad=False)


def row(name, arrays, *args, id=None, first_order=False, **kwargs):
    """Compare F.name(*arrays, *args, **kwargs) with tF.name(...) on the same
    inputs; the arrays are differentiated, Fixed args are not."""
    def mg_fn(*xs):
        return getattr(F, name)(*xs, *[a.variable() if isinstance(a, Fixed) else a for a in args],
                                **{k: v.variable() if isinstance(v, Fixed) else v for k, v in kwargs.items()})

    def torch_fn(*ts):
        return getattr(tF, name)(*ts, *[torch.tensor(a.array) if isinstance(a, Fixed) else a for a in args],
                                 **{k: torch.tensor(v.array) if isinstance(v, Fixed) else v
                                    for k, v in kwargs.items()})
    return pytest.param(mg_fn, torch_fn, arrays, first_order, id=id or name)


def row_fn(id, mg_fn, torch_fn, arrays):
    """A row whose differentiated inputs are not the leading arguments."""
    return pytest.param(mg_fn, torch_fn, arrays, False, id=id)


LABELS = np.array([2, 0, 3, 3, 1])
INDICES = np.array([[1, 4, 4], [0, 2, 1]])

ROWS = [
    row("relu", [randn(3, 4)]),
    row("relu6", [randn(3, 4) * 5]),
    row("hardtanh", [randn(3, 4) * 2], -0.5, 1.5),
    row("hardsigmoid", [randn(3, 4) * 4], first_order=True),   # torch has no second derivative
    row("hardswish", [randn(3, 4) * 4]),
    row("silu", [randn(3, 4)]),
    row("mish", [randn(3, 4)]),
    row("selu", [randn(3, 4)]),
    row("elu", [randn(3, 4)], alpha=0.5),
    row("celu", [randn(3, 4)], 0.7),
    row("leaky_relu", [randn(3, 4)], id="leaky_relu_default_slope"),
    row("leaky_relu", [randn(3, 4)], 0.3),
    row("gelu", [randn(3, 4)]),
    row("gelu", [randn(3, 4)], approximate="tanh", id="gelu_tanh"),
    row("softplus", [randn(3, 4) * 3]),
    row("softplus", [randn(3, 4) * 3], beta=2.0, threshold=1.5, id="softplus_beta_threshold"),
    row("tanh", [randn(3, 4)]),
    row("sigmoid", [randn(3, 4)]),
    row("softsign", [randn(3, 4)]),
    row("logsigmoid", [randn(3, 4)]),
    row("glu", [randn(4, 3)], dim=0),
    row("prelu", [randn(2, 3, 4), positive((3,)) / 4]),
    row("softmax", [randn(3, 4)], dim=1),
    row("softmax", [randn(2, 3, 4)], 0, id="softmax_dim0"),
    row("log_softmax", [randn(3, 4)], dim=-1),
    row("softmin", [randn(3, 4)], dim=0),
    row("normalize", [randn(3, 4)]),
    row("normalize", [randn(3, 4)], p=1.0, dim=0, id="normalize_p1_dim0"),
    row("linear", [randn(5, 3), randn(4, 3), randn(4)]),
    row("linear", [randn(2, 5, 3), randn(4, 3)], id="linear_no_bias"),
    row("conv1d", [randn(2, 3, 7), randn(4, 3, 3), randn(4)], stride=2, padding=1),
    row("conv2d", [randn(2, 3, 6, 5), randn(4, 3, 3, 2), randn(4)], 1, 1),
    row("conv2d", [randn(2, 4, 5, 5), randn(4, 2, 3, 3)], padding="same", dilation=2, groups=2,
        id="conv2d_same_dilated_grouped"),
    row("conv_transpose2d", [randn(2, 4, 3, 3), randn(4, 2, 3, 3)], stride=2, padding=1, output_padding=1),
    row("max_pool1d", [randn(2, 3, 8)], 3, stride=2),
    row("max_pool2d", [randn(2, 3, 6, 6)], 2),
    row("max_pool2d", [randn(1, 2, 7, 7)], 3, 2, 1, id="max_pool2d_stride_padding"),
    row("avg_pool1d", [randn(2, 3, 8)], 2),
    row("avg_pool2d", [randn(1, 2, 7, 7)], 3, stride=2, padding=1, count_include_pad=False),
    row("adaptive_avg_pool2d", [randn(2, 3, 7, 5)], (3, 2)),
    row("interpolate", [randn(2, 3, 4, 5)], scale_factor=2, mode="bilinear", align_corners=False),
    row("interpolate", [randn(2, 3, 4, 5)], size=(7, 3), id="interpolate_nearest_size"),
    row("pad", [randn(2, 3, 4)], (1, 2)),
    row("pad", [randn(2, 3, 4)], (1, 0, 2, 1), value=0.5, id="pad_last_two_axes_value"),
    row("pad", [randn(2, 3, 4, 5)], (2, 1, 1, 2), mode="reflect", id="pad_reflect"),
    row("pad", [randn(2, 3, 4, 5)], (2, 1, 1, 2), mode="replicate", id="pad_replicate"),
    row("pad", [randn(2, 3, 4, 5)], (2, 1, 1, 2), mode="circular", id="pad_circular"),
    row("dropout", [randn(3, 4)], 0.5, False, id="dropout_not_training"),
    row_fn("layer_norm", lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda x, w, b: tF.layer_norm(x, (4,), w, b),
           [randn(2, 3, 4), randn(4), randn(4)]),
    row_fn("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), lambda x, w, b: tF.group_norm(x, 2, w, b),
           [randn(2, 4, 3), randn(4), randn(4)]),
    row("instance_norm", [randn(2, 3, 5)]),
    row("batch_norm", [randn(6, 3)], Fixed(randn(3)), Fixed(positive((3,))), training=True, id="batch_norm_training"),
    row("batch_norm", [randn(6, 3, 2)], Fixed(randn(3)), Fixed(positive((3,))), id="batch_norm_eval"),
    row_fn("embedding", lambda w: F.embedding(mg.tensor(INDICES), w),
           lambda w: tF.embedding(torch.tensor(INDICES), w), [randn(5, 3)]),
    row("cross_entropy", [randn(5, 4)], Fixed(LABELS)),
    row("cross_entropy", [randn(5, 4)], Fixed(LABELS), weight=Fixed(positive((4,))), label_smoothing=0.1,
        id="cross_entropy_weight_smoothing"),
    row("cross_entropy", [randn(5, 4)], Fixed(LABELS), ignore_index=3, reduction="sum",
        id="cross_entropy_ignore_index_sum"),
    row("cross_entropy", [randn(5, 4), unit(5, 4)], id="cross_entropy_probabilities"),
    row("nll_loss", [randn(5, 4)], Fixed(LABELS)),
    row("mse_loss", [randn(3, 4), randn(3, 4)]),
    row("l1_loss", [randn(3, 4), randn(3, 4)], reduction="sum", first_order=True),   # torch: a ZeroTensor
    row("smooth_l1_loss", [randn(3, 4), randn(3, 4)], beta=0.5),
    row("huber_loss", [randn(3, 4) * 2, randn(3, 4)], "sum", 0.8),
    row("kl_div", [np.log(unit(3, 4)), unit(3, 4)], reduction="batchmean"),
    row("binary_cross_entropy", [unit(3, 4), unit(3, 4)]),
    row("binary_cross_entropy_with_logits", [randn(3, 4), unit(3, 4)], pos_weight=Fixed(positive((4,)))),
    row("scaled_dot_product_attention", [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 4)]),
    row("scaled_dot_product_attention", [randn(2, 4, 4), randn(2, 4, 4), randn(2, 4, 4)], is_causal=True,
        id="scaled_dot_product_attention_causal"),
    row("unfold", [randn(2, 3, 5, 5)], 2, dilation=1, padding=1, stride=2),
    row("unfold", [randn(3, 5, 6)], (2, 3), dilation=(2, 1), id="unfold_unbatched"),
    row("fold", [randn(2, 12, 9)], (4, 4), 2),
    row("fold", [randn(12, 9)], (5, 5), 2, padding=1, stride=2, id="fold_unbatched_strided"),
    row("tanhshrink", [randn(3, 4)]),
    row("softshrink", [randn(3, 4) * 2], 0.3),
    row("hardshrink", [randn(3, 4) * 2], lambd=0.7),
    row("threshold", [randn(3, 4)], 0.2, -1.5),
    row("rms_norm", [randn(2, 3, 4)], (3, 4)),
    row_fn("rms_norm_weight_eps", lambda x, w: F.rms_norm(x, (4,), w, 1e-3),
           lambda x, w: tF.rms_norm(x, (4,), w, 1e-3), [randn(2, 3, 4), randn(4)]),
    row("cosine_similarity", [randn(3, 4), randn(1, 4)]),
    row("cosine_similarity", [randn(3, 4), randn(3, 1)], dim=0, eps=0.5, id="cosine_similarity_broadcast_dim0"),
    row("pairwise_distance", [randn(3, 4), randn(3, 4)]),
    row("pairwise_distance", [randn(3, 4), randn(4)], p=1.0, keepdim=True, id="pairwise_distance_p1_keepdim",
        first_order=True),   # torch: a ZeroTensor second derivative
    row("pixel_shuffle", [randn(2, 8, 3, 3)], 2),
    row("pixel_unshuffle", [randn(2, 2, 4, 6)], 2),
]


@pytest.mark.parametrize("mg_fn,torch_fn,arrays,first_order", ROWS)
def test_matches_torch_nn_functional(mg_fn, torch_fn, arrays, first_order):
    if not first_order:
        assert_matches_torch(mg_fn, torch_fn, *arrays, atol=1e-9)
        return
    xs, ts = [mg.Variable(a) for a in arrays], [torch.tensor(a, requires_grad=True) for a in arrays]
    y, t = mg_fn(*xs), torch_fn(*ts)
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-7, atol=1e-9)
    w = randn(*y.shape)
    for g, tg in zip(mg.grad(y, xs, mg.Variable(w)), torch.autograd.grad(t, ts, torch.tensor(w))):
        np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-7, atol=1e-9)


def test_embedding_gradient_skips_the_padding_row():
    weight = randn(5, 3)
    w, tw = mg.Variable(weight), torch.tensor(weight, requires_grad=True)
    F.embedding(mg.tensor(INDICES), w, padding_idx=-1).sum().backward()
    tF.embedding(torch.tensor(INDICES), tw, padding_idx=4).sum().backward()
    np.testing.assert_array_equal(w.grad.data, tw.grad.numpy())


def test_one_hot():
    labels = np.array([[0, 3], [2, 2]])
    y, t = F.one_hot(mg.tensor(labels), 5), tF.one_hot(torch.tensor(labels), 5)
    np.testing.assert_array_equal(y.data, t.numpy())
    assert y.dtype == np.int64


def test_batch_norm_updates_running_statistics_as_torch():
    x = randn(8, 3)
    rm, rv = np.zeros(3), np.ones(3)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    F.batch_norm(mg.Variable(x), rm, rv, training=True, momentum=0.2)
    tF.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.2)
    np.testing.assert_allclose(rm, trm.numpy())
    np.testing.assert_allclose(rv, trv.numpy())


def test_dropout_trains_unless_told_not_to():
    """torch's F.dropout defaults to training=True, whatever the mode of any module."""
    x = np.ones((200, 50))
    mg.manual_seed(0)
    y = F.dropout(mg.Variable(x))
    t = tF.dropout(torch.tensor(x))
    for out in (y.data, t.numpy()):
        assert set(np.unique(out)) == {0.0, 2.0}
    np.testing.assert_array_equal(F.dropout(mg.Variable(x), training=False).data, x)


def test_softmax_without_dim_warns_and_picks_torchs_dim():
    for shape in [(4,), (3, 4), (2, 3, 4), (2, 3, 4, 5)]:
        x = randn(*shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as ours:
            y = F.softmax(mg.Variable(x))
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            t = tF.softmax(torch.tensor(x))
        assert str(ours[0].message) == str(theirs[0].message)
        np.testing.assert_allclose(y.data, t.numpy())


def test_softmax_dtype():
    x = randn(3, 4).astype(np.float32)
    y, t = F.log_softmax(mg.Variable(x), dim=1, dtype=np.float64), tF.log_softmax(torch.tensor(x), 1,
                                                                                   dtype=torch.float64)
    assert y.dtype == np.float64 and t.dtype == torch.float64
    np.testing.assert_allclose(y.data, t.numpy(), rtol=1e-6)


def test_inplace_writes_into_the_input_when_nothing_is_recorded():
    x = randn(3, 4)
    v, t = mg.Variable(x.copy(), requires_grad=False), torch.tensor(x.copy())
    for out, inp in ((F.relu(v, inplace=True), v), (tF.relu(t, inplace=True), t)):
        assert out is inp
    np.testing.assert_array_equal(v.data, t.numpy())
    w = mg.Variable(x.copy(), requires_grad=True)
    with mg.no_grad():
        assert F.leaky_relu(w, 0.1, inplace=True) is w
    np.testing.assert_allclose(w.data, np.where(x > 0, x, 0.1 * x))


@pytest.mark.parametrize("name,args", [("relu_", ()), ("elu_", (0.5,)), ("celu_", (0.5,)), ("selu_", ()),
                                       ("leaky_relu_", (0.2,)), ("hardtanh_", (-0.5, 0.5)),
                                       ("threshold_", (0.1, 2.0))])
def test_the_underscore_variants_change_the_input_as_torchs(name, args):
    x = randn(3, 4)
    v, t = mg.tensor(x.copy()), torch.tensor(x.copy())
    assert getattr(F, name)(v, *args) is v and getattr(tF, name)(t, *args) is t
    np.testing.assert_allclose(v.data, t.numpy(), rtol=1e-12)


def test_inplace_while_recording_raises_saying_what_to_write():
    h = mg.Variable(randn(3, 4), requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"relu\(x, inplace=True\).*write x = F.relu\(x\)"):
        F.relu(h, inplace=True)


def test_pad_refuses_an_odd_or_too_long_pad():
    with pytest.raises(ValueError, match="pad: expected an even number of pad sizes"):
        F.pad(mg.Variable(randn(2, 3)), (1, 2, 3))
    with pytest.raises(ValueError, match="at most 2 per axis"):
        F.pad(mg.Variable(randn(3)), (1, 1, 1, 1))
    with pytest.raises(ValueError, match="pad: mode 'edge' is not supported"):
        F.pad(mg.Variable(randn(3)), (1, 1), mode="edge")
