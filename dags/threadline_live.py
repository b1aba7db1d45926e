"""threadline_live: every $THREADLINE_LIVE_EVERY_MINUTES (default 10), re-read each live blog still live and load what
changed.

poll (plan and read the live blogs the still-live rule accepts, listed or discovered, with conditional requests and
the nightly run's per-host politeness; one load through the warehouse's writer) → announce (the warehouse asset, so
threadline_report runs: only for the first poll of each hour, never every ten minutes).
Scheduled only when $THREADLINE_LIVE is on; then threadline_ingest leaves these live blogs to it. A quiet live blog
costs a 304. The work is in `pipeline.live`; this file only wires it to Airflow.
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import Asset, CronTriggerTimetable, dag, get_current_context, task

from pipeline import settings  # the environment only: nothing heavy at parse time

# The asset threadline_ingest's load updates and threadline_report is scheduled on.
WAREHOUSE = Asset(name="threadline_warehouse", uri="threadline://warehouse")
EVERY_MINUTES = settings.live_every_minutes()


@dag(
    dag_id="threadline_live",
    # On the clock (minute 0 of every hour, then every EVERY_MINUTES), so each hour has exactly one first poll.
    schedule=CronTriggerTimetable(f"*/{EVERY_MINUTES} * * * *", timezone="UTC") if settings.live_enabled() else None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # a poll that overruns its interval delays the next, never overlaps it
    default_args={"retries": 0},  # the next poll is minutes away: it is the retry
    tags=["threadline"],
    doc_md=__doc__,
)
def threadline_live():
    @task(max_active_tis_per_dag=1)
    def poll() -> dict:
        from pipeline.live import plan_poll, poll
        from threadline_airflow.connection import warehouse
        from threadline_airflow.masking import mask_in_task_log

        context = get_current_context()
        db = warehouse()
        plan = plan_poll(settings.sources_csv(), db)
        mask_in_task_log([db.db, *(entry.location for entry in plan.entries)])
        for note in plan.notes:
            print(note)
        report = poll(db, plan, command="airflow", airflow_run_id=context["run_id"],
                      airflow_try=context["ti"].try_number)
        if report is None:
            print("no live blog is live: nothing polled")
            return {"status": "nothing to poll", "polled": 0}
        for source in report.sources:
            print(source.line())
        if report.status == "failed":
            raise RuntimeError(f"run {report.run_id} loaded no live blog; see fetch_log for the causes")
        return {"run_id": report.run_id, "status": report.status, "polled": len(plan.entries)}

    @task(outlets=[WAREHOUSE])
    def announce(polled: dict) -> None:
        """Tell threadline_report the warehouse changed, at most once an hour: only the poll whose scheduled time
        is minute 0 of its hour does (a manual run always does)."""
        from airflow.sdk.exceptions import AirflowSkipException

        when = get_current_context().get("logical_date")
        if when is not None and when.minute >= EVERY_MINUTES:
            raise AirflowSkipException(f"the first poll of the hour announces the warehouse; this one is at {when}")
        print(f"announcing the warehouse after run {polled.get('run_id', '-')}")

    announce(poll())


threadline_live()
