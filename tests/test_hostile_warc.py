"""WARC files are outside input: a gzip bomb, a bad record, junk named .warc.gz, a cut or empty file each fail alone,
in one line naming the file (and record), and the rest of the run loads; `reparse` skips a broken archive file."""
from __future__ import annotations

import gzip
import io
import random
import subprocess
import sys
import textwrap
import zlib
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.commands import ROOT, pipeline
from tests.warehouse_rows import rows

CAP = 1024 * 1024  # THREADLINE_FETCH_MAX_BYTES in these tests: 1 MiB
SMALL_CAP = {"THREADLINE_FETCH_MAX_BYTES": str(CAP)}


def page(title: str) -> bytes:
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>What happened today in {title}, told in a paragraph.</p></article></body></html>").encode("utf-8")


def gzip_of_spaces(size: int) -> bytes:
    """`size` bytes of spaces, gzip-compressed: about a thousandth of `size`."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    return b"".join([compressor.compress(block) for _ in range(size >> 20)] + [compressor.flush()])


def response(writer: WARCWriter, url: str, body: bytes, *, date: str = "2024-12-19T10:00:00Z",
             headers: list[tuple[str, str]] | None = None, status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                  http_headers=http, warc_headers_dict={"WARC-Date": date}))


def warc(path: Path, pages: dict[str, bytes], *, gz: bool = True, dates: dict[str, str] | None = None) -> list[int]:
    """A WARC file of HTML responses (one gzip member each); returns each record's offset, and the end."""
    offsets = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for url, body in pages.items():
            offsets.append(handle.tell())
            response(writer, url, body, date=(dates or {}).get(url, "2024-12-19T10:00:00Z"))
        offsets.append(handle.tell())
    return offsets


def bomb(path: Path, inflated: int) -> None:
    """A WARC whose first response is `inflated` bytes once its Content-Encoding is undone (a few KB on disk), and
    whose second response is an ordinary page."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://bomb.example/", gzip_of_spaces(inflated),
                 headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        response(writer, "https://news.example/after-the-bomb", page("After the bomb"))


def failed_lines(stdout: str) -> dict[str, str]:
    """FAILED lines by source."""
    return {line.split(": ")[0].removeprefix("FAILED "): line for line in stdout.splitlines()
            if line.startswith("FAILED")}


def assert_one_line_each(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert not result.stderr.strip() or all(line.startswith(("ERROR", "WARNING")) for line in
                                            result.stderr.splitlines()), result.stderr


def test_a_gzip_bomb_record_is_too_large_and_the_record_after_it_loads(tmp_path):
    path = tmp_path / "bomb.warc.gz"
    bomb(path, 64 << 20)
    assert path.stat().st_size < 10_000  # 64 MiB once inflated
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(path), "--db", str(db), env=SMALL_CAP, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_one_line_each(result)
    line = failed_lines(result.stdout)[f"{path}#0"]
    assert ": read: " in line and "larger than max_bytes (1,048,576 bytes)" in line
    assert "THREADLINE_FETCH_MAX_BYTES" in line
    assert "2 sources: 1 loaded, 1 failed" in result.stdout
    assert rows(db, "SELECT url FROM articles") == [("https://news.example/after-the-bomb",)]
    assert rows(db, f"SELECT outcome, stage FROM fetch_log WHERE url = '{path}#0'") == [("too_large", "read")]
    assert rows(db, "SELECT status, sources_ok, sources_failed FROM ingest_runs") == [("partial", 1, 1)]


def test_a_record_past_the_cap_is_too_large_however_it_is_encoded(tmp_path):
    """Plain, chunked (one chunk the size of the body) and gzip: each past the cap is a `too_large` problem."""
    from pipeline.fetch import WarcProblem, iter_warc_documents

    body = page("Big") + b" " * 300_000
    path = tmp_path / "big.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://news.example/plain", body)
        response(writer, "https://news.example/chunked", b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body),
                 headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
        response(writer, "https://news.example/gzip", gzip.compress(body),
                 headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    small = list(iter_warc_documents(path, max_bytes=100_000))
    assert [(type(item), item.outcome) for item in small] == [(WarcProblem, "too_large")] * 3
    assert all("larger than max_bytes (100,000 bytes)" in item.cause for item in small)
    assert [doc.url for doc in iter_warc_documents(path, max_bytes=len(body))] == [
        "https://news.example/plain", "https://news.example/chunked", "https://news.example/gzip"]


def test_reading_bombs_keeps_memory_bounded(tmp_path):
    """The reader under an address-space limit that a bomb read whole would break (256 MiB inflated, 160 MiB
    allowed): a payload bomb, and a header line that never ends."""
    payload_bomb = tmp_path / "bomb.warc.gz"
    bomb(payload_bomb, 256 << 20)
    header_bomb = tmp_path / "endless-header.warc.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    header_bomb.write_bytes(compressor.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX-Note: ")
                            + b"".join(compressor.compress(b"a" * (1 << 20)) for _ in range(256)) + compressor.flush())
    script = textwrap.dedent(f"""
        import resource
        from pipeline.source_reader import warc_reads
        size = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size + (160 << 20), size + (160 << 20)))
        for path in ({str(payload_bomb)!r}, {str(header_bomb)!r}):
            for read in warc_reads(path):
                print(read.records[0].outcome, read.source, read.records[0].cause)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "THREADLINE_FETCH_MAX_BYTES": str(CAP)})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["too_large", f"{payload_bomb}#0"], ["ok", lines[1].split()[1]], ["error", str(header_bomb)]]
    assert lines[1].split()[1].startswith(f"{payload_bomb}#")  # the page after the bomb
    assert "run past 1,048,576 bytes" in lines[2]


