"""Matplotlib views of the frames :mod:`qualkit.analyse` returns.

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot, so it works with the "Agg" backend, in scripts and in notebooks
(Jupyter shows a returned figure), and nothing is ever shown or left open
behind the caller's back. Titles and axis labels are Dutch. Codes take their
codebook colour when ``codebooks=`` is given, else a stable palette colour.
Figures grow with the number of rows, so 5 to 60 codes stay readable; long
labels are wrapped and cut.

Examples
--------
>>> import pandas as pd
>>> freq = pd.DataFrame({"code": ["x:a", "x:b"], "code_name": ["Visie", "Tijd"], "count": [3, 1]})
>>> fig = plot_frequencies(freq)
>>> fig.axes[0].get_xlabel()
'Aantal'
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as _MplFigure

from .analyse import FREQUENCY_COLUMNS, PALETTE, SHARE_COLUMNS, LikertSummary, RatingsSummary, code_colours
from .errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from .model import Codebook

class Figure(_MplFigure):
    """A matplotlib Figure that Jupyter shows as a PNG when it is returned.

    A figure built without pyplot has no display of its own: Jupyter would
    print ``<Figure size ...>`` unless the user first ran ``%matplotlib inline``.
    ``_repr_png_`` makes the returned figure show up as the picture itself.
    """

    def _repr_png_(self) -> bytes:
        from io import BytesIO

        buffer = BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


#: the width of a label before it wraps, and its maximum length
LABEL_WIDTH, LABEL_MAX = 38, 90
#: inches per bar row, and the bounds of a figure's height
ROW_INCHES, MIN_HEIGHT, MAX_HEIGHT = 0.32, 3.0, 30.0
#: colours of the rating categories, best first, then the missing values in greys
RATING_COLOURS = ("#2E8B57", "#F2B134", "#C44E52", "#BBBBBB", "#DDDDDD", "#999999", "#EEEEEE")


def label(text: Any, width: int = LABEL_WIDTH, limit: int = LABEL_MAX) -> str:
    """Return a label cut to ``limit`` characters and wrapped at ``width``.

    Examples
    --------
    >>> label("Hulp op de klasvloer door de zorgleerkracht", width=20)
    'Hulp op de klasvloer\\ndoor de\\nzorgleerkracht'
    >>> label("x" * 10, limit=5)
    'xxxx…'
    """
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "\n".join(textwrap.wrap(text, width)) or text


#: Dutch axis and legend titles for the usual columns
DUTCH = {"code": "Code", "role": "Rol", "group": "Groep", "doc_id": "Document", "speaker": "Spreker",
         "person": "Persoon", "code_name": "Code", "namespace": "Codeboek", "coder": "Codeur"}


def _dutch(name: Any) -> str:
    return DUTCH.get(str(name), str(name)) if name is not None else ""


def _inch(x: float) -> float:
    """Round a size to a quarter inch, so the pixel size is exact at common dpi."""
    return round(x * 4) / 4


def _height(rows: int, lines: int = 1) -> float:
    return _inch(min(MAX_HEIGHT, max(MIN_HEIGHT, 1.6 + ROW_INCHES * rows * max(1, min(lines, 3)) ** 0.5)))


def _empty(title: str) -> Figure:
    fig = Figure(figsize=(6, MIN_HEIGHT), layout="constrained")
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "Geen gegevens", ha="center", va="center", fontsize=12, color="#666666")
    ax.set_axis_off()
    ax.set_title(title)
    return fig


def plot_frequencies(
    freq: pd.DataFrame,
    stacked: bool = False,
    value: str = "count",
    codebooks: Codebook | Iterable[Codebook] | None = None,
    title: str = "Frequentie van codes",
    xlabel: str | None = None,
) -> Figure:
    """Return a horizontal bar chart of :func:`qualkit.analyse.frequencies`.

    Parameters
    ----------
    freq : DataFrame
        The frame :func:`~qualkit.analyse.frequencies` returns; when it has a
        ``by`` column, bars are grouped (or stacked) per value of it.
    stacked : bool
        Stack the groups instead of putting them side by side.
    value : {"count", "share"}
        What the bars show.
    codebooks : optional
        Code colours (for a chart without groups).
    title, xlabel : str
        Dutch defaults: "Aantal", or "Aandeel" for shares.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if value not in freq.columns:
        raise InputError(f"plot_frequencies: the frame has no column {value!r}; use value='count' or pass share=True")
    by = [c for c in freq.columns if c not in FREQUENCY_COLUMNS + SHARE_COLUMNS]
    if freq.empty:
        return _empty(title)
    names = dict(zip(freq["code"], freq["code_name"]))
    codes = list(dict.fromkeys(freq["code"]))
    fig = Figure(figsize=(9, _height(len(codes) * (1 if stacked or not by else min(3, freq[by[0]].nunique())))),
                 layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(codes))
    if not by:
        vals = freq.set_index("code")[value].reindex(codes).to_numpy(dtype=float)
        colours = code_colours(codes, codebooks)
        ax.barh(y, vals, color=[colours[q] for q in codes])
        for yi, v in zip(y, vals):
            ax.text(v, yi, f" {_num(v, value)}", va="center", fontsize=8)
    else:
        table = freq.pivot_table(index="code", columns=by[0], values=value, aggfunc="sum", fill_value=0, dropna=False)
        table = table.reindex(codes).fillna(0)
        groups = list(table.columns)
        left = np.zeros(len(codes))
        height = 0.8 if stacked else 0.8 / max(1, len(groups))
        for i, g in enumerate(groups):
            vals = table[g].to_numpy(dtype=float)
            colour = PALETTE[i % len(PALETTE)]
            if stacked:
                ax.barh(y, vals, left=left, color=colour, label=label(_nan_label(g), 25))
                left += vals
            else:
                ax.barh(y - 0.4 + height * (i + 0.5), vals, height=height, color=colour, label=label(_nan_label(g), 25))
        ax.legend(title=_dutch(by[0]), fontsize=8, loc="lower right")
    ax.set_yticks(y, [label(names.get(q, q)) for q in codes], fontsize=_fontsize(len(codes)))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or ("Aandeel" if value == "share" else "Aantal"))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _nan_label(value: Any) -> str:
    return "(onbekend)" if pd.isna(value) else str(value)


