"""The commands beside `ingest` and `stats` on a DuckLake (a fresh catalog database per test, tests/lakes.py):
conditional fetches from the lake's validators, `reparse` from the raw archive, `report`, and `export` as Parquet or
as one DuckDB file."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from pipeline.runs import ingest, reparse
from pipeline.store import FetchHistory, liveblog_facts, posts_to_enrich
from tests.commands import pipeline
from tests.fetch_support import Reply, TestServer
from tests.lakes import fresh_lake
from tests.warehouse_rows import rows

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = ROOT / "seeds" / "seed_article_putin_syria.html"
CONTENT_TABLES = ["articles", "social_posts", "update_items", "article_posts", "post_entities", "quotes"]


def _for_commands(lake, tmp_path, monkeypatch):
    """The lake named with a password (trust authentication ignores it; it must not show anywhere), a raw archive for
    its runs, and fetching allowed from this machine's test servers."""
    lake.db += " password=secret"
    monkeypatch.setenv("THREADLINE_DB", lake.db)
    monkeypatch.setenv("THREADLINE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("THREADLINE_FETCH_ALLOW_NETWORKS", "127.0.0.1/32")
    monkeypatch.setenv("THREADLINE_FETCH_MIN_DELAY", "0")
    return lake


@pytest.fixture
def lake(lake, tmp_path, monkeypatch):
    return _for_commands(lake, tmp_path, monkeypatch)


@pytest.fixture
def new_lake(new_lake, tmp_path, monkeypatch):
    return _for_commands(new_lake, tmp_path, monkeypatch)


def page(title: str, paragraph: str) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{paragraph}</p></article></body></html>").encode("utf-8")


def etag_route(server: TestServer, path: str, body: bytes, etag: str) -> None:
    def handler(req):
        if req.headers.get("If-None-Match") == etag:
            return Reply(304, b"", headers={"ETag": etag}, content_type=None)
        return Reply(200, body, headers={"ETag": etag})
    server.route(path, handler)


@pytest.mark.postgres
def test_the_read_helpers_give_nothing_before_the_lake_exists_and_the_warehouse_after(new_lake, tmp_path):
    lake = new_lake
    assert FetchHistory(lake.db).validators(["https://example.org/"]) == {}
    assert liveblog_facts(lake.db, ["https://example.org/"]) == {}
    assert posts_to_enrich(lake.db, recheck_before=datetime.now(timezone.utc), limit=10) == []
    assert FetchHistory(str(tmp_path / "none.duckdb")).validators(["https://example.org/"]) == {}  # a file: as before
    assert posts_to_enrich(tmp_path / "none.duckdb", recheck_before=datetime.now(timezone.utc), limit=10) == []

    ingest([str(SEED_HTML)], lake.warehouse)
    assert posts_to_enrich(lake.warehouse, recheck_before=datetime.now(timezone.utc), limit=10)


@pytest.mark.postgres
def test_a_second_ingest_into_a_lake_sends_a_conditional_request_and_gets_not_modified(lake, server):
    etag_route(server, "/seed", SEED_HTML.read_bytes(), '"v1"')
    etag_route(server, "/other", page("Other", "Another page."), '"o1"')
    urls = [server.url("/seed"), server.url("/other")]
    first = ingest(urls, lake.warehouse)
    assert first.status == "ok", [s.line() for s in first.sources]
    assert set(FetchHistory(lake.db).validators(urls)) == set(urls)
    content_before = rows(lake.db, "SELECT * FROM articles ORDER BY article_id")
    first_requests = len(server.requests)

    second = ingest(urls, lake.warehouse)
    conditional = [r for r in server.requests[first_requests:] if r.path != "/robots.txt"]
    assert sorted(r.headers.get("If-None-Match") for r in conditional) == ['"o1"', '"v1"']
    assert rows(lake.db, f"SELECT outcome, http_status FROM fetch_log WHERE run_id = '{second.run_id}'") == \
        [("not_modified", 304), ("not_modified", 304)]
    assert rows(lake.db, "SELECT * FROM articles ORDER BY article_id") == content_before
    assert [s.line() for s in second.sources] == [f"ok     {u}: not modified, not parsed again" for u in urls]


@pytest.mark.postgres
def test_reparse_on_a_lake_reloads_from_the_archive_with_the_server_down(lake, tmp_path):
    srv = TestServer()
    srv.route("/seed", Reply(200, SEED_HTML.read_bytes()))
    srv.route("/other", Reply(200, page("Other", "“We will return,” the mayor said.")))
    ingest([srv.url("/seed"), srv.url("/other")], lake.warehouse)
    srv.close()  # from here on nothing answers

    with fresh_lake(tmp_path / "second") as second:
        report = reparse(second.warehouse, since=datetime(2000, 1, 1, tzinfo=timezone.utc))
        assert report.status == "ok" and len(report.sources) == 2
        when_and_where = {"articles": "source, ", "update_items": "revised_at, "}
        for table in CONTENT_TABLES:
            content = (f"SELECT * EXCLUDE ({when_and_where.get(table, '')}first_seen_at, last_seen_at) "
                       f"FROM {table} ORDER BY ALL")
            assert rows(second.db, content) == rows(lake.db, content), table
        assert rows(second.db, "SELECT command, status FROM ingest_runs") == [("reparse", "ok")]

    # The CLI on the first lake: the same responses again, nothing new, every row still one row.
    before = {t: rows(lake.db, f"SELECT count(*) FROM {t}")[0][0] for t in CONTENT_TABLES}
    done = pipeline("reparse", "--since", "2000-01-01", "--db", lake.db, "--lake-data", str(lake.data),
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 sources: 2 loaded, 0 failed" in done.stdout
    assert {t: rows(lake.db, f"SELECT count(*) FROM {t}")[0][0] for t in CONTENT_TABLES} == before


@pytest.mark.postgres
def test_report_and_export_work_on_a_lake(new_lake, tmp_path):
    lake = new_lake
    missing = pipeline("report", "--db", lake.db, "--out", str(tmp_path / "r0"), cwd=tmp_path)
    assert missing.returncode == 1 and "no lake" in missing.stderr  # not created empty by the views' writer

    ingest([str(SEED_HTML), str(ROOT / "seeds" / "seed_article_putin_syria.txt")], lake.warehouse)
    done = pipeline("report", "--db", lake.db, "--lake-data", str(lake.data), "--out", str(tmp_path / "report"),
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "report" / "index.html").read_text()
    assert "<b>2</b>pages" in html and "<b>2</b>posts" in html and "<b>4</b>embeds" in html
    assert "secret" not in html

    done = pipeline("export", "--format", "duckdb", "--db", lake.db, "--lake-data", str(lake.data),
                    "--out", str(tmp_path / "export"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    exported = tmp_path / "export" / "threadline.duckdb"
    lake_counts = {t: rows(lake.db, f"SELECT count(*) FROM {t}")[0][0] for t in CONTENT_TABLES}
    con = duckdb.connect(str(exported), read_only=True)
    try:
        assert {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CONTENT_TABLES} == lake_counts
        assert con.execute("SELECT count(*) FROM report_pages").fetchone()[0] == lake_counts["articles"]
        assert con.execute("SELECT DISTINCT constraint_type FROM duckdb_constraints() WHERE table_name = 'articles'"
                           ).fetchall() == [("NOT NULL",)]  # the file's schema: no keys (the load keeps them unique)
    finally:
        con.close()
    assert f"articles {lake_counts['articles']} rows" in " ".join(done.stdout.split())

    done = pipeline("export", "--db", lake.db, "--out", str(tmp_path / "parquet"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "parquet" / "articles").rglob("*.parquet"))) >= 1


@pytest.mark.postgres
def test_enrich_on_a_lake_asks_about_unchecked_posts_once_and_marks_gone_ones(lake, server):
    import json

    from pipeline.enrich import EnrichSettings
    from pipeline.fetch.fetch_settings import settings_from_environment
    from pipeline.runs import enrich

    new_arab = "1869739994848011185"

    def oembed(req):
        if new_arab in req.path:
            html = '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Thread text</p></blockquote>'
            return Reply(200, json.dumps({"html": html, "author_name": "The New Arab"}).encode(),
                         content_type="application/json")
        return Reply(404, b'{"error":"No status found with that ID."}', content_type="application/json")

    server.route("/oembed", oembed)
    ingest([str(SEED_HTML)], lake.warehouse)
    endpoints = EnrichSettings(x_oembed_url=server.url("/oembed"), fetch=settings_from_environment())
    now = datetime.now(timezone.utc)
    report = enrich(lake.warehouse, settings=endpoints, now=now)
    assert report.status == "ok" and len(report.sources) == 2
    assert sorted(rows(lake.db, "SELECT status FROM social_posts")) == [("ok",), ("unavailable",)]
    asked = len(server.hits("/oembed"))
    enrich(lake.warehouse, settings=endpoints, now=now)  # nothing due: read from the lake
    assert len(server.hits("/oembed")) == asked
    assert rows(lake.db, "SELECT count(*) FROM social_posts") == [(2,)]
