"""The documentation site: Sphinx builds it with warnings as errors, every
lesson has a gallery page with its picture, what its quick run printed and
its notebook to download, and headless Chromium shows the index and an API
page with their search box and pictures, finds a name with the search, and
steps the live stepper embedded in the site.

The site is built once per session into a temporary folder (about half a
minute), or read from MINIGRAD_DOCS_HTML when that names a built site (what
.ci/run does after its docs step). Skipped without Sphinx, Furo, MyST and
Jupytext (pip install -e ".[docs]"); the browser tests also without
Chromium, chromedriver or Selenium."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser import MISSING, NODE_TEXTS_OUTSIDE, chromium

ROOT = Path(__file__).resolve().parent.parent.parent

for module in ("sphinx", "furo", "myst_parser", "jupytext"):
    pytest.importorskip(module, reason=f'{module} is not installed (pip install -e ".[docs]")')


@pytest.fixture(scope="module")
def site():
    """The built site's folder."""
    built = os.environ.get("MINIGRAD_DOCS_HTML")
    if built:
        assert (Path(built) / "index.html").exists(), f"MINIGRAD_DOCS_HTML={built} holds no index.html"
        yield Path(built)
        return
    out = Path(tempfile.mkdtemp(prefix="minigrad-docs-"))
    try:
        result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                                 "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"the docs build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        yield out / "html"
    finally:
        shutil.rmtree(out, ignore_errors=True)


def lessons():
    return sorted(p.stem for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))


def test_every_lesson_has_a_page_with_its_picture_and_code(site):
    index = (site / "lessons" / "index.html").read_text()
    for name in lessons():
        page = site / "lessons" / f"{name}.html"
        assert page.exists(), f"no gallery page for examples/{name}.py"
        assert f"{name}.html" in index
        html = page.read_text()
        text = re.sub(r"<[^>]+>", "", html)   # the words, without the highlighting's markup
        assert f"python examples/{name}.py" in text
        assert "def main" in text, f"{name}: the lesson's code is missing from its page"
        if (ROOT / "docs" / "gallery" / f"{name}.png").exists():
            assert f"{name}.png" in html and (site / "_images" / f"{name}.png").exists()


def test_every_lesson_page_shows_what_its_quick_run_printed_and_offers_its_notebook(site):
    for name in lessons() + ["demo"]:
        html = (site / "lessons" / f"{name}.html").read_text()
        text = re.sub(r"<[^>]+>", "", html)
        assert "Output (quick run)" in text and "a quick run (--quick)" in text, name
        assert f"wrote out/{name}/" in text, f"{name}: the printed output is not that of a run of the lesson"
        download = re.search(rf'href="\.\./(_downloads/[0-9a-f]+/{name}\.ipynb)"', html)
        assert download, f"{name}: no notebook to download"
        notebook = json.loads((site / download.group(1)).read_text())
        assert notebook["nbformat"] == 4 and notebook["metadata"]["kernelspec"]["name"] == "python3"
        kinds = [cell["cell_type"] for cell in notebook["cells"]]
        assert kinds[0] == "markdown" and "code" in kinds, name
        assert any("def main" in "".join(cell["source"]) for cell in notebook["cells"]), name


def test_a_lessons_output_sits_under_the_cell_that_printed_it(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "docs"))
    import _lessons
    lesson = tmp_path / "99_cells.py"
    lesson.write_text('# %% [markdown]\n# # Cells\n\n# %%\nx = 2\n\n# %%\nprint("x is", x)\n\n'
                      '# %%\nprint(end="")\n')
    outputs, failure = _lessons.QuickRuns([lesson], tmp_path / "cache").result()[lesson]
    assert failure is None and outputs == {1: "", 2: "x is 2\n", 3: ""}
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert _lessons.QuickRuns([lesson], tmp_path / "cache").result()[lesson] == (outputs, None)   # kept
    page = _lessons._page(lesson, "Cells", _lessons._cells(lesson), [], outputs)
    assert page.count("Output (quick run)") == 1
    assert page.index('print("x is", x)') < page.index("x is 2") < page.index("print(end")
    lesson.write_text(lesson.read_text().replace("print(end", "1 / 0  # print(end"))
    outputs, failure = _lessons.QuickRuns([lesson], tmp_path / "cache").result()[lesson]
    assert outputs == {} and "failed (exit 1)" in failure and "ZeroDivisionError" in failure
    warnings, source = [], [""]
    _lessons.Pages([lesson], tmp_path, tmp_path / "cache", warn=warnings.append).fill_output("lessons/99_cells", source)
    assert len(warnings) == 1 and "examples/99_cells.py: its quick run failed" in warnings[0]   # -W: an error
    assert "# Cells" in source[0] and "Output (quick run)" not in source[0]


