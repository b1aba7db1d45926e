"""The yardsticks `bench/load.py` holds our load against, given the rows our load stored (its final rows, as Arrow
tables, already one per key), each into the same tables with the same keys, in a DuckDB file of its own:

- raw: our tables as our migrations make them (no `PRIMARY KEY`, as in our warehouse since migration 014), one
  `INSERT … SELECT` per table from the Arrow table, in one transaction, then CHECKPOINT. A reload (the rows there
  already) is one `MERGE INTO … USING` the Arrow table `ON` the key per table, `UPDATE` (every column) when
  matched, `INSERT` when not: what a DuckDB user writes to upsert into a table without a key (`ON CONFLICT` needs
  one; delete-then-insert by key, measured too, was slower here: bench/README.md). No dedupe, no matching, no
  counts, no bookkeeping, no published copy: the floor.
- dlt (`dlt[duckdb]`, the bench extra): `pipeline.run` of one resource per table with `primary_key` = our key and
  `write_disposition="merge"` (dlt's delete-insert: its own staging dataset, dedupe on the key, load records).
  dlt keeps list columns (`authors`, `headings`) as JSON.

Both are prepared untimed (tables created), as our warehouse is migrated untimed. Bench code only: pipeline/ never
imports this module or dlt.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pyarrow as pa

from pipeline.batches import load_batches
from pipeline.store import open_reader
from pipeline.store.warehouse import connect

# Each content table's key (docs/contract.md); the bookkeeping tables are ours alone.
KEYS = {"articles": ["article_id"], "social_posts": ["post_id"], "update_items": ["item_id"],
        "item_revisions": ["item_id", "revision"], "article_posts": ["article_id", "post_id", "occurrence"],
        "post_entities": ["post_id", "kind", "value"], "quotes": ["quote_id"]}


def stored_rows(db: str) -> dict[str, pa.Table]:
    """The rows a warehouse holds in each content table, as Arrow tables (the empty ones left out)."""
    con = open_reader(db)
    try:
        tables = {name: con.execute(f"SELECT * FROM {name}").to_arrow_table() for name in KEYS}
    finally:
        con.close()
    return {name: table for name, table in tables.items() if table.num_rows}


def stored_count(db: str) -> int:
    """How many rows a warehouse (DuckDB file or DuckLake) holds in its content tables."""
    con = open_reader(db)
    try:
        return sum(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in KEYS)
    finally:
        con.close()


def row_count(tables: dict[str, pa.Table]) -> int:
    return sum(table.num_rows for table in tables.values())


def raw_prepare(db: Path) -> None:
    """A DuckDB file with our tables (our migrations: no keys, as in our warehouse) and nothing in them."""
    load_batches(str(db), [], command="bench")


def raw_insert(db: Path, tables: dict[str, pa.Table], *, upsert: bool, reload: str = "merge") -> float:
    """Seconds to insert (or, with `upsert`, insert-or-update by key: `reload` "merge", or "delete" then insert)
    the rows into `db`'s tables, one statement each (two for "delete")."""
    started = time.perf_counter()
    con = connect(db)
    try:
        con.begin()
        for name, table in tables.items():
            con.register("incoming", table)
            for statement in _insert(name, table.column_names, upsert, reload):
                con.execute(statement)
            con.unregister("incoming")
        con.commit()
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - started


def _insert(table: str, columns: list[str], upsert: bool, reload: str) -> list[str]:
    insert = f"INSERT INTO {table} BY NAME SELECT * FROM incoming"
    if not upsert:
        return [insert]
    on = " AND ".join(f"t.{key} = s.{key}" for key in KEYS[table])
    if reload == "delete":
        return [f"DELETE FROM {table} t USING incoming s WHERE {on}", insert]
    return [f"MERGE INTO {table} t USING incoming s ON {on} WHEN MATCHED THEN UPDATE SET * "
            f"WHEN NOT MATCHED THEN INSERT *"]


def raw_count(db: Path) -> int:
    con = connect(db, read_only=True)
    try:
        return sum(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in KEYS)
    finally:
        con.close()


def dlt_available() -> str | None:
    """Why the dlt yardstick cannot run here, or None when it can."""
    try:
        _dlt()
    except ImportError as exc:
        return f"dlt is not installed ({exc}); pip install -e '.[bench]'"
    return None


def _dlt():
    # No usage reports to dltHub from a bench run, and no warnings about column hints (dlt keeps its own types).
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")
    import dlt

    logging.getLogger("dlt").setLevel(logging.ERROR)
    return dlt


class DltMerge:
    """A dlt pipeline into a DuckDB file under `folder`, its tables created from `tables` (with no rows)."""

    DATASET = "bench"

    def __init__(self, folder: Path, tables: dict[str, pa.Table]):
        dlt = _dlt()
        self.file = folder / "dlt.duckdb"
        self.pipeline = dlt.pipeline(pipeline_name="threadline_bench", pipelines_dir=str(folder / "dlt-pipelines"),
                                     destination=dlt.destinations.duckdb(str(self.file)), dataset_name=self.DATASET)
        self.names = list(tables)
        self._run({name: table.slice(0, 0) for name, table in tables.items()})

    def merge(self, tables: dict[str, pa.Table]) -> float:
        """Seconds for dlt to merge the rows on their keys."""
        started = time.perf_counter()
        self._run(tables)
        return time.perf_counter() - started

    def count(self) -> int:
        con = connect(self.file, read_only=True)
        try:
            return sum(con.execute(f"SELECT count(*) FROM {self.DATASET}.{name}").fetchone()[0] for name in self.names)
        finally:
            con.close()

    def _run(self, tables: dict[str, pa.Table]) -> None:
        dlt = _dlt()
        info = self.pipeline.run([dlt.resource(table, name=name, primary_key=KEYS[name], write_disposition="merge")
                                  for name, table in tables.items()])
        info.raise_on_failed_jobs()
