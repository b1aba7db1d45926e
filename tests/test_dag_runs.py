"""threadline_ingest and threadline_report as `airflow dags test` runs them: rows loaded once, params refused before
any work, failed batches not costing the others, every task's retry path, and an analyst reading throughout.

One migrated SQLite Airflow home is shared by the module; each test has its own data folder and warehouse.
"""
from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.airflow_harness import ROOT, VENV_BIN, airflow_env, copy_home, dags_test, last_run_tasks
from tests.warehouse_rows import rows as query

pytestmark = [pytest.mark.slow, pytest.mark.airflow]

CONTENT_TABLES = ["articles", "update_items", "social_posts", "article_posts", "post_entities", "quotes"]
NIGHT = "2026-11-20T02:00:00+00:00"


@pytest.fixture(scope="module")
def home(airflow_template, tmp_path_factory):
    return copy_home(airflow_template, tmp_path_factory.mktemp("airflow"))


@pytest.fixture
def env(home, tmp_path):
    return airflow_env(home, tmp_path / "data")


def warehouse(env) -> str:
    return f"{env['THREADLINE_DATA']}/warehouse.duckdb"


def content_counts(db) -> dict[str, int]:
    return {table: query(db, f"SELECT count(*) FROM {table}")[0][0] for table in CONTENT_TABLES}


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout + result.stderr


def test_every_dag_imports_without_errors(env):
    code = ("import json; from airflow.dag_processing.dagbag import DagBag; "
            f"bag = DagBag({str(ROOT / 'dags')!r}); "
            "print(json.dumps({'errors': {k: str(v) for k, v in bag.import_errors.items()}, "
            "'dags': sorted(bag.dags)}))")
    result = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    bag = json.loads(result.stdout.strip().splitlines()[-1])
    assert bag == {"errors": {}, "dags": ["threadline_enrich", "threadline_ingest", "threadline_lake_maintenance", "threadline_live",
                                    "threadline_report"]}


def test_a_nightly_run_loads_once_an_analyst_reads_throughout_and_the_report_refreshes(env, home):
    output = ok(dags_test(env, "threadline_ingest", NIGHT))
    # the run covered its data interval, the day before the logical date's 02:00 slot
    assert "interval=[2026-11-19 02:00:00+00:00, 2026-11-20 02:00:00+00:00)" in output
    assert "nothing new in" not in output  # check: every source found something new in the first run
    db = warehouse(env)
    first = content_counts(db)
    assert first["articles"] == 2 and first["social_posts"] == 2  # the seed as text and as HTML; 2 posts in all

    analyst = duckdb.connect(db, read_only=True)  # held open through the whole second run
    try:
        assert analyst.execute("SELECT count(*) FROM ingest_runs").fetchone()[0] == 1
        # the same night again, as a rerun would: nothing new, and check warns after one such run when told to
        output = ok(dags_test(dict(env, THREADLINE_SILENT_AFTER_RUNS="1"), "threadline_ingest", NIGHT))
        assert analyst.execute("SELECT count(*) FROM ingest_runs").fetchone()[0] == 1  # the snapshot it opened
    finally:
        analyst.close()
    assert content_counts(db) == first  # no content row doubled
    runs = query(db, "SELECT airflow_run_id, airflow_try, status FROM ingest_runs ORDER BY started_at")
    assert len(runs) == 2 and all(r[0].startswith("manual__") and r[1] == 1 and r[2] == "ok" for r in runs)
    warnings = [line for line in output.splitlines() if "nothing new in 1 runs" in line]
    assert len(warnings) == 2 and all("[warning" in line for line in warnings)  # Airflow's log level, not a print
    assert any("source seed_article_putin_syria_text: nothing new in 1 runs (since " in line for line in warnings)

    # threadline_report's refresh fails once (a transient error), is retried, and creates the reporting view
    ok(dags_test(env, "threadline_report", faults={"apply_views": {"times": 1}}))
    state, tasks = last_run_tasks(home, "threadline_report")
    assert state == "success" and tasks["refresh"] == ("success", 2)
    volume = query(db, "SELECT outlet, platform, posts FROM report_daily_volume WHERE outlet = 'Example News'")
    assert volume == [("Example News", "x", 2)]


