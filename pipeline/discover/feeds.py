"""RSS and Atom feeds to entries, with feedparser (it handles RSS 0.9x–2.0, RDF, Atom 0.3/1.0, their date formats,
encodings and the usual breakage). Parsing only: bytes in, entries out."""
from __future__ import annotations

import calendar
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from pipeline.discover.entries import Entry


class FeedError(ValueError):
    """Bytes that are not a feed at all."""


def _when(struct) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)  # feedparser gives UTC struct_time
    except (OverflowError, ValueError, TypeError):
        return None


def parse_feed(body: bytes, base_url: str | None = None, source: str | None = None) -> list[Entry]:
    """Entries of an RSS/Atom feed: link (made absolute against `base_url`), published time (else updated), title."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None,
                              sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries and not parsed.feed:
        raise FeedError(f"not a feed: {parsed.get('bozo_exception')}")
    entries: list[Entry] = []
    for item in parsed.entries:
        link = item.get("link") or _alternate(item) or (item.get("id") if str(item.get("id", "")).startswith("http") else None)
        if not link:
            continue
        if base_url:
            link = urljoin(base_url, link.strip())
        published = _when(item.get("published_parsed")) or _when(item.get("updated_parsed"))
        entries.append(Entry(url=link.strip(), published_at=published, title=item.get("title"), source=source))
    return entries


def _alternate(item) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None
