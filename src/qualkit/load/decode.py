"""Bytes to text: encoding detection and newline normalisation.

The order of attempts matters. A byte-order mark decides first (UTF-8, UTF-16
LE, UTF-16 BE). Without one, UTF-8 is tried before cp1252 because cp1252
decodes almost any byte sequence: a valid UTF-8 file would be read as
mojibake ("coÃ¶rdinator") if cp1252 went first, while real cp1252 text with
accents is almost never valid UTF-8. cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and
0x9D undefined, so bytes that are neither UTF-8 nor cp1252 are refused with
the offset of the first offending byte.

Two real-world cases get special care:

* UTF-16 without a byte-order mark (some export tools write it): NUL bytes
  never occur in text encoded otherwise, and in UTF-16 text they fill the
  high byte of almost every character, so nearly all odd bytes (little
  endian) or nearly all even bytes (big endian) are NUL. Such bytes are
  decoded as UTF-16 when the result is text (no control characters); any
  other file with NUL bytes is binary and refused rather than decoded into
  garbage.
* A UTF-8 file with a few stray Windows-1252 bytes (text pasted from another
  file): decoding all of it as cp1252 would silently turn every accent of
  the UTF-8 part into mojibake ("coÃ¶rdinator"), and guessing per byte would
  change the text without anyone noticing. Such a file is refused with the
  line, column and byte offset of each stray byte (up to five) and what the
  byte would be in Windows-1252, so it can be fixed in a text editor. A file
  counts as UTF-8 here when it holds at least one valid multi-byte UTF-8
  character; real cp1252 text almost never does.

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
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        raise EncodingError(
            f"{where(source)}: byte offset {nul} holds a NUL byte, so this is a binary file or UTF-16 "
            "without a byte-order mark, not text; open it in a text editor and save it as UTF-8"
        )
    problems = []
    for encoding in FALLBACK_ENCODINGS:
        try:
            raw = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                _refuse_stray_bytes(data, source)
            problems.append(f"{encoding} fails at byte offset {exc.start} (byte 0x{data[exc.start]:02X})")
            continue
        text, style = normalise_newlines(raw)
        return Decoded(text, encoding, style)
    raise EncodingError(
        f"{where(source)}: the bytes are not text in a supported encoding (tried {'; '.join(problems)}; "
        "UTF-8 and UTF-16 with a byte-order mark are recognised too); save the file as UTF-8"
    )


#: control characters that never occur in text (tab, newlines and form feed do)
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\r\f")


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """Decode UTF-16 without a byte-order mark, told by where its NUL bytes are; None when it is not."""
    if len(data) % 2:
        return None
    pairs = len(data) // 2
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if odd >= pairs / 2 and even <= odd / 10:
        encoding = "utf-16-le"
    elif even >= pairs / 2 and odd <= even / 10:
        encoding = "utf-16-be"
    else:
        return None
    try:
        raw = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if any(ch in _CONTROL for ch in raw):
        return None
    text, style = normalise_newlines(raw)
    return Decoded(text, encoding, style)


def _refuse_stray_bytes(data: bytes, source: str | os.PathLike[str] | None, shown: int = 5) -> None:
    """Raise when ``data`` is UTF-8 apart from a few stray bytes (see the module docstring)."""
    raw = data.decode("utf-8", errors="surrogateescape")
    if not any(ord(ch) > 127 and not 0xDC80 <= ord(ch) <= 0xDCFF for ch in raw):
        return  # no valid multi-byte character: not UTF-8, try cp1252
    newline = "\n" if "\n" in raw else "\r"
    strays = []
    offset = 0
    first_line = None
    for index, ch in enumerate(raw):
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            byte = ord(ch) - 0xDC00
            if len(strays) < shown:
                line = raw.count(newline, 0, index) + 1
                column = index - (raw.rfind(newline, 0, index) + 1) + 1
                first_line = first_line or line
                meaning = bytes([byte]).decode("cp1252", errors="replace")
                meaning = f"{meaning!r} in Windows-1252" if meaning != "\ufffd" else "undefined in Windows-1252"
                strays.append(f"byte offset {offset} (0x{byte:02X}, {meaning}) at line {line}, column {column}")
            else:
                strays.append("")
            offset += 1
        else:
            offset += len(ch.encode("utf-8", errors="surrogatepass"))
    listed = "; ".join(s for s in strays if s) + ("; ..." if len(strays) > shown else "")
    raise EncodingError(
        f"{where(source, first_line)}: the file is UTF-8 but {len(strays)} byte(s) are not: {listed}; probably "
        "text pasted from another file; retype those characters in a text editor and save the file as UTF-8"
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
