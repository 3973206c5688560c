"""REFI-QDA projects (.qdpx): the two real exports, writing + schema validation, hostile files, round trips."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualkit as qk
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError, OutputExistsError, ProjectFileError, QualkitWarning, SourceNotFoundError
from qualkit.model import Code, Codebook, Corpus, Document, Participant
from qualkit.qdpx import read_qdpx, write_qdpx
from qualkit.refi import guid

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema(interop_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(interop_dir / "Project.xsd"))


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def xpath_count(qde: bytes, expr: str) -> int:
    return int(etree.fromstring(qde).xpath(f"count({expr})", namespaces=NS))


# ------------------------------------------------------------------ the real exports
# Counts taken by hand from the XML (grep -o '<Code ' | wc -l and so on) before any
# import code existed: qc_demo has 2 TextSource, 262 Code, 158 PlainTextSelection,
# 205 Coding, 1 User; nvivo_project has 2 TextSource, 262 Code, 0 Coding, 2 Users.


def test_qc_demo_counts_match_the_xml(interop_dir):
    path = interop_dir / "qc_demo.qdpx"
    qde = qde_of(path)
    assert xpath_count(qde, "//q:TextSource") == 2
    assert xpath_count(qde, "//q:Code") == 262
    assert xpath_count(qde, "//q:PlainTextSelection") == 158
    assert xpath_count(qde, "//q:Coding") == 205
    project = read_qdpx(path)
    corpus, coded = project
    assert list(corpus.documents) == ["board_2017", "admin-1"]  # no name attribute: named by plainTextPath
    assert len(coded) == 205
    assert list(coded.columns) == CODED_COLUMNS
    assert [b.namespace for b in project.codebooks] == ["qc_project"]
    book = project.codebooks[0]
    assert len(book) == 262
    assert len({c.id for c in book}) == 262  # duplicate names ("programming", "fun" ...) get unique ids
    assert all(c.codable for c in book)
    assert set(coded["coder"]) == {"cp"}
    assert set(coded["rule"]) == {"import:refi"}
    assert (coded["doc_id"] == "board_2017").all()  # admin-1 has no selections
    assert project.notes == []


def test_qc_demo_offsets_are_characters_of_the_source(interop_dir):
    corpus, coded = read_qdpx(interop_dir / "qc_demo.qdpx")
    with zipfile.ZipFile(interop_dir / "qc_demo.qdpx") as zf:
        raw = zf.read("sources/board_2017.txt").decode("utf-8")
    assert corpus["board_2017"].text == raw  # no \r in the source: kept exactly
    # selection "line:807" (startPosition 49569, endPosition 49649) holds codes middle and ngss
    rows = coded[(coded["start"] == 49569) & (coded["end"] == 49649)]
    assert sorted(rows["code_path"]) == [
        "rq2_curriculum_and_instruction > curriculum > cs_scope_and_sequence > middle",
        "rq3_process > authorities > standards > ngss",
    ]
    assert rows["text"].tolist() == [raw[49569:49649]] * 2
    assert raw[49569:49649].startswith("Speaker 22:         For middle school")
    assert (coded["text"] == [corpus[d].text[s:e] for d, s, e in zip(coded["doc_id"], coded["start"], coded["end"])]).all()


def test_qc_demo_duplicate_code_names_are_qualified_by_parent(interop_dir):
    book = read_qdpx(interop_dir / "qc_demo.qdpx").codebooks[0]
    programming = [c for c in book if c.name == "programming"]
    assert sorted(c.id for c in programming) == ["competencies.programming", "cs_as_programming.programming"]
    assert book.get("cs_as_programming.programming").parent == "cs_as_programming"


def test_nvivo_export_keeps_docx_only_sources_and_reports_them(interop_dir):
    path = interop_dir / "nvivo_project.qdpx"
    qde = qde_of(path)
    assert xpath_count(qde, "//q:TextSource") == 2
    assert xpath_count(qde, "//q:Code") == 262
    assert xpath_count(qde, "//q:Coding") == 0
    assert xpath_count(qde, "//q:User") == 2
    with pytest.warns(QualkitWarning, match="has only blank plain text; its content is in internal://"):
        project = read_qdpx(path)
    corpus, coded = project
    assert len(corpus) == 2
    assert [d.text for d in corpus] == ["\n", "\n"]  # the plain text NVivo wrote: one newline
    assert coded.empty and list(coded.columns) == CODED_COLUMNS
    assert len(project.codebooks[0]) == 262
    assert len(project.notes) == 2
    assert "d097e6fd-7671-4d95-a8b6-7795fa4a72e1.docx" in project.notes[0]


def test_both_real_exports_are_valid_against_the_schema(interop_dir, project_schema):
    # the schema itself is the one we validate our own output against: check it accepts real files
    for name in ("qc_demo.qdpx", "nvivo_project.qdpx"):
        project_schema.validate(io.BytesIO(qde_of(interop_dir / name)))


# ------------------------------------------------------------------ writing


def G(n: int) -> str:
    return f"0a0a0a0a-0000-4000-8000-{n:012d}"


def books() -> list[Codebook]:
    lei = Codebook(
        "leiderschap",
        "Leiderschap",
        (
            Code("leiderschap", "Leiderschap", "leiderschap", codable=False, description="Wie geeft richting?"),
            Code("visie", "Visie", "leiderschap", parent="leiderschap", description="Koers voor later.", colour="#4C72B0"),
            Code("gedeeld", "Gedeeld leiderschap", "leiderschap", parent="leiderschap", colour="#DD8452"),
        ),
        description="Leiderschap in scholen.",
        version="1.0",
    )
    net = Codebook("netwerk", "Netwerk", (Code("leren", "Samen leren", "netwerk", description="Van elkaar leren."),))
    return [lei, net]


def sample_corpus() -> Corpus:
    docs = [
        Document.from_text(
            "fg_directie",
            "X: We delen het leiderschap 😀 met de leerkrachten.\nY: En de visie schrijven we samen.",
            kind="transcript",
            attributes={"school": "De Linde", "sessie": 2, "datum": dt.date(2024, 3, 1), "online": False, "duur": 61.5,
                        "gestart": dt.datetime(2024, 3, 1, 9, 30)},
        ),
        Document.from_text("antwoorden", "Ik leer veel van collega's.", kind="answers", attributes={"school": "Het Anker"}),
    ]
    people = [
        Participant("X", document="fg_directie", person="p01", role="directie", group="A", attributes={"jaren": 12}),
        Participant("Y", person="p02", role="leerkracht"),
    ]
    return Corpus(docs, people)


def sample_coded(corpus: Corpus) -> pd.DataFrame:
    text = corpus["fg_directie"].text
    rows = [
        ("fg_directie", text.index("leiderschap"), text.index("leiderschap") + 11, "leiderschap:gedeeld", "auto:rules", ""),
        ("fg_directie", text.index("visie"), text.index("visie") + 5, "leiderschap:visie", "Els", "kern van het gesprek"),
        ("fg_directie", text.index("visie"), text.index("visie") + 5, "leiderschap:visie", "auto:rules", ""),
        ("antwoorden", 0, 27, "netwerk:leren", "Els", "hele antwoord\nmet twee regels"),
    ]
    frame = pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "coder", "memo"])
    return frame.reindex(columns=CODED_COLUMNS)


def test_written_project_is_valid_against_the_schema(tmp_path, project_schema):
    corpus = sample_corpus()
    path = tmp_path / "studie.qdpx"
    write_qdpx(corpus, sample_coded(corpus), path, codebooks=books())
    qde = qde_of(path)
    project_schema.validate(io.BytesIO(qde))
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names == ["project.qde", f"sources/{guid('source', 'fg_directie')}.txt", f"sources/{guid('source', 'antwoorden')}.txt"]
        assert zf.read(names[1]) == corpus["fg_directie"].text.encode("utf-8")
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    root = etree.fromstring(qde)
    assert root.xpath("//q:User/@name", namespaces=NS) == ["Els", "auto:rules"]  # one user per coder
    assert xpath_count(qde, "//q:PlainTextSelection") == 4
    assert xpath_count(qde, "//q:Case") == 2
    assert root.xpath("//q:Variable/@name", namespaces=NS) == [
        "kind", "school", "sessie", "datum", "online", "duur", "gestart", "person", "role", "group", "document", "jaren",
    ]
    assert root.xpath("//q:Variable[@name='datum']/@typeOfVariable", namespaces=NS) == ["Date"]
    sel = root.xpath("//q:PlainTextSelection[q:Description]", namespaces=NS)
    assert [s.findtext("q:Description", namespaces=NS) for s in sel] == ["kern van het gesprek", "hele antwoord\nmet twee regels"]
    assert sel[0].get("creatingUser") == guid("user", "Els")
    assert sel[0].find("q:Coding/q:CodeRef", NS).get("targetGUID") == guid("code", "leiderschap:visie")


def test_positions_count_code_points_not_utf16_units(tmp_path):
    # "😀" is one code point but two UTF-16 units: "samen" starts at character 6
    corpus = Corpus([Document.from_text("d", "Top 😀 samen werken")])
    coded = pd.DataFrame([{"doc_id": "d", "start": 6, "end": 11, "code": "n:s", "coder": "AN"}])
    path = tmp_path / "emoji.qdpx"
    write_qdpx(corpus, coded, path, codebooks=Codebook("n", "N", (Code("s", "Samen", "n"),)))
    sel = etree.fromstring(qde_of(path)).xpath("//q:PlainTextSelection", namespaces=NS)[0]
    assert (sel.get("startPosition"), sel.get("endPosition")) == ("6", "11")
    _, back = read_qdpx(path)
    assert back.loc[0, "text"] == "samen"


def test_same_input_gives_byte_identical_files(tmp_path):
    corpus = sample_corpus()
    coded = sample_coded(corpus)
    write_qdpx(corpus, coded, tmp_path / "a.qdpx", codebooks=books(), name="studie")
    write_qdpx(corpus, coded.iloc[::-1], tmp_path / "b.qdpx", codebooks=books(), name="studie")  # row order is irrelevant
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_existing_target_is_refused_without_overwrite(tmp_path):
    corpus = sample_corpus()
    path = tmp_path / "studie.qdpx"
    write_qdpx(corpus, None, path)
    before = path.read_bytes()
    with pytest.raises(OutputExistsError) as err:
        write_qdpx(corpus, sample_coded(corpus), path, codebooks=books())
    assert str(err.value) == f"{path}: the file exists already; pass overwrite=True to replace it, or choose another name"
    assert path.read_bytes() == before
    write_qdpx(corpus, sample_coded(corpus), path, codebooks=books(), overwrite=True)
    imported = read_qdpx(path)
    assert len(imported.coded) == 4
    written = path.read_bytes()
    # writing an imported project back over its own file needs overwrite=True too
    with pytest.raises(OutputExistsError):
        write_qdpx(imported.corpus, imported.coded, path, codebooks=imported.codebooks)
    assert path.read_bytes() == written


def test_writer_rejects_codings_it_cannot_place(tmp_path):
    corpus = sample_corpus()
    path = tmp_path / "x.qdpx"
    base = {"doc_id": "antwoorden", "start": 0, "end": 2, "code": "netwerk:leren", "coder": "Els"}
    cases = [
        ({"doc_id": "weg"}, "coded frame, row 0: document 'weg' is not in the corpus; pass the corpus the codings belong to"),
        ({"end": 28}, "coded frame, row 0: span 0-28 lies outside document 'antwoorden' (27 characters)"),
        ({"code": "netwerk:onbekend"}, "coded frame, row 0: code 'netwerk:onbekend' is in none of the codebooks; pass the codebook that defines it"),
        ({"coder": ""}, "coded frame, row 0: no coder; every coding needs one (a name, initials or auto:rules)"),
    ]
    for change, message in cases:
        with pytest.raises(InputError) as err:
            write_qdpx(corpus, pd.DataFrame([{**base, **change}]), path, codebooks=books())
        assert str(err.value) == message
    with pytest.raises(InputError, match=r"missing column\(s\) \['coder'\]"):
        write_qdpx(corpus, pd.DataFrame([base]).drop(columns="coder"), path, codebooks=books())
    clash = Corpus([Document.from_text("a", "x", attributes={"kind": "focusgroep"})])
    with pytest.raises(InputError, match=r"document 'a': attribute\(s\) \['kind'\] would collide"):
        write_qdpx(clash, None, path)
    assert not path.exists()


def test_without_codebooks_a_flat_codebook_is_made_from_the_frame(tmp_path):
    corpus = sample_corpus()
    coded = sample_coded(corpus).assign(code_name=lambda f: f["code"].str.split(":").str[1].str.upper())
    write_qdpx(corpus, coded, tmp_path / "x.qdpx")
    project = read_qdpx(tmp_path / "x.qdpx")
    assert [(b.namespace, [(c.id, c.name, c.parent) for c in b]) for b in project.codebooks] == [
        ("leiderschap", [("gedeeld", "GEDEELD", None), ("visie", "VISIE", None)]),
        ("netwerk", [("leren", "LEREN", None)]),
    ]


def test_empty_corpus_and_no_codings(tmp_path, project_schema):
    write_qdpx(Corpus(), None, tmp_path / "leeg.qdpx")
    project_schema.validate(io.BytesIO(qde_of(tmp_path / "leeg.qdpx")))
    corpus, coded = read_qdpx(tmp_path / "leeg.qdpx")
    assert len(corpus) == 0 and coded.empty and list(coded.columns) == CODED_COLUMNS


def test_corpus_codebooks_and_codings_survive_a_round_trip(tmp_path):
    corpus = sample_corpus()
    coded = sample_coded(corpus)
    write_qdpx(corpus, coded, tmp_path / "s.qdpx", codebooks=books())
    project = read_qdpx(tmp_path / "s.qdpx")
    back, back_coded = project
    assert [(d.id, d.text, d.kind, d.attributes) for d in back] == [(d.id, d.text, d.kind, d.attributes) for d in corpus]
    assert back.participants == corpus.participants
    assert project.codebooks == books()
    key = ["doc_id", "start", "end", "code", "coder", "memo"]
    assert sorted(map(tuple, back_coded[key].values.tolist())) == sorted(map(tuple, coded[key].values.tolist()))
    row = back_coded[back_coded["code"] == "leiderschap:visie"].iloc[0]
    assert (row["code_name"], row["code_path"], row["namespace"], row["rule"], row["text"]) == (
        "Visie", "Leiderschap > Visie", "leiderschap", "import:refi", "visie",
    )


# ------------------------------------------------------------------ reading what other tools write


FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Studie A" origin="elders">
<Users><User guid="{G(1)}" name="Els"/></Users>
<CodeBook><Codes>
  <Code guid="{G(2)}" name="Thema's" isCodable="false" color="#f0a">
    <Code guid="{G(3)}" name="Vertrouwen" isCodable="true"/>
  </Code>
</Codes></CodeBook>
<Variables><Variable guid="{G(8)}" name="school" typeOfVariable="Text"/></Variables>
<Cases><Case guid="{G(9)}" name="Els V."><VariableValue><VariableRef targetGUID="{G(8)}"/><TextValue>De Linde</TextValue></VariableValue><SourceRef targetGUID="{G(4)}"/></Case></Cases>
<Sources>
  <TextSource guid="{G(4)}" name="interview 1" plainTextPath="internal://{G(4)}.txt">
    <PlainTextSelection guid="{G(5)}" startPosition="5" endPosition="8" creatingUser="{G(1)}">
      <Coding guid="{G(6)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(3)}"/><NoteRef targetGUID="{G(10)}"/></Coding>
    </PlainTextSelection>
    SELECTIONS
  </TextSource>
  <TextSource guid="{G(7)}" name="notitie"><PlainTextContent>Kort.</PlainTextContent><Coding guid="{G(11)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(3)}"/></Coding></TextSource>
</Sources>
<Notes><Note guid="{G(10)}" name="memo"><PlainTextContent>Let op de toon.</PlainTextContent></Note></Notes>
</Project>"""

