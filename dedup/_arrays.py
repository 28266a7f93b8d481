"""Small numpy helpers shared by the vectorized stages."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def sorted_unique(x: np.ndarray, presorted: bool = False) -> np.ndarray:
    """Sorted unique values of ``x``.

    ``np.unique`` in numpy 2.3+ can take a hash-table path that is one to two
    orders of magnitude slower than sorting on large integer arrays (17 s vs
    0.3 s for 16M ``uint64`` here); sort and mask instead. ``presorted``
    input is not sorted again (nor copied before masking).

    Example:
        >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
        [1, 2, 3]
    """
    if x.size == 0:
        return x.copy()
    s = x if presorted else np.sort(x, kind="stable")
    keep = np.empty(s.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def heavy_values(keys: np.ndarray, at_least: int, presorted: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The values found at least ``at_least`` times in ``keys`` (sorted), and how often.

    In a sorted array a value occurs ``at_least`` times exactly when it equals
    the value ``at_least - 1`` places on: one boolean per key, no run table
    as long as the keys. ``presorted`` keys are used as they are (no copy).

    Example:
        >>> [a.tolist() for a in heavy_values(np.array([5, 1, 5, 2, 5, 1], np.uint32), 2)]
        [[1, 5], [2, 3]]
    """
    at_least = max(1, int(at_least))
    if len(keys) < at_least:
        return keys[:0].copy(), np.zeros(0, np.int64)
    sk = keys if presorted else np.sort(keys)
    head = sk[: len(sk) - at_least + 1]
    # a masked sorted array is sorted: no second sort (and its copy) of what may be most of the keys
    heavy = sorted_unique(head[head == sk[at_least - 1 :]], presorted=True)
    counts = np.searchsorted(sk, heavy, side="right") - np.searchsorted(sk, heavy, side="left")
    return heavy, counts.astype(np.int64)


def row_dots(x, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dot products of the rows ``left[k]`` and ``right[k]`` of a CSR matrix.

    The same numbers as ``x[left].multiply(x[right]).sum(axis=1)``, without
    building two sub-matrices: the columns of each side are laid end to end
    with the pair number in the high bits, so one ``searchsorted`` finds every
    column the two rows share. Many small calls (the story merge asks a few
    pairs at a time) cost microseconds instead of scipy's fancy indexing.

    Example:
        >>> import scipy.sparse as sp
        >>> m = sp.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 4.0]]))
        >>> row_dots(m, np.array([0, 0]), np.array([1, 0])).tolist()
        [6.0, 5.0]
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    out = np.zeros(len(left), dtype=np.float64)
    if len(left) == 0 or x.nnz == 0:
        return out
    if not x.has_sorted_indices:
        x = x.sorted_indices()
    ptr, cols, vals = x.indptr, x.indices, x.data

    def side(rows):
        starts = ptr[rows]
        sizes = ptr[rows + 1] - starts
        owner = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
        pos = run_positions(starts, sizes)
        return (owner.astype(np.uint64) << np.uint64(32)) | cols[pos].astype(np.uint64), vals[pos], owner

    ka, va, _ = side(left)
    kb, vb, ob = side(right)
    if len(ka) == 0 or len(kb) == 0:
        return out
    at = np.searchsorted(ka, kb)
    at[at >= len(ka)] = len(ka) - 1
    hit = ka[at] == kb
    out += np.bincount(ob[hit], weights=va[at[hit]] * vb[hit], minlength=len(left))
    return out


