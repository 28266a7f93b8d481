"""Tests for dedup.io: formats, bad input, counts, order. Fixtures are written into tmp_path."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import os
import random
from pathlib import Path

import pytest

import dedup.io as dio
from dedup.io import REASONS, InputError, Issue, ReadResult, iter_records, read_inputs
from dedup.record import Record

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

GOOD = {"id": "spa-1", "title": "أمير الرياض يفتتح معرض الكتاب", "text": "افتتح أمير منطقة الرياض اليوم معرض الكتاب.",
        "source": "was", "url": "https://example.sa/1", "published": "2015-07-21 02:51:32"}


def jline(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def rec(i, **kw) -> dict:
    return {**GOOD, "id": f"r{i}", **kw}


def invariant(result: ReadResult) -> None:
    assert result.read == result.used() + sum(result.skipped().values())


def fake_segmenter(text: str, page_id: str, *, origin: str | None = None, day_first: bool | None = None) -> list[Record]:
    """Stand-in for dedup.segment.segment_page: one record per blank-line-separated block."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return [Record(id=f"{page_id}#{i}", text=b, kind="main" if i == 0 else "embedded", page=page_id, origin=origin)
            for i, b in enumerate(blocks)]


@pytest.fixture
def pages(monkeypatch):
    monkeypatch.setattr(dio, "_segment_page", fake_segmenter)


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_fields_origin_and_raw(tmp_path):
    row = {"id": 42, "source": "alriyadh", "title": "عنوان", "author": "الرياض: واس", "text": "نص", "url": "u",
           "published": "Sun, 18 Feb 2018 21:35:43 +0400", "tags": ["a", "b"]}
    path = write(tmp_path / "a.jsonl", jline(row) + "\n")
    result = read_inputs([path])
    assert result.issues == []
    (r,) = result.records
    assert r.id == "42" and r.title == "عنوان" and r.text == "نص" and r.source == "alriyadh" and r.url == "u"
    assert r.published.isoformat() == "2018-02-18T17:35:43+00:00"
    assert r.published_raw == "Sun, 18 Feb 2018 21:35:43 +0400"
    assert r.kind == "article" and r.origin == f"{path}:1"
    assert list(r.raw.items()) == list(row.items())  # every field, in input order
    assert r.to_dict() == row  # exports write it back untouched


@pytest.mark.parametrize("ext", [".jsonl", ".json", ".ndjson", ".JSONL"])
def test_jsonl_extensions(tmp_path, ext):
    path = write(tmp_path / f"a{ext}", jline(rec(1)) + "\n")
    assert [r.id for r in read_inputs([path]).records] == ["r1"]


def test_blank_lines_are_not_records_and_keep_line_numbers(tmp_path):
    path = write(tmp_path / "a.jsonl", "\n" + jline(rec(1)) + "\n  \n\r\n" + jline(rec(2)) + "\n\n")
    result = read_inputs([path])
    assert [r.origin for r in result.records] == [f"{path}:2", f"{path}:5"]
    assert result.issues == [] and result.read == 2


def test_blank_title_source_url_become_none(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(rec(1, title=" ", source="", url=None)) + "\n")
    (r,) = read_inputs([path]).records
    assert (r.title, r.source, r.url) == (None, None, None)


def test_published_missing_or_empty_is_none_without_issue(tmp_path):
    row = rec(1)
    del row["published"]
    path = write(tmp_path / "a.jsonl", jline(row) + "\n" + jline(rec(2, published="")) + "\n")
    result = read_inputs([path])
    assert result.issues == []
    assert [(r.published, r.published_raw) for r in result.records] == [(None, None), (None, "")]


# One row per bad-input case: the line as written, its reason, and whether the record is kept.
BAD_LINES = [
    ('{"id": "x", "text": "a"', "malformed-json", False),
    ('{"id": "x" "text": "a"}', "malformed-json", False),
    ('{"id": "x", "text": "a", "n": ' + "9" * 5000 + "}", "malformed-json", False),
    ("[" * 100_000 + "]" * 100_000, "malformed-json", False),
    ('["x", "a"]', "not-an-object", False),
    ('"just a string"', "not-an-object", False),
    ('{"title": "t", "text": "a"}', "missing-id", False),
    ('{"id": null, "text": "a"}', "missing-id", False),
    ('{"id": "  ", "text": "a"}', "missing-id", False),
    ('{"id": ["x"], "text": "a"}', "missing-id", False),
    ('{"id": true, "text": "a"}', "missing-id", False),
    ('{"id": "x", "text": ["p1", "p2"]}', "bad-field", False),
    ('{"id": "x", "title": {"ar": "t"}, "text": "a"}', "bad-field", False),
    ('{"id": "x", "title": "", "text": " "}', "empty-record", False),
    ('{"id": "x", "title": null}', "empty-record", False),
    ('{"id": "x", "title": "عنوان فقط", "text": ""}', "empty-text", True),
    ('{"id": "x", "title": "عنوان فقط"}', "empty-text", True),
    ('{"id": "x", "text": "a", "published": "قبل ساعتين"}', "bad-date", True),
    ('{"id": "x", "text": "a", "published": 1697700000}', "bad-date", True),
]


