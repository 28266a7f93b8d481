"""Small numpy helpers shared by the vectorized stages."""

from __future__ import annotations

import numpy as np


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted unique values of ``x``.

    ``np.unique`` in numpy 2.3+ can take a hash-table path that is one to two
    orders of magnitude slower than sorting on large integer arrays (17 s vs
    0.3 s for 16M ``uint64`` here); sort and mask instead.

    Example:
        >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
        [1, 2, 3]
    """
    if x.size == 0:
        return x.copy()
    s = np.sort(x, kind="stable")
    keep = np.empty(s.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]
