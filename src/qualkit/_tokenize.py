"""Cut many texts into words at once, giving every distinct word form an id.

The coding pass works on word-form ids in flat arrays (see
:class:`qualkit.coding.RuleCoder`); this module makes them. A token is exactly
what :data:`qualkit.nlp.TOKEN_RE` finds (``findall``), in the same order.

The work is done by the C extension ``qualkit._ctokenize`` (built by
``pip install -e .``), several times faster than the regular expression.
Without it (no C compiler at install time) the pure-Python
:func:`_tokenize_python` gives the same result; :data:`COMPILED` says which
one runs.

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
