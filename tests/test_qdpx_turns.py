"""read_qdpx(turns=True): imported codings placed in the speaker turns of their source.

The project below is shaped as NVivo writes one (origin NVivo, "\\r\\n" in the
stored .txt counted as two characters, no creatingUser on codings); every
position is computed here from the raw text with str.index, and every
expected turn by hand from the transcript.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qualkit as qk
from qualkit.errors import (
    InputError,
    QualkitWarning,
    UnknownSpeakerWarning,
)
from qualkit.model import Code, Codebook, Corpus, Document, Participant
from qualkit.qdpx import read_qdpx, write_qdpx

LINES = [
    "Focusgroep leerkrachten, school De Wilg",
    "",
    "Moderator: Hoe verloopt het overleg in jullie team?",
    "Leerkracht 1: We zitten elke week samen.",
    "Dat helpt om de zorg af te stemmen.",
    "(gelach)",
    "Leerkracht 2: Bij ons lukt dat niet altijd.",
    "Opmerking: er is te weinig tijd.",
    "",
]
RAW = "\r\n".join(LINES)  # as the .txt is stored
TEXT = RAW.replace("\r\n", "\n")  # as qualkit holds it


def U(n: int) -> str:
    return f"7a1c0000-0000-4000-8000-{n:012d}"


def raw_span(phrase: str, tail: str = "") -> tuple[int, int]:
    """The REFI positions of ``phrase + tail`` in the stored text ("\\r\\n" counts two, as NVivo counts)."""
    start = RAW.index(phrase + tail)
    return start, start + len(phrase + tail)


#: (name, phrase as coded) -> what the coding must get
CODINGS = {
    "in turn": ("elke week samen", ""),
    "continuation line with its line end": ("Dat helpt om de zorg af te stemmen.", "\r\n"),
    "with the cue": ("Leerkracht 2: Bij ons lukt", ""),
    "across two turns": ("samen.\r\nDat helpt om de zorg af te stemmen.\r\n(gelach)\r\nLeerkracht 2: Bij ons", ""),
    "header": ("Focusgroep leerkrachten", ""),
    "note between turns": ("(gelach)", ""),
    "folded line": ("er is te weinig tijd", ""),
}


def selections() -> str:
    out = []
    for n, (phrase, tail) in enumerate(CODINGS.values(), start=40):
        a, b = raw_span(phrase, tail)
        out.append(f'<PlainTextSelection guid="{U(n)}" startPosition="{a}" endPosition="{b}">'
                   f'<Coding guid="{U(n + 100)}"><CodeRef targetGUID="{U(11)}"/></Coding></PlainTextSelection>')
    return "\n".join(out)


def project_qde(extra_source: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Zorgoverleg" origin="NVivo for Windows 14" creatingUserGUID="{U(1)}">
<Users><User guid="{U(1)}" name="An Peeters"/></Users>
<CodeBook><Codes><Code guid="{U(11)}" name="Overleg" isCodable="true"/></Codes></CodeBook>
<Sources>
  <TextSource guid="{U(30)}" name="fg_wilg" plainTextPath="internal://{U(30)}.txt" creatingUser="{U(1)}">
{selections()}
  </TextSource>
{extra_source}
</Sources>
</Project>"""


def nvivo_project(path: Path, extra_source: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project_qde(extra_source))
        zf.writestr(f"Sources/{U(30)}.txt", RAW.encode("utf-8"))
    return path


def participants_file(folder: Path) -> Path:
    path = folder / "deelnemers.csv"
    path.write_text("speaker;person;role;ervaring\nModerator;M;onderzoeker;\n"
                    "Leerkracht 1;LK1;leerkracht;0-5 jaar\nLeerkracht 2;LK2;leerkracht;> 20 jaar\n", encoding="utf-8")
    return path


def by_name(coded: pd.DataFrame) -> dict[str, tuple]:
    """The turn columns of each named coding (the frame is in text order: match by text)."""
    out = {}
    for name, (phrase, tail) in CODINGS.items():
        text = (phrase + tail).replace("\r\n", "\n")
        row = coded[coded["text"] == text].iloc[0]
        out[name] = tuple(None if pd.isna(row[c]) else row[c]
                          for c in ("segment_id", "unit", "position", "speaker", "person", "role"))
    return out


