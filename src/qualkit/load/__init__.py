"""Loading sources into a :class:`~qualkit.model.Corpus`.

:func:`load_corpus` reads a folder (or a list of files and folders) by
extension; one module per format does the reading:

==============  ==========================================  ==============================
extension       read as                                     module
==============  ==========================================  ==============================
.txt, .md       transcript, field notes or plain text       :mod:`qualkit.load.text`
.docx           transcript (paragraphs or a table)          :mod:`qualkit.load.docx`
.vtt, .srt      transcript (Teams, Zoom, SRT)               :mod:`qualkit.load.subtitles`
.csv, .xlsx     observation form, open answers, or a table  :mod:`qualkit.load.observations`,
                                                            :mod:`qualkit.load.answers`
==============  ==========================================  ==============================

The cues that start a turn are described in :mod:`qualkit.load.cues`, how
lines become header, turns and notes in :mod:`qualkit.load.lines`, encodings
and newlines in :mod:`qualkit.load.decode`, the participants and documents
files in :mod:`qualkit.load.participants`. :func:`parse_transcript` parses a
text already in memory by the rules of the .txt loader.

Kinds and ``kinds=``
    Each file gets a kind from its extension and content (see the modules).
    ``kinds={"glob": kind}`` overrides it; a glob is matched against the file
    name and against its path relative to the folder loaded (first match
    wins). Kinds: "transcript", "observation" (field notes or a form),
    "text" (plain text, no base layer), "answers" (open answers), "table"
    (only ``corpus.tables``), "skip" (leave the file out).

Files that are not loaded as data
    The files passed as ``participants=`` and ``documents=``; names that
    start with ``.`` or ``~$`` (hidden files, Office lock files). A table in a
    folder that looks like a participants file (a ``speaker`` column) or a
    documents file (a ``document`` column) is not loaded as data either: a
    :class:`~qualkit.errors.QualkitWarning` says to pass it as
    ``participants=``/``documents=``.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "fg_1.txt").write_text("Focusgroep 1\\nX: Goed.\\n[stilte]\\nY: Ja.\\n", encoding="utf-8")
>>> corpus = load_corpus(folder)
>>> corpus.segments("turn")[["doc_id", "speaker", "text"]].values.tolist()
[['fg_1', 'X', 'Goed.'], ['fg_1', 'Y', 'Ja.']]
"""

from __future__ import annotations

import fnmatch
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import (
    EmptySourceError,
    InputError,
    QualkitWarning,
    SourceNotFoundError,
    UnknownSpeakerWarning,
    UnsupportedFormatError,
    where,
)
from ..model import Corpus, Document
from .common import FoldedLine, Loaded, Options
from .participants import read_document_attributes, read_participants
from .text import parse_transcript

__all__ = ["KINDS", "SUPPORTED_EXTENSIONS", "load_corpus", "parse_transcript", "read_document_attributes",
           "read_participants"]

#: extension -> the kinds a file of it can be loaded as (the first is the usual one)
_KINDS_BY_EXTENSION: dict[str, tuple[str, ...]] = {
    ".txt": ("transcript", "observation", "text"),
    ".md": ("transcript", "observation", "text"),
    ".docx": ("transcript", "observation", "text"),
    ".vtt": ("transcript",),
    ".srt": ("transcript",),
    ".csv": ("answers", "observation", "table"),
    ".xlsx": ("answers", "observation", "table"),
}
#: the extensions load_corpus reads
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_KINDS_BY_EXTENSION)
#: the kinds ``kinds=`` accepts
KINDS = ("transcript", "observation", "text", "answers", "table", "skip")



