"""Tests for dedup.engine: planted clusters come back exactly, with the right relation and canonical."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest
from conftest import (
    BOILERPLATE,
    EXTRA_SENTENCES,
    SENTENCES,
    T0,
    add_diacritics_only,
    body,
    build_planted,
    edited_copy,
    filler,
    record,
    sentence_blocks,
    spelling_variant,
)

import dedup.engine as engine_module
from dedup.engine import DedupConfig, Deduplicator, _union_origins, canonical_key
from dedup.lsh import LSHConfig
from dedup.normalize import tokens
from dedup.record import Record
from dedup.report import build_report, dumps
from dedup.shingle import ShingleConfig, shingle_batch


def clusters_by_id(d: Deduplicator) -> list[set[str]]:
    recs = d.records_
    return [{recs[c.canonical].id, *(recs[m.index].id for m in c.members)} for c in d.clusters_]


def canonical_of(d: Deduplicator, rid: str) -> str | None:
    recs = d.records_
    for c in d.clusters_:
        ids = {recs[c.canonical].id, *(recs[m.index].id for m in c.members)}
        if rid in ids:
            return recs[c.canonical].id
    return None


def relations(d: Deduplicator) -> dict[str, str]:
    recs = d.records_
    out = {}
    for c in d.clusters_:
        out[recs[c.canonical].id] = "canonical"
        for m in c.members:
            out[recs[m.index].id] = m.relation
    return out


def in_a_cluster(d: Deduplicator) -> set[str]:
    return {d.records_[i].id for i in np.flatnonzero(d.cluster_of_ >= 0)}


# --------------------------------------------------------------------------- the builder itself


def test_spelling_variants_change_the_text_but_not_the_tokens():
    for s in SENTENCES[:10]:
        v = spelling_variant(s)
        assert v != s
        assert tokens(v) == tokens(s)
    assert tokens(add_diacritics_only(SENTENCES[0])) == tokens(SENTENCES[0])


def test_stories_share_no_shingle():
    blocks = sentence_blocks([8, 8, 6, 8, 7, 6])
    batch = shingle_batch([tokens(body(b)) for b in blocks])
    docs = [set(batch.doc(i).tolist()) for i in range(len(blocks))]
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            assert not docs[i] & docs[j]


# --------------------------------------------------------------------------- planted clusters


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_planted_clusters_come_back_exactly(seed):
    p = build_planted(seed)
    d = Deduplicator().fit(p.records)
    got = sorted(sorted(c) for c in clusters_by_id(d))
    assert got == sorted(sorted(c) for c in p.clusters)
    assert relations(d) == p.relations
    assert {r.id for r in p.records} - in_a_cluster(d) == p.unique


def test_candidate_outcomes_kept_as_arrays_answer_like_a_fresh_verification(planted):
    # the fit keeps millions of candidate outcomes as arrays, not Python
    # verdicts; asking about a pair later must give what verifying it anew gives
    # copies with a growing share of their words replaced span verified,
    # compatible-only and dissimilar candidates
    rng = random.Random(4)
    records = list(planted.records)
    vocab = sorted({w for r in planted.records for w in r.text.split()})
    for r in planted.records[:6]:
        words = r.text.split()
        for share in (0.2, 0.35, 0.5, 0.65):
            edited = [rng.choice(vocab) if rng.random() < share else w for w in words]
            records.append(Record(id=f"{r.id}-e{share}", text=" ".join(edited), source="edits"))
    fitted = Deduplicator().fit(records)
    assert len(fitted.candidate_pairs_) > 0
    n = len(records)
    every = [(a, b) for a in range(n) for b in range(a + 1, n)]
    fresh = Deduplicator().fit(records)
    fresh._verdicts.clear()
    fresh._weak.clear()
    fresh._cand_keys = fresh._cand_keys[:0]
    fresh._cand_level = fresh._cand_level[:0]
    assert fitted._verified(every) == fresh._verified(every)
    assert set(fitted._verified(every)) == {0, 1, 2}
    for a, b in every:
        v, w = fitted._verdicts.get((a, b)), fresh._verdicts.get((a, b))
        assert (v is None) == (w is None) and (v is None or v[:2] == w[:2])


def test_component_pairs_verified_in_one_batch_cluster_as_one_by_one(planted, monkeypatch):
    # clustering verifies every pair of the small components up front, in one
    # batch; the clusters must be what asking pair by pair during merges gives
    rng = random.Random(5)
    records = list(planted.records)
    vocab = sorted({w for r in planted.records for w in r.text.split()})
    for r in planted.records[:8]:
        words = r.text.split()
        for share in (0.1, 0.25, 0.4):
            edited = [rng.choice(vocab) if rng.random() < share else w for w in words]
            records.append(Record(id=f"{r.id}-e{share}", text=" ".join(edited), source="edits"))
    calls = []
    real = engine_module.pair_features
    monkeypatch.setattr(engine_module, "pair_features", lambda *a, **k: calls.append(len(a[1])) or real(*a, **k))
    batched = Deduplicator().fit(records)
    batched_calls = len(calls)
    calls.clear()
    monkeypatch.setattr(engine_module, "BATCH_COMPONENT", 0)
    single = Deduplicator().fit(records)
    assert max(c.size for c in batched.clusters_) > 2
    assert batched.clusters_ == single.clusters_
    assert batched_calls < len(calls)


def test_relations(planted_fit):
    rel = relations(planted_fit)
    assert rel["A1"] == "exact"  # identical body modulo whitespace and diacritics
    assert rel["A2"] == "dup"  # retitled, a sentence dropped, spelling variants
    assert rel["B1"] == "dup"  # a sentence added
    assert rel["B2"] == "dup"
    assert rel["C1"] == "contained"  # the short wire item inside a roundup


def test_member_similarity_and_signals(planted_fit):
    d = planted_fit
    for c in d.clusters_:
        for m in c.members:
            assert 0.0 < m.similarity <= 1.0
            if m.relation == "exact":
                assert m.similarity == 1.0
            else:
                assert m.signals is not None and {"jaccard", "containment", "cosine"} <= set(m.signals)


def test_unrelated_and_short_records_stay_unique(planted, planted_fit):
    clustered = in_a_cluster(planted_fit)
    for rid in ["D0", "E0", "F0"] + [r.id for r in planted.records if r.id.startswith(("teaser", "oneline", "titleonly"))]:
        assert rid not in clustered


def test_cluster_of_is_consistent(planted_fit):
    d = planted_fit
    seen = {}
    for ci, c in enumerate(d.clusters_):
        for i in [c.canonical] + [m.index for m in c.members]:
            assert i not in seen, "a record in two clusters"
            seen[i] = ci
    assert {i: int(ci) for i, ci in enumerate(d.cluster_of_) if ci >= 0} == seen
    assert [c.size for c in d.clusters_] == sorted((c.size for c in d.clusters_), reverse=True)


def test_input_order_does_not_change_clusters_or_canonicals():
    p = build_planted(1)
    ref = Deduplicator().fit(p.records)
    ref_clusters = sorted(sorted(c) for c in clusters_by_id(ref))
    ref_canon = {rid: canonical_of(ref, rid) for rid in (r.id for r in p.records)}
    for seed in range(3):
        recs = p.records[:]
        random.Random(seed).shuffle(recs)
        d = Deduplicator().fit(recs)
        assert sorted(sorted(c) for c in clusters_by_id(d)) == ref_clusters
        assert {rid: canonical_of(d, rid) for rid in ref_canon} == ref_canon


# --------------------------------------------------------------------------- texts too short to compare

LONG_TITLE = "وزير الصحة يفتتح مستشفى جديدا للأطفال في مدينة تبوك بسعة ثلاثمئة سرير ووحدات متقدمة"


def test_short_texts_never_cluster():
    assert len(tokens(LONG_TITLE)) >= ShingleConfig().min_tokens
    rng = random.Random(0)
    story = sentence_blocks([8], rng)[0]
    recs = [record("story", body(story), source="was"), record("story-copy", body(story), source="okaz")]
    for k in range(25):
        src = f"site{k % 5}"
        t = T0 + timedelta(minutes=k)
        recs += [
            record(f"teaser{k}", "", title=LONG_TITLE, kind="teaser", source=src, published=t),
            record(f"teaser-text{k}", LONG_TITLE, title=LONG_TITLE, kind="teaser", source=src, published=t),
            record(f"oneline{k}", "عاجل: انقطاع الكهرباء عن أحياء في جدة", source=src, published=t),
            record(f"empty{k}", "", title="خبر", source=src, published=t),
            record(f"blank{k}", " \n ", title="خبر", source=src, published=t),
            # the reader put the title in text because the body was empty
            record(f"fallback{k}", LONG_TITLE, title=LONG_TITLE, source=src, published=t,
                   raw={"id": f"fallback{k}", "title": LONG_TITLE, "text": ""}, title_as_text=True),
            record(f"fallback-ws{k}", LONG_TITLE, title=LONG_TITLE, source=src, published=t,
                   raw={"id": f"fallback-ws{k}", "title": LONG_TITLE, "text": "  "}, title_as_text=True),
        ]
    d = Deduplicator().fit(recs)
    assert clusters_by_id(d) == [{"story", "story-copy"}]


def test_main_and_embedded_page_segments_do_cluster():
    # page segments (no raw) are compared on their text like articles
    rng = random.Random(4)
    story = sentence_blocks([8], rng)[0]
    recs = [
        Record(id="p1#0", text=body(story), kind="main", page="p1", published=T0),
        Record(id="p2#1", text=body(edited_copy(story, "drop", rng)), kind="embedded", page="p2", published=T0),
        Record(id="p2#2", text="", title="عنوان", kind="teaser", page="p2"),
    ]
    d = Deduplicator().fit(recs)
    assert clusters_by_id(d) == [{"p1#0", "p2#1"}]


# --------------------------------------------------------------------------- boilerplate


def boilerplate_corpus(position: str, n_other: int, seed: int = 1):
    rng = random.Random(seed)
    x, y, z = sentence_blocks([6, 6, 7], rng)

    def with_chrome(text):
        return text + "\n" + BOILERPLATE if position == "end" else BOILERPLATE + "\n" + text

    recs = [record("X", with_chrome(body(x)), source="ofoq"), record("Y", with_chrome(body(y)), source="ofoq")]
    recs += [record(f"ofoq{k}", with_chrome(filler(rng, rng.randrange(40, 120))), source="ofoq",
                    published=T0 + timedelta(hours=k)) for k in range(n_other)]
    recs += [record(f"w{k}", filler(rng, 80), source=f"other{k % 3}") for k in range(20)]
    # a real copy: the wire story Z, and the same story on the chrome-heavy site
    recs += [record("Z-wire", body(z), source="was"), record("Z-ofoq", with_chrome(body(z)), source="ofoq")]
    return recs, x, y


@pytest.mark.parametrize("position", ["end", "start"])
@pytest.mark.parametrize("n_other", [30, 60])
def test_shared_boilerplate_does_not_make_duplicates(position, n_other):
    recs, x, y = boilerplate_corpus(position, n_other)
    # the premise: the chrome is a large part of both texts
    raw = shingle_batch([tokens(recs[0].text), tokens(recs[1].text)])
    a, b = set(raw.doc(0).tolist()), set(raw.doc(1).tolist())
    assert len(a & b) / len(a | b) > 0.3
    d = Deduplicator().fit(recs)
    cl = clusters_by_id(d)
    assert not any({"X", "Y"} & c for c in cl), f"X or Y clustered: {cl}"
    assert cl == [{"Z-wire", "Z-ofoq"}], "only the real copy is a cluster"
    assert d.corpus_.boilerplate_shingles > 0


@pytest.mark.parametrize("n_copies", [5, 15, 30])
def test_widely_syndicated_story_is_one_cluster(n_copies):
    # a wire story rerun by dozens of outlets (the domain's common case) is text, not boilerplate
    rng = random.Random(0)
    story = sentence_blocks([8], rng)[0]
    recs = [record("wire", body(story), source="was")]
    recs += [record(f"copy{k:02d}", body(edited_copy(story, ("drop", "add")[k % 2], rng)), source=f"site{k}",
                    published=T0 + timedelta(minutes=10 * k)) for k in range(n_copies)]
    recs += [record(f"bg{k}", filler(rng, 80), source=f"bg{k % 4}") for k in range(200)]
    d = Deduplicator().fit(recs)
    assert clusters_by_id(d) == [{"wire"} | {f"copy{k:02d}" for k in range(n_copies)}]
    assert recs[d.clusters_[0].canonical].id == "wire"


def test_wire_item_inside_a_long_roundup_is_found_although_banding_cannot_see_it():
    # a 6-sentence wire item inside a roundup fifty times its length: Jaccard about 0.02
    rng = random.Random(0)
    wire = sentence_blocks([6], rng)[0]
    roundup = filler(rng, 2500) + "\n" + body(wire) + "\n" + filler(rng, 2500)
    recs = [record("wire", body(wire), source="was"),
            record("roundup", roundup, source="daily", published=T0 + timedelta(hours=3))]
    recs += [record(f"bg{k}", filler(rng, 80), source=f"bg{k % 4}") for k in range(100)]
    banding_only = Deduplicator(DedupConfig(lsh=LSHConfig(containment_sample=0))).fit(recs)
    assert clusters_by_id(banding_only) == []  # the premise: LSH alone misses it
    d = Deduplicator().fit(recs)
    assert clusters_by_id(d) == [{"wire", "roundup"}]
    assert relations(d)["roundup"] == "contained"
    assert d.containment_candidates_ >= 1
    member = d.clusters_[0].members[0]
    assert member.signals["jaccard"] < 0.03 and member.signals["containment"] > 0.9


# --------------------------------------------------------------------------- canonical policy


def three(texts, published, ids=("a", "b", "c"), sources=("s1", "s2", "s3")):
    return [record(i, t, published=p, source=s) for i, t, p, s in zip(ids, texts, published, sources)]


STORY = list(SENTENCES[:8])
LONGER = body(STORY[:4] + [EXTRA_SENTENCES[0]] + STORY[4:])
PLAIN = body(STORY)
SHORTER = body(STORY[:3] + STORY[4:])


@pytest.mark.parametrize(
    "recs,expected",
    [
        # earliest published wins, even over a longer text with a lower id
        (three([LONGER, PLAIN, PLAIN], [T0 + timedelta(hours=1), T0, T0 + timedelta(hours=2)]), "b"),
        (three([PLAIN, PLAIN, PLAIN], [T0 + timedelta(hours=3), T0 + timedelta(hours=2), T0 + timedelta(hours=1)]), "c"),
        # same time: the longest text wins, even over a lower id
        (three([SHORTER, PLAIN, LONGER], [T0, T0, T0]), "c"),
        # same time and length: the lowest id
        (three([PLAIN, PLAIN, PLAIN], [T0, T0, T0], ids=("m", "b", "x")), "b"),
        # an unknown date comes last
        (three([LONGER, PLAIN, PLAIN], [None, T0 + timedelta(hours=9), None]), "b"),
    ],
    ids=["earliest", "earliest-2", "longest", "lowest-id", "undated-last"],
)
def test_canonical_policy(recs, expected):
    d = Deduplicator().fit(recs)
    assert len(d.clusters_) == 1 and d.clusters_[0].size == 3
    assert recs[d.clusters_[0].canonical].id == expected


def test_prefer_sources_makes_the_wire_copy_canonical():
    recs = [
        record("okaz-1", LONGER, source="okaz", published=T0),
        record("was-1", SHORTER, source="was", published=T0 + timedelta(hours=5)),
        record("sabq-1", PLAIN, source="sabq", published=T0 + timedelta(hours=1)),
    ]
    assert recs[Deduplicator().fit(recs).clusters_[0].canonical].id == "okaz-1"
    d = Deduplicator(DedupConfig(prefer_sources=("was",))).fit(recs)
    assert recs[d.clusters_[0].canonical].id == "was-1"
    assert {recs[m.index].id for m in d.clusters_[0].members} == {"okaz-1", "sabq-1"}
    # list order is preference order
    d = Deduplicator(DedupConfig(prefer_sources=("sabq", "was"))).fit(recs)
    assert recs[d.clusters_[0].canonical].id == "sabq-1"
    # a preferred source absent from the cluster changes nothing
    d = Deduplicator(DedupConfig(prefer_sources=("spa",))).fit(recs)
    assert recs[d.clusters_[0].canonical].id == "okaz-1"


def test_canonical_key_orders_as_documented():
    a = Record(id="b", text="x" * 10, published=T0)
    b = Record(id="a", text="x" * 10, published=T0)
    c = Record(id="0", text="x" * 20, published=T0)
    late = Record(id="0", text="x" * 99, published=T0 + timedelta(days=1))
    undated = Record(id="0", text="x" * 99)
    assert sorted([a, b, c, late, undated], key=canonical_key) == [c, b, a, late, undated]
    wire = Record(id="z", text="x", source="was", published=T0 + timedelta(days=9))
    assert sorted([a, wire], key=lambda r: canonical_key(r, ("was",)))[0] is wire


@pytest.mark.parametrize("bad", ["was", ("was", 1), (None,)])
def test_prefer_sources_must_be_names(bad):
    with pytest.raises(ValueError, match="prefer_sources"):
        DedupConfig(prefer_sources=bad)


# --------------------------------------------------------------------------- determinism and errors


def test_report_json_is_byte_identical_across_runs(planted):
    one = dumps(build_report(None, Deduplicator().fit(planted.records)))
    two = dumps(build_report(None, Deduplicator().fit(list(planted.records))))
    assert one == two
    assert one.encode("utf-8") == two.encode("utf-8")


def test_duplicate_record_ids_raise():
    recs = [record("same", body(STORY)), record("other", SHORTER), record("same", PLAIN)]
    with pytest.raises(ValueError, match="same"):
        Deduplicator().fit(recs)


def test_config_must_be_a_dedup_config():
    with pytest.raises(ValueError, match="DedupConfig"):
        Deduplicator(config={"lsh": {}}).fit([record("a", PLAIN)])


def test_fit_returns_self_and_init_only_stores():
    cfg = DedupConfig(prefer_sources=("was",))
    d = Deduplicator(cfg)
    assert d.config is cfg and not hasattr(d, "clusters_")
    assert d.fit([record("a", PLAIN)]) is d
    assert d.clusters_ == [] and d.cluster_of_.tolist() == [-1]


def test_empty_input():
    d = Deduplicator().fit([])
    assert d.clusters_ == [] and len(d.cluster_of_) == 0


@pytest.mark.parametrize("seed", range(4))
def test_union_origins_mark_every_proposer_of_each_pair(seed):
    rng = np.random.default_rng(seed)
    n = 30
    proposed = {}
    for bit in (1, 2, 4):
        a = rng.integers(0, n - 1, size=int(rng.integers(0, 40)))
        b = a + rng.integers(1, n - a)
        p = np.unique(np.stack([a, b], axis=1), axis=0).reshape(-1, 2)
        proposed[bit] = p
    pairs, origin = _union_origins(proposed, n)
    expect = {}
    for bit, p in proposed.items():
        for a, b in p.tolist():
            expect[(a, b)] = expect.get((a, b), 0) | bit
    assert [tuple(p) for p in pairs.tolist()] == sorted(expect)
    assert origin.tolist() == [expect[k] for k in sorted(expect)]
