"""Sources as the user names them (local files, folders, URLs, WARC files) → decoded documents.

Every read gives the `FetchRecord`s of what was tried; a source that cannot be read gives a `SourceError` naming
the source, the stage and the cause. URLs go through the polite fetcher (pipeline.fetch) with the validators the
warehouse keeps, and every response is archived; a WARC file yields each HTML response it holds. A local file and
each archived record are capped at the fetcher's `max_bytes` like a response, and a bad file or record is a failed
read of its own: the others are read on.

Ticker pages (pipeline/tickers.py): a fetched page's provider JSON is fetched with the page's own settings. When a
live blog answers 304 (or the same body), its ticker feeds may still have changed: the page's body that answer
confirmed — the one the validators sent came from (`FetchHistory.latest`: validators and body from one `fetch_log`
row), read back from the archive within the source's `max_bytes` — names them, they are asked conditionally, and
only when one answers something new is the page read again — the archived page with every answer, a 304'd one's body
the one its validators came from — as a read of now; else the read stays unchanged. A confirmed body the archive does
not hold is never replaced by an older one: a page is fetched again whole without validators, a feed's answer is
missing (the read incomplete). A reparse (`Read.replay`) reads the answers the page's own read came with back from
the archive (`FetchHistory.bodies_read_with`), never the network. Every attempt joins its read's records where it is
made (`Read.attach`), so that `fetch_log` has it whatever becomes of the page.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path

import lxml.etree
import lxml.html

from pipeline.fetch import (ArchivedResponse, Fetcher, FetchResult, FetchSettings, Validators, WarcArchive,
                            WarcProblem, decode_body, iter_warc_documents, LocalReadError, read_bounded, response_at)
from pipeline.fetch.archive import split_content_type
from pipeline.fetch.fetch_settings import settings_from_environment
from pipeline.model import Document, FetchRecord, Outcome, ParseResult
from pipeline.parse.liveblog.providers import PROVIDERS, provider_requests
from pipeline.tickers import MAX_BYTES, MAX_REQUESTS, feed_settings, read_tickers
from pipeline.urls import is_http

# What a local file's extension says about its content.
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "text"}
WARC_SUFFIXES = (".warc", ".warc.gz")
# How far into a file we look for binary bytes (a text or HTML file has none near its start).
_SNIFF_BYTES = 4096


class SourceError(Exception):
    """A source that could not be read: which one, at which stage, and why (a sentence a person can act on)."""

    def __init__(self, source: str, stage: str, cause: str, outcome: Outcome = Outcome.ERROR):
        super().__init__(f"{source}: {stage}: {cause}")
        self.source, self.stage, self.cause, self.outcome = source, stage, cause, outcome


@dataclass
class Read:
    """One document read from a source (or none), with the attempts behind it and, when it failed, why."""

    source: str
    document: Document | None = None
    records: list[FetchRecord] = field(default_factory=list)
    error: SourceError | None = None
    unchanged: str | None = None  # "not_modified" or "unchanged": nothing new to parse
    source_name: str | None = None  # the source list's name this read was for, when a run of the list made it
    replay: bool = False  # a reparse of the raw archive: never a complete read of a live blog (removes no entry)
    overrides: dict[str, str] | None = None  # the source's own fetch settings the page was fetched with
    answers: dict[str, FetchResult] | None = None  # ticker answers fetched before parsing (the page answered 304)

    def attach(self, records: list[FetchRecord]) -> None:
        """Attempts made for this read, each for `fetch_log`, named after the read's source (`source_name`): the one
        place a read's records are added and named."""
        for record in records:
            record.source_name = self.source_name
        self.records += records


def is_url(source: str) -> bool:
    """Whether a source the user named is a URL to fetch (else a local path)."""
    return is_http(source)


def is_warc(source: str) -> bool:
    return source.lower().endswith(WARC_SUFFIXES)




def expand(sources: list[str]) -> list[str]:
    """Folders become the supported files inside them (recursively, sorted); files and URLs stay as given. A folder
    with no supported file in it stays as it is, so that reading it says so."""
    expanded: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            inside = sorted(str(p) for p in path.rglob("*")
                            if p.is_file() and (p.suffix.lower() in FILE_KINDS or is_warc(p.name)))
            expanded += inside or [source]
        else:
            expanded.append(source)
    return list(dict.fromkeys(expanded))  # the same source named twice is read once


