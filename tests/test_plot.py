"""Tests of the plots: each is saved as PNG and read back with matplotlib."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from qualkit.analyse import cooccurrence, frequencies, likert, matrix, network, ratings, timeline  # noqa: E402
from qualkit.errors import InputError  # noqa: E402
from qualkit.model import Code, Codebook  # noqa: E402
from qualkit.plot import (  # noqa: E402
    label,
    plot_frequencies,
    plot_likert,
    plot_matrix,
    plot_network,
    plot_ratings,
    plot_timeline,
)

DPI = 80


def coded_frame(n_codes: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 40 * n_codes
    docs = rng.integers(0, 3, n)
    pos = rng.integers(0, 30, n)
    codes = rng.integers(0, n_codes, n)
    return pd.DataFrame(
        {
            "doc_id": [f"focusgroep {d}" for d in docs],
            "segment_id": [f"fg{d}:turn:{p + 1}" for d, p in zip(docs, pos)],
            "position": pos,
            "role": np.array(["directie", "leerkracht", "zorgcoördinator"])[(docs + pos) % 3],
            "code": [f"n:c{c:02d}" for c in codes],
            "code_name": [f"Code {c}: samenwerking met externe partners rond leren" for c in codes],
        }
    )


def saved(fig: Figure, path) -> np.ndarray:
    """Save at DPI and check the PNG has the figure's pixel size and is not blank."""
    assert isinstance(fig, Figure)
    fig.savefig(path, dpi=DPI)
    image = mpimg.imread(path)
    w, h = fig.get_size_inches()
    assert image.shape[:2] == (round(h * DPI), round(w * DPI))
    assert path.stat().st_size > 2000
    assert image[..., :3].std() > 0.02  # something is drawn, not a blank page
    return image


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """The plots never go through pyplot, so none are left open (or shown)."""
    plt.close("all")
    yield
    assert plt.get_fignums() == []


def test_bar_chart_of_frequencies_uses_codebook_colours(tmp_path):
    coded = coded_frame(5)
    book = Codebook("n", "N", tuple(Code(f"c{i:02d}", f"C{i}", "n", colour="#123456" if i == 0 else None) for i in range(5)))
    freq = frequencies(coded, codebooks=book)
    fig = plot_frequencies(freq, codebooks=book)
    saved(fig, tmp_path / "freq.png")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Aantal" and ax.get_title() == "Frequentie van codes"
    assert to_hex(ax.patches[0].get_facecolor()) == "#123456"
    assert [p.get_width() for p in ax.patches] == freq["count"].tolist()


def test_stacked_and_grouped_bars_per_role(tmp_path):
    freq = frequencies(coded_frame(8), by="role")
    stacked = plot_frequencies(freq, stacked=True, title="Codes per rol")
    saved(stacked, tmp_path / "stacked.png")
    ax = stacked.axes[0]
    # 8 codes x 3 roles; the stacked bars of one code add up to its count
    assert len(ax.patches) == 24
    total = sum(p.get_width() for p in ax.patches if abs(p.get_y() + p.get_height() / 2) < 1e-9)
    assert total == freq[freq["code"] == "n:c00"]["count"].sum()
    legend = stacked.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["directie", "leerkracht", "zorgcoördinator"]
    assert legend.get_title().get_text() == "Rol"
    # the legend stands right of the axes, so it cannot cover the longest bars
    assert ax.get_legend() is None
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1
    grouped = plot_frequencies(freq)
    saved(grouped, tmp_path / "grouped.png")
    assert grouped.legends[0].get_window_extent().x0 >= grouped.axes[0].get_window_extent().x1


def test_shares_are_drawn_on_a_percent_axis(tmp_path):
    coded = coded_frame(4)
    freq = frequencies(coded, by="role", share=True, units=coded.drop_duplicates("segment_id"))
    fig = plot_frequencies(freq, value="share")
    saved(fig, tmp_path / "aandeel.png")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks and all(t.endswith("%") for t in ticks)


def test_figures_grow_with_the_number_of_codes(tmp_path):
    small = plot_frequencies(frequencies(coded_frame(5)))
    large = plot_frequencies(frequencies(coded_frame(60)))
    assert large.get_size_inches()[1] > 2.5 * small.get_size_inches()[1]
    image = saved(large, tmp_path / "zestig.png")
    assert image.shape[0] > image.shape[1]


