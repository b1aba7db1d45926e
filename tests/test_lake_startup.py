"""Loaders starting at once on a new DuckLake: a fresh deployment's workers all open an empty catalog together.

The first ATTACH of an empty catalog database creates DuckLake's tables; two at once collide in PostgreSQL. Writers
therefore create the catalog, migrate it and apply the views under one advisory lock (`LakeBackend.setting_up`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands import pipeline, start_pipeline
from tests.lakes import fresh_lake
from tests.warehouse_rows import rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [ROOT / "seeds" / "seed_article_putin_syria.html", ROOT / "seeds" / "seed_article_putin_syria.txt"]
PAGES = sorted((ROOT / "tests" / "fixtures" / "embed_pages").glob("*.html"))
# Each loader reads both seeds and an overlapping pair of fixture pages: every page is read by two loaders or more.
SHARES = [SEEDS + PAGES[i:i + 2] for i in range(4)]
KEYS = {"articles": "article_id", "social_posts": "post_id", "article_posts": "article_id, post_id, occurrence"}


def stored_keys(db: str) -> dict[str, list[tuple]]:
    """Every row's key, per table, duplicates included."""
    return {table: rows(db, f"SELECT {key} FROM {table} ORDER BY ALL") for table, key in KEYS.items()}


def test_four_ingests_started_at_once_on_an_empty_catalog_all_load_and_store_each_row_once(tmp_path):
    env = {"THREADLINE_DATA": str(tmp_path / "data"), "THREADLINE_DB": None, "THREADLINE_LAKE_DATA": None}
    with fresh_lake(tmp_path) as lake:
        loaders = [start_pipeline("ingest", *map(str, share), "--db", lake.db, "--lake-data", str(lake.data), env=env)
                   for share in SHARES]
        try:
            ended = [loader.communicate(timeout=300) for loader in loaders]
        finally:
            for loader in loaders:
                loader.kill()
                loader.wait()
        for loader, (out, err) in zip(loaders, ended):
            assert loader.returncode == 0, err[-3000:]
            assert "sources: 4 loaded, 0 failed" in out, out
        on_lake = stored_keys(lake.db)

    reference = tmp_path / "reference.duckdb"  # the same pages, each read once, by one loader into a DuckDB file
    alone = pipeline("ingest", *sorted({str(page) for share in SHARES for page in share}), "--db", str(reference),
                     env=env)
    assert alone.returncode == 0, alone.stderr[-3000:]
    assert on_lake == stored_keys(str(reference))
    assert all(on_lake.values())
