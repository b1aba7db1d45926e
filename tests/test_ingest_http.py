"""`pipeline ingest` of URLs served by our own server on 127.0.0.1: fetch_log outcomes, incremental runs, the raw
archive and `reparse` with the server down, WARC files as sources."""
from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.runs import ingest, reparse
from tests.fetch_support import Reply, TestServer
from tests.warehouse_rows import rows

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = (ROOT / "seeds" / "seed_article_putin_syria.html").read_bytes()




def page(title: str, paragraph: str) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{paragraph}</p></article></body></html>").encode("utf-8")


def etag_route(server: TestServer, path: str, body: bytes, etag: str) -> None:
    """A page that answers 304 to a request carrying its ETag."""
    def handler(req):
        if req.headers.get("If-None-Match") == etag:
            return Reply(304, b"", headers={"ETag": etag}, content_type=None)
        return Reply(200, body, headers={"ETag": etag})
    server.route(path, handler)


def test_each_fault_ends_in_its_outcome_and_the_rest_of_the_run_loads(server, settings, tmp_path):
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    server.route("/seed", Reply(200, SEED_HTML))
    server.sequence("/flaky", [Reply(503, b"busy"), Reply(200, page("Flaky", "Second time lucky."))])
    server.route("/down", Reply(500, b"broken"))
    server.route("/image", Reply(200, b"\x89PNG....", content_type="image/png"))
    server.route("/huge", Reply(200, iter([b"<p>" + b"x" * 65536] * 40)))  # 2.6 MB streamed, no length
    server.route("/private/page", Reply(200, page("Secret", "Robots said no.")))
    settings = settings.with_overrides({"max_bytes": 1024 * 1024})
    db = tmp_path / "w.duckdb"
    urls = {name: server.url(f"/{name}") for name in ("seed", "flaky", "down", "image", "huge", "private/page")}
    urls["metadata"] = "http://169.254.169.254/latest/meta-data/"
    report = ingest(list(urls.values()), str(db), settings=settings)

    outcomes = dict(rows(db, "SELECT url, arg_max(outcome, attempt) FROM fetch_log GROUP BY url"))
    assert outcomes == {
        urls["seed"]: "ok", urls["flaky"]: "ok", urls["down"]: "retry_exhausted", urls["image"]: "not_html",
        urls["huge"]: "too_large", urls["private/page"]: "blocked_by_robots", urls["metadata"]: "refused",
    }
    assert rows(db, f"SELECT count(*) FROM fetch_log WHERE url = '{urls['flaky']}'") == [(2,)]  # 503, then 200
    causes = dict(rows(db, "SELECT url, arg_max(cause, attempt) FROM fetch_log GROUP BY url"))
    assert all(causes[urls[name]] for name in ("down", "image", "huge", "private/page", "metadata"))
    assert report.status == "partial" and len(report.failed) == 5
    assert rows(db, "SELECT count(*) FROM social_posts") == [(2,)]  # the seed's tweets loaded
    assert {r[0] for r in rows(db, "SELECT title FROM articles")} == \
        {"Putin urges Israel to withdraw from Syria as Russia regroups", "Flaky"}


def test_a_second_run_over_unchanged_pages_gets_only_304s_and_writes_no_content(server, settings, tmp_path):
    etag_route(server, "/seed", SEED_HTML, '"v1"')
    etag_route(server, "/other", page("Other", "Another page."), '"o1"')
    db = tmp_path / "w.duckdb"
    urls = [server.url("/seed"), server.url("/other")]
    ingest(urls, str(db), settings=settings)
    content_before = rows(db, "SELECT * FROM articles ORDER BY article_id")
    first_requests = len(server.requests)

    second = ingest(urls, str(db), settings=settings)
    conditional = server.requests[first_requests:]
    assert [r.headers.get("If-None-Match") for r in conditional if r.path != "/robots.txt"] == ['"v1"', '"o1"']
    assert rows(db, f"SELECT outcome, http_status FROM fetch_log WHERE run_id = '{second.run_id}'") == \
        [("not_modified", 304), ("not_modified", 304)]
    assert rows(db, "SELECT * FROM articles ORDER BY article_id") == content_before  # not even last_seen_at
    assert rows(db, f"SELECT count(*) FROM run_table_counts WHERE run_id = '{second.run_id}' "
                    f"AND (inserted > 0 OR updated > 0 OR unchanged > 0)") == [(0,)]
    assert [s.line() for s in second.sources] == [f"ok     {u}: not modified, not parsed again" for u in urls]


