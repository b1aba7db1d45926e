"""Where the two warehouses differ: a DuckDB file (the default) or a DuckLake with its catalog in PostgreSQL.

This is the one module of the store that knows which of the two it writes to; the writer, the load, the
migrations and every SQL file are the same for both. What differs, and only here:

| | DuckDB file | DuckLake (`ducklake:postgres:<libpq string>`) |
| --- | --- | --- |
| writers | one at a time (`fcntl` lock `<db>.lock`), working copy `<db>.writer`, published by rename | many at once; merges into one table serialised by a PostgreSQL advisory lock per table |
| readers | open the published file read-only | `ATTACH … (READ_ONLY)`; any earlier snapshot by version or time |
| keys | `PRIMARY KEY`s from the migrations | none (DuckLake has no keys or indexes): stripped from the DDL by `adapt_ddl`; each batch is deduplicated before it is merged, under the table's lock |
| view comments | on the view and its columns | on the view only (DuckLake refuses `COMMENT ON COLUMN` of a view): stripped by `adapt_views` |
| stale writer state | `<db>.writer.published` records the published file's (device, inode, size, mtime); a published file that no longer matches (a restored backup) or a working copy DuckDB cannot open sets the working copy aside as `<db>.writer.stale-<time>` | none: every commit is a snapshot |
| abandoned runs | a run still `running` when a writer takes the free lock | a run whose recorded catalog session (`pg_backend_pid`) is gone |
| failed commit | not retried (one writer: nothing to conflict with) | retried with back-off when it conflicts, each attempt in `load_attempts` |
| extensions | built-in only | `ducklake` and `postgres` from the PyPI wheels, loaded by path, signatures checked; `httpfs` too when the data is in object storage |
| data | the file | Parquet under `--lake-data`: a folder every host mounts, or `s3://bucket/prefix/` with the AWS_* credentials |
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib.util
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping

import duckdb

from pipeline import settings
from pipeline.redact import redact
from pipeline.store.sqlfiles import sql

log = logging.getLogger(__name__)

LAKE_PREFIX = "ducklake:postgres:"
OBJECT_STORE_SCHEME = "s3://"  # a lake's data path in S3-compatible storage; anything else is a folder
LAKE_ALIAS = "lake"  # the name the lake is attached under in the pipeline's own sessions (and in sql/lake/)

# Built-in extensions only (json, parquet, icu) unless loaded by path below: nothing is downloaded at run time, and an
# unsigned extension file is refused.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
           "allow_unsigned_extensions": False}

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


class StoreError(Exception):
    """A failure the store reports to people: its message names the warehouse and the cause, never a secret (the
    message is redacted when the exception is made, pipeline/redact.py)."""

    def __init__(self, *args):
        super().__init__(*(redact(arg) if isinstance(arg, str) else arg for arg in args))


class WarehouseBusy(StoreError):
    """Another writer held the warehouse (or a table of it) for longer than we were willing to wait."""


class LoadFailed(StoreError):
    """A batch could not be merged (after any retries): the warehouse stays as it was before that batch."""


class ViewsFailed(StoreError):
    """A reporting view (`sql/reporting/`) could not be applied: the file and DuckDB's reason."""


class WarehouseMissing(StoreError):
    """There is no warehouse at the given path yet."""


class LakeUnavailable(StoreError):
    """The DuckLake backend cannot start: an extension is missing, or the catalog or data folder is not set up."""


class WarehouseUnusable(StoreError):
    """The warehouse cannot be opened: a directory, not a DuckDB file, a newer DuckDB's file, a folder we cannot
    write in (no lock, no working copy), a schema the store could not bring up to date."""


class PublishFailed(StoreError):
    """The working copy could not be checkpointed or published (a full disk, say): the published file is as it was."""


# What the operating system says when the trouble is the disk or the permissions, not what a file holds.
_OS_TROUBLE = tuple(os.strerror(code) for code in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM,
                                                    errno.EROFS, errno.EIO, errno.EMFILE))


