"""Tests for dedup.lsh: datasketch's (b, r), planted collisions, inactive documents, overrides, capping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from dedup import _arrays
from dedup.lsh import LSHConfig, candidate_pairs, containment_pairs, optimal_params
from dedup.minhash import EMPTY_VALUE, MinHashConfig, signatures
from dedup.shingle import ShingleBatch


@pytest.mark.parametrize(
    "threshold,num_perm,fp,fn",
    [
        (0.5, 128, 0.5, 0.5),
        (0.2, 128, 0.3, 0.7),
        (0.8, 128, 0.5, 0.5),
        (0.9, 64, 0.5, 0.5),
        (0.3, 64, 0.7, 0.3),
        (0.7, 256, 0.1, 0.9),
        (0.1, 32, 0.5, 0.5),
        (0.6, 16, 0.9, 0.1),
    ],
)
def test_optimal_params_equal_datasketch(threshold, num_perm, fp, fn):
    assert optimal_params(threshold, num_perm, fp, fn) == _optimal_param(threshold, num_perm, fp, fn)


def test_config_params_derived_or_overridden():
    assert LSHConfig(threshold=0.5, fp_weight=0.5, fn_weight=0.5).params(128) == _optimal_param(0.5, 128, 0.5, 0.5)
    assert LSHConfig().params(128) == _optimal_param(0.2, 128, 0.3, 0.7)
    assert LSHConfig(bands=10, rows=12).params(128) == (10, 12)
    assert LSHConfig(bands=10, rows=20).params(200) == (10, 20)


def test_overrides_exceeding_num_perm_raise_with_advice():
    with pytest.raises(ValueError, match=r"bands\*rows = 200 exceeds num_perm = 128"):
        LSHConfig(bands=10, rows=20).params(128)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(bands=10),
        dict(rows=5),
        dict(bands=0, rows=5),
        dict(bands=5, rows=0),
        dict(threshold=0.0),
        dict(threshold=1.0),
        dict(threshold=-0.2),
        dict(max_bucket=1),
    ],
)
def test_config_validation(kwargs):
    with pytest.raises(ValueError):
        LSHConfig(**kwargs)


def random_signatures(n: int, num_perm: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 1 << 32, size=(n, num_perm), dtype=np.uint64).astype(np.uint32)


def as_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in pairs}


def check_pairs_shape(pairs: np.ndarray) -> None:
    assert pairs.ndim == 2 and pairs.shape[1] == 2
    assert (pairs[:, 0] < pairs[:, 1]).all()
    keys = [tuple(p) for p in pairs.tolist()]
    assert keys == sorted(set(keys)), "pairs are sorted and unique"


@pytest.mark.parametrize("bands,rows", [(44, 2), (16, 8), (1, 128), (128, 1)])
def test_planted_identical_signatures_are_found_and_nothing_else(bands, rows):
    sig = random_signatures(300, 128, seed=bands)
    groups = [[3, 250], [10, 11, 12], [40, 41, 140, 299]]
    for g in groups:
        sig[g[1:]] = sig[g[0]]
    pairs, stats = candidate_pairs(sig, np.ones(len(sig), bool), bands, rows)
    check_pairs_shape(pairs)
    expected = {p for g in groups for p in itertools.combinations(sorted(g), 2)}
    assert as_set(pairs) == expected
    assert (stats.bands, stats.rows, stats.candidates) == (bands, rows, len(expected))
    assert stats.largest_bucket == 4 and stats.capped_buckets == 0


def test_one_shared_band_is_enough():
    sig = random_signatures(10, 128, seed=1)
    sig[7, 40:44] = sig[2, 40:44]  # equal on band 10 of (32 bands x 4 rows) only
    pairs, _ = candidate_pairs(sig, np.ones(10, bool), 32, 4)
    assert as_set(pairs) == {(2, 7)}
    # with rows of 5 the shared columns no longer make a whole band
    pairs, _ = candidate_pairs(sig, np.ones(10, bool), 25, 5)
    assert as_set(pairs) == set()


def test_only_the_first_bands_times_rows_columns_are_used():
    sig = random_signatures(6, 128, seed=2)
    sig[4, 100:] = sig[1, 100:]  # equal only on columns 100..127
    assert as_set(candidate_pairs(sig, np.ones(6, bool), 10, 10)[0]) == set()  # columns 0..99
    assert as_set(candidate_pairs(sig, np.ones(6, bool), 12, 10)[0]) == {(1, 4)}  # band 11: columns 110..119


def test_inactive_documents_never_pair():
    sig = random_signatures(20, 64, seed=3)
    sig[5] = sig[6] = sig[7] = sig[2]
    sig[[10, 11, 12]] = EMPTY_VALUE  # empty sets: identical empty signatures
    active = np.ones(20, bool)
    active[[6, 10, 11, 12]] = False
    pairs, _ = candidate_pairs(sig, active, 32, 2)
    got = as_set(pairs)
    assert got == {(2, 5), (2, 7), (5, 7)}
    assert all(active[a] and active[b] for a, b in got)


def test_no_active_or_single_active_document():
    sig = np.zeros((5, 8), np.uint32)
    assert len(candidate_pairs(sig, np.zeros(5, bool), 4, 2)[0]) == 0
    one = np.zeros(5, bool)
    one[3] = True
    assert len(candidate_pairs(sig, one, 4, 2)[0]) == 0


def test_huge_buckets_are_capped_and_reported():
    n, cap = 300, 50
    sig = np.tile(random_signatures(1, 16, seed=4), (n, 1))  # 300 identical signatures
    pairs, stats = candidate_pairs(sig, np.ones(n, bool), 4, 4, max_bucket=cap)
    check_pairs_shape(pairs)
    assert stats.largest_bucket == n
    assert stats.capped_buckets == 4  # one oversized bucket in each band
    assert len(pairs) < n * (n - 1) // 2
    assert len(pairs) == sum(n - off for off in range(1, cap + 1))  # each member with its next `cap` neighbours
    # nobody is left without a partner
    assert set(pairs.ravel().tolist()) == set(range(n))
    degree = np.bincount(pairs.ravel(), minlength=n)
    assert degree.max() <= 2 * cap


def test_bucket_at_the_cap_is_not_capped():
    n = 20
    sig = np.tile(random_signatures(1, 8, seed=5), (n, 1))
    pairs, stats = candidate_pairs(sig, np.ones(n, bool), 2, 4, max_bucket=n)
    assert stats.capped_buckets == 0
    assert len(pairs) == n * (n - 1) // 2


def test_similar_sets_become_candidates_with_default_banding():
    # pairs of sets with Jaccard 0.5 are proposed; disjoint sets are not
    rng = np.random.default_rng(6)
    arrays = []
    for _ in range(30):
        shared = rng.integers(0, 1 << 32, 200, dtype=np.uint64)
        a = np.concatenate([shared, rng.integers(0, 1 << 32, 67, dtype=np.uint64)])
        b = np.concatenate([shared, rng.integers(0, 1 << 32, 67, dtype=np.uint64)])
        arrays += [np.unique(a.astype(np.uint32)), np.unique(b.astype(np.uint32))]
    batch = ShingleBatch.from_arrays(arrays)
    cfg = MinHashConfig()
    b, r = LSHConfig().params(cfg.num_perm)
    pairs, _ = candidate_pairs(signatures(batch, cfg), np.ones(len(batch), bool), b, r)
    assert as_set(pairs) == {(2 * k, 2 * k + 1) for k in range(30)}


# -- containment proposer ----------------------------------------------------------------------


def _batch(sets):
    return ShingleBatch.from_arrays([np.unique(np.asarray(s, dtype=np.uint32)) for s in sets])


def _brute_containment(sets, active, min_containment, min_shared, max_postings):
    """Every pair whose sets share enough elements, ignoring elements in too many active sets."""
    sets = [set(s) if a else set() for s, a in zip(sets, active)]
    df = {}
    for s in sets:
        for v in s:
            df[v] = df.get(v, 0) + 1
    out = []
    for i, j in itertools.combinations(range(len(sets)), 2):
        shared = sum(1 for v in sets[i] & sets[j] if df[v] <= max_postings)
        small = min(len(sets[i]), len(sets[j]))
        if small and shared >= min_shared and shared / small >= min_containment:
            out.append([i, j])
    return out


@pytest.mark.parametrize("chunk", [None, 1, 16])
@pytest.mark.parametrize("seed", range(6))
def test_containment_pairs_without_sampling_equal_brute_force(monkeypatch, seed, chunk):
    # a tiny chunk counts the pairs over many ranges of leading documents
    if chunk:
        monkeypatch.setattr(_arrays, "CHUNK_ENTRIES", chunk)
    rng = np.random.default_rng(seed)
    sets = [rng.choice(400, size=rng.integers(0, 60), replace=False) for _ in range(40)]
    # plant short sets inside longer ones
    for short, long_ in ((0, 1), (2, 3), (4, 5)):
        sets[long_] = np.union1d(sets[long_], sets[short][: max(1, len(sets[short]) * 3 // 4)])
    active = rng.random(40) > 0.1
    b = _batch(sets)
    got, _ = containment_pairs(b.values, b.offsets, active, sample=1, min_containment=0.3, min_shared=2,
                               max_postings=12)
    assert got.tolist() == _brute_containment(sets, active, 0.3, 2, 12)


def test_containment_pairs_find_a_short_set_inside_a_long_one_that_banding_misses():
    rng = np.random.default_rng(0)
    short = rng.choice(2**31, 80, replace=False)
    long_ = np.concatenate([short, rng.choice(2**31, 900, replace=False) + 2**31])
    other = rng.choice(2**31, 80, replace=False)
    b = _batch([short, long_, other])
    sig = signatures(b, MinHashConfig())
    bands, rows = LSHConfig().params(MinHashConfig().num_perm)
    assert candidate_pairs(sig, np.ones(3, bool), bands, rows)[0].tolist() == []  # Jaccard 0.08
    got, skipped = containment_pairs(b.values, b.offsets, np.ones(3, bool))
    assert got.tolist() == [[0, 1]] and skipped == 0
    # an inactive document (an exact copy's twin, an empty body) is never proposed
    assert containment_pairs(b.values, b.offsets, np.array([False, True, True]))[0].tolist() == []


def test_containment_pairs_skip_elements_found_in_too_many_documents():
    common = np.arange(20)
    sets = [np.concatenate([common, np.arange(1000 * k, 1000 * k + 5)]) for k in range(1, 8)]
    b = _batch(sets)
    got, skipped = containment_pairs(b.values, b.offsets, np.ones(7, bool), sample=1, max_postings=5)
    assert got.tolist() == [] and skipped == 20
    got, skipped = containment_pairs(b.values, b.offsets, np.ones(7, bool), sample=1, max_postings=7)
    assert len(got) == 21 and skipped == 0


def test_containment_pairs_sample_the_same_shingles_in_every_document():
    rng = np.random.default_rng(3)
    base = rng.choice(2**32 - 1, 400, replace=False)
    b = _batch([base, base[:200], rng.choice(2**32 - 1, 300, replace=False)])
    for sample in (1, 2, 4, 8):
        got, _ = containment_pairs(b.values, b.offsets, np.ones(3, bool), sample=sample)
        assert got.tolist() == [[0, 1]]


@pytest.mark.parametrize("kwargs", [dict(containment_sample=-1), dict(containment_min=0.0),
                                    dict(containment_min=1.5), dict(containment_min_shared=0),
                                    dict(containment_max_postings=1)])
def test_containment_config_validation(kwargs):
    with pytest.raises(ValueError):
        LSHConfig(**kwargs)
