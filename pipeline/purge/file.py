"""The DuckDB-file side of a purge: a DuckDB file keeps deleted rows' bytes in its blocks until they are reused, so
after the rows are deleted the file is written anew (`COPY FROM DATABASE` into a fresh file: tables, NOT NULLs, comments
and views, live rows only), flushed and renamed over the old one."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipeline.fetch.warc_rewrite import fsync_folder
from pipeline.purge.tables import Scope, remove
from pipeline.store.backend import _sql_literal, close_quietly, connect_file, open_warehouse_file

_ALIAS = "purge_compacted"


def _copy_live(con: duckdb.DuckDBPyConnection, fresh: Path) -> None:
    """Every live row, table, view and comment of `con`'s database written to a new file `fresh`."""
    fresh.unlink(missing_ok=True)
    name = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("CHECKPOINT")
    con.execute(f"ATTACH {_sql_literal(str(fresh))} AS {_ALIAS}")
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO {_ALIAS}')
    finally:
        con.execute(f"DETACH {_ALIAS}")
    with open(fresh, "rb+") as handle:
        os.fsync(handle.fileno())


def compact_working_copy(con: duckdb.DuckDBPyConnection, working: Path) -> duckdb.DuckDBPyConnection:
    """The writer's working copy rewritten with its live rows only; returns a new connection to it (the writer
    publishes it as after a load). `con` is closed."""
    fresh = working.with_name(f"{working.name}.compacting-{os.getpid()}")
    try:
        _copy_live(con, fresh)
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(fresh, working)
    fsync_folder(working.parent)
    return open_warehouse_file(working)


def purge_copy(path: Path, scope: Scope, *, dry_run: bool = False) -> tuple[Path | None, int] | None:
    """An exported DuckDB file without what `scope` removes, written beside it: (new file, rows removed), or None
    when it holds none of it. With `dry_run` the rows are counted in a copy that is thrown away."""
    copy = path.with_name(f".{path.name}.purging-{os.getpid()}")
    fresh = path.with_name(f".{path.name}.purged-{os.getpid()}")
    shutil.copyfile(path, copy)
    con = connect_file(copy)
    try:
        con.begin()
        removed = remove(con, scope)
        rows = sum(n for table, n in removed.items() if table != "scrubbed")
        if not rows and not removed["scrubbed"]:
            con.rollback()
            return None
        con.commit()
        if dry_run:
            return None, rows
        _copy_live(con, fresh)
        return fresh, rows
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        close_quietly(con)
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)
