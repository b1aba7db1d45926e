"""Reporting objects analysts query: every `sql/reporting/*.sql` file (views), applied by the store's writer.

Each file creates or replaces its objects, so applying them again is harmless; they are applied in name order under
the writer's lock and published with the warehouse, so analysts see them on their next session.
"""
from __future__ import annotations

import logging
import os

from pipeline.store import Writer
from pipeline.store.sqlfiles import sql_files

log = logging.getLogger(__name__)


def refresh_reporting(db: str | os.PathLike) -> list[str]:
    """Apply every reporting SQL file to the warehouse and publish it; returns the names applied."""
    files = sql_files("reporting")
    with Writer(db) as writer:
        writer.apply_sql(files)
    for name, _ in files:
        log.info("reporting: applied %s", name)
    return [name for name, _ in files]
