"""What the hostile-list tests share: a run of the DAG's stages without Airflow (discover → stage → load, as
`threadline_ingest` calls them), local secrets a hostile list would like us to read, and pages of ours."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.stages.discovery import discover_listed_pages
from pipeline.stages.staging import load_staged, stage_sources
from tests.warehouse_rows import rows

SECRET = "TOPSECRET-LOCAL-TEXT"


def page(title: str, paragraph: str) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{paragraph}</p></article></body></html>").encode("utf-8")


@dataclass
class Run:
    db: str
    problems: list[str]  # discovery's lines, as the DAG prints them
    failed: list[str]  # staging's failure lines

    def articles(self) -> list[tuple[str, str]]:
        return rows(self.db, "SELECT title, body_text FROM articles ORDER BY title")

    def titles(self) -> list[str]:
        return [title for title, _ in self.articles()]

    def leaked(self) -> bool:
        return any(SECRET in (body or "") or SECRET in (title or "") for title, body in self.articles())

    def fetch_log(self, outcome: str) -> dict[str, str]:
        """url → cause of the fetch_log rows with this outcome."""
        return dict(rows(self.db, f"SELECT url, cause FROM fetch_log WHERE outcome = '{outcome}'"))

    def opened(self) -> set[str]:
        """Every URL or path that fetch_log says was read or fetched (not refused)."""
        return {url for (url,) in rows(self.db, "SELECT url FROM fetch_log WHERE outcome <> 'refused'")}


def run_stages(csv: Path, tmp_path: Path) -> Run:
    """discover_listed_pages → stage_sources per batch → load_staged (discovery's records and every batch), as one
    run."""
    db = str(tmp_path / "w.duckdb")
    staging = tmp_path / "staging"
    found = discover_listed_pages(csv, staging / "discovery", db)
    folders, failed = [str(staging / "discovery")], []
    for index, batch in enumerate(found["batches"]):
        staged = stage_sources(batch, staging / f"batch-{index:04d}", db)
        folders.append(staged["folder"])
        failed += staged["failed"]
    load_staged(db, folders, command="test")
    return Run(db, found["problems"], failed)


def write_sources(folder: Path, rows_: str) -> Path:
    path = folder / "sources.csv"
    path.write_text("name,kind,location\n" + rows_, encoding="utf-8")
    return path
