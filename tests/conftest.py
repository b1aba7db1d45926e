"""Shared test hooks and fixtures: the labelled set's per-kind table in pytest's summary whenever its pages were
checked; one migrated SQLite Airflow home per test session, copied for each module that needs one."""
from __future__ import annotations

import pytest

from airflow_harness import airflow_env, migrate

_LABELLED_RESULTS: list = []  # (label, outcome) of every labelled page checked in this run


@pytest.fixture
def labelled_results() -> list:
    return _LABELLED_RESULTS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _LABELLED_RESULTS:
        from tests.labelled import table

        terminalreporter.section("labelled set: pages right / pages, entries found / expected, posts found / expected")
        terminalreporter.write_line(table(_LABELLED_RESULTS))


@pytest.fixture(scope="session")
def airflow_template(tmp_path_factory):
    """An AIRFLOW_HOME whose SQLite metadata DB is migrated (once per session: it takes several seconds)."""
    home = tmp_path_factory.mktemp("airflow-template")
    migrate(airflow_env(home, home / "data"))
    return home
