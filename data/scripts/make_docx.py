"""Build the two .docx transcripts of data/afstemming/ from plain-text sources.

* focusgroep_pbsog.txt -> focusgroep_pbsog.docx: the first line becomes a
  Title paragraph, the second a date paragraph, every further non-empty line
  one paragraph ("Label: text" or a bracketed note such as "[stilte]").
* focusgroep_directie_1.txt -> focusgroep_directie_1.docx: the lines before
  the first blank line become paragraphs (title, date); every line after it
  is one table row "Spreker | Tijd | Tekst". The table gets a header row
  "Spreker", "Tijd", "Tekst"; rows with an empty speaker hold a note.

Run from anywhere: ``python data/scripts/make_docx.py``. Core properties and
zip entry times are fixed, so a rebuild from the same source gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "afstemming"
HEADER_ROW = ("Spreker", "Tijd", "Tekst")
ZIP_TIME = (2017, 4, 3, 9, 0, 0)


def save_reproducibly(doc, target: Path) -> None:
    """Save ``doc`` with every zip entry stamped ZIP_TIME (python-docx uses the clock)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    target.write_bytes(out.getvalue())


def fixed_properties(doc, title: str) -> None:
    props = doc.core_properties
    props.author = "qualkit (synthetische data)"
    props.title = title
    props.created = props.modified = dt.datetime(2017, 4, 3, 9, 0, 0)
    props.last_modified_by = "qualkit"
    props.revision = 1


def build_paragraphs(source: Path, target: Path) -> None:
    lines = [ln for ln in source.read_text(encoding="utf-8").splitlines() if ln.strip()]
    doc = Document()
    fixed_properties(doc, lines[0])
    doc.add_paragraph(lines[0], style="Title")
    date = doc.add_paragraph(lines[1])
    date.runs[0].italic = True
    for line in lines[2:]:
        para = doc.add_paragraph(line)
        para.paragraph_format.space_after = Pt(6)
    save_reproducibly(doc, target)


def build_table(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    head_lines = head.splitlines()
    doc = Document()
    fixed_properties(doc, head_lines[0])
    doc.add_paragraph(head_lines[0], style="Title")
    for line in head_lines[1:]:
        doc.add_paragraph(line)
    rows = [[cell.strip() for cell in ln.split("|")] for ln in body.splitlines() if ln.strip()]
    for row in rows:
        if len(row) != 3:
            raise SystemExit(f"{source}: expected 3 cells 'Spreker | Tijd | Tekst', got {row!r}")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, HEADER_ROW):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    save_reproducibly(doc, target)


def main() -> None:
    build_paragraphs(HERE / "focusgroep_pbsog.txt", OUT / "focusgroep_pbsog.docx")
    build_table(HERE / "focusgroep_directie_1.txt", OUT / "focusgroep_directie_1.docx")
    print("wrote", OUT / "focusgroep_pbsog.docx", "and", OUT / "focusgroep_directie_1.docx")


if __name__ == "__main__":
    main()
