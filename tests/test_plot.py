"""Tests of the plots: each is saved as PNG and read back with matplotlib."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
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
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["directie", "leerkracht", "zorgcoördinator"]
    assert ax.get_legend().get_title().get_text() == "Rol"
    saved(plot_frequencies(freq), tmp_path / "grouped.png")


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
    fig = plot_network(network(coded))
    saved(fig, tmp_path / "netwerk.png")
    assert len(fig.axes[0].texts) == 7
    saved(plot_network(cooccurrence(coded)), tmp_path / "netwerk2.png")


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


def test_returned_figure_shows_as_png_in_jupyter_without_magic():
    # Jupyter asks an object for _repr_png_; without it a pyplot-free figure shows as text
    import io

    import matplotlib.image as mpimg

    freq = pd.DataFrame({"code": ["x:a", "x:b"], "code_name": ["Visie", "Tijd"], "count": [3, 1]})
    png = plot_frequencies(freq)._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert mpimg.imread(io.BytesIO(png)).shape[0] > 100
