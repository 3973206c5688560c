from __future__ import annotations

import warnings

import openpyxl
import pandas as pd
import pytest

import qualkit as qk
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError, OutputExistsError, QualkitWarning, SheetError
from qualkit.export import coded_frame
from qualkit.review import DECISION_COLUMNS, REVIEW_COLUMNS, checksum, read_review, review_sheet

TEXT = "Directeur: We delen een visie.\nLeerkracht 2: =SOM(1;2) dat zeg ik.\nCoach: We leren samen."


def _row(doc="fg_01", start=11, end=30, code="lei:visie", coder="auto:rules", **kw):
    row = dict(
        doc_id=doc, segment_id=f"{doc}:turn:1", unit="turn", position=0, start=start, end=end,
        speaker="Directeur", person="P1", role="directie", group=None, code=code,
        code_name=code.split(":")[1].title(), code_path="Leiderschap > " + code.split(":")[1].title(),
        namespace=code.split(":")[0], coder=coder, rule="keyword", matched="visie", memo="", text=TEXT[start:end],
    )
    row.update(kw)
    return row


@pytest.fixture
def coded():
    return coded_frame(
        [
            _row(),
            _row(start=45, end=66, code="lei:twijfel", speaker="Leerkracht 2", role="leerkracht", segment_id="fg_01:turn:2",
                 position=1, matched="zeg"),
            _row(start=74, end=89, code="net:leren", matched="leren", speaker="Coach", role=None, person=None),
            _row(start=74, end=89, code="net:leren", coder="AB", rule="manual", memo="al gecodeerd"),
        ]
    ).assign(school="Atheneum")