def test_heatmap_writes_counts_in_the_cells(tmp_path):
    coded = coded_frame(6)
    table = matrix(coded, cols="role", label="name")
    fig = plot_matrix(table, title="Codes per rol")
    saved(fig, tmp_path / "matrix.png")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [str(v) for v in table.to_numpy().ravel()]
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("Rol", "Code")
    c = plot_matrix(cooccurrence(coded, measure="c"))
    assert "1,00" in [t.get_text() for t in c.axes[0].texts]
    saved(c, tmp_path / "c.png")


def test_cooccurrence_network_plot(tmp_path):
    coded = coded_frame(7)
    g = network(coded)
    fig = plot_network(g)
    saved(fig, tmp_path / "netwerk.png")
    assert len(fig.axes[0].texts) == 7
    # edge widths run from 1 pt (the weakest pair) to 4 pt (the strongest)
    weights = [d["weight"] for _, _, d in g.edges(data=True)]
    widths = [line.get_linewidth() for line in fig.axes[0].lines]
    assert len(widths) == len(weights) and min(weights) < max(weights)
    assert min(widths) == pytest.approx(1.0) and max(widths) == pytest.approx(4.0)
    strongest = weights.index(max(weights))
    assert widths[strongest] == pytest.approx(4.0)
    saved(plot_network(cooccurrence(coded)), tmp_path / "netwerk2.png")


PARTNERS = pd.DataFrame(
    [
        ("School A", "CLB", "zorg voor leerlingen", "ja"),
        ("School A", "Nascholingsaanbieders", "professionalisering van het team", "nee"),
        ("School A", "Stagebedrijven", "werk en stage buiten de school", "ja"),
        ("School B", "CLB", "zorg voor leerlingen", "nee"),
        ("School B", "Centrum voor geestelijke gezondheidszorg", "zorg voor leerlingen", "nee"),
    ],
    columns=["school", "partner", "domein", "prioritair"],
)


def test_actors_network_shows_schools_domains_and_priority(tmp_path):
    g = network(PARTNERS, kind="actors", case="school", partner="partner", partner_attributes=("domein",))
    colours = {"zorg voor leerlingen": "#55A868"}
    fig = plot_network(g, title="Partners", colour_by="domein", colours=colours, weight="prioritair")
    saved(fig, tmp_path / "partners.png")
    ax = fig.axes[0]
    nodes = next(c for c in ax.collections if c.get_gid() == "nodes")
    cases = next(c for c in ax.collections if c.get_gid() == "cases")
    # schools: two large squares, bigger than every partner node
    assert len(cases.get_offsets()) == 2 and cases.get_sizes().min() > nodes.get_sizes().max()
    square = cases.get_paths()[0].vertices
    assert len(np.unique(np.round(np.abs(square[:-1]), 6), axis=0)) == 1  # four corners at equal distance
    # partners coloured by domain, the given colour first, the others from the palette, named in the legend
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "Domein"
    assert [t.get_text() for t in legend.get_texts()] == [
        "zorg voor leerlingen", "professionalisering van het team", "werk en stage buiten de school",
        "school", "prioritair: ja", "prioritair: nee",
    ]
    partners = [v for v, d in g.nodes(data=True) if d["kind"] == "partner"]
    facecolours = dict(zip(partners, (to_hex(c) for c in nodes.get_facecolors())))
    assert facecolours["partner:CLB"] == facecolours["partner:Centrum voor geestelijke gezondheidszorg"] == "#55a868"
    assert len(set(facecolours.values())) == 3
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1
    # a thick line for a priority partner, a thin one for the others
    widths = {e: line.get_linewidth() for e, line in zip(g.edges(), ax.lines)}
    assert {e: w for e, w in widths.items()} == {
        e: (4.0 if g.edges[e]["prioritair"] == "ja" else 1.0) for e in g.edges()
    }
    # labels break between words only, and have a white halo for contrast on any node colour
    texts = {t.get_text().replace("\n", " "): t for t in ax.texts}
    assert set(texts) == {"School A", "School B", "CLB", "Nascholingsaanbieders", "Stagebedrijven",
                          "Centrum voor geestelijke gezondheidszorg"}
    assert texts["Centrum voor geestelijke gezondheidszorg"].get_text() == "Centrum voor\ngeestelijke\ngezondheidszorg"
    assert all(t.get_path_effects() for t in ax.texts)
    assert texts["School A"].get_fontweight() == "bold"


