"""Word documents (.docx): transcripts written as paragraphs or as a table.

The body is read in order. Each paragraph is one line of the document text
(a manual line break inside a paragraph starts a new line); the lines follow
the same rules as a .txt transcript (:mod:`qualkit.load.lines`): cues,
continuation lines, notes, header.

A table is a transcript table when its first row names a speaker column and
a text column (:data:`SPEAKER_HEADERS`, :data:`TEXT_HEADERS`; optionally a
time column, :data:`TIME_HEADERS`), or, without such a header, when, leaving
out columns that are empty in every row and a column of times only, two
columns remain whose first cells are all short labels. Each row is rendered
as one line ``Label: text`` (``[time] Label: text`` when the row has a time),
and starts a turn whatever the speaker rule says, since the table states who
speaks; a row without a speaker continues the turn before it. A filled cell
of any other column of a headed table follows as a note line
``[Opmerking: ...]`` (nothing is dropped).

Merged cells are read once: a cell merged across rows (one speaker cell for
several text rows) counts for its first row only, so the next rows continue
that turn; a row that is one cell across the whole table (a section title)
is a plain line, never a speaker. Any other table is rendered row by row with
its cells separated by tabs and read as lines.

Headers and footers of the pages are not part of the text. Numbering of
list paragraphs is not text either (Word adds it when it shows the page).

Examples
--------
>>> import docx as _docx, tempfile, pathlib
>>> d = _docx.Document()
>>> _ = d.add_paragraph("Gesprek met directies")
>>> t = d.add_table(rows=2, cols=2)
>>> for cell, value in zip(t.rows[0].cells + t.rows[1].cells, ["Spreker", "Tekst", "Directeur 1", "Goed."]):
...     cell.text = value
>>> path = pathlib.Path(tempfile.mkdtemp()) / "dir.docx"
>>> d.save(path)
>>> doc = load_docx(path, "dir", None, Options()).documents[0]
>>> doc.text
'Gesprek met directies\\nDirecteur 1: Goed.'
>>> [(s.unit, s.speaker, s.text) for s in doc.segments]
[('header', None, 'Gesprek met directies'), ('turn', 'Directeur 1', 'Goed.')]
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from ..errors import EmptySourceError, LoadError, SourceNotFoundError, where
from ..model import Document
from .common import Loaded, Options, transcript_document
from .cues import TIME, Cue, parse_time
from .observations import field_note_segments, looks_like_field_notes

#: header names of the speaker column of a transcript table (compared without case)
SPEAKER_HEADERS = frozenset({"spreker", "sprekers", "speaker", "naam", "name", "deelnemer", "wie", "persoon",
                             "participant", "respondent"})
#: header names of the text column
TEXT_HEADERS = frozenset({"tekst", "text", "transcriptie", "transcript", "uitspraak", "inhoud", "wat"})
#: header names of the time column
TIME_HEADERS = frozenset({"tijd", "time", "tijdstip", "timestamp", "tijdcode", "timecode", "tijdstempel", "start"})
_TIME_CELL = re.compile(rf"[\[(]?{TIME}[\])]?")


def _table_rows(table) -> tuple[list[list[str]], set[int]]:  # type: ignore[no-untyped-def]
    """The cell texts of each row with merged cells read once, and the rows that are one cell across.

    python-docx repeats a merged cell in every grid position it covers; a cell
    already seen (to the left, or in a row above) is given as "".
    """
    seen: list = []  # the cell elements met so far; kept alive so their identity is stable
    ids: set[int] = set()
    rows, spanning = [], set()
    for n, row in enumerate(table.rows):
        cells = row.cells
        distinct = {id(c._tc) for c in cells}
        if len(cells) > 1 and len(distinct) == 1:
            spanning.add(n)
        texts = []
        for c in cells:
            if id(c._tc) in ids:
                texts.append("")
                continue
            seen.append(c._tc)
            ids.add(id(c._tc))
            texts.append(c.text.strip())
        rows.append(texts)
    return rows, spanning


def _table_columns(rows: list[list[str]]) -> tuple[int, int, int | None, bool] | None:
    """(speaker column, text column, time column, has header) of a transcript table, or None."""
    if not rows:
        return None
    header = [c.casefold().rstrip(":").strip() for c in rows[0]]
    speaker = next((i for i, c in enumerate(header) if c in SPEAKER_HEADERS), None)
    text = next((i for i, c in enumerate(header) if c in TEXT_HEADERS), None)
    if speaker is not None and text is not None:
        time = next((i for i, c in enumerate(header) if c in TIME_HEADERS), None)
        return speaker, text, time, True
    width = max(len(r) for r in rows)
    filled = [i for i in range(width) if any(i < len(r) and r[i] for r in rows)]
    times = [i for i in filled if all(i >= len(r) or not r[i] or _TIME_CELL.fullmatch(r[i]) for r in rows)]
    rest = [i for i in filled if i not in times[:1]]
    if len(times) <= 1 and len(rest) == 2:
        speaker, text = rest
        if all(speaker >= len(r) or (len(r[speaker]) <= 50 and "\n" not in r[speaker]) for r in rows):
            return speaker, text, times[0] if times else None, False
    return None


def _render(path: Path) -> tuple[list[str], dict[int, Cue | None], bool]:
    """The document's lines, the cues forced by transcript-table rows, and whether a table was one."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise LoadError(f"{where(path)}: not a readable .docx file ({exc}); open it in Word and save it again "
                        "as .docx") from None
    lines: list[str] = []
    forced: dict[int, Cue | None] = {}
    any_table = False
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            lines.extend(block.text.split("\n"))
            continue
        rows, spanning = _table_rows(block)
        columns = _table_columns(rows)
        if columns is None:
            lines.extend("\t".join(r).replace("\n", " ") for r in rows)
            continue
        any_table = True
        speaker, text, time, has_header = columns
        names = rows[0] if has_header else []
        for n, row in enumerate(rows):
            if has_header and n == 0:
                continue
            if n in spanning:  # a title across the table: a plain line, never a speaker
                _add_plain(next((c for c in row if c), "").split("\n"), lines, forced)
                continue
            _add_row(row, speaker, text, time, lines, forced)
            extra = [(names[i] if i < len(names) else "", c) for i, c in enumerate(row) if c and i not in
                     (speaker, text, time)]
            _add_plain([f"[{name}: {c}]".replace("\n", " ") if name else f"[{c}]".replace("\n", " ")
                        for name, c in extra], lines, forced)
    return lines, forced, any_table


