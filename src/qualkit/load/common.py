"""What every format loader shares: the options of one load and what a loader returns.

Examples
--------
>>> opts = Options()
>>> opts.rule_for("fg_1").mode
'open'
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import NoSpeakersError, where
from ..model import Document, Participant
from .cues import HEADER_KEYS, SpeakerRule
from .lines import Parsed, iter_lines, parse_lines

#: first words of a label that name a role, so the label is a speaker even when it occurs once
ROLE_WORDS = frozenset(
    """interviewer interviewster interviewee int intv moderator moderatrice mod respondent resp deelnemer
    spreker speaker participant leerkracht leraar lerares lkr juf meester directeur directrice directie dir
    zorgcoördinator zorgcoordinator zoco zorgleerkracht ouder moeder vader leerling student clb onderzoeker
    begeleider coach ondersteuner voorzitter secretaris pedagoog psycholoog logopedist""".split()
)
#: short capitals that mark a remark, not a speaker
_REMARKS = frozenset({"nb", "n.b.", "ps", "p.s.", "ok", "oké", "tip", "let op"})


@dataclass(frozen=True)
class FoldedLine:
    """A line that looks like a speaker turn but started none: its label is not in the participants file.

    Attributes
    ----------
    label : str
    source : str
        The file.
    line : int
        The line of the document text (1-based; in a .docx a paragraph or a line of one).
    """

    label: str
    source: str
    line: int


@dataclass
class Loaded:
    """What one source file produced.

    Attributes
    ----------
    documents : list of Document
    participants : list of Participant
        Participants the file itself defines (respondents, observers).
    tables : dict of str to DataFrame
        Structured data by source name (``corpus.tables``).
    """

    documents: list[Document] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    folded: list[FoldedLine] = field(default_factory=list)


@dataclass
class Options:
    """The options of one :func:`~qualkit.load.load_corpus` call that loaders need."""

    participants: tuple[Participant, ...] = ()
    speaker_pattern: str | None = None
    text_columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None
    role_map: Mapping[str, str] | None = None
    listed: bool = False
    _rules: dict[Any, SpeakerRule] = field(default_factory=dict, repr=False)

    def rule_for(self, doc_id: str) -> SpeakerRule:
        """Return the speaker rule of a document (see :mod:`qualkit.load.cues`)."""
        if self.speaker_pattern is not None:
            key: Any = ("pattern", self.speaker_pattern)
            if key not in self._rules:
                self._rules[key] = SpeakerRule.pattern(self.speaker_pattern)
        elif self.listed:
            key = frozenset(p.speaker for p in self.participants if p.document in (None, doc_id))
            if key not in self._rules:
                self._rules[key] = SpeakerRule.listed(key)
        else:
            key = "open"
            if key not in self._rules:
                self._rules[key] = SpeakerRule.open()
        return self._rules[key]

    def labels_for(self, doc_id: str) -> list[str]:
        """The participants' labels that may speak in a document, sorted."""
        return sorted({p.speaker for p in self.participants if p.document in (None, doc_id)})


def transcript_document(
    doc_id: str,
    text: str,
    path: str | os.PathLike[str] | None,
    encoding: str | None,
    newline: str,
    opts: Options,
    forced: Mapping[int, Any] | None = None,
) -> Loaded:
    """Parse ``text`` into a transcript document; raise when no line starts a turn.

    With a participants file (and no ``speaker_pattern=``) the lines that
    look like a speaker's turn but whose label the file lacks are returned in
    :attr:`Loaded.folded` (see :func:`folded_lines`).

    Raises
    ------
    NoSpeakersError
        Not one turn was found.
    """
    rule = opts.rule_for(doc_id)
    parsed: Parsed = parse_lines(
        doc_id, text, rule.matcher_for(text), "turn", forced=forced, skip=lambda cue: rule.is_header_key(cue.label)
    )
    if parsed.count("turn") == 0:
        raise NoSpeakersError(no_speakers_message(path, doc_id, rule.mode, opts, text))
    doc = Document(id=doc_id, text=text, kind="transcript", segments=parsed.segments, source=source_of(path),
                   encoding=encoding, newline=newline)
    folded = folded_lines(doc, forced or {}) if rule.mode == "listed" else []
    return Loaded([doc], folded=folded)


_SUBTITLE_TIMING = re.compile(r"^[ \t]*(?:\d+:)?\d+:\d+(?:[.,]\d+)?[ \t]+-->[ \t]+(?:\d+:)?\d+:\d+(?:[.,]\d+)?[ \t]*$",
                             re.MULTILINE)


@lru_cache(maxsize=1)
def _open_rule() -> SpeakerRule:
    return SpeakerRule.open()


def looks_like_speaker(label: str) -> bool:
    """True when a label reads as a speaker on its own: a digit, a parenthesis, a role word or all capitals.

    Examples
    --------
    >>> [looks_like_speaker(x) for x in ("R2", "Int.", "P3 (directeur)", "INT", "Bijvoorbeeld", "NB")]
    [True, True, True, True, False, False]
    """
    if label.casefold() in _REMARKS:
        return False
    letters = [ch for ch in label if ch.isalpha()]
    return (any(ch.isdigit() for ch in label) or "(" in label or _has_role_word(label)
            or (bool(letters) and all(ch.isupper() for ch in letters)))


