"""The stepper page in a real (headless) Chromium at 1400x1000, driven by Selenium.

Loads the page from disk, steps through it with the buttons and the arrow
keys, and checks that the highlighted function follows the order of the
forward pass and then of the traced backward pass, that each value appears
as its function runs, and that the leaf gradients shown at the end equal
`.grad`; zooms and pans the picture and checks that node text opens
readable. A screenshot of the last step is saved (set
MINIGRAD_SCREENSHOTS=<folder> to keep it).

Skipped only when Chromium, chromedriver, Selenium or Graphviz is absent
(Debian: apt install chromium chromium-driver graphviz; pip install selenium).
"""
import os
import pathlib
import re
import shutil
import time

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import viz
from minigrad.viz.graph import Graph
from tests.browser import MISSING, chromium


if MISSING:
    pytest.skip(MISSING, allow_module_level=True)
if shutil.which("dot") is None:
    pytest.skip("Graphviz's dot is not installed (apt install graphviz)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


@pytest.fixture(scope="module")
def browser():
    yield from chromium(page_size=(1400, 1000), console=True)   # the page itself 1400x1000


def numbers(text):
    return np.array([float(s) for s in NUMBER.findall(text)])


def current_function(driver):
    marked = driver.find_elements(By.CSS_SELECTOR, "#graph g.node.current")
    assert len(marked) <= 1, "more than one function highlighted"
    return marked[0].get_attribute("id") if marked else None


def page_data(driver):
    return driver.execute_script("return JSON.parse(document.getElementById('trace-data').textContent)")


def node_lines(driver, node_id):
    """The text lines of a node (textContent: a node panned out of view has no .text)."""
    return driver.execute_script("return Array.from(document.getElementById(arguments[0])"
                                 ".querySelectorAll('text')).map(function (t) { return t.textContent; });",
                                 node_id)


def test_stepping_through_the_page_replays_forward_then_backward(browser, tmp_path):
    x = mg.Variable(np.array([1.0, -2.0, 0.5]), name="x")
    w = mg.Variable(np.array([0.3, 0.8, -1.1]), name="w")
    b = mg.Variable(np.array(0.25), name="b")
    h = F.tanh(x * w + b)                       # b is broadcast, x is used twice
    L = (h * h).sum() + (x * 2.0).sum()
    L.name = "L"
    with viz.trace_backward() as trace:
        L.backward()
    page = trace.to_html(tmp_path / "backward.html")
    graph = Graph(trace.outputs)
    forward = [graph.function_ids[f] for f in graph.functions]
    backward = [graph.function_ids[s.function] for s in trace.steps]
    # each step, then a step of its own for each gradient summed back from a broadcast shape (b's)
    expected = []
    for k, (fid, step) in enumerate(zip(backward, trace.steps)):
        expected.append((fid, step.function.name))
        expected += [(fid, "sum back to") for (j, i) in sorted(trace.summed_from) if j == k]
    assert len(expected) == len(backward) + 1
    last = len(forward) + 1 + len(expected)     # the inputs, each function, the seed, each step

    browser.get(page.resolve().as_uri())
    data = page_data(browser)
    counter = browser.find_element(By.ID, "counter")
    assert counter.text == f"Step 0 of {last}"
    assert browser.find_element(By.ID, "phase").text == "Forward pass"
    assert current_function(browser) is None
    for vid in data["computed"]:                # nothing computed yet
        assert node_lines(browser, vid)[data["slots"][vid][0]] == "?"
    assert node_lines(browser, graph.variable_ids[x])[data["slots"][graph.variable_ids[x]][0]] == "[1, -2, 0.5]"

    body = browser.find_element(By.TAG_NAME, "body")
    for k, function_id in enumerate(forward, start=1):
        browser.find_element(By.ID, "next").click()
        assert counter.text == f"Step {k} of {last}"
        assert current_function(browser) == function_id
        f = graph.functions[k - 1]
        assert f.name in browser.find_element(By.ID, "step-title").text
        y = graph.function_outputs(f)[0]
        vid = graph.variable_ids[y]
        shown = node_lines(browser, vid)[data["slots"][vid][0]]
        np.testing.assert_allclose(numbers(shown), np.ravel(y.data), rtol=1e-3)
    browser.find_element(By.ID, "next").click()   # the seed
    assert browser.find_element(By.ID, "phase").text == "Backward pass"
    for k, (function_id, title) in enumerate(expected, start=1):
        if k % 2:
            browser.find_element(By.ID, "next").click()
        else:
            body.send_keys(Keys.ARROW_RIGHT)
        assert counter.text == f"Step {len(forward) + 1 + k} of {last}"
        assert current_function(browser) == function_id
        done = {fid for fid, _ in expected[:k - 1]}     # the sum back is the same function's
        assert len(browser.find_elements(By.CSS_SELECTOR, "#graph g.node.done")) == len(done)
        assert title in browser.find_element(By.ID, "step-title").text
        explain = browser.find_element(By.ID, "explain").text
        assert "local derivative" in explain or "summed over axis 0 back to b's shape ()" in explain
    assert not browser.find_element(By.ID, "next").is_enabled()
    assert "∂L/∂x" in browser.find_element(By.ID, "explain").text

    for leaf in (x, w, b):
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#leaves tr")
                   if r.find_element(By.TAG_NAME, "th").text == leaf.name)
        shown = numbers(row.find_element(By.TAG_NAME, "pre").text)
        np.testing.assert_allclose(shown, leaf.grad.data.ravel(), rtol=1e-3)   # 4 significant digits
        slot = node_lines(browser, row.get_attribute("data-var"))[-1]
        assert slot.startswith("grad ")
        np.testing.assert_allclose(numbers(slot), leaf.grad.data.ravel(), rtol=1e-3)

    # x feeds two functions: each edge shows its part, and the parts add up to x.grad
    x_edges = [eid for eid, tail, _ in graph.edges() if tail == graph.variable_ids[x]]
    parts = [numbers(browser.find_element(By.ID, eid).find_element(By.TAG_NAME, "text").get_attribute("textContent"))
             for eid in x_edges]
    assert len(parts) == 2
    np.testing.assert_allclose(sum(parts), x.grad.data, rtol=1e-3)

    shot = tmp_path / "backward-last-step.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 10_000
    keep = os.environ.get("MINIGRAD_SCREENSHOTS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(shot, keep)

    body.send_keys(Keys.ARROW_LEFT)
    assert current_function(browser) == backward[-2]
    browser.find_element(By.ID, "scrub").send_keys(Keys.HOME)
    body.send_keys(Keys.HOME)
    assert counter.text == f"Step 0 of {last}" and current_function(browser) is None
    slots = {vid: node_lines(browser, vid)[-1] for vid in data["slots"]}
    assert set(slots.values()) == {"grad ?"}    # no gradient before the backward pass
    browser.find_element(By.ID, "scrub").click()
    body.send_keys(Keys.END)
    for _ in range(len(expected)):
        body.send_keys(Keys.ARROW_LEFT)
    assert counter.text == f"Step {len(forward) + 1} of {last}"   # the seed: only L's gradient known
    slots = {vid: node_lines(browser, vid)[-1] for vid in data["slots"]}
    assert slots.pop(graph.variable_ids[L]) == "grad 1"
    assert set(slots.values()) == {"grad ?"}

    seed_step = counter.text
    browser.find_element(By.ID, "play").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "counter").text != seed_step)
    browser.find_element(By.ID, "play").click()               # pause
    paused = counter.text
    time.sleep(1.5)                                           # longer than one Play tick
    assert counter.text == paused

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def mlp_page(tmp_path):
    """The stepper of a 3-layer MLP with a softmax cross-entropy on integer labels."""
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))
    x = mg.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), name="x")
    labels = np.array([0, 2, 1])
    with viz.module_scopes(model):
        loss = F.softmax_cross_entropy(model(x), labels)
    loss.name = "loss"
    with viz.trace_backward() as trace:
        loss.backward()
    return trace.to_html(tmp_path / "mlp.html", params=model, cluster_modules=True), model