def _num(v: float, value: str) -> str:
    return f"{v:.0%}" if value == "share" else f"{v:g}"


def _fontsize(rows: int) -> float:
    return 9 if rows <= 25 else 8 if rows <= 45 else 7


def plot_matrix(
    table: pd.DataFrame,
    title: str = "Matrix",
    cmap: str = "Blues",
    decimals: int | None = None,
) -> Figure:
    """Return a heatmap of any matrix with the value written in every cell.

    Parameters
    ----------
    table : DataFrame
        A :func:`~qualkit.analyse.matrix` or :func:`~qualkit.analyse.cooccurrence`
        result, or any numeric table.
    title : str
    cmap : str
        A matplotlib colour map.
    decimals : int, optional
        Decimals of the cell values; default 0 for whole numbers, else 2.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if table.empty:
        return _empty(title)
    values = table.to_numpy(dtype=float)
    if decimals is None:
        decimals = 0 if np.all(np.isnan(values) | (values == np.round(values))) else 2
    rows, cols = table.shape
    width = _inch(min(30.0, max(5.0, 3.5 + 0.6 * cols)))
    fig = Figure(figsize=(width, _height(rows) + 0.75), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    finite = values[np.isfinite(values)]
    top = finite.max() if finite.size else 0
    fs = _fontsize(max(rows, cols))
    for i in range(rows):
        for j in range(cols):
            v = values[i, j]
            text = "" if math.isnan(v) else f"{v:.{decimals}f}".replace(".", ",")
            dark = top > 0 and v > 0.6 * top
            ax.text(j, i, text, ha="center", va="center", fontsize=fs, color="white" if dark else "black")
    ax.set_xticks(range(cols), [label(_nan_label(c), 16, 40) for c in table.columns], fontsize=fs, rotation=45, ha="right")
    ax.set_yticks(range(rows), [label(_nan_label(r)) for r in table.index], fontsize=fs)
    ax.set_xlabel(_dutch(table.columns.name))
    ax.set_ylabel(_dutch(table.index.name))
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.6)
    return fig


def plot_network(
    graph: nx.Graph | pd.DataFrame,
    title: str = "Samen voorkomende codes",
    seed: int = 1,
) -> Figure:
    """Return a drawing of a code co-occurrence (or actors) network.

    Parameters
    ----------
    graph : networkx.Graph or DataFrame
        A graph from :func:`~qualkit.analyse.network`, or a co-occurrence
        table (then turned into one).
    title : str
    seed : int
        The layout seed, so a figure is the same every time.

    Returns
    -------
    matplotlib.figure.Figure
        Node size follows the node's ``count`` (or ``cases``), edge width its
        ``weight``; node colours from the ``colour`` attribute.
    """
    import networkx as nx

    if isinstance(graph, pd.DataFrame):
        g = nx.Graph()
        colours = code_colours(graph.index)
        for q in graph.index:
            g.add_node(q, name=str(q), count=float(graph.loc[q, q]), colour=colours[q])
        for i, a in enumerate(graph.index):
            for b in graph.columns[i + 1 :]:
                if graph.loc[a, b] > 0:
                    g.add_edge(a, b, weight=float(graph.loc[a, b]))
        graph = g
    if graph.number_of_nodes() == 0:
        return _empty(title)
    n = graph.number_of_nodes()
    side = _inch(min(16.0, max(6.0, 3.0 + 0.35 * n)))
    fig = Figure(figsize=(side, _inch(side * 0.8)), layout="constrained")
    ax = fig.add_subplot()
    pos = nx.spring_layout(graph, seed=seed, weight="weight")
    weights = [float(d.get("weight", 1)) for _, _, d in graph.edges(data=True)]
    wmax = max(weights, default=1) or 1
    for (a, b, _), w in zip(graph.edges(data=True), weights):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        ax.plot([x1, x2], [y1, y2], color="#888888", linewidth=0.5 + 4.5 * w / wmax, alpha=0.6, zorder=1)
    sizes = [float(d.get("count", d.get("cases", 1)) or 1) for _, d in graph.nodes(data=True)]
    smax = max(sizes) or 1
    xs = [pos[v][0] for v in graph.nodes]
    ys = [pos[v][1] for v in graph.nodes]
    colours = [d.get("colour") or (PALETTE[0] if d.get("kind") != "case" else PALETTE[1]) for _, d in graph.nodes(data=True)]
    ax.scatter(xs, ys, s=[150 + 1200 * s / smax for s in sizes], c=colours, edgecolors="white", zorder=2)
    for v, d in graph.nodes(data=True):
        ax.annotate(label(d.get("name", d.get("label", v)), 18, 40), pos[v], ha="center", va="center",
                    fontsize=_fontsize(n), zorder=3)
    ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.15)
    return fig


def plot_likert(
    summary: LikertSummary,
    title: str = "Antwoorden per item",
    group: Any = None,
) -> Figure:
    """Return diverging stacked bars of Likert items, centred on the scale's middle.

    Answers below the middle extend to the left, answers above to the right;
    on an odd scale the middle value is split over both sides. Items are sorted
    by their mean, highest on top.

    Parameters
    ----------
    summary : LikertSummary
        What :func:`~qualkit.analyse.likert` returns.
    title : str
    group : optional
        With a summary made ``by=`` a column, the group to draw.

    Returns
    -------
    matplotlib.figure.Figure
    """
    items, counts = summary.items, summary.counts
    by = [c for c in counts.columns if c not in ("item", "value", "label", "count", "share")]
    if by:
        if group is None:
            raise InputError(f"plot_likert: the summary is per {by[0]}; pass group= one of its values")
        items = items[items[by[0]] == group]
        counts = counts[counts[by[0]] == group]
    items = items.dropna(subset=["mean"]).sort_values("mean", ascending=False, kind="stable")
    if items.empty:
        return _empty(title)
    values = sorted(counts["value"].unique())
    labels = dict(zip(counts["value"], counts["label"]))
    mid = (values[0] + values[-1]) / 2
    cmap = _diverging(len(values))
    fig = Figure(figsize=(10, _height(len(items))), layout="constrained")
    ax = fig.add_subplot()
    names = list(items["item"])
    share = counts.pivot_table(index="item", columns="value", values="share", aggfunc="sum").reindex(names).fillna(0)
    y = np.arange(len(names))
    left_neg = -share[[v for v in values if v < mid]].sum(axis=1).to_numpy() - (
        share[mid].to_numpy() / 2 if mid in share.columns else 0
    )
    start = left_neg.copy()
    for i, v in enumerate(values):
        w = share[v].to_numpy() if v in share.columns else np.zeros(len(names))
        ax.barh(y, w, left=start, color=cmap[i], label=label(labels.get(v, v), 20), edgecolor="white", linewidth=0.5)
        start = start + w
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [label(n) for n in names], fontsize=_fontsize(len(names)))
    ax.invert_yaxis()
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], ["100%", "50%", "0%", "50%", "100%"])
    ax.set_xlabel("Aandeel van de geldige antwoorden")
    ax.set_title(title)
    fig.legend(ncols=min(len(values), 7), loc="outside lower center", fontsize=8, frameon=False)
    return fig


def _diverging(n: int) -> list[str]:
    """n colours from red through grey to blue."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["RdBu"]
    return [to_hex(cmap(0.1 + 0.8 * i / max(1, n - 1))) for i in range(n)]


