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

How it stays fast: each segment is cut into words by one compiled regular
expression (``findall``); each *distinct* word form of the corpus is analysed
once (normalised form, lemmas, stem, compound parts, the literal words the
regexes need) into the ids of the keyword words and regex word groups it
satisfies. Per segment, set operations in C pick its known, relevant forms,
and the OR of their bitmasks says which rules can fire at all; only those are
checked word by word, and only regexes whose required words (and punctuation)
are all present are run. See :class:`RuleCoder`.

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

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from itertools import compress, groupby
from functools import reduce
from operator import itemgetter, or_
from typing import Any

import numpy as np
import pandas as pd

from .columns import CODED_COLUMNS, MATCHED_SEP, RULE_CODER, SEGMENT_COLUMNS
from .errors import CodebookError, InputError
from .model import Code, Codebook, Corpus
from .nlp import TOKEN_RE, TermMatcher, unify_quotes

#: the rule kinds in the order they are named in the ``rule`` column
RULE_KINDS = ("keyword", "regex", "near")
#: the ``rule`` of a human coding
MANUAL_RULE = "manual"
#: the separator of rule kinds in the ``rule`` column
RULE_SEP = "+"
#: the trigger payload of a code's one-word keywords (see ``RuleCoder._by_key``)
_SINGLE = (0, -1)
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
    id (a bit). Each distinct word form of the corpus is analysed once into
    the ids it satisfies, as a frozenset and as a bitmask. A *trigger* is what
    one rule needs: the ids of all words of a keyword or phrase, of both terms
    of a near pair, or of all groups of a regex. Each trigger is filed under
    its rarest id; per form we keep the triggers it completes on its own
    (a one-word keyword) and those that need other words too. A segment's
    mask is the OR of its forms' masks; a code is only evaluated when one of
    its triggers is complete in it, and only then are word positions looked
    at and regexes run. Triggers are necessary conditions only: the
    evaluation itself is exactly the rule semantics of ``codebooks/README.md``.

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
        #: term -> the ids of all its words (empty: a term without words, which never matches)
        self._term_ids = [frozenset(seq) for seq in self.matcher.terms]
        self.regex_filter = RegexPrefilter([(ci, cc.regex) for ci, cc in enumerate(self.codes) if cc.regex], shift=n_patterns)
        #: per code: its regexes in code order, each with the group ids it needs (none: always run)
        self._code_regex: list[tuple[tuple[re.Pattern[str], int], ...]] = [
            tuple(self.regex_filter.requirements.get(ci, ())) for ci in range(len(self.codes))
        ]
        # an id's weight: how rare a form with it is likely to be (longer literal = rarer)
        weight = {p: 0 if pat.norm in _COMMON else len(pat.norm) for p, pat in enumerate(self.matcher.patterns)}
        for g, group in enumerate(self.regex_filter.groups):
            weight[n_patterns + g] = _weight(group)
        #: key id -> (code, the ids the trigger needs, (rule kind, index)); each trigger is filed
        #: under its rarest id. Kinds: 0 keyword (index: a phrase's term, or -1 for all the code's
        #: one-word keywords), 1 regex (index into the code's regexes), 2 near (index into its
        #: near rules): sorting gives the rule order.
        self._by_key: dict[int, list[tuple[int, int, tuple[int, int]]]] = {}
        #: codes with a regex that has no required word: (code, regex index), tried in every segment
        self._always: list[tuple[int, tuple[int, int]]] = []
        #: per code: the ids of its one-word keywords; its exclude terms of several words
        self._single: list[frozenset[int]] = []
        self._exclude_phrases: list[tuple[tuple[int, int], ...]] = []
        #: pattern id -> the codes that a one-word exclude term with that pattern vetoes
        self._vetoes: dict[int, set[int]] = {}
        term_ids, terms = self._term_ids, self.matcher.terms
        for ci, cc in enumerate(self.codes):
            single = [t for t in cc.keywords if len(terms[t]) == 1]
            self._single.append(frozenset(terms[t][0] for t in single))
            # a one-word keyword occurs exactly when its id is in the segment's ids
            triggers = {(term_ids[t], (0, -1)) for t in single}
            triggers |= {(term_ids[t], (0, t)) for t in cc.keywords if len(terms[t]) > 1}
            for j, (_, req) in enumerate(self._code_regex[ci]):
                triggers.add((req, (1, j)))
            for j, (a, b, _) in enumerate(cc.near):
                if term_ids[a] and term_ids[b]:
                    triggers.add((term_ids[a] | term_ids[b], (2, j)))
            for req, payload in sorted(triggers, key=lambda x: (x[1], sorted(x[0]))):
                if payload[0] == 1 and not req:
                    self._always.append((ci, payload))
                elif req:  # empty for a keyword without words: it never matches
                    key = max(req, key=lambda i: (weight[i], -i))
                    self._by_key.setdefault(key, []).append((ci, _mask(req), payload))
            for t in dict.fromkeys(cc.exclude):
                if len(terms[t]) == 1:
                    self._vetoes.setdefault(terms[t][0], set()).add(ci)
            self._exclude_phrases.append(tuple((t, _mask(term_ids[t])) for t in dict.fromkeys(cc.exclude) if len(terms[t]) > 1))
        # a term's occurrences are found from its rarest word (its anchor) outward
        #: term -> (the anchor's index in the term, its pattern id)
        self._anchor = [
            max(enumerate(seq), key=lambda x: (weight[x[1]], -x[0])) if seq else (0, -1) for seq in terms
        ]
        positional = {t for cc in self.codes for t in (*cc.keywords, *cc.exclude, *(x for a, b, _ in cc.near for x in (a, b)))}
        self._anchors = frozenset(self._anchor[t][1] for t in positional if terms[t])
        #: anchor pattern -> the forms seen so far that match it
        self._anchor_forms: dict[int, set[str]] = {p: set() for p in self._anchors}
        #: codes that a one-word exclude term can veto
        self._vetoable = frozenset(ci for codes in self._vetoes.values() for ci in codes)
        #: codes without exclude terms or role and unit restrictions
        self._plain = frozenset(
            ci for ci, cc in enumerate(self.codes) if not cc.exclude and cc.roles is None and cc.units is None
        )
        #: every word form analysed so far -> its ids (empty for most forms), and as a bitmask
        self._ids: dict[str, frozenset[int]] = {}
        self._mask: dict[str, int] = {}
        self._known: set[str] = set()
        #: the forms with ids; those among them that veto a code
        self._hot: set[str] = set()
        self._vetoing: dict[str, frozenset[int]] = {}
        #: per code: the forms seen so far that match one of its one-word keywords
        self._single_forms: list[set[str]] = [set() for _ in self.codes]
        #: hot form -> the triggers filed under its ids that the form completes on its own
        self._sure: dict[str, frozenset[tuple[int, tuple[int, int]]]] = {}
        #: hot form -> the other triggers filed under its ids (they need other words too)
        self._maybe: dict[str, tuple[tuple[int, int, tuple[int, int]], ...]] = {}
        self._maybe_forms: set[str] = set()

    def _learn(self, forms: Iterable[str]) -> None:
        """Analyse word forms not seen before (once per distinct form of the corpus)."""
        match_form, form_groups = self.matcher.match_form, self.regex_filter.form_groups
        for w in forms:
            ids = match_form(w) | form_groups(w)
            mask = self._mask[w] = _mask(ids)
            self._ids[w] = ids
            self._known.add(w)
            if not ids:
                continue
            self._hot.add(w)
            entries = [e for i in sorted(ids) for e in self._by_key.get(i, ())]
            self._sure[w] = frozenset((ci, payload) for ci, req, payload in entries if req & mask == req)
            maybe = tuple(e for e in entries if e[1] & mask != e[1])
            if maybe:
                self._maybe[w] = maybe
                self._maybe_forms.add(w)
            for ci, single in enumerate(self._single):
                if not single.isdisjoint(ids):
                    self._single_forms[ci].add(w)
            for p in self._anchors.intersection(ids):
                self._anchor_forms[p].add(w)
            vetoes = frozenset(ci for p in ids for ci in self._vetoes.get(p, ()))
            if vetoes:
                self._vetoing[w] = vetoes

    def code_segments(
        self, texts: Sequence[str], units: Sequence[str | None], roles: Sequence[str | None], rows: Iterable[int] | None = None,
    ) -> tuple[list[int], list[int], list[str], list[str]]:
        """Code many segments; return (segment row, code index, rule, matched) of every coding, in order."""
        seg_rows: list[int] = []
        code_idx: list[int] = []
        rules: list[str] = []
        matched: list[str] = []
        findall = TOKEN_RE.findall
        known, mask_of, hot_forms, sure, maybe, maybe_forms = (
            self._known, self._mask, self._hot, self._sure, self._maybe, self._maybe_forms)
        always = self._always
        for row in range(len(texts)) if rows is None else rows:
            text = texts[row]
            forms = findall(text)
            distinct = set(forms)
            if not distinct <= known:  # C-level: after the first pages nearly every form is known
                self._learn(distinct - known)
            hot = distinct & hot_forms
            if not hot and not always:
                continue
            seg = reduce(or_, map(mask_of.__getitem__, hot), 0)  # the segment's mask (an int OR beats a set union)
            triggers = set(always).union(*map(sure.__getitem__, hot))  # C-level
            for w in hot & maybe_forms:
                for ci, req, payload in maybe[w]:
                    if seg & req == req:
                        triggers.add((ci, payload))
            if not triggers:
                continue
            for ci, rule, m in self._evaluate(sorted(triggers), forms, hot, text, seg, units[row], roles[row]):
                seg_rows.append(row)
                code_idx.append(ci)
                rules.append(rule)
                matched.append(m)
        return seg_rows, code_idx, rules, matched

    def _evaluate(
        self, triggers: list[tuple[int, tuple[int, int]]], forms: list[str], hot: set[str], text: str,
        seg: int, unit: str | None, role: str | None,
    ) -> list[tuple[int, str, str]]:
        """Return (code, rule, matched) for the codes that fire in one segment.

        ``triggers`` are the (code, (rule kind, index)) whose words or groups all
        occur in the segment, sorted; here their word positions are checked.
        """
        ids: list[frozenset[int]] = []
        term_seq, anchor = self.matcher.terms, self._anchor
        found: dict[int, list[tuple[int, int]]] = {}
        where: dict[int, list[int]] = {}
        anchor_forms = self._anchor_forms
        positions = range(len(forms))

        def occurrences(t: int) -> list[tuple[int, int]]:
            """The (first word, end word) of every match of term ``t``, in text order."""
            hit = found.get(t)
            if hit is None:
                seq = term_seq[t]
                if not seq:
                    return []
                a, p = anchor[t]
                at = where.get(p)
                if at is None:  # where the anchor word occurs: a C-level filter over the words
                    at = where[p] = list(compress(positions, map(anchor_forms[p].__contains__, forms)))
                if not ids:
                    ids.extend(map(self._ids.__getitem__, forms))
                hit = found[t] = _term_occurrences(seq, a, at, ids)
            return hit

        vetoed: frozenset[int] | None = None
        quoted: str | None = None
        may_match = self.regex_filter.may_match
        out = []
        plain, single_forms, last = self._plain, self._single_forms, len(triggers) - 1
        for k, (ci, payload) in enumerate(triggers):
            if payload == _SINGLE and ci in plain and (k == last or triggers[k + 1][0] != ci):
                # the common case: only one-word keywords of an unrestricted code; their
                # distinct forms in the order they first occur
                out.append((ci, "keyword", MATCHED_SEP.join(sorted(hot & single_forms[ci], key=forms.index))))
        if len(out) == len(triggers):
            return out
        done = {ci for ci, _, _ in out}
        for ci, group in groupby(triggers, key=itemgetter(0)):
            if ci in done:
                continue
            cc = self.codes[ci]
            if cc.units is not None and unit not in cc.units:
                continue
            if cc.roles is not None and role not in cc.roles:
                continue
            if ci in self._vetoable:
                if vetoed is None:
                    vetoing = self._vetoing
                    vetoed = frozenset().union(*(vetoing[w] for w in hot if w in vetoing))
                if ci in vetoed:
                    continue
            exclude = self._exclude_phrases[ci]
            if exclude and any(seg & req == req and occurrences(t) for t, req in exclude):
                continue
            keyword_hits: list[tuple[int, int, str]] = []
            regex_texts: list[str] = []
            pairs: list[tuple[int, str]] = []
            for _, (kind, j) in group:
                if kind == 0:
                    if j < 0:  # the code's one-word keywords: their forms, first occurrence each
                        for w in hot & self._single_forms[ci]:
                            i = forms.index(w)
                            keyword_hits.append((i, i + 1, w))
                    else:
                        keyword_hits += [(i, e, " ".join(forms[i:e])) for i, e in occurrences(j)]
                elif kind == 1:
                    if quoted is None:
                        quoted = text if text.isascii() else unify_quotes(text)
                    # search the quote-unified text, report the original characters (same offsets)
                    pattern = self._code_regex[ci][j][0]
                    m = pattern.search(quoted) if may_match(pattern, quoted) else None
                    if m:
                        regex_texts.append(text[m.start() : m.end()])
                else:
                    a, b, n = cc.near[j]
                    pairs += _near_pairs(occurrences(a), occurrences(b), n, forms)
            if keyword_hits and not regex_texts and not pairs:  # the common case
                out.append((ci, "keyword", MATCHED_SEP.join(_distinct(w for _, _, w in sorted(keyword_hits)))))
                continue
            fired = []
            if keyword_hits:
                fired.append(("keyword", _distinct(w for _, _, w in sorted(keyword_hits))))
            if regex_texts:
                fired.append(("regex", _distinct(regex_texts)))
            if pairs:
                fired.append(("near", _distinct(p for _, p in sorted(pairs))))
            if fired:
                out.append((ci, RULE_SEP.join(k for k, _ in fired), MATCHED_SEP.join(m for _, ms in fired for m in ms)))
        if done:
            out.sort(key=itemgetter(0))  # codebook order
        return out

    def code_text(self, text: str, unit: str | None = None, role: str | None = None) -> list[tuple[str, str, str]]:
        """Return (code, rule, matched) for one text: a quick way to try rules out."""
        _, code_idx, rules, matched = self.code_segments([text], [unit], [role])
        return [(self.codes[ci].code.qualified, r, m) for ci, r, m in zip(code_idx, rules, matched)]


