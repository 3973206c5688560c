"""Analysis views of coded data: counts, matrices, co-occurrence, excerpts, KWIC.

Every view takes the coded frame that :func:`qualkit.code` returns (the columns
of :data:`qualkit.columns.CODED_COLUMNS`, then the document attributes; one row
per segment, code and coder) and, where text or denominators are needed, the
corpus or its segments frame. Every view returns pandas objects whose columns
are fixed and listed in a module constant; empty input gives an empty result
with the same columns.

What is counted
    A *segment* is counted once per code however many coders or rules coded it
    (its ``segment_id``; a manual coding outside any segment counts as its own
    span). A *document* is a ``doc_id``. A *person* is the ``person`` column,
    or ``doc_id/speaker`` where the participants file gives no person.

Examples
--------
>>> import pandas as pd
>>> coded = pd.DataFrame({"doc_id": ["fg1", "fg1", "fg2"],
...     "segment_id": ["fg1:turn:1", "fg1:turn:2", "fg2:turn:1"],
...     "role": ["directie", "leerkracht", "directie"],
...     "code": ["lei:visie"] * 3, "code_name": ["Visie"] * 3})
>>> frequencies(coded, by="role")
        code code_name        role  count
0  lei:visie     Visie    directie      2
1  lei:visie     Visie  leerkracht      1
>>> frequencies(coded, count="documents")
        code code_name  count
0  lei:visie     Visie      2
"""

from __future__ import annotations

import html
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .columns import PATH_SEP
from .errors import InputError, QualkitWarning

if TYPE_CHECKING:
    import networkx as nx

    from .model import Code, Codebook, Corpus

#: what ``count=`` may count
COUNTS = ("segments", "documents", "persons")
#: columns of :func:`frequencies` (the ``by`` column is inserted after ``code_name``)
FREQUENCY_COLUMNS: list[str] = ["code", "code_name", "count"]
#: the two columns :func:`frequencies` adds with ``share=True``
SHARE_COLUMNS: list[str] = ["of", "share"]
#: columns of :func:`excerpts` (a ``by`` column that is not among them is appended)
EXCERPT_COLUMNS: list[str] = [
    "code",
    "code_name",
    "doc_id",
    "segment_id",
    "start",
    "end",
    "speaker",
    "person",
    "role",
    "coder",
    "excerpt",
    "quote",
]
#: how :func:`excerpts` may sort
EXCERPT_SORTS = ("document", "role", "length")
#: the marker of left-out text in a trimmed excerpt
ELLIPSIS = "[…]"


# ---------------------------------------------------------------------------
# shared helpers


def _codebook_list(codebooks: Codebook | Iterable[Codebook] | None) -> list[Codebook]:
    from .model import Codebook

    if codebooks is None:
        return []
    if isinstance(codebooks, Codebook):
        return [codebooks]
    return list(codebooks)


def _codes_by_qualified(codebooks: Codebook | Iterable[Codebook] | None) -> dict[str, tuple[Codebook, Code]]:
    """Map ``namespace:id`` to its codebook and code, in codebook order."""
    out: dict[str, tuple[Codebook, Code]] = {}
    for book in _codebook_list(codebooks):
        for c in book:
            out[c.qualified] = (book, c)
    return out


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what}: the frame has no column {', '.join(repr(m) for m in missing)}; "
            f"it has {', '.join(map(str, frame.columns)) or 'no columns'}. "
            "Pass the frame qk.code() returns, or name an existing column."
        )


def _segment_keys(frame: pd.DataFrame) -> pd.Series:
    """The segment a row belongs to: its segment_id, else its own span."""
    if "segment_id" not in frame.columns:
        ids = pd.Series(np.nan, index=frame.index, dtype=object)
    else:
        ids = frame["segment_id"].astype(object)
    missing = ids.isna()
    if missing.any():
        _require_columns(frame, ["doc_id", "start", "end"], "segments without segment_id")
        span = (
            frame["doc_id"].astype(str)
            + "@"
            + frame["start"].astype("Int64").astype(str)
            + "-"
            + frame["end"].astype("Int64").astype(str)
        )
        ids = ids.where(~missing, span)
    return ids


def _person_keys(frame: pd.DataFrame) -> pd.Series:
    """A person id per row: ``person``, else ``doc_id/speaker``, else NaN."""
    person = frame["person"].astype(object) if "person" in frame.columns else pd.Series(np.nan, index=frame.index)
    if "speaker" in frame.columns:
        fallback = frame["doc_id"].astype(str) + "/" + frame["speaker"].astype(object).astype(str)
        fallback = fallback.where(frame["speaker"].notna())
        person = person.where(person.notna(), fallback)
    return person


def _unit_keys(frame: pd.DataFrame, count: str, what: str) -> pd.Series:
    if count not in COUNTS:
        raise InputError(f"{what}: count must be one of {', '.join(COUNTS)}; got {count!r}")
    if count == "segments":
        return _segment_keys(frame)
    _require_columns(frame, ["doc_id"], what)
    if count == "documents":
        return frame["doc_id"].astype(object)
    keys = _person_keys(frame)
    n = int(keys.isna().sum())
    if n:
        warnings.warn(
            f"{what}: {n} row(s) have neither a person nor a speaker and are not counted as persons; "
            "map their speakers in the participants file",
            QualkitWarning,
            stacklevel=3,
        )
    return keys


def roll_up(coded: pd.DataFrame, level: int, codebooks: Codebook | Iterable[Codebook] | None = None) -> pd.DataFrame:
    """Return ``coded`` with every code replaced by its ancestor at depth ``level``.

    Codes at depth ``level`` or higher up stay as they are. With codebooks the
    ancestor's own id and name are used; without, the ``code_path`` column gives
    the names and the rolled-up code is ``namespace:Name > Name`` (the frame
    does not hold the ancestors' ids).

    Parameters
    ----------
    coded : DataFrame
        A coded frame.
    level : int
        1 for the top-level themes, 2 for their children, ...
    codebooks : Codebook or list of Codebook, optional
        The codebooks of the codes; without them ``code_path`` is used.

    Returns
    -------
    DataFrame
        A copy of ``coded`` with ``code``, ``code_name`` (and ``code_path``)
        of the ancestor; the other columns as they were.

    Examples
    --------
    >>> from qualkit.model import Code, Codebook
    >>> book = Codebook("n", "N", (Code("org", "Organisatie", "n", codable=False),
    ...                            Code("tijd", "Tijd", "n", parent="org")))
    >>> coded = pd.DataFrame({"code": ["n:tijd"], "code_name": ["Tijd"]})
    >>> roll_up(coded, 1, book)[["code", "code_name"]].values.tolist()
    [['n:org', 'Organisatie']]
    """
    if not isinstance(level, (int, np.integer)) or isinstance(level, bool) or level < 1:
        raise InputError(f"level must be a whole number of 1 or more (1 = top-level themes); got {level!r}")
    out = coded.copy()
    if out.empty:
        return out
    known = _codes_by_qualified(codebooks)
    if known:
        mapping: dict[str, tuple[str, str, str]] = {}
        for q in pd.unique(out["code"]):
            if q not in known:
                namespaces = sorted({b.namespace for b, _ in known.values()})
                raise InputError(
                    f"code {q}: not in the codebooks given (namespaces {', '.join(namespaces)}); "
                    "pass every codebook the frame was coded with"
                )
            book, code = known[q]
            chain = book.ancestors(code.id) + [code]
            target = chain[min(level, len(chain)) - 1]
            mapping[q] = (target.qualified, target.name, book.path(target.id))
        out["code_name"] = out["code"].map(lambda q: mapping[q][1])
        if "code_path" in out.columns:
            out["code_path"] = out["code"].map(lambda q: mapping[q][2])
        out["code"] = out["code"].map(lambda q: mapping[q][0])
        return out
    _require_columns(out, ["code_path", "namespace"], "roll-up without codebooks")
    parts = out["code_path"].astype(str).str.split(PATH_SEP, regex=False)
    deep = parts.str.len() > level
    kept = parts.str[:level]
    out.loc[deep, "code"] = out.loc[deep, "namespace"].astype(str) + ":" + kept[deep].str.join(PATH_SEP)
    out.loc[deep, "code_name"] = kept[deep].str[-1]
    out.loc[deep, "code_path"] = kept[deep].str.join(PATH_SEP)
    return out


def _code_order(codes: Iterable[str], codebooks: Codebook | Iterable[Codebook] | None) -> list[str]:
    """Codes in codebook order where known, the rest sorted after them."""
    order = {q: i for i, q in enumerate(_codes_by_qualified(codebooks))}
    return sorted(set(codes), key=lambda q: (order.get(q, len(order)), q))


def _codebook_codes(codebooks: Codebook | Iterable[Codebook] | None, level: int | None) -> dict[str, str]:
    """The codes a count table lists even when uncoded: qualified -> name."""
    out: dict[str, str] = {}
    for book in _codebook_list(codebooks):
        for c in book:
            depth = book.depth(c.id)
            if level is None:
                if c.codable:
                    out[c.qualified] = c.name
            elif depth == level or (depth < level and c.codable and not book.children(c.id)):
                out[c.qualified] = c.name
    return out


def _segments_of(units: pd.DataFrame | Corpus, coded: pd.DataFrame, what: str) -> pd.DataFrame:
    """The denominators frame: a segments frame as given, or the corpus's segments."""
    if isinstance(units, pd.DataFrame):
        return units
    kinds = sorted(set(coded["unit"].dropna())) if "unit" in coded.columns else []
    if len(kinds) > 1:
        raise InputError(
            f"{what}: the coded frame mixes units ({', '.join(kinds)}), so the corpus does not say "
            "which segments to count; pass units=corpus.segments('turn') (or the unit you mean)"
        )
    return units.segments(kinds[0] if kinds else "turn")


# ---------------------------------------------------------------------------
# frequencies and matrices


