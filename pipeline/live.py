"""The live mode: every few minutes, re-read each live blog the still-live rule accepts, and load what changed.

What to poll is every live blog still live (`pipeline.discover.still_live`: coverage end not passed, changed within
its quiet period) among the source list's `liveblog` sources and the live blogs discovery found (the warehouse's
`articles` read over http(s), `sql/fetch/live_blogs.sql`). Each is read like the nightly run reads it: with its
source's fetch settings, a conditional request from what the warehouse knows (a quiet live blog costs a 304), the
same per-host politeness (one fetcher, one page of a host after the other), the raw archive, and one load through
the warehouse's single writer (its lock). When the live mode is on (`THREADLINE_LIVE`), the nightly run leaves
these pages to it (`without_polled`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.discover import load_sources, quiet_period, still_live
from pipeline.provenance import OPERATOR, WEB
from pipeline.redact import redact
from pipeline.settings import WarehouseSettings
from pipeline.stages.entries import SourceEntry
from pipeline.store import live_blogs, liveblog_facts

@dataclass
class LivePlan:
    """What one poll reads (entries as discovery makes them) and why the others are left alone."""

    entries: list[SourceEntry]
    notes: list[str]

    @property
    def locations(self) -> set[str]:
        return {entry.location for entry in self.entries}


def plan_poll(csv_path: Path, db: WarehouseSettings, *, now: datetime | None = None) -> LivePlan:
    """The live blogs to poll now: the listed ones and the discovered ones the still-live rule accepts."""
    now = now or datetime.now(timezone.utc)
    sources = load_sources(csv_path)
    by_name = {source.name: source for source in sources}
    listed = [source for source in sources if source.kind == "liveblog" and source.is_remote]
    facts = liveblog_facts(db, [source.location for source in listed])
    entries: dict[str, SourceEntry] = {}
    notes: list[str] = []
    for source in listed:
        known = facts.get(source.location)
        if known is not None:
            decision = still_live(now=now, is_liveblog=known["is_liveblog"], coverage_end=known["coverage_end_at"],
                                  last_change=known["last_change"], first_seen=known["first_seen_at"],
                                  **quiet_period(source))
            if not decision.refetch:
                notes.append(f"{source.name}: not polled: {decision.reason}")
                continue
        entries[source.location] = _entry(source.location, source, OPERATOR)
    for page in live_blogs(db):
        url = page["url"]
        if url in entries or url in facts or "***" in url:  # listed (decided above), or stored without its secret
            continue
        source = by_name.get(page["source_name"])
        decision = still_live(now=now, is_liveblog=True, coverage_end=page["coverage_end_at"],
                              last_change=page["last_change"], first_seen=page["first_seen_at"], **quiet_period(source))
        if not decision.refetch:
            continue  # a finished live blog found by discovery: not worth a line every ten minutes
        entries[url] = _entry(url, source, WEB)
    return LivePlan(list(entries.values()), [redact(note) for note in notes])


def _entry(location: str, source, origin: str) -> SourceEntry:
    """An entry as discovery hands it to staging (pipeline/stages/entries.py)."""
    return SourceEntry(location, source=source.name if source else None,
                       settings=dict(source.settings_overrides) if source else {},
                       timezone=source.timezone if source else None, origin=origin, root=None)


def without_polled(entries: list[SourceEntry], plan: LivePlan) -> tuple[list[SourceEntry], list[str]]:
    """The nightly run's entries less the pages the live mode polls, and a note for each left out."""
    polled = plan.locations
    kept = [entry for entry in entries if entry.location not in polled]
    notes = [redact(f"{entry.source or entry.location}: left to the live mode (threadline_live): "
                    f"{entry.location}") for entry in entries if entry.location in polled]
    return kept, notes


def poll(db: WarehouseSettings, plan: LivePlan, *, command: str = "live", airflow_run_id: str | None = None,
         airflow_try: int | None = None):
    """Read every planned live blog (conditional requests, politeness, archive) and load what changed as one run;
    returns the run's `RunReport`, or None when there was nothing to poll (no run is recorded)."""
    from pipeline.batches import RunReport, load_batches, parse_batches
    from pipeline.stages.staging import read_entries

    if not plan.entries:
        return None
    reports = []
    with read_entries(plan.entries, db) as (reads, how):
        batches = parse_batches(reads, reports=reports, **how)
        run_id, status, counts = load_batches(db, batches, command=command, airflow_run_id=airflow_run_id,
                                              airflow_try=airflow_try)
    return RunReport(run_id, status, reports, counts)