def test_api_reference_is_generated_from_the_docstrings(site):
    functions = (site / "api" / "functions.html").read_text()
    for name in ("tanh", "matmul", "softmax_cross_entropy", "conv2d"):
        assert f'id="minigrad.functions.{name}"' in functions
    core = (site / "api" / "core.html").read_text()
    for name in ("Variable", "Function", "grad", "gradcheck", "save", "load", "from_dlpack"):
        assert f'id="minigrad.{name}"' in core
    assert 'id="minigrad.nn.Linear"' in (site / "api" / "nn.html").read_text()



def _entry(html, ident):
    """The text of the <dd> that documents `ident` (up to its first nested entry)."""
    start = html.index(f'id="{ident}"')
    body = html[html.index("<dd>", start):]
    return body[:min(i for i in (body.find("</dd>"), body.find("<dl class=\"py")) if i >= 0)]


def test_the_F_pages_show_each_ops_forward_and_derivative_as_math(site):
    functions = (site / "api" / "functions.html").read_text()
    assert "mathjax" in functions.lower(), "MathJax is not loaded on the functions page"
    for name in ("tanh", "exp", "add", "mul", "sum", "mean", "relu", "softmax", "sigmoid"):
        entry = _entry(functions, f"minigrad.functions.{name}")
        assert entry.count('class="math notranslate nohighlight"') == 2, f"F.{name}: no forward and derivative math"
        assert "\\partial" in entry, f"F.{name}: the derivative is missing"
    for name in ("matmul", "conv2d", "softmax_cross_entropy"):
        assert _entry(functions, f"minigrad.functions.{name}").count('class="math notranslate nohighlight"') == 2, name
    # an op with no LaTeX declared shows the math its Function classes' docstrings state
    assert "Transpose:" in re.sub(r"<[^>]+>", "", _entry(functions, "minigrad.functions.transpose"))


def test_no_docstring_is_shown_as_a_raw_code_block(site):
    raw = []
    for page in (site / "api").glob("*.html"):
        html = page.read_text()
        for match in re.finditer(r'<dt class="sig sig-object py" id="([^"]+)">.*?</dt>\s*<dd>(.*?)(?:</dd>|<dl)', html, re.S):
            body = re.sub(r'^\s*<p>Bases:.*?</p>', "", match.group(2), flags=re.S).lstrip()
            if body.startswith('<div class="highlight'):
                raw.append(match.group(1))
    assert not raw, f"docstrings shown as one code block: {raw}"


def test_docstring_examples_render_as_python_sessions(site):
    core = (site / "api" / "core.html").read_text()
    entry = _entry(core, "minigrad.Function")
    assert '<div class="doctest' in entry and '<span class="gp">&gt;&gt;&gt; </span>' in entry
    code = re.sub(r"<[^>]+>", "", entry)
    assert "return x ** 2" in code and "\\*" not in code   # as written: no escapes


def test_every_entry_of_the_reference_has_text(site):
    empty = []
    for page in (site / "api").glob("*.html"):
        html = page.read_text()
        for match in re.finditer(r'<dt class="sig sig-object py" id="([^"]+)">.*?</dt>\s*<dd>(.*?)(?:</dd>|<dl)', html, re.S):
            body = re.sub(r'^\s*<p>Bases:.*?</p>', "", match.group(2), flags=re.S)
            if not re.sub(r"<[^>]+>", "", body).strip():
                empty.append(match.group(1))
    assert not empty, f"{len(empty)} entries of the API reference have no text: {empty}"


def test_parameter_lists_render_as_tables(site):
    viz = (site / "api" / "viz.html").read_text()
    for ident, params in (("minigrad.viz.to_dot", ("show", "params", "rankdir", "cluster_modules")),
                          ("minigrad.viz.show", ("target",))):
        entry = _entry(viz, ident)
        assert 'class="field-list' in entry, f"{ident}: no parameter table"
        for name in params:
            assert f"<strong>{name}</strong>" in entry, (ident, name)
    optim = (site / "api" / "optim.html").read_text()
    for name in ("SGD", "AdaGrad", "RMSprop", "AdaDelta", "Adam"):
        entry = _entry(optim, f"minigrad.optim.{name}")
        assert 'class="field-list' in entry and "<strong>lr</strong>" in entry, name


