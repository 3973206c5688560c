"""REFI-QDA projects and codebooks as QualCoder, NVivo, MAXQDA and ATLAS.ti write them.

Each fixture copies the shape one tool gives its export (root attributes, folder
name, text encoding and line ends, how users, cases, memos and categories are
written). The comment above each one names where that shape was learned. The
texts are our own. Every test checks exact counts, the code tree, the coders,
and that each coded ``text`` is the slice of its document.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema

from qualkit.errors import ProjectFileError, QualkitWarning
from qualkit.model import Participant
from qualkit.qdpx import read_qdc, read_qdpx

TEXT = (
    "Interviewer: Hoe loopt het overleg met de partnerscholen?\n"
    "Els: We zien elkaar elke maand en delen wat werkt.\n"
    "Interviewer: En het vertrouwen?\n"
    "Els: Dat groeit traag, maar het groeit."
)
PDF_TEXT = "Verslag van de stuurgroep.\nDe scholen kiezen samen een thema."


def span(phrase: str, text: str = TEXT) -> tuple[int, int]:
    """Characters of ``phrase`` in the normalised text."""
    start = text.index(phrase)
    return start, start + len(phrase)


def crlf_span(phrase: str, text: str = TEXT) -> tuple[int, int]:
    """Positions of ``phrase`` when every "\\r\\n" of the stored text counts as two characters (NVivo)."""
    start, end = span(phrase, text)
    return start + text[:start].count("\n"), end + text[:end].count("\n")


def U(n: int) -> str:
    return f"5e1c0000-0000-4000-8000-{n:012d}"


def zip_bytes(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def read(path: Path):
    with pytest.warns(QualkitWarning) as caught:
        project = read_qdpx(path)
    assert str(caught[0].message) == f"{path}: " + "; ".join(project.notes)
    return project


def assert_texts_are_slices(project) -> None:
    corpus, coded = project
    assert (coded["text"] == [corpus[d].text[s:e] for d, s, e in zip(coded["doc_id"], coded["start"], coded["end"])]).all()


@pytest.fixture(scope="module")
def project_schema(interop_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(interop_dir / "Project.xsd"))


@pytest.fixture(scope="module")
def codebook_schema(interop_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(interop_dir / "Codebook.xsd"))


# ------------------------------------------------------------------ QualCoder
# Shape from ccbogel/QualCoder qualcoder/refi.py (RefiExport): project.qde and every .txt written
# with encoding "utf-8-sig" (a BOM), <Project xmlns:xsd xmlns:xsi origin=version creatingUserGUID
# creationDateTime>, codes outside a category first, categories as isCodable="false", colours in
# upper case, <Description /> left empty on variables and cases, PlainTextSelection name= the coded
# text with <Description> before <Coding>, a separate guid for richTextPath and plainTextPath,
# PDFSource with a <Representation> holding the selections, an annotation as a <Note> with
# PlainTextContent and a PlainTextSelection, a journal as a <Note plainTextPath>, and the project
# memo as <Description> after <Notes>. Folder "Sources".


def qualcoder_selection(n: int, phrase: str, code: int, user: int, memo: str = "", text: str = TEXT) -> str:
    a, b = span(phrase, text)
    desc = f"<Description>{memo}</Description>\n" if memo else ""
    return (f'<PlainTextSelection guid="{U(n)}" startPosition="{a}" endPosition="{b}" name="{phrase}" '
            f'creatingUser="{U(user)}" creationDateTime="2024-05-02T10:11:12Z">\n{desc}'
            f'<Coding guid="{U(n + 500)}" creatingUser="{U(user)}" >\n<CodeRef targetGUID="{U(code)}" />\n</Coding>\n'
            "</PlainTextSelection>\n")


QUALCODER_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="netwerk.qda" origin="QualCoder 3.6" creatingUserGUID="{U(90)}" creationDateTime="2024-05-01T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{U(1)}" name="els" />
<User guid="{U(2)}" name="jan" />
</Users>
<CodeBook>
<Codes>
<Code guid="{U(10)}" name="Vertrouwen" isCodable="true" color="#F8E0E0" />
<Code guid="{U(11)}" name="Samenwerking" isCodable="false">
<Description>Hoe scholen samen werken.</Description>
<Code guid="{U(12)}" name="Overleg" isCodable="true" color="#81BEF7">
<Description>Geregeld samenkomen.</Description>
</Code>
<Code guid="{U(13)}" name="Netwerk" isCodable="false">
<Code guid="{U(14)}" name="Partners" isCodable="true" color="#A9F5A9" />
</Code>
</Code>
</Codes>
</CodeBook>
<Variables>
<Variable guid="{U(20)}" name="school" typeOfVariable="Text" >
<Description />
</Variable>
</Variables>
<Cases>
<Case guid="{U(21)}" name="Els">
<Description />
<VariableValue>
<VariableRef targetGUID="{U(20)}" />
<TextValue>De Linde</TextValue>
</VariableValue>
<SourceRef targetGUID="{U(30)}"/>
</Case>
</Cases>
<Sources>
<TextSource richTextPath="internal://{U(31)}.txt" plainTextPath="internal://{U(32)}.txt" creatingUser="{U(1)}" creationDateTime="2024-05-01T09:05:00Z" guid="{U(30)}" name="interview_els.txt">
{qualcoder_selection(40, "zien elkaar elke maand", 12, 1, "kern")}{qualcoder_selection(41, "partnerscholen", 14, 2)}{qualcoder_selection(42, "Dat groeit traag", 10, 1)}<VariableValue>
<VariableRef targetGUID="{U(20)}" />
<TextValue>De Linde</TextValue>
</VariableValue>
<NoteRef targetGUID="{U(60)}" />
</TextSource>
<PDFSource path="internal://{U(34)}.pdf" creatingUser="{U(2)}" creationDateTime="2024-05-01T09:06:00Z" guid="{U(33)}" name="verslag.pdf">
<Representation guid="{U(35)}" plainTextPath="internal://{U(36)}.txt" creatingUser="{U(2)}" name="verslag.pdf">
{qualcoder_selection(43, "samen een thema", 12, 2, text=PDF_TEXT)}</Representation></PDFSource>
</Sources>
<Notes>
<Note guid="{U(61)}" creatingUser="{U(1)}" creationDateTime="2024-05-03T08:00:00Z" name="logboek"  plainTextPath="internal://{U(61)}.txt" >
<Description /></Note>
<Note guid="{U(60)}" creatingUser="{U(1)}" creationDateTime="2024-05-03T08:00:00Z" >
<PlainTextContent>Nagaan bij de directie.</PlainTextContent>
<PlainTextSelection guid="{U(62)}" startPosition="0" endPosition="11" />
</Note>
</Notes>
<Description>Pilot met twee coders.</Description>
</Project>"""


