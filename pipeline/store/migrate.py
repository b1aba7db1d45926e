"""Versioned schema migrations: each `sql/migrations/NNN_name.sql` runs once, in order; those a warehouse lacks run
in one transaction.

Tables have no keys, on either backend (`without_keys`): a DuckDB file's `CHECKPOINT` rewrites a table's key index
whole, so a small load into a big keyed table costs the table's size (docs/architecture.md), and a DuckLake has no
keys at all. Each key stays unique because every load merges a batch deduplicated on it (sql/load/)."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable

import duckdb

from pipeline.store.sqlfiles import sql, sql_files

log = logging.getLogger(__name__)


def without_keys(text: str) -> str:
    """DDL without `PRIMARY KEY` / `UNIQUE` clauses or indexes: a key column stays `NOT NULL` (the columns of a
    table-level key are declared `NOT NULL` already); everything else is unchanged."""
    def strip(table: re.Match) -> str:
        body = re.sub(r",\s*\n\s*(PRIMARY KEY|UNIQUE)\s*\([^)]*\)", "", table.group(0))  # table constraints
        body = re.sub(r"(?<!NOT NULL)[ \t]+PRIMARY KEY\b(?!\s*\()", " NOT NULL", body)  # a column's key
        body = re.sub(r"[ \t]+PRIMARY KEY\b(?!\s*\()", "", body)  # one already NOT NULL
        return re.sub(r"[ \t]+UNIQUE\b(?!\s*\()", "", body)

    text = re.sub(r"(?is)\bCREATE\s+TABLE\b[^;']*?\n\s*\)\s*;", strip, text)  # only inside CREATE TABLE
    return re.sub(r"(?im)^\s*CREATE\s+(UNIQUE\s+)?INDEX\b[^;]*;[ \t]*\n?", "", text)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this warehouse lacks, each file's DDL `without_keys`, all in one transaction (a warehouse
    is at one version or the next, never between; a new DuckLake then commits one snapshot instead of one a
    migration); returns the names applied."""
    con.execute(without_keys(sql("store/schema_migrations")))
    done = {row[0] for row in con.execute(sql("store/applied_migrations")).fetchall()}
    missing = [(int(name.split("_", 1)[0]), name, text) for name, text in sql_files("migrations")
               if int(name.split("_", 1)[0]) not in done]
    if not missing:
        return []
    con.begin()
    try:
        for version, name, text in missing:
            con.execute(without_keys(text))
            _STEPS.get(version, lambda con: None)(con)
            con.execute(sql("store/record_migration"), [version, name])
        con.commit()
    except Exception:
        con.rollback()
        raise
    for _, name, _ in missing:
        log.info("applied migration %s", name)
    return [name for _, name, _ in missing]


def pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse lacks a migration (read without writing, so writers need not queue to find out)."""
    try:
        done = {row[0] for row in con.execute(sql("store/applied_migrations")).fetchall()}
    except duckdb.CatalogException:  # no schema_migrations yet: a new warehouse
        return True
    return any(int(name.split("_", 1)[0]) not in done for name, _ in sql_files("migrations"))


def rebuild_without_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild every table of the session's database that has a `PRIMARY KEY` or `UNIQUE` constraint (a DuckDB file
    made before migration 014) without it: same columns in the same order, types, `NOT NULL`s, defaults, comments
    and rows. DuckDB cannot drop a constraint, hence a copy. Returns the tables rebuilt (none on a lake)."""
    rebuilt = []
    for (table,) in con.execute(sql("store/keyed_tables")).fetchall():
        columns = con.execute(sql("store/table_columns"), [table]).fetchall()
        comment = con.execute(sql("store/table_comment"), [table]).fetchone()[0]
        new = f"{table}__without_keys"
        definitions = ", ".join(
            f"{_name(column)} {data_type}" + (f" DEFAULT ({default})" if default is not None else "")
            + ("" if nullable else " NOT NULL")
            for column, data_type, nullable, default, _ in columns)
        con.execute(f"CREATE TABLE {_name(new)} ({definitions})")
        con.execute(f"INSERT INTO {_name(new)} SELECT * FROM {_name(table)}")
        con.execute(f"DROP TABLE {_name(table)}")
        con.execute(f"ALTER TABLE {_name(new)} RENAME TO {_name(table)}")
        if comment is not None:
            con.execute(f"COMMENT ON TABLE {_name(table)} IS {_literal(comment)}")
        for column, _, _, _, column_comment in columns:
            if column_comment is not None:
                con.execute(f"COMMENT ON COLUMN {_name(table)}.{_name(column)} IS {_literal(column_comment)}")
        rebuilt.append(table)
    if rebuilt:
        log.info("rebuilt %d tables without keys: %s", len(rebuilt), ", ".join(rebuilt))
    return rebuilt


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Migrations that are more than their SQL file: run after it, in its transaction.
_STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], object]] = {14: rebuild_without_keys}
