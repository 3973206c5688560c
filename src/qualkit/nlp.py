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

import gzip
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

#: a word: letters/digits, with hyphens or apostrophes inside it (not at its edges)
TOKEN_PATTERN = r"\w+(?:['’‘`´\-‐‑]\w+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)

#: quote characters made straight by :func:`unify_quotes` (one character each,
#: so offsets into the unified text are offsets into the original)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
#: characters removed inside a word when normalising
_INWORD = str.maketrans("", "", "'-‐‑")

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
    return strip_diacritics(unify_quotes(word.lower())).translate(_INWORD)


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


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict[str, str], frozenset[str]]:
    """Return (normalised form -> normalised lemma, the set of known lemmas).

    Read once from spacy-lookups-data's Dutch ``lemma_lookup`` table (the table
    spaCy's lookup lemmatizer uses); reading the file directly takes a fraction
    of a second where building a spaCy pipeline takes seconds.
    """
    import spacy_lookups_data

    with gzip.open(str(spacy_lookups_data.get_file("nl_lemma_lookup.json.gz")), "rt", encoding="utf-8") as fh:
        raw: dict[str, str] = json.load(fh)
    table: dict[str, str] = {}
    # exact entries first, so that a form with diacritics keeps its own lemma
    # when its diacritic-free spelling is also a word of its own
    for form, lemma in raw.items():
        table[form] = _plain(lemma)
    for form, lemma in raw.items():
        key = _plain(form)
        if key != form:
            table.setdefault(key, _plain(lemma))
    known = frozenset(table.values())
    return table, known


def _plain(word: str) -> str:
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


def _rule_lemmas(w: str, known: frozenset[str]) -> set[str]:
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
    table, known = _lemma_tables()
    w = norm(word)
    lemma = table.get(word.lower()) or table.get(w)
    if lemma is not None:
        return frozenset({lemma})
    return frozenset({w} | _rule_lemmas(w, known))


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

        return Stemmer.Stemmer("dutch_porter").stemWord
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
    return Form(norm(word), lemmas(word), stem(word))


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
        for term, compounds in terms:
            seq = []
            for w, star in term_words(term):
                p = word_pattern(w, star, compounds)
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
        self.exact: dict[tuple[str, str], set[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        self.first: dict[str, set[int]] = {}
        self.last: dict[tuple[str, str], set[int]] = {}
        for i, p in enumerate(self.patterns):
            if p.wildcard:
                self.prefixes.append((p.norm, i))
                continue
            keys = [("n", p.norm), ("s", p.stem)] + [("l", lem) for lem in p.lemmas]
            for key in keys:
                self.exact.setdefault(key, set()).add(i)
            if p.compounds:
                for base in {p.norm, *p.lemmas}:
                    if len(base) >= COMPOUND_MIN:
                        self.first.setdefault(base, set()).add(i)
                for key in keys:
                    if len(key[1]) >= COMPOUND_MIN:
                        self.last.setdefault(key, set()).add(i)

    def match_form(self, word: str) -> frozenset[int]:
        """Return the ids of the patterns a text word matches (memoised per form)."""
        hit = self.cache.get(word)
        if hit is None:
            hit = self.cache[word] = self._match_form(analyse(word))
        return hit

    def _match_form(self, f: Form) -> frozenset[int]:
        found: set[int] = set()
        keys = [("n", f.norm), ("s", f.stem)] + [("l", lem) for lem in f.lemmas]
        for key in keys:
            found |= self.exact.get(key, set())
        for prefix, i in self.prefixes:
            if f.norm.startswith(prefix):
                found.add(i)
        if self.first:
            w = f.norm
            for k in range(COMPOUND_MIN, len(w) - COMPOUND_REST_MIN + 1):
                found |= self.first.get(w[:k], set())
        if self.last:
            for kind, value in keys:
                for k in range(COMPOUND_REST_MIN, len(value) - COMPOUND_MIN + 1):
                    found |= self.last.get((kind, value[k:]), set())
        return frozenset(found)

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
