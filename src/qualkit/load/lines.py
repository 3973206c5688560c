"""Lines to segments: header, turns (or entries) and notes with exact offsets.

How a transcript's text becomes its base layer of segments (the same for
.txt, .md and the paragraphs of a .docx):

* Lines are read in order. A line with a cue (see :mod:`qualkit.load.cues`)
  starts a turn; every following line up to the next cue belongs to it, so
  hard-wrapped transcripts keep whole turns.
* A turn's segment covers the spoken text only: it starts at the first
  character after the cue and ends at the last character of speech before the
  next cue. ``label_start`` is where the cue begins, so ``text[label_start:start]``
  is the cue (timestamp and label).
* A line that is only a bracketed note ("(lacht)", "[stilte]") is a segment of
  unit "note". A note line with more speech of the same turn after it stays
  *inside* the turn and is a note segment as well: the speaker was still
  talking, so splitting the turn would double the speaker's turn count and cut
  the excerpt a coder wants to read whole. Note lines after the last speech
  of a turn are not part of any turn (they sit between two turns).
* Text before the first cue is the header (unit "header"), trimmed of white
  space. Bracketed lines in the header are part of the header only.
* A turn's ``time_start`` is its cue's timestamp (None without one).
* f4/f5transkript put a timestamp at the *end* of a paragraph
  (``B: Met een telefoontje. #00:01:02-3#``: ``-3`` is tenths of a second).
  Such a stamp at the end of a line is kept in the text as a note segment
  (a transcriber's mark, not speech) and the turn ends before it; the last
  one in a turn is its ``time_end``, and the next turn, when its cue has no
  time, starts then (``time_start``). Without such stamps ``time_end`` stays
  None, as a text transcript only gives start times.

So every non-white-space character is in a turn (with its cue), a note or
the header; nothing is dropped.

Field notes (see :mod:`qualkit.load.observations`) use the same machinery with
a clock time as the cue.

Examples
--------
>>> from qualkit.load.cues import SpeakerRule
>>> parsed = parse_lines("d", "Focusgroep 1\\nX: Ja,\\ndat klopt.\\n(lacht)\\nY: Goed.", SpeakerRule.open().match)
>>> [(s.unit, s.speaker, s.text) for s in parsed.segments]
[('header', None, 'Focusgroep 1'), ('turn', 'X', 'Ja,\\ndat klopt.'), ('note', None, '(lacht)'), ('turn', 'Y', 'Goed.')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ..model import Segment
from .cues import Cue, is_note_line, parse_time

#: a line matcher: the cue that starts a line, or None
Matcher = Callable[[str], "Cue | None"]
#: an f4/f5transkript timestamp at the end of a line: #00:01:02-3#
_END_STAMP = re.compile(r"#(?P<time>\d{1,2}:\d{2}:\d{2}(?:[-.,]\d{1,3})?)#[ \t]*$")


@dataclass(frozen=True)
class Parsed:
    """The base layer of one text and what the parser noticed on the way.

    Attributes
    ----------
    segments : tuple of Segment
        Header, turns (or entries) and notes, ordered by start.
    """

    segments: tuple[Segment, ...]

    def count(self, unit: str) -> int:
        """Number of segments of ``unit``."""
        return sum(1 for s in self.segments if s.unit == unit)


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, line)`` for every line of ``text`` (split on ``"\\n"``).

    Examples
    --------
    >>> list(iter_lines("ab\\n\\nc"))
    [(0, 'ab'), (3, ''), (4, 'c')]
    """
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


