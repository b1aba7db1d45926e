"""The CLI's runs: `pipeline ingest`, `reparse`, `archive prune` and `enrich`, each read, parsed and loaded as one run
(the same calls as the DAG's stages, pipeline/stages/, which split them where Airflow hands data between tasks).

A source that fails at any stage is reported (source, stage, cause) and logged in `fetch_log`; the others go on.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.batches import (DEFAULT_BATCH_SIZE, RunReport, SourceReport, archive_dir, archive_max_bytes,
                              enrichment_cache, load_batches, open_reader_for, parse_batches, replays, utc_day)
from pipeline.enrich import EnrichSettings, Enricher, enrich_settings_from_environment
from pipeline.fetch import Fetcher, FetchSettings, WarcArchive
from pipeline.fetch.retention import PrunePlan, Pruning, plan_prune, remove
from pipeline.purge.blocklist import load_blocklist
from pipeline.settings import WarehouseSettings, sources_csv
from pipeline.site_zones import listed_zones, site_zones
from pipeline.source_reader import expand, warc_reads
from pipeline.stage import build_batch
from pipeline.store import Writer, posts_to_enrich, pruned_pages

log = logging.getLogger(__name__)


def ingest(sources: list[str], db: WarehouseSettings, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
           settings: FetchSettings | None = None) -> RunReport:
    """`pipeline ingest`: every source read (fetched), parsed and loaded as one run."""
    expanded = expand(sources)
    reports: list[SourceReport] = []
    blocklist = load_blocklist(db)
    with open_reader_for(db, expanded, settings) as reader:
        reads = (read for source in expanded
                 for read in blocklist.guard(source, lambda source=source: reader.read(source)))
        batches = parse_batches(reads, batch_size=batch_size, reports=reports,
                                progress_total=len(expanded) if progress else 0,
                                zones=site_zones(db), blocklist=blocklist,
                                tickers=reader.read_tickers)
        run_id, status, counts = load_batches(db, batches, command="ingest")
    return RunReport(run_id, status, reports, counts)


def reparse(db: WarehouseSettings, *, since: datetime | None = None, until: datetime | None = None,
            source_names: list[str] | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> RunReport:
    """`pipeline reparse`: archived responses fetched in [since, until) parsed again with today's parser and
    reloaded; touches no network. A file or record of the archive that cannot be read is that read's failure, and
    the others are parsed; records past `archive_max_bytes()` are not read."""
    reports: list[SourceReport] = []
    unreadable = pruned_pages(db, since=since, until=until)
    reads = replays(warc_reads(archive_dir(db), since=since, until=until, source_names=source_names,
                               max_bytes=archive_max_bytes()))
    zones = site_zones(db, listed_zones(sources_csv()))
    with open_reader_for(db, []) as reader:  # replays ticker answers from the archive
        batches = parse_batches(reads, batch_size=batch_size, reports=reports, zones=zones,
                                blocklist=load_blocklist(db), tickers=reader.read_tickers)
        run_id, status, counts = load_batches(db, batches, command="reparse")
    return RunReport(run_id, status, reports, counts, unreadable)


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
            what = (f"{p.records} responses fetched {utc_day(p.first_fetched_at)} – {utc_day(p.last_fetched_at)}, "
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


def prune_archive(db: WarehouseSettings, *, keep_days: float | None, max_bytes: int | None, dry_run: bool = False,
                  now: datetime | None = None) -> PruneReport:
    """`pipeline archive prune`: remove the raw archive's WARC files past the limits (pipeline/fetch/retention.py:
    only files the fetcher made, never one being written) and record each in `archive_pruned`. The warehouse is
    opened before anything is removed, so a busy or unusable warehouse removes nothing; a dry run opens nothing."""
    now = now or datetime.now(timezone.utc)
    folder = archive_dir(db)
    plan = plan_prune(folder, keep_days=keep_days, max_bytes=max_bytes, now=now)
    report = PruneReport(folder, keep_days, max_bytes, dry_run, plan)
    if dry_run or not plan.prune:
        return report
    with Writer(db) as writer:
        for pruning in plan.prune:
            why = remove(pruning)
            if why is not None:
                report.failed[pruning.path] = why
                log.warning("%s: not pruned: %s", pruning.path, why)
        writer.record_pruned([{**asdict(p), "pruned_at": now} for p in report.removed])
    return report


# A post found gone is asked again after a week: deletions are nearly always final, but suspended accounts and
# protected posts come back, and a weekly check of a few posts is cheap.
RECHECK_UNAVAILABLE = timedelta(days=7)
# Posts asked about per run: at 1 request/s per endpoint host this bounds a run's enrichment to minutes.
DEFAULT_ENRICH_LIMIT = 500


def enrich(db: WarehouseSettings, *, limit: int = DEFAULT_ENRICH_LIMIT, settings: EnrichSettings | None = None,
           now: datetime | None = None) -> RunReport:
    """`pipeline enrich`: ask the platforms about posts the pages left incomplete, then load what they said.

    The platforms are asked before the writer lock is taken, so enrichment never holds up loading pages. A post
    found gone becomes `unavailable` with the time checked (never deleted) and is asked again a week later.
    """
    now = now or datetime.now(timezone.utc)
    posts = posts_to_enrich(db, recheck_before=now - RECHECK_UNAVAILABLE, limit=limit)
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
    blocklist = load_blocklist(db)
    for post in enriched:  # a purged post an answer says this one quotes or answers must not come back as a post
        post.relations = [relation for relation in post.relations if not blocklist.post_purged(relation.post)]
    batch = build_batch([], records, posts=enriched)
    run_id, status, counts = load_batches(db, [batch], command="enrich")
    return RunReport(run_id, status, reports, counts)
