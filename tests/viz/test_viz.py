"""minigrad.viz: DOT pictures of the graph, rendering, and the backward trace."""
import re
import shutil
import time

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import viz
from minigrad.viz.labels import format_array

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")


def small_net():
    """L = sum(tanh(x @ W + b) ** 2): a leaf used once, a broadcast bias."""
    x = mg.Variable(np.array([[1.0, -2.0], [0.5, 3.0]]), name="x")
    W = mg.Variable(np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]), name="W")
    b = mg.Variable(np.array([0.01, 0.02, 0.03]), name="b")
    h = F.tanh(x @ W + b)
    L = (h * h).sum()
    L.name = "L"
    return L, x, W, b


def node_lines(source):
    """{node id: its declaration line} of a DOT source; fails on a repeat."""
    nodes = {}
    for line in source.splitlines():
        m = re.match(r"\s*([vf]\d+) \[", line)
        if m:
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = line
    return nodes


# -- to_dot -------------------------------------------------------------------------

def test_same_code_gives_the_same_dot_text():
    first = viz.to_dot(small_net()[0], show=("name", "shape", "value")).source
    mg.Variable(1.0) * 2.0   # other graphs made in between change nothing
    second = viz.to_dot(small_net()[0], show=("name", "shape", "value")).source
    assert first == second
    assert "id(" not in first and re.search(r"\b\d{9,}\b", first) is None   # no memory addresses


def test_every_node_once_with_distinct_shapes_for_variables_and_functions():
    x = mg.Variable(np.array([1.0, 2.0]), name="x")
    y = x * x + x          # x feeds three edges
    nodes = node_lines(viz.to_dot(y).source)
    functions = {k: v for k, v in nodes.items() if k.startswith("f")}
    variables = {k: v for k, v in nodes.items() if k.startswith("v")}
    assert len(functions) == 2 and len(variables) == 3          # mul, add; x, x*x, y
    assert all("shape=ellipse" in line for line in functions.values())
    assert all("shape=box" in line for line in variables.values())
    source = viz.to_dot(y).source
    assert source.count("v0 -> f") == 3                         # x*x twice, + x once


def test_node_ids_follow_creation_order():
    a = mg.Variable(np.array(2.0), name="a")
    c = F.exp(a)
    d = F.sin(a)
    source = viz.to_dot(d + c).source
    nodes = node_lines(source)
    assert "exp" in nodes["f0"] and "sin" in nodes["f1"] and "add" in nodes["f2"]


def test_a_graph_of_ten_thousand_ops_draws():
    x = mg.Variable(np.array(0.5), name="x")
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    start = time.perf_counter()
    source = viz.to_dot(y).source
    took = time.perf_counter() - start
    nodes = node_lines(source)
    assert sum(k.startswith("f") for k in nodes) == 10_000
    assert sum(k.startswith("v") for k in nodes) == 10_001
    assert took < 10, f"to_dot took {took:.1f} s for 10,000 ops"


def test_show_chooses_what_variable_nodes_carry():
    L, x, W, b = small_net()
    L.backward()
    plain = node_lines(viz.to_dot(L, show=("name",)).source)
    assert ">x<" in plain["v0"] and "(2, 2)" not in plain["v0"]
    full = node_lines(viz.to_dot(L, show=("name", "shape", "dtype", "value", "grad")).source)
    assert "(2, 2) float64" in full["v0"]
    assert "[[1, -2]," in full["v0"] and "[0.5, 3]]" in full["v0"]            # the value, by row
    gx = format_array(x.grad.data).split("\n")
    assert "grad " + gx[0] in full["v0"] and gx[1] in full["v0"]
    assert "grad freed; use retain_grad" in full["v2"]                      # x @ W kept no grad
    only_dtype = node_lines(viz.to_dot(L, show="dtype").source)
    assert "float64" in only_dtype["v0"] and ">x<" not in only_dtype["v0"]


def test_bad_show_and_rankdir_and_outputs_are_named_errors():
    L = small_net()[0]
    with pytest.raises(ValueError, match="show=.*'values'.*expected any of"):
        viz.to_dot(L, show=("values",))
    with pytest.raises(ValueError, match="rankdir='XY'"):
        viz.to_dot(L, rankdir="XY")
    with pytest.raises(TypeError, match="to_dot: expected Variables as outputs, got ndarray"):
        viz.to_dot(np.ones(3))
    with pytest.raises(TypeError, match="at least one output"):
        viz.to_dot()


def test_rankdir_reaches_the_graph():
    assert "rankdir=LR" in viz.to_dot(small_net()[0], rankdir="LR").source


