"""From a source to the URLs to fetch: feeds and sitemaps read (over HTTP or from a local file), pages passed on.

`discover(source, fetcher, start, end)` never raises for a bad feed or an unreachable host: what went wrong is in
the `FetchRecord`s (one per HTTP attempt or local read, as `fetch_log` keeps them) and in `problems`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pipeline.discover.entries import Entry, in_interval, unique
from pipeline.discover.feeds import FeedError, parse_feed
from pipeline.discover.sitemaps import MAX_SITEMAP_BYTES, SitemapError, parse_sitemap
from pipeline.discover.sources import Source
from pipeline.fetch.client import Fetcher, Validators
from pipeline.fetch.settings import FetchSettings
from pipeline.model import FetchRecord

# A sitemap index is followed one level down (index → sitemaps); news sitemaps are never nested deeper in practice,
# and a bound stops a crawler trap.
MAX_SITEMAP_DEPTH = 2
# At most 50 child sitemaps per index and run: news indexes list one sitemap per day or per 1,000 URLs; children
# unchanged since the interval's start are skipped first, so 50 covers weeks of a busy site.
MAX_CHILD_SITEMAPS = 50


@dataclass(slots=True)
class Discovery:
    source: Source
    entries: list[Entry] = field(default_factory=list)
    records: list[FetchRecord] = field(default_factory=list)
    validators: dict[str, Validators] = field(default_factory=dict)  # per feed/sitemap URL, to keep for next time
    problems: list[str] = field(default_factory=list)  # causes, for the run summary

    @property
    def ok(self) -> bool:
        return not self.problems


def discover(source: Source, fetcher: Fetcher | None, start: datetime | None = None, end: datetime | None = None,
             validators: Mapping[str, Validators] | None = None, base_settings: FetchSettings | None = None) -> Discovery:
    """The entries of one source, published in [start, end) (undated entries kept), first per canonical URL."""
    result = Discovery(source)
    if source.kind in ("page", "liveblog"):
        result.entries = [Entry(source.location, None, None, source.name, source.kind)]
        return result
    if source.kind == "file":
        result.entries = [Entry(source.location, None, None, source.name, "file")]
        return result
    settings = source.settings(base_settings or (fetcher.settings if fetcher else FetchSettings()))
    if source.kind == "feed":
        body, base = _read(source.location, "feed", fetcher, settings, validators, result)
        if body is not None:
            try:
                result.entries = parse_feed(body, base, source.name)
            except FeedError as exc:
                result.problems.append(f"{source.location} is not a feed ({exc}); check the source's location")
    elif source.kind == "sitemap":
        result.entries = _sitemap(source.location, fetcher, settings, validators, result, start, 1)
    result.entries = unique(in_interval([_localise(e) for e in result.entries], start, end))
    return result


def _localise(entry: Entry) -> Entry:
    """An entry a local feed/sitemap names by relative path becomes a local file entry (offline bundles)."""
    parts = urlsplit(entry.url)
    if parts.scheme != "file":
        return entry
    return Entry(url2pathname(parts.path), entry.published_at, entry.title, entry.source, "file")


def _sitemap(location: str, fetcher, settings, validators, result: Discovery, start, depth: int) -> list[Entry]:
    body, base = _read(location, "sitemap", fetcher, settings, validators, result)
    if body is None:
        return []
    try:
        sitemap = parse_sitemap(body, base, result.source.name)
    except SitemapError as exc:
        result.problems.append(f"{location} is not a sitemap ({exc}); check the source's location")
        return []
    entries = list(sitemap.entries)
    children = [c for c in sitemap.sitemaps if start is None or c.published_at is None or c.published_at >= start]
    if children and depth >= MAX_SITEMAP_DEPTH:
        result.problems.append(f"{location} nests sitemap indexes deeper than {MAX_SITEMAP_DEPTH}; the nested ones "
                               "were not read")
        return entries
    if len(children) > MAX_CHILD_SITEMAPS:
        children.sort(key=lambda c: c.published_at or datetime.max.replace(tzinfo=timezone.utc), reverse=True)
        result.problems.append(f"{location} lists {len(children)} sitemaps changed in the interval; read the newest "
                               f"{MAX_CHILD_SITEMAPS}")
        children = children[:MAX_CHILD_SITEMAPS]
    for child in children:
        entries += _sitemap(child.url, fetcher, settings, validators, result, start, depth + 1)
    return entries


def _read(location: str, expect: str, fetcher: Fetcher | None, settings: FetchSettings,
          validators: Mapping[str, Validators] | None, result: Discovery) -> tuple[bytes | None, str | None]:
    """Bytes of a feed/sitemap from a URL or a local path; (None, None) when there is nothing (new) to read."""
    if urlsplit(location).scheme.lower() in ("http", "https"):
        if fetcher is None:
            result.problems.append(f"{location} needs fetching but no fetcher was given")
            return None, None
        fetched = fetcher.fetch(location, validators=(validators or {}).get(location), settings=settings,
                                expect=expect, source_name=result.source.name)
        result.records.extend(fetched.records)
        if fetched.validators:
            result.validators[location] = fetched.validators
        if fetched.outcome in ("not_modified", "unchanged"):
            return None, None  # nothing new since last time: no entries, no problem
        if not fetched.ok:
            result.problems.append(fetched.cause or f"{location}: {fetched.outcome}")
            return None, None
        return fetched.body, fetched.final_url or location
    parts = urlsplit(location)
    path = Path(url2pathname(parts.path)) if parts.scheme == "file" else Path(location)
    started = time.monotonic()
    record = FetchRecord(url=str(path), outcome="ok", fetched_at=datetime.now(timezone.utc))
    try:
        size = path.stat().st_size
        if size > MAX_SITEMAP_BYTES:
            record.outcome, record.cause = "too_large", f"{path} is {size:,} bytes, more than {MAX_SITEMAP_BYTES:,}"
            body = None
        else:
            body = path.read_bytes()
            record.bytes = len(body)
    except OSError as exc:
        record.outcome, record.cause = "error", f"{path} cannot be read ({exc.strerror or exc}); fix the source's path"
        body = None
    record.elapsed_ms = int((time.monotonic() - started) * 1000)
    result.records.append(record)
    if body is None:
        result.problems.append(record.cause or str(path))
        return None, None
    return body, path.resolve().as_uri()
