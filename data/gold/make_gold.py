"""Turn LV's coding worksheet (beurten.csv: document, turn number, code, memo) into codering_mens.csv.

The worksheet is the human coding; this script only looks up each turn's character
offsets in the loaded transcript and checks that every code exists in its codebook.

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
CODER = "LV"


def known_codes() -> set[str]:
    """Return the qualified codable codes of the three codebooks the sample is coded with."""
    known: set[str] = set()
    for name in ("assemblage", "leiderschap", "netwerkthemas"):
        known |= {c.qualified for c in qk.read_codebook(CODEBOOKS / f"{name}.yaml") if c.codable}
    return known


def main() -> None:
    sheet = pd.read_csv(HERE / "beurten.csv", keep_default_na=False)
    files = [DATA / f"{doc}.txt" for doc in sorted(sheet["doc_id"].unique())]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = qk.load_corpus(files, participants=DATA / "participants.csv")
    turns = corpus.segments("turn").set_index(["doc_id", "position"])
    unknown = sorted(set(sheet["code"]) - known_codes())
    if unknown:
        raise SystemExit(f"beurten.csv: codes not in the codebooks: {', '.join(unknown)}")
    rows = []
    for doc_id, turn, code, memo in sheet[["doc_id", "turn", "code", "memo"]].itertuples(index=False):
        seg = turns.loc[(doc_id, int(turn))]
        rows.append({"doc_id": doc_id, "start": int(seg["start"]), "end": int(seg["end"]), "code": code,
                     "coder": CODER, "memo": memo})
    out = pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "coder", "memo"])
    out.to_csv(HERE / "codering_mens.csv", index=False)
    print(f"{len(out)} codings of {sheet.groupby(['doc_id', 'turn']).ngroups} turns written")


if __name__ == "__main__":
    main()
