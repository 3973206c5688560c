from __future__ import annotations

import pandas as pd
import pytest

from qualkit.errors import DuplicateDocumentError
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Segment


def test_document_checks_every_segment_against_its_text():
    with pytest.raises(ValueError, match=r"segment \[0, 2\) \(turn\) does not match"):
        Document.from_text("d", "Ja hoor", segments=(Segment("d", 0, 2, "turn", "Ne"),))


def test_document_hash_changes_with_text():
    assert Document.from_text("d", "a").sha256 != Document.from_text("d", "b").sha256


def test_segment_text_length_must_equal_span():
    with pytest.raises(ValueError, match="text has 3 characters, the span 2"):
        Segment("d", 0, 2, "turn", "abc")


def test_corpus_refuses_duplicate_ids_and_names_both_files():
    a = Document.from_text("fg", "x", source="a/fg.txt")
    b = Document.from_text("fg", "y", source="b/fg.docx")
    with pytest.raises(DuplicateDocumentError, match=r"b/fg.docx: document id 'fg' is already used by a/fg.txt"):
        Corpus([a, b])


def test_participant_per_document_wins_over_general():
    c = Corpus(
        [Document.from_text("d1", "x"), Document.from_text("d2", "x")],
        [Participant("X", role="leerkracht"), Participant("X", document="d2", role="directie")],
    )
    assert c.participant("d1", "X").role == "leerkracht"
    assert c.participant("d2", "X").role == "directie"
    assert c.participant("d1", "Y") is None


def test_codebook_paths_and_depth():
    book = Codebook(
        "n",
        "N",
        (
            Code("f1", "Fase 1", "n", codable=False),
            Code("bet", "Betekenis", "n", parent="f1"),
            Code("sub", "Sub", "n", parent="bet"),
        ),
    )
    assert book.path("n:sub") == "Fase 1 > Betekenis > Sub"
    assert book.depth("sub") == 3
    assert [c.id for c in book.children(None)] == ["f1"]
    assert "n:bet" in book and "zzz" not in book


def test_segments_frame_maps_speakers_to_roles():
    doc = Document.from_text(
        "d",
        "X: Ja.\nY: Nee.",
        kind="transcript",
        attributes={"school": "BS De Linde", "role": "botsing"},
        segments=(
            Segment("d", 3, 6, "turn", "Ja.", speaker="X", label_start=0),
            Segment("d", 10, 14, "turn", "Nee.", speaker="Y", label_start=7),
        ),
    )
    frame = Corpus([doc], [Participant("X", role="directie", person="P1")]).segments("turn")
    assert frame["role"].iloc[0] == "directie" and pd.isna(frame["role"].iloc[1])
    assert frame["doc_role"].tolist() == ["botsing", "botsing"]
    assert frame["school"].unique().tolist() == ["BS De Linde"]
    for row in frame.itertuples():
        assert doc.text[row.start : row.end] == row.text
