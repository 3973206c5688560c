"""Build data/collectief_leren/school_b.srt from school_b.txt.

Imitates a Zoom transcript saved as SubRip: numbered cues, times
"HH:MM:SS,mmm --> HH:MM:SS,mmm", the payload "Name: text", long utterances cut
into several consecutive cues of the same speaker (mid-sentence, as Zoom does).
Fixed seed, so the output is reproducible.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "school_b.txt"
TARGET = HERE.parent / "collectief_leren" / "school_b.srt"
SEED = 20181204
SECONDS_PER_WORD = 0.4


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def main() -> None:
    rng = random.Random(SEED)
    out, number, clock = [], 1, 5.12
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        name, text = line.split(": ", 1)
        words = text.split()
        i = 0
        while i < len(words):
            n = rng.randint(10, 22)
            if len(words) - (i + n) < 4:  # no tiny tail cue
                n = len(words) - i
            part = " ".join(words[i:i + n])
            end = clock + n * SECONDS_PER_WORD + rng.uniform(0.1, 0.6)
            out += [str(number), f"{stamp(clock)} --> {stamp(end)}", f"{name}: {part}", ""]
            number += 1
            i += n
            clock = end + rng.uniform(0.05, 0.3)
        clock += rng.uniform(0.4, 2.0)
    TARGET.write_text("\n".join(out), encoding="utf-8", newline="\n")
    print(f"wrote {TARGET} ({number - 1} cues)")


if __name__ == "__main__":
    main()
