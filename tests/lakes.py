"""Fresh DuckLakes on this machine's PostgreSQL for tests: one catalog database each, dropped afterwards.

The server comes from $THREADLINE_TEST_PG (a libpq string for a database we may CREATE/DROP databases from), else
127.0.0.1:5432 as user postgres; tests that need it are skipped, saying why, when it cannot be reached.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
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
def fresh_lake(folder: Path, *, migrated: bool = False) -> Iterator[Lake]:
    """A new catalog database and data folder; the database is dropped afterwards. Empty by default; `migrated`
    gives a lake whose catalog already holds the warehouse's tables (a copy of one migrated once per test process,
    `CREATE DATABASE … TEMPLATE`), for tests about what a lake holds rather than how it is created."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    name = f"threadline_test_{secrets.token_hex(4)}"
    data = folder / "lake-data"
    admin = _admin()
    try:
        if migrated:
            template, template_data = _migrated_template()
            _create_database(admin, name, template)
            shutil.copytree(template_data, data)
            _set_data_path(_catalog(name), data)
        else:
            _create_database(admin, name)
        yield Lake(f"ducklake:postgres:{_catalog(name)}", data, _catalog(name))
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def _catalog(name: str) -> str:
    base = dict(part.split("=", 1) for part in ADMIN_DSN.split())
    base["dbname"] = name
    return " ".join(f"{k}={v}" for k, v in base.items())


def _create_database(admin, name: str, template: str | None = None) -> None:
    """CREATE DATABASE, from a template when given (PostgreSQL refuses while a session is still leaving the template:
    tried again for a few seconds)."""
    import psycopg2

    statement = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    for attempt in range(50):
        try:
            with admin.cursor() as cur:
                cur.execute(statement)
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == 49:
                raise
            time.sleep(0.1)


def _set_data_path(catalog: str, data: Path) -> None:
    """Point a copied catalog at its own data folder (DuckLake stores the path it was created with)."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(catalog, connect_timeout=3)) as con, con.cursor() as cur:
        cur.execute("UPDATE ducklake_metadata SET value = %s WHERE key = 'data_path' AND scope IS NULL",
                    (f"{data}/",))
        assert cur.rowcount == 1, "the template catalog has no data_path"
        con.commit()


_TEMPLATE: dict[str, object] = {}


def _migrated_template() -> tuple[str, Path]:
    """This process's template lake: created and migrated by the pipeline's own writer on first use, dropped by
    `drop_template` when the test session ends (tests/conftest.py)."""
    if not _TEMPLATE:
        from pipeline.store.warehouse import Writer

        name = f"threadline_test_template_{secrets.token_hex(4)}"
        data = Path(tempfile.mkdtemp(prefix="threadline-lake-template-")) / "lake-data"
        admin = _admin()
        _create_database(admin, name)
        try:
            with Writer(WarehouseSettings(f"ducklake:postgres:{_catalog(name)}", data)):
                pass  # opening the writer creates and migrates the lake
        except BaseException:  # every migrated lake would copy a broken one: this test fails with the cause instead
            with contextlib.suppress(Exception), admin.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            raise
        finally:
            admin.close()
        _TEMPLATE.update(name=name, data=data)
    return _TEMPLATE["name"], _TEMPLATE["data"]


def drop_template() -> None:
    """Drop this process's template lake, if it made one."""
    if not _TEMPLATE:
        return
    with contextlib.suppress(Exception), contextlib.closing(_admin()) as admin, admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {_TEMPLATE['name']} WITH (FORCE)")
    shutil.rmtree(_TEMPLATE["data"].parent, ignore_errors=True)
    _TEMPLATE.clear()
