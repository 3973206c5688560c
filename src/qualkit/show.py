"""Show a coded document in a notebook: the turns with the coded spans highlighted.

:func:`show` returns a :class:`CodedDocument`, whose ``_repr_html_`` Jupyter
renders: one block per turn (speaker label and role, then the text), every
coded span in the colour of its code (the codebook's colour, else a stable
palette colour), the code names on hover. Overlapping codings are drawn by
cutting the text at every span boundary, so each piece carries exactly the
codes that cover it (a piece under two codes is striped in both colours).

All text is escaped: transcript text and code names can never inject markup.

Examples
--------
>>> import pandas as pd
>>> from qualkit.model import Corpus, Document, Segment
>>> doc = Document.from_text("d", "X: Onze visie.", kind="transcript",
...     segments=(Segment("d", 3, 14, "turn", "Onze visie.", speaker="X"),))
>>> coded = pd.DataFrame({"doc_id": ["d"], "start": [8], "end": [13], "code": ["l:visie"],
...     "code_name": ["Visie"], "coder": ["auto:rules"], "text": ["visie"]})
>>> page = show(Corpus([doc]), coded, "d")
>>> 'title="Visie (auto:rules)"' in page.html
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .analyse import code_colours
from .errors import InputError

if TYPE_CHECKING:
    from .model import Codebook, Corpus, Document

#: the alpha appended to a code colour, so highlighted text stays readable
HIGHLIGHT_ALPHA = "59"


@dataclass(frozen=True)
class CodedDocument:
    """A coded document rendered as HTML; Jupyter shows it as such.

    Attributes
    ----------
    doc_id : str
    html : str
        The complete, escaped HTML fragment.
    codes : tuple of str
        The codes shown, in legend order.

    Examples
    --------
    >>> page = CodedDocument("d", "<p>Onze &lt;visie&gt;</p>", ("l:visie",))
    >>> page._repr_html_() == str(page) == page.html
    True
    """

    doc_id: str
    html: str
    codes: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    code: str
    label: str


def _spans(coded: pd.DataFrame, doc: Document) -> list[_Span]:
    """The codings of one document, checked against its text."""
    rows = coded[coded["doc_id"] == doc.id]
    out: list[_Span] = []
    for i, r in rows.iterrows():
        if pd.isna(r["start"]) or pd.isna(r["end"]):
            raise InputError(f"show: coding {i} of {doc.id!r} ({r['code']}) has no start/end offsets")
        s, e = int(r["start"]), int(r["end"])
        if not 0 <= s <= e <= len(doc.text) or (
            "text" in rows.columns and isinstance(r["text"], str) and doc.text[s:e] != r["text"]
        ):
            raise InputError(
                f"show: coding {i} of {doc.id!r} ({r['code']}) at [{s}, {e}) does not match the document text; "
                "the document changed after coding: code it again or load the version that was coded"
            )
        name = r["code_name"] if "code_name" in rows.columns and not pd.isna(r["code_name"]) else r["code"]
        coder = r["coder"] if "coder" in rows.columns and not pd.isna(r["coder"]) else None
        out.append(_Span(s, e, str(r["code"]), f"{name} ({coder})" if coder else str(name)))
    return out


def _style(colours: list[str]) -> str:
    """A background: one colour, or stripes of several for overlapping codes."""
    cs = [c + HIGHLIGHT_ALPHA for c in dict.fromkeys(colours)]
    if len(cs) == 1:
        return f"background:{cs[0]}"
    step = 100 / len(cs)
    stops = ", ".join(f"{c} {i * step:.1f}%, {c} {(i + 1) * step:.1f}%" for i, c in enumerate(cs))
    return f"background:linear-gradient(to bottom, {stops})"


def _pieces(text: str, a: int, b: int, spans: list[_Span], colours: dict[str, str]) -> str:
    """The escaped HTML of ``text[a:b]``, cut at every span boundary inside it."""
    inside = [sp for sp in spans if sp.start < b and sp.end > a]
    cuts = sorted({a, b, *(max(a, sp.start) for sp in inside), *(min(b, sp.end) for sp in inside)})
    parts: list[str] = []
    for p, q in zip(cuts, cuts[1:]):
        piece = html.escape(text[p:q], quote=True).replace("\n", "<br>")
        on = [sp for sp in inside if sp.start <= p and sp.end >= q]
        if not on:
            parts.append(piece)
            continue
        title = html.escape("; ".join(dict.fromkeys(sp.label for sp in on)), quote=True)
        codes = html.escape(" ".join(dict.fromkeys(sp.code for sp in on)), quote=True)
        style = _style([colours[sp.code] for sp in on])
        parts.append(f'<span class="qk-coded" style="{style};border-radius:2px" title="{title}" data-codes="{codes}">{piece}</span>')
    return "".join(parts)


def _regions(doc: Document, spans: list[_Span]) -> list[tuple[int, int, Any]]:
    """Turns (with their speaker) and any coded text between them, in text order."""
    segs = sorted(doc.segments, key=lambda s: (s.start, s.end))
    if not segs:
        return [(0, len(doc.text), None)]
    out: list[tuple[int, int, Any]] = []
    pos = 0
    for seg in segs + [None]:
        gap_end = seg.start if seg is not None else len(doc.text)
        # text outside the segments is shown only where a coding reaches it, so no coding is lost
        if gap_end > pos and any(sp.start < gap_end and sp.end > pos and sp.end > sp.start for sp in spans):
            out.append((pos, gap_end, None))
        if seg is not None:
            out.append((seg.start, seg.end, seg))
            pos = max(pos, seg.end)
    return out


def show(
    corpus: Corpus,
    coded: pd.DataFrame,
    doc_id: str,
    codebooks: Codebook | Iterable[Codebook] | None = None,
) -> CodedDocument:
    """Return one document with its codings highlighted, for display in a notebook.

    Parameters
    ----------
    corpus : Corpus
        Holds the document text and its participants.
    coded : DataFrame
        The coded frame; only rows of ``doc_id`` are used. Every coding's
        ``[start, end)`` must match the document text.
    doc_id : str
        The document to show.
    codebooks : Codebook or list of Codebook, optional
        Colours of the codes (``Code.colour``); other codes get a stable
        palette colour.

    Returns
    -------
    CodedDocument
        ``.html`` holds the fragment; in Jupyter it renders by itself.

    Examples
    --------
    >>> from qualkit.model import Corpus, Document, Segment
    >>> doc = Document.from_text("d", "X: Samen <leren>.", kind="transcript",
    ...     segments=(Segment("d", 3, 17, "turn", "Samen <leren>.", speaker="X"),))
    >>> coded = pd.DataFrame({"doc_id": ["d"], "start": [9], "end": [16], "code": ["n:leren"],
    ...     "code_name": ["Leren"], "coder": ["ann"], "text": ["<leren>"]})
    >>> page = show(Corpus([doc]), coded, "d")
    >>> page.codes, "&lt;leren&gt;" in page.html, "<leren>" in page.html
    (('n:leren',), True, False)
    """
    if doc_id not in corpus.documents:
        known = ", ".join(list(corpus.documents)[:10]) or "none"
        raise InputError(f"show: no document {doc_id!r} in the corpus (documents: {known}); pass one of those ids")
    doc = corpus[doc_id]
    spans = _spans(coded, doc)
    codes = list(dict.fromkeys(sp.code for sp in sorted(spans, key=lambda sp: sp.start)))
    colours = code_colours(codes, codebooks)
    names = dict(zip(coded["code"], coded["code_name"])) if "code_name" in coded.columns else {}
    e = html.escape
    out = ['<div class="qualkit-document" style="font-family:sans-serif;line-height:1.6;max-width:60em">',
           f"<h4>{e(doc_id)}</h4>"]
    if codes:
        legend = " ".join(
            f'<span style="background:{colours[q]}{HIGHLIGHT_ALPHA};padding:0 0.3em;margin-right:0.4em" '
            f'title="{e(q, quote=True)}">{e(str(names.get(q, q)))}</span>'
            for q in codes
        )
        out.append(f'<p class="qk-legend">{legend}</p>')
    for a, b, seg in _regions(doc, spans):
        who = ""
        if seg is not None and seg.speaker:
            p = corpus.participant(doc.id, seg.speaker)
            role = f" ({e(p.role)})" if p and p.role else ""
            who = f'<b class="qk-speaker">{e(seg.speaker)}{role}:</b> '
        out.append(f'<div class="qk-turn" style="margin:0.3em 0">{who}{_pieces(doc.text, a, b, spans, colours)}</div>')
    out.append("</div>")
    return CodedDocument(doc_id, "\n".join(out), tuple(codes))
