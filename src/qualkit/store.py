"""The project store: one SQLite file that keeps a study's documents and human work safe.

A :class:`Project` holds the documents (text, hash, kind, attributes, base
segments), the participants, every saved version of each codebook, the codings
of every coder with their created and modified times, memos, and an audit log
of every write (who, what, when).

The rules that keep human work safe:

- a write is one transaction: it lands completely or not at all, so a crash
  (or a killed notebook kernel) loses nothing that was saved before;
- an automatic pass (coder ``"auto:..."``) replaces *its own* codings in *the
  documents it covered*, and nothing else;
- human codings are never deleted by a save; saving them again updates memo,
  rule and modified time, never duplicates (one coding per doc_id, start, end,
  code and coder);
- importing the same corpus twice changes nothing; a document whose text
  changed while codings depend on its offsets is refused
  (:class:`~qualkit.errors.DocumentChangedError`).

Coded frames carry document attributes and participant columns; the store
keeps only what belongs to the coding and rebuilds the rest on read, so a
corrected participants file shows up in every later frame.

Examples
--------
>>> import tempfile, pathlib
>>> from qualkit.model import Corpus, Document
>>> from qualkit.export import coded_frame
>>> project = Project(pathlib.Path(tempfile.mkdtemp()) / "studie.qualkit")
>>> project.add_corpus(Corpus([Document.from_text("fg1", "We leren samen.", attributes={"school": "A"})]))
>>> project.save_codings(coded_frame([dict(doc_id="fg1", start=3, end=8, code="net:leren",
...                                        coder="KV", rule="manual", text="leren")]))
>>> project.codings()[["doc_id", "code", "coder", "text", "school"]].values.tolist()
[['fg1', 'net:leren', 'KV', 'leren', 'A']]
>>> project.close()
"""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .columns import CODED_COLUMNS
from .errors import DocumentChangedError, StoreError, where
from .export import check_coded, coded_frame
from .model import Code, Codebook, Corpus, Document, Participant, Rules, Segment

__all__ = ["Project", "SCHEMA_VERSION", "AUDIT_COLUMNS"]

