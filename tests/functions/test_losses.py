"""The losses against PyTorch: every loss, every reduction, in float64
(value, first and second derivatives of every float input), at saturated
float32 inputs (no NaN where PyTorch has a number), the loss modules, and
the errors bad input gets."""
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn
from minigrad.functions.loss import SoftmaxCrossEntropy

RNG = np.random.default_rng(7)
REDUCTIONS = ["mean", "sum", "none"]


def randn(*shape):
    return RNG.standard_normal(shape)


def unit(*shape):
    return RNG.uniform(0.05, 0.95, shape)


def positive(*shape):
    return RNG.uniform(0.3, 2.0, shape)


def log_probs(*shape):
    x = randn(*shape)
    return x - np.log(np.exp(x).sum(axis=1 if len(shape) > 1 else 0, keepdims=True))


def probabilities(*shape):
    p = RNG.uniform(0.05, 1.0, shape)
    return p / p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)


def assert_matches_torch(mg_fn, torch_fn, *arrays, seed=0, atol=1e-9):
    """Same value, same gradients of <y, w> and of <those gradients, v> for
    every input (as tests/functions/test_conv_torch.py's, but reading PyTorch's
    ZeroTensor second derivatives, which l1_loss and the huber losses give)."""
    import torch
    rng = np.random.default_rng(seed)
    xs = [mg.Variable(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, t = mg_fn(*xs), torch_fn(*ts)
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-7, atol=atol, err_msg="value")
    w = rng.standard_normal(y.shape)
    gs = mg.grad(y, xs, mg.Variable(w), create_graph=True)
    tgs = torch.autograd.grad(t, ts, torch.tensor(w), create_graph=True, allow_unused=True)
    _assert_same(gs, tgs, arrays, atol, "gradient")
    vs = [rng.standard_normal(a.shape) for a in arrays]
    s = sum((g * v).sum() for g, v in zip(gs, vs) if g is not None)
    t_s = sum((tg * torch.tensor(v)).sum() for tg, v in zip(tgs, vs) if tg is not None and tg.requires_grad)
    ggs = mg.grad(s, xs) if isinstance(s, mg.Variable) and s.creator is not None else [None] * len(xs)
    tggs = (torch.autograd.grad(t_s, ts, allow_unused=True) if torch.is_tensor(t_s) and t_s.requires_grad
            else [None] * len(ts))
    _assert_same(ggs, tggs, arrays, atol, "second derivative")


def _assert_same(gs, tgs, arrays, atol, what):
    for i, (g, tg) in enumerate(zip(gs, tgs)):
        expected = np.zeros(arrays[i].shape) if tg is None else tg.detach().numpy(force=True)
        actual = np.zeros(arrays[i].shape) if g is None else g.data
        np.testing.assert_allclose(actual, expected, rtol=1e-7, atol=atol, err_msg=f"{what} of input {i}")


LABELS = np.array([2, 0, 3, 3, 1])
LABELS_IGNORED = np.array([2, -100, 3, 0, -100])
LABELS_4D = RNG.integers(0, 3, (2, 3, 4))
LABELS_4D_IGNORED = np.where(RNG.random((2, 3, 4)) < 0.3, -100, LABELS_4D)
CLASS_WEIGHT = positive(4)
CLASS_WEIGHT_3 = positive(3)


def with_labels(fn, labels):
    """fn(x, **settings) with the labels fixed (a constant: not differentiated)."""
    return lambda x, **settings: fn(x, labels, **settings)


# (id, minigrad loss, PyTorch loss, float inputs (all differentiated), settings
# (each run with every reduction; arrays become tensors for PyTorch))
LOSSES = [
    ("mse_loss", F.mse_loss, "mse_loss", [randn(3, 4), randn(3, 4)], [{}]),
    ("mean_squared_error", F.mean_squared_error, "mse_loss", [randn(2, 3, 2), randn(2, 3, 2)], [{}]),
    ("l1_loss", F.l1_loss, "l1_loss", [randn(3, 4), randn(3, 4)], [{}]),
    ("smooth_l1_loss", F.smooth_l1_loss, "smooth_l1_loss", [2 * randn(3, 4), 2 * randn(3, 4)],
     [{}, {"beta": 0.5}, {"beta": 2.5}, {"beta": 0.0}]),
    ("huber_loss", F.huber_loss, "huber_loss", [2 * randn(3, 4), 2 * randn(3, 4)], [{}, {"delta": 0.7}]),
    ("binary_cross_entropy", F.binary_cross_entropy, "binary_cross_entropy", [unit(3, 4), unit(3, 4)],
     [{}, {"weight": positive(4)}, {"weight": positive(3, 4)}]),
    ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits,
     "binary_cross_entropy_with_logits", [3 * randn(3, 4), unit(3, 4)],
     [{}, {"weight": positive(3, 4)}, {"pos_weight": positive(4)},
      {"weight": positive(4), "pos_weight": positive(4)}]),
    ("sigmoid_cross_entropy", F.sigmoid_cross_entropy, "binary_cross_entropy_with_logits",
     [3 * randn(3, 4), unit(3, 4)], [{}]),
    ("kl_div", F.kl_div, "kl_div", [log_probs(3, 4), probabilities(3, 4)], [{}]),
    ("kl_div_log_target", lambda q, p, **s: F.kl_div(q, p, log_target=True, **s),
     lambda q, p, **s: __import__("torch").nn.functional.kl_div(q, p, log_target=True, **s),
     [log_probs(3, 4), log_probs(3, 4)], [{}]),
    ("cross_entropy_labels", with_labels(F.cross_entropy, LABELS), ("cross_entropy", LABELS),
     [2 * randn(5, 4)], [{}, {"weight": CLASS_WEIGHT}, {"label_smoothing": 0.2},
                         {"weight": CLASS_WEIGHT, "label_smoothing": 0.3}, {"ignore_index": 3},
                         {"weight": CLASS_WEIGHT, "ignore_index": 0, "label_smoothing": 0.1}]),
    ("cross_entropy_ignored", with_labels(F.cross_entropy, LABELS_IGNORED), ("cross_entropy", LABELS_IGNORED),
     [2 * randn(5, 4)], [{}, {"weight": CLASS_WEIGHT}, {"weight": CLASS_WEIGHT, "label_smoothing": 0.25}]),
    ("cross_entropy_4d", with_labels(F.cross_entropy, LABELS_4D_IGNORED), ("cross_entropy", LABELS_4D_IGNORED),
     [randn(2, 3, 3, 4)], [{}, {"weight": CLASS_WEIGHT_3}, {"label_smoothing": 0.2},
                           {"weight": CLASS_WEIGHT_3, "label_smoothing": 0.2}]),
    ("cross_entropy_unbatched", with_labels(F.cross_entropy, np.array(2)), ("cross_entropy", np.array(2)),
     [randn(4)], [{}, {"weight": CLASS_WEIGHT, "label_smoothing": 0.2}]),
    ("cross_entropy_probabilities", F.cross_entropy, "cross_entropy", [randn(5, 4), probabilities(5, 4)],
     [{}, {"weight": CLASS_WEIGHT}, {"label_smoothing": 0.2}, {"weight": CLASS_WEIGHT, "label_smoothing": 0.3}]),
    ("cross_entropy_probabilities_4d", F.cross_entropy, "cross_entropy",
     [randn(2, 3, 3, 4), probabilities(2, 3, 3, 4)], [{}, {"weight": CLASS_WEIGHT_3, "label_smoothing": 0.1}]),
    ("softmax_cross_entropy", with_labels(F.softmax_cross_entropy, LABELS), ("cross_entropy", LABELS),
     [2 * randn(5, 4)], [{}]),
    ("nll_loss", with_labels(F.nll_loss, LABELS_IGNORED), ("nll_loss", LABELS_IGNORED), [log_probs(5, 4)],
     [{}, {"weight": CLASS_WEIGHT}]),
    ("nll_loss_ignore_3", with_labels(F.nll_loss, LABELS), ("nll_loss", LABELS), [randn(5, 4)],
     [{"ignore_index": 3}, {"ignore_index": 3, "weight": CLASS_WEIGHT}]),
    ("nll_loss_4d", with_labels(F.nll_loss, LABELS_4D_IGNORED), ("nll_loss", LABELS_4D_IGNORED),
     [log_probs(2, 3, 3, 4)], [{}, {"weight": CLASS_WEIGHT_3}]),
]