def test_an_unchanged_body_without_validators_is_not_parsed_again(server, settings, tmp_path):
    server.route("/plain", Reply(200, page("Plain", "No validators here.")))
    db = tmp_path / "w.duckdb"
    ingest([server.url("/plain")], str(db), settings=settings)
    second = ingest([server.url("/plain")], str(db), settings=settings)
    assert rows(db, f"SELECT outcome FROM fetch_log WHERE run_id = '{second.run_id}'") == [("unchanged",)]


@pytest.mark.parametrize("charset, lie, word", [
    ("windows-1256", "iso-8859-1", "القدس"),
    ("shift_jis", "utf-8", "東京"),
])
def test_a_page_with_a_lying_charset_header_decodes_right(server, settings, tmp_path, charset, lie, word):
    text = f"{word}: " + ("خبر عاجل من المدينة اليوم. " if charset == "windows-1256" else "今日のニュースです。") * 20
    body = (f"<html><head><title>{word}</title></head><body><article><p>{text}</p></article></body></html>"
            .encode(charset))
    server.route("/news", Reply(200, body, content_type=f"text/html; charset={lie}"))
    db = tmp_path / "w.duckdb"
    ingest([server.url("/news")], str(db), settings=settings)
    assert word in rows(db, "SELECT body_text FROM articles")[0][0]


def test_reparse_reproduces_the_rows_from_the_archive_with_the_server_down(settings, tmp_path):
    srv = TestServer()
    srv.route("/seed", Reply(200, SEED_HTML))
    srv.route("/other", Reply(200, page("Other", "“We will return,” the mayor said.")))
    first = tmp_path / "first" / "w.duckdb"
    ingest([srv.url("/seed"), srv.url("/other")], str(first), settings=settings)
    srv.close()  # from here on nothing answers

    second = tmp_path / "second" / "w.duckdb"
    shutil.copytree(first.parent / "archive", second.parent / "archive")
    report = reparse(str(second), since=datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert report.status == "ok" and len(report.sources) == 2
    when_and_where = {"articles": "source, ", "update_items": "revised_at, "}  # where it was read from, and when
    for table in ("articles", "social_posts", "update_items", "article_posts", "post_entities", "quotes"):
        content = f"SELECT * EXCLUDE ({when_and_where.get(table, '')}first_seen_at, last_seen_at) FROM {table} ORDER BY ALL"
        assert rows(second, content) == rows(first, content), table


def test_a_warc_gz_with_several_responses_ingests(tmp_path):
    """A WARC as web archives write it (warcio, no metadata records of ours), e.g. from Common Crawl's news crawl."""
    warc = tmp_path / "crawl.warc.gz"
    bodies = {"https://news.example/1": SEED_HTML, "https://news.example/2": page("Second", "Two."),
              "https://news.example/3": page("Third", "Three.")}
    with open(warc, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, (url, body) in enumerate(bodies.items()):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-12-19T1{number}:00:00Z"}))
    db = tmp_path / "w.duckdb"
    report = ingest([str(warc)], str(db))
    assert report.status == "ok" and len(report.sources) == 3
    assert sorted(rows(db, "SELECT url, title, last_seen_at FROM articles")) == [
        ("https://news.example/1", "Putin urges Israel to withdraw from Syria as Russia regroups",
         datetime(2024, 12, 19, 10, tzinfo=timezone.utc)),
        ("https://news.example/2", "Second", datetime(2024, 12, 19, 11, tzinfo=timezone.utc)),
        ("https://news.example/3", "Third", datetime(2024, 12, 19, 12, tzinfo=timezone.utc)),
    ]
    assert all(source.startswith(f"{warc}#") for (source,) in rows(db, "SELECT source FROM articles"))
    assert rows(db, "SELECT count(*) FROM social_posts") == [(2,)]
