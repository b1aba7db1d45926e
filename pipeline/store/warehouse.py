"""The writer and readers of the warehouse, whichever backend holds it (`pipeline/store/backend/`).

A DuckDB file (the default) admits one writing process and, while anyone reads, no writer: the writer works on a
copy under a lock and publishes it by an atomic rename. A DuckLake (`ducklake:postgres:…`) admits many writers and
readers at once: each merge takes its tables' advisory locks before its transaction and releases them after the
commit, and a commit that loses to another one is retried. The writer below is the same for both.
"""
from __future__ import annotations

import logging
import os
import random
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline import settings
from pipeline.redact import redact, redact_optional
from pipeline.settings import WarehouseSettings
from pipeline.stage import Batch
from pipeline.store.backend import (Backend, LakeUnavailable, LoadFailed, PublishFailed, ViewsFailed, WarehouseBusy,
                                    WarehouseMissing, WarehouseUnusable, backend_for, close_quietly,
                                    compact_working_copy, connect_file, first_line)
from pipeline.store.backend.file import PATCH_CHUNK, read_published
from pipeline.store.load import BOOKKEEPING_TABLES, TableCounts, load_batch, set_variable, tables_written
from pipeline.store.migrate import migrate, pending, without_keys
from pipeline.store.sqlfiles import folder_digest, sql, sql_files

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_LOCK_TIMEOUT_S", "LakeUnavailable", "PublishFailed", "WarehouseBusy", "WarehouseMissing",
           "WarehousePaths", "WarehouseUnusable", "Writer", "connect", "new_run_id", "open_reader"]

# How long a writer waits for another one to finish before giving up: a nightly load of hundreds of pages takes
# minutes; an hour means "something is stuck", which an operator should hear about.
DEFAULT_LOCK_TIMEOUT_S = 3600.0
# The folder of view definitions that come with the schema (`CREATE OR REPLACE VIEW` with comments, one per file).
VIEWS_FOLDER = "reporting"
# A lake commit that conflicts with another writer's is tried this many times in all, waiting 0.2 s, 0.4 s, 0.8 s …
# (±50 %, at most 30 s) in between; THREADLINE_LAKE_COMMIT_ATTEMPTS overrides.
DEFAULT_COMMIT_ATTEMPTS = 5

_PRUNED_SCHEMA = pa.schema([("path", pa.string()), ("first_fetched_at", pa.timestamp("us", tz="UTC")),
                            ("last_fetched_at", pa.timestamp("us", tz="UTC")), ("records", pa.int64()),
                            ("bytes", pa.int64()), ("pruned_at", pa.timestamp("us", tz="UTC")),
                            ("reason", pa.string())])

connect = connect_file  # kept for callers that open a DuckDB file with the pipeline's settings


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


