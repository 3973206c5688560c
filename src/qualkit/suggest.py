"""Learned suggestions: a model trained on a researcher's own codings proposes codes.

Once a researcher has coded part of her data by hand, :class:`Suggester` learns
one linear model per code from those codings and proposes the code on segments
she has not coded yet. The proposals are suggestions for the review sheet, with
a probability and the words that weighed most (in ``matched``), never codings
that count on their own: coder ``"auto:model"``.

Features come from the Dutch layer (:mod:`qualkit.nlp`): the lemmas and
Snowball stems of the words, so ``gesprekken`` and ``gesprek`` are one feature,
plus character n-grams within words, which catch compounds
(``schoolleiderschap``) and spelling variants. Each code gets a logistic
regression with ``class_weight="balanced"``, because most codes are rare.

Cross-validation is grouped by document (:class:`~sklearn.model_selection.GroupKFold`):
turns of one focus group are alike, and a model tested on turns of a document
it has seen would look better than it is. :meth:`Suggester.report` gives the
cross-validated precision, recall and F1 per code and lists the codes with too
few examples to learn.

The same out-of-fold probabilities choose the threshold (``threshold_``): the
value on a fixed grid with the best F1 over all learned codes together (micro
F1) on the researcher's own documents. How high the probabilities of a code
run depends on the regularisation and on how rare the code is, so a fixed 0.5
is arbitrary; the chosen threshold is the default of :meth:`Suggester.suggest`
and :meth:`Suggester.report` (``threshold="cv"``). It is one number for all
codes on purpose: a threshold per code, chosen on 5 to 20 examples, fits those
examples and does worse on new documents (``benchmarks/README.md``). It is
chosen on the training documents only, so an evaluation on other documents
stays honest (``benchmarks/bench_suggest.py`` does exactly that).

Examples
--------
>>> import pandas as pd
>>> texts = ["We hebben een visie.", "Geen tijd.", "Onze visie is helder.", "Tijd tekort."] * 3
>>> starts = [100 * (i % 2) for i in range(12)]  # two segments per document
>>> segments = pd.DataFrame({"doc_id": [f"d{i // 2}" for i in range(12)],
...     "segment_id": [f"s{i}" for i in range(12)], "start": starts,
...     "end": [s + len(t) for s, t in zip(starts, texts)], "text": texts})
>>> coded = segments[segments["text"].str.contains("visie")].assign(code="k:visie", coder="LV")
>>> model = Suggester(min_examples=3).fit(segments, coded)
>>> new = pd.DataFrame({"doc_id": ["n"], "segment_id": ["n:1"], "start": [0], "end": [18],
...                     "text": ["De visie van ons."]})
>>> model.suggest(new)[["code", "coder", "matched"]].values.tolist()
[['k:visie', 'auto:model', 'visie']]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from . import nlp
from .columns import CODED_COLUMNS, MATCHED_SEP, MODEL_CODER, require_columns
from .errors import InputError

#: columns of :meth:`Suggester.suggest`: the coded columns, then the probability
SUGGESTION_COLUMNS: list[str] = [*CODED_COLUMNS, "probability"]
#: columns of :meth:`Suggester.report`
REPORT_COLUMNS: list[str] = [
    "code",
    "status",  # "learned" or "skipped"
    "n_examples",  # segments the coder gave the code
    "n_documents",  # documents those segments are in
    "precision",  # cross-validated, grouped by document
    "recall",
    "f1",
    "note",  # why a code was skipped or a score is missing, "" otherwise
]
#: the ``rule`` of a suggestion
MODEL_RULE = "model"
#: how many of the strongest word features are shown in ``matched``
N_MATCHED = 3
#: the threshold when there is no cross-validation to choose one (fewer than two documents)
DEFAULT_THRESHOLD = 0.5
#: candidate thresholds (0.05, 0.10, ..., 0.95); a coarse grid, so that the threshold is
#: not fitted to the exact probabilities of a handful of examples
THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: ``threshold=CV_THRESHOLD`` means the threshold chosen by cross-validation, ``threshold_``
CV_THRESHOLD = "cv"

_SEGMENT_NEEDED = ("doc_id", "segment_id", "start", "end", "text")
_CODED_NEEDED = ("doc_id", "start", "end", "code", "coder")


def word_features(text: str) -> list[str]:
    """Return the word features of a text: ``lemma:`` and ``stem:`` of every word.

    Examples
    --------
    >>> word_features("Gesprekken")
    ['lemma:gesprek', 'stem:gesprek']
    """
    out: list[str] = []
    for word in nlp.words(text):
        form = nlp.analyse(word)
        out.extend(f"lemma:{lemma}" for lemma in sorted(form.lemmas))
        out.append(f"stem:{form.stem}")
    return out


def character_text(text: str) -> str:
    """Return the text the character n-grams are taken from (lowercase, no diacritics).

    Examples
    --------
    >>> character_text("Coördinatie’s")
    "coordinatie's"
    """
    return nlp.strip_diacritics(nlp.unify_quotes(text.lower()))


class _Features:
    """Word (lemma/stem) tf-idf next to character n-gram tf-idf, fitted together."""

    def __init__(self, ngram_range: Sequence[int], min_df: int) -> None:
        self.words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True, min_df=min_df)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", preprocessor=character_text, ngram_range=tuple(ngram_range), sublinear_tf=True, min_df=min_df
        )

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    @property
    def n_words(self) -> int:
        return len(self.words.vocabulary_)

    def word_names(self) -> np.ndarray:
        return self.words.get_feature_names_out()


class Suggester(BaseEstimator):
    """Learn codes from a researcher's codings and suggest them on new segments.

    Parameters
    ----------
    min_examples : int
        A code needs at least this many coded segments (and as many uncoded
        ones) to be learned; rarer codes are skipped and listed in :meth:`report`.
    C : float
        Inverse regularisation strength of the logistic regressions.
    ngram_range : tuple of int
        Lengths of the character n-grams (within words).
    min_df : int
        A feature must occur in at least this many training segments.
    n_splits : int
        Folds of the grouped cross-validation (at most the number of documents).
    random_state : int
        Seed of the solver, for repeatable results.

    Attributes
    ----------
    codes_ : list of str
        The codes learned.
    skipped_ : dict of str to int
        Codes with too few examples, with their number of coded segments.
    models_ : dict of str to LogisticRegression
        One fitted model per learned code.
    features_ : object
        The fitted feature extraction (word and character tf-idf).
    coders_ : list of str
        The coders whose codings were learned from.
    cv_probabilities_ : pandas.DataFrame
        Out-of-fold probabilities (segment x learned code) of the grouped
        cross-validation; empty when there are fewer than two documents.
    threshold_ : float
        The threshold of :data:`THRESHOLD_GRID` with the best out-of-fold F1
        over all learned codes pooled (see :func:`best_threshold`);
        :data:`DEFAULT_THRESHOLD` without cross-validation or learned codes.
    labels_ : pandas.DataFrame
        The training labels (segment x code, 0/1).

    Examples
    --------
    >>> Suggester(min_examples=3).get_params()["min_examples"]
    3
    """

    def __init__(
        self,
        min_examples: int = 5,
        C: float = 1.0,
        ngram_range: tuple[int, int] = (3, 5),
        min_df: int = 1,
        n_splits: int = 5,
        random_state: int = 0,
    ) -> None:
        self.min_examples = min_examples
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.n_splits = n_splits
        self.random_state = random_state

    # ------------------------------------------------------------ fitting

    def fit(self, segments: pd.DataFrame, coded: pd.DataFrame, coder: str | Sequence[str] | None = None) -> Suggester:
        """Learn one model per code from the codings of ``coder`` on ``segments``.

        Parameters
        ----------
        segments : pandas.DataFrame
            The segments the coder worked on (``corpus.segments("turn")``).
            Only segments of documents the coder coded are used: elsewhere an
            uncoded segment is unknown, not a negative example.
        coded : pandas.DataFrame
            A coded frame; a segment is a positive example of a code when a
            coding of that code overlaps it.
        coder : str or sequence of str, optional
            Whose codings to learn; default every coder whose name does not
            start with ``"auto:"`` (people, not the rule coder or a model).

        Returns
        -------
        Suggester
            ``self``, fitted.
        """
        _check_columns(segments, _SEGMENT_NEEDED, "Suggester.fit: segments")
        _check_columns(coded, _CODED_NEEDED, "Suggester.fit: coded")
        coders = self._coders(coded, coder)
        mine = coded[coded["coder"].isin(coders)]
        train = segments[segments["doc_id"].isin(set(mine["doc_id"]))].reset_index(drop=True)
        labels = _labels(train, mine)
        counts = labels.sum(axis=0).astype(int)
        negatives = len(labels) - counts
        learnable = [c for c in labels.columns if counts[c] >= self.min_examples and negatives[c] >= self.min_examples]
        self.coders_ = coders
        self.labels_ = labels
        self.skipped_ = {c: int(counts[c]) for c in labels.columns if c not in learnable}
        self.codes_ = learnable
        self.code_info_ = _code_info(mine)
        self._train_ = train
        self.features_ = _Features(self.ngram_range, self.min_df)
        texts = train["text"].astype(str).tolist()
        matrix = self.features_.fit_transform(texts) if len(texts) else None
        self.models_ = {c: self._model().fit(matrix, labels[c].to_numpy()) for c in learnable}
        self.cv_probabilities_ = self._cross_validate(train, labels, learnable)
        self.threshold_ = self._cv_threshold(labels)
        return self

    def _cv_threshold(self, labels: pd.DataFrame) -> float:
        """Return the threshold with the best pooled out-of-fold F1 over the learned codes."""
        if self.cv_probabilities_.empty:
            return DEFAULT_THRESHOLD
        codes = list(self.cv_probabilities_.columns)
        return best_threshold(labels[codes].to_numpy().ravel(), self.cv_probabilities_.to_numpy().ravel())

    def _coders(self, coded: pd.DataFrame, coder: str | Sequence[str] | None) -> list[str]:
        found = list(dict.fromkeys(coded["coder"].dropna().tolist()))
        if coder is None:
            chosen = [c for c in found if not str(c).startswith("auto:")]
        else:
            chosen = [coder] if isinstance(coder, str) else list(coder)
        unknown = [c for c in chosen if c not in found]
        if not chosen or unknown:
            what = (
                f"coder {', '.join(map(repr, unknown))} has no coding in the coded frame"
                if unknown
                else "the coded frame has no coding by a person (a coder not named auto:...)"
            )
            raise InputError(
                f"Suggester.fit: {what}; the coders found are "
                f"{', '.join(map(repr, found)) or 'none'}; pass coder= with the name of the coder to learn from"
            )
        return chosen

    def _model(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000,
            random_state=self.random_state,
        )

    def _cross_validate(self, train: pd.DataFrame, labels: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
        """Return out-of-fold probabilities; each fold's features are fitted on its training documents only."""
        groups = train["doc_id"].to_numpy()
        n_docs = len(set(groups))
        out = pd.DataFrame(np.nan, index=labels.index, columns=codes)
        if n_docs < 2 or not codes:
            return out.iloc[0:0]
        texts = train["text"].astype(str).to_numpy()
        for fit_idx, test_idx in GroupKFold(n_splits=min(self.n_splits, n_docs)).split(texts, groups=groups):
            features = _Features(self.ngram_range, self.min_df)
            x_fit = features.fit_transform(texts[fit_idx].tolist())
            x_test = features.transform(texts[test_idx].tolist())
            for code in codes:
                y = labels[code].to_numpy()[fit_idx]
                if y.min() == y.max():  # this fold's training documents hold one class only
                    out.iloc[test_idx, out.columns.get_loc(code)] = float(y[0])
                    continue
                model = self._model().fit(x_fit, y)
                out.iloc[test_idx, out.columns.get_loc(code)] = model.predict_proba(x_test)[:, 1]
        return out

    # ------------------------------------------------------------ using

    def suggest(self, segments: pd.DataFrame, threshold: float | str = CV_THRESHOLD) -> pd.DataFrame:
        """Return the codes the models propose on ``segments``.

        Parameters
        ----------
        segments : pandas.DataFrame
            Segments to code (a segments frame).
        threshold : float or "cv"
            A code is suggested when its probability is at least this; ``"cv"``
            (the default) is ``threshold_``, chosen by the grouped
            cross-validation on the training documents.

        Returns
        -------
        pandas.DataFrame
            :data:`SUGGESTION_COLUMNS`: the coded columns (coder
            ``"auto:model"``, rule ``"model"``, ``matched`` the strongest word
            features found in the segment) and ``probability``, sorted by
            document, position in the text and descending probability.
        """
        check_is_fitted(self, "models_")
        _check_columns(segments, _SEGMENT_NEEDED, "Suggester.suggest: segments")
        cutoff = self._cutoff(threshold, "Suggester.suggest")
        frame = segments.reset_index(drop=True)
        if frame.empty or not self.codes_:
            return pd.DataFrame(columns=SUGGESTION_COLUMNS)
        matrix = self.features_.transform(frame["text"].astype(str).tolist())
        rows: list[dict[str, Any]] = []
        for code in self.codes_:
            model = self.models_[code]
            probability = model.predict_proba(matrix)[:, 1]
            for i in np.flatnonzero(probability >= cutoff):
                rows.append(self._suggestion(frame.iloc[i], code, float(probability[i]), matrix[i], model))
        out = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
        order = ["doc_id", "start", "probability"]
        return out.sort_values(order, ascending=[True, True, False], kind="stable").reset_index(drop=True)

    def _cutoff(self, threshold: float | str, where: str) -> float:
        """Return the threshold to use, or raise for a bad ``threshold``."""
        if isinstance(threshold, str) and threshold == CV_THRESHOLD:
            return self.threshold_
        if isinstance(threshold, str) or not 0 <= threshold <= 1:
            raise InputError(
                f"{where}: threshold must be between 0 and 1, or {CV_THRESHOLD!r} for the threshold "
                f"chosen by cross-validation, got {threshold!r}"
            )
        return float(threshold)

    def _suggestion(
        self, segment: pd.Series, code: str, probability: float, x: sparse.csr_matrix, model: LogisticRegression
    ) -> dict[str, Any]:
        info = self.code_info_.get(code, {})
        row = {c: segment[c] if c in segment.index else None for c in CODED_COLUMNS}
        row.update(
            code=code,
            code_name=info.get("code_name", code.split(":", 1)[-1]),
            code_path=info.get("code_path", info.get("code_name", code.split(":", 1)[-1])),
            namespace=info.get("namespace", code.split(":", 1)[0] if ":" in code else ""),
            coder=MODEL_CODER,
            rule=MODEL_RULE,
            matched=self._strongest_words(x, model),
            memo="",
            probability=probability,
        )
        return row

    def _strongest_words(self, x: sparse.csr_matrix, model: LogisticRegression) -> str:
        """Return the word features of the segment that push most towards the code."""
        n = self.features_.n_words
        words = x[:, :n].tocoo()
        weight = words.data * model.coef_[0, :n][words.col]
        names = self.features_.word_names()
        best = [names[words.col[i]].split(":", 1)[1] for i in np.argsort(-weight) if weight[i] > 0]
        return MATCHED_SEP.join(list(dict.fromkeys(best))[:N_MATCHED])

    def report(self, threshold: float | str = CV_THRESHOLD) -> pd.DataFrame:
        """Return the grouped cross-validated precision, recall and F1 per code.

        Parameters
        ----------
        threshold : float or "cv"
            The probability from which a code counts as suggested; ``"cv"``
            (the default) is ``threshold_``, the threshold :meth:`suggest` uses.
            That threshold was chosen on these same out-of-fold probabilities,
            so its scores are slightly optimistic (one number fitted over all
            codes); a held-out document gives the unbiased figure.

        Returns
        -------
        pandas.DataFrame
            :data:`REPORT_COLUMNS`: learned codes first, then skipped codes
            with their number of examples; scores are NaN (with a note) where
            they cannot be computed.
        """
        check_is_fitted(self, "models_")
        cutoff = self._cutoff(threshold, "Suggester.report")
        docs = self._train_["doc_id"].to_numpy()
        rows = []
        for code in self.labels_.columns:
            y = self.labels_[code].to_numpy().astype(int)
            base = {"code": code, "n_examples": int(y.sum()), "n_documents": len(set(docs[y == 1]))}
            if code in self.skipped_:
                note = f"too few examples to learn: {int(y.sum())} coded, {len(y) - int(y.sum())} uncoded; " \
                       f"needs {self.min_examples} of each"
                rows.append({**base, "status": "skipped", "precision": np.nan, "recall": np.nan, "f1": np.nan,
                             "note": note})
                continue
            if self.cv_probabilities_.empty:
                rows.append({**base, "status": "learned", "precision": np.nan, "recall": np.nan, "f1": np.nan,
                             "note": "cross-validation needs codings in two or more documents"})
                continue
            predicted = (self.cv_probabilities_[code].to_numpy() >= cutoff).astype(int)
            tp = int(((predicted == 1) & (y == 1)).sum())
            fp = int(((predicted == 1) & (y == 0)).sum())
            fn = int(((predicted == 0) & (y == 1)).sum())
            nan = float("nan")
            rows.append({**base, "status": "learned",
                         "precision": tp / (tp + fp) if tp + fp else nan,
                         "recall": tp / (tp + fn) if tp + fn else nan,
                         "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
                         "note": "" if tp + fp else "nothing predicted in cross-validation: precision undefined"})
        frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
        frame["_order"] = frame["status"].map({"learned": 0, "skipped": 1})
        return frame.sort_values(["_order", "code"], kind="stable").drop(columns="_order").reset_index(drop=True)


