"""Agreement between coders, and evaluation of an automatic coder against a human.

Two or more coders (people, ``auto:rules``, ``auto:model``) code the same
documents. :func:`agreement` compares them per code and over all codes,
:func:`disagreements` lists the units where they differ, and :func:`evaluate`
scores an automatic coder against a gold (human) coder with precision, recall
and F1, and shows which rules fired wrongly and which segments no rule found.

How units are compared
----------------------
A *unit* is either a segment (a row of the segments frame passed as
``units=``: turns, sentences, paragraphs ...) or, with ``unit="character"``,
one character of the text. For each code and unit a coder's value is
*present* (a coding of that code overlaps the unit), *absent* (the coder coded
the document but not this code here) or *missing* (the coder coded nothing at
all in the document, so has no opinion about it). A coder "coded a document"
when the coded frame holds at least one of their codings in it.

Two scopes are reported, because shared silence inflates agreement:

``scope="all"``
    Every unit of the documents the coders coded, including units nobody
    coded. This is the honest denominator for presence/absence.
``scope="coded"``
    Only units where at least one of the compared coders applied one of the
    compared codes. Greetings and small talk that nobody codes drop out.

``positive_agreement`` (``2*both / (2*both + only_a + only_b)``) ignores
shared absence altogether.

Where a statistic is undefined (no unit, or no variation: every value absent)
it is NaN and the ``undefined`` column says why; it is never a made-up 1.0.
Brennan-Prediger kappa fixes chance at 1/2 for presence/absence, so it stays
defined when every value is the same.

Examples
--------
>>> import pandas as pd
>>> units = pd.DataFrame({"doc_id": ["d"] * 4, "segment_id": [f"d:turn:{i}" for i in range(1, 5)],
...                       "start": [0, 10, 20, 30], "end": [9, 19, 29, 39], "text": ["..."] * 4})
>>> coded = pd.DataFrame({"doc_id": ["d"] * 4, "start": [0, 10, 0, 20], "end": [9, 19, 9, 29],
...                       "code": ["n:visie"] * 4, "coder": ["A", "A", "B", "B"]})
>>> table = agreement(coded, units=units)
>>> table.loc[0, ["scope", "n_units", "both", "only_a", "only_b", "neither"]].astype(str).tolist()
['all', '4', '1', '1', '1', '1']
>>> float(table.loc[0, "cohen_kappa"])
0.0
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .columns import require_columns
from .errors import InputError, QualkitWarning

#: columns of the frame :func:`agreement` returns
AGREEMENT_COLUMNS: list[str] = [
    "code",  # "namespace:code", or ALL_CODES for the pooled row
    "scope",  # "all" or "coded" (see the module docstring)
    "coder_a",  # first coder, or ALL_CODERS for the row over every coder
    "coder_b",  # second coder, "" on the ALL_CODERS row
    "n_coders",  # coders compared in the row
    "n_units",  # units (characters) with values of at least two of those coders
    "both",  # units both coders (every coder) marked present
    "only_a",  # present for coder_a only (NaN on the ALL_CODERS row)
    "only_b",  # present for coder_b only (NaN on the ALL_CODERS row)
    "neither",  # units both coders (every coder) left absent
    "percent_agreement",  # share of agreeing pairable values, 0..1
    "positive_agreement",  # 2*both / (2*both + only_a + only_b)
    "cohen_kappa",  # two coders only
    "krippendorff_alpha",  # nominal, any number of coders, missing allowed
    "brennan_prediger",  # (p_o - 1/2) / (1 - 1/2)
    "undefined",  # which statistics are NaN and why, "" when none
]
#: columns of the frame :func:`disagreements` returns
DISAGREEMENT_COLUMNS: list[str] = [
    "doc_id",
    "segment_id",
    "start",
    "end",
    "speaker",
    "code",
    "coded_by",  # coders who applied the code, joined by ", "
    "not_coded_by",  # coders who coded the document but not this code here
    "text",
]
#: columns of :attr:`Evaluation.scores` (per code) and :attr:`Evaluation.overall`
EVALUATION_COLUMNS: list[str] = ["code", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1"]
#: columns of :attr:`Evaluation.false_positives`
FALSE_POSITIVE_COLUMNS: list[str] = ["doc_id", "segment_id", "start", "end", "code", "rule", "matched", "text"]
#: columns of :attr:`Evaluation.misses`
MISS_COLUMNS: list[str] = ["doc_id", "segment_id", "start", "end", "code", "memo", "text"]

#: the ``code`` of the row pooled over all codes
ALL_CODES = "(all codes)"
#: the ``coder_a`` of the row over all coders (three or more coders)
ALL_CODERS = "(all coders)"
#: the two scopes, in the order they appear
SCOPES = ("all", "coded")

_NEEDED = ("doc_id", "start", "end", "code", "coder")
_NO_UNIT = "no unit that two of the coders both coded"
_NO_VARIATION = "every value is the same, so chance agreement is 1 and the statistic is 0/0"


# ---------------------------------------------------------------- statistics


def cohen_kappa(a: ArrayLike, b: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return Cohen's kappa of two coders' nominal values (NaN when undefined).

    Parameters
    ----------
    a, b : sequence
        The values of coder A and coder B, one per unit, no missing values.
    weights : sequence of float, optional
        How many units each position stands for (characters); default 1.

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)``; NaN when there is no unit or ``p_e == 1``
        (both coders used one and the same value everywhere).

    Examples
    --------
    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a_arr, b_arr = np.asarray(a), np.asarray(b)
    w = np.ones(len(a_arr)) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    if total == 0:
        return float("nan")
    p_o = w[a_arr == b_arr].sum() / total
    p_e = 0.0
    for value in np.unique(np.concatenate([a_arr, b_arr])):
        p_e += (w[a_arr == value].sum() / total) * (w[b_arr == value].sum() / total)
    if np.isclose(p_e, 1.0):
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def krippendorff_alpha(reliability_data: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return Krippendorff's alpha for nominal data, missing values allowed.

    Parameters
    ----------
    reliability_data : array-like, coders x units
        Values (numbers or strings); NaN or None where a coder gave no value.
    weights : sequence of float, optional
        How many units each column stands for (characters); default 1.

    Returns
    -------
    float
        ``1 - D_o / D_e`` over the pairable values (units with at least two
        values); NaN when fewer than two pairable values or no variation.

    Examples
    --------
    >>> round(krippendorff_alpha([[1, 1, 0, None], [1, 0, 0, 1]]), 4)
    0.4444
    """
    coincidence, _ = _coincidences(reliability_data, weights)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    disagree = coincidence.sum() - np.trace(coincidence)
    expected = n_c.sum() ** 2 - (n_c**2).sum()  # sum over c != k of n_c * n_k
    if n < 2 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * disagree / expected)


