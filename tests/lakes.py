"""Fresh DuckLakes on this machine's PostgreSQL for tests: one catalog database each, dropped afterwards.

The server comes from $THREADLINE_TEST_PG (a libpq string for a database we may CREATE/DROP databases from), else
127.0.0.1:5432 as user postgres; tests that need it are skipped, saying why, when it cannot be reached.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.settings import WarehouseSettings

ADMIN_DSN = os.environ.get("THREADLINE_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")


def _admin():
    import psycopg2

    con = psycopg2.connect(ADMIN_DSN, connect_timeout=3)
    con.autocommit = True
    return con


def postgres_unavailable() -> str | None:
    """Why lake tests cannot run here, or None when they can."""
    try:
        _admin().close()
    except Exception as exc:  # noqa: BLE001 - any reason is a reason to skip
        return f"no PostgreSQL for lake tests at {ADMIN_DSN!r} ({str(exc).strip()}); set THREADLINE_TEST_PG"
    return None


@dataclass
class Lake:
    db: str  # the --db value: ducklake:postgres:<libpq string>
    data: Path  # the --lake-data folder
    catalog: str  # the catalog's libpq string

    def env(self) -> dict[str, str]:
        return {"THREADLINE_DB": self.db, "THREADLINE_LAKE_DATA": str(self.data)}

    @property
    def warehouse(self) -> WarehouseSettings:
        """The settings the pipeline's functions take: this lake and its data folder."""
        return WarehouseSettings(self.db, self.data)


@contextlib.contextmanager
def fresh_lake(folder: Path) -> Iterator[Lake]:
    """A new, empty catalog database and data folder; the database is dropped afterwards."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    name = f"threadline_test_{secrets.token_hex(4)}"
    admin = _admin()
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    base = dict(part.split("=", 1) for part in ADMIN_DSN.split())
    base["dbname"] = name
    catalog = " ".join(f"{k}={v}" for k, v in base.items())
    try:
        yield Lake(f"ducklake:postgres:{catalog}", folder / "lake-data", catalog)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
