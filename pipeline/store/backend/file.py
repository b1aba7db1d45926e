"""The DuckDB file backend (the default): one writer at a time under an `fcntl` lock, on a working copy published for
readers by an atomic rename."""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from pipeline.store.backend.base import Backend
from pipeline.store.backend.errors import (PublishFailed, WarehouseBusy, WarehouseMissing, WarehouseUnusable,
                                           close_quietly, first_line, os_trouble)
from pipeline.store.backend.extensions import _CONFIG, _sql_literal

log = logging.getLogger(__name__)


def open_failure(path: Path, exc: BaseException) -> str:
    """One line naming a DuckDB file that cannot be opened, and why."""
    text = str(exc)
    if path.is_dir() or "Is a directory" in text:
        return f"{path} is a directory, not a DuckDB file"
    version = re.search(r"version number (\d+), but we can only read versions between (\d+) and (\d+)", text)
    if version:
        made, low, _ = map(int, version.groups())
        return (f"{path} was made by {'a newer' if made > low else 'an older'} DuckDB (storage v{made}); "
                f"Threadline uses duckdb {duckdb.__version__}")
    if "not a valid DuckDB database file" in text:
        return f"{path} is not a DuckDB database file"
    return f"{path} cannot be opened: {first_line(exc)}"


def connect_file(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with our settings: UTC, no extension downloads."""
    con = duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
    con.execute("SET TimeZone = 'UTC'")
    return con


def open_warehouse_file(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`connect_file`, failing with `WarehouseUnusable` in one line naming the file and the cause."""
    try:
        return connect_file(path, read_only=read_only)
    except duckdb.Error as exc:
        raise WarehouseUnusable(open_failure(path, exc)) from exc


@dataclass
class FileBackend(Backend):
    """A DuckDB file: one writer under an `fcntl` lock, a working copy, and a published copy for readers."""

    published: Path
    kind = "duckdb"
    keeps_snapshots = False  # `maintain` has nothing to do

    @property
    def working(self) -> Path:
        return self.published.with_name(self.published.name + ".writer")

    @property
    def working_copy(self) -> Path:
        return self.working

    @property
    def lock(self) -> Path:
        return self.published.with_name(self.published.name + ".lock")

    def describe(self) -> str:
        return str(self.published)

    @property
    def record(self) -> Path:
        """Where the writer records what it last published: (device, inode, size, mtime) of the published file."""
        return self.published.with_name(self.published.name + ".writer.published")

    # --- the writer's session ---
    def open_writer(self, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
        """Take the writer's lock and open the working copy: carried on when the published file is still the one
        this writer last published, else (a restored backup, a file replaced by hand, a working copy DuckDB cannot
        open) set aside as `<db>.writer.stale-<UTC time>` and started again from the published file."""
        if self.published.is_dir():
            raise WarehouseUnusable(f"{self.published} is a directory, not a DuckDB file")
        try:
            self.published.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseUnusable(f"{self.published}: cannot create its folder: {exc.strerror or exc}") from exc
        try:
            self._lock_file = _flock(self.lock, lock_timeout_s, self.published)
        except OSError as exc:
            raise WarehouseUnusable(f"{self.published}: cannot create the writer's lock {self.lock}: "
                                    f"{exc.strerror or exc}") from exc
        try:
            return self._open_working()
        except BaseException:
            self.release()
            raise

    def reopen_writer(self) -> duckdb.DuckDBPyConnection:
        """The working copy again, after its connection failed (DuckDB gives up on a connection after a failed
        checkpoint); it does not checkpoint when closed, so a disk still full loses nothing more."""
        con = open_warehouse_file(self.working)
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        return con

    def checkpoint(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write what the working copy's WAL holds into the file (what publishing needs)."""
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise PublishFailed(f"{self.published} was not updated: the working copy {self.working.name} could not "
                                f"be checkpointed: {first_line(exc)}") from exc

    def publish(self, con: duckdb.DuckDBPyConnection | None) -> None:
        """Checkpoint and close the working copy, then publish it; `PublishFailed` leaves the published file as it
        was."""
        if con is None:
            return
        try:
            self.checkpoint(con)
            con.close()
        except BaseException:
            close_quietly(con)
            raise
        self._publish()

    def release(self) -> None:
        self._unlock()

    def exists(self) -> bool:
        """A file's writer makes its working copy when it opens: there is nothing to create before."""
        return True

    def setting_up(self, lock_timeout_s: float) -> contextlib.AbstractContextManager:
        """A file's writer migrates alone under its file lock: no other lock is needed."""
        return contextlib.nullcontext()

    def abandon_writer(self, con: duckdb.DuckDBPyConnection | None) -> None:
        """Close without publishing (used when the writer failed to start)."""
        try:
            if con is not None:
                con.close()
        finally:
            self._unlock()

    def session_pid(self) -> int | None:
        return None  # the writer's lock says whose a run is: a run still running when it is free was abandoned

    def holders_gone(self, pids: list[int | None]) -> list[bool]:
        return [True for _ in pids]  # called under the writer's lock: whoever ran them is gone

    @contextlib.contextmanager
    def locks(self, tables: list[str]) -> Iterator[None]:
        yield  # the writer's file lock covers every table

    def retryable(self, exc: BaseException) -> bool:
        return False

    def adapt_views(self, text: str) -> str:
        return text

    def current_snapshot(self, con) -> int | None:
        return None

    def last_committed_snapshot(self, con) -> int | None:
        return None

    # --- readers ---
    def open_reader(self, *, snapshot: int | None = None, at=None) -> duckdb.DuckDBPyConnection:
        if snapshot is not None or at is not None:
            raise ValueError(f"{self.published} is a DuckDB file: it keeps no earlier snapshots (a DuckLake does)")
        if not self.published.exists():
            raise WarehouseMissing(f"no warehouse at {self.published}: run `pipeline ingest` first")
        return open_warehouse_file(self.published, read_only=True)

    def attach(self, con: duckdb.DuckDBPyConnection, alias: str, *, read_only: bool = True,
               snapshot: int | None = None, at=None) -> None:
        """Attach the published file to a session as `alias`."""
        if snapshot is not None or at is not None:
            raise ValueError(f"{self.published} is a DuckDB file: it keeps no earlier snapshots (a DuckLake does)")
        if not self.published.exists():
            raise WarehouseMissing(f"no warehouse at {self.published}: run `pipeline ingest` first")
        con.execute(f"ATTACH {_sql_literal(str(self.published))} AS {alias}" + (" (READ_ONLY)" if read_only else ""))

    # --- upkeep ---
    def maintain(self, con, *, retention_days: float) -> dict:
        return {}  # a DuckDB file keeps no old snapshots; CHECKPOINT at close already merges its WAL

    # --- internals ---
    def _unlock(self) -> None:
        handle = getattr(self, "_lock_file", None)
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            self._lock_file = None

    def _open_working(self) -> duckdb.DuckDBPyConnection:
        published = _identity(self.published)
        aside = None  # why the working copy is set aside, if it is
        if self.working.exists():
            if published is None or self._recorded() == published or self._unrecorded_but_ours(published):
                try:
                    return open_warehouse_file(self.working)
                except WarehouseUnusable as exc:
                    if os_trouble(exc.__cause__):
                        raise
                    aside = f"DuckDB cannot open it: {first_line(exc.__cause__)}"
            else:
                aside = ("the published file is not the one this writer last published (a restored backup, or "
                         "replaced by hand)")
        if published is not None:
            self._check_published()  # one that is no warehouse is named, before anything of the writer's is moved
        if aside:
            self._set_aside(aside)
        if published is not None:
            try:
                shutil.copyfile(self.published, self.working)
            except OSError as exc:
                self.working.unlink(missing_ok=True)
                raise WarehouseUnusable(f"{self.published}: cannot create the working copy {self.working}: "
                                        f"{exc.strerror or exc}") from exc
        try:
            return open_warehouse_file(self.working)
        except WarehouseUnusable as exc:
            if published is None and not os_trouble(exc.__cause__):
                raise WarehouseUnusable(f"{self.published}: cannot create the working copy {self.working}: "
                                        f"{first_line(exc.__cause__)}") from exc
            raise

    def _unrecorded_but_ours(self, published: tuple) -> bool:
        """With no usable record (a warehouse last published before records were kept, or a writer killed between
        publishing and recording), whether the working copy still fits the published file: the same size (the
        published file is a byte copy of the closed working copy), or modified since it (ahead of it because a publish
        failed). A published file that is newer and of another size was replaced after the last publish."""
        if self._recorded() is not None:
            return False
        working = _identity(self.working)
        fits = working is not None and (working[2] == published[2] or working[3] >= published[3])
        if fits:
            log.info("%s: no record of the last publish; the working copy fits the published file and is carried on",
                     self.published)
        return fits

    def _check_published(self) -> None:
        """`WarehouseUnusable` naming the published file when DuckDB cannot open it (reads its header and catalog)."""
        try:
            con = connect_file(self.published, read_only=True)
        except duckdb.ConnectionException:
            return  # open in this process under other settings (an analyst's session): a DuckDB file
        except duckdb.Error as exc:
            raise WarehouseUnusable(open_failure(self.published, exc)) from exc
        con.close()

    def _recorded(self) -> tuple | None:
        """The published file's identity as this writer last published it, or None."""
        try:
            return tuple(json.loads(self.record.read_text())[field] for field in _IDENTITY)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _set_aside(self, reason: str) -> None:
        """Move the working copy (and its WAL) aside as `<db>.writer.stale-<UTC time>`: kept, never deleted."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = self.working.with_name(f"{self.working.name}.stale-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.working.with_name(f"{self.working.name}.stale-{stamp}-{n}")
        os.replace(self.working, aside)
        wal = self.working.with_name(self.working.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        source = "the published file" if self.published.exists() else "an empty warehouse"
        log.warning("%s: set the working copy aside as %s (%s); starting again from %s", self.published, aside.name,
                    reason, source)

    def _publish(self) -> None:
        """Copy the checkpointed working file beside the published one (with the published file's mode and group)
        and rename it into place (atomic); then record what was published."""
        for stale in self.published.parent.glob(f"{self.published.name}.publishing-*"):
            stale.unlink()  # left by a writer killed while publishing; we hold the lock, so nobody else writes it
        temporary = self.published.with_name(f"{self.published.name}.publishing-{os.getpid()}")
        try:
            shutil.copyfile(self.working, temporary)
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
            _keep_mode(self.published, temporary)
            os.replace(temporary, self.published)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise PublishFailed(f"{self.published} was not updated: the working copy could not be published: "
                                f"{exc.strerror or exc}") from exc
        log.info("published %s", self.published)
        self._write_record()

    def _write_record(self) -> None:
        identity = _identity(self.published)
        temporary = self.record.with_name(f"{self.record.name}.{os.getpid()}")
        try:
            temporary.write_text(json.dumps(dict(zip(_IDENTITY, identity))) + "\n")
            os.replace(temporary, self.record)
        except OSError as exc:  # the next writer then starts from the published file, which is this one
            temporary.unlink(missing_ok=True)
            log.warning("%s: could not record what was published in %s: %s", self.published, self.record.name,
                        exc.strerror or exc)


_COMPACTED = "compacted"


def copy_live(con: duckdb.DuckDBPyConnection, fresh: Path) -> None:
    """Every live row, table, view and comment of `con`'s database written to a new file `fresh`."""
    fresh.unlink(missing_ok=True)
    name = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("CHECKPOINT")
    con.execute(f"ATTACH {_sql_literal(str(fresh))} AS {_COMPACTED}")
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO {_COMPACTED}')
    finally:
        con.execute(f"DETACH {_COMPACTED}")
    with open(fresh, "rb+") as handle:
        os.fsync(handle.fileno())


def compact_working_copy(con: duckdb.DuckDBPyConnection, working: Path) -> duckdb.DuckDBPyConnection:
    """The writer's working copy rewritten with its live rows only; returns a new connection to it (the writer
    publishes it as after a load). `con` is closed."""
    fresh = working.with_name(f"{working.name}.compacting-{os.getpid()}")
    try:
        copy_live(con, fresh)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(fresh, working)
    _fsync_folder(working.parent)
    return open_warehouse_file(working)


def _fsync_folder(folder: Path) -> None:
    """A rename in `folder` made durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_IDENTITY = ("st_dev", "st_ino", "st_size", "st_mtime_ns")


def _identity(path: Path) -> tuple | None:
    """What tells one file from another without reading it: device, inode, size, modification time (or None)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return tuple(getattr(info, field) for field in _IDENTITY)


def _keep_mode(published: Path, new: Path) -> None:
    """Give the new copy the published file's permissions, and its group when we may."""
    try:
        info = published.stat()
    except FileNotFoundError:
        return
    os.chmod(new, stat.S_IMODE(info.st_mode))
    try:
        os.chown(new, -1, info.st_gid)
    except OSError:
        pass  # not a member of that group: the file keeps ours



def _flock(path: Path, timeout_s: float, what: Path):
    handle = open(path, "a+")
    deadline = time.monotonic() + timeout_s
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = path.read_text().strip() or "unknown"
                handle.close()
                raise WarehouseBusy(f"{what}: another writer ({holder}) still holds {path} after {timeout_s:.0f} s; "
                                    f"wait for it to finish or stop it") from None
            if not announced:
                holder = path.read_text().strip() or "unknown"
                log.warning("%s: waiting for the writer lock on %s held by another load (%s) (up to %.0f s)", what,
                            path, holder, timeout_s)
                announced = True
            time.sleep(0.2)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} on {os.uname().nodename}\n")
    handle.flush()
    return handle

