"""Discovery: the source list, RSS, Atom, news sitemaps and sitemap indexes, filtered to a data interval."""
from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.discover import (Source, SourceListError, discover_source_pages, load_sources, page_still_live,
                               parse_feed, parse_sitemap, still_live)
from pipeline.fetch import Fetcher, Validators
from pipeline.model import Page, UpdateItem
from tests.fetch_support import Reply, Req

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
START, END = datetime(2024, 8, 5, tzinfo=UTC), datetime(2024, 8, 6, tzinfo=UTC)

# Shaped like the Guardian's RSS 2.0 feeds (dc:date alongside pubDate, relative link in one item for the test).
RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>World news</title><link>https://news.example/world</link>
<item><title>Before the interval</title><link>https://news.example/a?utm_source=rss</link>
  <pubDate>Sun, 04 Aug 2024 23:59:59 GMT</pubDate></item>
<item><title>In the interval</title><link>https://news.example/b</link>
  <pubDate>Mon, 05 Aug 2024 21:00:18 +0100</pubDate></item>
<item><title>Relative, undated</title><link>/c</link></item>
<item><title>At the end, excluded</title><link>https://news.example/d</link>
  <pubDate>Tue, 06 Aug 2024 00:00:00 GMT</pubDate></item>
<item><title>Same page again, tracked</title><link>https://news.example/b?utm_medium=social</link>
  <pubDate>Mon, 05 Aug 2024 22:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Live</title><id>urn:x</id><updated>2024-08-05T12:00:00Z</updated>
<entry><title>Updated only</title><id>urn:1</id><link rel="alternate" href="https://live.example/1"/>
  <updated>2024-08-05T12:00:00+02:00</updated></entry>
<entry><title>Published wins</title><id>urn:2</id><link href="https://live.example/2"/>
  <published>2024-08-04T10:00:00Z</published><updated>2024-08-05T10:00:00Z</updated></entry>
<entry><title>Ünïcode tïtle</title><id>https://live.example/3</id>
  <published>2024-08-05T00:00:00Z</published></entry>
</feed>""".encode("utf-8")

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/n1</loc><news:news><news:publication><news:name>Ex</news:name>
  <news:language>en</news:language></news:publication><news:publication_date>2024-08-05T08:00:00+00:00</news:publication_date>
  <news:title>N1</news:title></news:news></url>
<url><loc>https://news.example/n2</loc><lastmod>2024-08-03</lastmod></url>
<url><loc>https://news.example/n3</loc></url>
</urlset>"""


