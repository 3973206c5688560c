"""WebVTT (.vtt) and SubRip (.srt) transcripts, as Teams and Zoom write them.

* A cue is an optional id line (Teams: ``3f1c.../12-0``; SRT: a number), a
  timing line ``00:00:04.120 --> 00:00:09.294`` (``,`` before the
  milliseconds in SRT; cue settings after the end time are ignored) and
  payload lines. ``NOTE``, ``STYLE`` and ``REGION`` blocks are format
  comments and styling, not speech, and are not part of the text.
* The speaker comes from a ``<v Name>`` tag (Teams; a cue with several
  voices becomes several parts) or else from a ``Name: `` prefix (Zoom, SRT)
  that satisfies the speaker label rules (or ``speaker_pattern=``). Other
  tags (``<c>``, ``<i>``, ``</v>``, timestamps, and the SRT position codes
  ``{\\an8}`` some subtitle editors write) are removed, then entities are
  decoded (``&amp;`` -> ``&``, ``&lt;`` -> ``<``: after the tags, so an
  escaped ``&lt;i&gt;`` stays as text); payload lines are joined with a space.
* Consecutive cues of the same speaker merge into one turn with the first
  cue's start as ``time_start`` and the last cue's end as ``time_end``. A cue
  without speaker is a turn of its own with speaker None (who spoke is
  unknown, so it is not merged with its neighbours).
* The document text is one line per turn, ``Label: text`` (just ``text``
  without speaker); the turn segment covers the text after ``Label: ``.
* A block of text without a timing line continues the cue before it (some
  SRT files hold blank lines inside a cue), so no text is lost.

Examples
--------
>>> vtt = "WEBVTT\\n\\n1/0\\n00:00:01.000 --> 00:00:02.500\\n<v An>Dag</v>\\n\\n1/1\\n00:00:02.600 --> 00:00:04.000\\n<v An>allemaal.</v>\\n"
>>> text, segments = render_turns("fg", parse_cues(vtt, "fg.vtt", vtt=True))
>>> text
'An: Dag allemaal.'
>>> [(s.speaker, s.time_start, s.time_end, s.text) for s in segments]
[('An', 1.0, 4.0, 'Dag allemaal.')]
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EmptySourceError, LoadError, where
from ..model import Document, Segment
from .common import Loaded, Options
from .cues import SpeakerRule
from .decode import read_text

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"[ \t]*(?P<start>{_TIME})[ \t]+-->[ \t]+(?P<end>{_TIME})(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+(?P<name>[^>]*))?>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[^>]*>|\{\\[^{}]*\}")
_SPACE = re.compile(r"\s+")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass(frozen=True)
class Cue:
    """One timed piece of speech: speaker (or None), text, start and end in seconds."""

    speaker: str | None
    text: str
    start: float
    end: float


def cue_seconds(stamp: str) -> float:
    """Return the seconds of a cue time ``hh:mm:ss.mmm``, ``mm:ss.mmm`` or ``hh:mm:ss,mmm``.

    Examples
    --------
    >>> cue_seconds("01:02:03,500"), cue_seconds("02:03.250")
    (3723.5, 123.25)
    """
    seconds = 0.0
    for part in stamp.replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def _clean(payload: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", payload))).strip()


def _voices(payload: str, start: float, end: float, rule: SpeakerRule | None) -> list[Cue]:
    """Split a cue payload into (speaker, text) parts by its ``<v>`` tags, or a ``Name:`` prefix."""
    marks = list(_VOICE.finditer(payload))
    if not marks:
        text = _clean(payload)
        cue = rule.match(text) if rule is not None else None
        if cue is not None and cue.label and cue.text_offset > 0:
            return [Cue(cue.label, text[cue.text_offset :].strip(), start, end)]
        return [Cue(None, text, start, end)]
    parts = []
    before = _clean(payload[: marks[0].start()])
    if before:
        parts.append(Cue(None, before, start, end))
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(payload)
        name = (m.group("name") or "").strip() or None
        parts.append(Cue(name, _clean(payload[m.end() : stop]), start, end))
    return parts


def parse_cues(text: str, source: str | os.PathLike[str], vtt: bool, rule: SpeakerRule | None = None) -> list[Cue]:
    """Return the cues of a WebVTT or SRT text, in file order.

    Raises
    ------
    LoadError
        A .vtt without the ``WEBVTT`` line, or text before the first cue.
    """
    lines = text.split("\n")
    if vtt and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise LoadError(f"{where(source, 1)}: a WebVTT file must start with the line 'WEBVTT', found "
                        f"{lines[0][:40]!r}; check that this is a .vtt file, or save it as .txt")
    rule = rule or SpeakerRule.open()
    cues: list[Cue] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        if block:
            _read_block(block, cues, source, vtt, rule)
            block = []
    return cues


def _read_block(block: list[tuple[int, str]], cues: list[Cue], source: str | os.PathLike[str], vtt: bool,
                rule: SpeakerRule) -> None:
    first = block[0][1].strip()
    if vtt and (block[0][0] == 1 or first.split(" ", 1)[0] in _SKIPPED_BLOCKS):
        return  # the WEBVTT header, or a comment / style / region block
    timing = next((i for i, (_, line) in enumerate(block[:2]) if _TIMING.fullmatch(line)), None)
    if timing is None:
        if not cues:
            raise LoadError(
                f"{where(source, block[0][0])}: expected a cue timing line such as "
                f"'00:00:04.120 --> 00:00:09.294', found {first[:60]!r}; check the file"
            )
        last = cues.pop()  # text without timing continues the cue before it
        extra = _clean(" ".join(line for _, line in block))
        cues.append(Cue(last.speaker, f"{last.text} {extra}".strip(), last.start, last.end))
        return
    m = _TIMING.fullmatch(block[timing][1])
    assert m is not None
    payload = "\n".join(line for _, line in block[timing + 1 :])
    cues.extend(_voices(payload, cue_seconds(m.group("start")), cue_seconds(m.group("end")), rule))


def render_turns(doc_id: str, cues: list[Cue]) -> tuple[str, list[Segment]]:
    """Merge consecutive cues of one speaker and render one line per turn; return text and turns."""
    merged: list[Cue] = []
    for cue in cues:
        prev = merged[-1] if merged else None
        if prev is not None and cue.speaker is not None and cue.speaker == prev.speaker:
            joined = f"{prev.text} {cue.text}".strip()
            merged[-1] = Cue(prev.speaker, joined, prev.start, cue.end)
        else:
            merged.append(cue)
    lines: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for cue in merged:
        prefix = f"{cue.speaker}: " if cue.speaker is not None else ""
        line = f"{prefix}{cue.text}" if cue.text or not prefix else prefix.rstrip()
        start = pos + min(len(prefix), len(line))
        segments.append(Segment(doc_id, start, pos + len(line), "turn", line[start - pos :], speaker=cue.speaker,
                                time_start=cue.start, time_end=cue.end,
                                label_start=pos if cue.speaker is not None else None))
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), segments


def load_subtitles(path: Path, doc_id: str, opts: Options) -> Loaded:
    """Load a .vtt or .srt file as a transcript document.

    Raises
    ------
    EmptySourceError
        The file has no cues.
    """
    decoded = read_text(path)
    rule = SpeakerRule.pattern(opts.speaker_pattern) if opts.speaker_pattern else SpeakerRule.open()
    cues = parse_cues(decoded.text, path, vtt=path.suffix.lower() == ".vtt", rule=rule)
    if not cues:
        raise EmptySourceError(f"{where(path)}: the file has no cues (no timed text); check that the export is complete")
    text, segments = render_turns(doc_id, cues)
    doc = Document(id=doc_id, text=text, kind="transcript", segments=tuple(segments), source=os.fspath(path),
                   encoding=decoded.encoding, newline=decoded.newline)
    return Loaded([doc])
