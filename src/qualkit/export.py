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
from .columns import CODED_COLUMNS
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
    return write_csv(
        coded[ordered_columns(coded)],
        path,
        excel=excel,
        sep=sep,
        decimal=decimal,
        encoding=encoding,
        neutralise_formulas=neutralise_formulas,
        overwrite=overwrite,
    )


def write_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    excel: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    neutralise_formulas: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write any frame as :func:`export_excerpts` writes a coded frame (same options)."""
    sep = sep if sep is not None else (";" if excel else ",")
    decimal = decimal if decimal is not None else ("," if excel else ".")
    encoding = encoding if encoding is not None else ("utf-8-sig" if excel else "utf-8")
    if sep == decimal:
        raise InputError(f"{where(path)}: sep and decimal are both {sep!r}; choose two different characters")
    columns = list(frame.columns)
    numeric = _numeric_columns(frame)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for values in frame.itertuples(index=False, name=None):
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
        except UnicodeDecodeError:
            # Excel's "CSV (gescheiden door lijstscheidingsteken)" saves in Windows-1252
            encoding = "cp1252"
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

    Returns
    -------
    pandas.DataFrame
        A coded frame as :func:`coded_frame` builds it: the coded columns with
        their types, then the file's extra columns (as text).

    Raises
    ------
    SheetError
        A missing coded column, a row with the wrong number of cells, or an
        offset that is not a whole number; the message names the line.
    SourceNotFoundError
        The file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = dict(doc_id="fg1", start=4, end=9, code="n:leren", coder="AB", text="leren", school="De Linde")
    >>> out = export_excerpts(coded_frame([row]), pathlib.Path(tempfile.mkdtemp()) / "c.csv", excel=True)
    >>> back = read_excerpts(out)
    >>> int(back.loc[0, "end"]), back.loc[0, "code"], back.loc[0, "school"], list(back.columns)[-1]
    (9, 'n:leren', 'De Linde', 'school')
    """
    path = Path(path)
    header, rows, lines, sep = read_csv_records(path, sep=sep, encoding=encoding)
    if decimal is None:
        decimal = "," if sep == ";" else "."
    missing = [c for c in CODED_COLUMNS if c not in header]
    if missing:
        raise SheetError(
            f"{where(path, 1)}: missing column(s) {', '.join(missing)} in the header; "
            f"found {', '.join(header)}; is this a qualkit export (delimiter {sep!r})?"
        )
    raw = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    return _typed_frame(raw, path, lines, decimal, neutralised)


def read_csv_records(
    path: Path, *, sep: str | None = None, encoding: str | None = None
) -> tuple[list[str], list[list[str]], list[int], str]:
    """Return the header, the records, the line each record starts on, and the delimiter.

    UTF-8 (with or without byte-order mark) unless ``encoding`` is given; the
    delimiter is ``;`` when the header holds more of them than commas.
    Every record must have as many cells as the header.
    """
    from .errors import SourceNotFoundError

    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file; check the name and the folder")
    text, _ = _sniff(path, path.read_bytes(), encoding)
    first_line = text.split("\n", 1)[0]
    if sep is None:
        sep = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise SheetError(f"{where(path)}: the file is empty; expected a header row") from None
    rows: list[list[str]] = []
    lines: list[int] = []
    line = reader.line_num + 1
    for record in reader:
        if len(record) != len(header):
            raise SheetError(
                f"{where(path, line)}: expected {len(header)} cells, found {len(record)}; "
                "a delimiter or quote was probably changed by hand"
            )
        rows.append(record)
        lines.append(line)
        line = reader.line_num + 1
    return header, rows, lines, sep


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


# --------------------------------------------------------------------------- XLSX

#: the sheet with one row per coding
CODINGS_SHEET = "Coderingen"
#: the sheet that describes the codes
CODEBOOK_SHEET = "Codeboek"
#: the columns of the codebook sheet
CODEBOOK_COLUMNS = [
    "code",
    "id",
    "namespace",
    "name",
    "path",
    "description",
    "include",
    "exclude",
    "example",
    "colour",
    "codable",
    "rules",
]
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Excel refuses longer cells
EXCEL_CELL_MAX = 32767


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """Return ``name`` made valid and unique as an Excel sheet name.

    Excel allows at most 31 characters, none of ``[ ] : * ? / \\``, no
    leading or trailing apostrophe, and compares names case-insensitively.

    Examples
    --------
    >>> sheet_name("Per rol / per school: overzicht van alle scholen")
    'Per rol _ per school_ overzicht'
    >>> sheet_name("coderingen", taken=["Coderingen"])
    'coderingen (2)'
    """
    base = _SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip() or "Blad"
    if base.lower() == "history":  # reserved by Excel
        base = "History_"
    used = {t.lower() for t in taken}
    candidate = base[:31].rstrip()
    n = 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    return candidate


