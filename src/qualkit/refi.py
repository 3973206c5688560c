"""REFI-QDA (QDA-XML 1.0) codebooks: the ``.qdc`` format and the code tree shared with ``.qdpx``.

REFI-QDA is the exchange standard of ATLAS.ti, NVivo, MAXQDA, QDA Miner and
others (https://www.qdasoftware.org). A codebook there is a tree of ``<Code>``
elements with a ``guid``, a ``name``, ``isCodable``, an optional ``color`` and
an optional ``<Description>``. qualkit's codebooks carry more (a namespace, a
stable id, inclusion and exclusion criteria, an example, coding rules), so the
mapping is:

* **One category code per codebook.** Every qualkit codebook is written as a
  top-level code with ``isCodable="false"`` named after the codebook; its codes
  hang below it. Several codebooks in one file therefore stay apart in the
  other tool, exactly as their namespaces keep them apart in qualkit.
* **GUIDs are deterministic**: ``uuid5(QUALKIT_UUID, "code:<namespace>:<id>")``
  for a code, ``"codebook:<namespace>"`` for the category of a codebook, so the
  same codebook always gives the same file, byte for byte.
* **The qualkit id stays recoverable** through a short trailer at the end of
  each ``<Description>``, after a line ``--- qualkit ---``, one ``key: value``
  line per field with the value as JSON::

      Wanneer de school haar koers voor later uitzet.

      --- qualkit ---
      id: "leiderschap:visie"
      include: "doelen voor meer dan een schooljaar"

  The text above the trailer is the definition a user sees in any tool.
  ``include``, ``exclude``, ``example`` and the ``rules`` travel in the trailer
  too, so a qualkit -> REFI -> qualkit round trip gives an equal codebook.
  Why there: QDA-XML 1.0 has no extension point (no ``xs:any``, no
  ``anyAttribute``), so an own element or attribute makes the file invalid,
  and a ``<Set>`` or ``<Note>`` is not kept by every tool (QualCoder ignores
  ``<Sets>`` in a ``.qdc``). A code's ``<Description>`` is the one free text
  every tool imports and writes back, so only there do the fields survive a
  trip through another tool.
* **Codes written by other tools** (no trailer) get their id from their name
  (lower case, accents dropped, other characters ``_``); a name used by more
  than one code is prefixed with its parent's id (``cs_as_programming.programming``),
  and any clash left gets ``-2``, ``-3`` ... Their namespace is the slug of the
  file name (``.qdc``) or of the project name (``.qdpx``), or ``"refi"``.
* Codes with ``isCodable="false"`` become categories (``codable=False``); a
  code without ``isCodable`` is codable. Code groups (``<Sets>``, as ATLAS.ti
  writes them) have no place in a qualkit codebook: :func:`read_qdc` warns.
* Codes come back in tree order: depth first, siblings in their order. A
  codebook already in that order (as nested YAML gives) round-trips equal.

Every XML file is parsed with :mod:`defusedxml`, with any DTD refused, so
entity tricks (billion laughs, external entities) never expand.

Examples
--------
>>> import tempfile, pathlib
>>> from qualkit.model import Code, Codebook
>>> book = Codebook("lei", "Leiderschap", (Code("visie", "Visie", "lei", colour="#4C72B0"),))
>>> path = pathlib.Path(tempfile.mkdtemp()) / "lei.qdc"
>>> write_qdc(book, path)
>>> read_qdc(path) == book
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

from ._io import atomic_output
from .errors import CodebookError, ProjectFileError, QualkitWarning, SourceNotFoundError
from .model import Code, Codebook, Rules

#: the XML namespace of a REFI-QDA project (``project.qde``)
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: the XML namespace of a REFI-QDA codebook (``.qdc``)
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: the uuid5 namespace of every GUID qualkit writes
QUALKIT_UUID = uuid.UUID("6f1c3c52-4a8e-5d2b-9b47-1d0e6a3f8c21")
#: the line that starts qualkit's trailer in a ``<Description>``
TRAILER = "--- qualkit ---"
#: the namespace of imported codes when nothing better is known
DEFAULT_NAMESPACE = "refi"
#: the largest ``.qdc`` file read (bytes); larger files are refused unread
MAX_QDC_BYTES = 64 * 1024 * 1024

_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
# characters XML 1.0 cannot hold at all (not even as a character reference)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")


@lru_cache(maxsize=65536)
def guid(kind: str, key: str) -> str:
    """Return the deterministic GUID of one qualkit object: ``uuid5(QUALKIT_UUID, f"{kind}:{key}")``.

    Computed from SHA-1 directly (what :func:`uuid.uuid5` does, several times
    faster), because a large project needs one per coding.

    Examples
    --------
    >>> guid("code", "lei:visie") == str(uuid.uuid5(QUALKIT_UUID, "code:lei:visie"))
    True
    """
    h = bytearray(hashlib.sha1(QUALKIT_UUID.bytes + f"{kind}:{key}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def slug(name: str, default: str = "code") -> str:
    """Return an id made from a display name: lower case, ASCII, ``_`` between words.

    Examples
    --------
    >>> slug("Coördinatie & overleg")
    'coordinatie_overleg'
    >>> slug("qc project")
    'qc_project'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^0-9a-z_-]+", "_", ascii_.lower()).strip("_")
    return out or default


