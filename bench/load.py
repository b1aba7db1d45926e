"""Rows stored per second by our load, against raw INSERT … SELECT and dlt's merge of the same rows; then several
loaders at once on a DuckLake, and the share of each one's time spent holding table locks.

The input: synthetic live blogs (`--items-per-page` entries each, every entry embedding a post that an entry of the
neighbouring page embeds too), parsed pages as the parser gives them. For each batch size (`--sizes`, pages per
batch), `--rounds` rounds each run, in this order, into DuckDB files of their own:

- ours: `build_batch` of the pages (timed), then `load_batches` of that batch into a fresh migrated file (writer
  open, run bookkeeping, stage, match posts, dedupe, merge with counts, checkpoint, published copy), then the same
  batch again ("seen again"). Printed twice: the load alone, and end to end (`build_batch` included);
- raw: the rows our load stored (read back, as Arrow tables: one per key), one `INSERT … SELECT` per table into the
  same tables (ours: no `PRIMARY KEY`); again: one `MERGE INTO … ON` the key per table (bench/load_peers.py);
- dlt: dlt's merge of those same Arrow rows with the same keys (bench/load_peers.py; the `bench` extra).

Throughput is rows stored per second: the rows the tables hold afterwards (not the staged duplicates), the same
count for all three. A ratio is ours ÷ theirs within one round, of rows per wall second and of rows per CPU second
(this process and its DuckDB threads: steadier when the machine is shared); the median of the rounds is printed,
with their range. The machine may be shared: rounds are interleaved so that a busy spell hits every contender alike.

Then `--loaders` processes at once, each loading its share of `--loader-pages` pages as one batch into a fresh
warehouse (`--backends`: a DuckLake on PostgreSQL by default, whose catalog database is created and dropped here; a
DuckDB file too with `file`), timed from a common start; for the lake, each loader's wall time and the share of it
spent waiting for and holding table advisory locks (`LOCK_TIME`, pipeline/store/backend/lake.py).

usage: python bench/load.py [--sizes 100,1000] [--rounds 3] [--loaders 4] [--backends lake,file] [--no-dlt]
                            [--quick] [--pg 'host=… user=… dbname=…']
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_peers import (DltMerge, dlt_available, raw_count, raw_insert, raw_prepare, row_count,  # noqa: E402
                              stored_count, stored_rows)
from pipeline.batches import load_batches  # noqa: E402
from pipeline.settings import WarehouseSettings  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402
from tests.synthetic import synthetic_pages  # noqa: E402 (the synthetic pages tests/test_kill_loader.py loads too)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(work, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its threads) of a call; the wall seconds are the call's own
    figure when it returns one (the peers time their load themselves)."""
    return _timed_result(work, *args, **kwargs)[0]


