"""The coding pass: apply codebook rules to segments, and record human codings.

:func:`code` runs the rules of ``codebooks/README.md`` over every segment and
returns one row per (segment, code), with the columns of
:data:`qualkit.columns.CODED_COLUMNS` followed by the document attributes.
Every row says *why* it is there:

``rule``
    the rule kinds that fired, in the fixed order ``keyword``, ``regex``,
    ``near``, joined by ``+`` (``"keyword+near"``); ``"manual"`` for a human coding.
``matched``
    what made them fire, joined by ``"; "`` in the same order, each distinct
    once: the words of the text as written for a keyword (a phrase's words
    joined by one space), the matched text of a regex, and ``"A ... B"`` (in
    text order) for a near pair.

How it stays fast (see :class:`RuleCoder`): the segments are coded a block
at a time on flat arrays, not word by word in Python. A compiled tokenizer
turns every text into word-form ids; each *distinct* form is analysed once
(normalised form, lemmas, stem, compound parts, the literal words the regexes
need); numpy then finds where each keyword word, phrase and near pair occurs,
and which segments can match each regex. A regex is run only in those
segments, and, when every match must start with known words, only at the
words that can start it. Without a C compiler the tokenizer falls back to
pure Python (same result, slower).

Examples
--------
>>> from qualkit.model import Code, Codebook, Corpus, Document, Participant, Rules, Segment
>>> text = "X: We werken goed samen.\\nY: Ja, de visie is helder."
>>> doc = Document.from_text("fg1", text, kind="transcript", segments=(
...     Segment("fg1", 3, 24, "turn", text[3:24], speaker="X", label_start=0),
...     Segment("fg1", 28, 50, "turn", text[28:50], speaker="Y", label_start=25)))
>>> book = Codebook("net", "Netwerk", (
...     Code("samen", "Samenwerking", "net", rules=Rules(near=(("werken", "samen", 3),))),
...     Code("visie", "Visie", "net", rules=Rules(keywords=("visie",)))))
>>> coded = code(Corpus([doc]), book)
>>> coded[["segment_id", "code", "rule", "matched"]].values.tolist()
[['fg1:turn:1', 'net:samen', 'near', 'werken ... samen'], ['fg1:turn:2', 'net:visie', 'keyword', 'visie']]
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from difflib import get_close_matches
from itertools import chain, compress, islice
from typing import Any

import numpy as np
import pandas as pd

from .columns import CODED_COLUMNS, MATCHED_SEP, RULE_CODER, SEGMENT_COLUMNS
from .errors import CodebookError, InputError
from .model import Code, Codebook, Corpus
from ._forms import IdSets, KeyTable, pair_sets, unique_pairs
from ._tokenize import char_bits, tokenize
from .nlp import _QUOTES, TermMatcher, unify_quotes

#: the rule kinds in the order they are named in the ``rule`` column
RULE_KINDS = ("keyword", "regex", "near")
#: the ``rule`` of a human coding
MANUAL_RULE = "manual"
#: the separator of rule kinds in the ``rule`` column
RULE_SEP = "+"
#: the columns a table of human codings must have (``memo`` is optional)
CODINGS_TABLE_COLUMNS = ("doc_id", "start", "end", "code", "coder")


@dataclass(frozen=True)
class _CompiledCode:
    """One codable code's rules, in terms of the shared matcher's term indices."""

    code: Code
    path: str
    keywords: tuple[int, ...]
    exclude: tuple[int, ...]
    near: tuple[tuple[int, int, int], ...]
    regex: tuple[re.Pattern[str], ...]
    roles: frozenset[str] | None
    units: frozenset[str] | None


@dataclass(frozen=True)
class _Regex:
    """One regex of one code, with what the prefilter knows about it."""

    code: int
    index: int
    pattern: re.Pattern[str]
    need: tuple[int, ...]
    #: the need as (word, bits) of the per-form group bitmask (group ids minus the coder's shift)
    need_bits: tuple[tuple[int, np.uint64], ...]
    #: the group every match starts with at a word start (``\\b(elk|ieder) ...``), else -1
    lead: int
    #: punctuation the text must contain: one character of each tuple
    punctuation: tuple[tuple[str, ...], ...]
    #: the lead word is exactly one of these (folded), when known
    lead_words: frozenset[str] | None
    #: the next token starts with one of these (folded), when known
    second_words: tuple[str, ...] | None
    #: where a match starts relative to the lead word: 0, or -1 (one punctuation character before it)
    lead_shift: int


#: no tokens
_NONE = np.zeros(0, dtype=np.int64)
#: segments coded per block: bounds the memory of the flat arrays, and paces the progress bar
BLOCK = 50000


class RuleCoder:
    """All codable codes of some codebooks, compiled into one matcher.

    Parameters
    ----------
    books : sequence of Codebook
        Namespaces must differ.

    Notes
    -----
    Every keyword word of every code is a *pattern*
    (:class:`qualkit.nlp.TermMatcher`) and every required literal word group
    of a regular expression a *group* (:class:`RegexPrefilter`); each has an
    id. Each distinct word form is analysed once, all new forms of a block
    together (:meth:`TermMatcher.match_pairs`, :meth:`RegexPrefilter.group_pairs`),
    into the ids it satisfies and the codes whose one-word keywords and
    exclude terms it is.

    A block of segments is then coded as a whole, on flat arrays (numpy)
    instead of word by word in Python:

    1. the texts are cut into tokens, each a form id (:func:`qualkit._tokenize.tokenize`,
       compiled C where available); a segment's regex groups are the OR of
       its forms' group bits, and its punctuation one C pass over its
       characters (:func:`qualkit._tokenize.char_bits`);
    2. a one-word keyword hits, and a one-word exclude term vetoes its code,
       on every token whose form lists the code;
    3. phrases, exclude phrases and near terms are found all at once: each
       from its word that is rarest in the block (the tokens of the forms
       that match it, from the tokens sorted by form), its other words
       checked in a bit table of (pattern, form); a near pair is two term
       occurrences in one segment at most N words apart (binary search);
    4. a regex runs only in the segments that contain all its required word
       groups and punctuation. When every match must start with a known word
       (``\\b(elk|ieder) ...``), it is tried only at the words that can start
       it: exactly that word where a non-word character follows it, and only
       if the next token (one character on) starts with the word the regex
       has next. It is tried with ``pattern.match(text, pos)`` in text order,
       so the first success is what ``search`` would find. Other regexes are
       searched in each candidate segment;
    5. the (segment, code) pairs are sorted and their ``rule`` and
       ``matched`` strings built, in bulk for the usual one-string cases.

    The semantics are exactly those of ``codebooks/README.md``: the arrays only
    decide where to look.

    Examples
    --------
    >>> from qualkit.model import Code, Codebook, Rules
    >>> coder = RuleCoder([Codebook("a", "A", (Code("x", "X", "a", rules=Rules(keywords=("gesprek",))),))])
    >>> coder.code_text("Twee gesprekken.")
    [('a:x', 'keyword', 'gesprekken')]
    """

    def __init__(self, books: Sequence[Codebook]):
        self.books = list(books)
        terms: dict[tuple[str, bool], int] = {}

        def term(text: str, compounds: bool) -> int:
            return terms.setdefault((text, compounds), len(terms))

        self.codes: list[_CompiledCode] = []
        for book in self.books:
            for c in book.codes:
                if not c.codable or c.rules.is_empty():
                    continue
                r = c.rules
                self.codes.append(_CompiledCode(
                    code=c,
                    path=book.path(c.id),
                    keywords=tuple(term(k, r.compounds) for k in r.keywords),
                    exclude=tuple(term(k, r.compounds) for k in r.exclude),
                    near=tuple((term(a, r.compounds), term(b, r.compounds), n) for a, b, n in r.near),
                    regex=tuple(re.compile(p, re.IGNORECASE) for p in r.regex),
                    roles=frozenset(r.roles) or None,
                    units=frozenset(r.units) or None,
                ))
        self.matcher = TermMatcher(list(terms))
        n_patterns = len(self.matcher.patterns)
        seqs = self.matcher.terms
        self.regex_filter = RegexPrefilter([(ci, cc.regex) for ci, cc in enumerate(self.codes) if cc.regex], shift=n_patterns)
        self._n_ids = n_patterns + len(self.regex_filter.groups)
        # pattern id -> the codes it is a one-word keyword / a one-word exclude term of
        kw1: list[set[int]] = [set() for _ in range(self._n_ids)]
        ex1: list[set[int]] = [set() for _ in range(self._n_ids)]
        #: (code, term) of the keywords and exclude terms of several words
        self._phrases: list[tuple[int, int]] = []
        self._exclude_phrases: list[tuple[int, int]] = []
        #: (code, near index, term a, term b, N) of the near rules whose terms both have words
        self._near: list[tuple[int, int, int, int, int]] = []
        self._regexes: list[_Regex] = []
        groups = {g: self.regex_filter.shift + i for i, g in enumerate(self.regex_filter.groups)}
        for ci, cc in enumerate(self.codes):
            for t in dict.fromkeys(cc.keywords):
                if len(seqs[t]) == 1:
                    kw1[seqs[t][0]].add(ci)
                elif seqs[t]:  # a keyword without words never matches
                    self._phrases.append((ci, t))
            for t in dict.fromkeys(cc.exclude):
                if len(seqs[t]) == 1:
                    ex1[seqs[t][0]].add(ci)
                elif seqs[t]:
                    self._exclude_phrases.append((ci, t))
            for j, (a, b, n) in enumerate(cc.near):
                if seqs[a] and seqs[b]:
                    self._near.append((ci, j, a, b, n))
            for j, (pattern, need) in enumerate(self.regex_filter.requirements.get(ci, ())):
                _, (lead, words, seconds), start_shift = _regex_facts(pattern.pattern, pattern.flags)
                self._regexes.append(_Regex(
                    ci, j, pattern, tuple(sorted(need)), _bit_words(g - n_patterns for g in need),
                    groups.get(lead, -1) if lead else -1, self.regex_filter.punctuation.get(pattern, ()),
                    frozenset(words) if words and lead in groups else None, seconds if lead in groups else None,
                    start_shift,
                ))
        #: pattern id -> the codes it is a one-word keyword / exclude term of (CSR arrays: start,
        #: count, values); each form gets the union over its patterns
        self._kw1, self._ex1 = _csr(kw1), _csr(ex1)
        #: pattern id -> its row in a block's (pattern, form) bit table: the words of the terms whose
        #: occurrences are looked for (phrases, exclude phrases, near terms); -1 for other patterns
        looked_for = {t for _, t in (*self._phrases, *self._exclude_phrases)} | {t for x in self._near for t in x[2:4]}
        in_terms = sorted({p for t in looked_for for p in seqs[t]})
        self._term_rows = len(in_terms)
        self._term_row = np.full(self._n_ids, -1, dtype=np.int64)
        self._term_row[in_terms] = np.arange(len(in_terms))
        #: the punctuation the searched regexes need: a bit per set of characters, and a table from
        #: character (code point) to its bits; a curly quote counts as the quote unify_quotes makes it
        #: (the bit after the last set: a character unify_quotes changes; beyond 63 sets, the others
        #: are looked for text by text); the table is as narrow as the bits allow: it is read per character
        self._punct_bit: dict[tuple[str, ...], int] = {}
        for rx in self._regexes:
            if rx.lead < 0:
                for chars in rx.punctuation:
                    if len(self._punct_bit) < 63:
                        self._punct_bit.setdefault(chars, len(self._punct_bit))
        self._curly_bit = len(self._punct_bit)
        width = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if np.iinfo(t).bits > self._curly_bit)
        variants = {chars: {*chars, *(chr(k) for k, v in _QUOTES.items() if v in chars)} for chars in self._punct_bit}
        variants[("curly",)] = set(map(chr, _QUOTES))
        top = max(ord(ch) for vs in variants.values() for ch in vs)
        self._punct_lut = np.zeros(top + 1, dtype=width)  # a character beyond it has no bits
        for chars, vs in variants.items():
            bit = width(1 << self._punct_bit.get(chars, self._curly_bit))
            for ch in vs:
                self._punct_lut[ord(ch)] |= bit
        #: codes with a role or unit restriction
        self._restricted = [ci for ci, cc in enumerate(self.codes) if cc.roles is not None or cc.units is not None]
        self._lock = threading.Lock()
        #: every word form seen so far -> its id; per form id: the form, its keyword pattern ids (all
        #: forms' lists one after another, and each list's length) and its regex groups (a bitmask,
        #: 64 groups a word)
        self._vocab: dict[str, int] = {}
        self._forms: list[str] = []
        self._fval = np.zeros(0, dtype=np.int32)
        self._flen = np.zeros(0, dtype=np.int64)
        #: per form id, the codes of whose one-word keywords / exclude terms it is an instance, as CSR
        #: arrays (start, count, values): a token's keyword hits without a (token, pattern) pair per token
        self._fkw = _CSRGrowing()
        self._fex = _CSRGrowing()
        self._fgroup = np.zeros(((len(self.regex_filter.groups) + 63) // 64, 0), dtype=np.uint64)  # word x form
        self._with_group: dict[int, np.ndarray] = {}
        #: a lead word of a regex (folded as the regex prefilter folds) -> the forms that contain it as a \\w+ word
        self._lead_words: frozenset[str] = frozenset().union(*(rx.lead_words for rx in self._regexes if rx.lead_words))
        self._word_forms: dict[str, list[int]] = {}
        self._with_word: dict[frozenset[str], np.ndarray] = {}
        self._starting: dict[tuple[str, ...], np.ndarray] = {}
        #: pattern -> the ids of the forms that match it
        self._pattern_forms: dict[int, list[int]] = {}
        self._fchars = np.zeros(0, dtype=np.int64)  # each form's length in characters
        #: (form id, group) -> where in the form a word starts that meets the group (lead groups only)
        self._lead_offsets: dict[tuple[int, int, frozenset[str] | None], tuple[int, ...]] = {}
        self._first_offset: dict[tuple[int, frozenset[str] | None], np.ndarray] = {}
        _save_regex_facts()

    def _learn(self) -> None:
        """Analyse the forms added to the vocabulary since the last call (each form once, all together)."""
        new = list(islice(self._vocab, len(self._forms), None))
        first = len(self._forms)
        # (form, keyword pattern) and (form, regex group) pairs, sorted by form: the bulk analysis
        # of all new forms at once (qualkit._forms)
        rows, patterns = self.matcher.match_pairs(new)
        form, group = self.regex_filter.group_pairs(new)
        # pattern -> its forms, ascending
        order = np.argsort(patterns, kind="stable")
        by_pattern, their_forms = _groups(patterns[order]), (rows[order] + first).tolist()
        for p, at, n in zip(*(x.tolist() for x in by_pattern)):
            self._pattern_forms.setdefault(p, []).extend(their_forms[at : at + n])
        # lead word of a regex -> the forms that contain it as a \w+ word (folded); a form of ASCII
        # letters and digits is one such word, folded by lower() (most forms: tested all at once)
        fold, word_forms, words_of, lead = self.regex_filter.fold, self._word_forms, RegexPrefilter._WORD.findall, self._lead_words
        plain = [w.isalnum() and w.isascii() for w in new]
        lowered = list(map(str.lower, new))
        for i, w in compress(enumerate(lowered, start=first), map(lead.__contains__, lowered)):
            if plain[i - first]:
                word_forms.setdefault(w, []).append(i)
        for i, w in compress(enumerate(new, start=first), [not x for x in plain]):
            for word in words_of(w):
                folded = fold(word)
                if folded in lead:
                    word_forms.setdefault(folded, []).append(i)
        # the group bits of each form, set in one go
        bit = group - self.regex_filter.shift
        groups = np.zeros((self._fgroup.shape[0], len(new)), dtype=np.uint64)
        np.bitwise_or.at(groups, (bit >> 6, form), np.left_shift(np.uint64(1), (bit & 63).astype(np.uint64)))
        self._fgroup = np.concatenate([self._fgroup, groups], axis=1)
        self._fchars = np.concatenate([self._fchars, np.fromiter(map(len, new), dtype=np.int64, count=len(new))])
        self._forms += new
        lengths = np.bincount(rows, minlength=len(new)).astype(np.int64)
        self._flen = np.concatenate([self._flen, lengths])
        self._fval = np.concatenate([self._fval, patterns.astype(np.int32)])
        # per form, the codes of the one-word keywords and exclude terms among its patterns
        n_codes = max(len(self.codes), 1)
        for per_form, per_pattern in ((self._fkw, self._kw1), (self._fex, self._ex1)):
            row, code = _expand(rows, *(x[patterns] for x in per_pattern[:2]), per_pattern[2])
            pairs = np.unique(row * n_codes + code)
            per_form.extend(np.bincount(pairs // n_codes, minlength=len(new)), pairs % n_codes)

    def code_segments(
        self, texts: Sequence[str], units: Sequence[str | None], roles: Sequence[str | None],
        progress: Callable[[int], Any] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
        """Code many segments; return (segment row, code index, rule, matched) of every coding.

        In segment order, then codebook order. ``progress`` is called with the
        number of segments done after each block.
        """
        # the pass makes hundreds of thousands of small lists and tuples and no reference cycles:
        # the cyclic garbage collector would only walk them (5-7 % of the pass), so it pauses here
        collecting = gc.isenabled()
        with self._lock:  # the vocabulary and its analyses grow as one: one pass at a time
            gc.disable()
            try:
                return self._code_blocks(texts, units, roles, progress)
            finally:
                if collecting:
                    gc.enable()

    def _code_blocks(
        self, texts: Sequence[str], units: Sequence[str | None], roles: Sequence[str | None],
        progress: Callable[[int], Any] | None,
    ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
        rows, codes, rules, matched = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [], []
        for lo in range(0, len(texts), BLOCK):
            hi = min(lo + BLOCK, len(texts))
            r, c, ru, m = _Block(self, texts[lo:hi], units[lo:hi], roles[lo:hi]).codings()
            rows.append(r + lo)
            codes.append(c)
            rules += ru
            matched += m
            if progress is not None:
                progress(hi - lo)
        return np.concatenate(rows), np.concatenate(codes), rules, matched

    def code_text(self, text: str, unit: str | None = None, role: str | None = None) -> list[tuple[str, str, str]]:
        """Return (code, rule, matched) for one text: a quick way to try rules out."""
        _, code_idx, rules, matched = self.code_segments([text], [unit], [role])
        return [(self.codes[ci].code.qualified, r, m) for ci, r, m in zip(code_idx.tolist(), rules, matched)]

    def phrase(self, form_ids: Iterable[int]) -> str:
        """Forms as written, joined by one space: how ``matched`` shows a phrase or a near term."""
        forms = self._forms
        return " ".join([forms[f] for f in form_ids])

    def forms_with_group(self, group: int) -> np.ndarray:
        """A boolean per form id: does the form meet regex group ``group``?"""
        hit = self._with_group.get(group)
        if hit is None or len(hit) != len(self._forms):
            g = group - self.regex_filter.shift
            hit = self._with_group[group] = ((self._fgroup[g >> 6] >> np.uint64(g & 63)) & np.uint64(1)) == 1
        return hit

    def forms_with_word(self, words: frozenset[str]) -> np.ndarray:
        """A boolean per form id: does the form contain one of ``words`` as a whole ``\\w+`` word (folded)?"""
        hit = self._with_word.get(words)
        if hit is None or len(hit) != len(self._forms):
            hit = np.zeros(len(self._forms), dtype=bool)
            for w in words:
                hit[self._word_forms.get(w, [])] = True
            self._with_word[words] = hit
        return hit

    def _memo(self, store: dict[Any, np.ndarray], key: Any, unknown: int, dtype: type) -> np.ndarray:
        """A per-form memo array of ``store[key]``, one entry per form learnt so far (new ones ``unknown``)."""
        known = store.get(key)
        if known is None or len(known) < len(self._forms):
            more = np.full(len(self._forms) - (0 if known is None else len(known)), unknown, dtype=dtype)
            known = store[key] = more if known is None else np.concatenate([known, more])
        return known

    def starting(self, forms: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
        """For each form id in ``forms``: does its first ``\\w+`` word (folded) start with one of ``prefixes``?

        Only the forms asked about are looked at (memoised: -1 not yet, 0 no, 1 yes), never the
        whole vocabulary.
        """
        known = self._memo(self._starting, prefixes, -1, np.int8)
        answers = known[forms]
        if (answers < 0).any():
            fold, first, words = self.regex_filter.fold, RegexPrefilter._WORD.search, self._forms
            for f in np.unique(forms[answers < 0]).tolist():
                m = first(words[f])
                known[f] = bool(m) and fold(m.group()).startswith(prefixes)
            answers = known[forms]
        return answers == 1

    def first_offsets(self, forms: np.ndarray, rx: _Regex) -> np.ndarray:
        """For each form id in ``forms``: the offset in it where a match of ``rx`` can start; -1: several."""
        known = self._memo(self._first_offset, (rx.lead, rx.lead_words), -2, np.int64)
        todo = forms[known[forms] == -2]
        for f in np.unique(todo).tolist() if len(todo) else ():
            offsets = self.lead_offsets(f, rx)
            known[f] = offsets[0] if len(offsets) == 1 else -1
        return known[forms]

    def lead_offsets(self, form_id: int, rx: _Regex) -> tuple[int, ...]:
        """Where in a form (character offsets) a ``\\w+`` word starts that can start a match of ``rx``."""
        key = (form_id, rx.lead, rx.lead_words)
        hit = self._lead_offsets.get(key)
        if hit is None:
            words = RegexPrefilter._WORD.finditer(self._forms[form_id])
            if rx.lead_words is not None:
                fold = self.regex_filter.fold
                hit = tuple(m.start() for m in words if fold(m.group()) in rx.lead_words)
            else:
                word_groups = self.regex_filter.word_groups
                hit = tuple(m.start() for m in words if rx.lead in word_groups(m.group()))
            self._lead_offsets[key] = hit
        return hit


class _Block:
    """One block of segments being coded: the flat arrays and what is found in them."""

    def __init__(self, rc: RuleCoder, texts: Sequence[str], units: Sequence[str | None], roles: Sequence[str | None]):
        self.rc, self.texts, self.units, self.roles = rc, texts, units, roles
        ids, self.starts, bounds = tokenize(texts, rc._vocab)
        if len(rc._vocab) > len(rc._forms):
            rc._learn()
        self.ids = ids
        self.n_codes = max(len(rc.codes), 1)
        #: the segment (row in this block) of every token
        self.tok_seg = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(bounds))
        self.bounds = bounds
        #: tokens per form id, and per keyword pattern (the sum over the forms that match it)
        self.form_count = np.bincount(ids, minlength=len(rc._forms))
        self.count = np.bincount(rc._fval, weights=np.repeat(self.form_count, rc._flen), minlength=rc._n_ids).astype(np.int64).tolist()
        #: the tokens in order of form id (made when a term is first looked for), and where each form starts
        self._by_form: np.ndarray | None = None
        self._form_at = np.concatenate([[0], np.cumsum(self.form_count)])
        # per segment, the OR of its forms' regex-group bits: which regexes can match where. One
        # word of 64 groups at a time (a 1-D take is far faster than a 2-D gather), in one reused
        # buffer (a fresh big array costs a page fault per 4 KB); the 0 after the last token keeps
        # every index of reduceat in range
        empty = bounds[:-1] == bounds[1:]
        self.seg_groups = []
        buffer = np.zeros(len(ids) + 1, dtype=np.uint64)
        for word in rc._fgroup:
            np.take(word, ids, out=buffer[:-1], mode="clip")  # "raise" would copy through a temporary
            g = np.bitwise_or.reduceat(buffer, bounds[:-1])
            g[empty] = 0  # reduceat gives an empty range the value at its index
            self.seg_groups.append(g)
        self._occ: dict[int, np.ndarray] = {}
        self._pair_bits: np.ndarray | None = None
        self._quoted: list[str] | None = None
        self._punct: np.ndarray | None = None

    # -- where things occur

    def occurrences(self, t: int) -> np.ndarray:
        """The first token of every occurrence of term ``t`` inside one segment, ascending."""
        hit = self._occ.get(t)
        if hit is None:
            self.find_terms([t])
            hit = self._occ[t]
        return hit

    def tokens_of(self, forms: np.ndarray) -> np.ndarray:
        """The tokens of some form ids (each at most once), ascending."""
        by_form = self.by_form()
        if len(forms) == 1:
            return by_form[self._form_at[forms[0]] : self._form_at[forms[0] + 1]]
        _, at = _expand(np.zeros(len(forms), dtype=np.int64), self._form_at[forms], self.form_count[forms], None)
        return np.sort(by_form[at])

    def by_form(self) -> np.ndarray:
        """The tokens in order of form id, each form's ascending: form ``f`` has ``_form_at[f]`` to ``_form_at[f + 1]``."""
        if self._by_form is None:
            # a stable sort keeps each form's tokens ascending; on 16-bit ids numpy sorts by radix
            ids = self.ids
            self._by_form = np.argsort(ids.astype(np.uint16) if len(self.rc._forms) <= 1 << 16 else ids, kind="stable")
        return self._by_form

    def find_terms(self, terms: Iterable[int]) -> None:
        """Find the occurrences of many terms at once (see :meth:`occurrences`).

        Each term is looked for from its word that is rarest in the block (its
        *anchor*): the tokens whose form matches the anchor's pattern, shifted
        back to where the term would start; then every other word of the term
        is checked on its token, for all candidates of all terms together (in
        the block's bit table of (pattern, form): :meth:`_has_pattern`).
        """
        rc, count, seqs = self.rc, self.count, self.rc.matcher.terms
        anchors: list[tuple[int, int, int]] = []  # (term, anchor position, anchor pattern)
        for t in dict.fromkeys(terms):
            if t in self._occ:
                continue
            seq = seqs[t]
            counts = [count[p] for p in seq]
            a = counts.index(min(counts))
            if counts[a]:
                anchors.append((t, a, seq[a]))
            else:
                self._occ[t] = _NONE
        if not anchors:
            return
        # (anchor, form) pairs with tokens in this block, then every such token
        form_lists = [rc._pattern_forms.get(p, ()) for _, _, p in anchors]
        forms = np.fromiter(chain.from_iterable(form_lists), dtype=np.int64)
        owner = np.repeat(np.arange(len(anchors)), np.fromiter(map(len, form_lists), dtype=np.int64, count=len(anchors)))
        n_tok = self.form_count[forms]
        owner, at = _expand(owner, self._form_at[forms], n_tok, None)
        k = np.fromiter((len(seqs[t]) for t, _, _ in anchors), dtype=np.int64, count=len(anchors))
        shift = np.fromiter((a for _, a, _ in anchors), dtype=np.int64, count=len(anchors))
        start = self.by_form()[at] - shift[owner]
        n = len(self.ids)
        ok = (start >= 0) & (start + k[owner] <= n)
        owner, start = owner[ok], start[ok]
        # the other words: pattern of word j of each candidate's term (-1: none or the anchor itself);
        # the candidates that fail a word are dropped before the next word is checked
        width = int(k.max())
        if width > 1:
            table = np.full((len(anchors), width), -1, dtype=np.int64)
            for i, (t, a, _) in enumerate(anchors):
                table[i, : len(seqs[t])] = seqs[t]
                table[i, a] = -1
            for j in range(width):
                pattern = table[owner, j]
                ok = pattern < 0
                check = np.flatnonzero(~ok)
                if len(check):
                    ok[check] = self._has_pattern(self.ids[start[check] + j], pattern[check])
                    owner, start = owner[ok], start[ok]
        # all words inside one segment (checked last: the words leave few candidates)
        ok = self.tok_seg[start] == self.tok_seg[start + k[owner] - 1]
        # one ascending array per term
        key = np.sort(owner[ok] * n + start[ok])
        owner, start = key // n, key % n
        bounds = np.searchsorted(owner, np.arange(len(anchors) + 1))
        for i, (t, _, _) in enumerate(anchors):
            self._occ[t] = start[bounds[i] : bounds[i + 1]]

    def _has_pattern(self, forms: np.ndarray, patterns: np.ndarray) -> np.ndarray:
        """For each (form id, pattern id) of the words of terms: does the form match the pattern?

        Looked up in a bit table (term pattern x form) made once per block
        from the (form, pattern) lists of :meth:`RuleCoder._learn`: one bit per
        pair keeps it small for a large vocabulary.
        """
        rc, n_forms = self.rc, len(self.rc._forms)
        if self._pair_bits is None:
            form = np.repeat(np.arange(n_forms, dtype=np.int64), rc._flen)
            row = rc._term_row[rc._fval]
            at = row[row >= 0] * n_forms + form[row >= 0]
            self._pair_bits = np.zeros((rc._term_rows * n_forms + 7) // 8, dtype=np.uint8)
            np.bitwise_or.at(self._pair_bits, at >> 3, np.left_shift(1, at & 7).astype(np.uint8))
        at = rc._term_row[patterns] * n_forms + forms
        return (self._pair_bits[at >> 3] >> (at & 7).astype(np.uint8)) & 1 == 1

    def words(self, first: int, end: int) -> str:
        """The tokens ``first`` to ``end`` as written, joined by one space."""
        return self.rc.phrase(self.ids[first:end].tolist())

    def quoted(self) -> list[str]:
        """The texts with straight quotes (same offsets), as the regexes see them."""
        if self._quoted is None:
            self._quoted = list(self.texts)
            for s in np.flatnonzero(self.punctuation() & self.rc._punct_lut.dtype.type(1 << self.rc._curly_bit)).tolist():
                self._quoted[s] = unify_quotes(self._quoted[s])
        return self._quoted

    def punctuation(self) -> np.ndarray:
        """Per segment: the bits of the punctuation sets (and curly quotes) its text contains."""
        if self._punct is None:
            self._punct = char_bits(self.texts, self.rc._punct_lut)  # one pass over the characters (C)
        return self._punct

    def has_chars(self, chars: tuple[str, ...]) -> np.ndarray:
        """Per segment: does its quote-unified text contain one of ``chars`` (a set the coder knows)?"""
        bit = self.rc._punct_bit.get(chars)
        if bit is None:  # one of very many sets: text by text
            variants = {*chars, *(chr(k) for k, v in _QUOTES.items() if v in chars)}
            return np.fromiter((any(ch in t for ch in variants) for t in self.texts), dtype=bool, count=len(self.texts))
        return (self.punctuation() & self.rc._punct_lut.dtype.type(1 << bit)) != 0

    # -- the rules

    def keyword_hits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """(key, first token, end token, string id) of every keyword hit; strings beyond the forms listed."""
        rc = self.rc
        tok, code = self._hits(rc._fkw)
        starts, ends, codes, sids = [tok], [tok + 1], [code], [self.ids[tok].astype(np.int64)]
        self.find_terms(t for _, t in (*rc._phrases, *rc._exclude_phrases))
        self.find_terms(t for x in rc._near for t in x[2:4])
        extra: list[str] = []
        found = [(ci, len(rc.matcher.terms[t]), self._occ[t]) for ci, t in rc._phrases if len(self._occ[t])]
        if found:
            n = np.fromiter((len(occ) for _, _, occ in found), dtype=np.int64, count=len(found))
            occ = np.concatenate([occ for _, _, occ in found])
            k = np.repeat(np.fromiter((k for _, k, _ in found), dtype=np.int64, count=len(found)), n)
            starts.append(occ)
            ends.append(occ + k)
            codes.append(np.repeat(np.fromiter((ci for ci, _, _ in found), dtype=np.int64, count=len(found)), n))
            # the words as written: one string per distinct sequence of forms, of all phrases at
            # once (a row of form ids + 1, 0 beyond the phrase; as one number where it fits 63 bits)
            width = int(k.max())
            column = np.arange(width)
            inside = column < k[:, None]
            forms = np.where(inside, self.ids[np.where(inside, occ[:, None] + column, 0)].astype(np.int64) + 1, 0)
            bits = (len(rc._forms) + 1).bit_length()
            # the first words that fit 63 bits as one number; any further words sorted along
            fit = max(63 // bits, 1)
            keys = [(forms[:, :fit] << (column[:fit] * bits)).sum(axis=1)]
            if width > fit:
                keys = [*forms[:, fit:].T[::-1], *keys]
            order = np.lexsort(keys) if len(keys) > 1 else np.argsort(keys[0], kind="stable")
            new_row = np.ones(len(order), dtype=bool)
            new_row[1:] = (forms[order[1:]] != forms[order[:-1]]).any(axis=1)
            inverse = np.empty(len(order), dtype=np.int64)
            inverse[order] = np.cumsum(new_row) - 1
            extra = [rc.phrase(f - 1 for f in row if f) for row in forms[order[new_row]].tolist()]
            sids.append(len(rc._forms) + inverse)
        start, end, code, sid = (np.concatenate(x) for x in (starts, ends, codes, sids))
        return self.tok_seg[start] * self.n_codes + code, start, end, sid, extra

    def _hits(self, per_form: _CSRGrowing) -> tuple[np.ndarray, np.ndarray]:
        """(token, code) of every token whose form is in a code's list of ``per_form``, in token order."""
        start, count, values = per_form.arrays()
        n = count[self.ids]
        hot = np.flatnonzero(n)
        return _expand(hot, start[self.ids[hot]], n[hot], values)

    def vetoed(self) -> np.ndarray:
        """The keys (segment * codes + code) vetoed by an exclude term, ascending."""
        rc = self.rc
        tok, code = self._hits(rc._fex)
        keys = [self.tok_seg[tok] * self.n_codes + code]
        for ci, t in rc._exclude_phrases:
            occ = self.occurrences(t)
            if len(occ):
                keys.append(self.tok_seg[occ] * self.n_codes + ci)
        return np.unique(np.concatenate(keys))

    def near_pairs(self) -> dict[int, list[tuple[int, str]]]:
        """key -> (first token, "A ... B") of every near pair."""
        out: dict[int, list[tuple[int, str]]] = {}
        terms = self.rc.matcher.terms
        for ci, _, a, b, n in self.rc._near:
            occ_a, occ_b = self.occurrences(a), self.occurrences(b)
            if not len(occ_a) or not len(occ_b):
                continue
            ka, kb = len(terms[a]), len(terms[b])
            # B after A: B starts 0..n words after A ends; A after B: A starts 0..n words after B ends
            for lo_b, hi_b, b_first in ((occ_a + ka, occ_a + ka + n, False), (occ_a - n - kb, occ_a - kb, True)):
                lo = np.searchsorted(occ_b, lo_b, "left")
                hi = np.searchsorted(occ_b, hi_b, "right")
                ia, ib = _expand(np.arange(len(occ_a)), lo, hi - lo, None)
                if not len(ia):
                    continue
                sa, sb = occ_a[ia], occ_b[ib]
                same = self.tok_seg[sa] == self.tok_seg[sb]
                for x, y in zip(sa[same].tolist(), sb[same].tolist()):
                    if b_first:
                        first, text = y, f"{self.words(y, y + kb)} ... {self.words(x, x + ka)}"
                    else:
                        first, text = x, f"{self.words(x, x + ka)} ... {self.words(y, y + kb)}"
                    out.setdefault(int(self.tok_seg[x]) * self.n_codes + ci, []).append((first, text))
        return out

    def regex_hits(self) -> tuple[np.ndarray, list[str]]:
        """(key, matched text) of every regex that matches, sorted by key and the regex's place in its code."""
        keys: list[np.ndarray] = []
        order: list[np.ndarray] = []
        texts: list[str] = []
        groups = self.seg_groups
        for rx in self.rc._regexes:
            ok = np.ones(len(self.texts), dtype=bool)
            for word, bits in rx.need_bits:
                ok &= (groups[word] & bits) == bits
            if rx.lead < 0:  # searched in the whole text: first make sure its punctuation is there
                for chars in rx.punctuation:
                    ok &= self.has_chars(chars)
            cand = np.flatnonzero(ok)
            if not len(cand):
                continue
            found = self._lead_search(rx, cand, ok) if rx.lead >= 0 else self._search(rx, cand.tolist())
            if found:
                segs = np.fromiter((s for s, _ in found), dtype=np.int64, count=len(found))
                keys.append(segs * self.n_codes + rx.code)
                order.append(np.full(len(found), rx.index, dtype=np.int64))
                # the matched characters of the text as written (quote unification keeps offsets)
                texts += [self.texts[s][slice(*m.span())] for s, m in found]
        if not keys:
            return np.zeros(0, dtype=np.int64), []
        key, index = np.concatenate(keys), np.concatenate(order)
        sort = np.lexsort((index, key))
        return key[sort], [texts[i] for i in sort.tolist()]

    def _search(self, rx: _Regex, cand: list[int]) -> list[tuple[int, re.Match[str]]]:
        search, quoted = rx.pattern.search, self.quoted()
        return [(s, m) for s in cand if (m := search(quoted[s]))]

    def _lead_search(self, rx: _Regex, seg: np.ndarray, candidate: np.ndarray) -> list[tuple[int, re.Match[str]]]:
        """Try the regex at the words that can start a match, in text order (as ``search`` would).

        ``seg`` lists the segments where it can match, ``candidate`` marks them.
        """
        # the tokens of the candidate segments whose form has the lead group: from all tokens of
        # those segments, or from all tokens of those forms, whichever are fewer
        with_lead = self.rc.forms_with_group(rx.lead) if rx.lead_words is None else self.rc.forms_with_word(rx.lead_words)
        sizes = self.bounds[seg + 1] - self.bounds[seg]
        lead_forms = np.flatnonzero(with_lead & (self.form_count > 0))
        if self.form_count[lead_forms].sum() < sizes.sum():
            toks = self.tokens_of(lead_forms)
            toks = toks[candidate[self.tok_seg[toks]]]
        else:
            _, toks = _expand(np.zeros(len(seg), dtype=np.int64), self.bounds[seg], sizes, None)
            toks = toks[with_lead[self.ids[toks]]]
        if rx.second_words is not None and len(toks):
            # the next token starts one character after this one ends, in the same segment, with a second word
            nxt = np.minimum(toks + 1, len(self.ids) - 1)
            ids = self.ids
            toks = toks[
                (nxt > toks) & (self.tok_seg[nxt] == self.tok_seg[toks])
                & (self.starts[nxt] == self.starts[toks] + self.rc._fchars[ids[toks]] + 1)
            ]
            toks = toks[self.rc.starting(ids[toks + 1], rx.second_words)]
        if not len(toks):
            return []
        # try each candidate word in text order; the first that starts a match in a segment gives
        # what search() would find (lookbehinds and \\b see the whole text); forms with several
        # such words (hyphenated: "CLB-medewerker") are rare: all their places are tried
        offsets = self.rc.first_offsets(self.ids[toks], rx)
        several = offsets < 0
        match, quoted = rx.pattern.match, self.quoted()
        found: list[tuple[int, re.Match[str]]] = []
        done = -1
        shift = rx.lead_shift
        if not several.any():
            pos = self.starts[toks] + offsets + shift
            for s, p in zip(self.tok_seg[toks].tolist(), pos.tolist()):
                if s != done and p >= 0 and (m := match(quoted[s], p)):
                    found.append((s, m))
                    done = s
            return found
        lead_offsets = self.rc.lead_offsets
        for s, start, form in zip(self.tok_seg[toks].tolist(), self.starts[toks].tolist(), self.ids[toks].tolist()):
            if s == done:
                continue
            for off in lead_offsets(form, rx):
                if start + off + shift >= 0 and (m := match(quoted[s], start + off + shift)):
                    found.append((s, m))
                    done = s
                    break
        return found

    # -- the codings

    def codings(self) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
        """(segment, code, rule, matched) of every coding of the block, in segment and codebook order."""
        rc, nc = self.rc, self.n_codes
        key, start, end, sid, extra = self.keyword_hits()
        # each keyword string once per coding, at its first (start, end); then in that order
        order = np.lexsort((end, start, key))
        key, sid = key[order], sid[order]
        hits_per_key = _groups(key)[2]
        if (hits_per_key > 1).any():  # only codings with several hits can repeat a string
            several = np.flatnonzero(np.repeat(hits_per_key > 1, hits_per_key))
            _, first = np.unique(key[several] * (len(rc._forms) + len(extra)) + sid[several], return_index=True)
            keep = np.ones(len(key), dtype=bool)
            keep[several] = False
            keep[several[first]] = True
            key, sid = key[keep], sid[keep]
        # the strings of the hits, as an object array: taking from it is one C loop
        words = np.asarray([*rc._forms, *extra], dtype=object)[sid]
        kw_keys, kw_at, kw_count = _groups(key)
        near = self.near_pairs()
        rx_key, rx_text = self.regex_hits()
        rx_keys, rx_at, rx_count = _groups(rx_key)
        keys = kw_keys
        if near or len(rx_keys):
            keys = _groups(np.sort(np.concatenate([keys, rx_keys, np.fromiter(near, dtype=np.int64)]), kind="stable"))[0]
        if len(keys):
            keys = keys[~_member(self.vetoed(), keys)]
        if rc._restricted and len(keys):
            keys = keys[self._allowed(keys)]
        # the common case, keywords only: one string, or several joined
        i = np.minimum(np.searchsorted(kw_keys, keys), max(len(kw_keys) - 1, 0))
        has_kw = (kw_keys[i] == keys) if len(kw_keys) else np.zeros(len(keys), dtype=bool)
        sep = MATCHED_SEP
        if len(kw_keys):
            at, count = kw_at[i], kw_count[i]
            matched = words[at].tolist()  # a coding's first keyword string (overwritten below where not a keyword)
            several = np.flatnonzero(count > 1)
            words = words.tolist()  # slices of a list are cheaper than of an array
            for n, a, c in zip(several.tolist(), at[several].tolist(), count[several].tolist()):
                matched[n] = sep.join(words[a : a + c])
            at, count = at.tolist(), count.tolist()
        else:
            at, count, matched = [], [], [""] * len(keys)
        rules = ["keyword"] * len(keys)
        has_near = _member(np.sort(np.fromiter(near, dtype=np.int64)), keys)
        if len(rx_keys):
            j = np.searchsorted(rx_keys, keys)
            has_rx = _member(rx_keys, keys)
            only_rx = has_rx & ~has_kw & ~has_near
            # the common regex case: one regex of the code matched, nothing else
            for n, a, c in zip(*(x.tolist() for x in (np.flatnonzero(only_rx), rx_at[j[only_rx]], rx_count[j[only_rx]]))):
                rules[n] = "regex"
                matched[n] = rx_text[a] if c == 1 else sep.join(_distinct(rx_text[a : a + c]))
            mixed = np.flatnonzero(has_rx & ~only_rx)
        else:
            has_rx, j, mixed = np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64), np.zeros(0, dtype=np.int64)
        if near:
            mixed = _groups(np.sort(np.concatenate([mixed, np.flatnonzero(has_near)]), kind="stable"))[0]
        # several rules, or a near rule: their strings in the fixed order keyword, regex, near
        kinds = has_kw[mixed] * 1 + has_rx[mixed] * 2 + has_near[mixed] * 4
        named = [RULE_SEP.join(k for b, k in zip((1, 2, 4), RULE_KINDS) if combo & b) for combo in range(8)]
        # (the regex strings of a coding; a clipped index where there are none: not read then)
        jj = np.minimum(j[mixed], len(rx_keys) - 1) if len(rx_keys) else None
        rx_first, rx_n = (rx_at[jj].tolist(), rx_count[jj].tolist()) if jj is not None else ([0] * len(mixed),) * 2
        for n, k, combo, a, c in zip(mixed.tolist(), keys[mixed].tolist(), kinds.tolist(), rx_first, rx_n):
            rules[n] = named[combo]
            parts = words[at[n] : at[n] + count[n]] if combo & 1 else []
            if combo & 2:
                parts += _distinct(rx_text[a : a + c])
            if combo & 4:
                parts += _distinct(p for _, p in sorted(near[k]))
            matched[n] = sep.join(parts)
        return keys // nc, keys % nc, rules, matched

    def _allowed(self, keys: np.ndarray) -> np.ndarray:
        """Which (segment, code) keys pass their code's role and unit restrictions."""
        rc, nc = self.rc, self.n_codes
        ok = np.ones(len(keys), dtype=bool)
        restricted = np.zeros(nc, dtype=bool)
        restricted[rc._restricted] = True
        at = np.flatnonzero(restricted[keys % nc])  # the codings of restricted codes, in one pass
        units, roles, codes = self.units, self.roles, rc.codes
        for i, s, ci in zip(at.tolist(), (keys[at] // nc).tolist(), (keys[at] % nc).tolist()):
            cc = codes[ci]
            if (cc.units is not None and units[s] not in cc.units) or (cc.roles is not None and roles[s] not in cc.roles):
                ok[i] = False
        return ok


def _groups(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct keys, where each starts, how many) of an ascending array: ``np.unique`` without sorting again."""
    if not len(sorted_keys):
        return sorted_keys, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    at = np.flatnonzero(np.diff(sorted_keys, prepend=sorted_keys[0] - 1))
    return sorted_keys[at], at, np.diff(at, append=len(sorted_keys))


def _bit_words(bits: Iterable[int]) -> tuple[tuple[int, np.uint64], ...]:
    """(word, mask) pairs of a set of bit numbers, 64 bits a word."""
    words: dict[int, int] = {}
    for b in bits:
        words[b >> 6] = words.get(b >> 6, 0) | (1 << (b & 63))
    return tuple((w, np.uint64(m)) for w, m in sorted(words.items()))


def _csr(rows: list[set[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, count, values) of a list of sets of ints, as flat arrays (each set sorted)."""
    table = _CSRGrowing()
    table.extend(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)),
                 np.fromiter(chain.from_iterable(sorted(r) for r in rows), dtype=np.int64))
    return table.arrays()


class _CSRGrowing:
    """Rows of ints (one per form id, say) that only grow at the end; read as flat (start, count, values) arrays."""

    def __init__(self) -> None:
        self._start = np.zeros(0, dtype=np.int64)
        self._count = np.zeros(0, dtype=np.int64)
        self._values = np.zeros(0, dtype=np.int64)

    def extend(self, count: np.ndarray, values: np.ndarray) -> None:
        """Add rows: ``count`` values each, ``values`` the rows one after another."""
        self._start = np.concatenate([self._start, len(self._values) + np.cumsum(count) - count])
        self._count = np.concatenate([self._count, count])
        self._values = np.concatenate([self._values, values.astype(np.int64, copy=False)])

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._start, self._count, self._values


def _expand(items: np.ndarray, first: np.ndarray, count: np.ndarray, values: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Pair each item with ``count`` consecutive entries from ``first``: (item, value) pairs.

    ``values`` None pairs the item with the indices themselves.
    """
    total = int(count.sum()) if len(count) else 0
    item = np.repeat(items.astype(np.int64, copy=False), count)
    index = np.repeat(first.astype(np.int64, copy=False) - np.cumsum(count) + count, count) + np.arange(total)
    return item, (index if values is None else values[index].astype(np.int64, copy=False))


def _member(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """For each query: is it in the ascending array ``sorted_keys``?"""
    if not len(sorted_keys):
        return np.zeros(len(queries), dtype=bool)
    i = np.searchsorted(sorted_keys, queries)
    return sorted_keys[np.minimum(i, len(sorted_keys) - 1)] == queries


class RegexPrefilter:
    """Skip the regular expressions that cannot match a segment, without running them.

    Most codebook regexes are built from words: ``\\b(elk|ieder) (gesprek|overleg)``.
    From each regex's parse tree we take the *required* literal words: groups
    of alternatives that every match must contain (a word after ``\\b``, a
    space or punctuation must start a word of the text; elsewhere it must be
    inside one). A regex can only match when each of its required groups is
    met by some word of the segment. Each group has an id; every distinct
    word is checked against all groups once (:meth:`form_groups`). Regexes
    without a required word are always run. Punctuation a regex needs
    (``:`` or a quote) is listed in :attr:`punctuation`; the coder looks for it
    in all texts at once. The filter only skips work: a regex it lets through
    is searched as written.

    Parameters
    ----------
    regexes : sequence of (code index, compiled regexes)
    shift : int
        The id of group 0 (the coder numbers its keyword patterns below it).

    Examples
    --------
    >>> f = RegexPrefilter([(0, [re.compile(r"\\b(elk|ieder) gesprek", re.I)]), (1, [re.compile(r"[0-9]+:", re.I)])])
    >>> f.groups, [sorted(need) for _, need in f.requirements[0]], f.punctuation
    ([(True, ('elk', 'ieder')), (True, ('gesprek',))], [[0, 1]], {re.compile('[0-9]+:', re.IGNORECASE): ((':',),)})
    >>> sorted(f.form_groups("Ieder")), sorted(f.form_groups("gesprekken")), sorted(f.form_groups("overleg"))
    ([0], [1], [])
    """

    _WORD = re.compile(r"\w+")
    #: characters that ignore-case matching folds differently from str.lower()
    _FOLD = str.maketrans({"ſ": "s", "ı": "i", "\u0307": None})

    def __init__(self, regexes: Sequence[tuple[int, Sequence[re.Pattern[str]]]], shift: int = 0):
        self.shift = shift
        group_ids: dict[tuple[bool, tuple[str, ...]], int] = {}
        #: code -> its regexes in order, each with the ids of the groups it needs (none: always run)
        self.requirements: dict[int, list[tuple[re.Pattern[str], int]]] = {}
        #: regex -> the punctuation it needs in the (quote-unified) text: one character of each tuple
        self.punctuation: dict[re.Pattern[str], tuple[tuple[str, ...], ...]] = {}
        for ci, patterns in regexes:
            for p in patterns:
                groups, chars = _regex_facts(p.pattern, p.flags)[0]
                need = frozenset(shift + group_ids.setdefault(group, len(group_ids)) for group in groups)
                self.requirements.setdefault(ci, []).append((p, need))
                if chars:
                    self.punctuation[p] = tuple(chars)
        #: the required groups: (anchored at a word start, literals), in id order
        self.groups: list[tuple[bool, tuple[str, ...]]] = sorted(group_ids, key=group_ids.__getitem__)
        # anchored literals are found by looking up the word's prefixes; the others by substring
        # (a dict look-up per prefix or substring of the word: cheap for every distinct word)
        self.prefix_groups: dict[str, set[int]] = {}
        self.inner_groups: dict[str, set[int]] = {}
        self.digit_groups: set[int] = set()
        for g, (anchored, literals) in enumerate(self.groups):
            for lit in literals:
                if lit == _DIGIT:
                    self.digit_groups.add(shift + g)
                else:
                    (self.prefix_groups if anchored else self.inner_groups).setdefault(lit, set()).add(shift + g)
        self.longest = max((len(x) for x in self.prefix_groups), default=0)
        #: first two characters -> (literal, groups) of the inner literals (one-character ones apart)
        self.inner_by_first: dict[str, list[tuple[str, set[int]]]] = {}
        self.inner_single = {lit: gs for lit, gs in self.inner_groups.items() if len(lit) == 1}
        for lit, gs in self.inner_groups.items():
            if len(lit) > 1:
                self.inner_by_first.setdefault(lit[:2], []).append((lit, gs))
        self._prefix_lengths = sorted({len(x) for x in self.prefix_groups})
        self.cache: dict[str, frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.requirements)

    def fold(self, word: str) -> str:
        """A word as the groups see it: lowercase, with the letters ignore-case matching folds specially."""
        w = word.lower()
        return w if w.isascii() else w.translate(self._FOLD)  # the special letters are not ASCII

    def _word_groups(self, word: str) -> frozenset[int]:
        w = self.fold(word)
        found: list[set[int]] = []
        n = len(w)
        prefix = self.prefix_groups.get
        for k in self._prefix_lengths:
            if k > n:
                break
            hit = prefix(w[:k])
            if hit:
                found.append(hit)
        by_first = self.inner_by_first.get
        for i in range(n - 1):
            literals = by_first(w[i : i + 2])
            if literals:
                for lit, gs in literals:
                    if w.startswith(lit, i):
                        found.append(gs)
        if self.inner_single:
            found += [self.inner_single[ch] for ch in self.inner_single.keys() & set(w)]
        if self.digit_groups and not w.isalpha() and any(ch.isdecimal() for ch in w):
            found.append(self.digit_groups)
        return frozenset().union(*found) if found else _NO_GROUPS

    def word_groups(self, word: str) -> frozenset[int]:
        """Return the ids of the groups met by one ``\\w+`` word (memoised)."""
        hit = self.cache.get(word)
        if hit is None:
            hit = self.cache[word] = self._word_groups(word)
        return hit

    def form_groups(self, form: str) -> frozenset[int]:
        """Return the ids of the groups met by a text word (a token of :data:`qualkit.nlp.TOKEN_RE`).

        A token is one or more ``\\w+`` words joined by hyphens or apostrophes;
        each of them is checked as a word of its own (:meth:`word_groups`).
        """
        return frozenset().union(*map(self.word_groups, self._WORD.findall(form)))

    def groups_of_forms(self, forms: Sequence[str]) -> list[frozenset[int]]:
        """Return :meth:`form_groups` of each text word, all checked together (see :meth:`group_pairs`).

        Examples
        --------
        >>> f = RegexPrefilter([(0, [re.compile(r"\\b(elk|ieder) \\w*gesprek", re.I)])])
        >>> [sorted(g) for g in f.groups_of_forms(["Ieder", "groepsgesprek", "elk-gesprek", "overleg", ""])]
        [[0], [1], [0, 1], [], []]
        """
        return pair_sets(*self.group_pairs(forms), len(forms), _NO_GROUPS)

    def group_pairs(self, forms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (form index, group id) of every group each text word meets, as two int64 arrays.

        The same answers as :meth:`form_groups` of each form, flat: sorted by
        form index, then group id, each pair once. Several times faster for
        many forms, and not memoised (the coding pass asks once per new form):
        each ``\\w+`` word is walked once through a table of the anchored
        literals (which start it) and once through one of the inner literals
        (which occur in it), instead of one look-up per prefix length and per
        character pair (:class:`qualkit._forms.KeyTable`); the hits become
        group ids in numpy.

        Examples
        --------
        >>> f = RegexPrefilter([(0, [re.compile(r"\\bieder\\b", re.I)]), (1, [re.compile(r"\\d+ keer", re.I)])])
        >>> [x.tolist() for x in f.group_pairs(["3", "Iedereen", "keer-3"])]
        [[0, 1, 2, 2], [1, 0, 1, 2]]
        """
        # the \w+ words of the forms; a form that is one word (most: str.isalnum is exactly \w
        # without "_") is its own only word, the others are cut by the regex
        single = [f.isalnum() for f in forms]
        if all(single):
            words, owner = forms, None
        else:
            words = list(compress(forms, single))
            owner = list(compress(range(len(forms)), single))
            for i in compress(range(len(forms)), [not x for x in single]):
                found = self._WORD.findall(forms[i])
                words += found
                owner += [i] * len(found)
            owner = np.asarray(owner, dtype=np.int64)
        rows, groups = self._word_pairs(words)
        return unique_pairs([rows if owner is None else owner[rows]], [groups], self.shift + len(self.groups))

    def _word_pairs(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(word index, group id) of the groups each ``\\w+`` word meets (:meth:`_word_groups`), unsorted."""
        fold = self._FOLD
        folded = [w if w.isascii() else w.translate(fold) for w in map(str.lower, words)]
        (prefix_sets, prefix_table), (inner_sets, inner_table) = self._tables()
        rows, groups = zip(prefix_sets.ids(*prefix_table.prefixes(folded)), inner_sets.ids(*inner_table.substrings(folded)))
        if self.digit_groups:  # \d: a decimal digit anywhere in the word
            digits = [j for j in compress(range(len(folded)), [not w.isalpha() for w in folded])
                      if any(ch.isdecimal() for ch in folded[j])]
            ids = sorted(self.digit_groups)
            rows += (np.repeat(np.asarray(digits, dtype=np.int64), len(ids)),)
            groups += (np.tile(np.asarray(ids, dtype=np.int64), len(digits)),)
        return np.concatenate(rows), np.concatenate(groups)

    def _tables(self) -> tuple[tuple[IdSets, KeyTable], tuple[IdSets, KeyTable]]:
        """The tables of :meth:`group_pairs`, made on first use: anchored literals, inner literals."""
        tables = self.__dict__.get("_key_tables")
        if tables is None:
            # an empty inner literal is never looked for by _word_groups (it reads pairs and single
            # characters), so it is left out here too
            prefix = IdSets(self.prefix_groups)
            inner = IdSets({lit: gs for lit, gs in self.inner_groups.items() if lit})
            tables = self._key_tables = ((prefix, KeyTable(prefix.keys)), (inner, KeyTable(inner.keys)))
        return tables


#: the groups of a word that meets none (one shared object)
_NO_GROUPS: frozenset[int] = frozenset()
#: a group alternative that stands for "any decimal digit" (``\d``: Unicode category Nd, str.isdecimal)
_DIGIT = "\\d"
#: frequent Dutch words: poor keys for the prefilter (this only affects speed, never a result)
_COMMON = frozenset(
    "aan al als dan dat de die dit een en er het hij ik in is je maar met mij niet nog of ons ook op te van voor was"
    " we wel wij ze zij zijn zo".split()
)
#: at most this many alternatives are spelled out for one group
_MAX_ALTERNATIVES = 64


@lru_cache(maxsize=None)
def _plain_char(ch: str) -> bool:
    """True for a word character whose ignore-case matching is exactly ``str.lower()``."""
    return bool(re.fullmatch(r"\w", ch)) and ord(ch) < 0x250 and ch not in "µßſıİ" and len(ch.lower()) == 1


def _punctuation(ch: str) -> bool:
    """True for a character without case that is neither a word character nor white space."""
    return not re.fullmatch(r"[\w\s]", ch) and ch.lower() == ch == ch.upper()


@lru_cache(maxsize=None)
def _fold(ch: str) -> str:
    return ch.lower().translate(RegexPrefilter._FOLD)


def _weight(group: tuple[bool, tuple[str, ...]]) -> float:
    """How selective a group is likely to be: its shortest alternative, common words count 0."""
    anchored, literals = group
    return min(8 if lit == _DIGIT else 0 if lit in _COMMON else len(lit) for lit in literals) + 0.5 * anchored


@lru_cache(maxsize=4096)
def _parse(pattern: str, flags: int) -> tuple[list[Any], Any] | None:
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        items = list(sre_parse.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - compiled already; a parser quirk only disables the filter
        return None
    return items, (sre_parse.constants if hasattr(sre_parse, "constants") else sre_parse)


def _required_groups(pattern: str, flags: int) -> list[tuple[bool, tuple[str, ...]]]:
    """Return the literal-word groups every match of the regex must contain (may be empty).

    A group is (anchored, alternatives): one of the alternatives occurs inside
    a ``\\w+`` word of the text (lowercased), at its start when anchored.
    ``\\d`` stands for any decimal digit.

    Examples
    --------
    >>> _required_groups(r"\\b(we|wij) (nemen|nam) het\\b", re.I)
    [(True, ('we', 'wij')), (True, ('nemen', 'nam')), (True, ('het',))]
    >>> _required_groups(r"\\b\\d+ (van de|op) \\d+", re.I)
    [(False, ('\\\\d',)), (True, ('van', 'op'))]
    """
    return list(_required(pattern, flags)[0])


@lru_cache(maxsize=4096)
def _required(pattern: str, flags: int) -> tuple[tuple[tuple[bool, tuple[str, ...]], ...], tuple[tuple[str, ...], ...]]:
    """Return (the required word groups, the required punctuation: any one character of each tuple).

    Memoised: a codebook edit builds a new coder, but most of its regexes are the same.
    """
    parsed = _parse(pattern, flags)
    if parsed is None:
        return (), ()
    items, c = parsed
    chars: list[tuple[str, ...]] = []
    groups = _sequence_groups(items, c, False, chars)
    return tuple(dict.fromkeys(groups)), tuple(dict.fromkeys(chars))


def _sequence_groups(
    items: list[Any], c: Any, anchored: bool, chars: list[tuple[str, ...]] | None = None,
) -> list[tuple[bool, tuple[str, ...]]]:
    """The required groups of a sequence of parse items (see :func:`_required_groups`).

    ``chars``, when given, collects the punctuation the sequence requires.
    """
    groups: list[tuple[bool, tuple[str, ...]]] = []
    k = 0
    while k < len(items):
        op, av = items[k]
        if op == c.AT and av == c.AT_BOUNDARY:
            anchored, k = True, k + 1
            continue
        if op == c.LITERAL and not _plain_char(chr(av)):
            if chars is not None and _punctuation(chr(av)):
                chars.append((chr(av),))
            # a word that follows a space or punctuation (matched as itself) starts a \w+ word
            anchored, k = av < 128 and not re.fullmatch(r"\w", chr(av)), k + 1
            continue
        if op == c.IN:
            members = _class_members(av, c)
            if members == (_DIGIT,):
                groups.append((False, members))
            elif members and all(_punctuation(ch) for ch in members):
                if chars is not None:
                    chars.append(members)
            elif members and all(_plain_char(ch) for ch in members):
                groups.append((anchored, tuple(dict.fromkeys(_fold(ch) for ch in members))))
            # a word that follows one of these punctuation characters starts a \w+ word
            anchored, k = _nonword_class(members), k + 1
            continue
        alternatives = _branches(items[k], c)
        if alternatives is not None and len(alternatives) > 1:
            # each alternative requires its most selective group; the branch requires one of them
            best = [max(gs, key=_weight) if (gs := _sequence_groups(alt, c, anchored)) else None for alt in alternatives]
            if all(best):
                literals = tuple(dict.fromkeys(x for _, lits in best for x in lits))  # type: ignore[misc]
                groups.append((all(a for a, _ in best) and _DIGIT not in literals, literals))  # type: ignore[misc]
        spelled, after = _spelled(items, k, c)
        if spelled:
            groups.append((anchored, spelled))
            anchored, k = False, after
            continue
        if alternatives is not None and len(alternatives) == 1:
            groups += _sequence_groups(alternatives[0], c, anchored, chars)
        elif alternatives is not None:
            pass
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            groups += _sequence_groups(list(av[2]), c, anchored, chars)
        anchored, k = False, k + 1
    return groups


_Group = tuple[bool, tuple[str, ...]]

# -- the analysis of each regex, kept on disk ------------------------------------
#
# Parsing and analysing the 183 regexes of the shipped codebooks takes ~50 ms, a
# twentieth of a fresh pass over a million words, and gives the same answer every
# time. The answers are therefore kept in a small file in qualkit's cache folder
# (the lemma table's, :func:`qualkit.nlp._cache_dir`), keyed by this module's
# source and the Python version: a changed analysis never reads old answers.

#: (pattern, flags) -> (:func:`_required`, :func:`_lead_groups`, :func:`_start_shift`)
_Facts = tuple[tuple[tuple[_Group, ...], tuple[tuple[str, ...], ...]], tuple[_Group | None, tuple[str, ...] | None, tuple[str, ...] | None], int]
_FACTS: dict[tuple[str, int], _Facts] | None = None
_FACTS_CHANGED = False
_FACTS_LOCK = threading.RLock()
_FACTS_MAGIC = b"qualkit regex analysis\n"
#: the file keeps the newest answers of at most this many regexes (very many edits of many codebooks)
_FACTS_LIMIT = 20_000


def _regex_facts(pattern: str, flags: int) -> _Facts:
    """The analysis of one regex: (required groups and punctuation, lead groups, start shift).

    From the cache file when it has it, else computed (and written with the next :func:`_save_regex_facts`).
    """
    global _FACTS, _FACTS_CHANGED
    with _FACTS_LOCK:
        if _FACTS is None:
            _FACTS = _read_regex_facts()
        hit = _FACTS.get((pattern, flags))
        if hit is None:
            hit = _FACTS[pattern, flags] = (_required(pattern, flags), _lead_groups(pattern, flags), _start_shift(pattern, flags))
            _FACTS_CHANGED = True
        return hit


def _regex_facts_path() -> tuple[str, bytes] | None:
    """(the cache file, its key): the key is everything the answers derive from; None without a cache folder."""
    import sys
    import unicodedata
    import zlib

    from .nlp import _cache_dir

    folder, source = _cache_dir(), _source_digest()
    if folder is None or source is None:
        return None
    key = repr(("regex analysis", source, sys.implementation.cache_tag, unicodedata.unidata_version)).encode("utf-8")
    return os.path.join(folder, f"regex_analysis-{zlib.crc32(key):08x}.bin"), key


@lru_cache(maxsize=1)
def _source_digest() -> str | None:
    """The SHA-1 of this module's source (read once a process); None if it cannot be read."""
    import hashlib

    try:
        with open(__file__, "rb") as fh:
            return hashlib.sha1(fh.read()).hexdigest()
    except OSError:
        return None


def _read_regex_facts() -> dict[tuple[str, int], _Facts]:
    """The answers stored for this source; empty if there is no file, or it is unreadable, damaged or of another key.

    The file is the magic bytes, the CRC-32 of the rest, the key's length (4
    bytes) and the key, and the marshalled dict (marshal cannot run code).
    """
    import marshal
    import zlib

    where = _regex_facts_path()
    if where is None:
        return {}
    path, key = where
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return {}
    start = len(_FACTS_MAGIC) + 4
    if data[: len(_FACTS_MAGIC)] != _FACTS_MAGIC or int.from_bytes(data[start - 4 : start], "little") != zlib.crc32(data[start:]):
        return {}
    key_end = start + 4 + int.from_bytes(data[start : start + 4], "little")
    if data[start + 4 : key_end] != key:
        return {}
    try:
        facts = marshal.loads(data[key_end:])
    except (ValueError, EOFError, TypeError):
        return {}
    return facts if isinstance(facts, dict) else {}


def _save_regex_facts() -> None:
    """Write the answers to the cache file if any were computed since it was read (atomically; an OS error writes nothing)."""
    import marshal
    import zlib

    from .nlp import _write_cache_file

    global _FACTS, _FACTS_CHANGED
    with _FACTS_LOCK:
        if not _FACTS_CHANGED or _FACTS is None:
            return
        where = _regex_facts_path()
        _FACTS_CHANGED = False
        if where is None:
            return
        if len(_FACTS) > _FACTS_LIMIT:  # keep the newest (those of this session come last)
            _FACTS = dict(list(_FACTS.items())[-_FACTS_LIMIT:])
        path, key = where
        body = len(key).to_bytes(4, "little") + key + marshal.dumps(_FACTS, 4)
        _write_cache_file(path, _FACTS_MAGIC + zlib.crc32(body).to_bytes(4, "little") + body)


@lru_cache(maxsize=4096)
def _lead_groups(pattern: str, flags: int) -> tuple[_Group | None, tuple[str, ...] | None, tuple[str, ...] | None]:
    """What every match starts with, when the regex begins with ``\\b`` and literal words.

    Returns (the lead group, the lead words, the second words), each None
    when unknown. Every match starts at the start of a ``\\w+`` word that
    begins (ignoring case) with one of the lead group's alternatives, so it
    need only be tried there. When a non-word character or ``\\b`` follows
    the first word on every path through the regex, that word is *exactly*
    one of the lead words. When, moreover, one space and a literal follow it
    on every path, the next token starts (one character later) with one of
    the second words.

    Examples
    --------
    >>> _lead_groups(r"\\b(elk|ieder) (gesprek|overleg)", re.I)
    ((True, ('elk', 'ieder')), ('elk', 'ieder'), ('gesprek', 'overleg'))
    >>> _lead_groups(r"\\b(het is|is het) (haar|zijn)", re.I)
    ((True, ('het', 'is')), ('het', 'is'), ('het', 'is'))
    >>> _lead_groups(r"\\bwissel(s|t|en)?\\b", re.I)
    ((True, ('wissels', 'wisselt', 'wisselen', 'wissel')), ('wissel', 'wisselen', 'wissels', 'wisselt'), None)
    >>> _lead_groups(r"\\b(school)?leiders?\\b", re.I)
    ((True, ('schoolleiders', 'schoolleider', 'leiders', 'leider')), ('leider', 'leiders', 'schoolleider', 'schoolleiders'), None)
    >>> _lead_groups(r"\\b(de school|de scholen) (weet|weten)", re.I)
    ((True, ('de',)), ('de',), ('scholen', 'school'))
    >>> _lead_groups(r"\\bja\\b|\\bnee\\b", re.I)  # the parser factors out the common \\b
    ((True, ('ja', 'nee')), ('ja', 'nee'), None)
    >>> _lead_groups(r"\\b(het is|is)x y", re.I)  # "isx", not "is", when the second branch is taken
    ((True, ('het', 'is')), ('het', 'isx'), ('isx', 'y'))
    >>> _lead_groups(r"[\\[(](zucht|lacht)[\\])]", re.I)  # the match starts one character before the word
    ((True, ('zucht', 'lacht')), ('lacht', 'zucht'), None)
    >>> _lead_groups(r"(?<![\\w-])leider", re.I), _lead_groups(r"\\b\\w*toetsen", re.I)
    ((None, None, None), (None, None, None))
    """
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None, None, None
    items, c = parsed
    if len(items) < 2 or _lead_shift(items[0], c) is None:
        return None, None, None
    lead, _, _ = _spell(items, 1, c)
    if not lead:
        return None, None, None
    paths = _first_words(items, 1, c)
    if not paths:
        return (True, lead), None, None
    words = tuple(sorted({w for w, _ in paths}))
    seconds = None if any(s is None for _, s in paths) else tuple(sorted({x for _, s in paths for x in s}))  # type: ignore[union-attr]
    return (True, lead), words, seconds


def _start_shift(pattern: str, flags: int) -> int:
    """Where a match starts relative to its lead word (see :func:`_lead_shift`); 0 when there is none."""
    parsed = _parse(pattern, flags)
    return (_lead_shift(parsed[0][0], parsed[1]) or 0) if parsed and parsed[0] else 0


def _lead_shift(item: Any, c: Any) -> int | None:
    """Where a match starts relative to its first word: 0 after ``\\b``, -1 after one punctuation character."""
    op, av = item
    if op == c.AT and av == c.AT_BOUNDARY:
        return 0
    if (op == c.LITERAL and av < 128 and _punctuation(chr(av))) or (op == c.IN and _nonword_class(_class_members(av, c))):
        return -1
    return None


def _first_words(items: list[Any], k: int, c: Any) -> list[tuple[str, tuple[str, ...] | None]] | None:
    """(first word, what the second word starts with or None) of every path through ``items[k:]``.

    None when some path's first word is not followed by a non-word character
    or ``\\b`` (then it may be longer than its literal start).
    """
    spelled, after, whole = _spell(items, k, c)
    if not spelled:
        return None
    if whole:
        op, av = items[after] if after < len(items) else (None, None)
        ends = (op == c.LITERAL and not re.fullmatch(r"\w", chr(av))) or (op == c.AT and av == c.AT_BOUNDARY)
        if not (ends or (op == c.IN and _nonword_class(_class_members(av, c)))):
            return None
        second = _spelled(items, after + 1, c)[0] if (op, av) == (c.LITERAL, ord(" ")) else ()
        return [(w, second or None) for w in spelled]
    # the last group used has alternatives that go on: follow each of them to the end of its first word
    alternatives = _branches(items[after - 1], c)
    prefixes = _spelled(items[k : after - 1], 0, c)[0] if after - 1 > k else ("",)
    if alternatives is None or not prefixes:
        return None
    paths: list[tuple[str, tuple[str, ...] | None]] = []
    for alt in alternatives:
        found = _first_words([*alt, *items[after:]], 0, c)
        if found is None:
            return None
        paths += [(p + w, s) for p in prefixes for w, s in found]
        if len(paths) > _MAX_ALTERNATIVES:
            return None
    return paths


def _nonword_class(members: tuple[str, ...]) -> bool:
    """True for a class of ASCII punctuation only (``[\\[(]``): what follows one starts a word."""
    return bool(members) and members != (_DIGIT,) and all(ord(ch) < 128 and _punctuation(ch) for ch in members)


def _class_members(av: list[Any], c: Any) -> tuple[str, ...]:
    """The characters of a character class ``[...]`` of literals, ``(DIGIT,)`` for ``\\d``, else ()."""
    if av == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
        return (_DIGIT,)
    if all(op == c.LITERAL for op, _ in av):
        return tuple(chr(v) for _, v in av)
    return ()


def _branches(item: Any, c: Any) -> list[list[Any]] | None:
    """The alternatives of a group or branch (a group without ``|`` has one), else None."""
    op, av = item
    if op == c.SUBPATTERN:
        body = list(av[-1])
        if len(body) == 1 and body[0][0] == c.BRANCH:
            return [list(a) for a in body[0][1][1]]
        return [body]
    if op == c.BRANCH:
        return [list(a) for a in av[1]]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        return [list(av[2]), []]  # optional: with it, or without it
    return None


def _spelled(items: list[Any], k: int, c: Any) -> tuple[tuple[str, ...], int]:
    """Spell out the literal word alternatives that start at item ``k``.

    Returns (alternatives, the index after what was used); no alternatives
    when item ``k`` starts no literal, or one of them could be empty.
    ``(elk|ieder)`` gives ``("elk", "ieder")``; ``n(emen|am)`` (how the parser
    factors ``nemen|nam``) ``("nemen", "nam")``.
    """
    out, k, _ = _spell(items, k, c)
    return out, k


def _spell(items: list[Any], k: int, c: Any) -> tuple[tuple[str, ...], int, bool]:
    """:func:`_spelled`, and whether the alternatives spell items ``k`` up to the index returned *whole*.

    Not whole: the last group used has alternatives that go on after their
    literal start (``(de school|de scholen)`` spells only ``de``).
    """
    out: tuple[str, ...] = ("",)
    whole = True
    while k < len(items):
        op, av = items[k]
        if op == c.LITERAL and _plain_char(chr(av)):
            # a run of literal characters at once
            run = [_fold(chr(av))]
            k += 1
            while k < len(items) and items[k][0] == c.LITERAL and _plain_char(chr(items[k][1])):
                run.append(_fold(chr(items[k][1])))
                k += 1
            tail = "".join(run)
            out = tuple(x + tail for x in out)
            continue
        if op == c.IN:
            members = _class_members(av, c)
            if not members or not all(_plain_char(ch) for ch in members) or len(out) * len(members) > _MAX_ALTERNATIVES:
                break
            out = tuple(dict.fromkeys(x + _fold(ch) for x in out for ch in members))
            k += 1
            continue
        alternatives = _branches(items[k], c)
        if alternatives is None:
            break
        leads: list[str] = []
        all_whole = True
        for alt in alternatives:
            if not alt:  # the optional part left out
                leads.append("")
                continue
            spelled, end, alt_whole = _spell(alt, 0, c)
            if not spelled:
                break
            leads.extend(spelled)
            all_whole = all_whole and alt_whole and end == len(alt)
        else:
            if len(out) * len(leads) > _MAX_ALTERNATIVES:
                break
            out = tuple(dict.fromkeys(x + y for x in out for y in leads))
            k += 1
            if all_whole:
                continue
            whole = False
        break
    if any(not x for x in out):
        return (), k, whole
    return out, k, whole


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- the coding pass -----------------------------------------------------------------


def as_codebooks(books: Codebook | str | os.PathLike[str] | Iterable[Codebook | str | os.PathLike[str]]) -> list[Codebook]:
    """Return a list of codebooks from one codebook, a path, or a list of those.

    Raises :class:`~qualkit.errors.CodebookError` when two share a namespace.

    Examples
    --------
    >>> [b.namespace for b in as_codebooks(Codebook("a", "A"))]
    ['a']
    """
    from .codebook import namespace_clashes, read_codebook

    items = [books] if isinstance(books, (Codebook, str, os.PathLike)) else list(books)
    out = []
    for b in items:
        if isinstance(b, Codebook):
            out.append(b)
        elif isinstance(b, (str, os.PathLike)):
            out.append(read_codebook(b))
        else:
            raise InputError(f"expected a Codebook or the path of a codebook file, got {type(b).__name__}")
    clashes = namespace_clashes(out)
    if clashes:
        raise CodebookError(clashes)
    return out


def code(
    corpus_or_segments: Corpus | pd.DataFrame,
    codebooks: Codebook | str | os.PathLike[str] | Iterable[Codebook | str | os.PathLike[str]],
    unit: str = "turn",
    coder: str = RULE_CODER,
    progress: bool = False,
) -> pd.DataFrame:
    """Code segments with the rules of one or more codebooks.

    Parameters
    ----------
    corpus_or_segments : Corpus or DataFrame
        A corpus (its segments of ``unit`` are coded) or a segments frame as
        :meth:`Corpus.segments` returns it (its own ``unit`` column counts).
    codebooks : Codebook, path, or a list of them
        Codes are addressed ``namespace:code_id``; namespaces must differ.
    unit : str
        The unit to code when a corpus is given.
    coder : str
        The ``coder`` column of every row.
    progress : bool
        Show a progress bar (tqdm, on stderr).

    Returns
    -------
    pandas.DataFrame
        One row per (segment, code) that fired, ordered by document, position
        and codebook order; :data:`~qualkit.columns.CODED_COLUMNS`, then the
        document attributes. Empty (same columns) when nothing fired.

    Examples
    --------
    >>> from qualkit.model import Code, Codebook, Corpus, Rules
    >>> code(Corpus(), Codebook("a", "A", (Code("x", "X", "a", rules=Rules(keywords=("x",))),))).shape
    (0, 19)
    """
    books = as_codebooks(codebooks)
    if isinstance(corpus_or_segments, Corpus):
        segs = corpus_or_segments.segments(unit)
    elif isinstance(corpus_or_segments, pd.DataFrame):
        segs = corpus_or_segments
        missing = [c for c in SEGMENT_COLUMNS if c not in segs.columns and c not in ("time_start", "time_end")]
        if missing:
            raise InputError(
                f"segments frame: missing column(s) {', '.join(missing)}; pass a Corpus or the frame corpus.segments() returns"
            )
    else:
        raise InputError(f"expected a Corpus or a segments DataFrame, got {type(corpus_or_segments).__name__}")
    rule_coder = _coder(tuple(books))
    seg_rows, code_idx, rules, matched = _run(rule_coder, segs, progress)
    return _coded_frame(segs, rule_coder, seg_rows, code_idx, rules, matched, coder)


@lru_cache(maxsize=4)
def _coder(books: tuple[Codebook, ...]) -> RuleCoder:
    """The coder of some codebooks, kept for the next pass with the same (equal) codebooks.

    Coding again after adding documents, or in a loop over corpora, then
    analyses only the word forms it has not met; an edited codebook is a
    different key and gets a new coder.
    """
    return RuleCoder(books)


def _run(rc: RuleCoder, segs: pd.DataFrame, progress: bool) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    texts = segs["text"].tolist()
    units = segs["unit"].tolist()
    roles = [None if not isinstance(r, str) else r for r in segs["role"].tolist()]
    if not progress:
        return rc.code_segments(texts, units, roles)
    from tqdm import tqdm

    with tqdm(total=len(texts), unit="segment", desc="coding", leave=False) as bar:
        return rc.code_segments(texts, units, roles, progress=bar.update)


def _coded_frame(
    segs: pd.DataFrame, rc: RuleCoder, seg_rows: np.ndarray, code_idx: np.ndarray,
    rules: list[str], matched: list[str], coder: str,
) -> pd.DataFrame:
    extra = [c for c in segs.columns if c not in SEGMENT_COLUMNS and c not in CODED_COLUMNS]
    picked = segs.iloc[np.asarray(seg_rows, dtype=np.intp)].reset_index(drop=True)
    ci = np.asarray(code_idx, dtype=np.intp)
    n = len(ci)

    def per_code(values: list[str]) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=object)[ci] if n else [], dtype="str")

    data: dict[str, Any] = {}
    for col in CODED_COLUMNS:
        if col in picked.columns:
            data[col] = picked[col]
    data["code"] = per_code([cc.code.qualified for cc in rc.codes])
    data["code_name"] = per_code([cc.code.name for cc in rc.codes])
    data["code_path"] = per_code([cc.path for cc in rc.codes])
    data["namespace"] = per_code([cc.code.namespace for cc in rc.codes])
    data["coder"] = pd.Series([coder] * n, dtype="str")
    data["rule"] = pd.Series(rules, dtype="str")
    data["matched"] = pd.Series(matched, dtype="str")
    data["memo"] = pd.Series([""] * n, dtype="str")
    for col in extra:
        data[col] = picked[col]
    frame = pd.DataFrame(data, columns=[*CODED_COLUMNS, *extra])
    for col in ("position", "start", "end"):
        if n == 0 or not frame[col].isna().any():
            frame[col] = frame[col].astype("int64")
    return frame


# -- human codings -----------------------------------------------------------------


def codings_from_table(
    table: pd.DataFrame,
    corpus: Corpus,
    codebooks: Codebook | str | os.PathLike[str] | Iterable[Codebook | str | os.PathLike[str]],
    source: str | None = None,
) -> pd.DataFrame:
    """Turn a table of human codings into a coded frame (the columns of :func:`code`).

    Parameters
    ----------
    table : DataFrame
        Columns ``doc_id``, ``start``, ``end``, ``code``, ``coder`` and,
        optionally, ``memo``. ``code`` is ``namespace:code_id``, or a bare id
        that only one codebook has.
    corpus : Corpus
        The documents the offsets point into.
    codebooks : Codebook, path, or a list of them
    source : str, optional
        The table's file name, for messages.

    Returns
    -------
    pandas.DataFrame
        One row per coding, in table order: ``rule`` is ``"manual"``,
        ``text`` is the exact slice of the document, ``segment_id`` the base
        segment that contains the span (the smallest), or None.

    Raises
    ------
    InputError
        Every bad row at once: an unknown document, a span outside the text,
        an unknown or non-codable code, an empty coder.

    Examples
    --------
    >>> from qualkit.model import Code, Codebook, Corpus, Document
    >>> corpus = Corpus([Document.from_text("d", "Wij overleggen elke week.")])
    >>> book = Codebook("n", "N", (Code("overleg", "Overleg", "n"),))
    >>> t = pd.DataFrame({"doc_id": ["d"], "start": [4], "end": [14], "code": ["overleg"], "coder": ["AB"]})
    >>> codings_from_table(t, corpus, book)[["code", "coder", "rule", "text"]].values.tolist()
    [['n:overleg', 'AB', 'manual', 'overleggen']]
    """
    return _codings(table, corpus, as_codebooks(codebooks), source or "codings table", numbered=True)


def _codings(table: pd.DataFrame, corpus: Corpus, books: list[Codebook], name: str, numbered: bool) -> pd.DataFrame:
    """:func:`codings_from_table`; ``numbered`` False leaves the row number out of messages (one coding)."""
    missing = [c for c in CODINGS_TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)}; a codings table needs {', '.join(CODINGS_TABLE_COLUMNS)} (and may have memo)"
        )
    lookup = _code_lookup(books)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    memos = table["memo"].tolist() if "memo" in table.columns else [""] * len(table)
    records = zip(table["doc_id"], table["start"], table["end"], table["code"], table["coder"], memos)
    for n, (doc_id, start, end, code_id, coder, memo) in enumerate(records, start=1):
        try:
            rows.append(_manual_row(corpus, lookup, doc_id, start, end, code_id, coder, memo))
        except InputError as exc:
            problems.append(f"{name}, row {n}: {exc}" if numbered else f"{name}: {exc}")
    if problems:
        raise InputError("\n".join(problems))
    from .export import coded_frame

    return coded_frame(rows)


