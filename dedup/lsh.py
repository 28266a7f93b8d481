"""LSH banding over a signature array: candidate pairs, never verdicts.

Bands and rows are derived from a Jaccard threshold the way datasketch's
``MinHashLSH`` does (minimizing the weighted false-positive and false-negative
areas under the S-curve), can be overridden, and are exposed as ``b`` and
``r``. Every candidate must be verified on the real shingle sets before it is
called a duplicate (see :mod:`dedup.verify`).

Buckets are found with one sort per band over a 64-bit hash of the band's
rows, so the whole stage is a handful of numpy passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _arrays
from ._arrays import doc_ranges, heavy_values, run_positions, sorted_unique

__all__ = ["LSHConfig", "optimal_params", "candidate_pairs", "containment_pairs", "CandidateStats"]


def _integrate(f, a: float, b: float, steps: int = 200) -> float:
    if b <= a:
        return 0.0
    xs = np.linspace(a, b, steps + 1)
    ys = f(xs)
    return float(np.sum((ys[1:] + ys[:-1]) * 0.5 * np.diff(xs)))


def optimal_params(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` minimizing weighted FP and FN probability.

    Same criterion as datasketch's ``MinHashLSH._optimal_param``.

    Example:
        >>> optimal_params(0.5, 128)
        (25, 5)
    """
    best, opt = float("inf"), (1, num_perm)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = _integrate(lambda s: 1 - (1 - s ** r) ** b, 0.0, threshold)
            fn = _integrate(lambda s: 1 - (1 - (1 - s ** r) ** b), threshold, 1.0)
            err = fp * fp_weight + fn * fn_weight
            if err < best:
                best, opt = err, (b, r)
    return opt


@dataclass(frozen=True, slots=True)
class LSHConfig:
    """LSH banding settings.

    Attributes:
        threshold: Jaccard similarity the banding targets. Low on purpose: LSH
            only proposes, verification decides, and a trimmed wire copy can
            share a third of its shingles with the original.
        bands: Override the derived number of bands.
        rows: Override the derived rows per band.
        fp_weight: Weight of false positives when deriving ``(b, r)``.
        fn_weight: Weight of false negatives when deriving ``(b, r)``.
        max_bucket: Buckets larger than this (templated items, shared
            boilerplate) only pair each member with its ``max_bucket`` nearest
            neighbours in bucket order instead of all pairs; the number of such
            buckets is reported.
        neighbours: Also propose each article's ``neighbours`` nearest
            TF-IDF neighbours (cosine at least ``neighbour_cosine``, published
            within three days): the candidates a Jaccard-based LSH misses, a
            short text inside a much longer one. Off by default: on the dev
            pairs 10 neighbours at cosine 0.2 found one more ``contained`` pair
            (dup+contained F1 0.911 -> 0.914) for about 14 s more on 62k articles.
        neighbour_cosine: See ``neighbours``.
        containment_sample: Also propose the pairs where most of the shorter
            text is inside the longer one (see :func:`containment_pairs`),
            from a sample of one shingle in ``containment_sample`` (0: off). A
            wire item inside a roundup five times its length has Jaccard under
            0.2, which banding cannot see: over a sample of 4,000 articles of
            the two shared corpora, banding alone proposed 462 of the 616 pairs
            that verify as ``contained``.
        containment_min: Estimated containment (shared sampled shingles over
            the shorter text's sampled shingles) a pair needs to be proposed.
        containment_min_shared: Sampled shingles a pair must share at least.
        containment_max_postings: Sampled shingles found in more documents
            than this (stock phrases) propose nothing.
    """

    threshold: float = 0.2
    bands: int | None = None
    rows: int | None = None
    fp_weight: float = 0.3
    fn_weight: float = 0.7
    max_bucket: int = 200
    neighbours: int = 0
    neighbour_cosine: float = 0.2
    containment_sample: int = 4
    containment_min: float = 0.3
    containment_min_shared: int = 2
    containment_max_postings: int = 50

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"LSHConfig.threshold must be between 0 and 1, got {self.threshold}")
        if (self.bands is None) != (self.rows is None):
            raise ValueError("LSHConfig: give both bands and rows, or neither (they are derived from threshold)")
        if self.bands is not None and (self.bands < 1 or self.rows < 1):
            raise ValueError("LSHConfig.bands and rows must be positive")
        if self.max_bucket < 2:
            raise ValueError("LSHConfig.max_bucket must be at least 2")
        if self.containment_sample < 0:
            raise ValueError("LSHConfig.containment_sample must be 0 (off) or a positive sampling rate")
        if not 0.0 < self.containment_min <= 1.0:
            raise ValueError(f"LSHConfig.containment_min must be in (0, 1], got {self.containment_min}")
        if self.containment_min_shared < 1 or self.containment_max_postings < 2:
            raise ValueError("LSHConfig.containment_min_shared must be >= 1 and containment_max_postings >= 2")

    def params(self, num_perm: int) -> tuple[int, int]:
        """``(b, r)`` for ``num_perm`` permutations: the overrides, or derived.

        Raises:
            ValueError: When ``b * r`` exceeds ``num_perm``.
        """
        if self.bands is not None:
            if self.bands * self.rows > num_perm:
                raise ValueError(f"LSH bands*rows = {self.bands * self.rows} exceeds num_perm = {num_perm}; "
                                 "lower bands or rows, or raise num_perm")
            return self.bands, self.rows
        return _cached_params(self.threshold, num_perm, self.fp_weight, self.fn_weight)