def qualcoder_project(path: Path) -> Path:
    bom = "\ufeff"
    return zip_bytes(path, {
        "project.qde": (bom + QUALCODER_QDE).encode("utf-8"),
        f"Sources/{U(31)}.txt": (bom + TEXT).encode("utf-8"),
        f"Sources/{U(32)}.txt": (bom + TEXT).encode("utf-8"),
        f"Sources/{U(34)}.pdf": b"%PDF-1.4 niet gelezen",
        f"Sources/{U(36)}.txt": (bom + PDF_TEXT).encode("utf-8"),
        f"Sources/{U(61)}.txt": (bom + "Eerste week: vooral luisteren.").encode("utf-8"),
    })


def test_qualcoder_fixture_breaks_the_schema_only_where_qualcoder_does(project_schema):
    # QualCoder writes a source's <NoteRef> after its <VariableValue>s; the schema wants it before them
    errors = list(project_schema.iter_errors(io.BytesIO(QUALCODER_QDE.encode())))
    assert [(e.reason, e.path) for e in errors] == [
        ("Unexpected child with tag '{urn:QDA-XML:project:1.0}NoteRef' at position 5.", "/Project/Sources/TextSource")
    ]


def test_qualcoder_export_is_read_whole(tmp_path):
    project = read(qualcoder_project(tmp_path / "netwerk.qdpx"))
    corpus, coded = project
    assert list(corpus.documents) == ["interview_els.txt", "verslag.pdf"]
    assert corpus["interview_els.txt"].text == TEXT  # the BOM is not part of the text
    assert corpus["verslag.pdf"].text == PDF_TEXT  # a PDF is read through its text representation
    assert corpus["interview_els.txt"].attributes == {"school": "De Linde"}
    assert corpus.participants == (Participant("Els", document="interview_els.txt", attributes={"school": "De Linde"}),)
    book = project.codebooks[0]
    assert (book.namespace, book.name) == ("netwerk_qda", "netwerk.qda")
    assert [(c.id, c.parent, c.codable, c.colour) for c in book] == [
        ("vertrouwen", None, True, "#F8E0E0"),
        ("samenwerking", None, False, None),
        ("overleg", "samenwerking", True, "#81BEF7"),
        ("netwerk", "samenwerking", False, None),
        ("partners", "netwerk", True, "#A9F5A9"),
    ]
    assert coded[["doc_id", "start", "end", "code_path", "coder", "memo"]].values.tolist() == [
        ["interview_els.txt", *span("partnerscholen"), "Samenwerking > Netwerk > Partners", "jan", ""],
        ["interview_els.txt", *span("zien elkaar elke maand"), "Samenwerking > Overleg", "els", "kern"],
        ["interview_els.txt", *span("Dat groeit traag"), "Vertrouwen", "els", ""],
        ["verslag.pdf", *span("samen een thema", PDF_TEXT), "Samenwerking > Overleg", "jan", ""],
    ]
    assert coded["text"].tolist() == ["partnerscholen", "zien elkaar elke maand", "Dat groeit traag", "samen een thema"]
    assert_texts_are_slices(project)
    assert project.notes == ["1 note(s) anchored to a text passage (annotations) are not imported"]


