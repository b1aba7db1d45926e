"""The one interface both warehouses implement: a DuckDB file (`file.py`, the default) and a DuckLake with its catalog
in PostgreSQL (`lake.py`).

The writer (`pipeline/store/warehouse.py`), the load, the migrations and every SQL file are the same for both; they
call what is declared here and never ask which backend they hold. What differs:

| | DuckDB file | DuckLake (`ducklake:postgres:<libpq string>`) |
| --- | --- | --- |
| writers | one at a time (`fcntl` lock `<db>.lock`), working copy `<db>.writer`, published by rename (of the spare `<db>.spare` patched to equal it, else of a whole copy) | many at once; merges into one table serialised by a PostgreSQL advisory lock per table |
| readers | open the published file read-only | `ATTACH … (READ_ONLY)`; any earlier snapshot by version or time |
| view comments | on the view and its columns | on the view only (DuckLake refuses `COMMENT ON COLUMN` of a view): stripped by `adapt_views` |
| stale writer state | `<db>.writer.published` records the published file's (device, inode, size, mtime); a published file that no longer matches (a restored backup) or a working copy DuckDB cannot open sets the working copy aside as `<db>.writer.stale-<time>` | none: every commit is a snapshot |
| abandoned runs | a run still `running` when a writer takes the free lock | a run whose recorded catalog session (`pg_backend_pid`) is gone |
| failed commit | not retried (one writer: nothing to conflict with) | retried with back-off when it conflicts, each attempt in `load_attempts` |
| extensions | built-in only | `ducklake` and `postgres` from the PyPI wheels, loaded by path, signatures checked; `httpfs` too when the data is in object storage (`extensions.py`) |
| data | the file | Parquet under `--lake-data`: a folder every host mounts, or `s3://bucket/prefix/` with the AWS_* credentials |
| upkeep | nothing to do (no old snapshots) | merge files, expire snapshots, delete files no snapshot needs (`maintain`) |
"""
from __future__ import annotations

import abc
import contextlib
from pathlib import Path

import duckdb


class Backend(abc.ABC):
    """Where a warehouse lives, and how its writer and its readers open it."""

    kind: str  # "duckdb" or "ducklake"

    @abc.abstractmethod
    def describe(self) -> str:
        """The warehouse as messages, logs and pages name it (never a password)."""

    @property
    @abc.abstractmethod
    def working_copy(self) -> Path | None:
        """The file the writer writes and then publishes, or None when each commit is at once what readers see (a
        lake). With one, `reopen_writer` opens it again after the writer's connection failed."""

    @property
    @abc.abstractmethod
    def keeps_snapshots(self) -> bool:
        """Whether the warehouse keeps earlier snapshots (a lake), which `maintain` expires; a file keeps none."""

    # --- the writer's session ---
    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether there is a warehouse to open without setting one up first."""

    @abc.abstractmethod
    def setting_up(self, lock_timeout_s: float) -> contextlib.AbstractContextManager:
        """Held while a writer creates or migrates the warehouse and brings its views up to date."""

    @abc.abstractmethod
    def open_writer(self, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
        """Take what a writer needs (a lock, a catalog session) and return its connection."""

    def reopen_writer(self) -> duckdb.DuckDBPyConnection | None:
        """The working copy again, after the writer's connection failed; None when there is none (`working_copy`)."""
        return None

    @abc.abstractmethod
    def checkpoint(self, con: duckdb.DuckDBPyConnection) -> None:
        """Make what was committed durable where publishing needs it (raises `PublishFailed`)."""

    @abc.abstractmethod
    def publish(self, con: duckdb.DuckDBPyConnection | None) -> None:
        """Close the writer's connection and make its commits what readers open."""

    @abc.abstractmethod
    def release(self) -> None:
        """Let the next writer in."""

    @abc.abstractmethod
    def abandon_writer(self, con: duckdb.DuckDBPyConnection | None) -> None:
        """Close without publishing, and release (a writer that failed to start)."""

    @abc.abstractmethod
    def session_pid(self) -> int | None:
        """What identifies this writer's session in `ingest_runs.catalog_pid` (None: the writer's lock says it)."""

    @abc.abstractmethod
    def holders_gone(self, pids: list[int | None]) -> list[bool]:
        """For each running run's recorded session: whether it has ended."""

    @abc.abstractmethod
    def locks(self, tables: list[str]) -> contextlib.AbstractContextManager:
        """Held while this writer merges into `tables`."""

    @abc.abstractmethod
    def retryable(self, exc: BaseException) -> bool:
        """Whether a failed commit is worth another try (it lost to another writer)."""

    @abc.abstractmethod
    def adapt_views(self, text: str) -> str:
        """View definitions (`sql/reporting/`) as this warehouse accepts them."""

    @abc.abstractmethod
    def current_snapshot(self, con: duckdb.DuckDBPyConnection) -> int | None:
        """The snapshot the session sees (None: the warehouse keeps none)."""

    @abc.abstractmethod
    def last_committed_snapshot(self, con: duckdb.DuckDBPyConnection) -> int | None:
        """The snapshot of the session's last commit (None: the warehouse keeps none)."""

    # --- readers ---
    @abc.abstractmethod
    def open_reader(self, *, snapshot: int | None = None, at=None) -> duckdb.DuckDBPyConnection:
        """A read-only session on what readers see (on a lake: its latest snapshot, or one by version or time)."""

    @abc.abstractmethod
    def attach(self, con: duckdb.DuckDBPyConnection, alias: str, *, read_only: bool = True,
               snapshot: int | None = None, at=None) -> None:
        """Attach the warehouse to another session as `alias`."""

    # --- upkeep ---
    @abc.abstractmethod
    def maintain(self, con: duckdb.DuckDBPyConnection, *, retention_days: float) -> dict:
        """Periodic upkeep under every table's lock; returns what it did."""