def _torch_fn(torch, spec):
    """The PyTorch function of a table row: a name in torch.nn.functional,
    (name, labels) for labels fixed as a tensor, or a callable."""
    if callable(spec):
        return spec
    if isinstance(spec, tuple):
        name, labels = spec
        return lambda x, **s: getattr(torch.nn.functional, name)(x, torch.tensor(labels), **s)
    return getattr(torch.nn.functional, spec)


def _cases():
    for name, fn, torch_spec, arrays, settings_list in LOSSES:
        for k, settings in enumerate(settings_list):
            for reduction in REDUCTIONS + (["batchmean"] if name.startswith("kl_div") else []):
                yield pytest.param(fn, torch_spec, arrays, settings, reduction, id=f"{name}-{k}-{reduction}")


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")   # PyTorch's kl_div
@pytest.mark.parametrize("fn, torch_spec, arrays, settings, reduction", _cases())
def test_loss_matches_torch_to_second_order(fn, torch_spec, arrays, settings, reduction):
    torch = pytest.importorskip("torch")
    torch_fn = _torch_fn(torch, torch_spec)
    torch_settings = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in settings.items()}
    assert_matches_torch(lambda *xs: fn(*xs, reduction=reduction, **settings),
                         lambda *ts: torch_fn(*ts, reduction=reduction, **torch_settings),
                         *arrays, atol=1e-9)