# ------------------------------------------------------------------ NVivo
# Shape from the real NVivo for Mac 15 export in ../shared/interop/nvivo_project.qdpx (folder
# "sources", a .docx beside each .txt, <User id= name=>, creatingUser/modifyingUser on the source) and
# the NVivo for Windows 12.6 export quoted in a test of a public QDPX importer (find_string
# 'origin="NVivo for Windows 12.6"': xmlns:xsd, basePath="", PlainTextSelection name="" with no
# creatingUser, Coding with no creatingUser). A Windows .txt has "\r\n" and NVivo counts it as two
# characters (QualCoder refi.py load_text_source pads each "\n" to keep NVivo positions). NVivo links
# a passage to an annotation through <Links> (QualCoder refi.py parse_links).


def nvivo_selection(n: int, phrase: str, code: int, user_attr: str = "") -> str:
    a, b = crlf_span(phrase)
    return (f'<PlainTextSelection guid="{U(n)}" name="" startPosition="{a}" endPosition="{b}"{user_attr}>'
            f'<Coding guid="{U(n + 500)}"><CodeRef targetGUID="{U(code)}" /></Coding></PlainTextSelection>')


NVIVO_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" name="Netwerkstudie" origin="NVivo for Windows 12.6" creatingUserGUID="{U(1)}" creationDateTime="2025-02-21T15:09:07Z" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="{U(1)}" id="EV" name="Els Vermeulen" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{U(10)}" name="Samenwerking" isCodable="true">
        <Code guid="{U(11)}" name="Overleg" isCodable="true" />
        <Code guid="{U(12)}" name="Vertrouwen" isCodable="true" />
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{U(30)}" name="Interview Els" richTextPath="internal://{U(30)}.docx" plainTextPath="internal://{U(30)}.txt" creationDateTime="2025-06-11T16:24:07Z" modifyingUser="{U(1)}">
      {nvivo_selection(42, "Dat groeit traag", 12)}
      {nvivo_selection(41, "En het vertrouwen?", 12, f' modifyingUser="{U(1)}"')}
      {nvivo_selection(40, "zien elkaar elke maand", 11)}
      <PlainTextSelection guid="{U(43)}" name="" startPosition="0" endPosition="11" />
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{U(60)}" name="Annotatie" plainTextPath="internal://{U(60)}.txt" />
  </Notes>
  <Links>
    <Link guid="{U(70)}" originGUID="{U(60)}" targetGUID="{U(43)}" />
  </Links>
