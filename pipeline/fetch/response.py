"""A final (non-redirect) response → the attempt's outcome: 304 → `not_modified`; a retried status → `Retry` (with
the server's Retry-After, the host paused after 429); other errors → `error` with a cause per status; a type the
fetch does not expect → `not_html` before the body is read; an announced or decoded body past `max_bytes` →
`too_large`; the body's hash equal to the known one → `unchanged`; else `ok` with the body decoded (and a `Document`
for pages). Every response read is archived."""
from __future__ import annotations

from pipeline.fetch.archive import WarcArchive, split_content_type
from pipeline.fetch.archive_response import archive_response
from pipeline.fetch.decode import decode_body
from pipeline.fetch.polite import HostGate, host_key
from pipeline.fetch.redirect import REDIRECT_STATUSES
from pipeline.fetch.results import Attempt, Validators
from pipeline.fetch.retry import READ_EXCEPTIONS, Retry, read_failure, retry_after_seconds
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.fetch.transport import read_body, read_error_body
from pipeline.keys import body_hash
from pipeline.model import Document, FetchRecord, Outcome

# What each kind of fetch accepts; anything else ends as `not_html` before the body is read.
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "html": ("text/html", "application/xhtml+xml"),
    "feed": ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
             "application/x-rss+xml", "text/html"),  # some CMSs serve feeds as text/html; feedparser reads them
    "sitemap": ("application/xml", "text/xml", "application/x-gzip", "application/gzip", "application/octet-stream",
                "text/plain"),  # .xml.gz sitemaps come as gzip or octet-stream; text sitemaps are one URL a line
    "json": ("application/json", "text/json", "text/javascript", "application/javascript"),
}


def outcome_of(response, attempt: Attempt, archive: WarcArchive | None, gate: HostGate) -> FetchRecord:
    """The attempt's record for its final response; raises `Retry` for a status worth repeating or a body cut by the
    network or the deadline."""
    record, result, settings, validators = attempt.record, attempt.result, attempt.settings, attempt.validators
    final_url = attempt.hop_url
    status = response.status_code
    key = host_key(final_url)
    content_type = response.headers.get("Content-Type")
    record.content_type = content_type
    record.final_url = final_url if final_url != attempt.url else None
    record.etag = response.headers.get("ETag")
    record.last_modified = response.headers.get("Last-Modified")
    result.final_url, result.content_type = final_url, content_type

    if status == 304:
        record.etag = record.etag or (validators.etag if validators else None)
        record.last_modified = record.last_modified or (validators.last_modified if validators else None)
        record.content_hash = validators.content_hash if validators else None
        result.validators = Validators(record.etag, record.last_modified, record.content_hash)
        archive_response(archive, response, attempt, b"")
        return attempt.done(Outcome.NOT_MODIFIED)

    if status in settings.retry_statuses:
        wait = retry_after_seconds(response.headers.get("Retry-After")) or 0.0
        if status == 429:
            gate.pause(key, max(wait, settings.throttle_after_429))
            wait = max(wait, settings.throttle_after_429)
        elif wait:
            gate.pause(key, wait)
        result.body = body = read_error_body(response, attempt.deadline)
        archive_response(archive, response, attempt, body)
        asked = f", Retry-After {response.headers['Retry-After']}" if response.headers.get("Retry-After") else ""
        raise Retry(attempt.done(Outcome.ERROR, f"HTTP {status} {response.reason or ''}".rstrip() + f" from {key}{asked}"),
                    wait=wait)

    if status >= 400 or status < 200 or status in REDIRECT_STATUSES:
        result.body = body = read_error_body(response, attempt.deadline)
        archive_response(archive, response, attempt, body)
        return attempt.done(Outcome.ERROR, status_cause(status, response.reason, final_url))

    expect = attempt.expect
    mime, charset = split_content_type(content_type)
    accepted = ACCEPTED_TYPES.get(expect, ())
    if mime and not (mime in accepted or (expect in ("feed", "sitemap") and mime.endswith("+xml"))
                     or (expect == "json" and mime.endswith("+json"))):
        return attempt.done(Outcome.NOT_HTML, f"{final_url} is {mime}, not {expect} ({', '.join(accepted[:2])}); "
                                        "not downloaded — drop the link or give the source the right kind")
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and "Content-Encoding" not in response.headers and int(length) > settings.max_bytes:
        record.bytes = int(length)
        return attempt.done(Outcome.TOO_LARGE, f"{final_url} announces {int(length):,} bytes, more than max_bytes "
                                         f"({settings.max_bytes:,}); not downloaded — raise max_bytes for this source "
                                         "if the page is genuine")
    try:
        body, truncated = read_body(response, attempt.deadline, limit=settings.max_bytes)
    except READ_EXCEPTIONS as exc:
        failure = read_failure(exc, final_url)
        if failure.retry:
            raise Retry(attempt.done(failure.outcome, failure.cause)) from exc
        return attempt.done(failure.outcome, failure.cause)
    record.bytes = len(body)
    if truncated:
        archive_response(archive, response, attempt, body, truncated=True)
        return attempt.done(Outcome.TOO_LARGE, f"{final_url} is larger than max_bytes ({settings.max_bytes:,} bytes after "
                                         "decompression); cut off — raise max_bytes for this source if the page is "
                                         "genuine")
    if not mime and not sniff(expect, body[:1024]):
        archive_response(archive, response, attempt, body)
        return attempt.done(Outcome.NOT_HTML, f"{final_url} sent no Content-Type and does not look like {expect}")
    record.content_hash = body_hash(body)
    result.validators = Validators(record.etag, record.last_modified, record.content_hash)
    if validators and validators.content_hash and validators.content_hash == record.content_hash:
        archive_response(archive, response, attempt, body, revisit=True)
        return attempt.done(Outcome.UNCHANGED)
    decoded = decode_body(body, charset)
    result.body, result.text = body, decoded.text
    if expect == "html":
        result.document = Document(source=attempt.url, content=decoded.text, kind="html", url=final_url,
                                   fetched_at=record.fetched_at, charset_guessed=decoded.guessed)
    archive_response(archive, response, attempt, body, encoding=decoded.encoding, note=decoded.note)
    return attempt.done(Outcome.OK, None)


def sniff(expect: str, head: bytes) -> bool:
    """Whether a body without Content-Type looks like what we expect."""
    start = head.lstrip()[:512].lower()
    if expect == "json":
        return start[:1] in (b"{", b"[")
    if expect == "html":
        return b"<html" in start or b"<!doctype html" in start or b"<head" in start or b"<body" in start
    return start.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"\x1f\x8b")) or expect == "sitemap"


def status_cause(status: int, reason: str | None, url: str) -> str:
    """The cause for an HTTP status that is not retried."""
    what = f"HTTP {status} {reason or ''}".rstrip()
    if status in (404, 410):
        return f"{what}: {url} is gone; remove it from the sources or fix the link"
    if status in (401, 403):
        return f"{what}: {url} refuses us (login, paywall or bot block); check it in a browser before retrying"
    if status == 451:
        return f"{what}: {url} is blocked for legal reasons in our region"
    if status in REDIRECT_STATUSES:
        return f"{what} without a usable Location header from {url}"
    return f"{what} from {url}; not retried (only {', '.join(map(str, FetchSettings().retry_statuses))} are)"