def _counts(frame: pd.DataFrame, keys: list[str], count: str, what: str) -> pd.DataFrame:
    """Number of distinct units per combination of ``keys`` (NaN is a group too)."""
    units = _unit_keys(frame, count, what)
    work = frame[keys].copy()
    work["_unit"] = units.to_numpy()
    work = work[work["_unit"].notna()]
    if work.empty:
        return pd.DataFrame({**{k: pd.Series(dtype=object) for k in keys}, "count": pd.Series(dtype="int64")})
    got = work.groupby(keys, dropna=False, sort=False)["_unit"].nunique().reset_index(name="count")
    got["count"] = got["count"].astype("int64")
    return got


def frequencies(
    coded: pd.DataFrame,
    by: str | None = None,
    count: str = "segments",
    share: bool = False,
    level: int | None = None,
    codebooks: Codebook | Iterable[Codebook] | None = None,
    units: pd.DataFrame | Corpus | None = None,
) -> pd.DataFrame:
    """Return how often each code occurs, overall or per value of a column.

    Parameters
    ----------
    coded : DataFrame
        The coded frame (:data:`qualkit.columns.CODED_COLUMNS` + attributes).
    by : str, optional
        Any column: role, group, doc_id, speaker, person or a document
        attribute such as school. Rows with no value form their own (NaN) group.
    count : {"segments", "documents", "persons"}
        What is counted: distinct coded segments, documents ("in 7 of 11
        conversations") or persons.
    share : bool
        Add ``of`` (the number of units of that kind in the group, from
        ``units``) and ``share`` (``count / of``). Needs ``units``.
    level : int, optional
        Roll child codes up to this depth of the hierarchy (1 = themes); a
        segment coded with two children of one theme counts once for the theme.
    codebooks : Codebook or list of Codebook, optional
        Give the hierarchy for ``level``, the row order, and list uncoded
        codes with a count of 0.
    units : DataFrame or Corpus, optional
        The denominators: a segments frame (``corpus.segments("turn")``) or the
        corpus (its segments of the coded unit).

    Returns
    -------
    DataFrame
        :data:`FREQUENCY_COLUMNS` with the ``by`` column after ``code_name``;
        with ``share=True`` also :data:`SHARE_COLUMNS`. Rows in codebook order
        (else by code), then by the ``by`` value.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["a", "a", "b"], "segment_id": ["a:1", "a:1", "b:1"],
    ...     "role": ["ouder", "ouder", "directie"], "code": ["x:zorg"] * 3,
    ...     "code_name": ["Zorg"] * 3, "coder": ["auto:rules", "AV", "AV"]})
    >>> frequencies(coded)["count"].tolist()    # a:1 is one segment, coded twice
    [2]
    >>> turns = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "segment_id": ["a:1", "a:2", "b:1", "b:2"],
    ...     "role": ["ouder", "ouder", "directie", "ouder"]})
    >>> frequencies(coded, by="role", share=True, units=turns)[["role", "count", "of", "share"]].round(2)
           role  count  of  share
    0  directie      1   1   1.00
    1     ouder      1   3   0.33
    """
    what = "frequencies"
    _require_columns(coded, ["code", "code_name"], what)
    if by is not None:
        _require_columns(coded, [by], what)
    if share and units is None:
        raise InputError(
            "frequencies: share=True needs the units to divide by; pass units=corpus.segments('turn') "
            "or units=corpus"
        )
    if level is not None:
        coded = roll_up(coded, level, codebooks)
    keys = ["code"] + ([by] if by is not None else [])
    got = _counts(coded, keys, count, what)
    names = dict(zip(coded["code"], coded["code_name"]))
    names = {**_codebook_codes(codebooks, level), **names}
    unit_frame = _segments_of(units, coded, what) if units is not None else None
    if codebooks is not None or unit_frame is not None:
        got = _fill_zeros(got, names if codebooks is not None else {}, by, coded, unit_frame)
    got.insert(1, "code_name", got["code"].map(names))
    if share:
        assert unit_frame is not None
        got = _add_shares(got, unit_frame, by, count, what)
    order = {q: i for i, q in enumerate(_code_order(got["code"], codebooks))}
    got["_o"] = got["code"].map(order)
    sort = ["_o"] + ([by] if by is not None else [])
    got = got.sort_values(sort, kind="stable", na_position="last").drop(columns="_o").reset_index(drop=True)
    columns = FREQUENCY_COLUMNS[:2] + ([by] if by else []) + FREQUENCY_COLUMNS[2:] + (SHARE_COLUMNS if share else [])
    return got[columns]


def _fill_zeros(
    got: pd.DataFrame, codes: Mapping[str, str], by: str | None, coded: pd.DataFrame, unit_frame: pd.DataFrame | None
) -> pd.DataFrame:
    """Add rows with count 0 for uncoded codes and for groups without codings."""
    all_codes = list(dict.fromkeys([*got["code"], *codes]))
    if by is None:
        index = pd.Index(all_codes, name="code")
        return got.set_index("code").reindex(index, fill_value=0).reset_index()
    values = list(coded[by])
    if unit_frame is not None and by in unit_frame.columns:
        values += list(unit_frame[by])
    groups = list(pd.unique(pd.Series(values, dtype=object)))
    full = pd.MultiIndex.from_product([all_codes, groups], names=["code", by])
    return got.set_index(["code", by]).reindex(full, fill_value=0).reset_index()


def _add_shares(got: pd.DataFrame, unit_frame: pd.DataFrame, by: str | None, count: str, what: str) -> pd.DataFrame:
    if by is not None and by not in unit_frame.columns:
        raise InputError(
            f"{what}: the units frame has no column {by!r} to divide by; "
            "pass a segments frame that has it (corpus.segments() carries roles and document attributes)"
        )
    keys = _unit_keys(unit_frame, count, what)
    if by is None:
        got["of"] = int(keys.nunique())
    else:
        denom = pd.DataFrame({by: unit_frame[by].to_numpy(), "_u": keys.to_numpy()})
        denom = denom.groupby(by, dropna=False)["_u"].nunique()
        got["of"] = got[by].map(lambda v: _lookup_group(denom, v)).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        got["share"] = np.where(got["of"] > 0, got["count"] / got["of"].where(got["of"] > 0, 1), np.nan)
    return got


def _lookup_group(series: pd.Series, value: Any) -> int:
    if pd.isna(value):
        hits = series[series.index.isna()]
        return int(hits.iloc[0]) if len(hits) else 0
    return int(series.get(value, 0))


def matrix(
    coded: pd.DataFrame,
    rows: str = "code",
    cols: str = "role",
    values: str = "segments",
    level: int | None = None,
    codebooks: Codebook | Iterable[Codebook] | None = None,
    label: str = "code",
) -> pd.DataFrame:
    """Return a code x attribute matrix of counts (NVivo matrix coding query).

    Each cell counts the distinct segments (documents, persons) of a row value
    coded in that column value. Drill down into a cell with
    ``excerpts(coded, code=row, where={cols: col})``.

    Parameters
    ----------
    coded : DataFrame
        The coded frame.
    rows, cols : str
        Columns of the frame; ``rows="code"`` puts codes in the rows (the usual
        way), any other column works too.
    values : {"segments", "documents", "persons"}
        What a cell counts.
    level, codebooks
        As in :func:`frequencies`: roll codes up and order them as the codebook.
    label : {"code", "name"}
        Label code rows (or columns) by ``namespace:id`` or by display name.

    Returns
    -------
    DataFrame
        Integer counts; the index is named ``rows``, the columns ``cols``;
        missing combinations are 0; rows with no value in ``cols`` form a NaN
        column. Empty input gives an empty frame with those names.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["a", "a", "b"], "segment_id": ["a:1", "a:2", "b:1"],
    ...     "role": ["ouder", "directie", "ouder"], "code": ["x:zorg", "x:zorg", "x:tijd"],
    ...     "code_name": ["Zorg", "Zorg", "Tijd"]})
    >>> matrix(coded, cols="role").to_dict("index")
    {'x:tijd': {'directie': 0, 'ouder': 1}, 'x:zorg': {'directie': 1, 'ouder': 1}}
    """
    what = "matrix"
    _require_columns(coded, [rows, cols], what)
    if label not in ("code", "name"):
        raise InputError(f"matrix: label must be 'code' or 'name'; got {label!r}")
    if level is not None:
        coded = roll_up(coded, level, codebooks)
    got = _counts(coded, [rows, cols], values, what)
    table = got.pivot_table(index=rows, columns=cols, values="count", aggfunc="sum", fill_value=0, dropna=False)
    table = table.astype("int64")
    for axis_name in (rows, cols):
        if axis_name == "code":
            order = _code_order(coded["code"], codebooks)
            table = table.reindex(order, fill_value=0) if axis_name == rows else table.reindex(columns=order, fill_value=0)
    if label == "name":
        names = dict(zip(coded["code"], coded["code_name"]))
        if rows == "code":
            table.index = [names.get(q, q) for q in table.index]
        if cols == "code":
            table.columns = [names.get(q, q) for q in table.columns]
    table.index.name = rows
    table.columns.name = cols
    if table.empty and table.shape == (0, 0):
        table = pd.DataFrame(index=pd.Index([], name=rows, dtype=object), columns=pd.Index([], name=cols, dtype=object))
    return table


# ---------------------------------------------------------------------------
# excerpts


