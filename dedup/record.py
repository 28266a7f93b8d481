"""The one record type that travels through the pipeline.

A :class:`Record` is either an article read from a JSON Lines / CSV file, or one
segment of a scraped page (``kind`` = ``main``, ``embedded`` or ``teaser``).
Text is always the original text: normalization happens on the side, for
comparison only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

#: Kinds of record. ``article`` comes from a record file; the others from pages.
KINDS = ("article", "main", "embedded", "teaser")

#: The fields every record has; everything else a record file carries is kept
#: in :attr:`Record.extra` and written back untouched.
CORE_FIELDS = ("id", "title", "text", "source", "url", "published")


@dataclass(frozen=True, slots=True)
class Record:
    """One article.

    Attributes:
        id: Stable identifier (from the record, or page file name plus position).
        text: Body text, as read (never normalized). May be empty for teasers.
        title: Headline, or ``None`` when the input had none.
        source: Outlet name, when known.
        url: Address, when known.
        published: Timezone-aware publication time, or ``None`` when missing or
            unparseable.
        published_raw: The ``published`` value exactly as read (written back).
        kind: One of :data:`KINDS`.
        page: For page segments, the id of the page they came from.
        tags: Tags the page states (``كلمات دلالية`` / ``الوسوم``).
        origin: ``file:line`` the record was read from, for error messages.
        title_as_text: The input's body was empty and the reader put the title
            in ``text``: the record is a headline, with no body to compare.
        raw: The input record exactly as read (every field, in input order),
            written back untouched by exports. Empty for page segments.

    Example:
        >>> r = Record(id="a1", text="نص الخبر", title="عنوان")
        >>> r.kind
        'article'
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    published_raw: str | None = None
    kind: str = "article"
    page: str | None = None
    tags: tuple[str, ...] = ()
    origin: str | None = None
    title_as_text: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown record kind {self.kind!r}; expected one of {KINDS}")

    @property
    def headline_only(self) -> bool:
        """True when the record has a title but no body of its own."""
        return self.kind == "teaser" or not self.text.strip()

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict.

        A record read from a file is written back exactly as read (``raw``),
        unknown fields included. A page segment is written with its fields
        plus ``kind``, ``page`` and ``tags``.

        Example:
            >>> Record(id="a1", text="x", raw={"id": "a1", "text": "x", "author": "B"}).to_dict()["author"]
            'B'
        """
        if self.raw:
            return dict(self.raw)
        out: dict[str, Any] = {"id": self.id}
        if self.title is not None:
            out["title"] = self.title
        out["text"] = self.text
        if self.source is not None:
            out["source"] = self.source
        if self.url is not None:
            out["url"] = self.url
        if self.published_raw is not None:
            out["published"] = self.published_raw
        elif self.published is not None:
            out["published"] = self.published.isoformat()
        if self.kind != "article":
            out["kind"] = self.kind
            out["page"] = self.page
            if self.tags:
                out["tags"] = list(self.tags)
        return out
