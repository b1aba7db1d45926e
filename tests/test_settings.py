"""The environment's one prefix: THREADLINE_* names, the old PIPELINE_* names still read with a one-line warning, and
the new name winning when both are set. No value is ever printed (a warehouse address may carry a password)."""
from __future__ import annotations

import logging

import pytest

from pipeline import cli, settings

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
    assert settings.warehouse_path() == LAKE and cli.db_path(None) == LAKE
    assert settings.max_loaders() == 3
    assert warnings_(caplog) == []


def test_an_old_name_still_works_with_one_warning_naming_it(clean_env, caplog):
    clean_env.setenv("PIPELINE_DB", LAKE)
    clean_env.setenv("PIPELINE_LAKE_RETENTION_DAYS", "7")
    assert settings.warehouse_path() == LAKE and cli.db_path(None) == LAKE
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
    assert settings.lake_data() == "/new/lake-data" and cli.lake_data(None) == "/new/lake-data"
    assert settings.warehouse_path() == LAKE
    lines = warnings_(caplog)
    assert lines == ["both THREADLINE_LAKE_DATA and PIPELINE_LAKE_DATA are set: THREADLINE_LAKE_DATA is used; "
                     "unset PIPELINE_LAKE_DATA",
                     "both THREADLINE_DB and PIPELINE_DB are set: THREADLINE_DB is used; unset PIPELINE_DB"]
    assert not any(value in line for line in lines for value in ("/old/", "/new/", "hunter2"))


def test_a_flag_still_beats_both_names(clean_env, caplog):
    clean_env.setenv("PIPELINE_DB", "/old/warehouse.duckdb")
    assert cli.db_path("/flag/warehouse.duckdb") == "/flag/warehouse.duckdb"
