"""Tests of the analysis views on a tiny hand-built corpus and on larger random data."""

from __future__ import annotations

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
from qualkit.errors import InputError
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


def test_excerpts_empty_and_errors(coded):
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


@settings(max_examples=60, deadline=None)
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
