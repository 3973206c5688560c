"""The Dutch language layer: normalisation, tokens, lemmas, stems and find_term."""

from __future__ import annotations

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
