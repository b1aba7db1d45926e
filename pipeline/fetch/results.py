"""What a fetch is asked and what it gives: `Validators`, `FetchRequest`, `FetchResult`, and `Attempt`, the state of
one HTTP attempt while it runs (its record, the result it fills, its deadline and redirect chain)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from pipeline.fetch.deadline import Deadline
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.model import Document, FetchRecord, Outcome


@dataclass(frozen=True, slots=True)
class Validators:
    """What the warehouse knows of the last good fetch of a URL; sent back as a conditional request."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(slots=True)
class FetchRequest:
    """One URL to fetch, with what is known about it and the source's settings."""

    url: str
    validators: Validators | None = None
    settings: FetchSettings | None = None
    expect: str = "html"
    source_name: str | None = None


@dataclass(slots=True)
class FetchResult:
    """What one `fetch` gives: a document or body when there is something new, and the attempts' records."""

    url: str  # as requested
    records: list[FetchRecord] = field(default_factory=list)
    document: Document | None = None  # for expect="html" and outcome ok
    body: bytes | None = None  # the body (decompressed): whole for outcome ok; the first 64 KiB of an HTTP error page
    # (APIs explain themselves there). Check `ok` before treating it as content.
    text: str | None = None  # the body decoded to text, for outcome ok
    final_url: str | None = None
    content_type: str | None = None
    validators: Validators | None = None  # to store for next time (also set for not_modified / unchanged)

    @property
    def outcome(self) -> Outcome:
        return self.records[-1].outcome if self.records else Outcome.ERROR

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK

    @property
    def cause(self) -> str | None:
        return self.records[-1].cause if self.records else None


@dataclass(slots=True)
class Attempt:
    """One HTTP attempt while it runs: what it was asked, the record it fills and the result it writes into."""

    url: str  # as requested
    record: FetchRecord
    result: FetchResult
    settings: FetchSettings
    expect: str
    validators: Validators | None
    source_name: str | None
    deadline: Deadline
    chain: list[str] = field(default_factory=list)  # the requested URL and every redirect hop since
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if not self.chain:
            self.chain.append(self.url)

    @property
    def hop_url(self) -> str:
        return self.chain[-1]

    def done(self, outcome: Outcome, cause: str | None = None) -> FetchRecord:
        """The attempt's record, closed with its outcome, cause and time taken."""
        self.record.outcome, self.record.cause = outcome, cause
        self.record.elapsed_ms = int((time.monotonic() - self.started) * 1000)
        return self.record
