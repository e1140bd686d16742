"""The lesson gallery: one page per lesson in examples/, written as MyST
markdown into docs/lessons/ at each build (that folder is generated, not
committed). A page holds the lesson's picture (committed in docs/gallery,
made by `python examples/make_gallery.py`), how to run it, a download of the
lesson as a notebook (.ipynb, written by jupytext), its text (the markdown
cells of the Jupytext percent-format script) and its code (the code cells),
in the order of the script, each code cell followed by what it printed.

The printed output comes from a quick run (`--quick`) made at the build,
cell by cell in a fresh process (`python docs/_lessons.py LESSON`, which
marks where each cell's output begins), two lessons at a time: about half
a minute for all of them on two cores. A run is kept, keyed by the lesson's
source and minigrad's, in the build's doctree folder, so a rebuild of
unchanged code runs nothing. A lesson that fails or runs past RUN_SECONDS
is a build warning (an error under `sphinx -W`)."""
import ast
import concurrent.futures
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import jupytext
except ImportError:
    raise ImportError('the lesson gallery reads the lessons with jupytext: pip install -e ".[docs]"') from None

LESSON = re.compile(r"^(\d\d_\w+|demo)\.py$")
CELL_MARK = "\x1bminigrad-cell "   # starts a line naming the code cell whose output follows
RUN_SECONDS = 300
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
OUTPUT_NOTE = ("The output under the code is that of a quick run (`--quick`), made when this site was built; "
               "the text and the pictures are from the full run.")


def _cells(path):
    """[(kind, text)] of the lesson's cells that are not empty."""
    notebook = jupytext.read(path, fmt="py:percent")
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells if cell.source.strip()]


def _title_and_cells(path):
    """(title, [(kind, text)]) of a lesson: the title from its first markdown
    heading, or from its docstring's first line when it has none."""
    cells = _cells(path)
    for kind, text in cells:
        if kind == "markdown" and text.startswith("# "):
            return text.splitlines()[0][2:].strip(), cells
    docstring = ast.get_docstring(ast.parse(path.read_text())) or path.stem
    return docstring.splitlines()[0].split(". ")[0].rstrip("."), cells


def _pictures(name, gallery):
    return sorted(p for p in gallery.glob("*.png") if p.stem == name or p.stem.startswith(name + "_"))


def _page(path, title, cells, pictures, outputs):
    """The page's MyST markdown; `outputs` maps a cell's index to its printed text."""
    lines = []
    has_heading = any(kind == "markdown" and text.startswith("# ") for kind, text in cells)
    if not has_heading:
        lines += [f"# {title}", ""]
    for i, (kind, text) in enumerate(cells):
        if kind == "markdown":
            lines += [text, ""]
        else:
            lines += ["```python", text, "```", ""]
            if outputs.get(i, "").strip():
                fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", outputs[i])), default=0))
                lines += [fence + "{code-block} text", ":caption: Output (quick run)", ":class: lesson-output", "",
                          outputs[i].rstrip(), fence, ""]
        if i == 0:   # the picture and the command right under the lesson's introduction
            for picture in pictures:
                lines += [f"![{title}](../gallery/{picture.name})", ""]
            lines += [f"Run it with `python examples/{path.name}` (`--quick` for a run of a few seconds; "
                      "`--help` for its options), or open it as a notebook: "
                      f"{{download}}`{path.stem}.ipynb <{path.stem}.ipynb>` (Jupyter with jupytext opens "
                      "the script itself too; keep the notebook in `examples/`, beside the `_common.py` it "
                      "imports).", ""]
            if outputs:
                lines += [OUTPUT_NOTE, ""]
    return "\n".join(lines)


