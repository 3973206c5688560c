"""Reading, validating and writing codebooks."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.codebook import parse_codebook, read_codebook, read_codebooks, write_codebook
from qualkit.errors import CodebookError, CodebookWarning, OutputExistsError, SourceNotFoundError
from qualkit.model import Code, Codebook, Rules

GOOD = """\
namespace: lei
name: Leiderschap
version: "1.0"
description: Een klein codeboek.
codes:
  - id: leiderschap
    name: Leiderschap
    codable: false
    children:
      - id: visie
        name: Visie
        description: Waar de school naartoe wil.
        colour: "#4c72b0"
        rules:
          keywords: [visie, "langetermijn*", "waar willen we naartoe"]
          compounds: true
          regex: ['\\bop lange termijn\\b']
          near: [[plan, jaar, 5]]
          exclude: [televisie]
          roles: [directie]
          units: [turn]
  - id: gedeeld
    name: Gedeeld leiderschap
    parent: leiderschap
    rules:
      keywords: [gedeeld leiderschap]
"""


def write(tmp_path: Path, text: str, name: str = "boek.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems_of(tmp_path: Path, text: str) -> list[str]:
    p = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        read_codebook(p)
    return [x.replace(str(p), "F") for x in info.value.problems]


def test_read_good_codebook(tmp_path):
    book = read_codebook(write(tmp_path, GOOD))
    assert (book.namespace, book.name, book.version) == ("lei", "Leiderschap", "1.0")
    assert [c.id for c in book] == ["leiderschap", "visie", "gedeeld"]
    visie = book.get("visie")
    assert visie.parent == "leiderschap" and visie.line == 10 and visie.colour == "#4C72B0"
    assert visie.rules == Rules(
        keywords=("visie", "langetermijn*", "waar willen we naartoe"), compounds=True,
        regex=(r"\bop lange termijn\b",), near=(("plan", "jaar", 5),), exclude=("televisie",),
        roles=("directie",), units=("turn",),
    )
    assert book.path("gedeeld") == "Leiderschap > Gedeeld leiderschap"
    assert not book.get("leiderschap").codable


def test_every_problem_is_reported_at_once_with_line_and_code(tmp_path):
    text = """\
namespace: lei
codes:
  - id: a
    name: A
    colour: blue
    rules:
      keywords: visie
      regex: ['(op lange']
      near: [[werken, samen]]
      wat: 1
  - id: a
    name: Nog eens A
  - id: b
    parent: zzz
  - name: Zonder id
    kleur: "#123456"
"""
    assert problems_of(tmp_path, text) == [
        'F, line 5, code lei:a: colour must be "#RRGGBB" (e.g. "#4C72B0"); got \'blue\'',
        "F, line 7, code lei:a: rules.keywords must be a list, e.g. keywords: [visie, schoolvisie]; got a text 'visie'",
        "F, line 8, code lei:a: regex '(op lange' is not a valid regular expression: missing ), unterminated subpattern at position 0",
        "F, line 9, code lei:a: each near item must be [A, B, N] with two terms and a whole number N >= 0 "
        "(e.g. [werken, samen, 4]); got a list ['werken', 'samen']",
        "F, line 10, code lei:a: unknown key 'wat' in rules; allowed keys are keywords, compounds, regex, near, exclude, roles, units",
        "F, line 11, code lei:a: duplicate id 'a', first defined on line 3; ids must be unique within a codebook",
        "F, line 13, code lei:b: the code has no 'name'; add name: <display name>",
        "F, line 13, code lei:b: unknown parent 'zzz'; no code has that id",
        "F, line 15: the code has no 'id'; add id: <short unique id>",
        "F, line 16: unknown key 'kleur' in a code; allowed keys are id, name, parent, codable, description, "
        "include, exclude, example, colour, rules, children",
    ]


def test_missing_top_keys_and_bad_namespace(tmp_path):
    assert problems_of(tmp_path, "name: X\n") == [
        "F, line 1: the codebook has no 'namespace'; add namespace: <short name>, e.g. namespace: leiderschap",
        "F, line 1: the codebook has no 'codes'; add codes: followed by a list of codes",
    ]
    assert problems_of(tmp_path, "namespace: 3d model\ncodes: []\ntitel: x\n") == [
        "F, line 1: namespace must start with a letter and hold only letters, digits, _ and -; got '3d model'",
        "F, line 3: unknown key 'titel' in the codebook; allowed keys are namespace, name, version, description, codes",
    ]


def test_cycle_is_reported_once(tmp_path):
    text = """\