def _mask(ids: Iterable[int]) -> int:
    """Return the bitmask with the bits ``ids`` set."""
    return reduce(or_, (1 << i for i in ids), 0)


def _term_occurrences(seq: tuple[int, ...], a: int, positions: Iterable[int], ids: list[frozenset[int]]) -> list[tuple[int, int]]:
    """Return (first word, end word) of every run of consecutive words matching the patterns ``seq``.

    ``positions`` are where word ``a`` of the term (its anchor) matches, ascending.
    """
    k = len(seq)
    if k == 1:
        return [(i, i + 1) for i in positions]
    n = len(ids)
    return [
        (i - a, i - a + k) for i in positions
        if a <= i and i - a + k <= n and all(seq[j] in ids[i - a + j] for j in range(k))
    ]


def _near_pairs(
    occ_a: list[tuple[int, int]], occ_b: list[tuple[int, int]], n: int, forms: list[str]
) -> list[tuple[int, str]]:
    """Return (first word, "A ... B" in text order) for every pair at most ``n`` words apart."""
    pairs = []
    for ia, ea in occ_a:
        for ib, eb in occ_b:
            if ib >= ea and ib - ea <= n:
                pairs.append((ia, f"{' '.join(forms[ia:ea])} ... {' '.join(forms[ib:eb])}"))
            elif ia >= eb and ia - eb <= n:
                pairs.append((ib, f"{' '.join(forms[ib:eb])} ... {' '.join(forms[ia:ea])}"))
    return pairs


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
    (``:`` or a quote) is tested on the text first (:meth:`may_match`). The
    filter only skips work: a regex it lets through is searched as written.

    Parameters
    ----------
    regexes : sequence of (code index, compiled regexes)
    shift : int
        The id of group 0 (the coder numbers its keyword patterns below it).

    Examples
    --------
    >>> f = RegexPrefilter([(0, [re.compile(r"\\b(elk|ieder) gesprek", re.I)]), (1, [re.compile(r"[0-9]+", re.I)])])
    >>> f.candidates("Ieder gesprek telt"), f.candidates("Elk overleg telt")
    ([0, 1], [1])
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
                groups, chars = _required(p.pattern, p.flags)
                need = frozenset(shift + group_ids.setdefault(group, len(group_ids)) for group in groups)
                self.requirements.setdefault(ci, []).append((p, need))
                if chars:
                    self.punctuation[p] = tuple(chars)
        #: the required groups: (anchored at a word start, literals), in id order
        self.groups: list[tuple[bool, tuple[str, ...]]] = sorted(group_ids, key=group_ids.__getitem__)
        # anchored literals are found by looking up the word's prefixes; the others by substring
        self.prefix_groups: dict[str, set[int]] = {}
        self.inner_groups: list[tuple[int, tuple[str, ...]]] = []
        for g, (anchored, literals) in enumerate(self.groups):
            if anchored:
                for lit in literals:
                    self.prefix_groups.setdefault(lit, set()).add(shift + g)
            else:
                self.inner_groups.append((shift + g, literals))
        self.longest = max((len(x) for x in self.prefix_groups), default=0)
        self.cache: dict[str, frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.requirements)

    def _word_groups(self, word: str) -> frozenset[int]:
        w = word.lower().translate(self._FOLD)
        found: set[int] = set()
        for k in range(1, min(len(w), self.longest) + 1):
            found.update(self.prefix_groups.get(w[:k], ()))
        for g, literals in self.inner_groups:
            if any(lit in w if lit != _DIGIT else any(ch.isdecimal() for ch in w) for lit in literals):
                found.add(g)
        return frozenset(found)

    def may_match(self, pattern: re.Pattern[str], quoted: str) -> bool:
        """False when the quote-unified text lacks punctuation the regex needs (a C-level test)."""
        needs = self.punctuation.get(pattern)
        return needs is None or all(any(ch in quoted for ch in chars) for chars in needs)

    def form_groups(self, form: str) -> int:
        """Return the ids of the groups met by a text word (a token of :data:`qualkit.nlp.TOKEN_RE`).

        A token is one or more ``\\w+`` words joined by hyphens or apostrophes;
        each of them is checked as a word of its own (memoised).
        """
        found: frozenset[int] = frozenset()
        cache = self.cache
        for w in self._WORD.findall(form):
            hit = cache.get(w)
            if hit is None:
                hit = cache[w] = self._word_groups(w)
            found |= hit
        return found

    def candidates(self, text: str) -> list[int]:
        """Return the codes whose regexes may match ``text``, in code order."""
        return sorted(self.patterns_to_run(text))

    def patterns_to_run(self, text: str) -> dict[int, list[re.Pattern[str]]]:
        """Return code -> the regexes of that code that may match ``text`` (the others cannot)."""
        met = self.form_groups(text)
        run: dict[int, list[re.Pattern[str]]] = {}
        for ci, reqs in self.requirements.items():
            ps = [p for p, need in reqs if need <= met and self.may_match(p, text)]
            if ps:
                run[ci] = ps
        return run