@pytest.mark.parametrize("conf, message", [
    ({"max_pages": 0}, "Invalid input for param max_pages: 0 is less than the minimum of 1"),
    ({"sources": ["no_such_source"]}, "Invalid input for param sources: 'no_such_source' is not one of"),
    ({"mode": "refetch"}, "Invalid input for param mode: 'refetch' is not one of ['fetch', 'reparse']"),
])
def test_invalid_params_are_refused_before_any_work(env, conf, message):
    result = dags_test(env, "threadline_ingest", NIGHT, conf=conf)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not (Path(env["THREADLINE_DATA"]) / "staging").exists()  # no task ran


@pytest.mark.parametrize("params, message", [
    ({"max_pages": 0}, "max_pages must be a whole number of at least 1, got 0"),
    ({"max_pages": "ten"}, "max_pages must be a whole number of at least 1, got 'ten'"),
    ({"sources": ["a", "nope"]}, "unknown source(s) nope; choose from a, b"),
    ({"mode": "refetch"}, "mode must be one of fetch, reparse, got 'refetch'"),
])
def test_the_first_task_checks_params_again_with_a_clear_message(params, message):
    # runs that bypass the form's validation (an old serialized DAG, a conf edited in the DB) meet the same rules
    from pipeline.stages.params import RunParamsError, validate_params

    with pytest.raises(RunParamsError) as caught:
        validate_params(params, ["a", "b"])
    assert str(caught.value) == message
    assert validate_params({}, ["a"]) == validate_params({"sources": [], "mode": "fetch", "max_pages": 1000}, ["a"])


def test_reparse_mode_reloads_the_archived_pages_of_the_run_interval_only(env, home):
    """The backfill dialog's {"mode": "reparse"}: archived responses fetched in the run's interval, no network."""
    archive = Path(warehouse(env)).parent / "archive"
    archive.mkdir(parents=True)
    pages = {"https://news.example/in": ("2026-11-19T10:00:00Z", "Inside the interval"),
             "https://news.example/out": ("2026-11-10T10:00:00Z", "Outside the interval")}
    with open(archive / "crawl.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, (when, title) in pages.items():
            body = f"<html><head><title>{title}</title></head><body><article><p>{title}.</p></article></body></html>"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body.encode()),
                                                          http_headers=headers, warc_headers_dict={"WARC-Date": when}))
    output = ok(dags_test(env, "threadline_ingest", NIGHT, conf={"mode": "reparse"}))
    assert "mode=reparse" in output
    assert query(warehouse(env), "SELECT url, title FROM articles") == [("https://news.example/in", "Inside the interval")]
    assert query(warehouse(env), "SELECT command, status FROM ingest_runs") == [("airflow", "ok")]


def test_chosen_sources_only_are_read_into_the_warehouse_the_connection_names(env, tmp_path):
    named = tmp_path / "elsewhere" / "named.duckdb"
    env = {**env, "AIRFLOW_CONN_THREADLINE_WAREHOUSE": json.dumps({"conn_type": "duckdb", "host": str(named)})}
    output = ok(dags_test(env, "threadline_ingest", NIGHT, conf={"sources": ["seed_article_putin_syria_text"]}))
    assert "1 pages in 1 batches" in output
    assert query(named, "SELECT source LIKE '%.txt' FROM articles") == [(True,)]
    assert not Path(warehouse(env)).exists()  # the default path was not used


def test_a_failed_batch_does_not_cost_the_other_batches_their_data(env, home):
    # two batches (one source each); staging the second fails on every try
    result = dags_test(env, "threadline_ingest", NIGHT,
                       faults={"batch_size": 1, "stage_sources": {"times": 99, "match": "batch-0001"}})
    state, tasks = last_run_tasks(home, "threadline_ingest")
    assert state == "failed", result.stdout[-3000:]
    assert tasks["parse_and_stage[0]"] == ("success", 1)
    assert tasks["parse_and_stage[1]"] == ("failed", 3)  # retried twice, then given up
    assert tasks["load"] == ("success", 1)  # loaded what was staged
    assert tasks["check"] == ("failed", 1)  # says a batch is missing; checks are not retried
    assert "1 batches failed to parse; the others are loaded" in result.stdout + result.stderr
    assert query(warehouse(env), "SELECT source LIKE '%.txt' FROM articles") == [(True,)]


def test_every_task_retries_a_transient_failure_and_the_run_succeeds(env, home):
    faults = {"discover_run_batches": {"times": 1}, "stage_sources": {"times": 1}, "load_staged": {"times": 1}}
    ok(dags_test(env, "threadline_ingest", NIGHT, faults=faults))
    state, tasks = last_run_tasks(home, "threadline_ingest")
    assert state == "success"
    assert tasks == {"discover": ("success", 2), "parse_and_stage[0]": ("success", 2), "load": ("success", 2),
                     "check": ("success", 1), "prune_archive": ("success", 1)}
    assert query(warehouse(env), "SELECT airflow_try, status FROM ingest_runs") == [(2, "ok")]
    assert content_counts(warehouse(env))["articles"] == 2