def _timed_result(work, *args, **kwargs) -> tuple[tuple[float, float], object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work(*args, **kwargs)
    cpu = time.process_time() - cpu
    return ((result if isinstance(result, float) else time.perf_counter() - wall), cpu), result


# --- ours against raw and dlt ---

def compare(pages: int, args) -> None:
    """Time ours, raw and dlt on batches of `pages` pages, `args.rounds` interleaved rounds; print the table."""
    results = synthetic_pages(pages * args.items_per_page, pages)
    seconds: dict[str, list[float]] = {}  # "<who> <new|again>" -> one figure per round
    cpu: dict[str, list[float]] = {}  # the same in CPU seconds
    rows = 0

    def record(key: str, value: tuple[float, float]) -> None:
        seconds.setdefault(key, []).append(value[0])
        cpu.setdefault(key, []).append(value[1])

    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            timing, batch = _timed_result(build_batch, results)
            record("build", timing)
            ours = str(tmp / "ours.duckdb")
            load_batches(ours, [], command="bench")  # created and migrated, untimed (as the peers' tables are)
            record("ours new", _timed(load_batches, ours, [batch], command="bench"))
            record("ours again", _timed(load_batches, ours, [batch], command="bench"))
            del batch
            final = stored_rows(ours)
            rows = row_count(final)

            raw = tmp / "raw.duckdb"
            raw_prepare(raw)
            record("raw new", _timed(raw_insert, raw, final, upsert=False))
            record("raw again", _timed(raw_insert, raw, final, upsert=True))
            _check("raw", raw_count(raw), rows)

            if not args.no_dlt:
                merge = DltMerge(tmp / "dlt", final)
                record("dlt new", _timed(merge.merge, final))
                record("dlt again", _timed(merge.merge, final))
                _check("dlt", merge.count(), rows)
            del final

    for scenario in ("new", "again"):  # ours end to end = the batch built, then loaded
        for figures in (seconds, cpu):
            figures[f"e2e {scenario}"] = [b + s for b, s in zip(figures["build"], figures[f"ours {scenario}"])]
    print(f"\nbatches of {pages:,} pages ({pages * args.items_per_page:,} items): {rows:,} rows stored; "
          f"median of {args.rounds} interleaved round(s)")
    print(f"  {'':<26}{'new rows':>26}{'seen again':>26}")
    labels = [("ours, load alone", "ours"), ("ours, end to end", "e2e"), ("raw INSERT / MERGE", "raw")]
    labels += [] if args.no_dlt else [("dlt merge", "dlt")]
    for label, who in labels:
        cells = "".join(f"{_median(seconds[f'{who} {s}']):>9.2f} s {rows / _median(seconds[f'{who} {s}']):>9,.0f}/s"
                        .rjust(26) for s in ("new", "again"))
        print(f"  {label:<26}{cells}")
    for figures, title in ((seconds, "rows/s"), (cpu, "rows per CPU second (this process and its threads: steadier "
                                                         "than wall time on a shared machine)")):
        print(f"  ratio of {title}, ours ÷ theirs (median of rounds, range):")
        for theirs in [who for _, who in labels if who in ("raw", "dlt")]:
            for ours, what in (("ours", "load alone"), ("e2e", "end to end")):
                cells = "".join(_ratio(figures[f"{theirs} {s}"], figures[f"{ours} {s}"]).rjust(26)
                                for s in ("new", "again"))
                print(f"    {'÷ ' + theirs + ', ' + what:<24}{cells}")


def warm_up(args) -> None:
    """Each contender once on two pages, untimed: imports and first-use costs stay out of the first round."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = str(tmp / "ours.duckdb")
        load_batches(ours, [build_batch(synthetic_pages(2 * args.items_per_page, 2))], command="bench")
        final = stored_rows(ours)
        raw_prepare(tmp / "raw.duckdb")
        raw_insert(tmp / "raw.duckdb", final, upsert=False)
        if not args.no_dlt:
            DltMerge(tmp / "dlt", final).merge(final)


def _check(who: str, got: int, want: int) -> None:
    if got != want:
        raise SystemExit(f"{who} stored {got} rows where our load stored {want}: not the same rows, no comparison")


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _ratio(theirs: list[float], ours: list[float]) -> str:
    """Rows/s ours ÷ theirs per round (their seconds ÷ ours, the rows being the same): median (min–max)."""
    ratios = [t / o for t, o in zip(theirs, ours)]
    return f"{_median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


# --- loaders at once ---

def _loader(db: WarehouseSettings, items: int, pages: int, share: tuple[int, int], ready, go, done) -> None:
    from pipeline.store.backend import LOCK_TIME

    batch = build_batch(synthetic_pages(items, pages, share))
    ready.put(batch.row_count())
    go.wait()
    started = time.perf_counter()
    load_batches(db, [batch], command="bench")
    done.put((share[0], time.perf_counter() - started, LOCK_TIME.held_s, LOCK_TIME.waited_s))


def concurrent(db: WarehouseSettings, items: int, pages: int, loaders: int) -> tuple[float, list[tuple]]:
    """Seconds for `loaders` processes loading their shares at once (timed from the common start), and each
    loader's (number, wall seconds, seconds holding table locks, seconds waiting for them)."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, done = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_loader, args=(db, items, pages, (i, loaders), ready, go, done))
             for i in range(loaders)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get()
    started = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a loader failed (exit {proc.exitcode})")
    seconds = time.perf_counter() - started
    return seconds, sorted(done.get() for _ in procs)


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
    backends = args.backends.split(",")
    items = args.loader_pages * args.items_per_page
    print(f"\nloaders at once, each loading its share of {args.loader_pages:,} pages ({items:,} items) as one batch "
          f"into a fresh warehouse:")
    with tempfile.TemporaryDirectory() as tmp:
        if "file" in backends:
            for n in counts:
                db = WarehouseSettings(Path(tmp) / f"file-{n}.duckdb")
                load_batches(db, [], command="bench")  # created and migrated, as the lake is below
                seconds, _ = concurrent(db, items, args.loader_pages, n)
                rows = stored_count(db)
                print(f"  duckdb file, {n} loader(s): {rows / seconds:>10,.0f} rows stored/s ({rows:,} rows, "
                      f"{seconds:.2f} s)")
        if "lake" not in backends:
            return
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
                db = WarehouseSettings("ducklake:postgres:" + " ".join(f"{k}={v}" for k, v in parts.items()),
                                       Path(tmp) / f"lake-{n}")
                load_batches(db, [], command="bench")
                seconds, loaders = concurrent(db, items, args.loader_pages, n)
                rows = stored_count(db)
                print(f"  ducklake,    {n} loader(s): {rows / seconds:>10,.0f} rows stored/s ({rows:,} rows, "
                      f"{seconds:.2f} s)")
                for number, wall, held, waited in loaders:
                    print(f"    loader {number + 1}: {wall:6.2f} s, holding table locks {held:6.2f} s "
                          f"({held / wall:4.0%}), waiting for them {waited:6.2f} s ({waited / wall:4.0%})")
            finally:
                with admin.cursor() as cur:
                    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="pages per batch to compare at, e.g. 100,1000")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size")
    parser.add_argument("--items-per-page", type=int, default=100)
    parser.add_argument("--no-dlt", action="store_true", help="compare with raw INSERT … SELECT only")
    parser.add_argument("--loaders", default="4", help="concurrent loader counts to time, e.g. 1,2,4")
    parser.add_argument("--loader-pages", type=int, default=1_000, help="pages shared among the concurrent loaders")
    parser.add_argument("--backends", default="lake", help="where the concurrent loaders load: lake, file or both")
    parser.add_argument("--pg", default=os.environ.get("THREADLINE_BENCH_PG",
                                                       "host=127.0.0.1 port=5432 user=postgres dbname=test"),
                        help="libpq string of a PostgreSQL database to create the lake's catalog database from")
    parser.add_argument("--only-concurrent", action="store_true", help="skip the comparison")
    parser.add_argument("--only-compare", action="store_true", help="skip the concurrent loaders")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run in well under a minute: 100 pages, 1 round, 4 lake loaders on 100 pages")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds, args.loader_pages = "100", 1, 100
    if not args.no_dlt and (reason := dlt_available()):
        print(f"dlt: skipped, {reason}")
        args.no_dlt = True
    started = time.perf_counter()
    if not args.only_concurrent:
        warm_up(args)
        for pages in (int(size) for size in args.sizes.split(",")):
            compare(pages, args)
    if not args.only_compare:
        bench_concurrent(args)
    print(f"\npeak RSS {peak_mb():.0f} MB (this process); {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
