"""Every ```python block of README.md runs, in order, in one namespace."""
import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README.md has no python examples"
    if shutil.which("dot") is None:
        pytest.skip("the README's picture examples need Graphviz's dot program")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md block {i}", "exec"), namespace)
