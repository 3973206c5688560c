"""The Dutch language layer: normalisation, tokens, lemmas, stems and find_term."""

from __future__ import annotations

import gzip
import json
import marshal
import os
import re
import sys
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit import nlp
from qualkit.nlp import TermMatcher, find_term, norm, tokens


def spans_text(text: str, term: str, compounds: bool = False) -> list[str]:
    return [text[s:e] for s, e in find_term(text, term, compounds)]


def test_norm_folds_case_diacritics_hyphens_and_quotes():
    assert norm("Coördinator") == "coordinator"
    assert norm("co-ordinator") == "coordinator"
    assert norm("CLB-medewerker") == "clbmedewerker"
    assert norm("zoco’s") == norm("zoco's") == "zocos"
    assert norm("Één") == "een"


def test_unify_quotes_keeps_length():
    text = "“Wij” zeggen ‘ja’"
    assert nlp.unify_quotes(text) == "\"Wij\" zeggen 'ja'"
    assert len(nlp.unify_quotes(text)) == len(text)


def test_tokens_have_offsets_into_the_text():
    text = "X: De co-ördinator (zucht) zegt: “ja”."
    toks = tokens(text)
    assert [t.text for t in toks] == ["X", "De", "co-ördinator", "zucht", "zegt", "ja"]
    assert all(text[t.start : t.end] == t.text for t in toks)


def test_tokens_of_empty_text():
    assert tokens("") == []
    assert find_term("", "visie") == []
    assert find_term("...!", "visie") == []


def test_lemma_from_spacy_lookup_table():
    assert nlp.lemmas("gesprekken") == {"gesprek"}
    assert nlp.lemmas("leerkrachten") == {"leerkracht"}
    assert nlp.lemmas("kindjes") == {"kind"}


def test_lemma_rules_are_guarded_by_known_lemmas():
    assert "school" in nlp.lemmas("scholen")
    assert "leraar" in nlp.lemmas("leraren")
    assert "huis" in nlp.lemmas("huisje")
    assert "idee" in nlp.lemmas("ideetje")
    assert "werken" in nlp.lemmas("werkt")
    assert "praten" in nlp.lemmas("praat")
    # "meis" is no Dutch lemma, so meisje is not taken for a diminutive
    assert nlp.lemmas("meisje") == {"meisje"}


def test_stem_is_snowball_on_normalised_form():
    assert nlp.stem("leerkrachten") == "leerkracht"
    assert nlp.stem("Coördinatoren") == "coordinator"
    assert nlp.stem("teams") == "team"


def test_inflection_matches():
    text = "De leerkracht en twee leerkrachten voerden gesprekken; één gesprek liep mis."
    assert spans_text(text, "leerkracht") == ["leerkracht", "leerkrachten"]
    assert spans_text(text, "gesprekken") == ["gesprekken", "gesprek"]


def test_diminutives_match_where_lemma_allows():
    text = "Een kort gesprekje met het kindje, in het huisje."
    assert spans_text(text, "gesprek") == ["gesprekje"]
    assert spans_text(text, "kind") == ["kindje"]
    assert spans_text(text, "huis") == ["huisje"]


def test_diacritics_and_hyphens_are_ignored():
    text = "De coördinator, de Coordinator en de co-ordinator."
    assert spans_text(text, "coordinator") == ["coördinator", "Coordinator", "co-ordinator"]
    assert spans_text(text, "coördinator") == ["coördinator", "Coordinator", "co-ordinator"]


def test_curly_and_straight_apostrophes_are_the_same():
    text = "De zoco’s en de zoco's."
    assert spans_text(text, "zoco's") == ["zoco’s", "zoco's"]


def test_compounds_first_and_last_part():
    text = "Schoolleiderschap vraagt een leiderschapsstijl; leiders volgen."
    assert spans_text(text, "leiderschap") == []
    assert spans_text(text, "leiderschap", compounds=True) == ["Schoolleiderschap", "leiderschapsstijl"]
    text2 = "Twee zorgcoördinatoren en een coördinator."
    assert spans_text(text2, "coordinator", compounds=True) == ["zorgcoördinatoren", "coördinator"]


def test_compounds_need_a_keyword_of_four_letters_and_a_rest_of_three():
    # "team" (4 letters) in "teamleden"; "les" (3 letters) never in "lesvoorbereiding"
    text = "De teamleden en de lesvoorbereiding; teams."
    assert spans_text(text, "team", compounds=True) == ["teamleden", "teams"]
    assert spans_text(text, "les", compounds=True) == []


