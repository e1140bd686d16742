"""Sphinx configuration of minigrad's documentation site.

Build it from the repository root (the same command .ci/run uses):

    pip install -e ".[docs]"     # and Graphviz's dot, for the live stepper
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated from the docstrings (autodoc); the lesson
gallery from the lessons in examples/ (their markdown cells, their code,
what a quick run of each prints, their committed pictures in docs/gallery
and each as a notebook), written into docs/lessons/ at each build by
`_lessons.py`. The live stepper that stepper.md embeds is written into the
html output at each build by `_stepper.py`.
"""
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))   # the checkout's minigrad, installed or not
sys.path.insert(0, str(DOCS))

import _docstrings  # noqa: E402
import _lessons  # noqa: E402
import _stepper  # noqa: E402
import minigrad  # noqa: E402
from sphinx.util import logging  # noqa: E402

logger = logging.getLogger("minigrad-docs")

project = "minigrad"
author = "the minigrad authors"
copyright = "2026, the minigrad authors"
release = version = minigrad.__version__

# MathJax itself ships with the site (sphinx-mathjax-offline copies it into
# _static/mathjax): the formulas render offline and without a CDN.
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode", "sphinx.ext.mathjax",
              "sphinx-mathjax-offline", "myst_parser"]
napoleon_google_docstring = False    # NumPy style only: "Parameters" underlined with dashes
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True             # Attributes as a field list (a NamedTuple documents its fields itself)
highlight_language = "none"          # a docstring's literal blocks are formulas and diagrams, not Python
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]   # lessons may step from # to ### in a cell

html_theme = "furo"
html_title = f"minigrad {release}"
html_static_path = ["_static"]
html_css_files = ["gallery.css"]
html_show_sourcelink = False

autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True,
                           "member-order": "bysource"}
autodoc_member_order = "bysource"
autodoc_inherit_docstrings = True   # an override without text shows the documented contract of its base
autoclass_content = "both"


lesson_pages = None


def write_lesson_pages(app):
    """builder-inited: the lesson pages and their notebooks; starts the
    lessons' quick runs (kept in the doctree folder between builds)."""
    global lesson_pages
    lesson_pages = _lessons.write_pages(DOCS.parent / "examples", DOCS / "gallery", DOCS / "lessons",
                                        cache=Path(app.doctreedir) / "lesson-output", warn=logger.warning)


def fill_lesson_output(app, docname, source):
    """source-read: a lesson page gets its quick run's output."""
    lesson_pages.fill_output(docname, source)


def finish_lesson_runs(app, exception):
    """build-finished: no quick run outlives the build (when no lesson page was read)."""
    if lesson_pages is not None:
        lesson_pages.runs.result()


def write_live_stepper(app):
    """builder-inited: the stepper page stepper.md embeds, into the html output."""
    if app.builder.format != "html":
        return
    try:
        _stepper.write_stepper(DOCS.parent / "examples", app.outdir)
    except Exception as error:   # no Graphviz, say: the page's frame would be empty
        logger.warning(f"the live stepper ({_stepper.PAGE}) was not written: {type(error).__name__}: {error}")


def setup(app):
    app.connect("builder-inited", write_lesson_pages)
    app.connect("source-read", fill_lesson_output)
    app.connect("build-finished", finish_lesson_runs)
    app.connect("builder-inited", write_live_stepper)
    app.connect("autodoc-process-docstring", _docstrings.as_restructured_text)
