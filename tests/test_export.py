from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualkit as qk
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError, OutputExistsError, SheetError
from qualkit.export import coded_frame, export_excerpts, neutralise, read_excerpts, unneutralise

TEXT = "Directeur: We hebben een visie.\nLeerkracht 5: =ik weet het niet;\n\"echt\" niet."


def _row(**kw):
    row = {
        "doc_id": "fg_01",
        "segment_id": "fg_01:turn:1",
        "unit": "turn",
        "position": 0,
        "start": 11,
        "end": 31,
        "speaker": "Directeur",
        "person": "P01",
        "role": "directie",
        "group": "school A",
        "code": "lei:visie",
        "code_name": "Visie",
        "code_path": "Leiderschap > Visie",
        "namespace": "lei",
        "coder": "auto:rules",
        "rule": "keyword",
        "matched": "visie",
        "memo": "",
        "text": "We hebben een visie.",
    }
    row.update(kw)
    return row


@pytest.fixture
def coded():
    return coded_frame(
        [
            _row(),
            _row(
                segment_id="fg_01:turn:2",
                position=1,
                start=46,
                end=len(TEXT),
                speaker="Leerkracht 5",
                person=None,
                role="leerkracht",
                group=None,
                code="lei:twijfel",
                code_name="Twijfel",
                code_path="Leiderschap > Twijfel",
                rule="regex",
                matched="weet het niet; niet",
                memo="-- lijkt sarcastisch\nnakijken",
                text=TEXT[46:],
            ),
        ]
    )


def _records(path, sep):
    raw = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw, newline=""), delimiter=sep))


def test_export_excerpts_plain_csv_has_header_and_one_row_per_coding(tmp_path, coded):
    out = export_excerpts(coded, tmp_path / "fragmenten.csv")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    records = _records(out, ",")
    assert records[0] == CODED_COLUMNS
    assert len(records) == 3
    assert records[1][CODED_COLUMNS.index("start")] == "11"
    # newline inside the excerpt and the memo stays inside one quoted cell
    assert records[2][CODED_COLUMNS.index("text")] == "'" + TEXT[46:]
    assert records[2][CODED_COLUMNS.index("memo")] == "'-- lijkt sarcastisch\nnakijken"


