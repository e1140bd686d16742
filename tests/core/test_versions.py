"""Version counters (core/versions.py): data saved for backward and then
changed in place gives PyTorch's error, never a silently wrong gradient.

Each scenario is one program written once and run twice: on minigrad and
on PyTorch (`lib` is the library). Both must raise RuntimeError, or both
must give the same gradients.
"""
import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F

torch = pytest.importorskip("torch")

X = np.array([0.5, 1.0, -0.3])
M = np.array([[0.2, -0.4, 0.7], [1.1, 0.3, -0.8]])
W = np.array([[0.5, -1.0], [0.25, 0.75], [-0.6, 0.1]])


def leaf(lib, values):
    return lib.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def add_one_into(lib, w):
    """w += 1 in place the way each library's users write it with NumPy at hand."""
    if lib is mg:
        np.add(w, 1, out=w)    # NumPy's ufunc writing into a Variable
    else:
        w.add_(1)


def linear(lib, *hidden):
    """Linear(3, 2), or with hidden widths Linear(3, h) -> Tanh -> ... -> Linear(h, 2)."""
    lib.manual_seed(0)
    widths = (3, *hidden, 2)
    layers = []
    for n_in, n_out in zip(widths, widths[1:]):
        layers += [lib.nn.Linear(n_in, n_out), lib.nn.Tanh()]
    model = lib.nn.Sequential(*layers[:-1])
    model = model.to(np.float64) if lib is mg else model.double()
    for i, p in enumerate(model.parameters()):   # the same weights in both, written unchecked
        values = np.cos(np.arange(p.numel()) + i).reshape(tuple(p.shape))
        p.data[...] = values if lib is mg else torch.from_numpy(values)
    return model


def step_between(optimizer_name, *hidden):
    """A first forward and backward give the parameters gradients; a second
    forward saves the parameters; the optimiser changes them; then the
    second backward. The second layer's weight is read by backward (for
    the hidden layer's gradient); a single layer's weight is not, as its
    input needs no gradient."""
    def program(lib):
        model = linear(lib, *hidden)
        optimizer = getattr(lib.optim, optimizer_name)(model.parameters(), lr=0.1)
        model(lib.tensor(X)).sum().backward()
        loss = (model(lib.tensor(X)) ** 2).sum()
        optimizer.step()
        loss.backward()
        return list(model.parameters())
    return program


def load_between(lib):
    model = linear(lib, 4)
    loss = (model(lib.tensor(X)) ** 2).sum()
    model.load_state_dict({k: np.ones(tuple(v.shape)) if lib is mg else torch.ones_like(v)
                           for k, v in model.state_dict().items()})
    loss.backward()
    return list(model.parameters())


def init_between(lib):
    model = linear(lib, 4)
    loss = (model(lib.tensor(X)) ** 2).sum()
    lib.nn.init.ones_(model[2].weight)
    loss.backward()
    return list(model.parameters())


def saved_output_changed(change):
    """y = exp(x) (exp's backward reads y), then `change(lib, y)` under no_grad."""
    def program(lib):
        x = leaf(lib, M)
        y = x.exp()
        with lib.no_grad():
            change(lib, y)
        (y * 1.0).sum().backward()
        return [x]
    return program


def saved_input_changed(make, change):
    """y = make(x) (its backward reads x), then `change(lib, x)` under no_grad."""
    def program(lib):
        x = leaf(lib, X)
        y = make(x)
        with lib.no_grad():
            change(lib, x)
        y.sum().backward()
        return [x]
    return program


def matmul_weight_changed(lib):
    x, w = leaf(lib, M), leaf(lib, W)
    y = x @ w
    with lib.no_grad():
        w *= 2
    y.sum().backward()
    return [x, w]


def inplace_operator(op):
    def change(lib, y):
        if op == "+=":
            y += 1
        elif op == "-=":
            y -= 0.5
        elif op == "*=":
            y *= 3
        else:
            y /= 2
    return change


RAISES = {
    "output +=": saved_output_changed(inplace_operator("+=")),
    "output *=": saved_output_changed(inplace_operator("*=")),
    "output zero_": saved_output_changed(lambda lib, y: y.zero_()),
    "output fill_": saved_output_changed(lambda lib, y: y.fill_(2.0)),
    "output copy_": saved_output_changed(lambda lib, y: y.copy_(lib.tensor(np.ones(3)))),
    "output through y[0]": saved_output_changed(lambda lib, y: y[0].fill_(5.0)),
    "output through v = y[0]; v += 1": saved_output_changed(lambda lib, y: y[0].__iadd__(1.0)),
    "output through y.reshape(-1)": saved_output_changed(lambda lib, y: y.reshape(-1).zero_()),
    "output through y.T": saved_output_changed(lambda lib, y: y.T.fill_(1.0)),
    "output through y[:, 1:]": saved_output_changed(lambda lib, y: y[:, 1:].zero_()),
    "output through y.detach()": saved_output_changed(lambda lib, y: y.detach().zero_()),
    "leaf zero_": saved_input_changed(lambda x: x * x, lambda lib, x: x.zero_()),
    "leaf fill_": saved_input_changed(lambda x: x.sin(), lambda lib, x: x.fill_(2.0)),
    "leaf copy_": saved_input_changed(lambda x: x.abs(), lambda lib, x: x.copy_(lib.tensor(np.ones(3)))),
    "leaf -= under no_grad": saved_input_changed(lambda x: x * x, inplace_operator("-=")),
    "leaf np.add(w, 1, out=w)": saved_input_changed(lambda x: x.cos(), add_one_into),
    "matmul weight *=": matmul_weight_changed,
    "SGD step": step_between("SGD", 4),
    "Adam step": step_between("Adam", 4),
    "load_state_dict": load_between,
    "nn.init.ones_": init_between,
}


