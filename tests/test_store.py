"""The store against the contract's dedup rules, on real DuckDB files and on a DuckLake on this machine's PostgreSQL
(pages built by hand, no parser involved). Each test runs on both backends unless it is about the file's own
mechanics (its lock, its published copy)."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipeline.batches import load_batches
from pipeline.model import Embed, Entity, FetchRecord, Page, ParseResult, Quote, SocialPost, UpdateItem
from pipeline.stage import build_batch
from pipeline.store import LoadFailed, Writer, open_reader, read_stats
from pipeline.store.backend import connect_file
from pipeline.store.backend.file import read_published
from pipeline.store.migrate import migrate, without_keys
from pipeline.store.sqlfiles import sql, sql_files
from tests.lakes import fresh_lake
from tests.warehouse_rows import duplicate_keys, rows

T0 = datetime(2024, 12, 19, 12, 0, tzinfo=timezone.utc)
THREAD_TEXT = "🧵 UPDATES\n👉 Gaza death toll reaches 45,129\n👉 Two killed in another raid🔴 Live blog: https://t.co/w1oxigfedT"


def new_arab_post(native: bool) -> SocialPost:
    """The seed's New Arab post, as flattened text shows it (no id, a day) or as its HTML embed (id, millisecond)."""
    return SocialPost(
        "x",
        "1869731234567890123" if native else None,
        url="https://x.com/i/status/1869731234567890123" if native else None,
        author_name="The New Arab",
        author_handle="The_NewArab" if native else "the_newarab",
        posted_at=datetime(2024, 12, 19, 14, 3, 21, 123000, tzinfo=timezone.utc) if native
        else datetime(2024, 12, 19, tzinfo=timezone.utc),
        posted_at_precision="millisecond" if native else "day",
        text=THREAD_TEXT.replace("https://t.co/w1oxigfedT", "https://t.co/w1oxigfedT ") if native else THREAD_TEXT,
        language="en" if native else None,
        entities=[Entity("url", "https://t.co/w1oxigfedT")] + ([Entity("hashtag", "Gaza")] if native else []),
        thread=[UpdateItem("thread_item", 1, "Gaza death toll reaches 45,129"),
                UpdateItem("thread_item", 2, "Two killed in another raid")],
    )


def page(source: str, *, url: str | None = None, seen: datetime = T0, embeds=(), entries=(), key_points=(),
         body="The article's own text.", quotes=()) -> ParseResult:
    return ParseResult(Page(source=source, url=url, canonical_url=url, title="A title" if url else None,
                            body_text=body, key_points=list(key_points), entries=list(entries), embeds=list(embeds),
                            quotes=list(quotes), fetched_at=seen))


def load(db, *results: ParseResult) -> dict:
    batch = build_batch(list(results), [FetchRecord(r.page.source, "ok", r.page.fetched_at) for r in results])
    run_id, status, counts = load_batches(str(db), [batch], command="test")
    assert status == "ok"
    return counts




@pytest.fixture(params=["duckdb",
                        pytest.param("ducklake", marks=[pytest.mark.slow, pytest.mark.postgres])])
def db(request, tmp_path, monkeypatch):
    """The warehouse: a DuckDB file, or a fresh DuckLake (catalog database dropped afterwards)."""
    if request.param == "duckdb":
        yield tmp_path / "warehouse.duckdb"
        return
    with fresh_lake(tmp_path, migrated=True) as lake:
        monkeypatch.setenv("THREADLINE_LAKE_DATA", str(lake.data))
        yield lake.db


@pytest.fixture
def file_db(tmp_path):
    return tmp_path / "warehouse.duckdb"


