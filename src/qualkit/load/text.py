"""The .txt and .md loader: transcripts, field notes or plain text.

The kind of a file is, unless ``kinds=`` says otherwise: field notes
("observation") when :func:`~qualkit.load.observations.looks_like_field_notes`
holds, else a transcript. A transcript without a single speaker turn raises
:class:`~qualkit.errors.NoSpeakersError`; load such a file with
``kinds={"name.txt": "text"}`` to keep it as plain text (kind "text", no base
layer; sentences and paragraphs still work).

:func:`parse_transcript` applies exactly these rules to a text that is
already in memory (a text imported from a REFI-QDA project, pasted text):
the file loader and it call the same :func:`text_document`.

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "fg.txt"
>>> _ = f.write_bytes("X: Dag.\\r\\nY: Hallo.\\r\\n".encode("cp1252"))
>>> doc = load_text(f, "fg", None, Options()).documents[0]
>>> (doc.kind, doc.encoding, doc.newline, [s.speaker for s in doc.units("turn")])
('transcript', 'utf-8', '\\r\\n', ['X', 'Y'])
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from ..model import Document, Participant
from .common import Loaded, Options, plain_document, transcript_document
from .decode import normalise_newlines, read_text
from .observations import field_notes_document, looks_like_field_notes

#: the kinds :func:`parse_transcript` takes (None: decide from the content)
TEXT_KINDS = ("transcript", "observation", "text")


def load_text(path: Path, doc_id: str, kind: str | None, opts: Options) -> Loaded:
    """Load one .txt/.md file as a transcript, field notes or plain text (``kind`` None: decide)."""
    decoded = read_text(path)
    return text_document(doc_id, decoded.text, kind, opts, path, decoded.encoding, decoded.newline)


def text_document(doc_id: str, text: str, kind: str | None, opts: Options, path: str | os.PathLike[str] | None = None,
                  encoding: str | None = None, newline: str = "\n") -> Loaded:
    """Parse normalised text (``"\\n"`` newlines) as a transcript, field notes or plain text (``kind`` None: decide).

    ``path`` is the file the text came from (None: a text in memory): it
    becomes ``Document.source`` and the place named in error messages.

    Raises
    ------
    NoSpeakersError
        A transcript without a single speaker turn.
    LoadError
        Field notes without a single entry.
    """
    if kind is None:
        kind = "observation" if looks_like_field_notes(text) else "transcript"
    if kind == "text":
        return Loaded([plain_document(doc_id, text, path, encoding, newline)])
    if kind == "observation":
        return Loaded([field_notes_document(doc_id, text, path, encoding, newline)])
    return transcript_document(doc_id, text, path, encoding, newline, opts)


def parse_transcript(
    text: str,
    doc_id: str,
    *,
    participants: Iterable[Participant] | str | os.PathLike[str] | None = None,
    speaker_pattern: str | None = None,
    kind: str | None = None,
) -> Document:
    """Parse a decoded text into a document with its base layer, by the rules of the .txt loader.

    The text gets exactly what :func:`~qualkit.load.load_corpus` gives a
    .txt file with the same content: header, turns and notes of a transcript
    (:mod:`qualkit.load.lines`), entries of field notes
    (:mod:`qualkit.load.observations`), or no base layer for plain text.
    ``"\\r\\n"`` and ``"\\r"`` become ``"\\n"`` first (``Document.newline``
    records the original style), so offsets count each line end as one
    character; a text that has ``"\\n"`` line ends only keeps its offsets.

    Parameters
    ----------
    text : str
        The text, already decoded.
    doc_id : str
        The document id.
    participants : iterable of Participant, or path-like, optional
        The participants (or a participants file, see
        :func:`~qualkit.load.read_participants`). When given, only their
        labels for this document start turns, as with ``load_corpus``;
        speakers they lack give an :class:`~qualkit.errors.UnknownSpeakerWarning`.
        The document does not store them: pass them to the
        :class:`~qualkit.model.Corpus` too.
    speaker_pattern : str, optional
        A regular expression a speaker label must match in full.
    kind : {"transcript", "observation", "text"}, optional
        None decides as the .txt loader does: field notes when
        :func:`~qualkit.load.observations.looks_like_field_notes` holds, else
        a transcript.

    Returns
    -------
    Document
        ``source`` and ``encoding`` are None.

    Raises
    ------
    NoSpeakersError
        A transcript in which no line starts a turn.
    LoadError
        Field notes without an entry.
    InputError
        An unknown ``kind``.

    Examples
    --------
    >>> doc = parse_transcript("Gesprek 2\\r\\nX: Wij overleggen.\\r\\n(lacht)\\r\\nY: Ja.", "g2")
    >>> [(s.unit, s.speaker, s.text) for s in doc.segments]
    [('header', None, 'Gesprek 2'), ('turn', 'X', 'Wij overleggen.'), ('note', None, '(lacht)'), ('turn', 'Y', 'Ja.')]
    >>> (doc.kind, doc.newline, doc.text[:12])
    ('transcript', '\\r\\n', 'Gesprek 2\\nX:')
    """
    if kind is not None and kind not in TEXT_KINDS:
        raise InputError(f"text {doc_id!r}: kind={kind!r} is not one of {', '.join(TEXT_KINDS)} (or None: decide)")
    normalised, newline = normalise_newlines(text)
    people, opts = text_options(participants, speaker_pattern)
    loaded = text_document(doc_id, normalised, kind, opts, None, None, newline)
    if opts.listed:
        from ..model import Corpus
        from . import _warn_unknown_speakers

        _warn_unknown_speakers(Corpus(loaded.documents, people), _participants_place(participants), loaded.folded)
    return loaded.documents[0]


def text_options(participants: Iterable[Participant] | str | os.PathLike[str] | None,
                 speaker_pattern: str | None) -> tuple[tuple[Participant, ...], Options]:
    """The participants (read from a file when a path is given) and the parsing options they and the pattern give."""
    from .participants import read_participants

    if participants is None:
        people: tuple[Participant, ...] = ()
    elif isinstance(participants, (str, os.PathLike)):
        people = read_participants(participants)
    else:
        people = tuple(participants)
        wrong = [p for p in people if not isinstance(p, Participant)]
        if wrong:
            raise InputError(f"participants=: expected Participant objects or a file, got {type(wrong[0]).__name__}")
    return people, Options(participants=people, speaker_pattern=speaker_pattern, listed=participants is not None)


def _participants_place(participants: object) -> str:
    return os.fspath(participants) if isinstance(participants, (str, os.PathLike)) else "participants="