def test_small_arrays_print_rounded_numbers_and_big_ones_a_summary():
    # rounded relative to the array's scale: noise beside 1 is 0, a small array keeps its digits
    assert format_array(np.array([1.0, 1 / 3, -2.5e-7])) == "[1, 0.3333, 0]"
    assert format_array(np.array([1e-7, 1 / 3 * 1e-7, -2.5e-14])) == "[1e-07, 3.333e-08, 0]"
    assert format_array(np.array([2.5e-7])) == "[2.5e-07]"
    assert format_array(np.array([[2.69, -2.69, 2.9e-9]] * 10)) == "(10, 3) min -2.69 mean 0 max 2.69"
    assert format_array(np.array([[1, 2], [3, 4]])) == "[[1, 2],\n [3, 4]]"
    assert format_array(np.array([[1, 2], [3, 4]]), one_line=True) == "[[1, 2], [3, 4]]"
    assert format_array(np.array(2.0)) == "2"
    big = np.arange(100.0).reshape(10, 10) / 7
    assert format_array(big) == f"(10, 10) min 0 mean {np.mean(big):.4g} max {99 / 7:.4g}"
    assert format_array(np.zeros((0, 3))) == "(0, 3) empty"
    assert format_array(np.array([True, False, True, True] * 5)) == "(20,) min 0 mean 0.75 max 1"
    node = node_lines(viz.to_dot(mg.Variable(big, name="big"), show=("value",)).source)["v0"]
    assert "(10, 10) min 0 mean 7.071 max 14.14" in node


def test_function_nodes_carry_the_op_and_its_settings():
    x = mg.Variable(np.ones((2, 3)), name="x")
    y = F.sum(x.reshape(3, 2), axis=1, keepdims=True)
    nodes = node_lines(viz.to_dot(y).source)
    assert "reshape" in nodes["f0"] and "shape=(3, 2)" in nodes["f0"]
    assert ">sum<" in nodes["f1"] and "axis=1, keepdims=True" in nodes["f1"]
    z = x[0, 1:]
    assert "index=(0, 1:)" in node_lines(viz.to_dot(z).source)["f0"]


def test_params_dict_labels_parameters_by_their_dotted_names():
    W = mg.Variable(np.ones((3, 2)))
    b = mg.Variable(np.zeros(2))
    x = mg.Variable(np.ones((4, 3)), name="x")
    y = x @ W + b
    nodes = node_lines(viz.to_dot(y, params={"0.weight": W, "0.bias": b}).source)
    assert ">0.weight<" in nodes["v1"] and ">0.bias<" in nodes["v3"]
    assert "#dae8fc" in nodes["v1"] and "#dae8fc" not in nodes["v0"]     # parameters coloured apart
    with pytest.raises(TypeError, match=r"params\['w'\] is a ndarray, expected a Parameter"):
        viz.to_dot(y, params={"w": np.ones(2)})
    with pytest.raises(TypeError, match="params must be a Module or a dict"):
        viz.to_dot(y, params=[W, b])


def mlp():
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_params_module_labels_parameters_by_their_dotted_names():
    model = mlp()
    y = model(mg.Variable(np.ones((5, 3), dtype=np.float32), name="x"))
    source = viz.to_dot(y, params=model).source
    for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
        assert f">{name}<" in source


def test_module_clusters_group_each_submodules_ops():
    model = mlp()
    with viz.module_scopes(model):
        loss = (model(mg.Variable(np.ones((5, 3), dtype=np.float32), name="x")) ** 2).mean()
    assert all("forward" not in vars(m) for m in model.modules())       # forwards put back
    source = viz.to_dot(loss, params=model, cluster_modules=True).source
    clusters = re.findall(r"subgraph (cluster_\d+) \{\n\s*[^\n]*label=\"([^\"]+)\"(.*?)\n\s*\}", source, re.S)
    by_label = {label: body for _, label, body in clusters}
    assert set(by_label) == {"0: Linear", "1: ReLU", "2: Linear"}
    assert "0.weight" in by_label["0: Linear"] and "linear" in by_label["0: Linear"]
    assert "relu" in by_label["1: ReLU"] and "2.bias" in by_label["2: Linear"]
    outside = source.split("subgraph")[0]
    assert ">pow_constant<" in outside and ">mean<" in outside and ">x<" in outside   # not in any module


def test_nested_modules_give_nested_clusters():
    nn = pytest.importorskip("minigrad.nn")
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.Tanh()), nn.Linear(2, 1))
    with viz.module_scopes(model):
        y = model(mg.Variable(np.ones((1, 2), dtype=np.float32)))
    source = viz.to_dot(y, params=model, cluster_modules=True).source
    outer = source.index('label="0: Sequential"')
    assert outer < source.index('label="0.0: Linear"') < source.index('label="0.1: Tanh"')
    assert source.count("subgraph cluster_") == 4


def collapsible():
    """Linear, Tanh, (Linear, ReLU), Linear and a squared error, recorded per module."""
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Sequential(nn.Linear(3, 3), nn.ReLU()), nn.Linear(3, 1))
    with viz.module_scopes(model):
        loss = F.mean_squared_error(model(mg.Variable(np.ones((2, 2), np.float32), name="x")),
                                    np.zeros((2, 1), np.float32))
    return model, loss


def edges_of(source):
    return re.findall(r"^\s*(\S+) -> (\S+) \[", source, re.M)


def test_a_long_settings_line_wraps_at_the_commas_between_settings():
    from minigrad.viz.labels import wrap_list
    text = "kernel_size=(3, 3), stride=(1, 1), pad=((0, 0), (0, 0)), dilation=(1, 1), groups=1"
    assert wrap_list(text) == ("kernel_size=(3, 3), stride=(1, 1),\npad=((0, 0), (0, 0)), dilation=(1, 1),\n"
                               "groups=1")
    assert wrap_list("axis=None, keepdims=False") == "axis=None, keepdims=False"
    assert wrap_list("shape=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)", width=10) == \
        "shape=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)"   # a tuple is never cut