def scale_and_text_px(driver):
    """(pixels per unit of the drawing, pixel size of the smallest node text)."""
    return driver.execute_script("""
        var svg = document.querySelector('#graph svg');
        var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, smallest = Infinity;
        svg.querySelectorAll('g.node text').forEach(function (t) {
          smallest = Math.min(smallest, parseFloat(t.getAttribute('font-size')));
        });
        return [scale, smallest * scale];""")


def svg_rect(driver):
    return driver.execute_script("var r = document.querySelector('#graph svg').getBoundingClientRect();"
                                 "return [r.left, r.top, r.width, r.height];")


def test_a_3_layer_mlp_opens_readable_and_zooms_and_pans(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    page, model = mlp_page(tmp_path)
    browser.get(page.resolve().as_uri())
    assert page_data(browser)["nodes"] <= 40
    scale, text_px = scale_and_text_px(browser)
    assert text_px >= 11, f"node text opens at {text_px:.1f} px"

    pane = browser.find_element(By.ID, "graph")
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(pane), 0, 300).perform()
    zoomed_out, _ = scale_and_text_px(browser)
    assert zoomed_out < scale
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(pane), 0, -600).perform()
    assert scale_and_text_px(browser)[0] > zoomed_out

    before = svg_rect(browser)
    ActionChains(browser).move_to_element(pane).click_and_hold().move_by_offset(-120, -80).release().perform()
    after = svg_rect(browser)
    assert after[0] == pytest.approx(before[0] - 120, abs=2) and after[1] == pytest.approx(before[1] - 80, abs=2)

    browser.find_element(By.ID, "fit").click()         # the whole graph in the pane
    left, top, width, height = svg_rect(browser)
    p = browser.execute_script("var r = document.getElementById('graph').getBoundingClientRect();"
                               "return [r.left, r.top, r.width, r.height];")
    assert left >= p[0] - 1 and top >= p[1] - 1
    assert left + width <= p[0] + p[2] + 1 and top + height <= p[1] + p[3] + 1
    browser.find_element(By.ID, "readable").click()
    assert scale_and_text_px(browser)[1] >= 11

    # Every step keeps the current function in the pane.
    body = browser.find_element(By.TAG_NAME, "body")
    last = int(browser.find_element(By.ID, "counter").text.split()[-1])
    for _ in range(last):
        body.send_keys(Keys.ARROW_RIGHT)
        current = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.current")
        if current:
            inside = browser.execute_script("""
                var r = arguments[0].getBoundingClientRect();
                var p = document.getElementById('graph').getBoundingClientRect();
                return r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom;
                """, current[0])
            assert inside, f"{current[0].get_attribute('id')} is out of view"

    # The labels are a constant input of the loss, drawn without a gradient line.
    lines = node_lines(browser, "c0")
    assert lines[0] == "labels" and "[0, 2, 1]" in lines and not any(line.startswith("grad") for line in lines)

    # Long arrays wrap in the side panel instead of running off its edge.
    too_wide = browser.execute_script("""
        return Array.from(document.querySelectorAll('#panel pre')).filter(function (pre) {
          return pre.scrollWidth > pre.clientWidth + 1; }).length;""")
    assert too_wide == 0
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_a_graph_of_more_than_40_nodes_opens_whole_and_steps(browser, tmp_path):
    x = mg.Variable(np.array([0.5, -0.25]), name="x")
    y = x
    for k in range(30):                             # 30 ops, 31 values: 61 nodes
        y = F.tanh(y) if k % 2 else y * 1.5
    L = y.sum()
    with viz.trace_backward() as trace:
        L.backward()
    page = trace.to_html(tmp_path / "chain.html", rankdir="LR")
    browser.get(page.resolve().as_uri())
    assert page_data(browser)["nodes"] > 40
    left, top, width, height = svg_rect(browser)
    p = browser.execute_script("var r = document.getElementById('graph').getBoundingClientRect();"
                               "return [r.left, r.top, r.width, r.height];")
    assert left >= p[0] - 1 and left + width <= p[0] + p[2] + 1     # fitted: the whole chain in view
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    assert current_function(browser) == Graph(trace.outputs).function_ids[trace.steps[-1].function]
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_the_panel_shows_a_3x3_weight_as_numbers_and_a_conv_kernel_as_a_heat_map(browser, tmp_path):
    from minigrad import nn
    mg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(18, 3), nn.Tanh(), nn.Linear(3, 3))
    image = mg.Variable(np.random.default_rng(0).standard_normal((1, 1, 5, 5)).astype(np.float32), name="image")
    loss = F.softmax_cross_entropy(model(image), np.array([1]))
    with viz.trace_backward(model) as trace:
        loss.backward()
    browser.get(trace.to_html(tmp_path / "cnn.html").resolve().as_uri())
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.END)

    def leaf_cell(name):
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#leaves tr")
                   if r.find_element(By.TAG_NAME, "th").text == name)
        return row.find_element(By.TAG_NAME, "td")

    weight = model[4].weight.grad.data                      # 3x3: every number, to 4 digits
    shown = numbers(leaf_cell("4.weight").find_element(By.TAG_NAME, "pre").text)
    assert shown.shape == (9,)
    np.testing.assert_allclose(shown, weight.ravel(), rtol=1e-3, atol=np.abs(weight).max() * 1e-3)

    kernel = model[0].weight.grad.data                      # (2, 1, 3, 3): a labelled heat map
    cell = leaf_cell("0.weight")
    assert "heat map of shape (2, 1, 3, 3)" in cell.text
    assert cell.find_elements(By.CSS_SELECTOR, ".heat-scale .bar")           # its colour scale
    captions = [c.text for c in cell.find_elements(By.CSS_SELECTOR, "figcaption")]
    assert captions == ["[0, 0]", "[1, 0]"]
    values = [float(v) for v in browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll('.grid i')).map(function (i) {"
        " return i.dataset.value; });", cell)]
    np.testing.assert_allclose(values, kernel.ravel(), rtol=5e-3, atol=np.abs(kernel).max() * 1e-3)

    too_wide = browser.execute_script("""
        var panel = document.getElementById('panel').getBoundingClientRect();
        return Array.from(document.querySelectorAll('#panel .heat .grid')).filter(function (g) {
          return g.getBoundingClientRect().right > panel.right; }).length;""")
    assert too_wide == 0

    # in the picture, the kernel's node draws its gradient as two 3x3 heat maps (9 cells and a frame each)
    cells = browser.execute_script(
        "var n = Array.from(document.querySelectorAll('#graph g.node')).find(function (n) {"
        "  return n.querySelector('text').textContent === '0.weight'; });"
        "return n.querySelectorAll('g.nodeheat rect').length;")
    assert cells == 2 * (9 + 1)

    # the step that computes the kernel's gradient names its shape beside it
    body = browser.find_element(By.TAG_NAME, "body")
    while "conv" not in browser.find_element(By.ID, "step-title").text:
        body.send_keys(Keys.ARROW_LEFT)
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#arrays .label")]
    assert "out: ∂L/∂0.weight, shape (2, 1, 3, 3)" in labels
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def draw_graph_example(monkeypatch):
    """examples/draw_graph.py as a module (it makes the docs' screenshots)."""
    pytest.importorskip("matplotlib")   # examples/_common draws with it
    import importlib.util
    examples = pathlib.Path(__file__).resolve().parent.parent.parent / "examples"
    monkeypatch.syspath_prepend(str(examples))
    spec = importlib.util.spec_from_file_location("example_draw_graph", examples / "draw_graph.py")
    draw_graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_graph)
    return draw_graph