def test_every_loss_is_in_the_torch_table():
    names = {"mse_loss", "mean_squared_error", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
             "binary_cross_entropy_with_logits", "sigmoid_cross_entropy", "kl_div", "cross_entropy",
             "softmax_cross_entropy", "nll_loss"}
    tested = {row[0] for row in LOSSES}
    missing = [n for n in names if not any(t == n or t.startswith(n + "_") for t in tested)]
    assert not missing


# -- float32 at saturated inputs ------------------------------------------------------

def _sigmoid_torch(torch):
    return torch.sigmoid


# (not +-100: PyTorch's sigmoid flushes sigmoid(-100) to 0, minigrad's keeps the
# subnormal 3.8e-44, whose log is -99.98; the loss is PyTorch's for either p.)
SATURATED_LOGITS = np.array([[20.0, -20.0, 50.0, -50.0, 1e4, -1e4, 0.5, 0.0]], np.float32).repeat(2, 0)
BINARY_TARGETS = np.array([[0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.5],
                           [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]], np.float32)
EDGE_PROBABILITIES = np.array([[0.0, 1.0, 0.0, 1.0, 1e-30, 1 - 1e-7, 0.5, 1e-8]], np.float32).repeat(2, 0)
BIG_LOGITS = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [50.0, -50.0, 0.0], [0.0, 0.0, 0.0]], np.float32)
BIG_LABELS = np.array([2, 0, 1, 1])

