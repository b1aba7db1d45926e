"""Sources as the user names them (local files, folders, URLs, WARC files) → decoded documents.

Every read gives the `FetchRecord`s of what was tried; a source that cannot be read gives a `SourceError` naming
the source, the stage and the cause. URLs go through the polite fetcher (pipeline.fetch) with the validators the
warehouse keeps, and every response is archived; a WARC file yields each HTML response it holds.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.fetch import Fetcher, FetchSettings, Validators, WarcArchive, decode_body, iter_warc_documents
from pipeline.model import Document, FetchRecord

# What a local file's extension says about its content.
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "text"}
WARC_SUFFIXES = (".warc", ".warc.gz")
# How far into a file we look for binary bytes (a text or HTML file has none near its start).
_SNIFF_BYTES = 4096


class SourceError(Exception):
    """A source that could not be read: which one, at which stage, and why (a sentence a person can act on)."""

    def __init__(self, source: str, stage: str, cause: str, outcome: str = "error"):
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


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def is_warc(source: str) -> bool:
    return source.lower().endswith(WARC_SUFFIXES)


def expand(sources: list[str]) -> list[str]:
    """Folders become the supported files inside them (recursively, sorted); files and URLs stay as given."""
    expanded: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            expanded += sorted(str(p) for p in path.rglob("*")
                               if p.is_file() and (p.suffix.lower() in FILE_KINDS or is_warc(p.name)))
        else:
            expanded.append(source)
    return list(dict.fromkeys(expanded))  # the same source named twice is read once


class SourceReader:
    """Reads sources; holds the fetcher and the archive for a run: `with SourceReader(...) as reader:`."""

    def __init__(self, *, archive_dir: Path | None = None, settings: FetchSettings | None = None,
                 validators: dict[str, Validators] | None = None):
        self.archive_dir = archive_dir
        self.settings = settings
        self.validators = validators or {}
        self._fetcher: Fetcher | None = None

    def __enter__(self) -> "SourceReader":
        return self

    def __exit__(self, *exc) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def read(self, source: str, *, source_name: str | None = None,
             overrides: dict[str, str] | None = None) -> Iterator[Read]:
        """The documents of one source: one for a file or URL, one per HTML response for a WARC file. A URL is
        fetched with `overrides` on the run's settings (a source's own settings) and archived under `source_name`."""
        if is_url(source):
            yield self._fetch(source, source_name, overrides)
        elif is_warc(source):
            yield from _read_warc(source)
        else:
            yield _read_local(source)

    def _fetch(self, url: str, source_name: str | None, overrides: dict[str, str] | None) -> Read:
        if self._fetcher is None:
            archive = WarcArchive(self.archive_dir) if self.archive_dir else None
            self._fetcher = Fetcher(self.settings, archive=archive)
        settings = self._fetcher.settings.with_overrides(overrides) if overrides else None
        result = self._fetcher.fetch(url, validators=self.validators.get(url), settings=settings,
                                     source_name=source_name)
        read = Read(url, records=list(result.records))
        if result.outcome in ("not_modified", "unchanged"):
            read.unchanged = result.outcome
        elif not result.ok or result.document is None:
            read.error = SourceError(url, "fetch", result.cause or f"the fetch ended {result.outcome}",
                                     outcome=result.outcome)
        else:
            read.document = result.document
        return read


def _read_local(source: str) -> Read:
    started, fetched_at = time.monotonic(), datetime.now(timezone.utc)
    try:
        document, size = read_local(source)
    except SourceError as exc:
        return Read(source, error=exc, records=[FetchRecord(
            url=source, outcome=exc.outcome, fetched_at=fetched_at, stage=exc.stage, cause=exc.cause,
            elapsed_ms=round((time.monotonic() - started) * 1000))])
    return Read(source, document=document, records=[FetchRecord(
        url=source, outcome="ok", fetched_at=fetched_at, bytes=size,
        elapsed_ms=round((time.monotonic() - started) * 1000))])


def _read_warc(source: str) -> Iterator[Read]:
    if not Path(source).is_file():
        error = SourceError(source, "read", "no such file")
        yield Read(source, error=error, records=[FetchRecord(url=source, outcome="error", stage="read",
                                                             fetched_at=datetime.now(timezone.utc), cause=error.cause)])
        return
    yield from warc_reads(source)


def warc_reads(location: str | Path, *, since: datetime | None = None, until: datetime | None = None,
               source_names: list[str] | None = None) -> Iterator[Read]:
    """Each HTML response archived in a WARC file (or a folder of them) fetched in [since, until), as a read whose
    source is "<warc path>#<offset>", read at the time the WARC says it was fetched."""
    for document in iter_warc_documents(location, since=since, until=until, source_names=source_names):
        yield Read(document.source, document=document, records=[FetchRecord(
            url=document.source, outcome="ok", fetched_at=document.fetched_at,
            bytes=len(document.content.encode("utf-8")), final_url=document.url)])


def read_local(source: str) -> tuple[Document, int]:
    """A local .html/.htm/.txt file as a document, plus its size in bytes; raises SourceError."""
    path = Path(source)
    kind = FILE_KINDS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(source, "read", f"not a .html, .htm, .txt or .warc(.gz) file "
                                          f"(got {path.suffix or 'no extension'!r})", outcome="not_html")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(source, "read", "no such file") from None
    except OSError as exc:
        raise SourceError(source, "read", f"cannot read the file: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(source, "read", "the file is empty")
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(source, "decode", f"looks binary (NUL bytes), not {kind}", outcome="not_html")
    decoded = decode_body(data)
    if decoded.lossy:
        raise SourceError(source, "decode", "undecodable bytes: no character set fits them; save the file as UTF-8")
    return Document(source=source, content=decoded.text, kind=kind, fetched_at=datetime.now(timezone.utc),
                    charset_guessed=decoded.guessed), len(data)
