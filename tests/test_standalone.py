"""A fresh `airflow standalone` (SQLite, LocalExecutor) pointed at our dags/ and plugins/, with no other set-up step
(no pool, no connection, no variable): the DAGs import cleanly and a backfill created as the UI's Trigger → Backfill
dialog creates it succeeds."""
from __future__ import annotations

import time

import httpx
import pytest

from tests.airflow_harness import (POLL_S, Services, airflow_env, copy_home, free_port, simple_auth, token,
                                   wait_api_server)
from tests.warehouse_rows import rows as query

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

DAG = "threadline_ingest"


@pytest.fixture(scope="module")
def standalone(airflow_template, tmp_path_factory):
    home = copy_home(airflow_template, tmp_path_factory.mktemp("airflow-standalone"))
    port = free_port()
    env = airflow_env(home, home / "data", AIRFLOW__API__PORT=str(port),
                      AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
                      AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
                      AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
                      # the LocalExecutor forks [core] parallelism workers (32) at its first task; the test's one
                      # backfill day runs at most two tasks at once
                      AIRFLOW__CORE__PARALLELISM="4",
                      **simple_auth(home, {"admin": "admin-pass"}))
    env.pop("THREADLINE_RETRY_DELAY_S")  # the DAGs as shipped
    services = Services(env, home / "logs-services")
    proc = services.start("standalone", "standalone")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_api_server(base, 180, proc)
        headers = {"Authorization": f"Bearer {token(base, 'admin', 'admin-pass')}"}
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/api/v2/dags/{DAG}", headers=headers, timeout=30).status_code != 200:
            assert time.monotonic() < deadline, services.tails()
            time.sleep(0.5)
        yield base, headers, home / "data", services
    finally:
        services.stop()


def test_the_dags_import_without_errors(standalone):
    base, headers, _, _ = standalone
    errors = httpx.get(f"{base}/api/v2/importErrors", headers=headers, timeout=30).json()
    assert errors["total_entries"] == 0, errors
    dags = httpx.get(f"{base}/api/v2/dags", headers=headers, params={"tags": "threadline"}, timeout=30).json()
    assert sorted(d["dag_id"] for d in dags["dags"]) == [
        "threadline_enrich", "threadline_ingest", "threadline_lake_maintenance", "threadline_live", "threadline_report"]


def test_the_trigger_form_offers_the_params_with_their_rules(standalone):
    base, headers, _, _ = standalone
    params = httpx.get(f"{base}/api/v2/dags/{DAG}/details", headers=headers, timeout=30).json()["params"]
    names = ["seed_article_putin_syria_text", "seed_article_putin_syria_html"]
    assert params["sources"]["value"] == []
    assert params["sources"]["schema"]["items"] == {"type": "string", "enum": names}
    assert params["sources"]["schema"]["examples"] == names  # the form's multi-select
    assert params["mode"]["value"] == "fetch" and params["mode"]["schema"]["enum"] == ["fetch", "reparse"]
    assert params["max_pages"]["value"] == 1000 and params["max_pages"]["schema"]["minimum"] == 1


def test_a_backfill_from_the_dialog_succeeds(standalone):
    base, headers, data, services = standalone
    assert httpx.patch(f"{base}/api/v2/dags/{DAG}", headers=headers, json={"is_paused": False},
                       timeout=30).status_code == 200
    body = {"dag_id": DAG, "from_date": "2026-11-01T02:00:00Z", "to_date": "2026-11-01T02:00:00Z",
            "run_backwards": False, "dag_run_conf": {}, "reprocess_behavior": "none", "max_active_runs": 10,
            "run_on_latest_version": True}
    # On SQLite the api-server refuses a backfill while the scheduler holds the database ("Database is locked",
    # 503): unpausing has just made it schedule the latest night. A user clicks again; so does the test.
    for _ in range(20):
        created = httpx.post(f"{base}/api/v2/backfills", headers=headers, json=body, timeout=60)
        if created.status_code != 503:
            break
        time.sleep(1)
    assert created.status_code == 200, created.text
    backfill = created.json()["id"]
    deadline = time.monotonic() + 180
    while not httpx.get(f"{base}/api/v2/backfills/{backfill}", headers=headers, timeout=30).json()["completed_at"]:
        assert time.monotonic() < deadline, services.tails()
        time.sleep(POLL_S)
    runs = httpx.get(f"{base}/api/v2/dags/{DAG}/dagRuns", headers=headers, params={"run_type": "backfill"},
                     timeout=30).json()["dag_runs"]
    assert [(r["logical_date"][:10], r["state"]) for r in runs] == [("2026-11-01", "success")], services.tails()
    assert query(data / "warehouse.duckdb", "SELECT count(*) FROM articles") == [(2,)]
