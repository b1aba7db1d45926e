"""Copies and upkeep of the warehouse, on either backend: a DuckDB file exported from it, and the lake's maintenance."""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from pipeline import settings
from pipeline.settings import WarehouseSettings
from pipeline.store.backend import backend_for, connect_file
from pipeline.store.migrate import migrate
from pipeline.store.sqlfiles import sql

log = logging.getLogger(__name__)

# Every table the pipeline writes: maintenance holds all their locks, so no load is half-written meanwhile.
ALL_TABLES = ["archive_pruned", "article_posts", "articles", "fetch_log", "ingest_runs", "item_events",
              "item_revisions", "load_attempts", "post_entities", "post_relations", "purge_requests", "quotes",
              "run_source_counts", "run_table_counts", "schema_views", "social_posts", "update_items"]


def export_duckdb(db: WarehouseSettings | str | os.PathLike, out_path: str | os.PathLike, *,
                  snapshot: int | None = None, at: datetime | None = None) -> dict[str, int]:
    """Write the warehouse (a DuckDB file or a lake, on a lake at an optional snapshot) as one DuckDB file.

    The file gets the same schema as a warehouse file (the migrations, with their comments), so it opens in any
    DuckDB 1.5 tool like `data/warehouse.duckdb`; it is written beside `out_path` and renamed into place. Returns
    rows per table."""
    source = backend_for(db)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f"{out.name}.exporting-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    con = connect_file(temporary)
    counts = {}
    try:
        migrate(con)
        source.attach(con, "src", read_only=True, snapshot=snapshot, at=at)
        main = con.execute("SELECT current_database()").fetchone()[0]
        ours = [r[0] for r in con.execute(sql("store/user_tables"), [main]).fetchall()]
        theirs = {r[0] for r in con.execute(sql("store/user_tables"), ["src"]).fetchall()}
        con.begin()
        for table in ours:
            if table in theirs:
                con.execute(f"INSERT INTO main.{table} BY NAME SELECT * FROM src.main.{table}")
            counts[table] = con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
        con.commit()
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        temporary.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(temporary, out)
    log.info("exported %s to %s", source.describe(), out)
    return counts


def maintain(db: WarehouseSettings | str | os.PathLike, *, retention: float | None = None,
             lock_timeout_s: float = 3600.0) -> dict:
    """The lake's weekly upkeep: merge small files, expire snapshots older than `retention` days (default
    $THREADLINE_LAKE_RETENTION_DAYS or 30), delete files no snapshot needs. Holds every table's lock meanwhile, so
    it never races a load. Nothing to do on a DuckDB file (it keeps no old snapshots). Returns what it did."""
    backend = backend_for(db)
    if not backend.keeps_snapshots:
        return {}
    days = settings.lake_retention_days() if retention is None else retention
    with backend.setting_up(lock_timeout_s):  # waits for a writer still creating or migrating the lake
        con = backend.open_writer(lock_timeout_s)
    try:
        with backend.locks(ALL_TABLES):
            done = backend.maintain(con, retention_days=days)
    finally:
        try:
            backend.publish(con)
        finally:
            backend.release()
    log.info("maintained %s: %s", backend.describe(), done)
    return done