@pytest.mark.parametrize("line, reason, kept", BAD_LINES)
def test_bad_jsonl_line_is_reported_with_file_and_line(tmp_path, line, reason, kept):
    path = write(tmp_path / "bad.jsonl", jline(rec(1)) + "\n\n" + line + "\n" + jline(rec(2)) + "\n")
    result = read_inputs([path])
    (issue,) = result.issues
    assert issue.reason == reason and issue.line == 3 and issue.path == path
    assert issue.skipped is (not kept) and REASONS[reason][0] is issue.skipped
    assert str(issue).startswith(f"{path}:3: ")
    ids = [r.id for r in result.records]
    assert ids == (["r1", "x", "r2"] if kept else ["r1", "r2"])
    assert result.read == 3
    invariant(result)


@pytest.mark.parametrize("line, reason, kept", BAD_LINES)
def test_strict_raises_at_the_first_issue(tmp_path, line, reason, kept):
    path = write(tmp_path / "bad.jsonl", jline(rec(1)) + "\n" + line + "\n" + "{broken\n")
    with pytest.raises(InputError) as info:
        read_inputs([path], strict=True)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.path, err.line, err.reason) == (path, 2, reason)
    assert str(err).startswith(f"{path}:2: ")
    # the run stops: the error does not also say what a normal run does next
    message = str(err)
    assert message.endswith("(stopped: strict mode stops at the first issue)")
    for next_step in ("skipped", "left empty", "using its title"):
        assert next_step not in message, message


def test_empty_text_falls_back_to_title(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(rec(1, text="  ", title="عنوان الخبر")) + "\n")
    result = read_inputs([path])
    (r,) = result.records
    assert r.text == "عنوان الخبر" and r.title == "عنوان الخبر"
    assert r.raw["text"] == "  "  # written back as read
    assert result.warnings() == {"empty-text": 1} and result.skipped() == {}


def test_bad_date_keeps_the_record_and_the_raw_string(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(rec(1, published="منذ ساعة")) + "\n")
    result = read_inputs([path])
    (r,) = result.records
    assert r.published is None and r.published_raw == "منذ ساعة"
    (issue,) = result.issues
    assert issue.reason == "bad-date" and "منذ ساعة" in issue.message and "r1" in issue.message


def test_warnings_and_skips_combine_on_one_record(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(rec(1, text="", published="bad")) + "\n")
    result = read_inputs([path])
    assert [i.reason for i in result.issues] == ["empty-text", "bad-date"]
    assert result.used() == 1


# --------------------------------------------------------------------------- duplicate ids


def test_duplicate_id_within_a_file(tmp_path):
    path = write(tmp_path / "a.jsonl", "\n".join(jline(rec(i, text=f"t{i}")) for i in (1, 2, 1)) + "\n")
    result = read_inputs([path])
    assert [r.text for r in result.records] == ["t1", "t2"]  # the first is kept, never merged
    (issue,) = result.issues
    assert (issue.reason, issue.line, issue.skipped) == ("duplicate-id", 3, True)
    assert f"{path}:1" in issue.message
    invariant(result)


def test_duplicate_id_across_files_and_formats(tmp_path):
    a = write(tmp_path / "a.jsonl", jline(rec(1)) + "\n")
    b = write(tmp_path / "b.csv", "id,text\nr2,x\nr1,y\n")
    result = read_inputs([a, b])
    assert [r.id for r in result.records] == ["r1", "r2"]
    (issue,) = result.issues
    assert issue.path == b and issue.line == 3 and f"{a}:1" in issue.message


def test_numeric_and_string_ids_collide(tmp_path):
    path = write(tmp_path / "a.jsonl", '{"id": 7, "text": "a"}\n{"id": "7", "text": "b"}\n')
    assert read_inputs([path]).skipped() == {"duplicate-id": 1}


def test_same_file_twice_skips_every_record_the_second_time(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(rec(1)) + "\n" + jline(rec(2)) + "\n")
    result = read_inputs([path, path])
    assert result.used() == 2 and result.skipped() == {"duplicate-id": 2} and result.read == 4


# --------------------------------------------------------------------------- encodings


def test_cp1256_fallback_warns_once_with_the_first_line(tmp_path):
    lines = [jline(rec(1)).encode("utf-8"),
             jline(rec(2, title="وزير الخارجية")).encode("cp1256"),
             jline(rec(3, title="مجلس الوزراء")).encode("cp1256")]
    path = write(tmp_path / "a.jsonl", b"\n".join(lines) + b"\n")
    result = read_inputs([path])
    assert [r.title for r in result.records][1:] == ["وزير الخارجية", "مجلس الوزراء"]
    (issue,) = result.issues
    assert (issue.reason, issue.line, issue.skipped) == ("encoding", 2, False)
    assert "Windows-1256" in issue.message
    with pytest.raises(InputError, match=r"a\.jsonl:2: "):
        read_inputs([path], strict=True)


def test_cp1256_csv(tmp_path):
    path = write(tmp_path / "a.csv", "id,title,text\nc1,عنوان,نص الخبر\n".encode("cp1256"))
    result = read_inputs([path])
    assert result.records[0].text == "نص الخبر"
    assert [(i.reason, i.line) for i in result.issues] == [("encoding", 2)]


