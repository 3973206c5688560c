"""Benchmark of the coding pass: qualkit's rule coder against spaCy and one big regex.

Builds a synthetic Dutch corpus of N words by sampling turns of the bundled
sample data (``data/``), codes it with ALL shipped codebooks together
(``codebooks/*.yaml``), and measures, each in a fresh subprocess:

qualkit    ``qk.code(corpus, books)``: segments frame + the full coding pass, in a fresh
           process (the coder is built, the lemma table read, every form analysed)
cold       the same with an empty cache folder (``$QUALKIT_CACHE_DIR``): the very first run on a
           machine, which also builds the lemma table from its source and analyses every regex
rerun      the same again in the same process after one untimed pass and one edit of the
           codebooks (a keyword added to one code): what a researcher pays when she edits
           a codebook and codes again in her notebook (a new coder is built and learns
           every form again; the lemma table and the word analyses are still in memory)
spacy      spaCy ``blank("nl")`` + lookup lemmatizer, ``nlp.pipe`` over the
           same segment texts, reading every token's lemma (no matching at all)
regex      one compiled, case-insensitive regex of every keyword (``\\b(?:a|b|...)\\b``),
           ``findall`` over every segment
floor      what any per-segment design on qualkit's tokenizer pays at least: the
           segment texts as a list, one ``findall`` of :data:`qualkit.nlp.TOKEN_RE`
           per segment, its distinct forms (``set``) and one C-level set test
           against the forms seen so far (no analysis, no matching, no frame)

Module imports are done before the clock starts, for qualkit as for spaCy
(whose pipeline is also built untimed); everything qualkit does on its first
call (reading its caches, building the coder) is timed.

It reports words per second, seconds per million words and peak memory
(``ru_maxrss`` of the subprocess; ``corpus`` is the peak after building the
corpus, before the measured step).

Run from the project root::

    .venv/bin/python benchmarks/bench_coding.py                 # 1M and 5M words
    .venv/bin/python benchmarks/bench_coding.py --words 5000    # a smoke run
    .venv/bin/python benchmarks/bench_coding.py --words 1000000 --kinds qualkit,spacy --repeat 5

``--repeat N`` runs every measurement N times, interleaved (kind after kind,
then again), each in a fresh subprocess, and summarises each kind by its
fastest and its median run: this machine's speed varies from run to run, and
interleaving spreads a slow spell over all kinds alike.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: used only when data/ holds no transcripts (a fresh checkout without sample data)
FALLBACK_TURNS = [
    ("directie", "Onze visie op zorg is de laatste jaren sterk veranderd, we werken nu veel meer samen met het CLB."),
    ("leerkracht", "In de klas merk ik dat de leerlingen meer nood hebben aan structuur en duidelijke afspraken."),
    ("zorgcoördinator", "Het afstemmingsgesprek was goed voorbereid, het document stond al een week online."),
    ("clb-medewerker", "We hebben de doelen samen geformuleerd, maar de opvolging bleef een beetje vaag."),
    ("leerkracht", "Eerlijk gezegd voelde het soms als een formaliteit, we vinken de punten af en gaan verder."),
    ("directie", "De pedagogisch begeleider trekt echt de kar als het over het taalbeleid gaat."),
]


def source_turns() -> list[tuple[str | None, str]]:
    """Return (role, text) of every turn of the sample data, or the fallback paragraphs."""
    import qualkit as qk

    turns: list[tuple[str | None, str]] = []
    for folder in sorted(p for p in (ROOT / "data").iterdir() if p.is_dir()) if (ROOT / "data").is_dir() else []:
        participants = folder / "participants.csv"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                corpus = qk.load_corpus(folder, participants=participants if participants.exists() else None)
        except Exception:  # noqa: BLE001 - a folder that is not a corpus (scripts, gold ...)
            continue
        segs = corpus.segments("turn")
        turns += [(None if not isinstance(r, str) else r, t) for r, t in zip(segs["role"], segs["text"]) if t.strip()]
    return turns or FALLBACK_TURNS


def vocabulary_words(n: int, seed: int = 1) -> list[str]:
    """``n`` distinct Dutch word forms from spaCy's Dutch lemma table (the forms it knows), seeded."""
    import gzip

    import spacy_lookups_data

    with gzip.open(str(spacy_lookups_data.get_file("nl_lemma_lookup.json.gz")), "rt", encoding="utf-8") as fh:
        forms = sorted(w for w in json.load(fh) if w.isalpha() and len(w) > 2)
    return random.Random(seed).sample(forms, n)


