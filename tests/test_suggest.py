"""The Suggester: scikit-learn conventions, grouped cross-validation, suggestions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError
from qualkit.model import Corpus, Document, Segment
from qualkit.suggest import (
    DEFAULT_THRESHOLD,
    REPORT_COLUMNS,
    SUGGESTION_COLUMNS,
    THRESHOLD_GRID,
    Suggester,
    _Features,
    best_threshold,
    word_features,
)

TIJD = "netwerk:tijd"
VISIE = "leiderschap:visie"
ZELDZAAM = "assemblage:ruimte"

# (text, codes) per turn; three documents, written for these tests.
DOCS = {
    "fg_a": [
        ("We hebben gewoon te weinig tijd om samen te overleggen.", [TIJD]),
        ("Onze visie is dat elk kind telt, dat is de koers van de school.", [VISIE]),
        ("De uren voor overleg zijn op voor dit schooljaar.", [TIJD]),
        ("Goedemorgen iedereen, zullen we beginnen?", []),
        ("De directie zet de lijn uit en wij volgen die visie.", [VISIE]),
        ("Het lokaal was te klein voor al die mensen.", [ZELDZAAM]),
    ],
    "fg_b": [
        ("Er is geen tijd in de planning voor een gesprek met het CLB.", [TIJD]),
        ("Waar willen we als team naartoe? Die visie moet helder zijn.", [VISIE]),
        ("Ik heb nog koffie als iemand wil.", []),
        ("Tijd blijft het grootste probleem, de uren zijn beperkt.", [TIJD]),
        ("We bouwen samen aan een gedeelde visie op zorg.", [VISIE]),
        ("Dank je, dat is genoeg.", []),
    ],
    "fg_c": [
        ("In de jaarplanning is er te weinig tijd voorzien.", [TIJD]),
        ("De richting van de school, onze visie, staat in het plan.", [VISIE]),
        ("Tijdsdruk maakt het moeilijk om alles te bespreken.", [TIJD]),
        ("Zit iedereen goed?", []),
        ("De visie van het bestuur bepaalt veel.", [VISIE]),
        ("We zaten in een ruimte zonder ramen.", [ZELDZAAM]),
    ],
}


def build() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the turns and LV's codings of DOCS, with exact offsets."""
    documents, rows = [], []
    for doc_id, turns in DOCS.items():
        text, segs = "", []
        for n, (turn, codes) in enumerate(turns, 1):
            label = f"Deelnemer {n}: "
            start = len(text) + len(label)
            text += label + turn + "\n"
            segs.append(Segment(doc_id, start, start + len(turn), "turn", turn, speaker=f"Deelnemer {n}"))
            rows += [{"doc_id": doc_id, "start": start, "end": start + len(turn), "code": c, "coder": "LV"} for c in codes]
        documents.append(Document.from_text(doc_id, text, kind="transcript", segments=tuple(segs)))
    return Corpus(documents).segments("turn"), pd.DataFrame(rows)


SEGMENTS, CODED = build()


@pytest.fixture(scope="module")
def fitted() -> Suggester:
    return Suggester(min_examples=4).fit(SEGMENTS, CODED)


def test_parameters_are_stored_unchanged_and_clone_works():
    model = Suggester(min_examples=7, C=0.3, ngram_range=(2, 4))
    assert model.get_params() == {"min_examples": 7, "C": 0.3, "ngram_range": (2, 4), "min_df": 1,
                                  "n_splits": 5, "random_state": 0}
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "models_")


def test_suggest_before_fit_is_an_error():
    with pytest.raises(NotFittedError):
        Suggester().suggest(SEGMENTS)


def test_word_features_use_lemmas_and_stems():
    assert word_features("leerkrachten gesprekken") == [
        "lemma:leerkracht", "stem:leerkracht", "lemma:gesprek", "stem:gesprek"]


