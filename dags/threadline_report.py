"""threadline_report: after each load of the warehouse, bring the reporting views up to date with sql/reporting/*.sql
(written only when those files changed since the views were last applied).

Scheduled on the `threadline_warehouse` asset, which threadline_ingest's load task updates.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, dag, task

# The same asset threadline_ingest's load declares as its outlet.
WAREHOUSE = Asset(name="threadline_warehouse", uri="threadline://warehouse")


@dag(
    dag_id="threadline_report",
    schedule=[WAREHOUSE],
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_exponential_backoff": 2.0,
                  "retry_delay": timedelta(seconds=float(os.environ.get("THREADLINE_RETRY_DELAY_S", "30")))},
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_report():
    @task(max_active_tis_per_dag=1)  # a writer, like threadline_ingest's load; the store's lock orders the two
    def refresh() -> list[str]:
        from pipeline.report.views import apply_views
        from threadline_airflow.connection import warehouse

        return apply_views(warehouse())

    refresh()


threadline_report()
