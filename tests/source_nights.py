"""Nightly runs over a small source list, as threadline_ingest runs them: the DAG's own stage functions (discover →
parse_and_stage → load), each night with the sources' files as they are that night.

The source list has three sources, each a local file the runs read:
- `steady`: a different corpus page each night (up to 5), so every run finds a new page;
- `stops`: FreiePresse (1 page, 3 X posts) on night 1, the blockquote variants (1 page, 7 posts in 8 places) on
  night 2, and that same page unchanged from then on: it stops yielding after run 2 while every run stays green;
- `gone`: a file that is not there, so each of its reads fails at the read stage.
"""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from pipeline.settings import WarehouseSettings
from pipeline.stages.discovery import discover_run_batches
from pipeline.stages.params import validate_params
from pipeline.stages.staging import load_staged, stage_sources, staged_batches

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
STEADY_PAGES = ["tweet-embed__fundus__ElDiario_2025_05_29.html.gz",
                "tweet-embed__fundus__TheTelegraph_2024_09_17.html.gz",
                "tweet-embed__fundus__WashingtonPost_2024_04_26.html.gz",
                "tweet-embed__htmldate__huffingtonpost.co.uk-Netanyahu.html.gz",
                "tweet-embed__newspaper__mashable.com2.html.gz"]
STOPS_PAGES = [FIXTURES / "tweet-embed__fundus__FreiePresse_2024_11_29.html",
               FIXTURES / "twitter_blockquote_variants.html"]
RUNS = 5


class Nights:
    """A source list in a folder and the nightly runs over it, as threadline_ingest runs them."""

    def __init__(self, folder: Path, db: WarehouseSettings | str):
        self.folder, self.db = folder, db
        self.runs: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sources.csv").write_text(
            "name,kind,location\nsteady,file,steady.html\nstops,file,stops.html\ngone,file,gone.html\n",
            encoding="utf-8")

    def run(self) -> str:
        night = len(self.runs)
        (self.folder / "steady.html").write_bytes(gzip.decompress(
            (FIXTURES / "corpus" / STEADY_PAGES[night]).read_bytes()))
        shutil.copyfile(STOPS_PAGES[min(night, 1)], self.folder / "stops.html")
        params = validate_params({}, ["steady", "stops", "gone"])
        staging = self.folder / "staging" / f"night-{night}"
        found = discover_run_batches(self.folder / "sources.csv", params, None, staging=staging, db=self.db)
        for index, entries in enumerate(found["batches"]):
            stage_sources(entries, staging / f"batch-{index:04d}", self.db)
        folders = staged_batches(staging, 0, discovery=True) + staged_batches(staging, len(found["batches"]))
        report = load_staged(self.db, folders, command="airflow", airflow_run_id=f"scheduled__night{night}",
                             airflow_try=1)
        assert report["status"] == "partial"  # `gone` fails, the others load (the DAG run is green)
        self.runs.append(report["run_id"])
        return report["run_id"]
