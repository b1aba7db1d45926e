"""threadline_ingest: nightly, read the listed sources, parse them, load the warehouse, publish it for analysts.

discover → parse_and_stage (one mapped task per batch of sources, grouped by host) → load (one writer) → check
(the run's outcome, and a warning per source that found nothing new in $THREADLINE_SILENT_AFTER_RUNS runs), and after
the load, prune_archive (the raw archive's retention: THREADLINE_ARCHIVE_KEEP_DAYS / _MAX_BYTES).
A scheduled run or backfill day covers its data interval [start, end); a manual run without one reads everything.
Params (the Trigger form): `sources` (names from the sources CSV; none = all), `mode` (`fetch`, or `reparse` from
the raw archive), `max_pages` (pages a source may expand to). The work is in `pipeline.stages` (the archive's
pruning in `pipeline.runs`); this file only wires it to Airflow, so it imports nothing heavy at parse time.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task

from pipeline import settings  # paths and limits from the environment only: nothing heavy at parse time

# Updated by every successful load; threadline_report is scheduled on it.
WAREHOUSE = Asset(name="threadline_warehouse", uri="threadline://warehouse")

# Transient failures (a locked file, a flaky disk or share) get retried with growing waits (~30 s, ~60 s); a real
# bug fails after three tries. THREADLINE_RETRY_DELAY_S shortens the first wait (tests use 1 s).
DEFAULT_ARGS = {
    "retries": 2,
    "retry_delay": timedelta(seconds=float(os.environ.get("THREADLINE_RETRY_DELAY_S", "30"))),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
}


def _source_names() -> list[str]:
    """Names offered by the form: the sources CSV's `name` column (a small file; read when the DAG is parsed)."""
    from pipeline.settings import source_names

    return source_names()


_NAMES = _source_names()
PARAMS = {
    "sources": Param(
        [], type="array", title="Sources",
        description="Sources to read, by name from the sources list; leave empty to read all of them.",
        items={"type": "string", **({"enum": _NAMES} if _NAMES else {})}, examples=_NAMES, uniqueItems=True),
    "mode": Param(
        "fetch", type="string", enum=["fetch", "reparse"], title="Mode",
        description="fetch: read the sources now. reparse: re-parse the raw archive's pages of the run's dates "
                    "(after a parser upgrade).",
        values_display={"fetch": "fetch: read the sources", "reparse": "reparse: from the raw archive"}),
    "max_pages": Param(
        1000, type="integer", minimum=1, title="Max pages per source",
        description="At most this many pages are read from one source (a folder, a feed or a sitemap)."),
}


def _run_folder(run_id: str):
    return settings.data_dir() / "staging" / run_id.replace(":", "_").replace("+", "_")