# (id, minigrad loss of float32 Variables, PyTorch loss of tensors, inputs (all differentiated))
SATURATED = [
    ("bce_of_sigmoid", lambda z, t: F.binary_cross_entropy(F.sigmoid(z), t),
     lambda tF, z, t: tF.binary_cross_entropy(z.sigmoid(), t), [SATURATED_LOGITS, BINARY_TARGETS]),
    ("bce_at_0_and_1", F.binary_cross_entropy, lambda tF, p, t: tF.binary_cross_entropy(p, t),
     [EDGE_PROBABILITIES, BINARY_TARGETS]),
    ("bce_with_logits", F.binary_cross_entropy_with_logits,
     lambda tF, x, t: tF.binary_cross_entropy_with_logits(x, t), [SATURATED_LOGITS, BINARY_TARGETS]),
    ("bce_with_logits_pos_weight",
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=np.full(8, 3.0, np.float32)),
     lambda tF, x, t: tF.binary_cross_entropy_with_logits(x, t, pos_weight=x.new_full((8,), 3.0)),
     [SATURATED_LOGITS, BINARY_TARGETS]),
    ("sigmoid_cross_entropy", F.sigmoid_cross_entropy,
     lambda tF, x, t: tF.binary_cross_entropy_with_logits(x, t), [SATURATED_LOGITS, BINARY_TARGETS]),
    ("cross_entropy", lambda x: F.cross_entropy(x, BIG_LABELS),
     lambda tF, x: tF.cross_entropy(x, x.new_tensor(BIG_LABELS).long()), [BIG_LOGITS]),
    ("softmax_cross_entropy", lambda x: F.softmax_cross_entropy(x, BIG_LABELS),
     lambda tF, x: tF.cross_entropy(x, x.new_tensor(BIG_LABELS).long()), [BIG_LOGITS]),
    ("cross_entropy_sum", lambda x: F.cross_entropy(x, BIG_LABELS, reduction="sum"),
     lambda tF, x: tF.cross_entropy(x, x.new_tensor(BIG_LABELS).long(), reduction="sum"), [BIG_LOGITS]),
    ("cross_entropy_smoothed", lambda x: F.cross_entropy(x, BIG_LABELS, label_smoothing=0.1),
     lambda tF, x: tF.cross_entropy(x, x.new_tensor(BIG_LABELS).long(), label_smoothing=0.1), [BIG_LOGITS]),
    ("cross_entropy_probabilities", F.cross_entropy, lambda tF, x, t: tF.cross_entropy(x, t),
     [BIG_LOGITS, np.eye(3, dtype=np.float32)[[2, 0, 1, 1]]]),
    ("nll_of_log_softmax", lambda x: F.nll_loss(F.log_softmax(x, axis=1), BIG_LABELS),
     lambda tF, x: tF.nll_loss(x.log_softmax(1), x.new_tensor(BIG_LABELS).long()), [BIG_LOGITS]),
    ("nll_with_minus_inf", lambda x: F.nll_loss(x, BIG_LABELS),
     lambda tF, x: tF.nll_loss(x, x.new_tensor(BIG_LABELS).long()),
     [np.where(np.eye(3, dtype=bool)[BIG_LABELS], -2.0, -np.inf).astype(np.float32)]),
    ("kl_div", F.kl_div, lambda tF, q, p: tF.kl_div(q, p, reduction="batchmean"),
     [np.array([[-1e4, -100.0, 0.0, -1e-8]], np.float32), np.array([[0.0, 1.0, 0.0, 1.0]], np.float32)]),
    ("mse_loss", F.mse_loss, lambda tF, y, t: tF.mse_loss(y, t),
     [np.array([1e15, -3e3, 0.0], np.float32), np.array([-1e15, 3e3, 0.0], np.float32)]),
    ("l1_loss", F.l1_loss, lambda tF, y, t: tF.l1_loss(y, t),
     [np.array([1e30, -3e3, 0.0], np.float32), np.array([-1e30, 3e3, 0.0], np.float32)]),
    ("smooth_l1_loss", F.smooth_l1_loss, lambda tF, y, t: tF.smooth_l1_loss(y, t),
     [np.array([1e30, -3e3, 0.0], np.float32), np.array([-1e30, 3e3, 0.0], np.float32)]),
    ("huber_loss", F.huber_loss, lambda tF, y, t: tF.huber_loss(y, t),
     [np.array([1e15, -3e3, 0.0], np.float32), np.array([-1e15, 3e3, 0.0], np.float32)]),
]


