"""Reading inputs: JSON Lines and CSV article records, and scraped pages.

The reading layer turns paths (files, directories, ``-`` for stdin) into
:class:`~dedup.record.Record` objects, and every problem it meets into an
:class:`Issue` naming the file and line. Nothing is lost silently: a record is
either used or skipped with a reason, and ``read == used + sum(skipped)``.

:func:`iter_records` streams one path as an ordered mix of records and issues;
:func:`read_inputs` runs it over several paths with one shared
:class:`ReadState` (so duplicate ids are caught across files) and collects a
:class:`ReadResult`.

Formats, by extension (case-insensitive):

* JSON Lines: ``.jsonl``, ``.ndjson``, ``.json`` (one object a line), plain or ``.gz``.
  Fields ``id``, ``title``, ``text``, ``source``, ``url``, ``published``; any
  other field is kept in :attr:`Record.raw`, which holds the object exactly as read.
* CSV: ``.csv``, plain or ``.gz``, with a header row naming at least ``id`` and
  ``text`` (matched case-insensitively). ``raw`` is the row as a dict.
* Scraped pages: ``.txt`` (or ``.txt.gz``), split into articles by
  :func:`dedup.segment.segment_page`; the page id is the file name without its
  extension.

Text is decoded as UTF-8 (a BOM is dropped), falling back to Windows-1256 per
line, with one ``encoding`` warning per file. Reason codes are listed in
:data:`REASONS`.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import re
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Mapping, Sequence

from .dates import DateParseError, parse_published_or_none
from .progress import track
from .record import Record

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "REASONS",
    "InputError",
    "Issue",
    "ReadResult",
    "ReadState",
    "format_of",
    "iter_records",
    "read_inputs",
    "record_from_fields",
    "parse_field_map",
    "CORE_FIELDS",
    "sniff_format",
]

#: Extension -> format. Longest match wins (``.jsonl.gz`` before ``.gz``).
ACCEPTED_EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl", ".jsonl.gz": "jsonl", ".ndjson": "jsonl", ".ndjson.gz": "jsonl",
    ".json": "jsonl", ".json.gz": "jsonl",
    ".csv": "csv", ".csv.gz": "csv",
    ".txt": "page", ".txt.gz": "page",
}

#: Reason code -> (whether the record is skipped, what it means).
#: Skipped reasons drop exactly one input unit each; the others are warnings
#: (the record is kept, or the issue concerns a whole file).
REASONS: dict[str, tuple[bool, str]] = {
    "malformed-json": (True, "a JSON Lines line that is not valid JSON"),
    "not-an-object": (True, "a JSON value that is not an object"),
    "missing-id": (True, "no id, an empty id, or an id that is not a string or number"),
    "bad-field": (True, "title, text, source or url is not a string (e.g. a list)"),
    "empty-record": (True, "neither text nor title"),
    "duplicate-id": (True, "an id already seen in this run (the later record is skipped)"),
    "bad-row": (True, "a CSV row with more or fewer cells than the header"),
    "malformed-csv": (True, "a CSV row the csv module cannot parse (e.g. an unclosed quote)"),
    "empty-text": (False, "empty text: the title is used as the text"),
    "bad-date": (False, "published cannot be parsed: published=None, published_raw kept"),
    "encoding": (False, "not UTF-8: decoded as Windows-1256"),
    "empty-file": (False, "a file with no records (or a blank page)"),
    "binary-file": (False, "NUL bytes, or gzip data that is corrupt or truncated"),
    "unreadable": (False, "a file that cannot be opened"),
    "bad-header": (False, "a CSV header that does not name id and text, or repeats a column"),
    "duplicate-page-id": (False, "two pages with one file name: the later one is renamed"),
    "empty-page": (False, "a page in which the segmenter found no article"),
    "segment-error": (False, "the segmenter rejected a page"),
    "empty-dir": (False, "a directory with no input files"),
    "unclosed-array": (False, "a JSON array file that ends before its closing ']' (it may be cut short)"),
    "ignored-files": (False, "files of an input directory with an extension dedup does not read (named, not read)"),
}

#: Issues that ``strict`` mode reports but does not stop at: they concern no
#: input record (a README next to the data).
NOT_STRICT = frozenset({"ignored-files"})

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 8192
_STRING_FIELDS = ("title", "text", "source", "url")
_CSV_FIELD_LIMIT = 1 << 26


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else path


class InputError(ValueError):
    """An input that cannot be read: a usage error, or any issue under ``strict``.

    Attributes:
        path: The file (``<stdin>`` for standard input).
        line: The 1-based line, or ``None`` when the problem concerns the whole file.
        reason: A short code (see :data:`REASONS`; also ``missing-path``,
            ``unknown-format``, ``stdin-twice``).

    Example:
        >>> str(InputError("a.jsonl", 3, "missing-id", "record has no id"))
        'a.jsonl:3: record has no id'
    """

    def __init__(self, path: str, line: int | None, reason: str, message: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        self.message = message
        super().__init__(f"{_where(path, line)}: {message}")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem met while reading, as data.

    Attributes:
        path: The file (``<stdin>`` for standard input).
        line: 1-based line, or ``None`` for a whole-file issue.
        reason: A code from :data:`REASONS`.
        message: What happened and what to do, for a person.
        skipped: True when an input unit was dropped because of it.
        raw: For a skipped unit, what was read of it: the record (a dict),
            the JSON value, the CSV row or the line's text; ``None`` when
            nothing could be read. Not part of the message.

    Example:
        >>> str(Issue("a.jsonl", 3, "missing-id", "record has no id; skipped", True))
        'a.jsonl:3: record has no id; skipped'
    """

    path: str
    line: int | None
    reason: str
    message: str
    skipped: bool
    raw: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}: {self.message}"

    def to_error(self) -> InputError:
        """This issue as the :class:`InputError` that ``strict`` mode raises.

        The message drops what a normal run would do next (``record
        skipped``, ``published left empty``): strict mode stops instead.

        Example:
            >>> str(Issue("a.csv", None, "empty-file", "empty file", False).to_error())
            'a.csv: empty file (stopped: strict mode stops at the first issue)'
            >>> str(Issue("a.jsonl", 3, "malformed-json", "malformed JSON (x); line skipped. Each line must hold one JSON object", True).to_error())
            'a.jsonl:3: malformed JSON (x). Each line must hold one JSON object (stopped: strict mode stops at the first issue)'
        """
        message = _NEXT_STEP.sub("", self.message)
        return InputError(self.path, self.line, self.reason,
                          f"{message} (stopped: strict mode stops at the first issue)")


