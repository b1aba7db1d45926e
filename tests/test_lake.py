"""The warehouse as a DuckLake on this machine's PostgreSQL, written by several loader processes at once.

Each test gets a fresh catalog database (dropped afterwards) and data folder (tests/lakes.py). The loaders are real
processes (tests/lake_loader.py) so that locks, commits and kills are what they are in production.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipeline.batches import load_batches
from pipeline.store import Writer, export_duckdb, maintain, open_reader, read_stats
from tests import lake_loader
from tests.warehouse_rows import KEYS, duplicate_keys

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CONTENT_TABLES = ["articles", "social_posts", "update_items", "item_revisions", "article_posts", "post_entities",
                  "quotes"]


def loader(n: int, lake, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "lake_loader.py"), str(n)],
                            env={**os.environ, **lake.env(), "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 180) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return out


def counts(con, tables=CONTENT_TABLES) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def load_one(lake, n: int) -> str:
    run_id, status, _ = load_batches(lake.db, list(lake_loader.batches(n)), command="test")
    assert status == "ok"
    return run_id


# Whole commits: each batch brings an outlet page with all its embeds, and one version of the live blog with every
# entry at that version, and adds its sources and its fetch_log rows to its run together.
TORN = """
SELECT (SELECT count(*) FROM articles a WHERE a.url LIKE 'https://outlet%'
          AND (SELECT count(*) FROM article_posts p WHERE p.article_id = a.article_id) <> {posts})
     + (SELECT count(DISTINCT regexp_extract(text, 'version (\\d+)', 1)) FROM update_items
          WHERE kind = 'liveblog_entry' AND native_id LIKE 'block-%') - least(1, (SELECT count(*) FROM articles))
     + (SELECT count(*) FROM ingest_runs r
          WHERE sources_ok <> (SELECT count(*) FROM fetch_log f WHERE f.run_id = r.run_id))