def test_collapse_true_draws_each_top_level_module_as_one_box_with_the_arrows_rerouted():
    model, loss = collapsible()
    source = viz.to_dot(loss, params=model, collapse=True).source
    nodes = re.findall(r"^\s*(\w+) \[label=", source, re.M)
    boxes = {m: label for m, label in re.findall(r"^\s*(module_\w+) \[label=<.*?<B>(.*?)</B>", source, re.M)}
    assert boxes == {"module_0": "0: Linear", "module_1": "1: Tanh", "module_2": "2: Sequential",
                     "module_3": "3: Linear"}
    # x, the target, sub's, mul's and mean's results; sub, mul, mean; 4 module boxes
    assert len(nodes) == 5 + 3 + 4 and "subgraph" not in source
    assert ">2 ops inside<" in source and ">0.weight<" not in source and ">linear<" not in source
    assert edges_of(source) == [("v0", "module_0"), ("module_0", "module_1"), ("module_1", "module_2"),
                                ("module_2", "module_3"), ("module_3", "f5"), ("v12", "f5"), ("f5", "v13"),
                                ("v13", "f6"), ("v13", "f6"), ("f6", "v14"), ("v14", "f7"), ("f7", "v15")]


def test_collapse_names_modules_by_path_nested_ones_too():
    model, loss = collapsible()
    source = viz.to_dot(loss, params=model, collapse=["0", "2.1"]).source
    assert re.findall(r"<B>(\d[^<]*: \w+)</B>", source) == ["0: Linear", "2.1: ReLU"]
    assert 'label="2: Sequential"' in source and 'label="2.0: Linear"' in source   # still open
    assert 'label="1: Tanh"' in source and 'label="0: Linear"' not in source
    two = source[source.index('label="2: Sequential"'):]
    assert two.index("module_2.1") < two.index("}")   # the collapsed ReLU sits in its parent's box
    assert ("v0", "module_0") in edges_of(source) and ('"module_2.1"', "f4") in edges_of(source)
    # a module inside a collapsed one is not drawn on its own
    inner = viz.to_dot(loss, params=model, collapse=["2", "2.0"]).source
    assert "module_2.0" not in inner and ">2: Sequential<" in inner
    with pytest.raises(ValueError, match=r"collapse=\['5'\] names \['5'\], which made no op of this graph; "
                                         r"expected True or some of the modules drawn: \['0', '1', '2', '2.0', "):
        viz.to_dot(loss, params=model, collapse=["5"])


def test_cluster_modules_without_a_recording_says_what_to_do():
    model = mlp()
    y = model(mg.Variable(np.ones((1, 3), dtype=np.float32)))
    with pytest.raises(ValueError, match="module_scopes"):
        viz.to_dot(y, params=model, cluster_modules=True)


# -- render -------------------------------------------------------------------------

@needs_dot
@pytest.mark.parametrize("suffix, magic", [("png", b"\x89PNG"), ("svg", b"<svg"), ("pdf", b"%PDF")])
def test_render_writes_the_image_and_the_dot_source(tmp_path, suffix, magic):
    L = small_net()[0]
    out = viz.render(L, path=tmp_path / f"graph.{suffix}", show=("name", "value"))
    assert out == tmp_path / f"graph.{suffix}"
    assert magic in out.read_bytes()[:400]
    assert (tmp_path / "graph.dot").read_text() == viz.to_dot(small_net()[0], show=("name", "value")).source


@needs_dot
def test_render_format_argument_and_bad_suffix(tmp_path):
    out = viz.render(small_net()[0], path=tmp_path / "pic", format="svg")
    assert out.name == "pic.svg" and out.exists()
    with pytest.raises(ValueError, match="expected a path ending in .png, .svg or .pdf"):
        viz.render(small_net()[0], path=tmp_path / "pic.gif")
    with pytest.raises(ValueError, match="ends in .png but format='svg'"):
        viz.render(small_net()[0], path=tmp_path / "pic.png", format="svg")


def test_render_without_dot_still_writes_the_source_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    L = small_net()[0]
    with pytest.raises(viz.GraphvizNotFoundError) as error:
        viz.render(L, path=tmp_path / "graph.png")
    message = str(error.value)
    for hint in ("apt install graphviz", "brew install graphviz", "conda install"):
        assert hint in message
    assert str(tmp_path / "graph.dot") in message
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    assert not (tmp_path / "graph.png").exists()


# -- trace_backward --------------------------------------------------------------------

def test_trace_records_each_function_with_its_gradients():
    x = mg.Variable(np.array([1.0, 2.0, 3.0]), name="x")
    y = F.exp(x)
    L = (y * 2.0).sum()
    with viz.trace_backward() as trace:
        L.backward()
    assert [s.function.name for s in trace.steps] == ["sum", "mul_constant", "exp"]
    function, grads_in, grads_out = trace.steps[2]
    assert function is y.creator
    np.testing.assert_allclose(grads_in[0], 2.0 * np.ones(3))
    np.testing.assert_allclose(grads_out[0], 2.0 * np.exp(x.data))
    np.testing.assert_allclose(grads_out[0], x.grad.data)
    assert len(trace.seeds) == 1 and trace.seeds[0][0][0] is L


