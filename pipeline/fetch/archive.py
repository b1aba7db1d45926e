"""The raw archive: every HTTP response we read, kept as WARC (ISO 28500) records with warcio, and read back.

Writing: per exchange a `request` record (as sent), a `response` record (status, headers, the body as read) and a
`metadata` record (our fetch facts as JSON, `WARC-Refers-To` the response). An unchanged body is written as a
`revisit` record (profile identical-payload-digest) instead of a second copy. Bodies are stored decoded from their
transfer/content encoding (we decompress while streaming, to count and cap the real size), so the original
`Content-Encoding`, `Transfer-Encoding` and `Content-Length` headers are kept renamed `X-Archive-Orig-…`, the
convention web archives use. A body cut at the size cap carries `WARC-Truncated: length`.

Files: `<folder>/<prefix>-<UTC start>-<pid>-<n>.warc.gz` (`FILE_NAME`), the start being the fetch time of the file's
first response, one gzip member per record (so any record can be read from its offset), rotated at 1 GiB like Common
Crawl News. A file is created new (never appended to) and locked (`flock`) while it is written, so retention
(pipeline/fetch/retention.py) can tell the files in use from the closed ones.

Reading: `iter_warc_documents` yields a `Document` per successful HTML response in any WARC/1.0 or 1.1 file
(ours, Common Crawl News, Webrecorder), with `fetched_at` = WARC-Date and `source` = `<path>#<offset>`. A WARC file
is outside input: each record's headers and payload are bounded (a payload past `max_bytes` is never inflated
further), and what cannot be read (not a WARC, a file that ends early, a bad record) is a `WarcProblem` in the
stream, so one bad file or record does not stop the others.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import fcntl
import os
import re
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import BUFF_SIZE
from warcio.warcwriter import WARCWriter

from pipeline.fetch.local import too_large_cause
from pipeline.fetch.decode import decode_body
from pipeline.fetch.fetch_settings import settings_from_environment
from pipeline.model import Document, Outcome

# 1 GiB per file, Common Crawl News' rotation size: few enough files for a long run, small enough to copy.
MAX_FILE_BYTES = 1024 * 1024 * 1024
# The names WarcArchive gives its files (default prefix): retention prunes files of this name only.
FILE_NAME = re.compile(r"threadline-(?P<stamp>\d{14})-(?P<pid>\d+)-(?P<n>\d{5,})\.warc\.gz")
_RENAMED = {"content-encoding", "transfer-encoding", "content-length"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
T = TypeVar("T")


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date: UTC, microseconds."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_warc_date(text: str) -> datetime:
    """A WARC-Date as a UTC time (WARC dates are UTC; one written without a zone is read as UTC)."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


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

    def _open(self, start: datetime) -> None:
        """A new file named after `start` (the first response's fetch time), locked while this archive writes it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = start.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            self._count += 1
            self._path = self.folder / f"{self.prefix}-{stamp}-{os.getpid()}-{self._count:05d}.warc.gz"
            try:
                self._fh = open(self._path, "xb")  # never another writer's file
                break
            except FileExistsError:
                continue
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(self._path.name, {
            "software": "Threadline fetcher (pipeline.fetch) with warcio",
            "format": "WARC File Format 1.1",
            "description": "Responses as read by Threadline; bodies decoded from Content-Encoding",
        })
        self._writer.write_record(info)

    def _ready(self, start: datetime) -> WARCWriter:
        if self._fh is not None and self._fh.tell() >= self.max_file_bytes:
            self.close()
        if self._fh is None:
            self._open(start)
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
            writer = self._ready(fetched_at)
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
class WarcProblem:
    """A WARC file, or one record of it, that could not be read: where (offset None for the whole file) and why."""

    path: str
    offset: int | None
    cause: str
    outcome: Outcome = Outcome.ERROR  # or TOO_LARGE, as fetch_log says it

    @property
    def source(self) -> str:
        """`<path>#<offset>` for a record, the path for the whole file."""
        return self.path if self.offset is None else f"{self.path}#{self.offset}"


@dataclass(slots=True)
class ArchivedResponse:
    """One response record as read from a WARC file."""

    path: str
    offset: int
    url: str
    date: datetime | None  # None when the WARC-Date cannot be read (then `problem` says so)
    status: int
    content_type: str | None
    body: bytes  # empty when there is a `problem`
    truncated: bool  # WARC-Truncated: the body was cut when it was archived
    record_id: str | None = None  # WARC-Record-ID
    problem: WarcProblem | None = None  # why it cannot be used: a bad WARC-Date, a body past max_bytes or damaged


# The WARC and HTTP header lines of one record (and the blank lines before it) past this are not headers but a trap (a
# line that never ends, endless lines): 1 MiB, where real records carry a few KB (long Set-Cookie and CSP included).
MAX_HEADER_BYTES = 1024 * 1024


class _Damaged(Exception):
    """The file cannot be read on from here."""


class _NotWarc(Exception):
    """What warcio read is not a WARC record (a line of five words passes for an ARC header)."""


class _BoundedReader(DecompressingBufferedReader):
    """warcio's reader, with a record's header lines bounded (`header_budget` bytes, while it is set) and damaged gzip
    data an error rather than a note on stderr."""

    header_budget: int | None = None

    def readline(self, length=None):
        if self.header_budget is None:
            return super().readline(length)
        limit = self.header_budget + 1
        line = super().readline(limit if length is None else min(length, limit))
        self.header_budget -= len(line)
        if self.header_budget < 0:
            raise _Damaged(f"a record's headers, with the blank lines before them, run past {MAX_HEADER_BYTES:,} bytes")
        return line

    def _decompress(self, data):
        if self.decompressor is not None and data and self.num_block_read:
            try:
                return self.decompressor.decompress(data)
            except zlib.error as exc:
                raise _Damaged(f"damaged gzip data: {exc}") from None
        return super()._decompress(data)  # the first block: gzip or not (then the file is read uncompressed)


class _Records(ArchiveIterator):
    INC_RECORD = ""  # a record whose length is wrong shows as a damaged file, not as a note on stderr

    def __init__(self, fileobj) -> None:
        super().__init__(fileobj)
        self.reader = _BoundedReader(self.fh, block_size=BUFF_SIZE)


def _each_record(path: str, read: Callable[[ArcWarcRecord, int], T | None]) -> Iterator[T | WarcProblem]:
    """`read(record, offset)` of every record of one WARC file, each record's headers bounded; what cannot be read
    is a `WarcProblem` and ends the file: not a WARC file, or one that ends early (cut, or damaged) after N records,
    whose records before the break are kept. `read` must not read a payload whole (see `_payload`)."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield WarcProblem(path, None, f"cannot read the file: {exc.strerror or exc}")
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            yield WarcProblem(path, None, "the file is empty (0 bytes): no WARC records in it")
            return
        records = _Records(fh)
        reader, each = records.reader, iter(records)  # warcio drops its reader at the end
        reader.header_budget = MAX_HEADER_BYTES
        count = end = 0
        while True:
            try:
                record = next(each, None)
                reader.header_budget = None  # a payload is bounded by `read`
                if record is None:
                    break
                if record.format != "warc":
                    raise _NotWarc
                if getattr(record.raw_stream, "limit", None) is None:  # it would run on to the end of the file
                    raise _Damaged(f"the record at byte {records.offset:,} has no Content-Length")
                item = read(record, records.offset)
                reader.header_budget = MAX_HEADER_BYTES  # for the blank lines after it, then the next headers
                records.read_to_end()
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise _Damaged("a record is cut short")
            except Exception as exc:  # warcio's errors are of many kinds; any one ends the file here
                yield _broken(path, count, end, size, exc)
                return
            count += 1
            end = records.get_record_offset() + records.get_record_length()
            if item is not None:
                yield item
        if _more_after(fh, end):
            yield _broken(path, count, end, size, None)