def add_coding(
    coded: pd.DataFrame | None,
    corpus: Corpus,
    doc_id: str,
    start: int,
    end: int,
    code: str,
    coder: str,
    memo: str = "",
    codebooks: Codebook | str | os.PathLike[str] | Iterable[Codebook | str | os.PathLike[str]] = (),
) -> pd.DataFrame:
    """Return ``coded`` with one human coding of ``document.text[start:end]`` added.

    Parameters
    ----------
    coded : DataFrame or None
        Codings so far (from :func:`code` or earlier calls); None starts anew.
        It is not changed: a new frame is returned.
    corpus : Corpus
    doc_id, start, end
        The span, ``[start, end)`` in the document's text.
    code : str
        ``namespace:code_id`` (or a bare id that only one codebook has).
    coder : str
        Who coded it (name or initials).
    memo : str
        The coder's note.
    codebooks : Codebook, path, or a list of them

    Examples
    --------
    >>> from qualkit.model import Code, Codebook, Corpus, Document
    >>> corpus = Corpus([Document.from_text("d", "Wij overleggen elke week.")])
    >>> book = Codebook("n", "N", (Code("overleg", "Overleg", "n"),))
    >>> c = add_coding(None, corpus, "d", 4, 14, "n:overleg", "AB", codebooks=book)
    >>> c = add_coding(c, corpus, "d", 0, 25, "n:overleg", "CD", memo="hele zin", codebooks=book)
    >>> c[["coder", "text", "memo"]].values.tolist()
    [['AB', 'overleggen', ''], ['CD', 'Wij overleggen elke week.', 'hele zin']]
    """
    row = pd.DataFrame({"doc_id": [doc_id], "start": [start], "end": [end], "code": [code], "coder": [coder], "memo": [memo]})
    new = _codings(row, corpus, as_codebooks(codebooks), "add_coding", numbered=False)  # one coding: no row number
    if coded is None or coded.empty:
        return new
    return pd.concat([coded, new], ignore_index=True)


