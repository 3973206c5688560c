"""The .txt/.md loader: cues, turns, notes, header, field notes, speaker rules and refusals."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.errors import (
    DuplicateDocumentError,
    InputError,
    NoSpeakersError,
    UnknownSpeakerWarning,
    UnsupportedFormatError,
)
from qualkit.load import load_corpus
from qualkit.load.cues import SpeakerRule
from qualkit.load.lines import parse_lines


def write(tmp_path, name, text, encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def turns(doc):
    return [(s.speaker, s.time_start, doc.text[s.label_start : s.start], s.text) for s in doc.units("turn")]


def test_timestamp_forms_before_and_after_the_label(tmp_path):
    text = (
        "[00:12:31] Leerkracht 5: Ja.\n"
        "(00:12:40) P3 (directeur): Nee.\n"
        "00:13:02 Zorgleerkracht-ondersteuner type 7: Misschien.\n"
        "[13:10] X: Goed.\n"
        "Interviewer [00:14:00]: Verder.\n"
        "Y: [00:14:05] Oké.\n"
        "D'Hondt Sr.: Klaar.\n"
    )
    doc = load_corpus(write(tmp_path, "fg.txt", text))["fg"]
    assert turns(doc) == [
        ("Leerkracht 5", 751.0, "[00:12:31] Leerkracht 5: ", "Ja."),
        ("P3 (directeur)", 760.0, "(00:12:40) P3 (directeur): ", "Nee."),
        ("Zorgleerkracht-ondersteuner type 7", 782.0, "00:13:02 Zorgleerkracht-ondersteuner type 7: ", "Misschien."),
        ("X", 790.0, "[13:10] X: ", "Goed."),
        ("Interviewer", 840.0, "Interviewer [00:14:00]: ", "Verder."),
        ("Y", 845.0, "Y: [00:14:05] ", "Oké."),
        ("D'Hondt Sr.", None, "D'Hondt Sr.: ", "Klaar."),
    ]


def test_what_is_not_a_cue():
    rule = SpeakerRule.open()
    assert rule.match("Zie https://example.org") is None  # no space after the colon
    assert rule.match("12:31 dat was laat") is None  # a time is not a label
    assert rule.match("Dit is een heel lange zin die zeker meer dan vijftig tekens telt: ja") is None
    assert rule.match("A_B: ja") is None  # underscore is not a label character
    assert rule.match("X:") is not None  # a label alone on its line


def test_hard_wrapped_cp1252_crlf_transcript(tmp_path):
    text = (
        "Groepsgesprek zorgcoördinatoren\n"
        "\n"
        "Moderator: Goed, dan beginnen we. Hoe was het\n"
        "afstemmingsgesprek op uw school?\n"
        "Zoco 1: Het was oké, maar te lang. We hebben\n"
        "Bijvoorbeeld: de hele lijst overlopen.\n"
        "(lacht)\n"
        "Echt waar.\n"
        "[stilte]\n"
        "Zoco 2: Ja.\n"
    )
    path = write(tmp_path, "zoco.txt", text, encoding="cp1252", newline="\r\n")
    people = write(tmp_path, "p.csv", "speaker,role\nModerator,moderator\nZoco 1,zoco\nZoco 2,zoco\n")
    doc = load_corpus(path, participants=people)["zoco"]
    assert (doc.encoding, doc.newline) == ("cp1252", "\r\n")
    assert [s.text for s in doc.units("header")] == ["Groepsgesprek zorgcoördinatoren"]
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [
        ("Moderator", "Goed, dan beginnen we. Hoe was het\nafstemmingsgesprek op uw school?"),
        ("Zoco 1", "Het was oké, maar te lang. We hebben\nBijvoorbeeld: de hele lijst overlopen.\n(lacht)\nEcht waar."),
        ("Zoco 2", "Ja."),
    ]
    # the note inside the turn is also a note; the note after the last speech belongs to no turn
    assert [s.text for s in doc.units("note")] == ["(lacht)", "[stilte]"]


def test_without_guard_a_colon_line_is_a_speaker(tmp_path):
    text = "X: We hebben\nBijvoorbeeld: de lijst.\n"
    doc = load_corpus(write(tmp_path, "fg.txt", text))["fg"]
    assert [s.speaker for s in doc.units("turn")] == ["X", "Bijvoorbeeld"]


def test_speaker_pattern_guards_false_speakers(tmp_path):
    text = "Leerkracht 1: We hebben\nBijvoorbeeld: de lijst.\nLeerkracht 12: Ja.\n"
    doc = load_corpus(write(tmp_path, "fg.txt", text), speaker_pattern=r"Leerkracht \d+")["fg"]
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [
        ("Leerkracht 1", "We hebben\nBijvoorbeeld: de lijst."),
        ("Leerkracht 12", "Ja."),
    ]


def test_participants_with_document_column_restrict_labels_per_document(tmp_path):
    write(tmp_path, "a.txt", "X: Eén.\nY: Twee.\n")
    write(tmp_path, "b.txt", "X: Drie.\nY: Vier.\n")
    people = write(tmp_path, "people.csv", "speaker;document;role\nX;a;leraar\nY;a;directeur\nX;b;ouder\n",
                   encoding="utf-8-sig")
    # "Y" is only listed for a: in b its line stays speech, and the user is told so
    with pytest.warns(UnknownSpeakerWarning, match=r"1 line\(s\) look like speaker turns .*: 'Y' \(.*b.txt, line 2\)"):
        corpus = load_corpus(tmp_path, participants=people, role_map={"leraar": "leerkracht", "directeur": "directie"})
    assert [(s.speaker, s.text) for s in corpus["b"].units("turn")] == [("X", "Drie.\nY: Vier.")]
    frame = corpus.segments("turn")
    assert frame[["doc_id", "speaker", "role"]].values.tolist() == [
        ["a", "X", "leerkracht"], ["a", "Y", "directie"], ["b", "X", "ouder"]]
    assert "people" not in corpus.documents  # the participants file is never data


def test_open_mode_header_keys_stay_in_header(tmp_path):
    text = "Focusgroep 2\nDatum: 3 mei 2023\nAanwezigen: vier leerkrachten\n\nX: Dag.\nDatum: morgen?\n"
    doc = load_corpus(write(tmp_path, "fg.txt", text))["fg"]
    assert doc.units("header")[0].text == "Focusgroep 2\nDatum: 3 mei 2023\nAanwezigen: vier leerkrachten"
    # after the first turn "Datum:" is an ordinary label again
    assert [s.speaker for s in doc.units("turn")] == ["X", "Datum"]


def test_transcription_service_layout(tmp_path):
    text = "Speaker 1  0:03\nGoedemorgen allemaal.\nWe beginnen.\n\nSpeaker 2  1:02:07\nDank je.\n"
    doc = load_corpus(write(tmp_path, "export.md", text))["export"]
    assert turns(doc) == [
        ("Speaker 1", 3.0, "Speaker 1  0:03\n", "Goedemorgen allemaal.\nWe beginnen."),
        ("Speaker 2", 3727.0, "Speaker 2  1:02:07\n", "Dank je."),
    ]


def test_label_only_turn_and_turn_that_starts_with_a_note(tmp_path):
    doc = load_corpus(write(tmp_path, "fg.txt", "X:\n[zucht]\nY:\n(lacht)\nToch wel.\n"))["fg"]
    assert [(s.speaker, s.start, s.end, s.text) for s in doc.units("turn")] == [
        ("X", 2, 2, ""), ("Y", 14, 31, "(lacht)\nToch wel.")]
    assert [s.text for s in doc.units("note")] == ["[zucht]", "(lacht)"]


def test_no_speakers_error_open_mode(tmp_path):
    path = write(tmp_path, "memo.txt", "Een gewone tekst.\nZonder sprekers.\n")
    with pytest.raises(NoSpeakersError) as info:
        load_corpus(path)
    assert str(info.value) == (
        f"{path}: no speaker turns found: no line starts with a speaker label such as 'Leerkracht 5: ...' or "
        "'[00:12:31] X: ...'; pass speaker_pattern=r'...' (a regular expression for your labels), or load the "
        "file as plain text with kinds={'memo.txt': 'text'}"
    )


def test_no_speakers_error_listed_mode_names_the_labels(tmp_path):
    path = write(tmp_path, "fg.txt", "Lkr 1: ja\n")
    people = write(tmp_path, "p.csv", "speaker\nLeerkracht 1\nLeerkracht 2\n")
    with pytest.raises(NoSpeakersError) as info:
        load_corpus(path, participants=people)
    assert str(info.value) == (
        f"{path}: no speaker turns found: no line starts with a speaker of the participants file (Leerkracht 1, "
        "Leerkracht 2), then ':'; add this document's labels to the participants file (with a 'document' column "
        "if they are only used here), pass speaker_pattern=r'...', or load it as plain text with "
        "kinds={'fg.txt': 'text'}"
    )


def test_no_speakers_error_pattern_mode(tmp_path):
    path = write(tmp_path, "fg.txt", "X: ja\n")
    with pytest.raises(NoSpeakersError, match=r"no line starts with a label that speaker_pattern='Lkr \\\\d' "
                                              r"matches, then ':'"):
        load_corpus(path, speaker_pattern=r"Lkr \d")


def test_invalid_speaker_pattern(tmp_path):
    with pytest.raises(InputError, match=r"speaker_pattern='\(X' is not a valid regular expression"):
        load_corpus(write(tmp_path, "fg.txt", "X: ja\n"), speaker_pattern="(X")


def test_plain_text_kind_override(tmp_path):
    path = write(tmp_path, "memo.txt", "Een gewone tekst.\n")
    doc = load_corpus(path, kinds={"memo.*": "text"})["memo"]
    assert (doc.kind, doc.text, doc.segments) == ("text", "Een gewone tekst.\n", ())


def test_unknown_kind_and_wrong_kind_for_extension(tmp_path):
    path = write(tmp_path, "fg.txt", "X: ja\n")
    with pytest.raises(InputError, match=r"kinds=\{'\*.txt': 'interview'\}: unknown kind; use one of transcript, "):
        load_corpus(path, kinds={"*.txt": "interview"})
    with pytest.raises(InputError, match=r"fg.txt: a .txt file cannot be loaded as 'answers'; use one of "
                                         r"transcript, observation, text or 'skip'"):
        load_corpus(path, kinds={"*.txt": "answers"})


def test_unsupported_extension_lists_the_supported_ones(tmp_path):
    write(tmp_path, "fg.txt", "X: ja\n")
    pdf = write(tmp_path, "verslag.pdf", "%PDF-1.4")
    with pytest.raises(UnsupportedFormatError) as info:
        load_corpus(tmp_path)
    assert str(info.value) == (
        f"{pdf}: qualkit does not read .pdf files; supported are .txt, .md, .docx, .vtt, .srt, .csv, .xlsx; "
        "convert the file, or leave it out with kinds={'verslag.pdf': 'skip'}"
    )
    assert list(load_corpus(tmp_path, kinds={"*.pdf": "skip"}).documents) == ["fg"]


def test_empty_folder(tmp_path):
    (tmp_path / ".verborgen.txt").write_text("X: ja")
    with pytest.raises(Exception) as info:
        load_corpus(tmp_path, recursive=False)
    assert type(info.value).__name__ == "EmptySourceError"
    assert str(info.value) == (
        f"{tmp_path}: the folder holds no files to load (qualkit reads .txt, .md, .docx, .vtt, .srt, .csv, .xlsx); "
        "check the path, or pass recursive=True to include sub-folders"
    )


def test_recursive_and_duplicate_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "fg.txt", "X: één\n")
    write(tmp_path / "b", "fg.txt", "X: twee\n")
    assert len(load_corpus(tmp_path / "a", recursive=False)) == 1
    with pytest.raises(DuplicateDocumentError, match="document id 'fg' is already used by"):
        load_corpus(tmp_path)
    corpus = load_corpus(tmp_path, ids=lambda p: f"{p.parent.name}_{p.stem}")
    assert list(corpus.documents) == ["a_fg", "b_fg"]
    corpus = load_corpus(tmp_path, ids={"b/fg.txt": "fg_b"})
    assert list(corpus.documents) == ["fg", "fg_b"]


def test_documents_file_sets_attributes_and_warns_about_unused_rows(tmp_path):
    write(tmp_path, "fg_1.txt", "X: ja\n")
    docs = write(tmp_path, "documents.csv", "document;groep;datum\nfg_1;iCLB;2017-03-14\nfg_9;PBSOG;2017-03-21\n")
    with pytest.warns(Warning, match=r"documents.csv: 1 document\(s\) listed here were not loaded: fg_9"):
        corpus = load_corpus(tmp_path, documents=docs)
    assert corpus["fg_1"].attributes == {"groep": "iCLB", "datum": "2017-03-14"}
    assert corpus.segments("turn")[["groep", "datum"]].values.tolist() == [["iCLB", "2017-03-14"]]


def test_participants_file_in_folder_needs_speaker_column(tmp_path):
    write(tmp_path, "fg.txt", "X: ja\n")
    people = write(tmp_path, "p.csv", "spreker,rol\nX,leerkracht\n")
    with pytest.raises(Exception) as info:
        load_corpus(tmp_path, participants=people)
    assert type(info.value).__name__ == "ParticipantsError"
    assert str(info.value) == (
        f"{people}, line 1: a participants file needs a column 'speaker' (the label as written in the "
        "transcripts); found columns: spreker, rol; rename the column of speaker labels to 'speaker'"
    )


def test_one_unknown_speaker_warning_per_corpus(tmp_path):
    write(tmp_path, "a.txt", "X: ja\nY: nee\nZ: misschien\n")
    write(tmp_path, "b.txt", "Z: ja\nW: nee\n")
    people = write(tmp_path, "people.csv", "speaker\nX\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_corpus(tmp_path, participants=people, speaker_pattern="[A-Z]")
    unknown = [w for w in caught if issubclass(w.category, UnknownSpeakerWarning)]
    assert len(unknown) == 1
    assert str(unknown[0].message) == (
        f"{people}: 3 speaker(s) not in the participants file: 'W' (b); 'Y' (a); 'Z' (a, b); their segments have "
        "no person, role or group; add them to the participants file (with a 'document' column when a label is "
        "only used in one document)"
    )


def test_field_notes_are_detected_and_can_be_overridden(tmp_path):
    text = (
        "Veldnotities overleg 3\n"
        "Datum: 9 februari\n"
        "\n"
        "10:00 Lokaal naast het secretariaat.\n"
        "10:05 [directie] Opent het overleg\n"
        "  en geeft het woord.\n"
        "[telefoon rinkelt]\n"
        "10:07 [zoco] Vat samen: drie punten.\n"
    )
    path = write(tmp_path, "veldnotities.txt", text)
    doc = load_corpus(path)["veldnotities"]
    assert doc.kind == "observation"
    assert [(s.speaker, s.time_start, s.text) for s in doc.units("entry")] == [
        (None, 36000.0, "Lokaal naast het secretariaat."),
        ("directie", 36300.0, "Opent het overleg\n  en geeft het woord."),
        ("zoco", 36420.0, "Vat samen: drie punten."),
    ]
    assert [s.text for s in doc.units("note")] == ["[telefoon rinkelt]"]
    assert doc.units("header")[0].text == "Veldnotities overleg 3\nDatum: 9 februari"
    with pytest.raises(NoSpeakersError):  # as a transcript it has no "Label:" lines (the header key is skipped)
        load_corpus(path, kinds={"veldnotities.txt": "transcript"})
    assert load_corpus(path, kinds={"*.txt": "text"})["veldnotities"].kind == "text"


def test_transcript_with_a_clock_time_in_speech_stays_a_transcript(tmp_path):
    doc = load_corpus(write(tmp_path, "fg.txt", "X: we begonnen\n10:05 was het al\nY: ja\n"))["fg"]
    assert doc.kind == "transcript"


# --- the invariant, on generated transcripts ------------------------------------------------------

LABELS = st.sampled_from(["X", "Y", "Leerkracht 5", "P3 (directeur)", "Zoco 1", "CLB-medewerker", "Moderator"])
WORDS = st.lists(st.sampled_from(["ja", "nee", "dat", "klopt", "één", "zorgcoördinator", "(lacht)", "school,",
                                  "Bijvoorbeeld:", "10:05", "[naam]", "‘echt’", "?"]), min_size=0, max_size=8)
STAMPS = st.sampled_from(["", "[00:12:31] ", "(00:01:02) ", "00:00:05 ", "[12:31] "])


@st.composite
def transcripts(draw):
    lines = []
    if draw(st.booleans()):
        lines.append("Focusgroep " + " ".join(draw(WORDS)))
    for _ in range(draw(st.integers(1, 6))):
        lines.append(f"{draw(STAMPS)}{draw(LABELS)}: {' '.join(draw(WORDS))}")
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["wrap", "note", "blank", "spaces"]))
            lines.append({"wrap": " ".join(draw(WORDS)), "note": "[instemming door anderen]", "blank": "",
                          "spaces": "   \t"}[kind])
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=80, deadline=None)
@given(transcripts())
def test_offsets_hold_and_no_text_is_dropped(text):
    parsed = parse_lines("d", text, SpeakerRule.open().match)
    covered = [False] * len(text)
    for seg in parsed.segments:
        assert seg.text == text[seg.start : seg.end]
        first = seg.label_start if seg.label_start is not None else seg.start
        for i in range(first, seg.end):
            covered[i] = True
    lost = [ch for ch, c in zip(text, covered) if not c and not ch.isspace()]
    assert lost == []
    for unit in ("turn", "note", "header"):
        spans = sorted((s.start, s.end) for s in parsed.segments if s.unit == unit)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # no overlap within a unit
    for seg in parsed.segments:
        if seg.unit == "turn":
            assert re.fullmatch(r"(?:\S(?:.|\n)*\S|\S)?", seg.text)  # trimmed


@settings(max_examples=50, deadline=None)
@given(transcripts(), st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252",
                                                                                 "utf-16"]))
def test_loaded_documents_keep_offsets_in_every_encoding(tmp_path_factory, text, newline, encoding):
    path = tmp_path_factory.mktemp("h") / "fg.txt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    doc = load_corpus(path)["fg"]
    assert doc.text == text
    assert all(s.text == doc.text[s.start : s.end] for s in doc.segments)


def test_service_layout_speech_lines_with_colons_stay_speech(tmp_path):
    text = "Speaker 1  0:03\nWe gaan naar de kaart.\nOrganisatorische condities: tijd en ruimte.\n\nSpeaker 2  0:31\nJa.\n"
    doc = load_corpus(write(tmp_path, "c.txt", text))["c"]
    assert [(s.speaker, s.text) for s in doc.units("turn")] == [
        ("Speaker 1", "We gaan naar de kaart.\nOrganisatorische condities: tijd en ruimte."), ("Speaker 2", "Ja.")]


def test_empty_list_of_paths_gives_an_empty_corpus():
    corpus = load_corpus([])
    assert len(corpus) == 0 and corpus.segments("turn").empty


# ------------------------------------------------------------------ parse_transcript: the same rules on a string


@settings(max_examples=50, deadline=None)
@given(transcripts(), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_transcript_gives_what_the_txt_loader_gives(tmp_path_factory, text, newline):
    from qualkit.load import parse_transcript

    path = tmp_path_factory.mktemp("p") / "fg.txt"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    loaded = load_corpus(path)["fg"]
    parsed = parse_transcript(text.replace("\n", newline), "fg")
    assert (parsed.text, parsed.kind, parsed.segments) == (loaded.text, loaded.kind, loaded.segments)
    assert parsed.newline == loaded.newline and (parsed.source, parsed.encoding) == (None, None)


def test_parse_transcript_kinds_participants_and_pattern(tmp_path):
    from qualkit.load import parse_transcript
    from qualkit.model import Participant

    text = "Leerkracht 1: Wij plannen samen.\nBijvoorbeeld: de toetsen.\nDirectie: Goed zo."
    assert [s.speaker for s in parse_transcript(text, "a").units("turn")] == ["Leerkracht 1", "Bijvoorbeeld", "Directie"]
    people = [Participant("Leerkracht 1"), Participant("Directie", document="a")]
    assert [s.speaker for s in parse_transcript(text, "a", participants=people).units("turn")] == ["Leerkracht 1",
                                                                                                    "Directie"]
    csv = tmp_path / "p.csv"
    csv.write_text("speaker\nLeerkracht 1\nDirectie\n", encoding="utf-8")
    assert [s.text for s in parse_transcript(text, "a", participants=csv).units("turn")] == [
        "Wij plannen samen.\nBijvoorbeeld: de toetsen.", "Goed zo."]
    assert [s.speaker for s in parse_transcript(text, "a", speaker_pattern=r"Leerkracht \d").units("turn")] == [
        "Leerkracht 1"]
    notes = parse_transcript("Klas 4\n10:05 [juf] Start.\n10:20 Groepswerk.", "v")
    assert (notes.kind, [(s.unit, s.speaker, s.time_start) for s in notes.units("entry")]) == (
        "observation", [("entry", "juf", 36300.0), ("entry", None, 37200.0)])
    plain = parse_transcript(text, "a", kind="text")
    assert (plain.kind, plain.segments, plain.text) == ("text", (), text)
    assert parse_transcript("", "leeg", kind="text").text == ""


def test_parse_transcript_refusals():
    from qualkit.errors import LoadError
    from qualkit.load import parse_transcript

    with pytest.raises(InputError) as err:
        parse_transcript("X: ja", "a", kind="answers")
    assert str(err.value) == "text 'a': kind='answers' is not one of transcript, observation, text (or None: decide)"
    for text in ("", "Geen sprekers hier.\nOok niet."):
        with pytest.raises(NoSpeakersError) as err:
            parse_transcript(text, "b")
        assert str(err.value) == (
            "text 'b': no speaker turns found: no line starts with a speaker label such as 'Leerkracht 5: ...' or "
            "'[00:12:31] X: ...'; pass speaker_pattern=r'...' (a regular expression for your labels), or parse it as "
            "plain text with kind='text'")
    with pytest.raises(NoSpeakersError) as err:
        parse_transcript("X: ja", "c", participants=[])
    assert str(err.value) == (
        "text 'c': no speaker turns found: no line starts with a speaker of the participants file (none), then ':'; "
        "add this document's labels to the participants file (with a 'document' column if they are only used here), "
        "pass speaker_pattern=r'...', or parse it as plain text with kind='text'")
    with pytest.raises(LoadError) as err:
        parse_transcript("X: ja", "d", kind="observation")
    assert str(err.value) == ("text 'd': field notes need entries that start with a clock time ('10:05 [directie] "
                              "...'), found none; add the times, or parse it with kind='text'")
    with pytest.raises(InputError) as err:
        parse_transcript("X: ja", "e", participants=["X"])
    assert str(err.value) == "participants=: expected Participant objects or a file, got str"


def test_parse_transcript_warns_about_speakers_the_participants_lack():
    from qualkit.load import parse_transcript
    from qualkit.model import Participant

    with pytest.warns(UnknownSpeakerWarning) as caught:
        doc = parse_transcript("X: Ja.\nInterviewer: Waarom?\nX: Daarom.", "f", participants=[Participant("X")])
    assert [s.text for s in doc.units("turn")] == ["Ja.\nInterviewer: Waarom?", "Daarom."]
    assert str(caught[0].message).startswith(
        "participants=: 1 line(s) look like speaker turns but their label is not in the participants file")
    assert "'Interviewer' (f, line 2)" in str(caught[0].message)
