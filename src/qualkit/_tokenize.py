"""Cut many texts into words at once, giving every distinct word form an id.

The coding pass works on word-form ids in flat arrays (see
:class:`qualkit.coding.RuleCoder`); this module makes them. A token is exactly
what :data:`qualkit.nlp.TOKEN_RE` finds (``findall``), in the same order.
:func:`char_bits` gives the same pass, per text, the OR of a per-character bit
table (which punctuation sets a text contains).

The work is done by the C extension ``qualkit._ctokenize`` (built by
``pip install -e .``), several times faster than the regular expression.
Without it (no C compiler at install time) the pure-Python
:func:`_tokenize_python` and the numpy :func:`_char_bits_python` give the same
results; :data:`COMPILED` says which one runs.

Examples
--------
>>> vocab = {}
>>> ids, starts, bounds = tokenize(["Wij werken.", "", "werken wij?"], vocab)
>>> ids.tolist(), starts.tolist(), bounds.tolist(), list(vocab)
([0, 1, 1, 2], [0, 4, 0, 7], [0, 2, 2, 4], ['Wij', 'werken', 'wij'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .nlp import TOKEN_RE

try:
    from . import _ctokenize
except ImportError:  # built without a C compiler: the pure-Python twin below
    _ctokenize = None

#: True when the compiled tokenizer is installed and used by :func:`tokenize`
COMPILED: bool = _ctokenize is not None


def tokenize(texts: Sequence[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (form ids, token start offsets, bounds) of the tokens of ``texts``.

    Parameters
    ----------
    texts : sequence of str
    vocab : dict
        Form -> int id. Forms not in it are added, with the next free id
        (``len(vocab)``), in the order they first occur.

    Returns
    -------
    ids : numpy.ndarray of int32
        The form id of every token, text after text.
    starts : numpy.ndarray of int32
        Each token's character offset in its own text.
    bounds : numpy.ndarray of int64
        ``len(texts) + 1`` entries: the tokens of text ``i`` are
        ``ids[bounds[i]:bounds[i + 1]]``.

    Raises
    ------
    TypeError
        If an item of ``texts`` is not a str (the message names its index).
    """
    # The C code writes straight into the dict; a dict subclass (OrderedDict,
    # one with its own __setitem__) would be bypassed, so it takes the Python path.
    if _ctokenize is None or type(vocab) is not dict:
        return _tokenize_python(texts, vocab)
    ids, starts, bounds = _ctokenize.tokenize(texts, vocab)
    return (np.frombuffer(ids, dtype=np.int32), np.frombuffer(starts, dtype=np.int32),
            np.frombuffer(bounds, dtype=np.int64))


def _tokenize_python(texts: Sequence[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return what :func:`tokenize` returns, with :data:`~qualkit.nlp.TOKEN_RE` (the reference).

    Examples
    --------
    >>> vocab = {"wij": 0}
    >>> ids, starts, bounds = _tokenize_python(["wij zeggen 't", "zo'n"], vocab)
    >>> ids.tolist(), starts.tolist(), bounds.tolist(), vocab
    ([0, 1, 2, 3], [0, 4, 12, 0], [0, 3, 4], {'wij': 0, 'zeggen': 1, 't': 2, "zo'n": 3})
    """
    ids: list[int] = []
    starts: list[int] = []
    bounds = [0]
    setdefault = vocab.setdefault
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"tokenize: texts[{index}] is {type(text).__name__}, expected str")
        for m in TOKEN_RE.finditer(text):
            ids.append(setdefault(m.group(), len(vocab)))
            starts.append(m.start())
        bounds.append(len(ids))
    return np.asarray(ids, dtype=np.int32), np.asarray(starts, dtype=np.int32), np.asarray(bounds, dtype=np.int64)


def char_bits(texts: Sequence[str], lut: np.ndarray) -> np.ndarray:
    """Return per text the OR of ``lut[ord(ch)]`` over its characters.

    Parameters
    ----------
    texts : sequence of str
    lut : numpy.ndarray of an unsigned integer dtype, one dimension
        The bits of each code point; a character at or beyond ``len(lut)``
        has none (counts as 0).

    Returns
    -------
    numpy.ndarray
        One entry per text, of the dtype of ``lut``; 0 for an empty text.

    Raises
    ------
    TypeError
        If an item of ``texts`` is not a str (the message names its index), or
        ``lut`` is not a one-dimensional table of unsigned integers.

    Examples
    --------
    >>> lut = np.zeros(64, dtype=np.uint8)
    >>> lut[ord("?")], lut[ord("!")], lut[ord(".")] = 1, 2, 4
    >>> char_bits(["Klopt dat?", "Ja!", "", "Nou... ja?!"], lut).tolist()
    [1, 2, 0, 7]
    """
    table = _unsigned_table(lut)
    if _ctokenize is None:
        return _char_bits_python(texts, table)
    # the C code reads native uint64 entries; every unsigned value fits one, and the OR of
    # values of the table's dtype fits that dtype again
    bits = np.frombuffer(_ctokenize.char_bits(texts, np.ascontiguousarray(table, dtype=np.uint64)), dtype=np.uint64)
    return bits.astype(table.dtype, copy=False)


def _unsigned_table(lut: np.ndarray) -> np.ndarray:
    """``lut`` as a numpy array, checked to be a one-dimensional table of unsigned integers."""
    table = np.asarray(lut)
    if table.ndim != 1 or table.dtype.kind != "u":
        raise TypeError(f"char_bits: lut is a {table.ndim}-dimensional array of {table.dtype}, "
                        "expected a one-dimensional array of unsigned integers (uint8 to uint64)")
    return table


def _char_bits_python(texts: Sequence[str], lut: np.ndarray) -> np.ndarray:
    """Return what :func:`char_bits` returns, with numpy on all texts at once (the reference).

    Examples
    --------
    >>> lut = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], dtype=np.uint16)  # only '\\n' (10) has bits
    >>> _char_bits_python(["a\\nb", "", "\\u2019"], lut).tolist()
    [5, 0, 0]
    """
    lut = _unsigned_table(lut)
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"char_bits: texts[{index}] is {type(text).__name__}, expected str")
    if not texts:
        return np.zeros(0, dtype=lut.dtype)
    # Every text at once: code points -> bits -> OR per text. A NUL after each text keeps every
    # range non-empty (reduceat needs that); its bits are set to 0 after the look-up, as a NUL in
    # a text may have bits. mode="clip" sends a character beyond the table to an extra 0 entry.
    codes = np.frombuffer("\0".join([*texts, ""]).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bits = np.take(np.append(lut, lut.dtype.type(0)), codes, mode="clip")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths + 1) - 1  # the NUL after each text
    bits[ends] = 0
    return np.bitwise_or.reduceat(bits, ends - lengths)