def test_rare_codes_are_skipped_and_reported(fitted):
    assert fitted.codes_ == [TIJD, VISIE]
    assert fitted.skipped_ == {ZELDZAAM: 2}
    report = fitted.report()
    assert list(report.columns) == REPORT_COLUMNS
    assert report["code"].tolist() == [VISIE, TIJD, ZELDZAAM]  # learned first, then skipped, by name
    skipped = report.set_index("code").loc[ZELDZAAM]
    assert skipped["status"] == "skipped" and skipped["n_examples"] == 2 and skipped["n_documents"] == 2
    assert skipped["note"] == "too few examples to learn: 2 coded, 16 uncoded; needs 4 of each"
    assert np.isnan(skipped["f1"])


def test_cross_validation_is_grouped_by_document(fitted):
    # Three documents and five splits: GroupKFold makes three folds, one document each. The
    # out-of-fold probability of a turn must equal a model (and features) fitted on the other
    # two documents only.
    texts = SEGMENTS["text"].to_numpy()
    for held_out in DOCS:
        test = (SEGMENTS["doc_id"] == held_out).to_numpy()
        features = _Features((3, 5), 1)
        x_fit = features.fit_transform(texts[~test].tolist())
        for code in fitted.codes_:
            y = fitted.labels_[code].to_numpy()[~test]
            model = LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000,
                                       random_state=0)
            expected = model.fit(x_fit, y).predict_proba(features.transform(texts[test].tolist()))[:, 1]
            np.testing.assert_allclose(fitted.cv_probabilities_.loc[test, code].to_numpy(), expected)


