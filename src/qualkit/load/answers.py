"""Open answers from questionnaire exports (CSV/XLSX), and the dispatch of table files.

A table file is, unless ``kinds=`` says otherwise:

* an observation form when it has the form columns
  (:mod:`qualkit.load.observations`);
* not data when it looks like a participants file (a ``speaker`` column) or
  a documents file (a ``document`` column): a warning says to pass it as
  ``participants=``/``documents=``;
* else a questionnaire export with open answers, when it has a free-text
  column or ``text_columns=`` names one of its columns;
* else a table of data (e.g. a list of partner organisations): it is kept
  in ``corpus.tables`` only.

Open answers
    One row per respondent. The text columns are ``text_columns=`` (names
    compared without case) or, by default, the *free-text* columns: columns
    that are not the respondent id, role or group, whose values are not
    numbers, of which at least half of the filled cells hold four words or
    more (words with a letter, so dates and times do not count), and whose
    filled cells are mostly different (at least 70 % distinct
    when there are three or more), which rules out Likert and
    multiple-choice columns whose labels repeat.

    Each text column becomes one document of kind "answers" (id: the file
    name without extension, with ``_`` and the column name in lower case
    when there are several text columns; attributes ``question`` and
    ``table``). Its text is the filled answers joined by blank lines, each a
    segment of unit "answer" whose speaker is the respondent id: the column
    named respondent, respondent_id, id, nr, deelnemer, participant or code,
    else ``R1``, ``R2`` ... by row. Every respondent becomes a
    :class:`~qualkit.model.Participant` of that document (role and group
    from a ``rol``/``role``/``functie`` and ``groep``/``group`` column, the
    other columns as attributes), so the segments frame has their role and
    group. The whole table, Likert columns included, with number columns
    converted to numbers, is ``corpus.tables[file name without extension]``.
    Cells such as "n.v.t." stay as written, so such a column stays text;
    ``pd.to_numeric(column, errors="coerce")`` makes it numbers.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"nr": ["1", "2", "3"], "tevreden": ["eens", "eens", "oneens"],
...                       "toelichting": ["We leren veel van elkaar.", "Er is te weinig tijd voor overleg.", None]})
>>> free_text_columns(frame)
['toelichting']
"""

from __future__ import annotations

import fnmatch
import os
import re
import warnings
from pathlib import Path

import pandas as pd

from ..errors import EmptySourceError, LoadError, QualkitWarning, where
from ..model import Document, Participant, Segment
from .common import Loaded, Options
from .observations import is_form, load_form
from .participants import normalise_role
from .tables import read_table_with_encoding, typed

#: names of the respondent id column (compared without case)
ID_COLUMNS = ("respondent", "respondent_id", "respondentid", "respondent id", "id", "nr", "nummer", "deelnemer",
              "participant", "code")
ROLE_COLUMNS = ("rol", "role", "functie")
GROUP_COLUMNS = ("groep", "group")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")  # words with a letter: "06/05/2019 09:07" has none


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    folded = {str(c).strip().casefold(): c for c in columns}
    return next((folded[n] for n in names if n in folded), None)


def free_text_columns(frame: pd.DataFrame) -> list[str]:
    """Return the columns of ``frame`` that hold free text (see the module docstring)."""
    columns = list(frame.columns)
    reserved = {_find(columns, ID_COLUMNS), _find(columns, ROLE_COLUMNS), _find(columns, GROUP_COLUMNS)}
    found = []
    for column in columns:
        if column in reserved:
            continue
        values = [str(v) for v in frame[column].tolist() if v is not None and not pd.isna(v)]
        if not values:
            continue
        if pd.to_numeric(pd.Series(values).str.replace(",", ".", regex=False), errors="coerce").notna().all():
            continue
        long = sum(1 for v in values if len(_WORD.findall(v)) >= 4)
        distinct = len(set(values)) / len(values)
        if long * 2 >= len(values) and (len(values) < 3 or distinct >= 0.7):
            found.append(column)
    return found


def _chosen_columns(frame: pd.DataFrame, path: Path, relative: str, opts: Options) -> list[str]:
    wanted = opts.text_columns
    if isinstance(wanted, dict):
        wanted = next((cols for pattern, cols in wanted.items()
                       if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(relative, pattern)), None)
    columns = [str(c) for c in frame.columns]
    if wanted is None:
        found = free_text_columns(frame)
        if not found:
            raise LoadError(
                f"{where(path)}: found no free-text column (filled cells of mostly four words or more that differ "
                f"between respondents) among: {', '.join(columns)}; pass text_columns=[...], or load the file as "
                f"a table with kinds={{{path.name!r}: 'table'}}"
            )
        return found
    folded = {c.strip().casefold(): c for c in columns}
    chosen = [folded[str(w).strip().casefold()] for w in wanted if str(w).strip().casefold() in folded]
    if not chosen:
        raise LoadError(
            f"{where(path, 1)}: none of text_columns={list(wanted)!r} is a column of this file; its columns are: "
            f"{', '.join(columns)}"
        )
    return chosen


