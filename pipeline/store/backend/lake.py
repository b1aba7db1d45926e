"""The DuckLake backend: catalog in PostgreSQL (`ducklake:postgres:<libpq string>`), data as Parquet in a folder every
host mounts or in object storage; many writers at once, a PostgreSQL advisory lock per table."""
from __future__ import annotations

import contextlib
import logging
import os
import re
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from pipeline.redact import redact
from pipeline.store.backend.base import Backend
from pipeline.store.backend.errors import LakeUnavailable, WarehouseBusy, WarehouseMissing
from pipeline.store.backend.extensions import (_CONFIG, _sql_literal, _wheel_extension, extension_files,
                                               is_object_store, object_store_secret)
from pipeline.store.sqlfiles import sql

log = logging.getLogger(__name__)

LAKE_PREFIX = "ducklake:postgres:"
LAKE_ALIAS = "lake"  # the name the lake is attached under in the pipeline's own sessions (and in sql/lake/)

# Advisory lock keys: (our namespace, crc32 of the lock's name) so other users of the catalog database don't collide.
_LOCK_NAMESPACE = 0x7468726C  # "thrl"
SCHEMA_LOCK = "schema_migrations"  # held while a writer creates the lake's catalog, migrates it and applies its views


@dataclass
class LockTime:
    """Seconds this process spent waiting for and holding a lake's table locks (`LakeBackend.locks`), summed over
    every writer it opened: two clock readings per lock set, always on. `bench/load.py` reads it."""

    waited_s: float = 0.0
    held_s: float = 0.0


LOCK_TIME = LockTime()


def is_lake(db: str | os.PathLike) -> bool:
    return isinstance(db, str) and db.startswith("ducklake:")


_VIEW_COLUMN_COMMENT = re.compile(r"(?im)^[ \t]*COMMENT\s+ON\s+COLUMN\s+(?:'[^']*'|[^;'])*;[ \t]*\n?")


def adapt_views(text: str) -> str:
    """View definitions (`sql/reporting/`) as DuckLake accepts them: without `COMMENT ON COLUMN` statements, which
    it refuses for a view's columns (the view's own comment stays; a DuckDB file exported from the lake gets both)."""
    return _VIEW_COLUMN_COMMENT.sub("", text)