#: What a normal (not strict) run does after an issue, as the messages say it.
_NEXT_STEP = re.compile(r"; (?:this )?(?:(?:record|line|row|file|page|element) )?(?:is )?skipped"
                        r"(?: up to the next line that starts an object)?"
                        r"|; published left empty|; its articles have no date|; using its title as the text|; the rest of the file was not read")


def _issue(path: str, line: int | None, reason: str, message: str, raw: Any = None) -> Issue:
    return Issue(path, line, reason, message, REASONS[reason][0], raw)


@dataclass
class ReadState:
    """What one run has seen so far, shared by every :func:`iter_records` call of the run.

    Attributes:
        ids: Record id -> origin (``path:line``) where it was first seen.
        page_ids: Page id -> the file it was given to.
        files: Files opened (stdin counts as one).
        pages: Scraped pages segmented.
        read: Input units met: records of record files and segments of pages,
            used or skipped.
        stdin_used: ``-`` was read already (stdin can be read once).
        keys: Core field -> the key (JSON) or column (CSV) that holds it, where
            the input names it otherwise (see :func:`parse_field_map`).
        day_first: How numeric dates (``12/03/2023``) are read: day first,
            month first (``False``) or refused (``None``).

    Example:
        >>> ReadState().read
        0
    """

    ids: dict[str, str] = field(default_factory=dict)
    page_ids: dict[str, str] = field(default_factory=dict)
    files: int = 0
    pages: int = 0
    read: int = 0
    stdin_used: bool = False
    keys: dict[str, str] = field(default_factory=dict)
    day_first: bool | None = None