def test_codings_inside_one_turn_get_its_segment_speaker_and_role(tmp_path):
    path = nvivo_project(tmp_path / "zorg.qdpx")
    corpus, coded = read_qdpx(path, turns=True, participants=participants_file(tmp_path))
    assert by_name(coded) == {
        "in turn": ("fg_wilg:turn:2", "turn", 1, "Leerkracht 1", "LK1", "leerkracht"),
        "continuation line with its line end": ("fg_wilg:turn:2", "turn", 1, "Leerkracht 1", "LK1", "leerkracht"),
        "with the cue": ("fg_wilg:turn:3", "turn", 2, "Leerkracht 2", "LK2", "leerkracht"),
        "across two turns": (None,) * 6,
        "header": (None,) * 6,
        "note between turns": (None,) * 6,
        # only the file's labels start turns, so "Opmerking:" is speech of Leerkracht 2
        "folded line": ("fg_wilg:turn:3", "turn", 2, "Leerkracht 2", "LK2", "leerkracht"),
    }
    assert str(coded["position"].dtype) == "float64"  # NaN where no turn holds the coding
    doc = corpus["fg_wilg"]
    assert (doc.kind, doc.text, doc.newline) == ("transcript", TEXT, "\r\n")
    turns = corpus.segments("turn")
    assert turns[["speaker", "role", "ervaring"]].fillna("-").values.tolist() == [
        ["Moderator", "onderzoeker", "-"], ["Leerkracht 1", "leerkracht", "0-5 jaar"],
        ["Leerkracht 2", "leerkracht", "> 20 jaar"]]
    # four codings lie in two leerkracht turns; matrix counts distinct segments
    assert qk.matrix(coded, rows="code", cols="role").loc["zorgoverleg:overleg", "leerkracht"] == 2


def test_turns_leave_the_text_and_every_offset_as_imported(tmp_path):
    path = nvivo_project(tmp_path / "zorg.qdpx")
    plain_corpus, plain = read_qdpx(path)
    corpus, coded = read_qdpx(path, turns=True)
    assert plain_corpus["fg_wilg"].text == corpus["fg_wilg"].text == TEXT
    assert plain_corpus["fg_wilg"].segments == () and plain_corpus["fg_wilg"].kind == "text"
    assert plain["segment_id"].isna().all()
    assert coded[["start", "end", "text", "code", "coder"]].equals(plain[["start", "end", "text", "code", "coder"]])
    # the same segments as parse_transcript and as the .txt loader give the stored file
    assert corpus["fg_wilg"].segments == qk.parse_transcript(RAW, "fg_wilg").segments
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "fg_wilg.txt").write_bytes(RAW.encode("utf-8"))
    assert corpus["fg_wilg"].segments == qk.load_corpus(tmp_path / "txt")["fg_wilg"].segments


def test_without_participants_the_open_rule_decides_and_cases_give_roles(tmp_path):
    case = (f'<Variables><Variable guid="{U(8)}" name="role" typeOfVariable="Text"/></Variables>'
            f'<Cases><Case guid="{U(9)}" name="Leerkracht 2"><VariableValue><VariableRef targetGUID="{U(8)}"/>'
            f'<TextValue>zorgleerkracht</TextValue></VariableValue></Case></Cases>')
    path = tmp_path / "zorg.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_qde().replace("<Sources>", case + "<Sources>"))
        zf.writestr(f"Sources/{U(30)}.txt", RAW.encode("utf-8"))
    _, coded = read_qdpx(path, turns=True)
    got = by_name(coded)
    # any "Label:" line starts a turn now: "Opmerking" is a speaker of its own, without a participant
    assert got["folded line"] == ("fg_wilg:turn:4", "turn", 3, "Opmerking", None, None)
    assert got["with the cue"] == ("fg_wilg:turn:3", "turn", 2, "Leerkracht 2", None, "zorgleerkracht")
    assert got["in turn"] == ("fg_wilg:turn:2", "turn", 1, "Leerkracht 1", None, None)


