"""The DuckDB-file side of a purge: a DuckDB file keeps deleted rows' bytes in its blocks until they are reused, so
after the rows are deleted the file is written anew (`COPY FROM DATABASE` into a fresh file: tables, NOT NULLs, comments
and views, live rows only), flushed and renamed over the old one: the writer's working copy by the store's
`compact_working_copy`, an exported file by `purge_copy`."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipeline.purge.tables import Scope, remove
from pipeline.store.backend import close_quietly, connect_file, copy_live


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
        copy_live(con, fresh)
        return fresh, rows
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        close_quietly(con)
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)