@pytest.mark.parametrize("fn, torch_fn, arrays", [pytest.param(*row[1:], id=row[0]) for row in SATURATED])
def test_float32_saturated_inputs_match_torch(fn, torch_fn, arrays):
    """Values and gradients within float32 rounding of PyTorch's, and NaN
    nowhere PyTorch has a number (the kl_div reduction is fixed in the
    row: the default "mean" warns in PyTorch)."""
    torch = pytest.importorskip("torch")
    if fn is F.kl_div:
        fn = lambda q, p: F.kl_div(q, p, reduction="batchmean")  # noqa: E731
    xs = [mg.Variable(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, t = fn(*xs), torch_fn(torch.nn.functional, *ts)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=2e-6, err_msg="value")
    y.backward()
    t.backward()
    for i, (x, tt) in enumerate(zip(xs, ts)):
        expected = tt.grad.numpy()
        assert x.grad.dtype == np.float32
        finite = np.isfinite(expected)
        assert np.isfinite(x.grad.data[finite]).all(), f"input {i}: NaN/inf where PyTorch has {expected}"
        # float32 rounding of the largest term: at x = 20, PyTorch's sigmoid(x) - t
        # rounds to 0 where (1 - t) - sigmoid(-x) keeps -2e-9.
        scale = np.abs(expected[finite]).max(initial=0.0)
        np.testing.assert_allclose(x.grad.data[finite], expected[finite], rtol=2e-6,
                                   atol=2 * np.finfo(np.float32).eps * scale, err_msg=f"gradient of input {i}")


def test_bce_of_saturated_sigmoid():
    z = mg.Variable(np.array([20.0], np.float32))
    loss = F.binary_cross_entropy(F.sigmoid(z), np.array([0.0], np.float32))
    loss.backward()
    assert loss.item() == 100.0
    assert z.grad.data.tolist() == [0.0]


def test_bce_target_gradient_is_finite_at_saturated_p():
    """The derivative of the clamped loss in t: log(1 - p) - log(p) with
    each log clamped at -100 (PyTorch gives +-inf here, the unclamped
    logit)."""
    p = np.array([0.0, 1.0, 0.5])
    t = mg.Variable(np.array([0.5, 0.5, 0.5]))
    F.binary_cross_entropy(p, t, reduction="sum").backward()
    np.testing.assert_allclose(t.grad.data, [100.0, -100.0, 0.0])


# -- the fast path and PyTorch's edge cases -----------------------------------------------

def test_default_cross_entropy_is_the_fused_op():
    x = mg.Variable(randn(5, 4))
    assert isinstance(F.softmax_cross_entropy(x, LABELS).creator, SoftmaxCrossEntropy)
    assert isinstance(F.cross_entropy(x, LABELS).creator, SoftmaxCrossEntropy)
    assert isinstance(F.cross_entropy(x, probabilities(5, 4)).creator, SoftmaxCrossEntropy)
    assert not isinstance(F.cross_entropy(x, LABELS_IGNORED).creator, SoftmaxCrossEntropy)


def test_all_labels_ignored_gives_nan_as_torch():
    torch = pytest.importorskip("torch")
    x = randn(3, 4)
    labels = np.full(3, -100)
    with np.errstate(invalid="ignore"):
        ours = F.cross_entropy(mg.Variable(x), labels).item()
    assert np.isnan(ours) and torch.isnan(torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(labels)))
    assert F.cross_entropy(mg.Variable(x), labels, reduction="sum").item() == 0.0


