"""CSV/XLSX sources: sniffing, open answers, observation forms, participants and documents files."""

from __future__ import annotations

import openpyxl
import pytest

from qualkit.errors import EmptySourceError, LoadError, ParticipantsError, QualkitWarning
from qualkit.load import load_corpus, read_participants
from qualkit.load.tables import read_table

ANSWERS = [
    ["respondent", "rol", "school", "tevreden", "toelichting"],
    ["r01", "Leraar", "A", "Eens", "We leren veel van elkaar in het team.\nVooral tijdens het overleg."],
    ["r02", "directeur", "B", "Eens", "Er is te weinig tijd voor overleg met het CLB."],
    ["r03", "leerkracht", "A", "Oneens", ""],
    ["r04", "zoco", "B", "Eens", "De begeleider kent onze school niet goed genoeg."],
]


def write_csv(path, rows, delimiter=";", encoding="utf-8-sig", newline="\r\n"):
    def quote(v):
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in f'{delimiter}"\n') else v

    path.write_bytes(newline.join(delimiter.join(quote(v) for v in r) for r in rows).encode(encoding) + b"\r\n")
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8-sig"), ("\t", "utf-8"), (",", "cp1252")])
def test_csv_sniffing_with_quoted_newlines(tmp_path, delimiter, encoding):
    path = write_csv(tmp_path / "v.csv", ANSWERS, delimiter, encoding)
    frame = read_table(path)
    assert list(frame.columns) == ANSWERS[0]
    assert frame["toelichting"].tolist()[0] == "We leren veel van elkaar in het team.\nVooral tijdens het overleg."
    assert len(frame) == 4


def test_open_answers_semicolon_csv_with_bom(tmp_path):
    path = write_csv(tmp_path / "vragenlijst.csv", ANSWERS)
    corpus = load_corpus(path, role_map={"leraar": "leerkracht", "directeur": "directie"})
    doc = corpus["vragenlijst"]
    assert (doc.kind, doc.encoding, doc.attributes) == ("answers", "utf-8-sig",
                                                        {"question": "toelichting", "table": "vragenlijst"})
    assert doc.text == ("We leren veel van elkaar in het team.\nVooral tijdens het overleg.\n\n"
                        "Er is te weinig tijd voor overleg met het CLB.\n\n"
                        "De begeleider kent onze school niet goed genoeg.")
    frame = corpus.segments("answer")
    assert frame[["speaker", "person", "role"]].values.tolist() == [
        ["r01", "r01", "leerkracht"], ["r02", "r02", "directie"], ["r04", "r04", "zoco"]]
    assert corpus.participant("vragenlijst", "r02").attributes == {"respondent": "r02", "school": "B",
                                                                  "tevreden": "Eens"}
    assert corpus.tables["vragenlijst"]["tevreden"].tolist() == ["Eens", "Eens", "Oneens", "Eens"]


def test_xlsx_answers_with_several_text_columns_and_likert_numbers(tmp_path):
    rows = [["nr", "groep", "score", "Wat loopt goed?", "Wat kan beter?"],
            [1, "BaO", 4, "Het overleg met de zorgcoördinator loopt vlot.", "Meer tijd voor de voorbereiding graag."],
            [2, "SO", 2, "De begeleider denkt echt mee met ons.", None]]
    path = write_xlsx(tmp_path / "enquete.xlsx", rows)
    corpus = load_corpus(path)
    assert list(corpus.documents) == ["enquete_wat_loopt_goed", "enquete_wat_kan_beter"]
    assert corpus["enquete_wat_kan_beter"].text == "Meer tijd voor de voorbereiding graag."
    assert corpus["enquete_wat_loopt_goed"].encoding == "xlsx"
    frame = corpus.segments("answer")
    assert frame[["doc_id", "speaker", "group", "question"]].values.tolist() == [
        ["enquete_wat_loopt_goed", "1", "BaO", "Wat loopt goed?"],
        ["enquete_wat_loopt_goed", "2", "SO", "Wat loopt goed?"],
        ["enquete_wat_kan_beter", "1", "BaO", "Wat kan beter?"],
    ]
    assert corpus.tables["enquete"]["score"].tolist() == [4.0, 2.0]


