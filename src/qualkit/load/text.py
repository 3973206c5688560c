"""The .txt and .md loader: transcripts, field notes or plain text.

The kind of a file is, unless ``kinds=`` says otherwise: field notes
("observation") when :func:`~qualkit.load.observations.looks_like_field_notes`
holds, else a transcript. A transcript without a single speaker turn raises
:class:`~qualkit.errors.NoSpeakersError`; load such a file with
``kinds={"name.txt": "text"}`` to keep it as plain text (kind "text", no base
layer; sentences and paragraphs still work).

Examples
--------
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "fg.txt"
>>> _ = f.write_bytes("X: Dag.\\r\\nY: Hallo.\\r\\n".encode("cp1252"))
>>> doc = load_text(f, "fg", None, Options()).documents[0]
>>> (doc.kind, doc.encoding, doc.newline, [s.speaker for s in doc.units("turn")])
('transcript', 'utf-8', '\\r\\n', ['X', 'Y'])
"""

from __future__ import annotations

from pathlib import Path

from .common import Loaded, Options, plain_document, transcript_document
from .decode import read_text
from .observations import field_notes_document, looks_like_field_notes


def load_text(path: Path, doc_id: str, kind: str | None, opts: Options) -> Loaded:
    """Load one .txt/.md file as a transcript, field notes or plain text (``kind`` None: decide)."""
    decoded = read_text(path)
    if kind is None:
        kind = "observation" if looks_like_field_notes(decoded.text) else "transcript"
    if kind == "text":
        return Loaded([plain_document(doc_id, decoded, path)])
    if kind == "observation":
        return Loaded([field_notes_document(doc_id, decoded.text, path, decoded.encoding, decoded.newline)])
    return transcript_document(doc_id, decoded.text, path, decoded.encoding, decoded.newline, opts)