def test_one_hot_matches_torch():
    torch = pytest.importorskip("torch")
    labels = RNG.integers(0, 5, (2, 3, 4))
    for num_classes in (-1, 7):
        ours = F.one_hot(labels, num_classes)
        expected = torch.nn.functional.one_hot(torch.tensor(labels), num_classes).numpy()
        assert ours.dtype == np.int64 and not ours.requires_grad
        np.testing.assert_array_equal(ours.data, expected)
    assert F.one_hot(mg.Variable(np.array(2)), 4).data.tolist() == [0, 0, 1, 0]


def test_losses_keep_float32():
    y = mg.Variable(randn(3, 4).astype(np.float32))
    t = randn(3, 4)
    for loss in (F.mse_loss(y, t), F.l1_loss(y, t, reduction="none"), F.smooth_l1_loss(y, t),
                 F.kl_div(y, np.abs(t), reduction="batchmean"),
                 F.cross_entropy(y, np.array([0, 1, 3]), weight=positive(4), label_smoothing=0.1),
                 F.nll_loss(y, np.array([0, -100, 3]), weight=positive(4)),
                 F.binary_cross_entropy_with_logits(y, unit(3, 4), positive(4), pos_weight=positive(4))):
        assert loss.dtype == np.float32


# -- modules ------------------------------------------------------------------------------

# (module name, constructor settings with arrays, float inputs, fixed labels or None)
MODULES = [
    ("L1Loss", {}, [randn(3, 4), randn(3, 4)], None),
    ("MSELoss", {"reduction": "sum"}, [randn(3, 4), randn(3, 4)], None),
    ("SmoothL1Loss", {"beta": 0.5, "reduction": "none"}, [randn(3, 4), randn(3, 4)], None),
    ("HuberLoss", {"delta": 0.5}, [randn(3, 4), randn(3, 4)], None),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, [log_probs(3, 4), log_probs(3, 4)], None),
    ("BCELoss", {"weight": positive(4)}, [unit(3, 4), unit(3, 4)], None),
    ("BCEWithLogitsLoss", {"weight": positive(3, 4), "pos_weight": positive(4), "reduction": "sum"},
     [randn(3, 4), unit(3, 4)], None),
    ("NLLLoss", {"weight": CLASS_WEIGHT, "ignore_index": 1}, [log_probs(5, 4)], LABELS),
    ("CrossEntropyLoss", {"weight": CLASS_WEIGHT_3, "label_smoothing": 0.1}, [randn(2, 3, 3, 4)],
     LABELS_4D_IGNORED),
    ("CrossEntropyLoss", {"reduction": "none", "ignore_index": 0}, [randn(5, 4)], LABELS),
]


@pytest.mark.parametrize("name, settings, arrays, labels", MODULES, ids=[m[0] for m in MODULES])
def test_loss_module_matches_torch(name, settings, arrays, labels):
    torch = pytest.importorskip("torch")
    ours = getattr(nn, name)(**settings)
    theirs = getattr(torch.nn, name)(**{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                        for k, v in settings.items()})
    assert ours.reduction == theirs.reduction
    assert set(ours.state_dict()) == set(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key], value.numpy())
    if labels is None:
        assert_matches_torch(ours, theirs, *arrays, atol=1e-9)
    else:
        assert_matches_torch(lambda x: ours(x, labels), lambda x: theirs(x, torch.tensor(labels)), *arrays,
                             atol=1e-9)


@pytest.mark.parametrize("legacy", [{"size_average": False}, {"reduce": False}, {"size_average": True},
                                    {"size_average": False, "reduce": True}])
def test_deprecated_size_average_and_reduce_map_as_torch(legacy):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.nn.MSELoss(**legacy).reduction
    assert nn.MSELoss(**legacy).reduction == expected
    assert nn.CrossEntropyLoss(**legacy).reduction == expected


def test_loss_modules_repr_and_weight_buffer_cast():
    criterion = nn.CrossEntropyLoss(weight=[1.0, 2.0, 3.0], label_smoothing=0.1)
    assert repr(criterion) == "CrossEntropyLoss(reduction='mean', ignore_index=-100, label_smoothing=0.1)"
    criterion.float()
    assert criterion.weight.dtype == np.float32
    assert nn.BCEWithLogitsLoss().state_dict() == {}


