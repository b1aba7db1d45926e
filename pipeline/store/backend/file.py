"""The DuckDB file backend (the default): one writer at a time under an `fcntl` lock, on a working copy published for
readers by an atomic rename: of a spare file patched to equal it, or of a whole copy (docs/architecture.md, "One
writer, many readers")."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import stat
import struct
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

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
    def spare(self) -> Path:
        """The file published before the last publish (a second name the writer keeps of it), patched into the next
        published file; no reader opens it by this name."""
        return self.published.with_name(self.published.name + ".spare")

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
        return self._recorded_field(lambda record: tuple(record[field] for field in _IDENTITY))

    def _recorded_field(self, read) -> tuple | None:
        """`read` applied to the record of the last publish (a dict), or None when there is no usable record."""
        try:
            return read(json.loads(self.record.read_text()))
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
        """Make the checkpointed working copy the published file: the spare patched to equal it (only the pieces that
        differ written), else a whole copy; flushed, given the published file's mode and group, and renamed into place
        (atomic). The file it replaces becomes the next spare, unless the working copy was written anew since the last
        publish (a purge: that file holds the deleted rows' bytes). Then record what was published."""
        for stale in self.published.parent.glob(f"{self.published.name}.publishing-*"):
            stale.unlink()  # left by a writer killed while publishing; we hold the lock, so nobody else writes it
        temporary = self.published.with_name(f"{self.published.name}.publishing-{os.getpid()}")
        keep_spare = _OFD_SETLK is not None and self._recorded_working() == _inode(self.working)
        spared = False
        try:
            written = self._patch_spare(temporary)
            if written is None:
                shutil.copyfile(self.working, temporary)
                with open(temporary, "rb+") as handle:
                    os.fsync(handle.fileno())
                written = temporary.stat().st_size
            _keep_mode(self.published, temporary)
            spared = keep_spare and self._link_spare()
            os.replace(temporary, self.published)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            if spared:
                self.spare.unlink(missing_ok=True)  # the published file's second name, made above
            raise PublishFailed(f"{self.published} was not updated: the working copy could not be published: "
                                f"{exc.strerror or exc}") from exc
        try:
            _fsync_folder(self.published.parent)
        except OSError as exc:
            log.warning("%s: published, but its folder could not be flushed: %s", self.published, exc.strerror or exc)
        log.info("published %s (%.1f of %.1f MB written)", self.published, written / 1e6,
                 self.published.stat().st_size / 1e6)
        self._write_record()

    def _patch_spare(self, temporary: Path) -> int | None:
        """The spare patched to equal the working copy, flushed and renamed to `temporary`; returns the bytes written.
        None when there is no spare, or none to patch (its name is then dropped, saying why): chiefly when a reader
        that opened the published file before the last publish still holds it (DuckDB's read lock refuses ours)."""
        try:
            fd = os.open(self.spare, os.O_RDWR | os.O_NOFOLLOW)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._drop_spare(f"it cannot be opened: {exc.strerror or exc}")
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
                return self._drop_spare("it is not a file of its own (a writer killed while publishing left it as "
                                        "the published file's second name)")
            if info.st_uid != os.geteuid():  # its mode could not be set (only a file's owner may): publishing failed
                return self._drop_spare("it belongs to another user (published by another account sharing the "
                                        "warehouse)")
            try:
                if not _ofd_lock(fd, fcntl.F_WRLCK):
                    return self._drop_spare("a reader still holds it (a session opened on the published file before "
                                            "the last publish: its read lock refused the writer's lock)")
            except OSError as exc:
                return self._drop_spare(f"it cannot be locked: {exc.strerror or exc}")
            written = _patch(fd, self.working)
            os.replace(self.spare, temporary)
            return written
        finally:
            os.close(fd)  # and with it our lock

    def _drop_spare(self, why: str) -> None:
        """The spare's name removed (a reader holding it keeps reading it), saying why the publish copies instead."""
        log.info("%s: publishing by a whole copy, not by patching %s: %s", self.published, self.spare.name, why)
        with contextlib.suppress(OSError):  # one that cannot go (a folder) stops the next spare's link, said then
            self.spare.unlink()

    def _link_spare(self) -> bool:
        """A second name, the spare's, for the published file about to be replaced; False when there is none."""
        try:
            os.link(self.published, self.spare)
        except FileNotFoundError:
            return False  # nothing published yet
        except OSError as exc:  # e.g. a file system without hard links: every publish copies
            log.info("%s: keeps no spare for the next publish: %s", self.published, exc.strerror or exc)
            return False
        return True

    def _recorded_working(self) -> tuple | None:
        """The working copy's (device, inode) when this writer last published it, or None."""
        return self._recorded_field(lambda record: tuple(record["working"]))

    def _write_record(self) -> None:
        identity = _identity(self.published)
        temporary = self.record.with_name(f"{self.record.name}.{os.getpid()}")
        try:
            temporary.write_text(json.dumps(dict(zip(_IDENTITY, identity), working=_inode(self.working))) + "\n")
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


def _inode(path: Path) -> tuple | None:
    """A file's (device, inode): which file a name stands for (or None)."""
    identity = _identity(path)
    return identity[:2] if identity else None


# Publishing reads the working copy and the spare in chunks of PATCH_CHUNK, compares them, and writes into the spare
# the pieces of PATCH_PIECE bytes that differ. DuckDB writes blocks of 256 KiB after a 12 KiB header, and rewrites
# blocks in part: a 10-page load into a 60 MB file wrote about 13 MB in 1 MiB pieces, 7 MB in 256 KiB, 4 MB in 64 KiB.
PATCH_CHUNK = 1 << 20
PATCH_PIECE = 1 << 16


def _patch(fd: int, source: Path) -> int:
    """The file open as `fd` made byte-identical to `source`, whatever it held, and flushed: only the pieces that
    differ are written, then it is cut (or grown) to `source`'s size. Returns the bytes written."""
    written = 0
    ours, theirs = bytearray(PATCH_CHUNK), bytearray(PATCH_CHUNK)
    with open(source, "rb", buffering=0) as wanted:
        offset = 0
        while n := wanted.readinto(ours):
            got = os.preadv(fd, [theirs], offset)
            if got < n or (ours != theirs if n == PATCH_CHUNK else ours[:n] != theirs[:n]):
                for start in range(0, n, PATCH_PIECE):
                    end = min(start + PATCH_PIECE, n)
                    if got < end or ours[start:end] != theirs[start:end]:
                        _write_at(fd, memoryview(ours)[start:end], offset + start)
                        written += end - start
            offset += n
    os.ftruncate(fd, offset)
    os.fsync(fd)
    return written


def _write_at(fd: int, data: memoryview, offset: int) -> None:
    while data:
        done = os.pwrite(fd, data, offset)
        data, offset = data[done:], offset + done


_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)  # Linux 3.15+; elsewhere every publish copies


