"""Local files and folders are outside input: a file past the size cap, an empty folder, a path that is not there and
a file name with a newline in it each give one line naming the input and the cause, exit 1, and the rest loads."""
from __future__ import annotations

from tests.commands import pipeline
from tests.warehouse_rows import rows


def page(title: str, filler: int = 0) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>What happened today in {title}, told in a paragraph.</p>{'<p>more</p>' * filler}"
            f"</article></body></html>").encode("utf-8")


def failed_lines(stdout: str) -> dict[str, str]:
    return {line.split(": ")[0].removeprefix("FAILED "): line for line in stdout.splitlines()
            if line.startswith("FAILED")}


def test_a_local_file_past_the_cap_is_too_large_and_the_operator_can_raise_the_cap(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(page("A long live blog", filler=20_000))  # about 220 KB
    small = tmp_path / "small.html"
    small.write_bytes(page("A short page"))
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(big), str(small), "--db", str(db), env={"THREADLINE_FETCH_MAX_BYTES": "100000"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = failed_lines(result.stdout)[str(big)]
    assert ": read: " in line and f"({big.stat().st_size:,} bytes) is larger than max_bytes (100,000 bytes)" in line
    assert "THREADLINE_FETCH_MAX_BYTES" in line
    assert rows(db, "SELECT title FROM articles") == [("A short page",)]
    assert rows(db, f"SELECT outcome, stage FROM fetch_log WHERE url = '{big}'") == [("too_large", "read")]
    assert rows(db, "SELECT status FROM ingest_runs") == [("partial",)]

    raised = pipeline("ingest", str(big), "--db", str(db), env={"THREADLINE_FETCH_MAX_BYTES": "1000000"})
    assert raised.returncode == 0, raised.stdout
    assert ("A long live blog",) in rows(db, "SELECT title FROM articles")


def test_an_empty_folder_is_a_failure_naming_it(tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.md").write_text("not a page")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(empty), "--db", str(db))
    assert result.returncode == 1
    assert "no .html, .htm, .txt or .warc(.gz) file in this folder" in failed_lines(result.stdout)[str(empty)]
    assert "1 sources: 0 loaded, 1 failed" in result.stdout
    assert rows(db, "SELECT status FROM ingest_runs") == [("failed",)]


def test_a_missing_path_says_no_such_file_or_folder(tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_bytes(page("Present"))
    missing = tmp_path / "not-there"
    result = pipeline("ingest", str(missing), str(page_file), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    line = failed_lines(result.stdout)[str(missing)]
    assert line.endswith(": read: no such file or folder"), line
    assert "extension" not in line
    assert "2 sources: 1 loaded, 1 failed" in result.stdout


def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good\nname.html").write_bytes(page("Newline in the name"))
    (folder / "empty\rname.html").write_bytes(b"  ")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(folder), "--db", str(db))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    ok = [line for line in lines if line.startswith("ok")]
    failed = [line for line in lines if line.startswith("FAILED")]
    assert len(ok) == 1 and f"{folder}/good\\nname.html: " in ok[0]
    assert len(failed) == 1 and f"{folder}/empty\\rname.html: read: the file is empty" in failed[0]
    assert lines[2].startswith("2 sources: 1 loaded, 1 failed")
    assert all(line.startswith(("ok", "FAILED", "2 sources", "  ")) for line in lines), lines
    assert all(line.startswith(("ERROR", "WARNING")) for line in result.stderr.splitlines()), result.stderr
    # the warehouse keeps the name as it is
    assert rows(db, "SELECT source FROM articles") == [(str(folder / "good\nname.html"),)]