_PARAM_CACHE: dict[tuple, tuple[int, int]] = {}


def _cached_params(threshold, num_perm, fpw, fnw):
    key = (threshold, num_perm, fpw, fnw)
    if key not in _PARAM_CACHE:
        _PARAM_CACHE[key] = optimal_params(threshold, num_perm, fpw, fnw)
    return _PARAM_CACHE[key]


@dataclass(frozen=True, slots=True)
class CandidateStats:
    """What banding did: parameters, raw collisions and capped buckets."""

    bands: int
    rows: int
    candidates: int
    largest_bucket: int
    capped_buckets: int


def _band_keys(sig: np.ndarray) -> np.ndarray:
    """64-bit hash of each row of a band (``uint32`` columns)."""
    h = np.full(sig.shape[0], 0x84222325CBF29CE4, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in range(sig.shape[1]):
            h = (h ^ sig[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
            h = h ^ (h >> np.uint64(31))
    return h


def candidate_pairs(signatures: np.ndarray, active: np.ndarray, bands: int, rows: int,
                    max_bucket: int = 200) -> tuple[np.ndarray, CandidateStats]:
    """Pairs of documents that collide in at least one band.

    Args:
        signatures: ``(n, num_perm)`` ``uint32`` signatures.
        active: Boolean mask; inactive documents (empty or too short) never
            take part, so empty signatures can never collide.
        bands: Number of bands ``b``.
        rows: Rows per band ``r``.
        max_bucket: See :class:`LSHConfig`.

    Returns:
        ``(pairs, stats)``: ``pairs`` is an ``(m, 2)`` ``int64`` array with
        ``i < j``, sorted, unique.

    Example:
        >>> sig = np.array([[1, 2], [1, 2], [3, 4]], dtype=np.uint32)
        >>> candidate_pairs(sig, np.ones(3, bool), 1, 2)[0].tolist()
        [[0, 1]]
    """
    n = signatures.shape[0]
    idx = np.flatnonzero(active).astype(np.int64)
    keys_all = []
    largest = 0
    capped = 0
    if len(idx) >= 2:
        for band in range(bands):
            sub = signatures[idx, band * rows : (band + 1) * rows]
            keys = _band_keys(sub)
            order = np.argsort(keys, kind="stable")
            sk = keys[order]
            # runs of equal keys
            brk = np.flatnonzero(sk[1:] != sk[:-1]) + 1
            starts = np.concatenate(([0], brk))
            ends = np.concatenate((brk, [len(sk)]))
            sizes = ends - starts
            multi = sizes >= 2
            if not multi.any():
                continue
            largest = max(largest, int(sizes.max()))
            members = idx[order]
            # buckets of one size at a time, all pairs of each in one step
            # (a Python loop over 700k buckets took most of a 250k-article run)
            small = np.flatnonzero(multi & (sizes <= max_bucket))
            small = small[np.argsort(sizes[small], kind="stable")]
            edges = np.flatnonzero(np.r_[True, np.diff(sizes[small]) != 0, True]) if len(small) else np.zeros(1, int)
            for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist()):
                g = int(sizes[small[lo]])
                m = members[starts[small[lo:hi]][:, None] + np.arange(g)]
                iu, ju = np.triu_indices(g, 1)
                a, b = m[:, iu].ravel(), m[:, ju].ravel()
                keys_all.append(np.minimum(a, b) * n + np.maximum(a, b))
            for s, e in zip(starts[sizes > max_bucket], ends[sizes > max_bucket]):
                capped += 1
                m = np.sort(members[s:e])
                # each member with its next max_bucket neighbours
                a = np.concatenate([m[:-off] for off in range(1, max_bucket + 1)])
                b = np.concatenate([m[off:] for off in range(1, max_bucket + 1)])
                keys_all.append(a * n + b)
    if keys_all:
        flat = sorted_unique(np.concatenate(keys_all))
        pairs = np.stack([flat // n, flat % n], axis=1)
    else:
        pairs = np.empty((0, 2), dtype=np.int64)
    return pairs, CandidateStats(bands, rows, int(len(pairs)), largest, capped)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def containment_pairs(values: np.ndarray, offsets: np.ndarray, active: np.ndarray, sample: int = 4,
                      min_containment: float = 0.3, min_shared: int = 2,
                      max_postings: int = 50) -> tuple[np.ndarray, int]:
    """Pairs of documents where much of the shorter one may be inside the longer one.

    Banding finds pairs of high Jaccard; a short text copied inside a much
    longer one has low Jaccard whatever its containment. Here every document
    keeps the shingles whose (remixed) hash is ``0 mod sample``, the same
    shingles in every document, so the share of the shorter text's sampled
    shingles found in the longer one estimates its containment. An inverted
    index over the sampled shingles counts, for every pair, the sampled
    shingles it shares; pairs sharing at least ``min_shared`` with an estimate
    of at least ``min_containment`` are proposed. Like banding, this only
    proposes: every pair is verified on the full sets.

    Args:
        values: Shingle hashes of all documents laid end to end
            (``ShingleBatch.values``; each document's set, no repeats).
        offsets: Start of each document in ``values`` (length ``n + 1``).
        active: Boolean mask of the documents that take part.
        sample: Keep one shingle in ``sample`` (1 keeps all).
        min_containment: Estimated containment a pair needs.
        min_shared: Sampled shingles a pair must share.
        max_postings: Sampled shingles in more documents than this are skipped.

    Returns:
        ``(pairs, skipped)``: an ``(m, 2)`` ``int64`` array with ``i < j``,
        sorted and unique, and the number of sampled shingles skipped as too
        common.

    Example:
        >>> short = np.arange(10, dtype=np.uint32)
        >>> long_ = np.arange(100, dtype=np.uint32)
        >>> other = np.arange(500, 600, dtype=np.uint32)
        >>> vals = np.concatenate([short, long_, other])
        >>> offs = np.array([0, 10, 110, 210])
        >>> containment_pairs(vals, offs, np.ones(3, bool), sample=1)[0].tolist()
        [[0, 1]]
    """
    n = len(offsets) - 1
    empty = np.empty((0, 2), dtype=np.int64)
    if n < 2 or sample < 1:
        return empty, 0
    # the sampled (shingle, document) keys, a chunk of documents at a time
    parts = []
    for d0, d1 in doc_ranges(offsets):
        sizes = np.diff(offsets[d0 : d1 + 1])
        v = values[offsets[d0] : offsets[d1]].astype(np.uint64)
        docs = np.repeat(np.arange(d0, d1, dtype=np.uint64), sizes)
        keep = np.repeat(np.asarray(active[d0:d1], dtype=bool), sizes)
        if sample > 1:
            with np.errstate(over="ignore"):
                keep &= ((v * _MIX) >> np.uint64(40)) % np.uint64(sample) == 0
        parts.append((v[keep] << np.uint64(32)) | docs[keep])
    # one sort of them groups every shingle's documents
    key = np.concatenate(parts) if parts else np.empty(0, np.uint64)
    del parts
    key.sort()
    doc = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    sampled = np.bincount(doc, minlength=n)
    shingle = key >> np.uint64(32)
    del key
    starts = np.flatnonzero(np.r_[True, shingle[1:] != shingle[:-1]])
    del shingle
    glen = np.diff(np.r_[starts, len(doc)])
    skipped = int((glen > max_postings).sum())
    kept = (glen >= 2) & (glen <= max_postings)
    gs, gl = starts[kept], glen[kept]
    del starts, glen, kept
    if not len(gs):
        return empty, skipped
    # Every posting of a kept shingle pairs with the postings after it in its
    # group (documents ascend within a group): `later` pairs, led by its document.
    pos = run_positions(gs, gl)
    later = np.repeat(gs + gl, gl) - pos - 1
    del gs, gl
    keep = later > 0
    pos, later = pos[keep], later[keep]
    del keep
    # The pairs, counted a range of leading documents at a time: a pair's
    # shared shingles all fall in the range of its first document, and the
    # pair keys held at once stay near the budget however long the posting
    # lists get (at 1M articles they took 5 GB in one piece).
    lead = doc[pos]
    load = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(lead, weights=later, minlength=n).astype(np.int64), out=load[1:])
    ranges = doc_ranges(load, 4 * _arrays.CHUNK_ENTRIES)
    cut = [0, len(pos)]
    if len(ranges) > 1:
        # group the postings by range (a stable radix sort on a small integer)
        part = np.searchsorted(np.array([d0 for d0, _ in ranges[1:]]), lead, side="right")
        part = part.astype(np.uint16 if len(ranges) <= 1 << 16 else np.int64)
        order = np.argsort(part, kind="stable")
        pos, later, lead = pos[order], later[order], lead[order]
        cut = np.r_[0, np.cumsum(np.bincount(part, minlength=len(ranges)))].tolist()
        del part, order
    out_a, out_b = [], []
    for lo, hi in zip(cut[:-1], cut[1:]):
        if lo == hi:
            continue
        c = later[lo:hi]
        # each posting with the postings after it in its group
        keys = np.repeat(lead[lo:hi], c) * n + doc[run_positions(pos[lo:hi] + 1, c)]
        keys.sort()
        # how many sampled shingles each pair shares: only pairs sharing at least min_shared matter
        uk, shared = heavy_values(keys, max(1, min_shared), presorted=True)
        del keys
        a, b = uk // n, uk % n
        estimate = shared / np.maximum(1, np.minimum(sampled[a], sampled[b]))
        ok = (shared >= min_shared) & (estimate >= min_containment)
        out_a.append(a[ok])
        out_b.append(b[ok])
    if not out_a:
        return empty, skipped
    return np.stack([np.concatenate(out_a), np.concatenate(out_b)], axis=1), skipped
