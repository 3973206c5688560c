"""The compiled tokenizer against the pure-Python one and against TOKEN_RE itself."""

from __future__ import annotations

import tracemalloc
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import _tokenize
from qualkit._tokenize import COMPILED, _tokenize_python, tokenize
from qualkit.nlp import TOKEN_RE

SEPARATORS = ["'", "\u2019", "\u2018", "`", "\u00b4", "-", "\u2010", "\u2011"]

# Pieces that sit on the edges of \w and of the separators: letters whose case or
# category is odd (ß ſ ı İ), a combining mark (not \w), digits of category No
# (² ½, which are \w), an Arabic-Indic digit, CJK (2-byte str kind), an emoji and a
# mathematical letter (4-byte kind), NBSP, newline and the ellipsis.
PIECES = (
    list("abzAZ09_ ")
    + SEPARATORS
    + [s + s for s in SEPARATORS]
    + ["\u00e9", "\u00df", "\u017f", "\u0131", "\u0130", "\u0308", "\u4e2d", "\u6587",
       "\U0001f600", "\U0001d400", "\u00b2", "\u00bd", "\u0663", "\u00a0", "\n", "\u2026",
       "zo'n", "e-mail", "\u2018t"]
)

texts_strategy = st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), max_size=6)
IMPLEMENTATIONS = [pytest.param(tokenize, id="tokenize"), pytest.param(_tokenize_python, id="python")]


def _by_regex(texts, vocab):
    """Forms, starts and bounds straight from TOKEN_RE, to check both implementations against."""
    forms, starts, bounds = [], [], [0]
    for text in texts:
        assert TOKEN_RE.findall(text) == [m.group() for m in TOKEN_RE.finditer(text)]
        for m in TOKEN_RE.finditer(text):
            forms.append(m.group())
            starts.append(m.start())
        bounds.append(len(forms))
    return forms, starts, bounds


@settings(max_examples=200, deadline=None)
@given(texts=texts_strategy, known=st.lists(st.sampled_from(["a", "zo'n", "\u00df", "9"]), unique=True))
def test_compiled_equals_python_equals_regex(texts, known):
    # a vocab that already holds some forms, with ids 0..n-1 in reverse order
    start_vocab = {form: len(known) - 1 - i for i, form in enumerate(known)}
    vocab_c, vocab_py = dict(start_vocab), dict(start_vocab)
    got = tokenize(texts, vocab_c)
    expected = _tokenize_python(texts, vocab_py)

    assert list(vocab_c.items()) == list(vocab_py.items())
    for array_c, array_py, dtype in zip(got, expected, [np.int32, np.int32, np.int64]):
        assert array_c.dtype == array_py.dtype == dtype
        assert array_c.tolist() == array_py.tolist()
        assert array_c.flags.writeable

    forms, starts, bounds = _by_regex(texts, vocab_c)
    form_of = {i: form for form, i in vocab_c.items()}
    assert [form_of[i] for i in got[0].tolist()] == forms
    assert got[1].tolist() == starts
    assert got[2].tolist() == bounds
    # new forms get the next free ids, in the order they first occur
    new = [form for form in dict.fromkeys(forms) if form not in start_vocab]
    assert list(vocab_c)[len(start_vocab):] == new
    assert [vocab_c[form] for form in new] == list(range(len(start_vocab), len(vocab_c)))


@pytest.mark.parametrize("tok", IMPLEMENTATIONS)
def test_dutch_edges_by_hand(tok):
    vocab = {"avonds": 7}
    texts = ("'s avonds e-mail--adres", "a\u2010b\u2011c\u2019d x\u00b2\u00bd e\u0308n", "avonds-")
    ids, starts, bounds = tok(texts, vocab)
    # a separator at an edge or before another separator does not join; the
    # combining diaeresis is not a word character, so it splits 'ën' written as e + U+0308
    assert list(vocab) == ["avonds", "s", "e-mail", "adres", "a\u2010b\u2011c\u2019d", "x\u00b2\u00bd", "e", "n"]
    assert list(vocab.values()) == [7, 1, 2, 3, 4, 5, 6, 7]
    assert ids.tolist() == [1, 7, 2, 3, 4, 5, 6, 7, 7]
    assert starts.tolist() == [1, 3, 10, 18, 0, 8, 12, 14, 0]
    assert bounds.tolist() == [0, 4, 8, 9]


