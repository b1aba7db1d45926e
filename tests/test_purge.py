"""`pipeline purge` (issue 16): a post embedded by three pages, an account or a page removed from every table, the raw
archive and the latest export, recorded in purge_requests, and kept out of later reads."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.report.export import export
from pipeline.runs import ingest, reparse
from tests.commands import pipeline
from tests.purge_support import (HANDLE, POST_ID, TEXT, archive_holding, export_holding, serve_pages,
                                 tables_holding)
from tests.warehouse_rows import rows

pytestmark = pytest.mark.slow  # a server, ingests and the command as a process: about a minute in all

OTHER_POSTS = {f"x:18697312345678{n:05d}" for n in (1, 2, 3)}


@pytest.fixture
def loaded(server, local_fetching, tmp_path):
    """Three pages embedding the post, ingested, and exported (Parquet)."""
    urls = serve_pages(server)
    db = tmp_path / "warehouse.duckdb"
    report = ingest(urls, str(db))
    assert not report.failed
    assert rows(db, f"SELECT count(*) FROM article_posts WHERE post_id = 'x:{POST_ID}'") == [(3,)]
    export(str(db), tmp_path / "export")
    assert export_holding(tmp_path / "export", TEXT) and archive_holding(tmp_path / "archive", TEXT)
    return db, urls


def test_a_purged_post_is_in_no_table_archive_record_or_export_and_the_request_is_recorded(loaded, tmp_path):
    db, urls = loaded
    cache = tmp_path / "enrichment-cache.json"  # as `pipeline enrich` leaves it: the platform's answers by post
    cache.write_text(json.dumps({f"x:{POST_ID}": {"text": TEXT, "checked_at": "2026-11-30T02:00:00+00:00"},
                                 "x:18697312345678000001": {"text": "Another", "checked_at": "2026-11-30T02:00:00+00:00"}}))
    assert not ingest(urls, str(db)).failed  # published again: the file published before is the writer's spare now
    spare = db.with_name(db.name + ".spare")
    assert TEXT.encode() in spare.read_bytes()
    done = pipeline("purge", "--post", f"x:{POST_ID}", "--reason", "legal request 2026-117", "--db", str(db),
                    "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"purged post x:{POST_ID} (request ")

    # purge_requests names the post's id (that is how later reads skip it), never its text
    assert tables_holding(db, POST_ID, skip=("purge_requests",)) == []
    assert tables_holding(db, TEXT) == []
    assert archive_holding(tmp_path / "archive", POST_ID) == archive_holding(tmp_path / "archive", TEXT) == []
    assert export_holding(tmp_path / "export", POST_ID) == export_holding(tmp_path / "export", TEXT) == []
    assert list(json.loads(cache.read_text())) == ["x:18697312345678000001"]

    # deleted, and the files written anew without its bytes: the published file, the working copy, and no spare
    # keeps the file published before
    assert {path.name for path in tmp_path.glob("warehouse.duckdb*")} >= {db.name, db.name + ".writer"}
    for copy in tmp_path.glob("warehouse.duckdb*"):
        assert TEXT.encode() not in copy.read_bytes(), copy

    # nothing else went: the pages, their other posts, the rest of the export
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    assert {r[0] for r in rows(db, "SELECT post_id FROM social_posts")} == OTHER_POSTS
    assert rows(db, "SELECT count(*) FROM article_posts") == [(3,)]
    assert len(export_holding(tmp_path / "export", "Another post, number")) >= 1

    [(kind, target, reason, post_ids, removed, records, exported)] = rows(
        db, "SELECT kind, target, reason, post_ids, rows_removed, archive_records, export_rows FROM purge_requests")
    assert (kind, target, reason) == ("post", f"x:{POST_ID}", "legal request 2026-117")
    assert f"x:{POST_ID}" in post_ids
    assert removed >= 1 + 3 and records >= 3 and exported >= 4  # the post, its 3 places; 3 responses; its rows

    # a re-read of the three pages does not bring it back; the other posts are read as before
    again = ingest(urls, str(db))
    assert not again.failed
    assert tables_holding(db, POST_ID, skip=("purge_requests",)) == []
    assert tables_holding(db, TEXT) == []
    assert {r[0] for r in rows(db, "SELECT post_id FROM social_posts")} == OTHER_POSTS

    # nor does re-parsing what the archive holds (the pages as they were just read again, the post in them)
    reparse(str(db))
    assert tables_holding(db, POST_ID, skip=("purge_requests",)) == []


def test_the_archive_keeps_its_other_records_readable_and_fetch_log_points_at_them(loaded, tmp_path):
    db, _ = loaded
    pages_before = rows(db, "SELECT count(*) FROM fetch_log WHERE archive_path IS NOT NULL")[0][0]
    done = pipeline("purge", "--post", f"x:{POST_ID}", "--reason", "takedown", "--db", str(db),
                    "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    # the three page responses held the post: they are gone, and fetch_log says so (no archive path any more)
    assert rows(db, "SELECT count(*) FROM fetch_log WHERE archive_path IS NOT NULL") == [(pages_before - 3,)]
    assert rows(db, "SELECT count(*) FROM fetch_log") == [(3,)]
    from pipeline.fetch.archive import summarize_ours, warc_files

    for path in warc_files(tmp_path / "archive"):
        assert summarize_ours(path) is not None  # still a whole file of ours, named as before


def test_an_account_purge_removes_its_posts_and_keeps_them_out(loaded, tmp_path):
    db, urls = loaded
    done = pipeline("purge", "--account", f"x:@{HANDLE.upper()}", "--reason", "deleted account", "--db", str(db),
                    "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    assert tables_holding(db, HANDLE, skip=("purge_requests",)) == []
    ingest(urls, str(db))
    assert tables_holding(db, HANDLE, skip=("purge_requests",)) == []
    assert rows(db, "SELECT kind, handle FROM purge_requests") == [("account", HANDLE)]


def test_a_purged_page_goes_with_the_posts_only_it_embeds_and_is_not_fetched_again(loaded, server, tmp_path):
    db, urls = loaded
    done = pipeline("purge", "--page", urls[0], "--reason", "newsroom takedown", "--db", str(db),
                    "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    assert tables_holding(db, urls[0], skip=("purge_requests",)) == []
    assert tables_holding(db, "other1") == []  # its own post went with it; the shared one stays
    assert rows(db, f"SELECT count(*) FROM article_posts WHERE post_id = 'x:{POST_ID}'") == [(2,)]
    assert archive_holding(tmp_path / "archive", "page 1.") == []
    assert export_holding(tmp_path / "export", urls[0]) == []

    hits = len(server.hits("/storm-1"))
    report = ingest(urls, str(db))
    assert len(server.hits("/storm-1")) == hits  # not fetched
    assert "purged" in report.sources[0].line()
    assert tables_holding(db, urls[0], skip=("purge_requests",)) == []
    assert archive_holding(tmp_path / "archive", "page 1.") == []


def test_a_dry_run_changes_nothing(loaded, tmp_path):
    db, _ = loaded
    before = rows(db, "SELECT count(*) FROM social_posts")
    done = pipeline("purge", "--post", f"x:{POST_ID}", "--reason", "check", "--dry-run", "--db", str(db),
                    "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"would purge post x:{POST_ID}: 2 posts, 0 pages")  # its id and its flattened id
    assert "3 archive records" in done.stdout or "9 archive records" in done.stdout
    assert rows(db, "SELECT count(*) FROM social_posts") == before
    assert archive_holding(tmp_path / "archive", TEXT) and export_holding(tmp_path / "export", TEXT)
    assert rows(db, "SELECT count(*) FROM purge_requests") == [(0,)]


@pytest.mark.parametrize("args, code, message", [
    (["--post", "x1234", "--reason", "r"], 2, "write it as PLATFORM:ID"),
    (["--post", "myspace:1", "--reason", "r"], 2, "unknown platform 'myspace'"),
    (["--page", "not a url", "--reason", "r"], 2, "not an http(s) URL"),
    (["--post", "x:1", "--reason", " "], 2, "give a reason"),
    (["--post", "x:1"], 2, "--reason"),
    (["--post", "x:1", "--page", "https://a.example/", "--reason", "r"], 2, "not allowed with"),
])
def test_a_bad_command_line_is_one_line_exit_2(tmp_path, args, code, message):
    done = pipeline("purge", *args, "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == code
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "w.duckdb").exists()


def test_no_warehouse_or_an_unknown_post_url_is_one_line_exit_1(loaded, tmp_path):
    db, _ = loaded
    done = pipeline("purge", "--post", "x:1", "--reason", "r", "--db", str(tmp_path / "none.duckdb"))
    assert done.returncode == 1 and "no warehouse at" in done.stderr
    assert not (tmp_path / "none.duckdb").exists()
    done = pipeline("purge", "--post-url", "https://bsky.app/profile/a.example/post/3k", "--reason", "r",
                    "--db", str(db))
    assert done.returncode == 1 and "holds no post with that address" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_post_url_names_the_post(loaded, tmp_path):
    db, _ = loaded
    done = pipeline("purge", "--post-url", f"https://twitter.com/{HANDLE}/status/{POST_ID}?s=20", "--reason", "r",
                    "--db", str(db), "--export", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    assert tables_holding(db, TEXT) == []


def test_an_export_as_one_duckdb_file_is_purged_too(loaded, tmp_path):
    db, _ = loaded
    export(str(db), tmp_path / "export-db", "duckdb")
    exported = tmp_path / "export-db" / "threadline.duckdb"
    assert tables_holding(exported, TEXT)
    done = pipeline("purge", "--post", f"x:{POST_ID}", "--reason", "legal request", "--db", str(db),
                    "--export", str(tmp_path / "export-db"))
    assert done.returncode == 0, done.stderr
    assert tables_holding(exported, TEXT) == [] and tables_holding(exported, POST_ID) == []
    assert TEXT.encode() not in exported.read_bytes()
    assert rows(exported, "SELECT count(*) FROM report_post_reach") == [(3,)]  # the views are still there


def test_a_purged_page_takes_the_posts_only_its_posts_quote(loaded, tmp_path):
    """A post page 1's own post quotes (as a platform's answer said: no page embeds it) goes with page 1, as the
    posts only page 1 embeds do."""
    from datetime import datetime, timezone

    from pipeline.batches import load_batches
    from pipeline.model import PostRelation, SocialPost
    from pipeline.stage import build_batch

    db, urls = loaded
    quoted = SocialPost("x", "1869700000000000001", author_handle="quoted", text="The post that was quoted here",
                        url="https://x.com/quoted/status/1869700000000000001")
    own = SocialPost("x", "1869731234567800001", author_handle="other1", text="Another post, number 1, about the "
                     "weather today", checked_at=datetime(2024, 12, 20, tzinfo=timezone.utc), status="ok",
                     relations=[PostRelation("quote", quoted)])
    assert load_batches(str(db), [build_batch([], [], posts=[own])], command="enrich")[1] == "ok"
    assert rows(db, "SELECT post_id, related_post_id, kind FROM post_relations") == [
        ("x:1869731234567800001", "x:1869700000000000001", "quote")]

    done = pipeline("purge", "--page", urls[0], "--reason", "newsroom takedown", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert tables_holding(db, "1869700000000000001", skip=("purge_requests",)) == []
    assert rows(db, "SELECT count(*) FROM post_relations") == [(0,)]