def _broken(path: str, count: int, end: int, size: int, exc: Exception | None) -> WarcProblem:
    if count == 0 and not isinstance(exc, _Damaged):
        return WarcProblem(path, None, "not a WARC file: it does not start with a WARC/1.0 or 1.1 record")
    why = f" ({exc})" if isinstance(exc, _Damaged) else ""
    return WarcProblem(path, None, f"the file is cut or damaged at byte {end:,} of {size:,}{why}: it ends early, "
                                   f"after {count} records; the rest of the file is skipped")


def _more_after(fh, end: int) -> bool:
    """Whether anything but blank lines follows the last record read (what warcio stops at without a word)."""
    fh.seek(end)
    while chunk := fh.read(BUFF_SIZE):
        if chunk.strip():
            return True
    return False


class _PayloadDamaged(Exception):
    """A payload whose Content-Encoding cannot be undone: the record's problem; the file reads on."""


class _NotCompressed(Exception):
    """The payload's first bytes do not inflate as raw deflate: it is not compressed, whatever its header says."""


def _window_bits(encoding: str, first: bytes) -> int | None:
    """How zlib inflates a payload with this Content-Encoding that starts with `first`, or None to keep it as it is:
    an encoding we do not undo (kept as archived, as warcio does), or a body whose header says gzip or deflate but
    whose bytes are plainly not (servers do send that)."""
    if encoding in ("gzip", "x-gzip"):
        return 16 + zlib.MAX_WBITS if first[:2] == b"\x1f\x8b" else None
    if encoding == "deflate":  # zlib-wrapped as the RFC says, or raw as some servers send it
        zlib_header = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
    return None


