"""Pages/s and MB/s of parsing the corpus: our parser, a full BeautifulSoup(html, "lxml") tree alone, and
`trafilatura.bare_extraction`, in the same run, with the ratios between them.

The corpus is the shared one (`../shared/corpus` next to the repository) when present, else the labelled set's copy
(`tests/fixtures/corpus/*.html.gz`). Each contender parses every page `--rounds` times; the best round counts
(least disturbed by other work on the machine). Also printed: what each extracted (entries, posts, body characters)
so that speed is not bought by extracting less.
usage: python bench/parse.py [--rounds 3] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.model import Document  # noqa: E402
from pipeline.parse import parse  # noqa: E402
from corpus import corpus_pages  # noqa: E402  (bench/corpus.py)





def ours(name: str, html: str):
    page = parse(Document(source=name, content=html, kind="html")).page
    return len(page.entries), len(page.embeds), len(page.body_text)


def soup_only(name: str, html: str):
    from bs4 import BeautifulSoup

    BeautifulSoup(html, "lxml")
    return 0, 0, 0


def trafilatura_bare(name: str, html: str):
    import trafilatura

    result = trafilatura.bare_extraction(html, with_metadata=True)
    text = getattr(result, "text", None) if result is not None and not isinstance(result, dict) else (result or {}).get("text")
    return 0, 0, len(text or "")


def timed(function, pages, rounds: int) -> tuple[float, tuple[int, int, int]]:
    best = float("inf")
    totals = (0, 0, 0)
    for _ in range(rounds):
        start = time.perf_counter()
        sums = [0, 0, 0]
        for name, html in pages:
            for index, value in enumerate(function(name, html)):
                sums[index] += value
        best = min(best, time.perf_counter() - start)
        totals = tuple(sums)
    return best, totals


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=3)
    arguments.add_argument("--corpus", type=Path)
    options = arguments.parse_args()
    where, pages = corpus_pages(options.corpus)
    megabytes = sum(len(html.encode("utf-8")) for _, html in pages) / 1e6
    print(f"corpus: {where}: {len(pages)} pages, {megabytes:.1f} MB; best of {options.rounds} rounds")

    contenders = [("threadline parse()", ours), ("BeautifulSoup(html, 'lxml') tree only", soup_only)]
    try:
        import trafilatura  # noqa: F401

        contenders.append(("trafilatura.bare_extraction", trafilatura_bare))
    except ImportError as exc:
        print(f"trafilatura not importable ({exc}); install the bench extra: pip install -e '.[bench]'")
    for _, function in contenders:  # warm-up: imports, caches
        function(*pages[0])

    results = {}
    print(f"{'contender':<40} {'seconds':>8} {'pages/s':>8} {'MB/s':>7} {'entries':>8} {'embeds':>7} {'body chars':>11}")
    for label, function in contenders:
        seconds, (entries, embeds, chars) = timed(function, pages, options.rounds)
        results[label] = seconds
        extracted = f"{entries:>8} {embeds:>7} {chars:>11}" if function is not soup_only else f"{'-':>8} {'-':>7} {'-':>11}"
        print(f"{label:<40} {seconds:>8.2f} {len(pages) / seconds:>8.1f} {megabytes / seconds:>7.2f} {extracted}")
    ours_seconds = results["threadline parse()"]
    for label, seconds in results.items():
        if label != "threadline parse()":
            print(f"threadline pages/s ÷ {label} pages/s = {seconds / ours_seconds:.2f}")


if __name__ == "__main__":
    main()
