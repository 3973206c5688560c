"""Segmentation: the units a coding pass and the views work on.

The loaders give every document a base layer (header, turns, notes, answers,
observation entries). This module turns a corpus into a frame of one unit, with
exact character offsets, the speaker and the participant's person, role and
group, and the document attributes as extra columns.

Examples
--------
>>> from qualkit.model import Corpus, Document, Segment
>>> doc = Document.from_text("d", "X: Ja.", kind="transcript",
...     segments=(Segment("d", 3, 6, "turn", "Ja.", speaker="X", label_start=0),))
>>> segments(Corpus([doc]), "turn")[["segment_id", "speaker", "text"]].values.tolist()
[['d:turn:1', 'X', 'Ja.']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .columns import SEGMENT_COLUMNS
from .model import UNITS, Segment

if TYPE_CHECKING:
    from .model import Corpus, Document

#: the units stored in a document's base layer
BASE_UNITS = ("header", "turn", "note", "answer", "entry")


def document_units(doc: Document, unit: str, **options: Any) -> list[Segment]:
    """Return the segments of one unit of a document, in text order.

    Base units come from the loader; derived units are computed here.
    """
    if unit in BASE_UNITS:
        return list(doc.units(unit))
    raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")


def segments(corpus: Corpus, unit: str = "turn", **options: Any) -> pd.DataFrame:
    """Return one row per segment of ``unit`` over the whole corpus.

    Parameters
    ----------
    corpus : Corpus
    unit : str
        One of :data:`qualkit.model.UNITS`.
    **options
        Unit options (``size`` for windows).

    Returns
    -------
    pandas.DataFrame
        :data:`qualkit.columns.SEGMENT_COLUMNS`, then the document attributes.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")
    rows: list[dict[str, Any]] = []
    attr_names: list[str] = []
    for doc in corpus:
        for name in doc.attributes:
            if name not in attr_names:
                attr_names.append(name)
        for n, seg in enumerate(document_units(doc, unit, **options)):
            p = corpus.participant(doc.id, seg.speaker)
            row = {
                "doc_id": doc.id,
                "segment_id": f"{doc.id}:{unit}:{n + 1}",
                "unit": unit,
                "position": n,
                "start": seg.start,
                "end": seg.end,
                "speaker": seg.speaker,
                "person": p.person if p else None,
                "role": p.role if p else None,
                "group": p.group if p else None,
                "time_start": seg.time_start,
                "time_end": seg.time_end,
                "text": seg.text,
            }
            for name, value in doc.attributes.items():
                row[attr_column(name)] = value
            rows.append(row)
    columns = SEGMENT_COLUMNS + [attr_column(a) for a in attr_names]
    frame = pd.DataFrame(rows, columns=columns)
    frame["time_start"] = frame["time_start"].astype(float)
    frame["time_end"] = frame["time_end"].astype(float)
    return frame


def attr_column(name: str) -> str:
    """Return the frame column of a document attribute.

    An attribute whose name collides with a fixed column gets a ``doc_`` prefix,
    so a document attribute "role" never overwrites the speaker's role.

    Examples
    --------
    >>> attr_column("school"), attr_column("role")
    ('school', 'doc_role')
    """
    from .columns import CODED_COLUMNS

    return f"doc_{name}" if name in SEGMENT_COLUMNS or name in CODED_COLUMNS else name
