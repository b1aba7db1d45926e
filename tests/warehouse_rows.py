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


# Every table's key, as docs/contract.md states it. No table has a PRIMARY KEY (sql/migrations/014_no_keys.sql): the
# load keeps these unique, and `duplicate_keys` is what would go wrong.
KEYS = {"articles": "article_id", "social_posts": "post_id", "update_items": "item_id",
        "item_revisions": "item_id, revision", "article_posts": "article_id, post_id, occurrence",
        "post_entities": "post_id, kind, value", "post_relations": "post_id, related_post_id, kind",
        "quotes": "quote_id", "fetch_log": "run_id, url, attempt", "ingest_runs": "run_id",
        "run_table_counts": "run_id, table_name", "run_source_counts": "run_id, source_name",
        "load_attempts": "run_id, batch, attempt", "archive_pruned": "path", "purge_requests": "request_id",
        "item_events": 'item_id, kind, "at"'}


def duplicate_keys(con) -> dict[str, int]:
    """Keys held by more than one row, per table (none, when the load keeps its promise)."""
    found = {}
    for table, key in KEYS.items():
        n = con.execute(f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
                        ).fetchone()[0]
        if n:
            found[table] = n
    return found
