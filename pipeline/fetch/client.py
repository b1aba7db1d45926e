"""The HTTP client: one pooled `requests` session, fetching like a good citizen.

`Fetcher.fetch(url)` returns a `FetchResult`: a `Document` (or the raw body for feeds, sitemaps and JSON) when there
is something new to parse, and one `FetchRecord` per HTTP attempt with its outcome and, when it did not go well,
a cause a person can act on. It never raises for anything the network or the server does.

Per attempt: the address guard (every hop, and the address actually connected to), robots.txt (every hop), the
host's politeness slot, conditional headers from known validators, redirects followed by hand (capped, loops
detected), the Content-Type checked before the body is read, the body streamed and cut at `max_bytes` counted
after decompression, the charset decided by `decode.decode_body`, and the exchange written to the WARC archive.
Each attempt, its robots.txt read included, ends within `total_timeout` of talking to servers whatever they do
(`deadline.Deadline`: a dripping server's sockets are shut down when the time is up).
Retries (connection errors, timeouts, RETRY_STATUSES) back off exponentially and honour Retry-After.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import requests
from requests import exceptions as rex
from urllib3.exceptions import NameResolutionError

from pipeline.fetch.archive import WarcArchive, split_content_type
from pipeline.fetch.deadline import Deadline, DeadlineExceeded
from pipeline.fetch.decode import decode_body
from pipeline.fetch.guard import AddressPolicy, AddressRefused, GuardedAdapter, url_refusal
from pipeline.fetch.polite import HostGate, RobotsCache, host_key
from pipeline.fetch.settings import PLACEHOLDER_CONTACT_URL, FetchSettings
from pipeline.keys import body_hash
from pipeline.model import Document, FetchRecord

log = logging.getLogger(__name__)

# What each kind of fetch accepts; anything else ends as `not_html` before the body is read.
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "html": ("text/html", "application/xhtml+xml"),
    "feed": ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
             "application/x-rss+xml", "text/html"),  # some CMSs serve feeds as text/html; feedparser reads them
    "sitemap": ("application/xml", "text/xml", "application/x-gzip", "application/gzip", "application/octet-stream",
                "text/plain"),  # .xml.gz sitemaps come as gzip or octet-stream; text sitemaps are one URL a line
    "json": ("application/json", "text/json", "text/javascript", "application/javascript"),
}
ACCEPT_HEADERS = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    "sitemap": "application/xml,text/xml;q=0.9,*/*;q=0.1",
    "json": "application/json,*/*;q=0.1",
}
# 64 KiB per read: small enough that the size cap overshoots by at most that much, large enough to be cheap.
CHUNK_BYTES = 64 * 1024
# gzip and deflate only: urllib3 (>= 2.6) bounds the output of every decompression step for these, so a gzip bomb is
# cut at max_bytes without being inflated in memory; brotli's bound depends on the brotli library version.
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = (301, 302, 303, 307, 308)


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
    def outcome(self) -> str:
        return self.records[-1].outcome if self.records else "error"

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def cause(self) -> str | None:
        return self.records[-1].cause if self.records else None


class _Retry(Exception):
    """An attempt worth repeating: `record` says why, `wait` how long the server asked us to wait."""

    def __init__(self, record: FetchRecord, wait: float = 0.0, connect_failure: bool = False) -> None:
        self.record, self.wait, self.connect_failure = record, wait, connect_failure


def _now() -> datetime:
    return datetime.now(timezone.utc)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date), or None when absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or _now())).total_seconds())


def _sniff(expect: str, head: bytes) -> bool:
    """Whether a body without Content-Type looks like what we expect."""
    start = head.lstrip()[:512].lower()
    if expect == "json":
        return start[:1] in (b"{", b"[")
    if expect == "html":
        return b"<html" in start or b"<!doctype html" in start or b"<head" in start or b"<body" in start
    return start.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"\x1f\x8b")) or expect == "sitemap"


class Fetcher:
    """A polite HTTP client. Thread-safe: share one per run, call `fetch` from many threads or use `fetch_many`."""

    def __init__(self, settings: FetchSettings | None = None, archive: WarcArchive | None = None,
                 sleep=time.sleep) -> None:
        self.settings = settings or FetchSettings()
        self.archive = archive
        self._sleep = sleep
        self.session = requests.Session()
        # No proxies or .netrc from the environment: a proxy would make the guard check the proxy's address,
        # not the site's.
        self.session.trust_env = False
        self.session.max_redirects = 5  # only robots.txt follows redirects inside requests (RFC 9309: at least 5)
        self._adapters: dict[tuple[str, ...], GuardedAdapter] = {}
        self._adapters_lock = threading.Lock()
        self.gate = HostGate(sleep=sleep)
        self.robots = RobotsCache(self._load_robots)
        self._robots_settings = threading.local()
        if self.settings.contact_url == PLACEHOLDER_CONTACT_URL:
            log.warning("Fetcher: no contact URL configured (set THREADLINE_CONTACT_URL); "
                        "sites cannot tell who runs this crawler")

    # -- plumbing -------------------------------------------------------------------------------------------------

    def _adapter_for(self, settings: FetchSettings) -> GuardedAdapter:
        """The guarded adapter for this address policy (one set of connection pools per distinct allow-list)."""
        key = tuple(settings.allow_networks)
        with self._adapters_lock:
            adapter = self._adapters.get(key)
            if adapter is None:
                # 100 host pools kept, 10 connections each: covers a run's hosts; per-host concurrency is
                # enforced by HostGate, not by blocking on the pool.
                adapter = GuardedAdapter(AddressPolicy(settings.allow_networks), pool_connections=100,
                                         pool_maxsize=10, max_retries=0)
                self._adapters[key] = adapter
        return adapter

    def _send(self, settings: FetchSettings, url: str, headers: dict[str, str], deadline: Deadline,
              allow_redirects: bool = False):
        """One GET through the guarded adapter (the session only merges cookies); redirects only for robots.txt.
        Call it inside `deadline.running()`; a failure after the deadline passed is DeadlineExceeded."""
        if deadline.expired:
            raise deadline.exceeded(url, "no time was left for this request")
        try:
            response = self._send_within(settings, url, headers, deadline, allow_redirects)
        except (requests.RequestException, OSError) as exc:
            if deadline.expired:
                raise deadline.exceeded(url, "the headers had not all arrived") from exc
            raise
        if deadline.expired:  # headers cut by the deadline end as if complete
            response.close()
            raise deadline.exceeded(url, "the headers had not all arrived")
        return response

    def _send_within(self, settings: FetchSettings, url: str, headers: dict[str, str], deadline: Deadline,
                     allow_redirects: bool):
        adapter = self._adapter_for(settings)
        prepared = self.session.prepare_request(requests.Request("GET", url, headers=headers))
        response = adapter.send(prepared, stream=True,
                                timeout=deadline.timeouts(settings.connect_timeout, settings.read_timeout))
        self.session.cookies.update(response.cookies)  # keep cookies a consent redirect sets, as a browser would
        hops = 0
        while allow_redirects and response.is_redirect and hops < self.session.max_redirects:
            hops += 1
            location = urljoin(response.url, response.headers["Location"])
            response.close()
            refusal = url_refusal(location, AddressPolicy(settings.allow_networks))
            if refusal:
                raise AddressRefused(refusal)
            prepared = self.session.prepare_request(requests.Request("GET", location, headers=headers))
            response = adapter.send(prepared, stream=True,
                                    timeout=deadline.timeouts(settings.connect_timeout, settings.read_timeout))
        return response

    def _headers(self, settings: FetchSettings, expect: str) -> dict[str, str]:
        return {"User-Agent": settings.user_agent, "Accept": ACCEPT_HEADERS.get(expect, "*/*"),
                "Accept-Encoding": ACCEPT_ENCODING}

    def _load_robots(self, robots_url: str) -> tuple[int | None, str, str | None]:
        settings: FetchSettings = getattr(self._robots_settings, "value", self.settings)
        # robots.txt draws on the time of the attempt that needs it
        deadline: Deadline = getattr(self._robots_settings, "deadline", None) or Deadline(settings.total_timeout)
        try:
            with self.gate.slot(host_key(robots_url), settings.min_delay, settings.per_host_concurrency), \
                    deadline.running():
                response = self._send(settings, robots_url, self._headers(settings, "robots") | {"Accept": "text/plain"},
                                      deadline, allow_redirects=True)
                try:
                    # RFC 9309: rules past robots_max_bytes are ignored
                    data = self._read(response, deadline, limit=settings.robots_max_bytes)[0]
                finally:
                    response.close()
            if response.status_code >= 300:
                return response.status_code, "", None
            return response.status_code, decode_body(data, split_content_type(
                response.headers.get("Content-Type"))[1]).text, None
        except AddressRefused as exc:
            return None, "", str(exc)
        except DeadlineExceeded as exc:
            return None, "", f"it {exc.reason}"
        except (requests.RequestException, OSError) as exc:
            return None, "", f"{type(exc).__name__}: {_short(exc)}"

    def close(self) -> None:
        self.session.close()
        if self.archive is not None:
            self.archive.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------------------------------

    def fetch(self, url: str, *, validators: Validators | None = None, settings: FetchSettings | None = None,
              expect: str = "html", source_name: str | None = None, obey_robots: bool | None = None) -> FetchResult:
        """Fetch one URL with retries; never raises for network or server trouble."""
        settings = settings or self.settings
        url = url.strip()
        result = FetchResult(url=url)
        refusal = url_refusal(url, AddressPolicy(settings.allow_networks))
        if refusal:
            result.records.append(FetchRecord(url=url, outcome="refused", fetched_at=_now(), cause=refusal))
            return result
        key = host_key(url)
        down = self.gate.down(key)
        if down:
            left, why = down
            result.records.append(FetchRecord(
                url=url, outcome="error", fetched_at=_now(),
                cause=f"{key} is remembered as unreachable ({why}); not tried again for another {left:.0f} s "
                      f"(down_host_seconds); check the host if this persists"))
            return result
        attempts = settings.max_retries + 1
        connect_failures = 0
        for attempt in range(1, attempts + 1):
            try:
                try:
                    record = self._attempt(url, attempt, result, validators, settings, expect, source_name,
                                           settings.obey_robots if obey_robots is None else obey_robots)
                except _Retry:
                    raise
                except Exception as exc:  # a bug of ours must not stop the run: log it and record it
                    log.exception("fetch of %s failed unexpectedly", url)
                    record = FetchRecord(url=url, outcome="error", fetched_at=_now(), attempt=attempt,
                                         cause=f"internal error in the fetcher ({type(exc).__name__}: {_short(exc)}); "
                                               "report it with this URL")
                result.records.append(record)
                if record.outcome in ("ok", "not_modified", "unchanged") or record.http_status:
                    self.gate.mark_up(key)
                return result
            except _Retry as retry:
                record = retry.record
                result.records.append(record)
                connect_failures += retry.connect_failure
                if retry.wait > settings.retry_after_max:
                    record.outcome = "retry_exhausted"
                    record.cause += (f"; the server asked us to wait {retry.wait:.0f} s, more than retry_after_max "
                                     f"({settings.retry_after_max:.0f} s): the host is left alone until then and the "
                                     "next run tries again")
                    self.gate.pause(key, retry.wait)
                    return result
                if attempt == attempts:
                    record.outcome = "retry_exhausted"
                    record.cause += f"; gave up after {attempts} attempts — the next run will try again"
                    if connect_failures == attempts:
                        self.gate.mark_down(key, settings.down_host_seconds, record.cause.split(";")[0])
                    return result
                backoff = min(settings.backoff_max, settings.backoff_base * 2 ** (attempt - 1))
                backoff *= 1 + random.uniform(0, settings.backoff_jitter)
                wait = max(backoff, retry.wait)
                record.cause += f"; retrying in {wait:.1f} s (attempt {attempt} of {attempts})"
                self._sleep(wait)
        return result  # pragma: no cover - the loop always returns

    def fetch_many(self, requests_: Iterable[FetchRequest | str], max_workers: int = 8) -> Iterator[FetchResult]:
        """Fetch many URLs on `max_workers` threads; results come as they finish. Per-host politeness still holds,
        so mix hosts for speed (a thread waiting on one host's delay does not fetch another's)."""
        items = [FetchRequest(r) if isinstance(r, str) else r for r in requests_]
        with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="fetch") as pool:
            futures = [pool.submit(self.fetch, r.url, validators=r.validators, settings=r.settings, expect=r.expect,
                                   source_name=r.source_name) for r in items]
            for future in as_completed(futures):
                yield future.result()

    # -- one attempt ----------------------------------------------------------------------------------------------

    def _attempt(self, url: str, attempt: int, result: FetchResult, validators: Validators | None,
                 settings: FetchSettings, expect: str, source_name: str | None, obey_robots: bool) -> FetchRecord:
        started = time.monotonic()
        deadline = Deadline(settings.total_timeout)
        record = FetchRecord(url=url, outcome="error", fetched_at=_now(), attempt=attempt)
        result.body = result.text = result.document = None

        def done(outcome: str, cause: str | None = None) -> FetchRecord:
            record.outcome, record.cause = outcome, cause
            record.elapsed_ms = int((time.monotonic() - started) * 1000)
            return record

        policy = AddressPolicy(settings.allow_networks)
        headers = self._headers(settings, expect)
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        hop_url, chain = url, [url]
        while True:
            refusal = url_refusal(hop_url, policy)
            if refusal:
                return done("refused", refusal if hop_url == url else f"redirected from {chain[-2]}: {refusal}")
            delay = settings.min_delay
            if obey_robots:
                self._robots_settings.value, self._robots_settings.deadline = settings, deadline
                verdict = self.robots.verdict(hop_url, settings.robots_token, settings.robots_ttl,
                                              settings.robots_error_ttl)
                if verdict.unreachable:
                    if "address guard" in (verdict.cause or ""):
                        return done("refused", verdict.cause)
                    if deadline.expired:  # robots.txt took the attempt's whole time
                        raise _Retry(done("error", verdict.cause), connect_failure=True)
                    raise _Retry(done("error", f"could not connect to {host_key(hop_url)} to read robots.txt "
                                               f"({verdict.cause})"), connect_failure=True)
                if not verdict.allowed:
                    return done("blocked_by_robots", verdict.cause)
                if verdict.crawl_delay:
                    delay = max(delay, min(verdict.crawl_delay, settings.max_crawl_delay))
            key = host_key(hop_url)
            with self.gate.slot(key, delay, settings.per_host_concurrency), deadline.running():
                try:
                    response = self._send(settings, hop_url, headers, deadline)
                except DeadlineExceeded as exc:
                    raise _Retry(done("error", str(exc)))
                except AddressRefused as exc:
                    where = "" if hop_url == url else f"redirected from {chain[-2]} to {hop_url}: "
                    return done("refused", where + str(exc))
                except (rex.ConnectTimeout, rex.ConnectionError) as exc:
                    if _is_dns_failure(exc):
                        return done("error", f"the host name {urlsplit(hop_url).hostname} does not resolve "
                                             "(DNS); check the URL or whether the site still exists")
                    if isinstance(exc, rex.SSLError):
                        return done("error", f"TLS failed for {key}: {_short(exc)}; the site's certificate or TLS "
                                             "set-up is broken — not retried")
                    kind = "timed out connecting" if isinstance(exc, rex.ConnectTimeout) else "could not connect"
                    raise _Retry(done("error", f"{kind} to {key} ({_short(exc)})"), connect_failure=True)
                except rex.Timeout as exc:
                    raise _Retry(done("error", f"{key} sent no response within {settings.read_timeout:.0f} s "
                                               f"({_short(exc)})"))
                except (rex.InvalidURL, rex.InvalidSchema, rex.MissingSchema, ValueError) as exc:
                    return done("refused", f"{hop_url!r} cannot be requested: {_short(exc)}")
                except requests.RequestException as exc:
                    raise _Retry(done("error", f"request to {key} failed: {type(exc).__name__}: {_short(exc)}"))

                status = response.status_code
                record.http_status = status
                if status in _REDIRECTS and response.headers.get("Location"):
                    response.close()
                    target = urljoin(hop_url, response.headers["Location"].strip())
                    if target in chain:
                        return done("error", f"redirect loop: {' → '.join(chain + [target])}; the site is "
                                             "misconfigured (often a cookie or consent wall)")
                    if len(chain) > settings.max_redirects:
                        return done("error", f"more than {settings.max_redirects} redirects from {url} "
                                             f"(last: {hop_url} → {target}); raise max_redirects for this source "
                                             "if the chain is genuine")
                    chain.append(target)
                    hop_url = target
                    continue
                try:
                    return self._finish(response, record, done, result, url, hop_url, chain, validators, settings,
                                        expect, source_name, deadline)
                finally:
                    response.close()

    def _finish(self, response, record: FetchRecord, done, result: FetchResult, url: str, final_url: str,
                chain: list[str], validators: Validators | None, settings: FetchSettings, expect: str,
                source_name: str | None, deadline: Deadline) -> FetchRecord:
        status = response.status_code
        key = host_key(final_url)
        content_type = response.headers.get("Content-Type")
        record.content_type = content_type
        record.final_url = final_url if final_url != url else None
        record.etag = response.headers.get("ETag")
        record.last_modified = response.headers.get("Last-Modified")
        result.final_url, result.content_type = final_url, content_type

        if status == 304:
            record.etag = record.etag or (validators.etag if validators else None)
            record.last_modified = record.last_modified or (validators.last_modified if validators else None)
            record.content_hash = validators.content_hash if validators else None
            result.validators = Validators(record.etag, record.last_modified, record.content_hash)
            self._archive(response, record, b"", False, settings, source_name, chain)
            return done("not_modified")

        if status in settings.retry_statuses:
            wait = retry_after_seconds(response.headers.get("Retry-After")) or 0.0
            if status == 429:
                self.gate.pause(key, max(wait, settings.throttle_after_429))
                wait = max(wait, settings.throttle_after_429)
            elif wait:
                self.gate.pause(key, wait)
            body = self._read_quietly(response, deadline)
            result.body = body
            self._archive(response, record, body, False, settings, source_name, chain)
            asked = f", Retry-After {response.headers['Retry-After']}" if response.headers.get("Retry-After") else ""
            raise _Retry(done("error", f"HTTP {status} {response.reason or ''}".rstrip() + f" from {key}{asked}"),
                         wait=wait)

        if status >= 400 or status < 200 or status in _REDIRECTS:
            body = self._read_quietly(response, deadline)
            result.body = body
            self._archive(response, record, body, False, settings, source_name, chain)
            return done("error", _status_cause(status, response.reason, final_url))

        mime, charset = split_content_type(content_type)
        accepted = ACCEPTED_TYPES.get(expect, ())
        if mime and not (mime in accepted or (expect in ("feed", "sitemap") and mime.endswith("+xml"))
                         or (expect == "json" and mime.endswith("+json"))):
            return done("not_html", f"{final_url} is {mime}, not {expect} ({', '.join(accepted[:2])}); "
                                    "not downloaded — drop the link or give the source the right kind")
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and "Content-Encoding" not in response.headers \
                and int(length) > settings.max_bytes:
            record.bytes = int(length)
            return done("too_large", f"{final_url} announces {int(length):,} bytes, more than max_bytes "
                                     f"({settings.max_bytes:,}); not downloaded — raise max_bytes for this source "
                                     "if the page is genuine")
        try:
            body, truncated = self._read(response, deadline, limit=settings.max_bytes)
        except DeadlineExceeded as exc:
            raise _Retry(done("error", str(exc)))
        except (rex.ChunkedEncodingError, rex.ConnectionError, rex.Timeout) as exc:
            raise _Retry(done("error", f"the connection to {key} broke while reading the body ({_short(exc)})"))
        except rex.ContentDecodingError as exc:
            return done("error", f"{final_url} sent a body that does not decompress ({_short(exc)}); "
                                 "the server's compression is broken")
        record.bytes = len(body)
        if truncated:
            self._archive(response, record, body, True, settings, source_name, chain)
            return done("too_large", f"{final_url} is larger than max_bytes ({settings.max_bytes:,} bytes after "
                                     "decompression); cut off — raise max_bytes for this source if the page is genuine")
        if not mime and not _sniff(expect, body[:1024]):
            self._archive(response, record, body, False, settings, source_name, chain)
            return done("not_html", f"{final_url} sent no Content-Type and does not look like {expect}")
        record.content_hash = body_hash(body)
        result.validators = Validators(record.etag, record.last_modified, record.content_hash)
        if validators and validators.content_hash and validators.content_hash == record.content_hash:
            self._archive(response, record, body, False, settings, source_name, chain, revisit=True)
            return done("unchanged")
        decoded = decode_body(body, charset)
        result.body, result.text = body, decoded.text
        if expect == "html":
            result.document = Document(source=url, content=decoded.text, kind="html", url=final_url,
                                       fetched_at=record.fetched_at, charset_guessed=decoded.guessed)
        self._archive(response, record, body, False, settings, source_name, chain, encoding=decoded.encoding,
                      note=decoded.note)
        return done("ok", None)

    def _read(self, response, deadline: Deadline, limit: int) -> tuple[bytes, bool]:
        """Stream the body, decompressed, keeping at most `limit` bytes; (body, cut off?). DeadlineExceeded when the
        attempt's time ran out before the body ended (the deadline's timer cuts a read that blocks)."""
        data = bytearray()
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                data += chunk
                if len(data) > limit:
                    del data[limit:]
                    return bytes(data), True
                if deadline.expired:
                    break
        except (requests.RequestException, OSError) as exc:
            if deadline.expired:
                raise deadline.exceeded(response.url, f"{len(data):,} bytes of the body had arrived") from exc
            raise
        if deadline.expired:  # a cut connection also ends a body that has no length
            raise deadline.exceeded(response.url, f"{len(data):,} bytes of the body had arrived")
        return bytes(data), False

    def _read_quietly(self, response, deadline: Deadline) -> bytes:
        """The first 64 KiB of an error page, for the archive; whatever breaks while reading it is ignored."""
        try:
            return self._read(response, deadline, limit=64 * 1024)[0]
        except (requests.RequestException, DeadlineExceeded, OSError):
            return b""

    def _archive(self, response, record: FetchRecord, body: bytes, truncated: bool, settings: FetchSettings,
                 source_name: str | None, chain: list[str], revisit: bool = False, encoding: str | None = None,
                 note: str | None = None) -> None:
        if self.archive is None:
            return
        request = response.request
        parts = urlsplit(request.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        request_headers = [("Host", parts.netloc)] + list(request.headers.items())
        reason = response.reason or ""
        facts = {
            "requested_url": record.url, "final_url": response.url, "redirects": chain[1:], "attempt": record.attempt,
            "http_status": response.status_code, "fetched_at": record.fetched_at.isoformat(),
            "bytes": len(body), "truncated": truncated, "content_hash": record.content_hash,
            "encoding": encoding, "encoding_note": note, "source_name": source_name,
            "user_agent": settings.user_agent, "revisit": revisit,
        }
        try:
            path, offset = self.archive.write_exchange(
                url=response.url, fetched_at=record.fetched_at, request_line=f"GET {target} HTTP/1.1",
                request_headers=request_headers, status_line=f"{response.status_code} {reason}".strip(),
                response_headers=list(response.raw.headers.items()), body=body, truncated=truncated, facts=facts,
                revisit=revisit,
            )
        except OSError as exc:  # a full disk must not lose the fetch; the record says it was not archived
            log.error("archive write failed for %s: %s", response.url, exc)
            return
        record.archive_path, record.archive_offset = path, offset


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _is_dns_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, NameResolutionError):
            return True
        stack.extend([e.__cause__, e.__context__, getattr(e, "reason", None)])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return False


def _status_cause(status: int, reason: str | None, url: str) -> str:
    what = f"HTTP {status} {reason or ''}".rstrip()
    if status in (404, 410):
        return f"{what}: {url} is gone; remove it from the sources or fix the link"
    if status in (401, 403):
        return f"{what}: {url} refuses us (login, paywall or bot block); check it in a browser before retrying"
    if status == 451:
        return f"{what}: {url} is blocked for legal reasons in our region"
    if status in _REDIRECTS:
        return f"{what} without a usable Location header from {url}"
    return f"{what} from {url}; not retried (only {', '.join(map(str, FetchSettings().retry_statuses))} are)"
