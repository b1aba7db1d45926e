"""Whether a failed attempt is tried again, and when: decided by the exception's type or the HTTP status, never by
the text of a message (Scrapy's `downloadermiddlewares/retry.py` is the model, without its middleware chain).

Retried: connection failures and connect timeouts (counted: a host whose every attempt failed to connect is
remembered as down), read timeouts, the attempt's deadline running out, a connection broken mid-body, any other
`requests` failure, and `FetchSettings.retry_statuses` (raised by the response step with the server's Retry-After).
Not retried: a host name that does not resolve, TLS failures, an address the guard refuses, a URL that cannot be
requested. Waits back off exponentially with jitter and honour Retry-After up to `retry_after_max`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TypeVar
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests import exceptions as rex
from urllib3.exceptions import NameResolutionError

from pipeline.fetch.deadline import DeadlineExceeded
from pipeline.fetch.guard import AddressRefused
from pipeline.fetch.polite import host_key
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.model import FetchRecord, Outcome

E = TypeVar("E", bound=BaseException)

# What sending a request may raise that the fetch turns into a record (anything else is a bug of ours).
SEND_EXCEPTIONS = (DeadlineExceeded, AddressRefused, requests.RequestException, ValueError)
# What reading a body may raise that the fetch turns into a record.
READ_EXCEPTIONS = (DeadlineExceeded, rex.ChunkedEncodingError, rex.ConnectionError, rex.Timeout,
                   rex.ContentDecodingError)


class Retry(Exception):
    """An attempt worth repeating: `record` says why, `wait` how long the server asked us to wait,
    `connect_failure` whether the host could not be reached at all."""

    def __init__(self, record: FetchRecord, wait: float = 0.0, connect_failure: bool = False) -> None:
        super().__init__(record.cause)
        self.record, self.wait, self.connect_failure = record, wait, connect_failure
        self.reason = record.cause or ""  # the cause before the retry loop adds what it did about it


@dataclass(frozen=True, slots=True)
class Failure:
    """What an exception means for the attempt: its outcome and cause, and whether it is tried again."""

    outcome: Outcome
    cause: str
    retry: bool = False
    connect_failure: bool = False


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """After a retryable failure: wait and try again, or give up (and what to tell the host's politeness)."""

    wait: float | None  # seconds before the next attempt; None: give up
    pause_host: float = 0.0  # seconds the host is left alone (a Retry-After longer than we wait)
    host_down: bool = False  # every attempt failed to connect: remember the host as down


def send_failure(exc: BaseException, hop_url: str, settings: FetchSettings,
                 redirected_from: str | None = None) -> Failure:
    """What an exception raised while sending one request (one of SEND_EXCEPTIONS) means, by its type."""
    key = host_key(hop_url)
    if isinstance(exc, DeadlineExceeded):
        return Failure(Outcome.ERROR, str(exc), retry=True)
    refused = caused_by(exc, AddressRefused)
    if refused is not None:
        exc = refused
        where = f"redirected from {redirected_from} to {hop_url}: " if redirected_from else ""
        return Failure(Outcome.REFUSED, where + str(exc))
    if isinstance(exc, (rex.ConnectTimeout, rex.ConnectionError)):
        if is_dns_failure(exc):
            return Failure(Outcome.ERROR, f"the host name {urlsplit(hop_url).hostname} does not resolve (DNS); check the "
                                    "URL or whether the site still exists")
        if isinstance(exc, rex.SSLError):
            return Failure(Outcome.ERROR, f"TLS failed for {key}: {short(exc)}; the site's certificate or TLS set-up is "
                                    "broken — not retried")
        kind = "timed out connecting" if isinstance(exc, rex.ConnectTimeout) else "could not connect"
        return Failure(Outcome.ERROR, f"{kind} to {key} ({short(exc)})", retry=True, connect_failure=True)
    if isinstance(exc, rex.Timeout):
        return Failure(Outcome.ERROR, f"{key} sent no response within {settings.read_timeout:.0f} s ({short(exc)})",
                       retry=True)
    if isinstance(exc, (rex.InvalidURL, rex.InvalidSchema, rex.MissingSchema, ValueError)):
        return Failure(Outcome.REFUSED, f"{hop_url!r} cannot be requested: {short(exc)}")
    return Failure(Outcome.ERROR, f"request to {key} failed: {type(exc).__name__}: {short(exc)}", retry=True)


def read_failure(exc: BaseException, final_url: str) -> Failure:
    """What an exception raised while reading a body (one of READ_EXCEPTIONS) means, by its type."""
    if isinstance(exc, DeadlineExceeded):
        return Failure(Outcome.ERROR, str(exc), retry=True)
    if isinstance(exc, rex.ContentDecodingError):
        return Failure(Outcome.ERROR, f"{final_url} sent a body that does not decompress ({short(exc)}); "
                                "the server's compression is broken")
    return Failure(Outcome.ERROR, f"the connection to {host_key(final_url)} broke while reading the body ({short(exc)})",
                   retry=True)


def decide(retry: Retry, attempt: int, attempts: int, connect_failures: int, settings: FetchSettings) -> RetryDecision:
    """Try again or give up after `retry` ended attempt `attempt` of `attempts`; the record's outcome and cause say
    which (`retry_exhausted` when giving up)."""
    record = retry.record
    if retry.wait > settings.retry_after_max:
        record.outcome = Outcome.RETRY_EXHAUSTED
        record.cause = (record.cause or "") + (
            f"; the server asked us to wait {retry.wait:.0f} s, more than retry_after_max "
            f"({settings.retry_after_max:.0f} s): the host is left alone until then and the next run tries again")
        return RetryDecision(None, pause_host=retry.wait)
    if attempt >= attempts:
        record.outcome = Outcome.RETRY_EXHAUSTED
        record.cause = (record.cause or "") + f"; gave up after {attempts} attempts — the next run will try again"
        return RetryDecision(None, host_down=connect_failures == attempts)
    wait = max(backoff_seconds(settings, attempt), retry.wait)
    record.cause = (record.cause or "") + f"; retrying in {wait:.1f} s (attempt {attempt} of {attempts})"
    return RetryDecision(wait)


def backoff_seconds(settings: FetchSettings, attempt: int) -> float:
    """Exponential back-off after attempt `attempt` (1-based), capped, with up to `backoff_jitter` more."""
    backoff = min(settings.backoff_max, settings.backoff_base * 2 ** (attempt - 1))
    return backoff * (1 + random.uniform(0, settings.backoff_jitter))


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
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def is_dns_failure(exc: BaseException) -> bool:
    """Whether the host name did not resolve: a NameResolutionError anywhere in the exception's chain."""
    return caused_by(exc, NameResolutionError) is not None


def caused_by(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of type `kind` in `exc`'s chain (itself, causes, contexts, wrapped reasons and args)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kind):
            return e
        linked = [e.__cause__, e.__context__, getattr(e, "reason", None), *getattr(e, "args", ())]
        stack.extend(x for x in linked if isinstance(x, BaseException))
    return None


def short(exc: BaseException) -> str:
    """An exception's text, cut to 200 characters for a cause."""
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
