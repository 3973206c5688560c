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
expression; each distinct word form is analysed once (normalised form, lemmas,
stem, compound parts) and looked up in an index from those keys to the
keyword words of all codes at once (:class:`qualkit.nlp.TermMatcher`), so a
segment only examines the codes one of its words can fire. Regular expressions
are first tried all together as one alternation and one by one only when that
finds something.

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
from typing import Any

import numpy as np
import pandas as pd

from .columns import CODED_COLUMNS, MATCHED_SEP, PATH_SEP, RULE_CODER, SEGMENT_COLUMNS
from .errors import CodebookError, InputError
from .model import Code, Codebook, Corpus
from .nlp import TermMatcher, unify_quotes, words

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


class RuleCoder:
    """All codable codes of some codebooks, compiled into one matcher.

    Parameters
    ----------
    books : sequence of Codebook
        Namespaces must differ.

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
        # term -> the codes whose positive rules use it (excludes never make a code a candidate)
        self.term_codes: dict[int, list[int]] = {}
        for ci, cc in enumerate(self.codes):
            for t in {*cc.keywords, *(a for a, _, _ in cc.near), *(b for _, b, _ in cc.near)}:
                self.term_codes.setdefault(t, []).append(ci)
        self.regex_filter = RegexPrefilter([(ci, cc.regex) for ci, cc in enumerate(self.codes) if cc.regex])

    def code_words(
        self, forms: list[str], text: str, unit: str | None = None, role: str | None = None
    ) -> list[tuple[int, str, str]]:
        """Return (code index, rule, matched) for one segment, in codebook order."""
        hits = self.matcher.hits(forms)
        quoted = text
        regex_candidates: dict[int, list[re.Pattern[str]]] = {}
        if self.regex_filter:
            quoted = unify_quotes(text)
            regex_candidates = self.regex_filter.patterns_to_run(quoted)
        if not hits and not regex_candidates:
            return []
        found: dict[int, list[tuple[int, int]]] = {}
        for t, i, e in hits:
            found.setdefault(t, []).append((i, e))
        candidates = set(regex_candidates)
        for t in found:
            candidates.update(self.term_codes.get(t, ()))
        out = []
        for ci in sorted(candidates):
            cc = self.codes[ci]
            if cc.units is not None and unit not in cc.units:
                continue
            if cc.roles is not None and role not in cc.roles:
                continue
            if any(t in found for t in cc.exclude):
                continue
            fired = self._fired(cc, found, forms, text, quoted, regex_candidates.get(ci, ()))
            if fired:
                out.append((ci, RULE_SEP.join(k for k, _ in fired), MATCHED_SEP.join(m for _, ms in fired for m in ms)))
        return out

    def _fired(
        self, cc: _CompiledCode, found: dict[int, list[tuple[int, int]]], forms: list[str], text: str, quoted: str,
        regexes: Sequence[re.Pattern[str]],
    ) -> list[tuple[str, list[str]]]:
        fired: list[tuple[str, list[str]]] = []
        occurrences = sorted(occ for t in cc.keywords for occ in found.get(t, ()))
        if occurrences:
            fired.append(("keyword", _distinct(" ".join(forms[i:e]) for i, e in occurrences)))
        if regexes:
            # search the quote-unified text, report the original characters (same offsets);
            # in the order of the code's regexes
            order = {id(p): i for i, p in enumerate(cc.regex)}
            ms = sorted((order[id(p)], m) for p in regexes if (m := p.search(quoted)))
            texts = [text[m.start() : m.end()] for _, m in ms]
            if texts:
                fired.append(("regex", _distinct(texts)))
        pairs = []
        for a, b, n in cc.near:
            for ia, ea in found.get(a, ()):
                for ib, eb in found.get(b, ()):
                    if ib >= ea and ib - ea <= n:
                        pairs.append((ia, f"{' '.join(forms[ia:ea])} ... {' '.join(forms[ib:eb])}"))
                    elif ia >= eb and ia - eb <= n:
                        pairs.append((ib, f"{' '.join(forms[ib:eb])} ... {' '.join(forms[ia:ea])}"))
        if pairs:
            fired.append(("near", _distinct(p for _, p in sorted(pairs))))
        return fired

    def code_text(self, text: str, unit: str | None = None, role: str | None = None) -> list[tuple[str, str, str]]:
        """Return (code, rule, matched) for one text: a quick way to try rules out."""
        return [(self.codes[ci].code.qualified, r, m) for ci, r, m in self.code_words(words(text), text, unit, role)]


class RegexPrefilter:
    """Skip the regular expressions that cannot match a segment, without running them.

    Most codebook regexes are built from words: ``\\b(elk|ieder) (gesprek|overleg)``.
    From each regex's parse tree we take the *required* literal words: groups
    of alternatives on its top level that every match must contain (a word
    after ``\\b`` or a space must start a word of the text; elsewhere it must be
    inside one). A regex can only match when each of its required groups is
    met by some word of the segment. Every distinct word is checked against all
    groups once and remembered, so a segment costs one ``findall`` and a
    dictionary lookup per word. Regexes without a required word are always run.
    The filter only skips work: a regex it lets through is searched as written.

    Examples
    --------
    >>> f = RegexPrefilter([(0, [re.compile(r"\\b(elk|ieder) gesprek", re.I)]), (1, [re.compile(r"[0-9]+", re.I)])])
    >>> f.candidates("Ieder gesprek telt"), f.candidates("Elk overleg telt")
    ([0, 1], [1])
    """

    _WORD = re.compile(r"\w+")
    #: characters that ignore-case matching folds differently from str.lower()
    _FOLD = str.maketrans({"ſ": "s", "ı": "i", "\u0307": None})

    def __init__(self, regexes: Sequence[tuple[int, Sequence[re.Pattern[str]]]]):
        self.always: list[int] = []
        #: required groups: (anchored at a word start, literals)
        self.groups: list[tuple[bool, tuple[str, ...]]] = []
        group_ids: dict[tuple[bool, tuple[str, ...]], int] = {}
        #: per filtered regex: (code, its key group, all its groups)
        self.regexes: list[tuple[int, frozenset[int]]] = []
        #: key group -> the filtered regexes that use it as their most selective group
        self.by_key: dict[int, list[int]] = {}
        for ci, patterns in regexes:
            for p in patterns:
                options = _required_groups(p.pattern, p.flags)
                if not options:
                    self.always.append(ci)
                    continue
                ids = frozenset(group_ids.setdefault(o, len(group_ids)) for o in options)
                key = group_ids[max(options, key=lambda o: (min(len(x) for x in o[1]), o[0]))]
                self.by_key.setdefault(key, []).append(len(self.regexes))
                self.regexes.append((ci, ids))
        self.groups = sorted(group_ids, key=group_ids.__getitem__)
        self.always_patterns: dict[int, list[re.Pattern[str]]] = {}
        for ci, patterns in regexes:
            for p in patterns:
                if not _required_groups(p.pattern, p.flags):
                    self.always_patterns.setdefault(ci, []).append(p)
        self.patterns = [p for _, patterns in regexes for p in patterns if _required_groups(p.pattern, p.flags)]
        self.always = sorted(set(self.always))
        # anchored literals are found by looking up the word's prefixes; the others by substring
        self.prefix_groups: dict[str, set[int]] = {}
        self.inner_groups: list[tuple[int, tuple[str, ...]]] = []
        for g, (anchored, literals) in enumerate(self.groups):
            if anchored:
                for lit in literals:
                    self.prefix_groups.setdefault(lit, set()).add(g)
            else:
                self.inner_groups.append((g, literals))
        self.longest = max((len(x) for x in self.prefix_groups), default=0)
        self.cache: dict[str, frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.always or self.regexes)

    def _groups_for_word(self, word: str) -> frozenset[int]:
        w = word.lower().translate(self._FOLD)
        found: set[int] = set()
        for k in range(1, min(len(w), self.longest) + 1):
            found.update(self.prefix_groups.get(w[:k], ()))
        found.update(g for g, literals in self.inner_groups if any(lit in w for lit in literals))
        return frozenset(found)

    def candidates(self, text: str) -> list[int]:
        """Return the codes whose regexes may match ``text``, in code order."""
        return sorted(self.patterns_to_run(text))

    def patterns_to_run(self, text: str) -> dict[int, list[re.Pattern[str]]]:
        """Return code -> the regexes of that code that may match ``text`` (the others cannot)."""
        run: dict[int, list[re.Pattern[str]]] = {ci: list(ps) for ci, ps in self.always_patterns.items()}
        if not self.regexes:
            return run
        cache = self.cache
        met: set[int] = set()
        for w in self._WORD.findall(text):
            hit = cache.get(w)
            if hit is None:
                hit = cache[w] = self._groups_for_word(w)
            if hit:
                met |= hit
        by_key, regexes, patterns = self.by_key, self.regexes, self.patterns
        for g in met:
            for r in by_key.get(g, ()):
                ci, ids = regexes[r]
                if ids <= met:
                    run.setdefault(ci, []).append(patterns[r])
        return run


def _required_groups(pattern: str, flags: int) -> list[tuple[bool, tuple[str, ...]]]:
    """Return the literal-word groups every match of the regex must contain (may be empty)."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        items = list(sre_parse.parse(pattern, flags))
    except Exception:  # noqa: BLE001 - compiled already; a parser quirk only disables the filter
        return []
    c = sre_parse.constants if hasattr(sre_parse, "constants") else sre_parse
    options = []
    first = _literals_of(items, sre_parse, False)
    if first is not None:
        options.append(first)
    anchored = False
    for k, (op, av) in enumerate(items):
        if op == c.AT and av == c.AT_BOUNDARY:
            anchored = True
            continue
        if k > 0 and op in (c.SUBPATTERN, c.BRANCH):
            r = _literals_of([(op, av)], sre_parse, anchored)
            if r is not None:
                options.append(r)
        elif op == c.LITERAL and not re.fullmatch(r"\w", chr(av)):
            # a word that follows a literal space or punctuation starts a \w+ word
            r = _literals_of(list(items[k + 1 :]), sre_parse, True)
            if r is not None:
                options.append(r)
        anchored = False
    return list(dict.fromkeys(options))