class _Open:
    """The turn (or entry) being read: its cue and the extent of its content."""

    __slots__ = ("cue", "label_start", "cue_end", "first", "last", "time_start", "time_end")

    def __init__(self, cue: Cue, label_start: int, cue_end: int, time_start: float | None) -> None:
        self.cue = cue
        self.label_start = label_start
        self.cue_end = cue_end
        self.first: int | None = None  # first non-space character after the cue (speech or note)
        self.last: int | None = None  # end of the last speech line
        self.time_start = time_start
        self.time_end: float | None = None  # the last end-of-line stamp (f4)

    def add(self, start: int, end: int, speech: bool) -> None:
        if self.first is None:
            self.first = start
        if speech:
            self.last = end

    def segment(self, doc_id: str, text: str, unit: str) -> Segment:
        if self.last is None or self.first is None:
            start = end = self.cue_end
        else:
            start, end = self.first, self.last
        return Segment(doc_id, start, end, unit, text[start:end], speaker=self.cue.label,
                       time_start=self.time_start, time_end=self.time_end, label_start=self.label_start)

    def add_content(self, doc_id: str, text: str, start: int, end: int, notes: list[Segment]) -> None:
        """Add the non-blank content ``text[start:end]`` of one line; a trailing f4 stamp becomes a note."""
        m = _END_STAMP.search(text, start, end) if text[end - 1] == "#" else None
        if m is None:
            self.add(start, end, True)
            return
        speech_end = m.start()
        while speech_end > start and text[speech_end - 1] in " \t":
            speech_end -= 1
        if speech_end > start:
            self.add(start, speech_end, True)
        stamp_end = m.start() + len(m.group(0).rstrip())
        notes.append(Segment(doc_id, m.start(), stamp_end, "note", text[m.start() : stamp_end]))
        self.add(m.start(), stamp_end, False)
        self.time_end = parse_time(m.group("time").replace("-", "."))


def parse_lines(
    doc_id: str,
    text: str,
    match: Matcher,
    unit: str = "turn",
    forced: Mapping[int, Cue | None] | None = None,
    skip: Callable[[Cue], bool] | None = None,
) -> Parsed:
    """Return the header, cue-started segments and notes of ``text``.

    Parameters
    ----------
    doc_id : str
    text : str
        Normalised text (``"\\n"`` newlines).
    match : callable
        Returns the cue that starts a line, or None.
    unit : str
        The unit of cue-started segments ("turn" or "entry").
    forced : mapping of int to Cue or None, optional
        Line index -> the cue of that line (None: a continuation line), for
        layouts whose structure is known (table rows of a .docx).
    skip : callable, optional
        Cues for which this returns True do not start a segment before the
        first one has started (header keys such as "Datum:").
    """
    forced = forced or {}
    out: list[Segment] = []
    current: _Open | None = None
    header_end: int | None = None
    for i, (pos, line) in enumerate(iter_lines(text)):
        cue = forced[i] if i in forced else match(line)
        if cue is not None and current is None and skip is not None and skip(cue):
            cue = None
        if cue is not None:
            ended = None
            if current is None:
                header_end = pos
            else:
                out.append(current.segment(doc_id, text, unit))
                ended = current.time_end
            indent = len(line) - len(line.lstrip())
            # an f4 stamp ended the turn before: this turn starts then
            current = _Open(cue, pos + indent, pos + cue.text_offset, ended if cue.time is None else cue.time)
            rest = line[cue.text_offset :]
            if rest.strip():
                lead = len(rest) - len(rest.lstrip())
                current.add_content(doc_id, text, pos + cue.text_offset + lead, pos + len(line.rstrip()), out)
            continue
        if current is None or not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        start, end = pos + lead, pos + len(line.rstrip())
        if is_note_line(line):
            out.append(Segment(doc_id, start, end, "note", text[start:end]))
            current.add(start, end, False)
        else:
            current.add_content(doc_id, text, start, end, out)
    if current is not None:
        out.append(current.segment(doc_id, text, unit))
    head = header_segment(doc_id, text, len(text) if header_end is None else header_end)
    segments = ([head] if head else []) + sorted(out, key=lambda s: (s.start, s.unit != "turn"))
    return Parsed(tuple(segments))


def header_segment(doc_id: str, text: str, end: int) -> Segment | None:
    """Return the header segment of ``text[:end]`` trimmed of white space, or None when blank."""
    part = text[:end]
    stripped = part.strip()
    if not stripped:
        return None
    start = len(part) - len(part.lstrip())
    return Segment(doc_id, start, start + len(stripped), "header", stripped)
