"""The lesson gallery: one page per lesson in examples/, written as MyST
markdown into docs/lessons/ at each build (that folder is generated, not
committed). A page holds the lesson's picture (committed in docs/gallery,
made by `python examples/make_gallery.py`), how to run it, its text (the
markdown cells of the Jupytext percent-format script) and its code (the
code cells), in the order of the script."""
import ast
import re
from pathlib import Path

try:
    import jupytext
except ImportError:
    raise ImportError('the lesson gallery reads the lessons with jupytext: pip install -e ".[docs]"') from None

LESSON = re.compile(r"^(\d\d_\w+|demo)\.py$")


def _title_and_cells(path):
    """(title, [(kind, text)]) of a lesson: the title from its first markdown
    heading, or from its docstring's first line when it has none."""
    notebook = jupytext.read(path, fmt="py:percent")
    cells = [(cell.cell_type, cell.source.strip()) for cell in notebook.cells if cell.source.strip()]
    for kind, text in cells:
        if kind == "markdown" and text.startswith("# "):
            return text.splitlines()[0][2:].strip(), cells
    docstring = ast.get_docstring(ast.parse(path.read_text())) or path.stem
    return docstring.splitlines()[0].split(". ")[0].rstrip("."), cells


def _pictures(name, gallery):
    return sorted(p for p in gallery.glob("*.png") if p.stem == name or p.stem.startswith(name + "_"))


def _page(path, title, cells, pictures):
    lines = []
    has_heading = any(kind == "markdown" and text.startswith("# ") for kind, text in cells)
    if not has_heading:
        lines += [f"# {title}", ""]
    for i, (kind, text) in enumerate(cells):
        if kind == "markdown":
            lines += [text, ""]
        else:
            lines += ["```python", text, "```", ""]
        if i == 0:   # the picture and the command right under the lesson's introduction
            for picture in pictures:
                lines += [f"![{title}](../gallery/{picture.name})", ""]
            lines += [f"Run it with `python examples/{path.name}` (`--quick` for a run of a few seconds; "
                      "`--help` for its options).", ""]
    return "\n".join(lines)


def write_pages(examples, gallery, out):
    """Write out/<lesson>.md for every lesson and out/index.md listing them."""
    out.mkdir(exist_ok=True)
    for old in out.glob("*.md"):
        old.unlink()
    lessons = sorted((p for p in examples.glob("*.py") if LESSON.match(p.name)),
                     key=lambda p: (p.stem != "demo", p.stem))
    index = ["# Lesson gallery", "",
             "Each lesson of the introductory course is one script in `examples/`: it runs on real data "
             "with no download, prints the figures it is about and writes its picture. Every picture here "
             "is made from the committed code by `python examples/make_gallery.py`.", ""]
    toctree = ["```{toctree}", ":hidden:", ""]
    cards = ["````{container} lesson-grid", ""]
    for path in lessons:
        title, cells = _title_and_cells(path)
        pictures = _pictures(path.stem, gallery)
        (out / f"{path.stem}.md").write_text(_page(path, title, cells, pictures))
        toctree.append(path.stem)
        cards += ["```{container} lesson-card", ""]
        if pictures:
            cards += [f"[![{title}](../gallery/{pictures[0].name})]({path.stem}.md)", ""]
        cards += [f"[{title}]({path.stem}.md)", "```", ""]
    cards += ["````", ""]
    (out / "index.md").write_text("\n".join(index + cards + toctree + ["```", ""]))
