"""Shared fixtures: paths to the project's folders and to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def codebook_dir() -> Path:
    return ROOT / "codebooks"


@pytest.fixture(scope="session")
def interop_dir() -> Path:
    path = SHARED / "interop"
    assert path.is_dir(), f"{path} is missing: CI checks out ../shared beside the project"
    return path