@dataclass
class ReadResult:
    """Everything :func:`read_inputs` read: records in input order, and issues.

    Attributes:
        records: Records used, in input order.
        issues: Every issue, in the order met (skipped records and warnings).
        pages: Scraped pages read.
        read: Input units counted: records of record files plus segments of pages.
            ``read == used() + sum(skipped().values())``.
        files: Files read (stdin counts as one).
        keys: The field map the inputs were read with (``--field``).
        day_first: How numeric dates were read (``--date-order``): ``True``
            day first, ``False`` month first, ``None`` refused.

    Example:
        >>> r = ReadResult(records=[Record(id="a", text="x")], issues=[], pages=0, read=1, files=1)
        >>> r.used(), r.skipped()
        (1, {})
    """

    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    pages: int = 0
    read: int = 0
    files: int = 0
    keys: dict[str, str] = field(default_factory=dict)
    day_first: bool | None = None

    def used(self) -> int:
        """Number of records used.

        Example:
            >>> ReadResult().used()
            0
        """
        return len(self.records)

    def skipped(self) -> dict[str, int]:
        """Reason -> number of input units skipped for it, sorted by reason.

        Example:
            >>> ReadResult(issues=[Issue("a", 1, "missing-id", "m", True)], read=1).skipped()
            {'missing-id': 1}
        """
        return dict(sorted(Counter(i.reason for i in self.issues if i.skipped).items()))

    def warnings(self) -> dict[str, int]:
        """Reason -> number of issues that skipped nothing, sorted by reason.

        Example:
            >>> ReadResult(issues=[Issue("a", 1, "bad-date", "m", False)]).warnings()
            {'bad-date': 1}
        """
        return dict(sorted(Counter(i.reason for i in self.issues if not i.skipped).items()))

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary; every mapping sorted by key.

        Example:
            >>> s = ReadResult(records=[Record(id="a", text="x", source="spa")], read=1, files=1).summary()
            >>> s["used"], s["by_source"]
            (1, {'spa': 1})
        """
        by_kind = Counter(r.kind for r in self.records)
        by_source = Counter(r.source if r.source is not None else "(none)" for r in self.records)
        return {
            "files": self.files,
            "pages": self.pages,
            "read": self.read,
            "used": self.used(),
            "skipped": self.skipped(),
            "warnings": self.warnings(),
            "by_kind": dict(sorted(by_kind.items())),
            "by_source": dict(sorted(by_source.items())),
            # how the inputs were read, so that a report says it
            "fields": dict(sorted(self.keys.items())),
            "date_order": None if self.day_first is None else "dmy" if self.day_first else "mdy",
        }

    def summary_text(self) -> str:
        """The :meth:`summary` as a few readable lines.

        Example:
            >>> print(ReadResult(records=[Record(id="a", text="x", source="spa")], read=1, files=1).summary_text())
            read 1 record from 1 file (0 pages): 1 used, 0 skipped
              by kind:   article 1
              by source: spa 1
        """
        s = self.summary()
        n_skipped = sum(s["skipped"].values())
        lines = [
            f"read {_count(s['read'], 'record')} from {_count(s['files'], 'file')} "
            f"({_count(s['pages'], 'page')}): {s['used']:,} used, {n_skipped:,} skipped",
        ]
        for label, key in (("by kind:  ", "by_kind"), ("by source:", "by_source"),
                           ("skipped:  ", "skipped"), ("warnings: ", "warnings")):
            if s[key]:
                lines.append(f"  {label} " + ", ".join(f"{k} {v:,}" for k, v in s[key].items()))
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------- formats and paths


def format_of(path: str) -> str | None:
    """The input format of a file name (``jsonl``, ``csv`` or ``page``), or ``None``.

    Example:
        >>> format_of("data/snn.JSONL.gz"), format_of("seeds/000.txt"), format_of("notes.md")
        ('jsonl', 'page', None)
    """
    name = path.lower()
    for ext in sorted(ACCEPTED_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return ACCEPTED_EXTENSIONS[ext]
    return None


def _page_stem(name: str) -> str:
    """File name without its input extension: ``000_f3b9.txt`` -> ``000_f3b9``."""
    lower = name.lower()
    for ext in (".txt.gz", ".txt"):
        if lower.endswith(ext):
            return name[: -len(ext)]
    return name


def _check_path(path: str) -> None:
    """Raise :class:`InputError` for a path that cannot be an input at all."""
    if path == "-":
        return
    if not os.path.exists(path):
        raise InputError(path, None, "missing-path", "no such file or directory; check the path")
    if not os.path.isdir(path) and format_of(path) is None:
        accepted = ", ".join(ACCEPTED_EXTENSIONS)
        raise InputError(path, None, "unknown-format",
                         f"unknown input type; accepted extensions: {accepted} (or a directory, or - for stdin)")


def _walk(root: str, ignored: list[str] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """Input files under ``root``, recursively, sorted by relative path; hidden names skipped.

    Returns ``(path, relative parent parts)`` pairs. Files with an extension
    that is not an input format are appended to ``ignored`` (relative paths, sorted).
    """
    found = []
    unknown = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if format_of(name) is None:
                unknown.append(os.path.relpath(full, root))
                continue
            found.append((Path(os.path.relpath(full, root)).parts, full))
    if ignored is not None:
        ignored.extend(sorted(unknown, key=lambda p: Path(p).parts))
    found.sort()
    return [(full, parts[:-1]) for parts, full in found]


def check_outputs(inputs: Sequence[str | os.PathLike], outputs: Mapping[str, str | os.PathLike | None]) -> None:
    """Refuse output files that would overwrite an input, or each other, before anything is read.

    ``dedup report corpus.jsonl -o corpus.jsonl`` would otherwise replace the
    corpus with its report once the run ends.

    Args:
        inputs: The input paths as given (files, directories, ``-``).
        outputs: Option name (``-o``, ``--dropped``) -> output path, or ``None`` when not given.

    Raises:
        InputError: An output is an input file (or a file an input directory
            would read), or two outputs name the same file.

    Example:
        >>> check_outputs(["-"], {"-o": "report.json", "--dropped": None})
        >>> check_outputs(["-"], {"-o": "a.jsonl", "--dropped": "./a.jsonl"})
        Traceback (most recent call last):
        ...
        dedup.io.InputError: ./a.jsonl: --dropped names the same file as -o; give each output its own file
    """
    given = [(name, os.fspath(p)) for name, p in outputs.items() if p is not None and os.fspath(p) != "-"]
    seen: dict[str, str] = {}
    for name, out in given:
        key = os.path.normcase(os.path.realpath(out))
        if key in seen:
            raise InputError(out, None, "output-clash",
                             f"{name} names the same file as {seen[key]}; give each output its own file")
        seen[key] = name
    for name, out in given:
        if not os.path.isfile(out):
            continue  # a new file cannot be an input
        real = os.path.realpath(out)
        for inp in (os.fspath(p) for p in inputs):
            if inp == "-" or not os.path.exists(inp):
                continue
            if os.path.isdir(inp):
                root = os.path.realpath(inp)
                if os.path.commonpath([root, real]) != root or not any(os.path.samefile(f, out) for f, _ in _walk(inp)):
                    continue
                what = f"a file read from the input directory {inp}"
            elif os.path.samefile(inp, out):
                what = f"the input file {inp}"
            else:
                continue
            raise InputError(out, None, "output-is-input", f"{name} would overwrite {what}; write the output elsewhere")


# --------------------------------------------------------------------------- byte streams


class _Prefixed(io.RawIOBase):
    """A raw stream that yields ``head`` and then the rest of ``rest`` (for sniffing)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _sniffable(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """Read the first bytes of ``stream`` and return them with a stream that still starts at byte 0."""
    head = stream.read(_SNIFF_BYTES)
    return head, io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)


def _binary_reason(head: bytes) -> str | None:
    """Why ``head`` looks binary, or ``None``."""
    if head.startswith(_GZIP_MAGIC):
        return "it is gzip-compressed; name it with a .gz extension"
    if b"\x00" in head:
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[1:2] == b"\x00" or head[:1] == b"\x00":
            return "NUL bytes: it looks like UTF-16; re-save it as UTF-8"
        return "NUL bytes in the first 8 KB; is it really text?"
    return None