def test_loading_the_same_input_twice_changes_only_last_seen(db):
    article = page("a.txt", key_points=[UpdateItem("key_point", 1, "One."), UpdateItem("key_point", 2, "Two.")],
                   embeds=[Embed(new_arab_post(False), 1, "text_signature")], quotes=[Quote("We hope", "Putin", 1)])
    load(db, article)
    before = rows(db, "SELECT * EXCLUDE (last_seen_at) FROM update_items ORDER BY item_id")
    article.page.fetched_at = T0 + timedelta(days=1)
    counts = load(db, article)

    assert all(c.inserted == 0 and c.updated == 0 for c in counts.values())
    assert counts["update_items"].unchanged == 4  # 2 key points + 2 thread items
    assert rows(db, "SELECT * EXCLUDE (last_seen_at) FROM update_items ORDER BY item_id") == before
    assert rows(db, "SELECT DISTINCT last_seen_at FROM update_items") == [(T0 + timedelta(days=1),)]
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_a_post_embedded_by_ten_pages_is_one_post_with_ten_places(db):
    pages = [page(f"p{i}.html", url=f"https://news.example/{i}", embeds=[Embed(new_arab_post(True), 1, "blockquote")])
             for i in range(10)]
    load(db, *pages)
    assert rows(db, "SELECT count(*) FROM social_posts") == [(1,)]
    assert rows(db, "SELECT count(*), count(DISTINCT article_id) FROM article_posts") == [(10, 10)]
    assert rows(db, "SELECT count(*) FROM update_items WHERE kind = 'thread_item'") == [(2,)]


@pytest.mark.parametrize("text_first", [True, False], ids=["text-then-html", "html-then-text"])
def test_a_text_post_and_its_html_embed_end_as_one_row_under_the_native_id(db, text_first):
    from_text = page("seed.txt", seen=T0, embeds=[Embed(new_arab_post(False), 1, "text_signature")])
    from_html = page("seed.html", url="https://news.example/putin", seen=T0 + timedelta(hours=1),
                     embeds=[Embed(new_arab_post(True), 1, "blockquote")])
    for result in ([from_text, from_html] if text_first else [from_html, from_text]):
        load(db, result)

    assert rows(db, "SELECT post_id, native_id, author_handle, posted_at_precision, language, first_seen_at "
                    "FROM social_posts") == [("x:1869731234567890123", "1869731234567890123", "The_NewArab",
                                              "millisecond", "en", T0)]
    # its thread items, entities and places moved with it
    assert rows(db, "SELECT DISTINCT post_id FROM update_items WHERE kind = 'thread_item'") == \
        [("x:1869731234567890123",)]
    assert rows(db, "SELECT count(*) FROM update_items WHERE kind = 'thread_item'") == [(2,)]
    assert rows(db, "SELECT kind, value FROM post_entities ORDER BY kind") == \
        [("hashtag", "Gaza"), ("url", "https://t.co/w1oxigfedT")]
    assert rows(db, "SELECT form, post_id FROM article_posts ORDER BY form") == \
        [("blockquote", "x:1869731234567890123"), ("text_signature", "x:1869731234567890123")]


def test_text_and_html_posts_in_one_batch_merge_too(db):
    load(db, page("seed.txt", embeds=[Embed(new_arab_post(False), 1, "text_signature")]),
         page("seed.html", url="https://news.example/putin", embeds=[Embed(new_arab_post(True), 1, "blockquote")]))
    assert rows(db, "SELECT post_id FROM social_posts") == [("x:1869731234567890123",)]


@pytest.mark.parametrize("change", ["handle", "day", "text"])
def test_a_text_post_stays_apart_when_handle_day_or_text_differ(db, change):
    text_post = new_arab_post(False)
    if change == "handle":
        text_post.author_handle = "SomeoneElse"
    elif change == "day":
        text_post.posted_at = datetime(2024, 12, 23, tzinfo=timezone.utc)
    else:
        text_post.text = "A different post altogether"
    load(db, page("seed.txt", embeds=[Embed(text_post, 1, "text_signature")]))
    load(db, page("seed.html", url="https://news.example/putin", embeds=[Embed(new_arab_post(True), 1, "blockquote")]))
    assert rows(db, "SELECT count(*) FROM social_posts") == [(2,)]


def test_a_text_post_one_day_off_still_merges(db):
    text_post = new_arab_post(False)
    text_post.posted_at = datetime(2024, 12, 20, tzinfo=timezone.utc)  # the embed generator's local date
    load(db, page("seed.txt", embeds=[Embed(text_post, 1, "text_signature")]))
    load(db, page("seed.html", url="https://news.example/putin", embeds=[Embed(new_arab_post(True), 1, "blockquote")]))
    assert rows(db, "SELECT post_id FROM social_posts") == [("x:1869731234567890123",)]