def _notebook(path, out):
    """Write the lesson as out/<lesson>.ipynb (no outputs), for a Python 3 kernel."""
    notebook = jupytext.read(path, fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(notebook, out / f"{path.stem}.ipynb", fmt="ipynb")


def _key(path):
    """What a lesson's quick run depends on: its source, the examples' shared
    code and minigrad's, and this file's way of running it."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent / "minigrad"
    for source in [path, path.parent / "_common.py", Path(__file__), *sorted(package.rglob("*.py"))]:
        if source.exists():
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def split_output(printed):
    """{code cell index: what it printed} from the output of run_cells."""
    outputs, cell = {}, None
    for line in printed.splitlines(keepends=True):
        if line.startswith(CELL_MARK):
            cell = int(line[len(CELL_MARK):])
            outputs[cell] = ""
        elif cell is not None:
            outputs[cell] += line
    return outputs


def quick_run(path, cache):
    """The lesson's quick run, cell by cell: ({cell index: printed text}, None),
    or ({}, why it failed). Read from `cache` when the code is unchanged."""
    kept = cache / f"{path.stem}-{_key(path)}.txt"
    if kept.exists():
        return split_output(kept.read_text(encoding="utf-8")), None
    with tempfile.TemporaryDirectory(prefix="minigrad-lesson-") as folder:   # its out/<lesson>/ goes here
        try:
            result = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(path)], cwd=folder,
                                    capture_output=True, text=True, timeout=RUN_SECONDS,
                                    env={**os.environ, **ONE_BLAS_THREAD, "MPLBACKEND": "Agg"})
        except subprocess.TimeoutExpired:
            return {}, f"its quick run took more than {RUN_SECONDS} s"
    if result.returncode != 0:
        return {}, f"its quick run failed (exit {result.returncode}):\n{result.stderr[-2000:]}"
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{path.stem}-*.txt"):
        stale.unlink()
    kept.write_text(result.stdout, encoding="utf-8")
    return split_output(result.stdout), None


def run_cells(path):
    """Run the lesson's code cells in order, as `python LESSON --quick` runs
    the script, printing CELL_MARK and the cell's index before each."""
    sys.argv = [str(path), "--quick"]
    sys.path.insert(0, str(path.parent))
    namespace = {"__name__": "__main__", "__file__": str(path)}
    for i, (kind, text) in enumerate(_cells(path)):
        if kind == "code":
            print(f"{CELL_MARK}{i}", flush=True)
            exec(compile(text, f"{path.name}, cell {i}", "exec"), namespace)
            sys.stdout.flush()


def write_pages(examples, gallery, out, cache, warn=print):
    """Write out/<lesson>.md and out/<lesson>.ipynb for every lesson and
    out/index.md listing them; quick runs are kept in `cache`. `warn(text)`
    reports a lesson whose quick run failed."""
    out.mkdir(exist_ok=True)
    for old in (*out.glob("*.md"), *out.glob("*.ipynb")):
        old.unlink()
    lessons = sorted((p for p in examples.glob("*.py") if LESSON.match(p.name)),
                     key=lambda p: (p.stem != "demo", p.stem))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(lessons, pool.map(lambda path: quick_run(path, cache), lessons)))
    index = ["# Lesson gallery", "",
             "Each lesson of the introductory course is one script in `examples/`: it runs on real data "
             "with no download, prints the figures it is about and writes its picture. Every picture here "
             "is made from the committed code by `python examples/make_gallery.py`. A lesson's page "
             "shows what its code prints in a quick run and offers it as a notebook.", ""]
    toctree = ["```{toctree}", ":hidden:", ""]
    cards = ["````{container} lesson-grid", ""]
    for path in lessons:
        title, cells = _title_and_cells(path)
        pictures = _pictures(path.stem, gallery)
        outputs, failure = runs[path]
        if failure:
            warn(f"examples/{path.name}: {failure}")
        (out / f"{path.stem}.md").write_text(_page(path, title, cells, pictures, outputs))
        _notebook(path, out)
        toctree.append(path.stem)
        cards += ["```{container} lesson-card", ""]
        if pictures:
            cards += [f"[![{title}](../gallery/{pictures[0].name})]({path.stem}.md)", ""]
        cards += [f"[{title}]({path.stem}.md)", "```", ""]
    cards += ["````", ""]
    (out / "index.md").write_text("\n".join(index + cards + toctree + ["```", ""]))


if __name__ == "__main__":
    run_cells(Path(sys.argv[1]).resolve())
