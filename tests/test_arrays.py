"""The small numpy helpers against the obvious (slow) computations."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import _arrays
from dedup._arrays import map_chunks, row_dots, row_products, sorted_unique


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(1, 40), st.floats(0.01, 0.6))
def test_row_dots_equal_scipy_products(seed, rows, cols, density):
    rng = np.random.default_rng(seed)
    x = sp.random(rows, cols, density=density, format="csr", random_state=rng)
    left = rng.integers(0, rows, size=25)
    right = rng.integers(0, rows, size=25)
    want = np.asarray(x[left].multiply(x[right]).sum(axis=1)).ravel()
    np.testing.assert_allclose(row_dots(x, left, right), want, rtol=1e-12, atol=1e-12)


def test_row_dots_handles_empty_rows_unsorted_indices_and_no_pairs():
    x = sp.csr_matrix((np.array([2.0, 1.0, 3.0]), np.array([2, 0, 1]), np.array([0, 2, 2, 3])), shape=(3, 3))
    assert not x.has_sorted_indices or x.indices.tolist() == [2, 0, 1]
    assert row_dots(x, np.array([0, 1, 0]), np.array([0, 0, 2])).tolist() == [5.0, 0.0, 0.0]
    assert row_dots(x, np.array([], np.int64), np.array([], np.int64)).tolist() == []
    assert row_dots(sp.csr_matrix((2, 0)), np.array([0]), np.array([1])).tolist() == [0.0]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("chunk", [1, 7, 25, 1000])
def test_row_products_in_chunks_equal_scipy_bit_for_bit(chunk, workers):
    rng = np.random.default_rng(3)
    x = sp.random(40, 30, density=0.3, format="csr", random_state=rng)
    left, right = rng.integers(0, 40, size=25), rng.integers(0, 40, size=25)
    want = np.asarray(x[left].multiply(x[right]).sum(axis=1)).ravel()
    assert np.array_equal(row_products(x, left, right, chunk=chunk, workers=workers), want)
    assert row_products(x, left[:0], right[:0]).tolist() == []
    assert row_products(sp.csr_matrix((2, 0)), np.array([0]), np.array([1])).tolist() == [0.0]


def test_sorted_unique_matches_numpy():
    x = np.random.default_rng(1).integers(0, 50, size=500).astype(np.uint64)
    assert sorted_unique(x).tolist() == np.unique(x).tolist()


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_map_chunks_keeps_chunk_order(workers):
    import time

    def part(s, e):
        time.sleep(0.002 * (e - s) * (s % 3 == 0))  # early chunks finish last
        return list(range(s, e))

    got = map_chunks(part, 23, 4, workers)
    assert [x for p in got for x in p] == list(range(23))
    assert [len(p) for p in got] == [4, 4, 4, 4, 4, 3]
    assert map_chunks(part, 0, 4, workers) == []


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize("layout", ["spread", "bunched", "tiny"])
def test_search_sorted_equals_numpy(dtype, layout, monkeypatch):
    rng = np.random.default_rng(5)
    top = np.iinfo(dtype).max
    if layout == "spread":  # hashes: the table lands each value at or next to its place
        vocab = np.unique(rng.integers(0, top, 5000, dtype=dtype, endpoint=True))
    elif layout == "bunched":  # all in one bucket of the table: the stepping gives up, binary search finishes
        vocab = np.unique(rng.integers(1000, 1400, 300).astype(dtype))
    else:
        vocab = np.array([0, top], dtype=dtype)
    present = rng.choice(vocab, 20_000)
    other = rng.integers(0, top, 20_000, dtype=dtype, endpoint=True)
    edges = np.array([0, 1, top - 1, top, vocab[0], vocab[-1]], dtype=dtype)
    values = np.concatenate([present, other, edges, vocab])
    monkeypatch.setattr(_arrays, "CHUNK_ENTRIES", 7000)  # several chunks, one table
    want = np.searchsorted(vocab, values)
    assert np.array_equal(_arrays.search_sorted(vocab, values), want)
    out = np.empty(len(values), dtype=np.int32)
    assert _arrays.search_sorted(vocab, values, out=out) is out and np.array_equal(out, want)


def test_search_sorted_other_inputs_go_to_numpy():
    assert _arrays.search_sorted(np.array([], np.uint32), np.array([5], np.uint32)).tolist() == [0]
    assert _arrays.search_sorted(np.array([1, 4], np.uint32), np.array([], np.uint32)).tolist() == []
    assert _arrays.search_sorted(np.array([-3, 4]), np.array([0, 9, -5])).tolist() == [1, 2, 0]