def entry(native_id: str, text: str, position: int = 1) -> UpdateItem:
    return UpdateItem("liveblog_entry", position, text, native_id=native_id, headline="Headline")


def test_an_entry_whose_text_changes_gets_a_new_revision_and_keeps_the_old_text(db):
    url = "https://news.example/live"
    load(db, page("live.html", url=url, seen=T0, entries=[entry("block-1", "First text.")]))
    counts = load(db, page("live.html", url=url, seen=T0 + timedelta(minutes=5),
                           entries=[entry("block-1", "First text, corrected.")]))
    load(db, page("live.html", url=url, seen=T0 + timedelta(minutes=9),
                  entries=[entry("block-1", "First text, corrected twice.")]))

    assert counts["update_items"].updated == 1
    assert counts["item_revisions"].inserted == 1
    item_id, revision, text = rows(db, "SELECT item_id, revision, text FROM update_items")[0]
    assert (revision, text) == (3, "First text, corrected twice.")
    assert rows(db, "SELECT revision, text, first_seen_at, replaced_at FROM item_revisions ORDER BY revision") == [
        (1, "First text.", T0, T0 + timedelta(minutes=5)),
        (2, "First text, corrected.", T0 + timedelta(minutes=5), T0 + timedelta(minutes=9)),
    ]


def test_an_older_read_does_not_overwrite_a_newer_text(db):
    url = "https://news.example/live"
    load(db, page("live.html", url=url, seen=T0 + timedelta(hours=1), entries=[entry("block-1", "Newer text.")]))
    load(db, page("archive.warc", url=url, seen=T0, entries=[entry("block-1", "Older text.")]))
    assert rows(db, "SELECT text, revision, first_seen_at FROM update_items") == [("Newer text.", 1, T0)]


def test_a_reordered_live_blog_updates_positions_in_place(db):
    url = "https://news.example/live"
    post = new_arab_post(True)
    first = page("live.html", url=url, seen=T0, entries=[entry("a", "Entry A", 1), entry("b", "Entry B", 2)],
                 embeds=[Embed(post, 1, "blockquote", entry_position=2)])
    load(db, first)
    again = page("live.html", url=url, seen=T0 + timedelta(hours=1),
                 entries=[entry("b", "Entry B", 1), entry("a", "Entry A", 2)],
                 embeds=[Embed(post, 1, "blockquote", entry_position=1)])
    counts = load(db, again)
    assert counts["update_items"].updated == 2
    assert rows(db, "SELECT native_id, position, revision FROM update_items WHERE kind = 'liveblog_entry' ORDER BY native_id") == \
        [("a", 2, 1), ("b", 1, 1)]
    # the embed still points at entry b, which now holds position 1
    assert rows(db, "SELECT i.native_id FROM article_posts p JOIN update_items i USING (item_id)") == [("b",)]


def test_duplicate_keys_in_one_batch_load_once_with_the_latest_content(db):
    url = "https://news.example/live"
    older = page("live.html", url=url, seen=T0, entries=[entry("a", "Old")])
    newer = page("live.html", url=url, seen=T0 + timedelta(minutes=1), entries=[entry("a", "New")])
    load(db, newer, older)
    assert rows(db, "SELECT text, first_seen_at, last_seen_at FROM update_items") == \
        [("New", T0, T0 + timedelta(minutes=1))]
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_every_key_stays_unique_through_reloads_revisions_and_post_moves(db):
    # No table has a PRIMARY KEY (sql/migrations/014_no_keys.sql): the load alone keeps each key unique.
    url = "https://news.example/live"
    text_post = page("seed.txt", seen=T0, embeds=[Embed(new_arab_post(False), 1, "text_signature")])
    html_post = page("seed.html", url="https://news.example/putin", seen=T0 + timedelta(hours=1),
                     embeds=[Embed(new_arab_post(True), 1, "blockquote"), Embed(new_arab_post(True), 2, "blockquote")],
                     quotes=[Quote("We hope", "Putin", 1)])
    live = [page("live.html", url=url, seen=T0 + timedelta(minutes=m),
                 embeds=[Embed(new_arab_post(m == 1), 1, "blockquote")],
                 entries=[entry("a", f"Text {m}"), entry("b", "B", 2)]) for m in range(3)]
    load(db, text_post, live[0])
    load(db, text_post, html_post, live[1])  # a reload, a post move and a revision in one batch
    load(db, html_post, *live)  # another revision; a post seen as text and as HTML in one batch
    load(db, *live, html_post, text_post)  # everything again
    con = open_reader(str(db))
    try:
        assert duplicate_keys(con) == {}
        assert con.execute("SELECT count(*) FROM social_posts").fetchone() == (1,)  # the text post moved onto it
        assert con.execute("SELECT count(*) FROM item_revisions").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() "
                           "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone() == (0,)
    finally:
        con.close()


