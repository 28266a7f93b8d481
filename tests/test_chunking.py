"""Stages that work a chunk of documents at a time give what they give in one piece.

``CHUNK_ENTRIES`` bounds the temporaries of the vectorized stages; here it is
made tiny so that every chunked path runs over many chunks (including a
document longer than a chunk, and empty documents), and compared with the
same stage run with one chunk.
"""

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from dedup import _arrays, features
from dedup.features import BoilerplateConfig, _word_counts, _word_sets, discount_boilerplate, tfidf_from_batches
from dedup.lsh import containment_pairs
from dedup.related import prune_rows
from dedup.shingle import ShingleConfig, TokenBatch, shingles_from_tokens


def _corpus(seed: int) -> tuple[TokenBatch, TokenBatch, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 60
    sizes = rng.integers(0, 40, size=n)
    sizes[3] = 0
    sizes[17] = 300  # longer than a chunk
    # a small vocabulary with shared runs, so shingles repeat across documents
    base = rng.integers(0, 2**63, size=50, dtype=np.uint64)
    story = base[rng.integers(0, 50, size=80)]
    docs = []
    for i, s in enumerate(sizes):
        if i % 3 == 0 and s:
            start = int(rng.integers(0, 40))
            docs.append(np.resize(story[start:], s))
        else:
            docs.append(base[rng.integers(0, 50, size=s)])
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    body = TokenBatch(np.concatenate(docs).astype(np.uint64), offsets)
    tsizes = rng.integers(0, 6, size=n)
    toff = np.zeros(n + 1, np.int64)
    np.cumsum(tsizes, out=toff[1:])
    titles = TokenBatch(base[rng.integers(0, 50, size=int(tsizes.sum()))], toff)
    groups = rng.integers(0, 3, size=n)
    return body, titles, groups


def _run_all(body, titles, groups):
    raw = shingles_from_tokens(body, ShingleConfig(ngram=2, min_tokens=3))
    cfg = BoilerplateConfig(source_share=0.2, global_share=0.3, min_docs=2, global_min_docs=2)
    kept, n_bad = discount_boilerplate(raw, groups, cfg)
    words = _word_sets(_word_counts([body], len(body)))
    tf = tfidf_from_batches([body, titles], len(body))
    tf_df = tfidf_from_batches([body], len(body), max_df=0.5)
    pairs, skipped = containment_pairs(kept.values, kept.offsets, np.arange(len(body)) % 7 != 0, sample=1,
                                       min_containment=0.2, min_shared=2, max_postings=30)
    pruned = prune_rows(tf, 3)
    filtered = raw.filter(raw.values % 3 != 0)
    return {
        "raw": (raw.values, raw.offsets), "kept": (kept.values, kept.offsets, np.array([n_bad])),
        "words": (words.values, words.offsets), "tf": (tf.data, tf.indices, tf.indptr),
        "tf_df": (tf_df.data, tf_df.indices, tf_df.indptr), "pairs": (pairs, np.array([skipped])),
        "pruned": (pruned.toarray(),), "filtered": (filtered.values, filtered.offsets),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_chunked_stages_equal_one_piece(monkeypatch, seed, chunk):
    body, titles, groups = _corpus(seed)
    whole = _run_all(body, titles, groups)
    assert len(whole["raw"][0]) and len(whole["pairs"][0]), "the corpus must exercise the stages"
    monkeypatch.setattr(_arrays, "CHUNK_ENTRIES", chunk)
    assert len(_arrays.doc_ranges(body.offsets)) > 1
    parts = _run_all(body, titles, groups)
    for name, arrays in whole.items():
        for a, b in zip(arrays, parts[name]):
            assert np.array_equal(a, b), name


def test_doc_ranges_cover_every_document_once():
    rng = np.random.default_rng(5)
    sizes = rng.integers(0, 20, size=200)
    offsets = np.r_[0, np.cumsum(sizes)]
    for entries in (1, 5, 19, 10_000):
        ranges = _arrays.doc_ranges(offsets, entries)
        assert ranges[0][0] == 0 and ranges[-1][1] == 200
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(ranges, ranges[1:]))
        # a range holds more than `entries` only when it is one document
        assert all(offsets[d1] - offsets[d0] <= entries or d1 - d0 == 1 for d0, d1 in ranges)
    assert _arrays.doc_ranges(np.zeros(1, np.int64), 4) == []


def test_heavy_values_counts_runs():
    keys = np.array([4, 4, 4, 9, 1, 9, 7], dtype=np.uint64)
    heavy, counts = _arrays.heavy_values(keys, 2)
    assert heavy.tolist() == [4, 9] and counts.tolist() == [3, 2]
    assert _arrays.heavy_values(keys, 1)[0].tolist() == [1, 4, 7, 9]
    assert _arrays.heavy_values(keys, 8)[0].tolist() == []
    assert _arrays.heavy_values(np.sort(keys), 3, presorted=True)[0].tolist() == [4]


@pytest.mark.parametrize("chunk", [None, 3])
def test_rare_words_are_those_in_few_documents(monkeypatch, chunk):
    # each body's rare words: those found in at most RARE_MIN_DOCS bodies
    # (rare_df of a small corpus is below it), whatever the chunking
    from dedup.features import RARE_MIN_DOCS, prepare
    from dedup.record import Record

    if chunk:
        monkeypatch.setattr(_arrays, "CHUNK_ENTRIES", chunk)
    rng = np.random.default_rng(2)
    common = [f"شائع{i}" for i in range(5)]
    texts = []
    for i in range(40):
        # word k of the pool is in the bodies i with i % (k + 1) == 0: from all 40 bodies down to one
        words = [f"كلمة{k}" for k in range(40) if i % (k + 1) == 0] + [f"فريد{i}"]
        # and words in exactly d bodies, on both sides of the limit
        words += [f"عدد{d}" for d in range(1, 16) if i < d]
        words += list(rng.choice(common, 3))
        texts.append(" ".join(words))
    corpus = prepare([Record(id=str(i), text=t) for i, t in enumerate(texts)], rare_df=0.0)
    tb = corpus.tokens
    sets = [{int(h) >> 32 for h in tb.hashes[tb.offsets[i] : tb.offsets[i + 1]]} for i in range(len(texts))]
    df = {}
    for ws in sets:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    for i, ws in enumerate(sets):
        assert corpus.rare.doc(i).tolist() == sorted(w for w in ws if df[w] <= RARE_MIN_DOCS), i
    assert 0 < len(corpus.rare.doc(0)) < len(sets[0])


def test_prepare_counts_words_once_for_sets_and_tfidf():
    # prepare builds the word sets (for rare words) and the TF-IDF from one
    # count of the bodies' words: the same as computing each on its own
    from dedup.features import prepare
    from dedup.record import Record

    rng = np.random.default_rng(4)
    vocab = [f"كلمة{j}" for j in range(60)]
    recs = [Record(id=str(i), text=" ".join(rng.choice(vocab, size=int(rng.integers(0, 30)))))
            for i in range(30)]
    corpus = prepare(recs, rare_df=0.0)
    want = tfidf_from_batches([corpus.tokens], len(recs))
    assert (corpus.tfidf != want).nnz == 0 and corpus.tfidf.shape == want.shape
    words = _word_sets(_word_counts([corpus.tokens], len(recs)))
    for i in range(len(recs)):
        assert set(corpus.rare.doc(i).tolist()) <= set(words.doc(i).tolist())


@pytest.mark.parametrize("max_df", [1.0, 0.4, 0.25])
@pytest.mark.parametrize("chunk", [7, 1 << 22])
def test_tfidf_equals_scikit_learn_bit_for_bit(monkeypatch, max_df, chunk):
    # the counts, the dropped columns and the weighing are done in place a chunk
    # at a time; the numbers must be TfidfTransformer's on the plain count matrix
    body, titles, _ = _corpus(0)
    n = len(body)
    monkeypatch.setattr(_arrays, "CHUNK_ENTRIES", chunk)
    monkeypatch.setattr(features, "MIN_COMMON_DOCS", 2)  # so that max_df drops words of this small corpus
    got = tfidf_from_batches([body, titles], n, max_df=max_df)
    rows = []
    for d in range(n):
        c = Counter()
        for tb in (body, titles):
            c.update((tb.hashes[tb.offsets[d] : tb.offsets[d + 1]] >> np.uint64(32)).tolist())
        rows.append(c)
    df = Counter(w for r in rows for w in r)
    kept = [w for w in sorted(df) if max_df >= 1.0 or df[w] <= max(2, max_df * n)]
    assert max_df >= 1.0 or 0 < len(kept) < len(df), "some words must be dropped"
    column = {w: i for i, w in enumerate(kept)}
    data, indices, indptr = [], [], [0]
    for r in rows:
        for w in sorted(r):
            if w in column:
                data.append(float(r[w]))
                indices.append(column[w])
        indptr.append(len(data))
    counts = sp.csr_matrix((data, indices, indptr), shape=(n, len(kept)))
    want = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    assert got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)
