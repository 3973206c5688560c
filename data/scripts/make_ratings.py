"""Build data/referentiekader/beoordelingen.csv: synthetic ratings of 24 support
networks (ON01..ON24) on the 50 building blocks (b01..b50) of the inspectorate's
reference framework.

The counts per theme and rating are the figures of the report "Ondersteunings-
netwerken: naar een referentiekader" (onderwijsinspectie, 2019, Figuur 14 and
Figuur 17): 856 past, 245 past deels, 71 past niet, 28 knab of 1,200. Which
network gets which rating is invented (fixed seed), with the report's statement
that 19 of the 24 networks have at least half of the blocks rated "past".

Figuur 17 does not add up for two themes: Organisatie (9 blocks, 216 ratings)
sums to 217 and Visie en strategisch beleid (8 blocks, 192 ratings) to 191. We
move one "past niet" from Organisatie to Visie so every theme has 24 x its
blocks and the overall totals stay those of Figuur 14; the notebook shows the
published discrepancy with qk.check_tally.

Run: python data/scripts/make_ratings.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

THEMES = [  # (theme id, name, number of blocks, past, past deels, past niet, knab)
    ("t1", "Organisatie", 9, 174, 30, 10, 2),
    ("t2", "Visie en strategisch beleid", 8, 123, 49, 20, 0),
    ("t3", "Vormgeving van de ondersteuning", 12, 217, 56, 10, 5),
    ("t4", "Samenwerking", 7, 129, 26, 8, 5),
    ("t5", "Personeelsbeleid en professionalisering", 7, 102, 41, 14, 11),
    ("t6", "Kwaliteitsontwikkeling", 4, 62, 24, 5, 5),
    ("t7", "Middelenbeleid", 3, 49, 19, 4, 0),
]
NETWORKS = [f"ON{i:02d}" for i in range(1, 25)]
TARGET_STRONG = 19  # networks with at least 25 of 50 blocks "past"


def build(seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    strength = {n: rng.gauss(0, 1) for n in NETWORKS}
    rows: list[dict[str, str]] = []
    block = 0
    for theme, _name, n_blocks, *counts in THEMES:
        blocks = [f"b{block + i + 1:02d}" for i in range(n_blocks)]
        block += n_blocks
        cells = [(n, b) for n in NETWORKS for b in blocks]
        assert sum(counts) == len(cells), theme
        # knab (not discussed) is drawn at random; the rest by network strength plus noise
        rng.shuffle(cells)
        knab, rest = cells[: counts[3]], cells[counts[3] :]
        rest.sort(key=lambda c: strength[c[0]] + rng.gauss(0, 1.2), reverse=True)
        labels = ["past"] * counts[0] + ["past deels"] * counts[1] + ["past niet"] * counts[2]
        rated = list(zip(rest, labels)) + [(c, "knab") for c in knab]
        for (net, b), label in rated:
            rows.append({"netwerk": net, "thema": theme, "bouwsteen": b, "beoordeling": label})
    rows.sort(key=lambda r: (r["netwerk"], r["bouwsteen"]))
    return rows


def strong(rows: list[dict[str, str]]) -> int:
    per = {n: 0 for n in NETWORKS}
    for r in rows:
        per[r["netwerk"]] += r["beoordeling"] == "past"
    return sum(v >= 25 for v in per.values())


def main() -> None:
    seed = next(s for s in range(10_000) if strong(build(s)) == TARGET_STRONG)
    rows = build(seed)
    out = Path(__file__).resolve().parents[1] / "referentiekader" / "beoordelingen.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["netwerk", "thema", "bouwsteen", "beoordeling"])
        w.writeheader()
        w.writerows(rows)
    print(f"seed {seed}: {len(rows)} ratings, {strong(rows)} networks with >= 25 'past' -> {out}")


if __name__ == "__main__":
    main()
