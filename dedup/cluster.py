"""Clustering verified pairs without chaining.

Union-find (path compression, union by size) over verified pairs only gives
components. Inside a component, :func:`agglomerate` merges clusters strongest
pair first, and only when every pair across the two clusters is at least
compatible and enough of them verify outright. So a chain A~B~C~D of verified
pairs can never make A and D one cluster unless D is itself compatible with
all of what is already there: a hub that matches many templated items (the
same cable sent to ten countries) does not drag them into one cluster.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

__all__ = ["UnionFind", "components", "agglomerate"]


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path compression and union by size.

    Example:
        >>> uf = UnionFind(4); uf.union(0, 1); uf.union(2, 3); uf.union(1, 0)
        >>> uf.find(1) == uf.find(0), uf.find(0) == uf.find(2)
        (True, False)
    """

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int64)
        self.size = np.ones(n, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of size 2 or more, each sorted, in order of their smallest member.

    Example:
        >>> components(5, [(0, 1), (3, 4), (1, 0)])
        [[0, 1], [3, 4]]
    """
    uf = UnionFind(n)
    touched = set()
    for a, b in edges:
        uf.union(int(a), int(b))
        touched.add(int(a))
        touched.add(int(b))
    groups: dict[int, list[int]] = {}
    for x in sorted(touched):
        groups.setdefault(uf.find(x), []).append(x)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def agglomerate(members: Sequence[int], edges: Sequence[tuple[float, int, int]],
                verified: Callable[[Sequence[tuple[int, int]]], Sequence[bool]],
                max_check: int = 400, linkage: float = 0.0) -> list[list[int]]:
    """Merging of one component: complete linkage on compatibility, plus a share of verified pairs.

    Args:
        members: Document indices of the component.
        edges: ``(strength, a, b)`` verified pairs inside the component.
        verified: For a list of pairs, the level of each: 2 verified, 1
            compatible (similar, not verified), 0 neither (cached by the caller).
        linkage: Share of cross pairs that must verify for a merge; every
            other cross pair must at least be compatible.
        max_check: At most this many cross pairs are checked per merge (the
            first members of each side, in order), bounding the cost on huge
            templated components.

    Returns:
        Clusters (sorted lists), largest first then by smallest member; singletons omitted.

    Example:
        >>> ok = {(0, 1), (1, 2)}
        >>> agglomerate([0, 1, 2], [(2.0, 0, 1), (1.0, 1, 2)], lambda ps: [2 * (tuple(sorted(p)) in ok) for p in ps])
        [[0, 1]]
    """
    clusters: dict[int, list[int]] = {m: [m] for m in members}
    owner = {m: m for m in members}
    for _, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ca, cb = owner[a], owner[b]
        if ca == cb:
            continue
        left, right = clusters[ca], clusters[cb]
        per_side = max(1, int(max_check ** 0.5))
        cross = [(x, y) for x in left[:per_side] for y in right[:per_side]]
        ok = verified(cross)
        # levels: 2 = verified, 1 = compatible (weakly similar), 0 = not
        strong = sum(v >= 2 for v in ok) / len(cross)
        if min(ok) < 1 or strong < linkage:
            continue
        if len(left) < len(right):
            ca, cb, left, right = cb, ca, right, left
        left.extend(right)
        for y in right:
            owner[y] = ca
        del clusters[cb]
    out = [sorted(c) for c in clusters.values() if len(c) > 1]
    return sorted(out, key=lambda c: (-len(c), c[0]))
