"""Segmentation: the units a coding pass and the views work on.

The loaders give every document a base layer (header, turns, notes, answers,
observation entries). This module turns a corpus into a frame of one unit, with
exact character offsets, the speaker and the participant's person, role and
group, and then two kinds of extra columns: the document attributes, then the
participant attributes (the further columns of a participants file, the
respondent columns of a questionnaire export; see :func:`segments`).

Derived units are computed inside the *parent* segments of a document: its
turns, entries and answers; else (an observation form) its notes; else (a
plain text) the whole text. Header and notes between turns are not speech and
get no sentences. Every derived segment keeps its parent's speaker and times.

paragraph
    Blocks of a parent separated by one or more blank lines, trimmed of
    white space. A transcript turn is usually one paragraph.
sentence
    Sentences of each paragraph, by spaCy's rule-based ``sentencizer`` on a
    blank Dutch pipeline (loaded once, then cached), trimmed of white space.
    A sentence never crosses a blank line.
window
    ``size`` consecutive sentences (default 3) of one parent, from the first
    sentence's start to the last one's end. Windows do not overlap; the last
    window of a parent may be shorter.

Within one unit segments never overlap, and ``segment.text ==
doc.text[segment.start:segment.end]`` always holds.

Examples
--------
>>> from qualkit.model import Corpus, Document, Segment
>>> doc = Document.from_text("d", "X: Ja.", kind="transcript",
...     segments=(Segment("d", 3, 6, "turn", "Ja.", speaker="X", label_start=0),))
>>> segments(Corpus([doc]), "turn")[["segment_id", "speaker", "text"]].values.tolist()
[['d:turn:1', 'X', 'Ja.']]
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .columns import CODED_COLUMNS, SEGMENT_COLUMNS
from .errors import InputError
from .model import UNITS, Segment

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .model import Corpus, Document, Participant

#: the units stored in a document's base layer
BASE_UNITS = ("header", "turn", "note", "answer", "entry")


#: the units derived here from the base layer
DERIVED_UNITS = ("sentence", "paragraph", "window")
#: the base units inside which derived units are computed, when a document has them
PARENT_UNITS = ("turn", "entry", "answer")
#: the default number of sentences of a window
WINDOW_SIZE = 3
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
#: the value of a cell the segment has no value for (what pandas fills in for a missing key)
NaN = float("nan")


def _unknown_unit(unit: object) -> InputError:
    """Return the error for a unit name qualkit does not know, with the closest known name.

    >>> str(_unknown_unit("turns"))
    "unit must be one of header, turn, note, answer, entry, sentence, paragraph, window; got 'turns' (did you mean 'turn'?)"
    """
    # a plural or a typo ("turns", "sentense") is the usual slip; name the unit meant
    close = get_close_matches(unit, UNITS, n=1) if isinstance(unit, str) else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return InputError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}{hint}")


def document_units(doc: Document, unit: str, **options: Any) -> list[Segment]:
    """Return the segments of one unit of a document, in text order.

    Base units come from the loader; derived units are computed here.

    Examples
    --------
    >>> from qualkit.model import Document, Segment
    >>> text = "X: Ja. Dat klopt.\\n\\nEcht waar?"
    >>> doc = Document.from_text("d", text, kind="transcript",
    ...     segments=(Segment("d", 3, len(text), "turn", text[3:], speaker="X", time_start=4.0, label_start=0),))
    >>> [(s.text, s.speaker, s.time_start) for s in document_units(doc, "sentence")]
    [('Ja.', 'X', 4.0), ('Dat klopt.', 'X', 4.0), ('Echt waar?', 'X', 4.0)]
    >>> [s.text for s in document_units(doc, "paragraph")]
    ['Ja. Dat klopt.', 'Echt waar?']
    >>> [s.text for s in document_units(doc, "window", size=2)]
    ['Ja. Dat klopt.', 'Echt waar?']
    """
    size = options.pop("size", None)
    if options or (size is not None and unit != "window"):
        names = ", ".join(sorted([*options, *(["size"] if size is not None else [])]))
        raise ValueError(f"unit {unit!r} takes no option {names}; only unit='window' takes size=")
    if unit in BASE_UNITS:
        return [s for s in doc.segments if s.unit == unit]  # doc.units(unit), 4x faster at a million words
    if unit == "paragraph":
        return [p for parent in parent_segments(doc) for p in _paragraphs(doc, parent)]
    if unit == "sentence":
        return [s for group in _sentences(doc) for s in group]
    if unit == "window":
        size = WINDOW_SIZE if size is None else size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size= must be a whole number of sentences of at least 1, got {size!r}")
        parents = parent_segments(doc)
        return [w for parent, group in zip(parents, _sentences(doc, parents)) for w in _windows(doc, parent, group, size)]
    raise _unknown_unit(unit)


def parent_segments(doc: Document) -> list[Segment]:
    """Return the segments inside which derived units are computed (see the module docstring)."""
    parents = [s for s in doc.segments if s.unit in PARENT_UNITS]
    if parents:
        return parents
    notes = list(doc.units("note"))
    if notes:
        return notes
    return [Segment(doc.id, 0, len(doc.text), "text", doc.text)]


def _child(doc: Document, parent: Segment, unit: str, start: int, end: int) -> Segment | None:
    """The trimmed segment ``[start, end)`` of ``unit`` with the parent's speaker and times, or None if blank."""
    piece = doc.text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    start += len(piece) - len(piece.lstrip())
    return Segment(doc.id, start, start + len(stripped), unit, stripped, speaker=parent.speaker,
                   time_start=parent.time_start, time_end=parent.time_end)