def _payload(record: ArcWarcRecord, max_bytes: int) -> bytes | None:
    """A record's payload, de-chunked and decompressed, or None when it is larger than `max_bytes`: at most
    `max_bytes + 1` bytes are ever inflated, and a raw payload past twice the cap is not read at all (warcio reads a
    chunk whole, so this bounds that too). Raises _PayloadDamaged when its gzip/deflate data is damaged or cut."""
    raw = record.raw_stream
    if raw.limit > 2 * max_bytes:
        return None
    headers = record.http_headers
    chunked = headers is not None and (headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    stream = ChunkedDataReader(raw) if chunked else raw  # a body that is not chunked after all is read as it is
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower() if headers is not None else ""
    first = stream.read(BUFF_SIZE)
    wbits = _window_bits(encoding, first)
    if wbits is not None:
        try:
            return _inflate(first, stream, wbits, max_bytes)
        except _NotCompressed:
            pass
    body = first + stream.read(max(0, max_bytes + 1 - len(first)))
    return None if len(body) > max_bytes else body


def _inflate(first: bytes, stream, wbits: int, max_bytes: int) -> bytes | None:
    inflater, body, data, calls = zlib.decompressobj(wbits), bytearray(), first, 0
    while data and len(body) <= max_bytes and not inflater.eof:
        try:
            body += inflater.decompress(data, max_bytes + 1 - len(body))  # never more than the cap + 1
        except zlib.error as exc:
            if calls == 0 and wbits < 0:
                raise _NotCompressed from None
            raise _PayloadDamaged(f"its compressed body is damaged ({exc})") from None
        calls += 1
        data = stream.read(BUFF_SIZE)
    if len(body) > max_bytes:
        return None
    if not inflater.eof and calls:
        raise _PayloadDamaged("its compressed body ends early")
    return bytes(body)


def _cap(max_bytes: int | None) -> int:
    """The payload cap: as given, else the fetcher's `max_bytes` (THREADLINE_FETCH_MAX_BYTES or its default)."""
    return settings_from_environment().max_bytes if max_bytes is None else max_bytes


def warc_files(location: str | os.PathLike) -> list[Path]:
    """The WARC files at a path: the file itself, or every `.warc`/`.warc.gz` below a folder, in name order
    (none when nothing is there)."""
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.name.endswith((".warc", ".warc.gz")) and p.is_file())
    return [path] if path.exists() else []