def test_a_record_with_a_bad_warc_date_fails_alone(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    urls = [f"https://news.example/{n}" for n in (1, 2, 3)]
    offsets = warc(path, {url: page(f"Page {n}") for n, url in enumerate(urls, 1)}, dates={urls[1]: "yesterday"})
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(path), "--db", str(db))
    assert result.returncode == 1
    assert_one_line_each(result)
    assert list(failed_lines(result.stdout)) == [f"{path}#{offsets[1]}"]
    assert "bad WARC-Date 'yesterday'" in result.stdout
    assert "3 sources: 2 loaded, 1 failed" in result.stdout
    assert sorted(rows(db, "SELECT url FROM articles")) == [(urls[0],), (urls[2],)]
    assert rows(db, f"SELECT outcome, stage FROM fetch_log WHERE url = '{path}#{offsets[1]}'") == [("error", "read")]
    assert rows(db, "SELECT status FROM ingest_runs") == [("partial",)]


def test_a_bad_warc_date_is_reported_only_for_a_record_the_reader_wants(tmp_path):
    from pipeline.fetch import WarcProblem, iter_warc_documents

    path = tmp_path / "crawl.warc.gz"
    urls = ["https://news.example/1", "https://other.example/2", "https://news.example/3"]
    offsets = warc(path, {url: page(url) for url in urls}, dates={urls[1]: "yesterday", urls[2]: "soon"})
    read = list(iter_warc_documents(path, hosts=["news.example"]))
    assert [item.source for item in read if isinstance(item, WarcProblem)] == [f"{path}#{offsets[2]}"]
    assert [item.url for item in read if not isinstance(item, WarcProblem)] == [urls[0]]


