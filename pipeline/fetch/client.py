"""The HTTP client: fetching like a good citizen, one attempt after another.

`Fetcher.fetch(url)` returns a `FetchResult`: a `Document` (or the raw body for feeds, sitemaps and JSON) when there
is something new to parse, and one `FetchRecord` per HTTP attempt with its outcome and, when it did not go well,
a cause a person can act on. It never raises for anything the network or the server does.

Per attempt, per hop: the address guard (and, in `guard.py`, the address actually connected to), robots.txt
(`robots.py`), the host's politeness slot (`polite.py`), conditional headers from known validators, the request
(`transport.py`), redirects followed by hand (`redirect.py`); the final response becomes the outcome in
`response.py`, which archives the exchange (`archive_response.py`). Each attempt, its robots.txt read included, ends
within `total_timeout` of talking to servers whatever they do (`deadline.Deadline`). Whether a failure is tried again
and after how long is `retry.py`'s decision.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from functools import partial
from typing import Iterable, Iterator

from pipeline.fetch.archive import WarcArchive
from pipeline.fetch.deadline import Deadline
from pipeline.fetch.guard import AddressPolicy, url_refusal
from pipeline.fetch.polite import HostGate, host_key
from pipeline.fetch.redirect import redirect_refusal, redirect_target
from pipeline.fetch.response import outcome_of
from pipeline.fetch.results import Attempt, FetchRequest, FetchResult, Validators
from pipeline.fetch.retry import SEND_EXCEPTIONS, Retry, decide, retry_after_seconds, send_failure, short
from pipeline.fetch.robots import RobotsCache, load_robots
from pipeline.fetch.fetch_settings import PLACEHOLDER_CONTACT_URL, FetchSettings
from pipeline.fetch.transport import Transport
from pipeline.model import CURRENT, FetchRecord, Outcome

__all__ = ["FetchRequest", "FetchResult", "Fetcher", "Validators", "retry_after_seconds"]

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Fetcher:
    """A polite HTTP client. Thread-safe: share one per run, call `fetch` from many threads or use `fetch_many`."""

    def __init__(self, settings: FetchSettings | None = None, archive: WarcArchive | None = None,
                 sleep=time.sleep) -> None:
        self.settings = settings or FetchSettings()
        self.archive = archive
        self._sleep = sleep
        self.transport = Transport()
        self.gate = HostGate(sleep=sleep)
        self.robots = RobotsCache()
        if self.settings.contact_url == PLACEHOLDER_CONTACT_URL:
            log.warning("Fetcher: no contact URL configured (set THREADLINE_CONTACT_URL); "
                        "sites cannot tell who runs this crawler")

    def close(self) -> None:
        self.transport.close()
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
            result.records.append(FetchRecord(url=url, outcome=Outcome.REFUSED, fetched_at=_now(), cause=refusal))
            return result
        key = host_key(url)
        down = self.gate.down(key)
        if down:
            left, why = down
            result.records.append(FetchRecord(
                url=url, outcome=Outcome.ERROR, fetched_at=_now(),
                cause=f"{key} is remembered as unreachable ({why}); not tried again for another {left:.0f} s "
                      f"(down_host_seconds); check the host if this persists"))
            return result
        obey_robots = settings.obey_robots if obey_robots is None else obey_robots
        attempts = settings.max_retries + 1
        connect_failures = 0
        for number in range(1, attempts + 1):
            attempt = Attempt(url=url, record=FetchRecord(url=url, outcome=Outcome.ERROR, fetched_at=_now(), attempt=number),
                              result=result, settings=settings, expect=expect, validators=validators,
                              source_name=source_name, deadline=Deadline(settings.total_timeout))
            result.body = result.text = result.document = None
            try:
                try:
                    record = self._attempt(attempt, obey_robots)
                except Retry:
                    raise
                except Exception as exc:  # a bug of ours must not stop the run: log it and record it
                    log.exception("fetch of %s failed unexpectedly", url)
                    record = FetchRecord(url=url, outcome=Outcome.ERROR, fetched_at=_now(), attempt=number,
                                         cause=f"internal error in the fetcher ({type(exc).__name__}: {short(exc)}); "
                                               "report it with this URL")
                result.records.append(record)
                if record.outcome in CURRENT or record.http_status:
                    self.gate.mark_up(key)
                return result
            except Retry as retry:
                result.records.append(retry.record)
                connect_failures += retry.connect_failure
                decision = decide(retry, number, attempts, connect_failures, settings)
                if decision.pause_host:
                    self.gate.pause(key, decision.pause_host)
                if decision.host_down:
                    self.gate.mark_down(key, settings.down_host_seconds, retry.reason)
                if decision.wait is None:
                    return result
                self._sleep(decision.wait)
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

    def _attempt(self, attempt: Attempt, obey_robots: bool) -> FetchRecord:
        """One attempt: hop by hop until a final response, whose outcome `response.outcome_of` decides; raises
        `Retry` for a failure worth repeating."""
        settings, validators, url = attempt.settings, attempt.validators, attempt.url
        policy = AddressPolicy(settings.allow_networks)
        headers = self.transport.headers(settings, attempt.expect)
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        while True:
            hop_url = attempt.hop_url
            redirected_from = attempt.chain[-2] if len(attempt.chain) > 1 else None
            refusal = url_refusal(hop_url, policy)
            if refusal:
                return attempt.done(Outcome.REFUSED, f"redirected from {redirected_from}: {refusal}" if redirected_from
                                    else refusal)
            delay = settings.min_delay
            if obey_robots:
                verdict = self.robots.verdict(
                    hop_url, partial(load_robots, self.transport, self.gate, settings, attempt.deadline),
                    settings.robots_token, settings.robots_ttl, settings.robots_error_ttl)
                if verdict.refused:
                    return attempt.done(Outcome.REFUSED, verdict.cause)
                if verdict.unreachable:
                    if attempt.deadline.expired:  # robots.txt took the attempt's whole time
                        raise Retry(attempt.done(Outcome.ERROR, verdict.cause), connect_failure=True)
                    raise Retry(attempt.done(Outcome.ERROR, f"could not connect to {host_key(hop_url)} to read robots.txt "
                                                      f"({verdict.cause})"), connect_failure=True)
                if not verdict.allowed:
                    return attempt.done(Outcome.BLOCKED_BY_ROBOTS, verdict.cause)
                if verdict.crawl_delay:
                    delay = max(delay, min(verdict.crawl_delay, settings.max_crawl_delay))
            with self.gate.slot(host_key(hop_url), delay, settings.per_host_concurrency), attempt.deadline.running():
                try:
                    response = self.transport.send(settings, hop_url, headers, attempt.deadline)
                except SEND_EXCEPTIONS as exc:
                    failure = send_failure(exc, hop_url, settings, redirected_from)
                    if failure.retry:
                        raise Retry(attempt.done(failure.outcome, failure.cause),
                                    connect_failure=failure.connect_failure) from exc
                    return attempt.done(failure.outcome, failure.cause)
                attempt.record.http_status = response.status_code
                target = redirect_target(response, hop_url)
                if target is not None:
                    response.close()
                    refusal = redirect_refusal(attempt.chain, target, settings.max_redirects)
                    if refusal:
                        return attempt.done(Outcome.ERROR, refusal)
                    attempt.chain.append(target)
                    continue
                try:
                    return outcome_of(response, attempt, self.archive, self.gate)
                finally:
                    response.close()