def _coincidences(reliability_data: ArrayLike, weights: ArrayLike | None) -> tuple[np.ndarray, list[Any]]:
    """Return Krippendorff's coincidence matrix and its values, in sorted order."""
    data = pd.DataFrame(np.asarray(reliability_data, dtype=object)).T  # units x coders
    stacked = data.stack(future_stack=True)
    stacked = stacked[~stacked.isna()]
    values = sorted(stacked.unique().tolist(), key=repr)
    index = {v: i for i, v in enumerate(values)}
    w = np.ones(len(data)) if weights is None else np.asarray(weights, dtype=float)
    counts = np.zeros((len(data), len(values)))
    for (unit, _coder), value in stacked.items():
        counts[unit, index[value]] += 1
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m, w = counts[pairable], m[pairable], w[pairable]
    # o_ck = sum_u w_u * n_uc * (n_uk - [c == k]) / (m_u - 1)
    scaled = counts * (w / (m - 1))[:, None]
    coincidence = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    return coincidence, values


@dataclass(frozen=True)
class _Stats:
    n_units: int
    both: float
    only_a: float
    only_b: float
    neither: float
    percent_agreement: float
    positive_agreement: float
    cohen_kappa: float
    krippendorff_alpha: float
    brennan_prediger: float
    undefined: str


