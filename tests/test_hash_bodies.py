"""Hashing bodies in worker processes: same result as in one process, and the texts are not copied."""

import sys

import numpy as np

from dedup.features import PackedTexts, hash_bodies
from dedup.normalize import DEFAULT_CONFIG


def test_packed_texts_round_trip():
    texts = ["كتب الولد", None, "", "mixed English و عربي", "lone \ud800 surrogate", "\U0001f600 emoji"]
    assert PackedTexts.pack(texts).unpack() == [t or "" for t in texts]
    assert PackedTexts.pack([]).unpack() == []


def test_packing_does_not_grow_the_texts():
    # pickling a str caches its UTF-8 form inside it for its whole life;
    # packing must not, or sending the records' texts doubles their memory
    texts = ["نص عربي طويل " * 500 for _ in range(3)]
    before = [sys.getsizeof(t) for t in texts]
    PackedTexts.pack(texts)
    assert [sys.getsizeof(t) for t in texts] == before


def test_workers_give_what_one_process_gives():
    rng = np.random.default_rng(0)
    words = ["الرياض", "وزارة", "أعلنت", "اليوم", "عن", "مشروع", "جديد", "عبد", "العزيز", "٢٠١٥", "news"]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(0, 30)))) for _ in range(20_500)]
    texts[5] = None
    one_tb, one_keys = hash_bodies(texts, DEFAULT_CONFIG, 7, 5, workers=1)
    two_tb, two_keys = hash_bodies(texts, DEFAULT_CONFIG, 7, 5, workers=2)
    assert np.array_equal(one_tb.hashes, two_tb.hashes)
    assert np.array_equal(one_tb.offsets, two_tb.offsets)
    assert one_keys == two_keys
