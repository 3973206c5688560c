"""Sanity checks for the bundled sample data (not a loader; independent of src/).

Prints per transcript: encoding check, word count of the speech (labels,
timestamps and bracketed notes removed), the speaker labels found; then
checks that every label is in the folder's participants.csv (for its document
or globally) and every document id is in documents.csv. Lines that look like
a label but are known false speakers ("Bijvoorbeeld:", "Conclusie:") are
listed separately. Exit status 1 on any problem.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from docx import Document

DATA = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"^(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?([A-Za-zÀ-ÿ0-9 .'()\-]{1,50}):\s")
FALSE = {"Bijvoorbeeld", "Conclusie"}
NOTE = re.compile(r"[\[(][^\])]*[\])]")
EXPORT = re.compile(r"^(\S.*?)\s{2,}(\d{1,2}:\d{2}(?::\d{2})?)\s*$")
ENTRY = re.compile(r"^\d{2}:\d{2}(?:\s+\[([^\]]+)\])?")

ENCODINGS = {  # file -> (encoding, expects BOM bytes, line end)
    "afstemming/focusgroep_iclb_1.txt": ("utf-8", None, "\n"),
    "afstemming/focusgroep_iclb_2.vtt": ("utf-8", None, "\n"),
    "afstemming/focusgroep_zoco_1.txt": ("cp1252", None, "\r\n"),
    "afstemming/observaties/veldnotities_overleg_03.txt": ("utf-8", None, "\n"),
    "afstemming/observaties/observatieformulier.csv": ("utf-8-sig", b"\xef\xbb\xbf", "\r\n"),
    "collectief_leren/school_a.txt": ("utf-8-sig", b"\xef\xbb\xbf", "\r\n"),
    "collectief_leren/school_b.srt": ("utf-8", None, "\n"),
    "collectief_leren/school_c.txt": ("utf-16", b"\xff\xfe", "\r\n"),
    # rows end in CRLF; one quoted answer holds a bare LF, as survey exports do
    "vragenlijst/vragenlijst_leerkrachten.csv": ("utf-8-sig", b"\xef\xbb\xbf", "\r\n+lf"),
}

problems: list[str] = []


def read(rel: str) -> str:
    enc, bom, eol = ENCODINGS[rel]
    raw = (DATA / rel).read_bytes()
    if bom and not raw.startswith(bom):
        problems.append(f"{rel}: missing BOM")
    if not bom and raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        problems.append(f"{rel}: unexpected BOM")
    text = raw.decode(enc)  # strict
    if enc == "cp1252":
        try:
            raw.decode("utf-8")
            problems.append(f"{rel}: decodes as UTF-8 too, so it is not really cp1252")
        except UnicodeDecodeError:
            pass
    crlf = text.count("\r\n")
    lf = text.count("\n")
    if eol == "\r\n" and crlf != lf:
        problems.append(f"{rel}: mixed line ends ({crlf} CRLF of {lf})")
    if eol == "\n" and crlf:
        problems.append(f"{rel}: unexpected CRLF")
    return text.replace("\r\n", "\n")


def words(text: str) -> int:
    return len(NOTE.sub(" ", text).split())


def turns_plain(lines: list[str], known: set[str]) -> tuple[list[str], int, list[str]]:
    """Labels, speech words and false-speaker lines; lines before the first known label are header."""
    labels, n, false, started = [], 0, [], False
    for line in lines:
        m = LABEL.match(line)
        if m and not started and m.group(1) not in known:
            continue  # header line such as "Datum: ..."
        if m and m.group(1) in FALSE:
            false.append(line[:40])
            n += words(line)
        elif m:
            started = True
            labels.append(m.group(1))
            n += words(line[m.end():])
        elif started and not line.strip().startswith(("[", "(")):
            n += words(line)
    return labels, n, false


def vtt(text: str):
    labels = re.findall(r"<v ([^>]+)>", text)
    n = sum(words(t) for t in re.findall(r"<v [^>]+>(.*?)</v>", text))
    return labels, n, []


def srt(text: str):
    labels, n = [], 0
    for block in text.strip().split("\n\n"):
        body = block.split("\n")[2:]
        m = LABEL.match(body[0]) if body else None
        if m:
            labels.append(m.group(1))
            n += words(" ".join(body)[m.end():])
        else:
            n += words(" ".join(body))
    return labels, n, []


def export(text: str):
    labels, n = [], 0
    for line in text.split("\n"):
        m = EXPORT.match(line)
        if m:
            labels.append(m.group(1))
        elif labels:
            n += words(line)
    return labels, n, []


def docx_doc(path: Path, known: set[str]):
    doc = Document(path)
    if doc.tables:
        labels, n = [], 0
        for row in doc.tables[0].rows[1:]:
            speaker, _, text = (c.text for c in row.cells)
            if speaker:
                labels.append(speaker)
            n += words(text)
        return labels, n, []
    return turns_plain([p.text for p in doc.paragraphs], known)


def csv_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def check_folder(folder: str, docs: dict[str, tuple[list[str], int, list[str]]]) -> None:
    parts = csv_rows(DATA / folder / "participants.csv")
    known = {(r["speaker"], r.get("document", "") or "") for r in parts}
    listed = {r["document"] for r in csv_rows(DATA / folder / "documents.csv")}
    for doc_id, (labels, n, false) in docs.items():
        print(f"  {doc_id:28s} {n:5d} words  labels={sorted(set(labels))}"
              + (f"  false-speaker lines={false}" if false else ""))
        for label in sorted(set(labels)):
            if (label, doc_id) not in known and (label, "") not in known:
                problems.append(f"{folder}/{doc_id}: label {label!r} not in participants.csv")
        if doc_id not in listed:
            problems.append(f"{folder}: {doc_id} not in documents.csv")


def labels_of(folder: str) -> set[str]:
    return {r["speaker"] for r in csv_rows(DATA / folder / "participants.csv")}


def afstemming() -> None:
    known = labels_of("afstemming")
    docs = {}
    docs["focusgroep_iclb_1"] = turns_plain(read("afstemming/focusgroep_iclb_1.txt").split("\n"), known)
    docs["focusgroep_iclb_2"] = vtt(read("afstemming/focusgroep_iclb_2.vtt"))
    docs["focusgroep_pbsog"] = docx_doc(DATA / "afstemming/focusgroep_pbsog.docx", known)
    docs["focusgroep_zoco_1"] = turns_plain(read("afstemming/focusgroep_zoco_1.txt").split("\n"), known)
    docs["focusgroep_directie_1"] = docx_doc(DATA / "afstemming/focusgroep_directie_1.docx", known)
    notes = read("afstemming/observaties/veldnotities_overleg_03.txt").split("\n")
    tags = [m.group(1) for ln in notes if (m := ENTRY.match(ln)) and m.group(1)]
    body = [ln for ln in notes if ENTRY.match(ln) or ln.startswith(" ")]
    docs["veldnotities_overleg_03"] = (tags, sum(len(ln.split()) for ln in body), [])
    form = csv_rows(DATA / "afstemming/observaties/observatieformulier.csv", ";")
    read("afstemming/observaties/observatieformulier.csv")
    for sessie in sorted({r["sessie"] for r in form}):
        docs[sessie] = ([], sum(words(r["opmerking"]) for r in form if r["sessie"] == sessie), [])
    print("afstemming/")
    check_folder("afstemming", docs)


def collectief_leren() -> None:
    if not (DATA / "collectief_leren/participants.csv").exists():
        return
    known = labels_of("collectief_leren")
    docs = {
        "school_a": turns_plain(read("collectief_leren/school_a.txt").split("\n"), known),
        "school_b": srt(read("collectief_leren/school_b.srt")),
        "school_c": export(read("collectief_leren/school_c.txt")),
    }
    print("collectief_leren/")
    check_folder("collectief_leren", docs)


def vragenlijst() -> None:
    path = DATA / "vragenlijst/vragenlijst_leerkrachten.csv"
    if path.exists():
        read("vragenlijst/vragenlijst_leerkrachten.csv")
        rows = csv_rows(path, ";")
        print(f"vragenlijst/: {len(rows)} respondents, {len(rows[0])} columns")


def main() -> int:
    afstemming()
    collectief_leren()
    vragenlijst()
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