class SourceReader:
    """Reads sources; holds the fetcher and the archive for a run: `with SourceReader(...) as reader:`."""

    def __init__(self, *, archive_dir: Path | None = None, settings: FetchSettings | None = None,
                 validators: dict[str, Validators] | None = None, ticker_endpoints: dict[str, str] | None = None,
                 history=None, archived: dict | None = None):
        self.archive_dir = archive_dir
        self.ticker_endpoints = ticker_endpoints  # a provider's JSON endpoint by its NAME (tests: a server of ours)
        self.settings = settings
        self.validators = validators or {}
        self.history = history  # pipeline.store.FetchHistory of the run's warehouse, when there is one
        # Live blog URL → where the archive holds the body its validators stand for (pipeline.store.ArchivedBody), or
        # None when it holds none: from the same fetch_log row as `validators` (FetchHistory.latest).
        self.archived = archived or {}
        self._fetcher: Fetcher | None = None

    def __enter__(self) -> "SourceReader":
        return self

    def __exit__(self, *exc) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def read(self, source: str, *, source_name: str | None = None,
             overrides: dict[str, str] | None = None) -> Iterator[Read]:
        """The documents of one source: one for a file or URL, one per HTML response for a WARC file. A URL is
        fetched with `overrides` on the run's settings (a source's own settings) and archived under `source_name`;
        every read and its attempts are named after `source_name`."""
        if is_url(source):
            yield self._fetch(source, source_name, overrides)
            return
        reads = (_read_warc(source, self.max_bytes(overrides)) if is_warc(source) and not Path(source).is_dir()
                 else [_read_local(source, self.max_bytes(overrides))])
        for read in reads:
            records, read.records, read.source_name = read.records, [], source_name
            read.attach(records)
            yield read

    def max_bytes(self, overrides: dict[str, str] | None = None) -> int:
        """The cap on what one local file or archived record may hold: the fetcher's `max_bytes` (the run's
        settings, THREADLINE_FETCH_MAX_BYTES, or a source's own)."""
        return self._settings(overrides).max_bytes

    def _settings(self, overrides: dict[str, str] | None = None) -> FetchSettings:
        settings = self.settings or settings_from_environment()
        return settings.with_overrides(overrides) if overrides else settings

    def read_tickers(self, read: Read, result: ParseResult, zone: tzinfo | None = None) -> list[str]:
        """The ticker providers' JSON a page's embed code names (pipeline/tickers.py), its clock times read in `zone`
        (the page's). A page fetched in this run: fetched with this run's fetcher (guard, robots, politeness,
        archive) and the page's own settings, or the answers its 304 path already has (their attempts already among
        the read's records); the attempts join the read's records. A reparse: the answers its read came with, from
        the archive (never complete). A local file fetches nothing. Its entries join the page; a failed or partial
        one leaves the read incomplete (no entry counts as removed). Returns one line per problem."""
        if read.document is None:
            return []
        if read.replay:
            fetcher = _Replay(self, read)
        elif read.answers is not None:
            fetcher = _Answers(read.answers, self._fetcher.settings)
        elif self._fetcher is not None and is_url(read.source):
            fetcher = self._fetcher
        else:
            return []  # a local file fetches nothing
        settings = fetcher.settings.with_overrides(read.overrides) if read.overrides else None
        found = read_tickers(fetcher, read.document, result, zone=zone, settings=settings,
                             source_name=read.source_name, endpoints=self.ticker_endpoints)
        if read.replay:
            result.page.entries_complete = False  # a reparse removes nothing
        elif fetcher is self._fetcher:
            read.attach(found.records)
        return found.problems

    def _fetch(self, url: str, source_name: str | None, overrides: dict[str, str] | None) -> Read:
        if self._fetcher is None:
            archive = WarcArchive(self.archive_dir) if self.archive_dir else None
            self._fetcher = Fetcher(self.settings, archive=archive)
        settings = self._fetcher.settings.with_overrides(overrides) if overrides else None
        result = self._fetcher.fetch(url, validators=self.validators.get(url), settings=settings,
                                     source_name=source_name)
        read = Read(url, source_name=source_name, overrides=overrides)
        read.attach(result.records)
        if result.outcome in (Outcome.NOT_MODIFIED, Outcome.UNCHANGED):
            read.unchanged = result.outcome
            self._poll_tickers(read, settings or self._fetcher.settings)
        elif not result.ok or result.document is None:
            read.error = SourceError(url, "fetch", result.cause or f"the fetch ended {result.outcome}",
                                     outcome=result.outcome)
        else:
            read.document = result.document
        return read

    def _poll_tickers(self, read: Read, settings: FetchSettings) -> None:
        """A live blog that answered 304 (or the same body): ask its ticker feeds, named by the page as the archive
        kept the body the server just confirmed, conditionally; when one answers something new, the read becomes that
        archived page (read now) with the answers, else it stays unchanged with the feeds' attempts added. A live
        blog whose confirmed body the archive does not hold (never archived, pruned, purged, or another response
        there) is fetched again whole, without validators, once: the archive then holds it for the next poll. Pages
        not stored as live blogs cost nothing more."""
        if read.source not in self.archived:
            return
        page = self._archived(read.source, self.archived[read.source], settings.max_bytes)
        if page is None:
            if self.archive_dir is not None:
                again = self._fetcher.fetch(read.source, settings=settings, source_name=read.source_name)
                read.attach(again.records)
                if again.ok and again.document is not None:
                    read.unchanged, read.document = None, again.document
            return
        if not _names_a_provider(page.body):
            return
        decoded = decode_body(page.body, split_content_type(page.content_type)[1])
        urls = self.feed_urls(decoded.text)
        if not urls:
            return
        fetched_at = read.records[-1].fetched_at  # the page's 304
        # One query: each feed's validators, and from the same row the body they stand for.
        known = self.history.latest(urls) if self.history else {}
        bounded = feed_settings(settings)
        answers: dict[str, FetchResult] = {}
        for url in urls:
            latest = known.get(url)
            answer = self._fetcher.fetch(url, validators=Validators(*latest.validators) if latest else None,
                                         expect="json", settings=bounded, source_name=read.source_name)
            read.attach(answer.records)  # logged whatever becomes of the page
            if answer.outcome in (Outcome.NOT_MODIFIED, Outcome.UNCHANGED):
                earlier = self._archived(url, latest.body if latest else None, bounded.max_bytes)
                answer.body = earlier.body if earlier is not None else None  # none: the read is incomplete
            answers[url] = answer
        if not any(answer.ok for answer in answers.values()):
            return
        read.unchanged, read.answers = None, answers
        read.document = Document(source=read.source, content=decoded.text, kind="html", url=page.url or read.source,
                                 fetched_at=fetched_at, charset_guessed=decoded.guessed)

    def feed_urls(self, text: str) -> list[str]:
        """The ticker feeds a page's HTML names, as `read_tickers` asks them (the first MAX_REQUESTS)."""
        try:
            root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"),
                                                 parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
        except (lxml.etree.ParserError, ValueError):
            return []
        return [request.url for request in provider_requests(root, self.ticker_endpoints)][:MAX_REQUESTS]

    def _archived(self, url: str, where, max_bytes: int) -> ArchivedResponse | None:
        """The good response to `url` archived where `where` (a `pipeline.store.ArchivedBody`: fetch_log's path and
        offset, and the URL the response came from) says, read within `max_bytes` (the settings it was fetched with);
        the file is looked for in this run's archive folder too, by name. None when the archive no longer holds it
        whole, or holds there a response to another URL."""
        if where is None:
            return None
        path = Path(where.path)
        for candidate in dict.fromkeys([path] + ([self.archive_dir / path.name] if self.archive_dir else [])):
            if candidate.is_file():
                found = response_at(candidate, where.offset, max_bytes=max_bytes)
                if isinstance(found, ArchivedResponse) and found.problem is None and 200 <= found.status < 300 \
                        and not found.truncated and found.url in (url, where.url):
                    return found
        return None


