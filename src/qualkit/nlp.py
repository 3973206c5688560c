"""The Dutch language layer: normalisation, tokens with offsets, lemmas, stems, term matching.

Coding a corpus must be fast, so nothing here runs a spaCy pipeline over text.
A corpus has few distinct word forms, so each form is analysed once
(:func:`analyse`, memoised) into its normalised form, its lemmas and its stem;
the text itself is only cut into words by one compiled regular expression.

How a word matches a keyword (the semantics of ``codebooks/README.md``):

- **normalised form** (:func:`norm`): lowercase, diacritics removed (NFKD),
  curly quotes made straight, hyphens and apostrophes inside the word dropped,
  so ``Coördinator``, ``coordinator`` and ``co-ordinator`` are all
  ``coordinator``.
- **lemmas** (:func:`lemmas`): spaCy's Dutch lookup table from
  ``spacy-lookups-data`` (``gesprekken`` -> ``gesprek``), read once. Where the
  table has no entry, three guarded Dutch spelling rules add a lemma *only if*
  the result is itself a lemma the table knows: open-syllable plurals
  (``scholen`` -> ``school``, ``leraren`` -> ``leraar``, ``huizen`` -> ``huis``),
  diminutives (``huisje`` -> ``huis``, ``ideetje`` -> ``idee``,
  ``boompje`` -> ``boom``) and present-tense verbs in ``-t``
  (``werkt`` -> ``werken``, ``praat`` -> ``praten``).
- **stem**: the Snowball Dutch stemmer (NLTK's ``DutchStemmer`` algorithm, run by
  PyStemmer's ``dutch_porter``) of the normalised form
  (``leerkrachten`` -> ``leerkracht``).

Two words match when their normalised forms are equal, they share a lemma, or
their stems are equal. See :class:`TermMatcher` for wildcards, phrases and
compounds, and :func:`find_term` for the spans of one term in a text.

Examples
--------
>>> norm("Co-ördinator’s")
'coordinators'
>>> [t.text for t in tokens("De zorgco’s en CLB-medewerkers!")]
['De', 'zorgco’s', 'en', 'CLB-medewerkers']
>>> find_term("Twee gesprekken, één gesprek.", "gesprek")
[(5, 15), (21, 28)]
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import mmap
import os
import re
import sys
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from ._forms import IdSets, KeyTable

#: a word: letters/digits, with hyphens or apostrophes inside it (not at its edges)
TOKEN_PATTERN = r"\w+(?:['’‘`´\-‐‑]\w+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)

#: quote characters made straight by :func:`unify_quotes` (one character each,
#: so offsets into the unified text are offsets into the original)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
#: characters removed inside a word when normalising
_INWORD = str.maketrans("", "", "'-‐‑")
#: the same for an ASCII word, where unify_quotes only turns ` into ' (so it goes too)
_INWORD_ASCII = str.maketrans("", "", "'-`")

#: what a word that matches no keyword word gets (one shared object)
_NO_PATTERNS: frozenset[int] = frozenset()
#: a keyword word of at least this many letters also matches inside compounds
COMPOUND_MIN = 4
#: the other part of a compound must have at least this many letters
COMPOUND_REST_MIN = 3

_VOWELS = set("aeiouy")


@dataclass(frozen=True)
class Token:
    """A word of a text with its character offsets ``[start, end)``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Form:
    """What qualkit knows about one word form: the keys it is matched on.

    Examples
    --------
    >>> f = analyse("Leerkrachten")
    >>> (f.norm, sorted(f.lemmas), f.stem)
    ('leerkrachten', ['leerkracht'], 'leerkracht')
    """

    norm: str
    lemmas: frozenset[str]
    stem: str


def unify_quotes(text: str) -> str:
    """Return ``text`` with curly quotes made straight (same length, same offsets).

    Examples
    --------
    >>> unify_quotes("‘zoco’s’ en „dit“")
    '\\'zoco\\'s\\' en "dit"'
    """
    return text.translate(_QUOTES)


