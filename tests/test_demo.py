"""`make demo` runs `python -m qualkit demo`: it must work on the bundled data."""

from __future__ import annotations

import subprocess
import sys

import qualkit as qk


def test_demo_codes_the_bundled_data_and_writes_excerpts(root, tmp_path):
    out = tmp_path / "excerpts.csv"
    run = subprocess.run(
        [sys.executable, "-m", "qualkit", "demo", "--out", str(out)],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Loaded 10 documents from data/afstemming" in run.stdout
    assert "Coded turns per code (rows) and role (columns):" in run.stdout
    assert "19 entries" in run.stdout  # the field notes of overleg 03
    coded = qk.read_excerpts(out)
    assert len(coded) > 100
    assert set(coded["namespace"]) == {"assemblage", "leiderschap"}
    # every exported excerpt is the exact slice of its document
    corpus = qk.load_corpus(
        root / "data" / "afstemming",
        participants=root / "data" / "afstemming" / "participants.csv",
        documents=root / "data" / "afstemming" / "documents.csv",
    )
    for row in coded.itertuples():
        assert corpus[row.doc_id].text[row.start : row.end] == row.text
    # the summary line counts what was written
    assert f"{len(coded)} codings of {coded['code'].nunique()} codes" in run.stdout


def test_demo_names_a_missing_folder_and_exits_2(root, tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "qualkit", "demo", "--data", str(tmp_path / "nergens"), "--out", str(tmp_path / "x.csv")],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("qualkit: error: ")
    assert "nergens" in run.stderr
    assert "Traceback" not in run.stderr