CRLF_TEXT = "Ja.\r\nNee, nooit.\r\nMisschien."


def selection(n: int, start: int, end: int, code: int = 3) -> str:
    return (f'<PlainTextSelection guid="{G(n)}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{G(n + 100)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(code)}"/></Coding></PlainTextSelection>')


def make_zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def foreign(path: Path, selections: str = "", text: str | bytes = CRLF_TEXT, qde: str | None = None) -> Path:
    return make_zip(path, {"studie.qde": qde or FOREIGN.replace("SELECTIONS", selections), f"Sources/{G(4)}.txt": text})


def test_foreign_fixture_is_itself_valid(project_schema):
    project_schema.validate(io.BytesIO(FOREIGN.replace("SELECTIONS", selection(20, 18, 28)).encode()))


def test_crlf_sources_shift_positions_to_the_normalised_text(tmp_path):
    # raw: J a . \r \n N e e ...   "\r\n" counts as two characters in REFI positions
    sels = selection(20, 18, 28) + selection(21, 3, 5) + selection(22, 4, 4) + selection(23, 16, 17)
    corpus, coded = read_qdpx(foreign(tmp_path / "crlf.qdpx", sels))
    doc = corpus["interview 1"]
    assert doc.text == "Ja.\nNee, nooit.\nMisschien."
    assert doc.newline == "\r\n"
    spans = coded[coded["doc_id"] == "interview 1"][["start", "end", "text"]].values.tolist()
    assert spans == [
        [3, 3, ""],  # 4-4: between "\r" and "\n" -> on the newline
        [3, 4, "\n"],  # 3-5: the whole "\r\n"
        [4, 7, "Nee"],  # 5-8
        [15, 15, ""],  # 16-17: only the dropped "\r"
        [16, 26, "Misschien."],  # 18-28
    ]


