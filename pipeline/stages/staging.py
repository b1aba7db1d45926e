"""A DAG run's batches: discovered entries read and parsed into a batch written as Parquet (one task per batch), and
the staged batches loaded as one run."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.batches import (DEFAULT_BATCH_SIZE, SourceReport, archive_max_bytes, load_batches,
                              open_reader_for, parse_batches, replays)
from pipeline.model import FetchRecord, Outcome
from pipeline.oneline import one_line
from pipeline.provenance import read_refusal
from pipeline.purge.blocklist import load_blocklist
from pipeline.settings import WarehouseSettings
from pipeline.site_zones import site_zones
from pipeline.source_reader import Read, SourceError, SourceReader, is_url, warc_reads
from pipeline.stage import Batch, build_batch, read_batch, write_batch
from pipeline.stages.entries import ArchiveEntry, SourceEntry, StageEntry

DISCOVERY_FOLDER = "discovery"


def group_into_batches(entries: list[SourceEntry], batch_size: int = DEFAULT_BATCH_SIZE) -> list[list[SourceEntry]]:
    """Entries grouped by host (local files together), each group cut to at most `batch_size` entries: one host's
    pages in one task, so its politeness delay is kept by one fetcher."""
    by_host: dict[str, list[SourceEntry]] = {}
    for entry in entries:
        host = urlsplit(entry.location).hostname if is_url(entry.location) else ""
        by_host.setdefault(host or "", []).append(entry)
    return [group[i:i + batch_size] for _, group in sorted(by_host.items())
            for i in range(0, len(group), batch_size)]


def stage_sources(entries: list[StageEntry], folder: Path, db: WarehouseSettings) -> dict:
    """Read and parse discovered entries into one batch written as Parquet under `folder`; returns what a load
    needs to know. Each `SourceEntry` is fetched with its source's settings and archived under its source's name;
    an `ArchiveEntry` stands for the archived responses of its range (mode reparse). An entry is read as a local
    file only when its origin allows it (`operator`, or `local` and still inside its `root`); any other entry must be
    an http(s) URL, else it fails as `refused` without being opened."""
    reports: list[SourceReport] = []
    with read_entries(entries, db) as (reads, how):
        batches = list(parse_batches(reads, batch_size=10**9, reports=reports, **how))
    write_whole(batches[0] if batches else build_batch([]), folder)
    return {"folder": str(folder), "sources_ok": sum(r.ok for r in reports),
            "failed": [r.line() for r in reports if not r.ok]}


@contextmanager
def read_entries(entries: list[StageEntry], db: WarehouseSettings) -> Iterator[tuple[Iterator[Read], dict]]:
    """The reads of discovered entries (each fetched with its source's settings and named after it), a purged page
    not fetched, and what `parse_batches` needs for them: the zones their pages' zone-less times are read in, the
    blocklist of purged posts and pages, and the run's reader of ticker providers' JSON."""
    blocklist = load_blocklist(db)
    with open_reader_for(db, [entry.location for entry in entries if isinstance(entry, SourceEntry)]) as reader:
        reads = (read for entry in entries
                 for read in blocklist.guard(entry.location if isinstance(entry, SourceEntry) else "",
                                             lambda entry=entry: _entry_reads(entry, reader)))
        yield reads, {"zones": site_zones(db, _entry_zones(entries)), "blocklist": blocklist,
                      "tickers": reader.read_tickers}


def _entry_zones(entries: list[StageEntry]) -> dict[str, str]:
    """Source name → `timezone` as discovery put them in the entries (a page's entry, or an archive range's)."""
    zones = {}
    for entry in entries:
        if isinstance(entry, ArchiveEntry):
            zones.update(entry.timezones)
        elif entry.source and entry.timezone:
            zones[entry.source] = entry.timezone
    return zones


def _entry_reads(entry: StageEntry, reader: SourceReader) -> Iterator[Read]:
    """The reads of one discovered entry, each (and its attempts) named after the entry's source (`Read.attach`)."""
    if isinstance(entry, ArchiveEntry):
        return replays(warc_reads(entry.archive, since=entry.since, until=entry.until,
                                  source_names=entry.sources or None, max_bytes=archive_max_bytes()))
    location = entry.location
    refusal = read_refusal(location, entry.origin, entry.root)
    if refusal:
        read = Read(location, error=SourceError(location, "fetch", refusal, outcome=Outcome.REFUSED),
                    source_name=entry.source)
        read.attach([FetchRecord(url=one_line(location), outcome=Outcome.REFUSED,
                                 fetched_at=datetime.now(timezone.utc), stage="fetch", cause=refusal)])
        return iter([read])
    return reader.read(location, source_name=entry.source, overrides=entry.settings)


def write_whole(batch: Batch, folder: Path) -> None:
    """Write a batch beside `folder` and rename it into place, so `folder` either holds a whole batch or does not
    exist: a task killed while staging leaves nothing a load could half-read."""
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    write_batch(batch, partial)
    shutil.rmtree(folder, ignore_errors=True)  # an earlier try's batch of the same sources
    os.replace(partial, folder)


def load_staged(db: WarehouseSettings, folders: list[str], *, command: str, airflow_run_id: str | None = None,
                airflow_try: int | None = None) -> dict:
    """Load staged batches as one run; returns its id, status and rows per table."""
    batches = (read_batch(Path(folder)) for folder in folders)
    run_id, status, counts = load_batches(db, batches, command=command, airflow_run_id=airflow_run_id,
                                          airflow_try=airflow_try)
    return {"run_id": run_id, "status": status,
            "counts": {table: vars(c) for table, c in sorted(counts.items())}}


def staged_batches(run_folder: Path, count: int, *, discovery: bool = False) -> list[str]:
    """The batch folders `batch-0000` … of a run that were staged completely (a failed batch has none); with
    `discovery`, the folder of discovery's own fetch attempts instead, when there is one."""
    if discovery:
        folders = [run_folder / DISCOVERY_FOLDER]
    else:
        folders = [run_folder / f"batch-{index:04d}" for index in range(count)]
    return [str(folder) for folder in folders if (folder / "articles.parquet").is_file()]