#: the version of the database layout this qualkit writes
SCHEMA_VERSION = 1
#: the columns of :meth:`Project.audit`
AUDIT_COLUMNS = ["id", "at", "who", "action", "target", "detail"]
#: the columns of :meth:`Project.memos`
MEMO_COLUMNS = ["id", "author", "doc_id", "code", "text", "created", "modified"]
#: the columns of :meth:`Project.codebooks`
CODEBOOK_LIST_COLUMNS = ["namespace", "number", "version", "name", "n_codes", "saved_at", "sha256"]
#: the coded columns a coding row keeps; the rest is rebuilt from documents and participants
STORED_CODING_COLUMNS = [
    "doc_id", "start", "end", "code", "coder", "segment_id", "unit", "position", "speaker",
    "code_name", "code_path", "namespace", "rule", "matched", "memo",
]
_KEY = ("doc_id", "start", "end", "code", "coder")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    attributes TEXT NOT NULL, segments TEXT NOT NULL, source TEXT, encoding TEXT,
    newline TEXT NOT NULL, added TEXT NOT NULL, modified TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
    speaker TEXT NOT NULL, document TEXT NOT NULL DEFAULT '', person TEXT, role TEXT, grp TEXT,
    attributes TEXT NOT NULL, PRIMARY KEY (speaker, document)
);
CREATE TABLE IF NOT EXISTS codebooks (
    id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, number INTEGER NOT NULL, version TEXT NOT NULL,
    name TEXT NOT NULL, content TEXT NOT NULL, sha256 TEXT NOT NULL, saved_at TEXT NOT NULL,
    UNIQUE (namespace, number)
);
CREATE TABLE IF NOT EXISTS codings (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE RESTRICT,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, code TEXT NOT NULL, coder TEXT NOT NULL,
    segment_id TEXT, unit TEXT NOT NULL, position INTEGER, speaker TEXT,
    code_name TEXT NOT NULL, code_path TEXT NOT NULL, namespace TEXT NOT NULL,
    rule TEXT NOT NULL, matched TEXT NOT NULL, memo TEXT NOT NULL,
    created TEXT NOT NULL, modified TEXT NOT NULL,
    UNIQUE (doc_id, start, "end", code, coder),
    CHECK (0 <= start AND start <= "end")
);
CREATE INDEX IF NOT EXISTS codings_by_coder ON codings (coder, doc_id);
CREATE TABLE IF NOT EXISTS memos (
    id INTEGER PRIMARY KEY, author TEXT NOT NULL, doc_id TEXT REFERENCES documents(id),
    code TEXT, text TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def is_auto(coder: str) -> bool:
    """True for an automatic coder (``"auto:rules"``, ``"auto:model"``).

    Examples
    --------
    >>> is_auto("auto:rules"), is_auto("KV")
    (True, False)
    """
    return str(coder).startswith("auto:")


class Project:
    """A research project stored in one SQLite file.

    Parameters
    ----------
    path : path-like
        The database file; created (with its folder) when missing.
    user : str, optional
        Who writes, for the audit log; defaults to the login name.

    Raises
    ------
    StoreError
        The file is not a qualkit project, or one made by a newer qualkit.

    Examples
    --------
    What one session writes, the next one reads back, with who did it:

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "studie.qualkit"
    >>> with Project(path, user="KV") as project:
    ...     project.add_memo("Eerste indruk: veel over tijd.")
    1
    >>> with Project(path) as again:
    ...     again.memos()[["author", "text"]].values.tolist(), again.audit()["action"].tolist()
    ([['KV', 'Eerste indruk: veel over tijd.']], ['create', 'add_memo'])
    """

    def __init__(self, path: str | os.PathLike[str], *, user: str | None = None) -> None:
        self.path = Path(path)
        self.user = user or _login()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{where(self.path)}: not a qualkit project database ({exc})") from None

    # ------------------------------------------------------------------ plumbing

    def _init_schema(self) -> None:
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "schema_version" not in tables:
            raise StoreError(
                f"{where(self.path)}: an SQLite database but not a qualkit project (tables: "
                f"{', '.join(sorted(tables))}); choose another file name"
            )
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            row = self._conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                self._conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
                self._log("create", str(self.path), f"schema version {SCHEMA_VERSION}")
            elif row[0] > SCHEMA_VERSION:
                raise StoreError(
                    f"{where(self.path)}: made by a newer qualkit (schema version {row[0]}, this qualkit "
                    f"reads up to {SCHEMA_VERSION}); upgrade qualkit"
                )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside lands, or nothing does."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _log(self, action: str, target: str, detail: str, who: str | None = None) -> None:
        self._conn.execute(
            "INSERT INTO audit (at, who, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (_now(), who or self.user, action, target, detail),
        )

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        n_docs = self._conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        n_codings = self._conn.execute("SELECT count(*) FROM codings").fetchone()[0]
        return f"<Project {self.path.name}: {n_docs} documents, {n_codings} codings>"

    def integrity(self) -> str:
        """Return SQLite's ``PRAGMA integrity_check`` result (``"ok"`` when sound)."""
        return "\n".join(r[0] for r in self._conn.execute("PRAGMA integrity_check"))

    # ------------------------------------------------------------------ documents

    def add_corpus(self, corpus: Corpus) -> None:
        """Store the documents and participants of a corpus (idempotent).

        A document already stored with the same text is left as it is (its
        attributes and source are updated when they changed). A document
        whose text changed is replaced when no coding depends on it, and
        refused otherwise; then nothing of the corpus is written.

        Raises
        ------
        DocumentChangedError
            Names every changed document that has codings.
        """
        now = _now()
        with self._transaction() as conn:
            stored = {
                r[0]: r
                for r in conn.execute(
                    "SELECT id, text, sha256, kind, attributes, segments, source, encoding, newline FROM documents"
                )
            }
            changed = [d for d in corpus if d.id in stored and stored[d.id][2] != d.sha256]
            blocked = [(d, n) for d in changed if (n := self._n_codings(d.id))]
            if blocked:
                raise DocumentChangedError(
                    "; ".join(
                        f"{where(d.source)}: document {d.id!r} has a different text than the stored one "
                        f"(sha256 {stored[d.id][2][:12]} -> {d.sha256[:12]}) and {n} coding(s) depend on its offsets"
                        for d, n in blocked
                    )
                    + "; give the new version another id, or delete its codings first"
                )
            added, updated = [], []
            for doc in corpus:
                values = _document_row(doc)
                if doc.id not in stored:
                    conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, now, now))
                    added.append(doc.id)
                elif tuple(stored[doc.id]) != values:
                    conn.execute(
                        "UPDATE documents SET text=?, sha256=?, kind=?, attributes=?, segments=?, source=?, "
                        "encoding=?, newline=?, modified=? WHERE id=?",
                        (*values[1:], now, doc.id),
                    )
                    updated.append(doc.id)
            n_part = self._save_participants(corpus.participants)
            if added:
                self._log("add_documents", ", ".join(added), f"{len(added)} document(s) added")
            if updated:
                self._log("update_documents", ", ".join(updated), f"{len(updated)} document(s) updated")
            if n_part:
                self._log("save_participants", "participants", f"{n_part} participant row(s) added or changed")

    def _n_codings(self, doc_id: str) -> int:
        return self._conn.execute("SELECT count(*) FROM codings WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def _save_participants(self, participants: Iterable[Participant]) -> int:
        n = 0
        for p in participants:
            row = (p.speaker, p.document or "", p.person, p.role, p.group, _json(p.attributes))
            old = self._conn.execute(
                "SELECT speaker, document, person, role, grp, attributes FROM participants "
                "WHERE speaker = ? AND document = ?",
                row[:2],
            ).fetchone()
            if old != row:
                self._conn.execute("INSERT OR REPLACE INTO participants VALUES (?, ?, ?, ?, ?, ?)", row)
                n += 1
        return n

    def corpus(self) -> Corpus:
        """Return the stored documents (with their base segments) and participants.

        ``Document.data`` and ``Corpus.tables`` are not stored.
        """
        docs = [
            _document(*row)
            for row in self._conn.execute(
                "SELECT id, text, sha256, kind, attributes, segments, source, encoding, newline FROM documents ORDER BY rowid"
            )
        ]
        return Corpus(docs, self._participants())

    def _participants(self) -> list[Participant]:
        return [
            Participant(s, d or None, pe, r, g, json.loads(a))
            for s, d, pe, r, g, a in self._conn.execute(
                "SELECT speaker, document, person, role, grp, attributes FROM participants ORDER BY rowid"
            )
        ]

    # ------------------------------------------------------------------ codings

    def save_codings(
        self, coded: pd.DataFrame, *, documents: Iterable[str] | None = None, coder: str | None = None
    ) -> None:
        """Store codings, one transaction for the whole frame.

        Parameters
        ----------
        coded : pandas.DataFrame
            A coded frame; its documents must be stored (:meth:`add_corpus`)
            and its ``text`` must equal the stored text at its offsets.
        documents : iterable of str, optional
            The documents an automatic pass covered. Its earlier codings in
            these documents that it did not produce again are removed (also
            in documents where it found nothing this time). Default: the
            documents in ``coded``. Human codings are never removed.
        coder : str, optional
            The automatic coder of the pass; needed with ``documents`` when
            the pass found nothing, so ``coded`` names no coder.

        Raises
        ------
        StoreError
            A document that is not stored.
        DocumentChangedError
            A coding whose text does not match the stored document.
        """
        check_coded(coded)
        if coder is not None and not is_auto(coder):
            raise StoreError(f"coder {coder!r}: only an automatic coder ('auto:...') replaces earlier codings")
        covered = None if documents is None else [str(d) for d in documents]
        now = _now()
        with self._transaction() as conn:
            rows = self._checked_rows(coded, covered or [])
            by_coder: dict[str, list[tuple[Any, ...]]] = {}
            for row in rows:
                by_coder.setdefault(row[4], []).append(row)
            for name, coder_rows in by_coder.items():
                self._upsert(conn, name, coder_rows, now)
            auto = {c for c in by_coder if is_auto(c)} | ({coder} if coder else set())
            for name in sorted(auto):
                mine = by_coder.get(name, [])
                docs = covered if covered is not None else sorted({r[0] for r in mine})
                self._drop_stale(conn, name, docs, {r[:5] for r in mine})

    def _checked_rows(self, coded: pd.DataFrame, covered: list[str]) -> list[tuple[Any, ...]]:
        texts = dict(self._conn.execute("SELECT id, text FROM documents"))
        missing = sorted((set(coded["doc_id"].astype(str)) | set(covered)) - set(texts))
        if missing:
            raise StoreError(
                f"{where(self.path)}: no stored document {', '.join(repr(m) for m in missing)}; "
                "add the corpus first with project.add_corpus(corpus)"
            )
        columns = {c: _column(coded[c], c) for c in [*STORED_CODING_COLUMNS, "text"]}
        rows = []
        seen: set[tuple[Any, ...]] = set()
        for n, row in enumerate(zip(*(columns[c] for c in STORED_CODING_COLUMNS))):
            doc_id, start, end = row[0], row[1], row[2]
            text = columns["text"][n] or ""
            if end > len(texts[doc_id]) or texts[doc_id][start:end] != text:
                raise DocumentChangedError(
                    f"{where(self.path)}: coding {n} ({doc_id} [{start}, {end}) {row[3]}) has text "
                    f"{_short(text)!r}, the stored document {doc_id!r} has {_short(texts[doc_id][start:end])!r} "
                    "there; the document changed after it was coded; code the stored version again"
                )
            if row[:5] in seen:
                continue  # the same coding twice in one frame is one coding
            seen.add(row[:5])
            rows.append(row)
        return rows

    def _upsert(self, conn: sqlite3.Connection, coder: str, rows: list[tuple[Any, ...]], now: str) -> None:
        cols = ", ".join(f'"{c}"' for c in STORED_CODING_COLUMNS)
        marks = ", ".join("?" for _ in STORED_CODING_COLUMNS)
        data = [c for c in STORED_CODING_COLUMNS if c not in _KEY]
        changed = " OR ".join(f'"{c}" IS NOT excluded."{c}"' for c in data)
        before = conn.total_changes
        n_before = conn.execute("SELECT count(*) FROM codings WHERE coder = ?", (coder,)).fetchone()[0]
        conn.executemany(
            f"INSERT INTO codings ({cols}, created, modified) VALUES ({marks}, ?, ?) "
            'ON CONFLICT (doc_id, start, "end", code, coder) DO UPDATE SET '
            + ", ".join(f'"{c}" = excluded."{c}"' for c in data)
            + ", modified = excluded.modified WHERE "
            + changed,
            [(*r, now, now) for r in rows],
        )
        n_after = conn.execute("SELECT count(*) FROM codings WHERE coder = ?", (coder,)).fetchone()[0]
        inserted = n_after - n_before
        updated = conn.total_changes - before - inserted
        docs = sorted({r[0] for r in rows})
        self._log(
            "save_codings",
            f"coder {coder}; documents {', '.join(docs)}",
            f"{inserted} inserted, {updated} updated, {len(rows) - inserted - updated} unchanged",
        )

    def _drop_stale(self, conn: sqlite3.Connection, coder: str, docs: list[str], keep: set[tuple[Any, ...]]) -> None:
        assert is_auto(coder)  # human codings are never removed by a save
        stale = []
        for doc in docs:
            for row in conn.execute(
                'SELECT id, doc_id, start, "end", code, coder FROM codings WHERE coder = ? AND doc_id = ?', (coder, doc)
            ):
                if tuple(row[1:]) not in keep:
                    stale.append(row[0])
        if stale:
            conn.executemany("DELETE FROM codings WHERE id = ?", [(i,) for i in stale])
            self._log(
                "replace_codings",
                f"coder {coder}; documents {', '.join(docs)}",
                f"{len(stale)} coding(s) of the earlier pass removed",
            )

    def codings(
        self,
        coder: str | Iterable[str] | None = None,
        doc_id: str | Iterable[str] | None = None,
        code: str | Iterable[str] | None = None,
        *,
        times: bool = False,
    ) -> pd.DataFrame:
        """Return stored codings as a coded frame, rebuilt from documents and participants.

        Parameters
        ----------
        coder, doc_id, code : str or iterable of str, optional
            Keep only these.
        times : bool
            Add the columns ``created`` and ``modified`` (UTC, ISO 8601) at the end.

        Returns
        -------
        pandas.DataFrame
            :data:`CODED_COLUMNS` (``text`` cut from the stored document,
            ``person``/``role``/``group`` from the stored participants), then
            the document attributes; sorted by doc_id, start, end, code, coder.
        """
        where_sql, params = [], []
        for column, value in (("coder", coder), ("doc_id", doc_id), ("code", code)):
            if value is None:
                continue
            values = [value] if isinstance(value, str) else list(value)
            where_sql.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
        sql = 'SELECT {} , created, modified FROM codings'.format(", ".join(f'"{c}"' for c in STORED_CODING_COLUMNS))
        if where_sql:
            sql += " WHERE " + " AND ".join(where_sql)
        sql += ' ORDER BY doc_id, start, "end", code, coder'
        records = self._conn.execute(sql, params).fetchall()
        corpus = self.corpus()
        rows = []
        for rec in records:
            row = dict(zip([*STORED_CODING_COLUMNS, "created", "modified"], rec))
            doc = corpus[row["doc_id"]]
            p = corpus.participant(doc.id, row["speaker"])
            row.update(
                text=doc.text[row["start"] : row["end"]],
                person=p.person if p else None,
                role=p.role if p else None,
                group=p.group if p else None,
            )
            row.update({k: v for k, v in doc.attributes.items() if k not in CODED_COLUMNS})
            rows.append(row)
        frame = coded_frame(rows)
        frame = frame.drop(columns=[c for c in ("created", "modified") if c in frame.columns])
        if not rows:
            for name in _attribute_names(corpus):
                frame[name] = pd.Series(dtype=object)
        if times:
            frame["created"] = pd.Series([r["created"] for r in rows], dtype="str")
            frame["modified"] = pd.Series([r["modified"] for r in rows], dtype="str")
        return frame

    # ------------------------------------------------------------------ codebooks and memos

    def save_codebook(self, book: Codebook) -> int:
        """Store a codebook version; return its number within the namespace.

        Saving a codebook identical to the namespace's latest version stores
        nothing and returns that version's number.
        """
        content = _json(_codebook_dict(book))
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        with self._transaction() as conn:
            last = conn.execute(
                "SELECT number, sha256 FROM codebooks WHERE namespace = ? ORDER BY number DESC LIMIT 1",
                (book.namespace,),
            ).fetchone()
            if last is not None and last[1] == digest:
                return int(last[0])
            number = 1 if last is None else int(last[0]) + 1
            conn.execute(
                "INSERT INTO codebooks (namespace, number, version, name, content, sha256, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (book.namespace, number, book.version, book.name, content, digest, _now()),
            )
            self._log("save_codebook", f"codebook {book.namespace}", f"version {number} ({len(book)} codes)")
        return number

    def codebook(self, namespace: str, number: int | None = None) -> Codebook:
        """Return a stored codebook version (default: the latest)."""
        sql = "SELECT content FROM codebooks WHERE namespace = ?"
        params: list[Any] = [namespace]
        if number is not None:
            sql += " AND number = ?"
            params.append(number)
        row = self._conn.execute(sql + " ORDER BY number DESC LIMIT 1", params).fetchone()
        if row is None:
            raise KeyError(f"{self.path}: no stored codebook {namespace!r}" + ("" if number is None else f" version {number}"))
        return _codebook_from(json.loads(row[0]))

    def codebooks(self) -> pd.DataFrame:
        """Return one row per stored codebook version (:data:`CODEBOOK_LIST_COLUMNS`)."""
        rows = self._conn.execute(
            "SELECT namespace, number, version, name, content, saved_at, sha256 FROM codebooks ORDER BY namespace, number"
        ).fetchall()
        data = [(ns, n, v, name, len(json.loads(c)["codes"]), at, h) for ns, n, v, name, c, at, h in rows]
        return pd.DataFrame(data, columns=CODEBOOK_LIST_COLUMNS)

    def add_memo(self, text: str, *, author: str | None = None, doc_id: str | None = None, code: str | None = None) -> int:
        """Store a memo (about a document, a code, both or the project); return its id."""
        now = _now()
        author = author or self.user
        with self._transaction() as conn:
            try:
                cur = conn.execute(
                    "INSERT INTO memos (author, doc_id, code, text, created, modified) VALUES (?, ?, ?, ?, ?, ?)",
                    (author, doc_id, code, text, now, now),
                )
            except sqlite3.IntegrityError:
                raise StoreError(f"{where(self.path)}: no stored document {doc_id!r} for the memo; add the corpus first") from None
            memo_id = cur.lastrowid
            assert memo_id is not None  # sqlite3 sets it after every INSERT
            self._log("add_memo", f"memo {memo_id}", f"doc {doc_id}; code {code}", who=author)
        return memo_id

    def memos(self) -> pd.DataFrame:
        """Return every memo (:data:`MEMO_COLUMNS`)."""
        rows = self._conn.execute(f"SELECT {', '.join(MEMO_COLUMNS)} FROM memos ORDER BY id").fetchall()
        return pd.DataFrame(rows, columns=MEMO_COLUMNS)

    def audit(self) -> pd.DataFrame:
        """Return the audit log, oldest first (:data:`AUDIT_COLUMNS`)."""
        rows = self._conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY id").fetchall()
        return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


# ---------------------------------------------------------------------- (de)serialising


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _short(text: Any, n: int = 40) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _column(series: pd.Series, column: str) -> list[Any]:
    """A coded column as SQL values: ints for offsets, None or "" for missing text."""
    missing = series.isna().tolist()
    values = series.tolist()
    if column in ("start", "end", "position"):
        if column != "position" and any(missing):
            raise StoreError(f"coded frame: column {column!r} has missing values; every coding needs offsets")
        return [None if m else int(v) for v, m in zip(values, missing)]
    empty = None if column in ("segment_id", "speaker") else ""
    return [empty if m else str(v) for v, m in zip(values, missing)]


def _document_row(doc: Document) -> tuple[Any, ...]:
    segments = [dataclasses.asdict(s) for s in doc.segments]
    for s in segments:
        del s["doc_id"], s["text"]  # rebuilt from the document
    return (doc.id, doc.text, doc.sha256, doc.kind, _json(doc.attributes), _json(segments),
            doc.source, doc.encoding, doc.newline)


def _document(id: str, text: str, sha256: str, kind: str, attributes: str, segments: str,
              source: str | None, encoding: str | None, newline: str) -> Document:
    segs = tuple(Segment(doc_id=id, text=text[s["start"] : s["end"]], **s) for s in json.loads(segments))
    return Document(id=id, text=text, kind=kind, attributes=json.loads(attributes), segments=segs,
                    source=source, encoding=encoding, newline=newline, sha256=sha256)


def _attribute_names(corpus: Corpus) -> list[str]:
    names: list[str] = []
    for doc in corpus:
        names.extend(k for k in doc.attributes if k not in names and k not in CODED_COLUMNS)
    return names


def _codebook_dict(book: Codebook) -> dict[str, Any]:
    data = dataclasses.asdict(book)
    data.pop("source", None)
    for code in data["codes"]:
        code.pop("line", None)
    return data


def _codebook_from(data: dict[str, Any]) -> Codebook:
    codes = []
    for c in data["codes"]:
        r = c.pop("rules")
        rules = Rules(
            keywords=tuple(r["keywords"]), compounds=r["compounds"], regex=tuple(r["regex"]),
            near=tuple(tuple(n) for n in r["near"]), exclude=tuple(r["exclude"]),
            roles=tuple(r["roles"]), units=tuple(r["units"]),
        )
        codes.append(Code(rules=rules, **c))
    return Codebook(data["namespace"], data["name"], tuple(codes), data["description"], data["version"])

