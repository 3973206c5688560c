"""CSV and XLSX tables as people write them.

CSV files are decoded like text files (UTF-8, UTF-8 with the BOM that Dutch
Excel writes, UTF-16 with BOM, cp1252) and their delimiter is sniffed from
the header line: the most frequent of ``;``, tab and ``,`` outside quotes
(ties go to ``;`` then tab, as a Dutch Excel export uses ``;`` and commas
appear in decimal numbers). Quoted cells may hold newlines. XLSX files are
read with openpyxl; the first sheet is used. Every cell is read as text so
labels stay exactly as written ("007" stays "007"); :func:`typed` turns
columns that are numbers throughout into numbers for the tables a user
analyses.

Examples
--------
>>> sniff_delimiter('naam;"a;b";c,d')
';'
>>> cell(" Ja "), cell(""), cell(3.0)
('Ja', None, '3')
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EmptySourceError, LoadError, SourceNotFoundError, where
from .decode import read_text

#: the extensions read as tables
TABLE_EXTENSIONS = (".csv", ".xlsx")


def sniff_delimiter(header: str) -> str:
    """Return the delimiter of a CSV header line: ``;``, tab or ``,``."""
    counts = {";": 0, "\t": 0, ",": 0}
    quoted = False
    for ch in header:  # one line only, so a character loop is cheap
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    if best == 0:
        return ","
    return next(d for d in (";", "\t", ",") if counts[d] == best)


def cell(value: Any) -> str | None:
    """Return a table cell as stripped text, or None when it is empty.

    Whole numbers lose their ``.0`` and midnight datetimes print as dates, so
    a value reads as it did in the spreadsheet.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of text cells (``None`` for empty cells).

    Raises
    ------
    SourceNotFoundError, EmptySourceError, EncodingError, LoadError
    """
    frame, _ = read_table_with_encoding(path)
    return frame


def read_table_with_encoding(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, str]:
    """Like :func:`read_table`, and also return the encoding (``"xlsx"`` for a workbook)."""
    p = Path(path)
    if not p.is_file():
        raise SourceNotFoundError(f"{where(p)}: no such file; check the path")
    if p.suffix.lower() == ".xlsx":
        frame, encoding = _read_xlsx(p), "xlsx"
    else:
        decoded = read_text(p)
        frame, encoding = _read_csv(decoded.text, p), decoded.encoding
    frame.columns = [cell(c) or f"column {i + 1}" for i, c in enumerate(frame.columns)]
    frame = frame.astype(object).map(cell)
    return frame, encoding


def _read_csv(text: str, path: Path) -> pd.DataFrame:
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise LoadError(
            f"{where(path)}: not a readable CSV table with delimiter {delimiter!r} ({exc}); "
            "check the quotes and that every row has as many cells as the header"
        ) from None


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise LoadError(f"{where(path)}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}); "
                        "open it in Excel and save it again as .xlsx") from None
    if frame.columns.size == 0:
        raise EmptySourceError(f"{where(path)}: the first sheet is empty (no text to load); fill it in or remove the file")
    return frame


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with columns that hold only numbers converted to numbers.

    Examples
    --------
    >>> t = typed(pd.DataFrame({"a": ["1", None, "3,5"], "b": ["x", "2", None]}))
    >>> t["a"].tolist(), t["b"].tolist()
    ([1.0, nan, 3.5], ['x', '2', nan])
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        filled = values.dropna()
        if filled.empty:
            continue
        numbers = pd.to_numeric(filled.astype(str).str.replace(",", ".", regex=False), errors="coerce")
        if numbers.notna().all():
            out[column] = pd.to_numeric(
                values.map(lambda v: str(v).replace(",", "."), na_action="ignore"), errors="coerce"
            )
    return out
