"""threadline_ingest: nightly, read the listed sources, parse them, load the warehouse, publish it for analysts.

discover → parse_and_stage (one mapped task per batch of sources, grouped by host) → load (one writer) → check.
The work is in `pipeline.ingest`; this file only wires it to Airflow, so it imports nothing heavy at parse time.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from pipeline import settings  # paths and limits from the environment only: nothing heavy at parse time

# Transient failures (a locked file, a flaky disk) get retried with growing waits; a real bug fails after three.
DEFAULT_ARGS = {"retries": 2, "retry_delay": timedelta(seconds=30), "retry_exponential_backoff": True}


@dag(
    dag_id="threadline_ingest",
    # 02:00 UTC nightly; a data-interval timetable, so each run (and each backfill day) covers [start, end).
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_ingest():
    @task
    def discover() -> list[list[str]]:
        from pipeline import settings
        from pipeline.ingest import group_into_batches, read_source_list

        return group_into_batches(read_source_list(settings.sources_csv()))

    @task
    def parse_and_stage(sources: list[str]) -> dict:
        from pipeline import settings
        from pipeline.ingest import stage_sources

        context = get_current_context()
        run_folder = context["run_id"].replace(":", "_").replace("+", "_")
        batch = context["ti"].map_index
        return stage_sources(sources, settings.data_dir() / "staging" / run_folder / f"batch-{batch:04d}")

    # One writer on a DuckDB file (it admits a single writing process; the store's lock covers the rest); several
    # on a DuckLake, whose merges into one table take turns on a lock of their own ($PIPELINE_MAX_LOADERS).
    @task(max_active_tis_per_dag=settings.max_loaders())
    def load(staged: list[dict]) -> dict:
        from pipeline.ingest import load_staged

        context = get_current_context()
        for batch in staged:
            for line in batch["failed"]:
                print(line)
        return load_staged(settings.warehouse_path(), [batch["folder"] for batch in staged], command="airflow",
                           airflow_run_id=context["run_id"], airflow_try=context["ti"].try_number,
                           lake_data=settings.lake_data())

    @task(retries=0)  # a run that loaded nothing will not load on a retry of its check
    def check(report: dict) -> None:
        print(f"run {report['run_id']}: {report['status']}")
        for table, counts in report["counts"].items():
            print(f"  {table}: {counts}")
        if report["status"] == "failed":
            raise RuntimeError(f"run {report['run_id']} loaded no source; see fetch_log for the causes")

    check(load(parse_and_stage.expand(sources=discover())))


threadline_ingest()