@dag(
    dag_id="threadline_ingest",
    # 02:00 UTC nightly; a data-interval timetable, so each run (and each backfill day) covers [start, end).
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_ingest():
    @task
    def discover() -> list[list[dict]]:
        """Check the params (before any work), then list the run's pages (or archived pages) in batches."""
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline.settings import source_names
        from pipeline.stages.cleanup import prune_staging
        from pipeline.stages.discovery import discover_run_batches
        from pipeline.stages.entries import SourceEntry
        from pipeline.stages.params import RunParamsError, validate_params
        from threadline_airflow.connection import warehouse
        from threadline_airflow.masking import mask_in_task_log

        context = get_current_context()
        csv_path = settings.sources_csv()
        db = warehouse()
        try:
            params = validate_params(dict(context["params"]), source_names(csv_path))
            start, end = context.get("data_interval_start"), context.get("data_interval_end")
            interval = (start, end) if start is not None and end is not None else None
            print(f"mode={params.mode} sources={list(params.sources) or 'all'} max_pages={params.max_pages} "
                  f"interval={'[%s, %s)' % interval if interval else 'none: reading everything'}")
            found = discover_run_batches(csv_path, params, interval, staging=_run_folder(context["run_id"]),
                                         db=db)
        except RunParamsError as exc:
            raise AirflowFailException(str(exc)) from None  # no retry can fix a bad parameter
        for problem in found["problems"]:
            print(f"discovery: {problem}")
        batches = found["batches"]
        mask_in_task_log([db.db, *(entry.location for batch in batches for entry in batch
                                  if isinstance(entry, SourceEntry))])
        print(f"{sum(map(len, batches))} pages in {len(batches)} batches")
        for removed in prune_staging(settings.data_dir() / "staging"):
            print(f"removed staged batches of an old run: {removed}")
        return [[entry.to_dict() for entry in batch] for batch in batches]  # XCom: plain JSON

    @task
    def parse_and_stage(sources: list[dict]) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline.stages.entries import EntryError, entry_from_dict
        from pipeline.stages.staging import stage_sources
        from threadline_airflow.connection import warehouse
        from threadline_airflow.masking import mask_in_task_log

        db = warehouse()
        locations = [entry.get("location") for entry in sources if isinstance(entry, dict)]
        mask_in_task_log([db.db, *(location for location in locations if isinstance(location, str))])
        try:
            entries = [entry_from_dict(entry) for entry in sources]
        except EntryError as exc:
            raise AirflowFailException(str(exc)) from None  # what discovery handed on: no retry changes it
        context = get_current_context()
        folder = _run_folder(context["run_id"]) / f"batch-{context['ti'].map_index:04d}"
        staged = stage_sources(entries, folder, db)
        for line in staged["failed"]:
            print(line)
        return staged

    # One writer on a DuckDB file (it admits a single writing process; the store's lock covers other DAGs and the
    # CLI); several on a DuckLake, whose merges into one table take turns on a lock of their own
    # ($THREADLINE_MAX_LOADERS). It runs when every batch is done and at least one staged, and loads every batch that
    # was staged: a failed batch does not cost the others their data.
    @task(max_active_tis_per_dag=settings.max_loaders(), trigger_rule="all_done_min_one_success", outlets=[WAREHOUSE])
    def load(batches: list[list[dict]]) -> dict:
        from pipeline.stages.staging import load_staged, staged_batches
        from threadline_airflow.connection import warehouse

        context = get_current_context()
        run_folder = _run_folder(context["run_id"])
        folders = staged_batches(run_folder, len(batches))
        missing = len(batches) - len(folders)
        if missing:
            print(f"{missing} of {len(batches)} batches were not staged (their parse task failed); loading the rest")
        report = load_staged(warehouse(), staged_batches(run_folder, 0, discovery=True) + folders,
                             command="airflow", airflow_run_id=context["run_id"],
                             airflow_try=context["ti"].try_number)
        report["batches_missing"] = missing
        return report

    @task(retries=0)  # a run that loaded nothing will not load on a retry of its check
    def check(report: dict) -> None:
        """The run's outcome; a WARNING per source silent for $THREADLINE_SILENT_AFTER_RUNS runs (never a failure)."""
        from pipeline.report.health import warn_silent_sources
        from threadline_airflow.connection import warehouse

        print(f"run {report['run_id']}: {report['status']}")
        for table, counts in report["counts"].items():
            print(f"  {table}: {counts}")
        warn_silent_sources(warehouse())
        if report["status"] == "failed":
            raise RuntimeError(f"run {report['run_id']} loaded no source; see fetch_log for the causes")
        if report.get("batches_missing"):
            raise RuntimeError(f"{report['batches_missing']} batches failed to parse; the others are loaded")

    # Nightly, so the archive stays within THREADLINE_ARCHIVE_MAX_BYTES (weekly would let a week's growth past it);
    # after the load, whether it succeeded or not, and one writer after the other. No limit set: removes nothing.
    @task(trigger_rule="all_done")
    def prune_archive() -> dict:
        from pipeline.runs import prune_archive
        from threadline_airflow.connection import warehouse
        from threadline_airflow.masking import mask_in_task_log

        db = warehouse()
        mask_in_task_log([db.db])
        report = prune_archive(db, keep_days=settings.archive_keep_days(), max_bytes=settings.archive_max_bytes())
        for line in report.lines():
            print(line)
        if report.failed:
            raise RuntimeError(f"{len(report.failed)} archive files could not be pruned; see the lines above")
        return {"pruned": len(report.removed), "bytes": sum(p.bytes for p in report.removed)}

    batches = discover()
    staged = parse_and_stage.expand(sources=batches)
    loaded = load(batches)
    staged >> loaded
    check(loaded)
    loaded >> prune_archive()


threadline_ingest()
