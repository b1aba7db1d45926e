"""The DuckLake side of a purge: deleted rows stay in the lake's Parquet files, and every older snapshot reaches them
by time travel, until the files are rewritten, the snapshots that still hold the rows are expired and the files only
they used are deleted (`sql/purge/lake_expire.sql`). Snapshots older than the earliest time the purged data was in the
lake keep working; the data in inlined catalog rows is first written out to Parquet so that it goes the same way."""
from __future__ import annotations

from datetime import datetime

import duckdb

from pipeline.purge.tables import sql_steps
from pipeline.store import sql


def flush_inlined(con: duckdb.DuckDBPyConnection) -> None:
    """Rows small loads kept in the catalog, written out to Parquet (before the deletes)."""
    con.execute("CALL ducklake_flush_inlined_data('lake')")


def expire(con: duckdb.DuckDBPyConnection, since: datetime | None) -> int:
    """Rewrite files with deleted rows, expire the snapshots since `since` but the latest, delete the files only
    they used; returns how many snapshots were expired. The caller holds every table's lock."""
    steps = dict(sql_steps("purge/lake_expire"))
    con.execute(steps["rewritten"])
    versions = [] if since is None else [row[0] for row in con.execute(sql("purge/lake_snapshots"), [since]).fetchall()]
    if versions:
        con.execute("SET VARIABLE purge_versions = ?::UBIGINT[]", [versions])
        con.execute(steps["expired"])
    con.execute(steps["cleaned"])
    return len(versions)
