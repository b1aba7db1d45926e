"""The DAG's stage functions (pipeline/stages/) without Airflow: discovery for an interval, per-source settings,
live blogs that have ended, staging and loading."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from pipeline.batches import load_batches
from pipeline.model import Page, ParseResult
from pipeline.stage import build_batch
from pipeline.stages.discovery import discover_listed_pages
from pipeline.stages.entries import SourceEntry
from pipeline.stages.staging import load_staged, stage_sources
from tests.fetch_support import Reply

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Old</title><link>{base}/old</link><pubDate>Mon, 16 Dec 2024 09:00:00 GMT</pubDate></item>
<item><title>In the interval</title><link>{base}/new</link><pubDate>Thu, 19 Dec 2024 09:00:00 GMT</pubDate></item>
</channel></rss>"""


def write_sources(tmp_path, rows: str):
    path = tmp_path / "sources.csv"
    path.write_text("name,kind,location,quiet_minutes,min_delay\n" + rows, encoding="utf-8")
    return path


def test_discovery_takes_the_feed_entries_of_the_interval_and_keeps_source_settings(server, local_fetching, tmp_path):
    server.route("/feed.xml", Reply(200, FEED.format(base=server.url("")).encode(), content_type="application/rss+xml"))
    csv = write_sources(tmp_path, f"wire,feed,{server.url('/feed.xml')},,2\nseed,file,seed.txt,,\n")
    (tmp_path / "seed.txt").write_text("A paragraph of an article.", encoding="utf-8")
    found = discover_listed_pages(csv, tmp_path / "staging" / "discovery", str(tmp_path / "w.duckdb"),
                                  start=datetime(2024, 12, 19, tzinfo=timezone.utc),
                                  end=datetime(2024, 12, 20, tzinfo=timezone.utc))
    entries = [entry for batch in found["batches"] for entry in batch]
    assert [(e.location.rsplit("/", 1)[-1], e.source) for e in entries] == [("seed.txt", "seed"), ("new", "wire")]
    assert [e.settings for e in entries if e.source == "wire"] == [{"min_delay": "2"}]
    assert found["problems"] == []


def test_an_unknown_source_name_is_refused_before_any_work(tmp_path):
    csv = write_sources(tmp_path, "seed,file,seed.txt,,\n")
    with pytest.raises(ValueError, match="no source named nope"):
        discover_listed_pages(csv, tmp_path / "d", str(tmp_path / "w.duckdb"), names=["nope"])


def test_a_live_blog_is_refetched_until_its_coverage_ends(tmp_path):
    url = "https://live.example/blog"
    db = tmp_path / "w.duckdb"
    csv = write_sources(tmp_path, f"blog,liveblog,{url},,\n")
    now = datetime(2024, 12, 19, 12, tzinfo=timezone.utc)
    page = Page(source=url, url=url, canonical_url=url, is_liveblog=True, body_text="Live.", fetched_at=now,
                modified_at=now, coverage_end_at=now + timedelta(hours=6))
    load_batches(str(db), [build_batch([ParseResult(page)])], command="test")

    during = discover_listed_pages(csv, tmp_path / "a", str(db), now=now + timedelta(hours=1))
    assert [e.location for batch in during["batches"] for e in batch] == [url]
    after = discover_listed_pages(csv, tmp_path / "b", str(db), now=now + timedelta(hours=7))
    assert after["batches"] == []
    assert after["problems"] == [f"blog: not refetched: coverage ended at {(now + timedelta(hours=6)).isoformat()} "
                                 f"(coverageEndTime)"]


def test_max_pages_caps_what_one_source_expands_to(tmp_path):
    items = "".join(f"<item><title>{i}</title><link>https://news.example/{i}</link></item>" for i in range(5))
    (tmp_path / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}'
                                       f"</channel></rss>", encoding="utf-8")
    (tmp_path / "seed.txt").write_text("A paragraph of an article.", encoding="utf-8")
    csv = write_sources(tmp_path, "wire,feed,feed.xml,,\nseed,file,seed.txt,,\n")
    found = discover_listed_pages(csv, tmp_path / "d", str(tmp_path / "w.duckdb"), max_pages=3)
    locations = [entry.location for batch in found["batches"] for entry in batch]
    assert sorted(location.rsplit("/", 1)[-1] for location in locations) == ["0", "1", "2", "seed.txt"]


def test_staged_batches_load_as_one_run_and_a_failed_source_is_reported(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A paragraph of an article that loads.", encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    staged = stage_sources([SourceEntry(str(good), origin="operator"),
                            SourceEntry(str(tmp_path / "gone.txt"), origin="operator")],
                           tmp_path / "staging" / "batch-0000", db)
    assert staged["sources_ok"] == 1 and "no such file" in staged["failed"][0]
    report = load_staged(db, [staged["folder"]], command="airflow", airflow_run_id="scheduled__x", airflow_try=2)
    assert report["status"] == "partial"
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT airflow_run_id, airflow_try, sources_ok, sources_failed FROM ingest_runs").fetchall() \
        == [("scheduled__x", 2, 1, 1)]
    con.close()
