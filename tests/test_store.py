from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from qualkit.columns import CODED_COLUMNS
from qualkit.errors import DocumentChangedError, StoreError
from qualkit.export import coded_frame
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Rules, Segment
from qualkit.store import AUDIT_COLUMNS, Project

T1 = "Directeur: We delen een visie.\nLeerkracht 2: Ik leer veel van collega's."
T2 = "Coach: Samen leren werkt."


def _doc(doc_id, text, **attrs):
    segs = []
    start = 0
    for n, line in enumerate(text.split("\n")):
        speaker, _, _ = line.partition(": ")
        label_end = start + len(speaker) + 2
        segs.append(Segment(doc_id, label_end, start + len(line), "turn", line[len(speaker) + 2 :], speaker=speaker, label_start=start))
        start += len(line) + 1
    return Document.from_text(doc_id, text, kind="transcript", segments=tuple(segs), attributes=attrs, source=f"data/{doc_id}.txt")


@pytest.fixture
def corpus():
    return Corpus(
        [_doc("fg_01", T1, school="Atheneum", jaar=2024), _doc("fg_02", T2, school="Lyceum", jaar=2023)],
        [Participant("Directeur", role="directie", person="P1"), Participant("Leerkracht 2", document="fg_01", role="leerkracht", group="iCLB")],
    )


def _coding(doc, start, end, code, coder="auto:rules", text=None, **kw):
    source = {"fg_01": T1, "fg_02": T2}[doc]
    row = dict(doc_id=doc, segment_id=f"{doc}:turn:1", unit="turn", position=0, start=start, end=end,
               speaker="Directeur" if doc == "fg_01" and start < 31 else ("Leerkracht 2" if doc == "fg_01" else "Coach"),
               code=code, code_name=code.split(":")[1], code_path=code.split(":")[1], namespace=code.split(":")[0],
               coder=coder, rule="keyword" if coder.startswith("auto:") else "manual", matched="", memo="",
               text=source[start:end] if text is None else text,
               role="VERKEERD", school="VERKEERD")  # frame extras must not be stored
    row.update(kw)
    return row


@pytest.fixture
def project(tmp_path, corpus):
    p = Project(tmp_path / "studie.qualkit", user="tester")
    p.add_corpus(corpus)
    yield p
    p.close()


def _keys(frame):
    return sorted(map(tuple, frame[["doc_id", "start", "end", "code", "coder"]].values.tolist()))


def test_project_creates_schema_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "p.qualkit"
    with Project(path, user="tester") as p:
        assert p._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.integrity() == "ok"
        assert p.audit()[["who", "action"]].values.tolist() == [["tester", "create"]]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    conn.close()
    with Project(path, user="tester") as p:  # reopening does not create again
        assert len(p.audit()) == 1


def test_project_refuses_other_sqlite_database_and_newer_schema(tmp_path):
    other = tmp_path / "ander.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE klanten (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"ander.db: an SQLite database but not a qualkit project \(tables: klanten\)"):
        Project(other)
    newer = tmp_path / "nieuw.qualkit"
    Project(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"made by a newer qualkit \(schema version 99, this qualkit reads up to 1\)"):
        Project(newer)
    junk = tmp_path / "rommel.qualkit"
    junk.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(StoreError, match="rommel.qualkit: not a qualkit project database"):
        Project(junk)


def test_corpus_round_trips(project, corpus):
    back = project.corpus()
    assert list(back.documents) == ["fg_01", "fg_02"]
    for doc in corpus:
        assert back[doc.id] == doc  # text, hash, kind, attributes, segments, source
    assert back.participants == corpus.participants


def test_adding_the_same_corpus_twice_changes_nothing(project, corpus):
    n_audit = len(project.audit())
    project.add_corpus(corpus)
    assert len(project.corpus()) == 2
    assert len(project.audit()) == n_audit
    assert project._conn.execute("SELECT count(*) FROM participants").fetchone()[0] == 2


def test_changed_document_with_codings_is_refused(project, corpus):
    project.save_codings(coded_frame([_coding("fg_01", 11, 30, "lei:visie")]))
    changed = Corpus([_doc("fg_01", T1.replace("visie", "missie")), corpus["fg_02"]])
    with pytest.raises(DocumentChangedError) as err:
        project.add_corpus(changed)
    old, new = corpus["fg_01"].sha256[:12], changed["fg_01"].sha256[:12]
    assert str(err.value) == (
        f"data/fg_01.txt: document 'fg_01' has a different text than the stored one (sha256 {old} -> {new}) "
        "and 1 coding(s) depend on its offsets; give the new version another id, or delete its codings first"
    )
    assert project.corpus()["fg_01"].text == T1


def test_changed_document_without_codings_is_updated_and_audited(project):
    project.add_corpus(Corpus([_doc("fg_02", "Coach: Anders nu.")]))
    assert project.corpus()["fg_02"].text == "Coach: Anders nu."
    assert project.audit()["action"].tolist()[-1] == "update_documents"


