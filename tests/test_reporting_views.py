"""The reporting views (sql/reporting/) on a warehouse built from the bundled pages, against hand counts.

The warehouse (tests/report_warehouse.py): run 1 ingests seeds/ and tests/fixtures/ — the seed text (2 X posts as
text signatures, 4 key points, the New Arab thread of 4 items, a quote), the seed HTML twice (one page: the same two
posts with ids, 4 key points, a quote), the trafilatura excerpt (1 day-precision post by @plymouthbus), FreiePresse
(3 X posts) and the blockquote variants (7 posts in 8 places, @andyserkis twice); run 2 ingests seeds/ again; runs
3–5 read the hand-built "Syria live" blog of Live Desk (4 entries at 14:05, 14:20, 14:50, 15:10 UTC on 2024-12-19;
entry 1 embeds The New Arab's post of 13:42:07.518, entry 3 Anadolu's of 14:16:52.091, entry 4 a Bluesky post of
14:40 that is later marked unavailable), read at 15:15, 16:00 (entries 1 and 2 edited) and 17:00 (entry 2 again).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import duckdb
import pytest

from pipeline.report.views import apply_views, view_files
from tests.report_warehouse import GONE_ID, at
from tests.warehouse_rows import rows

NEW_ARAB, ANADOLU = "x:1869739994848011185", "x:1869748738180956237"
FREIE_PRESSE = "Freie Presse - Chemnitzer Verlag und Druck GmbH & Co. KG"


@pytest.fixture(scope="module")
def db(report_warehouse):
    apply_views(report_warehouse)
    return report_warehouse


@pytest.fixture(scope="module")
def run_day(db) -> date:
    """The UTC day of run 1: pages that give no publication time count on the day they were first read."""
    return rows(db, "SELECT min(started_at)::DATE FROM ingest_runs")[0][0]




def test_every_view_file_creates_one_commented_view_and_applies_again(db):
    names = [name.split("_", 1)[1] for name in view_files()]
    views = dict(rows(db, "SELECT view_name, comment FROM duckdb_views() WHERE view_name LIKE 'report_%'"))
    assert sorted(views) == sorted(names)
    assert all(views.values())
    apply_views(db)  # idempotent: CREATE OR REPLACE, comments again
    assert dict(rows(db, "SELECT view_name, comment FROM duckdb_views() WHERE view_name LIKE 'report_%'")) == views


def test_daily_volume_per_outlet_and_platform(db, run_day):
    assert rows(db, "SELECT * FROM report_daily_volume ORDER BY ALL") == [
        (date(2024, 11, 29), FREIE_PRESSE, "x", 1, 3, 3),
        (date(2024, 12, 19), "Example News", "x", 1, 2, 2),  # the seed HTML (read twice: one page)
        (date(2024, 12, 19), "Live Desk", "bluesky", 1, 1, 1),
        (date(2024, 12, 19), "Live Desk", "x", 1, 2, 2),
        # seed text (2), blockquote variants (8 places, 7 posts), trafilatura excerpt (1): no site, no date
        (run_day, "(unknown)", "x", 3, 11, 10),
    ]


def test_top_accounts_per_month(db):
    assert rows(db, "SELECT period_start, platform, author_handle, embeds, pages, outlets, posts, rank_in_period "
                    "FROM report_top_accounts WHERE period_start < DATE '2025-01-01' ORDER BY ALL") == [
        (date(2024, 11, 1), "x", "BoxenIude", 1, 1, 1, 1, 1),
        (date(2024, 11, 1), "x", "Ricarda_Lang", 1, 1, 1, 1, 1),
        (date(2024, 11, 1), "x", "derjansinn", 1, 1, 1, 1, 1),
        (date(2024, 12, 1), "bluesky", "reporter.example", 1, 1, 1, 1, 3),
        (date(2024, 12, 1), "x", "The_NewArab", 2, 2, 2, 1, 1),  # Example News and Live Desk
        (date(2024, 12, 1), "x", "anadoluagency", 2, 2, 2, 1, 1),
    ]
    # the undated pages: @andyserkis twice on one page, @lullabot's two posts
    assert rows(db, "SELECT author_handle, embeds, posts, rank_in_period FROM report_top_accounts "
                    "WHERE period_start > DATE '2025-01-01' AND rank_in_period = 1 ORDER BY ALL") == [
        ("andyserkis", 2, 1, 1), ("lullabot", 2, 2, 1)]


def test_post_reach_first_embedder_and_lags(db):
    assert rows(db, f"SELECT post_id, outlets, pages, embeds, first_outlet, first_embedded_at, first_lag_minutes "
                    f"FROM report_post_reach WHERE post_id IN ('{NEW_ARAB}', '{ANADOLU}', '{GONE_ID}') ORDER BY 1") == [
        (GONE_ID, 1, 1, 1, "Live Desk", at(15, 10), 30.0),
        (NEW_ARAB, 3, 3, 3, "Live Desk", at(14, 5), 22.9),  # 14:05 − 13:42:07.518
        (ANADOLU, 3, 3, 3, "Live Desk", at(14, 50), 33.1),  # 14:50 − 14:16:52.091
    ]
    assert rows(db, "SELECT count(*), sum(embeds), max(outlets) FROM report_post_reach") == [(14, 19, 3)]
    # first embedded in a live-blog entry: the 3 Live Desk posts; on a dated page: FreiePresse's 3; else our first
    # read: the 7 blockquote-variant posts and the trafilatura one
    assert rows(db, "SELECT first_embedded_at_basis, count(*) FROM report_post_reach GROUP BY 1 ORDER BY 1") == [
        ("entry", 3), ("first_seen", 8), ("page", 3)]
    assert rows(db, "SELECT post_id, embeds, pages FROM report_post_reach WHERE embeds > pages") == [
        ("x:704420904437043200", 2, 1)]  # @andyserkis, twice on one page
    # each embed of The New Arab's post: the entry's time, the page's time, and for the undated text the read time
    assert rows(db, f"SELECT outlet, embedded_at_basis, lag_minutes FROM report_post_embeds "
                    f"WHERE post_id = '{NEW_ARAB}' ORDER BY embedded_at") == [
        ("Live Desk", "entry", 22.9), ("Example News", "page", 107.9),  # 15:30 − 13:42:07.518
        ("(unknown)", "first_seen", pytest.approx(rows(db, f"""
            SELECT round((epoch(first_seen_at) - epoch(TIMESTAMPTZ '2024-12-19 13:42:07.518+00')) / 60.0, 1)
            FROM articles WHERE source LIKE '%seed_article_putin_syria.txt'""")[0][0]))]


def test_liveblog_cadence_per_hour(db):
    assert rows(db, "SELECT outlet, entry_hour, entries, key_events, median_minutes_between_entries, "
                    "median_event_to_entry_minutes FROM report_liveblog_cadence ORDER BY entry_hour") == [
        # 14:05 (key event, 22.9 after its post), 14:20 (+15), 14:50 (+30, 33.1 after its post)
        ("Live Desk", datetime(2024, 12, 19, 14), 3, 1, 22.5, 28.0),
        ("Live Desk", datetime(2024, 12, 19, 15), 1, 0, 20.0, 30.0),  # 15:10 (+20, 30 after the 14:40 post)
    ]
    assert rows(db, "SELECT position, minutes_since_previous_entry, event_to_entry_minutes, "
                    "entry_to_first_seen_minutes FROM report_liveblog_entries ORDER BY position") == [
        (1, None, 22.9, 70.0), (2, 15.0, None, 55.0), (3, 30.0, 33.1, 25.0), (4, 20.0, 30.0, 5.0)]


def test_edits_revisions_and_time_to_first_edit(db):
    assert rows(db, "SELECT headline, revisions, edits, first_edit_seen_at, last_edit_seen_at, minutes_to_first_edit "
                    "FROM report_item_edits WHERE kind = 'liveblog_entry' ORDER BY headline") == [
        ("Update 1", 2, 1, at(16), at(16), 115.0),  # published 14:05, changed text read at 16:00
        ("Update 2", 3, 2, at(16), at(17), 100.0),  # published 14:20
        ("Update 3", 1, 0, None, None, None),
        ("Update 4", 1, 0, None, None, None),
    ]
    assert rows(db, "SELECT kind, count(*), sum(edits) FROM report_item_edits GROUP BY kind ORDER BY kind") == [
        ("key_point", 8, 0), ("liveblog_entry", 4, 3), ("thread_item", 4, 0)]


def test_unavailable_posts(db):
    assert rows(db, "SELECT post_id, platform, author_handle, checked_at, pages, outlets, last_seen_embedded_at "
                    "FROM report_unavailable_posts") == [
        (GONE_ID, "bluesky", "reporter.example", at(18), 1, 1, at(17))]


def test_hashtags_over_time(db):
    assert rows(db, "SELECT post_date, hashtag, spelling, posts, pages FROM report_hashtags_daily ORDER BY ALL") == [
        (date(2016, 2, 29), "oscars", "Oscars", 1, 1),
        (date(2019, 5, 16), "incbestworkplaces", "IncBestWorkplaces", 1, 1),
        (date(2019, 5, 20), "drupal", "Drupal", 1, 1),
        (date(2019, 5, 20), "projectmanagement", "projectmanagement", 1, 1),
        (date(2024, 12, 19), "breaking", "BREAKING", 1, 3),  # Anadolu's post: seed text, seed HTML, Live Desk
        (date(2024, 12, 19), "syria", "Syria", 1, 1),
    ]


def test_duplicates_prevented_per_run(db):
    got = rows(db, "SELECT command, table_name, inserted, updated, unchanged, seen_again, seen_again_pct "
                   "FROM report_duplicates_prevented ORDER BY run_id, table_name")
    runs = [got[0:6], got[6:12], got[12:17], got[17:23], got[23:29]]
    assert len(got) == 29
    assert runs[0] == [  # run 1: everything new; the seed HTML read twice and the text posts merged in the batch
        ("ingest", "article_posts", 16, 0, 0, 0, 0.0), ("ingest", "articles", 5, 0, 0, 0, 0.0),
        ("ingest", "post_entities", 15, 0, 0, 0, 0.0), ("ingest", "quotes", 3, 0, 0, 0, 0.0),  # + "…", dijo Fajardo
        ("ingest", "social_posts", 13, 0, 0, 0, 0.0), ("ingest", "update_items", 12, 0, 0, 0, 0.0)]
    assert runs[1] == [  # run 2: seeds/ again, every row seen again (8 key points + 4 thread items …)
        ("ingest", "article_posts", 0, 0, 4, 4, 100.0), ("ingest", "articles", 0, 0, 2, 2, 100.0),
        ("ingest", "post_entities", 0, 0, 3, 3, 100.0), ("ingest", "quotes", 0, 0, 2, 2, 100.0),
        ("ingest", "social_posts", 0, 0, 2, 2, 100.0), ("ingest", "update_items", 0, 0, 12, 12, 100.0)]
    assert runs[2] == [  # run 3: the blog is new; the two seed posts, their 3 entities and 4 thread items are not
        ("test", "article_posts", 3, 0, 0, 0, 0.0), ("test", "articles", 1, 0, 0, 0, 0.0),
        ("test", "post_entities", 1, 0, 3, 3, 75.0), ("test", "social_posts", 1, 0, 2, 2, 66.7),
        ("test", "update_items", 4, 0, 4, 4, 50.0)]
    assert ("test", "update_items", 0, 2, 6, 8, 100.0) in runs[3]  # entries 1 and 2 edited
    assert ("test", "item_revisions", 2, 0, 0, 0, 0.0) in runs[3]
    assert ("test", "update_items", 0, 1, 7, 8, 100.0) in runs[4]  # entry 2 again


def test_days_and_hours_are_utc_whatever_the_session_time_zone(db):
    queries = ["SELECT * FROM report_daily_volume ORDER BY ALL", "SELECT * FROM report_liveblog_cadence ORDER BY ALL",
               "SELECT * FROM report_hashtags_daily ORDER BY ALL", "SELECT * FROM report_top_accounts ORDER BY ALL"]
    utc = [rows(db, q) for q in queries]
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Pacific/Kiritimati'")  # UTC+14: every 2024-12-19 UTC time is the 20th there
        assert [con.execute(q).fetchall() for q in queries] == utc
    finally:
        con.close()


def test_the_views_apply_to_an_empty_warehouse_and_return_no_rows(tmp_path):
    db = tmp_path / "empty.duckdb"
    apply_views(db)
    for name in view_files():
        assert rows(db, f"SELECT count(*) FROM {name.split('_', 1)[1]}") == [(0,)]
