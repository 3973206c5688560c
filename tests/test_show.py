"""Tests of show(): the coded document as HTML, parsed back with a real HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualkit.errors import InputError
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Segment
from qualkit.show import CodedDocument, show

BOOK = Codebook("t", "T", (Code("visie", "Visie", "t", colour="#DD8452"), Code("zorg", "Zorg", "t")))


class Pieces(HTMLParser):
    """Collects the turn texts: (text, codes, title) per piece, and the speakers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.pieces: list[tuple[str, str, str]] = []
        self.speakers: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "br":
            self._text("\n")
            return
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def _text(self, data):
        classes = [a.get("class", "") for _, a in self.stack]
        if "qk-turn" not in classes:
            return
        if "qk-speaker" in classes:
            self.speakers.append(data)
            return
        coded = [a for _, a in self.stack if a.get("class") == "qk-coded"]
        codes = coded[-1]["data-codes"] if coded else ""
        title = coded[-1]["title"] if coded else ""
        self.pieces.append((data, codes, title))

    def handle_data(self, data):
        self._text(data)


def parse(page: str) -> Pieces:
    p = Pieces()
    p.feed(page)
    return p


TURN = "We willen een duidelijke visie op zorg."


def one_turn(text: str = TURN, speaker: str = "X") -> Corpus:
    label = f"{speaker}: "
    doc = Document.from_text(
        "fg1",
        label + text,
        kind="transcript",
        segments=(Segment("fg1", len(label), len(label) + len(text), "turn", text, speaker=speaker, label_start=0),),
    )
    return Corpus([doc], [Participant(speaker, role="directie")])


def codings(corpus: Corpus, spans: list[tuple[str, str, str]], doc_id: str = "fg1") -> pd.DataFrame:
    """Codings of the first occurrence of each phrase: (phrase, code, name)."""
    text = corpus[doc_id].text
    rows = []
    for phrase, code, name in spans:
        s = text.index(phrase)
        rows.append({"doc_id": doc_id, "start": s, "end": s + len(phrase), "code": code, "code_name": name,
                     "coder": "auto:rules", "text": phrase})
    return pd.DataFrame(rows)


def test_show_splits_overlapping_codings_at_every_boundary():
    c = one_turn()
    coded = codings(c, [("een duidelijke visie", "t:visie", "Visie"), ("visie op zorg", "t:zorg", "Zorg")])
    page = show(c, coded, "fg1", codebooks=BOOK)
    assert isinstance(page, CodedDocument) and page._repr_html_() == page.html
    got = parse(page.html)
    assert got.speakers == ["X (directie):"]
    assert [(t, codes) for t, codes, _ in got.pieces] == [
        (" We willen ", ""),
        ("een duidelijke ", "t:visie"),
        ("visie", "t:visie t:zorg"),
        (" op zorg", "t:zorg"),
        (".", ""),
    ]
    assert got.pieces[2][2] == "Visie (auto:rules); Zorg (auto:rules)"
    # the codebook colour, and stripes where two codes overlap
    assert "background:#DD845259" in page.html
    assert "linear-gradient(to bottom, #DD845259 0.0%, #DD845259 50.0%" in page.html
    assert page.codes == ("t:visie", "t:zorg")


def test_show_escapes_transcript_text_and_code_names():
    evil = 'Zeg <script>alert("x")</script> en \'quotes\' & meer.'
    c = one_turn(evil, speaker='<b onclick="x">')
    coded = codings(c, [("<script>alert", "t:<i>", '"><img src=x onerror=alert(1)>')])
    page = show(c, coded, "fg1").html
    assert "<script" not in page and "<img" not in page and "<i>" not in page and 'onclick="x"' not in page
    got = parse(page)
    assert "".join(t for t, _, _ in got.pieces).strip() == evil
    assert got.pieces[1] == ("<script>alert", "t:<i>", '"><img src=x onerror=alert(1)> (auto:rules)')
    assert set(parse(page).tags) <= {"div", "h4", "p", "span", "b", "br"}


def test_show_keeps_line_breaks_and_codings_outside_turns():
    text = "A: Eerst dit.\n(gelach)\nB: Dan dat,\nen nog wat."
    segs = (Segment("d", 3, 13, "turn", "Eerst dit.", speaker="A"), Segment("d", 26, 46, "turn", "Dan dat,\nen nog wat.", speaker="B"))
    c = Corpus([Document.from_text("d", text, kind="transcript", segments=segs)])
    coded = pd.DataFrame({"doc_id": ["d"], "start": [14], "end": [22], "code": ["t:sfeer"], "code_name": ["Sfeer"],
                          "coder": ["AV"], "text": ["(gelach)"]})
    got = parse(show(c, coded, "d").html)
    assert ("(gelach)", "t:sfeer", "Sfeer (AV)") in got.pieces
    assert "".join(t for t, _, _ in got.pieces).endswith("Dan dat,\nen nog wat.")
    assert got.speakers == ["A:", "B:"]


def test_show_without_codings_and_without_segments():
    c = Corpus([Document.from_text("vrij", "Een open antwoord <ok>.")])
    empty = pd.DataFrame(columns=["doc_id", "start", "end", "code", "code_name", "coder", "text"])
    page = show(c, empty, "vrij")
    assert "qk-coded" not in page.html and "Een open antwoord &lt;ok&gt;." in page.html
    assert page.codes == ()


def test_show_errors():
    c = one_turn()
    coded = codings(c, [("visie", "t:visie", "Visie")])
    with pytest.raises(InputError, match=r"^show: no document 'fg9' in the corpus \(documents: fg1\); pass one of those ids$"):
        show(c, coded, "fg9")
    coded.loc[0, "text"] = "visje"
    with pytest.raises(InputError, match=r"^show: coding 0 of 'fg1' \(t:visie\) at \[28, 33\) does not match the document text"):
        show(c, coded, "fg1")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(TURN)), st.integers(0, len(TURN)), st.sampled_from(["t:a", "t:b", "t:c"])), max_size=8))
def test_show_every_character_carries_exactly_the_codes_that_cover_it(spans):
    c = one_turn()
    base = 3
    rows = [
        {"doc_id": "fg1", "start": base + min(a, b), "end": base + max(a, b), "code": q, "code_name": q.upper(),
         "coder": "R", "text": TURN[min(a, b) : max(a, b)]}
        for a, b, q in spans
    ]
    coded = pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "code_name", "coder", "text"])
    got = parse(show(c, coded, "fg1").html)
    text = "".join(t for t, _, _ in got.pieces)
    assert text == " " + TURN
    pos = -1  # the leading space after the speaker label
    for piece, codes, _ in got.pieces:
        for _ in piece:
            if pos >= 0:
                want = {r["code"] for r in rows if r["start"] <= base + pos < r["end"]}
                assert set(codes.split()) == want
            pos += 1