def strip_diacritics(text: str) -> str:
    """Return ``text`` without combining marks (``coördinatie`` -> ``coordinatie``).

    Examples
    --------
    >>> strip_diacritics("één coördinator")
    'een coordinator'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 18)
def norm(word: str) -> str:
    """Return the normalised form of a word, the key of exact matching.

    Lowercase, diacritics removed, quotes unified, hyphens and apostrophes
    inside the word dropped.

    Examples
    --------
    >>> norm("CLB-medewerker"), norm("Coördinator"), norm("zoco’s")
    ('clbmedewerker', 'coordinator', 'zocos')
    """
    return _norm_lower(word.lower())


def _norm_lower(w: str) -> str:
    """:func:`norm` of a word that is lowercase already."""
    if w.isascii():  # most words: no curly quotes, no diacritics; only ' - ` can go
        return w.translate(_INWORD_ASCII) if ("'" in w or "-" in w or "`" in w) else w
    return strip_diacritics(unify_quotes(w)).translate(_INWORD)


def tokens(text: str) -> list[Token]:
    """Return the words of ``text`` with their character offsets.

    Examples
    --------
    >>> tokens("Ja, co-ördinatie.")
    [Token(text='Ja', start=0, end=2), Token(text='co-ördinatie', start=4, end=16)]
    """
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def words(text: str) -> list[str]:
    """Return the words of ``text`` (the fast path of the coding pass: no offsets).

    Examples
    --------
    >>> words("We werken samen, toch?")
    ['We', 'werken', 'samen', 'toch']
    """
    return TOKEN_RE.findall(text)


# -- lemmas ------------------------------------------------------------------

try:  # the lemma table read in place from its cache file (src/qualkit/_clemma.c)
    from . import _clemma
except ImportError:  # pragma: no cover - an installation without a C compiler: plain dicts
    _clemma = None

#: bump whenever the lemma table's normalisation (:func:`_plain`,
#: :func:`_build_lemma_tables`) or the cache file's layout changes: it is part
#: of the cache key, so a cache written otherwise is never read
LEMMA_CACHE_VERSION = 2
#: the characters :func:`_plain` leaves alone in a plain word (ASCII lowercase and digits)
_PLAIN_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"
#: a word with a character outside ``_PLAIN_BYTES``
_NOT_PLAIN = re.compile(r"[^a-z0-9]").search


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict[str, str], frozenset[str]] | tuple[_clemma.LemmaTable, _clemma.KnownLemmas]:
    """Return (normalised form -> normalised lemma, the set of known lemmas).

    Built from spacy-lookups-data's Dutch ``lemma_lookup`` table (the table
    spaCy's lookup lemmatizer uses) by :func:`_build_lemma_tables`: reading the
    file directly takes 0.4 s where building a spaCy pipeline takes seconds.

    With the compiled ``qualkit._clemma`` (built by ``pip install`` where there
    is a C compiler) the pair is a ``LemmaTable`` and its ``known`` set:
    read-only twins of the dict and the frozenset (``get``, ``[]``, ``in``,
    ``len``, ``keys()``, ``items()``, iteration) that answer from the bytes of
    a cache file mapped into memory, so no Python object is made for the
    220,909 entries; opening the file costs a few milliseconds (its checksum)
    instead of 0.15-0.2 s for loading a dict. The layout is documented in
    ``src/qualkit/_clemma.c``. Without the extension the pair is a plain dict
    and frozenset, built in every process.

    The cache folder is ``$QUALKIT_CACHE_DIR`` if set, else
    ``$XDG_CACHE_HOME/qualkit``, else ``~/.cache/qualkit``; the file is
    ``nl_lemma_table-<hash>.bin``. Its key (stored in the file and checked on
    reading) is the source file's path, size and modification time, the
    spacy-lookups-data version, the Python and Unicode versions and
    :data:`LEMMA_CACHE_VERSION`, so a changed source or normalisation never
    reads stale data. To clear the cache, delete the folder or its
    ``nl_lemma_*`` files: the next call rebuilds and rewrites it. A missing,
    unreadable or corrupt file (the whole file is checksummed) is rebuilt; an
    unwritable folder only means every process builds the table.
    """
    source, version = _lemma_source()
    if _clemma is None:
        return _build_lemma_tables(source)
    try:
        key = _lemma_cache_key(source, version)
        path = _lemma_cache_path(key)
    except OSError:  # the source cannot be inspected: build (and fail there if it cannot be read)
        key, path = "", None
    table = None if path is None else _read_lemma_cache(path, key)
    if table is None:
        data = _lemma_cache_bytes(_build_lemma_tables(source)[0], key)
        if path is not None:
            _write_cache_file(path, data)
        table = _clemma.LemmaTable(data)
    return table, table.known


def _lemma_source() -> tuple[str, str]:
    """Return the path of spacy-lookups-data's Dutch lemma table and the package's version.

    Found without importing the package, whose import (``importlib.resources``)
    costs as much as reading the whole cache.
    """
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is not None and spec.submodule_search_locations:
        package = list(spec.submodule_search_locations)[0]
        source = os.path.join(package, "data", "nl_lemma_lookup.json.gz")
        try:
            with open(os.path.join(package, "about.py"), encoding="utf-8") as fh:
                found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", fh.read())
        except OSError:
            found = None
        if found and os.path.isfile(source):
            return source, found.group(1)
    import spacy_lookups_data  # an unusual installation (or none: then the ImportError says so)

    return str(spacy_lookups_data.get_file("nl_lemma_lookup.json.gz")), spacy_lookups_data.__version__


def _cache_dir() -> str | None:
    """Return qualkit's cache folder (it may not exist yet), None if there is no home folder.

    ``$QUALKIT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/qualkit``, else
    ``~/.cache/qualkit``.
    """
    if os.environ.get("QUALKIT_CACHE_DIR"):
        return os.environ["QUALKIT_CACHE_DIR"]
    if os.environ.get("XDG_CACHE_HOME"):
        return os.path.join(os.environ["XDG_CACHE_HOME"], "qualkit")
    home = os.path.expanduser("~")
    return None if home.startswith("~") else os.path.join(home, ".cache", "qualkit")


def _lemma_cache_key(source: str, version: str) -> str:
    """Return the cache key: everything the cached table is derived from."""
    info = os.stat(source)
    return repr(("nl_lemma_lookup", LEMMA_CACHE_VERSION, os.path.realpath(source), info.st_size,
                 info.st_mtime_ns, version, sys.implementation.cache_tag, unicodedata.unidata_version))


def _lemma_cache_path(key: str) -> str | None:
    """Return the cache file for ``key`` (None without a cache folder)."""
    folder = _cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"nl_lemma_table-{zlib.crc32(key.encode('utf-8')):08x}.bin")


def _read_lemma_cache(path: str, key: str) -> _clemma.LemmaTable | None:
    """Return the table stored at ``path`` for ``key``; None if missing, unreadable, corrupt or of another key.

    The file (laid out by :func:`_lemma_cache_bytes`) is mapped read-only into
    memory, not read: the table answers from the mapping, which stays open as
    long as the table lives, and only the pages a look-up touches are ever
    copied. Before that, the CRC-32 of the whole file (all but the magic bytes
    and the checksum itself) is checked, which costs about 3 ms for the 11 MB
    and catches a damaged byte anywhere, and then the stored key. A mapped file
    must not change under the mapping: :func:`_write_cache_file` never writes
    into an existing file, it replaces it.
    """
    try:
        with open(path, "rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None
    checked = _clemma.CHECKSUM_OFFSET + 4
    stored = int.from_bytes(data[_clemma.CHECKSUM_OFFSET : checked], sys.byteorder)
    if data[: len(_clemma.MAGIC)] != _clemma.MAGIC or stored != zlib.crc32(memoryview(data)[checked:]):
        data.close()
        return None
    try:
        table = _clemma.LemmaTable(data)
    except ValueError:  # damaged in a way the checksum missed (or not written by this version)
        data.close()
        return None
    return table if table.cache_key == key.encode("utf-8") and len(table) else None


def _lemma_cache_bytes(table: dict[str, str], key: str) -> bytearray:
    """Return the cache file's contents for ``table`` and ``key``.

    ``qualkit._clemma.build`` lays the table out (the layout is documented in
    ``src/qualkit/_clemma.c``) and leaves the checksum field zero: it is filled
    in here, the CRC-32 of everything after it.
    """
    data = _clemma.build(table, key.encode("utf-8"))
    checked = _clemma.CHECKSUM_OFFSET + 4
    data[_clemma.CHECKSUM_OFFSET : checked] = zlib.crc32(memoryview(data)[checked:]).to_bytes(4, sys.byteorder)
    return data


def _write_cache_file(path: str, data: bytes | bytearray) -> None:
    """Store ``data`` at ``path`` (a cache file: the lemma table's, the regex analysis'); on any OS error, store nothing.

    Written to a temporary file that then replaces ``path`` at once, so a
    reader (another process) sees the old file or the whole new one, and a
    file another process has mapped is never changed under it.
    """
    temp = f"{path}.{os.getpid()}-{time.time_ns()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _build_lemma_tables(source: str) -> tuple[dict[str, str], frozenset[str]]:
    """Return the tables of :func:`_lemma_tables` computed from the JSON source (no cache).

    Each lemma is normalised with :func:`_plain`; then each form whose
    normalised spelling differs from it is added under that spelling too,
    unless that spelling is already a form: the exact entries come first, so a
    form with diacritics keeps its own lemma when its diacritic-free spelling
    is also a word of its own. :func:`_plain` leaves plain lowercase ASCII
    alone, so only the few thousand forms and lemmas that are not plain are
    looked at one by one (:func:`_not_plain_flags` finds them).
    """
    import gzip  # only here: a warm cache never needs them
    import json

    with gzip.open(source, "rb") as fh:
        table: dict[str, str] = json.loads(fh.read())
    forms, lemmas = list(table), list(table.values())
    done: dict[str, str] = {}
    for form in itertools.compress(forms, _not_plain_flags(lemmas)):
        lemma = table[form]
        plain = done.get(lemma)
        if plain is None:
            plain = done[lemma] = _plain(lemma)
        table[form] = plain
    for form in itertools.compress(forms, _not_plain_flags(forms)):
        key = _plain(form)
        if key != form:
            table.setdefault(key, table[form])
    return table, frozenset(table.values())


def _not_plain_flags(words: Sequence[str]) -> Iterable[object]:
    """Return a flag per word, true where the word has a character outside a-z and 0-9.

    Done on all words at once: the words joined by newlines, as UTF-8 bytes,
    with the plain characters deleted and split again; a word's leftover bytes
    are its flag (empty: plain). A word with a newline in it would break the
    split, so then each word is searched on its own.

    Examples
    --------
    >>> [bool(flag) for flag in _not_plain_flags(["huis", "Huis", "één", "co-op", "b12", ""])]
    [False, True, True, True, False, False]
    """
    if not words:
        return []
    text = "\n".join(words)
    if text.count("\n") != len(words) - 1:
        return map(_NOT_PLAIN, words)
    return text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_BYTES).split(b"\n")


def _plain(word: str) -> str:
    """Return ``word`` lowercase, without diacritics, hyphens and apostrophes (the lemma table's normalisation)."""
    if word.isascii() and word.isalnum() and word.islower():  # most entries: nothing to do
        return word
    return strip_diacritics(word.lower()).translate(_INWORD)


def _undoubled(base: str) -> str | None:
    """Return ``base`` with the vowel before its last consonant doubled (schol -> school)."""
    if len(base) < 3:
        return None
    c, v, before = base[-1], base[-2], base[-3]
    if c in _VOWELS or v not in "aeou" or before in _VOWELS:
        return None
    if c == "v":
        c = "f"
    elif c == "z":
        c = "s"
    return base[:-2] + v + v + c


def _single_vowel(base: str) -> str:
    """Return ``base`` with a doubled vowel before its last consonant made single (maak -> mak)."""
    if len(base) >= 3 and base[-1] not in _VOWELS and base[-2] == base[-3] and base[-2] in "aeou":
        return base[:-2] + base[-1]
    return base


def _rule_lemmas(w: str, known: frozenset[str] | _clemma.KnownLemmas) -> set[str]:
    """Return lemmas found by the guarded spelling rules (see the module docstring)."""
    found: set[str] = set()
    if w.endswith("en") and len(w) > 4:  # open-syllable plural: scholen -> school
        cand = _undoubled(w[:-2])
        if cand and cand in known:
            found.add(cand)
    for suffix in ("etjes", "etje", "tjes", "tje", "pjes", "pje", "jes", "je"):  # diminutives
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)]
            if base in known:
                found.add(base)
                break
            if suffix.startswith("e") and base[-1] == base[-2] and base[:-1] in known:  # bolletje
                found.add(base[:-1])
                break
    if w.endswith("t") and len(w) > 3:  # werkt -> werken, praat -> praten, vindt -> vinden
        for base in {w[:-1], w}:
            if len(base) < 3:
                continue
            single = _single_vowel(base)
            soft = single[:-1] + {"f": "v", "s": "z"}.get(single[-1], single[-1])
            for cand in (base + "en", single + "en", soft + "en", base + base[-1] + "en"):
                if cand in known:
                    found.add(cand)
    return found


