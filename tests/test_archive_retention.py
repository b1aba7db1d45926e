"""Archive retention: a year of nightly runs keeps the raw archive within its limits (age and size), only the files
the fetcher wrote are ever removed (never one being written), each removal is a row of `archive_pruned`, and
`reparse` over a pruned period names the pages it could not read instead of silently reading fewer."""
from __future__ import annotations

import io
import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.batches import archive_dir, load_batches
from pipeline.fetch import WarcArchive
from pipeline.fetch.archive import summarize_ours
from pipeline.model import FetchRecord
from pipeline.runs import prune_archive
from pipeline.stage import build_batch
from pipeline.stages.discovery import discover_run_batches
from pipeline.stages.params import RunParams
from tests.commands import pipeline
from tests.warehouse_rows import rows

YEAR_START = datetime(2025, 1, 1, 2, 0, tzinfo=timezone.utc)
KEEP_DAYS = 30
LIVE = "https://news.example/live"


def page(title: str, padding: int, seed: int) -> bytes:
    """An article page with `padding` bytes of hard-to-compress filler in a comment (sizes a real page would have)."""
    filler = random.Random(seed).randbytes(padding // 2).hex()
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>What happened in {title}, told in a paragraph of the article.</p><!-- {filler} --></article>"
            f"</body></html>").encode("utf-8")


def night(archive: Path, day: datetime, stories: int, padding: int = 3000) -> list[FetchRecord]:
    """One nightly run's fetches, archived by the real writer with that night's fetch times: the live blog, then
    `stories` articles of the day; returns their fetch_log records (as the fetcher makes them)."""
    records = []
    writer = WarcArchive(archive)
    urls = [LIVE] + [f"https://news.example/{day:%Y-%m-%d}/story-{n}" for n in range(stories)]
    for n, url in enumerate(urls):
        fetched_at = day + timedelta(minutes=n)
        body = page(f"{url.rsplit('/', 2)[-2]} {n}", padding, seed=int(fetched_at.timestamp()))
        path, offset = writer.write_exchange(
            url=url, fetched_at=fetched_at, request_line="GET / HTTP/1.1", request_headers=[("Host", "news.example")],
            status_line="200 OK", response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
            truncated=False, facts={"source_name": "news", "http_status": 200})
        records.append(FetchRecord(url=url, outcome="ok", fetched_at=fetched_at, http_status=200, bytes=len(body),
                                   content_type="text/html; charset=utf-8", archive_path=path,
                                   archive_offset=offset))
    writer.close()
    return records


def ours(archive: Path, read: dict | None = None) -> dict[Path, int]:
    """The WARC files the fetcher wrote in the archive folder, oldest first, with their sizes. With `read`, a file
    already found ours (or not) is not read again while it is the same file (inode, size and mtime unchanged)."""
    def written_by_us(path: Path) -> bool:
        if read is None:
            return summarize_ours(path, whole=False) is not None
        stat = path.stat()
        key = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if key not in read:
            read[key] = summarize_ours(path, whole=False) is not None
        return read[key]

    return {path: path.stat().st_size for path in sorted(archive.iterdir())
            if path.is_file() and not path.is_symlink() and written_by_us(path)}


