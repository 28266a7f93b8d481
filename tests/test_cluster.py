"""Tests for dedup.cluster: union-find, components, and agglomeration without chaining."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster import UnionFind, agglomerate, components


def levels(verified: set, compatible: set = frozenset()):
    """A ``verified`` callback: 2 for verified pairs, 1 for compatible ones, else 0; records every call."""
    calls = []

    def fn(pairs):
        calls.append(list(pairs))
        out = []
        for a, b in pairs:
            key = (min(a, b), max(a, b))
            out.append(2 if key in verified else 1 if key in compatible else 0)
        return out

    fn.calls = calls
    return fn


def pairset(*pairs):
    return {(min(a, b), max(a, b)) for a, b in pairs}


# --------------------------------------------------------------------------- UnionFind / components


@pytest.mark.parametrize("seed", range(5))
def test_union_find_matches_naive_partition(seed):
    rng = random.Random(seed)
    n = 60
    uf = UnionFind(n)
    naive = [{i} for i in range(n)]
    for _ in range(80):
        a, b = rng.randrange(n), rng.randrange(n)
        uf.union(a, b)
        sa = next(s for s in naive if a in s)
        sb = next(s for s in naive if b in s)
        if sa is not sb:
            sa |= sb
            naive.remove(sb)
    for a, b in itertools.combinations(range(n), 2):
        same = any(a in s and b in s for s in naive)
        assert (uf.find(a) == uf.find(b)) == same
    for s in naive:
        root = uf.find(next(iter(s)))
        assert int(uf.size[root]) == len(s)


def test_union_find_basics():
    uf = UnionFind(4)
    assert [uf.find(i) for i in range(4)] == [0, 1, 2, 3]
    uf.union(0, 1)
    uf.union(1, 0)  # no-op
    uf.union(2, 3)
    assert uf.find(0) == uf.find(1) != uf.find(2) == uf.find(3)
    uf.union(3, 0)
    assert len({uf.find(i) for i in range(4)}) == 1


@pytest.mark.parametrize(
    "n,edges,expected",
    [
        (5, [(0, 1), (3, 4), (1, 0)], [[0, 1], [3, 4]]),
        (6, [(5, 2), (2, 4), (0, 3)], [[0, 3], [2, 4, 5]]),
        (4, [], []),
        (4, [(2, 2)], []),  # a self pair is no component
        (7, [(6, 5), (4, 3), (3, 5), (1, 0)], [[0, 1], [3, 4, 5, 6]]),
    ],
)
def test_components(n, edges, expected):
    assert components(n, edges) == expected


# --------------------------------------------------------------------------- agglomerate


def test_hub_does_not_chain_two_unrelated_members():
    hub, a, b = 0, 1, 2
    fn = levels(pairset((hub, a), (hub, b)))  # A-B not verified
    out = agglomerate([hub, a, b], [(2.0, hub, a), (1.0, hub, b)], fn)
    assert out == [[hub, a]]
    assert [hub, a, b] not in out


def test_strongest_pair_merges_first():
    hub, a, b = 0, 1, 2
    fn = levels(pairset((hub, a), (hub, b)))
    assert agglomerate([hub, a, b], [(1.0, hub, a), (2.0, hub, b)], fn) == [[hub, b]]
    assert agglomerate([hub, a, b], [(2.0, hub, b), (1.0, hub, a)], fn) == [[hub, b]]


def test_templated_hub_with_many_spokes_keeps_spokes_apart():
    # one cable matches ten templated items; none of the items verify with each other
    hub, spokes = 0, list(range(1, 11))
    fn = levels(pairset(*[(hub, s) for s in spokes]))
    edges = [(1.0 + s / 100, hub, s) for s in spokes]
    out = agglomerate([hub] + spokes, edges, fn)
    assert out == [[hub, 10]]  # only the strongest spoke


def test_chain_is_not_a_cluster():
    # 0~1~2~3~4~5 verified only between neighbours
    chain = list(range(6))
    fn = levels(pairset(*zip(chain, chain[1:])))
    out = agglomerate(chain, [(1.0, a, b) for a, b in zip(chain, chain[1:])], fn)
    for cluster in out:
        for a, b in itertools.combinations(cluster, 2):
            assert b - a == 1, f"{a} and {b} clustered through a chain: {out}"


def test_clique_is_one_cluster():
    members = [3, 5, 8, 9]
    fn = levels(pairset(*itertools.combinations(members, 2)))
    edges = [(float(a + b), a, b) for a, b in itertools.combinations(members, 2)]
    assert agglomerate(members, edges, fn) == [members]


def test_compatible_cross_pairs_merge_at_the_linkage_share():
    hub, a, b = 0, 1, 2
    fn = levels(pairset((hub, a), (hub, b)), compatible=pairset((a, b)))
    edges = [(2.0, hub, a), (1.0, hub, b)]
    # half the cross pairs verify, the rest are compatible: enough at linkage 0.5, not at 0.75
    assert agglomerate([hub, a, b], edges, fn, linkage=0.5) == [[hub, a, b]]
    assert agglomerate([hub, a, b], edges, fn, linkage=0.75) == [[hub, a]]


def test_output_order_largest_first_then_smallest_member():
    fn = levels(pairset((7, 8), (1, 2), (2, 3), (1, 3), (4, 5)))
    edges = [(1.0, 7, 8), (1.0, 1, 2), (1.0, 2, 3), (1.0, 1, 3), (1.0, 4, 5)]
    assert agglomerate([1, 2, 3, 4, 5, 7, 8], edges, fn) == [[1, 2, 3], [4, 5], [7, 8]]


def test_deterministic_whatever_the_edge_order():
    rng = random.Random(0)
    members = list(range(12))
    verified = {p for p in itertools.combinations(members, 2) if rng.random() < 0.4}
    edges = [(float(rng.choice([1, 2, 3])), a, b) for a, b in sorted(verified)]
    ref = agglomerate(members, edges, levels(verified))
    for seed in range(5):
        shuffled = edges[:]
        random.Random(seed).shuffle(shuffled)
        assert agglomerate(members, shuffled, levels(verified)) == ref


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 14), data=st.data())
def test_clusters_are_disjoint_cliques_of_verified_pairs(n, data):
    all_pairs = list(itertools.combinations(range(n), 2))
    verified = set(data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=len(all_pairs))))
    strengths = data.draw(st.lists(st.floats(0.1, 10.0), min_size=len(verified), max_size=len(verified)))
    edges = [(s, a, b) for s, (a, b) in zip(strengths, sorted(verified))]
    out = agglomerate(list(range(n)), edges, levels(verified))
    seen = set()
    for cluster in out:
        assert len(cluster) >= 2 and cluster == sorted(cluster)
        assert not seen & set(cluster)
        seen |= set(cluster)
        for a, b in itertools.combinations(cluster, 2):
            assert (a, b) in verified, f"{a}-{b} in {cluster} but not verified"
    # an edge whose two ends are both left alone would have merged
    singles = set(range(n)) - seen
    for a, b in verified:
        assert not (a in singles and b in singles)
