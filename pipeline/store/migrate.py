"""Versioned schema migrations: each `sql/migrations/NNN_name.sql` runs once, in order, in its own transaction."""
from __future__ import annotations

import logging
from collections.abc import Callable

import duckdb

from pipeline.store.sqlfiles import sql, sql_files

log = logging.getLogger(__name__)


def migrate(con: duckdb.DuckDBPyConnection, adapt: Callable[[str], str] = lambda text: text) -> list[str]:
    """Apply the migrations this warehouse lacks; returns the names applied.

    `adapt` turns each file's DDL into what the backend accepts (`backend.adapt_ddl` drops keys for a DuckLake)."""
    con.execute(adapt(sql("store/schema_migrations")))
    done = {row[0] for row in con.execute(sql("store/applied_migrations")).fetchall()}
    applied = []
    for name, text in sql_files("migrations"):
        version = int(name.split("_", 1)[0])
        if version in done:
            continue
        con.begin()
        try:
            con.execute(adapt(text))
            con.execute(sql("store/record_migration"), [version, name])
            con.commit()
        except Exception:
            con.rollback()
            raise
        log.info("applied migration %s", name)
        applied.append(name)
    return applied


def pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse lacks a migration (read without writing, so writers need not queue to find out)."""
    try:
        done = {row[0] for row in con.execute(sql("store/applied_migrations")).fetchall()}
    except duckdb.CatalogException:  # no schema_migrations yet: a new warehouse
        return True
    return any(int(name.split("_", 1)[0]) not in done for name, _ in sql_files("migrations"))