def _code_lookup(books: Sequence[Codebook]) -> dict[str, list[tuple[Codebook, Code]]]:
    lookup: dict[str, list[tuple[Codebook, Code]]] = {}
    for b in books:
        for c in b.codes:
            lookup.setdefault(c.qualified, []).append((b, c))
            lookup.setdefault(c.id, []).append((b, c))
    return lookup


def _manual_row(
    corpus: Corpus, lookup: dict[str, list[tuple[Codebook, Code]]], doc_id: Any, start: Any, end: Any,
    code_id: Any, coder: Any, memo: Any,
) -> dict[str, Any]:
    if doc_id not in corpus.documents:
        raise InputError(f"unknown document {doc_id!r}; the corpus has {_some(list(corpus.documents))}")
    doc = corpus[doc_id]
    s, e = _offset(start, "start"), _offset(end, "end")
    if not (0 <= s < e <= len(doc.text)):
        raise InputError(
            f"span [{s}, {e}) is outside the text of {doc_id!r} or empty; "
            f"need 0 <= start < end <= {len(doc.text)}"
        )
    found = lookup.get(str(code_id), []) if not _missing(code_id) else []
    if not found:
        names = sorted({c.qualified for entries in lookup.values() for _, c in entries})
        if not names:
            # the usual cause is a forgotten codebooks= argument, not a wrong code
            raise InputError(f"unknown code {code_id!r}: no codebook was given; pass codebooks= "
                             "(the codebook or its YAML file) that defines the code")
        close = get_close_matches(str(code_id), names, n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"unknown code {code_id!r}; the codebooks have {_some(names)}{hint}")
    if len(found) > 1:
        raise InputError(
            f"code {code_id!r} is in several codebooks ({', '.join(c.qualified for _, c in found)}); write namespace:code_id"
        )
    book, c = found[0]
    if not c.codable:
        raise InputError(f"code {c.qualified} is a category (codable: false); code one of its children")
    if _missing(coder) or not str(coder).strip():
        raise InputError("the coder is empty; write the coder's name or initials")
    seg = _containing_segment(doc, s, e)
    row: dict[str, Any] = {"doc_id": doc.id, "start": s, "end": e}
    if seg is not None:
        unit_segs = doc.units(seg.unit)
        position = unit_segs.index(seg)
        p = corpus.participant(doc.id, seg.speaker)
        row.update(
            segment_id=f"{doc.id}:{seg.unit}:{position + 1}", unit=seg.unit, position=position, speaker=seg.speaker,
            person=p.person if p else None, role=p.role if p else None, group=p.group if p else None,
        )
    row.update(
        code=c.qualified, code_name=c.name, code_path=book.path(c.id), namespace=book.namespace,
        coder=str(coder), rule=MANUAL_RULE, matched="", memo="" if _missing(memo) else str(memo),
        text=doc.text[s:e],
    )
    from .segment import attr_column, participant_column

    for name, value in doc.attributes.items():
        row[attr_column(name)] = value
    if seg is not None and p is not None and p.attributes:
        # the same column names as corpus.segments() gives, so manual and automatic
        # codings line up in one frame; names depend on the whole corpus's attributes
        taken = {attr_column(a) for d in corpus for a in d.attributes}
        for name, value in p.attributes.items():
            row[participant_column(name, taken)] = value
    return row


def _containing_segment(doc: Any, start: int, end: int) -> Any:
    inside = [s for s in doc.segments if s.start <= start and end <= s.end]
    return min(inside, key=lambda s: s.end - s.start) if inside else None


def _offset(value: Any, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or _missing(value):
        raise InputError(f"{what} must be a whole number (a character offset); got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a whole number (a character offset); got {value!r}") from None
    if not number.is_integer():
        raise InputError(f"{what} must be a whole number (a character offset); got {value!r}")
    return int(number)


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _some(names: list[str], limit: int = 5) -> str:
    if not names:
        return "none"
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


__all__ = ["RuleCoder", "add_coding", "as_codebooks", "code", "codings_from_table"]
