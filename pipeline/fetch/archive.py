"""The raw archive: every HTTP response we read, kept as WARC (ISO 28500) records with warcio, and read back.

Writing: per exchange a `request` record (as sent), a `response` record (status, headers, the body as read) and a
`metadata` record (our fetch facts as JSON, `WARC-Refers-To` the response). An unchanged body is written as a
`revisit` record (profile identical-payload-digest) instead of a second copy. Bodies are stored decoded from their
transfer/content encoding (we decompress while streaming, to count and cap the real size), so the original
`Content-Encoding`, `Transfer-Encoding` and `Content-Length` headers are kept renamed `X-Archive-Orig-…`, the
convention web archives use. A body cut at the size cap carries `WARC-Truncated: length`.

Files: `<folder>/<prefix>-<UTC start>-<pid>-<n>.warc.gz`, one gzip member per record (so any record can be read
from its offset), rotated at 1 GiB like Common Crawl News.

Reading: `iter_warc_documents` yields a `Document` per successful HTML response in any WARC/1.0 or 1.1 file
(ours, Common Crawl News, Webrecorder), with `fetched_at` = WARC-Date and `source` = `<path>#<offset>`.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.fetch.decode import decode_body
from pipeline.model import Document

# 1 GiB per file, Common Crawl News' rotation size: few enough files for a long run, small enough to copy.
MAX_FILE_BYTES = 1024 * 1024 * 1024
_RENAMED = {"content-encoding", "transfer-encoding", "content-length"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date: UTC, microseconds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_warc_date(text: str) -> datetime:
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(timezone.utc)


def payload_digest(body: bytes) -> str:
    """`sha1:<base32>`, the WARC payload digest form."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


class WarcArchive:
    """Appends exchanges to `.warc.gz` files under `folder`; thread-safe; returns (path, offset) of each response."""

    def __init__(self, folder: str | os.PathLike, prefix: str = "threadline", max_file_bytes: int = MAX_FILE_BYTES) -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self._lock = threading.RLock()
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._count = 0

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self._count += 1
        self._path = self.folder / f"{self.prefix}-{stamp}-{os.getpid()}-{self._count:05d}.warc.gz"
        self._fh = open(self._path, "ab")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(self._path.name, {
            "software": "Threadline fetcher (pipeline.fetch) with warcio",
            "format": "WARC File Format 1.1",
            "description": "Responses as read by Threadline; bodies decoded from Content-Encoding",
        })
        self._writer.write_record(info)

    def _ready(self) -> WARCWriter:
        if self._fh is not None and self._fh.tell() >= self.max_file_bytes:
            self.close()
        if self._fh is None:
            self._open()
        assert self._writer is not None
        return self._writer

    def write_exchange(
        self,
        *,
        url: str,
        fetched_at: datetime,
        request_line: str,
        request_headers: list[tuple[str, str]],
        status_line: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        truncated: bool,
        facts: dict,
        revisit: bool = False,
    ) -> tuple[str, int]:
        """Write request, response (or revisit) and metadata records; return (file path, response offset)."""
        date = warc_date(fetched_at)
        headers = [(f"X-Archive-Orig-{k}" if k.lower() in _RENAMED else k, v) for k, v in response_headers]
        if not revisit:
            headers.append(("Content-Length", str(len(body))))
        with self._lock:
            writer = self._ready()
            assert self._fh is not None and self._path is not None
            http_response = StatusAndHeaders(status_line, headers, protocol="HTTP/1.1")
            if revisit:
                response = writer.create_warc_record(url, "revisit", http_headers=http_response,
                                                     warc_headers_dict={"WARC-Date": date})
                response.rec_headers.add_header("WARC-Profile", writer.REVISIT_PROFILE_1_1)
                response.rec_headers.add_header("WARC-Refers-To-Target-URI", url)
                response.rec_headers.add_header("WARC-Payload-Digest", payload_digest(body))
            else:
                warc_headers = {"WARC-Date": date}
                if truncated:
                    warc_headers["WARC-Truncated"] = "length"
                response = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                     http_headers=http_response, warc_headers_dict=warc_headers)
            response_id = response.rec_headers.get_header("WARC-Record-ID")
            request = writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), length=0,
                http_headers=StatusAndHeaders(request_line, request_headers, is_http_request=True),
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
            )
            writer.write_record(request)
            offset = self._fh.tell()
            writer.write_record(response)
            meta = json.dumps(facts, default=str, ensure_ascii=False, sort_keys=True).encode("utf-8")
            metadata = writer.create_warc_record(
                url, "metadata", payload=io.BytesIO(meta), length=len(meta), warc_content_type="application/json",
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": response_id},
            )
            writer.write_record(metadata)
            self._fh.flush()
            return str(self._path), offset

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
            self._fh = self._writer = None


