"""The bulk form analysis (qualkit._forms, TermMatcher.match_pairs, RegexPrefilter.group_pairs).

The bulk methods must give exactly what the per-form methods give
(TermMatcher.match_form, RegexPrefilter.form_groups), which the rest of the
test suite pins to the semantics of codebooks/README.md.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import _forms, nlp
from qualkit._forms import COMPILED, IdSets, KeyTable, _KeyTablePython, pair_sets, unique_pairs
from qualkit.coding import RegexPrefilter, RuleCoder
from qualkit.nlp import TermMatcher

ROOT = Path(__file__).resolve().parents[1]
IMPLEMENTATIONS = [pytest.param(True, id="compiled"), pytest.param(False, id="python")]

# letters whose case or folding is odd (ß ſ ı İ Σ), diacritics (precomposed and combining),
# digits of other kinds (² ½ ٣), CJK, an emoji, separators, "_" (\w but not alnum), newline
PIECES = (
    list("abcdeiklnorstzACDELST0129_ -'`’")
    + ["ß", "ſ", "ı", "İ", "Σ", "é", "ë", "e\u0308", "²", "½", "٣", "中", "文", "😀", "\n", "‐",
       "school", "leider", "gesprek", "ieder", "elk", "coördinator", "zorg", "clb", "keer", "al", "in"]
)
words_strategy = st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), max_size=25)


def _shipped_coder() -> RuleCoder:
    from qualkit.codebook import read_codebooks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RuleCoder(read_codebooks(sorted((ROOT / "codebooks").glob("*.yaml"))))


@pytest.fixture(scope="module")
def shipped() -> RuleCoder:
    return _shipped_coder()


_SHIPPED: list[RuleCoder] = []


def _coder() -> RuleCoder:
    """The shipped coder for hypothesis tests (a fixture cannot be combined with @given)."""
    if not _SHIPPED:
        _SHIPPED.append(_shipped_coder())
    return _SHIPPED[0]


def _vocabulary() -> list[str]:
    """A large deterministic sample of real Dutch forms: spaCy's lemma table's forms, as the
    benchmark takes them (40,000 alphabetic), 10,000 others (hyphens, apostrophes, digits),
    and capitalised and upper-case spellings (the lemma look-up lowercases them)."""
    import spacy_lookups_data

    with gzip.open(str(spacy_lookups_data.get_file("nl_lemma_lookup.json.gz")), "rt", encoding="utf-8") as fh:
        forms = sorted(json.load(fh))
    alpha = [w for w in forms if w.isalpha() and len(w) > 2]
    other = [w for w in forms if not (w.isalpha() and len(w) > 2)]
    sample = random.Random(1).sample(alpha, 40000) + random.Random(2).sample(other, min(10000, len(other)))
    return sample + [w.capitalize() for w in sample[:3000]] + [w.upper() for w in sample[3000:5000]]


def _reference(table_keys, words, rest=0, reverse=False, substrings=False):
    """(word, key) pairs by brute force: str.startswith / endswith / in."""
    pairs = set()
    for w, word in enumerate(words):
        for k, key in enumerate(table_keys):
            if substrings:
                hit = key in word
            else:
                hit = (word.endswith(key) if reverse else word.startswith(key)) and len(word) - len(key) >= rest
            if hit:
                pairs.add((w, k))
    return pairs


# -- KeyTable -------------------------------------------------------------------------------


def test_the_compiled_key_table_is_built() -> None:
    # fails where qualkit._cforms was not compiled (pip install -e . without a C compiler)
    assert COMPILED
    assert type(KeyTable(["a"])._table).__module__ == "qualkit._cforms"


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_prefixes_by_hand(compiled: bool) -> None:
    table = KeyTable(["leer", "leerkracht", "kracht", "l"], compiled=compiled)
    at, key = table.prefixes(["leerkrachten", "leerkracht", "kracht", "", "x"], rest=2)
    # leerkrachten (12): l, leer, leerkracht (10 letters, 2 left over); leerkracht (10): l and
    # leer, not itself (0 left over); kracht (6): kracht would leave 0
    assert list(zip(at.tolist(), key.tolist())) == [(0, 3), (0, 0), (0, 1), (1, 3), (1, 0)]
    assert at.dtype == key.dtype == np.int32


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_suffixes_are_prefixes_of_a_reverse_table(compiled: bool) -> None:
    table = KeyTable(["leider", "schap", "leiderschap"], reverse=True, compiled=compiled)
    at, key = table.prefixes(["schoolleiderschap", "schoolleider", "leiderschap", "xxschap"], rest=3)
    # schoolleiderschap: schap, leiderschap (6 letters before it); schoolleider: leider;
    # leiderschap: schap (6 before) but not itself; xxschap: only 2 letters before schap
    assert list(zip(at.tolist(), key.tolist())) == [(0, 1), (0, 2), (1, 0), (2, 1)]


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_substrings_each_key_once_per_word_in_order(compiled: bool) -> None:
    table = KeyTable(["al", "als", "maal", "l"], compiled=compiled)
    at, key = table.substrings(["alsmaal", "la", ""])
    # alsmaal: at 0 "al" then "als"; at 1 "l"; at 3 "maal"; "al" again at 5 and "l" at 6 not repeated
    assert list(zip(at.tolist(), key.tolist())) == [(0, 0), (0, 1), (0, 3), (0, 2), (1, 3)]


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_words_are_walked_one_by_one_never_across_two(compiled: bool) -> None:
    # a key that would span the boundary of two neighbouring words is found in neither
    table = KeyTable(["gesprek", "kge"], compiled=compiled)
    at, key = table.substrings(["ges", "prek", "ge"])
    assert at.tolist() == key.tolist() == []
    at, key = KeyTable(["sprek"], reverse=True, compiled=compiled).prefixes(["ge", "sprek"])
    assert list(zip(at.tolist(), key.tolist())) == [(1, 0)]


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_empty_key_and_empty_inputs(compiled: bool) -> None:
    table = KeyTable(["", "a"], compiled=compiled)
    at, key = table.prefixes(["ab", ""], rest=1)
    # "" leaves 2 letters of "ab" and 0 of "" (fewer than 1); "a" leaves 1 of "ab"
    assert list(zip(at.tolist(), key.tolist())) == [(0, 0), (0, 1)]
    at, key = table.substrings(["", "b"])
    assert list(zip(at.tolist(), key.tolist())) == [(0, 0), (1, 0)]
    empty = KeyTable([], compiled=compiled)
    assert len(empty) == 0
    for at, key in (empty.prefixes(["a"]), empty.substrings(["a"]), table.prefixes([]), table.substrings([])):
        assert at.tolist() == key.tolist() == []


@pytest.mark.parametrize("compiled", IMPLEMENTATIONS)
def test_key_table_errors(compiled: bool) -> None:
    with pytest.raises(ValueError, match=r"^KeyTable: keys\[2\] = 'ab' is also keys\[0\]; keys must be distinct$"):
        KeyTable(["ab", "b", "ab"], compiled=compiled)
    with pytest.raises(ValueError, match=r"^KeyTable: keys\[2\] = 'ba' is also keys\[1\]; keys must be distinct$"):
        KeyTable(["ab", "ba", "ba"], reverse=True, compiled=compiled)  # the message names the key as written
    with pytest.raises(TypeError, match=r"^KeyTable: keys\[1\] is int, expected str$"):
        KeyTable(["a", 5], compiled=compiled)
    table = KeyTable(["a"], compiled=compiled)
    with pytest.raises(TypeError, match=r"^KeyTable: words\[1\] is bytes, expected str$"):
        table.prefixes(["a", b"a"])
    with pytest.raises(TypeError, match=r"^KeyTable: words\[0\] is NoneType, expected str$"):
        table.substrings([None])
    with pytest.raises(ValueError, match=r"^KeyTable.prefixes: rest is -1, expected 0 or more$"):
        table.prefixes(["a"], rest=-1)


def test_reverse_table_keys_as_written_are_distinct_walks() -> None:
    # "ab" and "ba" are different keys in both directions: no error
    table = KeyTable(["ab", "ba"], reverse=True)
    at, key = table.prefixes(["xab", "xba"])
    assert list(zip(at.tolist(), key.tolist())) == [(0, 0), (1, 1)]


keys_strategy = st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ß", "ı", "İ", "中", "😀", "e\u0308", "-"]),
                                  max_size=4).map("".join), unique=True, max_size=12)
plain_words = st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ß", "ı", "İ", "中", "😀", "e\u0308", "-", "x"]),
                                max_size=8).map("".join), max_size=12)


@settings(max_examples=100, deadline=None)
@given(keys=keys_strategy, words=plain_words, rest=st.integers(0, 3), reverse=st.booleans())
def test_key_table_equals_python_twin_and_brute_force(keys, words, rest, reverse) -> None:
    compiled = KeyTable(keys, reverse=reverse, compiled=True)
    python = _KeyTablePython(keys, reverse)
    got = [x.tolist() for x in compiled.prefixes(words, rest)]
    assert got == [list(x) for x in python.prefixes(words, rest)]
    assert set(zip(*got)) == _reference(keys, words, rest, reverse)
    got = [x.tolist() for x in compiled.substrings(words)]
    assert got == [list(x) for x in python.substrings(words)]
    assert set(zip(*got)) == _reference(keys, words, substrings=True)
    assert len(set(zip(*got))) == len(got[0])  # each key once per word


def test_key_table_needs_the_extension_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_forms, "_cforms", None)
    with pytest.raises(ImportError, match=r"^qualkit._cforms is not compiled: reinstall qualkit"):
        KeyTable(["a"], compiled=True)


# -- IdSets, unique_pairs, pair_sets --------------------------------------------------------------


def test_id_sets_expand_hits_into_ids() -> None:
    sets = IdSets({"huis": {7, 2}, "school": {4}, "leeg": set()})
    rows, keys = sets.lookup(["leeg", "school", "tuin", "huis", "huis"])
    assert rows.tolist() == [0, 1, 3, 4] and keys.tolist() == [2, 1, 0, 0]
    r, i = sets.ids(rows, keys)
    assert r.tolist() == [1, 3, 3, 4, 4] and i.tolist() == [4, 2, 7, 2, 7]
    r, i = sets.ids(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert r.tolist() == i.tolist() == []
    r, i = IdSets({}).ids(*IdSets({}).lookup(["a"]))
    assert r.tolist() == i.tolist() == []


def test_unique_pairs_and_pair_sets() -> None:
    r, i = unique_pairs([np.array([3, 1, 3]), np.array([1])], [np.array([2, 9, 2]), np.array([0])], 10)
    assert list(zip(r.tolist(), i.tolist())) == [(1, 0), (1, 9), (3, 2)]
    empty = frozenset()
    assert pair_sets(r, i, 5, empty) == [empty, frozenset({0, 9}), empty, frozenset({2}), empty]
    assert pair_sets(*unique_pairs([], [], 3), 2, empty) == [empty, empty]
    assert pair_sets(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0, empty) == []


# -- TermMatcher.match_pairs ----------------------------------------------------------------------


def test_match_pairs_compound_edges_by_hand() -> None:
    m = TermMatcher([("leider", True), ("zorg*", False)])
    words = ["leiderxyz", "leiderxy", "xyzleider", "xyleider", "Zorgco", "zorg", "LEIDER", ""]
    # 3 letters after / before "leider": a compound part; 2: not; "zorg*" is a prefix of zorgco and
    # zorg; LEIDER is leider itself; none of these odd words is in the lemma table or stems to leider
    r, i = m.match_pairs(words)
    assert list(zip(r.tolist(), i.tolist())) == [(0, 0), (2, 0), (4, 1), (5, 1), (6, 0)]
    assert m.match_forms(words) == [m.match_form(w) for w in words]


def test_match_pairs_of_nothing() -> None:
    m = TermMatcher([("gesprek", True)])
    r, i = m.match_pairs([])
    assert r.tolist() == i.tolist() == [] and m.match_forms([]) == []
    assert TermMatcher([]).match_forms(["gesprek", ""]) == [frozenset(), frozenset()]


def test_match_pairs_lemma_paths() -> None:
    # the lemma found as written (gesprekken), via the normalised form only (Coördinatoren), via the
    # spelling rules (huisje: not in the table), and the form itself when nothing is known (xqzw)
    m = TermMatcher([("gesprek", False), ("coordinator", False), ("huis", False), ("xqzw", False)])
    words = ["gesprekken", "Coördinatoren", "huisje", "xqzw", "GESPREKKEN"]
    assert [sorted(x) for x in m.match_forms(words)] == [[0], [1], [2], [3], [0]]
    assert m.match_forms(words) == [m.match_form(w) for w in words]


def test_match_pairs_equals_match_form_on_real_vocabulary(shipped: RuleCoder) -> None:
    words = _vocabulary()
    fresh = TermMatcher([])  # nothing memoised: the per-form answers are computed here
    fresh.__dict__.update({k: v for k, v in shipped.matcher.__dict__.items() if k not in ("cache", "_tables")})
    fresh.cache = {}
    expected = [fresh._match_form(nlp.analyse(w)) for w in words]
    assert sum(map(bool, expected)) > 5000  # the sample exercises the matcher
    assert shipped.matcher.match_forms(words) == expected
    r, i = shipped.matcher.match_pairs(words)
    assert list(zip(r.tolist(), i.tolist())) == [(w, p) for w, ps in enumerate(expected) for p in sorted(ps)]


@settings(max_examples=100, deadline=None)
@given(words=words_strategy)
def test_match_pairs_equals_match_form_on_odd_words(words) -> None:
    m = _coder().matcher
    assert m.match_forms(words) == [m._match_form(nlp.analyse(w)) for w in words]


@settings(max_examples=50, deadline=None)
@given(words=words_strategy)
def test_match_pairs_equals_match_form_with_odd_keywords(words) -> None:
    m = TermMatcher([("coördinator", True), ("ſchool", True), ("İeder*", False), ("straße", True), ("中文", True),
                     ("e-mail", True), ("leider", True), ("al", False)])
    assert m.match_forms(words) == [m._match_form(nlp.analyse(w)) for w in words]


# -- RegexPrefilter.group_pairs -------------------------------------------------------------------


def test_group_pairs_by_hand() -> None:
    f = RegexPrefilter([(0, [re.compile(r"\b(elk|ieder) \w*gesprek", re.I)]), (1, [re.compile(r"\d+ keer", re.I)])], shift=5)
    # groups: 5 (elk|ieder at a word start), 6 (gesprek inside a word), 7 (a digit), 8 (keer at a start)
    forms = ["ge-sprek", "groepsgesprek", "ſchool", "İeder", "Elk-3", "٣", "½", "x_keer", "keer_x", "", "gesprekgesprek"]
    r, i = f.group_pairs(forms)
    # ge-sprek: two words, neither has "gesprek"; ſchool meets nothing; İeder folds to ieder;
    # Elk-3: elk and a digit; ٣ is a decimal digit, ½ is not; x_keer is one \w+ word that does not
    # start with keer, keer_x does; gesprekgesprek: 6 once
    assert list(zip(r.tolist(), i.tolist())) == [(1, 6), (3, 5), (4, 5), (4, 7), (5, 7), (8, 8), (10, 6)]
    assert f.groups_of_forms(forms) == [f.form_groups(x) for x in forms]


def test_group_pairs_of_nothing() -> None:
    f = RegexPrefilter([(0, [re.compile(r"\bja\b", re.I)])])
    r, i = f.group_pairs([])
    assert r.tolist() == i.tolist() == [] and f.groups_of_forms([]) == []
    assert RegexPrefilter([]).groups_of_forms(["ja", "3"]) == [frozenset(), frozenset()]


def test_group_pairs_equal_form_groups_on_real_vocabulary(shipped: RuleCoder) -> None:
    words = _vocabulary()
    fresh = RegexPrefilter([])
    fresh.__dict__.update({k: v for k, v in shipped.regex_filter.__dict__.items() if k not in ("cache", "_key_tables")})
    fresh.cache = {}
    expected = [fresh.form_groups(w) for w in words]
    assert sum(map(bool, expected)) > 10000
    assert shipped.regex_filter.groups_of_forms(words) == expected
    r, i = shipped.regex_filter.group_pairs(words)
    assert list(zip(r.tolist(), i.tolist())) == [(w, g) for w, gs in enumerate(expected) for g in sorted(gs)]


@settings(max_examples=100, deadline=None)
@given(words=words_strategy)
def test_group_pairs_equal_form_groups_on_odd_words(words) -> None:
    f = _coder().regex_filter
    assert f.groups_of_forms(words) == [f.form_groups(w) for w in words]


def test_bulk_methods_with_the_python_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    # what runs where qualkit._cforms could not be compiled: a fresh coder makes its tables on
    # first use, here with the pure-Python twin
    monkeypatch.setattr(_forms, "COMPILED", False)
    coder = _shipped_coder()
    words = _vocabulary()[::10] + ["İeder-ſchool", "zorg_co", "٣", ""]
    assert coder.matcher.match_forms(words) == [coder.matcher._match_form(nlp.analyse(w)) for w in words]
    assert coder.regex_filter.groups_of_forms(words) == [coder.regex_filter.form_groups(w) for w in words]
    assert type(coder.matcher._bulk_tables()[1][1]._table) is _KeyTablePython
    assert type(coder.regex_filter._tables()[0][1]._table) is _KeyTablePython


def test_analyse_many_equals_analyse_on_real_vocabulary() -> None:
    words = _vocabulary()[::5] + ["Gesprekken", "coördinatoren", "zoco’s", "CLB-medewerker", "huisje", "werkt", ""]
    assert nlp.analyse_many(words) == [nlp.analyse(w) for w in words]


@settings(max_examples=100, deadline=None)
@given(words=words_strategy)
def test_analyse_many_equals_analyse_on_odd_words(words) -> None:
    assert nlp.analyse_many(words) == [nlp.analyse(w) for w in words]


def test_term_matcher_patterns_are_those_of_word_pattern(shipped: RuleCoder) -> None:
    # the matcher analyses all words of its terms together; each pattern must be what
    # word_pattern makes of that word on its own
    from qualkit.nlp import term_words, word_pattern

    m = shipped.matcher
    terms = list(dict.fromkeys((k, cc.code.rules.compounds) for cc in shipped.codes
                               for k in (*cc.code.rules.keywords, *cc.code.rules.exclude)))
    rebuilt = TermMatcher(terms)
    for (term, compounds), seq in zip(terms, rebuilt.terms):
        assert [rebuilt.patterns[p] for p in seq] == [word_pattern(w, star, compounds) for w, star in term_words(term)]
    assert len(terms) > 2000 and len(m.patterns) >= len(rebuilt.patterns)
