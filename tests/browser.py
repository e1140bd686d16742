"""Headless Chromium for the browser tests, started one way (Selenium).

    @pytest.fixture(scope="module")
    def browser():
        yield from chromium(page_size=(1400, 1000))

Callers skip first when Chromium or chromedriver is absent (MISSING says why).
"""
import os
import shutil
import tempfile

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--window-size=1400,1000")

# A stepper page's script (run inside its frame): the node texts that are not
# laid out inside their node's box ("id: text"); [] when every one is.
NODE_TEXTS_OUTSIDE = """
var out = [];
document.querySelectorAll('#graph g.node').forEach(function (node) {
  var b = node.querySelector('polygon, path, ellipse').getBoundingClientRect();
  node.querySelectorAll('text').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.width === 0 || r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 ||
        r.bottom > b.bottom + 1) { out.push(node.id + ': ' + t.textContent); }
  });
});
return out;"""

MISSING = next((f"{program} is not installed (apt install chromium chromium-driver)"
                for program in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(program)), None)


def chromium(*flags, page_size=None, console=False):
    """Yield a Chrome driver with FLAGS and `flags`, in a fresh profile that
    is removed afterwards. `page_size` (width, height) fixes the page's own
    size; `console` keeps the page's console log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="minigrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, *flags, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if page_size is not None:
        width, height = page_size
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
