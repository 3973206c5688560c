"""REFI-QDA projects (.qdpx): the two real exports, writing + schema validation, hostile files, round trips."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import qualkit as qk
from qualkit.columns import CODED_COLUMNS
from qualkit.errors import InputError, OutputExistsError, ProjectFileError, QualkitWarning, SourceNotFoundError
from qualkit.model import Code, Codebook, Corpus, Document, Participant, Rules
from qualkit.qdpx import read_qdpx, write_qdpx
from qualkit.refi import guid

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema(interop_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(interop_dir / "Project.xsd"))


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def xpath_count(qde: bytes, expr: str) -> int:
    return int(etree.fromstring(qde).xpath(f"count({expr})", namespaces=NS))


# ------------------------------------------------------------------ the real exports
# Counts taken by hand from the XML (grep -o '<Code ' | wc -l and so on) before any
# import code existed: qc_demo has 2 TextSource, 262 Code, 158 PlainTextSelection,
# 205 Coding, 1 User; nvivo_project has 2 TextSource, 262 Code, 0 Coding, 2 Users.


def test_qc_demo_counts_match_the_xml(interop_dir):
    path = interop_dir / "qc_demo.qdpx"
    qde = qde_of(path)
    assert xpath_count(qde, "//q:TextSource") == 2
    assert xpath_count(qde, "//q:Code") == 262
    assert xpath_count(qde, "//q:PlainTextSelection") == 158
    assert xpath_count(qde, "//q:Coding") == 205
    project = read_qdpx(path)
    corpus, coded = project
    assert list(corpus.documents) == ["board_2017", "admin-1"]  # no name attribute: named by plainTextPath
    assert len(coded) == 205
    assert list(coded.columns) == CODED_COLUMNS
    assert [b.namespace for b in project.codebooks] == ["qc_project"]
    book = project.codebooks[0]
    assert len(book) == 262
    assert len({c.id for c in book}) == 262  # duplicate names ("programming", "fun" ...) get unique ids
    assert all(c.codable for c in book)
    assert set(coded["coder"]) == {"cp"}
    assert set(coded["rule"]) == {"import:refi"}
    assert (coded["doc_id"] == "board_2017").all()  # admin-1 has no selections
    assert project.notes == []


def test_qc_demo_offsets_are_characters_of_the_source(interop_dir):
    corpus, coded = read_qdpx(interop_dir / "qc_demo.qdpx")
    with zipfile.ZipFile(interop_dir / "qc_demo.qdpx") as zf:
        raw = zf.read("sources/board_2017.txt").decode("utf-8")
    assert corpus["board_2017"].text == raw  # no \r in the source: kept exactly
    # selection "line:807" (startPosition 49569, endPosition 49649) holds codes middle and ngss
    rows = coded[(coded["start"] == 49569) & (coded["end"] == 49649)]
    assert sorted(rows["code_path"]) == [
        "rq2_curriculum_and_instruction > curriculum > cs_scope_and_sequence > middle",
        "rq3_process > authorities > standards > ngss",
    ]
    assert rows["text"].tolist() == [raw[49569:49649]] * 2
    assert raw[49569:49649].startswith("Speaker 22:         For middle school")
    assert (coded["text"] == [corpus[d].text[s:e] for d, s, e in zip(coded["doc_id"], coded["start"], coded["end"])]).all()


def test_qc_demo_duplicate_code_names_are_qualified_by_parent(interop_dir):
    book = read_qdpx(interop_dir / "qc_demo.qdpx").codebooks[0]
    programming = [c for c in book if c.name == "programming"]
    assert sorted(c.id for c in programming) == ["competencies.programming", "cs_as_programming.programming"]
    assert book.get("cs_as_programming.programming").parent == "cs_as_programming"


def test_nvivo_export_keeps_docx_only_sources_and_reports_them(interop_dir):
    path = interop_dir / "nvivo_project.qdpx"
    qde = qde_of(path)
    assert xpath_count(qde, "//q:TextSource") == 2
    assert xpath_count(qde, "//q:Code") == 262
    assert xpath_count(qde, "//q:Coding") == 0
    assert xpath_count(qde, "//q:User") == 2
    with pytest.warns(QualkitWarning, match="has only blank plain text"):
        project = read_qdpx(path)
    corpus, coded = project
    assert len(corpus) == 2
    assert [d.text for d in corpus] == ["\n", "\n"]  # the plain text NVivo wrote: one newline
    assert coded.empty and list(coded.columns) == CODED_COLUMNS
    assert len(project.codebooks[0]) == 262
    assert len(project.notes) == 2
    assert "d097e6fd-7671-4d95-a8b6-7795fa4a72e1.docx" in project.notes[0]


def test_both_real_exports_are_valid_against_the_schema(interop_dir, project_schema):
    # the schema itself is the one we validate our own output against: check it accepts real files
    for name in ("qc_demo.qdpx", "nvivo_project.qdpx"):
        project_schema.validate(io.BytesIO(qde_of(interop_dir / name)))