@pytest.mark.parametrize("tok", IMPLEMENTATIONS)
def test_empty_list(tok):
    vocab = {}
    ids, starts, bounds = tok([], vocab)
    assert (ids.dtype, starts.dtype, bounds.dtype) == (np.int32, np.int32, np.int64)
    assert (ids.tolist(), starts.tolist(), bounds.tolist(), vocab) == ([], [], [0], {})


@pytest.mark.parametrize("tok", IMPLEMENTATIONS)
def test_empty_texts_and_separators_only(tok):
    vocab = {}
    ids, starts, bounds = tok(["", "'-\u2019\u2018`\u00b4\u2010\u2011 --''", ""], vocab)
    assert (ids.tolist(), starts.tolist(), bounds.tolist(), vocab) == ([], [], [0, 0, 0, 0], {})


@pytest.mark.parametrize("tok", IMPLEMENTATIONS)
@pytest.mark.parametrize(("texts", "message"), [
    (["goed", 3], "tokenize: texts[1] is int, expected str"),
    ([b"goed"], "tokenize: texts[0] is bytes, expected str"),
    (["ja", "nee", None], "tokenize: texts[2] is NoneType, expected str"),
    (["ja", np.float64("nan")], "tokenize: texts[1] is float64, expected str"),
])
def test_a_text_that_is_not_str_is_a_type_error(tok, texts, message):
    with pytest.raises(TypeError) as info:
        tok(texts, {})
    assert str(info.value) == message


def test_any_iterable_of_str_and_a_dict_subclass_give_the_same_result():
    expected = _tokenize_python(["ik en jij", "jij"], {})
    got_tuple = tokenize(("ik en jij", "jij"), {})
    got_generator = tokenize((t for t in ["ik en jij", "jij"]), {})
    ordered = OrderedDict()
    got_ordered = tokenize(["ik en jij", "jij"], ordered)
    for got in (got_tuple, got_generator, got_ordered):
        assert [a.tolist() for a in got] == [a.tolist() for a in expected]
    assert list(ordered.items()) == [("ik", 0), ("en", 1), ("jij", 2)]


def test_the_compiled_tokenizer_is_built_and_used():
    # pip install -e . builds it; an install without it must fail here, not just run slower
    assert COMPILED is True
    assert _tokenize._ctokenize is not None
    ids, starts, bounds = _tokenize._ctokenize.tokenize(["zo'n dag"], {})
    assert type(ids) is bytearray
    assert np.frombuffer(ids, dtype=np.int32).tolist() == [0, 1]


def test_repeated_calls_do_not_leak():
    texts = ["De leerlingen werken in groepjes aan 'n opdracht \u2014 zo'n uur.", "\U0001f600 \u4e2d\u6587 e-mail"] * 50
    vocab = {}
    for _ in range(3):
        tokenize(texts, vocab)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            tokenize(texts, vocab)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # one leaked form per token would be ~300 * 1500 * 50 bytes; allow a few KB of noise
    assert after - before < 10_000


def test_a_form_in_texts_of_every_string_kind_has_one_id():
    # the compiled tokenizer remembers forms by their characters as stored: 1, 2 or 4 bytes each
    texts = ["werk samen", "werk \u20ac samen", "werk \U0001f600 samen", "Werk"]
    vocab: dict[str, int] = {}
    ids, _, bounds = tokenize(texts, vocab)
    assert list(vocab) == ["werk", "samen", "Werk"]  # neither the euro sign nor the emoji is a word
    assert ids.tolist() == [0, 1, 0, 1, 0, 1, 2]
    assert bounds.tolist() == [0, 2, 4, 6, 7]


def test_many_distinct_forms_in_one_call():
    # more forms than the compiled form cache starts with (it grows), with repeats across texts
    words = [f"woord{i}" for i in range(20_000)]
    texts = [" ".join(words[i : i + 50]) for i in range(0, 20_000, 25)]
    got_vocab: dict[str, int] = {}
    expected_vocab: dict[str, int] = {}
    got = tokenize(texts, got_vocab)
    expected = _tokenize_python(texts, expected_vocab)
    assert [a.tolist() for a in got] == [a.tolist() for a in expected]
    assert got_vocab == expected_vocab and len(got_vocab) == 20_000
