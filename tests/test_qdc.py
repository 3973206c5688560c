"""REFI-QDA codebooks (.qdc): schema-valid output, lossless round trips, foreign files, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualkit as qk
from qualkit.errors import CodebookError, OutputExistsError, ProjectFileError, SourceNotFoundError
from qualkit.model import Code, Codebook, Rules
from qualkit.qdpx import read_qdc, read_qdpx, write_qdc
from qualkit.refi import guid, split_trailer, with_trailer

CB = {"c": "urn:QDA-XML:codebook:1.0"}


@pytest.fixture(scope="module")
def codebook_schema(interop_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(interop_dir / "Codebook.xsd"))


def leiderschap() -> Codebook:
    return Codebook(
        "leiderschap",
        "Leiderschap",
        (
            Code("leiderschap", "Leiderschap", "leiderschap", codable=False, description="Groepeert wie richting geeft."),
            Code(
                "visie",
                "Visie",
                "leiderschap",
                parent="leiderschap",
                description="De school zet een koers uit voor de komende jaren.\nOok plannen op lange termijn.",
                include="doelen over meer dan één schooljaar",
                exclude="dagelijkse planning",
                example="we willen tegen 2030 ...",
                colour="#4C72B0",
                rules=Rules(keywords=("visie", "koers*"), compounds=True, near=(("plan", "jaar", 5),), exclude=("televisie",)),
            ),
            Code("gedeeld", "Gedeeld leiderschap 🤝", "leiderschap", parent="leiderschap", colour="#dd8452"),
            Code("eigen", "Eigen-leiderschap", "leiderschap"),
        ),
        description="Codes over leiderschap in scholen.",
        version="1.2",
    )


def netwerk() -> Codebook:
    return Codebook("netwerk", "Netwerkthema's", (Code("leren", "Samen leren", "netwerk"),))


def test_single_codebook_round_trips_exactly(tmp_path):
    book = leiderschap()
    write_qdc(book, tmp_path / "lei.qdc")
    back = read_qdc(tmp_path / "lei.qdc")
    assert back == book  # namespace, name, description, version and every code field, rules included
    assert back.path("visie") == "Leiderschap > Visie"
    assert back.source == str(tmp_path / "lei.qdc")


def test_written_codebook_is_valid_and_has_one_category_per_codebook(tmp_path, codebook_schema):
    path = tmp_path / "twee.qdc"
    write_qdc([leiderschap(), netwerk()], path)
    codebook_schema.validate(str(path))
    root = etree.parse(str(path))
    tops = root.xpath("/c:CodeBook/c:Codes/c:Code", namespaces=CB)
    assert [(t.get("name"), t.get("isCodable")) for t in tops] == [("Leiderschap", "false"), ("Netwerkthema's", "false")]
    assert tops[0].get("guid") == guid("codebook", "leiderschap")
    visie = root.xpath("//c:Code[@name='Visie']", namespaces=CB)[0]
    assert visie.get("guid") == guid("code", "leiderschap:visie")
    assert visie.get("color") == "#4C72B0"
    assert visie.getparent().get("name") == "Leiderschap" and visie.getparent().get("isCodable") == "false"
    # the definition a user of another tool sees comes first, qualkit's trailer after it
    desc = visie.find("c:Description", CB).text
    assert desc.startswith("De school zet een koers uit voor de komende jaren.\nOok plannen op lange termijn.\n\n--- qualkit ---\n")
    assert 'id: "leiderschap:visie"' in desc


def test_several_codebooks_need_a_namespace_to_read_one(tmp_path):
    path = tmp_path / "twee.qdc"
    write_qdc([leiderschap(), netwerk()], path)
    with pytest.raises(ProjectFileError) as err:
        read_qdc(path)
    assert str(err.value) == f"{path}: holds 2 codebooks ['leiderschap', 'netwerk']; pass namespace= to choose one"
    assert read_qdc(path, namespace="netwerk") == netwerk()
    with pytest.raises(ProjectFileError, match=r"no codebook with namespace 'x'; it holds \['leiderschap', 'netwerk'\]"):
        read_qdc(path, namespace="x")


def test_same_codebook_gives_byte_identical_files(tmp_path):
    write_qdc(leiderschap(), tmp_path / "a.qdc")
    write_qdc(leiderschap(), tmp_path / "b.qdc")
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()


def test_existing_file_is_refused_without_overwrite(tmp_path):
    path = tmp_path / "lei.qdc"
    path.write_text("oud")
    with pytest.raises(OutputExistsError) as err:
        write_qdc(leiderschap(), path)
    assert str(err.value) == f"{path}: the file exists already; pass overwrite=True to replace it, or choose another name"
    assert path.read_text() == "oud"
    write_qdc(leiderschap(), path, overwrite=True)
    assert read_qdc(path) == leiderschap()


def test_foreign_codebook_gets_ids_from_names_and_namespace_from_file(tmp_path, codebook_schema):
    # as another tool writes it: no qualkit trailer, a 3-digit colour, a category, a name used twice
    xml = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti">
  <Codes>
    <Code guid="{0A0A0A0A-0000-4000-8000-000000000001}" name="Schoolcultuur" isCodable="false" color="#a3c">
      <Description>Alles over de cultuur.</Description>
      <Code guid="0a0a0a0a-0000-4000-8000-000000000002" name="Vertrouwen" isCodable="true"/>
      <Code guid="0a0a0a0a-0000-4000-8000-000000000003" name="Coördinatie" isCodable="true"/>
    </Code>
    <Code guid="0a0a0a0a-0000-4000-8000-000000000004" name="Netwerk" isCodable="true">
      <Code guid="0a0a0a0a-0000-4000-8000-000000000005" name="Vertrouwen" isCodable="true"/>
    </Code>
  </Codes>
</CodeBook>"""
    path = tmp_path / "Mijn Codes.qdc"
    path.write_text(xml, encoding="utf-8")
    codebook_schema.validate(str(path))
    book = read_qdc(path)
    assert (book.namespace, book.name) == ("mijn_codes", "Mijn Codes")
    assert [(c.id, c.parent, c.codable, c.colour) for c in book] == [
        ("schoolcultuur", None, False, "#aa33cc"),
        ("schoolcultuur.vertrouwen", "schoolcultuur", True, None),
        ("coordinatie", "schoolcultuur", True, None),
        ("netwerk", None, True, None),
        ("netwerk.vertrouwen", "netwerk", True, None),
    ]
    assert book.get("schoolcultuur").description == "Alles over de cultuur."
    assert book.get("coordinatie").name == "Coördinatie"


