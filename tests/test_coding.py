"""The coding pass (rule coder) and human codings."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.coding import RuleCoder, add_coding, code, codings_from_table
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import CodebookError, InputError
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Rules, Segment


def transcript(doc_id: str, turns: list[tuple[str, str]], **attributes) -> Document:
    """Build 'Speaker: text' lines with one turn segment per line."""
    text, segs = "", []
    for speaker, said in turns:
        label = len(text)
        text += f"{speaker}: "
        start = len(text)
        text += said
        segs.append(Segment(doc_id, start, len(text), "turn", said, speaker=speaker, label_start=label))
        text += "\n"
    return Document.from_text(doc_id, text, kind="transcript", segments=tuple(segs), attributes=attributes)


def book_of(*codes: Code, namespace: str = "t") -> Codebook:
    return Codebook(namespace, namespace.upper(), codes)


def c(cid: str, parent: str | None = None, namespace: str = "t", codable: bool = True, **rules) -> Code:
    return Code(cid, cid.capitalize(), namespace, parent=parent, codable=codable, rules=Rules(**rules))


def coded_one(text: str, *codes: Code, role: str | None = None) -> list[tuple[str, str, str]]:
    return RuleCoder([book_of(*codes)]).code_text(text, unit="turn", role=role)


PARTICIPANTS = [
    Participant("Directeur", role="directie", group="school A"),
    Participant("Zoco", role="zorgcoördinator", group="school A"),
    Participant("Leerkracht 5", role="leerkracht", group="school B"),
]


@pytest.fixture()
def corpus() -> Corpus:
    fg1 = transcript("fg1", [
        ("Directeur", "Onze visie is dat leerkrachten samen gesprekken voeren."),
        ("Zoco", "De zorgcoördinatoren werken daar goed samen met het CLB."),
        ("Leerkracht 5", "Ik keek gisteren televisie, over visie ging het niet."),
    ], school="A", sessie=1)
    fg2 = transcript("fg2", [
        ("Leerkracht 5", "Het gesprek met de co-ordinator was kort."),
        ("Onbekend", "(zucht)"),
    ], school="B", sessie=2)
    return Corpus([fg1, fg2], PARTICIPANTS)


def test_keyword_inflection_and_diacritics():
    assert coded_one("Twee leerkrachten en een gesprekje.", c("lk", keywords=("leerkracht",)), c("g", keywords=("gesprek",))) == [
        ("t:lk", "keyword", "leerkrachten"), ("t:g", "keyword", "gesprekje"),
    ]
    assert coded_one("De Coördinator, de co-ordinator.", c("co", keywords=("coordinator",))) == [
        ("t:co", "keyword", "Coördinator; co-ordinator"),
    ]


def test_keyword_phrase_with_curly_quotes_and_wildcard():
    got = coded_one("Hij zei: “waar willen we naartoe?” Over samenwerking.",
                    c("v", keywords=("waar willen we naartoe", "samenwerk*")))
    assert got == [("t:v", "keyword", "waar willen we naartoe; samenwerking")]


def test_compounds_only_when_asked():
    text = "Schoolleiderschap en een nieuwe leiderschapsstijl."
    assert coded_one(text, c("l", keywords=("leiderschap",))) == []
    assert coded_one(text, c("l", keywords=("leiderschap",), compounds=True)) == [
        ("t:l", "keyword", "Schoolleiderschap; leiderschapsstijl"),
    ]


def test_regex_is_case_insensitive_and_quote_blind():
    got = coded_one("Op Lange Termijn zien we ’t anders.", c("r", regex=(r"\bop lange termijn\b", r"we 't")))
    assert got == [("t:r", "regex", "Op Lange Termijn; we ’t")]


def test_near_catches_separable_verbs_within_n_words():
    rule = c("s", near=(("werken", "samen", 3),))
    assert coded_one("Wij werken al jaren heel goed samen.", rule) == []  # 4 words between
    assert coded_one("Wij werken al jaren goed samen.", rule) == [("t:s", "near", "werken ... samen")]
    assert coded_one("Samen werkt het team beter.", rule) == [("t:s", "near", "Samen ... werkt")]
    assert coded_one("Wij werken.", rule) == []


def test_exclude_vetoes_the_code():
    rule = c("v", keywords=("visie",), compounds=True, exclude=("televisie",))
    assert coded_one("Onze schoolvisie is helder.", rule) == [("t:v", "keyword", "schoolvisie")]
    assert coded_one("Visie? Ik keek televisie.", rule) == []


def test_several_rules_are_all_named_in_fixed_order():
    rule = c("m", keywords=("overleg",), regex=(r"\bcl[bp]\b",), near=(("werken", "samen", 2),))
    assert coded_one("We werken samen met het CLB in overleg.", rule) == [
        ("t:m", "keyword+regex+near", "overleg; CLB; werken ... samen"),
    ]


def test_role_and_unit_restrictions():
    rule = c("d", keywords=("visie",), roles=("directie",))
    assert coded_one("Onze visie.", rule, role="directie") == [("t:d", "keyword", "visie")]
    assert coded_one("Onze visie.", rule, role="leerkracht") == []
    assert coded_one("Onze visie.", rule, role=None) == []
    assert coded_one("Onze visie.", c("u", keywords=("visie",), units=("answer",))) == []


def test_code_corpus_rows_columns_and_order(corpus):
    lei = book_of(
        c("cat", codable=False, namespace="lei", keywords=("visie",)),
        c("visie", parent="cat", namespace="lei", keywords=("visie",), exclude=("televisie",)),
        c("gesprek", namespace="lei", keywords=("gesprek",)),
        namespace="lei",
    )
    net = book_of(
        c("samen", namespace="net", near=(("werken", "samen", 3),)),
        c("clb", namespace="net", regex=(r"\bCLB\b",), roles=("zorgcoördinator",)),
        c("coord", namespace="net", keywords=("coördinator",), compounds=True),
        namespace="net",
    )
    coded = code(corpus, [lei, net])
    assert list(coded.columns) == [*CODED_COLUMNS, "school", "sessie"]
    got = coded[["segment_id", "code", "code_path", "rule", "matched", "role", "school"]].values.tolist()
    assert got == [
        ["fg1:turn:1", "lei:visie", "Cat > Visie", "keyword", "visie", "directie", "A"],
        ["fg1:turn:1", "lei:gesprek", "Gesprek", "keyword", "gesprekken", "directie", "A"],
        ["fg1:turn:2", "net:samen", "Samen", "near", "werken ... samen", "zorgcoördinator", "A"],
        ["fg1:turn:2", "net:clb", "Clb", "regex", "CLB", "zorgcoördinator", "A"],
        ["fg1:turn:2", "net:coord", "Coord", "keyword", "zorgcoördinatoren", "zorgcoördinator", "A"],
        ["fg2:turn:1", "lei:gesprek", "Gesprek", "keyword", "gesprek", "leerkracht", "B"],
        ["fg2:turn:1", "net:coord", "Coord", "keyword", "co-ordinator", "leerkracht", "B"],
    ]
    assert set(coded["coder"]) == {"auto:rules"} and set(coded["memo"]) == {""}
    assert coded["start"].dtype == "int64" and coded["position"].tolist() == [0, 0, 1, 1, 1, 0, 0]
    for row in coded.itertuples():
        assert corpus[row.doc_id].text[row.start : row.end] == row.text


def test_code_accepts_a_segments_frame_and_a_path(corpus, tmp_path):
    from qualkit.codebook import write_codebook

    book = book_of(c("g", keywords=("gesprek",)))
    path = write_codebook(book, tmp_path / "t.yaml")
    from_frame = code(corpus.segments("turn"), path)
    assert from_frame.equals(code(corpus, book))
    assert from_frame["segment_id"].tolist() == ["fg1:turn:1", "fg2:turn:1"]


def test_no_match_gives_empty_frame_with_the_same_columns(corpus):
    empty = code(corpus, book_of(c("x", keywords=("zeppelin",))))
    assert empty.empty and list(empty.columns) == [*CODED_COLUMNS, "school", "sessie"]
    assert code(Corpus(), book_of(c("x", keywords=("x",)))).columns.tolist() == CODED_COLUMNS


def test_namespace_clash_is_an_error(corpus):
    with pytest.raises(CodebookError, match="namespace 't' is also used"):
        code(corpus, [book_of(c("a", keywords=("a",))), book_of(c("b", keywords=("b",)))])


def test_bad_input_is_a_clear_error():
    with pytest.raises(InputError, match="expected a Corpus or a segments DataFrame, got list"):
        code([], book_of())
    with pytest.raises(InputError, match="segments frame: missing column\\(s\\) doc_id, segment_id"):
        code(pd.DataFrame({"text": ["x"]}), book_of())


# -- human codings


def test_add_coding_finds_the_containing_turn_and_coexists_with_rules(corpus):
    book = book_of(c("g", keywords=("gesprek",)), c("sfeer"))
    auto = code(corpus, book)
    text = corpus["fg1"].text
    start = text.index("gesprekken")
    both = add_coding(auto, corpus, "fg1", start, start + 10, "t:sfeer", "AB", memo="toon", codebooks=book)
    assert len(both) == len(auto) + 1
    last = both.iloc[-1]
    assert (last["segment_id"], last["unit"], last["position"], last["speaker"], last["role"]) == (
        "fg1:turn:1", "turn", 0, "Directeur", "directie")
    assert (last["code"], last["coder"], last["rule"], last["matched"], last["memo"], last["text"]) == (
        "t:sfeer", "AB", "manual", "", "toon", "gesprekken")
    assert last["school"] == "A"
    assert set(both["coder"]) == {"auto:rules", "AB"}


def test_manual_span_across_turns_has_no_segment(corpus):
    book = book_of(c("sfeer"))
    row = add_coding(None, corpus, "fg1", 0, 60, "sfeer", "AB", codebooks=book).iloc[0]
    assert pd.isna(row["segment_id"]) and row["text"] == corpus["fg1"].text[:60]


def test_codings_table_reports_every_bad_row(corpus):
    book = book_of(c("cat", codable=False), c("sfeer", parent="cat"))
    table = pd.DataFrame({
        "doc_id": ["fg1", "fg9", "fg1", "fg1", "fg1", "fg1"],
        "start": [0, 0, 5, 0, 0, 1.5],
        "end": [3, 3, 500, 3, 3, 3],
        "code": ["t:sfeer", "sfeer", "sfeer", "t:nee", "cat", "sfeer"],
        "coder": ["AB", "AB", "AB", "AB", "", "AB"],
    })
    with pytest.raises(InputError) as info:
        codings_from_table(table, corpus, book, source="codes.csv")
    n = len(corpus["fg1"].text)
    assert str(info.value).split("\n") == [
        "codes.csv, row 2: unknown document 'fg9'; the corpus has 'fg1', 'fg2'",
        f"codes.csv, row 3: span [5, 500) is outside the text of 'fg1' or empty; need 0 <= start < end <= {n}",
        "codes.csv, row 4: unknown code 't:nee'; the codebooks have 't:cat', 't:sfeer'",
        "codes.csv, row 5: code t:cat is a category (codable: false); code one of its children",
        "codes.csv, row 6: start must be a whole number (a character offset); got 1.5",
    ]


def test_codings_table_needs_its_columns(corpus):
    with pytest.raises(InputError, match=r"^codings table: missing column\(s\) coder; a codings table needs doc_id, start, end, code, coder \(and may have memo\)$"):
        codings_from_table(pd.DataFrame(columns=["doc_id", "start", "end", "code"]), corpus, book_of())


def test_codings_table_empty_gives_empty_frame(corpus):
    out = codings_from_table(pd.DataFrame(columns=["doc_id", "start", "end", "code", "coder"]), corpus, book_of())
    assert out.empty and list(out.columns) == CODED_COLUMNS



def test_add_coding_unknown_code_says_how_to_fix_it(corpus):
    book = book_of(c("werkdruk"), c("sfeer"))
    # a typo: one letter too many -> the code meant is named
    with pytest.raises(InputError) as info:
        add_coding(None, corpus, "fg1", 0, 3, "t:werkdrukk", "AB", codebooks=book)
    assert str(info.value) == ("add_coding: unknown code 't:werkdrukk'; the codebooks have "
                               "'t:sfeer', 't:werkdruk'; did you mean 't:werkdruk'?")
    # nothing close: no guess
    with pytest.raises(InputError, match=r"unknown code 't:tijd'; the codebooks have 't:sfeer', 't:werkdruk'$"):
        add_coding(None, corpus, "fg1", 0, 3, "t:tijd", "AB", codebooks=book)
    # forgetting codebooks= is not a wrong code: say to pass the codebook
    with pytest.raises(InputError) as info:
        add_coding(None, corpus, "fg1", 0, 3, "t:werkdruk", "AB")
    assert str(info.value) == ("add_coding: unknown code 't:werkdruk': no codebook was given; pass "
                               "codebooks= (the codebook or its YAML file) that defines the code")

def test_ambiguous_bare_code_id(corpus):
    a = book_of(c("x", namespace="a"), namespace="a")
    b = book_of(c("x", namespace="b"), namespace="b")
    with pytest.raises(InputError, match="code 'x' is in several codebooks \\(a:x, b:x\\); write namespace:code_id"):
        add_coding(None, corpus, "fg1", 0, 3, "x", "AB", codebooks=[a, b])


# -- the invariant: every coding lies inside its segment and its text is the slice

WORDS = ["visie", "leerkrachten", "werken", "samen", "gesprek", "televisie", "de", "het", "’s", "co-ordinator", "…"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12), min_size=1, max_size=6))
def test_codings_lie_inside_their_segments(turns):
    doc = transcript("d", [(f"S{i % 2}", " ".join(words)) for i, words in enumerate(turns)])
    corpus = Corpus([doc], [Participant("S0", role="directie")])
    book = book_of(
        c("v", keywords=("visie",), exclude=("televisie",)),
        c("s", near=(("werken", "samen", 2),), roles=("directie",)),
        c("r", regex=(r"co-?ordinator",)),
    )
    coded = code(corpus, book)
    segs = corpus.segments("turn").set_index("segment_id")
    for row in coded.itertuples():
        seg = segs.loc[row.segment_id]
        assert seg.start <= row.start <= row.end <= seg.end
        assert row.text == doc.text[row.start : row.end]
    # the rule coder agrees with a plain reading of each turn
    expected_v = [i for i, w in enumerate(turns) if "visie" in w and "televisie" not in w]
    assert coded.loc[coded["code"] == "t:v", "position"].tolist() == expected_v


REGEXES = [
    r"\b(elk|ieder) (gesprek|overleg)", r"\bwissel(s|t|en)?\b", r"taal", r"\b[\w-]*taaltjes?\b", r"(?:we|wij) zitten",
    r"\bherbegonnen\b|\bherbeginnen\b", r"\bzoco'?s\b", r"\bİk\b", r"\bsamen(werk|overleg)",
    r"\b\d+ (van de|op) \d+\b", r"(?m)^\s*(zoco|directeur)[^:\n]{0,20}:", r"[\"“„][^\"”]{0,40}\b(ik|we)\b",
    r"\b(we|wij) (nemen|neem|namen|nam) het", r"\b(anderhalf uur|een uur|halfuur)\b", r"\b(school)?leiders?\b",
]
PIECES = ["Elk", "ieder", "gesprek", "overleg", "wisselt", "moedertaal", "taaltjes", "we", "Wij", "zitten", "herbegonnen",
          "zoco's", "zoco’s", "ik", "IK", "samenwerking", "x-elk", "-", ".", "ſ", "ı", "3", "12", "٣", "van de", "op",
          ":", "\n", "\"", "“", "Directeur", "NEMEN", "nam", "het", "een", "uur", "halfuur", "begeleider", "leiders"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10), st.sampled_from([" ", "", "-"]))
def test_regex_prefilter_never_skips_a_regex_that_matches(pieces, sep):
    # through the coder's own filters (word groups, punctuation, lead and next words): every regex
    # finds exactly what re.search finds, also with ſ, ı, Arabic digits and curly quotes in the text
    text = sep.join(pieces)
    assert RuleCoder([_regex_book(REGEXES)]).code_text(text, unit="turn") == _plain_regex_reading(REGEXES, text)


def test_benchmark_script_runs_on_a_small_corpus(root):
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "bench_coding.py"), "--words", "5000", "--kinds", "qualkit,cold,regex", "--repeat", "2"],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["kind"] for r in rows] == ["qualkit", "cold", "regex"] * 2  # interleaved
    assert all(r["words"] >= 5000 and r["words_per_s"] > 0 for r in rows)
    # empty caches (cold) change the time, never the codings
    assert rows[0]["codings"] == rows[1]["codings"] == rows[3]["codings"] == rows[4]["codings"] > 0 and rows[0]["codes"] > 0
    # the summary: per kind the fastest and the median of its two runs
    summary = {line.split("|")[2].strip(): line for line in out.splitlines() if line.startswith("| 5,")}
    assert list(summary) == ["qualkit", "cold", "regex"]
    fastest, median = (float(x) for x in summary["qualkit"].split("|")[4:6])
    runs = sorted(r["seconds"] for r in rows if r["kind"] == "qualkit")
    assert fastest == round(runs[0], 2) and median == round((runs[0] + runs[1]) / 2, 2)


# -- the fast path against an obviously-correct reading of the rules

ORACLE_CODES = (
    c("visie", keywords=("visie", "de visie van de school"), compounds=True, exclude=("televisie",)),
    c("leren", keywords=("leren leren", "samen leren"), exclude=("het gesprek",)),
    c("werk", keywords=("samenwerk*",), near=(("werken", "samen", 2), ("het gesprek", "elk", 1))),
    c("rx", regex=(r"\b(elk|ieder) (gesprek|overleg)", r"\b\d+ (van de|op) \d+\b", r"(?m)^\s*(zoco|directeur)[^:\n]{0,20}:",
                   r"[\"“][^\"”]{0,40}\b(ik|we)\b")),
    c("mix", keywords=("gesprek",), regex=(r"\bzoco'?s\b",), near=(("de", "zoco", 1),), roles=("directie",)),
)
ORACLE_WORDS = ["de", "het", "visie", "schoolvisie", "televisie", "van", "school", "leren", "samen", "werken", "werkt",
                "samenwerking", "gesprek", "Gesprekken", "elk", "ieder", "overleg", "3", "12", "op", "Zoco", "zoco’s",
                "Directeur", "ik", "we", ":", ",", "“", "”", "\n"]


def oracle(text: str, role: str | None) -> list[tuple[str, str, str]]:
    """Code one segment straight from the rule definitions in codebooks/README.md, one code at a time."""
    import re

    from qualkit.nlp import find_term, tokens, unify_quotes

    toks = tokens(text)
    starts = {t.start: i for i, t in enumerate(toks)}
    ends = {t.end: i for i, t in enumerate(toks)}

    def occurrences(term: str, compounds: bool) -> list[tuple[int, int]]:  # word index spans [i, e)
        return [(starts[s], ends[e] + 1) for s, e in find_term(text, term, compounds)]

    def words_of(i: int, e: int) -> str:
        return " ".join(t.text for t in toks[i:e])

    out = []
    for code_ in ORACLE_CODES:
        r = code_.rules
        if r.roles and role not in r.roles:
            continue
        if any(occurrences(x, r.compounds) for x in r.exclude):
            continue
        fired = []
        hits = sorted(o for k in r.keywords for o in occurrences(k, r.compounds))
        if hits:
            fired.append(("keyword", list(dict.fromkeys(words_of(i, e) for i, e in hits))))
        found = [m for p in r.regex if (m := re.search(p, unify_quotes(text), re.IGNORECASE))]
        if found:
            fired.append(("regex", list(dict.fromkeys(text[m.start() : m.end()] for m in found))))
        pairs = []
        for a, b, n in r.near:
            for ia, ea in occurrences(a, r.compounds):
                for ib, eb in occurrences(b, r.compounds):
                    if 0 <= ib - ea <= n:
                        pairs.append((ia, f"{words_of(ia, ea)} ... {words_of(ib, eb)}"))
                    elif 0 <= ia - eb <= n:
                        pairs.append((ib, f"{words_of(ib, eb)} ... {words_of(ia, ea)}"))
        if pairs:
            fired.append(("near", list(dict.fromkeys(p for _, p in sorted(pairs)))))
        if fired:
            out.append((f"t:{code_.id}", "+".join(k for k, _ in fired), "; ".join(m for _, ms in fired for m in ms)))
    return out


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ORACLE_WORDS), max_size=14), min_size=1, max_size=5),
       st.sampled_from([None, "directie"]))
def test_fast_path_equals_a_plain_reading_of_the_rules(segments, role):
    coder = RuleCoder([book_of(*ORACLE_CODES)])
    texts = [" ".join(words) for words in segments]
    rows, code_idx, rules, matched = coder.code_segments(texts, ["turn"] * len(texts), [role] * len(texts))
    got = [[] for _ in texts]
    for row, ci, rule, m in zip(rows, code_idx, rules, matched):
        got[row].append((coder.codes[ci].code.qualified, rule, m))
    assert got == [oracle(t, role) for t in texts]


def test_every_rule_kind_of_the_oracle_book_fires_as_computed_by_hand():
    # the property test above only means something if its rules can fire; this text fires each kind
    text = "Directeur: “ik” de visie van de school, elk gesprek. 3 op 12. Samen leren en werken samen"
    expected = [
        ("t:visie", "keyword", "de visie van de school; visie"),
        ("t:leren", "keyword", "Samen leren"),
        ("t:werk", "near", "Samen ... werken; werken ... samen"),
        ("t:rx", "regex", "elk gesprek; 3 op 12; Directeur:; “ik"),
        ("t:mix", "keyword", "gesprek"),
    ]
    coder = RuleCoder([book_of(*ORACLE_CODES)])
    assert coder.code_text(text, unit="turn", role="directie") == expected == oracle(text, "directie")
    assert coder.code_text(text, unit="turn") == expected[:-1] == oracle(text, None)
    vetoed = text + " het gesprek, op televisie"
    assert [c for c, _, _ in coder.code_text(vetoed, unit="turn")] == ["t:werk", "t:rx"]
    # near: at most 2 words between, in both orders
    assert coder.code_text("werken heel goed samen", unit="turn") == [("t:werk", "near", "werken ... samen")]
    assert coder.code_text("samen heel goed werken", unit="turn") == [("t:werk", "near", "samen ... werken")]
    assert coder.code_text("werken heel erg goed samen; samen heel erg goed werken", unit="turn") == []


def test_begeleider_is_no_leider_in_the_shipped_codebooks(root):
    from qualkit.codebook import read_codebooks

    coder = RuleCoder(read_codebooks(sorted((root / "codebooks").glob("*.yaml"))))
    leading = {"leiderschap:leiderschap", "ovsg:plan_leiderschap"}
    for text in ["De begeleider kwam langs.", "Twee trajectbegeleiders en een leerlingbegeleider.", "De begeleiders."]:
        assert not leading & {c for c, _, _ in coder.code_text(text, unit="turn")}, text
    assert {c for c, _, _ in coder.code_text("Onze schoolleider beslist.", unit="turn")} >= leading


def test_manual_coding_carries_the_participant_attributes_like_the_segments_frame():
    from qualkit.coding import add_coding
    from qualkit.model import Code, Codebook, Corpus, Document, Participant, Segment

    text = "X: We plannen samen."
    doc = Document.from_text(
        "d", text, kind="transcript", attributes={"school": "De Linde"},
        segments=(Segment("d", 3, len(text), "turn", text[3:], speaker="X", label_start=0),),
    )
    corpus = Corpus([doc], [Participant("X", role="directie", attributes={"ervaring": "12 jaar", "school": "Iris"})])
    book = Codebook("n", "N", (Code("plan", "Plannen", "n"),))
    row = add_coding(None, corpus, "d", 6, 13, "n:plan", "AB", codebooks=book).iloc[0]
    frame = corpus.segments("turn").iloc[0]
    assert row["ervaring"] == frame["ervaring"] == "12 jaar"
    # the participant's school may not overwrite the document's school
    assert row["school"] == frame["school"] == "De Linde"
    assert row["speaker_school"] == frame["speaker_school"] == "Iris"


# -- the array pass: where it only decides where to look, it may never change what is found


def _shipped_regexes(root) -> list[str]:
    from qualkit.codebook import read_codebooks

    books = read_codebooks(sorted((root / "codebooks").glob("*.yaml")))
    return list(dict.fromkeys(p for b in books for x in b.codes for p in x.rules.regex))


def _regex_pieces(patterns: list[str]) -> list[str]:
    """Words that make the shipped regexes fire or nearly fire: their literal words, case and quote variants."""
    import re

    from qualkit.coding import _required

    words = {lit for p in patterns for anchored, lits in _required(p, re.I)[0] for lit in lits if lit != "\\d"}
    words |= {w.capitalize() for w in list(words)[::3]} | {w.upper() for w in list(words)[::7]}
    words |= {w + "en" for w in list(words)[::5]} | {"al" + w for w in list(words)[::11]}
    return sorted(words) + ["3", "12", "2024", "%", ":", ".", "!", "?", ",", "(", ")", "[", "]", "\"", "“", "”", "’",
                            "'", "-", "\n", "zoco’s", "clb-medewerker", "eigen", "gewoon", "dat", "het", "is", "de"]


def _regex_book(patterns: list[str]) -> Codebook:
    return book_of(*(c(f"r{i}", regex=(p,)) for i, p in enumerate(patterns)))


def _plain_regex_reading(patterns: list[str], text: str) -> list[tuple[str, str, str]]:
    import re

    from qualkit.nlp import unify_quotes

    out = []
    for i, p in enumerate(patterns):
        m = re.search(p, unify_quotes(text), re.IGNORECASE)
        if m:
            out.append((f"t:r{i}", "regex", text[m.start() : m.end()]))
    return out


def test_every_shipped_regex_finds_what_search_finds_on_random_text(root):
    # the coder tries a regex only at the words that can start a match (exact first word, the start of
    # the next token) and only in segments with its required words and punctuation; here the shipped
    # regexes meet random texts made of their own words, and must find exactly what re.search finds
    patterns = _shipped_regexes(root)
    pieces = _regex_pieces(patterns)
    coder = RuleCoder([_regex_book(patterns)])

    import re

    # a text: random words, and (mostly) a string that matches one of the regexes, made by hypothesis
    # from the regex itself, put somewhere among them
    matching = st.sampled_from(patterns).flatmap(lambda p: st.from_regex(re.compile(p, re.IGNORECASE), fullmatch=True))
    words = st.lists(st.sampled_from(pieces), max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(words, st.one_of(st.just(""), matching, matching), words), min_size=1, max_size=6),
           st.sampled_from([" ", " ", "", "-", ", "]))
    def check(segments, sep):
        texts = [sep.join([*before, inner, *after]) for before, inner, after in segments]
        rows, code_idx, rules, matched = coder.code_segments(texts, ["turn"] * len(texts), [None] * len(texts))
        got = [[] for _ in texts]
        for row, ci, rule, m in zip(rows.tolist(), code_idx.tolist(), rules, matched):
            got[row].append((coder.codes[ci].code.qualified, rule, m))
        assert got == [_plain_regex_reading(patterns, t) for t in texts]

    check()


def test_shipped_regexes_fire_on_bundled_turns_as_search_finds(root):
    # the same on real sentences: every turn of the bundled focus groups
    import warnings

    import qualkit as qk

    patterns = _shipped_regexes(root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = qk.load_corpus(root / "data" / "afstemming", participants=root / "data" / "afstemming" / "participants.csv")
    texts = corpus.segments("turn")["text"].tolist()
    coder = RuleCoder([_regex_book(patterns)])
    rows, code_idx, rules, matched = coder.code_segments(texts, ["turn"] * len(texts), [None] * len(texts))
    got = [[] for _ in texts]
    for row, ci, rule, m in zip(rows.tolist(), code_idx.tolist(), rules, matched):
        got[row].append((coder.codes[ci].code.qualified, rule, m))
    expected = [_plain_regex_reading(patterns, t) for t in texts]
    assert sum(map(len, expected)) > 50  # the comparison means something: many regexes fire
    assert got == expected


def test_blocks_do_not_change_the_result(corpus, monkeypatch):
    import qualkit.coding as coding

    book = book_of(
        c("v", keywords=("visie", "samen gesprekken"), exclude=("televisie",)),
        c("s", near=(("werken", "samen", 2),)),
        c("r", regex=(r"\b(het|de) (gesprek|co-?ordinator)",)),
    )
    whole = code(corpus, book)
    monkeypatch.setattr(coding, "BLOCK", 2)  # blocks of two segments, one with no tokens at all
    pieces = code(corpus, book)
    pd.testing.assert_frame_equal(whole, pieces)
    assert whole["code"].tolist() == ["t:v", "t:s", "t:r"]


def test_regexes_needing_more_punctuation_sets_than_bits():
    # past 63 different sets of needed punctuation the rest are looked for text by text
    import re

    marks = [chr(c_) for c_ in range(0x2190, 0x2190 + 70)]  # arrows: punctuation-like, no case
    patterns = [f"[{re.escape(m)}][0-9]" for m in marks]
    coder = RuleCoder([_regex_book(patterns)])
    assert len(coder._punct_bit) == 63
    texts = [f"pijl {marks[0]}1 en {marks[69]}2", f"{marks[65]}x {marks[66]}7", "geen pijl 3"]
    rows, code_idx, rules, matched = coder.code_segments(texts, ["turn"] * 3, [None] * 3)
    got = [(int(r), coder.codes[ci].code.id, m) for r, ci, m in zip(rows, code_idx, matched)]
    assert got == [(0, "r0", f"{marks[0]}1"), (0, "r69", f"{marks[69]}2"), (1, "r66", f"{marks[66]}7")]


def test_empty_texts_and_texts_without_words_are_coded_to_nothing():
    coder = RuleCoder([book_of(c("v", keywords=("visie",), regex=(r"\(stilte\)",)))])
    rows, code_idx, rules, matched = coder.code_segments(["", "…", "(stilte)", "visie"], ["turn"] * 4, [None] * 4)
    assert rows.tolist() == [2, 3] and rules == ["regex", "keyword"] and matched == ["(stilte)", "visie"]


def test_the_garbage_collector_is_left_as_it_was():
    import gc

    coder = RuleCoder([book_of(c("v", keywords=("visie",)))])
    was = gc.isenabled()
    try:
        gc.enable()
        coder.code_segments(["de visie"], ["turn"], [None])
        assert gc.isenabled()
        gc.disable()
        coder.code_segments(["de visie"], ["turn"], [None])
        assert not gc.isenabled()
        with pytest.raises(TypeError):  # a failing pass restores it too
            gc.enable()
            coder.code_segments([None], ["turn"], [None])  # type: ignore[list-item]
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_coding_again_with_the_same_codebooks_reuses_the_coder_and_gives_the_same_frame(corpus):
    import qualkit.coding as coding

    book = book_of(c("v", keywords=("visie",)), c("s", near=(("werken", "samen", 2),)))
    first = code(corpus, book)
    hits = coding._coder.cache_info().hits
    again = code(corpus, book_of(c("v", keywords=("visie",)), c("s", near=(("werken", "samen", 2),))))  # equal, not the same object
    assert coding._coder.cache_info().hits == hits + 1
    pd.testing.assert_frame_equal(first, again)
    edited = code(corpus, book_of(c("v", keywords=("visie", "gesprek")), c("s", near=(("werken", "samen", 2),))))
    assert coding._coder.cache_info().hits == hits + 1  # an edited codebook gets a coder of its own
    assert len(edited) == len(first) + 1


def test_add_coding_names_no_row_and_a_table_names_every_row(corpus):
    book = book_of(c("visie", keywords=("visie",)))
    with pytest.raises(InputError) as info:
        add_coding(None, corpus, "fg9", 0, 5, "t:visie", "AB", codebooks=book)
    assert str(info.value).startswith("add_coding: unknown document 'fg9'; the corpus has 'fg1', 'fg2'")
    table = pd.DataFrame({"doc_id": ["fg1", "fg9"], "start": [0, 0], "end": [5, 5], "code": ["t:visie"] * 2, "coder": ["AB"] * 2})
    with pytest.raises(InputError) as info:
        codings_from_table(table, corpus, book, source="codering.csv")
    assert str(info.value).startswith("codering.csv, row 2: unknown document 'fg9'")


def test_a_progress_bar_changes_nothing_in_the_result(corpus, capsys):
    book = book_of(c("visie", keywords=("visie",)), c("s", near=(("werken", "samen", 2),)))
    pd.testing.assert_frame_equal(code(corpus, book, progress=True), code(corpus, book))
    assert "coding" in capsys.readouterr().err  # tqdm wrote its bar to stderr


def test_long_phrases_in_a_large_vocabulary_keep_each_spelling():
    # Over 2,048 forms a form id takes 12 bits, so only five words of a phrase fit one
    # 63-bit number: the sixth and seventh words must still tell two spellings apart.
    phrase = "we bespreken dat samen met de leerkracht"
    coder = RuleCoder([book_of(c("p", keywords=(phrase,)))])
    filler = " ".join(f"woord{i:04d}" for i in range(2100))
    texts = [
        filler,
        "Eerst: we bespreken dat samen met de leerkracht.",
        "Daarna: we bespreken dat samen met de leerkrachten, en we bespreken dat samen met de Leerkracht.",
        "We bespreken dat samen met de leerkrachten.",
    ]
    rows, code_idx, rules, matched = coder.code_segments(texts, ["turn"] * 4, [None] * 4)
    assert len(coder._forms) > 2048
    assert rows.tolist() == [1, 2, 3] and rules == ["keyword"] * 3
    assert matched == [
        "we bespreken dat samen met de leerkracht",
        "we bespreken dat samen met de leerkrachten; we bespreken dat samen met de Leerkracht",
        "We bespreken dat samen met de leerkrachten",
    ]


# -- the regex analysis kept on disk

FACT_REGEXES = [r"\b(elk|ieder) (gesprek|overleg)", r"[\[(](zucht|lacht)[\])]", r"\b\d+ (van de|op) \d+\b", r"[0-9]+:"]
FACT_TEXT = "Ieder gesprek telt (zucht), 3 van de 4 keer: 12: klaar."


@pytest.fixture
def facts_dir(tmp_path, monkeypatch):
    """An empty cache folder, and nothing of the regex analysis in memory (a new session)."""
    import qualkit.coding as coding

    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(coding, "_FACTS", None)
    monkeypatch.setattr(coding, "_FACTS_CHANGED", False)
    return tmp_path / "cache"


def _new_session_without_analysis(monkeypatch) -> list[str]:
    """Forget the answers in memory and make every fresh analysis of a regex recorded."""
    import qualkit.coding as coding

    analysed: list[str] = []
    monkeypatch.setattr(coding, "_FACTS", None)
    for name in ("_required", "_lead_groups", "_start_shift"):
        real = getattr(coding, name)
        monkeypatch.setattr(coding, name, lambda p, f, real=real: analysed.append(p) or real(p, f))
    return analysed


def test_regex_analysis_is_written_once_and_read_back_in_a_new_session(facts_dir, monkeypatch):
    first = RuleCoder([_regex_book(FACT_REGEXES)])
    expected = first.code_text(FACT_TEXT)
    assert [m for _, _, m in expected] == ["Ieder gesprek", "(zucht)", "3 van de 4", "12:"]
    files = list(facts_dir.glob("regex_analysis-*.bin"))
    assert len(files) == 1
    analysed = _new_session_without_analysis(monkeypatch)
    second = RuleCoder([_regex_book(FACT_REGEXES)])
    assert analysed == []  # every answer came from the file
    assert second._regexes == first._regexes and second.code_text(FACT_TEXT) == expected
    # a regex the file does not know is analysed, and the file then knows it too
    third = RuleCoder([_regex_book([*FACT_REGEXES, r"\bklaar\b"])])
    assert analysed == [r"\bklaar\b"] * 3 and third.code_text(FACT_TEXT)[-1] == ("t:r4", "regex", "klaar")
    analysed.clear()
    _new_session_without_analysis(monkeypatch)
    RuleCoder([_regex_book([*FACT_REGEXES, r"\bklaar\b"])])
    assert analysed == []


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "empty", "another key"])
def test_a_damaged_or_foreign_analysis_file_is_not_used_and_is_rewritten(facts_dir, monkeypatch, damage):
    import qualkit.coding as coding

    expected = RuleCoder([_regex_book(FACT_REGEXES)]).code_text(FACT_TEXT)
    (path,) = facts_dir.glob("regex_analysis-*.bin")
    good = coding._read_regex_facts()
    assert sorted(pattern for pattern, _ in good) == sorted(FACT_REGEXES)
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":  # in an answer: "overleg" -> "overlet", still a well-formed file
        at = data.rindex(b"overleg") + 6
        data[at] ^= ord("g") ^ ord("t")
    elif damage == "truncate":
        del data[len(data) // 2 :]
    elif damage == "empty":
        data = bytearray()
    path.write_bytes(bytes(data))
    if damage == "another key":  # the same file read by a qualkit whose analysis source differs
        real = coding._regex_facts_path
        monkeypatch.setattr(coding, "_regex_facts_path", lambda: (real()[0], real()[1] + b" changed"))
    analysed = _new_session_without_analysis(monkeypatch)
    assert RuleCoder([_regex_book(FACT_REGEXES)]).code_text(FACT_TEXT) == expected
    assert sorted(set(analysed)) == sorted(FACT_REGEXES)  # analysed afresh
    if damage != "another key":
        assert coding._read_regex_facts() == good  # and written again, whole


def test_an_unwritable_cache_folder_only_means_analysing_each_time(tmp_path, monkeypatch):
    import qualkit.coding as coding

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QUALKIT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(coding, "_FACTS", None)
    expected = RuleCoder([_regex_book(FACT_REGEXES)]).code_text(FACT_TEXT)
    analysed = _new_session_without_analysis(monkeypatch)
    assert RuleCoder([_regex_book(FACT_REGEXES)]).code_text(FACT_TEXT) == expected
    assert sorted(set(analysed)) == sorted(FACT_REGEXES)