def _binary_stats(values: np.ndarray, weights: np.ndarray) -> _Stats:
    """Return the statistics of one presence matrix (units x coders, 1/0/NaN)."""
    valued = ~np.isnan(values)
    pairable = valued.sum(axis=1) >= 2
    values, valued, weights = values[pairable], valued[pairable], weights[pairable]
    n_units = int(weights.sum())
    present = np.where(valued, values, 0).sum(axis=1)
    m = valued.sum(axis=1)
    both = float(weights[present == m].sum())
    neither = float(weights[present == 0].sum())
    two = values.shape[1] == 2
    only_a = float(weights[(values[:, 0] == 1) & (values[:, 1] == 0)].sum()) if two else float("nan")
    only_b = float(weights[(values[:, 0] == 0) & (values[:, 1] == 1)].sum()) if two else float("nan")
    # Coincidences of a binary variable: o_11 and o_00 are the agreeing pairs.
    scale = weights / np.maximum(m - 1, 1)
    o_11 = float((scale * present * (present - 1)).sum())
    o_00 = float((scale * (m - present) * (m - present - 1)).sum())
    n = float((weights * m).sum())
    n_1 = float((weights * present).sum())
    n_0 = n - n_1
    reasons: dict[str, list[str]] = {}
    p_o = (o_11 + o_00) / n if n else float("nan")
    positive = o_11 / n_1 if n_1 else float("nan")
    if n_units == 0:
        reasons.setdefault(_NO_UNIT, []).extend(["percent_agreement", "brennan_prediger"])
    if n_1 == 0:
        reasons.setdefault("no coder applied the code", []).append("positive_agreement")
    kappa = float("nan")
    if two:
        kappa = cohen_kappa(values[:, 0], values[:, 1], weights) if n_units else float("nan")
    alpha = 1 - (n - 1) * (n - o_11 - o_00) / (2 * n_0 * n_1) if n_0 * n_1 > 0 else float("nan")
    undefined_by = _NO_UNIT if n_units == 0 else _NO_VARIATION
    if two and np.isnan(kappa):
        reasons.setdefault(undefined_by, []).append("cohen_kappa")
    if np.isnan(alpha):
        reasons.setdefault(undefined_by, []).append("krippendorff_alpha")
    if not two:
        reasons.setdefault("Cohen's kappa compares two coders: see the pairwise rows", []).append("cohen_kappa")
    undefined = "; ".join(f"{', '.join(stats)}: {why}" for why, stats in reasons.items())
    return _Stats(
        n_units=n_units,
        both=both,
        only_a=only_a,
        only_b=only_b,
        neither=neither,
        percent_agreement=p_o,
        positive_agreement=positive,
        cohen_kappa=kappa,
        krippendorff_alpha=float(alpha),
        brennan_prediger=2 * p_o - 1,
        undefined=undefined,
    )


# ---------------------------------------------------------------- unit tables


def _check_coded(coded: pd.DataFrame, function: str) -> None:
    require_columns(
        coded, _NEEDED, f"{function}: the coded frame",
        f"the coded columns of qualkit.columns.CODED_COLUMNS (at least {', '.join(_NEEDED)})",
    )


def _chosen_coders(coded: pd.DataFrame, coders: Sequence[str] | None, function: str) -> list[str]:
    found = list(dict.fromkeys(coded["coder"].dropna().tolist()))
    chosen = found if coders is None else list(dict.fromkeys(coders))
    unknown = [c for c in chosen if c not in found]
    if unknown:
        raise InputError(
            f"{function}: coder {', '.join(map(repr, unknown))} has no coding in the coded frame; "
            f"the coders found are {', '.join(map(repr, found)) or 'none'}"
        )
    if len(chosen) < 2:
        raise InputError(
            f"{function}: agreement needs two or more coders, got {len(chosen)} "
            f"({', '.join(map(repr, chosen)) or 'none'}); pass coders=[...] with at least two names"
        )
    return chosen


def _unit_table(units: pd.DataFrame | None, coded: pd.DataFrame, function: str) -> pd.DataFrame:
    """Return the units compared: doc_id, segment_id, start, end, speaker, text."""
    if units is None:
        warnings.warn(
            f"{function}: no units= given, so only the segments some coder coded are known and "
            "units nobody coded are not counted; pass units=corpus.segments('turn') (or the unit "
            "you coded) for honest agreement",
            QualkitWarning,
            stacklevel=3,
        )
        spans = _outermost_spans(coded)
        table = pd.DataFrame(
            {
                "doc_id": spans["doc_id"].to_numpy(),
                "segment_id": spans["segment_id"].to_numpy() if "segment_id" in spans else None,
                "start": spans["start"].to_numpy(),
                "end": spans["end"].to_numpy(),
                "speaker": spans["speaker"].to_numpy() if "speaker" in spans else None,
                "text": spans["text"].to_numpy() if "text" in spans else None,
            }
        )
    else:
        require_columns(
            units, ("doc_id", "start", "end"), f"{function}: units=", "a segments frame such as corpus.segments('turn')"
        )
        table = pd.DataFrame({c: units[c] if c in units else None for c in DISAGREEMENT_COLUMNS if c in (
            "doc_id", "segment_id", "start", "end", "speaker", "text")})
    table["start"] = table["start"].astype(int)
    table["end"] = table["end"].astype(int)
    return table.reset_index(drop=True)