# ---------------------------------------------------------------- descriptions


def with_trailer(text: str, fields: dict[str, Any]) -> str:
    """Return ``text`` followed by qualkit's trailer holding ``fields`` (empty ones left out).

    Examples
    --------
    >>> print(with_trailer("Definitie.", {"id": "lei:visie", "include": ""}))
    Definitie.
    <BLANKLINE>
    --- qualkit ---
    id: "lei:visie"
    """
    lines = [TRAILER] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v not in ("", None, {}, [])]
    return (text + "\n\n" if text else "") + "\n".join(lines)


def split_trailer(description: str) -> tuple[str, dict[str, Any]]:
    """Return the visible text of a description and the fields of its trailer (``{}`` if none).

    Examples
    --------
    >>> split_trailer(with_trailer("Tekst.", {"id": "a:b"}))
    ('Tekst.', {'id': 'a:b'})
    >>> split_trailer("Gewone beschrijving.")
    ('Gewone beschrijving.', {})
    """
    at = description.rfind(TRAILER)
    if at < 0 or (at > 0 and description[at - 1] != "\n"):
        return description, {}
    fields: dict[str, Any] = {}
    for line in description[at + len(TRAILER) :].split("\n")[1:]:
        key, sep, value = line.partition(": ")
        try:
            fields[key] = json.loads(value)
        except ValueError:
            return description, {}  # not our trailer after all: keep the text whole
        if not sep:
            return description, {}
    text = description[:at]
    return (text[:-2] if text.endswith("\n\n") else text), fields


def _rules_fields(rules: Rules) -> dict[str, Any]:
    return {k: v for k, v in asdict(rules).items() if v not in ((), False)}


def _rules_from(fields: dict[str, Any]) -> Rules:
    data = dict(fields)
    data["near"] = tuple(tuple(n) for n in data.get("near", ()))
    for key in ("keywords", "regex", "exclude", "roles", "units"):
        data[key] = tuple(data.get(key, ()))
    return Rules(**data)


# ---------------------------------------------------------------- safe XML


def xml_text(value: str, what: str, error: type[Exception] = CodebookError) -> str:
    """Return ``value`` if XML 1.0 can hold it; raise ``error`` naming ``what`` otherwise."""
    bad = _XML_ILLEGAL.search(value)
    if bad:
        raise error(
            f"{what}: character U+{ord(bad.group()):04X} at position {bad.start()} cannot be stored in XML; remove it"
        )
    return value


def to_xml_bytes(root: ET.Element, namespace: str) -> bytes:
    """Serialise a tree whose tags are local names into UTF-8 XML in ``namespace`` (the root gains ``xmlns``)."""
    # ElementTree's default_namespace option also rejects unqualified attribute
    # names, so the default namespace is declared as a plain attribute instead.
    root.attrib = {"xmlns": namespace, **root.attrib}
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    # A raw carriage return in element text would come back as "\n" (XML parsers
    # normalise line ends); written as a character reference it survives. Markup
    # itself never contains one, so the byte replacement is safe.
    return data.replace(b"\r", b"&#13;")


