"""A hostile or broken warehouse on disk: the published file is the truth, and every failure is one line.

Real DuckDB files in tmp folders, the command run as a user runs it (tests/commands.py). A full disk is a small tmpfs
(we run as root here and in CI), a read-only folder a tmpfs remounted read-only.
"""
from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests import lake_loader
from tests.commands import pipeline
from tests.lakes import fresh_lake

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_warehouse_setting")]

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "seeds" / "seed_article_putin_syria.txt"
SEED_HTML = ROOT / "seeds" / "seed_article_putin_syria.html"
EMBED_PAGES = ROOT / "tests" / "fixtures" / "embed_pages"


def rows(db: Path, statement: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()


def ingest(db: Path, *sources: Path) -> subprocess.CompletedProcess:
    return pipeline("ingest", *map(str, sources), "--db", str(db))


def loaded(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def one_line_failure(result: subprocess.CompletedProcess, *phrases: str) -> str:
    """The command failed with exit 1 and one line on stderr holding each phrase; returns that line."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def identity(path: Path) -> tuple:
    info = path.stat()
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def runs(db: Path) -> list[tuple]:
    return rows(db, "SELECT command, status, cause FROM ingest_runs ORDER BY run_id")


def embed_articles(db: Path) -> int:
    return rows(db, "SELECT count(*) FROM articles WHERE source LIKE '%embed_pages%'")[0][0]


# --- the published file is the truth ---

def test_a_restored_backup_is_what_the_next_load_builds_on_and_the_working_copy_is_kept_aside(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db, backup)
    loaded(ingest(db, EMBED_PAGES))  # the "bad load" the operator wants undone
    assert embed_articles(db) > 0
    shutil.copyfile(backup, db)  # the operator restores the backup over the published file

    result = loaded(ingest(db, SEED_HTML))
    assert "set the working copy aside as w.duckdb.writer.stale-" in result.stderr
    assert "not the one this writer last published" in result.stderr
    assert embed_articles(db) == 0  # the bad load is not published again
    assert [(command, status) for command, status, _ in runs(db)] == [("ingest", "ok"), ("ingest", "ok")]
    stale = [p for p in tmp_path.glob("w.duckdb.writer.stale-*") if not p.name.endswith(".wal")]
    assert len(stale) == 1 and embed_articles(stale[0]) > 0  # nothing the writer had is lost

    result = loaded(ingest(db, SEED_TEXT))  # from now on the working copy is carried on again
    assert "aside" not in result.stderr and len(list(tmp_path.glob("w.duckdb.writer.stale-*"))) == 1
    assert len(runs(db)) == 3 and embed_articles(db) == 0


def test_a_working_copy_duckdb_cannot_open_is_set_aside_and_the_load_starts_from_the_published_file(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    working = tmp_path / "w.duckdb.writer"
    working.write_bytes(b"not a database any more\n" * 1000)

    result = loaded(ingest(db, SEED_HTML))
    assert "set the working copy aside" in result.stderr and "DuckDB cannot open it" in result.stderr
    assert [status for _, status, _ in runs(db)] == ["ok", "ok"]
    (stale,) = tmp_path.glob("w.duckdb.writer.stale-*")
    assert stale.read_bytes() == b"not a database any more\n" * 1000  # kept as it was, not deleted


def test_a_warehouse_published_before_records_were_kept_carries_its_working_copy_on(tmp_path):
    """The first load after upgrading: no `.writer.published` yet, the working copy is the published file's twin."""
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    (tmp_path / "w.duckdb.writer.published").unlink()  # as a warehouse of the version before looks

    result = loaded(ingest(db, SEED_HTML))
    assert "aside" not in result.stderr and not list(tmp_path.glob("w.duckdb.writer.stale-*"))
    assert [status for _, status, _ in runs(db)] == ["ok", "ok"]
    assert (tmp_path / "w.duckdb.writer.published").exists()  # recorded from now on


def test_without_a_record_a_published_file_replaced_since_still_wins(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(db, backup)
    loaded(ingest(db, EMBED_PAGES))
    (tmp_path / "w.duckdb.writer.published").unlink()
    shutil.copyfile(backup, db)  # restored after the last publish: newer, and of another size
    later = (tmp_path / "w.duckdb.writer").stat().st_mtime_ns + 1_000_000_000  # newer whatever the clock's resolution
    os.utime(db, ns=(later, later))

    result = loaded(ingest(db, SEED_HTML))
    assert "set the working copy aside" in result.stderr
    assert embed_articles(db) == 0


def test_publishing_keeps_the_published_files_mode_and_group(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    os.chmod(db, 0o440)
    group = 100 if os.getgid() != 100 else 101
    if os.geteuid() == 0:
        os.chown(db, -1, group)
    else:
        group = os.getgid()
    loaded(ingest(db, SEED_HTML))
    assert db.stat().st_mode & 0o7777 == 0o440 and db.stat().st_gid == group
    assert len(runs(db)) == 2


# --- a full disk ---

@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB file system of its own: tmpfs, else a loop-mounted ext4 image."""
    folder = tmp_path / "disk"
    folder.mkdir()
    tried = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(folder)],
                           capture_output=True, text=True)
    if tried.returncode != 0:
        image = tmp_path / "disk.img"
        made = subprocess.run(["mkfs.ext4", "-q", str(image), "40M"], capture_output=True, text=True)
        looped = made.returncode == 0 and subprocess.run(
            ["mount", "-o", "loop", str(image), str(folder)], capture_output=True, text=True).returncode == 0
        if not looped:
            pytest.skip(f"cannot mount a small file system here (tmpfs: {tried.stderr.strip()}; loop ext4: "
                        f"{made.stderr.strip()}): run as root to test a full disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int) -> Path:
    """A file of ours taking all the free space of `folder` but `leave` bytes."""
    info = os.statvfs(folder)
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        handle.truncate(0)
    free = info.f_bfree if os.geteuid() == 0 else info.f_bavail  # root may write into ext4's reserved blocks
    size = max(0, free * info.f_frsize - leave)
    subprocess.run(["fallocate", "-l", str(size), str(filler)], check=True)
    return filler


@pytest.mark.parametrize("leave, stage", [
    (0, "the run could not be started"),
    (20_000, "was not loaded"),
    (100_000, "could not be checkpointed"),
    (None, "could not be published"),  # room for the load and its checkpoint, not for the published copy
], ids=["start", "load", "checkpoint", "publish"])
def test_a_full_disk_fails_the_run_in_one_line_and_the_published_file_stays_intact(small_disk, leave, stage):
    db = small_disk / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    before, published = runs(db), identity(db)
    filler = fill(small_disk, db.stat().st_size if leave is None else leave)

    line = one_line_failure(ingest(db, EMBED_PAGES, SEED_HTML), stage, "No space left on device")
    assert identity(db) == published and runs(db) == before  # readers still see the warehouse as it was
    assert not list(small_disk.glob("w.duckdb.publishing-*"))

    filler.unlink()
    loaded(ingest(db, SEED_TEXT))
    after = runs(db)
    if leave == 0:
        assert [status for _, status, _ in after] == ["ok", "ok"]  # no run was started
    elif "could not be recorded as failed" not in line:
        assert [status for _, status, _ in after] == ["ok", "failed", "ok"]
        assert "No space left on device" in after[1][2]
    assert [status for _, status, _ in after].count("ok") == 2


# --- a warehouse that cannot be opened ---

def newer_duckdb_file(path: Path) -> None:
    """A DuckDB file whose header says storage version 69 (DuckDB 2.0), with a valid header checksum."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    with open(path, "r+b") as handle:
        header = bytearray(handle.read(4096))
        struct.pack_into("<Q", header, 12, 69)  # after the checksum (8 bytes) and the magic "DUCK"
        checksum = 5381
        for (word,) in struct.iter_unpack("<Q", bytes(header[8:])):
            checksum ^= (word * 0xBF58476D1CE4E5B9) & (2 ** 64 - 1)
        struct.pack_into("<Q", header, 0, checksum)
        handle.seek(0)
        handle.write(header)


@pytest.mark.parametrize("make, phrase", [
    (lambda p: p.mkdir(), "is a directory, not a DuckDB file"),
    (lambda p: p.write_text("id,name\n1,not a database\n" * 200), "is not a DuckDB database file"),
    (newer_duckdb_file, "was made by a newer DuckDB (storage v69); Threadline uses duckdb 1.5.5"),
], ids=["directory", "not-duckdb", "newer-duckdb"])
@pytest.mark.parametrize("command", ["ingest", "stats", "report", "export"])
def test_a_warehouse_that_is_no_duckdb_15_file_fails_in_one_line_naming_it(tmp_path, make, phrase, command):
    db = tmp_path / "w.duckdb"
    make(db)
    args = {"ingest": [command, str(SEED_TEXT)], "stats": [command]}.get(command, [command, "--out",
                                                                               str(tmp_path / "out")])
    one_line_failure(pipeline(*args, "--db", str(db)), str(db), phrase)
    assert not (tmp_path / "w.duckdb.writer").exists()


def test_a_published_file_replaced_by_no_warehouse_fails_the_load_and_moves_nothing_of_the_writers(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    db.write_text("id,name\n1,an export saved over the warehouse\n")
    one_line_failure(ingest(db, SEED_HTML), str(db), "is not a DuckDB database file")
    assert (tmp_path / "w.duckdb.writer").exists() and not list(tmp_path.glob("w.duckdb.writer.stale-*"))


def test_a_read_only_folder_fails_the_load_in_one_line_and_still_reads(small_disk):
    db = small_disk / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    one_line_failure(ingest(db, SEED_HTML), str(db), "cannot create the writer's lock", "Read-only file system")
    one_line_failure(ingest(small_disk / "new" / "w.duckdb", SEED_HTML), "cannot create its folder",
                     "Read-only file system")
    stats = pipeline("stats", "--db", str(db))
    assert stats.returncode == 0 and "1 sources ok" in stats.stdout, stats.stderr


def test_stats_of_a_missing_warehouse_is_one_line(tmp_path):
    one_line_failure(pipeline("stats", "--db", str(tmp_path / "none.duckdb")), "no warehouse at")


# --- killed runs, and a writer that waits ---

def lake_loader_process(n: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "lake_loader.py"), str(n)],
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def paused(process: subprocess.Popen, pause: Path, timeout: float = 120) -> None:
    """Wait until a loader stopped before its first commit (it holds the writer's lock, its run started)."""
    deadline = time.monotonic() + timeout
    while not (pause / "ready").exists():
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the loader never reached its commit"
        time.sleep(0.05)


def read_line(stream, timeout: float) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"nothing on stderr within {timeout} s"
    return stream.readline()


def test_a_second_writer_says_it_waits_and_marks_the_run_of_a_killed_loader_abandoned(tmp_path):
    db = tmp_path / "w.duckdb"
    loaded(ingest(db, SEED_TEXT))
    pause = tmp_path / "pause"
    pause.mkdir()
    victim = lake_loader_process(0, {"THREADLINE_DB": str(db), "LOADER_PAUSE_BEFORE_COMMIT": str(pause)})
    waiting = None
    try:
        paused(victim, pause)
        waiting = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(SEED_HTML), "--db", str(db)],
                                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = read_line(waiting.stderr, 60)
        assert "waiting for the writer lock on" in line and "held by another load" in line and "up to 3600 s" in line
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(30)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "Traceback" not in err, err
    assert "marked abandoned" in err
    got = runs(db)
    assert [(command, status) for command, status, _ in got] == [("ingest", "ok"), ("loader-0", "abandoned"),
                                                                 ("ingest", "ok")]
    assert "ended without finishing it" in got[1][2]
    assert rows(db, "SELECT finished_at FROM ingest_runs WHERE status = 'abandoned'") == [(None,)]


@pytest.mark.postgres
def test_a_lake_run_is_abandoned_only_once_its_catalog_session_is_gone(tmp_path):
    import psycopg2

    from pipeline.store import Writer, open_reader

    with fresh_lake(tmp_path) as lake:
        pause = tmp_path / "pause"
        pause.mkdir()
        victim = lake_loader_process(1, {**lake.env(), "LOADER_PAUSE_BEFORE_COMMIT": str(pause)})
        try:
            paused(victim, pause)
            with Writer(lake.warehouse) as writer:  # another writer while the loader is alive
                assert writer.abandon_dead_runs() == []
            con = open_reader(lake.db)
            try:
                ((status, pid),) = con.execute("SELECT status, catalog_pid FROM ingest_runs").fetchall()
            finally:
                con.close()
            assert status == "running" and pid is not None
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)

        deadline = time.monotonic() + 30  # PostgreSQL ends the killed loader's session when it sees the socket close
        with contextlib.closing(psycopg2.connect(lake.catalog)) as probe, probe.cursor() as cur:
            while True:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
                if cur.fetchone()[0] == 0:
                    break
                assert time.monotonic() < deadline, "the killed loader's catalog session did not end"
                time.sleep(0.1)
        with Writer(lake.warehouse) as writer:
            assert len(writer.abandon_dead_runs()) == 0  # already done when the writer opened
        con = open_reader(lake.db)
        try:
            assert con.execute("SELECT command, status FROM ingest_runs").fetchall() == [("loader-1", "abandoned")]
        finally:
            con.close()