def test_report_scores_follow_from_the_out_of_fold_probabilities(fitted):
    report = fitted.report(threshold=0.5).set_index("code")
    for code in fitted.codes_:
        y = fitted.labels_[code].to_numpy()
        p = fitted.cv_probabilities_[code].to_numpy() >= 0.5
        tp, fp, fn = (p & (y == 1)).sum(), (p & (y == 0)).sum(), (~p & (y == 1)).sum()
        assert report.loc[code, "f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn))
        assert report.loc[code, "n_examples"] == 6 and report.loc[code, "n_documents"] == 3
    # The words are clear enough that the held-out documents are found.
    assert report.loc[TIJD, "recall"] >= 0.5 and report.loc[VISIE, "recall"] >= 0.5


def test_suggest_new_turns(fitted):
    new = pd.DataFrame({
        "doc_id": ["nieuw"] * 3, "segment_id": ["nieuw:turn:1", "nieuw:turn:2", "nieuw:turn:3"],
        "start": [0, 60, 120], "end": [42, 104, 135],
        "text": ["We vinden nooit tijd voor dat overleg, nooit.", "Welke visie heeft de school op leren?", "Tot straks."],
    })
    out = fitted.suggest(new, threshold=0.5)
    assert list(out.columns) == SUGGESTION_COLUMNS
    assert set(zip(out["segment_id"], out["code"])) >= {("nieuw:turn:1", TIJD), ("nieuw:turn:2", VISIE)}
    assert (out["coder"] == "auto:model").all() and (out["rule"] == "model").all()
    assert (out["probability"] >= 0.5).all()
    visie = out[(out["code"] == VISIE) & (out["segment_id"] == "nieuw:turn:2")].iloc[0]
    assert "visie" in visie["matched"].split("; ")
    assert visie["namespace"] == "leiderschap" and visie["code_name"] == "visie"
    # Suggestions concatenate with a coded frame.
    both = pd.concat([CODED.reindex(columns=CODED_COLUMNS), out[CODED_COLUMNS]], ignore_index=True)
    assert list(both.columns) == CODED_COLUMNS and len(both) == len(CODED) + len(out)


def test_suggest_on_nothing_gives_an_empty_frame_with_the_columns(fitted):
    empty = fitted.suggest(SEGMENTS.iloc[0:0])
    assert empty.empty and list(empty.columns) == SUGGESTION_COLUMNS


def test_only_documents_the_coder_coded_are_training_data():
    extra = pd.concat([SEGMENTS, SEGMENTS.assign(doc_id="niet_gecodeerd")], ignore_index=True)
    model = Suggester(min_examples=4).fit(extra, CODED)
    assert len(model.labels_) == len(SEGMENTS)


def test_bad_input_gives_clear_errors(fitted):
    with pytest.raises(InputError) as info:
        Suggester().fit(SEGMENTS, CODED.assign(coder="auto:rules"))
    assert str(info.value) == (
        "Suggester.fit: the coded frame has no coding by a person (a coder not named auto:...); the coders found are "
        "'auto:rules'; pass coder= with the name of the coder to learn from"
    )
    with pytest.raises(InputError, match=r"^Suggester.fit: coder 'XY' has no coding in the coded frame"):
        Suggester().fit(SEGMENTS, CODED, coder="XY")
    with pytest.raises(InputError, match=r"^Suggester.suggest: segments has no column text; expected at least"):
        fitted.suggest(SEGMENTS.drop(columns="text"))
    with pytest.raises(InputError) as info:
        fitted.suggest(SEGMENTS, threshold=1.5)
    assert str(info.value) == (
        "Suggester.suggest: threshold must be between 0 and 1, or 'cv' for the threshold chosen by "
        "cross-validation, got 1.5"
    )
    with pytest.raises(InputError) as info:
        fitted.report(threshold="hoog")
    assert str(info.value) == (
        "Suggester.report: threshold must be between 0 and 1, or 'cv' for the threshold chosen by "
        "cross-validation, got 'hoog'"
    )


# ---------------------------------------------------------------- the threshold chosen by cross-validation


def f1_at(y: np.ndarray, p: np.ndarray, t: float) -> float:
    """F1 of predicting p >= t, written out independently of qualkit."""
    predicted = p >= t
    tp = int(np.sum(predicted & (y == 1)))
    fp = int(np.sum(predicted & (y == 0)))
    fn = int(np.sum(~predicted & (y == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_best_threshold_by_hand():
    # Predicting p >= 0.6 finds 2 of the 3 coded turns with no false alarm: F1 = 4/5. Every other
    # grid value is worse: >= 0.55 adds a false alarm (4/6), <= 0.10 predicts everything (6/8 = 0.75).
    y = np.array([1, 1, 0, 0, 1])
    p = np.array([0.9, 0.6, 0.55, 0.2, 0.1])
    assert best_threshold(y, p) == 0.6
    # 0.25 up to 0.80 all separate perfectly (12 grid values): the middle one, 0.50, is chosen.
    assert best_threshold(np.array([1, 0]), np.array([0.8, 0.2])) == 0.5
    # Only 0.15, 0.20 and 0.25 lie between the negative (0.1) and the lower example (0.27): 0.20.
    assert best_threshold(np.array([0, 1, 1]), np.array([0.1, 0.27, 0.9])) == 0.2
    # Nothing separates 0.3 (uncoded) from 0.26 (coded): predicting both (F1 2/3) wins, at 0.05 to
    # 0.25, and the middle of those five values is 0.15.
    assert best_threshold(np.array([0, 1]), np.array([0.3, 0.26])) == 0.15
    # Nothing can be found (the one example scores lowest, under every grid value): the default.
    assert best_threshold(np.array([1, 0]), np.array([0.01, 0.9])) == DEFAULT_THRESHOLD
    assert best_threshold(np.array([], dtype=int), np.array([])) == DEFAULT_THRESHOLD


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(0, 1)), min_size=1, max_size=30))
def test_best_threshold_is_a_grid_value_no_other_grid_value_beats(pairs):
    y = np.array([int(a) for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    chosen = best_threshold(y, p)
    assert chosen in THRESHOLD_GRID
    assert all(f1_at(y, p, chosen) >= f1_at(y, p, t) for t in THRESHOLD_GRID)


def test_the_threshold_is_chosen_on_the_pooled_out_of_fold_probabilities(fitted):
    y = fitted.labels_[fitted.codes_].to_numpy().ravel()
    p = fitted.cv_probabilities_[fitted.codes_].to_numpy().ravel()
    best = max(f1_at(y, p, t) for t in THRESHOLD_GRID)
    assert f1_at(y, p, fitted.threshold_) == best > 0
    # suggest() and report() use it by default.
    assert fitted.suggest(SEGMENTS).equals(fitted.suggest(SEGMENTS, threshold=fitted.threshold_))
    assert (fitted.suggest(SEGMENTS)["probability"] >= fitted.threshold_).all()
    assert fitted.report().equals(fitted.report(threshold=fitted.threshold_))


def test_without_cross_validation_the_threshold_is_the_default():
    one = SEGMENTS["doc_id"] == "fg_a"
    model = Suggester(min_examples=2).fit(SEGMENTS[one], CODED[CODED["doc_id"] == "fg_a"])
    assert model.cv_probabilities_.empty and model.codes_ == [TIJD, VISIE]
    assert model.threshold_ == DEFAULT_THRESHOLD


# ---------------------------------------------------------------- the bundled sample and the gold coding


def test_fit_suggest_round_on_the_sample_data_with_grouped_cross_validation(data_dir):
    import warnings

    import qualkit as qk

    gold = pd.read_csv(data_dir / "gold" / "codering_mens.csv", keep_default_na=False)
    # One coder per document (LV, AI; see data/gold/README.md): together one gold coding.
    assert set(gold["coder"]) == {"LV", "AI"} and gold.groupby("doc_id")["coder"].nunique().eq(1).all()
    gold["coder"] = "mens"
    folder = data_dir / "afstemming"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = qk.load_corpus(folder, participants=folder / "participants.csv", documents=folder / "documents.csv")
    turns = corpus.segments("turn")
    assert sorted(turns["doc_id"].unique()) == sorted(gold["doc_id"].unique())  # every focus group is coded
    assert turns["doc_id"].nunique() == 5
    iclb = turns["doc_id"] == "focusgroep_iclb_1"
    model = qk.Suggester().fit(turns, gold, coder="mens")
    # Every turn of the five documents is a training example; codes used fewer than 5 times are skipped.
    assert len(model.labels_) == len(turns)
    counts = gold.groupby("code").size()
    assert model.skipped_ == {c: int(n) for c, n in counts.items() if n < 5}
    assert sorted(model.codes_) == sorted(c for c, n in counts.items() if n >= 5)
    # Grouped CV with five documents and five splits: one document per fold, so the probabilities of
    # focusgroep_iclb_1 come from a model (and features) of the four other documents.
    assert model.cv_probabilities_.notna().all().all()
    other = qk.Suggester().fit(turns[~iclb], gold[gold["doc_id"] != "focusgroep_iclb_1"], coder="mens")
    code = "assemblage:rel_pbsog_iclb"
    expected = other.models_[code].predict_proba(other.features_.transform(turns.loc[iclb, "text"].tolist()))[:, 1]
    np.testing.assert_allclose(model.cv_probabilities_.loc[iclb.to_numpy(), code].to_numpy(), expected)
    report = model.report()
    assert set(report.loc[report["status"] == "learned", "code"]) == set(model.codes_)
    assert model.threshold_ in THRESHOLD_GRID
    # Suggestions on the held-out document, scored against the gold coding with evaluate.
    suggested = other.suggest(turns[iclb])
    assert set(suggested["code"]) <= set(other.codes_) and (suggested["coder"] == "auto:model").all()
    assert (suggested["probability"] >= other.threshold_).all()
    result = qk.evaluate(pd.concat([gold, suggested]), gold="mens", predicted="auto:model",
                         units=turns, codes=other.codes_)
    assert result.n_documents == 5 and result.excluded == 0
    micro = result.overall.iloc[0]
    assert micro["predicted"] == suggested.drop_duplicates(["segment_id", "code"]).shape[0]
    assert micro["support"] == gold[gold["code"].isin(other.codes_)].shape[0]
