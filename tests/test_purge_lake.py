"""`pipeline purge` on a DuckLake (issue 16): the post embedded by three pages is gone from every table, the lake's
Parquet files and its catalog, from the archive in the data folder, and from time travel to the snapshots that held
it; a re-read does not bring it back."""
from __future__ import annotations

import duckdb
import psycopg2
import pyarrow.parquet as pq
import pytest

from pipeline.runs import ingest
from pipeline.store import open_reader
from tests.commands import pipeline
from tests.lakes import fresh_lake
from tests.purge_support import POST_ID, TEXT, archive_holding, serve_pages, tables_holding
from tests.warehouse_rows import rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def held_at(db: str, snapshot: int) -> int | None:
    """Rows of the post at a snapshot, or None when time travel can no longer reach that snapshot."""
    con = open_reader(db)
    try:
        return con.execute(f"SELECT count(*) FROM social_posts AT (VERSION => {snapshot}) "
                           f"WHERE post_id = 'x:{POST_ID}'").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def catalog_holding(catalog: str, needle: str) -> list[str]:
    """The catalog's tables (inlined rows included) with a row whose text holds `needle`."""
    with psycopg2.connect(catalog) as pg, pg.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        found = []
        for (table,) in cur.fetchall():
            cur.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{needle}%"])
            if cur.fetchone()[0]:
                found.append(table)
        return found


def parquet_holding(folder, needle: str) -> list[str]:
    return [str(path) for path in folder.rglob("*.parquet")
            if any(needle in str(value) for column in pq.read_table(path).columns for value in column.to_pylist())]


def test_a_purged_post_leaves_the_lake_and_its_older_snapshots(server, local_fetching, tmp_path, monkeypatch):
    monkeypatch.setenv("THREADLINE_DATA", str(tmp_path / "data"))
    urls = serve_pages(server)
    with fresh_lake(tmp_path, migrated=True) as lake:
        for url in urls:  # three runs, three snapshots that hold the post
            assert not ingest([url], lake.warehouse).failed
        [(first, before)] = rows(lake.db, "SELECT min(snapshot_before), max(snapshot_after) FROM ingest_runs")
        assert held_at(lake.db, first) == 0
        assert held_at(lake.db, before) == 1
        assert parquet_holding(lake.data, TEXT) or catalog_holding(lake.catalog, TEXT)
        assert archive_holding(tmp_path / "data" / "archive", TEXT)

        done = pipeline("purge", "--post", f"x:{POST_ID}", "--reason", "legal request", "--export",
                        str(tmp_path / "export"), env=lake.env())
        assert done.returncode == 0, done.stderr
        assert "lake snapshots expired" in done.stdout

        assert tables_holding(lake.db, POST_ID, skip=("purge_requests",)) == []
        assert tables_holding(lake.db, TEXT) == []
        assert held_at(lake.db, before) in (None, 0)  # that snapshot is no longer reachable
        assert held_at(lake.db, first) == 0  # one from before the post was loaded still is
        assert parquet_holding(lake.data, TEXT) == [] and catalog_holding(lake.catalog, TEXT) == []
        assert archive_holding(tmp_path / "data" / "archive", TEXT) == []
        [(kind, expired)] = rows(lake.db, "SELECT kind, snapshots_expired FROM purge_requests")
        assert kind == "post" and expired >= 3
        assert rows(lake.db, "SELECT count(*) FROM articles") == [(3,)]

        assert not ingest(urls, lake.warehouse).failed
        assert tables_holding(lake.db, POST_ID, skip=("purge_requests",)) == []
        assert rows(lake.db, "SELECT count(*) FROM social_posts") == [(3,)]