#: a group alternative that stands for "any decimal digit" (``\d``: Unicode category Nd, str.isdecimal)
_DIGIT = "\\d"
#: frequent Dutch words: poor keys for the prefilter (this only affects speed, never a result)
_COMMON = frozenset(
    "aan al als dan dat de die dit een en er het hij ik in is je maar met mij niet nog of ons ook op te van voor was"
    " we wel wij ze zij zijn zo".split()
)
#: at most this many alternatives are spelled out for one group
_MAX_ALTERNATIVES = 64


def _plain_char(ch: str) -> bool:
    """True for a word character whose ignore-case matching is exactly ``str.lower()``."""
    return bool(re.fullmatch(r"\w", ch)) and ord(ch) < 0x250 and ch not in "µßſıİ" and len(ch.lower()) == 1


def _punctuation(ch: str) -> bool:
    """True for a character without case that is neither a word character nor white space."""
    return not re.fullmatch(r"[\w\s]", ch) and ch.lower() == ch == ch.upper()


def _fold(ch: str) -> str:
    return ch.lower().translate(RegexPrefilter._FOLD)


def _weight(group: tuple[bool, tuple[str, ...]]) -> float:
    """How selective a group is likely to be: its shortest alternative, common words count 0."""
    anchored, literals = group
    return min(8 if lit == _DIGIT else 0 if lit in _COMMON else len(lit) for lit in literals) + 0.5 * anchored


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
    return _required(pattern, flags)[0]


