"""Every notebook runs top to bottom on the bundled data, and is stored without outputs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert "00_snel_aan_de_slag.ipynb" in names, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}, cell {i}: outputs stored; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name}, cell {i}: execution_count stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_bundled_data(path: Path, tmp_path: Path):
    nb = nbformat.read(path, as_version=4)
    began = time.perf_counter()
    # cwd is the notebooks folder, as when a researcher opens it in Jupyter; outputs the
    # notebook writes go below ../out, which .gitignore keeps out of git.
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - began
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert figures, f"{path.name} shows no figure"
    # the issue asks for < 60 s per notebook; a loaded CI machine gets some slack before failing
    assert elapsed < 90, f"{path.name} took {elapsed:.0f} s"
