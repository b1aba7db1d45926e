"""Live-blog entries taken down and put back, as polls of a page served by our own server see them:
`update_items.removed_at`, `item_events` and `report_liveblog_changes` (sql/load/08_item_events.sql)."""
from __future__ import annotations

import pytest

from pipeline.model import Document
from pipeline.parse import parse
from pipeline.runs import ingest, reparse
from tests.live_support import LiveBlogPage
from tests.warehouse_rows import rows

T = "2026-03-01T{}:00+00:00"


def _poll(url, db, settings):
    report = ingest([url], str(db), settings=settings)
    assert report.status == "ok", [s.line() for s in report.sources]


def _fetched(db) -> list:
    return [at for (at,) in rows(db, "SELECT fetched_at FROM fetch_log WHERE outcome = 'ok' ORDER BY fetched_at")]


def _two_entries(server) -> tuple[LiveBlogPage, str]:
    blog = LiveBlogPage(entries={"e1": (T.format("09:00"), "Wind rising on the coast."),
                                 "e2": (T.format("09:10"), "Ferries cancelled until noon.")})
    return blog, blog.serve(server, "/live/storm")


def test_an_entry_removed_then_back_gets_removed_at_set_then_cleared_and_two_events(server, settings, tmp_path):
    blog = LiveBlogPage(entries={"e1": (T.format("09:00"), "Wind rising on the coast."),
                                 "e2": (T.format("09:10"), "Ferries cancelled until noon."),
                                 "e3": (T.format("09:20"), "Schools closed in the north.")})
    url = blog.serve(server, "/live/storm")
    db = tmp_path / "warehouse.duckdb"
    _poll(url, db, settings)

    blog.entries["e1"] = (T.format("09:00"), "Wind rising on the coast, gusts of 120 km/h.")  # edited
    del blog.entries["e2"]  # removed
    blog.entries["e4"] = (T.format("09:30"), "Power cut for 20,000 homes.")
    blog.entries["e5"] = (T.format("09:40"), "Army called in to clear roads.")
    _poll(url, db, settings)
    first, second = _fetched(db)
    assert rows(db, "SELECT native_id, revision, removed_at FROM update_items ORDER BY native_id") == [
        ("e1", 2, None), ("e2", 1, second), ("e3", 1, None), ("e4", 1, None), ("e5", 1, None)]

    blog.entries["e2"] = (T.format("09:10"), "Ferries cancelled until noon.")  # back, text unchanged
    _poll(url, db, settings)
    third = _fetched(db)[2]
    assert rows(db, "SELECT native_id, revision, removed_at FROM update_items ORDER BY native_id") == [
        ("e1", 2, None), ("e2", 1, None), ("e3", 1, None), ("e4", 1, None), ("e5", 1, None)]
    assert rows(db, "SELECT i.native_id, e.kind, e.\"at\" FROM item_events e JOIN update_items i USING (item_id) "
                    "ORDER BY e.\"at\"") == [("e2", "removed", second), ("e2", "restored", third)]
    assert rows(db, "SELECT count(DISTINCT run_id) FROM item_events") == [(2,)]
    # The runs' counts: each removal and return is an item_events row inserted; the entry back is a row updated.
    counts = "SELECT c.inserted, c.updated FROM run_table_counts c JOIN ingest_runs r USING (run_id) " \
             "WHERE c.table_name = '{}' ORDER BY r.started_at"
    assert rows(db, counts.format("item_events")) == [(1, 0), (1, 0)]
    # run 2: e1 edited, e3 moved down; run 3: e2 back (and moved down), e1 moved down
    assert rows(db, counts.format("update_items")) == [(3, 0), (2, 2), (0, 2)]

    changes = rows(db, "SELECT native_id, change, \"at\", revision FROM report_liveblog_changes "
                       "ORDER BY \"at\", change, native_id")
    assert changes == [
        ("e1", "added", first, 1), ("e2", "added", first, 1), ("e3", "added", first, 1),
        ("e4", "added", second, 1), ("e5", "added", second, 1),
        ("e1", "edited", second, 2), ("e2", "removed", second, None),
        ("e2", "restored", third, None)]