def test_cp1256_page(tmp_path, pages):
    path = write(tmp_path / "p.txt", "عنوان\n\nنص الخبر".encode("cp1256"))
    result = read_inputs([path])
    assert [r.text for r in result.records] == ["عنوان", "نص الخبر"]
    assert [(i.reason, i.line) for i in result.issues] == [("encoding", 1)]


@pytest.mark.parametrize("name, content", [
    ("a.jsonl", jline(GOOD) + "\n"),
    ("a.csv", "id,title,text\nspa-1,أمير الرياض يفتتح معرض الكتاب,نص\n"),
])
def test_utf8_bom_is_dropped_silently(tmp_path, name, content):
    path = write(tmp_path / name, b"\xef\xbb\xbf" + content.encode("utf-8"))
    result = read_inputs([path])
    assert result.issues == []
    assert result.records[0].id == "spa-1"
    assert "\ufeff" not in "".join(result.records[0].raw)


# --------------------------------------------------------------------------- gzip, binary, empty


def test_gzip_jsonl_and_csv(tmp_path):
    a = write(tmp_path / "a.jsonl.gz", gzip.compress((jline(rec(1)) + "\n" + jline(rec(2)) + "\n").encode()))
    b = write(tmp_path / "b.csv.gz", gzip.compress("id,text\nc1,نص\n".encode()))
    result = read_inputs([a, b])
    assert [r.origin for r in result.records] == [f"{a}:1", f"{a}:2", f"{b}:2"]
    assert result.issues == []