def test_the_nightly_run_prunes_the_raw_archive_past_its_limit_and_leaves_other_files(env, home):
    from datetime import datetime, timezone

    from pipeline.fetch import WarcArchive

    archive = Path(warehouse(env)).parent / "archive"
    writer = WarcArchive(archive)
    old, _ = writer.write_exchange(url="https://news.example/old", fetched_at=datetime(2020, 1, 1, tzinfo=timezone.utc),
                                   request_line="GET / HTTP/1.1", request_headers=[], status_line="200 OK",
                                   response_headers=[("Content-Type", "text/html")], body=b"<p>old</p>",
                                   truncated=False, facts={})
    writer.close()
    (archive / "notes.txt").write_text("not the pipeline's")
    output = ok(dags_test({**env, "THREADLINE_ARCHIVE_KEEP_DAYS": "30"}, "threadline_ingest", NIGHT))
    assert f"pruned {Path(old).resolve()}: its newest response is older than 30 days" in output
    assert not Path(old).exists() and (archive / "notes.txt").read_text() == "not the pipeline's"
    assert query(warehouse(env), "SELECT path, reason FROM archive_pruned") == [(str(Path(old).resolve()), "age")]
    _, tasks = last_run_tasks(home, "threadline_ingest")
    assert tasks["prune_archive"] == ("success", 1)


def test_staged_batches_of_old_runs_are_removed_and_recent_ones_kept(tmp_path):
    import os
    import time

    from pipeline.stages.cleanup import prune_staging

    staging = tmp_path / "staging"
    for name, age_days in (("scheduled__old", 8), ("scheduled__recent", 1)):
        batch = staging / name / "batch-0000"
        batch.mkdir(parents=True)
        (batch / "articles.parquet").write_bytes(b"x")
        stamp = time.time() - age_days * 86400
        for path in (batch / "articles.parquet", batch, batch.parent):
            os.utime(path, (stamp, stamp))
    assert prune_staging(staging) == ["scheduled__old"]
    assert [p.name for p in staging.iterdir()] == ["scheduled__recent"]


def test_staging_clean_up_leaves_folders_it_did_not_make(tmp_path):
    import os
    import time

    from pipeline.stages.cleanup import prune_staging

    staging = tmp_path / "staging"
    old = time.time() - 30 * 86400
    mine = staging / "scheduled__old" / "batch-0000"
    theirs = staging / "my-notes"
    mixed = staging / "manual__old"
    for folder in (mine, theirs, mixed / "batch-0001"):
        folder.mkdir(parents=True)
    (theirs / "notes.txt").write_text("an analyst's file")
    (mixed / "keep-me.csv").write_text("a,b")
    for path in [*staging.rglob("*"), staging]:
        os.utime(path, (old, old))
    assert prune_staging(staging) == ["scheduled__old"]
    assert (theirs / "notes.txt").read_text() == "an analyst's file"
    assert (mixed / "keep-me.csv").exists() and (mixed / "batch-0001").is_dir()


def test_the_enrich_dag_asks_the_platform_and_marks_gone_posts_unavailable(env, home):
    from pipeline.runs import ingest
    from tests.fetch_support import Reply, TestServer

    ingest([str(ROOT / "seeds" / "seed_article_putin_syria.html")], warehouse(env))
    server = TestServer()
    server.route("/oembed", Reply(404, b'{"error":"No status found with that ID."}', content_type="application/json"))
    try:
        env = {**env, "THREADLINE_ENRICH_X_OEMBED_URL": server.url("/oembed"),
               "THREADLINE_FETCH_ALLOW_NETWORKS": "127.0.0.1/32", "THREADLINE_FETCH_MIN_DELAY": "0"}
        output = ok(dags_test(env, "threadline_enrich", NIGHT))
    finally:
        server.close()
    assert "2 posts asked about" in output
    assert query(warehouse(env), "SELECT DISTINCT status FROM social_posts") == [("unavailable",)]
    assert query(warehouse(env), "SELECT command, status FROM ingest_runs ORDER BY started_at") == \
        [("ingest", "ok"), ("enrich", "ok")]
