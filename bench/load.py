"""Rows/s of loading N synthetic items and posts through the real loading path, against a plain INSERT … SELECT.

The real path (pipeline.store: stage, match posts, dedupe, merge with counts, revisions, bookkeeping, checkpoint,
publish) is timed on a fresh warehouse (all inserts) and again on the same input (all "seen again"), and compared
with the floor: the same Arrow rows into tables of the same columns without keys, one INSERT … SELECT each.

Then 1, 2 and 4 concurrent loader processes, each loading its share of the pages (one batch each) into a fresh
warehouse: a DuckDB file (loaders take turns on its lock) and a DuckLake on PostgreSQL (merges into one table take
turns on its advisory lock; staging overlaps). The lake needs a PostgreSQL where a catalog database may be created
(--pg, default $THREADLINE_BENCH_PG or 127.0.0.1 as postgres); it is dropped afterwards.
usage: python bench/load.py [--items 100000] [--pages 1000] [--loaders 1,2,4] [--pg 'host=… user=… dbname=…']
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.ingest import load_batches  # noqa: E402
from pipeline.model import Embed, Entity, Page, ParseResult, SocialPost, UpdateItem  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402
from pipeline.store.warehouse import connect  # noqa: E402

T0 = datetime(2024, 12, 19, tzinfo=timezone.utc)


def synthetic_pages(items: int, pages: int, share: tuple[int, int] = (0, 1)) -> list[ParseResult]:
    """Live blogs with `items` entries in all, one embedded post (with entities) per entry, posts shared by 2 pages.

    `share` (i, n): only the pages of loader i of n (every n-th page)."""
    per_page = items // pages
    results = []
    for p in range(share[0], pages, share[1]):
        entries, embeds = [], []
        for e in range(per_page):
            n = p * per_page + e
            entries.append(UpdateItem("liveblog_entry", e + 1, f"Entry {n}: something happened at {n % 97} o'clock.",
                                      native_id=f"block-{n}", headline=f"Update {n}",
                                      published_at=T0 + timedelta(seconds=n)))
            post_n = n // 2  # every post embedded by two entries (of neighbouring pages)
            post = SocialPost("x", str(1869731234567890123 + post_n), author_name=f"Account {post_n % 500}",
                              author_handle=f"account{post_n % 500}", posted_at=T0 + timedelta(seconds=post_n),
                              posted_at_precision="millisecond", text=f"Post {post_n} #tag{post_n % 50}",
                              entities=[Entity("hashtag", f"tag{post_n % 50}")])
            embeds.append(Embed(post, e + 1, "blockquote", entry_position=e + 1))
        results.append(ParseResult(Page(source=f"bench-{p}", url=f"https://news.example/live/{p}",
                                        canonical_url=f"https://news.example/live/{p}", title=f"Live {p}",
                                        is_liveblog=True, body_text=f"Live blog {p}", entries=entries,
                                        embeds=embeds, fetched_at=T0)))
    return results


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loader(db: str, lake_data: str | None, items: int, pages: int, share: tuple[int, int], ready, go) -> None:
    batch = build_batch(synthetic_pages(items, pages, share))
    ready.put(batch.row_count())
    go.wait()
    load_batches(db, [batch], command="bench", lake_data=lake_data)


def concurrent(db: str, lake_data: str | None, items: int, pages: int, loaders: int) -> tuple[int, float]:
    """Rows and seconds for `loaders` processes loading their shares at once (timed from the common start)."""
    ctx = multiprocessing.get_context("spawn")
    ready, go = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_loader, args=(db, lake_data, items, pages, (i, loaders), ready, go))
             for i in range(loaders)]
    for proc in procs:
        proc.start()
    rows = sum(ready.get() for _ in procs)
    started = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a loader failed (exit {proc.exitcode})")
    return rows, time.perf_counter() - started


def _pg_admin(dsn: str):
    try:
        import psycopg2

        con = psycopg2.connect(dsn, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        print(f"lake: skipped, no PostgreSQL at {dsn!r} ({str(exc).strip()})")
        return None
    con.autocommit = True
    return con


def bench_concurrent(args) -> None:
    counts = [int(n) for n in args.loaders.split(",")]
    print(f"concurrent loaders, each loading its share of the pages as one batch into a fresh warehouse:")
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            db = str(Path(tmp) / f"file-{n}.duckdb")
            load_batches(db, [], command="bench")  # created and migrated, as the lake is below
            rows, seconds = concurrent(db, None, args.items, args.pages, n)
            print(f"  duckdb file, {n} loader(s): {rows / seconds:>10,.0f} rows/s ({seconds:.2f} s)")
        admin = _pg_admin(args.pg)
        if admin is None:
            return
        for n in counts:
            name = f"threadline_bench_{secrets.token_hex(4)}"
            with admin.cursor() as cur:
                cur.execute(f"CREATE DATABASE {name}")
            try:
                parts = dict(part.split("=", 1) for part in args.pg.split())
                parts["dbname"] = name
                db = "ducklake:postgres:" + " ".join(f"{k}={v}" for k, v in parts.items())
                data = str(Path(tmp) / f"lake-{n}")
                load_batches(db, [], command="bench", lake_data=data)
                rows, seconds = concurrent(db, data, args.items, args.pages, n)
                print(f"  ducklake,    {n} loader(s): {rows / seconds:>10,.0f} rows/s ({seconds:.2f} s)")
            finally:
                with admin.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--loaders", default="1,2,4", help="concurrent loader counts to time, e.g. 1,2,4")
    parser.add_argument("--pg", default=os.environ.get("THREADLINE_BENCH_PG",
                                                       "host=127.0.0.1 port=5432 user=postgres dbname=test"),
                        help="libpq string of a PostgreSQL database to create the lake's catalog database from")
    parser.add_argument("--only-concurrent", action="store_true", help="skip the single-file figures")
    args = parser.parse_args()
    if args.only_concurrent:
        bench_concurrent(args)
        return
    results = synthetic_pages(args.items, args.pages)
    batch = build_batch(results)
    rows = sum(t.num_rows for name, t in batch.tables.items())
    print(f"input: {args.pages} pages, {batch.tables['update_items'].num_rows} items, "
          f"{batch.tables['social_posts'].num_rows} post rows, {rows} rows in all")

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        load_batches(db, [batch], command="bench")
        first = time.perf_counter() - started
        started = time.perf_counter()
        load_batches(db, [batch], command="bench")
        again = time.perf_counter() - started

        # The floor: the same Arrow rows into tables of the same columns without keys, one INSERT … SELECT each.
        con = connect(Path(tmp) / "floor.duckdb")
        for name, table in batch.tables.items():
            con.register("incoming", table)
            con.execute(f"CREATE TABLE floor_{name} AS SELECT * FROM incoming WHERE false")
            con.unregister("incoming")
        started = time.perf_counter()
        con.begin()
        for name, table in batch.tables.items():
            con.register("incoming", table)
            con.execute(f"INSERT INTO floor_{name} SELECT * FROM incoming")
            con.unregister("incoming")
        con.commit()
        con.execute("CHECKPOINT")
        floor = time.perf_counter() - started
        con.close()

    print(f"real loading path, new rows:   {rows / first:>10,.0f} rows/s ({first:.2f} s)")
    print(f"real loading path, seen again: {rows / again:>10,.0f} rows/s ({again:.2f} s)")
    print(f"plain INSERT … SELECT (floor): {rows / floor:>10,.0f} rows/s ({floor:.2f} s)")
    print(f"ratio real/floor: {floor / first:.2f} (new), {floor / again:.2f} (seen again)")
    print(f"peak RSS: {peak_mb():.0f} MB")
    bench_concurrent(args)


if __name__ == "__main__":
    main()
