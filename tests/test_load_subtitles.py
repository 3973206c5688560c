"""The .vtt/.srt loader on files as Teams and Zoom write them."""

from __future__ import annotations

import pytest

from qualkit.errors import EmptySourceError, LoadError
from qualkit.load import load_corpus

TEAMS = """WEBVTT

NOTE
Deze transcriptie is automatisch gemaakt.

STYLE
::cue { color: yellow }

1ba63f4f-12a3-4bec-bee9-b8140e662ffe/3-0
00:00:04.120 --> 00:00:09.294
<v Eline Maes>Goed, ik denk dat iedereen erbij is. Kunnen jullie mij allemaal horen? Ik</v>

1ba63f4f-12a3-4bec-bee9-b8140e662ffe/3-1
00:00:09.618 --> 00:00:13.175 align:start position:10%
<v Eline Maes>zie dat Koen zijn camera
nog uit staat.</v>

66cc9c0a-0674-4b03-9cdc-02bc2d9354ef/4-0
00:00:18.332 --> 00:00:21.279
<v Koen Wouters>Ja, <i>ik</i> hoor u &amp; <c.yellow>jullie</c>.</v>

9a0e/5-0
00:01:02.000 --> 00:01:03.500
Applaus

9a0e/5-1
00:01:04.000 --> 00:01:05.000
Nog iets

9a0e/6-0
01:00:00.000 --> 01:00:02.000
<v Eline Maes>Dank je.</v><v Koen Wouters>Graag.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:03.000
Leerkracht 1: Dag allemaal.

2
00:00:03.500 --> 00:00:05.000
Leerkracht 1: Zullen we beginnen?

3
00:00:05.200 --> 00:00:07.000
Directeur: Ja.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
Leerkracht 1: Wij werken samen

2
00:00:02,600 --> 00:00:04,000
met het CLB.

3
00:00:04,100 --> 00:00:06,000
Zorgcoördinator: Klopt.

dat is een lege regel in de cue

4
00:00:07,000 --> 00:00:08,000
Ouder 2: Ja.
"""


def turns(doc):
    return [(s.speaker, s.time_start, s.time_end, s.text) for s in doc.units("turn")]


def test_teams_vtt(tmp_path):
    (tmp_path / "teams.vtt").write_text(TEAMS, encoding="utf-8")
    doc = load_corpus(tmp_path / "teams.vtt")["teams"]
    assert doc.text == (
        "Eline Maes: Goed, ik denk dat iedereen erbij is. Kunnen jullie mij allemaal horen? Ik zie dat Koen zijn "
        "camera nog uit staat.\n"
        "Koen Wouters: Ja, ik hoor u & jullie.\n"
        "Applaus\n"
        "Nog iets\n"
        "Eline Maes: Dank je.\n"
        "Koen Wouters: Graag."
    )
    assert turns(doc) == [
        ("Eline Maes", 4.12, 13.175, "Goed, ik denk dat iedereen erbij is. Kunnen jullie mij allemaal horen? Ik zie "
                                     "dat Koen zijn camera nog uit staat."),
        ("Koen Wouters", 18.332, 21.279, "Ja, ik hoor u & jullie."),
        (None, 62.0, 63.5, "Applaus"),  # no speaker: not merged with the next speakerless cue
        (None, 64.0, 65.0, "Nog iets"),
        ("Eline Maes", 3600.0, 3602.0, "Dank je."),
        ("Koen Wouters", 3600.0, 3602.0, "Graag."),
    ]
    first = doc.units("turn")[0]
    assert doc.text[first.label_start : first.start] == "Eline Maes: "
    assert doc.units("turn")[2].label_start is None


def test_zoom_vtt_speaker_prefix(tmp_path):
    (tmp_path / "zoom.vtt").write_text(ZOOM_VTT, encoding="utf-8")
    doc = load_corpus(tmp_path / "zoom.vtt")["zoom"]
    assert turns(doc) == [("Leerkracht 1", 1.0, 5.0, "Dag allemaal. Zullen we beginnen?"),
                          ("Directeur", 5.2, 7.0, "Ja.")]


def test_srt_with_numbering_cp1252_and_text_without_timing(tmp_path):
    (tmp_path / "school_b.srt").write_bytes(SRT.replace("\n", "\r\n").encode("cp1252"))
    doc = load_corpus(tmp_path / "school_b.srt")["school_b"]
    assert (doc.encoding, doc.newline) == ("cp1252", "\r\n")
    assert turns(doc) == [
        ("Leerkracht 1", 1.0, 2.5, "Wij werken samen"),
        (None, 2.6, 4.0, "met het CLB."),
        ("Zorgcoördinator", 4.1, 6.0, "Klopt. dat is een lege regel in de cue"),
        ("Ouder 2", 7.0, 8.0, "Ja."),
    ]


def test_speaker_pattern_applies_to_prefixes(tmp_path):
    (tmp_path / "zoom.vtt").write_text(ZOOM_VTT, encoding="utf-8")
    doc = load_corpus(tmp_path / "zoom.vtt", speaker_pattern=r"Leerkracht \d")["zoom"]
    assert [s.speaker for s in doc.units("turn")] == ["Leerkracht 1", None]
    assert doc.units("turn")[1].text == "Directeur: Ja."


def test_vtt_without_header_line(tmp_path):
    path = tmp_path / "x.vtt"
    path.write_text(SRT, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_corpus(path)
    assert str(info.value) == (f"{path}, line 1: a WebVTT file must start with the line 'WEBVTT', found '1'; "
                               "check that this is a .vtt file, or save it as .txt")


def test_srt_with_text_before_the_first_cue(tmp_path):
    path = tmp_path / "x.srt"
    path.write_text("Titel van de opname\n\n" + SRT, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_corpus(path)
    assert str(info.value) == (f"{path}, line 1: expected a cue timing line such as '00:00:04.120 --> "
                               "00:00:09.294', found 'Titel van de opname'; check the file")


def test_vtt_without_cues(tmp_path):
    path = tmp_path / "leeg.vtt"
    path.write_text("WEBVTT\n\nNOTE niets\n", encoding="utf-8")
    with pytest.raises(EmptySourceError) as info:
        load_corpus(path)
    assert str(info.value) == f"{path}: the file has no cues (no timed text); check that the export is complete"