</Project>"""


def test_nvivo_export_counts_crlf_twice_and_falls_back_to_the_modifying_user(tmp_path, project_schema):
    project_schema.validate(io.BytesIO(NVIVO_QDE.encode()))
    path = zip_bytes(tmp_path / "nvivo.qdpx", {
        "project.qde": NVIVO_QDE.encode(),
        f"Sources/{U(30)}.txt": TEXT.replace("\n", "\r\n").encode("utf-8"),
        f"Sources/{U(30)}.docx": b"PK niet gelezen",
        f"Sources/{U(60)}.txt": "Nagaan.".encode(),
    })
    project = read(path)
    corpus, coded = project
    assert corpus["Interview Els"].text == TEXT and corpus["Interview Els"].newline == "\r\n"
    assert [(c.id, c.parent) for c in project.codebooks[0]] == [("samenwerking", None), ("overleg", "samenwerking"), ("vertrouwen", "samenwerking")]
    # selections came in reverse order; the frame is in text order
    assert coded[["start", "end", "text", "code", "coder"]].values.tolist() == [
        [*span("zien elkaar elke maand"), "zien elkaar elke maand", "netwerkstudie:overleg", "Els Vermeulen"],
        [*span("En het vertrouwen?"), "En het vertrouwen?", "netwerkstudie:vertrouwen", "Els Vermeulen"],
        [*span("Dat groeit traag"), "Dat groeit traag", "netwerkstudie:vertrouwen", "Els Vermeulen"],
    ]
    assert_texts_are_slices(project)
    assert project.notes == [
        f"source 'Interview Els' ({U(30)}): 1 selection(s) without a coding (annotations or memos) are not imported",
        "1 Link(s) under <Links> are not imported ('5e1c0000-0000-4000-8000-000000000070')",
    ]


# ------------------------------------------------------------------ MAXQDA
# Shape from MAXQDA exports quoted in public code (find_string 'origin="MAXQDA': <Project
# origin="MAXQDA 2022 (Release 22.4.0)" xsi:schemaLocation=... modifiedDateTime=...>, GUIDs in
# upper case, <User name= guid=>, a "sources/" folder, source names without file extension) and from
# QualCoder refi.py: MAXQDA keeps a document's variables in a nameless <Case> with one <SourceRef>
# (parse_case_for_file_variables) and also on the source (parse_variable_value), makes categories
# codable (sub_codes: "MAXQDA has categories as codes also"), writes a memo on a passage as a
# PlainTextSelection with a <Description> and no <Coding>, and expects "\r\n" in a .txt with every
# position counting it once (RefiExport add_line_ending_for_maxqda). Document groups are <Sets>.

MAXQDA_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" name="Scholennetwerk" origin="MAXQDA 2022 (Release 22.4.0)" modifiedDateTime="2024-03-09T11:39:59Z" xmlns="urn:QDA-XML:project:1.0">
<Users><User name="Jan" guid="{U(2).upper()}"/></Users>
<CodeBook><Codes>
<Code isCodable="true" name="Samenwerking" color="#2364a2" guid="{U(10).upper()}">
<Code isCodable="true" name="Overleg" color="#e6e600" guid="{U(11).upper()}"/>
</Code>
<Code isCodable="true" name="Vertrouwen" guid="{U(12).upper()}"/>
</Codes></CodeBook>
<Variables>
<Variable name="school" typeOfVariable="Text" guid="{U(20).upper()}"/>
<Variable name="leerjaar" typeOfVariable="Integer" guid="{U(22).upper()}"/>
</Variables>
<Cases>
<Case guid="{U(21).upper()}">
<VariableValue><VariableRef targetGUID="{U(22).upper()}"/><IntegerValue>3</IntegerValue></VariableValue>
<VariableValue><VariableRef targetGUID="{U(20).upper()}"/><TextValue>De Linde</TextValue></VariableValue>
<SourceRef targetGUID="{U(30).upper()}"/>
</Case>
</Cases>
<Sources>
<TextSource plainTextPath="internal://{U(30).upper()}.txt" name="Interview Els" guid="{U(30).upper()}" creatingUser="{U(2).upper()}">
<PlainTextSelection endPosition="{span('zien elkaar elke maand')[1]}" name="zien elkaar" startPosition="{span('zien elkaar elke maand')[0]}" creatingUser="{U(2).upper()}" guid="{U(40).upper()}">
<Coding creatingUser="{U(2).upper()}" guid="{U(540).upper()}"><CodeRef targetGUID="{U(11).upper()}"/></Coding>
</PlainTextSelection>
<PlainTextSelection endPosition="{span('Dat groeit traag, maar het groeit.')[1]}" startPosition="{span('Dat groeit traag, maar het groeit.')[0]}" creatingUser="{U(2).upper()}" guid="{U(41).upper()}">
<Coding creatingUser="{U(2).upper()}" guid="{U(541).upper()}"><CodeRef targetGUID="{U(12).upper()}"/></Coding>
<Coding creatingUser="{U(2).upper()}" guid="{U(542).upper()}"><CodeRef targetGUID="{U(10).upper()}"/></Coding>
</PlainTextSelection>
<PlainTextSelection endPosition="11" startPosition="0" creatingUser="{U(2).upper()}" guid="{U(43).upper()}">
<Description>Vraag herhalen in ronde twee.</Description>
</PlainTextSelection>
<VariableValue><VariableRef targetGUID="{U(20).upper()}"/><TextValue>De Linde</TextValue></VariableValue>
</TextSource>
</Sources>
<Sets>
<Set name="Ronde 1" guid="{U(80).upper()}"><MemberSource targetGUID="{U(30).upper()}"/></Set>
</Sets>
</Project>"""