def test_trace_leaf_grads_equal_dot_grad_with_reuse_and_broadcasting():
    L, x, W, b = small_net()
    with viz.trace_backward() as trace:
        L.backward()
    leaves = trace.leaf_grads()
    assert set(leaves) == {x, W, b}
    for leaf in (x, W, b):
        np.testing.assert_allclose(leaves[leaf], leaf.grad.data)
    add = next(s for s in trace.steps if s.function.name == "add")
    assert add.grads_out[1].shape == b.shape                 # summed back from (2, 3)
    assert trace.summed_from[trace.steps.index(add), 1] == (2, 3)
    assert trace.leaf_grads(upto=0) == {}
    first_leaf_step = next(k for k, s in enumerate(trace.steps) if s.function.name == "add")
    assert set(trace.leaf_grads(upto=first_leaf_step + 1)) == {b}


def test_trace_keeps_copies_and_tracing_changes_no_gradient():
    L, x, W, b = small_net()
    L.backward()
    expected = [v.grad.data.copy() for v in (x, W, b)]
    for v in (x, W, b):
        v.cleargrad()
    with viz.trace_backward() as trace:
        L.backward()
    for v, g in zip((x, W, b), expected):
        np.testing.assert_array_equal(v.grad.data, g)
    x.grad.data[...] = 99.0
    assert not np.any(trace.leaf_grads()[x] == 99.0)


def test_trace_of_mg_grad_and_of_a_leaf_output():
    x = mg.Variable(np.array(3.0), name="x")
    y = x * x
    with viz.trace_backward() as trace:
        gx, = mg.grad(y, [x])
    assert x.grad is None and len(trace.steps) == 1
    np.testing.assert_allclose(trace.leaf_grads()[x], gx.data)
    with viz.trace_backward() as trace:
        x.backward()
    assert trace.steps == [] and trace.leaf_grads()[x] == 1.0


def test_observer_is_removed_even_when_backward_fails():
    class Broken(mg.Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise ArithmeticError("broken backward")

    y = Broken()(mg.Variable(np.array(1.0)))
    with pytest.raises(ArithmeticError):
        with viz.trace_backward():
            y.backward()
    assert mg.Config.observers == ()


# -- to_html (without a browser: see test_viz_browser.py) -------------------------------

@needs_dot
def test_to_html_writes_one_self_contained_page(tmp_path):
    L, x, W, b = small_net()
    with viz.trace_backward() as trace:
        L.backward()
    page = trace.to_html(tmp_path / "steps.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script>" in page
    assert re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page) is None
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}   # namespaces only
    for k in range(len(trace.steps)):
        assert f'id="f{k}"' in page                       # each function can be highlighted


def test_to_html_without_dot_says_how_to_install(tmp_path, monkeypatch):
    L = small_net()[0]
    with viz.trace_backward() as trace:
        L.backward()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(viz.GraphvizNotFoundError, match="brew install graphviz"):
        trace.to_html(tmp_path / "steps.html")


def test_to_html_of_an_empty_trace_is_an_error(tmp_path):
    with viz.trace_backward() as trace:
        pass
    with pytest.raises(ValueError, match="recorded no backward pass"):
        trace.to_html(tmp_path / "steps.html")


@needs_dot
def test_to_html_can_box_each_layer(tmp_path):
    model = mlp()
    with viz.module_scopes(model):
        loss = (model(mg.Variable(np.ones((2, 3), dtype=np.float32), name="x")) ** 2).mean()
    with viz.trace_backward() as trace:
        loss.backward()
    page = trace.to_html(tmp_path / "steps.html", params=model, cluster_modules=True).read_text()
    assert page.count('class="cluster"') == 3 and "0: Linear" in page and "2.weight" in page


# -- the math of each op, from its docstring ------------------------------------------------

