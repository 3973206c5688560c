"""Encodings and newlines: every supported encoding from real bytes, and the refusals."""

from __future__ import annotations

import codecs

import pytest

from qualkit.errors import EmptySourceError, EncodingError, SourceNotFoundError
from qualkit.load import load_corpus
from qualkit.load.decode import decode_bytes, newline_style, normalise_newlines

TEXT = "Zorgcoördinator: Dat is één idee.\nLeerkracht 5: Akkoord – ‘zeker’."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_each_encoding_is_detected_and_recorded(tmp_path, data, encoding):
    path = tmp_path / "fg.txt"
    path.write_bytes(data)
    doc = load_corpus(path)["fg"]
    assert (doc.text, doc.encoding) == (TEXT, encoding)
    assert [s.speaker for s in doc.units("turn")] == ["Zorgcoördinator", "Leerkracht 5"]


def test_python_utf16_writer_output_is_read(tmp_path):
    # Python's "utf-16" codec writes a BOM in the machine's byte order (little-endian here)
    path = tmp_path / "fg.txt"
    path.write_text("X: één\r\nY: twee\r\n", encoding="utf-16")
    doc = load_corpus(path)["fg"]
    assert (doc.text, doc.encoding, doc.newline) == ("X: één\nY: twee\n", "utf-16-le", "\r\n")


@pytest.mark.parametrize(
    ("raw", "style"),
    [("a\nb\n", "\n"), ("a\r\nb\r\n", "\r\n"), ("a\rb\r", "\r"), ("a\r\nb\nc", "mixed"), ("ab", ""),
     ("a\rb\r\n", "mixed")],
)
def test_newline_style_and_normalisation(raw, style):
    text, found = normalise_newlines(raw)
    assert found == style == newline_style(raw)
    assert "\r" not in text
    assert text.count("\n") == raw.count("\r\n") + raw.replace("\r\n", "").count("\r") + raw.replace("\r\n", "").count("\n")


def test_valid_utf8_is_not_read_as_cp1252():
    assert decode_bytes("coördinator".encode("utf-8")).text == "coördinator"


def test_undefined_cp1252_byte_is_refused_with_offsets():
    data = b"X: ja \x81 nee"
    with pytest.raises(EncodingError) as info:
        decode_bytes(data, "fg.txt")
    assert str(info.value) == (
        "fg.txt: the bytes are not text in a supported encoding (tried utf-8 fails at byte offset 6 (byte 0x81); "
        "cp1252 fails at byte offset 6 (byte 0x81); UTF-8 and UTF-16 with a byte-order mark are recognised too); "
        "save the file as UTF-8"
    )


def test_nul_bytes_are_refused_as_binary(tmp_path):
    path = tmp_path / "fg.txt"
    path.write_bytes(b"X: ja\x00\x01\x02")
    with pytest.raises(EncodingError) as info:
        load_corpus(path)
    assert str(info.value) == (
        f"{path}: byte offset 5 holds a NUL byte, so this is a binary file or UTF-16 without a byte-order mark, "
        "not text; open it in a text editor and save it as UTF-8"
    )


def test_utf16_without_bom_is_detected_not_garbled():
    # behaviour changed on purpose: the NUL pattern tells UTF-16 without a BOM apart from binary data
    little, big = decode_bytes("X: één".encode("utf-16-le")), decode_bytes("X: één".encode("utf-16-be"))
    assert (little.text, little.encoding, big.text, big.encoding) == ("X: één", "utf-16-le", "X: één", "utf-16-be")
    with pytest.raises(EncodingError, match="byte offset 1 holds a NUL byte"):
        decode_bytes("X: ja\x01\x02".encode("utf-16-le"))  # control characters: not text


def test_damaged_utf16_is_refused():
    with pytest.raises(EncodingError, match=r"a utf-16-le byte-order mark but byte offset 2 is not valid utf-16-le"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone high surrogate


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n", codecs.BOM_UTF8])
def test_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "leeg.txt"
    path.write_bytes(content)
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}: the file is empty (no text to load); remove it or fill it in"


def test_missing_path(tmp_path):
    path = tmp_path / "nergens.txt"
    with pytest.raises(SourceNotFoundError) as info:
        load_corpus(path)
    assert str(info.value).startswith(f"{path}: no such file or folder (the current folder is ")
    assert str(info.value).endswith("); check the path")
    assert isinstance(info.value, FileNotFoundError)
