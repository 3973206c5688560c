"""Turn the coding worksheet (beurten.csv: document, turn number, code, memo) into codering_mens.csv.

The worksheet is the human coding; this script only looks up each turn's character
offsets in the loaded transcript, writes down who coded the document, and checks
that every code exists in its codebook, every turn exists, and no coding is listed
twice.

    .venv/bin/python data/gold/make_gold.py
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

import qualkit as qk

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "afstemming"
CODEBOOKS = HERE.parents[1] / "codebooks"
#: who coded which document (see README.md); each document has exactly one coder
CODERS = {
    "focusgroep_iclb_1": "LV",
    "focusgroep_zoco_1": "LV",
    "focusgroep_directie_1": "AI",
    "focusgroep_pbsog": "AI",
    "focusgroep_iclb_2": "AI",
}
COLUMNS = ["doc_id", "start", "end", "code", "coder", "memo"]


def known_codes() -> set[str]:
    """Return the qualified codable codes of the three codebooks the sample is coded with."""
    known: set[str] = set()
    for name in ("assemblage", "leiderschap", "netwerkthemas"):
        known |= {c.qualified for c in qk.read_codebook(CODEBOOKS / f"{name}.yaml") if c.codable}
    return known


def load_turns() -> pd.DataFrame:
    """Return the turns of the afstemming folder, indexed by (doc_id, position)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # speakers "Y" are not in participants.csv, on purpose
        corpus = qk.load_corpus(DATA, participants=DATA / "participants.csv", documents=DATA / "documents.csv")
    return corpus.segments("turn").set_index(["doc_id", "position"])


def check(sheet: pd.DataFrame, turns: pd.DataFrame) -> None:
    """Stop with a message naming the worksheet lines that are wrong."""
    problems = []
    unknown = sorted(set(sheet["code"]) - known_codes())
    if unknown:
        problems.append(f"codes not in the codebooks: {', '.join(unknown)}")
    uncoded = sorted(set(sheet["doc_id"]) - set(CODERS))
    if uncoded:
        problems.append(f"documents without a coder in CODERS: {', '.join(uncoded)}")
    line = sheet.index + 2  # header is line 1
    missing = [f"line {n}: {d} turn {t}" for n, d, t in zip(line, sheet["doc_id"], sheet["turn"])
               if (d, int(t)) not in turns.index]
    if missing:
        problems.append(f"turns not in the transcripts: {'; '.join(missing)}")
    twice = sheet.duplicated(["doc_id", "turn", "code"], keep=False)
    if twice.any():
        problems.append(f"codings listed twice: lines {', '.join(map(str, line[twice]))}")
    if problems:
        raise SystemExit("beurten.csv: " + " | ".join(problems))


def main() -> None:
    sheet = pd.read_csv(HERE / "beurten.csv", keep_default_na=False)
    turns = load_turns()
    check(sheet, turns)
    rows = []
    for doc_id, turn, code, memo in sheet[["doc_id", "turn", "code", "memo"]].itertuples(index=False):
        seg = turns.loc[(doc_id, int(turn))]
        rows.append({"doc_id": doc_id, "start": int(seg["start"]), "end": int(seg["end"]), "code": code,
                     "coder": CODERS[doc_id], "memo": memo})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out.to_csv(HERE / "codering_mens.csv", index=False)
    summary = sheet.groupby("doc_id").agg(turns_coded=("turn", "nunique"), codings=("code", "size"))
    summary.insert(0, "turns", [len(turns.loc[d]) for d in summary.index])
    summary.insert(0, "coder", [CODERS[d] for d in summary.index])
    print(summary.to_string())
    print(f"{len(out)} codings of {sheet.groupby(['doc_id', 'turn']).ngroups} turns written, "
          f"{sheet['code'].nunique()} distinct codes")


if __name__ == "__main__":
    main()
