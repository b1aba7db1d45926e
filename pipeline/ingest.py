"""A run, as the CLI and the DAG share it: read and parse sources into batches, load batches, report per source.

A source that fails at any stage is reported (source, stage, cause) and logged in `fetch_log`; the others go on.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import keys
from pipeline.discover import discover as discover_source
from pipeline.discover import load_sources, quiet_period, still_live
from pipeline.enrich import EnrichSettings, Enricher, enrich_settings_from_environment
from pipeline.fetch import Fetcher, FetchSettings, Validators, WarcArchive
from pipeline.fetch.retention import PrunePlan, Pruning, plan_prune, remove
from pipeline.fetch.fetch_settings import settings_from_environment
from pipeline.model import FetchRecord, Outcome, ParseResult
from pipeline.parse import THIN_BODY, ParseError, parse
from pipeline.redact import redact
from pipeline.oneline import one_line
from pipeline.provenance import read_refusal
from pipeline.purge.blocklist import Blocklist, load_blocklist
from pipeline.settings import data_dir, live_enabled, sources_csv
from pipeline.site_zones import SiteZones, listed_zones, site_zones
from pipeline.source_reader import Read, SourceError, SourceReader, expand, is_url, warc_reads
from pipeline.stage import Batch, build_batch, read_batch, write_batch
from pipeline.store import (FetchHistory, TableCounts, Writer, fetch_validators, is_lake, liveblog_facts,
                            posts_to_enrich, pruned_pages)

log = logging.getLogger(__name__)

# Sources parsed per batch before it is loaded: bounds memory (a large live blog is a few MB of rows) while keeping
# each load's fixed cost small against its rows.
DEFAULT_BATCH_SIZE = 100


@dataclass
class SourceReport:
    """What happened to one source."""

    source: str
    ok: bool
    stage: str | None = None
    cause: str | None = None
    title: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # parsed parts: key_points, entries, posts, quotes …
    warnings: list[str] = field(default_factory=list)
    note: str | None = None  # "not modified" / "unchanged": fetched, nothing new to parse

    def line(self) -> str:
        """One summary line for people (the CLI prints it, a DAG task's log shows it): without secrets, and a name
        with control characters in it shown escaped."""
        return redact(self._line())

    def _line(self) -> str:
        if not self.ok:
            return one_line(f"FAILED {self.source}: {self.stage}: {self.cause}")
        if self.note:
            return one_line(f"ok     {self.source}: {self.note}")
        parts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts.items() if n)
        warned = f" ({len(self.warnings)} warnings)" if self.warnings else ""
        thin = next((warning for warning in self.warnings if warning.startswith(THIN_BODY)), None)
        return one_line(f"ok     {self.source}: {parts or 'no items'}{warned}" + (f"; {thin}" if thin else ""))


@dataclass
class RunReport:
    """What a run did: its id and status, each source, and rows per table."""

    run_id: str
    status: str
    sources: list[SourceReport]
    counts: dict[str, TableCounts]
    unreadable: list[dict] = field(default_factory=list)  # reparse: pages whose responses were pruned (store)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if not s.ok]

    def unreadable_lines(self) -> list[str]:
        return pruned_page_lines(self.unreadable)


def pruned_page_lines(pages: list[dict], limit: int = 20) -> list[str]:
    """One line per page a reparse cannot read again because retention removed its archived responses (as
    `pipeline.store.pruned_pages` gives them), at most `limit` of them, then how many more."""
    lines = [redact(one_line(
        f"PRUNED {page['url']}: {page['responses']} response{'s' if page['responses'] != 1 else ''} fetched "
        f"{_day(page['first_fetched_at'])} – {_day(page['last_fetched_at'])} not re-read: their archive files were "
        f"pruned on {_day(page['pruned_at'])}")) for page in pages[:limit]]
    if len(pages) > limit:
        lines.append(f"… and {len(pages) - limit} more pages whose archived responses were pruned")
    return lines


def parse_read(read: Read, zone: tzinfo | None = None) -> tuple[ParseResult | None, SourceReport]:
    """Parse what was read from a source, its times that state no zone read in `zone` (else UTC); a failure at any
    stage becomes the source's report, never an exception."""
    if read.error is not None:
        log.error("%s: %s: %s", one_line(read.source), read.error.stage, one_line(read.error.cause))
        return None, SourceReport(read.source, ok=False, stage=read.error.stage, cause=read.error.cause)
    if read.unchanged:
        return None, SourceReport(read.source, ok=True, note=read.unchanged.replace("_", " ") + ", not parsed again")
    try:
        result = parse(read.document, zone)
    except ParseError as exc:
        cause = str(exc).removeprefix(f"{read.source}: ")
        log.error("%s: parse: %s", one_line(read.source), one_line(cause))
        last = read.records[-1]
        last.outcome, last.stage, last.cause = Outcome.ERROR, "parse", cause
        return None, SourceReport(read.source, ok=False, stage="parse", cause=cause)
    for warning in result.warnings:
        log.warning("%s: parse: %s", one_line(read.source), one_line(warning))
    if read.records and result.warnings:
        read.records[-1].parse_notes = "\n".join(result.warnings)
    result.page.source_name = read.source_name
    result.page.entries_complete = result.page.entries_complete and not read.replay
    return result, SourceReport(read.source, ok=True, title=result.page.title, counts=_part_counts(result),
                                warnings=list(result.warnings))


def _part_counts(result: ParseResult) -> dict[str, int]:
    page = result.page
    posts = {keys.post_id(embed.post): embed.post for embed in page.embeds}
    return {
        "key_points": len(page.key_points),
        "entries": len(page.entries),
        "posts": len(posts),
        "embeds": len(page.embeds),
        "thread_items": sum(len(post.thread) for post in posts.values()),
        "quotes": len(page.quotes),
    }


def parse_batches(reads: Iterable[Read], *, batch_size: int = DEFAULT_BATCH_SIZE, progress_total: int = 0,
                  reports: list[SourceReport] | None = None, zones: SiteZones | None = None,
                  blocklist: Blocklist | None = None,
                  tickers: Callable[[Read, ParseResult, tzinfo | None], list[str]] | None = None) -> Iterator[Batch]:
    """Parse what was read, yielding a batch every `batch_size` documents; appends each document's report. `zones`
    gives the zone each page's times that state none are read in (pipeline/site_zones.py); what `blocklist` names
    (purged posts, accounts and pages: pipeline/purge/) is taken out of each parse result before the batch is built.
    `tickers` (a run's `SourceReader.read_tickers`) adds the entries a ticker provider's JSON holds to a page, its
    times read in the page's zone.

    With `progress_total` (the number of reads expected) a progress bar shows on stderr when it is a terminal.
    """
    reports = reports if reports is not None else []
    bar = _progress(progress_total)
    results: list[ParseResult] = []
    records: list[FetchRecord] = []
    failed = 0
    for read in reads:
        zone = zones.for_read(read) if zones and read.document else None
        result, report = parse_read(read, zone)
        if blocklist and result is not None and (result := blocklist.screen(result, read)) is None:
            report.note = "purged (pipeline purge): not loaded"  # the page itself, found by its canonical URL or id
        if tickers and result is not None:  # a purged page's ticker feeds are not fetched either
            problems = tickers(read, result, zone)
            for problem in problems:
                log.warning("%s", problem)
            report.warnings += problems
            report.counts = _part_counts(result)
            if blocklist:
                result = blocklist.screen(result, read)  # the posts the feeds' entries embed
        reports.append(report)
        records += read.records
        if result is not None:
            results.append(result)
        failed += not report.ok
        if bar:
            bar.update(1)
        if len(results) + failed >= batch_size:
            yield build_batch(results, records, sources_failed=failed)
            results, records, failed = [], [], 0
    if bar:
        bar.close()
    if records:
        yield build_batch(results, records, sources_failed=failed)


def load_batches(db: str, batches: Iterable[Batch], *, command: str, airflow_run_id: str | None = None,
                 airflow_try: int | None = None,
                 lake_data: str | None = None) -> tuple[str, str, dict[str, TableCounts]]:
    """Load batches into the warehouse as one run; returns (run id, status, rows per table). Publishes at the end.

    Each batch commits on its own: a batch that fails to load is rolled back alone, the run is marked failed, and
    the batches loaded before it stay loaded and published. `db` is a DuckDB file or a DuckLake
    (`ducklake:postgres:…`, data folder `lake_data` or $THREADLINE_LAKE_DATA); on a lake other loaders may run at once.
    """
    totals: dict[str, TableCounts] = {}
    with Writer(db, lake_data=lake_data) as writer:
        run_id = writer.start_run(command, airflow_run_id=airflow_run_id, airflow_try=airflow_try)
        try:
            for batch in batches:
                for table, counts in writer.load(batch, run_id).items():
                    totals[table] = totals.get(table, TableCounts()) + counts
            writer.flush()  # a full disk shows here, before the run is recorded as finished
        except BaseException as exc:
            writer.fail_run(run_id, exc)
            raise
        status = writer.finish_run(run_id)
    return run_id, status, totals


def open_reader_for(db: str, sources: list[str], settings: FetchSettings | None = None, *,
                    lake_data: str | None = None) -> SourceReader:
    """A reader for a run into `db`: the warehouse's validators for the URLs and where the archive holds their
    latest bodies (a ticker page answering 304 is read again from there), the raw archive beside the warehouse."""
    urls = [source for source in sources if is_url(source)]
    history = FetchHistory(db, lake_data)
    known = {url: Validators(*fields) for url, fields in history.validators(urls).items()}
    return SourceReader(archive_dir=archive_dir(db), settings=settings or settings_from_environment(),
                        validators=known, history=history,
                        archived=history.latest_bodies(urls, live_blogs=True))


def archive_dir(db: str) -> Path:
    """Where raw responses are archived: `archive/` beside the warehouse file (for a DuckLake, in the data folder)."""
    return data_dir() / "archive" if is_lake(db) else Path(db).parent / "archive"


def enrichment_cache(db: str) -> Path:
    """What `enrich` keeps of the platforms' answers (by `platform:native_id`): beside the archive folder."""
    return archive_dir(db).parent / "enrichment-cache.json"


def ingest(sources: list[str], db: str, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
           settings: FetchSettings | None = None, lake_data: str | None = None) -> RunReport:
    """`pipeline ingest`: every source read (fetched), parsed and loaded as one run."""
    expanded = expand(sources)
    reports: list[SourceReport] = []
    blocklist = load_blocklist(db, lake_data=lake_data)
    with open_reader_for(db, expanded, settings, lake_data=lake_data) as reader:
        reads = (read for source in expanded
                 for read in blocklist.guard(source, lambda source=source: reader.read(source)))
        batches = parse_batches(reads, batch_size=batch_size, reports=reports,
                                progress_total=len(expanded) if progress else 0,
                                zones=site_zones(db, lake_data=lake_data), blocklist=blocklist,
                                tickers=reader.read_tickers)
        run_id, status, counts = load_batches(db, batches, command="ingest", lake_data=lake_data)
    return RunReport(run_id, status, reports, counts)


def reparse(db: str, *, since: datetime | None = None, until: datetime | None = None,
            source_names: list[str] | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
            lake_data: str | None = None) -> RunReport:
    """`pipeline reparse`: archived responses fetched in [since, until) parsed again with today's parser and
    reloaded; touches no network. A file or record of the archive that cannot be read is that read's failure, and
    the others are parsed; records past `archive_max_bytes()` are not read."""
    reports: list[SourceReport] = []
    unreadable = pruned_pages(db, since=since, until=until, lake_data=lake_data)
    reads = replays(warc_reads(archive_dir(db), since=since, until=until, source_names=source_names,
                               max_bytes=archive_max_bytes()))
    zones = site_zones(db, listed_zones(sources_csv()), lake_data=lake_data)
    with open_reader_for(db, [], lake_data=lake_data) as reader:  # replays ticker answers from the archive
        batches = parse_batches(reads, batch_size=batch_size, reports=reports, zones=zones,
                                blocklist=load_blocklist(db, lake_data=lake_data), tickers=reader.read_tickers)
        run_id, status, counts = load_batches(db, batches, command="reparse", lake_data=lake_data)
    return RunReport(run_id, status, reports, counts, unreadable)


def replays(reads: Iterable[Read]) -> Iterator[Read]:
    """Reads of the raw archive marked as a reparse: their live blogs never count as complete reads, so a reparse
    removes no entry (sql/load/08_item_events.sql)."""
    for read in reads:
        read.replay = True
        yield read


def _day(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d") if moment else "?"


@dataclass
class PruneReport:
    """What `prune_archive` did (or, in a dry run, would do) to the raw archive."""

    archive: Path
    keep_days: float | None
    max_bytes: int | None
    dry_run: bool
    plan: PrunePlan
    failed: dict[str, str] = field(default_factory=dict)  # path → why it was not removed

    @property
    def removed(self) -> list[Pruning]:
        return [] if self.dry_run else [p for p in self.plan.prune if p.path not in self.failed]

    def lines(self) -> list[str]:
        """One line per file pruned (or not), then the totals."""
        if self.keep_days is None and self.max_bytes is None:
            return [f"no archive retention set (THREADLINE_ARCHIVE_KEEP_DAYS, THREADLINE_ARCHIVE_MAX_BYTES): "
                    f"{self.plan.kept_files} files ({self.plan.kept_bytes:,} bytes) kept under {self.archive}"]
        verb = "would prune" if self.dry_run else "pruned"
        lines = []
        for p in self.plan.prune:
            why = ("its newest response is older than " + _days(self.keep_days) if p.reason == "age"
                   else f"the archive is over {self.max_bytes:,} bytes")
            what = (f"{p.records} responses fetched {_day(p.first_fetched_at)} – {_day(p.last_fetched_at)}, "
                    f"{p.bytes:,} bytes")
            if p.path in self.failed:
                lines.append(f"NOT PRUNED {p.path}: {self.failed[p.path]}")
            else:
                lines.append(f"{verb} {p.path}: {why} ({what})")
        lines += [f"in use {path}: a writer holds it, not pruned" for path in self.plan.in_use]
        lines += [f"left alone {path}: named like the archive's files but not written by Threadline"
                  for path in self.plan.not_ours]
        gone = sum(p.bytes for p in self.plan.prune if p.path not in self.failed)
        kept = self.plan.kept_bytes + sum(p.bytes for p in self.plan.prune if p.path in self.failed)
        lines.append(f"{verb} {len(self.plan.prune) - len(self.failed)} files ({gone:,} bytes); kept "
                     f"{self.plan.kept_files + len(self.failed)} files ({kept:,} bytes) under {self.archive}")
        if self.max_bytes is not None and kept > self.max_bytes:
            lines.append(f"still over THREADLINE_ARCHIVE_MAX_BYTES ({self.max_bytes:,} bytes): what is left is "
                         f"being written or could not be removed")
        return lines


def _days(days: float | None) -> str:
    return f"{days:g} day{'s' if days != 1 else ''}"


def prune_archive(db: str, *, keep_days: float | None, max_bytes: int | None, dry_run: bool = False,
                  now: datetime | None = None, lake_data: str | None = None) -> PruneReport:
    """`pipeline archive prune`: remove the raw archive's WARC files past the limits (pipeline/fetch/retention.py:
    only files the fetcher made, never one being written) and record each in `archive_pruned`. The warehouse is
    opened before anything is removed, so a busy or unusable warehouse removes nothing; a dry run opens nothing."""
    now = now or datetime.now(timezone.utc)
    folder = archive_dir(db)
    plan = plan_prune(folder, keep_days=keep_days, max_bytes=max_bytes, now=now)
    report = PruneReport(folder, keep_days, max_bytes, dry_run, plan)
    if dry_run or not plan.prune:
        return report
    with Writer(db, lake_data=lake_data) as writer:
        for pruning in plan.prune:
            why = remove(pruning)
            if why is not None:
                report.failed[pruning.path] = why
                log.warning("%s: not pruned: %s", pruning.path, why)
        writer.record_pruned([{**asdict(p), "pruned_at": now} for p in report.removed])
    return report


def archive_max_bytes(csv_path: Path | None = None) -> int:
    """The cap on one archived record when re-parsing: the largest `max_bytes` any source of the sources list fetches
    with (a source allowed 20 MiB archived pages that big), else the run's (THREADLINE_FETCH_MAX_BYTES)."""
    base = settings_from_environment()
    try:
        sources = load_sources(csv_path or sources_csv())
    except (OSError, ValueError):  # no list, or one the run reports elsewhere: the run's own cap
        return base.max_bytes
    return max([base.max_bytes, *(source.settings(base).max_bytes for source in sources)])


# A post found gone is asked again after a week: deletions are nearly always final, but suspended accounts and
# protected posts come back, and a weekly check of a few posts is cheap.
RECHECK_UNAVAILABLE = timedelta(days=7)
# Posts asked about per run: at 1 request/s per endpoint host this bounds a run's enrichment to minutes.
DEFAULT_ENRICH_LIMIT = 500


def enrich(db: str, *, limit: int = DEFAULT_ENRICH_LIMIT, settings: EnrichSettings | None = None,
           now: datetime | None = None, lake_data: str | None = None) -> RunReport:
    """`pipeline enrich`: ask the platforms about posts the pages left incomplete, then load what they said.

    The platforms are asked before the writer lock is taken, so enrichment never holds up loading pages. A post
    found gone becomes `unavailable` with the time checked (never deleted) and is asked again a week later.
    """
    now = now or datetime.now(timezone.utc)
    posts = posts_to_enrich(db, recheck_before=now - RECHECK_UNAVAILABLE, limit=limit, lake_data=lake_data)
    settings = settings or enrich_settings_from_environment()
    enriched, records, reports = [], [], []
    with Fetcher(settings.fetch, archive=WarcArchive(archive_dir(db))) as fetcher, \
            Enricher(fetcher, settings, cache_path=enrichment_cache(db)) as enricher:
        for result in enricher.enrich_many(posts, now=now):
            post = result.post
            records += result.records
            if post.checked_at is not None:
                enriched.append(post)
            reports.append(SourceReport(f"{post.platform}:{post.native_id}", ok=True,
                                        note=post.status if post.checked_at else (result.note or "not asked")))
    blocklist = load_blocklist(db, lake_data=lake_data)
    for post in enriched:  # a purged post an answer says this one quotes or answers must not come back as a post
        post.relations = [relation for relation in post.relations if not blocklist.post_purged(relation.post)]
    batch = build_batch([], records, posts=enriched)
    run_id, status, counts = load_batches(db, [batch], command="enrich", lake_data=lake_data)
    return RunReport(run_id, status, reports, counts)


def _progress(total: int):
    """A progress bar on stderr when it is a terminal and the work is long enough to want one."""
    if total < 10 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="source", file=sys.stderr, leave=False)


# --- The DAG's stages: the same calls as the CLI, split where Airflow hands data between tasks. ---

def discover_sources(csv_path: Path, folder: Path, db: str, *, start: datetime | None = None,
                     end: datetime | None = None, names: list[str] | None = None, max_pages: int | None = None,
                     now: datetime | None = None, lake_data: str | None = None) -> dict:
    """The source list → what to read in [start, end), grouped by host into batches of entries
    (`{"location", "source", "settings", "origin", "root"}`: where, for which source, with that source's fetch
    settings, and where the location came from, which decides what it may be: pipeline/provenance.py).

    Feeds and sitemaps are read (their own fetch attempts are staged under `folder` for the load); pages and files
    pass through; a live blog passes while it is live (until its coverage end, or a quiet period). `names` picks
    sources by name (an unknown name is an error); `max_pages` caps what one source expands to.
    """
    sources = load_sources(csv_path)
    if names:
        unknown = sorted(set(names) - {source.name for source in sources})
        if unknown:
            raise ValueError(f"{csv_path}: no source named {', '.join(unknown)}; "
                             f"known: {', '.join(source.name for source in sources)}")
        sources = [source for source in sources if source.name in names]
    remote = [source.location for source in sources if source.kind in ("feed", "sitemap") and source.is_remote]
    known = {url: Validators(*fields) for url, fields in fetch_validators(db, remote, lake_data=lake_data).items()}
    live = liveblog_facts(db, [source.location for source in sources if source.kind == "liveblog"],
                          lake_data=lake_data)
    now = now or datetime.now(timezone.utc)
    records: list[FetchRecord] = []
    notes: list[str] = []
    entries: dict[str, dict] = {}
    with Fetcher(settings_from_environment()) as fetcher:
        for source in sources:
            if source.kind == "liveblog" and source.location in live:
                facts = live[source.location]
                decision = still_live(now=now, is_liveblog=facts["is_liveblog"],
                                      coverage_end=facts["coverage_end_at"], last_change=facts["last_change"],
                                      first_seen=facts["first_seen_at"], **quiet_period(source))
                if not decision.refetch:
                    notes.append(f"{source.name}: not refetched: {decision.reason}")
                    continue
            found = discover_source(source, fetcher, start, end, validators=known)
            records += _named(found.records, source.name)
            notes += [redact(f"{source.name}: {problem}") for problem in found.problems]  # printed by the DAG
            for entry in found.entries[:max_pages]:
                entries.setdefault(entry.url, {"location": entry.url, "source": source.name,
                                               "settings": dict(source.settings_overrides),
                                               "timezone": source.timezone,
                                               "origin": entry.origin, "root": entry.root})
    _write_whole(build_batch([], records), folder)
    listed, left = leave_to_live_mode(list(entries.values()), csv_path, db, now=now, lake_data=lake_data)
    return {"batches": group_into_batches(listed), "staged": str(folder), "problems": notes + left}


def leave_to_live_mode(entries: list[dict], csv_path: Path, db: str, *, now: datetime,
                       lake_data: str | None = None) -> tuple[list[dict], list[str]]:
    """When the live mode is on ($THREADLINE_LIVE), the nightly run's entries less the live blogs it polls (with a
    note each); else the entries as they are."""
    if not live_enabled():
        return entries, []
    from pipeline.live import plan_poll, without_polled

    return without_polled(entries, plan_poll(csv_path, db, now=now, lake_data=lake_data))


def group_into_batches(entries: list[dict], batch_size: int = DEFAULT_BATCH_SIZE) -> list[list[dict]]:
    """Entries grouped by host (local files together), each group cut to at most `batch_size` entries: one host's
    pages in one task, so its politeness delay is kept by one fetcher."""
    by_host: dict[str, list[dict]] = {}
    for entry in entries:
        host = urlsplit(entry["location"]).hostname if is_url(entry["location"]) else ""
        by_host.setdefault(host or "", []).append(entry)
    return [group[i:i + batch_size] for _, group in sorted(by_host.items())
            for i in range(0, len(group), batch_size)]


def stage_sources(entries: list[dict], folder: Path, db: str, *, lake_data: str | None = None) -> dict:
    """Read and parse discovered entries into one batch written as Parquet under `folder`; returns what a load
    needs to know. Each entry is fetched with its source's settings and archived under its source's name; an entry
    `{"archive": …, "since": …, "until": …}` stands for the archived responses of that range (mode reparse). An
    entry is read as a local file only when its origin allows it (`operator`, or `local` and still inside its `root`);
    any other entry must be an http(s) URL, else it fails as `refused` without being opened."""
    reports: list[SourceReport] = []
    with read_entries(entries, db, lake_data=lake_data) as (reads, how):
        batches = list(parse_batches(reads, batch_size=10**9, reports=reports, **how))
    _write_whole(batches[0] if batches else build_batch([]), folder)
    return {"folder": str(folder), "sources_ok": sum(r.ok for r in reports),
            "failed": [r.line() for r in reports if not r.ok]}


@contextmanager
def read_entries(entries: list[dict], db: str, *, lake_data: str | None = None
                 ) -> Iterator[tuple[Iterator[Read], dict]]:
    """The reads of discovered entries (each fetched with its source's settings and named after it), a purged page
    not fetched, and what `parse_batches` needs for them: the zones their pages' zone-less times are read in, the
    blocklist of purged posts and pages, and the run's reader of ticker providers' JSON."""
    blocklist = load_blocklist(db, lake_data=lake_data)
    with open_reader_for(db, [entry["location"] for entry in entries if "location" in entry],
                         lake_data=lake_data) as reader:
        reads = (read for entry in entries
                 for read in blocklist.guard(entry.get("location", ""), lambda entry=entry: _entry_reads(entry, reader)))
        yield reads, {"zones": site_zones(db, _entry_zones(entries), lake_data=lake_data), "blocklist": blocklist,
                      "tickers": reader.read_tickers}


def _entry_zones(entries: list[dict]) -> dict[str, str]:
    """Source name → `timezone` as discovery put them in the entries (a page's entry, or an archive range's)."""
    zones = {}
    for entry in entries:
        if entry.get("source") and entry.get("timezone"):
            zones[entry["source"]] = entry["timezone"]
        zones.update(entry.get("timezones") or {})
    return zones


def _entry_reads(entry: dict, reader: SourceReader) -> Iterator[Read]:
    """The reads of one discovered entry, each (and its attempts) named after the entry's source."""
    for read in _unnamed_entry_reads(entry, reader):
        read.source_name = entry.get("source")
        _named(read.records, read.source_name)
        yield read


def _named(records: list[FetchRecord], name: str | None) -> list[FetchRecord]:
    """Records marked as made for the source list's source `name` (fetch_log.source_name)."""
    for record in records:
        record.source_name = name
    return records


def _unnamed_entry_reads(entry: dict, reader: SourceReader) -> Iterator[Read]:
    if "archive" in entry:
        return replays(warc_reads(entry["archive"], since=_moment(entry.get("since")),
                                  until=_moment(entry.get("until")), source_names=entry.get("sources") or None,
                                  max_bytes=archive_max_bytes()))
    location = entry["location"]
    refusal = read_refusal(location, entry.get("origin"), entry.get("root"))
    if refusal:
        error = SourceError(location, "fetch", refusal, outcome=Outcome.REFUSED)
        return iter([Read(location, error=error, records=[FetchRecord(
            url=one_line(location), outcome=Outcome.REFUSED, fetched_at=datetime.now(timezone.utc), stage="fetch",
            cause=refusal)])])
    return reader.read(location, source_name=entry.get("source"), overrides=entry.get("settings"))


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _write_whole(batch: Batch, folder: Path) -> None:
    """Write a batch beside `folder` and rename it into place, so `folder` either holds a whole batch or does not
    exist: a task killed while staging leaves nothing a load could half-read."""
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    write_batch(batch, partial)
    shutil.rmtree(folder, ignore_errors=True)  # an earlier try's batch of the same sources
    os.replace(partial, folder)


def load_staged(db: str, folders: list[str], *, command: str, airflow_run_id: str | None = None,
                airflow_try: int | None = None, lake_data: str | None = None) -> dict:
    """Load staged batches as one run; returns its id, status and rows per table."""
    batches = (read_batch(Path(folder)) for folder in folders)
    run_id, status, counts = load_batches(db, batches, command=command, airflow_run_id=airflow_run_id,
                                          airflow_try=airflow_try, lake_data=lake_data)
    return {"run_id": run_id, "status": status,
            "counts": {table: vars(c) for table, c in sorted(counts.items())}}


# --- Run parameters, as the DAG's form and its first task use them. ---

MODES = ("fetch", "reparse")
# Pages one source (a feed, a sitemap, a folder) may expand to unless a run says otherwise.
DEFAULT_MAX_PAGES = 1000


class RunParamsError(ValueError):
    """Run parameters that cannot be honoured; the message says which one and why."""


@dataclass(frozen=True)
class RunParams:
    sources: tuple[str, ...]  # source names from the sources CSV; empty = all of them
    mode: str
    max_pages: int


def validate_params(params: dict, known_sources: list[str]) -> RunParams:
    """Check a run's parameters before any work; raises RunParamsError naming the bad one."""
    sources = params.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise RunParamsError(f"sources must be a list of source names, got {sources!r}")
    unknown = sorted(set(sources) - set(known_sources))
    if unknown:
        raise RunParamsError(f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(known_sources)}")
    mode = params.get("mode") or "fetch"
    if mode not in MODES:
        raise RunParamsError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    max_pages = params.get("max_pages", DEFAULT_MAX_PAGES)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise RunParamsError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
    return RunParams(tuple(sources), mode, max_pages)


def discover(csv_path: Path, params: RunParams, interval: tuple[datetime, datetime] | None = None, *,
             staging: Path, db: str, lake_data: str | None = None) -> dict:
    """What a run reads, grouped into batches: `{"batches", "problems"}`.

    `interval` is the run's data interval [start, end), or None for a manual run, which reads everything. In mode
    fetch, sources with dates (feed and sitemap entries) keep what belongs to the interval, pages and files are read
    whole by every run. In mode reparse, the batch is the raw archive's responses fetched in the interval.
    """
    if interval is not None and not interval[0] < interval[1]:
        raise RunParamsError(f"empty data interval [{interval[0]}, {interval[1]}): nothing could belong to it")
    start, end = interval if interval else (None, None)
    if params.mode == "reparse":
        try:
            zones = listed_zones(csv_path)
        except ValueError as exc:
            raise RunParamsError(str(exc)) from None
        entry = {"archive": str(archive_dir(db)), "since": start.isoformat() if start else None,
                 "until": end.isoformat() if end else None, "sources": list(params.sources), "timezones": zones}
        gone = pruned_page_lines(pruned_pages(db, since=start, until=end, lake_data=lake_data))
        return {"batches": [[entry]], "problems": gone}
    try:
        found = discover_sources(csv_path, staging / DISCOVERY_FOLDER, db, start=start, end=end,
                                 names=list(params.sources), max_pages=params.max_pages, lake_data=lake_data)
    except ValueError as exc:
        raise RunParamsError(str(exc)) from None
    return {"batches": found["batches"], "problems": found["problems"]}


DISCOVERY_FOLDER = "discovery"


def staged_batches(run_folder: Path, count: int, *, discovery: bool = False) -> list[str]:
    """The batch folders `batch-0000` … of a run that were staged completely (a failed batch has none); with
    `discovery`, the folder of discovery's own fetch attempts instead, when there is one."""
    if discovery:
        folders = [run_folder / DISCOVERY_FOLDER]
    else:
        folders = [run_folder / f"batch-{index:04d}" for index in range(count)]
    return [str(folder) for folder in folders if (folder / "articles.parquet").is_file()]


# Staged batches are kept this long after their run (a cleared load task re-loads them); older ones are removed.
STAGING_RETENTION_DAYS = 7


_STAGED_NAME = re.compile(rf"^(?:{DISCOVERY_FOLDER}|batch-\d{{4}})(?:\.partial-\d+)?$")


def _staged_by_us(run_folder: Path) -> bool:
    """Whether every entry of a run folder is a folder staging writes (a user's file or folder there is not)."""
    return all(child.is_dir() and not child.is_symlink() and _STAGED_NAME.match(child.name)
               for child in run_folder.iterdir())


def prune_staging(staging_root: Path, *, keep_days: float = STAGING_RETENTION_DAYS) -> list[str]:
    """Remove run folders under `staging_root` untouched for `keep_days`; returns their names. Only a folder that
    holds nothing but what staging writes (`discovery`, `batch-NNNN`, their `.partial-PID` forms) is the pipeline's:
    anything else under `staging_root` is left alone, whatever its age."""
    if not staging_root.is_dir():
        return []
    cutoff = time.time() - keep_days * 86400
    removed = []
    for folder in sorted(staging_root.iterdir()):
        if folder.is_dir() and not folder.is_symlink() and _staged_by_us(folder) \
                and max((p.stat().st_mtime for p in folder.rglob("*")), default=folder.stat().st_mtime) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
