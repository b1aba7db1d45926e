"""`pipeline ingest` and `pipeline stats` as a user runs them: output lines, exit codes, rows."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.commands import pipeline

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = ROOT / "seeds" / "seed_article_putin_syria.txt"
SEED_HTML = ROOT / "seeds" / "seed_article_putin_syria.html"


# The commands' default warehouse path is checked here: none from the caller's environment.
pytestmark = pytest.mark.usefixtures("no_warehouse_setting")


def count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_ingest_the_seed_prints_a_line_per_source_and_totals(tmp_path):
    result = pipeline("ingest", str(SEED_TEXT), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok") and "seed_article_putin_syria.txt" in lines[0]
    assert "4 key points" in lines[0] and "2 posts" in lines[0] and "1 quotes" in lines[0]
    assert lines[1].startswith("1 sources: 1 loaded, 0 failed")
    # the default warehouse path is data/warehouse.duckdb under the working directory
    assert count(tmp_path / "data" / "warehouse.duckdb", "social_posts") == 2


def test_db_comes_from_the_flag_then_the_environment_then_the_default(tmp_path):
    from_env = tmp_path / "env.duckdb"
    from_flag = tmp_path / "flag.duckdb"
    assert pipeline("ingest", str(SEED_TEXT), cwd=tmp_path, env={"THREADLINE_DB": str(from_env)}).returncode == 0
    assert pipeline("ingest", str(SEED_TEXT), "--db", str(from_flag), cwd=tmp_path,
                    env={"THREADLINE_DB": str(from_env)}).returncode == 0
    assert from_env.exists() and from_flag.exists()
    assert not (tmp_path / "data").exists()


def test_failing_sources_get_one_clear_line_each_and_the_rest_still_loads(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_text("   \n")
    (bad / "junk.html").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (bad / "latin1.txt").write_bytes("Caf\xe9 au lait, a paragraph in Latin-1 without a declaration.".encode("latin-1"))
    (bad / "report.pdf").write_bytes(b"%PDF-1.4")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(SEED_TEXT), str(bad / "empty.html"), str(bad / "junk.html"),
                      str(bad / "latin1.txt"), str(bad / "report.pdf"), str(tmp_path / "missing.txt"),
                      "--db", str(db), cwd=tmp_path)
    assert result.returncode == 1
    failed = {line.split(":")[0].split()[-1]: line for line in result.stdout.splitlines() if line.startswith("FAILED")}
    assert "the file is empty" in failed[str(bad / "empty.html")]
    assert "looks binary" in failed[str(bad / "junk.html")]
    assert "not a .html, .htm, .txt or .warc(.gz) file" in failed[str(bad / "report.pdf")]
    assert "no such file" in failed[str(tmp_path / "missing.txt")]
    assert "6 sources: 2 loaded, 4 failed" in result.stdout
    assert count(db, "social_posts") == 2  # the good sources loaded
    assert str(bad / "latin1.txt") not in failed  # Latin-1 without a declaration is detected, not refused
    con = duckdb.connect(str(db), read_only=True)
    outcomes = dict(con.execute("SELECT url, outcome FROM fetch_log").fetchall())
    status = con.execute("SELECT status, sources_ok, sources_failed FROM ingest_runs").fetchall()
    con.close()
    assert outcomes[str(bad / "junk.html")] == "not_html"
    assert outcomes[str(SEED_TEXT)] == "ok"
    assert status == [("partial", 2, 4)]
    con = duckdb.connect(str(db), read_only=True)
    bodies = [row[0] for row in con.execute("SELECT body_text FROM articles").fetchall()]
    con.close()
    assert any("Café au lait" in body for body in bodies)


def test_a_folder_is_every_page_inside_it(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SEED_TEXT, folder / "a.txt")
    shutil.copy(SEED_HTML, folder / "b.html")
    (folder / "notes.md").write_text("not a page")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(folder), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 sources: 2 loaded, 0 failed" in result.stdout
    assert count(db, "articles") == 2
    assert count(db, "social_posts") == 2  # the text and the HTML copy of each tweet are one post


def test_usage_errors_exit_2(tmp_path):
    assert pipeline("ingest", cwd=tmp_path).returncode == 2
    assert pipeline("frobnicate", cwd=tmp_path).returncode == 2


def test_stats_prints_counts_and_the_last_run(tmp_path):
    db = tmp_path / "w.duckdb"
    pipeline("ingest", str(SEED_TEXT), "--db", str(db), cwd=tmp_path)
    result = pipeline("stats", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0
    counts = {line.split()[0]: int(line.split()[1]) for line in result.stdout.splitlines()
              if not line.startswith("last run")}
    assert counts["articles"] == 1 and counts["social_posts"] == 2 and counts["update_items"] == 8
    assert "last run:" in result.stdout and ": ok, 1 sources ok, 0 failed" in result.stdout


def test_stats_without_a_warehouse_says_so(tmp_path):
    result = pipeline("stats", "--db", str(tmp_path / "none.duckdb"), cwd=tmp_path)
    assert result.returncode == 1
    assert "no warehouse at" in result.stderr


def test_output_piped_into_a_reader_that_stops_ends_quietly_and_the_load_stays(tmp_path):
    """`pipeline ingest … | head -1`: the reader is gone before the report is printed."""
    env = {k: v for k, v in os.environ.items() if k != "THREADLINE_DB"}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(SEED_TEXT), "--db",
                                str(tmp_path / "w.duckdb")], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**env, "PYTHONPATH": str(ROOT)})
    process.stdout.close()  # long before the command has loaded anything and printed its report
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    assert count(tmp_path / "w.duckdb", "social_posts") == 2
