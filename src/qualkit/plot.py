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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as _MplFigure

from .analyse import (
    FREQUENCY_COLUMNS,
    PALETTE,
    SHARE_COLUMNS,
    LikertSummary,
    RatingsSummary,
    _codebook_list,
    code_colours,
)
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
#: inches per line of a wrapped row label (9 pt text with its leading), and the gap between rows
LINE_INCHES, ROW_GAP = 0.17, 0.12
#: the bar orders of :func:`plot_frequencies`
FREQUENCY_ORDERS = ("frame", "codebook", "largest")
#: colours of the rating categories, best first, then the missing values in greys
RATING_COLOURS = ("#2E8B57", "#F2B134", "#C44E52", "#BBBBBB", "#DDDDDD", "#999999", "#EEEEEE")


def label(text: Any, width: int = LABEL_WIDTH, limit: int = LABEL_MAX) -> str:
    """Return a label cut to ``limit`` characters and wrapped at ``width``.

    Lines break between words only, never inside one: a word longer than
    ``width`` keeps a line of its own ("Nascholingsaanbieders" stays whole).
    A label that is too long is cut after its last whole word that fits.

    Examples
    --------
    >>> label("Hulp op de klasvloer door de zorgleerkracht", width=20)
    'Hulp op de klasvloer\\ndoor de\\nzorgleerkracht'
    >>> label("Nascholingsaanbieders", width=12)
    'Nascholingsaanbieders'
    >>> label("Samenwerking met ouders en leerlingen", limit=20)
    'Samenwerking met…'
    >>> label("x" * 10, limit=5)
    'xxxx…'
    """
    text = " ".join(str(text).split())
    if len(text) > limit:
        cut = text[: limit - 1]
        # keep whole words when there is a space to cut at, else cut the one long word
        cut = cut[: cut.rfind(" ")] if " " in cut and text[limit - 1] != " " else cut
        text = cut.rstrip(" ,;:") + "…"
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _lines(labels: Iterable[str]) -> int:
    """The number of lines of the tallest label."""
    return max((str(t).count("\n") + 1 for t in labels), default=1)


#: Dutch axis and legend titles for the usual columns
DUTCH = {"code": "Code", "role": "Rol", "group": "Groep", "doc_id": "Document", "speaker": "Spreker",
         "person": "Persoon", "code_name": "Code", "namespace": "Codeboek", "coder": "Codeur"}


def _dutch(name: Any) -> str:
    return DUTCH.get(str(name), str(name)) if name is not None else ""


def _inch(x: float) -> float:
    """Round a size to a quarter inch, so the pixel size is exact at common dpi."""
    return round(x * 4) / 4


