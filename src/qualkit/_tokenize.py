"""Cut many texts into words at once, giving every distinct word form an id.

The coding pass works on word-form ids in flat arrays (see
:class:`qualkit.coding.RuleCoder`); this module makes them. A token is exactly
what :data:`qualkit.nlp.TOKEN_RE` finds (``findall``), in the same order.

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


def tokenize(texts: Sequence[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (form ids, token start offsets, bounds) of the tokens of ``texts``.

    Parameters
    ----------
    texts : sequence of str
    vocab : dict
        Form -> id. Forms not in it are added, with the next free id
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
    """
    ids: list[int] = []
    starts: list[int] = []
    bounds = [0]
    setdefault = vocab.setdefault
    for text in texts:
        for m in TOKEN_RE.finditer(text):
            ids.append(setdefault(m.group(), len(vocab)))
            starts.append(m.start())
        bounds.append(len(ids))
    return np.asarray(ids, dtype=np.int32), np.asarray(starts, dtype=np.int32), np.asarray(bounds, dtype=np.int64)
