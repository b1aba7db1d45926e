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
printed beside each line. Each size is probed `--rounds` times with new pages each time; the first round warms up
(the working copy, DuckDB's caches) and the medians of the others are the steady state. The last lines print the
ratio the issue's bound is about: a probe into the largest warehouse ÷ the same into the smallest (whole run, and
without publishing).

usage: python bench/load_growth.py [--sizes 0,1000,4000] [--step 500] [--probe 10] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
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
    parser.add_argument("--rounds", type=int, default=3, help="probes at each size (the first warms up)")
    parser.add_argument("--items-per-page", type=int, default=100)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    rounds = max(args.rounds, 2)
    probe_first = UNIVERSE - args.probe * (len(sizes) * rounds + 1)
    print(f"a batch of {args.probe} new pages ({args.probe * args.items_per_page:,} items), then the same again, "
          f"into a DuckDB file of growing size; seconds per part of the run")
    print(f"  {'pages stored':>12} {'file MB':>8}  {'':<6}{'merges':>8}{'commit':>8}{'checkpoint':>11}{'publish':>9}"
          f"{'total':>8}")
    steady: dict[tuple[int, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "warehouse.duckdb")
        load_batches(db, [], command="bench")
        stored = 0
        for n, size in enumerate(sizes):
            while stored < size:
                count = min(args.step, size - stored)
                load_batches(db, [build_batch(pages(stored, count, args.items_per_page))], command="bench")
                stored += count
            measured: dict[str, list[dict[str, float]]] = {"new": [], "again": []}
            for r in range(rounds):
                batch = build_batch(pages(probe_first + (n * rounds + r) * args.probe, args.probe,
                                          args.items_per_page))
                for label in ("new", "again"):
                    parts = timed_run(db, batch)
                    parts["total"] = sum(parts.values())
                    if r:
                        measured[label].append(parts)
            megabytes = Path(db).stat().st_size / 1e6
            for label, runs in measured.items():
                median = {part: statistics.median(run[part] for run in runs) for part in runs[0]}
                steady[size, label] = median
                cells = "".join(f"{median[p]:>{w}.3f}" for p, w in
                                (("merges", 8), ("commit", 8), ("checkpoint", 11), ("publish", 9), ("total", 8)))
                print(f"  {size:>12,} {megabytes:>8.0f}  {label:<6}{cells}", flush=True)
    small, large = sizes[0], sizes[-1]
    for label in ("new", "again"):
        whole = steady[large, label]["total"] / steady[small, label]["total"]
        unpublished = ((steady[large, label]["total"] - steady[large, label]["publish"])
                       / (steady[small, label]["total"] - steady[small, label]["publish"]))
        print(f"{label:<6} {large:,} pages ÷ {small:,}: {whole:.2f}× the whole run, {unpublished:.2f}× without "
              f"publishing (medians of {rounds - 1} rounds)")


if __name__ == "__main__":
    main()