def os_trouble(exc: BaseException) -> bool:
    """Whether an error comes from the disk or the permissions (a full disk, a read-only folder) rather than from
    what a file holds."""
    return isinstance(exc, OSError) or any(text in str(exc) for text in _OS_TROUBLE)


def first_line(exc: BaseException) -> str:
    """An error as one line: DuckDB's first line, without its "IO Error: " style prefix."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return re.sub(r"^(FATAL Error|[A-Za-z ]+ Error): ", "", lines[0])


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


def is_lake(db: str | os.PathLike) -> bool:
    return isinstance(db, str) and db.startswith("ducklake:")


def backend_for(db: str | os.PathLike, *, lake_data: str | os.PathLike | None = None) -> "FileBackend | LakeBackend":
    """The backend a `--db` value names: `ducklake:postgres:<libpq string>` is a lake, anything else a file path."""
    if is_lake(db):
        if not db.startswith(LAKE_PREFIX):
            raise LakeUnavailable(f"{db!r}: only a PostgreSQL catalog is supported; write "
                                  f"'{LAKE_PREFIX}dbname=NAME host=HOST user=USER'")
        data = lake_data if lake_data is not None else settings.lake_data()
        return LakeBackend(db[len(LAKE_PREFIX):], str(data) if data else None)
    return FileBackend(Path(db))


def adapt_ddl(text: str) -> str:
    """A migration as DuckLake accepts it: no PRIMARY KEY / UNIQUE clauses and no indexes (the one DDL difference).

    Uniqueness on the lake comes from merging a batch that was deduplicated first, under the table's lock.
    """
    def strip(table: re.Match) -> str:
        body = re.sub(r",\s*\n\s*(PRIMARY KEY|UNIQUE)\s*\([^)]*\)", "", table.group(0))  # table constraints
        return re.sub(r"[ \t]+(PRIMARY KEY|UNIQUE)\b(?!\s*\()", "", body)  # column constraints

    text = re.sub(r"(?is)\bCREATE\s+TABLE\b[^;']*?\n\s*\)\s*;", strip, text)  # only inside CREATE TABLE
    return re.sub(r"(?im)^\s*CREATE\s+(UNIQUE\s+)?INDEX\b[^;]*;[ \t]*\n?", "", text)


_VIEW_COLUMN_COMMENT = re.compile(r"(?im)^[ \t]*COMMENT\s+ON\s+COLUMN\s+(?:'[^']*'|[^;'])*;[ \t]*\n?")


def adapt_views(text: str) -> str:
    """View definitions (`sql/reporting/`) as DuckLake accepts them: without `COMMENT ON COLUMN` statements, which
    it refuses for a view's columns (the view's own comment stays; a DuckDB file exported from the lake gets both)."""
    return _VIEW_COLUMN_COMMENT.sub("", text)


def _wheel_extension(package: str, file: str) -> Path:
    """The extension file a PyPI wheel (`duckdb-extension-<name>`) installed for this DuckDB version."""
    version = f"v{duckdb.__version__}"
    wheel = package.replace("_", "-")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(f"the DuckLake backend needs the DuckDB extension package {wheel}=={duckdb.__version__} "
                              f"(pip install {wheel}=={duckdb.__version__}); extensions are never downloaded at run time")
    path = Path(list(spec.submodule_search_locations)[0]) / "extensions" / version / file
    if not path.is_file():
        have = sorted(p.name for p in path.parent.parent.glob("v*")) if path.parent.parent.is_dir() else []
        raise LakeUnavailable(f"{wheel} has no extension for duckdb {duckdb.__version__} "
                              f"(it has {', '.join(have) or 'none'}); install the matching version")
    return path


def extension_files() -> dict[str, Path]:
    """The ducklake and postgres extension files installed by the PyPI wheels, for this DuckDB version.

    The postgres wheel ships `postgres.duckdb_extension`, but DuckDB checks that a file's name matches the name
    the extension was built under (`postgres_scanner`), so it is linked under that name in a private folder.
    """
    version = f"v{duckdb.__version__}"
    found = {"ducklake": _wheel_extension("duckdb_extension_ducklake", "ducklake.duckdb_extension"),
             "postgres_scanner": _wheel_extension("duckdb_extension_postgres", "postgres.duckdb_extension")}
    link_dir = Path(tempfile.gettempdir()) / f"threadline-duckdb-extensions-{os.getuid()}" / version
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / "postgres_scanner.duckdb_extension"
    if not (link.is_symlink() and Path(os.readlink(link)) == found["postgres_scanner"]):
        temporary = link_dir / f".postgres_scanner.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(found["postgres_scanner"])
        os.replace(temporary, link)
    found["postgres_scanner"] = link
    return found


def is_object_store(data: str | None) -> bool:
    """Whether a lake's data path is in S3-compatible object storage (AWS S3, MinIO, Ceph, R2, …) rather than a folder."""
    return bool(data) and data.startswith(OBJECT_STORE_SCHEME)


