"""Which keys start, end or occur in each of many words: the look-ups of the form analysis.

The coding pass analyses every new word form of a corpus once (see
:meth:`qualkit.nlp.TermMatcher.match_forms` and
:meth:`qualkit.coding.RegexPrefilter.groups_of_forms`). Three of its questions
are about the strings of a table of keys: which keyword words start a word
(compounds: ``leiderschapsstijl``), which end it (``schoolleiderschap``), and
which literal words of the regexes occur in it. A :class:`KeyTable` answers
them for a whole list of words at once.

The work is done by the C extension ``qualkit._cforms`` (a trie over code
points, built by ``pip install -e .``). Without it (no C compiler at install
time) the pure-Python :class:`_KeyTablePython` gives the same result, in the
same order; :data:`COMPILED` says which one runs.

Examples
--------
>>> table = KeyTable(["leer", "leerkracht", "kracht"])
>>> [x.tolist() for x in table.prefixes(["leerkrachten", "leer", "krachtig"], rest=1)]
[[0, 0, 2], [0, 1, 2]]
>>> [x.tolist() for x in KeyTable(["kracht", "acht"], reverse=True).prefixes(["leerkracht"], rest=3)]
[[0, 0], [1, 0]]
>>> [x.tolist() for x in table.substrings(["de leerkrachten"])]
[[0, 0, 0], [0, 1, 2]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, repeat

import numpy as np

try:
    from . import _cforms
except ImportError:  # built without a C compiler: the pure-Python twin below
    _cforms = None

#: True when the compiled key tables are installed and used by :class:`KeyTable`
COMPILED: bool = _cforms is not None


class KeyTable:
    """Distinct string keys, looked for in many words at once.

    Parameters
    ----------
    keys : sequence of str
        Distinct keys; a key's index is its position here.
    reverse : bool
        Read keys and words from their last character back: :meth:`prefixes`
        then finds the keys a word *ends* with.
    compiled : bool, optional
        Use the C extension (True), the pure-Python twin (False) or the C
        extension where it is installed (None, the default).

    Raises
    ------
    TypeError
        If a key is not a str (the message names its index).
    ValueError
        If a key occurs twice.

    Examples
    --------
    >>> table = KeyTable(["al", "als", "l"])
    >>> [x.tolist() for x in table.prefixes(["alsof", "a", ""])]
    [[0, 0], [0, 1]]
    >>> len(table), table.keys
    (3, ['al', 'als', 'l'])
    """

    def __init__(self, keys: Sequence[str], reverse: bool = False, compiled: bool | None = None):
        if compiled is None:
            compiled = COMPILED
        if compiled and _cforms is None:
            raise ImportError("qualkit._cforms is not compiled: reinstall qualkit with a C compiler (pip install -e .)")
        self.keys: list[str] = list(keys)
        self.reverse = reverse
        self._table = (_cforms.KeyTable if compiled else _KeyTablePython)(self.keys, reverse)

    def __len__(self) -> int:
        return len(self.keys)

    def prefixes(self, words: Sequence[str], rest: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Return (word index, key index) of every key a word starts with (ends with, if ``reverse``).

        Only keys that leave at least ``rest`` characters of the word over.
        Word after word; within a word, by ascending key length.
        """
        return _arrays(self._table.prefixes(words, rest))

    def substrings(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (word index, key index) of every key that occurs in a word, each once per word.

        Word after word; within a word, by where the key first occurs, then by length.
        """
        return _arrays(self._table.substrings(words))


def _arrays(pair: tuple[object, object]) -> tuple[np.ndarray, np.ndarray]:
    """Two int32 arrays from the compiled table's bytearrays or the twin's lists."""
    words, keys = pair
    if isinstance(words, bytearray):
        return np.frombuffer(words, dtype=np.int32), np.frombuffer(keys, dtype=np.int32)
    return np.asarray(words, dtype=np.int32), np.asarray(keys, dtype=np.int32)


class _KeyTablePython:
    """The pure-Python twin of ``qualkit._cforms.KeyTable`` (the reference the C code is tested against).

    A word is walked one character at a time as long as what it has read is
    the start of some key (:attr:`_starts`): the first character that no key
    continues with ends the walk, as in the trie of the C code.

    Examples
    --------
    >>> table = _KeyTablePython(["ik", "kt", "k"])
    >>> table.substrings(["kikt", "a"])
    ([0, 0, 0], [2, 0, 1])
    >>> _KeyTablePython(["k", "k"])
    Traceback (most recent call last):
    ValueError: KeyTable: keys[1] = 'k' is also keys[0]; keys must be distinct
    """

    def __init__(self, keys: Sequence[str], reverse: bool = False):
        self._reverse = reverse
        #: each key as it is walked (reversed for a reverse table) -> its index
        self._index: dict[str, int] = {}
        for k, key in enumerate(keys):
            if not isinstance(key, str):
                raise TypeError(f"KeyTable: keys[{k}] is {type(key).__name__}, expected str")
            walked = key[::-1] if reverse else key
            if walked in self._index:
                raise ValueError(f"KeyTable: keys[{k}] = {key!r} is also keys[{self._index[walked]}]; keys must be distinct")
            self._index[walked] = k
        #: every non-empty start of a walked key (the trie's nodes)
        self._starts = {key[:j] for key in self._index for j in range(1, len(key) + 1)}
        self._root = self._index.get("")  # the empty key, if it is one

    def __len__(self) -> int:
        return len(self._index)

    def _walked(self, words: Sequence[str]) -> list[str]:
        out = []
        for w, word in enumerate(words):
            if not isinstance(word, str):
                raise TypeError(f"KeyTable: words[{w}] is {type(word).__name__}, expected str")
            out.append(word[::-1] if self._reverse else word)
        return out

    def prefixes(self, words: Sequence[str], rest: int = 0) -> tuple[list[int], list[int]]:
        if rest < 0:
            raise ValueError(f"KeyTable.prefixes: rest is {rest}, expected 0 or more")
        hit_words: list[int] = []
        hit_keys: list[int] = []
        index, starts, root = self._index, self._starts, self._root
        for w, s in enumerate(self._walked(words)):
            longest = len(s) - rest
            if root is not None and longest >= 0:
                hit_words.append(w)
                hit_keys.append(root)
            for j in range(1, longest + 1):
                if s[:j] not in starts:
                    break
                k = index.get(s[:j])
                if k is not None:
                    hit_words.append(w)
                    hit_keys.append(k)
        return hit_words, hit_keys

    def substrings(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        hit_words: list[int] = []
        hit_keys: list[int] = []
        index, starts, root = self._index, self._starts, self._root
        for w, s in enumerate(self._walked(words)):
            seen = set()
            if root is not None:
                hit_words.append(w)
                hit_keys.append(root)
            for i in range(len(s)):
                for j in range(i + 1, len(s) + 1):
                    if s[i:j] not in starts:
                        break
                    k = index.get(s[i:j])
                    if k is not None and k not in seen:
                        seen.add(k)
                        hit_words.append(w)
                        hit_keys.append(k)
        return hit_words, hit_keys


class IdSets:
    """String keys, each with a set of int ids, as flat arrays.

    Many (row, key) hits become (row, id) pairs in one go (:meth:`ids`),
    without a Python loop over the hits.

    Parameters
    ----------
    table : mapping of str to iterable of int
        Each key's ids.

    Examples
    --------
    >>> sets = IdSets({"huis": {3, 1}, "school": {2}})
    >>> rows, keys = sets.lookup(["school", "tuin", "huis"])
    >>> rows.tolist(), keys.tolist()
    ([0, 2], [1, 0])
    >>> [x.tolist() for x in sets.ids(rows, keys)]
    [[0, 2, 2], [2, 1, 3]]
    """

    def __init__(self, table: Mapping[str, Iterable[int]]):
        self.keys: list[str] = list(table)
        #: key -> its index in :attr:`keys`
        self.index: dict[str, int] = {k: i for i, k in enumerate(self.keys)}
        ids = [sorted(table[k]) for k in self.keys]
        self.count = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        self.start = np.cumsum(self.count) - self.count
        self.values = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(self.count.sum()))

    def __len__(self) -> int:
        return len(self.keys)

    def lookup(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return (word index, key index) of the words that are keys (exactly)."""
        keys = np.fromiter(map(self.index.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        rows = np.flatnonzero(keys >= 0)
        return rows, keys[rows]

    def ids(self, rows: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (row, id) for every id of every hit (row, key): each row repeated once per id of its key."""
        count = self.count[keys]
        total = int(count.sum())
        # where each hit's ids start in the flat output, and in self.values
        first = np.repeat(self.start[keys] - (np.cumsum(count) - count), count)
        return np.repeat(np.asarray(rows, dtype=np.int64), count), self.values[first + np.arange(total)]


def unique_pairs(rows: Sequence[np.ndarray], ids: Sequence[np.ndarray], n_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the (row, id) pairs of all the arrays, each once, sorted by row, then id (ids below ``n_ids``).

    Examples
    --------
    >>> r, i = unique_pairs([np.array([2, 0]), np.array([2])], [np.array([5, 1]), np.array([5])], 10)
    >>> r.tolist(), i.tolist()
    ([0, 2], [1, 5])
    """
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    code = np.unique(np.concatenate(rows).astype(np.int64) * max(n_ids, 1) + np.concatenate(ids))
    return code // max(n_ids, 1), code % max(n_ids, 1)


def pair_sets(rows: np.ndarray, ids: np.ndarray, n: int, empty: frozenset[int]) -> list[frozenset[int]]:
    """Return, for rows ``0 .. n-1``, the frozenset of the ids paired with it (``empty`` where none).

    ``rows`` must be sorted (as :func:`unique_pairs` gives them).

    Examples
    --------
    >>> pair_sets(np.array([0, 0, 2]), np.array([4, 7, 4]), 4, frozenset())
    [frozenset({4, 7}), frozenset(), frozenset({4}), frozenset()]
    """
    out = [empty] * n
    if len(rows):
        bounds = np.flatnonzero(np.diff(rows)) + 1
        starts = np.concatenate([[0], bounds]).tolist()
        ends = np.concatenate([bounds, [len(rows)]]).tolist()
        values = ids.tolist()
        for r, a, b in zip(rows[starts].tolist(), starts, ends):
            out[r] = frozenset(values[a:b])
    return out