def rules_summary(code: Any) -> str:
    """Return the rules of a code in one readable line ("" when it has none).

    Examples
    --------
    >>> from qualkit.model import Code, Rules
    >>> rules_summary(Code("v", "Visie", "lei", rules=Rules(keywords=("visie", "missie"),
    ...     near=(("team", "beslissen", 5),), roles=("directie",))))
    'keywords: visie, missie; near: team ~ beslissen (5 words); roles: directie'
    """
    r = code.rules
    parts = []
    if r.keywords:
        parts.append("keywords: " + ", ".join(r.keywords) + (" (+compounds)" if r.compounds else ""))
    if r.regex:
        parts.append("regex: " + ", ".join(r.regex))
    if r.near:
        parts.append("near: " + ", ".join(f"{a} ~ {b} ({n} words)" for a, b, n in r.near))
    if r.exclude:
        parts.append("exclude: " + ", ".join(r.exclude))
    if r.roles:
        parts.append("roles: " + ", ".join(r.roles))
    if r.units:
        parts.append("units: " + ", ".join(r.units))
    return "; ".join(parts)


def codebook_frame(codebooks: Codebook | Iterable[Codebook] | None) -> pd.DataFrame:
    """Return one row per code of the codebook(s), columns :data:`CODEBOOK_COLUMNS`.

    Examples
    --------
    >>> from qualkit.model import Code
    >>> book = Codebook("lei", "Leiderschap", (Code("a", "A", "lei", codable=False),
    ...                                        Code("b", "B", "lei", parent="a")))
    >>> codebook_frame(book)[["code", "path", "codable"]].values.tolist()
    [['lei:a', 'A', False], ['lei:b', 'A > B', True]]
    """
    rows = []
    for book in _books(codebooks):
        for code in book:
            rows.append(
                {
                    "code": code.qualified,
                    "id": code.id,
                    "namespace": code.namespace,
                    "name": code.name,
                    "path": book.path(code.id),
                    "description": code.description,
                    "include": code.include,
                    "exclude": code.exclude,
                    "example": code.example,
                    "colour": code.colour or "",
                    "codable": code.codable,
                    "rules": rules_summary(code),
                }
            )
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)


def _books(codebooks: Codebook | Iterable[Codebook] | None) -> list[Codebook]:
    if codebooks is None:
        return []
    if isinstance(codebooks, Codebook):
        return [codebooks]
    books = list(codebooks)
    for book in books:
        if not isinstance(book, Codebook):
            raise InputError(f"codebooks: expected Codebook objects, got {type(book).__name__}")
    return books


