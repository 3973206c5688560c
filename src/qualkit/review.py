"""The review loop: a researcher checks the automatic codings in a spreadsheet.

:func:`review_sheet` writes the codings of one automatic coder as a sheet with
one row per coding, an empty ``beslissing`` (decision) column and an empty
``opmerking`` (remark) column. The researcher fills in ja / nee / twijfel in
Excel or LibreOffice. :func:`read_review` reads the sheet back as that
researcher's own codings:

- ``ja`` (accepted): a coding with ``coder=reviewer``, ``rule="review"``,
  the remark as ``memo``;
- ``nee`` (rejected): no coding, but recorded in :attr:`Review.decisions`, as
  evidence that the reviewer did *not* code that segment with that code (the
  agreement views count it as a disagreement with the automatic coder);
- ``twijfel`` (doubt) and empty cells: no coding, recorded, and reported in a
  :class:`~qualkit.errors.QualkitWarning` with their count and rows.

Every row carries a number (``nr`` of ``van``) and a ``controle`` checksum of
its key (doc_id, start, end, code) and text, so a row whose key was edited, a
deleted row and a copied row are refused with a :class:`~qualkit.errors.SheetError`
that names the row, instead of turning into wrong codings.

Examples
--------
>>> import tempfile, pathlib, warnings
>>> from qualkit.export import coded_frame
>>> coded = coded_frame([dict(doc_id="fg1", start=0, end=9, code="net:leren",
...                           coder="auto:rules", rule="keyword", text="We leren.")])
>>> out = review_sheet(coded, pathlib.Path(tempfile.mkdtemp()) / "review.csv")
>>> out.write_text(out.read_text(encoding="utf-8-sig").replace(";;;We leren.", ";ja;;We leren."),
...                encoding="utf-8-sig") > 0
True
>>> review = read_review(out, reviewer="AB")
>>> review.codings[["code", "coder", "rule"]].values.tolist()
[['net:leren', 'AB', 'review']]
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._io import atomic_output
from .columns import CODED_COLUMNS, RULE_CODER
from .errors import InputError, QualkitWarning, SheetError, where
from .export import (
    _is_missing,
    check_coded,
    coded_frame,
    read_csv_records,
    unneutralise,
    write_csv,
    write_sheet,
)

__all__ = ["Review", "read_review", "review_sheet", "DECISIONS"]

#: the sheet with the codings to review
REVIEW_SHEET = "Beoordeling"
#: the sheet with the instructions
INSTRUCTIONS_SHEET = "Uitleg"
#: the columns of a review sheet, in order
REVIEW_COLUMNS = [
    "nr",
    "beslissing",
    "opmerking",
    "text",
    "code",
    "code_name",
    "rule",
    "matched",
    "speaker",
    "role",
    "doc_id",
    "start",
    "end",
    "segment_id",
    "unit",
    "position",
    "person",
    "group",
    "code_path",
    "namespace",
    "coder",
    "memo",
    "van",
    "controle",
]
#: the columns of :attr:`Review.decisions`
DECISION_COLUMNS = ["row", "doc_id", "start", "end", "code", "coder", "reviewer", "decision", "memo"]
#: the decision values a reviewer may write (case and accents ignored) -> the recorded decision
DECISIONS: dict[str, str] = {
    **dict.fromkeys(
        ["ja", "j", "yes", "y", "1", "accept", "accepted", "akkoord", "ok", "oke", "okay", "goed", "juist",
         "correct", "true", "waar", "x", "+"],
        "accepted",
    ),
    **dict.fromkeys(
        ["nee", "n", "no", "0", "reject", "rejected", "niet akkoord", "fout", "onjuist", "false", "onwaar",
         "afgewezen", "-"],
        "rejected",
    ),
    **dict.fromkeys(["twijfel", "?", "misschien", "maybe", "doubt", "unsure", "t"], "doubt"),
}
#: the rule of a coding that a reviewer accepted
REVIEW_RULE = "review"

_INSTRUCTIONS = [
    "Zo beoordeel je de automatische coderingen",
    "",
    "Het blad 'Beoordeling' heeft een rij per codering die de automatische codeur voorstelde.",
    "Lees het fragment (kolom text) en de code (code, code_name). De kolommen rule en matched "
    "tonen welke regel en welke woorden de code deden toekennen.",
    "",
    "Vul in de kolom 'beslissing' per rij een van deze woorden in:",
    "  ja       de code past bij dit fragment (ook goed: j, 1, akkoord, accept)",
    "  nee      de code past niet (ook goed: n, 0, reject)",
    "  twijfel  je weet het nog niet; de rij telt dan niet mee",
    "Een lege beslissing betekent: nog niet bekeken. Bij het inlezen meldt qualkit hoeveel rijen nog open staan.",
    "In de kolom 'opmerking' mag je vrij noteren waarom; die tekst wordt het memo van je codering.",
    "",
    "Niet doen:",
    "  - de kolommen nr, doc_id, start, end, code, text, van en controle aanpassen;",
    "  - rijen verwijderen of kopieren (een rij die je overslaat laat je gewoon leeg).",
    "Sorteren en filteren mag wel. qualkit controleert elke rij met de kolom controle en weigert "
    "een blad waarin een sleutel veranderd is, met het nummer van de rij erbij.",
    "",
    "Inlezen in Python:  review = qk.read_review('dit_bestand.xlsx', reviewer='jouw initialen')",
]


@dataclass(frozen=True)
class Review:
    """What a filled-in review sheet says.

    Attributes
    ----------
    codings : pandas.DataFrame
        The accepted rows as the reviewer's codings (:data:`CODED_COLUMNS`,
        ``coder`` = the reviewer, ``rule`` = ``"review"``, ``memo`` = the remark).
    decisions : pandas.DataFrame
        Every row of the sheet, :data:`DECISION_COLUMNS`; ``decision`` is
        ``"accepted"``, ``"rejected"``, ``"doubt"`` or ``"open"`` (empty cell),
        ``coder`` the automatic coder, ``row`` the row in the sheet.
    """

    codings: pd.DataFrame
    decisions: pd.DataFrame

    @property
    def rejected(self) -> pd.DataFrame:
        """The decisions the reviewer rejected: segments NOT coded with that code."""
        return self.decisions[self.decisions["decision"] == "rejected"].reset_index(drop=True)

    @property
    def open(self) -> pd.DataFrame:
        """The rows without a decision (empty cell) or marked twijfel."""
        return self.decisions[self.decisions["decision"].isin(["open", "doubt"])].reset_index(drop=True)


def checksum(nr: int, total: int, doc_id: str, start: int, end: int, code: str, text: str) -> str:
    """Return the ``controle`` value of a review row (12 hex characters).

    Newlines are normalised first, because a spreadsheet may save ``\\r\\n``
    inside a cell; document texts use ``\\n`` only.

    Examples
    --------
    >>> checksum(1, 1, "a", 0, 2, "x:y", "Ja") == checksum(1, 1, "a", 0, 2, "x:y", "Ja")
    True
    >>> checksum(1, 1, "a", 0, 2, "x:y", "Ja") == checksum(1, 1, "a", 0, 3, "x:y", "Ja")
    False
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    key = "\x1f".join([str(nr), str(total), doc_id, str(start), str(end), code, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _review_frame(coded: pd.DataFrame, coder: str | None) -> pd.DataFrame:
    rows = coded if coder is None else coded[coded["coder"] == coder]
    rows = rows.sort_values(["doc_id", "start", "end", "code"], kind="stable").reset_index(drop=True)
    dup = rows.duplicated(["doc_id", "start", "end", "code", "coder"], keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        raise InputError(
            f"coded frame: coding {first['doc_id']} [{first['start']}, {first['end']}) {first['code']} "
            f"occurs {int(dup.sum())} times; drop the duplicates before writing a review sheet"
        )
    total = len(rows)
    out = rows[[c for c in REVIEW_COLUMNS if c in CODED_COLUMNS]].copy()
    out.insert(0, "nr", pd.Series(range(1, total + 1), dtype="int64"))
    out.insert(1, "beslissing", "")
    out.insert(2, "opmerking", "")
    out["van"] = total
    out["controle"] = [
        checksum(n, total, str(d), int(s), int(e), str(c), str(t))
        for n, d, s, e, c, t in zip(out["nr"], out["doc_id"], out["start"], out["end"], out["code"], out["text"])
    ]
    return out[REVIEW_COLUMNS]


def review_sheet(
    coded: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    coder: str | None = RULE_CODER,
    overwrite: bool = False,
) -> Path:
    """Write the codings of one coder as a review sheet (``.xlsx`` or ``.csv``).

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame; only the rows of ``coder`` are written.
    path : path-like
        ``.xlsx``: a workbook with the sheets ``Beoordeling`` (with a drop-down
        list ja / nee / twijfel in ``beslissing``) and ``Uitleg`` (instructions
        in Dutch). ``.csv``: the ``Beoordeling`` sheet alone, for Dutch Excel
        (UTF-8 with byte-order mark, ``;``), formula-like text neutralised.
    coder : str or None
        The coder whose codings are reviewed; None: every coder in the frame.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> from qualkit.export import coded_frame
    >>> coded = coded_frame([dict(doc_id="fg1", start=0, end=9, code="net:leren", coder="auto:rules",
    ...                           text="We leren."),
    ...                      dict(doc_id="fg1", start=0, end=9, code="net:leren", coder="AB", text="We leren.")])
    >>> out = review_sheet(coded, pathlib.Path(tempfile.mkdtemp()) / "review.xlsx")
    >>> wb = openpyxl.load_workbook(out)
    >>> wb.sheetnames, wb["Beoordeling"].max_row  # a header and the one auto:rules coding
    (['Beoordeling', 'Uitleg'], 2)
    """
    check_coded(coded)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(f"{where(path)}: a review sheet is .xlsx or .csv, got {path.suffix!r}")
    frame = _review_frame(coded, coder)
    if suffix == ".csv":
        write_csv(frame, path, excel=True, overwrite=overwrite)
        return path
    with atomic_output(path, overwrite=overwrite) as tmp:
        _workbook(frame).save(tmp)
    return path


def _workbook(frame: pd.DataFrame) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    write_sheet(ws, frame)
    col = {name: get_column_letter(i) for i, name in enumerate(REVIEW_COLUMNS, start=1)}
    last = max(len(frame) + 1, 2)
    dv = DataValidation(
        type="list",
        formula1='"ja,nee,twijfel"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Onbekende beslissing",
        error="Kies ja, nee of twijfel (j, n, 1, 0 en akkoord mogen ook).",
        showInputMessage=True,
        promptTitle="Beslissing",
        prompt="ja, nee of twijfel",
    )
    ws.add_data_validation(dv)
    dv.add(f"{col['beslissing']}2:{col['beslissing']}{last}")
    grey = PatternFill("solid", fgColor="EEEEEE")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    widths = {"beslissing": 12, "opmerking": 30, "text": 70, "code": 22, "code_name": 22, "matched": 20}
    for name, letter in col.items():
        ws.column_dimensions[letter].width = widths.get(name, 12)
        ws[f"{letter}1"].font = Font(bold=True)
        ws[f"{letter}1"].fill = yellow if name in ("beslissing", "opmerking") else grey
    for cell in ws[col["text"]][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    for line in _INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 110
    return wb


# --------------------------------------------------------------------------- reading


def _sheet_records(path: Path) -> tuple[list[str], list[list[Any]], list[int], str]:
    """Header, rows, their sheet row numbers and the place name for messages."""
    if not path.is_file():
        from .errors import SourceNotFoundError

        raise SourceNotFoundError(f"{path}: no such file; check the name and the folder")
    if path.suffix.lower() == ".csv":
        header, rows, lines, _ = read_csv_records(path)
        return header, [[unneutralise(c) for c in r] for r in rows], lines, str(path)
    if path.suffix.lower() != ".xlsx":
        raise SheetError(f"{where(path)}: a review sheet is .xlsx or .csv, got {path.suffix!r}")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip and XML errors of a damaged file
        raise SheetError(f"{where(path)}: cannot open the workbook ({exc}); is it a saved .xlsx file?") from None
    try:
        if REVIEW_SHEET not in wb.sheetnames:
            raise SheetError(
                f"{where(path)}: no sheet {REVIEW_SHEET!r} (found {', '.join(wb.sheetnames)}); "
                "do not rename the sheet qualkit wrote"
            )
        values = list(wb[REVIEW_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not values:
        raise SheetError(f"{where(path)}, sheet {REVIEW_SHEET}: the sheet is empty; expected a header row")
    header = ["" if v is None else str(v) for v in values[0]]
    return header, [list(v) for v in values[1:]], list(range(2, len(values) + 1)), f"{path}, sheet {REVIEW_SHEET}"


def _text(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decision(value: Any) -> str | None:
    """The recorded decision, "open" for an empty cell, None when unknown."""
    if isinstance(value, bool):
        return "accepted" if value else "rejected"
    text = _text(value).strip()
    if text == "":
        return "open"
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return DECISIONS.get(" ".join(folded.split()))


def _int(value: Any) -> int | None:
    text = _text(value).strip()
    try:
        return int(text)
    except ValueError:
        return None


def read_review(path: str | os.PathLike[str], *, reviewer: str) -> Review:
    """Read a filled-in review sheet back as the reviewer's codings and decisions.

    Parameters
    ----------
    path : path-like
        A sheet written by :func:`review_sheet` (``.xlsx`` or ``.csv``),
        possibly sorted or filtered by the reviewer.
    reviewer : str
        The reviewer's name or initials; the ``coder`` of the accepted codings.
        Must not start with ``"auto:"``.

    Returns
    -------
    Review
        ``codings`` (accepted rows) and ``decisions`` (every row).

    Raises
    ------
    SheetError
        Every problem at once, each naming its row: an unknown decision, a
        key (nr, doc_id, start, end, code, text, van) that does not match its
        ``controle``, a missing or copied row, a missing column.

    Warns
    -----
    QualkitWarning
        When rows have no decision or are marked twijfel (count and rows).

    Examples
    --------
    A rejected coding gives no coding, but is kept as a decision:

    >>> import tempfile, pathlib
    >>> from qualkit.export import coded_frame
    >>> coded = coded_frame([dict(doc_id="fg1", start=0, end=9, code="net:leren",
    ...                           coder="auto:rules", text="We leren.")])
    >>> out = review_sheet(coded, pathlib.Path(tempfile.mkdtemp()) / "review.csv")
    >>> _ = out.write_text(out.read_text(encoding="utf-8-sig").replace(";;;We leren.", ";nee;;We leren."),
    ...                    encoding="utf-8-sig")
    >>> review = read_review(out, reviewer="AB")
    >>> review.codings.empty, review.rejected[["code", "decision"]].values.tolist()
    (True, [['net:leren', 'rejected']])
    """
    if not reviewer or not str(reviewer).strip() or str(reviewer).startswith("auto:"):
        raise InputError(f"reviewer must be a person's name or initials, got {reviewer!r}")
    path = Path(path)
    header, rows, lines, place = _sheet_records(path)
    missing = [c for c in REVIEW_COLUMNS if c not in header]
    if missing:
        raise SheetError(
            f"{place}, row 1: missing column(s) {', '.join(missing)}; the header must keep the columns "
            "qualkit wrote (write a new sheet with qk.review_sheet if they were deleted)"
        )
    idx = {name: header.index(name) for name in REVIEW_COLUMNS}
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    total: int | None = None
    for cells, line in zip(rows, lines):
        if all(_is_missing(c) or _text(c) == "" for c in cells):
            continue  # spreadsheets keep empty rows below the data
        cell = {name: cells[i] if i < len(cells) else None for name, i in idx.items()}
        record, problem = _row(cell, line, place)
        if problem:
            problems.append(problem)
            continue
        if record["nr"] in seen:
            problems.append(
                f"{place}, row {line}: row nr {record['nr']} occurs twice (also row {seen[record['nr']]}); "
                "delete the copy"
            )
            continue
        seen[record["nr"]] = line
        total = record["van"] if total is None else total
        records.append(record)
    if total is not None and not problems:
        lost = sorted(set(range(1, total + 1)) - set(seen))
        if lost:
            shown = ", ".join(str(n) for n in lost[:20]) + (" ..." if len(lost) > 20 else "")
            problems.append(
                f"{place}: {len(lost)} of the {total} rows are missing (nr {shown}); the sheet must keep every "
                "row; leave beslissing empty for a row you did not review"
            )
    if problems:
        raise SheetError(f"{len(problems)} problem(s) in the review sheet:\n" + "\n".join(f"- {p}" for p in problems))
    return _result(records, reviewer, place)


def _row(cell: dict[str, Any], line: int, place: str) -> tuple[dict[str, Any], str | None]:
    here = f"{place}, row {line}"
    nr, van, start, end = (_int(cell[k]) for k in ("nr", "van", "start", "end"))
    key = {k: _text(cell[k]) for k in ("doc_id", "code", "text", "controle")}
    if nr is None or van is None or start is None or end is None or not key["doc_id"] or not key["code"] or not key["controle"]:
        found = ", ".join(f"{k}={_text(cell[k])!r}" for k in ("nr", "doc_id", "start", "end", "code", "van"))
        return {}, (
            f"{here}: a key cell is empty or not a number ({found}); the key columns must not be edited; "
            "restore the row from the original sheet"
        )
    if checksum(nr, van, key["doc_id"], start, end, key["code"], key["text"]) != key["controle"]:
        return {}, (
            f"{here}: the key (nr {nr}, doc_id {key['doc_id']!r}, start {start}, end {end}, code {key['code']!r}) "
            "or the text does not match its controle; the key columns must not be edited; restore the row "
            "from the original sheet"
        )
    decision = _decision(cell["beslissing"])
    if decision is None:
        return {}, (
            f"{here}: unknown beslissing {_text(cell['beslissing'])!r}; write ja, nee or twijfel "
            "(j/n, 1/0, akkoord, accept/reject also work), or leave it empty"
        )
    record: dict[str, Any] = {name: _text(cell[name]) for name in REVIEW_COLUMNS}
    record.update(nr=nr, van=van, start=start, end=end, decision=decision, line=line)
    record["text"] = record["text"].replace("\r\n", "\n").replace("\r", "\n")
    position = _int(cell["position"])
    record["position"] = position if position is not None else float("nan")
    return record, None


def _result(records: list[dict[str, Any]], reviewer: str, place: str) -> Review:
    records.sort(key=lambda r: r["nr"])
    decisions = pd.DataFrame(
        {
            "row": pd.Series([r["line"] for r in records], dtype="int64"),
            "doc_id": pd.Series([r["doc_id"] for r in records], dtype="str"),
            "start": pd.Series([r["start"] for r in records], dtype="int64"),
            "end": pd.Series([r["end"] for r in records], dtype="int64"),
            "code": pd.Series([r["code"] for r in records], dtype="str"),
            "coder": pd.Series([r["coder"] for r in records], dtype="str"),
            "reviewer": pd.Series([reviewer] * len(records), dtype="str"),
            "decision": pd.Series([r["decision"] for r in records], dtype="str"),
            "memo": pd.Series([r["opmerking"] for r in records], dtype="str"),
        },
        columns=DECISION_COLUMNS,
    )
    accepted = [
        {
            **{c: (r[c] if r[c] != "" else None) for c in ("segment_id", "speaker", "person", "role", "group")},
            **{c: r[c] for c in CODED_COLUMNS if c not in ("segment_id", "speaker", "person", "role", "group")},
            "coder": reviewer,
            "rule": REVIEW_RULE,
            "memo": r["opmerking"],
        }
        for r in records
        if r["decision"] == "accepted"
    ]
    codings = coded_frame(accepted)
    waiting = [r for r in records if r["decision"] in ("open", "doubt")]
    if waiting:
        n_open = sum(r["decision"] == "open" for r in waiting)
        rows = ", ".join(str(r["line"]) for r in waiting[:20]) + (" ..." if len(waiting) > 20 else "")
        warnings.warn(
            f"{place}: {len(waiting)} of {len(records)} rows are not decided ({n_open} empty, "
            f"{len(waiting) - n_open} twijfel; rows {rows}); they are not codings of {reviewer} and are "
            "listed in review.open",
            QualkitWarning,
            stacklevel=3,
        )
    return Review(codings=codings, decisions=decisions)
