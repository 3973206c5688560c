"""Observation records: field notes (.txt/.md) and structured observation forms (CSV/XLSX).

Field notes
    Entries start with a clock time ``HH:MM``, optionally followed by an
    actor tag in square brackets: ``10:05 [directie] De directeur opent ...``.
    Lines without a time continue the entry. Each entry is a segment of unit
    "entry" whose speaker is the actor tag (or None), whose ``time_start`` is
    the clock time in seconds after midnight and whose ``label_start`` marks
    the time. Text before the first entry is the header; bracketed lines are
    notes, as in transcripts (:mod:`qualkit.load.lines`).

    A .txt/.md file is read as field notes when it has at least one line
    that starts with a bare ``HH:MM`` (not ``HH:MM:SS``, a recording time)
    and no more ``Label: text`` lines than such entry lines. Override with
    ``kinds={"name.txt": "observation"}`` or ``"transcript"``.

Observation forms
    One row per (session, item) with the columns ``sessie``/``session``,
    ``rubriek``/``group``, ``item``, ``antwoord``/``answer``,
    ``opmerking``/``note`` and optionally ``datum``/``date`` and ``school``
    (names compared without case). Each session becomes a document of kind
    "observation" whose id is the session id as written (so a documents
    file can give it attributes); its text has one line
    ``item: note`` per item with a note, each note a segment of unit "note"
    whose ``label_start`` marks the item; its attributes are the session, the
    date and the school (under the form's own column names) and ``form``
    (the file stem); the session's rows are ``document.data`` and the whole
    form is ``corpus.tables[file stem]``.

Examples
--------
>>> parsed = field_note_segments("v", "Overleg 3\\n10:05 [directie] Opent het overleg\\nen geeft het woord.")
>>> [(s.unit, s.speaker, s.time_start, s.text) for s in parsed.segments]
[('header', None, None, 'Overleg 3'), ('entry', 'directie', 36300.0, 'Opent het overleg\\nen geeft het woord.')]
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..errors import EmptySourceError, LoadError, where
from ..model import Document, Segment
from .common import Loaded, Options
from .cues import Cue, SpeakerRule
from .lines import Parsed, iter_lines, parse_lines
from .tables import read_table_with_encoding

_ENTRY = re.compile(r"[ \t]*(?P<time>\d{1,2}:\d{2})(?![:\d])(?:[ \t]+\[(?P<actor>[^\[\]\n]{1,50})\])?(?:[ \t]+|$)")
_ENTRY_LINES = re.compile(r"^[ \t]*\d{1,2}:\d{2}(?![:\d])(?:[ \t]|$)", re.MULTILINE)

#: form column -> accepted header names (Dutch first)
FORM_COLUMNS = {
    "session": ("sessie", "session"),
    "group": ("rubriek", "group"),
    "item": ("item",),
    "answer": ("antwoord", "answer"),
    "note": ("opmerking", "note"),
    "date": ("datum", "date"),
    "school": ("school",),
}
#: the columns a form must have
REQUIRED_FORM_COLUMNS = ("session", "item", "answer")


def entry_cue(line: str) -> Cue | None:
    """Return the cue of a field-note entry line, or None.

    Examples
    --------
    >>> entry_cue("10:05 [zoco] Vat samen.")
    Cue(label='zoco', time=36300.0, text_offset=13)
    >>> entry_cue("00:12:31 X: ja") is None
    True
    """
    m = _ENTRY.match(line)
    if m is None:
        return None
    hours, minutes = m.group("time").split(":")
    actor = m.group("actor")
    return Cue(actor.strip() if actor else None, int(hours) * 3600.0 + int(minutes) * 60.0, m.end())


def looks_like_field_notes(text: str) -> bool:
    """True when ``text`` has entry lines and no more speaker lines than entry lines.

    Examples
    --------
    >>> looks_like_field_notes("09:00 Start\\n09:10 [ouder] Vraagt iets.")
    True
    >>> looks_like_field_notes("X: om 10:05 begonnen we\\nY: ja")
    False
    """
    entries = len(_ENTRY_LINES.findall(text))
    if entries == 0:  # the usual case for a transcript: decided in one pass of the regex engine
        return False
    match = SpeakerRule.open().match
    turns = sum(1 for _, line in iter_lines(text) if not _ENTRY.match(line) and match(line))
    return entries >= turns


def field_note_segments(doc_id: str, text: str) -> Parsed:
    """Return the header, entries and notes of field notes."""
    return parse_lines(doc_id, text, entry_cue, unit="entry")


def field_notes_document(doc_id: str, text: str, path: str | os.PathLike[str] | None, encoding: str | None,
                         newline: str) -> Document:
    """Build the observation document of a field-notes text.

    Raises
    ------
    LoadError
        No line starts with a clock time.
    """
    parsed = field_note_segments(doc_id, text)
    if parsed.count("entry") == 0:
        plain = f"load it with kinds={{{Path(path).name!r}: 'text'}}" if path is not None else "parse it with kind='text'"
        raise LoadError(
            f"{where(path if path is not None else f'text {doc_id!r}')}: field notes need entries that start with "
            f"a clock time ('10:05 [directie] ...'), found none; add the times, or {plain}"
        )
    return Document(id=doc_id, text=text, kind="observation", segments=parsed.segments,
                    source=None if path is None else os.fspath(path), encoding=encoding, newline=newline)


def form_columns(columns: list[str]) -> dict[str, str]:
    """Map the form roles (session, item ...) to the frame's column names present.

    Examples
    --------
    >>> form_columns(["Sessie", "Item", "Antwoord", "Opmerking", "extra"])
    {'session': 'Sessie', 'item': 'Item', 'answer': 'Antwoord', 'note': 'Opmerking'}
    """
    folded = {str(c).strip().casefold(): c for c in columns}
    found = {}
    for role, names in FORM_COLUMNS.items():
        for name in names:
            if name in folded:
                found[role] = folded[name]
                break
    return found


def is_form(columns: list[str]) -> bool:
    """True when the columns are those of an observation form."""
    return all(role in form_columns(columns) for role in REQUIRED_FORM_COLUMNS)


def load_form(path: Path, stem: str, opts: Options, frame: pd.DataFrame | None = None,
              encoding: str | None = None) -> Loaded:
    """Load an observation form: one observation document per session.

    Raises
    ------
    EmptySourceError, LoadError
    """
    if frame is None:
        frame, encoding = read_table_with_encoding(path)
    cols = form_columns(list(frame.columns))
    missing = ["/".join(FORM_COLUMNS[r]) for r in REQUIRED_FORM_COLUMNS if r not in cols]
    if missing:
        raise LoadError(
            f"{where(path, 1)}: an observation form needs the columns {', '.join(missing)}; found "
            f"{', '.join(map(str, frame.columns))}; rename the columns or load it with kinds={{{path.name!r}: 'table'}}"
        )
    if frame.empty:
        raise EmptySourceError(f"{where(path)}: the form has a header but no rows; fill it in or remove the file")
    sessions = frame[cols["session"]]
    for n, value in enumerate(sessions.tolist(), start=2):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            raise LoadError(f"{where(path, n)}: the session cell is empty; fill in the session id or delete the row")
    docs = []
    for session in dict.fromkeys(sessions.tolist()):
        rows = frame[sessions == session].reset_index(drop=True)
        docs.append(session_document(str(session), rows, cols, path, encoding, session, stem))
    return Loaded(documents=docs, tables={stem: frame})


def session_document(doc_id: str, rows: pd.DataFrame, cols: dict[str, str], path: Path, encoding: str | None,
                     session: str, stem: str) -> Document:
    """One session of a form: text "item: note" per noted item, the rows as ``data``."""
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    note_col = cols.get("note")
    for row in rows.to_dict("records"):
        note = row.get(note_col) if note_col else None
        if note is None or (isinstance(note, float) and pd.isna(note)):
            continue
        note = str(note).replace("\r\n", "\n").replace("\r", "\n").strip()
        item = str(row[cols["item"]] or "").strip()
        line = f"{item}: {note}"
        if parts:
            pos += 1  # the "\n" between lines
        start = pos + len(item) + 2
        segments.append(Segment(doc_id, start, start + len(note), "note", note, label_start=pos))
        parts.append(line)
        pos += len(line)
    text = "\n".join(parts)
    attributes = {cols["session"]: session, "form": stem}
    for role in ("date", "school"):
        if role in cols:
            values = [v for v in dict.fromkeys(rows[cols[role]].tolist()) if v is not None]
            if len(values) == 1:
                attributes[cols[role]] = values[0]
    return Document(id=doc_id, text=text, kind="observation", attributes=attributes, segments=tuple(segments),
                    source=os.fspath(path), encoding=encoding, newline="\n" if "\n" in text else "", data=rows)