def _outermost_spans(coded: pd.DataFrame) -> pd.DataFrame:
    """Return the distinct coded spans that lie inside no other coded span, by doc_id and start.

    Without units=, the coded spans are the units. A span inside another (a
    phrase coded with add_coding inside a coded turn) must not become a unit of
    its own: the turn coding would overlap both and count twice.
    """
    spans = coded.drop_duplicates(["doc_id", "start", "end"]).sort_values(
        ["doc_id", "start", "end"], ascending=[True, True, False])
    keep = []
    for _, rows in spans.groupby("doc_id", sort=False):
        reach = -1  # the furthest end of the spans kept so far; they all start at or before this one
        for label, end in zip(rows.index, rows["end"].astype(int)):
            if end > reach:
                keep.append(label)
                reach = end
    return spans.loc[keep].sort_values(["doc_id", "start", "end"])


def _coverage(coded: pd.DataFrame, coders: list[str]) -> dict[str, set[str]]:
    """Return, per coder, the documents the coder coded (has at least one coding in)."""
    return {c: set(coded.loc[coded["coder"] == c, "doc_id"]) for c in coders}


def _segment_presence(
    table: pd.DataFrame, coded: pd.DataFrame, coders: list[str], codes: list[str], function: str
) -> dict[str, np.ndarray]:
    """Return code -> units x coders matrix of 1 (present), 0 (absent), NaN (missing)."""
    covered = _coverage(coded, coders)
    base = np.full((len(table), len(coders)), np.nan)
    for j, coder in enumerate(coders):
        base[table["doc_id"].isin(covered[coder]).to_numpy(), j] = 0.0
    presence = {code: base.copy() for code in codes}
    column = {c: j for j, c in enumerate(coders)}
    outside: list[str] = []
    unit_groups = {doc: rows for doc, rows in table.groupby("doc_id", sort=False)}
    for doc, rows in coded.groupby("doc_id", sort=False):
        units = unit_groups.get(doc)
        for code, coder, start, end in rows[["code", "coder", "start", "end"]].itertuples(index=False):
            if code not in presence:
                continue
            hit = _overlapping(units, int(start), int(end))
            if len(hit) == 0:
                outside.append(f"{doc} [{start}, {end}) {code} ({coder})")
            presence[code][hit, column[coder]] = 1.0
    if outside:
        warnings.warn(
            f"{function}: {len(outside)} coding(s) overlap no unit and are not compared: "
            f"{'; '.join(outside[:5])}{' ...' if len(outside) > 5 else ''}; pass the units they were coded on",
            QualkitWarning,
            stacklevel=3,
        )
    return presence


def _overlapping(units: pd.DataFrame | None, start: int, end: int) -> np.ndarray:
    """Return the row labels of the units that share at least one character with [start, end)."""
    if units is None:
        return np.array([], dtype=int)
    end = max(end, start + 1)  # an empty coding marks the unit it points into
    mask = (units["start"].to_numpy() < end) & (start < units["end"].to_numpy())
    return units.index.to_numpy()[mask]


