"""The DAGs' lake settings: the weekly maintenance DAG, and how many loaders the ingest DAG lets run at once."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests import lake_loader
from tests.lakes import fresh_lake

pytestmark = pytest.mark.airflow

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("airflow.sdk")


def load_dag(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "dags" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)()


def test_the_maintenance_dag_runs_weekly_with_no_custom_pool():
    from airflow.sdk import CronDataIntervalTimetable

    dag = load_dag("threadline_lake_maintenance")
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 4 * * 0"
    assert [t.task_id for t in dag.tasks] == ["maintain"]
    assert all(t.pool == "default_pool" for t in dag.tasks)


@pytest.mark.postgres
def test_the_maintenance_task_maintains_the_lake_and_keeps_every_row(tmp_path, monkeypatch):
    from pipeline.batches import load_batches
    from pipeline.store import read_stats

    with fresh_lake(tmp_path) as lake:
        for name, value in lake.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("THREADLINE_LAKE_RETENTION_DAYS", "0")
        for n in range(2):
            load_batches(lake.db, list(lake_loader.batches(n)), command="test")
        before = read_stats(lake.db).table_counts
        done = load_dag("threadline_lake_maintenance").get_task("maintain").python_callable()
        assert done["expired"] > 0 and done["merged"] > 0
        assert read_stats(lake.db).table_counts == before


def test_the_maintenance_task_has_nothing_to_do_on_a_duckdb_file(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADLINE_DB", str(tmp_path / "warehouse.duckdb"))
    assert load_dag("threadline_lake_maintenance").get_task("maintain").python_callable() == {}


@pytest.mark.parametrize("db, limit, expected", [("data/warehouse.duckdb", None, 1),
                                                  ("ducklake:postgres:dbname=lake", None, 4),
                                                  ("ducklake:postgres:dbname=lake", "2", 2)])
def test_loaders_at_once_is_one_on_a_file_and_a_setting_on_a_lake(monkeypatch, db, limit, expected):
    monkeypatch.setenv("THREADLINE_DB", db)
    if limit:
        monkeypatch.setenv("THREADLINE_MAX_LOADERS", limit)
    else:
        monkeypatch.delenv("THREADLINE_MAX_LOADERS", raising=False)
    assert load_dag("threadline_ingest").get_task("load").max_active_tis_per_dag == expected
