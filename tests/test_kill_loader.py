"""SIGKILL of the loading process in the middle of a load, then the same load again (as Airflow's retry of the load
task does): the warehouse ends as if the load had run once, and readers never saw a half-loaded copy."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.airflow_harness import ROOT
from tests.synthetic import synthetic_pages
from tests.warehouse_rows import rows as query

pytestmark = pytest.mark.slow

CONTENT = {
    "articles": "SELECT count(*), count(DISTINCT content_hash) FROM articles",
    "update_items": "SELECT count(*), count(DISTINCT item_id), sum(revision) FROM update_items",
    "social_posts": "SELECT count(*), count(DISTINCT post_id) FROM social_posts",
    "article_posts": "SELECT count(*), sum(position) FROM article_posts",
    "post_entities": "SELECT count(*) FROM post_entities",
    "item_revisions": "SELECT count(*) FROM item_revisions",
}
LOAD = ("import os, sys; from pipeline.stages.staging import load_staged; "
        "print(load_staged(sys.argv[1], sys.argv[2:], command='airflow', airflow_run_id=os.environ['RUN'], "
        "airflow_try=int(os.environ['TRY']))['status'])")


def state(db) -> dict:
    return {table: query(db, statement)[0] for table, statement in CONTENT.items()}


def loader(db: Path, folders: list[Path], attempt: int, run: str = "manual__kill") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOAD, str(db), *map(str, folders)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "TRY": str(attempt), "RUN": run},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """A small batch (the seed) and a big one (100,000 synthetic live-blog entries with their posts), staged."""
    from pipeline.stage import build_batch, write_batch
    from pipeline.stages.entries import SourceEntry
    from pipeline.stages.staging import stage_sources

    folder = tmp_path_factory.mktemp("staged")
    stage_sources([SourceEntry(str(ROOT / "seeds" / "seed_article_putin_syria.txt"), origin="operator")],
                  folder / "seed", str(folder / "unused.duckdb"))
    write_batch(build_batch(synthetic_pages(100_000, 1000)), folder / "big")
    return folder / "seed", folder / "big"


def test_sigkill_mid_load_then_rerun_leaves_the_warehouse_as_if_loaded_once(staged, tmp_path):
    seed, big = staged
    reference = tmp_path / "reference.duckdb"
    took = {}
    for name, folder in (("seed", seed), ("big", big)):
        started = time.monotonic()
        done = loader(reference, [folder], 1)
        assert done.wait(300) == 0, done.stderr.read()
        took[name] = time.monotonic() - started
    expected = state(reference)
    # the big batch's own load time on this machine (the seed's run is the process's fixed cost)
    kill_after = max(0.3, 0.4 * (took["big"] - took["seed"]))

    db = tmp_path / "warehouse.duckdb"
    assert loader(db, [seed], 1, run="manual__earlier").wait(300) == 0
    before = state(db)
    lock, working = db.with_name(db.name + ".lock"), db.with_name(db.name + ".writer")

    victim = loader(db, [big], 1)
    deadline = time.monotonic() + 120
    while f"pid {victim.pid} " not in (lock.read_text() if lock.exists() else ""):  # it holds the writer's lock
        assert victim.poll() is None and time.monotonic() < deadline, victim.stderr.read()
        time.sleep(0.01)
    time.sleep(kill_after)  # well into the load of 400,000 rows, before its commit and publish
    published_before_kill = db.stat().st_mtime_ns
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(30) == -signal.SIGKILL

    # it died before publishing: readers still see the warehouse as it was, and its run shows it never finished
    assert db.stat().st_mtime_ns == published_before_kill and state(db) == before
    assert query(working, "SELECT airflow_try, status FROM ingest_runs WHERE airflow_run_id = 'manual__kill'") == \
        [(1, "running")]

    retry = loader(db, [big], 2)
    assert retry.wait(300) == 0, retry.stderr.read()
    assert state(db) == expected  # as if the big batch had been loaded once
    runs = query(db, "SELECT airflow_try, status FROM ingest_runs WHERE airflow_run_id = 'manual__kill' ORDER BY 1")
    assert runs == [(1, "abandoned"), (2, "ok")]  # the killed try stays visible, marked by the retry (the lock was free)
