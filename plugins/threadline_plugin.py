"""Threadline in the Airflow UI: a "Threadline warehouse" page (last runs, row counts, failures per source, source
health).

An Airflow 3 plugin: a FastAPI app mounted at /threadline on the api-server, and an external view that puts it in
the navigation. Every route requires a signed-in user allowed to read DAGs (the UI's cookie or a bearer token);
anyone else gets 401/403. FastAPI's own API docs (/docs, /redoc, /openapi.json) are turned off: they would be served
without that check. The page reads the published warehouse read-only through `pipeline.store.open_reader`, like an
analyst would, so it never blocks a load, and shows the warehouse without its credentials (pipeline/redact.py).
"""
from __future__ import annotations

import html
from datetime import datetime

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse

from airflow.api_fastapi.core_api.security import requires_access_dag
from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/threadline"
LAST_RUNS = 20
LAST_FAILURES = 50
HEALTH_ROWS = 100

# No docs_url / redoc_url / openapi_url: FastAPI serves those outside the app's dependencies, to anyone.
app = FastAPI(title="Threadline warehouse", dependencies=[Depends(requires_access_dag("GET"))],
              docs_url=None, redoc_url=None, openapi_url=None)


def summary() -> dict:
    """What the page shows, as plain data: the warehouse path, its row counts, its last runs, failing sources."""
    import duckdb

    from pipeline.settings import silent_after_runs
    from pipeline.store import WarehouseMissing, open_reader
    from pipeline.store.sqlfiles import sql
    from threadline_airflow.connection import warehouse

    db = warehouse()
    shown = db.describe()  # a lake's libpq string may carry a password
    try:
        con = open_reader(db)
    except WarehouseMissing:
        return {"warehouse": shown, "exists": False, "counts": {}, "runs": [], "failures": [], "health": []}
    try:
        counts = dict(con.execute(sql("stats/table_counts")).fetchall())
        runs = _rows(con.execute(sql("ui/last_runs"), [LAST_RUNS]))
        failures = _rows(con.execute(sql("ui/failures_by_source"), [LAST_FAILURES]))
        try:
            health = _rows(con.execute(sql("ui/source_health"), [HEALTH_ROWS]))
        except duckdb.CatalogException:  # a warehouse last loaded before the view existed: the next load adds it
            health = None
    finally:
        con.close()
    return {"warehouse": shown, "exists": True, "counts": counts, "runs": runs, "failures": failures,
            "health": health, "silent_after_runs": silent_after_runs()}


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [{n: (v.isoformat() if isinstance(v, datetime) else v) for n, v in zip(names, row)}
            for row in cursor.fetchall()]


@app.get("/summary.json")
def summary_json() -> dict:
    return summary()


@app.get("/", response_class=HTMLResponse)
def page() -> str:
    data = summary()
    parts = [f"<h1>Threadline warehouse</h1><p>Published warehouse: <code>{_e(data['warehouse'])}</code></p>"]
    if not data["exists"]:
        parts.append("<p>No warehouse yet: it appears after the first successful load of threadline_ingest.</p>")
        return _document("".join(parts))
    parts.append("<h2>Rows per table</h2>" + _table(["table", "rows"], list(data["counts"].items()), "counts"))
    parts.append(f"<h2>Last {LAST_RUNS} runs</h2>" + _table(
        ["run", "command", "Airflow run", "try", "started", "finished", "status", "sources ok", "sources failed"],
        [[r["run_id"], r["command"], r["airflow_run_id"], r["airflow_try"], r["started_at"], r["finished_at"],
          r["status"], r["sources_ok"], r["sources_failed"]] for r in data["runs"]], "runs"))
    parts.append("<h2>Failures per source</h2>" + (_table(
        ["source", "failures", "last failed", "outcome", "cause"],
        [[f["source"], f["failures"], f["last_failed_at"], f["last_outcome"], f["last_cause"]]
         for f in data["failures"]], "failures") if data["failures"] else "<p>No source has failed.</p>"))
    parts.append(_health(data))
    return _document("".join(parts))


def _health(data: dict) -> str:
    """Sources by runs since they last found something new; silent ones (past THREADLINE_SILENT_AFTER_RUNS) marked."""
    title = "<h2>Source health</h2>"
    if data["health"] is None:
        return title + "<p>Not in this warehouse yet: the next load adds the view report_source_health.</p>"
    if not data["health"]:
        return title + "<p>No run of the source list yet.</p>"
    limit = data["silent_after_runs"]
    return title + f"<p>A source with nothing new in {limit} runs or more is silent: has its feed moved or its " \
        "markup changed? Pages and posts per run: last 30 days (to the latest run) and the 30 before.</p>" + _table(
        ["source", "status", "runs since new", "last new", "last run", "pages/run", "pages/run before", "posts/run",
         "posts/run before", "failures (30 days)"],
        [[h["source_name"], "silent" if h["runs_since_new"] >= limit else "ok", h["runs_since_new"],
          h["last_new_at"], h["last_run_at"], h["pages_per_run_30d"], h["pages_per_run_prev_30d"],
          h["posts_per_run_30d"], h["posts_per_run_prev_30d"], h["failures_30d"]] for h in data["health"]], "health")


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: list[str], rows: list, table_id: str) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _document(body: str) -> str:
    style = ("body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;"
             "margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}"
             "th{background:#f3f3f3}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Threadline warehouse</title>" \
           f"<style>{style}</style></head><body>{body}</body></html>"


class ThreadlinePlugin(AirflowPlugin):
    name = "threadline"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "Threadline warehouse"}]
    external_views = [{"name": "Threadline warehouse", "href": f"{URL_PREFIX}/", "destination": "nav",
                       "url_route": "threadline", "category": "browse"}]