def test_foreign_project_maps_users_notes_cases_and_categories(tmp_path):
    project = read_qdpx(foreign(tmp_path / "f.qdpx"))
    corpus, coded = project
    assert list(corpus.documents) == ["interview 1", "notitie"]
    assert corpus["notitie"].text == "Kort."
    book = project.codebooks[0]
    assert (book.namespace, book.name) == ("studie_a", "Studie A")
    assert [(c.id, c.codable, c.colour, c.parent) for c in book] == [
        ("thema_s", False, "#ff00aa", None),
        ("vertrouwen", True, None, "thema_s"),
    ]
    assert coded[["doc_id", "start", "end", "code", "code_path", "coder", "memo"]].values.tolist() == [
        ["interview 1", 4, 7, "studie_a:vertrouwen", "Thema's > Vertrouwen", "Els", "Let op de toon."],
        ["notitie", 0, 5, "studie_a:vertrouwen", "Thema's > Vertrouwen", "Els", ""],  # a coding of the whole source
    ]
    assert corpus.participants == (Participant("Els V.", document="interview 1", attributes={"school": "De Linde"}),)


# ------------------------------------------------------------------ hostile files


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """Run in tmp_path/werk; the test checks that nothing appears anywhere under tmp_path."""
    (tmp_path / "werk").mkdir()
    monkeypatch.chdir(tmp_path / "werk")
    return tmp_path


