"""The live mode (pipeline/live.py): what it polls, what a quiet live blog costs, and what the nightly run leaves
to it. Pages come from our own server on 127.0.0.1 (tests/live_support.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline.live import plan_poll, poll
from pipeline.runs import ingest
from pipeline.settings import SettingError, live_every_minutes
from pipeline.stages.discovery import discover_listed_pages
from tests.fetch_support import Reply
from tests.live_support import CONTENT_TABLES, LiveBlogPage
from tests.warehouse_rows import rows


def _at(minutes_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")


def _content(db) -> dict[str, list]:
    return {table: sorted(rows(db, f"SELECT * FROM {table}"), key=repr) for table in CONTENT_TABLES}


def _source_list(tmp_path, *lines: str):
    path = tmp_path / "sources.csv"
    path.write_text("name,kind,location,quiet_minutes\n" + "\n".join(lines) + "\n")
    return path


def _storm(server, tmp_path) -> tuple[LiveBlogPage, object, str]:
    """A live blog of three entries from the last half hour, listed as source `storm`; and the warehouse's path."""
    blog = LiveBlogPage(entries={"e1": (_at(30), "Wind rising on the coast."),
                                 "e2": (_at(20), "Ferries cancelled until noon."),
                                 "e3": (_at(10), "Schools closed in the north.")})
    url = blog.serve(server, "/live/storm")
    return blog, _source_list(tmp_path, f"storm,liveblog,{url},"), str(tmp_path / "warehouse.duckdb")


def test_four_polls_of_an_unchanged_live_blog_cost_four_304s_and_no_new_content_rows(server, local_fetching,
                                                                                     tmp_path):
    blog, csv_path, db = _storm(server, tmp_path)
    first = poll(db, plan_poll(csv_path, db))
    assert first.status == "ok" and blog.requests == [200]
    before = _content(db)
    assert len(before["update_items"]) == 3

    for _ in range(4):
        report = poll(db, plan_poll(csv_path, db))
        assert report.status == "ok"
    assert blog.requests == [200, 304, 304, 304, 304]
    assert _content(db) == before
    assert rows(db, "SELECT outcome, count(*) FROM fetch_log GROUP BY outcome ORDER BY outcome") == [
        ("not_modified", 4), ("ok", 1)]


def test_a_live_blog_changing_between_polls_ends_with_its_revisions_removal_and_return(server, local_fetching,
                                                                                      tmp_path):
    blog, csv_path, db = _storm(server, tmp_path)
    poll(db, plan_poll(csv_path, db))
    e2 = blog.entries.pop("e2")
    blog.entries["e1"] = (blog.entries["e1"][0], "Wind rising on the coast, gusts of 120 km/h.")
    blog.entries["e4"], blog.entries["e5"] = (_at(5), "Power cut for 20,000 homes."), (_at(1), "Army called in.")
    poll(db, plan_poll(csv_path, db))
    assert rows(db, "SELECT native_id FROM update_items WHERE removed_at IS NOT NULL") == [("e2",)]
    blog.entries["e2"] = e2
    poll(db, plan_poll(csv_path, db))

    assert rows(db, "SELECT native_id, revision, removed_at FROM update_items ORDER BY native_id") == [
        ("e1", 2, None), ("e2", 1, None), ("e3", 1, None), ("e4", 1, None), ("e5", 1, None)]
    assert rows(db, "SELECT i.native_id, e.kind FROM item_events e JOIN update_items i USING (item_id) "
                    "ORDER BY e.\"at\"") == [("e2", "removed"), ("e2", "restored")]


def test_the_poll_takes_listed_and_discovered_live_blogs_the_still_live_rule_accepts(server, local_fetching,
                                                                                    tmp_path):
    now = datetime.now(timezone.utc)
    live = LiveBlogPage(entries={"a1": (_at(30), "First."), "a2": (_at(20), "Second.")})
    found = LiveBlogPage(title="Found by a feed", entries={"b1": (_at(50), "One."), "b2": (_at(40), "Two.")})
    ended = LiveBlogPage(title="Coverage ended", entries={"c1": (_at(90), "Old."), "c2": (_at(80), "Older.")},
                         coverage_end=_at(60))
    urls = {name: page.serve(server, f"/live/{name}") for name, page in
            (("live", live), ("found", found), ("ended", ended))}
    server.route("/article", Reply(
        200, b"<html><head><title>Plain</title></head><body><article><h1>Plain</h1><p>Words.</p></article></body>"
             b"</html>"))
    csv_path = _source_list(tmp_path, f"live,liveblog,{urls['live']},", f"ended,liveblog,{urls['ended']},")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([*urls.values(), server.url("/article")], db).status == "ok"  # every page read once

    plan = plan_poll(csv_path, db, now=now)
    assert sorted(plan.locations) == sorted([urls["live"], urls["found"]])
    assert [note.split(":")[0] for note in plan.notes] == ["ended"]  # listed: says why; found: no line
    later = plan_poll(csv_path, db, now=now + timedelta(hours=13))  # past the 12-hour quiet period: nothing
    assert later.entries == []
    assert poll(db, later) is None


def test_the_nightly_run_leaves_what_the_live_mode_polls_to_it_only_when_the_live_mode_is_on(
        server, local_fetching, tmp_path, monkeypatch):
    live = LiveBlogPage(entries={"a1": (_at(30), "First."), "a2": (_at(20), "Second.")})
    url = live.serve(server, "/live/storm")
    csv_path = _source_list(tmp_path, f"storm,liveblog,{url},")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([url], db).status == "ok"

    def nightly() -> list[str]:
        found = discover_listed_pages(csv_path, tmp_path / "staging", db)
        return [entry.location for batch in found["batches"] for entry in batch]

    assert nightly() == [url]
    monkeypatch.setenv("THREADLINE_LIVE", "on")
    assert nightly() == []


@pytest.mark.parametrize("value", ["0", "61", "ten"])
def test_a_live_interval_that_is_not_a_whole_number_of_minutes_up_to_an_hour_is_refused(monkeypatch, value):
    monkeypatch.setenv("THREADLINE_LIVE_EVERY_MINUTES", value)
    with pytest.raises(SettingError, match="THREADLINE_LIVE_EVERY_MINUTES"):
        live_every_minutes()
