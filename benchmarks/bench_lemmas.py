"""Benchmark: opening the Dutch lemma table, and its look-ups, compiled vs dict.

Run: ``.venv/bin/python benchmarks/bench_lemmas.py [runs]`` (default 5).

- **open**: ``nlp._lemma_tables()`` in fresh processes with a warm disk cache
  (the compiled ``qualkit._clemma`` table, a mapped file), fastest and median
  of ``runs``; for comparison the same in fresh processes without the
  extension, which builds the dict from the JSON source.
- **per call**: ``get`` (hit, miss) and ``in known`` (hit, miss) on 200,000
  random forms, each a fresh str (as ``word.lower()`` gives, no cached hash),
  for the compiled table and a dict/frozenset with the same entries; the empty
  loop's cost is subtracted. Also one key asked over and over (all in cache).
- **_lemmas**: the lemma step of :func:`qualkit.nlp.analyse` on 20,000
  distinct forms (table forms, capitalised forms, forms with a suffix the
  rules try), compiled vs dict, interleaved ``3 * runs`` times.
"""

from __future__ import annotations

import functools
import random
import subprocess
import sys
import time
import timeit

from qualkit import nlp

OPEN = """
import time
from qualkit import nlp
{patch}
t = time.perf_counter()
nlp._lemma_tables()
print(time.perf_counter() - t)
"""


def open_seconds(runs: int, compiled: bool) -> list[float]:
    patch = "" if compiled else "nlp._clemma = None"
    code = OPEN.format(patch=patch)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm the disk cache
    return sorted(float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
                  for _ in range(runs))


def fresh(words: list[str]) -> list[str]:
    return [w.encode("utf-8").decode("utf-8") for w in words]


def per_call_ns(ask, words: list[str], repeat: int) -> float:
    """Nanoseconds per ``ask(word)`` over fresh copies of ``words``, the loop itself subtracted."""

    def loop(f, xs):
        t = time.perf_counter()
        for x in xs:
            f(x)
        return time.perf_counter() - t

    best = min(loop(ask, fresh(words)) for _ in range(repeat))
    empty = min(loop(len, fresh(words)) for _ in range(repeat))
    return (best - empty) / len(words) * 1e9


def sample_forms(keys: list[str], rng: random.Random) -> list[str]:
    forms = rng.sample(keys, 15000)
    forms = [w.capitalize() if i % 3 == 0 else w for i, w in enumerate(forms)]
    forms += [rng.choice(keys) + rng.choice(["tje", "en", "t", "s", "jes", "heid"]) for _ in range(5000)]
    return list(dict.fromkeys(forms))[:20000]


def main(runs: int = 5) -> None:
    for compiled in (True, False):
        times = open_seconds(runs, compiled)
        label = "compiled, mapped cache file" if compiled else "no extension, dict built"
        print(f"open ({label}): fastest {times[0] * 1e3:.1f} ms, median {times[len(times) // 2] * 1e3:.1f} ms of {runs}")

    table, known = nlp._lemma_tables()
    if nlp._clemma is None:
        sys.exit("qualkit._clemma is not compiled: nothing to compare")
    as_dict, as_set = dict(table.items()), frozenset(known)
    rng = random.Random(1)
    keys, lemmas = table.keys(), list(known)
    hits = rng.sample(keys, 200_000)
    asked = {
        "get, hit": (hits, lambda t, k: t.get),
        "get, miss": ([w + "q" for w in hits], lambda t, k: t.get),
        "in known, hit": ([rng.choice(lemmas) for _ in range(200_000)], lambda t, k: k.__contains__),
        "in known, miss": ([rng.choice(lemmas) + "x" for _ in range(200_000)], lambda t, k: k.__contains__),
    }
    for name, (words, method) in asked.items():
        ours = per_call_ns(method(table, known), words, runs)
        theirs = per_call_ns(method(as_dict, as_set), words, runs)
        print(f"{name:15s} random forms: compiled {ours:4.0f} ns, dict/frozenset {theirs:4.0f} ns per call")
    for key in ("gesprekken", "samenwerkingsverbanden"):
        n = 1_000_000
        ours, theirs = (min(timeit.repeat("get(key)", globals={"get": t.get, "key": key}, number=n, repeat=runs)) / n * 1e9
                        for t in (table, as_dict))
        print(f"get({key!r}) repeated: compiled {ours:.0f} ns, dict {theirs:.0f} ns")

    forms = sample_forms(keys, rng)
    pairs = [(f, nlp.norm(f)) for f in forms]
    seconds: dict[str, list[float]] = {"compiled": [], "dict": []}
    real = nlp._lemma_tables
    try:
        for _ in range(3 * runs):
            for name, tables in (("compiled", (table, known)), ("dict", (as_dict, as_set))):
                nlp._lemma_tables = functools.lru_cache(maxsize=1)(lambda tables=tables: tables)
                copies = [(f.encode().decode(), w.encode().decode()) for f, w in pairs]
                t = time.perf_counter()
                for f, w in copies:
                    nlp._lemmas(f, w)
                seconds[name].append(time.perf_counter() - t)
    finally:
        nlp._lemma_tables = real
    for name, times in seconds.items():
        times.sort()
        print(f"_lemmas of {len(forms)} forms, {name}: fastest {times[0] * 1e3:.1f} ms, median {times[len(times) // 2] * 1e3:.1f} ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
