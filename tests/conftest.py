"""Shared test hooks and fixtures.

- The labelled set's per-kind table in pytest's summary whenever its pages were checked (under pytest-xdist each
  worker sends its rows to the controller, which prints the one table).
- Set-ups built once per test run (per xdist worker) and copied for each module: a migrated SQLite Airflow home,
  the reporting tests' warehouse (tests/report_warehouse.py).
- Our own HTTP server on 127.0.0.1 (tests/fetch_support.py) with fast fetch settings; for the hostile-list tests
  (tests/hostile_support.py) fetching from it without delays, and local secrets a hostile list would like read.
- Markers (pyproject.toml): `slow`, `postgres`, `airflow`, `browser`; modules marked `slow` are collected first, so
  that a parallel run starts its longest modules first.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from pipeline.fetch.fetch_settings import FetchSettings
from tests.airflow_harness import airflow_env, migrate
from tests.fetch_support import TestServer
from tests.hostile_support import SECRET, page

_LABELLED_RESULTS: list = []  # (label, outcome) of every labelled page checked in this process
_LABELLED_KEY = "threadline_labelled_results"  # how an xdist worker hands its results to the controller


@pytest.fixture
def labelled_results() -> list:
    return _LABELLED_RESULTS


def pytest_sessionfinish(session):
    from tests.lakes import drop_template

    drop_template()  # the template lake this process made, if it made one
    workeroutput = getattr(session.config, "workeroutput", None)  # set in an xdist worker only
    if workeroutput is not None:
        workeroutput[_LABELLED_KEY] = json.dumps([(label, asdict(out)) for label, out in _LABELLED_RESULTS])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller: a worker finished; its labelled-set results join the summary's."""
    from tests.labelled import Outcome

    output = getattr(node, "workeroutput", {}).get(_LABELLED_KEY)
    _LABELLED_RESULTS.extend((label, Outcome(**out)) for label, out in json.loads(output or "[]"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _LABELLED_RESULTS:
        from tests.labelled import table

        terminalreporter.section("labelled set: pages right / pages, entries found / expected, posts found / expected")
        terminalreporter.write_line(table(_LABELLED_RESULTS))


# The longest modules (summed `--durations` here, 2026-12-01: 180-290 s each), started before the other slow ones so
# that no worker is left with one of them at the end.
LONGEST_MODULES = ("tests.test_store", "tests.test_lake", "tests.test_topology_lake", "tests.test_topology")


def pytest_collection_modifyitems(config, items):
    """Modules with a `slow` test first, the longest of them first of all, each kept whole (stable otherwise): with
    `--dist loadfile` the longest modules start at once, and a module's fixtures are set up once."""
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow")}

    def rank(item) -> tuple[int, int]:
        name = item.module.__name__
        first = LONGEST_MODULES.index(name) if name in LONGEST_MODULES else len(LONGEST_MODULES)
        return (name not in slow, first)

    items.sort(key=rank)


def _lake_in_environment(tmp_path, monkeypatch, *, migrated: bool):
    from tests.lakes import fresh_lake

    with fresh_lake(tmp_path, migrated=migrated) as lake:
        monkeypatch.setenv("THREADLINE_DB", lake.db)
        monkeypatch.setenv("THREADLINE_LAKE_DATA", str(lake.data))
        yield lake


@pytest.fixture
def lake(tmp_path, monkeypatch):
    """A DuckLake holding the warehouse's tables and no rows, named by THREADLINE_DB and THREADLINE_LAKE_DATA
    (tests/lakes.py: a copy of a catalog migrated once per test process, dropped afterwards)."""
    yield from _lake_in_environment(tmp_path, monkeypatch, migrated=True)


@pytest.fixture
def new_lake(tmp_path, monkeypatch):
    """An empty catalog named as `lake` is: the first writer creates the lake."""
    yield from _lake_in_environment(tmp_path, monkeypatch, migrated=False)


@pytest.fixture(scope="session")
def airflow_template(tmp_path_factory):
    """An AIRFLOW_HOME whose SQLite metadata DB is migrated (once per session: it takes several seconds)."""
    home = tmp_path_factory.mktemp("airflow-template")
    migrate(airflow_env(home, home / "data"))
    return home


@pytest.fixture(scope="session")
def _report_warehouse_template(tmp_path_factory) -> Path:
    from tests.report_warehouse import build

    return build(tmp_path_factory.mktemp("report-warehouse") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def report_warehouse(_report_warehouse_template, tmp_path_factory) -> Path:
    """The reporting tests' warehouse (tests/report_warehouse.py), built once per run; each module gets its own copy
    of the published file, so what one module writes into it no other sees."""
    from pipeline.store import copy_published

    return copy_published(_report_warehouse_template, tmp_path_factory.mktemp("report") / "warehouse.duckdb")


@pytest.fixture
def server():
    srv = TestServer()
    yield srv
    srv.close()


@pytest.fixture
def settings() -> FetchSettings:
    """Fast, bounded settings for tests: no politeness delay, tiny back-offs, our own server allowed."""
    return FetchSettings(
        contact_url="https://threadline.test/contact",
        connect_timeout=1.0,
        read_timeout=2.0,
        total_timeout=10.0,
        backoff_base=0.01,
        backoff_max=0.05,
        backoff_jitter=0.0,
        throttle_after_429=0.05,
        retry_after_max=5.0,
        min_delay=0.0,
        down_host_seconds=60.0,
        allow_networks=("127.0.0.1/32",),
    )


@pytest.fixture
def local_fetching(monkeypatch):
    """Discovery and staging fetch from our own server on 127.0.0.1, without delays."""
    monkeypatch.setenv("THREADLINE_FETCH_ALLOW_NETWORKS", "127.0.0.1/32")
    monkeypatch.setenv("THREADLINE_FETCH_MIN_DELAY", "0")
    monkeypatch.setenv("THREADLINE_FETCH_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("THREADLINE_FETCH_MAX_RETRIES", "0")
    monkeypatch.setenv("THREADLINE_CONTACT_URL", "https://threadline.test/contact")


@pytest.fixture
def no_warehouse_setting(monkeypatch):
    """No warehouse named by the caller's environment (THREADLINE_DB, THREADLINE_LAKE_DATA, nor their old PIPELINE_*
    names), so that the commands' own defaults are what a test sees."""
    from pipeline.settings import RENAMED

    for name in ("THREADLINE_DB", "THREADLINE_LAKE_DATA"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(RENAMED[name], raising=False)


@pytest.fixture
def secrets(tmp_path) -> Path:
    """A folder outside every list's folder, holding files a reader must never load: text, HTML, a sitemap."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "passwd.txt").write_text(f"root:x:0:0 {SECRET} a paragraph of private text.\n", encoding="utf-8")
    (folder / "notes.html").write_bytes(page("Private notes", f"{SECRET} in an HTML file."))
    return folder