def test_save_codings_stores_only_the_coding_and_rebuilds_the_frame(project):
    project.save_codings(coded_frame([_coding("fg_01", 45, 72, "net:leren", coder="KV", memo="mooi")]))
    got = project.codings()
    assert list(got.columns) == [*CODED_COLUMNS, "school", "jaar"]
    row = got.iloc[0]
    assert (row["text"], row["speaker"], row["role"], row["group"], row["school"], row["jaar"]) == (
        "Ik leer veel van collega's.", "Leerkracht 2", "leerkracht", "iCLB", "Atheneum", 2024
    )
    assert pd.isna(row["person"])  # Leerkracht 2 has no person id in the participants
    assert row["memo"] == "mooi"
    assert str(got["start"].dtype) == "int64"


def test_codings_empty_project_gives_empty_frame(tmp_path):
    with Project(tmp_path / "leeg.qualkit") as p:
        got = p.codings()
    assert got.empty and list(got.columns) == CODED_COLUMNS


def test_codings_filters(project):
    project.save_codings(coded_frame([
        _coding("fg_01", 11, 30, "lei:visie"),
        _coding("fg_02", 7, 25, "net:leren"),
        _coding("fg_02", 7, 25, "net:leren", coder="KV"),
    ]))
    assert _keys(project.codings(coder="KV")) == [("fg_02", 7, 25, "net:leren", "KV")]
    assert len(project.codings(doc_id="fg_02")) == 2
    assert _keys(project.codings(code=["lei:visie"], coder=["auto:rules", "KV"])) == [("fg_01", 11, 30, "lei:visie", "auto:rules")]


def test_auto_pass_replaces_its_codings_only_in_the_documents_it_covered(project):
    first = coded_frame([
        _coding("fg_01", 11, 30, "lei:visie"),
        _coding("fg_01", 45, 72, "net:leren"),
        _coding("fg_02", 7, 25, "net:leren"),
        _coding("fg_01", 11, 30, "lei:visie", coder="auto:model"),
    ])
    project.save_codings(first)
    # second pass on fg_01 only: visie gone, a new code
    project.save_codings(coded_frame([_coding("fg_01", 45, 72, "net:leren"), _coding("fg_01", 45, 72, "net:delen")]))
    assert _keys(project.codings()) == [
        ("fg_01", 11, 30, "lei:visie", "auto:model"),  # another coder: untouched
        ("fg_01", 45, 72, "net:delen", "auto:rules"),
        ("fg_01", 45, 72, "net:leren", "auto:rules"),
        ("fg_02", 7, 25, "net:leren", "auto:rules"),  # another document: untouched
    ]


def test_auto_pass_that_found_nothing_clears_the_covered_documents(project):
    project.save_codings(coded_frame([_coding("fg_01", 11, 30, "lei:visie"), _coding("fg_02", 7, 25, "net:leren")]))
    project.save_codings(coded_frame(), documents=["fg_02"], coder="auto:rules")
    assert _keys(project.codings()) == [("fg_01", 11, 30, "lei:visie", "auto:rules")]
    with pytest.raises(StoreError, match="coder 'KV': only an automatic coder"):
        project.save_codings(coded_frame(), documents=["fg_02"], coder="KV")


def test_auto_pass_never_touches_human_codings(project):
    human = _coding("fg_01", 11, 30, "lei:visie", coder="KV", memo="zeker")
    project.save_codings(coded_frame([human, _coding("fg_01", 11, 30, "lei:visie")]))
    project.save_codings(coded_frame(), documents=["fg_01", "fg_02"], coder="auto:rules")
    assert _keys(project.codings()) == [("fg_01", 11, 30, "lei:visie", "KV")]
    assert project.codings().loc[0, "memo"] == "zeker"


def test_saving_human_codings_again_updates_but_never_duplicates(project):
    one = coded_frame([_coding("fg_02", 7, 25, "net:leren", coder="KV", memo="eerst")])
    project.save_codings(one)
    t0 = project.codings(times=True).iloc[0]
    project.save_codings(one)  # unchanged: nothing happens
    assert project.codings(times=True).iloc[0]["modified"] == t0["modified"]
    project.save_codings(coded_frame([_coding("fg_02", 7, 25, "net:leren", coder="KV", memo="later")]))
    got = project.codings(times=True)
    assert len(got) == 1
    assert got.iloc[0]["memo"] == "later"
    assert got.iloc[0]["created"] == t0["created"]
    assert got.iloc[0]["modified"] > t0["modified"]
    # a human save of a subset deletes nothing
    project.save_codings(coded_frame([_coding("fg_01", 11, 30, "lei:visie", coder="KV")]))
    assert len(project.codings(coder="KV")) == 2
    details = project.audit().query("action == 'save_codings'")["detail"].tolist()
    assert details == ["1 inserted, 0 updated, 0 unchanged", "0 inserted, 0 updated, 1 unchanged",
                       "0 inserted, 1 updated, 0 unchanged", "1 inserted, 0 updated, 0 unchanged"]


