"""The analyst queries in sql/examples/ run on the warehouse of tests/report_warehouse.py and give hand-counted rows."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipeline.report.views import apply_views
from tests.report_warehouse import at

EXAMPLES = Path(__file__).resolve().parents[1] / "sql" / "examples"


@pytest.fixture(scope="module")
def db(report_warehouse):
    apply_views(report_warehouse)
    return report_warehouse


def run(db, name: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)  # as an analyst opens the published file
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute((EXAMPLES / f"{name}.sql").read_text()).fetchall()
    finally:
        con.close()


def test_every_example_is_tested():
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_0")}
    assert {p.stem for p in EXAMPLES.glob("*.sql")} == tested


def test_01_who_embedded_a_post_and_how_fast(db):
    got = [(r[0], r[2], r[4], r[5], r[6]) for r in run(db, "01_who_embedded_a_post_and_how_fast")]
    first_seen = [r for r in got if r[2] == "first_seen"]
    assert [r for r in got if r[2] != "first_seen"] == [
        ("The_NewArab", "Live Desk", "entry", 22.9, 1), ("The_NewArab", "Example News", "page", 107.9, 2),
        ("anadoluagency", "Live Desk", "entry", 33.1, 1), ("anadoluagency", "Example News", "page", 73.1, 2)]
    assert [(r[0], r[1], r[4]) for r in first_seen] == [("The_NewArab", "(unknown)", 3), ("anadoluagency", "(unknown)", 3)]


def test_02_accounts_newsrooms_quote_most(db):
    assert run(db, "02_accounts_newsrooms_quote_most") == [
        (1, "x", "The_NewArab", "The New Arab", 2, 2, 1),
        (1, "x", "anadoluagency", "Anadolu English", 2, 2, 1),
        (3, "bluesky", "reporter.example", "A Reporter", 1, 1, 1)]


def test_03_liveblog_updates_and_edits(db):
    # 4 entries in 65 minutes; gaps 15, 30, 20; event → entry 22.9, 33.1, 30.0; 3 edits on 2 entries (115, 100 min)
    assert run(db, "03_liveblog_updates_and_edits") == [
        ("Live Desk", "Syria live", 4, at(14, 5), at(15, 10), 3.7, 20.0, 30.0, 2, 3, 107.5)]


def test_04_unavailable_posts_still_embedded(db):
    assert run(db, "04_unavailable_posts_still_embedded") == [
        ("bluesky", "reporter.example", "https://bsky.app/profile/reporter.example/post/3ldgone", at(18), "Live Desk",
         "Syria live", "https://live.example/2024/12/19/syria-live")]


def test_05_duplicates_each_run_avoided(db):
    # run 1 holds 64 rows: with the quote `"…", dijo Fajardo.` of trafilatura_flattenings.txt (Spanish quotes read)
    assert [(r[1], r[3], r[4], r[5]) for r in run(db, "05_duplicates_each_run_avoided")] == [
        ("ingest", 64, 0, 0.0), ("ingest", 0, 25, 100.0), ("test", 10, 9, 47.4), ("test", 2, 19, 90.5),
        ("test", 1, 19, 95.0)]


def test_06_hashtags_by_day(db):
    assert run(db, "06_hashtags_by_day")[:3] == [
        (date(2024, 12, 19), "BREAKING", 1, 3), (date(2024, 12, 19), "Syria", 1, 1),
        (date(2019, 5, 20), "Drupal", 1, 1)]
    assert len(run(db, "06_hashtags_by_day")) == 6


def test_07_posts_quoted_by_embedded_posts(tmp_path):
    # The report warehouse holds no quote (its nested tweets are not quotes: the inner one is newer), so this question
    # runs on a warehouse of the quote chain of tests/fixtures/relations/x_nested_quote.html: @BrianKarem's post
    # quotes @realDonaldTrump's, posted 123.0 minutes (by their ids) before it, and the page embeds both.
    from pipeline.runs import ingest

    db = tmp_path / "quotes.duckdb"
    page = Path(__file__).parent / "fixtures" / "relations" / "x_nested_quote.html"
    assert ingest([str(page)], str(db)).status == "ok"
    assert [r[:7] + r[8:] for r in run(db, "07_posts_quoted_by_embedded_posts")] == [
        ("x", "realDonaldTrump", "x:1117736685721223168", "BrianKarem", "x:1117767646961963009", 123.0,
         "The Example Ledger", True)]


def test_08_what_liveblogs_took_down(server, settings, tmp_path):
    """On a warehouse of its own: the report warehouse's live blogs were read once, so nothing was taken down."""
    from pipeline.runs import ingest
    from tests.live_support import LiveBlogPage

    blog = LiveBlogPage(entries={"e1": ("2026-03-01T09:00:00+00:00", "Wind rising."),
                                 "e2": ("2026-03-01T09:10:00+00:00", "Ferries cancelled.")})
    url = blog.serve(server, "/live/storm")
    db = tmp_path / "warehouse.duckdb"
    times = []
    for change in (None, lambda: blog.entries.pop("e2"), lambda: blog.entries.update(e2=(
            "2026-03-01T09:10:00+00:00", "Ferries cancelled."))):
        if change:
            change()
        assert ingest([url], str(db), settings=settings).status == "ok"
        times.append(run_sql(db, "SELECT max(fetched_at) FROM fetch_log")[0][0])
    got = run(db, "08_what_liveblogs_took_down")
    minutes = round((times[1] - times[0]).total_seconds() / 60, 1)
    assert got == [("127.0.0.1", blog.title, "e2", "Update e2", times[0], times[1], minutes, times[2])]


def run_sql(db, statement: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()
