"""Source health: sources of the source list that have found nothing new for a number of runs.

A source whose feed moved or whose markup changed yields nothing new while every run is green; the view
`report_source_health` counts the runs since each source last found a new page, item or post, and the ingest DAG's
`check` task warns about every source past `THREADLINE_SILENT_AFTER_RUNS` (pipeline.settings.silent_after_runs).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pipeline.oneline import one_line
from pipeline.redact import redact
from pipeline.report.views import read_queries
from pipeline.settings import WarehouseSettings, silent_after_runs

log = logging.getLogger(__name__)

QUERY = "report/source_health"


@dataclass(frozen=True)
class SilentSource:
    """A source that found nothing new in its last `runs_since_new` runs."""

    source_name: str
    runs_since_new: int
    last_new_at: datetime | None
    last_run_at: datetime
    failures_30d: int

    def line(self) -> str:
        """One line for a log: the source, how long it has been silent, and its recent failures."""
        since = f"since {self.last_new_at:%Y-%m-%d %H:%M} UTC" if self.last_new_at else "ever"
        failures = f"; {self.failures_30d} failed reads in the last 30 days" if self.failures_30d else ""
        return one_line(f"source {self.source_name}: nothing new in {self.runs_since_new} runs ({since}; "
                        f"last run {self.last_run_at:%Y-%m-%d %H:%M} UTC){failures}: has its feed moved or its "
                        f"markup changed? See report_source_health")


def source_health(db: WarehouseSettings) -> list[dict]:
    """Every row of report_source_health, the longest silent first (the published warehouse, read-only)."""
    return read_queries(db, [QUERY])[QUERY].dicts()


def silent_sources(db: WarehouseSettings, *, after_runs: int) -> list[SilentSource]:
    """Sources that found nothing new in their last `after_runs` runs or more, the longest silent first."""
    return [SilentSource(row["source_name"], row["runs_since_new"], row["last_new_at"], row["last_run_at"],
                         row["failures_30d"])
            for row in source_health(db) if row["runs_since_new"] >= after_runs]


def warn_silent_sources(db: WarehouseSettings, *, after_runs: int | None = None) -> list[SilentSource]:
    """Log a WARNING line per silent source (after `after_runs`, default $THREADLINE_SILENT_AFTER_RUNS or 7 runs);
    returns them. Never raises for the warehouse: a check that cannot read it says so in one WARNING line."""
    try:
        after_runs = after_runs if after_runs is not None else silent_after_runs()
        silent = silent_sources(db, after_runs=after_runs)
    except Exception as exc:  # a health check (or its setting) must not fail the run it reports on
        log.warning("source health: not checked: %s", one_line(redact(f"{type(exc).__name__}: {exc}"), 300))
        return []
    for source in silent:
        log.warning("%s", source.line())
    return silent
