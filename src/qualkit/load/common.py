"""What every format loader shares: the options of one load and what a loader returns.

Examples
--------
>>> opts = Options()
>>> opts.rule_for("fg_1").mode
'open'
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NoSpeakersError, where
from ..model import Document, Participant
from .cues import SpeakerRule
from .decode import Decoded
from .lines import Parsed, parse_lines


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
    path: str | os.PathLike[str],
    encoding: str | None,
    newline: str,
    opts: Options,
    forced: Mapping[int, Any] | None = None,
) -> Loaded:
    """Parse ``text`` into a transcript document; raise when no line starts a turn.

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
        raise NoSpeakersError(no_speakers_message(path, doc_id, rule.mode, opts))
    doc = Document(id=doc_id, text=text, kind="transcript", segments=parsed.segments, source=os.fspath(path),
                   encoding=encoding, newline=newline)
    return Loaded([doc])


def no_speakers_message(path: str | os.PathLike[str], doc_id: str, mode: str, opts: Options) -> str:
    """The message of :class:`NoSpeakersError` for one file, by speaker-rule mode."""
    name = Path(path).name
    fix = (f"pass speaker_pattern=r'...' (a regular expression for your labels), or load the file as plain "
           f"text with kinds={{{name!r}: 'text'}}")
    if mode == "pattern":
        found = f"no line starts with a label that speaker_pattern={opts.speaker_pattern!r} matches, then ':'"
    elif mode == "listed":
        labels = ", ".join(opts.labels_for(doc_id)) or "none"
        found = f"no line starts with a speaker of the participants file ({labels}), then ':'"
        fix = ("add this document's labels to the participants file (with a 'document' column if they are "
               f"only used here), pass speaker_pattern=r'...', or load it as plain text with kinds={{{name!r}: 'text'}}")
    else:
        found = "no line starts with a speaker label such as 'Leerkracht 5: ...' or '[00:12:31] X: ...'"
    return f"{where(path)}: no speaker turns found: {found}; {fix}"


def plain_document(doc_id: str, decoded: Decoded, path: str | os.PathLike[str]) -> Document:
    """A document of kind "text": the text as it is, without a base layer."""
    return Document(id=doc_id, text=decoded.text, kind="text", source=os.fspath(path),
                    encoding=decoded.encoding, newline=decoded.newline)