def parse_xml(data: bytes, where_: str) -> ET.Element:
    """Parse untrusted XML bytes and return the root with namespaces removed from tags.

    A DTD, entity declarations or external references are refused; so is XML
    that is not well-formed. ``where_`` names the file (and entry) in messages.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise ProjectFileError(
            f"{where_}: the XML declares a DTD or entities ({type(exc).__name__}); REFI-QDA files need neither, "
            "and qualkit refuses them because they can expand without bound or read other files"
        ) from None
    except ET.ParseError as exc:
        raise ProjectFileError(f"{where_}: not well-formed XML ({exc}); the file is damaged or not REFI-QDA") from None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def check_guid(value: str | None, where_: str, what: str) -> str:
    """Return a GUID in lower case without braces, or raise :class:`ProjectFileError`."""
    if value is None or not _GUID.fullmatch(value.strip()):
        raise ProjectFileError(f"{where_}: {what} has guid {value!r}; expected a GUID like 0f8fad5b-d9cb-469f-a165-70867728950e")
    return value.strip().strip("{}").lower()


def description_of(el: ET.Element) -> str:
    """Return the text of an element's ``<Description>`` child, or ``""``."""
    d = el.find("Description")
    return (d.text or "") if d is not None else ""


# ---------------------------------------------------------------- codebook -> XML


def codes_elements(books: Sequence[Codebook]) -> list[ET.Element]:
    """Return one top-level category ``<Code>`` per codebook, its codes nested below.

    Raises
    ------
    CodebookError
        Two codebooks share a namespace, a code's parent is missing, a colour
        is not ``#RRGGBB``, or a text holds a character XML cannot store.
    """
    seen = Counter(b.namespace for b in books)
    dup = sorted(ns for ns, n in seen.items() if n > 1)
    if dup:
        raise CodebookError([f"namespace {ns!r} is used by {seen[ns]} codebooks; give each codebook its own namespace" for ns in dup])
    return [_book_element(b) for b in books]


def _book_element(book: Codebook) -> ET.Element:
    el = ET.Element("Code", guid=guid("codebook", book.namespace), name=xml_text(book.name, f"codebook {book.namespace}"), isCodable="false")
    desc = with_trailer(book.description, {"codebook": book.namespace, "version": book.version})
    ET.SubElement(el, "Description").text = xml_text(desc, f"codebook {book.namespace}")
    written: set[str] = set()
    for code in book.children(None):
        el.append(_code_element(book, code, written))
    missing = [c.qualified for c in book.codes if c.id not in written]
    if missing:
        raise CodebookError(
            [f"code {q}: its parent is not in codebook {book.namespace!r} (or the parents form a cycle); fix its parent" for q in missing]
        )
    return el


def _code_element(book: Codebook, code: Code, written: set[str]) -> ET.Element:
    written.add(code.id)
    what = f"codebook {book.namespace}, code {code.qualified}"
    attrs = {"guid": guid("code", code.qualified), "name": xml_text(code.name, what), "isCodable": "true" if code.codable else "false"}
    if code.colour is not None:
        if not _COLOUR.fullmatch(code.colour):
            raise CodebookError(f"{what}: colour {code.colour!r} is not #RRGGBB; write it like \"#4C72B0\"")
        attrs["color"] = code.colour
    el = ET.Element("Code", attrs)
    fields = {"id": code.qualified, "include": code.include, "exclude": code.exclude, "example": code.example, "rules": _rules_fields(code.rules)}
    ET.SubElement(el, "Description").text = xml_text(with_trailer(code.description, fields), what)
    for child in book.children(code.id):
        if child.id not in written:
            el.append(_code_element(book, child, written))
    return el


# ---------------------------------------------------------------- XML -> codebook


@dataclass
class _Draft:
    """One ``<Code>`` element while its final id is being decided."""

    guid: str
    name: str
    namespace: str
    parent: _Draft | None
    codable: bool
    colour: str | None
    text: str
    fields: dict[str, Any]
    candidate: str
    id: str = ""


@dataclass
class CodeTree:
    """The codebooks read from a ``<Codes>`` element and the code of every GUID."""

    books: list[Codebook]
    by_guid: dict[str, Code] = field(default_factory=dict)