def best_threshold(y: np.ndarray, probability: np.ndarray) -> float:
    """Return the threshold of :data:`THRESHOLD_GRID` with the best F1 for labels ``y``.

    Ties (often: a whole range of thresholds gives the same predictions) go to
    the middle of the tied thresholds, away from the edges where one more or one
    fewer example would change the result. When no threshold finds a single
    example (F1 0 everywhere) the answer is :data:`DEFAULT_THRESHOLD`.

    Examples
    --------
    >>> best_threshold(np.array([1, 1, 0, 0]), np.array([0.4, 0.3, 0.2, 0.1]))
    0.25
    >>> best_threshold(np.array([1, 0]), np.array([0.01, 0.9]))  # the one example is never found
    0.5
    """
    y = np.asarray(y).astype(bool)
    probability = np.asarray(probability, dtype=float)
    scores = []
    for t in THRESHOLD_GRID:
        predicted = probability >= t
        tp = int((predicted & y).sum())
        wrong = int((predicted & ~y).sum()) + int((~predicted & y).sum())
        scores.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    best = max(scores)
    if best == 0:
        return DEFAULT_THRESHOLD
    tied = [t for t, f1 in zip(THRESHOLD_GRID, scores) if f1 == best]
    return tied[(len(tied) - 1) // 2]


def _check_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    require_columns(frame, needed, what, f"at least {', '.join(needed)} (see qualkit.columns)")


def _labels(train: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Return segment x code 0/1: a code is present where one of its codings overlaps the segment."""
    codes = list(dict.fromkeys(coded["code"].dropna().tolist()))
    labels = pd.DataFrame(0, index=train.index, columns=codes)
    starts, ends = train["start"].to_numpy(), train["end"].to_numpy()
    docs = train["doc_id"].to_numpy()
    for doc, code, start, end in coded[["doc_id", "code", "start", "end"]].itertuples(index=False):
        end = max(int(end), int(start) + 1)
        hit = (docs == doc) & (starts < end) & (int(start) < ends)
        labels.loc[hit, code] = 1
    return labels


def _code_info(coded: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Return code -> code_name, code_path, namespace as the coded frame gives them."""
    info: dict[str, dict[str, str]] = {}
    for column in ("code_name", "code_path", "namespace"):
        if column not in coded.columns:
            continue
        for code, value in coded[["code", column]].dropna().drop_duplicates("code").itertuples(index=False):
            info.setdefault(code, {})[column] = value
    return info

