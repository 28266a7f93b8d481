"""Corpus-level arrays the verifier and the related-article stage share.

:func:`prepare` turns records into a :class:`Corpus`: normalized tokens as a
:class:`~dedup.shingle.TokenBatch`, 3-gram shingle sets with boilerplate
discounted, rare-word sets, a TF-IDF matrix (scikit-learn's
``TfidfTransformer`` over counts built with numpy), and publication times.
This is where the pipeline materializes: document frequencies and IDF need the
whole corpus.
"""

from __future__ import annotations

import hashlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from . import _arrays
from ._arrays import doc_ranges, heavy_values, row_products, search_sorted, sorted_unique
from .normalize import DEFAULT_CONFIG, NormalizeConfig, tokens
from .record import Record
from .shingle import ShingleBatch, ShingleConfig, TokenBatch, shingles_from_tokens
from .textarrays import alnum_table, char_table, hash_texts
from .verify import PairFeatures, intersections

#: A word in at most this many documents is always rare, however small the corpus
#: (in a few dozen documents, the words of a story told three times are its own).
RARE_MIN_DOCS = 10

__all__ = ["BoilerplateConfig", "Corpus", "body_text", "prepare", "pair_features", "discount_boilerplate"]


def body_text(rec: Record) -> str:
    """The text compared for duplicates: the body, never a title stand-in.

    Teasers and records whose body was empty (the reader put the title in
    ``text``) have no body: they take part in teaser links, not in duplicates.

    Example:
        >>> body_text(Record(id="t", text="", title="عنوان", kind="teaser"))
        ''
    """
    if rec.kind == "teaser" or rec.title_as_text:
        return ""
    return rec.text


@dataclass(frozen=True, slots=True)
class BoilerplateConfig:
    """Which shingles count as boilerplate and are discounted.

    A shingle is boilerplate for a source when at least ``source_share`` of
    that source's documents (and at least ``min_docs`` of them) contain it:
    site chrome, sign-offs, disclaimers. It is boilerplate everywhere when at
    least ``global_share`` of all documents (and at least ``global_min_docs``)
    contain it: set phrases no copy is recognized by.

    Attributes:
        source_share: Share of a source's documents.
        global_share: Share of all documents.
        min_docs: Never call a shingle boilerplate for a source below this
            many of its documents.
        global_min_docs: Never call a shingle boilerplate corpus-wide below
            this many documents: a story syndicated to dozens of outlets is
            not boilerplate, however small the corpus.
    """

    source_share: float = 0.05
    global_share: float = 0.01
    min_docs: int = 20
    global_min_docs: int = 200

    def __post_init__(self) -> None:
        if not (0 < self.source_share <= 1 and 0 < self.global_share <= 1):
            raise ValueError("BoilerplateConfig shares must be in (0, 1]")
        if self.min_docs < 2 or self.global_min_docs < 2:
            raise ValueError("BoilerplateConfig.min_docs and global_min_docs must be at least 2")


