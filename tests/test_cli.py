"""The qualkit command, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

BOOK = """\
namespace: net
name: Netwerk
codes:
  - id: samenwerking
    name: Samenwerking
    rules:
      keywords: [samenwerking]
      near: [[werken, samen, 3]]
  - id: visie
    name: Visie
    rules:
      keywords: [visie]
"""

FG = """\
Moderator: Hoe verliep het gesprek?
Leerkracht 1: We werken nu echt goed samen met het CLB.
Leerkracht 2: Ja, en de visie van de school is duidelijker.
Moderator: Dank u.
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qualkit", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "fg"
    folder.mkdir()
    (folder / "fg_1.txt").write_text(FG, encoding="utf-8")
    (tmp_path / "net.yaml").write_text(BOOK, encoding="utf-8")
    (tmp_path / "deelnemers.csv").write_text(
        "speaker,role\nModerator,moderator\nLeerkracht 1,leerkracht\nLeerkracht 2,leerkracht\n", encoding="utf-8"
    )
    return tmp_path


def test_code_writes_csv_and_a_summary(study):
    r = run("code", "fg", "--codebook", "net.yaml", "--participants", "deelnemers.csv", "--out", "uit/coded.csv", cwd=study)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 documents, 4 segments (turn), 2 codings, 2 codes used, ")
    assert r.stdout.rstrip().endswith("s -> uit/coded.csv")
    coded = pd.read_csv(study / "uit" / "coded.csv")
    assert coded[["speaker", "role", "code", "rule", "matched"]].values.tolist() == [
        ["Leerkracht 1", "leerkracht", "net:samenwerking", "near", "werken ... samen"],
        ["Leerkracht 2", "leerkracht", "net:visie", "keyword", "visie"],
    ]
    text = (study / "fg" / "fg_1.txt").read_text(encoding="utf-8")
    for row in coded.itertuples():
        assert text[row.start : row.end] == row.text
    # a second run refuses to overwrite the output
    again = run("code", "fg", "--codebook", "net.yaml", "--out", "uit/coded.csv", cwd=study)
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "qualkit: error: uit/coded.csv: the file exists already; pass --overwrite to replace it, or choose another name"
    )


def test_bad_codebook_lists_its_problems_without_traceback(study):
    (study / "fout.yaml").write_text("namespace: f\ncodes:\n  - id: a\n    rules: {regex: ['(']}\n", encoding="utf-8")
    r = run("code", "fg", "--codebook", "fout.yaml", "--out", "c.csv", cwd=study)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        "qualkit: error: 2 problems in codebook:",
        "- fout.yaml, line 3: the code has no 'name'; add name: <display name>".replace("line 3:", "line 3, code f:a:"),
        "- fout.yaml, line 4, code f:a: regex '(' is not a valid regular expression: missing ), unterminated subpattern at position 0",
    ]
    assert not (study / "c.csv").exists()


def test_main_in_process_returns_status(study, monkeypatch, capsys):
    from qualkit.cli import main

    monkeypatch.chdir(study)
    assert main(["code", "fg", "--codebook", "net.yaml", "--out", "x.csv"]) == 0
    assert main(["code", "fg", "--codebook", "geen.yaml", "--out", "y.csv"]) == 2
    assert capsys.readouterr().err == "qualkit: error: geen.yaml: no such codebook file; check the path\n"
    assert main(["code", "fg", "--codebook", "net.yaml", "--out", "x.csv", "--overwrite"]) == 0
    assert main(["code", "nergens", "--codebook", "net.yaml", "--out", "z.csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qualkit: error: nergens") and "Traceback" not in err
    assert main(["code", "fg", "--out", "c.csv"]) == 2
    assert "the following arguments are required: --codebook" in capsys.readouterr().err
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err