def read_code_tree(codes_el: ET.Element | None, namespace: str, name: str, where_: str, source: str | None = None) -> CodeTree:
    """Return the codebooks held by a REFI ``<Codes>`` element (see the module docstring for the mapping).

    Parameters
    ----------
    codes_el : Element or None
        The ``<Codes>`` element (namespaces removed); None gives no codebooks.
    namespace, name : str
        Namespace and display name of the codebook that receives the codes
        written by other tools.
    where_ : str
        The file, for messages.
    """
    if codes_el is None:
        return CodeTree([])
    wrappers: list[tuple[_Draft, list[_Draft]]] = []  # (codebook category, its codes)
    loose: list[_Draft] = []
    guids: set[str] = set()
    for top in codes_el.findall("Code"):
        head = _draft(top, namespace, None, where_, guids)
        ns = head.fields.get("codebook")
        if isinstance(ns, str) and ns:
            if any(h.namespace == ns for h, _ in wrappers):
                raise ProjectFileError(f"{where_}: two codebook categories claim namespace {ns!r}; rename one")
            head.namespace = ns
            body: list[_Draft] = []
            for child in top.findall("Code"):
                _collect(child, ns, None, where_, guids, body)
            wrappers.append((head, body))
        else:
            _collect(top, namespace, None, where_, guids, loose, head)
    books: list[Codebook] = []
    tree = CodeTree(books)
    if loose:
        # the file may be named after one of its codebooks: keep the namespaces apart
        taken = {head.namespace for head, _ in wrappers}
        loose_ns = namespace if namespace not in taken else f"{namespace}_refi"
        books.append(_book(loose_ns, name, "", "", loose, tree, source))
    for head, body in wrappers:
        books.append(_book(head.namespace, head.name, head.text, str(head.fields.get("version", "")), body, tree, source))
    return tree


def _draft(el: ET.Element, namespace: str, parent: _Draft | None, where_: str, guids: set[str]) -> _Draft:
    g = check_guid(el.get("guid"), where_, f"code {el.get('name')!r}")
    if g in guids:
        raise ProjectFileError(f"{where_}: two codes have guid {g}; every code needs its own guid")
    guids.add(g)
    name = el.get("name")
    if name is None:
        raise ProjectFileError(f"{where_}: code {g} has no name attribute; REFI-QDA requires one")
    colour = el.get("color")
    if colour is not None:
        colour = colour.strip()
        if not _COLOUR.fullmatch(colour):
            raise ProjectFileError(f"{where_}: code {g} ({name}) has color {colour!r}; expected #RRGGBB")
        if len(colour) == 4:  # "#abc" means "#aabbcc"
            colour = "#" + "".join(ch * 2 for ch in colour[1:])
    text, fields = split_trailer(description_of(el))
    codable = (el.get("isCodable") or "true").strip().lower() in ("true", "1")
    qualified = fields.get("id")
    candidate = qualified.split(":", 1)[1] if isinstance(qualified, str) and ":" in qualified else slug(name)
    return _Draft(g, name, namespace, parent, codable, colour, text, fields, candidate)


def _collect(el: ET.Element, ns: str, parent: _Draft | None, where_: str, guids: set[str], out: list[_Draft], draft: _Draft | None = None) -> None:
    d = draft or _draft(el, ns, parent, where_, guids)
    d.parent = parent
    out.append(d)
    for child in el.findall("Code"):
        _collect(child, ns, d, where_, guids, out)


def _book(ns: str, name: str, text: str, version: str, drafts: list[_Draft], tree: CodeTree, source: str | None) -> Codebook:
    _assign_ids(drafts)
    codes = []
    for d in drafts:
        f = d.fields
        code = Code(
            id=d.id,
            name=d.name,
            namespace=ns,
            parent=d.parent.id if d.parent else None,
            description=d.text,
            include=str(f.get("include", "")),
            exclude=str(f.get("exclude", "")),
            example=str(f.get("example", "")),
            colour=d.colour,
            codable=d.codable,
            rules=_rules_from(f.get("rules") or {}),
        )
        codes.append(code)
        tree.by_guid[d.guid] = code
    return Codebook(ns, name, tuple(codes), description=text, version=version, source=source)


def _assign_ids(drafts: list[_Draft]) -> None:
    """Give every draft a unique id: trailer ids first, then names, qualified by the parent on a clash."""
    used: set[str] = set()
    for d in drafts:
        if "id" in d.fields and d.candidate not in used:
            d.id = d.candidate
            used.add(d.id)
    counts = Counter(d.candidate for d in drafts if not d.id)
    for d in drafts:  # parents come before children, so d.parent.id is final
        if d.id:
            continue
        base = d.candidate
        if (counts[base] > 1 or base in used) and d.parent is not None:
            base = f"{d.parent.id}.{base}"
        new, n = base, 1
        while new in used:
            n += 1
            new = f"{base}-{n}"
        d.id = new
        used.add(new)


# ---------------------------------------------------------------- .qdc files