class _Decoder:
    """Decodes one file line by line: UTF-8 (BOM dropped), else Windows-1256.

    Remembers the first line that needed the fallback, so the reader can
    report one ``encoding`` warning per file.
    """

    __slots__ = ("path", "fallback_line", "reported")

    def __init__(self, path: str) -> None:
        self.path = path
        self.fallback_line: int | None = None
        self.reported = False

    def __call__(self, data: bytes, line: int) -> str:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1256", errors="replace")
            if self.fallback_line is None:
                self.fallback_line = line
        if text.startswith("\ufeff"):
            text = text[1:]
        return text

    def take_issue(self) -> Issue | None:
        """The ``encoding`` warning, once, after the first fallback."""
        if self.fallback_line is None or self.reported:
            return None
        self.reported = True
        return _issue(self.path, self.fallback_line, "encoding",
                      "not valid UTF-8; decoded as Windows-1256 (cp1256) from this line on where needed. "
                      "Check the Arabic text, and re-save the file as UTF-8")


def _decode_whole(data: bytes, path: str) -> tuple[str, Issue | None]:
    """Decode a whole page: UTF-8 (BOM dropped), else Windows-1256 with a warning."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        decoder = _Decoder(path)
        decoder.fallback_line = line
        return data.decode("cp1256", errors="replace"), decoder.take_issue()
    return (text[1:] if text.startswith("\ufeff") else text), None


_STREAM_ERRORS = (OSError, EOFError, zlib.error)


def _read_whole(path: str, stream: BinaryIO) -> tuple[str | None, Issue | None]:
    """A whole file decoded (see :func:`_decode_whole`), with its issue; ``None`` text when it cannot be read."""
    try:
        data = stream.read()
    except _STREAM_ERRORS as exc:
        return None, _stream_issue(path, None, exc)
    return _decode_whole(data, path)


def _stream_issue(path: str, line: int | None, exc: BaseException) -> Issue:
    where = f"after line {line}" if line else "at the start"
    return _issue(path, line or None, "binary-file",
                  f"cannot read the data {where} ({exc}); it is corrupt, truncated or not gzip. "
                  "Records before this point were read; the rest of the file was not")


def _lines(stream: BinaryIO, path: str, progress: bool) -> Iterator[bytes]:
    """The lines of ``stream`` as bytes, with a progress bar when asked."""
    return track(stream, desc=os.path.basename(path) or path, enabled=progress, unit="line")


# --------------------------------------------------------------------------- one record from fields


def _as_text(value: Any) -> str | None | bool:
    """A field value as text: strings as read, numbers as ``str``, ``None`` as None; else False."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return False


#: The core fields of a record, in the order the reader looks for them.
CORE_FIELDS = ("id", "title", "text", "source", "url", "published")