def test_actors_network_defaults_and_errors(tmp_path):
    g = network(PARTNERS, kind="actors", case="school", partner="partner", partner_attributes=("domein",))
    fig = plot_network(g)
    saved(fig, tmp_path / "partners_standaard.png")
    # every naming has weight 1: one width, not the thickest
    assert {line.get_linewidth() for line in fig.axes[0].lines} == {1.5}
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["school"]
    with pytest.raises(InputError, match=r"^plot_network: no node has the attribute 'sector'; pass colour_by= one of "
                                         r"cases, domein, or list it in network\(partner_attributes=...\)$"):
        plot_network(g, colour_by="sector")
    odd = network(PARTNERS.assign(prioritair=["ja", "soms", "ja", "nee", "nee"]), kind="actors", case="school",
                  partner_attributes=("domein",))
    with pytest.raises(InputError, match=r"^plot_network: the edge attribute 'prioritair' must be a number or ja/nee on "
                                         r"every edge; the edge case:School A – partner:Nascholingsaanbieders has 'soms'$"):
        plot_network(odd, weight="prioritair")


def tick_boxes(fig: Figure):
    """The drawn boxes of the y tick labels, top row first."""
    fig.canvas.draw()
    return sorted((t.get_window_extent() for t in fig.axes[0].get_yticklabels()), key=lambda b: -b.y1)


def test_likert_rows_grow_with_wrapped_labels(tmp_path):
    rng = np.random.default_rng(5)
    long = [f"Stelling {i}: de zorgleerkracht komt op tijd in de klas en bespreekt de aanpak met de leraar" for i in range(8)]
    short = [f"Stelling {i}" for i in range(8)]
    def summary(items):
        answers = pd.DataFrame(rng.integers(1, 7, size=(23, 8)), columns=items)
        return likert(answers, items, scale=(1, 6))
    tall, low = plot_likert(summary(long)), plot_likert(summary(short))
    saved(tall, tmp_path / "likert_lang.png")
    assert all(t.get_text().count("\n") == 2 for t in tall.axes[0].get_yticklabels())  # three lines each
    # no label runs into the next row
    boxes = tick_boxes(tall)
    assert all(upper.y0 >= lower.y1 for upper, lower in zip(boxes, boxes[1:]))
    # 8 rows of three lines need more height than 8 rows of one line
    assert tall.get_size_inches()[1] >= low.get_size_inches()[1] + 8 * 0.3


def test_diverging_likert_bars(tmp_path):
    rng = np.random.default_rng(2)
    answers = pd.DataFrame(rng.integers(1, 6, size=(30, 6)), columns=[f"Ik krijg steun bij vraag {i}" for i in range(6)])
    s = likert(answers, list(answers.columns), scale=(1, 5), labels=["--", "-", "+/-", "+", "++"])
    fig = plot_likert(s)
    saved(fig, tmp_path / "likert.png")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Aandeel van de geldige antwoorden"
    # every item's bar spans its whole (100%) share, centred so the middle answer straddles 0
    per_item = {}
    for p in ax.patches:
        per_item.setdefault(round(p.get_y(), 6), []).append(p)
    for bars in per_item.values():
        assert sum(b.get_width() for b in bars) == pytest.approx(1.0)
    grouped = likert(answers.assign(groep=["a", "b"] * 15), list(answers.columns), scale=(1, 5), by="groep")
    with pytest.raises(InputError, match=r"^plot_likert: the summary is per groep; pass group="):
        plot_likert(grouped)
    saved(plot_likert(grouped, group="b"), tmp_path / "likert_b.png")


def test_rating_bars_sorted_by_a_rating_and_labelled_by_theme_name(tmp_path):
    frame = pd.DataFrame(
        [(f"N{u}", b, v) for u, row in enumerate([["past", "past", "past niet"], ["past", "knab", "past deels"],
                                                   ["past niet", "past niet", "past"]]) for b, v in zip("xyz", row)],
        columns=["netwerk", "bouwsteen", "oordeel"],
    )
    s = ratings(frame, "netwerk", "bouwsteen", "oordeel")
    # 'past' per bouwsteen: x 2 of 3, y 1 of 3, z 1 of 3 -> x first, then y and z in their order
    fig = plot_ratings(s, by="code", sort="past")
    saved(fig, tmp_path / "gesorteerd.png")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["x", "y", "z"]
    by_deels = plot_ratings(s, by="code", sort="past deels")  # only z has one
    assert [t.get_text() for t in by_deels.axes[0].get_yticklabels()] == ["z", "x", "y"]
    with pytest.raises(InputError, match=r"^plot_ratings: sort must be one of the ratings \(past, past deels, past niet, "
                                         r"knab, nvt\) or None; got 'goed'$"):
        plot_ratings(s, sort="goed")
    book = Codebook("rk", "R", (Code("t1", "1 Organisatie", "rk", codable=False), Code("t2", "2 Visie", "rk", codable=False),
                                Code("x", "X", "rk", parent="t2"), Code("y", "Y", "rk", parent="t1"),
                                Code("z", "Z", "rk", parent="t1")))
    themed = ratings(frame, "netwerk", "bouwsteen", "oordeel", codebooks=book)
    fig = plot_ratings(themed, sort="past")
    # t2 (x) has 2 of 3 'past', t1 (y, z) 2 of 6: the theme names label the bars
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["2 Visie", "1 Organisatie"]


