"""Exports of coded frames: CSV excerpts, XLSX workbooks, HTML reports, wide matrices.

Every writer refuses to replace an existing file unless ``overwrite=True`` and
writes atomically (:func:`qualkit._io.atomic_output`), so a crash never leaves
half a file and never destroys earlier work.

Formula neutralisation
----------------------
A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula ("CSV injection"). Transcripts are written by
other people, so an excerpt like ``=HYPERLINK(...)`` must stay text. Following
the OWASP advice, CSV exports prefix such *text* cells with a single quote
``'``; numbers (a negative offset, a negative attribute) are never touched.
A text cell that already starts with quotes followed by one of those characters
gets one more quote, so :func:`read_excerpts` can remove exactly one and give
back the original text. XLSX files store text cells as text with Excel's own
"quote prefix" style, so the values stay exact and are never evaluated. Pass
``neutralise_formulas=False`` to write text unchanged (and read such a file
with ``read_excerpts(path, neutralised=False)``).

Examples
--------
>>> neutralise("=SUM(A1:A3)")
"'=SUM(A1:A3)"
>>> unneutralise(neutralise("-- geen idee"))
'-- geen idee'
>>> neutralise("'t is goed")
"'t is goed"
"""

from __future__ import annotations

import csv
import html
import io
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import atomic_output
from .columns import CODED_COLUMNS, MATCHED_SEP, PATH_SEP
from .errors import InputError, SheetError, where
from .model import Codebook

__all__ = [
    "coded_frame",
    "export_excerpts",
    "export_html",
    "export_matrix",
    "export_xlsx",
    "read_excerpts",
]

#: the first characters that make a spreadsheet evaluate a cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_IS_QUOTED = re.compile(r"^'+[=+\-@\t\r]")

#: coded columns that hold whole numbers
INT_COLUMNS = ("position", "start", "end")
#: coded columns that may be missing (read back as NaN); other text columns read back as ""
NULLABLE_COLUMNS = ("segment_id", "speaker", "person", "role", "group")
#: coded columns that always hold text ("" when empty)
TEXT_COLUMNS = tuple(c for c in CODED_COLUMNS if c not in INT_COLUMNS and c not in NULLABLE_COLUMNS)


# --------------------------------------------------------------------------- helpers