class Excerpts(pd.DataFrame):
    """A frame of excerpts (:data:`EXCERPT_COLUMNS`) that renders as thesis quotes.

    It is a :class:`pandas.DataFrame` in every way; in a notebook it shows the
    quotes grouped under headings, and :meth:`to_markdown` / :meth:`to_html`
    give the same as text. Derived frames (slices, merges) are plain frames.

    Examples
    --------
    >>> ex = Excerpts({"code": ["x:a", "x:b"], "code_name": ["Aanpak", "Beleid"], "doc_id": ["fg1", "fg2"],
    ...     "quote": ["“We plannen samen.” (leraar)", "“Dat staat in het plan.” (directeur)"]})
    >>> print(ex.to_markdown())
    ### Aanpak
    <BLANKLINE>
    - “We plannen samen.” (leraar) — fg1
    <BLANKLINE>
    ### Beleid
    <BLANKLINE>
    - “Dat staat in het plan.” (directeur) — fg2
    >>> type(ex.head(1)).__name__
    'DataFrame'
    """

    _metadata = ["group_by"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def _groups(self) -> list[tuple[str | None, pd.DataFrame]]:
        by = getattr(self, "group_by", None)
        frame = pd.DataFrame(self)
        if by is None:
            if frame["code"].nunique() > 1:
                by = "code_name"
            else:
                return [(None, frame)]
        out: list[tuple[str | None, pd.DataFrame]] = []
        for value, part in frame.groupby(by, dropna=False, sort=True):
            out.append(("(onbekend)" if pd.isna(value) else str(value), part))
        return out

    def to_markdown(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        """Return the quotes as Markdown: a ``###`` heading per group, one quote per bullet.

        Examples
        --------
        >>> ex = Excerpts({"code": ["x:a"], "code_name": ["A"], "doc_id": ["fg1"],
        ...     "quote": ["“Dat werkt.” (ouder)"]})
        >>> print(ex.to_markdown())
        - “Dat werkt.” (ouder) — fg1
        """
        if self.empty:
            return "*Geen fragmenten.*"
        lines: list[str] = []
        for name, part in self._groups():
            if name is not None:
                lines += [f"### {_md_escape(name)}", ""]
            for quote, doc in zip(part["quote"], part["doc_id"]):
                lines.append(f"- {_md_escape(str(quote))} — {_md_escape(str(doc))}")
            lines.append("")
        return "\n".join(lines).rstrip("\n")

    def to_html(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        """Return the quotes as escaped HTML blockquotes, grouped under ``<h4>`` headings.

        Examples
        --------
        >>> ex = Excerpts({"code": ["x:a"], "code_name": ["A"], "doc_id": ["fg<1>"],
        ...     "quote": ["“a < b” (ouder)"]})
        >>> "a &lt; b" in ex.to_html() and "fg&lt;1&gt;" in ex.to_html()
        True
        """
        e = html.escape
        if self.empty:
            return '<div class="qualkit-excerpts"><p><em>Geen fragmenten.</em></p></div>'
        parts = ['<div class="qualkit-excerpts">']
        for name, part in self._groups():
            if name is not None:
                parts.append(f"<h4>{e(name)} ({len(part)})</h4>")
            for quote, doc in zip(part["quote"], part["doc_id"]):
                parts.append(
                    f'<blockquote style="margin:0.4em 0 0.4em 1em">{e(str(quote))} '
                    f'<small style="color:#666">{e(str(doc))}</small></blockquote>'
                )
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:  # type: ignore[override]
        return self.to_html()


def _md_escape(text: str) -> str:
    """Keep Markdown from reading transcript text as markup."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _focus(text: str, matched: Any) -> tuple[int, int]:
    """Where in ``text`` the rule fired: the first matched word, else the start."""
    best: tuple[int, int] | None = None
    if isinstance(matched, str) and matched.strip():
        low = text.lower()
        for word in matched.split(";"):
            word = word.strip().lower()
            if not word:
                continue
            at = low.find(word)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, at + len(word))
    return best or (0, 0)


def trim(text: str, max_chars: int | None, focus: tuple[int, int] = (0, 0)) -> str:
    """Return ``text`` cut to about ``max_chars`` around ``focus``, cuts marked ``[…]``.

    Cuts fall on spaces, so no word is split; whitespace runs become one space.

    Examples
    --------
    >>> trim("we hebben een visie op zorg en dat is goed", 16, (14, 19))
    '[…] een visie op […]'
    >>> trim("kort", 16)
    'kort'
    """
    if max_chars is None or len(text) <= max_chars:
        return re.sub(r"\s+", " ", text).strip()
    fs, fe = focus
    if fe - fs >= max_chars:
        a, b = fs, fs + max_chars
    else:
        pad = (max_chars - (fe - fs)) // 2
        a = max(0, fs - pad)
        b = min(len(text), a + max_chars)
        a = max(0, b - max_chars)
    if a > 0 and not text[a - 1].isspace():
        nxt = text.find(" ", a)
        a = nxt + 1 if 0 <= nxt < fs else a
    if b < len(text) and not text[b].isspace():
        prev = text.rfind(" ", fe, b)
        b = prev if prev > 0 else b
    body = re.sub(r"\s+", " ", text[a:b]).strip()
    return ("" if a == 0 else ELLIPSIS + " ") + body + ("" if b >= len(text) else " " + ELLIPSIS)


def quote(text: str, role: Any = None, speaker: Any = None, style: str = "thesis") -> str:
    """Return one excerpt as a thesis quotes it: “...” (role).

    Without a role the speaker label is used; with neither, only the quote.

    Examples
    --------
    >>> quote("We doen dat samen.", "zorgcoördinator")
    '“We doen dat samen.” (zorgcoördinator)'
    >>> quote("Ja.", None, "X", style="plain")
    'Ja.'
    """
    if style == "plain":
        return text
    if style != "thesis":
        raise InputError(f"excerpts: style must be 'thesis' or 'plain'; got {style!r}")
    who = role if not pd.isna(role) and str(role) else speaker
    body = f"“{text}”"
    return body if who is None or pd.isna(who) or not str(who) else f"{body} ({who})"


def _select(coded: pd.DataFrame, code: str | Sequence[str] | None, where: Mapping[str, Any] | None) -> pd.DataFrame:
    keep = pd.Series(True, index=coded.index)
    if code is not None:
        wanted = [code] if isinstance(code, str) else list(code)
        by_code = coded["code"].isin(wanted)
        # a display name works too, as long as it names codes in the frame
        if not by_code.any() and "code_name" in coded.columns:
            by_code = coded["code_name"].isin(wanted)
        _warn_absent_codes(coded, wanted)
        keep &= by_code
    for column, value in (where or {}).items():
        _require_columns(coded, [column], "excerpts: where")
        if isinstance(value, (list, tuple, set, frozenset)):
            values = list(value)
            hit = coded[column].isin(values) | (coded[column].isna() & any(pd.isna(v) for v in values))
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            hit = coded[column].isna()
        else:
            hit = coded[column] == value
        keep &= hit.fillna(False).astype(bool)
    return coded[keep]


def _warn_absent_codes(coded: pd.DataFrame, wanted: list[Any]) -> None:
    """Warn about asked-for codes that no row of the frame has (by id or display name)."""
    present = set(coded["code"].dropna())
    if "code_name" in coded.columns:
        present |= set(coded["code_name"].dropna())
    absent = [w for w in wanted if w not in present]
    if absent and not coded.empty:
        # an empty result from a typo looks the same as a code nobody used: say which it is
        have = sorted(set(coded["code"].dropna()))
        shown = ", ".join(have[:8]) + (f" and {len(have) - 8} more" if len(have) > 8 else "")
        warnings.warn(
            f"excerpts: no coding of {', '.join(repr(a) for a in absent)} in the frame; it has {shown}; "
            "check the spelling (namespace:code_id or the display name) if you expected fragments",
            QualkitWarning,
            stacklevel=4,
        )


def excerpts(
    coded: pd.DataFrame,
    code: str | Sequence[str] | None = None,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    style: str = "thesis",
    sort: str = "document",
    max_chars: int | None = 300,
    level: int | None = None,
    codebooks: Codebook | Iterable[Codebook] | None = None,
) -> Excerpts:
    """Return the excerpts of a code, formatted as a thesis quotes them.

    One excerpt per coded span (codings of one span by several coders are
    merged; ``coder`` lists them). An excerpt longer than ``max_chars`` is cut
    around the words that made the rule fire (the ``matched`` column), the cuts
    marked with ``[…]``.

    Parameters
    ----------
    coded : DataFrame
        The coded frame.
    code : str or list of str, optional
        ``namespace:id`` (or a display name); None keeps every code.
    by : str, optional
        Group the rendering under headings per value of this column.
    where : dict, optional
        ``{column: value or list of values}`` filters, e.g. ``{"role": "directie"}``,
        for the drill-down of a :func:`matrix` cell.
    style : {"thesis", "plain"}
        “...” (role), or the bare text.
    sort : {"document", "role", "length"}
        By document and position, by role, or longest first.
    max_chars : int or None
        Trim longer excerpts; None keeps them whole.
    level, codebooks
        Roll codes up first (as :func:`frequencies` does), so the cell of a
        rolled-up matrix can be drilled into.

    Returns
    -------
    Excerpts
        A DataFrame with :data:`EXCERPT_COLUMNS` (+ the ``by`` column) that
        renders as quotes in a notebook and has ``to_markdown()`` / ``to_html()``.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["fg1"], "segment_id": ["fg1:turn:3"], "start": [10],
    ...     "end": [33], "speaker": ["X"], "person": ["p1"], "role": ["directie"],
    ...     "code": ["lei:visie"], "code_name": ["Visie"], "coder": ["auto:rules"],
    ...     "matched": ["visie"], "text": ["Onze visie is helder."]})
    >>> excerpts(coded, code="lei:visie")["quote"].tolist()
    ['“Onze visie is helder.” (directie)']
    """
    _require_columns(coded, ["code", "code_name"], "excerpts")
    if sort not in EXCERPT_SORTS:
        raise InputError(f"excerpts: sort must be one of {', '.join(EXCERPT_SORTS)}; got {sort!r}")
    quote("", style=style)  # validates style before any work
    if by is not None:
        _require_columns(coded, [by], "excerpts")
    if level is not None:
        coded = roll_up(coded, level, codebooks)
    rows = _select(coded, code, where).copy()
    columns = EXCERPT_COLUMNS + ([by] if by is not None and by not in EXCERPT_COLUMNS else [])
    for c in ("segment_id", "start", "end", "speaker", "person", "role", "coder", "matched", "text"):
        if c not in rows.columns:
            rows[c] = np.nan
    if rows.empty:
        out = Excerpts({c: pd.Series(dtype=object) for c in columns})
        out.group_by = by
        return out
    rows["text"] = rows["text"].astype(object).where(rows["text"].notna(), "").astype(str)
    rows["_seg"] = _segment_keys(rows).to_numpy()
    span = ["code", "_seg", "start", "end"]
    rows["coder"] = rows.groupby(span, dropna=False, sort=False)["coder"].transform(
        lambda s: ", ".join(dict.fromkeys(str(c) for c in s if not pd.isna(c)))
    )
    rows = rows.drop_duplicates(span).copy()
    rows["excerpt"] = [trim(t, max_chars, _focus(t, m)) for t, m in zip(rows["text"], rows["matched"])]
    rows["quote"] = [quote(t, r, s, style) for t, r, s in zip(rows["excerpt"], rows["role"], rows["speaker"])]
    rows["_len"] = rows["text"].str.len()
    keys = {"document": ["doc_id", "start"], "role": ["role", "doc_id", "start"], "length": ["_len", "doc_id", "start"]}[sort]
    asc = [False, True, True] if sort == "length" else True
    rows = rows.sort_values(keys, ascending=asc, kind="stable", na_position="last")
    out = Excerpts(rows[columns].reset_index(drop=True))
    out.group_by = by
    return out


# ---------------------------------------------------------------------------
# co-occurrence

#: the measures :func:`cooccurrence` computes
MEASURES = ("count", "c", "jaccard")


def _within(within: str | int) -> tuple[str, int]:
    """Parse ``within=``: ("segment", 1), ("turns", N), ("overlap", 0) or ("document", 0)."""
    if isinstance(within, (int, np.integer)) and not isinstance(within, bool):
        n = int(within)
    elif within in ("segment", "overlap", "document"):
        return (str(within), 1 if within == "segment" else 0)
    elif isinstance(within, str) and re.fullmatch(r"turns:\d+", within):
        n = int(within.split(":")[1])
    else:
        n = 0
    if n < 1:
        raise InputError(
            "cooccurrence: within must be 'segment', 'overlap', 'document', a number of consecutive "
            f"turns N >= 1 or 'turns:N'; got {within!r}"
        )
    return ("segment", 1) if n == 1 else ("turns", n)


def _instances(coded: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One row per distinct thing a code is counted on: segment, span or document."""
    work = coded.copy()
    if kind == "overlap":
        _require_columns(work, ["doc_id", "start", "end"], "cooccurrence")
        return work[["code", "doc_id", "start", "end"]].drop_duplicates().reset_index(drop=True)
    if kind == "document":
        return work[["code", "doc_id"]].drop_duplicates().reset_index(drop=True)
    work["_seg"] = _segment_keys(work).to_numpy()
    keep = ["code", "doc_id", "_seg"] + (["position"] if kind == "turns" else [])
    if kind == "turns":
        _require_columns(work, ["position"], "cooccurrence")
        if work["position"].isna().any():
            raise InputError(
                "cooccurrence: within a number of turns needs the position of every coded segment; "
                f"{int(work['position'].isna().sum())} row(s) have none (codings outside any turn); "
                "use within='segment' or within='overlap' for them"
            )
    return work[keep].drop_duplicates(["code", "_seg"]).reset_index(drop=True)


def _pairs(inst: pd.DataFrame, kind: str, n: int) -> pd.DataFrame:
    """Related pairs of instances of different codes: columns code_a, code_b."""
    if inst.empty:
        return pd.DataFrame({"code_a": pd.Series(dtype=object), "code_b": pd.Series(dtype=object)})
    if kind == "segment":
        m = inst.merge(inst, on="_seg", suffixes=("_a", "_b"))
    elif kind == "document":
        m = inst.merge(inst, on="doc_id", suffixes=("_a", "_b"))
    elif kind == "turns":
        # shift each instance to every position within reach, so a pair is found exactly once
        a = inst.loc[inst.index.repeat(2 * n - 1)].copy()
        a["position"] = a["position"].astype("int64") + np.tile(np.arange(-(n - 1), n), len(inst))
        b = inst.copy()
        b["position"] = b["position"].astype("int64")
        m = a.merge(b, on=["doc_id", "position"], suffixes=("_a", "_b"))
    else:
        m = inst.merge(inst, on="doc_id", suffixes=("_a", "_b"))
        m = m[(m["start_a"] < m["end_b"]) & (m["start_b"] < m["end_a"])]
    return m.loc[m["code_a"] != m["code_b"], ["code_a", "code_b"]]


def cooccurrence(
    coded: pd.DataFrame,
    within: str | int = "segment",
    measure: str = "count",
    level: int | None = None,
    codebooks: Codebook | Iterable[Codebook] | None = None,
) -> pd.DataFrame:
    """Return the symmetric code x code co-occurrence table.

    Parameters
    ----------
    coded : DataFrame
        The coded frame.
    within : "segment", "overlap", "document", int or "turns:N"
        When two codings co-occur: in the same segment; when their spans
        overlap (manual codings of parts of turns); in the same document; or
        at most ``N - 1`` turns apart (``within=3`` or ``"turns:3"``: in three
        consecutive turns; ``within=1`` is the same segment).
    measure : {"count", "c", "jaccard"}
        ``count``: the number of co-occurrences n12. ``c``: the c-coefficient of
        ATLAS.ti, ``n12 / (n1 + n2 - n12)``; ``jaccard`` is the same quantity
        (the Jaccard index of the two sets of segments) and accepted as a name.
    level, codebooks
        Roll codes up first, and order them as the codebook.

    Returns
    -------
    DataFrame
        Codes in rows and columns (both axes named ``code``). With ``count``
        the diagonal is the code's own count n1 (segments, spans or documents)
        and the cells are integers; with ``c`` the diagonal is 1.

    Notes
    -----
    A segment (span, document) is counted once per code however many coders
    coded it. With ``within="segment"`` n12 is the number of segments that
    carry both codes. With turns or overlaps n12 counts *pairs*: a coding that
    lies near two codings of another code pairs with both, so n12 can exceed
    ``min(n1, n2)`` and the c-coefficient can exceed 1 (ATLAS.ti shows such
    cells as a warning); where ``n1 + n2 - n12 <= 0`` it is NaN.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["a"] * 3, "segment_id": ["a:1", "a:1", "a:2"],
    ...     "code": ["x:tijd", "x:geld", "x:tijd"], "code_name": ["Tijd", "Geld", "Tijd"]})
    >>> cooccurrence(coded).to_dict("index")
    {'x:geld': {'x:geld': 1, 'x:tijd': 1}, 'x:tijd': {'x:geld': 1, 'x:tijd': 2}}
    """
    kind, n = _within(within)
    if measure not in MEASURES:
        raise InputError(f"cooccurrence: measure must be one of {', '.join(MEASURES)}; got {measure!r}")
    _require_columns(coded, ["code", "doc_id"], "cooccurrence")
    if level is not None:
        coded = roll_up(coded, level, codebooks)
    inst = _instances(coded, kind)
    codes = _code_order(inst["code"], codebooks)
    own = inst.groupby("code").size().reindex(codes, fill_value=0).astype("int64")
    pairs = _pairs(inst, kind, n)
    table = pd.crosstab(pairs["code_a"], pairs["code_b"]).reindex(index=codes, columns=codes, fill_value=0)
    table = table.astype("int64")
    for q in codes:
        table.loc[q, q] = own[q]
    table.index.name = "code"
    table.columns.name = "code"
    if measure == "count":
        return table
    n1 = own.to_numpy(dtype=float)
    denom = n1[:, None] + n1[None, :] - table.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denom > 0, table.to_numpy(dtype=float) / np.where(denom > 0, denom, 1), np.nan)
    return pd.DataFrame(values, index=table.index, columns=table.columns)


