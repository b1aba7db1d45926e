"""threadline_live and threadline_ingest in one Airflow over one day (`airflow dags test` runs): the live blog is read
by the live polls only, the asset is announced by the poll at minute 0 only, and the content tables end as those of
a single poller reading the same page versions in the same order."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline.live import plan_poll, poll
from pipeline.runs import ingest
from tests.airflow_harness import airflow_env, copy_home, dags_test, last_run_tasks
from tests.fetch_support import Reply
from tests.live_support import CONTENT_TABLES, LiveBlogPage
from tests.warehouse_rows import rows

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

# Columns holding when a read was made: two pollers reading the same versions at other instants differ only there.
READ_TIMES = {"first_seen_at", "last_seen_at", "revised_at", "removed_at", "replaced_at", "seen_at", "source"}
ARTICLE = (b"<html lang='en'><head><title>Council budget</title></head><body><article><h1>Council budget</h1>"
           b"<p>The council passed its budget on Monday after a long debate.</p></article></body></html>")


def _at(minutes_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def _versions() -> list[dict]:
    """The live blog's entries at each poll: three; then one edited, one removed, two added; then the removed back."""
    first = {"e1": (_at(30), "Wind rising on the coast."), "e2": (_at(20), "Ferries cancelled until noon."),
             "e3": (_at(10), "Schools closed in the north.")}
    second = {"e1": (first["e1"][0], "Wind rising on the coast, gusts of 120 km/h."), "e3": first["e3"],
              "e4": (_at(5), "Power cut for 20,000 homes."), "e5": (_at(2), "Army called in to clear roads.")}
    return [first, second, {**second, "e2": first["e2"]}]


def _content(db) -> dict[str, list]:
    tables = {}
    for table in CONTENT_TABLES:
        columns = [name for (name,) in rows(db, f"SELECT column_name FROM information_schema.columns "
                                                f"WHERE table_name = '{table}' ORDER BY ordinal_position")
                   if name not in READ_TIMES]
        tables[table] = sorted(rows(db, f"SELECT {', '.join(columns)} FROM {table}"), key=repr)
    tables["removed"] = rows(db, "SELECT native_id FROM update_items WHERE removed_at IS NOT NULL ORDER BY 1")
    tables["events"] = rows(db, "SELECT i.native_id, e.kind FROM item_events e JOIN update_items i USING (item_id) "
                                "ORDER BY e.\"at\"")
    return tables


def test_the_live_and_nightly_dags_together_end_as_a_single_poller(airflow_template, tmp_path, server, monkeypatch):
    home = copy_home(airflow_template, tmp_path / "airflow")
    blog = LiveBlogPage()
    live_url = blog.serve(server, "/live/storm")
    article_hits = []
    server.route("/council", lambda req: article_hits.append(1) or Reply(200, ARTICLE))
    csv_path = tmp_path / "sources.csv"
    csv_path.write_text(f"name,kind,location\nstorm,liveblog,{live_url}\ncouncil,page,{server.url('/council')}\n")
    env = airflow_env(home, tmp_path / "data", THREADLINE_LIVE="on", THREADLINE_SOURCES=str(csv_path),
                      THREADLINE_FETCH_ALLOW_NETWORKS="127.0.0.1/32", THREADLINE_FETCH_MIN_DELAY="0",
                      THREADLINE_FETCH_MAX_RETRIES="0", THREADLINE_CONTACT_URL="https://threadline.test/contact")
    day = datetime.now(timezone.utc).date().isoformat()

    def run(dag_id: str, when: str) -> dict:
        result = dags_test(env, dag_id, when)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        state, tasks = last_run_tasks(home, dag_id)
        assert state == "success", tasks
        return tasks

    versions = _versions()
    run("threadline_ingest", f"{day}T02:00:00+00:00")
    announced = []
    for minute, version in zip(("00", "10", "20"), versions):
        blog.entries = dict(version)
        announced.append(run("threadline_live", f"{day}T10:{minute}:00+00:00")["announce"][0])
    run("threadline_ingest", f"{day}T02:00:00+00:00")  # the next night's read (the same slot: Airflow reruns it)

    assert blog.requests == [200, 200, 200]  # only the live polls read the live blog
    assert len(article_hits) == 2  # the nightly runs read the other page
    assert announced == ["success", "skipped", "skipped"]  # the asset once an hour, not every ten minutes
    airflow_db = str(tmp_path / "data" / "warehouse.duckdb")

    # A single poller reading the same versions in the same order, into a warehouse of its own.
    single = str(tmp_path / "single" / "warehouse.duckdb")
    (tmp_path / "single").mkdir()
    blog.entries = {}
    for key in ("THREADLINE_FETCH_ALLOW_NETWORKS", "THREADLINE_FETCH_MIN_DELAY", "THREADLINE_FETCH_MAX_RETRIES",
                "THREADLINE_CONTACT_URL"):
        monkeypatch.setenv(key, env[key])
    assert ingest([server.url("/council")], single).status == "ok"
    for version in versions:
        blog.entries = dict(version)
        assert poll(single, plan_poll(csv_path, single)).status == "ok"
    assert ingest([server.url("/council")], single).status == "ok"

    together, alone = _content(airflow_db), _content(single)
    assert together["events"] == [("e2", "removed"), ("e2", "restored")]
    assert together == alone