def test_stacked_rating_bars(tmp_path):
    frame = pd.DataFrame(
        [(f"N{u}", f"b{c}", ["past", "past deels", "past niet", "knab"][(u * c) % 4]) for u in range(6) for c in range(10)],
        columns=["netwerk", "bouwsteen", "oordeel"],
    )
    frame["thema"] = np.where(frame["bouwsteen"].isin(["b0", "b1", "b2"]), "Organisatie", "Samenwerking")
    s = ratings(frame, "netwerk", "bouwsteen", "oordeel", theme="thema")
    fig = plot_ratings(s)
    saved(fig, tmp_path / "oordelen.png")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Organisatie", "Samenwerking"]
    assert ax.get_xlabel() == "Aandeel van de beoordelingen"
    saved(plot_ratings(s, by="code"), tmp_path / "per_bouwsteen.png")
    with pytest.raises(InputError, match=r"^plot_ratings: by must be 'theme' or 'code'; got 'thema'$"):
        plot_ratings(s, by="thema")


def test_timeline_panels_per_session(tmp_path):
    coded = coded_frame(5)
    fig = plot_timeline(timeline(coded))
    saved(fig, tmp_path / "tijdlijn.png")
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["focusgroep 0", "focusgroep 1", "focusgroep 2"]
    assert fig.axes[-1].get_xlabel() == "Beurt"
    rel = plot_timeline(timeline(coded), x="relative", documents=["focusgroep 1"])
    assert len(rel.axes) == 1 and rel.axes[0].get_xlabel() == "Deel van de sessie"


def test_empty_frames_give_a_figure_that_says_so(tmp_path):
    empty = frequencies(coded_frame(3).iloc[:0])
    for fig in (plot_frequencies(empty), plot_matrix(matrix(coded_frame(3).iloc[:0])), plot_timeline(timeline(coded_frame(3).iloc[:0]))):
        assert [t.get_text() for t in fig.axes[0].texts] == ["Geen gegevens"]
        saved(fig, tmp_path / "leeg.png")


def test_labels_are_wrapped_and_cut():
    assert label("Hulp op de klasvloer door de zorgleerkracht", 20) == "Hulp op de klasvloer\ndoor de\nzorgleerkracht"
    long = label("woord " * 40)
    assert long.endswith("…") and len(long.replace("\n", " ")) <= 90
    # a long word keeps a line of its own instead of being split
    assert label("Nascholingsaanbieders", 18, 40) == "Nascholingsaanbieders"
    assert label("Cel leerlingenbegeleiding", 18) == "Cel\nleerlingenbegeleiding"
    assert label("Samenwerking met ouders en leerlingen", limit=20) == "Samenwerking met…"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdeéöij-", min_size=1, max_size=25), min_size=1, max_size=12),
       st.integers(8, 40))
def test_labels_never_split_a_word(words, width):
    text = " ".join(words)
    got = label(text, width, limit=1000)
    assert got.split("\n") and all(line.split() for line in got.split("\n"))
    assert got.replace("\n", " ") == text  # the same words in the same order, none broken


def test_returned_figure_shows_as_png_in_jupyter_without_magic():
    # Jupyter asks an object for _repr_png_; without it a pyplot-free figure shows as text
    import io

    import matplotlib.image as mpimg

    freq = pd.DataFrame({"code": ["x:a", "x:b"], "code_name": ["Visie", "Tijd"], "count": [3, 1]})
    png = plot_frequencies(freq)._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert mpimg.imread(io.BytesIO(png)).shape[0] > 100


# -- the order of the bars -----------------------------------------------------

#: codebook order zorg, visie, tijd; ids sort as tijd, visie, zorg
ORDER_BOOK = Codebook("n", "Netwerk", (Code("zorg", "Zorg", "n"), Code("visie", "Visie", "n"), Code("tijd", "Tijd", "n")))


def order_coded() -> pd.DataFrame:
    """Tijd in 3 segments, Zorg in 2, Visie in 1; leerkrachten 3 of the 6, directie 3."""
    rows = [("s1", "n:tijd", "Tijd", "directie"), ("s2", "n:tijd", "Tijd", "directie"), ("s3", "n:tijd", "Tijd", "leerkracht"),
            ("s4", "n:zorg", "Zorg", "leerkracht"), ("s5", "n:zorg", "Zorg", "leerkracht"), ("s6", "n:visie", "Visie", "directie")]
    return pd.DataFrame(rows, columns=["segment_id", "code", "code_name", "role"]).assign(doc_id="fg1")


