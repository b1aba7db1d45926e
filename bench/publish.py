"""What publishing a DuckDB file costs: a whole copy against patching the spare (docs/architecture.md, "One writer,
many readers"), on the same warehouse, in interleaved runs.

The warehouse is grown to each of `--sizes` (pages stored; synthetic live blogs as in bench/load_growth.py, `--step`
pages per batch). At each size, `--rounds` rounds each load a batch of `--probe` new pages twice as a run of its own:
once with the spare removed first, so that the publish copies the whole file (what every publish did before the
spare), and once patching the spare (the file published two runs before, as in steady use); which goes first
alternates by round. The first round warms up and is left out; medians of the others are printed: the publish (the
writer's close: its last checkpoint, then publishing), the whole run, the megabytes publishing wrote into the file it
published, and the megabytes the run's process wrote in all (`/proc/self/io` write_bytes: the load's WAL and
checkpoint too). Then copy ÷ patch.

Growing takes minutes (about 1,000 pages a 10 s at first, 12 MB each); `--keep DIR` keeps each grown warehouse as
`DIR/warehouse-<pages>.duckdb` and starts from it the next time.

usage: python bench/publish.py [--sizes 6000,42000] [--step 1000] [--probe 10] [--rounds 5] [--keep DIR]
"""
from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_growth import UNIVERSE, pages  # noqa: E402

from pipeline.batches import load_batches  # noqa: E402
from pipeline.stage import build_batch  # noqa: E402
from pipeline.store.warehouse import Writer  # noqa: E402

WRITTEN = re.compile(r"\(([\d.]+) of [\d.]+ MB written\)")


class Published(logging.Handler):
    """The publishing lines of pipeline/store/backend/file.py: how much each publish wrote, and whether it copied."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def written_bytes() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def timed_run(db: str, batch, lines: Published) -> dict[str, float]:
    """Load `batch` as one run: seconds of the whole run and of its publish, megabytes written."""
    lines.lines.clear()
    before = written_bytes()
    started = time.perf_counter()
    with Writer(db) as writer:
        run_id = writer.start_run("bench")
        writer.load(batch, run_id)
        writer.flush()
        writer.finish_run(run_id)
        closing = time.perf_counter()
    done = time.perf_counter()
    published = [float(m.group(1)) for line in lines.lines if (m := WRITTEN.search(line))]
    return {"publish": done - closing, "run": done - started, "published MB": published[-1],
            "run MB": (written_bytes() - before) / 1e6,
            "copied": any("publishing by a whole copy" in line for line in lines.lines)}


def grow(db: Path, stored: int, size: int, step: int, items: int, keep: Path | None) -> int:
    """The warehouse at `db` grown from `stored` pages to `size` (or taken from `keep`); returns `size`."""
    kept = keep / f"warehouse-{size}.duckdb" if keep else None
    if kept and kept.exists():
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
        shutil.copyfile(kept, db)
        return size
    while stored < size:
        count = min(step, size - stored)
        load_batches(str(db), [build_batch(pages(stored, count, items))], command="bench")
        stored += count
    if kept:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db, kept)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6000,42000", help="pages in the warehouse when the probes are loaded")
    parser.add_argument("--step", type=int, default=1000, help="pages per batch while growing the warehouse")
    parser.add_argument("--probe", type=int, default=10, help="pages of each timed batch")
    parser.add_argument("--rounds", type=int, default=5, help="rounds at each size (the first warms up)")
    parser.add_argument("--items-per-page", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="keep grown warehouses here, and start from them")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    rounds = max(args.rounds, 2)
    lines = Published()
    logging.getLogger("pipeline.store.backend.file").addHandler(lines)
    logging.getLogger("pipeline.store.backend.file").setLevel(logging.INFO)
    print(f"a run loading {args.probe} new pages ({args.probe * args.items_per_page:,} items), publishing by a whole "
          f"copy or by patching the spare; medians of {rounds - 1} rounds after a warm-up")
    print(f"  {'pages':>7} {'file MB':>8}  {'':<6}{'publish s':>10}{'run s':>8}{'published MB':>14}{'run MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "warehouse.duckdb"
        spare = db.with_name(db.name + ".spare")
        load_batches(str(db), [], command="bench")
        stored = 0
        probes = iter(range(UNIVERSE - args.probe * (2 * len(sizes) * rounds + 1), UNIVERSE, args.probe))
        for size in sizes:
            stored = grow(db, stored, size, args.step, args.items_per_page, args.keep)
            measured: dict[str, list[dict]] = {"copy": [], "patch": []}
            for r in range(rounds):
                for mode in ("copy", "patch") if r % 2 else ("patch", "copy"):
                    if mode == "copy":
                        spare.unlink(missing_ok=True)
                    had_spare = spare.exists()
                    parts = timed_run(str(db), build_batch(pages(next(probes), args.probe, args.items_per_page)),
                                      lines)
                    if r and mode == "patch" and (not had_spare or parts["copied"]):
                        raise SystemExit(f"round {r}: the patching run found no spare to patch")
                    if r:
                        measured[mode].append(parts)
            megabytes = db.stat().st_size / 1e6
            median = {mode: {part: statistics.median(run[part] for run in runs) for part in
                             ("publish", "run", "published MB", "run MB")} for mode, runs in measured.items()}
            for mode, cells in median.items():
                print(f"  {size:>7,} {megabytes:>8.0f}  {mode:<6}{cells['publish']:>10.3f}{cells['run']:>8.3f}"
                      f"{cells['published MB']:>14.1f}{cells['run MB']:>9.1f}", flush=True)
            copy, patch = median["copy"], median["patch"]
            ratio = {part: copy[part] / patch[part] for part in copy}
            print(f"  {'':>7} {'':>8}  copy ÷ patch: publish {ratio['publish']:.2f}×, whole run {ratio['run']:.2f}×, "
                  f"bytes published {ratio['published MB']:.1f}×, bytes the run wrote {ratio['run MB']:.1f}×",
                  flush=True)


if __name__ == "__main__":
    main()
