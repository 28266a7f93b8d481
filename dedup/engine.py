"""The near-duplicate engine: records in, verified clusters with canonicals out.

Pipeline (one stage a module)::

    normalize -> shingle -> boilerplate discount -> exact fast path
      -> MinHash (batch, numpy) -> LSH candidates -> verify -> cluster -> canonical

:class:`Deduplicator` follows scikit-learn: ``__init__`` stores the
configuration; :meth:`Deduplicator.fit` validates, learns and sets the
attributes ending in ``_``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from itertools import combinations
from typing import Sequence

import numpy as np

from ._arrays import sorted_unique
from .cluster import agglomerate, components
from .features import BoilerplateConfig, pair_features, prepare
from .lsh import LSHConfig, candidate_pairs, containment_pairs
from .minhash import MinHashConfig, signatures
from .normalize import NormalizeConfig
from .progress import track
from .record import Record
from .shingle import ShingleBatch, ShingleConfig
from .verify import DUP, NONE, VerifyConfig, classify

__all__ = ["ClusterConfig", "DedupConfig", "Member", "Cluster", "Deduplicator", "canonical_key",
           "ORIGIN_BANDING", "ORIGIN_CONTAINMENT", "ORIGIN_NEIGHBOURS"]

_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)

#: Bits of ``Deduplicator.candidate_origin_``: which stage proposed a pair.
ORIGIN_BANDING, ORIGIN_CONTAINMENT, ORIGIN_NEIGHBOURS = 1, 2, 4


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How verified pairs become clusters (see :mod:`dedup.cluster`).

    Two clusters merge, strongest verified pair first, only when every pair
    across them is at least *compatible* (complete linkage on a weaker
    relation) and at least ``linkage`` of those pairs verify outright. The
    default asks only for compatibility: on the dev pairs that keeps
    precision (0.952) and recovers copies that verify against one member of a
    big syndication cluster but sit just under the bar against the others
    (dup F1 0.946 vs 0.942 with a strict majority).

    Attributes:
        linkage: Share of the pairs across two clusters that must verify
            before they merge (the pair that triggers the merge always does).
        compatible_score: Every pair across them must at least score above
            this (copy or containment score) and share text
            (``VerifyConfig.min_jaccard``): weakly similar, not contradicting.
    """

    linkage: float = 0.0
    compatible_score: float = -0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.linkage <= 1.0:
            raise ValueError(f"ClusterConfig.linkage must be in [0, 1], got {self.linkage}")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """All settings of the engine, nested; defaults are the tuned values.

    Attributes:
        normalize: Arabic normalization rules.
        shingle: Word n-gram shingling.
        minhash: Signature size and seed.
        lsh: Banding threshold and overrides.
        boilerplate: What counts as repeated boilerplate.
        verify: The verdict on candidate pairs.
        cluster: Linkage of the clustering.
        prefer_sources: Sources whose articles are canonical first, in order
            (the wire first is what an editor wants), e.g. ``("was",)``.
    """

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    prefer_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.prefer_sources, str) or not all(isinstance(s, str) for s in self.prefer_sources):
            raise ValueError("DedupConfig.prefer_sources must be a tuple of source names, e.g. ('was',)")

    def to_dict(self) -> dict:
        """Settings as a JSON-ready dict (what the report shows)."""
        d = asdict(self)
        b, r = self.lsh.params(self.minhash.num_perm)
        d["lsh"]["bands_used"] = b
        d["lsh"]["rows_used"] = r
        d["prefer_sources"] = list(self.prefer_sources)
        for k in ("chunk_values", "workers"):
            d["minhash"].pop(k, None)
        return d


@dataclass(frozen=True, slots=True)
class Member:
    """One non-canonical member of a cluster and its relation to the canonical."""

    index: int
    relation: str  # exact | dup | contained
    similarity: float
    signals: dict | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """A canonical article and the copies of it."""

    canonical: int
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return 1 + len(self.members)


def canonical_key(rec: Record, prefer_sources: Sequence[str] = ()) -> tuple:
    """Sort key of the canonical policy: the smallest key is canonical.

    Policy: a source listed in ``prefer_sources`` first (in list order); then
    the earliest ``published`` (unknown dates last); then the most complete
    text (longest); then the lowest id.

    Example:
        >>> a = Record(id="b", text="x" * 10); b = Record(id="a", text="x" * 10)
        >>> sorted([a, b], key=canonical_key)[0].id
        'a'
    """
    rank = prefer_sources.index(rec.source) if rec.source in prefer_sources else len(prefer_sources)
    return (rank, rec.published or _FAR_FUTURE, -len(rec.text), rec.id)