namespace: c
codes:
  - {id: a, name: A, parent: b, codable: false}
  - {id: b, name: B, parent: a, codable: false}
"""
    assert problems_of(tmp_path, text) == [
        "F, line 3, code c:a: the parents form a cycle: a -> b -> a; a code cannot descend from itself",
    ]


def test_wrong_types(tmp_path):
    text = """\
namespace: t
codes:
  - id: a
    name: A
    codable: ja
    colour: #4C72B0
    rules:
      compounds: "yes"
      near: [[werken, samen, vier]]
      units: [zin]
      keywords: ["*visie", "..."]
"""
    assert problems_of(tmp_path, text) == [
        "F, line 5, code t:a: codable must be true or false; got a text 'ja'",
        'F, line 6, code t:a: colour is empty; quote it, e.g. colour: "#4C72B0" (an unquoted # starts a YAML comment)',
        "F, line 8, code t:a: compounds must be true or false; got a text 'yes'",
        "F, line 9, code t:a: each near item must be [A, B, N] with two terms and a whole number N >= 0 "
        "(e.g. [werken, samen, 4]); got a list ['werken', 'samen', 'vier']",
        "F, line 10, code t:a: unit 'zin' is unknown; units are header, turn, note, answer, entry, sentence, paragraph, window",
        "F, line 11, code t:a: term '*visie' has '*' before a letter; '*' is only allowed at the end of a word (samenwerk*)",
        "F, line 11, code t:a: term '...' has no word in it; write letters or digits",
    ]


def test_duplicate_yaml_key_is_a_problem(tmp_path):
    assert problems_of(tmp_path, "namespace: d\nname: A\nname: B\ncodes: []\n") == [
        "F, line 3: the key 'name' appears twice in one mapping; keep one",
    ]


def test_invalid_yaml_names_line_and_column(tmp_path):
    text = "namespace: y\ncodes:\n  - id: a\n    name: A\n    include: 'Af en toe', 'soms'\n"
    assert problems_of(tmp_path, text) == [
        "F, line 5, column 25: not valid YAML (expected <block end>, but found ','); check the indentation and "
        "quoting there (a text that contains ': ', starts with a quote or holds a comma inside [...] needs "
        "quotes around all of it)",
    ]


def test_empty_file_and_missing_file(tmp_path):
    assert problems_of(tmp_path, "") == [
        "F: a codebook must be a mapping with namespace, name and codes; found an empty file",
    ]
    with pytest.raises(SourceNotFoundError, match="no such codebook file"):
        read_codebook(tmp_path / "nope.yaml")


def test_codable_code_without_rule_gives_one_warning(tmp_path):
    text = "namespace: w\ncodes:\n  - {id: a, name: A}\n  - {id: b, name: B}\n  - {id: c, name: C, codable: false}\n"
    p = write(tmp_path, text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        book = read_codebook(p)
    assert len(book) == 3
    assert [str(w.message) for w in caught if issubclass(w.category, CodebookWarning)] == [
        f"{p}: 2 codable codes have no rule, so only manual coding can assign them: w:a (line 3), w:b (line 4); "
        "add rules (keywords, regex or near) to code them automatically"
    ]


def test_child_written_before_parent_comes_after_it(tmp_path):
    text = "namespace: o\ncodes:\n  - {id: kind, name: Kind, parent: ouder, rules: {keywords: [x]}}\n  - {id: ouder, name: Ouder, codable: false}\n"
    assert [c.id for c in read_codebook(write(tmp_path, text))] == ["ouder", "kind"]


def test_write_then_read_gives_an_equal_codebook(tmp_path):
    book = read_codebook(write(tmp_path, GOOD))
    out = write_codebook(book, tmp_path / "uit.yaml")
    again = read_codebook(out)
    assert again == book
    with pytest.raises(OutputExistsError):
        write_codebook(book, out)
    write_codebook(book, out, overwrite=True)


def test_read_codebooks_folder_and_namespace_clash(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(CodebookError) as info:
        read_codebooks(tmp_path)
    assert info.value.problems == [
        f"{tmp_path / 'b.yaml'}: namespace 'lei' is also used by {tmp_path / 'a.yaml'}; give each codebook its own namespace"
    ]


def test_read_qdc_delegates_to_refi(tmp_path):
    from qualkit.refi import write_qdc

    book = read_codebook(write(tmp_path, GOOD))
    write_qdc(book, tmp_path / "lei.qdc")
    back = read_codebook(tmp_path / "lei.qdc")
    assert [c.qualified for c in back] == [c.qualified for c in book]


def test_shipped_codebooks_read_without_problems(codebook_dir):
    files = sorted(codebook_dir.glob("*.yaml"))
    assert files, "codebooks/*.yaml are missing"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CodebookWarning)
        books = read_codebooks(files)
    assert all(len(b) > 0 for b in books)


ident = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
word = st.text(alphabet="abcdeéöxyz", min_size=1, max_size=8)


@st.composite
def codebooks(draw):
    ids = draw(st.lists(ident, min_size=1, max_size=6, unique=True))
    codes = []
    for i, cid in enumerate(ids):
        parent = draw(st.sampled_from([None, *ids[:i]]))
        rules = Rules(
            keywords=tuple(draw(st.lists(word, min_size=1, max_size=3))),
            compounds=draw(st.booleans()),
            near=tuple((a, b, n) for a, b, n in draw(st.lists(st.tuples(word, word, st.integers(0, 9)), max_size=2))),
            exclude=tuple(draw(st.lists(word, max_size=2))),
        )
        codes.append(Code(cid, draw(word), "ns", parent=parent, description=draw(st.text(max_size=30)), rules=rules))
    return Codebook("ns", draw(word), tuple(codes), version=draw(st.sampled_from(["", "1.0", "2"])))


@settings(max_examples=50, deadline=None)
@given(codebooks())
def test_write_read_round_trip_property(tmp_path_factory, book):
    path = tmp_path_factory.mktemp("rt") / "b.yaml"
    write_codebook(book, path)
    back = read_codebook(path)
    # read_codebook orders depth-first; compare as sets of codes and parent order
    assert set(back.codes) == set(book.codes)
    assert (back.namespace, back.name, back.version) == (book.namespace, book.name, book.version)


def test_parse_codebook_from_text():
    book = parse_codebook("namespace: p\nname: P\ncodes: [{id: a, name: A, codable: false}]")
    assert book.get("a").qualified == "p:a"


def test_problems_are_listed_in_line_order_not_checking_order(tmp_path):
    # Checked in this order: top-level keys (line 10), then each code (colour, line 9),
    # then the tree (unknown parent of the first code, line 4); listed top down.
    text = """\
namespace: net
name: Netwerk
codes:
  - id: leren
    name: Samen leren
    parent: onbekend
  - id: delen
    name: Materiaal delen
    colour: blauw
kleur: "#FFFFFF"
"""
    p = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        read_codebook(p)
    expected = [
        f"{p}, line 4, code net:leren: unknown parent 'onbekend'; no code has that id",
        f'{p}, line 9, code net:delen: colour must be "#RRGGBB" (e.g. "#4C72B0"); got \'blauw\'',
        f"{p}, line 10: unknown key 'kleur' in the codebook; allowed keys are namespace, name, version, description, codes",
    ]
    assert info.value.problems == expected
    assert str(info.value) == "3 problems in codebook:\n" + "\n".join(f"- {m}" for m in expected)


def test_a_problem_without_a_line_comes_after_those_with_one(tmp_path):
    # A list at the top has no line of its own; the duplicate key inside it does.
    assert problems_of(tmp_path, "- id: a\n  id: b\n") == [
        "F, line 2: the key 'id' appears twice in one mapping; keep one",
        "F: a codebook must be a mapping with namespace, name and codes; found a list",
    ]