def maxqda_project(path: Path, qde: str = MAXQDA_QDE) -> Path:
    return zip_bytes(path, {"project.qde": qde.encode(), f"sources/{U(30).upper()}.txt": TEXT.replace("\n", "\r\n").encode()})


def test_maxqda_export_counts_crlf_once_and_reads_document_variables_from_nameless_cases(tmp_path, project_schema):
    project_schema.validate(io.BytesIO(MAXQDA_QDE.encode()))
    project = read(maxqda_project(tmp_path / "maxqda.qdpx"))
    corpus, coded = project
    doc = corpus["Interview Els"]
    assert doc.text == TEXT and doc.newline == "\r\n"
    assert doc.attributes == {"school": "De Linde", "leerjaar": 3}
    assert corpus.participants == ()  # the nameless case carried the document's variables, it is no person
    assert [(c.id, c.parent, c.codable, c.colour) for c in project.codebooks[0]] == [
        ("samenwerking", None, True, "#2364a2"),
        ("overleg", "samenwerking", True, "#e6e600"),
        ("vertrouwen", None, True, None),
    ]
    assert coded[["text", "code_path", "coder"]].values.tolist() == [
        ["zien elkaar elke maand", "Samenwerking > Overleg", "Jan"],
        ["Dat groeit traag, maar het groeit.", "Samenwerking", "Jan"],
        ["Dat groeit traag, maar het groeit.", "Vertrouwen", "Jan"],
    ]
    assert_texts_are_slices(project)
    assert project.notes == [
        f"source 'Interview Els' ({U(30)}): 1 selection(s) without a coding (annotations or memos) are not imported",
        "1 Set(s) under <Sets> are not imported ('Ronde 1')",
    ]


def test_a_case_value_that_contradicts_the_source_is_noted_and_the_source_wins(tmp_path):
    qde = MAXQDA_QDE.replace("<TextValue>De Linde</TextValue></VariableValue>\n<SourceRef", "<TextValue>Het Anker</TextValue></VariableValue>\n<SourceRef")
    project = read(maxqda_project(tmp_path / "tegen.qdpx", qde))
    assert project.corpus["Interview Els"].attributes == {"school": "De Linde", "leerjaar": 3}
    assert "document 'Interview Els': variable 'school' is 'De Linde' on the source and 'Het Anker' on its case; the source's value is kept" in project.notes


def test_crlf_counted_once_refuses_a_selection_past_the_normalised_text(tmp_path):
    # 119 characters once "\r\n" counts once; NVivo-style positions (two per "\r\n") run past it
    end = crlf_span("het groeit.")[1]
    qde = MAXQDA_QDE.replace(f'endPosition="{span("Dat groeit traag, maar het groeit.")[1]}"', f'endPosition="{end}"')
    path = maxqda_project(tmp_path / "te_ver.qdpx", qde)
    with pytest.raises(ProjectFileError) as err:
        read_qdpx(path)
    a = span("Dat groeit traag, maar het groeit.")[0]
    assert str(err.value) == (
        f"{path}, entry project.qde: selection {U(41)} in source 'Interview Els' ({U(30)}) spans characters {a}-{end}, "
        f"outside the source's {len(TEXT)} characters (a \"\\r\\n\" counted once, as MAXQDA 2022 (Release 22.4.0) does); "
        "the project does not match its sources"
    )


