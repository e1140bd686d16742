"""minigrad.viz.check: the stepper's gradient check, each leaf's gradient from
backward beside central differences of the traced output (CS231n's notes)."""
import json
import re
import shutil

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import nn, optim, viz
from minigrad.viz import check
from minigrad.viz.check import check_gradients, relative_error, verdict

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")


class ForgetfulSquare(mg.Function):
    """y = x ** 2.   dy/dx = 2 x, but this backward forgets the 2."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return gy * self.inputs[0]


def mlp_and_loss(seed=0):
    """A float32 MLP (tanh and relu) and its cross-entropy on 5 points."""
    mg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x = mg.Variable(np.random.default_rng(seed).standard_normal((5, 4)).astype(np.float32), name="x")
    labels = np.array([0, 1, 2, 1, 0])
    return model, x, labels, F.softmax_cross_entropy(model(x), labels)


def traced(loss, params=None):
    with viz.trace_backward(params) as trace:
        loss.backward()
    return trace


def page_check(html):
    data = json.loads(re.search(r'<script type="application/json" id="trace-data">(.*?)</script>',
                                html, re.S).group(1).replace("<\\/", "</"))
    return data["check"]


def test_a_small_mlp_agrees_to_1e_7_and_matches_torch():
    torch = pytest.importorskip("torch")
    model, x, labels, loss = mlp_and_loss()
    trace = traced(loss, model)
    result = check_gradients(trace)
    assert result.reason is None and result.agree
    names = dict(model.named_parameters())
    assert [c.leaf for c in result.leaves] == [x] + [names[n] for n in ("0.weight", "0.bias", "2.weight",
                                                                         "2.bias", "4.weight", "4.bias")]
    for c in result.leaves:
        assert c.max_error <= 1e-7 and c.verdict == "agree to 1e-7"
    # the same network in PyTorch, in float64: its autograd gradients are both sides of the check
    tx = torch.tensor(x.data, dtype=torch.float64, requires_grad=True)
    tp = {n: torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for n, p in names.items()}
    h = torch.relu(torch.tanh(tx @ tp["0.weight"].T + tp["0.bias"]) @ tp["2.weight"].T + tp["2.bias"])
    torch.nn.functional.cross_entropy(h @ tp["4.weight"].T + tp["4.bias"], torch.tensor(labels)).backward()
    for c, t in zip(result.leaves, [tx] + [tp[n] for n in ("0.weight", "0.bias", "2.weight", "2.bias",
                                                            "4.weight", "4.bias")]):
        np.testing.assert_allclose(c.analytic, t.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(c.numeric, t.grad.numpy(), rtol=1e-6, atol=1e-9)
        # the traced float32 gradient is the same to float32's rounding
        np.testing.assert_allclose(trace.leaf_grads()[c.leaf], c.analytic, rtol=1e-4, atol=1e-6)


def test_a_wrong_backward_of_a_users_function_disagrees():
    w = mg.Variable(np.array([1.0, -2.0, 3.0]), name="w")
    result = check_gradients(traced((ForgetfulSquare()(w) * 2.0).sum()))
    (leaf,) = result.leaves
    np.testing.assert_allclose(leaf.analytic, 2 * w.data)            # what backward says
    np.testing.assert_allclose(leaf.numeric, 4 * w.data, rtol=1e-9)  # d(2 w**2)/dw
    assert leaf.max_error == pytest.approx(0.5) and not leaf.agree and not result.agree
    assert leaf.verdict == "disagree: the backward is wrong"


def test_the_op_whose_own_backward_is_wrong_is_named():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = mg.Variable(np.array([[0.5, -1.0], [2.0, 0.3]], dtype=np.float32), name="x")
    result = check_gradients(traced(ForgetfulSquare()(model(x)).mean()))
    assert not result.agree
    (culprit, error), = result.culprits            # not linear, tanh or mean: each checked alone
    assert type(culprit) is ForgetfulSquare and error == pytest.approx(0.5)
    assert check_gradients(traced(mlp_and_loss()[3])).culprits == []


def test_no_culprit_is_named_when_the_ops_cannot_all_be_checked_alone(monkeypatch):
    w = mg.Variable(np.array([1.0, -2.0, 3.0]), name="w")
    trace = traced((ForgetfulSquare()(w) * 2.0).sum())
    monkeypatch.setattr(check, "MAX_OP_CALLS", 1)          # check=True passes the limit; op by op does not
    result = check_gradients(trace, check=True)
    assert not result.agree and result.culprits is None


def test_the_verdicts_follow_cs231n():
    assert verdict(3e-9) == "agree to 1e-7"
    assert verdict(5e-6).startswith("agree to 1e-4: fine where the graph has kinks")
    assert verdict(5e-3) == "agree only to 1e-2: probably a wrong backward"
    assert verdict(0.3) == verdict(np.inf) == "disagree: the backward is wrong"
    np.testing.assert_allclose(relative_error([1.0, 0.0, -2.0, 1.0], [1.1, 0.0, -2.0, np.nan]),
                               [0.1 / 1.1, 0.0, 0.0, np.inf])
    # below the floor (a thousandth of the leaf's largest), errors are relative to the floor
    assert relative_error([1e-12], [3e-12], floor=1e-3)[0] == pytest.approx(2e-9)


def test_a_large_graph_is_skipped_with_the_reason_and_check_true_checks_it():
    w = mg.Variable(np.linspace(-1, 1, 1200), name="w")
    trace = traced(F.tanh(w).sum())
    result = check_gradients(trace)
    assert result.leaves == [] and not result.agree
    assert result.reason.startswith("the graph is too big to check here: 4800 replays of the forward pass")
    assert "limit of 4000 replays" in result.reason and "to_html(check=True) checks it anyway" in result.reason
    forced = check_gradients(trace, check=True)
    assert forced.reason is None and forced.agree and forced.evaluations == 4800   # four per element
    assert check_gradients(trace, check=False) is None


def test_an_element_whose_step_crosses_a_kink_is_left_out_and_counted():
    w = mg.Variable(np.array([1e-4, 1.0, -2.0]), name="w")    # relu's kink within eps of w[0]
    (leaf,) = check_gradients(traced(F.relu(w).sum())).leaves
    assert leaf.kinks.tolist() == [True, False, False] and leaf.error[0] > 0.1
    assert leaf.agree and leaf.max_error < 1e-12
    assert leaf.verdict == "agree to 1e-7 (1 element where the step crosses a kink left out)"
    (leaf,) = check_gradients(traced(F.log(mg.Variable(np.array([1e-4, 1.0]))).sum())).leaves
    assert leaf.kinks.tolist() == [True, False] and leaf.agree      # log's domain left: a NaN


def test_richardson_makes_a_smooth_network_agree_far_below_1e_7():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 10))
    x = mg.Variable(np.ones((16, 8), np.float32), requires_grad=False)
    result = check_gradients(traced(F.softmax_cross_entropy(model(x), np.arange(16) % 10)), check=True)
    assert max(c.max_error for c in result.leaves) < 3e-8     # central differences alone: 4e-7
    assert not any(c.kinks.any() for c in result.leaves)


class Float32Only(mg.Function):
    """y = 2 x, refusing any dtype but float32 in backward."""

    def forward(self, x):
        return 2 * x

    def backward(self, gy):
        if gy.dtype != np.float32:
            raise TypeError(f"Float32Only: expected a float32 gradient, got {gy.dtype}")
        return gy * 2


def test_a_function_that_fails_in_float64_is_skipped_saying_so():
    w = mg.Variable(np.ones(3, np.float32), name="w")
    result = check_gradients(traced(Float32Only()(w).sum()))
    assert result.leaves == []
    assert result.reason == ("replaying the graph in float64 raised TypeError: Float32Only: expected a float32 "
                             "gradient, got float64")


def test_torch_gradcheck_catches_the_same_wrong_backward():
    torch = pytest.importorskip("torch")

    class TorchForgetfulSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, gy):
            return gy * ctx.saved_tensors[0]

    w = np.array([1.0, -2.0, 3.0])
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):   # torch.autograd.GradcheckError
        torch.autograd.gradcheck(TorchForgetfulSquare.apply, torch.tensor(w, requires_grad=True))
    (leaf,) = check_gradients(traced(ForgetfulSquare()(mg.Variable(w)).sum())).leaves
    tw = torch.tensor(w, requires_grad=True)
    TorchForgetfulSquare.apply(tw).sum().backward()
    np.testing.assert_allclose(leaf.analytic, tw.grad.numpy())     # the same wrong gradient, x not 2x
    assert not leaf.agree


def test_dropout_is_skipped_saying_it_draws_random_numbers():
    mg.manual_seed(0)
    x = mg.Variable(np.ones((2, 3)), name="x")
    result = check_gradients(traced(F.dropout(x, 0.5, training=True).sum()))
    assert result.leaves == []
    assert result.reason.startswith("dropout (Dropout) does not give its recorded output again")
    assert "model.eval()" in result.reason


def test_an_in_place_update_inside_the_graph_is_checked_as_backward_saw_it():
    x = mg.Variable(np.array([1.0, 2.0]), name="x")
    y = x * 3.0
    z = y * y
    y.exp_()                         # rebinds y after z read it: backward hands z's op the old y
    result = check_gradients(traced((z + y).sum()))
    assert result.agree              # d/dx (9 x**2 + exp(3 x))
    np.testing.assert_allclose(result.leaves[0].numeric, 18 * x.data + 3 * np.exp(3 * x.data), rtol=1e-8)


def test_an_in_place_update_after_the_trace_is_skipped():
    x = mg.Variable(np.array([1.0, 2.0]), name="x")
    y = x * 3.0
    trace = traced((y * y).sum())
    y.exp_()                         # the recorded mul now reads a y made later
    result = check_gradients(trace)
    assert result.leaves == []
    assert result.reason.startswith("mul read a value that was later changed in place (exp rebound it)")


def test_the_check_uses_the_values_backward_saw_not_later_ones():
    model, x, labels, loss = mlp_and_loss(1)
    with viz.trace_backward(model) as trace:
        loss.backward()
        optim.SGD(model.parameters(), lr=0.5).step()   # the parameters move inside the block
    result = check_gradients(trace)
    assert result.reason is None and result.agree
    for c in result.leaves:   # the gradients are those of the traced pass
        np.testing.assert_allclose(trace.leaf_grads()[c.leaf], c.analytic, rtol=1e-4, atol=1e-6)


def test_the_check_adds_no_pass_to_a_trace_still_recording():
    w = mg.Variable(np.array([0.5, -1.0]), name="w")
    with viz.trace_backward() as trace:
        (w * w).sum().backward()
        check_gradients(trace)
    assert len(trace.seeds) == 1 and len(trace.steps) == 2


def test_a_limit_on_op_calls_too(monkeypatch):
    monkeypatch.setattr(check, "MAX_OP_CALLS", 10)
    w = mg.Variable(np.array([0.5, -1.0, 2.0]), name="w")
    result = check_gradients(traced(F.tanh(F.tanh(w)).sum()))
    assert "12 replays of the forward pass (36 op calls)" in result.reason   # tanh, tanh, sum: 3 ops


@needs_dot
def test_the_page_carries_the_check_and_check_false_leaves_it_out(tmp_path):
    w = mg.Variable(np.array([1.0, -2.0, 3.0]), name="w")
    b = mg.Variable(np.array(0.5), name="b")
    trace = traced((ForgetfulSquare()(w) + b).sum())
    data = page_check(trace.html())
    assert data["reason"] is None and data["agree"] is False
    by_name = {leaf["name"]: leaf for leaf in data["leaves"]}
    assert by_name["w"]["agree"] is False and by_name["w"]["maxError"] == "5.0e-01"
    assert by_name["b"]["agree"] is True and by_name["b"]["verdict"] == "agree to 1e-7"
    assert [a[0].split(":")[0] for a in by_name["w"]["arrays"]] == ["analytic", "numeric",
                                                                    "relative error |a − n| / max(|a|, |n|)"]
    assert data["culprits"] == [{"id": "f0", "name": "forgetful_square (ForgetfulSquare)", "maxError": "5.0e-01"}]
    assert page_check(trace.html(check=False)) is None
    big = traced(F.tanh(mg.Variable(np.zeros(1500))).sum())
    assert page_check(big.html())["reason"].startswith("the graph is too big")


def test_check_must_be_true_false_or_auto():
    w = mg.Variable(np.array([1.0]))
    trace = traced((w * w).sum())
    with pytest.raises(ValueError, match=r"to_html: check='yes'; expected True \(always\), False \(never\) or"):
        check_gradients(trace, check="yes")