def build_corpus(n_words: int, seed: int = 1, vocabulary: int = 0):
    """Return a Corpus of about ``n_words`` words: documents of ~5,000 words of sampled turns.

    ``vocabulary`` > 0 ends every turn with one more word, taken in turn from that many
    distinct real Dutch word forms: the sampled turns alone have under 2,000 distinct forms,
    a real corpus of this size tens of thousands, and each new form is analysed once.
    """
    from qualkit.model import Corpus, Document, Participant, Segment
    from qualkit.nlp import words

    turns = source_turns()
    extra = vocabulary_words(vocabulary, seed) if vocabulary else []
    turn_no = 0
    sizes = [len(words(t)) for _, t in turns]
    roles = sorted({r for r, _ in turns if r})
    rng = random.Random(seed)
    docs = []
    total = 0
    d = 0
    while total < n_words:
        d += 1
        doc_id = f"doc{d:05d}"
        parts, segs, pos, doc_words = [], [], 0, 0
        while doc_words < 5000 and total + doc_words < n_words:
            k = rng.randrange(len(turns))
            role, text = turns[k]
            if extra:
                text = f"{text} {extra[turn_no % len(extra)]}"
                turn_no += 1
                doc_words += 1
            label = f"{role or 'spreker'} {rng.randint(1, 4)}: "
            start = pos + len(label)
            parts.append(label + text + "\n")
            segs.append(Segment(doc_id, start, start + len(text), "turn", text, speaker=label[:-2], label_start=pos))
            pos += len(label) + len(text) + 1
            doc_words += sizes[k]
        docs.append(Document(doc_id, "".join(parts), kind="transcript", segments=tuple(segs), attributes={"school": f"s{d % 7}"}))
        total += doc_words
    participants = [Participant(f"{r} {i}", role=r) for r in [*roles, "spreker"] for i in range(1, 5)]
    return Corpus(docs, participants), total


def shipped_codebooks():
    from qualkit.codebook import read_codebooks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_codebooks(sorted((ROOT / "codebooks").glob("*.yaml")))


def edited(books):
    """The codebooks with one keyword added to the first code that has keywords (a new coder's key)."""
    from dataclasses import replace

    first = next((b, c) for b in books for c in b.codes if c.rules.keywords)
    book, code = first
    new_code = replace(code, rules=replace(code.rules, keywords=(*code.rules.keywords, "overlegmoment")))
    new_book = replace(book, codes=tuple(new_code if c is code else c for c in book.codes))
    return [new_book if b is book else b for b in books]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(kind: str, n_words: int, vocabulary: int = 0) -> dict:
    """Build the corpus, then time one step; return the figures as a dict."""
    corpus, total = build_corpus(n_words, vocabulary=vocabulary)
    books = shipped_codebooks()
    base = peak_mb()
    extra: dict = {}
    if kind in ("qualkit", "rerun", "cold"):
        import qualkit as qk
        import qualkit.coding  # noqa: F401 - imports are not timed (spaCy's neither): where no .pyc
        # can be written (PYTHONDONTWRITEBYTECODE) importing compiles the module, ~30 ms here

        if kind == "rerun":
            qk.code(corpus.segments("turn"), books)
            books = edited(books)
        t0 = time.perf_counter()
        segs = corpus.segments("turn")
        t1 = time.perf_counter()
        coded = qk.code(segs, books)
        t2 = time.perf_counter()
        seconds = t2 - t0
        from qualkit.coding import _coder

        extra = {"segments_s": round(t1 - t0, 2), "coding_s": round(t2 - t1, 2), "codings": len(coded),
                 "distinct_forms": len(_coder(tuple(books))._vocab),
                 "codes": sum(1 for b in books for c in b if c.codable and not c.rules.is_empty())}
    elif kind == "spacy":
        import spacy

        nlp = spacy.blank("nl")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        texts = [s.text for d in corpus for s in d.segments]
        t0 = time.perf_counter()
        n = 0
        for doc in nlp.pipe(texts, batch_size=1000):
            n += sum(1 for t in doc if t.lemma_)
        seconds = time.perf_counter() - t0
        extra = {"tokens": n}
    elif kind == "floor":
        from qualkit.nlp import TOKEN_RE

        segs = corpus.segments("turn")
        t0 = time.perf_counter()
        texts = segs["text"].tolist()
        findall = TOKEN_RE.findall
        seen: set[str] = set()
        hot = 0
        for t in texts:
            distinct = set(findall(t))
            if not distinct <= seen:
                seen |= distinct
            hot += len(distinct & seen)
        seconds = time.perf_counter() - t0
        extra = {"distinct_forms": len(seen)}
    elif kind == "regex":
        keywords = sorted({k.rstrip("*") for b in books for c in b for k in c.rules.keywords}, key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")", re.IGNORECASE)
        texts = [s.text for d in corpus for s in d.segments]
        t0 = time.perf_counter()
        hits = sum(len(pattern.findall(t)) for t in texts)
        seconds = time.perf_counter() - t0
        extra = {"keywords": len(keywords), "hits": hits}
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    return {"kind": kind, "words": total, "seconds": round(seconds, 3), "words_per_s": round(total / seconds),
            "s_per_million": round(seconds / total * 1e6, 3), "peak_mb": round(peak_mb()), "corpus_mb": round(base), **extra}