# ------------------------------------------------------------------ ATLAS.ti
# Shape from borisbachmann/atlas-qdpx atlas_qdpx/qdpx.py (the .qde inside is named after the .qdpx
# file, not project.qde; texts under "sources/"; one PlainTextSelection may carry several <Coding>s)
# and QualCoder refi.py load_text_source (ATLAS.ti counts "\r\n" in the .txt as one character). The
# origin string "ATLAS.ti Win 23.4.0" and code groups as <Sets> with <MemberCode> come from an ATLAS.ti
# .qdc quoted in a public test (find_string 'origin="ATLAS.ti'). A code here has no isCodable (some
# tools leave it out; it defaults to codable) and one coding has no creatingUser (its selection has).

ATLAS_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="Studie B" origin="ATLAS.ti Win 23.4.0" creatingUserGUID="{U(1).upper()}" creationDateTime="2024-01-10T08:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users><User guid="{U(1).upper()}" name="Els"/><User guid="{U(2).upper()}" name="Jan"/></Users>
<CodeBook><Codes>
<Code guid="{U(10).upper()}" name="Samenwerking" isCodable="true" color="#46AA00"><Description>Werken met andere scholen.</Description></Code>
<Code guid="{U(12).upper()}" name="Vertrouwen"/>
</Codes></CodeBook>
<Sources>
<TextSource guid="{U(30).upper()}" name="interview els.txt" plainTextPath="internal://{U(30).upper()}.txt" creatingUser="{U(1).upper()}">
<PlainTextSelection guid="{U(40).upper()}" name="2:1 zien elkaar" startPosition="{span('zien elkaar elke maand en delen wat werkt.')[0]}" endPosition="{span('zien elkaar elke maand en delen wat werkt.')[1]}" creatingUser="{U(2).upper()}">
<Coding guid="{U(540).upper()}"><CodeRef targetGUID="{U(10).upper()}"/></Coding>
<Coding guid="{U(541).upper()}" creatingUser="{U(1).upper()}"><CodeRef targetGUID="{U(12).upper()}"/></Coding>
</PlainTextSelection>
</TextSource>
<PictureSource guid="{U(33).upper()}" name="bord.jpg" path="internal://{U(33).upper()}.jpg">
<PictureSelection guid="{U(44).upper()}" firstX="1" firstY="1" secondX="20" secondY="20"><Coding guid="{U(544).upper()}"><CodeRef targetGUID="{U(10).upper()}"/></Coding></PictureSelection>
</PictureSource>
</Sources>
<Sets><Set guid="{U(80).upper()}" name="Relaties"><MemberCode targetGUID="{U(10).upper()}"/><MemberCode targetGUID="{U(12).upper()}"/></Set></Sets>
</Project>"""


def test_atlas_export_with_a_renamed_qde_several_codings_per_quotation_and_an_image(tmp_path):
    path = zip_bytes(tmp_path / "Studie B.qdpx", {
        "Studie B.qde": ATLAS_QDE.encode(),
        f"sources/{U(30).upper()}.txt": TEXT.replace("\n", "\r\n").encode(),
        f"sources/{U(33).upper()}.jpg": b"\xff\xd8 geen echte foto",
    })
    project = read(path)
    corpus, coded = project
    assert list(corpus.documents) == ["interview els.txt"]
    assert [(c.id, c.codable, c.colour, c.description) for c in project.codebooks[0]] == [
        ("samenwerking", True, "#46AA00", "Werken met andere scholen."),
        ("vertrouwen", True, None, ""),
    ]
    assert coded[["text", "code", "coder"]].values.tolist() == [
        ["zien elkaar elke maand en delen wat werkt.", "studie_b:samenwerking", "Jan"],  # the selection's user
        ["zien elkaar elke maand en delen wat werkt.", "studie_b:vertrouwen", "Els"],
    ]
    assert_texts_are_slices(project)
    assert project.notes == [
        "PictureSource bord.jpg is left out with its 1 coding(s): qualkit imports text sources only",
        "1 Set(s) under <Sets> are not imported ('Relaties')",
    ]


def test_atlas_fixture_is_valid_apart_from_the_missing_is_codable(project_schema):
    errors = list(project_schema.iter_errors(io.BytesIO(ATLAS_QDE.encode())))
    assert len(errors) == 1 and "isCodable" in str(errors[0])


def test_a_selection_that_ends_before_it_starts_is_refused_with_its_guid(tmp_path):
    qde = ATLAS_QDE.replace(f'startPosition="{span("zien elkaar elke maand en delen wat werkt.")[0]}"', 'startPosition="120"')
    path = zip_bytes(tmp_path / "omgekeerd.qdpx", {"x.qde": qde.encode(), f"sources/{U(30).upper()}.txt": TEXT.encode()})
    end = span("zien elkaar elke maand en delen wat werkt.")[1]
    with pytest.raises(ProjectFileError) as err:
        read_qdpx(path)
    assert str(err.value) == (
        f"{path}, entry x.qde: selection {U(40)} in source 'interview els.txt' ({U(30)}) starts at 120 after its end {end}; "
        "the project is damaged: correct or remove that selection in the tool that wrote it"
    )


# ------------------------------------------------------------------ codebooks (.qdc)
# ATLAS.ti: <CodeBook xmlns:xsi xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd" origin="ATLAS.ti
# Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0"> with upper-case GUIDs, colours and <Sets> of <MemberCode
# guid=> (a public test quoting an ATLAS.ti .qdc, find_string 'origin="ATLAS.ti'); another ATLAS.ti file
# there uses the namespace "urn:QDA-XML:codebook:0:4" itself. NVivo 12 for Mac writes standalone="no" and
# the namespace "urn:QDA-XML:codebook:1:0" (a public NVivo codebook writer, find_string 'origin="NVivo').
# QualCoder writes no origin at all (RefiExport.codebook_exchange_xml).

ATLAS_QDC = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:0:4 Codebook.xsd" origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="{U(1).upper()}" name="Overleg" color="#46AA00" isCodable="true">
      <Description>Geregeld samenkomen.</Description>
    </Code>
    <Code guid="{U(2).upper()}" name="Vertrouwen" color="#ff0000" isCodable="true" />
  </Codes>
  <Sets>
    <Set name="Relaties" guid="{U(3).upper()}">
      <Description>Alles over relaties.</Description>
      <MemberCode guid="{U(1).upper()}" />
    </Set>
  </Sets>
</CodeBook>"""