def _height(rows: int, lines: int = 1, per_row: float = ROW_INCHES) -> float:
    """The figure height for ``rows`` bars whose labels take up to ``lines`` lines.

    A row is as tall as its label needs (plus a gap), so wrapped labels never
    run into the next row.
    """
    row = max(per_row, ROW_GAP + LINE_INCHES * lines)
    return _inch(min(MAX_HEIGHT, max(MIN_HEIGHT, 1.6 + row * rows)))


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
    order: str | None = None,
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
        Code colours (for a chart without groups), and the bar order.
    title, xlabel : str
        Dutch defaults: "Aantal", or "Aandeel" for shares.
    order : {"frame", "codebook", "largest"}, optional
        The bars from top to bottom: in the order the codes first appear in
        ``freq``; in codebook order (needs ``codebooks=``; codes that are
        in no codebook follow in frame order); or the largest ``value`` first
        (summed over the groups; ties keep the frame order). Default:
        "codebook" when ``codebooks=`` is given, else "frame".

    Notes
    -----
    Without codebooks the frame's own order is kept, never re-sorted behind
    your back: a frame you sorted or built yourself (and code that pairs
    ``ax.patches`` with its rows) stays as it is. ``frequencies(coded)``
    without ``codebooks=`` sorts by code id, which is seldom the order a
    reader wants: pass ``codebooks=`` here for codebook order, or
    ``order="largest"`` for the most frequent code on top.

    Returns
    -------
    matplotlib.figure.Figure
        With groups, the legend stands to the right of the bars (``fig.legends[0]``).

    Examples
    --------
    >>> freq = pd.DataFrame({"code": ["x:a", "x:b"], "code_name": ["Visie", "Tijd"], "count": [3, 1]})
    >>> ax = plot_frequencies(freq).axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text().strip() for t in ax.texts]
    (['Visie', 'Tijd'], ['3', '1'])
    >>> ax = plot_frequencies(freq.iloc[::-1], order="largest").axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Visie', 'Tijd']
    """
    if value not in freq.columns:
        raise InputError(f"plot_frequencies: the frame has no column {value!r}; use value='count' or pass share=True")
    books = _codebook_list(codebooks)  # a list, so a generator serves both the order and the colours
    order = _checked_order(order, codebooks is not None)
    by = [c for c in freq.columns if c not in FREQUENCY_COLUMNS + SHARE_COLUMNS]
    if freq.empty:
        return _empty(title)
    names = dict(zip(freq["code"], freq["code_name"]))
    codes = _bar_order(freq, value, order, books)
    ticks = [label(names.get(q, q)) for q in codes]
    bars_per_code = 1 if stacked or not by else min(3, freq[by[0]].nunique())
    fig = Figure(figsize=(9 + (1.5 if by else 0), _height(len(codes), _lines(ticks), ROW_INCHES * bars_per_code)),
                 layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(codes))
    if not by:
        vals = freq.set_index("code")[value].reindex(codes).to_numpy(dtype=float)
        colours = code_colours(codes, books)
        ax.barh(y, vals, color=[colours[q] for q in codes])
        for yi, v in enumerate(vals):  # y is 0..n-1
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
        # outside the axes, so it never covers the longest bars
        fig.legend(title=_dutch(by[0]), fontsize=8, loc="outside right upper", frameon=False)
    ax.set_yticks(y, ticks, fontsize=_fontsize(len(codes)))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or ("Aandeel" if value == "share" else "Aantal"))
    if value == "share":
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1, decimals=0))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _checked_order(order: str | None, has_codebooks: bool) -> str:
    if order is None:
        return "codebook" if has_codebooks else "frame"
    if order not in FREQUENCY_ORDERS:
        raise InputError(f"plot_frequencies: order must be 'frame', 'codebook' or 'largest'; got {order!r}")
    if order == "codebook" and not has_codebooks:
        raise InputError("plot_frequencies: order='codebook' needs the codebooks; pass codebooks=")
    return order


def _bar_order(freq: pd.DataFrame, value: str, order: str, books: list[Codebook]) -> list[str]:
    """The codes of ``freq`` from the top bar to the bottom one."""
    codes = list(dict.fromkeys(freq["code"]))
    if order == "largest":
        # a grouped chart ranks a code by its groups together; NaN shares count as 0
        totals = freq.groupby("code", sort=False, dropna=False)[value].sum()
        return sorted(codes, key=lambda q: -totals.get(q, 0))  # sorted is stable: ties keep the frame order
    if order == "codebook":
        in_books = [code.qualified for book in books for code in book]
        rank = {q: i for i, q in enumerate(in_books)}
        return sorted(codes, key=lambda q: rank.get(q, len(rank)))
    return codes


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
        The figure title.
    cmap : str
        A matplotlib colour map.
    decimals : int, optional
        Decimals of the cell values; default 0 for whole numbers, else 2.

    Returns
    -------
    matplotlib.figure.Figure
        An empty figure with the title when the table is empty.

    Examples
    --------
    >>> table = pd.DataFrame({"leraar": [2, 0], "directie": [1, 3]}, index=["Visie", "Tijd"])
    >>> ax = plot_matrix(table).axes[0]
    >>> [t.get_text() for t in ax.texts]  # row by row
    ['2', '1', '0', '3']
    """
    if table.empty:
        return _empty(title)
    values = table.to_numpy(dtype=float)
    if decimals is None:
        decimals = 0 if np.all(np.isnan(values) | (values == np.round(values))) else 2
    rows, cols = table.shape
    ticks = [label(_nan_label(r)) for r in table.index]
    width = _inch(min(30.0, max(5.0, 3.5 + 0.6 * cols)))
    fig = Figure(figsize=(width, _height(rows, _lines(ticks)) + 0.75), layout="constrained")
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
    ax.set_yticks(range(rows), ticks, fontsize=fs)
    ax.set_xlabel(_dutch(table.columns.name))
    ax.set_ylabel(_dutch(table.index.name))
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.6)
    return fig


#: edge widths in points: the thinnest and thickest line of a network
EDGE_MIN, EDGE_MAX = 1.0, 4.0
#: how cases (schools) are drawn in an actors network: large white squares with a dark rim
CASE_SIZE, CASE_FACE, CASE_EDGE = 1500.0, "#FFFFFF", "#333333"
#: yes/no values of an edge attribute used as the weight (``prioritair``: ja/nee)
YES, NO = frozenset({"ja", "yes", "true", "waar", "1"}), frozenset({"nee", "neen", "no", "false", "onwaar", "0", ""})