def test_prefix_wildcard():
    text = "Samenwerking, samenwerken en de samenvatting."
    assert spans_text(text, "samenwerk*") == ["Samenwerking", "samenwerken"]


def test_phrase_matches_consecutive_words_across_punctuation():
    text = "Waar willen we naartoe? Ja, waar willen wij naartoe."
    assert find_term(text, "waar willen we naartoe") == [(0, 22)]


def test_phrase_words_inflect():
    text = "De leerkrachten werken samen."
    assert spans_text(text, "leerkracht werkt samen") == ["leerkrachten werken samen"]


def test_matcher_caches_each_form_once():
    m = TermMatcher([("visie", False)])
    assert m.hits(["Visie", "visie", "Visie"]) == [(0, 0, 1), (0, 1, 2), (0, 2, 3)]
    assert sorted(m.cache) == ["Visie", "visie"]


words_st = st.sampled_from(
    ["visie", "Visie", "visies", "gesprek", "gesprekken", "de", "en", "co-ördinator", "televisie", "’s", ",", " "]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(words_st, max_size=25))
def test_find_term_spans_are_words_of_the_text(parts):
    text = " ".join(parts)
    spans = find_term(text, "visie")
    toks = {(t.start, t.end) for t in tokens(text)}
    assert all(span in toks for span in spans)
    assert [text[s:e].lower() for s, e in spans] == [
        t.text.lower() for t in tokens(text) if t.text.lower() in ("visie", "visies")
    ]


def test_stemmer_is_nltks_dutch_snowball():
    from nltk.stem.snowball import DutchStemmer

    table, _ = nlp._lemma_tables()
    sample = sorted(table)[::97] + ["leerkrachten", "gesprekken", "coordinatoren", "ideeën", "samenwerkingsverbanden"]
    nltk_stem = DutchStemmer().stem
    assert [nlp.stem(w) for w in sample] == [nltk_stem(nlp.norm(w)) for w in sample]


# -- the lemma table and its disk cache ------------------------------------------

_DROPPED = str.maketrans("", "", "'-‐‑")


def _two_pass_reading(source: str) -> tuple[dict[str, str], frozenset[str]]:
    """The lemma tables read the slow, obvious way: every string normalised, two passes."""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)

    def plain(word: str) -> str:
        return nlp.strip_diacritics(word.lower()).translate(_DROPPED)

    table: dict[str, str] = {}
    for form, lemma in raw.items():
        table[form] = plain(lemma)
    for form, lemma in raw.items():
        if plain(form) != form:
            table.setdefault(plain(form), plain(lemma))
    return table, frozenset(table.values())


