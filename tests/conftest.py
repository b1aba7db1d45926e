"""Shared fixtures: one migrated SQLite Airflow home per test session, copied for each module that needs one."""
from __future__ import annotations

import pytest

from airflow_harness import airflow_env, migrate


@pytest.fixture(scope="session")
def airflow_template(tmp_path_factory):
    """An AIRFLOW_HOME whose SQLite metadata DB is migrated (once per session: it takes several seconds)."""
    home = tmp_path_factory.mktemp("airflow-template")
    migrate(airflow_env(home, home / "data"))
    return home
