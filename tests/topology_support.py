"""What the Celery topology tests (tests/test_topology.py, tests/test_topology_lake.py) share: the backfill they
create through the REST API, a client that waits by polling, and the reference counts of one CLI load."""
from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.airflow_harness import POLL_S, ROOT, Services
from tests.warehouse_rows import rows

PG = dict(host="127.0.0.1", port=5432, user="postgres", dbname="test")
CONTENT_TABLES = ["articles", "update_items", "social_posts", "article_posts", "post_entities", "quotes"]
DAG = "threadline_ingest"
# Three nightly slots: the runs whose data intervals start on 1, 2 and 3 November 02:00 UTC (one day each).
BACKFILL = {"dag_id": DAG, "from_date": "2026-11-01T02:00:00Z", "to_date": "2026-11-03T02:00:00Z",
            "run_backwards": False, "dag_run_conf": {}, "max_active_runs": 3, "run_on_latest_version": True}


def services_reachable() -> str | None:
    import socket

    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return f"{name} is not running on 127.0.0.1:{port}"
    return None


def pg_admin(statement: str) -> None:
    import psycopg2

    con = psycopg2.connect(**PG)
    con.autocommit = True
    try:
        con.cursor().execute(statement)
    finally:
        con.close()


class Airflow:
    """The REST API of a test's api-server, over one connection (a client a request would cost the test's CPU more)."""

    def __init__(self, base: str, headers: dict, data, services: Services):
        self.base, self.headers, self.data, self.services = base, headers, data, services
        self.http = httpx.Client(base_url=base, headers=headers, timeout=60)

    def get(self, path: str, **params) -> dict:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def send(self, method: str, path: str, body: dict) -> httpx.Response:
        return self.http.request(method, path, json=body)

    def wait(self, what: str, condition, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(POLL_S)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{self.services.tails()}")

    @property
    def warehouse(self) -> str:
        return str(self.data / "warehouse.duckdb")


def single_load_counts(tmp_path) -> dict[str, int]:
    """What one CLI ingest of the same sources holds: the reference for 'loaded once'."""
    db = tmp_path / "reference.duckdb"
    sources = [str(ROOT / "seeds" / name) for name in ("seed_article_putin_syria.txt", "seed_article_putin_syria.html")]
    subprocess.run([sys.executable, "-m", "pipeline", "ingest", *sources, "--db", str(db)],
                   env={"PYTHONPATH": str(ROOT)}, check=True, capture_output=True, timeout=120)
    return {table: rows(str(db), f"SELECT count(*) FROM {table}")[0][0] for table in CONTENT_TABLES}


def run_backfill(airflow: Airflow, reprocess: str) -> tuple[int, list[dict]]:
    """Create a backfill as the UI does, wait until it completes; returns its id and its runs."""
    response = airflow.send("POST", "/api/v2/backfills", {**BACKFILL, "reprocess_behavior": reprocess})
    assert response.status_code == 200, response.text
    backfill_id = response.json()["id"]
    airflow.wait(f"backfill {backfill_id} to complete",
                 lambda: airflow.get(f"/api/v2/backfills/{backfill_id}")["completed_at"], 180)
    runs = airflow.get(f"/api/v2/dags/{DAG}/dagRuns", run_type="backfill", order_by="logical_date")["dag_runs"]
    return backfill_id, runs
