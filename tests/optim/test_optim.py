"""Optimisers, gradient clipping and lr schedulers, checked against the
Rosenbrock function and against PyTorch (float64 trajectories)."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import lr_scheduler


def rosenbrock(x):
    """(1 - a)^2 + 100 (b - a^2)^2, minimum 0 at (1, 1)."""
    a, b = x[0], x[1]
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2


# (optimiser, its arguments, the largest loss allowed after 2000 steps from
# (-1.2, 1), where the loss is 24.2). AdaDelta is slow on this valley.
ROSENBROCK_CASES = [
    (optim.SGD, dict(lr=2e-3), 0.05),
    (optim.SGD, dict(lr=1e-3, momentum=0.9), 1e-4),
    (optim.SGD, dict(lr=1e-3, momentum=0.9, nesterov=True), 1e-4),
    (optim.AdaGrad, dict(lr=1.0), 0.05),
    (optim.RMSprop, dict(lr=3e-3), 0.05),
    (optim.RMSprop, dict(lr=3e-3, momentum=0.5, centered=True), 1e-3),
    (optim.AdaDelta, dict(lr=1.0, rho=0.99), 0.5),
    (optim.Adam, dict(lr=0.1), 1e-6),
    (optim.AdamW, dict(lr=0.1, weight_decay=1e-4), 0.05),
]


@pytest.mark.parametrize("cls, kwargs, bound", ROSENBROCK_CASES,
                         ids=[f"{c.__name__}-{'-'.join(k)}" for c, k, _ in ROSENBROCK_CASES])
def test_optimisers_descend_rosenbrock(cls, kwargs, bound):
    x = mg.Variable(np.array([-1.2, 1.0]))
    optimizer = cls([x], **kwargs)
    losses = []
    for _ in range(2000):
        loss = rosenbrock(x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[0] == pytest.approx(24.2)
    assert losses[-1] < bound
    assert np.mean(losses[-100:]) < np.mean(losses[:100])


# -- against PyTorch, float64 ------------------------------------------------

def _problem(rng):
    """Starting values for two parameters: a pair on the Rosenbrock valley and
    a (3, 4) matrix fitted by least squares, with its data."""
    return dict(v=np.array([-1.2, 1.0]), W=rng.normal(size=(3, 4)),
                X=rng.normal(size=(5, 3)), Y=rng.normal(size=(5, 4)))


def _loss(v, W, X, Y):
    """Works on minigrad Variables and torch tensors alike."""
    return rosenbrock(v) + (((X @ W) - Y) ** 2).sum() / 5


def _minigrad_trajectory(cls, kwargs, problem, steps):
    v, W = mg.Variable(problem["v"].copy()), mg.Variable(problem["W"].copy())
    optimizer = cls([v, W], **kwargs)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(v, W, problem["X"], problem["Y"]).backward()
        optimizer.step()
        trajectory.append(np.concatenate([v.data.ravel(), W.data.ravel()]))
    return np.array(trajectory)


def _torch_trajectory(torch, torch_name, kwargs, problem, steps):
    v = torch.tensor(problem["v"], requires_grad=True)
    W = torch.tensor(problem["W"], requires_grad=True)
    X, Y = torch.tensor(problem["X"]), torch.tensor(problem["Y"])
    optimizer = getattr(torch.optim, torch_name)([v, W], **kwargs)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        _loss(v, W, X, Y).backward()
        optimizer.step()
        trajectory.append(np.concatenate([v.detach().numpy().ravel(), W.detach().numpy().ravel()]))
    return np.array(trajectory)


# (minigrad class, torch.optim name, arguments shared by both)
TORCH_CASES = [
    (optim.SGD, "SGD", dict(lr=1e-3)),
    (optim.SGD, "SGD", dict(lr=1e-3, momentum=0.9)),
    (optim.SGD, "SGD", dict(lr=1e-3, momentum=0.9, dampening=0.3)),
    (optim.SGD, "SGD", dict(lr=1e-3, momentum=0.9, nesterov=True)),
    (optim.SGD, "SGD", dict(lr=1e-3, momentum=0.8, nesterov=True, weight_decay=0.1)),
    (optim.Adam, "Adam", dict()),
    (optim.Adam, "Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    (optim.Adam, "Adam", dict(lr=0.02, weight_decay=0.1)),
    (optim.Adam, "Adam", dict(lr=0.02, amsgrad=True)),
    (optim.AdamW, "AdamW", dict(lr=0.02)),
    (optim.AdamW, "AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    (optim.RMSprop, "RMSprop", dict(lr=1e-3)),
    (optim.RMSprop, "RMSprop", dict(lr=1e-3, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    (optim.AdaGrad, "Adagrad", dict(lr=0.05)),
    (optim.AdaGrad, "Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
    (optim.AdaDelta, "Adadelta", dict()),
    (optim.AdaDelta, "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
]


@pytest.mark.parametrize("cls, torch_name, kwargs", TORCH_CASES,
                         ids=[f"{c.__name__}-{'-'.join(k) or 'defaults'}" for c, _, k in TORCH_CASES])
def test_trajectory_matches_pytorch(cls, torch_name, kwargs):
    torch = pytest.importorskip("torch")
    problem = _problem(np.random.default_rng(0))
    ours = _minigrad_trajectory(cls, kwargs, problem, steps=100)
    theirs = _torch_trajectory(torch, torch_name, kwargs, problem, steps=100)
    assert np.abs(ours[-1] - ours[0]).max() > 1e-3  # the parameters really moved
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_param_groups_match_pytorch():
    torch = pytest.importorskip("torch")
    problem = _problem(np.random.default_rng(1))
    v, W = mg.Variable(problem["v"].copy()), mg.Variable(problem["W"].copy())
    tv = torch.tensor(problem["v"], requires_grad=True)
    tW = torch.tensor(problem["W"], requires_grad=True)
    ours = optim.SGD([{"params": [v]}, {"params": [W], "lr": 0.01, "momentum": 0.5}], lr=1e-3)
    theirs = torch.optim.SGD([{"params": [tv]}, {"params": [tW], "lr": 0.01, "momentum": 0.5}], lr=1e-3)
    X, Y = problem["X"], problem["Y"]
    for _ in range(30):
        for params, optimizer, x, y in ((v, W), ours, X, Y), ((tv, tW), theirs, torch.tensor(X), torch.tensor(Y)):
            optimizer.zero_grad()
            _loss(*params, x, y).backward()
            optimizer.step()
    np.testing.assert_allclose(v.data, tv.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(W.data, tW.detach().numpy(), rtol=0, atol=1e-10)


# -- state_dict ------------------------------------------------------------

def _quadratic_steps(optimizer, params, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = sum(((p - 1.5) ** 4).sum() for p in params)
        loss.backward()
        optimizer.step()


STATEFUL = [
    (optim.SGD, dict(lr=0.01, momentum=0.9, nesterov=True)),
    (optim.Adam, dict(lr=0.01, amsgrad=True)),
    (optim.AdamW, dict(lr=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.3, centered=True)),
    (optim.AdaGrad, dict(lr=0.1, lr_decay=0.1)),
    (optim.AdaDelta, dict(lr=1.0)),
]


@pytest.mark.parametrize("cls, kwargs", STATEFUL, ids=[c.__name__ for c, _ in STATEFUL])
def test_state_dict_round_trip_continues_the_same_trajectory(cls, kwargs):
    rng = np.random.default_rng(2)
    params = [mg.Variable(rng.normal(size=(3, 2))), mg.Variable(rng.normal(size=4))]
    optimizer = cls(params, **kwargs)
    _quadratic_steps(optimizer, params, 5)
    saved = optimizer.state_dict()
    assert sorted(saved["state"]) == [0, 1]
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1]]

    copies = [mg.Variable(p.data.copy()) for p in params]
    resumed = cls(copies, lr=123.0)  # a different lr: load_state_dict must restore it
    resumed.load_state_dict(saved)
    assert resumed.lr == optimizer.lr
    _quadratic_steps(optimizer, params, 5)  # must not disturb `saved`
    _quadratic_steps(resumed, copies, 5)
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p.data, q.data)


def test_state_dict_is_a_copy_and_loads_into_float32():
    x = mg.Variable(np.array([1.0, 2.0]))
    optimizer = optim.Adam([x], lr=0.1)
    _quadratic_steps(optimizer, [x], 3)
    saved = optimizer.state_dict()
    before = saved["state"][0]["exp_avg"].copy()
    _quadratic_steps(optimizer, [x], 3)
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"], before)

    x32 = mg.Variable(np.array([1.0, 2.0], dtype=np.float32))
    other = optim.Adam([x32])
    other.load_state_dict(saved)
    assert other.state[x32]["exp_avg"].dtype == np.float32
    assert other.state[x32]["step"] == 3


def test_load_state_dict_rejects_a_mismatch():
    x, y = mg.Variable(np.zeros(2)), mg.Variable(np.zeros(3))
    saved = optim.SGD([x, y], lr=0.1, momentum=0.9)
    for p in (x, y):
        p.grad = mg.Variable(np.ones_like(p.data))
    saved.step()
    with pytest.raises(ValueError, match="param group 0 has 2 parameter"):
        optim.SGD([x], lr=0.1).load_state_dict(saved.state_dict())
    with pytest.raises(ValueError, match=r"shape \(2,\) but its parameter has shape \(3,\)"):
        optim.SGD([y, x], lr=0.1).load_state_dict(saved.state_dict())


# -- behaviour every optimiser shares ------------------------------------------

ALL = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.AdaGrad, optim.AdaDelta]


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_float32_stays_float32_and_updates_in_place(cls):
    x = mg.Variable(np.array([[0.5, -1.0]], dtype=np.float32))
    data = x.data
    optimizer = cls([x], lr=0.1)
    _quadratic_steps(optimizer, [x], 3)
    assert x.data is data and x.dtype == np.float32
    assert not np.array_equal(x.data, [[0.5, -1.0]])
    for value in optimizer.state[x].values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_zero_grad_clears_and_step_skips_parameters_without_grad(cls):
    x, y = mg.Variable(np.array([1.0, 2.0])), mg.Variable(np.array([3.0]))
    optimizer = cls((p for p in (x, y)), lr=0.1)  # any iterable
    (x * x).sum().backward()
    optimizer.step()
    assert y.data[0] == 3.0 and y not in optimizer.state
    assert not np.array_equal(x.data, [1.0, 2.0])
    optimizer.zero_grad()
    assert x.grad is None and y.grad is None


def test_step_records_no_graph_and_returns_the_closure_loss():
    x = mg.Variable(np.array([2.0]))
    optimizer = optim.SGD([x], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert loss.item() == 4.0
    assert x.data[0] == 1.0 and x.creator is None


def test_lr_is_settable_and_reaches_every_group():
    x, y = mg.Variable(np.array([1.0])), mg.Variable(np.array([1.0]))
    optimizer = optim.SGD([{"params": [x]}, {"params": [y], "lr": 0.5}], lr=0.1)
    assert optimizer.lr == 0.1
    optimizer.lr = 0.01
    assert [g["lr"] for g in optimizer.param_groups] == [0.01, 0.01]
    x.grad = mg.Variable(np.array([1.0]))
    optimizer.step()
    assert x.data[0] == pytest.approx(0.99)


@pytest.mark.parametrize("make, error, message", [
    (lambda x: optim.SGD([x], lr=-1.0), ValueError, "invalid lr -1.0"),
    (lambda x: optim.SGD([x], lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
    (lambda x: optim.Adam([x], betas=(0.9, 1.0)), ValueError, "invalid beta2 1.0"),
    (lambda x: optim.Adam([x], eps=-1e-8), ValueError, "invalid eps"),
    (lambda x: optim.AdaDelta([x], rho=1.5), ValueError, "invalid rho"),
    (lambda x: optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
    (lambda x: optim.SGD(x, lr=0.1), TypeError, "single Variable"),
    (lambda x: optim.SGD([x, x], lr=0.1), ValueError, "appears twice"),
    (lambda x: optim.SGD([np.zeros(2)], lr=0.1), TypeError, "can only optimise Variables"),
    (lambda x: optim.SGD([mg.Variable(np.arange(3))], lr=0.1), TypeError, "floating-point"),
    (lambda x: optim.SGD([{"params": [x], "betas": 1}], lr=0.1), TypeError, "unknown hyperparameter"),
])
def test_bad_arguments_give_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make(mg.Variable(np.zeros(2)))


def test_a_gradient_of_the_wrong_shape_is_reported():
    x = mg.Variable(np.zeros(3))
    x.grad = mg.Variable(np.zeros(2))
    with pytest.raises(ValueError, match=r"shape \(3,\) has a gradient of shape \(2,\)"):
        optim.Adam([x]).step()


# -- clip_grad_norm_ -----------------------------------------------------------

@pytest.mark.parametrize("max_norm, norm_type", [(0.5, 2.0), (100.0, 2.0), (0.3, 1.0), (0.2, math.inf)])
def test_clip_grad_norm_matches_pytorch(max_norm, norm_type):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=(2, 3)), rng.normal(size=4)]
    params = [mg.Variable(np.zeros_like(g)) for g in grads] + [mg.Variable(np.zeros(2))]  # last: no grad
    for p, g in zip(params, grads):
        p.grad = mg.Variable(g.copy())
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    total = optim.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    assert total == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(params, tensors):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)
    assert params[-1].grad is None


def test_clip_grad_norm_does_not_scale_a_shared_gradient_twice():
    x, y = mg.Variable(np.array([3.0])), mg.Variable(np.array([4.0]))
    (x + y).sum().backward()  # add's backward may hand both the same gradient
    optim.clip_grad_norm_([x, y], max_norm=1.0)
    np.testing.assert_allclose([x.grad.item(), y.grad.item()], [1 / math.sqrt(2)] * 2, rtol=1e-5)


# -- schedulers ------------------------------------------------------------------

def _lr_sequence(optimizer, scheduler, epochs, values=None):
    lrs = []
    for epoch in range(epochs):
        lrs.append([g["lr"] for g in optimizer.param_groups])
        optimizer.step()  # no gradients: nothing moves, but PyTorch wants this order
        if values is None:
            scheduler.step()
        else:
            scheduler.step(values[epoch])
    return np.array(lrs)


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULERS, ids=[f"{n}-{'-'.join(k)}" for n, k in SCHEDULERS])
def test_scheduler_lr_sequence_matches_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours_opt = optim.SGD([{"params": [mg.Variable(np.zeros(1))]},
                          {"params": [mg.Variable(np.zeros(1))], "lr": 0.3}], lr=0.1)
    theirs_opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)]},
                                  {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.3}], lr=0.1)
    ours = _lr_sequence(ours_opt, getattr(lr_scheduler, name)(ours_opt, **kwargs), 25)
    theirs = _lr_sequence(theirs_opt, getattr(torch.optim.lr_scheduler, name)(theirs_opt, **kwargs), 25)
    assert len(np.unique(ours[:, 0])) > 2
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


PLATEAU = [
    dict(),
    dict(patience=2, factor=0.5),
    dict(mode="max", patience=1, threshold=0.05, cooldown=2),
    dict(patience=1, threshold_mode="abs", threshold=0.1, min_lr=0.02),
    dict(patience=0, factor=0.5, min_lr=[0.0, 0.1], eps=1e-3),
]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=lambda k: "-".join(k) or "defaults")
def test_reduce_lr_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    values = np.concatenate([np.linspace(1.0, 0.5, 6), np.full(12, 0.5), [0.49, 0.4995, -0.2, -0.2, -0.199],
                             np.full(15, -0.2), np.linspace(-0.2, 3.0, 8)])
    ours_opt = optim.SGD([{"params": [mg.Variable(np.zeros(1))]},
                          {"params": [mg.Variable(np.zeros(1))], "lr": 0.3}], lr=0.1)
    theirs_opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)]},
                                  {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.3}], lr=0.1)
    ours = _lr_sequence(ours_opt, lr_scheduler.ReduceLROnPlateau(ours_opt, **kwargs), len(values), values)
    theirs = _lr_sequence(theirs_opt, torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, **kwargs),
                          len(values), values)
    assert len(np.unique(ours[:, 0])) >= 2
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_scheduler_sets_the_optimiser_lr_and_resumes_from_its_state():
    x = mg.Variable(np.zeros(1))
    optimizer = optim.SGD([x], lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    for _ in range(3):
        scheduler.step()
    assert optimizer.lr == pytest.approx(0.1) and scheduler.get_last_lr() == [optimizer.lr]
    saved = scheduler.state_dict()
    assert "optimizer" not in saved

    other_optimizer = optim.SGD([mg.Variable(np.zeros(1))], lr=1.0)
    other_optimizer.load_state_dict(optimizer.state_dict())
    resumed = lr_scheduler.StepLR(other_optimizer, step_size=5)
    resumed.load_state_dict(saved)
    scheduler.step()
    resumed.step()
    assert other_optimizer.lr == optimizer.lr == pytest.approx(0.01)


def test_scheduler_bad_arguments():
    optimizer = optim.SGD([mg.Variable(np.zeros(1))], lr=1.0)
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        lr_scheduler.StepLR(optimizer, step_size=0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        lr_scheduler.ReduceLROnPlateau(optimizer, mode="lowest")
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.ExponentialLR([1.0], gamma=0.5)