@dataclass(slots=True)
class ArchivedResponse:
    """One response record as read from a WARC file."""

    path: str
    offset: int
    url: str
    date: datetime
    status: int
    content_type: str | None
    body: bytes
    truncated: bool
    record_id: str | None = None  # WARC-Record-ID


def warc_files(location: str | os.PathLike) -> list[Path]:
    """The WARC files at a path: the file itself, or every `.warc`/`.warc.gz` below a folder, in name order."""
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.name.endswith((".warc", ".warc.gz")) and p.is_file())
    return [path]


def iter_responses(path: str | os.PathLike) -> Iterator[ArchivedResponse]:
    """Every `response` record of one WARC file (gzip or not), body de-chunked and decompressed."""
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            try:
                status = int(record.http_headers.get_statuscode() or 0)
            except ValueError:
                status = 0
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read()
            yield ArchivedResponse(
                path=str(path),
                offset=records.get_record_offset(),
                url=url.strip("<>"),
                date=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
                status=status,
                content_type=record.http_headers.get_header("Content-Type"),
                body=body,
                truncated=bool(record.rec_headers.get_header("WARC-Truncated")),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
            )


def responses_of_sources(path: str | os.PathLike, source_names: frozenset[str]) -> set[str]:
    """Record ids of the responses our metadata records attribute to one of `source_names` (our archives only)."""
    ids: set[str] = set()
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "metadata":
                continue
            refers_to = record.rec_headers.get_header("WARC-Refers-To")
            try:
                facts = json.loads(record.content_stream().read())
            except ValueError:
                continue
            if refers_to and isinstance(facts, dict) and facts.get("source_name") in source_names:
                ids.add(refers_to)
    return ids


def _host_matches(url: str, hosts: frozenset[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def iter_warc_documents(
    locations: str | os.PathLike | Iterable[str | os.PathLike],
    since: datetime | None = None,
    until: datetime | None = None,
    hosts: Iterable[str] | None = None,
    source_names: Iterable[str] | None = None,
) -> Iterator[Document]:
    """HTML documents from WARC files, fetched in [since, until) and, when `hosts` is given, from those hosts
    (a host matches itself and its subdomains); `source_names` keeps only responses our own metadata records
    attribute to those sources (files without our metadata then yield nothing). Only 2xx responses with an HTML
    type (or none) and an untruncated body are yielded. `source` is `<path>#<offset>`, `fetched_at` the WARC-Date."""
    if isinstance(locations, (str, os.PathLike)):
        locations = [locations]
    wanted = frozenset(h.lower().removeprefix("www.") for h in hosts) if hosts else None
    names = frozenset(source_names) if source_names is not None else None
    for location in locations:
        for path in warc_files(location):
            of_sources = responses_of_sources(path, names) if names is not None else None
            for resp in iter_responses(path):
                if not 200 <= resp.status < 300 or resp.truncated:
                    continue
                if of_sources is not None and resp.record_id not in of_sources:
                    continue
                if since is not None and resp.date < since or until is not None and resp.date >= until:
                    continue
                if wanted is not None and not _host_matches(resp.url, wanted):
                    continue
                mime, charset = split_content_type(resp.content_type)
                if mime and mime not in _HTML_TYPES:
                    continue
                decoded = decode_body(resp.body, charset)
                yield Document(source=f"{resp.path}#{resp.offset}", content=decoded.text, kind="html",
                               url=resp.url or None, fetched_at=resp.date, charset_guessed=decoded.guessed)


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(`type/subtype` lower-case, charset) from a Content-Type header value."""
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    mime = parts[0].lower() or None
    charset = None
    for part in parts[1:]:
        name, _, val = part.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return mime, charset
