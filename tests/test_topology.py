"""The deployment's topology really running on this machine: scheduler, dag-processor, api-server and a Celery
worker as processes, the metadata DB in the local PostgreSQL (a fresh database, dropped afterwards), Redis as the
broker. A 3-day backfill is created through the REST API as the UI's Trigger → Backfill dialog does, then created
again with reprocess_behavior=completed: every run is recorded, no content row doubles.

Started once for the module; every process is killed (by process group) at the end.
"""
from __future__ import annotations

import uuid

import pytest

from tests.airflow_harness import (Services, airflow_env, drop_celery_queue, free_port, migrate, simple_auth, token,
                                   wait_api_server)
from tests.topology_support import (BACKFILL, CONTENT_TABLES, DAG, Airflow, pg_admin, run_backfill, services_reachable,
                                    single_load_counts)
from tests.warehouse_rows import rows as query

pytestmark = [pytest.mark.slow, pytest.mark.airflow, pytest.mark.postgres,
              pytest.mark.skipif(services_reachable() is not None, reason=str(services_reachable()))]


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-celery")
    database = f"threadline_af_{uuid.uuid4().hex[:12]}"
    port = free_port()
    conn = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}"
    env = airflow_env(
        home, home / "data",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=conn,
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:6379/0",
        AIRFLOW__CELERY__RESULT_BACKEND=f"db+postgresql+psycopg2://postgres@127.0.0.1:5432/{database}",
        # our own queue on the shared Redis, so no other Airflow's worker takes our tasks (or we theirs)
        AIRFLOW__OPERATORS__DEFAULT_QUEUE=f"threadline-{database}",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
        **simple_auth(home, {"operator": "op-pass"}),
    )
    pg_admin(f'CREATE DATABASE "{database}"')
    services = Services(env, home / "logs-services")
    try:
        migrate(env)
        api = services.start("api-server", "api-server", "--port", str(port), "--host", "127.0.0.1", "--workers", "1")
        services.start("scheduler", "scheduler")
        services.start("dag-processor", "dag-processor")
        services.start("celery-worker", "celery", "worker", "--concurrency", "4")
        base = f"http://127.0.0.1:{port}"
        wait_api_server(base, 120, api)
        client = Airflow(base, {"Authorization": f"Bearer {token(base, 'operator', 'op-pass')}"}, home / "data",
                         services)
        for dag_id in (DAG, "threadline_report"):
            client.wait(f"{dag_id} to be parsed",
                        lambda: client.http.get(f"/api/v2/dags/{dag_id}").status_code == 200, 120)
        # the report DAG runs on the warehouse asset that every load updates
        assert client.send("PATCH", "/api/v2/dags/threadline_report", {"is_paused": False}).status_code == 200
        yield client
    finally:
        services.stop()
        pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        drop_celery_queue(f"threadline-{database}")


def content_counts(db: str) -> dict[str, int]:
    return {table: query(db, f"SELECT count(*) FROM {table}")[0][0] for table in CONTENT_TABLES}


def test_a_three_day_backfill_from_the_api_loads_each_day_once_and_reprocessing_doubles_nothing(airflow, tmp_path):
    dry = airflow.send("POST", "/api/v2/backfills/dry_run", {**BACKFILL, "reprocess_behavior": "none"})
    assert dry.status_code == 200, dry.text
    assert [r["logical_date"][:10] for r in dry.json()["backfills"]] == ["2026-11-01", "2026-11-02", "2026-11-03"]

    assert airflow.send("PATCH", f"/api/v2/dags/{DAG}", {"is_paused": False}).status_code == 200
    _, runs = run_backfill(airflow, "none")
    assert [(r["logical_date"][:10], r["state"]) for r in runs] == \
        [("2026-11-01", "success"), ("2026-11-02", "success"), ("2026-11-03", "success")], airflow.services.tails()
    # each run covered its own day
    assert [(r["data_interval_start"][:16], r["data_interval_end"][:16]) for r in runs] == [
        ("2026-11-01T02:00", "2026-11-02T02:00"), ("2026-11-02T02:00", "2026-11-03T02:00"),
        ("2026-11-03T02:00", "2026-11-04T02:00")]

    reference = single_load_counts(tmp_path)
    assert content_counts(airflow.warehouse) == reference  # three runs of the same sources: every row once
    recorded = query(airflow.warehouse, "SELECT airflow_run_id, status FROM ingest_runs "
                                        "WHERE airflow_run_id LIKE 'backfill__%' ORDER BY airflow_run_id")
    assert recorded == sorted((r["dag_run_id"], "ok") for r in runs)
    # unpausing also started the latest nightly run (catchup is off): every row belongs to a run Airflow knows
    known = {r["dag_run_id"] for r in airflow.get(f"/api/v2/dags/{DAG}/dagRuns")["dag_runs"]}
    assert {row[0] for row in query(airflow.warehouse, "SELECT airflow_run_id FROM ingest_runs")} <= known

    # the same backfill again, reprocessing completed runs: the same three runs are cleared and run again
    _, rerun = run_backfill(airflow, "completed")
    assert [(r["dag_run_id"], r["state"]) for r in rerun] == [(r["dag_run_id"], "success") for r in runs]
    assert content_counts(airflow.warehouse) == reference  # no content row doubled
    recorded = query(airflow.warehouse, "SELECT airflow_run_id, count(*) FROM ingest_runs "
                                        "WHERE airflow_run_id LIKE 'backfill__%' GROUP BY ALL ORDER BY 1")
    assert recorded == sorted((r["dag_run_id"], 2) for r in runs)  # every run recorded each time it ran


def test_the_threadline_page_shows_the_backfills_runs(airflow):
    summary = airflow.get("/threadline/summary.json")
    assert summary["warehouse"] == airflow.warehouse
    assert summary["counts"]["ingest_runs"] == query(airflow.warehouse, "SELECT count(*) FROM ingest_runs")[0][0] >= 6
    assert sum(r["airflow_run_id"].startswith("backfill__") for r in summary["runs"]) == 6


def test_each_load_updates_the_warehouse_asset_and_threadline_report_refreshes_the_views(airflow):
    def report_succeeded():
        runs = airflow.get("/api/v2/dags/threadline_report/dagRuns")["dag_runs"]
        return [r for r in runs if r["state"] == "success" and r["run_type"] == "asset_triggered"]

    assert airflow.wait("an asset-triggered threadline_report run", report_succeeded, 120)
    views = query(airflow.warehouse, "SELECT view_name FROM duckdb_views() WHERE NOT internal")
    assert ("report_daily_volume",) in views
    assert query(airflow.warehouse,
                 "SELECT sum(posts) FROM report_daily_volume WHERE outlet = 'Example News'")[0][0] == 2
