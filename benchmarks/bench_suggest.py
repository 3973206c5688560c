"""Learned suggestions against the rule coder and a majority baseline, on the gold sample.

The gold sample (``data/gold/codering_mens.csv``, coders LV and AI, one per
document, relabelled ``mens`` here) codes every turn of the five bundled focus
groups. Each approach is scored on the same turns with :func:`qualkit.evaluate`
(precision, recall, F1 per code; micro and macro over the codes the gold uses):

- **Suggester**: cross-validated, grouped by document (five folds: trained on
  four focus groups, tested on the fifth), at the fixed thresholds 0.5 and
  0.3, and at the threshold each fold's Suggester chose by its own grouped
  cross-validation on its four training documents (``threshold_``, the default
  ``suggest(threshold="cv")``; nested, so the held-out document never helps
  choose it).
- **rule coder**: ``qk.code`` with the shipped codebooks (no training; all turns).
- **majority class**: per code the majority class, which is "absent" for every
  code, so it predicts nothing.
- **most frequent code**: the code used most in the training documents,
  predicted on every turn of the test document.

Run from the project root::

    .venv/bin/python benchmarks/bench_suggest.py
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.model_selection import GroupKFold

import qualkit as qk
from qualkit.coding import codings_from_table

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "gold" / "codering_mens.csv"
DATA = ROOT / "data" / "afstemming"
BOOKS = [ROOT / "codebooks" / f"{name}.yaml" for name in ("assemblage", "leiderschap", "netwerkthemas")]
GOLD_CODER = "mens"


def load() -> tuple[qk.Corpus, pd.DataFrame, pd.DataFrame]:
    """Return the corpus of the gold documents, their turns and the gold coded frame (coder ``mens``)."""
    table = pd.read_csv(GOLD, keep_default_na=False)
    docs = sorted(table["doc_id"].unique())
    files = [_source(doc) for doc in docs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = qk.load_corpus(files, participants=DATA / "participants.csv", documents=DATA / "documents.csv")
    # Each document has one coder (LV or AI, see data/gold/README.md); together they are one gold coding.
    table["coder"] = GOLD_CODER
    gold = codings_from_table(table, corpus, BOOKS, source=str(GOLD))
    return corpus, corpus.segments("turn"), gold


def _source(doc: str) -> Path:
    """Return the one transcript file of a document id (.txt, .docx or .vtt)."""
    found = sorted(DATA.glob(f"{doc}.*"))
    if len(found) != 1:
        raise SystemExit(f"{GOLD}: document {doc!r} needs exactly one file in {DATA}, found {len(found)}")
    return found[0]


def predicted_rows(turns: pd.DataFrame, code: str, coder: str) -> pd.DataFrame:
    """Whole-turn codings of one code on every turn (the most-frequent-code baseline)."""
    rows = turns[["doc_id", "segment_id", "start", "end", "text"]].copy()
    rows["code"], rows["coder"] = code, coder
    return rows


def cross_validated(turns: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                                                      pd.DataFrame, float]:
    """Return the Suggester's out-of-fold suggestions (threshold 0.3; the "cv" threshold), the
    threshold each fold chose, the most-frequent-code baseline's predictions, and the model seconds.

    One fold per document. A fold's threshold comes from the Suggester's own grouped
    cross-validation inside ``fit``, on that fold's training documents only: the held-out document
    plays no part in choosing it.
    """
    low_rows, cv_rows, chosen, frequent_rows, seconds = [], [], [], [], 0.0
    docs = turns["doc_id"].to_numpy()
    for fit_idx, test_idx in GroupKFold(n_splits=len(set(docs))).split(turns, groups=docs):
        fit_docs, test = set(docs[fit_idx]), turns.iloc[test_idx]
        train_gold = gold[gold["doc_id"].isin(fit_docs)]
        started = time.perf_counter()
        model = qk.Suggester().fit(turns.iloc[fit_idx], train_gold, coder=GOLD_CODER)
        low_rows.append(model.suggest(test, threshold=0.3))  # rows >= 0.5 are the default threshold
        cv_rows.append(model.suggest(test, threshold="cv"))
        seconds += time.perf_counter() - started
        held_out = test["doc_id"].iloc[0]
        chosen.append({"held_out": held_out, "threshold": model.threshold_, "codes_learned": len(model.codes_)})
        most = train_gold["code"].value_counts().index[0]
        frequent_rows.append(predicted_rows(test, most, "baseline:most_frequent"))
    return pd.concat(low_rows), pd.concat(cv_rows), pd.DataFrame(chosen), pd.concat(frequent_rows), seconds


def scores(name: str, coded: pd.DataFrame, predicted: str, turns: pd.DataFrame, codes: list[str]) -> list[dict]:
    result = qk.evaluate(coded, gold=GOLD_CODER, predicted=predicted, units=turns, codes=codes)
    out = []
    for row in result.overall.itertuples():
        out.append({"approach": name, "average": row.code, "precision": row.precision, "recall": row.recall,
                    "f1": row.f1, "tp": row.tp, "fp": row.fp, "fn": row.fn})
    return out


def main() -> None:
    corpus, turns, gold = load()
    codes = list(dict.fromkeys(gold["code"]))
    print(f"gold: {len(gold)} codings of {gold['segment_id'].nunique()} turns; "
          f"{len(turns)} turns in {turns['doc_id'].nunique()} documents; {len(codes)} codes")
    started = time.perf_counter()
    rules = qk.code(corpus, [qk.read_codebook(p) for p in BOOKS], unit="turn")
    rule_seconds = time.perf_counter() - started
    suggested, chosen_cv, chosen, frequent, model_seconds = cross_validated(turns, gold)
    rows = []
    default = suggested[suggested["probability"] >= 0.5]
    rows += scores("Suggester (grouped CV, threshold 0.5)", pd.concat([gold, default]), "auto:model", turns, codes)
    rows += scores("Suggester (grouped CV, threshold 0.3)", pd.concat([gold, suggested]), "auto:model", turns, codes)
    rows += scores("Suggester (grouped CV, threshold chosen by inner CV)", pd.concat([gold, chosen_cv]),
                   "auto:model", turns, codes)
    rows += scores("rule coder", pd.concat([gold, rules]), "auto:rules", turns, codes)
    rows += [{"approach": "majority class (predicts nothing)", "average": avg, "precision": float("nan"),
              "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": len(gold.drop_duplicates(["segment_id", "code"]))}
             for avg in ("micro", "macro")]
    rows += scores("most frequent code", pd.concat([gold, frequent]), "baseline:most_frequent", turns, codes)
    table = pd.DataFrame(rows)
    print(table.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else table.round(3).to_string(index=False))
    print(f"\nSuggester fit+suggest over the folds: {model_seconds:.1f} s; rule coder: {rule_seconds:.1f} s")
    print("\nRule coder per gold coder (LV's documents were used when the codebook rules were checked):")
    for coder, docs in pd.read_csv(GOLD, keep_default_na=False).groupby("coder")["doc_id"]:
        units = turns[turns["doc_id"].isin(set(docs))]
        part = pd.concat([gold[gold["doc_id"].isin(set(docs))], rules[rules["doc_id"].isin(set(docs))]])
        micro = qk.evaluate(part, gold=GOLD_CODER, predicted="auto:rules", units=units, codes=codes).overall.iloc[0]
        print(f"  {coder} ({len(set(docs))} documents): micro precision {micro['precision']:.3f}, "
              f"recall {micro['recall']:.3f}, F1 {micro['f1']:.3f}")
    for label, frame in (("threshold 0.5", default), ("threshold chosen by inner CV", chosen_cv)):
        per_code = qk.evaluate(pd.concat([gold, frame]), gold=GOLD_CODER, predicted="auto:model", units=turns,
                               codes=codes)
        print(f"\nSuggester per code (grouped CV, {label}):")
        print(per_code.scores.round(3).to_string(index=False))
    print("\nThreshold chosen in each fold (inner grouped CV on its four training documents):")
    print(chosen.to_string(index=False))
    print("\nSuggester.report() on all gold documents (its own grouped CV):")
    print(qk.Suggester().fit(turns, gold, coder=GOLD_CODER).report().round(3).to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