def test_codebook_of_the_qc_export_survives_qdc(tmp_path, interop_dir, codebook_schema):
    book = read_qdpx(interop_dir / "qc_demo.qdpx").codebooks[0]
    write_qdc(book, tmp_path / "qc.qdc")
    codebook_schema.validate(str(tmp_path / "qc.qdc"))
    assert read_qdc(tmp_path / "qc.qdc") == book


def test_dtd_and_entities_are_refused(tmp_path):
    path = tmp_path / "lach.qdc"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="0a0a0a0a-0000-4000-8000-000000000001" '
        'name="&b;" isCodable="true"/></Codes></CodeBook>'
    )
    with pytest.raises(ProjectFileError) as err:
        read_qdc(path)
    assert str(err.value) == (
        f"{path}: the XML declares a DTD or entities (DTDForbidden); REFI-QDA files need neither, "
        "and qualkit refuses them because they can expand without bound or read other files"
    )


def test_not_a_codebook_and_missing_file(tmp_path):
    path = tmp_path / "p.qdc"
    path.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
    with pytest.raises(ProjectFileError, match=r"the root element is <Project>, expected <CodeBook>"):
        read_qdc(path)
    with pytest.raises(SourceNotFoundError, match="no such codebook file"):
        read_qdc(tmp_path / "weg.qdc")
    path.write_text("<CodeBook><Codes><Code")
    with pytest.raises(ProjectFileError, match="not well-formed XML"):
        read_qdc(path)