@dataclass
class LakeBackend(Backend):
    """A DuckLake: catalog in PostgreSQL (`catalog` is a libpq connection string), data as Parquet under `data`."""

    catalog: str
    data: str | None
    kind = "ducklake"
    working_copy = None  # every commit is a snapshot readers see
    keeps_snapshots = True

    def describe(self) -> str:
        """The --db value, with any password hidden (it goes into messages, logs and pages)."""
        return LAKE_PREFIX + redact(self.catalog)

    # --- sessions ---
    def _connect(self, *, read_only: bool, snapshot: int | None = None, at=None,
                 create: bool = False) -> duckdb.DuckDBPyConnection:
        if self._stored_data_path() is None:
            if not create:
                raise WarehouseMissing(f"no lake in {self.describe()} yet: run `pipeline ingest --db "
                                       f"'{self.describe()}' --lake-data PATH` first")
            if not self.data:
                raise LakeUnavailable(f"{self.describe()} holds no lake yet: name its data folder with --lake-data "
                                      f"PATH or THREADLINE_LAKE_DATA")
        con = duckdb.connect(config=_CONFIG)
        try:
            con.execute("SET TimeZone = 'UTC'")
            self.attach(con, LAKE_ALIAS, read_only=read_only, snapshot=snapshot, at=at)
            con.execute(f"USE {LAKE_ALIAS}")
        except BaseException:
            con.close()
            raise
        return con

    def attach(self, con: duckdb.DuckDBPyConnection, alias: str, *, read_only: bool = True,
               snapshot: int | None = None, at=None) -> None:
        """Attach the lake to a session as `alias` (loading the extensions by path), at a snapshot if given.

        When its data is in object storage, the httpfs extension is loaded too and the session gets a secret for the
        bucket (`object_store_secret`); a reader that did not name the data path learns it from the catalog.
        """
        files = extension_files()
        for name in ("postgres_scanner", "ducklake"):
            con.execute(f"LOAD {_sql_literal(str(files[name]))}")
        data = self.data or self._stored_data_path()
        if is_object_store(data):
            con.execute(f"LOAD {_sql_literal(str(_wheel_extension('duckdb_extension_httpfs', 'httpfs.duckdb_extension')))}")
            con.execute(object_store_secret(data))
        options = []
        if read_only:
            options.append("READ_ONLY")
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        if at is not None:
            options.append(f"SNAPSHOT_TIME {_sql_literal(at.isoformat() if hasattr(at, 'isoformat') else str(at))}")
        if self.data and not read_only:
            if not is_object_store(self.data):
                Path(self.data).mkdir(parents=True, exist_ok=True)
            options.append(f"DATA_PATH {_sql_literal(self.data)}")
        con.execute(f"ATTACH {_sql_literal('ducklake:postgres:' + self.catalog)} AS {alias}"
                    + (f" ({', '.join(options)})" if options else ""))

    def _stored_data_path(self) -> str | None:
        """The data path the lake's catalog recorded when it was created, or None when it holds no lake yet."""
        import psycopg2

        with contextlib.closing(self._pg()) as pg, pg.cursor() as cur:
            try:
                cur.execute(sql("lake/catalog_data_path"))
            except psycopg2.errors.UndefinedTable:
                return None
            row = cur.fetchone()
            return None if row is None else (row[0] or "")

    def _pg(self):
        try:
            import psycopg2
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise LakeUnavailable("the DuckLake backend needs psycopg2 (pip install psycopg2-binary)") from exc
        try:
            con = psycopg2.connect(self.catalog, application_name="threadline")
        except psycopg2.OperationalError as exc:
            raise LakeUnavailable(f"cannot reach the lake's catalog ({self.describe()}): "
                                  f"{str(exc).strip().splitlines()[0]}") from exc
        con.autocommit = True
        return con

    def exists(self) -> bool:
        """Whether the catalog holds a lake yet (the first writer creates it)."""
        return self._stored_data_path() is not None

    @contextlib.contextmanager
    def setting_up(self, lock_timeout_s: float) -> Iterator[None]:
        """Hold the lake's schema lock (`SCHEMA_LOCK`) while a writer creates the catalog (the first ATTACH of an
        empty catalog database creates DuckLake's tables, and two at once collide), migrates it and brings its views
        up to date, so any number of writers may start at once on an empty catalog. The lock lives on a session of
        its own, closed at the end (or by the writer's death), which releases it."""
        import psycopg2

        with contextlib.closing(self._pg()) as pg, pg.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(lock_timeout_s * 1000)}")
            try:
                cur.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_NAMESPACE, _lock_key(SCHEMA_LOCK)))
            except psycopg2.errors.LockNotAvailable:
                raise WarehouseBusy(f"{self.describe()}: another writer was still creating or migrating the lake "
                                    f"after {lock_timeout_s:.0f} s") from None
            yield

    def open_writer(self, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
        self.lock_timeout_s = lock_timeout_s
        self._lock_con = self._pg()  # a session of its own: advisory locks live as long as it does
        try:
            return self._connect(read_only=False, create=True)
        except BaseException:
            self._lock_con.close()
            raise

    def publish(self, con) -> None:
        if con is not None:
            con.close()  # every commit is already a snapshot readers see

    def release(self) -> None:
        if getattr(self, "_lock_con", None) is not None:
            self._lock_con.close()
            self._lock_con = None

    def abandon_writer(self, con) -> None:
        """Close and release (nothing is left to undo: an uncommitted transaction ends with its session)."""
        try:
            self.publish(con)
        finally:
            self.release()

    def checkpoint(self, con) -> None:
        pass  # nothing to publish: each commit is a snapshot

    def session_pid(self) -> int | None:
        """The catalog session of this writer (it holds the advisory locks and lives as long as the writer)."""
        return self._lock_con.get_backend_pid()

    def holders_gone(self, pids: list[int | None]) -> list[bool]:
        """For each run's catalog session: whether it has ended (unknown, None: not known to be gone)."""
        with self._lock_con.cursor() as cur:
            cur.execute(sql("lake/live_sessions"))
            live = {row[0] for row in cur.fetchall()}
        return [pid is not None and pid not in live for pid in pids]

    @contextlib.contextmanager
    def locks(self, tables: list[str]) -> Iterator[None]:
        """Hold a PostgreSQL advisory lock per table (sorted, so two writers never deadlock) for the duration.

        Taken before the transaction starts, so the transaction reads the snapshot the previous holder committed;
        released after the commit. A writer that dies releases its locks with its connection.
        """
        import psycopg2

        names = sorted(set(tables))
        held = []
        cur = self._lock_con.cursor()
        asked = time.monotonic()
        try:
            cur.execute(f"SET lock_timeout = {int(self.lock_timeout_s * 1000)}")
            for name in names:
                try:
                    cur.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_NAMESPACE, _lock_key(name)))
                except psycopg2.errors.LockNotAvailable:
                    raise WarehouseBusy(f"{self.describe()}: table {name} stayed locked by another writer for "
                                        f"{self.lock_timeout_s:.0f} s") from None
                held.append(name)
            got = time.monotonic()
            LOCK_TIME.waited_s += got - asked
            try:
                yield
            finally:
                LOCK_TIME.held_s += time.monotonic() - got
            log.debug("locks %s: waited %.2f s, held %.2f s", ",".join(names), got - asked, time.monotonic() - got)
        finally:
            try:
                for name in reversed(held):
                    cur.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_NAMESPACE, _lock_key(name)))
                cur.close()
            except psycopg2.Error:  # the lock session is gone, and with it the locks
                log.warning("lost the catalog session holding the locks of %s", ",".join(held))

    def retryable(self, exc: BaseException) -> bool:
        """A commit that lost to another transaction (or a dropped catalog connection) is worth another try."""
        text = str(exc)
        return isinstance(exc, duckdb.TransactionException) or "Transaction conflict" in text \
            or (isinstance(exc, duckdb.IOException) and "postgres" in text.lower())

    def adapt_views(self, text: str) -> str:
        return adapt_views(text)

    def current_snapshot(self, con) -> int | None:
        return con.execute(sql("lake/current_snapshot")).fetchone()[0]

    def last_committed_snapshot(self, con) -> int | None:
        return con.execute(sql("lake/last_committed_snapshot")).fetchone()[0]

    # --- readers ---
    def open_reader(self, *, snapshot: int | None = None, at=None) -> duckdb.DuckDBPyConnection:
        return self._connect(read_only=True, snapshot=snapshot, at=at)

    # --- upkeep ---
    def maintain(self, con, *, retention_days: float) -> dict:
        """Write rows inlined in the catalog out to Parquet, rewrite files that carry deleted rows (every merge that
        sees a row again replaces it, so most files do), merge small files, expire snapshots older than the
        retention, delete the files only expired snapshots used, and files no snapshot ever committed (left by a
        killed writer) once they are an hour old. The caller holds every table's lock."""
        con.execute("SET VARIABLE retention_s = ?", [float(retention_days) * 86400])
        done = {}
        for step in sql("lake/maintenance").split("-- step: ")[1:]:
            what, statement = step.split("\n", 1)
            done[what.strip()] = len(con.execute(statement).fetchall())
        return done


def _lock_key(name: str) -> int:
    key = zlib.crc32(name.encode())
    return key - (1 << 32) if key >= (1 << 31) else key
