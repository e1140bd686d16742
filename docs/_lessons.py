"""The lesson gallery: one page per lesson in examples/, written as MyST
markdown into docs/lessons/ at each build (that folder is generated, not
committed). A page holds the lesson's picture (committed in docs/gallery,
made by `python examples/make_gallery.py`), how to run it, a download of the
lesson as a notebook (.ipynb, written by jupytext), its text (the markdown
cells of the Jupytext percent-format script) and its code (the code cells),
in the order of the script, each code cell followed by what it printed.

The printed output comes from a quick run (`--quick`) made at the build,
cell by cell, each lesson in a process of its own forked from one runner
(`python docs/_lessons.py LESSON ...`) that has loaded what every lesson
imports, two lessons at a time; the output marks where each cell's begins.
The runs start when the build does and run while Sphinx reads the API
reference; a lesson's page gets its output as Sphinx reads it. A run is
kept, keyed by the lesson's source and minigrad's, in the build's doctree
folder, so a rebuild of unchanged code runs nothing. A lesson that
fails or runs past RUN_SECONDS is a build warning (an error under
`sphinx -W`). Needs os.fork (Linux, macOS)."""
import ast
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import traceback
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
                      "`--help` for its options).", "",
                      f"**Download the lesson as a notebook:** {{download}}`{path.stem}.ipynb <{path.stem}.ipynb>` "
                      "(put it in `examples/`, beside the `_common.py` it imports; Jupyter with jupytext "
                      "opens the script itself as a notebook too).", ""]
            if any(printed.strip() for printed in outputs.values()):
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
    for line in re.split(r"(?<=\n)", printed):   # lines at \n only (str.splitlines also splits at \x1c ...)
        if line.startswith(CELL_MARK):
            cell = int(line[len(CELL_MARK):])
            outputs[cell] = ""
        elif cell is not None:
            outputs[cell] += line
    return outputs


class QuickRuns:
    """The lessons' quick runs. Those whose code is unchanged are read from
    `cache`; the others start at once in one runner process (run_lessons),
    so that they run while Sphinx reads the other pages, and are kept in
    `cache`. `result()` waits for them: {lesson: ({code cell index: printed
    text}, None), or ({}, why its quick run failed)}."""

    def __init__(self, paths, cache):
        self.cache, self.runs, self.missing, self.process = cache, {}, [], None
        for path in paths:
            kept = cache / f"{path.stem}-{_key(path)}.txt"
            if kept.exists():
                self.runs[path] = split_output(kept.read_text(encoding="utf-8")), None
            else:
                self.missing.append(path)
        if self.missing:
            self.folder = tempfile.TemporaryDirectory(prefix="minigrad-lessons-")   # their out/<lesson>/ go here
            with open(Path(self.folder.name) / "runner.err", "w") as err:
                self.process = subprocess.Popen(
                    [sys.executable, str(Path(__file__).resolve()), *map(str, self.missing)],
                    cwd=self.folder.name, stdout=subprocess.DEVNULL, stderr=err,
                    env={**os.environ, **ONE_BLAS_THREAD, "MPLBACKEND": "Agg"})

    def result(self):
        if self.process is None:
            return self.runs
        folder, limit = Path(self.folder.name), RUN_SECONDS * len(self.missing)
        try:
            code = self.process.wait(timeout=limit)
            trouble = f"the lesson runner failed (exit {code}):\n{(folder / 'runner.err').read_text()[-2000:]}"
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            trouble = f"the lesson runner took more than {limit} s"
        self.process = None
        for path in self.missing:
            self.runs[path] = self._collect(path, folder, trouble)
        self.folder.cleanup()
        return self.runs

    def _collect(self, path, folder, trouble):
        status = folder / f"{path.stem}.status"
        if not status.exists():
            return {}, trouble
        code = int(status.read_text())
        if code != 0:
            why = f"took more than {RUN_SECONDS} s" if code == -signal.SIGALRM else f"failed (exit {code})"
            return {}, f"its quick run {why}:\n{(folder / f'{path.stem}.err').read_text()[-2000:]}"
        printed = (folder / f"{path.stem}.out").read_text(encoding="utf-8")
        self.cache.mkdir(parents=True, exist_ok=True)
        for stale in self.cache.glob(f"{path.stem}-*.txt"):
            stale.unlink()
        (self.cache / f"{path.stem}-{_key(path)}.txt").write_text(printed, encoding="utf-8")
        return split_output(printed), None


