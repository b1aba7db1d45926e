"""The environment's one prefix: THREADLINE_* names, the old PIPELINE_* names still read with a one-line warning, and
the new name winning when both are set. No value is ever printed (a warehouse address may carry a password)."""
from __future__ import annotations

import logging

import pytest

from pipeline import cli, settings
from pipeline.settings import DEFAULT_DB, WarehouseSettings

LAKE = "ducklake:postgres:dbname=lake password=hunter2-not-shown"


@pytest.fixture
def clean_env(monkeypatch, caplog):
    for new, old in settings.RENAMED.items():
        monkeypatch.delenv(new, raising=False)
        monkeypatch.delenv(old, raising=False)
    monkeypatch.setattr(settings, "_warned", set())  # each test starts as a fresh process would
    caplog.set_level(logging.WARNING, logger="pipeline.settings")
    return monkeypatch


def warnings_(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pipeline.settings"]


def test_the_new_names_are_read_without_a_warning(clean_env, caplog):
    clean_env.setenv("THREADLINE_DB", LAKE)
    clean_env.setenv("THREADLINE_MAX_LOADERS", "3")
    assert WarehouseSettings.scheduled().db == LAKE and WarehouseSettings.resolve().db == LAKE
    assert settings.max_loaders() == 3
    assert warnings_(caplog) == []


def test_an_old_name_still_works_with_one_warning_naming_it(clean_env, caplog):
    clean_env.setenv("PIPELINE_DB", LAKE)
    clean_env.setenv("PIPELINE_LAKE_RETENTION_DAYS", "7")
    assert WarehouseSettings.scheduled().db == LAKE and WarehouseSettings.resolve().db == LAKE
    assert settings.lake_retention_days() == 7.0
    lines = warnings_(caplog)
    assert lines == ["PIPELINE_DB is an old name: rename it THREADLINE_DB (the old name still works for now)",
                     "PIPELINE_LAKE_RETENTION_DAYS is an old name: rename it THREADLINE_LAKE_RETENTION_DAYS "
                     "(the old name still works for now)"]
    assert all("\n" not in line and "hunter2" not in line for line in lines)


def test_when_both_are_set_the_new_name_wins_with_a_warning(clean_env, caplog):
    clean_env.setenv("PIPELINE_LAKE_DATA", "/old/lake-data")
    clean_env.setenv("THREADLINE_LAKE_DATA", "/new/lake-data")
    clean_env.setenv("PIPELINE_DB", "/old/warehouse.duckdb")
    clean_env.setenv("THREADLINE_DB", LAKE)
    assert WarehouseSettings.resolve() == WarehouseSettings(LAKE, "/new/lake-data")
    assert WarehouseSettings.scheduled().db == LAKE
    lines = warnings_(caplog)
    assert lines == ["both THREADLINE_DB and PIPELINE_DB are set: THREADLINE_DB is used; unset PIPELINE_DB",
                     "both THREADLINE_LAKE_DATA and PIPELINE_LAKE_DATA are set: THREADLINE_LAKE_DATA is used; "
                     "unset PIPELINE_LAKE_DATA"]
    assert not any(value in line for line in lines for value in ("/old/", "/new/", "hunter2"))


def test_a_flag_still_beats_both_names(clean_env, caplog):
    clean_env.setenv("PIPELINE_DB", "/old/warehouse.duckdb")
    assert WarehouseSettings.resolve("/flag/warehouse.duckdb").db == "/flag/warehouse.duckdb"


def test_the_warehouse_comes_from_the_flags_else_the_environment_else_the_default(clean_env, tmp_path):
    run = cli.build_parser().parse_args
    assert cli.warehouse(run(["stats"])) == WarehouseSettings(DEFAULT_DB, None)
    clean_env.setenv("THREADLINE_DATA", str(tmp_path))
    assert WarehouseSettings.scheduled() == WarehouseSettings(tmp_path / "warehouse.duckdb", None)
    clean_env.setenv("THREADLINE_DB", LAKE)
    clean_env.setenv("THREADLINE_LAKE_DATA", "/env/lake")
    assert cli.warehouse(run(["stats"])) == WarehouseSettings(LAKE, "/env/lake")
    assert WarehouseSettings.scheduled() == WarehouseSettings(LAKE, "/env/lake")
    flagged = cli.warehouse(run(["stats", "--db", "/flag/w.duckdb", "--lake-data", "/flag/lake"]))
    assert flagged == WarehouseSettings("/flag/w.duckdb", "/flag/lake") and not flagged.is_lake
    assert cli.warehouse(run(["stats", "--db", "/flag/w.duckdb"])) == WarehouseSettings("/flag/w.duckdb", "/env/lake")
    assert cli.warehouse(run(["stats"])).is_lake


def test_the_warehouse_is_described_in_one_line_without_its_password(clean_env):
    lake = WarehouseSettings("ducklake:postgres:dbname=lake host=db user=etl password=hunter2-not-shown", "/lake")
    for text in (lake.describe(), repr(lake), str(lake)):
        assert "hunter2" not in text and "\n" not in text and "dbname=lake host=db" in text
    url = WarehouseSettings("ducklake:postgres:postgresql://etl:hunter2-not-shown@db/lake")
    assert "hunter2" not in url.describe() and "db/lake" in url.describe()
    assert WarehouseSettings("data/w.duckdb").describe() == "data/w.duckdb"
