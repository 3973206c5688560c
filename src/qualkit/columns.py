"""The fixed column names of qualkit's frames, defined once.

Every frame qualkit returns starts with these columns in this order; document
attributes (school, session, date ...) follow as extra columns. The segments
frame then has the participant attributes (further columns of a participants
file, a questionnaire's respondent columns: ervaring, anciënniteit ...), NaN
where a segment has no participant or the participant lacks the attribute; a
name that is taken by a fixed column or a document attribute gets the prefix
``speaker_`` (``speaker_school``). ``qk.code`` copies every extra column of the
segments frame into the coded frame, so both can be used in ``by=``. A function that
finds nothing returns an empty frame with the same columns, never ``None``.

Segments (``corpus.segments(unit=...)``)
    doc_id      document id (the file name without extension, unless renamed)
    segment_id  ``"{doc_id}:{unit}:{n}"``, n counting from 1 within the unit
    unit        turn, note, header, answer, sentence, paragraph, window
    position    0-based order of the unit within its document
    start, end  character offsets into the document text, end exclusive
    speaker     the label as written in the source ("Leerkracht 5"), or None
    person      the person the participants file maps the label to, or None
    role        the normalised role ("leerkracht"), or None
    group       the participant's group (e.g. "iCLB"), or None
    time_start, time_end  seconds from the start of the recording, or NaN
    text        ``document.text[start:end]``, exactly

Codings (``qk.code(...)``, manual codings, imports)
    The segment columns up to ``group``, then
    code        ``"namespace:code_id"``
    code_name   the code's display name
    code_path   names from the root down, joined by " > "
    namespace   the codebook's namespace
    coder       "auto:rules", "auto:model", or a person's name/initials
    rule        which rule fired ("keyword", "regex", "near", "manual" ...)
    matched     the words that made the rule fire, joined by "; "
    memo        free text the coder wrote, or ""
    text        the coded text, ``document.text[start:end]``

For a coding of a whole segment, ``start``/``end`` are the segment's; a manual
coding of part of a turn has its own ``start``/``end`` and the ``segment_id`` of
the base segment that contains it (or None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

SEGMENT_COLUMNS: list[str] = [
    "doc_id",
    "segment_id",
    "unit",
    "position",
    "start",
    "end",
    "speaker",
    "person",
    "role",
    "group",
    "time_start",
    "time_end",
    "text",
]

CODED_COLUMNS: list[str] = [
    "doc_id",
    "segment_id",
    "unit",
    "position",
    "start",
    "end",
    "speaker",
    "person",
    "role",
    "group",
    "code",
    "code_name",
    "code_path",
    "namespace",
    "coder",
    "rule",
    "matched",
    "memo",
    "text",
]

#: the separator inside the ``matched`` column
MATCHED_SEP = "; "
#: the separator of names inside ``code_path``
PATH_SEP = " > "
#: the coder name of the rule-based coding pass
RULE_CODER = "auto:rules"
#: the coder name of the learned suggestions
MODEL_CODER = "auto:model"


def require_columns(frame: pd.DataFrame, needed: Sequence[str], what: str, expected: str) -> None:
    """Raise :class:`~qualkit.errors.InputError` when ``frame`` lacks a column of ``needed``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame a function was given.
    needed : sequence of str
        The columns it must have.
    what : str
        What the frame is, as the message starts: ``"evaluate: the coded frame"``.
    expected : str
        What was expected, and so how to fix it.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"doc_id": ["fg1"]}), ["doc_id", "text"], "segments", "at least doc_id, text")
    Traceback (most recent call last):
    ...
    qualkit.errors.InputError: segments has no column text; expected at least doc_id, text, found doc_id
    """
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what} has no column {', '.join(missing)}; expected {expected}, "
            f"found {', '.join(map(str, frame.columns)) or 'no columns'}"
        )
