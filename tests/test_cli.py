"""Tests for the dedup command line (click CliRunner, files in tmp_path)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import EXTRA_SENTENCES, SENTENCES, body, build_planted, records_as_rows, write_jsonl

from dedup.cli import main


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def planted_rows():
    p = build_planted(0)
    return records_as_rows(p.records), p


@pytest.fixture
def corpus(tmp_path, planted_rows):
    rows, p = planted_rows
    path = write_jsonl(tmp_path / "corpus.jsonl", rows)
    return path, rows, p


def run(runner, *args, input=None):
    return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def clusters_of(rep: dict) -> list[list[str]]:
    return sorted(sorted(m["id"] for m in c["members"]) for c in rep["clusters"])


# --------------------------------------------------------------------------- report


def test_report_text(runner, corpus):
    path, rows, p = corpus
    res = run(runner, "report", path)
    assert res.exit_code == 0, res.output
    assert f"articles:          {len(rows)}" in res.stdout
    assert f"clusters:          {len(p.clusters)}" in res.stdout
    assert "read " in res.stdout  # the input summary line


def test_report_json_to_file(runner, corpus, tmp_path):
    path, rows, p = corpus
    out = tmp_path / "report.json"
    res = run(runner, "report", path, "--format", "json", "-o", out)
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    rep = json.loads(out.read_text(encoding="utf-8"))
    assert clusters_of(rep) == sorted(sorted(c) for c in p.clusters)
    assert rep["input"]["used"] == len(rows)
    assert "articles:" in res.stderr  # the summary goes to stderr when the report goes to a file


def test_report_json_to_stdout_is_deterministic(runner, corpus):
    path, _, _ = corpus
    one = run(runner, "report", path, "--format", "json", "-q")
    two = run(runner, "report", path, "--format", "json", "-q")
    assert one.exit_code == 0
    assert one.stdout == two.stdout
    json.loads(one.stdout)


def test_report_from_stdin(runner, planted_rows):
    rows, p = planted_rows
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    res = run(runner, "report", "-", "--format", "json", "-q", input=data.encode("utf-8"))
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert clusters_of(rep) == sorted(sorted(c) for c in p.clusters)


def test_prefer_source(runner, tmp_path):
    story = list(SENTENCES[8:16])
    rows = [
        {"id": "okaz-1", "title": "t", "text": body(story), "source": "okaz", "published": "2024-03-11 08:00:00"},
        {"id": "was-1", "title": "t", "text": body(story[:5] + story[6:]), "source": "was", "published": "2024-03-11 10:00:00"},
        {"id": "sabq-1", "title": "t", "text": body(story + [EXTRA_SENTENCES[1]]), "source": "sabq", "published": "2024-03-11 09:00:00"},
    ]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    plain = json.loads(run(runner, "report", path, "--format", "json", "-q").stdout)
    assert [c["canonical"] for c in plain["clusters"]] == ["okaz-1"]
    res = run(runner, "report", path, "--format", "json", "-q", "--prefer-source", "spa, was")
    rep = json.loads(res.stdout)
    assert [c["canonical"] for c in rep["clusters"]] == ["was-1"]
    assert rep["settings"]["prefer_sources"] == ["spa", "was"]
    kept = tmp_path / "kept.jsonl"
    assert run(runner, "canonical", path, "-o", kept, "-q", "--prefer-source", "was").exit_code == 0
    assert [json.loads(x)["id"] for x in kept.read_text(encoding="utf-8").splitlines()] == ["was-1"]


@pytest.mark.parametrize("command", ["report", "canonical"])
def test_bands_times_rows_above_num_perm_is_an_error(runner, corpus, tmp_path, command):
    path, _, _ = corpus
    extra = ["-o", tmp_path / "k.jsonl"] if command == "canonical" else []
    res = run(runner, command, path, "--bands", "10", "--rows", "20", *extra)
    assert res.exit_code != 0
    assert "bands*rows = 200 exceeds num_perm = 128" in res.output
    # with enough permutations the same override is fine
    res = run(runner, command, path, "--bands", "10", "--rows", "20", "--num-perm", "256", "-q", *extra)
    assert res.exit_code == 0, res.output


def test_bands_without_rows_is_an_error(runner, corpus):
    path, _, _ = corpus
    res = run(runner, "report", path, "--bands", "10")
    assert res.exit_code != 0
    assert "bands and rows" in res.output


def test_engine_flags_reach_the_settings(runner, corpus):
    path, _, _ = corpus
    res = run(runner, "report", path, "--format", "json", "-q", "--threshold", "0.4", "--num-perm", "64",
              "--ngram", "4", "--seed", "3")
    s = json.loads(res.stdout)["settings"]
    assert (s["lsh"]["threshold"], s["minhash"]["num_perm"], s["shingle"]["ngram"], s["minhash"]["seed"]) == (0.4, 64, 4, 3)


def test_workers_reach_the_engine_and_change_nothing_in_the_report(runner, corpus, monkeypatch):
    # threads and tokenizer processes are a speed setting: the report (settings
    # included) is byte-identical for any count (the chunked stages' own tests
    # compare 1 and several workers on many chunks)
    import dedup.cli as cli_module

    seen = []
    real_fit = cli_module._fit
    monkeypatch.setattr(cli_module, "_fit", lambda result, config, quiet: seen.append(config.minhash.workers)
                        or real_fit(result, config, quiet))
    path, _, _ = corpus
    outs = {w: run(runner, "report", path, "--format", "json", "-q", "--workers", str(w)) for w in (1, 3)}
    assert all(r.exit_code == 0 for r in outs.values()), outs
    assert seen == [1, 3]
    assert outs[1].stdout == outs[3].stdout
    res = run(runner, "report", path, "--workers", "0")
    assert res.exit_code != 0 and "workers must be positive" in res.output


# --------------------------------------------------------------------------- canonical


def read_jsonl_lines(path):
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_canonical_invariant(runner, corpus, tmp_path):
    path, rows, p = corpus
    kept, dropped = tmp_path / "kept.jsonl", tmp_path / "dropped.jsonl"
    res = run(runner, "canonical", path, "-o", kept, "--dropped", dropped)
    assert res.exit_code == 0, res.output
    kept_lines, dropped_rows = read_jsonl_lines(kept), [json.loads(x) for x in read_jsonl_lines(dropped)]
    kept_ids = [json.loads(x)["id"] for x in kept_lines]
    dropped_ids = [r["id"] for r in dropped_rows]
    assert sorted(kept_ids + dropped_ids) == sorted(r["id"] for r in rows)
    assert len(set(kept_ids)) == len(kept_ids) and not set(kept_ids) & set(dropped_ids)
    # kept records byte for byte as read (unknown fields included)
    input_lines = {r["id"]: json.dumps(r, ensure_ascii=False) for r in rows}
    assert all(line == input_lines[rid] for rid, line in zip(kept_ids, kept_lines))
    assert set(dropped_ids) == {rid for rid, rel in p.relations.items() if rel != "canonical"}
    for r in dropped_rows:
        assert r["duplicate_of"] in kept_ids and r["relation"] in ("exact", "dup", "contained")
        assert r["author"] == next(x for x in rows if x["id"] == r["id"])["author"]
    assert f"kept {len(kept_ids)} records" in res.stderr


@pytest.mark.parametrize("name,expected", [("kept.jsonl", "kept.dropped.jsonl"), ("kept.out", "kept.out.dropped.jsonl")])
def test_canonical_default_dropped_path(runner, corpus, tmp_path, name, expected):
    path, rows, _ = corpus
    kept = tmp_path / name
    res = run(runner, "canonical", path, "-o", kept, "-q")
    assert res.exit_code == 0, res.output
    dropped = tmp_path / expected
    assert dropped.exists()
    assert len(read_jsonl_lines(kept)) + len(read_jsonl_lines(dropped)) == len(rows)


def test_canonical_lists_what_the_reader_skipped(runner, corpus, tmp_path):
    """kept + dropped + skipped = every input unit, and a skipped record is kept as read."""
    path, rows, _ = corpus
    extra = [json.dumps(rows[0], ensure_ascii=False), '{"id": "broken", "text": ', "[1, 2]",
             json.dumps({"body": "no id"}, ensure_ascii=False)]
    src = tmp_path / "with_bad.jsonl"
    src.write_text(path.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
    kept = tmp_path / "k.jsonl"
    res = run(runner, "canonical", src, "-o", kept)
    skipped = [json.loads(x) for x in read_jsonl_lines(tmp_path / "k.skipped.jsonl")]
    n = len(rows)
    assert [(s["line"], s["reason"]) for s in skipped] == [(n + 1, "duplicate-id"), (n + 2, "malformed-json"),
                                                           (n + 3, "not-an-object"), (n + 4, "missing-id")]
    assert skipped[0]["raw"] == rows[0] and skipped[1]["raw"] == '{"id": "broken", "text": '
    assert skipped[2]["raw"] == [1, 2] and skipped[3]["raw"] == {"body": "no id"}
    total = len(read_jsonl_lines(kept)) + len(read_jsonl_lines(tmp_path / "k.dropped.jsonl")) + len(skipped)
    assert total == n + len(extra)
    assert f"4 skipped input records listed in {tmp_path / 'k.skipped.jsonl'}" in res.stderr
    # nothing skipped: no file, unless asked for
    run(runner, "canonical", path, "-o", tmp_path / "c.jsonl", "-q")
    assert not (tmp_path / "c.skipped.jsonl").exists()
    run(runner, "canonical", path, "-o", tmp_path / "d.jsonl", "--skipped", tmp_path / "s.jsonl", "-q")
    assert (tmp_path / "s.jsonl").read_text(encoding="utf-8") == ""
    clash = runner.invoke(main, ["canonical", str(path), "-o", str(kept), "--skipped", str(kept)])
    assert clash.exit_code != 0 and "--skipped names the same file as -o" in clash.output


def test_canonical_needs_output(runner, corpus):
    path, _, _ = corpus
    res = run(runner, "canonical", path)
    assert res.exit_code != 0
    assert "--output" in res.output


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def with_bad_line(tmp_path, planted_rows):
    rows, _ = planted_rows
    lines = [json.dumps(r, ensure_ascii=False) for r in rows[:4]]
    lines.insert(2, '{"id": "broken", "text": ')
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["report", "canonical", "segment"])
def test_strict_stops_at_a_malformed_line_and_names_it(runner, with_bad_line, tmp_path, command):
    extra = ["-o", tmp_path / "k.jsonl"] if command == "canonical" else []
    res = run(runner, command, with_bad_line, "--strict", *extra)
    assert res.exit_code != 0
    assert f"{with_bad_line}:3" in res.output
    assert "Traceback" not in res.output


def test_without_strict_the_bad_line_is_reported_and_skipped(runner, with_bad_line):
    res = run(runner, "report", with_bad_line, "--format", "json")
    assert res.exit_code == 0
    assert f"{with_bad_line}:3" in res.stderr
    rep = json.loads(res.stdout)
    assert [(s["line"], s["reason"]) for s in rep["skipped"]] == [(3, "malformed-json")]
    assert rep["summary"]["articles"] == 4


def test_missing_input_is_a_clear_error(runner, tmp_path):
    res = run(runner, "report", tmp_path / "nope.jsonl")
    assert res.exit_code != 0 and "nope.jsonl" in res.output
    res = run(runner, "report")
    assert res.exit_code != 0 and "INPUT" in res.output


def test_title_only_records_from_a_file_never_cluster(runner, tmp_path):
    title = "وزير الصحة يفتتح مستشفى جديدا للأطفال في مدينة تبوك بسعة ثلاثمئة سرير ووحدات متقدمة"
    rows = [{"id": f"t{k}", "title": title, "text": "", "source": f"s{k}"} for k in range(5)]
    path = write_jsonl(tmp_path / "titles.jsonl", rows)
    rep = json.loads(run(runner, "report", path, "--format", "json", "-q").stdout)
    assert rep["clusters"] == [] and rep["unique"] == [f"t{k}" for k in range(5)]


@pytest.mark.parametrize("header", ["id,title,text,source", "ID,Title,Text,Source", "key;headline;Body;site"])
def test_csv_bodies_cluster_whatever_the_header_calls_them(runner, corpus, tmp_path, header):
    """A capitalised or mapped text column is a body like any other (it used to count as no body)."""
    _, rows, p = corpus
    names = header.replace(";", ",").split(",")
    sep = ";" if ";" in header else ","
    lines = [header] + [sep.join('"' + str(r[k] or "").replace('"', '""') + '"' for k in ("id", "title", "text", "source"))
                        for r in rows]
    path = tmp_path / "corpus.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    flags = [] if names[0].lower() == "id" else ["--field", f"id={names[0]}", "--field", f"title={names[1]}",
                                                  "--field", f"text={names[2]}", "--field", f"source={names[3]}"]
    rep = json.loads(run(runner, "report", path, "--format", "json", "-q", *flags).stdout)
    assert clusters_of(rep) == sorted(sorted(c) for c in p.clusters)
    assert rep["summary"]["no_body"] == sum(1 for r in rows if not r["text"])  # only the empty bodies


# --------------------------------------------------------------------------- segment

PAGE = """الأفق| أخبار
وزير الصحة يفتتح مستشفى جديدا للأطفال في تبوك
{body}

