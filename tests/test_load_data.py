"""The bundled sample data loads with its participants and documents files.

Expected counts are computed here from the raw files with plain string logic
(independent of the loader's regular expressions), so the test fails when the
loader and the files disagree.
"""

from __future__ import annotations

import csv
import re
import warnings

import docx
import pytest

from qualkit.load import load_corpus


def read_rows(path):
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=delimiter))


def labels_of(people, doc_id):
    return {r["speaker"] for r in people if r.get("document") in ("", None, doc_id)}


def starts_with_label(line, labels):
    line = re.sub(r"^\[\d{1,2}:\d{2}(:\d{2})?\]\s*", "", line)
    return any(line.startswith(label + ":") for label in labels)


def plain_turns(text, labels):
    return sum(1 for line in text.splitlines() if starts_with_label(line, labels))


def speaker_changes(speakers):
    return sum(1 for i, s in enumerate(speakers) if s is not None and (i == 0 or speakers[i - 1] != s))


def load(folder, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(folder, participants=folder / "participants.csv", documents=folder / "documents.csv", **kw)
    return corpus, [str(w.message) for w in caught]


def check_common(corpus, folder, caught):
    assert caught == []  # no unknown speakers, no unused documents rows
    assert set(corpus.documents) == {r["document"] for r in read_rows(folder / "documents.csv")}
    for doc in corpus:
        assert all(s.text == doc.text[s.start : s.end] for s in doc.segments)
    turns = corpus.segments("turn")
    assert turns["role"].notna().all() and turns["person"].notna().all()


def test_afstemming(data_dir):
    folder = data_dir / "afstemming"
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing")
    corpus, caught = load(folder)
    check_common(corpus, folder, caught)
    people = read_rows(folder / "participants.csv")
    for name in ("focusgroep_iclb_1", "focusgroep_zoco_1"):
        raw = (folder / f"{name}.txt").read_bytes().decode("cp1252" if "zoco" in name else "utf-8")
        assert len(corpus[name].units("turn")) == plain_turns(raw, labels_of(people, name))
    assert corpus["focusgroep_zoco_1"].encoding == "cp1252" and corpus["focusgroep_zoco_1"].newline == "\r\n"
    vtt = (folder / "focusgroep_iclb_2.vtt").read_text(encoding="utf-8")
    assert len(corpus["focusgroep_iclb_2"].units("turn")) == speaker_changes(re.findall(r"<v ([^>]+)>", vtt))
    pbsog = docx.Document(str(folder / "focusgroep_pbsog.docx"))
    expected = sum(1 for p in pbsog.paragraphs if starts_with_label(p.text, labels_of(people, "focusgroep_pbsog")))
    assert len(corpus["focusgroep_pbsog"].units("turn")) == expected
    table = docx.Document(str(folder / "focusgroep_directie_1.docx")).tables[0]
    assert len(corpus["focusgroep_directie_1"].units("turn")) == sum(1 for r in table.rows[1:] if r.cells[0].text.strip())
    notes = (folder / "observaties" / "veldnotities_overleg_03.txt").read_text(encoding="utf-8")
    entries = corpus["veldnotities_overleg_03"].units("entry")
    assert len(entries) == sum(1 for line in notes.splitlines() if re.match(r"\d\d:\d\d ", line))
    assert corpus.segments("entry")["role"].notna().sum() == sum(1 for e in entries if e.speaker)
    form = read_rows(folder / "observaties" / "observatieformulier.csv")
    sessions = sorted({r["sessie"] for r in form})
    assert sorted(d.id for d in corpus if d.id.startswith("overleg_")) == sessions
    assert sum(len(corpus[s].units("note")) for s in sessions) == sum(1 for r in form if r["opmerking"].strip())
    assert corpus.tables["observatieformulier"].shape[0] == len(form)


def test_collectief_leren(data_dir):
    folder = data_dir / "collectief_leren"
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing")
    corpus, caught = load(folder)
    check_common(corpus, folder, caught)
    people = read_rows(folder / "participants.csv")
    raw_a = (folder / "school_a.txt").read_text(encoding="utf-8-sig")
    assert len(corpus["school_a"].units("turn")) == plain_turns(raw_a, labels_of(people, "school_a"))
    srt = (folder / "school_b.srt").read_text(encoding="utf-8")
    prefixes = [line.split(":", 1)[0] for line in srt.splitlines() if re.match(r"[^\d\s][^:]{0,49}: ", line)]
    assert len(corpus["school_b"].units("turn")) == speaker_changes(prefixes)
    raw_c = (folder / "school_c.txt").read_text(encoding="utf-16")
    heads = [line for line in raw_c.splitlines() if re.fullmatch(r"\S.*? {2,}\d{1,2}:\d{2}(:\d{2})?\s*", line)]
    assert len(corpus["school_c"].units("turn")) == len(heads)
    assert corpus["school_c"].encoding == "utf-16-le"
    assert "partners" in corpus.tables  # a data table without free text is kept as a table


def test_vragenlijst_respondent_columns_reach_the_answers_segments(data_dir):
    path = data_dir / "vragenlijst" / "vragenlijst_leerkrachten.csv"
    rows = {r["respondent"]: r for r in read_rows(path)}
    corpus = load_corpus(path)
    frame = corpus.segments("answer")
    extra = list(frame.columns)[15:]
    # the columns that are neither text, nor respondent role (functie), nor the two open questions
    question_columns = [c for c in next(iter(rows.values())) if c not in ("functie", "Wat loopt goed in het zorgbeleid?",
                                                                          "Wat kan beter?")]
    assert extra == question_columns and list(frame.columns)[13:15] == ["question", "table"]
    assert len(frame) == sum(1 for r in rows.values() for q in ("Wat loopt goed in het zorgbeleid?", "Wat kan beter?")
                             if r[q].strip())
    for record in frame.to_dict("records"):
        row = rows[record["speaker"]]
        assert (record["role"], record["school"], record["anciënniteit"], record["ingediend_op"]) == (
            row["functie"], row["school"], row["anciënniteit"], row["ingediend_op"])
        assert record["Het CLB is voor mij vlot bereikbaar."] == row["Het CLB is voor mij vlot bereikbaar."]
