"""Tests for dedup.shingle: the vectorized batch path equals the per-document one; hashes are stable."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import tokens
from dedup.shingle import (
    ShingleBatch,
    ShingleConfig,
    TokenHasher,
    shingle_batch,
    shingles_from_tokens,
    token_batch,
    word_shingles,
)

WORDS = ["روسيا", "كوريا", "الشمالية", "بوتين", "كيم", "موسكو", "بيونغ", "يانغ", "قال", "في", "من", "إلى"]


def per_document(token_lists, cfg: ShingleConfig) -> list[np.ndarray]:
    hasher = TokenHasher(cfg.seed)
    out = []
    for toks in token_lists:
        if len(toks) < cfg.min_tokens:
            out.append(np.empty(0, np.uint32))
        else:
            out.append(word_shingles(hasher.hash_tokens(toks), cfg.ngram))
    return out


def assert_batch_equals(batch: ShingleBatch, expected: list[np.ndarray]) -> None:
    assert len(batch) == len(expected)
    assert batch.values.dtype == np.uint32
    for i, exp in enumerate(expected):
        got = batch.doc(i)
        assert got.tolist() == exp.tolist(), f"document {i}"
        assert np.all(np.diff(got.astype(np.int64)) > 0), "each document's shingles are sorted and unique"


token_lists = st.lists(st.lists(st.sampled_from(WORDS), max_size=25), max_size=12)


@settings(max_examples=150, deadline=None)
@given(docs=token_lists, ngram=st.integers(1, 5), extra=st.integers(0, 6))
def test_batch_equals_per_document(docs, ngram, extra):
    cfg = ShingleConfig(ngram=ngram, min_tokens=ngram + extra)
    expected = per_document(docs, cfg)
    hasher = TokenHasher(cfg.seed)
    assert_batch_equals(shingles_from_tokens(token_batch(docs, hasher), cfg), expected)
    assert_batch_equals(shingle_batch(docs, cfg), expected)


@pytest.mark.parametrize("seed", range(5))
def test_batch_equals_per_document_random_corpora(seed):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(60)] + WORDS
    docs = [[rng.choice(vocab) for _ in range(rng.choice([0, 1, 2, 3, 7, 8, 9, 30, 200]))] for _ in range(80)]
    cfg = ShingleConfig()
    expected = per_document(docs, cfg)
    batch = shingles_from_tokens(token_batch(docs, TokenHasher(cfg.seed)), cfg)
    assert_batch_equals(batch, expected)
    # documents shorter than min_tokens get nothing; longer ones get at least one shingle
    for i, d in enumerate(docs):
        assert (batch.sizes[i] == 0) == (len(d) < cfg.min_tokens)


def test_short_documents_have_no_shingles():
    cfg = ShingleConfig(ngram=3, min_tokens=8)
    docs = [["a"] * 7, [], ["x"], "w1 w2 w3 w4 w5 w6 w7 w8".split()]
    batch = shingles_from_tokens(token_batch(docs), cfg)
    assert batch.sizes.tolist() == [0, 0, 0, 6]


def test_ngrams_never_cross_document_boundaries():
    a = "w1 w2 w3 w4 w5 w6 w7 w8".split()
    b = "w9 w10 w11 w12 w13 w14 w15 w16".split()
    batch = shingles_from_tokens(token_batch([a, b]))
    together = shingles_from_tokens(token_batch([a + b]))
    crossing = set(together.doc(0).tolist()) - set(batch.doc(0).tolist()) - set(batch.doc(1).tolist())
    assert len(crossing) == 2  # (w7 w8 w9) and (w8 w9 w10) exist only when the two are one text
    assert not crossing & set(batch.values.tolist())


def test_hashes_do_not_depend_on_corpus_order():
    rng = random.Random(7)
    doc = tokens("أكدت وزيرة الخارجية الكورية الشمالية خلال زيارة لها إلى موسكو أن بلادها ستظل داعمة لروسيا")
    others = [[rng.choice(WORDS) for _ in range(rng.randrange(0, 20))] for _ in range(10)]
    first = shingles_from_tokens(token_batch([doc] + others, TokenHasher()))
    last = shingles_from_tokens(token_batch(others + [doc], TokenHasher()))
    alone = shingle_batch([doc])
    # a hasher whose cache already holds other tokens gives the same hashes
    warm = TokenHasher()
    warm.hash_tokens(WORDS)
    cached = shingles_from_tokens(token_batch(others + [doc] + others, warm))
    expected = first.doc(0).tolist()
    assert expected
    assert last.doc(len(others)).tolist() == expected
    assert alone.doc(0).tolist() == expected
    assert cached.doc(len(others)).tolist() == expected


def test_same_text_same_hashes_across_hasher_instances_and_seed_matters():
    toks = ["كتب", "الولد", "الدرس"]
    assert TokenHasher(0).hash_tokens(toks).tolist() == TokenHasher(0).hash_tokens(toks).tolist()
    assert TokenHasher(0).hash_tokens(toks).tolist() != TokenHasher(1).hash_tokens(toks).tolist()
    doc = "w1 w2 w3 w4 w5 w6 w7 w8 w9".split()
    assert shingle_batch([doc], ShingleConfig(seed=0)).values.tolist() != shingle_batch([doc], ShingleConfig(seed=1)).values.tolist()


def test_repeated_ngrams_count_once():
    doc = ["a", "b", "c"] * 5
    sh = word_shingles(TokenHasher().hash_tokens(doc), 3)
    assert len(sh) == 3  # abc, bca, cab


def test_empty_batch():
    b = shingles_from_tokens(token_batch([]))
    assert len(b) == 0 and len(b.values) == 0
    b = shingles_from_tokens(token_batch([[], []]))
    assert b.sizes.tolist() == [0, 0]


def test_filter_and_from_arrays_round_trip():
    arrays = [np.array([1, 5, 9], np.uint32), np.array([], np.uint32), np.array([2, 5], np.uint32)]
    b = ShingleBatch.from_arrays(arrays)
    assert [b.doc(i).tolist() for i in range(3)] == [[1, 5, 9], [], [2, 5]]
    kept = b.filter(b.values != 5)
    assert [kept.doc(i).tolist() for i in range(3)] == [[1, 9], [], [2]]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(ngram=0), "ngram"),
        (dict(ngram=9, min_tokens=9), "ngram"),
        (dict(ngram=3, min_tokens=2), "min_tokens"),
        (dict(ngram=5, min_tokens=4), "min_tokens"),
    ],
)
def test_config_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ShingleConfig(**kwargs)


@pytest.mark.parametrize("kwargs", [dict(), dict(ngram=1, min_tokens=1), dict(ngram=8, min_tokens=8), dict(seed=12345)])
def test_config_accepts_valid(kwargs):
    ShingleConfig(**kwargs)