def _has_role_word(label: str) -> bool:
    """True when the label's first word ("Int.", "CLB-medewerker", "Ouder van Lotte") names a role."""
    return label.split()[0].casefold().rstrip(".").split("-")[0] in ROLE_WORDS


def folded_lines(doc: Document, forced: Mapping[int, Any]) -> list[FoldedLine]:
    """The lines of a transcript whose label did not start a turn but that look like a speaker's turn.

    Only the participants' labels start turns, so that "Bijvoorbeeld: ..." stays
    speech; a real speaker missing from the file would then be folded into the
    turn before without anyone knowing. A line counts when the open label rule
    finds a cue on it that started no turn, its label is no header key, and the
    label looks like a speaker (:func:`looks_like_speaker`) or starts two or
    more such lines in the document. In the header (before the first turn)
    only a role word or a repeated label counts, so a title "Focusgroep 2: ..."
    is not reported. Lines of a transcript table (``forced``) never count: the
    table says who speaks.

    Examples
    --------
    >>> from qualkit.model import Segment
    >>> text = "X: Ja.\\nBijvoorbeeld: zo.\\nR1: Nee."
    >>> doc = Document.from_text("d", text, kind="transcript",
    ...     segments=(Segment("d", 3, len(text), "turn", text[3:], speaker="X", label_start=0),))
    >>> folded_lines(doc, {})
    [FoldedLine(label='R1', source='d', line=3)]
    """
    starts = {s.label_start for s in doc.segments if s.unit == "turn"}
    first_turn = min(starts, default=len(doc.text))
    match = _open_rule().match
    found: list[tuple[str, int, bool]] = []
    for i, (pos, line) in enumerate(iter_lines(doc.text)):
        if i in forced:
            continue
        cue = match(line)
        if cue is None or not cue.label or cue.label.casefold() in HEADER_KEYS:
            continue
        indent = len(line) - len(line.lstrip())
        if pos + indent not in starts:
            found.append((cue.label, i + 1, pos < first_turn))
    counts = Counter(label for label, _, _ in found)
    source = doc.source or doc.id
    return [FoldedLine(label, source, line) for label, line, in_header in found
            if counts[label] >= 2 or (looks_like_speaker(label) and not in_header)
            or (in_header and _has_role_word(label))]


def no_speakers_message(path: str | os.PathLike[str] | None, doc_id: str, mode: str, opts: Options,
                        text: str = "") -> str:
    """The message of :class:`NoSpeakersError` for one file (or, ``path`` None, one text), by speaker-rule mode.

    A text with subtitle timing lines (``0:0:0.0 --> 0:0:4.380``, as older Teams
    .docx transcripts hold, with the speaker on the next line) gets its own
    advice: that layout is read from .vtt/.srt files only.

    Examples
    --------
    >>> no_speakers_message(None, "int1", "open", Options())
    "text 'int1': no speaker turns found: no line starts with a speaker label such as 'Leerkracht 5: ...' or '[00:12:31] X: ...'; pass speaker_pattern=r'...' (a regular expression for your labels), or parse it as plain text with kind='text'"
    """
    place = path if path is not None else f"text {doc_id!r}"
    plain = (f"as plain text with kinds={{{Path(path).name!r}: 'text'}}" if path is not None
             else "as plain text with kind='text'")
    timing = _SUBTITLE_TIMING.search(text)
    if timing is not None:
        line = text.count("\n", 0, timing.start()) + 1
        return (f"{where(place, line)}: no speaker turns found: the text holds subtitle timings "
                f"({timing.group(0).strip()!r}) with the speaker on a line of its own, a layout qualkit reads "
                "from .vtt and .srt files only; download the transcript as .vtt (in Teams: Transcript, Download, "
                f".vtt) and load that file, or {'load this one' if path is not None else 'parse it'} {plain}")
    fix = (f"pass speaker_pattern=r'...' (a regular expression for your labels), or "
           f"{'load the file' if path is not None else 'parse it'} {plain}")
    if mode == "pattern":
        found = f"no line starts with a label that speaker_pattern={opts.speaker_pattern!r} matches, then ':'"
    elif mode == "listed":
        labels = ", ".join(opts.labels_for(doc_id)) or "none"
        found = f"no line starts with a speaker of the participants file ({labels}), then ':'"
        fix = ("add this document's labels to the participants file (with a 'document' column if they are "
               f"only used here), pass speaker_pattern=r'...', or {'load' if path is not None else 'parse'} it {plain}")
    else:
        found = "no line starts with a speaker label such as 'Leerkracht 5: ...' or '[00:12:31] X: ...'"
    return f"{where(place)}: no speaker turns found: {found}; {fix}"


def source_of(path: str | os.PathLike[str] | None) -> str | None:
    """The ``Document.source`` of a text read from ``path`` (None for a text given as a string)."""
    return None if path is None else os.fspath(path)


def plain_document(doc_id: str, text: str, path: str | os.PathLike[str] | None, encoding: str | None,
                   newline: str) -> Document:
    """A document of kind "text": the text as it is, without a base layer."""
    return Document(id=doc_id, text=text, kind="text", source=source_of(path), encoding=encoding, newline=newline)