def _required(pattern: str, flags: int) -> tuple[list[tuple[bool, tuple[str, ...]]], list[tuple[str, ...]]]:
    """Return (the required word groups, the required punctuation: any one character of each tuple)."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return [], []
    items, c = parsed
    chars: list[tuple[str, ...]] = []
    groups = _sequence_groups(items, c, False, chars)
    return list(dict.fromkeys(groups)), list(dict.fromkeys(chars))


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
            anchored, k = False, k + 1
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
    return None


def _spelled(items: list[Any], k: int, c: Any) -> tuple[tuple[str, ...], int]:
    """Spell out the literal word alternatives that start at item ``k``.

    Returns (alternatives, the index after what was used); no alternatives
    when item ``k`` starts no literal, or one of them could be empty.
    ``(elk|ieder)`` gives ``("elk", "ieder")``; ``n(emen|am)`` (how the parser
    factors ``nemen|nam``) ``("nemen", "nam")``.
    """
    out: tuple[str, ...] = ("",)
    while k < len(items):
        op, av = items[k]
        if op == c.LITERAL and _plain_char(chr(av)):
            out = tuple(x + _fold(chr(av)) for x in out)
            k += 1
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
        whole = True
        for alt in alternatives:
            spelled, end = _spelled(alt, 0, c)
            if not spelled:
                break
            leads.extend(spelled)
            whole = whole and end == len(alt)
        else:
            if len(out) * len(leads) > _MAX_ALTERNATIVES:
                break
            out = tuple(dict.fromkeys(x + y for x in out for y in leads))
            k += 1
            if whole:
                continue
        break
    if any(not x for x in out):
        return (), k
    return out, k


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
    rule_coder = RuleCoder(books)
    seg_rows, code_idx, rules, matched = _run(rule_coder, segs, progress)
    return _coded_frame(segs, rule_coder, seg_rows, code_idx, rules, matched, coder)


def _run(rc: RuleCoder, segs: pd.DataFrame, progress: bool) -> tuple[list[int], list[int], list[str], list[str]]:
    texts = segs["text"].tolist()
    units = segs["unit"].tolist()
    roles = [None if not isinstance(r, str) else r for r in segs["role"].tolist()]
    rows: Iterable[int] | None = None
    if progress:
        from tqdm import tqdm

        rows = tqdm(range(len(texts)), total=len(texts), unit="segment", desc="coding", leave=False)
    return rc.code_segments(texts, units, roles, rows)


def _coded_frame(
    segs: pd.DataFrame, rc: RuleCoder, seg_rows: list[int], code_idx: list[int],
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
    books = as_codebooks(codebooks)
    name = source or "codings table"
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
            problems.append(f"{name}, row {n}: {exc}")
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
    new = codings_from_table(row, corpus, codebooks, source="add_coding")
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
