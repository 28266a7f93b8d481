"""Tests for dedup.verify: exact intersections, and the dup / contained / none verdict."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import body, edited_copy, filler, record, sentence_blocks
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.features import pair_features, prepare
from dedup.shingle import ShingleBatch
from dedup.verify import CONTAINED, DUP, NONE, PairFeatures, VerifyConfig, classify, intersections

# --------------------------------------------------------------------------- intersections

sets = st.lists(st.sets(st.integers(0, 60), max_size=30), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(docs=sets, data=st.data())
def test_intersections_equal_python_sets(docs, data):
    batch = ShingleBatch.from_arrays([np.array(sorted(s), np.uint32) for s in docs])
    n = len(docs)
    k = data.draw(st.integers(0, 40))
    left = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)), np.int64)
    right = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)), np.int64)
    chunk = data.draw(st.integers(1, 50))
    workers = data.draw(st.sampled_from([1, 2, 3]))
    got = intersections(batch, left, right, chunk=chunk, workers=workers)
    assert got.tolist() == [len(docs[a] & docs[b]) for a, b in zip(left.tolist(), right.tolist())]


@pytest.mark.parametrize("seed", range(3))
def test_intersections_random_large_values(seed):
    rng = random.Random(seed)
    docs = [{rng.randrange(0, 1 << 32) for _ in range(rng.choice([0, 1, 50, 400]))} for _ in range(30)]
    pool = sorted(set().union(*docs))
    for d in docs[:10]:  # plant overlaps
        d.update(rng.sample(pool, min(20, len(pool))))
    batch = ShingleBatch.from_arrays([np.array(sorted(s), np.uint32) for s in docs])
    pairs = [(rng.randrange(30), rng.randrange(30)) for _ in range(300)]
    left = np.array([a for a, _ in pairs])
    right = np.array([b for _, b in pairs])
    for chunk in (7, 20_000):
        assert intersections(batch, left, right, chunk=chunk).tolist() == [len(docs[a] & docs[b]) for a, b in pairs]


# --------------------------------------------------------------------------- verdicts on real texts


@pytest.fixture(scope="module")
def texts():
    rng = random.Random(3)
    wire, other, short = sentence_blocks([8, 8, 6], rng)
    recs = [
        record("wire", body(wire), source="was"),
        record("copy", body(edited_copy(wire, "drop", rng)), source="okaz"),
        record("other", body(other), source="was"),
        record("short", body(short), source="was"),
        record("roundup", filler(rng, 100) + "\n" + body(short) + "\n" + filler(rng, 100), source="sabq"),
    ]
    # background documents so that document frequencies look like a corpus
    recs += [record(f"bg{i}", filler(rng, 80), source="bg") for i in range(20)]
    corpus = prepare(recs)
    index = {r.id: i for i, r in enumerate(recs)}
    return corpus, index


def verdict(texts, a, b, cfg=VerifyConfig()):
    corpus, index = texts
    f = pair_features(corpus, np.array([index[a]]), np.array([index[b]]))
    return int(classify(f, cfg)[0][0]), f


def test_near_copy_is_dup(texts):
    v, f = verdict(texts, "wire", "copy")
    assert v == DUP
    assert f.jaccard[0] > 0.7


def test_short_text_inside_long_one_is_contained(texts):
    v, f = verdict(texts, "short", "roundup")
    assert v == CONTAINED
    assert f.containment[0] > 0.9 and f.jaccard[0] < 0.5


def test_verdict_is_symmetric(texts):
    assert verdict(texts, "roundup", "short")[0] == CONTAINED
    assert verdict(texts, "copy", "wire")[0] == DUP


@pytest.mark.parametrize("a,b", [("wire", "other"), ("short", "other"), ("copy", "roundup"), ("wire", "bg3")])
def test_unrelated_is_none(texts, a, b):
    assert verdict(texts, a, b)[0] == NONE


def test_floor_min_jaccard_applies_to_real_pairs(texts):
    # the copy's Jaccard is high; a floor above it turns the verdict off
    v, f = verdict(texts, "wire", "copy", VerifyConfig(min_jaccard=0.99, min_containment=1.0))
    assert v == NONE


# --------------------------------------------------------------------------- verdicts on crafted signals


def features(jaccard, containment, cosine=0.9, rare=0.9, days=0.0, ratio=1.0) -> PairFeatures:
    arr = lambda x: np.array([x], dtype=np.float64)  # noqa: E731
    z = np.zeros(1, np.int64)
    return PairFeatures(z, z + 1, arr(jaccard), arr(containment), arr(cosine), arr(rare), arr(days), arr(ratio))


def test_min_jaccard_floor_blocks_dup_whatever_the_score():
    f = features(jaccard=0.10, containment=1.0, cosine=1.0, rare=1.0)
    v, sd, _ = classify(f)
    assert sd[0] > 0, "the copy score alone would say dup"
    assert v[0] != DUP
    assert classify(f, VerifyConfig(min_jaccard=0.05))[0][0] == DUP


def test_min_containment_floor_blocks_contained():
    f = features(jaccard=0.05, containment=0.35, cosine=1.0, rare=1.0, ratio=20.0)
    v, _, sc = classify(f)
    assert sc[0] > 0, "the containment score alone would say contained"
    assert v[0] == NONE
    assert classify(f, VerifyConfig(min_containment=0.3))[0][0] == CONTAINED


def test_contained_needs_a_much_longer_partner_when_both_scores_accept():
    similar_length = features(jaccard=0.8, containment=0.95, ratio=1.1)
    assert classify(similar_length)[0][0] == DUP
    much_longer = features(jaccard=0.3, containment=0.95, ratio=4.0)
    assert classify(much_longer)[0][0] == CONTAINED


def test_nothing_shared_is_none():
    assert classify(features(0.0, 0.0, cosine=0.2, rare=0.0))[0][0] == NONE


def test_missing_dates_and_rare_words_do_not_break_the_verdict():
    f = features(0.85, 0.95, rare=np.nan, days=np.nan)
    assert classify(f)[0][0] == DUP


def test_far_apart_in_time_weighs_against_a_copy():
    close = classify(features(0.3, 0.5, cosine=0.6, rare=0.3, days=0.0))[1][0]
    far = classify(features(0.3, 0.5, cosine=0.6, rare=0.3, days=30.0))[1][0]
    assert far < close


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dup_weights=(1.0,)),
        dict(contained_weights=(1.0,) * 7),
        dict(min_jaccard=1.5),
        dict(min_containment=-0.1),
        dict(rare_df=2.0),
        dict(contained_ratio=0.5),
        dict(max_days=0),
    ],
)
def test_config_validation(kwargs):
    with pytest.raises(ValueError):
        VerifyConfig(**kwargs)
