"""The fetcher against our own servers: each fault provoked, its outcome and cause asserted."""
from __future__ import annotations

import dataclasses
import gzip
import time
import tracemalloc
import zlib

import pytest

from pipeline.fetch import Fetcher, Validators
from tests.fetch_support import Reply, Req, TestServer

PAGE = b"<!doctype html><html><head><title>Live</title></head><body><p>Hello world</p></body></html>"


def test_ok_page_gives_document_with_final_url_and_user_agent(server, settings):
    server.route("/old", Reply(301, headers={"Location": "/article"}))
    server.route("/article", Reply(body=PAGE, headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert result.outcome == "ok"
    doc = result.document
    assert doc.kind == "html" and "Hello world" in doc.content
    assert doc.url == server.url("/article") and doc.source == server.url("/old")
    assert doc.fetched_at.tzinfo is not None
    [record] = result.records
    assert record.http_status == 200 and record.bytes == len(PAGE) and record.cause is None
    assert record.final_url == server.url("/article") and record.etag == '"v1"'
    assert result.validators == Validators('"v1"', "Wed, 01 Jan 2025 00:00:00 GMT", record.content_hash)
    agent = server.hits("/article")[0].headers["User-Agent"]
    assert agent.startswith("Threadline/") and "https://threadline.test/contact" in agent


def test_retries_then_success(server, settings):
    server.sequence("/flaky", [Reply(503, b"busy"), Reply(502, b"bad gateway"), Reply(body=PAGE)])
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/flaky"))
    assert [r.outcome for r in result.records] == ["error", "error", "ok"]
    assert [r.attempt for r in result.records] == [1, 2, 3]
    assert "HTTP 503" in result.records[0].cause and "retrying" in result.records[0].cause
    assert result.document is not None


def test_retry_exhausted_after_max_retries(server, settings):
    server.route("/down", Reply(500, b"oops"))
    with Fetcher(dataclasses.replace(settings, max_retries=2)) as fetcher:
        result = fetcher.fetch(server.url("/down"))
    assert [r.outcome for r in result.records] == ["error", "error", "retry_exhausted"]
    assert "HTTP 500" in result.cause and "gave up after 3 attempts" in result.cause
    assert len(server.hits("/down")) == 3 and result.document is None


def test_connection_refused_is_retried_then_host_remembered_as_down(settings):
    idle = TestServer()
    url = idle.url("/x")
    idle.close()  # nothing listens on that port any more
    with Fetcher(settings) as fetcher:
        first = fetcher.fetch(url)
        second = fetcher.fetch(url)
    assert first.outcome == "retry_exhausted" and "could not connect" in first.cause
    assert len(first.records) == settings.max_retries + 1
    assert second.outcome == "error" and len(second.records) == 1
    assert "remembered as unreachable" in second.cause


def test_read_timeout_is_retried(server, settings):
    server.sequence("/slow", [Reply(body=PAGE, delay=1.0), Reply(body=PAGE)])
    with Fetcher(dataclasses.replace(settings, read_timeout=0.3)) as fetcher:
        result = fetcher.fetch(server.url("/slow"))
    assert [r.outcome for r in result.records] == ["error", "ok"]
    assert "no response within" in result.records[0].cause


def test_retry_after_is_honoured(server, settings):
    server.sequence("/limited", [Reply(429, b"slow down", headers={"Retry-After": "1"}), Reply(body=PAGE)])
    with Fetcher(settings) as fetcher:
        start = time.monotonic()
        result = fetcher.fetch(server.url("/limited"))
        waited = time.monotonic() - start
    assert [r.outcome for r in result.records] == ["error", "ok"]
    assert "HTTP 429" in result.records[0].cause and "Retry-After 1" in result.records[0].cause
    assert waited >= 0.9  # the second request did not start before the server allowed it
    first, second = server.hits("/limited")


def test_retry_after_longer_than_allowed_ends_the_fetch(server, settings):
    server.route("/later", Reply(503, b"maintenance", headers={"Retry-After": "3600"}))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/later"))
    [record] = result.records
    assert record.outcome == "retry_exhausted" and "wait 3600 s" in record.cause
    assert len(server.hits("/later")) == 1


def test_too_large_streamed_body_is_cut_off(server, settings):
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
    server.route("/huge", Reply(body=(chunk for _ in range(50 * 1024 * 1024 // len(chunk)))))  # 50 MB, chunked
    with Fetcher(dataclasses.replace(settings, max_bytes=1024 * 1024)) as fetcher:
        result = fetcher.fetch(server.url("/huge"))
    [record] = result.records
    assert record.outcome == "too_large" and "larger than max_bytes" in record.cause
    assert record.bytes == 1024 * 1024 and result.document is None


def test_too_large_announced_length_is_not_downloaded(server, settings):
    server.route("/big", Reply(body=b"x" * 2_000_000))
    with Fetcher(dataclasses.replace(settings, max_bytes=1_000_000)) as fetcher:
        result = fetcher.fetch(server.url("/big"))
    assert result.outcome == "too_large" and "announces 2,000,000 bytes" in result.cause


def test_gzip_bomb_is_cut_off_without_inflating_it(server, settings):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    zeros = b"\0" * (1024 * 1024)
    bomb = b"".join(compressor.compress(zeros) for _ in range(200)) + compressor.flush()  # 200 MB → ~200 KB
    assert len(bomb) < 1024 * 1024
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    with Fetcher(dataclasses.replace(settings, max_bytes=2 * 1024 * 1024)) as fetcher:
        result = fetcher.fetch(server.url("/bomb"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.outcome == "too_large" and "after decompression" in result.cause
    assert result.records[0].bytes == 2 * 1024 * 1024
    assert peak < 40 * 1024 * 1024  # never near the 200 MB the bomb inflates to


def test_gzip_body_is_decompressed(server, settings):
    server.route("/gz", Reply(body=gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/gz"))
    assert result.outcome == "ok" and result.body == PAGE


def test_not_html_is_not_downloaded(server, settings):
    server.route("/photo.jpg", Reply(body=b"\xff\xd8" + b"\0" * 100_000, content_type="image/jpeg"))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/photo.jpg"))
    [record] = result.records
    assert record.outcome == "not_html" and "image/jpeg" in record.cause and result.document is None


def test_json_expected_accepts_json(server, settings):
    server.route("/api", Reply(body=b'{"a": 1}', content_type="application/json"))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/api"), expect="json")
        as_html = fetcher.fetch(server.url("/api"))
    assert result.outcome == "ok" and result.text == '{"a": 1}' and result.document is None
    assert as_html.outcome == "not_html"


def test_redirect_loop_is_detected(server, settings):
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(302, headers={"Location": "/a"}))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/a"))
    [record] = result.records
    assert record.outcome == "error" and "redirect loop" in record.cause
    assert len(server.hits("/a")) == 1 and len(server.hits("/b")) == 1


def test_redirect_cap(server, settings):
    for n in range(10):
        server.route(f"/r{n}", Reply(302, headers={"Location": f"/r{n + 1}"}))
    with Fetcher(dataclasses.replace(settings, max_redirects=3)) as fetcher:
        result = fetcher.fetch(server.url("/r0"))
    assert result.outcome == "error" and "more than 3 redirects" in result.cause
    assert len(server.hits("/r4")) == 0


def test_robots_disallow_blocks_and_is_cached(server, settings):
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n\nUser-agent: Threadline\nDisallow: /private\n",
                                      content_type="text/plain"))
    server.route("/private/page", Reply(body=PAGE))
    server.route("/public", Reply(body=PAGE))
    with Fetcher(settings) as fetcher:
        blocked = fetcher.fetch(server.url("/private/page"))
        allowed = fetcher.fetch(server.url("/public"))
    assert blocked.outcome == "blocked_by_robots" and "disallows /private/page" in blocked.cause
    assert allowed.outcome == "ok"  # our own group applies, not the catch-all
    assert server.hits("/private/page") == [] and len(server.hits("/robots.txt")) == 1


def test_robots_unreachable_means_disallow_all(server, settings):
    server.route("/robots.txt", Reply(503, b"down"))
    server.route("/page", Reply(body=PAGE))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/page"))
    assert result.outcome == "blocked_by_robots" and "HTTP 503" in result.cause
    assert server.hits("/page") == []


def test_robots_missing_allows_everything(server, settings):
    server.route("/page", Reply(body=PAGE))  # /robots.txt answers 404
    with Fetcher(settings) as fetcher:
        assert fetcher.fetch(server.url("/page")).outcome == "ok"


@pytest.mark.parametrize("url, words", [
    ("http://10.1.2.3/page", "private address"),
    ("http://192.168.0.1/", "private address"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata service"),
    ("http://100.64.0.7/", "CGNAT"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:10.0.0.1]/", "private address"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://224.0.0.1/", "multicast"),
    ("http://0.0.0.0/", "unspecified"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://example.com/", "scheme 'gopher'"),
    ("javascript:alert(1)", "scheme 'javascript'"),
])
def test_guard_refuses_non_public_addresses_and_schemes(url, words, settings):
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(url)
    [record] = result.records
    assert record.outcome == "refused" and words in record.cause and record.http_status is None


def test_guard_refuses_a_name_resolving_to_loopback_at_connect_time(server, settings):
    server.route("/page", Reply(body=PAGE))
    strict = dataclasses.replace(settings, allow_networks=())
    with Fetcher(strict) as fetcher:
        result = fetcher.fetch(f"http://localhost:{server.port}/page", obey_robots=False)
    assert result.outcome == "refused" and "loopback" in result.cause
    assert server.requests == []  # nothing was sent: the check is on the address connected to


def test_guard_refuses_redirect_to_loopback(server, settings):
    server.route("/jump", Reply(302, headers={"Location": f"http://127.0.0.2:{server.port}/admin"}))
    server.route("/meta", Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    with Fetcher(settings) as fetcher:
        loop = fetcher.fetch(server.url("/jump"))
        meta = fetcher.fetch(server.url("/meta"))
    assert loop.outcome == "refused" and "redirected from" in loop.cause and "127.0.0.2" in loop.cause
    assert meta.outcome == "refused" and "metadata" in meta.cause
    assert server.hits("/admin") == []


def test_conditional_request_gives_not_modified(server, settings):
    def handler(req: Req) -> Reply:
        if req.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", headers={"ETag": '"v1"'}, content_type=None)
        return Reply(body=PAGE, headers={"ETag": '"v1"'})

    server.route("/feed", handler)
    known = Validators(etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT", content_hash="abc")
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/feed"), validators=known)
    [record] = result.records
    assert record.outcome == "not_modified" and record.http_status == 304 and result.document is None
    sent = server.hits("/feed")[0].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.validators == known


def test_unchanged_body_hash_gives_no_document(server, settings):
    server.route("/live", Reply(body=PAGE))
    with Fetcher(settings) as fetcher:
        first = fetcher.fetch(server.url("/live"))
        second = fetcher.fetch(server.url("/live"), validators=first.validators)
    assert first.outcome == "ok"
    assert second.outcome == "unchanged" and second.document is None and second.body is None
    assert second.records[0].content_hash == first.records[0].content_hash


ARABIC = "<html><head><title>أخبار</title></head><body><h1>السلام عليكم</h1><p>قال الرئيس الروسي فلاديمير بوتين إن على " \
         "إسرائيل سحب قواتها من سوريا، في خطوة تهدف إلى تعزيز الاستقرار في المنطقة.</p></body></html>"
JAPANESE = "<html><head><title>ニュース</title></head><body><h1>東京の天気</h1><p>日本語のニュース記事です。東京では今日、" \
           "晴れのち曇りの予報です。政府は新しい政策を発表しました。</p></body></html>"


@pytest.mark.parametrize("text, encoding, label, word", [
    (ARABIC, "windows-1256", "utf-8", "السلام"),
    (ARABIC, "windows-1256", "iso-8859-1", "السلام"),
    (JAPANESE, "shift_jis", "iso-8859-1", "東京"),
    (JAPANESE, "shift_jis", "utf-8", "東京"),
    ("<html><body><p>Le président a déclaré à la télévision française qu'il était très ému.</p></body></html>",
     "iso-8859-1", "iso-8859-1", "président"),
])
def test_lying_charset_header_is_corrected(server, settings, text, encoding, label, word):
    server.route("/page", Reply(body=text.encode(encoding), content_type=f"text/html; charset={label}"))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/page"))
    assert word in result.document.content


def test_meta_charset_is_used_without_header_charset(server, settings):
    body = ('<html><head><meta charset="windows-1256"></head><body>' + ARABIC + "</body></html>").encode("windows-1256")
    server.route("/page", Reply(body=body, content_type="text/html"))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch(server.url("/page"))
    assert "السلام" in result.document.content


def test_fetch_many_returns_every_result(server, settings):
    for n in range(6):
        server.route(f"/p{n}", Reply(body=PAGE))
    with Fetcher(settings) as fetcher:
        results = list(fetcher.fetch_many([server.url(f"/p{n}") for n in range(6)], max_workers=3))
    assert sorted(r.url for r in results) == sorted(server.url(f"/p{n}") for n in range(6))
    assert all(r.outcome == "ok" for r in results)


def test_unknown_host_name_is_an_error_not_retried(settings, monkeypatch):
    import socket

    def no_such_host(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with Fetcher(dataclasses.replace(settings, obey_robots=False)) as fetcher:
        result = fetcher.fetch("http://no-such-host.example/page")
    [record] = result.records
    assert record.outcome == "error" and "does not resolve" in record.cause


def test_decode_body_rules():
    from pipeline.fetch.decode import decode_body

    assert decode_body("\ufeffcafé".encode("utf-8"), "iso-8859-1").text == "café"  # BOM wins
    assert decode_body(b"plain ascii", "shift_jis").encoding == "ascii"
    utf8 = decode_body("Grüße".encode("utf-8"), "iso-8859-1")
    assert utf8.text == "Grüße" and "UTF-8" in utf8.note  # valid UTF-8 beats a latin-1 label


def test_outcomes_are_the_contracts_strings():
    """The Outcome enum and the contract's list of fetch_log outcomes are the same set; a record takes a plain string
    of one of them and refuses anything else, so a typo cannot reach fetch_log."""
    import re
    from datetime import datetime, timezone
    from pathlib import Path

    from pipeline.model import FetchRecord, Outcome

    contract = (Path(__file__).resolve().parents[1] / "docs" / "contract.md").read_text(encoding="utf-8")
    row = next(line for line in contract.splitlines() if line.startswith("| `fetch_log`"))
    listed = re.search(r"`outcome` \(([^)]*)\)", row).group(1)
    assert {value.strip(" `") for value in listed.split(",")} == {o.value for o in Outcome}
    now = datetime.now(timezone.utc)
    record = FetchRecord(url="https://x.test/", outcome="not_modified", fetched_at=now)
    assert record.outcome is Outcome.NOT_MODIFIED and record.outcome == "not_modified"
    with pytest.raises(ValueError, match="'not_htm'"):
        FetchRecord(url="https://x.test/", outcome="not_htm", fetched_at=now)