def parse_field_map(items: Sequence[str]) -> dict[str, str]:
    """``["text=content", "title=headline"]`` -> ``{"text": "content", "title": "headline"}``.

    For inputs that name the core fields otherwise: each item maps a core
    field (:data:`CORE_FIELDS`) to the JSON key or CSV column that holds it.

    Raises:
        ValueError: A malformed item, an unknown core field, or a field given twice.

    Example:
        >>> parse_field_map(["text=content", " published = pubDate "])
        {'text': 'content', 'published': 'pubDate'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, key = item.partition("=")
        name, key = name.strip().lower(), key.strip()
        if not sep or not key:
            raise ValueError(f"--field {item!r}: expected FIELD=KEY, e.g. text=content")
        if name not in CORE_FIELDS:
            raise ValueError(f"--field {item!r}: {name!r} is not a record field; the fields are {', '.join(CORE_FIELDS)}")
        if name in out:
            raise ValueError(f"--field {name} is given twice ({out[name]!r} and {key!r})")
        out[name] = key
    return out


def _pick(obj: Mapping[str, Any], keys: Mapping[str, str]) -> Mapping[str, Any]:
    """The core fields of ``obj`` under their renamed keys (``obj`` itself when nothing is renamed)."""
    if not keys:
        return obj
    return {name: obj[keys.get(name, name)] for name in CORE_FIELDS if keys.get(name, name) in obj}


def _keys_hint(raw: Mapping[str, Any] | None, name: str) -> str:
    """For a record without field ``name``: the keys it has, and how to map one."""
    if not raw:
        return ""
    shown = ", ".join(sorted(map(str, raw))[:8]) + (" …" if len(raw) > 8 else "")
    return f" (its keys: {shown}; if one of them holds the {name}, say so with --field {name}=KEY)"


def record_from_fields(fields: Mapping[str, Any], path: str, line: int,
                       raw: Mapping[str, Any] | None = None, day_first: bool | None = None,
                       ) -> tuple[Record | None, list[Issue]]:
    """Build one article :class:`Record` from its fields, with the issues it raises.

    Pure: no state, so duplicate ids are checked by the caller. Blank ``title``,
    ``source`` and ``url`` become ``None``; an empty ``text`` falls back to the
    title (``empty-text`` warning); an unparseable ``published`` becomes ``None``
    with ``published_raw`` kept (``bad-date`` warning).

    Args:
        fields: The core fields (``id``, ``title``, ``text``, ``source``, ``url``,
            ``published``); other keys are ignored here.
        path: File name, for the origin and for issues.
        line: 1-based line where the record starts.
        raw: The record exactly as read; defaults to ``fields``.
        day_first: How a numeric ``published`` (``12/03/2023``) is read (see
            :func:`dedup.dates.parse_published`).

    Returns:
        ``(record, issues)``; ``record`` is ``None`` when it is skipped, and then
        ``issues`` ends with the one skipped issue.

    Example:
        >>> rec, issues = record_from_fields({"id": 7, "title": "عنوان", "text": ""}, "a.jsonl", 1)
        >>> rec.id, rec.text, [i.reason for i in issues]
        ('7', 'عنوان', ['empty-text'])
    """
    rid = _as_text(fields.get("id"))
    if rid is None or rid is False or not rid.strip():
        if rid is None:
            why = 'no "id" field' if "id" not in fields else "id is null"
        elif rid is False:
            why = f"id must be a string or a number, got {json.dumps(fields.get('id'), ensure_ascii=False)[:40]}"
        else:
            why = "empty id"
        hint = _keys_hint(raw if raw is not None else fields, "id") if "id" not in fields else ""
        return None, [_issue(path, line, "missing-id", f"{why}{hint}; record skipped. Give every record a unique id",
                             raw if raw is not None else fields)]

    values: dict[str, str | None] = {}
    for name in _STRING_FIELDS:
        value = _as_text(fields.get(name))
        if value is False:
            kind = type(fields.get(name)).__name__
            return None, [_issue(path, line, "bad-field",
                                 f"record {rid!r}: {name} must be a string, got a {kind}; record skipped. "
                                 "Join lists of paragraphs into one string", raw if raw is not None else fields)]
        values[name] = value

    issues: list[Issue] = []
    title = values["title"] if values["title"] and values["title"].strip() else None
    text = values["text"] or ""
    title_as_text = False
    if not text.strip():
        if title is None:
            hint = _keys_hint(raw if raw is not None else fields, "text") if "text" not in fields else ""
            return None, [_issue(path, line, "empty-record",
                                 f"record {rid!r} has neither text nor title{hint}; record skipped",
                                 raw if raw is not None else fields)]
        issues.append(_issue(path, line, "empty-text",
                             f"record {rid!r} has an empty text; using its title as the text"))
        text, title_as_text = title, True

    published_raw = fields.get("published")
    if published_raw is not None and not isinstance(published_raw, str):
        published_raw = json.dumps(published_raw)
    try:
        published = parse_published_or_none(published_raw, day_first)
    except DateParseError as exc:
        published = None
        issues.append(_issue(path, line, "bad-date", f"record {rid!r}: {exc}; published left empty"))

    source, url = values["source"], values["url"]
    record = Record(
        id=rid, text=text, title=title,
        source=source if source and source.strip() else None,
        url=url if url and url.strip() else None,
        published=published, published_raw=published_raw,
        origin=f"{path}:{line}", raw=fields if raw is None else raw, title_as_text=title_as_text,
    )
    return record, issues


# --------------------------------------------------------------------------- readers, one per format


def _read_jsonl(path: str, stream: BinaryIO, progress: bool, state: ReadState) -> Iterator[Record | Issue]:
    """Records of a JSON Lines stream; blank lines are ignored."""
    decode = _Decoder(path)
    lineno = 0
    any_line = False
    try:
        for lineno, data in enumerate(_lines(stream, path, progress), 1):
            if not data.strip():
                continue
            text = decode(data, lineno)
            issue = decode.take_issue()
            if issue is not None:
                yield issue
            if not text.strip():
                continue
            any_line = True
            try:
                obj = json.loads(text)
            except (ValueError, RecursionError) as exc:  # JSONDecodeError, too-long integers, deep nesting
                why = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield _issue(path, lineno, "malformed-json",
                             f"malformed JSON ({why}); line skipped. Each line must hold one complete JSON object",
                             text.rstrip("\r\n"))
                continue
            if not isinstance(obj, dict):
                yield _issue(path, lineno, "not-an-object",
                             f"expected a JSON object, got {type(obj).__name__}; line skipped", obj)
                continue
            record, issues = record_from_fields(_pick(obj, state.keys), path, lineno, raw=obj, day_first=state.day_first)
            yield from issues
            if record is not None:
                yield record
    except _STREAM_ERRORS as exc:
        yield _stream_issue(path, lineno, exc)
        return
    if not any_line:
        yield _issue(path, None, "empty-file", "empty file: no records in it")


_WHITESPACE = re.compile(r"[ \t\r\n]*")
#: Where a JSON array's next element may start (a line opening an object or an
#: array), for reading on after a malformed one.
_NEXT_OBJECT = re.compile(r"\n[ \t\r]*,?[ \t\r]*(?=[{\[])")


def _read_json_array(path: str, stream: BinaryIO, state: ReadState) -> Iterator[Record | Issue]:
    """Records of a file holding one JSON array of objects (a ``.json`` export, Scrapy's feed).

    The file is decoded whole (arrays are exports, not streams); each record's
    line is the line its object starts on. After a malformed object the reader
    goes on at the next line that starts an object, as with a bad JSON Lines line.
    """
    text, issue = _read_whole(path, stream)
    if issue is not None:
        yield issue
    if text is None:
        return
    decoder = json.JSONDecoder()
    n = len(text)
    pos = _WHITESPACE.match(text).end() + 1  # past the '['
    line, counted = 1, 0
    objects = 0
    need_comma = False

    def line_of(p: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, p)
        counted = p
        return line

    while True:
        pos = _WHITESPACE.match(text, pos).end()
        if pos >= n:
            yield _issue(path, line_of(n), "unclosed-array",
                         "the JSON array ends without its closing ']'; the file may be cut short. "
                         "The objects before this point were read")
            break
        if text[pos] == "]":
            rest = _WHITESPACE.match(text, pos + 1).end()
            if rest < n:
                yield _issue(path, line_of(rest), "malformed-json",
                             "data after the JSON array's closing ']'; not read. The file must hold one array")
            break
        if need_comma and text[pos] == ",":  # (a missing comma between two objects is let pass)
            pos = _WHITESPACE.match(text, pos + 1).end()
            if pos < n and text[pos] == "]":  # a trailing comma: [{...},]
                continue
        start = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
            why = None
        except (ValueError, RecursionError) as exc:
            why = f"{exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        if why is not None:
            found = _NEXT_OBJECT.search(text, start + 1)
            tail = "; skipped up to the next line that starts an object" if found else "; the rest of the file was not read"
            yield _issue(path, line_of(start), "malformed-json", f"malformed JSON in the array ({why}){tail}",
                         text[start:found.start() if found else n])
            if found is None:
                break
            pos, need_comma = found.end(), False
            continue
        lineno = line_of(pos)
        objects += 1
        pos, need_comma = end, True
        if not isinstance(obj, dict):
            yield _issue(path, lineno, "not-an-object",
                         f"expected a JSON object, got {type(obj).__name__}; element skipped", obj)
            continue
        record, issues = record_from_fields(_pick(obj, state.keys), path, lineno, raw=obj, day_first=state.day_first)
        yield from issues
        if record is not None:
            yield record
    if objects == 0:
        yield _issue(path, None, "empty-file", "empty file: the JSON array holds no records")


#: Delimiters a CSV header may use (spreadsheets in many locales write ``;``).
_CSV_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|'"}


def _csv_delimiter(header_line: str, names: tuple[str, str] = ("id", "text")) -> str:
    r"""The delimiter that splits a header line into cells naming ``names`` (id and text); ``,`` when none does.

    Example:
        >>> _csv_delimiter("id;title;text\r\n"), _csv_delimiter('"id"\t"text"'), _csv_delimiter("name,body")
        (';', '\t', ',')
    """
    for delimiter in _CSV_DELIMITERS:
        cells = {cell.strip().strip('"').strip().lower() for cell in header_line.split(delimiter)}
        if set(names) <= cells:
            return delimiter
    return ","


def _read_csv(path: str, stream: BinaryIO, progress: bool, state: ReadState) -> Iterator[Record | Issue]:
    """Records of a CSV stream with a header row; a record's line is the line it starts on."""
    decode = _Decoder(path)
    text_lines = (decode(data, n) for n, data in enumerate(_lines(stream, path, progress), 1))
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:  # article bodies exceed the 128 KB default
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    head: list[str] = []
    try:
        for line in text_lines:  # up to the header line, to find its delimiter
            head.append(line)
            if line.strip():
                break
    except _STREAM_ERRORS as exc:
        yield _stream_issue(path, len(head), exc)
        return
    col_of = {name: state.keys.get(name, name).strip().lower() for name in CORE_FIELDS}  # field -> its column
    delimiter = _csv_delimiter(head[-1] if head else "", (col_of["id"], col_of["text"]))
    reader = csv.reader(itertools.chain(head, text_lines), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            issue = decode.take_issue()
            if issue is not None:
                yield issue
            hint = " (an unclosed quote runs to the end of the file)" if "end of data" in str(exc) else ""
            if header is None:
                yield _issue(path, start, "bad-header", f"cannot parse the CSV header ({exc}); file skipped")
                return
            rows += 1
            yield _issue(path, start, "malformed-csv",
                         f"malformed CSV row ({exc}){hint}; row skipped. Check the quoting of this row")
            continue
        except _STREAM_ERRORS as exc:
            yield _stream_issue(path, reader.line_num, exc)
            return
        issue = decode.take_issue()
        if issue is not None:
            yield issue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = row
            columns = {name.strip().lower(): i for i, name in enumerate(row)}
            missing = [col_of[name] for name in ("id", "text") if col_of[name] not in columns]
            if missing or len(columns) != len(row):
                why = (f"the header does not name {' and '.join(missing)}" if missing
                       else "the header repeats a column name")
                yield _issue(path, start, "bad-header",
                             f"{why} (columns: {', '.join(row)}); file skipped. The first row must name "
                             "the columns: id, title, text, source, url, published, or say which column "
                             "holds a field with --field, e.g. --field text=body")
                return
            continue
        rows += 1
        if len(row) != len(header):
            span = f" (lines {start}-{reader.line_num})" if reader.line_num > start else ""
            yield _issue(path, start, "bad-row",
                         f"row has {len(row)} cells{span}, the header has {len(header)}; row skipped. "
                         f"Quote cells that contain {_DELIMITER_NAMES[delimiter]}, quotes or line breaks", row)
            continue
        raw = dict(zip(header, row))
        fields = {name: row[columns[col_of[name]]] for name in CORE_FIELDS if col_of[name] in columns}
        record, issues = record_from_fields(fields, path, start, raw=raw, day_first=state.day_first)
        yield from issues
        if record is not None:
            yield record
    if header is None:
        yield _issue(path, None, "empty-file", "empty file: no header and no records")
    elif rows == 0:
        yield _issue(path, None, "empty-file", "the file has a header but no records")


def _segment_page(text: str, page_id: str, *, origin: str | None = None, day_first: bool | None = None) -> list[Record]:
    """Split a page into records with :func:`dedup.segment.segment_page`.

    Imported on first use so that record files can be read without the
    segmenter; tests replace this function to check the page path alone.
    """
    from .segment import segment_page

    return segment_page(text, page_id, origin=origin, day_first=day_first)


def _page_id(stem: str, parent: tuple[str, ...], path: str, state: ReadState) -> tuple[str, Issue | None]:
    """A page id unique in this run: the stem, else ``parent/stem``, else ``parent/stem~N``."""
    if stem not in state.page_ids:
        state.page_ids[stem] = path
        return stem, None
    base = "/".join((*parent, stem)) if parent else stem
    candidate, n = base, 1
    while candidate in state.page_ids:
        n += 1
        candidate = f"{base}~{n}"
    state.page_ids[candidate] = path
    return candidate, _issue(path, None, "duplicate-page-id",
                             f"page id {stem!r} is already used by {state.page_ids[stem]}; "
                             f"this page is read as {candidate!r}")


def _read_page(path: str, stream: BinaryIO, page_id: str, parent: tuple[str, ...],
               state: ReadState) -> Iterator[Record | Issue]:
    """The segments of one scraped page."""
    text, issue = _read_whole(path, stream)
    if issue is not None:
        yield issue
    if text is None:
        return
    if not text.strip():
        yield _issue(path, None, "empty-file", "empty page: no text in it")
        return
    page_id, issue = _page_id(page_id, parent, path, state)
    if issue is not None:
        yield issue
    try:
        segments = _segment_page(text, page_id, origin=path, day_first=state.day_first)
    except ValueError as exc:
        yield _issue(path, None, "segment-error", f"cannot split the page into articles ({exc}); page skipped")
        return
    state.pages += 1
    if not segments:
        yield _issue(path, None, "empty-page", "no article found in the page")
    elif segments[0].published is None and segments[0].published_raw:
        try:  # the page states a date the parser does not take: say so, as for a record
            parse_published_or_none(segments[0].published_raw, state.day_first)
        except DateParseError as exc:
            yield _issue(path, None, "bad-date", f"page {page_id!r}: {exc}; its articles have no date")
    yield from segments


# --------------------------------------------------------------------------- sniffing stdin


def sniff_format(head: bytes, keys: Mapping[str, str] | None = None) -> str:
    """Guess the format of stdin from its first bytes: ``jsonl``, ``csv`` or ``page``.

    JSON Lines when the first non-blank character is ``{`` (or ``[`` opening
    an array of objects); CSV when the first line is a header naming ``id``
    and ``text``; a scraped page otherwise.

    Example:
        >>> sniff_format(b'  {"id": 1}'), sniff_format(b"id,title,text\\n1,a,b"), sniff_format("خبر".encode())
        ('jsonl', 'csv', 'page')
        >>> sniff_format(b'[\\n {"id": 1}'), sniff_format(b"id;text\\n1;a"), sniff_format("[عاجل] خبر".encode())
        ('jsonl', 'csv', 'page')
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{") or re.match(r"\[\s*[{\]]", text):  # JSON Lines, or a JSON array of objects
        return "jsonl"
    first = text.split("\n", 1)[0]
    need = tuple((keys or {}).get(name, name).strip().lower() for name in ("id", "text"))
    try:
        names = {name.strip().lower() for name in next(csv.reader([first], delimiter=_csv_delimiter(first, need)))}
    except (csv.Error, StopIteration):
        return "page"
    return "csv" if set(need) <= names else "page"


# --------------------------------------------------------------------------- public


def _read_stream(path: str, raw: BinaryIO, fmt: str | None, gz: bool, page_id: str, parent: tuple[str, ...],
                 state: ReadState, progress: bool) -> Iterator[Record | Issue]:
    """Check for binary data, then read ``raw`` in format ``fmt`` (``None`` = sniff)."""
    state.files += 1
    try:
        head, stream = _sniffable(raw)
        if gz or (fmt is None and head.startswith(_GZIP_MAGIC)):
            head, stream = _sniffable(gzip.GzipFile(fileobj=stream, mode="rb"))
    except _STREAM_ERRORS as exc:
        yield _stream_issue(path, None, exc)
        return
    why = _binary_reason(head)
    if why is not None:
        yield _issue(path, None, "binary-file", f"not a text file: {why}; file skipped")
        return
    if fmt is None:
        fmt = sniff_format(head, state.keys)
    if fmt == "jsonl" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from _read_json_array(path, stream, state)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, stream, progress, state)
    elif fmt == "csv":
        yield from _read_csv(path, stream, progress, state)
    else:
        yield from _read_page(path, stream, page_id, parent, state)


def _read_file(path: str, parent: tuple[str, ...], state: ReadState, progress: bool) -> Iterator[Record | Issue]:
    """Open one file and read it according to its extension."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, the reader is a generator
    except OSError as exc:
        state.files += 1
        yield _issue(path, None, "unreadable", f"cannot open the file ({exc.strerror}); check its permissions")
        return
    with raw:
        name = os.path.basename(path)
        yield from _read_stream(path, raw, format_of(name), name.lower().endswith(".gz"), _page_stem(name),
                                parent, state, progress)


def _counted(items: Iterable[Record | Issue], state: ReadState, strict: bool) -> Iterator[Record | Issue]:
    """Count input units, skip duplicate ids, and raise at the first issue under ``strict``."""
    for item in items:
        if isinstance(item, Record):
            state.read += 1
            first = state.ids.get(item.id)
            if first is not None:
                item = _issue(*_split_origin(item.origin), "duplicate-id",
                              f"duplicate id {item.id!r}, first seen at {first}; this record is skipped", item.to_dict())
            else:
                state.ids[item.id] = item.origin or item.id
        elif item.skipped:
            state.read += 1
        if strict and isinstance(item, Issue) and item.reason not in NOT_STRICT:
            raise item.to_error()
        yield item


def _split_origin(origin: str | None) -> tuple[str, int | None]:
    """``"a.jsonl:3"`` -> ``("a.jsonl", 3)``; an origin without a line -> ``(origin, None)``."""
    if not origin:
        return "<unknown>", None
    path, _, line = origin.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (origin, None)


def iter_records(path: str | os.PathLike, *, strict: bool = False, progress: bool = False, stdin: BinaryIO | None = None,
                 state: ReadState | None = None) -> Iterator[Record | Issue]:
    """Stream one input as records and issues, in input order.

    ``path`` is a file, a directory (read recursively, in sorted order, files
    with an accepted extension only, hidden names skipped) or ``-`` for stdin
    (sniffed: see :func:`sniff_format`). Issues arrive just before the record
    they concern (a warning) or in place of it (a skipped record).

    Args:
        path: The input.
        strict: Raise :class:`InputError` at the first issue of any kind.
        progress: Show a progress bar per record file.
        stdin: Binary stream read for ``-`` (default ``sys.stdin.buffer``).
        state: Shared by the calls of one run, so duplicate ids and page ids
            are caught across inputs; a fresh one when ``None``.

    Yields:
        :class:`Record` and :class:`Issue` objects.

    Raises:
        InputError: ``path`` does not exist or has an unknown extension (always),
            or any issue under ``strict``.

    Example:
        >>> import io as _io
        >>> items = list(iter_records("-", stdin=_io.BytesIO(b'{"id": "a", "text": "x"}\\n{"id": "a", "text": "y"}\\n')))
        >>> [type(i).__name__ for i in items], items[1].reason
        (['Record', 'Issue'], 'duplicate-id')
    """
    state = state if state is not None else ReadState()
    path = os.fspath(path)
    _check_path(path)
    if path == "-":
        if state.stdin_used:
            raise InputError("<stdin>", None, "stdin-twice", "'-' (stdin) given more than once; give it once")
        state.stdin_used = True
        stream = stdin if stdin is not None else sys.stdin.buffer
        items = _read_stream("<stdin>", stream, None, False, "stdin", (), state, progress)
    elif os.path.isdir(path):
        items = _read_dir(path, state, progress)
    else:
        # A file given by name: its parent directory's name disambiguates a clashing page id.
        parent = Path(os.path.abspath(path)).parent.name
        items = _read_file(path, (parent,) if parent else (), state, progress)
    yield from _counted(items, state, strict)


def _read_dir(root: str, state: ReadState, progress: bool) -> Iterator[Record | Issue]:
    ignored: list[str] = []
    files = _walk(root, ignored)
    accepted = ", ".join(sorted(ACCEPTED_EXTENSIONS))
    if not files:
        yield _issue(root, None, "empty-dir", f"no input files in this directory (looked for {accepted})"
                     + (f"; not read: {_some(ignored)}" if ignored else ""))
        return
    if ignored:
        yield _issue(root, None, "ignored-files",
                     f"{_count(len(ignored), 'file')} not read, not an input format: {_some(ignored)} "
                     f"(inputs are {accepted})")
    for full, parent in track(files, desc=os.path.basename(os.path.normpath(root)), enabled=progress, unit="file"):
        yield from _read_file(full, parent, state, progress)


def _some(names: Sequence[str], shown: int = 5) -> str:
    """The first ``shown`` names, and how many more."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def read_inputs(paths: Sequence[str | os.PathLike], *, strict: bool = False, progress: bool = False,
                stdin: BinaryIO | None = None, fields: Mapping[str, str] | None = None,
                day_first: bool | None = None) -> ReadResult:
    """Read every input into one :class:`ReadResult`.

    Every path is checked before anything is read, so a typo fails fast. Inputs
    are read in the order given; records keep input order; an id seen twice
    (in one file or across files) keeps its first record and skips the later
    one with a ``duplicate-id`` issue.

    Args:
        paths: Files, directories (``str`` or ``pathlib.Path``), or ``-`` for stdin, in any mix.
        strict: Raise :class:`InputError` at the first issue (skipped record or warning).
        progress: Show progress bars on stderr.
        stdin: Binary stream read for ``-`` (default ``sys.stdin.buffer``).
        fields: Core field -> the JSON key or CSV column that holds it, for
            inputs that name fields otherwise (e.g. ``{"text": "content"}``).
        day_first: How numeric dates (``12/03/2023``) are read: ``True`` day
            first, ``False`` month first, ``None`` refused (a ``bad-date`` warning).

    Returns:
        The records used and every issue met, with counts.

    Raises:
        InputError: A path is missing or has an unknown extension, ``-`` is given
            twice, or, under ``strict``, the first issue met.

    Example:
        >>> import io as _io
        >>> r = read_inputs(["-"], stdin=_io.BytesIO(b'{"id": 1, "title": "t", "text": ""}\\n'))
        >>> r.used(), r.warnings()
        (1, {'empty-text': 1})
    """
    paths = [os.fspath(p) for p in paths]
    for path in paths:
        _check_path(path)
    if sum(1 for p in paths if p == "-") > 1:
        raise InputError("<stdin>", None, "stdin-twice", "'-' (stdin) given more than once; give it once")
    state = ReadState(keys=parse_field_map([f"{k}={v}" for k, v in (fields or {}).items()]), day_first=day_first)
    result = ReadResult(keys=dict(state.keys), day_first=day_first)
    for path in paths:
        for item in iter_records(path, strict=strict, progress=progress, stdin=stdin, state=state):
            if isinstance(item, Record):
                result.records.append(item)
            else:
                result.issues.append(item)
    result.pages, result.read, result.files = state.pages, state.read, state.files
    return result