@lru_cache(maxsize=1 << 18)
def lemmas(word: str) -> frozenset[str]:
    """Return the normalised lemmas of a word (at least one: the form itself if unknown).

    Examples
    --------
    >>> sorted(lemmas("gesprekken")), sorted(lemmas("Scholen")), sorted(lemmas("werkt"))
    (['gesprek'], ['scholen', 'school'], ['werken', 'werkt'])
    >>> sorted(lemmas("coordinatoren")), sorted(lemmas("huisje")), sorted(lemmas("meisje"))
    (['coordinator'], ['huis', 'huisje'], ['meisje'])
    """
    return _lemmas(word, norm(word))


def _lemmas(word: str, w: str) -> frozenset[str]:
    """:func:`lemmas` of ``word``, whose normalised form ``w`` is known already."""
    table, known = _lemma_tables()
    lemma = table.get(word.lower()) or table.get(w)
    if lemma is not None:
        return frozenset({lemma})
    return frozenset({w} | _rule_lemmas(w, known))


def _lemma_pairs(words: list[str], lowered: list[str], norms: list[str]) -> tuple[list[str], list[int] | None]:
    """The lemmas of many words as flat (lemma, word index) lists; None for the indices when they are 0, 1, 2 ...

    The same lemmas as :func:`_lemmas` of each word. Most words are in the
    table as written (lowercased): their one lemma is found with one ``map``
    over all words, the way :func:`_lemmas` finds it first; the others go
    through :func:`_lemmas` itself.
    """
    found = list(map(_lemma_tables()[0].get, lowered))
    if all(found):
        return found, None
    values = list(itertools.compress(found, found))
    owner = list(itertools.compress(range(len(found)), found))
    for i in itertools.compress(range(len(found)), [not x for x in found]):
        for lemma in _lemmas(words[i], norms[i]):
            values.append(lemma)
            owner.append(i)
    return values, owner


