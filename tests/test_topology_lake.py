"""The Celery topology of tests/test_topology.py with the warehouse as a DuckLake: scheduler, dag-processor,
api-server and two Celery workers (two hosts' worth of loaders) as processes, Airflow's metadata and the lake's
catalog in the local PostgreSQL (fresh databases, dropped afterwards), Redis as the broker. The same 3-day backfill
through the REST API loads each day's rows once, and reprocessing it doubles no row, with loads running on both
workers at once (THREADLINE_MAX_LOADERS=2).

Started once for the module; every process is killed (by process group) at the end.
"""
from __future__ import annotations

import re
import uuid

import pytest

from tests.airflow_harness import (Services, airflow_env, drop_celery_queue, free_port, migrate, simple_auth, token,
                                   wait_api_server)
from tests.lakes import fresh_lake
from tests.topology_support import (CONTENT_TABLES, DAG, Airflow, pg_admin, run_backfill, services_reachable,
                                    single_load_counts)

pytestmark = [pytest.mark.slow, pytest.mark.airflow, pytest.mark.postgres,
              pytest.mark.skipif(services_reachable() is not None, reason=str(services_reachable()))]
WORKERS = ("lake-worker-1", "lake-worker-2")


def lake_rows(db: str, statement: str) -> list[tuple]:
    from pipeline.store import open_reader

    con = open_reader(db)
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()


def content_counts(db: str) -> dict[str, int]:
    return {table: lake_rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in CONTENT_TABLES}


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-celery-lake")
    database = f"threadline_af_{uuid.uuid4().hex[:12]}"
    port = free_port()
    conn = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}"
    with fresh_lake(home) as lake:
        env = airflow_env(
            home, home / "data",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=conn,
            AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
            AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:6379/0",
            AIRFLOW__CELERY__RESULT_BACKEND=f"db+postgresql+psycopg2://postgres@127.0.0.1:5432/{database}",
            AIRFLOW__OPERATORS__DEFAULT_QUEUE=f"threadline-{database}",
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
            AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
            THREADLINE_DB=lake.db,
            THREADLINE_LAKE_DATA=str(lake.data),
            THREADLINE_MAX_LOADERS="2",
            **simple_auth(home, {"operator": "op-pass"}),
        )
        pg_admin(f'CREATE DATABASE "{database}"')
        services = Services(env, home / "logs-services")
        workers = [Services({**env, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())},
                            home / "logs-services") for _ in WORKERS]
        try:
            migrate(env)
            api = services.start("api-server", "api-server", "--port", str(port), "--host", "127.0.0.1",
                                 "--workers", "1")
            services.start("scheduler", "scheduler")
            services.start("dag-processor", "dag-processor")
            for name, worker in zip(WORKERS, workers):
                worker.start(name, "celery", "worker", "--concurrency", "2", "--celery-hostname", f"{name}@%h")
            base = f"http://127.0.0.1:{port}"
            wait_api_server(base, 120, api)
            client = Airflow(base, {"Authorization": f"Bearer {token(base, 'operator', 'op-pass')}"},
                             home / "data", services)
            client.lake = lake
            for name, worker in zip(WORKERS, workers):
                services.procs[name] = worker.procs[name]  # one place for logs and tails
            client.wait(f"{DAG} to be parsed",
                        lambda: client.http.get(f"/api/v2/dags/{DAG}").status_code == 200, 120)
            yield client
        finally:
            for worker in workers:
                worker.stop()
            services.stop()
            pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            drop_celery_queue(f"threadline-{database}")


def tasks_by_worker(airflow: Airflow) -> dict[str, list[str]]:
    """The task ids each Celery worker executed, from its log (both run on this host, so a task instance's hostname
    cannot tell them apart)."""
    return {name: re.findall(r"Executing workload in Celery: .*?task_id='(\w+)'", airflow.services.log(name))
            for name in WORKERS}


def test_a_three_day_backfill_on_a_lake_with_two_workers_loads_each_day_once_and_reprocessing_doubles_nothing(
        airflow, tmp_path):
    db = airflow.lake.db
    assert airflow.send("PATCH", f"/api/v2/dags/{DAG}", {"is_paused": False}).status_code == 200
    _, runs = run_backfill(airflow, "none")
    assert [(r["logical_date"][:10], r["state"]) for r in runs] == \
        [("2026-11-01", "success"), ("2026-11-02", "success"), ("2026-11-03", "success")], airflow.services.tails()

    reference = single_load_counts(tmp_path)
    assert content_counts(db) == reference  # three runs of the same sources, loaded at once: every row once
    recorded = lake_rows(db, "SELECT airflow_run_id, status FROM ingest_runs "
                             "WHERE airflow_run_id LIKE 'backfill__%' ORDER BY airflow_run_id")
    assert recorded == sorted((r["dag_run_id"], "ok") for r in runs)

    _, rerun = run_backfill(airflow, "completed")
    assert [(r["dag_run_id"], r["state"]) for r in rerun] == [(r["dag_run_id"], "success") for r in runs]
    assert content_counts(db) == reference  # no content row doubled
    recorded = lake_rows(db, "SELECT airflow_run_id, count(*) FROM ingest_runs "
                             "WHERE airflow_run_id LIKE 'backfill__%' GROUP BY ALL ORDER BY 1")
    assert recorded == sorted((r["dag_run_id"], 2) for r in runs)
    # every load committed whole, each batch once
    assert lake_rows(db, "SELECT count(*) FROM load_attempts WHERE outcome = 'failed'") == [(0,)]
    # the work, loads included, was shared by the two workers
    done = tasks_by_worker(airflow)
    assert all(done.values()), done
    assert sum(tasks.count("load") for tasks in done.values()) >= 2 * len(runs), done