def _character_presence(
    table: pd.DataFrame | None, coded: pd.DataFrame, coders: list[str], codes: list[str]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return code -> pieces x coders matrix and the length of each piece.

    Characters whose state is the same for every (code, coder) are grouped in
    pieces, so a transcript of 50,000 characters is a few hundred rows.
    """
    covered = _coverage(coded, coders)
    column = {c: j for j, c in enumerate(coders)}
    blocks: dict[str, list[np.ndarray]] = {code: [] for code in codes}
    lengths: list[np.ndarray] = []
    for doc, rows in coded.groupby("doc_id", sort=False):
        if table is not None:
            spans = table.loc[table["doc_id"] == doc, ["start", "end"]].to_numpy()
        else:  # without units, the document runs from 0 to its last coded character
            spans = np.array([[0, int(rows["end"].max())]])
        if len(spans) == 0:
            continue
        cuts = np.unique(np.concatenate([spans.ravel(), rows["start"].to_numpy(), rows["end"].to_numpy()]))
        left, right = cuts[:-1], cuts[1:]
        inside = np.zeros(len(left), dtype=bool)
        for s, e in spans:
            inside |= (left >= s) & (right <= e)
        left, right = left[inside], right[inside]
        base = np.full((len(left), len(coders)), np.nan)
        for coder, j in column.items():
            if doc in covered[coder]:
                base[:, j] = 0.0
        doc_blocks = {code: base.copy() for code in codes}
        for code, coder, start, end in rows[["code", "coder", "start", "end"]].itertuples(index=False):
            if code in doc_blocks:
                doc_blocks[code][(left >= start) & (right <= end), column[coder]] = 1.0
        for code in codes:
            blocks[code].append(doc_blocks[code])
        lengths.append((right - left).astype(float))
    width = len(coders)
    presence = {code: np.vstack(b) if b else np.empty((0, width)) for code, b in blocks.items()}
    return presence, np.concatenate(lengths) if lengths else np.empty(0)


# ---------------------------------------------------------------- agreement


def agreement(
    coded: pd.DataFrame,
    coders: Sequence[str] | None = None,
    unit: str = "segment",
    codes: Sequence[str] | None = None,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the agreement of two or more coders, per code and pooled over codes.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame (:data:`qualkit.columns.CODED_COLUMNS`; at least
        doc_id, start, end, code, coder) holding every coder's codings.
    coders : sequence of str, optional
        The coders to compare, in order (coder_a, coder_b ...); default all
        coders in ``coded``, in order of appearance.
    unit : {"segment", "character"}
        ``"segment"``: each row of ``units`` is a unit; a code is present in it
        when a coding of that code overlaps it. ``"character"``: each character
        of ``units`` (or, without units, of the span from 0 to a document's
        last coded character) is a unit.
    codes : sequence of str, optional
        The codes to compare; default every code the compared coders used. A
        code nobody used can be named here; it gets a row.
    units : pandas.DataFrame, optional
        The segments frame the coders worked on (``corpus.segments("turn")``),
        so units that no coder coded are known. Without it, only segments some
        coder coded are known and a :class:`~qualkit.errors.QualkitWarning` says so.

    Returns
    -------
    pandas.DataFrame
        :data:`AGREEMENT_COLUMNS`: for each code (then :data:`ALL_CODES`,
        pooling every (unit, code) decision) and each scope ("all", "coded"),
        one row per pair of coders and, with three or more coders, a row over
        all of them (:data:`ALL_CODERS`). Counts are units, or characters with
        ``unit="character"``.

    Notes
    -----
    A coder who coded nothing in a document is *missing* there: the document
    counts for alpha only among the other coders, and pairs with that coder
    skip it. Pairwise counts and kappa use the units both coders have values
    for. ``percent_agreement`` on the all-coders row is Krippendorff's
    observed agreement (agreeing pairable values). Brennan-Prediger kappa is
    ``2 * percent_agreement - 1`` (chance 1/2 for present/absent).

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 5], "end": [4, 9]})
    >>> coded = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 0], "end": [4, 4],
    ...                       "code": ["k:a", "k:a"], "coder": ["A", "B"]})
    >>> row = agreement(coded, units=units).iloc[0]
    >>> float(row["percent_agreement"]), float(row["cohen_kappa"]), row["undefined"]
    (1.0, 1.0, '')
    """
    _check_coded(coded, "agreement")
    if unit not in ("segment", "character"):
        raise InputError(f'agreement: unit must be "segment" or "character", got {unit!r}')
    chosen = _chosen_coders(coded, coders, "agreement")
    mine = coded[coded["coder"].isin(chosen)]
    code_list = list(dict.fromkeys(mine["code"].dropna().tolist())) if codes is None else list(codes)
    if unit == "segment":
        table = _unit_table(units, mine, "agreement")
        presence = _segment_presence(table, mine, chosen, code_list, "agreement")
        weights = np.ones(len(table))
    else:
        table = None if units is None else _unit_table(units, mine, "agreement")
        presence, weights = _character_presence(table, mine, chosen, code_list)
    rows = _agreement_rows(presence, weights, chosen, code_list)
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    for column in ("n_coders", "n_units"):
        frame[column] = frame[column].astype(int)
    for column in ("both", "only_a", "only_b", "neither"):  # only_a/only_b are <NA> over 3+ coders
        frame[column] = frame[column].round().astype("Int64")
    return frame


def _agreement_rows(
    presence: dict[str, np.ndarray], weights: np.ndarray, coders: list[str], codes: list[str]
) -> list[dict[str, Any]]:
    groups: list[tuple[str, ...]] = list(combinations(coders, 2))
    if len(coders) > 2:
        groups.append(tuple(coders))
    width = len(coders)
    tables = [(c, presence[c], weights) for c in codes]
    pooled = np.vstack([presence[c] for c in codes]) if codes else np.empty((0, width))
    tables.append((ALL_CODES, pooled, np.tile(weights, len(codes))))
    rows: list[dict[str, Any]] = []
    for code, matrix, w in tables:
        for scope in SCOPES:
            for group in groups:
                idx = [coders.index(c) for c in group]
                keep = np.ones(len(matrix), dtype=bool)
                if scope == "coded":
                    keep = _coded_units(presence, codes, idx, len(weights))
                    keep = np.tile(keep, len(codes)) if code == ALL_CODES else keep
                stats = _binary_stats(matrix[keep][:, idx], w[keep])
                two = len(group) == 2
                rows.append(
                    {
                        "code": code,
                        "scope": scope,
                        "coder_a": group[0] if two else ALL_CODERS,
                        "coder_b": group[1] if two else "",
                        "n_coders": len(group),
                        **stats.__dict__,
                    }
                )
    return rows


def _coded_units(presence: dict[str, np.ndarray], codes: list[str], idx: list[int], n: int) -> np.ndarray:
    """Return which units at least one of the coders ``idx`` coded with one of ``codes``."""
    hit = np.zeros(n, dtype=bool)
    for c in codes:
        hit |= (presence[c][:, idx] == 1).any(axis=1)
    return hit


# ---------------------------------------------------------------- disagreements


def disagreements(
    coded: pd.DataFrame,
    coders: Sequence[str] | None = None,
    units: pd.DataFrame | None = None,
    code: str | None = None,
) -> pd.DataFrame:
    """Return the units where the coders differ on a code, with the text and who coded what.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame holding every coder's codings.
    coders : sequence of str, optional
        The coders to compare; default all coders in ``coded``.
    units : pandas.DataFrame, optional
        The segments frame the coders worked on; see :func:`agreement`.
    code : str, optional
        Only this code; default every code the coders used.

    Returns
    -------
    pandas.DataFrame
        :data:`DISAGREEMENT_COLUMNS`, one row per (unit, code) where at least
        one coder applied the code and at least one other coder, who coded the
        document, did not. Coders who coded nothing in the document are in
        neither list.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 5], "end": [4, 9],
    ...                       "text": ["Visie", "Tijd!"]})
    >>> coded = pd.DataFrame({"doc_id": ["d", "d", "d"], "start": [0, 0, 5], "end": [4, 4, 9],
    ...                       "code": ["k:visie", "k:visie", "k:tijd"], "coder": ["A", "B", "A"]})
    >>> disagreements(coded, units=units)[["code", "coded_by", "not_coded_by", "text"]].values.tolist()
    [['k:tijd', 'A', 'B', 'Tijd!']]
    """
    _check_coded(coded, "disagreements")
    chosen = _chosen_coders(coded, coders, "disagreements")
    mine = coded[coded["coder"].isin(chosen)]
    codes = list(dict.fromkeys(mine["code"].dropna().tolist())) if code is None else [code]
    table = _unit_table(units, mine, "disagreements")
    presence = _segment_presence(table, mine, chosen, codes, "disagreements")
    rows: list[dict[str, Any]] = []
    for c in codes:
        values = presence[c]
        for i in np.flatnonzero((values == 1).any(axis=1) & (values == 0).any(axis=1)):
            unit = table.iloc[i]
            rows.append(
                {
                    "doc_id": unit["doc_id"],
                    "segment_id": unit["segment_id"],
                    "start": int(unit["start"]),
                    "end": int(unit["end"]),
                    "speaker": unit["speaker"],
                    "code": c,
                    "coded_by": ", ".join(k for k, v in zip(chosen, values[i]) if v == 1),
                    "not_coded_by": ", ".join(k for k, v in zip(chosen, values[i]) if v == 0),
                    "text": unit["text"],
                }
            )
    frame = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
    return frame.sort_values(["doc_id", "start", "code"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Evaluation:
    """Precision, recall and F1 of a predicted coder against a gold coder.

    Attributes
    ----------
    gold, predicted : str
        The coder names compared.
    scores : pandas.DataFrame
        :data:`EVALUATION_COLUMNS`, one row per code.
    overall : pandas.DataFrame
        :data:`EVALUATION_COLUMNS` with ``code`` "micro" (pooled counts) and
        "macro" (mean over the codes where the score is defined).
    false_positives : pandas.DataFrame
        :data:`FALSE_POSITIVE_COLUMNS`: predicted codings on units where the
        gold coder did not apply that code, with the rule and matched words.
    misses : pandas.DataFrame
        :data:`MISS_COLUMNS`: gold codings on units where the predicted coder
        did not apply that code, with the gold coder's memo.
    n_units : int
        Units in the documents the gold coder coded.
    n_documents : int
        Documents the gold coder coded.
    excluded : int
        Predicted codings in documents the gold coder did not code (left out).
    """

    gold: str
    predicted: str
    scores: pd.DataFrame
    overall: pd.DataFrame
    false_positives: pd.DataFrame
    misses: pd.DataFrame
    n_units: int
    n_documents: int
    excluded: int

    def _summary(self) -> str:
        head = (
            f"Evaluation of {self.predicted!r} against {self.gold!r}: {self.n_units} units in "
            f"{self.n_documents} documents"
        )
        if self.excluded:
            head += f"; {self.excluded} predicted codings in documents {self.gold!r} did not code are left out"
        return head

    def __repr__(self) -> str:
        overall = self.overall.set_index("code")[["precision", "recall", "f1"]].round(3)
        scores = self.scores.set_index("code").round(3)
        return (
            f"{self._summary()}\n{overall.to_string()}\n\n{scores.to_string()}\n\n"
            f"{len(self.false_positives)} false positives (.false_positives), {len(self.misses)} misses (.misses)"
        )

    def _repr_html_(self) -> str:
        import html

        overall = self.overall.set_index("code")[["precision", "recall", "f1"]].round(3)
        return (
            f"<p>{html.escape(self._summary())}</p>{overall.to_html()}"
            f"{self.scores.set_index('code').round(3).to_html()}"
            f"<p>{len(self.false_positives)} false positives (<code>.false_positives</code>), "
            f"{len(self.misses)} misses (<code>.misses</code>)</p>"
        )


def evaluate(
    coded: pd.DataFrame,
    gold: str,
    predicted: str = "auto:rules",
    units: pd.DataFrame | None = None,
    codes: Sequence[str] | None = None,
) -> Evaluation:
    """Return precision, recall and F1 of a predicted coder against a gold coder.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame holding the codings of both coders.
    gold : str
        The coder taken as the truth (a person's initials).
    predicted : str
        The coder evaluated: ``"auto:rules"``, ``"auto:model"`` or a second person.
    units : pandas.DataFrame, optional
        The segments frame; default the distinct spans the two coders coded
        (enough here: precision and recall do not count shared absence).
    codes : sequence of str, optional
        The codes scored; default every code either coder used in the
        documents the gold coder coded. A predicted code the gold coder never
        uses scores precision 0: restrict ``codes`` to the codebooks she used.

    Returns
    -------
    Evaluation
        ``scores`` per code, ``overall`` micro and macro, ``false_positives``
        and ``misses``. Only documents the gold coder coded are scored.

    Notes
    -----
    A unit counts as predicted (gold) for a code when a coding of that code by
    the predicted (gold) coder overlaps it. Precision is NaN when nothing was
    predicted, recall NaN when the gold coder never used the code, F1
    (``2tp / (2tp + fp + fn)``) NaN when both are; macro averages skip NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> coded = pd.DataFrame({"doc_id": ["d"] * 3, "start": [0, 0, 5], "end": [4, 4, 9],
    ...     "code": ["k:a"] * 3, "coder": ["LV", "auto:rules", "auto:rules"],
    ...     "rule": ["manual", "keyword", "keyword"], "matched": ["", "visie", "plan"],
    ...     "text": ["Visie", "Visie", "Plan!"]})
    >>> result = evaluate(coded, gold="LV")
    >>> micro = result.overall.iloc[0]
    >>> micro["code"], float(micro["precision"]), float(micro["recall"])
    ('micro', 0.5, 1.0)
    >>> result.false_positives[["matched", "text"]].values.tolist()
    [['plan', 'Plan!']]
    """
    _check_coded(coded, "evaluate")
    found = set(coded["coder"].dropna())
    for role, name in (("gold", gold), ("predicted", predicted)):
        if name not in found:
            raise InputError(
                f"evaluate: {role} coder {name!r} has no coding in the coded frame; "
                f"the coders found are {', '.join(map(repr, sorted(found))) or 'none'}"
            )
    docs = set(coded.loc[coded["coder"] == gold, "doc_id"])
    pair = coded[coded["coder"].isin([gold, predicted])]
    excluded = int(((pair["coder"] == predicted) & ~pair["doc_id"].isin(docs)).sum())
    pair = pair[pair["doc_id"].isin(docs)]
    table = (
        _unit_table(units, pair, "evaluate")
        if units is not None
        else _spans_as_units(pair)
    )
    table = table[table["doc_id"].isin(docs)].reset_index(drop=True)
    code_list = list(dict.fromkeys(pair["code"].dropna().tolist())) if codes is None else list(codes)
    hits = _unit_hits(table, pair)
    gold_units: dict[str, set[int]] = {c: set() for c in code_list}
    pred_units: dict[str, set[int]] = {c: set() for c in code_list}
    for (coder, code), hit in hits.groupby(["coder", "code"]):
        if code in gold_units:
            (gold_units if coder == gold else pred_units)[code] |= set(hit["unit"])
    scores = pd.DataFrame([_scores(c, gold_units[c], pred_units[c]) for c in code_list], columns=EVALUATION_COLUMNS)
    overall = pd.DataFrame([_micro(scores), _macro(scores)], columns=EVALUATION_COLUMNS)
    return Evaluation(
        gold=gold,
        predicted=predicted,
        scores=scores,
        overall=overall,
        false_positives=_wrong(pair[pair["coder"] == predicted], table, gold_units, FALSE_POSITIVE_COLUMNS),
        misses=_wrong(pair[pair["coder"] == gold], table, pred_units, MISS_COLUMNS),
        n_units=len(table),
        n_documents=len(docs),
        excluded=excluded,
    )


def _spans_as_units(coded: pd.DataFrame) -> pd.DataFrame:
    spans = _outermost_spans(coded)
    table = pd.DataFrame({c: spans[c].to_numpy() if c in spans else None for c in (
        "doc_id", "segment_id", "start", "end", "speaker", "text")})
    table["start"] = table["start"].astype(int)
    table["end"] = table["end"].astype(int)
    return table


def _unit_hits(table: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Return one row (row, coder, code, unit) per coding and unit it overlaps."""
    groups = {doc: rows for doc, rows in table.groupby("doc_id", sort=False)}
    records = []
    for label, doc, coder, code, start, end in coded[["doc_id", "coder", "code", "start", "end"]].itertuples():
        for unit in _overlapping(groups.get(doc), int(start), int(end)):
            records.append((label, coder, code, int(unit)))
    return pd.DataFrame(records, columns=["row", "coder", "code", "unit"])


def _scores(code: str, gold: set[int], pred: set[int]) -> dict[str, Any]:
    tp, fp, fn = len(gold & pred), len(pred - gold), len(gold - pred)
    return {"code": code, "support": len(gold), "predicted": len(pred), "tp": tp, "fp": fp, "fn": fn,
            **_prf(tp, fp, fn)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    nan = float("nan")
    return {
        "precision": tp / (tp + fp) if tp + fp else nan,
        "recall": tp / (tp + fn) if tp + fn else nan,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
    }


def _micro(scores: pd.DataFrame) -> dict[str, Any]:
    sums = {k: int(scores[k].sum()) for k in ("support", "predicted", "tp", "fp", "fn")}
    return {"code": "micro", **sums, **_prf(sums["tp"], sums["fp"], sums["fn"])}


def _macro(scores: pd.DataFrame) -> dict[str, Any]:
    sums = {k: int(scores[k].sum()) for k in ("support", "predicted", "tp", "fp", "fn")}
    means = {k: float(scores[k].mean()) if scores[k].notna().any() else float("nan")
             for k in ("precision", "recall", "f1")}
    return {"code": "macro", **sums, **means}


def _wrong(rows: pd.DataFrame, table: pd.DataFrame, other: dict[str, set[int]], columns: list[str]) -> pd.DataFrame:
    """Return the codings of ``rows`` none of whose units the other coder gave the same code."""
    hits = _unit_hits(table, rows)
    units_of = hits.groupby("row")["unit"].apply(set).to_dict()
    out = []
    for label, row in rows.iterrows():
        code = row["code"]
        if code not in other or units_of.get(label, set()) & other[code]:
            continue
        record = {c: row[c] if c in row.index else None for c in columns}
        if record.get("memo") is None and "memo" in columns:
            record["memo"] = ""
        out.append(record)
    frame = pd.DataFrame(out, columns=columns)
    return frame.sort_values(["doc_id", "start", "code"], kind="stable").reset_index(drop=True)