""".format(posts=lake_loader.POSTS)


@pytest.mark.postgres
def test_four_loaders_merge_overlapping_batches_at_once_into_one_row_per_key(lake, tmp_path):
    with Writer(lake.db):
        pass  # the lake exists (the first writer creates it), so the reader can attach before the loads begin
    go = tmp_path / "go"
    loaders = [loader(n, lake, LOADER_GO=str(go)) for n in range(lake_loader.LOADERS)]
    ready = [go.with_name(f"go.ready-{n}") for n in range(lake_loader.LOADERS)]
    deadline = time.monotonic() + 120
    while not all(path.exists() for path in ready):  # each loader builds its batches, then waits for the same start
        dead = [p for p in loaders if p.poll() is not None]
        assert not dead, dead[0].communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the loaders never built their batches"
        time.sleep(0.05)
    go.touch()
    # A reader attached all along: one session polling the latest snapshot, one holding a transaction open.
    reader, holder = open_reader(lake.db), open_reader(lake.db)
    holder.execute("BEGIN")
    held = counts(holder)
    torn, polls, seen_articles = [], 0, set()
    try:
        while any(p.poll() is None for p in loaders):
            torn.append(reader.execute(TORN).fetchone()[0])
            seen_articles.add(reader.execute("SELECT count(*) FROM articles").fetchone()[0])
            polls += 1
        outputs = [finish(p) for p in loaders]
        assert counts(holder) == held  # the open transaction kept its snapshot and blocked no loader
        holder.execute("COMMIT")
    finally:
        reader.close()
        holder.close()
        for p in loaders:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(line.split()[1] == "ok" for line in outputs)
    assert polls > 3 and len(seen_articles) >= 2, "the reader should have seen the lake grow"
    assert set(torn) == {0}, "a reader saw part of a commit"

    con = open_reader(lake.db)
    try:
        assert duplicate_keys(con) == {}
        assert counts(con) == {**lake_loader.expected(), "quotes": 0}
        # every post is one row under its native id; the text-only copy of post 5 ended on it
        assert con.execute("SELECT count(*) FROM social_posts WHERE native_id IS NULL").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM article_posts WHERE form = 'text_signature' "
                           "AND post_id = 'x:1890000000000000005'").fetchone() == (1,)
        # every revision kept: each edited entry is at its last version, with each earlier text once
        assert con.execute("SELECT DISTINCT revision, text LIKE '%version 2.' FROM update_items "
                           "WHERE native_id LIKE 'block-%'").fetchall() == [(3, True)]
        assert con.execute("SELECT revision, count(*), count(DISTINCT text) FROM item_revisions "
                           "GROUP BY revision ORDER BY revision").fetchall() == [(1, 3, 3), (2, 3, 3)]
        assert con.execute("SELECT bool_and(text LIKE '%version ' || (revision - 1) || '.') "
                           "FROM item_revisions").fetchone() == (True,)
        # the runs overlapped in time, all ended ok, and each batch committed (after any retried attempts)
        runs = con.execute("SELECT started_at, finished_at, status FROM ingest_runs ORDER BY started_at").fetchall()
        assert [r[2] for r in runs] == ["ok"] * lake_loader.LOADERS
        assert runs[-1][0] < runs[0][1], "the loaders should have run at the same time"
        assert con.execute("SELECT count(*) FROM load_attempts WHERE outcome = 'committed'").fetchone() == \
            (lake_loader.LOADERS * lake_loader.BATCHES,)
        # the table locks made the merges take turns: no loader lost a commit and had to redo its work
        assert con.execute("SELECT count(*) FROM load_attempts WHERE outcome <> 'committed'").fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.postgres
def test_a_loader_killed_in_the_middle_of_its_commit_leaves_the_previous_snapshot_and_a_rerun_completes_it(
        lake, tmp_path):
    import psycopg2

    load_one(lake, 0)
    before = read_stats(lake.db)

    pause = tmp_path / "pause"
    pause.mkdir()
    victim = loader(1, lake, LOADER_PAUSE_BEFORE_COMMIT=str(pause))
    catalog = psycopg2.connect(lake.catalog)
    try:
        deadline = time.monotonic() + 60
        while not (pause / "ready").exists():
            assert victim.poll() is None, victim.communicate()[1][-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        con = open_reader(lake.db)  # the loader has started its run and written its first batch, uncommitted
        snapshot_before = con.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0]
        con.close()
        # Hold back one catalog table (reads still pass): the loader's COMMIT sends its catalog writes as one batch,
        # inserts its new snapshot row and stats, and then waits on this table, half-way through its commit.
        with catalog.cursor() as cur:
            cur.execute("LOCK TABLE ducklake_snapshot_changes IN EXCLUSIVE MODE")
        (pause / "go").touch()
        waiting = None
        while waiting is None:
            assert time.monotonic() < deadline, "the loader never reached its commit"
            with contextlib.closing(psycopg2.connect(lake.catalog)) as probe, probe.cursor() as cur:
                cur.execute("SELECT a.backend_xid IS NOT NULL, a.query LIKE 'INSERT INTO \"public\".ducklake_snapshot %' "
                            "FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                            "WHERE NOT l.granted AND l.relation = 'ducklake_snapshot_changes'::regclass")
                waiting = cur.fetchone()
            time.sleep(0.05)
        assert waiting == (True, True), "the loader should be blocked in its commit, its new snapshot row written"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        catalog.rollback()
        catalog.close()
    assert victim.returncode == -signal.SIGKILL

    con = open_reader(lake.db)
    try:
        assert con.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0] == snapshot_before
        assert counts(con) == {t: before.table_counts[t] for t in CONTENT_TABLES}
        assert con.execute("SELECT count(*) FROM ingest_runs WHERE status = 'running'").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM load_attempts").fetchone() == (lake_loader.BATCHES,)
    finally:
        con.close()

    finish(loader(1, lake))  # the re-run: its advisory locks died with the killed process
    con = open_reader(lake.db)
    try:
        assert duplicate_keys(con) == {}
        loaders_0_and_1 = {**lake_loader.expected(), "quotes": 0,  # no text page: loader 3 brings that
                           "articles": 2 * lake_loader.BATCHES + 1,
                           "article_posts": 2 * lake_loader.BATCHES * lake_loader.POSTS + 3}
        got, want = counts(con), loaders_0_and_1
        assert got == want
    finally:
        con.close()


@pytest.mark.postgres
def test_time_travel_to_the_snapshot_before_a_run_gives_the_counts_from_before_it(lake):
    load_one(lake, 0)
    after_first = read_stats(lake.db).table_counts
    second = load_one(lake, 1)
    con = open_reader(lake.db)
    snapshot_before, snapshot_after = con.execute(
        "SELECT snapshot_before, snapshot_after FROM ingest_runs WHERE run_id = ?", [second]).fetchone()
    con.close()
    assert snapshot_before < snapshot_after

    past = read_stats(lake.db, snapshot=snapshot_before)
    assert past.table_counts == after_first
    assert past.last_run["run_id"] != second
    assert read_stats(lake.db).table_counts["articles"] == after_first["articles"] + lake_loader.BATCHES
    # by time as well: the time of that snapshot
    con = open_reader(lake.db)
    at = con.execute("SELECT snapshot_time FROM lake.snapshots() WHERE snapshot_id = ?",
                     [snapshot_before]).fetchone()[0]
    con.close()
    assert read_stats(lake.db, at=at).table_counts == after_first


@pytest.mark.postgres
def test_a_commit_that_loses_to_another_writer_is_retried_and_every_attempt_is_recorded(lake, monkeypatch):
    from pipeline.store import load as store_load

    load_one(lake, 0)
    conflicts = []

    def conflict_once(con) -> None:
        """Another writer (outside the pipeline's locks) changes ingest_runs while this load is uncommitted."""
        if conflicts:
            return
        from pipeline.store.backend import backend_for

        intruder = backend_for(lake.db)._connect(read_only=False)
        intruder.execute("UPDATE ingest_runs SET sources_failed = sources_failed WHERE command = 'test'")
        intruder.close()
        conflicts.append(1)

    monkeypatch.setattr(store_load, "before_commit", conflict_once)
    run_id = load_one(lake, 1)
    con = open_reader(lake.db)
    try:
        attempts = con.execute("SELECT batch, attempt, outcome, error LIKE '%conflict%' FROM load_attempts "
                               "WHERE run_id = ? ORDER BY batch, attempt", [run_id]).fetchall()
        assert attempts == [(1, 1, "retried", True), (1, 2, "committed", None), (2, 1, "committed", None),
                            (3, 1, "committed", None)]
        assert duplicate_keys(con) == {}
        assert con.execute("SELECT status, sources_ok FROM ingest_runs WHERE run_id = ?", [run_id]).fetchone() == \
            ("ok", 2 * lake_loader.BATCHES)
    finally:
        con.close()


@pytest.mark.postgres
def test_export_duckdb_writes_one_file_with_the_lakes_rows_and_the_warehouse_schema(lake, tmp_path):
    load_one(lake, 0)
    load_one(lake, 3)
    out = tmp_path / "export" / "threadline.duckdb"
    exported = export_duckdb(lake.db, out)
    con = open_reader(lake.db)
    lake_counts = counts(con, list(KEYS))
    con.close()
    assert {t: exported[t] for t in KEYS} == lake_counts
    # an ordinary warehouse file: opens in plain DuckDB, the file's schema (NOT NULLs, no keys: the load keeps them
    # unique), every key unique, and exports again as a file warehouse
    plain = duckdb.connect(str(out), read_only=True)
    assert plain.execute("SELECT DISTINCT constraint_type FROM duckdb_constraints() "
                         "WHERE table_name = 'social_posts'").fetchall() == [("NOT NULL",)]
    assert duplicate_keys(plain) == {}
    plain.close()
    again = export_duckdb(out, tmp_path / "again.duckdb")
    assert again == exported


@pytest.mark.postgres
def test_maintenance_merges_files_expires_snapshots_and_keeps_every_row(lake):
    for n in range(lake_loader.LOADERS):
        load_one(lake, n)
    con = open_reader(lake.db)
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in KEYS}
    first_snapshot = con.execute("SELECT min(snapshot_id) FROM lake.snapshots()").fetchone()[0]
    snapshots_before = con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0]
    con.close()

    files_before = set(lake.data.rglob("*.parquet"))
    done = maintain(lake.db, retention=0)

    con = open_reader(lake.db)
    try:
        assert {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in KEYS} == before
        assert con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0] < snapshots_before
    finally:
        con.close()
    assert done["expired"] > 0
    with pytest.raises(duckdb.Error):
        read_stats(lake.db, snapshot=first_snapshot)  # expired: no longer reachable
    con = open_reader(lake.db)
    listed = con.execute("SELECT count(*) FROM ducklake_list_files('lake', 'articles')").fetchone()[0]
    con.close()
    assert listed == 1, "the articles' small files should have been merged into one"
    files_after = set(lake.data.rglob("*.parquet"))
    assert len(files_after) < len(files_before) and files_after - files_before, "old files gone, merged ones new"
    # a load after maintenance still works
    load_one(lake, 0)


