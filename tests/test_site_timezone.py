"""A site's time zone reaches the parser (issue 12): a page's times that state no zone are read in the source list's
`timezone` for its source, else in the UTC offset the site's stored pages state most often, else in UTC.

The page is a real one (`tests/fixtures/corpus/`, origin in `tests/fixtures/SOURCES.md`): the Times of Israel shows
"8 January 2020, 3:51 pm" and states no zone anywhere, so it was stored as 15:51 UTC whatever the site's zone.
"""
from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from pipeline.discover import SourceListError, load_sources
from pipeline.runs import ingest
from pipeline.stages.discovery import discover_listed_pages
from pipeline.stages.staging import load_staged, stage_sources
from tests.commands import pipeline
from tests.fetch_support import Reply

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
TIMES_OF_ISRAEL = CORPUS / "tweet-embed__trafilatura__timesofisrael.com.washington.html.gz"
# 3:51 pm in Jerusalem (+02:00 in January)
JERUSALEM_TIME = datetime(2020, 1, 8, 13, 51, tzinfo=timezone.utc)
SAME_SITE_PAGE = """<html><head><title>Another page of the site</title>
<meta property="article:published_time" content="2023-03-01T10:00:00+02:00"></head>
<body><article><h1>Another page of the site</h1><p>A paragraph of another article of the same site.</p></article>
</body></html>"""


def times_of_israel() -> bytes:
    return gzip.decompress(TIMES_OF_ISRAEL.read_bytes())


def published(db: Path, title_word: str) -> list[datetime]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [row[0].astimezone(timezone.utc) for row in con.execute(
            "SELECT published_at FROM articles WHERE title ILIKE ?", [f"%{title_word}%"]).fetchall()]


def test_the_source_lists_timezone_places_the_pages_zoneless_time(tmp_path):
    (tmp_path / "toi.html").write_bytes(times_of_israel())
    csv = tmp_path / "sources.csv"
    csv.write_text("name,kind,location,timezone\ntoi,file,toi.html,Asia/Jerusalem\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    found = discover_listed_pages(csv, tmp_path / "staging" / "discovery", str(db))
    staged = stage_sources([entry for batch in found["batches"] for entry in batch], tmp_path / "staging" / "b0",
                           str(db))
    assert staged["sources_ok"] == 1
    assert load_staged(str(db), [staged["folder"]], command="ingest")["status"] == "ok"
    assert published(db, "Washington") == [JERUSALEM_TIME]


def test_without_a_timezone_the_sites_commonest_stated_offset_is_used(server, local_fetching, tmp_path):  # noqa: F811
    server.route("/other.html", Reply(200, SAME_SITE_PAGE.encode()))
    server.route("/toi.html", Reply(200, times_of_israel()))
    db = tmp_path / "w.duckdb"
    assert ingest([server.url("/other.html")], str(db)).status == "ok"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT published_offset_minutes FROM articles").fetchall() == [(120,)]
    assert ingest([server.url("/toi.html")], str(db)).status == "ok"
    assert published(db, "Washington") == [JERUSALEM_TIME]  # read in +02:00, not as 15:51 UTC


def test_an_unknown_zone_name_fails_in_one_line_naming_the_source(tmp_path):
    csv = tmp_path / "sources.csv"
    csv.write_text("name,kind,location,timezone\ntoi,file,toi.html,Europe/Atlantis\n", encoding="utf-8")
    with pytest.raises(SourceListError) as failure:
        load_sources(csv)
    message = str(failure.value)
    assert "\n" not in message and "source toi" in message and "'Europe/Atlantis'" in message


def test_reparse_with_an_unknown_zone_in_the_source_list_stops_in_one_line(tmp_path):
    csv = tmp_path / "sources.csv"
    csv.write_text("name,kind,location,timezone\ntoi,file,toi.html,Mars/Olympus\n", encoding="utf-8")
    done = pipeline("reparse", "--since", "2020-01-01", "--db", str(tmp_path / "w.duckdb"),
                    env={"THREADLINE_SOURCES": str(csv)})
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "source toi" in done.stderr and "Mars/Olympus" in done.stderr
    assert "Traceback" not in done.stderr
