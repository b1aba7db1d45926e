"""Memory and speed over one long ingest: does a run's cost follow its own size?

Writes `--pages` article pages as local HTML files (each: a canonical URL, a byline, a date, paragraphs of its own
text and two embedded X posts, one shared with the page before it), then ingests them as ONE run into a fresh DuckDB
file, through the same calls as `pipeline ingest` (`pipeline/runs.py`: read, parse in batches of 100, load, publish
at the end). Every `--every` pages it prints the pages/s and CPU pages/s of that stretch and the process's peak RSS
so far; at the end, the last stretch's pages/s ÷ the first's (wall and CPU: CPU is steadier on a shared machine) and
the rows stored.

usage: PYTHONPATH=$PWD python bench/ingest_scale.py [--pages 50000] [--every 10000] [--folder DIR]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.batches import load_batches, open_reader_for, parse_batches  # noqa: E402
from pipeline.settings import WarehouseSettings  # noqa: E402
from pipeline.source_reader import expand  # noqa: E402

WORDS = ("minister council border talks ceasefire police storm flood market court election vote protest river city "
         "report agency officials said statement during after before where people hospital school train airport "
         "government opposition leader weather warning rescue crews night morning evening region capital").split()

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<link rel="canonical" href="https://news.example/world/{n}-{slug}">
<meta property="article:published_time" content="2025-{month:02d}-{day:02d}T{hour:02d}:15:00+00:00">
<meta name="author" content="{author}"></head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav>
</header><main><article><h1>{title}</h1><p class="byline">By {author}</p>
{paragraphs}
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{tweet1}</p>&mdash; Account {a1} (@account{a1})
<a href="https://twitter.com/account{a1}/status/{id1}">March 1, 2025</a></blockquote>
<p>{closing}</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{tweet2}</p>&mdash; Account {a2} (@account{a2})
<a href="https://twitter.com/account{a2}/status/{id2}">March 2, 2025</a></blockquote>
</article></main><footer>© Example News</footer></body></html>
"""


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + f" ({n} words, page item {rng.random():.6f})."


def write_pages(folder: Path, pages: int) -> None:
    """`pages` article files in `folder` (sub-folders of 1,000), the same for the same count."""
    rng = random.Random(7)
    for n in range(pages):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        title = sentence(rng, 8)
        paragraphs = "\n".join(f"<p>{sentence(rng, rng.randint(20, 45))}</p>" for _ in range(rng.randint(5, 9)))
        (sub / f"page-{n:06d}.html").write_text(PAGE.format(
            n=n, slug="-".join(title.lower().split()[:5]), title=title, author=f"Reporter {n % 211}",
            month=1 + n % 12, day=1 + n % 28, hour=n % 24, paragraphs=paragraphs, closing=sentence(rng, 30),
            tweet1=sentence(rng, 12), a1=n % 500, id1=1869731234567890123 + n,  # this page's own post
            tweet2=f"Shared post {n // 2}", a2=(n // 2) % 500, id2=1769731234567890123 + n // 2,  # also the next page's
        ), encoding="utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--every", type=int, default=10_000, help="pages per printed stretch")
    parser.add_argument("--folder", help="where the pages are written (kept, and reused when it holds them)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp) / "pages"
        if not folder.exists() or len(list(folder.rglob("*.html"))) != args.pages:
            started = time.perf_counter()
            write_pages(folder, args.pages)
            print(f"wrote {args.pages:,} pages to {folder} in {time.perf_counter() - started:.0f} s", flush=True)
        db = WarehouseSettings.of(str(Path(tmp) / "warehouse.duckdb"))
        sources = expand([str(folder)])
        stretches: list[tuple[float, float]] = []  # (pages per wall second, pages per CPU second) of each stretch
        mark = [time.perf_counter(), time.process_time()]
        print(f"{'pages':>8} {'pages/s':>9} {'pages/CPU s':>12} {'peak RSS':>10}", flush=True)

        def reads(reader):
            for count, source in enumerate(sources, 1):
                yield from reader.read(source)
                if count % args.every == 0 or count == len(sources):
                    wall, cpu = time.perf_counter(), time.process_time()
                    done = count % args.every or args.every
                    stretches.append((done / (wall - mark[0]), done / (cpu - mark[1])))
                    mark[:] = [wall, cpu]
                    print(f"{count:>8,} {stretches[-1][0]:>9.1f} {stretches[-1][1]:>12.1f} {peak_mb():>7.0f} MB",
                          flush=True)

        started = time.perf_counter()
        with open_reader_for(db, sources) as reader:
            # A stretch's figure is taken when its last page is read: the batch it ends is loaded in the next stretch.
            batches = parse_batches(reads(reader), reports=[])
            run_id, status, counts = load_batches(db, batches, command="ingest")
        total = time.perf_counter() - started
        stored = {table: c.inserted for table, c in counts.items()}
        print(f"run {status}: {len(sources):,} pages in {total:.0f} s ({len(sources) / total:.1f} pages/s), "
              f"peak RSS {peak_mb():.0f} MB, warehouse {Path(db.db).stat().st_size / 2**20:.0f} MB")
        print("rows inserted: " + ", ".join(f"{t} {n:,}" for t, n in stored.items() if n))
        if len(stretches) > 1:
            print(f"last stretch ÷ first: pages/s {stretches[-1][0] / stretches[0][0]:.2f}, "
                  f"pages per CPU s {stretches[-1][1] / stretches[0][1]:.2f}")


if __name__ == "__main__":
    main()
