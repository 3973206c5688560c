"""qualkit's data model: small frozen records and the corpus that holds them.

A :class:`Document` owns its text. A :class:`Segment` is a ``[start, end)``
slice of it (Python character offsets, end exclusive) and carries a copy of
that slice, checked when the document is built, so ``segment.text ==
document.text[segment.start:segment.end]`` always holds. The loaders build a
document's *base layer* of segments (header, turns, notes, answers); sentences,
paragraphs and windows are derived from it by :mod:`qualkit.segment`.

:class:`Code` and :class:`Codebook` describe a coding scheme; :class:`Rules`
holds the automatic-coding rules of one code (their meaning is documented in
``codebooks/README.md`` and implemented in :mod:`qualkit.coding`).

Examples
--------
>>> doc = Document.from_text("d1", "X: Hallo.\\nY: Dag!", kind="transcript")
>>> doc.sha256[:8]
'4b4bc755'
>>> seg = Segment("d1", 3, 9, "turn", "Hallo.", speaker="X", label_start=0)
>>> seg.text == doc.text[seg.start:seg.end]
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported lazily to keep `import qualkit` fast
    import pandas as pd

#: the kinds of document the loaders produce
DOCUMENT_KINDS = ("transcript", "observation", "answers", "text")
#: the units of segmentation; the first five can be in a document's base layer
UNITS = ("header", "turn", "note", "answer", "entry", "sentence", "paragraph", "window")


def text_sha256(text: str) -> str:
    """Return the hex SHA-256 of ``text`` encoded as UTF-8.

    Examples
    --------
    >>> text_sha256("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Segment:
    """A slice ``[start, end)`` of one document's text.

    Parameters
    ----------
    doc_id : str
        The id of the document the segment belongs to.
    start, end : int
        Character offsets into the document text, end exclusive.
    unit : str
        One of :data:`UNITS`.
    text : str
        ``document.text[start:end]`` (checked when the document is built).
    speaker : str, optional
        The speaker label as written ("Leerkracht 5"), for turns and the
        units derived from them.
    time_start, time_end : float, optional
        Seconds from the start of the recording, when the source gives them.
    label_start : int, optional
        Where the turn's cue (timestamp and speaker label) begins; the cue is
        ``text[label_start:start]``. None when the segment has no cue.

    Examples
    --------
    >>> Segment("d1", 3, 9, "turn", "Hallo.", speaker="X").length
    6
    """

    doc_id: str
    start: int
    end: int
    unit: str
    text: str
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    label_start: int | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"segment of {self.doc_id!r}: need 0 <= start <= end, got [{self.start}, {self.end})")
        if len(self.text) != self.end - self.start:
            raise ValueError(
                f"segment of {self.doc_id!r} at [{self.start}, {self.end}): text has "
                f"{len(self.text)} characters, the span {self.end - self.start}"
            )

    @property
    def length(self) -> int:
        """Number of characters."""
        return self.end - self.start


@dataclass(frozen=True)
class Document:
    """One source text, exactly as loaded, with its base layer of segments.

    Parameters
    ----------
    id : str
        Unique within a corpus.
    text : str
        The decoded text with newlines normalised to ``"\\n"``.
    kind : str
        One of :data:`DOCUMENT_KINDS`.
    attributes : dict
        Case attributes: school, session, date, group kind ...
    segments : tuple of Segment
        The base layer (header, turns, notes, answers, entries).
    source : str, optional
        The path the document was read from.
    encoding : str, optional
        The encoding the bytes were decoded with ("utf-8", "utf-8-sig",
        "utf-16", "cp1252") or the container format ("docx").
    newline : str
        The newline style of the source: ``"\\n"``, ``"\\r\\n"``, ``"\\r"``,
        ``"mixed"``, or ``""`` when the text has no line break.
    sha256 : str
        SHA-256 of ``text``; computed when not given.
    data : pandas.DataFrame, optional
        Structured data that came with the document (the answers of an
        observation form); not part of equality.

    Examples
    --------
    >>> d = Document.from_text("x", "Hallo")
    >>> (d.kind, d.newline, len(d.segments))
    ('text', '', 0)
    """

    id: str
    text: str
    kind: str = "text"
    attributes: dict[str, Any] = field(default_factory=dict, hash=False)
    segments: tuple[Segment, ...] = ()
    source: str | None = None
    encoding: str | None = None
    newline: str = "\n"
    sha256: str = ""
    data: Any = field(default=None, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", text_sha256(self.text))
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"document {self.id!r}: kind must be one of {DOCUMENT_KINDS}, got {self.kind!r}")
        n = len(self.text)
        for s in self.segments:
            if s.doc_id != self.id:
                raise ValueError(f"document {self.id!r}: holds a segment of {s.doc_id!r}")
            if s.end > n or self.text[s.start : s.end] != s.text:
                raise ValueError(
                    f"document {self.id!r}: segment [{s.start}, {s.end}) ({s.unit}) does not match the text"
                )

    @classmethod
    def from_text(cls, id: str, text: str, kind: str = "text", **kw: Any) -> Document:
        """Build a document from text that is already decoded and normalised.

        Examples
        --------
        >>> Document.from_text("a", "tekst", kind="text").text
        'tekst'
        """
        nl = "\n" if "\n" in text else ""
        kw.setdefault("newline", nl)
        return cls(id=id, text=text, kind=kind, **kw)

    def units(self, unit: str) -> tuple[Segment, ...]:
        """Return the base-layer segments of one unit, in text order."""
        return tuple(s for s in self.segments if s.unit == unit)

    def with_attributes(self, **attributes: Any) -> Document:
        """Return a copy whose attributes are updated with ``attributes``."""
        return replace(self, attributes={**self.attributes, **attributes})


