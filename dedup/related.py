"""Related articles, story clusters and teaser links.

Duplicates answer "is this the same text?"; this module answers "is this the
same story?" and "which article does this teaser headline announce?".

* :func:`tfidf_matrix`: TF-IDF (scikit-learn ``TfidfTransformer``) over the
  normalized words of title + body, built from the corpus token hashes.
* :func:`neighbour_pairs`: each article's nearest neighbours by cosine, by
  chunked sparse products (never an all-pairs dense matrix), restricted to a
  time window around ``published`` when both dates are known.
* :class:`RelatedFinder`: verifies neighbour pairs as ``related`` (shared
  rare words — names, places, numbers — and enough cosine; templated items
  that only share wording are rejected), groups duplicate clusters and related
  articles into stories without chaining, and resolves teasers.
* Teaser links: a teaser (or headline-only record) links to the article whose
  title (or lead sentence) it reproduces: every content word of the headline
  must be found, spelling variants absorbed by character n-grams, so a
  headline naming another official or another place is not linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.sparse as sp

from ._arrays import doc_ranges, map_bounds, row_dots, row_products, sorted_unique
from .cluster import agglomerate, components
from .engine import BATCH_COMPONENT, Deduplicator, canonical_key
from .features import pair_features, tfidf_from_batches
from .headline import (
    content_words,
    headline_features,
    headline_match,
    headline_prefix,
    probability,
)
from .normalize import tokens as norm_tokens
from .progress import track
from .shingle import TokenBatch, TokenHasher, token_batch
from .textarrays import hash_texts

__all__ = ["RelatedConfig", "RelatedFinder", "headline_match", "neighbour_pairs", "tfidf_matrix"]


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    """Settings of the related-article stage. Defaults are the tuned values.

    A neighbour pair is related when its cosine reaches a bar that rises with
    the time between the two: ``related_cosine + cosine_per_day * days``
    (same-day reports of one event share less wording than a story and its
    follow-up two days later must). The two numbers were fitted on labelled
    pairs (logistic model on cosine and days, cross-validated) and rounded.

    Attributes:
        k: Nearest neighbours kept per article.
        min_cosine: Lowest TF-IDF cosine considered at all.
        related_cosine: Cosine bar for two articles published together (or undated).
        cosine_per_day: How much the bar rises per day between them.
        template_rare: Below this rare-word agreement, a pair published
            ``template_days`` or more apart is a template (another day's
            weather, another country's cable), never related.
        template_days: See ``template_rare``.
        window_days: Only pairs published within this many days (when both
            dates are known); ``0`` turns the window off.
        max_df: Words in more than this share of documents are ignored in the
            neighbour search (they link everything to everything).
        story_linkage: Share of cross pairs that must be related for two
            groups to merge into one story.
        teaser_min_score: Lowest headline match score for a teaser link. At
            1.0 every content word of the headline must be found (spelling
            variants absorbed): on the ANS stance pairs, headline similarity
            alone separates paraphrases from contradictions poorly (AUC 0.65),
            and one swapped word (another country, a number, "denies" for
            "announces") is exactly what a 0.9 bar lets through.
        headline_story: Two unresolved headline-only records (teasers whose
            article is not in the corpus) are one story when
            :func:`~dedup.headline.same_story_probability` reaches this...
        headline_overlap: ...and each headline has at least this share of
            its content words in the other (the model was fitted on pairs
            about one topic; this keeps it to pairs that share one).
        min_headline_words: A headline with fewer content words than this
            (a section label: ``كاريكاتير``, ``صور اقتصادية``) names no story:
            it links only to a matching article on its own page, and forms no
            headline story with other headlines.
    """

    k: int = 30
    min_cosine: float = 0.15
    related_cosine: float = 0.15
    cosine_per_day: float = 0.29
    template_rare: float = 0.15
    template_days: float = 1.0
    window_days: float = 3.0
    max_df: float = 0.2
    story_linkage: float = 0.5
    teaser_min_score: float = 1.0
    headline_story: float = 0.5
    headline_overlap: float = 0.5
    min_headline_words: int = 3

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("RelatedConfig.k must be at least 1")
        for name in ("min_cosine", "related_cosine", "cosine_per_day", "template_rare", "max_df",
                     "story_linkage", "teaser_min_score", "headline_story", "headline_overlap"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"RelatedConfig.{name} must be between 0 and 1, got {v}")
        if self.min_headline_words < 1:
            raise ValueError("RelatedConfig.min_headline_words must be at least 1")
        if self.window_days < 0 or self.template_days < 0:
            raise ValueError("RelatedConfig.window_days and template_days must be >= 0 (0 turns the window off)")


def tfidf_matrix(token_lists: Sequence[Sequence[str]], max_df: float = 1.0, hasher: TokenHasher | None = None) -> sp.csr_matrix:
    """L2-normalized TF-IDF rows (sublinear tf) over hashed words.

    Built with numpy from token hashes and scikit-learn's ``TfidfTransformer``
    (so no vocabulary dict of Python strings); words in more than ``max_df`` of
    the documents are dropped.

    Example:
        >>> m = tfidf_matrix([["a", "b"], ["a", "c"], ["d"]])
        >>> m.shape[0], round(float((m[0] @ m[1].T).toarray()[0, 0]), 2)
        (3, 0.37)
    """
    tb = token_batch(token_lists, hasher or TokenHasher())
    return tfidf_from_batches([tb], len(tb), max_df)


def prune_rows(x: sp.csr_matrix, top: int) -> sp.csr_matrix:
    """Keep the ``top`` heaviest entries of every row (for the neighbour search only).

    Row by row, so done on chunks of rows: the sort keys of a whole corpus's
    entries would be several arrays as long as the matrix.

    Example:
        >>> prune_rows(sp.csr_matrix(np.array([[0.1, 0.5, 0.3]])), 2).toarray().tolist()
        [[0.0, 0.5, 0.3]]
    """
    x = x.tocsr()
    ranges = doc_ranges(x.indptr)
    if len(ranges) > 1:
        return sp.vstack([prune_rows(x[r0:r1], top) for r0, r1 in ranges], format="csr")
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    # one float key sorts by row, then weight descending (weights are in (0, 1]);
    # three times faster than a three-key lexsort on 16M entries
    order = np.argsort(rows.astype(np.float64) * 4.0 - x.data, kind="stable")
    first = x.indptr[rows[order]]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    keep = rank < top
    out = sp.csr_matrix((x.data[keep], x.indices[keep], np.concatenate(([0], np.cumsum(np.bincount(rows[keep], minlength=x.shape[0]))))),
                        shape=x.shape)
    return out


def neighbour_pairs(x: sp.csr_matrix, published: np.ndarray, *, k: int = 10, min_cosine: float = 0.15,
                    window_days: float = 3.0, active: np.ndarray | None = None, chunk: int = 2000,
                    prune: int = 40, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` cosine neighbours of every active row, as unique pairs ``i < j``.

    Chunked sparse products ``X[chunk] @ X.T``: memory is bounded by the chunk,
    never an all-pairs dense matrix. The search runs on rows pruned to their
    ``prune`` heaviest words (a short text keeps all of its words); the
    cosine of every pair found is then computed on the full rows. Pairs further
    apart in time than ``window_days`` (when both are dated) are dropped before
    ranking; the chunks are rows in time order, each multiplied only by the
    columns its window can reach (and the undated ones), so the work grows
    with the articles of a window, not with the whole corpus.

    Returns:
        ``(pairs, cosines)``: ``(m, 2)`` int64 array sorted, and their cosines.

    Example:
        >>> m = tfidf_matrix([["a", "b"], ["a", "b"], ["c"]])
        >>> neighbour_pairs(m, np.array([np.nan] * 3))[0].tolist()
        [[0, 1]]
    """
    n = x.shape[0]
    if active is None:
        active = np.ones(n, dtype=bool)
    idx = np.flatnonzero(active & (np.diff(x.indptr) > 0))
    if len(idx) < 2:
        return np.empty((0, 2), np.int64), np.empty(0)
    m = len(idx)
    pub = published[idx]
    # Rows in time order (undated last): a block of rows then only needs the
    # columns dated within the window of its first and last row, plus the
    # undated ones. A year of news with a 3-day window is about 2% of the
    # columns of the all-pairs product. Every row still meets every column the
    # window lets through, and a sparse product sums each cosine over the
    # row's words in its own order, so the cosines are bit for bit those of
    # the product against all columns.
    order = np.argsort(pub, kind="stable") if window_days > 0 else np.arange(m)
    dated = int(np.count_nonzero(~np.isnan(pub))) if window_days > 0 else 0
    sorted_pub = pub[order]
    # pruning is row by row, so prune first and take the rows after: no copy of the full matrix
    xs = (prune_rows(x, prune) if prune else x)[idx[order]]
    # one second of slack: the exact test below decides at the boundary
    reach = window_days * 86400.0 + 1.0

    # the column ranges every block meets, transposed once (a window's columns
    # are transposed per block: a few days of articles)
    all_t = xs.T.tocsr() if dated < m else None
    undated_t = xs[dated:m].T.tocsr() if 0 < dated < m else None

    def column_ranges(s: int, e: int) -> list[tuple[int, sp.csr_matrix]]:
        """The first column and the transposed columns of each range that rows ``s..e-1`` meet."""
        if s >= dated:  # undated rows meet every column
            return [(0, all_t)]
        lo = int(np.searchsorted(sorted_pub[:dated], sorted_pub[s] - reach, side="left"))
        hi = int(np.searchsorted(sorted_pub[:dated], sorted_pub[e - 1] + reach, side="right"))
        return [(lo, xs[lo:hi].T.tocsr())] + ([(dated, undated_t)] if dated < m else [])

    def block_pairs(s: int, e: int) -> np.ndarray:
        rows, cols, vals = [], [], []
        for c0, columns in column_ranges(s, e):
            block = (xs[s:e] @ columns).tocoo()
            rows.append(order[block.row + s])
            cols.append(order[block.col + c0])
            vals.append(block.data)
        # r and c are positions in idx, as if the product ran against all columns
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
        keep = (r != c) & (v >= min_cosine * 0.5)
        if window_days > 0:
            dt = np.abs(pub[r] - pub[c]) / 86400.0
            keep &= ~(dt > window_days)  # NaN (undated) passes
        r, c, v = r[keep], c[keep], v[keep]
        # top-k per row: sort by row, then cosine descending, then column
        by_rank = np.lexsort((c, -v, r))
        r, c, v = r[by_rank], c[by_rank], v[by_rank]
        first = np.searchsorted(r, r, side="left")
        rank = np.arange(len(r)) - first
        sel = rank < k
        a, b = idx[r[sel]], idx[c[sel]]
        return np.minimum(a, b) * n + np.maximum(a, b)

    # blocks never straddle the dated and undated rows
    bounds = [(s, min(s + chunk, end)) for start, end in ((0, dated), (dated, m)) for s in range(start, end, chunk)]
    # blocks of rows on `workers` threads (scipy's sparse product releases the GIL)
    found = [f for f in map_bounds(block_pairs, bounds, workers) if len(f)]
    if not found:
        return np.empty((0, 2), np.int64), np.empty(0)
    keys = sorted_unique(np.concatenate(found))
    pairs = np.stack([keys // n, keys % n], axis=1)
    cos = row_products(x, pairs[:, 0], pairs[:, 1], workers=workers)
    ok = cos >= min_cosine
    return pairs[ok], cos[ok]


#: Headline-to-article similarities computed per sparse product in teaser resolution.
SIMILARITY_BLOCK = 1 << 23


def _lead(text: str, words: int = 40) -> str:
    """The lead of a body: its first sentence, at most ``words`` words."""
    first = text.strip().split("\n", 1)[0]
    for stop in (".", "؟", "!"):
        pos = first.find(stop)
        if pos > 0:
            first = first[: pos + 1]
            break
    return " ".join(first.split()[:words])


class RelatedFinder:
    """Related pairs, story clusters and teaser links over a fitted :class:`Deduplicator`.

    Args:
        config: A :class:`RelatedConfig`.

    Attributes (after :meth:`fit`):
        pairs_: ``(m, 2)`` related pairs (record indices, ``i < j``).
        cosines_: Cosine of each related pair.
        stories_: Story clusters: lists of record indices (two or more).
        teaser_links_: ``(teaser, article or None, score)`` per teaser.
        teaser_reasons_: Why each unresolved teaser is unresolved: ``no
            match``, ``ambiguous`` (articles of several stories match equally),
            ``section label`` (too few words to name a story) or ``published
            later`` (the only matches appeared after the headline's window).

    Example:
        >>> from dedup.record import Record
        >>> from dedup.engine import Deduplicator
        >>> recs = [Record(id="a", text="مطر غزير في جدة", title="أمطار غزيرة في جدة"),
        ...         Record(id="t", text="", title="أمطار غزيرة في جدة", kind="teaser")]
        >>> rf = RelatedFinder().fit(Deduplicator().fit(recs))
        >>> rf.teaser_links_
        [(1, 0, 1.0)]
    """

    def __init__(self, config: RelatedConfig | None = None):
        self.config = config

    def fit(self, dedup: Deduplicator) -> RelatedFinder:
        cfg = self.config or RelatedConfig()
        if not isinstance(cfg, RelatedConfig):
            raise ValueError("RelatedFinder(config=...) takes a RelatedConfig")
        self.config_ = cfg
        recs = dedup.records_
        corpus = dedup.corpus_
        n = len(recs)
        # a stage bar on a terminal when the engine has one (a minute at 1M articles)
        steps = iter(track(range(4), desc="related", total=4, enabled=getattr(dedup, "progress", False), unit="stage"))
        next(steps, None)
        has_body = corpus.tokens.sizes > 0
        hasher = TokenHasher(dedup.config_.shingle.seed)
        titles = token_batch([corpus.title_tokens[i] if has_body[i] else [] for i in range(n)], hasher)
        x = tfidf_from_batches([corpus.tokens, titles], n, max_df=cfg.max_df)
        self.tfidf_ = x
        workers = dedup.config_.minhash.workers
        pairs, cos = neighbour_pairs(x, corpus.published, k=cfg.k, min_cosine=cfg.min_cosine,
                                     window_days=cfg.window_days, active=has_body, workers=workers)
        next(steps, None)
        keep = np.zeros(len(pairs), dtype=bool)
        if len(pairs):
            f = pair_features(corpus, pairs[:, 0], pairs[:, 1], workers=workers)
            rare = np.nan_to_num(f.rare, nan=0.0)
            days = np.nan_to_num(f.days, nan=0.0)
            template = (rare < cfg.template_rare) & (days >= cfg.template_days)
            keep = ~template & (cos >= cfg.related_cosine + cfg.cosine_per_day * np.minimum(days, cfg.window_days or 3.0))
        # pairs inside one duplicate cluster are duplicates, not "related"
        co = dedup.cluster_of_
        if len(pairs):
            same_dup = (co[pairs[:, 0]] >= 0) & (co[pairs[:, 0]] == co[pairs[:, 1]])
            keep &= ~same_dup
        self.pairs_ = pairs[keep]
        self.cosines_ = cos[keep]
        self._related = {(int(a), int(b)) for a, b in self.pairs_.tolist()}
        self.stories_ = self._stories(dedup)
        next(steps, None)
        self.teaser_links_ = self._teasers(dedup)
        self.headline_pairs_ = self._headline_pairs(dedup)
        self.stories_ = self._with_headlines(dedup, self.stories_)
        next(steps, None)
        return self

    # -- headline-only records in stories ------------------------------------
    def _headline_pairs(self, dedup: Deduplicator) -> list[tuple[int, int, float]]:
        """Pairs of unresolved headline-only records that announce one story, with their probability.

        Candidates are each headline's nearest headlines by word TF-IDF (within
        the time window when both are dated); the verdict is
        :func:`~dedup.headline.same_story_probability`, which tells a rewrite
        of one story from a template with one slot swapped.
        """
        recs = dedup.records_
        cfg = self.config_
        heads = [t for t, a, _ in self.teaser_links_ if a is None]
        if len(heads) < 2:
            return []
        toks = [norm_tokens(recs[t].title or recs[t].text) for t in heads]
        x = tfidf_from_batches([token_batch(toks, TokenHasher(0))], len(heads))
        pub = dedup.corpus_.published[np.asarray(heads)]
        cand, _ = neighbour_pairs(x, pub, k=cfg.k, min_cosine=0.05, window_days=cfg.window_days, prune=0)
        return [(heads[a], heads[b], self._headline_score(recs[heads[a]], recs[heads[b]])) for a, b in cand.tolist()]

    def _headline_score(self, ra, rb) -> float:
        """Same-story probability of two headline-only records.

        0 when they share too little, when either is too short to name a story
        (``min_headline_words``), or when both are dated further apart than
        ``window_days`` (a recurring headline on another day is another item).
        """
        cfg = self.config_
        ha, hb = ra.title or ra.text, rb.title or rb.text
        if min(len(content_words(ha)), len(content_words(hb))) < cfg.min_headline_words:
            return 0.0
        if (cfg.window_days and ra.published and rb.published
                and abs((ra.published - rb.published).total_seconds()) > cfg.window_days * 86400.0):
            return 0.0
        f = headline_features(ha, hb)
        if f[0] < cfg.headline_overlap:  # matched_min
            return 0.0
        return round(probability(f), 4)

    def _with_headlines(self, dedup: Deduplicator, stories: list[list[int]]) -> list[list[int]]:
        """Stories with headline-only records added.

        A resolved teaser joins the story of its article (with the article's
        duplicate cluster, when the article is in no story yet). Unresolved
        headline-only records form stories among themselves, strongest pair
        first, only when every pair across two groups reaches the bar (so a
        chain of look-alike headlines does not merge different events).
        """
        n = len(dedup.records_)
        co = dedup.cluster_of_
        story_of = {i: k for k, st in enumerate(stories) for i in st}
        grown = [list(st) for st in stories]
        for t, art, _ in self.teaser_links_:
            if art is None:
                continue
            k = story_of.get(art)
            if k is None:
                c = dedup.clusters_[co[art]] if co[art] >= 0 else None
                unit = [art] if c is None else [c.canonical, *(m.index for m in c.members)]
                grown.append(unit)
                k = len(grown) - 1
                story_of.update({i: k for i in unit})
            grown[k].append(t)
            story_of[t] = k
        bar = self.config_.headline_story
        prob = {(min(a, b), max(a, b)): p for a, b, p in self.headline_pairs_}
        recs = dedup.records_

        def level(ps):
            out = []
            for a, b in ps:
                key = (min(a, b), max(a, b))
                if key not in prob:
                    prob[key] = self._headline_score(recs[a], recs[b])
                out.append(2 if prob[key] >= bar else 0)
            return out

        edges = [(p, a, b) for a, b, p in self.headline_pairs_ if p >= bar]
        comps = components(n, [(a, b) for _, a, b in edges])
        comp_of = {x: ci for ci, comp in enumerate(comps) for x in comp}
        by_comp: dict[int, list] = {}
        for e in edges:
            by_comp.setdefault(comp_of[e[1]], []).append(e)
        for ci, comp in enumerate(comps):
            grown.extend(agglomerate(comp, by_comp[ci], level, linkage=1.0))
        keys = [canonical_key(r) for r in recs]
        out = [sorted(set(st)) for st in grown if len(set(st)) > 1]
        out.sort(key=lambda st: (-len(st), min(keys[i] for i in st)))
        return out

    # -- stories ----------------------------------------------------------
    def _stories(self, dedup: Deduplicator) -> list[list[int]]:
        """Duplicate clusters enter as one unit; units merge by average linkage."""
        n = len(dedup.records_)
        co = dedup.cluster_of_
        unit = np.where(co >= 0, n + co, np.arange(n))
        members: dict[int, list[int]] = {}
        for i, u in enumerate(unit.tolist()):
            members.setdefault(u, []).append(i)
        ulist = sorted(members)
        upos = {u: k for k, u in enumerate(ulist)}
        edges = []
        for (a, b), w in zip(self.pairs_.tolist(), self.cosines_.tolist()):
            ua, ub = upos[int(unit[a])], upos[int(unit[b])]
            if ua != ub:
                edges.append((w, min(ua, ub), max(ua, ub)))
        related_units = {(e[1], e[2]) for e in edges}

        x = self.tfidf_
        floor = self.config_.min_cosine

        known: dict[tuple[int, int], int] = {}

        def level(ps):
            keys = [(min(p), max(p)) for p in ps]
            todo = sorted({k for k in keys if k not in related_units and k not in known})
            if todo:
                a = np.array([members[ulist[k[0]]][0] for k in todo])
                b = np.array([members[ulist[k[1]]][0] for k in todo])
                for k, c in zip(todo, row_dots(x, a, b).tolist()):
                    known[k] = 1 if c >= floor else 0
            return [2 if k in related_units else known[k] for k in keys]

        stories = []
        by_comp: dict[int, list] = {}
        comps = components(len(ulist), [(e[1], e[2]) for e in edges])
        comp_of = {x: ci for ci, comp in enumerate(comps) for x in comp}
        for e in edges:
            by_comp.setdefault(comp_of[e[1]], []).append(e)
        # every pair of the small components in one batch, and each pair once
        # (merges asked the same pairs again as clusters grew)
        level([p for comp in comps if len(comp) <= BATCH_COMPONENT for p in combinations(comp, 2)])
        for ci, comp in enumerate(comps):
            for group in agglomerate(comp, by_comp.get(ci, []), level, linkage=self.config_.story_linkage):
                docs = sorted(i for g in group for i in members[ulist[g]])
                stories.append(docs)
        keys = [canonical_key(r) for r in dedup.records_]
        stories.sort(key=lambda s: (-len(s), min(keys[i] for i in s)))
        return stories

    # -- teasers ------------------------------------------------------------
    def _teasers(self, dedup: Deduplicator) -> list[tuple[int, int | None, float]]:
        """Resolve every headline-only record to the article it announces, or to None.

        Candidates: articles whose normalized title equals the headline, else
        a word-TF-IDF shortlist over titles and leads judged by
        :func:`~dedup.headline.headline_match`. A title must match both ways
        (or be the start of the title, cut short by the list): a *title* link.
        A lead sentence only has to contain the headline's words: a *lead* link,
        taken only when no title links.

        A headline of fewer than ``min_headline_words`` content words (a
        section label such as ``كاريكاتير`` or ``صور اقتصادية``, which recurs
        on every day's item and sits in the leads of countless pages) links
        only to an article of its own page that carries exactly its title.

        Never forced:

        * an article published more than ``window_days`` after a dated
          headline cannot be the one it announces;
        * when the best links point at articles of different stories (a
          recurring section title such as ``صح لسانك``, or two events whose
          titles share every word), the headline is ambiguous and stays
          unresolved (score 1.0, article None). Articles of one duplicate
          cluster or one story count as one. A match on the headline's own
          page wins outright.
        """
        recs = dedup.records_
        corpus = dedup.corpus_
        cfg = self.config_
        has_body = corpus.tokens.sizes > 0
        articles = np.flatnonzero(has_body)
        teasers = [i for i, r in enumerate(recs) if not has_body[i] and (r.title or r.text).strip()]
        self.teaser_reasons_: dict[int, str] = {}
        if not teasers:
            return []
        # which story (else duplicate cluster, else itself) an article belongs to
        group = np.where(dedup.cluster_of_ >= 0, len(recs) + dedup.cluster_of_, np.arange(len(recs)))
        for k, st in enumerate(self.stories_):
            group[st] = 2 * len(recs) + k
        pub = corpus.published
        keys = [canonical_key(r) for r in recs]
        heads = {t: recs[t].title or recs[t].text for t in teasers}

        def usable(t: int, cands: list[int]) -> list[int]:
            """Candidates not published after the headline's window (when both are dated)."""
            if not cfg.window_days or np.isnan(pub[t]):
                return cands
            return [i for i in cands if not (pub[i] - pub[t] > cfg.window_days * 86400.0)]

        def decide(t: int, cands: list[int], score: float) -> tuple[int, int | None, float]:
            same_page = [i for i in cands if recs[i].page is not None and recs[i].page == recs[t].page]
            if same_page:
                return (t, min(same_page, key=lambda i: keys[i]), score)
            if len(content_words(heads[t])) < cfg.min_headline_words:
                self.teaser_reasons_[t] = "section label"  # too short to name a story
                return (t, None, score)
            if len({int(group[i]) for i in cands}) > 1:
                self.teaser_reasons_[t] = "ambiguous"  # several stories match equally
                return (t, None, score)
            return (t, min(cands, key=lambda i: keys[i]), score)

        # exact title index
        by_title: dict[tuple, list[int]] = {}
        for i in articles.tolist():
            title = tuple(corpus.title_tokens[i])
            if title:
                by_title.setdefault(title, []).append(i)
        # shortlist fuzzy candidates by word TF-IDF over titles and leads
        # (hashes, no vocabulary of strings); headline_match then decides with
        # character n-grams, which absorb spelling variants word by word.
        exact_of = {t: usable(t, by_title.get(tuple(norm_tokens(heads[t])), [])) for t in teasers}
        pending = [t for t in teasers if not exact_of[t]]
        tmat = None
        if pending and len(articles):
            # a row per article (its title, plus its lead) then one per pending headline;
            # the leads are hashed on the array path, which gives norm_tokens' hashes
            rows = len(articles) + len(pending)
            titles = token_batch([corpus.title_tokens[i] for i in articles.tolist()]
                                 + [norm_tokens(heads[t]) for t in pending], TokenHasher(0))
            lead_hashes, lead_sizes = hash_texts([_lead(recs[i].text) for i in articles.tolist()] + [""] * len(pending))
            lead_offsets = np.zeros(rows + 1, dtype=np.int64)
            np.cumsum(lead_sizes, out=lead_offsets[1:])
            both = tfidf_from_batches([titles, TokenBatch(lead_hashes, lead_offsets)], rows)
            tmat, qmat = both[: len(articles)], both[len(articles):]
            qrow = {t: k for k, t in enumerate(pending)}
            # headlines scored against every article a block of headlines per
            # product (one product per headline walked all the articles' words
            # each time); about SIMILARITY_BLOCK similarities held at once
            block = max(1, SIMILARITY_BLOCK // max(1, tmat.shape[0]))
            held: dict[int, sp.csc_matrix] = {}

            def similarities(k: int) -> np.ndarray:
                lo = k - k % block
                if lo not in held:
                    held.clear()
                    held[lo] = (tmat @ qmat[lo : lo + block].T).tocsc()
                return held[lo][:, k - lo].toarray().ravel()
        out = []
        for t in teasers:
            head = heads[t]
            exact = exact_of[t]
            if exact:
                out.append(decide(t, exact, 1.0))
                continue
            if tmat is None or tmat.shape[1] == 0:
                self.teaser_reasons_[t] = "no match"
                out.append((t, None, 0.0))
                continue
            sims = similarities(qrow[t])
            top = np.argsort(-sims, kind="stable")[:10]
            by_kind: dict[str, list[tuple[float, int]]] = {"title": [], "lead": []}
            best_score = 0.0
            for j in top.tolist():
                if sims[j] <= 0:
                    break
                i = int(articles[j])
                title = recs[i].title or ""
                # a title must match both ways (it must not add another event);
                # a lead sentence only has to contain the headline's words
                by_title_ = min(headline_match(head, title), headline_match(title, head)) if title else 0.0
                if by_title_ < 1.0 and title and headline_prefix(head, title):
                    by_title_ = 1.0  # the start of the title, cut short by the list
                by_lead = headline_match(head, _lead(recs[i].text))
                best_score = max(best_score, by_title_, by_lead)
                if by_title_ >= cfg.teaser_min_score:
                    by_kind["title"].append((by_title_, i))
                elif by_lead >= cfg.teaser_min_score:
                    by_kind["lead"].append((by_lead, i))
            for kind in ("title", "lead"):
                ok = set(usable(t, [i for _, i in by_kind[kind]]))
                tier = [(sc, i) for sc, i in by_kind[kind] if i in ok]
                if tier:
                    high = max(sc for sc, _ in tier)  # only the equally best candidates compete
                    out.append(decide(t, [i for sc, i in tier if sc == high], round(high, 4)))
                    break
            else:
                self.teaser_reasons_[t] = "published later" if by_kind["title"] or by_kind["lead"] else "no match"
                out.append((t, None, round(best_score, 4)))
        return out

    def related_to(self, dedup: Deduplicator, index: int) -> list[tuple[int, float, str]]:
        """Articles related to record ``index``, best first: ``(index, score, relation)``.

        Its duplicate-cluster mates come with their relation (``exact``,
        ``dup``, ``contained``, ``canonical``) and similarity, related pairs as
        ``related`` with their cosine, other members of its story as ``story``
        with their cosine, and articles its teaser links to as ``teaser``.
        """
        out: dict[int, tuple[float, str]] = {}
        ci = int(dedup.cluster_of_[index])
        if ci >= 0:
            c = dedup.clusters_[ci]
            rel = {m.index: (m.similarity, m.relation) for m in c.members}
            for j in [c.canonical] + [m.index for m in c.members]:
                if j != index:
                    out[j] = rel.get(j, (1.0, "canonical"))
        x = self.tfidf_
        for (a, b), w in zip(self.pairs_.tolist(), self.cosines_.tolist()):
            if index in (a, b):
                j = b if a == index else a
                out.setdefault(j, (round(w, 4), "related"))
        for story in self.stories_:
            if index in story:
                for j in story:
                    if j != index and j not in out:
                        w = float(x[index].multiply(x[j]).sum()) if x.shape[1] else 0.0
                        out[j] = (round(w, 4), "story")
        for t, art, score in self.teaser_links_:
            if t == index and art is not None:
                out.setdefault(art, (score, "teaser"))
            elif art == index:
                out.setdefault(t, (score, "teaser"))
        ids = dedup.records_
        return sorted(((j, s_, r) for j, (s_, r) in out.items()), key=lambda t: (-t[1], ids[t[0]].id))


def related_sections(dedup: Deduplicator, read=None, *, config: RelatedConfig | None = None,
                     finder: RelatedFinder | None = None) -> dict:
    """The report sections ``related``, ``stories`` and ``teaser_links``.

    Ids are the record ids (for pages, those ``dedup segment`` prints).
    ``read`` (the reader's result) is accepted for symmetry with
    :func:`dedup.report.build_report` and not needed.

    Example:
        >>> from dedup.record import Record
        >>> sorted(related_sections(Deduplicator().fit([Record(id="a", text="x")])))
        ['related', 'stories', 'teaser_links']
    """
    rf = finder or RelatedFinder(config).fit(dedup)
    recs = dedup.records_
    clusters = {ci: f"c{ci + 1:05d}" for ci in range(len(dedup.clusters_))}
    related = [{"a": recs[a].id, "b": recs[b].id, "cosine": round(float(w), 4)}
               for (a, b), w in zip(rf.pairs_.tolist(), rf.cosines_.tolist())]
    stories = []
    for si, docs in enumerate(rf.stories_):
        cl = sorted({clusters[int(dedup.cluster_of_[i])] for i in docs if dedup.cluster_of_[i] >= 0})
        stories.append({"id": f"s{si + 1:05d}", "size": len(docs), "members": [recs[i].id for i in docs], "clusters": cl})
    teasers = []
    for t, a, score in rf.teaser_links_:
        entry = {"teaser": recs[t].id, "headline": recs[t].title or recs[t].text,
                 "article": recs[a].id if a is not None else None, "score": score}
        if a is None:
            entry["unresolved"] = rf.teaser_reasons_.get(t, "no match")
        teasers.append(entry)
    return {"related": related, "stories": stories, "teaser_links": teasers}