def test_pages_link_to_their_source(site):
    assert (site / "_modules" / "minigrad" / "optim" / "sgd.html").exists()
    assert "_modules/minigrad/optim/sgd.html" in (site / "api" / "optim.html").read_text()

def test_coming_from_pytorch_page_names_the_doors_what_differs_and_the_in_place_rules(site):
    text = (site / "coming_from_pytorch.html").read_text()
    for word in ("torch.cat", "transpose", "np.pad", "keepdim=True)[1]", "ddof=0", "no_grad",
                 "RuntimeError", "x.clone()", "What still differs"):
        assert word in text, word


# -- in a browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if MISSING:
        pytest.skip(MISSING)
    pytest.importorskip("selenium.webdriver")
    yield from chromium("--allow-file-access-from-files")


def _rendered_images(driver):
    return driver.execute_script(
        "return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 50 && "
        "i.getBoundingClientRect().width > 50).map(i => i.src);")


def _visible_search_box(driver):
    from selenium.webdriver.common.by import By
    boxes = [box for box in driver.find_elements(By.CSS_SELECTOR, "input[name='q']") if box.is_displayed()]
    assert boxes, "no visible search box"
    return boxes[0]


def test_index_shows_the_search_box_and_a_picture(site, browser):
    browser.get((site / "index.html").as_uri())
    assert "minigrad" in browser.title
    _visible_search_box(browser)
    assert any(src.endswith("graph.png") for src in _rendered_images(browser)), "the graph picture did not render"


def test_api_page_shows_the_search_box_and_its_entries(site, browser):
    from selenium.webdriver.common.by import By
    browser.get((site / "api" / "functions.html").as_uri())
    _visible_search_box(browser)
    entry = browser.find_element(By.ID, "minigrad.functions.tanh")
    assert entry.is_displayed() and "tanh" in entry.text


def test_a_lesson_page_shows_its_picture(site, browser):
    name = "09_hyperparameter_search"
    if not (ROOT / "docs" / "gallery" / f"{name}.png").exists():
        pytest.skip("no committed picture of lesson 09")
    browser.get((site / "lessons" / f"{name}.html").as_uri())
    assert any(src.endswith(f"{name}.png") for src in _rendered_images(browser))


def test_the_F_pages_math_is_typeset_offline_by_the_mathjax_the_site_ships(site, browser):
    """MathJax comes from the site's own _static folder (no CDN): the browser
    turns every LaTeX span of the functions page into typeset math."""
    from selenium.webdriver.support.ui import WebDriverWait

    html = (site / "api" / "functions.html").read_text()
    assert re.search(r'<script[^>]+src="[./]*_static/mathjax/tex-chtml.js(\?v=\w+)?"', html), "MathJax is not loaded from _static"
    assert "cdn" not in re.search(r'<script[^>]+mathjax[^>]*>', html).group(0).lower()
    spans = html.count('class="math notranslate nohighlight"')
    browser.get((site / "api" / "functions.html").as_uri())
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(
        "return document.querySelectorAll('mjx-container').length") >= spans)
    shown = browser.execute_script(
        "const e = document.getElementById('minigrad.functions.tanh').parentElement;"
        "e.scrollIntoView();"
        "return Array.from(e.querySelectorAll('mjx-container')).map(m => m.getBoundingClientRect())"
        ".filter(r => r.width > 20 && r.height > 8).length;")
    assert shown == 2, f"tanh's forward and derivative are not typeset as visible math ({shown} shown)"


def test_the_stepper_page_embeds_a_live_stepper_whose_nodes_show_their_text_and_which_steps(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    assert (site / "_stepper" / "mlp.html").exists(), "the live stepper was not written into the site"
    browser.get((site / "stepper.html").as_uri())
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.live-stepper")
    assert frame.size["width"] >= 900 and frame.size["height"] >= 800, frame.size
    browser.execute_script("arguments[0].scrollIntoView()", frame)
    browser.switch_to.frame(frame)
    try:
        counter = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "counter"))
        steps = int(counter.text.split()[-1])
        assert counter.text == f"Step 0 of {steps}" and steps > 10
        texts = browser.execute_script(
            "return Array.from(document.querySelectorAll('#graph g.node')).map(function (n) {"
            "  return Array.from(n.querySelectorAll('text')).map(function (t) { return t.textContent; }).join(' ');});")
        assert texts and all(text.strip() for text in texts), texts
        assert "0.weight" in " ".join(texts)   # the parameters carry their names
        assert browser.execute_script(NODE_TEXTS_OUTSIDE) == []
        browser.find_element(By.ID, "next").click()
        assert counter.text == f"Step 1 of {steps}"
        assert len(browser.find_elements(By.CSS_SELECTOR, "#graph g.node.current")) == 1
        browser.find_element(By.ID, "fit").click()
        assert browser.execute_script(NODE_TEXTS_OUTSIDE) == []
    finally:
        browser.switch_to.default_content()


