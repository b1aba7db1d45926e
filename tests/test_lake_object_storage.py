"""A DuckLake whose Parquet data lives in S3-compatible object storage (`--lake-data s3://bucket/prefix/`), for hosts
that share no folder: the catalog in this machine's PostgreSQL (a fresh database per test, tests/lakes.py), the data
in an S3 server of ours on 127.0.0.1 (tests/s3_server.py), credentials from the standard AWS_* variables."""
from __future__ import annotations

import secrets
from pathlib import Path

import duckdb
import pytest

from pipeline.store import maintain
from pipeline.store.backend import LakeUnavailable, _wheel_extension, object_store_secret
from tests.commands import pipeline
from tests.lakes import fresh_lake
from tests.s3_server import s3_server
from tests.warehouse_rows import rows

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = ROOT / "seeds" / "seed_article_putin_syria.html"
SEED_TEXT = ROOT / "seeds" / "seed_article_putin_syria.txt"
CONTENT_TABLES = ["articles", "social_posts", "update_items", "article_posts", "post_entities", "quotes"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def lake(tmp_path, store, monkeypatch):
    """A fresh catalog database and a fresh bucket; this process and the commands it starts see the store's AWS_*."""
    bucket = f"threadline-{secrets.token_hex(4)}"
    store.create_bucket(bucket)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "THREADLINE_DB", "THREADLINE_LAKE_DATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in store.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("THREADLINE_DATA", str(tmp_path / "data"))
    with fresh_lake(tmp_path) as lake:
        lake.bucket = bucket
        lake.data_url = f"s3://{bucket}/warehouse/"
        yield lake


def counts(db: str) -> dict[str, int]:
    return {table: rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in CONTENT_TABLES}


@pytest.mark.postgres
def test_a_lake_in_a_bucket_is_loaded_read_without_naming_the_bucket_exported_and_kept_through_upkeep(
        lake, store, tmp_path):
    done = pipeline("ingest", str(SEED_HTML), str(SEED_TEXT), "--db", lake.db, "--lake-data", lake.data_url,
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 sources: 2 loaded, 0 failed" in done.stdout

    parquet = [key for key in store.keys(lake.bucket) if key.endswith(".parquet")]
    assert parquet and all(key.startswith("warehouse/main/") for key in parquet), parquet
    assert not lake.data.exists(), "nothing written to a local data folder"

    # A reader on another host names only the catalog: the bucket comes from the catalog, the keys from AWS_*.
    stats = pipeline("stats", "--db", lake.db, cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert "social_posts               2" in stats.stdout
    loaded = counts(lake.db)
    assert loaded["articles"] == 2 and loaded["social_posts"] == 2 and loaded["quotes"] >= 1
    assert rows(lake.db, "SELECT author_handle FROM social_posts ORDER BY 1") == [("The_NewArab",),
                                                                                 ("anadoluagency",)]

    exported = pipeline("export", "--format", "duckdb", "--db", lake.db, "--out", str(tmp_path / "export"),
                        cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    con = duckdb.connect(str(tmp_path / "export" / "threadline.duckdb"), read_only=True)
    try:
        assert {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CONTENT_TABLES} == loaded
    finally:
        con.close()

    done = maintain(lake.db, retention=0)
    assert done, "the upkeep ran its steps"
    assert counts(lake.db) == loaded
    after = {key for key in store.keys(lake.bucket) if key.endswith(".parquet")}
    assert after and after != set(parquet), "files merged and the ones only expired snapshots used deleted"

    again = pipeline("ingest", str(SEED_HTML), "--db", lake.db, cwd=tmp_path)  # a writer that names only the catalog
    assert again.returncode == 0, again.stderr
    assert counts(lake.db) == loaded


@pytest.mark.postgres
def test_a_store_that_cannot_be_reached_fails_the_load_with_its_cause_and_keeps_what_was_loaded(lake, tmp_path):
    first = pipeline("ingest", str(SEED_TEXT), "--db", lake.db, "--lake-data", lake.data_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = counts(lake.db)

    closed = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # the discard port: nothing listens there
    failed = pipeline("ingest", str(SEED_HTML), "--db", lake.db, cwd=tmp_path, env=closed)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "(1 page: " in failed.stderr and "seed_article_putin_syria.html) was not loaded" in failed.stderr
    assert "Could not connect" in failed.stderr and "127.0.0.1:9" in failed.stderr  # the cause, with the address
    assert counts(lake.db) == before  # the lake is at the snapshot before the failed run
    assert rows(lake.db, "SELECT status FROM ingest_runs ORDER BY started_at") == [("ok",), ("failed",)]

    report = pipeline("report", "--db", lake.db, "--out", str(tmp_path / "report"), env=closed)
    assert report.returncode == 1 and "Traceback" not in report.stderr
    assert report.stderr.startswith("pipeline report: ducklake:postgres:") and "127.0.0.1:9" in report.stderr


@pytest.mark.postgres
def test_missing_credentials_are_named_before_anything_is_written(lake, tmp_path):
    env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    failed = pipeline("ingest", str(SEED_TEXT), "--db", lake.db, "--lake-data", lake.data_url, cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in failed.stderr and lake.data_url in failed.stderr
    assert "Traceback" not in failed.stderr


def secret_of(statement: str) -> dict[str, str]:
    """What DuckDB made of a CREATE SECRET statement: its (redacted) settings and its scopes."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute(f"LOAD '{_wheel_extension('duckdb_extension_httpfs', 'httpfs.duckdb_extension')}'")
        con.execute(statement)
        scope, text = con.execute("SELECT scope, secret_string FROM duckdb_secrets() "
                                  "WHERE name = 'threadline_lake_data'").fetchone()
    finally:
        con.close()
    settings = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    return {**settings, "scopes": scope}


def test_the_secret_follows_the_standard_aws_variables():
    aws = secret_of(object_store_secret("s3://news-lake/warehouse/", {
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_DEFAULT_REGION": "eu-central-1"}))
    assert aws["scopes"] == ["s3://news-lake"] and aws["region"] == "eu-central-1" and aws["key_id"] == "AKIAEXAMPLE"
    assert "s3cr3t" not in str(aws) and aws.get("url_style", "") in ("", "vhost")  # AWS itself: virtual-host URLs

    minio = secret_of(object_store_secret("s3://news-lake/", {
        "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "eu-central-1", "AWS_ENDPOINT_URL": "https://other:1",
        "AWS_ENDPOINT_URL_S3": "http://minio:9000/"}))
    assert minio["endpoint"] == "minio:9000" and minio["use_ssl"] == "false" and minio["url_style"] == "path"
    assert minio["region"] == "us-west-2"  # AWS_REGION before AWS_DEFAULT_REGION, the S3 endpoint before the general


@pytest.mark.parametrize("data, env, message", [
    ("s3:///prefix/", {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "names no bucket"),
    ("s3://lake/", {"AWS_ACCESS_KEY_ID": "k"}, "set AWS_SECRET_ACCESS_KEY"),
    ("s3://lake/", {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL": "ftp://x"},
     "is not a store's address"),
])
def test_a_store_setting_that_cannot_work_is_refused_with_what_to_write(data, env, message):
    with pytest.raises(LakeUnavailable, match=message):
        object_store_secret(data, env)
