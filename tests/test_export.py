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
