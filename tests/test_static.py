"""ruff over the package with the bug-only rule set of pyproject.toml ([tool.ruff.lint])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"


def _ruff(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(CONFIG),
         "--output-format", "concise", *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT,
    )


def test_ruff_finds_nothing_in_the_package():
    result = _ruff(ROOT / "src" / "qualkit")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_rule_set_catches_the_bugs_it_is_meant_for(tmp_path):
    # Guards the configuration itself: a rule set that selected nothing would pass the test above.
    bad = tmp_path / "slecht.py"
    bad.write_text(
        "import os\n"
        "\n"
        "\n"
        "def voeg_toe(woord, lijst=[]):\n"
        "    try:\n"
        "        lijst.append(woord)\n"
        "    except:\n"
        "        pass\n"
        "    return lijst\n",
        encoding="utf-8",
    )
    result = _ruff(bad)
    assert result.returncode == 1
    found = sorted(line.split(" ")[1] for line in result.stdout.splitlines() if line.startswith(str(bad)))
    assert found == ["B006", "E722", "F401"]