def _literals_of(items: list[Any], sp: Any, anchored: bool) -> tuple[bool, tuple[str, ...]] | None:
    c = sp.constants if hasattr(sp, "constants") else sp
    i = 0
    while i < len(items) and items[i][0] == c.AT and items[i][1] == c.AT_BOUNDARY:
        anchored = True
        i += 1
    if i >= len(items):
        return None
    op, av = items[i]
    if op == c.LITERAL:
        chars = []
        for op2, av2 in items[i:]:
            ch = chr(av2) if op2 == c.LITERAL else ""
            if not ch or not re.fullmatch(r"\w", ch) or ord(ch) >= 0x250 or ch in "µßſı":
                break
            chars.append(ch.lower())
        return (anchored, ("".join(chars).translate(RegexPrefilter._FOLD),)) if chars else None
    if op == c.SUBPATTERN:
        return _literals_of(list(av[-1]), sp, anchored)
    if op == c.BRANCH:
        found: list[str] = []
        anchors = set()
        for alternative in av[1]:
            r = _literals_of(list(alternative), sp, anchored)
            if r is None:
                return None
            anchors.add(r[0])
            found.extend(r[1])
        if len(anchors) != 1:  # mixed: test them all as "contains"
            return (False, tuple(dict.fromkeys(found)))
        return (anchors.pop(), tuple(dict.fromkeys(found)))
    return None


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
    roles = [None if pd.isna(r) else r for r in segs["role"].tolist()]
    seg_rows: list[int] = []
    code_idx: list[int] = []
    rules: list[str] = []
    matched: list[str] = []
    rows: Iterable[int] = range(len(texts))
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, total=len(texts), unit="segment", desc="coding", leave=False)
    findall = words
    code_words = rc.code_words
    for row in rows:
        text = texts[row]
        for ci, rule, m in code_words(findall(text), text, units[row], roles[row]):
            seg_rows.append(row)
            code_idx.append(ci)
            rules.append(rule)
            matched.append(m)
    return seg_rows, code_idx, rules, matched


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
        known = _some(sorted({c.qualified for entries in lookup.values() for _, c in entries}))
        raise InputError(f"unknown code {code_id!r}; the codebooks have {known}")
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
    from .segment import attr_column

    for name, value in doc.attributes.items():
        row[attr_column(name)] = value
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
