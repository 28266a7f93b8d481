"""MinHash signatures for a whole batch at once, datasketch-compatible.

``signatures(batch, cfg)`` takes a :class:`~dedup.shingle.ShingleBatch` and
returns an ``(n_docs, num_perm)`` ``uint32`` array. Row ``i`` equals
``datasketch.MinHash(num_perm, seed, hashfunc=int).update_batch(shingles_i)``'s
``hashvalues`` (datasketch's default ``affine32`` scheme: murmur3 finalizer
pre-mix, then ``a*h + b mod 2**32``); the tests check it against datasketch.

The work is chunked over documents, so memory stays bounded and chunks can be
spread over threads (numpy releases the GIL in these kernels).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .shingle import ShingleBatch

__all__ = ["MinHashConfig", "permutations", "signatures", "EMPTY_VALUE"]

#: The value of every slot of an empty set's signature (datasketch's max hash).
EMPTY_VALUE = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class MinHashConfig:
    """MinHash settings.

    Attributes:
        num_perm: Permutations per signature.
        seed: Seed of the permutations (datasketch's ``seed``).
        chunk_values: Shingles processed per chunk (bounds memory:
            ``chunk_values * num_perm * 4`` bytes per worker). Chunks that
            stay in cache are faster (measured: 60M shingles of 250k
            articles, 128 permutations, 2 threads: 3.8-4.6 s at 8192,
            5.9-9.4 s at 32768, 6.2 s at 4096).
        workers: Threads used for signature chunks and for verifying
            chunks of candidate pairs; processes for hashing the texts of
            large inputs.
    """

    num_perm: int = 128
    seed: int = 1
    chunk_values: int = 8192
    workers: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.num_perm <= 1024:
            raise ValueError(f"MinHashConfig.num_perm must be between 1 and 1024, got {self.num_perm}")
        if self.chunk_values < 1 or self.workers < 1:
            raise ValueError("MinHashConfig.chunk_values and workers must be positive")


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters datasketch's ``affine32`` scheme draws for ``seed``.

    Example:
        >>> a, b = permutations(4, 1)
        >>> bool((a % 2 == 1).all())
        True
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _chunk_bounds(offsets: np.ndarray, chunk_values: int) -> list[tuple[int, int]]:
    """Split documents into runs of about ``chunk_values`` shingles."""
    n = len(offsets) - 1
    bounds = []
    start = 0
    while start < n:
        target = offsets[start] + chunk_values
        end = int(np.searchsorted(offsets, target, side="right")) - 1
        end = max(end, start + 1)
        end = min(end, n)
        bounds.append((start, end))
        start = end
    return bounds


def signatures(batch: ShingleBatch, cfg: MinHashConfig = MinHashConfig()) -> np.ndarray:
    """MinHash signatures of every document of ``batch``.

    Args:
        batch: Shingle sets (``uint32`` hashes).
        cfg: Permutations and seed.

    Returns:
        ``uint32`` array of shape ``(len(batch), cfg.num_perm)``. An empty set
        gets :data:`EMPTY_VALUE` in every slot; callers must never treat two
        empty signatures as similar.

    Example:
        >>> from dedup.shingle import ShingleBatch
        >>> b = ShingleBatch.from_arrays([np.array([1, 2, 3], np.uint32), np.array([], np.uint32)])
        >>> signatures(b, MinHashConfig(num_perm=4)).shape
        (2, 4)
    """
    a, b = permutations(cfg.num_perm, cfg.seed)
    n = len(batch)
    out = np.full((n, cfg.num_perm), EMPTY_VALUE, dtype=np.uint32)
    offsets = batch.offsets

    def work(bounds: tuple[int, int]) -> None:
        s, e = bounds
        lo, hi = offsets[s], offsets[e]
        if hi == lo:
            return
        hv = _fmix32(batch.values[lo:hi].astype(np.uint32, copy=False))
        # permutation-major: each permutation's values of the chunk are one
        # contiguous row, and the per-document minimum runs along it
        # (reduceat over the other axis was 8 times slower)
        with np.errstate(over="ignore"):
            phv = np.multiply.outer(a, hv)
            phv += b[:, None]
        local = offsets[s:e] - lo
        nonempty = offsets[s + 1 : e + 1] > offsets[s:e]
        starts = local[nonempty]
        mins = np.minimum.reduceat(phv, starts, axis=1)
        out[np.arange(s, e)[nonempty]] = mins.T

    chunks = _chunk_bounds(offsets, cfg.chunk_values)
    if cfg.workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=cfg.workers) as pool:
            list(pool.map(work, chunks))
    else:
        for c in chunks:
            work(c)
    return out