def _paragraphs(doc: Document, parent: Segment, unit: str = "paragraph") -> list[Segment]:
    out = []
    start = parent.start
    for m in _BLANK_LINES.finditer(parent.text):
        seg = _child(doc, parent, unit, start, parent.start + m.start())
        if seg is not None:
            out.append(seg)
        start = parent.start + m.end()
    seg = _child(doc, parent, unit, start, parent.end)
    if seg is not None:
        out.append(seg)
    return out


@lru_cache(maxsize=1)
def sentence_pipeline() -> Any:
    """Return the blank Dutch spaCy pipeline with a sentencizer (built once)."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    return nlp


def _sentences(doc: Document, parents: list[Segment] | None = None) -> list[list[Segment]]:
    """The sentences of each parent (one list per parent), from one spaCy pass over the document."""
    nlp = sentence_pipeline()
    parents = parent_segments(doc) if parents is None else parents
    pieces = [(n, p) for n, parent in enumerate(parents) for p in _paragraphs(doc, parent)]
    longest = max((p.length for _, p in pieces), default=0)
    if longest >= nlp.max_length:
        nlp.max_length = longest + 1  # rule-based sentencizer: no parser memory to protect
    out: list[list[Segment]] = [[] for _ in parents]
    for (n, paragraph), parsed in zip(pieces, nlp.pipe([p.text for _, p in pieces], batch_size=1000)):
        for sent in parsed.sents:
            start = paragraph.start + sent.start_char
            seg = _child(doc, parents[n], "sentence", start, paragraph.start + sent.end_char)
            if seg is not None:
                out[n].append(seg)
    return out


def _windows(doc: Document, parent: Segment, sentences: list[Segment], size: int) -> list[Segment]:
    out = []
    for i in range(0, len(sentences), size):
        group = sentences[i : i + size]
        start, end = group[0].start, group[-1].end
        out.append(Segment(doc.id, start, end, "window", doc.text[start:end], speaker=parent.speaker,
                           time_start=parent.time_start, time_end=parent.time_end))
    return out


def segments(corpus: Corpus, unit: str = "turn", **options: Any) -> pd.DataFrame:
    """Return one row per segment of ``unit`` over the whole corpus.

    Parameters
    ----------
    corpus : Corpus
    unit : str
        One of :data:`qualkit.model.UNITS`.
    **options
        Unit options (``size`` for windows).

    Returns
    -------
    pandas.DataFrame
        :data:`qualkit.columns.SEGMENT_COLUMNS`, then the document attributes
        (in order of first appearance over the documents; see
        :func:`attr_column`), then the attributes of the participants the
        segments' speakers stand for (in order of first use; see
        :func:`participant_column`). A cell is NaN where the document or
        participant lacks that attribute, or the segment has no participant
        (no speaker, or a label that no participant maps).

    Examples
    --------
    >>> from qualkit.model import Corpus, Document, Participant, Segment
    >>> doc = Document.from_text("d", "X: Ja.", kind="transcript", attributes={"school": "A"},
    ...     segments=(Segment("d", 3, 6, "turn", "Ja.", speaker="X", label_start=0),))
    >>> people = [Participant("X", role="leerkracht", attributes={"ervaring": "5-10 jaar", "school": "B"})]
    >>> segments(Corpus([doc], people)).iloc[0, 12:].to_dict()
    {'text': 'Ja.', 'school': 'A', 'ervaring': '5-10 jaar', 'speaker_school': 'B'}
    """
    if unit not in UNITS:
        raise _unknown_unit(unit)
    # The frame is built a column at a time from lists filled a document at a time, not from one
    # dict per row: 4x faster at a million words. Values from the documents and participants go
    # to pandas as they are, so each column gets the dtype it had when rows were dicts
    # (tests/test_segment.py compares the two).
    attr_columns = [attr_column(a) for a in dict.fromkeys(name for doc in corpus for name in doc.attributes)]
    participant = _participant_lookup(corpus)
    found: list[Segment] = []
    doc_ids: list[str] = []
    segment_ids: list[str] = []
    positions: list[int] = []
    people: list[Participant | None] = []  # the participant of each row
    users: dict[int, Participant] = {}  # the same participants once each, in order of first use
    attr_values: dict[str, list[Any]] = {column: [] for column in attr_columns}
    for doc in corpus:
        segs = document_units(doc, unit, **dict(options))
        n = len(segs)
        found += segs
        doc_ids += [doc.id] * n
        prefix = f"{doc.id}:{unit}:"
        segment_ids += [f"{prefix}{k}" for k in range(1, n + 1)]
        positions += range(n)
        # a later attribute with the same column wins, as it did when rows were dicts
        by_column = {attr_column(name): value for name, value in doc.attributes.items()}
        for column, values in attr_values.items():
            values += [by_column.get(column, NaN)] * n
        # one look-up per speaker of the document, in order of first use (the attribute columns' order)
        mapped = {speaker: participant(doc.id, speaker) for speaker in dict.fromkeys([s.speaker for s in segs])}
        people += [mapped[s.speaker] for s in segs]
        users.update((id(p), p) for p in mapped.values() if p is not None)
    speaker_values = _participant_attributes(people, users.values(), {*SEGMENT_COLUMNS, *CODED_COLUMNS, *attr_columns})
    columns = SEGMENT_COLUMNS + attr_columns + list(speaker_values)
    if not found:  # no rows: the object columns pandas makes from none, as always
        return pd.DataFrame([], columns=columns).astype(
            {"time_start": float, "time_end": float, "speaker": "str", "person": "str", "role": "str", "group": "str"})
    data = {
        "doc_id": doc_ids,
        # columns of a known type (ids made here, Segment's int offsets): skip pandas' type inference
        "segment_id": pd.array(segment_ids, dtype="str"),
        "unit": pd.array([unit] * len(found), dtype="str"),
        "position": np.array(positions, dtype=np.int64),
        "start": np.array([s.start for s in found], dtype=np.int64),
        "end": np.array([s.end for s in found], dtype=np.int64),
        "speaker": _labels([s.speaker for s in found]),
        "person": _labels([None if p is None else p.person for p in people]),
        "role": _labels([None if p is None else p.role for p in people]),
        "group": _labels([None if p is None else p.group for p in people]),
        "time_start": _seconds([s.time_start for s in found]),
        "time_end": _seconds([s.time_end for s in found]),
        "text": [s.text for s in found],
        **attr_values,
        **speaker_values,
    }
    return pd.DataFrame(data, columns=columns)


def _seconds(values: list[float | None]) -> np.ndarray:
    """Return a time_start or time_end column: floats, NaN for None."""
    if values.count(None) == len(values):  # no times (most transcripts): 50x faster than converting Nones
        return np.full(len(values), NaN)
    return np.array(values, dtype=float)


def _labels(values: list[Any]) -> pd.Series:
    """Return a speaker, person, role or group column: as pandas infers it, but str if all are missing.

    All missing (no participants file) would give object None; the str dtype with NaN that a
    partly filled column has keeps frames written and read back equal.
    """
    if values.count(None) == len(values):  # the usual case of person and group: no inference needed
        return pd.Series(index=pd.RangeIndex(len(values)), dtype="str")
    column = pd.Series(values)
    return column.astype("str") if column.dtype != "str" and column.isna().all() else column


def _participant_attributes(people: list[Participant | None], users: Iterable[Participant],
                            taken: set[str]) -> dict[str, list[Any]]:
    """Return the participant attribute columns: column -> the value of each row's participant, NaN without.

    ``people`` holds each row's participant, ``users`` the same participants once each in order of
    first use, which gives the columns' order; :func:`participant_column` names them.
    """
    names: dict[str, str] = {}  # attribute -> its column
    for p in users:
        for name in p.attributes:
            if name not in names:
                names[name] = participant_column(name, taken)
                taken.add(names[name])
    return {column: [NaN if p is None else p.attributes.get(name, NaN) for p in people] for name, column in names.items()}


def _participant_lookup(corpus: Corpus) -> Callable[[str, str | None], Participant | None]:
    """Return ``corpus.participant`` as a function of two dict look-ups instead of a scan of all participants.

    Same rule: a participant of the document (the first one) wins over a general one (the last one).
    """
    own: dict[tuple[str, str], Participant] = {}
    general: dict[str, Participant] = {}
    for p in corpus.participants:
        if p.document is None:
            general[p.speaker] = p
        else:
            own.setdefault((p.speaker, p.document), p)

    def participant(doc_id: str, speaker: str | None) -> Participant | None:
        if speaker is None:
            return None
        found = own.get((speaker, doc_id))
        return general.get(speaker) if found is None else found

    return participant


def attr_column(name: str) -> str:
    """Return the frame column of a document attribute.

    An attribute whose name collides with a fixed column gets a ``doc_`` prefix,
    so a document attribute "role" never overwrites the speaker's role.

    Examples
    --------
    >>> attr_column("school"), attr_column("role")
    ('school', 'doc_role')
    """
    return f"doc_{name}" if name in SEGMENT_COLUMNS or name in CODED_COLUMNS else name


#: the prefix of a participant attribute column whose name is taken already
SPEAKER_PREFIX = "speaker_"


def participant_column(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """Return the frame column of a participant attribute.

    A name that is a fixed column (:data:`~qualkit.columns.SEGMENT_COLUMNS`,
    :data:`~qualkit.columns.CODED_COLUMNS`) or in ``taken`` (the document
    attribute columns) gets the prefix :data:`SPEAKER_PREFIX`, as often as
    needed, so a participant's "school" never overwrites the document's
    "school" and a participant attribute "role" never the normalised role.

    Examples
    --------
    >>> participant_column("ervaring"), participant_column("role"), participant_column("school", {"school"})
    ('ervaring', 'speaker_role', 'speaker_school')
    """
    column = name
    while column in taken or column in SEGMENT_COLUMNS or column in CODED_COLUMNS:
        column = SPEAKER_PREFIX + column
    return column
