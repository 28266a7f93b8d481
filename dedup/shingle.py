"""Shingling: documents in, a compact batch of hashed shingle sets out.

A batch is CSR-shaped: one flat ``uint32`` array of shingle hashes and an
``offsets`` array, so document ``i`` owns ``values[offsets[i]:offsets[i+1]]``
(sorted, unique). No Python object per shingle: later stages (MinHash,
verification, boilerplate discounting) work on whole numpy arrays.

Tokens are hashed once each (a stable, seedable 64-bit hash cached per distinct
token); word n-grams are then combined with vectorized 64-bit arithmetic and
folded to 32 bits, the width datasketch's default ``affine32`` scheme takes.
Hashes depend only on the text and the seed, never on corpus order, so a
stored index stays valid across runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ._arrays import fmix64 as _fmix64
from ._arrays import doc_ranges, sorted_unique
from .textarrays import token_hash, token_hashes

__all__ = ["ShingleConfig", "ShingleBatch", "TokenBatch", "TokenHasher", "shingle_batch", "word_shingles",
           "token_batch", "shingles_from_tokens"]

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True, slots=True)
class ShingleConfig:
    """How documents become shingle sets.

    Attributes:
        ngram: Words per shingle. 3 keeps light edits from breaking matches
            while still being specific to the text.
        min_tokens: Documents with fewer normalized tokens than this get no
            shingles at all: they can only be exact duplicates, never near ones
            (an empty or one-line set collides with everything that shares it).
        seed: Seed of the token hash.
    """

    ngram: int = 3
    min_tokens: int = 8
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.ngram <= 8:
            raise ValueError(f"ShingleConfig.ngram must be between 1 and 8, got {self.ngram}")
        if self.min_tokens < self.ngram:
            raise ValueError(
                f"ShingleConfig.min_tokens ({self.min_tokens}) must be at least ngram ({self.ngram}): "
                "a document needs n tokens to have one n-gram"
            )


class TokenHasher:
    """Stable 64-bit hashes of tokens, computed once per distinct token.

    The hash is :func:`dedup.textarrays.token_hash` (a seeded polynomial over
    the code points, finalized), the same one :func:`dedup.textarrays.hash_texts`
    computes for whole batches of texts with numpy.

    Example:
        >>> h = TokenHasher()
        >>> bool(h.hash_tokens(["كتب", "كتب"])[0] == h.hash_tokens(["كتب"])[0])
        True
    """

    def __init__(self, seed: int = 0):
        self.seed = seed
        self._cache: dict[str, int] = {}

    def _hash(self, token: str) -> int:
        return token_hash(token, self.seed)

    def hash_tokens(self, tokens: Sequence[str]) -> np.ndarray:
        """Hashes of ``tokens`` as a ``uint64`` array, in order."""
        cache = self._cache
        missing = [t for t in dict.fromkeys(tokens) if t not in cache]
        if len(missing) > 4:
            cache.update(zip(missing, token_hashes(missing, self.seed).tolist()))
        else:  # a few new tokens: the scalar hash costs less than a numpy batch
            for t in missing:
                cache[t] = token_hash(t, self.seed)
        return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def _combine(token_hashes: np.ndarray, n: int, m: int) -> np.ndarray:
    """64-bit hashes of the ``m`` n-grams starting at positions ``0..m-1``."""
    with np.errstate(over="ignore"):
        h = token_hashes[:m].copy()
        for k in range(1, n):
            h = (h * _P1 + token_hashes[k : k + m] * _P2) & _M64
            h = h ^ (h >> np.uint64(29))
        return _fmix64(h)


def word_shingles(token_hashes: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word n-grams of one document.

    Args:
        token_hashes: ``uint64`` hashes of the document's tokens, in order.
        n: Words per shingle.

    Returns:
        ``uint32`` array, sorted, unique; empty when there are fewer than ``n`` tokens.

    Example:
        >>> th = TokenHasher().hash_tokens("a b c d".split())
        >>> len(word_shingles(th, 3))
        2
    """
    m = len(token_hashes) - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint32)
    h = _combine(token_hashes, n, m)
    return sorted_unique((h >> np.uint64(32)).astype(np.uint32))


