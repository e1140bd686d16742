"""Screenshots of the built documentation site at 1400x1000, for the
gallery of screenshots on docs/stepper.md: an F page with its math typeset,
a lesson page with its quick-run output, and the page with the live stepper.

    python -m sphinx -b html docs /tmp/html
    python docs/screenshots.py --site /tmp/html     # writes docs/images/docs_*.png

Needs Chromium, chromedriver and Selenium (pip install -e ".[browser]").
Look at the pictures before committing them.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import chromium  # noqa: E402

# (picture, page in the site, element to scroll to the top, or None)
SHOTS = [
    ("docs_functions_math", "api/functions.html", "minigrad.functions.tanh"),
    ("docs_lesson_output", "lessons/02_regression.html", None),
    ("docs_live_stepper", "stepper.html", None),
]
MATH = "return document.querySelectorAll('mjx-container').length"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="the built html folder")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    driver_of = chromium("--allow-file-access-from-files", "--hide-scrollbars", page_size=(1400, 1000))
    driver = next(driver_of)
    try:
        for name, page, anchor in SHOTS:
            driver.get((args.site / page).resolve().as_uri())
            deadline = time.time() + 30
            while page.startswith("api/") and not driver.execute_script(MATH) and time.time() < deadline:
                time.sleep(0.2)   # MathJax typesets after the page loads
            if anchor:
                driver.execute_script(f"document.getElementById('{anchor}').scrollIntoView()")
            elif "lessons/" in page:   # the end of the code and the output under it
                driver.execute_script("const o = document.querySelector('.lesson-output');"
                                      "window.scrollTo(0, o.getBoundingClientRect().top + window.scrollY - 600);")
            time.sleep(1.5)
            path = args.out / f"{name}.png"
            driver.save_screenshot(str(path))
            print(f"wrote {path}")
    finally:
        driver_of.close()


if __name__ == "__main__":
    main()
