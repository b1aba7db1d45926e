"""The plain data every stage passes on: a document in, a parsed page out.

Parsers fill these; `pipeline.stage` turns them into rows with stable keys; the store loads the rows.
Nothing here knows about HTML, HTTP, DuckDB or Airflow. Times are timezone-aware UTC `datetime`s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# Values the contract allows (docs/contract.md); the platforms are the keys of `pipeline.platforms.PLATFORMS`.
ITEM_KINDS = ("key_point", "liveblog_entry", "thread_item")
ENTITY_KINDS = ("hashtag", "mention", "url", "media", "cashtag")
POST_STATUSES = ("ok", "unavailable", "unchecked")
# How precise `SocialPost.posted_at` is: a text signature gives a day, an X status id the millisecond.
TIME_PRECISIONS = ("day", "minute", "second", "millisecond")
# How a post refers to another post (`post_relations.kind`): it quotes it, answers it, or shares it as it is.
RELATION_KINDS = ("quote", "reply", "repost")


class Outcome(StrEnum):
    """What one attempt to read a source came to: `fetch_log.outcome`. The values are the contract's strings (a member
    is a `str` and equals its value), so rows, Parquet and SQL see plain text."""

    OK = "ok"  # new content to parse
    NOT_MODIFIED = "not_modified"  # HTTP 304 to our conditional request
    UNCHANGED = "unchanged"  # a 2xx body whose hash equals the one the warehouse gave
    RETRY_EXHAUSTED = "retry_exhausted"  # the last attempt of a retried failure, or a Retry-After longer than we wait
    TOO_LARGE = "too_large"  # past max_bytes (announced or decoded), a local file or an archived payload too
    BLOCKED_BY_ROBOTS = "blocked_by_robots"
    REFUSED = "refused"  # the address guard, or a link its list may not give (provenance)
    # Not the content type the fetch expects: HTML for pages, a feed for feeds, a sitemap for sitemaps, JSON for
    # APIs (the name is the one the contract has always had; `content_type` and the URL tell which fetch it was).
    NOT_HTML = "not_html"
    ERROR = "error"  # failed: retried (an attempt before the last) or not worth retrying


# Outcomes after which the source's current content is known (nothing went wrong).
CURRENT = frozenset({Outcome.OK, Outcome.NOT_MODIFIED, Outcome.UNCHANGED})


@dataclass(slots=True)
class Document:
    """One source as read: decoded text plus where it came from. `kind` is `html` or `text`."""

    source: str  # where this version was read from: the URL fetched, a local path, a WARC file and record
    content: str
    kind: str
    url: str | None = None  # the page's own URL when known (fetched URL, or declared by the file)
    fetched_at: datetime | None = None
    charset_guessed: str | None = None  # the charset the bytes were decoded with, when it had to be guessed


@dataclass(frozen=True, slots=True)
class Entity:
    """A hashtag, mention, link or media reference inside a post's text."""

    kind: str
    value: str


@dataclass(slots=True)
class UpdateItem:
    """A key point, a live-blog entry, or an item of a thread inside a post."""

    kind: str
    position: int  # 1-based order among items of the same kind in their page or post
    text: str
    native_id: str | None = None  # the page's own identity for it: block id, JSON-LD @id, anchor
    headline: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    author: str | None = None
    is_pinned: bool = False
    is_key_event: bool = False


@dataclass(slots=True)
class SocialPost:
    """A post on a social platform, as much of it as one page (or one API reply) shows."""

    platform: str
    native_id: str | None = None  # None when only flattened text was seen (then keyed by a hash)
    url: str | None = None
    author_name: str | None = None
    author_handle: str | None = None  # without the leading @
    posted_at: datetime | None = None
    posted_at_precision: str | None = None
    text: str | None = None
    language: str | None = None
    status: str = "unchecked"
    entities: list[Entity] = field(default_factory=list)
    thread: list[UpdateItem] = field(default_factory=list)
    checked_at: datetime | None = None  # when enrichment last asked the platform (set with status ok/unavailable)
    # Posts this one quotes, replies to or reposts, as much of each as the form showed
    # (pipeline/parse/embeds/relations.py, pipeline/enrich/relations.py); each is a post of its own in the warehouse.
    relations: list["PostRelation"] = field(default_factory=list)


@dataclass(slots=True)
class PostRelation:
    """This post `kind`s (quote, reply, repost) `post`."""

    kind: str
    post: SocialPost


@dataclass(slots=True)
class Embed:
    """One place where a page embeds a post."""

    post: SocialPost
    position: int  # 1-based order among the page's embeds
    form: str  # how the page carried it: blockquote, iframe, amp, placeholder, bare_url, text_signature
    entry_position: int | None = None  # the live-blog entry that holds it: its position in `Page.entries`


@dataclass(slots=True)
class Quote:
    """A statement quoted in the article's own text, with who said it."""

    text: str
    speaker: str | None
    position: int  # 1-based order in the article


@dataclass(slots=True)
class Page:
    """A parsed article or live blog."""

    source: str
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_offset_minutes: int | None = None  # the UTC offset the page stated with published_at, if any
    modified_at: datetime | None = None
    language: str | None = None
    is_liveblog: bool = False
    coverage_end_at: datetime | None = None  # a live blog's announced end of coverage (JSON-LD coverageEndTime)
    # The page showed its whole list of live-blog entries (pipeline/parse/liveblog: no pagination, no entries listed
    # only in JSON-LD): an entry with an id of its own that is missing from it was removed. False for any doubt.
    entries_complete: bool = False
    headings: list[str] = field(default_factory=list)
    body_text: str = ""
    key_points: list[UpdateItem] = field(default_factory=list)
    entries: list[UpdateItem] = field(default_factory=list)
    embeds: list[Embed] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    fetched_at: datetime | None = None
    charset_guessed: str | None = None  # from the document: the charset used when none was declared that fits
    source_name: str | None = None  # set by the run (pipeline/batches.py): the source list's name it was read for


@dataclass(slots=True)
class ParseResult:
    """A page and what the parser noticed but could not use; warnings never lose the page."""

    page: Page
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FetchRecord:
    """One attempt to read a source (HTTP request or local read), as `fetch_log` keeps it."""

    url: str
    outcome: Outcome  # a plain string of the same value is taken and made an Outcome; anything else is an error
    fetched_at: datetime
    attempt: int = 1
    http_status: int | None = None
    bytes: int | None = None
    elapsed_ms: int | None = None
    stage: str | None = None  # where it failed: read, fetch, decode, parse, load; None when all went well
    cause: str | None = None  # a sentence a person can act on; None when all went well
    # Added by the fetch layer (pipeline/fetch); all optional, so other readers can ignore them.
    final_url: str | None = None  # where the redirects led, when the response came from another URL
    content_type: str | None = None  # the response's Content-Type header, as sent
    etag: str | None = None  # validators to send next time (If-None-Match / If-Modified-Since)
    last_modified: str | None = None
    content_hash: str | None = None  # keys.body_hash of the decoded body: "unchanged" compares it
    archive_path: str | None = None  # the .warc.gz holding this response, and the response record's offset
    archive_offset: int | None = None
    # Added by the run (pipeline/batches.py) for a document it parsed: the parser's warnings, one a line; None when none.
    parse_notes: str | None = None
    # Added by the run for a read of the source list: the source's name (report_source_health groups by it).
    source_name: str | None = None

    def __post_init__(self) -> None:
        self.outcome = Outcome(self.outcome)