def test_atlas_codebook_with_code_groups_warns_about_the_groups(tmp_path, codebook_schema):
    codebook_schema.validate(io.BytesIO(ATLAS_QDC.encode()))
    path = tmp_path / "Relaties.qdc"
    path.write_text(ATLAS_QDC, encoding="utf-8")
    with pytest.warns(QualkitWarning) as caught:
        book = read_qdc(path)
    assert [str(w.message) for w in caught] == [f"{path}: 1 code group(s) under <Sets> are not imported ('Relaties')"]
    assert [(c.id, c.colour, c.description) for c in book] == [("overleg", "#46AA00", "Geregeld samenkomen."), ("vertrouwen", "#ff0000", "")]
    assert (book.namespace, book.name) == ("relaties", "Relaties")


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?><CodeBook origin="NVivo 12 For Mac" xmlns="urn:QDA-XML:codebook:1:0" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:1:0 Codebook.xsd">', "</CodeBook>"),
        ('<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti Win 26.1.1">', "</CodeBook>"),
        ('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">', "</CodeBook>"),  # QualCoder: no origin
    ],
)
def test_codebooks_in_every_namespace_spelling_give_the_same_tree(tmp_path, head, tail):
    body = (f'<Codes><Code guid="{U(1)}" name="Samenwerking" isCodable="false"><Code guid="{U(2)}" name="Overleg" isCodable="true" color="#abcdef"/>'
            f'</Code><Code guid="{U(3)}" name="Eigen" isCodable="true"/></Codes>')
    path = tmp_path / "boek.qdc"
    path.write_text(head + body + tail, encoding="utf-8")
    book = read_qdc(path)
    assert [(c.id, c.parent, c.codable, c.colour) for c in book] == [
        ("samenwerking", None, False, None),
        ("overleg", "samenwerking", True, "#abcdef"),
        ("eigen", None, True, None),
    ]
