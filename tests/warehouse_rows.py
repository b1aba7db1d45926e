"""The rows a query gives on a warehouse, read as an analyst reads it: a read-only session (file or DuckLake)."""
from __future__ import annotations

import os

from pipeline.store import open_reader


def rows(db: str | os.PathLike, statement: str) -> list[tuple]:
    con = open_reader(str(db))
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()
