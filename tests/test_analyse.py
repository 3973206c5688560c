"""Tests of the analysis views on a tiny hand-built corpus and on larger random data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import analyse
from qualkit.analyse import (
    EXCERPT_COLUMNS,
    FREQUENCY_COLUMNS,
    Excerpts,
    excerpts,
    frequencies,
    matrix,
    roll_up,
    trim,
)
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError, QualkitWarning
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Segment

# ---------------------------------------------------------------------------
# the tiny corpus: two focus groups at two schools


def make_doc(doc_id: str, turns: list[tuple[str, str]], **attributes) -> Document:
    """A transcript "S: text" per line, with turn segments at exact offsets."""
    text, segs = "", []
    for speaker, said in turns:
        label = len(text)
        text += f"{speaker}: "
        start = len(text)
        text += said
        segs.append(Segment(doc_id, start, len(text), "turn", said, speaker=speaker, label_start=label))
        text += "\n"
    return Document.from_text(doc_id, text, kind="transcript", attributes=attributes, segments=tuple(segs))


FG1 = [
    ("X", "We willen een duidelijke visie op zorg."),
    ("Y", "Er is te weinig tijd en geld."),
    ("X", "Ons beleid volgt de visie."),
    ("Z", "Ik weet het niet."),
]
FG2 = [
    ("A", "Tijd om samen te overleggen ontbreekt."),
    ("B", "Geld is er niet, tijd ook niet."),
    ("A", "Dat klopt."),
]
PEOPLE = [
    Participant("X", "fg1", "p1", "directie"),
    Participant("Y", "fg1", "p2", "zorgcoördinator"),
    Participant("Z", "fg1", "p3", "leerkracht"),
    Participant("A", "fg2", "p4", "leerkracht"),
    Participant("B", "fg2", "p5", "directie"),
]
BOOK = Codebook(
    "t",
    "Toets",
    (
        Code("lei", "Leiderschap", "t", codable=False, colour="#4C72B0"),
        Code("visie", "Visie", "t", parent="lei", colour="#DD8452"),
        Code("beleid", "Beleid", "t", parent="lei"),
        Code("org", "Organisatie", "t", codable=False),
        Code("tijd", "Tijd", "t", parent="org", colour="#55A868"),
        Code("middelen", "Middelen", "t", parent="org"),
        Code("leren", "Leren", "t"),
    ),
)
# (document, turn number from 1, code, coder, matched)
CODINGS = [
    ("fg1", 1, "visie", "auto:rules", "visie"),
    ("fg1", 2, "tijd", "auto:rules", "tijd"),
    ("fg1", 2, "middelen", "auto:rules", "geld"),
    ("fg1", 3, "visie", "auto:rules", "visie"),
    ("fg1", 3, "beleid", "auto:rules", "beleid"),
    ("fg2", 1, "tijd", "auto:rules", "Tijd"),
    ("fg2", 2, "middelen", "auto:rules", "Geld"),
    ("fg2", 2, "tijd", "auto:rules", "tijd"),
    ("fg2", 2, "tijd", "AV", ""),
]


@pytest.fixture
def corpus() -> Corpus:
    return Corpus([make_doc("fg1", FG1, school="A"), make_doc("fg2", FG2, school="B")], PEOPLE)


def build_coded(corpus: Corpus, codings=CODINGS) -> pd.DataFrame:
    """The coded frame qk.code() would give, built by hand from the segments."""
    turns = corpus.segments("turn").set_index("segment_id")
    rows = []
    for doc_id, n, code_id, coder, matched in codings:
        seg = turns.loc[f"{doc_id}:turn:{n}"]
        code = BOOK.get(code_id)
        rows.append(
            {
                **{c: seg[c] for c in ("doc_id", "unit", "position", "start", "end", "speaker", "person", "role", "group")},
                "segment_id": f"{doc_id}:turn:{n}",
                "code": code.qualified,
                "code_name": code.name,
                "code_path": BOOK.path(code.id),
                "namespace": "t",
                "coder": coder,
                "rule": "keyword" if coder == "auto:rules" else "manual",
                "matched": matched,
                "memo": "",
                "text": seg["text"],
                "school": seg["school"],
            }
        )
    return pd.DataFrame(rows, columns=CODED_COLUMNS + ["school"])


@pytest.fixture
def coded(corpus) -> pd.DataFrame:
    return build_coded(corpus)


def empty_coded() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CODED_COLUMNS})


def as_dict(frame: pd.DataFrame, key: list[str], value: str = "count") -> dict:
    return {tuple(k): v for k, v in zip(frame[key].itertuples(index=False), frame[value])}


# ---------------------------------------------------------------------------
# frequencies


def test_frequencies_count_each_segment_once_per_code(coded):
    got = frequencies(coded)
    assert list(got.columns) == FREQUENCY_COLUMNS
    # fg2 turn 2 is coded "tijd" by the rules and by AV: still one segment
    assert dict(zip(got["code"], got["count"])) == {"t:beleid": 1, "t:middelen": 2, "t:tijd": 3, "t:visie": 2}
    assert dict(zip(got["code"], got["code_name"]))["t:tijd"] == "Tijd"


def test_frequencies_count_documents_and_persons(coded):
    docs = frequencies(coded, count="documents")
    assert dict(zip(docs["code"], docs["count"])) == {"t:beleid": 1, "t:middelen": 2, "t:tijd": 2, "t:visie": 1}
    persons = frequencies(coded, count="persons")
    assert dict(zip(persons["code"], persons["count"])) == {"t:beleid": 1, "t:middelen": 2, "t:tijd": 3, "t:visie": 1}


def test_frequencies_by_role(coded):
    got = frequencies(coded, by="role")
    assert list(got.columns) == ["code", "code_name", "role", "count"]
    assert as_dict(got, ["code", "role"]) == {
        ("t:beleid", "directie"): 1,
        ("t:middelen", "directie"): 1,
        ("t:middelen", "zorgcoördinator"): 1,
        ("t:tijd", "directie"): 1,
        ("t:tijd", "leerkracht"): 1,
        ("t:tijd", "zorgcoördinator"): 1,
        ("t:visie", "directie"): 2,
    }


def test_frequencies_share_of_the_turns_of_each_role(coded, corpus):
    got = frequencies(coded, by="role", share=True, units=corpus.segments("turn"))
    assert list(got.columns) == ["code", "code_name", "role", "count", "of", "share"]
    visie = got[(got["code"] == "t:visie")].set_index("role")
    # turns: directie 3 (fg1:1, fg1:3, fg2:2), zorgcoördinator 1, leerkracht 3
    assert visie.loc["directie", ["count", "of"]].tolist() == [2, 3]
    assert visie.loc["directie", "share"] == pytest.approx(2 / 3)
    # a role that never speaks about visie still shows up, with 0 of its turns
    assert visie.loc["leerkracht", ["count", "of", "share"]].tolist() == [0, 3, 0.0]
    # the corpus works as units too and gives the same frame
    pd.testing.assert_frame_equal(got, frequencies(coded, by="role", share=True, units=corpus))


def test_frequencies_in_n_of_the_documents(coded, corpus):
    got = frequencies(coded, count="documents", share=True, units=corpus)
    assert as_dict(got, ["code"], "of") == {("t:beleid",): 2, ("t:middelen",): 2, ("t:tijd",): 2, ("t:visie",): 2}
    assert dict(zip(got["code"], got["share"]))["t:visie"] == 0.5
    by_school = frequencies(coded, by="school", count="documents", share=True, units=corpus)
    assert as_dict(by_school, ["code", "school"], "of")[("t:tijd", "B")] == 1


def test_frequencies_roll_up_counts_a_segment_once_per_parent(coded):
    got = frequencies(coded, level=1, codebooks=BOOK)
    # fg1 turn 3 has visie and beleid: one segment for Leiderschap; fg1:2 and fg2:2 likewise for Organisatie
    assert list(zip(got["code"], got["code_name"], got["count"])) == [
        ("t:lei", "Leiderschap", 2),
        ("t:org", "Organisatie", 3),
        ("t:leren", "Leren", 0),
    ]


def test_frequencies_roll_up_without_codebooks_uses_code_path(coded):
    got = frequencies(coded, level=1)
    assert dict(zip(got["code_name"], got["count"])) == {"Leiderschap": 2, "Organisatie": 3}
    assert set(got["code"]) == {"t:Leiderschap", "t:Organisatie"}


def test_frequencies_with_codebooks_list_uncoded_codes_in_codebook_order(coded):
    got = frequencies(coded, codebooks=[BOOK])
    assert got["code"].tolist() == ["t:visie", "t:beleid", "t:tijd", "t:middelen", "t:leren"]
    assert got["count"].tolist() == [2, 1, 3, 2, 0]


def test_frequencies_persons_warns_about_rows_without_speaker(coded):
    coded.loc[0, ["speaker", "person"]] = np.nan
    with pytest.warns(UserWarning, match=r"frequencies: 1 row\(s\) have neither a person nor a speaker"):
        got = frequencies(coded, count="persons")
    assert dict(zip(got["code"], got["count"]))["t:visie"] == 1


def test_frequencies_person_falls_back_to_document_and_speaker(coded):
    coded["person"] = np.nan
    got = frequencies(coded, count="persons")
    # X speaks twice in fg1 about visie: one person
    assert dict(zip(got["code"], got["count"]))["t:visie"] == 1


def test_frequencies_errors(coded):
    with pytest.raises(InputError) as e:
        frequencies(coded, by="schoool")
    assert str(e.value).startswith("frequencies: the frame has no column 'schoool'; it has doc_id, segment_id")
    with pytest.raises(InputError, match=r"^frequencies: count must be one of segments, documents, persons; got 'turns'$"):
        frequencies(coded, count="turns")
    with pytest.raises(InputError, match=r"^frequencies: share=True needs the units to divide by"):
        frequencies(coded, share=True)
    with pytest.raises(InputError, match=r"^level must be a whole number of 1 or more"):
        frequencies(coded, level=0)
    other = Codebook("z", "Z", (Code("a", "A", "z"),))
    with pytest.raises(InputError, match=r"^code t:visie: not in the codebooks given \(namespaces z\)"):
        frequencies(coded, level=1, codebooks=other)


def test_frequencies_empty_input_keeps_columns():
    assert list(frequencies(empty_coded()).columns) == FREQUENCY_COLUMNS
    got = frequencies(empty_coded(), by="role", count="documents")
    assert got.empty and list(got.columns) == ["code", "code_name", "role", "count"]


def test_frequencies_share_without_by_on_empty_units_is_nan():
    units = pd.DataFrame({"doc_id": pd.Series(dtype=object), "segment_id": pd.Series(dtype=object)})
    got = frequencies(empty_coded(), share=True, units=units, codebooks=BOOK)
    assert got["count"].tolist() == [0, 0, 0, 0, 0]
    assert got["of"].tolist() == [0] * 5 and got["share"].isna().all()


# ---------------------------------------------------------------------------
# matrix


def test_matrix_code_by_role(coded):
    got = matrix(coded, cols="role")
    assert got.index.name == "code" and got.columns.name == "role"
    assert got.to_dict("index") == {
        "t:beleid": {"directie": 1, "leerkracht": 0, "zorgcoördinator": 0},
        "t:middelen": {"directie": 1, "leerkracht": 0, "zorgcoördinator": 1},
        "t:tijd": {"directie": 1, "leerkracht": 1, "zorgcoördinator": 1},
        "t:visie": {"directie": 2, "leerkracht": 0, "zorgcoördinator": 0},
    }


def test_matrix_documents_by_school_with_names_and_roll_up(coded):
    got = matrix(coded, cols="school", values="documents", level=1, codebooks=BOOK, label="name")
    assert got.to_dict("index") == {"Leiderschap": {"A": 1, "B": 0}, "Organisatie": {"A": 1, "B": 1}}


def test_matrix_cell_drills_down_to_excerpts(coded):
    cells = matrix(coded, cols="role")
    for code in cells.index:
        for role in cells.columns:
            quotes = excerpts(coded, code=code, where={"role": role})
            assert len(quotes) == cells.loc[code, role]
    quotes = excerpts(coded, code="t:tijd", where={"role": "leerkracht"})
    assert quotes["quote"].tolist() == ["“Tijd om samen te overleggen ontbreekt.” (leerkracht)"]


def test_matrix_empty_and_errors(coded):
    got = matrix(empty_coded())
    assert got.empty and got.index.name == "code" and got.columns.name == "role"
    with pytest.raises(InputError, match=r"^matrix: label must be 'code' or 'name'; got 'naam'$"):
        matrix(coded, label="naam")


# ---------------------------------------------------------------------------
# excerpts


def test_excerpts_thesis_style_sorted_by_document(coded):
    got = excerpts(coded, code="t:tijd")
    assert isinstance(got, Excerpts) and isinstance(got, pd.DataFrame)
    assert list(got.columns) == EXCERPT_COLUMNS
    assert got["quote"].tolist() == [
        "“Er is te weinig tijd en geld.” (zorgcoördinator)",
        "“Tijd om samen te overleggen ontbreekt.” (leerkracht)",
        "“Geld is er niet, tijd ook niet.” (directie)",
    ]
    # the span coded by the rules and by AV is one excerpt that names both coders
    assert got["coder"].tolist() == ["auto:rules", "auto:rules", "auto:rules, AV"]


def test_excerpts_sorted_by_role_and_by_length(coded):
    by_role = excerpts(coded, code="t:tijd", sort="role")
    assert by_role["role"].tolist() == ["directie", "leerkracht", "zorgcoördinator"]
    by_length = excerpts(coded, code="t:tijd", sort="length")
    assert by_length["excerpt"].str.len().tolist() == [38, 31, 29]


def test_excerpts_by_code_name_and_plain_style(coded):
    got = excerpts(coded, code="Visie", style="plain")
    assert got["quote"].tolist() == ["We willen een duidelijke visie op zorg.", "Ons beleid volgt de visie."]


def test_excerpts_fall_back_to_speaker_when_role_is_unknown(coded):
    coded.loc[coded["role"] == "directie", "role"] = np.nan
    got = excerpts(coded, code="t:beleid")
    assert got["quote"].tolist() == ["“Ons beleid volgt de visie.” (X)"]


def test_excerpts_trim_long_turns_around_the_matched_word(coded):
    long = "Eerst " + "praten we lang over van alles " * 10 + "en dan over de visie van de school " + "en nog veel meer " * 10
    coded.loc[0, "text"] = long
    got = excerpts(coded, code="t:visie", max_chars=40)
    first = got["excerpt"].iloc[0]
    # 40 characters centred on "visie", then cut inwards to whole words
    assert first == "[…] en dan over de visie van de school en […]"
    assert len(first.replace("[…]", "")) <= 40 + 2


def test_trim_keeps_words_whole():
    text = "één twee drie vier vijf zes zeven acht"
    assert trim(text, 14, (14, 18)) == "[…] drie vier vijf […]"
    assert trim(text, 10, (0, 3)) == "één twee […]"
    assert trim(text, 10, (34, 38)) == "[…] zeven acht"
    assert trim(text, None) == text
    assert trim("a\n  b", 100) == "a b"


def test_excerpts_render_markdown_and_escaped_html(coded):
    coded.loc[coded["code"] == "t:beleid", "text"] = '<script>alert("x")</script> *vet*'
    got = excerpts(coded, code=["t:beleid", "t:visie"], by="school")
    md = got.to_markdown()
    assert md.splitlines()[0] == "### A"
    assert "- “\\<script\\>alert(\"x\")\\</script\\> \\*vet\\*” (directie) — fg1" in md
    page = got._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<blockquote") == 3 and "<h4>A (3)</h4>" in page


def test_excerpts_markdown_groups_by_code_when_several(coded):
    md = excerpts(coded, code=["t:beleid", "t:middelen"]).to_markdown()
    assert md.splitlines() == [
        "### Beleid",
        "",
        "- “Ons beleid volgt de visie.” (directie) — fg1",
        "",
        "### Middelen",
        "",
        "- “Er is te weinig tijd en geld.” (zorgcoördinator) — fg1",
        "- “Geld is er niet, tijd ook niet.” (directie) — fg2",
    ]


def test_excerpts_roll_up_drill_down(coded):
    got = excerpts(coded, code="t:org", level=1, codebooks=BOOK, where={"school": "B"})
    assert got["excerpt"].tolist() == ["Tijd om samen te overleggen ontbreekt.", "Geld is er niet, tijd ook niet."]



def test_excerpts_warn_when_a_code_is_in_no_row(coded):
    # a typo gave an empty, silent result before; now the researcher is told which codes the frame has
    have = ", ".join(sorted(set(coded["code"])))
    with pytest.warns(QualkitWarning) as caught:
        got = excerpts(coded, code=["t:tijd", "t:tijdd"])
    assert [str(w.message) for w in caught] == [
        f"excerpts: no coding of 't:tijdd' in the frame; it has {have}; check the spelling "
        "(namespace:code_id or the display name) if you expected fragments"
    ]
    assert set(got["code"]) == {"t:tijd"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not excerpts(coded, code="t:tijd").empty
        assert not excerpts(coded, code="Visie").empty
        assert excerpts(empty_coded(), code="t:tijd").empty  # nothing coded yet: nothing to warn about

def test_excerpts_empty_and_errors(coded):
    with pytest.warns(QualkitWarning, match="no coding of 't:bestaat_niet'"):
        got = excerpts(coded, code="t:bestaat_niet")
    assert got.empty and list(got.columns) == EXCERPT_COLUMNS
    assert got.to_markdown() == "*Geen fragmenten.*"
    assert "Geen fragmenten" in got._repr_html_()
    assert list(excerpts(empty_coded(), by="school" if False else None).columns) == EXCERPT_COLUMNS
    with pytest.raises(InputError, match=r"^excerpts: sort must be one of document, role, length; got 'tijd'$"):
        excerpts(coded, sort="tijd")
    with pytest.raises(InputError, match=r"^excerpts: style must be 'thesis' or 'plain'; got 'apa'$"):
        excerpts(coded, style="apa")
    with pytest.raises(InputError, match=r"^excerpts: where: the frame has no column 'rol'"):
        excerpts(coded, where={"rol": "directie"})


# ---------------------------------------------------------------------------
# against plain pandas on larger data


def random_coded(seed: int, n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    docs = rng.integers(0, 12, n)
    turn = rng.integers(0, 40, n)
    roles = np.array(["directie", "leerkracht", "ouder", "zorgcoördinator"])
    frame = pd.DataFrame(
        {
            "doc_id": [f"fg{d:02d}" for d in docs],
            "segment_id": [f"fg{d:02d}:turn:{t + 1}" for d, t in zip(docs, turn)],
            "position": turn,
            "code": [f"n:c{c}" for c in rng.integers(0, 15, n)],
            "coder": rng.choice(["auto:rules", "AV", "KD"], n),
        }
    )
    # a turn has one speaker: derive role and person from the segment
    frame["role"] = roles[(docs * 7 + turn) % 4]
    frame["person"] = [f"{d}-{t % 5}" for d, t in zip(frame["doc_id"], turn)]
    frame["code_name"] = frame["code"].str.upper()
    return frame


@pytest.mark.parametrize("seed", [1, 2])
def test_frequencies_equal_a_groupby_count(seed):
    frame = random_coded(seed)
    want = frame.groupby(["code", "role"])["segment_id"].nunique()
    got = frequencies(frame, by="role").set_index(["code", "role"])["count"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    want_docs = frame.groupby("code")["doc_id"].nunique()
    got_docs = frequencies(frame, count="documents").set_index("code")["count"]
    pd.testing.assert_series_equal(got_docs.sort_index(), want_docs.sort_index(), check_names=False)
    cross = pd.crosstab(frame["code"], frame["role"], values=frame["segment_id"], aggfunc="nunique").fillna(0)
    pd.testing.assert_frame_equal(matrix(frame), cross.astype("int64"), check_names=False)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 6), st.sampled_from(["n:a", "n:b", "n:c"]), st.sampled_from(["R", "S"])),
        max_size=40,
    )
)
def test_matrix_rows_sum_to_the_frequencies(rows):
    frame = pd.DataFrame(rows, columns=["d", "t", "code", "coder"])
    frame["doc_id"] = "d" + frame["d"].astype(str)
    frame["segment_id"] = frame["doc_id"] + ":turn:" + frame["t"].astype(str)
    frame["role"] = np.where(frame["t"] % 2 == 0, "directie", "ouder")
    frame["code_name"] = frame["code"]
    freq = frequencies(frame)
    table = matrix(frame)
    assert dict(table.sum(axis=1)) == dict(zip(freq["code"], freq["count"]))
    # every cell is the number of excerpts behind it
    for code in table.index:
        for role in table.columns:
            assert len(excerpts(frame, code=code, where={"role": role})) == table.loc[code, role]


def test_roll_up_leaves_top_codes_alone(coded):
    got = roll_up(coded, 2, BOOK)
    pd.testing.assert_series_equal(got["code"], coded["code"])
    assert analyse._codebook_codes(BOOK, 1) == {"t:lei": "Leiderschap", "t:org": "Organisatie", "t:leren": "Leren"}


# ---------------------------------------------------------------------------
# co-occurrence

from qualkit.analyse import (  # noqa: E402
    CHECK_COLUMNS,
    KWIC_COLUMNS,
    PARTICIPATION_COLUMNS,
    RATING_COLUMNS,
    ROLE_PARTICIPATION_COLUMNS,
    TALLY_COLUMNS,
    THEME_RATING_COLUMNS,
    TIMELINE_COLUMNS,
    check_mean,
    check_means,
    check_tally,
    code_colours,
    cooccurrence,
    kwic,
    likert,
    network,
    participation,
    ratings,
    tally,
    timeline,
)


def off_diagonal(table: pd.DataFrame) -> dict:
    return {
        (a, b): int(table.loc[a, b]) for i, a in enumerate(table.index) for b in table.columns[i + 1 :] if table.loc[a, b]
    }


def test_cooccurrence_same_segment(coded):
    got = cooccurrence(coded, codebooks=BOOK)
    assert list(got.index) == ["t:visie", "t:beleid", "t:tijd", "t:middelen"] == list(got.columns)
    assert [got.loc[q, q] for q in got.index] == [2, 1, 3, 2]
    assert off_diagonal(got) == {("t:visie", "t:beleid"): 1, ("t:tijd", "t:middelen"): 2}


def test_cooccurrence_c_coefficient(coded):
    got = cooccurrence(coded, measure="c")
    assert got.loc["t:middelen", "t:tijd"] == pytest.approx(2 / (3 + 2 - 2))
    assert got.loc["t:beleid", "t:visie"] == pytest.approx(1 / (1 + 2 - 1))
    assert got.loc["t:tijd", "t:visie"] == 0.0 and got.loc["t:tijd", "t:tijd"] == 1.0
    pd.testing.assert_frame_equal(got, cooccurrence(coded, measure="jaccard"))


def test_cooccurrence_within_two_consecutive_turns(coded):
    got = cooccurrence(coded, within=2)
    assert off_diagonal(got.loc[sorted(got.index), sorted(got.columns)]) == {
        ("t:beleid", "t:middelen"): 1,
        ("t:beleid", "t:tijd"): 1,
        ("t:beleid", "t:visie"): 1,
        ("t:middelen", "t:tijd"): 3,
        ("t:middelen", "t:visie"): 2,
        ("t:tijd", "t:visie"): 2,
    }
    pd.testing.assert_frame_equal(got, cooccurrence(coded, within="turns:2"))
    pd.testing.assert_frame_equal(cooccurrence(coded, within=1), cooccurrence(coded))


def test_cooccurrence_within_documents(coded):
    got = cooccurrence(coded, within="document")
    assert got.loc["t:tijd", "t:tijd"] == 2 and got.loc["t:middelen", "t:tijd"] == 2
    assert got.loc["t:visie", "t:tijd"] == 1


def test_cooccurrence_of_overlapping_spans():
    spans = [("a", 0, 10, "x:a"), ("a", 5, 15, "x:b"), ("a", 20, 30, "x:c"), ("a", 25, 28, "x:a"), ("b", 0, 30, "x:b")]
    frame = pd.DataFrame(spans, columns=["doc_id", "start", "end", "code"])
    frame["code_name"] = frame["code"]
    frame["segment_id"] = np.nan
    got = cooccurrence(frame, within="overlap")
    assert got.to_dict("index") == {
        "x:a": {"x:a": 2, "x:b": 1, "x:c": 1},
        "x:b": {"x:a": 1, "x:b": 2, "x:c": 0},
        "x:c": {"x:a": 1, "x:b": 0, "x:c": 1},
    }


def test_cooccurrence_errors_and_empty(coded):
    with pytest.raises(InputError, match=r"^cooccurrence: within must be 'segment', 'overlap', 'document'.*got 'zin'$"):
        cooccurrence(coded, within="zin")
    with pytest.raises(InputError, match=r"got 0$"):
        cooccurrence(coded, within=0)
    with pytest.raises(InputError, match=r"^cooccurrence: measure must be one of count, c, jaccard; got 'phi'$"):
        cooccurrence(coded, measure="phi")
    coded.loc[0, "position"] = np.nan
    with pytest.raises(InputError, match=r"^cooccurrence: within a number of turns needs the position .* 1 row\(s\)"):
        cooccurrence(coded, within=3)
    got = cooccurrence(empty_coded())
    assert got.empty and got.index.name == "code"


@pytest.mark.parametrize("within", ["segment", 3, "document"])
def test_cooccurrence_symmetric_with_code_counts_on_the_diagonal(within):
    frame = random_coded(3)
    got = cooccurrence(frame, within=within)
    np.testing.assert_array_equal(got.to_numpy(), got.to_numpy().T)
    count = "documents" if within == "document" else "segments"
    freq = frequencies(frame, count=count).set_index("code")["count"]
    assert {q: got.loc[q, q] for q in got.index} == freq.to_dict()
    if within == "segment":
        # n12 equals a plain count of segments that carry both codes
        sets = frame.groupby("segment_id")["code"].agg(set)
        for a, b in [("n:c1", "n:c2"), ("n:c3", "n:c14")]:
            assert got.loc[a, b] == sum(1 for s in sets if a in s and b in s)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 8), st.sampled_from("abcd")), max_size=30), st.integers(1, 4))
def test_cooccurrence_window_counts_pairs(rows, n):
    frame = pd.DataFrame(rows, columns=["d", "position", "code"]).drop_duplicates()
    frame["doc_id"] = frame["d"].astype(str)
    frame["segment_id"] = frame["doc_id"] + ":" + frame["position"].astype(str)
    frame["code_name"] = frame["code"]
    got = cooccurrence(frame, within=n)
    np.testing.assert_array_equal(got.to_numpy(), got.to_numpy().T)
    recs = list(frame[["doc_id", "position", "code"]].itertuples(index=False))
    for a in got.index:
        for b in got.columns:
            if a != b:
                want = sum(1 for x in recs for y in recs if x[2] == a and y[2] == b and x[0] == y[0] and abs(x[1] - y[1]) < n)
                assert got.loc[a, b] == want


# ---------------------------------------------------------------------------
# kwic


def test_kwic_lemma_aware_with_speaker_and_role(corpus):
    got = kwic(corpus, "tijd", window=2)
    assert list(got.columns) == KWIC_COLUMNS
    assert got[["doc_id", "speaker", "role", "left", "match", "right"]].values.tolist() == [
        ["fg1", "Y", "zorgcoördinator", "te weinig ", "tijd", " en geld."],
        ["fg2", "A", "leerkracht", "", "Tijd", " om samen"],
        ["fg2", "B", "directie", "er niet, ", "tijd", " ook niet."],
    ]
    for doc_id, s, e, m in got[["doc_id", "start", "end", "match"]].itertuples(index=False):
        assert corpus[doc_id].text[s:e] == m


def test_kwic_never_hits_a_speaker_label_and_finds_inflections():
    doc = make_doc("int", [("Leerkracht 5", "De leerkrachten voeren gesprekken."), ("Leerkracht 6", "Een gesprek\nhelpt.")])
    c = Corpus([doc])
    got = kwic(c, "leerkracht")
    assert got["match"].tolist() == ["leerkrachten"]
    talk = kwic(c, "gesprek", window=1, unit="words")
    assert talk[["left", "match", "right"]].values.tolist() == [["voeren ", "gesprekken", "."], ["Een ", "gesprek", " helpt."]]
    chars = kwic(c, "gesprek", window=4, unit="chars")
    assert chars[["left", "right"]].values.tolist() == [["ren ", "."], ["Een ", " hel"]]


def test_kwic_compounds_and_a_document_without_segments():
    c = Corpus([Document.from_text("d", "De zorgcoördinator en de coordinator.")])
    assert kwic(c, "coördinator")["match"].tolist() == ["coordinator"]
    assert kwic(c, "coordinator", compounds=True)["match"].tolist() == ["zorgcoördinator", "coordinator"]


def test_kwic_empty_and_errors(corpus):
    got = kwic(corpus, "fiets")
    assert got.empty and list(got.columns) == KWIC_COLUMNS
    with pytest.raises(InputError, match=r"^kwic: unit must be 'words' or 'chars'; got 'zinnen'$"):
        kwic(corpus, "tijd", unit="zinnen")
    with pytest.raises(InputError, match=r"^kwic: window must be a whole number of 0 or more; got -1$"):
        kwic(corpus, "tijd", window=-1)


VOCAB = ["visie", "zorg", "leerkrachten", "gesprek", "gesprekken", "tijd", "CLB-medewerker", "de", "een", "Zorgcoördinator"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCAB + [",", ".", "\n"]), max_size=15), min_size=1, max_size=4))
def test_kwic_match_is_always_the_text_slice(turns):
    doc = make_doc("h", [("X", " ".join(t)) for t in turns])
    got = kwic(Corpus([doc]), "gesprek", window=3)
    for s, e, m, left, right in got[["start", "end", "match", "left", "right"]].itertuples(index=False):
        assert doc.text[s:e] == m
        assert "X:" not in left + right
    assert len(got) == sum(t.count("gesprek") + t.count("gesprekken") for t in turns)


# ---------------------------------------------------------------------------
# participation and timeline


def test_participation_per_speaker(corpus):
    got = participation(corpus)
    assert list(got.columns) == PARTICIPATION_COLUMNS
    assert got[["doc_id", "speaker", "role", "turns", "words"]].values.tolist() == [
        ["fg1", "X", "directie", 2, 12],
        ["fg1", "Y", "zorgcoördinator", 1, 7],
        ["fg1", "Z", "leerkracht", 1, 4],
        ["fg2", "A", "leerkracht", 2, 8],
        ["fg2", "B", "directie", 1, 7],
    ]
    assert got.loc[0, "turn_share"] == 0.5 and got.loc[0, "word_share"] == pytest.approx(12 / 23)
    assert got.groupby("doc_id")["word_share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_participation_per_role(corpus):
    got = participation(corpus, by="role")
    assert list(got.columns) == ROLE_PARTICIPATION_COLUMNS
    assert got[["doc_id", "role", "speakers", "turns", "words"]].values.tolist() == [
        ["fg1", "directie", 1, 2, 12],
        ["fg1", "zorgcoördinator", 1, 1, 7],
        ["fg1", "leerkracht", 1, 1, 4],
        ["fg2", "leerkracht", 1, 2, 8],
        ["fg2", "directie", 1, 1, 7],
    ]


def test_participation_can_leave_roles_out_of_the_shares(corpus):
    got = participation(corpus, exclude_roles=("directie",))
    # the rows of the excluded role stay, with their counts, but without a share
    assert got[["doc_id", "speaker", "role", "turns", "words"]].values.tolist() == [
        ["fg1", "X", "directie", 2, 12],
        ["fg1", "Y", "zorgcoördinator", 1, 7],
        ["fg1", "Z", "leerkracht", 1, 4],
        ["fg2", "A", "leerkracht", 2, 8],
        ["fg2", "B", "directie", 1, 7],
    ]
    shares = got.set_index("speaker")
    assert shares.loc[["X", "B"], ["turn_share", "word_share"]].isna().all().all()
    # fg1 without the director: 2 turns and 7 + 4 = 11 words of Y and Z
    assert shares.loc["Y", "word_share"] == pytest.approx(7 / 11) and shares.loc["Y", "turn_share"] == 0.5
    assert shares.loc["Z", "word_share"] == pytest.approx(4 / 11)
    assert shares.loc["A", "word_share"] == 1.0 and shares.loc["A", "turn_share"] == 1.0
    per_role = participation(corpus, by="role", exclude_roles=["leerkracht", "zorgcoördinator"]).set_index(["doc_id", "role"])
    assert per_role.loc[("fg1", "directie"), "word_share"] == 1.0 and per_role.loc[("fg2", "directie"), "turn_share"] == 1.0
    assert per_role.loc[("fg2", "leerkracht"), ["turn_share", "word_share"]].isna().all()


@settings(max_examples=50, deadline=None)
@given(st.sets(st.sampled_from(["directie", "zorgcoördinator", "leerkracht", "moderator"])))
def test_participation_shares_of_the_counted_roles_add_up_to_one(excluded):
    corpus = Corpus([make_doc("fg1", FG1), make_doc("fg2", FG2)], PEOPLE)
    got = participation(corpus, exclude_roles=excluded)
    counted = got[~got["role"].isin(excluded)]
    assert got[got["role"].isin(excluded)][["turn_share", "word_share"]].isna().all().all()
    for doc_id, part in counted.groupby("doc_id"):
        assert part["word_share"].sum() == pytest.approx(1.0) and part["turn_share"].sum() == pytest.approx(1.0)
    assert got["words"].sum() == 12 + 7 + 4 + 8 + 7  # nobody's words are dropped


def test_participation_empty_and_errors():
    got = participation(Corpus([Document.from_text("d", "geen beurten")]))
    assert got.empty and list(got.columns) == PARTICIPATION_COLUMNS
    with pytest.raises(InputError, match=r"^participation: by must be 'speaker' or 'role'; got 'group'$"):
        participation(Corpus(), by="group")
    with pytest.raises(InputError, match=r"^participation: exclude_roles must be a list of roles, e.g. \('moderator',\); "
                                         r"got the string 'moderator'$"):
        participation(Corpus(), exclude_roles="moderator")


def test_timeline_positions_relative_to_the_session(coded, corpus):
    got = timeline(coded, corpus)
    assert list(got.columns) == TIMELINE_COLUMNS
    # nine codings, AV's second coding of fg2 turn 2 merged: eight rows
    assert len(got) == 8
    fg2 = got[got["doc_id"] == "fg2"]
    assert fg2[["code", "position"]].values.tolist() == [["t:tijd", 0], ["t:middelen", 1], ["t:tijd", 1]]
    assert fg2["relative"].tolist() == pytest.approx([0, 1 / 3, 1 / 3])
    # without the corpus the session length is the last coded turn
    assert timeline(coded)[lambda f: f["doc_id"] == "fg1"]["relative"].max() == pytest.approx(2 / 3)


def test_timeline_takes_recording_times_from_the_corpus():
    text = "A: Eerst de tijd.\nB: Dan de visie."
    segs = (
        Segment("v", 3, 17, "turn", "Eerst de tijd.", speaker="A", time_start=0.0, time_end=4.5),
        Segment("v", 21, 34, "turn", "Dan de visie.", speaker="B", time_start=4.5, time_end=9.0),
    )
    c = Corpus([Document.from_text("v", text, kind="transcript", segments=segs)])
    coded = pd.DataFrame({"doc_id": ["v"], "segment_id": ["v:turn:2"], "position": [1], "code": ["t:visie"],
                          "code_name": ["Visie"]})
    got = timeline(coded, c)
    assert got[["time_start", "time_end", "relative"]].values.tolist() == [[4.5, 9.0, 0.5]]
    assert list(timeline(empty_coded()).columns) == TIMELINE_COLUMNS


# ---------------------------------------------------------------------------
# tally and checks


SWOT = pd.DataFrame(
    {
        "kwadrant": ["Sterkte"] * 5 + ["Zwakte"] * 3,
        "categorie": ["Hulp op de klasvloer", "Overleg", "Hulp op de klasvloer", "Hulp op de klasvloer", None,
                      "Tijd", "Tijd", "Planning"],
        "gesprek": [1, 2, 3, 3, 4, 1, 2, 2],
    }
)


def test_tally_per_quadrant():
    got = tally(SWOT, column="categorie", by="kwadrant")
    assert list(got.columns) == ["kwadrant"] + TALLY_COLUMNS
    assert got["text"].tolist() == ["Hulp op de klasvloer (3x)", "(leeg) (1x)", "Overleg (1x)", "Tijd (2x)", "Planning (1x)"]
    # counted per conversation, teacher 3's double mention counts once
    per_talk = tally(SWOT, column="categorie", count="gesprek", min_count=2)
    assert per_talk["text"].tolist() == ["Hulp op de klasvloer (2x)", "Tijd (2x)"]


def test_tally_counts_segments_of_a_coded_frame(coded):
    got = tally(coded)
    assert got["text"].tolist() == ["Tijd (3x)", "Middelen (2x)", "Visie (2x)", "Beleid (1x)"]
    assert tally(coded, count="doc_id")["count"].tolist() == [2, 2, 1, 1]


def test_tally_flags_a_reported_total_that_does_not_add_up():
    with pytest.warns(UserWarning, match=r"tally: 1 check\(s\) failed: Zwakte: de delen tellen op tot 3, het gerapporteerde totaal is 4"):
        got = tally(SWOT, column="categorie", by="kwadrant", total={"Sterkte": 5, "Zwakte": 4})
    assert got.attrs["checks"]["ok"].tolist() == [True, False]
    assert list(got.attrs["checks"].columns) == CHECK_COLUMNS
    with pytest.raises(InputError, match=r"^tally: a total per group needs by="):
        tally(SWOT, column="categorie", total={"Sterkte": 5})


def test_tally_empty():
    got = tally(SWOT.iloc[:0], column="categorie", by="kwadrant")
    assert got.empty and list(got.columns) == ["kwadrant"] + TALLY_COLUMNS


def test_check_mean_grim_and_scale():
    ok = check_mean(3.48, 25, subject="item 1")
    assert list(ok.columns) == CHECK_COLUMNS and ok["ok"].tolist() == [True, True]
    bad = check_mean(3.47, 25)
    assert bad["ok"].tolist() == [True, False]
    assert bad.loc[1, "reason"] == (
        "25 gehele antwoorden geven een gemiddelde dat een veelvoud is van 1/25; 3,47 is dat niet (dichtstbij mogelijk: 3,44 of 3,48)"
    )
    # 122 / 29 = 4.2069 rounds to 4.21; nothing over 29 rounds to 4.22
    assert check_mean(4.21, 29)["ok"].all() and not check_mean(4.22, 29).loc[1, "ok"]
    # 17 / 8 = 2.125: either rounding convention is accepted
    assert check_mean(2.12, 8)["ok"].all() and check_mean(2.13, 8)["ok"].all()
    assert not check_mean(2.14, 8).loc[1, "ok"]
    # with n >= 100 and two decimals every mean is possible
    assert check_mean(3.47, 150)["ok"].all()
    out = check_mean(6.2, 25, scale=(1, 6))
    assert out["ok"].tolist() == [False, True]
    assert out.loc[0, "reason"] == "het gemiddelde 6,20 ligt buiten de schaal 1–6"
    # a mean over 3 items per respondent has a finer grain
    assert check_mean(3.47, 25, items=3).loc[1, "ok"]
    with pytest.raises(InputError, match=r"^check_mean of vraag 3: n must be a whole number of 1 or more; got 0$"):
        check_mean(3.0, 0, subject="vraag 3")


def test_check_means_on_a_reported_table():
    table = pd.DataFrame({"item": ["a", "b", "c"], "mean": [3.48, 3.47, 0.52], "n": [25, 25, 25]})
    flags = check_means(table).query("not ok")
    assert flags[["subject", "check"]].values.tolist() == [["b", "grim"], ["c", "scale"]]
    assert check_means(table.iloc[:0]).empty


def test_check_tally():
    assert check_tally({"past": 856, "past deels": 245, "past niet": 71, "knab": 28}, 1200)["ok"].tolist() == [True]
    bad = check_tally({"past": 856, "past deels": 245, "past niet": 71, "knab": 27}, 1200, "totaal")
    assert bad.loc[0, "reason"] == "de delen tellen op tot 1199, het gerapporteerde totaal is 1200 (1 minder)"
    neg = check_tally({"a": 5, "b": -1}, 4)
    assert neg[["check", "ok"]].values.tolist() == [["tally", True], ["negative", False]]
    assert neg.loc[1, "reason"] == "het aantal voor b is negatief (-1)"


# ---------------------------------------------------------------------------
# likert


ANSWERS = pd.DataFrame(
    {
        "groep": ["kleuter", "kleuter", "lager", "lager", "lager"],
        "overleg": [6, 5, 4, "n.v.t.", 5],
        "tijd": ["2", "1", None, "NVT", "3"],
        "planning": [4, 4, 4, 4, 4],
        "houding": ["altijd", "vaak", "soms", "nooit", "altijd"],
    }
)


def test_likert_counts_means_bands_and_ranking():
    s = likert(ANSWERS, ["overleg", "tijd", "planning"], bands={"negatief": (1, 3), "positief": (4, 6)}, top=2)
    assert s.items[["item", "n", "na", "missing", "mean", "rank", "negatief", "positief"]].values.tolist() == [
        ["overleg", 4, 1, 0, 5.0, 1, 0.0, 1.0],
        ["tijd", 3, 1, 1, 2.0, 3, 1.0, 0.0],
        ["planning", 5, 0, 0, 4.0, 2, 0.0, 1.0],
    ]
    # sample sd of 6, 5, 4, 5
    assert s.items.loc[0, "sd"] == pytest.approx(np.std([6, 5, 4, 5], ddof=1))
    assert s.top["item"].tolist() == ["overleg", "planning"]
    assert s.bottom["item"].tolist() == ["tijd", "planning"]
    overleg = s.counts[s.counts["item"] == "overleg"]
    assert overleg["count"].tolist() == [0, 0, 0, 1, 2, 1]
    assert overleg["share"].tolist() == [0, 0, 0, 0.25, 0.5, 0.25]
    assert s.checks.empty


def test_likert_with_labels_and_groups():
    labels = ["nooit", "soms", "vaak", "altijd"]
    s = likert(ANSWERS, ["houding"], scale=(1, 4), labels=labels, by="groep")
    assert s.items[["groep", "n", "mean"]].values.tolist() == [["kleuter", 2, 3.5], ["lager", 3, 7 / 3]]
    assert s.counts[s.counts["groep"] == "lager"][["label", "count"]].values.tolist() == [
        ["nooit", 1], ["soms", 1], ["vaak", 0], ["altijd", 1]
    ]
    assert s.top.groupby("groep").size().tolist() == [1, 1]


def test_likert_means_equal_plain_pandas():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.integers(1, 7, size=(200, 12)), columns=[f"v{i}" for i in range(12)]).astype(object)
    frame.iloc[::7, 3] = "n.v.t."
    s = likert(frame, list(frame.columns), top=5)
    numeric = frame.replace("n.v.t.", np.nan).astype(float)
    assert s.items["mean"].tolist() == pytest.approx(numeric.mean().tolist())
    assert s.items["n"].tolist() == numeric.count().tolist()
    assert s.top["item"].tolist() == numeric.mean().sort_values(ascending=False, kind="stable").index[:5].tolist()


def test_likert_checks_reported_means():
    with pytest.warns(UserWarning, match=r"likert: 2 check\(s\) failed"):
        s = likert(ANSWERS, ["overleg", "planning"], reported={"overleg": 4.9, "planning": 4.0})
    flags = s.checks[~s.checks["ok"]]
    assert flags[["subject", "check"]].values.tolist() == [["overleg", "grim"], ["overleg", "data"]]
    assert flags.iloc[1]["reason"] == "de data geven een gemiddelde van 5,00 over n = 4, niet het gerapporteerde 4,90"


def test_likert_errors_and_empty():
    with pytest.raises(InputError) as e:
        likert(ANSWERS, ["houding"])
    assert str(e.value) == (
        "likert: item 'houding', row 0: answer 'altijd' is not on the scale (1, 2, 3, 4, 5, 6); "
        "add it to na_values= if it means 'not applicable', or fix scale=/labels="
    )
    with pytest.raises(InputError, match=r"^likert: 3 labels for a scale of 6 points \(1–6\)"):
        likert(ANSWERS, ["overleg"], labels=["a", "b", "c"])
    s = likert(ANSWERS.iloc[:0], ["overleg"])
    assert s.items[["n", "na", "missing"]].values.tolist() == [[0, 0, 0]] and s.top.empty


# ---------------------------------------------------------------------------
# ratings


THEMES = Codebook(
    "rk",
    "Referentiekader",
    tuple(
        [Code("org", "Organisatie", "rk", codable=False), Code("vis", "Visie", "rk", codable=False)]
        + [Code(f"b{i}", f"Bouwsteen {i}", "rk", parent="org" if i <= 2 else "vis") for i in range(1, 5)]
    ),
)


def test_ratings_counts_and_shares_per_code_and_theme():
    frame = pd.DataFrame(
        {
            "netwerk": ["N1"] * 4 + ["N2"] * 4,
            "bouwsteen": ["b1", "b2", "b3", "b4"] * 2,
            "oordeel": ["past", "past deels", "knab", "past", "past niet", "past", "nvt", " Past "],
        }
    )
    s = ratings(frame, unit="netwerk", code="bouwsteen", value="oordeel", codebooks=THEMES)
    assert list(s.per_code.columns) == RATING_COLUMNS
    assert s.overall[["value", "count"]].values.tolist() == [
        ["past", 4], ["past deels", 1], ["past niet", 1], ["knab", 1], ["nvt", 1]
    ]
    assert s.overall.loc[0, "share"] == 0.5 and s.overall.loc[0, "valid_share"] == pytest.approx(4 / 6)
    assert s.overall["valid_share"].iloc[3:].isna().all()
    assert list(s.per_theme.columns) == THEME_RATING_COLUMNS
    org = s.per_theme[s.per_theme["theme"] == "Organisatie"]
    assert org["count"].tolist() == [2, 1, 1, 0, 0]
    # the theme id from the codebook, so results join published tables by id
    assert set(org["theme_id"]) == {"org"}
    assert s.per_theme.drop_duplicates("theme_id")[["theme_id", "theme"]].values.tolist() == [
        ["org", "Organisatie"], ["vis", "Visie"]
    ]
    b3 = s.per_code[s.per_code["code"] == "b3"]
    assert b3["count"].tolist() == [0, 0, 0, 1, 1] and b3["valid_share"].isna().all()
    assert s.checks["ok"].all()


def test_ratings_the_inspectorate_totals():
    values = ["past"] * 856 + ["past deels"] * 245 + ["past niet"] * 71 + ["knab"] * 28
    rng = np.random.default_rng(0)
    rng.shuffle(values)
    frame = pd.DataFrame(
        [(f"N{u:02d}", f"b{c}", values[u * 50 + c]) for u in range(24) for c in range(50)],
        columns=["netwerk", "bouwsteen", "oordeel"],
    )
    frame["thema"] = "T" + (frame["bouwsteen"].str[1:].astype(int) % 7).astype(str)
    s = ratings(frame, "netwerk", "bouwsteen", "oordeel", theme="thema", total=1200,
                reported={"past": 856, "past deels": 245, "past niet": 71, "knab": 28})
    assert s.overall["count"].tolist() == [856, 245, 71, 28, 0]
    assert s.checks["ok"].all() and len(s.checks) == 6
    want = frame.groupby(["thema", "oordeel"]).size()
    got = s.per_theme.set_index(["theme", "value"])["count"]
    assert all(got[k] == v for k, v in want.items())
    assert s.per_theme.groupby("theme")["share"].sum().tolist() == pytest.approx([1.0] * 7)
    # a theme column is its own id and name
    assert (s.per_theme["theme_id"] == s.per_theme["theme"]).all()


def test_ratings_flag_missing_pairs_and_reported_totals():
    frame = pd.DataFrame({"n": ["A", "A", "B"], "b": ["1", "2", "1"], "o": ["past", "past", "past niet"]})
    with pytest.warns(UserWarning, match=r"ratings: 2 check\(s\) failed: 2 n x 2 b: de delen tellen op tot 3, "
                                         r"het gerapporteerde totaal is 4 \(1 minder\); past: de delen tellen op tot 2"):
        s = ratings(frame, "n", "b", "o", reported={"past": 3, "past niet": 1})
    assert s.checks["ok"].tolist() == [False, False, True]
    assert s.per_theme.empty and list(s.per_theme.columns) == THEME_RATING_COLUMNS


def test_ratings_errors():
    frame = pd.DataFrame({"n": ["A", "A", "B"], "b": ["1", "1", "1"], "o": ["past", "goed", None]})
    with pytest.raises(InputError) as e:
        ratings(frame, "n", "b", "o")
    assert str(e.value) == (
        "ratings: 2 rating(s) are none of past, past deels, past niet, knab, nvt (row 1: 'goed', row 2: nan); "
        "add the value to order= or missing=, or fill the blanks (a blank is not 'knab')"
    )
    frame["o"] = "past"
    with pytest.raises(InputError, match=r"^ratings: 2 rows rate the same unit and code more than once, e.g. n 'A', b '1'"):
        ratings(frame, "n", "b", "o")
    with pytest.raises(InputError, match=r"^ratings: code 'x9' is in none of the codebooks \(rk\)"):
        ratings(pd.DataFrame({"n": ["A"], "b": ["x9"], "o": ["past"]}), "n", "b", "o", codebooks=THEMES)


# ---------------------------------------------------------------------------
# networks and colours


def test_network_of_cooccurrence_writes_graphml(coded, tmp_path):
    import networkx as nx

    g = network(coded, codebooks=BOOK)
    assert {frozenset(e) for e in g.edges} == {frozenset({"t:visie", "t:beleid"}), frozenset({"t:tijd", "t:middelen"})}
    assert g.edges["t:tijd", "t:middelen"]["weight"] == 2
    assert g.edges["t:tijd", "t:middelen"]["c"] == pytest.approx(2 / 3)
    assert g.nodes["t:visie"] == {"name": "Visie", "count": 2, "colour": "#DD8452"}
    assert len(network(coded, min_weight=2).edges) == 1
    path = tmp_path / "codes.graphml"
    nx.write_graphml(g, path)
    back = nx.read_graphml(path)
    assert back.nodes["t:tijd"]["count"] == 3 and back.edges["t:tijd", "t:middelen"]["weight"] == 2


def test_network_of_actors_per_case(tmp_path):
    import networkx as nx

    actors = pd.DataFrame(
        {
            "case": ["BOS1", "BOS1", "SOS2", "SOS2"],
            "partner": ["CLB", "Pedagogische begeleiding", "CLB", "Stagebedrijf"],
            "domain": ["zorg voor leerlingen", "professionalisering", "zorg voor leerlingen", None],
            "afstand": [1, 2, 1, 3],
            "prioritair": ["ja", "nee", "ja", None],
        }
    )
    g = network(actors, kind="actors")
    assert g.nodes["partner:CLB"] == {"label": "CLB", "kind": "partner", "cases": 2, "domain": "zorg voor leerlingen"}
    assert g.nodes["case:SOS2"]["partners"] == 2
    assert g.edges["case:SOS2", "partner:Stagebedrijf"] == {"weight": 1, "afstand": 3, "prioritair": ""}
    path = tmp_path / "actoren.graphml"
    nx.write_graphml(g, path)
    back = nx.read_graphml(path)
    assert back.nodes["partner:CLB"]["domain"] == "zorg voor leerlingen" and back.number_of_edges() == 4
    with pytest.raises(InputError, match=r"^network: kind must be 'cooccurrence' or 'actors'; got 'partners'$"):
        network(actors, kind="partners")


def test_code_colours_prefer_the_codebook_and_are_stable():
    got = code_colours(["t:visie", "t:beleid", "x:onbekend"], BOOK)
    assert got["t:visie"] == "#DD8452"
    assert got["t:beleid"] in analyse.PALETTE and got["x:onbekend"] in analyse.PALETTE
    assert code_colours(["x:onbekend"])["x:onbekend"] == got["x:onbekend"]
    bad = Codebook("z", "Z", (Code("a", "A", "z", colour='red" onload="x'),))
    assert code_colours(["z:a"], bad)["z:a"] in analyse.PALETTE


# ---------------------------------------------------------------------------
# integration: the bundled sample data, loaded and coded by qualkit itself


@pytest.fixture(scope="module")
def sample(request):
    import qualkit as qk

    root = request.config.rootpath / "data" / "collectief_leren"
    corpus = qk.load_corpus(root, participants=root / "participants.csv", documents=root / "documents.csv")
    book = qk.read_codebook(request.config.rootpath / "codebooks" / "netwerkthemas.yaml")
    return corpus, book, qk.code(corpus, book)


def test_views_on_the_coded_sample_focus_groups(sample):
    from qualkit.show import show

    corpus, book, coded = sample
    assert len(coded) > 50
    freq = frequencies(coded, by="school", codebooks=book)
    want = coded.groupby(["code", "school"])["segment_id"].nunique()
    got = freq[freq["count"] > 0].set_index(["code", "school"])["count"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    # "in n of the 3 conversations", per theme
    themes = frequencies(coded, count="documents", share=True, units=corpus, level=1, codebooks=book)
    assert set(themes["of"]) == {3} and themes["count"].between(0, 3).all()
    turns = corpus.segments("turn")
    shares = frequencies(coded, by="role", share=True, units=turns)
    assert (shares["of"] == shares["role"].map(turns.groupby("role", dropna=False).size())).all()
    table = matrix(coded, cols="school", codebooks=book)
    code, school = table.stack().idxmax()
    assert len(excerpts(coded, code=code, where={"school": school})) == table.loc[code, school]
    co = cooccurrence(coded, codebooks=book)
    np.testing.assert_array_equal(co.to_numpy(), co.to_numpy().T)
    assert {q: co.loc[q, q] for q in co.index} == frequencies(coded).set_index("code")["count"].to_dict()
    hits = kwic(corpus, "leerkracht", window=5)
    assert len(hits) > 0
    assert all(corpus[d].text[s:e] == m for d, s, e, m in hits[["doc_id", "start", "end", "match"]].itertuples(index=False))
    part = participation(corpus)
    assert part.groupby("doc_id")["turns"].sum().to_dict() == turns.groupby("doc_id").size().to_dict()
    line = timeline(coded, corpus)
    assert line["relative"].between(0, 1, inclusive="left").all()
    for doc_id in corpus.documents:
        page = show(corpus, coded, doc_id, codebooks=book).html
        assert page.count('class="qk-turn"') >= len(corpus[doc_id].units("turn"))


def test_partner_network_of_the_sample_schools(request, tmp_path):
    import networkx as nx

    partners = pd.read_csv(request.config.rootpath / "data" / "collectief_leren" / "partners.csv")
    g = network(partners, kind="actors", case="school", partner="partner", partner_attributes=("domein", "cluster"))
    assert g.number_of_edges() == len(partners.drop_duplicates(["school", "partner"]))
    assert (g.graph["case"], g.graph["partner"]) == ("school", "partner")
    clb = g.nodes["partner:CLB"]
    assert clb["cases"] == partners.loc[partners["partner"] == "CLB", "school"].nunique()
    nx.write_graphml(g, tmp_path / "partners.graphml")
    assert nx.read_graphml(tmp_path / "partners.graphml").number_of_nodes() == g.number_of_nodes()


def test_ratings_of_the_sample_networks_flag_the_published_figure(request):
    import qualkit as qk

    folder = request.config.rootpath / "data" / "referentiekader"
    frame = pd.read_csv(folder / "beoordelingen.csv")
    book = qk.read_codebook(request.config.rootpath / "codebooks" / "referentiekader_onw.yaml")
    s = ratings(frame, unit="netwerk", code="bouwsteen", value="beoordeling", codebooks=book, total=1200,
                reported={"past": 856, "past deels": 245, "past niet": 71, "knab": 28})
    assert s.checks["ok"].all()
    assert s.overall["count"].tolist() == [856, 245, 71, 28, 0]
    want = frame.groupby(["thema", "beoordeling"]).size()
    names = {c.id: c.name for c in book}
    got = s.per_theme.set_index(["theme_id", "value"])["count"]
    assert all(got[(t, v)] == k for (t, v), k in want.items())
    assert dict(zip(s.per_theme["theme_id"], s.per_theme["theme"])) == {f"t{i}": names[f"t{i}"] for i in range(1, 8)}
    # the published Figuur 17: two themes do not add up to 24 networks x their blocks
    published = pd.read_csv(folder / "figuur17_gepubliceerd.csv")
    flags = pd.concat(
        [check_tally(r[["past", "past deels", "past niet", "knab"]].to_dict(), 24 * r["bouwstenen"], r["naam"])
         for _, r in published.iterrows()]
    ).query("not ok")
    assert flags["subject"].tolist() == ["Organisatie", "Visie en strategisch beleid"]
    assert flags["reason"].tolist() == [
        "de delen tellen op tot 217, het gerapporteerde totaal is 216 (1 meer)",
        "de delen tellen op tot 191, het gerapporteerde totaal is 192 (1 minder)",
    ]


def test_likert_on_the_sample_questionnaire(request):
    path = request.config.rootpath / "data" / "vragenlijst" / "vragenlijst_leerkrachten.csv"
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    items = [c for c in frame.columns if c.endswith(".")][:10]
    assert len(items) == 10
    s = likert(frame, items, scale=(1, 6), bands={"oneens": (1, 3), "eens": (4, 6)}, top=5)
    numeric = frame[items].apply(pd.to_numeric, errors="coerce")
    assert s.items["mean"].tolist() == pytest.approx(numeric.mean().tolist())
    assert (s.items["n"] + s.items["na"] + s.items["missing"] == len(frame)).all()
    assert len(s.top) == 5 and s.top["mean"].min() >= s.bottom["mean"].max()


@pytest.mark.parametrize("term", ["", "   ", "..."])
def test_kwic_refuses_a_term_without_letters(term):
    from qualkit.analyse import kwic
    from qualkit.errors import InputError
    from qualkit.model import Corpus, Document

    corpus = Corpus([Document.from_text("d", "We hebben een visie.")])
    with pytest.raises(InputError, match="kwic: the term must contain a letter or digit"):
        kwic(corpus, term)
