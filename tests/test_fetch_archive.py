"""WARC: what the fetcher writes reads back byte for byte; foreign WARC files read with date and host filters."""
from __future__ import annotations

import gzip
import io
import json
from datetime import datetime, timedelta, timezone

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.fetch import Fetcher, WarcArchive, iter_responses, iter_warc_documents
from tests.fetch_support import Reply

PAGE = "<html><head><title>Ü</title></head><body><p>Grüße aus Köln</p></body></html>".encode("utf-8")


def test_fetched_pages_are_archived_and_read_back(server, settings, tmp_path):
    server.route("/a", Reply(body=PAGE))
    server.route("/b", Reply(body=gzip.compress(PAGE + b"<!-- b -->"), headers={"Content-Encoding": "gzip"}))
    server.route("/gone", Reply(404, b"gone"))
    with Fetcher(settings, archive=WarcArchive(tmp_path / "warc")) as fetcher:
        a = fetcher.fetch(server.url("/a"), source_name="test-source")
        b = fetcher.fetch(server.url("/b"))
        gone = fetcher.fetch(server.url("/gone"))
    ra, rb = a.records[0], b.records[0]
    assert ra.archive_path == rb.archive_path and ra.archive_path.endswith(".warc.gz")
    assert ra.archive_offset < rb.archive_offset and gone.records[0].archive_offset > rb.archive_offset

    responses = list(iter_responses(ra.archive_path))
    assert [(r.url, r.status, r.offset) for r in responses] == [
        (server.url("/a"), 200, ra.archive_offset), (server.url("/b"), 200, rb.archive_offset),
        (server.url("/gone"), 404, gone.records[0].archive_offset)]
    assert responses[0].body == PAGE and responses[1].body == PAGE + b"<!-- b -->"  # stored decompressed
    assert responses[0].date == ra.fetched_at  # WARC/1.1 keeps microseconds

    assert [d.url for d in iter_warc_documents(tmp_path / "warc", source_names=["test-source"])] == [server.url("/a")]
    docs = list(iter_warc_documents(tmp_path / "warc"))
    assert [d.url for d in docs] == [server.url("/a"), server.url("/b")]  # the 404 is not a document
    assert docs[0].source == f"{ra.archive_path}#{ra.archive_offset}"
    assert docs[0].fetched_at == ra.fetched_at and "Grüße aus Köln" in docs[0].content

    # every exchange has a request record and a metadata record with our facts
    with open(ra.archive_path, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh)]
    kinds = [k for k, _, _ in records]
    assert kinds[0] == "warcinfo" and kinds[1:4] == ["request", "response", "metadata"]
    facts = json.loads(records[3][2])
    assert facts["source_name"] == "test-source" and facts["http_status"] == 200
    assert facts["content_hash"] == ra.content_hash


def test_unchanged_body_is_archived_as_revisit(server, settings, tmp_path):
    server.route("/live", Reply(body=PAGE))
    with Fetcher(settings, archive=WarcArchive(tmp_path)) as fetcher:
        first = fetcher.fetch(server.url("/live"))
        second = fetcher.fetch(server.url("/live"), validators=first.validators)
    assert second.outcome == "unchanged"
    with open(second.records[0].archive_path, "rb") as fh:
        fh.seek(second.records[0].archive_offset)
        record = next(iter(ArchiveIterator(fh)))
    assert record.rec_type == "revisit"
    assert record.rec_headers.get_header("WARC-Profile").endswith("identical-payload-digest")
    assert len(list(iter_warc_documents(tmp_path))) == 1  # the revisit is no second document


def _write(writer: WARCWriter, url: str, date: str, body: bytes, status: str = "200 OK",
           content_type: str = "text/html; charset=utf-8") -> None:
    """A request/response pair as Common Crawl News writes them."""
    request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                        http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")],
                                                                      is_http_request=True),
                                        warc_headers_dict={"WARC-Date": date})
    writer.write_record(request)
    headers = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                  http_headers=headers, warc_headers_dict={"WARC-Date": date}))


def _cc_news_like(path, gz: bool = True) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _write(writer, "https://www.example-news.com/2024/a.html", "2024-08-05T10:00:00Z", b"<html><p>A</p></html>")
        _write(writer, "https://live.example-news.com/b", "2024-08-05T23:59:59Z", b"<html><p>B</p></html>")
        _write(writer, "https://other.org/c", "2024-08-05T12:00:00Z", b"<html><p>C</p></html>")
        _write(writer, "https://www.example-news.com/d", "2024-08-06T00:00:00Z", b"<html><p>D</p></html>")
        _write(writer, "https://www.example-news.com/e", "2024-08-05T11:00:00Z", b"nope", status="404 Not Found")
        _write(writer, "https://www.example-news.com/f.jpg", "2024-08-05T11:00:00Z", b"\xff\xd8", content_type="image/jpeg")
        _write(writer, "https://www.example-news.com/g", "2024-08-05T11:30:00Z",
               "<html><meta charset='windows-1256'><p>السلام عليكم ورحمة الله</p></html>".encode("windows-1256"),
               content_type="text/html")


def test_foreign_warc_gz_with_several_responses_filtered_by_date_and_host(tmp_path):
    path = tmp_path / "CC-NEWS-20240805000000-00001.warc.gz"
    _cc_news_like(path)
    day = datetime(2024, 8, 5, tzinfo=timezone.utc)
    docs = list(iter_warc_documents(path, since=day, until=day + timedelta(days=1), hosts=["example-news.com"]))
    assert [d.url for d in docs] == ["https://www.example-news.com/2024/a.html", "https://live.example-news.com/b",
                                     "https://www.example-news.com/g"]
    assert docs[0].fetched_at == datetime(2024, 8, 5, 10, tzinfo=timezone.utc)
    assert all(d.source.startswith(f"{path}#") for d in docs)
    assert "السلام" in docs[2].content
    # the offset in `source` points at the record itself
    offset = int(docs[1].source.rsplit("#", 1)[1])
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
    assert record.rec_headers.get_header("WARC-Target-URI") == "https://live.example-news.com/b"
    assert len(list(iter_warc_documents(path))) == 5  # no filter: every 2xx HTML response


def test_uncompressed_warc_reads_too(tmp_path):
    path = tmp_path / "plain.warc"
    _cc_news_like(path, gz=False)
    assert len(list(iter_warc_documents(path, hosts=["other.org"]))) == 1