@dataclass(frozen=True)
class Participant:
    """Who a speaker label stands for.

    Parameters
    ----------
    speaker : str
        The label as written in transcripts ("Leerkracht 5", "X").
    document : str, optional
        Limit the mapping to one document id; None means every document.
    person : str, optional
        A stable person id across documents.
    role, group : str, optional
        The normalised role and the participant's group.
    attributes : dict
        Any further columns of the participants file.

    Examples
    --------
    >>> Participant("X", role="directie").role
    'directie'
    """

    speaker: str
    document: str | None = None
    person: str | None = None
    role: str | None = None
    group: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Rules:
    """The automatic-coding rules of one code (see ``codebooks/README.md``).

    A segment is coded when any positive rule (keywords, regex, near) fires,
    no ``exclude`` term occurs, and the role and unit restrictions allow it.

    Parameters
    ----------
    keywords : tuple of str
        Words and phrases, matched on Dutch lemma and stem, case- and
        diacritic-insensitive; ``*`` at the end of a word is a prefix wildcard.
    compounds : bool
        Also match a keyword inside a compound ("leiderschap" in
        "schoolleiderschap", "leiderschapsstijl").
    regex : tuple of str
        Regular expressions, searched case-insensitively in the segment text.
    near : tuple of (str, str, int)
        Term A within N words of term B, in either order.
    exclude : tuple of str
        Terms that veto the code in a segment (matched as keywords are).
    roles : tuple of str
        Only code segments of speakers with one of these roles.
    units : tuple of str
        Only code segments of these units.

    Examples
    --------
    >>> Rules(keywords=("visie",)).is_empty()
    False
    """

    keywords: tuple[str, ...] = ()
    compounds: bool = False
    regex: tuple[str, ...] = ()
    near: tuple[tuple[str, str, int], ...] = ()
    exclude: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when no positive rule is defined (the code is manual only)."""
        return not (self.keywords or self.regex or self.near)


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Parameters
    ----------
    id : str
        Stable and unique within the namespace.
    name : str
        Display name.
    namespace : str
        The codebook's namespace; ``code.qualified`` is ``"namespace:id"``.
    parent : str, optional
        The id of the parent code in the same namespace.
    description, include, exclude, example : str
        Definition, inclusion and exclusion criteria, an example.
    colour : str, optional
        ``"#RRGGBB"``.
    codable : bool
        False for a category that only groups other codes.
    rules : Rules
        The automatic-coding rules.
    line : int, optional
        Line in the codebook file where the code is defined (for messages).

    Examples
    --------
    >>> Code("visie", "Visie", "leiderschap").qualified
    'leiderschap:visie'
    """

    id: str
    name: str
    namespace: str
    parent: str | None = None
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    colour: str | None = None
    codable: bool = True
    rules: Rules = field(default_factory=Rules)
    line: int | None = field(default=None, compare=False)

    @property
    def qualified(self) -> str:
        """The address ``namespace:id`` used in coded frames."""
        return f"{self.namespace}:{self.id}"