def _index(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-new.xml.gz</loc><lastmod>2024-08-05T23:00:00Z</lastmod></sitemap>
<sitemap><loc>{base}/sitemap-old.xml</loc><lastmod>2024-07-01T00:00:00Z</lastmod></sitemap>
</sitemapindex>""".encode()


def test_rss_entries_filtered_to_interval(server, settings):
    server.route("/rss", Reply(body=RSS, content_type="application/rss+xml"))
    source = Source("ex-rss", "feed", server.url("/rss"))
    with Fetcher(settings) as fetcher:
        found = discover_source_pages(source, fetcher, START, END)
    assert found.ok and [r.outcome for r in found.records] == ["ok"]
    assert [(e.url, e.published_at) for e in found.entries] == [
        ("https://news.example/b", datetime(2024, 8, 5, 20, 0, 18, tzinfo=UTC)),
        (server.url("/c"), None),  # relative link made absolute; no date, so kept
    ]
    assert found.entries[0].source == "ex-rss" and found.entries[0].title == "In the interval"


def test_rss_conditional_fetch_gives_no_entries_and_no_problem(server, settings):
    def handler(req: Req) -> Reply:
        if req.headers.get("If-None-Match") == '"f1"':
            return Reply(304, b"", content_type=None)
        return Reply(body=RSS, content_type="application/rss+xml", headers={"ETag": '"f1"'})

    server.route("/rss", handler)
    source = Source("ex-rss", "feed", server.url("/rss"))
    with Fetcher(settings) as fetcher:
        first = discover_source_pages(source, fetcher, START, END)
        again = discover_source_pages(source, fetcher, START, END, validators=first.validators)
    assert first.validators[server.url("/rss")].etag == '"f1"'
    assert again.ok and again.entries == [] and again.records[0].outcome == "not_modified"


def test_atom_entries_use_published_then_updated():
    entries = parse_feed(ATOM, "https://live.example/feed", "live")
    assert [(e.url, e.published_at) for e in entries] == [
        ("https://live.example/1", datetime(2024, 8, 5, 10, tzinfo=UTC)),
        ("https://live.example/2", datetime(2024, 8, 4, 10, tzinfo=UTC)),
        ("https://live.example/3", datetime(2024, 8, 5, tzinfo=UTC)),
    ]
    assert entries[2].title == "Ünïcode tïtle"


def test_news_sitemap_dates():
    sitemap = parse_sitemap(NEWS_SITEMAP.encode())
    assert [(e.url, e.published_at, e.title) for e in sitemap.entries] == [
        ("https://news.example/n1", datetime(2024, 8, 5, 8, tzinfo=UTC), "N1"),
        ("https://news.example/n2", datetime(2024, 8, 3, tzinfo=UTC), None),
        ("https://news.example/n3", None, None),
    ]


def test_sitemap_index_over_http_skips_stale_children_and_filters(server, settings):
    server.route("/sitemap-index.xml", Reply(body=_index(server.url("").rstrip("/")), content_type="application/xml"))
    server.route("/sitemap-new.xml.gz", Reply(body=gzip.compress(NEWS_SITEMAP.encode()),
                                              content_type="application/x-gzip"))
    server.route("/sitemap-old.xml", Reply(body=NEWS_SITEMAP.encode(), content_type="application/xml"))
    source = Source("ex-sitemap", "sitemap", server.url("/sitemap-index.xml"))
    with Fetcher(settings) as fetcher:
        found = discover_source_pages(source, fetcher, START, END)
    assert found.ok, found.problems
    assert [e.url for e in found.entries] == ["https://news.example/n1", "https://news.example/n3"]
    assert server.hits("/sitemap-old.xml") == []  # unchanged since before the interval: not read
    assert [r.outcome for r in found.records] == ["ok", "ok"]


def test_local_sitemap_index_with_relative_children(tmp_path):
    (tmp_path / "index.xml").write_bytes(b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>day.xml</loc></sitemap></sitemapindex>""")
    (tmp_path / "day.xml").write_bytes(b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>pages/one.html</loc><lastmod>2024-08-05</lastmod></url></urlset>""")
    found = discover_source_pages(Source("local", "sitemap", str(tmp_path / "index.xml")), None, START, END)
    assert found.ok, found.problems
    [entry] = found.entries
    assert entry.kind == "file" and entry.url == str(tmp_path / "pages" / "one.html")
    assert [r.outcome for r in found.records] == ["ok", "ok"]


def test_broken_feed_and_missing_file_are_problems_not_exceptions(server, settings, tmp_path):
    server.route("/rss", Reply(body=b"<html><body>not a feed", content_type="text/html"))
    with Fetcher(settings) as fetcher:
        broken = discover_source_pages(Source("x", "feed", server.url("/rss")), fetcher)
    missing = discover_source_pages(Source("y", "sitemap", str(tmp_path / "nope.xml")), None)
    assert not broken.ok and "not a feed" in broken.problems[0]
    assert not missing.ok and missing.records[0].outcome == "error" and "cannot be read" in missing.records[0].cause


def test_page_liveblog_and_file_sources_pass_through():
    for kind in ("page", "liveblog", "file"):
        found = discover_source_pages(Source("s", kind, "https://news.example/live"), None)
        assert [(e.url, e.kind) for e in found.entries] == [("https://news.example/live", kind)]


def test_source_lists_load(tmp_path):
    offline = load_sources(ROOT / "seeds" / "sources.csv")
    assert [(s.kind, Path(s.location).name) for s in offline] == [
        ("file", "seed_article_putin_syria.txt"), ("file", "seed_article_putin_syria.html")]
    assert Path(offline[0].location).is_file()
    production = load_sources(ROOT / "seeds" / "sources.production.csv")
    assert {s.kind for s in production} >= {"feed", "sitemap", "liveblog"}
    assert all(s.is_remote for s in production)


def test_source_list_per_source_settings_and_errors(tmp_path, settings):
    good = tmp_path / "s.csv"
    good.write_text("name,kind,location,min_delay,obey_robots\nslow,feed,https://x.example/rss,9,\n")
    [source] = load_sources(good)
    assert source.settings(settings).min_delay == 9.0 and source.settings(settings).obey_robots is True
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,location,min_dealy\nx,feed,https://x.example/rss,9\n")
    with pytest.raises(SourceListError, match="unknown column.*min_dealy"):
        load_sources(bad)
    bad.write_text("name,kind,location\nx,podcast,https://x.example/rss\n")
    with pytest.raises(SourceListError, match="kind 'podcast'"):
        load_sources(bad)
    bad.write_text("name,kind,location,max_bytes\nx,feed,https://x.example/rss,lots\n")
    with pytest.raises(SourceListError, match="max_bytes"):
        load_sources(bad)


NOW = datetime(2024, 8, 5, 22, tzinfo=UTC)


def test_liveblog_refetched_while_live():
    assert still_live(now=NOW, is_liveblog=True, last_change=NOW - timedelta(minutes=5)).refetch


def test_liveblog_stops_after_coverage_end():
    decision = still_live(now=NOW, is_liveblog=True, coverage_end=NOW - timedelta(minutes=1),
                          last_change=NOW - timedelta(minutes=2))
    assert not decision.refetch and "coverageEndTime" in decision.reason


def test_liveblog_stops_after_quiet_period():
    decision = still_live(now=NOW, is_liveblog=True, last_change=NOW - timedelta(hours=13))
    assert not decision.refetch and "quiet period" in decision.reason
    assert still_live(now=NOW, is_liveblog=True, coverage_end=NOW + timedelta(days=1),
                      last_change=NOW - timedelta(hours=1)).refetch


def test_liveblog_without_times_uses_first_seen_and_articles_are_read_once():
    assert still_live(now=NOW, is_liveblog=True).refetch
    assert not still_live(now=NOW, is_liveblog=True, first_seen=NOW - timedelta(days=1)).refetch
    assert not still_live(now=NOW, is_liveblog=False).refetch


def test_liveblog_decision_from_parsed_page():
    page = Page(source="x", is_liveblog=True, published_at=NOW - timedelta(days=1), entries=[
        UpdateItem("liveblog_entry", 1, "old", published_at=NOW - timedelta(hours=20)),
        UpdateItem("liveblog_entry", 2, "new", published_at=NOW - timedelta(hours=2)),
    ])
    assert page_still_live(page, NOW).refetch
    assert not page_still_live(page, NOW, quiet=timedelta(hours=1)).refetch
