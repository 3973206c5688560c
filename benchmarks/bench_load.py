"""Benchmark: load a generated corpus of about 5 million words in turn units.

Run: ``.venv/bin/python benchmarks/bench_load.py [million_words]``. Writes
hard-wrapped .txt transcripts (cp1252, CRLF, timestamps, notes) to a temporary
folder, then times ``load_corpus`` and ``corpus.segments("turn")`` and, on
a tenth of the corpus, ``segments("sentence")``.
"""

from __future__ import annotations

import random
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import qualkit as qk

WORDS = ("de school het overleg zorgcoördinator leerkracht samen werken met het CLB en de begeleider we "
         "hebben dat vorig jaar al gedaan maar nu gaat het beter omdat iedereen meer tijd krijgt").split()
LABELS = ["Moderator", "Leerkracht 1", "Leerkracht 2", "Zoco 1", "Directeur", "CLB 3"]


def transcript(rng: random.Random, n_words: int) -> str:
    lines = ["Focusgroep (gegenereerd)", "Datum: 1 januari", ""]
    written, t = 0, 0
    while written < n_words:
        k = rng.randint(5, 120)
        turn = " ".join(rng.choice(WORDS) for _ in range(k)) + "."
        t += rng.randint(3, 40)
        head = f"[{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}] {rng.choice(LABELS)}: "
        lines.extend(textwrap.wrap(head + turn, 72))
        if rng.random() < 0.05:
            lines.append("[instemming door anderen]")
        written += k
    return "\r\n".join(lines) + "\r\n"


def main(million: float = 5.0) -> None:
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp())
    files = 50
    per_file = int(million * 1_000_000 / files)
    for i in range(files):
        (folder / f"fg_{i:02d}.txt").write_bytes(transcript(rng, per_file).encode("cp1252"))
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    t0 = time.perf_counter()
    corpus = qk.load_corpus(folder)
    t1 = time.perf_counter()
    frame = corpus.segments("turn")
    t2 = time.perf_counter()
    small = qk.Corpus(list(corpus)[: files // 10])
    sentences = small.segments("sentence")
    t3 = time.perf_counter()
    print(f"{million:g}M words in {files} files ({size:.0f} MB): load_corpus {t1 - t0:.1f} s, "
          f"segments('turn') {t2 - t1:.1f} s for {len(frame)} turns, "
          f"segments('sentence') on a tenth {t3 - t2:.1f} s for {len(sentences)} sentences")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