def run_in_subprocess(kind: str, n_words: int, vocabulary: int = 0) -> dict:
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as empty:
        # "cold": qualkit's caches (lemma table, regex analysis) start empty, as on a new machine
        env = {**os.environ, "QUALKIT_CACHE_DIR": empty} if kind == "cold" else None
        out = subprocess.run([sys.executable, __file__, "--measure", kind, "--words", str(n_words), "--vocabulary", str(vocabulary)],
                             capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_repeats(rows: list[dict]) -> None:
    """The fastest and the median run of each kind and size, and qualkit's ratio to spaCy on both."""
    print()
    print("| words | step | runs | fastest s | median s | words/s (fastest; median) | peak MB (max) |")
    print("|---:|---|---:|---:|---:|---|---:|")
    summary: dict[tuple[int, str], tuple[float, float]] = {}
    for n, kind in dict.fromkeys((r["words"], r["kind"]) for r in rows):
        runs = [r for r in rows if (r["words"], r["kind"]) == (n, kind)]
        seconds = [r["seconds"] for r in runs]
        best, median = min(seconds), statistics.median(seconds)
        summary[n, kind] = best, median
        print(f"| {n:,} | {kind} | {len(runs)} | {best:.2f} | {median:.2f} | {n / best:,.0f}; {n / median:,.0f} | "
              f"{max(r['peak_mb'] for r in runs)} |")
    for (n, kind), (best, median) in summary.items():
        if kind != "spacy" and (n, "spacy") in summary:
            s_best, s_median = summary[n, "spacy"]
            print(f"{n:,} words: {kind} is {s_best / best:.1f}x (fastest runs) and {s_median / median:.1f}x (medians) as fast as spaCy's lemmatizer alone")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--words", type=int, action="append", help="corpus size in words (repeatable; default 1M and 5M)")
    p.add_argument("--measure", help=argparse.SUPPRESS)
    p.add_argument("--vocabulary", type=int, default=0,
                   help="end every turn with one of this many distinct real Dutch word forms (default 0: none)")
    p.add_argument("--kinds", default="qualkit,cold,rerun,spacy,regex,floor",
                   help="comma-separated: qualkit, cold, rerun, spacy, regex, floor")
    p.add_argument("--repeat", type=int, default=1, help="run every measurement this many times, interleaved (default 1)")
    args = p.parse_args(argv)
    sizes = args.words or [1_000_000, 5_000_000]
    if args.measure:
        print(json.dumps(measure(args.measure, sizes[0], args.vocabulary)))
        return 0
    rows = []
    for n in sizes:
        for _ in range(args.repeat):
            for kind in args.kinds.split(","):
                r = run_in_subprocess(kind, n, args.vocabulary)
                rows.append(r)
                print(json.dumps(r), flush=True)
    if args.repeat > 1:
        print_repeats(rows)
        return 0
    print()
    print("| words | step | seconds | words/s | s per 1M words | peak MB (corpus alone) |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['words']:,} | {r['kind']} | {r['seconds']:.2f} | {r['words_per_s']:,} | {r['s_per_million']:.2f} | "
              f"{r['peak_mb']} ({r['corpus_mb']}) |")
    by = {(r["words"], r["kind"]): r for r in rows}
    for n in sorted({r["words"] for r in rows}):
        q, s = by.get((n, "qualkit")), by.get((n, "spacy"))
        if q and s:
            print(f"\n{n:,} words: qualkit's full coding pass is {s['seconds'] / q['seconds']:.1f}x as fast as spaCy's lemmatizer alone")
        r = by.get((n, "rerun"))
        if r and s:
            print(f"{n:,} words: coding again in the same session is {s['seconds'] / r['seconds']:.1f}x as fast as spaCy's lemmatizer alone")
        f = by.get((n, "floor"))
        if q and f:
            print(f"{n:,} words: the floor (tokenise + distinct forms) alone runs at {f['words_per_s']:,} words/s; "
                  f"qualkit's pass spends {q['seconds'] / f['seconds']:.1f}x that time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