@lru_cache(maxsize=1)
def _stem_function() -> Callable[[str], str]:
    """Return the Dutch Snowball stemmer's ``stem`` function.

    PyStemmer's ``dutch_porter`` is the same algorithm as NLTK's
    ``DutchStemmer`` (identical on all 212,529 forms of spaCy's Dutch lemma
    table; ``tests/test_nlp.py`` checks a sample) but imports in milliseconds,
    where ``import nltk`` takes seconds (it pulls in scipy). NLTK is the
    fallback where PyStemmer is not installed.
    """
    try:
        import Stemmer

        # no cache of its own (maxCacheSize 0): every caller stems each form once already
        # (analyse is memoised), and keeping that cache up costs more than the stemming
        return Stemmer.Stemmer("dutch_porter", 0).stemWord
    except (ImportError, KeyError):  # pragma: no cover - depends on the installation
        from nltk.stem.snowball import DutchStemmer

        return DutchStemmer().stem


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Return the Snowball (Dutch) stem of the word's normalised form.

    Examples
    --------
    >>> stem("leerkrachten"), stem("gesprekken"), stem("Coördinatoren")
    ('leerkracht', 'gesprek', 'coordinator')
    """
    return _stem_function()(norm(word))


@lru_cache(maxsize=1 << 18)
def analyse(word: str) -> Form:
    """Return the :class:`Form` of a word (memoised: each distinct form is analysed once).

    Examples
    --------
    >>> analyse("Gesprekken").stem
    'gesprek'
    """
    w = norm(word)  # once: lemmas and stem both start from it
    return Form(w, _lemmas(word, w), _stem_function()(w))


# -- terms and the matcher ----------------------------------------------------


@dataclass(frozen=True)
class WordPattern:
    """One word of a keyword: what a text word must share with it to match."""

    norm: str
    lemmas: frozenset[str]
    stem: str
    wildcard: bool = False
    compounds: bool = False


def term_words(term: str) -> list[tuple[str, bool]]:
    """Return the words of a keyword or phrase as (word, is_prefix_wildcard).

    A ``*`` at the end of a word makes it a prefix wildcard. Punctuation is
    ignored the way it is in the text.

    Examples
    --------
    >>> term_words("langetermijn* visie")
    [('langetermijn', True), ('visie', False)]
    >>> term_words("“waar willen we naartoe?”")
    [('waar', False), ('willen', False), ('we', False), ('naartoe', False)]
    """
    out: list[tuple[str, bool]] = []
    for piece in term.split():
        star = piece.rstrip("\"'”’»)?!.,;:").endswith("*")
        found = TOKEN_RE.findall(piece)
        for i, w in enumerate(found):
            out.append((w, star and i == len(found) - 1))
    return out


def analyse_many(words: Sequence[str]) -> list[Form]:
    """Return :func:`analyse` of each word, all words analysed together (not memoised).

    Examples
    --------
    >>> [(f.norm, sorted(f.lemmas)) for f in analyse_many(["Gesprekken", "coördinatoren"])]
    [('gesprekken', ['gesprek']), ('coordinatoren', ['coordinator'])]
    """
    norms, stems, values, owner = _bulk_keys(words)
    if owner is None:  # every word has its one lemma from the table
        lemmas = [frozenset((v,)) for v in values]
    else:
        found: list[list[str]] = [[] for _ in words]
        for v, i in zip(values, owner):
            found[i].append(v)
        lemmas = [frozenset(x) for x in found]
    return [Form(n, lem, st) for n, lem, st in zip(norms, lemmas, stems)]


def _bulk_keys(words: Sequence[str]) -> tuple[list[str], list[str], list[str], list[int] | None]:
    """(normalised forms, stems, lemma values, their word index or None) of many words at once (see :func:`_lemma_pairs`)."""
    lowered = [w.lower() for w in words]
    # a lowercase ASCII word of letters and digits (most words) is its own normalised form
    norms = [w if w.isalnum() and w.isascii() else _norm_lower(w) for w in lowered]
    stems = list(map(_stem_function(), norms))
    values, owner = _lemma_pairs(list(words), lowered, norms)
    return norms, stems, values, owner


def word_pattern(word: str, wildcard: bool = False, compounds: bool = False) -> WordPattern:
    """Return the pattern of one keyword word."""
    form = analyse(word)
    return WordPattern(form.norm, form.lemmas, form.stem, wildcard, compounds and len(form.norm) >= COMPOUND_MIN)


class TermMatcher:
    """Match many keyword terms in texts, analysing each distinct word form once.

    Parameters
    ----------
    terms : sequence of (term, compounds)
        Keywords or phrases (see :func:`term_words`); ``compounds=True`` lets
        each of its words of 4+ letters match as the first or last part of a
        longer word.

    Notes
    -----
    A text word matches a keyword word when

    - the keyword word ends in ``*``: the text word's normalised form starts
      with the keyword word's normalised form;
    - otherwise: they have the same normalised form, share a lemma, or have
      the same stem;
    - or, with ``compounds``: the keyword word (normalised form or a lemma) is
      the start of the text word and at least 3 letters follow (a linking
      s/e/en is part of those letters: ``leiderschapsstijl``); or the text
      word's normalised form, a lemma or its stem ends with the keyword word's
      normalised form, a lemma or stem (the same kind) after at least 3 letters
      (``schoolleiderschap``, ``zorgcoördinatoren``).

    A phrase matches its words on consecutive words of the text (punctuation
    between them is not a word and is skipped).

    Examples
    --------
    >>> m = TermMatcher([("gesprek", False), ("werken samen", False)])
    >>> m.spans("De gesprekken: we werken samen.")
    [(0, 1, 2), (1, 3, 5)]
    """

    def __init__(self, terms: Sequence[tuple[str, bool]]):
        self.patterns: list[WordPattern] = []
        ids: dict[WordPattern, int] = {}
        #: term index -> the pattern id of each of its words
        self.terms: list[tuple[int, ...]] = []
        # every distinct word of all terms analysed at once (many codebooks: thousands of words)
        parsed = [(term_words(term), compounds) for term, compounds in terms]
        distinct = list(dict.fromkeys(w for words_, _ in parsed for w, _ in words_))
        forms = dict(zip(distinct, analyse_many(distinct)))
        for words_, compounds in parsed:
            seq = []
            for w, star in words_:
                f = forms[w]
                p = WordPattern(f.norm, f.lemmas, f.stem, star, compounds and len(f.norm) >= COMPOUND_MIN)
                if p not in ids:
                    ids[p] = len(self.patterns)
                    self.patterns.append(p)
                seq.append(ids[p])
            self.terms.append(tuple(seq))
        # pattern id -> (term index, word position in the term)
        self.starts: dict[int, list[int]] = {}
        for t, seq in enumerate(self.terms):
            if seq:
                self.starts.setdefault(seq[0], []).append(t)
        self._build_index()
        #: word form as written -> the ids of the patterns it matches (memo)
        self.cache: dict[str, frozenset[int]] = {}
        #: a set of pattern ids -> the terms that start with one of them (memo)
        self._starting: dict[frozenset[int], tuple[tuple[int, tuple[int, ...]], ...]] = {}

    def _build_index(self) -> None:
        # one dict per kind of key (normalised form, stem, lemma), keyed by the string itself, so
        # that a look-up builds no tuple: every distinct word of a corpus goes through these
        self.exact: dict[str, dict[str, set[int]]] = {"n": {}, "s": {}, "l": {}}
        self.prefixes: list[tuple[str, int]] = []
        self.first: dict[str, set[int]] = {}
        self.last: dict[str, dict[str, set[int]]] = {"n": {}, "s": {}, "l": {}}
        for i, p in enumerate(self.patterns):
            if p.wildcard:
                self.prefixes.append((p.norm, i))
                continue
            keys = [("n", p.norm), ("s", p.stem)] + [("l", lem) for lem in p.lemmas]
            for kind, value in keys:
                self.exact[kind].setdefault(value, set()).add(i)
            if p.compounds:
                for base in {p.norm, *p.lemmas}:
                    if len(base) >= COMPOUND_MIN:
                        self.first.setdefault(base, set()).add(i)
                for kind, value in keys:
                    if len(value) >= COMPOUND_MIN:
                        self.last[kind].setdefault(value, set()).add(i)
        # the lengths the compound parts have: no look-up for a length that no key has
        self._first_lengths = sorted({len(x) for x in self.first})
        self._last_lengths = {kind: sorted({len(x) for x in d}) for kind, d in self.last.items()}

    def match_form(self, word: str) -> frozenset[int]:
        """Return the ids of the patterns a text word matches (memoised per form)."""
        hit = self.cache.get(word)
        if hit is None:
            hit = self.cache[word] = self._match_form(analyse(word))
        return hit

    def match_forms(self, words: Sequence[str]) -> list[frozenset[int]]:
        """Return :meth:`match_form` of each word, all words analysed together (see :meth:`match_pairs`).

        Examples
        --------
        >>> m = TermMatcher([("leider*", False), ("school", True)])
        >>> [sorted(ids) for ids in m.match_forms(["Leiders", "schoolteam", "basisscholen", "team"])]
        [[0], [1], [1], []]
        """
        from ._forms import pair_sets

        return pair_sets(*self.match_pairs(words), len(words), _NO_PATTERNS)

    def match_pairs(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (word index, pattern id) of every pattern each word matches, as two int64 arrays.

        The same answers as :meth:`match_form` of each word, flat: sorted by
        word index, then pattern id, each pair once. Several times faster for
        many words, and not memoised (the coding pass asks once per new form):
        the normalised forms, lemmas and stems of all words are made in one
        go, each kind of key is looked up with one ``map`` over all words, the
        compound parts are found by walking each word once through a table of
        the keys (:class:`qualkit._forms.KeyTable`) instead of looking up every
        length, and the hits become pattern ids in numpy.

        Examples
        --------
        >>> m = TermMatcher([("gesprek", False), ("school", True)])
        >>> [x.tolist() for x in m.match_pairs(["basisscholen", "Gesprekken", "de"])]
        [[0, 1], [1, 0]]
        """
        import numpy as np  # here: find_term and analyse never need it

        from ._forms import unique_pairs

        norms, stems, lemma_values, lemma_owner = _bulk_keys(words)
        exact, first, last = self._bulk_tables()
        owners = {"l": None if lemma_owner is None else np.asarray(lemma_owner, dtype=np.int64)}
        rows: list[np.ndarray] = []
        ids: list[np.ndarray] = []
        for kind, keys in (("n", norms), ("s", stems), ("l", lemma_values)):
            hits = [exact[kind].ids(*exact[kind].lookup(keys))]
            if kind in last:
                sets, table = last[kind]
                hits.append(sets.ids(*table.prefixes(keys, COMPOUND_REST_MIN)))
            owner = owners.get(kind)
            for r, i in hits:  # r indexes keys: for lemmas, owner says whose lemma it is
                rows.append(r if owner is None else owner[r])
                ids.append(i)
        if first is not None:
            r, i = first[0].ids(*first[1].prefixes(norms, COMPOUND_REST_MIN))
            rows.append(r)
            ids.append(i)
        if self.prefixes:  # few wildcards: a word is checked against each only if it starts with one of them
            starts = tuple(p for p, _ in self.prefixes)
            pairs = [(j, i) for j in itertools.compress(range(len(norms)), [w.startswith(starts) for w in norms])
                     for p, i in self.prefixes if norms[j].startswith(p)]
            rows.append(np.asarray([j for j, _ in pairs], dtype=np.int64))
            ids.append(np.asarray([i for _, i in pairs], dtype=np.int64))
        return unique_pairs(rows, ids, len(self.patterns))

    def _bulk_tables(self) -> tuple[dict[str, IdSets], tuple[IdSets, KeyTable] | None, dict[str, tuple[IdSets, KeyTable]]]:
        """The tables of :meth:`match_pairs`, made on first use: exact keys, compound starts, compound ends."""
        tables = self.__dict__.get("_tables")
        if tables is None:
            from ._forms import IdSets, KeyTable  # here: they need numpy, which find_term never does

            exact = {kind: IdSets(d) for kind, d in self.exact.items()}
            first = None
            if self.first:
                sets = IdSets(self.first)
                first = (sets, KeyTable(sets.keys))
            last = {}
            for kind, d in self.last.items():
                if d:
                    sets = IdSets(d)
                    last[kind] = (sets, KeyTable(sets.keys, reverse=True))
            tables = self._tables = (exact, first, last)
        return tables

    def _match_form(self, f: Form) -> frozenset[int]:
        found: set[int] = set()
        exact = self.exact
        keys = [("n", f.norm), ("s", f.stem)] + [("l", lem) for lem in f.lemmas]
        for kind, value in keys:
            hit = exact[kind].get(value)
            if hit:
                found |= hit
        for prefix, i in self.prefixes:
            if f.norm.startswith(prefix):
                found.add(i)
        if self.first:
            w, first = f.norm, self.first
            for k in self._first_lengths:  # the start of the word, at least 3 letters left over
                if k > len(w) - COMPOUND_REST_MIN:
                    break
                hit = first.get(w[:k])
                if hit:
                    found |= hit
        for kind, value in keys:  # the end of the word (or its lemma or stem), after at least 3 letters
            last = self.last[kind]
            if not last:
                continue
            for length in self._last_lengths[kind]:
                if length > len(value) - COMPOUND_REST_MIN:
                    break
                hit = last.get(value[len(value) - length :])
                if hit:
                    found |= hit
        return frozenset(found) if found else _NO_PATTERNS

    def hits(self, forms: Sequence[str]) -> list[tuple[int, int, int]]:
        """Return (term, first word, end word) for every match among the words ``forms``.

        Word indices are positions in ``forms``; end is exclusive. Sorted by
        first word, then term.
        """
        cache = self.cache
        matched = [cache.get(w) for w in forms]
        if None in matched:
            matched = [m if m is not None else self.match_form(w) for m, w in zip(matched, forms)]
        if not any(matched):
            return []
        out: list[tuple[int, int, int]] = []
        starting = self._starting
        n = len(matched)
        for i, m in enumerate(matched):
            if not m:
                continue
            first = starting.get(m)
            if first is None:
                first = starting[m] = self._terms_starting(m)
            for t, seq in first:
                k = len(seq)
                if k == 1 or (
                    i + k <= n and seq[1] in matched[i + 1] and (k == 2 or all(seq[j] in matched[i + j] for j in range(2, k)))
                ):
                    out.append((i, t, i + k))
        out.sort()
        return [(t, i, e) for i, t, e in out]

    def _terms_starting(self, pattern_ids: frozenset[int]) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """Return (term, its pattern ids) of the terms whose first word is one of ``pattern_ids``."""
        return tuple(sorted((t, self.terms[t]) for pid in pattern_ids for t in self.starts.get(pid, ())))

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """Return (term, first word, end word) for the words of ``text`` (see :meth:`hits`)."""
        return self.hits(words(text))


