"""The warehouse file: one writer at a time, a working copy it writes, and a published copy analysts read.

DuckDB lets one process write a file and nobody read it meanwhile, and an analyst's read-only session blocks any
writer. So the writer never opens the published file: it writes `<db>.writer` under a lock (`<db>.lock`), and
after its loads commits it checkpoints, closes, copies the working file beside the published one and renames it
into place. Readers with a session open keep their snapshot; the next session sees the new one.
"""
from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline.stage import Batch
from pipeline.store.load import TableCounts, load_batch, set_variable
from pipeline.store.migrate import migrate
from pipeline.store.sqlfiles import sql, sql_files

log = logging.getLogger(__name__)

# Built-in extensions only (json, parquet, icu): nothing is downloaded at run time.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# How long a writer waits for another one to finish before giving up: a nightly load of hundreds of pages takes
# minutes; an hour means "something is stuck", which an operator should hear about.
DEFAULT_LOCK_TIMEOUT_S = 3600.0


class WarehouseBusy(Exception):
    """Another writer held the warehouse for longer than we were willing to wait."""


class WarehouseMissing(Exception):
    """There is no warehouse at the given path yet."""


@dataclass(frozen=True)
class WarehousePaths:
    published: Path  # what analysts open, read-only
    working: Path  # what the writer writes
    lock: Path

    @classmethod
    def for_db(cls, db: str | os.PathLike) -> "WarehousePaths":
        published = Path(db)
        return cls(published, published.with_name(published.name + ".writer"),
                   published.with_name(published.name + ".lock"))


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with our settings: UTC, no extension downloads."""
    con = duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
    con.execute("SET TimeZone = 'UTC'")
    return con


def new_run_id() -> str:
    """Time-ordered and unique: UTC time to the microsecond plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


class Writer:
    """Exclusive write access to a warehouse: `with Writer(db) as w: run = w.start_run(...); w.load(batch, run)`."""

    def __init__(self, db: str | os.PathLike, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S):
        self.paths = WarehousePaths.for_db(db)
        self.lock_timeout_s = lock_timeout_s
        self._lock_file = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> "Writer":
        self.paths.published.parent.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        try:
            if not self.paths.working.exists() and self.paths.published.exists():
                # The working copy was removed (or this is a new host): continue from what readers see.
                shutil.copyfile(self.paths.published, self.paths.working)
            self.con = connect(self.paths.working)
            migrate(self.con)
        except BaseException:
            self._release_lock()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.con is not None:
                self.con.execute("CHECKPOINT")
                self.con.close()
                self.con = None
                self._publish()
        finally:
            self._release_lock()

    def start_run(self, command: str, *, airflow_run_id: str | None = None, airflow_try: int | None = None) -> str:
        """Record a run as running; returns its id."""
        run_id = new_run_id()
        set_variable(self.con, "run_id", run_id)
        set_variable(self.con, "command", command)
        set_variable(self.con, "airflow_run_id", airflow_run_id)
        set_variable(self.con, "airflow_try", airflow_try)
        self.con.execute(sql("runs/start"))
        return run_id

    def load(self, batch: Batch, run_id: str) -> dict[str, TableCounts]:
        """Merge one batch in one transaction."""
        return load_batch(self.con, batch, run_id)

    def finish_run(self, run_id: str, *, broken: bool = False) -> str:
        """Close a run's bookkeeping; returns its status (ok, partial or failed)."""
        set_variable(self.con, "run_id", run_id)
        set_variable(self.con, "broken", broken)
        self.con.execute(sql("runs/finish"))
        return self.con.execute(sql("runs/status"), [run_id]).fetchone()[0]

    def apply_sql_folder(self, folder: str) -> list[str]:
        """Run every `sql/<folder>/*.sql` file, in name order, in one transaction; returns the names run.

        For idempotent definitions kept outside the versioned migrations (`sql/reporting/` views): either every
        file applies or none does.
        """
        files = sql_files(folder)
        self.con.begin()
        try:
            for name, text in files:
                try:
                    self.con.execute(text)
                except duckdb.Error as exc:
                    raise RuntimeError(f"sql/{folder}/{name}.sql: {exc}") from exc
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        return [name for name, _ in files]

    def _acquire_lock(self) -> None:
        self._lock_file = open(self.paths.lock, "a+")
        deadline = time.monotonic() + self.lock_timeout_s
        announced = False
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self.paths.lock.read_text().strip() or "unknown"
                    self._lock_file.close()
                    raise WarehouseBusy(
                        f"{self.paths.published}: another writer ({holder}) still holds {self.paths.lock} after "
                        f"{self.lock_timeout_s:.0f} s; wait for it to finish or stop it"
                    ) from None
                if not announced:
                    log.info("waiting for another writer to release %s", self.paths.lock)
                    announced = True
                time.sleep(0.2)
        self._lock_file.seek(0)
        self._lock_file.truncate()
        self._lock_file.write(f"pid {os.getpid()} on {os.uname().nodename}\n")
        self._lock_file.flush()

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _publish(self) -> None:
        """Copy the checkpointed working file beside the published one and rename it into place (atomic)."""
        for stale in self.paths.published.parent.glob(f"{self.paths.published.name}.publishing-*"):
            stale.unlink()  # left by a writer killed while publishing; we hold the lock, so nobody else writes it
        temporary = self.paths.published.with_name(f"{self.paths.published.name}.publishing-{os.getpid()}")
        shutil.copyfile(self.paths.working, temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, self.paths.published)
        log.info("published %s", self.paths.published)


def copy_published(db: str | os.PathLike, target: str | os.PathLike) -> Path:
    """A standalone copy of the published warehouse at `target` (replaced if present); returns its path.

    The published file is only ever replaced by a rename, never written in place, so copying it gives one
    consistent snapshot even while a writer runs.
    """
    source = Path(db)
    if not source.exists():
        raise WarehouseMissing(f"no warehouse at {source}: run `pipeline ingest` first")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.copying-{os.getpid()}")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)
    return target


def open_reader(db: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only session on the published warehouse, as analysts open it."""
    path = Path(db)
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `pipeline ingest` first")
    return connect(path, read_only=True)
