"""threadline_enrich: daily, ask the platforms about the posts the pages left incomplete.

Posts with a native id that no platform was asked about yet, and posts found gone more than a week ago, are asked
at their platform's public endpoint (X oEmbed, Bluesky AppView, Mastodon's API, YouTube/TikTok oEmbed): what the
pages left empty is filled, and a post that is gone becomes `unavailable` with the time checked — never deleted.
The platforms are asked before the writer lock is taken, so this never holds up a load. The work is
`pipeline.runs.enrich`; endpoints can be changed with THREADLINE_ENRICH_<FIELD> variables.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import CronDataIntervalTimetable, dag, task


@dag(
    dag_id="threadline_enrich",
    # 03:00 UTC daily, after the 02:00 ingest: the night's new posts are asked about the same night.
    schedule=CronDataIntervalTimetable("0 3 * * *", timezone="UTC"),
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_exponential_backoff": 2.0,
                  "retry_delay": timedelta(seconds=float(os.environ.get("THREADLINE_RETRY_DELAY_S", "30")))},
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_enrich():
    @task(max_active_tis_per_dag=1)  # a writer, like threadline_ingest's load; the store's lock orders them
    def enrich() -> dict:
        from pipeline.runs import enrich
        from threadline_airflow.connection import warehouse

        report = enrich(warehouse())
        for source in report.sources:
            print(source.line())
        print(f"run {report.run_id}: {report.status}, {len(report.sources)} posts asked about")
        return {"run_id": report.run_id, "status": report.status, "posts": len(report.sources)}

    enrich()


threadline_enrich()