def _fill(path, decisions, remarks=None):
    """Fill in beslissing (and opmerking) per nr in a real workbook, as a reviewer would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Beoordeling"]
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        nr = ws.cell(r, head.index("nr") + 1).value
        if nr in decisions:
            ws.cell(r, head.index("beslissing") + 1).value = decisions[nr]
        if remarks and nr in remarks:
            ws.cell(r, head.index("opmerking") + 1).value = remarks[nr]
    wb.save(path)
    return ws, head


def test_review_sheet_xlsx_layout(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Beoordeling", "Uitleg"]
    ws = wb["Beoordeling"]
    rows = list(ws.values)
    assert list(rows[0]) == REVIEW_COLUMNS
    assert len(rows) == 4  # only the three auto:rules codings
    first = dict(zip(REVIEW_COLUMNS, rows[1]))
    assert (first["nr"], first["van"], first["doc_id"], first["start"], first["end"], first["code"]) == (1, 3, "fg_01", 11, 30, "lei:visie")
    assert first["text"] == "We delen een visie."
    assert first["beslissing"] is None and first["opmerking"] is None
    assert first["controle"] == checksum(1, 3, "fg_01", 11, 30, "lei:visie", "We delen een visie.")
    second = dict(zip(REVIEW_COLUMNS, rows[2]))
    assert second["text"] == "=SOM(1;2) dat zeg ik."
    assert ws.cell(3, REVIEW_COLUMNS.index("text") + 1).data_type == "s"  # never a formula
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"ja,nee,twijfel"'
    assert str(validations[0].sqref) == "B2:B4"
    uitleg = " ".join(str(v[0]) for v in wb["Uitleg"].values if v[0])
    assert "Vul in de kolom 'beslissing'" in uitleg


def test_read_review_accepts_rejects_and_keeps_remarks(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    _fill(out, {1: "ja", 2: "Nee", 3: " akkoord "}, remarks={1: "duidelijk", 2: "ironisch bedoeld"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        review = read_review(out, reviewer="KV")
    assert list(review.codings.columns) == CODED_COLUMNS
    assert review.codings[["doc_id", "start", "end", "code", "coder", "rule", "memo"]].values.tolist() == [
        ["fg_01", 11, 30, "lei:visie", "KV", "review", "duidelijk"],
        ["fg_01", 74, 89, "net:leren", "KV", "review", ""],
    ]
    assert review.codings.loc[0, "text"] == "We delen een visie."
    assert pd.isna(review.codings.loc[1, "role"])
    assert str(review.codings["start"].dtype) == "int64"
    assert list(review.decisions.columns) == DECISION_COLUMNS
    assert review.decisions["decision"].tolist() == ["accepted", "rejected", "accepted"]
    assert review.rejected[["code", "coder", "reviewer", "memo"]].values.tolist() == [
        ["lei:twijfel", "auto:rules", "KV", "ironisch bedoeld"]
    ]


@pytest.mark.parametrize(
    ("value", "decision"),
    [("j", "accepted"), ("1", "accepted"), (1, "accepted"), ("Accept", "accepted"), ("OKÉ", "accepted"),
     ("n", "rejected"), (0, "rejected"), ("reject", "rejected"), ("niet  akkoord", "rejected"),
     ("twijfel", "doubt"), ("?", "doubt")],
)
def test_read_review_understands_decision_spellings(tmp_path, coded, value, decision):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    _fill(out, {1: value, 2: "ja", 3: "ja"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        review = read_review(out, reviewer="KV")
    assert review.decisions["decision"].tolist()[0] == decision


def test_read_review_warns_about_undecided_rows_and_keeps_them(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    _fill(out, {2: "twijfel", 3: "ja"})
    with pytest.warns(QualkitWarning) as record:
        review = read_review(out, reviewer="KV")
    assert str(record[0].message) == (
        f"{out}, sheet Beoordeling: 2 of 3 rows are not decided (1 empty, 1 twijfel; rows 2, 3); "
        "they are not codings of KV and are listed in review.open"
    )
    assert len(review.codings) == 1
    assert review.open[["code", "decision"]].values.tolist() == [["lei:visie", "open"], ["lei:twijfel", "doubt"]]


def test_read_review_names_row_and_value_of_unknown_decision(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    _fill(out, {1: "ja", 2: "misschien wel", 3: "jein"})
    with pytest.raises(SheetError) as err:
        read_review(out, reviewer="KV")
    assert str(err.value) == (
        "2 problem(s) in the review sheet:\n"
        f"- {out}, sheet Beoordeling, row 3: unknown beslissing 'misschien wel'; write ja, nee or twijfel "
        "(j/n, 1/0, akkoord, accept/reject also work), or leave it empty\n"
        f"- {out}, sheet Beoordeling, row 4: unknown beslissing 'jein'; write ja, nee or twijfel "
        "(j/n, 1/0, akkoord, accept/reject also work), or leave it empty"
    )


def test_read_review_refuses_edited_key(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Beoordeling"]
    ws.cell(3, REVIEW_COLUMNS.index("end") + 1).value = 70
    wb.save(out)
    with pytest.raises(SheetError) as err:
        read_review(out, reviewer="KV")
    assert str(err.value) == (
        "1 problem(s) in the review sheet:\n"
        f"- {out}, sheet Beoordeling, row 3: the key (nr 2, doc_id 'fg_01', start 45, end 70, code 'lei:twijfel') "
        "or the text does not match its controle; the key columns must not be edited; restore the row from the "
        "original sheet"
    )


def test_read_review_refuses_deleted_key_cell(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    wb["Beoordeling"].cell(4, REVIEW_COLUMNS.index("doc_id") + 1).value = None
    wb.save(out)
    with pytest.raises(SheetError, match=r"sheet Beoordeling, row 4: a key cell is empty or not a number \(nr='3', doc_id='', start='74'"):
        read_review(out, reviewer="KV")


def test_read_review_refuses_deleted_column_and_deleted_row(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    wb["Beoordeling"].delete_rows(3)
    wb.save(out)
    with pytest.raises(SheetError, match=r"1 of the 3 rows are missing \(nr 2\); the sheet must keep every row"):
        read_review(out, reviewer="KV")
    wb = openpyxl.load_workbook(out)
    wb["Beoordeling"].delete_cols(REVIEW_COLUMNS.index("start") + 1)
    wb.save(out)
    with pytest.raises(SheetError, match=r"sheet Beoordeling, row 1: missing column\(s\) start; the header must keep"):
        read_review(out, reviewer="KV")


def test_read_review_refuses_copied_row(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Beoordeling"]
    ws.append([c.value for c in ws[2]])
    wb.save(out)
    with pytest.raises(SheetError, match=r"row 5: row nr 1 occurs twice \(also row 2\); delete the copy"):
        read_review(out, reviewer="KV")


def test_read_review_after_reviewer_sorts_rows(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Beoordeling"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    for r, values in enumerate(reversed(rows), start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c).value = v
            if isinstance(v, str):
                ws.cell(r, c).data_type = "s"  # Excel keeps text cells text when it sorts
    ws.cell(2, 2).value = "nee"  # now nr 3
    ws.cell(3, 2).value = "ja"
    ws.cell(4, 2).value = "ja"
    wb.save(out)
    review = read_review(out, reviewer="KV")
    assert review.decisions[["code", "decision", "row"]].values.tolist() == [
        ["lei:visie", "accepted", 4], ["lei:twijfel", "accepted", 3], ["net:leren", "rejected", 2]
    ]


def test_review_csv_round_trip_keeps_formula_text(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "review.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(REVIEW_COLUMNS)
    assert "'=SOM(1;2) dat zeg ik." in text
    filled = text.replace("\r\n1;;;", "\r\n1;ja;goed;").replace("\r\n2;;;", "\r\n2;n;;").replace("\r\n3;;;", "\r\n3;0;;")
    out.write_bytes(filled.encode("utf-8-sig"))
    review = read_review(out, reviewer="KV")
    assert review.decisions["decision"].tolist() == ["accepted", "rejected", "rejected"]
    assert review.codings["memo"].tolist() == ["goed"]
    assert review.rejected["code"].tolist() == ["lei:twijfel", "net:leren"]


def test_review_csv_saved_by_excel_in_cp1252_still_reads(tmp_path):
    coded = coded_frame([_row(text="Één visie", start=0, end=9, doc_id="café")])
    out = review_sheet(coded, tmp_path / "review.csv")
    text = out.read_bytes().decode("utf-8-sig").replace("\r\n1;;;", "\r\n1;ja;;")
    out.write_bytes(text.encode("cp1252"))
    review = read_review(out, reviewer="KV")
    assert review.codings[["doc_id", "text"]].values.tolist() == [["café", "Één visie"]]


def test_review_sheet_empty_and_overwrite(tmp_path, coded):
    out = review_sheet(coded, tmp_path / "leeg.xlsx", coder="auto:model")
    assert list(openpyxl.load_workbook(out)["Beoordeling"].values) == [tuple(REVIEW_COLUMNS)]
    review = read_review(out, reviewer="KV")
    assert review.codings.empty and list(review.codings.columns) == CODED_COLUMNS
    assert review.decisions.empty and list(review.decisions.columns) == DECISION_COLUMNS
    with pytest.raises(OutputExistsError):
        review_sheet(coded, out)
    review_sheet(coded, out, overwrite=True)
    assert len(list(openpyxl.load_workbook(out)["Beoordeling"].values)) == 4


def test_review_rejects_bad_arguments(tmp_path, coded):
    with pytest.raises(InputError, match=r"a review sheet is .xlsx or .csv, got '.ods'"):
        review_sheet(coded, tmp_path / "x.ods")
    out = review_sheet(coded, tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="reviewer must be a person's name or initials, got 'auto:rules'"):
        read_review(out, reviewer="auto:rules")
    dup = pd.concat([coded, coded.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match=r"coding fg_01 \[11, 30\) lei:visie occurs 2 times"):
        review_sheet(dup, tmp_path / "y.xlsx")


def test_review_names_are_public():
    assert qk.review_sheet is review_sheet
    assert qk.read_review is read_review