def run_cells(path):
    """Run the lesson's code cells in order, as `python LESSON --quick` runs
    the script, printing CELL_MARK and the cell's index before each."""
    sys.argv = [str(path), "--quick"]
    namespace = {"__name__": "__main__", "__file__": str(path)}
    for i, (kind, text) in enumerate(_cells(path)):
        if kind == "code":
            print(f"{CELL_MARK}{i}", flush=True)
            exec(compile(text, f"{path.name}, cell {i}", "exec"), namespace)
            sys.stdout.flush()


def run_lessons(paths, at_once=2):
    """The runner (`python docs/_lessons.py LESSON ...`, in the folder the
    lessons write into): load what every lesson imports once (minigrad,
    NumPy, matplotlib: two of the three seconds a lesson's process takes),
    then run each lesson's cells in a process forked from this one, `at_once`
    at a time, with its stdout in <lesson>.out, its stderr in <lesson>.err
    and its exit status in <lesson>.status (minus the signal that ended it;
    a lesson gets RUN_SECONDS)."""
    sys.path.insert(0, str(paths[0].parent))
    if (paths[0].parent / "_common.py").exists():
        import _common  # noqa: F401  (the examples' shared imports)

    running, pending = {}, list(paths)
    while pending or running:
        while pending and len(running) < at_once:
            path = pending.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_forked(path)
            running[pid] = path
        pid, status = os.wait()
        path = running.pop(pid)
        Path(f"{path.stem}.status").write_text(str(os.waitstatus_to_exitcode(status)))


def _run_forked(path):
    """In the forked process: run the lesson into its files, then exit."""
    code = 1
    try:
        signal.alarm(RUN_SECONDS)
        with open(f"{path.stem}.out", "w", encoding="utf-8") as out, open(f"{path.stem}.err", "w") as err:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            run_cells(path)
            code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class Pages:
    """The lesson pages of one build (see write_pages)."""

    def __init__(self, lessons, gallery, cache, warn):
        self.lessons = {path.stem: path for path in lessons}
        self.gallery, self.warn = gallery, warn
        self.runs = QuickRuns(lessons, cache)

    def markdown(self, path, outputs=None):
        title, cells = _title_and_cells(path)
        return _page(path, title, cells, _pictures(path.stem, self.gallery), outputs or {})

    def fill_output(self, docname, source):
        """Sphinx's source-read: give a lesson's page its quick run's output
        (waiting for the runs the first time)."""
        folder, _, stem = docname.rpartition("/")
        if folder != "lessons" or stem not in self.lessons:
            return
        path = self.lessons[stem]
        outputs, failure = self.runs.result()[path]
        if failure:
            self.warn(f"examples/{path.name}: {failure}")
        source[0] = self.markdown(path, outputs)


def write_pages(examples, gallery, out, cache, warn=print):
    """Write out/<lesson>.md and out/<lesson>.ipynb for every lesson and
    out/index.md listing them, and start the lessons' quick runs (kept in
    `cache`). Returns the Pages, whose `fill_output` adds a quick run's
    output to a page as Sphinx reads it; `warn(text)` reports a lesson
    whose quick run failed."""
    out.mkdir(exist_ok=True)
    for old in (*out.glob("*.md"), *out.glob("*.ipynb")):
        old.unlink()
    lessons = sorted((p for p in examples.glob("*.py") if LESSON.match(p.name)),
                     key=lambda p: (p.stem != "demo", p.stem))
    pages = Pages(lessons, gallery, cache, warn)
    index = ["# Lesson gallery", "",
             "Each lesson of the introductory course is one script in `examples/`: it runs on real data "
             "with no download, prints the figures it is about and writes its picture. Every picture here "
             "is made from the committed code by `python examples/make_gallery.py`. A lesson's page "
             "shows what its code prints in a quick run and offers it as a notebook.", ""]
    toctree = ["```{toctree}", ":hidden:", ""]
    cards = ["````{container} lesson-grid", ""]
    for path in lessons:
        title, _ = _title_and_cells(path)
        pictures = _pictures(path.stem, gallery)
        (out / f"{path.stem}.md").write_text(pages.markdown(path))
        _notebook(path, out)
        toctree.append(path.stem)
        cards += ["```{container} lesson-card", ""]
        if pictures:
            cards += [f"[![{title}](../gallery/{pictures[0].name})]({path.stem}.md)", ""]
        cards += [f"[{title}]({path.stem}.md)", "```", ""]
    cards += ["````", ""]
    (out / "index.md").write_text("\n".join(index + cards + toctree + ["```", ""]))
    return pages


if __name__ == "__main__":
    run_lessons([Path(arg).resolve() for arg in sys.argv[1:]])