def find_term(text: str, term: str, compounds: bool = False) -> list[tuple[int, int]]:
    """Return the character spans ``[start, end)`` where a keyword or phrase matches.

    The semantics are exactly those of a keyword rule (see :class:`TermMatcher`).

    Parameters
    ----------
    text : str
        The text to search.
    term : str
        A word or phrase; ``*`` at the end of a word is a prefix wildcard.
    compounds : bool
        Also match the term's words inside compounds.

    Returns
    -------
    list of (int, int)
        In text order; a phrase's span runs from its first word to its last.

    Examples
    --------
    >>> text = "De zorgcoördinatoren werken goed samen."
    >>> find_term(text, "coordinator", compounds=True)
    [(3, 20)]
    >>> [text[s:e] for s, e in find_term(text, "werken samen")]
    []
    >>> find_term("", "visie")
    []
    """
    toks = tokens(text)
    if not toks:
        return []
    matcher = _matcher_for(term, compounds)
    return [(toks[i].start, toks[e - 1].end) for _, i, e in matcher.hits([t.text for t in toks])]


@lru_cache(maxsize=256)
def _matcher_for(term: str, compounds: bool) -> TermMatcher:
    return TermMatcher([(term, compounds)])


def distinct_forms(texts: Iterable[str]) -> set[str]:
    """Return the distinct word forms of some texts (what the coding pass analyses).

    Examples
    --------
    >>> sorted(distinct_forms(["Ja ja", "ja"]))
    ['Ja', 'ja']
    """
    out: set[str] = set()
    for text in texts:
        out.update(TOKEN_RE.findall(text))
    return out
