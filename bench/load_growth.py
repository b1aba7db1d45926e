"""How the cost of loading one small batch grows with the warehouse it goes into (a DuckDB file).

The warehouse is grown in steps (`--sizes`, pages already stored; each page is a synthetic live blog of
`--items-per-page` entries and posts, tests/synthetic.py), loaded `--step` pages per batch. At each size the same
kind of small batch (`--probe` pages never seen before) is loaded as one run, and then again ("seen again"), and
the run's time is split into its parts:

- merges: the load's statements, from matching posts to the run's counts (sql/load/);
- commit: the transaction's COMMIT (DuckDB writes its WAL);
- checkpoint: the writer's CHECKPOINT (the WAL into the file);
- publish: closing the working copy and publishing it (today a copy of the whole file, docs/architecture.md).

A part that grows with the warehouse is work the run does on what it did not load. The warehouse's file size is
printed beside each line.

usage: python bench/load_growth.py [--sizes 0,1000,4000] [--step 500] [--probe 10]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.batches import load_batches  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402
from pipeline.store import load as load_module  # noqa: E402
from pipeline.store.warehouse import Writer  # noqa: E402
from tests.synthetic import synthetic_pages  # noqa: E402

UNIVERSE = 1_000_000  # page numbers of the synthetic universe; growth and probe pages are disjoint parts of it


def pages(first: int, count: int, items_per_page: int) -> list:
    """Pages first … first+count-1 of the synthetic universe (each with its own entries and posts)."""
    results = []
    for p in range(first, first + count):
        results += synthetic_pages(UNIVERSE * items_per_page, UNIVERSE, share=(p, UNIVERSE))
    return results


def timed_run(db: str, batch) -> dict[str, float]:
    """Load `batch` as one run, timing its parts."""
    marks: dict[str, float] = {}
    load_module.before_commit = lambda con: marks.setdefault("before_commit", time.perf_counter())
    try:
        with Writer(db) as writer:
            run_id = writer.start_run("bench")
            started = time.perf_counter()
            writer.load(batch, run_id)
            loaded = time.perf_counter()
            writer.flush()
            flushed = time.perf_counter()
            writer.finish_run(run_id)
            finishing = time.perf_counter()
        published = time.perf_counter()
    finally:
        load_module.before_commit = None
    return {"merges": marks["before_commit"] - started, "commit": loaded - marks["before_commit"],
            "checkpoint": flushed - loaded, "publish": published - finishing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,4000", help="pages in the warehouse when the probe is loaded")
    parser.add_argument("--step", type=int, default=500, help="pages per batch while growing the warehouse")
    parser.add_argument("--probe", type=int, default=10, help="pages of the small batch timed at each size")
    parser.add_argument("--items-per-page", type=int, default=100)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    probe_first = UNIVERSE - args.probe * (len(sizes) + 1)
    print(f"a batch of {args.probe} new pages ({args.probe * args.items_per_page:,} items), then the same again, "
          f"into a DuckDB file of growing size; seconds per part of the run")
    print(f"  {'pages stored':>12} {'file MB':>8}  {'':<6}{'merges':>8}{'commit':>8}{'checkpoint':>11}{'publish':>9}"
          f"{'total':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "warehouse.duckdb")
        load_batches(db, [], command="bench")
        stored = 0
        for n, size in enumerate(sizes):
            while stored < size:
                count = min(args.step, size - stored)
                load_batches(db, [build_batch(pages(stored, count, args.items_per_page))], command="bench")
                stored += count
            batch = build_batch(pages(probe_first + n * args.probe, args.probe, args.items_per_page))
            for label in ("new", "again"):
                parts = timed_run(db, batch)
                megabytes = Path(db).stat().st_size / 1e6
                cells = "".join(f"{parts[p]:>{w}.3f}" for p, w in
                                (("merges", 8), ("commit", 8), ("checkpoint", 11), ("publish", 9)))
                print(f"  {size:>12,} {megabytes:>8.0f}  {label:<6}{cells}{sum(parts.values()):>8.3f}", flush=True)


if __name__ == "__main__":
    main()