def bars(fig: Figure) -> tuple[list[str], list[float]]:
    """The tick labels from top to bottom and the widths of the bars drawn for them."""
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_yticklabels()], [p.get_width() for p in ax.patches]


def test_bars_keep_the_frame_order_without_codebooks():
    # frequencies() without codebooks sorts by code id; the plot does not re-sort it
    assert bars(plot_frequencies(frequencies(order_coded()))) == (["Tijd", "Visie", "Zorg"], [3, 1, 2])
    # nor a frame sorted by hand, even when its ids happen to be sorted too
    hand = pd.DataFrame({"code": ["d:od1", "d:od2", "d:od3"], "code_name": ["OD1", "OD2", "OD3"], "count": [80, 120, 95]})
    assert bars(plot_frequencies(hand)) == (["OD1", "OD2", "OD3"], [80, 120, 95])


def test_bars_follow_the_codebook_when_codebooks_are_given():
    freq = frequencies(order_coded())  # in id order: tijd, visie, zorg
    assert bars(plot_frequencies(freq, codebooks=ORDER_BOOK)) == (["Zorg", "Visie", "Tijd"], [2, 1, 3])
    # a generator of codebooks serves both the order and the colours
    assert bars(plot_frequencies(freq, codebooks=(b for b in [ORDER_BOOK])))[0] == ["Zorg", "Visie", "Tijd"]
    # a code in no codebook comes after the codebook's codes, in frame order
    extra = pd.concat([pd.DataFrame({"code": ["x:los"], "code_name": ["Los"], "count": [5]}), freq], ignore_index=True)
    assert bars(plot_frequencies(extra, codebooks=ORDER_BOOK)) == (["Zorg", "Visie", "Tijd", "Los"], [2, 1, 3, 5])
    # order="frame" keeps the frame's order while the codebook still gives the colours
    assert bars(plot_frequencies(freq, codebooks=ORDER_BOOK, order="frame"))[0] == ["Tijd", "Visie", "Zorg"]


def test_largest_first_ranks_by_value_summed_over_groups():
    coded = order_coded()
    assert bars(plot_frequencies(frequencies(coded), order="largest")) == (["Tijd", "Zorg", "Visie"], [3, 2, 1])
    # per role Tijd 2+1, Zorg 0+2, Visie 1+0: the rank is by the totals, not by one group
    per_role = frequencies(coded, by="role", codebooks=ORDER_BOOK)
    ticks, widths = bars(plot_frequencies(per_role, stacked=True, order="largest"))
    assert ticks == ["Tijd", "Zorg", "Visie"]
    # stacked: directie bars first (Tijd 2, Zorg 0, Visie 1), then leerkracht (1, 2, 0)
    assert widths == [2, 0, 1, 1, 2, 0]
    # ties keep the frame order: Tijd and Zorg both 2 here
    tie = pd.DataFrame({"code": ["n:visie", "n:zorg", "n:tijd"], "code_name": ["Visie", "Zorg", "Tijd"], "count": [1, 2, 2]})
    assert bars(plot_frequencies(tie, order="largest")) == (["Zorg", "Tijd", "Visie"], [2, 2, 1])


def test_largest_share_first_counts_a_missing_share_as_zero():
    freq = pd.DataFrame({"code": ["n:tijd", "n:zorg", "n:visie"], "code_name": ["Tijd", "Zorg", "Visie"],
                         "count": [0, 2, 1], "of": [0, 4, 4], "share": [np.nan, 0.5, 0.25]})
    assert bars(plot_frequencies(freq, value="share", order="largest"))[0] == ["Zorg", "Visie", "Tijd"]


def test_bad_order_is_an_error():
    freq = frequencies(order_coded())
    with pytest.raises(InputError) as info:
        plot_frequencies(freq, order="alfabetisch")
    assert str(info.value) == "plot_frequencies: order must be 'frame', 'codebook' or 'largest'; got 'alfabetisch'"
    with pytest.raises(InputError) as info:
        plot_frequencies(freq, order="codebook")
    assert str(info.value) == "plot_frequencies: order='codebook' needs the codebooks; pass codebooks="
    # an empty frame still checks the order, then shows "Geen gegevens"
    with pytest.raises(InputError):
        plot_frequencies(freq.iloc[:0], order="grootste")
    assert plot_frequencies(freq.iloc[:0], order="largest").axes[0].texts[0].get_text() == "Geen gegevens"
