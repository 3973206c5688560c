"""Bytes to text: encoding detection and newline normalisation.

The order of attempts matters. A byte-order mark decides first (UTF-8, UTF-16
LE, UTF-16 BE). Without one, UTF-8 is tried before cp1252 because cp1252
decodes almost any byte sequence: a valid UTF-8 file would be read as
mojibake ("coÃ¶rdinator") if cp1252 went first, while real cp1252 text with
accents is almost never valid UTF-8. cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and
0x9D undefined, so bytes that are neither UTF-8 nor cp1252 are refused with
the offset of the first offending byte. NUL bytes never occur in text encoded
without a BOM; a file that holds them is binary (or UTF-16 without a BOM) and
is refused rather than decoded into garbage.

Examples
--------
>>> d = decode_bytes("Leerkracht: Dag\\r\\nX: co\\u00f6rdinator".encode("cp1252"), "a.txt")
>>> (d.encoding, d.newline, d.text)
('cp1252', '\\r\\n', 'Leerkracht: Dag\\nX: coördinator')
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import EmptySourceError, EncodingError, SourceNotFoundError, where

#: the encodings tried, in order, for bytes without a byte-order mark
FALLBACK_ENCODINGS = ("utf-8", "cp1252")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text with ``"\\n"`` newlines and how it was stored.

    Attributes
    ----------
    text : str
        The text, newlines normalised to ``"\\n"``.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16-le"``, ``"utf-16-be"`` or ``"cp1252"``.
    newline : str
        ``"\\n"``, ``"\\r\\n"``, ``"\\r"``, ``"mixed"`` or ``""`` (no line break).
    """

    text: str
    encoding: str
    newline: str


def newline_style(text: str) -> str:
    """Return the newline style of raw text: ``\\n``, ``\\r\\n``, ``\\r``, ``mixed`` or ``""``.

    Examples
    --------
    >>> newline_style("a\\r\\nb\\r\\n"), newline_style("a\\nb\\r\\n"), newline_style("ab")
    ('\\r\\n', 'mixed', '')
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    present = [style for style, n in (("\n", lf), ("\r\n", crlf), ("\r", cr)) if n]
    if not present:
        return ""
    return present[0] if len(present) == 1 else "mixed"


def normalise_newlines(text: str) -> tuple[str, str]:
    """Return ``text`` with ``\\r\\n`` and ``\\r`` turned into ``\\n``, and the original style.

    Examples
    --------
    >>> normalise_newlines("a\\rb")
    ('a\\nb', '\\r')
    """
    style = newline_style(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, style


def decode_bytes(data: bytes, source: str | os.PathLike[str] | None = None) -> Decoded:
    """Decode file bytes in the first supported encoding that fits.

    Parameters
    ----------
    data : bytes
        The raw content of a file.
    source : path-like, optional
        Used in error messages only.

    Raises
    ------
    EncodingError
        NUL bytes without a UTF-16 byte-order mark (binary data), or bytes that
        are valid in none of the supported encodings.

    Examples
    --------
    >>> decode_bytes(b"\\xef\\xbb\\xbfX: ja").encoding
    'utf-8-sig'
    >>> decode_bytes("X: ja".encode("utf-16")).text
    'X: ja'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, bom, encoding, source)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise EncodingError(
            f"{where(source)}: byte offset {nul} holds a NUL byte, so this is a binary file or UTF-16 "
            "without a byte-order mark, not text; open it in a text editor and save it as UTF-8"
        )
    problems = []
    for encoding in FALLBACK_ENCODINGS:
        try:
            raw = data.decode(encoding)
        except UnicodeDecodeError as exc:
            problems.append(f"{encoding} fails at byte offset {exc.start} (byte 0x{data[exc.start]:02X})")
            continue
        text, style = normalise_newlines(raw)
        return Decoded(text, encoding, style)
    raise EncodingError(
        f"{where(source)}: the bytes are not text in a supported encoding (tried {'; '.join(problems)}; "
        "UTF-8 and UTF-16 with a byte-order mark are recognised too); save the file as UTF-8"
    )


def _decode_with_bom(data: bytes, bom: bytes, encoding: str, source: str | os.PathLike[str] | None) -> Decoded:
    try:
        raw = data[len(bom) :].decode(encoding.replace("-sig", ""))
    except UnicodeDecodeError as exc:
        offset = exc.start + len(bom)
        raise EncodingError(
            f"{where(source)}: the file starts with a {encoding} byte-order mark but byte offset {offset} "
            f"is not valid {encoding} ({exc.reason}); the file is damaged or mislabelled: save it again as UTF-8"
        ) from None
    text, style = normalise_newlines(raw)
    return Decoded(text, encoding, style)


def read_text(path: str | os.PathLike[str]) -> Decoded:
    """Read and decode a text file; refuse a missing, empty or blank file.

    Raises
    ------
    SourceNotFoundError, EmptySourceError, EncodingError
    """
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{where(p)}: no such file; check the path")
    decoded = decode_bytes(p.read_bytes(), p)
    if not decoded.text.strip():
        raise EmptySourceError(f"{where(p)}: the file is empty (no text to load); remove it or fill it in")
    return decoded
