"""Tests for dedup.minhash: signatures equal datasketch's MinHash row by row."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from dedup.minhash import EMPTY_VALUE, MinHashConfig, permutations, signatures
from dedup.shingle import ShingleBatch


def random_batch(seed: int, n_docs: int = 40) -> ShingleBatch:
    rng = np.random.default_rng(seed)
    arrays = []
    for i in range(n_docs):
        size = int(rng.choice([0, 1, 2, 5, 17, 60, 300]))
        vals = rng.integers(0, 1 << 32, size=size, dtype=np.uint64).astype(np.uint32)
        if i % 7 == 3:  # some values at the edges of the uint32 range
            vals = np.concatenate([vals, np.array([0, 1, 0xFFFFFFFF], np.uint32)])
        arrays.append(np.unique(vals))
    return ShingleBatch.from_arrays(arrays)


def datasketch_rows(batch: ShingleBatch, num_perm: int, seed: int) -> np.ndarray:
    rows = []
    for i in range(len(batch)):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
        m.update_batch([int(v) for v in batch.doc(i)])
        rows.append(np.asarray(m.hashvalues, dtype=np.uint64))
    return np.stack(rows)


@pytest.mark.parametrize(
    "num_perm,seed,chunk_values,workers",
    [
        (128, 1, 200_000, 1),
        (128, 1, 50, 2),
        (64, 7, 1, 1),
        (16, 0, 13, 4),
        (256, 42, 500, 2),
        (1, 3, 100, 1),
    ],
)
def test_signatures_equal_datasketch(num_perm, seed, chunk_values, workers):
    batch = random_batch(seed + num_perm)
    cfg = MinHashConfig(num_perm=num_perm, seed=seed, chunk_values=chunk_values, workers=workers)
    sig = signatures(batch, cfg)
    assert sig.shape == (len(batch), num_perm)
    assert sig.dtype == np.uint32
    expected = datasketch_rows(batch, num_perm, seed)
    for i in range(len(batch)):
        assert sig[i].astype(np.uint64).tolist() == expected[i].tolist(), f"row {i} ({len(batch.doc(i))} shingles)"


@pytest.mark.parametrize("chunk_values,workers", [(1, 1), (3, 2), (10_000, 1), (7, 3)])
def test_chunking_and_threads_do_not_change_signatures(chunk_values, workers):
    batch = random_batch(5, n_docs=60)
    ref = signatures(batch, MinHashConfig(num_perm=32, seed=9))
    got = signatures(batch, MinHashConfig(num_perm=32, seed=9, chunk_values=chunk_values, workers=workers))
    assert np.array_equal(ref, got)


def test_empty_sets_get_empty_value_rows():
    batch = ShingleBatch.from_arrays([np.array([], np.uint32), np.array([3, 4], np.uint32), np.array([], np.uint32)])
    sig = signatures(batch, MinHashConfig(num_perm=16))
    assert (sig[0] == EMPTY_VALUE).all() and (sig[2] == EMPTY_VALUE).all()
    assert not (sig[1] == EMPTY_VALUE).all()
    # same as datasketch's untouched MinHash
    assert sig[0].astype(np.uint64).tolist() == MinHash(num_perm=16, seed=1, hashfunc=int).hashvalues.tolist()


def test_all_empty_and_no_documents():
    batch = ShingleBatch.from_arrays([np.array([], np.uint32)] * 4)
    assert (signatures(batch, MinHashConfig(num_perm=8)) == EMPTY_VALUE).all()
    none = signatures(ShingleBatch.from_arrays([]), MinHashConfig(num_perm=8))
    assert none.shape == (0, 8)


def test_signature_depends_on_the_set_not_on_its_neighbours():
    a = np.array([10, 20, 30, 40], np.uint32)
    b1 = ShingleBatch.from_arrays([a, np.array([1, 2], np.uint32)])
    b2 = ShingleBatch.from_arrays([np.array([5, 6, 7], np.uint32), np.array([], np.uint32), a])
    cfg = MinHashConfig(num_perm=64)
    assert np.array_equal(signatures(b1, cfg)[0], signatures(b2, cfg)[2])


def test_estimated_jaccard_tracks_true_jaccard():
    rng = np.random.default_rng(0)
    base = np.unique(rng.integers(0, 1 << 32, 2000, dtype=np.uint64).astype(np.uint32))
    half = base[: len(base) // 2]
    other = np.unique(np.concatenate([half, rng.integers(0, 1 << 32, len(base) // 2, dtype=np.uint64).astype(np.uint32)]))
    batch = ShingleBatch.from_arrays([base, other])
    true = len(np.intersect1d(base, other)) / len(np.union1d(base, other))
    sig = signatures(batch, MinHashConfig(num_perm=512))
    est = float((sig[0] == sig[1]).mean())
    assert abs(est - true) < 0.08


def test_permutations_match_datasketch():
    m = MinHash(num_perm=32, seed=5, hashfunc=int)
    a, b = permutations(32, 5)
    da, db = m.permutations
    assert a.astype(np.uint64).tolist() == np.asarray(da, dtype=np.uint64).tolist()
    assert b.astype(np.uint64).tolist() == np.asarray(db, dtype=np.uint64).tolist()


@pytest.mark.parametrize(
    "kwargs", [dict(num_perm=0), dict(num_perm=1025), dict(chunk_values=0), dict(workers=0)]
)
def test_config_validation(kwargs):
    with pytest.raises(ValueError):
        MinHashConfig(**kwargs)
