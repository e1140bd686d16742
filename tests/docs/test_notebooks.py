"""The lessons are notebooks too: each script is in Jupytext's percent format
(`# %%` code cells, `# %% [markdown]` text cells), and three of them run as
notebooks in a Jupyter kernel (jupytext converts, nbclient executes) in quick
mode, showing their figures and pictures in the cell outputs.
"""
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
NOT_YET_CELLS = set()   # every lesson is in percent format
EXECUTED = ["01_backprop_by_hand", "13_higher_order", "15_backprop_by_hand_layers"]


def lessons():
    return sorted(path.stem for path in EXAMPLES.glob("[0-9][0-9]_*.py")) + ["demo"]


@pytest.mark.parametrize("name", sorted(set(lessons()) - NOT_YET_CELLS))
def test_lesson_is_a_percent_format_notebook(name):
    """It opens as a notebook that starts with its text, titled, and the
    script itself still has a docstring for `--help`."""
    source = (EXAMPLES / f"{name}.py").read_text()
    notebook = jupytext.reads(source, fmt="py:percent")
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds[0] == "markdown" and notebook.cells[0].source.startswith("# "), name
    assert kinds.count("code") >= 2
    assert source.count("# %%") == len(notebook.cells)   # every cell is marked, none implied
    first_code = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert first_code.startswith('"""'), "the first code cell starts with the module docstring"


@pytest.mark.parametrize("name", EXECUTED)
def test_lesson_runs_as_a_notebook(name, tmp_path, monkeypatch):
    """Executed cell by cell in a fresh kernel, with LESSON_ARGS as its
    command line: no error, the figures printed and the pictures shown."""
    notebook = jupytext.read(EXAMPLES / f"{name}.py", fmt="py:percent")
    monkeypatch.setenv("LESSON_ARGS", f"--quick --out {tmp_path}")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    assert f"wrote {tmp_path}" in text
    shown = [output for output in outputs if output.output_type == "display_data" and "image/png" in output.data]
    assert shown, "no picture shown in the notebook"
    assert any(path.suffix == ".png" for path in tmp_path.iterdir())   # --out reached the kernel