def iter_responses(path: str | os.PathLike, *,
                   max_bytes: int | None = None) -> Iterator[ArchivedResponse | WarcProblem]:
    """Every `response` record of one WARC file (gzip or not), body de-chunked and decompressed, or a problem of the
    file (not a WARC, empty, ending early). A record with a bad WARC-Date, a body larger than `max_bytes` (default:
    the fetcher's) or one whose compression is damaged comes with a `problem` (and no date or an empty body), so that
    a reader reports it only when the record is one it wants."""
    yield from _each_record(str(path), _response_reader(str(path), _cap(max_bytes)))


def response_at(path: str | os.PathLike, offset: int, *,
                max_bytes: int | None = None) -> ArchivedResponse | WarcProblem:
    """The `response` record at `offset` of a WARC file (as `fetch_log.archive_offset` names it), read like
    `iter_responses` reads it; a problem when there is none there (a moved or cut file, another record type)."""
    read = _response_reader(str(path), _cap(max_bytes))
    try:
        fh = open(path, "rb")
    except OSError as exc:
        return WarcProblem(str(path), offset, f"cannot read the file: {exc.strerror or exc}")
    with fh:
        try:
            fh.seek(offset)
            records = _Records(fh)
            records.reader.header_budget = MAX_HEADER_BYTES
            record = next(iter(records), None)
            records.reader.header_budget = None
            if record is None or record.format != "warc":
                raise _NotWarc
            item = read(record, offset)
        except Exception as exc:  # warcio's errors are of many kinds: any one means no record here
            return WarcProblem(str(path), offset, f"no readable WARC record at byte {offset:,} ({type(exc).__name__})")
    if item is None:
        return WarcProblem(str(path), offset, f"the record at byte {offset:,} is not a response")
    return item


def _response_reader(path: str, cap: int) -> Callable[[ArcWarcRecord, int], ArchivedResponse | WarcProblem | None]:
    """What `iter_responses` and `response_at` make of a record: a response, or None for any other record."""

    def read(record: ArcWarcRecord, offset: int) -> ArchivedResponse | WarcProblem | None:
        if record.rec_type != "response" or record.http_headers is None:
            return None
        date_text = record.rec_headers.get_header("WARC-Date")
        try:
            date, bad_date = parse_warc_date(date_text), None
        except (ValueError, TypeError, AttributeError):
            given = "none" if date_text is None else repr(date_text[:40])
            date, bad_date = None, WarcProblem(path, offset,
                                               f"bad WARC-Date {given} (not an ISO 8601 time); record skipped")
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        try:
            body = _payload(record, cap)
            problem = None if body is not None else WarcProblem(
                path, offset, too_large_cause("the record's payload, decompressed,", cap), outcome=Outcome.TOO_LARGE)
        except _PayloadDamaged as exc:
            body, problem = None, WarcProblem(path, offset, f"the record's payload cannot be read: {exc}; "
                                                            f"record skipped")
        problem = bad_date or problem
        return ArchivedResponse(
            path=path,
            offset=offset,
            url=url.strip("<>"),
            date=date,
            status=status,
            content_type=record.http_headers.get_header("Content-Type"),
            body=body or b"",
            truncated=bool(record.rec_headers.get_header("WARC-Truncated")),
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            problem=problem,
        )

    return read


# Our metadata records are a few hundred bytes of JSON; one past this is not ours.
_MAX_METADATA_BYTES = 1024 * 1024


def responses_of_sources(path: str | os.PathLike, source_names: frozenset[str]) -> set[str]:
    """Record ids of the responses our metadata records attribute to one of `source_names` (our archives only).
    A file that cannot be read gives what was read before the break (iter_responses reports the break)."""

    def read(record: ArcWarcRecord, offset: int) -> str | None:
        if record.rec_type != "metadata":
            return None
        try:
            payload = _payload(record, _MAX_METADATA_BYTES)
            facts = json.loads(payload) if payload is not None else None
        except (_PayloadDamaged, ValueError):
            return None
        refers_to = record.rec_headers.get_header("WARC-Refers-To")
        if refers_to and isinstance(facts, dict) and facts.get("source_name") in source_names:
            return refers_to
        return None

    return {item for item in _each_record(str(path), read) if isinstance(item, str)}


