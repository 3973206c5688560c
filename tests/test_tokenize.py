"""The compiled tokenizer against the pure-Python one and against TOKEN_RE itself."""

from __future__ import annotations

import tracemalloc
from collections import OrderedDict
from functools import reduce
from operator import or_

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import _tokenize
from qualkit._tokenize import COMPILED, _char_bits_python, _tokenize_python, char_bits, tokenize
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


# -- char_bits: per text, the OR of a per-character bit table

BITS_IMPLEMENTATIONS = [pytest.param(char_bits, id="char_bits"), pytest.param(_char_bits_python, id="python")]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]


def _bits_by_hand(texts, lut):
    """The OR per text, one character at a time in plain Python ints."""
    table = [int(v) for v in lut]
    return [reduce(or_, (table[ord(c)] if ord(c) < len(table) else 0 for c in t), 0) for t in texts]


@st.composite
def tables(draw):
    """A table of 1..300 entries of a random unsigned dtype, values up to its maximum."""
    dtype = draw(st.sampled_from(UNSIGNED))
    top = int(np.iinfo(dtype).max)
    values = draw(st.lists(st.integers(0, top), min_size=1, max_size=300))
    return np.array(values, dtype=dtype)


# the tokenizer's pieces (all three str kinds) plus a NUL (the twin's own separator, with bits
# here), a lone surrogate and a few low code points that random tables reach
BIT_PIECES = PIECES + ["\0", "\udcff", "\x01", "\x7f", "\u0100", "\u012b"]
bit_texts_strategy = st.lists(st.lists(st.sampled_from(BIT_PIECES), max_size=30).map("".join), max_size=8)


@settings(max_examples=200, deadline=None)
@given(texts=bit_texts_strategy, lut=tables())
def test_char_bits_compiled_equals_numpy_equals_plain_python(texts, lut):
    got = char_bits(texts, lut)
    twin = _char_bits_python(texts, lut)
    assert got.dtype == twin.dtype == lut.dtype
    assert got.tolist() == twin.tolist() == _bits_by_hand(texts, lut)
    assert len(got) == len(texts)


@settings(max_examples=50, deadline=None)
@given(texts=bit_texts_strategy, lut=tables())
def test_char_bits_for_a_table_covering_every_kind(texts, lut):
    # a table past 0xFFFF: the 1- and 2-byte loops skip the bound check; the CJK sign and the
    # mathematical letter (4-byte kind) have bits, the emoji (0x1F600) lies beyond the table
    big = np.zeros(0x1D401, dtype=lut.dtype)
    big[: len(lut)] = lut
    big[0x4E2D] = 1 << 5
    big[0x1D400] = 1 << 7
    expected = _bits_by_hand(texts, big)
    assert char_bits(texts, big).tolist() == _char_bits_python(texts, big).tolist() == expected


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
def test_char_bits_by_hand(bits):
    lut = np.zeros(0x201D, dtype=np.uint32)
    lut[ord("?")] = 1
    lut[ord(",")] = 2
    lut[0x2019] = 1 << 31  # the curly apostrophe
    lut[0x201C] = 1 << 30  # the left curly double quote, the table's last entry
    texts = ["Waarom?", "zo\u2019n dag, echt", "\u201cNee\u201d, zei ze", "\U0001f600?", "geen"]
    # U+201D (the right quote) and the emoji are beyond the table: they count as 0
    expected = [1, (1 << 31) | 2, (1 << 30) | 2, 1, 0]
    got = bits(texts, lut)
    assert got.dtype == np.uint32
    assert got.tolist() == expected


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
@pytest.mark.parametrize("dtype", UNSIGNED)
def test_char_bits_of_no_texts_is_empty(bits, dtype):
    got = bits([], np.ones(10, dtype=dtype))
    assert got.dtype == dtype
    assert got.tolist() == []


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
def test_char_bits_of_empty_texts_is_zero(bits):
    # lut[0] has bits: an empty text must not pick up the twin's NUL separator
    lut = np.full(128, 3, dtype=np.uint8)
    assert bits(["", "a", "", ""], lut).tolist() == [0, 3, 0, 0]


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
def test_char_bits_with_an_empty_table_is_zero(bits):
    got = bits(["abc", "", "\U0001f600\u4e2d"], np.zeros(0, dtype=np.uint16))
    assert got.dtype == np.uint16
    assert got.tolist() == [0, 0, 0]


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
def test_char_bits_of_a_text_of_a_million_characters(bits):
    # one '?' per 1000 characters and a single '!' at the very end
    lut = np.zeros(128, dtype=np.uint64)
    lut[ord("?")] = 1 << 63
    lut[ord("!")] = 1
    text = ("x" * 999 + "?") * 1000
    assert len(text) == 1_000_000
    assert bits([text, text[:-1] + "!", "y" * 1_000_000], lut).tolist() == [1 << 63, (1 << 63) | 1, 0]


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
@pytest.mark.parametrize(("texts", "message"), [
    (["goed?", 3], "char_bits: texts[1] is int, expected str"),
    ([b"goed"], "char_bits: texts[0] is bytes, expected str"),
    (["ja", "nee", None], "char_bits: texts[2] is NoneType, expected str"),
    (["ja", np.float64("nan")], "char_bits: texts[1] is float64, expected str"),
])
def test_char_bits_of_a_text_that_is_not_str_is_a_type_error(bits, texts, message):
    with pytest.raises(TypeError) as info:
        bits(texts, np.ones(128, dtype=np.uint8))
    assert str(info.value) == message