مقالات مشابهة

  • انطلاق معرض الرياض الدولي للكتاب
  • عقد لإنشاء محطة شمسية في سدير
"""


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "ofoq_001.txt"
    path.write_text(PAGE.format(body=body(SENTENCES[7:10])), encoding="utf-8")
    return path


def test_segment_jsonl(runner, page):
    res = run(runner, "segment", page, "--format", "jsonl", "-q")
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert rows, "the page yields records"
    for r in rows:
        assert {"id", "kind", "page", "title", "text", "source", "published", "tags"} <= set(r)
        assert r["page"] == "ofoq_001" and r["id"].startswith("ofoq_001#")
    assert rows[0]["kind"] == "main"
    assert SENTENCES[8] in rows[0]["text"]
    teasers = [r for r in rows if r["kind"] == "teaser"]
    assert [t["title"] for t in teasers] == ["انطلاق معرض الرياض الدولي للكتاب", "عقد لإنشاء محطة شمسية في سدير"]
    assert all(t["text"] == "" for t in teasers)


def test_segment_text(runner, page):
    res = run(runner, "segment", page, "-q")
    assert res.exit_code == 0
    assert "=== ofoq_001#0  [main]" in res.stdout
    assert SENTENCES[8] in res.stdout


def test_segment_from_stdin(runner):
    data = PAGE.format(body=body(SENTENCES[7:10])).encode("utf-8")
    res = run(runner, "segment", "-", "--format", "jsonl", "-q", input=data)
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert rows[0]["kind"] == "main" and SENTENCES[8] in rows[0]["text"]


# --------------------------------------------------------------------------- --field


def test_field_maps_other_names_in_every_command(runner, corpus, tmp_path):
    path, rows, p = corpus
    other = [{("article_id" if k == "id" else "content" if k == "text" else k): v for k, v in r.items()} for r in rows]
    src = write_jsonl(tmp_path / "other.jsonl", other)
    flags = ["--field", "id=article_id", "--field", "text=content"]
    res = run(runner, "report", src, "--format", "json", "-q", *flags)
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert clusters_of(rep) == sorted(sorted(c) for c in p.clusters) and rep["skipped"] == []
    kept, dropped = tmp_path / "k.jsonl", tmp_path / "d.jsonl"
    assert run(runner, "canonical", src, "-o", kept, "--dropped", dropped, "-q", *flags).exit_code == 0
    out = [json.loads(x) for f in (kept, dropped) for x in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(o["article_id"] for o in out) == sorted(o["article_id"] for o in other)
    assert all("content" in o and "text" not in o for o in out)  # records keep their own names
    some = rep["clusters"][0]["canonical"]
    assert run(runner, "related", some, "-i", src, "-q", *flags).exit_code == 0


@pytest.mark.parametrize("value, why", [("text", "expected FIELD=KEY"), ("body=content", "not a record field")])
def test_bad_field_is_a_usage_error(runner, corpus, value, why):
    path, _, _ = corpus
    res = runner.invoke(main, ["report", str(path), "--field", value])
    assert res.exit_code == 2 and "--field" in res.output and why in res.output


def test_date_order_flag(runner, tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "text": "نص الخبر", "published": "12/03/2023"}])
    plain = run(runner, "canonical", path, "-o", tmp_path / "k.jsonl")
    assert "say which comes first (--date-order dmy or mdy)" in plain.stderr
    res = run(runner, "report", path, "--format", "json", "-q", "--date-order", "dmy", "--field", "title=headline")
    rep = json.loads(res.stdout)
    assert rep["warnings"] == [] and rep["input"]["date_order"] == "dmy"  # the report says how it read
    assert rep["input"]["fields"] == {"title": "headline"}
    bad = runner.invoke(main, ["report", str(path), "--date-order", "ymd"])
    assert bad.exit_code == 2 and "--date-order" in bad.output


# --------------------------------------------------------------------------- outputs never overwrite inputs


def test_report_refuses_to_overwrite_its_input(runner, corpus):
    path, rows, _ = corpus
    before = path.read_bytes()
    res = runner.invoke(main, ["report", str(path), "--format", "json", "-o", str(path), "-q"])
    assert res.exit_code != 0 and "would overwrite the input file" in res.output and str(path) in res.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("how", ["kept", "dropped", "default dropped", "in input dir", "symlink"])
def test_canonical_refuses_outputs_that_are_inputs(runner, corpus, tmp_path, how):
    path, rows, _ = corpus
    before = path.read_bytes()
    args = ["canonical", str(path), "-q"]
    if how == "kept":
        args += ["-o", str(path), "--dropped", str(tmp_path / "d.jsonl")]
    elif how == "dropped":
        args += ["-o", str(tmp_path / "k.jsonl"), "--dropped", str(path)]
    elif how == "default dropped":  # -o k.jsonl drops into k.dropped.jsonl, here an input
        data = tmp_path / "k.dropped.jsonl"
        data.write_bytes(before)
        path, args = data, ["canonical", str(data), "-q", "-o", str(tmp_path / "k.jsonl")]
    elif how == "in input dir":
        args = ["canonical", str(tmp_path), "-q", "-o", str(path)]
    else:
        link = tmp_path / "out" / "link.jsonl"
        link.parent.mkdir()
        link.symlink_to(path)
        args += ["-o", str(link)]
    res = runner.invoke(main, args)
    assert res.exit_code != 0 and "would overwrite" in res.output, res.output
    assert path.read_bytes() == before


def test_canonical_refuses_one_file_for_kept_and_dropped(runner, corpus, tmp_path):
    path, _, _ = corpus
    out = tmp_path / "k.jsonl"
    res = runner.invoke(main, ["canonical", str(path), "-q", "-o", str(out), "--dropped", str(tmp_path / "." / "k.jsonl")])
    assert res.exit_code != 0 and "--dropped names the same file as -o" in res.output
    assert not out.exists()


# --------------------------------------------------------------------------- scraped text on a terminal

#: An escape sequence that would clear the screen, recolour text and retitle the window.
HOSTILE = "\x1b[2J\x1b[31m\x1b]0;pwned\x07\x9b"


def hostile_rows():
    text = body(SENTENCES[:4])
    return [
        {"id": "a" + HOSTILE, "title": "عنوان" + HOSTILE + "\nسطر مزور", "text": text, "source": "src" + HOSTILE},
        {"id": "b", "title": "عنوان آخر", "text": text + " وأكثر.", "source": "b"},
    ]


def assert_terminal_safe(out: str, lines: bool = True):
    for ch in ("\x1b", "\x07", "\x9b"):
        assert ch not in out
    assert "\\x1b[2J" in out  # shown, escaped
    if lines:
        assert "\nسطر مزور" not in out  # a newline in a title does not start a line


def test_report_text_escapes_scraped_control_characters(runner, tmp_path):
    path = write_jsonl(tmp_path / "h.jsonl", hostile_rows())
    res = run(runner, "report", path, "-q")
    assert res.exit_code == 0, res.output
    assert_terminal_safe(res.stdout)
    assert "src\\x1b[2J" in res.stdout  # the source line too


def test_related_text_escapes_scraped_control_characters(runner, tmp_path):
    path = write_jsonl(tmp_path / "h.jsonl", hostile_rows())
    res = run(runner, "related", "b", "-i", path, "-q")
    assert res.exit_code == 0, res.output
    assert "a\\x1b[2J" in res.stdout
    assert_terminal_safe(res.stdout)
    miss = runner.invoke(main, ["related", "a", "-i", str(path), "-q"])  # "did you mean" lists ids
    assert miss.exit_code != 0 and "Did you mean" in miss.output
    assert_terminal_safe(miss.output)


def test_segment_text_escapes_control_characters_and_keeps_paragraphs(runner, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(PAGE.format(body=body(SENTENCES[7:9]) + HOSTILE + "\n" + SENTENCES[9]), encoding="utf-8")
    res = run(runner, "segment", path, "-q")
    assert res.exit_code == 0, res.output
    assert_terminal_safe(res.stdout, lines=False)
    assert SENTENCES[8] in res.stdout and "\n" + SENTENCES[9] in res.stdout  # paragraphs stay lines


# --------------------------------------------------------------------------- quiet


@pytest.mark.parametrize(
    "args",
    [
        ["report", "{bad}"],
        ["report", "{bad}", "--format", "json", "-o", "{tmp}/r.json"],
        ["canonical", "{bad}", "-o", "{tmp}/k.jsonl"],
        ["segment", "{page}", "--format", "jsonl"],
    ],
)
def test_quiet_prints_nothing_on_stderr(runner, with_bad_line, page, tmp_path, args):
    args = [a.format(bad=with_bad_line, tmp=tmp_path, page=page) for a in args]
    loud = run(runner, *args)
    assert loud.exit_code == 0 and loud.stderr != ""
    quiet = run(runner, *args, "-q")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


def test_version(runner):
    res = run(runner, "--version")
    assert res.exit_code == 0 and "dedup" in res.output