class _Answers:
    """Ticker answers `_poll_tickers` already fetched (for the same page, so for every URL `read_tickers` asks),
    handed to `read_tickers` as its fetcher would."""

    def __init__(self, answers: dict[str, FetchResult], settings: FetchSettings):
        self.answers, self.settings = answers, settings

    def fetch(self, url: str, **_) -> FetchResult:
        return self.answers[url]


class _Replay:
    """A reparse's ticker answers: those the archived page's own read came with, read back from the archive; where
    they are asked of `fetch_log` in one query per page, when its first feed is asked."""

    def __init__(self, reader: SourceReader, read: Read):
        self.reader, self.document, self.settings = reader, read.document, reader._settings()
        self.path, _, offset = read.source.rpartition("#")
        self.offset = int(offset) if offset.isdigit() else -1
        self.found: dict | None = None

    def fetch(self, url: str, **_) -> FetchResult:
        if self.found is None:
            history = self.reader.history
            urls = self.reader.feed_urls(self.document.content)
            self.found = history.bodies_read_with(Path(self.path).name, self.offset, urls) if history else {}
        found = self.reader._archived(url, self.found.get(url), MAX_BYTES)
        if found is None:
            return FetchResult(url, records=[FetchRecord(
                url=url, outcome=Outcome.ERROR, fetched_at=datetime.now(timezone.utc), stage="fetch",
                cause="the archive holds no answer its page's read came with; the stored entries stay as they are")])
        return FetchResult(url, body=found.body, records=[FetchRecord(
            url=f"{found.path}#{found.offset}", outcome=Outcome.OK, fetched_at=found.date, bytes=len(found.body),
            final_url=url)])


