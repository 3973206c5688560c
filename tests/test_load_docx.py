"""The .docx loader on real files written by python-docx: paragraphs, transcript tables, refusals."""

from __future__ import annotations

import docx
import pytest

from qualkit.errors import EmptySourceError, LoadError, UnknownSpeakerWarning
from qualkit.load import load_corpus


def save(tmp_path, name, paragraphs=(), table=None, after=()):
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table is not None:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(t.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
    for p in after:
        d.add_paragraph(p)
    path = tmp_path / name
    d.save(path)
    return path


def test_paragraph_transcript(tmp_path):
    path = save(tmp_path, "pbsog.docx", [
        "Groepsgesprek PBSOG",
        "Moderator: Hoe was het gesprek?",
        "PB 2: Goed, eigenlijk.",
        "[gelach]",
        "Het leeft niet altijd.",
        "PB 4: Dat herken ik.",
    ])
    doc = load_corpus(path)["pbsog"]
    assert (doc.kind, doc.encoding, doc.newline) == ("transcript", "docx", "\n")
    assert doc.text == ("Groepsgesprek PBSOG\nModerator: Hoe was het gesprek?\nPB 2: Goed, eigenlijk.\n[gelach]\n"
                        "Het leeft niet altijd.\nPB 4: Dat herken ik.")
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [
        ("Moderator", "Hoe was het gesprek?"),
        ("PB 2", "Goed, eigenlijk.\n[gelach]\nHet leeft niet altijd."),
        ("PB 4", "Dat herken ik."),
    ]
    assert [s.text for s in doc.units("note")] == ["[gelach]"]
    assert [s.text for s in doc.units("header")] == ["Groepsgesprek PBSOG"]


def test_line_break_inside_a_paragraph_is_a_line(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("X: eerste regel")
    p.add_run().add_break()
    p.add_run("Y: tweede")
    d.save(tmp_path / "br.docx")
    doc = load_corpus(tmp_path / "br.docx")["br"]
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [("X", "eerste regel"), ("Y", "tweede")]


def test_table_transcript_with_header_and_time(tmp_path):
    path = save(tmp_path, "directie.docx", ["Groepsgesprek directies", "Datum: 28 maart"], table=[
        ["Spreker", "Tijd", "Tekst"],
        ["Moderator", "00:00:05", "Welkom. Eerste vraag:"],
        ["Directeur 2", "00:00:21", "Goed.\n(lacht)\nBijvoorbeeld: kort."],
        ["", "", "Echt kort."],
        ["Directeur 1", "", ""],
    ])
    doc = load_corpus(path)["directie"]
    assert doc.text == (
        "Groepsgesprek directies\nDatum: 28 maart\n"
        "[00:00:05] Moderator: Welkom. Eerste vraag:\n"
        "[00:00:21] Directeur 2: Goed.\n(lacht)\nBijvoorbeeld: kort.\nEcht kort.\n"
        "Directeur 1:"
    )
    # table rows state who speaks: "Bijvoorbeeld:" inside a cell never starts a turn
    assert [(s.speaker, s.time_start, doc.text[s.label_start : s.start], s.text) for s in doc.units("turn")] == [
        ("Moderator", 5.0, "[00:00:05] Moderator: ", "Welkom. Eerste vraag:"),
        ("Directeur 2", 21.0, "[00:00:21] Directeur 2: ", "Goed.\n(lacht)\nBijvoorbeeld: kort.\nEcht kort."),
        ("Directeur 1", None, "Directeur 1:", ""),
    ]
    assert [s.text for s in doc.units("note")] == ["(lacht)"]
    assert doc.units("header")[0].text == "Groepsgesprek directies\nDatum: 28 maart"


def test_table_rows_start_turns_even_with_participants_and_unknowns_warn(tmp_path):
    path = save(tmp_path, "t.docx", table=[["Speaker", "Text"], ["A", "ja"], ["B", "nee"]])
    people = tmp_path / "p.csv"
    people.write_text("speaker,role\nA,leerkracht\n", encoding="utf-8")
    with pytest.warns(UnknownSpeakerWarning, match=r"1 speaker\(s\) not in the participants file: 'B' \(t\)"):
        corpus = load_corpus(path, participants=people)
    frame = corpus.segments("turn")
    assert frame[["speaker", "role"]].fillna("-").values.tolist() == [["A", "leerkracht"], ["B", "-"]]


def test_headerless_two_column_table_is_a_transcript(tmp_path):
    path = save(tmp_path, "t.docx", table=[["X", "Goedemorgen."], ["Y", "Dag."]])
    assert [(s.speaker, s.text) for s in load_corpus(path)["t"].units("turn")] == [("X", "Goedemorgen."),
                                                                               ("Y", "Dag.")]


def test_other_tables_are_read_as_lines(tmp_path):
    path = save(tmp_path, "t.docx", ["X: Kijk naar de tabel."],
                table=[["Fase", "Aantal", "Opmerking"], ["1", "12", "veel"]], after=["Y: Ja."])
    doc = load_corpus(path)["t"]
    assert doc.text == "X: Kijk naar de tabel.\nFase\tAantal\tOpmerking\n1\t12\tveel\nY: Ja."
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [
        ("X", "Kijk naar de tabel.\nFase\tAantal\tOpmerking\n1\t12\tveel"), ("Y", "Ja.")]


def test_docx_field_notes(tmp_path):
    path = save(tmp_path, "veld.docx", ["Veldnotities", "09:30 [ouder] Komt binnen.", "09:35 Start."])
    doc = load_corpus(path)["veld"]
    assert doc.kind == "observation"
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("entry")] == [
        ("ouder", 34200.0, "Komt binnen."), (None, 34500.0, "Start.")]


def test_empty_docx(tmp_path):
    path = save(tmp_path, "leeg.docx", ["", "  "])
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}: the document is empty (no text to load); remove it or fill it in"


def test_damaged_docx(tmp_path):
    path = tmp_path / "kapot.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LoadError, match=r"kapot.docx: not a readable .docx file \(.*\); open it in Word and save it "
                                        r"again as .docx"):
        load_corpus(path)


def test_docx_as_plain_text(tmp_path):
    path = save(tmp_path, "memo.docx", ["Een memo.", "Tweede alinea."])
    doc = load_corpus(path, kinds={"memo.docx": "text"})["memo"]
    assert (doc.kind, doc.text, doc.segments) == ("text", "Een memo.\nTweede alinea.", ())