def function_classes():
    """Every Function subclass defined in a module of minigrad.functions that
    has a backward of its own (abstract bases without one are left out)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(F.__path__):
        importlib.import_module(f"minigrad.functions.{info.name}")
    found, stack = set(), [mg.Function]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return sorted((c for c in found if c.__module__.startswith("minigrad.functions.")
                   and c.backward is not mg.Function.backward), key=lambda c: c.__qualname__)


def test_every_op_states_its_derivative_in_its_docstring():
    classes = function_classes()
    assert len(classes) > 80
    missing = [f"{c.__module__}.{c.__qualname__}" for c in classes if not viz.op_math(c).derivative]
    assert missing == [], ("these ops' docstrings state no derivative (write `dy/dx = ...` or "
                           f"`gx = ...` beside the forward formula): {missing}")
    no_forward = [c.__qualname__ for c in classes if len(viz.op_math(c).forward) < 5]
    assert no_forward == []


@pytest.mark.parametrize("name, forward, derivative", [
    ("Tanh", "y = tanh(x).", "dy/dx = 1 - y**2"),
    ("Linear", "y = x @ W.T + b", "gx = gy @ W; gW = gy^T x (over all leading axes); gb = sum gy"),
    ("SoftmaxCrossEntropy", "loss = -1/M", "gx = (softmax(x) * sum_c t_c - t) * gy / M; gt = "),
    ("Conv2d", "y[n, g] = W[g] @ cols[n, g] + b", "gx = col2im(W[g]^T @ gy[n, g]); gW[g] = sum_n gy[n, g]"),
    ("MaxUnpool", "y = zeros (N, C, H*W)", "gx[n, c, k] = gy[n, c, indices[n, c, k]]"),
    ("TanhGrad", "gx = gy * (1 - y**2)", "d gx/d gy = 1 - y**2; d gx/d y = -2 y gy"),
])
def test_op_math_splits_the_docstring_into_forward_and_derivative(name, forward, derivative):
    cls = next(c for c in function_classes() if c.__name__ == name)
    math = viz.op_math(cls)
    assert math.forward.startswith(forward) and math.derivative.startswith(derivative)


def test_op_math_of_an_op_without_a_docstring_is_empty():
    class Plain(mg.Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            return gy

    assert viz.op_math(Plain()) == ("", "")


def traced(loss):
    with viz.trace_backward() as trace:
        loss.backward()
    return trace


def page_events(trace, **options):
    import json
    page = trace.html(**options)
    return json.loads(re.search(r'id="trace-data">(.*?)</script>', page, re.S).group(1).replace("<\\/", "</"))


def backward_texts(trace, **options):
    """{event title: its sentences joined} of the backward events."""
    return {event["title"]: " ".join(event["text"]) for event in page_events(trace, **options)["events"]
            if event["phase"] == "backward"}


def step_text(texts, op, number=None):
    return next(t for title, t in texts.items() if title.endswith(f": {op}")
                and (number is None or title.startswith(f"Backward {number}:")))


def traced_model(layers, x, loss_of):
    """The trace of loss_of(nn, y).backward(), y the output of the
    Sequential of `layers(nn)` on x, named "y"; the loss named "loss"."""
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = nn.Sequential(*layers(nn))
    y = model(mg.Variable(x, name="x"))
    y.name = "y"
    loss = loss_of(nn, y)
    loss.name = "loss"
    with viz.trace_backward(model) as trace:
        loss.backward()
    return trace


def tanh_mlp():
    """loss = mean((y - 0) ** 2), y = Linear(tanh(Linear(x))), the parameters named."""
    return traced_model(lambda nn: (nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)),
                        np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]], dtype=np.float32),
                        lambda nn, y: F.mean_squared_error(y, np.zeros((2, 2), dtype=np.float32)))


@needs_dot
def test_the_stepper_tells_each_step_in_the_graphs_own_names():
    texts = backward_texts(tanh_mlp())
    tanh = step_text(texts, "tanh")
    assert "∂v2/∂v1 = 1 − v2²" in tanh and "∂loss/∂v1 = ∂loss/∂v2 × (1 − v2²)" in tanh
    assert "dy/dx" not in tanh and "y**2" not in tanh          # not the docstring's letters
    assert "loss is what we differentiate" in step_text(texts, "mean", 1)
    h = mg.Variable(np.array([0.5, -1.0]), name="h")
    y = F.tanh(h)
    y.name = "y"                             # the docstring's letter, here not the loss
    loss = (y * np.array([2.0, 3.0])).sum()
    loss.name = "loss"
    tanh = step_text(backward_texts(traced(loss)), "tanh")
    assert "∂y/∂h = 1 − y²" in tanh and "∂loss/∂h = ∂loss/∂y × (1 − y²)" in tanh
    assert "dy/dx" not in tanh


@needs_dot
def test_linear_and_matmul_gradients_are_written_as_matrix_products():
    texts = backward_texts(tanh_mlp())
    second = step_text(texts, "linear", 4)
    assert "∂loss/∂2.weight = (∂loss/∂y)ᵀ · v2" in second
    assert "∂loss/∂v2 = (∂loss/∂y) · 2.weight" in second
    assert "∂loss/∂2.bias = ∂loss/∂y summed over the rows (axis 0)" in second
    assert "×" not in second and "∂y/∂2.weight" not in second
    assert "∂loss/∂0.weight = (∂loss/∂v1)ᵀ · x" in step_text(texts, "linear", 6)
    L, x, W, b = small_net()
    matmul = step_text(backward_texts(traced(L)), "matmul")
    assert "∂L/∂x = (∂L/∂v1) · Wᵀ" in matmul and "∂L/∂W = xᵀ · (∂L/∂v1)" in matmul


@needs_dot
def test_the_first_step_says_what_the_seed_sends_without_a_tautology():
    texts = backward_texts(tanh_mlp())
    assert "∂loss/∂loss = 1" in texts["Backward pass: seed the output gradient"]
    first = step_text(texts, "mean", 1)
    assert "∂loss/∂v4 = 1/4 for every element of v4 = [[0.25, 0.25], [0.25, 0.25]]" in first
    assert "∂loss/∂loss ×" not in first and "× ∂loss/∂v4" not in first


@needs_dot
def test_a_value_used_twice_gets_its_gradient_in_labelled_shares():
    L, x, W, b = small_net()                 # h * h: v3 is used twice
    step = step_text(backward_texts(traced(L)), "mul")
    assert step.count("this path's share of ∂L/∂v3: ∂L/∂v4 × v3") == 2
    assert "the total ∂L/∂v3 = [[-1.196, -1.655, 1.821], [1.702, 1.779, -1.849]]" in step
    assert "v3 receives ∂L/∂v3 =" not in step    # a share is never called the whole gradient
    events = [e for e in page_events(traced(small_net()[0]))["events"] if e["title"].endswith(": mul")]
    labels = [label for label, _ in events[-1]["arrays"]]
    assert labels.count("out: this path's share of ∂L/∂v3, shape (2, 3)") == 2


@needs_dot
def test_the_sum_that_undoes_broadcasting_is_a_step_of_its_own():
    L, x, W, b = small_net()                 # x @ W + b: b of shape (3,) broadcast to (2, 3)
    events = [e for e in page_events(traced(L))["events"] if e["phase"] == "backward"]
    titles = [e["title"] for e in events]
    add, summed = events[titles.index("Backward 4: add")], events[titles.index("Backward 4: sum back to b's shape")]
    assert titles.index("Backward 4: sum back to b's shape") == titles.index("Backward 4: add") + 1
    text = " ".join(summed["text"])
    assert "The product had shape (2, 3); summed over axis 0 back to b's shape (3,)." in text
    assert "∂L/∂b = ∂L/∂v2 summed over axis 0 = [-0.299, -0.1507, 0.04333]" in text
    assert [label for label, _ in summed["arrays"]] == ["before the sum: for b, shape (2, 3)",
                                                        "after the sum: ∂L/∂b, shape (3,)"]
    assert summed["arrays"][0][1] == add["arrays"][0][1]          # before: ∂L/∂v2, as it arrived at add
    assert summed["arrays"][1][1]["text"] == format_array(b.grad.data, 64, digits=4)
    vid_b = [n[0] for n in summed["nodes"]]
    assert len(vid_b) == 1 and vid_b[0] not in [n[0] for n in add["nodes"]]   # b fills in at the sum
    assert "Next: it is summed back to b's shape (3,)" in " ".join(add["text"])


def cnn_trace():
    return traced_model(lambda nn: (nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3)),
                        np.linspace(-1, 1, 32, dtype=np.float32).reshape(2, 1, 4, 4),
                        lambda nn, y: nn.CrossEntropyLoss()(y, np.array([0, 2])))


@needs_dot
def test_conv2d_is_told_as_correlation():
    trace = cnn_trace()
    events = page_events(trace)["events"]
    everything = " ".join(line for event in events for line in event["text"])
    assert "im2col" not in everything and "col2im" not in everything and "cols" not in everything
    conv = step_text(backward_texts(trace), "conv2d")
    assert "∂loss/∂x = the full correlation of ∂loss/∂v1 with the flipped kernel 0.weight" in conv
    assert "∂loss/∂0.weight = the correlation of x with ∂loss/∂v1" in conv
    forward = next(" ".join(e["text"]) for e in events if e["title"] == "Forward 1: conv2d")
    assert "v1 = x ⋆ 0.weight + 0.bias" in forward and "correlation of x with one kernel" in forward


@needs_dot
@pytest.mark.parametrize("make", ["module", "functional"])
def test_cross_entropy_is_softmax_minus_one_hot_and_labels_get_no_gradient(make):
    if make == "module":
        trace = cnn_trace()
        logits = "y"
    else:
        W = mg.Variable(np.array([[0.5, -1.0], [2.0, 0.3], [0.1, 0.2]]), name="W")
        x = mg.Variable(np.array([[1.0, 2.0], [3.0, -1.0]]), name="x")
        trace = traced(F.cross_entropy(F.linear(x, W), np.array([0, 2])))
        logits = "v1"
    events = page_events(trace)["events"]
    everything = " ".join(line for event in events for line in event["text"])
    assert "fused" not in everything and "fast path" not in everything
    assert "∂L/∂labels" not in everything and "∂loss/∂labels" not in everything
    assert "gt =" not in everything and "labels is a constant" not in everything
    step = next(" ".join(e["text"]) for e in events if e["title"] == "Backward 1: softmax_cross_entropy")
    assert f"(softmax({logits}) − one-hot(labels)) / 2 = " in step
    assert "labels holds class indices (integers)" in step and "no gradient flows back to it" in step


def test_docstring_letters_become_the_steps_names():
    from minigrad.functions.elementwise import Atan2
    from minigrad.viz import explain
    from minigrad.viz.opmath import DrawnOp, op_math
    op = Atan2.__new__(Atan2)
    names = explain.Names(op, ["u", "w"], ["angle"], "L")
    told = explain.from_docstring(op, DrawnOp("atan2", {}, op_math(Atan2)), names)
    assert told.local == "∂angle/∂u = w / (w² + u²); ∂angle/∂w = -u / (w² + u²)"
    assert told.grads == ("∂L/∂angle × (w / (w² + u²))", "∂L/∂angle × (-u / (w² + u²))")


@needs_dot
def test_the_stepper_says_when_an_op_states_no_derivative():
    class Double(mg.Function):
        def forward(self, x):
            return 2 * x

        def backward(self, gy):
            return 2 * gy

    x = mg.Variable(np.array([1.0, 2.0]), name="x")
    data = page_events(traced(Double()(x).sum()))
    step = next(e for e in data["events"] if e["title"] == "Backward 2: double")
    assert any("states no derivative" in line for line in step["text"])


# -- constants, subtraction, names, freed gradients ---------------------------------------------

def test_integer_labels_are_drawn_as_a_constant_input_of_the_loss():
    x = mg.Variable(np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 0.3]]), name="logits")
    loss = F.softmax_cross_entropy(x, np.array([2, 0]))
    loss.backward()
    source = viz.to_dot(loss, show=("name", "value", "grad")).source
    labels = re.search(r"\tc0 \[label=(.*)\]", source).group(1)
    assert ">labels<" in labels and "[2, 0]" in labels and "grad" not in labels and "dashed" in labels
    assert re.search(r"\tc0 -> f0 \[id=f0_labels\]", source)


def test_a_target_array_is_a_constant_drawn_without_a_gradient():
    y = mg.Variable(np.array([0.5, 1.5]), name="y")
    loss = F.mean_squared_error(y * 2.0, np.array([1.0, 2.0]))
    loss.backward()
    source = viz.to_dot(loss, show=("name", "value", "grad")).source
    target = next(line for line in node_lines(source).values() if ">c1<" in line)
    assert "[1, 2]" in target and "grad" not in target and "dashed" in target
    assert "#ffffff" in target


def test_subtracting_a_number_is_drawn_as_subtraction():
    y = mg.Variable(np.array([1.0, 2.0]), name="y")
    nodes = node_lines(viz.to_dot((y - 0.5) + 0.25).source)
    assert ">sub_constant<" in nodes["f0"] and "c=0.5" in nodes["f0"]
    assert ">add_constant<" in nodes["f1"] and "c=0.25" in nodes["f1"]
    from minigrad.viz.opmath import drawn_op
    op = drawn_op((y - 0.5).creator)
    assert op.math.forward == "y = x - c for a Python number c." and op.math.derivative == "dy/dx = 1"


@needs_dot
def test_values_are_named_alike_in_the_picture_and_the_stepper_without_gaps():
    L, x, W, b = small_net()                 # x @ W, + b, tanh, h * h, sum: 4 unnamed values
    trace = traced(L)
    source = viz.to_dot(L).source
    dot_names = [re.search(r"<B>([^<]+)</B>", line).group(1) for line in node_lines(source).values()
                 if "shape=box" in line]
    assert dot_names == ["x", "W", "v1", "b", "v2", "v3", "v4", "L"]
    page = trace.html()
    svg_names = re.findall(r'font-weight="bold"[^>]*>([^<]+)</text>', page)
    assert [n for n in svg_names if n in dot_names] == dot_names
    texts = " ".join(line for event in page_events(trace)["events"] for line in event["text"])
    assert "∂L/∂v3" in texts and "v5" not in texts


def test_gradients_freed_by_backward_say_so():
    L, x, W, b = small_net()
    before = node_lines(viz.to_dot(L, show=("name", "grad")).source)
    assert "grad None" in before["v2"]                                     # no backward yet
    L.backward()
    after = viz.to_dot(L, show=("name", "grad")).source
    nodes = node_lines(after)
    output = nodes[max(nodes, key=lambda k: int(k[1:]) if k[0] == "v" else -1)]
    assert ">L<" in output and "grad freed; use retain_grad" in output     # the loss too
    assert "grad None" not in after
    L2, *_ = small_net()
    L2.backward(retain_grad=True)
    assert "grad 1<" in viz.to_dot(L2, show=("name", "grad")).source


# -- forward stepping, notebooks ------------------------------------------------------------

@needs_dot
def test_the_stepper_walks_the_forward_pass_first():
    L, x, W, b = small_net()
    trace = traced(L)
    data = page_events(trace)
    phases = [event["phase"] for event in data["events"]]
    functions = len(trace.steps)
    # backward: the seed, one event per function, one for the sum back to b's shape
    assert phases == ["forward"] * (functions + 1) + ["backward"] * (functions + 2)
    forward = data["events"][1:functions + 1]
    assert [e["title"] for e in forward] == ["Forward 1: matmul", "Forward 2: add", "Forward 3: tanh",
                                             "Forward 4: mul", "Forward 5: sum"]
    h = F.tanh(x @ W + b)
    vid, short, full, heat = forward[2]["values"][0]
    assert short == format_array(h.data, 6, one_line=True)
    assert any("y = tanh(x)" in line for line in forward[2]["text"])           # the docstring's
    assert "Its formula, in this graph's names: v3 = tanh(v2)." in forward[2]["text"]
    assert sorted(data["computed"]) == sorted(["v2", "v4", "v5", "v6", "v7"])


@needs_dot
def test_a_trace_shows_its_stepper_inline_in_a_notebook():
    import html as html_module
    L = small_net()[0]
    trace = traced(L)
    frame = trace._repr_html_()
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts"' in frame
    srcdoc = html_module.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert srcdoc == trace.html()
    assert "1 backward pass(es), 5 steps" in repr(trace)
    with viz.trace_backward() as empty:
        pass
    assert "recorded no backward pass" in empty._repr_html_()


def test_show_draws_a_variable_or_a_module_on_an_example_input():
    L = small_net()[0]
    assert viz.show(L).source == viz.to_dot(L).source
    model = mlp()
    picture = viz.show(model, mg.Variable(np.ones((2, 3), dtype=np.float32), name="x"))
    assert "0: Linear" in picture.source and ">2.weight<" in picture.source
    with pytest.raises(TypeError, match=r"give an example input, as in viz.show\(model, x\)"):
        viz.show(model)
    with pytest.raises(TypeError, match="expected a Variable, a Module .* got int"):
        viz.show(3)
    with viz.trace_backward() as trace:
        pass
    assert viz.show(trace) is trace
    boxed = viz.show(model, mg.Variable(np.ones((2, 3), dtype=np.float32)), collapse=True).source
    assert ">0: Linear<" in boxed and ">2: Linear<" in boxed and ">2.weight<" not in boxed


@needs_dot
def test_the_page_lists_its_modules_and_which_open_collapsed():
    model, loss = collapsible()
    with viz.trace_backward(model) as trace:
        loss.backward()
    modules = page_events(trace, collapse=["0", "2"])["modules"]
    assert [(m["path"], m["title"], m["collapsed"]) for m in modules] == [
        ("0", "0: Linear", True), ("1", "1: Tanh", False), ("2", "2: Sequential", True),
        ("2.0", "2.0: Linear", False), ("2.1", "2.1: ReLU", False), ("3", "3: Linear", False)]
    assert [m["cluster"] for m in modules] == [f"cluster_{k}" for k in range(6)]
    two = next(m for m in modules if m["path"] == "2")
    inner = next(m for m in modules if m["path"] == "2.0")
    assert set(inner["nodes"]) < set(two["nodes"])      # a module's nodes include its sub-modules'
    assert sum(1 for n in two["nodes"] if n.startswith("f")) == 2
    assert page_events(trace)["modules"] == []           # no module boxes asked for
    assert all(not m["collapsed"] for m in page_events(trace, cluster_modules=True)["modules"])


def test_a_trace_in_a_notebook_without_graphviz_says_how_to_install(tmp_path, monkeypatch):
    trace = traced(small_net()[0])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    note = trace._repr_html_()
    assert note.startswith("<pre>") and "apt install graphviz" in note


@needs_dot
def test_trace_backward_params_names_and_colours_the_parameters_inline():
    model = mlp()
    x = mg.Variable(np.ones((2, 3), dtype=np.float32), name="x")
    loss = F.mean_squared_error(model(x), np.zeros((2, 2), dtype=np.float32))
    with viz.trace_backward(model) as trace:
        loss.backward()
    for page in (trace._repr_html_(), trace.html()):
        assert "0.weight" in page and "2.bias" in page
    assert trace.html().count('fill="#dae8fc"') == 4   # the four parameters, drawn blue
    with pytest.raises(TypeError, match="trace_backward: params must be a Module"):
        viz.trace_backward(params=[1, 2])


@needs_dot
def test_backward_lights_no_edge_from_a_constant():
    x = mg.Variable(np.array([1.0, 2.0]), name="x")
    loss = F.mean_squared_error(x * 3.0, np.array([0.0, 1.0]))   # the target is a constant
    data = page_events(traced(loss))
    events = {event["title"]: event for event in data["events"]}
    sub = next(event for title, event in events.items() if title.startswith("Backward") and "sub" in title)
    assert sub["active"] and all(not eid.endswith("_in1") for eid in sub["active"])
    forward_sub = next(event for title, event in events.items() if title.startswith("Forward") and "sub" in title)
    assert any(eid.endswith("_in1") for eid in forward_sub["active"])   # forward: the target flows in


def test_heat_maps_slice_kernels_wrap_vectors_and_sample_big_arrays():
    from minigrad.viz.labels import HEAT_CELLS, heat_map
    kernel = np.arange(18.0).reshape(2, 1, 3, 3) - 9
    h = heat_map(kernel)
    assert h["shape"] == [2, 1, 3, 3] and (h["lo"], h["hi"]) == (-9.0, 8.0) and h["more"] == 0
    assert [s["label"] for s in h["slices"]] == ["[0, 0]", "[1, 0]"]
    assert np.array([s["rows"] for s in h["slices"]]).ravel().tolist() == kernel.ravel().tolist()
    row = heat_map(np.arange(72.0).reshape(1, 72))          # a row wraps like a vector
    assert [len(r) for r in row["slices"][0]["rows"]] == [32, 32, 32] and row["slices"][0]["rows"][-1][-1] is None
    big = heat_map(np.ones((512, 512)))
    cells = sum(len(r) for r in big["slices"][0]["rows"])
    assert cells <= HEAT_CELLS and "rows and columns" in big["slices"][0]["label"]
    noisy = heat_map(np.array([[1.0, 2.9e-9], [-1.0, 0.5]] * 5))
    assert noisy["slices"][0]["rows"][0] == [1.0, 0.0]      # rounding noise beside 1 is 0