def nodes_out_of_the_pane(driver):
    """The titles of the nodes not wholly inside the picture's pane."""
    return driver.execute_script("""
        var p = document.getElementById('graph').getBoundingClientRect();
        return Array.from(document.querySelectorAll('#graph g.node')).filter(function (n) {
          var r = n.getBoundingClientRect();
          return r.left < p.left || r.right > p.right || r.top < p.top || r.bottom > p.bottom;
        }).map(function (n) { return n.querySelector('text').textContent; });""")


def test_a_small_mlp_opens_whole_with_the_zoom_buttons_off_the_picture(browser, tmp_path, monkeypatch):
    draw_graph = draw_graph_example(monkeypatch)
    model, loss = draw_graph.build()                         # the README's two-layer network
    with viz.trace_backward(model) as trace:
        loss.backward()
    browser.get(trace.to_html(tmp_path / "mlp2.html", cluster_modules=True).resolve().as_uri())
    outside = nodes_out_of_the_pane(browser)
    assert outside == []                                    # the loss too
    assert scale_and_text_px(browser)[1] >= 7.5
    controls = browser.find_element(By.ID, "view-controls").rect
    pane = browser.find_element(By.ID, "graph").rect
    assert controls["y"] + controls["height"] <= pane["y"] + 0.5   # a bar above the picture

    # backward through sub: the gradient flows to v-values, not along the edge from the constant t
    body = browser.find_element(By.TAG_NAME, "body")
    while browser.find_element(By.ID, "step-title").text != "Backward 3: sub":
        body.send_keys(Keys.ARROW_RIGHT)
    active = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph g.edge.active')).map(function (e) {"
        " return e.querySelector('title').textContent; });")
    graph = Graph(trace.outputs)
    t_id = next(vid for x, vid in graph.variable_ids.items() if x.name == "t")   # the constant target
    assert active and all("->" in title for title in active)
    assert not any(title.startswith(t_id + "->") for title in active)