# ---------------------------------------------------------------------------
# keyword in context

#: columns of :func:`kwic`
KWIC_COLUMNS: list[str] = ["doc_id", "start", "end", "speaker", "role", "left", "match", "right"]


def _context(text: str, a: int, s: int, e: int, b: int, window: int, unit: str) -> tuple[str, str]:
    """The left and right context of ``text[s:e]`` inside ``text[a:b]``."""
    if unit == "chars":
        left, right = text[max(a, s - window) : s], text[e : min(b, e + window)]
    else:
        before = [m.start() for m in re.finditer(r"\S+", text[a:s])]
        after = [m.end() for m in re.finditer(r"\S+", text[e:b])]
        left = text[a + before[-min(window, len(before))] : s] if window and before else ""
        right = text[e : e + after[min(window, len(after)) - 1]] if window and after else ""
    return re.sub(r"\s+", " ", left), re.sub(r"\s+", " ", right)


def kwic(
    corpus: Corpus,
    term: str,
    window: int = 8,
    unit: str = "words",
    compounds: bool = False,
) -> pd.DataFrame:
    """Return every occurrence of a term with its context (keyword in context).

    The term is matched as a keyword rule matches it (Dutch lemma and stem,
    case and diacritics ignored, ``*`` wildcard, phrases; see
    :func:`qualkit.nlp.find_term`). Only the text of the documents' segments
    is searched, so a speaker label ("Leerkracht 5:") is never a hit; a
    document without segments is searched whole. The context stays inside the
    segment of the hit.

    Parameters
    ----------
    corpus : Corpus
    term : str
        A word or phrase.
    window : int
        How much context on each side.
    unit : {"words", "chars"}
        The unit of ``window``.
    compounds : bool
        Also find the term inside compounds ("visie" in "schoolvisie").

    Returns
    -------
    DataFrame
        :data:`KWIC_COLUMNS`; ``match`` is exactly ``document.text[start:end]``;
        ``left``/``right`` have their whitespace runs made single spaces.

    Examples
    --------
    >>> from qualkit.model import Corpus, Document
    >>> c = Corpus([Document.from_text("d", "Twee gesprekken met de zorgcoördinator.")])
    >>> kwic(c, "gesprek", window=2)[["left", "match", "right"]].values.tolist()
    [['Twee ', 'gesprekken', ' met de']]
    """
    from .nlp import find_term

    if unit not in ("words", "chars"):
        raise InputError(f"kwic: unit must be 'words' or 'chars'; got {unit!r}")
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise InputError(f"kwic: window must be a whole number of 0 or more; got {window!r}")
    if not isinstance(term, str) or not any(ch.isalnum() for ch in term):
        # an empty term would silently give an empty table, as if the word never occurred
        raise InputError(f"kwic: the term must contain a letter or digit, e.g. 'visie' or 'samen werken'; got {term!r}")
    rows: list[dict[str, Any]] = []
    for doc in corpus:
        spans = [(s.start, s.end, s.speaker) for s in doc.segments] or [(0, len(doc.text), None)]
        for a, b, speaker in sorted(spans, key=lambda x: x[0]):
            for s, e in find_term(doc.text[a:b], term, compounds=compounds):
                s, e = a + s, a + e
                left, right = _context(doc.text, a, s, e, b, int(window), unit)
                p = corpus.participant(doc.id, speaker)
                rows.append(
                    {"doc_id": doc.id, "start": s, "end": e, "speaker": speaker, "role": p.role if p else None,
                     "left": left, "match": doc.text[s:e], "right": right}
                )
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return out.astype({"start": "int64", "end": "int64"})