def test_duplicate_guid_and_bad_colour_in_foreign_file(tmp_path):
    path = tmp_path / "x.qdc"
    code = '<Code guid="0a0a0a0a-0000-4000-8000-000000000001" name="{}" isCodable="true"{}/>'
    path.write_text(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{code.format("A", "")}{code.format("B", "")}</Codes></CodeBook>')
    with pytest.raises(ProjectFileError, match="two codes have guid 0a0a0a0a-0000-4000-8000-000000000001"):
        read_qdc(path)
    red = code.format("A", ' color="red"')
    path.write_text(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{red}</Codes></CodeBook>')
    with pytest.raises(ProjectFileError, match=r"code 0a0a0a0a-0000-4000-8000-000000000001 \(A\) has color 'red'; expected #RRGGBB"):
        read_qdc(path)


def test_writer_rejects_bad_codebooks(tmp_path):
    path = tmp_path / "x.qdc"
    with pytest.raises(CodebookError, match="no codebook to write"):
        write_qdc([], path)
    orphan = Codebook("a", "A", (Code("x", "X", "a", parent="weg"),))
    with pytest.raises(CodebookError, match=r"code a:x: its parent is not in codebook 'a'"):
        write_qdc(orphan, path)
    with pytest.raises(CodebookError, match="colour 'blauw' is not #RRGGBB"):
        write_qdc(Codebook("a", "A", (Code("x", "X", "a", colour="blauw"),)), path)
    with pytest.raises(CodebookError, match="namespace 'a' is used by 2 codebooks"):
        write_qdc([Codebook("a", "A"), Codebook("a", "B")], path)
    with pytest.raises(CodebookError, match="character U\\+0007 at position 3 cannot be stored in XML"):
        write_qdc(Codebook("a", "A", (Code("x", "Bel\x07", "a"),)), path)
    assert not path.exists()


def test_trailer_is_only_recognised_when_it_parses():
    assert split_trailer("Uitleg\n--- qualkit ---\nniet: json") == ("Uitleg\n--- qualkit ---\nniet: json", {})
    assert split_trailer("a --- qualkit ---") == ("a --- qualkit ---", {})
    assert split_trailer(with_trailer("Twee\n\nalinea's\n", {"id": "a:b"})) == ("Twee\n\nalinea's\n", {"id": "a:b"})


def test_public_api_names():
    assert qk.read_qdc is read_qdc and qk.write_qdc is write_qdc


names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("éëï😀\n"), min_size=1, max_size=15)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\n\té😀"), max_size=40)


@st.composite
def codebooks(draw):
    n = draw(st.integers(1, 8))
    codes = []
    for i in range(n):
        parent = draw(st.none() | st.sampled_from([c.id for c in codes])) if codes else None
        codes.append(
            Code(
                f"c{i}",
                draw(names),
                "ns",
                parent=parent,
                description=draw(texts),
                include=draw(texts),
                colour=draw(st.none() | st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True)),
                codable=draw(st.booleans()),
            )
        )
    return Codebook("ns", draw(names), tuple(codes), description=draw(texts), version=draw(texts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=codebooks())
def test_any_codebook_round_trips(tmp_path, book):
    path = tmp_path / "h.qdc"
    write_qdc(book, path, overwrite=True)
    back = read_qdc(path)
    # codes come back in tree order (depth first, siblings in their order): compare by id
    assert sorted(back.codes, key=lambda c: c.id) == sorted(book.codes, key=lambda c: c.id)
    assert (back.namespace, back.name, back.description, back.version) == (book.namespace, book.name, book.description, book.version)
    assert [c.id for c in back.children(None)] == [c.id for c in book.children(None)]