@pytest.mark.parametrize("bits", BITS_IMPLEMENTATIONS)
@pytest.mark.parametrize(("lut", "message"), [
    (np.ones(4, dtype=np.int64), "char_bits: lut is a 1-dimensional array of int64, expected a "
                                 "one-dimensional array of unsigned integers (uint8 to uint64)"),
    (np.ones((2, 2), dtype=np.uint8), "char_bits: lut is a 2-dimensional array of uint8, expected a "
                                      "one-dimensional array of unsigned integers (uint8 to uint64)"),
])
def test_char_bits_needs_a_flat_unsigned_table(bits, lut, message):
    with pytest.raises(TypeError) as info:
        bits(["ja"], lut)
    assert str(info.value) == message


def test_char_bits_of_a_tuple_a_generator_and_a_strided_table():
    lut = np.arange(256, dtype=np.uint16)[::2]  # not contiguous: entry i is 2 * i
    expected = [2 * ord("a") | 2 * ord("b"), 0]
    assert char_bits(("ab", ""), lut).tolist() == expected
    assert char_bits((t for t in ["ab", ""]), lut).tolist() == expected


def test_the_compiled_char_bits_takes_bytes_of_native_uint64():
    ctok = _tokenize._ctokenize
    lut = np.array([0, 1 << 40, 2], dtype=np.uint64)
    # bytes one past an 8-byte boundary: the C code must not assume aligned entries
    misaligned = memoryview(b"\xff" + lut.tobytes())[1:]
    for table in (lut.tobytes(), misaligned, bytearray(lut.tobytes())):
        out = ctok.char_bits(["\x01\x02", "\x02\x03", "\x00"], table)
        assert type(out) is bytearray
        assert np.frombuffer(out, dtype=np.uint64).tolist() == [(1 << 40) | 2, 2, 0]
    with pytest.raises(ValueError) as info:
        ctok.char_bits(["a"], b"\x00" * 12)
    assert str(info.value) == ("char_bits: lut has 12 bytes, expected a whole number of "
                               "uint64 entries (8 bytes each)")
    with pytest.raises(TypeError) as info:
        ctok.char_bits(["a"], "not bytes")
    assert "bytes-like object is required, not 'str'" in str(info.value)  # CPython's own wording


def test_char_bits_repeated_calls_do_not_leak():
    texts = ["Zo\u2019n uur?", "\U0001f600 \u4e2d\u6587!", ""] * 100
    lut = np.arange(1, 200, dtype=np.uint64)
    for _ in range(3):
        char_bits(texts, lut)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            char_bits(texts, lut)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # a leaked result or table per call would be 300 * 2.4 KB or more
    assert after - before < 10_000
