"""Write the plain-text transcripts whose bytes must imitate old tools.

* focusgroep_zoco_1.txt -> data/afstemming/focusgroep_zoco_1.txt: every source
  line hard-wrapped at 72 characters (continuation lines carry no label),
  encoded as cp1252 with CRLF line ends, as Windows Notepad used to save it.
* school_a.txt -> data/collectief_leren/school_a.txt: UTF-8 with BOM, CRLF.
* school_c.txt -> data/collectief_leren/school_c.txt: the transcription-service
  layout ("Speaker 1  0:03" then text lines, blank line between turns) saved
  as UTF-16 LE with BOM, CRLF (Word's "Unicode text").

The sources in this folder are plain UTF-8; run ``python data/scripts/make_encodings.py``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
WIDTH = 72
# a wrapped line must not look like "Label: text" by accident; only these
# deliberate false speakers may start a continuation line
LOOKS_LIKE_LABEL = re.compile(r"^[A-Za-zÀ-ÿ0-9 .'()\-]{1,50}:\s")
DELIBERATE = ("Bijvoorbeeld:", "Conclusie:")


def wrapped(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        out.extend(wrap_line(line))
    return out


def wrap_line(line: str) -> list[str]:
    """Wrap at about WIDTH, narrowing a little until no continuation line looks like a label."""
    for width in (*range(WIDTH, WIDTH - 14, -1), *range(WIDTH + 1, WIDTH + 5)):
        parts = textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        if not any(LOOKS_LIKE_LABEL.match(p) for p in parts[1:]):
            return parts
    raise SystemExit(f"cannot wrap without a false label: {line[:60]!r}")


def write(path: Path, lines: list[str], encoding: str) -> None:
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)  # strict: fails on any unmappable char
    path.write_bytes(data)
    print(f"wrote {path} ({encoding}, {len(data)} bytes)")


def main() -> None:
    zoco = (HERE / "focusgroep_zoco_1.txt").read_text(encoding="utf-8")
    write(DATA / "afstemming" / "focusgroep_zoco_1.txt", wrapped(zoco), "cp1252")
    school_a = HERE / "school_a.txt"
    if school_a.exists():
        write(DATA / "collectief_leren" / "school_a.txt",
              school_a.read_text(encoding="utf-8").splitlines(), "utf-8-sig")
    school_c = HERE / "school_c.txt"
    if school_c.exists():
        # "utf-16" writes a BOM followed by little-endian code units on this platform
        write(DATA / "collectief_leren" / "school_c.txt",
              school_c.read_text(encoding="utf-8").splitlines(), "utf-16")


if __name__ == "__main__":
    main()