@pytest.mark.parametrize("name", sorted(RAISES))
def test_a_change_of_saved_data_raises_as_in_pytorch(name):
    program = RAISES[name]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        program(torch)
    with pytest.raises(RuntimeError, match=r"changed in place .* at version \d+; .* saved it at version \d+"):
        program(mg)


def unsaved_input_changed(lib):
    """add's backward reads nothing: changing its input after is harmless."""
    a, b = leaf(lib, X), leaf(lib, X[::-1].copy())
    y = a + b
    with lib.no_grad():
        a += 1
    (y * y).sum().backward()
    return [a, b]


def unsaved_output_changed(lib):
    a = leaf(lib, X)
    y = a * 2 + 1           # the add's output: its backward reads nothing
    with lib.no_grad():
        y += 1
    y.sum().backward()
    return [a]


def changed_after_backward(lib):
    x = leaf(lib, X)
    y = x.exp()
    y.sum().backward()
    with lib.no_grad():
        y += 1
    (x * x).sum().backward()
    return [x]


def written_through_data(lib):
    """`.data` is the unchecked door, in both: the gradient uses the new values."""
    x = leaf(lib, X)
    y = x.exp()
    y.data[...] = 0.0 if lib is mg else y.data.zero_()
    y.sum().backward()
    return [x]


def changed_before_use(lib):
    """A change before the op ran is simply the op's input."""
    x = leaf(lib, X)
    h = x * 1.0
    with lib.no_grad():
        h *= 3
    (h * h).sum().backward()
    return [x]


WORKS = {
    "add's input changed": unsaved_input_changed,
    "add's output changed": unsaved_output_changed,
    "changed after backward": changed_after_backward,
    "written through .data": written_through_data,
    "SGD step on one layer (its weight is not read)": step_between("SGD"),
    "Adam step on one layer": step_between("Adam"),
    "changed before the op": changed_before_use,
}


@pytest.mark.parametrize("name", sorted(WORKS))
def test_a_change_backward_does_not_read_gives_pytorchs_gradient(name):
    program = WORKS[name]
    expected = [x.grad.numpy() for x in program(torch)]
    got = [x.grad.data for x in program(mg)]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_version_counts_as_pytorchs_and_views_share_it():
    def versions(lib):
        x = leaf(lib, M)
        seen = [x._version]
        with lib.no_grad():
            x += 1
            seen.append(x._version)
            v = x.reshape(-1)
            t = x.T
            row = x[0]
            seen.append(v._version)
            row.zero_()
            seen += [x._version, v._version, t._version, row._version]
            t.fill_(1.0)
            seen += [x._version, row._version]
            d = x.detach()
            d.zero_()
            seen += [x._version, d._version]
        y = x * 2      # a new array: its own count
        seen.append(y._version)
        return seen

    assert versions(mg) == versions(torch)


def test_the_error_names_the_op_which_tensor_both_versions_and_the_fix():
    x = mg.Variable(np.array([0.5, 1.0]))
    y = F.exp(x)
    with mg.no_grad():
        y += 1
        y += 1
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    message = str(info.value)
    assert message.startswith("exp: output 0 of exp (shape (2,), float64)")
    assert "at version 2; exp saved it at version 0" in message
    assert "clone()" in message and "after backward()" in message
    assert x.grad is None


def test_a_second_order_backward_sees_changes_too():
    x = leaf(mg, X)
    (g,) = mg.grad((x ** 3).sum(), [x], create_graph=True)
    with mg.no_grad():
        x *= 2
    with pytest.raises(RuntimeError, match="changed in place"):
        g.sum().backward()


def test_training_loop_updates_stay_legal():
    """zero_grad, forward, backward, step: the usual loop never trips the check."""
    model = linear(mg, 4)
    optimizer = mg.optim.Adam(model.parameters(), lr=0.01)
    start = [p._version for p in model.parameters()]
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = (model(mg.tensor(M)) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert [p._version for p in model.parameters()] == [v + 5 for v in start]   # one per step