@dataclass(frozen=True)
class ShingleBatch:
    """Shingle sets of many documents, CSR-shaped.

    Attributes:
        values: ``uint32`` shingle hashes, document after document, each
            document's run sorted and unique.
        offsets: ``int64`` array of length ``n_docs + 1``.
    """

    values: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def doc(self, i: int) -> np.ndarray:
        """Shingles of document ``i``."""
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    @property
    def sizes(self) -> np.ndarray:
        """Number of shingles of every document."""
        return np.diff(self.offsets)

    def doc_ids(self) -> np.ndarray:
        """For every entry of ``values``, the index of its document."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes)

    def slice(self, d0: int, d1: int) -> "ShingleBatch":
        """Documents ``d0 .. d1 - 1`` as a batch of their own (views, no copy)."""
        return ShingleBatch(self.values[self.offsets[d0] : self.offsets[d1]], self.offsets[d0 : d1 + 1] - self.offsets[d0])

    @classmethod
    def concat(cls, parts: Sequence["ShingleBatch"]) -> "ShingleBatch":
        """Batches of consecutive documents joined into one."""
        if not parts:
            return cls(np.empty(0, np.uint32), np.zeros(1, np.int64))
        offsets = [np.zeros(1, np.int64)]
        at = 0
        for p in parts:
            offsets.append(p.offsets[1:] + at)
            at += int(p.offsets[-1])
        return cls(np.concatenate([p.values for p in parts]), np.concatenate(offsets))

    def filter(self, keep: np.ndarray) -> "ShingleBatch":
        """A new batch keeping only the entries where boolean ``keep`` is True."""
        counts = np.zeros(len(self), dtype=np.int64)
        for d0, d1 in doc_ranges(self.offsets):
            part = self.slice(d0, d1)
            counts[d0:d1] = np.bincount(part.doc_ids()[keep[self.offsets[d0] : self.offsets[d1]]], minlength=d1 - d0)
        offsets = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return ShingleBatch(self.values[keep], offsets)

    @classmethod
    def from_arrays(cls, arrays: Iterable[np.ndarray]) -> "ShingleBatch":
        """Build a batch from one sorted unique ``uint32`` array per document."""
        arrays = list(arrays)
        sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        values = np.concatenate(arrays).astype(np.uint32, copy=False) if arrays else np.empty(0, np.uint32)
        return cls(values, offsets)


def shingle_batch(token_lists: Iterable[Sequence[str]], cfg: ShingleConfig = ShingleConfig(),
                  hasher: TokenHasher | None = None) -> ShingleBatch:
    """Shingle many tokenized documents into one :class:`ShingleBatch`.

    Documents shorter than ``cfg.min_tokens`` get an empty set.

    Example:
        >>> b = shingle_batch([["a"] * 3, "w1 w2 w3 w4 w5 w6 w7 w8 w9".split()])
        >>> b.sizes.tolist()
        [0, 7]
    """
    hasher = hasher or TokenHasher(cfg.seed)
    empty = np.empty(0, dtype=np.uint32)
    arrays = []
    for toks in token_lists:
        if len(toks) < cfg.min_tokens:
            arrays.append(empty)
        else:
            arrays.append(word_shingles(hasher.hash_tokens(toks), cfg.ngram))
    return ShingleBatch.from_arrays(arrays)


@dataclass(frozen=True)
class TokenBatch:
    """Token hashes of many documents, in order, CSR-shaped like :class:`ShingleBatch`.

    Attributes:
        hashes: ``uint64`` token hashes, document after document.
        offsets: ``int64`` array of length ``n_docs + 1``.
    """

    hashes: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def sizes(self) -> np.ndarray:
        """Number of tokens of every document."""
        return np.diff(self.offsets)

    def doc_ids(self) -> np.ndarray:
        """For every token, the index of its document."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes)

    def slice(self, d0: int, d1: int) -> "TokenBatch":
        """Documents ``d0 .. d1 - 1`` as a batch of their own (views, no copy)."""
        return TokenBatch(self.hashes[self.offsets[d0] : self.offsets[d1]], self.offsets[d0 : d1 + 1] - self.offsets[d0])


def token_batch(token_lists: Iterable[Sequence[str]], hasher: TokenHasher | None = None) -> TokenBatch:
    """Hash many tokenized documents into one :class:`TokenBatch`.

    Example:
        >>> token_batch([["a", "b"], []]).sizes.tolist()
        [2, 0]
    """
    hasher = hasher or TokenHasher()
    lists = [t if isinstance(t, list) else list(t) for t in token_lists]
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    # one call for all documents: hashing has a fixed cost per call
    hashes = hasher.hash_tokens([tok for t in lists for tok in t])
    return TokenBatch(hashes.astype(np.uint64, copy=False), offsets)


def shingles_from_tokens(tokens: TokenBatch, cfg: ShingleConfig = ShingleConfig()) -> ShingleBatch:
    """Word n-gram shingle sets of a whole :class:`TokenBatch`, fully vectorized.

    n-grams that would cross a document boundary are dropped; documents with
    fewer than ``cfg.min_tokens`` tokens get an empty set. Equal, document by
    document, to :func:`word_shingles`.

    Example:
        >>> tb = token_batch(["w1 w2 w3 w4 w5 w6 w7 w8 w9".split(), ["x"]])
        >>> shingles_from_tokens(tb).sizes.tolist()
        [7, 0]
    """
    # a chunk of documents at a time: the temporaries are several 8-byte
    # arrays as long as the tokens (3.8 GB at 250k articles in one piece)
    ranges = doc_ranges(tokens.offsets)
    if len(ranges) > 1:
        return ShingleBatch.concat([shingles_from_tokens(tokens.slice(d0, d1), cfg) for d0, d1 in ranges])
    n = cfg.ngram
    total = len(tokens.hashes)
    ndocs = len(tokens)
    m = total - n + 1
    if m <= 0:
        return ShingleBatch(np.empty(0, np.uint32), np.zeros(ndocs + 1, np.int64))
    h = (_combine(tokens.hashes, n, m) >> np.uint64(32)).astype(np.uint64)
    doc = tokens.doc_ids()[:m]
    ends = tokens.offsets[1:][doc]
    pos = np.arange(m, dtype=np.int64)
    ok = (pos + n <= ends) & (tokens.sizes[doc] >= cfg.min_tokens)
    key = sorted_unique((doc[ok].astype(np.uint64) << np.uint64(32)) | h[ok])
    docs = (key >> np.uint64(32)).astype(np.int64)
    counts = np.bincount(docs, minlength=ndocs)
    offsets = np.zeros(ndocs + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return ShingleBatch((key & np.uint64(0xFFFFFFFF)).astype(np.uint32), offsets)