def run_positions(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions ``starts[k] .. starts[k] + sizes[k] - 1`` of every run, laid end to end.

    Example:
        >>> run_positions(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
        [5, 6, 9, 10, 11]
    """
    starts = np.asarray(starts, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    return np.repeat(starts - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()), dtype=np.int64)


def search_sorted(vocab: np.ndarray, values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``np.searchsorted(vocab, values)`` (left side) for unsigned hashes, about 4 times as fast.

    Binary search makes some twenty scattered reads per value; for tens of
    millions of words against a vocabulary of a million, that was most of the
    TF-IDF build. Hashes are spread evenly over their range, so a table of
    where each value of the top bits starts in ``vocab`` (up to 4 entries per
    vocabulary word) lands each value at or just before its position, and a few
    vectorized steps forward finish the search. Other inputs (signed, mixed
    dtypes) go to ``np.searchsorted``; so do the values still unplaced after a
    few steps (a vocabulary bunched in one part of the range).

    Args:
        vocab: Sorted array.
        values: Values to place, in chunks of :data:`CHUNK_ENTRIES`.
        out: Integer array to write the positions into (e.g. ``int32`` to
            halve the memory of a long result).

    Example:
        >>> v = np.array([3, 9, 2**31, 2**32 - 1], dtype=np.uint32)
        >>> search_sorted(v, np.array([9, 0, 2**31 + 5, 2**32 - 1], dtype=np.uint32)).tolist()
        [1, 0, 3, 3]
    """
    if out is None:
        out = np.empty(len(values), dtype=np.int64)
    n = len(vocab)
    if not n or not len(values) or vocab.dtype != values.dtype or vocab.dtype.kind != "u":
        out[:] = np.searchsorted(vocab, values)
        return out
    width = vocab.dtype.itemsize * 8
    bits = min(width, n.bit_length() + 2, 24)
    shift = vocab.dtype.type(width - bits)
    starts = np.searchsorted(vocab, np.arange(1 << bits, dtype=vocab.dtype) << shift)
    for s in range(0, len(values), CHUNK_ENTRIES):
        part = values[s : s + CHUNK_ENTRIES]
        pos = starts[part >> shift]
        # a value above every vocabulary word belongs at n: step there from n - 1
        np.minimum(pos, n - 1, out=pos)
        todo = np.flatnonzero(vocab[pos] < part)
        for _ in range(8):
            if not len(todo):
                break
            pos[todo] += 1
            todo = todo[pos[todo] < n]
            todo = todo[vocab[pos[todo]] < part[todo]]
        pos[todo] = np.searchsorted(vocab, part[todo])
        out[s : s + len(part)] = pos
    return out


def map_chunks(fn, total: int, chunk: int, workers: int = 1) -> list:
    """``[fn(s, min(s + chunk, total)) for s in range(0, total, chunk)]``, on ``workers`` threads.

    For stages whose work is a few large numpy calls per chunk (gathers,
    ``searchsorted``, scipy's sparse products): those release the GIL, so
    two threads on two cores verify pairs about 1.6 times as fast as one,
    with no copy of the corpus arrays. Results come back in chunk order.
    """
    return map_bounds(fn, [(s, min(s + chunk, total)) for s in range(0, total, chunk)], workers)


def map_bounds(fn, bounds: Sequence[tuple[int, int]], workers: int = 1) -> list:
    """``[fn(s, e) for s, e in bounds]`` on ``workers`` threads, results in order (see :func:`map_chunks`).

    Example:
        >>> map_bounds(lambda s, e: e - s, [(0, 3), (3, 4)], workers=2)
        [3, 1]
    """
    if workers <= 1 or len(bounds) <= 1:
        return [fn(s, e) for s, e in bounds]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda b: fn(*b), bounds))


def row_products(m, left: np.ndarray, right: np.ndarray, chunk: int = 50_000, workers: int = 1) -> np.ndarray:
    """``m[left].multiply(m[right]).sum(axis=1)``, the same numbers, in chunks of pairs.

    For millions of pairs the two gathered row matrices would hold hundreds of
    millions of entries at once (the 250k-article fit peaked at 12 GB here).
    :func:`row_dots` is faster for a few pairs at a time but sums in another
    order; this keeps scipy's sums bit for bit.

    Example:
        >>> import scipy.sparse as sp
        >>> m = sp.csr_matrix(np.array([[0.6, 0.8], [1.0, 0.0]]))
        >>> row_products(m, np.array([0, 0]), np.array([1, 0])).round(2).tolist()
        [0.6, 1.0]
    """
    if not m.shape[1] or not len(left):
        return np.zeros(len(left), dtype=np.float64)

    def part(s, e):
        return np.asarray(m[left[s:e]].multiply(m[right[s:e]]).sum(axis=1), dtype=np.float64).ravel()

    return np.concatenate(map_chunks(part, len(left), chunk, workers))


#: Entries (tokens, shingles) per chunk of documents in the vectorized stages:
#: a stage's temporaries are a few times this many 8-byte values, whatever the corpus size.
CHUNK_ENTRIES = 1 << 22


def doc_ranges(offsets: np.ndarray, entries: int | None = None) -> list[tuple[int, int]]:
    """Consecutive document ranges ``[d0, d1)`` of about ``entries`` entries each.

    A document is never split; one longer than ``entries`` is a range of its
    own. Every document is in exactly one range, in order. ``entries``
    defaults to :data:`CHUNK_ENTRIES`, read at call time.

    Example:
        >>> doc_ranges(np.array([0, 3, 5, 12, 12, 13]), entries=4)
        [(0, 1), (1, 2), (2, 3), (3, 5)]
    """
    entries = entries or CHUNK_ENTRIES
    n = len(offsets) - 1
    out: list[tuple[int, int]] = []
    d0 = 0
    while d0 < n:
        # the last document whose end is within `entries` of this range's start
        d1 = int(np.searchsorted(offsets, offsets[d0] + entries, side="right")) - 1
        d1 = min(n, max(d1, d0 + 1))
        out.append((d0, d1))
        d0 = d1
    return out


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer over a ``uint64`` array (wrapping arithmetic)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))
