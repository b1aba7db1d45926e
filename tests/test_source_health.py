"""Source health (report_source_health, pipeline/report/health.py, the report page's section) on warehouses built
by five nightly runs of the DAG's own stage functions (tests/source_nights.py: `steady` finds a new page every run,
`stops` stops yielding after run 2, `gone` fails to read every run), on a DuckDB file and on a DuckLake."""
from __future__ import annotations

import logging
import re
import shutil

import pytest

from pipeline.report.health import silent_sources, source_health, warn_silent_sources
from pipeline.report.page import write_report
from pipeline.report.views import apply_views
from pipeline.settings import WarehouseSettings
from pipeline.store import Writer
from tests.lakes import fresh_lake
from tests.source_nights import RUNS, Nights
from tests.warehouse_rows import rows

COLUMNS = ("source_name", "runs", "runs_since_new", "runs_30d", "pages_per_run_30d", "pages_per_run_prev_30d",
           "posts_per_run_30d", "posts_per_run_prev_30d", "failures_30d", "read_failures_30d", "fetch_failures_30d",
           "decode_failures_30d", "parse_failures_30d")


def health(db: WarehouseSettings | str) -> dict[str, tuple]:
    return {row["source_name"]: tuple(row[c] for c in COLUMNS) for row in source_health(db)}


def silent_names(db: WarehouseSettings | str, after_runs: int) -> list[str]:
    return [s.source_name for s in silent_sources(db, after_runs=after_runs)]


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("health")
    nights = Nights(folder, str(folder / "warehouse.duckdb"))
    silent = []
    for _ in range(RUNS):
        nights.run()
        silent.append(silent_names(nights.db, 3))
    nights.silent_after_each_run = silent
    return nights


def test_a_source_that_stops_yielding_shows_its_runs_since_new_and_its_counts(nights):
    by_source = health(nights.db)
    assert by_source["stops"] == ("stops", 5, 3, 5, 1.0, None, 6.2, None, 0, 0, 0, 0, 0)  # posts (3 + 4 × 7) / 5
    assert by_source["steady"][:5] == ("steady", 5, 0, 5, 1.0)
    assert by_source["gone"] == ("gone", 5, 5, 5, 0.0, None, 0.0, None, 5, 5, 0, 0, 0)
    last_new = rows(nights.db, "SELECT last_new_run_id FROM report_source_health WHERE source_name = 'stops'")
    assert last_new == [(nights.runs[1],)]
    assert rows(nights.db, "SELECT last_new_run_id FROM report_source_health WHERE source_name = 'gone'") == [(None,)]


def test_the_check_names_a_silent_source_after_the_set_number_of_runs_and_not_before(nights):
    # after_runs = 3: `gone` never found anything (silent from run 3); `stops` found nothing in runs 3, 4, 5
    assert nights.silent_after_each_run == [[], [], ["gone"], ["gone"], ["gone", "stops"]]
    assert silent_names(nights.db, 4) == ["gone"]
    assert silent_names(nights.db, 6) == []


def test_the_warning_is_one_line_per_silent_source(nights, caplog, monkeypatch):
    monkeypatch.setenv("THREADLINE_SILENT_AFTER_RUNS", "3")
    with caplog.at_level(logging.WARNING, logger="pipeline.report.health"):
        warned = warn_silent_sources(nights.db)
    assert [s.source_name for s in warned] == ["gone", "stops"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert lines[0].startswith("source gone: nothing new in 5 runs (ever;")
    assert lines[0].endswith("; 5 failed reads in the last 30 days: has its feed moved or its markup changed? "
                             "See report_source_health")
    assert lines[1].startswith("source stops: nothing new in 3 runs (since ")


def test_a_bad_setting_or_an_unreadable_warehouse_is_a_warning_not_a_failure(nights, tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("THREADLINE_SILENT_AFTER_RUNS", "weekly")
    with caplog.at_level(logging.WARNING, logger="pipeline.report.health"):
        assert warn_silent_sources(nights.db) == []
        assert warn_silent_sources(str(tmp_path / "none.duckdb"), after_runs=3) == []
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["source health"] * 2
    assert "THREADLINE_SILENT_AFTER_RUNS must be a whole number of at least 1, got 'weekly'" in caplog.text


def test_now_is_the_latest_run_so_older_runs_fall_in_the_previous_30_days(nights, tmp_path):
    db = str(tmp_path / "backdated.duckdb")
    shutil.copyfile(nights.db, db)
    with Writer(db) as writer:  # runs 1 and 2 as if they had run 40 days before the others
        writer.con.execute("UPDATE ingest_runs SET started_at = started_at - INTERVAL 40 DAY WHERE run_id IN (?, ?)",
                           nights.runs[:2])
    by_source = health(db)
    # stops: 3 and 7 posts in the previous 30 days, 7 a run since; the clock plays no part
    assert by_source["stops"] == ("stops", 5, 3, 3, 1.0, 1.0, 7.0, 5.0, 0, 0, 0, 0, 0)
    assert by_source["gone"][:4] == ("gone", 5, 5, 3) and by_source["gone"][8:10] == (3, 3)


def test_run_source_counts_records_what_each_run_read_and_found(nights):
    first, second, third = nights.runs[:3]
    assert rows(nights.db, f"SELECT run_id, reads, pages, posts, pages_new, posts_new FROM run_source_counts "
                           f"WHERE source_name = 'stops' AND run_id IN ('{first}', '{second}', '{third}') "
                           f"ORDER BY run_id") == [(first, 1, 1, 3, 1, 3), (second, 1, 1, 7, 1, 7),
                                                   (third, 1, 1, 7, 0, 0)]
    assert rows(nights.db, "SELECT DISTINCT source_name FROM fetch_log ORDER BY 1") == [
        ("gone",), ("steady",), ("stops",)]


def test_the_report_page_lists_every_source_the_longest_silent_first(nights, tmp_path):
    page = write_report(nights.db, tmp_path / "report", refresh_views=False).read_text(encoding="utf-8")
    section = page.split("<section id='source-health'>")[1].split("</section>")[0]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in section.split("<tbody>")[1].split("<tr>")[1:]]
    assert [row[:2] for row in cells] == [["gone", "5"], ["stops", "3"], ["steady", "0"]]
    assert cells[0][-4:] == ["0", "5", "0", "0"]  # gone: fetch, read, decode, parse failures


@pytest.mark.postgres
@pytest.mark.slow
def test_the_view_works_on_a_lake(tmp_path):
    with fresh_lake(tmp_path, migrated=True) as lake:
        nights = Nights(tmp_path / "lake-nights", lake.warehouse)
        for _ in range(3):
            nights.run()
        apply_views(lake.warehouse)
        by_source = health(lake.warehouse)
        assert by_source["stops"] == ("stops", 3, 1, 3, 1.0, None, round(17 / 3, 1), None, 0, 0, 0, 0, 0)
        assert by_source["gone"][:3] == ("gone", 3, 3)
        assert silent_names(lake.warehouse, 1) == ["gone", "stops"]