def test_text_columns_override_and_missing_column(tmp_path):
    path = write_csv(tmp_path / "v.csv", ANSWERS)
    corpus = load_corpus(path, text_columns=["Tevreden"])
    assert [s.text for s in corpus["v"].units("answer")] == ["Eens", "Eens", "Oneens", "Eens"]
    with pytest.raises(LoadError) as info:
        load_corpus(path, text_columns=["opmerking"])
    assert str(info.value) == (f"{path}, line 1: none of text_columns=['opmerking'] is a column of this file; its "
                               "columns are: respondent, rol, school, tevreden, toelichting")


def test_no_free_text_column(tmp_path):
    path = write_csv(tmp_path / "likert.csv", [["nr", "q1", "q2"], ["1", "Eens", "3"], ["2", "Eens", "4"],
                                               ["3", "Eens", "5"]])
    corpus = load_corpus(path)  # a table without free text is data, not answers
    assert len(corpus) == 0 and corpus.tables["likert"]["q2"].tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(LoadError) as info:
        load_corpus(path, kinds={"likert.csv": "answers"})
    assert str(info.value) == (
        f"{path}: found no free-text column (filled cells of mostly four words or more that differ between "
        "respondents) among: nr, q1, q2; pass text_columns=[...], or load the file as a table with "
        "kinds={'likert.csv': 'table'}"
    )


def test_repeated_likert_labels_and_dates_are_not_free_text(tmp_path):
    rows = [["nr", "ingediend", "mening", "uitleg"]] + [
        [str(i), f"0{i}/05/2019 09:0{i}", "Noch eens noch oneens", f"Antwoord nummer {i} met wat uitleg"]
        for i in range(1, 5)]
    corpus = load_corpus(write_csv(tmp_path / "v.csv", rows))
    assert corpus["v"].attributes["question"] == "uitleg"


def test_duplicate_respondent(tmp_path):
    path = write_csv(tmp_path / "v.csv", ANSWERS[:3] + [ANSWERS[2]])
    with pytest.raises(LoadError) as info:
        load_corpus(path, text_columns=["toelichting"])
    assert str(info.value) == f"{path}, line 4: respondent 'r02' also appears on line 3; give every row its own id"


def test_header_only_table(tmp_path):
    path = write_csv(tmp_path / "v.csv", ANSWERS[:1])
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == (f"{path}: the table has a header but no rows (no text to load); fill it in or "
                               "remove the file")


FORM = [
    ["sessie", "datum", "school", "rubriek", "item", "antwoord", "opmerking"],
    ["overleg_01", "2017-01-24", "[naam school 1]", "Voorbereidingsdocumenten", "Alle vragen worden overlopen", "Ja",
     ""],
    ["overleg_01", "2017-01-24", "[naam school 1]", "Handelingsgericht werken", "Doelen zijn SMARTI", "Nee",
     '"Daar zijn we mee bezig"; zegt de directeur.'],
    ["overleg_02", "2017-02-02", "[naam school 2]", "Kwaliteit van gesprekken - Motivatie", "Iedereen komt aan bod",
     "Ja", "Ook de CLB-medewerker.\nZeker op het einde."],
]


def test_observation_form_csv(tmp_path):
    path = write_csv(tmp_path / "observatieformulier.csv", FORM)
    corpus = load_corpus(path)
    assert list(corpus.documents) == ["overleg_01", "overleg_02"]
    first = corpus["overleg_01"]
    assert first.kind == "observation"
    assert first.text == 'Doelen zijn SMARTI: "Daar zijn we mee bezig"; zegt de directeur.'
    note = first.units("note")[0]
    assert (note.text, first.text[note.label_start : note.start]) == (
        '"Daar zijn we mee bezig"; zegt de directeur.', "Doelen zijn SMARTI: ")
    assert first.attributes == {"sessie": "overleg_01", "form": "observatieformulier", "datum": "2017-01-24",
                                "school": "[naam school 1]"}
    assert first.data["antwoord"].tolist() == ["Ja", "Nee"]
    assert corpus["overleg_02"].text == "Iedereen komt aan bod: Ook de CLB-medewerker.\nZeker op het einde."
    assert corpus.tables["observatieformulier"].shape == (3, 7)


