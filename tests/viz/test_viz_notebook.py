"""The pictures in a Jupyter notebook: executed by nbclient, viewed in headless Chromium.

A notebook traces a backward pass and ends a cell with `trace`, and shows a
Variable's and a Module's graph with `viz.show`. nbclient runs it in a real
IPython kernel and saves it; the saved outputs are then put on one page, as
a notebook front end shows them (JupyterLab and VS Code both display a
text/html output as is, and image/svg+xml inline), and opened in headless
Chromium, where the stepper inside the output's iframe must step. The page
nbconvert makes of an executed notebook, loaded five times at each of three
window widths with the frame off-screen, must lay out every node's text
inside its box, before and after "Fit", and name the model's parameters.

Skipped when nbclient, nbformat, ipykernel, nbconvert (pip install minigrad[notebook]),
Selenium, Chromium or Graphviz is absent.
"""
import html
import pathlib
import shutil

import pytest

from tests.browser import MISSING, NODE_TEXTS_OUTSIDE, chromium

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent

if MISSING:
    pytest.skip(MISSING, allow_module_level=True)
if shutil.which("dot") is None:
    pytest.skip("Graphviz's dot is not installed (apt install graphviz)", allow_module_level=True)

CELLS = [
    f"import sys\nsys.path.insert(0, {str(ROOT)!r})   # this checkout's minigrad",
    """import numpy as np
import minigrad as mg
import minigrad.functions as F
from minigrad import nn, viz

mg.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
x = mg.Variable(np.array([[0.5, -1.0], [2.0, 0.3]], dtype=np.float32), name="x")
loss = F.mean_squared_error(model(x), np.array([[1.0], [-0.5]], dtype=np.float32))
with viz.trace_backward() as trace:
    loss.backward()
trace""",
    "viz.show(loss)",
    "viz.show(model, x)",
]


def run_notebook(folder, cells=CELLS):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    path = folder / "stepper.ipynb"
    nbformat.write(nb, path)
    return nbformat.read(path, as_version=4)


def output_page(nb):
    """The saved outputs on one HTML page, each as a front end shows it."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", "".join(output.get("traceback", []))
            bundle = output.get("data", {})
            if "text/html" in bundle:
                parts.append(f'<div class="output html">{bundle["text/html"]}</div>')
            elif "image/svg+xml" in bundle:
                parts.append(f'<div class="output svg">{bundle["image/svg+xml"]}</div>')
            elif "text/plain" in bundle:
                parts.append(f'<pre class="output">{html.escape(bundle["text/plain"])}</pre>')
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
            "<body style='width: 1100px'>" + "\n".join(parts) + "</body></html>")


@pytest.fixture(scope="module")
def browser():
    yield from chromium(console=True)


def test_a_notebook_shows_the_stepper_and_the_graphs_inline(browser, tmp_path):
    nb = run_notebook(tmp_path)
    trace_output = nb.cells[1].outputs[-1]["data"]
    assert trace_output["text/html"].startswith("<iframe")
    assert "BackwardTrace" in trace_output["text/plain"] and " at 0x" not in trace_output["text/plain"]
    for cell in nb.cells[2:]:
        assert "<svg" in cell.outputs[-1]["data"]["image/svg+xml"]
    assert "0: Linear" in nb.cells[3].outputs[-1]["data"]["image/svg+xml"]   # one box per layer

    page = tmp_path / "outputs.html"
    page.write_text(output_page(nb), encoding="utf-8")
    browser.get(page.as_uri())
    assert len(browser.find_elements(By.CSS_SELECTOR, ".output.svg svg")) == 2
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.minigrad-stepper")
    assert frame.size["height"] >= 600 and frame.size["width"] >= 1000
    browser.switch_to.frame(frame)
    counter = browser.find_element(By.ID, "counter")
    steps = int(counter.text.split()[-1])
    assert counter.text == f"Step 0 of {steps}" and steps > 10
    unmarked = []
    for k in range(1, steps + 1):
        browser.find_element(By.ID, "next").click()
        assert counter.text == f"Step {k} of {steps}"
        marked = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.current")
        if marked:
            assert len(marked) == 1 and marked[0].get_attribute("id").startswith("f")
        else:
            unmarked.append(browser.find_element(By.ID, "step-title").text)
    assert unmarked == ["Backward pass: seed the output gradient"]   # every other step runs a function
    assert browser.find_element(By.ID, "phase").text == "Backward pass"
    assert "x" in browser.find_element(By.ID, "leaves").text
    browser.switch_to.default_content()
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


# A long output first, so that the stepper's frame loads off-screen (where
# Chromium lays it out late), and a trace that names the model's parameters.
NBCONVERT_CELLS = [CELLS[0] + "\nprint('\\n'.join(map(str, range(80))))",
                   CELLS[1].replace("viz.trace_backward()", "viz.trace_backward(model)")]



def test_the_nbconvert_page_lays_out_the_stepper_at_every_width_and_load(browser, tmp_path):
    exporter = pytest.importorskip("nbconvert").HTMLExporter()
    nb = run_notebook(tmp_path, NBCONVERT_CELLS)
    page = tmp_path / "stepper.html"
    page.write_text(exporter.from_notebook_node(nb)[0], encoding="utf-8")
    try:
        for width in (900, 1200, 1600):
            browser.set_window_size(width, 1000)
            for load in range(5):
                browser.get(page.as_uri())
                frame = browser.find_element(By.CSS_SELECTOR, "iframe.minigrad-stepper")
                browser.switch_to.frame(frame)
                where = f"width {width}, load {load}"
                assert browser.execute_script(NODE_TEXTS_OUTSIDE) == [], where
                browser.find_element(By.ID, "fit").click()
                assert browser.execute_script(NODE_TEXTS_OUTSIDE) == [], where + ", after Fit"
                titles = browser.execute_script(
                    "return Array.from(document.querySelectorAll('#graph g.node')).map(function (n) {"
                    "  var t = n.querySelector('text'), s = n.querySelector('polygon, path');"
                    "  return [t ? t.textContent : '', s ? s.getAttribute('fill') : ''];});")
                fills = dict(titles)
                for name in ("0.weight", "0.bias", "2.weight", "2.bias"):
                    assert fills.get(name) == "#dae8fc", (where, name, fills)   # named, parameter blue
                browser.switch_to.default_content()
    finally:
        browser.set_window_size(1400, 1000)
    errors = [entry for entry in browser.get_log("browser")   # nbconvert's page links MathJax's CDN
              if entry["level"] == "SEVERE" and entry["source"] != "network"]
    assert errors == []