def _ofd_lock(fd: int, kind: int) -> bool:
    """An open-file-description lock (`kind`: fcntl.F_RDLCK or F_WRLCK) on the whole file open as `fd`, held until
    `fd` is closed; False when another holds a lock in the way (no waiting). Unlike the traditional `fcntl` locks
    DuckDB takes (a read-only connection holds a read lock as long as it is open), OFD locks conflict with those
    even within one process. OSError when the system or file system has none."""
    if _OFD_SETLK is None:
        raise OSError(errno.ENOSYS, "this system has no open-file-description locks")
    try:
        fcntl.fcntl(fd, _OFD_SETLK, struct.pack("hhqqi4x", kind, os.SEEK_SET, 0, 0, 0))  # struct flock, l_pid 0
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


@contextlib.contextmanager
def read_published(published: Path) -> Iterator[BinaryIO]:
    """The published file open for reading under a read lock, so that no writer patches it while it is read (a
    published file becomes the spare at the next publish, patched at the one after)."""
    for _ in range(3):
        handle = open(published, "rb")
        try:
            if _ofd_lock(handle.fileno(), fcntl.F_RDLCK):
                break
        except OSError as exc:
            log.info("%s: read without a lock: %s", published, exc.strerror or exc)
            break
        handle.close()  # opened just before two publishes: the spare now, being patched; the name is another file
    else:
        raise WarehouseBusy(f"{published}: the writer was writing the file opened, three times; try again")
    try:
        yield handle
    finally:
        handle.close()


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

