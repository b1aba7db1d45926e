"""The Threadline page in the Airflow UI, served by a real api-server process: refused without a sign-in, and
showing the runs, row counts, failing sources and source health of the warehouse that the `threadline_warehouse`
connection names."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest

from tests.airflow_harness import ROOT, Services, airflow_env, copy_home, free_port, simple_auth, token, wait_http

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

SEED_TEXT = ROOT / "seeds" / "seed_article_putin_syria.txt"


@pytest.fixture(scope="module")
def server(airflow_template, tmp_path_factory):
    """An api-server on a free port whose warehouse comes from the connection (THREADLINE_DB points elsewhere)."""
    home = copy_home(airflow_template, tmp_path_factory.mktemp("airflow-ui"))
    db = home / "named-by-connection" / "warehouse.duckdb"
    db.parent.mkdir()
    missing = home / "data" / "f.html"
    missing.parent.mkdir()
    missing.write_text("   \n")  # an empty page: a failure the page must list
    cli = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(SEED_TEXT), str(missing), "--db", str(db)],
                         cwd=home, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True,
                         text=True, timeout=120)
    assert cli.returncode == 1, cli.stdout + cli.stderr  # one source failed, the other loaded
    port = free_port()
    env = airflow_env(home, home / "data", THREADLINE_DB=str(home / "not-this.duckdb"),
                      AIRFLOW_CONN_THREADLINE_WAREHOUSE=json.dumps({"conn_type": "duckdb", "host": str(db)}),
                      AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
                      THREADLINE_SILENT_AFTER_RUNS="3",
                      **simple_auth(home, {"analyst": "s3cret-pass"}))
    services = Services(env, home / "logs-services")
    proc = services.start("api-server", "api-server", "--port", str(port), "--host", "127.0.0.1", "--workers", "1")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/api/v2/monitor/health", 120, proc)
        yield base, db
    except Exception:
        print(services.tails())
        raise
    finally:
        services.stop()


def test_anyone_not_signed_in_is_refused(server):
    base, _ = server
    for path in ("/threadline/", "/threadline/summary.json"):
        assert httpx.get(base + path, timeout=30).status_code in (401, 403)
        assert httpx.get(base + path, headers={"Authorization": "Bearer not-a-token"},
                         timeout=30).status_code in (401, 403)


def test_the_apps_api_docs_are_not_served_to_anyone(server):
    """FastAPI serves /docs, /redoc and /openapi.json outside the app's sign-in check: the plugin turns them off."""
    base, _ = server
    headers = {"Authorization": f"Bearer {token(base, 'analyst', 's3cret-pass')}"}
    for path in ("/threadline/docs", "/threadline/redoc", "/threadline/openapi.json",
                 "/threadline/docs/oauth2-redirect"):
        for sent in ({}, headers):
            response = httpx.get(base + path, headers=sent, timeout=30)
            assert response.status_code in (401, 403, 404), (path, response.status_code)
            assert "swagger" not in response.text.lower() and '"openapi"' not in response.text


def test_a_signed_in_user_sees_runs_counts_and_failures_of_the_connections_warehouse(server):
    base, db = server
    headers = {"Authorization": f"Bearer {token(base, 'analyst', 's3cret-pass')}"}
    data = httpx.get(f"{base}/threadline/summary.json", headers=headers, timeout=30).json()
    assert data["warehouse"] == str(db)
    assert data["counts"]["articles"] == 1 and data["counts"]["social_posts"] == 2
    assert [(r["command"], r["status"], r["sources_ok"], r["sources_failed"]) for r in data["runs"]] == \
        [("ingest", "partial", 1, 1)]
    assert [(f["source"].rsplit("/", 1)[-1], f["failures"], f["last_cause"]) for f in data["failures"]] == \
        [("f.html", 1, "the file is empty")]

    page = httpx.get(f"{base}/threadline/", headers=headers, timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    cells = lambda table: re.findall(r"<td>(.*?)</td>", page.text.split(f'id="{table}"')[1].split("</table>")[0])
    counts = cells("counts")
    assert counts[counts.index("social_posts") + 1] == "2"
    assert "partial" in cells("runs") and "the file is empty" in cells("failures")


def test_the_page_is_in_the_ui_navigation(server):
    base, _ = server
    headers = {"Authorization": f"Bearer {token(base, 'analyst', 's3cret-pass')}"}
    plugins = httpx.get(f"{base}/api/v2/plugins", headers=headers, timeout=30).json()["plugins"]
    views = [v for p in plugins if p["name"] == "threadline" for v in p["external_views"]]
    assert [(v["name"], v["href"], v["destination"]) for v in views] == \
        [("Threadline warehouse", "/threadline/", "nav")]


@pytest.mark.browser
def test_the_page_renders_in_headless_chromium_for_a_signed_in_user(server):
    """The page as a person sees it; the screenshot goes to test-artifacts/airflow-ui-page.png (and, with
    THREADLINE_UPDATE_DOCS=1, to docs/airflow-ui-page.png, which the README shows)."""
    import os
    import shutil
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    base, _ = server
    headers = {"Authorization": f"Bearer {token(base, 'analyst', 's3cret-pass')}"}
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "airflow-ui-page.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(extra_http_headers=headers, viewport={"width": 1100, "height": 700})
            response = page.goto(f"{base}/threadline/")
            assert response.status == 200
            assert page.locator("#counts td").count() >= 2 and page.locator("#failures td").count() >= 1
            assert "the file is empty" in page.inner_text("#failures")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get("THREADLINE_UPDATE_DOCS") == "1":
        shutil.copyfile(shot, Path(ROOT) / "docs" / "airflow-ui-page.png")


def test_source_health_after_nightly_runs_of_the_source_list_marks_the_silent_source(server, tmp_path):
    """Last in this module: it adds three runs of a source list (tests/source_nights.py) to the connection's
    warehouse. Before them the CLI's run named no source of the list, so the section says no run of it yet."""
    from tests.source_nights import Nights

    base, db = server
    headers = {"Authorization": f"Bearer {token(base, 'analyst', 's3cret-pass')}"}
    assert httpx.get(f"{base}/threadline/summary.json", headers=headers, timeout=30).json()["health"] == []
    assert "No run of the source list yet." in httpx.get(f"{base}/threadline/", headers=headers, timeout=30).text

    nights = Nights(tmp_path / "nights", str(db))
    for _ in range(3):
        nights.run()
    data = httpx.get(f"{base}/threadline/summary.json", headers=headers, timeout=30).json()
    assert data["silent_after_runs"] == 3  # THREADLINE_SILENT_AFTER_RUNS of the server's environment
    assert [(h["source_name"], h["runs_since_new"], h["failures_30d"]) for h in data["health"]] == \
        [("gone", 3, 3), ("stops", 1, 0), ("steady", 0, 0)]
    page = httpx.get(f"{base}/threadline/", headers=headers, timeout=30).text
    rows = [re.findall(r"<td>(.*?)</td>", row)
            for row in page.split('id="health"')[1].split("</table>")[0].split("<tr>")[2:]]
    assert [row[:3] for row in rows] == [["gone", "silent", "3"], ["stops", "ok", "1"], ["steady", "ok", "0"]]
