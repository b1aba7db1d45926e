"""threadline_ingest: nightly, read the listed sources, parse them, load the warehouse, publish it for analysts.

discover → parse_and_stage (one mapped task per batch of sources, grouped by host) → load (one writer) → check.
The work is in `pipeline.ingest`; this file only wires it to Airflow, so it imports nothing heavy at parse time.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

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
    def discover() -> dict:
        from pipeline import settings
        from pipeline.ingest import discover_sources

        context = get_current_context()
        return discover_sources(settings.sources_csv(), _staging(context) / "discovery", settings.warehouse_path(),
                                start=context.get("data_interval_start"), end=context.get("data_interval_end"))

    @task
    def batches_of(discovered: dict) -> list[list[dict]]:
        for problem in discovered["problems"]:
            print(f"discovery: {problem}")
        return discovered["batches"]

    @task
    def parse_and_stage(sources: list[dict]) -> dict:
        from pipeline import settings
        from pipeline.ingest import stage_sources

        context = get_current_context()
        folder = _staging(context) / f"batch-{context['ti'].map_index:04d}"
        return stage_sources(sources, folder, settings.warehouse_path())

    @task(max_active_tis_per_dag=1)  # one writer: DuckDB admits a single writing process (plus the store's lock)
    def load(discovered: dict, staged: list[dict]) -> dict:
        from pipeline import settings
        from pipeline.ingest import load_staged

        context = get_current_context()
        for batch in staged:
            for line in batch["failed"]:
                print(line)
        folders = [discovered["staged"]] + [batch["folder"] for batch in staged]
        return load_staged(settings.warehouse_path(), folders, command="airflow",
                           airflow_run_id=context["run_id"], airflow_try=context["ti"].try_number)

    @task(retries=0)  # a run that loaded nothing will not load on a retry of its check
    def check(report: dict) -> None:
        print(f"run {report['run_id']}: {report['status']}")
        for table, counts in report["counts"].items():
            print(f"  {table}: {counts}")
        if report["status"] == "failed":
            raise RuntimeError(f"run {report['run_id']} loaded no source; see fetch_log for the causes")

    discovered = discover()
    check(load(discovered, parse_and_stage.expand(sources=batches_of(discovered))))


def _staging(context):
    """This run's staging folder (Parquet batches between tasks)."""
    from pipeline import settings

    return settings.data_dir() / "staging" / context["run_id"].replace(":", "_").replace("+", "_")


threadline_ingest()
