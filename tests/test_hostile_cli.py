"""The command line against a careless or hostile user: `export` deletes only what an export made, and a flag or an
output path the command cannot use is one line on stderr, exit 2, with nothing written or deleted."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.report.export import MANIFEST, PARTITION_BY
from tests.commands import pipeline


@pytest.fixture(scope="module")
def db(report_warehouse) -> Path:
    return report_warehouse


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_error(result, code: int = 2) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_export_over_a_folder_it_did_not_make_deletes_nothing_and_names_the_folder(db, tmp_path):
    out = tmp_path / "bi"
    mine = out / "articles"
    mine.mkdir(parents=True)
    (mine / "my-notes.txt").write_text("an analyst's own file")
    (mine / "date=2024-01-01").mkdir()
    (mine / "date=2024-01-01" / "part-0.parquet").write_bytes(b"someone else's data")
    before = files(out)

    line = one_line_error(pipeline("export", "--db", str(db), "--out", str(out)))
    assert str(mine) in line and "pipeline export" in line
    assert files(out) == before  # nothing deleted, nothing written beside it
    assert sorted(p.name for p in out.iterdir()) == ["articles"]


def test_a_file_where_an_export_folder_goes_is_refused_too(db, tmp_path):
    out = tmp_path / "bi"
    out.mkdir()
    (out / "quotes").write_text("not a folder")
    line = one_line_error(pipeline("export", "--db", str(db), "--out", str(out)))
    assert str(out / "quotes") in line
    assert files(out) == {"quotes": b"not a folder"}


def test_exporting_again_replaces_the_folders_an_export_made_and_keeps_other_files(db, tmp_path):
    out = tmp_path / "bi"
    assert pipeline("export", "--db", str(db), "--out", str(out)).returncode == 0
    assert all((out / name / MANIFEST).is_file() for name in PARTITION_BY)
    stale = out / "articles" / "date=1999-01-01"
    stale.mkdir()
    (stale / "part-0.parquet").write_bytes(b"old")
    (out / "README.txt").write_text("the team's notes beside the export")  # not an export folder: left alone

    again = pipeline("export", "--db", str(db), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert not stale.exists()
    assert (out / "README.txt").read_text() == "the team's notes beside the export"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(PARTITION_BY)


def test_a_duckdb_export_replaces_its_own_file_but_not_a_users(db, tmp_path):
    out = tmp_path / "bi"
    out.mkdir()
    theirs = out / "threadline.duckdb"
    theirs.write_bytes(b"an analyst's own DuckDB file")
    line = one_line_error(pipeline("export", "--format", "duckdb", "--db", str(db), "--out", str(out)))
    assert str(theirs) in line
    assert files(out) == {"threadline.duckdb": b"an analyst's own DuckDB file"}

    theirs.unlink()
    for _ in range(2):  # the second export replaces the file the first one made
        result = pipeline("export", "--format", "duckdb", "--db", str(db), "--out", str(out))
        assert result.returncode == 0, result.stderr
    assert theirs.stat().st_size > 100_000 and (out / MANIFEST).is_file()


@pytest.mark.parametrize("value", ["-5", "0", "many", "2.5"])
def test_enrich_limit_must_be_a_positive_whole_number(tmp_path, value):
    db = tmp_path / "w.duckdb"
    line = one_line_error(pipeline("enrich", "--limit", value, "--db", str(db), cwd=tmp_path))
    assert line.startswith("pipeline enrich: error: argument --limit:") and repr(value) in line
    assert not db.exists()


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "duckdb"], ["export"]])
def test_an_out_that_is_an_existing_file_is_a_usage_error_and_the_file_stays(db, tmp_path, command):
    target = tmp_path / "taken.duckdb"
    target.write_bytes(b"the user's file")
    line = one_line_error(pipeline(*command, "--db", str(db), "--out", str(target)))
    assert str(target) in line and "is a file" in line
    assert target.read_bytes() == b"the user's file"


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "duckdb"]])
def test_an_out_whose_parent_folders_are_missing_is_made(db, tmp_path, command):
    target = tmp_path / "no" / "such" / "folder"
    result = pipeline(*command, "--db", str(db), "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert any(target.iterdir())


@pytest.mark.parametrize("command", [["report"], ["export", "--format", "duckdb"], ["export"]])
def test_an_out_under_a_file_is_a_run_failure_in_one_line(db, tmp_path, command):
    (tmp_path / "a-file").write_text("the user's file")
    line = one_line_error(pipeline(*command, "--db", str(db), "--out", str(tmp_path / "a-file" / "out")), code=1)
    assert "a-file" in line
    assert (tmp_path / "a-file").read_text() == "the user's file"


def test_an_out_that_cannot_be_written_is_a_run_failure_in_one_line(db, tmp_path):
    refused = Path("/sys/threadline-test-report")  # sysfs refuses a new folder to everyone, root included
    line = one_line_error(pipeline("report", "--db", str(db), "--out", str(refused)), code=1)
    assert line.startswith(f"pipeline report: {refused}: ")


def test_a_dictionary_out_that_is_a_folder_is_a_usage_error(tmp_path):
    line = one_line_error(pipeline("dictionary", "--out", str(tmp_path)))
    assert str(tmp_path) in line and "is a folder" in line


@pytest.mark.parametrize("variable, value", [("THREADLINE_FETCH_MAX_BYTES", "abc"),
                                             ("THREADLINE_FETCH_TOTAL_TIMEOUT", "soon"),
                                             ("THREADLINE_FETCH_NO_SUCH_SETTING", "1")])
def test_a_fetch_setting_in_the_environment_that_is_not_of_its_type_is_one_line_exit_2(variable, value, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>A page</title></head><body><p>Some words here.</p></body></html>")
    result = pipeline("ingest", str(page), "--db", str(tmp_path / "w.duckdb"), env={variable: value})
    line = one_line_error(result)
    assert "setting" in line and ("THREADLINE_FETCH_" in line)
    assert not (tmp_path / "w.duckdb").exists()