def test_migrations_lose_their_keys_and_nothing_else():
    ddl = ("CREATE TABLE a (\n    id VARCHAR PRIMARY KEY,\n    n INTEGER NOT NULL\n);\n"
           "CREATE TABLE b (\n    x VARCHAR NOT NULL,\n    y INTEGER NOT NULL,\n    PRIMARY KEY (x, y)\n);\n"
           "CREATE UNIQUE INDEX b_x ON b (x);\n"
           "COMMENT ON COLUMN a.id IS 'the PRIMARY KEY of a';")
    assert without_keys(ddl) == ("CREATE TABLE a (\n    id VARCHAR NOT NULL,\n    n INTEGER NOT NULL\n);\n"
                                 "CREATE TABLE b (\n    x VARCHAR NOT NULL,\n    y INTEGER NOT NULL\n);\n"
                                 "COMMENT ON COLUMN a.id IS 'the PRIMARY KEY of a';")


def schema_and_rows(path) -> tuple:
    con = connect_file(path, read_only=True)
    try:
        columns = con.execute("SELECT table_name, column_index, column_name, data_type, is_nullable, comment "
                              "FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY ALL").fetchall()
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables() ORDER BY ALL").fetchall()
        constraints = con.execute("SELECT table_name, constraint_type, constraint_column_names "
                                  "FROM duckdb_constraints() ORDER BY ALL").fetchall()
        data = {name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name, _ in tables}
    finally:
        con.close()
    return columns, tables, constraints, data