# ---------------------------------------------------------------------------
# participation and timeline

#: columns of :func:`participation` per speaker
PARTICIPATION_COLUMNS: list[str] = [
    "doc_id", "speaker", "person", "role", "group", "turns", "words", "turn_share", "word_share",
]
#: columns of :func:`participation` per role
ROLE_PARTICIPATION_COLUMNS: list[str] = ["doc_id", "role", "speakers", "turns", "words", "turn_share", "word_share"]


def participation(corpus: Corpus, by: str = "speaker", exclude_roles: Iterable[str] = ()) -> pd.DataFrame:
    """Return turns and words per speaker (or role) per document, with shares.

    Shows who dominates a focus group: ``turn_share`` and ``word_share`` are
    the speaker's part of the document's turns and words. Words are counted as
    the coding pass counts them (:func:`qualkit.nlp.words`).

    Parameters
    ----------
    corpus : Corpus
    by : {"speaker", "role"}
        One row per speaker, or per role (``speakers`` = how many speakers
        have that role in the document).
    exclude_roles : strings
        Roles left out of the shares, e.g. ``("moderator",)``: the shares are
        then parts of the other participants' turns and words. Their rows stay
        (with their turns and words) but get NaN shares, so nothing goes
        missing. Default: none, every speaker counts in the shares.

    Returns
    -------
    DataFrame
        :data:`PARTICIPATION_COLUMNS` or :data:`ROLE_PARTICIPATION_COLUMNS`,
        by document, most words first.

    Examples
    --------
    >>> from qualkit.model import Corpus, Document, Segment
    >>> d = Document.from_text("d", "X: Ja dat klopt.\\nY: Nee.", kind="transcript", segments=(
    ...     Segment("d", 3, 16, "turn", "Ja dat klopt.", speaker="X"),
    ...     Segment("d", 20, 24, "turn", "Nee.", speaker="Y")))
    >>> participation(Corpus([d]))[["speaker", "turns", "words", "word_share"]].values.tolist()
    [['X', 1, 3, 0.75], ['Y', 1, 1, 0.25]]

    With ``Y`` as the moderator, left out of the shares (the row stays, share NaN):

    >>> from qualkit.model import Participant
    >>> c = Corpus([d], [Participant("X", role="directie"), Participant("Y", role="moderator")])
    >>> participation(c, exclude_roles=("moderator",))[["role", "words", "word_share"]].values.tolist()
    [['directie', 3, 1.0], ['moderator', 1, nan]]
    """
    from .nlp import words

    if by not in ("speaker", "role"):
        raise InputError(f"participation: by must be 'speaker' or 'role'; got {by!r}")
    if isinstance(exclude_roles, str):
        raise InputError(f"participation: exclude_roles must be a list of roles, e.g. ({exclude_roles!r},); got the string {exclude_roles!r}")
    excluded = set(exclude_roles)
    turns = corpus.segments("turn")
    columns = PARTICIPATION_COLUMNS if by == "speaker" else ROLE_PARTICIPATION_COLUMNS
    if turns.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    turns["words"] = [len(words(t)) for t in turns["text"]]
    keys = ["doc_id", "speaker", "person", "role", "group"] if by == "speaker" else ["doc_id", "role"]
    agg = {"turns": ("segment_id", "size"), "words": ("words", "sum")}
    if by == "role":
        agg["speakers"] = ("speaker", "nunique")
    got = turns.groupby(keys, dropna=False, sort=False).agg(**agg).reset_index()
    counted = ~got["role"].isin(excluded)
    # the denominators are the turns and words of the roles that count
    per_doc = got[["turns", "words"]].where(counted, 0).groupby(got["doc_id"]).transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        got["turn_share"] = np.where(counted & (per_doc["turns"] > 0), got["turns"] / per_doc["turns"].where(per_doc["turns"] > 0, 1), np.nan)
        got["word_share"] = np.where(counted & (per_doc["words"] > 0), got["words"] / per_doc["words"].where(per_doc["words"] > 0, 1), np.nan)
    got = got.sort_values(["doc_id", "words", "turns"], ascending=[True, False, False], kind="stable")
    return got[columns].reset_index(drop=True)


#: columns of :func:`timeline`
TIMELINE_COLUMNS: list[str] = [
    "doc_id", "code", "code_name", "segment_id", "position", "relative", "time_start", "time_end", "speaker", "role",
]