def test_observation_form_xlsx_english_columns(tmp_path):
    rows = [["Session", "Group", "Item", "Answer", "Note"], ["s1", "Communicatie", "Beurtwisseling", "Ja",
                                                               "Vlot."], ["s1", "Communicatie", "Samenvatten", "Nee", None]]
    corpus = load_corpus(write_xlsx(tmp_path / "form.xlsx", rows))
    assert corpus["s1"].text == "Beurtwisseling: Vlot."
    assert corpus["s1"].data["Answer"].tolist() == ["Ja", "Nee"]


def test_form_with_empty_session_cell(tmp_path):
    path = write_csv(tmp_path / "f.csv", FORM[:2] + [[""] + FORM[2][1:]])
    with pytest.raises(LoadError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}, line 3: the session cell is empty; fill in the session id or delete the row"


def test_participants_file_in_a_folder_is_not_data(tmp_path):
    (tmp_path / "fg.txt").write_text("X: ja\n", encoding="utf-8")
    people = write_csv(tmp_path / "participants.csv", [["speaker", "role"], ["X", "ouder"]])
    with pytest.warns(QualkitWarning) as caught:
        corpus = load_corpus(tmp_path)
    assert list(corpus.documents) == ["fg"]
    assert str(caught[0].message) == (
        f"{people}: looks like a participants file (a 'speaker' column) and was not loaded as data; pass it as "
        f"participants={str(people)!r}, or keep it as a table with kinds={{'participants.csv': 'table'}}"
    )


def test_participants_xlsx_with_attributes_and_role_map(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["Speaker", "document", "person", "role", "group", "ervaring"],
                                            ["X", "fg_1", "p1", "Leerkracht", "BaO", 12],
                                            ["X", "fg_2", "p2", "leraar", None, None]])
    people = read_participants(path, role_map={"leraar": "leerkracht", "Leerkracht": "leerkracht"})
    assert [(p.speaker, p.document, p.person, p.role, p.group, p.attributes) for p in people] == [
        ("X", "fg_1", "p1", "leerkracht", "BaO", {"ervaring": "12"}),
        ("X", "fg_2", "p2", "leerkracht", None, {"ervaring": None}),
    ]


def test_participants_file_errors(tmp_path):
    empty = write_csv(tmp_path / "a.csv", [["speaker", "role"], ["", "ouder"]])
    with pytest.raises(ParticipantsError) as info:
        read_participants(empty)
    assert str(info.value) == f"{empty}, line 2: the 'speaker' cell is empty; fill in the label or delete the row"
    twice = write_csv(tmp_path / "b.csv", [["speaker", "role"], ["X", "ouder"], ["X", "leerkracht"]])
    with pytest.raises(ParticipantsError) as info:
        read_participants(twice)
    assert str(info.value) == (f"{twice}, line 3: speaker 'X' is listed twice for every document (also on line 2); "
                               "keep one row, or add a 'document' column to say which document each row is for")


def test_documents_file_without_document_column(tmp_path):
    (tmp_path / "fg.txt").write_text("X: ja\n", encoding="utf-8")
    docs = write_csv(tmp_path / "d.csv", [["doc", "groep"], ["fg", "A"]])
    with pytest.raises(LoadError) as info:
        load_corpus(tmp_path / "fg.txt", documents=docs)
    assert str(info.value) == (f"{docs}, line 1: a documents file needs a column 'document' (the file name without "
                               "extension); found columns: doc, groep; rename the column of document ids to 'document'")


def test_missing_participants_file(tmp_path):
    (tmp_path / "fg.txt").write_text("X: ja\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as info:
        load_corpus(tmp_path, participants=tmp_path / "nope.csv")
    assert str(info.value) == f"{tmp_path / 'nope.csv'}: the participants file does not exist; check the participants= path"



def test_empty_xlsx(tmp_path):
    path = tmp_path / "leeg.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}: the first sheet is empty (no text to load); fill it in or remove the file"


def test_table_forced_to_observation_needs_form_columns(tmp_path):
    path = write_csv(tmp_path / "v.csv", ANSWERS)
    with pytest.raises(LoadError) as info:
        load_corpus(path, kinds={"v.csv": "observation"})
    assert str(info.value) == (
        f"{path}, line 1: an observation form needs the columns sessie/session, item, antwoord/answer; found "
        "respondent, rol, school, tevreden, toelichting; rename the columns or load it with kinds={'v.csv': 'table'}"
    )