def _flat_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A view frame as a plain table: the index becomes columns, column levels are joined."""
    if not isinstance(frame, pd.DataFrame):
        if isinstance(frame, pd.Series):
            frame = frame.to_frame()
        else:
            raise InputError(f"views: expected DataFrames, got {type(frame).__name__}")
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in col if str(p) != "") for col in out.columns]
    keep_index = not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names)
    if keep_index:
        names = [n if n is not None else ("index" if out.index.nlevels == 1 else f"level_{i}") for i, n in enumerate(out.index.names)]
        out.index = out.index.set_names(names)
        out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out


def write_sheet(ws: Any, frame: pd.DataFrame, *, neutral: bool = True, sheet: str = "") -> None:
    """Write a frame to an openpyxl worksheet: header row, values, text kept as text.

    Text that Excel would evaluate is stored as a string cell with Excel's
    quote-prefix style, never as a formula; the value itself is unchanged.
    """
    from openpyxl.utils.exceptions import IllegalCharacterError

    ws.append([str(c) for c in frame.columns])
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, value in enumerate(values, start=1):
            try:
                _put(ws.cell(row=r, column=c), value, neutral)
            except IllegalCharacterError:
                raise InputError(
                    f"{sheet or ws.title}, row {r}, column {frame.columns[c - 1]!r}: the text holds a control "
                    "character that Excel cannot store; remove it from the source or export to CSV"
                ) from None
            except ValueError as exc:
                raise InputError(f"{sheet or ws.title}, row {r}, column {frame.columns[c - 1]!r}: {exc}") from None
    ws.freeze_panes = "A2"
    if frame.shape[1]:
        ws.auto_filter.ref = ws.dimensions


def _put(cell: Any, value: Any, neutral: bool) -> None:
    if _is_missing(value):
        return
    if isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
    elif isinstance(value, (Integral, Real)) and not isinstance(value, str):
        cell.value = int(value) if isinstance(value, Integral) else float(value)
    else:
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if text == "":  # an empty text cell is simply an empty cell
            return
        if len(text) > EXCEL_CELL_MAX:
            raise ValueError(
                f"{len(text)} characters, Excel stores at most {EXCEL_CELL_MAX} in a cell; export to CSV instead"
            )
        cell.value = text
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if neutral and text.startswith(FORMULA_START):
            cell.quotePrefix = True


def export_xlsx(
    coded: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    codebooks: Codebook | Iterable[Codebook] | None = None,
    views: Mapping[str, pd.DataFrame] | None = None,
    neutralise_formulas: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write an Excel workbook: the codings, the codebook and any views.

    Sheets: ``Coderingen`` (one row per coding, the coded columns then the
    attributes), ``Codeboek`` when codebooks are given (:data:`CODEBOOK_COLUMNS`),
    then one sheet per view, named after its key (made valid for Excel by
    :func:`sheet_name`). Text is stored as text: formula-like excerpts are
    never evaluated (see the module notes).

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame.
    path : path-like
        The ``.xlsx`` file.
    codebooks : Codebook or iterable of Codebook, optional
        Written as a sheet of their own, one row per code.
    views : mapping of str to DataFrame, optional
        E.g. ``{"Per rol": qk.frequencies(coded, by="role")}``; a frame's index
        is written as its first column(s).
    neutralise_formulas : bool
        Mark formula-like text with Excel's quote prefix.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "codes.xlsx"
    >>> _ = export_xlsx(coded_frame(), out, views={"Per rol: alles": pd.DataFrame({"n": [1]})})
    >>> openpyxl.load_workbook(out).sheetnames
    ['Coderingen', 'Per rol_ alles']
    """
    from openpyxl import Workbook

    check_coded(coded)
    wb = Workbook()
    ws = wb.active
    ws.title = CODINGS_SHEET
    write_sheet(ws, coded[ordered_columns(coded)], neutral=neutralise_formulas)
    taken = [CODINGS_SHEET]
    books = _books(codebooks)
    if books:
        ws = wb.create_sheet(CODEBOOK_SHEET)
        write_sheet(ws, codebook_frame(books), neutral=neutralise_formulas)
        taken.append(CODEBOOK_SHEET)
    for name, frame in (views or {}).items():
        title = sheet_name(name, taken)
        taken.append(title)
        write_sheet(wb.create_sheet(title), _flat_view(frame), neutral=neutralise_formulas, sheet=f"view {name!r}")
    with atomic_output(path, overwrite=overwrite) as tmp:
        wb.save(tmp)
    return Path(path)


# --------------------------------------------------------------------------- HTML