def object_store_secret(data: str, env: Mapping[str, str] | None = None) -> str:
    """The `CREATE SECRET` statement that lets a session read and write the lake's data under `data` (`s3://…`).

    Credentials come from the standard AWS variables, as every S3 tool reads them: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (required), AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION (default us-east-1), and
    AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for a store other than AWS (e.g. `http://minio:9000`: path-style URLs,
    and TLS only for https). The secret is temporary (this session only) and scoped to the lake's bucket.
    """
    env = os.environ if env is None else env
    missing = [name for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if not env.get(name)]
    if missing:
        raise LakeUnavailable(f"the lake's data is in object storage ({data}): set {' and '.join(missing)} "
                              f"(and AWS_ENDPOINT_URL for a store other than AWS S3)")
    bucket = data[len(OBJECT_STORE_SCHEME):].split("/", 1)[0]
    if not bucket:
        raise LakeUnavailable(f"{data!r} names no bucket: write s3://BUCKET/PREFIX/")
    options = {"TYPE": "s3", "KEY_ID": env["AWS_ACCESS_KEY_ID"], "SECRET": env["AWS_SECRET_ACCESS_KEY"],
               "REGION": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"}
    if env.get("AWS_SESSION_TOKEN"):
        options["SESSION_TOKEN"] = env["AWS_SESSION_TOKEN"]
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        scheme, _, rest = endpoint.rpartition("://")
        if scheme not in ("", "http", "https") or not rest.strip("/"):
            raise LakeUnavailable(f"AWS_ENDPOINT_URL {endpoint!r} is not a store's address: write http(s)://HOST:PORT")
        options.update(ENDPOINT=rest.strip("/"), URL_STYLE="path", USE_SSL=scheme != "http")
    options["SCOPE"] = f"{OBJECT_STORE_SCHEME}{bucket}"
    body = ", ".join(f"{key} {value if isinstance(value, bool) or key == 'TYPE' else _sql_literal(value)}"
                     for key, value in options.items())
    return f"CREATE OR REPLACE TEMPORARY SECRET threadline_lake_data ({body})"


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


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
class FileBackend:
    """A DuckDB file: one writer under an `fcntl` lock, a working copy, and a published copy for readers."""

    published: Path
    kind = "duckdb"

    @property
    def working(self) -> Path:
        return self.published.with_name(self.published.name + ".writer")

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

    def adapt_ddl(self, text: str) -> str:
        return text

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


def close_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection that may already be broken (a failed checkpoint), saying nothing."""
    try:
        con.close()
    except duckdb.Error:
        pass


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


@dataclass
class LakeBackend:
    """A DuckLake: catalog in PostgreSQL (`catalog` is a libpq connection string), data as Parquet under `data`."""

    catalog: str
    data: str | None
    kind = "ducklake"

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

    def adapt_ddl(self, text: str) -> str:
        return adapt_ddl(text)

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
