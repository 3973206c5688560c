"""The participants file (speaker -> person, role, group) and the documents file.

``participants.csv`` (or .xlsx) has a column ``speaker`` with the label as
written in the transcripts and optional columns ``document`` (limit the row to
one document id, for labels such as "X" that mean someone else in every
focus group), ``person``, ``role``, ``group``; every further column is kept in
:attr:`Participant.attributes`. A ``role_map`` normalises role spellings
("leraar" -> "leerkracht"); keys are compared without case and surrounding
spaces, roles not in the map stay as written.

``documents.csv`` has a column ``document`` (the document id: the file name
without extension) and attribute columns (groep, soort, datum, sessie ...).

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "participants.csv"
>>> _ = f.write_text("speaker;role;school\\nX;Leraar;A\\n", encoding="utf-8-sig")
>>> read_participants(f, role_map={"leraar": "leerkracht"})
(Participant(speaker='X', document=None, person=None, role='leerkracht', group=None, attributes={'school': 'A'}),)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import LoadError, ParticipantsError, where
from ..model import Participant
from .tables import cell, read_table

#: the columns of a participants file that map to Participant fields
PARTICIPANT_FIELDS = ("speaker", "document", "person", "role", "group")


def normalise_role(role: str | None, role_map: Mapping[str, str] | None) -> str | None:
    """Return ``role`` mapped through ``role_map`` (case- and space-insensitive keys).

    Examples
    --------
    >>> normalise_role(" Directeur", {"directeur": "directie"}), normalise_role("zoco", {})
    ('directie', 'zoco')
    """
    if role is None or not role_map:
        return role
    folded = {str(k).strip().casefold(): v for k, v in role_map.items()}
    return folded.get(role.strip().casefold(), role)


def read_participants(
    path: str | os.PathLike[str], role_map: Mapping[str, str] | None = None
) -> tuple[Participant, ...]:
    """Read a participants file (CSV or XLSX) into participants.

    Parameters
    ----------
    path : path-like
        A file with a ``speaker`` column (see the module docstring).
    role_map : mapping, optional
        Spelling -> normalised role, e.g. ``{"leraar": "leerkracht"}``.

    Returns
    -------
    tuple of Participant
        One per row, in file order; columns beyond the known fields go to
        :attr:`~qualkit.model.Participant.attributes`.

    Raises
    ------
    ParticipantsError
        No ``speaker`` column, an empty speaker cell, or the same speaker
        twice for one document.

    Examples
    --------
    The label "X" means a different leerkracht in each focus group:

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "deelnemers.csv"
    >>> _ = f.write_text("speaker,document,person,role\\nX,fg1,Lien,leerkracht\\nX,fg2,Bart,leraar\\n")
    >>> [(p.document, p.person, p.role) for p in read_participants(f, role_map={"Leraar": "leerkracht"})]
    [('fg1', 'Lien', 'leerkracht'), ('fg2', 'Bart', 'leerkracht')]
    """
    frame = read_table(path)
    columns = _columns_with(frame, path, "speaker", "a participants file",
                            "the label as written in the transcripts", "speaker labels", ParticipantsError)
    extra = [c for key, c in columns.items() if key not in PARTICIPANT_FIELDS]
    seen: dict[tuple[str, str | None], int] = {}
    out = []
    for n, row in enumerate(frame.to_dict("records"), start=2):
        fields: dict[str, Any] = {f: cell(row.get(columns[f])) if f in columns else None for f in PARTICIPANT_FIELDS}
        if fields["speaker"] is None:
            raise ParticipantsError(f"{where(path, n)}: the 'speaker' cell is empty; fill in the label or delete the row")
        key = (fields["speaker"], fields["document"])
        if key in seen:
            scope = f"document {key[1]!r}" if key[1] else "every document"
            raise ParticipantsError(
                f"{where(path, n)}: speaker {key[0]!r} is listed twice for {scope} (also on line {seen[key]}); "
                "keep one row, or add a 'document' column to say which document each row is for"
            )
        seen[key] = n
        fields["role"] = normalise_role(fields["role"], role_map)
        attributes = {str(c).strip(): cell(row.get(c)) for c in extra}
        out.append(Participant(**fields, attributes=attributes))
    return tuple(out)


def read_document_attributes(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Read a documents file (CSV or XLSX): document id -> attributes.

    Parameters
    ----------
    path : path-like
        A file with a ``document`` column (see the module docstring).

    Returns
    -------
    dict of str to dict
        Document id -> {column: value} of the other columns, in file order;
        an empty cell gives ``None``.

    Raises
    ------
    LoadError
        No ``document`` column, or a document listed twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "documents.csv"
    >>> _ = f.write_text("document,groep,datum\\nfg_1,iCLB,2024-03-12\\nfg_2,CLB,\\n")
    >>> read_document_attributes(f)
    {'fg_1': {'groep': 'iCLB', 'datum': '2024-03-12'}, 'fg_2': {'groep': 'CLB', 'datum': None}}
    """
    frame = read_table(path)
    columns = _columns_with(frame, path, "document", "a documents file",
                            "the file name without extension", "document ids", LoadError)
    key = columns["document"]
    out: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for n, row in enumerate(frame.to_dict("records"), start=2):
        doc_id = cell(row.get(key))
        if doc_id is None:
            raise LoadError(f"{where(path, n)}: the 'document' cell is empty; fill in the document id or delete the row")
        if doc_id in out:
            raise LoadError(
                f"{where(path, n)}: document {doc_id!r} is listed twice (also on line {lines[doc_id]}); keep one row"
            )
        lines[doc_id] = n
        out[doc_id] = {str(c).strip(): cell(row.get(c)) for c in frame.columns if c != key}
    return out


def is_data_file(path: Path, reserved: set[Path]) -> bool:
    """False for a file passed as ``participants=`` or ``documents=`` (never loaded as data)."""
    return path.resolve() not in reserved


def _columns_with(
    frame: Any, path: str | os.PathLike[str], required: str, what: str, meaning: str, values: str,
    error: type[LoadError],
) -> dict[str, Any]:
    """Return the frame's columns by their case-folded name; raise ``error`` without ``required``."""
    columns = {str(c).strip().casefold(): c for c in frame.columns}
    if required not in columns:
        found = ", ".join(str(c) for c in frame.columns)
        raise error(
            f"{where(path, 1)}: {what} needs a column '{required}' ({meaning}); "
            f"found columns: {found}; rename the column of {values} to '{required}'"
        )
    return columns