def test_a_read_showing_only_part_of_the_entries_removes_nothing(server, settings, tmp_path):
    blog, url = _two_entries(server)
    db = tmp_path / "warehouse.duckdb"
    _poll(url, db, settings)
    del blog.entries["e1"]
    blog.entries["e3"] = (T.format("09:20"), "Schools closed in the north.")
    blog.next_page = True  # e1 moved to page 2: this read shows only the newest entries
    _poll(url, db, settings)
    assert rows(db, "SELECT native_id, removed_at FROM update_items ORDER BY native_id") == [
        ("e1", None), ("e2", None), ("e3", None)]
    assert rows(db, "SELECT count(*) FROM item_events") == [(0,)]


def test_a_reparse_removes_nothing_even_when_the_archive_holds_a_newer_read_without_the_entry(server, settings,
                                                                                              tmp_path):
    blog, url = _two_entries(server)
    db = tmp_path / "warehouse.duckdb"
    _poll(url, db, settings)
    del blog.entries["e1"]
    _poll(url, tmp_path / "other.duckdb", settings)  # same archive folder: a newer read this warehouse never loaded

    report = reparse(str(db))  # both archived reads, the newer one without e1
    assert not report.failed
    assert rows(db, "SELECT native_id, removed_at FROM update_items ORDER BY native_id") == [("e1", None), ("e2", None)]
    assert rows(db, "SELECT count(*) FROM item_events") == [(0,)]
    assert rows(tmp_path / "other.duckdb", "SELECT count(*) FROM update_items") == [(1,)]


def _complete(html: str) -> bool:
    return parse(Document(source="https://news.test/live", url="https://news.test/live",
                          content=html, kind="html")).page.entries_complete


def test_a_read_is_complete_only_when_its_markup_holds_every_entry_and_points_to_no_further_page():
    blog = LiveBlogPage(entries={"e1": (T.format("09:00"), "Wind rising."), "e2": (T.format("09:10"), "Ferries.")})
    assert _complete(blog.body().decode())
    blog.next_page = True
    assert not _complete(blog.body().decode())
    only_json_ld = ('<html><head><script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Storm",'
                    ' "liveBlogUpdate": [{"@type": "BlogPosting", "url": "https://news.test/live#a1",'
                    ' "headline": "Wind", "articleBody": "Wind rising.", "datePublished": "2026-03-01T09:00:00Z"}]}'
                    '</script></head><body><h1>Storm</h1></body></html>')
    assert not _complete(only_json_ld)  # JSON-LD often lists only the latest entries


@pytest.mark.slow
@pytest.mark.postgres
def test_on_a_lake_an_entry_removed_then_back_has_the_same_history(server, settings, tmp_path):
    from tests.lakes import fresh_lake

    blog, url = _two_entries(server)
    with fresh_lake(tmp_path, migrated=True) as lake:
        def poll():
            assert ingest([url], lake.warehouse, settings=settings).status == "ok"
        poll()
        e2 = blog.entries.pop("e2")
        poll()
        assert rows(lake.db, "SELECT native_id FROM update_items WHERE removed_at IS NOT NULL") == [("e2",)]
        blog.entries["e2"] = e2
        poll()
        assert rows(lake.db, "SELECT count(*) FROM update_items WHERE removed_at IS NOT NULL") == [(0,)]
        assert rows(lake.db, "SELECT kind FROM item_events ORDER BY \"at\"") == [("removed",), ("restored",)]
        assert [change for (change,) in rows(lake.db, "SELECT change FROM report_liveblog_changes "
                                                      "WHERE native_id = 'e2' ORDER BY \"at\", change")] == [
            "added", "removed", "restored"]


@pytest.mark.parametrize("name, complete", [
    ("liveblog__fundus__Express_2024_07_18", True),  # reach markup: the 9 entries its JSON-LD lists, all in the HTML
    ("liveblog__htmldate__Repubblica.it-Israele-Hamas", True),  # 79 liveblog__post blocks, all 79 JSON-LD ids
    ("liveblog__htmldate__sports.ndtv.com-Cricket-World-Cup", True),  # microdata: 40 entries with ids
    ("liveblog__fundus__TheMirror_2024_08_05", False),  # the HTML shows 30 of the 428 entries its JSON-LD lists
    ("liveblog__fundus__BR_2024_08_27", False),  # clock-time headings: entries without ids
    ("liveblog__trafilatura__sports.fr.lorient", False),  # live-match commentary: entries without ids
])
def test_real_live_blogs_are_complete_reads_only_when_their_html_holds_every_entry(name, complete):
    import gzip

    from tests.labels import FIXTURES

    html = gzip.decompress((FIXTURES / "corpus" / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")
    assert _complete(html) is complete