class ForgetfulSquare(mg.Function):
    """y = x ** 2.   dy/dx = 2 x, but this backward forgets the 2."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        return gy * self.inputs[0]


def collapsed_page(tmp_path):
    """A two-layer network whose loss goes through ForgetfulSquare, every
    module collapsed."""
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = mg.Variable(np.array([[0.5, -1.0], [2.0, 0.3]], dtype=np.float32), name="x")
    with viz.module_scopes(model):
        loss = ForgetfulSquare()(model(x)).mean()
    loss.name = "loss"
    with viz.trace_backward(model) as trace:
        loss.backward()
    return trace.to_html(tmp_path / "collapsed.html", collapse=True), trace


TEXT_INSIDE = """
    // the texts of arguments[0] whose box is not inside the box of arguments[1] (or of its shape)
    var outer = arguments[1] || arguments[0].querySelector('path, polygon, rect, ellipse');
    var o = outer.getBoundingClientRect();
    return Array.from(arguments[0].querySelectorAll('text')).filter(function (t) {
      var r = t.getBoundingClientRect();
      return r.width > 0 && (r.left < o.left - 0.5 || r.right > o.right + 0.5 || r.top < o.top - 0.5 ||
                             r.bottom > o.bottom + 0.5);
    }).map(function (t) { return t.textContent; });"""


def module_box(driver, path):
    boxes = driver.find_elements(By.CSS_SELECTOR, f'#graph g.module-box[data-module="{path}"]')
    return boxes[0] if boxes else None


@pytest.mark.parametrize("size", [(1400, 1000), (900, 700)])
def test_a_collapsed_module_expands_on_a_click_and_the_check_view_shows_a_wrong_backward(browser, tmp_path,
                                                                                        size):
    from selenium.webdriver.common.action_chains import ActionChains
    page, trace = collapsed_page(tmp_path)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
    try:
        browser.get(page.resolve().as_uri())
        browser.find_element(By.ID, "fit").click()
        # every module is one box, its name inside it
        for path, title in (("0", "0: Linear"), ("1", "1: Tanh"), ("2", "2: Linear")):
            box = module_box(browser, path)
            texts = [t.text for t in box.find_elements(By.TAG_NAME, "text")]
            assert texts[0] == title and texts[1] == "1 op inside · click to expand"
            assert browser.execute_script(TEXT_INSIDE, box, box.find_element(By.TAG_NAME, "rect")) == []
        assert browser.find_element(By.ID, "modules").text == "Expand modules"
        shot = pathlib.Path(os.environ.get("MINIGRAD_SCREENSHOTS", tmp_path))
        browser.save_screenshot(str(shot / f"stepper_collapsed_{size[0]}.png"))

        # a click on the box opens the module: its nodes show, their text inside their boxes
        ActionChains(browser).move_to_element(module_box(browser, "0").find_element(By.TAG_NAME, "rect")) \
            .click().perform()
        assert module_box(browser, "0") is None and module_box(browser, "1") is not None
        weight = next(n for n in browser.find_elements(By.CSS_SELECTOR, "#graph g.node")
                      if n.find_element(By.TAG_NAME, "text").get_attribute("textContent") == "0.weight")
        assert weight.is_displayed()
        assert browser.execute_script(TEXT_INSIDE, weight) == []
        assert browser.find_element(By.ID, "modules").text == "Collapse modules"
        # a click on the open module's label closes it again
        cluster = browser.execute_script(
            "return Array.from(document.querySelectorAll('#graph g.cluster')).find(function (c) {"
            "  return c.querySelector('text').textContent === '0: Linear'; }).querySelector('text');")
        ActionChains(browser).move_to_element(cluster).click().perform()
        assert module_box(browser, "0") is not None

        # stepping into a collapsed module lights its box
        browser.find_element(By.ID, "next").click()              # forward 1: linear, inside 0
        assert "current" in module_box(browser, "0").get_attribute("class")
        browser.find_element(By.ID, "next").click()
        assert "current" not in module_box(browser, "0").get_attribute("class")
        assert "current" in module_box(browser, "1").get_attribute("class")

        # the check view: the forgotten 2 halves every gradient
        browser.find_element(By.ID, "tab-check").click()
        assert browser.find_element(By.ID, "tab-check").text == "Gradient check ✗"
        assert not browser.find_element(By.ID, "explain").is_displayed()
        assert browser.find_element(By.ID, "check-summary").text.startswith("Some leaf's gradient disagrees")
        assert "the backward of forgetful_square (ForgetfulSquare) (max relative error 5.0e-01) disagrees" in \
            browser.find_element(By.ID, "check-culprits").text
        ringed = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.culprit")
        assert [n.find_element(By.TAG_NAME, "text").get_attribute("textContent") for n in ringed] == \
            ["forgetful_square"]
        rows = browser.find_elements(By.CSS_SELECTOR, "#check-table tr[data-var]")
        cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")][:3] for row in rows]
        assert [c[0] for c in cells] == ["x", "0.weight", "0.bias", "2.weight", "2.bias"]
        assert all(c[1] == "5.0e-01" and c[2] == "✗ disagree: the backward is wrong" for c in cells)
        rows[1].find_element(By.TAG_NAME, "button").click()
        detail = browser.find_element(By.ID, "check-detail")
        assert detail.find_element(By.TAG_NAME, "h3").text == \
            "0.weight, shape (3, 2): ✗ disagree: the backward is wrong"
        labels = [e.text for e in detail.find_elements(By.CSS_SELECTOR, ".label")]
        assert labels == ["analytic: ∂loss/∂0.weight by backward (replayed in float64)",
                          "numeric: central differences, eps = 0.0003 and 0.0006", "relative error |a − n| / max(|a|, |n|)"]
        analytic, numeric, error = (numbers(pre.text) for pre in detail.find_elements(By.TAG_NAME, "pre"))
        np.testing.assert_allclose(numeric, 2 * analytic, rtol=1e-3)
        np.testing.assert_allclose(error, 0.5, rtol=1e-3)
        too_wide = browser.execute_script("""
            var panel = document.getElementById('panel');
            return Array.from(panel.querySelectorAll('#check-view td, #check-view pre')).filter(function (e) {
              return e.getBoundingClientRect().right > panel.getBoundingClientRect().right + 1; }).length;""")
        assert too_wide == 0
        browser.save_screenshot(str(shot / f"stepper_check_{size[0]}.png"))

        # back to the steps; a leaf's "check" button opens the check view at that leaf
        browser.find_element(By.ID, "tab-steps").click()
        assert browser.find_element(By.ID, "explain").is_displayed()
        assert browser.find_elements(By.CSS_SELECTOR, "#graph g.node.culprit") == []
        badge = browser.find_element(By.CSS_SELECTOR, '#leaves tr[data-var] button.check-open')
        assert badge.text == "✗ check"
        badge.click()
        title = browser.find_element(By.ID, "check-detail").find_element(By.TAG_NAME, "h3").text
        assert title.startswith("x, shape (2, 2)")
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False})


def test_the_docs_cnn_opens_whole_and_its_check_agrees(browser, tmp_path, monkeypatch):
    draw_graph = draw_graph_example(monkeypatch)
    model, loss = draw_graph.build_cnn()                     # the CNN of docs/images/stepper_cnn_*.png
    with viz.trace_backward(model) as trace:
        loss.backward()
    browser.get(trace.to_html(tmp_path / "cnn.html", cluster_modules=True).resolve().as_uri())
    outside = nodes_out_of_the_pane(browser)
    assert outside == []                                     # whole: the image, the kernels and the loss
    assert scale_and_text_px(browser)[1] >= 7.5
    conv = next(n for n in browser.find_elements(By.CSS_SELECTOR, "#graph g.node")
                if n.find_element(By.TAG_NAME, "text").get_attribute("textContent") == "conv2d")
    assert browser.execute_script(TEXT_INSIDE, conv) == []   # its settings, wrapped, inside the oval
    browser.find_element(By.ID, "tab-check").click()
    assert browser.find_element(By.ID, "tab-check").text == "Gradient check ✓"
    assert browser.find_element(By.ID, "check-summary").text == "Every leaf agrees."
