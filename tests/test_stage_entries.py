"""What discovery hands staging (pipeline/stages/entries.py): plain JSON between Airflow tasks, each entry's kind
stated, and a malformed entry one line naming what is wrong."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from pipeline.stages.discovery import discover_run_batches
from pipeline.stages.entries import ArchiveEntry, EntryError, SourceEntry, entry_from_dict
from pipeline.stages.params import RunParams
from tests.fetch_support import Reply

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>A</title><link>{base}/a</link></item></channel></rss>"""


def _through_xcom(entry):
    """What the next task gets: the entry as Airflow stores it (JSON) and read back."""
    return entry_from_dict(json.loads(json.dumps(entry.to_dict())))


def test_discovered_entries_travel_as_json_with_their_kind_and_come_back_equal(server, local_fetching,
                                                                             tmp_path):
    server.route("/feed.xml", Reply(200, FEED.format(base=server.url("")).encode(), content_type="application/rss+xml"))
    csv = tmp_path / "sources.csv"
    csv.write_text(f"name,kind,location,timezone,min_delay\nwire,feed,{server.url('/feed.xml')},Europe/Paris,2\n",
                   encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    fetched = discover_run_batches(csv, RunParams((), "fetch", 10), None, staging=tmp_path / "staging", db=db)
    [[page]] = fetched["batches"]
    assert page.to_dict() == {"kind": "source", "location": server.url("/a"), "source": "wire",
                              "settings": {"min_delay": "2"}, "timezone": "Europe/Paris", "origin": "web",
                              "root": None}
    assert _through_xcom(page) == page

    night = (datetime(2024, 12, 19, tzinfo=timezone.utc), datetime(2024, 12, 20, tzinfo=timezone.utc))
    reparsed = discover_run_batches(csv, RunParams(("wire",), "reparse", 10), night, staging=tmp_path / "s2", db=db)
    [[archive]] = reparsed["batches"]
    assert archive.to_dict() == {"kind": "archive", "archive": str(tmp_path / "archive"),
                                 "since": "2024-12-19T00:00:00+00:00", "until": "2024-12-20T00:00:00+00:00",
                                 "sources": ["wire"], "timezones": {"wire": "Europe/Paris"}}
    assert _through_xcom(archive) == archive


@pytest.mark.parametrize("entry, cause", [
    ({"location": "https://news.example/a"}, "kind must be one of source, archive, got None"),
    ({"kind": "page", "location": "https://news.example/a"}, "kind must be one of source, archive, got 'page'"),
    ({"kind": "source"}, "location must be a non-empty text, got None"),
    ({"kind": "source", "location": 7}, "location must be a non-empty text, got 7"),
    ({"kind": "source", "location": "https://news.example/a", "archive": "/x"}, "unknown field(s) archive"),
    ({"kind": "source", "location": "https://news.example/a", "settings": ["min_delay"]}, "settings must be an object"),
    ({"kind": "source", "location": "https://news.example/a", "origin": 1}, "origin must be text or null, got 1"),
    ({"kind": "archive", "archive": "/data/archive", "since": "yesterday"},
     "since must be an ISO date and time or null, got 'yesterday'"),
    ({"kind": "archive", "archive": "/data/archive", "sources": "wire"}, "sources must be a list of source names"),
    (["https://news.example/a"], "not an object"),
])
def test_a_malformed_entry_is_one_line_naming_the_field(entry, cause):
    with pytest.raises(EntryError) as raised:
        entry_from_dict(entry)
    message = str(raised.value)
    assert cause in message and "staging" in message and "\n" not in message


def test_a_malformed_entrys_message_masks_the_secret_in_its_address():
    with pytest.raises(EntryError) as raised:
        entry_from_dict({"kind": "source", "location": "https://reader:hunter2@news.example/a", "origin": 3})
    assert "hunter2" not in str(raised.value) and "news.example" in str(raised.value)


def test_an_entry_without_optional_fields_reads_as_the_defaults():
    assert entry_from_dict({"kind": "source", "location": "/srv/page.html"}) == SourceEntry("/srv/page.html")
    assert entry_from_dict({"kind": "archive", "archive": "/srv/archive", "since": None, "sources": None}) \
        == ArchiveEntry("/srv/archive")