@dataclass(frozen=True)
class Codebook:
    """A namespaced, hierarchical set of codes, in file order.

    Parameters
    ----------
    namespace : str
        Short name that prefixes every code ("netwerk").
    name : str
        Display name of the codebook.
    codes : tuple of Code
        Parents come before their children.
    description, version : str
        Free text.
    source : str, optional
        The file it was read from.

    Examples
    --------
    >>> book = Codebook("lei", "Leiderschap", (Code("a", "A", "lei", codable=False),
    ...                                        Code("b", "B", "lei", parent="a")))
    >>> book.path("b")
    'A > B'
    >>> [c.id for c in book.children("a")]
    ['b']
    """

    namespace: str
    name: str
    codes: tuple[Code, ...] = ()
    description: str = ""
    version: str = ""
    source: str | None = field(default=None, compare=False)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return any(c.id == code_id or c.qualified == code_id for c in self.codes)

    def get(self, code_id: str) -> Code:
        """Return the code with this id (or ``namespace:id``); KeyError if absent."""
        for c in self.codes:
            if c.id == code_id or c.qualified == code_id:
                return c
        raise KeyError(f"codebook {self.namespace!r} has no code {code_id!r}")

    def children(self, code_id: str | None) -> list[Code]:
        """Return the direct children of a code (``None``: the top-level codes)."""
        pid = None if code_id is None else self.get(code_id).id
        return [c for c in self.codes if c.parent == pid]

    def ancestors(self, code_id: str) -> list[Code]:
        """Return the code's ancestors from the root down, excluding the code."""
        chain: list[Code] = []
        code = self.get(code_id)
        seen = {code.id}
        while code.parent is not None and code.parent not in seen:
            code = self.get(code.parent)
            seen.add(code.id)
            chain.append(code)
        return chain[::-1]

    def depth(self, code_id: str) -> int:
        """Return 1 for a top-level code, 2 for its children, and so on."""
        return len(self.ancestors(code_id)) + 1

    def path(self, code_id: str) -> str:
        """Return the names from the root down to the code, joined by ``" > "``."""
        names = [c.name for c in self.ancestors(code_id)] + [self.get(code_id).name]
        return " > ".join(names)


class Corpus:
    """The documents of a study and the participants who speak in them.

    Parameters
    ----------
    documents : iterable of Document
        Ids must be unique.
    participants : iterable of Participant
        Speaker mappings; a mapping with ``document`` set wins over a general one.
    tables : mapping of str to DataFrame
        Structured data that came with the corpus (questionnaire exports with
        their Likert columns, observation-form answers), by source name.

    Examples
    --------
    >>> c = Corpus([Document.from_text("a", "tekst")])
    >>> list(c.documents)
    ['a']
    """

    def __init__(
        self,
        documents: Iterable[Document] = (),
        participants: Iterable[Participant] = (),
        tables: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        from .errors import DuplicateDocumentError, where

        self.documents: dict[str, Document] = {}
        for d in documents:
            if d.id in self.documents:
                other = self.documents[d.id].source
                raise DuplicateDocumentError(
                    f"{where(d.source)}: document id {d.id!r} is already used by {where(other)}; "
                    "rename one of the files or pass ids= to load_corpus"
                )
            self.documents[d.id] = d
        self.participants: tuple[Participant, ...] = tuple(participants)
        self.tables: dict[str, pd.DataFrame] = dict(tables or {})

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def __getitem__(self, doc_id: str) -> Document:
        return self.documents[doc_id]

    def __repr__(self) -> str:
        return f"<Corpus: {len(self.documents)} documents, {len(self.participants)} participants>"

    def participant(self, doc_id: str, speaker: str | None) -> Participant | None:
        """Return the participant a speaker label stands for in a document, or None."""
        if speaker is None:
            return None
        general = None
        for p in self.participants:
            if p.speaker == speaker:
                if p.document == doc_id:
                    return p
                if p.document is None:
                    general = p
        return general

    def segments(self, unit: str = "turn", **options: Any) -> pd.DataFrame:
        """Return the segments of one unit as a frame (columns: :mod:`qualkit.columns`).

        Parameters
        ----------
        unit : str
            turn, note, header, answer, entry, sentence, paragraph or window.
        **options
            Passed to :func:`qualkit.segment.segments` (e.g. ``size=`` for windows).

        Examples
        --------
        >>> c = Corpus([Document.from_text("a", "tekst")])
        >>> c.segments("turn").empty
        True
        """
        from .segment import segments

        return segments(self, unit=unit, **options)
