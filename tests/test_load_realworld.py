"""Real-world variants of every source format, written the way tools and people write them.

Each file is generated here from real bytes (raw bytes for text, python-docx for .docx) and
checked against hand-computed turns, or against the exact error a user gets.
"""

from __future__ import annotations

import codecs
import warnings

import docx
import pytest
from docx.enum.text import WD_BREAK

from qualkit.errors import EmptySourceError, EncodingError, NoSpeakersError, UnknownSpeakerWarning
from qualkit.load import load_corpus

# --- helpers ----------------------------------------------------------------------------------------


def raw(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load_one(path, **kw):
    corpus = load_corpus(path, **kw)
    (doc,) = list(corpus)
    check_invariant(doc)
    return doc


def check_invariant(doc):
    """Every segment matches its slice; every non-space character is in a turn (with its cue), note or header."""
    covered = [False] * len(doc.text)
    for seg in doc.segments:
        assert seg.text == doc.text[seg.start : seg.end]
        first = seg.label_start if seg.label_start is not None else seg.start
        for i in range(first, seg.end):
            covered[i] = True
    lost = "".join(ch for ch, c in zip(doc.text, covered) if not c and not ch.isspace())
    assert lost == ""


def turns(doc):
    return [(s.speaker, s.text) for s in doc.units("turn")]


def cues(doc):
    return [doc.text[s.label_start : s.start] for s in doc.units("turn")]


def caught_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [w for w in caught if issubclass(w.category, UnknownSpeakerWarning)]


# --- 1. Word transcripts ------------------------------------------------------------------------------


def bold_label_paragraph(d, label, separator, text):
    p = d.add_paragraph()
    p.add_run(label).bold = True
    p.add_run(separator + text)
    return p


def test_docx_bold_label_then_tab_or_spaces(tmp_path):
    d = docx.Document()
    d.add_paragraph("Interview leerkracht 3")
    bold_label_paragraph(d, "Interviewer:", "\t", "Hoe verliep het overleg met het CLB?")
    bold_label_paragraph(d, "Leerkracht 3:", "    ", "Vlot, al duurde het lang.")
    d.save(tmp_path / "int.docx")
    doc = load_one(tmp_path / "int.docx")
    assert doc.text == ("Interview leerkracht 3\nInterviewer:\tHoe verliep het overleg met het CLB?\n"
                        "Leerkracht 3:    Vlot, al duurde het lang.")
    assert turns(doc) == [("Interviewer", "Hoe verliep het overleg met het CLB?"),
                          ("Leerkracht 3", "Vlot, al duurde het lang.")]
    assert cues(doc) == ["Interviewer:\t", "Leerkracht 3:    "]


def test_docx_label_and_colon_in_separate_runs_and_markdown_stars(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Interviewer").bold = True
    p.add_run(":").bold = True
    p.add_run(" Wat ging goed?")
    p = d.add_paragraph()
    p.add_run("**Zorgcoördinator:**")  # pasted from a Markdown export: the stars are text
    p.add_run(" Het ")
    p.add_run("handelingsgericht").italic = True
    p.add_run(" werken.")
    d.save(tmp_path / "runs.docx")
    doc = load_one(tmp_path / "runs.docx")
    assert turns(doc) == [("Interviewer", "Wat ging goed?"), ("Zorgcoördinator", "Het handelingsgericht werken.")]
    assert cues(doc) == ["Interviewer: ", "**Zorgcoördinator:** "]


def test_docx_soft_breaks_empty_paragraphs_header_footer_numbered_list(tmp_path):
    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "Vertrouwelijk - niet verspreiden"
    section.footer.paragraphs[0].text = "Pagina 1"
    d.add_paragraph("Focusgroep ouders")
    d.add_paragraph("")
    p = d.add_paragraph("Ouder 1: Eerst dit.")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("En dan nog dat.")
    d.add_paragraph("")
    d.add_paragraph("   ")
    d.add_paragraph("Ouder 2: Drie punten:", style="List Number")
    d.add_paragraph("de brief", style="List Number")
    d.add_paragraph("het oudercontact", style="List Bullet")
    d.save(tmp_path / "ouders.docx")
    doc = load_one(tmp_path / "ouders.docx")
    # header and footer are page furniture, not text of the transcript
    assert "Vertrouwelijk" not in doc.text and "Pagina" not in doc.text
    assert doc.text == ("Focusgroep ouders\n\nOuder 1: Eerst dit.\nEn dan nog dat.\n\n   \n"
                        "Ouder 2: Drie punten:\nde brief\nhet oudercontact")
    assert turns(doc) == [("Ouder 1", "Eerst dit.\nEn dan nog dat."),
                          ("Ouder 2", "Drie punten:\nde brief\nhet oudercontact")]


def table_docx(tmp_path, name, rows, before=()):
    d = docx.Document()
    for p in before:
        d.add_paragraph(p)
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(t.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    return d, t


def test_docx_table_with_merged_cells(tmp_path):
    d, t = table_docx(tmp_path, "m.docx", [
        ["Spreker", "Tekst"],
        ["Deel 1: voorstelling", ""],
        ["Moderator", "Stel jullie even voor."],
        ["Directeur 1", "Ik leid de school sinds 2015."],
        ["", "En daarvoor gaf ik les."],
    ])
    t.cell(1, 0).merge(t.cell(1, 1))  # a section title across the whole row
    t.cell(3, 0).merge(t.cell(4, 0))  # one speaker cell for two text rows
    d.save(tmp_path / "m.docx")
    doc = load_one(tmp_path / "m.docx")
    assert doc.text == ("Deel 1: voorstelling\nModerator: Stel jullie even voor.\n"
                        "Directeur 1: Ik leid de school sinds 2015.\nEn daarvoor gaf ik les.")
    assert turns(doc) == [("Moderator", "Stel jullie even voor."),
                          ("Directeur 1", "Ik leid de school sinds 2015.\nEn daarvoor gaf ik les.")]
    assert [s.text for s in doc.units("header")] == ["Deel 1: voorstelling"]


def test_docx_table_without_header_extra_empty_column_and_time_column(tmp_path):
    d, _ = table_docx(tmp_path, "t.docx", [
        ["00:00:04", "Moderator", "Welkom allemaal.", ""],
        ["00:01:02", "Leerkracht 2", "Dank je.", ""],
        ["", "", "Ik begin.", ""],
    ])
    d.save(tmp_path / "t.docx")
    doc = load_one(tmp_path / "t.docx")
    assert doc.text == "[00:00:04] Moderator: Welkom allemaal.\n[00:01:02] Leerkracht 2: Dank je.\nIk begin."
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Moderator", 4.0, "Welkom allemaal."), ("Leerkracht 2", 62.0, "Dank je.\nIk begin.")]


def test_docx_table_with_header_and_extra_empty_column(tmp_path):
    d, _ = table_docx(tmp_path, "t.docx", [
        ["Tijdcode", "Spreker:", "Transcript", "Opmerking"],
        ["00:02:10", "Interviewer", "Wat vond je ervan?", ""],
        ["00:02:15", "Respondent", "Nuttig.", ""],
    ])
    d.save(tmp_path / "t.docx")
    doc = load_one(tmp_path / "t.docx")
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Interviewer", 130.0, "Wat vond je ervan?"), ("Respondent", 135.0, "Nuttig.")]


TEAMS_DOCX = [
    "Overleg zorgteam-20240312_101503-Opname van vergadering",
    "12 maart 2024, 10:15AM",
    "38m 12s",
    "",
    "Eline Maes heeft de transcriptie gestart",
    "",
    "Eline Maes   0:03",
    "Goedemorgen. Zijn we compleet?",
    "",
    "Wouters, Koen (Leerkracht)   0:11",
    "Bijna: Sara komt later.",
    "",
    "Eline Maes   1:02:07",
    "Goed, dan sluiten we af.",
]


def test_teams_download_as_docx(tmp_path):
    d = docx.Document()
    for p in TEAMS_DOCX:
        d.add_paragraph(p)
    d.save(tmp_path / "teams.docx")
    doc = load_one(tmp_path / "teams.docx")
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Eline Maes", 3.0, "Goedemorgen. Zijn we compleet?"),
        ("Wouters, Koen (Leerkracht)", 11.0, "Bijna: Sara komt later."),
        ("Eline Maes", 3727.0, "Goed, dan sluiten we af."),
    ]
    assert doc.units("header")[0].text == "\n".join(TEAMS_DOCX[:5])


def test_teams_docx_with_a_tab_between_name_and_time(tmp_path):
    d = docx.Document()
    for p in ["Eline Maes\t0:03", "Goedemorgen.", "Koen Wouters\t0:09", "Dag Eline."]:
        d.add_paragraph(p)
    d.save(tmp_path / "teams.docx")
    doc = load_one(tmp_path / "teams.docx")
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Eline Maes", 3.0, "Goedemorgen."), ("Koen Wouters", 9.0, "Dag Eline.")]


# --- 2. text transcripts --------------------------------------------------------------------------------


def test_capital_and_abbreviated_labels_with_tabs(tmp_path):
    text = ("INTERVIEWER:\tDag, stel je even voor.\r\nR1:\tIk ben zorgcoördinator.\r\n"
            "Int.: En verder?\r\nResp.:  Niets.\r\nI: Oké.\r\nR: Goed.\r\n")
    doc = load_one(raw(tmp_path, "int.txt", text.encode("utf-8")))
    assert turns(doc) == [("INTERVIEWER", "Dag, stel je even voor."), ("R1", "Ik ben zorgcoördinator."),
                          ("Int.", "En verder?"), ("Resp.", "Niets."), ("I", "Oké."), ("R", "Goed.")]


def test_f4_timestamps_at_the_end_of_a_turn(tmp_path):
    text = ("I: Hoe begon de samenwerking? #00:00:12-5#\n\n"
            "B: Met een telefoontje van het CLB. Daarna\nkwam er een overleg. #00:01:02-3#\n\n"
            "I: En toen?\n\n"
            "B: Toen niets meer. #00:01:40-0#\n")
    doc = load_one(raw(tmp_path, "f4.txt", text.encode("utf-8")))
    assert [(s.speaker, s.time_start, s.time_end, s.text) for s in doc.units("turn")] == [
        ("I", None, 12.5, "Hoe begon de samenwerking?"),
        ("B", 12.5, 62.3, "Met een telefoontje van het CLB. Daarna\nkwam er een overleg."),
        ("I", 62.3, None, "En toen?"),
        ("B", None, 100.0, "Toen niets meer."),
    ]
    # the stamps stay in the text, as notes (transcriber marks, not speech)
    assert [s.text for s in doc.units("note")] == ["#00:00:12-5#", "#00:01:02-3#", "#00:01:40-0#"]


def test_maxqda_timestamps_round_and_square(tmp_path):
    text = "[00:00:01] Interviewer: Welkom.\n(00:00:09) Leerkracht 1: Dank u.\n"
    doc = load_one(raw(tmp_path, "mx.txt", text.encode("utf-8")))
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Interviewer", 1.0, "Welkom."), ("Leerkracht 1", 9.0, "Dank u.")]


def test_markdown_labels(tmp_path):
    text = ("# Focusgroep leerkrachten\n\n"
            "**Leerkracht 2:** Wij *werken* samen.\n"
            "**Leerkracht 3**: Wij ook.\n"
            "- Leerkracht 2: Dat **klopt**.\n"
            "* __Moderator:__ Goed.\n"
            "- [00:03:10] Leerkracht 3: Tot slot.\n")
    doc = load_one(raw(tmp_path, "fg.md", text.encode("utf-8")))
    assert turns(doc) == [("Leerkracht 2", "Wij *werken* samen."), ("Leerkracht 3", "Wij ook."),
                          ("Leerkracht 2", "Dat **klopt**."), ("Moderator", "Goed."), ("Leerkracht 3", "Tot slot.")]
    assert cues(doc) == ["**Leerkracht 2:** ", "**Leerkracht 3**: ", "- Leerkracht 2: ", "* __Moderator:__ ",
                         "- [00:03:10] Leerkracht 3: "]
    assert doc.units("turn")[4].time_start == 190.0


def test_markdown_labels_with_participants(tmp_path):
    path = raw(tmp_path, "fg.md", "**Leerkracht 2:** Ja.\n- Leerkracht 3: Nee.\n".encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nLeerkracht 2\nLeerkracht 3\n")
    doc = load_one(path, participants=people)
    assert turns(doc) == [("Leerkracht 2", "Ja."), ("Leerkracht 3", "Nee.")]


def test_utf8_with_a_stray_cp1252_byte_is_refused_with_line(tmp_path):
    data = "Zorgcoördinator: Dag.\nLeerkracht 1: Dat is ".encode("utf-8") + b"\x93echt\x94 zo.\n"
    path = raw(tmp_path, "fg.txt", data)
    with pytest.raises(EncodingError) as info:
        load_corpus(path)
    assert str(info.value) == (
        f"{path}, line 2: the file is UTF-8 but 2 byte(s) are not: byte offset 44 (0x93, '“' in Windows-1252) "
        "at line 2, column 22; byte offset 49 (0x94, '”' in Windows-1252) at line 2, column 27; probably text "
        "pasted from another file; retype those characters in a text editor and save the file as UTF-8"
    )


def test_many_stray_bytes_are_counted_and_the_first_five_shown(tmp_path):
    data = "Zoë: ".encode("utf-8") + b"caf\xe9 " * 7 + b"\r\n"
    path = raw(tmp_path, "fg.txt", data)
    with pytest.raises(EncodingError) as info:
        load_corpus(path)
    shown = "; ".join(f"byte offset {9 + 5 * i} (0xE9, 'é' in Windows-1252) at line 1, column {9 + 5 * i}"
                      for i in range(5))
    assert str(info.value) == (
        f"{path}, line 1: the file is UTF-8 but 7 byte(s) are not: {shown}; ...; probably text pasted from "
        "another file; retype those characters in a text editor and save the file as UTF-8"
    )


def test_cp1252_without_any_utf8_character_is_still_cp1252(tmp_path):
    doc = load_one(raw(tmp_path, "fg.txt", "Zoë: café, coördinatie.\n".encode("cp1252")))
    assert (doc.encoding, turns(doc)) == ("cp1252", [("Zoë", "café, coördinatie.")])


def test_whitespace_only_file(tmp_path):
    path = raw(tmp_path, "leeg.txt", codecs.BOM_UTF8 + b" \r\n\t\r\n\xc2\xa0\r\n")
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}: the file is empty (no text to load); remove it or fill it in"


def test_cp1252_curly_quotes_and_apostrophe_in_label(tmp_path):
    text = "D’Hondt: Ze zeiden ‘nee’ – en “nooit”.\r\nX: Echt?\r\n"
    doc = load_one(raw(tmp_path, "fg.txt", text.encode("cp1252")))
    assert doc.encoding == "cp1252"
    assert turns(doc) == [("D’Hondt", "Ze zeiden ‘nee’ – en “nooit”."), ("X", "Echt?")]


def test_very_long_line(tmp_path):
    speech = ("Dat is een lange zin: echt waar, (lacht) [pauze] 10:05 " * 2000)[:100_000]
    doc = load_one(raw(tmp_path, "lang.txt", f"X: {speech}\nY: Kort.\n".encode("utf-8")))
    assert turns(doc) == [("X", speech.rstrip()), ("Y", "Kort.")]


# --- 3. WebVTT and SRT ------------------------------------------------------------------------------------

ZOOM = """WEBVTT

1
00:00:00.360 --> 00:00:03.120
Eline Maes: Oké, de opname loopt.

2
00:00:03.500 --> 00:00:06.000
Eline Maes: Wie begint?

3
00:00:06.800 --> 00:00:09.100
Zorgcoördinator (Sint-Jozef): Ik &amp; mijn collega.
"""


def test_zoom_vtt(tmp_path):
    doc = load_one(raw(tmp_path, "zoom.vtt", ZOOM.encode("utf-8")))
    assert [(s.speaker, s.time_start, s.time_end, s.text) for s in doc.units("turn")] == [
        ("Eline Maes", 0.36, 6.0, "Oké, de opname loopt. Wie begint?"),
        ("Zorgcoördinator (Sint-Jozef)", 6.8, 9.1, "Ik & mijn collega."),
    ]


TEAMS_VTT = """WEBVTT

NOTE dit bestand is een proef
met twee regels

STYLE
::cue(v[voice="Eline Maes"]) { color: blue }

4a7c1e2b-9d31-4f70-8a55-31e2b1d0c9aa/17-0
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v Eline Maes>Goed, we beginnen met
de vragen van vorige keer

4a7c1e2b-9d31-4f70-8a55-31e2b1d0c9aa/17-1
00:00:04.200 --> 00:00:06.000 line:90% size:80%
<v Eline Maes>en de 3 &lt; 5 regel.

52e0/18-0
00:00:06.500 --> 00:00:08.000
<v.loud Koen Wouters>Prima.</v>
"""


def test_teams_vtt_voice_without_closing_tag_settings_note_style(tmp_path):
    doc = load_one(raw(tmp_path, "teams.vtt", TEAMS_VTT.encode("utf-8")))
    assert doc.text == ("Eline Maes: Goed, we beginnen met de vragen van vorige keer en de 3 < 5 regel.\n"
                        "Koen Wouters: Prima.")
    assert [(s.speaker, s.time_start, s.time_end) for s in doc.units("turn")] == [
        ("Eline Maes", 1.0, 6.0), ("Koen Wouters", 6.5, 8.0)]


def test_srt_with_bom_crlf_no_final_blank_line_and_position_tags(tmp_path):
    srt = ("1\r\n00:00:01,000 --> 00:00:02,000\r\n{\\an8}Leerkracht 1: Dag &amp; welkom.\r\n\r\n"
           "2\r\n00:00:02,500 --> 00:00:04,000\r\nOuder: <i>Dank</i> u.")
    doc = load_one(raw(tmp_path, "s.srt", codecs.BOM_UTF8 + srt.encode("utf-8")))
    assert (doc.encoding, doc.newline) == ("utf-8-sig", "\r\n")
    assert [(s.speaker, s.time_start, s.time_end, s.text) for s in doc.units("turn")] == [
        ("Leerkracht 1", 1.0, 2.0, "Dag & welkom."), ("Ouder", 2.5, 4.0, "Dank u.")]


def test_vtt_without_hours(tmp_path):
    vtt = "WEBVTT\n\n01:02.000 --> 01:05.500\nX: Ja.\n\n01:06.000 --> 1:01:06.000\nY: Nee.\n"
    doc = load_one(raw(tmp_path, "k.vtt", vtt.encode("utf-8")))
    assert [(s.speaker, s.time_start, s.time_end) for s in doc.units("turn")] == [("X", 62.0, 65.5),
                                                                               ("Y", 66.0, 3666.0)]


# --- 4. the speaker-label guard -----------------------------------------------------------------------------


def test_speaker_missing_from_participants_is_reported(tmp_path):
    text = ("Focusgroep 4\nDatum: 2 mei\n"
            "Moderator: Wie begint?\n"
            "Leerkracht 1: Ik. Wij doen dat zo.\n"
            "Bijvoorbeeld: een kringgesprek.\n"
            "Leerkracht 2: Bij ons niet.\n"
            "Moderator: Waarom niet?\n"
            "Leerkracht 2: Geen tijd.\n")
    path = raw(tmp_path, "fg_4.txt", text.encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nModerator\nLeerkracht 1\n")
    doc, unknown = caught_warnings(lambda: load_corpus(path, participants=people)["fg_4"])
    # the label guard still folds the lines into the turn before (the file says who speaks) ...
    assert turns(doc) == [("Moderator", "Wie begint?"),
                          ("Leerkracht 1", "Ik. Wij doen dat zo.\nBijvoorbeeld: een kringgesprek.\n"
                                           "Leerkracht 2: Bij ons niet."),
                          ("Moderator", "Waarom niet?\nLeerkracht 2: Geen tijd.")]
    # ... but says so, once, with file and lines; "Bijvoorbeeld:" and "Datum:" are not reported
    assert [str(w.message) for w in unknown] == [
        f"{people}: 2 line(s) look like speaker turns but their label is not in the participants file, so "
        "they did not start a turn (their text is part of the turn or header before them): "
        f"'Leerkracht 2' ({path}, lines 6, 8); add these "
        "speakers to the participants file, or pass speaker_pattern=r'...' to say which labels are speakers"
    ]


def test_single_word_colon_lines_are_not_reported(tmp_path):
    text = "X: We hebben\nBijvoorbeeld: de lijst.\nConclusie: goed.\nY: Ja.\nEn ruimte: weinig.\n"
    path = raw(tmp_path, "fg.txt", text.encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nX\nY\n")
    doc, unknown = caught_warnings(lambda: load_corpus(path, participants=people)["fg"])
    assert unknown == []
    assert [s.speaker for s in doc.units("turn")] == ["X", "Y"]


@pytest.mark.parametrize("line", ["R2: ja", "Interviewer: ja", "P3 (directeur): ja", "INT: ja", "Ouder van Lotte: ja"])
def test_one_speaker_like_line_is_enough(tmp_path, line):
    path = raw(tmp_path, "fg.txt", f"X: Eerst.\n{line}\n".encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nX\n")
    _, unknown = caught_warnings(lambda: load_corpus(path, participants=people))
    label = line.split(":")[0]
    assert len(unknown) == 1 and f"{label!r} ({path}, line 2)" in str(unknown[0].message)


def test_unknown_turn_speakers_and_folded_lines_share_one_warning(tmp_path):
    d = docx.Document()
    for p in ["Interviewer: Vraag.", "R1: Antwoord.", "Interviewer: Nog een.", "R1: Ja."]:
        d.add_paragraph(p)
    d.save(tmp_path / "a.docx")
    table_docx(tmp_path, "b.docx", [["Spreker", "Tekst"], ["Gast", "Hallo."]])[0].save(tmp_path / "b.docx")
    people = raw(tmp_path, "p.csv", b"speaker\nInterviewer\n")
    _, unknown = caught_warnings(lambda: load_corpus([tmp_path / "a.docx", tmp_path / "b.docx"],
                                                     participants=people))
    assert [str(w.message) for w in unknown] == [
        f"{people}: 1 speaker(s) not in the participants file: 'Gast' (b); their segments have no person, role "
        "or group; add them to the participants file (with a 'document' column when a label is only used in "
        f"one document). Also, 2 line(s) look like speaker turns but their label is not in the participants "
        "file, so they did not start a turn (their text is part of the turn or header before them): "
        f"'R1' ({tmp_path / 'a.docx'}, lines 2, 4); add "
        "these speakers to the participants file, or pass speaker_pattern=r'...' to say which labels are speakers"
    ]



def test_folded_label_differing_only_in_capitals_is_pointed_out(tmp_path):
    path = raw(tmp_path, "iv.txt", "Interviewer: Hoe gaat het?\nLeerkracht: Druk.\nLeerkracht: Echt druk.\n".encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nInterviewer\nleerkracht\n")
    _, unknown = caught_warnings(lambda: load_corpus(path, participants=people))
    assert len(unknown) == 1
    assert (f": 'Leerkracht' ({path}, lines 2, 3) (the participants file has 'leerkracht': labels must match "
            "exactly, capitals too); add") in str(unknown[0].message)

def test_header_title_with_a_digit_is_not_reported_but_a_role_is(tmp_path):
    text = "Focusgroep 2: directies\nInterviewer: Welkom.\nX: Dag.\n"
    path = raw(tmp_path, "fg.txt", text.encode("utf-8"))
    people = raw(tmp_path, "p.csv", b"speaker\nX\n")
    doc, unknown = caught_warnings(lambda: load_corpus(path, participants=people)["fg"])
    assert doc.units("header")[0].text == "Focusgroep 2: directies\nInterviewer: Welkom."
    assert len(unknown) == 1 and f": 'Interviewer' ({path}, line 2); add" in str(unknown[0].message)


def test_bundled_data_gives_no_folded_line_warning(data_dir):
    folder = data_dir / "afstemming"
    _, unknown = caught_warnings(lambda: load_corpus(folder, participants=folder / "participants.csv",
                                                     documents=folder / "documents.csv"))
    assert unknown == []


# --- 5. encodings and newlines -------------------------------------------------------------------------------

TEXT = "Zorgcoördinator: Dat is één idee.\nLeerkracht 5: Akkoord – ‘zeker’.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path, encoding):
    doc = load_one(raw(tmp_path, "fg.txt", TEXT.replace("\n", "\r\n").encode(encoding)))
    assert (doc.text, doc.encoding, doc.newline) == (TEXT, encoding, "\r\n")


def test_utf8_bom_with_old_mac_line_ends(tmp_path):
    doc = load_one(raw(tmp_path, "fg.txt", codecs.BOM_UTF8 + TEXT.replace("\n", "\r").encode("utf-8")))
    assert (doc.text, doc.encoding, doc.newline) == (TEXT, "utf-8-sig", "\r")
    assert [s.speaker for s in doc.units("turn")] == ["Zorgcoördinator", "Leerkracht 5"]


def test_mixed_newlines(tmp_path):
    data = b"X: Een\r\nlange zin.\nY: Twee.\r\n"
    doc = load_one(raw(tmp_path, "fg.txt", data))
    assert (doc.text, doc.newline) == ("X: Een\nlange zin.\nY: Twee.\n", "mixed")
    assert turns(doc) == [("X", "Een\nlange zin."), ("Y", "Twee.")]


def test_word_transcribe_export_time_first(tmp_path):
    d = docx.Document()
    for p in ["Interview zorgcoördinator.m4a", "Transcript", "00:00:00 Spreker 1", "Zullen we beginnen?",
              "00:00:04 Spreker 2", "Ja: graag.", "Eerst de agenda.", "01:02:03 Spreker 1", "Dank u."]:
        d.add_paragraph(p)
    d.save(tmp_path / "word.docx")
    doc = load_one(tmp_path / "word.docx")
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("turn")] == [
        ("Spreker 1", 0.0, "Zullen we beginnen?"), ("Spreker 2", 4.0, "Ja: graag.\nEerst de agenda."),
        ("Spreker 1", 3723.0, "Dank u.")]
    assert doc.units("header")[0].text == "Interview zorgcoördinator.m4a\nTranscript"


def test_docx_table_keeps_a_filled_extra_column_as_notes(tmp_path):
    d, _ = table_docx(tmp_path, "t.docx", [
        ["Naam", "Tekst", "Opmerking"],
        ["Leerkracht 4", "Dat lukt niet.", "zucht"],
        ["Moderator", "Waarom niet?", ""],
    ])
    d.save(tmp_path / "t.docx")
    doc = load_one(tmp_path / "t.docx")
    assert doc.text == "Leerkracht 4: Dat lukt niet.\n[Opmerking: zucht]\nModerator: Waarom niet?"
    assert turns(doc) == [("Leerkracht 4", "Dat lukt niet."), ("Moderator", "Waarom niet?")]
    assert [s.text for s in doc.units("note")] == ["[Opmerking: zucht]"]


def test_old_teams_docx_with_arrow_timings_is_refused_with_a_fix(tmp_path):
    d = docx.Document()
    for p in ["0:0:0.0 --> 0:0:4.380", "Maes, Eline", "Goedemorgen.", "", "0:0:5.10 --> 0:0:7.0", "Koen Wouters",
              "Dag."]:
        d.add_paragraph(p)
    d.save(tmp_path / "oud.docx")
    with pytest.raises(NoSpeakersError) as info:
        load_corpus(tmp_path / "oud.docx")
    assert str(info.value) == (
        f"{tmp_path / 'oud.docx'}, line 1: no speaker turns found: the text holds subtitle timings "
        "('0:0:0.0 --> 0:0:4.380') with the speaker on a line of its own, a layout qualkit reads from .vtt and "
        ".srt files only; download the transcript as .vtt (in Teams: Transcript, Download, .vtt) and load that "
        "file, or load this one as plain text with kinds={'oud.docx': 'text'}"
    )


# --- properties: every cue style, with and without f4 stamps, in every encoding -----------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

STYLES = ["{l}: ", "{l}:\t", "**{l}:** ", "**{l}**: ", "- {l}: ", "[00:01:02] {l}: ", "(00:01:02) {l}:  "]
LABELS = st.sampled_from(["INTERVIEWER", "R1", "Int.", "Resp.", "I", "Leerkracht 2", "D’Hondt", "Zoco (school A)"])
SPEECH = st.lists(st.sampled_from(["ja", "nee", "één", "*echt*", "‘zo’", "(lacht)", "10:05", "Bijvoorbeeld:", "#"]),
                  min_size=1, max_size=6).map(" ".join)


@st.composite
def variant_transcripts(draw):
    lines, expected = [], []
    for _ in range(draw(st.integers(1, 5))):
        label, speech = draw(LABELS), draw(SPEECH)
        stamp = draw(st.sampled_from(["", " #00:00:12-5#", "\t#01:02:03-0# "]))
        lines.append(draw(st.sampled_from(STYLES)).format(l=label) + speech + stamp)
        expected.append((label, speech))
    return "\n".join(lines), expected


@settings(max_examples=60, deadline=None)
@given(variant_transcripts(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16-le", "utf-16-be"]),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_cue_style_keeps_speakers_text_and_offsets(tmp_path_factory, variant, encoding, newline):
    text, expected = variant
    path = tmp_path_factory.mktemp("v") / "fg.txt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    doc = load_one(path)
    assert doc.text == text
    assert turns(doc) == expected
