"""The reporting views: every `sql/reporting/NN_name.sql` file, applied through the store's writer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.settings import WarehouseSettings
from pipeline.store import Writer, open_reader, published_views_current, sql, sql_files
from pipeline.store.warehouse import VIEWS_FOLDER  # sql/reporting/: one `CREATE OR REPLACE VIEW` per file


def view_files() -> list[str]:
    """Names of the view files, in the order they apply (a view may build on an earlier one)."""
    return [name for name, _ in sql_files(VIEWS_FOLDER)]


def apply_views(db: WarehouseSettings) -> list[str]:
    """Make the warehouse's reporting views those of `sql/reporting/` now; returns the files applied (none when the
    warehouse already has them, which a read-only session finds out without waiting for a running load).

    Every writer brings them up to date when it opens (so a load does it too); here a view that fails to apply is an
    error, not a logged warning. Goes through the writer (on a file: lock, working copy, publish; on a lake: one
    commit), so readers keep their snapshot meanwhile.
    """
    if published_views_current(db):
        return []
    with Writer(db, keep_views_current=False) as writer:
        return writer.refresh_views()


@dataclass
class Rows:
    """A query's result: column names and rows of plain Python values."""

    columns: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def read_queries(db: WarehouseSettings, names: list[str]) -> dict[str, Rows]:
    """Run `sql/<name>.sql` queries in one read-only session on the published warehouse (file or lake)."""
    con = open_reader(db)
    try:
        results = {}
        for name in names:
            cursor = con.execute(sql(name))
            results[name] = Rows([d[0] for d in cursor.description], cursor.fetchall())
        return results
    finally:
        con.close()


def plain(value):
    """A value as text for a page or a table cell."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