def test_the_participants_file_wins_over_a_case_with_the_same_label(tmp_path):
    case = (f'<Variables><Variable guid="{U(8)}" name="role" typeOfVariable="Text"/></Variables>'
            f'<Cases><Case guid="{U(9)}" name="Leerkracht 2"><VariableValue><VariableRef targetGUID="{U(8)}"/>'
            f'<TextValue>zorgleerkracht</TextValue></VariableValue></Case></Cases>')
    path = tmp_path / "zorg.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_qde().replace("<Sources>", case + "<Sources>"))
        zf.writestr(f"Sources/{U(30)}.txt", RAW.encode("utf-8"))
    with pytest.warns(QualkitWarning) as caught:
        project = read_qdpx(path, turns=True, participants=participants_file(tmp_path))
    assert project.notes == [
        ("1 case(s) of the project are replaced by the participants file's rows for the same label: 'Leerkracht 2'")]
    assert [str(w.message) for w in caught] == [f"{path}: " + project.notes[0]]
    assert by_name(project.coded)["with the cue"][5] == "leerkracht"


def test_a_source_without_turns_is_kept_and_noted(tmp_path):
    memo = f'<TextSource guid="{U(31)}" name="memo"><PlainTextContent>Kort verslag, zonder sprekers.</PlainTextContent></TextSource>'
    path = nvivo_project(tmp_path / "zorg.qdpx", memo)
    with pytest.warns(QualkitWarning, match="no line starts a speaker turn"):
        project = read_qdpx(path, turns=True)
    assert project.notes == [(
        "source 'memo': no line starts a speaker turn (or a field-note entry), so it has no turns and its codings "
        "no segment_id; pass speaker_pattern=r'...' or participants= if its labels differ")]
    memo_doc = project.corpus["memo"]
    assert (memo_doc.kind, memo_doc.segments, memo_doc.text) == ("text", (), "Kort verslag, zonder sprekers.")


def test_speakers_missing_from_the_participants_file_are_warned_about(tmp_path):
    path = nvivo_project(tmp_path / "zorg.qdpx")
    people = tmp_path / "mensen.csv"
    people.write_text("speaker;role\nLeerkracht 1;leerkracht\nLeerkracht 2;leerkracht\n", encoding="utf-8")
    with pytest.warns(UnknownSpeakerWarning) as caught:
        corpus, _ = read_qdpx(path, turns=True, participants=people)
    # "Opmerking" occurs once and names no role, so it is not reported (see load.common.folded_lines)
    assert [str(w.message) for w in caught] == [(
        f"{people}: 1 line(s) look like speaker turns but their label is not in the participants file, so they did not "
        "start a turn (their text is part of the turn or header before them): 'Moderator' (fg_wilg, line 3); add these "
        "speakers to the participants file, or pass speaker_pattern=r'...' to say which labels are speakers")]
    # Moderator is no speaker now: the question belongs to the header
    assert [s.speaker for s in corpus["fg_wilg"].units("turn")] == ["Leerkracht 1", "Leerkracht 2"]


def test_turn_options_without_turns_are_refused(tmp_path):
    path = nvivo_project(tmp_path / "zorg.qdpx")
    with pytest.raises(InputError) as err:
        read_qdpx(path, participants=[Participant("Leerkracht 1")], speaker_pattern="Leerkracht \\d")
    assert str(err.value) == (f"{path}: participants= and speaker_pattern= only say(s) how the sources are parsed "
                              "into turns; pass turns=True as well")


def test_speaker_pattern_chooses_the_labels(tmp_path):
    path = nvivo_project(tmp_path / "zorg.qdpx")
    corpus, coded = read_qdpx(path, turns=True, speaker_pattern=r"Leerkracht \d|Moderator")
    assert [s.speaker for s in corpus["fg_wilg"].units("turn")] == ["Moderator", "Leerkracht 1", "Leerkracht 2"]
    assert by_name(coded)["folded line"][3] == "Leerkracht 2"


# ------------------------------------------------------------------ a real QualCoder export

TURN_LINE = re.compile(r"([^\s:][^:\n]{0,30}):[ \t]{2,}\S")  # "Speaker 1:          Thank you."


