"""What a DAG run reads: the source list's pages for the run's data interval (feeds and sitemaps read, live blogs
while they are live), or the raw archive's range in mode reparse, grouped into batches of entries for staging."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pipeline.batches import archive_dir, pruned_page_lines
from pipeline.discover import discover_source_pages, load_sources, quiet_period, still_live
from pipeline.fetch import Fetcher, Validators
from pipeline.fetch.fetch_settings import settings_from_environment
from pipeline.model import FetchRecord
from pipeline.redact import redact
from pipeline.settings import WarehouseSettings, live_enabled
from pipeline.site_zones import listed_zones
from pipeline.stage import build_batch
from pipeline.stages.entries import ArchiveEntry, SourceEntry
from pipeline.stages.params import RunParams, RunParamsError
from pipeline.stages.staging import DISCOVERY_FOLDER, group_into_batches, write_whole
from pipeline.store import FetchHistory, liveblog_facts, pruned_pages


def discover_run_batches(csv_path: Path, params: RunParams, interval: tuple[datetime, datetime] | None = None, *,
                         staging: Path, db: WarehouseSettings) -> dict:
    """What a DAG run reads, grouped into batches: `{"batches", "problems"}`: the listed sources' pages in mode fetch
    (`discover_listed_pages`), the raw archive's range in mode reparse.

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
        entry = ArchiveEntry(str(archive_dir(db)), since=start, until=end, sources=list(params.sources),
                             timezones=zones)
        gone = pruned_page_lines(pruned_pages(db, since=start, until=end))
        return {"batches": [[entry]], "problems": gone}
    try:
        found = discover_listed_pages(csv_path, staging / DISCOVERY_FOLDER, db, start=start, end=end,
                                      names=list(params.sources), max_pages=params.max_pages)
    except ValueError as exc:
        raise RunParamsError(str(exc)) from None
    return {"batches": found["batches"], "problems": found["problems"]}


def discover_listed_pages(csv_path: Path, folder: Path, db: WarehouseSettings, *, start: datetime | None = None,
                          end: datetime | None = None, names: list[str] | None = None, max_pages: int | None = None,
                          now: datetime | None = None) -> dict:
    """The pages the source list's sources lead to, to read in [start, end), grouped by host into batches of
    `SourceEntry`s (where, for which source, with that source's fetch settings and zone, and where the location came
    from, which decides what it may be: pipeline/provenance.py).

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
    known = {url: Validators(*fields) for url, fields in FetchHistory(db).validators(remote).items()}
    live = liveblog_facts(db, [source.location for source in sources if source.kind == "liveblog"])
    now = now or datetime.now(timezone.utc)
    records: list[FetchRecord] = []
    notes: list[str] = []
    entries: dict[str, SourceEntry] = {}
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
            found = discover_source_pages(source, fetcher, start, end, validators=known)
            records += found.records  # named after the source by discovery
            notes += [redact(f"{source.name}: {problem}") for problem in found.problems]  # printed by the DAG
            for entry in found.entries[:max_pages]:
                entries.setdefault(entry.url, SourceEntry(entry.url, source=source.name,
                                                          settings=dict(source.settings_overrides),
                                                          timezone=source.timezone,
                                                          origin=entry.origin, root=entry.root))
    write_whole(build_batch([], records), folder)
    listed, left = leave_to_live_mode(list(entries.values()), csv_path, db, now=now)
    return {"batches": group_into_batches(listed), "staged": str(folder), "problems": notes + left}


def leave_to_live_mode(entries: list[SourceEntry], csv_path: Path, db: WarehouseSettings, *, now: datetime
                       ) -> tuple[list[SourceEntry], list[str]]:
    """When the live mode is on ($THREADLINE_LIVE), the nightly run's entries less the live blogs it polls (with a
    note each); else the entries as they are."""
    if not live_enabled():
        return entries, []
    from pipeline.live import plan_poll, without_polled

    return without_polled(entries, plan_poll(csv_path, db, now=now))