def test_export_excerpts_excel_writes_bom_semicolon_and_decimal_comma(tmp_path, coded):
    coded = coded.assign(score=[2.5, -1.0], jaar=[2023, 2024])
    out = export_excerpts(coded, tmp_path / "excel.csv", excel=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join([*CODED_COLUMNS, "score", "jaar"])
    records = _records(out, ";")
    assert records[1][-2:] == ["2,5", "2023"]
    # a negative number is a number, not a formula: no quote
    assert records[2][-2:] == ["-1,0", "2024"]
    back = read_excerpts(out)
    pd.testing.assert_frame_equal(back, coded)


def test_export_excerpts_neutralises_only_text_cells(tmp_path):
    frame = coded_frame(
        [_row(text="=HYPERLINK(\"http://x\")", memo="@all", matched="+1", code_name="\tTab", rule="\rcr")]
    ).assign(delta=[-3])
    out = export_excerpts(frame, tmp_path / "x.csv")
    rec = dict(zip(*_records(out, ",")))
    assert rec["text"] == "'=HYPERLINK(\"http://x\")"
    assert rec["memo"] == "'@all"
    assert rec["matched"] == "'+1"
    assert rec["code_name"] == "'\tTab"
    assert rec["rule"] == "'\rcr"
    assert rec["delta"] == "-3"
    assert rec["speaker"] == "Directeur"


def test_export_excerpts_opt_out_writes_text_unchanged(tmp_path):
    frame = coded_frame([_row(text="=1+1", memo="'=2")])
    out = export_excerpts(frame, tmp_path / "x.csv", neutralise_formulas=False)
    rec = dict(zip(*_records(out, ",")))
    assert rec["text"] == "=1+1"
    back = read_excerpts(out, neutralised=False)
    assert back.loc[0, "text"] == "=1+1"
    assert back.loc[0, "memo"] == "'=2"


def test_neutralise_adds_one_quote_that_unneutralise_removes():
    assert neutralise("'=x") == "''=x"
    assert unneutralise("''=x") == "'=x"
    assert neutralise("'s morgens") == "'s morgens"
    assert unneutralise("'s morgens") == "'s morgens"
    assert neutralise("") == ""


def test_read_excerpts_restores_dtypes(tmp_path, coded):
    out = export_excerpts(coded, tmp_path / "x.csv")
    back = read_excerpts(out)
    pd.testing.assert_frame_equal(back, coded)
    assert str(back["start"].dtype) == "int64"
    assert back.loc[0, "memo"] == ""
    assert pd.isna(back.loc[1, "person"])


def test_read_excerpts_keeps_leading_zero_text_attribute(tmp_path, coded):
    coded = coded.assign(instelling=pd.Series(["0123", "45"], dtype="str"), leeg=[None, None])
    back = read_excerpts(export_excerpts(coded, tmp_path / "x.csv"))
    assert back["instelling"].tolist() == ["0123", "45"]
    assert back["leeg"].isna().all()


def test_export_excerpts_empty_frame_round_trips(tmp_path):
    out = export_excerpts(coded_frame(), tmp_path / "leeg.csv")
    assert out.read_bytes() == (",".join(CODED_COLUMNS) + "\r\n").encode()
    back = read_excerpts(out)
    assert back.empty
    assert list(back.columns) == CODED_COLUMNS
    assert str(back["end"].dtype) == "int64"


def test_export_excerpts_refuses_existing_file_and_overwrites_on_request(tmp_path, coded):
    target = tmp_path / "x.csv"
    target.write_text("menselijk werk")
    with pytest.raises(OutputExistsError, match="the file exists already; pass overwrite=True"):
        export_excerpts(coded, target)
    assert target.read_text() == "menselijk werk"
    export_excerpts(coded, target, overwrite=True)
    assert len(read_excerpts(target)) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_export_excerpts_is_atomic_when_a_value_fails(tmp_path, coded):
    class Boom:
        def __str__(self):
            raise RuntimeError("kapot")

    target = tmp_path / "x.csv"
    target.write_text("oud")
    bad = coded.assign(extra=pd.Series([Boom(), Boom()], dtype=object))
    with pytest.raises(RuntimeError, match="kapot"):
        export_excerpts(bad, target, overwrite=True)
    assert target.read_text() == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_export_excerpts_rejects_frame_without_coded_columns(tmp_path):
    with pytest.raises(InputError, match=r"coded frame: missing column\(s\) code_name, code_path"):
        export_excerpts(pd.DataFrame({c: [] for c in CODED_COLUMNS if c not in ("code_name", "code_path")}), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_read_excerpts_names_line_of_bad_offset(tmp_path, coded):
    out = export_excerpts(coded, tmp_path / "x.csv")
    text = out.read_text().replace(",11,31,", ",elf,31,")
    out.write_text(text)
    with pytest.raises(SheetError) as err:
        read_excerpts(out)
    assert str(err.value) == (
        f"{out}, line 2: column 'start' must hold a whole number, found 'elf'; offsets must not be edited by hand"
    )


def test_read_excerpts_names_missing_columns(tmp_path):
    out = tmp_path / "x.csv"
    out.write_text("doc_id;start\nfg;1\n")
    with pytest.raises(SheetError, match=r"x.csv, line 1: missing column\(s\) segment_id, unit, position, end"):
        read_excerpts(out)


def test_read_excerpts_names_row_with_wrong_cell_count(tmp_path, coded):
    out = export_excerpts(coded, tmp_path / "x.csv")
    lines = out.read_bytes().split(b"\r\n")
    lines[1] = lines[1] + b",extra"
    out.write_bytes(b"\r\n".join(lines))
    with pytest.raises(SheetError, match=r"x.csv, line 2: expected 19 cells, found 20"):
        read_excerpts(out)


def test_read_excerpts_line_counts_multiline_cells(tmp_path, coded):
    # row 2 spans three physical lines (a newline in its text and one in its memo),
    # so the third coding starts on line 6
    extra = coded_frame([_row(start=1, end=2, text="e")])
    both = pd.concat([coded, extra], ignore_index=True)
    out = export_excerpts(both, tmp_path / "y.csv")
    text = out.read_text().replace(",1,2,", ",1,twee,")
    out.write_text(text)
    with pytest.raises(SheetError, match=r"y.csv, line 6: column 'end'"):
        read_excerpts(out)


def test_read_excerpts_missing_file_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="nee.csv: no such file"):
        read_excerpts(tmp_path / "nee.csv")


def test_export_excerpts_is_public():
    assert qk.export_excerpts is export_excerpts
    assert qk.read_excerpts is read_excerpts


_texts = st.text(
    alphabet=st.sampled_from(list("ab é;,.\"'\n\r\t=+-@ë€😀x0")) | st.characters(codec="utf-8"),
    max_size=30,
)
_maybe = st.none() | _texts.filter(lambda s: s != "")


@st.composite
def _coded_rows(draw):
    n = draw(st.integers(0, 4))
    rows = []
    for _ in range(n):
        start = draw(st.integers(0, 10_000))
        rows.append(
            _row(
                doc_id=draw(_texts.filter(lambda s: s != "")),
                segment_id=draw(_maybe),
                start=start,
                end=start + draw(st.integers(0, 500)),
                position=draw(st.integers(0, 99)),
                speaker=draw(_maybe),
                person=draw(_maybe),
                role=draw(_maybe),
                group=draw(_maybe),
                code_name=draw(_texts),
                matched=draw(_texts),
                memo=draw(_texts),
                text=draw(_texts),
            )
        )
    return coded_frame(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=_coded_rows(), excel=st.booleans())
def test_export_then_read_gives_the_same_codings(tmp_path, frame, excel):
    out = export_excerpts(frame, tmp_path / "rt.csv", excel=excel, overwrite=True)
    pd.testing.assert_frame_equal(read_excerpts(out), frame)


# --------------------------------------------------------------------------- XLSX

import zipfile  # noqa: E402

import openpyxl  # noqa: E402

from qualkit.export import (  # noqa: E402
    CODEBOOK_COLUMNS,
    code_matrix,
    export_html,
    export_matrix,
    export_xlsx,
    sheet_name,
    spss_names,
)
from qualkit.model import Code, Codebook, Rules  # noqa: E402


@pytest.fixture
def book():
    return Codebook(
        "lei",
        "Leiderschap",
        (
            Code("kader", "Kader", "lei", codable=False, description="Groepeert de codes."),
            Code(
                "visie",
                "Visie",
                "lei",
                parent="kader",
                description="De school heeft een <gedeelde> richting.",
                include="Uitspraken over doelen.",
                exclude="Losse plannen.",
                example="We willen samen groeien.",
                colour="#1f77b4",
                rules=Rules(keywords=("visie", "missie"), compounds=True, exclude=("televisie",)),
            ),
            Code("twijfel", "Twijfel", "lei", parent="kader", colour="red;background:url(x)"),
        ),
        version="2",
    )


def test_export_xlsx_writes_codings_codebook_and_views(tmp_path, coded, book):
    view = pd.DataFrame({"directie": [1, 0], "leerkracht": [0, 1]}, index=pd.Index(["lei:visie", "lei:twijfel"], name="code"))
    out = export_xlsx(coded, tmp_path / "c.xlsx", codebooks=book, views={"Per rol": view, "a/b:c*d?e[f]g\\h' lange naam die te lang is": view})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Coderingen", "Codeboek", "Per rol", "a_b_c_d_e_f_g_h' lange naam die"]
    ws = wb["Coderingen"]
    rows = list(ws.values)
    assert list(rows[0]) == CODED_COLUMNS
    assert rows[1][CODED_COLUMNS.index("start")] == 11
    assert rows[2][CODED_COLUMNS.index("memo")] == "-- lijkt sarcastisch\nnakijken"
    assert rows[2][CODED_COLUMNS.index("person")] is None
    cb = list(wb["Codeboek"].values)
    assert list(cb[0]) == CODEBOOK_COLUMNS
    visie = dict(zip(CODEBOOK_COLUMNS, cb[2]))
    assert visie["path"] == "Kader > Visie"
    assert visie["rules"] == "keywords: visie, missie (+compounds); exclude: televisie"
    assert visie["codable"] is True
    assert dict(zip(CODEBOOK_COLUMNS, cb[1]))["codable"] is False
    assert list(wb["Per rol"].values) == [("code", "directie", "leerkracht"), ("lei:visie", 1, 0), ("lei:twijfel", 0, 1)]


def test_export_xlsx_never_writes_a_formula(tmp_path):
    frame = coded_frame([_row(text="=HYPERLINK(\"http://x\",\"klik\")", memo="+cmd", matched="-2+3", code_name="@SUM(1)")])
    out = export_xlsx(frame, tmp_path / "f.xlsx", views={"v": pd.DataFrame({"x": ["=1+1"]})})
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    ws = openpyxl.load_workbook(out)["Coderingen"]
    cells = {ws.cell(1, c).value: ws.cell(2, c) for c in range(1, ws.max_column + 1)}
    assert cells["text"].value == "=HYPERLINK(\"http://x\",\"klik\")"
    assert cells["text"].data_type == "s"
    assert cells["text"].quotePrefix is True
    assert cells["memo"].value == "+cmd" and cells["memo"].quotePrefix is True
    assert cells["speaker"].quotePrefix is False
    assert openpyxl.load_workbook(out)["v"]["A2"].value == "=1+1"


def test_export_xlsx_refuses_existing_file(tmp_path, coded):
    target = tmp_path / "c.xlsx"
    target.write_bytes(b"oud")
    with pytest.raises(OutputExistsError):
        export_xlsx(coded, target)
    assert target.read_bytes() == b"oud"
    export_xlsx(coded, target, overwrite=True)
    assert openpyxl.load_workbook(target).sheetnames == ["Coderingen"]


def test_export_xlsx_names_cell_with_control_character(tmp_path):
    frame = coded_frame([_row(memo="bel\x07")])
    with pytest.raises(InputError) as err:
        export_xlsx(frame, tmp_path / "c.xlsx")
    assert str(err.value) == (
        "Coderingen, row 2, column 'memo': the text holds a control character that Excel cannot store; "
        "remove it from the source or export to CSV"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_xlsx_empty_frame_has_header(tmp_path):
    out = export_xlsx(coded_frame(), tmp_path / "leeg.xlsx")
    assert list(openpyxl.load_workbook(out)["Coderingen"].values) == [tuple(CODED_COLUMNS)]


def test_sheet_name_follows_excel_rules():
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("'quote'") == "quote"
    assert sheet_name("???") == "___"
    assert sheet_name("") == "Blad"
    assert sheet_name("History") == "History_"
    assert sheet_name("x" * 40, taken=["x" * 31]) == "x" * 27 + " (2)"


# --------------------------------------------------------------------------- HTML


def test_export_html_is_escaped_self_contained_and_quotes_excerpts(tmp_path, coded, book):
    evil = coded_frame([_row(text="<script>alert(1)</script>", memo="a & b", code="lei:visie"),
                        _row(code="x:onbekend", code_name="Onbekend", code_path="X > Onbekend", role=None, speaker="Leerkracht 5")])
    out = export_html(pd.concat([coded, evil], ignore_index=True), tmp_path / "r.html", codebooks=[book], title="Rapport <1>")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;” <span class=\"source\">(directie, fg_01; auto:rules)</span>" in page
    assert "Memo: a &amp; b" in page
    assert "<title>Rapport &lt;1&gt;</title>" in page
    assert "De school heeft een &lt;gedeelde&gt; richting." in page
    assert "@media print" in page
    assert "src=" not in page and "href=" not in page and "<link" not in page
    # a colour that is not #RRGGBB never reaches a style attribute
    assert "url(x)" not in page
    assert 'style="border-left-color: #1f77b4"' in page
    # the code outside the codebook is still reported, attributed to its speaker
    assert "Codes buiten het codeboek" in page
    assert "(Leerkracht 5, fg_01; auto:rules)" in page
    # visie has the first coding and the script coding
    assert "Visie <span class=\"path\">(lei:visie; 2 fragmenten)</span>" in page
    assert "Twijfel <span class=\"path\">(lei:twijfel; 1 fragment)</span>" in page
    assert page.index("Kader") < page.index("Visie") < page.index("Twijfel") < page.index("Codes buiten")


def test_export_html_empty_frame_lists_codes_without_excerpts(tmp_path, book):
    page = export_html(coded_frame(), tmp_path / "r.html", codebooks=book).read_text(encoding="utf-8")
    assert "0 coderingen in 0 documenten." in page
    assert page.count("Geen fragmenten.") == 2  # visie and twijfel; the category has none to show


def test_export_html_refuses_existing_file(tmp_path, coded):
    target = tmp_path / "r.html"
    target.write_text("oud")
    with pytest.raises(OutputExistsError):
        export_html(coded, target)
    assert target.read_text() == "oud"


# --------------------------------------------------------------------------- matrices


def _three():
    return coded_frame(
        [
            _row(doc_id="a", segment_id="a:turn:1", start=0, end=4, code="net:leren"),
            _row(doc_id="a", segment_id="a:turn:1", start=0, end=4, code="net:Leren"),
            _row(doc_id="a", segment_id="a:turn:2", start=5, end=9, code="net:leren"),
            _row(doc_id="b", segment_id=None, start=2, end=3, code="lei:één"),
        ]
    )


def test_code_matrix_by_segment_is_zero_one(tmp_path):
    m, mapping = code_matrix(_three(), by="segment")
    assert list(m.columns) == ["doc_id", "segment_id", "start", "end", "lei_een", "net_Leren", "net_leren_2"]
    assert m.values.tolist() == [
        ["a", "a:turn:1", 0, 4, 0, 1, 1],
        ["a", "a:turn:2", 5, 9, 0, 0, 1],
        ["b", "b:2-3", 2, 3, 1, 0, 0],
    ]
    assert mapping["code"].tolist() == ["lei:één", "net:Leren", "net:leren"]


def test_code_matrix_by_document_adds_uncoded_units_from_segments():
    segs = pd.DataFrame({"doc_id": ["a", "c"], "segment_id": ["a:turn:1", "c:turn:1"], "start": [0, 0], "end": [4, 7]})
    m, _ = code_matrix(_three(), by="document", segments=segs)
    assert m.values.tolist() == [["a", 0, 1, 1], ["b", 1, 0, 0], ["c", 0, 0, 0]]
    m, _ = code_matrix(_three(), by="segment", segments=segs)
    assert m[["segment_id", "net_leren_2"]].values.tolist() == [["a:turn:1", 1], ["a:turn:2", 1], ["b:2-3", 0], ["c:turn:1", 0]]


def test_code_matrix_rejects_unknown_by():
    with pytest.raises(InputError, match="by must be 'segment' or 'document', got 'turn'"):
        code_matrix(_three(), by="turn")


def test_spss_names_are_valid_unique_and_short():
    labels = ["x:" + "a" * 80, "x:" + "a" * 80, "ns:TO", "ns:with", "9:x", "ÿ:ß", "doc_id"]
    names = spss_names(labels, taken=["doc_id"])
    assert names[0] == "x_" + "a" * 62
    assert names[1] == "x_" + "a" * 60 + "_2"
    assert names[-1] == "doc_id_2"
    for n in names:
        assert len(n) <= 64 and n[0].isalpha() and n.upper() not in {"TO", "WITH"}
        assert all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in n)
    assert len({n.lower() for n in names}) == len(names)


def test_export_matrix_csv_writes_mapping_beside_it(tmp_path):
    m, mp = export_matrix(_three(), tmp_path / "m.csv", by="document")
    assert m.read_text().splitlines() == ["doc_id,lei_een,net_Leren,net_leren_2", "a,0,1,1", "b,1,0,0"]
    assert mp.read_text(encoding="utf-8").splitlines() == [
        "column,code,code_name,code_path",
        "lei_een,lei:één,Visie,Leiderschap > Visie",
        "net_Leren,net:Leren,Visie,Leiderschap > Visie",
        "net_leren_2,net:leren,Visie,Leiderschap > Visie",
    ]


def test_export_matrix_refuses_when_mapping_file_exists(tmp_path):
    (tmp_path / "m_codes.csv").write_text("oud")
    with pytest.raises(OutputExistsError, match="m_codes.csv: the file exists already"):
        export_matrix(_three(), tmp_path / "m.csv")
    assert not (tmp_path / "m.csv").exists()
    assert (tmp_path / "m_codes.csv").read_text() == "oud"


def test_export_matrix_xlsx_has_matrix_and_codes_sheets(tmp_path):
    path, same = export_matrix(_three(), tmp_path / "m.xlsx")
    assert path == same
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["matrix", "codes"]
    assert list(wb["matrix"].values)[3] == ("b", "b:2-3", 2, 3, 1, 0, 0)
    assert list(wb["codes"].values)[1] == ("lei_een", "lei:één", "Visie", "Leiderschap > Visie")


def test_export_matrix_empty_frame_gives_key_columns_only(tmp_path):
    m, _ = export_matrix(coded_frame(), tmp_path / "m.csv")
    assert m.read_text().splitlines() == ["doc_id,segment_id,start,end"]
