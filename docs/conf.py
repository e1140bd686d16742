"""Sphinx configuration of minigrad's documentation site.

Build it from the repository root (the same command .ci/run uses):

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated from the docstrings (autodoc); the lesson
gallery from the lessons in examples/ (their markdown cells, their code and
their committed pictures in docs/gallery), written into docs/lessons/ at
each build by `_lessons.py`.
"""
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))   # the checkout's minigrad, installed or not
sys.path.insert(0, str(DOCS))

import _docstrings  # noqa: E402
import _lessons  # noqa: E402
import minigrad  # noqa: E402

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


def setup(app):
    _lessons.write_pages(DOCS.parent / "examples", DOCS / "gallery", DOCS / "lessons")
    app.connect("autodoc-process-docstring", _docstrings.as_restructured_text)
