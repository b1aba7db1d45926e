"""Three pages that embed one post, served by our own server, and the places a purged post must not be found:
every table of a warehouse, every record of the raw archive, every file of an export."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.store import open_reader
from tests.fetch_support import Reply, TestServer

POST_ID = "1869731234567890999"
TEXT = "Residents were told to leave the coastal district before the storm surge arrived tonight"
HANDLE = "coastwatch"


def page(n: int) -> bytes:
    """A page embedding the post (X's embed code) and a post of its own."""
    return f"""<html lang="en"><head><title>Storm live {n}</title></head>
<body><article><h1>Storm live {n}</h1><p>Our reporters follow the storm as it comes ashore, hour by hour, on page {n}.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{TEXT}</p>&mdash; Coast Watcher (@{HANDLE})
<a href="https://twitter.com/{HANDLE}/status/{POST_ID}">December 19, 2024</a></blockquote>
<p>More later on page {n}.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Another post, number {n}, about the weather today</p>&mdash;
Other (@other{n}) <a href="https://twitter.com/other{n}/status/18697312345678{n:05d}">December 19, 2024</a></blockquote>
</article></body></html>""".encode("utf-8")


def serve_pages(server: TestServer) -> list[str]:
    for n in (1, 2, 3):
        server.route(f"/storm-{n}", Reply(200, page(n)))
    return [server.url(f"/storm-{n}") for n in (1, 2, 3)]


def tables_holding(db: str | os.PathLike, needle: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """`table.column` of every row of every table whose value (as text) contains `needle`."""
    con = open_reader(str(db))
    try:
        columns = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database() AND schema_name = 'main' "
                              "AND table_name IN (SELECT table_name FROM duckdb_tables() "
                              "                   WHERE database_name = current_database())").fetchall()
        return [f"{table}.{column}" for table, column in columns if table not in skip
                and con.execute(f'SELECT count(*) FROM "{table}" WHERE contains(CAST("{column}" AS VARCHAR), ?)',
                                [needle]).fetchone()[0]]
    finally:
        con.close()


def archive_holding(folder: Path, needle: str) -> list[str]:
    """The WARC files under `folder` whose content (every record, decompressed) contains `needle`."""
    return [str(path) for path in sorted(folder.glob("*.warc.gz")) if needle.encode() in gzip.open(path).read()]


def export_holding(folder: Path, needle: str) -> list[str]:
    """The Parquet files of an export holding `needle` in any value."""
    found = []
    for path in sorted(folder.rglob("*.parquet")):
        table = pq.read_table(path, partitioning=None)
        if any(needle in str(value) for column in table.columns for value in column.to_pylist()):
            found.append(str(path))
    return found
