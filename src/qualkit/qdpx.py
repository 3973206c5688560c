"""REFI-QDA projects (``.qdpx``): exchange a corpus and its codings with ATLAS.ti, NVivo, MAXQDA ...

A ``.qdpx`` file is a zip archive holding one ``project.qde`` (QDA-XML 1.0,
namespace ``urn:QDA-XML:project:1.0``) and the sources in a ``sources/`` folder.
How qualkit's objects map onto it:

=====================  ===================================================
qualkit                REFI-QDA
=====================  ===================================================
Document               ``<TextSource name=doc_id plainTextPath="internal://<guid>.txt">``;
                       the text, UTF-8, is ``sources/<guid>.txt``
document kind,         ``<VariableValue>`` on the source (variable ``kind``,
attributes             then one variable per attribute)
Participant            ``<Case name=speaker>`` with variables ``person``,
                       ``role``, ``group``, ``document`` and its attributes,
                       and a ``<SourceRef>`` to its document
coder                  ``<User name=coder>`` ("auto:rules" is a user too)
codebooks              ``<CodeBook>``: one category code per codebook, see
                       :mod:`qualkit.refi`
one coded row          one ``<PlainTextSelection>`` (``startPosition`` and
                       ``endPosition`` in characters of the text written)
                       with one ``<Coding>``/``<CodeRef>``, the coder as
                       ``creatingUser`` and the memo as ``<Description>``
=====================  ===================================================

A variable is typed by all its values (Text, Boolean, Integer, Float, Date,
DateTime); one whose values differ in type (an Integer for one document, a
Text for another) is written as Text, and missing values (None, NaN) are left
out. Base-layer segments and ``corpus.tables`` have no place in a REFI project
and are not written; the loaders rebuild segments from the text.

Positions are characters, i.e. Unicode code points (what Python indexes), never
UTF-16 units or bytes. Every GUID is a uuid5 of stable keys and the zip entries
get a fixed timestamp, so the same input gives a byte-identical file.

**Reading** accepts what other tools write: a ``Sources`` or ``sources``
folder, any single ``.qde`` name, text inline (``<PlainTextContent>``) or by
``plainTextPath`` (``internal://name`` or a bare name), a byte-order mark
before the XML or a text, and a PDF through the text of its
``<Representation>``. Line ends are normalised to ``"\\n"``. NVivo (and
QualCoder) count a stored ``"\\r\\n"`` as two characters, so every position
after one moves back by one (a position between ``"\\r"`` and ``"\\n"`` lands
on the newline); a project whose ``origin`` names ATLAS.ti or MAXQDA counts
it once, so its positions are taken as they are. A coding's coder is the
``creatingUser`` (or ``modifyingUser``) of the coding, else of its selection,
else of its source. A ``<Case>`` without a name and with one ``<SourceRef>``
(how MAXQDA stores a document's variables) adds its values to that
document's attributes. A source without plain text (NVivo keeps some only as
``.docx``) is kept with the text it has, and listed in the result's
``notes``, as is everything not imported: pictures, audio and video (with
the number of codings lost), selections without a coding (memos on a
passage), annotation notes, sets, links and graphs. Codes that other tools wrote get the namespace
``slug(project name)`` (``"qc project"`` -> ``qc_project``, ``"refi"`` when the
project has no name); each coding gets ``rule="import:refi"``.

**Turns.** Imported codings have no ``segment_id``, ``speaker`` or role, as a
REFI project knows no turns. ``read_qdpx(path, turns=True)`` parses every
text source, after the line ends are normalised, by the rules of the .txt
loader (:func:`~qualkit.load.parse_transcript`: header, turns and notes, or
field-note entries); the text and every offset stay exactly as imported, the
document's kind becomes "transcript" (or "observation") and it gets its base
layer, so ``corpus.segments("turn")`` works. A coding then gets the
``segment_id``, ``unit``, ``position`` and ``speaker`` of the turn that holds
it, and ``person``, ``role`` and ``group`` of the participant that speaker
stands for (the ``participants=`` file's rows first, then the project's
cases, whose name is taken as the speaker label). A coding is held by a turn
when its span, without white space at its ends (a coded line often takes
its newline with it), lies within ``[label_start, end)`` of the turn, the
cue included. A coding that reaches over two or more turns, or lies in the
header or in a note between turns, keeps ``segment_id`` None (and no
speaker), as a manual coding across turns does. A source in which no line
starts a turn keeps no base layer and is listed in ``notes``; a blank source
(NVivo's blank .txt beside a .docx) is left as it is, as noted already.

**Safety.** An archive is never extracted to disk: the entries that are needed
are read into memory, and reading stops with :class:`~qualkit.errors.ProjectFileError`
before anything else happens when

* an entry name could escape a folder (``../x``, ``/etc/x``, ``C:\\x``);
* the entries read would decompress to more than ``max_bytes`` together
  (default :data:`MAX_BYTES`, 512 MiB), one entry to more than
  :data:`MAX_ENTRY_BYTES` (128 MiB, or ``max_bytes`` if smaller), or an entry
  larger than 1 MiB is compressed more than :data:`MAX_RATIO` (100) times.
  Declared sizes are checked first and the bytes are counted while reading;
* the XML has a DTD or entities, a selection lies outside its source, a code
  or user reference points to nothing, or there is no or more than one ``.qde``.

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> from qualkit.model import Code, Codebook, Corpus, Document
>>> from qualkit.columns import CODED_COLUMNS
>>> corpus = Corpus([Document.from_text("int1", "Wij werken samen.")])
>>> book = Codebook("net", "Netwerk", (Code("samen", "Samenwerking", "net"),))
>>> coded = pd.DataFrame([{"doc_id": "int1", "start": 4, "end": 16, "code": "net:samen",
...                        "coder": "AN", "memo": ""}])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "project.qdpx"
>>> write_qdpx(corpus, coded, path, codebooks=book)
>>> corpus2, coded2 = read_qdpx(path)
>>> coded2.loc[0, ["text", "code", "coder"]].tolist()
['werken samen', 'net:samen', 'AN']
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import os
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from . import __version__
from ._io import atomic_output
from .columns import CODED_COLUMNS
from .errors import InputError, ProjectFileError, QualkitWarning, SourceNotFoundError
from .model import DOCUMENT_KINDS, Code, Codebook, Corpus, Document, Participant
from .refi import (
    DEFAULT_NAMESPACE,
    PROJECT_NS,
    CodeTree,
    check_guid,
    codes_elements,
    description_of,
    guid,
    parse_xml,
    read_code_tree,
    read_qdc,
    slug,
    to_xml_bytes,
    write_qdc,
    xml_text,
)

__all__ = ["QdpxProject", "read_qdc", "read_qdpx", "write_qdc", "write_qdpx"]

#: the most bytes all entries read from one archive may decompress to
MAX_BYTES = 512 * 1024 * 1024
#: the most bytes one entry may decompress to
MAX_ENTRY_BYTES = 128 * 1024 * 1024
#: the highest compression ratio accepted for an entry larger than :data:`RATIO_FLOOR`
MAX_RATIO = 100
#: entries up to this size are not ratio-checked (a small blank file compresses very well)
RATIO_FLOOR = 1024 * 1024
#: the zip timestamp of every entry written (the earliest a zip can hold), for byte-identical files
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: the rule recorded for every imported coding
IMPORT_RULE = "import:refi"
#: the coder of a coding whose user is not given
UNKNOWN_CODER = "refi:unknown"
#: variables that carry a Document field rather than an attribute
DOCUMENT_FIELDS = ("kind",)
#: variables that carry a Participant field rather than an attribute
CASE_FIELDS = ("person", "role", "group", "document")


class QdpxProject(tuple):
    """What :func:`read_qdpx` returns: the pair ``(corpus, coded)`` with two extras.

    Unpack it as ``corpus, coded = read_qdpx(path)``. ``codebooks`` holds every
    codebook of the project (codes never used included, categories included);
    ``notes`` lists what could not be imported as it was (a source without
    plain text, a renamed duplicate document id, a non-text source left out).
    """

    corpus: Corpus
    coded: pd.DataFrame
    codebooks: list[Codebook]
    notes: list[str]

    def __new__(cls, corpus: Corpus, coded: pd.DataFrame, codebooks: list[Codebook], notes: list[str]) -> QdpxProject:
        self = super().__new__(cls, (corpus, coded))
        self.corpus, self.coded, self.codebooks, self.notes = corpus, coded, codebooks, notes
        return self


# ================================================================= reading


def read_qdpx(
    path: str | os.PathLike[str],
    *,
    turns: bool = False,
    participants: Iterable[Participant] | str | os.PathLike[str] | None = None,
    speaker_pattern: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> QdpxProject:
    """Read a REFI-QDA project into a corpus and a coded frame.

    Parameters
    ----------
    path : path-like
        The ``.qdpx`` file.
    turns : bool
        Also parse every text source into header, turns and notes by the
        rules of the .txt loader (:func:`~qualkit.load.parse_transcript`), and
        give each coding that lies inside one turn that turn's ``segment_id``,
        ``unit``, ``position``, ``speaker``, ``person``, ``role`` and ``group``
        (see "Turns" in the module docstring). Off by default: the sources of
        other tools are often not speaker-turn transcripts, and the turn rules
        would then read a line such as "Opmerking: ..." as a turn.
    participants : iterable of Participant, or path-like, optional
        With ``turns=True``: a participants file (or the participants), as
        for :func:`~qualkit.load.load_corpus`: only its labels start turns,
        and it gives the person, role and group of a speaker (its rows win
        over the project's cases for the same label and document).
    speaker_pattern : str, optional
        With ``turns=True``: a regular expression a speaker label must match
        in full.
    max_bytes : int
        The most bytes the entries read may decompress to together; one entry
        may have at most ``min(max_bytes, MAX_ENTRY_BYTES)``.

    Returns
    -------
    QdpxProject
        ``(corpus, coded)``; ``coded`` has :data:`~qualkit.columns.CODED_COLUMNS`,
        one row per ``<Coding>``, sorted by document, start, end, code. The
        result also has ``.codebooks`` and ``.notes``.

    Raises
    ------
    SourceNotFoundError
        ``path`` does not exist.
    InputError
        ``participants=`` or ``speaker_pattern=`` without ``turns=True``.
    ProjectFileError
        The file is not a zip, is unsafe (see the module docstring) or breaks
        the standard in a way that would lose or misplace codings.

    Warns
    -----
    QualkitWarning
        When ``notes`` is not empty (e.g. sources without plain text, or
        with ``turns=True`` a source in which no line starts a turn).
    UnknownSpeakerWarning
        With ``turns=True`` and ``participants=``: speakers it does not list
        (as :func:`~qualkit.load.load_corpus` warns).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.model import Corpus, Document
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "leeg.qdpx"
    >>> write_qdpx(Corpus([Document.from_text("a", "Tekst.")]), None, p)
    >>> corpus, coded = read_qdpx(p)
    >>> (corpus["a"].text, len(coded), list(coded.columns) == CODED_COLUMNS)
    ('Tekst.', 0, True)
    """
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{p}: no such project file; check the path")
    if not turns and (participants is not None or speaker_pattern is not None):
        given = " and ".join(n for n, v in (("participants=", participants), ("speaker_pattern=", speaker_pattern)) if v is not None)
        raise InputError(f"{p}: {given} only say(s) how the sources are parsed into turns; pass turns=True as well")
    with _Archive(p, max_bytes) as archive:
        result = _Reader(archive, _Turns(participants, speaker_pattern) if turns else None).project()
    if result.notes:
        warnings.warn(f"{p}: " + "; ".join(result.notes), QualkitWarning, stacklevel=2)
    return result


class _Archive:
    """A zip archive read entry by entry into memory, with size and name checks."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = self.budget = max_bytes
        self.entry_limit = min(max_bytes, MAX_ENTRY_BYTES)
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ProjectFileError(
                f"{path}: not a zip archive ({exc}); a .qdpx project is a zip file holding project.qde"
            ) from None
        try:
            self.infos = [i for i in self.zf.infolist() if not i.is_dir()]
            for info in self.infos:
                _check_entry_name(path, info.filename)
        except Exception:
            self.zf.close()
            raise

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zf.close()

    def where(self, info: zipfile.ZipInfo) -> str:
        return f"{self.path}, entry {info.filename}"

    def qde(self) -> zipfile.ZipInfo:
        found = [i for i in self.infos if i.filename.lower().endswith(".qde")]
        if not found:
            raise ProjectFileError(
                f"{self.path}: no .qde file in the archive (entries: {[i.filename for i in self.infos][:10]}); "
                "a REFI-QDA project holds exactly one, e.g. project.qde"
            )
        if len(found) > 1:
            raise ProjectFileError(
                f"{self.path}: {len(found)} .qde files ({', '.join(i.filename for i in found)}); "
                "a REFI-QDA project holds exactly one, so qualkit cannot tell which is the project"
            )
        return found[0]

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """Return the bytes of one entry, refusing bombs before and while decompressing."""
        where_ = self.where(info)
        if info.flag_bits & 0x1:
            raise ProjectFileError(f"{where_}: the entry is encrypted; export the project again without a password")
        limit = min(self.entry_limit, self.budget)
        if info.file_size > limit:
            raise ProjectFileError(
                f"{where_}: declares {info.file_size} bytes uncompressed, more than the {limit} bytes still allowed "
                f"(max_bytes={self.max_bytes} for all entries read, at most {MAX_ENTRY_BYTES} per entry); "
                "pass a larger max_bytes= if you trust the file"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ProjectFileError(
                f"{where_}: compressed {info.file_size / max(info.compress_size, 1):.0f} times "
                f"(more than {MAX_RATIO}); this looks like a zip bomb and is not opened"
            )
        out = io.BytesIO()
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(64 * 1024):
                    out.write(chunk)
                    # count what really comes out: declared sizes can lie
                    if out.tell() > limit or out.tell() > info.file_size:
                        raise ProjectFileError(
                            f"{where_}: decompresses to more than its declared {info.file_size} bytes "
                            f"or the {limit} bytes allowed; the archive is damaged or hostile"
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ProjectFileError(f"{where_}: cannot be decompressed ({exc}); the archive is damaged") from None
        self.budget -= out.tell()
        return out.getvalue()

    def sources_entry(self, name: str) -> zipfile.ZipInfo | None:
        """Return the entry ``sources/<name>`` (folder name in any case), or None."""
        wanted = name.replace("\\", "/").lstrip("/")
        for exact in (True, False):
            for info in self.infos:
                folder, _, rest = info.filename.partition("/")
                if folder.lower() == "sources" and (rest == wanted if exact else rest.lower() == wanted.lower()):
                    return info
        return None


def _check_entry_name(path: Path, name: str) -> None:
    n = name.replace("\\", "/")
    parts = PurePosixPath(n).parts
    if n.startswith("/") or re.match(r"^[A-Za-z]:", n) or ".." in parts or "\x00" in n:
        raise ProjectFileError(
            f"{path}: entry {name!r} points outside the archive's folder; the file is unsafe and is not opened"
        )


@dataclass
class _Source:
    doc: Document
    guid: str
    length: int  # the characters positions count: the stored text, or the normalised one
    removed: list[int]  # positions of the "\r" dropped from "\r\n" (empty when "\r\n" counts once)

    def position(self, raw_pos: int) -> int:
        """Map a position as the project counts it to one in the normalised text."""
        return raw_pos - bisect_left(self.removed, raw_pos)


class _Reader:
    """Turns one parsed ``project.qde`` (and the entries it names) into qualkit objects."""

    def __init__(self, archive: _Archive, turns: _Turns | None = None) -> None:
        self.archive = archive
        self.turns = turns
        info = archive.qde()
        self.where = archive.where(info)
        self.root = parse_xml(archive.read(info), self.where)
        if self.root.tag != "Project":
            raise ProjectFileError(f"{self.where}: the root element is <{self.root.tag}>, expected <Project> of QDA-XML")
        self.name = self.root.get("name") or archive.path.stem
        self.origin = self.root.get("origin") or ""
        # ATLAS.ti and MAXQDA count a "\r\n" in a stored .txt as ONE character: QualCoder skips its
        # two-character correction for ATLAS.ti (ccbogel/QualCoder qualcoder/refi.py, load_text_source,
        # "Atlas stored correct positions ... as though it is \n") and writes "\r\n" for MAXQDA without
        # moving any position (RefiExport.export_project, add_line_ending_for_maxqda). NVivo counts two.
        self.crlf_once = bool(re.search(r"atlas\.ti|maxqda", self.origin, re.IGNORECASE))
        self.notes: list[str] = []

    def project(self) -> QdpxProject:
        users = self.users()
        tree = read_code_tree(
            self.root.find("CodeBook/Codes"), slug(self.name, DEFAULT_NAMESPACE), self.name, self.where, source=str(self.archive.path)
        )
        variables = self.variables()
        memo_notes = self.note_texts()
        sources: dict[str, _Source] = {}
        rows: list[dict[str, Any]] = []
        paths = {c.qualified: b.path(c.id) for b in tree.books for c in b.codes}
        for el in self.root.find("Sources") if self.root.find("Sources") is not None else ():
            text_el = el if el.tag == "TextSource" else el.find("Representation") if el.tag == "PDFSource" else None
            if text_el is None:
                self.notes.append(self.left_out(el))
                continue
            src = self.source(el, text_el, variables, sources)
            rows.extend(self.codings(text_el, src, tree, users, memo_notes, paths))
            boxes = len(el.findall("PDFSelection"))
            if boxes:
                self.notes.append(f"{el.tag} {src.doc.id!r}: its text is imported, its {boxes} PDFSelection(s) (areas of a page) are not")
        participants = self.participants(variables, sources)
        self.unread_parts()
        corpus = Corpus([s.doc for s in sources.values()], participants)
        if self.turns is not None:
            corpus, rows = self.turns.apply(corpus, rows, self.notes)
        return QdpxProject(corpus, _coded_frame(rows, list(corpus.documents)), tree.books, self.notes)

    def left_out(self, el: ET.Element) -> str:
        """Return the note for a source without text qualkit can read, counting the codings lost with it."""
        codings = len(el.findall(".//Coding"))
        lost = f" with its {codings} coding(s)" if codings else ""
        return f"{el.tag} {el.get('name') or el.get('guid')} is left out{lost}: qualkit imports text sources only"

    def unread_parts(self) -> None:
        """Note the parts of the project qualkit has no place for, so that nothing disappears unmentioned."""
        annotations = [n for n in self.root.findall("Notes/Note") if n.find("PlainTextSelection") is not None]
        if annotations:
            self.notes.append(f"{len(annotations)} note(s) anchored to a text passage (annotations) are not imported")
        for part, child in (("Sets", "Set"), ("Links", "Link"), ("Graphs", "Graph")):
            found = self.root.findall(f"{part}/{child}")
            if found:
                names = ", ".join(repr(e.get("name") or e.get("guid")) for e in found[:5]) + (" ..." if len(found) > 5 else "")
                self.notes.append(f"{len(found)} {child}(s) under <{part}> are not imported ({names})")

    # ---------------------------------------------------------- parts

    def users(self) -> dict[str, str]:
        out = {}
        for u in self.root.findall("Users/User"):
            g = check_guid(u.get("guid"), self.where, f"user {u.get('name')!r}")
            out[g] = u.get("name") or u.get("id") or g
        return out

    def variables(self) -> dict[str, tuple[str, str]]:
        out = {}
        for v in self.root.findall("Variables/Variable"):
            g = check_guid(v.get("guid"), self.where, f"variable {v.get('name')!r}")
            out[g] = (v.get("name") or g, v.get("typeOfVariable") or "Text")
        return out

    def note_texts(self) -> dict[str, str]:
        out = {}
        for n in self.root.findall("Notes/Note"):
            g = check_guid(n.get("guid"), self.where, f"note {n.get('name')!r}")
            content = n.find("PlainTextContent")
            text = content.text or "" if content is not None else ""
            if content is None and n.get("plainTextPath"):
                text = self.entry_text(n.get("plainTextPath", ""), f"note {g}") or ""
            out[g] = text.replace("\r\n", "\n")
        return out

    def values(self, el: ET.Element, variables: dict[str, tuple[str, str]], owner: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for vv in el.findall("VariableValue"):
            ref = vv.find("VariableRef")
            target = check_guid(ref.get("targetGUID") if ref is not None else None, self.where, f"a variable value of {owner}")
            if target not in variables:
                raise ProjectFileError(f"{self.where}: {owner} has a value of variable {target}, which <Variables> does not define")
            name, _ = variables[target]
            value_el = next((c for c in vv if c.tag != "VariableRef"), None)
            if value_el is not None:
                out[name] = _typed_value(value_el, f"{self.where}: {owner}, variable {name!r}")
        return out

    def entry_text(self, text_path: str, owner: str) -> str | None:
        """Return the decoded text a ``plainTextPath`` points to, or None when it is outside the archive."""
        scheme, sep, rest = text_path.partition("://")
        if sep and scheme.lower() != "internal":
            self.notes.append(f"{owner}: its text is outside the archive ({text_path}), so it is imported empty")
            return None
        name = rest if sep else text_path
        info = self.archive.sources_entry(name)
        if info is None:
            raise ProjectFileError(
                f"{self.where}: {owner} has plainTextPath {text_path!r}, but the archive has no sources/{name}; "
                "export the project again with its sources"
            )
        data = self.archive.read(info)
        try:
            return data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise ProjectFileError(
                f"{self.archive.where(info)}: byte {exc.start} is not UTF-8; REFI-QDA plain text must be UTF-8"
            ) from None

    def source(self, el: ET.Element, text_el: ET.Element, variables: dict[str, tuple[str, str]], sources: dict[str, _Source]) -> _Source:
        """Return the document of a source; ``text_el`` holds its text (the source itself, or a PDF's <Representation>)."""
        g = check_guid(el.get("guid"), self.where, f"text source {el.get('name')!r}")
        text_path = text_el.get("plainTextPath")
        label = el.get("name") or (PurePosixPath(text_path.split("://")[-1]).stem if text_path else g)
        owner = f"source {label!r} ({g})"
        content = text_el.find("PlainTextContent")
        if content is not None:
            raw = content.text or ""
        elif text_path:
            raw = self.entry_text(text_path, owner) or ""
        else:
            raw = ""
            self.notes.append(f"{owner} has no plain text (only {text_el.get('richTextPath') or 'no file'}), so it is imported empty")
        if not raw.strip() and text_el.get("richTextPath") and (content is not None or text_path):
            # NVivo writes a blank .txt beside a .docx: the text is in the rich version only
            self.notes.append(f"{owner} has only blank plain text; its content is in {text_el.get('richTextPath')}, which qualkit does not read")
        doc_id = label
        n = 1
        while doc_id in {s.doc.id for s in sources.values()}:
            n += 1
            doc_id = f"{label}-{n}"
        if doc_id != label:
            self.notes.append(f"{owner}: a document {label!r} exists already, imported as {doc_id!r}")
        attributes = self.values(el, variables, owner)
        kind = attributes.pop("kind", "text") if attributes.get("kind") in DOCUMENT_KINDS else "text"
        text, removed, newline = _normalise(raw)
        doc = Document(
            id=doc_id, text=text, kind=kind, attributes=attributes, source=str(self.archive.path), encoding="utf-8", newline=newline
        )
        sources[g] = _Source(doc, g, len(text), []) if self.crlf_once else _Source(doc, g, len(raw), removed)
        return sources[g]

    def codings(
        self, el: ET.Element, src: _Source, tree: CodeTree, users: dict[str, str], memo_notes: dict[str, str], paths: dict[str, str]
    ) -> list[dict[str, Any]]:
        rows = []
        owner = f"source {src.doc.id!r} ({src.guid})"
        spans: list[tuple[ET.Element, int, int, str]] = []
        for sel in el.findall("PlainTextSelection"):
            sg = check_guid(sel.get("guid"), self.where, f"a selection in {owner}")
            try:
                start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            except ValueError:
                raise ProjectFileError(
                    f"{self.where}: selection {sg} in {owner} has positions {sel.get('startPosition')!r}-{sel.get('endPosition')!r}; "
                    "expected whole numbers"
                ) from None
            if start > end:
                raise ProjectFileError(
                    f"{self.where}: selection {sg} in {owner} starts at {start} after its end {end}; "
                    "the project is damaged: correct or remove that selection in the tool that wrote it"
                )
            if not 0 <= start <= end <= src.length:
                counted = " (a \"\\r\\n\" counted once, as " + self.origin + " does)" if self.crlf_once else ""
                raise ProjectFileError(
                    f"{self.where}: selection {sg} in {owner} spans characters {start}-{end}, outside the source's "
                    f"{src.length} characters{counted}; the project does not match its sources"
                )
            spans.append((sel, start, end, sg))
        for c in el.findall("Coding"):  # a coding of the whole source: a selection of all its text
            whole = ET.Element("Whole")
            whole.append(c)
            spans.append((whole, 0, src.length, ""))
        bare = sum(1 for sel, *_ in spans if sel.find("Coding") is None)
        if bare:
            # MAXQDA writes memos on a passage as a selection without a coding (QualCoder refi.py, load_codings_for_text)
            self.notes.append(f"{owner}: {bare} selection(s) without a coding (annotations or memos) are not imported")
        for sel, start, end, sg in spans:
            memo = "\n\n".join(t for t in [description_of(sel)] + self.note_refs(sel, memo_notes) if t)
            for coding in sel.findall("Coding"):
                cg = check_guid(coding.get("guid"), self.where, f"a coding in {owner}")
                ref = coding.find("CodeRef")
                target = check_guid(ref.get("targetGUID") if ref is not None else None, self.where, f"coding {cg}")
                code = tree.by_guid.get(target)
                if code is None:
                    raise ProjectFileError(
                        f"{self.where}: coding {cg} in {owner} refers to code {target}, which the codebook does not hold"
                    )
                # NVivo leaves creatingUser off selections and codings; QualCoder then falls back to modifyingUser
                user = next((u for e in (coding, sel, el) for u in (e.get("creatingUser"), e.get("modifyingUser")) if u), None)
                extra = self.note_refs(coding, memo_notes)
                a, b = src.position(start), src.position(end)
                rows.append(
                    {
                        "doc_id": src.doc.id, "start": a, "end": b,
                        "code": code.qualified, "code_name": code.name, "code_path": paths[code.qualified],
                        "namespace": code.namespace, "coder": self.coder(user, cg, users),
                        "rule": IMPORT_RULE, "matched": "", "memo": "\n\n".join(t for t in [memo, *extra] if t),
                        "text": src.doc.text[a:b],
                    }
                )
        return rows

    def note_refs(self, el: ET.Element, memo_notes: dict[str, str]) -> list[str]:
        out = []
        for ref in el.findall("NoteRef"):
            target = check_guid(ref.get("targetGUID"), self.where, "a note reference")
            if target not in memo_notes:
                raise ProjectFileError(f"{self.where}: a note reference points to {target}, which <Notes> does not hold")
            out.append(memo_notes[target])
        return out

    def coder(self, user: str | None, coding_guid: str, users: dict[str, str]) -> str:
        if not user:
            return UNKNOWN_CODER
        g = check_guid(user, self.where, f"the user of coding {coding_guid}")
        if g not in users:
            raise ProjectFileError(f"{self.where}: coding {coding_guid} was made by user {g}, whom <Users> does not list")
        return users[g]

    def participants(self, variables: dict[str, tuple[str, str]], sources: dict[str, _Source]) -> list[Participant]:
        out = []
        for case in self.root.findall("Cases/Case"):
            g = check_guid(case.get("guid"), self.where, f"case {case.get('name')!r}")
            refs = [r.get("targetGUID", "").strip("{}").lower() for r in case.findall("SourceRef")]
            if case.get("name") is None and len(refs) == 1 and refs[0] in sources:
                # MAXQDA and Quirkos keep a document's variables in a nameless case with one SourceRef
                # (QualCoder refi.py, parse_case_for_file_variables): they are the document's attributes
                self.document_values(sources[refs[0]], self.values(case, variables, f"case {g}"))
                continue
            speaker = case.get("name") or g
            values = self.values(case, variables, f"case {speaker!r}")
            document = values.pop("document", None)
            if document is None and len(refs) == 1 and refs[0] in sources:
                document = sources[refs[0]].doc.id
            fields = {k: values.pop(k, None) for k in ("person", "role", "group")}
            out.append(Participant(speaker, document=document, attributes=values, **fields))
        return out


    def document_values(self, src: _Source, values: dict[str, Any]) -> None:
        """Add a nameless case's values to its document's attributes; where the source has another value, keep that and note it."""
        known = src.doc.attributes
        for name, value in values.items():
            if name in known and known[name] != value:
                self.notes.append(
                    f"document {src.doc.id!r}: variable {name!r} is {known[name]!r} on the source and {value!r} "
                    "on its case; the source's value is kept"
                )
        src.doc = src.doc.with_attributes(**{**values, **known})


class _Turns:
    """``read_qdpx(turns=True)``: parse the imported texts into turns and place the codings in them."""

    def __init__(self, participants: Iterable[Participant] | str | os.PathLike[str] | None, speaker_pattern: str | None) -> None:
        from .load.text import text_options

        self.source = participants
        self.people, self.opts = text_options(participants, speaker_pattern)

    def apply(self, corpus: Corpus, rows: list[dict[str, Any]], notes: list[str]) -> tuple[Corpus, list[dict[str, Any]]]:
        """Return the corpus with each text's base layer (and the participants file's people) and the rows placed in turns."""
        from .errors import LoadError, NoSpeakersError
        from .load import _warn_unknown_speakers
        from .load.text import text_document

        docs: list[Document] = []
        folded = []
        for doc in corpus:
            if not doc.text.strip():  # a blank source is noted already (its text is elsewhere or missing)
                docs.append(doc)
                continue
            try:
                loaded = text_document(doc.id, doc.text, None, self.opts)
            except (NoSpeakersError, LoadError):
                notes.append(
                    f"source {doc.id!r}: no line starts a speaker turn (or a field-note entry), so it has no turns and "
                    "its codings no segment_id; pass speaker_pattern=r'...' or participants= if its labels differ"
                )
                docs.append(doc)
                continue
            parsed = loaded.documents[0]
            # the imported text, attributes and source stay; only the kind and the base layer are new
            docs.append(replace(doc, kind=parsed.kind, segments=parsed.segments))
            folded.extend(loaded.folded)
        listed = {(p.speaker, p.document) for p in self.people}
        replaced = [p for p in corpus.participants if (p.speaker, p.document) in listed]
        if replaced:
            names = ", ".join(repr(p.speaker) for p in replaced[:5]) + (" ..." if len(replaced) > 5 else "")
            notes.append(f"{len(replaced)} case(s) of the project are replaced by the participants file's rows for the same label: {names}")
        people = [*self.people, *(p for p in corpus.participants if (p.speaker, p.document) not in listed)]
        out = Corpus(docs, people, corpus.tables)
        if self.opts.listed:
            _warn_unknown_speakers(out, self.source if isinstance(self.source, (str, os.PathLike)) else "participants=", folded)
        return out, [{**row, **_turn_of(out, row["doc_id"], row["start"], row["end"])} for row in rows]


def _turn_of(corpus: Corpus, doc_id: str, start: int, end: int) -> dict[str, Any]:
    """The segment columns of the turn (or entry) that holds the span ``[start, end)``; empty when none does.

    White space at the ends of the span does not count (a coded line often
    ends with its newline), and a turn reaches back over its cue, so a span
    that takes in the speaker label is still inside the turn.
    """
    doc = corpus[doc_id]
    piece = doc.text[start:end]
    if piece.strip():
        start, end = start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))
    for unit in ("turn", "entry"):
        for position, seg in enumerate(doc.units(unit)):
            first = seg.start if seg.label_start is None else seg.label_start
            if first <= start and end <= seg.end:
                p = corpus.participant(doc_id, seg.speaker)
                return {
                    "segment_id": f"{doc_id}:{unit}:{position + 1}", "unit": unit, "position": position,
                    "speaker": seg.speaker, "person": p.person if p else None, "role": p.role if p else None,
                    "group": p.group if p else None,
                }
    return {}


def _normalise(raw: str) -> tuple[str, list[int], str]:
    """Return the text with ``"\\n"`` line ends, where the dropped ``"\\r"`` were, and the newline style."""
    removed = [m.start() for m in re.finditer("\r\n", raw)]
    styles = {s for s, n in (("\r\n", len(removed)), ("\r", raw.count("\r") - len(removed)), ("\n", raw.count("\n") - len(removed))) if n}
    newline = "" if not styles else styles.pop() if len(styles) == 1 else "mixed"
    return raw.replace("\r\n", "\n").replace("\r", "\n"), removed, newline


def _typed_value(el: ET.Element, where_: str) -> Any:
    text = (el.text or "").strip()
    try:
        if el.tag == "BooleanValue":
            return text.lower() in ("true", "1")
        if el.tag == "IntegerValue":
            return int(text)
        if el.tag == "FloatValue":
            return float(text)
        if el.tag == "DateValue":
            return dt.date.fromisoformat(text)
        if el.tag == "DateTimeValue":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ProjectFileError(f"{where_}: {el.tag} {text!r} cannot be read") from None
    return el.text or ""


def _coded_frame(rows: list[dict[str, Any]], doc_order: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CODED_COLUMNS)
    if frame.empty:
        return frame
    order = {d: i for i, d in enumerate(doc_order)}
    frame = frame.assign(_o=frame["doc_id"].map(order)).sort_values(["_o", "start", "end", "code", "coder"], kind="stable")
    frame = frame.drop(columns="_o").reset_index(drop=True)
    whole = {"position": "int64"} if frame["position"].notna().all() else {}
    return frame.astype({"start": "int64", "end": "int64", **whole})


# ================================================================= writing


def write_qdpx(
    corpus: Corpus,
    coded: pd.DataFrame | None,
    path: str | os.PathLike[str],
    codebooks: Codebook | Iterable[Codebook] | None = None,
    overwrite: bool = False,
    name: str | None = None,
) -> None:
    """Write a corpus and its codings as a REFI-QDA project (``.qdpx``).

    Parameters
    ----------
    corpus : Corpus
        Documents (text, kind, attributes) and participants (as cases).
        Base-layer segments and ``corpus.tables`` are not part of a REFI project.
    coded : DataFrame or None
        One row per coding with at least ``doc_id``, ``start``, ``end``,
        ``code`` (``"namespace:id"``) and ``coder``; ``memo`` is used when present.
    path : path-like
        The ``.qdpx`` file to write (atomically).
    codebooks : Codebook or iterable of Codebook, optional
        The codebooks the codes come from (their whole tree is written, unused
        codes included). Without them a flat codebook per namespace is made
        from the ``code`` and ``code_name`` columns.
    overwrite : bool
        Replace an existing file; without it an existing file raises
        :class:`~qualkit.errors.OutputExistsError`.
    name : str, optional
        The project name; default the file name without extension.

    Returns
    -------
    None
        The file is the result; :func:`read_qdpx` (or another REFI-QDA tool)
        reads the documents and codings back.

    Raises
    ------
    InputError
        A coding of an unknown document or code, a span outside its
        document, a reserved attribute name, a text XML cannot hold.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.model import Corpus, Document
    >>> doc = Document.from_text("fg1", "We delen lesmateriaal met elkaar.")
    >>> coded = pd.DataFrame({"doc_id": ["fg1"], "start": [3], "end": [21], "code": ["net:delen"], "coder": ["LV"]})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "netwerk.qdpx"
    >>> write_qdpx(Corpus([doc]), coded, p)
    >>> read_qdpx(p).coded[["doc_id", "code", "coder", "text"]].values.tolist()
    [['fg1', 'net:delen', 'LV', 'delen lesmateriaal']]
    """
    books = _books(codebooks, coded)
    rows = _coding_rows(corpus, coded, books)
    entries = _entries(corpus, rows, books, name or Path(path).stem)
    with atomic_output(path, overwrite=overwrite) as tmp:
        with zipfile.ZipFile(tmp, "w") as zf:
            for entry, data in entries:
                info = zipfile.ZipInfo(entry, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # the same bytes on every OS
                info.external_attr = 0o644 << 16
                zf.writestr(info, data, compresslevel=6)


def _books(codebooks: Codebook | Iterable[Codebook] | None, coded: pd.DataFrame | None) -> list[Codebook]:
    if codebooks is not None:
        return [codebooks] if isinstance(codebooks, Codebook) else list(codebooks)
    if coded is None or coded.empty:
        return []
    names: dict[str, str] = {}
    for code, name in zip(coded["code"], coded["code_name"] if "code_name" in coded else coded["code"], strict=True):
        if not pd.isna(code):
            names.setdefault(str(code), str(code) if pd.isna(name) else str(name))
    by_ns: dict[str, list[Code]] = {}
    for q in sorted(names):
        ns, _, cid = q.partition(":")
        by_ns.setdefault(ns, []).append(Code(cid, names[q], ns))
    return [Codebook(ns, ns, tuple(codes)) for ns, codes in by_ns.items()]


def _coding_rows(corpus: Corpus, coded: pd.DataFrame | None, books: list[Codebook]) -> list[tuple[str, int, int, str, str, str]]:
    """Return the codings as checked ``(doc_id, start, end, code, coder, memo)`` tuples, in a fixed order."""
    if coded is None or coded.empty:
        return []
    missing = [c for c in ("doc_id", "start", "end", "code", "coder") if c not in coded.columns]
    if missing:
        raise InputError(f"coded frame: missing column(s) {missing}; it needs doc_id, start, end, code and coder")
    known = {c.qualified for b in books for c in b.codes}
    memos = coded["memo"] if "memo" in coded.columns else pd.Series([""] * len(coded), index=coded.index)
    out = []
    for i, (doc_id, start, end, code, coder, memo) in enumerate(
        zip(coded["doc_id"], coded["start"], coded["end"], coded["code"], coded["coder"], memos, strict=True)
    ):
        row = f"coded frame, row {i}"
        if doc_id not in corpus.documents:
            raise InputError(f"{row}: document {doc_id!r} is not in the corpus; pass the corpus the codings belong to")
        n = len(corpus[doc_id].text)
        if pd.isna(start) or pd.isna(end) or not (0 <= int(start) <= int(end) <= n):
            raise InputError(f"{row}: span {start}-{end} lies outside document {doc_id!r} ({n} characters)")
        if code not in known:
            raise InputError(f"{row}: code {code!r} is in none of the codebooks; pass the codebook that defines it")
        if pd.isna(coder) or not str(coder):
            raise InputError(f"{row}: no coder; every coding needs one (a name, initials or auto:rules)")
        memo_s = "" if pd.isna(memo) else str(memo)
        xml_text(memo_s, f"{row}, memo", InputError)
        xml_text(str(coder), f"{row}, coder", InputError)
        out.append((str(doc_id), int(start), int(end), str(code), str(coder), memo_s))
    order = {d: i for i, d in enumerate(corpus.documents)}
    return sorted(out, key=lambda r: (order[r[0]], *r[1:]))


def _entries(corpus: Corpus, rows: list[tuple[str, int, int, str, str, str]], books: list[Codebook], name: str) -> list[tuple[str, bytes]]:
    root = ET.Element("Project", name=xml_text(name, "project name", InputError), origin=f"qualkit {__version__}")
    coders = sorted({r[4] for r in rows})
    if coders:
        users = ET.SubElement(root, "Users")
        for c in coders:
            ET.SubElement(users, "User", guid=guid("user", c), name=c)
    if books:
        ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes").extend(codes_elements(books))
    variables = _Variables(corpus)
    if variables.types:
        root.append(variables.element())
    if corpus.participants:
        cases = ET.SubElement(root, "Cases")
        for p in corpus.participants:
            cases.append(_case_element(p, corpus, variables))
    entries: list[tuple[str, bytes]] = []
    by_doc: dict[str, list[tuple[str, int, int, str, str, str]]] = {}
    for r in rows:
        by_doc.setdefault(r[0], []).append(r)
    if corpus.documents:
        sources = ET.SubElement(root, "Sources")
        for doc in corpus:
            g = guid("source", doc.id)
            el = ET.SubElement(sources, "TextSource", guid=g, name=xml_text(doc.id, f"document {doc.id!r}", InputError), plainTextPath=f"internal://{g}.txt")
            _selections(el, by_doc.get(doc.id, []))
            values = {"kind": doc.kind, **_checked(doc.attributes, DOCUMENT_FIELDS, f"document {doc.id!r}")}
            for var, value in values.items():
                variables.append_value(el, var, value)
            entries.append((f"sources/{g}.txt", doc.text.encode("utf-8")))
    return [("project.qde", to_xml_bytes(root, PROJECT_NS)), *entries]


def _selections(el: ET.Element, rows: list[tuple[str, int, int, str, str, str]]) -> None:
    seen: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        seen[row] += 1  # identical rows stay apart
        key = "\x1f".join(map(str, (*row, seen[row])))
        user = guid("user", row[4])
        sel = ET.SubElement(
            el, "PlainTextSelection", guid=guid("selection", key), startPosition=str(row[1]), endPosition=str(row[2]), creatingUser=user
        )
        if row[5]:
            ET.SubElement(sel, "Description").text = row[5]
        coding = ET.SubElement(sel, "Coding", guid=guid("coding", key), creatingUser=user)
        ET.SubElement(coding, "CodeRef", targetGUID=guid("code", row[3]))


def _checked(attributes: dict[str, Any], reserved: Sequence[str], owner: str) -> dict[str, Any]:
    clash = [k for k in attributes if k in reserved]
    if clash:
        raise InputError(
            f"{owner}: attribute(s) {clash} would collide with the REFI variable(s) qualkit uses for {list(reserved)}; rename them"
        )
    return attributes


def _case_element(p: Participant, corpus: Corpus, variables: _Variables) -> ET.Element:
    owner = f"participant {p.speaker!r}"
    el = ET.Element("Case", guid=guid("case", f"{p.document}\x1f{p.speaker}"), name=xml_text(p.speaker, owner, InputError))
    values = {"person": p.person, "role": p.role, "group": p.group, "document": p.document, **_checked(p.attributes, CASE_FIELDS, owner)}
    for var, value in values.items():
        variables.append_value(el, var, value)
    if p.document in corpus.documents:
        ET.SubElement(el, "SourceRef", targetGUID=guid("source", p.document))
    return el


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, numbers.Integral):
        return "Integer"
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return "Float"
    if isinstance(value, dt.datetime):
        return "DateTime"
    if isinstance(value, dt.date):
        return "Date"
    return "Text"


class _Variables:
    """The project's variables: one per attribute name, typed by all its values (Text when they differ)."""

    def __init__(self, corpus: Corpus) -> None:
        seen: dict[str, set[str]] = {}
        pairs = [("kind", d.kind) for d in corpus] + [kv for d in corpus for kv in d.attributes.items()]
        for p in corpus.participants:
            pairs += [("person", p.person), ("role", p.role), ("group", p.group), ("document", p.document), *p.attributes.items()]
        for key, value in pairs:
            if not _missing(value):
                seen.setdefault(str(key), set()).add(_type_of(value))
        # Integer and Float together are Float; any other mix is Text
        self.types = {
            k: (t.pop() if len(t) == 1 else "Float" if t == {"Integer", "Float"} else "Text") for k, t in seen.items()
        }

    def element(self) -> ET.Element:
        el = ET.Element("Variables")
        for name, kind in self.types.items():
            ET.SubElement(el, "Variable", guid=guid("variable", name), name=xml_text(name, f"variable {name!r}", InputError), typeOfVariable=kind)
        return el

    def append_value(self, owner: ET.Element, name: str, value: Any) -> None:
        if _missing(value):
            return
        kind = self.types[name]
        vv = ET.SubElement(owner, "VariableValue")
        ET.SubElement(vv, "VariableRef", targetGUID=guid("variable", name))
        ET.SubElement(vv, f"{kind}Value").text = _value_text(kind, value, name)


def _value_text(kind: str, value: Any, name: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Integer":
        return str(int(value))
    if kind == "Float":  # xsd:decimal has no exponent: 1e-05 must be written 0.00001
        return format(Decimal(repr(float(value))), "f")
    if kind in ("Date", "DateTime"):
        return value.isoformat()
    return xml_text(str(value), f"variable {name!r}", InputError)
