"""A run, as the CLI and the DAG share it: read and parse sources into batches, load batches, report per source.

A source that fails at any stage is reported (source, stage, cause) and logged in `fetch_log`; the others go on.
"""
from __future__ import annotations

import csv
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import keys
from pipeline.model import FetchRecord, ParseResult
from pipeline.parse import ParseError, parse
from pipeline.sources import SourceError, expand, is_url, read_local
from pipeline.stage import Batch, build_batch, read_batch, write_batch
from pipeline.store import TableCounts, Writer

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

    def line(self) -> str:
        """One summary line for people."""
        if not self.ok:
            return f"FAILED {self.source}: {self.stage}: {self.cause}"
        parts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts.items() if n)
        warned = f" ({len(self.warnings)} warnings)" if self.warnings else ""
        return f"ok     {self.source}: {parts or 'no items'}{warned}"


@dataclass
class RunReport:
    """What a run did: its id and status, each source, and rows per table."""

    run_id: str
    status: str
    sources: list[SourceReport]
    counts: dict[str, TableCounts]

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if not s.ok]


def read_and_parse(source: str) -> tuple[ParseResult | None, FetchRecord, SourceReport]:
    """Read one source and parse it; never raises for a bad source."""
    started = time.monotonic()
    fetched_at = datetime.now(timezone.utc)
    try:
        if is_url(source):
            raise SourceError(source, "fetch", "fetching URLs is not available in this build", outcome="error")
        document, size = read_local(source)
        result = parse(document)
    except (SourceError, ParseError) as exc:
        stage, cause, outcome = (exc.stage, exc.cause, exc.outcome) if isinstance(exc, SourceError) \
            else ("parse", str(exc), "error")
        record = FetchRecord(url=source, outcome=outcome, fetched_at=fetched_at, stage=stage, cause=cause,
                             elapsed_ms=round((time.monotonic() - started) * 1000))
        log.error("%s: %s: %s", source, stage, cause)
        return None, record, SourceReport(source, ok=False, stage=stage, cause=cause)
    for warning in result.warnings:
        log.warning("%s: parse: %s", source, warning)
    record = FetchRecord(url=source, outcome="ok", fetched_at=fetched_at, bytes=size,
                         elapsed_ms=round((time.monotonic() - started) * 1000))
    return result, record, SourceReport(source, ok=True, title=result.page.title, counts=_part_counts(result),
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


def parse_batches(sources: list[str], *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
                  reports: list[SourceReport] | None = None) -> Iterator[Batch]:
    """Read and parse sources, yielding a batch every `batch_size` sources; appends each source's report."""
    reports = reports if reports is not None else []
    bar = _progress(len(sources)) if progress else None
    results: list[ParseResult] = []
    records: list[FetchRecord] = []
    failed = 0
    for source in sources:
        result, record, report = read_and_parse(source)
        reports.append(report)
        records.append(record)
        if result is None:
            failed += 1
        else:
            results.append(result)
        if bar:
            bar.update(1)
        if len(records) >= batch_size:
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
    (`ducklake:postgres:…`, data folder `lake_data` or $PIPELINE_LAKE_DATA); on a lake other loaders may run at once.
    """
    totals: dict[str, TableCounts] = {}
    with Writer(db, lake_data=lake_data) as writer:
        run_id = writer.start_run(command, airflow_run_id=airflow_run_id, airflow_try=airflow_try)
        try:
            for batch in batches:
                for table, counts in writer.load(batch, run_id).items():
                    totals[table] = totals.get(table, TableCounts()) + counts
        except BaseException:
            writer.finish_run(run_id, broken=True)
            raise
        status = writer.finish_run(run_id)
    return run_id, status, totals


def ingest(sources: list[str], db: str, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
           lake_data: str | None = None) -> RunReport:
    """`pipeline ingest`: every source read, parsed and loaded as one run."""
    expanded = expand(sources)
    reports: list[SourceReport] = []
    batches = parse_batches(expanded, batch_size=batch_size, progress=progress, reports=reports)
    run_id, status, counts = load_batches(db, batches, command="ingest", lake_data=lake_data)
    return RunReport(run_id, status, reports, counts)


def _progress(total: int):
    """A progress bar on stderr when it is a terminal and the work is long enough to want one."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="source", file=sys.stderr, leave=False)


# --- The DAG's stages: the same calls as the CLI, split where Airflow hands data between tasks. ---

def read_source_list(csv_path: Path) -> list[str]:
    """Sources named in a sources CSV (columns name, kind, location); relative locations are relative to the CSV."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    located = []
    for row in rows:
        location = row["location"].strip()
        if not is_url(location) and not Path(location).is_absolute():
            location = str((csv_path.parent / location).resolve())
        located.append(location)
    return located


def group_into_batches(sources: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list[list[str]]:
    """Sources grouped by host (local files together), each group cut to at most `batch_size` sources."""
    by_host: dict[str, list[str]] = {}
    for source in sources:
        host = urlsplit(source).hostname if is_url(source) else ""
        by_host.setdefault(host or "", []).append(source)
    return [group[i:i + batch_size] for _, group in sorted(by_host.items())
            for i in range(0, len(group), batch_size)]


def stage_sources(sources: list[str], folder: Path) -> dict:
    """Parse sources into one batch written as Parquet under `folder`; returns what a load needs to know."""
    reports: list[SourceReport] = []
    batches = list(parse_batches(expand(sources), batch_size=max(len(sources), 1), reports=reports))
    write_batch(batches[0] if batches else build_batch([]), folder)
    return {"folder": str(folder), "sources_ok": sum(r.ok for r in reports),
            "failed": [r.line() for r in reports if not r.ok]}


def load_staged(db: str, folders: list[str], *, command: str, airflow_run_id: str | None = None,
                airflow_try: int | None = None, lake_data: str | None = None) -> dict:
    """Load staged batches as one run; returns its id, status and rows per table."""
    batches = (read_batch(Path(folder)) for folder in folders)
    run_id, status, counts = load_batches(db, batches, command=command, airflow_run_id=airflow_run_id,
                                          airflow_try=airflow_try, lake_data=lake_data)
    return {"run_id": run_id, "status": status,
            "counts": {table: vars(c) for table, c in sorted(counts.items())}}
