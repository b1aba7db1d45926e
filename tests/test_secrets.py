"""No secret anywhere Threadline writes or shows: a lake password (`postgresql://user:PW@…`, `password=PW`), an AWS
secret key and session token from the environment, a URL's `user:pw@` and `?token=` are planted, the commands are
run (loads that work and loads that fail), and every place a person could read is searched for them: the command
outputs (stdout and stderr, with -v logs), the warehouse (every VARCHAR column of every table), a Parquet export,
the report page, log records, and the Airflow Threadline page with its summary.json. Every planted value starts
with SECRET_MARK; none may show up. What failed must still be recognisable: the secrets become `***`."""
from __future__ import annotations

import io
import json
import logging
import secrets
import subprocess
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.redact import redact
from pipeline.stage import build_batch
from pipeline.store import LoadFailed, Writer, open_reader
from tests.commands import pipeline
from tests.fetch_support import Reply, TestServer
from tests.lakes import fresh_lake

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "seeds" / "seed_article_putin_syria.txt"
SECRET_MARK = "S3cr3tPW-"
LAKE_PW = SECRET_MARK + "lake-" + secrets.token_hex(4)
URL_PW = SECRET_MARK + "url-" + secrets.token_hex(4)
URL_TOKEN = SECRET_MARK + "token-" + secrets.token_hex(4)
AWS_SECRET = SECRET_MARK + "aws-" + secrets.token_hex(8)
AWS_TOKEN = SECRET_MARK + "session-" + secrets.token_hex(8)


def page(title: str) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>A page read with credentials in its address.</p></article></body></html>").encode("utf-8")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """The AWS secrets in the environment of every command, our server allowed, no politeness delay."""
    values = {"AWS_ACCESS_KEY_ID": "AKIATHREADLINETEST", "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
              "AWS_SESSION_TOKEN": AWS_TOKEN, "THREADLINE_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
              "THREADLINE_FETCH_MIN_DELAY": "0", "THREADLINE_DATA": str(tmp_path / "data"), "THREADLINE_DB": None,
              "THREADLINE_LAKE_DATA": None}
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return values


def secret_urls(server: TestServer) -> dict[str, str]:
    """A page that loads and one that fails (404), each with a password and a token in its address."""
    server.route("/page", Reply(200, page("Credentials in the address")))
    server.route("/missing", Reply(404, b"no such page", content_type="text/plain"))
    return {name: f"http://reader:{URL_PW}@127.0.0.1:{server.port}/{name}?token={URL_TOKEN}&lang=en"
            for name in ("page", "missing")}


def assert_no_secret(where: str, text: str) -> None:
    assert SECRET_MARK not in text, f"a secret in {where}: …{text[max(0, text.find(SECRET_MARK) - 120):][:240]}…"


def assert_clean_outputs(*results: subprocess.CompletedProcess) -> None:
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
        assert_no_secret(f"`{' '.join(result.args[3:5])}` output", result.stdout + result.stderr)


def varchar_values(db: str) -> dict[str, list[str]]:
    """Every VARCHAR value of every table of the warehouse (a file or a lake), by table.column."""
    con = open_reader(db)
    try:
        columns = con.execute(
            "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
            "USING (database_name, schema_name, table_name) WHERE c.data_type = 'VARCHAR' "
            "AND c.database_name = current_database() AND c.schema_name = 'main'").fetchall()
        assert len(columns) > 20  # the whole schema, not an empty one
        return {f"{table}.{column}": [v for (v,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall()
                                      if v is not None]
                for table, column in columns}
    finally:
        con.close()


def assert_clean_warehouse(db: str) -> dict[str, list[str]]:
    values = varchar_values(db)
    for column, found in values.items():
        assert_no_secret(f"warehouse column {column}", "\n".join(found))
    return values


def assert_clean_folder(folder: Path) -> None:
    """Every file under `folder`: its bytes, and for Parquet its values as read back."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert_no_secret(str(path), path.read_bytes().decode("utf-8", "replace"))
        if path.suffix == ".parquet":
            assert_no_secret(str(path), str(pq.read_table(path).to_pylist()))