def refused(jail: Path, path: Path, **kw) -> str:
    before = tree(jail)
    with pytest.raises(ProjectFileError) as err:
        read_qdpx(path, **kw)
    assert tree(jail) == before  # nothing extracted or written, anywhere
    return str(err.value)


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "sources/../../evil.txt", "C:\\evil.txt"])
def test_entry_escaping_the_folder_is_refused(jail, name):
    path = make_zip(jail / "boos.qdpx", {"project.qde": FOREIGN.replace("SELECTIONS", ""), f"sources/{G(4)}.txt": CRLF_TEXT, name: "x"})
    assert refused(jail, path) == f"{path}: entry {name!r} points outside the archive's folder; the file is unsafe and is not opened"


def test_zip_bomb_by_ratio_is_refused(jail):
    path = foreign(jail / "bom.qdpx", text=b"a" * (5 * 1024 * 1024))
    message = refused(jail, path)
    assert re.fullmatch(
        rf"{re.escape(str(path))}, entry Sources/{G(4)}.txt: compressed \d+ times \(more than 100\); "
        "this looks like a zip bomb and is not opened", message
    )


def test_size_limits_apply_per_entry_and_in_total(jail):
    path = foreign(jail / "groot.qdpx")
    qde_size = len(FOREIGN.replace("SELECTIONS", "").encode())
    assert refused(jail, path, max_bytes=500) == (
        f"{path}, entry studie.qde: declares {qde_size} bytes uncompressed, more than the 500 bytes still allowed "
        f"(max_bytes=500 for all entries read, at most {128 * 1024 * 1024} per entry); pass a larger max_bytes= if you trust the file"
    )
    # the project fits, its source (28 bytes) no longer does: the limit is for all entries together
    assert refused(jail, path, max_bytes=qde_size + 10).startswith(
        f"{path}, entry Sources/{G(4)}.txt: declares 28 bytes uncompressed, more than the 10 bytes still allowed"
    )
    assert len(read_qdpx(path, max_bytes=qde_size + 28).coded) == 2


