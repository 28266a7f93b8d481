"""Tests for dedup.report: the JSON report contract, the text summary, and the canonical export."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from conftest import build_planted, filler, records_as_rows

from dedup.engine import DedupConfig, Deduplicator
from dedup.io import read_inputs
from dedup.record import Record
from dedup.report import REPORT_SCHEMA_VERSION, build_report, dumps, report_text, write_canonical

BAD_LINES = [
    "{not json",
    json.dumps({"title": "بلا معرف", "text": "نص بلا معرف"}, ensure_ascii=False),
]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    """The planted corpus as a JSON Lines file with unknown fields, a malformed line, a row without
    id, a repeated id and a title-only row; returns (path, input lines by id)."""
    p = build_planted(2)
    rows = records_as_rows(p.records)
    rows.append({"id": "title-only", "title": "عنوان بلا نص", "text": "", "source": "x", "extra": [1, {"a": None}]})
    # a numeric id and fields in an unusual order, with values of every JSON type
    rows.append({"text": filler(random.Random(5), 60), "views": 10.5, "id": 12345, "flags": [True, None], "title": "رقم"})
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    repeated = json.dumps({**rows[0], "text": "نسخة أخرى بالمعرف نفسه"}, ensure_ascii=False)
    all_lines = lines[:5] + BAD_LINES + lines[5:] + [repeated]
    path = tmp_path_factory.mktemp("report") / "corpus.jsonl"
    path.write_text("\n".join(all_lines) + "\n", encoding="utf-8")
    by_id = {str(r["id"]): line for r, line in zip(rows, lines)}
    return path, by_id, p


@pytest.fixture(scope="module")
def fitted(corpus_file):
    path, _, _ = corpus_file
    read = read_inputs([str(path)])
    return read, Deduplicator().fit(read.records)


@pytest.fixture(scope="module")
def report(fitted):
    read, d = fitted
    return build_report(read, d)


def placements(report: dict) -> Counter:
    """How many times each id is placed: as canonical, as member, in unique."""
    seen: Counter = Counter()
    for c in report["clusters"]:
        seen[c["canonical"]] += 1
        for m in c["members"][1:]:
            seen[m["id"]] += 1
    for rid in report["unique"]:
        seen[rid] += 1
    return seen


def test_every_id_in_exactly_one_place(report, corpus_file, fitted):
    _, by_id, _ = corpus_file
    read, _ = fitted
    seen = placements(report)
    assert set(seen) == set(by_id) == {r.id for r in read.records}
    assert all(v == 1 for v in seen.values()), [k for k, v in seen.items() if v > 1]
    # what was not used is in skipped: malformed line, missing id, repeated id
    assert sorted(s["reason"] for s in report["skipped"]) == ["duplicate-id", "malformed-json", "missing-id"]
    assert report["input"]["read"] == len(seen) + len(report["skipped"])


def test_skipped_entries_name_file_and_line(report, corpus_file):
    path, _, _ = corpus_file
    lines = {s["reason"]: s["line"] for s in report["skipped"]}
    assert lines["malformed-json"] == 6 and lines["missing-id"] == 7
    assert all(s["path"].endswith("corpus.jsonl") and s["message"] for s in report["skipped"])


def test_warnings_list_what_skipped_nothing_with_its_path(tmp_path):
    """A whole file the reader cannot use shows up by path in the report and on its summary line."""
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "نص الخبر الأول", "published": "أمس"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("identifier,body\n1,نص\n", encoding="utf-8")
    read = read_inputs([good, bad])  # pathlib paths are accepted
    rep = build_report(read, Deduplicator().fit(read.records))
    got = sorted((Path(w["path"]).name, w["line"], w["reason"]) for w in rep["warnings"])
    assert got == [("bad.csv", 1, "bad-header"), ("good.jsonl", 1, "bad-date")]
    assert rep["skipped"] == [] and rep["input"]["warnings"] == {"bad-date": 1, "bad-header": 1}
    assert "warnings: bad-date 1, bad-header 1" in report_text(rep).splitlines()[0]


def test_json_contract(report):
    assert report["dedup_report"] == REPORT_SCHEMA_VERSION
    assert {"version", "settings", "input", "summary", "clusters", "unique", "skipped", "warnings"} <= set(report)
    settings = report["settings"]
    assert {"normalize", "shingle", "minhash", "lsh", "boilerplate", "verify", "cluster", "prefer_sources"} <= set(settings)
    assert settings["lsh"]["bands_used"] * settings["lsh"]["rows_used"] <= settings["minhash"]["num_perm"]
    assert report["clusters"], "the planted corpus has clusters"
    for k, c in enumerate(report["clusters"], start=1):
        assert c["id"] == f"c{k:05d}"
        assert c["size"] == len(c["members"]) >= 2
        first = c["members"][0]
        assert first["id"] == c["canonical"] and first["relation"] == "canonical"
        for m in c["members"]:
            assert {"id", "relation", "similarity", "source", "title"} <= set(m)
        for m in c["members"][1:]:
            assert m["relation"] in ("exact", "dup", "contained")
            assert 0 < m["similarity"] <= 1
    sizes = [c["size"] for c in report["clusters"]]
    assert sizes == sorted(sizes, reverse=True)


def test_planted_clusters_in_the_report(report, corpus_file):
    _, _, p = corpus_file
    got = sorted(sorted(m["id"] for m in c["members"]) for c in report["clusters"])
    assert got == sorted(sorted(c) for c in p.clusters)
    rel = {m["id"]: m["relation"] for c in report["clusters"] for m in c["members"]}
    assert rel == p.relations
    titles = {m["id"]: m["title"] for c in report["clusters"] for m in c["members"]}
    sources = {m["id"]: m["source"] for c in report["clusters"] for m in c["members"]}
    for r in p.records:
        if r.id in titles:
            assert titles[r.id] == r.title and sources[r.id] == r.source


def test_summary_is_consistent(report):
    s = report["summary"]
    clusters = report["clusters"]
    members = [m for c in clusters for m in c["members"][1:]]
    assert s["articles"] == s["in_clusters"] + s["unique"]
    assert s["in_clusters"] == sum(c["size"] for c in clusters)
    assert s["clusters"] == len(clusters)
    assert s["largest_cluster"] == max(c["size"] for c in clusters)
    assert s["unique"] == len(report["unique"])
    assert s["dropped"] == len(members) == s["in_clusters"] - s["clusters"]
    rel = Counter(m["relation"] for m in members)
    assert (s["exact_duplicates"], s["near_duplicates"], s["contained"]) == (rel["exact"], rel["dup"], rel["contained"])


def test_report_round_trips_through_json(report):
    text = dumps(report)
    assert text.endswith("\n")
    # plain JSON, and stable: reading it back and writing it again gives the same text
    assert dumps(json.loads(text)) == text


def test_report_without_reader_and_with_extra_sections(planted, planted_fit):
    rep = build_report(None, planted_fit, {"related": []})
    assert "input" not in rep and "skipped" not in rep
    assert rep["related"] == []
    seen = placements(rep)
    assert sorted(seen) == sorted(r.id for r in planted.records) and set(seen.values()) == {1}
    assert "related pairs:" in report_text(rep)


def test_report_text(report):
    text = report_text(report)
    s = report["summary"]
    assert f"articles:          {s['articles']}" in text
    assert f"clusters:          {s['clusters']} (largest {s['largest_cluster']})" in text
    assert f"kept / dropped:    {s['articles'] - s['dropped']} / {s['dropped']}" in text
    assert report["clusters"][0]["id"] in text


def test_prefer_sources_shown_in_settings(planted):
    d = Deduplicator(DedupConfig(prefer_sources=("was",))).fit(planted.records)
    rep = build_report(None, d)
    assert rep["settings"]["prefer_sources"] == ["was"]
    assert "preferred sources: was" in report_text(rep)


# --------------------------------------------------------------------------- canonical export


def split_lines(buf: io.StringIO) -> list[str]:
    return [line for line in buf.getvalue().split("\n") if line]


def test_write_canonical_invariant_and_byte_identical_kept_records(fitted, corpus_file):
    read, d = fitted
    _, by_id, _ = corpus_file
    kept, dropped = io.StringIO(), io.StringIO()
    n_kept, n_dropped = write_canonical(d, kept, dropped)
    kept_lines, dropped_lines = split_lines(kept), split_lines(dropped)
    assert (n_kept, n_dropped) == (len(kept_lines), len(dropped_lines))
    kept_ids = [str(json.loads(line)["id"]) for line in kept_lines]
    dropped_rows = [json.loads(line) for line in dropped_lines]
    dropped_ids = [str(r["id"]) for r in dropped_rows]
    input_ids = [r.id for r in read.records]
    # kept + dropped = input, each id once, input order in both files
    assert sorted(kept_ids + dropped_ids) == sorted(input_ids)
    assert len(set(kept_ids + dropped_ids)) == len(input_ids)
    assert kept_ids == [i for i in input_ids if i in set(kept_ids)]
    assert dropped_ids == [i for i in input_ids if i in set(dropped_ids)]
    # kept records are exactly the input lines (every field, unknown ones too, in input order)
    for rid, line in zip(kept_ids, kept_lines):
        assert line == by_id[rid]
    assert by_id["12345"] in kept_lines  # the numeric id stays a number, key order kept
    # dropped records are the input plus where they went
    rep = build_report(read, d)
    member_of = {m["id"]: (c["canonical"], m["relation"], m["similarity"]) for c in rep["clusters"] for m in c["members"][1:]}
    assert set(dropped_ids) == set(member_of)
    for row in dropped_rows:
        original = json.loads(by_id[str(row["id"])])
        extra = {k: row[k] for k in ("duplicate_of", "relation", "similarity")}
        assert {k: v for k, v in row.items() if k not in extra} == original
        assert list(row)[: len(original)] == list(original)
        assert (extra["duplicate_of"], extra["relation"], extra["similarity"]) == member_of[str(row["id"])]
        assert extra["duplicate_of"] in kept_ids


def test_write_canonical_without_dropped_stream(fitted):
    _, d = fitted
    kept = io.StringIO()
    n_kept, n_dropped = write_canonical(d, kept, None)
    assert n_kept == len(split_lines(kept)) and n_dropped > 0
    assert n_kept + n_dropped == len(d.records_)


def test_write_canonical_page_segments():
    text = "\n".join(["أطلق المركز الوطني للأرصاد اليوم منظومة للإنذار المبكر من السيول في محافظة جدة"] * 2)
    recs = [
        Record(id="p1#0", text=text, title="عنوان", kind="main", page="p1"),
        Record(id="p2#0", text=text, title="عنوان آخر", kind="main", page="p2"),
        Record(id="p2#1", text="", title="عنوان", kind="teaser", page="p2"),
    ]
    d = Deduplicator().fit(recs)
    kept, dropped = io.StringIO(), io.StringIO()
    assert write_canonical(d, kept, dropped) == (2, 1)
    kept_rows = [json.loads(x) for x in split_lines(kept)]
    assert [(r["id"], r["kind"], r["page"]) for r in kept_rows] == [("p1#0", "main", "p1"), ("p2#1", "teaser", "p2")]
    (row,) = [json.loads(x) for x in split_lines(dropped)]
    assert (row["id"], row["duplicate_of"], row["relation"]) == ("p2#0", "p1#0", "exact")