def load_corpus(
    path_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    participants: str | os.PathLike[str] | None = None,
    documents: str | os.PathLike[str] | None = None,
    recursive: bool = True,
    speaker_pattern: str | None = None,
    text_columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    role_map: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    ids: Mapping[str, str] | Callable[[Path], str] | None = None,
) -> Corpus:
    """Load a folder or a list of files into a corpus.

    Parameters
    ----------
    path_or_paths : path-like or list of path-like
        A folder, a file, or a list of both.
    participants : path-like, optional
        A participants file (CSV/XLSX with a ``speaker`` column). When given,
        only its labels start turns in .txt/.md/.docx transcripts (so a line
        "Bijvoorbeeld: ..." is not a speaker), unless ``speaker_pattern`` is
        given too. Speakers it does not list give one
        :class:`~qualkit.errors.UnknownSpeakerWarning` for the whole corpus,
        which also lists the lines that look like a speaker's turn
        ("R1: ...", "Interviewer: ...", or a label that starts two or more
        lines) but did not start one because their label is not in the file,
        with file and line.
    documents : path-like, optional
        A documents file (CSV/XLSX with a ``document`` column); its other
        columns become document attributes.
    recursive : bool
        Also load the files in sub-folders.
    speaker_pattern : str, optional
        A regular expression that a speaker label must match in full, e.g.
        ``r"Leerkracht \\d+|X|Y|Interviewer"``.
    text_columns : list of str, or mapping of glob to list of str, optional
        The free-text columns of open-answer tables (default: detected, see
        :mod:`qualkit.load.answers`). A mapping gives them per file.
    role_map : mapping of str to str, optional
        Role spelling -> normalised role, e.g. ``{"leraar": "leerkracht"}``.
    kinds : mapping of glob to kind, optional
        Override how files are read (see the module docstring).
    ids : mapping or callable, optional
        Document ids instead of the file name without extension: a mapping
        from file name (or relative path) to id, or a function of the path.

    Returns
    -------
    Corpus
        The documents by id (one per file; an open-answer table gives one per
        text column, see :mod:`qualkit.load.answers`), each with its turns,
        notes or answers as base layer of segments, and the participants.

    Raises
    ------
    SourceNotFoundError, UnsupportedFormatError, EmptySourceError, EncodingError,
    NoSpeakersError, ParticipantsError, DuplicateDocumentError, LoadError

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "fg1.txt").write_text("Interviewer: Hoe werken jullie samen?\\n"
    ...                                  "Leerkracht 1: We delen lesmateriaal.\\n", encoding="utf-8")
    >>> _ = (tmp / "deelnemers.csv").write_text("speaker,role\\nInterviewer,interviewer\\nLeerkracht 1,leerkracht\\n")
    >>> corpus = load_corpus(tmp, participants=tmp / "deelnemers.csv")
    >>> corpus, [(s.speaker, s.text) for s in corpus["fg1"].segments]
    (<Corpus: 1 documents, 2 participants>, [('Interviewer', 'Hoe werken jullie samen?'), ('Leerkracht 1', 'We delen lesmateriaal.')])
    """
    sources = _as_paths(path_or_paths)
    people = read_participants(_existing(participants, "participants"), role_map) if participants else ()
    attributes = read_document_attributes(_existing(documents, "documents")) if documents else {}
    reserved = {Path(p).resolve() for p in (participants, documents) if p}
    opts = Options(participants=people, speaker_pattern=speaker_pattern, text_columns=text_columns,
                   role_map=role_map, listed=participants is not None)
    files = _data_files(sources, recursive, reserved)
    loaded = Loaded()
    for path, relative in files:
        kind = _kind_for(path, relative, kinds)
        if kind == "skip":
            continue
        part = _load_file(path, relative, _doc_id(path, relative, ids), kind, opts)
        loaded.documents.extend(part.documents)
        loaded.participants.extend(part.participants)
        loaded.tables.update(part.tables)
        loaded.folded.extend(part.folded)
    docs = _with_attributes(loaded.documents, attributes, documents)
    corpus = Corpus(docs, [*people, *loaded.participants], loaded.tables)
    if participants:
        _warn_unknown_speakers(corpus, participants, loaded.folded)
    return corpus


def _as_paths(path_or_paths: Any) -> list[Path]:
    if isinstance(path_or_paths, (str, os.PathLike)):
        items = [path_or_paths]
    else:
        items = list(path_or_paths)
    paths = []
    for item in items:
        path = Path(item)
        if not path.exists():
            raise SourceNotFoundError(
                f"{where(path)}: no such file or folder (the current folder is {Path.cwd()}); check the path"
            )
        paths.append(path)
    return paths