def write_qdc(books: Codebook | Iterable[Codebook], path: str | os.PathLike[str], overwrite: bool = False) -> None:
    """Write one or more codebooks as a REFI-QDA codebook file (``.qdc``).

    Parameters
    ----------
    books : Codebook or iterable of Codebook
        Each codebook becomes a top-level category code named after it.
    path : path-like
        The ``.qdc`` file to write (atomically).
    overwrite : bool
        Replace an existing file; without it an existing file raises
        :class:`~qualkit.errors.OutputExistsError`.

    Returns
    -------
    None
        The file is the result; :func:`read_qdc` reads it back into an equal
        codebook (ids, names, tree, definitions, rules).

    Raises
    ------
    CodebookError
        No codebook given, a namespace used twice, an orphan code, a bad colour.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.model import Code, Codebook
    >>> book = Codebook("net", "Netwerkthema's", (Code("leren", "Samen leren", "net"),
    ...                 Code("steun", "Steun van de directie", "net", parent="leren")))
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "netwerk.qdc"
    >>> write_qdc(book, p)
    >>> back = read_qdc(p)
    >>> back == book, [(c.name, c.parent) for c in back.codes]
    (True, [('Samen leren', None), ('Steun van de directie', 'leren')])
    """
    book_list = [books] if isinstance(books, Codebook) else list(books)
    if not book_list:
        raise CodebookError(f"{path}: no codebook to write; pass at least one Codebook")
    root = ET.Element("CodeBook", origin="qualkit")
    codes = ET.SubElement(root, "Codes")
    codes.extend(codes_elements(book_list))
    data = to_xml_bytes(root, CODEBOOK_NS)
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)


def read_qdc(path: str | os.PathLike[str], namespace: str | None = None) -> Codebook:
    """Read a REFI-QDA codebook file (``.qdc``) into a :class:`~qualkit.model.Codebook`.

    Parameters
    ----------
    path : path-like
        The ``.qdc`` file.
    namespace : str, optional
        Which codebook to return when the file holds several qualkit codebooks.
        Codes written by other tools get the namespace ``slug(file stem)``.

    Returns
    -------
    Codebook
        The codes in file order (parents before their children), with
        ``source`` set to the file; a codebook qualkit wrote comes back equal.

    Raises
    ------
    SourceNotFoundError
        The file does not exist.
    ProjectFileError
        Not a REFI-QDA codebook, unsafe XML, a bad GUID, or several codebooks
        and no (or an unknown) ``namespace``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.model import Code, Codebook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.qdc"
    >>> write_qdc([Codebook("a", "A", (Code("x", "X", "a"),)), Codebook("b", "B")], p)
    >>> read_qdc(p, namespace="b").name
    'B'
    """
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{p}: no such codebook file; check the path")
    size = p.stat().st_size
    if size > MAX_QDC_BYTES:
        raise ProjectFileError(f"{p}: {size} bytes, more than the {MAX_QDC_BYTES} bytes a codebook may have; is it really a .qdc file?")
    root = parse_xml(p.read_bytes(), str(p))
    if root.tag != "CodeBook":
        raise ProjectFileError(f"{p}: the root element is <{root.tag}>, expected <CodeBook> of a REFI-QDA codebook (.qdc)")
    tree = read_code_tree(root.find("Codes"), slug(p.stem, DEFAULT_NAMESPACE), p.stem, str(p), source=str(p))
    sets = root.findall("Sets/Set")
    if sets:
        # ATLAS.ti writes its code groups as <Sets> (a qualkit codebook has no groups besides the code tree)
        names = ", ".join(repr(s.get("name") or s.get("guid")) for s in sets)
        warnings.warn(f"{p}: {len(sets)} code group(s) under <Sets> are not imported ({names})", QualkitWarning, stacklevel=2)
    return _pick(tree.books, namespace, p)


def _pick(books: list[Codebook], namespace: str | None, p: Path) -> Codebook:
    if namespace is not None:
        for b in books:
            if b.namespace == namespace:
                return b
        raise ProjectFileError(f"{p}: no codebook with namespace {namespace!r}; it holds {[b.namespace for b in books]}")
    if len(books) == 1:
        return books[0]
    if not books:
        raise ProjectFileError(f"{p}: the codebook holds no codes")
    raise ProjectFileError(
        f"{p}: holds {len(books)} codebooks {[b.namespace for b in books]}; pass namespace= to choose one"
    )