def plot_network(
    graph: nx.Graph | pd.DataFrame,
    title: str = "Samen voorkomende codes",
    seed: int = 1,
    colour_by: str | None = None,
    colours: Mapping[str, str] | None = None,
    weight: str | None = None,
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
    colour_by : str, optional
        A node attribute (the partner's ``"domein"``): nodes take a colour per
        value, explained in a legend. Default: the node's ``colour``.
    colours : dict, optional
        Colours per value of ``colour_by``; other values get palette colours.
    weight : str, optional
        An edge attribute for the line width: numbers, or yes/no values
        (``"prioritair"``: ja/nee, drawn thick/thin). Default: ``weight``.

    Returns
    -------
    matplotlib.figure.Figure
        Node size follows the node's ``count`` (or ``cases``: how many cases
        name a partner); cases (``kind="case"``, the schools) are large white
        squares. Edge widths run from 1 to 4 pt; all equal weights give one
        width. Labels break between words and have a white halo, so they read
        on every node colour. Legends stand to the right of the drawing.

    Examples
    --------
    >>> partners = pd.DataFrame({"school": ["A", "A", "B"], "partner": ["CLB", "VDAB", "CLB"],
    ...     "domein": ["zorg", "werk", "zorg"], "prioritair": ["ja", "nee", "ja"]})
    >>> from qualkit.analyse import network
    >>> g = network(partners, kind="actors", case="school", partner_attributes=("domein",))
    >>> fig = plot_network(g, colour_by="domein", weight="prioritair")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['werk', 'zorg', 'school', 'prioritair: ja', 'prioritair: nee']
    """
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patheffects import withStroke

    if isinstance(graph, pd.DataFrame):
        graph = _table_graph(graph)
    if graph.number_of_nodes() == 0:
        return _empty(title)
    n = graph.number_of_nodes()
    cases = [v for v, d in graph.nodes(data=True) if d.get("kind") == "case"]
    others = [v for v in graph.nodes if v not in set(cases)]
    node_colours, colour_legend = _node_colours(graph, others, colour_by, colours)
    widths, width_legend = _edge_widths(graph, weight)
    legend = bool(colour_legend or width_legend or cases)
    side = _inch(min(16.0, max(6.0, 3.0 + 0.35 * n)))
    fig = Figure(figsize=(side + (2.75 if legend else 0), _inch(side * 0.8)), layout="constrained")
    ax = fig.add_subplot()
    # a wider spring than networkx's default spreads the partners around a shared core
    pos = nx.spring_layout(graph, seed=seed, weight="weight", k=1.6 / math.sqrt(n))
    for (a, b), w in zip(graph.edges(), widths):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        ax.plot([x1, x2], [y1, y2], color="#999999", linewidth=w, alpha=0.7, zorder=1, solid_capstyle="round")
    counts = [float(graph.nodes[v].get("count", graph.nodes[v].get("cases", 1)) or 1) for v in others]
    cmax = max(counts, default=1) or 1
    area = {v: 150 + 1050 * c / cmax for v, c in zip(others, counts)}
    if others:
        ax.scatter([pos[v][0] for v in others], [pos[v][1] for v in others], s=[area[v] for v in others],
                   c=[node_colours[v] for v in others], edgecolors="white", linewidths=1, zorder=2, gid="nodes")
    if cases:
        ax.scatter([pos[v][0] for v in cases], [pos[v][1] for v in cases], s=CASE_SIZE, marker="s",
                   c=CASE_FACE, edgecolors=CASE_EDGE, linewidths=2, zorder=2, gid="cases")
    halo = [withStroke(linewidth=3, foreground="white")]
    for v, d in graph.nodes(data=True):
        text = label(d.get("name", d.get("label", v)), 18, 40)
        if d.get("kind") == "case":  # inside its white square
            ax.annotate(text, pos[v], ha="center", va="center", fontsize=_fontsize(n) + 1, fontweight="bold",
                        color="#111111", zorder=4, path_effects=halo)
        else:  # just below the node, so the node's colour stays visible
            ax.annotate(text, pos[v], xytext=(0, -(math.sqrt(area[v]) / 2 + 1)), textcoords="offset points",
                        ha="center", va="top", fontsize=_fontsize(n), color="#111111", zorder=3, path_effects=halo)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=c, markeredgecolor="white",
                      label=label(v, 34, 60)) for v, c in colour_legend.items()]
    if cases:
        handles.append(Line2D([], [], marker="s", linestyle="", markersize=11, markerfacecolor=CASE_FACE,
                              markeredgecolor=CASE_EDGE, markeredgewidth=2, label=str(graph.graph.get("case", "casus"))))
    handles += [Line2D([], [], color="#999999", linewidth=w, label=t) for t, w in width_legend.items()]
    if handles:
        fig.legend(handles=handles, title=_dutch(colour_by).capitalize() if colour_by else None, loc="outside right upper",
                   fontsize=9, frameon=False, labelspacing=1.0)
    ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.12)
    return fig


def _table_graph(table: pd.DataFrame) -> nx.Graph:
    """A co-occurrence table as a graph: a node per code, an edge per pair that co-occurs."""
    import networkx as nx

    g = nx.Graph()
    colours = code_colours(table.index)
    for q in table.index:
        g.add_node(q, name=str(q), count=float(table.loc[q, q]), colour=colours[q])
    for i, a in enumerate(table.index):
        for b in table.columns[i + 1 :]:
            if table.loc[a, b] > 0:
                g.add_edge(a, b, weight=float(table.loc[a, b]))
    return g


def _node_colours(
    graph: nx.Graph, nodes: list[Any], colour_by: str | None, colours: Mapping[str, str] | None
) -> tuple[dict[Any, str], dict[str, str]]:
    """A colour per node, and the legend entries (value -> colour) when colouring by an attribute."""
    if colour_by is None:
        return {v: graph.nodes[v].get("colour") or PALETTE[0] for v in nodes}, {}
    missing = [v for v in nodes if colour_by not in graph.nodes[v]]
    if len(missing) == len(nodes) and nodes:
        known = sorted({k for v in nodes for k in graph.nodes[v]} - {"kind", "label", "name"})
        raise InputError(f"plot_network: no node has the attribute {colour_by!r}; "
                         f"pass colour_by= one of {', '.join(known) or '(none)'}, or list it in network(partner_attributes=...)")
    values = {v: _nan_label(graph.nodes[v].get(colour_by, np.nan)) for v in nodes}
    given = dict(colours or {})
    order = [k for k in given if k in set(values.values())] + sorted(set(values.values()) - set(given))
    fresh = iter(c for c in PALETTE if c not in given.values())
    legend = {k: given[k] if k in given else next(fresh, "#8C8C8C") for k in order}
    return {v: legend[k] for v, k in values.items()}, legend


def _edge_widths(graph: nx.Graph, weight: str | None) -> tuple[list[float], dict[str, float]]:
    """Line widths of the edges (EDGE_MIN..EDGE_MAX pt), and legend entries (text -> width)."""
    attr = weight or "weight"
    raw = [d.get(attr, 1 if weight is None else None) for _, _, d in graph.edges(data=True)]
    if not raw:
        return [], {}
    keys = [str(v).strip().lower() for v in raw]
    if weight is not None and all(k in YES | NO for k in keys):
        # a yes/no column (prioritair): thick for yes, thin for no
        legend = {f"{weight}: ja": EDGE_MAX, f"{weight}: nee": EDGE_MIN} if len(set(k in YES for k in keys)) > 1 else {}
        return [EDGE_MAX if k in YES else EDGE_MIN for k in keys], legend
    try:
        values = [float(v) for v in raw]
        if any(math.isnan(v) for v in values):
            raise ValueError
    except (TypeError, ValueError):
        (a, b), bad = next((e, v) for e, v, k in zip(graph.edges(), raw, keys) if not _is_number(v) and k not in YES | NO)
        raise InputError(f"plot_network: the edge attribute {attr!r} must be a number or ja/nee on every edge; "
                         f"the edge {a} – {b} has {bad!r}") from None
    lo, hi = min(values), max(values)
    if hi == lo:
        return [1.5] * len(values), {}
    widths = [EDGE_MIN + (EDGE_MAX - EDGE_MIN) * (v - lo) / (hi - lo) for v in values]
    return widths, ({f"{attr} = {lo:g}": EDGE_MIN, f"{attr} = {hi:g}": EDGE_MAX} if weight else {})


def _is_number(v: Any) -> bool:
    try:
        return not math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def plot_likert(
    summary: LikertSummary,
    title: str = "Antwoorden per item",
    group: Any = None,
) -> Figure:
    """Return diverging stacked bars of Likert items, centred on the scale's middle.

    Answers below the middle extend to the left, answers above to the right;
    on an odd scale the middle value is split over both sides. Items are sorted
    by their mean, highest on top. Each row is as tall as its wrapped label.

    Parameters
    ----------
    summary : LikertSummary
        What :func:`~qualkit.analyse.likert` returns.
    title : str
        The figure title.
    group : optional
        With a summary made ``by=`` a column, the group to draw.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from qualkit.analyse import likert
    >>> s = likert(pd.DataFrame({"overleg": [5, 6, 2], "tijd": [1, 2, 4]}), ["overleg", "tijd"])
    >>> [t.get_text() for t in plot_likert(s).axes[0].get_yticklabels()]  # highest mean on top
    ['overleg', 'tijd']
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
    names = list(items["item"])
    ticks = [label(n) for n in names]
    fig = Figure(figsize=(10, _height(len(names), _lines(ticks))), layout="constrained")
    ax = fig.add_subplot()
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
    ax.set_yticks(y, ticks, fontsize=_fontsize(len(names)))
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
    sort: str | None = None,
) -> Figure:
    """Return stacked bars of the rating shares per theme (or per code).

    Parameters
    ----------
    summary : RatingsSummary
        What :func:`~qualkit.analyse.ratings` returns.
    by : {"theme", "code"}
    title : str
    sort : str, optional
        A rating (e.g. ``"past"``): rows with the largest share of it on top
        (ties keep their order). Default: the order of the summary.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per theme, the categories stacked in their order (missing
        values in greys at the end), the count written in each wide segment.

    Examples
    --------
    >>> from qualkit.analyse import ratings
    >>> r = pd.DataFrame({"netwerk": ["A", "A", "B", "B"], "bouwsteen": ["1", "2", "1", "2"],
    ...     "oordeel": ["past niet", "past", "past", "past"]})
    >>> fig = plot_ratings(ratings(r, "netwerk", "bouwsteen", "oordeel"), by="code", sort="past")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['2', '1']
    """
    if by not in ("theme", "code"):
        raise InputError(f"plot_ratings: by must be 'theme' or 'code'; got {by!r}")
    frame = summary.per_theme if by == "theme" else summary.per_code
    known = list(dict.fromkeys(summary.overall["value"]))
    if sort is not None and sort not in known:
        raise InputError(f"plot_ratings: sort must be one of the ratings ({', '.join(known)}) or None; got {sort!r}")
    if frame.empty:
        return _empty(title)
    key = "theme_id" if by == "theme" and "theme_id" in frame.columns else by
    names = dict(zip(frame[key], frame[by]))
    cats = list(dict.fromkeys(frame["value"]))
    rows = list(dict.fromkeys(frame[key]))
    share = frame.pivot_table(index=key, columns="value", values="share", aggfunc="sum").reindex(index=rows, columns=cats)
    count = frame.pivot_table(index=key, columns="value", values="count", aggfunc="sum").reindex(index=rows, columns=cats)
    if sort is not None:
        rows = list(share[sort].fillna(0).sort_values(ascending=False, kind="stable").index)
        share, count = share.reindex(rows), count.reindex(rows)
    ticks = [label(names[r]) for r in rows]
    fig = Figure(figsize=(10, _height(len(rows), _lines(ticks))), layout="constrained")
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
    ax.set_yticks(y, ticks, fontsize=_fontsize(len(rows)))
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
        The figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from qualkit.analyse import timeline
    >>> coded = pd.DataFrame({"doc_id": ["fg1", "fg1", "fg2"], "position": [1, 3, 2],
    ...     "segment_id": ["fg1:turn:1", "fg1:turn:3", "fg2:turn:2"],
    ...     "code": ["n:a", "n:b", "n:a"], "code_name": ["Aanpak", "Beleid", "Aanpak"]})
    >>> fig = plot_timeline(timeline(coded))
    >>> [ax.get_title(loc="left") for ax in fig.axes], fig.axes[-1].get_xlabel()
    (['fg1', 'fg2'], 'Beurt')
    """
    if x not in ("position", "relative", "time_start"):
        raise InputError(f"plot_timeline: x must be 'position', 'relative' or 'time_start'; got {x!r}")
    if timeline.empty:
        return _empty(title)
    docs = list(documents) if documents is not None else list(dict.fromkeys(timeline["doc_id"]))[:12]
    codes = list(dict.fromkeys(timeline.sort_values("code")["code"]))
    names = dict(zip(timeline["code"], timeline["code_name"]))
    colours = code_colours(codes, codebooks)
    per_panel = _height(len(codes), _lines(label(names.get(q, q), 30, 50) for q in codes)) * 0.8
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