def test_truncated_gzip_keeps_what_was_read_and_reports_the_rest(tmp_path):
    body = "".join(jline(rec(i, text="نص " * 200)) + "\n" for i in range(300)).encode()
    data = gzip.compress(body)
    path = write(tmp_path / "a.jsonl.gz", data[: len(data) // 2])
    result = read_inputs([path])
    assert 0 < result.used() < 300
    (issue,) = result.issues
    assert issue.reason == "binary-file" and "truncated" in issue.message
    invariant(result)


@pytest.mark.parametrize("name, content, hint", [
    ("a.jsonl.gz", jline(GOOD) + "\n", "gzip"),                     # not gzip despite the name
    ("a.jsonl", b"\x00\x01\x02binary\x00", "NUL"),
    ("a.jsonl", jline(GOOD).encode("utf-16"), "UTF-16"),
    ("a.csv", gzip.compress(b"id,text\n1,a\n"), "gzip-compressed"),  # gzip without .gz
    ("p.txt", b"PK\x03\x04\x00\x00zip", "NUL"),
])
def test_binary_files(tmp_path, pages, name, content, hint):
    path = write(tmp_path / name, content)
    result = read_inputs([path])
    assert result.records == []
    (issue,) = result.issues
    assert issue.reason == "binary-file" and issue.path == path and hint in issue.message
    with pytest.raises(InputError) as info:
        read_inputs([path], strict=True)
    assert info.value.reason == "binary-file"


@pytest.mark.parametrize("name, content", [
    ("a.jsonl", ""), ("a.jsonl", "\n  \n"), ("a.jsonl.gz", gzip.compress(b"")),
    ("a.csv", ""), ("a.csv", "id,title,text\n"), ("p.txt", " \n\n"),
])
def test_empty_files(tmp_path, pages, name, content):
    path = write(tmp_path / name, content)
    result = read_inputs([path])
    assert [(i.reason, i.path, i.line, i.skipped) for i in result.issues] == [("empty-file", path, None, False)]
    assert str(result.issues[0]).startswith(f"{path}: ")
    assert result.read == 0


# --------------------------------------------------------------------------- usage errors


def test_missing_path_raises_even_when_not_strict(tmp_path):
    good = write(tmp_path / "a.jsonl", jline(GOOD) + "\n")
    missing = str(tmp_path / "nope.jsonl")
    with pytest.raises(InputError) as info:
        read_inputs([good, missing])
    assert info.value.path == missing and info.value.reason == "missing-path"
    assert str(info.value).startswith(f"{missing}: ")


def test_unknown_extension_raises_listing_accepted_ones(tmp_path):
    path = write(tmp_path / "a.xlsx", "x")
    with pytest.raises(InputError, match=r"\.jsonl\.gz.*\.csv.*") as info:
        read_inputs([path])
    assert info.value.reason == "unknown-format"


def test_stdin_twice_raises():
    with pytest.raises(InputError, match="more than once"):
        read_inputs(["-", "-"], stdin=io.BytesIO(b""))


def test_no_inputs_is_an_empty_result():
    result = read_inputs([])
    assert (result.used(), result.read, result.issues) == (0, 0, [])


# --------------------------------------------------------------------------- CSV


def test_csv_quoted_multiline_reports_start_lines(tmp_path):
    content = ('id,title,text,published,category\n'
               'c1,عنوان,"سطر أول\nسطر ثان، مع فاصلة\nسطر ثالث",2015-07-21 02:51:32,محليات\n'
               'c2,"عنوان ""مقتبس""",نص قصير,,رياضة\n'
               'c3,,,,\n')
    path = write(tmp_path / "a.csv", content)
    result = read_inputs([path])
    assert [r.origin for r in result.records] == [f"{path}:2", f"{path}:5"]
    assert result.records[0].text == "سطر أول\nسطر ثان، مع فاصلة\nسطر ثالث"
    assert result.records[1].title == 'عنوان "مقتبس"'
    assert result.records[0].raw == {"id": "c1", "title": "عنوان", "text": result.records[0].text,
                                     "published": "2015-07-21 02:51:32", "category": "محليات"}
    assert result.records[1].published is None and result.records[1].published_raw == ""
    assert [(i.reason, i.line) for i in result.issues] == [("empty-record", 6)]
    invariant(result)


def test_csv_crlf_and_case_insensitive_header(tmp_path):
    path = write(tmp_path / "a.csv", "ID,Title,Text,Source\r\nc1,t,\"a\r\nb\",okaz\r\nc2,t2,x,sabq\r\n")
    result = read_inputs([path])
    assert [(r.id, r.source) for r in result.records] == [("c1", "okaz"), ("c2", "sabq")]
    assert list(result.records[0].raw) == ["ID", "Title", "Text", "Source"]
    assert result.records[1].origin == f"{path}:4"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_header_sets_the_delimiter(tmp_path, delimiter):
    """Spreadsheets in many locales write ';'; the header's own delimiter is used."""
    d = delimiter
    content = (f"\n\nID{d}title{d}text\nc1{d}t{d}\"a{d} b, c\"\nc2{d}t{d}x{d}extra\nc3{d}t{d},\n")
    path = write(tmp_path / "a.csv", content)
    result = read_inputs([path])
    assert [(r.id, r.text) for r in result.records] == [("c1", f"a{d} b, c"), ("c3", ",")]
    (issue,) = result.issues  # line numbers count the blank lines before the header
    assert (issue.reason, issue.line) == ("bad-row", 5)
    assert {"\t": "tabs", ";": "semicolons", "|": "'|'"}[d] in issue.message
    invariant(result)


@pytest.mark.parametrize("content, reason, line", [
    ("id,text\nc1,a\nc2,a,extra\nc3,b\n", "bad-row", 3),
    ("id,title,text\nc1,t,a\nc2,t\nc3,t,b\n", "bad-row", 3),
    ('id,text\nc1,a\nc2,"x"y\nc3,b\n', "malformed-csv", 3),
    ("id,text\nc1,a\n,no id\nc3,b\n", "missing-id", 3),
])
def test_bad_csv_rows(tmp_path, content, reason, line):
    path = write(tmp_path / "a.csv", content)
    result = read_inputs([path])
    (issue,) = result.issues
    assert (issue.reason, issue.line, issue.path) == (reason, line, path)
    assert [r.id for r in result.records] == ["c1", "c3"]
    invariant(result)


def test_csv_unclosed_quote_is_reported_at_its_start(tmp_path):
    path = write(tmp_path / "a.csv", 'id,text\nc1,a\nc2,"never closed\nc3,b\nc4,c\n')
    result = read_inputs([path])
    assert [r.id for r in result.records] == ["c1"]
    (issue,) = result.issues
    assert (issue.reason, issue.line) == ("malformed-csv", 3) and "unclosed quote" in issue.message
    invariant(result)


@pytest.mark.parametrize("header, why", [("title,text", "does not name id"), ("id,title", "does not name text"),
                                         ("id,text,Text", "repeats")])
def test_csv_bad_header(tmp_path, header, why):
    path = write(tmp_path / "a.csv", header + "\na,b,c\n")
    result = read_inputs([path])
    (issue,) = result.issues
    assert (issue.reason, issue.line, issue.skipped) == ("bad-header", 1, False) and why in issue.message


def test_csv_long_cells(tmp_path):
    text = "كلمة " * 60_000  # beyond the csv module's 128 KB default field limit
    path = write(tmp_path / "a.csv", f"id,text\nc1,{text}\n")
    assert read_inputs([path]).records[0].text == text


# --------------------------------------------------------------------------- stdin


def test_stdin_jsonl():
    data = ("\n  " + jline(rec(1)) + "\n" + jline(rec(2)) + "\n").encode()
    result = read_inputs(["-"], stdin=io.BytesIO(data))
    assert [r.origin for r in result.records] == ["<stdin>:2", "<stdin>:3"]
    assert result.files == 1


def test_stdin_csv():
    result = read_inputs(["-"], stdin=io.BytesIO("\ufeffid,title,text\nc1,t,نص\n".encode()))
    assert [(r.id, r.origin) for r in result.records] == [("c1", "<stdin>:2")]


def test_stdin_gzip():
    result = read_inputs(["-"], stdin=io.BytesIO(gzip.compress((jline(rec(1)) + "\n").encode())))
    assert [r.id for r in result.records] == ["r1"]


def test_stdin_page(pages):
    text = "عنوان الخبر\n\nنص الخبر الأول.\n\nid و text ليستا رأس جدول"
    result = read_inputs(["-"], stdin=io.BytesIO(text.encode()))
    assert [r.page for r in result.records] == ["stdin"] * 3 and result.pages == 1


def test_stdin_large_jsonl_crosses_the_sniff_buffer():
    data = "".join(jline(rec(i, text="نص " * 50)) + "\n" for i in range(500)).encode()
    assert len(data) > 4 * dio._SNIFF_BYTES
    result = read_inputs(["-"], stdin=io.BytesIO(data))
    assert result.used() == 500 and result.records[-1].origin == "<stdin>:500"


@pytest.mark.parametrize("head, fmt", [
    (b'{"id": 1}', "jsonl"), (b'\n\n   {"id"', "jsonl"), (b"id,text\n", "csv"),
    (b'"ID","Title","TEXT"\r\n', "csv"), (b"title,text\n", "page"), ("خبر".encode(), "page"),
    (b"[1, 2]", "page"),
])
def test_sniff_format(head, fmt):
    assert dio.sniff_format(head) == fmt


# --------------------------------------------------------------------------- pages and directories


def test_page_ids_and_segments(tmp_path, pages):
    path = write(tmp_path / "seeds" / "000_f3b9297b7872c95e.txt", "عنوان\n\nالنص\n\nمقالات مشابهة")
    result = read_inputs([path])
    assert [r.id for r in result.records] == [f"000_f3b9297b7872c95e#{i}" for i in range(3)]
    assert result.pages == 1 and result.read == 3 and result.summary()["by_kind"] == {"embedded": 2, "main": 1}


def test_page_stem_clash_is_disambiguated_with_a_warning(tmp_path, pages):
    a = write(tmp_path / "a" / "000.txt", "أول")
    b = write(tmp_path / "b" / "000.txt", "ثان")
    c = write(tmp_path / "x" / "b" / "000.txt", "ثالث")
    result = read_inputs([str(tmp_path)])
    assert [r.page for r in result.records] == ["000", "b/000", "x/b/000"]
    assert [(i.reason, i.path) for i in result.issues] == [("duplicate-page-id", b), ("duplicate-page-id", c)]
    assert a in result.issues[0].message
    # given as files, the parent directory's name is used
    result = read_inputs([a, b])
    assert [r.page for r in result.records] == ["000", "b/000"]


def test_empty_page_and_segment_error(tmp_path, monkeypatch):
    def segmenter(text, page_id, *, origin=None, day_first=None):
        if "bad" in text:
            raise ValueError("no title line")
        return []

    monkeypatch.setattr(dio, "_segment_page", segmenter)
    a = write(tmp_path / "a.txt", "nothing here")
    b = write(tmp_path / "b.txt", "bad page")
    result = read_inputs([a, b])
    assert [(i.reason, i.path) for i in result.issues] == [("empty-page", a), ("segment-error", b)]
    assert result.pages == 1 and result.read == 0


def test_segment_ids_are_checked_for_duplicates_too(tmp_path, pages):
    page = write(tmp_path / "p.txt", "أ\n\nب")
    records = write(tmp_path / "r.jsonl", jline(rec(1, id="p#1")) + "\n")
    result = read_inputs([records, page])
    assert [r.id for r in result.records] == ["p#1", "p#0"]
    assert result.skipped() == {"duplicate-id": 1}
    invariant(result)


def test_directory_walk_is_recursive_and_sorted(tmp_path, pages):
    root = tmp_path / "in"
    write(root / "b.jsonl", jline(rec(1, id="b")) + "\n")
    write(root / "a" / "z.jsonl.gz", gzip.compress((jline(rec(1, id="a/z")) + "\n").encode()))
    write(root / "a.csv", "id,text\na.csv,x\n")
    write(root / "a" / "b" / "page.txt", "صفحة")
    write(root / "README.md", "not an input")
    write(root / ".hidden.jsonl", jline(rec(1, id="hidden")) + "\n")
    write(root / ".git" / "x.jsonl", jline(rec(1, id="git")) + "\n")
    result = read_inputs([str(root)])
    # sorted by path components: a/b/page.txt, a/z.jsonl.gz, a.csv, b.jsonl
    assert [r.id for r in result.records] == ["page#0", "a/z", "a.csv", "b"]
    assert result.files == 4 and result.pages == 1
    (issue,) = result.issues  # the README is named as not read; hidden names are not
    assert issue.reason == "ignored-files" and issue.path == str(root) and not issue.skipped
    assert "README.md" in issue.message and "hidden" not in issue.message and ".git" not in issue.message
    # inputs in the order given, whatever their kind
    result2 = read_inputs([str(root / "b.jsonl"), str(root)])
    assert [r.id for r in result2.records] == ["b", "page#0", "a/z", "a.csv"]


def test_empty_directory(tmp_path):
    (tmp_path / "d").mkdir()
    write(tmp_path / "d" / "notes.md", "x")
    result = read_inputs([str(tmp_path / "d")])
    assert [i.reason for i in result.issues] == ["empty-dir"]
    assert "not read: notes.md" in result.issues[0].message


def test_files_a_directory_does_not_read_are_named_and_strict_goes_on(tmp_path):
    root = tmp_path / "scrape"
    write(root / "a.jsonl", jline(rec(1)) + "\n")
    for name in ("p1.html", "p2.html", "sub/x.json.bz2", "sub/y.xml", "z.parquet", "zz.html"):
        write(root / name, "data")
    for strict in (False, True):
        result = read_inputs([root], strict=strict)  # nothing here is a bad record: strict reads on
        assert [r.id for r in result.records] == ["r1"]
        (issue,) = result.issues
        assert issue.reason == "ignored-files" and issue.line is None
        assert issue.message.startswith("6 files not read, not an input format: p1.html, p2.html, ")
        assert os.path.join("sub", "x.json.bz2") in issue.message and "and 1 more" in issue.message
    assert result.warnings() == {"ignored-files": 1} and result.skipped() == {}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    path = write(tmp_path / "a.jsonl", jline(GOOD) + "\n")
    os.chmod(path, 0)
    try:
        assert [i.reason for i in read_inputs([path]).issues] == ["unreadable"]
    finally:
        os.chmod(path, 0o644)


# --------------------------------------------------------------------------- results


def test_counts_invariant_on_a_mixed_bag(tmp_path, pages):
    lines = [jline(rec(1)), "{bad", "[1]", '{"text": "x"}', jline(rec(2, text="")), jline(rec(3, title="", text="")),
             jline(rec(1)), jline(rec(4, published="??")), ""]
    a = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    b = write(tmp_path / "b.csv", "id,text\nr5,x\nr6,x,y\nr2,z\n")
    c = write(tmp_path / "p.txt", "أ\n\nب")
    result = read_inputs([a, b, c])
    invariant(result)
    assert result.read == 13 and result.used() == 6
    assert result.skipped() == {"bad-row": 1, "duplicate-id": 2, "empty-record": 1, "malformed-json": 1,
                                "missing-id": 1, "not-an-object": 1}
    assert result.warnings() == {"bad-date": 1, "empty-text": 1}
    summary = result.summary()
    assert summary == {
        "files": 3, "pages": 1, "read": 13, "used": 6, "skipped": result.skipped(), "warnings": result.warnings(),
        "by_kind": {"article": 4, "embedded": 1, "main": 1}, "by_source": {"(none)": 3, "was": 3},
        "fields": {}, "date_order": None,
    }
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary
    text = result.summary_text()
    assert "read 13 records from 3 files (1 page): 6 used, 7 skipped" in text
    assert "missing-id 1" in text and "empty-text 1" in text and "was 3" in text


def test_issue_and_error_strings():
    issue = Issue("a.jsonl", 3, "missing-id", "empty id; record skipped", True)
    assert str(issue) == "a.jsonl:3: empty id; record skipped"
    assert str(Issue("a.jsonl", None, "empty-file", "empty file", False)) == "a.jsonl: empty file"
    err = issue.to_error()
    assert isinstance(err, ValueError) and err.line == 3
    assert str(err) == "a.jsonl:3: empty id (stopped: strict mode stops at the first issue)"
    assert "strict" in str(err)


def test_iter_records_streams_with_a_shared_state(tmp_path):
    a = write(tmp_path / "a.jsonl", jline(rec(1)) + "\n")
    state = dio.ReadState()
    first = list(iter_records(a, state=state))
    second = list(iter_records(a, state=state))
    assert isinstance(first[0], Record) and second[0].reason == "duplicate-id"
    assert state.read == 2 and state.files == 2


def test_iter_records_is_lazy(tmp_path):
    path = write(tmp_path / "a.jsonl", "".join(jline(rec(i)) + "\n" for i in range(10)) + "{bad\n")
    head = list(itertools.islice(iter_records(path, strict=True), 3))
    assert [r.id for r in head] == ["r0", "r1", "r2"]  # strict has not reached the bad line yet


def test_progress_bars_do_not_change_results(tmp_path):
    path = write(tmp_path / "a.jsonl", "".join(jline(rec(i)) + "\n" for i in range(5)))
    assert read_inputs([path], progress=True).used() == 5


def test_reason_table_is_complete():
    assert all(isinstance(skipped, bool) and text for skipped, text in REASONS.values())


# --------------------------------------------------------------------------- shipped samples and real corpora


def test_samples_read_cleanly():
    paths = [str(SAMPLES / "records.jsonl"), str(SAMPLES / "records.csv")]
    result = read_inputs(paths)
    assert result.issues == []
    assert result.used() >= 15
    assert all(r.published is not None for r in result.records)
    assert any(set(r.raw) - {"id", "title", "text", "source", "url", "published"} for r in result.records)


@pytest.mark.skipif(not (DATA / "saudinewsnet.jsonl.gz").exists(), reason="shared data not available")
@pytest.mark.parametrize("name", ["saudinewsnet.jsonl.gz", "ant.jsonl.gz"])
def test_real_corpus_head_reads_cleanly(tmp_path, name):
    with gzip.open(DATA / name, "rb") as f:
        head = b"".join(itertools.islice(f, 2000))
    path = write(tmp_path / name.replace(".gz", ""), head)  # a temporary copy, never in the repo
    result = read_inputs([path])
    assert result.read == 2000
    invariant(result)
    # SaudiNewsNet has records with an empty body and (for some) an empty title too.
    assert {i.reason for i in result.issues} <= {"empty-text", "empty-record"}
    lines = head.splitlines()
    for issue in result.issues:
        obj = json.loads(lines[issue.line - 1])
        assert not obj["text"].strip()
        assert bool(obj["title"].strip()) is (issue.reason == "empty-text")
    assert all(r.published is not None for r in result.records)


def test_pages_through_the_real_segmenter(tmp_path):
    segment = pytest.importorskip("dedup.segment")
    assert segment  # the page path without monkeypatching
    page = ("لافروف يصل إلى بيونغ يانغ في زيارة تستغرق يومين\n"
            "تاريخ النشر: 19th, October 2023 GMT\n"
            "وصل وزير الخارجية الروسي سيرغي لافروف إلى بيونغ يانغ مساء أمس في زيارة رسمية تستغرق يومين.\n"
            "وقالت الخارجية الروسية إن الوزير سيبحث مع نظيرته الكورية الشمالية ملفات التعاون الثنائي.\n")
    path = write(tmp_path / "pages" / "001_test.txt", page)
    result = read_inputs([str(tmp_path / "pages")])
    assert result.pages == 1 and result.used() >= 1
    assert all(r.page == "001_test" and r.kind in ("main", "embedded", "teaser") for r in result.records)
    assert all(r.origin and r.origin.startswith(path) for r in result.records)
    invariant(result)


# --------------------------------------------------------------------------- JSON array files


def scrapy_feed(items) -> str:
    """Scrapy's JSON feed: '[', one object per line joined by ',\\n', ']'."""
    return "[\n" + ",\n".join(items) + "\n]"


@pytest.mark.parametrize("layout", ["compact", "indented", "scrapy", "gzip", "stdin"])
def test_json_array_files_are_read_with_the_line_of_each_object(tmp_path, layout):
    rows = [rec(1), rec(2, title="عنوان"), rec(3)]
    if layout == "compact":
        path, lines = write(tmp_path / "a.json", json.dumps(rows, ensure_ascii=False)), [1, 1, 1]
    elif layout == "indented":
        text = json.dumps(rows, ensure_ascii=False, indent=2)
        starts = [i + 1 for i, ln in enumerate(text.splitlines()) if ln == "  {"]
        path, lines = write(tmp_path / "a.json", text), starts
    else:
        text = scrapy_feed(jline(r) for r in rows)
        lines = [2, 3, 4]
        if layout == "gzip":
            path = write(tmp_path / "a.json.gz", gzip.compress(text.encode("utf-8")))
        else:
            path = write(tmp_path / "a.json", text)
    if layout == "stdin":
        result = read_inputs(["-"], stdin=io.BytesIO(Path(path).read_bytes()))
    else:
        result = read_inputs([path])
    assert [r.id for r in result.records] == ["r1", "r2", "r3"] and result.issues == []
    assert [r.raw for r in result.records] == rows  # written back as read
    assert [int(r.origin.rsplit(":", 1)[1]) for r in result.records] == lines
    invariant(result)


def test_json_array_bad_objects_are_reported_and_the_rest_is_read(tmp_path):
    items = [jline(rec(1)), '{"id": "r2", "text": "x" oops}', "[1, 2]", jline({"text": "no id"}), jline(rec(5))]
    path = write(tmp_path / "a.json", scrapy_feed(items))
    result = read_inputs([path])
    assert [r.id for r in result.records] == ["r1", "r5"]
    assert [(i.reason, i.line) for i in result.issues] == [("malformed-json", 3), ("not-an-object", 4),
                                                           ("missing-id", 5)]
    assert "next line that starts an object" in result.issues[0].message
    invariant(result)


@pytest.mark.parametrize("text, ids, issues", [
    ("[]", [], [("empty-file", None)]),
    ('[{"id": "r1", "text": "x"},]', ["r1"], []),  # a trailing comma
    ('[\n{"id": "r1", "text": "x"},\n{"id": "r2", "text": "y"}', ["r1", "r2"], [("unclosed-array", 3)]),
    ('[\n{"id": "r1", "text": "x"},\n{"id": "r2", "te', ["r1"], [("malformed-json", 3)]),  # cut mid-object
    ('[\n{"id": "r1", "text": "x"}\n]\n{"id": "r2", "text": "y"}', ["r1"], [("malformed-json", 4)]),
    ('[\n{"id": "r1", "text": "x"}\n{"id": "r2", "text": "y"}\n]', ["r1", "r2"], []),  # a missing comma
])
def test_json_array_edges(tmp_path, text, ids, issues):
    path = write(tmp_path / "a.json", text)
    result = read_inputs([path])
    assert [r.id for r in result.records] == ids
    assert [(i.reason, i.line) for i in result.issues] == issues
    invariant(result)


# --------------------------------------------------------------------------- inputs that name the fields otherwise

OTHER_NAMES = {"id": "article_id", "title": "headline", "text": "content", "published": "pubDate", "source": "site"}


def renamed(row: dict) -> dict:
    return {OTHER_NAMES.get(k, k): v for k, v in row.items()}


@pytest.mark.parametrize("kind", ["jsonl", "array", "csv", "csv-stdin"])
def test_field_map_reads_inputs_that_name_fields_otherwise(tmp_path, kind):
    rows = [renamed(rec(1, published="2015-07-21 02:51:32", source="spa")), renamed(rec(2, title="عنوان"))]
    if kind == "jsonl":
        path = write(tmp_path / "a.jsonl", "".join(jline(r) + "\n" for r in rows))
    elif kind == "array":
        path = write(tmp_path / "a.json", json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        cols = ["article_id", "headline", "content", "pubDate", "site"]
        lines = [";".join(cols)] + [";".join(str(r.get(c) or "") for c in cols) for r in rows]
        path = write(tmp_path / "a.csv", "\n".join(lines) + "\n")
    if kind != "csv-stdin":  # (stdin without the map is taken for a scraped page)
        plain = read_inputs([path])
        assert plain.records == [] and plain.issues  # without the map nothing is usable
        assert "--field" in plain.issues[0].message
    stdin = io.BytesIO(Path(path).read_bytes()) if kind == "csv-stdin" else None
    result = read_inputs(["-" if stdin else path], stdin=stdin, fields=OTHER_NAMES)
    assert [(r.id, r.title, r.source) for r in result.records] == [("r1", GOOD["title"], "spa"),
                                                                   ("r2", "عنوان", GOOD["source"])]
    assert result.records[0].text == GOOD["text"] and result.records[0].published is not None
    if kind in ("jsonl", "array"):
        assert [r.raw for r in result.records] == rows  # written back as read, under its own names
    assert result.issues == []
    invariant(result)


def test_missing_field_hints_name_the_keys_a_record_has(tmp_path):
    path = write(tmp_path / "a.jsonl", jline({"article_id": "x", "body": "نص"}) + "\n" + jline({"id": "y", "body": "نص"}) + "\n")
    issues = read_inputs([path]).issues
    assert [i.reason for i in issues] == ["missing-id", "empty-record"]
    assert "its keys: article_id, body" in issues[0].message and "--field id=KEY" in issues[0].message
    assert "its keys: body, id" in issues[1].message and "--field text=KEY" in issues[1].message


@pytest.mark.parametrize("items, why", [
    (["text"], "expected FIELD=KEY"), (["body=content"], "not a record field"), (["text="], "expected FIELD=KEY"),
    (["text=a", "TEXT=b"], "given twice"),
])
def test_parse_field_map_rejects_bad_items(items, why):
    with pytest.raises(ValueError, match=why):
        dio.parse_field_map(items)
    with pytest.raises(ValueError):
        read_inputs(["-"], stdin=io.BytesIO(b""), fields=dict(i.partition("=")[::2] for i in items[:1]) | {"bad": "x"})


def test_csv_gzip_corrupt_before_the_header_is_reported(tmp_path):
    rng = random.Random(0)
    blank = "".join(rng.choice(" \t") * rng.randint(1, 60) + "\n" for _ in range(8000))  # ~240 KB of blank lines
    data = gzip.compress((blank + "id,text\nr1,نص\n").encode("utf-8"))
    path = write(tmp_path / "a.csv.gz", data[: len(data) // 2])  # cut past the sniffed head, before the header
    result = read_inputs([path])
    assert result.records == [] and [i.reason for i in result.issues] == ["binary-file"]


@pytest.mark.parametrize("element, reason", [('{"id": "r2", "text": "x" oops}', "malformed-json"), ("[1, 2]", "not-an-object")])
def test_json_array_strict_stops_at_a_bad_element_without_saying_it_skips(tmp_path, element, reason):
    path = write(tmp_path / "a.json", scrapy_feed([jline(rec(1)), element, jline(rec(3))]))
    with pytest.raises(InputError) as info:
        read_inputs([path], strict=True)
    assert (info.value.reason, info.value.line) == (reason, 3)
    assert "skipped" not in str(info.value) and "not read" not in str(info.value)


@pytest.mark.parametrize("date, warned", [("12/3/2023", True), ("الأحد، 12 مارس 2023 02:30 م", False)])
def test_a_page_date_the_parser_refuses_is_reported(tmp_path, date, warned):
    """With the real segmenter: the page's date line is metadata either way; a refused one is a warning."""
    body = ("قالت مصادر دبلوماسية إن مجلس الأمن الدولي سيصوت يوم الاثنين المقبل على مشروع قرار جديد.\n"
            "ويطالب مشروع القرار الأطراف بالسماح بوصول المساعدات الإنسانية دون عوائق إلى المدنيين.")
    path = write(tmp_path / "p.txt", "مجلس الأمن يصوت الاثنين على مشروع قرار بشأن السودان\n" + date + "\n" + body + "\n")
    result = read_inputs([path])
    (main,) = result.records
    assert date not in main.text and (main.published is None) is warned
    assert [i.reason for i in result.issues] == (["bad-date"] if warned else [])
    if warned:
        assert date in result.issues[0].message and "no date" in result.issues[0].message
        with pytest.raises(InputError, match="cannot parse date"):
            read_inputs([path], strict=True)


@pytest.mark.parametrize("day_first, expected", [(None, None), (True, "2023-03-12"), (False, "2023-12-03")])
def test_date_order_reaches_records_and_pages(tmp_path, day_first, expected):
    rec_file = write(tmp_path / "a.jsonl", jline(rec(1, published="12/03/2023")) + "\n")
    csv_file = write(tmp_path / "b.csv", "id;text;published\nc1;نص;12/03/2023\n")
    body = ("قالت مصادر دبلوماسية إن مجلس الأمن الدولي سيصوت يوم الاثنين المقبل على مشروع قرار جديد.\n"
            "ويطالب مشروع القرار الأطراف بالسماح بوصول المساعدات الإنسانية دون عوائق إلى المدنيين.")
    page = write(tmp_path / "p.txt", "مجلس الأمن يصوت الاثنين على مشروع قرار بشأن السودان\n12/03/2023\n" + body + "\n")
    result = read_inputs([rec_file, csv_file, page], day_first=day_first)
    got = [r.published.date().isoformat() if r.published else None for r in result.records]
    assert got == [expected] * 3
    assert [i.reason for i in result.issues] == (["bad-date"] * 3 if day_first is None else [])
    assert all(r.published_raw == "12/03/2023" for r in result.records)  # written back as read
