"""From a source to the URLs to fetch: feeds and sitemaps read (over HTTP or from a local file), pages passed on.

Where a list came from decides what its entries may be (pipeline/provenance.py); each entry carries its origin.

`discover_source_pages(source, fetcher, start, end)` never raises for a bad feed or an unreachable host: what went
wrong is in the `FetchRecord`s (one per HTTP attempt or local read, as `fetch_log` keeps them) and in `problems`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pipeline.discover.entries import Entry, in_interval, unique
from pipeline.discover.feeds import FeedError, parse_feed
from pipeline.discover.sitemaps import MAX_SITEMAP_BYTES, SitemapError, parse_sitemap
from pipeline.discover.source_list import Source
from pipeline.fetch.client import Fetcher, Validators
from pipeline.fetch.guard import AddressPolicy, shown
from pipeline.fetch.local import LocalReadError, read_bounded
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.model import FetchRecord, Outcome
from pipeline.provenance import LOCAL, OPERATOR, WEB, local_link, web_refusal
from pipeline.urls import is_http

# A sitemap index is followed one level down (index → sitemaps); news sitemaps are never nested deeper in practice,
# and a bound stops a crawler trap.
MAX_SITEMAP_DEPTH = 2
# At most 50 child sitemaps per index and run: news indexes list one sitemap per day or per 1,000 URLs; children
# unchanged since the interval's start are skipped first, so 50 covers weeks of a busy site.
MAX_CHILD_SITEMAPS = 50
# Refused entries (links a list may not give, pipeline/provenance.py) reported one by one per source and run: a hostile
# list of a million bad links gives 20 lines and a count, not a million rows.
MAX_REFUSALS_LISTED = 20


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

    def attach(self, records: list[FetchRecord]) -> None:
        """Attempts made for this source, for `fetch_log`, named after it (`source_name`): the one place discovery's
        records are added and named."""
        for record in records:
            record.source_name = self.source.name
        self.records += records


def discover_source_pages(source: Source, fetcher: Fetcher | None, start: datetime | None = None,
                          end: datetime | None = None, validators: Mapping[str, Validators] | None = None,
                          base_settings: FetchSettings | None = None) -> Discovery:
    """The pages one source leads to: a page, live blog or file itself; a feed's or sitemap's entries published in
    [start, end) (undated entries kept), first per canonical URL.

    What a list may give depends on where it came from (pipeline/provenance.py): a feed or sitemap fetched over the
    web gives only http(s) URLs that pass the address guard; a local one the operator named may also name files
    inside its own folder. Anything else is refused (a `refused` record and a problem), never opened."""
    result = Discovery(source)
    if source.kind in ("page", "liveblog", "file"):
        result.entries = [Entry(source.location, None, None, source.name, source.kind, origin=OPERATOR)]
        return result
    settings = source.settings(base_settings or (fetcher.settings if fetcher else FetchSettings()))
    lists = _Lists(result, fetcher, settings, validators, AddressPolicy(settings.allow_networks))
    top = _local_path(source.location) if not source.is_remote else None
    root = top.resolve().parent if top is not None else None
    if source.kind == "feed":
        body, base = lists.read(source.location, "feed", top)
        if body is not None:
            try:
                entries = parse_feed(body, base, source.name)
            except FeedError as exc:
                result.problems.append(f"{source.location} is not a feed ({exc}); check the source's location")
            else:
                result.entries = lists.admit(in_interval(entries, start, end), source.location, root, root)
    elif source.kind == "sitemap":
        result.entries = _sitemap(source.location, top, root, lists, start, end, 1)
    if lists.refused > MAX_REFUSALS_LISTED:
        result.problems.append(f"{source.location}: {lists.refused - MAX_REFUSALS_LISTED} more entries refused "
                               f"(the first {MAX_REFUSALS_LISTED} are listed)")
    result.entries = unique(in_interval(result.entries, start, end))
    return result


def _local_path(location: str) -> Path:
    parts = urlsplit(location)
    return Path(url2pathname(parts.path)) if parts.scheme.lower() == "file" else Path(location)


def _sitemap(location: str, path: Path | None, root: Path | None, lists: "_Lists", start, end,
             depth: int) -> list[Entry]:
    """The entries of a sitemap (index) at `location`: fetched when `path` is None, else the local file `path`,
    whose links must stay inside `root`."""
    result = lists.result
    body, base = lists.read(location, "sitemap", path)
    if body is None:
        return []
    try:
        sitemap = parse_sitemap(body, base, result.source.name)
    except SitemapError as exc:
        result.problems.append(f"{location} is not a sitemap ({exc}); check the source's location")
        return []
    folder = path.resolve().parent if path is not None else None
    entries = lists.admit(in_interval(sitemap.entries, start, end), location, folder, root)
    children = [c for c in sitemap.sitemaps if start is None or c.published_at is None or c.published_at >= start]
    if children and depth >= MAX_SITEMAP_DEPTH:
        result.problems.append(f"{location} nests sitemap indexes deeper than {MAX_SITEMAP_DEPTH}; the nested ones "
                               "were not read")
        return entries
    children = lists.admit(children, location, folder, root)
    if len(children) > MAX_CHILD_SITEMAPS:
        children.sort(key=lambda c: c.published_at or datetime.max.replace(tzinfo=timezone.utc), reverse=True)
        result.problems.append(f"{location} lists {len(children)} sitemaps changed in the interval; read the newest "
                               f"{MAX_CHILD_SITEMAPS}")
        children = children[:MAX_CHILD_SITEMAPS]
    for child in children:
        child_path = Path(child.url) if child.origin == LOCAL else None
        entries += _sitemap(child.url, child_path, root, lists, start, end, depth + 1)
    return entries


@dataclass(slots=True)
class _Lists:
    """Reading the feeds and sitemaps of one source, and admitting what they list."""

    result: Discovery
    fetcher: Fetcher | None
    settings: FetchSettings
    validators: Mapping[str, Validators] | None
    policy: AddressPolicy
    refused: int = 0
    seen: set[tuple[str, str]] = field(default_factory=set)  # (list, link) pairs already refused

    def admit(self, entries: list[Entry], listing: str, folder: Path | None, root: Path | None) -> list[Entry]:
        """The entries the list at `listing` may give: `folder` is where a local list sits (None for a list fetched
        over the web, whose entries must all be web links); local files must stay inside `root`."""
        admitted = []
        for entry in entries:
            if folder is not None and root is not None and not is_http(entry.url):
                path, cause = local_link(entry.url, folder, root)
                if path is not None:
                    kind = "sitemap" if entry.kind == "sitemap" else "file"
                    admitted.append(replace(entry, url=str(path), kind=kind, origin=LOCAL, root=str(root)))
                    continue
            else:
                cause = web_refusal(entry.url, self.policy)
                if cause is None:
                    admitted.append(replace(entry, origin=WEB, root=None))
                    continue
            self.refuse(listing, entry.url, cause)
        return admitted

    def refuse(self, listing: str, link: str, cause: str) -> None:
        """A listed link that is not opened: a `refused` record and a problem line (the first few of each source)."""
        if (listing, link) in self.seen:
            return
        self.seen.add((listing, link))
        self.refused += 1
        if self.refused > MAX_REFUSALS_LISTED:
            return
        self.result.attach([FetchRecord(url=shown(link), outcome=Outcome.REFUSED, fetched_at=datetime.now(timezone.utc),
                                         stage="fetch", cause=f"listed by {shown(listing)}: {cause}")])
        self.result.problems.append(f"{shown(listing)} lists an entry that was not opened: {cause}")

    def read(self, location: str, expect: str, path: Path | None) -> tuple[bytes | None, str | None]:
        return _read(location, expect, path, self.fetcher, self.settings, self.validators, self.result)


def _read(location: str, expect: str, path: Path | None, fetcher: Fetcher | None, settings: FetchSettings,
          validators: Mapping[str, Validators] | None, result: Discovery) -> tuple[bytes | None, str | None]:
    """Bytes of a feed/sitemap: the local file `path` (one the operator named, or one admitted as inside its folder),
    else fetched from the URL `location`; (None, None) when there is nothing (new) to read. The base returned is the
    URL to resolve relative links against: None for a local file, whose links are checked as paths."""
    if path is None:
        if fetcher is None:
            result.problems.append(f"{location} needs fetching but no fetcher was given")
            return None, None
        fetched = fetcher.fetch(location, validators=(validators or {}).get(location), settings=settings,
                                expect=expect, source_name=result.source.name)
        result.attach(fetched.records)
        if fetched.validators:
            result.validators[location] = fetched.validators
        if fetched.outcome in (Outcome.NOT_MODIFIED, Outcome.UNCHANGED):
            return None, None  # nothing new since last time: no entries, no problem
        if not fetched.ok:
            result.problems.append(fetched.cause or f"{location}: {fetched.outcome}")
            return None, None
        return fetched.body, fetched.final_url or location
    started = time.monotonic()
    record = FetchRecord(url=str(path), outcome=Outcome.OK, fetched_at=datetime.now(timezone.utc))
    try:
        body = read_bounded(path, MAX_SITEMAP_BYTES)
        record.bytes = len(body)
    except FileNotFoundError:
        record.outcome, record.cause = Outcome.ERROR, f"{path} cannot be read (no such file); fix the source's path"
        body = None
    except LocalReadError as exc:
        record.outcome = exc.outcome
        record.cause = (f"{path} is larger than {MAX_SITEMAP_BYTES:,} bytes, the most a feed or sitemap may hold; "
                        "not read") if exc.outcome == Outcome.TOO_LARGE else f"{path}: {exc.cause}"
        body = None
    record.elapsed_ms = int((time.monotonic() - started) * 1000)
    result.attach([record])
    if body is None:
        result.problems.append(record.cause or str(path))
        return None, None
    return body, None