def test_declared_size_that_lies_is_caught_while_reading(jail):
    path = foreign(jail / "leugen.qdpx")
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")  # the central directory entry of studie.qde, the first entry
    struct.pack_into("<I", data, at + 24, 100)  # claim 100 bytes uncompressed
    path.write_bytes(bytes(data))
    assert refused(jail, path) == f"{path}, entry studie.qde: cannot be decompressed (Bad CRC-32 for file 'studie.qde'); the archive is damaged"


@pytest.mark.parametrize(
    "doctype",
    ['<!DOCTYPE Project [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;">]>', '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'],
)
def test_xml_with_dtd_or_entities_is_refused(jail, doctype):
    qde = FOREIGN.replace("SELECTIONS", "").replace("<Project ", doctype + "<Project ", 1)
    path = foreign(jail / "dtd.qdpx", qde=qde)
    assert refused(jail, path) == (
        f"{path}, entry studie.qde: the XML declares a DTD or entities (DTDForbidden); REFI-QDA files need neither, "
        "and qualkit refuses them because they can expand without bound or read other files"
    )


def test_selection_outside_its_source_is_refused(jail):
    path = foreign(jail / "buiten.qdpx", selection(20, 20, 99))
    assert refused(jail, path) == (
        f"{path}, entry studie.qde: selection {G(20)} in source 'interview 1' ({G(4)}) spans characters 20-99, "
        "outside the source's 28 characters; the project does not match its sources"
    )