def test_a_warehouse_made_with_keys_is_rebuilt_without_them_with_its_rows_and_comments(tmp_path):
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    load(fresh, page("live.html", url="https://news.example/live", entries=[entry("a", "A")],
                     embeds=[Embed(new_arab_post(True), 1, "blockquote")], quotes=[Quote("We hope", "Putin", 1)]))
    # the same warehouse as a writer before migration 014 made it: every migration with its keys, then its rows
    old = tmp_path / "old" / "warehouse.duckdb"
    old.parent.mkdir()
    con = connect_file(old)
    con.execute(sql("store/schema_migrations"))
    for name, text in sql_files("migrations"):
        if int(name.split("_", 1)[0]) < 14:
            con.execute(text)
            con.execute(sql("store/record_migration"), [int(name.split("_", 1)[0]), name])
    keyed = "SELECT count(DISTINCT table_name) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
    assert con.execute(keyed).fetchone()[0] > 10
    con.execute(f"ATTACH '{fresh}' AS fresh (READ_ONLY)")
    for (table,) in con.execute(sql("store/user_tables"), ["fresh"]).fetchall():
        if table != "schema_views":
            con.execute(f"INSERT INTO main.{table} SELECT * FROM fresh.main.{table}")
    con.close()

    load(old, page("other.txt", body="Another page."))  # its writer migrates it first
    load(fresh, page("other.txt", body="Another page."))
    columns, tables, constraints, data = schema_and_rows(old)
    fresh_columns, fresh_tables, fresh_constraints, fresh_data = schema_and_rows(fresh)
    assert (columns, tables) == (fresh_columns, fresh_tables)  # columns in order, types, NOT NULLs, comments
    assert constraints == fresh_constraints and {kind for _, kind, _ in constraints} == {"NOT NULL"}
    assert ("articles", "NOT NULL", ["article_id"]) in constraints  # a key column stays NOT NULL
    for table in ("articles", "social_posts", "update_items", "article_posts", "post_entities", "quotes"):
        assert data[table] == fresh_data[table] != []
    assert len(data["articles"]) == 2
    con = connect_file(old, read_only=True)
    try:  # written anew after the rebuild: publishing copies no freed blocks
        used, free = con.execute("SELECT used_blocks, free_blocks FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    assert free < used


def test_run_bookkeeping_records_each_run_and_its_table_counts(db):
    load(db, page("a.txt", key_points=[UpdateItem("key_point", 1, "One.")]))
    load(db, page("a.txt", key_points=[UpdateItem("key_point", 1, "One.")]))
    runs = rows(db, "SELECT run_id, status, sources_ok, sources_failed FROM ingest_runs ORDER BY started_at")
    assert [r[1:] for r in runs] == [("ok", 1, 0), ("ok", 1, 0)]
    assert rows(db, f"SELECT inserted, updated, unchanged FROM run_table_counts "
                    f"WHERE run_id = '{runs[1][0]}' AND table_name = 'update_items'") == [(0, 0, 1)]
    assert rows(db, "SELECT count(*) FROM fetch_log") == [(2,)]


def test_a_batch_that_fails_to_load_leaves_earlier_batches_loaded(db, monkeypatch):
    good = build_batch([page("a.txt", body="First page.")])
    bad = build_batch([page("b.txt", body="Second page.")])
    bad.tables["articles"] = bad.tables["articles"].drop_columns(["body_text"])  # a broken batch
    with pytest.raises(LoadFailed, match=r"batch 2 of run \S+ \(1 page: b\.txt\) was not loaded.*Cause: .*body_text"):
        load_batches(str(db), [good, bad], command="test")
    assert rows(db, "SELECT body_text FROM articles") == [("First page.",)]
    assert rows(db, "SELECT status FROM ingest_runs") == [("failed",)]


def test_an_analyst_session_open_on_the_warehouse_does_not_block_a_load(file_db):
    load(file_db, page("a.txt", body="First page."))
    analyst = duckdb.connect(str(file_db), read_only=True)
    try:
        load(file_db, page("b.txt", body="Second page."))  # must not fail with "Could not set lock on file"
        assert analyst.execute("SELECT count(*) FROM articles").fetchone() == (1,)  # the analyst's snapshot
    finally:
        analyst.close()
    assert rows(file_db, "SELECT count(*) FROM articles") == [(2,)]  # the next session sees the new data


def test_an_analyst_in_another_process_does_not_block_a_load(file_db):
    load(file_db, page("a.txt", body="First page."))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print(c.execute('select count(*) from articles').fetchone()[0], flush=True); "
                               "time.sleep(30)", str(file_db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "1"
        load(file_db, page("b.txt", body="Second page."))
    finally:
        holder.kill()
        holder.wait()
    assert read_stats(file_db).table_counts["articles"] == 2


def test_a_second_writer_waits_for_the_first(file_db):
    from pipeline.store import WarehouseBusy

    with Writer(file_db):
        with pytest.raises(WarehouseBusy, match="another writer"):
            with Writer(file_db, lock_timeout_s=0.3):
                pass


# --- publishing: the spare, patched into the next published file (docs/architecture.md, "One writer, many readers") ---

def spare_of(db):
    return db.with_name(db.name + ".spare")


def working_of(db):
    return db.with_name(db.name + ".writer")


def inode(path) -> int | None:
    return path.stat().st_ino if path.exists() else None


def long_page(n: int) -> ParseResult:
    return page(f"{n}.txt", body=f"Page {n} says something at length. " * 2000)


def test_publishing_patches_the_spare_into_a_byte_for_byte_copy_of_the_working_copy(file_db):
    for n in range(6):
        spare = inode(spare_of(file_db))
        load(file_db, long_page(n))
        assert file_db.read_bytes() == working_of(file_db).read_bytes()
        if n >= 2:  # from the third load on, the file published the load before last is patched, not copied anew
            assert inode(file_db) == spare
    assert rows(file_db, "SELECT count(*) FROM articles") == [(6,)]


FINGERPRINT = ("SELECT count(*), sum(length(body_text)), string_agg(source, ',' ORDER BY source), "
               "(SELECT count(*) FROM ingest_runs) FROM articles")
READER = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps(con.execute("SELECT count(*) FROM ingest_runs").fetchone()), flush=True)
sys.stdin.readline()
print(json.dumps(con.execute(sys.argv[2]).fetchone()), flush=True)
"""


class Reader:
    """A read-only DuckDB session on the published file, in this process or in another one, or our own copy's read
    (`copy_published`). It reads little when it opens (DuckDB keeps what it read in memory); `read()` reads every
    article then, or the whole file."""

    def __init__(self, db, where: str):
        self.where = where
        if where == "this process":
            self.con = duckdb.connect(str(db), read_only=True)
            self.opened = self.con.execute("SELECT count(*) FROM ingest_runs").fetchone()
        elif where == "another process":
            self.process = subprocess.Popen([sys.executable, "-c", READER, str(db), FINGERPRINT],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.opened = tuple(json.loads(self.process.stdout.readline()))
        else:
            self.copying = read_published(db)
            self.handle = self.copying.__enter__()
            self.opened = (2,)

    def read(self):
        if self.where == "this process":
            return tuple(self.con.execute(FINGERPRINT).fetchone())
        if self.where == "another process":
            self.process.stdin.write("read\n")
            self.process.stdin.flush()
            return tuple(json.loads(self.process.stdout.readline()))
        return self.handle.read()

    def close(self):
        if self.where == "this process":
            self.con.close()
        elif self.where == "another process":
            self.process.kill()
            self.process.wait()
        else:
            self.copying.__exit__(None, None, None)


@pytest.mark.parametrize("where", ["this process", "another process", "copy_published"])
def test_a_reader_of_an_earlier_snapshot_keeps_reading_it_and_the_writer_copies_instead(file_db, where, caplog):
    caplog.set_level(logging.INFO, "pipeline.store.backend.file")
    load(file_db, long_page(0))
    load(file_db, long_page(1))  # a spare from now on
    snapshot = file_db.with_name("snapshot.duckdb")  # what the reader is about to open, by a copy of our own
    snapshot.write_bytes(file_db.read_bytes())
    reader = Reader(file_db, where)
    try:
        assert reader.opened == (2,)
        load(file_db, long_page(2))  # the reader's file is the spare now
        assert "publishing by a whole copy" not in caplog.text
        load(file_db, long_page(3))  # and is not patched: copied instead, saying so
        assert (f"{file_db}: publishing by a whole copy, not by patching warehouse.duckdb.spare: a reader still "
                f"holds it") in caplog.text
        load(file_db, long_page(4))  # the next spare is no reader's: patched
        assert caplog.text.count("publishing by a whole copy") == 1
        # the snapshot it opened, whole
        assert reader.read() == (snapshot.read_bytes() if where == "copy_published" else rows(snapshot, FINGERPRINT)[0])
    finally:
        reader.close()
    assert file_db.read_bytes() == working_of(file_db).read_bytes()
    assert rows(file_db, FINGERPRINT)[0][:1] == (5,)


@pytest.mark.parametrize("spare", ["longer garbage", "shorter garbage", "the published file's second name"])
def test_whatever_the_spare_holds_the_published_file_is_the_working_copy(file_db, spare, caplog):
    caplog.set_level(logging.INFO, "pipeline.store.backend.file")
    load(file_db, long_page(0))
    load(file_db, long_page(1))
    kept = file_db.with_name("kept")  # the published file, by a name of the test's own
    os.link(file_db, kept)
    published = file_db.read_bytes()
    if spare == "the published file's second name":  # as a writer killed between linking it and renaming leaves it
        spare_of(file_db).unlink()
        os.link(file_db, spare_of(file_db))
    else:
        spare_of(file_db).write_bytes(os.urandom(file_db.stat().st_size + 3_000_000 if spare == "longer garbage"
                                                 else 5000))
    patched = inode(spare_of(file_db))
    load(file_db, long_page(2))
    assert file_db.read_bytes() == working_of(file_db).read_bytes()
    assert rows(file_db, "SELECT count(*) FROM articles") == [(3,)]
    assert kept.read_bytes() == published  # what readers had open was never written
    if spare == "the published file's second name":
        assert "not by patching warehouse.duckdb.spare: it is not a file of its own" in caplog.text
    else:
        assert inode(file_db) == patched and "publishing by a whole copy" not in caplog.text


ROOT = Path(__file__).resolve().parents[1]
ANOTHER_USER = 65534  # nobody
LOAD_AS_ANOTHER_USER = """
import logging, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
logging.basicConfig(level=logging.INFO)
from tests.test_store import load, long_page
load(Path(sys.argv[2]), long_page(2))
"""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="a spare of another user's takes root to make (and setpriv to load as that user)")
def test_a_spare_another_user_published_is_not_patched_and_the_publish_succeeds():
    """Two accounts sharing a warehouse (files writable by both): the spare is the other account's file, whose mode
    only its owner may set; patching it made the publish fail ("Operation not permitted")."""
    folder = Path(tempfile.mkdtemp(prefix="threadline-shared-", dir="/tmp"))
    try:
        folder.chmod(0o777)
        db = folder / "warehouse.duckdb"
        umask = os.umask(0)  # the shared files writable by both accounts
        try:
            load(db, long_page(0))
            load(db, long_page(1))
        finally:
            os.umask(umask)
        assert spare_of(db).stat().st_uid == 0
        done = subprocess.run(["setpriv", f"--reuid={ANOTHER_USER}", f"--regid={ANOTHER_USER}", "--clear-groups",
                               sys.executable, "-c", LOAD_AS_ANOTHER_USER, str(ROOT), str(db)],
                              capture_output=True, text=True, env={**os.environ, "HOME": str(folder)}, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "not by patching warehouse.duckdb.spare: it belongs to another user" in done.stderr
        assert db.read_bytes() == working_of(db).read_bytes()
        assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_every_column_has_a_comment_for_analysts(db):
    from pipeline.settings import WarehouseSettings

    load(db, page("a.txt"))
    # A DuckLake refuses comments on a view's columns (docs/contract.md): there only the tables' columns must have them.
    views = " AND table_name NOT IN (SELECT view_name FROM duckdb_views())" if WarehouseSettings.of(db).is_lake else ""
    missing = rows(db, "SELECT table_name || '.' || column_name FROM duckdb_columns() "
                       "WHERE database_name = current_database() AND NOT internal "
                       "AND table_name <> 'schema_migrations' AND comment IS NULL" + views)
    assert missing == []
    assert rows(db, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'report_pages'") == [(1,)]  # with the load


def test_attempts_of_one_url_are_numbered_across_the_batches_of_a_run(tmp_path):
    """A URL read again in a later batch of the same run gets the next attempt numbers, whatever other URLs the run
    logged; another run starts again at 1."""
    t0 = datetime(2025, 3, 1, tzinfo=timezone.utc)
    url, other = "https://news.example/a", "https://news.example/b"
    first = build_batch([], [FetchRecord(url, "error", t0, stage="fetch", cause="timed out"),
                             FetchRecord(other, "ok", t0)])
    second = build_batch([], [FetchRecord(url, "error", t0 + timedelta(minutes=1), stage="fetch", cause="timed out"),
                              FetchRecord(url, "ok", t0 + timedelta(minutes=2))])
    db = str(tmp_path / "w.duckdb")
    run_a, _, _ = load_batches(db, [first, second], command="ingest")
    run_b, _, _ = load_batches(db, [second], command="ingest")
    con = duckdb.connect(db, read_only=True)
    got = con.execute("SELECT run_id, url, attempt, outcome FROM fetch_log ORDER BY run_id = ?, url, attempt",
                      [run_b]).fetchall()
    con.close()
    assert got == [(run_a, url, 1, "error"), (run_a, url, 2, "error"), (run_a, url, 3, "ok"), (run_a, other, 1, "ok"),
                   (run_b, url, 1, "error"), (run_b, url, 2, "ok")]
