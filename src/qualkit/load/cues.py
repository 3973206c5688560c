"""Cues: the speaker labels and timestamps that start a turn or an entry.

A transcript line starts a turn when it reads ``Label: text``, optionally with
a timestamp before the label or between label and colon (``[00:12:31] X:``,
``(00:12:31) X:``, ``00:12:31 X:``, ``[12:31] X:``, ``X [00:12:31]:``) or right
after the colon (``X: [00:12:31] text``). A label is at most 50 characters of
letters (diacritics included), digits, spaces, hyphens, dots, apostrophes and
parentheses; it starts with a letter or digit and holds at least one letter,
so a bare time (``00:12``) is never a speaker. The colon must be followed by
white space or the end of the line, so ``https://`` is not a cue.

Markdown around a label is part of the cue, not of the label: a list bullet
(``- Leerkracht 2: ...``, ``* ...``) and emphasis that closes before or after
the colon (``**Leerkracht 2:** ...``, ``**Leerkracht 2**: ...``,
``__X:__ ...``). The spoken text after it is kept exactly as written.

The transcription-service layout ``Speaker 1  0:03`` (label, two or more
spaces or a tab, a time, nothing else) starts a turn whose text is on the
following lines; Otter, Teams ("Download as .docx") and similar services
write it. So does ``00:00:03 Speaker 1`` (a full ``h:mm:ss`` time, a space,
the label, nothing else), as Word's Transcribe exports it. Its label may also hold commas, as directory names do
("Wouters, Koen (Leerkracht)"), since the layout itself marks the speaker.

Which labels may start a turn is a :class:`SpeakerRule`:

* ``speaker_pattern=`` (a regular expression that must match the whole
  label) when the user gives one;
* else the labels of the participants file, when one is given, so that a
  continuation line "Bijvoorbeeld: ..." is not a new speaker;
* else any label of the form above. In this open mode a few header keys
  ("Datum:", "Titel:", "Aanwezigen:" ... see :data:`HEADER_KEYS`) do not start
  a turn before the first real turn, so the title block of a transcript stays
  its header; and a text with transcription-service cues takes only those
  (:meth:`SpeakerRule.matcher_for`).

Examples
--------
>>> rule = SpeakerRule.open()
>>> cue = rule.match("[00:12:31] Leerkracht 5: Ja, dat klopt.")
>>> (cue.label, cue.time, cue.text_offset)
('Leerkracht 5', 751.0, 25)
>>> rule.match("Zie https://example.org voor meer.") is None
True
>>> SpeakerRule.listed(["X", "Y"]).match("Bijvoorbeeld: zo.") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import InputError

#: a clock or recording time: m:ss, mm:ss, h:mm:ss, with optional fraction
TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
#: the timestamp forms that may stand before or after a label
STAMP = rf"\[{TIME}\]|\({TIME}\)|{TIME}"
_LABEL_CHAR = r"(?:[^\W_]|[ .'’()\-])"
#: a generic speaker label (see the module docstring)
LABEL = rf"(?=[\d .'’()\-]*[^\W\d_])[^\W_]{_LABEL_CHAR}{{0,49}}"
#: a label in the transcription-service layout: commas allowed ("Wouters, Koen")
SERVICE_LABEL = r"(?=[\d .,'’()\-]*[^\W\d_])[^\W_](?:[^\W_]|[ .,'’()\-]){0,79}"
#: a full recording time h:mm:ss (the time-first service layout needs one)
_HMS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
#: Markdown emphasis around a label
_EMPHASIS = r"\*\*|__|\*|_"
#: header keys that do not start a turn before the first turn in open mode
HEADER_KEYS = frozenset(
    """datum date titel title onderwerp topic locatie location plaats place tijd time duur duration
    aanwezig aanwezigen deelnemers participants afwezig transcriptie transcript getranscribeerd
    transcribent opname recording bestand file sessie session project notulist versie version
    opmerking opmerkingen noot note observator observer""".split()
)
#: a cue's colon lies within this many characters of the line start (timestamps, 50-character
#: label, indentation); the service layout's time too
_CUE_REACH = 120
_NOTE = re.compile(r"[ \t]*(?:\([^()\n]*\)|\[[^\[\]\n]*\])[ \t]*")


def parse_time(stamp: str) -> float:
    """Return the seconds of a timestamp such as ``[00:12:31]``, ``(1:02)`` or ``0:03,5``.

    Two parts are minutes and seconds, three are hours, minutes and seconds.

    Examples
    --------
    >>> parse_time("[00:12:31]"), parse_time("12:31"), parse_time("(0:03.5)")
    (751.0, 751.0, 3.5)
    """
    parts = stamp.strip("[]() \t").replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def is_note_line(line: str) -> bool:
    """True when a line is only a bracketed note such as ``(lacht)`` or ``[stilte]``.

    Examples
    --------
    >>> is_note_line(" [instemming door anderen] "), is_note_line("(lacht) Ja.")
    (True, False)
    """
    return _NOTE.fullmatch(line) is not None


@dataclass(frozen=True)
class Cue:
    """The start of a turn found on one line.

    Attributes
    ----------
    label : str or None
        The speaker label as written, without surrounding spaces (None for a
        field-note entry without an actor tag).
    time : float or None
        Seconds, when the cue holds a timestamp.
    text_offset : int
        Where the spoken text begins within the line (after the colon, the
        spaces and a timestamp that follows the colon).
    """

    label: str | None
    time: float | None
    text_offset: int


def _cue_regexes(label: str, service_label: str | None = None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # a bullet, then emphasis that may close before or after the colon (only when it was opened)
    inline = re.compile(
        rf"[ \t]*(?:[-*+•][ \t]+)?(?P<em>{_EMPHASIS})?(?:(?P<t1>{STAMP})[ \t]+)?(?P<label>{label})[ \t]*"
        rf"(?:(?P<t2>{STAMP})[ \t]*)?(?(em)(?:{_EMPHASIS})?):(?(em)(?:{_EMPHASIS})?)"
        rf"(?:[ \t]+(?:(?P<t3>\[{TIME}\]|\({TIME}\))[ \t]*)?|$)"
    )
    # "Label  0:03" or, with a full h:mm:ss time first, "00:00:03 Label" (the label only once, so that a
    # speaker_pattern with named groups still compiles)
    service = re.compile(
        rf"[ \t]*(?:(?P<t0>{_HMS})[ \t]+)?(?P<label>{service_label or label})"
        rf"(?(t0)|(?:[ \t]*\t[ \t]*|[ \t]{{2,}})(?P<t1>{TIME}))[ \t]*$"
    )
    return inline, service


@dataclass(frozen=True)
class SpeakerRule:
    """Decides which lines start a turn; build it with :meth:`open`, :meth:`listed` or :meth:`pattern`.

    Attributes
    ----------
    mode : str
        ``"open"``, ``"listed"`` or ``"pattern"``.
    inline, service : re.Pattern
        The ``Label: text`` and ``Label  0:03`` line patterns.
    """

    mode: str
    inline: re.Pattern[str]
    service: re.Pattern[str]

    @classmethod
    def open(cls) -> SpeakerRule:
        """Any label of the generic form starts a turn."""
        return cls("open", *_cue_regexes(LABEL, SERVICE_LABEL))

    @classmethod
    def listed(cls, labels: Iterable[str]) -> SpeakerRule:
        """Only these labels (exactly as written) start a turn."""
        alternatives = sorted({str(s).strip() for s in labels if str(s).strip()}, key=len, reverse=True)
        if not alternatives:
            return cls("listed", re.compile(r"(?!)"), re.compile(r"(?!)"))
        return cls("listed", *_cue_regexes("|".join(re.escape(a) for a in alternatives)))

    @classmethod
    def pattern(cls, pattern: str) -> SpeakerRule:
        """Labels that the regular expression ``pattern`` matches in full start a turn.

        Raises
        ------
        InputError
            ``pattern`` is not a valid regular expression.
        """
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(
                f"speaker_pattern={pattern!r} is not a valid regular expression ({exc}); "
                r"write it like r'Leerkracht \d+|X|Y|Interviewer'"
            ) from None
        return cls("pattern", *_cue_regexes(f"(?:{pattern})"))

    def match(self, line: str) -> Cue | None:
        """Return the cue that starts ``line``, or None when the line continues a turn."""
        # both layouts hold a colon near the start; most continuation lines have none, and
        # this test is far cheaper than the regular expressions
        if ":" not in line[:_CUE_REACH]:
            return None
        m = self.inline.match(line)
        if m is not None:
            stamp = m.group("t1") or m.group("t2") or m.group("t3")
            return Cue(m.group("label").strip(), parse_time(stamp) if stamp else None, m.end())
        return self.match_service(line)

    def match_service(self, line: str) -> Cue | None:
        """Like :meth:`match`, for the transcription-service layout (``Label  0:03``) only."""
        if ":" not in line[:_CUE_REACH]:
            return None
        m = self.service.match(line)
        if m is None:
            return None
        return Cue(m.group("label").strip(), parse_time(m.group("t0") or m.group("t1")), len(line))

    def matcher_for(self, text: str) -> Callable[[str], Cue | None]:
        """Return the line matcher for one text.

        In open mode a text in the transcription-service layout gets only that
        layout's cues: its speech lines never begin with a label, so a line
        "Organisatorische condities: tijd en ruimte" is speech, not a speaker.

        Examples
        --------
        >>> rule = SpeakerRule.open()
        >>> match = rule.matcher_for("Speaker 1  0:03\\nMiddelen: weinig.")
        >>> match("Middelen: weinig.") is None, match("Speaker 2  0:09").label
        (True, 'Speaker 2')
        """
        if self.mode == "open" and re.search("^" + self.service.pattern, text, re.MULTILINE):
            return self.match_service
        return self.match

    def is_header_key(self, label: str | None) -> bool:
        """True when, in open mode, ``label`` is a header key rather than a speaker."""
        return self.mode == "open" and label is not None and label.casefold() in HEADER_KEYS