@pytest.fixture(scope="module")
def fresh_tables() -> tuple[dict[str, str], frozenset[str]]:
    return nlp._build_lemma_tables(nlp._lemma_source()[0])


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """An empty cache folder for the lemma table, and an empty in-memory cache around the test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(folder))
    nlp._lemma_tables.cache_clear()
    yield folder
    nlp._lemma_tables.cache_clear()


def _build_from(monkeypatch, fresh_tables) -> None:
    """Make a rebuild cost nothing: it returns (a copy of) the table built once for the module."""
    monkeypatch.setattr(nlp, "_build_lemma_tables", lambda source: (dict(fresh_tables[0]), fresh_tables[1]))


def _forbid_building(monkeypatch) -> None:
    def built(source):
        raise AssertionError(f"the lemma table was built from {source}, not read from the cache")

    monkeypatch.setattr(nlp, "_build_lemma_tables", built)


def _assert_tables_equal(got, expected) -> None:
    """The compiled tables hold exactly the dict's entries, in the dict's order, and its lemma set."""
    (table, known), (expected_table, expected_known) = got, expected
    assert type(table) is nlp._clemma.LemmaTable and type(known) is nlp._clemma.KnownLemmas
    assert len(table) == len(expected_table) and len(known) == len(expected_known)
    assert table.items() == list(expected_table.items())
    assert set(known) == expected_known


def test_the_compiled_lemma_table_is_built_and_used(cache_dir):
    # pip install -e . builds qualkit._clemma; an install without it must fail here, not just run slower
    assert nlp._clemma is not None
    table, known = nlp._lemma_tables()
    assert type(table) is nlp._clemma.LemmaTable
    assert (table.get("gesprekken"), "gesprek" in known) == ("gesprek", True)


def test_lemma_table_equals_the_two_pass_reading_in_order(fresh_tables):
    table, known = fresh_tables
    expected_table, expected_known = _two_pass_reading(nlp._lemma_source()[0])
    assert list(table.items()) == list(expected_table.items())
    assert known == expected_known
    # hand-checked entries: a lemma with diacritics is normalised; the
    # diacritic-free spelling of a form is added, unless it is a form itself
    assert table["coördinatoren"] == table["coordinatoren"] == "coordinator"
    assert table["e-mails"] == table["emails"] == "email"
    assert (table["priëlen"], table["prielen"]) == ("prieel", "priel")
    assert {"coordinator", "email", "prieel", "priel"} <= known
    assert "coördinator" not in known


def test_lemma_cache_is_written_then_read(cache_dir, monkeypatch, fresh_tables):
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)
    files = list(cache_dir.glob("*"))
    assert [f.name for f in files] == [files[0].name]
    assert re.fullmatch(r"nl_lemma_table-[0-9a-f]{8}\.bin", files[0].name)
    nlp._lemma_tables.cache_clear()
    _forbid_building(monkeypatch)
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)


def test_the_compiled_table_gives_the_lemmas_the_dict_gives(cache_dir, monkeypatch, fresh_tables):
    import random

    rnd = random.Random(7)
    forms = list(fresh_tables[0])
    others = ["", "Gesprekken", "COÖRDINATOREN", "e-Mails", "zo’n", "\ud800", "huisje", "werkt", "leraren"]
    others += [rnd.choice(forms) + rnd.choice(["tje", "jes", "en", "t", "s", "heid", "ë", "-x"]) for _ in range(3000)]
    others += [rnd.choice(forms).capitalize() for _ in range(1000)]
    words = forms + others
    lemmas, analyse = nlp.lemmas.__wrapped__, nlp.analyse.__wrapped__  # no memo shared between the two runs
    stemmable = [w for w in words if w != "\ud800"]  # the stemmer cannot encode a lone surrogate

    def results():
        return [lemmas(w) for w in words], [analyse(w) for w in stemmable]

    compiled = results()
    assert type(nlp._lemma_tables()[0]) is nlp._clemma.LemmaTable
    monkeypatch.setattr(nlp, "_clemma", None)
    nlp._lemma_tables.cache_clear()
    table, known = nlp._lemma_tables()
    assert (type(table), type(known)) == (dict, frozenset)
    assert results() == compiled
    # the rules fire on these, so both tables' ``in known`` were asked
    assert compiled[0][len(forms) + others.index("huisje")] == {"huis", "huisje"}
    assert compiled[0][len(forms) + others.index("werkt")] == {"werken", "werkt"}


def test_without_the_extension_the_tables_are_built_as_a_dict(cache_dir, monkeypatch, fresh_tables):
    monkeypatch.setattr(nlp, "_clemma", None)
    assert nlp._lemma_tables() == fresh_tables
    assert list(cache_dir.glob("*")) == []  # no cache file: this path builds in every process


def _cache_file(folder):
    (path,) = folder.glob("nl_lemma_table-*.bin")
    return path


def _with_checksum(data) -> bytes:
    """``data`` (a cache file) with its CRC-32 field made right again."""
    data = bytearray(data)
    at = nlp._clemma.CHECKSUM_OFFSET
    data[at : at + 4] = zlib.crc32(data[at + 4 :]).to_bytes(4, sys.byteorder)
    return bytes(data)


def test_corrupt_lemma_cache_is_ignored_and_rewritten(cache_dir, monkeypatch, fresh_tables):
    _build_from(monkeypatch, fresh_tables)
    nlp._lemma_tables()
    path = _cache_file(cache_dir)
    good = path.read_bytes()
    key = nlp._lemma_cache_key(*nlp._lemma_source())

    def flipped(at: int) -> bytes:
        data = bytearray(good)
        data[at] ^= 0x01
        return bytes(data)

    form_count_field = 36  # the header's number of forms (layout in _clemma.c)
    n = int.from_bytes(good[form_count_field : form_count_field + 4], sys.byteorder)
    more_forms = good[:form_count_field] + (n + 1).to_bytes(4, sys.byteorder) + good[form_count_field + 4 :]
    old_body = len(key.encode()).to_bytes(4, "little") + key.encode() + marshal.dumps({"huizen": "woning"})
    corruptions = {
        "empty": b"",
        "garbage": b"not a cache at all",
        "truncated": good[: len(good) // 2],
        "last byte cut": good[:-1],
        "one byte more": good + b"\x00",
        "bit flipped in the magic": flipped(3),
        "bit flipped in the header": flipped(40),
        "bit flipped in the index": flipped(len(good) // 2),
        "bit flipped in the last lemma": flipped(len(good) - 1),
        "checksum right, sizes wrong": _with_checksum(more_forms),
        "checksum right, empty table": bytes(nlp._lemma_cache_bytes({}, key)),
        "the marshal cache of version 1": b"qualkit lemma cache\n" + zlib.crc32(old_body).to_bytes(4, "little") + old_body,
    }
    for name, data in corruptions.items():
        path.write_bytes(data)
        nlp._lemma_tables.cache_clear()
        _assert_tables_equal(nlp._lemma_tables(), fresh_tables)
        assert path.read_bytes() == good, name  # rewritten, byte for byte what a first build writes
    # the rewritten file is read back without building
    nlp._lemma_tables.cache_clear()
    _forbid_building(monkeypatch)
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)
    assert list(cache_dir.glob("*.tmp")) == []


def _tiny(path, key: str) -> None:
    nlp._write_cache_file(str(path), nlp._lemma_cache_bytes({"huizen": "woning"}, key))


def test_lemma_cache_of_another_key_is_not_used(cache_dir, tmp_path, monkeypatch, fresh_tables):
    real_source, version = nlp._lemma_source()
    source = tmp_path / "nl_lemma_lookup.json.gz"
    source.write_bytes(open(real_source, "rb").read())
    monkeypatch.setattr(nlp, "_lemma_source", lambda: (str(source), version))
    _build_from(monkeypatch, fresh_tables)
    old_key = nlp._lemma_cache_key(str(source), version)
    old_path = nlp._lemma_cache_path(old_key)
    _tiny(old_path, old_key)
    # same key: the (doctored) cache is used, which shows this test can tell
    table, known = nlp._lemma_tables()
    assert (table.items(), list(known)) == ([("huizen", "woning")], ["woning"])

    info = os.stat(source)
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))  # the source changed
    new_key = nlp._lemma_cache_key(str(source), version)
    assert new_key != old_key
    nlp._lemma_tables.cache_clear()
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)

    # a file under the new key's name that holds the old key is not read either
    new_path = nlp._lemma_cache_path(new_key)
    os.replace(old_path, new_path)
    nlp._lemma_tables.cache_clear()
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)

    # nor a cache of another normalisation or layout
    _tiny(new_path, new_key)
    monkeypatch.setattr(nlp, "LEMMA_CACHE_VERSION", nlp.LEMMA_CACHE_VERSION + 1)
    nlp._lemma_tables.cache_clear()
    _assert_tables_equal(nlp._lemma_tables(), fresh_tables)


def test_unwritable_lemma_cache_dir_still_gives_the_table(tmp_path, monkeypatch, fresh_tables):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder's parent should be", encoding="utf-8")
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(blocker / "cache"))
    nlp._lemma_tables.cache_clear()
    try:
        _assert_tables_equal(nlp._lemma_tables(), fresh_tables)
    finally:
        nlp._lemma_tables.cache_clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def _mapped(path) -> bool:
    with open("/proc/self/maps", encoding="utf-8") as fh:
        return any(line.rstrip("\n").endswith(str(path)) for line in fh)


def test_a_mapped_cache_file_is_replaced_never_changed_and_unmapped_when_freed(cache_dir, fresh_tables):
    nlp._lemma_tables()
    path = _cache_file(cache_dir)
    key = nlp._lemma_cache_key(*nlp._lemma_source())
    nlp._lemma_tables.cache_clear()
    table = nlp._read_lemma_cache(str(path), key)
    assert _mapped(path)
    _tiny(path, key)  # another process rewrites the cache while this one reads it
    assert (table.get("gesprekken"), len(table)) == ("gesprek", len(fresh_tables[0]))
    assert nlp._read_lemma_cache(str(path), key).items() == [("huizen", "woning")]
    del table
    assert not _mapped(path)  # the read-only mapping ends with its table (the new file's too)
    path.write_bytes(b"garbage")
    assert nlp._read_lemma_cache(str(path), key) is None
    assert not _mapped(path)


def test_concurrent_readers_never_see_a_half_written_cache(cache_dir, fresh_tables):
    import threading

    nlp._lemma_tables()
    path = _cache_file(cache_dir)
    key = nlp._lemma_cache_key(*nlp._lemma_source())
    data = path.read_bytes()
    writing = threading.Event()
    done = threading.Event()

    def writer():
        for _ in range(15):  # each write of the 11 MB file lets the reader run (the GIL is released)
            writing.set()
            nlp._write_cache_file(str(path), data)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    writing.wait()
    reads = 0
    while not done.is_set():
        table = nlp._read_lemma_cache(str(path), key)
        assert table is not None and len(table) == len(fresh_tables[0])
        reads += 1
    thread.join()
    assert reads > 0 and path.read_bytes() == data
    assert list(cache_dir.glob("*.tmp")) == []


# -- the compiled table itself (qualkit._clemma) --


def _compiled(table: dict[str, str], key: bytes = b"") -> object:
    return nlp._clemma.LemmaTable(nlp._clemma.build(table, key))


def test_compiled_table_answers_like_its_dict():
    source = {"huizen": "huis", "Huis": "huis", "": "leeg", "\ud800": "x\udfff", "ïdee": "idee"}
    table = _compiled(source, b"sleutel")
    assert table.cache_key == b"sleutel"
    assert (len(table), table.keys(), list(table)) == (5, list(source), list(source))
    assert table.items() == list(source.items())
    assert [table.get(k) for k in source] == list(source.values())
    assert [table[k] for k in source] == list(source.values())
    assert table.get("huis") is None and table.get("huis", "?") == "?" and table.get(7, 0) == 0
    assert ("huizen" in table, "huis" in table, "idee" in table, 7 in table) == (True, False, False, False)
    assert table.get("huizen") is table.get("Huis")  # one str per lemma, shared
    with pytest.raises(KeyError, match="^'huis'$"):
        table["huis"]
    with pytest.raises(TypeError, match="get expected 1 or 2 arguments, got 0"):
        table.get()
    known = table.known
    assert (len(known), sorted(known)) == (4, ["huis", "idee", "leeg", "x\udfff"])
    assert ("huis" in known, "x\udfff" in known, "huizen" in known, "x" in known, None in known) == (True, True, False, False, False)
    assert repr(table) == "<LemmaTable: 5 forms, 4 lemmas>" and repr(known) == "<KnownLemmas: 4 lemmas>"


def test_compiled_table_of_nothing():
    table = _compiled({})
    assert (len(table), table.items(), list(table), table.get(""), "" in table) == (0, [], [], None, False)
    assert (len(table.known), list(table.known), "" in table.known) == (0, [], False)


def test_build_takes_a_dict_of_str_only():
    with pytest.raises(TypeError, match="build: the table's keys and values must be str"):
        nlp._clemma.build({"huis": 1}, b"")
    with pytest.raises(TypeError, match="build: the table's keys and values must be str"):
        nlp._clemma.build({1: "huis"}, b"")
    with pytest.raises(TypeError):
        nlp._clemma.build([("huis", "huis")], b"")
    with pytest.raises(TypeError):
        nlp._clemma.KnownLemmas()


_strings = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=8)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_strings, st.sampled_from(["huis", "", "é", "\udc80", "gesprek"]) | _strings, max_size=40), st.lists(_strings, max_size=20))
def test_compiled_table_equals_its_dict(source, probes):
    table = _compiled(source)
    assert table.items() == list(source.items())
    assert [table.get(w, "<none>") for w in list(source) + probes] == [source.get(w, "<none>") for w in list(source) + probes]
    assert [w in table for w in probes] == [w in source for w in probes]
    known = table.known
    assert sorted(known) == sorted(set(source.values()))
    assert [w in known for w in probes + list(source)] == [w in set(source.values()) for w in probes + list(source)]


def test_compiled_table_refuses_a_buffer_that_is_not_its_layout():
    good = bytes(nlp._clemma.build({"a": "b"}, b""))
    # header 64, no key, entries (0, 0) (1, 0), lemma offsets 0 1, 3 + 3 slots of 8 bytes, "a", "b"
    assert len(good) == 64 + 16 + 8 + 24 + 24 + 2 == 138
    assert nlp._clemma.LemmaTable(good).items() == [("a", "b")]
    bad = {
        "short": (good[:63], "not a qualkit lemma table (magic bytes)"),
        "magic": (b"x" + good[1:], "not a qualkit lemma table (magic bytes)"),
        "byte order": (good[:20] + good[20:24][::-1] + good[24:], "another byte order or layout version"),
        "layout version 1 (hashed otherwise)": (good[:24] + (1).to_bytes(4, sys.byteorder) + good[28:], "another byte order or layout version"),
        "one byte less": (good[:-1], "header sizes do not fit"),
        "one byte more": (good + b"\x00", "header sizes do not fit"),
        "no free form slot": (good[:44] + (1).to_bytes(4, sys.byteorder) + good[48:], "header sizes do not fit"),
        "form blob too long": (good[:72] + (2).to_bytes(4, sys.byteorder) + good[76:], "header sizes do not fit"),
    }
    for name, (data, message) in bad.items():
        with pytest.raises(ValueError, match=re.escape(f"corrupt lemma table: {message}")):
            nlp._clemma.LemmaTable(data)
        assert name
    # numbers inside the sections are checked when used, so no look-up reads outside the buffer
    lemma_number = good[:68] + (5).to_bytes(4, sys.byteorder) + good[72:]
    with pytest.raises(ValueError, match="corrupt lemma table: lemma number out of range"):
        nlp._clemma.LemmaTable(lemma_number).get("a")
    key_offset = good[:64] + (9).to_bytes(4, sys.byteorder) + good[68:]
    with pytest.raises(ValueError, match="corrupt lemma table: string offsets out of range"):
        nlp._clemma.LemmaTable(key_offset).get("a")
    with pytest.raises(ValueError, match="corrupt lemma table: string offsets out of range"):
        nlp._clemma.LemmaTable(key_offset).keys()


def test_compiled_tables_do_not_leak():
    import tracemalloc

    source = {f"woord{i}": f"lemma{i % 7}" for i in range(2000)}
    data = nlp._clemma.build(source, b"k")

    def use():
        table = nlp._clemma.LemmaTable(data)
        assert [table.get(k) for k in source] == list(source.values()) and "lemma3" in table.known
        assert table.items() == list(source.items()) and len(list(table.known)) == 7
        nlp._clemma.build(source, b"k")

    for _ in range(3):
        use()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(100):
            use()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # a leaked table or build would be >= 50 KB each time; allow a few KB of noise
    assert after - before < 10_000


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(tmp_path / "qk"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert nlp._cache_dir() == str(tmp_path / "qk")
    monkeypatch.setenv("QUALKIT_CACHE_DIR", "")
    assert nlp._cache_dir() == os.path.join(str(tmp_path / "xdg"), "qualkit")
    monkeypatch.delenv("QUALKIT_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert nlp._cache_dir() == os.path.join(str(tmp_path / "home"), ".cache", "qualkit")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abz09AZéë-'’\n ", max_size=6), max_size=8))
def test_not_plain_flags_mark_exactly_the_words_plain_would_change(words):
    flags = [bool(flag) for flag in nlp._not_plain_flags(words)]
    assert flags == [re.search(r"[^a-z0-9]", w) is not None for w in words]
    assert all(nlp._plain(w) == w for w, flag in zip(words, flags) if not flag)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ'-` éëöİı’‘‐‑ß", max_size=10))
def test_norm_of_an_ascii_word_takes_a_short_path_with_the_same_result(word):
    from qualkit.nlp import _INWORD, norm, strip_diacritics, unify_quotes

    assert norm.__wrapped__(word) == strip_diacritics(unify_quotes(word.lower())).translate(_INWORD)


def test_lemma_benchmark_script_runs():
    # benchmarks/bench_lemmas.py, one run per figure: it must keep working (its figures are
    # recorded in benchmarks/README.md), and both tables it compares must be the ones it names
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_lemmas.py"), "1"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    lines = out.splitlines()
    assert any(line.startswith("open (compiled, mapped cache file): fastest") for line in lines)
    assert any(line.startswith("open (no extension, dict built): fastest") for line in lines)
    assert sum(line.startswith(("get, ", "in known, ")) for line in lines) == 4
    assert sum(line.startswith("_lemmas of ") for line in lines) == 2
