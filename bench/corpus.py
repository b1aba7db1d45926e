"""The pages the bench scripts run on: the shared corpus (`../shared/corpus` next to the repository) when present,
else the labelled set's copy (`tests/fixtures/corpus/*.html.gz`), or a folder given on the command line."""
from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_pages(folder: Path | None) -> tuple[str, list[tuple[str, str]]]:
    candidates = [folder] if folder else [ROOT.parent / "shared" / "corpus", ROOT / "tests" / "fixtures" / "corpus"]
    for candidate in candidates:
        files = sorted([*candidate.glob("*.html"), *candidate.glob("*.html.gz")]) if candidate.is_dir() else []
        if files:
            pages = []
            for path in files:
                data = path.read_bytes()
                if path.suffix == ".gz":
                    data = gzip.decompress(data)
                pages.append((path.name, data.decode("utf-8", errors="replace")))
            return str(candidate), pages
    raise SystemExit("no corpus found (../shared/corpus or tests/fixtures/corpus)")