_HTML_CSS = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #222; }
h1, h2, h3, h4, h5, h6 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h2 { border-bottom: 1px solid #999; padding-bottom: .2em; margin-top: 2em; }
.code { border-left: .4em solid #bbb; padding-left: .6em; margin: 1.5em 0; }
.code.category > h3, .code.category > h4 { color: #555; }
.path { color: #666; font-size: .9em; }
dl.definition { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; font-size: .95em; }
dl.definition dt { font-weight: bold; }
dl.definition dd { margin: 0; }
blockquote { margin: .8em 0 .8em 1.5em; white-space: pre-wrap; }
.source { color: #555; font-size: .9em; white-space: normal; }
.meta { color: #555; font-size: .9em; }
.none { color: #777; font-style: italic; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { page-break-before: always; }
  h2.first { page-break-before: avoid; }
  h1, h2, h3, h4, h5, h6 { page-break-after: avoid; }
  blockquote, dl.definition { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_DEFINITION_LABELS = (
    ("description", "Omschrijving"),
    ("include", "Wel coderen"),
    ("exclude", "Niet coderen"),
    ("example", "Voorbeeld"),
)


def _e(value: Any) -> str:
    return html.escape("" if _is_missing(value) else str(value), quote=True)


def _who(row: Mapping[str, Any]) -> str:
    """The attribution after a quote: role (or speaker), then the document."""
    parts = []
    for key in ("role", "speaker"):
        if not _is_missing(row.get(key)) and str(row.get(key)) != "":
            parts.append(str(row[key]))
            break
    parts.append(str(row["doc_id"]))
    return ", ".join(parts)


def _excerpts_html(rows: pd.DataFrame) -> list[str]:
    if rows.empty:
        return ['<p class="none">Geen fragmenten.</p>']
    out = []
    for row in rows.to_dict("records"):
        memo = f'<br><span class="source">Memo: {_e(row["memo"])}</span>' if row["memo"] else ""
        out.append(
            f"<blockquote>\u201c{_e(row['text'])}\u201d "
            f'<span class="source">({_e(_who(row))}; {_e(row["coder"])})</span>{memo}</blockquote>'
        )
    return out


def _code_html(book: Codebook, code: Any, rows: pd.DataFrame) -> list[str]:
    level = min(book.depth(code.id) + 2, 6)
    style = f' style="border-left-color: {code.colour}"' if code.colour and _COLOUR.match(code.colour) else ""
    css = "code" if code.codable else "code category"
    out = [
        f'<section class="{css}" id="{_e(code.qualified)}"{style}>',
        f'<h{level}>{_e(code.name)} <span class="path">({_e(code.qualified)}; {len(rows)} fragment'
        f'{"" if len(rows) == 1 else "en"})</span></h{level}>',
    ]
    items = [(label, getattr(code, attr)) for attr, label in _DEFINITION_LABELS if getattr(code, attr)]
    if items:
        out.append('<dl class="definition">')
        out.extend(f"<dt>{_e(label)}</dt><dd>{_e(text)}</dd>" for label, text in items)
        out.append("</dl>")
    if code.codable or not rows.empty:
        out.extend(_excerpts_html(rows))
    out.append("</section>")
    return out


def export_html(
    coded: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    codebooks: Codebook | Iterable[Codebook] | None = None,
    title: str = "Fragmenten per code",
    overwrite: bool = False,
) -> Path:
    """Write a self-contained, printable HTML report: definitions and excerpts per code.

    Each code of the codebook(s) gets its definition (description, when to
    code it, when not, an example) and its excerpts, quoted as in a thesis:
    “…” (role, document; coder). Codes that occur in ``coded`` but in none of
    the codebooks follow in a last section, so nothing is left out. The file
    has its CSS inline and print rules (a page per codebook), no scripts and
    no external assets; every value is HTML-escaped.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame.
    path : path-like
        The ``.html`` file.
    codebooks : Codebook or iterable of Codebook, optional
        Without them the excerpts are grouped by ``code`` with ``code_path``
        as heading.
    title : str
        The report title.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = dict(doc_id="int_2", start=0, end=5, code="x:y", code_name="Y", role="directie",
    ...            coder="AB", text="<b>ja</b>")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "rapport.html"
    >>> _ = export_html(coded_frame([row]), out)
    >>> "\u201c&lt;b&gt;ja&lt;/b&gt;\u201d" in out.read_text(encoding="utf-8")
    True
    """
    check_coded(coded)
    books = _books(codebooks)
    frame = coded.sort_values(["doc_id", "start", "end"], kind="stable")
    body = [f"<h1>{_e(title)}</h1>", _summary_html(coded)]
    known: set[str] = set()
    for i, book in enumerate(books):
        head = "first" if i == 0 else ""
        body.append(f'<h2 class="{head}">Codeboek: {_e(book.name)} <span class="path">({_e(book.namespace)}'
                    f'{", versie " + _e(book.version) if book.version else ""})</span></h2>')
        if book.description:
            body.append(f"<p>{_e(book.description)}</p>")
        for code in book:
            known.add(code.qualified)
            body.extend(_code_html(book, code, frame[frame["code"] == code.qualified]))
    rest = [c for c in pd.unique(frame["code"]) if c not in known]
    if rest:
        heading = "Codes buiten het codeboek" if books else "Codes"
        body.append(f'<h2 class="{"" if books else "first"}">{heading}</h2>')
        for code in sorted(rest):
            rows = frame[frame["code"] == code]
            label = rows["code_path"].iloc[0] or rows["code_name"].iloc[0] or code
            body.append(f'<section class="code" id="{_e(code)}">')
            body.append(f'<h3>{_e(label)} <span class="path">({_e(code)}; {len(rows)} fragment'
                        f'{"" if len(rows) == 1 else "en"})</span></h3>')
            body.extend(_excerpts_html(rows))
            body.append("</section>")
    page = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_HTML_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)


def _summary_html(coded: pd.DataFrame) -> str:
    n_docs = coded["doc_id"].nunique()
    coders = ", ".join(sorted(str(c) for c in pd.unique(coded["coder"]) if c != ""))
    return (
        f'<p class="meta">{len(coded)} codering{"" if len(coded) == 1 else "en"} in {n_docs} '
        f'document{"" if n_docs == 1 else "en"}{"; codeurs: " + _e(coders) if coders else ""}.</p>'
    )


# --------------------------------------------------------------------------- wide matrices

#: the columns of the mapping file written beside a matrix
MATRIX_MAP_COLUMNS = ["column", "code", "code_name", "code_path"]
#: words SPSS does not accept as variable names
SPSS_RESERVED = frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split())
_KEYS = {"segment": ["doc_id", "segment_id", "start", "end"], "document": ["doc_id"]}


def spss_names(labels: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Return variable names safe for SPSS and R, one per label, in order.

    Letters (accents removed), digits and underscores only, starting with a
    letter, at most 64 characters, not an SPSS reserved word, and unique
    ignoring case (SPSS does) and unique against ``taken``.

    Examples
    --------
    >>> spss_names(["netwerk:leren", "netwerk:Leren", "lei:één/twee", "x:1e", "x:and"])
    ['netwerk_leren', 'netwerk_Leren_2', 'lei_een_twee', 'x_1e', 'x_and']
    >>> spss_names(["and", "9"])
    ['and_', 'v_9']
    """
    used = {t.lower() for t in taken}
    out = []
    for label in labels:
        ascii_ = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
        base = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", ascii_)).strip("_") or "code"
        if not base[0].isalpha():
            base = "v_" + base
        if base.upper() in SPSS_RESERVED:
            base += "_"
        base = base[:64]
        name, n = base, 2
        while name.lower() in used:
            suffix = f"_{n}"
            name = base[: 64 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        out.append(name)
    return out


def code_matrix(
    coded: pd.DataFrame, *, by: str = "segment", segments: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the 0/1 code-by-unit matrix and the mapping of its columns to codes.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame.
    by : {"segment", "document"}
        One row per coded segment (key: doc_id, segment_id, start, end) or per
        document (key: doc_id).
    segments : pandas.DataFrame, optional
        ``corpus.segments(unit)``: adds the segments (or documents) that have
        no coding as rows of zeros, which an analysis of proportions needs.

    Returns
    -------
    matrix : pandas.DataFrame
        The key columns, then one ``int64`` column per code, in sorted code order.
    mapping : pandas.DataFrame
        :data:`MATRIX_MAP_COLUMNS`: which code each column stands for.

    Examples
    --------
    >>> f = coded_frame([dict(doc_id="a", segment_id="a:turn:1", start=0, end=2, code="n:x"),
    ...                  dict(doc_id="a", segment_id="a:turn:2", start=3, end=5, code="n:y"),
    ...                  dict(doc_id="b", segment_id="b:turn:1", start=0, end=2, code="n:x")])
    >>> m, _ = code_matrix(f, by="document")
    >>> m.values.tolist()
    [['a', 1, 1], ['b', 1, 0]]
    """
    check_coded(coded)
    if by not in _KEYS:
        raise InputError(f"by must be 'segment' or 'document', got {by!r}")
    keys = _KEYS[by]
    units = _unit_keys(coded, by)
    if segments is not None:
        missing = [k for k in keys if k not in segments.columns]
        if missing:
            raise InputError(f"segments: missing column(s) {', '.join(missing)}; pass corpus.segments(unit)")
        units = pd.concat([segments[keys], units], ignore_index=True)
    units = units.drop_duplicates(keys[:2]).sort_values(keys[:1] + keys[2:3], kind="stable")
    codes = sorted(pd.unique(coded["code"]))
    names = spss_names(codes, taken=keys)
    matrix = units.reset_index(drop=True).copy()
    hits = _unit_keys(coded, by).assign(code=coded["code"].to_numpy())
    for code, name in zip(codes, names):
        coded_units = set(hits.loc[hits["code"] == code, keys[:2]].itertuples(index=False, name=None))
        matrix[name] = [int(u in coded_units) for u in matrix[keys[:2]].itertuples(index=False, name=None)]
        matrix[name] = matrix[name].astype("int64")
    first = coded.drop_duplicates("code").set_index("code")
    mapping = pd.DataFrame(
        {
            "column": names,
            "code": codes,
            "code_name": [first.loc[c, "code_name"] for c in codes],
            "code_path": [first.loc[c, "code_path"] for c in codes],
        },
        columns=MATRIX_MAP_COLUMNS,
    )
    return matrix, mapping


def _unit_keys(coded: pd.DataFrame, by: str) -> pd.DataFrame:
    if by == "document":
        return pd.DataFrame({"doc_id": coded["doc_id"].astype("str")})
    # a coding outside any base segment gets its own span as key
    seg = [
        s if not _is_missing(s) else f"{d}:{a}-{b}"
        for d, s, a, b in zip(coded["doc_id"], coded["segment_id"], coded["start"], coded["end"])
    ]
    return pd.DataFrame(
        {
            "doc_id": coded["doc_id"].astype("str"),
            "segment_id": pd.Series(seg, dtype="str"),
            "start": coded["start"].to_numpy(),
            "end": coded["end"].to_numpy(),
        }
    )


def export_matrix(
    coded: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    by: str = "segment",
    segments: pd.DataFrame | None = None,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Write the 0/1 code-by-segment or code-by-document matrix for R or SPSS.

    Column names are safe for SPSS and R (:func:`spss_names`); which code each
    column stands for is written beside it: for ``x.csv`` in ``x_codes.csv``,
    for ``x.xlsx`` in a second sheet ``codes``. CSV files are plain UTF-8 with
    ``,`` (what ``read.csv`` and SPSS's text import expect).

    Parameters
    ----------
    coded : pandas.DataFrame
    path : path-like
        ``.csv`` or ``.xlsx``.
    by : {"segment", "document"}
    segments : pandas.DataFrame, optional
        ``corpus.segments(unit)`` to include uncoded units as rows of zeros.
    overwrite : bool
        Replace existing files (both are checked before anything is written).

    Returns
    -------
    (Path, Path)
        The matrix file and the mapping file (the same path for ``.xlsx``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = coded_frame([dict(doc_id="a", segment_id="a:turn:1", start=0, end=2, code="n:x")])
    >>> m, mapping = export_matrix(f, pathlib.Path(tempfile.mkdtemp()) / "m.csv")
    >>> m.read_text().splitlines()
    ['doc_id,segment_id,start,end,n_x', 'a,a:turn:1,0,2,1']
    >>> mapping.name
    'm_codes.csv'
    """
    from .errors import OutputExistsError

    path = Path(path)
    matrix, mapping = code_matrix(coded, by=by, segments=segments)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        export_tables({"matrix": matrix, "codes": mapping}, path, overwrite=overwrite)
        return path, path
    if suffix != ".csv":
        raise InputError(f"{where(path)}: the matrix is written as .csv or .xlsx, got {path.suffix!r}")
    map_path = path.with_name(path.stem + "_codes.csv")
    if not overwrite:
        for p in (path, map_path):
            if p.exists():
                raise OutputExistsError(
                    f"{p}: the file exists already; pass overwrite=True to replace it, or choose another name"
                )
    with atomic_output(map_path, overwrite=overwrite) as tmp:
        tmp.write_bytes(mapping.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(matrix.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path, map_path


def export_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    *,
    neutralise_formulas: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write frames to one workbook, a sheet per frame (names made valid for Excel).

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = export_tables({"a": pd.DataFrame({"x": [1]}), "b?": pd.DataFrame({"y": ["=z"]})}, out)
    >>> openpyxl.load_workbook(out)["b_"]["A2"].value
    '=z'
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: list[str] = []
    for name, frame in tables.items():
        title = sheet_name(name, taken)
        taken.append(title)
        write_sheet(wb.create_sheet(title), _flat_view(frame), neutral=neutralise_formulas, sheet=title)
    if not taken:
        raise InputError(f"{where(path)}: no tables to write")
    with atomic_output(path, overwrite=overwrite) as tmp:
        wb.save(tmp)
    return Path(path)
