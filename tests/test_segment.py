"""Derived units (sentence, paragraph, window) and the segments frame."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.columns import SEGMENT_COLUMNS
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Rules, Segment
from qualkit.segment import document_units, segments, sentence_pipeline

TEXT = (
    "Focusgroep 3. Datum onbekend.\n"
    "[00:00:05] X: Wij overleggen elke week. Dat helpt echt!\n"
    "Maar niet altijd\n"
    "\n"
    "Soms is er geen tijd? Dan schuift het op.\n"
    "[lacht]\n"
    "[00:01:00] Y: Ja."
)


def transcript() -> Document:
    from qualkit.load.cues import SpeakerRule
    from qualkit.load.lines import parse_lines

    return Document.from_text("fg", TEXT, kind="transcript",
                              segments=parse_lines("fg", TEXT, SpeakerRule.open().match).segments)


def test_sentences_stay_inside_turns_and_keep_speaker_and_time():
    doc = transcript()
    got = [(s.text, s.speaker, s.time_start) for s in document_units(doc, "sentence")]
    assert got == [
        ("Wij overleggen elke week.", "X", 5.0),
        ("Dat helpt echt!", "X", 5.0),
        ("Maar niet altijd", "X", 5.0),  # a sentence never crosses a blank line
        ("Soms is er geen tijd?", "X", 5.0),
        ("Dan schuift het op.", "X", 5.0),
        ("Ja.", "Y", 60.0),
    ]
    assert all(s.text == doc.text[s.start : s.end] for s in document_units(doc, "sentence"))


def test_paragraphs_split_turns_on_blank_lines():
    doc = transcript()
    assert [(s.text, s.speaker) for s in document_units(doc, "paragraph")] == [
        ("Wij overleggen elke week. Dat helpt echt!\nMaar niet altijd", "X"),
        ("Soms is er geen tijd? Dan schuift het op.", "X"),
        ("Ja.", "Y"),
    ]


def test_windows_do_not_cross_turns():
    doc = transcript()
    assert [s.text for s in document_units(doc, "window", size=2)] == [
        "Wij overleggen elke week. Dat helpt echt!",
        "Maar niet altijd\n\nSoms is er geen tijd?",
        "Dan schuift het op.",
        "Ja.",
    ]
    assert len(document_units(doc, "window")) == 3  # default size 3: 3 + 2 sentences in X's turn, 1 in Y's


def test_plain_text_document_is_its_own_parent():
    doc = Document.from_text("memo", "Eerste zin. Tweede zin.\n\n  Derde.\n", kind="text")
    assert [(s.start, s.end, s.text) for s in document_units(doc, "paragraph")] == [
        (0, 23, "Eerste zin. Tweede zin."), (27, 33, "Derde.")]
    assert [s.text for s in document_units(doc, "sentence")] == ["Eerste zin.", "Tweede zin.", "Derde."]


def test_form_notes_are_parents():
    text = "Item a: Goed gedaan. Echt.\nItem b: Nee."
    doc = Document.from_text("s1", text, kind="observation", segments=(
        Segment("s1", 8, 26, "note", text[8:26], label_start=0), Segment("s1", 35, 39, "note", "Nee.", label_start=27)))
    assert [s.text for s in document_units(doc, "sentence")] == ["Goed gedaan.", "Echt.", "Nee."]


def test_options_are_checked():
    doc = transcript()
    with pytest.raises(ValueError, match=r"size= must be a whole number of sentences of at least 1, got 0"):
        document_units(doc, "window", size=0)
    with pytest.raises(ValueError, match=r"unit 'sentence' takes no option size; only unit='window' takes size="):
        document_units(doc, "sentence", size=2)
    with pytest.raises(ValueError, match=r"unit must be one of header, turn, .*; got 'zin'"):
        segments(Corpus([doc]), "zin")



def test_unknown_unit_is_a_qualkit_error_naming_the_unit_meant():
    # a researcher types the plural, as in "code by turns"; qk.code goes through segments()
    from qualkit.errors import InputError
    doc = transcript()
    with pytest.raises(InputError) as caught:
        segments(Corpus([doc]), "turns")
    assert str(caught.value) == ("unit must be one of header, turn, note, answer, entry, sentence, "
                                 "paragraph, window; got 'turns' (did you mean 'turn'?)")
    with pytest.raises(InputError, match=r"got 'sentense' \(did you mean 'sentence'\?\)$"):
        document_units(doc, "sentense")
    # nothing close: no guess
    with pytest.raises(InputError, match=r"; got 'zin'$"):
        segments(Corpus([doc]), "zin")


def test_participant_columns_without_participants_are_str_with_nan(tmp_path):
    # no participants file: person, role and group are all missing; they must look like a partly
    # filled column (str dtype, NaN), or an exported and re-read frame no longer compares equal
    import qualkit as qk
    frame = segments(Corpus([transcript()]), "turn")
    for column in ("person", "role", "group"):
        assert str(frame[column].dtype) == "str" and frame[column].isna().all(), column
    book = Codebook("t", "T", (Code("ja", "Ja", "t", rules=Rules(keywords=("ja",))),))
    coded = qk.code(Corpus([transcript()]), book)
    assert not coded.empty
    back = qk.read_excerpts(qk.export_excerpts(coded, tmp_path / "fragmenten.csv", excel=True))
    pd.testing.assert_frame_equal(back, coded)

def test_segments_frame_for_derived_units_has_participant_columns():
    corpus = Corpus([transcript().with_attributes(school="A", role="x")],
                    [Participant("X", role="leerkracht", person="p1"), Participant("Y", role="directie")])
    frame = corpus.segments("window", size=5)
    assert list(frame.columns) == SEGMENT_COLUMNS + ["school", "doc_role"]
    assert frame[["segment_id", "speaker", "person", "role", "school"]].fillna("-").values.tolist() == [
        ["fg:window:1", "X", "p1", "leerkracht", "A"], ["fg:window:2", "Y", "-", "directie", "A"]]


def attribute_corpus() -> Corpus:
    """Two documents; X has attributes everywhere, Y only in fg, Leerkracht 2 in "les" is unmapped."""
    les_text = "Leerkracht 2: Ik geef les.\nX: Dat zie ik."
    from qualkit.load.cues import SpeakerRule
    from qualkit.load.lines import parse_lines

    les = Document.from_text("les", les_text, kind="transcript", attributes={"school": "De Linde"},
                             segments=parse_lines("les", les_text, SpeakerRule.open().match).segments)
    people = [
        # "school" is a document attribute and "role" a fixed column: both get the speaker_ prefix
        Participant("X", person="p1", role="leerkracht",
                    attributes={"ervaring": "0-5 jaar", "school": "De Berk", "role": "juf"}),
        Participant("Y", document="fg", role="directie", attributes={"functie": "directeur", "ervaring": "> 20 jaar"}),
    ]
    return Corpus([transcript().with_attributes(sessie=3), les], people)


def test_participant_attributes_follow_the_document_attributes():
    frame = attribute_corpus().segments("turn")
    assert list(frame.columns) == SEGMENT_COLUMNS + [
        "sessie", "school", "ervaring", "speaker_school", "speaker_role", "functie"]
    got = frame[["doc_id", "speaker", "role", "sessie", "school", "ervaring", "speaker_school", "speaker_role",
                 "functie"]].astype(object).fillna("-").values.tolist()
    assert got == [
        ["fg", "X", "leerkracht", 3, "-", "0-5 jaar", "De Berk", "juf", "-"],
        ["fg", "Y", "directie", 3, "-", "> 20 jaar", "-", "-", "directeur"],
        ["les", "Leerkracht 2", "-", "-", "De Linde", "-", "-", "-", "-"],  # no participant: all NaN
        ["les", "X", "leerkracht", "-", "De Linde", "0-5 jaar", "De Berk", "juf", "-"],
    ]


def test_participant_attributes_reach_derived_units_and_not_the_header():
    frame = attribute_corpus().segments("sentence")
    by_speaker = frame.groupby("speaker", dropna=False)["ervaring"].agg(lambda v: sorted(v.fillna("-").unique()))
    assert by_speaker.to_dict() == {"Leerkracht 2": ["-"], "X": ["0-5 jaar"], "Y": ["> 20 jaar"]}
    header = attribute_corpus().segments("header")
    assert header["text"].tolist() == ["Focusgroep 3. Datum onbekend."]
    assert list(header.columns) == SEGMENT_COLUMNS + ["sessie", "school"]  # no speaker: no participant columns


def test_participant_column_prefix_repeats_until_the_name_is_free():
    doc = Document.from_text("d", "X: Ja.", kind="transcript", attributes={"school": "A", "speaker_school": "B"},
                             segments=(Segment("d", 3, 6, "turn", "Ja.", speaker="X", label_start=0),))
    frame = Corpus([doc], [Participant("X", attributes={"school": "C", "text": "T"})]).segments("turn")
    assert frame.iloc[0, len(SEGMENT_COLUMNS):].to_dict() == {
        "school": "A", "speaker_school": "B", "speaker_speaker_school": "C", "speaker_text": "T"}
    assert frame.loc[0, "text"] == "Ja."


def test_coding_keeps_participant_attributes_for_frequencies():
    import qualkit as qk
    from qualkit.model import Code, Codebook, Rules

    book = Codebook("t", "T", (Code("tijd", "Tijd", "t", rules=Rules(keywords=("tijd", "zie"))),))
    coded = qk.code(attribute_corpus(), book, unit="turn")
    assert coded[["speaker", "ervaring"]].fillna("-").values.tolist() == [["X", "0-5 jaar"], ["X", "0-5 jaar"]]
    counts = qk.frequencies(coded, by="ervaring")
    assert counts.loc[counts["ervaring"] == "0-5 jaar", "count"].tolist() == [2]


def test_empty_corpus_gives_empty_frame_with_columns():
    frame = segments(Corpus([]), "sentence")
    assert frame.empty and list(frame.columns) == SEGMENT_COLUMNS


def test_pipeline_is_built_once():
    assert sentence_pipeline() is sentence_pipeline()


WORDS = st.sampled_from(["ja", "nee.", "dat", "klopt!", "één", "waarom?", "(lacht)", "dr.", "...", "‘echt’"])
LINES = st.lists(WORDS, min_size=0, max_size=7).map(" ".join)


@st.composite
def texts(draw):
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        lines.append(draw(st.sampled_from(["X", "Y", "Leerkracht 2"])) + ": " + draw(LINES))
        lines.extend(draw(st.lists(st.one_of(LINES, st.just(""), st.just("[stilte]")), max_size=4)))
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(texts(), st.integers(1, 4))
def test_derived_units_keep_offsets_and_never_overlap(text, size):
    from qualkit.load.cues import SpeakerRule
    from qualkit.load.lines import parse_lines

    doc = Document.from_text("d", text, kind="transcript",
                             segments=parse_lines("d", text, SpeakerRule.open().match).segments)
    turns = doc.units("turn")
    for unit, options in (("sentence", {}), ("paragraph", {}), ("window", {"size": size})):
        found = document_units(doc, unit, **options)
        for seg in found:
            assert seg.text == doc.text[seg.start : seg.end] and seg.text == seg.text.strip() and seg.text
            parent = next(t for t in turns if t.start <= seg.start and seg.end <= t.end)
            assert seg.speaker == parent.speaker
        assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    # sentences cover every non-space character of every turn
    covered = {i for s in document_units(doc, "sentence") for i in range(s.start, s.end)}
    for t in turns:
        assert all(i in covered for i in range(t.start, t.end) if not doc.text[i].isspace())


def rowwise_segments(corpus: Corpus, unit: str, **options) -> pd.DataFrame:
    """The segments frame built the plain way, one dict per row: the reference for the column-wise builder."""
    from qualkit.columns import CODED_COLUMNS
    from qualkit.segment import attr_column, participant_column

    rows = []
    attr_names = list(dict.fromkeys(name for doc in corpus for name in doc.attributes))
    speaker_columns: dict[str, str] = {}
    taken = {*SEGMENT_COLUMNS, *CODED_COLUMNS, *(attr_column(a) for a in attr_names)}
    for doc in corpus:
        for n, seg in enumerate(document_units(doc, unit, **options)):
            p = corpus.participant(doc.id, seg.speaker)
            row = {"doc_id": doc.id, "segment_id": f"{doc.id}:{unit}:{n + 1}", "unit": unit, "position": n,
                   "start": seg.start, "end": seg.end, "speaker": seg.speaker,
                   "person": p.person if p else None, "role": p.role if p else None, "group": p.group if p else None,
                   "time_start": seg.time_start, "time_end": seg.time_end, "text": seg.text}
            for name, value in doc.attributes.items():
                row[attr_column(name)] = value
            for name, value in (p.attributes if p else {}).items():
                if name not in speaker_columns:
                    speaker_columns[name] = participant_column(name, taken)
                    taken.add(speaker_columns[name])
                row[speaker_columns[name]] = value
            rows.append(row)
    columns = SEGMENT_COLUMNS + [attr_column(a) for a in attr_names] + list(speaker_columns.values())
    frame = pd.DataFrame(rows, columns=columns)
    frame["time_start"] = frame["time_start"].astype(float)
    frame["time_end"] = frame["time_end"].astype(float)
    for column in ("speaker", "person", "role", "group"):
        if frame[column].isna().all():
            frame[column] = frame[column].astype("str")
    return frame


def turns_document(doc_id: str, turns, attributes=None, header: str | None = None) -> Document:
    """A transcript of (speaker, text, time_start, time_end) turns, with an optional header line."""
    text, segs = "", []
    if header is not None:
        segs.append(Segment(doc_id, 0, len(header), "header", header))
        text = header + "\n"
    for speaker, said, start, end in turns:
        label = f"{speaker}: "
        segs.append(Segment(doc_id, len(text) + len(label), len(text) + len(label) + len(said), "turn", said,
                            speaker=speaker, time_start=start, time_end=end, label_start=len(text)))
        text += label + said + "\n"
    return Document.from_text(doc_id, text, kind="transcript", attributes=attributes or {}, segments=tuple(segs))


def mixed_corpus(participants: bool = True) -> Corpus:
    import datetime

    les = turns_document("les", [("X", "Wij overleggen elke week. Dat helpt!", 4, 9.5),
                                 ("Leerkracht 2", "Niet altijd.\n\nSoms is er geen tijd.", None, None),
                                 ("Y", "Ja.", 12.0, None)],
                         attributes={"school": "De Linde", "sessie": 3}, header="Focusgroep 1")
    # a document attribute "role" becomes doc_role; a date stays a date
    team = turns_document("team", [("Y", "Wie volgt dat op?", None, None), ("X", "De zorgcoördinator.", None, None)],
                          attributes={"datum": datetime.date(2024, 3, 1), "role": "x", "sessie": "4b"})
    leeg = Document.from_text("leeg", "", kind="text", attributes={"school": None})
    people = [
        Participant("X", person="p1", role="leerkracht", attributes={"ervaring": "0-5 jaar", "school": "De Berk", "uren": 20}),
        Participant("X", document="team", person="p9", role="directie", attributes={"functie": "directeur"}),
        Participant("X", document="team", role="ignored: the first one of the document wins"),
        Participant("Y", role="ignored: the last general one wins", attributes={"role": "ignored"}),
        Participant("Y", group="iCLB", attributes={"uren": None, "role": "juf"}),
    ]
    return Corpus([les, team, leeg], people if participants else [])


@pytest.mark.parametrize("participants", [True, False])
@pytest.mark.parametrize("unit, options", [(u, {}) for u in ("header", "turn", "note", "answer", "entry", "sentence",
                                                                 "paragraph", "window")] + [("window", {"size": 1})])
def test_segments_frame_equals_the_row_by_row_frame(unit, options, participants):
    corpus = mixed_corpus(participants)
    got = segments(corpus, unit, **options)
    want = rowwise_segments(corpus, unit, **options)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # None stays None and a missing cell is NaN in object columns, as in the reference
    assert [[type(v) for v in got[c]] for c in got.columns] == [[type(v) for v in want[c]] for c in want.columns]


def test_segments_frame_of_the_mixed_corpus_by_hand():
    frame = segments(mixed_corpus(), "turn")
    assert list(frame.columns) == SEGMENT_COLUMNS + [
        "school", "sessie", "datum", "doc_role", "ervaring", "speaker_school", "uren", "speaker_role", "functie"]
    assert frame[["segment_id", "person", "role", "group", "uren", "speaker_role", "functie"]].astype(object).fillna(
        "-").values.tolist() == [
        ["les:turn:1", "p1", "leerkracht", "-", 20, "-", "-"],
        ["les:turn:2", "-", "-", "-", "-", "-", "-"],  # Leerkracht 2: no participant
        ["les:turn:3", "-", "-", "iCLB", "-", "juf", "-"],  # Y: the last general mapping, uren None
        ["team:turn:1", "-", "-", "iCLB", "-", "juf", "-"],
        ["team:turn:2", "p9", "directie", "-", "-", "-", "directeur"],  # X: the mapping of this document
    ]
    assert frame["doc_role"].fillna("-").tolist() == ["-", "-", "-", "x", "x"]
    assert frame["time_start"].fillna(-1).tolist() == [4.0, -1, 12.0, -1, -1]
    assert frame["sessie"].tolist() == [3, 3, 3, "4b", "4b"]
    assert {c: str(frame[c].dtype) for c in ("position", "start", "time_start", "speaker", "person", "ervaring", "uren")} == {
        "position": "int64", "start": "int64", "time_start": "float64", "speaker": "str", "person": "str",
        "ervaring": "str", "uren": "float64"}  # 20 and None: float with NaN


PEOPLE = st.lists(st.builds(Participant, speaker=st.sampled_from(["X", "Y", "Z"]),
                            document=st.sampled_from([None, "les", "team"]),
                            role=st.sampled_from([None, "leerkracht", "directie"]),
                            attributes=st.dictionaries(st.sampled_from(["ervaring", "school", "text", "role"]),
                                                       st.sampled_from(["a", "b", None, 1]), max_size=2)),
                  max_size=6)


@settings(max_examples=60, deadline=None)
@given(PEOPLE, st.sampled_from(["turn", "sentence", "header"]))
def test_segments_frame_equals_the_row_by_row_frame_for_any_participants(people, unit):
    corpus = Corpus(list(mixed_corpus()), people)
    pd.testing.assert_frame_equal(segments(corpus, unit), rowwise_segments(corpus, unit), check_exact=True)