def test_save_codings_refuses_unknown_document_and_changed_text(project):
    with pytest.raises(StoreError, match=r"no stored document 'fg_09'; add the corpus first"):
        project.save_codings(coded_frame([dict(_coding("fg_02", 0, 5, "a:b"), doc_id="fg_09")]))
    with pytest.raises(DocumentChangedError) as err:
        project.save_codings(coded_frame([_coding("fg_02", 0, 5, "a:b"), _coding("fg_02", 7, 12, "a:b", text="Apart")]))
    assert str(err.value) == (
        f"{project.path}: coding 1 (fg_02 [7, 12) a:b) has text 'Apart', the stored document 'fg_02' has 'Samen' "
        "there; the document changed after it was coded; code the stored version again"
    )
    assert project.codings().empty  # the whole save was refused


def test_audit_records_who_what_when(project):
    project.save_codings(coded_frame([_coding("fg_01", 11, 30, "lei:visie")]))
    log = project.audit()
    assert list(log.columns) == AUDIT_COLUMNS
    assert log["action"].tolist() == ["create", "add_documents", "save_participants", "save_codings"]
    assert log.iloc[-1]["target"] == "coder auto:rules; documents fg_01"
    assert set(log["who"]) == {"tester"}
    assert log["at"].is_monotonic_increasing


def test_codebook_versions_round_trip(project):
    book = Codebook("lei", "Leiderschap", (
        Code("kader", "Kader", "lei", codable=False),
        Code("visie", "Visie", "lei", parent="kader", colour="#112233", line=7,
             rules=Rules(keywords=("visie",), near=(("team", "kiezen", 4),), roles=("directie",))),
    ), version="1.0")
    assert project.save_codebook(book) == 1
    assert project.save_codebook(book) == 1  # identical: no new version
    changed = Codebook("lei", "Leiderschap", book.codes[:1], version="1.1")
    assert project.save_codebook(changed) == 2
    assert project.codebook("lei", 1) == book
    assert project.codebook("lei") == changed
    assert project.codebooks()[["namespace", "number", "version", "n_codes"]].values.tolist() == [
        ["lei", 1, "1.0", 2], ["lei", 2, "1.1", 1]
    ]
    with pytest.raises(KeyError, match="no stored codebook 'net'"):
        project.codebook("net")


def test_memos(project):
    n = project.add_memo("Opvallend veel twijfel.", author="KV", doc_id="fg_01", code="lei:visie")
    assert project.memos()[["id", "author", "doc_id", "text"]].values.tolist() == [[n, "KV", "fg_01", "Opvallend veel twijfel."]]
    with pytest.raises(StoreError, match="no stored document 'nope' for the memo"):
        project.add_memo("x", doc_id="nope")
    assert len(project.memos()) == 1


_CRASH_SCRIPT = textwrap.dedent(
    """
    import sys
    from qualkit.export import coded_frame
    from qualkit.store import Project

    path, n = sys.argv[1], int(sys.argv[2])
    project = Project(path, user="crash")
    text = project.corpus()["groot"].text
    rows = [dict(doc_id="groot", start=i, end=i + 1, code="x:groot", coder="auto:crash", unit="turn",
                 text=text[i], memo="m" * 200) for i in range(n)]
    frame = coded_frame(rows)
    print("begin", flush=True)
    project.save_codings(frame)
    print("done", flush=True)
    """
)


def test_killed_write_loses_nothing_saved_before(tmp_path, corpus):
    path = tmp_path / "crash.qualkit"
    big = Document.from_text("groot", "abcdefghij" * 6_000)
    with Project(path, user="tester") as p:
        p.add_corpus(Corpus([*corpus, big], corpus.participants))
        p.save_codings(coded_frame([_coding("fg_01", 11, 30, "lei:visie", coder="KV", memo="handwerk"),
                                    _coding("fg_02", 7, 25, "net:leren")]))
        before = p.codings()
    script = tmp_path / "crash.py"
    script.write_text(_CRASH_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(path), "60000"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "begin"
    wal = path.with_name(path.name + "-wal")
    deadline = time.monotonic() + 60
    while (not wal.exists() or wal.stat().st_size < 1_000_000) and time.monotonic() < deadline:  # pages of the big write spill to the WAL
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert wal.stat().st_size >= 1_000_000  # the kill came in the middle of the write
    with Project(path, user="tester") as p:
        assert p.integrity() == "ok"
        pd.testing.assert_frame_equal(p.codings(), before)
        assert p.codings(coder="auto:crash").empty
        assert "save_codings" not in p.audit().query("who == 'crash'")["action"].tolist()
