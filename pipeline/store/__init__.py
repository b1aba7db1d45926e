"""The only code that opens DuckDB: migrations, set-based loading, run bookkeeping, publishing for readers.

The warehouse is a DuckDB file or a DuckLake (`ducklake:postgres:…`); callers never need to know which
(`pipeline/store/backend.py` holds every difference).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from pipeline.store.backend import LakeUnavailable, is_lake
from pipeline.store.load import TableCounts
from pipeline.store.sqlfiles import sql
from pipeline.store.upkeep import export_duckdb, maintain
from pipeline.store.warehouse import WarehouseBusy, WarehouseMissing, WarehousePaths, Writer, open_reader

__all__ = ["LakeUnavailable", "Stats", "TableCounts", "WarehouseBusy", "WarehouseMissing", "WarehousePaths", "Writer",
           "export_duckdb", "is_lake", "maintain", "open_reader", "read_stats"]


@dataclass
class Stats:
    """Row counts per table and the latest run, as `pipeline stats` prints them."""

    table_counts: dict[str, int]
    last_run: dict | None


def read_stats(db: str | os.PathLike, *, lake_data: str | os.PathLike | None = None, snapshot: int | None = None,
               at: datetime | None = None) -> Stats:
    """Row counts and the latest run of the published warehouse (on a lake: of its latest or a given snapshot)."""
    con = open_reader(db, lake_data=lake_data, snapshot=snapshot, at=at)
    try:
        counts = dict(con.execute(sql("stats/table_counts")).fetchall())
        cursor = con.execute(sql("stats/last_run"))
        row = cursor.fetchone()
        last_run = dict(zip([d[0] for d in cursor.description], row)) if row else None
    finally:
        con.close()
    return Stats(counts, last_run)
