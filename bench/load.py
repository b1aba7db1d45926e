"""Rows/s of loading N synthetic items and posts through the real loading path, against a plain INSERT … SELECT.

The real path (pipeline.store: stage, match posts, dedupe, merge with counts, revisions, bookkeeping, checkpoint,
publish) is timed on a fresh warehouse (all inserts) and again on the same input (all "seen again"), and compared
with the floor: the same Arrow rows into tables of the same columns without keys, one INSERT … SELECT each.
usage: python bench/load.py [--items 100000] [--pages 1000]
"""
from __future__ import annotations

import argparse
import resource
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


def synthetic_pages(items: int, pages: int) -> list[ParseResult]:
    """Live blogs with `items` entries in all, one embedded post (with entities) per entry, posts shared by 2 pages."""
    per_page = items // pages
    results = []
    for p in range(pages):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=1_000)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
