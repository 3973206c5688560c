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

from .columns import CODED_COLUMNS, PATH_SEP, SEGMENT_COLUMNS
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
        out = []
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