def _respondent_ids(frame: pd.DataFrame, path: Path) -> list[str]:
    column = _find(list(frame.columns), ID_COLUMNS)
    if column is None:
        return [f"R{n}" for n in range(1, len(frame) + 1)]
    ids: list[str] = []
    seen: dict[str, int] = {}
    for n, value in enumerate(frame[column].tolist(), start=2):
        if value is None or pd.isna(value):
            raise LoadError(f"{where(path, n)}: the respondent id ({column!r}) is empty; fill it in or delete the row")
        rid = str(value)
        if rid in seen:
            raise LoadError(f"{where(path, n)}: respondent {rid!r} also appears on line {seen[rid]}; "
                            "give every row its own id")
        seen[rid] = n
        ids.append(rid)
    return ids


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "_", name.strip().casefold()).strip("_") or "column"


def load_answers(path: Path, relative: str, doc_id: str, frame: pd.DataFrame, encoding: str,
                 opts: Options) -> Loaded:
    """Load a questionnaire export: one "answers" document per text column."""
    text_cols = _chosen_columns(frame, path, relative, opts)
    ids = _respondent_ids(frame, path)
    columns = list(frame.columns)
    role_col, group_col = _find(columns, ROLE_COLUMNS), _find(columns, GROUP_COLUMNS)
    other = [c for c in columns if c not in text_cols and c not in (role_col, group_col)]
    records = frame.to_dict("records")
    out = Loaded(tables={path.stem: typed(frame)})
    for column in text_cols:
        this_id = doc_id if len(text_cols) == 1 else f"{doc_id}_{_slug(column)}"
        parts: list[str] = []
        segments: list[Segment] = []
        pos = 0
        for rid, row in zip(ids, records):
            value = row.get(column)
            if value is None or pd.isna(value):
                continue
            answer = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
            if not answer:
                continue
            if parts:
                pos += 2
            segments.append(Segment(this_id, pos, pos + len(answer), "answer", answer, speaker=rid))
            parts.append(answer)
            pos += len(answer)
            out.participants.append(Participant(
                speaker=rid, document=this_id, person=rid,
                role=normalise_role(row.get(role_col), opts.role_map) if role_col else None,
                group=row.get(group_col) if group_col else None,
                attributes={str(c): row.get(c) for c in other},
            ))
        text = "\n\n".join(parts)
        out.documents.append(Document(
            id=this_id, text=text, kind="answers", attributes={"question": column, "table": path.stem},
            segments=tuple(segments), source=os.fspath(path), encoding=encoding,
            newline="\n" if "\n" in text else "",
        ))
    return out


def load_table_file(path: Path, relative: str, doc_id: str, kind: str | None, opts: Options) -> Loaded:
    """Load a CSV/XLSX file as an observation form, open answers or a table (``kind`` None: decide)."""
    frame, encoding = read_table_with_encoding(path)
    if frame.empty:
        raise EmptySourceError(f"{where(path)}: the table has a header but no rows (no text to load); "
                               "fill it in or remove the file")
    columns = [str(c).strip().casefold() for c in frame.columns]
    if kind is None:
        if is_form(list(frame.columns)):
            kind = "observation"
        elif "speaker" in columns or "document" in columns:
            what = "participants" if "speaker" in columns else "documents"
            warnings.warn(
                f"{where(path)}: looks like a {what} file (a {'speaker' if what == 'participants' else 'document'!r} "
                f"column) and was not loaded as data; pass it as {what}={os.fspath(path)!r}, or keep it as a table "
                f"with kinds={{{path.name!r}: 'table'}}",
                QualkitWarning,
                stacklevel=4,
            )
            return Loaded()
        elif opts.text_columns is None and not free_text_columns(frame):
            kind = "table"
        else:
            kind = "answers"
    if kind == "observation":
        return load_form(path, path.stem, opts, frame=frame, encoding=encoding)
    if kind == "table":
        return Loaded(tables={path.stem: typed(frame)})
    return load_answers(path, relative, doc_id, frame, encoding, opts)