def test_redact_hides_each_kind_of_secret(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("PGPASSWORD", LAKE_PW)
    cases = {
        f"ducklake:postgres:postgresql://u:{LAKE_PW}@db.internal:5432/lake":
            "ducklake:postgres:postgresql://u:***@db.internal:5432/lake",
        f"ducklake:postgres:dbname=lake host=db password={LAKE_PW} user=u":
            "ducklake:postgres:dbname=lake host=db password=*** user=u",
        f"dbname=lake password = 'two words \\' {LAKE_PW}' user=u": "dbname=lake password = *** user=u",
        f"postgresql://db/lake?user=u&password={LAKE_PW}&sslmode=require": "postgresql://db/lake?user=u&password=***",
        f"PGPASSWORD={LAKE_PW} psql": "PGPASSWORD=*** psql",
        f"the secret is {AWS_SECRET}.": "the secret is ***.",
        f"CREATE SECRET s (TYPE s3, KEY_ID 'AKIA1', SECRET 'it''s {AWS_SECRET}', SESSION_TOKEN '{AWS_TOKEN}')":
            "CREATE SECRET s (TYPE s3, KEY_ID 'AKIA1', SECRET '***', SESSION_TOKEN '***')",
        f"https://u:{URL_PW}@example.org/p?a=1&token={URL_TOKEN}: fetch: HTTP 404":
            "https://u:***@example.org/p?a=1&token=***: fetch: HTTP 404",
        f"https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature={URL_TOKEN}&X-Amz-Date=1":
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Date=1",
        f"/feed?api_key={URL_TOKEN}&access_token={URL_TOKEN}&key={URL_TOKEN}&sig={URL_TOKEN}&signature={URL_TOKEN}":
            "/feed?api_key=***&access_token=***&key=***&sig=***&signature=***",
        f"Authorization: Bearer {URL_TOKEN}": "Authorization: Bearer ***",
    }
    for text, shown in cases.items():
        assert redact(text) == shown
        assert redact(shown) == shown  # a message made from a redacted name is not cut again
    # a redacted lake name inside a message keeps the punctuation after it
    name = redact(f"ducklake:postgres:dbname=lake password={LAKE_PW}")
    assert redact(f"cannot reach the lake's catalog ({name}): refused") == \
        "cannot reach the lake's catalog (ducklake:postgres:dbname=lake password=***): refused"
    # what is not a secret stays as it was
    for text in ("http://example.org:8080/a@b?page=2", "FATAL: password authentication failed for user \"u\"",
                 "/tmp/w.duckdb: another writer (pid 12 on host) still holds /tmp/w.duckdb.lock after 5 s"):
        assert redact(text) == text


def test_log_records_of_any_logger_are_redacted_message_arguments_and_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("pipeline.secrets_test")  # any logger: pipeline code, a DAG task, a library
    logger.addHandler(handler)
    try:
        logger.error("cannot open %s", f"postgresql://u:{LAKE_PW}@db/lake")
        logging.getLogger("some.library").addHandler(handler)
        logging.getLogger("some.library").warning(f"GET /x?token={URL_TOKEN}")
        try:
            raise RuntimeError(f"attach failed: SECRET '{AWS_SECRET}'")
        except RuntimeError:
            logger.exception("load failed")
    finally:
        logger.removeHandler(handler)
        logging.getLogger("some.library").removeHandler(handler)
    text = stream.getvalue()
    assert_no_secret("log", text)
    assert "postgresql://u:***@db/lake" in text and "token=***" in text
    assert "RuntimeError: attach failed: SECRET '***'" in text  # the traceback is kept, redacted


@pytest.mark.slow
def test_a_file_warehouse_its_outputs_report_and_export_hold_no_secret(server, env, tmp_path):
    urls = secret_urls(server)
    db = str(tmp_path / "w.duckdb")
    ingest = pipeline("-v", "ingest", urls["page"], urls["missing"], str(SEED_TEXT), "--db", db, cwd=tmp_path)
    assert ingest.returncode == 1  # the 404 failed, the rest loaded
    stats = pipeline("stats", "--db", db, cwd=tmp_path)
    report = pipeline("-v", "report", "--db", db, "--out", str(tmp_path / "report"), cwd=tmp_path)
    export = pipeline("-v", "export", "--db", db, "--out", str(tmp_path / "export"), cwd=tmp_path)
    assert (stats.returncode, report.returncode, export.returncode) == (0, 0, 0), report.stderr + export.stderr
    assert_clean_outputs(ingest, stats, report, export)

    shown = urls["missing"].replace(URL_PW, "***").replace(URL_TOKEN, "***")
    assert f"FAILED {shown}: fetch:" in ingest.stdout  # the failure still names its source
    values = assert_clean_warehouse(db)
    assert shown in values["fetch_log.url"]
    assert urls["page"].replace(URL_PW, "***").replace(URL_TOKEN, "***") in values["articles.source"]
    assert_clean_folder(tmp_path / "report")
    assert_clean_folder(tmp_path / "export")


def test_what_a_dag_parse_task_prints_and_stages_holds_no_secret(server, env, tmp_path):
    """`stage_sources` is the DAG's parse task: its failure lines go to the task log and XCom, its batch to Parquet."""
    from pipeline.stages.entries import SourceEntry
    from pipeline.stages.staging import stage_sources

    urls = secret_urls(server)
    staged = stage_sources([SourceEntry(url, source="paywalled") for url in urls.values()],
                           tmp_path / "staging" / "batch-0000", str(tmp_path / "w.duckdb"))
    assert staged["sources_ok"] == 1 and len(staged["failed"]) == 1
    assert_no_secret("the parse task's result", json.dumps(staged))
    assert "reader:***@127.0.0.1" in staged["failed"][0]
    assert_clean_folder(tmp_path / "staging")


@pytest.mark.airflow
@pytest.mark.slow
def test_an_airflow_ingest_run_keeps_secrets_out_of_its_task_logs_and_the_warehouse(server, airflow_template,
                                                                                     tmp_path):
    """threadline_ingest under `airflow dags test` with a source list whose addresses carry credentials: the task
    logs (on the console and in AIRFLOW_HOME/logs) and the warehouse show them as `***`. (The addresses themselves
    travel between tasks as XCom in Airflow's metadata database: the fetch task needs them whole.)"""
    from tests.airflow_harness import airflow_env, copy_home, dags_test

    urls = secret_urls(server)
    sources = tmp_path / "sources.csv"
    sources.write_text("name,kind,location\n" + "".join(f"paywalled-{name},page,{url}\n"
                                                        for name, url in urls.items()))
    home = copy_home(airflow_template, tmp_path / "airflow")
    env = airflow_env(home, tmp_path / "data", THREADLINE_SOURCES=str(sources),
                      THREADLINE_FETCH_ALLOW_NETWORKS="127.0.0.1/32", THREADLINE_FETCH_MIN_DELAY="0",
                      AWS_SECRET_ACCESS_KEY=AWS_SECRET, THREADLINE_DB=f"{tmp_path}/data/warehouse.duckdb")
    run = dags_test(env, "threadline_ingest")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    # Airflow logs a task's returned value itself ("Done. Returned value was: …", here the discovered addresses);
    # its secrets masker hides what the task registered (threadline_airflow.masking) in a deployed task's log, but
    # `dags test` runs the task in-process and prints that line unmasked: the masking is checked on its own below.
    console = "\n".join(line for line in (run.stdout + run.stderr).splitlines() if "Returned value was" not in line)
    assert "reader:***@127.0.0.1" in console  # the failed source is named in the parse task's log
    assert_no_secret("the `airflow dags test` console", console)
    if (home / "logs").exists():
        for path in (home / "logs").rglob("*"):
            if path.is_file():
                assert_no_secret(str(path), path.read_text("utf-8", "replace"))
    values = assert_clean_warehouse(f"{tmp_path}/data/warehouse.duckdb")
    assert any("token=***" in url for url in values["fetch_log.url"])


@pytest.mark.airflow
def test_secrets_a_task_registers_are_masked_by_airflow_in_its_own_log_lines(tmp_path):
    """threadline_airflow.masking hands each secret of the discovered addresses to Airflow's secrets masker, which
    masks Airflow's own lines (a task's returned value) as a deployed task logs them (in a subprocess: Airflow's
    logging is global)."""
    from tests.airflow_harness import VENV_BIN, airflow_env

    url = f"http://reader:{URL_PW}@news.example/feed?token={URL_TOKEN}"
    code = ("import structlog\n"
            "from airflow.sdk.log import configure_logging\n"
            "from threadline_airflow.masking import mask_in_task_log\n"
            "configure_logging(sending_to_supervisor=False)\n"
            f"mask_in_task_log([{url!r}])\n"
            "structlog.get_logger('airflow.task.operators').info('Done. Returned value was: %s', "
            f"[{{'location': {url!r}, 'aws': {AWS_SECRET!r}, 'db': {LAKE_PW!r}}}])\n")
    env = airflow_env(tmp_path, tmp_path / "data", PYTHONPATH=f"{ROOT}:{ROOT / 'plugins'}",
                      AWS_SECRET_ACCESS_KEY=AWS_SECRET, THREADLINE_DB=f"ducklake:postgres:password={LAKE_PW} dbname=x")
    result = subprocess.run([str(VENV_BIN / "python"), "-c", code], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    logged = [line for line in (result.stdout + result.stderr).splitlines() if "Returned value was" in line]
    assert len(logged) == 1 and "reader:***@news.example/feed?token=***" in logged[0]
    assert_no_secret("Airflow's log line", logged[0])


def test_a_load_that_fails_on_a_secret_keeps_it_out_of_the_message_and_load_attempts(tmp_path):
    """DuckDB quotes the value it could not read in its error: the batch's cause, the exception and the
    `load_attempts.error` row show it redacted."""
    db = str(tmp_path / "w.duckdb")
    batch = build_batch([])
    fetch_log = batch.tables["fetch_log"]
    address = f"http://u:{URL_PW}@example.org/feed?token={URL_TOKEN}"
    batch.tables["fetch_log"] = pa.table({name: pa.array([address]) if name in ("url", "fetched_at") else
                                          pa.array([None], fetch_log.schema.field(name).type)
                                          for name in fetch_log.schema.names})
    with Writer(db) as writer:
        run = writer.start_run("ingest")
        with pytest.raises(LoadFailed) as failed:
            writer.load(batch, run)
        writer.finish_run(run)
    assert_no_secret("LoadFailed", str(failed.value))
    assert "u:***@example.org/feed?token=***" in str(failed.value)
    errors = assert_clean_warehouse(db)["load_attempts.error"]
    assert len(errors) == 1 and "ConversionException" in errors[0] and "token=***" in errors[0]


def test_a_run_that_fails_on_a_secret_records_its_cause_redacted(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with Writer(db) as writer:
        run = writer.start_run("ingest")
        writer.fail_run(run, RuntimeError(f"could not read http://u:{URL_PW}@example.org/?token={URL_TOKEN} "
                                          f"with password={LAKE_PW}"))
    causes = assert_clean_warehouse(db)["ingest_runs.cause"]
    assert len(causes) == 1 and "u:***@example.org/?token=***" in causes[0] and "password=***" in causes[0]


@pytest.mark.slow
def test_unreachable_lakes_and_object_stores_are_one_line_without_the_secret(env, tmp_path):
    unreachable = f"ducklake:postgres:postgresql://reader:{LAKE_PW}@127.0.0.1:1/lake"
    results = [pipeline("stats", "--db", unreachable, cwd=tmp_path),
               pipeline("report", "--db", unreachable, "--out", str(tmp_path / "r"), cwd=tmp_path),
               pipeline("export", "--db", unreachable, "--out", str(tmp_path / "e"), cwd=tmp_path),
               pipeline("ingest", str(SEED_TEXT), "--db", unreachable, "--lake-data", str(tmp_path / "d"),
                        cwd=tmp_path),
               pipeline("stats", "--db", f"ducklake:postgres:host=127.0.0.1 port=1 password='{LAKE_PW}' dbname=x",
                        cwd=tmp_path)]
    assert_clean_outputs(*results)
    for result in results:
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "cannot reach the lake's catalog" in result.stderr
    assert "postgresql://reader:***@127.0.0.1:1/lake" in results[0].stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_a_lake_with_a_password_shows_it_nowhere_even_when_its_object_store_fails(server, env, tmp_path):
    urls = secret_urls(server)
    with fresh_lake(tmp_path) as lake:
        name = lake.catalog.split("dbname=")[1].split()[0]
        db = f"ducklake:postgres:postgresql://postgres:{LAKE_PW}@127.0.0.1:5432/{name}"  # trust auth ignores it
        ingest = pipeline("-v", "ingest", urls["page"], urls["missing"], str(SEED_TEXT), "--db", db,
                          "--lake-data", str(lake.data), cwd=tmp_path)
        assert ingest.returncode == 1, ingest.stderr  # the 404
        stats = pipeline("stats", "--db", db, cwd=tmp_path)
        report = pipeline("report", "--db", db, "--out", str(tmp_path / "report"), cwd=tmp_path)
        export = pipeline("export", "--db", db, "--out", str(tmp_path / "export"), cwd=tmp_path)
        assert (stats.returncode, report.returncode, export.returncode) == (0, 0, 0), report.stderr
        assert_clean_outputs(ingest, stats, report, export)
        assert "postgresql://postgres:***@127.0.0.1:5432/" in (tmp_path / "report" / "index.html").read_text()
        assert_clean_folder(tmp_path / "report")
        assert_clean_folder(tmp_path / "export")
        assert_clean_warehouse(db)

    with fresh_lake(tmp_path / "s3") as lake:
        name = lake.catalog.split("dbname=")[1].split()[0]
        db = f"ducklake:postgres:postgresql://postgres:{LAKE_PW}@127.0.0.1:5432/{name}"
        failing = pipeline("-v", "ingest", str(SEED_TEXT), "--db", db, "--lake-data", "s3://bucket/lake/",
                           cwd=tmp_path, env={"AWS_ENDPOINT_URL": "http://127.0.0.1:1"})  # no store there
        assert failing.returncode == 1 and "was not loaded" in failing.stderr, failing.stderr
        assert_clean_outputs(failing)


@pytest.fixture
def airflow_page(airflow_template, tmp_path):
    """The Airflow api-server with the `threadline_warehouse` connection naming a lake by a URI with a password."""
    from tests.airflow_harness import Services, airflow_env, copy_home, free_port, simple_auth, wait_http

    with fresh_lake(tmp_path) as lake:
        name = lake.catalog.split("dbname=")[1].split()[0]
        db = f"ducklake:postgres:postgresql://postgres:{LAKE_PW}@127.0.0.1:5432/{name}"
        loaded = pipeline("ingest", str(SEED_TEXT), "--db", db, "--lake-data", str(lake.data), cwd=tmp_path)
        assert loaded.returncode == 0, loaded.stderr
        home = copy_home(airflow_template, tmp_path / "airflow")
        port = free_port()
        environment = airflow_env(home, home / "data",
                                  AIRFLOW_CONN_THREADLINE_WAREHOUSE=json.dumps({"conn_type": "duckdb", "host": db}),
                                  AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
                                  **simple_auth(home, {"analyst": "an-analysts-pass"}))
        services = Services(environment, home / "logs-services")
        proc = services.start("api-server", "api-server", "--port", str(port), "--host", "127.0.0.1",
                              "--workers", "1")
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}/api/v2/monitor/health", 120, proc)
            yield base
        except Exception:
            print(services.tails())
            raise
        finally:
            services.stop()


@pytest.mark.postgres
@pytest.mark.airflow
@pytest.mark.slow
def test_the_airflow_page_shows_the_lake_without_its_password(airflow_page):
    from tests.airflow_harness import token

    headers = {"Authorization": f"Bearer {token(airflow_page, 'analyst', 'an-analysts-pass')}"}
    summary = httpx.get(f"{airflow_page}/threadline/summary.json", headers=headers, timeout=60)
    assert summary.status_code == 200, summary.text
    assert summary.json()["counts"]["articles"] == 1
    assert summary.json()["warehouse"].startswith("ducklake:postgres:postgresql://postgres:***@127.0.0.1:5432/")
    assert_no_secret("summary.json", summary.text)
    shown = httpx.get(f"{airflow_page}/threadline/", headers=headers, timeout=60)
    assert shown.status_code == 200 and "postgres:***@127.0.0.1" in shown.text
    assert_no_secret("the Threadline page", shown.text)
