"""Tests of dedup.bench: the quick suite end to end, compare, skipped cases, scoring."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedup.bench import (
    CaseContext,
    _scale_case,
    bench,
    compare_results,
    flatten,
    generate_scale_corpus,
    load_results,
    markdown_report,
    planted_scores,
    prf,
    score_labels,
    select_cases,
    synthetic_corpus,
)


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    res = CliRunner().invoke(bench, ["run", "--suite", "quick", "--synthetic-n", "400", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_quick_suite_writes_a_valid_results_file(quick_results):
    data = load_results(quick_results)
    assert data["suite"] == "quick"
    for key in ("version", "commit", "date", "settings", "machine"):
        assert key in data
    assert data["machine"]["cores_logical"] >= 1 and data["machine"]["memory_gb"] > 0
    assert data["settings"]["minhash"]["num_perm"] > 0
    cases = {c["name"]: c for c in data["cases"]}
    assert {"synthetic", "synthetic_lsh_recall", "seeds"} <= set(cases)
    for name in ("synthetic", "synthetic_lsh_recall"):
        c = cases[name]
        assert c["status"] == "ok", c
        for key in ("articles", "wall_s", "articles_per_s", "mb_per_s", "peak_rss_mb", "peak_rss_tree_mb"):
            assert c[key] > 0, key
    planted = cases["synthetic"]["quality"]["planted"]
    assert 0.0 <= planted["precision"] <= 1.0 and 0.0 <= planted["recall"] <= 1.0
    assert cases["synthetic"]["articles"] == 400
    assert cases["seeds"]["status"] in ("ok", "skipped")


def test_missing_data_is_reported_as_skipped(tmp_path):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(bench, ["run", "--suite", "full", "--data", str(tmp_path / "nope"),
                                     "--seeds", str(tmp_path / "no-seeds"), "--case", "labels", "--case", "speed",
                                     "--case", "seeds", "-o", str(out)])
    assert res.exit_code == 0, res.output
    cases = {c["name"]: c for c in load_results(out)["cases"]}
    assert set(cases) == {"labels", "speed", "seeds"}
    for c in cases.values():
        assert c["status"] == "skipped"
        assert "missing" in c["reason"] or "not found" in c["reason"]
    assert "3 skipped" in res.output


def test_present_dir_without_a_dataset_names_the_file(tmp_path):
    (tmp_path / "data").mkdir()
    out = tmp_path / "r.json"
    res = CliRunner().invoke(bench, ["run", "--data", str(tmp_path / "data"), "--case", "speed", "-o", str(out)])
    assert res.exit_code == 0, res.output
    (case,) = load_results(out)["cases"]
    assert case["status"] == "skipped" and "saudinewsnet.jsonl.gz" in case["reason"]


def test_compare_two_files_warns_on_other_machine_and_flags_quality_drop(quick_results, tmp_path):
    a = load_results(quick_results)
    b = copy.deepcopy(a)
    b["machine"]["cpu"] = "Another CPU"
    syn = next(c for c in b["cases"] if c["name"] == "synthetic")
    syn["quality"]["planted"]["f1"] = round(syn["quality"]["planted"]["f1"] - 0.05, 4)
    syn["wall_s"] *= 2
    pb = tmp_path / "b.json"
    pb.write_text(json.dumps(b), encoding="utf-8")
    args = ["compare", str(quick_results), str(pb)]
    try:
        import matplotlib  # noqa: F401
        args += ["--plot", str(tmp_path / "cmp.png")]
    except ImportError:
        pass
    res = CliRunner().invoke(bench, args)
    assert res.exit_code == 0, res.output
    assert "different machines" in res.output
    line = next(ln for ln in res.output.splitlines() if ln.strip().startswith("quality.planted.f1"))
    assert line.rstrip().endswith("!")
    wall = next(ln for ln in res.output.splitlines() if ln.strip().startswith("wall_s"))
    assert "2.000" in wall
    if "--plot" in args:
        assert (tmp_path / "cmp.png").stat().st_size > 0


def test_compare_same_machine_has_no_machine_warning(quick_results):
    a = load_results(quick_results)
    text = compare_results([a, copy.deepcopy(a)], ["a", "b"])
    assert "different machines" not in text and "different settings" not in text


def test_compare_warns_on_different_settings(quick_results):
    a = load_results(quick_results)
    b = copy.deepcopy(a)
    b["settings"]["lsh"]["threshold"] = 0.5
    assert "lsh.threshold" in compare_results([a, b], ["a", "b"])


def test_compare_rejects_a_file_that_is_not_results(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}", encoding="utf-8")
    res = CliRunner().invoke(bench, ["compare", str(p), str(p)])
    assert res.exit_code != 0 and "not a dedup bench results file" in res.output


def test_report_prints_markdown(quick_results):
    res = CliRunner().invoke(bench, ["report", str(quick_results)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("# Benchmark results")
    assert "dedup bench report" in res.output and "| synthetic |" in res.output


def test_prf():
    assert prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert prf(3, 1, 0)["precision"] == 0.75


def test_score_labels_protocols():
    labels = [
        {"pair": "p1", "a": "a", "b": "b", "label": "dup", "confidence": "high"},
        {"pair": "p2", "a": "a", "b": "c", "label": "contained", "confidence": "low"},
        {"pair": "p3", "a": "d", "b": "e", "label": "related", "confidence": "high"},
        {"pair": "p4", "a": "d", "b": "zz", "label": "unrelated", "confidence": "high"},
    ]
    cluster = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    same = lambda x, y: cluster[x] == cluster[y]  # noqa: E731
    out = score_labels(labels, {"dup": same}, cluster.__contains__)
    assert out["missing"] == 1
    assert out["dup"]["all"] == prf(1, 0, 0)  # contained left out
    assert out["dup_strict"]["all"] == prf(1, 1, 0)  # contained counted negative
    assert out["dup_contained"]["all"] == prf(2, 0, 0)
    assert out["dup_contained"]["high"] == prf(1, 0, 0)
    assert "same_story" not in out


def test_planted_scores_exact_and_by_kind():
    truth = np.array([0, 0, 0, 1, 2, 2])
    kinds = np.array([0, 1, 2, 0, 0, 3])
    perfect = planted_scores(truth, np.array([5, 5, 5, -1, 7, 7]), kinds, ("original", "exact", "retitled", "trimmed"))
    assert perfect["planted"]["f1"] == 1.0
    assert perfect["by_kind"]["trimmed"]["recall"] == 1.0
    merged = planted_scores(truth, np.array([5, 5, -1, 5, -1, -1]), kinds, ("original", "exact", "retitled", "trimmed"))
    assert merged["planted"]["tp"] == 1 and merged["planted"]["fp"] == 2 and merged["planted"]["fn"] == 3
    assert merged["by_kind"]["retitled"]["recall"] == 0.0
    assert merged["singletons_clustered"] == 1


def test_synthetic_corpus_is_deterministic_and_planted():
    a, ga, ka = synthetic_corpus(300, seed=3)
    b, gb, kb = synthetic_corpus(300, seed=3)
    assert a == b and (ga == gb).all() and (ka == kb).all()
    assert len({r["id"] for r in a}) == 300
    assert (ka > 0).sum() > 20  # copies were planted
    exact = [i for i in range(300) if ka[i] == 1]
    for i in exact:
        orig = next(j for j in range(300) if ga[j] == ga[i] and ka[j] == 0)
        assert a[i]["text"].split("\n")[0] == a[orig]["text"].split("\n")[0]


@pytest.mark.parametrize("names,expected", [
    (("scale",), ["scale_125k", "scale_250k", "scale_1m"]),
    (("labels", "peer_tfidf"), ["labels", "peer_tfidf"]),
])
def test_select_cases(names, expected):
    assert [c.name for c in select_cases("full", names)] == expected


def test_select_unknown_case():
    with pytest.raises(ValueError, match="unknown case"):
        select_cases("full", ["nope"])


def test_quick_suite_uses_no_shared_data():
    assert {c.name for c in select_cases("quick")} == {"synthetic", "synthetic_lsh_recall", "seeds"}
    for c in select_cases("quick"):
        assert all(n == "seeds:" for n in c.needs)


def test_flatten_skips_lists_and_flags():
    flat = flatten({"wall_s": 2.0, "ok": True, "sweep": {"points": [1, 2]}, "quality": {"x": {"f1": 0.5}}})
    assert flat == {"wall_s": 2.0, "quality.x.f1": 0.5}


@pytest.mark.parametrize("command", ["run", "compare", "report"])
def test_every_bench_command_has_help(command):
    res = CliRunner().invoke(bench, [command, "--help"])
    assert res.exit_code == 0
    assert "Example:" in res.output


def test_report_shows_both_threshold_sweeps_of_the_labels_case():
    shipped = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "full-2026-11-23-s3.json"
    results = load_results(shipped)
    lab = next(c for c in results["cases"] if c["name"] == "labels")
    points = [{**{k: v for k, v in p.items() if k != "dup_bias"}, "contained_bias": p["dup_bias"] - 1.0}
              for p in lab["sweep"]["points"]]
    lab["contained_sweep"] = {"parameter": "verify.contained_bias", "method": "test", "points": points,
                              "default_reproduces_main_fit": True}
    text = markdown_report([results], [shipped.name])
    assert "### Threshold sweep: `verify.dup_bias`" in text
    assert "### Threshold sweep: `verify.contained_bias` (test)" in text
    assert "| contained_bias | dup P |" in text


def test_report_shows_the_teaser_links_case():
    shipped = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "full-2026-11-23-s9.json"
    results = load_results(shipped)
    text = markdown_report([results], [shipped.name])
    section = text.split("## Teaser links on unseen pages (`teasers`)", 1)[1].split("\n## ", 1)[0]
    c = next(c for c in results["cases"] if c["name"] == "teasers")
    assert f"{c['counts']['right']} right" in section and "| respelled |" in section
    assert f"{c['counts']['held_out_to_copy']} to another outlet's copy" in section


def test_candidate_recall_counts_what_each_stage_proposes():
    import random
    from datetime import timedelta

    from conftest import T0, body, filler, record, sentence_blocks

    from dedup.bench import candidate_recall
    from dedup.engine import DedupConfig, Deduplicator
    from dedup.lsh import LSHConfig

    rng = random.Random(0)
    wire, story = sentence_blocks([6, 8], rng)
    roundup = filler(rng, 2500) + "\n" + body(wire) + "\n" + filler(rng, 2500)
    recs = [record("wire", body(wire), source="was"),
            record("roundup", roundup, source="daily", published=T0 + timedelta(hours=3)),
            record("story", body(story), source="was"), record("story-copy", body(story), source="other")]
    recs += [record(f"bg{k}", filler(rng, 80), source=f"bg{k % 4}") for k in range(60)]
    for cfg, proposed in ((DedupConfig(), 1), (DedupConfig(lsh=LSHConfig(containment_sample=0)), 0)):
        res = candidate_recall(Deduplicator(cfg).fit(recs), sample=len(recs))
        cont, dup = res["verified"]["contained"], res["verified"]["dup"]
        assert cont["verified"] == 1 and cont["banding"] == 0  # Jaccard under 0.05: banding cannot see it
        assert cont["banding_or_containment"] == proposed
        # the exact copy is its own representative's twin: proposed by the exact fast path
        assert dup["verified"] == 1 and dup["banding"] == 1 and dup["recall"] == 1.0


def test_report_case_runs_the_related_stage_on_the_scale_corpus(tmp_path):
    # a small scale corpus from synthetic "real" sources; the report_* case is the
    # scale case plus the related stage: the same clusters, and the related sections
    records, _, _ = synthetic_corpus(300, seed=4)
    src = tmp_path / "src.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    generate_scale_corpus([src], 400, tmp_path / "scale-400.jsonl.gz")
    ctx = CaseContext(data=None, seeds=None, work=tmp_path)
    fit_only, whole = _scale_case(400)(ctx), _scale_case(400, related=True)(ctx)
    assert fit_only["summary"] == whole["summary"] and fit_only["quality"] == whole["quality"]
    assert "related" not in fit_only and fit_only["related_status"] == "not requested"
    assert whole["related_status"].endswith("related_sections") and whole["related"]["stories"] > 0
