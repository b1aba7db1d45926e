"""What discovery yields: URLs to fetch, with their publication time when the feed or sitemap gives one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from pipeline.provenance import WEB
from pipeline.urls import canonical_url


@dataclass(frozen=True, slots=True)
class Entry:
    url: str  # as the feed/sitemap gave it (absolute); fetch this, key by canonical_url(url)
    published_at: datetime | None = None  # UTC; None when the feed/sitemap does not say
    title: str | None = None
    source: str | None = None  # the source's name
    kind: str = "page"  # page | liveblog | file (a local path) | sitemap (a child of a sitemap index)
    # Where the URL came from, which decides what it may be (pipeline/provenance.py): operator (a source the operator
    # named), local (a file inside the folder of a local feed/sitemap the operator named, kept in `root`) or web
    # (found in fetched content: http(s) only). Parsers leave it web; discovery sets what it knows.
    origin: str = WEB
    root: str | None = None


def in_interval(entries: Iterable[Entry], start: datetime | None, end: datetime | None) -> list[Entry]:
    """Entries published in [start, end); entries without a date are kept (we cannot tell, so we look)."""
    kept = []
    for entry in entries:
        when = entry.published_at
        if when is not None and (start is not None and when < start or end is not None and when >= end):
            continue
        kept.append(entry)
    return kept


def unique(entries: Iterable[Entry]) -> list[Entry]:
    """First entry per canonical URL, in order."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        key = canonical_url(entry.url)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out
