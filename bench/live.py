"""What one live poll costs the warehouse, against the size of the warehouse it loads into.

For each warehouse size (`--sizes`, synthetic live blogs of `--items-per-page` entries, tests/synthetic.py), a DuckDB
file is loaded with them (untimed), then `--rounds` times each of:

- a quiet poll: one 304 (a batch of one `fetch_log` row), as `threadline_live` loads it every ten minutes per live
  blog that did not change;
- a changed poll: one live blog read again with one entry edited, one removed and one added (its complete read marks
  the removal: sql/load/08_item_events.sql);

each through `load_batches` (writer open, run bookkeeping, the load's steps, checkpoint, publish), the whole of what a
poll's load costs. The peer is the same two batches loaded into a warehouse holding only the polled live blog: the
part of the cost that does not depend on the warehouse. A load whose cost follows its own size shows the same seconds
in every row.

usage: python bench/live.py [--sizes 1,200,2000] [--items-per-page 50] [--rounds 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.batches import load_batches  # noqa: E402
from pipeline.model import FetchRecord  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402
from tests.synthetic import synthetic_pages  # noqa: E402


def quiet_batch(url: str, at):
    return build_batch([], [FetchRecord(url=url, outcome="not_modified", fetched_at=at, http_status=304)])


def changed_batch(page, at):
    """The live blog `page` read again at `at`: its first entry edited, its second gone, one entry added."""
    result = dataclasses.replace(page)
    result.page = dataclasses.replace(page.page, fetched_at=at, entries=list(page.page.entries), embeds=[])
    entries = result.page.entries
    entries[0] = dataclasses.replace(entries[0], text=entries[0].text + " (corrected)")
    del entries[1]
    entries.append(dataclasses.replace(entries[-1], native_id="block-new", text="A new entry.", position=999))
    result.page.entries_complete = True
    return build_batch([result], [FetchRecord(url=result.page.url, outcome="ok", fetched_at=at, http_status=200)])


def time_polls(db: str, page, rounds: int, start) -> tuple[list[float], list[float]]:
    quiet, changed = [], []
    for n in range(rounds):
        at = start + timedelta(minutes=10 * (2 * n + 1))
        began = time.perf_counter()
        load_batches(db, [quiet_batch(page.page.url, at)], command="bench")
        quiet.append(time.perf_counter() - began)
        began = time.perf_counter()
        load_batches(db, [changed_batch(page, at + timedelta(minutes=10))], command="bench")
        changed.append(time.perf_counter() - began)
    return quiet, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,200,2000", help="live blogs in the warehouse, comma-separated")
    parser.add_argument("--items-per-page", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'warehouse':>28}  {'quiet poll (304)':>18}  {'changed poll':>14}   (median of {args.rounds}, seconds)")
    for size in [int(s) for s in args.sizes.split(",")]:
        pages = synthetic_pages(size * args.items_per_page, size)
        polled = pages[0]
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "warehouse.duckdb")
            load_batches(db, [build_batch(pages)], command="bench")  # untimed
            start = polled.page.fetched_at + timedelta(hours=1)
            quiet, changed = time_polls(db, polled, args.rounds, start)
        rows = size * args.items_per_page
        label = f"{size:,} live blogs, {rows:,} entries" if size > 1 else "only the polled one (peer)"
        print(f"{label:>28}  {statistics.median(quiet):>18.3f}  {statistics.median(changed):>14.3f}")


if __name__ == "__main__":
    main()
