"""Safe file output shared by every writer (exports, REFI-QDA files, review sheets).

A writer never replaces an existing file unless asked, and writes atomically: the
content goes to a temporary file in the same folder, which is renamed over the
target only once it is complete, so a crash leaves either the old file or the
new one, never half of one.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "uit.txt"
>>> with atomic_output(target) as tmp:
...     _ = tmp.write_text("klaar")
>>> target.read_text()
'klaar'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputExistsError


@contextmanager
def atomic_output(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write to; rename it to ``path`` on success.

    Parameters
    ----------
    path : path-like
        The file to produce. Its folder is created when missing.
    overwrite : bool
        Replace an existing file. Without it an existing file raises
        :class:`~qualkit.errors.OutputExistsError` before anything is written.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``overwrite`` is false.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(
            f"{target}: the file exists already; pass overwrite=True to replace it, or choose another name"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); an export is an ordinary file, so give it
    # the mode of the file it replaces, or what the user's umask gives a new file
    os.chmod(tmp, _mode_for(target))
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # make the bytes durable before the rename publishes them
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _mode_for(target: Path) -> int:
    """Return the permission bits the output file should get."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
