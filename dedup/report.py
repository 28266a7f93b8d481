"""The dedup report (JSON contract and terminal text) and the canonical export.

The JSON report is what other tools read; its schema is documented in the
README. Every input article's id appears in exactly one place: as a cluster's
canonical, as a cluster member, in ``unique``, or (when the reader skipped the
record) in ``skipped``. Output is deterministic: no timings, sorted
structures, stable tie-breaks.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from . import __version__
from .engine import Deduplicator
from .io import ReadResult
from .record import Record

__all__ = ["build_report", "report_text", "write_canonical", "write_skipped", "terminal_line", "terminal_text",
           "REPORT_SCHEMA_VERSION"]

REPORT_SCHEMA_VERSION = 1


def _member_json(rec: Record, relation: str, similarity: float | None, signals: dict | None) -> dict:
    out: dict[str, Any] = {
        "id": rec.id,
        "relation": relation,
        "similarity": similarity,
        "source": rec.source,
        "title": rec.title,
        "published": rec.published.isoformat() if rec.published else None,
    }
    if rec.kind != "article":
        out["kind"] = rec.kind
        out["page"] = rec.page
    if signals:
        out["signals"] = signals
    return out


def build_report(read: ReadResult | None, dedup: Deduplicator, extra: dict | None = None) -> dict:
    """The JSON report as a dict.

    Args:
        read: What the reader read (for the input summary and skipped records);
            ``None`` when records came from elsewhere.
        dedup: A fitted :class:`~dedup.engine.Deduplicator`.
        extra: More top-level sections to add (e.g. related articles).

    Example:
        >>> from dedup.engine import Deduplicator
        >>> r = build_report(None, Deduplicator().fit([Record(id="a", text="x")]))
        >>> r["summary"]["articles"], r["unique"]
        (1, ['a'])
    """
    recs = dedup.records_
    cfg = dedup.config_
    clusters = []
    relation_counts: Counter = Counter()
    copies_by_source: Counter = Counter()
    originals_by_source: Counter = Counter()
    for ci, c in enumerate(dedup.clusters_):
        canon = recs[c.canonical]
        members = [_member_json(canon, "canonical", 1.0, None)]
        for m in c.members:
            relation_counts[m.relation] += 1
            copies_by_source[recs[m.index].source or ""] += 1
            members.append(_member_json(recs[m.index], m.relation, m.similarity, m.signals))
        originals_by_source[canon.source or ""] += 1
        clusters.append({"id": f"c{ci + 1:05d}", "size": c.size, "canonical": canon.id, "members": members})
    in_cluster = dedup.cluster_of_ >= 0
    unique = [r.id for r, c in zip(recs, in_cluster) if not c]
    sources = sorted(set(copies_by_source) | set(originals_by_source))
    top = sorted(({"source": s, "canonical": originals_by_source[s], "copies": copies_by_source[s]} for s in sources),
                 key=lambda d: (-(d["canonical"] + d["copies"]), d["source"]))[:10]
    st = dedup.candidates_
    summary = {
        "articles": len(recs),
        "in_clusters": int(in_cluster.sum()),
        "clusters": len(clusters),
        "largest_cluster": max((c["size"] for c in clusters), default=0),
        "unique": len(unique),
        "exact_duplicates": relation_counts["exact"],
        "near_duplicates": relation_counts["dup"],
        "contained": relation_counts["contained"],
        "dropped": sum(relation_counts.values()),
        "no_body": int((dedup.corpus_.tokens.sizes == 0).sum()),
        "lsh": {"bands": st.bands, "rows": st.rows, "candidates": st.candidates,
                "largest_bucket": st.largest_bucket, "capped_buckets": st.capped_buckets},
        "containment_candidates": getattr(dedup, "containment_candidates_", 0),
        "neighbour_candidates": getattr(dedup, "neighbour_candidates_", 0),
        "verified_pairs": dedup.verified_,
        "boilerplate_shingles": dedup.corpus_.boilerplate_shingles,
        "top_sources": top,
    }
    report: dict[str, Any] = {
        "dedup_report": REPORT_SCHEMA_VERSION,
        "version": __version__,
        "settings": cfg.to_dict(),
    }
    if read is not None:
        report["input"] = read.summary()
    report["summary"] = summary
    report["clusters"] = clusters
    report["unique"] = unique
    if read is not None:
        report["skipped"] = [_issue_json(i) for i in read.issues if i.skipped]
        # the rest: records kept with a caveat (a bad date), and whole files or
        # pages not read (a CSV header without id, a corrupt gzip), with their path
        report["warnings"] = [_issue_json(i) for i in read.issues if not i.skipped]
    if extra:
        report.update(extra)
    return report


#: Control characters (C0, DEL, C1) and the Unicode line separators -> a visible escape.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})
_TEXT_ESCAPES = {c: e for c, e in _ESCAPES.items() if c not in (0x09, 0x0A)}


def terminal_line(value: object) -> str:
    r"""Scraped text made safe for one line of terminal output.

    Control characters are shown as escapes instead of being sent to the
    terminal: an id or a title with an escape sequence cannot recolour,
    clear or retitle the user's terminal, and a newline cannot break a line
    of the summary into two. Letters, Arabic marks and bidi marks pass as they are.

    Example:
        >>> terminal_line("خبر\x1b[2J\nعاجل")
        'خبر\\x1b[2J\\x0aعاجل'
    """
    return str(value).translate(_ESCAPES)


def terminal_text(value: object) -> str:
    r"""Like :func:`terminal_line`, for a body of text: newlines and tabs are kept.

    Example:
        >>> terminal_text("سطر\nسطر\x07")
        'سطر\nسطر\\x07'
    """
    return str(value).translate(_TEXT_ESCAPES)


def report_text(report: dict, max_clusters: int = 10) -> str:
    """A readable terminal summary of a report dict (scraped text escaped by :func:`terminal_line`).

    Example:
        >>> from dedup.engine import Deduplicator
        >>> "articles" in report_text(build_report(None, Deduplicator().fit([Record(id="a", text="x")])))
        True
    """
    s = report["summary"]
    cfg = report["settings"]
    lines = []
    if "input" in report:
        inp = report["input"]
        skipped = sum(inp.get("skipped", {}).values())
        warned = inp.get("warnings", {})
        lines.append(f"read {inp.get('read', 0)} records ({inp.get('used', 0)} used, {skipped} skipped)"
                     + (f" from {inp.get('pages', 0)} pages" if inp.get("pages") else "")
                     + (f"; warnings: {', '.join(f'{k} {n}' for k, n in warned.items())}" if warned else ""))
    lines += [
        f"articles:          {s['articles']}",
        f"clusters:          {s['clusters']} (largest {s['largest_cluster']}), {s['in_clusters']} articles in them",
        f"exact duplicates:  {s['exact_duplicates']}",
        f"near duplicates:   {s['near_duplicates']}",
        f"contained:         {s['contained']}",
        f"unique:            {s['unique']}" + (f" ({s['no_body']} without a body: headlines and teasers)" if s["no_body"] else ""),
        f"kept / dropped:    {s['articles'] - s['dropped']} / {s['dropped']}",
    ]
    for key, label in (("related", "related pairs"), ("stories", "story clusters"), ("teaser_links", "teaser links")):
        if key in report:
            lines.append(f"{label + ':':<19}{len(report[key])}")
    if "teaser_links" in report:
        why = Counter(t.get("unresolved", "no match") for t in report["teaser_links"] if t.get("article") is None)
        if why:
            detail = ", ".join(f"{n} {reason}" for reason, n in sorted(why.items(), key=lambda kv: (-kv[1], kv[0])))
            lines[-1] += f" ({sum(why.values())} unresolved: {detail})"
    lsh = s["lsh"]
    lines.append(f"settings:          {cfg['shingle']['ngram']}-word shingles, {cfg['minhash']['num_perm']} permutations, "
                 f"LSH threshold {cfg['lsh']['threshold']} (b={lsh['bands']}, r={lsh['rows']}), "
                 f"{lsh['candidates']} LSH + {s.get('containment_candidates', 0)} containment"
                 + (f" + {s['neighbour_candidates']} neighbour" if s.get("neighbour_candidates") else "")
                 + " candidates, "
                 f"{s['verified_pairs']} verified")
    if cfg.get("prefer_sources"):
        lines.append(f"preferred sources: {terminal_line(', '.join(cfg['prefer_sources']))}")
    if s["top_sources"]:
        lines.append("top sources of syndication (canonical / copies):")
        for t in s["top_sources"][:5]:
            lines.append(f"  {terminal_line(t['source'] or '(no source)'):<24} {t['canonical']:>6} / {t['copies']}")
    if report["clusters"]:
        lines.append(f"largest clusters (of {len(report['clusters'])}):")
        for c in report["clusters"][:max_clusters]:
            canon = c["members"][0]
            title = terminal_line((canon.get("title") or "(no title)")[:70])
            lines.append(f"  {c['id']} x{c['size']:<3} {terminal_line(canon['id'])}  {title}")
    return "\n".join(lines)


def write_canonical(dedup: Deduplicator, kept: IO[str], dropped: IO[str] | None = None) -> tuple[int, int]:
    """Write the corpus with only canonical articles, and where every other one went.

    Kept records are written exactly as read (every field, input order).
    Dropped records are written as read plus ``duplicate_of``, ``relation``
    and ``similarity``. Both follow input order. Invariant: kept + dropped =
    input, each id exactly once.

    Returns:
        ``(n_kept, n_dropped)``.
    """
    recs = dedup.records_
    drop: dict[int, tuple[str, str, float]] = {}
    for c in dedup.clusters_:
        for m in c.members:
            drop[m.index] = (recs[c.canonical].id, m.relation, m.similarity)
    n_kept = n_dropped = 0
    for i, rec in enumerate(recs):
        row = rec.to_dict()
        if i in drop:
            canon, relation, sim = drop[i]
            row = {**row, "duplicate_of": canon, "relation": relation, "similarity": sim}
            if dropped is not None:
                dropped.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_dropped += 1
        else:
            kept.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_kept += 1
    return n_kept, n_dropped


def write_skipped(read: ReadResult, out: IO[str]) -> int:
    r"""Write one JSON line per input unit the reader skipped: ``path``, ``line``,
    ``reason``, ``message`` and ``raw``, what was read of it (the record as read
    for a repeated id, the line's text for malformed JSON, a CSV row's cells;
    ``null`` when nothing could be read). With the kept and dropped files this
    accounts for every input unit: kept + dropped + skipped = read.

    Returns:
        The number of lines written.

    Example:
        >>> import io as _io
        >>> from dedup.io import Issue
        >>> r = ReadResult(issues=[Issue("a.jsonl", 2, "malformed-json", "bad", True, "{x")], read=1)
        >>> buf = _io.StringIO(); write_skipped(r, buf), buf.getvalue()
        (1, '{"path": "a.jsonl", "line": 2, "reason": "malformed-json", "message": "bad", "raw": "{x"}\n')
    """
    n = 0
    for i in read.issues:
        if i.skipped:
            out.write(json.dumps({**_issue_json(i), "raw": i.raw}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _issue_json(i) -> dict:
    """A reader issue as the report lists it."""
    return {"path": i.path, "line": i.line, "reason": i.reason, "message": i.message}


def dumps(report: dict) -> str:
    """The report as deterministic JSON text."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