class Deduplicator:
    """Find exact and near-duplicate articles, cluster them, pick canonicals.

    Args:
        config: A :class:`DedupConfig`.
        progress: Show progress bars (on a terminal).

    Attributes (after :meth:`fit`):
        corpus_: The :class:`~dedup.features.Corpus` arrays.
        clusters_: Clusters of two or more, largest first.
        cluster_of_: For every record, the index of its cluster in
            ``clusters_`` or -1.
        candidates_: LSH banding statistics.
        candidate_pairs_: Every candidate pair ``(i, j)``, ``i < j``, as an ``(m, 2)`` array.
        candidate_origin_: For each candidate pair, the bits of the stages that
            proposed it (:data:`ORIGIN_BANDING`, :data:`ORIGIN_CONTAINMENT`,
            :data:`ORIGIN_NEIGHBOURS`).
        containment_candidates_: Pairs only :func:`~dedup.lsh.containment_pairs` proposed.
        neighbour_candidates_: Pairs only the TF-IDF neighbours proposed.
        containment_skipped_: Sampled shingles too common to propose pairs.
        verified_: Number of candidate pairs that verified as ``dup`` or ``contained``.
        exact_groups_: Number of groups of exact copies.

    Example:
        >>> recs = [Record(id=str(i), text="خبر عن افتتاح معرض الكتاب الدولي في الرياض اليوم بحضور كبير") for i in range(2)]
        >>> d = Deduplicator().fit(recs)
        >>> [(m.index, m.relation) for m in d.clusters_[0].members]
        [(1, 'exact')]
    """

    def __init__(self, config: DedupConfig | None = None, progress: bool = False):
        self.config = config
        self.progress = progress

    # -- stages -----------------------------------------------------------
    def fit(self, records: Sequence[Record]) -> "Deduplicator":
        cfg = self.config or DedupConfig()
        if not isinstance(cfg, DedupConfig):
            raise ValueError("Deduplicator(config=...) takes a DedupConfig; did you pass a dict?")
        records = list(records)
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            dupes = sorted(k for k, v in Counter(ids).items() if v > 1)[:5]
            raise ValueError(f"record ids must be unique; repeated: {dupes}. The reader reports and skips repeats.")
        self.config_ = cfg
        self.records_ = records
        n = len(records)
        steps = iter(track(range(5), desc="dedup", total=5, enabled=self.progress, unit="stage"))
        next(steps, None)
        corpus = prepare(records, shingle_cfg=cfg.shingle, boilerplate_cfg=cfg.boilerplate,
                         norm_cfg=cfg.normalize, rare_df=cfg.verify.rare_df, workers=cfg.minhash.workers)
        self.corpus_ = corpus
        next(steps, None)

        # exact fast path: identical normalized bodies
        groups: dict[bytes, list[int]] = {}
        for i, k in enumerate(corpus.exact_keys):
            if k:
                groups.setdefault(k, []).append(i)
        exact_groups = [g for g in groups.values() if len(g) > 1]
        self.exact_groups_ = len(exact_groups)
        rep = np.arange(n)
        for g in exact_groups:
            rep[g] = g[0]
        is_rep = rep == np.arange(n)

        # MinHash + LSH over representatives with shingles
        active = is_rep & (corpus.shingles.sizes > 0)
        act_idx = np.flatnonzero(active)
        sub = _take(corpus.shingles, act_idx)
        sig = signatures(sub, cfg.minhash)
        b, r = cfg.lsh.params(cfg.minhash.num_perm)
        pairs, stats = candidate_pairs(sig, np.ones(len(act_idx), bool), b, r, cfg.lsh.max_bucket)
        pairs = act_idx[pairs] if len(pairs) else pairs.reshape(-1, 2)
        proposed = {ORIGIN_BANDING: pairs}
        self.containment_skipped_ = 0
        if cfg.lsh.containment_sample:
            # a wire item inside a longer roundup: low Jaccard, high containment
            proposed[ORIGIN_CONTAINMENT], self.containment_skipped_ = containment_pairs(
                corpus.shingles.values, corpus.shingles.offsets, active, sample=cfg.lsh.containment_sample,
                min_containment=cfg.lsh.containment_min, min_shared=cfg.lsh.containment_min_shared,
                max_postings=cfg.lsh.containment_max_postings)
        if cfg.lsh.neighbours:
            # a short wire item inside a long roundup shares few of the roundup's
            # shingles (Jaccard 0.05-0.15): LSH on Jaccard cannot see it, its
            # words can. Add each article's nearest TF-IDF neighbours.
            from .related import neighbour_pairs

            proposed[ORIGIN_NEIGHBOURS], _ = neighbour_pairs(
                corpus.tfidf, corpus.published, k=cfg.lsh.neighbours, min_cosine=cfg.lsh.neighbour_cosine,
                window_days=3.0, active=active, workers=cfg.minhash.workers)
        pairs, origin = _union_origins(proposed, n)
        self.candidate_pairs_, self.candidate_origin_ = pairs, origin
        # pairs only the second or third proposer found
        self.containment_candidates_ = int((origin == ORIGIN_CONTAINMENT).sum())
        self.neighbour_candidates_ = int((origin == ORIGIN_NEIGHBOURS).sum())
        self.candidates_ = stats
        next(steps, None)

        # verify every candidate on the real sets. Millions of candidates keep
        # their outcome as arrays (sorted keys, a level each); only verified
        # pairs and pairs asked later get a Python verdict in _verdicts
        self._verdicts: dict[tuple[int, int], tuple | None] = {}
        self._weak: dict[tuple[int, int], bool] = {}
        self._n = n
        self._cand_keys = pairs[:, 0] * n + pairs[:, 1]  # sorted: _union_origins sorts by key
        self._cand_level = np.zeros(len(pairs), dtype=np.int8)
        edges: list[tuple[float, int, int]] = []
        if len(pairs):
            feats = pair_features(corpus, pairs[:, 0], pairs[:, 1], workers=cfg.minhash.workers)
            verdict, sd, sc, weak = self._classified(feats)
            self._cand_level[:] = np.where(verdict != NONE, 2, weak)
            for j in np.flatnonzero(verdict != NONE).tolist():
                a, b_ = int(pairs[j, 0]), int(pairs[j, 1])
                v = self._row(feats, j, int(verdict[j]), sd, sc)
                self._verdicts[(a, b_)] = v
                edges.append((v[3], a, b_))
            del feats, verdict, sd, sc, weak
        self.verified_ = len(edges)
        for g in exact_groups:
            for x in g[1:]:
                self._verdicts[(g[0], x)] = ("exact", 1.0, None, math.inf)
                edges.append((math.inf, g[0], x))
        next(steps, None)

        # cluster without chaining: average linkage over directly verified pairs
        keys = [canonical_key(rec, cfg.prefer_sources) for rec in records]
        by_comp: dict[int, list[tuple[float, int, int]]] = {}
        comps = components(n, [(a, b_) for _, a, b_ in edges])
        comp_of = {}
        for ci, comp in enumerate(comps):
            for x in comp:
                comp_of[x] = ci
        for e in edges:
            by_comp.setdefault(comp_of[e[1]], []).append(e)
        # Merging asks for pairs inside each component that were not candidates;
        # one batch for every pair of the small components (most of them)
        # instead of a pair_features call per merge (98 s of a 1M-article fit).
        self._verified([p for comp in comps if len(comp) <= BATCH_COMPONENT for p in combinations(comp, 2)],
                       workers=cfg.minhash.workers)
        clusters: list[Cluster] = []
        for ci, comp in enumerate(comps):
            for group in agglomerate(comp, by_comp.get(ci, []), self._verified, linkage=cfg.cluster.linkage):
                canon = min(group, key=lambda i: keys[i])
                rest = sorted((i for i in group if i != canon), key=lambda i: keys[i])
                self._verified([(canon, i) for i in rest])  # fill the cache in one batch
                members = []
                for i in rest:
                    v = self._verdicts.get(_pair(canon, i))
                    if v is None:
                        # verified only through other members: report the strongest of those links
                        partners = [j for j in group if j != i]
                        self._verified([(j, i) for j in partners])
                        links = [(self._verdicts.get(_pair(j, i)), j) for j in partners]
                        best = max(((w, j) for w, j in links if w is not None), key=lambda t: t[0][3])
                        w, j = best
                        signals = {**(w[2] or {}), "verified_via": records[j].id}
                        members.append(Member(i, w[0], w[1], signals))
                    else:
                        members.append(Member(i, v[0], v[1], v[2]))
                clusters.append(Cluster(canon, tuple(members)))
        clusters.sort(key=lambda c: (-c.size, keys[c.canonical]))
        self.clusters_ = clusters
        cluster_of = np.full(n, -1, dtype=np.int64)
        for ci, c in enumerate(clusters):
            cluster_of[c.canonical] = ci
            for m in c.members:
                cluster_of[m.index] = ci
        self.cluster_of_ = cluster_of
        next(steps, None)
        return self

    def _classified(self, f) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Verdict codes, the two scores, and whether each pair is at least compatible."""
        verdict, sd, sc = classify(f, self.config_.verify)
        weak = (np.maximum(sd, sc) > self.config_.cluster.compatible_score) & (f.jaccard >= self.config_.verify.min_jaccard)
        return verdict, sd, sc, weak

    @staticmethod
    def _row(f, j: int, v: int, sd: np.ndarray, sc: np.ndarray) -> tuple:
        """``(relation, similarity, signals, strength)`` of the verified pair ``j``."""
        signals = {**f.row(j), "dup_score": round(float(sd[j]), 3), "contained_score": round(float(sc[j]), 3)}
        if v == DUP:
            return ("dup", round(float(f.jaccard[j]), 4), signals, float(sd[j]))
        return ("contained", round(float(f.containment[j]), 4), signals, float(sc[j]))

    def _candidate_levels(self, keys: Sequence[tuple[int, int]]) -> list[int]:
        """For pairs ``i < j``: the level of a candidate (2 verified, 1 compatible, 0 neither), -1 for others."""
        if not len(self._cand_keys) or not keys:
            return [-1] * len(keys)
        k = np.fromiter((a * self._n + b for a, b in keys), dtype=np.int64, count=len(keys))
        pos = np.minimum(np.searchsorted(self._cand_keys, k), len(self._cand_keys) - 1)
        return np.where(self._cand_keys[pos] == k, self._cand_level[pos], -1).tolist()

    def _verified(self, pairs: Sequence[tuple[int, int]], workers: int = 1) -> list[int]:
        """How well each pair verifies (2 verified, 1 compatible, 0 neither), computing
        (in one batch) what neither the candidates nor the cache hold."""
        corpus = self.corpus_
        keys = [_pair(a, b) for a, b in pairs]
        # most pairs asked are cached verdicts: look only the others up in the arrays
        miss = [k for k in keys if k not in self._verdicts]
        level_of = dict(zip(miss, self._candidate_levels(miss))) if miss else {}
        todo = []
        for key in miss:
            if level_of[key] >= 0 or key in self._verdicts:
                continue
            ka = corpus.exact_keys[key[0]]
            if ka and ka == corpus.exact_keys[key[1]]:
                self._verdicts[key] = ("exact", 1.0, None, math.inf)
            else:
                todo.append(key)
        todo = sorted(set(todo))
        if todo:
            arr = np.array(todo, dtype=np.int64)
            f = pair_features(corpus, arr[:, 0], arr[:, 1], workers=workers)
            verdict, sd, sc, weak = self._classified(f)
            for j, key in enumerate(todo):
                self._weak[key] = bool(weak[j])
                self._verdicts[key] = None if verdict[j] == NONE else self._row(f, j, int(verdict[j]), sd, sc)
        out = []
        for key in keys:
            if key in self._verdicts:  # verified candidates, exact pairs, pairs computed here
                out.append(2 if self._verdicts[key] is not None else (1 if self._weak.get(key, False) else 0))
            else:
                out.append(level_of[key])
        return out


#: Components up to this size have all their pairs verified in one batch before merging.
BATCH_COMPONENT = 40


def _union_origins(proposed: dict[int, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique union of ``(m, 2)`` pair arrays (``i < j`` over ``n``
    documents), with each pair's origin bits (the keys of ``proposed``)."""
    keys = {bit: p[:, 0].astype(np.int64) * n + p[:, 1] for bit, p in proposed.items() if len(p)}
    if not keys:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.uint8)
    key = sorted_unique(np.concatenate(list(keys.values())))
    origin = np.zeros(len(key), dtype=np.uint8)
    for bit, k in keys.items():
        # every k is in key: its positions there (np.isin took 45 s of a 1M-article fit)
        origin[np.searchsorted(key, k)] |= np.uint8(bit)
    return np.stack([key // n, key % n], axis=1), origin


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _take(batch: ShingleBatch, idx: np.ndarray) -> ShingleBatch:
    """Sub-batch of the documents ``idx`` (in that order)."""
    return ShingleBatch.from_arrays([batch.doc(int(i)) for i in idx])
