"""Build data/afstemming/focusgroep_iclb_2.vtt from focusgroep_iclb_2.txt.

The source has one turn per line ("Naam Achternaam: tekst"). The output
imitates a Microsoft Teams transcript: "WEBVTT", cue ids "<guid>/<n>-<k>",
times "HH:MM:SS.mmm --> HH:MM:SS.mmm", payload "<v Naam>tekst</v>", and each
utterance cut into short cues regardless of sentence ends (as Teams does).
Deterministic: a fixed seed drives the cue lengths and pauses.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "focusgroep_iclb_2.txt"
TARGET = HERE.parent / "afstemming" / "focusgroep_iclb_2.vtt"
SEED = 20170321
SECONDS_PER_WORD = 0.36


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def turns(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            name, text = line.split(": ", 1)
            out.append((name, text))
    return out


def chunks(words: list[str], rng: random.Random) -> list[list[str]]:
    out, i = [], 0
    while i < len(words):
        n = rng.randint(6, 15)
        out.append(words[i:i + n])
        i += n
    if len(out) > 1 and len(out[-1]) < 3:  # Teams rarely leaves a 1-2 word tail
        out[-2].extend(out.pop())
    return out


def main() -> None:
    rng = random.Random(SEED)
    lines = ["WEBVTT", ""]
    clock = 4.12
    for n, (name, text) in enumerate(turns(SOURCE), start=3):
        guid = uuid.UUID(int=rng.getrandbits(128), version=4)
        for k, part in enumerate(chunks(text.split(), rng)):
            start = clock
            end = start + len(part) * SECONDS_PER_WORD + rng.uniform(0.2, 0.9)
            lines += [f"{guid}/{n}-{k}", f"{stamp(start)} --> {stamp(end)}",
                      f"<v {name}>{' '.join(part)}</v>", ""]
            clock = end + rng.uniform(0.05, 0.4)
        clock += rng.uniform(0.3, 2.5)
    TARGET.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
