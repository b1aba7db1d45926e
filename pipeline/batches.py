"""Sources read into batches, batches loaded, reported per source: what the CLI's runs (pipeline/runs.py), the
DAG's stages (pipeline/stages/) and the live poll (pipeline/live.py) share.

A source that fails at any stage is reported (source, stage, cause) and logged in `fetch_log`; the others go on.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from pipeline import keys
from pipeline.discover import load_sources
from pipeline.fetch import FetchSettings, Validators
from pipeline.fetch.fetch_settings import settings_from_environment
from pipeline.model import FetchRecord, Outcome, ParseResult
from pipeline.oneline import one_line
from pipeline.parse import THIN_BODY, ParseError, parse
from pipeline.purge.blocklist import Blocklist
from pipeline.redact import redact
from pipeline.settings import WarehouseSettings, data_dir, sources_csv
from pipeline.site_zones import SiteZones
from pipeline.source_reader import Read, SourceReader, is_url
from pipeline.stage import Batch, build_batch
from pipeline.store import FetchHistory, TableCounts, Writer

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
        f"{utc_day(page['first_fetched_at'])} – {utc_day(page['last_fetched_at'])} not re-read: their archive files were "
        f"pruned on {utc_day(page['pruned_at'])}")) for page in pages[:limit]]
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


def load_batches(db: WarehouseSettings, batches: Iterable[Batch], *, command: str, airflow_run_id: str | None = None,
                 airflow_try: int | None = None) -> tuple[str, str, dict[str, TableCounts]]:
    """Load batches into the warehouse as one run; returns (run id, status, rows per table). Publishes at the end.

    Each batch commits on its own: a batch that fails to load is rolled back alone, the run is marked failed, and
    the batches loaded before it stay loaded and published. `db` is a DuckDB file or a DuckLake
    (`ducklake:postgres:…` with its data folder); on a lake other loaders may run at once.
    """
    totals: dict[str, TableCounts] = {}
    with Writer(db) as writer:
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


def open_reader_for(db: WarehouseSettings, sources: list[str], settings: FetchSettings | None = None) -> SourceReader:
    """A reader for a run into `db`: the warehouse's validators for the URLs and, for live blogs, where the archive
    holds the body those very validators stand for (a ticker page answering 304 is read again from there; one query,
    `FetchHistory.latest`), the raw archive beside the warehouse."""
    urls = [source for source in sources if is_url(source)]
    history = FetchHistory(db)
    latest = history.latest(urls)
    return SourceReader(archive_dir=archive_dir(db), settings=settings or settings_from_environment(),
                        validators={url: Validators(*fetch.validators) for url, fetch in latest.items()},
                        history=history,
                        archived={url: fetch.body for url, fetch in latest.items() if fetch.is_liveblog})


def archive_dir(db: WarehouseSettings) -> Path:
    """Where raw responses are archived: `archive/` beside the warehouse file (for a DuckLake, in the data folder)."""
    db = WarehouseSettings.of(db)
    return data_dir() / "archive" if db.is_lake else Path(db.db).parent / "archive"


def enrichment_cache(db: WarehouseSettings) -> Path:
    """What `enrich` keeps of the platforms' answers (by `platform:native_id`): beside the archive folder."""
    return archive_dir(db).parent / "enrichment-cache.json"


def replays(reads: Iterable[Read]) -> Iterator[Read]:
    """Reads of the raw archive marked as a reparse: their live blogs never count as complete reads, so a reparse
    removes no entry (sql/load/08_item_events.sql)."""
    for read in reads:
        read.replay = True
        yield read


def utc_day(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d") if moment else "?"


def archive_max_bytes(csv_path: Path | None = None) -> int:
    """The cap on one archived record when re-parsing: the largest `max_bytes` any source of the sources list fetches
    with (a source allowed 20 MiB archived pages that big), else the run's (THREADLINE_FETCH_MAX_BYTES)."""
    base = settings_from_environment()
    try:
        sources = load_sources(csv_path or sources_csv())
    except (OSError, ValueError):  # no list, or one the run reports elsewhere: the run's own cap
        return base.max_bytes
    return max([base.max_bytes, *(source.settings(base).max_bytes for source in sources)])


def _progress(total: int):
    """A progress bar on stderr when it is a terminal and the work is long enough to want one."""
    if total < 10 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="source", file=sys.stderr, leave=False)

