"""threadline_lake_maintenance: weekly upkeep of the DuckLake warehouse.

Merges small Parquet files (every load adds a few), expires snapshots older than the retention
($THREADLINE_LAKE_RETENTION_DAYS, default 30: time travel reaches that far back) and deletes the files no remaining
snapshot needs. It holds every table's lock meanwhile, so loads wait for it rather than race it. On a DuckDB-file
warehouse there is nothing to do and the task says so. The work is `pipeline.store.maintain`.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, task


@dag(
    dag_id="threadline_lake_maintenance",
    # Sundays 04:00 UTC, after the nightly 02:00 ingest has usually finished.
    schedule=CronDataIntervalTimetable("0 4 * * 0", timezone="UTC"),
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_lake_maintenance():
    @task
    def maintain() -> dict:
        from pipeline import settings
        from pipeline.store import maintain

        db = settings.WarehouseSettings.scheduled()
        if not db.is_lake:
            print(f"{db.describe()} is a DuckDB file: it keeps no old snapshots, nothing to maintain")
            return {}
        done = maintain(db, retention=settings.lake_retention_days())
        print(f"maintained the lake: {done}")
        return done

    maintain()


threadline_lake_maintenance()