# -- bad input ------------------------------------------------------------------------------

def ones(*shape):
    return mg.Variable(np.ones(shape))


ERRORS = [
    ("ce_target_shape", lambda: F.cross_entropy(ones(4, 3), np.array([0, 1, 2, 0, 1])), ValueError,
     ["cross_entropy: logits of shape (4, 3) need t of shape (4,) (integer labels) or (4, 3)", "got (5,)"]),
    ("ce_label_range", lambda: F.cross_entropy(ones(4, 3), np.array([0, 3, 1, 1])), ValueError,
     ["cross_entropy: label 3 at index (1,) is out of range for 3 classes; expected 0 <= t < 3 "
      "or t == ignore_index (-100)"]),
    ("ce_label_negative", lambda: F.cross_entropy(ones(2, 3, 2), np.array([[0, -1], [1, 1]])), ValueError,
     ["cross_entropy: label -1 at index (0, 1) is out of range for 3 classes"]),
    ("ce_label_dtype", lambda: F.cross_entropy(ones(2, 3), np.array([0.0, 1.0])), TypeError,
     ["cross_entropy: labels t must be integers, got dtype float64"]),
    ("ce_weight_shape", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1]), weight=np.ones(4)), ValueError,
     ["cross_entropy: weight must have shape (3,), one per class, got (4,)"]),
    ("ce_ignore_index_probabilities", lambda: F.cross_entropy(ones(2, 3), np.ones((2, 3)) / 3, ignore_index=1),
     ValueError, ["cross_entropy: ignore_index=1 is not supported with class-probability targets"]),
    ("ce_label_smoothing", lambda: F.cross_entropy(ones(2, 3), np.array([0, 1]), label_smoothing=1.5), ValueError,
     ["cross_entropy: label_smoothing must lie in [0, 1], got 1.5"]),
    ("ce_0d_logits", lambda: F.cross_entropy(ones(), np.array(0)), ValueError,
     ["cross_entropy: logits must have a class axis, got a 0-d array"]),
    ("nll_probabilities", lambda: F.nll_loss(ones(4, 3), np.ones((4, 3))), ValueError,
     ["nll_loss: log_probs of shape (4, 3) need t of shape (4,) (integer labels), got (4, 3)"]),
    ("nll_label_range", lambda: F.nll_loss(ones(2, 3), np.array([5, 0])), ValueError,
     ["nll_loss: label 5 at index (0,) is out of range for 3 classes"]),
    ("mse_shape", lambda: F.mse_loss(ones(4, 1), np.ones(4)), ValueError,
     ["mse_loss: y has shape (4, 1) but t has shape (4,); expected the same shape"]),
    ("l1_shape", lambda: F.l1_loss(ones(3), np.ones(2)), ValueError, ["l1_loss: y has shape (3,)", "(2,)"]),
    ("kl_shape", lambda: F.kl_div(ones(2, 3), np.ones(3)), ValueError, ["kl_div: log_q has shape (2, 3)", "(3,)"]),
    ("smooth_l1_beta", lambda: F.smooth_l1_loss(ones(2), np.ones(2), beta=-1), ValueError,
     ["smooth_l1_loss: beta must be non-negative, got -1"]),
    ("bce_logits_shape", lambda: F.binary_cross_entropy_with_logits(ones(4, 1), np.ones(4)), ValueError,
     ["binary_cross_entropy_with_logits: logits has shape (4, 1) but t has shape (4,)"]),
    ("bce_weight_shape", lambda: F.binary_cross_entropy(ones(2, 3) * 0.5, np.ones((2, 3)), np.ones(5)),
     ValueError, ["binary_cross_entropy: weight of shape (5,) does not broadcast to the input's shape (2, 3)"]),
    ("pos_weight_shape",
     lambda: F.binary_cross_entropy_with_logits(ones(2, 3), np.ones((2, 3)), pos_weight=np.ones((4, 3))),
     ValueError, ["binary_cross_entropy_with_logits: pos_weight of shape (4, 3) does not broadcast"]),
    ("one_hot_negative", lambda: F.one_hot(np.array([0, -2])), ValueError,
     ["one_hot: labels must be non-negative, got -2 at index (1,)"]),
    ("one_hot_too_large", lambda: F.one_hot(np.array([[0, 4]]), 3), ValueError,
     ["one_hot: label 4 at index (0, 1) is out of range for num_classes=3"]),
    ("one_hot_float", lambda: F.one_hot(np.array([0.0, 1.0])), TypeError,
     ["one_hot: labels must be integers, got dtype float64"]),
    ("one_hot_empty", lambda: F.one_hot(np.zeros(0, int)), ValueError, ["one_hot: cannot infer num_classes"]),
    ("batchmean_outside_kl_div", lambda: F.mse_loss(ones(2), np.ones(2), reduction="batchmean"), ValueError,
     ["mse_loss: reduction must be one of 'mean', 'sum', 'none', got 'batchmean'"]),
    ("module_reduction", lambda: nn.CrossEntropyLoss(reduction="avg")(ones(2, 3), np.array([0, 1])), ValueError,
     ["cross_entropy: reduction must be one of 'mean', 'sum', 'none', got 'avg'"]),
    ("positional_reduction", lambda: F.mse_loss(ones(2), np.ones(2), "sum"), TypeError, ["positional"]),
]