def foreign_warc(path: Path, when: str) -> None:
    """A WARC file someone else wrote (a crawl an analyst dropped in), with an old response."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://elsewhere.example/", "response",
                                                      payload=io.BytesIO(page("Theirs", 100, 1)), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": when}))


def user_files(tmp_path: Path, archive: Path) -> dict[Path, bytes]:
    """Files in the archive folder the pipeline did not make, all old enough to prune if they were ours."""
    archive.mkdir(parents=True)
    (archive / "notes.txt").write_text("what I keep here")
    foreign_warc(archive / "crawl.warc.gz", "2024-06-01T00:00:00Z")
    foreign_warc(archive / "threadline-20240601000000-1-00001.warc.gz", "2024-06-01T00:00:00Z")  # our name only
    elsewhere = tmp_path / "elsewhere"
    night(elsewhere, datetime(2024, 6, 2, tzinfo=timezone.utc), 1)
    target = next(elsewhere.iterdir())
    (archive / target.name).symlink_to(target)  # named and written like ours, but a link
    (archive / "mine").mkdir()
    night(archive / "mine", datetime(2024, 6, 3, tzinfo=timezone.utc), 1)  # ours, but in a folder of the user's
    return {path: path.read_bytes() for path in [*archive.rglob("*"), target] if path.is_file()}


@pytest.mark.slow  # a year of nightly runs: the slowest test `make check` ran (~100 s of its ~360 s on a loaded machine)
def test_a_year_of_nightly_runs_stays_within_the_limits_and_reparse_names_the_pruned_pages(tmp_path):
    db = str(tmp_path / "w.duckdb")
    archive = archive_dir(db)
    kept_by_user = user_files(tmp_path, archive)
    records = night(archive, YEAR_START - timedelta(days=1), 2)
    file_size = sum(ours(archive).values())
    max_bytes = 40 * file_size  # a quiet month fits; a busy one (five times the stories) does not
    read: dict = {}  # the files ours() has read: each night adds one, and only the prune step removes any
    for n in range(365):
        day = YEAR_START + timedelta(days=n)
        busy = 150 <= n < 200  # an election: five times the stories for fifty nights
        records += night(archive, day, 10 if busy else 2)
        now = day + timedelta(hours=1)  # the prune step after the night's load
        report = prune_archive(db, keep_days=KEEP_DAYS, max_bytes=max_bytes, now=now)
        assert not report.failed
        files = ours(archive, read)
        assert sum(files.values()) <= max_bytes, f"night {n}: {sum(files.values()):,} bytes kept"
        oldest, tonight = (summarize_ours(path) for path in (min(files), max(files)))  # files hold nights in order
        assert oldest.last_fetched_at >= now - timedelta(days=KEEP_DAYS), f"night {n}: a file past the limit is kept"
        assert tonight.first_fetched_at == day  # tonight's file is kept
    load_batches(db, [build_batch([], records)], command="ingest")

    pruned = rows(db, "SELECT path, first_fetched_at, last_fetched_at, records, bytes, pruned_at, reason "
                      "FROM archive_pruned ORDER BY last_fetched_at")
    remaining = ours(archive)
    assert len(pruned) + len(remaining) == 366  # every night's file: kept or recorded as pruned, none lost
    assert {reason for *_, reason in pruned} == {"age", "size"}
    for path, first, last, count, size, pruned_at, reason in pruned:
        assert not Path(path).exists() and Path(path).parent == archive.resolve()
        assert count in (3, 11) and size > 0 and first <= last < pruned_at  # one response per page of the night
        if reason == "age":
            assert last < pruned_at - timedelta(days=KEEP_DAYS)
        else:
            assert last >= pruned_at - timedelta(days=KEEP_DAYS)  # removed early because the archive was full
    assert {p: p.read_bytes() for p in kept_by_user} == kept_by_user  # nothing the pipeline did not make was touched

    # February's responses are gone: reparse names its pages instead of reading fewer, and fails (nothing re-read)
    result = pipeline("reparse", "--since", "2025-02-01", "--until", "2025-03-01", "--db", db)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("PRUNED")]
    assert len(lines) == 20  # 57 pages (28 days' two stories, the live blog), one line each up to 20
    assert lines[0].startswith("PRUNED https://news.example/2025-02-01/story-0: 1 response fetched 2025-02-01 – "
                               "2025-02-01 not re-read: their archive files were pruned on 2025-03-")
    assert "… and 37 more pages whose archived responses were pruned" in result.stdout
    assert "57 pages fetched in that range could not be re-read" in result.stdout
    result = pipeline("reparse", "--since", "2025-02-01", "--until", "2025-02-04", "--db", db)
    assert result.returncode == 1 and "7 pages fetched in that range could not be re-read" in result.stdout
    assert f"PRUNED {LIVE}: 3 responses fetched 2025-02-01 – 2025-02-03 not re-read" in result.stdout
    # the DAG's mode reparse names them too, as problems of its discovery (printed in the task's log)
    found = discover_run_batches(tmp_path / "unused.csv", RunParams((), "reparse", 1000),
                     (datetime(2025, 2, 1, tzinfo=timezone.utc), datetime(2025, 2, 4, tzinfo=timezone.utc)),
                     staging=tmp_path / "staging", db=db)
    assert f"PRUNED {LIVE}: 3 responses fetched 2025-02-01 – 2025-02-03 not re-read" in "\n".join(found["problems"])

    # a range that starts in the pruned past and ends in what is kept re-reads what it can, and names the rest
    last_day = YEAR_START + timedelta(days=364)
    since = (last_day - timedelta(days=KEEP_DAYS + 5)).strftime("%Y-%m-%d")
    result = pipeline("reparse", "--since", since, "--db", db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PRUNED https://news.example/" in result.stdout and "0 failed" in result.stdout
    reread = {title for (title,) in rows(db, "SELECT title FROM articles")}
    assert f"{last_day:%Y-%m-%d} 1" in reread and f"{last_day - timedelta(days=KEEP_DAYS + 3):%Y-%m-%d} 1" not in reread


def test_dry_run_removes_nothing_and_the_environment_sets_the_limits(tmp_path):
    db = tmp_path / "w.duckdb"
    archive = archive_dir(str(db))
    kept_by_user = user_files(tmp_path, archive)
    now = datetime.now(timezone.utc)
    for age in (100, 50, 1):
        night(archive, now - timedelta(days=age), 1)
    before = ours(archive)
    old = sorted(before)[:2]

    result = pipeline("archive", "prune", "--dry-run", "--keep-days", "30", "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith("would prune /")] == \
        [f"would prune {path.resolve()}" for path in old]
    assert "its newest response is older than 30 days" in result.stdout
    assert f"left alone {archive / 'threadline-20240601000000-1-00001.warc.gz'}: named like the archive's files " \
           f"but not written by Threadline" in result.stdout
    assert "would prune 2 files" in result.stdout
    assert ours(archive) == before and not db.exists()  # nothing removed, no warehouse opened

    result = pipeline("archive", "prune", "--db", str(db), env={"THREADLINE_ARCHIVE_KEEP_DAYS": "30"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(ours(archive)) == sorted(before)[2:]
    assert rows(db, "SELECT count(*), min(reason), max(reason) FROM archive_pruned") == [(2, "age", "age")]
    assert {p: p.read_bytes() for p in kept_by_user} == kept_by_user

    result = pipeline("archive", "prune", "--db", str(db), env={"THREADLINE_ARCHIVE_MAX_BYTES": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert ours(archive) == {} and rows(db, "SELECT reason FROM archive_pruned ORDER BY pruned_at DESC LIMIT 1") \
        == [("size",)]
    assert {p: p.read_bytes() for p in kept_by_user} == kept_by_user


def test_no_limits_keep_everything_and_a_bad_setting_is_one_line(tmp_path):
    db = tmp_path / "w.duckdb"
    archive = archive_dir(str(db))
    night(archive, datetime(2020, 1, 1, tzinfo=timezone.utc), 1)
    before = ours(archive)
    result = pipeline("archive", "prune", "--db", str(db),
                      env={"THREADLINE_ARCHIVE_KEEP_DAYS": None, "THREADLINE_ARCHIVE_MAX_BYTES": None})
    assert result.returncode == 0
    assert result.stdout.startswith("no archive retention set (THREADLINE_ARCHIVE_KEEP_DAYS, "
                                    "THREADLINE_ARCHIVE_MAX_BYTES): 1 files")
    for name, value in (("THREADLINE_ARCHIVE_KEEP_DAYS", "a month"), ("THREADLINE_ARCHIVE_MAX_BYTES", "-5")):
        result = pipeline("archive", "prune", "--db", str(db), env={name: value})
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [f"pipeline archive: {name}={value!r} is not a " +
                                                      ("number of days" if "DAYS" in name else "whole number of bytes")
                                                      + " greater than 0; unset it to keep everything"]
    result = pipeline("archive", "prune", "--keep-days", "0", "--db", str(db))
    assert result.returncode == 2 and "--keep-days: must be a number greater than 0" in result.stderr
    assert ours(archive) == before and not db.exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "archive").write_text("a file where the archive folder would be")
    result = pipeline("archive", "prune", "--keep-days", "3", "--db", str(tmp_path / "other" / "w.duckdb"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"pipeline archive prune: {tmp_path / 'other' / 'archive'}: Not a directory"


def test_the_file_being_written_is_never_pruned(tmp_path):
    db = str(tmp_path / "w.duckdb")
    archive = archive_dir(db)
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    night(archive, long_ago, 1)
    closed = os.listdir(archive)
    writing = WarcArchive(archive)
    path, _ = writing.write_exchange(
        url=LIVE, fetched_at=long_ago + timedelta(days=1), request_line="GET / HTTP/1.1", request_headers=[],
        status_line="200 OK", response_headers=[("Content-Type", "text/html")], body=page("Live", 10, 1),
        truncated=False, facts={})
    try:
        report = prune_archive(db, keep_days=1, max_bytes=1)
        assert [Path(p.path).name for p in report.removed] == closed
        assert os.listdir(archive) == [Path(path).name]
        assert [Path(p).name for p in report.plan.in_use] == [Path(path).name]
        assert Path(path).exists()
        assert any(line.startswith("still over THREADLINE_ARCHIVE_MAX_BYTES") for line in report.lines())
    finally:
        writing.close()
    assert [Path(p.path).name for p in prune_archive(db, keep_days=1, max_bytes=None).removed] == [Path(path).name]


@pytest.mark.postgres
@pytest.mark.slow
def test_on_a_lake_the_archive_in_the_data_folder_is_pruned_and_recorded(tmp_path, monkeypatch):
    from tests.lakes import fresh_lake

    monkeypatch.setenv("THREADLINE_DATA", str(tmp_path / "data"))
    with fresh_lake(tmp_path) as lake:
        archive = archive_dir(lake.db)
        assert archive == tmp_path / "data" / "archive"
        records = night(archive, datetime(2020, 1, 1, tzinfo=timezone.utc), 1)
        load_batches(lake.warehouse, [build_batch([], records)], command="ingest")
        report = prune_archive(lake.warehouse, keep_days=30, max_bytes=None)
        assert [Path(p.path).name for p in report.removed] == [Path(records[0].archive_path).name]
        assert ours(archive) == {}
        assert rows(lake.db, "SELECT records, reason FROM archive_pruned") == [(2, "age")]
        result = pipeline("reparse", "--since", "2019-12-31", "--until", "2020-01-02", "--db", lake.db,
                          "--lake-data", str(lake.data), env={"THREADLINE_DATA": str(tmp_path / "data")})
        assert result.returncode == 1, result.stdout + result.stderr
        assert "2 pages fetched in that range could not be re-read" in result.stdout
