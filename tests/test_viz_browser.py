"""The backward stepper page in a real (headless) Chromium, driven by Selenium.

Loads the page from disk, steps through it with the buttons and the arrow
keys, and checks that the highlighted function follows the traced order and
that the leaf gradients shown at the end equal `.grad`. A screenshot of the
last step is saved (set MINIGRAD_SCREENSHOTS=<folder> to keep it).

Skipped only when Chromium, chromedriver, Selenium or Graphviz is absent
(Debian: apt install chromium chromium-driver graphviz; pip install selenium).
"""
import os
import re
import shutil
import tempfile
import time

import numpy as np
import pytest

import minigrad as mg
import minigrad.functions as F
from minigrad import viz
from minigrad.viz.graph import Graph

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

for program in (CHROMIUM, CHROMEDRIVER):
    if not os.path.exists(program):
        pytest.skip(f"{program} is not installed (apt install chromium chromium-driver)",
                    allow_module_level=True)
if shutil.which("dot") is None:
    pytest.skip("Graphviz's dot is not installed (apt install graphviz)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="minigrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,900", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def numbers(text):
    return np.array([float(s) for s in NUMBER.findall(text)])


def current_function(driver):
    marked = driver.find_elements(By.CSS_SELECTOR, "#graph g.node.current")
    assert len(marked) <= 1, "more than one function highlighted"
    return marked[0].get_attribute("id") if marked else None


def test_stepping_through_the_page_replays_the_backward_pass(browser, tmp_path):
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
    expected = [graph.function_ids[s.function] for s in trace.steps]
    last = len(expected)

    browser.get(page.resolve().as_uri())
    counter = browser.find_element(By.ID, "counter")
    assert counter.text == f"Step 0 of {last}"
    assert current_function(browser) is None

    body = browser.find_element(By.TAG_NAME, "body")
    for k, function_id in enumerate(expected, start=1):
        if k % 2:
            browser.find_element(By.ID, "next").click()
        else:
            body.send_keys(Keys.ARROW_RIGHT)
        assert counter.text == f"Step {k} of {last}"
        assert current_function(browser) == function_id
        assert len(browser.find_elements(By.CSS_SELECTOR, "#graph g.node.done")) == k - 1
        assert trace.steps[k - 1].function.name in browser.find_element(By.ID, "step-title").text
    assert not browser.find_element(By.ID, "next").is_enabled()
    assert "∂L/∂x" in browser.find_element(By.ID, "explain").text

    for leaf in (x, w, b):
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#leaves tr")
                   if r.find_element(By.TAG_NAME, "th").text == leaf.name)
        shown = numbers(row.find_element(By.TAG_NAME, "pre").text)
        np.testing.assert_allclose(shown, leaf.grad.data.ravel(), rtol=1e-5, atol=1e-8)
        node = browser.find_element(By.ID, row.get_attribute("data-var"))
        slot = node.find_elements(By.TAG_NAME, "text")[-1].text
        assert slot.startswith("grad ")
        np.testing.assert_allclose(numbers(slot), leaf.grad.data.ravel(), rtol=1e-3)

    # x feeds two functions: each edge shows its part, and the parts add up to x.grad
    x_edges = [eid for eid, tail, _ in graph.edges() if tail == graph.variable_ids[x]]
    parts = [numbers(browser.find_element(By.ID, eid).find_element(By.TAG_NAME, "text").text)
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
    assert current_function(browser) == expected[-2]
    body.send_keys(Keys.HOME)
    assert counter.text == f"Step 0 of {last}" and current_function(browser) is None
    slots = {g.get_attribute("id"): g.find_elements(By.TAG_NAME, "text")[-1].text
             for g in browser.find_elements(By.CSS_SELECTOR, "#graph g.node")
             if g.get_attribute("id").startswith("v")}
    assert slots.pop(graph.variable_ids[L]) == "grad 1"                 # only the seed is known
    assert set(slots.values()) == {"grad ?"}

    browser.find_element(By.ID, "play").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "counter").text.startswith("Step 2"))
    browser.find_element(By.ID, "play").click()               # pause
    paused = counter.text
    time.sleep(1.5)                                           # longer than one Play tick
    assert counter.text == paused

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