def _existing(path: str | os.PathLike[str], what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{where(p)}: the {what} file does not exist; check the {what}= path")
    return p


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _data_files(sources: list[Path], recursive: bool, reserved: set[Path]) -> list[tuple[Path, str]]:
    """(path, path relative to the folder given) of every file to load, sorted per folder."""
    files: list[tuple[Path, str]] = []
    for source in sources:
        if source.is_file():
            if source.resolve() not in reserved:
                files.append((source, source.name))
            continue
        found = source.rglob("*") if recursive else source.glob("*")
        chosen = []
        for path in found:
            relative = path.relative_to(source)
            if any(_is_hidden(part) for part in relative.parts) or not path.is_file():
                continue
            if path.resolve() in reserved:
                continue
            chosen.append((path, relative.as_posix()))
        if not chosen:
            raise EmptySourceError(
                f"{where(source)}: the folder holds no files to load (qualkit reads "
                f"{', '.join(SUPPORTED_EXTENSIONS)}); check the path"
                + ("" if recursive else ", or pass recursive=True to include sub-folders")
            )
        files.extend(sorted(chosen, key=lambda pr: pr[1]))
    return files


def _kind_for(path: Path, relative: str, kinds: Mapping[str, str] | None) -> str | None:
    """The kind ``kinds=`` gives a file (None: decide from the content); checks it fits the extension."""
    extension = path.suffix.lower()
    chosen = None
    for pattern, kind in (kinds or {}).items():
        if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(relative, pattern):
            if kind not in KINDS:
                raise InputError(f"kinds={{{pattern!r}: {kind!r}}}: unknown kind; use one of {', '.join(KINDS)}")
            chosen = kind
            break
    if chosen == "skip":
        return chosen
    allowed = _KINDS_BY_EXTENSION.get(extension)
    if allowed is None:
        raise UnsupportedFormatError(
            f"{where(path)}: qualkit does not read {extension or 'files without an extension'!s} files; "
            f"supported are {', '.join(SUPPORTED_EXTENSIONS)}; convert the file, or leave it out with "
            f"kinds={{{path.name!r}: 'skip'}}"
        )
    if chosen is not None and chosen not in allowed:
        raise InputError(
            f"{where(path)}: a {extension} file cannot be loaded as {chosen!r}; use one of {', '.join(allowed)} or 'skip'"
        )
    return chosen


def _doc_id(path: Path, relative: str, ids: Mapping[str, str] | Callable[[Path], str] | None) -> str:
    if ids is None:
        return path.stem
    if callable(ids):
        return str(ids(path))
    for key in (relative, path.name, path.stem):
        if key in ids:
            return str(ids[key])
    return path.stem


def _load_file(path: Path, relative: str, doc_id: str, kind: str | None, opts: Options) -> Loaded:
    extension = path.suffix.lower()
    if extension in (".txt", ".md"):
        from .text import load_text

        return load_text(path, doc_id, kind, opts)
    if extension == ".docx":
        from .docx import load_docx

        return load_docx(path, doc_id, kind, opts)
    if extension in (".vtt", ".srt"):
        from .subtitles import load_subtitles

        return load_subtitles(path, doc_id, opts)
    from .answers import load_table_file

    return load_table_file(path, relative, doc_id, kind, opts)


def _with_attributes(docs: list[Document], attributes: dict[str, dict[str, Any]], source: Any) -> list[Document]:
    if not attributes:
        return docs
    ids = {d.id for d in docs}
    unused = [doc_id for doc_id in attributes if doc_id not in ids]
    if unused:
        warnings.warn(
            f"{where(source)}: {len(unused)} document(s) listed here were not loaded: {', '.join(unused)}; "
            "check the ids (the file name without extension) or the paths loaded",
            QualkitWarning,
            stacklevel=3,
        )
    return [d.with_attributes(**attributes[d.id]) if d.id in attributes else d for d in docs]


def _warn_unknown_speakers(corpus: Corpus, source: Any, folded: Sequence[FoldedLine] = ()) -> None:
    """One warning for the whole corpus: the speakers the participants file lacks.

    Those are the turn and entry speakers it does not list (tables, subtitles,
    field notes), and the lines that look like a speaker's turn but did not
    start one because their label is not in the file (see
    :func:`~qualkit.load.common.folded_lines`).
    """
    missing: dict[str, list[str]] = {}
    for doc in corpus:
        for seg in doc.segments:
            if seg.unit in ("turn", "entry") and seg.speaker is not None:
                if corpus.participant(doc.id, seg.speaker) is None:
                    docs = missing.setdefault(seg.speaker, [])
                    if doc.id not in docs:
                        docs.append(doc.id)
    parts = []
    if missing:
        listed = "; ".join(f"{s!r} ({', '.join(d)})" for s, d in sorted(missing.items()))
        parts.append(
            f"{len(missing)} speaker(s) not in the participants file: {listed}; their segments "
            "have no person, role or group; add them to the participants file (with a 'document' column when a "
            "label is only used in one document)"
        )
    if folded:
        parts.append(_folded_message(folded, known=[p.speaker for p in corpus.participants]))
    if parts:
        warnings.warn(f"{where(source)}: " + ". Also, ".join(parts), UnknownSpeakerWarning, stacklevel=3)


def _folded_message(folded: Sequence[FoldedLine], shown: int = 10, known: Sequence[str] = ()) -> str:
    by_label: dict[tuple[str, str], list[int]] = {}
    for f in folded:
        by_label.setdefault((f.label, f.source), []).append(f.line)
    # 'leerkracht' in the file and 'Leerkracht:' in the transcript is the usual slip: point at it
    by_fold = {k.casefold(): k for k in known if k}
    places = []
    for (label, source), lines in sorted(by_label.items()):
        numbers = ", ".join(map(str, lines[:shown])) + (", ..." if len(lines) > shown else "")
        near = by_fold.get(label.casefold())
        case = f" (the participants file has {near!r}: labels must match exactly, capitals too)" if near else ""
        places.append(f"{label!r} ({source}, line{'s' if len(lines) > 1 else ''} {numbers}){case}")
    return (
        f"{len(folded)} line(s) look like speaker turns but their label is not in the participants file, so they "
        f"did not start a turn (their text is part of the turn or header before them): {'; '.join(places)}; add "
        "these speakers to the participants file, or pass speaker_pattern=r'...' to say which labels are speakers"
    )
