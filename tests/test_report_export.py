"""`pipeline export`: Parquet partitioned by day for BI tools, or one DuckDB file; and the commands' errors."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from pipeline.cli import main
from pipeline.report.export import MANIFEST, PARTITION_BY
from tests.commands import pipeline


@pytest.fixture(scope="module")
def db(report_warehouse) -> Path:
    return report_warehouse


def test_parquet_export_is_partitioned_by_day(db, tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert "exported 26 tables and views" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == sorted(PARTITION_BY)

    assert all((out / name / MANIFEST).is_file() for name in PARTITION_BY)  # what marks a folder as an export's
    days = sorted(p.name for p in (out / "report_daily_volume").iterdir() if p.name != MANIFEST)
    assert days[:2] == ["date=2024-11-29", "date=2024-12-19"] and len(days) == 3  # + the run day of undated pages
    assert sorted(p.name for p in (out / "item_revisions").iterdir() if p.name != MANIFEST) == ["date=2024-12-19"]
    assert [p.name for p in (out / "run_table_counts").iterdir() if p.name != MANIFEST] == ["part-0.parquet"]

    # read back as a BI tool would: the day comes back as a column
    volume = ds.dataset(out / "report_daily_volume", format="parquet", partitioning="hive").to_table()
    assert volume.num_rows == 5
    assert sorted(volume.column_names) == sorted(["page_date", "outlet", "platform", "pages", "embeds", "posts",
                                                   "date"])
    con = duckdb.connect()
    assert con.execute(f"""
        SELECT date, outlet, platform, embeds FROM read_parquet('{out}/report_daily_volume/*/*.parquet',
                                                                 hive_partitioning = true)
        WHERE date = DATE '2024-12-19' ORDER BY ALL""").fetchall() == [
        (date(2024, 12, 19), "Example News", "x", 2), (date(2024, 12, 19), "Live Desk", "bluesky", 1),
        (date(2024, 12, 19), "Live Desk", "x", 2)]
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out}/article_posts/*/*.parquet')").fetchone() == (19,)


def test_exporting_again_leaves_no_stale_files(db, tmp_path):
    out = tmp_path / "export"
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    stale = out / "articles" / "date=1999-01-01"
    stale.mkdir()
    (stale / "part-0.parquet").write_bytes(b"old")
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert not stale.exists()


def test_duckdb_export_is_one_file_with_tables_and_views(db, tmp_path):
    out = tmp_path / "export"
    assert main(["export", "--db", str(db), "--out", str(out), "--format", "duckdb"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "threadline.duckdb"]  # the manifest names the file
    con = duckdb.connect(str(out / "threadline.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (6,)
        assert con.execute("SELECT outlets FROM report_post_reach WHERE post_id = 'x:1869739994848011185'"
                           ).fetchone() == (3,)
        assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'report_post_reach'").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("command", [["report"], ["export"], ["export", "--format", "duckdb"]])
def test_a_missing_warehouse_is_an_error_not_a_new_empty_one(tmp_path, capsys, command):
    db = tmp_path / "nothing.duckdb"
    assert main([*command, "--db", str(db), "--out", str(tmp_path / "out")]) == 1
    assert "no warehouse at" in capsys.readouterr().err
    assert not db.exists()


def test_an_unknown_format_is_a_usage_error(db, tmp_path):
    assert main(["export", "--db", str(db), "--out", str(tmp_path), "--format", "csv"]) == 2


def test_report_and_export_do_not_wait_for_a_running_load_once_the_views_are_current(db, tmp_path):
    from pipeline.report.views import apply_views
    from pipeline.store import Writer

    apply_views(db)
    with Writer(db, lock_timeout_s=5):  # a load holding the warehouse for as long as the commands run
        report = pipeline("report", "--db", str(db), "--out", str(tmp_path / "report"))
        export = pipeline("export", "--db", str(db), "--out", str(tmp_path / "export"), "--format", "duckdb")
    assert report.returncode == 0, report.stderr
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "report" / "index.html").is_file() and (tmp_path / "export" / "threadline.duckdb").is_file()


def test_changed_view_definitions_are_applied_by_the_next_report(db, tmp_path):
    import shutil

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(db, warehouse)
    sql_dir = tmp_path / "sql"
    shutil.copytree(Path(__file__).resolve().parents[1] / "sql", sql_dir)
    view = sql_dir / "reporting" / "01_report_pages.sql"
    view.write_text(view.read_text(encoding="utf-8").replace("One row per page with its outlet and day",
                                                             "One row per page (edited)"), encoding="utf-8")
    done = pipeline("report", "--db", str(warehouse), "--out", str(tmp_path / "report"),
                     env={"THREADLINE_SQL_DIR": str(sql_dir)})
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'report_pages'").fetchone()[0]
    finally:
        con.close()
    assert comment.startswith("One row per page (edited)")


def test_a_view_that_fails_does_not_stop_a_load_and_report_names_it(tmp_path):
    import shutil

    sql_dir = tmp_path / "sql"
    shutil.copytree(Path(__file__).resolve().parents[1] / "sql", sql_dir)
    view = sql_dir / "reporting" / "03_report_top_accounts.sql"
    view.write_text(view.read_text(encoding="utf-8").replace("FROM ", "FROM no_such_table, ", 1), encoding="utf-8")
    seed = Path(__file__).resolve().parents[1] / "seeds" / "seed_article_putin_syria.txt"
    db = tmp_path / "warehouse.duckdb"
    broken = {"THREADLINE_SQL_DIR": str(sql_dir)}

    loaded = pipeline("ingest", str(seed), "--db", str(db), env=broken)
    assert loaded.returncode == 0, loaded.stderr
    assert "the reporting views were not brought up to date: sql/reporting/03_report_top_accounts.sql" in loaded.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM social_posts").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name LIKE 'report_%'").fetchone() == (0,)
    finally:
        con.close()

    report = pipeline("report", "--db", str(db), "--out", str(tmp_path / "report"), env=broken)
    assert report.returncode == 1 and "Traceback" not in report.stderr
    assert report.stderr.startswith("pipeline report: sql/reporting/03_report_top_accounts.sql: ")
    assert "no_such_table" in report.stderr

    fixed = pipeline("report", "--db", str(db), "--out", str(tmp_path / "report"))  # the project's own files
    assert fixed.returncode == 0, fixed.stderr