def new_run_id() -> str:
    """Time-ordered and unique: UTC time to the microsecond plus a random suffix."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


class Writer:
    """Write access to a warehouse: `with Writer(db) as w: run = w.start_run(...); w.load(batch, run)`.

    `db` is the warehouse settings (`WarehouseSettings`: a DuckDB file path or `ducklake:postgres:<libpq string>`
    with the lake's data folder, needed when the lake is new), or a bare address standing for
    `WarehouseSettings.of(address)`. On a file the writer is exclusive; on a lake it is not.
    """

    def __init__(self, db: WarehouseSettings | str | os.PathLike, *, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
                 commit_attempts: int | None = None, keep_views_current: bool = True):
        db = WarehouseSettings.of(db)
        self.backend: Backend = backend_for(db)
        self.paths = WarehousePaths.for_db(db.db) if self.backend.working_copy is not None else None
        self.lock_timeout_s = lock_timeout_s
        self.commit_attempts = commit_attempts or settings.lake_commit_attempts(DEFAULT_COMMIT_ATTEMPTS)
        self.con: duckdb.DuckDBPyConnection | None = None
        self._batches: dict[str, int] = {}
        self.keep_views_current = keep_views_current  # False: the caller runs refresh_views itself
        self.views_applied: list[str] = []
        self._finished: list[str] = []  # runs this writer finished: failed after all if publishing fails

    def __enter__(self) -> "Writer":
        # On a lake, writers that find the catalog missing, a migration pending or the views out of date take turns
        # (one advisory lock) to create, migrate and update it: the first does the work, the others find it done.
        # A writer that finds nothing to do takes no turn. A file's writer is alone under its file lock anyway.
        con = self.backend.open_writer(self.lock_timeout_s) if self.backend.exists() else None
        try:
            if con is None or self._needs_setting_up(con):
                with self.backend.setting_up(self.lock_timeout_s):
                    if con is None:
                        con = self.backend.open_writer(self.lock_timeout_s)
                    con = self._set_up(con)
        except duckdb.Error as exc:
            con, self.con = self.con or con, None  # `_set_up` may have reopened the working copy
            if con is not None:
                self.backend.abandon_writer(con)
            raise WarehouseUnusable(f"{self.backend.describe()}: the schema could not be brought up to date: "
                                    f"{first_line(exc)}") from exc
        except BaseException:
            con, self.con = self.con or con, None
            if con is not None:
                self.backend.abandon_writer(con)
            raise
        self.con = con
        try:
            self.abandon_dead_runs()
        except duckdb.Error as exc:  # bookkeeping of earlier runs must not stop this one
            log.warning("%s: could not mark abandoned runs: %s", self.backend.describe(), first_line(exc))
        except BaseException:
            self.con = None
            self.backend.abandon_writer(con)
            raise
        return self

    def _needs_setting_up(self, con: duckdb.DuckDBPyConnection) -> bool:
        if pending(con):
            return True
        try:
            return self.keep_views_current and not views_current(con)
        except duckdb.Error:  # e.g. the lake's data store out of reach: `_set_up` logs it
            return True

    def _set_up(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Apply the migrations this warehouse lacks, then bring the reporting views up to date; returns the writer's
        connection (a new one when the working copy was written anew)."""
        if pending(con):
            migrate(con)
            con = self._compacted(con)
        self.con = con
        # The reporting views come with the schema: analysts find them after any load. Failing to bring them up to
        # date (a broken view file, or the lake's data store out of reach) must not stop a load: the load reports
        # its own failure if it has one; `apply_views` (report, export) raises it instead.
        try:
            if self.keep_views_current:
                self.views_applied = self.refresh_views()
        except (ViewsFailed, duckdb.Error) as exc:  # logged for the operator; apply_views raises it
            self.views_applied = []
            log.warning("%s: the reporting views were not brought up to date: %s", self.backend.describe(),
                        str(exc).strip().splitlines()[0])
        return con

    def _compacted(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """A working copy mostly made of free blocks after a migration (014 rebuilt every keyed table: two thirds of
        a file were key indexes) written anew with its live rows only, so publishing copies no empty blocks."""
        working = self.backend.working_copy
        if working is None:
            return con
        con.execute("CHECKPOINT")
        used, free = con.execute(sql("store/database_blocks")).fetchone()
        if free <= used:
            return con
        log.info("%s: the working copy is %d%% free blocks after migrating; writing it anew", self.backend.describe(),
                 100 * free // (used + free))
        return compact_working_copy(con, working)

    def __exit__(self, exc_type, exc, tb) -> None:
        """Publish (on a file) and release the warehouse. When publishing fails after the runs were recorded, they
        are recorded again as failed with its cause (in the working copy, which the next writer publishes)."""
        con, self.con = self.con, None
        try:
            self.backend.publish(con)
        except PublishFailed as failure:
            if exc is not None:  # the body's own failure is the one to report; the published file is intact
                log.info("%s", failure)
                return
            unrecorded = self._fail_finished_runs(failure)
            raise PublishFailed(f"{failure}; " + (unrecorded or f"run {', '.join(self._finished)} is recorded as "
                                                  f"failed, and the next load publishes the working copy")
                                if self._finished else str(failure)) from failure
        finally:
            self.backend.release()

    def abandon_dead_runs(self) -> list[str]:
        """Mark runs left running by a process that is gone as abandoned (on a file: every running run, since this
        writer holds the lock; on a lake: those whose catalog session ended). Run when the writer opens, before it
        starts a run of its own. Returns their ids."""
        rows = self.con.execute(sql("runs/running")).fetchall()
        if not rows:
            return []
        gone = [run for (run, _), dead in zip(rows, self.backend.holders_gone([pid for _, pid in rows])) if dead]
        for run_id in gone:
            def abandon(run_id: str = run_id) -> None:
                set_variable(self.con, "run_id", run_id)
                set_variable(self.con, "cause", "the process running it ended without finishing it (killed, or its "
                                                "machine stopped); found by a later writer")
                self.con.execute(sql("runs/abandon"))

            self._committed(["ingest_runs"], abandon)
            log.warning("%s: run %s was left running by a process that is gone: marked abandoned",
                        self.backend.describe(), run_id)
        return gone

    def start_run(self, command: str, *, airflow_run_id: str | None = None, airflow_try: int | None = None) -> str:
        """Record a run as running, with the snapshot it started from (on a lake); returns its id."""
        run_id = new_run_id()

        def start() -> None:
            set_variable(self.con, "run_id", run_id)
            set_variable(self.con, "command", command)
            set_variable(self.con, "airflow_run_id", airflow_run_id)
            set_variable(self.con, "airflow_try", airflow_try)
            set_variable(self.con, "snapshot_before", self.backend.current_snapshot(self.con))
            set_variable(self.con, "catalog_pid", self.backend.session_pid())
            self.con.execute(sql("runs/start"))

        try:
            self._committed(["ingest_runs"], start)
        except duckdb.Error as exc:
            raise LoadFailed(f"{self.backend.describe()}: the run could not be started: {first_line(exc)}") from exc
        self._batches[run_id] = 0
        return run_id

    def load(self, batch: Batch, run_id: str) -> dict[str, TableCounts]:
        """Merge one batch in one transaction, under its tables' locks; a lost commit is retried with back-off.

        Every attempt is a row of `load_attempts`: the one that commits writes its own row in its transaction;
        one that fails writes `retried` or `failed` with the error after rolling back.
        """
        self._batches[run_id] = batch_no = self._batches.get(run_id, 0) + 1
        tables = tables_written(batch) + BOOKKEEPING_TABLES
        for attempt in range(1, self.commit_attempts + 1):
            started = datetime.now(timezone.utc)
            try:
                return load_batch(self.con, batch, run_id, batch_no=batch_no, attempt=attempt, started_at=started,
                                  locked=lambda: self.backend.locks(tables))
            except Exception as exc:
                again = self.backend.retryable(exc) and attempt < self.commit_attempts
                self._record_failed_attempt(run_id, batch_no, attempt, started, "retried" if again else "failed", exc)
                if not again:
                    raise LoadFailed(f"{self.backend.describe()}: batch {batch_no} of run {run_id} "
                                     f"({_pages(batch)}) was not loaded; the warehouse keeps what it held before it. "
                                     f"Cause: {type(exc).__name__}: {str(exc).strip()}") from exc
                wait = min(30.0, 0.2 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
                log.warning("run %s batch %d: commit attempt %d failed (%s); retrying in %.1f s", run_id, batch_no,
                            attempt, str(exc).splitlines()[-1], wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def flush(self) -> None:
        """Write the run's loads into the file (a checkpoint; nothing on a lake), so that a full disk shows before
        the run is recorded as finished. Raises `PublishFailed`."""
        self.backend.checkpoint(self.con)

    def finish_run(self, run_id: str, *, broken: bool = False, cause: str | None = None) -> str:
        """Close a run's bookkeeping, with the snapshot of its last commit (on a lake); returns its status."""

        snapshot_after = self.backend.last_committed_snapshot(self.con)

        def finish() -> None:
            set_variable(self.con, "run_id", run_id)
            set_variable(self.con, "broken", broken)
            set_variable(self.con, "cause", redact_optional(cause))
            set_variable(self.con, "snapshot_after", snapshot_after)
            self.con.execute(sql("runs/finish"))

        self._committed(["ingest_runs"], finish)
        if run_id not in self._finished:
            self._finished.append(run_id)
        return self.con.execute(sql("runs/status"), [run_id]).fetchone()[0]

    def fail_run(self, run_id: str, exc: BaseException) -> None:
        """Record a run as failed with the cause of `exc`, never raising over it: when the warehouse cannot be
        written any more (a full disk), a store error's message says the run could not be recorded."""
        cause = first_line(exc)[:2000]
        unrecorded = self._record_failed(run_id, cause)
        if unrecorded and isinstance(exc, (LoadFailed, PublishFailed)) and exc.args:
            exc.args = (f"{exc}; {unrecorded}",) + exc.args[1:]

    def _fail_finished_runs(self, failure: PublishFailed) -> str | None:
        """After a failed publish, the runs this writer finished are failed: recorded in the working copy."""
        try:
            reasons = [reason for run in self._finished if (reason := self._record_failed(run, first_line(failure)))]
        finally:
            con, self.con = self.con, None
            if con is not None:
                close_quietly(con)
        return reasons[0] if reasons else None

    def _record_failed(self, run_id: str, cause: str) -> str | None:
        """Record a run as failed; on a file, through a new connection when this one failed (DuckDB gives one up
        after a failed checkpoint). None when recorded, else why not (one line)."""
        why = "the warehouse is closed"
        for again in (False, True):
            if again:
                if self.backend.working_copy is None:
                    break
                if self.con is not None:
                    close_quietly(self.con)
                self.con = None
                try:
                    self.con = self.backend.reopen_writer()
                except WarehouseUnusable as exc:
                    why = str(exc)
                    break
            if self.con is None:
                continue
            try:
                self.finish_run(run_id, broken=True, cause=cause)
                return None
            except Exception as exc:  # whatever it is, the run's own failure is the one to report
                why = first_line(exc)
        log.debug("run %s could not be recorded as failed: %s", run_id, why)
        return f"run {run_id} could not be recorded as failed ({why})"

    def record_pruned(self, files: list[dict]) -> None:
        """Record WARC files retention removed (`archive_pruned`: path, first_fetched_at, last_fetched_at, records,
        bytes, pruned_at, reason), in one transaction; a path recorded before is not recorded again."""
        if not files:
            return
        table = pa.Table.from_pylist(files, schema=_PRUNED_SCHEMA)

        def record() -> None:
            self.con.register("pruned_files", table)
            try:
                self.con.execute(sql("archive/record_pruned"))
            finally:
                self.con.unregister("pruned_files")

        try:
            self._committed(["archive_pruned"], record)
        except duckdb.Error as exc:
            raise LoadFailed(f"{self.backend.describe()}: the pruned archive files could not be recorded: "
                             f"{first_line(exc)}") from exc

    def refresh_views(self) -> list[str]:
        """Bring the reporting views (`sql/reporting/*.sql`) up to date: when the digest recorded in `schema_views`
        is not the files' own, run every file, in name order, in one transaction, and record the digest. Returns
        the names run (none when the views were current).

        The digest is read inside the transaction, under the `schema_views` lock, so of several writers opening a
        lake at once only the first applies the views.
        """
        files = sql_files(VIEWS_FOLDER)
        digest = folder_digest(VIEWS_FOLDER)
        applied: list[str] = []

        def apply() -> None:
            applied.clear()
            self.con.execute(without_keys(sql("store/schema_views")))
            row = self.con.execute(sql("store/applied_views"), [VIEWS_FOLDER]).fetchone()
            if row is not None and row[0] == digest:
                return
            for name, text in files:
                try:
                    self.con.execute(self.backend.adapt_views(text))
                except duckdb.Error as exc:
                    raise ViewsFailed(f"sql/{VIEWS_FOLDER}/{name}.sql: {str(exc).strip().splitlines()[0]}") from exc
                applied.append(name)
            self.con.execute(sql("store/record_views"), [VIEWS_FOLDER, digest])

        if views_current(self.con, VIEWS_FOLDER):
            return []
        self._committed(["schema_views"], apply)
        if applied:
            log.info("applied the reporting views of sql/%s/", VIEWS_FOLDER)
        return list(applied)

    def transaction(self, tables: list[str], work) -> None:
        """Run `work` in one transaction under the tables' locks, retrying a lost commit: for a write that is not a
        batch (an erasure request, pipeline/purge/)."""
        self._committed(tables, work)

    def _committed(self, tables: list[str], work) -> None:
        """Run `work` in one transaction under the tables' locks, retrying a lost commit."""
        for attempt in range(1, self.commit_attempts + 1):
            try:
                with self.backend.locks(tables):
                    self.con.begin()
                    try:
                        work()
                        self.con.commit()
                    except BaseException:
                        _rollback(self.con)
                        raise
                return
            except Exception as exc:
                if not (self.backend.retryable(exc) and attempt < self.commit_attempts):
                    raise
                time.sleep(min(30.0, 0.2 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5))

    def _record_failed_attempt(self, run_id: str, batch_no: int, attempt: int, started: datetime, outcome: str,
                               exc: BaseException) -> None:
        def record() -> None:
            set_variable(self.con, "run_id", run_id)
            set_variable(self.con, "batch_no", batch_no)
            set_variable(self.con, "attempt", attempt)
            set_variable(self.con, "attempt_started_at", started)
            set_variable(self.con, "outcome", outcome)
            set_variable(self.con, "error", redact(f"{type(exc).__name__}: {exc}")[:2000])  # no secret stored
            self.con.execute(sql("runs/attempt"))

        try:
            self._committed(["load_attempts"], record)
        except Exception as failure:  # the bookkeeping of a failure must not hide the failure itself
            log.info("could not record failed attempt %d of batch %d of run %s: %s", attempt, batch_no, run_id,
                     first_line(failure))


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass  # a failed COMMIT has already ended the transaction


def copy_published(db: str | os.PathLike, target: str | os.PathLike) -> Path:
    """A standalone copy of the published warehouse file at `target` (replaced if present); returns its path.

    The published file is replaced by a rename, and written in place only two publishes later, as the spare, which
    the writer does not do while anyone holds a read lock on it: copying under one gives one consistent snapshot even
    while a writer runs. (A process that also holds a DuckDB connection on the published file loses that
    connection's lock when the copy closes the file: POSIX drops all of a process's `fcntl` locks on a file then.)
    """
    source = Path(db)
    if not source.exists():
        raise WarehouseMissing(f"no warehouse at {source}: run `pipeline ingest` first")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.copying-{os.getpid()}")
    with read_published(source) as published, open(temporary, "wb") as copy:
        shutil.copyfileobj(published, copy, PATCH_CHUNK)
    os.replace(temporary, target)
    return target


def open_reader(db: WarehouseSettings | str | os.PathLike, *, snapshot: int | None = None,
                at: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only session on the warehouse as analysts see it: the published file, or the lake (its latest snapshot,
    or the one given by version or time). Queries name tables unqualified on both."""
    return backend_for(db).open_reader(snapshot=snapshot, at=at)


def views_current(con: duckdb.DuckDBPyConnection, folder: str = VIEWS_FOLDER) -> bool:
    """Whether the warehouse of this session has `sql/<folder>/` applied as the files are now."""
    try:
        row = con.execute(sql("store/applied_views"), [folder]).fetchone()
    except duckdb.CatalogException:  # no schema_views yet: views never applied
        return False
    return row is not None and row[0] == folder_digest(folder)


def published_views_current(db: WarehouseSettings | str | os.PathLike) -> bool:
    """`views_current` on the published warehouse, from a read-only session: no writer is needed to find out, so
    nobody waits for a running load. False when there is no warehouse yet."""
    try:
        con = open_reader(db)
    except WarehouseMissing:
        return False
    try:
        return views_current(con)
    finally:
        con.close()


def _pages(batch: Batch) -> str:
    """The pages behind a batch, for a failure message: how many, and the first few addresses."""
    articles = batch.tables.get("articles")
    urls = [] if articles is None else [url or source for url, source in
                                        zip(articles.column("url").to_pylist(), articles.column("source").to_pylist())]
    if not urls:
        return f"{batch.row_count()} rows"
    shown = ", ".join(urls[:3]) + (f" and {len(urls) - 3} more" if len(urls) > 3 else "")
    return f"{len(urls)} page{'s' if len(urls) != 1 else ''}: {shown}"