def test_the_stepper_page_shows_the_screenshots_of_the_steppers_and_of_the_site(site):
    html = (site / "stepper.html").read_text()
    for name in ("stepper_mlp_forward", "stepper_mlp_backward", "stepper_cnn_forward", "stepper_cnn_backward",
                 "stepper_mlp_check", "docs_functions_math", "docs_lesson_output", "docs_live_stepper"):
        shown = re.search(rf'<img[^>]+src="(_images/{name}\d*\.png)"', html)   # Sphinx may number a copy
        assert shown and (site / shown.group(1)).exists(), name


def test_search_finds_a_function(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((site / "index.html").as_uri())
    box = _visible_search_box(browser)
    box.send_keys("gradgradcheck", Keys.ENTER)
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "ul.search li a"))
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.search li a")]
    assert any("api/core.html" in href for href in links), links


# -- what "Coming from PyTorch" says, checked -------------------------------------------------

def _needs(*names):
    import minigrad.functions as F
    missing = [name for name in names if not hasattr(F, name)]
    if missing:
        pytest.skip(f"minigrad.functions has no {', '.join(missing)} yet")


def test_pytorch_page_claims_transpose_and_swapaxes():
    torch = pytest.importorskip("torch")
    _needs("swapaxes", "permute")
    import numpy as np
    import minigrad as mg
    a = np.arange(24.0).reshape(2, 3, 4)
    x = mg.Variable(a)
    np.testing.assert_array_equal(x.transpose().data, a.transpose())
    np.testing.assert_array_equal(x.T.data, a.T)
    np.testing.assert_array_equal(x.swapaxes(0, 1).data, torch.from_numpy(a).transpose(0, 1).numpy())
    np.testing.assert_array_equal(x.permute(2, 0, 1).data, torch.from_numpy(a).permute(2, 0, 1).numpy())


def test_pytorch_page_claims_pad_lists_the_first_axis_first():
    torch = pytest.importorskip("torch")
    import numpy as np
    import minigrad as mg
    import minigrad.functions as F
    a = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    top, bottom, left, right = 1, 2, 3, 0
    ours = F.pad(mg.Variable(a), ((0, 0), (0, 0), (top, bottom), (left, right))).data
    theirs = torch.nn.functional.pad(torch.from_numpy(a), (left, right, top, bottom)).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_pytorch_page_claims_max_values_and_population_variance():
    torch = pytest.importorskip("torch")
    import numpy as np
    import minigrad as mg
    import minigrad.functions as F
    _needs("argmax")
    a = np.random.default_rng(0).standard_normal((3, 4))
    x = mg.Variable(a)
    np.testing.assert_array_equal(x.max(axis=1).data, a.max(axis=1))
    np.testing.assert_array_equal(x.argmax(axis=1), a.argmax(axis=1))
    np.testing.assert_allclose(F.var(x).data, torch.from_numpy(a).var(correction=0).numpy())
    try:
        sample = F.var(x, ddof=1)
    except TypeError:
        pytest.skip("var has no ddof= yet")
    np.testing.assert_allclose(sample.data, torch.from_numpy(a).var().numpy())
    np.testing.assert_allclose(F.var(x, correction=1).data, torch.from_numpy(a).var().numpy())


def test_pytorch_page_claims_the_in_place_rules():
    import numpy as np
    import minigrad as mg
    p = mg.Variable(np.ones(3))
    (p * p).sum().backward()
    same = p
    with mg.no_grad():
        p -= 0.5 * p.grad
    assert p is same
    np.testing.assert_array_equal(p.data, np.zeros(3))
    with pytest.raises(RuntimeError, match="no_grad"):
        p += 1.0
    h = p * 2.0
    before = h
    h += 1.0                       # a non-leaf while recording: recorded and rebound
    assert h is not before and h.creator is not None
    a = np.ones(3)
    a -= 0.5 * p.grad.data
    np.testing.assert_array_equal(a, np.zeros(3))