def plot_ratings(
    summary: RatingsSummary,
    by: str = "theme",
    title: str = "Beoordeling per thema",
) -> Figure:
    """Return stacked bars of the rating shares per theme (or per code).

    Parameters
    ----------
    summary : RatingsSummary
        What :func:`~qualkit.analyse.ratings` returns.
    by : {"theme", "code"}
    title : str

    Returns
    -------
    matplotlib.figure.Figure
        One bar per theme, the categories stacked in their order (missing
        values in greys at the end), the count written in each wide segment.
    """
    if by not in ("theme", "code"):
        raise InputError(f"plot_ratings: by must be 'theme' or 'code'; got {by!r}")
    frame = summary.per_theme if by == "theme" else summary.per_code
    if frame.empty:
        return _empty(title)
    cats = list(dict.fromkeys(frame["value"]))
    rows = list(dict.fromkeys(frame[by]))
    share = frame.pivot_table(index=by, columns="value", values="share", aggfunc="sum").reindex(index=rows, columns=cats)
    count = frame.pivot_table(index=by, columns="value", values="count", aggfunc="sum").reindex(index=rows, columns=cats)
    fig = Figure(figsize=(10, _height(len(rows))), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for i, c in enumerate(cats):
        w = share[c].fillna(0).to_numpy()
        ax.barh(y, w, left=left, color=RATING_COLOURS[i % len(RATING_COLOURS)], label=str(c), edgecolor="white")
        for yi, (x0, wi, k) in enumerate(zip(left, w, count[c].fillna(0))):
            if wi >= 0.06:
                ax.text(x0 + wi / 2, yi, f"{int(k)}", ha="center", va="center", fontsize=8)
        left += w
    ax.set_yticks(y, [label(r) for r in rows], fontsize=_fontsize(len(rows)))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("Aandeel van de beoordelingen")
    ax.set_title(title)
    fig.legend(ncols=len(cats), loc="outside lower center", fontsize=8, frameon=False)
    return fig


def plot_timeline(
    timeline: pd.DataFrame,
    x: str = "position",
    codebooks: Codebook | Iterable[Codebook] | None = None,
    documents: Sequence[str] | None = None,
    title: str = "Codes in het verloop van de sessie",
) -> Figure:
    """Return the codes over the course of each session, one panel per document.

    Parameters
    ----------
    timeline : DataFrame
        What :func:`~qualkit.analyse.timeline` returns.
    x : {"position", "relative", "time_start"}
        Turn number, share of the session, or seconds of the recording.
    codebooks : optional
        Code colours.
    documents : list of str, optional
        The documents to draw (default all, at most 12).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    if x not in ("position", "relative", "time_start"):
        raise InputError(f"plot_timeline: x must be 'position', 'relative' or 'time_start'; got {x!r}")
    if timeline.empty:
        return _empty(title)
    docs = list(documents) if documents is not None else list(dict.fromkeys(timeline["doc_id"]))[:12]
    codes = list(dict.fromkeys(timeline.sort_values("code")["code"]))
    names = dict(zip(timeline["code"], timeline["code_name"]))
    colours = code_colours(codes, codebooks)
    per_panel = _height(len(codes)) * 0.8
    fig = Figure(figsize=(10, _inch(min(MAX_HEIGHT, per_panel * len(docs) + 0.6))), layout="constrained")
    axes = fig.subplots(len(docs), 1, squeeze=False, sharex=x == "relative")[:, 0]
    for ax, doc in zip(axes, docs):
        part = timeline[timeline["doc_id"] == doc]
        ys = part["code"].map({q: i for i, q in enumerate(codes)})
        ax.scatter(part[x], ys, c=[colours[q] for q in part["code"]], marker="s", s=40)
        ax.set_yticks(range(len(codes)), [label(names.get(q, q), 30, 50) for q in codes], fontsize=_fontsize(len(codes)))
        ax.set_ylim(len(codes) - 0.5, -0.5)
        ax.set_title(str(doc), fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel({"position": "Beurt", "relative": "Deel van de sessie", "time_start": "Tijd (seconden)"}[x])
    fig.suptitle(title)
    return fig
