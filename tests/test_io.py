from __future__ import annotations

import pytest

from qualkit._io import atomic_output
from qualkit.errors import OutputExistsError


def test_atomic_output_refuses_existing_file_and_keeps_it(tmp_path):
    target = tmp_path / "codes.csv"
    target.write_text("menselijk werk")
    with pytest.raises(OutputExistsError, match="the file exists already; pass overwrite=True"):
        with atomic_output(target) as tmp:
            tmp.write_text("nieuw")
    assert target.read_text() == "menselijk werk"


def test_atomic_output_leaves_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "codes.csv"
    target.write_text("oud")
    with pytest.raises(RuntimeError):
        with atomic_output(target, overwrite=True) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert target.read_text() == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["codes.csv"]


def test_atomic_output_replaces_with_overwrite_and_creates_folders(tmp_path):
    target = tmp_path / "out" / "sub" / "x.txt"
    with atomic_output(target) as tmp:
        tmp.write_text("1")
    with atomic_output(target, overwrite=True) as tmp:
        tmp.write_text("2")
    assert target.read_text() == "2"


def test_atomic_output_gives_new_files_the_umask_mode_and_keeps_an_old_mode(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        target = tmp_path / "nieuw.csv"
        with atomic_output(target) as tmp:
            tmp.write_text("x")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o640)
        with atomic_output(target, overwrite=True) as tmp:
            tmp.write_text("y")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(old)
