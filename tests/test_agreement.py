"""Agreement, disagreements and evaluation: hand-computed examples and references."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualkit.agreement import (
    AGREEMENT_COLUMNS,
    ALL_CODERS,
    ALL_CODES,
    DISAGREEMENT_COLUMNS,
    FALSE_POSITIVE_COLUMNS,
    MISS_COLUMNS,
    agreement,
    cohen_kappa,
    disagreements,
    evaluate,
    krippendorff_alpha,
)
from qualkit.errors import InputError, QualkitWarning
from qualkit.model import Corpus, Document, Segment

VISIE = "leiderschap:visie"
GEDEELD = "leiderschap:gedeeld_leiderschap"
TIJD = "netwerk:tijd"


def transcript(doc_id: str, turns: list[str]) -> Document:
    """A transcript whose turns are 'Xn: text' lines, with exact offsets."""
    text, segments = "", []
    for n, turn in enumerate(turns, 1):
        label = f"X{n}: "
        start = len(text) + len(label)
        text += label + turn + "\n"
        segments.append(Segment(doc_id, start, start + len(turn), "turn", turn, speaker=f"X{n}", label_start=start - len(label)))
    return Document.from_text(doc_id, text, kind="transcript", segments=tuple(segments))


FG1 = transcript(
    "fg1",
    [
        "We willen als school weten waar we naartoe gaan.",
        "De directie tekent die lijn uit, samen met het team.",
        "Iedereen mag mee nadenken over de koers.",
        "Soms beslist de zorgcoördinator dat alleen.",
        "Goedemorgen allemaal.",
    ],
)
FG2 = transcript("fg2", ["Er is gewoon te weinig tijd voor overleg.", "Dat klopt.", "Koffie?"])
CORPUS = Corpus([FG1, FG2])
TURNS = CORPUS.segments("turn")


def codings(spec: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    """Coded rows (doc_id, turn number, code, coder) as whole-turn codings."""
    rows = []
    for doc_id, n, code, coder in spec:
        seg = TURNS[(TURNS["doc_id"] == doc_id) & (TURNS["position"] == n - 1)].iloc[0]
        rows.append({"doc_id": doc_id, "segment_id": seg["segment_id"], "start": seg["start"], "end": seg["end"],
                     "speaker": seg["speaker"], "code": code, "coder": coder, "rule": "manual", "matched": "",
                     "memo": "", "text": seg["text"]})
    columns = ["doc_id", "segment_id", "start", "end", "speaker", "code", "coder", "rule", "matched", "memo", "text"]
    return pd.DataFrame(rows, columns=columns)


# LV codes visie in fg1 turns 1-3 and fg2 turn 1; AB codes visie in fg1 turns 2-4 and nothing in fg2.
TWO = codings([("fg1", 1, VISIE, "LV"), ("fg1", 2, VISIE, "LV"), ("fg1", 3, VISIE, "LV"), ("fg2", 1, TIJD, "LV"),
               ("fg1", 2, VISIE, "AB"), ("fg1", 3, VISIE, "AB"), ("fg1", 4, VISIE, "AB")])


def row(table: pd.DataFrame, code: str, scope: str = "all", a: str = "LV", b: str = "AB") -> pd.Series:
    hit = table[(table["code"] == code) & (table["scope"] == scope) & (table["coder_a"] == a) & (table["coder_b"] == b)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# ---------------------------------------------------------------- published references


def test_alpha_matches_krippendorffs_published_example():
    # Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    # Communication, Departmental Papers (ASC) 43, section C "Nominal data, any number of observers,
    # missing data": 4 observers, 12 units, values 1-5, published alpha = 0.743. (The krippendorff
    # package's doctest reproduces the same table, citing page 8 of the copy it links.)
    nan = np.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert round(krippendorff_alpha(data), 3) == 0.743
    assert krippendorff_alpha(data) == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_kappa_matches_the_textbook_grant_proposal_example():
    # Wikipedia, "Cohen's kappa", section "Examples: simple example" (reproduced in the
    # tutorial at howcodex.com/statistics/cohen_kappa_coefficient.htm): 50 proposals, readers
    # A and B, yes/yes 20, yes/no 5, no/yes 10, no/no 15; p_o = 0.70, p_e = 0.50, kappa = 0.40.
    a = ["ja"] * 20 + ["ja"] * 5 + ["nee"] * 10 + ["nee"] * 15
    b = ["ja"] * 20 + ["nee"] * 5 + ["ja"] * 10 + ["nee"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.40)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_matches_sklearn_on_three_categories():
    a = ["visie", "tijd", "tijd", "visie", "ruimte", "tijd", "ruimte", "visie"]
    b = ["visie", "tijd", "visie", "visie", "ruimte", "ruimte", "ruimte", "tijd"]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


# ---------------------------------------------------------------- hand-computed agreement


def test_two_coders_hand_computed_over_all_turns():
    table = agreement(TWO, units=TURNS, codes=[VISIE])
    r = row(table, VISIE)
    # fg2 is left out: AB coded nothing there, so AB is missing there, not "absent".
    assert (r["n_units"], r["both"], r["only_a"], r["only_b"], r["neither"]) == (5, 2, 1, 1, 1)
    assert r["percent_agreement"] == pytest.approx(3 / 5)
    # p_e = .6*.6 + .4*.4 = .52, kappa = (.6 - .52) / .48
    assert r["cohen_kappa"] == pytest.approx(1 / 6)
    # n = 10 values, n_1 = 6, n_0 = 4, 4 disagreeing pairs: alpha = 1 - 9 * 4 / (2 * 6 * 4)
    assert r["krippendorff_alpha"] == pytest.approx(0.25)
    assert r["brennan_prediger"] == pytest.approx(0.2)
    assert r["positive_agreement"] == pytest.approx(4 / 6)
    assert r["undefined"] == ""


def test_coded_scope_drops_the_turn_nobody_coded():
    r = row(agreement(TWO, units=TURNS, codes=[VISIE]), VISIE, scope="coded")
    assert (r["n_units"], r["both"], r["only_a"], r["only_b"], r["neither"]) == (4, 2, 1, 1, 0)
    assert r["percent_agreement"] == pytest.approx(0.5)
    # p_e = .75*.75 + .25*.25 = .625; kappa = (.5 - .625) / .375
    assert r["cohen_kappa"] == pytest.approx(-1 / 3)


def test_a_code_nobody_used_gets_nan_with_a_reason_not_a_fake_one():
    r = row(agreement(TWO, units=TURNS, codes=[VISIE, GEDEELD]), GEDEELD)
    assert (r["n_units"], r["both"], r["neither"]) == (5, 0, 5)
    assert r["percent_agreement"] == 1.0
    assert r["brennan_prediger"] == 1.0  # chance fixed at 1/2, so it stays defined
    assert math.isnan(r["cohen_kappa"]) and math.isnan(r["krippendorff_alpha"])
    assert math.isnan(r["positive_agreement"])
    assert r["undefined"] == (
        "positive_agreement: no coder applied the code; cohen_kappa, krippendorff_alpha: every value is "
        "the same, so chance agreement is 1 and the statistic is 0/0"
    )


def test_all_agree_gives_one():
    same = codings([("fg1", 1, VISIE, "LV"), ("fg1", 1, VISIE, "AB"), ("fg1", 4, VISIE, "LV"), ("fg1", 4, VISIE, "AB")])
    r = row(agreement(same, units=TURNS), VISIE)
    assert (r["percent_agreement"], r["cohen_kappa"], r["krippendorff_alpha"]) == (1.0, 1.0, 1.0)


def test_single_unit():
    units = TURNS.iloc[[0]]
    agree = codings([("fg1", 1, VISIE, "LV"), ("fg1", 1, VISIE, "AB")])
    r = row(agreement(agree, units=units), VISIE)
    assert r["n_units"] == 1 and r["percent_agreement"] == 1.0
    assert math.isnan(r["cohen_kappa"]) and math.isnan(r["krippendorff_alpha"])
    # Disagreement on one unit: p_o = 0, p_e = 0 -> kappa 0; alpha = 1 - 1 * 2 / 2 = 0.
    differ = pd.concat([agree.iloc[[0]], codings([("fg1", 1, TIJD, "AB")])])
    r = row(agreement(differ, units=units, codes=[VISIE]), VISIE)
    assert (r["only_a"], r["cohen_kappa"], r["krippendorff_alpha"]) == (1, 0.0, 0.0)
    assert cohen_kappa_score([1], [0]) == 0.0


def test_three_coders_with_a_silent_coder_hand_computed():
    # doc fg1: LV 1,1,0 / AB 1,0,0 / MB 1,1,0 on turns 1-3; doc fg2: LV 1,0 / AB 1,1, MB coded nothing.
    three = codings([
        ("fg1", 1, VISIE, "LV"), ("fg1", 2, VISIE, "LV"), ("fg1", 1, VISIE, "AB"),
        ("fg1", 1, VISIE, "MB"), ("fg1", 2, VISIE, "MB"),
        ("fg2", 1, VISIE, "LV"), ("fg2", 1, VISIE, "AB"), ("fg2", 2, VISIE, "AB"),
    ])
    units = TURNS.iloc[[0, 1, 2, 5, 6]]  # fg1 turns 1-3, fg2 turns 1-2
    table = agreement(three, units=units)
    every = table[(table["code"] == VISIE) & (table["scope"] == "all") & (table["coder_a"] == ALL_CODERS)].iloc[0]
    # o_11 = 3 + 1 + 2 = 6, o_00 = 3, o_01 = o_10 = 2, n = 13, n_1 = 8, n_0 = 5
    assert every["n_coders"] == 3 and every["n_units"] == 5
    assert every["krippendorff_alpha"] == pytest.approx(1 - 12 * 4 / (2 * 5 * 8))
    assert every["percent_agreement"] == pytest.approx(9 / 13)
    assert every["positive_agreement"] == pytest.approx(6 / 8)
    assert (every["both"], every["neither"]) == (2, 1) and pd.isna(every["only_a"])
    assert math.isnan(every["cohen_kappa"])
    assert "Cohen's kappa compares two coders" in every["undefined"]
    reference = [[1, 1, 0, 1, 0], [1, 0, 0, 1, 1], [1, 1, 0, np.nan, np.nan]]
    assert every["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(reliability_data=reference, level_of_measurement="nominal"))
    lv_mb = row(table, VISIE, a="LV", b="MB")
    assert (lv_mb["n_units"], lv_mb["cohen_kappa"]) == (3, 1.0)  # only fg1: MB is missing in fg2
    ab_mb = row(table, VISIE, a="AB", b="MB")
    assert (ab_mb["both"], ab_mb["only_a"], ab_mb["only_b"], ab_mb["neither"]) == (1, 0, 1, 1)


def test_pooled_row_adds_up_the_codes():
    table = agreement(TWO, units=TURNS)
    pooled = row(table, ALL_CODES)
    per_code = table[(table["code"] != ALL_CODES) & (table["scope"] == "all")]
    for column in ("n_units", "both", "only_a", "only_b", "neither"):
        assert pooled[column] == per_code[column].sum()
    assert list(table.columns) == AGREEMENT_COLUMNS
    assert list(table["code"].unique()) == [VISIE, TIJD, ALL_CODES]


def test_character_agreement_counts_characters():
    doc = Document.from_text("t", "a" * 20, segments=(Segment("t", 0, 20, "answer", "a" * 20),))
    units = Corpus([doc]).segments("answer")
    coded = pd.DataFrame({"doc_id": ["t", "t"], "start": [0, 5], "end": [10, 15], "code": [TIJD, TIJD], "coder": ["LV", "AB"]})
    table = agreement(coded, unit="character", units=units)
    r = row(table, TIJD)
    assert (r["n_units"], r["both"], r["only_a"], r["only_b"], r["neither"]) == (20, 5, 5, 5, 5)
    assert (r["percent_agreement"], r["cohen_kappa"]) == (0.5, 0.0)
    coded_scope = row(table, TIJD, scope="coded")
    assert (coded_scope["n_units"], coded_scope["neither"]) == (15, 0)
    # Characters weigh like repeated units: alpha equals the package on the expanded data.
    a = [1] * 10 + [0] * 10
    b = [0] * 5 + [1] * 10 + [0] * 5
    assert r["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))


def test_character_agreement_without_units_runs_to_the_last_coded_character():
    coded = pd.DataFrame({"doc_id": ["t", "t"], "start": [2, 2], "end": [6, 8], "code": [TIJD, TIJD], "coder": ["LV", "AB"]})
    r = row(agreement(coded, unit="character"), TIJD)
    assert (r["n_units"], r["both"], r["only_b"], r["neither"]) == (8, 4, 2, 2)


def test_without_units_warns_that_uncoded_units_are_unknown():
    with pytest.warns(QualkitWarning, match=r"no units= given, so only the segments some coder coded are known"):
        table = agreement(TWO)
    assert row(table, VISIE)["n_units"] == 4


def test_coding_outside_every_unit_is_reported_not_dropped():
    outside = pd.concat([TWO, pd.DataFrame([{"doc_id": "fg1", "start": 0, "end": 3, "code": VISIE, "coder": "AB"}])])
    with pytest.warns(QualkitWarning, match=r"1 coding\(s\) overlap no unit and are not compared: fg1 \[0, 3\) leiderschap:visie \(AB\)"):
        agreement(outside, units=TURNS)


# ---------------------------------------------------------------- errors


def test_one_coder_is_an_error():
    with pytest.raises(InputError) as info:
        agreement(TWO[TWO["coder"] == "LV"], units=TURNS)
    assert str(info.value) == "agreement: agreement needs two or more coders, got 1 ('LV'); pass coders=[...] with at least two names"


def test_empty_frame_is_an_error_that_says_so():
    empty = TWO.iloc[0:0]
    with pytest.raises(InputError, match=r"got 0 \(none\)"):
        agreement(empty, units=TURNS)


def test_unknown_coder_and_missing_columns():
    with pytest.raises(InputError) as info:
        agreement(TWO, coders=["LV", "XY"], units=TURNS)
    assert str(info.value) == "agreement: coder 'XY' has no coding in the coded frame; the coders found are 'LV', 'AB'"
    with pytest.raises(InputError, match=r"^agreement: the coded frame has no column coder; expected"):
        agreement(TWO.drop(columns="coder"), units=TURNS)
    with pytest.raises(InputError, match=r'unit must be "segment" or "character", got \'turn\''):
        agreement(TWO, unit="turn", units=TURNS)


def test_units_without_offsets_name_what_is_missing_and_what_they_have():
    with pytest.raises(InputError) as info:
        agreement(TWO, units=pd.DataFrame({"doc_id": ["fg1"], "tekst": ["Ja."]}))
    assert str(info.value) == (
        "agreement: units= has no column start, end; expected a segments frame such as "
        "corpus.segments('turn'), found doc_id, tekst"
    )


# ---------------------------------------------------------------- disagreements


def test_disagreements_list_units_with_text_and_who_coded_what():
    frame = disagreements(TWO, units=TURNS)
    assert list(frame.columns) == DISAGREEMENT_COLUMNS
    assert frame[["segment_id", "code", "coded_by", "not_coded_by"]].values.tolist() == [
        ["fg1:turn:1", VISIE, "LV", "AB"],
        ["fg1:turn:4", VISIE, "AB", "LV"],
    ]
    assert frame.loc[1, "text"] == "Soms beslist de zorgcoördinator dat alleen."
    # fg2 turn 1 (LV: tijd) is no disagreement: AB did not code fg2 at all.
    assert disagreements(TWO, units=TURNS, code=TIJD).empty
    assert list(disagreements(TWO, units=TURNS, code=TIJD).columns) == DISAGREEMENT_COLUMNS


# ---------------------------------------------------------------- evaluation


def predicted_rows() -> pd.DataFrame:
    auto = codings([("fg1", 1, VISIE, "auto:rules"), ("fg1", 5, VISIE, "auto:rules"), ("fg2", 1, TIJD, "auto:rules"),
                    ("fg2", 2, TIJD, "auto:rules")])
    auto["rule"] = ["keyword", "near", "keyword", "regex"]
    auto["matched"] = ["naartoe", "morgen; allemaal", "tijd", "klopt"]
    return auto


def test_evaluate_hand_computed():
    gold = TWO[TWO["coder"] == "LV"].copy()
    gold["memo"] = ["toekomstbeeld", "", "", "tijdsdruk"]
    result = evaluate(pd.concat([gold, predicted_rows()]), gold="LV", units=TURNS)
    scores = result.scores.set_index("code")
    # visie: gold turns 1,2,3; predicted 1,5 -> tp 1, fp 1, fn 2
    assert scores.loc[VISIE, ["support", "predicted", "tp", "fp", "fn"]].tolist() == [3, 2, 1, 1, 2]
    assert scores.loc[VISIE, "precision"] == 0.5 and scores.loc[VISIE, "recall"] == pytest.approx(1 / 3)
    assert scores.loc[VISIE, "f1"] == pytest.approx(2 / 5)
    # tijd: gold fg2 turn 1; predicted fg2 turns 1,2 -> tp 1, fp 1, fn 0
    assert scores.loc[TIJD, ["tp", "fp", "fn"]].tolist() == [1, 1, 0]
    micro, macro = result.overall.iloc[0], result.overall.iloc[1]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 2, 2)
    assert micro["precision"] == 0.5 and micro["recall"] == 0.5 and micro["f1"] == 0.5
    assert macro["recall"] == pytest.approx((1 / 3 + 1) / 2)
    assert result.false_positives[["segment_id", "rule", "matched"]].values.tolist() == [
        ["fg1:turn:5", "near", "morgen; allemaal"], ["fg2:turn:2", "regex", "klopt"]]
    assert list(result.false_positives.columns) == FALSE_POSITIVE_COLUMNS
    assert result.misses[["segment_id", "memo"]].values.tolist() == [["fg1:turn:2", ""], ["fg1:turn:3", ""]]
    assert list(result.misses.columns) == MISS_COLUMNS
    assert result.n_units == 8 and result.n_documents == 2 and result.excluded == 0
    text = repr(result)
    assert text.startswith("Evaluation of 'auto:rules' against 'LV': 8 units in 2 documents")
    assert text.endswith("2 false positives (.false_positives), 2 misses (.misses)")
    assert "<table" in result._repr_html_()


def test_evaluate_leaves_out_documents_the_gold_coder_did_not_code_and_says_so():
    gold = codings([("fg1", 1, VISIE, "LV")])
    result = evaluate(pd.concat([gold, predicted_rows()]), gold="LV", units=TURNS)
    assert result.excluded == 2 and result.n_documents == 1
    assert "2 predicted codings in documents 'LV' did not code are left out" in repr(result)
    assert result.scores["code"].tolist() == [VISIE]


def test_evaluate_undefined_precision_is_nan_and_macro_skips_it():
    gold = codings([("fg1", 1, VISIE, "LV"), ("fg1", 2, GEDEELD, "LV")])
    auto = codings([("fg1", 1, VISIE, "auto:rules")])
    scores = evaluate(pd.concat([gold, auto]), gold="LV", units=TURNS).scores.set_index("code")
    assert math.isnan(scores.loc[GEDEELD, "precision"]) and scores.loc[GEDEELD, "recall"] == 0.0
    assert scores.loc[GEDEELD, "f1"] == 0.0


def test_evaluate_unknown_coder_is_an_error():
    with pytest.raises(InputError) as info:
        evaluate(TWO, gold="LV", predicted="auto:model")
    assert str(info.value) == "evaluate: predicted coder 'auto:model' has no coding in the coded frame; the coders found are 'AB', 'LV'"


# ---------------------------------------------------------------- properties


binary = st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(binary)
def test_kappa_and_alpha_are_symmetric_and_kappa_matches_sklearn(pairs):
    a = [int(x) for x, _ in pairs]
    b = [int(y) for _, y in pairs]
    assume(len(set(a + b)) == 2)
    k = cohen_kappa(a, b)
    assert k == pytest.approx(cohen_kappa(b, a))
    if not math.isnan(k):
        assert k == pytest.approx(cohen_kappa_score(a, b))
    assert krippendorff_alpha([a, b]) == pytest.approx(krippendorff_alpha([b, a]))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 12), st.data())
def test_alpha_equals_the_krippendorff_package_on_random_data(n_coders, n_units, data):
    values = st.one_of(st.none(), st.integers(1, 4))
    matrix = [[data.draw(values) for _ in range(n_units)] for _ in range(n_coders)]
    numeric = np.array([[np.nan if v is None else v for v in r] for r in matrix], dtype=float)
    pairable = (~np.isnan(numeric)).sum(axis=0) >= 2
    assume(len(np.unique(numeric[:, pairable][~np.isnan(numeric[:, pairable])])) >= 2)
    expected = krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal")
    assert krippendorff_alpha(matrix) == pytest.approx(expected)
    assert krippendorff_alpha(matrix[::-1]) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=5, max_size=5))
def test_agreement_frame_is_symmetric_in_coder_order(marks):
    spec = [("fg1", n + 1, VISIE, coder) for n, m in enumerate(marks) for coder, on in zip(("LV", "AB", "MB"), m) if on]
    coded = codings(spec)
    assume(coded["coder"].nunique() == 3)
    units = TURNS[TURNS["doc_id"] == "fg1"]
    forward = agreement(coded, coders=["LV", "AB", "MB"], units=units)
    backward = agreement(coded, coders=["MB", "AB", "LV"], units=units)
    f, b = row(forward, VISIE, a=ALL_CODERS, b=""), row(backward, VISIE, a=ALL_CODERS, b="")
    assert f["krippendorff_alpha"] == pytest.approx(b["krippendorff_alpha"], nan_ok=True)
    f, b = row(forward, VISIE, a="LV", b="AB"), row(backward, VISIE, a="AB", b="LV")
    assert f["cohen_kappa"] == pytest.approx(b["cohen_kappa"], nan_ok=True)
    assert (f["only_a"], f["only_b"]) == (b["only_b"], b["only_a"])
    lv = np.array([m[0] for m in marks], dtype=int)
    ab = np.array([m[1] for m in marks], dtype=int)
    if not math.isnan(f["cohen_kappa"]):
        assert f["cohen_kappa"] == pytest.approx(cohen_kappa_score(lv, ab))


def test_without_units_a_phrase_inside_a_coded_turn_is_not_a_unit_of_its_own():
    # both coders coded turn 1 of fg1 as VISIE; LV also marked a phrase inside turn 2 (TIJD) and inside
    # turn 1 (GEDEELD). Without units= the units are the coded spans: turn 1 and turn 2 only, so VISIE
    # is one unit both coded (not two, which a separate unit for the phrase inside turn 1 made it).
    turn1 = FG1.units("turn")[0]
    turn2 = FG1.units("turn")[1]
    inside1 = {"doc_id": "fg1", "segment_id": "fg1:turn:1", "start": turn1.start + 3, "end": turn1.start + 9,
               "speaker": "X1", "code": GEDEELD, "coder": "LV", "rule": "manual", "matched": "", "memo": "",
               "text": FG1.text[turn1.start + 3:turn1.start + 9]}
    inside2 = {**inside1, "segment_id": "fg1:turn:2", "start": turn2.start, "end": turn2.start + 2,
               "speaker": "X2", "code": TIJD, "text": FG1.text[turn2.start:turn2.start + 2]}
    frame = pd.concat([codings([("fg1", 1, VISIE, "LV"), ("fg1", 1, VISIE, "auto:rules"),
                                ("fg1", 2, GEDEELD, "auto:rules")]),
                       pd.DataFrame([inside1, inside2])], ignore_index=True)
    result = evaluate(frame, gold="LV")
    scores = result.scores.set_index("code")
    assert result.n_units == 2
    assert scores.loc[VISIE, ["support", "predicted", "tp"]].tolist() == [1, 1, 1]
    assert scores.loc[GEDEELD, ["support", "predicted", "tp", "fp", "fn"]].tolist() == [1, 1, 0, 1, 1]
    with pytest.warns(QualkitWarning, match="no units= given"):
        table = agreement(frame, coders=["LV", "auto:rules"])
    row = table[(table["code"] == VISIE) & (table["scope"] == "all")].iloc[0]
    assert (row["n_units"], row["both"], row["neither"]) == (2, 1, 1)