def test_qc_demo_codings_land_in_the_turns_the_layout_gives(interop_dir):
    # QualCoder's demo: two English interviews, hard-wrapped, each turn "Label:" padded with spaces
    corpus, coded = read_qdpx(interop_dir / "qc_demo.qdpx", turns=True)
    plain_corpus, plain = read_qdpx(interop_dir / "qc_demo.qdpx")
    assert coded[["doc_id", "start", "end", "text"]].equals(plain[["doc_id", "start", "end", "text"]])
    expected = []
    for doc in corpus:
        assert doc.text == plain_corpus[doc.id].text and doc.kind == "transcript"
        starts = []  # (offset of the line, label) of every line the layout marks as a turn
        offset = 0
        for line in doc.text.split("\n"):
            m = TURN_LINE.match(line)
            if m:
                starts.append((offset, m.group(1)))
            offset += len(line) + 1
        assert [s.speaker for s in doc.units("turn")] == [label for _, label in starts]
        bounds = [s for s, _ in starts[1:]] + [len(doc.text) + 1]
        for row in plain[plain["doc_id"] == doc.id].itertuples():
            piece = doc.text[row.start:row.end]
            a = row.start + len(piece) - len(piece.lstrip())
            b = row.end - (len(piece) - len(piece.rstrip()))
            n = max(i for i, (s, _) in enumerate(starts) if s <= a)
            expected.append((f"{doc.id}:turn:{n + 1}", starts[n][1]) if b < bounds[n] else (None, None))
    got = [(None if pd.isna(s) else s, None if pd.isna(p) else p) for s, p in zip(coded["segment_id"], coded["speaker"])]
    assert got == expected
    assert len(got) == 205 and all(s is not None for s, _ in got)  # every coding there lies in one turn


# ------------------------------------------------------------------ property: a qualkit round trip

LABELS = st.sampled_from(["X", "Y", "Leerkracht 3"])
SPEECH = st.lists(st.sampled_from(["ja", "wij", "overleggen", "(lacht)", "nee.", "één", ""]), max_size=5).map(" ".join)


@st.composite
def coded_transcripts(draw):
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        lines.append(f"{draw(LABELS)}: {draw(SPEECH)}")
        lines.extend(draw(st.lists(st.one_of(SPEECH, st.just("[stilte]")), max_size=2)))
    text = "\n".join(lines)
    spans = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=6))
    return text, sorted({(min(a, b), max(a, b)) for a, b in spans})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coded_transcripts())
def test_a_coding_gets_a_turn_exactly_when_one_turn_holds_it(tmp_path, drawn):
    text, spans = drawn
    book = Codebook("t", "T", (Code("c", "C", "t"),))
    corpus = Corpus([Document.from_text("d", text)])
    rows = pd.DataFrame([{"doc_id": "d", "start": a, "end": b, "code": "t:c", "coder": "AB"} for a, b in spans])
    path = tmp_path / "p.qdpx"
    write_qdpx(corpus, rows, path, codebooks=book, overwrite=True)
    back, coded = read_qdpx(path, turns=True)
    doc = back["d"]
    assert doc.text == text
    turns = doc.units("turn")
    for row in coded.itertuples():
        piece = text[row.start:row.end]
        a, b = (row.start + len(piece) - len(piece.lstrip()), row.end - len(piece) + len(piece.rstrip())) if piece.strip() \
            else (row.start, row.end)
        holders = [n for n, t in enumerate(turns) if t.label_start <= a and b <= t.end]
        if holders:
            assert (row.segment_id, row.speaker, row.position) == (f"d:turn:{holders[0] + 1}", turns[holders[0]].speaker,
                                                                   holders[0])
        else:
            assert pd.isna(row.segment_id) and pd.isna(row.speaker)


def test_nvivo_blank_sources_are_noted_once(interop_dir):
    # the real NVivo export keeps its two interviews as .docx only, with a blank .txt beside each
    with pytest.warns(QualkitWarning):
        plain = read_qdpx(interop_dir / "nvivo_project.qdpx")
    with pytest.warns(QualkitWarning):
        turned = read_qdpx(interop_dir / "nvivo_project.qdpx", turns=True)
    assert turned.notes == plain.notes and len(turned.notes) == 2
    assert all(doc.segments == () and doc.kind == "text" for doc in turned.corpus)