def neutralise(value: str) -> str:
    """Return ``value`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Examples
    --------
    >>> neutralise("+32 9 123 45 67"), neutralise("gewoon")
    ("'+32 9 123 45 67", 'gewoon')
    """
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` it would have added.

    Examples
    --------
    >>> unneutralise("'@iedereen"), unneutralise("'s avonds")
    ('@iedereen', "'s avonds")
    """
    return value[1:] if _IS_QUOTED.match(value) else value


def check_coded(coded: pd.DataFrame, what: str = "coded frame") -> None:
    """Raise :class:`InputError` unless ``coded`` has every column of CODED_COLUMNS."""
    if not isinstance(coded, pd.DataFrame):
        raise InputError(f"{what}: expected a pandas DataFrame of codings, got {type(coded).__name__}")
    missing = [c for c in CODED_COLUMNS if c not in coded.columns]
    if missing:
        raise InputError(
            f"{what}: missing column(s) {', '.join(missing)}; expected the columns of "
            "qualkit.columns.CODED_COLUMNS, as qk.code() returns them"
        )


def ordered_columns(coded: pd.DataFrame) -> list[str]:
    """CODED_COLUMNS first, then the extra (attribute) columns in frame order."""
    return [*CODED_COLUMNS, *(c for c in coded.columns if c not in CODED_COLUMNS)]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def _format_number(value: Any, decimal: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, Integral):
        return str(int(value))
    text = repr(float(value))
    return text.replace(".", decimal) if decimal != "." else text


def _cell(value: Any, numeric: bool, decimal: str, neutral: bool) -> str:
    if _is_missing(value):
        return ""
    if numeric or isinstance(value, (Real,)) and not isinstance(value, str):
        return _format_number(value, decimal)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return neutralise(text) if neutral else text


def _numeric_columns(frame: pd.DataFrame) -> set[str]:
    return {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}


def coded_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """Return a coded frame with the canonical dtypes from row mappings.

    ``position``/``start``/``end`` become ``int64``; ``segment_id``, ``speaker``,
    ``person``, ``role`` and ``group`` are text with NaN when missing; the other
    coded columns are text with ``""`` when missing. Keys that are not coded
    columns (document attributes) follow as extra columns, as given.

    Examples
    --------
    >>> f = coded_frame([{"doc_id": "d", "start": 0, "end": 3, "code": "a:b", "text": "Ja."}])
    >>> list(f.columns) == CODED_COLUMNS, f.loc[0, "memo"], str(f["start"].dtype)
    (True, '', 'int64')
    >>> coded_frame().empty
    True
    """
    rows = list(rows)
    extra: list[str] = []
    for row in rows:
        extra.extend(k for k in row if k not in CODED_COLUMNS and k not in extra)
    data: dict[str, pd.Series] = {}
    for column in CODED_COLUMNS:
        values = [row.get(column) for row in rows]
        if column in INT_COLUMNS:
            if any(_is_missing(v) for v in values):
                data[column] = pd.Series(values, dtype="float64")
            else:
                data[column] = pd.Series(values, dtype="int64")
        elif column in NULLABLE_COLUMNS:
            data[column] = pd.Series([None if _is_missing(v) else str(v) for v in values], dtype="str")
        else:
            data[column] = pd.Series(["" if _is_missing(v) else str(v) for v in values], dtype="str")
    for column in extra:
        data[column] = pd.Series([row.get(column) for row in rows])
    return pd.DataFrame(data, columns=[*CODED_COLUMNS, *extra])


# --------------------------------------------------------------------------- CSV


def export_excerpts(
    coded: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    excel: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    neutralise_formulas: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write the codings to a CSV file, one row per coding.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame (:data:`qualkit.columns.CODED_COLUMNS`, then document
        attributes); the columns are written in that order.
    path : path-like
        The ``.csv`` file to write.
    excel : bool
        Write for Dutch-language Excel: UTF-8 with a byte-order mark, ``;`` as
        delimiter and a decimal comma. Otherwise UTF-8, ``,`` and ``.``.
    sep, decimal, encoding : str, optional
        Override the delimiter, the decimal mark or the encoding.
    neutralise_formulas : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``
        (see the module notes). Numbers are never changed.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    Newlines inside excerpts are kept; such cells are quoted, as the CSV
    standard asks, so Excel and :func:`read_excerpts` read them as one cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualkit.columns import CODED_COLUMNS
    >>> row = dict.fromkeys(CODED_COLUMNS, "")
    >>> row.update(doc_id="fg1", position=0, start=4, end=18, code="net:leren",
    ...            coder="auto:rules", text="=we leren samen")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "fragmenten.csv"
    >>> _ = export_excerpts(pd.DataFrame([row]), out, excel=True)
    >>> out.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    >>> back = read_excerpts(out)
    >>> int(back.loc[0, "start"]), back.loc[0, "text"]
    (4, '=we leren samen')
    """
    check_coded(coded)
    sep = sep if sep is not None else (";" if excel else ",")
    decimal = decimal if decimal is not None else ("," if excel else ".")
    encoding = encoding if encoding is not None else ("utf-8-sig" if excel else "utf-8")
    if sep == decimal:
        raise InputError(f"{where(path)}: sep and decimal are both {sep!r}; choose two different characters")
    columns = ordered_columns(coded)
    numeric = _numeric_columns(coded)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for values in coded[columns].itertuples(index=False, name=None):
        writer.writerow(
            [_cell(v, c in numeric, decimal, neutralise_formulas) for c, v in zip(columns, values)]
        )
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(buffer.getvalue().encode(encoding))
    return Path(path)


def _sniff(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is None:
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{where(path)}: cannot decode the file as {encoding} (byte {exc.start}); "
            "qualkit exports are UTF-8; pass encoding=... if the file was saved otherwise"
        ) from None


def read_excerpts(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    neutralised: bool = True,
) -> pd.DataFrame:
    """Read a CSV written by :func:`export_excerpts` back into a coded frame.

    The delimiter, decimal mark and byte-order mark are detected from the file
    unless given. The frame has the dtypes of a coded frame: ``position``,
    ``start`` and ``end`` are integers; empty ``memo``/``matched``/... are
    ``""``; empty ``speaker``/``role``/... are missing (NaN). Attribute columns
    come back as numbers when every value is written as one, otherwise as text.

    Parameters
    ----------
    path : path-like
        The CSV file.
    sep, decimal, encoding : str, optional
        Override the detected dialect.
    neutralised : bool
        The file was written with ``neutralise_formulas=True`` (the default):
        remove the ``'`` that protected formula-like text.

    Raises
    ------
    SheetError
        A missing coded column, a row with the wrong number of cells, or an
        offset that is not a whole number; the message names the line.
    SourceNotFoundError
        The file does not exist.

    Examples
    --------
    See :func:`export_excerpts`.
    """
    from .errors import SourceNotFoundError

    path = Path(path)
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file; check the name and the folder")
    text, _ = _sniff(path, path.read_bytes(), encoding)
    first_line = text.split("\n", 1)[0]
    if sep is None:
        sep = ";" if first_line.count(";") > first_line.count(",") else ","
    if decimal is None:
        decimal = "," if sep == ";" else "."
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise SheetError(f"{where(path)}: the file is empty; expected a header row with {', '.join(CODED_COLUMNS)}") from None
    missing = [c for c in CODED_COLUMNS if c not in header]
    if missing:
        raise SheetError(
            f"{where(path, 1)}: missing column(s) {', '.join(missing)} in the header; "
            f"found {', '.join(header)}; is this a qualkit export (delimiter {sep!r})?"
        )
    rows: list[list[str]] = []
    lines: list[int] = []
    line = 2
    for record in reader:
        if len(record) != len(header):
            raise SheetError(
                f"{where(path, line)}: expected {len(header)} cells, found {len(record)}; "
                "a delimiter or quote was probably changed by hand"
            )
        rows.append(record)
        lines.append(line)
        line = reader.line_num + 1
    raw = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    return _typed_frame(raw, path, lines, decimal, neutralised)


def _typed_frame(raw: pd.DataFrame, path: Path, lines: list[int], decimal: str, neutralised: bool) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for column in raw.columns:
        cells = raw[column].tolist()
        if column in INT_COLUMNS:
            data[column] = _int_series(cells, column, path, lines)
            continue
        escaped = any(_IS_QUOTED.match(c) for c in cells) if neutralised else False
        values = [unneutralise(c) for c in cells] if neutralised else cells
        if column in TEXT_COLUMNS:
            data[column] = pd.Series(values, dtype="str")
        elif column in NULLABLE_COLUMNS or escaped:
            data[column] = pd.Series([v if v != "" else None for v in values], dtype="str")
        else:
            data[column] = _attribute_series(values, decimal)
    return pd.DataFrame(data, columns=list(raw.columns))


def _int_series(cells: list[str], column: str, path: Path, lines: list[int]) -> pd.Series:
    out: list[float | int] = []
    for cell, line in zip(cells, lines):
        if cell == "":
            out.append(math.nan)
            continue
        try:
            out.append(int(cell))
        except ValueError:
            raise SheetError(
                f"{where(path, line)}: column {column!r} must hold a whole number, found {cell!r}; "
                "offsets must not be edited by hand"
            ) from None
    if any(isinstance(v, float) for v in out):
        return pd.Series(out, dtype="float64")
    return pd.Series(out, dtype="int64")


def _attribute_series(values: list[str], decimal: str) -> pd.Series:
    """Numbers when every non-empty value is written exactly as qualkit writes numbers."""
    present = [v for v in values if v != ""]
    if present and all(v in ("True", "False") for v in present) and len(present) == len(values):
        return pd.Series([v == "True" for v in values], dtype="bool")
    if present and all(_is_int_text(v) for v in present):
        if len(present) == len(values):
            return pd.Series([int(v) for v in values], dtype="int64")
        return pd.Series([float(v) if v else math.nan for v in values], dtype="float64")
    floats = [_float_or_none(v, decimal) for v in present]
    if present and all(f is not None for f in floats):
        return pd.Series([_float_or_none(v, decimal) if v else math.nan for v in values], dtype="float64")
    return pd.Series([v if v != "" else None for v in values], dtype="str")


def _is_int_text(value: str) -> bool:
    try:
        return str(int(value)) == value
    except ValueError:
        return False


def _float_or_none(value: str, decimal: str) -> float | None:
    """The float ``value`` stands for, only when qualkit would write it exactly so."""
    try:
        number = float(value.replace(decimal, ".") if decimal != "." else value)
    except ValueError:
        return None
    return number if _format_number(number, decimal) == value else None
