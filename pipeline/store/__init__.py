"""The only code that opens DuckDB: migrations, set-based loading, run bookkeeping, publishing for readers."""
from __future__ import annotations

import os
from dataclasses import dataclass

from pipeline.store.load import TableCounts
from pipeline.store.sqlfiles import sql, sql_files
from pipeline.store.warehouse import (WarehouseBusy, WarehouseMissing, WarehousePaths, Writer, copy_published,
                                      open_reader)

__all__ = ["Stats", "TableCounts", "WarehouseBusy", "WarehouseMissing", "WarehousePaths", "Writer", "copy_published",
           "open_reader", "read_stats", "sql", "sql_files"]


@dataclass
class Stats:
    """Row counts per table and the latest run, as `pipeline stats` prints them."""

    table_counts: dict[str, int]
    last_run: dict | None


def read_stats(db: str | os.PathLike) -> Stats:
    """Row counts and the latest run of the published warehouse."""
    con = open_reader(db)
    try:
        counts = dict(con.execute(sql("stats/table_counts")).fetchall())
        cursor = con.execute(sql("stats/last_run"))
        row = cursor.fetchone()
        last_run = dict(zip([d[0] for d in cursor.description], row)) if row else None
    finally:
        con.close()
    return Stats(counts, last_run)