def timeline(coded: pd.DataFrame, corpus: Corpus | None = None) -> pd.DataFrame:
    """Return where each code falls in the course of its session.

    One row per code and segment (coders merged). ``position`` is the turn's
    order in the document (0 = first); ``relative`` is ``position / number of
    turns`` (0 = the start, near 1 = the end), so sessions of different length
    can be compared; the number of turns comes from the corpus when given,
    else from the highest coded position. ``time_start``/``time_end`` are the
    seconds of a recording (from the corpus), NaN where unknown.

    Parameters
    ----------
    coded : DataFrame
    corpus : Corpus, optional
        Gives the number of turns per document and the times.

    Returns
    -------
    DataFrame
        :data:`TIMELINE_COLUMNS`, by document and position.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["a", "a"], "segment_id": ["a:turn:1", "a:turn:4"],
    ...     "position": [0, 3], "code": ["x:tijd"] * 2, "code_name": ["Tijd"] * 2})
    >>> timeline(coded)["relative"].tolist()
    [0.0, 0.75]
    """
    _require_columns(coded, ["doc_id", "code", "code_name", "position"], "timeline")
    work = coded.copy()
    for c in ("segment_id", "speaker", "role"):
        if c not in work.columns:
            work[c] = np.nan
    work["_seg"] = _segment_keys(work).to_numpy()
    work = work.drop_duplicates(["code", "_seg"])
    times = pd.DataFrame(columns=["segment_id", "time_start", "time_end"])
    if corpus is not None and not work.empty:
        units = _segments_of(corpus, work, "timeline")
        n_units = units.groupby("doc_id").size()
        times = units[["segment_id", "time_start", "time_end"]]
    else:
        n_units = work.groupby("doc_id")["position"].max() + 1
    work = work.merge(times, on="segment_id", how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        work["relative"] = work["position"].astype(float) / work["doc_id"].map(n_units).astype(float)
    work = work.sort_values(["doc_id", "position", "code"], kind="stable")
    out = work[TIMELINE_COLUMNS].reset_index(drop=True)
    return out.astype({"time_start": float, "time_end": float, "relative": float})


# ---------------------------------------------------------------------------
# checks of reported summaries

#: columns of every check frame
CHECK_COLUMNS: list[str] = ["check", "subject", "reported", "expected", "ok", "reason"]


def _checks(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return out.astype({"ok": bool}) if not out.empty else out


def _fmt(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",") if not float(x).is_integer() or decimals else f"{int(x)}"


def check_mean(
    mean: float,
    n: int,
    scale: tuple[float, float] = (1, 6),
    decimals: int = 2,
    items: int = 1,
    subject: str = "",
) -> pd.DataFrame:
    """Check that a reported mean of whole-number answers is possible at all.

    Two checks: the mean lies within the scale, and the GRIM test: the sum of
    ``n`` whole answers is a whole number, so the mean is a multiple of
    ``1 / (n * items)``; a reported mean that no such fraction rounds to (at
    ``decimals`` places, half up or half to even) cannot come from ``n``
    answers.

    Parameters
    ----------
    mean : float
        The reported mean.
    n : int
        The reported number of respondents.
    scale : (low, high)
        The lowest and highest possible answer.
    decimals : int
        The decimals the mean was reported with.
    items : int
        For a mean over several items per respondent.
    subject : str
        What the mean is of (an item text), repeated in the frame.

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`, one row per check ("scale", "grim"); ``ok`` is
        False for a flag, and ``reason`` says why, in Dutch: researchers read it
        next to their Dutch tables (the check names stay fixed).

    Examples
    --------
    >>> check_mean(3.48, 25)[["check", "ok"]].values.tolist()
    [['scale', True], ['grim', True]]
    >>> print(check_mean(3.47, 25).loc[1, "reason"])
    25 gehele antwoorden geven een gemiddelde dat een veelvoud is van 1/25; 3,47 is dat niet (dichtstbij mogelijk: 3,44 of 3,48)
    """
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise InputError(f"check_mean{' of ' + subject if subject else ''}: n must be a whole number of 1 or more; got {n!r}")
    lo, hi = scale
    rows = [{"check": "scale", "subject": subject, "reported": float(mean), "expected": np.nan, "ok": lo <= mean <= hi,
             "reason": "" if lo <= mean <= hi else
             f"het gemiddelde {_fmt(mean, decimals)} ligt buiten de schaal {_fmt(lo, 0)}–{_fmt(hi, 0)}"}]
    g = int(n) * int(items)
    tol = 0.5 * 10.0 ** -decimals + 1e-9
    base = math.floor(mean * g)
    candidates = [s / g for s in range(base - 1, base + 3)]
    ok = any(abs(c - mean) <= tol for c in candidates)
    below = max((c for c in candidates if c < mean), default=candidates[0])
    above = min((c for c in candidates if c > mean), default=candidates[-1])
    unit = f"1/{g}" if items == 1 else f"1/({n}×{items})"
    nearest = f"{_fmt(round(below, decimals), decimals)} of {_fmt(round(above, decimals), decimals)}"
    rows.append({"check": "grim", "subject": subject, "reported": float(mean),
                 "expected": min(candidates, key=lambda c: abs(c - mean)), "ok": ok,
                 "reason": "" if ok else
                 f"{n} gehele antwoorden geven een gemiddelde dat een veelvoud is van {unit}; "
                 f"{_fmt(mean, decimals)} is dat niet (dichtstbij mogelijk: {nearest})"})
    return _checks(rows)


def check_means(
    frame: pd.DataFrame,
    mean: str = "mean",
    n: str = "n",
    subject: str = "item",
    scale: tuple[float, float] = (1, 6),
    decimals: int = 2,
) -> pd.DataFrame:
    """Run :func:`check_mean` on every row of a reported table (item, mean, n).

    Parameters
    ----------
    frame : DataFrame
        The reported table, one row per item.
    mean, n, subject : str
        The columns with the mean, the number of respondents and the item.
    scale : (low, high)
        The lowest and highest possible answer.
    decimals : int
        The decimals the means were reported with.

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS`, two rows ("scale", "grim") per table row, in
        table order; ``subject`` holds the row's item.

    Examples
    --------
    >>> table = pd.DataFrame({"item": ["a", "b"], "mean": [3.48, 6.2], "n": [25, 25]})
    >>> check_means(table).query("not ok")[["subject", "check"]].values.tolist()
    [['b', 'scale']]
    """
    _require_columns(frame, [mean, n, subject], "check_means")
    parts = [check_mean(m, k, scale, decimals, subject=str(s)) for m, k, s in zip(frame[mean], frame[n], frame[subject])]
    return pd.concat(parts, ignore_index=True) if parts else _checks([])


def check_tally(parts: Mapping[Any, float] | Sequence[float], total: float, subject: str = "") -> pd.DataFrame:
    """Check that counts add up to their reported total and none is negative.

    Parameters
    ----------
    parts : mapping or sequence of float
        The reported counts (a mapping names them: label -> count).
    total : float
        The reported total.
    subject : str
        What is counted, repeated in the frame.

    Returns
    -------
    DataFrame
        :data:`CHECK_COLUMNS` with a Dutch ``reason`` for every flag.

    Examples
    --------
    >>> check_tally({"past": 856, "past deels": 245, "past niet": 71, "knab": 28}, 1200)["ok"].tolist()
    [True]
    >>> print(check_tally([10, 5], 16, "S").loc[0, "reason"])
    de delen tellen op tot 15, het gerapporteerde totaal is 16 (1 minder)
    """
    values = list(parts.values()) if isinstance(parts, Mapping) else list(parts)
    labels = list(parts.keys()) if isinstance(parts, Mapping) else list(range(len(values)))
    got = float(sum(values))
    diff = got - float(total)
    rows = [{"check": "tally", "subject": subject, "reported": float(total), "expected": got, "ok": diff == 0,
             "reason": "" if diff == 0 else
             f"de delen tellen op tot {got:g}, het gerapporteerde totaal is {float(total):g} "
             f"({abs(diff):g} {'meer' if diff > 0 else 'minder'})"}]
    for label, v in zip(labels, values):
        if v < 0:
            rows.append({"check": "negative", "subject": f"{subject} {label}".strip(), "reported": float(v),
                         "expected": np.nan, "ok": False, "reason": f"het aantal voor {label!s} is negatief ({v:g})"})
    return _checks(rows)


def _warn_flags(checks: pd.DataFrame, what: str) -> None:
    flags = checks[~checks["ok"]] if not checks.empty else checks
    if len(flags):
        lines = "; ".join(f"{s + ': ' if s else ''}{r}" for s, r in zip(flags["subject"], flags["reason"]))
        warnings.warn(f"{what}: {len(flags)} check(s) failed: {lines}", QualkitWarning, stacklevel=3)


# ---------------------------------------------------------------------------
# tallies

#: columns of :func:`tally` (the ``by`` column comes first when given)
TALLY_COLUMNS: list[str] = ["label", "count", "text"]
#: the label of rows with no value in :func:`tally`
EMPTY_LABEL = "(leeg)"


def tally(
    frame: pd.DataFrame,
    column: str = "code_name",
    by: str | None = None,
    count: str | None = None,
    total: float | Mapping[Any, float] | None = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Return category counts formatted as a report lists them: "label (11x)".

    Parameters
    ----------
    frame : DataFrame
        A coded frame or any frame with a category column (SWOT codings of
        29 teacher conversations, strengths named per conversation ...).
    column : str
        The category column.
    by : str, optional
        Count per group (the SWOT quadrant, the school).
    count : str, optional
        Count the distinct values of this column (e.g. ``"doc_id"``: in how
        many conversations); default: rows, or distinct segments for a coded
        frame (two coders of one segment count once).
    total : number or dict, optional
        A reported total (per group: ``{group: total}``); checked with
        :func:`check_tally`, flags are warned and kept in ``result.attrs["checks"]``.
    min_count : int
        Leave out categories named fewer times (a report that lists what "at
        least a quarter of the conversations" named); the checks still use all.

    Returns
    -------
    DataFrame
        ``[by] +`` :data:`TALLY_COLUMNS`; per group most frequent first, ties by
        label. Rows with no value count as :data:`EMPTY_LABEL`.

    Examples
    --------
    >>> swot = pd.DataFrame({"quadrant": ["S", "S", "S", "W"],
    ...     "label": ["Hulp in de klas", "Hulp in de klas", "Overleg", "Tijd"]})
    >>> tally(swot, column="label", by="quadrant")["text"].tolist()
    ['Hulp in de klas (2x)', 'Overleg (1x)', 'Tijd (1x)']
    """
    _require_columns(frame, [column] + ([by] if by else []) + ([count] if count else []), "tally")
    work = frame.copy()
    work["_label"] = work[column].astype(object).where(work[column].notna(), EMPTY_LABEL)
    keys = ([by] if by else []) + ["_label"]
    if count is None and {"code", "segment_id"} <= set(work.columns):
        work["_unit"] = _segment_keys(work).to_numpy()
        count = "_unit"
    if count is None:
        got = work.groupby(keys, dropna=False, sort=False).size().reset_index(name="count")
    else:
        got = work.groupby(keys, dropna=False, sort=False)[count].nunique().reset_index(name="count")
    got = got.rename(columns={"_label": "label"})
    got["count"] = got["count"].astype("int64")
    checks = _tally_checks(got, by, total)
    got = got[got["count"] >= min_count]
    got["text"] = [f"{lab} ({k}x)" for lab, k in zip(got["label"], got["count"])]
    sort = ([by] if by else []) + ["count", "label"]
    asc = ([True] if by else []) + [False, True]
    got = got.sort_values(sort, ascending=asc, kind="stable").reset_index(drop=True)
    out = got[([by] if by else []) + TALLY_COLUMNS]
    if out.empty:
        out = pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else object) for c in out.columns})
    out.attrs["checks"] = checks
    _warn_flags(checks, "tally")
    return out


def _tally_checks(got: pd.DataFrame, by: str | None, total: float | Mapping[Any, float] | None) -> pd.DataFrame:
    if total is None:
        return _checks([])
    if isinstance(total, Mapping):
        if by is None:
            raise InputError("tally: a total per group needs by=; pass one number as total= without groups")
        parts = [check_tally(got.loc[got[by] == g, "count"].tolist(), t, subject=str(g)) for g, t in total.items()]
        return pd.concat(parts, ignore_index=True)
    return check_tally(got["count"].tolist(), total)


# ---------------------------------------------------------------------------
# Likert scales

#: per-item columns of :func:`likert` (``by`` first when given; band columns follow)
LIKERT_COLUMNS: list[str] = ["item", "n", "na", "missing", "mean", "sd", "rank"]
#: columns of ``LikertSummary.counts`` (``by`` first when given)
LIKERT_COUNT_COLUMNS: list[str] = ["item", "value", "label", "count", "share"]


@dataclass(frozen=True)
class LikertSummary:
    """What :func:`likert` returns.

    Attributes
    ----------
    items : DataFrame
        Per item (and group): valid ``n``, ``na`` (n.v.t. answers), ``missing``
        (blank), ``mean``, ``sd`` (n - 1), ``rank`` (1 = highest mean in its
        group), then the share of valid answers in each band.
    counts : DataFrame
        :data:`LIKERT_COUNT_COLUMNS`: every scale value per item, with its label
        and its share of the valid answers.
    top, bottom : DataFrame
        The ``top`` items with the highest and lowest means (per group),
        as a report's "top-5 strengths and bottom-5 obstacles".
    checks : DataFrame
        :data:`CHECK_COLUMNS` for the reported means given.

    Examples
    --------
    >>> s = likert(pd.DataFrame({"overleg": [5, 6], "tijd": [2, 1]}), ["overleg", "tijd"], top=1)
    >>> isinstance(s, LikertSummary), s.top["item"].tolist(), s.checks.empty
    (True, ['overleg'], True)
    """

    items: pd.DataFrame
    counts: pd.DataFrame
    top: pd.DataFrame
    bottom: pd.DataFrame
    checks: pd.DataFrame = field(default_factory=lambda: _checks([]))


def _likert_values(
    frame: pd.DataFrame, item: str, points: list[int], labels: list[str] | None, na_values: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """The numeric answers of one item (NaN for missing) and a mask of n.v.t. answers."""
    na_set = {str(v).strip().lower() for v in na_values}
    by_label = {str(lab).strip().lower(): p for lab, p in zip(labels or [], points)}
    values, na = [], []
    for row, raw in zip(frame.index, frame[item]):
        if raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip()):
            values.append(np.nan)
            na.append(False)
            continue
        key = str(raw).strip().lower()
        if key in na_set:
            values.append(np.nan)
            na.append(True)
            continue
        if key in by_label:
            values.append(float(by_label[key]))
            na.append(False)
            continue
        try:
            v = float(key.replace(",", "."))
        except ValueError:
            v = math.nan
        if not (v in points):
            raise InputError(
                f"likert: item {item!r}, row {row}: answer {raw!r} is not on the scale "
                f"({', '.join(map(str, points))}{'; labels ' + ', '.join(labels) if labels else ''}); "
                "add it to na_values= if it means 'not applicable', or fix scale=/labels="
            )
        values.append(v)
        na.append(False)
    return pd.Series(values, index=frame.index, dtype=float), pd.Series(na, index=frame.index, dtype=bool)


def likert(
    frame: pd.DataFrame,
    items: Sequence[str],
    scale: tuple[int, int] = (1, 6),
    labels: Sequence[str] | None = None,
    na_values: Sequence[str] = ("n.v.t.", "nvt"),
    bands: Mapping[str, tuple[int, int]] | None = None,
    by: str | None = None,
    top: int = 5,
    reported: Mapping[str, float] | None = None,
    decimals: int = 2,
) -> LikertSummary:
    """Summarise Likert items: counts per value, n, n.v.t., mean, sd, bands, top and bottom.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent, one column per item; answers as numbers,
        numeric strings or labels.
    items : list of str
        The item columns.
    scale : (low, high)
        The whole-number scale (1-6, 1-4, 1-5).
    labels : list of str, optional
        A label per scale point, low to high ("nooit", ..., "altijd"); answers
        may be given as these labels.
    na_values : strings
        Answers that mean "not applicable": counted in ``na``, not in ``n``.
    bands : dict, optional
        ``{"negatief": (1, 3), "positief": (4, 6)}``: the share of valid
        answers in each inclusive range, as extra columns.
    by : str, optional
        Summarise per group.
    top : int
        How many items in ``top`` and ``bottom``.
    reported : dict, optional
        Means a report gives per item: each is checked with :func:`check_mean`
        (using the valid n from the data) and against the data's own mean;
        flags are warned and kept in ``checks``.
    decimals : int
        The decimals the reported means have.

    Returns
    -------
    LikertSummary

    Examples
    --------
    >>> answers = pd.DataFrame({"overleg": [6, 5, "n.v.t.", 4], "tijd": [2, 3, 1, None]})
    >>> s = likert(answers, ["overleg", "tijd"], bands={"positief": (4, 6)}, top=1)
    >>> s.items[["item", "n", "na", "missing", "mean", "positief"]].values.tolist()
    [['overleg', 3, 1, 0, 5.0, 1.0], ['tijd', 3, 0, 1, 2.0, 0.0]]
    >>> s.top["item"].tolist(), s.bottom["item"].tolist()
    (['overleg'], ['tijd'])
    """
    _require_columns(frame, list(items) + ([by] if by else []), "likert")
    lo, hi = scale
    points = list(range(int(lo), int(hi) + 1))
    if labels is not None and len(labels) != len(points):
        raise InputError(
            f"likert: {len(labels)} labels for a scale of {len(points)} points ({lo}–{hi}); give one label per point"
        )
    labels = list(labels) if labels is not None else None
    bands = dict(bands or {})
    values = {}
    nas = {}
    for item in items:
        values[item], nas[item] = _likert_values(frame, item, points, labels, na_values)
    groups = [(None, frame.index)] if by is None else [
        (g, idx) for g, idx in frame.groupby(by, dropna=False, sort=True).groups.items()
    ]
    item_rows, count_rows = [], []
    for g, idx in groups:
        for item in items:
            v, na = values[item].loc[idx], nas[item].loc[idx]
            valid = v.dropna()
            row = {"item": item, "n": int(valid.size), "na": int(na.sum()), "missing": int(v.isna().sum() - na.sum()),
                   "mean": float(valid.mean()) if valid.size else np.nan,
                   "sd": float(valid.std(ddof=1)) if valid.size > 1 else np.nan}
            for name, (a, b) in bands.items():
                row[name] = float(valid.between(a, b).mean()) if valid.size else np.nan
            if by:
                row = {by: g, **row}
            item_rows.append(row)
            for i, p in enumerate(points):
                k = int((valid == p).sum())
                count_rows.append({**({by: g} if by else {}), "item": item, "value": p,
                                   "label": labels[i] if labels else str(p), "count": k,
                                   "share": k / valid.size if valid.size else np.nan})
    prefix = [by] if by else []
    stats = pd.DataFrame(item_rows, columns=prefix + LIKERT_COLUMNS[:-1] + list(bands))
    rank_keys = stats.groupby(by, dropna=False)["mean"] if by else stats["mean"]
    stats.insert(len(prefix) + 6, "rank", rank_keys.rank(ascending=False, method="min").astype("Int64"))
    counts = pd.DataFrame(count_rows, columns=prefix + LIKERT_COUNT_COLUMNS)
    ranked = stats.dropna(subset=["mean"])
    if by:
        best = ranked.sort_values([by, "mean"], ascending=[True, False], kind="stable").groupby(by, dropna=False).head(top)
        worst = ranked.sort_values([by, "mean"], ascending=[True, True], kind="stable").groupby(by, dropna=False).head(top)
    else:
        best = ranked.sort_values("mean", ascending=False, kind="stable").head(top)
        worst = ranked.sort_values("mean", ascending=True, kind="stable").head(top)
    checks = _likert_checks(stats, reported, scale, decimals) if reported and by is None else _checks([])
    if reported and by is not None:
        raise InputError("likert: reported means are checked for the whole sample; call likert() without by= for them")
    _warn_flags(checks, "likert")
    return LikertSummary(stats, counts, best.reset_index(drop=True), worst.reset_index(drop=True), checks)


def _likert_checks(stats: pd.DataFrame, reported: Mapping[str, float], scale: tuple[int, int], decimals: int) -> pd.DataFrame:
    own = stats.set_index("item")
    parts = []
    for item, mean in reported.items():
        if item not in own.index:
            raise InputError(f"likert: reported mean for {item!r}, which is not among the items")
        n, computed = int(own.loc[item, "n"]), float(own.loc[item, "mean"])
        if n:
            parts.append(check_mean(mean, n, scale, decimals, subject=item))
        same = n > 0 and abs(round(computed, decimals) - mean) <= 0.5 * 10.0 ** -decimals + 1e-9
        parts.append(_checks([{"check": "data", "subject": item, "reported": float(mean), "expected": computed,
                               "ok": same, "reason": "" if same else
                               f"de data geven een gemiddelde van {_fmt(computed, decimals)} over n = {n}, "
                               f"niet het gerapporteerde {_fmt(mean, decimals)}"}]))
    return pd.concat(parts, ignore_index=True) if parts else _checks([])


# ---------------------------------------------------------------------------
# ordinal ratings

#: columns of ``RatingsSummary.per_code`` (``per_theme`` has ``theme``, ``overall`` neither)
RATING_COLUMNS: list[str] = ["code", "value", "count", "share", "valid_share"]
#: columns of ``RatingsSummary.per_theme``: the theme's id (to join published tables) and its name
THEME_RATING_COLUMNS: list[str] = ["theme_id", "theme", *RATING_COLUMNS[1:]]


@dataclass(frozen=True)
class RatingsSummary:
    """What :func:`ratings` returns.

    Attributes
    ----------
    per_code, per_theme, overall : DataFrame
        Long frames with every category (ordered values, then the missing
        values) and its ``count``, ``share`` of all ratings and
        ``valid_share`` of the non-missing ratings (NaN for missing values).
        ``per_theme`` (:data:`THEME_RATING_COLUMNS`) has the theme's
        ``theme_id`` (the codebook id, e.g. ``t1``, or the value of the theme
        column) and its ``theme`` name; it is empty when no theme is known.
    checks : DataFrame
        :data:`CHECK_COLUMNS`: whether every unit rated every code, and the
        reported totals given.

    Examples
    --------
    >>> r = pd.DataFrame({"netwerk": ["A", "B"], "bouwsteen": ["1.1", "1.1"], "oordeel": ["past", "knab"]})
    >>> s = ratings(r, unit="netwerk", code="bouwsteen", value="oordeel")
    >>> isinstance(s, RatingsSummary), int(s.per_code["count"].sum()), s.per_theme.empty
    (True, 2, True)
    """

    per_code: pd.DataFrame
    per_theme: pd.DataFrame
    overall: pd.DataFrame
    checks: pd.DataFrame


def _rating_table(work: pd.DataFrame, key: str | None, categories: list[str], valid: list[str]) -> pd.DataFrame:
    keys = [key] if key else []
    if key:
        groups = list(dict.fromkeys(work[key]))
        full = pd.MultiIndex.from_product([groups, categories], names=[key, "value"])
        got = work.groupby([key, "_value"], sort=False).size().rename_axis([key, "value"]).reindex(full, fill_value=0)
    else:
        got = work.groupby("_value").size().rename_axis("value").reindex(categories, fill_value=0)
    out = got.rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    tot = out.groupby(key)["count"].transform("sum") if key else out["count"].sum()
    vtot = (out["count"].where(out["value"].isin(valid), 0).groupby(out[key]).transform("sum") if key
            else out.loc[out["value"].isin(valid), "count"].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = out["count"] / tot
        out["valid_share"] = (out["count"] / vtot).where(out["value"].isin(valid))
    return out[keys + ["value", "count", "share", "valid_share"]]


def ratings(
    frame: pd.DataFrame,
    unit: str,
    code: str,
    value: str,
    order: Sequence[str] = ("past", "past deels", "past niet"),
    missing: Sequence[str] = ("knab", "nvt"),
    codebooks: Codebook | Iterable[Codebook] | None = None,
    theme: str | None = None,
    total: int | None = None,
    reported: Mapping[str, int] | None = None,
) -> RatingsSummary:
    """Summarise ordinal ratings per unit and code (24 networks x 50 building blocks).

    Parameters
    ----------
    frame : DataFrame
        One row per rating: the unit rated (a network), the code (a building
        block), and the rating.
    unit, code, value : str
        The columns.
    order : strings
        The ordered ratings, best first.
    missing : strings
        The two kinds of missing value ("knab": kwam niet aan bod, "nvt").
        Ratings are matched without regard to case or surrounding spaces.
    codebooks : Codebook or list, optional
        Gives each code's theme: its top-level ancestor (codes as ``id`` or
        ``namespace:id``).
    theme : str, optional
        A column with the theme instead.
    total : int, optional
        The reported number of ratings (1,200), checked.
    reported : dict, optional
        Reported counts per category (``{"past": 856, ...}``), checked.

    Returns
    -------
    RatingsSummary
        Also checks that every unit rated every code: a missing pair is a flag
        (it would silently shrink the denominators), never hidden.

    Examples
    --------
    >>> r = pd.DataFrame({"netwerk": ["A", "A", "B", "B"], "bouwsteen": ["1.1", "1.2", "1.1", "1.2"],
    ...     "oordeel": ["past", "knab", "Past deels", "past"]})
    >>> s = ratings(r, unit="netwerk", code="bouwsteen", value="oordeel")
    >>> s.overall[["value", "count"]].values.tolist()
    [['past', 2], ['past deels', 1], ['past niet', 0], ['knab', 1], ['nvt', 0]]
    >>> round(float(s.overall.loc[0, "valid_share"]), 3)
    0.667
    """
    _require_columns(frame, [unit, code, value] + ([theme] if theme else []), "ratings")
    categories = [str(v) for v in order] + [str(v) for v in missing]
    canon = {c.strip().lower(): c for c in categories}
    work = frame.copy()
    keyed = work[value].astype(object).map(lambda v: None if pd.isna(v) else str(v).strip().lower())
    bad = work[~keyed.isin(list(canon))]
    if len(bad):
        shown = ", ".join(f"row {i}: {v!r}" for i, v in zip(bad.index[:5], bad[value].iloc[:5]))
        raise InputError(
            f"ratings: {len(bad)} rating(s) are none of {', '.join(categories)} ({shown}); "
            "add the value to order= or missing=, or fill the blanks (a blank is not 'knab')"
        )
    work["_value"] = keyed.map(canon)
    dup = work.duplicated([unit, code], keep=False)
    if dup.any():
        first = work[dup].iloc[0]
        raise InputError(
            f"ratings: {int(dup.sum())} rows rate the same unit and code more than once, e.g. "
            f"{unit} {first[unit]!r}, {code} {first[code]!r}; keep one rating per pair"
        )
    work["code"] = work[code]
    themes = _rating_themes(work, code, codebooks, theme)
    valid = [str(v) for v in order]
    per_code = _rating_table(work, "code", categories, valid)
    if themes is not None:
        work["theme_id"], names = themes
        per_theme = _rating_table(work, "theme_id", categories, valid)
        per_theme.insert(1, "theme", per_theme["theme_id"].map(names))
    else:
        per_theme = pd.DataFrame({c: pd.Series(dtype=object) for c in THEME_RATING_COLUMNS})
    overall = _rating_table(work, None, categories, valid)
    counts = dict(zip(overall["value"], overall["count"]))
    n_units, n_codes = work[unit].nunique(), work[code].nunique()
    parts = [check_tally(counts, n_units * n_codes, subject=f"{n_units} {unit} x {n_codes} {code}")]
    if total is not None:
        parts.append(check_tally(counts, total, subject="gerapporteerd totaal"))
    for cat, k in (reported or {}).items():
        got = counts.get(canon.get(str(cat).strip().lower(), cat))
        if got is None:
            raise InputError(f"ratings: reported count for {cat!r}, which is none of {', '.join(categories)}")
        parts.append(check_tally([got], k, subject=str(cat)))
    checks = pd.concat(parts, ignore_index=True)
    _warn_flags(checks, "ratings")
    return RatingsSummary(per_code, per_theme, overall, checks)


def _rating_themes(
    work: pd.DataFrame, code: str, codebooks: Codebook | Iterable[Codebook] | None, theme: str | None
) -> tuple[pd.Series, dict[Any, str]] | None:
    """The theme id of every rating, and the name of each theme id."""
    if theme:
        return work[theme], {t: str(t) for t in work[theme].unique()}
    books = _codebook_list(codebooks)
    if not books:
        return None
    names: dict[Any, str] = {}

    def top_id(c: Any) -> str:
        for book in books:
            if str(c) in book:
                chain = book.ancestors(str(c))
                top = chain[0] if chain else book.get(str(c))
                names[top.id] = top.name
                return top.id
        raise InputError(
            f"ratings: code {c!r} is in none of the codebooks ({', '.join(b.namespace for b in books)}); "
            "pass the codebook of the building blocks or theme= with a theme column"
        )

    ids = work[code].map(top_id)
    return ids, names


# ---------------------------------------------------------------------------
# colours and networks

#: a colour-blind-safe palette for codes without a colour of their own
PALETTE = (
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
    "#CCB974", "#64B5CD", "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
    "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
)
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def code_colours(codes: Iterable[str], codebooks: Codebook | Iterable[Codebook] | None = None) -> dict[str, str]:
    """Return a ``#RRGGBB`` colour per code: the codebook's, else a stable palette colour.

    A code without a colour gets the same palette colour in every view and
    session (it depends only on the code's name, not on the other codes).

    Parameters
    ----------
    codes : iterable of str
        Qualified codes (``namespace:id``).
    codebooks : Codebook or list of Codebook, optional
        Where the codes' own colours come from.

    Returns
    -------
    dict of str to str
        Code -> colour, one entry per distinct code, in the order given.

    Examples
    --------
    >>> from qualkit.model import Code, Codebook
    >>> book = Codebook("x", "X", (Code("a", "A", "x", colour="#112233"),))
    >>> code_colours(["x:a"], book)
    {'x:a': '#112233'}
    >>> code_colours(["x:b"])["x:b"] == code_colours(["x:c", "x:b"])["x:b"]
    True
    """
    import hashlib

    known = _codes_by_qualified(codebooks)
    out: dict[str, str] = {}
    for q in codes:
        colour = known[q][1].colour if q in known else None
        if colour is None or not _HEX.fullmatch(str(colour)):
            h = int(hashlib.sha256(str(q).encode("utf-8")).hexdigest()[:8], 16)
            colour = PALETTE[h % len(PALETTE)]
        out[q] = colour
    return out


def network(
    data: pd.DataFrame,
    kind: str = "cooccurrence",
    within: str | int = "segment",
    min_weight: int = 1,
    codebooks: Codebook | Iterable[Codebook] | None = None,
    case: str = "case",
    partner: str = "partner",
    partner_attributes: Sequence[str] = ("domain",),
) -> nx.Graph:
    """Return a networkx graph of code co-occurrence or of the partners named per case.

    Parameters
    ----------
    data : DataFrame
        For ``kind="cooccurrence"`` the coded frame; for ``kind="actors"`` one
        row per partner named by a case (school), with ``case`` and ``partner``
        columns and any others (domain, afstand, prioritair ...).
    kind : {"cooccurrence", "actors"}
    within : as in :func:`cooccurrence`
    min_weight : int
        Leave out code pairs that co-occur fewer times.
    codebooks : optional
        Node colours and names of codes.
    case, partner : str
        The columns of an actors frame.
    partner_attributes : strings
        Columns that describe the partner itself (its domain); they become
        node attributes, every other column an edge attribute.

    Returns
    -------
    networkx.Graph
        Co-occurrence: a node per code (``name``, ``count``, ``colour``) and an
        edge per pair (``weight`` = n12, ``c``). Actors: a node per case
        (``kind="case"``) and per partner (``kind="partner"``, ``cases`` = how
        many cases name it), node ids ``"case:X"``/``"partner:Y"``, an edge per
        naming; ``graph.graph["case"]`` and ``["partner"]`` hold the column
        names. Every attribute is a str, int or float, so
        ``networkx.write_graphml`` writes it as it is.

    Examples
    --------
    >>> coded = pd.DataFrame({"doc_id": ["a", "a"], "segment_id": ["a:1", "a:1"],
    ...     "code": ["x:tijd", "x:geld"], "code_name": ["Tijd", "Geld"]})
    >>> g = network(coded)
    >>> sorted(g.nodes), g.edges["x:geld", "x:tijd"]["weight"]
    (['x:geld', 'x:tijd'], 1)
    """
    import networkx as nx

    g = nx.Graph(kind=kind)
    if kind == "cooccurrence":
        counts = cooccurrence(data, within=within, codebooks=codebooks)
        cs = cooccurrence(data, within=within, measure="c", codebooks=codebooks)
        names = dict(zip(data["code"], data["code_name"])) if "code_name" in data.columns else {}
        colours = code_colours(counts.index, codebooks)
        for q in counts.index:
            g.add_node(q, name=str(names.get(q, q)), count=int(counts.loc[q, q]), colour=colours[q])
        codes = list(counts.index)
        for i, a in enumerate(codes):
            for b in codes[i + 1 :]:
                w = int(counts.loc[a, b])
                if w >= min_weight and w > 0:
                    c = float(cs.loc[a, b])
                    g.add_edge(a, b, weight=w, c=c if not math.isnan(c) else -1.0)
        return g
    if kind != "actors":
        raise InputError(f"network: kind must be 'cooccurrence' or 'actors'; got {kind!r}")
    _require_columns(data, [case, partner], "network")
    g.graph["case"], g.graph["partner"] = case, partner  # what a case is ("school"), for legends
    node_cols = [c for c in partner_attributes if c in data.columns]
    edge_cols = [c for c in data.columns if c not in (case, partner, *node_cols)]
    for cs_name, part in data.groupby(case, sort=True):
        g.add_node(f"case:{cs_name}", label=str(cs_name), kind="case", partners=int(part[partner].nunique()))
    for p, part in data.groupby(partner, sort=True):
        attrs = {c: _joined(part[c]) for c in node_cols}
        g.add_node(f"partner:{p}", label=str(p), kind="partner", cases=int(part[case].nunique()), **attrs)
    for (cs_name, p), part in data.groupby([case, partner], sort=True):
        g.add_edge(f"case:{cs_name}", f"partner:{p}", weight=len(part), **{c: _joined(part[c]) for c in edge_cols})
    return g


def _joined(values: pd.Series) -> str | int | float:
    """One GraphML-safe value: the value itself when unique, else the distinct values joined."""
    distinct = [v for v in dict.fromkeys(values.tolist()) if not pd.isna(v)]
    if len(distinct) == 1 and isinstance(distinct[0], (int, float, np.integer, np.floating)) and not isinstance(distinct[0], bool):
        return distinct[0].item() if hasattr(distinct[0], "item") else distinct[0]
    return "; ".join(str(v) for v in distinct)