@pytest.mark.postgres
def test_the_cli_ingests_and_reports_on_a_lake(lake, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("THREADLINE_LAKE_DATA")
    env.pop("THREADLINE_DB")
    seed = ROOT / "seeds" / "seed_article_putin_syria.txt"
    ingest = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(seed), "--db", lake.db,
                             "--lake-data", str(lake.data)], env=env, capture_output=True, text=True, timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    assert "1 sources: 1 loaded, 0 failed" in ingest.stdout
    stats = subprocess.run([sys.executable, "-m", "pipeline", "stats", "--db", lake.db], env=env,
                           capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert "social_posts               2" in stats.stdout and ": ok, 1 sources ok" in stats.stdout


@pytest.mark.postgres
def test_a_new_lake_without_a_data_folder_fails_with_a_clear_message(new_lake, monkeypatch):
    from pipeline.store import LakeUnavailable

    monkeypatch.delenv("THREADLINE_LAKE_DATA")
    with pytest.raises(LakeUnavailable, match="--lake-data"):
        load_one(new_lake, 0)


@pytest.mark.postgres
def test_a_missing_extension_fails_with_a_clear_message(lake, monkeypatch):
    import importlib.util

    from pipeline.store import LakeUnavailable

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "duckdb_extension_ducklake" else real(name, *a))
    with pytest.raises(LakeUnavailable, match="pip install duckdb-extension-ducklake==1.5.5"):
        load_one(lake, 0)


@pytest.mark.postgres
def test_extensions_load_by_path_with_signature_checks_and_no_downloads(lake):
    load_one(lake, 0)
    con = open_reader(lake.db)
    try:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('allow_unsigned_extensions', "
            "'autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
        assert settings == {"allow_unsigned_extensions": "false", "autoinstall_known_extensions": "false",
                            "autoload_known_extensions": "false"}
        loaded = dict(con.execute("SELECT extension_name, install_mode FROM duckdb_extensions() "
                                  "WHERE extension_name IN ('ducklake', 'postgres_scanner') AND loaded").fetchall())
        assert set(loaded) == {"ducklake", "postgres_scanner"}
    finally:
        con.close()