def test_code_reference_to_nothing_is_refused(jail):
    path = foreign(jail / "wees.qdpx", selection(20, 0, 3, code=77))
    assert refused(jail, path) == (
        f"{path}, entry studie.qde: coding {G(120)} in source 'interview 1' ({G(4)}) refers to code {G(77)}, "
        "which the codebook does not hold"
    )


def test_unknown_user_and_bad_utf8_are_refused(jail):
    qde = FOREIGN.replace("SELECTIONS", "").replace(f'<User guid="{G(1)}"', f'<User guid="{G(99)}"')
    path = foreign(jail / "user.qdpx", qde=qde)
    assert refused(jail, path) == f"{path}, entry studie.qde: coding {G(6)} was made by user {G(1)}, whom <Users> does not list"
    path = foreign(jail / "latin1.qdpx", text="Caf\xe9".encode("latin-1"))
    assert refused(jail, path) == f"{path}, entry Sources/{G(4)}.txt: byte 3 is not UTF-8; REFI-QDA plain text must be UTF-8"


def test_missing_or_double_qde_and_non_zip_are_refused(jail):
    path = make_zip(jail / "geen.qdpx", {"sources/a.txt": "tekst"})
    assert refused(jail, path) == (
        f"{path}: no .qde file in the archive (entries: ['sources/a.txt']); a REFI-QDA project holds exactly one, e.g. project.qde"
    )
    qde = FOREIGN.replace("SELECTIONS", "")
    path = make_zip(jail / "twee.qdpx", {"project.qde": qde, "kopie.qde": qde})
    assert refused(jail, path) == (
        f"{path}: 2 .qde files (project.qde, kopie.qde); a REFI-QDA project holds exactly one, so qualkit cannot tell which is the project"
    )
    path = jail / "tekst.qdpx"
    path.write_text("dit is geen zip")
    assert refused(jail, path) == (
        f"{path}: not a zip archive (File is not a zip file); a .qdpx project is a zip file holding project.qde"
    )
    with pytest.raises(SourceNotFoundError, match="no such project file"):
        read_qdpx(jail / "weg.qdpx")