def _add_plain(parts: list[str], lines: list[str], forced: dict[int, Cue | None]) -> None:
    """Add the non-blank ``parts`` as lines that start no turn."""
    for part in parts:
        if part.strip():
            forced[len(lines)] = None
            lines.append(part)


def _add_row(row: list[str], speaker: int, text: int, time: int | None, lines: list[str],
             forced: dict[int, Cue | None]) -> None:
    label = row[speaker].rstrip(":").strip() if speaker < len(row) else ""
    said = row[text].split("\n") if text < len(row) else [""]
    stamp = row[time] if time is not None and time < len(row) else ""
    if not label:
        _add_plain(said, lines, forced)
        return
    prefix = f"[{stamp.strip('[]()')}] " if stamp else ""
    seconds = parse_time(stamp) if stamp and _TIME_CELL.fullmatch(stamp) else None
    cue_text = f"{prefix}{label}:"
    first = f"{cue_text} {said[0]}" if said[0] else cue_text
    forced[len(lines)] = Cue(label, seconds, len(cue_text) + (1 if said[0] else 0))
    lines.append(first)
    for part in said[1:]:
        forced[len(lines)] = None
        lines.append(part)


def load_docx(path: Path, doc_id: str, kind: str | None, opts: Options) -> Loaded:
    """Load a .docx file as a transcript, field notes or plain text (``kind`` None: decide).

    Raises
    ------
    SourceNotFoundError, EmptySourceError, LoadError, NoSpeakersError
    """
    if not path.is_file():
        raise SourceNotFoundError(f"{where(path)}: no such file; check the path")
    lines, forced, any_table = _render(path)
    text = "\n".join(lines)
    if not text.strip():
        raise EmptySourceError(f"{where(path)}: the document is empty (no text to load); remove it or fill it in")
    newline = "\n" if "\n" in text else ""
    if kind is None:
        kind = "observation" if not any_table and looks_like_field_notes(text) else "transcript"
    if kind == "text":
        return Loaded([Document(id=doc_id, text=text, kind="text", source=os.fspath(path), encoding="docx",
                                newline=newline)])
    if kind == "observation":
        parsed = field_note_segments(doc_id, text)
        if parsed.count("entry") == 0:
            raise LoadError(f"{where(path)}: field notes need entries that start with a clock time "
                            f"('10:05 [directie] ...'), found none; load it with kinds={{{path.name!r}: 'text'}}")
        return Loaded([Document(id=doc_id, text=text, kind="observation", segments=parsed.segments,
                                source=os.fspath(path), encoding="docx", newline=newline)])
    return transcript_document(doc_id, text, path, "docx", newline, opts, forced=forced)