def _member(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``keys`` found in the sorted array ``table`` (few values: binary search, a chunk at a time)."""
    out = np.zeros(len(keys), dtype=bool)
    if not len(table):
        return out
    chunk = _arrays.CHUNK_ENTRIES
    for s in range(0, len(keys), chunk):
        k = keys[s : s + chunk]
        pos = np.minimum(np.searchsorted(table, k), len(table) - 1)
        out[s : s + len(k)] = table[pos] == k
    return out


def discount_boilerplate(batch: ShingleBatch, groups: np.ndarray, cfg: BoilerplateConfig) -> tuple[ShingleBatch, int]:
    """Remove shingles that are boilerplate for their document's group (source).

    Counting is one sort of the shingles (corpus-wide) and one of the
    ``(source, shingle)`` keys (per source); only the few frequent values
    are then looked up for every shingle.

    Args:
        batch: Shingle sets.
        groups: ``int64`` group (source) index of every document.
        cfg: Thresholds.

    Returns:
        The filtered batch and how many distinct boilerplate shingles were found.
    """
    if len(batch.values) == 0:
        return batch, 0
    vals = batch.values
    n_docs = len(batch)
    # sets are unique per document, so equal keys count documents
    common, _ = heavy_values(vals, int(np.ceil(max(cfg.global_min_docs, cfg.global_share * n_docs))))
    bad = _member(vals, common)
    group_sizes = np.bincount(groups, minlength=int(groups.max()) + 1 if len(groups) else 1)
    need = np.ceil(np.maximum(cfg.min_docs, cfg.source_share * group_sizes)).astype(np.int64)
    # (source, shingle) keys, built in place
    keys = np.repeat(groups.astype(np.int64), batch.sizes).view(np.uint64)
    keys <<= np.uint64(32)
    keys |= vals
    cand, counts = heavy_values(keys, int(need.min()))
    per_source = cand[counts >= need[(cand >> np.uint64(32)).astype(np.int64)]]
    bad |= _member(keys, per_source)
    del keys
    n_bad = len(sorted_unique(vals[bad])) if bad.any() else 0
    return batch.filter(~bad), n_bad


@dataclass
class Corpus:
    """Everything the verifier needs about the records, as arrays.

    Attributes:
        records: The records, in input order (index = document number).
        tokens: Normalized body tokens.
        shingles: Body 3-gram sets after boilerplate discounting.
        rare: Sets of each body's rare words.
        tfidf: L2-normalized TF-IDF rows of the bodies (CSR).
        published: Publication time as float seconds (NaN when unknown).
        exact_keys: Hash of the normalized body ("" for no body).
        title_tokens: Normalized title tokens.
        boilerplate_shingles: Number of distinct boilerplate shingles found.
    """

    records: Sequence[Record]
    tokens: TokenBatch
    shingles: ShingleBatch
    rare: ShingleBatch
    tfidf: sp.csr_matrix
    published: np.ndarray
    exact_keys: list[bytes]
    title_tokens: list[list[str]]
    boilerplate_shingles: int = 0
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PackedTexts:
    """Texts as one UTF-8 blob plus their lengths in characters, for sending to a worker.

    Pickling a ``str`` makes CPython cache its UTF-8 form inside the string
    for as long as the string lives: sending the records' own texts to the
    workers would double the memory the texts take (0.65 GB at 250k
    articles). Encoding here makes a new bytes object and caches nothing.
    ``None`` travels as an empty text, which is how it is hashed.
    """

    blob: bytes
    lengths: np.ndarray

    @classmethod
    def pack(cls, texts: Sequence[str | None]) -> "PackedTexts":
        parts = [t or "" for t in texts]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        return cls("".join(parts).encode("utf-8", "surrogatepass"), lengths)

    def unpack(self) -> list[str]:
        whole = self.blob.decode("utf-8", "surrogatepass")
        ends = np.cumsum(self.lengths).tolist()
        return [whole[a:b] for a, b in zip([0] + ends[:-1], ends)]


def _hash_chunk(args):
    """Normalize, tokenize and hash a chunk of bodies (in a worker process, or in this one).

    Returns the token hashes laid end to end, the token count of each body, and
    each body's exact-duplicate key (empty below ``min_tokens``): a hash of its
    token hashes, so two bodies have one key exactly when their normalized
    tokens are the same.
    """
    texts, cfg, seed, min_tokens = args
    if isinstance(texts, PackedTexts):
        texts = texts.unpack()
    hashes, sizes = hash_texts(texts, cfg, seed)
    bounds = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    raw = hashes.astype("<u8", copy=False).tobytes()
    keys = [hashlib.blake2b(raw[8 * a : 8 * b], digest_size=16).digest() if b - a >= min_tokens else b""
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
    return hashes, sizes, keys


def hash_bodies(texts: Sequence[str], cfg: NormalizeConfig, seed: int, min_tokens: int,
                workers: int = 1) -> tuple[TokenBatch, list[bytes]]:
    """Token hashes of many bodies as a :class:`TokenBatch`, plus exact keys.

    Normalizing, tokenizing and hashing run on whole chunks of texts as numpy
    arrays (:func:`dedup.textarrays.hash_texts`), in ``workers`` processes for
    large inputs (chunks in input order), so only compact arrays cross
    process boundaries.
    """
    if workers <= 1 or len(texts) < 20000:
        parts = [_hash_chunk((list(texts), cfg, seed, min_tokens))]
    else:
        # chunks of at most 20k texts, at most workers + 1 in flight: the
        # packed texts and the results in transit stay bounded
        size = min(20000, (len(texts) + workers * 2 - 1) // (workers * 2))
        char_table(cfg), alnum_table()  # built once here, inherited by forked workers
        parts = []
        pending: deque = deque()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i in range(0, len(texts), size):
                task = (PackedTexts.pack(texts[i : i + size]), cfg, seed, min_tokens)
                pending.append(pool.submit(_hash_chunk, task))
                if len(pending) > workers:
                    parts.append(pending.popleft().result())
            parts.extend(f.result() for f in pending)
    hashes = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.uint64)
    sizes = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    keys = [k for p in parts for k in p[2]]
    return TokenBatch(hashes, offsets), keys


#: ``max_df`` never drops a word found in this few documents.
MIN_COMMON_DOCS = 10


def tfidf_from_batches(batches: Sequence[TokenBatch], n: int, max_df: float = 1.0) -> sp.csr_matrix:
    """L2-normalized TF-IDF rows (sublinear tf) over the summed word counts of token batches.

    Counts are built with numpy from token hashes (no vocabulary of Python
    strings) and weighed as scikit-learn's ``TfidfTransformer`` weighs them;
    words in more than ``max_df`` of the ``n`` documents (and more than
    :data:`MIN_COMMON_DOCS`) are dropped.

    Example:
        >>> from dedup.shingle import token_batch
        >>> tfidf_from_batches([token_batch([["a", "b"], ["a"]])], 2).shape
        (2, 2)
    """
    if sum(len(tb.hashes) for tb in batches) == 0:
        return sp.csr_matrix((n, 0))
    counts = _word_counts(batches, n)
    return _tfidf_from_counts(counts, n, max_df)


def _word_counts(batches: Sequence[TokenBatch], n: int) -> list:
    """Each document's distinct words (32-bit folded hashes, ascending) and their counts over ``batches``.

    Returns ``[counts, words, row_sizes]``: ``counts`` (float64) and ``words``
    (uint32) laid end to end document after document, ``row_sizes`` the
    number of distinct words of each of the ``n`` documents. A list, so that
    :func:`_tfidf_from_counts` can take the arrays over and free them.
    """
    # one sort of (document, word) keys per chunk of documents gives every
    # count, already in CSR order (the keys of a whole corpus at once were
    # the widest array of the fit). The results go straight into arrays as
    # long as all the tokens (a bound on the distinct words): pages never
    # written are never resident, and the arrays are cut to size in place at
    # the end. Lists of chunk results joined at the end held the result twice
    # (the freed chunks stayed in the allocator's heap).
    capacity = sum(len(tb.hashes) for tb in batches)
    tf = np.empty(capacity, dtype=np.float64)
    words = np.empty(capacity, dtype=np.uint32)
    row_sizes = np.zeros(n, dtype=np.int64)
    at = 0
    for d0, d1 in doc_ranges(sum(tb.offsets for tb in batches)):
        parts = [tb.slice(d0, d1) for tb in batches]
        key = np.concatenate([p.doc_ids() for p in parts]).view(np.uint64)
        key <<= np.uint64(32)
        key |= np.concatenate([p.hashes for p in parts]) >> np.uint64(32)
        if not len(key):
            continue  # documents without tokens
        key.sort()
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        m = len(starts)
        tf[at : at + m] = np.diff(np.r_[starts, len(key)])
        key = key[starts]
        words[at : at + m] = key & np.uint64(0xFFFFFFFF)
        row_sizes[d0:d1] = np.bincount((key >> np.uint64(32)).astype(np.int64), minlength=d1 - d0)
        at += m
        del key, starts
    tf.resize(at, refcheck=False)
    words.resize(at, refcheck=False)
    return [tf, words, row_sizes]


def _tfidf_from_counts(counts: list, n: int, max_df: float = 1.0) -> sp.csr_matrix:
    """:func:`tfidf_from_batches` from :func:`_word_counts`, taking its arrays over.

    Memory: at 1M articles the counts are some 200M entries, and every
    whole-matrix temporary is GBs (the related stage's TF-IDF raised the peak
    of ``dedup report`` from 16.7 to 20.4 GB). So ``counts`` is emptied, the
    words become the column numbers in place, dropped columns are squeezed
    out in place, and the weighing runs a chunk at a time; the numbers are
    those of ``TfidfTransformer(sublinear_tf=True).fit_transform`` bit for bit
    (the same operations on each entry, and its own ``normalize``).
    """
    tf, word, row_sizes = counts
    counts.clear()
    if not len(word):
        return sp.csr_matrix((n, 0))
    vocab = sorted_unique(word)
    # the column of each entry, written over its word (same width)
    columns = word.view(np.int32) if len(vocab) < 2**31 else word.astype(np.int64)
    search_sorted(vocab, word, out=columns)
    del word
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(row_sizes, out=indptr[1:])
    n_cols = len(vocab)
    # bincount makes an int64 copy of its input: count a chunk at a time
    df = np.zeros(n_cols, dtype=np.int64)
    for s in range(0, len(columns), _arrays.CHUNK_ENTRIES):
        df += np.bincount(columns[s : s + _arrays.CHUNK_ENTRIES], minlength=n_cols)
    if max_df < 1.0 and n > 1:
        # in a small corpus every word is in a large share of the documents:
        # only drop words that are common in absolute terms too
        kept = df <= max(MIN_COMMON_DOCS, max_df * n)
        if not kept.all():
            tf, columns, indptr = _drop_columns(tf, columns, indptr, kept)
            df, n_cols = df[kept], int(kept.sum())
    # TfidfTransformer's weights: smooth idf, sublinear tf, then l2 rows
    idf = np.full(n_cols, n + 1, dtype=np.float64)
    idf /= df.astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    for s in range(0, len(tf), _arrays.CHUNK_ENTRIES):
        part = tf[s : s + _arrays.CHUNK_ENTRIES]
        np.log(part, out=part)
        part += 1.0
        part *= idf[columns[s : s + _arrays.CHUNK_ENTRIES]]
    x = sp.csr_matrix((tf, columns, indptr), shape=(n, n_cols))
    x.has_sorted_indices = True
    return normalize(x, norm="l2", copy=False)


def _drop_columns(tf: np.ndarray, columns: np.ndarray, indptr: np.ndarray,
                  kept: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``csr[:, flatnonzero(kept)]`` of the CSR arrays, squeezed in place a chunk at a time."""
    renumber = np.cumsum(kept) - 1
    new_indptr = np.empty_like(indptr)
    write = 0
    for s in range(0, len(tf), _arrays.CHUNK_ENTRIES):
        e = min(s + _arrays.CHUNK_ENTRIES, len(tf))
        k = kept[columns[s:e]]
        # rows that start in this chunk start after the kept entries before them
        lo, hi = np.searchsorted(indptr, [s, e])
        before = np.concatenate(([0], np.cumsum(k)))
        new_indptr[lo:hi] = write + before[indptr[lo:hi] - s]
        m = int(before[-1])
        # the kept entries of a chunk never land past its start: the copy reads them first
        tf[write : write + m] = tf[s:e][k]
        columns[write : write + m] = renumber[columns[s:e][k]]
        write += m
    new_indptr[np.searchsorted(indptr, len(tf)) :] = write
    return tf[:write], columns[:write], new_indptr


def _word_sets(counts: Sequence[np.ndarray]) -> ShingleBatch:
    """The word sets of :func:`_word_counts` as a batch (its words array, not a copy)."""
    _, word, row_sizes = counts
    offsets = np.zeros(len(row_sizes) + 1, dtype=np.int64)
    np.cumsum(row_sizes, out=offsets[1:])
    return ShingleBatch(word, offsets)


def prepare(records: Sequence[Record], *, shingle_cfg: ShingleConfig = ShingleConfig(),
            boilerplate_cfg: BoilerplateConfig = BoilerplateConfig(), norm_cfg: NormalizeConfig = DEFAULT_CONFIG,
            rare_df: float = 0.001, workers: int = 1) -> Corpus:
    """Build the :class:`Corpus` arrays for ``records``.

    Example:
        >>> c = prepare([Record(id="a", text="نص قصير جدا")])
        >>> c.shingles.sizes.tolist()
        [0]
    """
    bodies = [body_text(r) for r in records]
    tb, exact = hash_bodies(bodies, norm_cfg, shingle_cfg.seed, shingle_cfg.min_tokens, workers)
    raw = shingles_from_tokens(tb, shingle_cfg)
    sources = sorted({r.source or "" for r in records})
    sidx = {s: i for i, s in enumerate(sources)}
    groups = np.fromiter((sidx[r.source or ""] for r in records), dtype=np.int64, count=len(records))
    shingles, n_bad = discount_boilerplate(raw, groups, boilerplate_cfg)

    # document frequency of words -> rare words, and TF-IDF
    n = len(records)
    # one count of every body's words serves the word sets and the TF-IDF
    counts = _word_counts([tb], n)
    words = _word_sets(counts)
    rare_limit = max(RARE_MIN_DOCS, int(rare_df * n))
    # a word is rare unless it is one of the few common ones: look every word
    # up among those (a small table) rather than in the whole vocabulary
    common, _ = heavy_values(words.values, rare_limit + 1)
    is_rare_word = np.ones(len(words.values), dtype=bool)
    if len(common):
        for s in range(0, len(words.values), _arrays.CHUNK_ENTRIES):
            part = words.values[s : s + _arrays.CHUNK_ENTRIES]
            at = np.minimum(np.searchsorted(common, part), len(common) - 1)
            is_rare_word[s : s + len(part)] = common[at] != part
    rare = words.filter(is_rare_word)
    del words, is_rare_word

    tfidf = _tfidf_from_counts(counts, n)

    published = np.array([r.published.timestamp() if r.published else np.nan for r in records], dtype=np.float64)
    titles = [tokens(r.title, norm_cfg) if r.title else [] for r in records]
    return Corpus(records, tb, shingles, rare, tfidf, published, exact, titles, n_bad, sources)


def pair_features(corpus: Corpus, left: np.ndarray, right: np.ndarray, workers: int = 1) -> PairFeatures:
    """Exact signals for the pairs ``(left[k], right[k])``, chunks of pairs on ``workers`` threads.

    Example:
        >>> base = "افتتح أمير المنطقة اليوم معرض الكتاب الدولي بحضور عدد كبير من الزوار "
        >>> c = prepare([Record(id="a", text=base + "والناشرين"), Record(id="b", text=base + "والكتاب")])
        >>> round(float(pair_features(c, np.array([0]), np.array([1])).jaccard[0]), 2)
        0.83
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    sizes = corpus.shingles.sizes
    inter = intersections(corpus.shingles, left, right, workers=workers).astype(np.float64)
    sa, sb = sizes[left].astype(np.float64), sizes[right].astype(np.float64)
    union = sa + sb - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = np.where(union > 0, inter / union, 0.0)
        cont = np.where(np.minimum(sa, sb) > 0, inter / np.minimum(sa, sb), 0.0)
        ratio = np.where(np.minimum(sa, sb) > 0, np.maximum(sa, sb) / np.minimum(sa, sb), np.inf)
        rs = corpus.rare.sizes
        ra, rb = rs[left].astype(np.float64), rs[right].astype(np.float64)
        rinter = intersections(corpus.rare, left, right, workers=workers).astype(np.float64)
        runion = ra + rb - rinter
        rare = np.where(runion > 0, rinter / runion, np.nan)
    cos = row_products(corpus.tfidf, left, right, workers=workers)
    days = np.abs(corpus.published[left] - corpus.published[right]) / 86400.0
    return PairFeatures(left, right, jac, cont, cos, rare, days, ratio)