def test_missing_source_entry_is_refused(jail):
    path = make_zip(jail / "zonder.qdpx", {"project.qde": FOREIGN.replace("SELECTIONS", "")})
    assert refused(jail, path) == (
        f"{path}, entry project.qde: source 'interview 1' ({G(4)}) has plainTextPath 'internal://{G(4)}.txt', "
        f"but the archive has no sources/{G(4)}.txt; export the project again with its sources"
    )


# ------------------------------------------------------------------ round trip, property-based

WORDS = ["leerkracht", "ouders", "één", "coördinatie", "zo'n", "café", "ïdee", "👩‍🏫", "😀", "𝔘", "ĳs", "Ğ", "wij"]
texts = st.lists(st.sampled_from(WORDS) | st.sampled_from([" ", "\n", ", ", ". ", "\n\n"]), max_size=25).map("".join)
memos = st.text(st.sampled_from(list("ab é😀\n\r\t<&>\"'")), max_size=12)


@st.composite
def projects(draw):
    docs = [Document.from_text(f"doc{i}", draw(texts), kind=draw(st.sampled_from(["text", "transcript", "answers"])))
            for i in range(draw(st.integers(1, 3)))]
    codes = [c.qualified for b in books() for c in b.codes]
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        doc = draw(st.sampled_from(docs))
        start = draw(st.integers(0, len(doc.text)))
        end = draw(st.integers(start, len(doc.text)))
        rows.append((doc.id, start, end, draw(st.sampled_from(codes)), draw(st.sampled_from(["AN", "auto:rules", "Els V."])), draw(memos)))
    return Corpus(docs), pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "coder", "memo"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=projects())
def test_qualkit_to_qdpx_to_qualkit_keeps_everything(tmp_path, project):
    corpus, coded = project
    path = tmp_path / "rond.qdpx"
    write_qdpx(corpus, coded, path, codebooks=books(), overwrite=True)
    result = read_qdpx(path)
    back, back_coded = result
    assert [(d.id, d.text, d.kind) for d in back] == [(d.id, d.text, d.kind) for d in corpus]
    assert result.codebooks == books()
    key = ["doc_id", "start", "end", "code", "coder", "memo"]
    assert sorted(map(tuple, back_coded[key].values.tolist())) == sorted(map(tuple, coded[key].values.tolist()))
    assert all(back[d].text[s:e] == t for d, s, e, t in back_coded[["doc_id", "start", "end", "text"]].values)


def test_public_api_names():
    assert qk.read_qdpx is read_qdpx and qk.write_qdpx is write_qdpx


def test_sources_without_usable_plain_text_are_kept_and_reported(tmp_path):
    extra = (
        f'<TextSource guid="{G(30)}" name="alleen docx" richTextPath="internal://{G(30)}.docx"/>'
        f'<TextSource guid="{G(31)}" name="extern" plainTextPath="absolute://C:/data/x.txt"/>'
        f'<TextSource guid="{G(32)}" name="notitie"><PlainTextContent>Nog een.</PlainTextContent></TextSource>'
        f'<PDFSource guid="{G(33)}" name="rapport" path="internal://{G(33)}.pdf"/>'
    )
    qde = FOREIGN.replace("SELECTIONS", "").replace("</Sources>", extra + "</Sources>")
    with pytest.warns(QualkitWarning) as caught:
        project = read_qdpx(foreign(tmp_path / "mix.qdpx", qde=qde))
    corpus, _ = project
    assert list(corpus.documents) == ["interview 1", "notitie", "alleen docx", "extern", "notitie-2"]
    assert corpus["alleen docx"].text == "" and corpus["extern"].text == ""
    assert corpus["notitie-2"].text == "Nog een."
    assert project.notes == [
        f"source 'alleen docx' ({G(30)}) has no plain text (only internal://{G(30)}.docx), so it is imported empty",
        f"source 'extern' ({G(31)}): its text is outside the archive (absolute://C:/data/x.txt), so it is imported empty",
        f"source 'notitie' ({G(32)}): a document 'notitie' exists already, imported as 'notitie-2'",
        "PDFSource rapport is left out: qualkit imports text sources only",
    ]
    assert str(caught[0].message) == f"{tmp_path / 'mix.qdpx'}: " + "; ".join(project.notes)