@pytest.mark.parametrize("make, error, fragments", [pytest.param(*e[1:], id=e[0]) for e in ERRORS])
def test_bad_input_gets_a_clear_error(make, error, fragments):
    with pytest.raises(error) as info:
        make()
    for fragment in fragments:
        assert fragment in str(info.value)


# Every loss, given the reduction "avg": (call with the reduction, the name the error must give)
WRONG_REDUCTION = {
    "mse_loss": lambda r: F.mse_loss(ones(2), np.ones(2), reduction=r),
    "mean_squared_error": lambda r: F.mean_squared_error(ones(2), np.ones(2), reduction=r),
    "l1_loss": lambda r: F.l1_loss(ones(2), np.ones(2), reduction=r),
    "smooth_l1_loss": lambda r: F.smooth_l1_loss(ones(2), np.ones(2), reduction=r),
    "huber_loss": lambda r: F.huber_loss(ones(2), np.ones(2), reduction=r),
    "binary_cross_entropy": lambda r: F.binary_cross_entropy(ones(2) * 0.5, np.ones(2), reduction=r),
    "binary_cross_entropy_with_logits": lambda r: F.binary_cross_entropy_with_logits(ones(2), np.ones(2),
                                                                                      reduction=r),
    "sigmoid_cross_entropy": lambda r: F.sigmoid_cross_entropy(ones(2), np.ones(2), reduction=r),
    "kl_div": lambda r: F.kl_div(ones(2), np.ones(2), reduction=r),
    "cross_entropy": lambda r: F.cross_entropy(ones(2, 3), np.array([0, 1]), reduction=r),
    "softmax_cross_entropy": lambda r: F.softmax_cross_entropy(ones(2, 3), np.array([0, 1]), reduction=r),
    "nll_loss": lambda r: F.nll_loss(ones(2, 3), np.array([0, 1]), reduction=r),
}


@pytest.mark.parametrize("name", sorted(WRONG_REDUCTION))
def test_unknown_reduction_names_the_loss(name):
    with pytest.raises(ValueError) as info:
        WRONG_REDUCTION[name]("avg")
    allowed = "'mean', 'sum', 'none', 'batchmean'" if name == "kl_div" else "'mean', 'sum', 'none'"
    assert str(info.value) == f"{name}: reduction must be one of {allowed}, got 'avg'"
