"""The Dutch language layer: normalisation, tokens, lemmas, stems and find_term."""

from __future__ import annotations

import gzip
import json
import marshal
import os
import re
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


def _forbid_building(monkeypatch) -> None:
    def built(source):
        raise AssertionError(f"the lemma table was built from {source}, not read from the cache")

    monkeypatch.setattr(nlp, "_build_lemma_tables", built)


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
    assert nlp._lemma_tables() == fresh_tables
    files = list(cache_dir.glob("*"))
    assert [f.name for f in files] == [files[0].name]
    assert re.fullmatch(r"nl_lemma_lookup-[0-9a-f]{8}\.bin", files[0].name)
    nlp._lemma_tables.cache_clear()
    _forbid_building(monkeypatch)
    table, known = nlp._lemma_tables()
    assert list(table.items()) == list(fresh_tables[0].items())
    assert known == fresh_tables[1]


def _cache_file(folder):
    (path,) = folder.glob("nl_lemma_lookup-*.bin")
    return path


def _file_for(key: str, payload: bytes) -> bytes:
    """A cache file in the documented layout, with a correct checksum."""
    body = len(key.encode()).to_bytes(4, "little") + key.encode() + payload
    return nlp._CACHE_MAGIC + zlib.crc32(body).to_bytes(4, "little") + body


def test_corrupt_lemma_cache_is_ignored_and_rewritten(cache_dir, monkeypatch, fresh_tables):
    nlp._lemma_tables()
    path = _cache_file(cache_dir)
    good = path.read_bytes()
    key = nlp._lemma_cache_key(*nlp._lemma_source())
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01
    corruptions = {
        "empty": b"",
        "garbage": b"not a cache at all",
        "truncated": good[: len(good) // 2],
        "one bit flipped": bytes(flipped),
        "checksum right, payload broken": _file_for(key, b"\xff\x00broken"),
        "checksum right, not a table": _file_for(key, marshal.dumps(["huis", "huizen"])),
        "checksum right, empty table": _file_for(key, marshal.dumps({})),
    }
    for name, data in corruptions.items():
        path.write_bytes(data)
        nlp._lemma_tables.cache_clear()
        assert nlp._lemma_tables() == fresh_tables, name
        assert path.read_bytes()[: len(nlp._CACHE_MAGIC)] == nlp._CACHE_MAGIC, name
        assert len(path.read_bytes()) > len(good) // 2, name
    # the rewritten file is read back without building
    nlp._lemma_tables.cache_clear()
    _forbid_building(monkeypatch)
    assert nlp._lemma_tables() == fresh_tables
    assert list(cache_dir.glob("*.tmp")) == []


def test_lemma_cache_of_another_key_is_not_used(cache_dir, tmp_path, monkeypatch, fresh_tables):
    real_source, version = nlp._lemma_source()
    source = tmp_path / "nl_lemma_lookup.json.gz"
    source.write_bytes(open(real_source, "rb").read())
    monkeypatch.setattr(nlp, "_lemma_source", lambda: (str(source), version))
    old_key = nlp._lemma_cache_key(str(source), version)
    old_path = nlp._lemma_cache_path(old_key)
    nlp._write_lemma_cache(old_path, old_key, {"huizen": "woning"})
    # same key: the (doctored) cache is used, which shows this test can tell
    assert nlp._lemma_tables() == ({"huizen": "woning"}, frozenset({"woning"}))

    info = os.stat(source)
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))  # the source changed
    new_key = nlp._lemma_cache_key(str(source), version)
    assert new_key != old_key
    nlp._lemma_tables.cache_clear()
    assert nlp._lemma_tables() == fresh_tables

    # a file under the new key's name that holds the old key is not read either
    new_path = nlp._lemma_cache_path(new_key)
    os.replace(old_path, new_path)
    nlp._lemma_tables.cache_clear()
    assert nlp._lemma_tables() == fresh_tables

    # nor a cache of another normalisation
    nlp._write_lemma_cache(new_path, new_key, {"huizen": "woning"})
    monkeypatch.setattr(nlp, "LEMMA_CACHE_VERSION", nlp.LEMMA_CACHE_VERSION + 1)
    nlp._lemma_tables.cache_clear()
    assert nlp._lemma_tables() == fresh_tables


def test_unwritable_lemma_cache_dir_still_gives_the_table(tmp_path, monkeypatch, fresh_tables):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder's parent should be", encoding="utf-8")
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(blocker / "cache"))
    nlp._lemma_tables.cache_clear()
    try:
        assert nlp._lemma_tables() == fresh_tables
    finally:
        nlp._lemma_tables.cache_clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


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