@dataclass(slots=True)
class WarcSummary:
    """What one of our WARC files holds: its responses (and revisits) and the first and last of their fetch times."""

    records: int
    first_fetched_at: datetime | None
    last_fetched_at: datetime | None


_WARCINFO_SOFTWARE = "Threadline fetcher"


def summarize_ours(path: str | os.PathLike, *, whole: bool = True) -> WarcSummary | None:
    """A summary of a WARC file WarcArchive wrote, or None when it did not write it: its first record must be our
    `warcinfo`, naming this very file. Reads the file to its end (or its first break) without keeping payloads; with
    `whole=False` only that first record (the summary then counts nothing)."""
    name = Path(path).name

    def read(record: ArcWarcRecord, offset: int):
        if record.rec_type == "warcinfo" and offset == 0:
            try:
                info = _payload(record, _MAX_METADATA_BYTES) or b""
            except _PayloadDamaged:
                info = b""
            return ("ours", record.rec_headers.get_header("WARC-Filename") == name
                    and _WARCINFO_SOFTWARE.encode() in info)
        if record.rec_type in ("response", "revisit"):
            try:
                return ("date", parse_warc_date(record.rec_headers.get_header("WARC-Date") or ""))
            except ValueError:
                return ("date", None)
        return None

    dates: list[datetime] = []
    count, ours = 0, False
    for item in _each_record(str(path), read):
        if not ours:  # the first thing read must be our warcinfo (not a problem, not a response)
            if isinstance(item, WarcProblem) or item != ("ours", True):
                return None
            ours = True
            if not whole:
                break
            continue
        if isinstance(item, WarcProblem):
            break  # cut short (a writer killed): what was read before the break counts
        if item[0] == "date":
            count += 1
            if item[1] is not None:
                dates.append(item[1])
    if not ours:
        return None
    return WarcSummary(count, min(dates, default=None), max(dates, default=None))


def _host_matches(url: str, hosts: frozenset[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def iter_warc_documents(
    locations: str | os.PathLike | Iterable[str | os.PathLike],
    since: datetime | None = None,
    until: datetime | None = None,
    hosts: Iterable[str] | None = None,
    source_names: Iterable[str] | None = None,
    max_bytes: int | None = None,
) -> Iterator[Document | WarcProblem]:
    """HTML documents from WARC files, fetched in [since, until) and, when `hosts` is given, from those hosts
    (a host matches itself and its subdomains); `source_names` keeps only responses our own metadata records
    attribute to those sources (files without our metadata then yield nothing). Only 2xx responses with an HTML
    type (or none) and an untruncated body are yielded. `source` is `<path>#<offset>`, `fetched_at` the WARC-Date.

    What cannot be read comes in order as a `WarcProblem`: a file that is not a WARC or ends early, a record with a
    bad WARC-Date, a wanted response larger than `max_bytes` (default: the fetcher's; outcome `too_large`) or whose
    compressed body is damaged."""
    if isinstance(locations, (str, os.PathLike)):
        locations = [locations]
    wanted = frozenset(h.lower().removeprefix("www.") for h in hosts) if hosts else None
    names = frozenset(source_names) if source_names is not None else None
    cap = _cap(max_bytes)
    for location in locations:
        for path in warc_files(location):
            of_sources = responses_of_sources(path, names) if names is not None else None
            for resp in iter_responses(path, max_bytes=cap):
                if isinstance(resp, WarcProblem):
                    yield resp
                    continue
                if not 200 <= resp.status < 300 or resp.truncated:
                    continue
                if of_sources is not None and resp.record_id not in of_sources:
                    continue
                if resp.date is not None and (since is not None and resp.date < since
                                              or until is not None and resp.date >= until):
                    continue  # a record whose date cannot be read is reported, whatever the range
                if wanted is not None and not _host_matches(resp.url, wanted):
                    continue
                mime, charset = split_content_type(resp.content_type)
                if mime and mime not in _HTML_TYPES:
                    continue
                if resp.problem is not None:
                    yield resp.problem
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
