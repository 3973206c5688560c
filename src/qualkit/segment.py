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

import pandas as pd

from .columns import CODED_COLUMNS, SEGMENT_COLUMNS
from .errors import InputError
from .model import UNITS, Segment

if TYPE_CHECKING:
    from .model import Corpus, Document

#: the units stored in a document's base layer
BASE_UNITS = ("header", "turn", "note", "answer", "entry")


#: the units derived here from the base layer
DERIVED_UNITS = ("sentence", "paragraph", "window")
#: the base units inside which derived units are computed, when a document has them
PARENT_UNITS = ("turn", "entry", "answer")
#: the default number of sentences of a window
WINDOW_SIZE = 3
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


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
        return list(doc.units(unit))
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
    rows: list[dict[str, Any]] = []
    people: dict[tuple[str, str | None], Any] = {}  # one participant lookup per (document, speaker)
    attr_names = list(dict.fromkeys(name for doc in corpus for name in doc.attributes))
    speaker_columns: dict[str, str] = {}  # participant attribute -> its column, in order of first use
    taken = {*SEGMENT_COLUMNS, *CODED_COLUMNS, *(attr_column(a) for a in attr_names)}
    for doc in corpus:
        for n, seg in enumerate(document_units(doc, unit, **dict(options))):
            key = (doc.id, seg.speaker)
            if key not in people:
                people[key] = corpus.participant(doc.id, seg.speaker)
            p = people[key]
            row = {
                "doc_id": doc.id,
                "segment_id": f"{doc.id}:{unit}:{n + 1}",
                "unit": unit,
                "position": n,
                "start": seg.start,
                "end": seg.end,
                "speaker": seg.speaker,
                "person": p.person if p else None,
                "role": p.role if p else None,
                "group": p.group if p else None,
                "time_start": seg.time_start,
                "time_end": seg.time_end,
                "text": seg.text,
            }
            for name, value in doc.attributes.items():
                row[attr_column(name)] = value
            if p is not None:
                for name, value in p.attributes.items():
                    if name not in speaker_columns:
                        speaker_columns[name] = participant_column(name, taken)
                        taken.add(speaker_columns[name])
                    row[speaker_columns[name]] = value
            rows.append(row)
    columns = SEGMENT_COLUMNS + [attr_column(a) for a in attr_names] + list(speaker_columns.values())
    frame = pd.DataFrame(rows, columns=columns)
    frame["time_start"] = frame["time_start"].astype(float)
    frame["time_end"] = frame["time_end"].astype(float)
    for column in ("speaker", "person", "role", "group"):
        # all missing (no participants file) would give object None; keep the str dtype with NaN that
        # a partly filled column has, so frames written and read back compare equal
        if frame[column].isna().all():
            frame[column] = frame[column].astype("str")
    return frame


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