def test_a_record_whose_compressed_body_is_damaged_fails_alone(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    compressed = gzip.compress(page("Damaged") + random.Random(11).randbytes(20_000).hex().encode(), mtime=0)
    damaged = compressed[:2000] + bytes(2000) + compressed[4000:]
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://news.example/1", page("Page 1"))
        offset = handle.tell()
        response(writer, "https://news.example/damaged", damaged,
                 headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        response(writer, "https://news.example/3", page("Page 3"))
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(path), "--db", str(db))
    assert result.returncode == 1
    assert_one_line_each(result)  # no note from the decompressor on stderr
    assert "compressed body is damaged" in failed_lines(result.stdout)[f"{path}#{offset}"]
    assert sorted(rows(db, "SELECT url FROM articles")) == [("https://news.example/1",), ("https://news.example/3",)]


def test_random_bytes_named_warc_gz_fail_beside_a_page_that_loads(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes(page("A good page"))
    junk = folder / "junk.warc.gz"
    junk.write_bytes(bytes(range(256)) * 40)
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(folder), "--db", str(db))
    assert result.returncode == 1
    assert_one_line_each(result)
    assert "not a WARC file" in failed_lines(result.stdout)[str(junk)]
    assert "2 sources: 1 loaded, 1 failed" in result.stdout
    assert rows(db, "SELECT title FROM articles") == [("A good page",)]
    assert rows(db, "SELECT status, sources_ok, sources_failed FROM ingest_runs") == [("partial", 1, 1)]


def test_a_cut_warc_keeps_the_records_before_the_cut_and_says_it_ended_early(tmp_path):
    urls = [f"https://news.example/{n}" for n in (1, 2, 3)]
    for name, gz in (("cut.warc.gz", True), ("cut.warc", False)):
        path = tmp_path / name
        offsets = warc(path, {url: page(f"Page {n}") for n, url in enumerate(urls, 1)}, gz=gz)
        whole = path.read_bytes()
        path.write_bytes(whole[:(offsets[2] + offsets[3]) // 2])  # halfway through the third record
        db = tmp_path / f"{name}.duckdb"
        result = pipeline("ingest", str(path), "--db", str(db))
        assert result.returncode == 1, name
        assert_one_line_each(result)
        line = failed_lines(result.stdout)[str(path)]
        assert "ends early, after 2 records" in line and "cut or damaged" in line, line
        assert "3 sources: 2 loaded, 1 failed" in result.stdout
        assert sorted(rows(db, "SELECT url FROM articles")) == [(urls[0],), (urls[1],)]


def test_an_empty_warc_gz_and_one_without_html_are_failures_not_success(tmp_path):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    images = tmp_path / "images.warc.gz"
    with open(images, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://news.example/photo.jpg", b"\xff\xd8\xff", headers=[("Content-Type", "image/jpeg")])
        response(writer, "https://news.example/gone", b"gone", status="404 Not Found")
    db = tmp_path / "w.duckdb"
    result = pipeline("ingest", str(empty), str(images), "--db", str(db))
    assert result.returncode == 1
    assert_one_line_each(result)
    failed = failed_lines(result.stdout)
    assert "the file is empty (0 bytes)" in failed[str(empty)]
    assert "no HTML response in this WARC file" in failed[str(images)]
    assert "2 sources: 0 loaded, 2 failed" in result.stdout
    assert rows(db, "SELECT status FROM ingest_runs") == [("failed",)]


def test_reparse_skips_a_corrupt_archive_file_and_reparses_the_others(tmp_path):
    db = tmp_path / "w.duckdb"
    archive = tmp_path / "archive"
    archive.mkdir()
    warc(archive / "a.warc.gz", {"https://news.example/a": page("Archived A")})
    broken = archive / "b.warc.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8)  # a gzip header, then garbage
    warc(archive / "c.warc.gz", {"https://news.example/c": page("Archived C")})
    for _ in range(2):  # the broken file does not break later runs either
        result = pipeline("reparse", "--since", "2024-01-01", "--db", str(db))
        assert result.returncode == 1, result.stdout + result.stderr
        assert_one_line_each(result)
        assert list(failed_lines(result.stdout)) == [str(broken)]
        assert "3 sources: 2 loaded, 1 failed" in result.stdout
    assert sorted(rows(db, "SELECT title FROM articles")) == [("Archived A",), ("Archived C",)]
    assert rows(db, "SELECT status FROM ingest_runs") == [("partial",), ("partial",)]
    assert broken.exists()  # reported, never deleted


def test_reparse_reads_records_as_large_as_a_source_of_the_list_may_fetch(tmp_path):
    """A source allowed pages past the run's cap (a `max_bytes` column) archived them: re-parsing reads them too."""
    db = tmp_path / "w.duckdb"
    (tmp_path / "archive").mkdir()
    big = page("A big live blog").replace(b"</article>", b"<p>" + b"More news. " * 150_000 + b"</p></article>")
    assert CAP < len(big) < 2 * CAP
    warc(tmp_path / "archive" / "a.warc.gz", {"https://news.example/live": big})
    sources = tmp_path / "sources.csv"
    sources.write_text(f"name,kind,location,max_bytes\nbig-live,liveblog,https://news.example/live,{2 * CAP}\n")

    result = pipeline("reparse", "--since", "2024-01-01", "--db", str(db), env=SMALL_CAP)
    assert result.returncode == 1  # with the run's cap alone the record is too large
    assert "larger than max_bytes" in result.stdout
    result = pipeline("reparse", "--since", "2024-01-01", "--db", str(db),
                      env={**SMALL_CAP, "THREADLINE_SOURCES": str(sources)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows(db, "SELECT title FROM articles") == [("A big live blog",)]


def test_reparse_of_an_empty_range_or_no_archive_says_so_and_exits_0(tmp_path):
    db = tmp_path / "w.duckdb"
    result = pipeline("reparse", "--since", "2024-01-01", "--db", str(db))  # no archive folder yet
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no archived responses fetched in that range" in result.stdout and "Traceback" not in result.stderr
    (tmp_path / "archive").mkdir()
    warc(tmp_path / "archive" / "a.warc.gz", {"https://news.example/a": page("Archived A")})
    result = pipeline("reparse", "--since", "2025-01-01", "--db", str(db))  # the one response is older
    assert result.returncode == 0
    assert "no archived responses fetched in that range" in result.stdout


def test_the_dags_reparse_stage_reports_a_corrupt_archive_file_and_stages_the_others(tmp_path):
    """Mode reparse in Airflow: the same archive reads as `pipeline reparse`, through the stage functions."""
    from pipeline.stages.entries import ArchiveEntry
    from pipeline.stages.staging import load_staged, stage_sources

    db = str(tmp_path / "w.duckdb")
    archive = tmp_path / "archive"
    archive.mkdir()
    warc(archive / "a.warc.gz", {"https://news.example/a": page("Archived A")})
    (archive / "b.warc.gz").write_bytes(b"not a warc at all")
    entry = ArchiveEntry(str(archive), since=datetime(2024, 1, 1, tzinfo=timezone.utc))
    staged = stage_sources([entry], tmp_path / "staging" / "batch-0000", db)
    assert staged["sources_ok"] == 1
    assert staged["failed"] == [f"FAILED {archive / 'b.warc.gz'}: read: not a WARC file: it does not start with a "
                                f"WARC/1.0 or 1.1 record"]
    assert load_staged(db, [staged["folder"]], command="airflow")["status"] == "partial"
    assert rows(db, "SELECT title FROM articles") == [("Archived A",)]