def _names_a_provider(body: bytes) -> bool:
    """Whether a page's bytes mention a ticker provider's embed code at all (before parsing it to be sure)."""
    lowered = body.lower()
    return any(provider.MARKER in lowered for provider in PROVIDERS)


def _read_local(source: str, max_bytes: int) -> Read:
    started, fetched_at = time.monotonic(), datetime.now(timezone.utc)
    try:
        document, size = read_local(source, max_bytes)
    except SourceError as exc:
        return _failed(exc, fetched_at, elapsed_ms=round((time.monotonic() - started) * 1000))
    return Read(source, document=document, records=[FetchRecord(
        url=source, outcome=Outcome.OK, fetched_at=fetched_at, bytes=size,
        elapsed_ms=round((time.monotonic() - started) * 1000))])


def _failed(error: SourceError, fetched_at: datetime | None = None, elapsed_ms: int | None = None) -> Read:
    """A source (a file, a WARC file, one record of it) that could not be read, with its `fetch_log` row."""
    return Read(error.source, error=error, records=[FetchRecord(
        url=error.source, outcome=error.outcome, fetched_at=fetched_at or datetime.now(timezone.utc),
        stage=error.stage, cause=error.cause, elapsed_ms=elapsed_ms)])


def _read_warc(source: str, max_bytes: int) -> Iterator[Read]:
    """The reads of a WARC file the user named: its HTML responses and its problems; one holding neither (nothing
    to load) is a failure too."""
    if not Path(source).is_file():
        yield _failed(SourceError(source, "read", "no such file or folder"))
        return
    found = False
    for read in warc_reads(source, max_bytes=max_bytes):
        found = True
        yield read
    if not found:
        yield _failed(SourceError(source, "read", "no HTML response in this WARC file (only other records, "
                                                  "non-2xx or non-HTML responses): nothing to load"))


def warc_reads(location: str | Path, *, since: datetime | None = None, until: datetime | None = None,
               source_names: list[str] | None = None, max_bytes: int | None = None) -> Iterator[Read]:
    """Each HTML response archived in a WARC file (or a folder of them) fetched in [since, until), as a read whose
    source is "<warc path>#<offset>", read at the time the WARC says it was fetched; a file or record that cannot
    be read (not a WARC, cut short, a bad record, a payload past `max_bytes`: default the fetcher's) is a failed read
    and the others go on."""
    for item in iter_warc_documents(location, since=since, until=until, source_names=source_names,
                                    max_bytes=max_bytes):
        if isinstance(item, WarcProblem):
            yield _failed(SourceError(item.source, "read", item.cause, outcome=item.outcome))
            continue
        yield Read(item.source, document=item, records=[FetchRecord(
            url=item.source, outcome=Outcome.OK, fetched_at=item.fetched_at,
            bytes=len(item.content.encode("utf-8")), final_url=item.url)])


def read_local(source: str, max_bytes: int | None = None) -> tuple[Document, int]:
    """A local .html/.htm/.txt file as a document, plus its size in bytes; raises SourceError. A file larger than
    `max_bytes` (default: the fetcher's) is not read: at most `max_bytes + 1` bytes are ever read."""
    path = Path(source)
    if path.is_dir():
        raise SourceError(source, "read", "no .html, .htm, .txt or .warc(.gz) file in this folder: nothing to load")
    kind = FILE_KINDS.get(path.suffix.lower())
    if kind is None and path.exists():
        raise SourceError(source, "read", f"not a .html, .htm, .txt or .warc(.gz) file "
                                          f"(got {path.suffix or 'no extension'!r})", outcome=Outcome.NOT_HTML)
    cap = settings_from_environment().max_bytes if max_bytes is None else max_bytes
    try:
        data = read_bounded(path, cap)
    except FileNotFoundError:
        raise SourceError(source, "read", "no such file or folder") from None
    except LocalReadError as exc:
        raise SourceError(source, "read", exc.cause, outcome=exc.outcome) from None
    if not data.strip():
        raise SourceError(source, "read", "the file is empty")
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(source, "decode", f"looks binary (NUL bytes), not {kind}", outcome=Outcome.NOT_HTML)
    decoded = decode_body(data)
    if decoded.lossy:
        raise SourceError(source, "decode", "undecodable bytes: no character set fits them; save the file as UTF-8")
    return Document(source=source, content=decoded.text, kind=kind, fetched_at=datetime.now(timezone.utc),
                    charset_guessed=decoded.guessed), len(data)
